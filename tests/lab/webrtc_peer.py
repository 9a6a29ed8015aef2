#!/usr/bin/python3
"""A stock WebRTC peer for the NAT lab: GStreamer's own webrtcbin, driven here.

Audio (Opus, payload 111) and video (VP8, payload 96) both ways, bundle-policy
max-compat (one ICE/DTLS transport per m-line, so a peer may decline BUNDLE),
non-trickle: the SDP is sent once ICE gathering is complete, with every
candidate in it.  What arrives is depayloaded and decoded; at the end (and
every second with --progress) it prints

  decoded audio N buffers
  decoded video N frames

so a test can assert that media arrived and decoded.  Events, one line each:
  event=offer-sent / answer-sent / offer-received / answer-received
  event=ice-connection-state state=S      event=connection-state state=S
  event=dtls-state mid=M state=S           (each transport's DTLS state)

Signalling is the byte stream sdp-negotiator reads and writes (an SDP message
ends at an empty line): --send says where our SDP goes, --recv where the
other's comes from, each connect:HOST:PORT or listen:PORT.  Against the lab's
`tcpserversrc port=IN ! sdp-negotiator ! tcpserversink port=OUT`, an offerer
uses --send connect:HOST:IN --recv connect:HOST:OUT; an answerer for a
`tcpclientsrc port=OUT ! sdp-negotiator role=offerer ! tcpclientsink port=IN`
uses --recv listen:IN --send listen:OUT.

--bundle-policy none: 1.22 under max-compat still offers one bundled
transport (the same ufrag and all candidates on the first m-line) and stops
with a not-linked video source when the answer declines BUNDLE; under none
each m-line has its own transport and candidates.
--sdp-log FILE gets both SDP texts ("--- local" / "--- remote").
--add-mid (diagnosis) adds a=mid to a remote SDP without any.
--fingerprint HASH:HEX replaces our a=fingerprint in what we send (a peer that
lies about its certificate).  --stun stun://HOST:PORT sets a STUN server.
"""
import argparse
import re
import signal
import socket
import sys
import threading
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstSdp", "1.0")
gi.require_version("GstWebRTC", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

OPUS_CAPS = "application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,payload=111"
VP8_CAPS = "application/x-rtp,media=video,encoding-name=VP8,clock-rate=90000,payload=96"


def say(line):
    print(line, flush=True)


def event(name, **fields):
    say("event=%s time=%.6f %s" % (name, time.monotonic(),
                                   " ".join(f"{k}={v}" for k, v in fields.items())))


class Channel:
    """One direction of signalling: a TCP connection made or accepted."""

    def __init__(self, spec):
        kind, _, rest = spec.partition(":")
        self.sock = None
        if kind == "connect":
            host, port = rest.rsplit(":", 1)
            self.target = (host, int(port))
            self.listener = None
        elif kind == "listen":
            self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.listener.bind(("0.0.0.0", int(rest)))
            self.listener.listen(1)
        else:
            raise SystemExit(f"bad channel {spec!r}: connect:HOST:PORT or listen:PORT")

    def open(self):
        if self.sock:
            return self.sock
        if self.listener:
            self.sock, _ = self.listener.accept()
            return self.sock
        for _ in range(100):
            try:
                self.sock = socket.create_connection(self.target, timeout=5)
                self.sock.settimeout(None)
                return self.sock
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"cannot connect to {self.target}")

    def send_sdp(self, text):
        self.open().sendall(text.replace("\r\n", "\n").replace("\n", "\r\n").encode() + b"\r\n")

    def read_sdp(self):
        """The next message: up to an empty line after a v= line."""
        sock, buf = self.open(), b""
        while True:
            m = re.search(rb"\n\r?\n", buf)
            if m and b"v=" in buf[:m.start()]:
                return buf[:m.end()].decode(errors="replace")
            data = sock.recv(65536)
            if not data:
                return buf.decode(errors="replace") if b"v=" in buf else None
            buf += data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--role", choices=["offerer", "answerer"], required=True)
    ap.add_argument("--send", required=True, help="connect:HOST:PORT or listen:PORT")
    ap.add_argument("--recv", required=True, help="connect:HOST:PORT or listen:PORT")
    ap.add_argument("--seconds", type=float, default=10, help="after the remote SDP is applied")
    ap.add_argument("--stun", default="")
    ap.add_argument("--sdp-log")
    ap.add_argument("--fingerprint", help="HASH:HEX to announce instead of our certificate's")
    ap.add_argument("--progress", action="store_true")
    ap.add_argument("--bundle-policy", default="max-compat",
                    help="webrtcbin's bundle-policy; 'none' for a peer that declines BUNDLE")
    ap.add_argument("--add-mid", action="store_true",
                    help="diagnosis: number the remote m-lines with a=mid when it has none")
    a = ap.parse_args()

    Gst.init(None)
    pipe = Gst.parse_launch(
        f"webrtcbin name=w bundle-policy={a.bundle_policy} latency=100 "
        "audiotestsrc is-live=true wave=sine freq=440 ! audioconvert ! audioresample "
        f"! opusenc ! rtpopuspay pt=111 ! {OPUS_CAPS} ! w. "
        "videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=15/1 "
        f"! vp8enc deadline=1 keyframe-max-dist=15 ! rtpvp8pay pt=96 ! {VP8_CAPS} ! w.")
    w = pipe.get_by_name("w")
    if a.stun:
        w.set_property("stun-server", a.stun)
    send_ch, recv_ch = Channel(a.send), Channel(a.recv)
    sdp_log = open(a.sdp_log, "w") if a.sdp_log else None
    counts = {"audio": 0, "video": 0}
    loop = GLib.MainLoop()
    done = [False]

    def log_sdp(kind, text):
        if sdp_log:
            sdp_log.write(f"--- {kind}\n{text}")
            if not text.endswith("\n"):
                sdp_log.write("\n")
            sdp_log.flush()

    def report():
        say("decoded audio %d buffers" % counts["audio"])
        say("decoded video %d frames" % counts["video"])

    def finish():
        if not done[0]:
            done[0] = True
            loop.quit()
        return False

    # --- decoding what arrives -------------------------------------------------
    def on_pad_added(_w, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        caps = pad.get_current_caps() or pad.query_caps(None)
        s = caps.get_structure(0)
        enc = (s.get_string("encoding-name") or "").upper()
        if enc == "OPUS":
            kind, desc = "audio", "rtpopusdepay ! opusdec ! fakesink name=%s sync=false async=false"
        elif enc == "VP8":
            kind, desc = "video", "rtpvp8depay ! vp8dec ! fakesink name=%s sync=false async=false"
        else:
            kind, desc = None, "fakesink name=%s sync=false async=false"
        name = "sink_%s" % pad.get_name()
        bin_ = Gst.parse_bin_from_description(desc % name, True)
        pipe.add(bin_)
        bin_.sync_state_with_parent()
        pad.link(bin_.get_static_pad("sink"))
        event("receiving", pad=pad.get_name(), encoding=enc or "?")
        if kind:
            def count(_p, _info, k=kind):
                counts[k] += 1
                return Gst.PadProbeReturn.OK
            bin_.get_by_name(name).get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, count)

    w.connect("pad-added", on_pad_added)

    # --- signalling ------------------------------------------------------------
    def local_text():
        desc = w.get_property("local-description")
        text = desc.sdp.as_text()
        if a.fingerprint:
            text = re.sub(r"a=fingerprint:[^\r\n]*", "a=fingerprint:" + a.fingerprint.replace(":", " ", 1), text)
        return text

    def send_when_gathered():
        """Non-trickle: the SDP goes out once gathering is complete."""
        def check():
            if w.get_property("ice-gathering-state") != GstWebRTC.WebRTCICEGatheringState.COMPLETE:
                return True
            text = local_text()
            log_sdp("local", text)
            threading.Thread(target=send_ch.send_sdp, args=(text,), daemon=True).start()
            event("%s-sent" % ("offer" if a.role == "offerer" else "answer"), bytes=len(text))
            return False
        GLib.timeout_add(50, check)

    def set_local(desc):
        p = Gst.Promise.new_with_change_func(lambda _p: send_when_gathered())
        w.emit("set-local-description", desc, p)

    def on_created(promise, kind):
        promise.wait()
        reply = promise.get_reply()
        if reply is None:
            say("error=create-%s returned nothing" % kind)
            GLib.idle_add(finish)
            return
        if reply.has_field("error"):
            say("error=create-%s failed: %s" % (kind, reply.get_value("error").message))
            GLib.idle_add(finish)
            return
        desc = reply.get_value(kind)
        if desc is None:
            say("error=create-%s failed: %s" % (kind, reply.to_string()))
            GLib.idle_add(finish)
            return
        set_local(desc)   # here: desc lives only as long as the promise's reply

    def apply_remote(text, sdp_type):
        log_sdp("remote", text)
        if a.add_mid and "a=mid:" not in text:
            # Diagnosis only (off by default): what webrtcbin 1.22 would do
            # with an offer it otherwise refuses for want of a=mid.
            parts = re.split(r"(?m)^(?=m=)", text)
            text = parts[0] + "".join(
                re.sub(r"(?m)^(m=[^\r\n]*\r?\n)", r"\1a=mid:%d\r\n" % i, part, count=1)
                for i, part in enumerate(parts[1:]))
        res, msg = GstSdp.SDPMessage.new_from_text(text)
        if res != GstSdp.SDPResult.OK:
            say("error=remote SDP does not parse")
            return finish()
        desc = GstWebRTC.WebRTCSessionDescription.new(sdp_type, msg)

        def applied(p):
            reply = p.get_reply()
            if reply is not None and reply.has_field("error"):
                # webrtcbin refuses it: e.g. 1.22 wants an a=mid on each m-line
                say("error=set-remote-description: %s" % reply.get_value("error").message)
                GLib.idle_add(finish)
                return
            event("%s-received" % ("answer" if a.role == "offerer" else "offer"))
            if a.role == "answerer":
                p = Gst.Promise.new_with_change_func(on_created, "answer")
                w.emit("create-answer", None, p)
        w.emit("set-remote-description", desc, Gst.Promise.new_with_change_func(applied))
        GLib.timeout_add(int(a.seconds * 1000), finish)
        return False

    def read_remote():
        text = recv_ch.read_sdp()
        if not text:
            say("error=signalling closed without an SDP")
            GLib.idle_add(finish)
            return
        t = GstWebRTC.WebRTCSDPType.ANSWER if a.role == "offerer" else GstWebRTC.WebRTCSDPType.OFFER
        GLib.idle_add(apply_remote, text, t)

    if a.role == "offerer":
        def on_negotiation_needed(_w):
            p = Gst.Promise.new_with_change_func(on_created, "offer")
            w.emit("create-offer", None, p)
        w.connect("on-negotiation-needed", on_negotiation_needed)
    threading.Thread(target=read_remote, daemon=True).start()

    # --- states ----------------------------------------------------------------
    def on_notify(_w, pspec):
        event(pspec.name, state=w.get_property(pspec.name).value_nick)
    w.connect("notify::ice-connection-state", on_notify)
    w.connect("notify::connection-state", on_notify)

    def watch_dtls():
        """Each transceiver's DTLS transport state, as it changes."""
        seen = {}
        i = 0
        while True:
            tr = w.emit("get-transceiver", i)
            if tr is None:
                break
            sender = tr.get_property("sender")
            tp = sender.get_property("transport") if sender else None
            if tp is not None:
                st = tp.get_property("state").value_nick
                key = tr.get_property("mid") or str(i)
                if seen.get(key) != st:
                    seen[key] = st
                    event("dtls-state", mid=key, state=st)
            i += 1
        return not done[0]

    def progress():
        report()
        return not done[0]

    bus = pipe.get_bus()
    bus.add_signal_watch()

    def on_message(_bus, msg):
        if msg.type == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            say(f"error={msg.src.get_name()}: {err.message} ({dbg})")
            finish()
        elif msg.type == Gst.MessageType.WARNING:
            err, _ = msg.parse_warning()
            say(f"warning={msg.src.get_name()}: {err.message}")
    bus.connect("message", on_message)

    # Whatever happens (no SDP ever comes), the peer ends by itself.
    GLib.timeout_add(int((a.seconds + 20) * 1000), finish)
    GLib.timeout_add(200, watch_dtls)
    if a.progress:
        GLib.timeout_add(1000, progress)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, finish)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, finish)
    pipe.set_state(Gst.State.PLAYING)
    loop.run()
    report()
    pipe.set_state(Gst.State.NULL)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""signalling.py: a browser calls a gst-launch line (comedia's ICE + DTLS-SRTP).

  signalling.py [--port 8080] [--public-address IP] [--min-port N --max-port M]
                [--stun-server URL] [--snapshot FILE.png] [--seconds N]

A small HTTP server (Python's http.server, nothing else) that

- serves index.html (beside this file): the page calls getUserMedia and
  RTCPeerConnection and POSTs its SDP offer to /offer;
- answers each offer: it builds the server pipeline below with
  Gst.parse_launch() -- Opus and VP8 over nicesrc/nicesink with
  comedia-dtlssrtpdec/-enc, the payload types the browser offered -- sets it
  to PLAYING and hands the offer to sdp-negotiator's "process-offer" action
  signal; the answer goes back as the HTTP response (one call at a time: a new
  offer replaces the call before); /offer?restart is a re-offer of the same
  call (an ICE restart: new ICE credentials), answered by the same
  sdp-negotiator;
- takes the candidates the browser gathers after its offer (trickle ICE) on
  /candidate, for sdp-negotiator's add-ice-candidate action signal;
- takes the page's getStats() summaries on /stats and prints each as a line
  "browser-stats {json}" on stdout; GET /server-stats is what the server
  decoded so far, as JSON (the page shows it).

What the server sends: a sine (audiotestsrc) as Opus, a test pattern
(videotestsrc) as VP8.  What it receives is decoded: Opus into a level
element (its peak is reported), VP8 frames counted; --snapshot saves one
decoded frame of the browser's camera as a PNG.  At the end (Ctrl-C,
SIGTERM, or --seconds) it prints

  server-decoded audio=BUFFERS audio-peak-db=DB video=FRAMES video-size=WxH

Needs python3-gi, gir1.2-gstreamer-1.0, gir1.2-gst-plugins-base-1.0 (GstSdp,
GstVideo), gstreamer1.0-nice, and the comedia plugin in GST_PLUGIN_PATH.
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import argparse
import http.server
import json
import os
import signal
import sys
import threading
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstSdp", "1.0")
gi.require_version("GstVideo", "1.0")
from gi.repository import GLib, GObject, Gst, GstSdp, GstVideo  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SESSION = "browser"


_say_lock = threading.Lock()


def say(line):
    # One write per line, under a lock: streaming threads (the EOS probes,
    # the sync bus handler) say things too, and print() writes the line and
    # its newline apart, so two threads' lines could run into one.
    with _say_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def offered_payload(media, encoding):
    """The first payload type of an m-line whose rtpmap names ENCODING."""
    for i in range(media.attributes_len()):
        attr = media.get_attribute(i)
        if attr.key == "rtpmap" and attr.value:
            pt, _, rest = attr.value.partition(" ")
            if rest.split("/")[0].upper() == encoding:
                return int(pt)
    return None


def bundled_mlines(offer, wanted):
    """The m-line indexes of the offer's first a=group:BUNDLE that are in
    WANTED (the ones the pipeline has a stream for), in the group's order;
    [] when it has none."""
    mids = {}
    for index in wanted:
        media = offer.get_media(index)
        mid = media.get_attribute_val("mid")
        if mid is not None:
            mids[mid] = index
    for i in range(offer.attributes_len()):
        attr = offer.get_attribute(i)
        if attr.key == "group" and attr.value and attr.value.split()[0] == "BUNDLE":
            return [mids[m] for m in attr.value.split()[1:] if m in mids]
    return []


def server_pipeline(offer, args):
    """The gst-launch line answering OFFER: stream N is m-line N.  With
    --bundle-policy max-bundle and an offered a=group:BUNDLE, the bundled
    streams share the first one's nicesrc/nicesink (its decoder's src_N,
    its encoder's sink_N: docs/ice.md, BUNDLE)."""
    streams = {}
    for index in range(offer.medias_len()):
        media = offer.get_media(index)
        kind = media.get_media()
        pt = offered_payload(media, "OPUS" if kind == "audio" else "VP8")
        if kind in ("audio", "video") and pt is not None:
            streams[index] = (kind, pt)
        # else no stream index+1 in the pipeline: sdp-negotiator rejects the m-line (port 0)
    bundled = bundled_mlines(offer, streams) if args.bundle_policy == "max-bundle" else []
    transport = bundled[0] + 1 if bundled else 0
    media_lines, decoders = ["rtpbin name=rb"], []
    for index, (kind, pt) in streams.items():
        n = index + 1
        if kind == "audio":
            caps = f"application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload={pt}"
            send = ("audiotestsrc is-live=true wave=sine freq=440 volume=0.3 ! audioconvert ! "
                    f"audioresample ! opusenc ! rtpopuspay pt={pt}")
            decode = (f"rtpopusdepay name=depay{n} ! opusdec ! audioconvert ! level name=level "
                      "post-messages=true ! fakesink name=audio signal-handoffs=true sync=false async=false")
        else:
            # nack-pli: rtpbin may ask the browser for a key frame (PLI)
            caps = (f"application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload={pt},"
                    "rtcp-fb-nack-pli=(boolean)true")
            send = ("videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=15/1 ! "
                    f"vp8enc deadline=1 keyframe-max-dist=15 ! rtpvp8pay pt={pt}")
            # A frame lost, or the first key frame missed: ask for one (PLI).
            decode = (f"rtpvp8depay name=depay{n} wait-for-keyframe=true request-keyframe=true ! vp8dec ! "
                      "fakesink name=video signal-handoffs=true sync=false async=false")
        r = index
        if index in bundled and n != transport:
            # Bundled: in and out through the transport stream's decoder and encoder.
            t = transport
            media_lines.append(
                f"dec{t}.src_{n} ! {caps} ! rb.recv_rtp_sink_{r} dec{t}.rtcp_src_{n} ! rb.recv_rtcp_sink_{r} "
                f"{send} ! rb.send_rtp_sink_{r} "
                f"rb.send_rtp_src_{r} ! enc{t}.sink_{n} rb.send_rtcp_src_{r} ! enc{t}.rtcp_sink_{n}")
        else:
            # rtcp-mux (what browsers require): RTP, RTCP and DTLS on component 1.
            media_lines.append(
                f"nicesrc stream={n} component=1 ! comedia-dtlssrtpdec name=dec{n} session={SESSION} stream={n} "
                f"component=1 ! {caps} ! rb.recv_rtp_sink_{r} dec{n}.rtcp_src ! rb.recv_rtcp_sink_{r} "
                f"{send} ! rb.send_rtp_sink_{r} "
                f"rb.send_rtp_src_{r} ! comedia-dtlssrtpenc name=enc{n} session={SESSION} stream={n} "
                f"component=1 ! nicesink stream={n} component=1 sync=false async=false "
                f"rb.send_rtcp_src_{r} ! enc{n}.rtcp_sink")
        decoders.append(decode)
    if transport:
        # The transport's elements first: the bundled lines name their pads.
        media_lines.sort(key=lambda line: not line.startswith(("rtpbin", "nicesrc")))
    negotiator = (f"sdp-negotiator name=negotiator session={SESSION} formats=OPUS,VP8 "
                  f"bundle-policy={args.bundle_policy}")
    if args.public_address:
        negotiator += f" public-address={args.public_address}"
    if args.min_port or args.max_port:
        # Every UDP socket of the call (the ICE agent's) in this range.
        negotiator += f" min-port={args.min_port} max-port={args.max_port}"
    if args.stun_server:
        negotiator += f" stun-server={args.stun_server}"
    # rtpbin's receiving pads are linked to the depayloaders by Call.on_pad
    # (a "rb. ! depay" in the line would take the first pad that appears,
    # whatever its session or payload type).
    return " ".join(media_lines + [negotiator] + decoders)


class Call:
    """One browser's call: the pipeline and what it decoded."""

    def __init__(self, offer, args):
        self.args = args
        self.audio_buffers = self.video_frames = 0
        self.peak_db = -200.0
        self.video_size = ""
        self.snapshot_taken = False
        self.media_count = offer.medias_len()
        self.pipeline = Gst.parse_launch(server_pipeline(offer, args))
        for name, handler in (("audio", self.on_audio), ("video", self.on_video)):
            sink = self.pipeline.get_by_name(name)
            if sink:
                sink.connect("handoff", handler)
                sink.get_static_pad("sink").add_probe(Gst.PadProbeType.EVENT_DOWNSTREAM, self.on_sink_event, name)
        self.pipeline.get_by_name("rb").connect("pad-added", self.on_pad)
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self.on_message)
        # The time of a consent loss is taken where it is posted: the
        # stream's EOS follows at once, before the main loop sees the message.
        bus.enable_sync_message_emission()
        bus.connect("sync-message::element", self.on_sync_element)

    def on_pad(self, rtpbin, pad):
        """recv_rtp_src_SESSION_SSRC_PT: session N's media to depayN, once;
        anything else (an RTX or probing SSRC, say) to a fakesink."""
        parts = pad.get_name().split("_")
        if pad.get_name().startswith("recv_rtp_src_") and len(parts) == 6:
            depay = self.pipeline.get_by_name("depay%d" % (int(parts[3]) + 1))
            if depay and not depay.get_static_pad("sink").is_linked():
                if pad.link(depay.get_static_pad("sink")) == Gst.PadLinkReturn.OK:
                    say(f"receiving {pad.get_name()} (session, SSRC, payload type)")
                    return
            say(f"not decoded: {pad.get_name()}")
            sink = Gst.ElementFactory.make("fakesink")
            sink.set_property("async", False)
            self.pipeline.add(sink)
            sink.sync_state_with_parent()
            pad.link(sink.get_static_pad("sink"))

    def answer(self, offer):
        # PLAYING before the offer: the answer announces bound sockets.
        started = time.monotonic()
        self.pipeline.set_state(Gst.State.PLAYING)
        result, state, _ = self.pipeline.get_state(10 * Gst.SECOND)
        say("pipeline %s in %.1f s" % (state.value_nick, time.monotonic() - started))
        return self.pipeline.get_by_name("negotiator").emit("process-offer", offer)

    def on_sink_event(self, pad, info, name):
        # The stream's end (consent lost: sdp-negotiator's EOS), with the time.
        if info.get_event().type == Gst.EventType.EOS:
            say(f"stream-ended {name} at={time.time():.3f}")
        return Gst.PadProbeReturn.OK

    def on_audio(self, sink, buffer, pad):
        self.audio_buffers += 1

    def on_video(self, sink, buffer, pad):
        self.video_frames += 1
        if not self.video_size:
            s = pad.get_current_caps().get_structure(0)
            self.video_size = "%dx%d" % (s.get_value("width"), s.get_value("height"))
        # A frame a second into the call: the camera's picture, not a start-up one.
        if self.args.snapshot and not self.snapshot_taken and self.video_frames >= 15:
            self.snapshot_taken = True
            sample = Gst.Sample.new(buffer, pad.get_current_caps(), None, None)
            threading.Thread(target=self.save_png, args=(sample,), daemon=True).start()

    def save_png(self, sample):
        png, err = None, None
        try:
            png = GstVideo.video_convert_sample(sample, Gst.Caps.from_string("image/png"), 5 * Gst.SECOND)
        except GLib.Error as e:
            err = e.message
        if not png:
            say(f"snapshot failed: {err}")
            return
        ok, info = png.get_buffer().map(Gst.MapFlags.READ)
        with open(self.args.snapshot, "wb") as f:
            f.write(info.data)
        png.get_buffer().unmap(info)
        say(f"snapshot {self.args.snapshot} ({self.video_size}, frame {self.video_frames})")

    def on_sync_element(self, bus, msg):
        s = msg.get_structure()
        if s is not None and s.get_name() == "sdp-negotiator-ice-consent-lost":
            say(f"consent-lost stream={s.get_value('stream')} at={time.time():.3f}")

    def on_message(self, bus, msg):
        s = msg.get_structure()
        if msg.type == Gst.MessageType.ELEMENT and s is not None:
            if s.get_name() == "level":
                peaks = s.get_value("peak")
                if peaks:
                    self.peak_db = max(self.peak_db, max(peaks))
            elif s.get_name() in ("sdp-negotiator-offer-received", "sdp-negotiator-answer-created"):
                pass  # the SDP texts: printed already
            elif s.get_name().startswith(("sdp-negotiator", "comedia-")):
                say(f"event {s.to_string()}")
        elif msg.type in (Gst.MessageType.ERROR, Gst.MessageType.WARNING):
            err, debug = msg.parse_error() if msg.type == Gst.MessageType.ERROR else msg.parse_warning()
            say(f"{msg.type.first_value_nick} from {msg.src.get_name()}: {err.message} ({debug})")

    def summary(self):
        return {"audio": self.audio_buffers, "audio-peak-db": round(self.peak_db, 1),
                "video": self.video_frames, "video-size": self.video_size}

    def stop(self):
        # What each DTLS-SRTP decoder saw (docs/troubleshooting.md has the fields).
        for n in (1, 2):
            dec = self.pipeline.get_by_name(f"dec{n}")
            if dec:
                st = dec.get_property("stats")
                say(f"dtls stream {n}: " + " ".join(
                    f"{k}={st.get_value(k)}" for k in ("dtls-state", "passed-rtp", "passed-rtcp",
                                                       "held-before-handshake", "dropped-before-handshake", "auth-failed", "replayed",
                                                       "bundle-unrouted", "bundle-routed-by-mid")
                    if st.has_field(k)))
        # The peer's candidates: resolved (mDNS names) and skipped, where this
        # sdp-negotiator counts them.
        negotiator = self.pipeline.get_by_name("negotiator")
        say("sdp-negotiator: " + " ".join(
            f"{k}={negotiator.get_property(k)}" for k in ("candidates-resolved", "candidates-skipped")
            if negotiator.find_property(k)))
        self.pipeline.set_state(Gst.State.NULL)
        self.pipeline.get_bus().remove_signal_watch()


class Server:
    def __init__(self, args):
        self.args = args
        self.call = None
        self.lock = threading.Lock()

    def offer(self, text, restart=False):
        ok, offer = GstSdp.SDPMessage.new_from_text(text)
        if ok != GstSdp.SDPResult.OK:
            raise ValueError("not an SDP message")
        restart = restart and self.call is not None
        say(("--- re-offer (ICE restart)\n" if restart else "--- offer\n") + text.strip())
        started = time.monotonic()
        with self.lock:
            if restart:  # the same call, its sdp-negotiator restarts ICE
                answer = self.call.pipeline.get_by_name("negotiator").emit("process-offer", offer)
            else:
                if self.call:
                    self.call.stop()
                self.call = Call(offer, self.args)
                answer = self.call.answer(offer)
        if answer is None:
            say("refused: sdp-negotiator refused the offer (its error is above)")
            raise ValueError("sdp-negotiator refused the offer (see its error above)")
        text = answer.as_text()
        say(("--- re-answer\n" if restart else "--- answer\n") + text.strip())
        say("%s in %.1f s" % ("re-answered" if restart else "answered", time.monotonic() - started))
        return text

    def candidate(self, trickled):
        """A candidate the browser gathered after its offer (trickle ICE,
        RFC 8838), or {"candidate": ""}: its end-of-candidates.  It goes to
        sdp-negotiator's add-ice-candidate action signal (m-line index, mid,
        candidate line; as webrtcbin's), where this sdp-negotiator has one."""
        line, mid = trickled.get("candidate") or "", trickled.get("sdpMid")
        mline = trickled.get("sdpMLineIndex")
        say(f"trickled by the browser: m-line {mline}: {line or 'end-of-candidates'}")
        call = self.call
        if call is None:
            raise ValueError("no call: POST the offer first")
        negotiator = call.pipeline.get_by_name("negotiator")
        if not GObject.signal_lookup("add-ice-candidate", type(negotiator)):
            say("  not applied: this sdp-negotiator has no add-ice-candidate signal")
            return
        # The browser's end-of-candidates ({candidate: null}) is for every m-line.
        targets = [(int(mline or 0), mid)] if line else [(i, None) for i in range(call.media_count)]
        for index, m in targets:
            if negotiator.emit("add-ice-candidate", index, m, line):
                say("  applied")
            else:
                say("  skipped by sdp-negotiator (its warning says why)")

    def summary(self):
        call = self.call
        return call.summary() if call else {"audio": 0, "audio-peak-db": -200.0, "video": 0, "video-size": ""}

    def stop(self):
        with self.lock:
            if self.call:
                self.call.stop()
        s = self.summary()
        say("server-decoded audio=%d audio-peak-db=%.1f video=%d video-size=%s"
            % (s["audio"], s["audio-peak-db"], s["video"], s["video-size"] or "none"))


def handler_for(server):
    class Handler(http.server.BaseHTTPRequestHandler):
        def reply(self, code, body, ctype="text/plain"):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            path = self.path.split("?")[0]
            if path in ("/", "/index.html"):
                say(f"page requested by {self.client_address[0]}:{self.client_address[1]}")
                with open(os.path.join(HERE, "index.html"), "rb") as f:
                    self.reply(200, f.read(), "text/html; charset=utf-8")
            elif path == "/server-stats":
                self.reply(200, json.dumps(server.summary()), "application/json")
            else:
                self.reply(404, "not found\n")

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode(errors="replace")
            if self.path in ("/offer", "/offer?restart"):
                try:
                    self.reply(200, server.offer(body, self.path.endswith("?restart")), "application/sdp")
                except ValueError as e:
                    self.reply(400, f"{e}\n")
            elif self.path == "/candidate":
                try:
                    server.candidate(json.loads(body))
                except ValueError as e:
                    self.reply(400, f"{e}\n")
                    return
                self.reply(204, b"")
            elif self.path == "/stats":
                try:
                    say("browser-stats " + json.dumps(json.loads(body), sort_keys=True))
                except ValueError:
                    self.reply(400, "not JSON\n")
                    return
                self.reply(204, b"")
            else:
                self.reply(404, "not found\n")

        def log_message(self, fmt, *a):
            pass  # the stats arrive every second: no access log

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--address", default="0.0.0.0", help="HTTP address (default all)")
    parser.add_argument("--port", type=int, default=8080, help="HTTP port (default 8080)")
    parser.add_argument("--public-address", help="the address in our ICE host candidates' c=")
    parser.add_argument("--min-port", type=int, default=0,
                        help="lowest UDP port of the call's sockets (with --max-port; default any)")
    parser.add_argument("--max-port", type=int, default=0, help="highest UDP port of the call's sockets")
    parser.add_argument("--stun-server", help="stun://HOST[:PORT]: a server-reflexive candidate too")
    parser.add_argument("--bundle-policy", choices=("max-bundle", "none"), default="max-bundle",
                        help="max-bundle (default): accept an offer's a=group:BUNDLE, one transport "
                        "for both m-lines (what a browser in bundlePolicy max-bundle requires); "
                        "none: decline it, each m-line its own transport")
    parser.add_argument("--snapshot", help="save one decoded frame of the browser's camera (PNG)")
    parser.add_argument("--seconds", type=float, default=0, help="stop after this long (0: never)")
    args = parser.parse_args()
    if bool(args.min_port) != bool(args.max_port) or args.min_port > args.max_port:
        parser.error("--min-port and --max-port go together, the lower one first")

    Gst.init(None)
    server = Server(args)
    httpd = http.server.ThreadingHTTPServer((args.address, args.port), handler_for(server))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    say(f"signalling: http://{args.address}:{args.port}/ (index.html, POST /offer, POST /stats)")

    loop = GLib.MainLoop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    if args.seconds:
        GLib.timeout_add(int(args.seconds * 1000), loop.quit)
    loop.run()
    httpd.shutdown()
    server.stop()


if __name__ == "__main__":
    sys.exit(main())

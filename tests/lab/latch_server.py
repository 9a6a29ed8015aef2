#!/usr/bin/python3
"""The passive server of the NAT-lab attack tests (test-attack.sh).

A gst_parse_launch() pipeline with the comedia elements, as a media server
runs them: comedia-rtpsrc for RTP and RTCP into rtpbin, PCMU (50 packets/s)
and rtpbin's RTCP out through comedia-rtpsink to whoever latched.  --props
is added to both comedia-rtpsrc (e.g. "relatch=never timeout=1000");
--negotiate adds an sdp-negotiator answering offers over TCP; --sip PORT
adds one that answers SIP INVITEs on that UDP port (sip_uas.py), through its
process-offer action signal, as a SIP application would use it.  --ice
carries the media over ICE instead (nicesrc ! comedia-dtlssrtpdec and
comedia-dtlssrtpenc ! nicesink, named as the comedia-rtpsrc/-rtpsink they
replace, so the probes and stats below read them; no --port then).

Python only observes, from pad probes on the comedia-rtpsrc source pads,
i.e. exactly what comedia-rtpsrc passes downstream:
  --recv-log FILE   one line per RTP packet passed: "ssrc seq time ip port"
                    (time: monotonic seconds; ip/port: GstNetAddressMeta)
Each comedia-* bus message is printed as it is posted (sync handler):
  event=NAME time=T component=C address=A port=P [old=A:P] [reason=R count=N]
  event=sdp-negotiator-stream time=T stream=S plan=P allowed-source=A  (--negotiate, --sip)
  event=sip-METHOD time=T source=A:P                                   (--sip)
--sdp-log FILE (with --sip) gets each offer and answer, as text.
--sink-props adds properties to both comedia-rtpsink (e.g. an srtp-key);
--marker HEX counts the RTP packets passed downstream whose payload
starts with those bytes (rtp.marked, e.g. an attacker's); --decode sends
the first SSRC through rtppcmudepay ! mulawdec ! level (level.* lines: what
decrypted audio sounds like).
At the end (SIGINT/SIGTERM or --seconds) key=value lines:
  state                   the pipeline's state just before stopping
  rtp.passed.SSRC / rtcp.passed.SSRC   packets passed downstream, per SSRC
  rtp.ssrcs / rtcp.ssrcs  SSRCs passed downstream
  src.C.FIELD             comedia-rtpsrc stats of component C
  sink.C.FIELD            comedia-rtpsink stats of component C
  rtp.marked              (--marker) packets passed with the marker payload
  level.messages / level.rms.min / level.rms.max   (--decode) dB of the audio
  errors / warnings       bus errors and warnings (error= lines follow)
"""
import argparse
import signal
import struct
import sys
import threading
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstNet", "1.0")
from gi.repository import GLib, Gst, GstNet  # noqa: E402

PCMU_CAPS = "application/x-rtp,media=audio,clock-rate=8000,encoding-name=PCMU,payload=0"


def ice_media():
    """The media elements of --ice: SRTP (SDES or DTLS keyed) or nothing."""
    return (
        "nicesrc stream=1 component=1 ! comedia-dtlssrtpdec name=rtpsrc session=s stream=1 "
        f"component=1 ! {PCMU_CAPS} ! rb.recv_rtp_sink_0 "
        "nicesrc stream=1 component=2 ! comedia-dtlssrtpdec name=rtcpsrc session=s stream=1 "
        "component=2 ! application/x-rtcp ! rb.recv_rtcp_sink_0 "
        "rb.send_rtp_src_0 ! comedia-dtlssrtpenc name=rtpsink session=s stream=1 component=1 "
        "! nicesink stream=1 component=1 sync=false async=false "
        "rb.send_rtcp_src_0 ! comedia-dtlssrtpenc name=rtcpsink session=s stream=1 component=2 "
        "! nicesink stream=1 component=2 sync=false async=false ")


def description(a):
    send = ("audiotestsrc is-live=true wave=silence samplesperbuffer=160 "
            "! audio/x-raw,rate=8000,channels=1 ! mulawenc ! rtppcmupay ! rb.send_rtp_sink_0 ")
    if a.ice:
        return "rtpbin name=rb " + ice_media() + send + (
            f"sdp-negotiator name=neg session=s public-address={a.public_address} "
            f"{a.negotiator_props}")
    return (
        "rtpbin name=rb "
        f"comedia-rtpsrc name=rtpsrc session=s stream=1 component=1 address={a.address} "
        f"port={a.port} caps=\"{PCMU_CAPS}\" {a.props} ! rb.recv_rtp_sink_0 "
        f"comedia-rtpsrc name=rtcpsrc session=s stream=1 component=2 address={a.address} "
        f"port={a.port + 1 if a.port else 0} {a.props} ! rb.recv_rtcp_sink_0 " + send +
        "rb.send_rtp_src_0 ! comedia-rtpsink name=rtpsink session=s stream=1 component=1 "
        f"sync=false async=false {a.sink_props} "
        "rb.send_rtcp_src_0 ! comedia-rtpsink name=rtcpsink session=s stream=1 component=2 "
        f"sync=false async=false {a.sink_props}"
    ) + (
        f" tcpserversrc host=0.0.0.0 port={a.negotiate} ! sdp-negotiator name=neg session=s "
        f"public-address={a.public_address} {a.negotiator_props} "
        f"! tcpserversink host=0.0.0.0 port={a.negotiate + 1} "
        "async=false" if a.negotiate else "") + (
        f" sdp-negotiator name=neg session=s public-address={a.public_address} "
        f"{a.negotiator_props}" if a.sip else "")


def sink_every_ssrc(rtpbin, pad, decode=False):
    """rtpbin adds a pad per SSRC that passed: each gets a fakesink.  A plain
    "rb. ! depay" links only the first, and a second SSRC (a peer that
    changes it, an attacker that latched and copies the peer's) would stop
    the pipeline with not-linked."""
    if not pad.get_name().startswith("recv_rtp_src_"):
        return
    if decode and not decode[0]:
        decode[0] = True      # the first SSRC only: one stream of audio to judge
        bin_ = Gst.parse_bin_from_description(
            "rtppcmudepay ! mulawdec ! level interval=100000000 post-messages=true "
            "! fakesink sync=false async=false", True)
        rtpbin.get_parent().add(bin_)
        bin_.sync_state_with_parent()
        pad.link(bin_.get_static_pad("sink"))
        return
    sink = Gst.ElementFactory.make("fakesink")
    sink.set_property("sync", False)
    sink.set_property("async", False)
    rtpbin.get_parent().add(sink)
    sink.sync_state_with_parent()
    pad.link(sink.get_static_pad("sink"))


def sender(buf):
    meta = GstNet.buffer_get_net_address_meta(buf)
    if meta is None or meta.addr is None:
        return "?", 0
    return meta.addr.get_address().to_string(), meta.addr.get_port()


def start_sip(a, pipe, say):
    """A SIP UAS on a.sip whose offers go to the negotiator's process-offer."""
    import sip_uas
    gi.require_version("GstSdp", "1.0")
    from gi.repository import GstSdp
    neg = pipe.get_by_name("neg")
    sdp_log = open(a.sdp_log, "w") if a.sdp_log else None

    def on_offer(text):
        res, offer = GstSdp.SDPMessage.new_from_text(text)
        if res != GstSdp.SDPResult.OK:
            return None
        answer = neg.emit("process-offer", offer)
        answer_text = answer.as_text() if answer else None
        if sdp_log:
            sdp_log.write("--- offer\n%s--- answer\n%s" % (text, answer_text or "(none)\n"))
            sdp_log.flush()
        return answer_text

    def on_event(name, **fields):
        say("event=%s time=%.6f %s" % (name, time.monotonic(),
                                       " ".join(f"{k}={v}" for k, v in fields.items())))

    sock = sip_uas.udp_listener(a.address, a.sip)
    contact = f"sip:server@{a.public_address}:{a.sip}"
    uas = sip_uas.Uas(sock, contact, on_offer, on_event)
    threading.Thread(target=uas.serve, daemon=True).start()
    return uas


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--address", default="0.0.0.0")
    ap.add_argument("--port", type=int, default=5004,
                    help="RTP port (RTCP: +1); 0: both chosen (min-port/max-port in --props)")
    ap.add_argument("--props", default="", help="extra comedia-rtpsrc properties")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--recv-log")
    ap.add_argument("--negotiate", type=int, default=0,
                    help="answer SDP offers with sdp-negotiator: offers in on this TCP port, "
                         "answers out on the next")
    ap.add_argument("--public-address", default="", help="sdp-negotiator's public-address")
    ap.add_argument("--sip", type=int, default=0,
                    help="answer SIP INVITEs on this UDP port with sdp-negotiator's process-offer")
    ap.add_argument("--ice", action="store_true",
                    help="media over ICE (nicesrc/nicesink with comedia-dtlssrtpdec/-enc), with --sip")
    ap.add_argument("--negotiator-props", default="", help="extra sdp-negotiator properties (--negotiate, --sip)")
    ap.add_argument("--sdp-log", help="offers and answers, as text (--sip)")
    ap.add_argument("--sink-props", default="", help="extra comedia-rtpsink properties")
    ap.add_argument("--marker", help="hex: count passed RTP packets whose payload starts so")
    ap.add_argument("--decode", action="store_true", help="decode PCMU into a level element")
    ap.add_argument("--rtcp-interval-ms", type=int, default=500,
                    help="rtpbin's minimum RTCP interval (so RTCP flows within a short test)")
    a = ap.parse_args()

    Gst.init(None)
    pipe = Gst.parse_launch(description(a))
    pipe.get_by_name("rb").connect("pad-added", sink_every_ssrc, [False] if a.decode else None)
    marker = bytes.fromhex(a.marker) if a.marker else None
    marked = [0]
    levels = []
    out_lock = threading.Lock()

    def say(line):
        with out_lock:
            print(line, flush=True)

    recv_log = open(a.recv_log, "w") if a.recv_log else None
    passed = {"rtp": {}, "rtcp": {}}

    def on_rtp(buf):
        ok, m = buf.map(Gst.MapFlags.READ)
        if not ok:
            return
        data = bytes(m.data)
        buf.unmap(m)
        if len(data) < 12:
            return
        seq, _, ssrc = struct.unpack_from("!HII", data, 2)
        if marker and data[12 + 4 * (data[0] & 0x0F):].startswith(marker):
            marked[0] += 1
        passed["rtp"][ssrc] = passed["rtp"].get(ssrc, 0) + 1
        if recv_log:
            ip, port = sender(buf)
            with out_lock:
                recv_log.write("%d %d %.6f %s %d\n" % (ssrc, seq, time.monotonic(), ip, port))

    def on_rtcp(buf):
        ok, m = buf.map(Gst.MapFlags.READ)
        if not ok:
            return
        data = bytes(m.data)
        buf.unmap(m)
        ssrc = struct.unpack_from("!I", data, 4)[0] if len(data) >= 8 else -1
        passed["rtcp"][ssrc] = passed["rtcp"].get(ssrc, 0) + 1

    def probe_for(handler):
        def probe(pad, info):
            if info.type & Gst.PadProbeType.BUFFER_LIST:
                lst = info.get_buffer_list()
                for i in range(lst.length()):
                    handler(lst.get(i))
            else:
                handler(info.get_buffer())
            return Gst.PadProbeReturn.OK
        return probe

    types = Gst.PadProbeType.BUFFER | Gst.PadProbeType.BUFFER_LIST
    pipe.get_by_name("rtpsrc").get_static_pad("src").add_probe(types, probe_for(on_rtp))
    pipe.get_by_name("rtcpsrc").get_static_pad("src").add_probe(types, probe_for(on_rtcp))

    errors, warnings = [], []

    def on_sync(bus, msg):
        t = time.monotonic()
        if msg.type == Gst.MessageType.ELEMENT:
            s = msg.get_structure()
            name = s.get_name() if s else ""
            if name == "level":
                rms = s.get_value("rms")
                if rms:
                    levels.append(max(rms))
            if name.startswith("sdp-negotiator-ice"):
                say("event=%s time=%.6f %s" % (name, t, s.to_string()))
            if name == "sdp-negotiator-stream":
                say("event=%s time=%.6f stream=%s plan=%s allowed-source=%s address=%s" % (
                    name, t, s.get_value("stream"), s.get_value("plan"),
                    s.get_value("allowed-source") or "-", s.get_value("address") or "-"))
            if name.startswith("comedia-"):
                line = "event=%s time=%.6f component=%s address=%s port=%s" % (
                    name, t, s.get_value("component"), s.get_value("address"), s.get_value("port"))
                if s.has_field("old-address"):
                    line += " old=%s:%s" % (s.get_value("old-address"), s.get_value("old-port"))
                if s.has_field("reason"):
                    line += " reason=%s" % s.get_value("reason")
                if s.has_field("count"):
                    line += " count=%s" % s.get_value("count")
                for f in ("state", "stream", "suite", "peer-fingerprint", "expected"):
                    if s.has_field(f):   # comedia-dtls; fingerprints with '_' for ' '
                        line += " %s=%s" % (f, str(s.get_value(f)).replace(" ", "_"))
                say(line)
        elif msg.type == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            errors.append(f"{msg.src.get_name()}: {err.message} ({dbg})")
        elif msg.type == Gst.MessageType.WARNING:
            err, dbg = msg.parse_warning()
            warnings.append(f"{msg.src.get_name()}: {err.message}")
        return Gst.BusSyncReply.PASS

    bus = pipe.get_bus()
    bus.set_sync_handler(on_sync)

    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, lambda *_: loop.quit() or False)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, lambda *_: loop.quit() or False)
    GLib.timeout_add(int(a.seconds * 1000), lambda: loop.quit() or False)

    def quit_on_error():
        if errors:
            loop.quit()
            return False
        return True
    GLib.timeout_add(100, quit_on_error)

    if pipe.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        print("error=could not start the pipeline", flush=True)
        return 1
    rtpsession = pipe.get_by_name("rb").emit("get-internal-session", 0)
    if rtpsession is not None:
        rtpsession.set_property("rtcp-min-interval", a.rtcp_interval_ms * Gst.MSECOND)
    say("listening=%s:%d" % (a.address, a.port))
    fp = pipe.get_by_name("rtpsrc").get_property("dtls-local-fingerprint") \
        if "dtls-fingerprint" in a.props else ""
    if fp:
        say("dtls-local-fingerprint=%s" % fp)
    uas = start_sip(a, pipe, say) if a.sip else None
    loop.run()
    if uas:
        uas.stop()

    _, state, _ = pipe.get_state(0)
    stats = {}
    for el in ("rtpsrc", "rtcpsrc", "rtpsink", "rtcpsink"):
        stats[el] = pipe.get_by_name(el).get_property("stats")
    pipe.set_state(Gst.State.NULL)
    if recv_log:
        recv_log.close()

    lines = [f"state={Gst.Element.state_get_name(state)}"]
    for kind in ("rtp", "rtcp"):
        for ssrc, n in sorted(passed[kind].items()):
            lines.append(f"{kind}.passed.{ssrc}={n}")
        lines.append(f"{kind}.ssrcs={','.join(str(s) for s in sorted(passed[kind]))}")
    if marker:
        lines.append(f"rtp.marked={marked[0]}")
    if a.decode:
        lines.append(f"level.messages={len(levels)}")
        if levels:
            lines.append(f"level.rms.min={min(levels):.1f}")
            lines.append(f"level.rms.max={max(levels):.1f}")
    for el, prefix in (("rtpsrc", "src.1"), ("rtcpsrc", "src.2"), ("rtpsink", "sink.1"), ("rtcpsink", "sink.2")):
        s = stats[el]
        for i in range(s.n_fields()):
            f = s.nth_field_name(i)
            lines.append(f"{prefix}.{f}={s.get_value(f)}")
    lines.append(f"errors={len(errors)}")
    lines.append(f"warnings={len(warnings)}")
    lines += [f"error={e}" for e in errors] + [f"warning={w}" for w in warnings]
    say("\n".join(lines))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

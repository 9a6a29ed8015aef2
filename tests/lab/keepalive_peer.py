#!/usr/bin/python3
"""The active peer of the keepalive lab tests (tests/lab/test-keepalive-nat.sh).

An sdp-negotiator role=offerer with comedia elements, as one
gst_parse_launch() string, offering over TCP to the passive server.
  --recvonly: only a source for media (plus RTCP), so the offer is
              a=recvonly and the peer sends no RTP media at all;
  otherwise:  a two-way VP8 call whose outgoing media a valve mutes from
              --silence-at for --silence-for seconds.
  --static:   no negotiator (with --recvonly): the comedia-rtpsinks have
              the server's address as host/port and the RTP one has
              keepalive-interval, which alone open and keep the mapping.
Python only mutes the valve and observes.  Times are seconds since the
answer was applied (--static: since PLAYING).  It prints key=value lines:
  offer.direction / answer.direction   the media direction attributes
  frames / rtcp                        VP8 frames decoded, RTCP datagrams in
  NAME.frames / NAME.rtcp              the same within each --window NAME:FROM:TO
  NAME.max_gap                         longest time without a decoded frame in it
"""
import argparse
import sys
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp  # noqa: E402,F401

VP8_CAPS = "application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"


def description(a):
    d = dict(srv=a.server, sdp_in=a.sdp_in, sdp_out=a.sdp_out, rtp=a.rtp_port, rtcp=a.rtcp_port,
             caps=VP8_CAPS, ka=a.keepalive_interval, srv_rtp=a.server_rtp, srv_rtcp=a.server_rtcp)
    if a.static:
        # A sink with nothing upstream: it only sends the keepalives.
        return (
            "rtpbin name=rb "
            "comedia-rtpsink session=s stream=1 component=1 host={srv} port={srv_rtp} "
            "keepalive-interval={ka} sync=false async=false "
            "comedia-rtpsrc session=s stream=1 component=1 port={rtp} caps=\"{caps}\" ! rb.recv_rtp_sink_0 "
            "comedia-rtpsrc name=rtcp_in session=s stream=1 component=2 port={rtcp} ! rb.recv_rtcp_sink_0 "
            "rb.send_rtcp_src_0 ! comedia-rtpsink session=s stream=1 component=2 host={srv} "
            "port={srv_rtcp} sync=false async=false "
            "rb. ! rtpvp8depay ! vp8dec ! fakesink name=decoded signal-handoffs=true sync=false async=false"
        ).format(**d)
    desc = "rtpbin name=rb "
    if not a.recvonly:
        # The sending branch before "rb. ! depay", as in the gst-launch lines.
        desc += ("videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=15/1 "
                 "! vp8enc deadline=1 keyframe-max-dist=15 ! rtpvp8pay ! valve name=mute ! rb.send_rtp_sink_0 "
                 "rb.send_rtp_src_0 ! comedia-rtpsink session=s stream=1 component=1 ")
    desc += (
        "comedia-rtpsrc session=s stream=1 component=1 port={rtp} caps=\"{caps}\" ! rb.recv_rtp_sink_0 "
        "comedia-rtpsrc name=rtcp_in session=s stream=1 component=2 port={rtcp} ! rb.recv_rtcp_sink_0 "
        "rb.send_rtcp_src_0 ! comedia-rtpsink session=s stream=1 component=2 sync=false async=false "
        "rb. ! rtpvp8depay ! vp8dec ! fakesink name=decoded signal-handoffs=true sync=false async=false "
        "tcpclientsrc host={srv} port={sdp_out} ! sdp-negotiator name=neg role=offerer session=s "
        "keepalive-interval={ka} ! tcpclientsink host={srv} port={sdp_in} async=false")
    return desc.format(**d)


def direction(sdp):
    """The first media's direction attribute (sendrecv when none)."""
    media = sdp.get_media(0)
    for d in ("sendonly", "recvonly", "inactive", "sendrecv"):
        if media.get_attribute_val(d) is not None:
            return d
    return "sendrecv"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--sdp-in", type=int, default=7000)
    p.add_argument("--sdp-out", type=int, default=7001)
    p.add_argument("--rtp-port", type=int, default=5006)
    p.add_argument("--rtcp-port", type=int, default=5007)
    p.add_argument("--recvonly", action="store_true")
    p.add_argument("--static", action="store_true")
    p.add_argument("--server-rtp", type=int, default=5004)
    p.add_argument("--server-rtcp", type=int, default=5005)
    p.add_argument("--keepalive-interval", type=int, default=-1)
    p.add_argument("--silence-at", type=float, default=-1)
    p.add_argument("--silence-for", type=float, default=0)
    p.add_argument("--duration", type=float, required=True)
    p.add_argument("--window", action="append", default=[], help="NAME:FROM:TO")
    a = p.parse_args()

    Gst.init(None)
    pipeline = Gst.parse_launch(description(a))
    frames, rtcp = [], []
    answered = [None]
    result = {}

    def since_answer():
        return time.monotonic() - answered[0] if answered[0] is not None else -1.0

    pipeline.get_by_name("decoded").connect("handoff", lambda *_: frames.append(since_answer()))
    pipeline.get_by_name("rtcp_in").get_static_pad("src").add_probe(
        Gst.PadProbeType.BUFFER | Gst.PadProbeType.BUFFER_LIST,
        lambda *_: (rtcp.append(since_answer()), Gst.PadProbeReturn.OK)[1])

    loop = GLib.MainLoop()

    def on_message(_bus, msg):
        if msg.type == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            print(f"error={err.message} ({dbg})", file=sys.stderr)
            result["error"] = err.message
            loop.quit()
        elif msg.type == Gst.MessageType.ELEMENT:
            s = msg.get_structure()
            name = s.get_name()
            if name in ("sdp-negotiator-offer-created", "sdp-negotiator-answered"):
                key = "offer" if name.endswith("offer-created") else "answer"
                result[key + ".direction"] = direction(s.get_value("sdp"))
                if key == "answer" and answered[0] is None:
                    answered[0] = time.monotonic()
                    start_timeline()
            elif name.startswith("comedia-"):
                print(f"# {s.to_string()}", flush=True)
        return True

    def start_timeline():
        mute = pipeline.get_by_name("mute")
        if mute is not None and a.silence_at >= 0:
            def silence(on):
                mute.set_property("drop", on)
                print(f"# {since_answer():.2f}s: media {'muted' if on else 'resumed'}", flush=True)
                return False
            GLib.timeout_add(int(a.silence_at * 1000), silence, True)
            GLib.timeout_add(int((a.silence_at + a.silence_for) * 1000), silence, False)
        GLib.timeout_add(int(a.duration * 1000), lambda: loop.quit())

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    # No answer at all must end the run too.
    GLib.timeout_add(int((a.duration + 15) * 1000), lambda: loop.quit())
    pipeline.set_state(Gst.State.PLAYING)
    if a.static:
        answered[0] = time.monotonic()
        start_timeline()
    loop.run()
    pipeline.set_state(Gst.State.NULL)

    for k, v in result.items():
        print(f"{k}={v}")
    print(f"answered={'yes' if answered[0] is not None else 'no'}")
    print(f"frames={len(frames)}")
    print(f"rtcp={len(rtcp)}")
    for w in a.window:
        name, lo, hi = w.split(":")
        lo, hi = float(lo), float(hi)
        inside = [t for t in frames if lo <= t < hi]
        print(f"{name}.frames={len(inside)}")
        print(f"{name}.rtcp={len([t for t in rtcp if lo <= t < hi])}")
        edges = [lo] + inside + [hi]
        print(f"{name}.max_gap={max(b - e for e, b in zip(edges, edges[1:])):.2f}")
    return 0 if answered[0] is not None and "error" not in result else 1


if __name__ == "__main__":
    sys.exit(main())

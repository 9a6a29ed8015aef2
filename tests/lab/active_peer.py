#!/usr/bin/python3
"""The active peer behind the NAT, as Kurento's rtp_streaming tutorial builds it.

The media pipeline is made only of stock elements: rtpbin, udpsink with
bind-port (so RTP/RTCP leave from the ports the peer also listens on:
symmetric RTP, RFC 4961) and udpsrc on those same ports.  Python only starts it
and observes; it sends nothing itself.  It prints `key=value` lines for the
shell tests:

  ssrc                  our sender SSRC
  rtcp_in.packets       datagrams read by the RTCP udpsrc
  rtcp_in.rr / .sr      RTCP RR / SR packets in them
  rtcp_in.blocks_about_us  report blocks (in RR or SR) about our SSRC
  rtcp_in.reporters     SSRCs that sent those report blocks
  session.have_rb       rtpbin: a remote source sent us a report block
  session.rb_ssrc       rtpbin: whom that report block was about (should be us)
  session.rtcp_from     rtpbin: "IP:port" the remote source's RTCP came from
  rtp_in.packets        (sendrecv) RTP datagrams read by the RTP udpsrc
  decoded               (sendrecv) VP8 frames decoded

Pitfall (checked by tests/lab/test-reuseport.sh): udpsink bind-port and udpsrc
on the same port both bind with SO_REUSEADDR|SO_REUSEPORT; if both bound the
wildcard, Linux would spread incoming datagrams over the two sockets by a hash
and udpsink's never reads.  udpsrc binds the client's own address instead, a
more specific match that always wins the kernel's socket lookup.
"""
import argparse
import struct
import sys
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

VP8_CAPS = "application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"


def build(a):
    d = dict(srv=a.server, loc=a.local, rtp=a.rtp_port, rtcp=a.rtcp_port, caps=VP8_CAPS,
             src_addr=a.local if a.udpsrc_bind == "specific" else "0.0.0.0")
    desc = (
        "rtpbin name=rb "
        # a small, cheap picture: two cores run both peers and their encoders
        "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 "
        "! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay pt=96 name=pay ! rb.send_rtp_sink_0 "
        "rb.send_rtp_src_0 ! udpsink name=rtp_out host={srv} port={rtp} bind-port={rtp} sync=false async=false "
        "rb.send_rtcp_src_0 ! udpsink name=rtcp_out host={srv} port={rtcp} bind-port={rtcp} sync=false async=false "
        "udpsrc name=rtcp_in address={src_addr} port={rtcp} ! rb.recv_rtcp_sink_0 "
    )
    if a.sendrecv:
        desc += (
            "udpsrc name=rtp_in address={src_addr} port={rtp} caps=\"{caps}\" ! rb.recv_rtp_sink_0 "
            "rb. ! rtpvp8depay request-keyframe=true wait-for-keyframe=true ! vp8dec "
            "! fakesink name=decoded sync=false "
        )
    return Gst.parse_launch(desc.format(**d))


def rtcp_packets(data):
    """(pt, sender_ssrc, [report-block ssrcs]) of each packet of an RTCP compound."""
    off = 0
    while off + 8 <= len(data):
        b0, pt, length = struct.unpack_from("!BBH", data, off)
        end = off + 4 * (length + 1)
        if b0 >> 6 != 2 or end > len(data):
            return
        rc = b0 & 0x1F
        ssrc = struct.unpack_from("!I", data, off + 4)[0]
        first = {200: off + 28, 201: off + 8}.get(pt)
        blocks = []
        if first is not None:
            for i in range(rc):
                if first + 24 * (i + 1) <= end:
                    blocks.append(struct.unpack_from("!I", data, first + 24 * i)[0])
        yield pt, ssrc, blocks
        off = end


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--local", required=True, help="the client's own address (udpsrc binds it)")
    ap.add_argument("--rtp-port", type=int, default=5004)
    ap.add_argument("--rtcp-port", type=int, default=5005)
    ap.add_argument("--max-seconds", type=float, default=15, help="stop here whatever happened")
    ap.add_argument("--min-seconds", type=float, default=3,
                    help="run at least this long; then stop as soon as the server reported on us "
                         "(and, sendrecv, --min-frames were decoded)")
    ap.add_argument("--min-frames", type=int, default=30)
    ap.add_argument("--sendrecv", action="store_true", help="also receive and decode the server's VP8")
    ap.add_argument("--udpsrc-bind", choices=["specific", "wildcard"], default="specific")
    a = ap.parse_args()

    Gst.init(None)
    pipe = build(a)
    n = dict(rtcp=0, rr=0, sr=0, about_us=0, rtp=0, decoded=0)
    reporters = set()
    my_ssrc = []

    def on_rtcp(pad, info):
        buf = info.get_buffer()
        ok, m = buf.map(Gst.MapFlags.READ)
        if ok:
            n["rtcp"] += 1
            for pt, ssrc, blocks in rtcp_packets(bytes(m.data)):
                n["rr"] += pt == 201
                n["sr"] += pt == 200
                if my_ssrc and my_ssrc[0] in blocks:
                    n["about_us"] += 1
                    reporters.add(ssrc)
            buf.unmap(m)
        return Gst.PadProbeReturn.OK

    def counter(key):
        def probe(pad, info):
            n[key] += 1
            return Gst.PadProbeReturn.OK
        return probe

    pipe.get_by_name("rtcp_in").get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, on_rtcp)
    if a.sendrecv:
        pipe.get_by_name("rtp_in").get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, counter("rtp"))
        pipe.get_by_name("decoded").get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, counter("decoded"))

    # Our SSRC is on the payloader's caps once it negotiated.
    def on_caps(pad, pspec):
        caps = pad.get_current_caps()
        if caps and not my_ssrc:
            ok, v = caps.get_structure(0).get_uint("ssrc")
            if ok:
                my_ssrc.append(v)
    pipe.get_by_name("pay").get_static_pad("src").connect("notify::caps", on_caps)

    loop = GLib.MainLoop()
    errors = []

    def on_msg(bus, msg):
        if msg.type == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            errors.append(f"{msg.src.get_name()}: {err.message}")
            loop.quit()
    bus = pipe.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_msg)

    session_view = {}

    def read_session():
        # rtpbin's own view: a remote source whose RTCP came from somewhere
        # and which sent a report block (rb-ssrc says about whom).
        sess = pipe.get_by_name("rb").emit("get-session", 0)
        if sess is None:
            return
        stats = sess.get_property("stats")  # keep it: the list below points into it
        for s in stats.get_value("source-stats") or []:
            if s.get_value("internal") or not s.has_field("rtcp-from"):
                continue
            session_view["rtcp_from"] = s.get_value("rtcp-from")
            if s.get_value("have-rb"):
                session_view["have_rb"] = True
                session_view["rb_ssrc"] = s.get_value("rb-ssrc")

    start = time.monotonic()

    def tick():
        t = time.monotonic() - start
        done = n["about_us"] > 0 and (not a.sendrecv or n["decoded"] >= a.min_frames)
        if (t >= a.min_seconds and done) or t >= a.max_seconds:
            try:
                read_session()
            finally:
                loop.quit()
            return False
        return True

    pipe.set_state(Gst.State.PLAYING)
    GLib.timeout_add(200, tick)
    loop.run()
    pipe.set_state(Gst.State.NULL)

    print(f"seconds={time.monotonic() - start:.1f}")
    print(f"ssrc={my_ssrc[0] if my_ssrc else ''}")
    print(f"rtcp_in.packets={n['rtcp']}")
    print(f"rtcp_in.rr={n['rr']}")
    print(f"rtcp_in.sr={n['sr']}")
    print(f"rtcp_in.blocks_about_us={n['about_us']}")
    print(f"rtcp_in.reporters={','.join(str(r) for r in sorted(reporters))}")
    print(f"session.have_rb={'true' if session_view.get('have_rb') else 'false'}")
    print(f"session.rb_ssrc={session_view.get('rb_ssrc', '')}")
    print(f"session.rtcp_from={session_view.get('rtcp_from', '')}")
    if a.sendrecv:
        print(f"rtp_in.packets={n['rtp']}")
        print(f"decoded={n['decoded']}")
    for e in errors:
        print(f"error={e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

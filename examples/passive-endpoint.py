#!/usr/bin/python3
"""passive-endpoint.py: the C++ example passive-endpoint.cpp in Python.

A public COMEDIA endpoint that receives VP8 video from a peer behind NAT:

  passive-endpoint.py [--signalling tcp:PORT|stdin] [--public-address IP]
                      [--rtp-port P] [--rtcp-port P] [--timeout MS]

It builds its pipeline with Gst.parse_launch(), takes SDP offers from its
own signalling (a small TCP server: one offer per connection, answered on the
same connection; or stdin, answered on stdout), answers them through
sdp-negotiator's "process-offer" action signal, and reports on stderr what
the bus says: the answer's plan, each latch, re-latch and timeout.  Ctrl-C
(or SIGTERM) stops it and prints how many frames it decoded.

Needs python3-gi, gir1.2-gstreamer-1.0 and gir1.2-gst-plugins-base-1.0
(GstSdp), and the comedia plugin in GST_PLUGIN_PATH.
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import argparse
import signal
import socket
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp  # noqa: E402

VP8_CAPS = "application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"


def log(text):
    print(text, file=sys.stderr, flush=True)


class Endpoint:
    def __init__(self, args):
        rtcp_port = args.rtcp_port if args.rtcp_port >= 0 else (args.rtp_port + 1 if args.rtp_port else 0)
        negotiator = "sdp-negotiator name=negotiator session=endpoint"
        if args.public_address:
            negotiator += f" public-address={args.public_address}"
        # Two comedia-rtpsrc (RTP and RTCP of stream 1) into rtpbin, rtpbin's
        # RTCP back through a comedia-rtpsink (from the RTCP socket, to whoever
        # latched it), the video decoded into a counting fakesink, and the
        # negotiator of the same session, its pads unlinked.
        self.pipeline = Gst.parse_launch(
            "rtpbin name=rb "
            f"comedia-rtpsrc name=rtp session=endpoint stream=1 component=1 port={args.rtp_port} "
            f'timeout={args.timeout} caps="{VP8_CAPS}" ! rb.recv_rtp_sink_0 '
            f"comedia-rtpsrc name=rtcp session=endpoint stream=1 component=2 port={rtcp_port} "
            "! rb.recv_rtcp_sink_0 "
            "rb.send_rtcp_src_0 ! comedia-rtpsink session=endpoint stream=1 component=2 "
            "sync=false async=false "
            "rb. ! rtpvp8depay ! vp8dec ! fakesink name=video signal-handoffs=true async=false "
            + negotiator)
        self.negotiator = self.pipeline.get_by_name("negotiator")
        self.frames = 0
        self.pipeline.get_by_name("video").connect("handoff", self.on_handoff)
        self.loop = GLib.MainLoop()
        self.exit_code = 0
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self.on_message)

    def on_handoff(self, sink, buf, pad):
        self.frames += 1

    def answer_offer(self, offer_text):
        """The answer to an offer, as text, or None (the bus says why)."""
        result, offer = GstSdp.SDPMessage.new_from_text(offer_text)
        if result != GstSdp.SDPResult.OK:
            log("the offer is not SDP")
            return None
        answer = self.negotiator.emit("process-offer", offer)
        return answer.as_text() if answer is not None else None

    # What the application reports: the element messages of comedia-rtpsrc
    # and sdp-negotiator (docs/troubleshooting.md lists them all).
    def on_message(self, bus, message):
        t = message.type
        if t == Gst.MessageType.ELEMENT:
            s = message.get_structure()
            name = s.get_name()
            comp = "RTP" if s.get_value("component") == 1 else "RTCP"
            if name == "comedia-latched":
                log(f"latched: stream {s.get_value('stream')} {comp} from "
                    f"{s.get_value('address')} port {s.get_value('port')}")
            elif name == "comedia-relatched":
                log(f"re-latched: stream {s.get_value('stream')} {comp} moved from "
                    f"{s.get_value('old-address')} port {s.get_value('old-port')} to "
                    f"{s.get_value('address')} port {s.get_value('port')}")
            elif name == "comedia-timeout":
                log(f"timeout: stream {s.get_value('stream')} {comp}: nothing from "
                    f"{s.get_value('address')} port {s.get_value('port')} for "
                    f"{s.get_value('timeout')} ms ({self.frames} frames decoded so far)")
            elif name == "comedia-rejected":
                log(f"rejected: {s.get_value('count')} packet(s) on stream {s.get_value('stream')} "
                    f"{comp}, the last from {s.get_value('address')} port {s.get_value('port')}: "
                    f"{s.get_value('reason')}")
            elif name == "sdp-negotiator-stream":
                log(f"answered: stream {s.get_value('stream')} ({s.get_value('media')}): "
                    f"{s.get_value('plan')}, RTP port {s.get_value('local-rtp-port')}, "
                    f"RTCP port {s.get_value('local-rtcp-port')}: {s.get_value('note')}")
        elif t == Gst.MessageType.ERROR:
            err, debug = message.parse_error()
            log(f"error from {message.src.get_name()}: {err.message}\n  {debug or ''}")
            # A bad offer is the peer's problem, not a reason to stop serving.
            if not (message.src == self.negotiator and err.domain == "gst-stream-error-quark"):
                self.exit_code = 1
                self.loop.quit()
        elif t == Gst.MessageType.WARNING:
            err, _ = message.parse_warning()
            log(f"warning from {message.src.get_name()}: {err.message}")


def read_message(read_line):
    """One SDP message: lines up to an empty line or the end."""
    lines = []
    while True:
        line = read_line()
        if not line:
            break
        line = line.rstrip("\r\n")
        if not line:
            if lines:
                break
            continue
        lines.append(line)
    return "".join(line + "\r\n" for line in lines)


def serve_tcp(endpoint, server):
    """TCP signalling: one offer per connection, answered on it.  In a
    thread of its own, so reading never blocks the bus."""
    while True:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn, conn.makefile("r", encoding="utf-8", newline="") as f:
            offer = read_message(f.readline)
            answer = endpoint.answer_offer(offer) if offer else None
            if answer:
                conn.sendall((answer + "\r\n").encode())


def serve_stdin(endpoint):
    """stdin signalling: offers separated by empty lines, each answered on
    stdout followed by an empty line."""
    while True:
        offer = read_message(sys.stdin.readline)
        if not offer:
            return
        answer = endpoint.answer_offer(offer)
        if answer:
            sys.stdout.write(answer + "\r\n")
            sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description="A passive COMEDIA endpoint")
    ap.add_argument("--signalling", default="tcp:7000",
                    help="where offers come from: tcp:PORT (0: any free port) or stdin")
    ap.add_argument("--public-address", default="",
                    help="the address peers reach this host at, for the answer's c= line")
    ap.add_argument("--rtp-port", type=int, default=5004, help="UDP port for RTP (0: any free port)")
    ap.add_argument("--rtcp-port", type=int, default=-1, help="UDP port for RTCP (default: RTP port + 1)")
    ap.add_argument("--timeout", type=int, default=5000,
                    help="report a peer silent for this many milliseconds (0: never)")
    args = ap.parse_args()
    if args.signalling != "stdin" and not args.signalling.startswith("tcp:"):
        ap.error("--signalling must be tcp:PORT or stdin")

    Gst.init(None)
    try:
        endpoint = Endpoint(args)
    except GLib.Error as e:
        log(f"cannot build the pipeline: {e.message}\n(is the comedia plugin in GST_PLUGIN_PATH?)")
        return 1

    # PLAYING before any offer: comedia-rtpsrc binds its port at READY, and
    # the answer announces the ports that are bound.
    if endpoint.pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        msg = endpoint.pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
        log("cannot start the pipeline: " + (msg.parse_error()[0].message if msg else "?"))
        endpoint.pipeline.set_state(Gst.State.NULL)
        return 1
    rtp = endpoint.pipeline.get_by_name("rtp").get_property("port")
    rtcp = endpoint.pipeline.get_by_name("rtcp").get_property("port")
    log(f"media: RTP on UDP port {rtp}, RTCP on UDP port {rtcp}")

    server = None
    if args.signalling == "stdin":
        log("signalling: reading offers on stdin, answers on stdout")
        threading.Thread(target=serve_stdin, args=(endpoint,), daemon=True).start()
    else:
        server = socket.create_server(("", int(args.signalling[4:])))
        log(f"signalling: listening for offers on TCP port {server.getsockname()[1]}")
        threading.Thread(target=serve_tcp, args=(endpoint, server), daemon=True).start()

    for sig in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, lambda: endpoint.loop.quit() or False)
    endpoint.loop.run()

    if server:
        server.close()
    endpoint.pipeline.set_state(Gst.State.NULL)
    log(f"stopped: {endpoint.frames} video frames decoded")
    return endpoint.exit_code


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Runs an example passive endpoint (examples/passive-endpoint.cpp or .py)
against a real active peer on loopback, the way a user would use it.

  test_passive_endpoint.py tcp|stdin COMMAND...

The active peer is a comedia pipeline in this process: VP8 through rtpbin,
comedia-rtpsrc/comedia-rtpsink on 127.0.0.1 and sdp-negotiator role=offerer.
Its offer (create-offer) goes to the example over the example's own
signalling (a TCP connection, or its stdin); the answer that comes back
must be a COMEDIA answer on the ports the example says it listens on, and is
applied with process-answer.  Then the active peer sends, and the test
checks what the example reports on stderr:
  - latched: RTP and RTCP, from the active peer's own ports;
  - its RTCP reports come back to the active peer from the example's RTCP
    port (symmetric RTP through the latched address);
  - timeout: once the active peer stops, naming it, with frames decoded;
  - on SIGINT it stops cleanly and says how many frames it decoded.
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time

# A sanitizer build's plugin needs the runtime in this (uninstrumented)
# interpreter too; the example inherits it.
if os.environ.get("COMEDIA_ASAN_LIB") and not os.environ.get("LD_PRELOAD"):
    env = dict(os.environ, LD_PRELOAD=os.environ["COMEDIA_ASAN_LIB"],
               ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

try:
    import gi
except ImportError:
    print("python3-gi is missing (scripts/setup-deps.sh installs it)")
    sys.exit(1 if os.environ.get("CI") == "true" else 77)
gi.require_version("Gst", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import Gst, GstSdp  # noqa: E402

VP8_CAPS = "application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"
TIMEOUT_MS = 1500
failures = 0


def check(what, ok):
    global failures
    print(("ok: " if ok else "FAIL: ") + what, flush=True)
    failures += 0 if ok else 1
    return ok


class Example:
    """The example process, its stderr read line by line in a thread."""

    def __init__(self, command, mode):
        args = command + ["--signalling", "stdin" if mode == "stdin" else "tcp:0",
                          "--public-address", "127.0.0.1", "--rtp-port", "0",
                          "--timeout", str(TIMEOUT_MS)]
        print("running:", " ".join(args), flush=True)
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines = []
        self.new = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            line = line.rstrip("\n")
            print("  example:", line, flush=True)
            self.lines.append(line)
            self.new.put(line)
        self.new.put(None)

    def wait_for(self, pattern, seconds):
        """The first line (seen so far or within @seconds) matching @pattern."""
        rx = re.compile(pattern)
        for line in self.lines:
            if rx.search(line):
                return rx.search(line)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                line = self.new.get(timeout=max(0.05, end - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            m = rx.search(line)
            if m:
                return m
        return None


def active_peer(tag):
    """The active peer: VP8 and its RTCP through comedia elements on
    loopback, with a negotiator that makes the offer."""
    session = "active-" + tag
    p = Gst.parse_launch(
        "rtpbin name=rb "
        f"comedia-rtpsrc name=rtp session={session} stream=1 component=1 address=127.0.0.1 "
        f'caps="{VP8_CAPS}" ! rb.recv_rtp_sink_0 '
        # The example only receives: its RTCP has no RTP of its own to be
        # latched after, so this side lets RTCP latch alone.
        f"comedia-rtpsrc name=rtcp session={session} stream=1 component=2 address=127.0.0.1 "
        "rtcp-without-rtp=true ! rb.recv_rtcp_sink_0 "
        "videotestsrc is-live=true ! video/x-raw,width=160,height=120,framerate=30/1 ! "
        "vp8enc deadline=1 keyframe-max-dist=10 ! rtpvp8pay pt=96 ! rb.send_rtp_sink_0 "
        f"rb.send_rtp_src_0 ! comedia-rtpsink session={session} stream=1 component=1 "
        "sync=false async=false "
        f"rb.send_rtcp_src_0 ! comedia-rtpsink session={session} stream=1 component=2 "
        "sync=false async=false "
        f"sdp-negotiator name=n session={session} role=offerer")
    return p, p.get_by_name("n")


def exchange_tcp(port, offer):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall((offer + "\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data and b"\n\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return data.decode()


def exchange_stdin(proc, offer):
    proc.stdin.write(offer + "\r\n")
    proc.stdin.flush()
    lines = []
    while True:
        line = proc.stdout.readline()
        if not line or (not line.strip() and lines):
            break
        if line.strip():
            lines.append(line.rstrip("\r\n"))
    return "\r\n".join(lines) + "\r\n"


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("tcp", "stdin"):
        sys.exit(__doc__)
    mode, command = sys.argv[1], sys.argv[2:]
    Gst.init(None)
    if Gst.ElementFactory.find("sdp-negotiator") is None:
        print("FAIL: the comedia plugin is not found")
        return 1

    example = Example(command, mode)
    try:
        return run(example, mode)
    finally:
        if example.proc.poll() is None:
            example.proc.kill()
            example.proc.wait()


def run(example, mode):
    media = example.wait_for(r"^media: RTP on UDP port (\d+), RTCP on UDP port (\d+)", 30)
    if not check("the example starts and reports its media ports", media is not None):
        return 1
    rtp_port, rtcp_port = int(media.group(1)), int(media.group(2))
    sig = example.wait_for(r"^signalling: (?:listening for offers on TCP port (\d+)|reading offers on stdin)", 10)
    if not check("the example reports its signalling", sig is not None):
        return 1

    active, negotiator = active_peer(str(os.getpid()))
    bus = active.get_bus()
    assert active.set_state(Gst.State.PLAYING) != Gst.StateChangeReturn.FAILURE
    active.get_state(5 * Gst.SECOND)
    a_rtp = active.get_by_name("rtp").get_property("port")
    a_rtcp = active.get_by_name("rtcp").get_property("port")

    offer = negotiator.emit("create-offer")
    check("the active peer's negotiator makes an offer", offer is not None)
    offer_text = offer.as_text()
    answer_text = exchange_tcp(int(sig.group(1)), offer_text) if mode == "tcp" \
        else exchange_stdin(example.proc, offer_text)
    print("answer:\n  " + answer_text.strip().replace("\r\n", "\n  "), flush=True)
    result, answer = GstSdp.SDPMessage.new_from_text(answer_text)
    if not check("an SDP answer comes back over the example's signalling",
                 result == GstSdp.SDPResult.OK and answer.medias_len() == 1):
        return 1
    m = answer.get_media(0)
    check("the answer is passive, on the example's RTP port %d" % rtp_port,
          m.get_attribute_val("direction") == "passive" and m.get_port() == rtp_port)
    check("the answer's a=rtcp is the example's RTCP port %d" % rtcp_port,
          m.get_attribute_val("rtcp") == str(rtcp_port))
    check("the answer's c= is the public address given",
          answer.get_connection().address == "127.0.0.1")
    check("the active peer accepts the answer", negotiator.emit("process-answer", answer) is True)

    rtp = example.wait_for(rf"^latched: stream 1 RTP from 127\.0\.0\.1 port {a_rtp}$", 15)
    check(f"the example reports the RTP latch on the active peer's port {a_rtp}", rtp is not None)
    rtcp = example.wait_for(rf"^latched: stream 1 RTCP from 127\.0\.0\.1 port {a_rtcp}$", 15)
    check(f"the example reports the RTCP latch on the active peer's port {a_rtcp}", rtcp is not None)

    # The example's rtpbin reports back through the RTCP socket it receives
    # on: the active peer latches it there.
    back = None
    end = time.monotonic() + 15
    while back is None and time.monotonic() < end:
        msg = bus.timed_pop_filtered(200 * Gst.MSECOND, Gst.MessageType.ELEMENT | Gst.MessageType.ERROR)
        if msg is None:
            continue
        if msg.type == Gst.MessageType.ERROR:
            print("active peer error:", msg.parse_error()[0].message)
            break
        s = msg.get_structure()
        if s.get_name() == "comedia-latched" and s.get_value("component") == 2:
            back = s.get_value("port")
    check(f"the example's RTCP reports reach the active peer from its RTCP port ({back})",
          back == rtcp_port)

    time.sleep(1)
    active.set_state(Gst.State.NULL)
    t = example.wait_for(rf"^timeout: stream 1 RTP: nothing from 127\.0\.0\.1 port {a_rtp} "
                         rf"for {TIMEOUT_MS} ms \((\d+) frames decoded so far\)", TIMEOUT_MS / 1000 + 10)
    check("the example reports the timeout once the active peer stops", t is not None)
    check("it had decoded video by then (%s frames)" % (t.group(1) if t else "?"),
          t is not None and int(t.group(1)) > 10)

    example.proc.send_signal(signal.SIGINT)
    try:
        rc = example.proc.wait(15)
    except subprocess.TimeoutExpired:
        rc = None
    stopped = example.wait_for(r"^stopped: (\d+) video frames decoded", 5)
    check("on SIGINT it stops cleanly (exit %s)" % rc, rc == 0 and stopped is not None)
    print("%d failure(s)" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

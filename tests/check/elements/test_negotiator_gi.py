#!/usr/bin/python3
# sdp-negotiator from Python through GObject introspection (python3-gi):
# the action signals take and return GstSdp.SDPMessage, and an offerer and an
# answerer in one process complete a COMEDIA exchange.  Both sessions have
# comedia-rtpsrc only, so the offer is recvonly (a viewer).
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import Gst, GstSdp  # noqa: E402

Gst.init(None)
failures = 0


def check(what, ok):
    global failures
    print(("ok: " if ok else "FAIL: ") + what)
    failures += 0 if ok else 1


def endpoint(session, role):
    """comedia sockets of stream 1 on loopback, and a negotiator."""
    p = Gst.parse_launch(
        f"comedia-rtpsrc name=rtp session={session} stream=1 component=1 address=127.0.0.1 "
        f"caps=application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96 ! fakesink "
        f"comedia-rtpsrc name=rtcp session={session} stream=1 component=2 address=127.0.0.1 ! fakesink "
        f"sdp-negotiator name=n session={session} role={role} public-address=127.0.0.1")
    assert p.set_state(Gst.State.READY) == Gst.StateChangeReturn.SUCCESS
    return p, p.get_by_name("n")


if Gst.ElementFactory.find("sdp-negotiator") is None:
    print("FAIL: sdp-negotiator not found (GST_PLUGIN_PATH=%s)" % os.environ.get("GST_PLUGIN_PATH_1_0"))
    sys.exit(1)

tag = str(os.getpid())
active, offerer = endpoint("gi-active-" + tag, "offerer")
passive, answerer = endpoint("gi-passive-" + tag, "answerer")

offer = offerer.emit("create-offer")
if offer is None:
    err = active.get_bus().pop_filtered(Gst.MessageType.ERROR)
    print("create-offer failed: %s" % (err.parse_error()[0].message if err else "no error posted"))
check("create-offer returns a GstSdp.SDPMessage", isinstance(offer, GstSdp.SDPMessage))
m = offer.get_media(0)
check("the offer says port 9 and a=direction:active",
      m.get_port() == 9 and m.get_attribute_val("direction") == "active")
check("a session without comedia-rtpsink offers recvonly", m.get_attribute_val("recvonly") is not None)

answer = answerer.emit("process-offer", offer)
check("process-offer returns an answer", isinstance(answer, GstSdp.SDPMessage))
am = answer.get_media(0)
ports = [passive.get_by_name(n).get_property("port") for n in ("rtp", "rtcp")]
check("the answer has a=direction:passive and a bound port (%d in %s)" % (am.get_port(), ports),
      am.get_attribute_val("direction") == "passive" and am.get_port() == ports[0])
check("a recvonly offer is answered sendonly", am.get_attribute_val("sendonly") is not None)
check("the answer's c= is the public address and a=rtcp the RTCP port",
      answer.get_connection().address == "127.0.0.1" and am.get_attribute_val("rtcp") == str(ports[1]))

check("process-answer accepts the passive answer", offerer.emit("process-answer", answer) is True)

_, plain = GstSdp.SDPMessage.new_from_text(
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=video 9 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\na=direction:active\r\n")
_, theirs = GstSdp.SDPMessage.new_from_text(
    "v=0\r\no=- 2 2 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
    "m=video 40000 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n")
rewritten = answerer.emit("rewrite-answer", plain, theirs)
rm = rewritten.get_media(0)
check("rewrite-answer makes another stack's answer passive, with our port",
      rm.get_attribute_val("direction") == "passive" and rm.get_port() == ports[0])

for p in (active, passive):
    p.set_state(Gst.State.NULL)
print("%d failure(s)" % failures)
sys.exit(1 if failures else 0)

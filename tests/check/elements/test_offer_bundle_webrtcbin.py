#!/usr/bin/python3
# sdp-negotiator offers with bundle-policy=max-bundle (transport=ice
# dtls=require) and stock webrtcbin answers, on loopback in one process:
# Opus and VP8 over one nicesrc/nicesink (stream 1) and one DTLS
# association, VP8 on the decoder's src_2 and the encoder's sink_2; both
# sides decode both kinds.  Then webrtcbin with bundle-policy=none declines
# (no a=group, m=video 0): comedia warns 'BUNDLE declined', rejects the
# video, and the audio flows both ways.  The signalling is the action signals
# (create-offer, process-answer) and webrtcbin's set-remote-description /
# create-answer, its answer taken once its gathering is complete.
# tests/lab/test-dtls-nat.sh comedia-offers-webrtcbin-bundle is the same
# call through the NAT.
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import sys
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstSdp", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("Nice", "0.1")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC, Nice  # noqa: E402

Gst.init(None)
failures = 0
SECONDS = 4


def check(what, ok):
    global failures
    print(("ok: " if ok else "FAIL: ") + what)
    failures += 0 if ok else 1


OPUS = ("application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=111,"
        "encoding-params=(string)2")
VP8 = "application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"
SOURCES = ("audiotestsrc is-live=true ! audioconvert ! audioresample ! opusenc "
           "! rtpopuspay pt=111 ! {opus} ! {audio} "
           "videotestsrc is-live=true ! video/x-raw,width=160,height=120,framerate=15/1 "
           "! vp8enc deadline=1 keyframe-max-dist=15 ! rtpvp8pay pt=96 ! {vp8} ! {video} ")

for factory in ("sdp-negotiator", "webrtcbin", "opusenc", "vp8enc"):
    if Gst.ElementFactory.find(factory) is None:
        print("FAIL: %s not found (GST_PLUGIN_PATH=%s)" % (factory, os.environ.get("GST_PLUGIN_PATH_1_0")))
        sys.exit(1)

def call(policy):
    """comedia offers max-bundle, webrtcbin with bundle-policy @policy
    answers; the call runs, then both pipelines stop."""
    print("--- webrtcbin bundle-policy=%s" % policy)
    bundled = policy == "max-bundle"
    session = "offer-bundle-%s-%d" % (policy, os.getpid())
    comedia = Gst.parse_launch(
        f"sdp-negotiator name=neg session={session} role=offerer transport=ice dtls=require "
        f"bundle-policy=max-bundle ice-addresses=127.0.0.1 offer-caps=\"{OPUS};{VP8}\" "
        "rtpbin name=rb "
        f"nicesrc stream=1 component=1 ! comedia-dtlssrtpdec name=dec session={session} stream=1 "
        f"component=1 ! {OPUS} ! rb.recv_rtp_sink_0 dec.rtcp_src ! rb.recv_rtcp_sink_0 "
        f"dec.src_2 ! {VP8} ! rb.recv_rtp_sink_1 dec.rtcp_src_2 ! rb.recv_rtcp_sink_1 "
        + SOURCES.format(opus=OPUS, vp8=VP8, audio="rb.send_rtp_sink_0", video="rb.send_rtp_sink_1")
        + f"rb.send_rtp_src_0 ! comedia-dtlssrtpenc name=enc session={session} stream=1 component=1 "
        "! nicesink stream=1 component=1 sync=false async=false "
        "rb.send_rtcp_src_0 ! enc.rtcp_sink "
        "rb.send_rtp_src_1 ! enc.sink_2 rb.send_rtcp_src_1 ! enc.rtcp_sink_2 "
        # Last: 'rb. !' takes rtpbin's next new pad (docs/ice.md#bundle).
        "rb. ! rtpopusdepay ! opusdec ! fakesink name=adec sync=false async=false "
        "rb. ! rtpvp8depay ! vp8dec ! fakesink name=vdec sync=false async=false")
    stock = Gst.parse_launch(
        f"webrtcbin name=w bundle-policy={policy} latency=100 "
        + SOURCES.format(opus=OPUS, vp8=VP8, audio="w.", video="w."))
    w = stock.get_by_name("w")
    # libnice skips loopback when it enumerates interfaces: webrtcbin's agent
    # gathers on 127.0.0.1, as comedia's does (ice-addresses).
    # Both wrappers live as long as the pipeline: webrtcbin 1.22 keeps its
    # GstWebRTCNice floating, and a wrapper let go would sink and free it.
    address = Nice.Address()
    address.set_from_string("127.0.0.1")
    ice_agent = w.get_property("ice-agent")
    nice_agent = ice_agent.get_property("agent")
    nice_agent.add_local_address(address)

    counts = {"comedia audio": 0, "comedia video": 0, "webrtcbin audio": 0, "webrtcbin video": 0}


    def counter(key):
        def probe(_pad, _info):
            counts[key] += 1
            return Gst.PadProbeReturn.OK
        return probe


    comedia.get_by_name("adec").get_static_pad("sink").add_probe(
        Gst.PadProbeType.BUFFER, counter("comedia audio"))
    comedia.get_by_name("vdec").get_static_pad("sink").add_probe(
        Gst.PadProbeType.BUFFER, counter("comedia video"))


    def on_pad_added(_w, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        enc = (pad.get_current_caps() or pad.query_caps(None)).get_structure(0).get_string("encoding-name")
        kind, desc = (("audio", "rtpopusdepay ! opusdec ! fakesink name=s sync=false async=false")
                      if (enc or "").upper() == "OPUS" else
                      ("video", "rtpvp8depay ! vp8dec ! fakesink name=s sync=false async=false"))
        b = Gst.parse_bin_from_description(desc, True)
        stock.add(b)
        b.sync_state_with_parent()
        pad.link(b.get_static_pad("sink"))
        b.get_by_name("s").get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER,
                                                            counter("webrtcbin " + kind))


    w.connect("pad-added", on_pad_added)
    bus = comedia.get_bus()
    stream_messages, warnings = [], []


    def run_for(seconds, until=None):
        """Iterates the default main context (webrtcbin's promises) and reads
        comedia's bus, for @seconds or until @until() holds."""
        ctx = GLib.MainContext.default()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            while ctx.iteration(False):
                pass
            while True:
                m = bus.pop()
                if m is None:
                    break
                if m.type == Gst.MessageType.ERROR:
                    err, dbg = m.parse_error()
                    print("comedia error: %s (%s)" % (err.message, dbg))
                elif m.type == Gst.MessageType.WARNING:
                    warnings.append(m.parse_warning()[0].message)
                    print("comedia warning: %s" % warnings[-1])
                elif m.type == Gst.MessageType.ELEMENT and m.get_structure().get_name() == "sdp-negotiator-stream":
                    stream_messages.append(m.get_structure().to_string())
            if until is not None and until():
                return True
            time.sleep(0.02)
        return until is None


    assert stock.set_state(Gst.State.PLAYING) != Gst.StateChangeReturn.FAILURE
    assert comedia.set_state(Gst.State.PLAYING) != Gst.StateChangeReturn.FAILURE
    neg = comedia.get_by_name("neg")
    offer = neg.emit("create-offer")
    check("create-offer returns an offer", offer is not None)
    if offer is None:
        sys.exit(1)
    text = offer.as_text()
    print(text)
    check("the offer bundles both m-lines", offer.get_attribute_val("group") == "BUNDLE 0 1")
    video = offer.get_media(1)
    check("the video m-line is bundle-only with port 0 and no candidate",
          video.get_port() == 0 and video.get_attribute_val("bundle-only") is not None
          and video.get_attribute_val("candidate") is None)

    result = {}


    def on_answer(promise):
        reply = promise.get_reply()
        result["answer"] = reply.get_value("answer") if reply and reply.has_field("answer") else None
        result["error"] = reply.get_value("error").message if reply and reply.has_field("error") else ""
        if result["answer"] is not None:
            w.emit("set-local-description", result["answer"], None)


    def on_remote_set(promise):
        reply = promise.get_reply()
        if reply is not None and reply.has_field("error"):
            result["error"] = reply.get_value("error").message
            result["answer"] = None
            return
        w.emit("create-answer", None, Gst.Promise.new_with_change_func(on_answer))


    w.emit("set-remote-description",
           GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.OFFER, offer),
           Gst.Promise.new_with_change_func(on_remote_set))
    run_for(10, lambda: "answer" in result and (
        result["answer"] is None
        or w.get_property("ice-gathering-state") == GstWebRTC.WebRTCICEGatheringState.COMPLETE))
    check("webrtcbin answers (%s)" % (result.get("error") or "ok"), result.get("answer") is not None)
    if result.get("answer") is None:
        sys.exit(1)
    answer = w.get_property("local-description").sdp
    print(answer.as_text())
    if bundled:
        check("webrtcbin's answer keeps the group",
              (answer.get_attribute_val("group") or "").split() == ["BUNDLE", "0", "1"])
    else:
        # webrtcbin 1.22 under bundle-policy=none: no a=group, m=video 0.
        check("webrtcbin's answer declines BUNDLE and rejects the video",
              answer.get_attribute_val("group") is None and answer.get_media(1).get_port() == 0)
    check("process-answer takes it", neg.emit("process-answer", answer) is True)
    run_for(1)
    plan = "plan=(string)ice" if bundled else "plan=(string)rejected"
    check("comedia's video plan: %s" % ("bundled on stream 1's transport" if bundled else "rejected"),
          any("stream=(uint)2" in s and plan in s and ("bundle-tag=(uint)1" in s) == bundled
              for s in stream_messages))
    check("a 'BUNDLE declined' warning only when declined",
          any("BUNDLE declined" in m for m in warnings) != bundled)

    kinds = ("audio", "video") if bundled else ("audio",)
    run_for(SECONDS + 6, lambda: all(counts[who + " " + k] >= 50 for who in ("comedia", "webrtcbin")
                                     for k in kinds))
    print(counts)
    for who in ("comedia", "webrtcbin"):
        for kind, least in (("audio", 50), ("video", 15)):
            key = who + " " + kind
            if kind in kinds:
                check("%s decoded (%d buffers)" % (key, counts[key]), counts[key] >= least)
    stats = comedia.get_by_name("dec").get_property("stats")
    check("comedia's decoder routed everything (bundle-unrouted %s)" % stats.get_value("bundle-unrouted"),
          stats.get_value("bundle-unrouted") == 0)


    for p in (comedia, stock):
        p.set_state(Gst.State.NULL)


call("max-bundle")
call("none")
print("%d failure(s)" % failures)
sys.exit(1 if failures else 0)

#!/bin/bash
# Both peers as plain gst-launch-1.0 lines on loopback, SDP over TCP:
#  1. a COMEDIA active peer (sdp-negotiator role=offerer) and the passive
#     peer: VP8 and RTCP must flow both ways, each side latching the other;
#  2. a peer without COMEDIA (its offer has no a=direction) and the same
#     passive peer: an ordinary answer and a static destination; video
#     flows both ways.  The plain peer is not symmetric (udpsink sends from
#     a port it does not listen on), so this also shows that the offer's
#     address wins over the source comedia-rtpsrc latches.
# The NAT-lab version of this runs in tests/lab.
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u

# Under AddressSanitizer (tests/meson.build) the uninstrumented gst tools need
# its runtime preloaded; the first gst-inspect fills the registry without leak
# checking (system plugins keep what they allocate).
PRE=
[ -n "${COMEDIA_ASAN_LIB:-}" ] && PRE="env LD_PRELOAD=$COMEDIA_ASAN_LIB"
for e in vp8enc vp8dec rtpbin tcpserversrc sdp-negotiator; do
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" $PRE gst-inspect-1.0 "$e" >/dev/null 2>&1 ||
    { echo "SKIP: no $e"; exit 77; }
done

TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
BASE=$((20000 + RANDOM % 20000))
SDP_IN=$BASE SDP_OUT=$((BASE + 1)) RTP=$((BASE + 2)) RTCP=$((BASE + 3))
PLAIN_RTP=$((BASE + 4)) PLAIN_RTCP=$((BASE + 5))
CAPS='caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"'
# Receiving sinks must not wait for preroll: media only arrives once the
# other side has the answer.
MEDIA="videotestsrc is-live=true ! vp8enc deadline=1 ! rtpvp8pay ! rb.send_rtp_sink_0 \
  rb.send_rtp_src_0 ! comedia-rtpsink session=s stream=1 component=1 \
  rb.send_rtcp_src_0 ! comedia-rtpsink session=s stream=1 component=2 sync=false async=false \
  rb. ! rtpvp8depay ! vp8dec ! fakesink name=decoded silent=false async=false"

PASSIVE="rtpbin name=rb \
  tcpserversrc host=127.0.0.1 port=$SDP_IN ! sdp-negotiator session=s public-address=127.0.0.1 ! \
    tcpserversink host=127.0.0.1 port=$SDP_OUT async=false \
  comedia-rtpsrc session=s stream=1 component=1 port=$RTP $CAPS ! rb.recv_rtp_sink_0 \
  comedia-rtpsrc session=s stream=1 component=2 port=$RTCP ! rb.recv_rtcp_sink_0 $MEDIA"

ACTIVE="rtpbin name=rb \
  tcpclientsrc host=127.0.0.1 port=$SDP_OUT ! sdp-negotiator role=offerer session=s ! \
    tcpclientsink host=127.0.0.1 port=$SDP_IN async=false \
  comedia-rtpsrc session=s stream=1 component=1 $CAPS ! rb.recv_rtp_sink_0 \
  comedia-rtpsrc session=s stream=1 component=2 ! rb.recv_rtcp_sink_0 $MEDIA"

# A stock peer: udpsrc/udpsink, its offer from a file, the answer ignored
# (it knows the passive peer's ports).
printf 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=plain\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video %s RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\na=rtcp:%s\r\n\r\n' \
  "$PLAIN_RTP" "$PLAIN_RTCP" >"$TMP/plain-offer.sdp"
PLAIN="rtpbin name=rb \
  tcpclientsrc host=127.0.0.1 port=$SDP_OUT ! filesink location=$TMP/plain-answer.sdp buffer-mode=unbuffered async=false \
  udpsrc port=$PLAIN_RTP $CAPS ! rb.recv_rtp_sink_0 \
  udpsrc port=$PLAIN_RTCP ! rb.recv_rtcp_sink_0 \
  videotestsrc is-live=true ! vp8enc deadline=1 ! rtpvp8pay ! rb.send_rtp_sink_0 \
  rb.send_rtp_src_0 ! udpsink host=127.0.0.1 port=$RTP \
  rb.send_rtcp_src_0 ! udpsink host=127.0.0.1 port=$RTCP sync=false async=false \
  rb. ! rtpvp8depay ! vp8dec ! fakesink name=decoded silent=false async=false"

fail=0
check() {  # check LOG WHAT PATTERN
  if grep -aq "$3" "$1"; then echo "ok: $2"; else echo "FAIL: $2"; fail=1; fi
}
frames() { grep -ac 'decoded: last-message = chain' "$1"; }

run_pair() {  # run_pair NAME SECOND_PIPELINE [OFFER_FILE]
  eval "timeout 12 $PRE gst-launch-1.0 -m -v $PASSIVE" >"$TMP/passive-$1.log" 2>&1 &
  sleep 1.5
  eval "timeout 8 $PRE gst-launch-1.0 -m -v $2" >"$TMP/other-$1.log" 2>&1 &
  local other=$!
  if [ -n "${3:-}" ]; then
    # The plain peer sends its offer once, so only once its answer
    # connection is up (and tcpserversink, on its own thread, has had time to
    # take it): an answer sent before that would be lost.
    local i
    for ((i = 0; i < 50; i++)); do
      ss -Htn state established "( dport = :$SDP_OUT )" | grep -q . && break
      sleep 0.1
    done
    sleep 0.5
    cat "$3" >/dev/tcp/127.0.0.1/$SDP_IN
  fi
  wait $other
  wait
}

run_pair comedia "$ACTIVE"
P=$TMP/passive-comedia.log A=$TMP/other-comedia.log
check "$A" "the active peer sent an offer" "sdp-negotiator-offer-created"
check "$P" "the passive peer answered" "sdp-negotiator-answer-created"
check "$A" "the active peer applied the answer" "sdp-negotiator-answered"
check "$P" "the passive peer latched RTP" "comedia-latched.*component=(uint)1"
check "$P" "the passive peer latched RTCP" "comedia-latched.*component=(uint)2"
check "$A" "RTP came back to the active peer" "comedia-latched.*component=(uint)1"
check "$A" "RTCP came back to the active peer" "comedia-latched.*component=(uint)2"
echo "decoded frames: passive $(frames "$P"), active $(frames "$A")"
[ "$(frames "$P")" -gt 10 ] && [ "$(frames "$A")" -gt 10 ] || { echo "FAIL: too few frames"; fail=1; }

run_pair plain "$PLAIN" "$TMP/plain-offer.sdp"
P=$TMP/passive-plain.log A=$TMP/other-plain.log
check "$P" "the passive peer answered the plain offer" "sdp-negotiator-answer-created"
check "$P" "without a=direction: a static destination" "plan=(string)static"
check "$TMP/plain-answer.sdp" "the answer has no a=direction" "m=video $RTP RTP/AVP 96"
if grep -q "a=direction" "$TMP/plain-answer.sdp"; then echo "FAIL: a=direction in the answer"; fail=1; fi
echo "decoded frames: passive $(frames "$P"), plain $(frames "$A")"
[ "$(frames "$P")" -gt 10 ] && [ "$(frames "$A")" -gt 10 ] || { echo "FAIL: too few frames"; fail=1; }

if grep -alE 'ERROR: AddressSanitizer|runtime error:' "$TMP"/*.log; then
  echo "FAIL: sanitizer reports in the logs above"; fail=1
fi

if [ $fail -ne 0 ]; then
  for f in "$TMP"/*.log; do echo "---- $f"; grep -av "last-message\|property-notify" "$f" | tail -15; done
fi
exit $fail

#!/bin/bash
# test-keepalive-nat.sh [--build DIR] recvonly | recvonly-static | silence | silence-without-keepalives
#
# NAT keepalives (issue 8), through the real NAT of scripts/lab/natlab.sh with a
# port-random mapping that the NAT forgets after NAT_TIMEOUT seconds without
# an outgoing packet (lab_nat_udp_timeout).  The passive peer is a
# gst-launch-1.0 line with sdp-negotiator; the active peer is
# tests/lab/keepalive_peer.py (sdp-negotiator role=offerer + comedia
# elements in one gst_parse_launch string).
#   recvonly: the active peer only receives (a=recvonly, no RTP of its own);
#     its keepalives let the passive peer latch and keep the mapping, and VP8
#     flows to it for longer than the NAT's timeout.
#   recvonly-static: the same viewer without a negotiator on either side: its
#     comedia-rtpsink has host/port and keepalive-interval and nothing to
#     send; the server latches the keepalives and its VP8 must still reach
#     the viewer after the NAT's timeout.
#   silence: a two-way call whose active peer mutes its media for 3x the
#     NAT's timeout: media and RTCP from the passive peer keep arriving.
#   silence-without-keepalives: the same with keepalive-interval=0: the
#     mapping expires, the media dies and the passive peer posts
#     comedia-timeout (the test above can fail).
# LAB_KEEP=1 keeps the logs.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${COMEDIA_BUILD_DIR:-$HERE/../../build-lab}
if [ "${1:-}" = --build ]; then BUILD=$2; shift 2; fi
SCENARIO=${1:?usage: test-keepalive-nat.sh recvonly | recvonly-static | silence | silence-without-keepalives}
case $SCENARIO in recvonly|recvonly-static|silence|silence-without-keepalives) ;; *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;; esac
SDP_IN=7000 SDP_OUT=7001 RTP=5004 RTCP=5005 CRTP=5006 CRTCP=5007
NAT_TIMEOUT=5          # seconds without an outgoing packet before the NAT forgets
KEEPALIVE_MS=2000      # well below the NAT's timeout
SILENCE_AT=3 SILENCE_FOR=$((3 * NAT_TIMEOUT))

# shellcheck source=../../scripts/lab/natlab.sh
source "$HERE/../../scripts/lab/natlab.sh"
lab_trap
lab_require
lab_gst_env "$BUILD"
lab_up random
lab_nat_udp_timeout $NAT_TIMEOUT
SLOG=$LAB_TMP/server.log CLOG=$LAB_TMP/client.log

VP8CAPS="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"
# The passive server: sends VP8 (small, cheap: two cores run both peers),
# takes RTCP, and listens on its RTP port for the peer to latch; there
# comedia-timeout tells when the active peer has been silent as long as the
# NAT's timeout.
server=(rtpbin name=rb
    comedia-rtpsrc session=s stream=1 component=2 port=$RTCP ! rb.recv_rtcp_sink_0
    videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=15/1 !
    vp8enc deadline=1 keyframe-max-dist=15 ! rtpvp8pay ! rb.send_rtp_sink_0
    rb.send_rtp_src_0 ! comedia-rtpsink session=s stream=1 component=1
    rb.send_rtcp_src_0 ! comedia-rtpsink session=s stream=1 component=2 sync=false async=false)
[ "$SCENARIO" = recvonly-static ] ||
    server+=(tcpserversrc host=0.0.0.0 port=$SDP_IN ! sdp-negotiator session=s public-address=$LAB_SERVER_IP !
        tcpserversink host=0.0.0.0 port=$SDP_OUT async=false)
if [ "$SCENARIO" = recvonly ] || [ "$SCENARIO" = recvonly-static ]; then
    # A send-only server still needs the RTP source, only to latch the viewer.
    server+=(comedia-rtpsrc session=s stream=1 component=1 port=$RTP caps=$VP8CAPS
        timeout=$((NAT_TIMEOUT * 1000)) ! fakesink async=false)
    duration=$((3 * NAT_TIMEOUT))
    client_args=(--recvonly --keepalive-interval $KEEPALIVE_MS --duration $duration
        --window "late:$((NAT_TIMEOUT + 2)):$duration")
    [ "$SCENARIO" = recvonly-static ] && client_args+=(--static --server-rtp $RTP --server-rtcp $RTCP)
else
    server+=(comedia-rtpsrc session=s stream=1 component=1 port=$RTP caps=$VP8CAPS
        timeout=$((NAT_TIMEOUT * 1000)) ! rb.recv_rtp_sink_0
        rb. ! rtpvp8depay ! vp8dec ! fakesink name=decoded silent=false async=false)
    ka=$KEEPALIVE_MS
    [ "$SCENARIO" = silence-without-keepalives ] && ka=0
    duration=$((SILENCE_AT + SILENCE_FOR + 2))
    # "late": the silence from one NAT timeout (plus a second) on: by then an
    # unrefreshed mapping is gone.
    client_args=(--keepalive-interval $ka --silence-at $SILENCE_AT --silence-for $SILENCE_FOR
        --duration $duration --window "before:0:$SILENCE_AT"
        --window "late:$((SILENCE_AT + NAT_TIMEOUT + 1)):$((SILENCE_AT + SILENCE_FOR))")
fi

dump_logs() {
    lab_show_logs 'sdp-negotiator|comedia-|^[a-z_.]*=|^#' "$SLOG" "$CLOG"
    echo "----- NAT expiries -----"
    cat "$LAB_TMP/nat-expiry.log" || true
}
value() { sed -n "s/^$2=//p" "$1" | tail -1; }
has() { grep -aq "$2" "$1"; }
is_int() { [[ $1 =~ ^[0-9]+$ ]]; }

# shellcheck disable=SC2046  # lab_asan_env prints nothing or one VAR=value
lab_bg "$LAB_NS_SERVER" "$SLOG" env $(lab_asan_env) timeout --foreground -s INT -k 3 $((duration + 25)) \
    gst-launch-1.0 -m -v "${server[@]}"
SERVER_PID=$LAB_LAST_PID
if { [ "$SCENARIO" != recvonly-static ] && ! lab_wait_tcp "$LAB_NS_SERVER" $SDP_OUT 15; } ||
    ! lab_wait_udp "$LAB_NS_SERVER" $RTCP 15; then
    lab_fail "the passive peer did not start"; dump_logs; exit 1
fi
# shellcheck disable=SC2046
lab_bg "$LAB_NS_CLIENT" "$CLOG" env $(lab_asan_env_python) timeout -s INT -k 3 $((duration + 25)) \
    "$LAB_PY" -u "$HERE/keepalive_peer.py" --server "$LAB_SERVER_IP" --sdp-in $SDP_IN \
    --sdp-out $SDP_OUT --rtp-port $CRTP --rtcp-port $CRTCP "${client_args[@]}"
CLIENT_PID=$LAB_LAST_PID
set +e
wait "$CLIENT_PID"
CLIENT_RC=$?
set -e
lab_stop "$SERVER_PID" 5
SERVER_RC=$LAB_STOP_RC

# --- verdicts ----------------------------------------------------------------
problems=$(grep -acE 'AddressSanitizer|LeakSanitizer|runtime error:|CRITICAL|^ERROR: ' "$SLOG" || true)
lab_check "passive peer ended cleanly (exit $SERVER_RC, $problems error lines)" [ "$SERVER_RC" = 0 -a "$problems" = 0 ]
lab_check "active peer ran to the end (exit $CLIENT_RC; with a negotiator: applied the answer)" [ "$CLIENT_RC" = 0 ]
rtp_expired=$(grep -c "^expired $LAB_CLIENT_IP:$CRTP " "$LAB_TMP/nat-expiry.log" || true)
timeouts=$(grep -ac 'comedia-timeout.*component=(uint)1[,;]' "$SLOG" || true)
late_frames=$(value "$CLOG" late.frames) late_rtcp=$(value "$CLOG" late.rtcp)
late_gap=$(value "$CLOG" late.max_gap)

case $SCENARIO in
recvonly|recvonly-static)
    if [ "$SCENARIO" = recvonly ]; then
        lab_check "the offer is recvonly ($(value "$CLOG" offer.direction))" [ "$(value "$CLOG" offer.direction)" = recvonly ]
        lab_check "the answer is sendonly ($(value "$CLOG" answer.direction))" [ "$(value "$CLOG" answer.direction)" = sendonly ]
    fi
    lab_check "the passive peer latched the viewer's RTP port on the NAT's public address" \
        grep -aqE "comedia-latched.*component=\(uint\)1[,;].*address=\(string\)\"?$LAB_NAT_PUB_IP" "$SLOG"
    lab_check "the viewer's mapping never expired ($rtp_expired expiries)" [ "$rtp_expired" = 0 ]
    # 15 frames/s for (duration - NAT_TIMEOUT - 2) s; half is plenty on a busy machine.
    want=$(((3 * NAT_TIMEOUT - NAT_TIMEOUT - 2) * 15 / 2))
    lab_check "VP8 kept reaching the viewer after the NAT's timeout ($late_frames frames, want >= $want)" \
        eval 'is_int "$late_frames" && [ "$late_frames" -ge $want ]'
    lab_check "the passive peer's RTCP reached the viewer after it ($late_rtcp datagrams)" \
        eval 'is_int "$late_rtcp" && [ "$late_rtcp" -ge 1 ]'
    lab_check "no comedia-timeout on the passive side ($timeouts)" [ "$timeouts" = 0 ]
    ;;
silence)
    before=$(value "$CLOG" before.frames)
    lab_check "video flowed before the silence ($before frames)" eval 'is_int "$before" && [ "$before" -ge 10 ]'
    lab_check "the active peer's RTP mapping never expired ($rtp_expired expiries)" [ "$rtp_expired" = 0 ]
    want=$(((SILENCE_FOR - NAT_TIMEOUT - 1) * 15 / 2))
    lab_check "VP8 kept arriving through the silence ($late_frames frames, want >= $want; longest gap ${late_gap}s)" \
        eval 'is_int "$late_frames" && [ "$late_frames" -ge $want ] && awk "BEGIN { exit !($late_gap < 2) }"'
    lab_check "RTCP kept arriving through the silence ($late_rtcp datagrams)" \
        eval 'is_int "$late_rtcp" && [ "$late_rtcp" -ge 1 ]'
    lab_check "no comedia-timeout on the passive side: keepalives count as the peer ($timeouts)" [ "$timeouts" = 0 ]
    ;;
silence-without-keepalives)
    before=$(value "$CLOG" before.frames)
    lab_check "video flowed before the silence ($before frames)" eval 'is_int "$before" && [ "$before" -ge 10 ]'
    lab_check "the NAT forgot the active peer's RTP mapping ($rtp_expired expiries)" [ "$rtp_expired" -ge 1 ]
    lab_check "the media died with it ($late_frames frames after the NAT's timeout)" [ "$late_frames" = 0 ]
    lab_check "the passive peer posted comedia-timeout for the RTP component ($timeouts)" [ "$timeouts" -ge 1 ]
    ;;
esac

if [ "$LAB_FAILS" -gt 0 ]; then
    dump_logs
    echo "keepalive-nat $SCENARIO: $LAB_FAILS check(s) FAILED"
    exit 1
fi
echo "keepalive-nat $SCENARIO: all checks passed"

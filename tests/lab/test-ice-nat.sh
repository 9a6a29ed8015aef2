#!/bin/bash
# test-ice-nat.sh [--build DIR] srflx|symmetric|symmetric-turn|comedia-symmetric|
#                               ice-baresip-sdes|ice-baresip-srtp-mand
#
# ICE through libnice's nicesrc/nicesink, driven by sdp-negotiator, in the
# NAT lab of scripts/lab/natlab.sh, with a real STUN/TURN server (coturn,
# started here in the public server namespace with scripts/lab/turnserver.conf,
# stopped on exit):
#   srflx:             the ICE offerer behind a port-preserving NAT, the
#                      answerer public; host and server-reflexive candidates;
#                      VP8 both ways.
#   symmetric:         both peers behind NATs with random (symmetric)
#                      mappings, STUN only: ICE fails, and both gst-launch
#                      lines end by themselves with the failure message.
#   symmetric-turn:    the same with turn-server: connected through a relay,
#                      VP8 both ways.
#   comedia-symmetric: the offerer behind the same symmetric NAT, no STUN or
#                      TURN server at all, offers COMEDIA to a public
#                      answerer that could do ICE too: VP8 both ways.
#   ice-baresip-sdes:  baresip (medianat=ice, STUN from coturn) behind the
#   ice-baresip-srtp-mand port-random NAT calls latch_server.py --ice --sip
#                      with SDES: mediaenc=srtp (RTP/AVP with a=crypto) or
#                      srtp-mand (RTP/SAVP); comedia answers a=crypto and
#                      ICE, comedia-dtlssrtpdec/-enc carry SRTP with those
#                      keys: PCMU both ways, the phone's tone decoded.
#                      baresip 1.0's offer (2026-12-07): session-level
#                      a=ice-ufrag/pwd, m=audio PORT RTP/AVP 0 8 101 (SAVP
#                      with srtp-mand), c= and a=rtcp of its srflx address,
#                      one a=crypto:1 AES_CM_128_HMAC_SHA1_80, host and
#                      srflx candidates of components 1 and 2, no rtcp-mux.
# Both peers are gst-launch-1.0 lines, SDP over TCP (through a relay on the
# public segment when both are behind NAT).  Under CI=true a coturn that
# cannot start is a failure.  LAB_KEEP=1 keeps the logs.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${COMEDIA_BUILD_DIR:-$HERE/../../build-lab}
if [ "${1:-}" = --build ]; then BUILD=$2; shift 2; fi
SCENARIO=${1:?usage: test-ice-nat.sh srflx|symmetric|symmetric-turn|comedia-symmetric|ice-baresip-sdes|ice-baresip-srtp-mand}
case $SCENARIO in
    srflx) MODE=preserve ;;
    symmetric|symmetric-turn|comedia-symmetric|ice-baresip-sdes|ice-baresip-srtp-mand) MODE=random ;;
    *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;;
esac
SDP_IN=7000 SDP_OUT=7001           # offers in, answers out (the answerer's, or the relay's)
SDP_IN2=7002 SDP_OUT2=7003         # relay: answers in, answers out
NAT2_IP=203.0.113.2                # the second peer's NAT, public side
CALL_S=12
STUN=stun://203.0.113.10:3478
TURN=turn://comedia:labsecret@203.0.113.10:3478

# shellcheck source=../../scripts/lab/natlab.sh
source "$HERE/../../scripts/lab/natlab.sh"
lab_trap
lab_require
if ! command -v turnserver >/dev/null 2>&1; then
    echo "ICE lab requirement missing: turnserver (Debian package coturn, scripts/setup-deps.sh)" >&2
    if [ "${CI:-}" = true ]; then echo "FAIL: CI=true and coturn is missing; not skipping" >&2; exit 1; fi
    echo "SKIP: ICE lab needs coturn (set CI=true to make this a failure)" >&2
    exit 77
fi
if [[ $SCENARIO == ice-baresip-* ]] && ! { [ -x "$(command -v baresip)" ] &&
        [ -f /usr/lib/baresip/modules/srtp.so ] && [ -f /usr/lib/baresip/modules/ice.so ]; }; then
    echo "lab requirement missing: baresip with its srtp and ice modules (baresip-core, scripts/setup-deps.sh)" >&2
    [ "${CI:-}" = true ] && exit 1
    exit 77
fi
lab_gst_env "$BUILD"
lab_up "$MODE"
ALOG=$LAB_TMP/offerer.log BLOG=$LAB_TMP/answerer.log TLOG=$LAB_TMP/turnserver.log

VP8CAPS="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"
SEND="videotestsrc is-live=true ! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay ! rb.send_rtp_sink_0"
RECV="rb. ! rtpvp8depay ! vp8dec ! fakesink name=decoded silent=false async=false"
# An ICE endpoint: nicesrc/nicesink where comedia-rtpsrc/-rtpsink would be
# (README's and docs/ice.md's line).
ice_media() {
    echo "rtpbin name=rb
        nicesrc stream=1 component=1 ! $VP8CAPS ! rb.recv_rtp_sink_0
        nicesrc stream=1 component=2 ! application/x-rtcp ! rb.recv_rtcp_sink_0
        $SEND
        rb.send_rtp_src_0 ! nicesink stream=1 component=1 sync=false async=false
        rb.send_rtcp_src_0 ! nicesink stream=1 component=2 sync=false async=false
        $RECV"
}
# A COMEDIA endpoint (the active peer's ports are ephemeral).
comedia_media() {
    echo "rtpbin name=rb
        comedia-rtpsrc session=s stream=1 component=1 caps=$VP8CAPS ! rb.recv_rtp_sink_0
        comedia-rtpsrc session=s stream=1 component=2 ! rb.recv_rtcp_sink_0
        $SEND
        rb.send_rtp_src_0 ! comedia-rtpsink session=s stream=1 component=1 async=false
        rb.send_rtcp_src_0 ! comedia-rtpsink session=s stream=1 component=2 sync=false async=false
        $RECV"
}
# A public endpoint for both: the negotiator answers each offer with ICE or
# COMEDIA, and only that transport's elements carry media.
dual_media() {
    echo "rtpbin name=rb
        funnel name=rtpin ! rb.recv_rtp_sink_0
        funnel name=rtcpin ! rb.recv_rtcp_sink_0
        comedia-rtpsrc session=s stream=1 component=1 port=5004 caps=$VP8CAPS ! rtpin.
        comedia-rtpsrc session=s stream=1 component=2 port=5005 ! rtcpin.
        nicesrc stream=1 component=1 ! capsfilter caps=$VP8CAPS ! rtpin.
        nicesrc stream=1 component=2 ! capsfilter caps=application/x-rtcp ! rtcpin.
        $SEND
        rb.send_rtp_src_0 ! tee name=rtpout ! queue ! comedia-rtpsink session=s stream=1 component=1 async=false
        rtpout. ! queue ! nicesink stream=1 component=1 sync=false async=false
        rb.send_rtcp_src_0 ! tee name=rtcpout ! queue ! comedia-rtpsink session=s stream=1 component=2 sync=false async=false
        rtcpout. ! queue ! nicesink stream=1 component=2 sync=false async=false
        $RECV"
}

dump_logs() {
    lab_show_logs 'sdp-negotiator|allocation|event=|Call|packets|srtp' "$ALOG" "$BLOG" "$TLOG"
}
# Stops coturn and says what the checks found (exits).
finish() {
    if [ -n "$TURN_PID" ]; then
        lab_stop "$TURN_PID" 3
    fi
    if [ "$LAB_FAILS" -gt 0 ]; then
        dump_logs
        echo "ice-nat $SCENARIO: $LAB_FAILS check(s) FAILED"
        exit 1
    fi
    echo "ice-nat $SCENARIO: all checks passed"
    exit 0
}
frames() { grep -ac 'decoded: last-message = chain' "$1" || true; }
has() { grep -aq -- "$2" "$1"; }
# The first selected pair in a -m log: "local-type remote-type remote".
pair() {
    grep -am1 'sdp-negotiator-ice-selected-pair.*component=(uint)1' "$1" |
        sed -n 's/.*local-type=(string)\([a-z]*\).*remote=(string)\([0-9.:]*\).*remote-type=(string)\([a-z]*\).*/\1 \3 \2/p' || true
}

# --- the STUN/TURN server ----------------------------------------------------
TURN_PID=
if [ "$SCENARIO" != comedia-symmetric ]; then
    lab_bg "$LAB_NS_SERVER" "$TLOG" turnserver -c "$HERE/../../scripts/lab/turnserver.conf" --log-file=stdout \
        --pidfile="$LAB_TMP/turnserver.pid" --userdb="$LAB_TMP/turndb"
    TURN_PID=$LAB_LAST_PID
    if ! lab_wait_udp "$LAB_NS_SERVER" 3478 10; then
        cat "$TLOG" >&2 || true
        lab_fail "coturn did not start in the server namespace"
        exit 1
    fi
    lab_log "coturn listening on $LAB_SERVER_IP:3478 (STUN, TURN user comedia)"
fi

# Datagrams to coturn's relay ports (turnserver.conf min-port..max-port).
lab_count_in "$LAB_NS_SERVER" relayed udp dport 49152-49252

# --- baresip over ICE with SDES ---------------------------------------------
# The phone calls latch_server.py's SIP responder, whose negotiator answers
# over ICE; baresip's hang-up statistics say what it sent and received.
if [[ $SCENARIO == ice-baresip-* ]]; then
    ENC=srtp PROFILE=RTP/AVP
    [ "$SCENARIO" = ice-baresip-srtp-mand ] && ENC=srtp-mand PROFILE=RTP/SAVP
    SIP=5060 CALL_S=10 PHONE=$LAB_TMP/phone SDP=$LAB_TMP/sdp.log
    mkdir -p "$PHONE"
    # A quiet tone (-23 dB RMS): audio left encrypted would decode as far louder noise.
    # 10 s, the whole call: baresip hangs up when its source ends, and its
    # ICE checks come first.
    "${LAB_STOCK[@]}" gst-launch-1.0 -q audiotestsrc num-buffers=100 samplesperbuffer=800 freq=440 volume=0.1 \
        ! audio/x-raw,rate=8000,channels=1,format=S16LE ! wavenc ! filesink location="$PHONE/tone.wav"
    lab_baresip_config "$PHONE" srtp.so ice.so
    echo "<sip:phone@$LAB_CLIENT_IP>;regint=0;mediaenc=$ENC;medianat=ice;stunserver=stun:$LAB_SERVER_IP:3478" \
        >"$PHONE/accounts"
    # shellcheck disable=SC2046  # lab_asan_env_python prints nothing or VAR=value words
    lab_bg "$LAB_NS_SERVER" "$BLOG" env $(lab_asan_env_python) "$LAB_PY" -u "$HERE/latch_server.py" --ice \
        --sip $SIP --public-address "$LAB_SERVER_IP" --sdp-log "$SDP" --decode --seconds $((CALL_S + 8))
    B_PID=$LAB_LAST_PID
    lab_wait_udp "$LAB_NS_SERVER" $SIP 15 || { lab_fail "the server did not start"; dump_logs; exit 1; }
    lab_baresip_dial "$PHONE" "$ALOG" $CALL_S "sip:server@$LAB_SERVER_IP:$SIP"
    wait "$LAB_LAST_PID" || true
    lab_stop "$B_PID" 5
    B_RC=$LAB_STOP_RC

    val() { sed -n "s/^$1=//p" "$BLOG" | tail -1; }
    offer=$(sed -n '/^--- offer/,/^--- answer/p' "$SDP" 2>/dev/null || true)
    # The first answer (baresip re-INVITEs once ICE has selected its pair).
    answer=$(awk '/^--- answer/{n++; a=1; next} /^--- offer/{a=0} a && n==1' "$SDP" 2>/dev/null || true)
    answers=$(awk '/^--- answer/{a=1; next} /^--- offer/{a=0} a && /^a=crypto:/' "$SDP" 2>/dev/null |
        sort -u | wc -l)
    problems=$(grep -acE 'AddressSanitizer|runtime error:|CRITICAL' "$BLOG" || true)
    lab_check "server ended cleanly (exit $B_RC, $problems error lines)" [ "$B_RC" = 0 -a "$problems" = 0 ]
    lab_check "the phone offered $PROFILE with a=crypto and ICE ($(grep -m1 '^m=audio' <<<"$offer"))" \
        eval 'grep -q "^m=audio [0-9]* $PROFILE " <<<"$offer" && grep -q "^a=crypto:" <<<"$offer" &&
              grep -q "^a=ice-ufrag:" <<<"$offer"'
    lab_check "comedia answered $PROFILE with one a=crypto and ICE ($(grep -m1 '^m=audio' <<<"$answer"))" \
        eval 'grep -q "^m=audio [1-9][0-9]* $PROFILE " <<<"$answer" && [ "$(grep -c "^a=crypto:" <<<"$answer")" = 1 ] &&
              grep -q "^a=ice-ufrag:" <<<"$answer" && grep -q "^a=candidate:" <<<"$answer"'
    lab_check "every answer kept our one key (a re-INVITE that keeps the phone's: $answers a=crypto lines)" \
        [ "$answers" = 1 ]
    lab_check "the stream went over ICE (plan=ice)" grep -q 'event=sdp-negotiator-stream.*plan=ice' "$BLOG"
    lab_check "the call was established" grep -q 'Call established' "$ALOG"
    lab_check "ICE selected a pair through the phone's NAT" \
        grep -q "sdp-negotiator-ice-selected-pair.*component=(uint)1.*remote=(string)$LAB_NAT_PUB_IP" "$BLOG"
    passed=$(val src.1.passed-rtp) af=$(val src.1.auth-failed) dtls=$(val src.1.dtls-received)
    lab_check "the phone's SRTP authenticated and went downstream ($passed packets, auth-failed $af, no DTLS: $dtls)" \
        eval '[ "${passed:-0}" -ge 200 ] && [ "$af" = 0 ] && [ "$dtls" = 0 ]'
    n=$(val level.messages) hi=$(val level.rms.max)
    lab_check "the audio decoded is the phone's tone: $n level messages, loudest $hi dB RMS (-23 expected)" \
        eval '[ "${n:-0}" -ge 30 ] && awk -v v="${hi:-0}" "BEGIN{exit !(v >= -25 && v <= -21)}"'
    sent=$(val sink.1.sent-rtp)
    phone_rx=$(sed -n 's/^packets: *[0-9]* *\([0-9]*\).*/\1/p' "$ALOG" | tail -1)
    lab_check "the phone received the server's SRTP (${phone_rx:-0} packets; the server sent ${sent:-0})" \
        [ "${phone_rx:-0}" -ge 200 ]
    errs=$(grep -aic 'srtp.*\(fail\|error\|auth\)' "$ALOG" || true)
    lab_check "the phone reported no SRTP errors ($errs lines)" [ "$errs" = 0 ]
    lab_check "RTCP came through component 2 (SRTCP: $(val src.2.passed-rtcp) packets)" \
        [ "$(val src.2.passed-rtcp)" -ge 1 ]
    [ "$LAB_FAILS" = 0 ] || cat "$SDP" 2>/dev/null || true
    finish
fi

# --- the peers ---------------------------------------------------------------
ice_opts=(stun-server=$STUN)
[ "$SCENARIO" = symmetric-turn ] && ice_opts+=(turn-server=$TURN)
run() {  # run NS LOG SECONDS PIPELINE...
    local ns=$1 log=$2 s=$3; shift 3
    # shellcheck disable=SC2046  # lab_asan_env prints nothing or one VAR=value
    lab_bg "$ns" "$log" env $(lab_asan_env) timeout --foreground -s INT -k 3 "$s" \
        gst-launch-1.0 -m -v "$@"
}

case $SCENARIO in
srflx|comedia-symmetric)
    # The public answerer, started first.
    answer_opts=(public-address=$LAB_SERVER_IP)
    [ "$SCENARIO" = srflx ] && answer_opts+=("${ice_opts[@]}")
    # shellcheck disable=SC2207  # word splitting of the pipeline is the point
    b=($(dual_media) tcpserversrc host=0.0.0.0 port=$SDP_IN ! sdp-negotiator session=s
        "${answer_opts[@]}" ! tcpserversink host=0.0.0.0 port=$SDP_OUT async=false)
    run "$LAB_NS_SERVER" "$BLOG" $((CALL_S + 25)) "${b[@]}"
    B_PID=$LAB_LAST_PID
    lab_wait_tcp "$LAB_NS_SERVER" $SDP_OUT 15 || { lab_fail "the answerer did not start"; dump_logs; exit 1; }
    if [ "$SCENARIO" = srflx ]; then
        # shellcheck disable=SC2207
        a=($(ice_media) tcpclientsrc host=$LAB_SERVER_IP port=$SDP_OUT !
            sdp-negotiator role=offerer transport=ice offer-caps=$VP8CAPS "${ice_opts[@]}" !
            tcpclientsink host=$LAB_SERVER_IP port=$SDP_IN async=false)
    else
        # shellcheck disable=SC2207
        a=($(comedia_media) tcpclientsrc host=$LAB_SERVER_IP port=$SDP_OUT !
            sdp-negotiator role=offerer session=s !
            tcpclientsink host=$LAB_SERVER_IP port=$SDP_IN async=false)
    fi
    run "$LAB_NS_CLIENT" "$ALOG" $CALL_S "${a[@]}"
    A_PID=$LAB_LAST_PID
    ;;
symmetric|symmetric-turn)
    lab_add_natted_host peer2 $NAT2_IP random
    B_NS=$LAB_LAST_NS
    lab_bg "$LAB_NS_SERVER" "$LAB_TMP/relay.log" "$LAB_PY" -u "$HERE/../../scripts/lab/sdp_relay.py" $((CALL_S + 30)) \
        $SDP_IN:$SDP_OUT $SDP_IN2:$SDP_OUT2
    lab_wait_tcp "$LAB_NS_SERVER" $SDP_OUT2 15 || { lab_fail "the SDP relay did not start"; exit 1; }
    # shellcheck disable=SC2207
    b=($(ice_media) tcpclientsrc host=$LAB_SERVER_IP port=$SDP_OUT ! sdp-negotiator
        "${ice_opts[@]}" ! tcpclientsink host=$LAB_SERVER_IP port=$SDP_IN2 async=false)
    run "$B_NS" "$BLOG" $((CALL_S + 5)) "${b[@]}"
    B_PID=$LAB_LAST_PID
    sleep 1
    # shellcheck disable=SC2207
    a=($(ice_media) tcpclientsrc host=$LAB_SERVER_IP port=$SDP_OUT2 !
        sdp-negotiator role=offerer transport=ice offer-caps=$VP8CAPS "${ice_opts[@]}" !
        tcpclientsink host=$LAB_SERVER_IP port=$SDP_IN async=false)
    run "$LAB_NS_CLIENT" "$ALOG" $CALL_S "${a[@]}"
    A_PID=$LAB_LAST_PID
    ;;
esac

START=$(date +%s)
set +e
wait "$A_PID"; A_RC=$?
set -e
A_SECONDS=$(( $(date +%s) - START ))
if [ "$SCENARIO" = symmetric ]; then
    # The answerer fails on its own too; give it the time the checks take.
    for ((i = 0; i < 200; i++)); do kill -0 "$B_PID" 2>/dev/null || break; sleep 0.1; done
fi
lab_stop "$B_PID" 5
B_RC=$LAB_STOP_RC
lab_log "offerer exit $A_RC after ${A_SECONDS}s, answerer exit $B_RC"

# --- verdicts ----------------------------------------------------------------
sanitizer=$(cat "$ALOG" "$BLOG" | grep -acE 'AddressSanitizer|LeakSanitizer|runtime error:|CRITICAL' || true)
lab_check "no sanitizer report or critical warning ($sanitizer lines)" [ "$sanitizer" = 0 ]
af=$(frames "$ALOG") bf=$(frames "$BLOG")
offer=$LAB_TMP/offer.sdp answer=$LAB_TMP/answer.sdp
lab_sdp_of "$ALOG" sdp-negotiator-offer-created >"$offer"
lab_sdp_of "$BLOG" sdp-negotiator-answer-created >"$answer"

case $SCENARIO in
srflx|symmetric-turn)
    lab_check "the offer carries ICE credentials and candidates" \
        eval 'has "$offer" "a=ice-ufrag:" && has "$offer" "a=candidate:" && has "$offer" "a=end-of-candidates"'
    lab_check "the answer carries ICE credentials and candidates" \
        eval 'has "$answer" "a=ice-ufrag:" && has "$answer" "a=candidate:" && has "$answer" "a=end-of-candidates"'
    lab_check "the answerer chose ICE (transport=ice)" has "$BLOG" 'transport=(string)ice'
    for c in 1 2; do
        for side in "$ALOG" "$BLOG"; do
            lab_check "$(basename "$side" .log): component $c reached ready" \
                has "$side" "sdp-negotiator-ice-state.*component=(uint)$c, state=(string)ready"
        done
    done
    lab_check "the offerer went through checking" has "$ALOG" 'state=(string)checking'
    lab_check "the answerer decoded the offerer's VP8 ($bf frames)" [ "$bf" -ge 10 ]
    lab_check "the offerer decoded the answerer's VP8 ($af frames)" [ "$af" -ge 10 ]
    lab_check "the answerer ended cleanly (exit $B_RC)" [ "$B_RC" = 0 ]
    ;;
esac

case $SCENARIO in
srflx)
    lab_check "the offer has a host candidate on the private address" has "$offer" "$LAB_CLIENT_IP [0-9]* typ host"
    lab_check "the offer has a server-reflexive candidate on the NAT's address" \
        has "$offer" "$LAB_NAT_PUB_IP [0-9]* typ srflx"
    p=$(pair "$BLOG")
    lab_check "the answerer's selected pair reaches the offerer through its NAT ($p)" \
        eval '[[ "$p" =~ ^host\ (srflx|prflx)\ $LAB_NAT_PUB_IP: ]]'
    ;;
symmetric-turn)
    lab_check "the offer has a relayed candidate from coturn" has "$offer" "$LAB_SERVER_IP [0-9]* typ relay"
    pa=$(pair "$ALOG") pb=$(pair "$BLOG")
    lab_check "the media goes through a TURN relay (offerer: $pa; answerer: $pb)" \
        eval '[[ "$pa" == relay* || "$pa" == *" relay "* || "$pb" == relay* || "$pb" == *" relay "* ]]'
    n=$(lab_counter "$LAB_NS_SERVER" lab_obs relayed)
    lab_check "media crossed coturn's relay ports ($n datagrams)" eval '[[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 100 ]'
    ;;
symmetric)
    lab_check "the offer has a server-reflexive candidate (STUN worked)" has "$offer" "typ srflx"
    lab_check "the offer has no relayed candidate (no TURN server)" eval '! has "$offer" "typ relay"'
    for side in "$ALOG" "$BLOG"; do
        name=$(basename "$side" .log)
        lab_check "$name: the failure names the stream and what was tried" \
            has "$side" 'ICE failed on stream 1 .*tried .*srflx.*with a STUN server, no TURN server'
        lab_check "$name: reported ICE state failed" has "$side" 'state=(string)failed'
    done
    lab_check "the offerer ended by itself with the error (exit $A_RC after ${A_SECONDS}s)" \
        [ "$A_RC" != 0 -a "$A_RC" != 124 -a "$A_SECONDS" -lt "$CALL_S" ]
    lab_check "no media was decoded (offerer $af, answerer $bf frames)" [ "$af" = 0 -a "$bf" = 0 ]
    ;;
comedia-symmetric)
    lab_check "no STUN/TURN server runs" eval '! lab_nsexec "$LAB_NS_SERVER" ss -Hlun "sport = :3478" | grep -q .'
    lab_check "the answerer chose COMEDIA (transport=comedia)" has "$BLOG" 'transport=(string)comedia'
    lab_check "the answer is a=direction:passive without ICE" \
        eval 'has "$answer" "a=direction:passive" && ! has "$answer" "a=ice-ufrag"'
    lab_check "the answerer latched on the NAT's mapping" has "$BLOG" "comedia-latched.*$LAB_NAT_PUB_IP"
    lab_check "the answerer decoded the offerer's VP8 ($bf frames)" [ "$bf" -ge 10 ]
    lab_check "the offerer decoded the answerer's VP8 ($af frames)" [ "$af" -ge 10 ]
    lab_check "the answerer ended cleanly (exit $B_RC)" [ "$B_RC" = 0 ]
    ;;
esac

finish

#!/bin/bash
# test-negotiator-nat.sh [--build DIR] comedia preserve|random
# test-negotiator-nat.sh [--build DIR] static
# test-negotiator-nat.sh [--build DIR] private
# test-negotiator-nat.sh [--build DIR] bad-messages
#
# Both peers as gst-launch-1.0 lines with sdp-negotiator, SDP over TCP,
# through the real NAT of scripts/lab/natlab.sh:
#   comedia: the active peer (role=offerer) behind the NAT, the passive peer
#            public; VP8 and RTCP flow both ways; each side latches the
#            other, the server on the NAT's public mapping.
#   static:  a peer without COMEDIA on the public segment offers without
#            a=direction (stock udpsrc/udpsink, offer from a file): an
#            ordinary answer, a static destination, video both ways.
#   private: the same stock peer, but behind the port-random NAT, as a SIP
#            phone is: it offers its private address and port, without
#            a=direction, and sends from the port it listens on (udpsink
#            bind-port, udpsrc bound to its own address: tests/lab/
#            test-reuseport.sh).  Under symmetric-rtp=auto the server learns
#            the NAT's mapping from its packets: video and RTCP both ways.
#   bad-messages: private, but the user guide's answering line first gets
#            "GET / HTTP/1.0" and 3000 random bytes on its offer port, from
#            behind the NAT, on the connection the offer then comes on
#            (issue 25): it refuses them with warnings, keeps running,
#            answers the offer, and the call flows.
# LAB_KEEP=1 keeps the logs.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${COMEDIA_BUILD_DIR:-$HERE/../../build-lab}
if [ "${1:-}" = --build ]; then BUILD=$2; shift 2; fi
SCENARIO=${1:?usage: test-negotiator-nat.sh comedia preserve|random | static | private | bad-messages}
MODE=${2:-preserve}
case $SCENARIO in comedia|static|private|bad-messages) ;; *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;; esac
JUNK=
[ "$SCENARIO" = bad-messages ] && SCENARIO=private JUNK=1
[ "$SCENARIO" = private ] && MODE=random
case $MODE in preserve|random) ;; *) echo "unknown NAT mode $MODE" >&2; exit 2 ;; esac
SDP_IN=7000 SDP_OUT=7001           # the server's TCP ports: offers in, answers out
RTP=5004 RTCP=5005                 # the server's media ports
CRTP=5006 CRTCP=5007               # the other peer's media ports
PLAIN_IP=203.0.113.20
CALL_S=10

# shellcheck source=../../scripts/lab/natlab.sh
source "$HERE/../../scripts/lab/natlab.sh"
lab_trap
lab_require
lab_gst_env "$BUILD"
lab_up "$MODE"
SLOG=$LAB_TMP/server.log CLOG=$LAB_TMP/client.log

VP8CAPS="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"
# Receiving sinks must not wait for preroll: media only arrives once the
# other side has the answer.  The sending branch comes before "rb. !
# rtpvp8depay" (see test-nat-latch.sh).
media() {  # media PORT_RTP PORT_RTCP: a comedia two-way VP8 endpoint
    echo "rtpbin name=rb
        comedia-rtpsrc session=s stream=1 component=1 port=$1 caps=$VP8CAPS ! rb.recv_rtp_sink_0
        comedia-rtpsrc session=s stream=1 component=2 port=$2 ! rb.recv_rtcp_sink_0
        videotestsrc is-live=true ! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay ! rb.send_rtp_sink_0
        rb.send_rtp_src_0 ! comedia-rtpsink session=s stream=1 component=1
        rb.send_rtcp_src_0 ! comedia-rtpsink session=s stream=1 component=2 sync=false async=false
        rb. ! rtpvp8depay ! vp8dec ! fakesink name=decoded silent=false async=false"
}
# shellcheck disable=SC2207  # word splitting of the pipeline is the point
server=($(media $RTP $RTCP)
    tcpserversrc host=0.0.0.0 port=$SDP_IN ! sdp-negotiator session=s public-address=$LAB_SERVER_IP !
    tcpserversink host=0.0.0.0 port=$SDP_OUT async=false)

dump_logs() {
    lab_show_logs 'sdp-negotiator|comedia-' "$SLOG" "$CLOG"
    echo "----- NAT conntrack -----"
    lab_nsexec "$LAB_NS_NAT" conntrack -L 2>/dev/null || true
}
frames() { grep -ac 'decoded: last-message = chain' "$1" || true; }
# field FIELD of the first comedia-latched message of COMPONENT in a -m log
latched() {
    grep -am1 -E "comedia-latched.*component=\(uint\)$2[,;]" "$1" |
        sed -n "s/.*[ ,]$3=([a-z]*)\"\{0,1\}\([^,;\"]*\).*/\1/p" || true
}
has() { grep -aq "$2" "$1"; }
is_int() { [[ $1 =~ ^[0-9]+$ ]]; }

# RTCP at the kernels, both ways: what the rtpbins sent crossed the NAT.
lab_count_in "$LAB_NS_SERVER" rtcp_in udp dport $RTCP
lab_count_in "$LAB_NS_CLIENT" rtcp_in ip saddr "$LAB_SERVER_IP" udp sport $RTCP udp dport $CRTCP

# shellcheck disable=SC2046  # lab_asan_env prints nothing or one VAR=value
lab_bg "$LAB_NS_SERVER" "$SLOG" env $(lab_asan_env) timeout --foreground -s INT -k 3 $((CALL_S + 25)) \
    gst-launch-1.0 -m -v "${server[@]}"
SERVER_PID=$LAB_LAST_PID
if ! lab_wait_tcp "$LAB_NS_SERVER" $SDP_OUT 15 || ! lab_wait_udp "$LAB_NS_SERVER" $RTCP 5; then
    lab_fail "the passive peer did not start"; dump_logs; exit 1
fi

if [ "$SCENARIO" = comedia ]; then
    # shellcheck disable=SC2207
    client=($(media $CRTP $CRTCP)
        tcpclientsrc host=$LAB_SERVER_IP port=$SDP_OUT ! sdp-negotiator role=offerer session=s !
        tcpclientsink host=$LAB_SERVER_IP port=$SDP_IN async=false)
    # shellcheck disable=SC2046
    lab_bg "$LAB_NS_CLIENT" "$CLOG" env $(lab_asan_env) timeout --foreground -s INT -k 3 $CALL_S \
        gst-launch-1.0 -m -v "${client[@]}"
else
    if [ "$SCENARIO" = private ]; then
        PLAIN_IP=$LAB_CLIENT_IP PLAIN_NS=$LAB_NS_CLIENT
    else
        lab_add_public_host plain "$PLAIN_IP"
        PLAIN_NS=$LAB_LAST_NS
    fi
    [ "$SCENARIO" = private ] || lab_count_in "$PLAIN_NS" rtcp_in ip saddr "$LAB_SERVER_IP" udp sport $RTCP udp dport $CRTCP
    printf 'v=0\r\no=- 1 1 IN IP4 %s\r\ns=plain\r\nc=IN IP4 %s\r\nt=0 0\r\nm=video %s RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\na=rtcp:%s\r\n\r\n' \
        "$PLAIN_IP" "$PLAIN_IP" $CRTP $CRTCP >"$LAB_TMP/plain-offer.sdp"
    # Stock elements only.  Public: it sends from ports it does not listen
    # on.  Private: from the ports it listens on (symmetric), as a phone.
    recv_bind= send_bind_rtp= send_bind_rtcp=
    if [ "$SCENARIO" = private ]; then
        recv_bind="address=$LAB_CLIENT_IP" send_bind_rtp="bind-port=$CRTP" send_bind_rtcp="bind-port=$CRTCP"
    fi
    # shellcheck disable=SC2206  # the optional properties are single words
    client=(rtpbin name=rb
        tcpclientsrc host=$LAB_SERVER_IP port=$SDP_OUT ! filesink location="$LAB_TMP/plain-answer.sdp" buffer-mode=unbuffered async=false
        udpsrc $recv_bind port=$CRTP caps=$VP8CAPS ! rb.recv_rtp_sink_0
        udpsrc $recv_bind port=$CRTCP ! rb.recv_rtcp_sink_0
        videotestsrc is-live=true ! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay ! rb.send_rtp_sink_0
        rb.send_rtp_src_0 ! udpsink host=$LAB_SERVER_IP port=$RTP $send_bind_rtp
        rb.send_rtcp_src_0 ! udpsink host=$LAB_SERVER_IP port=$RTCP $send_bind_rtcp sync=false async=false
        rb. ! rtpvp8depay ! vp8dec ! fakesink name=decoded silent=false async=false)
    lab_bg "$PLAIN_NS" "$CLOG" "${LAB_STOCK[@]}" timeout --foreground -s INT -k 3 $CALL_S \
        gst-launch-1.0 -m -v "${client[@]}"
    # It sends its offer once, so only once its answer connection is up (and
    # the server's tcpserversink, on its own thread, has had time to take it):
    # an answer sent before that would be lost.
    for _ in $(seq 50); do
        ip netns exec "$PLAIN_NS" ss -Htn state established "( dport = :$SDP_OUT )" | grep -q . && break
        sleep 0.1
    done
    sleep 0.5
    if [ -n "$JUNK" ]; then
        # What a browser or a scanner sends, then the offer, on one
        # connection: tcpserversrc takes a single client.
        ip netns exec "$PLAIN_NS" bash -c '{ printf "GET / HTTP/1.0\r\n\r\n"; head -c 3000 /dev/urandom;
            printf "\r\n\r\n"; sleep 1; cat "$1"; } >/dev/tcp/$2/$3' _ \
            "$LAB_TMP/plain-offer.sdp" "$LAB_SERVER_IP" $SDP_IN
    else
        ip netns exec "$PLAIN_NS" bash -c 'cat "$1" >/dev/tcp/$2/$3' _ "$LAB_TMP/plain-offer.sdp" "$LAB_SERVER_IP" $SDP_IN
    fi
fi
CLIENT_PID=$LAB_LAST_PID

MAP_RTP= MAP_RTCP=
if [ "$SCENARIO" != static ]; then
    for _ in $(seq 100); do
        MAP_RTP=$(lab_nat_mapping $CRTP) MAP_RTCP=$(lab_nat_mapping $CRTCP)
        [ -n "$MAP_RTP" ] && [ -n "$MAP_RTCP" ] && break
        sleep 0.1
    done
    lab_log "NAT mappings: $LAB_CLIENT_IP:$CRTP -> ${MAP_RTP:-none}, $LAB_CLIENT_IP:$CRTCP -> ${MAP_RTCP:-none}"
fi
wait "$CLIENT_PID" || true
lab_stop "$SERVER_PID" 5
SERVER_RC=$LAB_STOP_RC

# --- verdicts ----------------------------------------------------------------
problems=$(grep -acE 'AddressSanitizer|LeakSanitizer|runtime error:|CRITICAL|^ERROR: ' "$SLOG" || true)
lab_check "passive peer ended cleanly (exit $SERVER_RC, $problems error lines)" [ "$SERVER_RC" = 0 -a "$problems" = 0 ]
lab_check "the passive peer answered" has "$SLOG" "sdp-negotiator-answer-created"
sf=$(frames "$SLOG") cf=$(frames "$CLOG")
lab_check "the passive peer decoded the other peer's VP8 ($sf frames)" [ "$sf" -ge 10 ]
lab_check "the other peer decoded the passive peer's VP8 ($cf frames)" [ "$cf" -ge 10 ]
n_srv=$(lab_counter "$LAB_NS_SERVER" lab_obs rtcp_in)

if [ "$SCENARIO" = comedia ]; then
    lab_check "the active peer sent its offer" has "$CLOG" "sdp-negotiator-offer-created"
    lab_check "the active peer applied the passive answer" has "$CLOG" "sdp-negotiator-answered"
    lab_check "the passive peer planned to latch (plan=latch)" has "$SLOG" 'plan=(string)latch'
    lab_check "NAT mapped both flows (rtp ${MAP_RTP:-?}, rtcp ${MAP_RTCP:-?})" test -n "$MAP_RTP" -a -n "$MAP_RTCP"
    for c in 1 2; do
        if [ $c = 1 ]; then want=$MAP_RTP sport=$RTP; else want=$MAP_RTCP sport=$RTCP; fi
        a=$(latched "$SLOG" $c address) p=$(latched "$SLOG" $c port)
        lab_check "passive peer latched component $c on the NAT's mapping ($a:$p = ${want/ /:})" \
            [ -n "$a" -a "$a $p" = "$want" -a "$a" = "$LAB_NAT_PUB_IP" ]
        a=$(latched "$CLOG" $c address) p=$(latched "$CLOG" $c port)
        lab_check "active peer got component $c back from the passive peer's socket ($a:$p)" \
            [ "$a:$p" = "$LAB_SERVER_IP:$sport" ]
    done
    if [ "$MODE" = random ]; then
        lab_check "the random NAT rewrote the ports (${MAP_RTP:-?}, ${MAP_RTCP:-?})" \
            [ -n "$MAP_RTP" -a "${MAP_RTP#* }" != $CRTP -a "${MAP_RTCP#* }" != $CRTCP ]
    fi
    n_cli=$(lab_counter "$LAB_NS_CLIENT" lab_obs rtcp_in)
    lab_check "RTCP reached the passive peer through the NAT ($n_srv datagrams)" eval 'is_int "$n_srv" && [ "$n_srv" -ge 1 ]'
    lab_check "RTCP reached the active peer through the NAT ($n_cli datagrams)" eval 'is_int "$n_cli" && [ "$n_cli" -ge 1 ]'
elif [ "$SCENARIO" = private ]; then
    if [ -n "$JUNK" ]; then
        lab_check "the HTTP request was refused with a warning naming it" \
            eval 'grep -aq "Refused an SDP offer (session s): line 1: .*an HTTP request" "$SLOG"'
        lab_check "each refusal is an sdp-negotiator-message-refused message" \
            eval '[ "$(grep -ac "sdp-negotiator-message-refused" "$SLOG")" -ge 2 ]'
        lab_check "no pipeline error, tcpserversrc did not stop" \
            eval '! grep -aqE "^ERROR: |streaming stopped, reason error" "$SLOG"'
    fi
    lab_check "the passive peer learns the peer from its packets (plan=symmetric)" has "$SLOG" 'plan=(string)symmetric'
    lab_check "the answer has no a=direction" eval '! grep -q "a=direction" "$LAB_TMP/plain-answer.sdp"'
    for c in 1 2; do
        if [ $c = 1 ]; then want=$MAP_RTP; else want=$MAP_RTCP; fi
        a=$(latched "$SLOG" $c address) p=$(latched "$SLOG" $c port)
        lab_check "passive peer latched component $c on the NAT's mapping ($a:$p = ${want/ /:})" \
            [ -n "$a" -a "$a $p" = "$want" -a "$a" = "$LAB_NAT_PUB_IP" ]
    done
    n_cli=$(lab_counter "$PLAIN_NS" lab_obs rtcp_in)
    lab_check "RTCP reached the passive peer ($n_srv datagrams)" eval 'is_int "$n_srv" && [ "$n_srv" -ge 1 ]'
    lab_check "RTCP reached the private peer through the NAT ($n_cli datagrams)" eval 'is_int "$n_cli" && [ "$n_cli" -ge 1 ]'
else
    lab_check "the passive peer planned a static destination (plan=static)" has "$SLOG" 'plan=(string)static'
    lab_check "the answer reached the plain peer, with the server's port" has "$LAB_TMP/plain-answer.sdp" "m=video $RTP RTP/AVP 96"
    lab_check "the answer has no a=direction" eval '! grep -q "a=direction" "$LAB_TMP/plain-answer.sdp"'
    n_cli=$(lab_counter "$PLAIN_NS" lab_obs rtcp_in)
    lab_check "RTCP reached the passive peer ($n_srv datagrams)" eval 'is_int "$n_srv" && [ "$n_srv" -ge 1 ]'
    lab_check "RTCP reached the plain peer's announced port ($n_cli datagrams)" eval 'is_int "$n_cli" && [ "$n_cli" -ge 1 ]'
fi

if [ "$LAB_FAILS" -gt 0 ]; then
    dump_logs
    echo "negotiator-nat $SCENARIO${JUNK:+ (bad messages first)} $MODE: $LAB_FAILS check(s) FAILED"
    exit 1
fi
echo "negotiator-nat $SCENARIO${JUNK:+ (bad messages first)} $MODE: all checks passed"

#!/bin/bash
# test-deploy-nat.sh [--build DIR] [SCENARIO...]
#
# A server deployed as in a cloud VPC (issue 27, lab test 5): the "cloud"
# namespace has a private address (10.0.0.10) behind a 1:1 NAT that holds
# its public address (203.0.113.20) on the public segment, and whose filter
# is the cloud's firewall: only the media port range (UDP and, for ICE-TCP,
# TCP 40000-40019), SIP
# (UDP 5060), the SDP ports (TCP 7000-7001) and the browser's signalling
# (TCP 8080) come in (scripts/lab/natlab.sh lab_add_cloud_host).  The
# server's pipelines set min-port/max-port to that range and public-address
# to the public address (the c= of COMEDIA, the host candidates of ICE).
# Scenarios, run side by side in one lab (default: all of them):
#   sip     baresip behind the lab's port-randomising NAT calls
#           latch_server.py --sip in the cloud over COMEDIA (comedia-rtpsrc
#           port=0 in the range): PCMU both ways, decoded by the server
#           (level) and played by the phone.
#   webrtc  stock webrtcbin (tests/lab/webrtc_peer.py) behind a NAT of its
#           own (random mapping) offers ICE + DTLS-SRTP to sdp-negotiator in
#           the cloud (nicesrc/nicesink, comedia-dtlssrtpdec/-enc): Opus and
#           VP8 decoded on both sides.  Without the announced address its
#           checks would go to 10.0.0.10, which nobody outside can reach.
#   browser headless Chromium (examples/browser/headless-browser.sh) behind a
#           NAT of its own (random mapping) opens the page of
#           examples/browser/signalling.py in the cloud through the public
#           address (--public-address, --min-port/--max-port): the page
#           offers ICE + DTLS-SRTP, Opus and VP8 decoded on both sides, as
#           in test-browser-nat.sh (their shared steps and checks:
#           tests/lab/browser.sh).
# The browser starts first (it takes the longest, 5-11 s to its offer); once
# it has its answer the phone and webrtcbin call, and during the three calls
# `ss -uanp` in the cloud namespace lists every UDP socket of the server
# processes (signalling.py's included): each must be inside the range (the
# SIP listener, the signalling's own port, excepted).  Both ICE answers must
# carry the public address and ports of the range, and no private address.
# LAB_KEEP=1 keeps the logs.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${COMEDIA_BUILD_DIR:-$HERE/../../build-lab}
if [ "${1:-}" = --build ]; then BUILD=$2; shift 2; fi
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} = 0 ] && SCENARIOS=(sip webrtc browser)
for s in "${SCENARIOS[@]}"; do
    case $s in sip|webrtc|browser) ;; *) echo "unknown scenario $s (sip|webrtc|browser)" >&2; exit 2 ;; esac
done
wants() { [[ " ${SCENARIOS[*]} " == *" $1 "* ]]; }

CLOUD_PUB_IP=203.0.113.20 PEER_NAT_IP=203.0.113.30 BROWSER_NAT_IP=203.0.113.40
MIN_PORT=40000 MAX_PORT=40019
SIP=5060 SDP_IN=7000 SDP_OUT=7001 HTTP=8080
CALL_S=8           # the phone's and webrtcbin's calls
BROWSER_CALL_S=10  # the browser's, from its answer on (at least)
# The phone and webrtcbin call once the browser has its answer: up to 45 s.
START_S=0
wants browser && START_S=45
OPUS="application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=111,encoding-params=(string)2"
VP8="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"

# shellcheck source=../../scripts/lab/natlab.sh
source "$HERE/../../scripts/lab/natlab.sh"
# shellcheck source=browser.sh
source "$HERE/browser.sh"
lab_trap
lab_require
wants sip && lab_need "baresip (Debian baresip-core)" command -v baresip
wants webrtc && lab_need "webrtcbin's GObject introspection (gir1.2-gst-plugins-bad-1.0)" \
    "$LAB_PY" -c 'import gi; gi.require_version("GstWebRTC", "1.0")'
if wants browser; then
    lab_need "Debian's chromium" command -v chromium
    lab_need "GstVideo's GObject introspection (gir1.2-gst-plugins-base-1.0)" \
        "$LAB_PY" -c 'import gi; gi.require_version("GstVideo", "1.0")'
fi
lab_gst_env "$BUILD"
lab_up random
# The range for TCP too: sdp-negotiator's ice-tcp (on by default) listens
# there (docs/ice.md#ice-tcp); Chromium and webrtcbin try those candidates
# too, and a passive TCP port outside the range would show in cloud_dropped.
lab_add_cloud_host cloud "$CLOUD_PUB_IP" "udp dport $MIN_PORT-$MAX_PORT" "udp dport $SIP" \
    "tcp dport $MIN_PORT-$MAX_PORT" "tcp dport $SDP_IN-$SDP_OUT" "tcp dport $HTTP"
CLOUD=$LAB_LAST_NS CLOUD_NAT=$LAB_LAST_NAT_NS
RANGE="min-port=$MIN_PORT max-port=$MAX_PORT"
SIP_LOG=$LAB_TMP/sip-server.log PHONE_LOG=$LAB_TMP/phone.log
ICE_LOG=$LAB_TMP/ice-server.log PEER_LOG=$LAB_TMP/webrtc-peer.log
# The browser's own log and files in a folder of their own: its stderr is
# not ours to judge (problems below reads $LAB_TMP/*.log).
SLOG=$LAB_TMP/signalling.log BROWSER_DIR=$LAB_TMP/browser BLOG=$LAB_TMP/browser/chromium.log
SOCKETS=$LAB_TMP/sockets.txt
SERVER_PIDS=() SERVER_TREE=()

problems() { cat "$@" | grep -acE 'AddressSanitizer|LeakSanitizer|runtime error:|CRITICAL|Segmentation' || true; }
in_range() { [ "$1" -ge $MIN_PORT ] && [ "$1" -le $MAX_PORT ]; }
all_in_range() { local p; [ $# -gt 0 ] || return 1; for p; do in_range "$p" || return 1; done; }

# --- the cloud servers -----------------------------------------------------------
start_sip_server() {
    # shellcheck disable=SC2046  # lab_asan_env_python prints nothing or VAR=value words
    lab_bg "$CLOUD" "$SIP_LOG" env $(lab_asan_env_python) "$LAB_PY" -u "$HERE/latch_server.py" \
        --address 0.0.0.0 --port 0 --props "$RANGE" --sip $SIP --public-address "$CLOUD_PUB_IP" \
        --decode --sdp-log "$LAB_TMP/sip.sdp" --seconds $((START_S + CALL_S + 12))
    SIP_SERVER=$LAB_LAST_PID
    SERVER_PIDS+=("$SIP_SERVER")
}
start_ice_server() {
    # shellcheck disable=SC2206,SC2207  # word splitting of the pipeline is the point
    local server=($(lab_ice_dtls_media "$OPUS" "$VP8") tcpserversrc host=0.0.0.0 port=$SDP_IN
        ! sdp-negotiator session=s public-address=$CLOUD_PUB_IP $RANGE
        ! tcpserversink host=0.0.0.0 port=$SDP_OUT async=false)
    # shellcheck disable=SC2046  # lab_asan_env prints nothing or one VAR=value
    lab_bg "$CLOUD" "$ICE_LOG" env $(lab_asan_env) timeout --foreground -s INT -k 3 $((START_S + CALL_S + 25)) \
        gst-launch-1.0 -m -v "${server[@]}"
    ICE_SERVER=$LAB_LAST_PID
    SERVER_PIDS+=("$ICE_SERVER")
}
start_signalling() {
    mkdir -p "$BROWSER_DIR"
    # --bundle-policy none: a socket and a host candidate per m-line, as counted below.
    browser_signalling "$CLOUD" "$SLOG" $HTTP --public-address "$CLOUD_PUB_IP" \
        --min-port $MIN_PORT --max-port $MAX_PORT --bundle-policy none || { lab_fail "signalling.py did not start"; cat "$SLOG"; exit 1; }
    SIGNALLING=$LAB_LAST_PID
    SERVER_PIDS+=("$SIGNALLING")
}

# --- the clients ------------------------------------------------------------------
start_phone() {
    local phone=$LAB_TMP/phone
    mkdir -p "$phone"
    "${LAB_STOCK[@]}" gst-launch-1.0 -q audiotestsrc num-buffers=60 samplesperbuffer=800 freq=440 \
        ! audio/x-raw,rate=8000,channels=1,format=S16LE ! wavenc ! filesink location="$phone/tone.wav"
    lab_baresip_config "$phone"
    echo "<sip:phone@$LAB_CLIENT_IP>;regint=0" >"$phone/accounts"
    lab_baresip_dial "$phone" "$PHONE_LOG" $CALL_S "sip:server@$CLOUD_PUB_IP:$SIP"
    PHONE=$LAB_LAST_PID
}
start_webrtc_peer() {
    lab_add_natted_host peer "$PEER_NAT_IP" random
    lab_bg "$LAB_LAST_NS" "$PEER_LOG" "${LAB_STOCK[@]}" timeout -k 3 $((CALL_S + 30)) \
        "$LAB_PY" -u "$HERE/webrtc_peer.py" --seconds $CALL_S --role offerer --bundle-policy none \
        --send connect:$CLOUD_PUB_IP:$SDP_IN --recv connect:$CLOUD_PUB_IP:$SDP_OUT \
        --sdp-log "$LAB_TMP/webrtc.sdp"
    PEER=$LAB_LAST_PID
}
start_browser() {
    lab_add_natted_host browser "$BROWSER_NAT_IP" random
    browser_open "$LAB_LAST_NS" "$BLOG" chromium "http://$CLOUD_PUB_IP:$HTTP/?bundlePolicy=balanced&trickle=off" \
        "$BROWSER_DIR/home"
    BROWSER_PID=$LAB_LAST_PID
}

if wants sip; then start_sip_server; fi
if wants webrtc; then start_ice_server; fi
if wants browser; then start_signalling; fi
if wants sip; then
    lab_wait_udp "$CLOUD" $SIP 15 || { lab_fail "the SIP server did not start"; cat "$SIP_LOG"; exit 1; }
fi
if wants webrtc; then
    lab_wait_tcp "$CLOUD" $SDP_OUT 15 || { lab_fail "the ICE server did not start"; cat "$ICE_LOG"; exit 1; }
fi
if wants browser; then
    start_browser
    browser_wait_answer "$SLOG"
    ANSWERED=$(date +%s.%N)
fi
if wants sip; then start_phone; fi
if wants webrtc; then start_webrtc_peer; fi

# Mid-call (all three calls on): every UDP socket of the server processes
# ("port pid" lines); timeout(1) runs gst-launch as its child.
sleep $((CALL_S / 2 + 1))
ip netns exec "$CLOUD" ss -Huanp | sed -n 's/.*:\([0-9]*\) .*pid=\([0-9]*\),.*/\1 \2/p' >"$SOCKETS"
for pid in "${SERVER_PIDS[@]}"; do
    mapfile -t -O ${#SERVER_TREE[@]} SERVER_TREE < <(echo "$pid"; pgrep -P "$pid" || true)
done

if wants sip; then wait "$PHONE" || true; fi
if wants webrtc; then wait "$PEER" || true; fi
if wants browser; then
    rest=$(awk -v t0="$ANSWERED" -v now="$(date +%s.%N)" -v d=$BROWSER_CALL_S 'BEGIN { r = d - (now - t0); printf "%.1f", (r > 0 ? r : 0) }')
    sleep "$rest"
    lab_stop "$BROWSER_PID" 3
fi
for pid in "${SERVER_PIDS[@]}"; do
    lab_stop "$pid" 5
    if [ "$pid" = "${SIGNALLING:-}" ]; then SIGNALLING_RC=$LAB_STOP_RC; fi
done

# --- verdicts ----------------------------------------------------------------------
# check_ice_answer WHO FILE: the server's ICE answer to WHO announces the
# public address, with ports of the range, and no private address.
check_ice_answer() {
    local who=$1 answer=$2 hosts ports
    hosts=$(grep -c "^a=candidate:.* $CLOUD_PUB_IP [0-9]* typ host" "$answer" || true)
    # ICE-TCP's active candidates (ice-tcp, on by default) say port 9: they
    # listen nowhere and connect out (RFC 6544 4.5); the passive ones count.
    ports=$(grep -v ' tcptype active' "$answer" |
        sed -n 's/^a=candidate:[^ ]* [0-9]* [A-Za-z]* [0-9]* [^ ]* \([0-9]*\) .*/\1/p')
    lab_check "the answer to $who: its host candidates carry the public address ($hosts of them)" [ "${hosts:-0}" -ge 2 ]
    lab_check "the answer to $who names no private address" eval '! grep -q "$LAB_CLOUD_PRIV_IP" "$answer"'
    # shellcheck disable=SC2086  # one port a word
    lab_check "the answer to $who: its candidate ports are in the range (${ports//$'\n'/ })" all_in_range $ports
}
lab_check "no crash or critical warning ($(problems "$LAB_TMP"/*.log))" [ "$(problems "$LAB_TMP"/*.log)" = 0 ]
own=0 outside=()
while read -r port pid; do
    [[ " ${SERVER_TREE[*]} " == *" $pid "* ]] || continue
    [ "$pid" = "${SIP_SERVER:-}" ] && [ "$port" = $SIP ] && continue   # the SIP listener
    own=$((own + 1))
    in_range "$port" || outside+=("$port")
done <"$SOCKETS"
want_sockets=0
wants sip && want_sockets=$((want_sockets + 2))      # RTP and RTCP
wants webrtc && want_sockets=$((want_sockets + 2))   # one ICE component per stream
wants browser && want_sockets=$((want_sockets + 2))  # the same for the browser's call
lab_check "the servers' $own UDP media sockets (of $want_sockets or more) are all in $MIN_PORT-$MAX_PORT${outside[*]:+ (outside: ${outside[*]})}" \
    [ "$own" -ge $want_sockets -a ${#outside[@]} = 0 ]

if wants sip; then
    sval() { sed -n "s/^$1=//p" "$SIP_LOG" | tail -1; }
    phone_rx=$(sed -n 's/^packets: *[0-9]* *\([0-9]*\).*/\1/p' "$PHONE_LOG" | tail -1)
    answer=$(sed -n '/^--- answer/,$p' "$LAB_TMP/sip.sdp" 2>/dev/null)
    rtp_port=$(sed -n 's/^m=audio \([0-9]*\) .*/\1/p' <<<"$answer" | head -1)
    lab_check "the SIP call was established" grep -q 'Call established' "$PHONE_LOG"
    lab_check "the answer's c= is the public address" grep -q "^c=IN IP4 $CLOUD_PUB_IP" <<<"$answer"
    lab_check "the answer's RTP port ${rtp_port:-none} is an even port in the range" \
        eval 'in_range "${rtp_port:-0}" && [ $((rtp_port % 2)) = 0 ]'
    lab_check "the answer's RTCP port is the odd one above it" grep -q "^a=rtcp:$((${rtp_port:-0} + 1))" <<<"$answer"
    lab_check "the server received the phone's audio ($(sval src.1.passed) packets)" [ "$(sval src.1.passed)" -ge 200 ]
    lab_check "the server decoded it ($(sval level.messages) level messages)" [ "$(sval level.messages)" -ge 20 ]
    lab_check "the phone received the server's audio (${phone_rx:-0} packets)" [ "${phone_rx:-0}" -ge 200 ]
fi

if wants webrtc; then
    decoded() { sed -n "s/^decoded $1 \([0-9]*\) .*/\1/p" "$PEER_LOG" | tail -1; }
    chains() { grep -ac "$1: last-message = chain" "$ICE_LOG" || true; }
    sed -n '/^--- remote/,/^--- local/p' "$LAB_TMP/webrtc.sdp" >"$LAB_TMP/ice-answer.sdp" 2>/dev/null || true
    check_ice_answer webrtcbin "$LAB_TMP/ice-answer.sdp"
    lab_check "webrtcbin decoded the server's Opus ($(decoded audio) buffers)" [ "$(decoded audio)" -ge 100 ]
    lab_check "webrtcbin decoded the server's VP8 ($(decoded video) frames)" [ "$(decoded video)" -ge 30 ]
    lab_check "the server decoded webrtcbin's Opus ($(chains adec) buffers)" [ "$(chains adec)" -ge 100 ]
    lab_check "the server decoded webrtcbin's VP8 ($(chains vdec) frames)" [ "$(chains vdec)" -ge 30 ]
fi

if wants browser; then
    browser_results "$SLOG" "$BROWSER_DIR"
    check_ice_answer Chromium "$BROWSER_DIR/answer.sdp"
    browser_checks "$SLOG" "$BROWSER_DIR" "${SIGNALLING_RC:-none}" "$CLOUD_PUB_IP"
fi
lab_check "the cloud firewall dropped nothing that was meant to come in ($(lab_counter "$CLOUD_NAT" "$LAB_NFT_TABLE" cloud_dropped) packets)" \
    [ "$(lab_counter "$CLOUD_NAT" "$LAB_NFT_TABLE" cloud_dropped)" = 0 ]

if [ "$LAB_FAILS" -gt 0 ]; then
    cat "$SOCKETS"
    lab_show_logs 'event=|error|Call|packets|decoded|sdp-negotiator|ice-state' "$LAB_TMP"/*.log
    if wants browser; then browser_show_logs "$SLOG" "$BLOG"; fi
    cat "$LAB_TMP"/*.sdp "$BROWSER_DIR"/*.sdp 2>/dev/null || true
    echo "deploy-nat ${SCENARIOS[*]}: $LAB_FAILS check(s) FAILED"
    exit 1
fi
echo "deploy-nat ${SCENARIOS[*]}: all checks passed"

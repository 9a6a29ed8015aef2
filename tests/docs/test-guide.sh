#!/bin/bash
# test-guide.sh --build DIR SCENARIO
#
# Runs the pipelines of docs/user-guide.md exactly as printed there, through
# the real NAT of scripts/lab/natlab.sh: the server lines in the server namespace
# (public 203.0.113.10), the client lines in the client namespace behind the
# port-randomising NAT (192.168.77.2).  tests/docs/guide_examples.py pulls
# each block out of the guide by name; every `example NAME` line below runs
# one, and guide_examples.py check fails for an example that none runs.
#
# SCENARIO: camera | call | active | mux | ice | phone | ipv6 | srtp | srtp-active | dtls-active | ice-dtls.  LAB_KEEP=1 keeps the logs.
# SPDX-License-Identifier: LGPL-2.1-or-later
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
GUIDE=$ROOT/docs/user-guide.md
BUILD=${COMEDIA_BUILD_DIR:-$ROOT/build}
if [ "${1:-}" = --build ]; then BUILD=$2; shift 2; fi
SCENARIO=${1:?usage: test-guide.sh [--build DIR] camera|call|active|mux|ice|phone|ipv6|srtp|srtp-active|dtls-active|ice-dtls}
RUN_S=${GUIDE_RUN_SECONDS:-8}

# shellcheck source=../../scripts/lab/natlab.sh
source "$ROOT/scripts/lab/natlab.sh"
lab_trap
lab_require
lab_gst_env "$BUILD"
lab_up random

# example NAME NS LOG [stock]: start the guide's block NAME in namespace NS,
# as printed (bash runs the block's text), stopped by SIGINT after a while.
# stock: with stock GStreamer only, as a peer without comedia would be.
example() {
    local name=$1 ns=$2 log=$3 cmd prefix=()
    cmd=$("$LAB_PY" "$HERE/guide_examples.py" "$GUIDE" command "$name")
    [ "${4:-}" = stock ] && prefix=("${LAB_STOCK[@]}")
    lab_log "running $name in $ns"
    # shellcheck disable=SC2046
    lab_bg "$ns" "$log" "${prefix[@]}" env $(lab_asan_env) \
        timeout --foreground -s INT -k 3 30 bash -c "exec $cmd"
}

stop_all() {
    local pid
    for pid in "${LAB_PIDS[@]}"; do lab_stop "$pid" 3; done
    LAB_PIDS=()
}

show() {  # show LOG...: the interesting lines of each log, after a failure
    local f
    for f in "$@"; do
        echo "----- $(basename "$f")"
        grep -aE 'comedia-|sdp-negotiator-|ERROR|WARN|rror|Sanitizer' "$f" | cut -c1-400 | tail -25 || true
    done
}

latched() {  # latched LOG COMPONENT
    grep -aq "comedia-latched.*component=(uint)$2" "$1"
}

rendered() {  # rendered LOG: the last frame count fpsdisplaysink reported
    grep -ao 'rendered: [0-9]*' "$1" | tail -1 | awk '{ print $2 + 0 }'
}

levels() {  # levels LOG: how many level messages (decoded audio) came
    grep -ac 'from element "level0" (element): level' "$1" || true
}

# settle CHECK...: the call runs RUN_S seconds, then up to 15 s more until
# CHECK holds.  Each side's first RTCP leaves after a randomised interval (RFC
# 3550: up to 7.5 s, and the passive side's only once it has latched the
# other's RTCP), so a fixed duration alone would be a coin toss.
settle() {
    sleep "$RUN_S"
    local i
    for ((i = 0; i < 150; i++)); do
        "$@" && return 0
        sleep 0.1
    done
}

no_errors() {  # and shows the first offending lines, for the CI log
    local lines
    lines=$(grep -aE 'ERROR|CRITICAL|Sanitizer' "$1" | head -5 | cut -c1-300)
    [ -z "$lines" ] && return 0
    printf '%s\n' "$lines"
    return 1
}

no_auth_failures() {  # LOG...: no comedia-rtpsrc warned of an SRTP failure
    ! grep -aiE "WARNING.*(authenticat|replay)" "$@"
}

SLOG=$LAB_TMP/server.log CLOG=$LAB_TMP/client.log
server_reached_client() {
    latched "$SLOG" 2 && [ "$(lab_counter "$LAB_NS_CLIENT" lab_obs from_server)" -gt 0 ] 2>/dev/null
}
server_srtcp_reached_client() {
    server_reached_client && [ "$(lab_counter "$LAB_NS_CLIENT" lab_obs from_server_rtcp)" -gt 0 ] 2>/dev/null
}
rtcp6_arrived() {
    local n
    n=$(lab_nsexec "$LAB_NS_CLIENT" nft list counter ip6 lab_obs6 from_server6 | sed -n 's/.*packets \([0-9]*\).*/\1/p')
    [ "${n:-0}" -gt 0 ]
}
both_latched_rtcp() { latched "$SLOG" 2 && latched "$CLOG" 2; }
verified() {  # verified LOG COMPONENT: a comedia-dtls verified message for it
    grep -aq "comedia-dtls.*state=(string)verified.*component=(uint)$2\|comedia-dtls.*component=(uint)$2.*state=(string)verified" "$1"
}
dtls_checks() {  # dtls_checks PROTOCOL SETUP: the offer, the answer, both sides verified
    lab_check "the client offered DTLS-SRTP ($1) with a=setup:$2" \
        grep -aq "sdp-negotiator-offer-created.*$1.*a.=setup:$2" "$CLOG"
    lab_check "the server answered a=setup:passive with its fingerprint" \
        grep -aq "sdp-negotiator-answer-created.*a.=fingerprint:sha-256.*a.=setup:passive" "$SLOG"
    local side c
    for side in "$SLOG" "$CLOG"; do
        for c in 1 2; do
            lab_check "$(basename "$side" .log): DTLS verified on component $c" verified "$side" "$c"
        done
    done
}
both_verified() {
    verified "$SLOG" 1 && verified "$SLOG" 2 && verified "$CLOG" 1 && verified "$CLOG" 2
}
both_selected_pair() {
    grep -aq sdp-negotiator-ice-selected-pair "$SLOG" && grep -aq sdp-negotiator-ice-selected-pair "$CLOG"
}
# What the server sends back that reaches the client (past the NAT/firewall).
lab_count_in "$LAB_NS_CLIENT" from_server ip saddr "$LAB_SERVER_IP"

case $SCENARIO in
camera|call)
    if [ "$SCENARIO" = camera ]; then
        example camera-server "$LAB_NS_SERVER" "$SLOG"
    else
        example call-server "$LAB_NS_SERVER" "$SLOG"
    fi
    lab_wait_udp "$LAB_NS_SERVER" 5005 15 || { lab_fail "server did not bind 5005"; show "$SLOG"; exit 1; }
    if [ "$SCENARIO" = camera ]; then
        example camera-client "$LAB_NS_CLIENT" "$CLOG" stock
    else
        example call-client "$LAB_NS_CLIENT" "$CLOG" stock
    fi
    settle server_reached_client
    stop_all
    lab_check "server latched RTP through the NAT" latched "$SLOG" 1
    lab_check "server latched RTCP through the NAT" latched "$SLOG" 2
    lab_check "the latched address is the NAT's" grep -aq "comedia-latched.*address=(string)$LAB_NAT_PUB_IP" "$SLOG"
    n=$(rendered "$SLOG"); lab_log "server rendered $n frames"
    lab_check "server decoded the camera's video ($n frames)" test "${n:-0}" -gt 30
    n=$(lab_counter "$LAB_NS_CLIENT" lab_obs from_server); lab_log "client got $n packets from the server"
    lab_check "the server's packets got through the NAT to the client ($n)" test "${n:-0}" -gt 0
    if [ "$SCENARIO" = call ]; then
        n=$(rendered "$CLOG"); lab_log "client rendered $n frames"
        lab_check "client decoded the server's video ($n frames)" test "${n:-0}" -gt 30
    fi
    lab_check "no error in the server's log" no_errors "$SLOG"
    lab_check "no error in the client's log" no_errors "$CLOG"
    ;;
ice|ice-dtls)
    if [ "$SCENARIO" = ice ]; then
        example ice-server "$LAB_NS_SERVER" "$SLOG"
    else
        example ice-dtls-server "$LAB_NS_SERVER" "$SLOG"
    fi
    lab_wait_tcp "$LAB_NS_SERVER" 7000 15 || { lab_fail "server did not listen on tcp 7000"; show "$SLOG"; exit 1; }
    if [ "$SCENARIO" = ice ]; then
        example ice-client "$LAB_NS_CLIENT" "$CLOG"
        settle both_selected_pair
    else
        example ice-dtls-client "$LAB_NS_CLIENT" "$CLOG"
        settle both_verified
        dtls_checks UDP/TLS/RTP/SAVPF actpass
    fi
    stop_all
    lab_check "the client offered ICE" grep -aq "sdp-negotiator-offer-created.*a.=ice-ufrag" "$CLOG"
    lab_check "the server answered with ICE" grep -aq "sdp-negotiator-stream.*transport=(string)ice" "$SLOG"
    lab_check "the client's pair goes to the server's address" \
        grep -aq "sdp-negotiator-ice-selected-pair.*remote=(string)\"\\?$LAB_SERVER_IP:" "$CLOG"
    lab_check "the server's pair goes to the NAT's mapping (peer-reflexive)" \
        grep -aq "sdp-negotiator-ice-selected-pair.*remote=(string)\"\\?$LAB_NAT_PUB_IP:.*remote-type=(string)prflx" "$SLOG"
    for side in "$SLOG" "$CLOG"; do
        who=$(basename "$side" .log)
        n=$(rendered "$side"); lab_log "$who rendered $n frames"
        lab_check "$who decoded the other's video ($n frames)" test "${n:-0}" -gt 30
        lab_check "no error in the $who's log" no_errors "$side"
    done
    ;;
active|mux|srtp-active|dtls-active)
    if [ "$SCENARIO" != mux ]; then
        example active-server "$LAB_NS_SERVER" "$SLOG"
    else
        example mux-server "$LAB_NS_SERVER" "$SLOG"
    fi
    lab_wait_udp "$LAB_NS_SERVER" 5004 15 && lab_wait_tcp "$LAB_NS_SERVER" 7000 10 \
        || { lab_fail "server did not bind udp 5004 and tcp 7000"; show "$SLOG"; exit 1; }
    if [ "$SCENARIO" = active ]; then
        example active-client "$LAB_NS_CLIENT" "$CLOG"
    elif [ "$SCENARIO" = srtp-active ]; then
        example srtp-active-client "$LAB_NS_CLIENT" "$CLOG"
    elif [ "$SCENARIO" = dtls-active ]; then
        example dtls-active-client "$LAB_NS_CLIENT" "$CLOG"
    else
        example mux-client "$LAB_NS_CLIENT" "$CLOG"
    fi
    settle both_latched_rtcp
    stop_all
    lab_check "the client offered" grep -aq "sdp-negotiator-offer-created" "$CLOG"
    lab_check "the server answered a=direction:passive" grep -aq "sdp-negotiator-answer-created.*a.=direction:passive" "$SLOG"
    lab_check "the client applied the answer" grep -aq "sdp-negotiator-answered" "$CLOG"
    for side in "$SLOG" "$CLOG"; do
        who=$(basename "$side" .log)
        lab_check "$who latched RTP" latched "$side" 1
        lab_check "$who latched RTCP" latched "$side" 2
        lab_check "no error in the $who's log" no_errors "$side"
    done
    lab_check "the server latched the NAT's address" grep -aq "comedia-latched.*address=(string)$LAB_NAT_PUB_IP" "$SLOG"
    if [ "$SCENARIO" = srtp-active ]; then
        # gst-launch escapes the spaces of the SDP text.
        lab_check "the client offered RTP/SAVP with six a=crypto lines" \
            grep -aq "sdp-negotiator-offer-created.*RTP/SAVP.*a.=crypto:1.*a.=crypto:6" "$CLOG"
        lab_check "the server answered RTP/SAVP with one a=crypto" \
            grep -aq "sdp-negotiator-answer-created.*RTP/SAVP.*a.=crypto:" "$SLOG"
        for side in "$SLOG" "$CLOG"; do
            lab_check "$(basename "$side" .log) applied the strongest suite" \
                grep -aq "sdp-negotiator-stream.*srtp=(string)AEAD_AES_256_GCM" "$side"
        done
        lab_check "no packet failed authentication" no_auth_failures "$SLOG" "$CLOG"
    fi
    if [ "$SCENARIO" = dtls-active ]; then
        dtls_checks UDP/TLS/RTP/SAVP active
        lab_check "no packet failed authentication" no_auth_failures "$SLOG" "$CLOG"
    fi
    if [ "$SCENARIO" != mux ]; then
        for side in "$SLOG" "$CLOG"; do
            n=$(rendered "$side"); lab_log "$(basename "$side" .log) rendered $n frames"
            lab_check "$(basename "$side" .log) decoded video ($n frames)" test "${n:-0}" -gt 30
        done
    else
        lab_check "the answer has a=rtcp-mux" grep -aq "sdp-negotiator-answer-created.*a.=rtcp-mux" "$SLOG"
        for side in "$SLOG" "$CLOG"; do
            n=$(levels "$side"); lab_log "$(basename "$side" .log): $n level messages"
            lab_check "$(basename "$side" .log) decoded audio ($n level messages)" test "${n:-0}" -gt 20
        done
    fi
    ;;
srtp)
    # Fixed keys: the server's comedia elements, a stock srtpenc/srtpdec client.
    lab_count_in "$LAB_NS_CLIENT" from_server_rtcp ip saddr "$LAB_SERVER_IP" udp sport 5005
    example srtp-server "$LAB_NS_SERVER" "$SLOG"
    lab_wait_udp "$LAB_NS_SERVER" 5005 15 || { lab_fail "server did not bind 5005"; show "$SLOG"; exit 1; }
    example srtp-client "$LAB_NS_CLIENT" "$CLOG" stock
    # The server's first SRTCP leaves only once it latched the client's, an
    # RTCP interval (up to 7.5 s) after the client's first.
    settle server_srtcp_reached_client
    stop_all
    lab_check "server latched SRTP through the NAT" latched "$SLOG" 1
    lab_check "server latched SRTCP through the NAT" latched "$SLOG" 2
    lab_check "the latched address is the NAT's" grep -aq "comedia-latched.*address=(string)$LAB_NAT_PUB_IP" "$SLOG"
    n=$(lab_counter "$LAB_NS_CLIENT" lab_obs from_server_rtcp)
    lab_check "the server's SRTCP got through the NAT to the client ($n)" test "${n:-0}" -gt 0
    for side in "$SLOG" "$CLOG"; do
        n=$(levels "$side"); lab_log "$(basename "$side" .log): $n level messages"
        lab_check "$(basename "$side" .log) decrypted and decoded audio ($n level messages)" test "${n:-0}" -gt 20
    done
    lab_check "no packet failed authentication" no_auth_failures "$SLOG"
    lab_check "no error in the server's log" no_errors "$SLOG"
    lab_check "no error in the client's log" no_errors "$CLOG"
    ;;
phone)
    example phone-server "$LAB_NS_SERVER" "$SLOG"
    lab_wait_udp "$LAB_NS_SERVER" 5005 15 && lab_wait_tcp "$LAB_NS_SERVER" 7001 10 \
        || { lab_fail "server did not bind udp 5005 and tcp 7001"; show "$SLOG"; exit 1; }
    example phone-client "$LAB_NS_CLIENT" "$CLOG" stock
    # The phone's offer, as the guide shows it, once its answer connection
    # is up (an answer sent before would go nowhere).
    printf 'v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\nm=audio 4766 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\na=rtcp-rsize\r\na=ptime:20\r\n\r\n' \
        "$LAB_CLIENT_IP" "$LAB_CLIENT_IP" >"$LAB_TMP/phone.sdp"
    for _ in $(seq 50); do
        ip netns exec "$LAB_NS_CLIENT" ss -Htn state established "( dport = :7001 )" | grep -q . && break
        sleep 0.1
    done
    sleep 0.5
    ip netns exec "$LAB_NS_CLIENT" bash -c 'cat "$1" >/dev/tcp/$2/7000' _ "$LAB_TMP/phone.sdp" "$LAB_SERVER_IP"
    settle server_reached_client
    stop_all
    lab_check "the server chose symmetric RTP for the private offer" \
        grep -aq "sdp-negotiator-stream.*plan=(string)symmetric" "$SLOG"
    lab_check "the answer has no a=direction" eval '! grep -aq "sdp-negotiator-answer-created.*a.=direction" "$SLOG"'
    lab_check "server latched RTP through the NAT" latched "$SLOG" 1
    lab_check "server latched RTCP through the NAT" latched "$SLOG" 2
    lab_check "the latched address is the NAT's" grep -aq "comedia-latched.*address=(string)$LAB_NAT_PUB_IP" "$SLOG"
    for side in "$SLOG" "$CLOG"; do
        n=$(levels "$side"); lab_log "$(basename "$side" .log): $n level messages"
        lab_check "$(basename "$side" .log) decoded audio ($n level messages)" test "${n:-0}" -gt 20
    done
    lab_check "no error in the server's log" no_errors "$SLOG"
    lab_check "no error in the client's log" no_errors "$CLOG"
    ;;
ipv6)
    # IPv6 beside the lab's IPv4, without NAT but behind the same kind of
    # stateful firewall: from the public side only what answers the client.
    lab_nsexec "$LAB_NS_CLIENT" ip -6 addr add 2001:db8:77::2/64 dev priv0 nodad
    lab_nsexec "$LAB_NS_NAT" ip -6 addr add 2001:db8:77::1/64 dev lan0 nodad
    lab_nsexec "$LAB_NS_NAT" ip -6 addr add 2001:db8::1/64 dev "$LAB_PUB_IF" nodad
    lab_nsexec "$LAB_NS_SERVER" ip -6 addr add 2001:db8::10/64 dev wan0 nodad
    lab_nsexec "$LAB_NS_CLIENT" ip -6 route add default via 2001:db8:77::1
    lab_nsexec "$LAB_NS_SERVER" ip -6 route add default via 2001:db8::1
    lab_nsexec "$LAB_NS_NAT" sysctl -qw net.ipv6.conf.all.forwarding=1
    lab_nsexec "$LAB_NS_NAT" nft -f - <<EOF
table ip6 comedia_lab6 {
    counter new_from_public_dropped { }
    chain forward {
        type filter hook forward priority filter; policy accept;
        iifname "$LAB_PUB_IF" ct state established,related accept
        iifname "$LAB_PUB_IF" meta l4proto ipv6-icmp accept
        iifname "$LAB_PUB_IF" counter name new_from_public_dropped drop
    }
}
EOF
    lab_nsexec "$LAB_NS_CLIENT" nft -f - <<EOF
table ip6 lab_obs6 {
    counter from_server6 { }
    chain input {
        type filter hook input priority -10; policy accept;
        ip6 saddr 2001:db8::10 udp sport 5005 counter name from_server6
    }
}
EOF
    example ipv6-server "$LAB_NS_SERVER" "$SLOG"
    lab_wait_udp "$LAB_NS_SERVER" 5005 15 || { lab_fail "server did not bind 5005"; show "$SLOG"; exit 1; }
    example ipv6-client "$LAB_NS_CLIENT" "$CLOG" stock
    # Until the server's first RTCP reached the client: it leaves only after
    # the server latched the client's RTCP, an RTCP interval later.
    settle rtcp6_arrived
    stop_all
    lab_check "server latched RTP over IPv6" grep -aq "comedia-latched.*component=(uint)1.*address=(string)2001:db8:77::2" "$SLOG"
    lab_check "server latched RTCP over IPv6" grep -aq "comedia-latched.*component=(uint)2.*address=(string)2001:db8:77::2" "$SLOG"
    n=$(rendered "$SLOG"); lab_log "server rendered $n frames"
    lab_check "server decoded the camera's video ($n frames)" test "${n:-0}" -gt 30
    n=$(lab_nsexec "$LAB_NS_CLIENT" nft list counter ip6 lab_obs6 from_server6 | sed -n 's/.*packets \([0-9]*\).*/\1/p')
    lab_check "the server's RTCP got through the firewall ($n)" test "${n:-0}" -gt 0
    lab_check "no error in the server's log" no_errors "$SLOG"
    lab_check "no error in the client's log" no_errors "$CLOG"
    ;;
*)
    echo "unknown scenario $SCENARIO" >&2; exit 2 ;;
esac

if [ "$LAB_FAILS" -gt 0 ]; then
    show "$SLOG" "$CLOG"
    exit 1
fi

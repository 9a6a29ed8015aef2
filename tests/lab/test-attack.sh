#!/bin/bash
# test-attack.sh [--build DIR] SCENARIO
#
# Latching under attack, through the real NAT of scripts/lab/natlab.sh (port-random
# masquerade), with an attacker namespace on the public segment (issue 4).
# The passive server is latch_server.py (comedia-rtpsrc/-rtpsink around
# rtpbin, PCMU out at 50 packets/s); the legitimate peer behind the NAT is
# rtp_peer.py (symmetric RTP + RTCP, 50 packets/s, every packet logged); the
# attacker is rtp_attacker.py, sending only to the server's public address.
#
#   spray              RTP Bleed spray (random SSRC singles and 2-3 bursts,
#                      new SSRC every 20 ms, RTP and RTCP) before and all
#                      through the call
#   sustained-never|sustained-ssrc|sustained-silence|sustained-allowed
#                      a well-formed 50 packets/s stream that starts before
#                      the peer, then copies the peer's SSRC; with relatch
#                      never / ssrc (default) / silence, and with the default
#                      policy plus allowed-source = the NAT's public address
#   sustained-negotiated
#                      the sustained attacker has latched when the peer's SDP
#                      offer arrives with the NAT's public address in c=:
#                      sdp-negotiator restricts the source to it, the
#                      attacker is unlatched and the peer latches
#   spray-symmetric    the spray is on before a peer that offers as a SIP
#                      phone does (its private address and port, no
#                      a=direction): symmetric-rtp=auto learns, and only
#                      probation stands between the spray and the latch
#   burst              no attacker: the peer starts with 1 000 packets of
#                      1 200 bytes back to back (a key frame), then 50/s;
#                      every one of them must reach the server's downstream
#   reoffer            no attacker: a SIP-style phone (reoffer_phone.py)
#                      renegotiates: hold (a=sendonly), resume, then moves
#                      to a new port and SSRC with a re-offer, while stray
#                      packets still leave the old port
#   ffmpeg-burst       no attacker: ffmpeg behind the NAT streams 1080p VP8
#                      (its RTP muxer, from the ports it names: symmetric),
#                      each key frame a back-to-back burst; every datagram
#                      that reached the server's socket must pass
#   rebind             conntrack -F in the NAT mid-call: a new public port
#   timeout-never|timeout-ssrc|timeout-silence
#                      the peer vanishes; a new peer on the public segment
#                      tries to take over
#   icmp               the peer's ports are closed: everything the server
#                      sends draws ICMP port unreachable
#   ipv6-latch         a call over IPv6 through NAT66 (lab_up_ipv6), server
#                      bound to ::, no attacker
#   ipv6-spray         spray over IPv6
#   dualstack-latch    an IPv4 call to a server bound to :: (dual stack): the
#                      peer is latched and reported as IPv4, not ::ffff:...
#   flood              10x the call's packet rate from 96 sources (4 IPs x 24
#                      ports), before and through the call
#
# LAB_KEEP=1 keeps the logs (their directory is printed); ATTACK_PROPS adds
# comedia-rtpsrc properties (ATTACK_PROPS=probation=1: the spray test fails).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${COMEDIA_BUILD_DIR:-$HERE/../../build-lab}
if [ "${1:-}" = --build ]; then BUILD=$2; shift 2; fi
SCENARIO=${1:?usage: test-attack.sh [--build DIR] SCENARIO (see the header)}
case $SCENARIO in
    spray|sustained-never|sustained-ssrc|sustained-silence|sustained-allowed|rebind) ;;
    spray-symmetric|burst|reoffer|ffmpeg-burst) ;;
    sustained-negotiated|ipv6-latch|ipv6-spray|dualstack-latch) ;;
    timeout-never|timeout-ssrc|timeout-silence|icmp|flood) ;;
    *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;;
esac
RTP=5004 RTCP=5005
ATTACKER_IP4=203.0.113.66 NEWPEER_IP=203.0.113.20
ATTACKER_PORT=40000       # the sustained attacker's RTP port (RTCP: +1)
RATE=50                   # the call's RTP packets/s, both ways

# shellcheck source=../../scripts/lab/natlab.sh
source "$HERE/../../scripts/lab/natlab.sh"
lab_trap
lab_require
lab_gst_env "$BUILD"
lab_up random
# The addresses of the call: IPv4, or IPv6 through NAT66 (ipv6-*).
FAM=4 SRV=$LAB_SERVER_IP CLI=$LAB_CLIENT_IP NATPUB=$LAB_NAT_PUB_IP BIND=0.0.0.0 ATTACKER_IP=$ATTACKER_IP4
if [[ $SCENARIO == ipv6-* ]]; then
    lab_up_ipv6
    FAM=6 SRV=$LAB_SERVER_IP6 CLI=$LAB_CLIENT_IP6 NATPUB=$LAB_NAT_PUB_IP6 BIND=:: ATTACKER_IP=2001:db8:113::66
fi
[ "$SCENARIO" = dualstack-latch ] && BIND=::
T=$LAB_TMP
SLOG=$T/server.log PLOG=$T/peer.log ALOG=$T/attacker.log NLOG=$T/newpeer.log

# count_from_server NS NAME: counts what reaches NS from the server (any
# port; over IPv6 UDP only, since neighbour discovery comes from it as well)
count_from_server() {
    if [ "$FAM" = 6 ]; then lab_count_in6 "$1" "$2" ip6 saddr "$SRV" meta l4proto udp
    else lab_count_in "$1" "$2" ip saddr "$SRV"; fi
}
obs() { lab_counter "$1" lab_obs "$2" "$([ "$FAM" = 6 ] && echo ip6 || echo ip)"; }
value() { sed -n "s/^$2=//p" "$1" | tail -1; }
is_int() { [[ ${1:-} =~ ^[0-9]+$ ]]; }
# le A B / ge A B: integer comparisons that fail (not error) on a non-number
le() { is_int "$1" && is_int "$2" && [ "$1" -le "$2" ]; }
ge() { is_int "$1" && is_int "$2" && [ "$1" -ge "$2" ]; }
# fle A B: A <= B for decimals
fle() { awk -v a="${1:-x}" -v b="${2:-x}" 'BEGIN { exit !(a == a + 0 && b == b + 0 && a + 0 <= b + 0) }'; }
# event NAME COMPONENT FIELD: FIELD of the first comedia-NAME event of COMPONENT
event() { grep -m1 "^event=comedia-$1 .* component=$2 " "$SLOG" | sed -n "s/.* $3=\([^ ]*\).*/\1/p" || true; }
events() { grep -c "^event=comedia-$1 .* component=$2 " "$SLOG" || true; }
# sent_lost SENT_LOG SSRC: packets of the sent log that the server never passed
sent_lost() {
    awk -v s="$2" 'NR == FNR { if ($1 == s) got[$2] = 1; next } !($1 in got) { n++ } END { print n + 0 }' \
        "$T/recv.log" "$1"
}
# passed_from IP [PORT]: RTP packets the server passed downstream from IP(:PORT)
passed_from() { awk -v ip="$1" -v port="${2:-}" '$4 == ip && (port == "" || $5 == port) { n++ } END { print n + 0 }' "$T/recv.log"; }

dump_logs() { lab_dump_tails 70 "$SLOG" "$PLOG" "$ALOG" "$NLOG"; }

# --- who is where -------------------------------------------------------------
lab_add_public_host attacker "$ATTACKER_IP4"
NS_ATK=$LAB_LAST_NS
[ "$FAM" = 6 ] && lab_public_host_ipv6 "$NS_ATK" "$ATTACKER_IP"
ATK_IPS=$ATTACKER_IP
if [ "$SCENARIO" = flood ]; then
    for i in 67 68 69; do
        ip -n "$NS_ATK" addr add "203.0.113.$i/24" dev eth0
        ATK_IPS+=",203.0.113.$i"
    done
fi
# Whatever the server sends to the attacker's namespace, to any port.
count_from_server "$NS_ATK" from_server

PROPS="" SERVER_SECONDS=25 SDP_PORT=7000 server_args=()
case $SCENARIO in
    sustained-never)   PROPS="relatch=never" ;;
    sustained-ssrc)    PROPS="relatch=ssrc" ;;
    sustained-silence) PROPS="relatch=silence timeout=1000" ;;
    sustained-allowed) PROPS="allowed-source=$NATPUB" ;;
    sustained-negotiated|spray-symmetric|reoffer) server_args=(--negotiate $SDP_PORT --public-address "$SRV") ;;
    # The kernel must not drop the burst before comedia-rtpsrc reads it.
    burst|ffmpeg-burst) PROPS="buffer-size=4194304" ;;
    timeout-*)         PROPS="relatch=${SCENARIO#timeout-} timeout=1000" ;;
esac
# ATTACK_PROPS: more comedia-rtpsrc properties, to see a test fail (e.g.
# probation=1: the first packet latches, and the spray wins).
PROPS+="${ATTACK_PROPS:+ $ATTACK_PROPS}"

# --- the passive server ---------------------------------------------------------
server_env=()
if [ -n "${COMEDIA_ASAN_LIB:-}" ]; then
    # Python itself is not instrumented; its own never-freed objects are not ours.
    server_env=(env "$(lab_asan_env)" "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
fi
lab_bg "$LAB_NS_SERVER" "$SLOG" "${server_env[@]}" timeout --foreground -s INT -k 3 $((SERVER_SECONDS + 10)) \
    "$LAB_PY" -u "$HERE/latch_server.py" --address $BIND --port $RTP --seconds $SERVER_SECONDS \
    --recv-log "$T/recv.log" --props "$PROPS" "${server_args[@]}"
SERVER_PID=$LAB_LAST_PID
if ! lab_wait_udp "$LAB_NS_SERVER" $RTP 15 || ! lab_wait_udp "$LAB_NS_SERVER" $RTCP 5; then
    lab_fail "server did not bind udp $RTP and $RTCP"; dump_logs; exit 1
fi
lab_log "server listening on $SRV:$RTP/$RTCP${PROPS:+ with $PROPS}"

# peer SECONDS [ARGS...]: the legitimate peer behind the NAT, in the background
start_peer() {
    local seconds=$1; shift
    lab_bg "$LAB_NS_CLIENT" "$PLOG" "$LAB_PY" "$HERE/rtp_peer.py" --server "$SRV" \
        --rtp-port $RTP --local "$CLI" --local-port $RTP --rate $RATE --seconds "$seconds" \
        --sent-log "$T/sent.log" --recv-log "$T/peer-recv.log" "$@"
    PEER_PID=$LAB_LAST_PID
}
start_attacker() {
    lab_bg "$NS_ATK" "$ALOG" "$LAB_PY" "$HERE/rtp_attacker.py" "$@" --server "$SRV" \
        --rtp-port $RTP --ips "$ATK_IPS" --seconds 25
    ATTACKER_PID=$LAB_LAST_PID
}
wait_peer() { local rc=0; wait "$PEER_PID" || rc=$?; lab_check "legitimate peer ran cleanly (exit $rc)" [ $rc = 0 ]; }
mapping() {   # the NAT's current public "ip port" for the client's RTP/RTCP flow
    local m i
    for i in $(seq 50); do
        if [ "$FAM" = 6 ]; then m=$(lab_nat_mapping6 "$1"); else m=$(lab_nat_mapping "$1"); fi
        [ -n "$m" ] && { echo "$m"; return 0; }
        sleep 0.1
    done
}
finish() {
    [ -n "${ATTACKER_PID:-}" ] && { lab_stop "$ATTACKER_PID" 3; ATTACKER_RC=$LAB_STOP_RC; }
    lab_stop "$SERVER_PID" 8
    SERVER_RC=$LAB_STOP_RC
    problems=$(grep -cE 'AddressSanitizer|LeakSanitizer|runtime error:|CRITICAL|^error=' "$SLOG" || true)
    lab_check "server kept PLAYING and ended cleanly (exit $SERVER_RC, state $(value "$SLOG" state), $(value "$SLOG" errors) errors, $problems problem lines)" \
        [ "$SERVER_RC" = 0 -a "$(value "$SLOG" state)" = PLAYING -a "$(value "$SLOG" errors)" = 0 -a "$problems" = 0 ]
    [ -n "${ATTACKER_PID:-}" ] && lab_check "attacker ran cleanly (exit $ATTACKER_RC)" [ "$ATTACKER_RC" = 0 ]
    return 0
}

# --- the checks every scenario in which the legitimate peer must win makes ----
# legit_won [MAX_LOSS_PERMILLE]: latched the NAT's mapping on both components,
# never moved, the peer lost nothing (or at most that many per mille) and got
# the server's media; none of it went to the attacker.
legit_won() {
    local max=${1:-0} c want addr port
    for c in 1 2; do
        if [ $c = 1 ]; then want=$MAP_RTP; else want=$MAP_RTCP; fi
        addr=$(event latched $c address) port=$(event latched $c port)
        lab_check "component $c latched the legitimate peer: $addr:$port = NAT mapping ${want/ /:}" \
            [ -n "$addr" -a "$addr $port" = "$want" -a "$addr" = "$NATPUB" ]
        lab_check "component $c latched once and never moved ($(events latched $c) latched, $(events relatched $c) relatched)" \
            [ "$(events latched $c)" = 1 -a "$(events relatched $c)" = 0 ]
    done
    local ssrc sent lost
    ssrc=$(value "$PLOG" ssrc) sent=$(value "$PLOG" sent.rtp)
    lost=$(sent_lost "$T/sent.log" "$ssrc")
    if [ "$max" = 0 ]; then
        lab_check "the legitimate stream lost nothing: $lost of $sent RTP packets" eval 'ge "$sent" 100 && [ "$lost" = 0 ]'
    else
        lab_check "the legitimate stream lost $lost of $sent RTP packets (< $max per mille)" \
            eval 'ge "$sent" 100 && [ $((lost * 1000)) -lt $((max * sent)) ]'
    fi
    lab_check "only the legitimate SSRC $ssrc went downstream (RTP: $(value "$SLOG" rtp.ssrcs); RTCP: $(value "$SLOG" rtcp.ssrcs))" \
        [ "$(value "$SLOG" rtp.ssrcs)" = "$ssrc" -a "$(value "$SLOG" rtcp.ssrcs)" = "$ssrc" ]
    lab_check "every packet downstream came from the NAT mapping ($(passed_from "${MAP_RTP% *}" "${MAP_RTP#* }") of $(wc -l <"$T/recv.log"))" \
        [ "$(passed_from "${MAP_RTP% *}" "${MAP_RTP#* }")" = "$(wc -l <"$T/recv.log")" ]
    local rx missing rtcp
    rx=$(value "$PLOG" rx.rtp) missing=$(value "$PLOG" rx.rtp.missing) rtcp=$(value "$PLOG" rx.rtcp)
    lab_check "the server's media reached the legitimate peer: $rx RTP ($missing missing), $rtcp RTCP" \
        eval 'ge "$rx" 100 && [ $((missing * 1000)) -le $((max * rx)) ] && ge "$rtcp" 1'
    local arx nft
    [ -f "$ALOG" ] || return 0       # no attacker in this scenario
    arx=$(value "$ALOG" rx) nft=$(obs "$NS_ATK" from_server)
    lab_check "the server sent nothing to the attacker (attacker's sockets: $arx, its kernel: $nft datagrams)" \
        [ "$arx" = 0 -a "$nft" = 0 ]
}

# The attacker's traffic really reached the server: received - peer's >= 90 % of what it sent.
attack_arrived() {
    local c got mine theirs
    for c in 1 2; do
        got=$(value "$SLOG" src.$c.received)
        if [ $c = 1 ]; then mine=$(value "$PLOG" sent.rtp) theirs=$(value "$ALOG" sent.rtp)
        else mine=$(value "$PLOG" sent.rtcp) theirs=$(value "$ALOG" sent.rtcp); fi
        lab_check "positive control: the attack reached component $c ($((got - mine)) of $theirs; rejected $(value "$SLOG" src.$c.rejected))" \
            eval 'ge "$theirs" 1 && ge "$((got - mine))" "$((theirs * 9 / 10))"'
    done
}

case $SCENARIO in
ipv6-latch|dualstack-latch)
    start_peer 4
    MAP_RTP=$(mapping $RTP) MAP_RTCP=$(mapping $RTCP)
    wait_peer
    sleep 0.3
    finish
    lab_check "the NAT (IPv$FAM) gave the peer public address $NATPUB (RTP ${MAP_RTP/ /:}, RTCP ${MAP_RTCP/ /:})" \
        [ "${MAP_RTP% *}" = "$NATPUB" -a "${MAP_RTCP% *}" = "$NATPUB" ]
    legit_won
    ;;

spray|ipv6-spray)
    start_attacker spray --sockets 4
    sleep 1                          # the spray is on before the peer starts
    start_peer 4
    MAP_RTP=$(mapping $RTP) MAP_RTCP=$(mapping $RTCP)
    wait_peer
    sleep 0.3                        # ... and goes on after the call
    finish
    legit_won
    attack_arrived
    first=$(value "$PLOG" t.first) at=$(event latched 1 time)
    ms=$(awk -v a="$at" -v f="$first" 'BEGIN { printf "%d", (a - f) * 1000 }')
    lab_check "the legitimate peer latched ${ms} ms after its first packet (<= 100 ms)" \
        eval 'is_int "$ms" && [ "$ms" -le 100 ]'
    ;;

spray-symmetric)
    start_attacker spray --sockets 4
    for _ in $(seq 50); do ss -H -N "$LAB_NS_SERVER" -ltn "sport = :$((SDP_PORT + 1))" | grep -q . && break; sleep 0.1; done
    sleep 1                          # the spray is on before the phone starts
    start_peer 4 --offer $SDP_PORT --plain-offer --offer-address "$CLI"
    MAP_RTP=$(mapping $RTP) MAP_RTCP=$(mapping $RTCP)
    wait_peer
    sleep 0.3
    finish
    line=$(grep -m1 '^event=sdp-negotiator-stream' "$SLOG" || true)
    lab_check "the private offer was planned symmetric (${line:-no sdp-negotiator-stream})" \
        eval '[[ "$line" == *" plan=symmetric "* ]]'
    lab_check "the answer has no a=direction" [ "$(value "$PLOG" answer.direction)" = false ]
    legit_won
    attack_arrived
    ;;

ffmpeg-burst)
    # ffmpeg 5.1 (Debian 12) as a camera.  What it announces for this stream
    # (its -sdp_file, no a=direction: it sends, it does not negotiate):
    #   m=video 5004 RTP/AVP 96
    #   b=AS:200000
    #   a=rtpmap:96 VP8/90000
    # Each key frame leaves back to back (about 100 packets of 1 200 bytes
    # at this quality), then the other frames 40 ms apart.
    lab_count_in "$LAB_NS_SERVER" rtp_in udp dport $RTP
    if ! command -v ffmpeg >/dev/null; then
        lab_fail "ffmpeg is not installed (scripts/setup-deps.sh)"; exit 1
    fi
    lab_bg "$LAB_NS_CLIENT" "$PLOG" timeout -k 3 30 ffmpeg -hide_banner -loglevel error -nostdin \
        -re -f lavfi -i testsrc2=size=1920x1080:rate=25 -t 3 \
        -c:v libvpx -deadline realtime -cpu-used 8 -qmin 0 -qmax 2 -b:v 200M -g 25 \
        -pkt_size 1200 -sdp_file "$T/ffmpeg.sdp" -f rtp "rtp://$SRV:$RTP?localrtpport=$RTP&localrtcpport=$RTCP"
    PEER_PID=$LAB_LAST_PID
    MAP_RTP=$(mapping $RTP)
    wait_peer
    # Time for the server to read what is still queued (a sanitizer build
    # may be seconds behind the last burst) before it is stopped.
    sleep 2
    finish
    arrived=$(obs "$LAB_NS_SERVER" rtp_in) passed=$(value "$SLOG" src.1.passed)
    lab_check "ffmpeg's stream reached the server (${arrived:-?} datagrams)" ge "$arrived" 500
    lab_check "the server latched ffmpeg on the NAT's mapping ($(event latched 1 address):$(event latched 1 port) = ${MAP_RTP/ /:})" \
        [ -n "$MAP_RTP" -a "$(event latched 1 address) $(event latched 1 port)" = "$MAP_RTP" ]
    lab_check "every datagram that arrived passed downstream, key frames whole ($passed of $arrived)" \
        [ "$passed" = "$arrived" ]
    lab_check "probation dropped nothing (held-dropped $(value "$SLOG" src.1.held-dropped))" \
        [ "$(value "$SLOG" src.1.held-dropped)" = 0 ]
    ;;

reoffer)
    for _ in $(seq 50); do ss -H -N "$LAB_NS_SERVER" -ltn "sport = :$((SDP_PORT + 1))" | grep -q . && break; sleep 0.1; done
    lab_bg "$LAB_NS_CLIENT" "$PLOG" "$LAB_PY" "$HERE/reoffer_phone.py" --server "$SRV" \
        --sdp-port $SDP_PORT --rtp-port $RTP --local "$CLI" --port1 4000 --port2 4100
    PEER_PID=$LAB_LAST_PID
    M1=$(mapping 4000)
    wait_peer
    M2=$(mapping 4100)
    sleep 0.3
    finish
    for phase in call hold resume moved; do
        lab_check "the $phase answer keeps the server's port ($(value "$PLOG" answer.$phase.port))" \
            [ "$(value "$PLOG" answer.$phase.port)" = $RTP ]
    done
    lab_check "hold: the answer mirrors a=sendonly ($(value "$PLOG" answer.hold.direction))" \
        [ "$(value "$PLOG" answer.hold.direction)" = recvonly ]
    lab_check "resume: sendrecv again ($(value "$PLOG" answer.resume.direction))" \
        [ "$(value "$PLOG" answer.resume.direction)" = sendrecv ]
    lab_check "on hold the server sent no media (the phone got $(value "$PLOG" rx.hold.4000) packets; the sink dropped $(value "$SLOG" sink.1.dropped-on-hold) on hold)" \
        eval 'le "$(value "$PLOG" rx.hold.4000)" 5 && ge "$(value "$SLOG" sink.1.dropped-on-hold)" 40'
    lab_check "the first offer was planned symmetric" grep -q '^event=sdp-negotiator-stream .* plan=symmetric ' "$SLOG"
    lab_check "the first latch was the NAT's mapping of the old port (${M1/ /:})" \
        [ -n "$M1" -a "$(event latched 1 address) $(event latched 1 port)" = "$M1" ]
    lab_check "the phone heard the server in the call and after resuming ($(value "$PLOG" rx.call.4000), $(value "$PLOG" rx.resume.4000) packets)" \
        eval 'ge "$(value "$PLOG" rx.call.4000)" 30 && ge "$(value "$PLOG" rx.resume.4000)" 30'
    relatched="$(event relatched 1 address) $(event relatched 1 port)"
    lab_check "the move re-latched RTP on the new port's mapping (${relatched/ /:} = ${M2/ /:})" \
        [ -n "$M2" -a "$relatched" = "$M2" ]
    lab_check "the server's media reached the new port ($(value "$PLOG" rx.moved.4100) packets)" \
        ge "$(value "$PLOG" rx.moved.4100)" 30
    at=$(event relatched 1 time)
    late=$(awk -v t="${at:-0}" -v ip="${M1% *}" -v port="${M1#* }" '$3 > t && $4 == ip && $5 == port { n++ } END { print n + 0 }' "$T/recv.log")
    lab_check "no stray packet from the old port went downstream after the re-latch ($late of $(value "$PLOG" stray.sent) strays)" \
        eval 'ge "$(value "$PLOG" stray.sent)" 3 && [ "$late" = 0 ]'
    ;;

burst)
    start_peer 4 --burst 1000 --payload 1188
    MAP_RTP=$(mapping $RTP) MAP_RTCP=$(mapping $RTCP)
    wait_peer
    sleep 0.3
    finish
    ssrc=$(value "$PLOG" ssrc) sent=$(value "$PLOG" sent.rtp)
    lost=$(sent_lost "$T/sent.log" "$ssrc")
    lab_check "the peer sent its burst and more ($sent RTP packets)" ge "$sent" 1100
    lab_check "every packet reached the server's downstream, the burst included ($lost of $sent lost)" \
        eval 'ge "$sent" 1100 && [ "$lost" = 0 ]'
    ooo=$(awk 'NR > 1 && $2 != (prev + 1) % 65536 { n++ } { prev = $2 } END { print n + 0 }' "$T/recv.log")
    lab_check "passed downstream in order ($ooo out of order)" [ "$ooo" = 0 ]
    lab_check "probation dropped nothing (held-dropped $(value "$SLOG" src.1.held-dropped))" \
        [ "$(value "$SLOG" src.1.held-dropped)" = 0 ]
    ;;

sustained-negotiated)
    lab_bg "$NS_ATK" "$ALOG" "$LAB_PY" "$HERE/rtp_attacker.py" sustained --server "$SRV" \
        --rtp-port $RTP --ips "$ATTACKER_IP" --local-port $ATTACKER_PORT --rate $RATE --seconds 25 \
        --recv-log "$T/attacker-recv.log"
    ATTACKER_PID=$LAB_LAST_PID
    for _ in $(seq 50); do ss -H -N "$LAB_NS_SERVER" -ltn "sport = :$((SDP_PORT + 1))" | grep -q . && break; sleep 0.1; done
    sleep 1                          # the attacker has latched
    # The peer knows its public address (say by STUN) and offers it in c=.
    start_peer 4 --offer $SDP_PORT --offer-address "$NATPUB"
    MAP_RTP=$(mapping $RTP) MAP_RTCP=$(mapping $RTCP)
    wait_peer
    sleep 0.3
    finish
    lab_check "the peer's offer was answered a=direction:passive" [ "$(value "$PLOG" answer.passive)" = true ]
    line=$(grep -m1 '^event=sdp-negotiator-stream' "$SLOG" || true)
    lab_check "sdp-negotiator restricted the stream to the offer's public c= (${line:-no sdp-negotiator-stream})" \
        eval '[[ "$line" == *" allowed-source=$NATPUB"* ]]'
    unlatched=()
    for c in 1 2; do
        if [ $c = 1 ]; then want=$MAP_RTP; else want=$MAP_RTCP; fi
        first=$(grep -m1 "^event=comedia-latched .* component=$c " "$SLOG" || true)
        lab_check "component $c had latched the attacker first (${first:-none})" \
            eval '[[ "$first" == *" address=$ATTACKER_IP port=$((ATTACKER_PORT + c - 1))"* ]]'
        un=$(grep -m1 "^event=comedia-unlatched .* component=$c " "$SLOG" || true)
        lab_check "component $c unlatched the attacker as outside the negotiated source (${un:-none})" \
            eval '[[ "$un" == *" address=$ATTACKER_IP "*"reason=outside-allowed-source"* ]]'
        unlatched[c]=$(sed -n 's/.* time=\([0-9.]*\) .*/\1/p' <<<"$un")
        last=$(grep "^event=comedia-latched .* component=$c " "$SLOG" | tail -1 | sed -n 's/.* address=\([^ ]*\) port=\([^ ]*\).*/\1 \2/p')
        lab_check "component $c then latched the peer: ${last/ /:} = NAT mapping ${want/ /:} ($(events relatched $c) relatched)" \
            [ "$last" = "$want" -a "$(events relatched $c)" = 0 ]
    done
    ssrc=$(value "$PLOG" ssrc) sent=$(value "$PLOG" sent.rtp)
    lost=$(sent_lost "$T/sent.log" "$ssrc")
    lab_check "the peer lost nothing: $lost of $sent RTP packets" eval 'ge "$sent" 100 && [ "$lost" = 0 ]'
    late=$(awk -v t="${unlatched[1]:-0}" -v ip="$ATTACKER_IP" '$4 == ip && $3 > t { n++ } END { print n + 0 }' "$T/recv.log")
    early=$(passed_from "$ATTACKER_IP")
    lab_check "no attacker RTP went downstream after the unlatch ($late; $early before it)" [ "$late" = 0 ]
    # What was in flight when the restriction arrived: 50 ms of margin.
    after=$(awk -v t1="${unlatched[1]:-0}" -v t2="${unlatched[2]:-0}" \
        '($3 == 5004 && $1 > t1 + 0.05) || ($3 == 5005 && $1 > t2 + 0.05) { n++ } END { print n + 0 }' "$T/attacker-recv.log")
    lab_check "the server sent nothing to the attacker after the unlatch ($after datagrams; $(value "$ALOG" rx) before)" [ "$after" = 0 ]
    rx=$(value "$PLOG" rx.rtp) missing=$(value "$PLOG" rx.rtp.missing)
    lab_check "the server's media reached the peer: $rx RTP ($missing missing)" eval 'ge "$rx" 100 && [ "$missing" = 0 ]'
    ;;

sustained-*)
    # The peer's and the attacker's sequence numbers are 30000 apart: neither
    # is within the other's continuity window (100), as with random starts
    # (chance 100/65536 otherwise).
    lab_bg "$NS_ATK" "$ALOG" "$LAB_PY" "$HERE/rtp_attacker.py" sustained --server "$SRV" \
        --rtp-port $RTP --ips "$ATTACKER_IP" --local-port $ATTACKER_PORT --rate $RATE --seconds 25 \
        --seq 1000 --copy-from "$T/peer.status" --copy-at 2.5
    ATTACKER_PID=$LAB_LAST_PID
    sleep 1                          # the attacker's stream is on first
    start_peer 4 --seq 31000 --status "$T/peer.status"
    MAP_RTP=$(mapping $RTP) MAP_RTCP=$(mapping $RTCP)
    wait_peer
    sleep 0.3
    finish
    ssrc=$(value "$PLOG" ssrc) copied=$(value "$ALOG" ssrc.copied)
    lab_check "the attacker copied the legitimate SSRC during the call ($copied = $ssrc)" [ "$copied" = "$ssrc" ]
    if [ "$SCENARIO" = sustained-allowed ]; then
        legit_won
        attack_arrived
        n=$(grep -c "^event=comedia-rejected .* address=$ATTACKER_IP .*reason=outside-allowed-source" "$SLOG" || true)
        lab_check "the attacker was rejected as outside allowed-source ($n comedia-rejected messages)" ge "$n" 1
    else
        # First come wins (RFC 7362): the documented outcome of every relatch policy.
        for c in 1 2; do
            addr=$(event latched $c address) port=$(event latched $c port)
            lab_check "component $c latched the attacker that came first ($addr:$port)" \
                [ "$addr:$port" = "$ATTACKER_IP:$((ATTACKER_PORT + c - 1))" ]
            lab_check "component $c never moved to the legitimate peer ($(events relatched $c) relatched)" \
                [ "$(events relatched $c)" = 0 ]
        done
        from_atk=$(passed_from "$ATTACKER_IP") from_nat=$(passed_from "$NATPUB")
        injected=$(awk -v s="$ssrc" -v ip="$ATTACKER_IP" '$1 == s && $4 == ip { n++ } END { print n + 0 }' "$T/recv.log")
        lab_check "downstream got the attacker's stream ($from_atk packets, $injected of them under the legitimate SSRC) and nothing from the peer ($from_nat)" \
            eval 'ge "$from_atk" 100 && ge "$injected" 25 && [ "$from_nat" = 0 ]'
        arx=$(value "$ALOG" rx) prx=$(value "$PLOG" rx.rtp)
        lab_check "the server's media went to the attacker ($arx datagrams), none to the peer ($prx)" \
            eval 'ge "$arx" 100 && [ "$prx" = 0 ]'
    fi
    ;;

rebind)
    start_peer 7
    MAP_RTP=$(mapping $RTP) MAP_RTCP=$(mapping $RTCP)
    sleep 2.5
    # The NAT forgets every mapping: the peer's next packets get a new random port.
    T_FLUSH=$(lab_nsexec "$LAB_NS_NAT" "$LAB_PY" -c '
import subprocess, time
t = time.monotonic()
subprocess.run(["conntrack", "-F"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("%.6f" % t)')
    NEW_RTP=$(mapping $RTP) NEW_RTCP=$(mapping $RTCP)
    lab_log "conntrack -F at $T_FLUSH: RTP ${MAP_RTP/ /:} -> ${NEW_RTP/ /:}, RTCP ${MAP_RTCP/ /:} -> ${NEW_RTCP/ /:}"
    wait_peer
    sleep 0.3
    finish
    lab_check "the NAT gave the peer new public ports (RTP ${MAP_RTP/ /:} -> ${NEW_RTP/ /:}, RTCP ${MAP_RTCP/ /:} -> ${NEW_RTCP/ /:})" \
        [ -n "$NEW_RTP" -a -n "$NEW_RTCP" -a "$NEW_RTP" != "$MAP_RTP" -a "$NEW_RTCP" != "$MAP_RTCP" ]
    for c in 1 2; do
        if [ $c = 1 ]; then old=$MAP_RTP new=$NEW_RTP; else old=$MAP_RTCP new=$NEW_RTCP; fi
        addr=$(event latched $c address) port=$(event latched $c port)
        lab_check "component $c first latched ${old/ /:} ($addr:$port)" [ "$addr $port" = "$old" ]
        line=$(grep -m1 "^event=comedia-relatched .* component=$c " "$SLOG" || true)
        lab_check "component $c posted comedia-relatched ${old/ /:} -> ${new/ /:} ($(events relatched $c) times: ${line:-none})" \
            eval '[ "$(events relatched $c)" = 1 ] && [[ "$line" == *" address=${new% *} port=${new#* } old=${old/ /:}"* ]]'
    done
    ssrc=$(value "$PLOG" ssrc) sent=$(value "$PLOG" sent.rtp)
    # The first packet the peer sent after the flush, and the first one that
    # went downstream from the new mapping: the re-latch.
    first_after=$(awk -v t="$T_FLUSH" '$2 > t { print $1; exit }' "$T/sent.log")
    relatch_seq=$(awk -v ip="${NEW_RTP% *}" -v port="${NEW_RTP#* }" '$4 == ip && $5 == port { print $2; exit }' "$T/recv.log")
    behind=$(( (${relatch_seq:-0} - ${first_after:-0} + 65536) % 65536 ))
    lab_check "re-latched within 2 packets: first packet after the flush #$first_after, first passed from the new port #$relatch_seq" \
        eval 'is_int "$first_after" && is_int "$relatch_seq" && [ "$behind" -le 1 ]'
    lost=$(sent_lost "$T/sent.log" "$ssrc")
    lab_check "peer -> server lost $lost of $sent RTP packets (<= 2)" eval 'ge "$sent" 300 && [ "$lost" -le 2 ]'
    after=$(awk -v t="$T_FLUSH" -v ip="${NEW_RTP% *}" '$3 > t + 0.5 && $4 == ip { n++ } END { print n + 0 }' "$T/recv.log")
    lab_check "peer -> server kept flowing after the flush ($after packets from the new mapping, > 0.5 s after it)" ge "$after" 100
    rx=$(value "$PLOG" rx.rtp) missing=$(value "$PLOG" rx.rtp.missing)
    back=$(awk -v t="$T_FLUSH" '$2 > t + 0.5 { n++ } END { print n + 0 }' "$T/peer-recv.log")
    lab_check "server -> peer lost $missing of $rx RTP packets (<= 2)" eval 'ge "$rx" 300 && [ "$missing" -le 2 ]'
    lab_check "server -> peer kept flowing after the flush ($back packets > 0.5 s after it)" ge "$back" 100
    ;;

timeout-*)
    POLICY=${SCENARIO#timeout-}
    start_peer 2
    MAP_RTP=$(mapping $RTP) MAP_RTCP=$(mapping $RTCP)
    wait_peer
    # The peer is gone; wait for the server to notice (timeout=1000).
    for _ in $(seq 40); do [ "$(events timeout 1)" -ge 1 ] && break; sleep 0.1; done
    lab_add_public_host newpeer "$NEWPEER_IP"
    NS_NEW=$LAB_LAST_NS
    count_from_server "$NS_NEW" from_server
    sleep 0.3
    lab_bg "$NS_NEW" "$NLOG" "$LAB_PY" "$HERE/rtp_peer.py" --server "$SRV" --rtp-port $RTP \
        --local "$NEWPEER_IP" --local-port 6004 --rate $RATE --seconds 2 --sent-log "$T/new-sent.log"
    NEW_PID=$LAB_LAST_PID
    rc=0; wait "$NEW_PID" || rc=$?
    lab_check "the new peer ran cleanly (exit $rc)" [ $rc = 0 ]
    sleep 0.3
    finish
    addr=$(event latched 1 address) port=$(event latched 1 port)
    lab_check "component 1 latched the first peer: $addr:$port = NAT mapping ${MAP_RTP/ /:}" [ "$addr $port" = "$MAP_RTP" ]
    for c in 1 2; do
        if [ $c = 1 ]; then last=$(value "$PLOG" t.last) what=RTP; else last=$(value "$PLOG" t.last.rtcp) what=RTCP; fi
        at=$(event timeout $c time)
        ms=$(awk -v a="${at:-x}" -v l="$last" 'BEGIN { if (a == a + 0) printf "%d", (a - l) * 1000 }')
        # From 990: the peer notes its last send time just after the kernel took
        # the packet, the server its arrival just before; ms are truncated.
        lab_check "component $c posted comedia-timeout ${ms:-never} ms after the peer's last $what packet (timeout=1000: 990..1250)" \
            eval 'is_int "$ms" && [ "$ms" -ge 990 ] && [ "$ms" -le 1250 ]'
    done
    nssrc=$(value "$NLOG" ssrc) nsent=$(value "$NLOG" sent.rtp)
    npassed=$(passed_from "$NEWPEER_IP")
    nrx=$(value "$NLOG" rx.rtp) nft=$(obs "$NS_NEW" from_server)
    if [ "$POLICY" = silence ]; then
        for c in 1 2; do
            line=$(grep -m1 "^event=comedia-relatched .* component=$c " "$SLOG" || true)
            lab_check "relatch=silence: component $c re-latched the new peer (${line:-no comedia-relatched})" \
                eval '[[ "$line" == *" address=$NEWPEER_IP "* ]]'
        done
        lost=$(awk -v s="$nssrc" 'NR == FNR { if ($1 == s) got[$2] = 1; next } !($1 in got) { n++ } END { print n + 0 }' \
            "$T/recv.log" "$T/new-sent.log")
        lab_check "relatch=silence: all the new peer's packets went downstream ($npassed passed, $lost of $nsent lost)" \
            eval 'ge "$nsent" 50 && [ "$lost" = 0 ]'
        lab_check "relatch=silence: the server's media went to the new peer ($nrx RTP)" ge "$nrx" 50
    else
        lab_check "relatch=$POLICY: no re-latch after the timeout ($(events relatched 1), $(events relatched 2))" \
            [ "$(events relatched 1)" = 0 -a "$(events relatched 2)" = 0 ]
        lab_check "relatch=$POLICY: nothing of the new peer went downstream ($npassed of $nsent)" \
            eval 'ge "$nsent" 50 && [ "$npassed" = 0 ]'
        lab_check "relatch=$POLICY: the server sent nothing to the new peer (sockets $nrx, kernel $nft)" \
            [ "$nrx" = 0 -a "$nft" = 0 ]
        n=$(grep -c "^event=comedia-rejected .* address=$NEWPEER_IP " "$SLOG" || true)
        lab_check "relatch=$POLICY: the new peer was reported in comedia-rejected ($n messages)" ge "$n" 1
    fi
    ;;

icmp)
    # Closed ports: the peer sends from ports no socket has bound, so its
    # kernel answers everything that comes back with ICMP port unreachable
    # (not rate-limited here, so that every datagram draws one).
    lab_nsexec "$LAB_NS_CLIENT" sysctl -qw net.ipv4.icmp_ratelimit=0
    lab_nsexec "$LAB_NS_SERVER" nft add table ip lab_obs
    lab_nsexec "$LAB_NS_SERVER" nft add chain ip lab_obs input '{ type filter hook input priority -10; policy accept; }'
    lab_nsexec "$LAB_NS_SERVER" nft add counter ip lab_obs unreachable
    lab_nsexec "$LAB_NS_SERVER" nft add rule ip lab_obs input icmp type destination-unreachable \
        icmp code port-unreachable counter name unreachable
    start_peer 5 --raw
    MAP_RTP=$(mapping $RTP) MAP_RTCP=$(mapping $RTCP)
    wait_peer
    finish
    icmp=$(lab_counter "$LAB_NS_SERVER" lab_obs unreachable)
    s1=$(value "$SLOG" sink.1.sent) s2=$(value "$SLOG" sink.2.sent)
    lab_check "the server sent to the latched peer (RTP $s1, RTCP $s2 datagrams)" eval 'ge "$s1" 200 && ge "$s2" 5'
    lab_check "ICMP port unreachable came back for them ($icmp for $((s1 + s2)) sent, >= 90 %)" \
        eval 'ge "$icmp" "$(((s1 + s2) * 9 / 10))"'
    ssrc=$(value "$PLOG" ssrc) sent=$(value "$PLOG" sent.rtp)
    lost=$(sent_lost "$T/sent.log" "$ssrc")
    lab_check "the server kept receiving through them: $lost of $sent RTP packets lost" eval 'ge "$sent" 200 && [ "$lost" = 0 ]'
    addr=$(event latched 1 address) port=$(event latched 1 port)
    lab_check "component 1 latched the peer ($addr:$port = ${MAP_RTP/ /:}) and stayed ($(events relatched 1) relatched, $(events timeout 1) timeouts)" \
        [ "$addr $port" = "$MAP_RTP" -a "$(events relatched 1)" = 0 -a "$(events timeout 1)" = 0 ]
    ;;

flood)
    start_attacker flood --sockets 24 --rate $((10 * RATE))
    sleep 1
    start_peer 6
    MAP_RTP=$(mapping $RTP) MAP_RTCP=$(mapping $RTCP)
    wait_peer
    sleep 0.3
    finish
    legit_won 10                     # < 1 %
    attack_arrived
    # The flood really ran at 10x the call's rate (RTP + RTCP, over its whole run).
    f=$(( $(value "$ALOG" sent.rtp) + $(value "$ALOG" sent.rtcp) ))
    pps=$(awk -v f="$f" -v s="$(value "$ALOG" seconds)" 'BEGIN { if (s > 0) printf "%d", f / s }')
    n=$(value "$ALOG" sources | tr ',' '\n' | wc -l)
    lab_check "the flood ran at $pps datagrams/s (>= 9x the call's $RATE RTP packets/s) from $n sources" \
        eval 'ge "$pps" $((9 * RATE)) && [ "$n" = 96 ]'
    ;;
esac

if [ "$LAB_FAILS" -gt 0 ]; then
    dump_logs
    echo "attack $SCENARIO: $LAB_FAILS check(s) FAILED"
    exit 1
fi
echo "attack $SCENARIO: all checks passed"

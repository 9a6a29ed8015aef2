#!/bin/bash
# test-nat-reboot.sh [--build DIR] SCENARIO...
#
# A NAT that reboots in a call (issue 25, item 2), through the port-random
# NAT of scripts/lab/natlab.sh.  The passive server is latch_server.py
# (comedia-rtpsrc/-rtpsink around rtpbin, PCMU out at 50 packets/s) with the
# DEFAULT latching properties; the peer behind the NAT is rtp_peer.py (50 RTP
# packets/s and RTCP every 250 ms, both ways, every packet logged).
#
#   reboot          3 s into the call the NAT forwards nothing for 5 s (an
#                   nftables drop in its forward hook), then its conntrack
#                   table is flushed and forwarding resumes: the peer's
#                   packets come from new random ports, 250 sequence numbers
#                   and 5 s of timestamps on.  Media must flow both ways
#                   again within 1 s of the resume, RTP and RTCP re-latched
#                   on the new ports (comedia-relatched, old -> new)
#   reboot-srtp     the same with SRTP both ways (authentication is the proof)
#   reboot-spray    the reboot, with an RTP Bleed spray (rtp_attacker.py
#                   spray) from the start of the outage to the end
#   reboot-copycat  the reboot, with a stream from the start of the outage
#                   on that copies the peer's SSRC (its own sequence numbers
#                   and timestamps): neither attacker latches anything
#   flush           conntrack -F alone, no outage: at most 100 ms lost each way
#
# Several reboot-* scenarios given together run as calls side by side through
# the one NAT and its one reboot (a server, a peer and, for spray and copycat,
# an attacker host of its own per scenario, on ports 5004, 5006, ...): what
# each one checks is unchanged, a run of four costs the time of one.  flush
# runs alone (its NAT event is another).
#
# The re-latch times are printed (relatch.rtp.ms, relatch.back.ms lines, per
# scenario), from just before the NAT's commands ran (they take some ms
# themselves).  LAB_KEEP=1 keeps the logs.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${COMEDIA_BUILD_DIR:-$HERE/../../build-lab}
if [ "${1:-}" = --build ]; then BUILD=$2; shift 2; fi
USAGE="usage: test-nat-reboot.sh [--build DIR] {reboot|reboot-srtp|reboot-spray|reboot-copycat}... | flush"
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || { echo "$USAGE" >&2; exit 2; }
for s in "${SCENARIOS[@]}"; do
    case $s in reboot|reboot-srtp|reboot-spray|reboot-copycat|flush) ;;
        *) echo "unknown scenario $s; $USAGE" >&2; exit 2 ;; esac
    [ "$(printf '%s\n' "${SCENARIOS[@]}" | grep -cx -- "$s")" = 1 ] || { echo "scenario $s twice" >&2; exit 2; }
done
FLUSH=false
if [[ " ${SCENARIOS[*]} " == *" flush "* ]]; then
    [ ${#SCENARIOS[@]} = 1 ] || { echo "flush runs alone; $USAGE" >&2; exit 2; }
    FLUSH=true
fi
RATE=50
OUTAGE_AT=3 OUTAGE_S=5 PEER_S=15

# shellcheck source=../../scripts/lab/natlab.sh
source "$HERE/../../scripts/lab/natlab.sh"
lab_trap
lab_require
if [[ " ${SCENARIOS[*]} " == *" reboot-srtp "* ]] && ! "$LAB_PY" -c 'import pylibsrtp' 2>/dev/null; then
    echo "lab requirement missing: python3-pylibsrtp (scripts/setup-deps.sh)" >&2
    [ "${CI:-}" = true ] && exit 1
    exit 77
fi
lab_gst_env "$BUILD"
lab_up random

# Per scenario (index i in SCENARIOS): its ports (server and peer alike, RTCP
# the next one), its log directory, its attacker's address and namespace.
declare -a PORT DIR SERVER_PID PEER_PID ATTACKER_PID ATTACKER_IP NS_ATK OLD_RTP_OF OLD_RTCP_OF NEW_RTP_OF NEW_RTCP_OF
for i in "${!SCENARIOS[@]}"; do
    PORT[i]=$((5004 + 2 * i)) DIR[i]=$LAB_TMP/${SCENARIOS[i]}
    mkdir -p "${DIR[i]}"
done

value() { sed -n "s/^$2=//p" "$1" | tail -1; }
is_int() { [[ ${1:-} =~ ^-?[0-9]+$ ]]; }
le() { is_int "$1" && is_int "$2" && [ "$1" -le "$2" ]; }
ge() { is_int "$1" && is_int "$2" && [ "$1" -ge "$2" ]; }
event_line() { grep -m1 "^event=comedia-$1 .* component=$2 " "$SLOG" || true; }
events() { grep -c "^event=comedia-$1 .* component=$2 " "$SLOG" || true; }
# read_mappings OLD|NEW: every call's RTP and RTCP mapping, the NAT's public
# "ip port" for the client's flow from that port, from one conntrack listing
# per try (a loaded machine takes a while per listing), once all are there
# (5 s at most), into OLD_RTP_OF ... or NEW_RTP_OF ...
read_mappings() {
    local k i table complete
    local -n rtp=$1_RTP_OF rtcp=$1_RTCP_OF
    for ((k = 0; k < 50; k++)); do
        table=$(ip netns exec "$LAB_NS_NAT" conntrack -L -p udp --orig-src "$LAB_CLIENT_IP" \
            --orig-dst "$LAB_SERVER_IP" 2>/dev/null || true)
        complete=1
        for i in "${!SCENARIOS[@]}"; do
            rtp[i]=$(grep -E "^udp .* sport=${PORT[i]} dport=${PORT[i]} " <<<"$table" | lab_reply_dst || true)
            rtcp[i]=$(grep -E "^udp .* sport=$((PORT[i] + 1)) dport=$((PORT[i] + 1)) " <<<"$table" | lab_reply_dst || true)
            [ -n "${rtp[i]}" ] && [ -n "${rtcp[i]}" ] || complete=0
        done
        [ $complete = 1 ] && return
        sleep 0.1
    done
}
# ms_after T0 LOG FIELD [AWK-CONDITION]: ms from T0 to the first line of LOG
# whose time FIELD is after T0 (and that meets the condition)
ms_after() {
    awk -v t0="$1" -v f="$3" "\$f > t0 ${4:+&& ($4)} { printf \"%d\", (\$f - t0) * 1000; exit }" "$2"
}
# use_scenario I: SCENARIO, RTP, RTCP, T, SLOG, PLOG, ALOG of scenario I
use_scenario() {
    SCENARIO=${SCENARIOS[$1]} RTP=${PORT[$1]} RTCP=$((PORT[$1] + 1)) T=${DIR[$1]}
    SLOG=$T/server.log PLOG=$T/peer.log ALOG=$T/attacker.log
}
dump_logs() {
    local i
    for i in "${!SCENARIOS[@]}"; do use_scenario "$i"; echo "=== $SCENARIO"; lab_dump_tails 60 "$SLOG" "$PLOG" "$ALOG"; done
}

# --- the servers, default properties (but the SRTP keys) ------------------------
newkey() { head -c 30 /dev/urandom | base64; }
for i in "${!SCENARIOS[@]}"; do
    use_scenario "$i"
    server_args=() peer_args[i]=
    if [ "$SCENARIO" = reboot-srtp ]; then
        KEY=$(newkey) SKEY=$(newkey) SUITE=aes-cm-128-hmac-sha1-80
        server_args=(--props "srtp-suite=$SUITE srtp-key=$KEY" --sink-props "srtp-suite=$SUITE srtp-key=$SKEY")
        peer_args[i]="--srtp-key $KEY --srtp-rx-key $SKEY"
    fi
    # (Their own deadline is a safety net, SIGINT ends them: it leaves room
    # for the other servers and the attackers' hosts to come up first, which
    # under ASan on a loaded machine took 20 s.)
    # shellcheck disable=SC2046  # lab_asan_env_python prints nothing or VAR=value words
    lab_bg "$LAB_NS_SERVER" "$SLOG" env $(lab_asan_env_python) timeout --foreground -s INT -k 3 $((PEER_S + 50)) \
        "$LAB_PY" -u "$HERE/latch_server.py" --address 0.0.0.0 --port "$RTP" --seconds $((PEER_S + 40)) \
        --recv-log "$T/recv.log" "${server_args[@]}"
    SERVER_PID[i]=$LAB_LAST_PID
done
for i in "${!SCENARIOS[@]}"; do
    use_scenario "$i"
    if ! lab_wait_udp "$LAB_NS_SERVER" "$RTP" 15 || ! lab_wait_udp "$LAB_NS_SERVER" "$RTCP" 5; then
        lab_fail "$SCENARIO: server did not bind udp $RTP and $RTCP"; dump_logs; exit 1
    fi
    if [[ $SCENARIO == reboot-spray || $SCENARIO == reboot-copycat ]]; then
        ATTACKER_IP[i]=203.0.113.$((66 + i))
        lab_add_public_host "attacker$i" "${ATTACKER_IP[i]}"
        NS_ATK[i]=$LAB_LAST_NS
        lab_count_in "${NS_ATK[i]}" from_server ip saddr "$LAB_SERVER_IP"
    fi
done

# --- the calls -------------------------------------------------------------------
for i in "${!SCENARIOS[@]}"; do
    use_scenario "$i"
    # shellcheck disable=SC2086  # the SRTP arguments: base64 keys, no spaces
    lab_bg "$LAB_NS_CLIENT" "$PLOG" "$LAB_PY" "$HERE/rtp_peer.py" --server "$LAB_SERVER_IP" \
        --rtp-port "$RTP" --local "$LAB_CLIENT_IP" --local-port "$RTP" --rate $RATE --seconds $PEER_S \
        --seq 31000 --status "$T/peer.status" --sent-log "$T/sent.log" --recv-log "$T/peer-recv.log" \
        ${peer_args[i]}
    PEER_PID[i]=$LAB_LAST_PID
done
CALLS_AT=$EPOCHREALTIME
# sleep_until T0 S: until S seconds after T0 (an $EPOCHREALTIME): the NAT's
# steps keep to the calls' clock however long the lookups between them took
# on a loaded machine (the checks after the resume need the calls' last 3 s).
sleep_until() {
    sleep "$(awk -v t="$1" -v s="$2" -v now="$EPOCHREALTIME" 'BEGIN { d = t + s - now; if (d < 0) d = 0; printf "%.3f", d }')"
}
read_mappings OLD
sleep_until "$CALLS_AT" $OUTAGE_AT

# nat_step COMMANDS: runs the shell COMMANDS in the NAT namespace and prints
# the monotonic time (the clock the logs use) just before they ran: the
# times measured from it include the commands' own.
nat_step() {
    lab_nsexec "$LAB_NS_NAT" "$LAB_PY" -c '
import subprocess, sys, time
t = time.monotonic()
subprocess.run(["sh", "-c", sys.argv[1]], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("%.6f" % t)' "$1"
}
if $FLUSH; then
    T_RESUME=$(nat_step "conntrack -F")
else
    # The NAT goes dark: nothing is forwarded either way.
    DOWN_AT=$EPOCHREALTIME
    T_DOWN=$(nat_step "nft add table ip lab_outage; nft add chain ip lab_outage forward '{ type filter hook forward priority -5; policy drop; }'")
    lab_log "NAT forwards nothing from $T_DOWN"
    for i in "${!SCENARIOS[@]}"; do
        use_scenario "$i"
        case $SCENARIO in
            reboot-spray)
                lab_bg "${NS_ATK[i]}" "$ALOG" "$LAB_PY" "$HERE/rtp_attacker.py" spray --server "$LAB_SERVER_IP" \
                    --rtp-port "$RTP" --ips "${ATTACKER_IP[i]}" --sockets 4 --seconds $((PEER_S - OUTAGE_AT))
                ATTACKER_PID[i]=$LAB_LAST_PID ;;
            reboot-copycat)
                lab_bg "${NS_ATK[i]}" "$ALOG" "$LAB_PY" "$HERE/rtp_attacker.py" sustained --server "$LAB_SERVER_IP" \
                    --rtp-port "$RTP" --ips "${ATTACKER_IP[i]}" --local-port 40000 --rate $RATE \
                    --seconds $((PEER_S - OUTAGE_AT)) --seq 1000 --copy-from "$T/peer.status" --copy-at 0
                ATTACKER_PID[i]=$LAB_LAST_PID ;;
        esac
    done
    sleep_until "$DOWN_AT" $OUTAGE_S
    # It comes back with an empty table: new random ports for every flow.
    T_RESUME=$(nat_step "conntrack -F; nft delete table ip lab_outage")
fi
read_mappings NEW
for i in "${!SCENARIOS[@]}"; do
    lab_log "${SCENARIOS[i]}: NAT forwarding again at $T_RESUME: RTP ${OLD_RTP_OF[i]/ /:} -> ${NEW_RTP_OF[i]/ /:}, RTCP ${OLD_RTCP_OF[i]/ /:} -> ${NEW_RTCP_OF[i]/ /:}"
done
for i in "${!SCENARIOS[@]}"; do
    rc=0; wait "${PEER_PID[i]}" || rc=$?
    lab_check "${SCENARIOS[i]}: the peer ran cleanly (exit $rc)" [ $rc = 0 ]
done
sleep 0.3
for i in "${!SCENARIOS[@]}"; do
    [ -n "${ATTACKER_PID[i]:-}" ] || continue
    lab_stop "${ATTACKER_PID[i]}" 3
    lab_check "${SCENARIOS[i]}: the attacker ran cleanly (exit $LAB_STOP_RC)" [ "$LAB_STOP_RC" = 0 ]
done
# The servers stop together: one SIGINT each (a second one would cut short
# the shutdown that writes their totals), then 8 s for all of them to quit,
# then SIGKILL.  SERVER_RC[i]: the exit status (137 if it had to be killed).
declare -a SERVER_RC
kill -INT "${SERVER_PID[@]}" 2>/dev/null || true
for ((k = 0; k < 80; k++)); do
    alive=0
    for pid in "${SERVER_PID[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
done
for i in "${!SCENARIOS[@]}"; do
    kill -KILL "${SERVER_PID[i]}" 2>/dev/null || true
    SERVER_RC[i]=0; wait "${SERVER_PID[i]}" 2>/dev/null || SERVER_RC[i]=$?
done

# --- the checks, per scenario ----------------------------------------------------
check_scenario() {  # check_scenario I
    local i=$1 c old new latched relatched why up_ms back_ms first probation_ms ssrc sent lost missing
    local late_lost back from_atk arx nft atk_latched problems
    use_scenario "$i"
    problems=$(grep -acE 'AddressSanitizer|LeakSanitizer|runtime error:|CRITICAL|^error=' "$SLOG" || true)
    lab_check "$SCENARIO: server kept PLAYING and ended cleanly (exit ${SERVER_RC[i]}, state $(value "$SLOG" state), $(value "$SLOG" errors) errors, $problems problem lines)" \
        [ "${SERVER_RC[i]}" = 0 -a "$(value "$SLOG" state)" = PLAYING -a "$(value "$SLOG" errors)" = 0 -a "$problems" = 0 ]

    local OLD_RTP=${OLD_RTP_OF[i]} OLD_RTCP=${OLD_RTCP_OF[i]} NEW_RTP=${NEW_RTP_OF[i]} NEW_RTCP=${NEW_RTCP_OF[i]}
    lab_check "$SCENARIO: the NAT gave the peer new public ports (RTP ${OLD_RTP/ /:} -> ${NEW_RTP/ /:}, RTCP ${OLD_RTCP/ /:} -> ${NEW_RTCP/ /:})" \
        [ -n "$NEW_RTP" -a -n "$NEW_RTCP" -a "$NEW_RTP" != "$OLD_RTP" -a "$NEW_RTCP" != "$OLD_RTCP" ]
    for c in 1 2; do
        if [ $c = 1 ]; then old=$OLD_RTP new=$NEW_RTP; else old=$OLD_RTCP new=$NEW_RTCP; fi
        # (a space after each line, so that a port is matched whole)
        latched="$(event_line latched $c) " relatched="$(event_line relatched $c) "
        lab_check "$SCENARIO: component $c latched the peer's first mapping once (${latched:-none})" \
            eval '[ "$(events latched $c)" = 1 ] && [[ "$latched" == *" address=${old% *} port=${old#* } "* ]]'
        lab_check "$SCENARIO: component $c re-latched once, ${old/ /:} -> ${new/ /:} ($(events relatched $c) times: ${relatched:-none})" \
            eval '[ "$(events relatched $c)" = 1 ] && [[ "$relatched" == *" address=${new% *} port=${new#* } old=${old/ /:} "* ]]'
    done
    # The RTP side says why it moved: a flush is a rebinding (the next sequence
    # numbers), a reboot a continuation after the outage's silence.
    why=continuation-after-silence
    [ "$SCENARIO" = flush ] && why=rebinding
    lab_check "$SCENARIO: the RTP re-latch names its reason ($why: $(event_line relatched 1))" \
        eval '[[ "$(event_line relatched 1) " == *" reason=$why "* ]]'

    # Re-latch times: from the NAT forwarding again to the first RTP packet
    # passed downstream from the new mapping, and to the first one back at the peer.
    up_ms=$(ms_after "$T_RESUME" "$T/recv.log" 3 "\$4 == \"${NEW_RTP% *}\" && \$5 == \"${NEW_RTP#* }\"")
    back_ms=$(ms_after "$T_RESUME" "$T/peer-recv.log" 2)
    # ... and from the peer sending the first packet that passed from the new
    # mapping (probation's share: 4 packets, 60 ms, without SRTP).
    first=$(awk -v ip="${NEW_RTP% *}" -v port="${NEW_RTP#* }" '$4 == ip && $5 == port { print $2, $3; exit }' "$T/recv.log")
    probation_ms=$(awk -v seq="${first% *}" -v t="${first#* }" '$1 == seq { printf "%d", (t - $2) * 1000; exit }' "$T/sent.log")
    echo "$SCENARIO: relatch.rtp.ms=${up_ms:-never}"
    echo "$SCENARIO: relatch.back.ms=${back_ms:-never}"
    echo "$SCENARIO: relatch.after-first-packet.ms=${probation_ms:-never}"
    ssrc=$(value "$PLOG" ssrc)
    if [ "$SCENARIO" = flush ]; then
        sent=$(value "$PLOG" sent.rtp)
        lost=$(awk -v s="$ssrc" 'NR == FNR { if ($1 == s) got[$2] = 1; next } !($1 in got) { n++ } END { print n + 0 }' \
            "$T/recv.log" "$T/sent.log")
        missing=$(value "$PLOG" rx.rtp.missing)
        lab_check "$SCENARIO: peer -> server lost $lost of $sent RTP packets ($((${lost:-0} * 20)) ms <= 100 ms)" \
            eval 'ge "$sent" 500 && le "$((lost * 20))" 100'
        lab_check "$SCENARIO: server -> peer lost $missing RTP packets ($((${missing:-0} * 20)) ms <= 100 ms)" \
            eval 'is_int "$missing" && le "$((missing * 20))" 100'
        # (What was on its way to the old mapping still arrives after the flush
        # began: the losses, not the first arrival, say what the flush cost.)
        lab_check "$SCENARIO: media from the new mapping went downstream ${up_ms:-never} ms after the flush began" \
            le "$up_ms" 1000
    else
        lab_check "$SCENARIO: media from the peer's new mapping went downstream ${up_ms:-never} ms after the NAT forwarded again (<= 1000 ms)" \
            le "$up_ms" 1000
        lab_check "$SCENARIO: the server's media reached the peer again ${back_ms:-never} ms after the NAT forwarded again (<= 1000 ms)" \
            le "$back_ms" 1000
        # Everything the peer sent from 1 s after the resume went downstream.
        late_lost=$(awk -v s="$ssrc" -v t="$T_RESUME" 'NR == FNR { if ($1 == s) got[$2] = 1; next }
            $2 > t + 1 && !($1 in got) { n++ } END { print n + 0 }' "$T/recv.log" "$T/sent.log")
        lab_check "$SCENARIO: from 1 s after the resume on, the peer's stream lost nothing ($late_lost packets)" [ "$late_lost" = 0 ]
        back=$(awk -v t="$T_RESUME" '$2 > t + 1 { n++ } END { print n + 0 }' "$T/peer-recv.log")
        lab_check "$SCENARIO: the server's media kept reaching the peer ($back packets from 1 s after the resume)" \
            ge "$back" 100
    fi
    lab_check "$SCENARIO: only the peer's SSRC $ssrc went downstream (RTP: $(value "$SLOG" rtp.ssrcs); RTCP: $(value "$SLOG" rtcp.ssrcs))" \
        [ "$(value "$SLOG" rtp.ssrcs)" = "$ssrc" -a "$(value "$SLOG" rtcp.ssrcs)" = "$ssrc" ]
    if [ -n "${NS_ATK[i]:-}" ]; then
        from_atk=$(awk -v ip="${ATTACKER_IP[i]}" '$4 == ip { n++ } END { print n + 0 }' "$T/recv.log")
        arx=$(value "$ALOG" rx) nft=$(lab_counter "${NS_ATK[i]}" lab_obs from_server)
        lab_check "$SCENARIO: the attack reached the server (sent $(value "$ALOG" sent.rtp) RTP, $(value "$ALOG" sent.rtcp) RTCP; rejected $(value "$SLOG" src.1.rejected) + $(value "$SLOG" src.2.rejected))" \
            ge "$(value "$ALOG" sent.rtp)" 200
        atk_latched=$(grep -cE "^event=comedia-(re)?latched .* address=${ATTACKER_IP[i]} " "$SLOG" || true)
        lab_check "$SCENARIO: nothing of the attacker latched ($atk_latched events) or went downstream ($from_atk packets)" \
            [ "$atk_latched" = 0 -a "$from_atk" = 0 ]
        lab_check "$SCENARIO: the server sent nothing to the attacker (its sockets: $arx, its kernel: $nft datagrams)" \
            [ "$arx" = 0 -a "$nft" = 0 ]
        if [ "$SCENARIO" = reboot-copycat ]; then
            lab_check "$SCENARIO: the copycat sent the peer's SSRC ($(value "$ALOG" ssrc.copied) = $ssrc, $(value "$ALOG" sent.copied) packets)" \
                eval '[ "$(value "$ALOG" ssrc.copied)" = "$ssrc" ] && ge "$(value "$ALOG" sent.copied)" 200'
        fi
    fi
}
for i in "${!SCENARIOS[@]}"; do check_scenario "$i"; done

if [ "$LAB_FAILS" -gt 0 ]; then
    dump_logs
    echo "nat-reboot ${SCENARIOS[*]}: $LAB_FAILS check(s) FAILED"
    exit 1
fi
echo "nat-reboot ${SCENARIOS[*]}: all checks passed"

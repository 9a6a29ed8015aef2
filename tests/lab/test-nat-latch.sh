#!/bin/bash
# test-nat-latch.sh [--build DIR] MODE [recvonly|sendrecv]
#
# COMEDIA latching through a real Linux NAT (scripts/lab/natlab.sh).  The passive
# peer (server ns) is the gst-launch pipeline of the issue, with comedia-rtpsrc
# and comedia-rtpsink; the active peer (client ns, behind the NAT) is stock
# rtpbin/udpsink/udpsrc (active_peer.py).  MODE: preserve = plain masquerade,
# random = masquerade random (symmetric NAT: mapped ports change).
#
# --build DIR: meson's build root (the plugin is in its gst/); default
# $COMEDIA_BUILD_DIR, else build-lab.  LAB_KEEP=1 keeps the logs, LAB_VERBOSE=1
# prints the server's whole log.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${COMEDIA_BUILD_DIR:-$HERE/../../build-lab}
if [ "${1:-}" = --build ]; then BUILD=$2; shift 2; fi
MODE=${1:?usage: test-nat-latch.sh preserve|random [recvonly|sendrecv]}
VARIANT=${2:-recvonly}
case $MODE in preserve|random) ;; *) echo "unknown NAT mode $MODE" >&2; exit 2 ;; esac
case $VARIANT in recvonly|sendrecv) ;; *) echo "unknown variant $VARIANT" >&2; exit 2 ;; esac
RTP=5004 RTCP=5005 PROBE_PORT_A=6666 PROBE_PORT_B=6667 PROBES=3

# shellcheck source=../../scripts/lab/natlab.sh
source "$HERE/../../scripts/lab/natlab.sh"
lab_trap
lab_require
lab_gst_env "$BUILD"
lab_up "$MODE"
SLOG=$LAB_TMP/server.log CLOG=$LAB_TMP/client.log

dump_logs() {
    echo "----- server (gst-launch-1.0 -m) log, comedia lines and errors -----"
    grep -E 'comedia-|ERROR|WARN|CRITICAL|rror|Sanitizer|^ +#[0-9]' "$SLOG" | grep -v last-message | tail -60 || true
    echo "----- client (active_peer.py) -----"
    cat "$CLOG" || true
    echo "----- NAT conntrack -----"
    lab_nsexec "$LAB_NS_NAT" conntrack -L -p udp 2>/dev/null || true
}

# Count what reaches the client: the server's RTCP from its RTCP port (the
# positive control) and the unsolicited probes (must stay 0).
lab_count_in "$LAB_NS_CLIENT" rtcp_from_server ip saddr "$LAB_SERVER_IP" udp sport $RTCP
lab_count_in "$LAB_NS_CLIENT" probes_in udp sport "{ $PROBE_PORT_A, $PROBE_PORT_B }"

# --- the passive peer: the issue's pipeline, unchanged but for fakesink
# silent=false (so -v shows each decoded frame) ------------------------------
# Its vp8enc keeps the default keyframe distance (128 frames): the client gets
# its first picture from the next keyframe or one its PLI asks for.
# sendrecv: the sending branch must come BEFORE "rb. ! rtpvp8depay": gst-launch
# links "rb." to the next compatible rtpbin pad that appears, and if
# send_rtp_src_0 is requested later it is that pad (the depayloader then eats
# our own outgoing RTP and the receiving side fails with not-linked).
VP8CAPS="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"
server=(rtpbin name=rb
    comedia-rtpsrc session=s stream=1 component=1 port=$RTP caps="$VP8CAPS" ! rb.recv_rtp_sink_0
    comedia-rtpsrc session=s stream=1 component=2 port=$RTCP ! rb.recv_rtcp_sink_0
    rb.send_rtcp_src_0 ! comedia-rtpsink session=s stream=1 component=2 sync=false async=false)
if [ "$VARIANT" = sendrecv ]; then
    server+=(videotestsrc is-live=true ! vp8enc deadline=1 ! rtpvp8pay ! rb.send_rtp_sink_0
        rb.send_rtp_src_0 ! comedia-rtpsink session=s stream=1 component=1 sync=false async=false)
fi
server+=(rb. ! rtpvp8depay ! vp8dec ! fakesink name=decoded silent=false)
# timeout --foreground: without it, timeout passes our SIGINT on to the child
# AND to its whole process group, so gst-launch may get two; its handler
# removes itself after the first, and the second kills it (exit 130).
# -e (Ctrl-C becomes EOS, which the comedia elements must carry) only where
# rtpbin does not send: see lab_stop.
launch_opts=(-m -v)
[ "$VARIANT" = recvonly ] && launch_opts+=(-e)
# shellcheck disable=SC2046  # lab_asan_env prints nothing or one VAR=value
lab_bg "$LAB_NS_SERVER" "$SLOG" env $(lab_asan_env) timeout --foreground -s INT -k 3 40 gst-launch-1.0 "${launch_opts[@]}" "${server[@]}"
SERVER_PID=$LAB_LAST_PID
if ! lab_wait_udp "$LAB_NS_SERVER" $RTP 15 || ! lab_wait_udp "$LAB_NS_SERVER" $RTCP 5; then
    lab_fail "server pipeline did not bind udp $RTP and $RTCP"; dump_logs; exit 1
fi
lab_log "server listening on $LAB_SERVER_IP:$RTP/$RTCP"

# --- the active peer behind the NAT -----------------------------------------
client=("${LAB_STOCK[@]}" timeout -k 3 30 "$LAB_PY" "$HERE/active_peer.py" --server "$LAB_SERVER_IP" --local "$LAB_CLIENT_IP"
    --rtp-port $RTP --rtcp-port $RTCP --min-seconds 3 --max-seconds 15)
[ "$VARIANT" = sendrecv ] && client+=(--sendrecv)
lab_bg "$LAB_NS_CLIENT" "$CLOG" "${client[@]}"
CLIENT_PID=$LAB_LAST_PID

# The NAT's mappings, read from its conntrack table once both flows exist
# (the client's first RTCP leaves 1.25..3.75 s after start).
MAP_RTP= MAP_RTCP=
for _ in $(seq 100); do
    MAP_RTP=$(lab_nat_mapping $RTP) MAP_RTCP=$(lab_nat_mapping $RTCP)
    [ -n "$MAP_RTP" ] && [ -n "$MAP_RTCP" ] && break
    sleep 0.1
done
lab_log "NAT mappings: $LAB_CLIENT_IP:$RTP -> ${MAP_RTP:-none}, $LAB_CLIENT_IP:$RTCP -> ${MAP_RTCP:-none}"

# Unsolicited traffic must not get through the NAT, or the reply-path checks
# below would prove nothing: (a) from the server but another source port, to
# the NAT's mapped RTCP port (a port-restricted NAT keeps it); (b) straight at
# the client's private address (the forward filter drops it).
if [ -n "$MAP_RTCP" ]; then
    lab_udp_send "$LAB_NS_SERVER" $PROBE_PORT_A "${MAP_RTCP% *}" "${MAP_RTCP#* }" $PROBES
fi
lab_udp_send "$LAB_NS_SERVER" $PROBE_PORT_B "$LAB_CLIENT_IP" $RTCP $PROBES

CLIENT_RC=0
wait "$CLIENT_PID" || CLIENT_RC=$?
lab_stop "$SERVER_PID" 5
SERVER_RC=$LAB_STOP_RC
[ -n "${LAB_VERBOSE:-}" ] && { cat "$SLOG"; }

# --- verdicts ----------------------------------------------------------------
kv() { sed -n "s/^$1=//p" "$CLOG" | tail -n1; }
# field VALUE of the first comedia-latched message of COMPONENT in the -m log
latched() {
    grep -m1 -E "comedia-latched.*component=\(uint\)$1[,;]" "$SLOG" |
        sed -n "s/.*[ ,]$2=([a-z]*)\"\{0,1\}\([^,;\"]*\).*/\1/p" || true
}
is_int() { [[ $1 =~ ^[0-9]+$ ]]; }

lab_check "active peer ran cleanly (exit $CLIENT_RC)" [ "$CLIENT_RC" = 0 ]
lab_check "server pipeline ended cleanly on Ctrl-C (${launch_opts[*]}, exit $SERVER_RC)" [ "$SERVER_RC" = 0 ]
problems=$(grep -cE 'AddressSanitizer|LeakSanitizer|runtime error:|CRITICAL|^ERROR: ' "$SLOG" || true)
lab_check "server log has no error, critical or sanitizer report ($problems lines)" [ "$problems" = 0 ]
lab_check "NAT mapped both flows (conntrack: rtp ${MAP_RTP:-?}, rtcp ${MAP_RTCP:-?})" \
    test -n "$MAP_RTP" -a -n "$MAP_RTCP"
for c in 1 2; do
    if [ $c = 1 ]; then want=$MAP_RTP; else want=$MAP_RTCP; fi
    addr=$(latched $c address) port=$(latched $c port)
    if [ -z "$addr" ]; then
        lab_fail "server posted no comedia-latched for component $c"; continue
    fi
    lab_check "component $c latched $addr:$port = NAT public mapping ${want/ /:} (not $LAB_CLIENT_IP)" \
        [ "$addr $port" = "$want" -a "$addr" = "$LAB_NAT_PUB_IP" ]
done
if [ "$MODE" = random ]; then
    rp=${MAP_RTP#* } cp=${MAP_RTCP#* }
    lab_check "random NAT rewrote the ports ($RTP->$rp, $RTCP->$cp)" \
        eval 'is_int "$rp" && is_int "$cp" && [ "$rp" != $RTP ] && [ "$cp" != $RTCP ]'
else
    lab_check "preserving NAT kept the ports (${MAP_RTP:-?}, ${MAP_RTCP:-?})" \
        [ "${MAP_RTP#* }" = $RTP -a "${MAP_RTCP#* }" = $RTCP ]
fi

about=$(kv rtcp_in.blocks_about_us) rr=$(kv rtcp_in.rr) sr=$(kv rtcp_in.sr) from=$(kv session.rtcp_from)
lab_check "client got RTCP reports about its SSRC $(kv ssrc) through the NAT ($about report blocks; RR $rr, SR $sr)" \
    eval 'is_int "$about" && [ "$about" -ge 1 ]'
if [ "$VARIANT" = recvonly ]; then
    lab_check "the server's reports were Receiver Reports (RR $rr)" eval 'is_int "$rr" && [ "$rr" -ge 1 ]'
else
    lab_check "the server's reports were Sender Reports, as it sends too (SR $sr)" eval 'is_int "$sr" && [ "$sr" -ge 1 ]'
fi
lab_check "client rtpbin: the remote source sent a report block about us (have-rb=$(kv session.have_rb), rb-ssrc=$(kv session.rb_ssrc))" \
    [ "$(kv session.have_rb)" = true -a "$(kv session.rb_ssrc)" = "$(kv ssrc)" ]
lab_check "client rtpbin: the reports came from the server's RTCP port ($from)" \
    [ "$from" = "$LAB_SERVER_IP:$RTCP" ]
n_rtcp=$(lab_counter "$LAB_NS_CLIENT" lab_obs rtcp_from_server)
lab_check "client kernel saw $n_rtcp datagrams from $LAB_SERVER_IP:$RTCP (positive control)" \
    eval 'is_int "$n_rtcp" && [ "$n_rtcp" -ge 1 ]'

n_probe=$(lab_counter "$LAB_NS_CLIENT" lab_obs probes_in)
n_local=$(lab_counter "$LAB_NS_NAT" "$LAB_NFT_TABLE" public_to_nat_itself)
n_drop=$(lab_counter "$LAB_NS_NAT" "$LAB_NFT_TABLE" fwd_new_from_public_dropped)
lab_check "no unsolicited probe reached the client ($n_probe of $((2 * PROBES)))" [ "$n_probe" = 0 ]
lab_check "probes from another port to the mapped port stopped at the NAT itself ($n_local/$PROBES)" \
    eval 'is_int "$n_local" && [ "$n_local" -ge $PROBES ]'
lab_check "probes to the private address dropped by the NAT's forward filter ($n_drop/$PROBES)" \
    eval 'is_int "$n_drop" && [ "$n_drop" -ge $PROBES ]'

frames=$(grep -c 'decoded.*last-message = chain' "$SLOG" || true)
lab_check "server decoded the client's VP8 ($frames frames)" [ "$frames" -ge 10 ]
if [ "$VARIANT" = sendrecv ]; then
    dec=$(kv decoded) rtpin=$(kv rtp_in.packets)
    lab_check "client received the server's RTP through the NAT ($rtpin packets) and decoded it ($dec frames)" \
        eval 'is_int "$dec" && [ "$dec" -ge 30 ]'
fi

if [ "$LAB_FAILS" -gt 0 ]; then
    dump_logs
    echo "nat-latch $MODE $VARIANT: $LAB_FAILS check(s) FAILED"
    exit 1
fi
echo "nat-latch $MODE $VARIANT: all checks passed"

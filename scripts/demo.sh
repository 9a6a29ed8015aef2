#!/bin/bash
# A ten-second video call through a real NAT, told in plain words.
#
# Builds comedia, makes three network namespaces (a client behind a
# port-randomising NAT, the NAT, a public server), runs the COMEDIA passive
# peer (gst-launch with comedia-rtpsrc/comedia-rtpsink) on the server and a
# stock GStreamer active peer on the client, and explains what happened.
# Everything it creates is removed on exit, also on Ctrl-C.  Needs root.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${COMEDIA_DEMO_BUILD_DIR:-$ROOT/build-demo}
SECONDS_CALL=${DEMO_SECONDS:-10}
RTP=5004 RTCP=5005

say() { printf '%s\n' "$*"; }

say "== Preparing: packages and build"
bash "$ROOT/scripts/setup-deps.sh"
BUILD_LOG=$(mktemp)
if ! { [ -f "$BUILD/build.ninja" ] || meson setup "$BUILD"; } >"$BUILD_LOG" 2>&1 || ! ninja -C "$BUILD" >>"$BUILD_LOG" 2>&1; then
    tail -30 "$BUILD_LOG"; rm -f "$BUILD_LOG"
    say "The build failed (above); nothing to demonstrate."
    exit 1
fi
rm -f "$BUILD_LOG"
say "   plugin: $BUILD/gst/libgstcomedia.so"

# shellcheck source=../tests/lab/lib.sh
source "$ROOT/tests/lab/lib.sh"
lab_trap
lab_require
lab_gst_env "$BUILD"
lab_up random >/dev/null
SLOG=$LAB_TMP/server.log CLOG=$LAB_TMP/client.log

say
say "== The network (three Linux network namespaces, nothing leaves them)"
say "   client  $LAB_CLIENT_IP  (private, behind the NAT; it knows only its own address)"
say "   NAT     $LAB_NAT_LAN_IP inside, $LAB_NAT_PUB_IP outside; every new flow gets a random"
say "           public port (like a symmetric NAT), and nothing unsolicited gets in"
say "   server  $LAB_SERVER_IP  (public), waiting on ports $RTP (RTP) and $RTCP (RTCP)"

VP8CAPS="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"
# The send branch comes before "rb. ! rtpvp8depay", or gst-launch would link the
# depayloader to rtpbin's send_rtp_src_0 (see tests/lab/test-nat-latch.sh).
lab_bg "$LAB_NS_SERVER" "$SLOG" timeout --foreground -s INT -k 3 $((SECONDS_CALL + 20)) gst-launch-1.0 -e -m -v rtpbin name=rb \
    comedia-rtpsrc session=s stream=1 component=1 port=$RTP caps="$VP8CAPS" ! rb.recv_rtp_sink_0 \
    comedia-rtpsrc session=s stream=1 component=2 port=$RTCP ! rb.recv_rtcp_sink_0 \
    rb.send_rtcp_src_0 ! comedia-rtpsink session=s stream=1 component=2 sync=false async=false \
    videotestsrc is-live=true ! vp8enc deadline=1 ! rtpvp8pay ! rb.send_rtp_sink_0 \
    rb.send_rtp_src_0 ! comedia-rtpsink session=s stream=1 component=1 sync=false async=false \
    rb. ! rtpvp8depay ! vp8dec ! fakesink name=decoded silent=false
SERVER_PID=$LAB_LAST_PID
lab_wait_udp "$LAB_NS_SERVER" $RTCP 15 || { say "The server pipeline did not start:"; tail "$SLOG"; exit 1; }

say
say "== The call: ${SECONDS_CALL} s of VP8 video both ways"
T0=$(date +%s.%N)
lab_bg "$LAB_NS_CLIENT" "$CLOG" "${LAB_STOCK[@]}" timeout -k 3 $((SECONDS_CALL + 20)) "$LAB_PY" "$ROOT/tests/lab/active_peer.py" \
    --server "$LAB_SERVER_IP" --local "$LAB_CLIENT_IP" --rtp-port $RTP --rtcp-port $RTCP \
    --sendrecv --min-seconds "$SECONDS_CALL" --max-seconds "$SECONDS_CALL"
CLIENT_PID=$LAB_LAST_PID

since() { awk -v t0="$T0" -v now="$(date +%s.%N)" 'BEGIN { printf "%4.1f", now - t0 }'; }
latched_field() {  # latched_field COMPONENT FIELD, from the server's -m log
    grep -m1 -E "comedia-latched.*component=\(uint\)$1[,;]" "$SLOG" 2>/dev/null |
        sed -n "s/.*[ ,]$2=([a-z]*)\"\{0,1\}\([^,;\"]*\).*/\1/p" || true
}
declare -A told=()
MAP_RTP= MAP_RTCP=
# Narrate while the call runs: the NAT's new mappings (its conntrack table)
# and the server's comedia-latched messages, as they appear.
while kill -0 "$CLIENT_PID" 2>/dev/null; do
    if [ -z "${told[map1]:-}" ] && MAP_RTP=$(lab_nat_mapping $RTP) && [ -n "$MAP_RTP" ]; then
        say "   $(since) s  NAT: client's RTP  from $LAB_CLIENT_IP:$RTP goes out as ${MAP_RTP/ /:}"; told[map1]=1
    fi
    if [ -z "${told[map2]:-}" ] && MAP_RTCP=$(lab_nat_mapping $RTCP) && [ -n "$MAP_RTCP" ]; then
        say "   $(since) s  NAT: client's RTCP from $LAB_CLIENT_IP:$RTCP goes out as ${MAP_RTCP/ /:}"; told[map2]=1
    fi
    for c in 1 2; do
        [ -z "${told[latch$c]:-}" ] || continue
        a=$(latched_field $c address) p=$(latched_field $c port)
        [ -n "$a" ] || continue
        what=RTP; [ $c = 2 ] && what=RTCP
        say "   $(since) s  server: latched $what (component $c) to $a:$p, and answers there from now on"
        told[latch$c]=1
    done
    sleep 0.2
done
wait "$CLIENT_PID" || true
lab_stop "$SERVER_PID" 3

kv() { sed -n "s/^$1=//p" "$CLOG" | tail -n1; }
server_frames=$(grep -c 'decoded.*last-message = chain' "$SLOG" || true)
client_frames=$(kv decoded) client_rtp=$(kv rtp_in.packets)
reports=$(kv rtcp_in.blocks_about_us) rtcp_from=$(kv session.rtcp_from)
ok=1
say
say "== What happened"
say "   The NAT gave the client's flows public addresses that nobody told the server:"
say "     private $LAB_CLIENT_IP:$RTP  ->  public ${MAP_RTP/ /:}   (RTP)"
say "     private $LAB_CLIENT_IP:$RTCP  ->  public ${MAP_RTCP/ /:}   (RTCP)"
for c in 1 2; do
    if [ $c = 1 ]; then want=$MAP_RTP what=RTP; else want=$MAP_RTCP what=RTCP; fi
    a=$(latched_field $c address) p=$(latched_field $c port)
    if [ -n "$a" ] && [ "$a $p" = "$want" ]; then
        say "   The server learned the $what address from the first packets: $a:$p, exactly the NAT's mapping."
    else
        say "   PROBLEM: the server's $what latch (${a:-none}:${p:-}) does not match the NAT's mapping (${want/ /:})."; ok=0
    fi
done
say "   Media both ways:"
say "     client -> server: the server decoded ${server_frames:-0} video frames"
say "     server -> client: ${client_rtp:-0} RTP packets came back through the NAT; the client decoded ${client_frames:-0} frames"
say "     the client got ${reports:-0} RTCP report(s) about its own stream from the server (sent from ${rtcp_from:-nowhere})"
[ "${server_frames:-0}" -gt 0 ] && [ "${client_frames:-0}" -gt 0 ] && [ "${reports:-0}" -gt 0 ] || ok=0
say
if [ $ok = 1 ]; then
    say "Result: the call worked through the NAT without ICE or STUN: the server simply answered where the packets came from."
else
    say "Result: something did not work (logs: LAB_KEEP=1 $0 keeps them in $LAB_TMP)."
    exit 1
fi

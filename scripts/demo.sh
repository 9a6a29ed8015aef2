#!/bin/bash
# A ten-second video call through a real NAT, told in plain words.
#
# Builds comedia, makes three network namespaces (a client behind a
# port-randomising NAT, the NAT, a public server), runs both COMEDIA peers as
# gst-launch-1.0 lines (sdp-negotiator + comedia-rtpsrc/comedia-rtpsink, SDP
# over TCP): the passive one on the server, the active one on the client,
# and explains what happened.  A frame that crossed the NAT is saved as a
# PNG (demo-out/, or $DEMO_OUT).
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

SDP_IN=7000 SDP_OUT=7001 CRTP=5006 CRTCP=5007
OUT=${DEMO_OUT:-$ROOT/demo-out}
mkdir -p "$OUT"
SNAPSHOT=$OUT/frame-through-nat.png
rm -f "$SNAPSHOT" "$LAB_TMP/latest.png"

say
say "== The network (three Linux network namespaces, nothing leaves them)"
say "   client  $LAB_CLIENT_IP  (private, behind the NAT; it knows only its own address)"
say "   NAT     $LAB_NAT_LAN_IP inside, $LAB_NAT_PUB_IP outside; every new flow gets a random"
say "           public port (like a symmetric NAT), and nothing unsolicited gets in"
say "   server  $LAB_SERVER_IP  (public): SDP offers on TCP $SDP_IN, answers on TCP $SDP_OUT,"
say "           media on UDP $RTP (RTP) and $RTCP (RTCP)"

# Both peers are gst-launch-1.0 lines (README, "Both peers from gst-launch").
# The demo adds two tees on the server to keep a copy of the SDP that passes.
VP8CAPS="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"
media() {  # media RTP_PORT RTCP_PORT PATTERN: two-way VP8 on a comedia session
    echo "rtpbin name=rb
        comedia-rtpsrc session=s stream=1 component=1 port=$1 caps=$VP8CAPS ! rb.recv_rtp_sink_0
        comedia-rtpsrc session=s stream=1 component=2 port=$2 ! rb.recv_rtcp_sink_0
        videotestsrc is-live=true pattern=$3 ! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay ! rb.send_rtp_sink_0
        rb.send_rtp_src_0 ! comedia-rtpsink session=s stream=1 component=1
        rb.send_rtcp_src_0 ! comedia-rtpsink session=s stream=1 component=2 sync=false async=false"
}
# shellcheck disable=SC2207  # word splitting of the pipeline is the point
server=($(media $RTP $RTCP smpte)
    rb. ! rtpvp8depay ! vp8dec ! fakesink name=decoded silent=false async=false
    tcpserversrc host=0.0.0.0 port=$SDP_IN ! tee name=offer ! queue ! sdp-negotiator session=s public-address=$LAB_SERVER_IP !
    tee name=answer ! queue ! tcpserversink host=0.0.0.0 port=$SDP_OUT async=false
    offer. ! queue ! filesink location=$LAB_TMP/offer.sdp buffer-mode=unbuffered async=false
    answer. ! queue ! filesink location=$LAB_TMP/answer.sdp buffer-mode=unbuffered async=false)
# The client keeps the newest decoded frame, twice a second, as a PNG.
# shellcheck disable=SC2207
client=($(media $CRTP $CRTCP ball)
    rb. ! rtpvp8depay ! vp8dec ! tee name=t ! queue ! fakesink name=decoded silent=false async=false
    t. ! queue leaky=downstream ! videorate ! video/x-raw,framerate=2/1 ! videoconvert ! pngenc !
    multifilesink location=$LAB_TMP/latest.png async=false
    tcpclientsrc host=$LAB_SERVER_IP port=$SDP_OUT ! sdp-negotiator role=offerer session=s !
    tcpclientsink host=$LAB_SERVER_IP port=$SDP_IN async=false)

lab_count_in "$LAB_NS_CLIENT" rtcp_in ip saddr "$LAB_SERVER_IP" udp sport $RTCP
lab_count_in "$LAB_NS_SERVER" rtcp_in udp dport $RTCP
# shellcheck disable=SC2046  # lab_asan_env: nothing, or the sanitizer runtime of a test build
lab_bg "$LAB_NS_SERVER" "$SLOG" env $(lab_asan_env) timeout --foreground -s INT -k 3 $((SECONDS_CALL + 25)) gst-launch-1.0 -e -m -v "${server[@]}"
SERVER_PID=$LAB_LAST_PID
lab_wait_udp "$LAB_NS_SERVER" $RTCP 15 || { say "The server pipeline did not start:"; tail "$SLOG"; exit 1; }

say
say "== The call: the client offers, the server answers, then ${SECONDS_CALL} s of VP8 video both ways"
T0=$(date +%s.%N)
# shellcheck disable=SC2046
lab_bg "$LAB_NS_CLIENT" "$CLOG" env $(lab_asan_env) timeout --foreground -s INT -k 3 "$SECONDS_CALL" gst-launch-1.0 -e -m -v "${client[@]}"
CLIENT_PID=$LAB_LAST_PID

since() { awk -v t0="$T0" -v now="$(date +%s.%N)" 'BEGIN { printf "%4.1f", now - t0 }'; }
latched_field() {  # latched_field LOG COMPONENT FIELD, from a -m log
    grep -am1 -E "comedia-latched.*component=\(uint\)$2[,;]" "$1" 2>/dev/null |
        sed -n "s/.*[ ,]$3=([a-z]*)\"\{0,1\}\([^,;\"]*\).*/\1/p" || true
}
first_sdp() {  # the first SDP message of a file, its interesting lines indented
    awk 'NR > 1 && /^v=/ { exit } { sub(/\r$/, "") } /^(m=|c=|a=direction|a=rtcp|a=sendonly|a=recvonly)/ { print "             " $0 }' "$1"
}
declare -A told=()
MAP_RTP= MAP_RTCP=
# Narrate while the call runs: the SDP, the NAT's new mappings (its conntrack
# table) and each side's comedia-latched messages, as they appear.
while kill -0 "$CLIENT_PID" 2>/dev/null; do
    if [ -z "${told[offer]:-}" ] && [ -s "$LAB_TMP/offer.sdp" ]; then
        say "   $(since) s  client -> server, the offer (port 9, 'I will send first'):"; first_sdp "$LAB_TMP/offer.sdp"; told[offer]=1
    fi
    if [ -z "${told[answer]:-}" ] && [ -s "$LAB_TMP/answer.sdp" ]; then
        say "   $(since) s  server -> client, the answer (its public address and real ports):"; first_sdp "$LAB_TMP/answer.sdp"; told[answer]=1
    fi
    if [ -z "${told[map1]:-}" ] && MAP_RTP=$(lab_nat_mapping $CRTP) && [ -n "$MAP_RTP" ]; then
        say "   $(since) s  NAT: client's RTP  from $LAB_CLIENT_IP:$CRTP goes out as ${MAP_RTP/ /:}"; told[map1]=1
    fi
    if [ -z "${told[map2]:-}" ] && MAP_RTCP=$(lab_nat_mapping $CRTCP) && [ -n "$MAP_RTCP" ]; then
        say "   $(since) s  NAT: client's RTCP from $LAB_CLIENT_IP:$CRTCP goes out as ${MAP_RTCP/ /:}"; told[map2]=1
    fi
    for c in 1 2; do
        what=RTP; [ $c = 2 ] && what=RTCP
        if [ -z "${told[latch$c]:-}" ]; then
            a=$(latched_field "$SLOG" $c address) p=$(latched_field "$SLOG" $c port)
            if [ -n "$a" ]; then
                say "   $(since) s  server: latched $what (component $c) to $a:$p, and answers there from now on"
                told[latch$c]=1
            fi
        fi
        if [ -z "${told[back$c]:-}" ]; then
            a=$(latched_field "$CLOG" $c address) p=$(latched_field "$CLOG" $c port)
            if [ -n "$a" ]; then
                say "   $(since) s  client: the server's $what came back through the NAT, from $a:$p"
                told[back$c]=1
            fi
        fi
    done
    sleep 0.2
done
wait "$CLIENT_PID" || true
lab_stop "$SERVER_PID" 3
[ -s "$LAB_TMP/latest.png" ] && cp "$LAB_TMP/latest.png" "$SNAPSHOT"

server_frames=$(grep -c 'decoded.*last-message = chain' "$SLOG" || true)
client_frames=$(grep -c 'decoded.*last-message = chain' "$CLOG" || true)
rtcp_back=$(lab_counter "$LAB_NS_CLIENT" lab_obs rtcp_in)
rtcp_in=$(lab_counter "$LAB_NS_SERVER" lab_obs rtcp_in)
ok=1
say
say "== What happened"
say "   The NAT gave the client's flows public addresses that nobody told the server:"
say "     private $LAB_CLIENT_IP:$CRTP  ->  public ${MAP_RTP/ /:}   (RTP)"
say "     private $LAB_CLIENT_IP:$CRTCP  ->  public ${MAP_RTCP/ /:}   (RTCP)"
for c in 1 2; do
    if [ $c = 1 ]; then want=$MAP_RTP what=RTP; else want=$MAP_RTCP what=RTCP; fi
    a=$(latched_field "$SLOG" $c address) p=$(latched_field "$SLOG" $c port)
    if [ -n "$a" ] && [ "$a $p" = "$want" ]; then
        say "   The server learned the $what address from the first packets: $a:$p, exactly the NAT's mapping."
    else
        say "   PROBLEM: the server's $what latch (${a:-none}:${p:-}) does not match the NAT's mapping (${want/ /:})."; ok=0
    fi
done
say "   Media both ways:"
say "     client -> server: the server decoded ${server_frames:-0} video frames"
say "     server -> client: the client decoded ${client_frames:-0} frames that came back through the NAT"
say "   RTCP both ways: ${rtcp_in:-0} report packet(s) reached the server, ${rtcp_back:-0} came back to the client"
[ "${server_frames:-0}" -gt 0 ] && [ "${client_frames:-0}" -gt 0 ] && [ "${rtcp_back:-0}" -gt 0 ] && [ "${rtcp_in:-0}" -gt 0 ] || ok=0
if [ -s "$SNAPSHOT" ]; then
    say "   A frame the client received through the NAT: $SNAPSHOT"
else
    say "   PROBLEM: no frame was saved"; ok=0
fi
say
if [ $ok = 1 ]; then
    say "Result: the call worked through the NAT without ICE or STUN: the server simply answered where the packets came from."
else
    say "Result: something did not work (logs: LAB_KEEP=1 $0 keeps them in $LAB_TMP)."
    exit 1
fi

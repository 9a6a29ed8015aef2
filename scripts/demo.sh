#!/bin/bash
# A ten-second video call through a real NAT, told in plain words, then the
# same client failing to get through with ICE and STUN alone.
#
# Builds comedia, makes three network namespaces (a client behind a
# port-randomising, i.e. symmetric, NAT, the NAT, a public server), runs both
# COMEDIA peers as gst-launch-1.0 lines (sdp-negotiator +
# comedia-rtpsrc/comedia-rtpsink, SDP over TCP): the passive one on the
# server, the active one on the client, and explains what happened.  A frame
# that crossed the NAT is saved as a PNG (demo-out/, or $DEMO_OUT).
# Second act (about ten seconds): the client offers ICE instead
# (nicesrc/nicesink, sdp-negotiator transport=ice, coturn on the server as
# STUN server only) to a peer behind a random NAT of its own; ICE fails by
# itself, and the demo quotes the failure and says why COMEDIA did not.
# Third act (about 20 s): a headless Chromium behind the same NAT opens
# examples/browser/index.html from examples/browser/signalling.py on the
# server and calls its gst-launch-style line (ICE + DTLS-SRTP, Opus and VP8
# both ways, BUNDLE as browsers do by default: one transport for both); a
# frame of the browser's camera that crossed the NAT is saved as
# demo-out/browser-camera-through-nat.png.
# Exits non-zero if the call failed, ICE did not fail as it should, or the
# browser's call did not work both ways.
# Everything it creates is removed on exit, also on Ctrl-C.  Needs root.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${COMEDIA_DEMO_BUILD_DIR:-$ROOT/build-demo}
SECONDS_CALL=${DEMO_SECONDS:-10}
# rtpbin sends RTCP every 5 s or so, at random; a report sent before the server
# latched the client's RTCP has nowhere to go.  So the call goes on (at most
# this long) until one of the server's reports has come back.
RTCP_GRACE=15
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

# shellcheck source=lab/natlab.sh
source "$ROOT/scripts/lab/natlab.sh"
lab_trap
lab_require
lab_gst_env "$BUILD"
lab_up random >/dev/null
say "   lab: network namespaces $LAB_ID-* (removed when the demo ends)"
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
lab_bg "$LAB_NS_SERVER" "$SLOG" env $(lab_asan_env) timeout --foreground -s INT -k 3 $((SECONDS_CALL + 25)) gst-launch-1.0 -m -v "${server[@]}"
SERVER_PID=$LAB_LAST_PID
lab_wait_udp "$LAB_NS_SERVER" $RTCP 15 || { say "The server pipeline did not start:"; tail "$SLOG"; exit 1; }

say
say "== The call: the client offers, the server answers, then ${SECONDS_CALL} s of VP8 video both ways"
T0=$(date +%s.%N)
# shellcheck disable=SC2046
lab_bg "$LAB_NS_CLIENT" "$CLOG" env $(lab_asan_env) timeout --foreground -s INT -k 3 $((SECONDS_CALL + RTCP_GRACE + 5)) gst-launch-1.0 -m -v "${client[@]}"
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
    if awk -v t="$(since)" -v s="$SECONDS_CALL" 'BEGIN { exit !(t >= s) }'; then
        back=$(lab_counter "$LAB_NS_CLIENT" lab_obs rtcp_in)
        if [ "${back:-0}" -gt 0 ] || awk -v t="$(since)" -v s=$((SECONDS_CALL + RTCP_GRACE)) 'BEGIN { exit !(t >= s) }'; then
            lab_stop "$CLIENT_PID" 5
            break
        fi
    fi
    sleep 0.2
done
wait "$CLIENT_PID" || true
lab_stop "$SERVER_PID" 3
[ -s "$LAB_TMP/latest.png" ] && cp "$LAB_TMP/latest.png" "$SNAPSHOT"

server_frames=$(grep -c 'decoded.*last-message = chain' "$SLOG" || true)
client_frames=$(grep -c 'decoded.*last-message = chain' "$CLOG" || true)
rtcp_back=$(lab_counter "$LAB_NS_CLIENT" lab_obs rtcp_in)
rtcp_in=$(lab_counter "$LAB_NS_SERVER" lab_obs rtcp_in)
comedia_ok=1
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
        say "   PROBLEM: the server's $what latch (${a:-none}:${p:-}) does not match the NAT's mapping (${want/ /:})."; comedia_ok=0
    fi
done
say "   Media both ways:"
say "     client -> server: the server decoded ${server_frames:-0} video frames"
say "     server -> client: the client decoded ${client_frames:-0} frames that came back through the NAT"
say "   RTCP both ways: ${rtcp_in:-0} report packet(s) reached the server, ${rtcp_back:-0} came back to the client"
[ "${server_frames:-0}" -gt 0 ] && [ "${client_frames:-0}" -gt 0 ] && [ "${rtcp_back:-0}" -gt 0 ] && [ "${rtcp_in:-0}" -gt 0 ] || comedia_ok=0
if [ -s "$SNAPSHOT" ]; then
    say "   A frame the client received through the NAT: $SNAPSHOT"
else
    say "   PROBLEM: no frame was saved"; comedia_ok=0
fi
if [ $comedia_ok = 1 ]; then
    say "   COMEDIA worked without ICE or STUN: the server simply answered where the packets came from."
else
    say "   PROBLEM: the COMEDIA call did not work (see above)."
fi

# ---------------------------------------------------------------------------
# Second act: ICE without TURN through the same NAT, as tests/lab/test-ice-nat.sh
# (symmetric) runs it: a peer behind a random NAT of its own, coturn on the
# server as STUN server only, the SDP through a relay on the server (neither
# peer can accept a connection).  ICE must fail by itself within ICE_SECONDS.
ICE_SECONDS=15
STUN=stun://$LAB_SERVER_IP:3478
PEER_NAT_IP=203.0.113.2
SDP_IN2=7002 SDP_OUT2=7003   # relay: answers in, answers out (offers keep 7000 -> 7001)
ILOG=$LAB_TMP/ice-client.log PLOG=$LAB_TMP/ice-peer.log TLOG=$LAB_TMP/turnserver.log

say
say "== Second act: the same client, behind the same NAT, tries ICE with STUN but no TURN"
if ! command -v turnserver >/dev/null 2>&1; then
    say "   PROBLEM: no turnserver (Debian package coturn, which scripts/setup-deps.sh installs)"; exit 1
fi
lab_add_natted_host peer $PEER_NAT_IP random >/dev/null
PEER_NS=$LAB_LAST_NS PEER_NAT_NS=$LAB_LAST_NAT_NS
lab_bg "$LAB_NS_SERVER" "$TLOG" turnserver -c "$ROOT/scripts/lab/turnserver.conf" --log-file=stdout \
    --pidfile="$LAB_TMP/turnserver.pid" --userdb="$LAB_TMP/turndb"
TURN_PID=$LAB_LAST_PID
lab_wait_udp "$LAB_NS_SERVER" 3478 10 || { say "   PROBLEM: coturn did not start:"; tail "$TLOG"; exit 1; }
lab_bg "$LAB_NS_SERVER" "$LAB_TMP/relay.log" "$LAB_PY" -u "$ROOT/scripts/lab/sdp_relay.py" $((ICE_SECONDS + 15)) \
    $SDP_IN:$SDP_OUT $SDP_IN2:$SDP_OUT2
RELAY_PID=$LAB_LAST_PID
lab_wait_tcp "$LAB_NS_SERVER" $SDP_OUT2 10 || { say "   PROBLEM: the SDP relay did not start"; exit 1; }
say "   peer    $LAB_CLIENT2_IP, behind a NAT of its own at $PEER_NAT_IP that also gives every new"
say "           flow a random public port"
say "   coturn  on the server, $LAB_SERVER_IP:3478, as a STUN server only: it tells each peer"
say "           the address and port its packets came from"
say "   Both peers are gst-launch-1.0 lines with nicesrc/nicesink and sdp-negotiator transport=ice"
say "   stun-server=$STUN ice-tcp=false (UDP, what STUN is for); the SDP goes through a relay"
say "   on the server."

ice_media() {  # ice_media PATTERN: two-way VP8 over ICE; the negotiator gives nicesrc/nicesink its agent
    echo "rtpbin name=rb
        nicesrc stream=1 component=1 ! $VP8CAPS ! rb.recv_rtp_sink_0
        nicesrc stream=1 component=2 ! application/x-rtcp ! rb.recv_rtcp_sink_0
        videotestsrc is-live=true pattern=$1 ! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay ! rb.send_rtp_sink_0
        rb.send_rtp_src_0 ! nicesink stream=1 component=1 sync=false async=false
        rb.send_rtcp_src_0 ! nicesink stream=1 component=2 sync=false async=false
        rb. ! rtpvp8depay ! vp8dec ! fakesink name=decoded silent=false async=false"
}
# shellcheck disable=SC2207
peer=($(ice_media smpte)
    tcpclientsrc host=$LAB_SERVER_IP port=$SDP_OUT ! sdp-negotiator stun-server=$STUN ice-tcp=false !
    tcpclientsink host=$LAB_SERVER_IP port=$SDP_IN2 async=false)
# shellcheck disable=SC2207
ice_client=($(ice_media ball)
    tcpclientsrc host=$LAB_SERVER_IP port=$SDP_OUT2 !
    sdp-negotiator role=offerer transport=ice offer-caps=$VP8CAPS stun-server=$STUN ice-tcp=false !
    tcpclientsink host=$LAB_SERVER_IP port=$SDP_IN async=false)

# What reaches each NAT's own address from outside (natlab.sh lab_nat_rules'
# counter): a packet no mapping lets in.
nat_refused() { lab_counter "$1" "$LAB_NFT_TABLE" public_to_nat_itself || true; }
REFUSED0=$(nat_refused "$LAB_NS_NAT") PEER_REFUSED0=$(nat_refused "$PEER_NAT_NS")
# shellcheck disable=SC2046
lab_bg "$PEER_NS" "$PLOG" env $(lab_asan_env) timeout --foreground -s INT -k 3 $((ICE_SECONDS + 5)) gst-launch-1.0 -m -v "${peer[@]}"
PEER_PID=$LAB_LAST_PID
T0=$(date +%s.%N)
# shellcheck disable=SC2046
lab_bg "$LAB_NS_CLIENT" "$ILOG" env $(lab_asan_env) timeout --foreground -s INT -k 3 "$ICE_SECONDS" gst-launch-1.0 -m -v "${ice_client[@]}"
ICE_PID=$LAB_LAST_PID

sdp_of() {  # sdp_of LOG MESSAGE: the SDP text of the first MESSAGE in a -m log
    grep -am1 "$2" "$1" 2>/dev/null | sed -n 's/.*text=(string)"\(.*\)";$/\1/p' |
        sed 's/\\015\\012/\n/g; s/\\\(.\)/\1/g' || true
}
candidates() {  # candidates SDP: one line per component, "host ip:port, srflx ip:port"
    awk '/^a=candidate:/ { c[$2] = c[$2] (c[$2] ? ", " : "") $8 " " $5 ":" $6 }
         END { if (c[1]) print "             RTP:  " c[1]; if (c[2]) print "             RTCP: " c[2] }' <<<"$1"
}
candidate() {  # candidate SDP COMPONENT TYPE: "ip port" of that candidate
    awk -v c="$2" -v t="$3" '/^a=candidate:/ && $2 == c && $8 == t { print $5, $6; exit }' <<<"$1"
}
ice_error() {  # the text of gst-launch's ERROR line about ICE, if any
    # Not anchored: the ERROR line goes to stderr unbuffered, and may land in
    # the middle of a line of -m output that stdout had only half written.
    grep -aom1 'ERROR: from element [^ ]*: ICE failed.*' "$1" 2>/dev/null | sed 's/^ERROR: from element [^ ]*: //' || true
}
OFFER= ANSWER= SRFLX= HOST= TOWARD_PEER=
declare -A told=()
narrate_ice() {  # tells what is new in the logs, the NATs' tables and counters
    if [ -z "${told[gathering]:-}" ] && grep -aq 'state=(string)gathering' "$ILOG"; then
        say "   $(since) s  client: gathering candidates: its own address, and what coturn sees (STUN)"; told[gathering]=1
    fi
    if [ -z "$OFFER" ] && OFFER=$(sdp_of "$ILOG" sdp-negotiator-offer-created) && [ -n "$OFFER" ]; then
        HOST=$(candidate "$OFFER" 1 host) SRFLX=$(candidate "$OFFER" 1 srflx)
        say "   $(since) s  client -> peer, the offer's candidates (srflx: the NAT's mapping as coturn saw it):"
        candidates "$OFFER"
    fi
    if [ -z "$ANSWER" ] && ANSWER=$(sdp_of "$ILOG" sdp-negotiator-answer-received) && [ -n "$ANSWER" ]; then
        say "   $(since) s  peer -> client, the answer's candidates:"
        candidates "$ANSWER"
    fi
    if [ -z "${told[checking]:-}" ] && grep -aq 'state=(string)checking' "$ILOG"; then
        say "   $(since) s  client: checking candidate pairs (STUN requests to each of the peer's candidates)"; told[checking]=1
    fi
    if [ -z "$TOWARD_PEER" ] && [ -n "$HOST" ] && TOWARD_PEER=$(lab_nat_mapping "${HOST#* }" $PEER_NAT_IP) &&
            [ -n "$TOWARD_PEER" ]; then
        say "   $(since) s  NAT: the client's RTP checks to the peer leave as ${TOWARD_PEER/ /:}, not as ${SRFLX/ /:}"
    fi
    if [ -z "${told[refused]:-}" ] && [ "$(nat_refused "$LAB_NS_NAT")" != "$REFUSED0" ]; then
        say "   $(since) s  NAT: the peer's checks arrive at ${SRFLX/ /:}, which only lets coturn's replies in: refused"
        told[refused]=1
    fi
    if [ -z "${told[failed]:-}" ] && grep -aq 'component=(uint)1, state=(string)failed' "$ILOG"; then
        say "   $(since) s  client: ICE state failed: no candidate pair got an answer"; told[failed]=1
    fi
    if [ -z "${told[error]:-}" ] && [ -n "$(ice_error "$ILOG")" ]; then
        say "   $(since) s  client: gst-launch-1.0 stops with an error (quoted below)"; told[error]=1
    fi
    if [ -z "${told[pfailed]:-}" ] && [ -n "$(ice_error "$PLOG")" ]; then
        say "   $(since) s  peer: ICE failed too"; told[pfailed]=1
    fi
}
while kill -0 "$ICE_PID" 2>/dev/null; do narrate_ice; sleep 0.2; done
ICE_RC=0
wait "$ICE_PID" || ICE_RC=$?
ICE_TOOK=$(since)
# The peer fails by itself too; give it a moment, then stop what is left.
for ((i = 0; i < 50; i++)); do kill -0 "$PEER_PID" 2>/dev/null || break; sleep 0.1; done
narrate_ice
lab_stop "$PEER_PID" 3
lab_stop "$RELAY_PID" 1
lab_stop "$TURN_PID" 3

ICE_ERROR=$(ice_error "$ILOG")
refused=$(( $(nat_refused "$LAB_NS_NAT") - ${REFUSED0:-0} ))
peer_refused=$(( $(nat_refused "$PEER_NAT_NS") - ${PEER_REFUSED0:-0} ))
ice_frames=$(( $(grep -ac 'decoded.*last-message = chain' "$ILOG" || true) + $(grep -ac 'decoded.*last-message = chain' "$PLOG" || true) ))
ice_ok=1
say
say "== What happened in the second act"
if [ -n "$ICE_ERROR" ]; then
    say "   ICE failed: gst-launch-1.0 on the client ended by itself after ${ICE_TOOK# } s (exit $ICE_RC) with:"
    say "     \"$ICE_ERROR\""
else
    say "   PROBLEM: the client did not report an ICE failure (exit $ICE_RC after ${ICE_TOOK# } s)"; ice_ok=0
fi
if [ -z "$SRFLX" ]; then
    say "   PROBLEM: the offer has no server-reflexive candidate: STUN did not work, so this proves nothing"; ice_ok=0
fi
if grep -aqs 'state=(string)ready' "$ILOG" "$PLOG" || [ "$ice_frames" -gt 0 ]; then
    say "   PROBLEM: ICE connected ($ice_frames frames decoded): STUN alone should not get through these two NATs"; ice_ok=0
fi
if grep -aq 'typ relay' <<<"$OFFER$ANSWER"; then
    say "   PROBLEM: a relayed candidate was offered: this act must run without TURN"; ice_ok=0
fi
if [ "$ICE_RC" = 0 ] || [ "$ICE_RC" = 124 ] || [ "$ICE_RC" -ge 128 ]; then
    say "   PROBLEM: the ICE client did not end by itself with an error within $ICE_SECONDS s (exit $ICE_RC)"; ice_ok=0
fi
if [ $ice_ok = 1 ]; then
    say "   The NATs refused $refused of the peer's checks and $peer_refused of the client's: each side"
    say "   sent them to the port STUN had shown the other, and that port was open to coturn only."
    say "   Why: behind a symmetric NAT the server-reflexive port STUN learns (${SRFLX/ /:}, the mapping"
    say "   toward coturn) is not the one the NAT uses toward another peer (${TOWARD_PEER/ /:});"
    say "   COMEDIA does not guess: the public server latched the port the packets really came from."
fi

# ---------------------------------------------------------------------------
# Third act: a real browser behind the same NAT calls a gst-launch-style
# server line (examples/browser/: the page, signalling.py, and the headless
# Chromium of headless-browser.sh), ICE and DTLS-SRTP, Opus and VP8 both
# ways, as tests/lab/test-browser-nat.sh (browser-chromium) runs it.
HTTP=8080
BLOG=$LAB_TMP/browser-server.log CHLOG=$LAB_TMP/chromium.log
BROWSER_PNG=$OUT/browser-camera-through-nat.png
rm -f "$BROWSER_PNG"
browser_ok=1
say
say "== Third act: a web browser behind the same NAT calls the server (ICE + DTLS-SRTP)"
if ! command -v chromium >/dev/null 2>&1; then
    say "   PROBLEM: no chromium (Debian package chromium, which scripts/setup-deps.sh installs)"; browser_ok=0
else
    say "   server  examples/browser/signalling.py on $LAB_SERVER_IP:$HTTP: serves the page, hands the"
    say "           browser's offer to sdp-negotiator (process-offer) in a gst-launch-style line:"
    say "           nicesrc ! comedia-dtlssrtpdec ! rtpbin ... comedia-dtlssrtpenc ! nicesink,"
    say "           a sine (Opus) and a bouncing ball (VP8) out, the browser's media decoded"
    say "   client  headless Chromium (fake camera and microphone) opens the page; its JavaScript"
    say "           offers, and reports its getStats() back to the server every second"
    # shellcheck disable=SC2046
    # signalling.py's default bundle policy (max-bundle): the answer accepts the
    # browser's BUNDLE, one ICE transport and one DTLS handshake for audio and video.
    lab_bg "$LAB_NS_SERVER" "$BLOG" env $(lab_asan_env_python) "$LAB_PY" -u "$ROOT/examples/browser/signalling.py" \
        --port $HTTP --public-address "$LAB_SERVER_IP" --snapshot "$BROWSER_PNG"
    SIGNAL_PID=$LAB_LAST_PID
    lab_wait_tcp "$LAB_NS_SERVER" $HTTP 15 || { say "   PROBLEM: signalling.py did not start:"; tail "$BLOG"; exit 1; }
    T0=$(date +%s.%N)
    lab_bg "$LAB_NS_CLIENT" "$CHLOG" bash "$ROOT/examples/browser/headless-browser.sh" chromium \
        "http://$LAB_SERVER_IP:$HTTP/?bundlePolicy=balanced&trickle=off" "$LAB_TMP/chromium"
    CHROMIUM_PID=$LAB_LAST_PID
    stat_of() {  # stat_of PATH: a value of the page's last getStats() report, e.g. inVideo.framesDecoded
        grep -a '^browser-stats ' "$BLOG" | tail -1 | cut -d' ' -f2- | "$LAB_PY" -c 'import json, sys
v = json.loads(sys.stdin.read() or "{}")
for k in sys.argv[1].split("."):
    v = v.get(k, {}) if isinstance(v, dict) else {}
print(v if v != {} else "")' "$1"
    }
    sdp_lines() {  # sdp_lines WHAT: the key lines of the offer or answer signalling.py printed
        awk -v w="--- $1" '$0 == w { on = 1; next } on && !/^[a-z]=/ { exit }
            on && /^(m=|a=group|a=setup|a=candidate:.* (udp|UDP) |a=rtcp-mux$)/ { print "             " $0 }' "$BLOG"
    }
    declare -A told=()
    END_AT=
    while kill -0 "$CHROMIUM_PID" 2>/dev/null; do
        if [ -z "${told[page]:-}" ] && grep -aq '^page requested' "$BLOG"; then
            say "   $(since) s  the browser loaded the page (Chromium starts in a few seconds)"; told[page]=1
        fi
        if [ -z "${told[offer]:-}" ] && grep -aq '^answered in' "$BLOG"; then
            say "   $(since) s  browser -> server, the offer (its private address; BUNDLE offered):"; sdp_lines offer
            say "   $(since) s  server -> browser, the answer (public address, BUNDLE accepted: audio and video"
            say "             on one transport, DTLS server):"; sdp_lines answer
            told[offer]=1
        fi
        # Bundled: stream 1's transport carries both m-lines.
        if [ -z "${told[pair]:-}" ] &&
                pair=$(grep -am1 "ice-selected-pair.*stream=(uint)1," "$BLOG" | sed -n 's/.*remote=(string)\([0-9.:]*\), remote-type=(string)\([a-z]*\).*/\2 \1/p') &&
                [ -n "$pair" ]; then
            say "   $(since) s  server: ICE connected for audio and video (one transport), the browser's checks came from $pair"
            say "             (the NAT's mapping, learned from the checks: peer-reflexive)"
            told[pair]=1
        fi
        if [ -z "${told[dtls]:-}" ] && grep -aq "comedia-dtls, state=(string)verified, stream=(uint)1," "$BLOG"; then
            say "   $(since) s  server: DTLS handshake verified against the offer's fingerprint (one for audio and video)"; told[dtls]=1
        fi
        if [ -z "${told[png]:-}" ] && grep -aq '^snapshot ' "$BLOG"; then
            say "   $(since) s  server: saved a frame of the browser's camera: $BROWSER_PNG"; told[png]=1
        fi
        if [ -z "$END_AT" ] && [ -n "${told[dtls]:-}" ]; then
            END_AT=$(awk -v t="$(since)" -v s="$SECONDS_CALL" 'BEGIN { print t + s }')
            say "   $(since) s  media both ways for ${SECONDS_CALL} s"
        fi
        if awk -v t="$(since)" -v e="${END_AT:-60}" 'BEGIN { exit !(t >= e) }'; then
            lab_stop "$CHROMIUM_PID" 3
            break
        fi
        sleep 0.2
    done
    lab_stop "$SIGNAL_PID" 5
    b_frames=$(stat_of inVideo.framesDecoded) b_packets=$(stat_of inAudio.packetsReceived)
    b_energy=$(stat_of inAudio.totalAudioEnergy)
    s_frames=$(sed -n 's/^server-decoded .* video=\([0-9]*\).*/\1/p' "$BLOG")
    s_audio=$(sed -n 's/^server-decoded audio=\([0-9]*\).*/\1/p' "$BLOG")
    s_peak=$(sed -n 's/^server-decoded .* audio-peak-db=\([-0-9.]*\).*/\1/p' "$BLOG")
    b_transports=$(stat_of transports)
    # What the one DTLS-SRTP decoder passed and routed (signalling.py prints it at the end).
    dec1=$(grep -a '^dtls stream 1:' "$BLOG" | tail -1)
    by_mid=$(sed -n 's/.* bundle-routed-by-mid=\([0-9]*\).*/\1/p' <<<"$dec1")
    passed=$(sed -n 's/.* passed-rtp=\([0-9]*\).*/\1/p' <<<"$dec1")
    unrouted=$(sed -n 's/.* bundle-unrouted=\([0-9]*\).*/\1/p' <<<"$dec1")
    say
    say "== What happened in the third act"
    say "   The browser's view (its own getStats()): connection $(stat_of connection), selected pair"
    say "     $(stat_of pair)"
    say "     server -> browser: ${b_frames:-0} VP8 frames decoded ($(stat_of inVideo.frameWidth)x$(stat_of inVideo.frameHeight)), ${b_packets:-0} Opus packets (audio energy ${b_energy:-0})"
    say "     browser -> server: the server decoded ${s_frames:-0} VP8 frames and ${s_audio:-0} Opus buffers (peak ${s_peak:-?} dB)"
    [ "$(stat_of connection)" = connected ] && [ "${b_frames:-0}" -gt 0 ] && [ "${b_packets:-0}" -gt 0 ] &&
        [ "${s_frames:-0}" -gt 0 ] && [ "${s_audio:-0}" -gt 0 ] || browser_ok=0
    if [ "${b_transports:-0}" = 1 ] && grep -aq '^dtls stream 1: dtls-state=connected' "$BLOG" &&
            ! grep -aq '^dtls stream 2:' "$BLOG" && [ "${unrouted:-x}" = 0 ]; then
        say "   One transport for audio and video (BUNDLE): the browser's getStats() has 1, the server one"
        say "     ICE agent stream and one DTLS association; its decoder sent ${passed:-0} RTP packets to"
        say "     their m-line, ${by_mid:-0} named by the browser's mid header extension, the rest by SSRC"
    else
        say "   PROBLEM: not one bundled transport (the browser's getStats() has ${b_transports:-0}; the server's"
        say "     decoders: ${dec1:-none}; bundle-unrouted ${unrouted:-?})"; browser_ok=0
    fi
    if [ -s "$BROWSER_PNG" ]; then
        say "   A frame of the browser's camera that crossed the NAT: $BROWSER_PNG"
    else
        say "   PROBLEM: no frame of the browser's camera was saved"; browser_ok=0
    fi
    [ $browser_ok = 1 ] || say "   PROBLEM: the browser's call did not work both ways (see above)."
fi

say
say "== Result"
if [ $comedia_ok = 1 ]; then
    say "   COMEDIA through the symmetric NAT, no STUN or TURN server: worked (VP8 both ways, $SNAPSHOT)"
else
    say "   COMEDIA through the symmetric NAT, no STUN or TURN server: DID NOT WORK (see PROBLEM above)"
fi
if [ $ice_ok = 1 ]; then
    say "   ICE through the same NAT, STUN only, to a peer behind a symmetric NAT: failed, as expected (it needs a TURN relay)"
else
    say "   ICE through the same NAT, STUN only, to a peer behind a symmetric NAT: DID NOT FAIL AS EXPECTED (see PROBLEM above)"
fi
if [ $browser_ok = 1 ]; then
    say "   A browser (headless Chromium) behind the NAT, ICE + DTLS-SRTP: worked (Opus and VP8 both ways, $BROWSER_PNG)"
else
    say "   A browser (headless Chromium) behind the NAT, ICE + DTLS-SRTP: DID NOT WORK (see PROBLEM above)"
fi
if [ $comedia_ok != 1 ] || [ $ice_ok != 1 ] || [ $browser_ok != 1 ]; then
    say "Something did not go as it should (logs: LAB_KEEP=1 $0 keeps them in $LAB_TMP)."
    exit 1
fi

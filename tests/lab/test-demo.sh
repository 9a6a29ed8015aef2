#!/bin/bash
# test-demo.sh: README command 1, `bash scripts/demo.sh`, as a user runs it
# (the environment picks the build dir, the output dir and the call length),
# then checks what it told the user: the COMEDIA call through the symmetric
# NAT worked, ICE with STUN only failed by itself and the failure is quoted
# with its reason, the frame is a PNG, a headless Chromium behind the NAT
# had its call with the server (ICE + DTLS-SRTP, both ways, BUNDLE: one
# transport for audio and video) and its camera's
# frame was saved (a PNG of 320x240, not blank), and nothing of the lab is left.
# The demo's own exit status must agree: it exits non-zero when the call
# fails or ICE does not fail.  A demo that skips (77) is passed through.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${DEMO_OUT:-$HERE/../../demo-out}
# shellcheck source=../../scripts/lab/natlab.sh
source "$HERE/../../scripts/lab/natlab.sh"

LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
STARTED=$(date +%s)
bash "$HERE/../../scripts/demo.sh" >"$LOG" 2>&1 &
DEMO_PID=$!
wait "$DEMO_PID"
RC=$?
cat "$LOG"
echo "----- the demo exited $RC after $(($(date +%s) - STARTED)) s -----"
[ "$RC" = 77 ] && exit 77

said() { grep -aqE -- "$1" "$LOG"; }
lab_check "the demo exited 0" [ "$RC" = 0 ]

# Act one: COMEDIA.
lab_check "the server latched RTP and RTCP exactly on the NAT's mappings" \
    eval '[ "$(grep -ac "address from the first packets: 203.0.113.1:[0-9]*, exactly the NAT" "$LOG")" = 2 ]'
lab_check "video decoded both ways" \
    eval 'said "the server decoded [1-9][0-9]* video frames" && said "the client decoded [1-9][0-9]* frames"'
png=$OUT/frame-through-nat.png
lab_check "the frame is a PNG written by this run ($png)" \
    eval '[ -s "$png" ] && [ "$(stat -c %Y "$png")" -ge "$STARTED" ] &&
          [ "$(head -c 8 "$png" | od -An -tx1 | tr -d " \n")" = 89504e470d0a1a0a ]'

# Act two: ICE with STUN only, told as it happens.
lab_check "the offer's candidates include a server-reflexive one from STUN" \
    said '^ +RTP: +host 192\.168\.77\.2:[0-9]+, srflx 203\.0\.113\.1:[0-9]+'
mapping=$(sed -n 's/.*checks to the peer leave as \([0-9.:]*\), not as \([0-9.:]*\)$/\1 \2/p' "$LOG")
lab_check "the NAT's port toward the peer differs from the srflx port ($mapping)" \
    eval '[ -n "$mapping" ] && [ "${mapping% *}" != "${mapping#* }" ]'
lab_check "the ICE failure is quoted: stream, what was tried, no TURN" \
    said '^ +"ICE failed on stream 1 \(component 1\): no candidate pair passed the connectivity checks; tried .*srflx.*, with a STUN server, no TURN server"$'
took=$(sed -n 's/.*on the client ended by itself after \([0-9]*\)\.[0-9] s (exit [1-9][0-9]*) with:$/\1/p' "$LOG")
lab_check "ICE ended by itself within 15 s (${took:-?} s)" eval '[ -n "$took" ] && [ "$took" -lt 15 ]'
lab_check "the reason is given" \
    eval 'said "Why: behind a symmetric NAT the server-reflexive port STUN learns" &&
          said "latched the port the packets really came from"'

# Act three: a headless Chromium behind the NAT calls examples/browser/signalling.py.
lab_check "the browser's ICE came through the NAT (peer-reflexive, from the NAT's public address)" \
    said '^ +[0-9. ]+ s  server: ICE connected for audio and video \(one transport\), the browser.s checks came from prflx 203\.0\.113\.1:[0-9]+$'
lab_check "the DTLS handshake verified, one for audio and video" \
    said '^ +[0-9. ]+ s  server: DTLS handshake verified against the offer.s fingerprint \(one for audio and video\)$'
lab_check "the answer accepted the browser's BUNDLE, one transport (its getStats()), both routed" \
    eval 'said "^   One transport for audio and video \(BUNDLE\): the browser.s getStats\(\) has 1" &&
          said "decoder sent [1-9][0-9]* RTP packets to"'
lab_check "media both ways, as the browser's getStats() and the server's decoders say" \
    eval 'said "server -> browser: [1-9][0-9]* VP8 frames decoded \(320x240\), [1-9][0-9]* Opus packets" &&
          said "browser -> server: the server decoded [1-9][0-9]* VP8 frames and [1-9][0-9]* Opus buffers"'
bpng=$OUT/browser-camera-through-nat.png
lab_check "it says where the browser's frame is ($bpng)" said "A frame of the browser's camera that crossed the NAT: $bpng\$"
lab_check "the browser's frame is a PNG written by this run" \
    eval '[ -s "$bpng" ] && [ "$(stat -c %Y "$bpng")" -ge "$STARTED" ] &&
          [ "$(head -c 8 "$bpng" | od -An -tx1 | tr -d " \n")" = 89504e470d0a1a0a ]'
# IHDR: width and height, big-endian, at bytes 16 and 20.
size=$(od -An -tu1 -j16 -N8 "$bpng" 2>/dev/null | awk '{ printf "%dx%d", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }')
lab_check "it is the size the page asked the camera for (${size:-?}, 320x240)" [ "$size" = 320x240 ]
# Non-uniform: the grey levels of the decoded picture spread (a blank or
# single-colour frame would have one or two).
levels=$("$LAB_PY" - "$bpng" <<'PY' 2>/dev/null
import sys
import gi
gi.require_version("Gst", "1.0")
from gi.repository import Gst
Gst.init(None)
p = Gst.parse_launch(f'filesrc location="{sys.argv[1]}" ! pngdec ! videoconvert ! video/x-raw,format=GRAY8 ! appsink name=s')
p.set_state(Gst.State.PLAYING)
sample = p.get_by_name("s").emit("try-pull-sample", 5 * Gst.SECOND)
ok, info = sample.get_buffer().map(Gst.MapFlags.READ)
print(len(set(info.data)), round(sum(info.data) / len(info.data)))
p.set_state(Gst.State.NULL)
PY
)
lab_check "the browser's frame is a picture, not a blank ($(echo "${levels:-? ?}" | awk '{ print $1 " grey levels, mean " $2 }'))" \
    eval '[ "${levels%% *}" -ge 8 ] 2>/dev/null'

# The summary.
lab_check "summary: COMEDIA worked" said '^   COMEDIA through the symmetric NAT, no STUN or TURN server: worked'
lab_check "summary: ICE failed as expected" \
    said '^   ICE through the same NAT, STUN only, to a peer behind a symmetric NAT: failed, as expected'
lab_check "summary: the browser's call worked" \
    said '^   A browser \(headless Chromium\) behind the NAT, ICE \+ DTLS-SRTP: worked \(Opus and VP8 both ways, '
lab_check "no PROBLEM reported" eval '! said PROBLEM'

# Its namespaces are named after its pid (natlab.sh LAB_ID).
lab_check "the demo removed its network namespaces" eval '! ip netns list | grep -q "^cml$DEMO_PID-"'

if [ "$LAB_FAILS" -gt 0 ]; then
    echo "demo: $LAB_FAILS check(s) FAILED"
    exit 1
fi
echo "demo: all checks passed"

#!/bin/bash
# test-demo.sh: README command 1, `bash scripts/demo.sh`, as a user runs it
# (the environment picks the build dir, the output dir and the call length),
# then checks what it told the user: the COMEDIA call through the symmetric
# NAT worked, ICE with STUN only failed by itself and the failure is quoted
# with its reason, the frame is a PNG, and nothing of the lab is left.
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

# The summary.
lab_check "summary: COMEDIA worked" said '^   COMEDIA through the symmetric NAT, no STUN or TURN server: worked'
lab_check "summary: ICE failed as expected" \
    said '^   ICE through the same NAT, STUN only, to a peer behind a symmetric NAT: failed, as expected'
lab_check "no PROBLEM reported" eval '! said PROBLEM'

# Its namespaces are named after its pid (natlab.sh LAB_ID).
lab_check "the demo removed its network namespaces" eval '! ip netns list | grep -q "^cml$DEMO_PID-"'

if [ "$LAB_FAILS" -gt 0 ]; then
    echo "demo: $LAB_FAILS check(s) FAILED"
    exit 1
fi
echo "demo: all checks passed"

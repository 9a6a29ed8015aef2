#!/bin/bash
# test-browser-life.sh [--build DIR] SCENARIO
#
# A browser's call over its life (issue 27, lab test 3): headless Chromium
# behind the port-random NAT of scripts/lab/natlab.sh calls
# examples/browser/signalling.py (ICE + DTLS-SRTP, Opus and VP8), as in
# test-browser-nat.sh (its header has what Chromium offers and what comedia
# answers); the shared steps and checks are tests/lab/browser.sh.
# Scenarios:
#   browser-consent-lost   the page closes its call HANGUP_S seconds after the
#                          answer (index.html hangup=N: pc.close(), what a
#                          closed tab does; Chromium sends a DTLS close_notify,
#                          comedia-dtls state=closed, then stops answering).
#                          The server notices by consent freshness (RFC 7675,
#                          docs/ice.md):
#                          sdp-negotiator-ice-consent-lost for each ICE stream
#                          within 30 s of the close, and each stream's EOS
#                          reaches its decoder's sink; no error, signalling.py
#                          ends cleanly.
#   browser-ice-restart    the page restarts ICE RESTART_S seconds after the
#                          answer (index.html restart=N: pc.restartIce(), a
#                          re-offer with the same m-lines and new
#                          ice-ufrag/ice-pwd POSTed to /offer?restart), which
#                          signalling.py hands to the same call's
#                          sdp-negotiator; the re-answer has new credentials,
#                          each ICE stream selects a new pair (the browser's new
#                          candidates: new NAT mappings), DTLS goes on, and
#                          media keeps flowing both ways after it.
# Measured here (2026-12-07, Chromium 156, libnice 0.1.21): consent lost 6-8 s
# after the close, EOS at the sinks within 2 ms of it; restart re-answered in
# 0.0 s, new pairs within a second, ~30 s per scenario
# (libnice declares the loss well before RFC 7675's 30 s ceiling).
# Each also makes test-browser-nat.sh's checks of a call (media both ways).
#
# LAB_KEEP=1 keeps the logs (and the offer/answer in $LAB_TMP/*.sdp).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${COMEDIA_BUILD_DIR:-$HERE/../../build-lab}
if [ "${1:-}" = --build ]; then BUILD=$2; shift 2; fi
SCENARIO=${1:?usage: test-browser-life.sh browser-consent-lost|browser-ice-restart}
HTTP=8080
HANGUP_S=8          # the call, from the answer to the page's close
CONSENT_S=30        # RFC 7675: consent expires 30 s after the last answer
RESTART_S=6         # the call, from the answer to the ICE restart
AFTER_S=10          # the call after the restart
case $SCENARIO in
    browser-consent-lost) QUERY="bundlePolicy=balanced&trickle=off&hangup=$HANGUP_S" ;;
    browser-ice-restart)  QUERY="bundlePolicy=balanced&trickle=off&restart=$RESTART_S" ;;
    *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;;
esac

# shellcheck source=../../scripts/lab/natlab.sh
source "$HERE/../../scripts/lab/natlab.sh"
# shellcheck source=browser.sh
source "$HERE/browser.sh"
lab_trap
lab_require
browser_require chromium
lab_gst_env "$BUILD"
lab_up random
SLOG=$LAB_TMP/server.log BLOG=$LAB_TMP/browser.log

finish() { browser_finish "browser-life $SCENARIO" "$SLOG" "$BLOG"; }

# wait_for SECONDS ERE: until signalling.py's log has a line matching ERE.
wait_for() {
    local until=$(($(date +%s) + $1))
    while ! grep -aqE "$2" "$SLOG" && [ "$(date +%s)" -lt "$until" ]; do sleep 0.2; done
}

# sdp_ice SECTION: the a=ice-ufrag values (sorted, unique) of an SDP that
# signalling.py printed after the line "--- SECTION".
sdp_ice() {
    awk -v head="--- $1" '$0 == head || index($0, head " ") == 1 { w = 1; next }
        /^[a-z]=/ { if (w && /^a=ice-ufrag:/) print; next } { w = 0 }' "$SLOG" | sort -u | tr '\n' ' '
}

# at_of PATTERN: the at= time of signalling.py's last line matching PATTERN.
at_of() { { grep -aE "$1" "$SLOG" || true; } | sed -n 's/.* at=\([0-9.]*\).*/\1/p' | tail -1; }

# ice_streams: the ICE streams that connected (two with BUNDLE declined, one
# with it).
ice_streams() {
    grep -a '^event sdp-negotiator-ice-state, .*state=(string)connected' "$SLOG" |
        sed -n 's/.*stream=(uint)\([0-9]*\),.*/\1/p' | sort -un | tr '\n' ' '
}

# delay FROM TO: TO - FROM in seconds (one decimal), empty if either is.
delay() { if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; fi; }

browser_signalling "$LAB_NS_SERVER" "$SLOG" $HTTP --public-address "$LAB_SERVER_IP" ||
    { lab_fail "signalling.py did not start"; finish; }
S=$LAB_LAST_PID
browser_open "$LAB_NS_CLIENT" "$BLOG" chromium "http://$LAB_SERVER_IP:$HTTP/?$QUERY" "$LAB_TMP/home"
B=$LAB_LAST_PID
browser_wait_answer "$SLOG"

if [ "$SCENARIO" = browser-consent-lost ]; then
    lab_log "the page closes its call ${HANGUP_S} s from here"
    wait_for $((HANGUP_S + 15)) '^browser-stats .*"closedAt"'
    lab_log "closed: $(browser_since) s after the browser's start; consent freshness has ${CONSENT_S} s"
    # Each ICE stream loses consent, and the audio and video decoders both
    # see their EOS; a few seconds of margin past 30 to see a late one fail.
    wait_for $((CONSENT_S + 8)) '^stream-ended audio' && wait_for 5 '^stream-ended video'
    lab_log "waited until $(browser_since) s after the browser's start"
    lab_stop "$B" 3
    lab_stop "$S" 5
    SERVER_RC=$LAB_STOP_RC
    browser_results "$SLOG" "$LAB_TMP"
    browser_checks "$SLOG" "$LAB_TMP" "$SERVER_RC" "$LAB_SERVER_IP"
    closed=$(grep -a '^browser-stats .*"closedAt"' "$SLOG" | sed -n 's/.*"closedAt": \([0-9.]*\).*/\1/p' | tail -1)
    lab_check "the page closed its call (pc.close() at ${closed:-never})" [ -n "$closed" ]
    streams=$(ice_streams)
    lab_check "ICE connected (streams ${streams:-none})" [ -n "$streams" ]
    for n in $streams; do
        secs=$(delay "$closed" "$(at_of "^consent-lost stream=$n ")")
        lab_check "the server noticed stream $n's consent lost ${secs:-never} s after the close (at most $CONSENT_S)" \
            eval '[ -n "$secs" ] && awk -v d="$secs" -v m="$CONSENT_S" "BEGIN { exit !(d > 0 && d <= m) }"'
    done
    # (not "d": lab_check's own local)
    lost=$(grep -aE '^consent-lost stream=' "$SLOG" | sed -n 's/.* at=\([0-9.]*\).*/\1/p' | sort -n | head -1)
    for sink in audio video; do
        ended=$(at_of "^stream-ended $sink ")
        secs=$(delay "$closed" "$ended")
        lab_check "the $sink stream ended: its EOS reached the decoder's sink ${secs:-never} s after the close, after consent loss ($(delay "$closed" "$lost") s)" \
            eval '[ -n "$secs" ] && [ -n "$lost" ] && awk -v d="$secs" -v m="$CONSENT_S" -v l="$lost" -v e="$ended" "BEGIN { exit !(d <= m && e >= l) }"'
    done
else
    lab_log "the page restarts ICE ${RESTART_S} s from here; the call runs $((RESTART_S + AFTER_S)) s"
    wait_for $((RESTART_S + 15)) '^re-answered in|^refused'
    lab_log "re-answered: $(browser_since) s after the browser's start"
    sleep "$AFTER_S"
    lab_stop "$B" 3
    lab_stop "$S" 5
    SERVER_RC=$LAB_STOP_RC
    browser_results "$SLOG" "$LAB_TMP"
    browser_checks "$SLOG" "$LAB_TMP" "$SERVER_RC" "$LAB_SERVER_IP"
    o1=$(sdp_ice offer) o2=$(sdp_ice re-offer) a1=$(sdp_ice answer) a2=$(sdp_ice re-answer)
    lab_check "the browser re-offered with new ICE credentials (${o1:-none} -> ${o2:-none})" \
        eval '[ -n "$o2" ] && [ "$o1" != "$o2" ]'
    lab_check "the same call's sdp-negotiator re-answered with new ones (${a1:-none} -> ${a2:-none})" \
        eval '[ -n "$a2" ] && [ "$(grep -ac "^pipeline " "$SLOG")" = 1 ] && [ -z "$(printf "%s\n" $a1 $a2 | sort | uniq -d)" ]'
    f0=$(browser_field restarted.framesDecoded) f1=$(browser_field inVideo.framesDecoded)
    p0=$(browser_field restarted.audioPackets) p1=$(browser_field inAudio.packetsReceived)
    lab_check "the browser kept decoding after the restart (VP8 frames ${f0:-none} -> ${f1:-0}, Opus packets ${p0:-none} -> ${p1:-0})" \
        eval '[ -n "$f0" ] && [ $((f1 - f0)) -ge 50 ] && [ $((p1 - p0)) -ge 200 ]'
    streams=$(ice_streams)
    lab_check "ICE connected (streams ${streams:-none})" [ -n "$streams" ]
    for n in $streams; do
        pair=$(sed -n '/^re-answered in/,$p' "$SLOG" | grep -a "ice-selected-pair, .*stream=(uint)$n," |
            sed -n 's/.*remote=(string)\([^,]*\),.*/\1/p' | tail -1)
        lab_check "stream $n's ICE restarted: a new pair selected after the re-answer (remote ${pair:-none})" [ -n "$pair" ]
    done
    v0=$(browser_field restarted.server.video) v1=$(browser_server "$SLOG" video)
    s0=$(browser_field restarted.server.audio) s1=$(browser_server "$SLOG" audio)
    lab_check "the server kept decoding after the restart (VP8 frames ${v0:-none} -> ${v1:-0}, Opus buffers ${s0:-none} -> ${s1:-0})" \
        eval '[ -n "$v0" ] && [ $((v1 - v0)) -ge 50 ] && [ $((s1 - s0)) -ge 200 ]'
fi
errors=$(grep -acE '^(error|warning) from ' "$SLOG" || true)
lab_check "no error or warning from the pipeline ($errors)" [ "$errors" = 0 ]
lab_log "took $(browser_since) s from the browser's start"
finish

# tests/lab/browser.sh: a real browser's call to examples/browser/signalling.py
# in the NAT lab, for the lab tests that have one (test-browser-nat.sh,
# test-deploy-nat.sh).  Sourced after scripts/lab/natlab.sh, once lab_trap
# has run.  A call is: browser_signalling (the server), browser_open (the
# headless browser, the page's own JavaScript offers), browser_wait_answer,
# the call, lab_stop of both, browser_results, then browser_checks.
# shellcheck shell=bash

BROWSER_EXAMPLE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../examples/browser" && pwd)

# browser_signalling NS LOG PORT ARG...: signalling.py on HTTP PORT in NS,
# its output in LOG (ARG: its options, e.g. --public-address IP); waits until
# it listens (status 1 if it does not within 15 s).  Pid in LAB_LAST_PID.
# Its name lookups (a browser's mDNS candidates) stay in the lab: no
# avahi-daemon, no DNS (scripts/lab/lab-resolver.sh), so they fail at once.
browser_signalling() {
    local ns=$1 log=$2 port=$3
    shift 3
    # shellcheck disable=SC2046  # lab_asan_env_python: nothing or one VAR=value
    lab_bg "$ns" "$log" sh "$LAB_HERE/lab-resolver.sh" none /dev/null \
        env $(lab_asan_env_python) "$LAB_PY" -u "$BROWSER_EXAMPLE/signalling.py" --port "$port" "$@"
    lab_wait_tcp "$ns" "$port" 15
}

# browser_open NS LOG chromium|firefox URL HOME [PREF=VALUE...]: the headless
# browser (examples/browser/headless-browser.sh) in NS, opening URL, its
# profile under HOME.  Pid in LAB_LAST_PID; BROWSER_T0 is when it started.
browser_open() {
    local ns=$1 log=$2
    shift 2
    BROWSER_T0=$(date +%s.%N)
    lab_bg "$ns" "$log" bash "$BROWSER_EXAMPLE/headless-browser.sh" "$@"
}

# browser_since: seconds since browser_open.
browser_since() { awk -v t0="$BROWSER_T0" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - t0 }'; }

# browser_wait_answer SLOG: until signalling.py (its log SLOG) has answered
# the page's offer, or refused it; logs when each step came.
browser_wait_answer() {
    local slog=$1 what re
    for what in 'page requested' 'offer' 'answer'; do
        case $what in offer) re='^--- offer' ;; answer) re='^(answered in|refused)' ;; *) re="^$what" ;; esac
        # 45 s in all for the browser's start, the page and the offer (Firefox
        # took up to 21 s on a loaded machine, Chromium 11 s).
        while ! grep -aqE "$re" "$slog" && awk -v t="$(browser_since)" 'BEGIN { exit !(t < 45) }'; do sleep 0.1; done
        lab_log "$what: $(browser_since) s after the browser's start"
        if grep -aq '^refused' "$slog"; then break; fi
    done
}

# browser_results SLOG DIR: once signalling.py has ended, the offer and the
# answer it printed into DIR/offer.sdp and DIR/answer.sdp, and the page's
# last stats report for browser_field.
browser_results() {
    local slog=$1 dir=$2
    awk '/^--- offer/{w="offer"; next} /^--- answer/{w="answer"; next} /^[a-z]=/{ if (w) print > (dir "/" w ".sdp"); next } { w="" }' \
        dir="$dir" "$slog"
    BROWSER_STATS=$(grep -a '^browser-stats ' "$slog" | tail -1 | cut -d' ' -f2-)
}

# browser_field PATH: a value of the browser's last stats, e.g. inVideo.framesDecoded
browser_field() {
    "$LAB_PY" -c 'import json, sys
v = json.loads(sys.argv[1] or "{}")
for k in sys.argv[2].split("."):
    v = v.get(k, {}) if isinstance(v, dict) else {}
print(v if v != {} else "")' "$BROWSER_STATS" "$1"
}

# browser_server SLOG KEY: a value of signalling.py's server-decoded line.
browser_server() { sed -n "s/^server-decoded .*$2=\([^ ]*\).*/\1/p" "$1" | tail -1; }

# browser_checks SLOG DIR SERVER_RC SERVER_IP: the call's verdicts: signalling.py
# ended cleanly (its exit status SERVER_RC), the offer and the answer (in DIR,
# from browser_results), the browser connected to SERVER_IP (the server's
# public address), media decoded both ways.
browser_checks() {
    # shellcheck disable=SC2034  # server_ip: read by an eval below
    local slog=$1 dir=$2 rc=$3 server_ip=$4 errors fd ap ab ae sv sa sp
    errors=$(grep -acE 'AddressSanitizer|LeakSanitizer|runtime error:|CRITICAL|Segmentation' "$slog" || true)
    lab_check "signalling.py ended cleanly (exit $rc, $errors error lines)" [ "$rc" = 0 -a "$errors" = 0 ]
    lab_check "the browser's offer is UDP/TLS/RTP/SAVPF audio and video" \
        eval 'grep -q "^m=audio .* UDP/TLS/RTP/SAVPF" "$dir/offer.sdp" && grep -q "^m=video .* UDP/TLS/RTP/SAVPF" "$dir/offer.sdp"'
    lab_check "the answer accepts both (a=setup:passive, a fingerprint)" \
        eval 'grep -Eq "^m=audio [1-9][0-9]* UDP/TLS/RTP/SAVPF" "$dir/answer.sdp" &&
              grep -Eq "^m=video [1-9][0-9]* UDP/TLS/RTP/SAVPF" "$dir/answer.sdp" &&
              grep -q "^a=setup:passive" "$dir/answer.sdp" && grep -q "^a=fingerprint:sha-256" "$dir/answer.sdp"'
    lab_check "the page reported its stats ($(grep -ac '^browser-stats ' "$slog" || true) reports, error '$(browser_field error)')" \
        [ -n "$BROWSER_STATS" -a -z "$(browser_field error)" ]
    lab_check "the browser's call connected (connection $(browser_field connection), ICE $(browser_field ice), pair $(browser_field pair))" \
        [ "$(browser_field connection)" = connected ]
    lab_check "the browser's selected pair goes to the server's public address" \
        eval '[[ "$(browser_field pair)" == *" $server_ip:"* ]]'
    fd=$(browser_field inVideo.framesDecoded)
    lab_check "the browser decoded the server's VP8 (${fd:-0} frames, $(browser_field inVideo.frameWidth)x$(browser_field inVideo.frameHeight))" \
        [ "${fd:-0}" -ge 50 ]
    ap=$(browser_field inAudio.packetsReceived) ab=$(browser_field inAudio.bytesReceived)
    ae=$(browser_field inAudio.totalAudioEnergy)
    lab_check "the browser received the server's Opus (${ap:-0} packets, ${ab:-0} bytes, energy ${ae:-none})" \
        eval '[ "${ap:-0}" -ge 200 ] && [ "${ab:-0}" -ge 5000 ] && { [ -z "$ae" ] || awk -v e="$ae" "BEGIN { exit !(e > 0) }"; }'
    sv=$(browser_server "$slog" video) sa=$(browser_server "$slog" audio) sp=$(browser_server "$slog" audio-peak-db)
    lab_check "the server decoded the browser's VP8 (${sv:-0} frames of $(browser_server "$slog" video-size))" \
        [ "${sv:-0}" -ge 50 ]
    lab_check "the server decoded the browser's Opus (${sa:-0} buffers, peak ${sp:-none} dB)" \
        eval '[ "${sa:-0}" -ge 200 ] && awk -v p="${sp:--200}" "BEGIN { exit !(p > -60) }"'
}

# browser_show_logs SLOG BLOG: after a failure, signalling.py's key lines and
# both logs' tails.
browser_show_logs() {
    lab_show_logs 'event |browser-stats|server-decoded|snapshot|error' "$1"
    lab_dump_tails 40 "$1" "$2"
}

# browser_require BIN: Debian's browser BIN and GstVideo's typelib, or a
# skip (77) on a developer's machine, a failure under CI=true.
browser_require() {
    command -v "$1" >/dev/null 2>&1 && "$LAB_PY" -c 'import gi; gi.require_version("GstVideo", "1.0")' 2>/dev/null &&
        return 0
    echo "lab requirement missing: Debian's $1, or gir1.2-gst-plugins-base-1.0 (scripts/setup-deps.sh)" >&2
    [ "${CI:-}" = true ] && { echo "FAIL: CI=true; not skipping" >&2; exit 1; }
    exit 77
}

# browser_finish WHAT SLOG BLOG: the verdict (exit 1 with the logs if a
# check failed, else 0).
browser_finish() {
    if [ "$LAB_FAILS" -gt 0 ]; then
        browser_show_logs "$2" "$3"
        echo "$1: $LAB_FAILS check(s) FAILED"
        exit 1
    fi
    echo "$1: all checks passed"
    exit 0
}

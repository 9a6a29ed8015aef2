#!/bin/bash
# The whole check, as CI runs it: dependencies, fresh builds, every meson test,
# and as the very last line "N passed, N failed".  Three stages, each its own
# build from scratch:
#   plain     the normal build: unit, element, fuzz-corpus, NAT lab, demo, bench smoke
#   sanitize  the same whole suite built with AddressSanitizer and UBSan, leak
#             checking on (tests/meson.build, tests/lsan.supp), but for the
#             tests that never run a line of ours (SANITIZE_SKIP below)
#   fuzz      clang + libFuzzer: each harness explores for COMEDIA_FUZZ_SECONDS (30)
# The later stages' builds run while the plain stage's tests run, at idle CPU
# priority (SCHED_IDLE): the NAT lab's tests mostly wait on the clock, and
# whatever CPU they want they get first.  Each stage's tests still run alone.
# COMEDIA_CI_STAGES="plain" runs a subset of the stages, COMEDIA_CI_TESTS="a b"
# only those meson tests in the plain and sanitize stages, building only what
# they need (the newcomer test uses both, to check this script without running
# the whole suite again).
# Under CI=true a skipped test counts
# as failed: CI must never be green without having tested.  Exits non-zero when
# anything failed.
set -euo pipefail
# ccache (meson picks it up) may serve a clone of the same tree, elsewhere
# on disk, from what this run compiled: not when the build directory is
# part of the hash, which -g makes it by default.
export CCACHE_NOHASHDIR=true

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD=${COMEDIA_CI_BUILD_DIR:-$ROOT/build-ci}
STAGES=${COMEDIA_CI_STAGES:-plain sanitize fuzz}
FUZZ_SECONDS=${COMEDIA_FUZZ_SECONDS:-30}
TESTS=${COMEDIA_CI_TESTS:-}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

bash scripts/setup-deps.sh

RESULTS=()   # "stage|testlog.json|meson exit status", or "stage|build-failed|"

# Tests the sanitize stage leaves out, because nothing of ours runs in them,
# so no sanitizer can see anything there that the plain stage did not:
#   nat-reuseport     the kernel's SO_REUSEPORT lookup under stock udpsrc and
#                     udpsink (tests/lab/test-reuseport.sh): no comedia element
#   docs-consistency, layout
#                     python reading the sources and docs as text
#   bench-quick       the throughput smoke bench: 90 s under ASan, one serial
#                     test, for paths the element tests and the lab already
#                     run under it (the other bench smokes stay: short)
SANITIZE_SKIP="nat-reuseport docs-consistency layout bench-quick"

# build NAME BUILDDIR "ENV..." "SETUP OPTIONS..." ["NINJA TARGETS..."]
# A fresh build dir (a stale one must never decide the result), set up and
# built: every target, or only TARGETS, or with COMEDIA_CI_TESTS only set up
# (meson test then builds what those tests depend on, and nothing else).
build() {
    local name=$1 dir=$2 envs=$3 setup=$4 targets=${5:-}
    echo "=== stage $name: building $dir ==="
    rm -rf "$dir"
    # shellcheck disable=SC2086  # word splitting of the option lists is the point
    env $envs meson setup "$dir" -Dtests=enabled $setup || return 1
    [ -z "$targets" ] && [ -n "$TESTS" ] && return 0
    # shellcheck disable=SC2086
    ninja -C "$dir" $targets
}

# run_tests NAME BUILDDIR BUILD-STATUS T0 "TEST OPTIONS..." [SKIP...]
run_tests() {
    local name=$1 dir=$2 built=$3 t0=$4 tests=$5 skip=${6:-} rc=0
    if [ "$built" != 0 ]; then
        echo "=== stage $name: build failed ==="
        RESULTS+=("$name|build-failed|")
        return
    fi
    if [ -n "$skip" ] && [ -z "$tests" ]; then
        # Every test but SKIP, by name (meson test has no exclusion by name).
        tests=$(meson test -C "$dir" --no-rebuild --list 2>/dev/null | sed 's/^.* \/ //' |
            grep -vxF "$(tr ' ' '\n' <<<"$skip")" | tr '\n' ' ')
        echo "=== stage $name: leaving out $skip ==="
    fi
    # shellcheck disable=SC2086
    meson test -C "$dir" --print-errorlogs $tests || rc=$?
    RESULTS+=("$name|$dir/meson-logs/testlog.json|$rc")
    echo "=== stage $name: done in $((SECONDS - t0)) s (meson test exit $rc) ==="
}

# Each stage: NAME BUILDDIR "ENV..." "SETUP OPTIONS..." "TEST OPTIONS..." "NINJA TARGETS..." "SKIP..."
declare -A ENVS SETUP TESTOPTS TARGETS SKIP DIRS
DIRS[plain]=$BUILD
DIRS[sanitize]=$BUILD-asan
SETUP[sanitize]="-Db_sanitize=address,undefined -Db_lundef=false"
SKIP[sanitize]=$SANITIZE_SKIP
DIRS[fuzz]=$BUILD-fuzz
ENVS[fuzz]="CC=clang CXX=clang++"
SETUP[fuzz]="-Dfuzzing=true -Dfuzz-seconds=$FUZZ_SECONDS -Db_sanitize=address,undefined -Db_lundef=false"
TESTOPTS[fuzz]="--suite fuzz --no-rebuild"
TARGETS[fuzz]="tests/fuzz/fuzz-latchpolicy tests/fuzz/fuzz-sdp tests/fuzz/fuzz-sdpframing tests/fuzz/fuzz-dispatch tests/fuzz/fuzz-sdescrypto tests/fuzz/fuzz-dtlsgate tests/fuzz/fuzz-bundleroute"
for s in $STAGES; do
    case $s in plain|sanitize|fuzz) TESTOPTS[$s]=${TESTOPTS[$s]:-$TESTS} ;;
    *) echo "unknown stage $s (plain, sanitize, fuzz)"; RESULTS+=("$s|build-failed|") ;; esac
done
stages=()
for s in $STAGES; do [ -n "${DIRS[$s]:-}" ] && stages+=("$s"); done

# The first stage builds in the foreground; the others in one background job
# at idle priority, each writing its exit status to DIR.built.
LOGDIR=$(mktemp -d)
trap 'rm -rf "$LOGDIR"' EXIT
background_builds() {
    local s rc
    for s in "$@"; do
        rc=0
        build "$s" "${DIRS[$s]}" "${ENVS[$s]:-}" "${SETUP[$s]:-}" "${TARGETS[$s]:-}" \
            >"$LOGDIR/$s.log" 2>&1 || rc=$?
        echo "$rc" >"$LOGDIR/$s.built"
    done
}
IDLE=()
chrt --idle 0 true 2>/dev/null && IDLE=(chrt --idle 0)
BG_PID=
for i in "${!stages[@]}"; do
    s=${stages[$i]} t0=$SECONDS built=0
    if [ "$i" = 0 ]; then
        build "$s" "${DIRS[$s]}" "${ENVS[$s]:-}" "${SETUP[$s]:-}" "${TARGETS[$s]:-}" || built=$?
        if [ ${#stages[@]} -gt 1 ]; then
            # (a function in a subshell: chrt applies to the subshell's children)
            "${IDLE[@]}" nice -n 19 bash -c "$(declare -f build background_builds); $(declare -p DIRS ENVS SETUP TARGETS TESTS LOGDIR); background_builds ${stages[*]:1}" &
            BG_PID=$!
        fi
    else
        while [ ! -f "$LOGDIR/$s.built" ] && kill -0 "$BG_PID" 2>/dev/null; do sleep 1; done
        tail -5 "$LOGDIR/$s.log" 2>/dev/null || true
        built=$(cat "$LOGDIR/$s.built" 2>/dev/null || echo 1)
        [ "$built" = 0 ] || tail -40 "$LOGDIR/$s.log" 2>/dev/null
        echo "=== stage $s: built in the background; waited $((SECONDS - t0)) s for it ==="
    fi
    run_tests "$s" "${DIRS[$s]}" "$built" "$t0" "${TESTOPTS[$s]:-}" "${SKIP[$s]:-}"
done
[ -z "$BG_PID" ] || wait "$BG_PID" || true

"$PY" - "${RESULTS[@]}" <<'PYEOF'
import json, os, sys
ci = os.environ.get("CI") == "true"
passed, failed, skipped = [], [], []
for spec in sys.argv[1:]:
    stage, log, rc = spec.split("|")
    if log == "build-failed":
        failed.append(f"{stage}: build")
        continue
    results = []
    try:
        with open(log) as f:
            results = [json.loads(line) for line in f if line.strip()]
    except OSError as e:
        print(f"{stage}: no test log: {e}")
    for r in results:
        res, name = r.get("result"), f"{stage}: {r.get('name')}"
        if res in ("OK", "EXPECTEDFAIL"):          # an expected failure is the expected outcome
            passed.append(name)
        elif res == "SKIP":
            (failed if ci else skipped).append(name + (" (skipped under CI=true)" if ci else ""))
        else:                                       # FAIL, TIMEOUT, ERROR, UNEXPECTEDPASS, ...
            failed.append(f"{name} ({res})")
    if not results:
        failed.append(f"{stage}: no tests ran")
    elif int(rc or 0) != 0 and not any(n.startswith(stage + ":") for n in failed):
        failed.append(f"{stage}: meson test exited {rc}")
for n in failed:
    print(f"FAILED: {n}")
for n in skipped:
    print(f"SKIPPED: {n}")
line = f"{len(passed)} passed, {len(failed)} failed"
if skipped:
    line += f", {len(skipped)} skipped"
print(line)
sys.exit(1 if failed else 0)
PYEOF

#!/bin/bash
# The whole check, as CI runs it: dependencies, fresh builds, every meson test,
# and as the very last line "N passed, N failed".  Three stages, each its own
# build from scratch:
#   plain     the normal build: unit, element, fuzz-corpus, NAT lab, demo, bench smoke
#   sanitize  the same whole suite built with AddressSanitizer and UBSan, leak
#             checking on (tests/meson.build, tests/lsan.supp)
#   fuzz      clang + libFuzzer: each harness explores for COMEDIA_FUZZ_SECONDS (30)
# COMEDIA_CI_STAGES="plain" runs a subset of the stages, COMEDIA_CI_TESTS="a b"
# only those meson tests in the plain and sanitize stages (the newcomer test
# uses both, to check this script without running the whole suite again).
# Under CI=true a skipped test counts
# as failed: CI must never be green without having tested.  Exits non-zero when
# anything failed.
set -euo pipefail

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

# stage NAME BUILDDIR "ENV..." "SETUP OPTIONS..." "TEST OPTIONS..." ["NINJA TARGETS..."]
# With targets, only those are built and the tests run without rebuilding.
stage() {
    local name=$1 dir=$2 envs=$3 setup=$4 tests=$5 targets=${6:-} rc=0 t0=$SECONDS
    echo "=== stage $name: $dir ==="
    # Fresh every time: a stale build dir must never decide the result.
    rm -rf "$dir"
    # shellcheck disable=SC2086  # word splitting of the option lists is the point
    if ! env $envs meson setup "$dir" -Dtests=enabled $setup || ! ninja -C "$dir" $targets; then
        echo "=== stage $name: build failed ==="
        RESULTS+=("$name|build-failed|")
        return
    fi
    # shellcheck disable=SC2086
    meson test -C "$dir" --print-errorlogs ${targets:+--no-rebuild} $tests || rc=$?
    RESULTS+=("$name|$dir/meson-logs/testlog.json|$rc")
    echo "=== stage $name: done in $((SECONDS - t0)) s (meson test exit $rc) ==="
}

for s in $STAGES; do
    case $s in
    plain) stage plain "$BUILD" "" "" "$TESTS" ;;
    sanitize) stage sanitize "$BUILD-asan" "" "-Db_sanitize=address,undefined -Db_lundef=false" "$TESTS" ;;
    fuzz) stage fuzz "$BUILD-fuzz" "CC=clang CXX=clang++" \
        "-Dfuzzing=true -Dfuzz-seconds=$FUZZ_SECONDS -Db_sanitize=address,undefined -Db_lundef=false" \
        "--suite fuzz" "tests/fuzz/fuzz-latchpolicy tests/fuzz/fuzz-sdp tests/fuzz/fuzz-sdpframing tests/fuzz/fuzz-dispatch tests/fuzz/fuzz-sdescrypto tests/fuzz/fuzz-dtlsgate" ;;
    *) echo "unknown stage $s (plain, sanitize, fuzz)"; RESULTS+=("$s|build-failed|") ;;
    esac
done

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

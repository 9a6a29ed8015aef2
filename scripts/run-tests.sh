#!/bin/bash
# The whole check, as CI runs it: dependencies, a fresh build, every meson
# test (unit, element, fuzz corpus, NAT lab), and as the very last line
# "N passed, N failed".  Under CI=true a skipped test counts as failed: CI must
# never be green without having tested.  Exits non-zero when anything failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD=${COMEDIA_CI_BUILD_DIR:-$ROOT/build-ci}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

bash scripts/setup-deps.sh

# Fresh every time: a stale build dir must never decide the result.
rm -rf "$BUILD"
if ! meson setup "$BUILD" -Dtests=enabled || ! ninja -C "$BUILD"; then
    echo "build failed"
    echo "0 passed, 1 failed"
    exit 1
fi

set +e
meson test -C "$BUILD" --print-errorlogs
meson_rc=$?
set -e

"$PY" - "$BUILD/meson-logs/testlog.json" "$meson_rc" <<'PYEOF'
import json, os, sys
log, meson_rc = sys.argv[1], int(sys.argv[2])
ci = os.environ.get("CI") == "true"
results = []
try:
    with open(log) as f:
        results = [json.loads(line) for line in f if line.strip()]
except OSError as e:
    print(f"no test log: {e}")
passed, failed, skipped = [], [], []
for r in results:
    res, name = r.get("result"), r.get("name")
    if res in ("OK", "EXPECTEDFAIL"):          # an expected failure is the expected outcome
        passed.append(name)
    elif res == "SKIP":
        (failed if ci else skipped).append(name + (" (skipped under CI=true)" if ci else ""))
    else:                                       # FAIL, TIMEOUT, ERROR, UNEXPECTEDPASS, ...
        failed.append(f"{name} ({res})")
for n in failed:
    print(f"FAILED: {n}")
for n in skipped:
    print(f"SKIPPED: {n}")
if not results:
    failed.append("no tests ran")
if meson_rc != 0 and not failed:
    failed.append(f"meson test exited {meson_rc}")
line = f"{len(passed)} passed, {len(failed)} failed"
if skipped:
    line += f", {len(skipped)} skipped"
print(line)
sys.exit(1 if failed else 0)
PYEOF

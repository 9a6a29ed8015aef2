#!/bin/bash
# test-newcomer.sh SOURCE_DIR
#
# What someone who has never seen the project does: `git clone` it into an
# empty directory and type the two commands at the top of its README, in a
# clean environment (nothing of this build, no GST_* variables).
#
#   README command 1 (bash scripts/demo.sh): run in full.  It must end with
#     exit status 0 with its result lines (COMEDIA worked, ICE without TURN
#     failed as it should), save the PNG of a frame that crossed the NAT
#     where it says, and leave no namespace behind.
#   README command 2 (bash scripts/run-tests.sh): run as written, but with
#     COMEDIA_CI_STAGES=plain and COMEDIA_CI_TESTS set to a small subset, so
#     that CI does not run its own whole suite a second time: dependencies,
#     the fresh build in the clone (of what those tests need: the plugin
#     and their programs, as run-tests.sh builds for a subset), then those
#     tests; it must end with "N passed, 0 failed" for exactly that subset.
#     The rest of the suite, and the whole build, is what the CI run around
#     this test checks.
#
# A clone has what is committed: uncommitted changes of SOURCE_DIR are not
# tested here.  Never recurses: inside it (COMEDIA_NEWCOMER set) it refuses.
# Needs what the NAT lab needs (root, namespaces): a skip on a developer's
# machine, a failure under CI=true.
# SPDX-License-Identifier: LGPL-2.1-or-later
set -euo pipefail

SRC=$(cd "${1:?usage: test-newcomer.sh SOURCE_DIR}" && pwd)
SUBSET=${NEWCOMER_TESTS:-docs doc-blocks reference docs-consistency layout rtpsrc rtpsink example-cpp-tcp install}

if [ -n "${COMEDIA_NEWCOMER:-}" ]; then
    echo "already inside the newcomer test: not running it again"
    exit 77
fi

# shellcheck source=../../scripts/lab/natlab.sh
source "$SRC/scripts/lab/natlab.sh"
lab_trap
lab_require
fails=0
check() {  # check WHAT COMMAND...
    local what=$1; shift
    if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fails=$((fails + 1)); fi
}
command -v git >/dev/null || { echo "FAIL: git is needed to clone"; exit 1; }

# The README's two commands, literally: the first sh block of the README.
mapfile -t commands < <(awk '/^```sh$/ { inside = 1; next } inside && /^```/ { exit }
    inside { sub(/[ \t]*#.*$/, ""); if (length) print }' "$SRC/README.md")
check "the README starts with two commands (${commands[*]})" test "${#commands[@]}" = 2
check "they are the demo and the tests" \
    test "${commands[0]:-}" = "bash scripts/demo.sh" -a "${commands[1]:-}" = "bash scripts/run-tests.sh"
[ "$fails" = 0 ] || exit 1

CLONE=$LAB_TMP/comedia
git clone --quiet "$SRC" "$CLONE"
echo "cloned $(git -C "$CLONE" rev-parse --short HEAD) into $CLONE"
[ -z "$(git -C "$SRC" status --porcelain 2>/dev/null)" ] ||
    echo "note: $SRC has uncommitted changes; the clone tests what is committed"

# A newcomer's environment: a shell, PATH and HOME, nothing of this build.
newcomer() {  # newcomer LOG COMMAND [VAR=VALUE...]
    local log=$1 cmd=$2; shift 2
    (cd "$CLONE" && env -i PATH="$PATH" HOME="${HOME:-/root}" LANG=C.UTF-8 TERM=dumb \
        ${CI:+CI="$CI"} ${TMPDIR:+TMPDIR="$TMPDIR"} COMEDIA_NEWCOMER=1 "$@" \
        bash -c "$cmd") >"$log" 2>&1
}

echo "== README command 1: ${commands[0]}"
t0=$SECONDS
rc=0; newcomer "$LAB_TMP/demo.log" "${commands[0]}" || rc=$?
sed 's/^/   | /' "$LAB_TMP/demo.log" | grep -v '^   | \[' | tail -40
echo "   ($((SECONDS - t0)) s)"
check "the demo exits 0 (exit $rc)" test "$rc" = 0
check "the demo says the COMEDIA call worked" grep -q '^   COMEDIA through the symmetric NAT.*: worked' "$LAB_TMP/demo.log"
check "and that ICE without TURN failed, as it should" grep -q '^   ICE through the same NAT.*: failed, as expected' "$LAB_TMP/demo.log"
check "it told the latches as they happened" grep -q 'server: latched RTP (component 1)' "$LAB_TMP/demo.log"
png=$CLONE/demo-out/frame-through-nat.png
check "it says where the picture is ($png)" grep -qF "$png" "$LAB_TMP/demo.log"
check "the picture is a PNG" bash -c "head -c 8 '$png' 2>/dev/null | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
check "of a real frame ($(stat -c %s "$png" 2>/dev/null || echo 0) bytes)" \
    test "$(stat -c %s "$png" 2>/dev/null || echo 0)" -gt 2000
# Its own namespaces, by the name it printed (other lab tests may be running).
demo_lab=$(sed -n 's/^ *lab: network namespaces \(cml[0-9a-f-]*\)-\* .*/\1/p' "$LAB_TMP/demo.log" | head -1)
check "the demo removed its namespaces (${demo_lab:-none named}-*)" \
    bash -c "[ -n '$demo_lab' ] && ! ip netns list | grep -q '^$demo_lab-'"

echo "== README command 2: ${commands[1]}  (COMEDIA_CI_STAGES=plain COMEDIA_CI_TESTS=\"$SUBSET\")"
t0=$SECONDS
rc=0; newcomer "$LAB_TMP/tests.log" "${commands[1]}" COMEDIA_CI_STAGES=plain COMEDIA_CI_TESTS="$SUBSET" || rc=$?
grep -E '^(=== |FAILED|SKIPPED|[0-9]+ passed)|^ *[0-9]+/[0-9]+ ' "$LAB_TMP/tests.log" | sed 's/^/   | /' | tail -30
echo "   ($((SECONDS - t0)) s)"
n=$(wc -w <<<"$SUBSET")
check "run-tests.sh exits 0 (exit $rc)" test "$rc" = 0
check "it built the plugin in the clone, from scratch" test -f "$CLONE/build-ci/gst/libgstcomedia.so"
check "its last line is \"$n passed, 0 failed\"" test "$(tail -1 "$LAB_TMP/tests.log")" = "$n passed, 0 failed"

if [ "$fails" != 0 ]; then
    echo "$fails check(s) failed; the logs:"
    for f in demo tests; do echo "----- $f.log"; tail -60 "$LAB_TMP/$f.log"; done
    exit 1
fi

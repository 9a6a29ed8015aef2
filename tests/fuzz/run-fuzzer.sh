#!/usr/bin/env bash
# Runs one libFuzzer binary for a bounded time from the seed corpus.  New
# inputs go to a scratch corpus in the build dir; a crash fails the test and
# leaves its input (crash-*) next to the scratch corpus, to be added to
# tests/fuzz/corpus/ with the fix.
set -euo pipefail
# Further arguments are libFuzzer options of that harness.
fuzzer=$(realpath "$1") seeds=$(realpath "$2") seconds=$3
shift 3
work="$(dirname "$fuzzer")/$(basename "$fuzzer")-work"
mkdir -p "$work/corpus"
cd "$work"
exec "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 -artifact_prefix="$work/" "$@" "$work/corpus" "$seeds"

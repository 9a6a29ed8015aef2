#!/bin/bash
# The whole benchmark in one command:
#   bench/run.sh [BUILDDIR] [--quick] [--only recv,send,latency,scale,srtp,pool] [--reps N]
# DTLS-SRTP (comedia-bench dtls: per packet against SDES and plain, the
# handshake per profile, a stranger's ClientHello):
#   bench/run.sh [BUILDDIR] dtls [--quick] [--suites aes-cm-128-hmac-sha1-80,...] [--reps N]
# a browser's stream (ICE, DTLS-SRTP, Opus + VP8 from webrtcbin) received by
# comedia and by webrtcbin, CPU per packet (comedia-bench webrtc):
#   bench/run.sh [BUILDDIR] webrtc [--quick] [--bundle max-bundle|none] [--reps N] [--count N]
# and the relay benchmark (comedia-relay-bench):
#   bench/run.sh [BUILDDIR] relay [--quick] [--calls 100,1000,5000] [--kinds comedia,units,raw,rtpengine]
# Builds BUILDDIR (default build-perf, set up if missing), runs the benchmark
# against the freshly built plugin only, and leaves the table, CSV and PNG in
# BUILDDIR/bench-out (BUILDDIR/relay-bench-out, BUILDDIR/dtls-bench-out,
# BUILDDIR/webrtc-bench-out).  Needs gnuplot for the PNG
# (Debian: gnuplot-nox).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build-perf
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ] && [ "$1" != relay ] && [ "$1" != dtls ] &&
    [ "$1" != webrtc ]; then
    build=$(realpath -m "$1")
    shift
fi
program=comedia-bench
out=bench-out
sub=()
if [ "${1:-}" = relay ]; then
    program=comedia-relay-bench
    out=relay-bench-out
    shift
elif [ "${1:-}" = dtls ] || [ "${1:-}" = webrtc ]; then
    sub=("$1")
    out=$1-bench-out
    shift
fi
[ -d "$build" ] || meson setup "$build" "$root" >/dev/null
ninja -C "$build" >/dev/null
export GST_PLUGIN_PATH_1_0=$build/gst
export GST_REGISTRY_1_0=$build/bench/bench-registry.bin
exec "$build/bench/$program" "${sub[@]}" --out "$build/$out" "$@"

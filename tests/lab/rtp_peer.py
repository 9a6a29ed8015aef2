#!/usr/bin/python3
"""A legitimate RTP peer for the NAT-lab attack tests (test-attack.sh).

Like a SIP phone doing symmetric RTP (RFC 4961): it sends PCMU-sized RTP
(one SSRC, consecutive sequence numbers, 20 ms apart) from --local-port to
the server's RTP port, and RTCP (SR + SDES, same SSRC) from --local-port+1
to the server's RTCP port, and reads what the server sends back on those
same sockets.  Plain sockets, no GStreamer: every packet is counted.

  --raw    send through a raw socket, so that nothing listens on the source
           ports: whatever comes back draws ICMP port unreachable (IPv4).
  --status FILE     kept up to date with "ssrc seq": what an on-path observer
                    of this stream would know (test-attack.sh's sustained
                    attacker reads it)
  --sent-log FILE   one line per RTP packet sent: "seq monotonic-time"
  --recv-log FILE   one line per RTP packet received: "seq monotonic-time ip port"
  --offer PORT      first an SDP offer/answer over TCP with the server's
                    sdp-negotiator (c= --offer-address)
  --plain-offer     ... a SIP phone's offer instead of COMEDIA's: its own
                    port, no a=direction
  --burst N         the first N RTP packets back to back, as a camera sends
                    a key frame (then paced at --rate)
  --payload BYTES   RTP payload size (default 160, 20 ms of PCMU)
  --srtp-key B64    send SRTP and SRTCP (AES_CM_128_HMAC_SHA1_80, this
                    base64 master key || salt; libsrtp2 via pylibsrtp)
  --srtp-rx-key B64 what comes back is SRTP/SRTCP with this key: only what
                    authenticates is counted (rx.auth-failed: the rest)

At the end (--seconds, SIGINT or SIGTERM) it prints key=value lines:
  ssrc, seq.first, seq.last, sent.rtp, sent.rtcp, t.first, t.last,
  t.last.rtcp (monotonic times of the first and last RTP, the last RTCP)
  rx.rtp, rx.rtp.missing, rx.auth-failed (gaps between the first and last sequence number
  received), rx.rtp.from (source addresses), rx.rtcp, rx.rtcp.from
"""
import argparse
import os
import random
import select
import signal
import socket
import struct
import sys
import time

import rtplab


def raw_sender(server):
    """Sends UDP datagrams with a chosen source port that no socket has bound."""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)

    def send(sport, dport, payload):
        # checksum 0: none (allowed for UDP over IPv4)
        s.sendto(struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload, (server, 0))
    return send


def offer_answer(a):
    """COMEDIA offer/answer over TCP with the server's sdp-negotiator: the
    offer announces --offer-address in c= (a peer that learnt its public
    address, e.g. by STUN), port 9 and a=direction:active.  Returns the
    answer's text."""
    host, port = a.server, a.offer
    fam = "IP6" if ":" in a.offer_address else "IP4"
    port_line, direction = ("m=audio 9 RTP/AVP 0\r\n", "a=direction:active\r\n")
    if a.plain_offer:
        port_line, direction = (f"m=audio {a.local_port} RTP/AVP 0\r\n", "")
    offer = (f"v=0\r\no=- 1 1 IN {fam} {a.offer_address}\r\ns=lab peer\r\n"
             f"c=IN {fam} {a.offer_address}\r\nt=0 0\r\n" + port_line +
             "a=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n" + direction + "\r\n").encode()
    answers = socket.create_connection((host, port + 1), timeout=5)
    answers.settimeout(1)
    offers = None
    text = b""
    # tcpserversink accepts on its own thread: an answer sent before it took
    # our connection would be lost, so the offer is sent again (the
    # negotiator answers a resent offer the same) until an answer comes.
    for _ in range(5):
        if offers is None:
            try:
                offers = socket.create_connection((host, port), timeout=5)
            except OSError:
                time.sleep(0.2)
                continue
        offers.sendall(offer)
        try:
            while b"\r\n\r\n" not in text and b"\n\n" not in text:
                chunk = answers.recv(4096)
                if not chunk:
                    break
                text += chunk
            break
        except socket.timeout:
            continue
    if offers is not None:
        offers.close()
    answers.close()
    return text.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--rtp-port", type=int, default=5004, help="server's RTP port (RTCP: +1)")
    ap.add_argument("--local", required=True, help="address to bind (the peer's own)")
    ap.add_argument("--local-port", type=int, default=5004, help="local RTP port (RTCP: +1)")
    ap.add_argument("--rate", type=float, default=50, help="RTP packets per second")
    ap.add_argument("--rtcp-interval", type=float, default=0.25)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--ssrc", type=lambda v: int(v, 0), default=None)
    ap.add_argument("--seq", type=int, default=None, help="first sequence number")
    ap.add_argument("--raw", action="store_true")
    ap.add_argument("--offer", type=int, default=0,
                    help="first send an SDP offer to this TCP port of the server (answer: port+1)")
    ap.add_argument("--offer-address", default="0.0.0.0", help="the offer's c= address")
    ap.add_argument("--plain-offer", action="store_true",
                    help="offer as a SIP phone does: its own port, no a=direction")
    ap.add_argument("--burst", type=int, default=0, help="the first N RTP packets back to back")
    ap.add_argument("--payload", type=int, default=rtplab.PCMU_SAMPLES, help="RTP payload bytes")
    ap.add_argument("--srtp-key")
    ap.add_argument("--srtp-rx-key")
    ap.add_argument("--status")
    ap.add_argument("--sent-log")
    ap.add_argument("--recv-log")
    a = ap.parse_args()

    if a.offer:
        answer = offer_answer(a)
        print("answer.passive=%s" % ("true" if "a=direction:passive" in answer else "false"), flush=True)
        print("answer.direction=%s" % ("true" if "a=direction" in answer else "false"), flush=True)
    rnd = random.SystemRandom()
    ssrc = a.ssrc if a.ssrc is not None else rnd.getrandbits(32)
    seq = a.seq if a.seq is not None else rnd.getrandbits(16)
    ts = rnd.getrandbits(32)
    srv_rtp = (a.server, a.rtp_port)
    srv_rtcp = (a.server, a.rtp_port + 1)

    tx = rtplab.srtp_session(a.srtp_key, True) if a.srtp_key else None
    rxs = rtplab.srtp_session(a.srtp_rx_key, False) if a.srtp_rx_key else None
    rx_failed = [0]

    def inbound(data, rtcp):
        """data as sent in the clear, or None if it does not authenticate."""
        if rxs is None:
            return data
        try:
            return rxs.unprotect_rtcp(data) if rtcp else rxs.unprotect(data)
        except Exception:     # pylibsrtp.Error: bad tag, replay, too short
            rx_failed[0] += 1
            return None

    socks = []
    if a.raw:
        raw = raw_sender(a.server)

        def send_rtp(p):
            raw(a.local_port, a.rtp_port, p)

        def send_rtcp(p):
            raw(a.local_port + 1, a.rtp_port + 1, p)
    else:
        rtp_sock = rtplab.udp_socket(a.local, a.local_port)
        rtcp_sock = rtplab.udp_socket(a.local, a.local_port + 1)
        socks = [rtp_sock, rtcp_sock]

        def send_rtp(p):
            rtp_sock.sendto(tx.protect(p) if tx else p, srv_rtp)

        def send_rtcp(p):
            rtcp_sock.sendto(tx.protect_rtcp(p) if tx else p, srv_rtcp)

    stop = []
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))

    sent_log = open(a.sent_log, "w") if a.sent_log else None
    recv_log = open(a.recv_log, "w") if a.recv_log else None
    rx = dict(rtp=0, rtcp=0)
    rx_seqs = []
    rx_from = {"rtp": set(), "rtcp": set()}

    def on_rtp(data, addr):
        data = inbound(data, False)
        if data is None:
            return
        rx["rtp"] += 1
        rx_from["rtp"].add("%s:%d" % addr[:2])
        h = rtplab.parse_rtp(data)
        if h:
            rx_seqs.append(h[1])
            if recv_log:
                recv_log.write("%d %.6f %s %d\n" % (h[1], time.monotonic(), addr[0], addr[1]))

    def on_rtcp(data, addr):
        if inbound(data, True) is None:
            return
        rx["rtcp"] += 1
        rx_from["rtcp"].add("%s:%d" % addr[:2])

    handlers = dict(zip(socks, (on_rtp, on_rtcp)))

    def write_status(s):
        if a.status:
            tmp = a.status + ".tmp"
            with open(tmp, "w") as f:
                f.write("%d %d\n" % (ssrc, s))
            os.replace(tmp, a.status)

    interval = 1.0 / a.rate
    start = time.monotonic()
    next_rtp, next_rtcp = start, start + a.rtcp_interval
    sent = dict(rtp=0, rtcp=0)
    first_seq, t_first, t_last, t_last_rtcp = seq, None, None, None
    payload = b"\xff" * a.payload

    def send_one():
        nonlocal seq, ts, t_first, t_last
        send_rtp(rtplab.rtp_packet(ssrc, seq, ts, payload=payload))
        t_last = time.monotonic()
        t_first = t_first or t_last
        if sent_log:
            sent_log.write("%d %.6f\n" % (seq, t_last))
        write_status(seq)
        sent["rtp"] += 1
        seq = (seq + 1) & 0xFFFF
        ts += rtplab.PCMU_SAMPLES

    # A key frame, back to back: no pacing, no reading in between.
    for _ in range(a.burst):
        send_one()
    if a.burst:
        next_rtp = time.monotonic() + interval
    while not stop and time.monotonic() - start < a.seconds:
        now = time.monotonic()
        if now >= next_rtp:
            send_one()
            next_rtp += interval
        if now >= next_rtcp:
            send_rtcp(rtplab.rtcp_sr(ssrc, ts, sent["rtp"], sent["rtp"] * rtplab.PCMU_SAMPLES))
            t_last_rtcp = time.monotonic()
            sent["rtcp"] += 1
            next_rtcp += a.rtcp_interval
        wait = max(0.0, min(next_rtp, next_rtcp) - time.monotonic())
        if socks:
            try:
                ready, _, _ = select.select(socks, [], [], wait)
            except InterruptedError:
                ready = []
            for s in ready:
                rtplab.drain(s, handlers[s])
        else:
            time.sleep(wait)
    # What was already on its way back
    end = time.monotonic() + 0.1
    while socks and time.monotonic() < end:
        for s in socks:
            rtplab.drain(s, handlers[s])
        time.sleep(0.01)

    missing = 0
    for prev, cur in zip(rx_seqs, rx_seqs[1:]):
        d = (cur - prev) & 0xFFFF
        if 1 < d < 0x8000:
            missing += d - 1
    print(f"ssrc={ssrc}")
    print(f"seq.first={first_seq}")
    print(f"seq.last={(seq - 1) & 0xFFFF}")
    print(f"sent.rtp={sent['rtp']}")
    print(f"sent.rtcp={sent['rtcp']}")
    print(f"t.first={t_first or 0:.6f}")
    print(f"t.last={t_last or 0:.6f}")
    print(f"t.last.rtcp={t_last_rtcp or 0:.6f}")
    print(f"rx.rtp={rx['rtp']}")
    print(f"rx.rtp.missing={missing}")
    print(f"rx.rtp.from={','.join(sorted(rx_from['rtp']))}")
    print(f"rx.rtcp={rx['rtcp']}")
    print(f"rx.auth-failed={rx_failed[0]}")
    print(f"rx.rtcp.from={','.join(sorted(rx_from['rtcp']))}")
    for f in (sent_log, recv_log):
        if f:
            f.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""A SIP-style phone that renegotiates, for the NAT-lab re-offer test
(test-attack.sh reoffer): plain sockets, offers and answers over the
sdp-negotiator's TCP pads (offers to --sdp-port, answers from the next).

What it does, in phases, as a SIP call does with re-INVITEs:
  call     offer its private address and port P1 (no a=direction), send
           symmetric RTP and RTCP from P1/P1+1
  hold     re-offer a=sendonly (music on hold: it keeps sending)
  resume   re-offer a=sendrecv
  moved    the phone changed network: new sockets on P2/P2+1 and a new SSRC,
           re-offer with P2; a few stray packets still leave P1 afterwards
Every offer bumps o='s version.  At the end it prints key=value lines:
  answer.PHASE.port, answer.PHASE.direction (the answer's m= port, its
  sendrecv/recvonly/... attribute), rx.PHASE.P (RTP from the server that
  reached local port P during PHASE), sent.PHASE, ssrc.PHASE, stray.sent
"""
import argparse
import random
import select
import socket
import sys
import time

import rtplab


def read_message(conn):
    """One SDP message (up to its empty line) from the answers connection."""
    data = b""
    while b"\r\n\r\n" not in data and b"\n\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace")


def answer_facts(text):
    port, direction = "", "sendrecv"
    for line in text.splitlines():
        if line.startswith("m="):
            port = line.split()[1]
        if line.strip() in ("a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive"):
            direction = line.strip()[2:]
    return port, direction


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--sdp-port", type=int, default=7000)
    ap.add_argument("--rtp-port", type=int, default=5004, help="the server's RTP port (RTCP: +1)")
    ap.add_argument("--local", required=True, help="the phone's own (private) address")
    ap.add_argument("--port1", type=int, default=4000)
    ap.add_argument("--port2", type=int, default=4100)
    ap.add_argument("--phase-seconds", type=float, default=1.5)
    ap.add_argument("--rate", type=float, default=50)
    a = ap.parse_args()

    answers = socket.create_connection((a.server, a.sdp_port + 1), timeout=5)
    # The server's tcpserversink takes the connection on its own thread.
    time.sleep(0.5)
    offers = socket.create_connection((a.server, a.sdp_port), timeout=5)
    answers.settimeout(5)
    rnd = random.SystemRandom()
    version = [1]
    out = {}

    def negotiate(phase, port, direction):
        offer = (f"v=0\r\no=- 42 {version[0]} IN IP4 {a.local}\r\ns=phone\r\n"
                 f"c=IN IP4 {a.local}\r\nt=0 0\r\nm=audio {port} RTP/AVP 0\r\n"
                 f"a=rtpmap:0 PCMU/8000\r\na={direction}\r\n\r\n")
        version[0] += 1
        offers.sendall(offer.encode())
        ans_port, ans_dir = answer_facts(read_message(answers))
        out[f"answer.{phase}.port"] = ans_port
        out[f"answer.{phase}.direction"] = ans_dir

    srv_rtp, srv_rtcp = (a.server, a.rtp_port), (a.server, a.rtp_port + 1)
    sockets = {}

    def open_pair(port):
        sockets[port] = (rtplab.udp_socket(a.local, port), rtplab.udp_socket(a.local, port + 1))

    rx = {}
    state = {"seq": rnd.getrandbits(16), "ts": rnd.getrandbits(32)}

    def run(phase, port, ssrc, seconds, stray_from=None, stray_ssrc=None):
        interval = 1.0 / a.rate
        end = time.monotonic() + seconds
        nxt = time.monotonic()
        sent = 0
        strays = 0
        while time.monotonic() < end:
            now = time.monotonic()
            if now >= nxt:
                rtp_sock, rtcp_sock = sockets[port]
                rtp_sock.sendto(rtplab.rtp_packet(ssrc, state["seq"], state["ts"]), srv_rtp)
                if sent % 10 == 0:
                    rtcp_sock.sendto(rtplab.rtcp_sr(ssrc, state["ts"], sent, sent * 160), srv_rtcp)
                # A stray from the old port now and then, continuing its stream.
                if stray_from is not None and sent % 10 == 5:
                    sockets[stray_from][0].sendto(
                        rtplab.rtp_packet(stray_ssrc, (state["seq"] + 30000) & 0xFFFF, state["ts"]),
                        srv_rtp)
                    strays += 1
                state["seq"] = (state["seq"] + 1) & 0xFFFF
                state["ts"] += rtplab.PCMU_SAMPLES
                sent += 1
                nxt += interval
            socks = [s for pair in sockets.values() for s in pair]
            ready, _, _ = select.select(socks, [], [], max(0.0, nxt - time.monotonic()))
            for s in ready:
                local_port = s.getsockname()[1]

                def count(data, addr, lp=local_port):
                    if lp in sockets:          # an RTP socket
                        key = f"rx.{phase}.{lp}"
                        rx[key] = rx.get(key, 0) + 1
                rtplab.drain(s, count)
        out[f"sent.{phase}"] = sent
        out[f"ssrc.{phase}"] = ssrc
        if stray_from is not None:
            out["stray.sent"] = strays

    first_ssrc, second_ssrc = rnd.getrandbits(32), rnd.getrandbits(32)
    open_pair(a.port1)
    negotiate("call", a.port1, "sendrecv")
    run("call", a.port1, first_ssrc, a.phase_seconds)
    negotiate("hold", a.port1, "sendonly")
    run("hold", a.port1, first_ssrc, a.phase_seconds)
    negotiate("resume", a.port1, "sendrecv")
    run("resume", a.port1, first_ssrc, a.phase_seconds)
    open_pair(a.port2)
    negotiate("moved", a.port2, "sendrecv")
    run("moved", a.port2, second_ssrc, a.phase_seconds * 2, stray_from=a.port1,
        stray_ssrc=first_ssrc)

    for phase in ("call", "hold", "resume", "moved"):
        for port in (a.port1, a.port2):
            out.setdefault(f"rx.{phase}.{port}", rx.get(f"rx.{phase}.{port}", 0))
    for k, v in out.items():
        print(f"{k}={v}")
    offers.close()
    answers.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

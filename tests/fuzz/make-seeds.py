#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz harnesses (run once; the files are
committed).  Latch-policy inputs follow fuzz_latchpolicy.cpp's layout: a
config header, then operations (op, time step, address, length, packet)."""
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))


def rtp(ssrc, seq, pt=96, payload=b"\x00" * 20):
    return struct.pack("!BBHII", 0x80, pt, seq, seq * 3000, ssrc) + payload


def rtcp_rr(ssrc):
    rb = struct.pack("!IIIIII", 0x1234, 0, 100, 0, 0, 0)
    rr = struct.pack("!BBHI", 0x81, 201, 7, ssrc) + rb
    sdes = struct.pack("!BBHI", 0x81, 202, 3, ssrc) + b"\x01\x04test\x00\x00"
    return rr + sdes


def packet_op(addr, port, time_step, pkt):
    assert len(pkt) < 256
    return bytes([2, time_step, addr]) + struct.pack("<H", port) + bytes([len(pkt)]) + pkt


def write(kind, name, data):
    path = os.path.join(here, "corpus", kind, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


# flags: bit0 RTCP component, bit1 mux, bit2 rtcp needs rtp peer,
# bits3-4 relatch, bit6 allowed prefix; then probation, min time, timeout.
def header(flags, probation=4, min_ms=20, timeout=10):
    return bytes([flags, probation - 1, min_ms, timeout])


legit = b"".join(packet_op(4, 40000, 40, rtp(0x600D, s)) for s in range(6))
write("latchpolicy", "probation-legit", header(0x08) + legit)
spray = b"".join(packet_op(1 + 4 * (i % 3), 5000 + i, 1, rtp(0xBAD0 + i, i)) for i in range(10))
write("latchpolicy", "spray-then-legit", header(0x08) + spray + legit)
rebind = legit + b"".join(packet_op(4, 41000, 40, rtp(0x600D, s)) for s in range(6, 9))
write("latchpolicy", "nat-rebinding", header(0x08, probation=1) + rebind)
silence = legit + bytes([0, 250]) * 3 + b"".join(packet_op(8, 42000, 40, rtp(0x7777, s)) for s in range(5))
write("latchpolicy", "relatch-after-silence", header(0x10) + silence)
# A NAT reboot: 30 packets 20 ms apart (the peer's clock is learnt), 5 s
# without any (40 steps of 125 ms), then the stream from a new port, 250
# sequence numbers and 5 s of timestamps on: a continuation after silence.
call = b"".join(packet_op(4, 40000, 40, rtp(0x600D, s)) for s in range(30))
outage = bytes([0, 250]) * 40
back = b"".join(packet_op(4, 41000, 40, rtp(0x600D, s)) for s in range(280, 286))
write("latchpolicy", "continuation-after-outage", header(0x08) + call + outage + back)
rtcp = packet_op(4, 40001, 10, rtcp_rr(0xBAD)) + packet_op(4, 40001, 10, rtcp_rr(0x600D))
write("latchpolicy", "rtcp-waiting", header(0x05) + rtcp + bytes([1 | 0x10, 5]) + b"\x0d\x60")
write("latchpolicy", "rtcp-mux", header(0x02, probation=1) + packet_op(4, 40000, 1, rtcp_rr(1)) + packet_op(4, 40000, 1, rtp(1, 1)))
write("latchpolicy", "ipv6-and-mapped", header(0x48, probation=1) + packet_op(2, 5004, 1, rtp(5, 1)) + packet_op(3, 5004, 1, rtp(5, 2)))
write("latchpolicy", "malformed", header(0x00, probation=1) + packet_op(4, 1, 1, b"\x80") + packet_op(4, 1, 1, rtp(1, 1)[:11]) + packet_op(4, 1, 1, b"\x40" + rtp(1, 1)[1:]))

kurento_offer = (
    "v=0\r\no=- 0 0 IN IP4 192.168.1.20\r\ns=Example sender\r\nc=IN IP4 192.168.1.20\r\nt=0 0\r\n"
    "m=audio 9 RTP/AVPF 96\r\na=rtpmap:96 opus/48000/2\r\na=sendonly\r\na=direction:active\r\n"
    "m=video 9 RTP/AVPF 103\r\na=rtpmap:103 H264/90000\r\na=sendonly\r\na=direction:active\r\n")
write("sdp", "kurento-offer", kurento_offer.encode())
plain_offer = (
    "v=0\no=- 1 1 IN IP4 198.51.100.7\ns=-\nc=IN IP4 198.51.100.7\nt=0 0\n"
    "m=video 5004 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=rtcp:5005\n")
write("sdp", "no-direction", plain_offer.encode())
mux_offer = (
    "v=0\no=- 2 2 IN IP6 ::\ns=-\nc=IN IP6 ::\nt=0 0\n"
    "m=audio 9 RTP/AVP 111\na=rtpmap:111 opus/48000/2\na=fmtp:111 minptime=10\na=rtcp-mux\na=direction:active\n")
write("sdp", "ipv6-rtcp-mux", mux_offer.encode())
answer = (
    "v=0\no=- 3 3 IN IP4 203.0.113.10\ns=-\nc=IN IP4 203.0.113.10\nt=0 0\n"
    "m=audio 40002 RTP/AVPF 96\na=rtpmap:96 opus/48000/2\na=recvonly\na=direction:passive\n"
    "m=video 40004 RTP/AVPF 103\na=rtpmap:103 H264/90000\na=recvonly\na=direction:passive\n")
write("sdp", "offer-and-answer", (kurento_offer + "\n--\n" + answer).encode())
write("sdp", "bad-direction", kurento_offer.replace("direction:active", "direction:sideways", 1).encode())
write("sdp", "not-sdp", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")

# Framing inputs follow fuzz_sdpframing.cpp's layout: a byte for the limit
# (16 + 4 * b), a count of piece sizes, the sizes (1 + b), then the stream.
def framing(limit_byte, sizes, stream):
    return bytes([limit_byte, len(sizes)] + [s - 1 for s in sizes]) + stream


write("sdpframing", "one-offer-eos", framing(255, [7], kurento_offer.encode()))
write("sdpframing", "two-offers-crlf", framing(255, [5, 1, 13],
      (kurento_offer + "\r\n" + kurento_offer + "\r\n").encode()))
write("sdpframing", "lf-and-blank-lines", framing(200, [3], ("\n\r\n" + plain_offer + "\n\n\n" + mux_offer).encode()))
write("sdpframing", "not-sdp-first-line", framing(255, [2], b"GET / HTTP/1.1\r\nHost: x\r\n\r\nv=0\n"))
write("sdpframing", "over-the-limit", framing(4, [9], b"v=0\n" + b"a=x\n" * 20 + b"\n"))
write("sdpframing", "cr-before-lf-split", framing(255, [1], b"v=0\n\r\nv=0\n\rv=0\r\r\n\n"))
# Two messages without the empty line between them (cut at the second v=),
# and a last line without its line end at EOS.
write("sdpframing", "second-v-no-empty-line", framing(255, [3, 11],
      (kurento_offer + kurento_offer).encode()))
write("sdpframing", "no-final-line-end-eos", framing(255, [6],
      kurento_offer.rstrip("\r\n").encode()))


# Dispatch inputs follow fuzz_dispatch.cpp's layout: a header (flags,
# probation, probation time, timeout, mtu), then operations: a batch of
# datagrams (op = 3 + 8 * (n - 1)), time passing (0), the RTP peer (1),
# the allowed source (2), each with a time step.
def dispatch_header(flags, probation=1, min_ms=0, timeout=0, mtu=1500):
    return bytes([flags, probation - 1, min_ms, timeout, (mtu - 16) // 8])


def d_rtp(addr, ssrc, seq, keepalive=False):
    return bytes([addr, 0x10 if keepalive else 0x00, ssrc]) + struct.pack("<H", seq)


def d_rr(addr, ssrc, truncated=False):
    return bytes([addr, 2 | (4 if truncated else 0), ssrc])


def d_raw(addr, data):
    return bytes([addr, 3, len(data)]) + data


def batch(time_step, *datagrams):
    assert 1 <= len(datagrams) <= 16
    return bytes([3 + 8 * (len(datagrams) - 1), time_step]) + b"".join(datagrams)


peer, other = 0, 1
write("dispatch", "probation-in-a-batch", dispatch_header(0x08, probation=4, min_ms=20)
      + batch(1, *[d_rtp(other, 0xBA, i) for i in range(3)])
      + batch(40, *[d_rtp(peer, 0x60, s) for s in range(2)])
      + batch(40, *[d_rtp(peer, 0x60, s) for s in range(2, 6)]))
write("dispatch", "keepalive-latch-then-media-ssrc", dispatch_header(0x08)
      + batch(1, *[d_rtp(peer, 0xAA, s, keepalive=True) for s in range(3)])
      + batch(1, d_rtp(peer, 0xBB, 100), d_rtp(peer, 0xAA, 3, keepalive=True), d_rtp(peer, 0xBB, 101)))
write("dispatch", "muxed-rtcp-before-rtp", dispatch_header(0x06)
      + batch(1, d_rr(peer, 5), d_rr(other, 5))
      + bytes([0, 120])
      + batch(1, d_rtp(peer, 5, 1), d_rr(peer, 5), d_rtp(peer, 5, 2)))
write("dispatch", "rtcp-component-waits", dispatch_header(0x05)
      + batch(1, d_rr(peer, 9), d_rr(other, 9))
      + bytes([1 | 0x10, 10, 9, peer])
      + bytes([0, 120])
      + batch(1, d_rr(peer, 9), d_rr(other, 9)))
write("dispatch", "silence-relatch-and-allowed", dispatch_header(0x10, probation=2, timeout=10)
      + batch(1, d_rtp(peer, 1, 1), d_rtp(peer, 1, 2))
      + bytes([0, 250]) * 2
      + batch(1, d_rtp(other, 2, 7), d_rtp(other, 2, 8), d_rtp(peer, 1, 3))
      + bytes([2 | 0x10, 1])
      + batch(1, d_rtp(other, 2, 9), d_rtp(peer, 1, 4), d_rtp(peer, 1, 5)))
# Under SRTP (flag 0x40), after an outage, one authenticated packet of the
# peer's SSRC from a new port, far ahead, re-latches.
write("dispatch", "srtp-continuation-after-outage", dispatch_header(0x48)
      + batch(1, *[d_rtp(peer, 0x60, s) for s in range(1, 4)])
      + bytes([0, 250]) * 40
      + batch(1, d_rtp(peer + 0x10, 0x60, 300), d_rtp(peer + 0x10, 0x60, 301)))
write("dispatch", "malformed-and-mtu", dispatch_header(0x00, mtu=64)
      + batch(1, d_raw(peer, b"\x80"), d_raw(peer, b"\x80\x60" + b"\x00" * 70),
              d_raw(peer, b""), d_rr(peer, 3, truncated=True), d_rtp(peer, 3, 1)))

# a=crypto values, one per line (fuzz_sdescrypto.cpp).
key30 = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"  # RFC 4568's example key
key28 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw=="
key46 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLQ=="
key44 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKis="
write("sdescrypto", "every-suite", (
    f"1 AES_CM_128_HMAC_SHA1_80 inline:{key30}\n2 AES_CM_128_HMAC_SHA1_32 inline:{key30}\n"
    f"3 AES_256_CM_HMAC_SHA1_80 inline:{key46}\n4 AES_256_CM_HMAC_SHA1_32 inline:{key46}\n"
    f"5 AEAD_AES_128_GCM inline:{key28}\n6 AEAD_AES_256_GCM inline:{key44}").encode())
write("sdescrypto", "lifetime-mki", f"1 AES_CM_128_HMAC_SHA1_80 inline:{key30}|2^20|1:4\n"
      f"2 AES_CM_128_HMAC_SHA1_32 inline:{key30}|2^31\n3 AES_CM_128_HMAC_SHA1_80 inline:{key30}|1:1".encode())
write("sdescrypto", "bad-lines", f"1 F8_128_HMAC_SHA1_80 inline:{key30}\n"
      f"2 AES_CM_128_HMAC_SHA1_80 inline:{key28}\n3 AES_CM_128_HMAC_SHA1_80 inline:!!!!\n"
      f"x AES_CM_128_HMAC_SHA1_80 inline:{key30}\n4 AES_CM_128_HMAC_SHA1_80 inline:{key30};inline:{key30}".encode())
write("sdescrypto", "session-params", f"1 AES_CM_128_HMAC_SHA1_80 inline:{key30} KDR=23 UNENCRYPTED_SRTP".encode())
# A session parameter that carries a key: the log form must leave it out.
write("sdescrypto", "fec-key", f"1 AES_CM_128_HMAC_SHA1_80 inline:{key30} FEC_KEY=inline:{key30}".encode())

# DTLS-SRTP over COMEDIA's gate (fuzz_dtlsgate.cpp): a flags byte (bits 0-1
# max candidates - 1, bit 2 probation 2, bit 4 lossy answers), then
# operations: op % 7 says what (0 the good client's next datagram from its
# home, 1 the other client's, 2 a copy of one from anywhere, 3 a raw record,
# 4 plain RTP, 5 SRTP under the good client's key, 6 time), op >> 5 from
# which of four sources.
def g_op(what, source=0):
    for op in range(32 * source, 32 * source + 32):
        if op % 7 == what:
            return bytes([op])
    raise ValueError(what)


# A ClientHello as comedia's DtlsTransport (OpenSSL 3.0, DTLS 1.2, use_srtp)
# sends it: a real record among the raw ones.
client_hello = bytes.fromhex(
    "16feff000000000000000000cb010000bf00000000000000bffefd5f41ab852c"
    "cf4a9af4f7520ca7e861452591e51d487192f0ee26de1d287fc97000000038c0"
    "2cc030009fcca9cca8ccaac02bc02f009ec024c028006bc023c0270067c00ac0"
    "140039c009c0130033009d009c003d003c0035002f00ff0100005d000b000403"
    "000102000a000c000a001d0017001e00190018000e000b000800080007000100"
    "02000016000000170000000d002a0028040305030603080708080809080a080b"
    "080408050806040105010601030303010302040205020602")
assert client_hello[0] == 22
raw_hello = g_op(3, 3) + struct.pack("<H", len(client_hello) - 1) + bytes([2]) + client_hello[1:]
handshake = g_op(0) * 8
srtp = g_op(5) * 3
write("dtlsgate", "handshake-then-srtp", bytes([0x00]) + g_op(4, 0) + g_op(4, 2) + raw_hello
      + g_op(5, 2) + handshake + srtp + g_op(5, 2) + g_op(4, 0))
# Strangers' ClientHellos, a copy of the good client's from elsewhere, the
# client with another certificate, mutated copies, then the handshake.
write("dtlsgate", "spray-copies-and-impostor", bytes([0x01]) + raw_hello * 3
      + g_op(2, 2) + bytes([0]) + g_op(1) * 6 + g_op(0)
      + g_op(2, 3) + bytes([1, 40, 7]) + handshake + srtp + g_op(2, 2) + bytes([2, 10]))
write("dtlsgate", "lost-answers-and-retransmissions", bytes([0x14]) + g_op(0) * 2
      + (g_op(6) + bytes([250])) * 8 + handshake + (g_op(6) + bytes([200])) * 4 + handshake + srtp)

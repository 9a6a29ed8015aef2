"""RTP and RTCP packets for the NAT-lab attack tests (rtp_peer.py,
rtp_attacker.py): real RFC 3550 headers, built and read with struct.

Imported by scripts in this directory only; it opens no socket itself.
"""
import base64
import socket
import struct
import time

PCMU_PT = 0
PCMU_SAMPLES = 160          # 20 ms at 8 kHz
NTP_EPOCH_OFFSET = 2208988800


def rtp_packet(ssrc, seq, ts, pt=PCMU_PT, payload=b"\xff" * PCMU_SAMPLES, marker=False):
    """An RTP packet: V=2, no padding, no extension, no CSRC."""
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF,
                       ts & 0xFFFFFFFF, ssrc & 0xFFFFFFFF) + payload


def parse_rtp(data):
    """(ssrc, seq, pt) of an RTP packet, or None."""
    if len(data) < 12 or data[0] >> 6 != 2:
        return None
    _, m_pt, seq, _, ssrc = struct.unpack_from("!BBHII", data)
    return ssrc, seq, m_pt & 0x7F


def _sdes_cname(ssrc, cname):
    item = bytes([1, len(cname)]) + cname
    chunk = struct.pack("!I", ssrc) + item + b"\x00"      # item list ends with a null
    chunk += b"\x00" * (-len(chunk) % 4)
    return struct.pack("!BBH", 0x81, 202, (4 + len(chunk)) // 4 - 1) + chunk


def rtcp_sr(ssrc, rtp_ts, packets, octets, cname=b"lab"):
    """A compound RTCP packet: a Sender Report without blocks, then SDES CNAME
    (RFC 3550 6.1: every compound starts with SR/RR and carries a CNAME)."""
    now = time.time() + NTP_EPOCH_OFFSET
    ntp_hi, ntp_lo = int(now), int((now % 1) * (1 << 32))
    sr = struct.pack("!BBHIIIIII", 0x80, 200, 6, ssrc & 0xFFFFFFFF, ntp_hi, ntp_lo,
                     rtp_ts & 0xFFFFFFFF, packets, octets)
    return sr + _sdes_cname(ssrc, cname)


def rtcp_rr(ssrc, cname=b"lab"):
    """A compound RTCP packet: an empty Receiver Report, then SDES CNAME."""
    return struct.pack("!BBHI", 0x80, 201, 1, ssrc & 0xFFFFFFFF) + _sdes_cname(ssrc, cname)


def rtcp_sender_ssrc(data):
    """SSRC of the first packet of an RTCP compound (SR/RR), or None."""
    if len(data) < 8 or data[0] >> 6 != 2 or data[1] not in (200, 201):
        return None
    return struct.unpack_from("!I", data, 4)[0]


def family_of(ip):
    return socket.AF_INET6 if ":" in ip else socket.AF_INET


def udp_socket(ip, port):
    """A non-blocking UDP socket bound to (ip, port) (port 0: any)."""
    s = socket.socket(family_of(ip), socket.SOCK_DGRAM)
    s.bind((ip, port))
    s.setblocking(False)
    return s


def drain(sock, on_packet):
    """Reads everything queued on a non-blocking socket: on_packet(data, addr)."""
    n = 0
    while True:
        try:
            data, addr = sock.recvfrom(2048)
        except (BlockingIOError, InterruptedError):
            return n
        except OSError:
            # e.g. ECONNREFUSED from an ICMP error: not a packet, keep going
            continue
        n += 1
        on_packet(data, addr)


class Pacer:
    """Yields at absolute times start + i * interval, so the rate stays right
    however long each round takes; wait(sockets) sleeps in select() so that
    received packets are read meanwhile."""

    def __init__(self, interval):
        self.interval = interval
        self.start = time.monotonic()
        self.i = 0

    def next_due(self):
        return self.start + self.i * self.interval

    def tick(self):
        self.i += 1


def srtp_session(key_b64, outbound, repeat=False):
    """A libsrtp2 session (Debian's python3-pylibsrtp, a thin binding: no
    crypto here) for AES_CM_128_HMAC_SHA1_80 with KEY_B64 (base64 of the 30
    bytes master key || salt), any SSRC, one direction.  protect(),
    protect_rtcp(), unprotect(), unprotect_rtcp(); unprotect raises
    pylibsrtp.Error on a bad tag or a replay.  repeat: protect() takes a
    sequence number again (a copycat that sends the peer's next one twice)."""
    import pylibsrtp
    key = base64.b64decode(key_b64)
    if len(key) != 30:
        raise ValueError("an AES_CM_128_HMAC_SHA1_80 key is 30 bytes, not %d" % len(key))
    kind = pylibsrtp.Policy.SSRC_ANY_OUTBOUND if outbound else pylibsrtp.Policy.SSRC_ANY_INBOUND
    policy = pylibsrtp.Policy(key=key, ssrc_type=kind,
                              srtp_profile=pylibsrtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_80)
    policy.allow_repeat_tx = repeat
    return pylibsrtp.Session(policy)

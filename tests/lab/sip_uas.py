"""A minimal SIP user agent server over UDP, for the NAT-lab tests with real
SIP phones (baresip): it answers INVITE (and re-INVITE) with 200 OK and the
SDP that a callback returns, ACK needs nothing, BYE and OPTIONS get 200 OK.
No registrar, no authentication, no retransmission timers of its own: the
phone in the lab calls it directly, and the lab does not lose datagrams.  It
does absorb the phone's retransmissions (RFC 3261 17.2.1): a request it has
answered gets the same response again, not a second answer.  Without that, an
INVITE whose answer took over T1 (500 ms; a sanitizer build can) reached the
negotiator twice, and the phone kept the SDES key of the first 200 OK while
the server sent with the second's.

This is test scaffolding, not a SIP stack: it parses only the headers a
response must copy (RFC 3261 8.2.6: Via, From, To, Call-ID, CSeq).

Imported by latch_server.py (--sip); it opens the socket it is given only.
"""
import select
import socket
import uuid

COPIED = ("via", "from", "to", "call-id", "cseq")


def parse_request(data):
    """(method, headers as (name, value) in order, body) of a SIP request,
    or None for a response or rubbish."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("SIP/2.0"):
        return None
    headers = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:          # folded header line
            headers[-1] = (headers[-1][0], headers[-1][1] + " " + line.strip())
            continue
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return parts[0], headers, body


def response(headers, code, reason, to_tag, contact=None, body=None):
    out = [f"SIP/2.0 {code} {reason}"]
    for name, value in headers:
        low = name.lower()
        if low not in COPIED:
            continue
        if low == "to" and "tag=" not in value:
            value += f";tag={to_tag}"
        out.append(f"{name}: {value}")
    if contact:
        out.append(f"Contact: <{contact}>")
    out.append("Server: comedia-lab-uas")
    if body:
        out.append("Content-Type: application/sdp")
    out.append(f"Content-Length: {len(body.encode()) if body else 0}")
    return ("\r\n".join(out) + "\r\n\r\n" + (body or "")).encode()


class Uas:
    """Answers the requests that reach @sock (a bound UDP socket).
    on_offer(sdp_text) returns the answer's text, or None to refuse (488);
    on_event(name, **fields) is told of each request."""

    def __init__(self, sock, contact, on_offer, on_event):
        self.sock = sock
        self.contact = contact
        self.on_offer = on_offer
        self.on_event = on_event
        self.to_tag = uuid.uuid4().hex[:12]
        self.running = True
        self.answered = {}          # transaction -> the response sent

    @staticmethod
    def transaction(method, headers):
        """What identifies a request's server transaction: the top Via's
        branch, the method and the CSeq (RFC 3261 17.2.3), with the Call-ID."""
        fields = {}
        for name, value in headers:
            fields.setdefault(name.lower(), value)
        via = fields.get("via", "")
        branch = via.partition("branch=")[2].split(";")[0].strip()
        return (branch, method, fields.get("cseq", ""), fields.get("call-id", ""))

    def serve(self):
        while self.running:
            ready, _, _ = select.select([self.sock], [], [], 0.2)
            if not ready:
                continue
            try:
                data, peer = self.sock.recvfrom(65535)
            except OSError:
                continue
            req = parse_request(data)
            if req is None:
                continue
            method, headers, body = req
            self.on_event("sip-" + method.lower(), source=f"{peer[0]}:{peer[1]}")
            # The response goes where the request came from (RFC 3581 rport:
            # the phone is behind NAT and its Via names its private address).
            key = self.transaction(method, headers)
            if key in self.answered:
                self.sock.sendto(self.answered[key], peer)
                continue
            if method == "INVITE":
                answer = self.on_offer(body) if body else None
                if answer is None:
                    reply = response(headers, 488, "Not Acceptable Here", self.to_tag)
                else:
                    reply = response(headers, 200, "OK", self.to_tag, self.contact, answer)
            elif method in ("BYE", "OPTIONS", "CANCEL"):
                reply = response(headers, 200, "OK", self.to_tag)
            else:               # ACK: nothing to answer
                continue
            if len(self.answered) > 256:
                self.answered.clear()
            self.answered[key] = reply
            self.sock.sendto(reply, peer)

    def stop(self):
        self.running = False


def udp_listener(ip, port):
    sock = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((ip, port))
    return sock

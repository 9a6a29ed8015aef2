/* libFuzzer harness: DTLS-SRTP over COMEDIA on one component, as
 * comedia-rtpsrc's DtlsReceiver runs it in the server role: each datagram
 * goes through dtls_gate_action, DTLS to a DtlsCandidateTable, the rest to
 * the PacketDispatch, which gets the keys and the verified source once the
 * table has verified one.  The input mixes, from four sources, datagrams of
 * a real client that holds the expected certificate (its home is source 0,
 * where the server's answers reach it), of a real client with another
 * certificate (home 1), copies of their datagrams from elsewhere (mutated or
 * not), raw records, plain RTP and SRTP under the good client's key, and
 * time.  Checked:
 * - before a handshake verified, nothing latches and nothing passes;
 * - only the good client's home can be verified, with its fingerprint;
 * - after it, what passes came from the verified source and was protected
 *   with the good client's key;
 * - the candidates stay bounded.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "fuzzinput.h"
#include "dtlscandidates.h"
#include "packetdispatch.h"
#include "srtpsession.h"

#include <deque>
#include <memory>

using namespace comedia;

namespace {

struct Peers {
  std::shared_ptr<DtlsContext> server, good, bad;
  Fingerprint server_fp, good_fp;
};

const Peers &
peers ()
{
  static const Peers p = [] {
    Peers made;
    std::string error;
    auto server = DtlsCertificate::generate (&error);
    auto good = DtlsCertificate::generate (&error);
    auto bad = DtlsCertificate::generate (&error);
    CHECK (server && good && bad);
    made.server = DtlsContext::create (server, &error);
    made.good = DtlsContext::create (good, &error);
    made.bad = DtlsContext::create (bad, &error);
    CHECK (made.server && made.good && made.bad);
    made.server_fp = *server->fingerprint ("sha-256");
    made.good_fp = *good->fingerprint ("sha-256");
    return made;
  } ();
  return p;
}

PeerAddress
source (uint8_t which)
{
  return PeerAddress::ipv4 ({203, 0, 113, uint8_t (1 + which % 4)}, uint16_t (40000 + which % 4));
}

/* A client at its home source: what it has to send, in order. */
struct Client {
  std::unique_ptr<DtlsTransport> transport;
  std::deque<Datagram> outbox;
  void take (std::vector<Datagram> out)
  {
    for (Datagram & d : out)
      outbox.push_back (std::move (d));
  }
};

Client
make_client (const std::shared_ptr<DtlsContext> & context, gint64 now)
{
  DtlsTransportOptions options;
  options.role = DtlsRole::Client;
  options.peer_fingerprints = {peers ().server_fp};
  std::string error;
  Client c;
  c.transport = DtlsTransport::create (context, options, &error);
  CHECK (c.transport);
  c.take (c.transport->start (now));
  return c;
}

GstBuffer *
rtp (uint32_t ssrc, uint16_t seq)
{
  uint8_t b[32] = { 0x80, 96, uint8_t (seq >> 8), uint8_t (seq), 0, 0, 0, 0,
    uint8_t (ssrc >> 24), uint8_t (ssrc >> 16), uint8_t (ssrc >> 8), uint8_t (ssrc) };
  GstBuffer *buf = gst_buffer_new_memdup (b, sizeof b);
  GST_BUFFER_OFFSET_END (buf) = 0;
  return buf;
}

}  // namespace

extern "C" int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  Input in { data, size };
  const Peers &p = peers ();
  uint8_t flags = in.byte ();
  gint64 now = 1000 * G_USEC_PER_SEC;

  DtlsCandidateLimits limits;
  limits.max_candidates = 1 + flags % 4;
  DtlsCandidateTable table (p.server, {p.good_fp}, limits);
  PacketDispatch::Config config;
  config.own.probation_packets = 1 + ((flags >> 2) & 1);
  PacketDispatch dispatch (config);
  Client good = make_client (p.good, now), bad = make_client (p.bad, now);
  std::unique_ptr<SrtpSession> good_srtp;   /* the good client's sending key */
  bool lossy = flags & 0x10;

  /* Each packet given says where it came from (offset) and whether the
   * good client protected it (offset_end): buffer fields the dispatch
   * keeps through unprotecting. */
  bool verified = false;
  uint16_t seq = 0;
  size_t passed_total = 0;

  /* The server's answers reach a client when sent to its home. */
  auto deliver = [&] (const DtlsCandidateResult & r) {
    for (const AddressedDatagram & d : r.send) {
      if (lossy && (in.byte () & 1))
        continue;
      Client *to = d.to == source (0) ? &good : d.to == source (1) ? &bad : nullptr;
      if (to && to->transport->state () != DtlsState::Failed)
        to->take (to->transport->feed (d.data, now));
    }
    for (const DtlsCandidateEvent & e : r.events) {
      if (e.kind != DtlsCandidateEvent::Kind::Verified)
        continue;
      CHECK (!verified);
      CHECK (e.address == source (0));
      CHECK (e.peer_fingerprint && *e.peer_fingerprint == p.good_fp);
      verified = true;
      std::string error;
      auto session = SrtpSession::create (e.inbound_key, SrtpDirection::Inbound, &error);
      CHECK (session);
      dispatch.set_protection (std::move (session));
      SourcePrefix prefix;
      CHECK (SourcePrefix::parse (e.address.ip_string (), prefix));
      dispatch.set_allowed (Side::ReadComponent, prefix);
      dispatch.set_preferred (Side::ReadComponent, e.address);
    }
  };

  /* One datagram into the component, as DtlsReceiver::intercept takes it. */
  auto receive = [&] (const PeerAddress & from, GstBuffer * buf) {
    GstMapInfo map;
    CHECK (gst_buffer_map (buf, &map, GST_MAP_READ));
    DtlsGateAction action = dtls_gate_action (map.data, map.size, table.verified ());
    if (action == DtlsGateAction::Handshake)
      deliver (table.feed (from, map.data, map.size, now));
    gst_buffer_unmap (buf, &map);
    if (action == DtlsGateAction::Dispatch) {
      GST_BUFFER_OFFSET (buf) = from == source (0) ? 0 : 1;
      PacketVerdict v = dispatch.dispatch (from, buf, now);
      CHECK (verified || !v.latch.happened);
    } else {
      gst_buffer_unref (buf);
    }
    CHECK (table.size () <= limits.max_candidates);
    CHECK (table.verified () == verified);
    std::vector<GstBuffer *> &out = dispatch.output (Side::ReadComponent);
    CHECK (verified || (out.empty () && !dispatch.policy (Side::ReadComponent).latched ()));
    for (GstBuffer *b : out) {
      passed_total++;
      CHECK (GST_BUFFER_OFFSET (b) == 0);       /* from the verified source */
      CHECK (GST_BUFFER_OFFSET_END (b) == 1);   /* under the good client's key */
      gst_buffer_unref (b);
    }
    out.clear ();
  };

  auto datagram_of = [&] (Client & c, bool keep) -> Datagram {
    if (c.outbox.empty ())
      return {};
    Datagram d = c.outbox.front ();
    if (!keep)
      c.outbox.pop_front ();
    return d;
  };

  while (!in.done ()) {
    uint8_t op = in.byte ();
    PeerAddress from = source (op >> 5);
    switch (op % 7) {
      case 0:     /* the good client's next datagram, from its home */
      case 1: {   /* the other client's, from its home */
        Client &c = op % 7 == 0 ? good : bad;
        Datagram d = datagram_of (c, false);
        if (!d.empty ())
          receive (op % 7 == 0 ? source (0) : source (1), gst_buffer_new_memdup (d.data (), d.size ()));
        break;
      }
      case 2: {   /* a copy of a client's next datagram from any source, maybe mutated */
        Datagram d = datagram_of ((op & 0x10) ? bad : good, true);
        uint8_t mutation = in.byte ();
        if (!d.empty () && (mutation & 1))
          d[in.byte () % d.size ()] ^= uint8_t (1 + in.byte ());
        if (!d.empty () && (mutation & 2))
          d.resize (1 + in.byte () % d.size ());
        if (!d.empty ())
          receive (from, gst_buffer_new_memdup (d.data (), d.size ()));
        break;
      }
      case 3: {   /* a raw record (first byte 20..63): a seed's real ClientHello */
        size_t len = 1 + in.u16 () % 1200;
        Datagram d (len);
        for (size_t i = 0; i < len; i++)
          d[i] = in.byte ();
        d[0] = uint8_t (20 + d[0] % 44);
        receive (from, gst_buffer_new_memdup (d.data (), d.size ()));
        break;
      }
      case 4:     /* plain RTP */
        receive (from, rtp (0x5555, seq++));
        break;
      case 5: {   /* SRTP under the good client's key, once it has one */
        if (!good_srtp && good.transport->connected ()) {
          std::string error;
          good_srtp = SrtpSession::create (good.transport->outbound_key (),
              SrtpDirection::Outbound, &error);
          CHECK (good_srtp);
        }
        GstBuffer *buf = rtp (0x600D, seq++);
        if (good_srtp) {
          uint8_t wire[32 + SrtpSession::kMaxTrailer];
          size_t len = gst_buffer_extract (buf, 0, wire, 32);
          gst_buffer_unref (buf);
          CHECK (good_srtp->protect (wire, len, sizeof wire) == SrtpResult::Ok);
          buf = gst_buffer_new_memdup (wire, len);
          GST_BUFFER_OFFSET_END (buf) = 1;
        }
        receive (from, buf);
        break;
      }
      default: {  /* time passes: retransmissions, budgets */
        now += (1 + in.byte ()) * 10 * 1000;
        deliver (table.handle_timeouts (now));
        for (Client *c : {&good, &bad})
          if (c->transport->next_timeout () && now >= *c->transport->next_timeout ())
            c->take (c->transport->handle_timeout (now));
        break;
      }
    }
  }
  /* What a seed reached, for whoever writes one. */
  if (g_getenv ("DTLSGATE_DEBUG"))
    fprintf (stderr, "verified %d passed %zu good %s bad %s\n", verified, passed_total,
        dtls_state_name (good.transport->state ()), dtls_state_name (bad.transport->state ()));
  return 0;
}

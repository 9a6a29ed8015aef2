/* libFuzzer harness: the per-packet dispatch of comedia-rtpsrc fed
 * arbitrary batches of datagrams, sources and arrival times, with the
 * RTP peer, the allowed source and timeouts changing in between, checking
 * what a user relies on: among the packets passed on a side, those of one
 * source keep their order; nothing passes but from the side's latched
 * peer; no keepalive passes; what is held stays bounded; with a
 * protection (SRTP's place), nothing that failed it passes.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "fuzzinput.h"
#include "packetdispatch.h"

#include <map>
#include <string>
#include <vector>

using namespace comedia;

/* A few sources, so that the same one comes back: two IPv4 hosts with a
 * port each, one IPv6 host, and the first host IPv4-mapped. */
static PeerAddress
pick_address (Input & in)
{
  uint8_t which = in.byte ();
  uint16_t port = 40000 + (which >> 4);
  switch (which % 4) {
    case 0:
      return PeerAddress::ipv4 ({203, 0, 113, 7}, port);
    case 1:
      return PeerAddress::ipv4 ({198, 51, 100, 66}, port);
    case 2:{
      std::array<uint8_t, 16> v6{};
      v6[0] = 0x20; v6[1] = 0x01; v6[2] = 0x0d; v6[3] = 0xb8; v6[15] = 1;
      return PeerAddress::ipv6 (v6, port);
    }
    default:{
      std::array<uint8_t, 16> mapped{};
      mapped[10] = mapped[11] = 0xff;
      mapped[12] = 203; mapped[13] = 0; mapped[14] = 113; mapped[15] = 7;
      return PeerAddress::ipv6 (mapped, port);
    }
  }
}

/* A datagram: raw bytes, or (so that latching is reached at all) an RTP
 * packet or RTCP Receiver Report built from a few bytes. */
static GstBuffer *
make_datagram (Input & in, uint8_t keepalive_pt)
{
  uint8_t kind = in.byte ();
  uint8_t b[32] = { 0 };
  switch (kind % 4) {
    case 0:
    case 1:{   /* RTP: ssrc, seq, payload type */
      uint8_t ssrc = in.byte ();
      uint16_t seq = in.u16 ();
      uint8_t pt = (kind & 0x10) ? keepalive_pt : (kind >> 5) + 96;
      b[0] = 0x80; b[1] = pt; b[2] = seq >> 8; b[3] = seq & 0xff;
      b[11] = ssrc;
      return gst_buffer_new_memdup (b, 12 + (kind >> 6) * 4);
    }
    case 2:{   /* RTCP RR with one report block */
      b[0] = 0x81; b[1] = 201; b[3] = 7; b[7] = in.byte ();
      return gst_buffer_new_memdup (b, 8 + 24 - 4 * ((kind >> 2) & 1));
    }
    default:{
      size_t len = in.byte ();
      if (len > in.size - in.pos)
        len = in.size - in.pos;
      /* An empty datagram is a buffer without memory (memdup wants data). */
      GstBuffer *buf = len ? gst_buffer_new_memdup (in.data + in.pos, len) :
          gst_buffer_new ();
      in.pos += len;
      return buf;
    }
  }
}

/* SRTP's stand-in: a datagram "authenticates" when its last byte is 0 (what
 * make_datagram builds, and some raw ones); nothing is decrypted. */
static bool
authentic (const uint8_t *data, size_t len)
{
  return len > 0 && data[len - 1] == 0;
}

class FakeProtection : public PacketProtection {
 public:
  ProtectionResult unprotect (uint8_t *data, size_t &len, bool) override
  { return authentic (data, len) ? ProtectionResult::Ok : ProtectionResult::AuthFailed; }
};

struct Origin {
  size_t index;          /* arrival order */
  PeerAddress from;
  bool authentic;        /* what the protection, if any, lets through */
};

extern "C" int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  Input in { data, size };

  /* flags: bit0 RTCP component, bit1 rtcp-mux (component 1 only), bit2
   * RTCP needs the RTP peer, bits 3-4 relatch, bit5 no keepalives, bit6 a
   * protection; then
   * probation, probation time, timeout, mtu. */
  uint8_t flags = in.byte ();
  PacketDispatch::Config config;
  config.component = (flags & 1) ? COMPONENT_RTCP : COMPONENT_RTP;
  config.rtcp_mux = !(flags & 1) && (flags & 2);
  config.keepalive_pt = (flags & 0x20) ? -1 : 20;
  config.own.component = config.component;
  config.own.rtcp_requires_rtp_peer = config.rtcp.rtcp_requires_rtp_peer =
      flags & 4;
  config.own.relatch = config.rtcp.relatch = (Relatch) ((flags >> 3) % 3);
  config.own.probation_packets = 1 + in.byte () % 8;
  config.own.probation_min_us = in.byte () * 1000;
  config.own.timeout_us = config.rtcp.timeout_us = in.byte () * 10000;
  config.rtcp.component = COMPONENT_RTCP;
  config.mtu = 16 + in.byte () * 8;
  /* Probation's bounds, small enough for the input to reach. */
  config.own.max_held_bytes_per_candidate = config.rtcp.max_held_bytes_per_candidate = 8 * config.mtu;
  config.own.max_held_bytes = config.rtcp.max_held_bytes = 24 * config.mtu;

  PacketDispatch dispatch;
  dispatch = PacketDispatch (config);
  bool protection = flags & 0x40;
  if (protection)
    dispatch.set_protection (std::unique_ptr<PacketProtection> (new FakeProtection ()));
  const Side sides[] = { Side::ReadComponent, Side::MuxedRtcp };

  int64_t now = 0;
  size_t arrivals = 0;
  std::map<GstBuffer *, Origin> origin;     /* live packets given */
  std::map<std::string, size_t> last_passed;   /* side and source */

  /* Every packet a side's output gained since @before: from its latched
   * peer, not a keepalive, after what that source passed before. */
  auto check_new_output = [&] (Side side, size_t before) {
    const std::vector<GstBuffer *> &out = dispatch.output (side);
    const LatchPolicy &policy = dispatch.policy (side);
    for (size_t i = before; i < out.size (); i++) {
      auto it = origin.find (out[i]);
      CHECK (it != origin.end ());
      CHECK (policy.latched () && it->second.from == policy.peer ());
      CHECK (!protection || it->second.authentic);
      PacketFacts f = inspect_packet (out[i], side == Side::ReadComponent ?
          config.component : COMPONENT_RTCP, false);
      CHECK (!(f.kind == PacketKind::Rtp && side == Side::ReadComponent &&
              config.keepalive_pt >= 0 && f.payload_type == config.keepalive_pt));
      std::string key = std::to_string ((int) side) + it->second.from.to_string ();
      auto last = last_passed.find (key);
      CHECK (last == last_passed.end () || last->second < it->second.index);
      last_passed[key] = it->second.index;
    }
  };
  auto drain = [&] () {
    for (Side side : sides) {
      for (GstBuffer *b : dispatch.output (side)) {
        origin.erase (b);
        gst_buffer_unref (b);
      }
      dispatch.output (side).clear ();
    }
  };

  while (!in.done ()) {
    uint8_t op = in.byte ();
    now += in.byte () * 500;

    switch (op % 8) {
      case 0:   /* time passes: timeouts, and held RTCP looked at again */
        for (Side side : sides) {
          dispatch.check_timeout (side, now);
          size_t before = dispatch.output (side).size ();
          LatchEvent e = dispatch.retry_waiting (side, now);
          CHECK (dispatch.output (side).size () == before + e.released);
          check_new_output (side, before);
        }
        CHECK (dispatch.wait_us (now) >= -1);
        drain ();
        continue;
      case 1:{  /* the stream's RTP peer, as the session has it */
        bool known = op & 0x10;
        uint32_t ssrc = in.byte ();
        PeerAddress address = pick_address (in);
        dispatch.set_rtp_peer ((op & 0x20) ? Side::MuxedRtcp : Side::ReadComponent,
            known, ssrc, address);
        continue;
      }
      case 2:{  /* the negotiator restricts the source */
        SourcePrefix prefix;
        const char *prefixes[] = { "", "203.0.113.0/24", "2001:db8::/32",
          "198.51.100.66" };
        SourcePrefix::parse (prefixes[(op >> 4) % 4], prefix);
        for (Side side : sides)
          if (dispatch.set_allowed (side, prefix))
            CHECK (!dispatch.policy (side).latched ());
        continue;
      }
      default:
        break;
    }

    /* A batch, read together: one arrival time. */
    size_t n = 1 + (op >> 3) % 16;
    for (size_t i = 0; i < n && !in.done (); i++) {
      PeerAddress from = pick_address (in);
      GstBuffer *packet = make_datagram (in, 20);
      GstMapInfo map;
      bool ok = gst_buffer_map (packet, &map, GST_MAP_READ);
      bool genuine = ok && authentic (map.data, map.size);
      if (ok)
        gst_buffer_unmap (packet, &map);
      origin[packet] = Origin { arrivals++, from, genuine };
      size_t before[2] = { dispatch.output (Side::ReadComponent).size (),
        dispatch.output (Side::MuxedRtcp).size () };

      PacketVerdict v = dispatch.dispatch (from, packet, now);
      /* Only a packet that authenticates latches its side. */
      CHECK (!protection || !v.latch.happened || genuine);

      CHECK (dispatch.has (v.side));
      const std::vector<GstBuffer *> &out = dispatch.output (v.side);
      bool passed = !out.empty () && out.back () == packet &&
          out.size () > before[(int) v.side];
      CHECK (passed == (v.action == Action::Forward));
      if (v.action == Action::Drop)
        CHECK ((v.reason == DropReason::Malformed) == (v.malformed != nullptr));
      if (v.latch.happened)
        CHECK (v.latch.peer == from &&
            v.latch.released <= config.own.max_held_bytes_per_candidate);
      if (v.rtcp_latch.happened)
        CHECK (v.side == Side::ReadComponent && config.rtcp_mux);
      if (v.follow_ssrc)
        CHECK (v.action == Action::Forward);
      for (Side side : sides) {
        check_new_output (side, before[(int) side]);
        const LatchPolicy &policy = dispatch.policy (side);
        CHECK (policy.held_bytes () <= policy.config ().max_held_bytes);
        CHECK (policy.held_bytes () <= policy.held_packets () * config.mtu);
      }
    }
    drain ();
  }
  drain ();
  return 0;
}

/* libFuzzer harness: the latching unit fed arbitrary packets, source
 * addresses and arrival times, checking the invariants a user relies on.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "fuzzinput.h"
#include "latchpolicy.h"

#include <vector>

using namespace comedia;

static PeerAddress
pick_address (Input & in)
{
  uint8_t which = in.byte ();
  uint16_t port = in.u16 ();
  switch (which % 4) {
    case 0:
      return PeerAddress::ipv4 ({203, 0, 113, (uint8_t) (which >> 2)}, port);
    case 1:
      return PeerAddress::ipv4 ({198, 51, 100, 66}, port);
    case 2:{
      std::array<uint8_t, 16> v6{};
      v6[0] = 0x20; v6[1] = 0x01; v6[2] = 0x0d; v6[3] = 0xb8;
      v6[15] = which;
      return PeerAddress::ipv6 (v6, port);
    }
    default:{
      /* IPv4-mapped IPv6: must behave as the IPv4 address. */
      std::array<uint8_t, 16> mapped{};
      mapped[10] = mapped[11] = 0xff;
      mapped[12] = 203; mapped[13] = 0; mapped[14] = 113; mapped[15] = which >> 2;
      return PeerAddress::ipv6 (mapped, port);
    }
  }
}

extern "C" int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  Input in { data, size };

  LatchPolicy::Config config;
  uint8_t flags = in.byte ();
  config.component = (flags & 1) ? COMPONENT_RTCP : COMPONENT_RTP;
  bool rtcp_mux = flags & 2;
  config.rtcp_requires_rtp_peer = flags & 4;
  config.relatch = (Relatch) ((flags >> 3) % 3);
  config.probation_packets = 1 + in.byte () % 8;
  config.probation_min_us = in.byte () * 1000;
  config.timeout_us = in.byte () * 10000;
  /* Bounds small enough for the input to reach: from the same bytes. */
  config.max_held_bytes_per_candidate = 256 + config.probation_min_us / 100;
  config.max_held_bytes = 2 * config.max_held_bytes_per_candidate + config.timeout_us / 2000;
  config.max_hold_us = 1000 + config.timeout_us;
  if (flags & 0x40)
    SourcePrefix::parse ((flags & 0x80) ? "203.0.113.0/26" : "2001:db8::/32",
        config.allowed);

  LatchPolicy policy (config);
  int64_t now = 0;
  std::vector<GstBuffer *> released;

  while (!in.done ()) {
    uint8_t op = in.byte ();
    now += in.byte () * 500;

    if (op % 8 == 0) {
      policy.check_timeout (now);
      CHECK (policy.time_to_timeout (now) >= -1);
      continue;
    }
    if (op % 8 == 1) {
      policy.set_rtp_peer_ssrc (op & 0x10, in.u16 ());
      policy.set_rtp_peer_address ((op & 0x20) ? pick_address (in) : PeerAddress ());
      LatchDecision d = policy.retry_waiting (now);
      if (d.latched_now ())
        CHECK (policy.latched ());
      policy.take_released (released);
      continue;
    }

    PeerAddress from = pick_address (in);
    size_t len = in.byte ();
    if (len > in.size - in.pos)
      len = in.size - in.pos;
    /* An empty datagram is a buffer without memory (memdup wants data). */
    GstBuffer *packet = len ? gst_buffer_new_memdup (in.data + in.pos, len) : gst_buffer_new ();
    in.pos += len;

    PacketFacts facts = inspect_packet (packet, config.component, rtcp_mux);
    bool was_latched = policy.latched ();
    PeerAddress old_peer = policy.peer ();
    LatchDecision d = policy.on_packet (from, facts, now, packet);
    gst_buffer_unref (packet);

    /* The invariants. */
    if (d.passes ())
      CHECK (policy.latched () && policy.peer () == from);
    if (d.verdict == Verdict::Accept)
      CHECK (was_latched && old_peer == from);
    if (d.latched_now () && d.relatched)
      CHECK (was_latched && d.previous == old_peer);
    if (facts.kind == PacketKind::Malformed)
      CHECK (d.verdict == Verdict::Drop && d.reason == DropReason::Malformed);
    if (!config.allowed.contains (from))
      CHECK (!d.passes () && d.verdict != Verdict::Hold);
    if (was_latched && !d.passes () && config.relatch == Relatch::Never)
      CHECK (policy.peer () == old_peer);
    CHECK (policy.candidates () <= LatchPolicy::MAX_CANDIDATES);

    CHECK (policy.held_bytes () <= config.max_held_bytes);
    policy.take_released (released);
    size_t released_bytes = 0;
    for (GstBuffer *b : released) {
      released_bytes += gst_buffer_get_size (b);
      gst_buffer_unref (b);
    }
    CHECK (released_bytes <= config.max_held_bytes_per_candidate);
    released.clear ();
  }
  for (GstBuffer *b : released)
    gst_buffer_unref (b);
  return 0;
}

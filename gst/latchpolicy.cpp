/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "latchpolicy.h"

namespace comedia {

const char *
verdict_name (Verdict v)
{
  switch (v) {
    case Verdict::Accept:
      return "accept";
    case Verdict::Latch:
      return "latch";
    case Verdict::DropMalformed:
      return "malformed";
    case Verdict::DropForeign:
      return "foreign-source";
    case Verdict::DropLearning:
      return "learning";
  }
  return "unknown";
}

static bool
kind_fits_component (PacketKind kind, guint component)
{
  if (component == COMPONENT_RTCP)
    return kind == PacketKind::Rtcp;
  return kind == PacketKind::Rtp;
}

LatchDecision
LatchPolicy::on_packet (const PeerAddress &from, const PacketFacts &facts,
    int64_t arrival_us)
{
  if (!kind_fits_component (facts.kind, config_.component) || !from.valid ())
    return { Verdict::DropMalformed };

  if (latched_) {
    if (from != peer_)
      return { Verdict::DropForeign };
    last_peer_us_ = arrival_us;
    return { Verdict::Accept };
  }

  /* First well-formed packet: latch its source (what the reference text
   * describes). */
  latched_ = true;
  peer_ = from;
  peer_ssrc_ = facts.ssrc;
  last_peer_us_ = arrival_us;
  return { Verdict::Latch };
}

LatchDecision
LatchPolicy::on_packet (const PeerAddress &from, GstBuffer *packet,
    int64_t arrival_us, bool rtcp_mux)
{
  return on_packet (from, inspect_packet (packet, config_.component, rtcp_mux),
      arrival_us);
}

void
LatchPolicy::reset ()
{
  latched_ = false;
  peer_ = PeerAddress ();
  peer_ssrc_ = 0;
  last_peer_us_ = 0;
}

}  // namespace comedia

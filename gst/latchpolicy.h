/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "packetfacts.h"
#include "peeraddress.h"

#include <cstdint>

namespace comedia {

/* What to do with one received packet. */
enum class Verdict : uint8_t {
  Accept,          /* from the latched peer: pass it downstream */
  Latch,           /* this packet latched (or re-latched) the peer: pass it */
  DropMalformed,   /* not RTP/RTCP as this component expects */
  DropForeign,     /* well-formed, but not from the latched peer */
  DropLearning,    /* still learning (probation): not passed yet */
};

const char *verdict_name (Verdict v);

struct LatchDecision {
  Verdict verdict = Verdict::DropMalformed;
  bool passes () const { return verdict == Verdict::Accept || verdict == Verdict::Latch; }
  bool latched_now () const { return verdict == Verdict::Latch; }
};

/* The latching rules for one RTP or RTCP component: plain C++, no GObject,
 * no locks.  One streaming thread drives it; the element publishes the peer
 * it learns.  Later policies (probation, source restriction, re-latching,
 * timeouts) extend Config and on_packet(). */
class LatchPolicy {
 public:
  struct Config {
    guint component = COMPONENT_RTP;   /* which kind of packet may latch */
  };

  LatchPolicy () = default;
  explicit LatchPolicy (const Config &config) : config_ (config) {}

  /* @from: source address; @facts: what the packet is (see inspect_packet);
   * @arrival_us: monotonic arrival time in microseconds. */
  LatchDecision on_packet (const PeerAddress &from, const PacketFacts &facts,
      int64_t arrival_us);

  /* Convenience: inspects @packet and decides. */
  LatchDecision on_packet (const PeerAddress &from, GstBuffer *packet,
      int64_t arrival_us, bool rtcp_mux = false);

  bool latched () const { return latched_; }
  const PeerAddress &peer () const { return peer_; }
  uint32_t peer_ssrc () const { return peer_ssrc_; }
  int64_t last_peer_packet_us () const { return last_peer_us_; }

  const Config &config () const { return config_; }
  void reset ();

 private:
  Config config_;
  bool latched_ = false;
  PeerAddress peer_;
  uint32_t peer_ssrc_ = 0;
  int64_t last_peer_us_ = 0;
};

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "latchpolicy.h"

#include <algorithm>
#include <cstdlib>

namespace comedia {

const char *
drop_reason_name (DropReason r)
{
  switch (r) {
    case DropReason::None:
      return "none";
    case DropReason::Malformed:
      return "malformed";
    case DropReason::ForeignSource:
      return "not-the-latched-peer";
    case DropReason::OutsideAllowed:
      return "outside-allowed-source";
    case DropReason::SsrcMismatch:
      return "rtcp-ssrc-mismatch";
    case DropReason::WaitingForRtp:
      return "rtcp-before-rtp-peer";
    case DropReason::AuthFailed:
      return "srtp-auth-failed";
    case DropReason::Replayed:
      return "srtp-replayed";
    case DropReason::NotRtpPeerIp:
      return "rtcp-not-from-rtp-peer-ip";
  }
  return "unknown";
}

bool
SourcePrefix::parse (const std::string &text, SourcePrefix &out)
{
  out = SourcePrefix ();
  if (text.empty ())
    return true;

  std::string ip = text;
  long length = -1;
  size_t slash = text.find ('/');
  if (slash != std::string::npos) {
    ip = text.substr (0, slash);
    std::string len = text.substr (slash + 1);
    char *end = nullptr;
    length = std::strtol (len.c_str (), &end, 10);
    if (len.empty () || *end != '\0' || length < 0)
      return false;
  }

  PeerAddress network;
  if (!PeerAddress::parse (ip, 0, network))
    return false;
  long max = network.family == PeerAddress::Family::IPv4 ? 32 : 128;
  if (length < 0)
    length = max;
  if (length > max)
    return false;

  out.network = network;
  out.length = (uint8_t) length;
  return true;
}

bool
SourcePrefix::contains (const PeerAddress &addr) const
{
  if (any ())
    return true;
  if (addr.family != network.family)
    return false;
  unsigned bits = length;
  for (size_t i = 0; bits > 0; i++) {
    unsigned take = std::min (bits, 8u);
    uint8_t mask = (uint8_t) (0xff00u >> take);
    if ((addr.ip[i] & mask) != (network.ip[i] & mask))
      return false;
    bits -= take;
  }
  return true;
}

LatchPolicy::~LatchPolicy ()
{
  clear_candidates ();
  drop_released ();
}

LatchPolicy::LatchPolicy (LatchPolicy &&other) noexcept
{
  *this = std::move (other);
}

LatchPolicy &
LatchPolicy::operator= (LatchPolicy &&other) noexcept
{
  if (this == &other)
    return *this;
  reset ();
  config_ = other.config_;
  latched_ = other.latched_;
  timed_out_ = other.timed_out_;
  reopened_ = other.reopened_;
  peer_ = other.peer_;
  peer_ssrc_ = other.peer_ssrc_;
  peer_seq_ = other.peer_seq_;
  last_peer_us_ = other.last_peer_us_;
  rtp_peer_known_ = other.rtp_peer_known_;
  rtp_peer_ssrc_ = other.rtp_peer_ssrc_;
  rtp_peer_addr_ = other.rtp_peer_addr_;
  candidates_ = std::move (other.candidates_);
  other.candidates_.clear ();
  released_ = std::move (other.released_);
  other.released_.clear ();
  held_total_ = other.held_total_;
  other.held_total_ = 0;
  held_dropped_ = other.held_dropped_;
  other.held_dropped_ = 0;
  return *this;
}

static bool
kind_fits_component (PacketKind kind, guint component)
{
  if (component == COMPONENT_RTCP)
    return kind == PacketKind::Rtcp;
  return kind == PacketKind::Rtp;
}

static LatchDecision
drop (DropReason reason)
{
  LatchDecision d;
  d.verdict = Verdict::Drop;
  d.reason = reason;
  return d;
}

bool
LatchPolicy::continues_peer (const PacketFacts &facts) const
{
  if (facts.ssrc != peer_ssrc_)
    return false;
  if (config_.component == COMPONENT_RTCP)
    return true;   /* RTCP has no sequence numbers: the SSRC must do */
  uint16_t ahead = (uint16_t) (facts.seq - peer_seq_);
  return ahead >= 1 && ahead <= config_.max_seq_jump;
}

bool
LatchPolicy::from_rtp_peer_ip (const PeerAddress &from) const
{
  return config_.component != COMPONENT_RTCP ||
      !config_.rtcp_requires_rtp_peer || !rtp_peer_addr_.valid () ||
      rtp_peer_addr_.same_ip (from);
}

LatchDecision
LatchPolicy::on_packet (const PeerAddress &from, const PacketFacts &facts,
    int64_t arrival_us, GstBuffer *packet)
{
  if (!kind_fits_component (facts.kind, config_.component) || !from.valid ())
    return drop (DropReason::Malformed);

  if (latched_ && from == peer_) {
    last_peer_us_ = arrival_us;
    timed_out_ = false;
    peer_ssrc_ = facts.ssrc;
    peer_seq_ = facts.seq;
    LatchDecision d;
    d.verdict = Verdict::Accept;
    return d;
  }

  if (!config_.allowed.contains (from))
    return drop (DropReason::OutsideAllowed);

  if (!latched_)
    return learn (from, facts, arrival_us, packet);

  /* symmetric-rtp=always: the source the SDP names wins over any other,
   * through probation; nothing of a lower rank takes the latch from it. */
  int from_rank = rank (from), peer_rank = rank (peer_);
  if (from_rank > peer_rank)
    return learn (from, facts, arrival_us, packet);
  if (from_rank < peer_rank)
    return drop (DropReason::ForeignSource);
  if (reopened_)
    return learn (from, facts, arrival_us, packet);

  switch (config_.relatch) {
    case Relatch::Ssrc:
      if (continues_peer (facts)) {
        if (!from_rtp_peer_ip (from))
          return drop (DropReason::NotRtpPeerIp);
        return latch (from, facts, arrival_us, nullptr);
      }
      break;
    case Relatch::Silence:
      if (timed_out_)
        return learn (from, facts, arrival_us, packet);
      break;
    case Relatch::Never:
      break;
  }
  return drop (DropReason::ForeignSource);
}

LatchDecision
LatchPolicy::learn (const PeerAddress &from, const PacketFacts &facts,
    int64_t now, GstBuffer *packet)
{
  if (config_.component == COMPONENT_RTCP) {
    /* RTCP is rare and cheap to forge: it latches only as the voice of the
     * RTP peer already learnt, unless RTCP-only peers are allowed. */
    if (config_.rtcp_requires_rtp_peer) {
      if (!rtp_peer_known_) {
        /* Keep the newest report of each sender until the RTP side knows
         * its peer (retry_waiting). */
        Candidate &c = candidate_for (from);
        clear_candidate (c);
        c.from = from;
        c.ssrc = facts.ssrc;
        c.count = 1;
        c.first_us = c.last_us = now;
        hold (c, facts, packet, now);
        LatchDecision d;
        d.verdict = Verdict::Hold;
        d.reason = DropReason::WaitingForRtp;
        return d;
      }
      if (facts.ssrc != rtp_peer_ssrc_)
        return drop (DropReason::SsrcMismatch);
      if (!from_rtp_peer_ip (from))
        return drop (DropReason::NotRtpPeerIp);
    }
    return latch (from, facts, now, nullptr);
  }

  Candidate &c = candidate_for (from);
  bool continues = c.in_use () && c.ssrc == facts.ssrc &&
      facts.seq == (uint16_t) (c.last_seq + 1);
  if (!continues) {
    clear_candidate (c);
    c.from = from;
    c.ssrc = facts.ssrc;
    c.first_us = now;
  }
  c.count++;
  c.last_seq = facts.seq;
  c.last_us = now;

  /* One-packet probation is the drafts' "latch on the first packet": no
   * span to wait for. */
  if (c.count >= config_.probation_packets &&
      (config_.probation_packets <= 1 ||
          now - c.first_us >= config_.probation_min_us))
    return latch (from, facts, now, &c);

  hold (c, facts, packet, now);
  LatchDecision d;
  d.verdict = Verdict::Hold;
  return d;
}

void
LatchPolicy::hold (Candidate &c, const PacketFacts &facts, GstBuffer *packet,
    int64_t now)
{
  if (!packet)
    return;
  size_t size = gst_buffer_get_size (packet);
  /* A packet no bound can take is dropped before it makes room for itself. */
  if (size > config_.max_held_bytes_per_candidate || size > config_.max_held_bytes) {
    held_dropped_++;
    return;
  }
  bound_held (c, size, now);
  c.held.push_back (Held { gst_buffer_ref (packet), facts, now, size });
  c.held_bytes += size;
  held_total_ += size;
}

void
LatchPolicy::drop_held_front (Candidate &c)
{
  Held &h = c.held.front ();
  c.held_bytes -= h.size;
  held_total_ -= h.size;
  gst_buffer_unref (h.packet);
  c.held.pop_front ();
  held_dropped_++;
}

/* Room for @incoming more bytes in @c: its oldest packets go when they are
 * too old or it would pass its own bound; the whole hold of the least
 * advanced other candidates (a spray's one-packet sources) goes before a
 * candidate's own when the total would pass.  A legitimate start is the
 * most advanced candidate, and loses nothing until it alone fills it. */
void
LatchPolicy::bound_held (Candidate &c, size_t incoming, int64_t now)
{
  while (!c.held.empty () && now - c.held.front ().arrival_us > config_.max_hold_us)
    drop_held_front (c);
  while (!c.held.empty () && c.held_bytes + incoming > config_.max_held_bytes_per_candidate)
    drop_held_front (c);
  while (held_total_ + incoming > config_.max_held_bytes) {
    Candidate *victim = nullptr;
    for (Candidate &o : candidates_)
      if (&o != &c && !o.held.empty () && (!victim || o.count < victim->count ||
              (o.count == victim->count && o.last_us < victim->last_us)))
        victim = &o;
    if (victim && victim->count <= c.count) {
      while (!victim->held.empty ())
        drop_held_front (*victim);
    } else if (!c.held.empty ()) {
      drop_held_front (c);
    } else {
      break;
    }
  }
}

size_t
LatchPolicy::take_held_dropped ()
{
  size_t n = held_dropped_;
  held_dropped_ = 0;
  return n;
}

int
LatchPolicy::rank (const PeerAddress &from) const
{
  if (!config_.preferred.valid () || config_.component != COMPONENT_RTP)
    return 0;
  if (from == config_.preferred)
    return 2;
  return from.same_ip (config_.preferred) ? 1 : 0;
}

void
LatchPolicy::drop_released ()
{
  for (Held &h : released_)
    gst_buffer_unref (h.packet);
  released_.clear ();
}

/* The latching packet itself is the caller's: only the held ones are
 * released. */
LatchDecision
LatchPolicy::latch (const PeerAddress &from, const PacketFacts &facts,
    int64_t now, Candidate *candidate)
{
  LatchDecision d;
  d.verdict = Verdict::Latch;
  if (latched_) {
    d.relatched = true;
    d.previous = peer_;
  }

  latched_ = true;
  timed_out_ = false;
  reopened_ = false;
  peer_ = from;
  peer_ssrc_ = facts.ssrc;
  peer_seq_ = facts.seq;
  last_peer_us_ = now;

  drop_released ();
  if (candidate) {
    released_.swap (candidate->held);
    held_total_ -= candidate->held_bytes;
    candidate->held_bytes = 0;
    d.released = released_.size ();
  }
  clear_candidates ();
  return d;
}

LatchPolicy::Candidate &
LatchPolicy::candidate_for (const PeerAddress &from)
{
  Candidate *free_slot = nullptr;
  Candidate *victim = nullptr;
  for (Candidate &c : candidates_) {
    if (!c.in_use ()) {
      if (!free_slot)
        free_slot = &c;
      continue;
    }
    if (c.from == from)
      return c;
    /* Evict the least advanced candidate, the stalest among equals, so a
     * flood of one-packet sources cannot push out a peer in probation. */
    if (!victim || c.count < victim->count ||
        (c.count == victim->count && c.last_us < victim->last_us))
      victim = &c;
  }
  if (!free_slot && candidates_.size () < MAX_CANDIDATES) {
    candidates_.emplace_back ();
    return candidates_.back ();
  }
  Candidate &slot = free_slot ? *free_slot : *victim;
  clear_candidate (slot);
  return slot;
}

void
LatchPolicy::clear_candidate (Candidate &c)
{
  for (Held &h : c.held)
    gst_buffer_unref (h.packet);
  c.held.clear ();
  held_total_ -= c.held_bytes;
  c.held_bytes = 0;
  c.count = 0;
  c.ssrc = 0;
  c.from = PeerAddress ();
}

void
LatchPolicy::clear_candidates ()
{
  for (Candidate &c : candidates_)
    if (c.in_use () || !c.held.empty ())
      clear_candidate (c);
  std::vector<Candidate> ().swap (candidates_);
}

size_t
LatchPolicy::candidates () const
{
  return std::count_if (candidates_.begin (), candidates_.end (),
      [] (const Candidate &c) { return c.in_use (); });
}

size_t
LatchPolicy::held_packets () const
{
  size_t n = 0;
  for (const Candidate &c : candidates_)
    n += c.held.size ();
  return n;
}

size_t
LatchPolicy::held_bytes () const
{
  return held_total_;
}

void
LatchPolicy::take_released (std::vector<GstBuffer *> &out,
    std::vector<PacketFacts> *facts)
{
  for (const Held &h : released_) {
    out.push_back (h.packet);
    if (facts)
      facts->push_back (h.facts);
  }
  released_.clear ();
}

void
LatchPolicy::set_rtp_peer_ssrc (bool known, uint32_t ssrc)
{
  rtp_peer_known_ = known;
  rtp_peer_ssrc_ = ssrc;
}

bool
LatchPolicy::waiting_for_rtp_peer () const
{
  return config_.component == COMPONENT_RTCP && !latched_ && candidates () > 0;
}

LatchDecision
LatchPolicy::retry_waiting (int64_t now_us)
{
  if (!rtp_peer_known_ || latched_)
    return drop (DropReason::WaitingForRtp);

  for (Candidate &c : candidates_) {
    if (c.in_use () && c.ssrc == rtp_peer_ssrc_ && from_rtp_peer_ip (c.from)) {
      PacketFacts facts;
      facts.kind = PacketKind::Rtcp;
      facts.ssrc = c.ssrc;
      PeerAddress from = c.from;
      return latch (from, facts, now_us, &c);
    }
  }
  /* None of the held reports came from the RTP peer. */
  clear_candidates ();
  return drop (DropReason::SsrcMismatch);
}

bool
LatchPolicy::check_timeout (int64_t now_us)
{
  if (!latched_ || config_.timeout_us <= 0 || timed_out_)
    return false;
  if (now_us - last_peer_us_ < config_.timeout_us)
    return false;
  timed_out_ = true;
  return true;
}

int64_t
LatchPolicy::time_to_timeout (int64_t now_us) const
{
  if (!latched_ || config_.timeout_us <= 0 || timed_out_)
    return -1;
  return std::max<int64_t> (0, last_peer_us_ + config_.timeout_us - now_us);
}

bool
LatchPolicy::set_allowed (const SourcePrefix &allowed)
{
  config_.allowed = allowed;
  for (Candidate &c : candidates_)
    if (c.in_use () && !allowed.contains (c.from))
      clear_candidate (c);
  if (!latched_ || allowed.contains (peer_))
    return false;
  reset ();
  return true;
}

void
LatchPolicy::reset ()
{
  clear_candidates ();
  drop_released ();
  latched_ = false;
  timed_out_ = false;
  reopened_ = false;
  peer_ = PeerAddress ();
  peer_ssrc_ = 0;
  peer_seq_ = 0;
  last_peer_us_ = 0;
}

}  // namespace comedia

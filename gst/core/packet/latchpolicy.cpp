/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "latchpolicy.h"

#include <algorithm>
#include <cmath>
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

const char *
latch_reason_name (LatchReason r)
{
  switch (r) {
    case LatchReason::Learned:
      return "learned";
    case LatchReason::Rebinding:
      return "rebinding";
    case LatchReason::ContinuationAfterSilence:
      return "continuation-after-silence";
    case LatchReason::AfterTimeout:
      return "after-timeout";
    case LatchReason::PreferredSource:
      return "preferred-source";
    case LatchReason::Reopened:
      return "re-offer";
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
  clock_ = other.clock_;
  continuing_ = other.continuing_;
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
    observe_peer (facts, arrival_us);
    /* The peer is not silent: nobody continues its stream elsewhere. */
    if (G_UNLIKELY (continuing_))
      clear_continuation ();
    LatchDecision d;
    d.verdict = Verdict::Accept;
    return d;
  }

  if (!config_.allowed.contains (from))
    return drop (DropReason::OutsideAllowed);

  if (!latched_)
    return learn (from, facts, arrival_us, packet, LatchReason::Learned);

  /* symmetric-rtp=always: the source the SDP names wins over any other,
   * through probation; nothing of a lower rank takes the latch from it. */
  int from_rank = rank (from), peer_rank = rank (peer_);
  if (from_rank > peer_rank)
    return learn (from, facts, arrival_us, packet, LatchReason::PreferredSource);
  if (from_rank < peer_rank)
    return drop (DropReason::ForeignSource);
  if (reopened_)
    return learn (from, facts, arrival_us, packet, LatchReason::Reopened);

  switch (config_.relatch) {
    case Relatch::Ssrc:
      return relatch_ssrc (from, facts, arrival_us, packet);
    case Relatch::Silence:
      if (timed_out_)
        return learn (from, facts, arrival_us, packet, LatchReason::AfterTimeout);
      break;
    case Relatch::Never:
      break;
  }
  return drop (DropReason::ForeignSource);
}

/* relatch=ssrc: another address sends the latched peer's SSRC.  The
 * next sequence numbers re-latch at once (a rebinding; the timestamp is
 * not asked: a sender paused with its clock, as a GStreamer pipeline
 * does, comes back with an old one); further ahead, through probation
 * once the peer has gone silent. */
LatchDecision
LatchPolicy::relatch_ssrc (const PeerAddress &from, const PacketFacts &facts,
    int64_t now, GstBuffer *packet)
{
  if (continues_peer (facts)) {
    if (!from_rtp_peer_ip (from))
      return drop (DropReason::NotRtpPeerIp);
    return latch (from, facts, now, nullptr, LatchReason::Rebinding);
  }
  if (continues_after_silence (facts, now)) {
    if (facts.authenticated)
      return latch (from, facts, now, nullptr,
          LatchReason::ContinuationAfterSilence);
    return learn (from, facts, now, packet,
        LatchReason::ContinuationAfterSilence, true);
  }
  return drop (DropReason::ForeignSource);
}

/* The latched peer's RTP packet at @now: its clock and packet rates. */
void
LatchPolicy::observe_peer (const PacketFacts &facts, int64_t now)
{
  if (facts.kind != PacketKind::Rtp || config_.component != COMPONENT_RTP)
    return;
  PeerClock &k = clock_;
  if (!k.started || facts.ssrc != k.ssrc) {
    k = PeerClock ();
    k.started = true;
    k.ssrc = facts.ssrc;
    k.first_us = k.newest_us = now;
    k.newest_ts = facts.timestamp;
    k.packets = 1;
    return;
  }
  k.packets++;
  /* Late (reordered) packets and the packets of one frame do not advance. */
  int32_t ahead = (int32_t) (facts.timestamp - k.newest_ts);
  if (ahead > 0) {
    k.ts_advance += ahead;
    k.newest_ts = facts.timestamp;
    k.newest_us = now;
  }
}

/* The peer's RTP clock is known: half a second of its stream at least. */
bool
LatchPolicy::clock_known () const
{
  return clock_.started && clock_.ts_advance > 0 &&
      clock_.newest_us - clock_.first_us >= MIN_CLOCK_SPAN_US;
}

/* @facts (of the peer's SSRC) has the timestamp the peer's clock would
 * have reached by @now (within CONTINUATION_SLACK_US and an eighth of the
 * time since its newest packet).  The clock must be known. */
bool
LatchPolicy::timestamp_fits (const PacketFacts &facts, int64_t now) const
{
  const PeerClock &k = clock_;
  int64_t span = k.newest_us - k.first_us;
  int64_t elapsed = std::max<int64_t> (0, now - k.newest_us);
  int32_t ts_ahead = (int32_t) (facts.timestamp - k.newest_ts);
  double said_us = (double) ts_ahead * (double) span / (double) k.ts_advance;
  return std::fabs (said_us - (double) elapsed) <=
      (double) (CONTINUATION_SLACK_US + elapsed / 8);
}

/* Whether @facts, arriving at @now from another address, continues the
 * latched peer's stream after a silence: its timestamp fits, and its
 * sequence number is ahead by no more than twice the peer's rate could
 * have sent meanwhile (SRTP: authentication is the proof, the sequence
 * number must still be ahead).  While the peer sends, the time since its
 * newest packet is short, and so is the window. */
bool
LatchPolicy::continues_after_silence (const PacketFacts &facts,
    int64_t now) const
{
  if (config_.component != COMPONENT_RTP || facts.kind != PacketKind::Rtp ||
      !clock_.started || facts.ssrc != clock_.ssrc || facts.ssrc != peer_ssrc_)
    return false;
  uint16_t ahead = (uint16_t) (facts.seq - peer_seq_);
  if (ahead == 0 || ahead >= 0x8000)
    return false;
  if (facts.authenticated)
    return true;
  if (!clock_known () || !timestamp_fits (facts, now))
    return false;
  const PeerClock &k = clock_;
  int64_t elapsed = std::max<int64_t> (0, now - k.newest_us);
  double max_ahead = config_.max_seq_jump + 2.0 * (double) k.packets *
      (double) elapsed / (double) (k.newest_us - k.first_us);
  return ahead <= max_ahead;
}

/* Forgets the sources in continuation probation (the peer spoke). */
void
LatchPolicy::clear_continuation ()
{
  for (Candidate &c : candidates_)
    if (c.continuation)
      clear_candidate (c);
  continuing_ = false;
}

LatchDecision
LatchPolicy::learn (const PeerAddress &from, const PacketFacts &facts,
    int64_t now, GstBuffer *packet, LatchReason why, bool continuation)
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
    return latch (from, facts, now, nullptr, why);
  }

  Candidate &c = candidate_for (from);
  bool continues = c.in_use () && c.ssrc == facts.ssrc &&
      c.continuation == continuation &&
      facts.seq == (uint16_t) (c.last_seq + 1);
  if (!continues) {
    clear_candidate (c);
    c.from = from;
    c.ssrc = facts.ssrc;
    c.first_us = now;
    c.continuation = continuation;
    continuing_ = continuing_ || continuation;
  }
  c.count++;
  c.last_seq = facts.seq;
  c.last_us = now;

  /* One-packet probation is the drafts' "latch on the first packet": no
   * span to wait for.  A continuation is never taken on one packet. */
  guint needed = continuation ?
      std::max (config_.probation_packets, CONTINUATION_PACKETS) :
      config_.probation_packets;
  if (c.count >= needed &&
      (needed <= 1 || now - c.first_us >= config_.probation_min_us))
    return latch (from, facts, now, &c, why);

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
    int64_t now, Candidate *candidate, LatchReason why)
{
  LatchDecision d;
  d.verdict = Verdict::Latch;
  d.why = why;
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
  /* A continuation keeps the stream's clock; another stream restarts it. */
  observe_peer (facts, now);

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
  c.continuation = false;
  c.from = PeerAddress ();
}

void
LatchPolicy::clear_candidates ()
{
  for (Candidate &c : candidates_)
    if (c.in_use () || !c.held.empty ())
      clear_candidate (c);
  std::vector<Candidate> ().swap (candidates_);
  continuing_ = false;
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
      return latch (from, facts, now_us, &c, LatchReason::Learned);
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
  clock_ = PeerClock ();
}

}  // namespace comedia

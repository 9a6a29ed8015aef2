/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "packetdispatch.h"

#include <algorithm>
#include <cstring>

namespace comedia {

void
PacketDispatch::SideState::clear_output ()
{
  for (GstBuffer *b : out)
    gst_buffer_unref (b);
  out.clear ();
}

PacketDispatch::PacketDispatch (const Config &config) : config_ (config)
{
  own_.policy = LatchPolicy (config.own);
  if (config.rtcp_mux)
    rtcp_.policy = LatchPolicy (config.rtcp);
}

PacketDispatch::~PacketDispatch ()
{
  own_.clear_output ();
  rtcp_.clear_output ();
}

PacketDispatch &
PacketDispatch::operator= (PacketDispatch &&other) noexcept
{
  if (this == &other)
    return *this;
  config_ = other.config_;
  protection_ = std::move (other.protection_);
  previous_protection_ = std::move (other.previous_protection_);
  previous_until_us_ = other.previous_until_us_;
  for (Side side : { Side::ReadComponent, Side::MuxedRtcp }) {
    SideState &mine = state_of (side), &theirs = other.state_of (side);
    mine.policy = std::move (theirs.policy);
    mine.published_ssrc = theirs.published_ssrc;
    mine.clear_output ();
    mine.out.swap (theirs.out);
  }
  return *this;
}

bool
PacketDispatch::reads_rtcp (Side side) const
{
  return side == Side::ReadComponent ? config_.component == COMPONENT_RTCP :
      config_.rtcp_mux;
}

/* The one keepalive test: an RTP packet of the keepalive payload type. */
bool
PacketDispatch::is_keepalive (const PacketFacts &facts) const
{
  return facts.kind == PacketKind::Rtp && config_.keepalive_pt >= 0 &&
      facts.payload_type == config_.keepalive_pt;
}

/* After @decision latched @s: the SSRC to publish, and the held packets
 * into its output, less the keepalives among them (counted in
 * @keepalives). */
LatchEvent
PacketDispatch::latched (SideState &s, const LatchDecision &decision,
    size_t &keepalives)
{
  LatchEvent e;
  e.happened = true;
  e.decision = decision;
  e.peer = s.policy.peer ();
  e.ssrc = s.policy.peer_ssrc ();
  s.published_ssrc = e.ssrc;

  size_t first = s.out.size ();
  released_facts_.clear ();
  s.policy.take_released (s.out, &released_facts_);
  size_t kept = first;
  for (size_t i = first; i < s.out.size (); i++) {
    if (is_keepalive (released_facts_[i - first])) {
      gst_buffer_unref (s.out[i]);
      keepalives++;
    } else {
      s.out[kept++] = s.out[i];
    }
  }
  s.out.resize (kept);
  e.released = kept - first;
  return e;
}

PacketVerdict
PacketDispatch::dispatch (const PeerAddress &from, GstBuffer *packet,
    int64_t now_us)
{
  PacketVerdict v;

  /* The element offers one byte more than the MTU: filling it means the
   * datagram was longer than anything accepted. */
  if (G_UNLIKELY (gst_buffer_get_size (packet) > config_.mtu)) {
    v.reason = DropReason::Malformed;
    v.malformed = "longer than the mtu property";
    gst_buffer_unref (packet);
    return v;
  }

  if (protection_) {
    /* SRTCP keeps the first 8 bytes in the clear (RFC 3711 3.4), so the
     * RFC 5761 payload-type test tells it from SRTP before decrypting. */
    guint8 head[2] = { 0, 0 };
    gst_buffer_extract (packet, 0, head, 2);
    /* What cannot be SRTP or SRTCP at all (junk, a truncated datagram) is
     * malformed: counted as a failed authentication it would look like a
     * key mismatch. */
    if (G_UNLIKELY (!could_be_srtp (head, gst_buffer_get_size (packet)))) {
      v.reason = DropReason::Malformed;
      v.malformed = "not SRTP or SRTCP (shorter than an RTP header, or not version 2)";
      gst_buffer_unref (packet);
      return v;
    }
    bool rtcp = config_.component == COMPONENT_RTCP || (config_.rtcp_mux &&
        looks_like_rtcp (head, 2));
    if (!unprotect (packet, rtcp, v, now_us)) {
      v.side = rtcp && config_.rtcp_mux ? Side::MuxedRtcp : Side::ReadComponent;
      gst_buffer_unref (packet);
      return v;
    }
  }

  PacketFacts facts = inspect_packet (packet, config_.component,
      config_.rtcp_mux);
  /* What reaches here under a protection authenticated: proof enough that
   * it continues the peer's stream (LatchPolicy::continues_after_silence). */
  facts.authenticated = protection_ != nullptr;
  bool muxed = config_.rtcp_mux && facts.kind == PacketKind::Rtcp;
  v.side = muxed ? Side::MuxedRtcp : Side::ReadComponent;
  SideState &s = state_of (v.side);
  bool keepalive = is_keepalive (facts);

  LatchDecision d = s.policy.on_packet (from, facts, now_us, packet);
  switch (d.verdict) {
    case Verdict::Accept:
      if (G_UNLIKELY (keepalive))
        break;
      if (G_UNLIKELY (facts.ssrc != s.published_ssrc) &&
          facts.kind == PacketKind::Rtp) {
        v.follow_ssrc = true;
        v.ssrc = facts.ssrc;
        s.published_ssrc = facts.ssrc;
      }
      v.action = Action::Forward;
      s.out.push_back (packet);
      return v;
    case Verdict::Latch:
      v.latch = latched (s, d, v.keepalives);
      if (!keepalive) {
        v.action = Action::Forward;
        s.out.push_back (packet);
      }
      /* RTCP held for this RTP peer may latch now, before the rest of the
       * batch, just as if the packets had been read one by one. */
      if (!muxed && has (Side::MuxedRtcp)) {
        set_rtp_peer (Side::MuxedRtcp, true, own_.published_ssrc,
            own_.policy.peer ());
        v.rtcp_latch = retry_waiting (Side::MuxedRtcp, now_us);
      }
      if (!keepalive)
        return v;
      break;
    case Verdict::Hold:
      v.action = Action::Hold;
      gst_buffer_unref (packet);   /* the policy has its own reference */
      return v;
    case Verdict::Drop:
      v.reason = d.reason;
      if (d.reason == DropReason::Malformed)
        v.malformed = config_.component == COMPONENT_RTCP || muxed ?
            "not valid RTCP" : "not an RTP packet";
      gst_buffer_unref (packet);
      return v;
  }

  /* A keepalive from the peer: it latched or kept the peer, and ends here. */
  v.action = Action::Keepalive;
  v.keepalives++;
  gst_buffer_unref (packet);
  return v;
}

void
PacketDispatch::set_protection (std::unique_ptr<PacketProtection> protection,
    bool rekey)
{
  if (rekey && protection_ && protection) {
    previous_protection_ = std::move (protection_);
    previous_until_us_ = -1;
  } else {
    previous_protection_.reset ();
  }
  protection_ = std::move (protection);
}

/* Under the new key, else (in the grace period) the old one.  The packet
 * is kept: an AEAD suite may have decrypted in place before its tag
 * failed. */
ProtectionResult
PacketDispatch::unprotect_rekeyed (uint8_t *data, size_t &len, bool rtcp,
    int64_t now_us)
{
  if (previous_until_us_ < 0)
    previous_until_us_ = now_us + REKEY_GRACE_US;
  if (now_us > previous_until_us_) {
    previous_protection_.reset ();
    return protection_->unprotect (data, len, rtcp);
  }
  rekey_copy_.assign (data, data + len);
  size_t n = len;
  ProtectionResult r = protection_->unprotect (data, n, rtcp);
  if (r == ProtectionResult::Ok) {
    previous_protection_.reset ();   /* the peer has the new key */
    len = n;
    return r;
  }
  if (r != ProtectionResult::AuthFailed)
    return r;
  memcpy (data, rekey_copy_.data (), rekey_copy_.size ());
  n = rekey_copy_.size ();
  /* Failing under the old key too, it is counted as the new key says. */
  if (previous_protection_->unprotect (data, n, rtcp) != ProtectionResult::Ok)
    return r;
  len = n;
  return ProtectionResult::Ok;
}

bool
PacketDispatch::unprotect (GstBuffer *packet, bool rtcp, PacketVerdict &v,
    int64_t now_us)
{
  GstMapInfo map;
  if (G_UNLIKELY (!gst_buffer_map (packet, &map, GST_MAP_READWRITE))) {
    v.reason = DropReason::Malformed;
    v.malformed = "not writable";
    return false;
  }
  size_t len = map.size;
  ProtectionResult r = G_UNLIKELY (previous_protection_) ?
      unprotect_rekeyed (map.data, len, rtcp, now_us) :
      protection_->unprotect (map.data, len, rtcp);
  gst_buffer_unmap (packet, &map);
  switch (r) {
    case ProtectionResult::Ok:
      gst_buffer_set_size (packet, (gssize) len);
      return true;
    case ProtectionResult::Replayed:
      v.reason = DropReason::Replayed;
      break;
    case ProtectionResult::AuthFailed:
    case ProtectionResult::Error:
      /* Too short for a tag, or plain RTCP: to an SRTP receiver that is
       * one more packet that does not authenticate. */
      v.reason = DropReason::AuthFailed;
      break;
  }
  return false;
}

void
PacketDispatch::set_rtp_peer (Side side, bool known, uint32_t ssrc,
    const PeerAddress &address)
{
  if (!reads_rtcp (side))
    return;
  LatchPolicy &policy = state_of (side).policy;
  policy.set_rtp_peer_ssrc (known, ssrc);
  policy.set_rtp_peer_address (known ? address : PeerAddress ());
}

LatchEvent
PacketDispatch::retry_waiting (Side side, int64_t now_us)
{
  SideState &s = state_of (side);
  if (!reads_rtcp (side) || s.policy.latched () ||
      !s.policy.waiting_for_rtp_peer ())
    return LatchEvent ();
  LatchDecision d = s.policy.retry_waiting (now_us);
  if (!d.latched_now ())
    return LatchEvent ();
  size_t keepalives = 0;   /* RTCP: never any */
  return latched (s, d, keepalives);
}

bool
PacketDispatch::set_allowed (Side side, const SourcePrefix &allowed)
{
  return has (side) && state_of (side).policy.set_allowed (allowed);
}

void
PacketDispatch::set_preferred (Side side, const PeerAddress &preferred)
{
  if (has (side))
    state_of (side).policy.set_preferred (preferred);
}

void
PacketDispatch::reopen_learning (Side side)
{
  if (has (side))
    state_of (side).policy.reopen_learning ();
}

size_t
PacketDispatch::take_held_dropped (Side side)
{
  return has (side) ? state_of (side).policy.take_held_dropped () : 0;
}

bool
PacketDispatch::check_timeout (Side side, int64_t now_us)
{
  return has (side) && state_of (side).policy.check_timeout (now_us);
}

int64_t
PacketDispatch::wait_us (int64_t now_us) const
{
  int64_t budget = -1;
  auto bound = [&budget] (int64_t t) {
    if (t >= 0 && (budget < 0 || t < budget))
      budget = t;
  };
  for (Side side : { Side::ReadComponent, Side::MuxedRtcp }) {
    if (!has (side))
      continue;
    const LatchPolicy &policy = state_of (side).policy;
    bound (policy.time_to_timeout (now_us));
    if (policy.waiting_for_rtp_peer ())
      bound (RTCP_RETRY_INTERVAL_US);
  }
  return budget;
}

void
PacketDispatch::reset ()
{
  for (Side side : { Side::ReadComponent, Side::MuxedRtcp }) {
    SideState &s = state_of (side);
    s.policy.reset ();
    s.published_ssrc = 0;
    s.clear_output ();
  }
}

}  // namespace comedia

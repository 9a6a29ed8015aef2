/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "latchbridge.h"

#include "srtpsession.h"

/* comedia-rtpsrc's category: this is its latching half. */
GST_DEBUG_CATEGORY_EXTERN (comedia_rtp_src_debug);
#define GST_CAT_DEFAULT comedia_rtp_src_debug

namespace comedia {

void
LatchBridge::set_session (ComediaSession *session, bool negotiated_source)
{
  session_ = session;
  negotiated_source_ = negotiated_source;
}

void
LatchBridge::attach (Side side, Component *component)
{
  side_ (side).component = component;
  side_ (side).allowed_generation = 0;
  side_ (side).relearn_generation = 0;
}

void
LatchBridge::close ()
{
  own_ = Latched ();
  rtcp_ = Latched ();
  session_ = nullptr;
  fixed_srtp_ = false;
  srtp_generation_ = 0;
}

namespace {

/* In place of a key libsrtp refused: nothing authenticates, rather than
 * everything passing as if the call were plain. */
class RefuseAll : public PacketProtection {
 public:
  ProtectionResult unprotect (uint8_t *, size_t &, bool) override
  { return ProtectionResult::AuthFailed; }
};

}  // namespace

bool
LatchBridge::set_fixed_srtp (const SrtpKey &key, std::string &error)
{
  fixed_srtp_ = key.enabled ();
  srtp_generation_ = 0;
  if (!fixed_srtp_)
    return true;
  /* One session for both kinds: SRTP and SRTCP share the master key. */
  auto session = SrtpSession::create (key, SrtpDirection::Inbound, &error);
  if (!session)
    return false;
  dispatch_.set_protection (std::move (session));
  return true;
}

void
LatchBridge::use_srtp_key (const SrtpKey &key)
{
  if (!key.enabled ()) {
    dispatch_.set_protection (nullptr);
    GST_INFO_OBJECT (element_, "the negotiated media is plain RTP");
    return;
  }
  std::string error;
  auto session = SrtpSession::create (key, SrtpDirection::Inbound, &error);
  if (session) {
    GST_INFO_OBJECT (element_, "authenticating with the negotiated %s key",
        srtp_suite_info (key.suite).name);
    /* A re-key in a call: the old key keeps its grace period. */
    dispatch_.set_protection (std::move (session), dispatch_.protected_ ());
    return;
  }
  GST_ELEMENT_WARNING (element_, STREAM, DECRYPT_NOKEY,
      ("The negotiated SRTP key cannot be used: every packet is dropped"),
      ("%s", error.c_str ()));
  dispatch_.set_protection (std::unique_ptr<PacketProtection> (new RefuseAll ()));
}

/* A fixed key wins; otherwise the Component's negotiated one, when it
 * changed (one atomic load when not). */
void
LatchBridge::refresh_srtp ()
{
  if (fixed_srtp_ || !own_.component)
    return;
  SrtpKey key;
  if (own_.component->negotiated_inbound_srtp (srtp_generation_, key))
    use_srtp_key (key);
}

std::string
LatchBridge::peer_string (Side side) const
{
  const Component *c = component (side);
  return c && c->latched () ? c->latched_peer ().to_string () : std::string ();
}

void
LatchBridge::post (GstStructure *s)
{
  gst_element_post_message (element_,
      gst_message_new_element (GST_OBJECT (element_), s));
}

GstStructure *
LatchBridge::component_message (const char *name, const Component *component,
    const PeerAddress &peer)
{
  return gst_structure_new (name,
      "session", G_TYPE_STRING, comedia_session_get_name (session_),
      "stream", G_TYPE_UINT, component->stream,
      "component", G_TYPE_UINT, component->component,
      "address", G_TYPE_STRING, peer.ip_string ().c_str (),
      "port", G_TYPE_INT, (gint) peer.port, nullptr);
}

/* Counts a dropped datagram that is not RTP/RTCP and warns, at most once a
 * second, so a flood of rubbish cannot flood the bus. */
void
LatchBridge::report_malformed (const PeerAddress &from, gsize size,
    const char *what)
{
  Component *component = own_.component;
  component->counters.malformed.fetch_add (1, std::memory_order_relaxed);
  if (!malformed_warning_.allow (g_get_monotonic_time ()))
    return;

  GST_ELEMENT_WARNING (element_, STREAM, DECODE,
      ("Dropped %" G_GUINT64_FORMAT " malformed packet(s) on component %u",
          malformed_warning_.count (), component->component),
      ("last one: %" G_GSIZE_FORMAT " bytes from %s, %s", size,
          from.to_string ().c_str (), what));
}

/* SRTP that did not authenticate, or that the replay window refused:
 * counted, and said at most once a second each.  A key mismatch looks like
 * this from the first packet on; an attacker, or a duplicating path, in
 * the middle of a call. */
void
LatchBridge::report_srtp_failure (Component *component, const PeerAddress &from,
    DropReason reason, gint64 now)
{
  bool auth = reason == DropReason::AuthFailed;
  (auth ? component->counters.auth_failed : component->counters.replayed)
      .fetch_add (1, std::memory_order_relaxed);
  RateLimit &limit = auth ? auth_failed_warning_ : replayed_warning_;
  if (!limit.allow (now))
    return;
  if (auth)
    GST_ELEMENT_WARNING (element_, STREAM, DECRYPT,
        ("Dropped %" G_GUINT64_FORMAT " SRTP packet(s) on component %u that "
            "failed authentication", limit.count (), component->component),
        ("last one from %s: a wrong key or suite, plain RTP, or someone "
            "else's packets", from.to_string ().c_str ()));
  else
    GST_ELEMENT_WARNING (element_, STREAM, DECRYPT,
        ("Dropped %" G_GUINT64_FORMAT " replayed SRTP packet(s) on component %u",
            limit.count (), component->component),
        ("last one from %s: a packet seen before (a duplicating path, or a "
            "copy)", from.to_string ().c_str ()));
}

/* Packets probation held and then had to drop (a bound of bytes or age):
 * counted, and said at most once a second.  A legitimate start fits the
 * bounds; a flood of candidates does not. */
void
LatchBridge::report_held_dropped (Side side, size_t dropped)
{
  Component *component = side_ (side).component;
  component->counters.held_dropped.fetch_add (dropped, std::memory_order_relaxed);
  if (!held_dropped_warning_.allow (g_get_monotonic_time (), dropped))
    return;
  GST_ELEMENT_WARNING (element_, STREAM, FAILED,
      ("Probation dropped %" G_GUINT64_FORMAT " held packet(s) on component %u",
          held_dropped_warning_.count (), component->component),
      ("held packets are bounded by bytes per source and in total, and by age"));
}

/* Well-formed packets refused by the policy: counted, and summed up in a
 * comedia-rejected message at most once a second. */
void
LatchBridge::report_rejected (Component *component, const PeerAddress &from,
    DropReason reason, gint64 now)
{
  component->counters.rejected.fetch_add (1, std::memory_order_relaxed);
  /* Formatting the address is the costly part: only when asked for. */
  if (G_UNLIKELY (gst_debug_category_get_threshold (GST_CAT_DEFAULT) >=
          GST_LEVEL_LOG))
    GST_LOG_OBJECT (element_, "dropped packet from %s: %s",
        from.to_string ().c_str (), drop_reason_name (reason));

  if (!rejected_report_.allow (now))
    return;

  GstStructure *s = component_message ("comedia-rejected", component, from);
  gst_structure_set (s,
      "count", G_TYPE_UINT64, rejected_report_.count (),
      "total", G_TYPE_UINT64,
      component->counters.rejected.load (std::memory_order_relaxed),
      "reason", G_TYPE_STRING, drop_reason_name (reason), nullptr);
  post (s);
}

void
LatchBridge::announce_latch (Side side, const LatchEvent &latch)
{
  Component *component = side_ (side).component;
  const LatchDecision &decision = latch.decision;
  const PeerAddress &peer = latch.peer;
  component->counters.latched.fetch_add (1, std::memory_order_relaxed);
  component->publish_latched_peer (peer, latch.ssrc);

  if (decision.relatched) {
    component->counters.relatched.fetch_add (1, std::memory_order_relaxed);
    GST_INFO_OBJECT (element_, "stream %u component %u re-latched from %s to %s",
        component->stream, component->component,
        decision.previous.to_string ().c_str (), peer.to_string ().c_str ());
    GstStructure *s = component_message ("comedia-relatched", component, peer);
    gst_structure_set (s,
        "old-address", G_TYPE_STRING, decision.previous.ip_string ().c_str (),
        "old-port", G_TYPE_INT, (gint) decision.previous.port, nullptr);
    post (s);
  } else {
    GST_INFO_OBJECT (element_, "stream %u component %u latched %s",
        component->stream, component->component, peer.to_string ().c_str ());
    post (component_message ("comedia-latched", component, peer));
  }
  if (side == Side::Own)
    g_object_notify (G_OBJECT (element_), "latched-address");
}

void
LatchBridge::check_timeout (Side side, gint64 now)
{
  Component *component = side_ (side).component;
  if (!component || !dispatch_.check_timeout (side, now))
    return;
  const LatchPolicy &policy = dispatch_.policy (side);
  component->counters.timeouts.fetch_add (1, std::memory_order_relaxed);
  const PeerAddress &peer = policy.peer ();
  GST_WARNING_OBJECT (element_, "stream %u component %u: nothing from %s for "
      "%" G_GINT64_FORMAT " ms", component->stream, component->component,
      peer.to_string ().c_str (), policy.config ().timeout_us / 1000);
  GstStructure *s = component_message ("comedia-timeout", component, peer);
  gst_structure_set (s, "timeout", G_TYPE_UINT,
      (guint) (policy.config ().timeout_us / 1000), nullptr);
  post (s);
}

void
LatchBridge::check_timeouts (gint64 now)
{
  check_timeout (Side::Own, now);
  check_timeout (Side::MuxedRtcp, now);
}

/* Applies the allowed source that sdp-negotiator put on the side's
 * component (the offer's public c= address), when the allowed-source
 * property leaves it to the negotiator.  A latched peer outside it is
 * forgotten: nothing more is sent to it, and learning starts again. */
void
LatchBridge::refresh_allowed_source (Side side)
{
  Latched &lc = side_ (side);
  std::string prefix_text;
  PeerAddress preferred;
  if (!lc.component || !negotiated_source_ ||
      !lc.component->negotiated_allowed_source (lc.allowed_generation,
          prefix_text, &preferred))
    return;
  dispatch_.set_preferred (side, preferred);
  SourcePrefix prefix;
  if (!SourcePrefix::parse (prefix_text, prefix)) {
    GST_WARNING_OBJECT (element_, "negotiated allowed source \"%s\" ignored: "
        "not an IP address or prefix", prefix_text.c_str ());
    return;
  }
  GST_INFO_OBJECT (element_, "stream %u component %u: learning only from %s",
      lc.component->stream, lc.component->component,
      prefix_text.empty () ? "anywhere" : prefix_text.c_str ());
  PeerAddress old = dispatch_.policy (side).peer ();
  if (dispatch_.set_allowed (side, prefix)) {
    lc.component->clear_latched_peer ();
    GstStructure *s = component_message ("comedia-unlatched", lc.component,
        old);
    gst_structure_set (s, "reason", G_TYPE_STRING,
        drop_reason_name (DropReason::OutsideAllowed), nullptr);
    post (s);
  }
}

/* sdp-negotiator reopened learning (a re-offer moved the peer): a new
 * source may latch through probation; the peer latched stays until then. */
void
LatchBridge::refresh_learning (Side side)
{
  Latched &lc = side_ (side);
  if (!lc.component || !lc.component->learning_reopened (lc.relearn_generation))
    return;
  dispatch_.reopen_learning (side);
  GST_INFO_OBJECT (element_, "stream %u component %u: learning reopened (the peer moved)",
      lc.component->stream, lc.component->component);
}

/* An RTCP side learns the SSRC and address of the stream's RTP peer from
 * the session; kept current while latched too, since RTCP re-latches
 * (relatch=ssrc after a rebinding, relatch=silence after a timeout) only as
 * the voice of the RTP peer of now.  Returns whether that peer is known. */
bool
LatchBridge::refresh_rtp_peer (Side side)
{
  Component *component = side_ (side).component;
  if (!component || !dispatch_.reads_rtcp (side))
    return false;
  Component *rtp = comedia_session_find_component (session_,
      component->stream, COMPONENT_RTP);
  guint32 ssrc = 0;
  bool known = rtp && rtp->latched_ssrc (ssrc);
  dispatch_.set_rtp_peer (side, known, ssrc,
      known ? rtp->latched_peer () : PeerAddress ());
  return known;
}

void
LatchBridge::refresh ()
{
  refresh_srtp ();
  refresh_allowed_source (Side::Own);
  refresh_allowed_source (Side::MuxedRtcp);
  refresh_learning (Side::Own);
  refresh_learning (Side::MuxedRtcp);
  refresh_rtp_peer (Side::Own);
  refresh_rtp_peer (Side::MuxedRtcp);
}

/* The RTCP side learns the SSRC of the stream's RTP peer from the session,
 * and latches a held report once it matches.  Returns how many packets it
 * released. */
size_t
LatchBridge::retry_waiting_rtcp (Side side, gint64 now)
{
  if (!refresh_rtp_peer (side))
    return 0;
  LatchEvent latch = dispatch_.retry_waiting (side, now);
  if (!latch.happened)
    return 0;
  announce_latch (side, latch);
  if (latch.released)
    side_ (side).component->counters.passed.fetch_add (latch.released,
        std::memory_order_relaxed);
  return latch.released;
}

void
LatchBridge::act_on_verdict (const PacketVerdict &v, const PeerAddress &peer,
    gsize len, gint64 now)
{
  Component *target = side_ (v.side).component;

  if (v.latch.happened)
    announce_latch (v.side, v.latch);
  if (G_UNLIKELY (v.follow_ssrc))
    target->follow_latched_ssrc (v.ssrc);
  if (G_UNLIKELY (v.keepalives))
    own_.component->counters.keepalives_received.fetch_add (v.keepalives,
        std::memory_order_relaxed);
  if (v.rtcp_latch.happened)
    announce_latch (Side::MuxedRtcp, v.rtcp_latch);

  switch (v.action) {
    case Action::Hold:
      target->counters.learning.fetch_add (1, std::memory_order_relaxed);
      break;
    case Action::Drop:
      if (v.reason == DropReason::Malformed)
        report_malformed (peer, len, v.malformed);
      else if (v.reason == DropReason::AuthFailed ||
          v.reason == DropReason::Replayed)
        report_srtp_failure (target, peer, v.reason, now);
      else
        report_rejected (target, peer, v.reason, now);
      break;
    case Action::Forward:
    case Action::Keepalive:
      break;
  }
}

void
LatchBridge::count_batch (guint n)
{
  for (Side side : {Side::Own, Side::MuxedRtcp})
    if (size_t dropped = dispatch_.take_held_dropped (side))
      report_held_dropped (side, dropped);
  own_.component->counters.received.fetch_add (n, std::memory_order_relaxed);
  own_.component->counters.passed.fetch_add (dispatch_.output (Side::Own).size (),
      std::memory_order_relaxed);
  size_t rtcp_passed = dispatch_.output (Side::MuxedRtcp).size ();
  if (rtcp_passed)
    rtcp_.component->counters.passed.fetch_add (rtcp_passed,
        std::memory_order_relaxed);
}

}  // namespace comedia

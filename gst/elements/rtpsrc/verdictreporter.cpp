/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "verdictreporter.h"

/* comedia-rtpsrc's category: this is its reporting part. */
GST_DEBUG_CATEGORY_EXTERN (comedia_rtp_src_debug);
#define GST_CAT_DEFAULT comedia_rtp_src_debug

namespace comedia {

void
VerdictReporter::close ()
{
  read_ = nullptr;
  muxed_rtcp_ = nullptr;
  session_ = nullptr;
  verified_read_ = verified_muxed_rtcp_ = PeerAddress ();
  keying_read_ = keying_muxed_rtcp_ = Keying ();
}

std::string
VerdictReporter::peer_string (Side side) const
{
  const Component *c = component (side);
  return c && c->destination.latched () ?
      c->destination.latched_peer ().to_string () : std::string ();
}

void
VerdictReporter::post (GstStructure *s)
{
  gst_element_post_message (element_,
      gst_message_new_element (GST_OBJECT (element_), s));
}

GstStructure *
VerdictReporter::component_message (const char *name, const Component *component,
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
VerdictReporter::report_malformed (const PeerAddress &from, gsize size,
    const char *what)
{
  Component *component = read_;
  component->counters.add (Count::Malformed);
  if (!malformed_warning_.allow (g_get_monotonic_time ()))
    return;

  GST_ELEMENT_WARNING (element_, STREAM, DECODE,
      ("Dropped %" G_GUINT64_FORMAT " malformed packet(s) on component %u",
          malformed_warning_.count (), component->component),
      ("last one: %" G_GSIZE_FORMAT " bytes from %s, %s", size,
          from.to_string ().c_str (), what));
}

/* SRTP that did not authenticate, or that the replay window refused:
 * counted, and said at most once a second each, apart for the peer and for
 * other sources.  Failures from the latched peer (or, before it latched,
 * the source the negotiated SDP names) are a key mismatch; from anyone
 * else, someone else's packets (a flood, a copycat), dropped and nothing
 * to fix.  Junk that cannot be SRTP at all is malformed, not counted here. */
void
VerdictReporter::report_srtp_failure (Side side, const PeerAddress &from,
    DropReason reason, gint64 now)
{
  Component *component = component_of (side);
  const LatchPolicy &policy = dispatch_.policy (side);
  const PeerAddress &expected = policy.latched () ? policy.peer ()
      : policy.config ().preferred;
  bool from_peer = expected.valid () && from == expected;
  bool auth = reason == DropReason::AuthFailed;
  component->counters.add (auth ? Count::AuthFailed : Count::Replayed);
  if (auth && from_peer && peer_still_keying (side, now)) {
    GST_DEBUG_OBJECT (element_, "component %u: dropped media from %s that did not "
        "authenticate just after DTLS verified it: plain media sent before the "
        "peer had its keys", component->component, from.to_string ().c_str ());
    return;
  }
  if (from_peer)
    component->counters.add (auth ? Count::AuthFailedPeer : Count::ReplayedPeer);
  if (!auth) {
    if (replayed_warning_.allow (now))
      GST_ELEMENT_WARNING (element_, STREAM, DECRYPT,
          ("Dropped %" G_GUINT64_FORMAT " replayed SRTP packet(s) on component %u",
              replayed_warning_.count (), component->component),
          ("last one from %s%s: a packet seen before (a duplicating path, or a "
              "copy)", from.to_string ().c_str (), from_peer ? " (the peer)" : ""));
    return;
  }
  if (from_peer) {
    if (auth_failed_peer_warning_.allow (now))
      GST_ELEMENT_WARNING (element_, STREAM, DECRYPT,
          ("Dropped %" G_GUINT64_FORMAT " SRTP packet(s) from the peer on "
              "component %u that failed authentication: the keys or suites of "
              "the two sides differ", auth_failed_peer_warning_.count (),
              component->component),
          ("the peer %s sends under another key than this element's",
              from.to_string ().c_str ()));
    return;
  }
  if (auth_failed_warning_.allow (now))
    GST_ELEMENT_WARNING (element_, STREAM, DECRYPT,
        ("Dropped %" G_GUINT64_FORMAT " SRTP packet(s) on component %u that "
            "failed authentication", auth_failed_warning_.count (),
            component->component),
        ("last one from %s, %s", from.to_string ().c_str (), policy.latched ()
            ? "not the latched peer: someone else's packets, dropped"
            : "nothing latched yet: a wrong key or suite if it is the peer, "
              "else someone else's packets"));
}

/* Packets probation held and then had to drop (a bound of bytes or age):
 * counted, and said at most once a second.  A legitimate start fits the
 * bounds; a flood of candidates does not. */
void
VerdictReporter::report_held_dropped (Side side, size_t dropped)
{
  Component *component = component_of (side);
  component->counters.add (Count::HeldDropped, dropped);
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
VerdictReporter::report_rejected (Component *component, const PeerAddress &from,
    DropReason reason, gint64 now)
{
  component->counters.add (Count::Rejected);
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
      component->counters.get (Count::Rejected),
      "reason", G_TYPE_STRING, drop_reason_name (reason), nullptr);
  post (s);
}

void
VerdictReporter::announce_latch (Side side, const LatchEvent &latch)
{
  Component *component = component_of (side);
  const LatchDecision &decision = latch.decision;
  const PeerAddress &peer = latch.peer;
  component->counters.add (Count::Latched);
  component->destination.publish_latched (peer, latch.ssrc);
  /* The DTLS-verified peer's first media: announced at verification. */
  PeerAddress &verified = verified_of (side);
  bool announced = verified.valid () && verified == peer;
  verified = PeerAddress ();
  if (announced)
    return;

  if (decision.relatched) {
    component->counters.add (Count::Relatched);
    GST_INFO_OBJECT (element_, "stream %u component %u re-latched from %s to %s",
        component->stream, component->component,
        decision.previous.to_string ().c_str (), peer.to_string ().c_str ());
    GstStructure *s = component_message ("comedia-relatched", component, peer);
    gst_structure_set (s,
        "old-address", G_TYPE_STRING, decision.previous.ip_string ().c_str (),
        "old-port", G_TYPE_INT, (gint) decision.previous.port,
        "reason", G_TYPE_STRING, latch_reason_name (decision.why), nullptr);
    post (s);
  } else {
    GST_INFO_OBJECT (element_, "stream %u component %u latched %s",
        component->stream, component->component, peer.to_string ().c_str ());
    post (component_message ("comedia-latched", component, peer));
  }
  if (side == Side::ReadComponent)
    g_object_notify (G_OBJECT (element_), "latched-address");
}

void
VerdictReporter::check_timeout (Side side, gint64 now)
{
  Component *component = component_of (side);
  if (!component || !dispatch_.check_timeout (side, now))
    return;
  const LatchPolicy &policy = dispatch_.policy (side);
  component->counters.add (Count::Timeouts);
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
VerdictReporter::check_timeouts (gint64 now)
{
  check_timeout (Side::ReadComponent, now);
  check_timeout (Side::MuxedRtcp, now);
}

/* The negotiated allowed source (the offer's public c= address) excludes
 * the latched peer: nothing more is sent to it, and learning starts
 * again. */
void
VerdictReporter::report_unlatched (Side side, const PeerAddress &old)
{
  Component *component = component_of (side);
  /* Not a DTLS-verified peer published since, which the terms move to. */
  if (component->destination.latched_peer () == old)
    component->destination.clear_latched ();
  GstStructure *s = component_message ("comedia-unlatched", component, old);
  gst_structure_set (s, "reason", G_TYPE_STRING,
      drop_reason_name (DropReason::OutsideAllowed), nullptr);
  post (s);
}

/* How long after verification a peer's unauthenticated media is taken for
 * its last plain packets rather than a key mismatch: its handshake ends a
 * round trip (and, on a loaded phone, its own delays) after ours. */
static constexpr gint64 PEER_KEYING_GRACE_US = 3 * G_USEC_PER_SEC;

bool
VerdictReporter::peer_still_keying (Side side, gint64 now)
{
  const Keying &k = keying_of (side);
  return k.verified_at != 0 && now - k.verified_at < PEER_KEYING_GRACE_US
      && component_of (side)->counters.get (Count::Passed) == k.passed_at;
}

void
VerdictReporter::announce_verified (const PeerAddress &peer)
{
  for (Side side : {Side::ReadComponent, Side::MuxedRtcp}) {
    Component *component = component_of (side);
    if (!component)
      continue;
    keying_of (side) = { g_get_monotonic_time (), component->counters.get (Count::Passed) };
    PeerAddress old = component->destination.latched_peer ();
    component->destination.publish_verified (peer);
    verified_of (side) = peer;
    if (old == peer)
      continue;   /* a new handshake with the same peer */
    if (old.valid ()) {
      component->counters.add (Count::Relatched);
      GstStructure *s = component_message ("comedia-relatched", component, peer);
      gst_structure_set (s,
          "old-address", G_TYPE_STRING, old.ip_string ().c_str (),
          "old-port", G_TYPE_INT, (gint) old.port,
          "reason", G_TYPE_STRING, "dtls-verified", nullptr);
      post (s);
    } else {
      post (component_message ("comedia-latched", component, peer));
    }
  }
  g_object_notify (G_OBJECT (element_), "latched-address");
}

void
VerdictReporter::report_retried_latch (Side side, const LatchEvent &latch)
{
  announce_latch (side, latch);
  if (latch.released)
    component_of (side)->counters.add (Count::Passed, latch.released);
}

void
VerdictReporter::report (const PacketVerdict &v, const PeerAddress &peer, gsize len,
    gint64 now)
{
  Component *target = component_of (v.side);

  if (v.latch.happened)
    announce_latch (v.side, v.latch);
  if (G_UNLIKELY (v.follow_ssrc))
    target->destination.follow_latched_ssrc (v.ssrc);
  if (G_UNLIKELY (v.keepalives))
    read_->counters.add (Count::KeepalivesReceived, v.keepalives);
  if (v.rtcp_latch.happened)
    announce_latch (Side::MuxedRtcp, v.rtcp_latch);

  switch (v.action) {
    case Action::Hold:
      target->counters.add (Count::Learning);
      break;
    case Action::Drop:
      if (v.reason == DropReason::Malformed)
        report_malformed (peer, len, v.malformed);
      else if (v.reason == DropReason::AuthFailed ||
          v.reason == DropReason::Replayed)
        report_srtp_failure (v.side, peer, v.reason, now);
      else
        report_rejected (target, peer, v.reason, now);
      break;
    case Action::Forward:
    case Action::Keepalive:
      break;
  }
}

void
VerdictReporter::count_batch (guint n)
{
  for (Side side : {Side::ReadComponent, Side::MuxedRtcp})
    if (size_t dropped = dispatch_.take_held_dropped (side))
      report_held_dropped (side, dropped);
  read_->counters.add (Count::Received, n);
  read_->counters.add (Count::Passed, dispatch_.output (Side::ReadComponent).size ());
  size_t rtcp_passed = dispatch_.output (Side::MuxedRtcp).size ();
  if (rtcp_passed)
    muxed_rtcp_->counters.add (Count::Passed, rtcp_passed);
}

}  // namespace comedia

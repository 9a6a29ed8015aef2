/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "dispatchterms.h"

#include "srtpsession.h"

/* comedia-rtpsrc's category: this is the part that follows the session. */
GST_DEBUG_CATEGORY_EXTERN (comedia_rtp_src_debug);
#define GST_CAT_DEFAULT comedia_rtp_src_debug

namespace comedia {

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
DispatchTerms::start (bool negotiated_source, const SrtpKey &fixed_key,
    std::string &error)
{
  read_ = SideTerms ();
  muxed_rtcp_ = SideTerms ();
  negotiated_source_ = negotiated_source;
  fixed_srtp_ = fixed_key.enabled ();
  if (!fixed_srtp_)
    return true;
  /* One session for both kinds: SRTP and SRTCP share the master key. */
  auto session = SrtpSession::create (fixed_key, SrtpDirection::Inbound, &error);
  if (!session)
    return false;
  dispatch_.set_protection (std::move (session));
  return true;
}

void
DispatchTerms::close ()
{
  read_ = SideTerms ();
  muxed_rtcp_ = SideTerms ();
  fixed_srtp_ = false;
}

void
DispatchTerms::use_srtp_key (const SrtpKey &key)
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
    dispatch_.set_protection (std::move (session), dispatch_.has_protection ());
    return;
  }
  GST_ELEMENT_WARNING (element_, STREAM, DECRYPT_NOKEY,
      ("The negotiated SRTP key cannot be used: every packet is dropped"),
      ("%s", error.c_str ()));
  dispatch_.set_protection (std::unique_ptr<PacketProtection> (new RefuseAll ()));
}

/* Applies the allowed source that sdp-negotiator put on the side's
 * component (the offer's public c= address), when the allowed-source
 * property leaves it to the negotiator.  A latched peer outside it is
 * forgotten. */
void
DispatchTerms::apply_allowed_source (Side side, Component *component,
    const ReceiveTerms::Snapshot &terms)
{
  dispatch_.set_preferred (side, terms.preferred);
  SourcePrefix prefix;
  if (!SourcePrefix::parse (terms.allowed_source, prefix)) {
    GST_WARNING_OBJECT (element_, "negotiated allowed source \"%s\" ignored: "
        "not an IP address or prefix", terms.allowed_source.c_str ());
    return;
  }
  GST_INFO_OBJECT (element_, "stream %u component %u: learning only from %s",
      component->stream, component->component,
      terms.allowed_source.empty () ? "anywhere" : terms.allowed_source.c_str ());
  PeerAddress old = dispatch_.policy (side).peer ();
  if (dispatch_.set_allowed (side, prefix))
    reporter_.report_unlatched (side, old);
}

/* A side that latches RTCP learns the SSRC and address of the stream's RTP
 * peer; kept current while latched too, since RTCP re-latches
 * (relatch=ssrc after a rebinding, relatch=silence after a timeout) only as
 * the voice of the RTP peer of now. */
void
DispatchTerms::update_rtp_peer (Side side, Component *component)
{
  SideTerms &t = terms_of (side);
  /* Until it exists (a sink or the negotiator may open it later); then it
   * lives as long as the session the element holds. */
  if (!t.rtp)
    t.rtp = comedia_session_find_component (reporter_.session (),
        component->stream, COMPONENT_RTP);
  if (!t.rtp || !t.rtp->destination.latched_peer_since (t.rtp_generation,
          t.rtp_peer))
    return;
  dispatch_.set_rtp_peer (side, t.rtp_peer.known, t.rtp_peer.ssrc,
      t.rtp_peer.known ? t.rtp_peer.address : PeerAddress ());
}

void
DispatchTerms::update (Side side)
{
  Component *component = reporter_.component (side);
  if (!component)
    return;
  SideTerms &t = terms_of (side);
  ReceiveTerms::Changes changed = component->receive_terms.refresh (t.terms);
  /* A fixed key wins; the muxed RTCP shares the read component's. */
  if (G_UNLIKELY (changed.inbound_key) && side == Side::ReadComponent &&
      !fixed_srtp_)
    use_srtp_key (t.terms.inbound_key);
  if (G_UNLIKELY (changed.allowed_source) && negotiated_source_)
    apply_allowed_source (side, component, t.terms);
  if (G_UNLIKELY (changed.relearn)) {
    /* sdp-negotiator reopened learning (a re-offer moved the peer): a new
     * source may latch through probation; the peer latched stays until
     * then. */
    dispatch_.reopen_learning (side);
    GST_INFO_OBJECT (element_, "stream %u component %u: learning reopened "
        "(the peer moved)", component->stream, component->component);
  }
  if (dispatch_.reads_rtcp (side))
    update_rtp_peer (side, component);
}

void
DispatchTerms::update ()
{
  update (Side::ReadComponent);
  update (Side::MuxedRtcp);
}

}  // namespace comedia

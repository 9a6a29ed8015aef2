/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* sdp-negotiator's offer/answer steps: an offer answered (or another
 * stack's answer rewritten) and applied to the session, an offer made, an
 * answer applied; with the bus messages and keepalives that go with them. */
#include "config.h"

#include "negotiationsteps.h"
#include "negotiatorprivate.h"
#include "negotiatortrickle.h"
#include "mdnsresolution.h"
#include "answerer.h"
#include "keepaliveservice.h"
#include "netaddress.h"
#include "offeredstreams.h"
#include "offerer.h"
#include "sessionstreams.h"
#include "srtpsession.h"

#include <gst/sdp/sdp.h>

#include "negotiatordebug.h"

namespace comedia {

/* RFC 6263 section 4: 15 s keeps the shortest common UDP NAT timeout (30 s)
 * open with one loss to spare. */
constexpr gint AUTO_KEEPALIVE_INTERVAL_MS = 15000;

/* ---- the session's sockets -------------------------------------------- */

/* The session named by the property, acquired on first use. */
ComediaSession *
get_session (ComediaSdpNegotiator * self)
{
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  std::lock_guard<std::mutex> guard (priv->lock);
  if (priv->session != nullptr
      && priv->session_name != comedia_session_get_name (priv->session))
    g_clear_object (&priv->session);
  if (priv->session == nullptr)
    priv->session = comedia_session_acquire (priv->session_name.c_str ());
  return priv->session;
}

/* Starts NAT keepalives for the streams of @plans, if this role wants them;
 * @burst: send the initial burst now. */
static void
start_keepalives (ComediaSdpNegotiator * self, ComediaSession * session,
    const std::vector<StreamPlan> & plans, bool burst)
{
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  std::lock_guard<std::mutex> guard (priv->lock);
  gint interval = priv->keepalive_interval;
  if (interval < 0)
    interval = priv->role == COMEDIA_SDP_ROLE_OFFERER ? AUTO_KEEPALIVE_INTERVAL_MS : 0;
  if (interval != 0)
    start_plan_keepalives (GST_ELEMENT (self), session, plans, interval,
        (guint8) priv->keepalive_pt, burst, priv->keepalive_streams);
}

void
stop_keepalives (ComediaSdpNegotiator * self)
{
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  std::lock_guard<std::mutex> guard (priv->lock);
  if (priv->session)
    for (guint stream : priv->keepalive_streams)
      comedia_keepalive_stop (priv->session, stream);
  priv->keepalive_streams.clear ();
}

/* ---- bus messages ----------------------------------------------------- */

static void
post_description (ComediaSdpNegotiator * self, const char *name,
    const GstSDPMessage * msg)
{
  std::string session = session_name_of (self);
  std::string text = sdp_message_to_text (msg);
  GST_DEBUG_OBJECT (self, "%s:\n%s", name, text.c_str ());
  GstStructure *s = gst_structure_new (name,
      "session", G_TYPE_STRING, session.c_str (),
      "sdp", GST_TYPE_SDP_MESSAGE, msg,
      "text", G_TYPE_STRING, text.c_str (), nullptr);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

/* @what: "offer", "answer"... for the error text. */
void
post_sdp_error (ComediaSdpNegotiator * self, const char *what, const SdpError & err)
{
  GST_ELEMENT_ERROR_WITH_DETAILS (self, STREAM, FORMAT,
      ("Invalid SDP %s: %s", what, err.message.c_str ()),
      ("sdp-negotiator could not use the %s: %s", what, err.message.c_str ()),
      ("line", G_TYPE_UINT, err.line, nullptr));
}

static void
post_no_comedia (ComediaSdpNegotiator * self, const std::string & reason)
{
  GstStructure *s = gst_structure_new ("sdp-negotiator-no-comedia",
      "session", G_TYPE_STRING, session_name_of (self).c_str (),
      "reason", G_TYPE_STRING, reason.c_str (), nullptr);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

/* The peer's a=candidate lines that @doc (@what: "offer", "answer") had to
 * skip: one warning naming them, and counted in candidates-skipped.  Bad
 * candidates are the peer's, so never an error: the rest still connect.
 * @resolving_mdns: its mDNS host candidates are not skipped (yet), they
 * resolve after the answer (resolve_mdns_candidates). */
static void
warn_skipped_candidates (ComediaSdpNegotiator * self, const SdpDocument & doc,
    const char *what, bool resolving_mdns)
{
  std::vector<std::string> skipped = doc.skip_notes (resolving_mdns);
  if (skipped.empty ())
    return;
  guint64 total = count_skipped_candidates (self, skipped.size ());
  std::string list;
  for (const std::string & note : skipped)
    list += "\n  " + note;
  GST_ELEMENT_WARNING (self, STREAM, FORMAT,
      ("Skipped %u ICE candidate line(s) of the %s that cannot be used; the others "
          "and the peer's own checks still connect", (guint) skipped.size (), what),
      ("session %s (%" G_GUINT64_FORMAT " skipped so far):%s",
          session_name_of (self).c_str (), total, list.c_str ()));
}

/* ---- the negotiation steps -------------------------------------------- */

/* With priv->lock: the sha-256 fingerprint of our certificate, once
 * loaded (load_dtls_certificate). */
static std::optional<Fingerprint>
local_fingerprint (const ComediaSdpNegotiatorPrivate * priv)
{
  std::string why;
  if (priv->dtls_local_fingerprint.empty ())
    return std::nullopt;
  return parse_fingerprint (priv->dtls_local_fingerprint, why);
}

static std::shared_ptr<const DtlsCertificate>
dtls_certificate_of (ComediaSdpNegotiator * self)
{
  std::lock_guard<std::mutex> guard (self->priv->lock);
  return self->priv->dtls_certificate;
}

bool
load_dtls_certificate (ComediaSdpNegotiator * self)
{
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  std::string path;
  {
    std::lock_guard<std::mutex> guard (priv->lock);
    path = priv->dtls_certificate_path;
  }
  std::string error;
  std::shared_ptr<const DtlsCertificate> loaded, in_use;
  if (!path.empty ()) {
    /* One file holds both the certificate and its key. */
    in_use = loaded = DtlsCertificate::from_pem_files (path, path, &error);
    if (!loaded) {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("Cannot use dtls-certificate '%s': %s", path.c_str (), error.c_str ()),
          ("it must be a PEM file holding the certificate and its unencrypted private key"));
      return false;
    }
  } else if (!(in_use = DtlsCertificate::process_default (&error))) {
    /* Not the application's doing: DTLS-SRTP offers are refused, the rest
     * goes on. */
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        ("Cannot make a DTLS certificate: %s; DTLS-SRTP is not negotiated", error.c_str ()),
        (nullptr));
  }
  std::optional<Fingerprint> fp = in_use ? in_use->fingerprint ("sha-256") : std::nullopt;
  std::lock_guard<std::mutex> guard (priv->lock);
  priv->dtls_certificate = loaded;
  priv->dtls_local_fingerprint = fp ? write_fingerprint (*fp) : "";
  return true;
}

static AnswerOptions
answer_options (ComediaSdpNegotiator * self)
{
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  std::lock_guard<std::mutex> guard (priv->lock);
  AnswerOptions o;
  o.public_address = priv->public_address;
  o.session_name = priv->sdp_session_name;
  o.rtcp_mux = priv->rtcp_mux;
  o.formats = split_format_list (priv->formats);
  o.default_route_address = default_route_address;
  o.prefer = (PreferTransport) priv->prefer_transport;
  o.symmetric = (SymmetricRtp) priv->symmetric_rtp;
  o.restrict_source = priv->restrict_source;
  o.plain_rtp = priv->srtp == COMEDIA_SDP_SRTP_REQUIRE ?
      PlainRtpPolicy::RequireSrtp : PlainRtpPolicy::Accept;
  o.random = srtp_random_bytes;
  o.dtls = (DtlsPolicy) priv->dtls;
  o.dtls_fingerprint = local_fingerprint (priv);
  o.bundle = (BundlePolicy) priv->bundle_policy;
  return o;
}

static void
store_descriptions (ComediaSdpNegotiator * self, const GstSDPMessage * local,
    const GstSDPMessage * remote)
{
  std::lock_guard<std::mutex> guard (self->priv->lock);
  self->priv->local_description = local ? sdp_message_copy (local) : nullptr;
  self->priv->remote_description = remote ? sdp_message_copy (remote) : nullptr;
}

/* Answerer, with negotiation_lock: what @plans, the answer to @offer,
 * change against the last answer of the session (said in their notes),
 * reopening learning where the offer moved the peer; then remembers them. */
static void
apply_reoffer (ComediaSdpNegotiator * self, ComediaSession * session,
    const SdpDocument & offer, std::vector<StreamPlan> & plans)
{
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  std::string name = comedia_session_get_name (session);
  if (priv->answered_session != name) {
    priv->last_answer.forget ();
    priv->answered_session = name;
  }
  std::vector<StreamChange> changes = priv->last_answer.compare (offer, plans);
  for (const StreamChange & c : changes) {
    for (guint component : { COMPONENT_RTP, COMPONENT_RTCP }) {
      bool relearn = component == COMPONENT_RTP ? c.relearn_rtp : c.relearn_rtcp;
      if (!relearn)
        continue;
      if (Component *comp = comedia_session_find_component (session,
              c.stream, component))
        comp->receive_terms.reopen_learning ();
    }
    if (!c.ports_kept)
      GST_WARNING_OBJECT (self, "stream %u: %s", c.stream, c.note.c_str ());
  }
  annotate_plans (changes, plans);
  priv->last_answer.remember (offer, plans);
}

/* Answerer, with negotiation_lock: the last steps of an answer (@answer,
 * to @offer) and of a rewritten one: what changed since the last answer,
 * the plans applied to the session, the descriptions stored and posted.
 * @own: an answer of ours, which gets the session's o= id and version
 * (RFC 3264 8) and starts the role's keepalives; a rewritten answer keeps
 * the other code's o= and starts none (see handle_rewrite for why). */
static SdpMessagePtr
finish_answer (ComediaSdpNegotiator * self, ComediaSession * session,
    const SdpDocument & offer, Negotiated & answer, bool own)
{
  apply_reoffer (self, session, offer, answer.streams);
  if (own)
    self->priv->last_answer.stamp_answer (offer, answer.sdp.get ());
  apply_stream_plans (GST_ELEMENT (self), session, self->priv->nice, answer.streams,
      dtls_certificate_of (self));
  apply_bundle_routes (session, answer.sdp.get (), answer.streams);
  if (own)
    start_keepalives (self, session, answer.streams, false);
  store_descriptions (self, answer.sdp.get (), offer.message ());
  post_description (self, "sdp-negotiator-answer-created", answer.sdp.get ());
  return std::move (answer.sdp);
}

SdpMessagePtr
handle_offer (ComediaSdpNegotiator * self, const SdpDocument & offer, SdpError & err)
{
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  std::lock_guard<std::mutex> negotiating (priv->negotiation_lock);
  post_description (self, "sdp-negotiator-offer-received", offer.message ());
  bool resolve = resolving_mdns (self);
  warn_skipped_candidates (self, offer, "offer", resolve);
  ComediaSession *session = get_session (self);
  /* The last offer again (RFC 3264 8): the last answer again, keys, ports
   * and o= version alike, and the session, already set up for it, is left
   * as it is. */
  SdpMessagePtr again;
  if (priv->answered_session == comedia_session_get_name (session)
      && (again = priv->last_answer.repeated_answer (offer))) {
    GST_INFO_OBJECT (self, "the last offer again: answered with the last answer");
    store_descriptions (self, again.get (), offer.message ());
    post_description (self, "sdp-negotiator-answer-created", again.get ());
    return again;
  }
  AnswerOptions options = answer_options (self);
  /* A re-offer keeps each stream's DTLS association, and our SDES key
   * where the peer kept its own, when it can. */
  if (priv->answered_session == comedia_session_get_name (session)) {
    options.previous_dtls = priv->last_answer.previous_dtls ();
    options.previous_sdes = priv->last_answer.previous_sdes ();
  }
  /* Decide, then open and gather what the decisions need (gathering may
   * take ICE_GATHERING_TIMEOUT_MS), then write the answer from both. */
  AnswerPlan plan;
  Negotiated answer;
  if (priv->answered_session == comedia_session_get_name (session))
    restart_ice_where_asked (self, offer);
  choose_trickle (self, offer);
  if (!plan_answer (offer, local_streams_of (session, priv->nice,
              gst_sdp_message_medias_len (offer.message ())), options, plan, err)
      || !write_answer (offer, plan, supply_stream_needs (session, priv->nice, plan),
          options, answer, err))
    return nullptr;
  SdpMessagePtr out = finish_answer (self, session, offer, answer, true);
  /* The answer does not wait for the names: they come like trickled ones. */
  if (resolve)
    resolve_mdns_candidates (self, offer, answer.streams);
  return out;
}

SdpMessagePtr
handle_rewrite (ComediaSdpNegotiator * self, const SdpDocument & offer,
    const SdpDocument & answer)
{
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  std::lock_guard<std::mutex> negotiating (priv->negotiation_lock);
  ComediaSession *session = get_session (self);
  AnswerOptions options = answer_options (self);
  AnswerPlan plan;
  Negotiated rewritten;
  SdpError err;
  if (!plan_rewrite (offer, answer, local_streams_of (session, priv->nice,
              gst_sdp_message_medias_len (answer.message ())), options, plan, err)
      || !write_rewrite (offer, answer, plan, supply_stream_needs (session, priv->nice,
              plan), options, rewritten, err)) {
    post_sdp_error (self, "answer to rewrite", err);
    return nullptr;
  }
  /* No keepalives and no o= of ours: nothing ever started them here.  When keepalives came
   * (d0647ef) they went into the offerer's answer handling and the
   * answerer's offer handling only, and nothing since asked for them on
   * rewrite-answer; an answerer has none by default (keepalive-interval -1
   * is off for role=answerer), so the two differ only with an explicit
   * keepalive-interval.  Kept as it is: no behaviour change. */
  SdpMessagePtr out = finish_answer (self, session, offer, rewritten, false);
  if (resolving_mdns (self))
    resolve_mdns_candidates (self, offer, rewritten.streams);
  return out;
}

/* Offerer: a new offer, remembered for the answer, or nullptr after an
 * error was posted. */
SdpMessagePtr
make_offer (ComediaSdpNegotiator * self)
{
  std::lock_guard<std::mutex> negotiating (self->priv->negotiation_lock);
  ComediaSession *session = get_session (self);
  std::vector<OfferedStream> streams;
  std::vector<GstCaps *> owned;
  SdpError err;
  OfferOptions options;
  std::string session_name;
  GstCaps *offer_caps = nullptr;
  bool rtcp_mux, ice_offer, full_trickle;
  {
    std::lock_guard<std::mutex> guard (self->priv->lock);
    options.session_name = self->priv->sdp_session_name;
    options.srtp = (SrtpOffer) self->priv->srtp;
    options.random = srtp_random_bytes;
    options.dtls = (DtlsPolicy) self->priv->dtls;
    options.dtls_fingerprint = local_fingerprint (self->priv);
    session_name = self->priv->session_name;
    if (self->priv->offer_caps)
      offer_caps = gst_caps_ref (self->priv->offer_caps);
    rtcp_mux = self->priv->rtcp_mux;
    ice_offer = self->priv->transport == COMEDIA_SDP_TRANSPORT_ICE;
    /* BUNDLE needs ICE m-lines: COMEDIA offers stay one transport each. */
    options.bundle = ice_offer ? (BundlePolicy) self->priv->bundle_policy : BundlePolicy::None;
    /* Only on request: a=ice-options:trickle makes answerers (comedia's
     * own too) answer before gathering ends, and an application that
     * relays nothing after the answer would lose their later candidates. */
    full_trickle = ice_offer && self->priv->trickle && self->priv->trickle_offer;
    options.trickle = full_trickle;
  }
  /* Full trickle: gathering returns with the host candidates, the others
   * held until the offer left (release_local_candidates). */
  if (std::shared_ptr<IceAgent> trickling = ice_offer ? self->priv->nice.agent () : nullptr)
    trickling->set_trickle (full_trickle);
  /* IPv6 when the first stream's socket is bound to an IPv6 address. */
  if (Component *c = comedia_session_find_component (session, 1,
          COMPONENT_RTP)) {
    std::string bound = local_ip_of (c);
    options.ipv6 = bound.find (':') != std::string::npos;
  }
  SdpMessagePtr offer;
  std::vector<IceDescription> ice;
  bool ok = collect_offered_streams (GST_ELEMENT (self), session,
      self->priv->nice, session_name, offer_caps, rtcp_mux, streams, owned, err);
  std::shared_ptr<IceAgent> agent = ice_offer ? self->priv->nice.agent () : nullptr;
  if (ok && agent && self->priv->restart_ice) {
    /* RFC 8445 9: new credentials, the candidates kept; the checks start
     * again with the answer's. */
    for (guint stream = 1; stream <= streams.size (); stream++)
      agent->restart_stream (stream);
    self->priv->restart_ice = false;
    GST_INFO_OBJECT (self, "this offer restarts ICE");
  }
  ok = ok && (!ice_offer || gather_offered_ice (self->priv->nice, rtcp_mux,
              options.bundle == BundlePolicy::MaxBundle, streams, ice, err))
      && build_offer (streams, options, offer, err);
  gst_clear_caps (&offer_caps);
  for (GstCaps *c : owned)
    gst_caps_unref (c);
  if (!ok) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Cannot make an SDP offer: %s", err.message.c_str ()), (nullptr));
    return nullptr;
  }
  /* RFC 3264 8: our re-offers keep the session id, raising the version
   * when they change. */
  self->priv->offer_origin.stamp (offer.get ());
  store_descriptions (self, offer.get (), nullptr);
  {
    std::lock_guard<std::mutex> guard (self->priv->lock);
    self->priv->offer = sdp_message_copy (offer.get ());
    self->priv->answered = false;
  }
  post_description (self, "sdp-negotiator-offer-created", offer.get ());
  return offer;
}

void
request_ice_restart (ComediaSdpNegotiator * self)
{
  std::lock_guard<std::mutex> negotiating (self->priv->negotiation_lock);
  self->priv->restart_ice = true;
}

/* Offerer: applies the answer to the last offer. */
bool
handle_answer (ComediaSdpNegotiator * self, const SdpDocument & answer, SdpError & err)
{
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  std::lock_guard<std::mutex> negotiating (priv->negotiation_lock);
  post_description (self, "sdp-negotiator-answer-received", answer.message ());
  bool resolve = resolving_mdns (self);
  warn_skipped_candidates (self, answer, "answer", resolve);

  SdpMessagePtr offer_msg;
  MissingPassive missing;
  SymmetricRtp symmetric;
  {
    std::lock_guard<std::mutex> guard (priv->lock);
    /* Answers to a resent offer may come more than once: each is applied. */
    if (priv->offer)
      offer_msg = sdp_message_copy (priv->offer.get ());
    missing = (MissingPassive) priv->missing_passive;
    symmetric = (SymmetricRtp) priv->symmetric_rtp;
  }
  if (!offer_msg)
    return err.set ("an answer arrived but this element has no offer waiting for one "
        "(role=offerer sends one in PLAYING; create-offer makes one)");
  SdpDocument offer;
  AnswerReading reading;
  if (!SdpDocument::from_message (offer_msg.get (), offer, err)
      || !read_answer (offer, answer, missing, reading, err, symmetric)) {
    if (reading.missing_passive) {
      post_no_comedia (self, err.message);
      /* missing-passive=error: the application asked for the failure. */
      err.local = true;
    }
    return false;
  }
  if (reading.missing_passive) {
    post_no_comedia (self, reading.warning);
    GST_ELEMENT_WARNING (self, STREAM, FORMAT,
        ("%s; sending to the answer's address as a static destination",
            reading.warning.c_str ()), (nullptr));
  }
  if (!reading.dtls_warning.empty ())
    GST_ELEMENT_WARNING (self, STREAM, FORMAT,
        ("DTLS-SRTP refused: %s", reading.dtls_warning.c_str ()), (nullptr));
  if (!reading.bundle_warning.empty ())
    GST_ELEMENT_WARNING (self, STREAM, FORMAT,
        ("BUNDLE declined: %s; the other m-lines go on", reading.bundle_warning.c_str ()),
        (nullptr));
  ComediaSession *session = get_session (self);
  apply_stream_plans (GST_ELEMENT (self), session, priv->nice, reading.streams,
      dtls_certificate_of (self));
  apply_bundle_routes (session, offer_msg.get (), reading.streams);
  if (resolve)
    resolve_mdns_candidates (self, answer, reading.streams);
  start_keepalives (self, session, reading.streams, true);
  store_descriptions (self, offer_msg.get (), answer.message ());
  {
    std::lock_guard<std::mutex> guard (priv->lock);
    priv->answered = true;
  }
  priv->answered_cond.notify_all ();
  post_description (self, "sdp-negotiator-answered", answer.message ());
  return true;
}

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "offerer.h"
#include "srtpnegotiation.h"

namespace comedia {

namespace {

/* The discard port, as RFC 4145 4.1 has an active endpoint write: behind
 * NAT our own port means nothing to the peer, which latches instead. */
constexpr guint DISCARD_PORT = 9;

bool
has_crypto (const GstSDPMedia * media)
{
  return gst_sdp_media_get_attribute_val (media, "crypto") != nullptr;
}

/* The DTLS-SRTP of answer m-line @i into @plan, when our offer or the
 * answer has it.  An answer that breaks the table or lacks a fingerprint
 * rejects the stream (false), with a warning in @out, and the others go
 * on. */
bool
read_stream_dtls (const SdpDocument & offer, const SdpDocument & answer, guint i,
    StreamPlan & plan, AnswerReading & out)
{
  const GstSDPMedia *om = gst_sdp_message_get_media (offer.message (), i);
  const GstSDPMedia *am = gst_sdp_message_get_media (answer.message (), i);
  MediaSecurity answered = media_security_of (answer.message (), i, has_crypto (am));
  bool ours = is_dtls_protocol (om->proto);
  /* An SDES answer with a stray session-level a=fingerprint is SDES. */
  if (!ours && answered != MediaSecurity::Dtls)
    return true;
  MediaSecurity offered = media_security_of (offer.message (), i, has_crypto (om));
  SecurityDecision d = check_answered_security (offered, false, answered);
  std::string note = d.note;
  if (d.choice == SecurityChoice::Dtls && read_answer_dtls (answer.message (), i, om,
          plan.dtls, note))
    return true;
  plan.kind = StreamPlan::Kind::Rejected;
  plan.dtls = StreamDtls ();
  plan.note = answer.where_media (i) + ": " + note;
  out.dtls_warning += (out.dtls_warning.empty () ? "" : "; ") + plan.note;
  return false;
}

/* What the offer's m-line says of its keys: a=fingerprint or a=crypto
 * (over ICE too: SDES over ICE, as SIP phones with ICE offer it). */
bool
offer_keys (GstSDPMedia * media, MediaSecurity security, const OfferOptions & options,
    bool ice, guint stream, SdpError & err)
{
  if (security == MediaSecurity::Dtls)
    offer_dtls (media, *options.dtls_fingerprint, ice);
  else if (security == MediaSecurity::Sdes)
    return offer_srtp (media, options.srtp == SrtpOffer::Require, options.random, stream, err);
  return true;
}

/* "; SRTP ..." or the DTLS terms, for the note of an answered stream. */
std::string
answered_keys_note (const StreamPlan & plan, const GstSDPMedia * am)
{
  return plan.dtls.enabled ? dtls_note (plan.dtls) : srtp_note (plan, !is_srtp_proto (am->proto));
}

}  // namespace

MediaSecurity
offer_security (DtlsPolicy dtls, SrtpOffer srtp)
{
  if (dtls == DtlsPolicy::Require)
    return MediaSecurity::Dtls;
  return srtp == SrtpOffer::Plain ? MediaSecurity::Plain : MediaSecurity::Sdes;
}

bool
build_offer (const std::vector<OfferedStream> & streams, const OfferOptions & options,
    SdpMessagePtr & out, SdpError & err)
{
  out.reset ();
  if (streams.empty ())
    return err.set ("there is no stream to offer: give offer-caps or add comedia "
        "elements with caps to the session");
  const std::string unspecified = options.ipv6 ? "::" : "0.0.0.0";
  MediaSecurity security = offer_security (options.dtls, options.srtp);
  bool dtls = security == MediaSecurity::Dtls;
  if (dtls && !options.dtls_fingerprint)
    return err.set ("dtls=require and there is no certificate to offer DTLS-SRTP with");

  SdpMessagePtr owned = sdp_message_new ();
  GstSDPMessage *offer = owned.get ();
  gst_sdp_message_set_version (offer, "0");
  set_origin (offer, options.session_id ? options.session_id : fresh_session_id (),
      unspecified);
  gst_sdp_message_set_session_name (offer, options.session_name.c_str ());
  /* Behind NAT our own address means nothing to the peer. */
  gst_sdp_message_set_connection (offer, "IN", addrtype_of (unspecified),
      unspecified.c_str (), 0, 0);
  gst_sdp_message_add_time (offer, "0", "0", nullptr);

  /* max-bundle: the first ICE stream carries every ICE stream's transport. */
  const OfferedStream *transport = nullptr;
  std::string group = "BUNDLE";
  for (guint s = 0; s < streams.size () && options.bundle == BundlePolicy::MaxBundle; s++)
    if (streams[s].ice != nullptr) {
      transport = transport ? transport : &streams[s];
      group += " " + std::to_string (s);
    }
  if (transport != nullptr)
    gst_sdp_message_add_attribute (offer, "group", group.c_str ());

  for (guint s = 0; s < streams.size (); s++) {
    const OfferedStream & os = streams[s];
    guint stream = s + 1;
    if (os.caps == nullptr || gst_caps_is_empty (os.caps) || gst_caps_is_any (os.caps))
      return err.set (string_printf ("stream %u has no caps to describe its formats", stream));

    SdpMediaPtr owned_media = sdp_media_new ();
    GstSDPMedia *media = owned_media.get ();
    for (guint k = 0; k < gst_caps_get_size (os.caps); k++) {
      GstCaps *one = gst_caps_copy_nth (os.caps, k);
      SdpMediaPtr part = sdp_media_new ();
      bool rtp = gst_structure_has_name (gst_caps_get_structure (one, 0), "application/x-rtp")
          && gst_sdp_media_set_media_from_caps (one, part.get ()) == GST_SDP_OK;
      if (!rtp) {
        gchar *text = gst_caps_to_string (one);
        err.set (string_printf ("stream %u: caps '%s' do not describe an RTP format "
                "(application/x-rtp with media, payload, encoding-name and clock-rate)",
                stream, text));
        g_free (text);
      }
      gst_caps_unref (one);
      if (!rtp)
        return false;
      if (media->media != nullptr && g_strcmp0 (media->media, part->media) != 0)
        return err.set (string_printf ("stream %u mixes media '%s' and '%s' in one m-line",
                stream, media->media, part->media));
      if (media->media == nullptr)
        gst_sdp_media_set_media (media, part->media);
      for (guint f = 0; f < gst_sdp_media_formats_len (part.get ()); f++)
        gst_sdp_media_add_format (media, gst_sdp_media_get_format (part.get (), f));
      for (guint a = 0; a < gst_sdp_media_attributes_len (part.get ()); a++) {
        const GstSDPAttribute *attr = gst_sdp_media_get_attribute (part.get (), a);
        gst_sdp_media_add_attribute (media, attr->key, attr->value);
      }
    }
    gst_sdp_media_set_proto (media,
        gst_sdp_media_get_attribute_val (media, "rtcp-fb") ? "RTP/AVPF" : "RTP/AVP");
    if (os.ice != nullptr) {
      bool bundle_only = transport != nullptr && transport != &os;
      const OfferedStream & own = bundle_only ? *transport : os;
      if (!own.ice->present () || own.ice->default_address.empty ())
        return err.set (string_printf ("stream %u has no ICE credentials or candidates to "
                "offer", stream));
      IceDescription ice = *own.ice;
      ice.rtcp_mux = own.rtcp_mux;
      ice.trickle_supported = options.trickle;
      if (bundle_only) {
        /* RFC 9143 7.2.1: port 0 and a=bundle-only, no candidates; the
         * credentials and DTLS terms as the transport's (webrtcbin wants
         * ice-ufrag, ice-pwd and setup on every m-line). */
        gst_sdp_media_set_port_info (media, 0, 0);
        gst_sdp_media_add_attribute (media, "bundle-only", "");
        ice.candidates.clear ();
        ice.end_of_candidates = false;
      } else {
        /* RFC 5245 4.3: m= and c= carry the default candidate. */
        gst_sdp_media_set_port_info (media, ice.default_rtp_port, 0);
        add_connection (media, ice.default_address);
      }
      /* RFC 5888: WebRTC peers (webrtcbin) refuse an ICE offer without mids. */
      gst_sdp_media_add_attribute (media, "mid", std::to_string (s).c_str ());
      write_ice (media, ice);
      if (!offer_keys (media, security, options, true, stream, err))
        return false;
      /* Explicit, as JSEP peers write it: webrtcbin 1.22 rejects (port 0)
       * an m-line without a direction attribute. */
      const char *dir = media_direction_name (os.direction);
      gst_sdp_media_add_attribute (media, dir ? dir : "sendrecv", "");
      gst_sdp_message_add_media (offer, media);
      continue;
    }
    gst_sdp_media_set_port_info (media, DISCARD_PORT, 0);
    if (!offer_keys (media, security, options, false, stream, err))
      return false;
    if (os.rtcp_mux)
      gst_sdp_media_add_attribute (media, "rtcp-mux", "");
    if (const char *dir = media_direction_name (os.direction))
      gst_sdp_media_add_attribute (media, dir, "");
    gst_sdp_media_add_attribute (media, "direction", "active");
    gst_sdp_message_add_media (offer, media);
  }
  out = std::move (owned);
  return true;
}

bool
check_answer_matches_offer (const SdpDocument & offer, const SdpDocument & answer,
    SdpError & err)
{
  const GstSDPMessage *o = offer.message ();
  const GstSDPMessage *a = answer.message ();
  guint on = gst_sdp_message_medias_len (o), an = gst_sdp_message_medias_len (a);
  if (on != an)
    return err.set (string_printf ("the answer has %u m-line%s but the offer has %u: an answer "
            "has one m-line per offered m-line, in order", an, an == 1 ? "" : "s", on),
        an > on ? answer.media_line (on) : 0);
  for (guint i = 0; i < an; i++) {
    const GstSDPMedia *om = gst_sdp_message_get_media (o, i);
    const GstSDPMedia *am = gst_sdp_message_get_media (a, i);
    if (!g_str_equal (om->media, am->media))
      return err.set (string_printf ("answer %s is '%s' but the offer's m-line %u is '%s'",
              answer.where_media (i).c_str (), am->media, i + 1, om->media),
          answer.media_line (i));
    if (am->port == 0)
      continue;
    /* A bundle-only m-line has port 0 but is offered (RFC 9143 7.2.1). */
    if (om->port == 0 && !media_has_attribute (om, "bundle-only"))
      return err.set (string_printf ("answer %s accepts a stream the offer disabled (port 0)",
              answer.where_media (i).c_str ()), answer.media_line (i));
    for (guint f = 0; f < gst_sdp_media_formats_len (am); f++) {
      const char *pt = gst_sdp_media_get_format (am, f);
      bool offered = false;
      for (guint g = 0; g < gst_sdp_media_formats_len (om); g++)
        offered |= g_str_equal (pt, gst_sdp_media_get_format (om, g));
      if (!offered)
        return err.set (string_printf ("answer %s has format %s, which the offer's m-line %u "
                "does not have", answer.where_media (i).c_str (), pt, i + 1),
            answer.media_line (i));
    }
  }
  return true;
}

bool
check_answer_pair (const SdpDocument & offer, const SdpDocument & answer,
    const char *missing, SdpError & err)
{
  if (offer.empty () || answer.empty ())
    return err.set (missing);
  return check_answer_matches_offer (offer, answer, err);
}

namespace {

/* Our bundle-only m-lines outside the answer's group: no transport of
 * their own, rejected with a warning (the transport's m-line still goes
 * on).  The others get their tag's transport. */
void
settle_answered_bundle (const SdpDocument & offer, const SdpDocument & answer,
    const OfferedBundle & bundle, AnswerReading & out)
{
  const GstSDPMessage *omsg = offer.message ();
  std::vector<bool> accepted;
  std::vector<guint> ours (out.streams.size (), 0);
  for (StreamPlan & plan : out.streams) {
    guint i = plan.stream - 1;
    const GstSDPMedia *om = gst_sdp_message_get_media (omsg, i);
    bool declined = bundle.groups.empty ();
    if (media_has_attribute (om, "bundle-only") && bundle.group_of (i) == nullptr
        && (plan.kind != StreamPlan::Kind::Rejected || declined)) {
      StreamPlan rejected;
      rejected.stream = plan.stream;
      rejected.media = plan.media;
      rejected.direction = plan.direction;
      plan = rejected;
      plan.kind = StreamPlan::Kind::Rejected;
      plan.note = answer.where_media (i) + (declined ? ": the answer declined BUNDLE "
          "(no a=group:BUNDLE)" : ": the answer's a=group:BUNDLE leaves it out")
          + ", and a bundle-only m-line has no transport of its own: rejected";
      out.bundle_warning += (out.bundle_warning.empty () ? "" : "; ") + plan.note;
    }
    accepted.push_back (plan.kind == StreamPlan::Kind::Ice);
  }
  /* The transport is the one our offer gathered: its tagged m-line. */
  for (const OfferedBundle::Group & g : read_offered_bundle (omsg,
          BundlePolicy::MaxBundle).groups)
    if (g.tagged < ours.size ())
      ours[g.tagged] = 1;
  std::vector<guint> tags = bundle.transports (accepted, ours);
  for (guint i = 0; i < tags.size (); i++)
    if (tags[i] != 0) {
      bundle_into (out.streams[i], out.streams[tags[i] - 1], tags[i]);
      out.streams[i].note += string_printf ("; bundled on stream %u's transport", tags[i]);
    }
}

}  // namespace

bool
read_answer (const SdpDocument & offer, const SdpDocument & answered,
    MissingPassive missing_passive, AnswerReading & out, SdpError & err,
    SymmetricRtp symmetric)
{
  out = AnswerReading ();
  if (!check_answer_pair (offer, answered, "reading an answer needs the offer it answers",
          err))
    return false;
  /* BUNDLE: each member read as if it answered with its tag's transport. */
  OfferedBundle bundle = read_answered_bundle (offer.message (), answered.message ());
  SdpDocument normalized;
  const SdpDocument & answer = bundle.normalize (answered, normalized);
  const GstSDPMessage *omsg = offer.message ();
  const GstSDPMessage *amsg = answer.message ();

  for (guint i = 0; i < gst_sdp_message_medias_len (amsg); i++) {
    const GstSDPMedia *om = gst_sdp_message_get_media (omsg, i);
    const GstSDPMedia *am = gst_sdp_message_get_media (amsg, i);
    StreamPlan plan;
    plan.stream = i + 1;
    plan.media = am->media;
    plan.direction = media_direction_of (omsg, i);
    if (am->port == 0) {
      plan.kind = StreamPlan::Kind::Rejected;
      plan.note = "the answer rejected it (port 0)";
      out.streams.push_back (plan);
      continue;
    }

    if (has_ice_attributes (omsg, i)) {
      IceDescription remote = read_ice (amsg, i);
      if (!remote.present ())
        return err.set (string_printf ("the peer does not do ICE: answer %s has no "
                "a=ice-ufrag and a=ice-pwd", answer.where_media (i).c_str ()),
            answer.media_line (i));
      bool mux = remote.rtcp_mux && media_has_attribute (om, "rtcp-mux");
      plan.kind = StreamPlan::Kind::Ice;
      plan.local.rtcp_mux = mux;
      plan.remote.address = remote.default_address;
      plan.remote.rtp_port = remote.default_rtp_port;
      plan.remote.rtcp_port = mux ? remote.default_rtp_port : remote.default_rtcp_port;
      plan.remote.rtcp_mux = mux;
      /* The offerer controls (a lite answerer never does). */
      plan.ice_controlling = true;
      plan.note = string_printf ("ICE with a %s peer: %u remote candidates",
          remote.lite ? "lite" : "full", (guint) remote.candidates.size ());
      plan.remote_ice = std::move (remote);
      if (read_stream_dtls (offer, answer, i, plan, out)) {
        std::string ice_note = plan.note;
        if (!plan.dtls.enabled && !read_answer_srtp (answer, i, om, am, plan, err))
          return false;
        plan.note = ice_note + answered_keys_note (plan, am);
      }
      out.streams.push_back (plan);
      continue;
    }

    ComediaDirection ours = comedia_direction_of (omsg, i);
    ComediaDirection theirs = comedia_direction_of (amsg, i);
    bool offered_comedia = ours == ComediaDirection::Active || ours == ComediaDirection::Both;
    if (offered_comedia && theirs == ComediaDirection::Active)
      return err.set (string_printf ("%s: the answer says a=direction:active but so did the "
              "offer: one side must be passive", answer.where_attribute (i,
                  "direction").c_str ()), answer.attribute_line (i, "direction"));
    bool mux = media_has_attribute (am, "rtcp-mux") && media_has_attribute (om, "rtcp-mux");
    std::string hold, why;
    if (!remote_transport (answer, i, mux, plan.remote, hold, err))
      return false;
    plan.local.rtcp_mux = mux;
    if (!read_stream_dtls (offer, answer, i, plan, out)) {
      out.streams.push_back (plan);
      continue;
    }
    if (!read_answer_srtp (answer, i, om, am, plan, err))
      return false;
    std::string srtp = answered_keys_note (plan, am);
    if (offered_comedia && theirs == ComediaDirection::None &&
        wants_symmetric_rtp (symmetric, plan.remote.address, why)) {
      /* Not COMEDIA, but symmetric: whatever it sends tells where it is. */
      plan.kind = StreamPlan::Kind::Symmetric;
      plan.send_before_latch = symmetric == SymmetricRtp::Always;
      plan.note = "no a=direction:passive, symmetric RTP: " + why + srtp;
      out.streams.push_back (plan);
      continue;
    }
    if (offered_comedia && theirs == ComediaDirection::None) {
      std::string msg = string_printf ("the peer does not support COMEDIA: answer %s has no "
          "a=direction:passive", answer.where_media (i).c_str ());
      out.missing_passive = true;
      if (missing_passive == MissingPassive::Error)
        return err.set (msg + " (set missing-passive=static-destination to send to its "
            "address anyway)", answer.media_line (i));
      if (!out.warning.empty ())
        out.warning += "; ";
      out.warning += msg;
      plan.note = "no a=direction:passive: plain static destination";
    } else if (offered_comedia) {
      plan.note = "COMEDIA: the peer latches on what we send";
    }

    if (plan.remote.address.empty ())
      return err.set (string_printf ("answer %s: its c= address is unspecified: nowhere to send",
              answer.where_media (i).c_str ()), answer.media_line (i));
    plan.kind = StreamPlan::Kind::Static;
    if (plan.note.empty ())
      plan.note = "send to the answer's address";
    plan.note += srtp;
    out.streams.push_back (plan);
  }
  settle_answered_bundle (offer, answered, bundle, out);
  return true;
}

}  // namespace comedia

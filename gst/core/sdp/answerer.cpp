/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "answerer.h"
#include "mediaprofile.h"
#include "mediatransport.h"
#include "netaddress.h"
#include "offerer.h"      /* check_answer_matches_offer */

#include <algorithm>

namespace comedia {

namespace {

bool
is_rtp_proto (const char *proto)
{
  return proto != nullptr && (g_str_equal (proto, "RTP/AVP") || g_str_equal (proto, "RTP/AVPF"));
}

bool
format_allowed (const GstSDPMedia * media, const char *pt,
    const std::vector<std::string> & allowed)
{
  return allowed.empty () || format_named (media, pt, allowed);
}

std::string
port_string (guint port)
{
  return string_printf ("%u", port);
}

void
remove_media_attributes (GstSDPMedia * media, const char *key)
{
  for (guint i = gst_sdp_media_attributes_len (media); i > 0; i--) {
    const GstSDPAttribute *a = gst_sdp_media_get_attribute (media, i - 1);
    if (g_str_equal (a->key, key))
      gst_sdp_media_remove_attribute (media, i - 1);
  }
}

/* c= for our side of a stream: public-address, else the bound address if
 * specific, else the default route's. */
bool
local_announced_address (const AnswerOptions & options, const TransportAddress & bound,
    bool prefer_ipv6, guint stream, std::string & address, SdpError & err)
{
  if (!options.public_address.empty ()) {
    address = options.public_address;
  } else if (!bound.address.empty () && !is_unspecified_address (bound.address)) {
    address = bound.address;
  } else {
    bool ipv6 = bound.ipv6 () && prefer_ipv6;
    address = options.default_route_address ? options.default_route_address (ipv6) : "";
    if (address.empty () && ipv6 && options.default_route_address)
      address = options.default_route_address (false);
    if (address.empty ())
      return err.set_local (string_printf ("stream %u is bound to %s and no interface holds a "
              "default route: set public-address", stream,
              bound.address.empty () ? "the wildcard address" : bound.address.c_str ()));
  }
  if (!is_ip_address (address))
    return err.set_local (string_printf ("public-address '%s' is not an IP address",
            address.c_str ()));
  return true;
}

void
add_transport_attributes (GstSDPMedia * media, const TransportAddress & local)
{
  if (local.rtcp_mux)
    gst_sdp_media_add_attribute (media, "rtcp-mux", "");
  else
    gst_sdp_media_add_attribute (media, "rtcp", port_string (local.rtcp_port).c_str ());
}

/* One accepted m-line: our sockets, where we send, what the answer says. */
struct AcceptedStream {
  StreamPlan plan;
  std::string announced;         /* our c= address */
  const char *comedia_attribute = nullptr;   /* a=direction value to answer */
  IceDescription ice;            /* ours, when plan.kind is Ice */
};

LocalStream
local_stream (const LocalStreams & local, guint stream)
{
  return stream >= 1 && stream <= local.size () ? local[stream - 1] : LocalStream ();
}

/* Why the answer must reject offer m-line @i, or "" if it need not. */
std::string
rejection_reason (const GstSDPMedia * m, guint stream, const LocalStream & local,
    const std::vector<std::string> & kept, bool ice_offered, const std::string & pruned = "")
{
  if (m->port == 0)
    return "the offer disabled it (port 0)";
  if (!is_rtp_proto (m->proto) && !is_srtp_proto (m->proto) && !is_dtls_protocol (m->proto))
    return string_printf ("protocol %s is not RTP/AVP, RTP/AVPF, RTP/SAVP, RTP/SAVPF or "
        "UDP/TLS/RTP/SAVP(F)", m->proto);
  bool has_ice = local.ice_components > 0;
  if (!local.sockets && !has_ice)
    return string_printf ("the pipeline has no stream %u", stream);
  if (!local.sockets && !ice_offered)
    return string_printf ("stream %u has only nicesrc/nicesink and the offer has no ICE "
        "attributes (a=ice-ufrag, a=ice-pwd)", stream);
  if (kept.empty ())
    return "none of the offered formats is allowed" + (pruned.empty () ? "" : "; " + pruned);
  return "";
}

/* Phase 1 of an accepted m-line @i: ICE or sockets, and what the offer's
 * directions make of the stream.  @answer_has_mux: the answer being
 * written may carry a=rtcp-mux. */
bool
decide_stream (const SdpDocument & offer, guint i, const LocalStream & local,
    const AnswerOptions & options, bool answer_has_mux, StreamDecision & d,
    SdpError & err)
{
  const GstSDPMessage *msg = offer.message ();
  const GstSDPMedia *om = gst_sdp_message_get_media (msg, i);
  StreamPlan & plan = d.plan;

  plan.direction = mirror_direction (media_direction_of (msg, i));
  if (local.ice_components > 0) {
    Transport wanted = offered_transport (msg, i, options.prefer);
    bool ice_offered = has_ice_attributes (msg, i);
    /* What the offer asks for, or ICE when only ICE elements exist. */
    if (ice_offered && (wanted == Transport::Ice || !local.sockets)) {
      plan.kind = StreamPlan::Kind::Ice;
      d.need = StreamNeed::Ice;
      d.ice_components = local.ice_components;
      return true;
    }
  }

  d.need = StreamNeed::Sockets;
  d.want_rtcp_mux = options.rtcp_mux && answer_has_mux && media_has_attribute (om, "rtcp-mux");
  /* Where the peer is, as if rtcp-mux were had; write_stream() reads it
   * again if the pipeline cannot mux. */
  bool mux = d.want_rtcp_mux;
  switch (comedia_direction_of (msg, i)) {
    case ComediaDirection::Active:
    case ComediaDirection::Both:
      /* The offer's address and port are ignored: we learn the peer from its
       * first packets. */
      plan.kind = StreamPlan::Kind::Latch;
      plan.note = "COMEDIA: latch on the peer's first packets";
      d.comedia_attribute = "passive";
      break;
    case ComediaDirection::Passive:
      /* The offerer waits for us: send to its address, say we start. */
      plan.kind = StreamPlan::Kind::Static;
      d.comedia_attribute = "active";
      if (!remote_transport (offer, i, mux, plan.remote, plan.note, err))
        return false;
      break;
    case ComediaDirection::None: {
      std::string hold;
      if (!remote_transport (offer, i, mux, plan.remote, hold, err))
        return false;
      std::string why;
      if (wants_symmetric_rtp (options.symmetric, plan.remote.address, why)) {
        /* An ordinary answer (the peer offered no a=direction, RFC 4145),
         * and the peer learnt from its packets.  The learning ranks the
         * signalled address first, instead of allowing it alone. */
        plan.kind = StreamPlan::Kind::Symmetric;
        plan.send_before_latch = options.symmetric == SymmetricRtp::Always;
        plan.note = "symmetric RTP: " + why;
        return true;
      }
      plan.kind = StreamPlan::Kind::Static;
      plan.note = hold.empty () ? "no a=direction: send to the offer's address" : hold;
      break;
    }
  }
  const GstSDPConnection *oc = connection_of (msg, i);
  if (options.restrict_source && oc != nullptr && is_public_address (oc->address))
    plan.allowed_source = oc->address;
  return true;
}

/* Phase 3 of an ICE stream @i: answer with our credentials and candidates
 * (@supply), hand the peer's to the plan. */
bool
write_ice_stream (const SdpDocument & offer, guint i, const StreamDecision & d,
    const StreamSupply & supply, const AnswerOptions & options, AcceptedStream & out,
    SdpError & err)
{
  const GstSDPMessage *msg = offer.message ();
  StreamPlan & plan = out.plan;
  guint stream = i + 1;
  IceDescription remote = read_ice (msg, i);
  guint components = d.ice_components;
  if (!supply.ok)
    return err.set_local (string_printf ("cannot gather the ICE candidates of stream %u "
            "(%s): %s", stream, offer.where_media (i).c_str (), supply.error.c_str ()),
        offer.media_line (i));
  out.ice = supply.ice;
  /* Only a pipeline without component 2 for the stream has RTCP on
   * component 1 (the user demultiplexes it). */
  out.ice.rtcp_mux = options.rtcp_mux && remote.rtcp_mux && components == 1;
  plan.local.address = out.ice.default_address;
  plan.local.rtp_port = out.ice.default_rtp_port;
  plan.local.rtcp_mux = out.ice.rtcp_mux;
  plan.local.rtcp_port = out.ice.rtcp_mux ? out.ice.default_rtp_port
      : out.ice.default_rtcp_port;
  plan.remote.address = remote.default_address;
  plan.remote.rtp_port = remote.default_rtp_port;
  plan.remote.rtcp_port = remote.default_rtcp_port;
  plan.remote.rtcp_mux = remote.rtcp_mux;
  /* RFC 5245 5.2: the offerer controls, unless it is lite. */
  plan.ice_controlling = remote.lite;
  plan.remote_ice = std::move (remote);
  out.announced = out.ice.default_address;
  plan.note = string_printf ("ICE with a %s peer: %u local and %u remote candidates",
      plan.remote_ice.lite ? "lite" : "full", (guint) out.ice.candidates.size (),
      (guint) plan.remote_ice.candidates.size ());
  if (components == 1 && !out.ice.rtcp_mux)
    plan.note += string_printf ("; no component 2 in the pipeline: RTCP of stream %u is not "
        "received", stream);
  /* Browsers set rtcpMuxPolicy "require": say why their call will fail. */
  if (plan.remote_ice.rtcp_mux && !out.ice.rtcp_mux
      && uses_webrtc_profile (gst_sdp_message_get_media (msg, i)))
    plan.note += string_printf ("; the offer has a=rtcp-mux and the answer not (%s): a "
        "browser refuses this answer, give stream %u component 1 only", components > 1
        ? "the pipeline has component 2" : "rtcp-mux=false", stream);
  return true;
}

/* Phase 3 of accepted m-line @i: the decision @d completed with what was
 * supplied for it. */
bool
write_stream (const SdpDocument & offer, guint i, const StreamDecision & d,
    const StreamSupply & supply, const AnswerOptions & options, AcceptedStream & out,
    SdpError & err)
{
  out.plan = d.plan;
  out.comedia_attribute = d.comedia_attribute;
  if (d.need == StreamNeed::Ice || d.plan.bundle_tag != 0)
    return write_ice_stream (offer, i, d, supply, options, out, err);

  const GstSDPMessage *msg = offer.message ();
  StreamPlan & plan = out.plan;
  guint stream = i + 1;
  if (!supply.ok)
    return err.set_local (string_printf ("cannot open the sockets of stream %u (%s): %s",
            stream, offer.where_media (i).c_str (), supply.error.c_str ()),
        offer.media_line (i));
  plan.local = supply.local;
  if (!d.want_rtcp_mux)
    plan.local.rtcp_mux = false;

  const GstSDPConnection *oc = connection_of (msg, i);
  bool prefer_ipv6 = oc != nullptr && oc->addrtype != nullptr && g_str_equal (oc->addrtype, "IP6");
  if (!local_announced_address (options, plan.local, prefer_ipv6, stream, out.announced, err))
    return false;
  /* Where the peer's RTCP goes follows the mux the pipeline has. */
  bool remote_read = plan.kind == StreamPlan::Kind::Static
      || plan.kind == StreamPlan::Kind::Symmetric;
  std::string note;
  if (remote_read && plan.local.rtcp_mux != d.want_rtcp_mux
      && !remote_transport (offer, i, plan.local.rtcp_mux, plan.remote, note, err))
    return false;
  return true;
}

/* Phase 3 of accepted m-line @i with its supply, or an error when the
 * caller gave none. */
bool
write_supplied_stream (const SdpDocument & offer, guint i, const StreamDecision & d,
    const StreamSupplies & supplies, const AnswerOptions & options, AcceptedStream & out,
    SdpError & err)
{
  if (i >= supplies.size ())
    return err.set_local (string_printf ("nothing was supplied for stream %u", i + 1));
  return write_stream (offer, i, d, supplies[i], options, out, err);
}

/* Adds m-line @i to @plan: rejected for @reason, or decided. */
bool
add_decision (const SdpDocument & offer, guint i, const LocalStream & local,
    const AnswerOptions & options, bool answer_has_mux, const std::string & reason,
    StreamDecision & d, AnswerPlan & plan, SdpError & err)
{
  if (!reason.empty ()) {
    /* RFC 3264 6: a rejected stream stays, with port 0. */
    d.plan.kind = StreamPlan::Kind::Rejected;
    d.plan.note = reason;
  } else if (!decide_stream (offer, i, local, options, answer_has_mux, d, err)) {
    return false;
  }
  plan.streams.push_back (std::move (d));
  return true;
}

/* The security of offer m-line @i under the dtls and srtp policies
 * (choose_answer_security): the DTLS terms or the SDES keys into @d, or
 * why the m-line is rejected ("" if it is not). */
std::string
decide_security (const SdpDocument & offer, guint i, const AnswerOptions & options,
    StreamDecision & d)
{
  const GstSDPMessage *omsg = offer.message ();
  const GstSDPMedia *om = gst_sdp_message_get_media (omsg, i);
  StreamPlan keys;
  SrtpDecision sdes = answer_srtp (om, options.plain_rtp, options.random, keys,
      i < options.previous_sdes.size () ? &options.previous_sdes[i] : nullptr);
  MediaSecurity offered = media_security_of (omsg, i, sdes.kind == SrtpAnswerKind::Srtp);
  SecurityDecision choice = choose_answer_security (offered, options.dtls, options.plain_rtp);
  if (choice.choice == SecurityChoice::Reject)
    return choice.note;
  if (choice.choice != SecurityChoice::Dtls) {
    if (sdes.kind == SrtpAnswerKind::Reject)
      return sdes.note;
    d.srtp = std::move (sdes);
    d.plan.srtp_inbound = keys.srtp_inbound;
    d.plan.srtp_outbound = keys.srtp_outbound;
    return "";
  }
  if (!options.dtls_fingerprint)
    return "DTLS-SRTP offered and there is no certificate to answer it with";
  const StreamDtls *previous = i < options.previous_dtls.size () ? &options.previous_dtls[i]
      : nullptr;
  std::string note;
  if (!answer_dtls (omsg, i, previous, options.random, d.plan.dtls, note))
    return offer.where_media (i) + ": " + note;
  /* No a=crypto in the answer: the keys come from the handshake. */
  d.srtp = SrtpDecision ();
  d.srtp.kind = SrtpAnswerKind::Plain;
  d.srtp.profile = om->proto;
  return "";
}

void
add_direction_attributes (GstSDPMedia * media, const AcceptedStream & acc)
{
  if (const char *dir = media_direction_name (acc.plan.direction))
    gst_sdp_media_add_attribute (media, dir, "");
  if (acc.comedia_attribute != nullptr)
    gst_sdp_media_add_attribute (media, "direction", acc.comedia_attribute);
}

/* The m-lines of an answer being made, in offer order, and what each
 * stream does. */
struct AnswerDraft {
  std::vector<AcceptedStream> streams;
  std::vector<SdpMediaPtr> medias;

  /* Session c= is the first accepted stream's address; media that differ
   * get their own c=. */
  std::string session_address (const AnswerOptions & options) const {
    for (const auto & a : streams)
      if (a.plan.kind != StreamPlan::Kind::Rejected)
        return a.announced;
    return options.public_address.empty () ? "0.0.0.0" : options.public_address;
  }

  /* Completes @answer, whose v=, o=, s=, t= and session attributes the
   * caller set: c= @address, then the m-lines.  The plans go to @out. */
  void finish (SdpMessagePtr answer, const std::string & address, Negotiated & out) {
    gst_sdp_message_set_connection (answer.get (), "IN", addrtype_of (address),
        address.c_str (), 0, 0);
    for (guint i = 0; i < medias.size (); i++) {
      const AcceptedStream & acc = streams[i];
      if (acc.plan.kind != StreamPlan::Kind::Rejected && acc.announced != address)
        add_connection (medias[i].get (), acc.announced);
      gst_sdp_message_add_media (answer.get (), medias[i].get ());   /* copies */
      out.streams.push_back (acc.plan);
    }
    out.sdp = std::move (answer);
  }
};

void
copy_times (const GstSDPMessage * from, GstSDPMessage * to)
{
  for (guint t = 0; t < gst_sdp_message_times_len (from); t++) {
    const GstSDPTime *time = gst_sdp_message_get_time (from, t);
    gst_sdp_message_add_time (to, time->start, time->stop, nullptr);
  }
}

/* ---- BUNDLE (bundle.h) --------------------------------------------- */

/* @pipeline with the group's ICE elements lent to its members. */
LocalStreams
lend_ice (const OfferedBundle & bundle, const LocalStreams & pipeline)
{
  std::vector<guint> components;
  for (const LocalStream & l : pipeline)
    components.push_back (l.ice_components);
  bundle.lend_components (components);
  LocalStreams out = pipeline;
  out.resize (std::max (out.size (), components.size ()));
  for (guint i = 0; i < components.size (); i++)
    out[i].ice_components = components[i];
  return out;
}

std::vector<bool>
accepted_ice (const AnswerPlan & plan)
{
  std::vector<bool> out;
  for (const StreamDecision & d : plan.streams)
    out.push_back (d.plan.kind == StreamPlan::Kind::Ice);
  return out;
}

/* The members of each group use its transport: its association's terms,
 * and nothing gathered of their own. */
void
settle_bundle (const OfferedBundle & bundle, const LocalStreams & pipeline,
    AnswerPlan & plan)
{
  std::vector<guint> components;
  for (const LocalStream & l : pipeline)
    components.push_back (l.ice_components);
  std::vector<guint> tags = bundle.transports (accepted_ice (plan), components);
  for (guint i = 0; i < tags.size (); i++) {
    if (tags[i] == 0)
      continue;
    StreamDecision & d = plan.streams[i];
    bundle_into (d.plan, plan.streams[tags[i] - 1].plan, tags[i]);
    d.need = StreamNeed::Nothing;
  }
}

/* The a=extmap URIs answer m-line @i keeps: the application's, and the
 * mid one on a bundled m-line (RFC 9143 9.2), so that the peer names each
 * packet's m-line and comedia-dtlssrtpdec routes by it rather than by
 * SSRC and payload type (bundleroute.h).  Declined BUNDLE: none added. */
std::vector<std::string>
answered_header_extensions (const OfferedBundle & bundle, guint i,
    const StreamDecision & d, const AnswerOptions & options)
{
  std::vector<std::string> out = options.header_extensions;
  bool listed = std::find (out.begin (), out.end (), RTP_HDREXT_SDES_MID) != out.end ();
  if (bundle.group_of (i) != nullptr && d.plan.kind == StreamPlan::Kind::Ice && !listed)
    out.push_back (RTP_HDREXT_SDES_MID);
  return out;
}

/* @supplies with each member's its transport's, without the candidates
 * (RFC 9143 7.3: one transport, described once). */
StreamSupplies
bundled_supplies (const AnswerPlan & plan, const StreamSupplies & supplies)
{
  StreamSupplies out = supplies;
  for (const StreamDecision & d : plan.streams) {
    if (d.plan.bundle_tag == 0 || d.plan.bundle_tag > supplies.size ())
      continue;
    out.resize (std::max (out.size (), (size_t) d.plan.stream));
    out[d.plan.stream - 1] = supplies[d.plan.bundle_tag - 1];
    out[d.plan.stream - 1].ice.candidates.clear ();
  }
  return out;
}

}  // namespace

bool
plan_answer (const SdpDocument & offered, const LocalStreams & pipeline,
    const AnswerOptions & options, AnswerPlan & plan, SdpError & err)
{
  plan = AnswerPlan ();
  /* BUNDLE: each member decided as if it offered the tagged transport. */
  OfferedBundle bundle = read_offered_bundle (offered.message (), options.bundle);
  SdpDocument normalized;
  const SdpDocument & offer = bundle.normalize (offered, normalized);
  LocalStreams local = lend_ice (bundle, pipeline);
  const GstSDPMessage *omsg = offer.message ();
  if (omsg == nullptr)
    return err.set ("no offer");

  for (guint i = 0; i < gst_sdp_message_medias_len (omsg); i++) {
    const GstSDPMedia *om = gst_sdp_message_get_media (omsg, i);
    StreamDecision d;
    d.plan.stream = i + 1;
    d.plan.media = om->media;
    for (guint f = 0; f < gst_sdp_media_formats_len (om); f++) {
      const char *pt = gst_sdp_media_get_format (om, f);
      if (format_allowed (om, pt, options.formats))
        d.formats.push_back (pt);
    }
    /* The browser profile (mediaprofile.h): no rtx/FEC unless named. */
    d.profile_note = prune_repair_formats (om, options.formats, d.formats);

    LocalStream ls = local_stream (local, d.plan.stream);
    std::string reason = rejection_reason (om, d.plan.stream, ls, d.formats,
        has_ice_attributes (omsg, i), d.profile_note);
    if (reason.empty ())
      reason = decide_security (offer, i, options, d);
    if (!add_decision (offer, i, ls, options, true, reason, d, plan, err))
      return false;
  }
  settle_bundle (bundle, pipeline, plan);
  return true;
}

bool
write_answer (const SdpDocument & offered, const AnswerPlan & plan,
    const StreamSupplies & gathered, const AnswerOptions & options, Negotiated & out,
    SdpError & err)
{
  out = Negotiated ();
  /* BUNDLE: the offer as planned; members answer with their tag's supply. */
  OfferedBundle bundle = read_offered_bundle (offered.message (), options.bundle);
  SdpDocument normalized;
  const SdpDocument & offer = bundle.normalize (offered, normalized);
  StreamSupplies supplies = bundled_supplies (plan, gathered);
  const GstSDPMessage *omsg = offer.message ();
  if (omsg == nullptr || plan.streams.size () != gst_sdp_message_medias_len (omsg))
    return err.set ("the answer plan is not this offer's");

  AnswerDraft draft;
  for (guint i = 0; i < plan.streams.size (); i++) {
    const GstSDPMedia *om = gst_sdp_message_get_media (omsg, i);
    const StreamDecision & d = plan.streams[i];
    draft.medias.push_back (sdp_media_new ());
    GstSDPMedia *am = draft.medias.back ().get ();
    gst_sdp_media_set_media (am, om->media);
    gst_sdp_media_set_proto (am, om->proto);

    AcceptedStream acc;
    if (d.plan.kind == StreamPlan::Kind::Rejected) {
      acc.plan = d.plan;
      gst_sdp_media_set_port_info (am, 0, 0);
      for (guint f = 0; f < gst_sdp_media_formats_len (om); f++)
        gst_sdp_media_add_format (am, gst_sdp_media_get_format (om, f));
      /* RFC 5888 9.1: the offer's mid on every answered m-line, rejected
       * ones too (webrtcbin refuses an answer with an m-line without). */
      if (const char *mid = gst_sdp_media_get_attribute_val (om, "mid"))
        gst_sdp_media_add_attribute (am, "mid", mid);
      draft.streams.push_back (std::move (acc));
      continue;
    }

    if (!write_supplied_stream (offer, i, d, supplies, options, acc, err))
      return false;
    gst_sdp_media_set_port_info (am, acc.plan.local.rtp_port, 0);
    for (const auto & pt : d.formats)
      gst_sdp_media_add_format (am, pt.c_str ());
    copy_answered_attributes (om, d.formats,
        answered_header_extensions (bundle, i, d, options), am);
    if (!d.profile_note.empty ())
      acc.plan.note += "; " + d.profile_note;
    if (acc.plan.kind == StreamPlan::Kind::Ice)
      write_ice (am, acc.ice);
    else
      add_transport_attributes (am, acc.plan.local);
    add_direction_attributes (am, acc);
    add_local_msid (om, d.plan.stream, acc.plan.direction != MediaDirection::RecvOnly
        && acc.plan.direction != MediaDirection::Inactive, am);
    if (d.plan.dtls.enabled) {
      add_dtls (am, *options.dtls_fingerprint, d.plan.dtls.local_setup,
          d.plan.dtls.local_tls_id);
      acc.plan.note += dtls_note (acc.plan.dtls);
    } else if (d.srtp.kind == SrtpAnswerKind::Srtp) {
      add_crypto (am, *d.srtp.crypto.answer);
      acc.plan.note += srtp_note (acc.plan, d.srtp.osrtp);
    } else if (!d.srtp.note.empty ()) {
      acc.plan.note += "; " + d.srtp.note;
    }
    draft.streams.push_back (std::move (acc));
  }

  std::string address = draft.session_address (options);
  SdpMessagePtr answer = sdp_message_new ();
  gst_sdp_message_set_version (answer.get (), "0");
  set_origin (answer.get (), options.session_id ? options.session_id : fresh_session_id (),
      address);
  gst_sdp_message_set_session_name (answer.get (), options.session_name.c_str ());
  /* RFC 3264 6: the answer's t= is the offer's. */
  copy_times (omsg, answer.get ());
  for (const std::string & group : bundle.answer_groups (omsg, accepted_ice (plan)))
    gst_sdp_message_add_attribute (answer.get (), "group", group.c_str ());
  draft.finish (std::move (answer), address, out);
  return true;
}

bool
plan_rewrite (const SdpDocument & offer, const SdpDocument & answer,
    const LocalStreams & local, const AnswerOptions & options, AnswerPlan & plan,
    SdpError & err)
{
  plan = AnswerPlan ();
  if (!check_answer_pair (offer, answer, "rewriting needs both the offer and the answer",
          err))
    return false;

  const GstSDPMessage *omsg = offer.message ();
  const GstSDPMessage *amsg = answer.message ();
  for (guint i = 0; i < gst_sdp_message_medias_len (amsg); i++) {
    const GstSDPMedia *om = gst_sdp_message_get_media (omsg, i);
    const GstSDPMedia *am = gst_sdp_message_get_media (amsg, i);
    StreamDecision d;
    d.plan.stream = i + 1;
    d.plan.media = am->media;
    for (guint f = 0; f < gst_sdp_media_formats_len (am); f++)
      d.formats.push_back (gst_sdp_media_get_format (am, f));
    /* The other code answered ICE: only sockets here. */
    LocalStream ls = local_stream (local, d.plan.stream);
    ls.ice_components = 0;
    std::string reason = am->port == 0 ? std::string ("the answer rejected it (port 0)")
        : rejection_reason (om, d.plan.stream, ls, d.formats, false);
    /* The other stack's keys never reach the elements: no SRTP here. */
    if (reason.empty () && (is_srtp_proto (am->proto) || is_dtls_protocol (am->proto) ||
            gst_sdp_media_get_attribute_val (am, "crypto") ||
            gst_sdp_media_get_attribute_val (am, "fingerprint")))
      reason = "rewrite-answer does not take SRTP keys or DTLS terms: let sdp-negotiator "
          "answer SRTP and DTLS-SRTP offers";
    if (!add_decision (offer, i, ls, options, media_has_attribute (am, "rtcp-mux"), reason,
            d, plan, err))
      return false;
  }
  return true;
}

bool
write_rewrite (const SdpDocument & offer, const SdpDocument & answer,
    const AnswerPlan & plan, const StreamSupplies & supplies,
    const AnswerOptions & options, Negotiated & out, SdpError & err)
{
  out = Negotiated ();
  const GstSDPMessage *amsg = answer.message ();
  if (offer.empty () || amsg == nullptr
      || plan.streams.size () != gst_sdp_message_medias_len (amsg))
    return err.set ("the rewrite plan is not this answer's");

  AnswerDraft draft;
  for (guint i = 0; i < plan.streams.size (); i++) {
    const StreamDecision & d = plan.streams[i];
    GstSDPMedia *am = nullptr;
    gst_sdp_media_copy (gst_sdp_message_get_media (amsg, i), &am);
    draft.medias.emplace_back (am);
    AcceptedStream acc;
    if (d.plan.kind == StreamPlan::Kind::Rejected) {
      acc.plan = d.plan;
      gst_sdp_media_set_port_info (am, 0, 0);
      draft.streams.push_back (std::move (acc));
      continue;
    }

    if (!write_supplied_stream (offer, i, d, supplies, options, acc, err))
      return false;
    gst_sdp_media_set_port_info (am, acc.plan.local.rtp_port, 0);
    /* Our transport replaces the other stack's. */
    for (const char *key : {"rtcp", "rtcp-mux", "direction", "sendrecv", "sendonly",
            "recvonly", "inactive"})
      remove_media_attributes (am, key);
    while (gst_sdp_media_connections_len (am) > 0)
      gst_sdp_media_remove_connection (am, 0);
    /* The answer's own direction choice stands, not the mirror of the offer. */
    acc.plan.direction = media_direction_of (amsg, i);
    add_transport_attributes (am, acc.plan.local);
    add_direction_attributes (am, acc);
    draft.streams.push_back (std::move (acc));
  }

  std::string address = draft.session_address (options);
  SdpMessagePtr result = sdp_message_new ();
  /* Everything of the session but c=, media and session-level direction
   * attributes comes from the answer as it was made. */
  gst_sdp_message_set_version (result.get (), gst_sdp_message_get_version (amsg));
  const GstSDPOrigin *o = gst_sdp_message_get_origin (amsg);
  gst_sdp_message_set_origin (result.get (), o->username, o->sess_id, o->sess_version,
      o->nettype, o->addrtype, o->addr);
  gst_sdp_message_set_session_name (result.get (), gst_sdp_message_get_session_name (amsg));
  copy_times (amsg, result.get ());
  for (guint a = 0; a < gst_sdp_message_attributes_len (amsg); a++) {
    const GstSDPAttribute *attr = gst_sdp_message_get_attribute (amsg, a);
    if (g_str_equal (attr->key, "direction"))
      continue;
    gst_sdp_message_add_attribute (result.get (), attr->key, attr->value);
  }
  draft.finish (std::move (result), address, out);
  return true;
}

std::vector<std::string>
split_format_list (const std::string & list)
{
  std::vector<std::string> out;
  gchar **parts = g_strsplit_set (list.c_str (), ", \t", -1);
  for (gchar **p = parts; *p != nullptr; p++)
    if (**p != '\0')
      out.push_back (*p);
  g_strfreev (parts);
  return out;
}

}  // namespace comedia

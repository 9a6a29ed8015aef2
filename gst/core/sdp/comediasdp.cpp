/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "comediasdp.h"
#include "mediatransport.h"
#include "netaddress.h"

#include <gio/gio.h>
#include <gst/rtp/gstrtppayloads.h>

namespace comedia {

namespace {

constexpr guint DISCARD_PORT = 9;
bool
is_unspecified_address (const std::string & s)
{
  GInetAddress *a = g_inet_address_new_from_string (s.c_str ());
  if (a == nullptr)
    return false;
  bool any = g_inet_address_get_is_any (a);
  g_object_unref (a);
  return any;
}

const char *
addrtype_of (const std::string & address)
{
  return address.find (':') != std::string::npos ? "IP6" : "IP4";
}

bool
media_has_attribute (const GstSDPMedia * media, const char *key)
{
  return gst_sdp_media_get_attribute_val (media, key) != nullptr;
}

bool
is_rtp_proto (const char *proto)
{
  return proto != nullptr && (g_str_equal (proto, "RTP/AVP") || g_str_equal (proto, "RTP/AVPF"));
}

bool
is_srtp_proto (const char *proto)
{
  return proto != nullptr && (g_str_equal (proto, "RTP/SAVP") || g_str_equal (proto, "RTP/SAVPF"));
}

SrtpKey
key_of (const CryptoLine & line)
{
  SrtpKey key;
  key.suite = line.suite;
  key.key_salt = line.key_salt;
  return key;
}

/* The answerer's SRTP for offer m-line @om (after the transport checks):
 * the decision, and with SRTP both keys into @plan. */
SrtpDecision
answer_srtp (const GstSDPMedia * om, const AnswerOptions & options, StreamPlan & plan)
{
  RandomBytes none;
  SrtpDecision d = decide_srtp (om, options.plain_rtp, srtp_suites_by_strength (),
      options.random ? options.random : none);
  if (d.kind == SrtpAnswerKind::Srtp && !options.random) {
    d.kind = SrtpAnswerKind::Reject;
    d.note = "no source of SRTP keys";
  }
  if (d.kind == SrtpAnswerKind::Srtp) {
    plan.srtp_inbound = key_of (*d.crypto.offered);
    plan.srtp_outbound = key_of (*d.crypto.answer);
  }
  return d;
}

/* "; SRTP AES_CM_128_HMAC_SHA1_80 (tag 1)": what a note says of the keys,
 * never the keys. */
std::string
srtp_note (const StreamPlan & plan, bool osrtp)
{
  if (!plan.srtp_outbound.enabled ())
    return "";
  return string_printf ("; %sSRTP %s", osrtp ? "best-effort " : "",
      srtp_suite_info (plan.srtp_outbound.suite).name);
}

/* The encoding name of payload type @pt in @media: from a=rtpmap, else the
 * static RTP/AVP table; "" if unknown. */
std::string
encoding_name_of (const GstSDPMedia * media, const char *pt)
{
  std::string prefix = std::string (pt) + " ";
  for (guint i = 0;; i++) {
    const char *rtpmap = gst_sdp_media_get_attribute_val_n (media, "rtpmap", i);
    if (rtpmap == nullptr)
      break;
    if (g_str_has_prefix (rtpmap, prefix.c_str ())) {
      std::string name = rtpmap + prefix.size ();
      return name.substr (0, name.find ('/'));
    }
  }
  guint64 n;
  if (g_ascii_string_to_unsigned (pt, 10, 0, 127, &n, nullptr)) {
    const GstRTPPayloadInfo *info = gst_rtp_payload_info_for_pt ((guint8) n);
    if (info != nullptr && info->encoding_name != nullptr)
      return info->encoding_name;
  }
  return "";
}

bool
format_allowed (const GstSDPMedia * media, const char *pt,
    const std::vector<std::string> & allowed)
{
  if (allowed.empty ())
    return true;
  std::string name = encoding_name_of (media, pt);
  for (const auto & a : allowed) {
    if (a == pt || (!name.empty () && g_ascii_strcasecmp (a.c_str (), name.c_str ()) == 0))
      return true;
  }
  return false;
}

/* Whether a media attribute "rtpmap:96 ...", "fmtp:96 ...", "rtcp-fb:* ..."
 * belongs to one of @formats. */
bool
attribute_for_formats (const char *value, const std::vector<std::string> & formats)
{
  if (value == nullptr)
    return false;
  std::string v (value);
  std::string pt = v.substr (0, v.find (' '));
  if (pt == "*")
    return true;
  for (const auto & f : formats)
    if (f == pt)
      return true;
  return false;
}

guint64
fresh_session_id ()
{
  /* Positive 62-bit number, as NTP-derived ids are. */
  return ((guint64) g_random_int () << 30) ^ g_random_int ();
}

void
set_origin (GstSDPMessage * msg, guint64 id, const std::string & address)
{
  gchar *ids = g_strdup_printf ("%" G_GUINT64_FORMAT, id);
  gst_sdp_message_set_origin (msg, "-", ids, ids, "IN", addrtype_of (address),
      address.c_str ());
  g_free (ids);
}

void
add_connection (GstSDPMedia * media, const std::string & address)
{
  gst_sdp_media_add_connection (media, "IN", addrtype_of (address),
      address.c_str (), 0, 0);
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

}  // namespace

/* ---- directions ------------------------------------------------------- */

ComediaDirection
comedia_direction_of (const GstSDPMessage * msg, guint media_index)
{
  const GstSDPMedia *m = gst_sdp_message_get_media (msg, media_index);
  const char *v = gst_sdp_media_get_attribute_val (m, "direction");
  if (v == nullptr)
    v = gst_sdp_message_get_attribute_val (msg, "direction");
  if (v == nullptr)
    return ComediaDirection::None;
  if (g_str_equal (v, "active"))
    return ComediaDirection::Active;
  if (g_str_equal (v, "passive"))
    return ComediaDirection::Passive;
  if (g_str_equal (v, "both"))
    return ComediaDirection::Both;
  return ComediaDirection::None;  /* validate_sdp() rejected it already */
}

namespace {

struct DirectionName {
  MediaDirection direction;
  const char *name;
};
constexpr DirectionName DIRECTION_NAMES[] = {
  {MediaDirection::SendRecv, "sendrecv"},
  {MediaDirection::SendOnly, "sendonly"},
  {MediaDirection::RecvOnly, "recvonly"},
  {MediaDirection::Inactive, "inactive"},
};

}  // namespace

MediaDirection
media_direction_of (const GstSDPMessage * msg, guint media_index)
{
  const GstSDPMedia *m = gst_sdp_message_get_media (msg, media_index);
  for (const auto & d : DIRECTION_NAMES)
    if (media_has_attribute (m, d.name))
      return d.direction;
  for (const auto & d : DIRECTION_NAMES)
    if (gst_sdp_message_get_attribute_val (msg, d.name) != nullptr)
      return d.direction;
  return MediaDirection::Unspecified;
}

MediaDirection
mirror_direction (MediaDirection d)
{
  switch (d) {
    case MediaDirection::SendOnly:
      return MediaDirection::RecvOnly;
    case MediaDirection::RecvOnly:
      return MediaDirection::SendOnly;
    default:
      return d;
  }
}

const char *
media_direction_name (MediaDirection d)
{
  for (const auto & n : DIRECTION_NAMES)
    if (n.direction == d)
      return n.name;
  return nullptr;
}

bool
TransportAddress::ipv6 () const
{
  return address.find (':') != std::string::npos;
}

const char *
stream_plan_kind_name (StreamPlan::Kind kind)
{
  switch (kind) {
    case StreamPlan::Kind::Latch:
      return "latch";
    case StreamPlan::Kind::Static:
      return "static";
    case StreamPlan::Kind::Rejected:
      return "rejected";
    case StreamPlan::Kind::Ice:
      return "ice";
    case StreamPlan::Kind::Symmetric:
      return "symmetric";
  }
  return "?";
}

Transport
stream_plan_transport (StreamPlan::Kind kind)
{
  switch (kind) {
    case StreamPlan::Kind::Latch:
    case StreamPlan::Kind::Symmetric:
      return Transport::Comedia;
    case StreamPlan::Kind::Static:
      return Transport::Static;
    case StreamPlan::Kind::Ice:
      return Transport::Ice;
    case StreamPlan::Kind::Rejected:
      break;
  }
  return Transport::None;
}

const char *
transport_name (Transport t)
{
  switch (t) {
    case Transport::None:
      return "none";
    case Transport::Ice:
      return "ice";
    case Transport::Comedia:
      return "comedia";
    case Transport::Static:
      return "static";
  }
  return "?";
}

Transport
offered_transport (const GstSDPMessage * offer, guint media_index, PreferTransport prefer)
{
  bool ice = ice_attribute (offer, media_index, "ice-ufrag") != nullptr
      && ice_attribute (offer, media_index, "ice-pwd") != nullptr;
  ComediaDirection d = comedia_direction_of (offer, media_index);
  bool comedia = d == ComediaDirection::Active || d == ComediaDirection::Both;
  if (ice && comedia)
    return prefer == PreferTransport::Ice ? Transport::Ice : Transport::Comedia;
  if (ice)
    return Transport::Ice;
  if (comedia)
    return Transport::Comedia;
  return Transport::Static;
}

/* ---- answerer --------------------------------------------------------- */

namespace {

/* Where the peer's SDP says to send stream @i: c= and m= port, a=rtcp or
 * port + 1, rtcp-mux when @rtcp_mux. */
bool
remote_transport (const SdpDocument & doc, guint i, bool rtcp_mux,
    TransportAddress & remote, std::string & note, SdpError & err)
{
  MediaTransport t = media_transport_of (doc.message (), i);
  if (t.connection == nullptr)
    return err.set (string_printf ("%s has no c= line (nor has the session) and is not "
            "a=direction:active: there is no address to send to",
            doc.where_media (i).c_str ()), doc.media_line (i));
  std::string address = t.connection->address;
  if (!is_ip_address (address))
    return err.set (string_printf ("%s: c= address '%s' is not an IP address (host names "
            "are not resolved)", doc.where_media (i).c_str (), address.c_str ()),
        doc.media_line (i));
  if (is_unspecified_address (address)) {
    note = "the peer's c= is " + address + " (on hold): nothing is sent to it";
    address.clear ();
  }
  remote.address = address;
  remote.rtp_port = t.rtp_port;
  remote.rtcp_mux = rtcp_mux;
  guint rtcp_port;
  if (!t.rtcp_port (rtcp_mux, rtcp_port))
    return err.set (string_printf ("%s: port %u + 1 is not a port for RTCP",
            doc.where_media (i).c_str (), t.rtp_port), doc.media_line (i));
  remote.rtcp_port = rtcp_port;
  return true;
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
      return err.set (string_printf ("stream %u is bound to %s and no interface holds a "
              "default route: set public-address", stream,
              bound.address.empty () ? "the wildcard address" : bound.address.c_str ()));
  }
  if (!is_ip_address (address))
    return err.set (string_printf ("public-address '%s' is not an IP address", address.c_str ()));
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

/* Why the answer must reject offer m-line @i, or "" if it need not. */
std::string
rejection_reason (const GstSDPMedia * m, guint stream, LocalSockets & sockets,
    LocalIce & ice, const std::vector<std::string> & kept, bool ice_offered)
{
  if (m->port == 0)
    return "the offer disabled it (port 0)";
  if (!is_rtp_proto (m->proto) && !is_srtp_proto (m->proto))
    return string_printf ("protocol %s is not RTP/AVP, RTP/AVPF, RTP/SAVP or RTP/SAVPF",
        m->proto);
  bool has_sockets = sockets.has_stream (stream);
  bool has_ice = ice.ice_components (stream) > 0;
  if (!has_sockets && !has_ice)
    return string_printf ("the pipeline has no stream %u", stream);
  if (!has_sockets && !ice_offered)
    return string_printf ("stream %u has only nicesrc/nicesink and the offer has no ICE "
        "attributes (a=ice-ufrag, a=ice-pwd)", stream);
  if (kept.empty ())
    return "none of the offered formats is allowed";
  return "";
}

/* The ICE answer of stream @i: gather, answer with our credentials and
 * candidates, hand the peer's to the plan. */
bool
accept_ice_stream (const SdpDocument & offer, guint i, LocalIce & ice,
    const AnswerOptions & options, AcceptedStream & out, SdpError & err)
{
  const GstSDPMessage *msg = offer.message ();
  StreamPlan & plan = out.plan;
  guint stream = i + 1;
  IceDescription remote = read_ice (msg, i);
  guint components = ice.ice_components (stream);
  std::string error;
  if (!ice.gather_ice (stream, out.ice, error))
    return err.set (string_printf ("cannot gather the ICE candidates of stream %u (%s): %s",
            stream, offer.where_media (i).c_str (), error.c_str ()), offer.media_line (i));
  /* Only a pipeline without component 2 for the stream has RTCP on
   * component 1 (the user demultiplexes it). */
  out.ice.rtcp_mux = options.rtcp_mux && remote.rtcp_mux && components == 1;
  plan.kind = StreamPlan::Kind::Ice;
  plan.direction = mirror_direction (media_direction_of (msg, i));
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
  return true;
}

bool
accept_stream (const SdpDocument & offer, guint i, LocalSockets & sockets, LocalIce & ice,
    const AnswerOptions & options, bool answer_has_mux, AcceptedStream & out,
    SdpError & err)
{
  const GstSDPMessage *msg = offer.message ();
  const GstSDPMedia *om = gst_sdp_message_get_media (msg, i);
  StreamPlan & plan = out.plan;
  guint stream = i + 1;

  if (ice.ice_components (stream) > 0) {
    Transport wanted = offered_transport (msg, i, options.prefer);
    bool ice_offered = has_ice_attributes (msg, i);
    /* What the offer asks for, or ICE when only ICE elements exist. */
    if (ice_offered && (wanted == Transport::Ice || !sockets.has_stream (stream)))
      return accept_ice_stream (offer, i, ice, options, out, err);
  }

  bool want_mux = options.rtcp_mux && answer_has_mux && media_has_attribute (om, "rtcp-mux");
  std::string error;
  if (!sockets.open_stream (stream, want_mux, plan.local, error))
    return err.set (string_printf ("cannot open the sockets of stream %u (%s): %s", stream,
            offer.where_media (i).c_str (), error.c_str ()), offer.media_line (i));
  if (!want_mux)
    plan.local.rtcp_mux = false;

  const GstSDPConnection *oc = connection_of (msg, i);
  bool prefer_ipv6 = oc != nullptr && oc->addrtype != nullptr && g_str_equal (oc->addrtype, "IP6");
  if (!local_announced_address (options, plan.local, prefer_ipv6, stream, out.announced, err))
    return false;

  plan.direction = mirror_direction (media_direction_of (msg, i));
  switch (comedia_direction_of (msg, i)) {
    case ComediaDirection::Active:
    case ComediaDirection::Both:
      /* The offer's address and port are ignored: we learn the peer from its
       * first packets. */
      plan.kind = StreamPlan::Kind::Latch;
      plan.note = "COMEDIA: latch on the peer's first packets";
      out.comedia_attribute = "passive";
      break;
    case ComediaDirection::Passive:
      /* The offerer waits for us: send to its address, say we start. */
      plan.kind = StreamPlan::Kind::Static;
      out.comedia_attribute = "active";
      if (!remote_transport (offer, i, plan.local.rtcp_mux, plan.remote, plan.note, err))
        return false;
      break;
    case ComediaDirection::None: {
      std::string hold;
      if (!remote_transport (offer, i, plan.local.rtcp_mux, plan.remote, hold, err))
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
  if (options.restrict_source && oc != nullptr && is_public_address (oc->address))
    plan.allowed_source = oc->address;
  return true;
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

}  // namespace

bool
build_answer (const SdpDocument & offer, LocalSockets & sockets, LocalIce & ice,
    const AnswerOptions & options, Negotiated & out, SdpError & err)
{
  out = Negotiated ();
  const GstSDPMessage *omsg = offer.message ();
  if (omsg == nullptr)
    return err.set ("no offer");

  AnswerDraft draft;
  for (guint i = 0; i < gst_sdp_message_medias_len (omsg); i++) {
    const GstSDPMedia *om = gst_sdp_message_get_media (omsg, i);
    AcceptedStream acc;
    acc.plan.stream = i + 1;
    acc.plan.media = om->media;

    std::vector<std::string> kept;
    for (guint f = 0; f < gst_sdp_media_formats_len (om); f++) {
      const char *pt = gst_sdp_media_get_format (om, f);
      if (format_allowed (om, pt, options.formats))
        kept.push_back (pt);
    }

    draft.medias.push_back (sdp_media_new ());
    GstSDPMedia *am = draft.medias.back ().get ();
    gst_sdp_media_set_media (am, om->media);
    gst_sdp_media_set_proto (am, om->proto);

    std::string reason = rejection_reason (om, acc.plan.stream, sockets, ice, kept,
        has_ice_attributes (omsg, i));
    SrtpDecision srtp;
    if (reason.empty ()) {
      srtp = answer_srtp (om, options, acc.plan);
      if (srtp.kind == SrtpAnswerKind::Reject)
        reason = srtp.note;
    }
    if (!reason.empty ()) {
      /* RFC 3264 6: a rejected stream stays, with port 0. */
      acc.plan.kind = StreamPlan::Kind::Rejected;
      acc.plan.note = reason;
      gst_sdp_media_set_port_info (am, 0, 0);
      for (guint f = 0; f < gst_sdp_media_formats_len (om); f++)
        gst_sdp_media_add_format (am, gst_sdp_media_get_format (om, f));
      draft.streams.push_back (std::move (acc));
      continue;
    }

    if (!accept_stream (offer, i, sockets, ice, options, true, acc, err))
      return false;
    if (acc.plan.kind == StreamPlan::Kind::Ice && acc.plan.srtp_outbound.enabled ())
      return err.set (string_printf ("%s offers SRTP over ICE: nicesrc/nicesink carry no "
              "SRTP keys", offer.where_media (i).c_str ()), offer.media_line (i));
    gst_sdp_media_set_port_info (am, acc.plan.local.rtp_port, 0);
    for (const auto & pt : kept)
      gst_sdp_media_add_format (am, pt.c_str ());
    /* The formats' descriptions, as offered. */
    for (guint a = 0; a < gst_sdp_media_attributes_len (om); a++) {
      const GstSDPAttribute *attr = gst_sdp_media_get_attribute (om, a);
      bool per_format = g_str_equal (attr->key, "rtpmap") || g_str_equal (attr->key, "fmtp")
          || g_str_equal (attr->key, "rtcp-fb");
      /* rtcp-rsize: reduced-size RTCP accepted (RFC 5506 5): comedia-rtpsrc
       * takes it wherever RTCP goes. */
      bool media_wide = g_str_equal (attr->key, "ptime") || g_str_equal (attr->key, "maxptime")
          || g_str_equal (attr->key, "framerate") || g_str_equal (attr->key, "mid")
          || g_str_equal (attr->key, "rtcp-rsize");
      if (media_wide || (per_format && attribute_for_formats (attr->value, kept)))
        gst_sdp_media_add_attribute (am, attr->key, attr->value);
    }
    if (acc.plan.kind == StreamPlan::Kind::Ice)
      write_ice (am, acc.ice);
    else
      add_transport_attributes (am, acc.plan.local);
    add_direction_attributes (am, acc);
    if (srtp.kind == SrtpAnswerKind::Srtp) {
      add_crypto (am, *srtp.crypto.answer);
      acc.plan.note += srtp_note (acc.plan, srtp.osrtp);
    } else if (!srtp.note.empty ()) {
      acc.plan.note += "; " + srtp.note;
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
  draft.finish (std::move (answer), address, out);
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
    if (om->port == 0)
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
rewrite_answer (const SdpDocument & offer, const SdpDocument & answer,
    LocalSockets & sockets, const AnswerOptions & options, Negotiated & out,
    SdpError & err)
{
  out = Negotiated ();
  if (offer.empty () || answer.empty ())
    return err.set ("rewriting needs both the offer and the answer");
  if (!check_answer_matches_offer (offer, answer, err))
    return false;

  const GstSDPMessage *omsg = offer.message ();
  const GstSDPMessage *amsg = answer.message ();
  NoIce no_ice;
  AnswerDraft draft;
  for (guint i = 0; i < gst_sdp_message_medias_len (amsg); i++) {
    const GstSDPMedia *om = gst_sdp_message_get_media (omsg, i);
    GstSDPMedia *am = nullptr;
    gst_sdp_media_copy (gst_sdp_message_get_media (amsg, i), &am);
    draft.medias.emplace_back (am);
    AcceptedStream acc;
    acc.plan.stream = i + 1;
    acc.plan.media = am->media;

    std::vector<std::string> formats;
    for (guint f = 0; f < gst_sdp_media_formats_len (am); f++)
      formats.push_back (gst_sdp_media_get_format (am, f));
    std::string reason = am->port == 0 ? std::string ("the answer rejected it (port 0)")
        : rejection_reason (om, acc.plan.stream, sockets, no_ice, formats, false);
    /* The other stack's keys never reach the elements: no SRTP here. */
    if (reason.empty () && (is_srtp_proto (am->proto) ||
            gst_sdp_media_get_attribute_val (am, "crypto")))
      reason = "rewrite-answer does not take SRTP keys: let sdp-negotiator answer SRTP offers";
    if (!reason.empty ()) {
      acc.plan.kind = StreamPlan::Kind::Rejected;
      acc.plan.note = reason;
      gst_sdp_media_set_port_info (am, 0, 0);
      draft.streams.push_back (std::move (acc));
      continue;
    }

    if (!accept_stream (offer, i, sockets, no_ice, options,
            media_has_attribute (am, "rtcp-mux"), acc, err))
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

/* ---- offerer ---------------------------------------------------------- */

namespace {

/* One a=crypto line per suite, strongest first, tags 1..N, each with a
 * fresh key; RTP/SAVP(F) when SRTP is required. */
bool
offer_srtp (GstSDPMedia * media, const OfferOptions & options, guint stream, SdpError & err)
{
  if (!options.random)
    return err.set (string_printf ("stream %u: no source of SRTP keys", stream));
  if (options.srtp == SrtpOffer::Require)
    gst_sdp_media_set_proto (media, g_str_equal (media->proto, "RTP/AVPF") ? "RTP/SAVPF"
        : "RTP/SAVP");
  uint32_t tag = 1;
  for (SrtpSuite suite : srtp_suites_by_strength ()) {
    const SrtpSuiteInfo & info = srtp_suite_info (suite);
    CryptoLine line;
    line.tag = tag++;
    line.suite = suite;
    line.key_salt.resize (info.key_len + info.salt_len);
    options.random (line.key_salt.data (), line.key_salt.size ());
    add_crypto (media, line);
  }
  return true;
}

/* The offerer's SRTP for answer m-line @am to our @om: the answer's one
 * a=crypto must name a tag we offered, with its suite. */
bool
read_answer_srtp (const SdpDocument & answer, guint i, const GstSDPMedia * om,
    const GstSDPMedia * am, StreamPlan & plan, SdpError & err)
{
  std::vector<CryptoParse> ours = read_crypto (om), theirs = read_crypto (am);
  bool required = is_srtp_proto (om->proto);
  if (ours.empty ()) {
    if (!theirs.empty ())
      return err.set (string_printf ("answer %s has a=crypto but the offer offered no SRTP",
              answer.where_media (i).c_str ()), answer.media_line (i));
    return true;
  }
  if (theirs.empty ()) {
    if (required || is_srtp_proto (am->proto))
      return err.set (string_printf ("answer %s is %s without a=crypto: no SRTP key",
              answer.where_media (i).c_str (), am->proto), answer.media_line (i));
    plan.note = "the peer answered the best-effort SRTP offer plain";
    return true;
  }
  if (theirs.size () != 1 || !theirs[0].line)
    return err.set (string_printf ("answer %s must have one valid a=crypto line%s%s",
            answer.where_media (i).c_str (), theirs[0].line ? "" : ": ",
            theirs[0].line ? "" : theirs[0].reason.c_str ()), answer.media_line (i));
  const CryptoLine & answered = *theirs[0].line;
  for (const CryptoParse & o : ours) {
    if (!o.line || o.line->tag != answered.tag)
      continue;
    if (o.line->suite != answered.suite)
      return err.set (string_printf ("answer %s: a=crypto tag %u is %s, but we offered %s "
              "with that tag", answer.where_media (i).c_str (), answered.tag,
              srtp_suite_info (answered.suite).name, srtp_suite_info (o.line->suite).name),
          answer.media_line (i));
    if (answered.mki_length > 0 || answered.lifetime)
      return err.set (string_printf ("answer %s: a=crypto %s asks for a key lifetime or MKI, "
              "which we did not offer", answer.where_media (i).c_str (),
              crypto_for_log (answered).c_str ()), answer.media_line (i));
    plan.srtp_outbound = key_of (*o.line);
    plan.srtp_inbound = key_of (answered);
    return true;
  }
  return err.set (string_printf ("answer %s: a=crypto tag %u was not offered",
          answer.where_media (i).c_str (), answered.tag), answer.media_line (i));
}

}  // namespace

bool
build_offer (const std::vector<OfferedStream> & streams, const OfferOptions & options,
    SdpMessagePtr & out, SdpError & err)
{
  out.reset ();
  if (streams.empty ())
    return err.set ("there is no stream to offer: give offer-caps or add comedia "
        "elements with caps to the session");
  const std::string unspecified = options.ipv6 ? "::" : "0.0.0.0";

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
      if (!os.ice->present () || os.ice->default_address.empty ())
        return err.set (string_printf ("stream %u has no ICE credentials or candidates to "
                "offer", stream));
      /* RFC 5245 4.3: m= and c= carry the default candidate. */
      IceDescription ice = *os.ice;
      ice.rtcp_mux = os.rtcp_mux;
      gst_sdp_media_set_port_info (media, ice.default_rtp_port, 0);
      add_connection (media, ice.default_address);
      write_ice (media, ice);
      if (const char *dir = media_direction_name (os.direction))
        gst_sdp_media_add_attribute (media, dir, "");
      gst_sdp_message_add_media (offer, media);
      continue;
    }
    gst_sdp_media_set_port_info (media, DISCARD_PORT, 0);
    if (options.srtp != SrtpOffer::Plain && !offer_srtp (media, options, stream, err))
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
wants_symmetric_rtp (SymmetricRtp mode, const std::string & address, std::string & why)
{
  switch (mode) {
    case SymmetricRtp::Never:
      return false;
    case SymmetricRtp::Always:
      why = "learn the peer from its packets (symmetric-rtp=always), sending to " +
          (address.empty () ? std::string ("nobody (on hold)") : address) + " until then";
      return true;
    case SymmetricRtp::Auto:
      break;
  }
  /* Out of reach from a public server: the peer is behind a NAT (or on
   * hold), and only its packets say where it is.  Loopback is reachable
   * from this host, the only place a loopback sender can be; multicast and
   * public addresses are where the peer said. */
  AddressScope scope = address.empty () ? AddressScope::Unspecified : address_scope (address);
  switch (scope) {
    case AddressScope::Unspecified:
    case AddressScope::LinkLocal:
    case AddressScope::Private:
    case AddressScope::Shared:
    case AddressScope::Reserved:
    case AddressScope::UniqueLocal:
      why = string_printf ("the signalled address %s is %s: learn the peer from its packets "
          "(symmetric-rtp=auto), send nothing before", address.empty () ? "0.0.0.0" :
          address.c_str (), address_scope_description (scope));
      return true;
    case AddressScope::Public:
    case AddressScope::NotAnAddress:
    case AddressScope::Loopback:
    case AddressScope::Multicast:
      break;
  }
  return false;
}

bool
read_answer (const SdpDocument & offer, const SdpDocument & answer,
    MissingPassive missing_passive, AnswerReading & out, SdpError & err,
    SymmetricRtp symmetric)
{
  out = AnswerReading ();
  if (offer.empty () || answer.empty ())
    return err.set ("reading an answer needs the offer it answers");
  if (!check_answer_matches_offer (offer, answer, err))
    return false;
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
    if (!read_answer_srtp (answer, i, om, am, plan, err))
      return false;
    std::string srtp = srtp_note (plan, !is_srtp_proto (am->proto));
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
  return true;
}

/* ---- helpers ---------------------------------------------------------- */

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

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "icesdp.h"
#include "comediasdp.h"

#include <cstdarg>
#include <cstring>
#include <set>

namespace comedia {

namespace {

/* RFC 5245 15.4: ice-ufrag 4 to 256 characters, ice-pwd 22 to 256. */
constexpr gsize UFRAG_MIN = 4, PWD_MIN = 22, ICE_CHARS_MAX = 256;

bool
to_uint (const char *s, guint64 max, guint64 & out)
{
  return s != nullptr && g_ascii_string_to_unsigned (s, 10, 0, max, &out, nullptr);
}

/* Media-level value of @key, else session-level. */
const char *
media_or_session (const GstSDPMessage * msg, const GstSDPMedia * m, const char *key)
{
  const char *v = gst_sdp_media_get_attribute_val (m, key);
  return v ? v : gst_sdp_message_get_attribute_val (msg, key);
}

/* The line of @key: media level if the media has it, else session level. */
gint
level_of (const GstSDPMedia * m, guint media_index, const char *key)
{
  return gst_sdp_media_get_attribute_val (m, key) ? (gint) media_index : -1;
}

}  // namespace

bool
candidate_fields (const std::string & value, CandidateFields & out)
{
  out = CandidateFields ();
  gchar **f = g_strsplit (value.c_str (), " ", -1);
  guint n = g_strv_length (f);
  guint64 component = 0, priority = 0, port = 0;
  bool ok = n >= 8 && f[0][0] != '\0'
      && to_uint (f[1], 256, component) && component >= 1
      && to_uint (f[3], G_MAXUINT32, priority)
      && g_hostname_is_ip_address (f[4])
      && to_uint (f[5], G_MAXUINT16, port)
      && g_str_equal (f[6], "typ") && f[7][0] != '\0';
  if (ok) {
    out.component = (guint) component;
    out.transport = f[2];
    out.address = f[4];
    out.port = (guint16) port;
    out.type = f[7];
  }
  g_strfreev (f);
  return ok;
}

bool
has_ice_attributes (const GstSDPMessage * msg, guint media_index)
{
  const GstSDPMedia *m = gst_sdp_message_get_media (msg, media_index);
  for (const char *key : {"ice-ufrag", "ice-pwd", "candidate"})
    if (media_or_session (msg, m, key) != nullptr)
      return true;
  return false;
}

bool
read_ice (const SdpDocument & doc, guint media_index, IceDescription & out,
    SdpError & err)
{
  out = IceDescription ();
  const GstSDPMessage *msg = doc.message ();
  const GstSDPMedia *m = gst_sdp_message_get_media (msg, media_index);
  if (!has_ice_attributes (msg, media_index))
    return true;

  const char *ufrag = media_or_session (msg, m, "ice-ufrag");
  const char *pwd = media_or_session (msg, m, "ice-pwd");
  if (ufrag == nullptr || pwd == nullptr) {
    const char *has = ufrag ? "ice-ufrag" : pwd ? "ice-pwd" : "candidate";
    const char *lacks = ufrag ? "a=ice-pwd" : pwd ? "a=ice-ufrag" : "a=ice-ufrag and a=ice-pwd";
    gint level = level_of (m, media_index, has);
    return err.set (string_printf ("%s: the media of %s has a=%s but no %s (ICE "
            "needs both credentials)", doc.where_attribute (level, has).c_str (),
            doc.where_media (media_index).c_str (), has, lacks),
        doc.attribute_line (level, has));
  }
  struct Check {
    const char *key, *value;
    gsize min;
  };
  for (const Check & c : {Check {"ice-ufrag", ufrag, UFRAG_MIN}, Check {"ice-pwd", pwd,
              PWD_MIN}}) {
    gsize len = strlen (c.value);
    if (len < c.min || len > ICE_CHARS_MAX) {
      gint level = level_of (m, media_index, c.key);
      return err.set (string_printf ("%s: a=%s is %" G_GSIZE_FORMAT " characters long, "
              "RFC 5245 asks for %" G_GSIZE_FORMAT " to %" G_GSIZE_FORMAT,
              doc.where_attribute (level, c.key).c_str (), c.key, len, c.min,
              ICE_CHARS_MAX), doc.attribute_line (level, c.key));
    }
  }
  out.ufrag = ufrag;
  out.pwd = pwd;
  out.lite = gst_sdp_message_get_attribute_val (msg, "ice-lite") != nullptr;
  out.end_of_candidates = media_or_session (msg, m, "end-of-candidates") != nullptr;
  out.rtcp_mux = gst_sdp_media_get_attribute_val (m, "rtcp-mux") != nullptr;

  for (guint i = 0;; i++) {
    const char *v = gst_sdp_media_get_attribute_val_n (m, "candidate", i);
    if (v == nullptr)
      break;
    CandidateFields fields;
    if (!candidate_fields (v, fields)) {
      /* Name the candidate line itself, not the first one. */
      guint line = doc.attribute_line (media_index, "candidate");
      if (line != 0)
        line += i;
      return err.set (string_printf ("%s: a=candidate:%s is not a candidate "
              "(foundation component transport priority address port typ type)",
              line ? string_printf ("line %u", line).c_str ()
              : doc.where_media (media_index).c_str (), v), line);
    }
    out.candidates.push_back (v);
  }

  const GstSDPConnection *c = gst_sdp_media_connections_len (m) > 0
      ? gst_sdp_media_get_connection (m, 0) : gst_sdp_message_get_connection (msg);
  if (c != nullptr && c->address != nullptr)
    out.default_address = c->address;
  out.default_rtp_port = (guint16) m->port;
  guint64 rtcp = 0;
  const char *rtcp_attr = gst_sdp_media_get_attribute_val (m, "rtcp");
  if (out.rtcp_mux)
    out.default_rtcp_port = out.default_rtp_port;
  else if (rtcp_attr != nullptr) {
    gchar **parts = g_strsplit (rtcp_attr, " ", 2);
    if (to_uint (parts[0], G_MAXUINT16, rtcp))
      out.default_rtcp_port = (guint16) rtcp;
    g_strfreev (parts);
  } else if (m->port > 0 && m->port < G_MAXUINT16) {
    out.default_rtcp_port = (guint16) (m->port + 1);
  }
  return true;
}

void
write_ice (GstSDPMedia * media, const IceDescription & local)
{
  gst_sdp_media_add_attribute (media, "ice-ufrag", local.ufrag.c_str ());
  gst_sdp_media_add_attribute (media, "ice-pwd", local.pwd.c_str ());
  for (const std::string & c : local.candidates) {
    CandidateFields f;
    /* Muxed: component 2 does not exist on the wire. */
    if (local.rtcp_mux && candidate_fields (c, f) && f.component != 1)
      continue;
    gst_sdp_media_add_attribute (media, "candidate", c.c_str ());
  }
  /* Everything was gathered before the SDP left: no trickling. */
  gst_sdp_media_add_attribute (media, "end-of-candidates", "");
  if (local.rtcp_mux) {
    gst_sdp_media_add_attribute (media, "rtcp-mux", "");
  } else if (local.default_rtcp_port != 0) {
    gchar *v = g_strdup_printf ("%u", local.default_rtcp_port);
    gst_sdp_media_add_attribute (media, "rtcp", v);
    g_free (v);
  }
}

std::vector<guint>
candidate_components (const IceDescription & ice)
{
  std::set<guint> seen;
  for (const std::string & c : ice.candidates) {
    CandidateFields f;
    if (candidate_fields (c, f))
      seen.insert (f.component);
  }
  return std::vector<guint> (seen.begin (), seen.end ());
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
  const GstSDPMedia *m = gst_sdp_message_get_media (offer, media_index);
  bool ice = media_or_session (offer, m, "ice-ufrag") != nullptr
      && media_or_session (offer, m, "ice-pwd") != nullptr;
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

}  // namespace comedia

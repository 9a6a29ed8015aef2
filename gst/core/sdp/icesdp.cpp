/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "icesdp.h"
#include "mediatransport.h"

#include <cstring>
#include <set>

namespace comedia {

namespace {

bool
to_uint (const char *s, guint64 max, guint64 & out)
{
  return s != nullptr && g_ascii_string_to_unsigned (s, 10, 0, max, &out, nullptr);
}

/* @address_is_name: the address may be anything (a host name), not only an
 * IP address: whether only the address keeps a line from being a candidate. */
bool
parse_candidate (const std::string & value, CandidateFields & out, bool address_is_name)
{
  out = CandidateFields ();
  gchar **f = g_strsplit (value.c_str (), " ", -1);
  guint n = g_strv_length (f);
  guint64 component = 0, priority = 0, port = 0;
  bool ok = n >= 8 && f[0][0] != '\0'
      && to_uint (f[1], 256, component) && component >= 1
      && to_uint (f[3], G_MAXUINT32, priority)
      && (address_is_name || g_hostname_is_ip_address (f[4]))
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

/* Whether @address is an mDNS name: "<something>.local", any case. */
bool
is_mdns_name (const std::string & address)
{
  gchar *lower = g_ascii_strdown (address.c_str (), -1);
  bool mdns = g_str_has_suffix (lower, ".local");
  g_free (lower);
  return mdns;
}

}  // namespace

const char *
ice_attribute (const GstSDPMessage * msg, guint media_index, const char *key)
{
  const GstSDPMedia *m = gst_sdp_message_get_media (msg, media_index);
  const char *v = gst_sdp_media_get_attribute_val (m, key);
  return v ? v : gst_sdp_message_get_attribute_val (msg, key);
}

bool
candidate_fields (const std::string & value, CandidateFields & out)
{
  return parse_candidate (value, out, false);
}

bool
mdns_candidate (const std::string & value, MdnsCandidate & out)
{
  out = MdnsCandidate ();
  CandidateFields f;
  if (!parse_candidate (value, f, true) || g_hostname_is_ip_address (f.address.c_str ())
      || f.type != "host"
      || (g_ascii_strcasecmp (f.transport.c_str (), "UDP") != 0
          && g_ascii_strcasecmp (f.transport.c_str (), "TCP") != 0)
      || !is_mdns_name (f.address) || f.address.size () <= strlen (".local"))
    return false;
  out.value = value;
  out.name = f.address;
  out.fields = f;
  return true;
}

std::string
candidate_with_address (const std::string & value, const std::string & address)
{
  gchar **f = g_strsplit (value.c_str (), " ", -1);
  std::string out;
  if (g_strv_length (f) >= 8) {
    g_free (f[4]);
    f[4] = g_strdup (address.c_str ());
    gchar *joined = g_strjoinv (" ", f);
    out = joined;
    g_free (joined);
  }
  g_strfreev (f);
  return out;
}

std::string
unusable_candidate_reason (const std::string & value)
{
  CandidateFields f;
  if (candidate_fields (value, f)) {
    if (g_ascii_strcasecmp (f.transport.c_str (), "UDP") == 0
        || g_ascii_strcasecmp (f.transport.c_str (), "TCP") == 0)
      return "";
    return "its transport " + f.transport + " is neither UDP nor TCP";
  }
  /* Not a candidate as it stands: say whether only the address is the
   * trouble, the common case (browsers). */
  if (!parse_candidate (value, f, true))
    return "it is not a candidate (foundation component transport priority address "
        "port typ type)";
  const std::string & address = f.address;
  if (is_mdns_name (address))
    return "its address " + address + " is an mDNS name (a browser hiding its host "
        "address), which is not resolved here; the call connects through the "
        "peer's other candidates (srflx) and its checks (prflx)";
  return "its address " + address + " is a host name, not an IP address (names in "
      "candidates are not resolved)";
}

bool
has_ice_attributes (const GstSDPMessage * msg, guint media_index)
{
  for (const char *key : {"ice-ufrag", "ice-pwd", "candidate"})
    if (ice_attribute (msg, media_index, key) != nullptr)
      return true;
  return false;
}

IceDescription
read_ice (const GstSDPMessage * msg, guint media_index)
{
  IceDescription out;
  const GstSDPMedia *m = gst_sdp_message_get_media (msg, media_index);
  if (!has_ice_attributes (msg, media_index))
    return out;

  /* validate_sdp() checked the credentials and candidates. */
  const char *ufrag = ice_attribute (msg, media_index, "ice-ufrag");
  const char *pwd = ice_attribute (msg, media_index, "ice-pwd");
  out.ufrag = ufrag ? ufrag : "";
  out.pwd = pwd ? pwd : "";
  out.lite = gst_sdp_message_get_attribute_val (msg, "ice-lite") != nullptr;
  out.end_of_candidates = ice_attribute (msg, media_index, "end-of-candidates") != nullptr;
  for (guint i = 0;; i++) {
    const char *v = gst_sdp_media_get_attribute_val_n (m, "candidate", i);
    if (v == nullptr)
      break;
    out.candidates.push_back (v);
  }

  /* RFC 5245 4.3: c=, m= and a=rtcp carry the default candidates. */
  MediaTransport t = media_transport_of (msg, media_index);
  out.rtcp_mux = t.rtcp_mux;
  if (t.connection != nullptr)
    out.default_address = t.connection->address;
  out.default_rtp_port = (guint16) t.rtp_port;
  guint rtcp = 0;
  /* A disabled m-line (port 0) has no next port for RTCP. */
  if (t.rtp_port != 0 || t.rtcp_mux || t.has_rtcp_attribute)
    t.rtcp_port (t.rtcp_mux, rtcp);
  out.default_rtcp_port = (guint16) rtcp;
  return out;
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
  /* Trickle: the rest comes in fragments, then the end (trickle.h). */
  if (local.trickle || local.trickle_supported)
    gst_sdp_media_add_attribute (media, "ice-options", "trickle");
  if (!local.trickle)
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

}  // namespace comedia

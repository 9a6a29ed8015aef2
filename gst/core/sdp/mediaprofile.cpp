/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "mediaprofile.h"
#include "dtlssdp.h"      /* is_dtls_protocol */

#include <gst/rtp/gstrtppayloads.h>

#include <map>

namespace comedia {

namespace {

/* Repair formats, by encoding name (lower case; flexfec by prefix, as its
 * drafts number it: flexfec-03). */
bool
is_repair_encoding (const std::string & name)
{
  gchar *lower = g_ascii_strdown (name.c_str (), -1);
  std::string n (lower);
  g_free (lower);
  return n == "rtx" || n == "red" || n == "ulpfec" || n.rfind ("flexfec", 0) == 0;
}

bool
is_rtx (const GstSDPMedia * media, const std::string & pt)
{
  return g_ascii_strcasecmp (encoding_name_of (media, pt.c_str ()).c_str (), "rtx") == 0;
}

/* The payload type rtx format @pt retransmits (a=fmtp apt=, RFC 4588 8.6),
 * read by GstSDPMedia; "" without one. */
std::string
rtx_apt (const GstSDPMedia * media, const std::string & pt)
{
  guint64 n;
  if (!g_ascii_string_to_unsigned (pt.c_str (), 10, 0, 127, &n, nullptr))
    return "";
  GstCaps *caps = gst_sdp_media_get_caps_from_media (media, (gint) n);
  if (caps == nullptr)
    return "";
  const char *apt = gst_structure_get_string (gst_caps_get_structure (caps, 0), "apt");
  std::string out = apt ? apt : "";
  gst_caps_unref (caps);
  return out;
}

bool
contains (const std::vector<std::string> & list, const std::string & item)
{
  for (const auto & i : list)
    if (i == item)
      return true;
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
  return pt == "*" || contains (formats, pt);
}

/* a=extmap @value ("ID[/direction] URI [attributes]") when its URI is one
 * of @uris, with the direction mirrored (RFC 8285 6: the answer keeps the
 * id); "" otherwise. */
std::string
answered_extmap (const char *value, const std::vector<std::string> & uris)
{
  gchar **f = g_strsplit (value, " ", 3);
  std::string out;
  if (g_strv_length (f) >= 2 && contains (uris, f[1])) {
    std::string id = f[0];
    std::string direction;
    gsize slash = id.find ('/');
    if (slash != std::string::npos) {
      direction = id.substr (slash + 1);
      id.resize (slash);
    }
    if (direction == "sendonly")
      direction = "recvonly";
    else if (direction == "recvonly")
      direction = "sendonly";
    out = id + (direction.empty () ? "" : "/" + direction) + " " + f[1];
    if (f[2] != nullptr)
      out += std::string (" ") + f[2];
  }
  g_strfreev (f);
  return out;
}

}  // namespace

bool
uses_webrtc_profile (const GstSDPMedia * media)
{
  return media->proto != nullptr && is_dtls_protocol (media->proto);
}

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
format_named (const GstSDPMedia * media, const char *pt, const std::vector<std::string> & names)
{
  std::string name = encoding_name_of (media, pt);
  for (const auto & a : names) {
    if (a == pt || (!name.empty () && g_ascii_strcasecmp (a.c_str (), name.c_str ()) == 0))
      return true;
  }
  return false;
}

std::string
prune_repair_formats (const GstSDPMedia * media, const std::vector<std::string> & named,
    std::vector<std::string> & formats)
{
  if (!uses_webrtc_profile (media))
    return "";
  std::vector<std::string> kept;
  for (const auto & pt : formats) {
    std::string name = encoding_name_of (media, pt.c_str ());
    if (!is_repair_encoding (name) || format_named (media, pt.c_str (), named))
      kept.push_back (pt);
  }
  /* A named rtx still needs the format it repeats. */
  std::vector<std::string> answered;
  for (const auto & pt : kept)
    if (!is_rtx (media, pt) || contains (kept, rtx_apt (media, pt)))
      answered.push_back (pt);

  /* "rtx 97 99, red 63", in offer order of the first of each name. */
  std::vector<std::string> names;
  std::map<std::string, std::string> dropped;
  for (const auto & pt : formats) {
    if (contains (answered, pt))
      continue;
    std::string name = encoding_name_of (media, pt.c_str ());
    gchar *lower = g_ascii_strdown (name.c_str (), -1);
    if (dropped.count (lower) == 0)
      names.push_back (lower);
    dropped[lower] += " " + pt;
    g_free (lower);
  }
  formats = std::move (answered);
  std::string note;
  for (const auto & n : names)
    note += (note.empty () ? "" : ", ") + n + dropped[n];
  return note.empty () ? "" : "not answered (no element here for them): " + note;
}

bool
rtcp_feedback_answered (const GstSDPMedia * media, const char *value,
    const std::vector<std::string> & formats)
{
  gchar **f = g_strsplit (value, " ", -1);
  guint n = g_strv_length (f);
  bool answered = false;
  if (n == 3 && g_ascii_strcasecmp (f[1], "nack") == 0)
    answered = g_ascii_strcasecmp (f[2], "pli") == 0;
  else if (n == 3 && g_ascii_strcasecmp (f[1], "ccm") == 0)
    answered = g_ascii_strcasecmp (f[2], "fir") == 0;
  else if (n == 2 && g_ascii_strcasecmp (f[1], "nack") == 0) {
    /* Generic NACK asks for retransmissions: only where an rtx for that
     * format is answered. */
    for (const auto & pt : formats)
      answered |= is_rtx (media, pt) && (g_str_equal (f[0], "*") || rtx_apt (media, pt) == f[0]);
  }
  g_strfreev (f);
  return answered;
}

void
add_local_msid (const GstSDPMedia * offer, guint stream, bool sends, GstSDPMedia * answer)
{
  if (!sends || !uses_webrtc_profile (offer) || offer->media == nullptr)
    return;
  gchar *msid = g_strdup_printf ("comedia %s%u", offer->media, stream);
  gst_sdp_media_add_attribute (answer, "msid", msid);
  g_free (msid);
}

void
copy_answered_attributes (const GstSDPMedia * offer, const std::vector<std::string> & formats,
    const std::vector<std::string> & header_extensions, GstSDPMedia * answer)
{
  bool webrtc = uses_webrtc_profile (offer);
  for (guint a = 0; a < gst_sdp_media_attributes_len (offer); a++) {
    const GstSDPAttribute *attr = gst_sdp_media_get_attribute (offer, a);
    const char *key = attr->key;
    bool feedback = g_str_equal (key, "rtcp-fb");
    bool per_format = g_str_equal (key, "rtpmap") || g_str_equal (key, "fmtp") || feedback;
    bool media_wide = g_str_equal (key, "ptime") || g_str_equal (key, "maxptime")
        || g_str_equal (key, "framerate") || g_str_equal (key, "mid")
        || g_str_equal (key, "rtcp-rsize");
    if (g_str_equal (key, "extmap") && attr->value != nullptr) {
      std::string extmap = answered_extmap (attr->value, header_extensions);
      if (!extmap.empty ())
        gst_sdp_media_add_attribute (answer, key, extmap.c_str ());
      continue;
    }
    if (per_format && !attribute_for_formats (attr->value, formats))
      continue;
    if (feedback && webrtc && !rtcp_feedback_answered (offer, attr->value, formats))
      continue;
    if (media_wide || per_format)
      gst_sdp_media_add_attribute (answer, key, attr->value);
  }
}

}  // namespace comedia

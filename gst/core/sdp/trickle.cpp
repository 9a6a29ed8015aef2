/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "trickle.h"
#include "icesdp.h"
#include "sdpdocument.h"

namespace comedia {

namespace {

/* GstSDPMessage reads a fragment once it has the lines a message starts
 * with (RFC 8840 9 leaves them out). */
constexpr const char *FRAGMENT_HEAD = "v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";

}  // namespace

bool
is_sdp_fragment (const std::string & text)
{
  return g_str_has_prefix (text.c_str (), "a=") || g_str_has_prefix (text.c_str (), "m=");
}

bool
parse_sdp_fragment (const std::string & text, SdpFragment & out, std::string & error)
{
  out = SdpFragment ();
  if (!is_sdp_fragment (text)) {
    error = "a trickle ICE fragment starts with a= or m=";
    return false;
  }
  std::string whole = FRAGMENT_HEAD + text;
  SdpMessagePtr msg = sdp_message_new ();
  if (gst_sdp_message_parse_buffer ((const guint8 *) whole.data (), whole.size (),
          msg.get ()) != GST_SDP_OK) {
    error = "the fragment is not SDP";
    return false;
  }
  const GstSDPMessage *m = msg.get ();
  const char *ufrag = gst_sdp_message_get_attribute_val (m, "ice-ufrag");
  const char *pwd = gst_sdp_message_get_attribute_val (m, "ice-pwd");
  out.ufrag = ufrag ? ufrag : "";
  out.pwd = pwd ? pwd : "";
  out.end_of_candidates = gst_sdp_message_get_attribute_val (m, "end-of-candidates")
      != nullptr;
  bool any = out.end_of_candidates;
  for (guint i = 0; i < gst_sdp_message_medias_len (m); i++) {
    const GstSDPMedia *media = gst_sdp_message_get_media (m, i);
    FragmentMedia fm;
    fm.position = i;
    fm.media = media->media ? media->media : "audio";
    const char *mid = gst_sdp_media_get_attribute_val (media, "mid");
    fm.mid = mid ? mid : "";
    fm.end_of_candidates = gst_sdp_media_get_attribute_val (media, "end-of-candidates")
        != nullptr;
    /* Media-level credentials are allowed too (RFC 8840 9.1). */
    if (out.ufrag.empty () && (ufrag = gst_sdp_media_get_attribute_val (media, "ice-ufrag")))
      out.ufrag = ufrag;
    if (out.pwd.empty () && (pwd = gst_sdp_media_get_attribute_val (media, "ice-pwd")))
      out.pwd = pwd;
    for (guint a = 0;; a++) {
      const char *v = gst_sdp_media_get_attribute_val_n (media, "candidate", a);
      if (v == nullptr)
        break;
      std::string reason = unusable_candidate_reason (v);
      MdnsCandidate mdns;
      if (reason.empty ()) {
        fm.candidates.push_back (v);
      } else if (mdns_candidate (v, mdns)) {
        mdns.media_index = i;
        mdns.note = string_printf ("a=candidate:%s skipped: %s", v, reason.c_str ());
        fm.mdns.push_back (std::move (mdns));
      } else {
        out.skipped.push_back (string_printf ("a=candidate:%s skipped: %s", v,
                reason.c_str ()));
      }
    }
    any = any || fm.end_of_candidates || !fm.candidates.empty ()
        || gst_sdp_media_get_attribute_val (media, "candidate") != nullptr;
    out.media.push_back (std::move (fm));
  }
  if (!any) {
    error = "the fragment has no a=candidate and no a=end-of-candidates";
    return false;
  }
  return true;
}

std::string
build_sdp_fragment (const SdpFragment & f)
{
  std::string out;
  auto line = [&out] (const std::string & l) { out += l + "\r\n"; };
  if (!f.ufrag.empty ())
    line ("a=ice-ufrag:" + f.ufrag);
  if (!f.pwd.empty ())
    line ("a=ice-pwd:" + f.pwd);
  if (f.end_of_candidates)
    line ("a=end-of-candidates");
  for (const FragmentMedia & m : f.media) {
    /* RFC 8840 9.1: the m= line's port and formats mean nothing here. */
    line ("m=" + m.media + " 9 RTP/AVP 0");
    if (!m.mid.empty ())
      line ("a=mid:" + m.mid);
    for (const std::string & c : m.candidates)
      line ("a=candidate:" + c);
    if (m.end_of_candidates)
      line ("a=end-of-candidates");
  }
  return out + "\r\n";
}

bool
fragment_media_index (const GstSDPMessage * remote, const FragmentMedia & m,
    guint & mline_index)
{
  guint n = gst_sdp_message_medias_len (remote);
  if (m.mid.empty ()) {
    mline_index = m.position;
    return m.position < n;
  }
  for (guint i = 0; i < n; i++) {
    const char *mid = gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (remote, i),
        "mid");
    if (mid && m.mid == mid) {
      mline_index = i;
      return true;
    }
  }
  return false;
}

bool
peer_trickles (const GstSDPMessage * msg)
{
  auto has_trickle = [] (const char *options) {
    if (options == nullptr)
      return false;
    gchar **tokens = g_strsplit (options, " ", -1);
    bool found = g_strv_contains ((const gchar * const *) tokens, "trickle");
    g_strfreev (tokens);
    return found;
  };
  if (has_trickle (gst_sdp_message_get_attribute_val (msg, "ice-options")))
    return true;
  for (guint i = 0; i < gst_sdp_message_medias_len (msg); i++)
    if (has_trickle (gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (msg, i),
                "ice-options")))
      return true;
  return false;
}

std::string
candidate_value_of (const std::string & text)
{
  std::string v = text;
  while (!v.empty () && (v.back () == '\n' || v.back () == '\r' || v.back () == ' '))
    v.pop_back ();
  if (g_str_has_prefix (v.c_str (), "a="))
    v.erase (0, 2);
  if (v == "end-of-candidates")
    return "";
  if (g_str_has_prefix (v.c_str (), "candidate:"))
    v.erase (0, strlen ("candidate:"));
  return v;
}

}  // namespace comedia

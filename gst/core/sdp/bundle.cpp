/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bundle.h"
#include "streamplan.h"

#include <algorithm>

namespace comedia {

namespace {

/* The attributes that describe a transport, not a stream: a bundled
 * m-line takes the tagged m-line's (RFC 9143 7.1.3: identical for all). */
constexpr const char *TRANSPORT_ATTRIBUTES[] = {
  "ice-ufrag", "ice-pwd", "ice-options", "candidate", "end-of-candidates",
  "fingerprint", "setup", "tls-id", "rtcp-mux", "rtcp", "bundle-only",
};

bool
is_transport_attribute (const char *key)
{
  for (const char *k : TRANSPORT_ATTRIBUTES)
    if (g_str_equal (key, k))
      return true;
  return false;
}

/* The m-line with a=mid @mid in @msg, or -1. */
gint
media_with_mid (const GstSDPMessage * msg, const std::string & mid)
{
  for (guint i = 0; i < gst_sdp_message_medias_len (msg); i++)
    if (media_mid (msg, i) == mid)
      return (gint) i;
  return -1;
}

/* @member's transport becomes @tagged's: port, c=, the transport
 * attributes. */
void
copy_transport (const GstSDPMedia * tagged, GstSDPMedia * member)
{
  gst_sdp_media_set_port_info (member, tagged->port, tagged->num_ports);
  while (gst_sdp_media_connections_len (member) > 0)
    gst_sdp_media_remove_connection (member, 0);
  for (guint c = 0; c < gst_sdp_media_connections_len (tagged); c++) {
    const GstSDPConnection *conn = gst_sdp_media_get_connection (tagged, c);
    gst_sdp_media_add_connection (member, conn->nettype, conn->addrtype, conn->address,
        conn->ttl, conn->addr_number);
  }
  for (guint a = gst_sdp_media_attributes_len (member); a > 0; a--)
    if (is_transport_attribute (gst_sdp_media_get_attribute (member, a - 1)->key))
      gst_sdp_media_remove_attribute (member, a - 1);
  for (guint a = 0; a < gst_sdp_media_attributes_len (tagged); a++) {
    const GstSDPAttribute *attr = gst_sdp_media_get_attribute (tagged, a);
    if (is_transport_attribute (attr->key) && !g_str_equal (attr->key, "bundle-only"))
      gst_sdp_media_add_attribute (member, attr->key, attr->value);
  }
}

}  // namespace

std::string
media_mid (const GstSDPMessage * msg, guint i)
{
  if (msg == nullptr || i >= gst_sdp_message_medias_len (msg))
    return "";
  const char *mid = gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (msg, i),
      "mid");
  return mid ? mid : "";
}

std::vector<std::vector<std::string>>
bundle_groups_of (const GstSDPMessage * msg)
{
  std::vector<std::vector<std::string>> out;
  for (guint n = 0;; n++) {
    const char *group = gst_sdp_message_get_attribute_val_n (msg, "group", n);
    if (group == nullptr)
      break;
    gchar **words = g_strsplit_set (group, " \t", -1);
    if (words[0] != nullptr && g_ascii_strcasecmp (words[0], "BUNDLE") == 0) {
      std::vector<std::string> mids;
      for (gchar **w = words + 1; *w != nullptr; w++)
        if (**w != '\0')
          mids.push_back (*w);
      out.push_back (std::move (mids));
    }
    g_strfreev (words);
  }
  return out;
}

const OfferedBundle::Group *
OfferedBundle::group_of (guint i) const
{
  for (const Group & g : groups)
    if (std::find (g.members.begin (), g.members.end (), i) != g.members.end ())
      return &g;
  return nullptr;
}

OfferedBundle
read_offered_bundle (const GstSDPMessage * offer, BundlePolicy policy)
{
  OfferedBundle out;
  if (policy == BundlePolicy::None || offer == nullptr)
    return out;
  for (const auto & mids : bundle_groups_of (offer)) {
    OfferedBundle::Group g;
    bool tagged = false;
    for (const std::string & mid : mids) {
      gint i = media_with_mid (offer, mid);
      /* A mid naming no m-line, or one an earlier group took (RFC 9143
       * 7.1: an m-line is in one group at most), is left out. */
      if (i < 0 || out.group_of ((guint) i) != nullptr
          || std::find (g.members.begin (), g.members.end (), (guint) i) != g.members.end ())
        continue;
      g.members.push_back ((guint) i);
      const GstSDPMedia *m = gst_sdp_message_get_media (offer, (guint) i);
      if (!tagged && m->port != 0 && !media_has_attribute (m, "bundle-only")) {
        g.tagged = (guint) i;
        tagged = true;
      }
    }
    /* Without an m-line carrying a transport nothing can be bundled. */
    if (tagged)
      out.groups.push_back (std::move (g));
  }
  return out;
}

OfferedBundle
read_answered_bundle (const GstSDPMessage * offer, const GstSDPMessage * answer)
{
  OfferedBundle ours = read_offered_bundle (offer, BundlePolicy::MaxBundle);
  OfferedBundle out;
  if (ours.groups.empty ())
    return out;
  for (OfferedBundle::Group g : read_offered_bundle (answer, BundlePolicy::MaxBundle).groups) {
    /* An answer groups only what the offer grouped; without its tag no
     * member has a transport. */
    if (ours.group_of (g.tagged) == nullptr)
      continue;
    g.members.erase (std::remove_if (g.members.begin (), g.members.end (),
            [&ours] (guint i) { return ours.group_of (i) == nullptr; }), g.members.end ());
    out.groups.push_back (std::move (g));
  }
  return out;
}

void
bundle_into (StreamPlan & member, const StreamPlan & transport, guint tag)
{
  member.bundle_tag = tag;
  if (member.dtls.enabled == transport.dtls.enabled)
    member.dtls = transport.dtls;
}

const SdpDocument &
OfferedBundle::normalize (const SdpDocument & offer, SdpDocument & normalized) const
{
  if (groups.empty () || offer.empty ())
    return offer;
  SdpMessagePtr copy = sdp_message_copy (offer.message ());
  for (const Group & g : groups) {
    const GstSDPMedia *tagged = gst_sdp_message_get_media (offer.message (), g.tagged);
    for (guint i : g.members) {
      if (i == g.tagged)
        continue;
      /* GstSDPMessage has no setter for a media: its array is public. */
      copy_transport (tagged, &g_array_index (copy->medias, GstSDPMedia, i));
    }
  }
  SdpError err;
  /* The copy holds what the offer held: it validates as the offer did. */
  if (!SdpDocument::from_message (copy.get (), normalized, err))
    return offer;
  return normalized;
}

void
OfferedBundle::lend_components (std::vector<guint> & components) const
{
  for (const Group & g : groups) {
    /* The pipeline's ICE elements of any member serve them all. */
    guint lent = 0;
    for (guint i : g.members)
      if (i < components.size ())
        lent = std::max (lent, components[i]);
    for (guint i : g.members) {
      if (components.size () <= i)
        components.resize (i + 1);
      if (components[i] == 0)
        components[i] = lent;
    }
  }
}

std::vector<guint>
OfferedBundle::transports (const std::vector<bool> & accepted,
    const std::vector<guint> & pipeline) const
{
  std::vector<guint> out (accepted.size (), 0);
  for (const Group & g : groups) {
    std::vector<guint> members;
    for (guint i : g.members)
      if (i < accepted.size () && accepted[i])
        members.push_back (i);
    if (members.empty ())
      continue;
    /* The transport is the stream the pipeline's nicesrc/nicesink serve
     * among them (the SDP's tag is only a name: every member announces
     * the same transport). */
    guint tag = members.front ();
    for (guint i : members)
      if (i < pipeline.size () && pipeline[i] > 0) {
        tag = i;
        break;
      }
    for (guint i : members)
      if (i != tag)
        out[i] = tag + 1;
  }
  return out;
}

std::vector<std::string>
OfferedBundle::answer_groups (const GstSDPMessage * offer,
    const std::vector<bool> & accepted) const
{
  /* The accepted members in the offer's order (its tag first, when
   * accepted); rejected ones are in no group (RFC 9143 7.3.3). */
  std::vector<std::string> out;
  for (const Group & g : groups) {
    std::string value = "BUNDLE";
    for (guint i : g.members)
      if (i < accepted.size () && accepted[i])
        value += " " + media_mid (offer, i);
    if (value != "BUNDLE")
      out.push_back (value);
  }
  return out;
}

/* The formats of m-line @i of @local as payload type numbers. */
static BundleEntry
bundle_entry (const GstSDPMessage * local, guint stream)
{
  BundleEntry e;
  e.stream = stream;
  e.mid = media_mid (local, stream - 1);
  const GstSDPMedia *m = stream <= gst_sdp_message_medias_len (local) ?
      gst_sdp_message_get_media (local, stream - 1) : nullptr;
  for (guint f = 0; m != nullptr && f < gst_sdp_media_formats_len (m); f++) {
    guint64 pt;
    if (g_ascii_string_to_unsigned (gst_sdp_media_get_format (m, f), 10, 0, 127, &pt,
            nullptr))
      e.payload_types.push_back ((guint8) pt);
  }
  return e;
}

/* The id a=extmap of @m gives the mid header extension, 0 if none. */
static guint8
mid_extension_id (const GstSDPMedia * m)
{
  for (guint n = 0; m != nullptr; n++) {
    const char *extmap = gst_sdp_media_get_attribute_val_n (m, "extmap", n);
    if (extmap == nullptr)
      break;
    guint64 id;
    gchar *end = nullptr;
    id = g_ascii_strtoull (extmap, &end, 10);
    /* "<id>[/<direction>] <uri> ..." */
    const char *uri = end ? strchr (end, ' ') : nullptr;
    if (uri != nullptr && id >= 1 && id <= 255
        && g_str_has_prefix (uri + 1, MID_EXTENSION_URI))
      return (guint8) id;
  }
  return 0;
}

std::vector<std::pair<guint, BundleRoutes>>
bundle_routes_of (const GstSDPMessage * local, const std::vector<StreamPlan> & plans)
{
  std::vector<std::pair<guint, BundleRoutes>> out;
  for (const StreamPlan & t : plans) {
    if (t.kind != StreamPlan::Kind::Ice || t.bundle_tag != 0)
      continue;
    BundleRoutes routes;
    for (const StreamPlan & p : plans)
      if (p.bundle_tag == t.stream) {
        if (routes.entries.empty ())
          routes.entries.push_back (bundle_entry (local, t.stream));
        routes.entries.push_back (bundle_entry (local, p.stream));
      }
    if (!routes.entries.empty ())
      routes.mid_extension_id = mid_extension_id (gst_sdp_message_get_media (local,
              t.stream - 1));
    out.emplace_back (t.stream, std::move (routes));
  }
  return out;
}

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bundleroute.h"

#include "packetfacts.h"

#include <gst/rtp/gstrtcpbuffer.h>
#include <gst/rtp/gstrtpbuffer.h>

namespace comedia {

bool
BundleRoutes::operator== (const BundleRoutes & o) const
{
  if (mid_extension_id != o.mid_extension_id || entries.size () != o.entries.size ())
    return false;
  for (size_t i = 0; i < entries.size (); i++)
    if (entries[i].stream != o.entries[i].stream || entries[i].mid != o.entries[i].mid
        || entries[i].payload_types != o.entries[i].payload_types)
      return false;
  return true;
}

void
BundleRouter::set_routes (const BundleRoutes & routes)
{
  routes_ = routes;
  ssrcs_.clear ();
}

void
BundleRouter::learn (guint32 ssrc, guint stream)
{
  auto it = ssrcs_.find (ssrc);
  if (it != ssrcs_.end ())
    it->second = stream;
  else if (ssrcs_.size () < kMaxSsrcs)
    ssrcs_.emplace (ssrc, stream);
}

guint
BundleRouter::stream_of_mid (const std::string & mid) const
{
  for (const BundleEntry & e : routes_.entries)
    if (!e.mid.empty () && e.mid == mid)
      return e.stream;
  return 0;
}

guint
BundleRouter::stream_of_pt (guint8 pt) const
{
  for (const BundleEntry & e : routes_.entries)
    for (guint8 p : e.payload_types)
      if (p == pt)
        return e.stream;
  return 0;
}

guint
BundleRouter::stream_of_ssrc (guint32 ssrc) const
{
  auto it = ssrcs_.find (ssrc);
  return it == ssrcs_.end () ? 0 : it->second;
}

/* The mid in @rtp's header extension @id (one- or two-byte form), "" if
 * none. */
static std::string
mid_of (GstRTPBuffer * rtp, guint8 id)
{
  gpointer data = nullptr;
  guint size = 0;
  if (id == 0)
    return "";
  /* One-byte ids are 1-14 (RFC 8285): GstRTPBuffer asserts on others. */
  bool onebyte = id < 15 && gst_rtp_buffer_get_extension_onebyte_header (rtp, id, 0, &data,
      &size);
  if (!onebyte
      && !gst_rtp_buffer_get_extension_twobytes_header (rtp, nullptr, id, 0, &data, &size))
    return "";
  return std::string (static_cast<const char *> (data), size);
}

bool
add_mid_extension (GstBuffer * buf, guint8 id, const std::string & mid)
{
  if (id < 1 || id > 14 || mid.empty () || mid.size () > 16)
    return false;
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  if (!gst_rtp_buffer_map (buf, GST_MAP_READWRITE, &rtp))
    return false;
  bool added = mid_of (&rtp, id).empty ()
      && gst_rtp_buffer_add_extension_onebyte_header (&rtp, id, mid.data (), mid.size ());
  gst_rtp_buffer_unmap (&rtp);
  return added;
}

std::string
mid_of_stream (const BundleRoutes & routes, guint stream)
{
  for (const BundleEntry & e : routes.entries)
    if (e.stream == stream)
      return e.mid;
  return "";
}

guint
BundleRouter::route_rtp (GstBuffer * buf, bool *by_mid)
{
  if (by_mid != nullptr)
    *by_mid = false;
  if (routes_.entries.empty ())
    return 0;
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  if (!gst_rtp_buffer_map (buf, GST_MAP_READ, &rtp))
    return 0;
  guint32 ssrc = gst_rtp_buffer_get_ssrc (&rtp);
  guint8 pt = gst_rtp_buffer_get_payload_type (&rtp);
  guint stream = stream_of_mid (mid_of (&rtp, routes_.mid_extension_id));
  gst_rtp_buffer_unmap (&rtp);
  if (by_mid != nullptr)
    *by_mid = stream != 0;
  /* The mid wins, and teaches the SSRC (RFC 9143 9.2); without it the
   * SSRC, then the payload type. */
  if (stream == 0)
    stream = stream_of_ssrc (ssrc);
  if (stream == 0)
    stream = stream_of_pt (pt);
  if (stream != 0)
    learn (ssrc, stream);
  return stream;
}

/* The SSRCs @packet names besides its sender: report blocks, the media
 * source of feedback. */
static void
named_ssrcs (GstRTCPPacket * packet, std::vector<guint32> & out)
{
  switch (gst_rtcp_packet_get_type (packet)) {
    case GST_RTCP_TYPE_SR:
    case GST_RTCP_TYPE_RR:
      for (guint b = 0; b < gst_rtcp_packet_get_rb_count (packet); b++) {
        guint32 ssrc;
        gst_rtcp_packet_get_rb (packet, b, &ssrc, nullptr, nullptr, nullptr, nullptr,
            nullptr, nullptr);
        out.push_back (ssrc);
      }
      break;
    case GST_RTCP_TYPE_RTPFB:
    case GST_RTCP_TYPE_PSFB:
      out.push_back (gst_rtcp_packet_fb_get_media_ssrc (packet));
      break;
    default:
      break;
  }
}

guint
BundleRouter::route_rtcp (GstBuffer * buf)
{
  guint tag = routes_.tag ();
  if (tag == 0)
    return 0;
  /* GstRTCPBuffer's walk asserts on what is not RTCP (an empty buffer, say:
   * fuzz-bundleroute); reduced-size RTCP (rtcp-rsize) is valid. */
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  if (gst_buffer_get_size (buf) == 0 || !gst_rtcp_buffer_validate_reduced (buf)
      || !gst_rtcp_buffer_map (buf, GST_MAP_READ, &rtcp))
    return tag;
  guint by_sender = 0, by_named = 0;
  std::vector<guint32> named;
  GstRTCPPacket packet;
  for (gboolean more = gst_rtcp_buffer_get_first_packet (&rtcp, &packet);
      more && by_sender == 0; more = gst_rtcp_packet_move_to_next (&packet)) {
    by_sender = stream_of_ssrc (rtcp_sender_ssrc (&packet));
    named_ssrcs (&packet, named);
  }
  gst_rtcp_buffer_unmap (&rtcp);
  for (size_t i = 0; i < named.size () && by_named == 0; i++)
    by_named = stream_of_ssrc (named[i]);
  return by_sender != 0 ? by_sender : by_named != 0 ? by_named : tag;
}

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bundlepads.h"

#include <string>

namespace comedia {

GstPad *
BundleSourcePads::request (GstPadTemplate * templ, const char * name)
{
  bool rtcp = g_str_has_prefix (GST_PAD_TEMPLATE_NAME_TEMPLATE (templ), "rtcp_");
  const char *prefix = rtcp ? "rtcp_src_" : "src_";
  guint stream = 0;
  std::lock_guard<std::mutex> guard (lock_);
  if (name != nullptr) {
    guint64 n;
    if (!g_str_has_prefix (name, prefix) || !g_ascii_string_to_unsigned (name +
            strlen (prefix), 10, 1, G_MAXUINT, &n, nullptr))
      return nullptr;
    stream = (guint) n;
  } else {
    /* The lowest stream above 1 without one. */
    for (stream = 2; pads_.count (Key (stream, rtcp)) > 0; stream++);
  }
  if (pads_.count (Key (stream, rtcp)) > 0)
    return nullptr;
  std::string pad_name = prefix + std::to_string (stream);
  GstPad *pad = gst_pad_new_from_template (templ, pad_name.c_str ());
  gst_pad_use_fixed_caps (pad);
  pads_[Key (stream, rtcp)].pad = pad;
  gst_pad_set_active (pad, TRUE);
  gst_element_add_pad (element_, pad);
  return pad;
}

void
BundleSourcePads::release (GstPad * pad)
{
  {
    std::lock_guard<std::mutex> guard (lock_);
    for (auto it = pads_.begin (); it != pads_.end (); ++it)
      if (it->second.pad == pad) {
        pads_.erase (it);
        break;
      }
  }
  gst_pad_set_active (pad, FALSE);
  gst_element_remove_pad (element_, pad);
}

bool
BundleSourcePads::has (guint stream, bool rtcp)
{
  std::lock_guard<std::mutex> guard (lock_);
  return pads_.count (Key (stream, rtcp)) > 0;
}

void
BundleSourcePads::restart ()
{
  std::lock_guard<std::mutex> guard (lock_);
  for (auto & p : pads_)
    p.second.started = false;
  group_id_ = gst_util_group_id_next ();
}

/* What @pad starts with: what downstream fixes (a capsfilter, rtpbin's RTCP
 * pad), else plain RTP or RTCP. */
static GstCaps *
start_caps (GstPad * pad, bool rtcp)
{
  GstCaps *peer = gst_pad_peer_query_caps (pad, nullptr);
  if (peer && !gst_caps_is_empty (peer) && !gst_caps_is_any (peer))
    return gst_caps_fixate (peer);
  if (peer)
    gst_caps_unref (peer);
  return gst_caps_new_empty_simple (rtcp ? "application/x-rtcp" : "application/x-rtp");
}

GstFlowReturn
BundleSourcePads::push (guint stream, bool rtcp, GstBuffer * buf)
{
  GstPad *pad = nullptr;
  bool start = false;
  guint group_id;
  {
    std::lock_guard<std::mutex> guard (lock_);
    auto it = pads_.find (Key (stream, rtcp));
    if (it != pads_.end ()) {
      pad = GST_PAD (gst_object_ref (it->second.pad));
      start = !it->second.started;
      it->second.started = true;
    }
    group_id = group_id_;
  }
  if (pad == nullptr) {
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  if (start) {
    gchar *id = gst_pad_create_stream_id_printf (pad, element_, "bundle-%s%u",
        rtcp ? "rtcp-" : "", stream);
    GstEvent *event = gst_event_new_stream_start (id);
    gst_event_set_group_id (event, group_id);
    g_free (id);
    gst_pad_push_event (pad, event);
    GstCaps *caps = start_caps (pad, rtcp);
    gst_pad_push_event (pad, gst_event_new_caps (caps));
    gst_caps_unref (caps);
    GstSegment segment;
    gst_segment_init (&segment, GST_FORMAT_TIME);
    gst_pad_push_event (pad, gst_event_new_segment (&segment));
  }
  GstFlowReturn ret = gst_pad_push (pad, buf);
  gst_object_unref (pad);
  return ret == GST_FLOW_NOT_LINKED || ret == GST_FLOW_FLUSHING ? GST_FLOW_OK : ret;
}

}  // namespace comedia

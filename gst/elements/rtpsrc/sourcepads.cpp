/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "sourcepads.h"

/* comedia-rtpsrc's category: these are its pads. */
GST_DEBUG_CATEGORY_EXTERN (comedia_rtp_src_debug);
#define GST_CAT_DEFAULT comedia_rtp_src_debug

namespace comedia {

static gboolean
src_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  /* A live network source: nothing to seek, nothing to renegotiate. */
  gboolean handled = GST_EVENT_TYPE (event) != GST_EVENT_SEEK;
  gst_event_unref (event);
  return handled;
}

SourcePads::SourcePads (GstElement *element,
    GstStaticPadTemplate *src_template, GstStaticPadTemplate *rtcp_template,
    GstPadQueryFunction query)
  : element_ (element), rtcp_template_ (rtcp_template)
{
  src_ = gst_pad_new_from_static_template (src_template, "src");
  gst_pad_set_query_function (src_, query);
  gst_pad_set_event_function (src_, src_event);
  gst_element_add_pad (element_, src_);
}

/* The sticky events that open a stream on @pad. */
void
SourcePads::start_pad (GstPad *pad, GstCaps *caps, const char *stream_name,
    guint group_id)
{
  gchar *stream_id = gst_pad_create_stream_id (pad, element_, stream_name);
  GstEvent *event = gst_event_new_stream_start (stream_id);
  gst_event_set_group_id (event, group_id);
  gst_pad_push_event (pad, event);
  g_free (stream_id);
  gst_pad_push_event (pad, gst_event_new_caps (caps));
  GstSegment segment;
  gst_segment_init (&segment, GST_FORMAT_TIME);
  gst_pad_push_event (pad, gst_event_new_segment (&segment));
}

void
SourcePads::start (GstCaps *caps, bool rtcp)
{
  guint group_id = gst_util_group_id_next ();
  /* Named when the element has other source pads (comedia-dtlssrtpdec's
   * BUNDLE pads): GStreamer asks for it then. */
  start_pad (src_, caps, element_->numsrcpads > 1 ? "rtp" : nullptr, group_id);
  if (!rtcp)
    return;
  if (!rtcp_) {
    rtcp_ = gst_pad_new_from_static_template (rtcp_template_, "rtcp_src");
    gst_pad_use_fixed_caps (rtcp_);
    gst_pad_set_event_function (rtcp_, src_event);
    gst_pad_set_active (rtcp_, TRUE);
    gst_element_add_pad (element_, rtcp_);
  }
  GstCaps *rtcp_caps = gst_caps_new_empty_simple ("application/x-rtcp");
  start_pad (rtcp_, rtcp_caps, "rtcp", group_id);
  gst_caps_unref (rtcp_caps);
}

void
SourcePads::remove_rtcp ()
{
  if (!rtcp_)
    return;
  gst_pad_set_active (rtcp_, FALSE);
  gst_element_remove_pad (element_, rtcp_);
  rtcp_ = nullptr;
}

GstClockTime
SourcePads::running_time () const
{
  GstClock *clock = gst_element_get_clock (element_);
  if (!clock)
    return GST_CLOCK_TIME_NONE;
  GstClockTime now = gst_clock_get_time (clock);
  GstClockTime base = gst_element_get_base_time (element_);
  gst_object_unref (clock);
  return now > base ? now - base : 0;
}

/* One buffer alone, more as a buffer list. */
GstFlowReturn
SourcePads::push (GstPad *pad, std::vector<GstBuffer *> &bufs)
{
  GstFlowReturn ret;
  if (G_UNLIKELY (stopped_)) {
    for (GstBuffer *b : bufs)
      gst_buffer_unref (b);
    ret = GST_FLOW_EOS;
  } else if (bufs.size () == 1) {
    ret = gst_pad_push (pad, bufs[0]);
  } else {
    GstBufferList *list = gst_buffer_list_new_sized (bufs.size ());
    for (GstBuffer *b : bufs)
      gst_buffer_list_add (list, b);
    ret = gst_pad_push_list (pad, list);
  }
  bufs.clear ();
  return ret;
}

void
SourcePads::push_eos ()
{
  gst_pad_push_event (src_, gst_event_new_eos ());
  if (rtcp_)
    gst_pad_push_event (rtcp_, gst_event_new_eos ());
}

/* What a GstBaseSrc does when downstream refuses: EOS ends the stream, an
 * error (not-linked included) is posted; either way nothing more is read.
 * Flushing means the element is stopping: the packets are dropped. */
bool
SourcePads::deliver (Side side, std::vector<GstBuffer *> &bufs)
{
  if (bufs.empty ())
    return false;
  GstPad *pad = this->pad (side);
  GstFlowReturn ret = push (pad, bufs);
  if (G_LIKELY (ret == GST_FLOW_OK) || ret == GST_FLOW_FLUSHING || stopped_)
    return false;
  if (pad == rtcp_ && ret == GST_FLOW_NOT_LINKED)
    return false;   /* muxed RTCP nobody asked for */
  GST_DEBUG_OBJECT (element_, "%s: push returned %s, stopping",
      GST_PAD_NAME (pad), gst_flow_get_name (ret));
  if (ret != GST_FLOW_EOS)
    GST_ELEMENT_FLOW_ERROR (element_, ret);
  push_eos ();
  stopped_ = true;
  return true;
}

}  // namespace comedia

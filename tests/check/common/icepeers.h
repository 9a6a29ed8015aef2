/* Pipelines of sdp-negotiator with nicesrc/nicesink, as the ICE element
 * tests launch them on loopback: making them, their messages, and RTP
 * through appsrc -> nicesink ... nicesrc -> appsink.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/check/gstcheck.h>
#include <gst/sdp/sdp.h>

#include <string>

#define VP8_CAPS "application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"

static inline GstElement *
launch (const std::string & line)
{
  GError *err = nullptr;
  GstElement *p = gst_parse_launch (line.c_str (), &err);
  fail_unless (p != nullptr && err == nullptr, "%s: %s", line.c_str (),
      err ? err->message : "");
  return p;
}

static inline GstElement *
by_name (GstElement * pipeline, const char *name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), name);
  fail_unless (e != nullptr, "no element %s", name);
  gst_object_unref (e);         /* the pipeline keeps it */
  return e;
}

/* Waits up to @ms for a message @match accepts; the messages before it
 * are shown to @match and dropped. */
template <typename Match>
static GstMessage *
wait_message (GstElement * pipeline, guint ms, Match match)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 end = g_get_monotonic_time () + ms * (gint64) 1000;
  GstMessage *found = nullptr;
  while (!found) {
    gint64 left = end - g_get_monotonic_time ();
    if (left <= 0)
      break;
    GstMessage *m = gst_bus_timed_pop (bus, left * GST_USECOND);
    if (m == nullptr)
      break;
    if (match (m))
      found = m;
    else
      gst_message_unref (m);
  }
  gst_object_unref (bus);
  return found;
}

static inline bool
is_element_message (GstMessage * m, const char *name)
{
  return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT && gst_message_has_name (m, name);
}

static inline std::string
error_text (GstMessage * m)
{
  GError *err = nullptr;
  gst_message_parse_error (m, &err, nullptr);
  std::string out = err->message;
  g_error_free (err);
  return out;
}

static inline GstSDPMessage *
sdp_from (const std::string & text)
{
  GstSDPMessage *msg = nullptr;
  fail_unless (gst_sdp_message_new_from_text (text.c_str (), &msg) == GST_SDP_OK);
  return msg;
}

static inline std::string
sdp_text (const GstSDPMessage * msg)
{
  gchar *t = gst_sdp_message_as_text (msg);
  std::string out = t;
  g_free (t);
  return out;
}

/* Pushes RTP into @from's appsrc "in" until @to's appsink "out" gets it,
 * unchanged, up to 5 s. */
static inline bool
rtp_flows (GstElement * from, GstElement * to)
{
  GstAppSrc *in = GST_APP_SRC (by_name (from, "in"));
  GstAppSink *out = GST_APP_SINK (by_name (to, "out"));
  const guint8 packet[] = { 0x80, 96, 0, 1, 0, 0, 0, 1, 0x12, 0x34, 0x56, 0x78,
    'h', 'e', 'l', 'l', 'o' };
  for (int i = 0; i < 50; i++) {
    gst_app_src_push_buffer (in, gst_buffer_new_memdup (packet, sizeof packet));
    GstSample *s = gst_app_sink_try_pull_sample (out, 100 * GST_MSECOND);
    if (s) {
      GstBuffer *b = gst_sample_get_buffer (s);
      bool same = gst_buffer_get_size (b) == sizeof packet
          && gst_buffer_memcmp (b, 0, packet, sizeof packet) == 0;
      gst_sample_unref (s);
      return same;
    }
  }
  return false;
}

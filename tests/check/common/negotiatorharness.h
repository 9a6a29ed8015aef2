/* sdp-negotiator in a GstHarness, as the element tests drive it: SDP text
 * in on its sink pad, out on its source pad, its messages on a bus of its
 * own.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#include <string>

/* The element @desc ("sdp-negotiator session=s role=offerer ...", as
 * gst-launch takes it) in a harness, playing, with stream-start, caps and
 * segment sent as filesrc or tcpclientsrc send them; its bus in *@bus. */
static inline GstHarness *
negotiator_harness_new (const std::string & desc, GstBus ** bus)
{
  GError *err = nullptr;
  GstElement *e = gst_parse_launch (desc.c_str (), &err);
  fail_unless (e != nullptr, "%s", err ? err->message : "?");
  GstHarness *h = gst_harness_new_with_element (e, "sink", "src");
  gst_object_unref (e);
  *bus = gst_bus_new ();
  gst_element_set_bus (h->element, *bus);
  gst_harness_play (h);
  gst_harness_set_src_caps_str (h, "application/sdp");
  return h;
}

static inline void
negotiator_harness_free (GstHarness * h, GstBus * bus)
{
  /* Queued messages hold the element, which holds the bus: drop them. */
  gst_bus_set_flushing (bus, TRUE);
  gst_harness_teardown (h);
  gst_object_unref (bus);
}

/* Pushes @text in @chunk-byte buffers, as `filesrc blocksize=N` would;
 * returns the first flow that is not OK. */
static inline GstFlowReturn
push_text (GstHarness * h, const std::string & text, gsize chunk)
{
  for (gsize pos = 0; pos < text.size (); pos += chunk) {
    gsize len = MIN (chunk, text.size () - pos);
    GstFlowReturn ret = gst_harness_push (h,
        gst_buffer_new_memdup (text.data () + pos, len));
    if (ret != GST_FLOW_OK)
      return ret;
  }
  return GST_FLOW_OK;
}

/* @buf's bytes as text; takes @buf. */
static inline std::string
take_buffer_text (GstBuffer * buf)
{
  GstMapInfo map;
  gst_buffer_map (buf, &map, GST_MAP_READ);
  std::string out ((const char *) map.data, map.size);
  gst_buffer_unmap (buf, &map);
  gst_buffer_unref (buf);
  return out;
}

/* The next message on the source pad, "" if none is there. */
static inline std::string
pull_text (GstHarness * h)
{
  GstBuffer *buf = gst_harness_try_pull (h);
  return buf ? take_buffer_text (buf) : "";
}

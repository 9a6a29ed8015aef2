/* comedia-bench: bench-feed, the same source for every sink of the send
 * part.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element-bench.h"

#include <algorithm>

namespace elementbench {

G_DEFINE_TYPE (BenchFeed, bench_feed, GST_TYPE_PUSH_SRC);

/* Hands out references to prepared RTP buffers: what is measured is the
 * sink, so the source costs as little as possible, and the same for all. */
GstFlowReturn
bench_feed_create (GstPushSrc * src, GstBuffer ** buf)
{
  BenchFeed *self = (BenchFeed *) src;
  if (self->done >= self->count)
    return GST_FLOW_EOS;
  if (!self->first_us)
    self->first_us = now_us ();
  std::vector<GstBuffer *> &ring = *self->ring;
  if (self->list_size == 0) {
    *buf = gst_buffer_ref (ring[self->done++ % ring.size ()]);
    return GST_FLOW_OK;
  }
  guint n = (guint) std::min<guint64> (self->list_size, self->count - self->done);
  GstBufferList *list = gst_buffer_list_new_sized (n);
  for (guint i = 0; i < n; i++)
    gst_buffer_list_add (list, gst_buffer_ref (ring[self->done++ % ring.size ()]));
  gst_base_src_submit_buffer_list (GST_BASE_SRC (src), list);
  *buf = nullptr;
  return GST_FLOW_OK;
}

void
bench_feed_class_init (BenchFeedClass * klass)
{
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass),
      "bench feed", "Source", "Prepared RTP buffers for comedia-bench",
      "comedia developers");
  static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
      GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/x-rtp"));
  gst_element_class_add_static_pad_template (GST_ELEMENT_CLASS (klass),
      &src_template);
  GST_PUSH_SRC_CLASS (klass)->create = bench_feed_create;
}

void
bench_feed_init (BenchFeed * self)
{
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
}

}  // namespace elementbench

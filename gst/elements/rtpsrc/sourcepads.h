/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The pads of comedia-rtpsrc, a live source pushed from a receive thread
 * instead of a task of its own: what a GstBaseSrc does around create().
 * The always pad src, and with rtcp-mux the sometimes pad rtcp_src; the
 * sticky events that open their streams; pushes of a buffer or a buffer
 * list; EOS; flow returns handled as GstBaseSrc handles them. */

#include <gst/gst.h>

#include "packetdispatch.h"

#include <vector>

namespace comedia {

class SourcePads {
 public:
  /* Adds src (answering queries with @query) to @element; rtcp_src comes
   * from @rtcp_template when a stream starts with RTCP. */
  SourcePads (GstElement *element, GstStaticPadTemplate *src_template,
      GstStaticPadTemplate *rtcp_template, GstPadQueryFunction query);

  GstPad *pad (Side side) const { return side == Side::ReadComponent ? src_ : rtcp_; }

  /* READY->PAUSED, before the first buffer: stream-start, caps (@caps on
   * src) and segment, and with @rtcp the same on rtcp_src, added now. */
  void start (GstCaps *caps, bool rtcp);
  /* PAUSED->READY: rtcp_src goes. */
  void remove_rtcp ();

  /* Pushes @bufs (owned, in order; emptied) on the side's pad.  Returns
   * true when that ended the stream: downstream returned EOS or an error
   * (posted), EOS went out, and nothing more is to be read. */
  bool deliver (Side side, std::vector<GstBuffer *> &bufs);
  void push_eos ();

  /* After EOS or a fatal error, until restarted from READY. */
  bool stopped () const { return stopped_; }
  void set_stopped (bool stopped) { stopped_ = stopped; }

  /* The element's running time now: the PTS of what arrives now. */
  GstClockTime running_time () const;

 private:
  GstFlowReturn push (GstPad *pad, std::vector<GstBuffer *> &bufs);
  void start_pad (GstPad *pad, GstCaps *caps, const char *stream_name,
      guint group_id);

  GstElement *element_;
  GstStaticPadTemplate *rtcp_template_;
  GstPad *src_ = nullptr;
  GstPad *rtcp_ = nullptr;
  bool stopped_ = false;   /* receive thread, and READY->PAUSED */
};

}  // namespace comedia

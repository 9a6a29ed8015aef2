/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* comedia-dtlssrtpdec's request pads for BUNDLE (RFC 9143): src_%u and
 * rtcp_src_%u carry the decrypted RTP and RTCP of bundled stream %u (the
 * sdp-negotiator's stream number), which one ICE transport brought.  Each
 * opens its stream (stream-start, caps, segment) with its first buffer. */

#include <gst/gst.h>

#include <map>
#include <mutex>
#include <utility>

namespace comedia {

class BundleSourcePads {
 public:
  explicit BundleSourcePads (GstElement * element) : element_ (element) {}

  /* From request_new_pad: "src_%u" or "rtcp_src_%u" with a stream number
   * (@name, or the lowest free one); NULL if taken or malformed. */
  GstPad *request (GstPadTemplate * templ, const char * name);
  void release (GstPad * pad);

  /* Whether stream @stream has a pad for RTP (or RTCP when @rtcp). */
  bool has (guint stream, bool rtcp);
  /* Pushes @buf (owned) on that pad, dropped if there is none.  A pad's
   * NOT_LINKED or FLUSHING is its own: OK for the element. */
  GstFlowReturn push (guint stream, bool rtcp, GstBuffer * buf);
  /* READY->PAUSED: every pad opens its stream again. */
  void restart ();

 private:
  struct Out {
    GstPad *pad = nullptr;
    bool started = false;
  };
  using Key = std::pair<guint, bool>;   /* stream, rtcp */

  GstElement *element_;
  std::mutex lock_;                     /* guards pads_ */
  std::map<Key, Out> pads_;
  guint group_id_ = 0;
};

}  // namespace comedia

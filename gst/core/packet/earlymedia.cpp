/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "earlymedia.h"

namespace comedia {

size_t
EarlyMediaHold::expire (gint64 now)
{
  size_t dropped = 0;
  while (!held_.empty () && now - held_.front ().at > max_age_us_) {
    gst_buffer_unref (held_.front ().buf);
    held_.pop_front ();
    dropped++;
  }
  return dropped;
}

size_t
EarlyMediaHold::hold (GstBuffer * buf, gint64 now)
{
  size_t dropped = expire (now);
  if (max_packets_ == 0) {
    gst_buffer_unref (buf);
    return dropped + 1;
  }
  while (held_.size () >= max_packets_) {
    gst_buffer_unref (held_.front ().buf);
    held_.pop_front ();
    dropped++;
  }
  held_.push_back ({buf, now});
  return dropped;
}

std::vector<GstBuffer *>
EarlyMediaHold::release (gint64 now, size_t * expired)
{
  size_t old = expire (now);
  if (expired)
    *expired = old;
  std::vector<GstBuffer *> out;
  out.reserve (held_.size ());
  for (const Held & h : held_)
    out.push_back (h.buf);
  held_.clear ();
  return out;
}

void
EarlyMediaHold::clear ()
{
  for (const Held & h : held_)
    gst_buffer_unref (h.buf);
  held_.clear ();
}

}  // namespace comedia

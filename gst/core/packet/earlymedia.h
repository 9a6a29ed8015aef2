/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* SRTP that arrives before the DTLS handshake gave its key, held a short
 * while instead of dropped.  A browser sends media the moment its own side
 * of the handshake ends, which is before ours when it is the client: its
 * first packets (Chromium's first video key frame among them) would
 * otherwise be lost, and the picture waits for a PLI.  Bounded by count
 * and age: what is held is not authenticated yet (it is once released,
 * like any packet), and a peer whose handshake never ends must not keep
 * memory.  Plain C++ over GstBuffer references; one thread. */

#include <gst/gst.h>

#include <deque>
#include <vector>

namespace comedia {

class EarlyMediaHold {
 public:
  static constexpr size_t DEFAULT_MAX_PACKETS = 128;
  static constexpr gint64 DEFAULT_MAX_AGE_US = 2 * G_USEC_PER_SEC;

  explicit EarlyMediaHold (size_t max_packets = DEFAULT_MAX_PACKETS,
      gint64 max_age_us = DEFAULT_MAX_AGE_US)
    : max_packets_ (max_packets), max_age_us_ (max_age_us) {}
  ~EarlyMediaHold () { clear (); }
  EarlyMediaHold (const EarlyMediaHold &) = delete;
  EarlyMediaHold &operator= (const EarlyMediaHold &) = delete;

  /* Takes @buf (its reference) at @now; the oldest goes when the hold is
   * full or too old.  Returns how many were dropped to make room. */
  size_t hold (GstBuffer *buf, gint64 now);
  /* The keys came: what is held and young enough, oldest first (the
   * caller owns the references); *@expired counts those too old. */
  std::vector<GstBuffer *> release (gint64 now, size_t *expired);
  size_t size () const { return held_.size (); }
  bool empty () const { return held_.empty (); }
  /* Drops everything (a stop, a new handshake). */
  void clear ();

 private:
  struct Held {
    GstBuffer *buf;
    gint64 at;
  };
  size_t expire (gint64 now);

  size_t max_packets_;
  gint64 max_age_us_;
  std::deque<Held> held_;
};

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <cstdint>

namespace comedia {

/* Lets something frequent through at most once per interval: the first
 * event, then the first one an interval after the last let through.  For
 * per-packet reports (a flood of rubbish must not flood the bus) and
 * per-packet work that once in a while is enough.  Not thread-safe: one
 * streaming thread uses it. */
class RateLimit {
 public:
  explicit RateLimit (int64_t interval_us) : interval_us_ (interval_us) {}

  /* @events (one by default) at @now_us (monotonic); true if they are let
   * through.  count() then tells how many events that stands for: these
   * and those held back since the last ones let through. */
  bool allow (int64_t now_us, uint64_t events = 1);
  uint64_t count () const { return count_; }

 private:
  int64_t interval_us_;
  int64_t last_us_ = 0;
  bool any_ = false;
  uint64_t held_back_ = 0;
  uint64_t count_ = 0;
};

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ratelimit.h"

namespace comedia {

bool
RateLimit::allow (int64_t now_us, uint64_t events)
{
  if (any_ && now_us - last_us_ < interval_us_) {
    held_back_ += events;
    return false;
  }
  any_ = true;
  last_us_ = now_us;
  count_ = held_back_ + events;
  held_back_ = 0;
  return true;
}

}  // namespace comedia

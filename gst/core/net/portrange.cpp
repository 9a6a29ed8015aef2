/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "portrange.h"

namespace comedia {

bool
PortRange::make (unsigned min, unsigned max, PortRange & out, std::string & error)
{
  if (min == 0 && max == 0) {
    out = PortRange ();
    return true;
  }
  std::string given = "min-port=" + std::to_string (min) + " max-port="
      + std::to_string (max);
  if (min == 0 || max == 0) {
    error = given + ": set both or neither";
    return false;
  }
  if (min > 65535 || max > 65535) {
    error = given + ": a port is at most 65535";
    return false;
  }
  if (min > max) {
    error = given + ": min-port is above max-port";
    return false;
  }
  PortRange r;
  r.min_ = (uint16_t) min;
  r.max_ = (uint16_t) max;
  if (r.pairs () == 0) {
    error = given + ": the range holds no even/odd port pair (RTP even, RTCP "
        "the odd port above it)";
    return false;
  }
  out = r;
  return true;
}

unsigned
PortRange::pairs () const
{
  if (any ())
    return 0;
  unsigned first = first_pair ();
  return first + 1 > max_ ? 0 : (max_ - first + 1) / 2;
}

std::string
PortRange::text () const
{
  if (any ())
    return "any port";
  return std::to_string (min_) + "-" + std::to_string (max_);
}

uint16_t
PortAllocator::next_pair (const PortRange & range,
    const std::set<uint16_t> & refused) const
{
  unsigned n = range.pairs ();
  if (n == 0)
    return 0;
  unsigned first = range.first_pair ();
  /* Start after the last pair handed out if it is in this range. */
  unsigned start = 0;
  if (range.contains (last_) && (last_ & 1) == 0)
    start = (last_ - first) / 2 + 1;
  for (unsigned i = 0; i < n; i++) {
    uint16_t even = (uint16_t) (first + 2 * ((start + i) % n));
    if (!held (even) && refused.count (even) == 0)
      return even;
  }
  return 0;
}

void
PortAllocator::hold (uint16_t even_port)
{
  held_.insert (even_port);
  last_ = even_port;
}

void
PortAllocator::release (uint16_t even_port)
{
  held_.erase (even_port);
}

unsigned
PortAllocator::pairs_in_use (const PortRange & range,
    const std::set<uint16_t> & refused) const
{
  unsigned n = 0;
  for (unsigned i = 0; i < range.pairs (); i++) {
    uint16_t even = (uint16_t) (range.first_pair () + 2 * i);
    n += held (even) || refused.count (even) > 0;
  }
  return n;
}

std::string
PortAllocator::full_message (const PortRange & range, unsigned in_use)
{
  return "no free port pair in " + range.text () + ": " + std::to_string (in_use)
      + (in_use == 1 ? " pair" : " pairs") + " in use";
}

}  // namespace comedia

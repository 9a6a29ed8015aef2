/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The UDP port range a deployment's firewall opens (min-port/max-port of
 * comedia-rtpsrc and sdp-negotiator), and which ports of it to bind next.
 * Ports go by pairs, RTP on the even port and RTCP on the odd one above it
 * (RFC 3550 11), as rtpengine, Kurento and Asterisk hand them out: a
 * stream's RTCP port stays free for it even when rtcp-mux leaves it
 * unused. */

#include <cstdint>
#include <set>
#include <string>

namespace comedia {

class PortRange {
 public:
  /* No range: the kernel's choice of an ephemeral port. */
  PortRange () = default;

  /* From the two properties: 0 and 0 is no range; otherwise both are set,
   * min <= max and the range holds at least one even/odd pair.  False with
   * @error (naming the values) if not. */
  static bool make (unsigned min, unsigned max, PortRange & out,
      std::string & error);

  bool any () const { return min_ == 0; }
  uint16_t min () const { return min_; }
  uint16_t max () const { return max_; }
  bool contains (unsigned port) const { return !any () && port >= min_ && port <= max_; }
  /* The even/odd pairs inside the range, and the first one's even port. */
  unsigned pairs () const;
  unsigned first_pair () const { return (min_ + 1u) & ~1u; }
  /* "40000-40009", or "any port". */
  std::string text () const;

  bool operator== (const PortRange & o) const { return min_ == o.min_ && max_ == o.max_; }

 private:
  uint16_t min_ = 0, max_ = 0;
};

/* The pairs a process holds and where the next search starts: one per
 * process, kept by the caller (the runtime's), under its own lock.  Not
 * thread-safe.  Ports are known by the even port of their pair. */
class PortAllocator {
 public:
  /* The even port of the next pair of @range to try: neither held nor in
   * @refused (pairs the kernel refused in this search, taken by another
   * process), starting after the last one handed out so that a pair just
   * released is reused last (late packets of its call find nobody).  0
   * when the range is full. */
  uint16_t next_pair (const PortRange & range, const std::set<uint16_t> & refused) const;
  /* The pair of @even_port is bound / closed. */
  void hold (uint16_t even_port);
  void release (uint16_t even_port);
  bool held (uint16_t even_port) const { return held_.count (even_port) > 0; }
  /* Pairs of @range that are held, or in @refused. */
  unsigned pairs_in_use (const PortRange & range,
      const std::set<uint16_t> & refused = std::set<uint16_t> ()) const;

  /* The error of a full range: "no free port pair in 40000-40009: 5 pairs
   * in use". */
  static std::string full_message (const PortRange & range, unsigned in_use);

 private:
  std::set<uint16_t> held_;
  uint16_t last_ = 0;   /* the even port last handed out (held) */
};

}  // namespace comedia

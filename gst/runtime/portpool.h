/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The process's UDP ports: binding a component's socket at a given port,
 * or at one of a min-port/max-port range through the process-wide
 * PortAllocator (core/net/portrange.h), so that two sessions of one
 * process never pick the same pair and a stream's RTCP port waits for it
 * beside its RTP port. */

#include "portrange.h"

#include <gio/gio.h>

#include <cstdint>
#include <memory>

namespace comedia {

/* A pair of the process's pool, held while the lease lives. */
class PortLease {
 public:
  explicit PortLease (uint16_t even_port) : even_port_ (even_port) {}
  ~PortLease ();
  PortLease (const PortLease &) = delete;
  PortLease &operator= (const PortLease &) = delete;

  uint16_t even_port () const { return even_port_; }

 private:
  uint16_t even_port_;
};

/* A UDP socket bound to @inet:@port (0: the kernel's choice), without
 * address reuse: two sockets on one port would split the peer's packets
 * between them. */
GSocket *bind_udp (GInetAddress * inet, uint16_t port, GError ** error);

/* A UDP socket bound to @inet at a port of @range, which is not "any":
 * component 1 (RTP) the even port of a pair, component 2 (RTCP) the odd
 * one.  @stream_pair: the pair the stream's other component took, or
 * NULL: its port is tried first.  A new pair's lease is put in @made
 * (left empty when @stream_pair served); the caller keeps it as long as
 * the socket.  Pairs the kernel refuses (another process has them) are
 * skipped.  A
 * full range fails with G_IO_ERROR_ADDRESS_IN_USE and "no free port pair
 * in 40000-40009: 5 pairs in use". */
GSocket *bind_in_range (GInetAddress * inet, const PortRange & range,
    unsigned component, const PortLease * stream_pair,
    std::unique_ptr<PortLease> & made, GError ** error);

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "portpool.h"

#include <mutex>
#include <set>

namespace comedia {

namespace {

/* The process's pairs: never destroyed, so that a lease released at
 * process exit still finds it. */
struct ProcessPorts {
  std::mutex lock;
  PortAllocator pairs;   /* guarded by lock */
};

ProcessPorts &
process_ports ()
{
  static ProcessPorts &ports = *new ProcessPorts ();
  return ports;
}

}  // namespace

PortLease::~PortLease ()
{
  ProcessPorts &ports = process_ports ();
  std::lock_guard<std::mutex> guard (ports.lock);
  ports.pairs.release (even_port_);
}

GSocket *
bind_udp (GInetAddress * inet, uint16_t port, GError ** error)
{
  GSocket *socket = g_socket_new (g_inet_address_get_family (inet),
      G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (!socket)
    return nullptr;
  GSocketAddress *addr = g_inet_socket_address_new (inet, port);
  gboolean ok = g_socket_bind (socket, addr, FALSE, error);
  g_object_unref (addr);
  if (!ok)
    g_clear_object (&socket);
  return socket;
}

GSocket *
bind_in_range (GInetAddress * inet, const PortRange & range, unsigned component,
    const PortLease * stream_pair, std::unique_ptr<PortLease> & made,
    GError ** error)
{
  unsigned odd = component == 2 ? 1 : 0;
  /* The stream's own pair first: RTCP beside its RTP port. */
  if (stream_pair && range.contains (stream_pair->even_port ())) {
    GSocket *socket = bind_udp (inet, (uint16_t) (stream_pair->even_port () + odd),
        nullptr);
    if (socket)
      return socket;
  }

  ProcessPorts &ports = process_ports ();
  GSocket *socket = nullptr;
  uint16_t even = 0;
  {
    std::lock_guard<std::mutex> guard (ports.lock);
    std::set<uint16_t> refused;
    while (socket == nullptr) {
      even = ports.pairs.next_pair (range, refused);
      if (even == 0) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE, "%s",
            PortAllocator::full_message (range,
                ports.pairs.pairs_in_use (range, refused)).c_str ());
        return nullptr;
      }
      GError *err = nullptr;
      socket = bind_udp (inet, (uint16_t) (even + odd), &err);
      if (socket) {
        ports.pairs.hold (even);
      } else if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE)) {
        g_clear_error (&err);
        refused.insert (even);
      } else {
        g_propagate_error (error, err);
        return nullptr;
      }
    }
  }
  /* Outside the lock: a lease @made held before releases under it. */
  made.reset (new PortLease (even));
  return socket;
}

}  // namespace comedia

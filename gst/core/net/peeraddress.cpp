/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "peeraddress.h"
#include "netaddress.h"

#include <cstring>

namespace comedia {

PeerAddress
PeerAddress::ipv4 (const std::array<uint8_t, 4> &bytes, uint16_t port)
{
  PeerAddress a;
  a.family = Family::IPv4;
  std::memcpy (a.ip.data (), bytes.data (), 4);
  a.port = port;
  return a;
}

PeerAddress
PeerAddress::ipv6 (const std::array<uint8_t, 16> &bytes, uint16_t port)
{
  if (is_ipv4_mapped (bytes.data ()))
    return ipv4 ({ bytes[12], bytes[13], bytes[14], bytes[15] }, port);

  PeerAddress a;
  a.family = Family::IPv6;
  a.ip = bytes;
  a.port = port;
  return a;
}

PeerAddress
PeerAddress::from_inet (GInetAddress *inet, uint16_t port)
{
  const guint8 *bytes = g_inet_address_to_bytes (inet);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV4)
    return ipv4 ({ bytes[0], bytes[1], bytes[2], bytes[3] }, port);
  std::array<uint8_t, 16> b;
  std::memcpy (b.data (), bytes, 16);
  return ipv6 (b, port);
}

bool
PeerAddress::parse (const std::string &ip, uint16_t port, PeerAddress &out)
{
  GInetAddress *inet = g_inet_address_new_from_string (ip.c_str ());
  if (!inet)
    return false;
  out = from_inet (inet, port);
  g_object_unref (inet);
  return true;
}

bool
PeerAddress::same_ip (const PeerAddress &other) const
{
  if (family != other.family)
    return false;
  size_t len = family == Family::IPv4 ? 4 : 16;
  return std::memcmp (ip.data (), other.ip.data (), len) == 0;
}

std::string
PeerAddress::ip_string () const
{
  if (family == Family::None)
    return "";
  GInetAddress *inet = g_inet_address_new_from_bytes (ip.data (),
      family == Family::IPv4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
  gchar *s = g_inet_address_to_string (inet);
  std::string ret (s);
  g_free (s);
  g_object_unref (inet);
  return ret;
}

std::string
PeerAddress::to_string () const
{
  if (family == Family::None)
    return "(none)";
  if (family == Family::IPv6)
    return "[" + ip_string () + "]:" + std::to_string (port);
  return ip_string () + ":" + std::to_string (port);
}

bool
peer_address_from_gsocket (GSocketAddress *addr, PeerAddress &out)
{
  if (!addr || !G_IS_INET_SOCKET_ADDRESS (addr))
    return false;
  GInetSocketAddress *isa = G_INET_SOCKET_ADDRESS (addr);
  out = PeerAddress::from_inet (g_inet_socket_address_get_address (isa),
      g_inet_socket_address_get_port (isa));
  return true;
}

GSocketAddress *
gsocket_address_from_peer (const PeerAddress &peer)
{
  if (!peer.valid ())
    return nullptr;
  GInetAddress *inet = g_inet_address_new_from_bytes (peer.ip.data (),
      peer.family == PeerAddress::Family::IPv4 ? G_SOCKET_FAMILY_IPV4 :
      G_SOCKET_FAMILY_IPV6);
  GSocketAddress *addr = g_inet_socket_address_new (inet, peer.port);
  g_object_unref (inet);
  return addr;
}

}  // namespace comedia

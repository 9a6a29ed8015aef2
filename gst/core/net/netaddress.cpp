/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "netaddress.h"

#include <cstring>

namespace comedia {

namespace {

constexpr guint8 V4_MAPPED_PREFIX[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
/* The discard port (RFC 863) of a documentation address (RFC 5737, RFC
 * 3849), routed like a global one: where default_route_address() aims. */
constexpr guint16 DISCARD_PORT = 9;

}  // namespace

bool
is_ipv4_mapped (const guint8 * ip6)
{
  return memcmp (ip6, V4_MAPPED_PREFIX, sizeof V4_MAPPED_PREFIX) == 0;
}

GInetAddress *
inet_address_unmapped (GInetAddress * address)
{
  const guint8 *b = g_inet_address_to_bytes (address);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 && is_ipv4_mapped (b))
    return g_inet_address_new_from_bytes (b + sizeof V4_MAPPED_PREFIX, G_SOCKET_FAMILY_IPV4);
  return G_INET_ADDRESS (g_object_ref (address));
}

GSocketAddress *
address_for_socket (GSocket * socket, GSocketAddress * addr)
{
  if (!socket || !G_IS_INET_SOCKET_ADDRESS (addr) ||
      g_socket_get_family (socket) != G_SOCKET_FAMILY_IPV6 ||
      g_socket_address_get_family (addr) != G_SOCKET_FAMILY_IPV4)
    return G_SOCKET_ADDRESS (g_object_ref (addr));

  GInetSocketAddress *isa = G_INET_SOCKET_ADDRESS (addr);
  guint8 mapped[16];
  memcpy (mapped, V4_MAPPED_PREFIX, sizeof V4_MAPPED_PREFIX);
  memcpy (mapped + sizeof V4_MAPPED_PREFIX,
      g_inet_address_to_bytes (g_inet_socket_address_get_address (isa)), 4);
  GInetAddress *inet = g_inet_address_new_from_bytes (mapped, G_SOCKET_FAMILY_IPV6);
  GSocketAddress *out = g_inet_socket_address_new (inet,
      g_inet_socket_address_get_port (isa));
  g_object_unref (inet);
  return out;
}

std::string
inet_address_text (GInetAddress * address)
{
  gchar *s = g_inet_address_to_string (address);
  std::string out (s);
  g_free (s);
  return out;
}

bool
is_ip_address (const std::string & s)
{
  return g_hostname_is_ip_address (s.c_str ()) && s.find ('/') == std::string::npos;
}

AddressScope
address_scope (const std::string & ip)
{
  if (!is_ip_address (ip))
    return AddressScope::NotAnAddress;
  GInetAddress *parsed = g_inet_address_new_from_string (ip.c_str ());
  if (parsed == nullptr)
    return AddressScope::NotAnAddress;
  GInetAddress *a = inet_address_unmapped (parsed);
  g_object_unref (parsed);
  bool v4 = g_inet_address_get_family (a) == G_SOCKET_FAMILY_IPV4;
  const guint8 *b = g_inet_address_to_bytes (a);
  AddressScope scope = AddressScope::Public;
  if (g_inet_address_get_is_any (a))
    scope = AddressScope::Unspecified;
  else if (g_inet_address_get_is_loopback (a))
    scope = AddressScope::Loopback;
  else if (g_inet_address_get_is_link_local (a))
    scope = AddressScope::LinkLocal;
  else if (g_inet_address_get_is_multicast (a))
    scope = AddressScope::Multicast;
  else if (v4 && g_inet_address_get_is_site_local (a))
    scope = AddressScope::Private;                 /* 10/8, 172.16/12, 192.168/16 */
  else if (v4 && b[0] == 100 && (b[1] & 0xc0) == 64)
    scope = AddressScope::Shared;                  /* 100.64/10 */
  else if (v4 && (b[0] == 0 || b[0] >= 240))
    scope = AddressScope::Reserved;                /* 0/8, 240/4 */
  else if (!v4 && ((b[0] & 0xfe) == 0xfc || g_inet_address_get_is_site_local (a)))
    scope = AddressScope::UniqueLocal;             /* fc00::/7, old fec0::/10 */
  g_object_unref (a);
  return scope;
}

const char *
address_scope_description (AddressScope scope)
{
  switch (scope) {
    case AddressScope::Public:
      return "public";
    case AddressScope::NotAnAddress:
      return "not an IP address";
    case AddressScope::Unspecified:
      return "unspecified (on hold, or not known to the peer)";
    case AddressScope::Loopback:
      return "loopback";
    case AddressScope::LinkLocal:
      return "link-local";
    case AddressScope::Multicast:
      return "multicast";
    case AddressScope::Private:
      return "private (RFC 1918)";
    case AddressScope::Shared:
      return "carrier-grade NAT space (RFC 6598)";
    case AddressScope::Reserved:
      return "reserved";
    case AddressScope::UniqueLocal:
      return "unique local (RFC 4193)";
  }
  return "?";
}

bool
is_public_address (const std::string & ip)
{
  return address_scope (ip) == AddressScope::Public;
}

GInetAddress *
resolve_host (const std::string & host, std::string & error)
{
  if (GInetAddress *literal = g_inet_address_new_from_string (host.c_str ()))
    return literal;
  GResolver *resolver = g_resolver_get_default ();
  GError *err = nullptr;
  GList *addrs = g_resolver_lookup_by_name (resolver, host.c_str (), nullptr, &err);
  g_object_unref (resolver);
  if (addrs == nullptr) {
    error = err ? err->message : "no address";
    g_clear_error (&err);
    return nullptr;
  }
  GInetAddress *out = G_INET_ADDRESS (g_object_ref (addrs->data));
  g_resolver_free_addresses (addrs);
  return out;
}

std::string
default_route_address (bool ipv6)
{
  /* Connecting a UDP socket sends nothing but makes the kernel pick the
   * source address of the route towards a global address. */
  GSocketFamily family = ipv6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4;
  GSocket *sock = g_socket_new (family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, nullptr);
  if (sock == nullptr)
    return "";
  std::string out;
  GInetAddress *ia = g_inet_address_new_from_string (ipv6 ? "2001:db8::1" : "192.0.2.1");
  GSocketAddress *target = g_inet_socket_address_new (ia, DISCARD_PORT);
  if (g_socket_connect (sock, target, nullptr, nullptr)) {
    GSocketAddress *local = g_socket_get_local_address (sock, nullptr);
    if (local != nullptr) {
      out = inet_address_text (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
      g_object_unref (local);
    }
  }
  g_object_unref (target);
  g_object_unref (ia);
  g_object_unref (sock);
  return out;
}

}  // namespace comedia

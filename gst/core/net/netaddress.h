/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* IP addresses as GIO holds them (GInetAddress, GSocketAddress): the one
 * place for IPv4-mapped IPv6 (RFC 4291 2.5.5.2, ::ffff:a.b.c.d), for host
 * names and for the default route.  default_route_address() is the only
 * function of the core that opens a socket. */

#include <gio/gio.h>

#include <string>

namespace comedia {

/* Whether the 16 bytes at @ip6 are ::ffff:a.b.c.d. */
bool is_ipv4_mapped (const guint8 * ip6);
/* a.b.c.d for ::ffff:a.b.c.d, else @address itself; a new reference. */
GInetAddress *inet_address_unmapped (GInetAddress * address);
/* @addr as @socket can send to it: an IPv4 address becomes IPv4-mapped IPv6
 * for a dual-stack (::) socket.  Returns a new reference. */
GSocketAddress *address_for_socket (GSocket * socket, GSocketAddress * addr);

/* "192.0.2.1", "2001:db8::1". */
std::string inet_address_text (GInetAddress * address);
/* Whether @s is an IP address (no host name, no prefix length). */
bool is_ip_address (const std::string & s);
/* Where an address can be reached from: only a Public one from anywhere on
 * the Internet.  IPv4-mapped IPv6 is its IPv4 address. */
enum class AddressScope {
  Public,
  NotAnAddress,  /* a host name, or rubbish */
  Unspecified,   /* 0.0.0.0, :: */
  Loopback,      /* 127/8, ::1 */
  LinkLocal,     /* 169.254/16, fe80::/10 */
  Multicast,
  Private,       /* RFC 1918: 10/8, 172.16/12, 192.168/16 */
  Shared,        /* RFC 6598: 100.64/10, carrier-grade NAT */
  Reserved,      /* 0/8, 240/4 */
  UniqueLocal,   /* RFC 4193: fc00::/7 (and the old site-local fec0::/10) */
};
AddressScope address_scope (const std::string & ip);
/* "private (RFC 1918)", for messages. */
const char *address_scope_description (AddressScope scope);
/* address_scope (ip) == Public: an address a peer on the Internet can send
 * from, and be sent to. */
bool is_public_address (const std::string & ip);

/* @host as an address: parsed if it is one, else its first address from
 * GResolver (blocking).  nullptr and @error (the resolver's reason) if it
 * has none.  Returns a new reference. */
GInetAddress *resolve_host (const std::string & host, std::string & error);

/* The address of the local interface holding the default route, or ""
 * when there is none.  Connects a UDP socket (no packet is sent) so that
 * the kernel picks it. */
std::string default_route_address (bool ipv6);

}  // namespace comedia

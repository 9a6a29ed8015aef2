/* Unit tests of the address helpers (netaddress.h, peeraddress.h): IPv4,
 * IPv6 and IPv4-mapped IPv6, as a dual-stack socket reports and needs them.
 * No packet is sent.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "netaddress.h"
#include "peeraddress.h"

#include <string>

using namespace comedia;

static GInetAddress *
inet (const char *ip)
{
  GInetAddress *a = g_inet_address_new_from_string (ip);
  fail_unless (a != nullptr, "%s", ip);
  return a;
}

/* fail_unless_equals_string keeps a pointer past the full expression: the
 * strings compared must outlive it. */
#define assert_text(expr, expected) do { std::string text_ = (expr); \
      fail_unless_equals_string (text_.c_str (), expected); } while (0)

static std::string
text_of (GSocketAddress * addr)
{
  return inet_address_text (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (addr)));
}

GST_START_TEST (test_ipv4_mapped)
{
  struct {
    const char *ip;
    bool mapped;
    const char *unmapped;
  } cases[] = {
    {"::ffff:192.0.2.1", true, "192.0.2.1"},
    {"::ffff:0.0.0.0", true, "0.0.0.0"},
    {"2001:db8::1", false, "2001:db8::1"},
    {"::1", false, "::1"},
    {"::192.0.2.1", false, "::192.0.2.1"},      /* IPv4-compatible, not mapped */
    {"192.0.2.1", false, "192.0.2.1"},
  };
  for (const auto & c : cases) {
    GInetAddress *a = inet (c.ip);
    bool v6 = g_inet_address_get_family (a) == G_SOCKET_FAMILY_IPV6;
    fail_unless_equals_int (v6 && is_ipv4_mapped (g_inet_address_to_bytes (a)), c.mapped);
    GInetAddress *u = inet_address_unmapped (a);
    assert_text (inet_address_text (u), c.unmapped);
    g_object_unref (u);
    g_object_unref (a);
  }
}

GST_END_TEST;

GST_START_TEST (test_peer_address)
{
  PeerAddress p;
  fail_unless (PeerAddress::parse ("192.0.2.1", 5004, p));
  fail_unless (p.family == PeerAddress::Family::IPv4);
  assert_text (p.to_string (), "192.0.2.1:5004");
  PeerAddress mapped;
  fail_unless (PeerAddress::parse ("::ffff:192.0.2.1", 5004, mapped));
  fail_unless (mapped == p, "%s", mapped.to_string ().c_str ());
  fail_unless (PeerAddress::parse ("2001:db8::1", 5004, p));
  fail_unless (p.family == PeerAddress::Family::IPv6);
  assert_text (p.to_string (), "[2001:db8::1]:5004");
  fail_if (PeerAddress::parse ("peer.example", 5004, p));

  /* What a dual-stack socket reports for an IPv4 sender. */
  GInetAddress *a = inet ("::ffff:198.51.100.7");
  GSocketAddress *from = g_inet_socket_address_new (a, 40000);
  fail_unless (peer_address_from_gsocket (from, p));
  assert_text (p.to_string (), "198.51.100.7:40000");
  GSocketAddress *back = gsocket_address_from_peer (p);
  fail_unless_equals_int (g_socket_address_get_family (back), G_SOCKET_FAMILY_IPV4);
  assert_text (text_of (back), "198.51.100.7");
  fail_unless_equals_int (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (back)), 40000);
  g_object_unref (back);
  g_object_unref (from);
  g_object_unref (a);
  fail_if (gsocket_address_from_peer (PeerAddress ()) != nullptr);
}

GST_END_TEST;

GST_START_TEST (test_address_for_socket)
{
  GSocket *v4 = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, nullptr);
  GSocket *v6 = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, nullptr);
  fail_unless (v4 != nullptr);
  struct {
    GSocket *socket;
    bool ipv6_socket;
    const char *ip;
    const char *sent_to;
  } cases[] = {
    {v4, false, "192.0.2.1", "192.0.2.1"},
    {v6, true, "192.0.2.1", "::ffff:192.0.2.1"},   /* dual stack: mapped */
    {v6, true, "2001:db8::1", "2001:db8::1"},
    {nullptr, false, "192.0.2.1", "192.0.2.1"},    /* no socket: as given */
  };
  for (const auto & c : cases) {
    if (c.ipv6_socket && v6 == nullptr)
      continue;                          /* no IPv6 on this machine */
    GInetAddress *a = inet (c.ip);
    GSocketAddress *addr = g_inet_socket_address_new (a, 5004);
    GSocketAddress *out = address_for_socket (c.socket, addr);
    assert_text (text_of (out), c.sent_to);
    fail_unless_equals_int (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (out)), 5004);
    g_object_unref (out);
    g_object_unref (addr);
    g_object_unref (a);
  }
  g_object_unref (v4);
  g_clear_object (&v6);
}

GST_END_TEST;

GST_START_TEST (test_resolve_literal)
{
  /* Addresses are parsed, not looked up (no resolver is asked here). */
  for (const char *ip : {"192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1"}) {
    std::string error;
    GInetAddress *a = resolve_host (ip, error);
    fail_unless (a != nullptr, "%s: %s", ip, error.c_str ());
    GInetAddress *expected = inet (ip);
    fail_unless (g_inet_address_equal (a, expected), "%s", ip);
    g_object_unref (expected);
    g_object_unref (a);
  }
  fail_unless (is_ip_address ("192.0.2.1"));
  fail_unless (is_ip_address ("2001:db8::1"));
  fail_if (is_ip_address ("192.0.2.0/24"));
  fail_if (is_ip_address ("peer.example"));
  /* The mapped form of a public IPv4 address is public, of a private one not. */
  fail_unless (is_public_address ("::ffff:198.51.100.7"));
  fail_if (is_public_address ("::ffff:10.0.0.1"));
}

GST_END_TEST;

/* Every range an offer's address can be in, v4, v6 and v4-mapped: what
 * symmetric-rtp=auto decides on. */
GST_START_TEST (test_address_scope)
{
  struct Case {
    const char *ip;
    AddressScope scope;
  };
  const Case cases[] = {
    {"203.0.113.10", AddressScope::Public},
    {"198.51.100.7", AddressScope::Public},
    {"2001:db8::1", AddressScope::Public},
    {"::ffff:198.51.100.7", AddressScope::Public},
    {"10.1.2.3", AddressScope::Private},
    {"172.16.0.1", AddressScope::Private},
    {"172.31.255.254", AddressScope::Private},
    {"192.168.1.20", AddressScope::Private},
    {"::ffff:192.168.1.20", AddressScope::Private},
    {"172.32.0.1", AddressScope::Public},        /* just past 172.16/12 */
    {"100.64.0.1", AddressScope::Shared},
    {"100.127.255.254", AddressScope::Shared},
    {"100.128.0.1", AddressScope::Public},       /* just past 100.64/10 */
    {"::ffff:100.64.0.1", AddressScope::Shared},
    {"169.254.10.1", AddressScope::LinkLocal},
    {"fe80::1", AddressScope::LinkLocal},
    {"127.0.0.1", AddressScope::Loopback},
    {"127.8.9.10", AddressScope::Loopback},
    {"::1", AddressScope::Loopback},
    {"::ffff:127.0.0.1", AddressScope::Loopback},
    {"fd00:77::2", AddressScope::UniqueLocal},
    {"fc00::1", AddressScope::UniqueLocal},
    {"fec0::1", AddressScope::UniqueLocal},
    {"0.0.0.0", AddressScope::Unspecified},
    {"::", AddressScope::Unspecified},
    {"224.0.0.1", AddressScope::Multicast},
    {"ff02::1", AddressScope::Multicast},
    {"0.1.2.3", AddressScope::Reserved},
    {"240.0.0.1", AddressScope::Reserved},
    {"phone.example", AddressScope::NotAnAddress},
    {"192.168.1.0/24", AddressScope::NotAnAddress},
  };
  for (const Case & c : cases) {
    AddressScope got = address_scope (c.ip);
    fail_unless (got == c.scope, "%s: %s, expected %s", c.ip,
        address_scope_description (got), address_scope_description (c.scope));
    fail_unless (is_public_address (c.ip) == (c.scope == AddressScope::Public), "%s", c.ip);
  }
}

GST_END_TEST;

static Suite *
netaddress_suite (void)
{
  Suite *s = suite_create ("netaddress");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_ipv4_mapped);
  tcase_add_test (tc, test_peer_address);
  tcase_add_test (tc, test_address_for_socket);
  tcase_add_test (tc, test_resolve_literal);
  tcase_add_test (tc, test_address_scope);
  return s;
}

GST_CHECK_MAIN (netaddress);

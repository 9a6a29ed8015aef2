/* IPv6 and dual stack: comedia-rtpsrc bound to :: or ::1, peers over IPv6
 * and over IPv4 (seen as IPv4-mapped), and the sink answering each from the
 * shared socket.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/net/gstnetaddressmeta.h>

#include "packets.h"

#include <string>

static GSocket *
make_peer_on (const char *ip, guint16 * port)
{
  GInetAddress *inet = g_inet_address_new_from_string (ip);
  GSocket *sock = g_socket_new (g_inet_address_get_family (inet),
      G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, nullptr);
  GSocketAddress *addr = g_inet_socket_address_new (inet, 0);
  fail_unless (g_socket_bind (sock, addr, FALSE, nullptr), "cannot bind %s", ip);
  g_object_unref (addr);
  g_object_unref (inet);
  g_socket_set_timeout (sock, 5);
  GSocketAddress *local = g_socket_get_local_address (sock, nullptr);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  g_object_unref (local);
  return sock;
}

static void
send_to (GSocket * peer, const char *ip, guint16 port, GstBuffer * packet)
{
  GInetAddress *inet = g_inet_address_new_from_string (ip);
  GSocketAddress *dest = g_inet_socket_address_new (inet, port);
  std::vector<guint8> bytes = take_bytes (packet);
  fail_unless_equals_int (g_socket_send_to (peer, dest,
          (const gchar *) bytes.data (), bytes.size (), nullptr, nullptr),
      (gint) bytes.size ());
  g_object_unref (dest);
  g_object_unref (inet);
}

struct Endpoint {
  GstElement *src;
  GstHarness *src_h;
  GstHarness *sink_h;
  GstBus *bus;
  guint16 port;
};

static Endpoint
start_endpoint (const char *session, const char *address)
{
  Endpoint e;
  std::string desc = std::string ("comedia-rtpsrc probation=1 session=") +
      session + " address=" + address;
  e.src = gst_parse_launch (desc.c_str (), nullptr);
  fail_unless (e.src != nullptr);
  e.bus = gst_bus_new ();
  gst_element_set_bus (e.src, e.bus);
  e.src_h = gst_harness_new_with_element (e.src, nullptr, "src");
  gst_harness_play (e.src_h);
  gint port = 0;
  g_object_get (e.src, "port", &port, nullptr);
  e.port = port;
  e.sink_h = gst_harness_new_parse ((std::string ("comedia-rtpsink sync=false session=") +
          session).c_str ());
  gst_harness_set_src_caps_str (e.sink_h, "application/x-rtp");
  return e;
}

static void
stop_endpoint (Endpoint & e)
{
  gst_bus_set_flushing (e.bus, TRUE);
  gst_harness_teardown (e.sink_h);
  gst_harness_teardown (e.src_h);
  gst_object_unref (e.bus);
  gst_object_unref (e.src);
}

static std::string
latched_address (GstElement * src)
{
  gchar *s = nullptr;
  g_object_get (src, "latched-address", &s, nullptr);
  std::string ret (s ? s : "");
  g_free (s);
  return ret;
}

/* Sends from @peer_ip to the endpoint, checks what latched, and that the
 * sink's reply reaches the peer from the port it sent to. */
static void
check_round_trip (Endpoint & e, const char *peer_ip, const char *dest_ip,
    const std::string & expected_latch)
{
  guint16 peer_port;
  GSocket *peer = make_peer_on (peer_ip, &peer_port);
  send_to (peer, dest_ip, e.port, make_rtp (0x6, 1));
  GstBuffer *out = gst_harness_pull (e.src_h);
  fail_unless (gst_buffer_get_net_address_meta (out) != nullptr);
  gst_buffer_unref (out);

  std::string expected = expected_latch + ":" + std::to_string (peer_port);
  if (expected_latch.find (':') != std::string::npos)
    expected = "[" + expected_latch + "]:" + std::to_string (peer_port);
  std::string latched = latched_address (e.src);
  fail_unless_equals_string (latched.c_str (), expected.c_str ());

  fail_unless_equals_int (gst_harness_push (e.sink_h, make_rtp (0x7, 1)), GST_FLOW_OK);
  guint8 buf[2048];
  GSocketAddress *from = nullptr;
  gssize n = g_socket_receive_from (peer, &from, (gchar *) buf, sizeof (buf),
      nullptr, nullptr);
  fail_unless (n >= 12, "no reply over %s", peer_ip);
  fail_unless_equals_int (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (from)),
      e.port);
  g_object_unref (from);
  g_object_unref (peer);
}

GST_START_TEST (test_ipv6_peer)
{
  Endpoint e = start_endpoint ("v6", "::1");
  check_round_trip (e, "::1", "::1", "::1");

  GstStructure *s = nullptr;
  GstMessage *msg = gst_bus_timed_pop_filtered (e.bus, GST_SECOND, GST_MESSAGE_ELEMENT);
  fail_unless (msg != nullptr);
  s = gst_structure_copy (gst_message_get_structure (msg));
  gst_message_unref (msg);
  fail_unless_equals_string (gst_structure_get_string (s, "address"), "::1");
  gst_structure_free (s);
  stop_endpoint (e);
}
GST_END_TEST;

GST_START_TEST (test_dual_stack_ipv4_peer_seen_as_ipv4)
{
  /* Bound to ::, an IPv4 peer arrives as ::ffff:127.0.0.1; it is reported
   * and answered as plain IPv4. */
  Endpoint e = start_endpoint ("dual4", "::");
  check_round_trip (e, "127.0.0.1", "127.0.0.1", "127.0.0.1");

  GstMessage *msg = gst_bus_timed_pop_filtered (e.bus, GST_SECOND, GST_MESSAGE_ELEMENT);
  fail_unless (msg != nullptr);
  fail_unless_equals_string (gst_structure_get_string (gst_message_get_structure (msg),
          "address"), "127.0.0.1");
  gst_message_unref (msg);
  stop_endpoint (e);
}
GST_END_TEST;

GST_START_TEST (test_dual_stack_ipv6_peer)
{
  Endpoint e = start_endpoint ("dual6", "::");
  check_round_trip (e, "::1", "::1", "::1");
  stop_endpoint (e);
}
GST_END_TEST;

GST_START_TEST (test_dual_stack_static_ipv4_destination)
{
  /* A static IPv4 destination, sent from a dual-stack socket. */
  guint16 peer_port;
  GSocket *peer = make_peer_on ("127.0.0.1", &peer_port);
  GstElement *src = gst_parse_launch ("comedia-rtpsrc session=dualstatic address=::", nullptr);
  fail_unless_equals_int (gst_element_set_state (src, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  std::string desc = "comedia-rtpsink session=dualstatic sync=false host=127.0.0.1 port=" +
      std::to_string (peer_port);
  GstHarness *h = gst_harness_new_parse (desc.c_str ());
  gst_harness_set_src_caps_str (h, "application/x-rtp");
  fail_unless_equals_int (gst_harness_push (h, make_rtp (1, 1)), GST_FLOW_OK);
  guint8 buf[2048];
  fail_unless (g_socket_receive (peer, (gchar *) buf, sizeof (buf), nullptr, nullptr) >= 12);
  gst_harness_teardown (h);
  gst_element_set_state (src, GST_STATE_NULL);
  gst_object_unref (src);
  g_object_unref (peer);
}
GST_END_TEST;

static Suite *
ipv6_suite (void)
{
  Suite *s = suite_create ("comedia-ipv6");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_ipv6_peer);
  tcase_add_test (tc, test_dual_stack_ipv4_peer_seen_as_ipv4);
  tcase_add_test (tc, test_dual_stack_ipv6_peer);
  tcase_add_test (tc, test_dual_stack_static_ipv4_destination);
  return s;
}

GST_CHECK_MAIN (ipv6);

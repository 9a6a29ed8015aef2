/* Unit tests of comedia::DatagramSender, what comedia-rtpsink sends a
 * batch with: every datagram arrives, in order, from the sending socket;
 * bytes and system calls are counted; a destination the socket cannot
 * reach is reported per message and the batch goes on.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "datagramsender.h"

#include <string>
#include <vector>

using comedia::DatagramSender;

static GSocket *
bound_udp4 (guint16 * port)
{
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, nullptr);
  fail_unless (s != nullptr);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *any = g_inet_socket_address_new (lo, 0);
  fail_unless (g_socket_bind (s, any, FALSE, nullptr));
  g_object_unref (any);
  g_object_unref (lo);
  GSocketAddress *local = g_socket_get_local_address (s, nullptr);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  g_object_unref (local);
  return s;
}

/* @n messages of two vectors each: a header "pN:" and a body. */
struct Batch {
  std::vector<std::string> heads;
  std::string body = "-payload";
  std::vector<GOutputVector> vectors;
  std::vector<GOutputMessage> messages;

  explicit Batch (guint n) : heads (n), vectors (2 * n), messages (n)
  {
    for (guint i = 0; i < n; i++) {
      heads[i] = "p" + std::to_string (i) + ":";
      vectors[2 * i] = { heads[i].data (), heads[i].size () };
      vectors[2 * i + 1] = { body.data (), body.size () };
      messages[i] = GOutputMessage ();
      messages[i].vectors = &vectors[2 * i];
      messages[i].num_vectors = 2;
    }
  }
};

GST_START_TEST (test_batch_arrives_in_order_from_the_socket)
{
  guint16 from_port, to_port;
  GSocket *from = bound_udp4 (&from_port);
  GSocket *to = bound_udp4 (&to_port);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *dest = g_inet_socket_address_new (lo, to_port);

  DatagramSender sender;
  int errors = 0;
  for (int round = 0; round < 2; round++) {
    Batch batch (8);
    DatagramSender::Result r = sender.send (from, dest,
        batch.messages.data (), 8, nullptr, [&] (GError *) { errors++; });
    fail_unless_equals_int (r.sent, 8);
    fail_unless_equals_int (r.calls, 1);
    guint64 bytes = 0;
    for (guint i = 0; i < 8; i++)
      bytes += batch.heads[i].size () + batch.body.size ();
    fail_unless_equals_int (r.bytes, bytes);
    fail_if (r.cancelled);
    for (guint i = 0; i < 8; i++) {
      gchar buf[64];
      GSocketAddress *sender_addr = nullptr;
      gssize len = g_socket_receive_from (to, &sender_addr, buf, sizeof buf,
          nullptr, nullptr);
      std::string want = batch.heads[i] + batch.body;
      fail_unless_equals_int (len, want.size ());
      fail_unless (std::string (buf, len) == want);
      fail_unless_equals_int (g_inet_socket_address_get_port
          (G_INET_SOCKET_ADDRESS (sender_addr)), from_port);
      g_object_unref (sender_addr);
    }
  }
  fail_unless_equals_int (errors, 0);

  g_object_unref (dest);
  g_object_unref (lo);
  g_object_unref (from);
  g_object_unref (to);
}
GST_END_TEST;

/* An IPv6 destination for an IPv4 socket: the kernel refuses every message;
 * each is reported, none is counted as sent, nothing hangs. */
GST_START_TEST (test_refused_destination_is_reported_per_message)
{
  guint16 port;
  GSocket *from = bound_udp4 (&port);
  GInetAddress *lo6 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  GSocketAddress *dest = g_inet_socket_address_new (lo6, 9);
  Batch batch (3);
  DatagramSender sender;
  std::vector<std::string> errors;
  DatagramSender::Result r = sender.send (from, dest, batch.messages.data (),
      3, nullptr, [&] (GError * e) { errors.push_back (e->message); });
  fail_unless_equals_int (r.sent, 0);
  fail_unless_equals_int (errors.size (), 3);
  fail_unless (g_str_has_prefix (errors[0].c_str (), "Error sending message"),
      "%s", errors[0].c_str ());
  g_object_unref (dest);
  g_object_unref (lo6);
  g_object_unref (from);
}
GST_END_TEST;

static Suite *
datagramsender_suite (void)
{
  Suite *s = suite_create ("datagramsender");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_batch_arrives_in_order_from_the_socket);
  tcase_add_test (tc, test_refused_destination_is_reported_per_message);
  return s;
}

GST_CHECK_MAIN (datagramsender);

/* Unit tests of comedia::ReceiveEngine and ReceivePool, how comedia-rtpsrc
 * reads: pools shared per receive thread and MTU (the last user
 * deactivates it), batches growing with what is queued, each datagram
 * with its sender, over-long ones told apart.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/net/gstnetaddressmeta.h>

#include "receiveengine.h"

#include <string>
#include <vector>

using comedia::PeerAddress;
using comedia::ReceiveEngine;
using comedia::ReceivePool;

GST_START_TEST (test_pool_shared_per_thread_and_mtu)
{
  auto a = ReceivePool::acquire ("rx-test", 1500);
  auto b = ReceivePool::acquire ("rx-test", 1500);
  auto other_mtu = ReceivePool::acquire ("rx-test", 1200);
  auto own = ReceivePool::acquire ("", 1500);
  auto own2 = ReceivePool::acquire ("", 1500);
  fail_unless (a && b && other_mtu && own && own2);
  fail_unless (a == b);
  fail_unless (a->shared ());
  fail_unless (a != other_mtu);
  fail_unless (own != own2 && !own->shared ());

  GstBufferPool *pool = GST_BUFFER_POOL (gst_object_ref (a->pool ()));
  a.reset ();
  fail_unless (gst_buffer_pool_is_active (pool));   /* b still uses it */
  b.reset ();
  fail_if (gst_buffer_pool_is_active (pool));       /* the last user */
  gst_object_unref (pool);

  /* The name is free again: a new pool. */
  auto again = ReceivePool::acquire ("rx-test", 1500);
  fail_unless (again && gst_buffer_pool_is_active (again->pool ()));
}
GST_END_TEST;

static GSocket *
udp_socket (guint16 *port)
{
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, nullptr);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, 0);
  fail_unless (g_socket_bind (s, addr, FALSE, nullptr));
  g_object_unref (addr);
  g_object_unref (lo);
  GSocketAddress *bound = g_socket_get_local_address (s, nullptr);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_object_unref (bound);
  g_socket_set_blocking (s, FALSE);
  return s;
}

static void
send_to (GSocket * from, guint16 port, gsize size)
{
  std::vector<gchar> data (size, 'x');
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *to = g_inet_socket_address_new (lo, port);
  fail_unless_equals_int (g_socket_send_to (from, to, data.data (), size,
          nullptr, nullptr), size);
  g_object_unref (to);
  g_object_unref (lo);
}

/* Reads once @socket is readable. */
static gint
receive (ReceiveEngine & engine, GSocket * socket)
{
  fail_unless (g_socket_condition_timed_wait (socket, G_IO_IN,
          2 * G_USEC_PER_SEC, nullptr, nullptr));
  GError *err = nullptr;
  gint n = engine.receive (socket, &err);
  fail_if (err);
  return n;
}

GST_START_TEST (test_batches_grow_and_carry_senders)
{
  guint16 rx_port, tx_port;
  GSocket *rx = udp_socket (&rx_port);
  GSocket *tx = udp_socket (&tx_port);
  ReceiveEngine engine;
  fail_unless (engine.open ("", 100, 8));

  for (gsize size : { 10, 20, 30, 150 })
    send_to (tx, rx_port, size);

  /* Two slots armed while idle: a full read, so the next one is larger. */
  fail_unless_equals_int (receive (engine, rx), 2);
  std::vector<gsize> sizes;
  for (guint i = 0; i < 2; i++) {
    gsize len;
    const PeerAddress *peer;
    GstBuffer *buf = engine.take (i, len, peer);
    fail_unless (buf);
    fail_unless_equals_int (gst_buffer_get_size (buf), len);
    fail_unless_equals_int (peer->port, tx_port);
    std::string ip = peer->ip_string ();
    fail_unless_equals_string (ip.c_str (), "127.0.0.1");
    GstNetAddressMeta *meta = gst_buffer_get_net_address_meta (buf);
    fail_unless (meta && G_IS_INET_SOCKET_ADDRESS (meta->addr));
    sizes.push_back (len);
    gst_buffer_unref (buf);
  }
  engine.consumed (2);

  fail_unless_equals_int (receive (engine, rx), 2);
  for (guint i = 0; i < 2; i++) {
    gsize len;
    const PeerAddress *peer;
    GstBuffer *buf = engine.take (i, len, peer);
    sizes.push_back (len);
    gst_buffer_unref (buf);
  }
  engine.consumed (2);
  /* The over-long one fills the byte past the MTU. */
  fail_unless (sizes == std::vector<gsize> ({10, 20, 30, 101}));
  fail_unless_equals_int (engine.receive_calls (), 2);

  /* Nothing queued: nothing read, no error. */
  GError *err = nullptr;
  fail_unless_equals_int (engine.receive (rx, &err), 0);
  fail_if (err);

  engine.close ();
  g_object_unref (rx);
  g_object_unref (tx);
}
GST_END_TEST;

GST_START_TEST (test_receive_buffer_size)
{
  guint16 port;
  GSocket *s = udp_socket (&port);
  gint got = comedia::set_receive_buffer (s, 4096, nullptr);
  /* The kernel has a floor, and a ceiling without CAP_NET_ADMIN. */
  fail_unless (got > 0);
  g_object_unref (s);
}
GST_END_TEST;

static Suite *
receiveengine_suite (void)
{
  Suite *s = suite_create ("receiveengine");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_pool_shared_per_thread_and_mtu);
  tcase_add_test (tc, test_batches_grow_and_carry_senders);
  tcase_add_test (tc, test_receive_buffer_size);
  return s;
}

GST_CHECK_MAIN (receiveengine);

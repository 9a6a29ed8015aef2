/* The element tests' harness: a loopback peer socket, comedia-rtpsrc in a
 * GstHarness with a bus, its stats.  For test_rtpsrc.cpp, test_rtpsink.cpp and
 * test_srtp_elements.cpp.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/rtp/rtp.h>

#include "packets.h"

#include <string>
/* A peer on loopback: a plain GSocket, the way a remote endpoint's NAT
 * mapping would look to us. */
static inline GSocket *
make_peer (guint16 * port_out = nullptr)
{
  GSocket *sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, nullptr);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, 0);
  fail_unless (g_socket_bind (sock, addr, FALSE, nullptr));
  g_object_unref (addr);
  g_object_unref (lo);
  g_socket_set_timeout (sock, 5);
  if (port_out) {
    GSocketAddress *local = g_socket_get_local_address (sock, nullptr);
    *port_out = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    g_object_unref (local);
  }
  return sock;
}

static inline void
peer_send (GSocket * peer, guint16 port, GstBuffer * packet)
{
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *dest = g_inet_socket_address_new (lo, port);
  std::vector<guint8> bytes = buffer_bytes (packet);
  gssize n = g_socket_send_to (peer, dest, (const gchar *) bytes.data (),
      bytes.size (), nullptr, nullptr);
  fail_unless_equals_int (n, (gint) bytes.size ());
  g_object_unref (dest);
  g_object_unref (lo);
  gst_buffer_unref (packet);
}

/* Receives one datagram on @peer; returns its size (-1 on timeout) and the
 * port it came from. */
static inline gssize
peer_receive (GSocket * peer, guint16 * from_port, guint8 * data = nullptr,
    gsize size = 0)
{
  guint8 scratch[2048];
  GSocketAddress *from = nullptr;
  gssize n = g_socket_receive_from (peer, &from, (gchar *) (data ? data : scratch),
      data ? size : sizeof (scratch), nullptr, nullptr);
  if (n >= 0 && from_port)
    *from_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (from));
  g_clear_object (&from);
  return n;
}

static inline GstElement *
make_src (const char *session, guint component = 1, const char *extra = "")
{
  /* probation=1: latch on the first packet, as the COMEDIA drafts do; the
   * probation tests set their own. */
  std::string desc = std::string ("comedia-rtpsrc probation=1 session=") +
      session + " component=" + std::to_string (component) + " " + extra;
  GstElement *e = gst_parse_launch (desc.c_str (), nullptr);
  fail_unless (e != nullptr);
  return e;
}

static inline gint
bound_port (GstElement * e)
{
  gint port = 0;
  g_object_get (e, "port", &port, nullptr);
  return port;
}

static inline guint64
stat_u64 (GstElement * e, const char *field)
{
  GstStructure *s = nullptr;
  guint64 v = 0;
  g_object_get (e, "stats", &s, nullptr);
  fail_unless (s != nullptr);
  fail_unless (gst_structure_get_uint64 (s, field, &v), "no field %s", field);
  gst_structure_free (s);
  return v;
}

/* A string property of @e ("" for NULL). */
static inline std::string
string_property (GstElement * e, const char *name)
{
  gchar *v = nullptr;
  g_object_get (e, name, &v, nullptr);
  std::string out = v ? v : "";
  g_free (v);
  return out;
}

/* A harness around a source element, with a bus to catch its messages. */
struct SrcHarness {
  GstHarness *h;
  GstBus *bus;
  GstElement *src;
};

static inline SrcHarness
start_src (GstElement * src)
{
  SrcHarness sh;
  sh.src = src;
  sh.bus = gst_bus_new ();
  gst_element_set_bus (src, sh.bus);
  sh.h = gst_harness_new_with_element (src, nullptr, "src");
  gst_harness_play (sh.h);
  return sh;
}

static inline void
stop_src (SrcHarness & sh)
{
  /* Queued messages hold references to the element, which holds the bus. */
  gst_bus_set_flushing (sh.bus, TRUE);
  gst_harness_teardown (sh.h);
  gst_object_unref (sh.bus);
  gst_object_unref (sh.src);
}

static inline GstStructure *
wait_latched (GstBus * bus)
{
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 5 * GST_SECOND,
      GST_MESSAGE_ELEMENT);
  fail_unless (msg != nullptr, "no comedia-latched message");
  const GstStructure *s = gst_message_get_structure (msg);
  fail_unless (gst_structure_has_name (s, "comedia-latched"));
  GstStructure *copy = gst_structure_copy (s);
  gst_message_unref (msg);
  return copy;
}

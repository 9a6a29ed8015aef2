/* min-port/max-port of comedia-rtpsrc and sdp-negotiator: RTP on the even
 * port of a pair, RTCP on the odd one, a full range an error at
 * NULL->READY that names it, the pair free again once its session closes,
 * bad ranges refused.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/sdp/sdp.h>

#include "elementharness.h"

#include <cstring>
#include <string>

/* An even port whose pair is free now, in the ephemeral range. */
static guint
free_pair ()
{
  for (int attempt = 0; attempt < 50; attempt++) {
    guint16 port = 0;
    GSocket *probe = make_peer (&port);
    g_object_unref (probe);
    guint even = port & ~1u;
    GSocket *a = nullptr, *b = nullptr;
    for (guint p : { even, even + 1 }) {
      GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
          G_SOCKET_PROTOCOL_UDP, nullptr);
      GInetAddress *any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
      GSocketAddress *addr = g_inet_socket_address_new (any, p);
      gboolean ok = g_socket_bind (s, addr, FALSE, nullptr);
      g_object_unref (addr);
      g_object_unref (any);
      if (!ok)
        g_clear_object (&s);
      (p == even ? a : b) = s;
    }
    bool both = a && b;
    g_clear_object (&a);
    g_clear_object (&b);
    if (both)
      return even;
  }
  fail ("no free port pair found");
  return 0;
}

static std::string
range_args (guint min, guint max)
{
  return "min-port=" + std::to_string (min) + " max-port=" + std::to_string (max);
}

/* Sets @e to READY; "" if it went, else the error message it posted. */
static std::string
ready_error (GstElement * e)
{
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (e, bus);
  std::string message;
  if (gst_element_set_state (e, GST_STATE_READY) == GST_STATE_CHANGE_FAILURE) {
    GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    fail_unless (msg != nullptr);
    GError *err = nullptr;
    gst_message_parse_error (msg, &err, nullptr);
    message = err->message;
    g_error_free (err);
    gst_message_unref (msg);
    message = message.empty () ? "(empty)" : message;
  }
  gst_bus_set_flushing (bus, TRUE);
  gst_element_set_bus (e, nullptr);
  gst_object_unref (bus);
  return message;
}

GST_START_TEST (test_full_range_then_reuse)
{
  guint even = free_pair ();
  std::string range = range_args (even, even + 1);

  GstElement *rtp = make_src ("range-a", 1, range.c_str ());
  GstElement *rtcp = make_src ("range-a", 2, range.c_str ());
  std::string error = ready_error (rtp);
  fail_unless (error.empty (), "%s", error.c_str ());
  fail_unless_equals_int (bound_port (rtp), even);
  /* The stream's RTCP takes the odd port of its RTP's pair. */
  error = ready_error (rtcp);
  fail_unless (error.empty (), "%s", error.c_str ());
  fail_unless_equals_int (bound_port (rtcp), even + 1);

  /* Another session: the range's one pair is in use. */
  GstElement *second = make_src ("range-b", 1, range.c_str ());
  error = ready_error (second);
  std::string expected = "no free port pair in " + std::to_string (even) + "-"
      + std::to_string (even + 1) + ": 1 pair in use";
  fail_unless (error.find (expected) != std::string::npos, "%s", error.c_str ());
  gst_element_set_state (second, GST_STATE_NULL);

  /* The first session closes: its pair is free again. */
  gst_element_set_state (rtcp, GST_STATE_NULL);
  gst_element_set_state (rtp, GST_STATE_NULL);
  error = ready_error (second);
  fail_unless (error.empty (), "%s", error.c_str ());
  fail_unless_equals_int (bound_port (second), even);
  gst_element_set_state (second, GST_STATE_NULL);

  gst_object_unref (second);
  gst_object_unref (rtcp);
  gst_object_unref (rtp);
}
GST_END_TEST;

/* A pair another process holds is skipped, and counts as in use. */
GST_START_TEST (test_pair_of_another_process_is_skipped)
{
  guint even = free_pair ();
  GSocket *other = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, nullptr);
  GInetAddress *any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (any, even);
  fail_unless (g_socket_bind (other, addr, FALSE, nullptr));
  g_object_unref (addr);
  g_object_unref (any);

  std::string range = range_args (even, even + 1);
  GstElement *src = make_src ("range-c", 1, range.c_str ());
  std::string error = ready_error (src);
  fail_unless (error.find (": 1 pair in use") != std::string::npos, "%s",
      error.c_str ());
  gst_element_set_state (src, GST_STATE_NULL);
  g_object_unref (other);
  error = ready_error (src);
  fail_unless (error.empty (), "%s", error.c_str ());
  fail_unless_equals_int (bound_port (src), even);
  gst_element_set_state (src, GST_STATE_NULL);
  gst_object_unref (src);
}
GST_END_TEST;

GST_START_TEST (test_bad_ranges_are_errors)
{
  struct {
    const char *factory;
    const char *args;
    const char *says;
  } cases[] = {
    { "comedia-rtpsrc", "min-port=40010 max-port=40000", "min-port is above max-port" },
    { "comedia-rtpsrc", "min-port=40000", "set both or neither" },
    { "comedia-rtpsrc", "max-port=40000", "set both or neither" },
    { "comedia-rtpsrc", "min-port=40001 max-port=40002", "no even/odd port pair" },
    { "sdp-negotiator", "min-port=40010 max-port=40000", "min-port is above max-port" },
    { "sdp-negotiator", "max-port=40000", "set both or neither" },
  };
  for (const auto &c : cases) {
    std::string desc = std::string (c.factory) + " " + c.args;
    GstElement *e = gst_parse_launch (desc.c_str (), nullptr);
    fail_unless (e != nullptr);
    std::string error = ready_error (e);
    fail_unless (error.find ("Invalid port range") != std::string::npos, "%s: %s",
        desc.c_str (), error.c_str ());
    fail_unless (error.find (c.says) != std::string::npos, "%s: %s",
        desc.c_str (), error.c_str ());
    gst_element_set_state (e, GST_STATE_NULL);
    gst_object_unref (e);
  }
}
GST_END_TEST;

/* An ICE offerer with RTP and RTCP components (two ports: a pair's worth),
 * its range and announced address. */
static GstElement *
ice_offerer (guint min, guint max)
{
  std::string line = "sdp-negotiator name=neg role=offerer transport=ice "
      "ice-addresses=127.0.0.1 public-address=203.0.113.10 "
      "offer-caps=\"application/x-rtp,media=audio,clock-rate=8000,"
      "encoding-name=PCMU,payload=0\" rtcp-mux=false " + range_args (min, max)
      + " nicesrc stream=1 component=1 ! fakesink async=false "
      "fakesrc num-buffers=0 ! nicesink stream=1 component=1 async=false "
      "nicesrc stream=1 component=2 ! fakesink async=false "
      "fakesrc num-buffers=0 ! nicesink stream=1 component=2 async=false";
  GstElement *p = gst_parse_launch (line.c_str (), nullptr);
  fail_unless (p != nullptr);
  return p;
}

/* The negotiator's offer, or NULL with @error its bus's error. */
static GstSDPMessage *
create_offer (GstElement * pipeline, std::string & error)
{
  GstElement *neg = gst_bin_get_by_name (GST_BIN (pipeline), "neg");
  GstSDPMessage *offer = nullptr;
  g_signal_emit_by_name (neg, "create-offer", &offer);
  gst_object_unref (neg);
  if (offer == nullptr) {
    GstBus *bus = gst_element_get_bus (pipeline);
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, 5 * GST_SECOND,
        GST_MESSAGE_ERROR);
    gst_object_unref (bus);
    fail_unless (msg != nullptr, "no offer and no error");
    GError *err = nullptr;
    gst_message_parse_error (msg, &err, nullptr);
    error = err->message;
    g_error_free (err);
    gst_message_unref (msg);
  }
  return offer;
}

/* The ICE agent's sockets in the range, its host candidates at the
 * announced address; a full range fails gathering with a message naming
 * it. */
GST_START_TEST (test_ice_range_and_announced_address)
{
  guint even = free_pair ();
  GstElement *first = ice_offerer (even, even + 1);
  gst_element_set_state (first, GST_STATE_PLAYING);
  std::string error;
  GstSDPMessage *offer = create_offer (first, error);
  fail_unless (offer != nullptr, "%s", error.c_str ());
  const GstSDPMedia *media = gst_sdp_message_get_media (offer, 0);
  guint hosts = 0;
  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++) {
    const GstSDPAttribute *a = gst_sdp_media_get_attribute (media, i);
    if (g_strcmp0 (a->key, "candidate") != 0)
      continue;
    gchar **f = g_strsplit (a->value, " ", -1);
    fail_unless (g_strv_length (f) >= 8);
    guint port = (guint) g_ascii_strtoull (f[5], nullptr, 10);
    /* ICE-TCP's active candidates say port 9 (RFC 6544 4.5): no socket
     * listens there, they connect out; the passive ones listen in range. */
    bool tcp_active = strstr (a->value, " tcptype active") != nullptr;
    fail_unless (tcp_active || (port >= even && port <= even + 1), "%s", a->value);
    if (g_str_equal (f[7], "host")) {
      fail_unless_equals_string (f[4], "203.0.113.10");
      hosts++;
    }
    g_strfreev (f);
  }
  fail_unless (hosts > 0);
  fail_unless_equals_string (gst_sdp_media_get_connection (media, 0) ?
      gst_sdp_media_get_connection (media, 0)->address :
      gst_sdp_message_get_connection (offer)->address, "203.0.113.10");
  gst_sdp_message_free (offer);

  /* The range's ports are the first agent's: the second gathers nothing. */
  GstElement *second = ice_offerer (even, even + 1);
  gst_element_set_state (second, GST_STATE_PLAYING);
  offer = create_offer (second, error);
  fail_unless (offer == nullptr);
  std::string range = std::to_string (even) + "-" + std::to_string (even + 1);
  fail_unless (error.find ("no free port in " + range) != std::string::npos, "%s",
      error.c_str ());

  gst_element_set_state (second, GST_STATE_NULL);
  gst_element_set_state (first, GST_STATE_NULL);
  gst_object_unref (second);
  gst_object_unref (first);
}
GST_END_TEST;

static Suite *
portrange_elements_suite (void)
{
  Suite *s = suite_create ("portrange-elements");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_full_range_then_reuse);
  tcase_add_test (tc, test_pair_of_another_process_is_skipped);
  tcase_add_test (tc, test_bad_ranges_are_errors);
  tcase_add_test (tc, test_ice_range_and_announced_address);
  return s;
}

GST_CHECK_MAIN (portrange_elements);

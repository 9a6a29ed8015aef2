/* min-port/max-port of comedia-rtpsrc and sdp-negotiator: RTP on the even
 * port of a pair, RTCP on the odd one, a full range an error at
 * NULL->READY that names it, the pair free again once its session closes,
 * bad ranges refused.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "elementharness.h"

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

static Suite *
portrange_elements_suite (void)
{
  Suite *s = suite_create ("portrange-elements");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_full_range_then_reuse);
  tcase_add_test (tc, test_pair_of_another_process_is_skipped);
  tcase_add_test (tc, test_bad_ranges_are_errors);
  return s;
}

GST_CHECK_MAIN (portrange_elements);

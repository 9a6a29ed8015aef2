/* Element tests of comedia-rtpsink with GstHarness and real UDP sockets on
 * loopback: sending to a latched peer from comedia-rtpsrc's socket, to a
 * configured host and port, in batches, and NAT keepalives.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/rtp/rtp.h>
#include <gst/check/gstharness.h>

#include "elementharness.h"

#include <string>

GST_START_TEST (test_sink_replies_from_source_socket)
{
  SrcHarness sh = start_src (make_src ("shared"));
  GstHarness *sink = gst_harness_new_parse ("comedia-rtpsink session=shared");
  gst_harness_set_src_caps_str (sink, "application/x-rtp");
  GstElement *sink_el = gst_harness_find_element (sink, "comedia-rtpsink");
  g_object_set (sink_el, "sync", FALSE, nullptr);

  GSocket *peer = make_peer ();
  guint16 port = bound_port (sh.src);

  /* Before anything latched, the sink drops and counts. */
  fail_unless_equals_int (gst_harness_push (sink, make_rtp (9, 1)), GST_FLOW_OK);
  fail_unless_equals_int (stat_u64 (sink_el, "dropped-no-peer"), 1);
  fail_unless_equals_int (stat_u64 (sink_el, "sent"), 0);

  peer_send (peer, port, make_rtp (1, 1));
  gst_buffer_unref (gst_harness_pull (sh.h));

  fail_unless_equals_int (gst_harness_push (sink, make_rtp (9, 2)), GST_FLOW_OK);
  guint16 from_port = 0;
  fail_unless (peer_receive (peer, &from_port) > 0, "the reply never came");
  /* Symmetric RTP: the reply leaves from the port the peer sent to. */
  fail_unless_equals_int (from_port, port);
  fail_unless_equals_int (stat_u64 (sink_el, "sent"), 1);

  gst_object_unref (sink_el);
  gst_harness_teardown (sink);
  g_object_unref (peer);
  stop_src (sh);
}
GST_END_TEST;

GST_START_TEST (test_sink_sends_list_as_one_batch)
{
  guint16 peer_port;
  GSocket *peer = make_peer (&peer_port);
  std::string desc = "comedia-rtpsink session=batch host=127.0.0.1 port=" +
      std::to_string (peer_port) + " sync=false";
  GstHarness *h = gst_harness_new_parse (desc.c_str ());
  gst_harness_set_src_caps_str (h, "application/x-rtp");
  GstElement *sink = gst_harness_find_element (h, "comedia-rtpsink");

  GstBufferList *list = gst_buffer_list_new ();
  for (guint16 seq = 1; seq <= 8; seq++)
    gst_buffer_list_add (list, make_rtp (0x55, seq));
  fail_unless_equals_int (gst_pad_push_list (h->srcpad, list), GST_FLOW_OK);

  for (guint16 seq = 1; seq <= 8; seq++) {
    guint8 data[2048];
    gssize n = peer_receive (peer, nullptr, data, sizeof (data));
    fail_unless (n >= 12);
    fail_unless_equals_int ((data[2] << 8) | data[3], seq);   /* in order */
  }
  fail_unless_equals_int (stat_u64 (sink, "sent"), 8);
  fail_unless_equals_int (stat_u64 (sink, "send-calls"), 1);

  gst_object_unref (sink);
  gst_harness_teardown (h);
  g_object_unref (peer);
}
GST_END_TEST;

GST_START_TEST (test_unreachable_peer_is_not_fatal)
{
  /* A port nobody listens on: Linux answers with ICMP port unreachable. */
  guint16 dead_port;
  GSocket *dead = make_peer (&dead_port);
  g_object_unref (dead);

  std::string desc = "comedia-rtpsink session=icmp host=127.0.0.1 port=" +
      std::to_string (dead_port) + " sync=false";
  GstHarness *h = gst_harness_new_parse (desc.c_str ());
  gst_harness_set_src_caps_str (h, "application/x-rtp");
  for (guint16 seq = 1; seq <= 20; seq++)
    fail_unless_equals_int (gst_harness_push (h, make_rtp (1, seq)), GST_FLOW_OK);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* A send-only active peer without a negotiator: comedia-rtpsink with host,
 * port and keepalive-interval, and nothing to send.  The keepalives go to
 * host:port from the sink's socket before any media, starting with the
 * burst (5 within a few tens of ms with a 10 s interval) that passes the
 * passive side's probation at once. */
GST_START_TEST (test_keepalives_to_configured_destination)
{
  guint16 peer_port;
  GSocket *peer = make_peer (&peer_port);
  std::string desc = "comedia-rtpsink session=keepalive-out keepalive-interval=10000 "
      "host=127.0.0.1 port=" + std::to_string (peer_port) + " sync=false async=false";
  GstElement *sink = gst_parse_launch (desc.c_str (), nullptr);
  fail_unless (sink != nullptr);
  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_PLAYING),
      GST_STATE_CHANGE_SUCCESS);
  guint16 first_from = 0;
  for (int i = 0; i < 5; i++) {
    guint8 got[2048];
    guint16 from = 0;
    gssize n = peer_receive (peer, &from, got, sizeof got);
    fail_unless (n >= 12, "keepalive %d did not come to host:port", i);
    fail_unless_equals_int (got[0] >> 6, 2);      /* RTP */
    fail_unless_equals_int (got[1] & 0x7f, 20);   /* the keepalive payload type */
    if (i == 0)
      first_from = from;
    fail_unless_equals_int (from, first_from);   /* one socket, one mapping */
  }
  /* Counted after the send: the last may arrive before its count. */
  for (int i = 0; i < 100 && stat_u64 (sink, "keepalives-sent") < 5; i++)
    g_usleep (10 * 1000);
  fail_unless (stat_u64 (sink, "keepalives-sent") >= 5);
  gst_element_set_state (sink, GST_STATE_NULL);
  gst_object_unref (sink);
  g_object_unref (peer);
}
GST_END_TEST;

static Suite *
rtpsink_suite (void)
{
  Suite *s = suite_create ("comedia-rtpsink");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_sink_replies_from_source_socket);
  tcase_add_test (tc, test_sink_sends_list_as_one_batch);
  tcase_add_test (tc, test_unreachable_peer_is_not_fatal);
  tcase_add_test (tc, test_keepalives_to_configured_destination);
  return s;
}

GST_CHECK_MAIN (rtpsink);

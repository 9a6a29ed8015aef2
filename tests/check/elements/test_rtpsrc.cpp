/* Element tests of comedia-rtpsrc with GstHarness and real UDP sockets on
 * loopback: latching, probation, batched receive, receive threads, state
 * changes.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/rtp/rtp.h>
#include <gst/check/gstharness.h>
#include <gst/net/gstnetaddressmeta.h>

#include "elementharness.h"

#include <string>

GST_START_TEST (test_port_zero_bound_at_ready)
{
  GstElement *src = make_src ("port0");
  fail_unless_equals_int (bound_port (src), 0);
  fail_unless_equals_int (gst_element_set_state (src, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  gint port = bound_port (src);
  fail_unless (port > 0 && port < 65536);

  /* The port is really bound: binding it again fails. */
  GstElement *src2 = make_src ("port0-other", 1,
      ("port=" + std::to_string (port)).c_str ());
  fail_unless_equals_int (gst_element_set_state (src2, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  gst_element_set_state (src2, GST_STATE_NULL);
  gst_object_unref (src2);

  gst_element_set_state (src, GST_STATE_NULL);
  gst_object_unref (src);
}
GST_END_TEST;

GST_START_TEST (test_latch_first_packet_and_message)
{
  SrcHarness sh = start_src (make_src ("latch"));
  guint16 peer_port;
  GSocket *peer = make_peer (&peer_port);

  peer_send (peer, bound_port (sh.src), make_rtp (0x1111, 7));
  GstBuffer *out = gst_harness_pull (sh.h);
  fail_unless (out != nullptr);

  GstNetAddressMeta *meta = gst_buffer_get_net_address_meta (out);
  fail_unless (meta != nullptr);
  fail_unless_equals_int (g_inet_socket_address_get_port
      (G_INET_SOCKET_ADDRESS (meta->addr)), peer_port);
  gst_buffer_unref (out);

  GstStructure *s = wait_latched (sh.bus);
  guint stream = 0, component = 0;
  gint port = 0;
  fail_unless_equals_string (gst_structure_get_string (s, "session"), "latch");
  fail_unless (gst_structure_get_uint (s, "stream", &stream));
  fail_unless (gst_structure_get_uint (s, "component", &component));
  fail_unless (gst_structure_get_int (s, "port", &port));
  fail_unless_equals_int (stream, 1);
  fail_unless_equals_int (component, 1);
  fail_unless_equals_string (gst_structure_get_string (s, "address"), "127.0.0.1");
  fail_unless_equals_int (port, peer_port);
  gst_structure_free (s);

  gchar *latched = nullptr;
  g_object_get (sh.src, "latched-address", &latched, nullptr);
  std::string expected = "127.0.0.1:" + std::to_string (peer_port);
  fail_unless_equals_string (latched, expected.c_str ());
  g_free (latched);

  g_object_unref (peer);
  stop_src (sh);
}
GST_END_TEST;

GST_START_TEST (test_second_source_dropped)
{
  SrcHarness sh = start_src (make_src ("foreign", 1, "relatch=never"));
  GSocket *peer = make_peer ();
  GSocket *intruder = make_peer ();
  guint16 port = bound_port (sh.src);

  peer_send (peer, port, make_rtp (1, 1));
  gst_buffer_unref (gst_harness_pull (sh.h));
  peer_send (intruder, port, make_rtp (1, 2));
  peer_send (intruder, port, make_rtp (2, 1));
  peer_send (peer, port, make_rtp (1, 2));

  /* The next buffer out is the peer's, not the intruder's. */
  GstBuffer *out = gst_harness_pull (sh.h);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  fail_unless (gst_rtp_buffer_map (out, GST_MAP_READ, &rtp));
  fail_unless_equals_int (gst_rtp_buffer_get_ssrc (&rtp), 1);
  fail_unless_equals_int (gst_rtp_buffer_get_seq (&rtp), 2);
  gst_rtp_buffer_unmap (&rtp);
  gst_buffer_unref (out);

  fail_unless_equals_int (stat_u64 (sh.src, "rejected"), 2);
  fail_unless_equals_int (stat_u64 (sh.src, "passed"), 2);
  fail_unless_equals_int (stat_u64 (sh.src, "latched"), 1);

  g_object_unref (peer);
  g_object_unref (intruder);
  stop_src (sh);
}
GST_END_TEST;

GST_START_TEST (test_malformed_packets_dropped)
{
  SrcHarness sh = start_src (make_src ("malformed"));
  GSocket *peer = make_peer ();
  guint16 port = bound_port (sh.src);

  std::vector<guint8> valid = take_bytes (make_rtp (3, 3));
  std::vector<guint8> v0 = valid, v1 = valid;
  v0[0] &= 0x3f;
  v1[0] = (v1[0] & 0x3f) | 0x40;
  peer_send (peer, port, make_bytes ({0x80}));
  peer_send (peer, port, make_bytes (std::vector<guint8> (valid.begin (), valid.begin () + 11)));
  peer_send (peer, port, make_bytes (v0));
  peer_send (peer, port, make_bytes (v1));
  peer_send (peer, port, make_rtcp_rr (5));   /* RTCP on the RTP port */
  /* Then a valid packet from another address: it is the one that latches. */
  GSocket *real = make_peer ();
  peer_send (real, port, make_rtp (3, 4));

  GstBuffer *out = gst_harness_pull (sh.h);
  fail_unless_equals_int (gst_buffer_get_size (out), valid.size ());
  gst_buffer_unref (out);
  fail_unless_equals_int (stat_u64 (sh.src, "malformed"), 5);
  fail_unless_equals_int (stat_u64 (sh.src, "latched"), 1);

  /* One warning (rate limited) tells the user what was dropped. */
  GstMessage *warn = gst_bus_timed_pop_filtered (sh.bus, 0, GST_MESSAGE_WARNING);
  fail_unless (warn != nullptr);
  gst_message_unref (warn);

  g_object_unref (peer);
  g_object_unref (real);
  stop_src (sh);
}
GST_END_TEST;

GST_START_TEST (test_truncated_rtcp_on_rtcp_component)
{
  SrcHarness sh = start_src (make_src ("rtcp", 2, "rtcp-without-rtp=true"));
  GSocket *peer = make_peer ();
  guint16 port = bound_port (sh.src);
  std::vector<guint8> rr = take_bytes (make_rtcp_rr (0x42));

  peer_send (peer, port, make_bytes (std::vector<guint8> (rr.begin (), rr.begin () + 10)));
  peer_send (peer, port, make_rtp (1, 1));
  peer_send (peer, port, make_bytes (rr));
  GstBuffer *out = gst_harness_pull (sh.h);
  fail_unless_equals_int (gst_buffer_get_size (out), rr.size ());
  gst_buffer_unref (out);
  fail_unless_equals_int (stat_u64 (sh.src, "malformed"), 2);

  GstStructure *s = wait_latched (sh.bus);
  guint component = 0;
  gst_structure_get_uint (s, "component", &component);
  fail_unless_equals_int (component, 2);
  gst_structure_free (s);

  g_object_unref (peer);
  stop_src (sh);
}
GST_END_TEST;

GST_START_TEST (test_rtcp_mux_splitting)
{
  GstElement *src = make_src ("mux", 1, "rtcp-mux=true");
  SrcHarness sh = start_src (src);
  /* rtcp_src is a sometimes pad: it appears once the source streams. */
  GstPad *pad = nullptr;
  for (int i = 0; i < 500 && !pad; i++) {
    pad = gst_element_get_static_pad (src, "rtcp_src");
    if (!pad)
      g_usleep (10000);
  }
  fail_unless (pad != nullptr, "no rtcp_src pad with rtcp-mux=true");
  gst_object_unref (pad);
  GstHarness *rtcp = gst_harness_new_with_element (src, nullptr, "rtcp_src");
  guint16 peer_port;
  GSocket *peer = make_peer (&peer_port);
  guint16 port = bound_port (src);

  peer_send (peer, port, make_rtcp_rr (0x99));
  peer_send (peer, port, make_rtp (0x99, 1));

  GstBuffer *rtp_out = gst_harness_pull (sh.h);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  fail_unless (gst_rtp_buffer_map (rtp_out, GST_MAP_READ, &rtp));
  gst_rtp_buffer_unmap (&rtp);
  gst_buffer_unref (rtp_out);

  GstBuffer *rtcp_out = gst_harness_pull (rtcp);
  fail_unless (rtcp_out != nullptr);
  fail_unless (gst_rtcp_buffer_validate (rtcp_out));
  fail_unless (gst_buffer_get_net_address_meta (rtcp_out) != nullptr);
  gst_buffer_unref (rtcp_out);

  /* RTP and RTCP latched separately: two messages.  The RTCP came first but
   * waited until the RTP side had latched the same SSRC. */
  GstStructure *first = wait_latched (sh.bus);
  GstStructure *second = wait_latched (sh.bus);
  guint c1 = 0, c2 = 0;
  gst_structure_get_uint (first, "component", &c1);
  gst_structure_get_uint (second, "component", &c2);
  fail_unless_equals_int (c1, 1);
  fail_unless_equals_int (c2, 2);
  gst_structure_free (first);
  gst_structure_free (second);

  GstStructure *stats = nullptr;
  g_object_get (src, "stats", &stats, nullptr);
  std::string expected = "127.0.0.1:" + std::to_string (peer_port);
  fail_unless_equals_string (gst_structure_get_string (stats, "rtcp-peer"),
      expected.c_str ());
  gst_structure_free (stats);

  gst_harness_teardown (rtcp);
  g_object_unref (peer);
  stop_src (sh);
}
GST_END_TEST;

/* Pops element messages until one named @name (others are skipped). */
static GstStructure *
wait_message (GstBus * bus, const char *name, GstClockTime timeout = 5 * GST_SECOND)
{
  for (;;) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, timeout, GST_MESSAGE_ELEMENT);
    if (!msg)
      return nullptr;
    const GstStructure *s = gst_message_get_structure (msg);
    if (gst_structure_has_name (s, name)) {
      GstStructure *copy = gst_structure_copy (s);
      gst_message_unref (msg);
      return copy;
    }
    gst_message_unref (msg);
  }
}

GST_START_TEST (test_probation_releases_held_packets_in_order)
{
  SrcHarness sh = start_src (make_src ("probation", 1,
          "probation=4 probation-time=20"));
  GSocket *peer = make_peer ();
  GSocket *sprayer = make_peer ();
  guint16 port = bound_port (sh.src);

  for (guint16 seq = 10; seq < 14; seq++) {
    /* A forged burst with a fresh SSRC before each real packet. */
    peer_send (sprayer, port, make_rtp (0xbad0 + seq, 7));
    peer_send (sprayer, port, make_rtp (0xbad0 + seq, 8));
    peer_send (peer, port, make_rtp (0x600d, seq));
    g_usleep (10 * 1000);
  }

  /* All four real packets come out, in order, each with its sender. */
  for (guint16 seq = 10; seq < 14; seq++) {
    GstBuffer *out = gst_harness_pull (sh.h);
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    fail_unless (gst_rtp_buffer_map (out, GST_MAP_READ, &rtp));
    fail_unless_equals_int (gst_rtp_buffer_get_ssrc (&rtp), 0x600d);
    fail_unless_equals_int (gst_rtp_buffer_get_seq (&rtp), seq);
    gst_rtp_buffer_unmap (&rtp);
    fail_unless (gst_buffer_get_net_address_meta (out) != nullptr);
    gst_buffer_unref (out);
  }
  fail_unless_equals_int (stat_u64 (sh.src, "passed"), 4);
  fail_unless_equals_int (stat_u64 (sh.src, "latched"), 1);
  fail_unless (gst_harness_try_pull (sh.h) == nullptr);

  g_object_unref (peer);
  g_object_unref (sprayer);
  stop_src (sh);
}
GST_END_TEST;

GST_START_TEST (test_rtcp_latches_only_from_rtp_peer_ssrc)
{
  SrcHarness rtp_h = start_src (make_src ("rtcpssrc", 1));
  SrcHarness rtcp_h = start_src (make_src ("rtcpssrc", 2));
  GSocket *peer = make_peer ();
  GSocket *forger = make_peer ();

  /* Reports arrive before any RTP: held, not latched. */
  peer_send (forger, bound_port (rtcp_h.src), make_rtcp_rr (0xbad));
  peer_send (peer, bound_port (rtcp_h.src), make_rtcp_rr (0x600d));
  g_usleep (100 * 1000);
  fail_unless (gst_harness_try_pull (rtcp_h.h) == nullptr);

  peer_send (peer, bound_port (rtp_h.src), make_rtp (0x600d, 1));
  gst_buffer_unref (gst_harness_pull (rtp_h.h));

  /* Now the real peer's report latches RTCP; the forger's never passes. */
  GstBuffer *out = gst_harness_pull (rtcp_h.h);
  GstNetAddressMeta *meta = gst_buffer_get_net_address_meta (out);
  GSocketAddress *peer_addr = g_socket_get_local_address (peer, nullptr);
  fail_unless_equals_int (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (meta->addr)),
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (peer_addr)));
  g_object_unref (peer_addr);
  gst_buffer_unref (out);
  GstStructure *s = wait_message (rtcp_h.bus, "comedia-latched");
  fail_unless (s != nullptr);
  gst_structure_free (s);

  peer_send (forger, bound_port (rtcp_h.src), make_rtcp_rr (0xbad));
  g_usleep (100 * 1000);
  fail_unless (gst_harness_try_pull (rtcp_h.h) == nullptr);

  g_object_unref (peer);
  g_object_unref (forger);
  stop_src (rtcp_h);
  stop_src (rtp_h);
}
GST_END_TEST;

GST_START_TEST (test_relatch_timeout_and_rejected_messages)
{
  SrcHarness sh = start_src (make_src ("relatch", 1,
          "relatch=ssrc timeout=300"));
  GSocket *first = make_peer ();
  guint16 second_port;
  GSocket *second = make_peer (&second_port);
  GSocket *stranger = make_peer ();
  guint16 port = bound_port (sh.src);

  peer_send (first, port, make_rtp (0x42, 1));
  gst_buffer_unref (gst_harness_pull (sh.h));

  /* A stranger with another SSRC: rejected, and summed up on the bus. */
  peer_send (stranger, port, make_rtp (0x99, 1));
  GstStructure *rej = wait_message (sh.bus, "comedia-rejected");
  fail_unless (rej != nullptr);
  fail_unless_equals_string (gst_structure_get_string (rej, "reason"),
      "not-the-latched-peer");
  gst_structure_free (rej);

  /* The NAT rebinds: same SSRC, next sequence number, new port. */
  peer_send (second, port, make_rtp (0x42, 2));
  gst_buffer_unref (gst_harness_pull (sh.h));
  GstStructure *re = wait_message (sh.bus, "comedia-relatched");
  fail_unless (re != nullptr);
  gint new_port = 0, old_port = 0;
  gst_structure_get_int (re, "port", &new_port);
  gst_structure_get_int (re, "old-port", &old_port);
  fail_unless_equals_int (new_port, second_port);
  fail_unless (old_port != second_port);
  gst_structure_free (re);

  /* Then silence: the timeout message names the peer that went quiet. */
  gint64 start = g_get_monotonic_time ();
  GstStructure *to = wait_message (sh.bus, "comedia-timeout");
  fail_unless (to != nullptr);
  gint64 waited_ms = (g_get_monotonic_time () - start) / 1000;
  fail_unless (waited_ms < 1000, "timeout took %" G_GINT64_FORMAT " ms", waited_ms);
  gint to_port = 0;
  gst_structure_get_int (to, "port", &to_port);
  fail_unless_equals_int (to_port, second_port);
  gst_structure_free (to);
  fail_unless_equals_int (stat_u64 (sh.src, "timeouts"), 1);
  fail_unless_equals_int (stat_u64 (sh.src, "relatched"), 1);

  g_object_unref (first);
  g_object_unref (second);
  g_object_unref (stranger);
  stop_src (sh);
}
GST_END_TEST;

GST_START_TEST (test_bad_allowed_source_is_an_error)
{
  GstElement *src = make_src ("badprefix", 1, "allowed-source=300.1.2.3/8");
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (src, bus);
  fail_unless_equals_int (gst_element_set_state (src, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != nullptr);
  GError *err = nullptr;
  gst_message_parse_error (msg, &err, nullptr);
  fail_unless (strstr (err->message, "300.1.2.3/8") != nullptr, "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (src, GST_STATE_NULL);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  gst_object_unref (src);
}
GST_END_TEST;

/* Batched receive: packets queued before the source starts streaming are
 * read together (recvmmsg) and leave as buffer lists. */
static GstElement *
ready_src (const char *session, const char *extra = "")
{
  GstElement *src = make_src (session, 1, extra);
  fail_unless_equals_int (gst_element_set_state (src, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  return src;
}

static GstPadProbeReturn
count_lists (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  g_atomic_int_inc ((gint *) user_data);
  return GST_PAD_PROBE_OK;
}

/* Pulls @n buffers and checks each comes from @from_port with @ssrc and the
 * next of @seqs, in order. */
static void
pull_in_order (GstHarness * h, const std::vector<guint16> &seqs, guint32 ssrc,
    guint16 from_port)
{
  for (guint16 seq : seqs) {
    GstBuffer *out = gst_harness_pull (h);
    fail_unless (out != nullptr);
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    fail_unless (gst_rtp_buffer_map (out, GST_MAP_READ, &rtp));
    fail_unless_equals_int (gst_rtp_buffer_get_ssrc (&rtp), ssrc);
    fail_unless_equals_int (gst_rtp_buffer_get_seq (&rtp), seq);
    gst_rtp_buffer_unmap (&rtp);
    GstNetAddressMeta *meta = gst_buffer_get_net_address_meta (out);
    fail_unless (meta != nullptr, "buffer seq %u has no GstNetAddressMeta", seq);
    fail_unless_equals_int (g_inet_socket_address_get_port
        (G_INET_SOCKET_ADDRESS (meta->addr)), from_port);
    gst_buffer_unref (out);
  }
}

GST_START_TEST (test_batch_two_sources_only_latched_passes)
{
  GstElement *src = ready_src ("batch2src");
  guint16 port = bound_port (src);
  guint16 peer_port;
  GSocket *peer = make_peer (&peer_port);
  GSocket *other = make_peer ();

  /* Queued before streaming starts: one read takes them all. */
  for (guint16 seq = 1; seq <= 5; seq++) {
    peer_send (peer, port, make_rtp (0xa, seq));
    peer_send (other, port, make_rtp (0xb, seq));
  }
  g_usleep (20 * 1000);

  gint lists = 0;
  GstPad *srcpad = gst_element_get_static_pad (src, "src");
  gst_pad_add_probe (srcpad, GST_PAD_PROBE_TYPE_BUFFER_LIST, count_lists,
      &lists, nullptr);
  gst_object_unref (srcpad);
  SrcHarness sh = start_src (src);

  pull_in_order (sh.h, {1, 2, 3, 4, 5}, 0xa, peer_port);
  fail_unless (gst_harness_try_pull (sh.h) == nullptr);
  fail_unless_equals_int (stat_u64 (src, "received"), 10);
  fail_unless_equals_int (stat_u64 (src, "passed"), 5);
  fail_unless_equals_int (stat_u64 (src, "rejected"), 5);
  fail_unless_equals_int (stat_u64 (src, "latched"), 1);
  /* Fewer reads than datagrams, and lists downstream. */
  fail_unless (stat_u64 (src, "receive-calls") < 10);
  fail_unless (g_atomic_int_get (&lists) >= 1);

  g_object_unref (peer);
  g_object_unref (other);
  stop_src (sh);
}
GST_END_TEST;

GST_START_TEST (test_batch_completes_probation_in_middle)
{
  /* probation-time=0: every packet of a batch has the same arrival time. */
  GstElement *src = ready_src ("batchprob",
      "probation=4 probation-time=0 batch-size=64");
  guint16 port = bound_port (src);
  guint16 peer_port;
  GSocket *peer = make_peer (&peer_port);
  GSocket *sprayer = make_peer ();

  /* Reads grow from 2 datagrams, doubling while they come back full: 2, 4,
   * 8.  Three forgeries first put the real peer's 4th packet (103) in the
   * middle of the third read, after its own held 102 and with 100, 101 held
   * from earlier reads. */
  for (int i = 0; i < 3; i++)
    peer_send (sprayer, port, make_rtp (0xbad0 + i, 1));
  for (guint16 seq = 100; seq < 108; seq++) {
    peer_send (peer, port, make_rtp (0x600d, seq));
    peer_send (sprayer, port, make_rtp (0xbad0 + seq, 1));
  }
  g_usleep (20 * 1000);
  SrcHarness sh = start_src (src);

  /* 100..102 were held, 103 latched and released them before itself, then
   * 104..107 were accepted: all in order; no forged packet. */
  pull_in_order (sh.h, {100, 101, 102, 103, 104, 105, 106, 107}, 0x600d,
      peer_port);
  fail_unless (gst_harness_try_pull (sh.h) == nullptr);
  /* Held: the peer's three and the six forgeries before the latch. */
  fail_unless_equals_int (stat_u64 (src, "held"), 9);
  fail_unless_equals_int (stat_u64 (src, "rejected"), 5);
  fail_unless_equals_int (stat_u64 (src, "passed"), 8);
  fail_unless_equals_int (stat_u64 (src, "latched"), 1);
  /* 19 datagrams in reads of 2, 4, 8 and 5. */
  fail_unless_equals_int (stat_u64 (src, "receive-calls"), 4);

  g_object_unref (peer);
  g_object_unref (sprayer);
  stop_src (sh);
}
GST_END_TEST;

GST_START_TEST (test_batch_order_and_meta_across_batches)
{
  GstElement *src = ready_src ("batchorder", "batch-size=16");
  guint16 port = bound_port (src);
  guint16 peer_port;
  GSocket *peer = make_peer (&peer_port);

  std::vector<guint16> seqs;
  for (guint16 seq = 1; seq <= 150; seq++) {
    peer_send (peer, port, make_rtp (0x77, seq));
    seqs.push_back (seq);
  }
  g_usleep (20 * 1000);
  SrcHarness sh = start_src (src);

  pull_in_order (sh.h, seqs, 0x77, peer_port);
  guint64 calls = stat_u64 (src, "receive-calls");
  /* batch-size bounds every read: at least 150 / 16 of them. */
  fail_unless (calls >= 10 && calls < 150, "%" G_GUINT64_FORMAT " reads", calls);

  /* And later single packets still come out one by one, at once. */
  peer_send (peer, port, make_rtp (0x77, 151));
  pull_in_order (sh.h, {151}, 0x77, peer_port);

  g_object_unref (peer);
  stop_src (sh);
}
GST_END_TEST;

/* A free-standing sink pad that collects what reaches it, linked to the
 * rtcp_src pad the moment it appears, before anything is pushed on it. */
static GstFlowReturn
collect_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  g_async_queue_push ((GAsyncQueue *) g_object_get_data (G_OBJECT (pad),
          "queue"), buf);
  return GST_FLOW_OK;
}

static gboolean
collect_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  gst_event_unref (event);
  return TRUE;
}

static void
link_collector (GstElement * src, GstPad * pad, gpointer user_data)
{
  GstPad *collector = GST_PAD (user_data);
  if (g_str_equal (GST_PAD_NAME (pad), "rtcp_src"))
    fail_unless_equals_int (gst_pad_link (pad, collector), GST_PAD_LINK_OK);
}

GST_START_TEST (test_batch_muxed_rtcp_split_within_batch)
{
  GstElement *src = ready_src ("batchmux", "rtcp-mux=true");
  guint16 port = bound_port (src);
  guint16 peer_port;
  GSocket *peer = make_peer (&peer_port);

  GAsyncQueue *rtcp_out = g_async_queue_new_full ((GDestroyNotify) gst_buffer_unref);
  GstPad *collector = gst_pad_new ("collector", GST_PAD_SINK);
  g_object_set_data (G_OBJECT (collector), "queue", rtcp_out);
  gst_pad_set_chain_function (collector, collect_chain);
  gst_pad_set_event_function (collector, collect_event);
  gst_pad_set_active (collector, TRUE);
  g_signal_connect (src, "pad-added", G_CALLBACK (link_collector), collector);

  /* RTP and RTCP interleaved: the first read (2 datagrams) holds the first
   * report until the RTP packet before it in the same read has latched the
   * peer's SSRC. */
  peer_send (peer, port, make_rtp (0x99, 1));
  peer_send (peer, port, make_rtcp_rr (0x99));
  peer_send (peer, port, make_rtp (0x99, 2));
  peer_send (peer, port, make_rtcp_rr (0x99));
  peer_send (peer, port, make_rtp (0x99, 3));
  g_usleep (20 * 1000);
  SrcHarness sh = start_src (src);

  pull_in_order (sh.h, {1, 2, 3}, 0x99, peer_port);
  for (int i = 0; i < 2; i++) {
    GstBuffer *out = (GstBuffer *) g_async_queue_timeout_pop (rtcp_out,
        5 * G_USEC_PER_SEC);
    fail_unless (out != nullptr, "RTCP packet %d did not come out", i + 1);
    fail_unless (gst_rtcp_buffer_validate (out));
    GstNetAddressMeta *meta = gst_buffer_get_net_address_meta (out);
    fail_unless (meta != nullptr);
    fail_unless_equals_int (g_inet_socket_address_get_port
        (G_INET_SOCKET_ADDRESS (meta->addr)), peer_port);
    gst_buffer_unref (out);
  }
  fail_unless_equals_int (stat_u64 (src, "receive-calls"), 2);

  g_object_unref (peer);
  stop_src (sh);
  gst_pad_set_active (collector, FALSE);
  gst_object_unref (collector);
  g_async_queue_unref (rtcp_out);
}
GST_END_TEST;

/* RTP latched on the active peer's NAT keepalives, which carry an SSRC of
 * their own; the media that follows from the same peer has another.  The
 * stream's RTCP must then latch on the media sender's reports (rtpbin's,
 * and the keepalives that speak for the media once it flows), or the
 * server's reports never find the peer. */
GST_START_TEST (test_rtcp_follows_media_ssrc_after_keepalive_latch)
{
  SrcHarness rtp_h = start_src (make_src ("ka-then-media", 1));
  SrcHarness rtcp_h = start_src (make_src ("ka-then-media", 2));
  GSocket *peer = make_peer ();
  GSocket *peer_rtcp = make_peer ();

  peer_send (peer, bound_port (rtp_h.src), make_rtp (0x77, 100, 20, 0));
  gst_structure_free (wait_latched (rtp_h.bus));
  peer_send (peer, bound_port (rtp_h.src), make_rtp (0x1234, 1, 96));
  gst_buffer_unref (gst_harness_pull (rtp_h.h));

  peer_send (peer_rtcp, bound_port (rtcp_h.src), make_rtcp_rr (0x1234));
  GstBuffer *out = nullptr;
  for (int i = 0; i < 100 && !out; i++) {
    out = gst_harness_try_pull (rtcp_h.h);
    if (!out)
      g_usleep (10 * 1000);
  }
  fail_unless (out != nullptr, "the media sender's RTCP did not pass");
  gst_buffer_unref (out);
  fail_unless_equals_int (stat_u64 (rtcp_h.src, "rejected"), 0);

  g_object_unref (peer);
  g_object_unref (peer_rtcp);
  stop_src (rtcp_h);
  stop_src (rtp_h);
}
GST_END_TEST;

/* NAT keepalives from an active peer (RTP of payload type 20, as
 * comedia-rtpsink and sdp-negotiator send them) pass probation and latch the
 * peer, so a receive-only peer can be reached, but never go downstream;
 * keepalive-payload-type=-1 lets them through like media. */
GST_START_TEST (test_keepalives_latch_but_stay_here)
{
  for (const char *extra : {"probation=4", "probation=4 keepalive-payload-type=-1"}) {
    SrcHarness sh = start_src (make_src ("keepalive-in", 1, extra));
    GSocket *peer = make_peer ();
    guint16 port = bound_port (sh.src);
    for (guint16 i = 0; i < 5; i++) {
      peer_send (peer, port, make_rtp (0x77, 100 + i, 20, 0));
      g_usleep (10 * 1000);
    }
    peer_send (peer, port, make_rtp (0x1234, 1, 96));

    GstStructure *latched = wait_latched (sh.bus);
    gst_structure_free (latched);
    GstBuffer *out = gst_harness_pull (sh.h);
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    fail_unless (gst_rtp_buffer_map (out, GST_MAP_READ, &rtp));
    guint pt = gst_rtp_buffer_get_payload_type (&rtp);
    gst_rtp_buffer_unmap (&rtp);
    gst_buffer_unref (out);
    if (g_str_has_suffix (extra, "=-1")) {
      fail_unless_equals_int (pt, 20);
      fail_unless_equals_int (stat_u64 (sh.src, "keepalives"), 0);
    } else {
      fail_unless_equals_int (pt, 96);
      fail_unless_equals_int (stat_u64 (sh.src, "keepalives"), 5);
      fail_unless_equals_int (stat_u64 (sh.src, "passed"), 1);
    }
    g_object_unref (peer);
    stop_src (sh);
  }
}
GST_END_TEST;

/* Threads of this process, from /proc/self/status. */
static gint
thread_count (void)
{
  gchar *status = nullptr;
  fail_unless (g_file_get_contents ("/proc/self/status", &status, nullptr,
          nullptr));
  const gchar *line = strstr (status, "\nThreads:");
  fail_unless (line != nullptr);
  gint n = atoi (line + strlen ("\nThreads:"));
  g_free (status);
  return n;
}

/* Starts @n sources of @extra properties; returns the threads it took. */
static gint
start_sources (std::vector<SrcHarness> &out, guint n, const char *extra)
{
  gint before = thread_count ();
  for (guint i = 0; i < n; i++) {
    std::string session = std::string ("threads-") + extra + std::to_string (i);
    out.push_back (start_src (make_src (session.c_str (), 1, extra)));
  }
  return thread_count () - before;
}

GST_START_TEST (test_shared_receive_thread_serves_many)
{
  const guint n = 8;
  std::vector<SrcHarness> own, shared;
  /* By default each source has a thread, as udpsrc does... */
  fail_unless (start_sources (own, n, "") >= (gint) n);
  /* ...with receive-thread set, they share one. */
  gint taken = start_sources (shared, n, "receive-thread=test-shared");
  fail_unless (taken <= 1, "%d threads for %u sources on one receive thread",
      taken, n);

  GSocket *peer = make_peer ();
  for (guint i = 0; i < n; i++)
    peer_send (peer, bound_port (shared[i].src), make_rtp (0x100 + i, 1));
  for (guint i = 0; i < n; i++) {
    GstBuffer *out = gst_harness_pull (shared[i].h);
    fail_unless (out != nullptr, "source %u delivered nothing", i);
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    fail_unless (gst_rtp_buffer_map (out, GST_MAP_READ, &rtp));
    fail_unless_equals_int (gst_rtp_buffer_get_ssrc (&rtp), 0x100 + i);
    gst_rtp_buffer_unmap (&rtp);
    fail_unless (gst_buffer_get_net_address_meta (out) != nullptr);
    gst_buffer_unref (out);
  }
  g_object_unref (peer);

  for (SrcHarness & sh : shared)
    stop_src (sh);
  for (SrcHarness & sh : own)
    stop_src (sh);
}
GST_END_TEST;

/* receive-threads=2: the named receive thread is two threads, whatever the
 * number of sources; each source's packets still come in order; a later
 * source asking for another number is told it has what the first one
 * asked for. */
GST_START_TEST (test_receive_thread_pool)
{
  const guint n = 4;
  const guint16 packets = 300;
  std::vector<SrcHarness> pool;
  gint before = thread_count ();
  for (guint i = 0; i < n; i++) {
    std::string session = "pool-" + std::to_string (i);
    pool.push_back (start_src (make_src (session.c_str (), 1,
                "receive-thread=test-pool receive-threads=2")));
  }
  fail_unless_equals_int (thread_count () - before, 2);
  for (SrcHarness & sh : pool) {
    guint threads;
    g_object_get (sh.src, "receive-threads", &threads, nullptr);
    fail_unless_equals_int (threads, 2);
  }

  guint16 peer_port;
  GSocket *peer = make_peer (&peer_port);
  /* Paced a little: 300 datagrams in a row overflow a socket's default
   * buffer (loopback charges about 1 KiB each) when a loaded machine holds
   * the receive threads back, and a lost packet is not what is tested. */
  for (guint16 seq = 1; seq <= packets; seq++) {
    for (guint i = 0; i < n; i++)
      peer_send (peer, bound_port (pool[i].src), make_rtp (0x200 + i, seq));
    if (seq % 25 == 0)
      g_usleep (2000);
  }
  std::vector<guint16> seqs;
  for (guint16 seq = 1; seq <= packets; seq++)
    seqs.push_back (seq);
  for (guint i = 0; i < n; i++)
    pull_in_order (pool[i].h, seqs, 0x200 + i, peer_port);

  SrcHarness late = start_src (make_src ("threads-late", 1,
          "receive-thread=test-pool receive-threads=3"));
  GstMessage *warning = gst_bus_pop_filtered (late.bus, GST_MESSAGE_WARNING);
  fail_unless (warning != nullptr, "no warning for another receive-threads");
  GError *err = nullptr;
  gst_message_parse_warning (warning, &err, nullptr);
  fail_unless (strstr (err->message, "already runs with 2 threads, not 3"),
      "%s", err->message);
  g_error_free (err);
  gst_message_unref (warning);
  stop_src (late);

  g_object_unref (peer);
  for (SrcHarness & sh : pool)
    stop_src (sh);
}
GST_END_TEST;

GST_START_TEST (test_eos_sent_to_element_leaves_after_packets)
{
  for (const char *extra : { "", "receive-thread=test-eos" }) {
    SrcHarness sh = start_src (make_src ("eos", 1, extra));
    GSocket *peer = make_peer ();
    peer_send (peer, bound_port (sh.src), make_rtp (0x5, 1));
    gst_buffer_unref (gst_harness_pull (sh.h));

    fail_unless (gst_element_send_event (sh.src, gst_event_new_eos ()));
    GstEvent *event;
    while ((event = gst_harness_pull_event (sh.h)) != nullptr &&
        GST_EVENT_TYPE (event) != GST_EVENT_EOS)
      gst_event_unref (event);
    fail_unless (event != nullptr, "no EOS downstream (%s)", extra);
    gst_event_unref (event);
    g_object_unref (peer);
    stop_src (sh);
  }
}
GST_END_TEST;

/* With rtcp-mux both pads are pushed from one thread, as a demuxer's are:
 * with a queue after each, two sinks that never prerolled (no packet came)
 * still both get the EOS and the pipeline ends, as the docs promise. */
GST_START_TEST (test_muxed_pads_with_queues_end_on_eos)
{
  for (const char *extra : { "", "receive-thread=test-mux-eos" }) {
    std::string desc = std::string ("comedia-rtpsrc name=s session=mux-eos "
        "rtcp-mux=true ") + extra + " ! queue ! fakesink "
        "s.rtcp_src ! queue ! fakesink";
    GstElement *pipeline = gst_parse_launch (desc.c_str (), nullptr);
    fail_unless (pipeline != nullptr);
    fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
        GST_STATE_CHANGE_FAILURE);
    fail_unless (gst_element_send_event (pipeline, gst_event_new_eos ()));

    GstBus *bus = gst_element_get_bus (pipeline);
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, 5 * GST_SECOND,
        (GstMessageType) (GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
    fail_unless (msg != nullptr, "the pipeline did not end on EOS (%s)", extra);
    fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
    gst_message_unref (msg);
    gst_object_unref (bus);
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (pipeline);
  }
}
GST_END_TEST;

/* Like a live udpsrc: nothing leaves while paused; what arrived meanwhile
 * leaves on PLAYING; and the element streams again after READY. */
GST_START_TEST (test_pause_and_restart)
{
  for (const char *extra : { "", "receive-thread=test-pause" }) {
    SrcHarness sh = start_src (make_src ("pause", 1, extra));
    guint16 peer_port;
    GSocket *peer = make_peer (&peer_port);
    guint16 port = bound_port (sh.src);

    fail_unless_equals_int (gst_element_set_state (sh.src, GST_STATE_PAUSED),
        GST_STATE_CHANGE_NO_PREROLL);
    peer_send (peer, port, make_rtp (0x6, 1));
    g_usleep (100 * 1000);
    fail_unless (gst_harness_try_pull (sh.h) == nullptr);
    gst_element_set_state (sh.src, GST_STATE_PLAYING);
    pull_in_order (sh.h, {1}, 0x6, peer_port);

    gst_element_set_state (sh.src, GST_STATE_READY);
    gst_harness_play (sh.h);
    peer_send (peer, port, make_rtp (0x6, 2));
    GstBuffer *out = gst_harness_pull (sh.h);
    fail_unless (out != nullptr, "nothing after READY -> PLAYING (%s)", extra);
    gst_buffer_unref (out);
    g_object_unref (peer);
    stop_src (sh);
  }
}
GST_END_TEST;

/* buffer-size: a burst that arrives while nothing reads (here: PAUSED)
 * waits in the socket instead of being dropped by the kernel.  The
 * default buffer (net.core.rmem_default, about 200 KiB) holds a few hundred
 * such datagrams; this burst needs several MiB. */
GST_START_TEST (test_buffer_size_holds_a_burst)
{
  const guint burst = 3000;
  SrcHarness sh = start_src (make_src ("bufsize", 1, "buffer-size=16000000"));
  fail_unless_equals_int (gst_element_set_state (sh.src, GST_STATE_PAUSED),
      GST_STATE_CHANGE_NO_PREROLL);
  GSocket *peer = make_peer ();
  guint16 port = bound_port (sh.src);
  for (guint seq = 1; seq <= burst; seq++)
    peer_send (peer, port, make_rtp (0x7, seq));

  gst_element_set_state (sh.src, GST_STATE_PLAYING);
  for (int i = 0; i < 500 && stat_u64 (sh.src, "passed") < burst; i++)
    g_usleep (10 * 1000);
  fail_unless_equals_int (stat_u64 (sh.src, "received"), burst);
  fail_unless_equals_int (stat_u64 (sh.src, "passed"), burst);
  g_object_unref (peer);
  stop_src (sh);
}
GST_END_TEST;

static Suite *
rtpsrc_suite (void)
{
  Suite *s = suite_create ("comedia-rtpsrc");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_port_zero_bound_at_ready);
  tcase_add_test (tc, test_latch_first_packet_and_message);
  tcase_add_test (tc, test_second_source_dropped);
  tcase_add_test (tc, test_malformed_packets_dropped);
  tcase_add_test (tc, test_truncated_rtcp_on_rtcp_component);
  tcase_add_test (tc, test_rtcp_mux_splitting);
  tcase_add_test (tc, test_probation_releases_held_packets_in_order);
  tcase_add_test (tc, test_rtcp_latches_only_from_rtp_peer_ssrc);
  tcase_add_test (tc, test_relatch_timeout_and_rejected_messages);
  tcase_add_test (tc, test_bad_allowed_source_is_an_error);
  tcase_add_test (tc, test_batch_two_sources_only_latched_passes);
  tcase_add_test (tc, test_batch_completes_probation_in_middle);
  tcase_add_test (tc, test_batch_order_and_meta_across_batches);
  tcase_add_test (tc, test_batch_muxed_rtcp_split_within_batch);
  tcase_add_test (tc, test_keepalives_latch_but_stay_here);
  tcase_add_test (tc, test_rtcp_follows_media_ssrc_after_keepalive_latch);
  tcase_add_test (tc, test_shared_receive_thread_serves_many);
  tcase_add_test (tc, test_receive_thread_pool);
  tcase_add_test (tc, test_eos_sent_to_element_leaves_after_packets);
  tcase_add_test (tc, test_muxed_pads_with_queues_end_on_eos);
  tcase_add_test (tc, test_pause_and_restart);
  tcase_add_test (tc, test_buffer_size_holds_a_burst);
  return s;
}

GST_CHECK_MAIN (rtpsrc);

/* Element tests of SRTP in comedia-rtpsrc and comedia-rtpsink: real UDP
 * sockets on loopback, and a peer whose SRTP is libsrtp's own (not
 * comedia's), so that both ends are checked against the library.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/rtp/rtp.h>

#include "elementharness.h"
#include "peersrtp.h"

#include <srtp2/srtp.h>

#include <cstring>
#include <string>
#include <vector>

/* The peer's key (30 bytes, AES_CM_128_HMAC_SHA1_80) and a wrong one. */
static const char *KEY_B64 = "0VYd/GBqV92DODerMN9FluysFcGICFEuRX4IWXs4";
static const char *WRONG_B64 = "68IpTKJtqhR3xoVyPTEQxonPz1E3Umoi8n65a7V3";

static void
send_bytes (GSocket * peer, guint16 port, const std::vector<guint8> & bytes)
{
  peer_send (peer, port, make_bytes (bytes));
}

static std::string
srtp_props (const char *key)
{
  return std::string ("srtp-suite=aes-cm-128-hmac-sha1-80 srtp-key=") + key;
}

/* Waits until stats @field of @e reaches @n (the receive thread counts). */
static bool
wait_stat (GstElement * e, const char *field, guint64 n)
{
  for (int i = 0; i < 300; i++) {
    if (stat_u64 (e, field) >= n)
      return true;
    g_usleep (10 * 1000);
  }
  return false;
}

static std::string
latched_address (GstElement * e)
{
  return string_property (e, "latched-address");
}

/* SRTP from a real socket comes out of comedia-rtpsrc as the very RTP that
 * was protected. */
GST_START_TEST (test_srtp_round_trip)
{
  SrcHarness sh = start_src (make_src ("srtp-rt", 1, srtp_props (KEY_B64).c_str ()));
  PeerSrtp peer_srtp (KEY_B64, true);
  GSocket *peer = make_peer ();
  guint16 port = bound_port (sh.src);

  for (guint16 seq = 1; seq <= 3; seq++) {
    std::vector<guint8> plain = take_bytes (make_rtp (0x1111, seq));
    std::vector<guint8> wire = peer_srtp.protect (make_bytes (plain));
    fail_unless (wire.size () == plain.size () + 10, "an 80-bit tag");
    send_bytes (peer, port, wire);
    GstBuffer *out = gst_harness_pull (sh.h);
    fail_unless (buffer_bytes (out) == plain, "packet %u differs", seq);
    gst_buffer_unref (out);
  }
  fail_unless_equals_int (stat_u64 (sh.src, "latched"), 1);
  fail_unless_equals_int (stat_u64 (sh.src, "auth-failed"), 0);
  fail_unless_equals_int (stat_u64 (sh.src, "passed"), 3);

  g_object_unref (peer);
  stop_src (sh);
}
GST_END_TEST;

/* A key mismatch and someone else's packets look different: failures from
 * the latched peer are counted apart (auth-failed-peer, replayed-peer), and
 * what cannot be SRTP at all (junk, a truncated datagram) is malformed, not
 * a failed authentication. */
GST_START_TEST (test_srtp_failures_told_apart)
{
  SrcHarness sh = start_src (make_src ("srtp-apart", 1, srtp_props (KEY_B64).c_str ()));
  PeerSrtp good (KEY_B64, true), wrong (WRONG_B64, true);
  GSocket *peer = make_peer (), *stranger = make_peer ();
  guint16 port = bound_port (sh.src);

  std::vector<guint8> first = good.protect (make_rtp (0x5555, 1));
  send_bytes (peer, port, first);
  gst_buffer_unref (gst_harness_pull (sh.h));
  fail_unless_equals_int (stat_u64 (sh.src, "latched"), 1);

  /* The peer under another key: a mismatch, from the peer. */
  send_bytes (peer, port, wrong.protect (make_rtp (0x5555, 2)));
  fail_unless (wait_stat (sh.src, "auth-failed-peer", 1));
  /* A stranger's forgeries and copies: failures, not the peer's. */
  send_bytes (stranger, port, wrong.protect (make_rtp (0x5555, 3)));
  send_bytes (stranger, port, first);
  fail_unless (wait_stat (sh.src, "auth-failed", 2));
  fail_unless (wait_stat (sh.src, "replayed", 1));
  /* The peer's own packet again: a replay from the peer. */
  send_bytes (peer, port, first);
  fail_unless (wait_stat (sh.src, "replayed-peer", 1));
  /* Junk: too short for an RTP header, and a DTLS-like record (version 0). */
  send_bytes (stranger, port, {0x80, 0x00, 0x01});
  std::vector<guint8> record (60, 0xab);
  record[0] = 0x16;
  send_bytes (stranger, port, record);
  fail_unless (wait_stat (sh.src, "malformed", 2));

  fail_unless_equals_int (stat_u64 (sh.src, "auth-failed"), 2);
  fail_unless_equals_int (stat_u64 (sh.src, "auth-failed-peer"), 1);
  fail_unless_equals_int (stat_u64 (sh.src, "replayed"), 2);
  fail_unless_equals_int (stat_u64 (sh.src, "replayed-peer"), 1);
  fail_unless_equals_int (stat_u64 (sh.src, "latched"), 1);
  fail_unless_equals_int (stat_u64 (sh.src, "passed"), 1);

  g_object_unref (stranger);
  g_object_unref (peer);
  stop_src (sh);
}
GST_END_TEST;

/* A packet whose tag does not match (altered, a wrong key, or plain RTP)
 * neither latches nor passes: counted, warned about, and the stream goes
 * on to latch the first packet that authenticates. */
GST_START_TEST (test_srtp_bad_tag_neither_latches_nor_passes)
{
  SrcHarness sh = start_src (make_src ("srtp-bad", 1, srtp_props (KEY_B64).c_str ()));
  PeerSrtp good (KEY_B64, true), wrong (WRONG_B64, true);
  GSocket *peer = make_peer ();
  guint16 port = bound_port (sh.src);

  std::vector<guint8> flipped = good.protect (make_rtp (0x2222, 1));
  flipped.back () ^= 0x01;
  send_bytes (peer, port, flipped);
  send_bytes (peer, port, wrong.protect (make_rtp (0x2222, 2)));
  peer_send (peer, port, make_rtp (0x2222, 3));   /* plain RTP */
  fail_unless (wait_stat (sh.src, "auth-failed", 3));
  fail_unless_equals_int (stat_u64 (sh.src, "latched"), 0);
  fail_unless_equals_int (stat_u64 (sh.src, "passed"), 0);
  const std::string latched = latched_address (sh.src);
  fail_unless_equals_string (latched.c_str (), "");
  fail_unless (gst_harness_try_pull (sh.h) == nullptr);

  /* Said in a warning, which names no key. */
  GstMessage *msg = gst_bus_timed_pop_filtered (sh.bus, GST_SECOND, GST_MESSAGE_WARNING);
  fail_unless (msg != nullptr, "no warning");
  GError *err = nullptr;
  gchar *debug = nullptr;
  gst_message_parse_warning (msg, &err, &debug);
  fail_unless (strstr (err->message, "failed authentication") != nullptr, "%s", err->message);
  fail_if (strstr (debug, KEY_B64) || strstr (err->message, KEY_B64));
  g_clear_error (&err);
  g_free (debug);
  gst_message_unref (msg);

  send_bytes (peer, port, good.protect (make_rtp (0x2222, 4)));
  GstBuffer *out = gst_harness_pull (sh.h);
  fail_unless (out != nullptr);
  gst_buffer_unref (out);
  fail_unless_equals_int (stat_u64 (sh.src, "latched"), 1);

  g_object_unref (peer);
  stop_src (sh);
}
GST_END_TEST;

/* libsrtp's replay window: the same datagram twice passes once. */
GST_START_TEST (test_srtp_replay_dropped)
{
  SrcHarness sh = start_src (make_src ("srtp-replay", 1, srtp_props (KEY_B64).c_str ()));
  PeerSrtp peer_srtp (KEY_B64, true);
  GSocket *peer = make_peer ();
  guint16 port = bound_port (sh.src);

  std::vector<guint8> wire = peer_srtp.protect (make_rtp (0x3333, 1));
  send_bytes (peer, port, wire);
  gst_buffer_unref (gst_harness_pull (sh.h));
  send_bytes (peer, port, wire);
  send_bytes (peer, port, peer_srtp.protect (make_rtp (0x3333, 2)));
  gst_buffer_unref (gst_harness_pull (sh.h));
  fail_unless (wait_stat (sh.src, "replayed", 1));
  fail_unless_equals_int (stat_u64 (sh.src, "passed"), 2);
  fail_unless (gst_harness_try_pull (sh.h) == nullptr);

  g_object_unref (peer);
  stop_src (sh);
}
GST_END_TEST;

/* Probation counts only what authenticates: forged packets with the next
 * sequence numbers between the peer's neither help nor break its run. */
GST_START_TEST (test_srtp_probation_counts_only_authenticated)
{
  std::string extra = srtp_props (KEY_B64) + " probation=3 probation-time=0";
  SrcHarness sh = start_src (make_src ("srtp-prob", 1, extra.c_str ()));
  PeerSrtp good (KEY_B64, true), wrong (WRONG_B64, true);
  GSocket *peer = make_peer ();
  guint16 port = bound_port (sh.src);

  send_bytes (peer, port, good.protect (make_rtp (0x4444, 1)));
  send_bytes (peer, port, wrong.protect (make_rtp (0x4444, 2)));
  send_bytes (peer, port, wrong.protect (make_rtp (0x4444, 3)));
  send_bytes (peer, port, good.protect (make_rtp (0x4444, 2)));
  fail_unless (wait_stat (sh.src, "auth-failed", 2));
  fail_unless (wait_stat (sh.src, "held", 2));
  fail_unless_equals_int (stat_u64 (sh.src, "latched"), 0);

  send_bytes (peer, port, good.protect (make_rtp (0x4444, 3)));
  for (guint16 seq = 1; seq <= 3; seq++) {
    GstBuffer *out = gst_harness_pull (sh.h);
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    fail_unless (gst_rtp_buffer_map (out, GST_MAP_READ, &rtp));
    fail_unless_equals_int (gst_rtp_buffer_get_seq (&rtp), seq);
    gst_rtp_buffer_unmap (&rtp);
    gst_buffer_unref (out);
  }
  fail_unless_equals_int (stat_u64 (sh.src, "latched"), 1);
  fail_unless_equals_int (stat_u64 (sh.src, "auth-failed"), 2);

  g_object_unref (peer);
  stop_src (sh);
}
GST_END_TEST;

/* SRTCP on component 2, and muxed onto component 1 (rtcp-mux). */
GST_START_TEST (test_srtcp_on_both_components)
{
  SrcHarness rtcp_sh = start_src (make_src ("srtcp", 2,
          (srtp_props (KEY_B64) + " rtcp-without-rtp=true").c_str ()));
  PeerSrtp peer_srtp (KEY_B64, true);
  GSocket *peer = make_peer ();

  std::vector<guint8> plain = take_bytes (make_rtcp_rr (0x5555));
  send_bytes (peer, bound_port (rtcp_sh.src), peer_srtp.protect (make_bytes (plain), true));
  GstBuffer *out = gst_harness_pull (rtcp_sh.h);
  fail_unless (buffer_bytes (out) == plain);
  gst_buffer_unref (out);
  stop_src (rtcp_sh);

  GstElement *src = make_src ("srtcp-mux", 1, (srtp_props (KEY_B64) + " rtcp-mux=true").c_str ());
  SrcHarness sh = start_src (src);
  GstPad *pad = nullptr;
  for (int i = 0; i < 500 && !pad; i++) {
    pad = gst_element_get_static_pad (src, "rtcp_src");
    if (!pad)
      g_usleep (10000);
  }
  fail_unless (pad != nullptr);
  gst_object_unref (pad);
  GstHarness *rtcp = gst_harness_new_with_element (src, nullptr, "rtcp_src");
  guint16 port = bound_port (src);
  std::vector<guint8> rr = take_bytes (make_rtcp_rr (0x6666));
  send_bytes (peer, port, peer_srtp.protect (make_rtp (0x6666, 1)));
  send_bytes (peer, port, peer_srtp.protect (make_bytes (rr), true));
  gst_buffer_unref (gst_harness_pull (sh.h));
  out = gst_harness_pull (rtcp);
  fail_unless (buffer_bytes (out) == rr);
  gst_buffer_unref (out);
  fail_unless_equals_int (stat_u64 (src, "auth-failed"), 0);

  gst_harness_teardown (rtcp);
  g_object_unref (peer);
  stop_src (sh);
}
GST_END_TEST;

/* Bad settings fail NULL->READY with a message that names no key. */
GST_START_TEST (test_srtp_bad_settings_fail_at_ready)
{
  const char *bad[] = {
    "srtp-suite=aes-cm-128-hmac-sha1-80 srtp-key=c2hvcnQ=",   /* too short */
    "srtp-suite=aes-cm-128-hmac-sha1-80 srtp-key=!!notbase64!!notbase64!!notbase64!!!!",
    "srtp-suite=aead-aes-256-gcm srtp-key=0VYd/GBqV92DODerMN9FluysFcGICFEuRX4IWXs4",
    "srtp-key=0VYd/GBqV92DODerMN9FluysFcGICFEuRX4IWXs4",   /* no suite */
    "srtp-suite=aes-cm-128-hmac-sha1-80",                    /* no key */
  };
  for (const char *element : {"comedia-rtpsrc", "comedia-rtpsink"}) {
    for (const char *props : bad) {
      std::string desc = std::string (element) + " session=srtp-badkey " + props;
      GstElement *e = gst_parse_launch (desc.c_str (), nullptr);
      fail_unless (e != nullptr, "%s", desc.c_str ());
      GstBus *bus = gst_bus_new ();
      gst_element_set_bus (e, bus);
      fail_unless_equals_int (gst_element_set_state (e, GST_STATE_READY),
          GST_STATE_CHANGE_FAILURE);
      GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      fail_unless (msg != nullptr, "%s: no error message", desc.c_str ());
      GError *err = nullptr;
      gchar *debug = nullptr;
      gst_message_parse_error (msg, &err, &debug);
      fail_unless (strstr (err->message, "SRTP") != nullptr, "%s", err->message);
      const char *key = strstr (props, "srtp-key=");
      if (key)
        fail_if (strstr (err->message, key + 9) || (debug && strstr (debug, key + 9)),
            "the key is in '%s'", err->message);
      g_clear_error (&err);
      g_free (debug);
      gst_message_unref (msg);
      gst_element_set_state (e, GST_STATE_NULL);
      gst_bus_set_flushing (bus, TRUE);
      gst_object_unref (e);
      gst_object_unref (bus);
    }
  }
}
GST_END_TEST;

/* comedia-rtpsink protects RTP, RTCP on component 2 and its keepalives;
 * libsrtp at the peer authenticates all of them. */
GST_START_TEST (test_sink_protects_everything_it_sends)
{
  guint16 peer_port;
  GSocket *peer = make_peer (&peer_port);
  PeerSrtp peer_srtp (KEY_B64, false);
  for (guint component : {1u, 2u}) {
    std::string desc = "comedia-rtpsink session=srtp-sink" + std::to_string (component) +
        " component=" + std::to_string (component) + " host=127.0.0.1 port=" +
        std::to_string (peer_port) + " sync=false " + srtp_props (KEY_B64);
    GstHarness *h = gst_harness_new_parse (desc.c_str ());
    gst_harness_set_src_caps_str (h, component == 1 ? "application/x-rtp" :
        "application/x-rtcp");
    GstElement *sink = gst_harness_find_element (h, "comedia-rtpsink");
    std::vector<guint8> plain = take_bytes (component == 1 ?
        make_rtp (0x7777, 1) : make_rtcp_rr (0x7777));
    fail_unless_equals_int (gst_harness_push (h, make_bytes (plain)), GST_FLOW_OK);
    std::vector<guint8> got (2048);
    gssize n = peer_receive (peer, nullptr, got.data (), got.size ());
    fail_unless (n > (gssize) plain.size (), "not protected: %d bytes", (int) n);
    got.resize (n);
    fail_unless (peer_srtp.unprotect (got, component == 2), "component %u: no SRTP",
        component);
    fail_unless (got == plain);
    fail_unless_equals_int (stat_u64 (sink, "protect-errors"), 0);
    gst_object_unref (sink);
    gst_harness_teardown (h);
  }

  g_object_unref (peer);
}
GST_END_TEST;

/* Keepalives of a sink that sends nothing else go to the latched peer as
 * SRTP too: a peer that authenticates everything keeps them. */
GST_START_TEST (test_keepalives_are_protected)
{
  SrcHarness sh = start_src (make_src ("srtp-ka", 1, srtp_props (KEY_B64).c_str ()));
  PeerSrtp sending (KEY_B64, true), receiving (WRONG_B64, false);
  GSocket *peer = make_peer ();
  send_bytes (peer, bound_port (sh.src), sending.protect (make_rtp (0x8888, 1)));
  gst_buffer_unref (gst_harness_pull (sh.h));

  std::string desc = std::string ("comedia-rtpsink session=srtp-ka keepalive-interval=50 "
      "sync=false async=false ") + srtp_props (WRONG_B64);
  GstElement *sink = gst_parse_launch (desc.c_str (), nullptr);
  fail_unless (sink != nullptr);
  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_PLAYING),
      GST_STATE_CHANGE_SUCCESS);
  std::vector<guint8> got (2048);
  gssize n = peer_receive (peer, nullptr, got.data (), got.size ());
  fail_unless (n > 12, "no keepalive");
  got.resize (n);
  fail_unless (receiving.unprotect (got), "the keepalive is not SRTP");
  fail_unless_equals_int (got[1] & 0x7f, 20);   /* the keepalive payload type */
  gst_element_set_state (sink, GST_STATE_NULL);
  gst_object_unref (sink);
  g_object_unref (peer);
  stop_src (sh);
}
GST_END_TEST;

static Suite *
srtp_elements_suite (void)
{
  Suite *s = suite_create ("comedia-srtp-elements");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_srtp_round_trip);
  tcase_add_test (tc, test_srtp_bad_tag_neither_latches_nor_passes);
  tcase_add_test (tc, test_srtp_failures_told_apart);
  tcase_add_test (tc, test_srtp_replay_dropped);
  tcase_add_test (tc, test_srtp_probation_counts_only_authenticated);
  tcase_add_test (tc, test_srtcp_on_both_components);
  tcase_add_test (tc, test_srtp_bad_settings_fail_at_ready);
  tcase_add_test (tc, test_sink_protects_everything_it_sends);
  tcase_add_test (tc, test_keepalives_are_protected);
  return s;
}

GST_CHECK_MAIN (srtp_elements);

/* Unit tests of NAT keepalives: timing and packet format, and that the
 * passive side's latching policy latches on them (or not, when malformed).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/rtp/rtp.h>

#include "comediasession.h"
#include "keepalive.h"
#include "keepaliveservice.h"
#include "latchpolicy.h"
#include "packets.h"

using namespace comedia;
using comedia::Component;

GST_START_TEST (test_goes_out_only_after_silence)
{
  KeepaliveSchedule schedule (5 * G_USEC_PER_SEC);
  fail_unless (schedule.enabled ());
  /* Nothing sent yet: due at once. */
  fail_unless (schedule.due (1000, 0));
  /* Media was sent 1 s ago: not due for 4 more seconds. */
  fail_if (schedule.due (11 * G_USEC_PER_SEC, 10 * G_USEC_PER_SEC));
  fail_unless_equals_int64 (schedule.wait_us (11 * G_USEC_PER_SEC, 10 * G_USEC_PER_SEC),
      4 * G_USEC_PER_SEC);
  fail_unless (schedule.due (15 * G_USEC_PER_SEC, 10 * G_USEC_PER_SEC));
  fail_unless_equals_int64 (schedule.wait_us (16 * G_USEC_PER_SEC, 10 * G_USEC_PER_SEC), 0);

  KeepaliveSchedule off (0);
  fail_if (off.enabled ());
  fail_if (off.due (G_MAXINT64 / 2, 0));
  fail_unless_equals_int64 (off.wait_us (1, 0), -1);
}
GST_END_TEST;

GST_START_TEST (test_rtp_keepalive_format)
{
  GstBuffer *ka = make_rtp_keepalive (0xabcd, 4242, DEFAULT_KEEPALIVE_PAYLOAD_TYPE);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  fail_unless (gst_rtp_buffer_map (ka, GST_MAP_READ, &rtp));
  fail_unless_equals_int (gst_rtp_buffer_get_version (&rtp), 2);
  fail_unless_equals_int (gst_rtp_buffer_get_ssrc (&rtp), 0xabcd);
  fail_unless_equals_int (gst_rtp_buffer_get_seq (&rtp), 4242);
  fail_unless_equals_int (gst_rtp_buffer_get_payload_type (&rtp), 20);
  fail_unless_equals_int (gst_rtp_buffer_get_payload_len (&rtp), 0);
  gst_rtp_buffer_unmap (&rtp);
  fail_unless_equals_int (gst_buffer_get_size (ka), 12);
  gst_buffer_unref (ka);
}
GST_END_TEST;

GST_START_TEST (test_rtcp_keepalive_format)
{
  GstBuffer *ka = make_rtcp_keepalive (0xabcd);
  /* A valid compound (an RR first) that any RTCP receiver accepts. */
  fail_unless (gst_rtcp_buffer_validate (ka));
  PacketFacts facts = inspect_packet (ka, COMPONENT_RTCP, false);
  fail_unless (facts.kind == PacketKind::Rtcp);
  fail_unless_equals_int (facts.ssrc, 0xabcd);
  fail_unless_equals_int (facts.rtcp_type, GST_RTCP_TYPE_RR);
  fail_unless_equals_int (gst_buffer_get_size (ka), 8);
  gst_buffer_unref (ka);
}
GST_END_TEST;

static LatchPolicy::Config
passive_defaults (guint component)
{
  /* comedia-rtpsrc's defaults. */
  LatchPolicy::Config c;
  c.component = component;
  c.probation_packets = 4;
  c.probation_min_us = 20 * 1000;
  c.relatch = Relatch::Ssrc;
  c.rtcp_requires_rtp_peer = true;
  return c;
}

GST_START_TEST (test_passive_side_latches_on_initial_burst)
{
  LatchPolicy rtp (passive_defaults (COMPONENT_RTP));
  LatchPolicy rtcp (passive_defaults (COMPONENT_RTCP));
  PeerAddress nat;
  PeerAddress::parse ("203.0.113.1", 40000, nat);
  PeerAddress nat_rtcp = nat;
  nat_rtcp.port = 40001;

  /* The burst the active side sends right after the answer. */
  LatchDecision d;
  for (guint i = 0; i < INITIAL_KEEPALIVE_BURST && !rtp.latched (); i++) {
    GstBuffer *ka = make_rtp_keepalive (0x77, 100 + i, DEFAULT_KEEPALIVE_PAYLOAD_TYPE);
    d = rtp.on_packet (nat, inspect_packet (ka, COMPONENT_RTP, false),
        i * INITIAL_KEEPALIVE_SPACING_US, ka);
    gst_buffer_unref (ka);
  }
  fail_unless (rtp.latched (), "the keepalive burst did not pass probation");
  fail_unless (rtp.peer () == nat);

  /* The RTCP keepalive carries the same SSRC: the RTCP side latches too. */
  rtcp.set_rtp_peer_ssrc (true, rtp.peer_ssrc ());
  GstBuffer *rr = make_rtcp_keepalive (0x77);
  d = rtcp.on_packet (nat_rtcp, inspect_packet (rr, COMPONENT_RTCP, false), 0, rr);
  gst_buffer_unref (rr);
  fail_unless (d.verdict == Verdict::Latch);

  std::vector<GstBuffer *> held;
  rtp.take_released (held);
  for (GstBuffer *b : held)
    gst_buffer_unref (b);
}
GST_END_TEST;

GST_START_TEST (test_malformed_keepalive_does_not_latch)
{
  LatchPolicy rtp (passive_defaults (COMPONENT_RTP));
  PeerAddress nat;
  PeerAddress::parse ("203.0.113.1", 40000, nat);

  for (guint i = 0; i < 8; i++) {
    std::vector<guint8> bytes = take_bytes (make_rtp_keepalive (0x77, 100 + i, 20));
    bytes[0] = 0x40;    /* RTP version 1 */
    GstBuffer *bad = make_bytes (bytes);
    LatchDecision d = rtp.on_packet (nat, inspect_packet (bad, COMPONENT_RTP, false),
        i * 10000, bad);
    gst_buffer_unref (bad);
    fail_unless (d.reason == DropReason::Malformed);
  }
  /* Truncated to 11 bytes. */
  std::vector<guint8> bytes = take_bytes (make_rtp_keepalive (0x77, 1, 20));
  bytes.pop_back ();
  GstBuffer *bad = make_bytes (bytes);
  fail_unless (rtp.on_packet (nat, inspect_packet (bad, COMPONENT_RTP, false), 0,
          bad).reason == DropReason::Malformed);
  gst_buffer_unref (bad);
  fail_if (rtp.latched ());

  /* An RTCP keepalive cut short is not RTCP either. */
  std::vector<guint8> rr = take_bytes (make_rtcp_keepalive (0x77));
  rr.resize (6);
  GstBuffer *short_rr = make_bytes (rr);
  fail_unless (inspect_packet (short_rr, COMPONENT_RTCP, false).kind == PacketKind::Malformed);
  gst_buffer_unref (short_rr);
}
GST_END_TEST;

/* A peer socket on loopback that the service sends to. */
static GSocket *
loopback_peer (GSocketAddress ** addr_out)
{
  GSocket *sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, nullptr);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *any = g_inet_socket_address_new (lo, 0);
  fail_unless (g_socket_bind (sock, any, FALSE, nullptr));
  g_object_unref (any);
  g_object_unref (lo);
  *addr_out = g_socket_get_local_address (sock, nullptr);
  return sock;
}

/* Opens @component of stream 1 of @session on loopback, sending to a new
 * loopback peer (*@peer_out, owned by the caller). */
static Component *
open_to_peer (ComediaSession * session, guint component, GSocket ** peer_out)
{
  GError *err = nullptr;
  comedia::BindRequest req;
  req.address = "127.0.0.1";
  Component *c = comedia_session_open_component (session, 1, component, &req,
      &err);
  fail_unless (c != nullptr, "%s", err ? err->message : "");
  GSocketAddress *peer_addr = nullptr;
  *peer_out = loopback_peer (&peer_addr);
  c->destination.set_static (peer_addr);
  g_object_unref (peer_addr);
  return c;
}

/* Receives until @deadline_ms passes; returns the RTP keepalives seen as
 * (seq, arrival ms) and checks each came from @from_port. */
static std::vector<std::pair<guint16, gint64>>
collect_keepalives (GSocket * sock, guint16 from_port, gint64 for_ms)
{
  std::vector<std::pair<guint16, gint64>> seen;
  gint64 start = g_get_monotonic_time ();
  gint64 end = start + for_ms * 1000;
  for (;;) {
    gint64 left = end - g_get_monotonic_time ();
    if (left <= 0)
      break;
    if (!g_socket_condition_timed_wait (sock, G_IO_IN, left, nullptr, nullptr))
      break;
    guint8 data[1500];
    GSocketAddress *from = nullptr;
    gssize n = g_socket_receive_from (sock, &from, (gchar *) data, sizeof (data),
        nullptr, nullptr);
    fail_unless (n > 0);
    fail_unless_equals_int (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (from)),
        from_port);
    g_object_unref (from);
    GstBuffer *b = gst_buffer_new_memdup (data, n);
    PacketFacts f = inspect_packet (b, COMPONENT_RTP, false);
    gst_buffer_unref (b);
    fail_unless (f.kind == PacketKind::Rtp);
    fail_unless_equals_int (f.payload_type, DEFAULT_KEEPALIVE_PAYLOAD_TYPE);
    seen.push_back ({f.seq, (g_get_monotonic_time () - start) / 1000});
  }
  return seen;
}

GST_START_TEST (test_service_burst_then_after_silence_only)
{
  ComediaSession *session = comedia_session_acquire ("keepalive-service");
  GSocket *peer = nullptr;
  Component *c = open_to_peer (session, 1, &peer);

  comedia_keepalive_start (session, 1, 300, DEFAULT_KEEPALIVE_PAYLOAD_TYPE, TRUE);
  /* The burst: consecutive sequence numbers, about 10 ms apart, enough for
   * the passive side's probation; then nothing until 300 ms of silence. */
  auto burst = collect_keepalives (peer, c->slot.local_port (), 150);
  fail_unless_equals_int (burst.size (), INITIAL_KEEPALIVE_BURST);
  for (size_t i = 1; i < burst.size (); i++)
    fail_unless_equals_int ((guint16) (burst[i].first - burst[i - 1].first), 1);
  fail_unless (burst.back ().second - burst.front ().second >= 20);

  auto later = collect_keepalives (peer, c->slot.local_port (), 500);
  fail_unless (later.size () >= 1 && later.size () <= 2, "%zu keepalives", later.size ());
  fail_unless (later[0].second >= 100, "keepalive after %" G_GINT64_FORMAT " ms", later[0].second);

  /* Media flowing (a send every 100 ms) means no keepalive at all. */
  for (int i = 0; i < 8; i++) {
    c->sending.note_sent (g_get_monotonic_time ());
    auto none = collect_keepalives (peer, c->slot.local_port (), 100);
    fail_unless_equals_int (none.size (), 0);
  }

  comedia_keepalive_stop (session, 1);
  auto stopped = collect_keepalives (peer, c->slot.local_port (), 500);
  fail_unless_equals_int (stopped.size (), 0);
  fail_unless (c->counters.get (comedia::Count::KeepalivesSent) >= 6);

  g_object_unref (peer);
  g_object_unref (session);
}
GST_END_TEST;

/* The RTCP keepalive of the initial burst, received on @sock: its SSRC. */
static guint32
rtcp_keepalive_ssrc (GSocket * sock)
{
  fail_unless (g_socket_condition_timed_wait (sock, G_IO_IN, G_USEC_PER_SEC,
          nullptr, nullptr), "no RTCP keepalive");
  guint8 data[1500];
  gssize n = g_socket_receive (sock, (gchar *) data, sizeof (data), nullptr,
      nullptr);
  fail_unless (n > 0);
  GstBuffer *b = gst_buffer_new_memdup (data, n);
  PacketFacts f = inspect_packet (b, COMPONENT_RTCP, false);
  gst_buffer_unref (b);
  fail_unless (f.kind == PacketKind::Rtcp);
  return f.ssrc;
}

/* Once media has gone out on the RTP component, RTCP keepalives speak for
 * its sender: the passive side latches RTCP only from the SSRC that its RTP
 * side latched, which is the media's if media latched first. */
/* A burst started before the stream has anywhere to send (a sink whose
 * peer is not latched yet) waits for the destination instead of being spent
 * into the void: the passive side must still get probation's worth at once. */
GST_START_TEST (test_service_burst_waits_for_destination)
{
  ComediaSession *session = comedia_session_acquire ("keepalive-burst-wait");
  GError *err = nullptr;
  comedia::BindRequest req;
  req.address = "127.0.0.1";
  Component *c = comedia_session_open_component (session, 1, 1, &req, &err);
  fail_unless (c != nullptr, "%s", err ? err->message : "");

  comedia_keepalive_start (session, 1, 10000, DEFAULT_KEEPALIVE_PAYLOAD_TYPE, TRUE);
  g_usleep (200 * 1000);        /* 20 burst spacings with no destination */
  fail_unless_equals_int (c->counters.get (comedia::Count::KeepalivesSent), 0);

  GSocketAddress *peer_addr = nullptr;
  GSocket *peer = loopback_peer (&peer_addr);
  c->destination.set_static (peer_addr);
  g_object_unref (peer_addr);
  auto burst = collect_keepalives (peer, c->slot.local_port (), 400);
  fail_unless_equals_int (burst.size (), INITIAL_KEEPALIVE_BURST);
  for (size_t i = 1; i < burst.size (); i++)
    fail_unless_equals_int ((guint16) (burst[i].first - burst[i - 1].first), 1);

  /* An RTCP side whose destination comes later (a comedia-rtpsink learns
   * its host/port with its first report) still gets the burst's report,
   * long before the 10 s interval. */
  Component *rtcp = comedia_session_open_component (session, 1, 2, &req, &err);
  fail_unless (rtcp != nullptr, "%s", err ? err->message : "");
  GSocketAddress *rtcp_addr = nullptr;
  GSocket *rtcp_peer = loopback_peer (&rtcp_addr);
  rtcp->sending.note_sent (g_get_monotonic_time ());   /* that report */
  rtcp->destination.set_static (rtcp_addr);
  g_object_unref (rtcp_addr);
  rtcp_keepalive_ssrc (rtcp_peer);

  comedia_keepalive_stop (session, 1);
  g_object_unref (rtcp_peer);
  g_object_unref (peer);
  g_object_unref (session);
}
GST_END_TEST;

GST_START_TEST (test_rtcp_keepalive_speaks_for_media_sender)
{
  ComediaSession *session = comedia_session_acquire ("keepalive-rtcp-ssrc");
  GSocket *rtp_peer = nullptr, *rtcp_peer = nullptr;
  Component *rtp = open_to_peer (session, 1, &rtp_peer);
  open_to_peer (session, 2, &rtcp_peer);

  /* No media yet: the keepalives' own SSRC, as the RTP keepalives carry. */
  comedia_keepalive_start (session, 1, 10000, DEFAULT_KEEPALIVE_PAYLOAD_TYPE, TRUE);
  guint32 own = rtcp_keepalive_ssrc (rtcp_peer);
  auto burst = collect_keepalives (rtp_peer, rtp->slot.local_port (), 150);
  fail_unless (!burst.empty ());
  comedia_keepalive_stop (session, 1);

  /* Media sent with SSRC 0x5eed (comedia-rtpsink records it). */
  rtp->sending.note_rtp_ssrc (0x5eed);
  comedia_keepalive_start (session, 1, 10000, DEFAULT_KEEPALIVE_PAYLOAD_TYPE, TRUE);
  fail_unless_equals_int (rtcp_keepalive_ssrc (rtcp_peer), 0x5eed);
  fail_unless (own != 0x5eed);
  comedia_keepalive_stop (session, 1);

  g_object_unref (rtp_peer);
  g_object_unref (rtcp_peer);
  g_object_unref (session);
}
GST_END_TEST;

static Suite *
keepalive_suite (void)
{
  Suite *s = suite_create ("keepalive");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_goes_out_only_after_silence);
  tcase_add_test (tc, test_rtp_keepalive_format);
  tcase_add_test (tc, test_rtcp_keepalive_format);
  tcase_add_test (tc, test_passive_side_latches_on_initial_burst);
  tcase_add_test (tc, test_malformed_keepalive_does_not_latch);
  tcase_add_test (tc, test_service_burst_then_after_silence_only);
  tcase_add_test (tc, test_service_burst_waits_for_destination);
  tcase_add_test (tc, test_rtcp_keepalive_speaks_for_media_sender);
  return s;
}

GST_CHECK_MAIN (keepalive);

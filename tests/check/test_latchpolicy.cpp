/* Unit tests of the latching rules: packet by packet, no pipeline.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "latchpolicy.h"
#include "packets.h"

#include <string>

using namespace comedia;

static PeerAddress
addr (const char *ip, uint16_t port)
{
  PeerAddress a;
  fail_unless (PeerAddress::parse (ip, port, a));
  return a;
}

static LatchDecision
feed (LatchPolicy & policy, const PeerAddress & from, GstBuffer * packet,
    int64_t t_us, bool mux = false)
{
  LatchDecision d = policy.on_packet (from, packet, t_us, mux);
  gst_buffer_unref (packet);
  return d;
}

GST_START_TEST (test_first_rtp_packet_latches)
{
  LatchPolicy policy;
  PeerAddress nat = addr ("203.0.113.1", 40001);

  fail_if (policy.latched ());
  LatchDecision d = feed (policy, nat, make_rtp (0xabc, 1), 1000);
  fail_unless (d.verdict == Verdict::Latch);
  fail_unless (policy.latched ());
  fail_unless (policy.peer () == nat);
  fail_unless_equals_int (policy.peer_ssrc (), 0xabc);

  d = feed (policy, nat, make_rtp (0xabc, 2), 2000);
  fail_unless (d.verdict == Verdict::Accept);
  fail_unless_equals_int64 (policy.last_peer_packet_us (), 2000);
}
GST_END_TEST;

GST_START_TEST (test_other_source_dropped_after_latch)
{
  LatchPolicy policy;
  feed (policy, addr ("203.0.113.1", 40001), make_rtp (1, 1), 0);

  /* Same IP, other port; other IP, same port: both foreign. */
  fail_unless (feed (policy, addr ("203.0.113.1", 40002), make_rtp (1, 2), 1).verdict
      == Verdict::DropForeign);
  fail_unless (feed (policy, addr ("198.51.100.7", 40001), make_rtp (1, 2), 1).verdict
      == Verdict::DropForeign);
  fail_unless (policy.peer () == addr ("203.0.113.1", 40001));
}
GST_END_TEST;

GST_START_TEST (test_malformed_rtp_never_latches)
{
  LatchPolicy policy;
  PeerAddress a = addr ("203.0.113.1", 40001);

  std::vector<guint8> valid = buffer_bytes (make_rtp (5, 5));
  std::vector<guint8> v0 = valid, v1 = valid, v3 = valid;
  v0[0] = (v0[0] & 0x3f);          /* version 0 */
  v1[0] = (v1[0] & 0x3f) | 0x40;   /* version 1 */
  v3[0] = (v3[0] & 0x3f) | 0xc0;   /* version 3 */

  fail_unless (feed (policy, a, make_bytes ({0x80}), 0).verdict == Verdict::DropMalformed);
  fail_unless (feed (policy, a, make_bytes (std::vector<guint8> (valid.begin (), valid.begin () + 11)), 0).verdict
      == Verdict::DropMalformed);
  fail_unless (feed (policy, a, make_bytes (v0), 0).verdict == Verdict::DropMalformed);
  fail_unless (feed (policy, a, make_bytes (v1), 0).verdict == Verdict::DropMalformed);
  fail_unless (feed (policy, a, make_bytes (v3), 0).verdict == Verdict::DropMalformed);
  fail_unless (feed (policy, a, make_bytes ({}), 0).verdict == Verdict::DropMalformed);
  /* RTCP on the RTP component does not latch it. */
  fail_unless (feed (policy, a, make_rtcp_rr (9), 0).verdict == Verdict::DropMalformed);
  fail_if (policy.latched ());

  /* Exactly 12 bytes is a valid RTP header with no payload. */
  fail_unless (feed (policy, a, make_bytes (std::vector<guint8> (valid.begin (), valid.begin () + 12)), 0).verdict
      == Verdict::Latch);
}
GST_END_TEST;

GST_START_TEST (test_rtcp_component)
{
  LatchPolicy::Config config;
  config.component = COMPONENT_RTCP;
  LatchPolicy policy (config);
  PeerAddress a = addr ("203.0.113.1", 40002);

  std::vector<guint8> rr = buffer_bytes (make_rtcp_rr (0x77));
  /* Truncated compound: cut in the middle of the report block. */
  fail_unless (feed (policy, a, make_bytes (std::vector<guint8> (rr.begin (), rr.begin () + 20)), 0).verdict
      == Verdict::DropMalformed);
  fail_unless (feed (policy, a, make_bytes ({0x81, 0xc9}), 0).verdict == Verdict::DropMalformed);
  /* RTP does not latch RTCP. */
  fail_unless (feed (policy, a, make_rtp (1, 1), 0).verdict == Verdict::DropMalformed);
  fail_if (policy.latched ());

  fail_unless (feed (policy, a, make_bytes (rr), 0).verdict == Verdict::Latch);
  fail_unless_equals_int (policy.peer_ssrc (), 0x77);
}
GST_END_TEST;

GST_START_TEST (test_rtcp_mux_classification)
{
  GstBuffer *rtp = make_rtp (1, 1, 111);
  GstBuffer *rtcp = make_rtcp_rr (2);

  fail_unless (inspect_packet (rtp, COMPONENT_RTP, true).kind == PacketKind::Rtp);
  fail_unless (inspect_packet (rtcp, COMPONENT_RTP, true).kind == PacketKind::Rtcp);
  /* Without mux, RTCP on component 1 is just not RTP. */
  fail_unless (inspect_packet (rtcp, COMPONENT_RTP, false).kind == PacketKind::Malformed);

  guint8 b[2] = { 0x80, 200 };
  fail_unless (looks_like_rtcp (b, 2));
  b[1] = 0x80 | 96;   /* marker bit + PT 96 = 224: RTP */
  fail_if (looks_like_rtcp (b, 2));
  gst_buffer_unref (rtp);
  gst_buffer_unref (rtcp);
}
GST_END_TEST;

GST_START_TEST (test_ipv4_mapped_is_ipv4)
{
  PeerAddress mapped = addr ("::ffff:203.0.113.1", 5004);
  fail_unless (mapped.family == PeerAddress::Family::IPv4);
  fail_unless (mapped == addr ("203.0.113.1", 5004));
  std::string v4 = mapped.to_string ();
  std::string v6 = addr ("2001:db8::1", 5004).to_string ();
  fail_unless_equals_string (v4.c_str (), "203.0.113.1:5004");
  fail_unless_equals_string (v6.c_str (), "[2001:db8::1]:5004");
}
GST_END_TEST;

GST_START_TEST (test_reset_forgets_peer)
{
  LatchPolicy policy;
  feed (policy, addr ("203.0.113.1", 1), make_rtp (1, 1), 0);
  policy.reset ();
  fail_if (policy.latched ());
  fail_unless (feed (policy, addr ("203.0.113.2", 2), make_rtp (1, 1), 0).verdict
      == Verdict::Latch);
}
GST_END_TEST;

static Suite *
latchpolicy_suite (void)
{
  Suite *s = suite_create ("latchpolicy");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_first_rtp_packet_latches);
  tcase_add_test (tc, test_other_source_dropped_after_latch);
  tcase_add_test (tc, test_malformed_rtp_never_latches);
  tcase_add_test (tc, test_rtcp_component);
  tcase_add_test (tc, test_rtcp_mux_classification);
  tcase_add_test (tc, test_ipv4_mapped_is_ipv4);
  tcase_add_test (tc, test_reset_forgets_peer);
  return s;
}

GST_CHECK_MAIN (latchpolicy);

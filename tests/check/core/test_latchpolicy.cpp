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

/* Feeds one packet at @t_ms milliseconds, as the element does (the policy
 * may hold a reference). */
static LatchDecision
feed (LatchPolicy & policy, const PeerAddress & from, GstBuffer * packet,
    int64_t t_ms, bool mux = false)
{
  PacketFacts facts = inspect_packet (packet, policy.config ().component, mux);
  LatchDecision d = policy.on_packet (from, facts, t_ms * 1000, packet);
  gst_buffer_unref (packet);
  return d;
}

static LatchPolicy::Config
rtp_config (guint probation = 1, int64_t min_ms = 0)
{
  LatchPolicy::Config c;
  c.component = COMPONENT_RTP;
  c.probation_packets = probation;
  c.probation_min_us = min_ms * 1000;
  return c;
}

static LatchPolicy::Config
rtcp_config (bool requires_rtp_peer)
{
  LatchPolicy::Config c;
  c.component = COMPONENT_RTCP;
  c.rtcp_requires_rtp_peer = requires_rtp_peer;
  return c;
}

static std::vector<guint16>
released_seqs (LatchPolicy & policy)
{
  std::vector<GstBuffer *> bufs;
  policy.take_released (bufs);
  std::vector<guint16> seqs;
  for (GstBuffer *b : bufs) {
    seqs.push_back (inspect_packet (b, COMPONENT_RTP, false).seq);
    gst_buffer_unref (b);
  }
  return seqs;
}

GST_START_TEST (test_first_packet_latches_without_probation)
{
  LatchPolicy policy (rtp_config (1));
  PeerAddress nat = addr ("203.0.113.1", 40001);

  fail_if (policy.latched ());
  LatchDecision d = feed (policy, nat, make_rtp (0xabc, 1), 1);
  fail_unless (d.verdict == Verdict::Latch);
  fail_if (d.relatched);
  fail_unless_equals_int (d.released, 0);
  fail_unless (policy.peer () == nat);
  fail_unless_equals_int (policy.peer_ssrc (), 0xabc);

  d = feed (policy, nat, make_rtp (0xabc, 2), 2);
  fail_unless (d.verdict == Verdict::Accept);
  fail_unless_equals_int64 (policy.last_peer_packet_us (), 2000);
}
GST_END_TEST;

GST_START_TEST (test_other_source_dropped_after_latch)
{
  LatchPolicy policy (rtp_config (1));
  feed (policy, addr ("203.0.113.1", 40001), make_rtp (1, 1), 0);

  /* Same IP other port, other IP same port: both foreign; never relatch. */
  LatchDecision d = feed (policy, addr ("203.0.113.1", 40002), make_rtp (2, 9), 1);
  fail_unless (d.verdict == Verdict::Drop);
  fail_unless (d.reason == DropReason::ForeignSource);
  d = feed (policy, addr ("198.51.100.7", 40001), make_rtp (2, 9), 1);
  fail_unless (d.reason == DropReason::ForeignSource);
  fail_unless (policy.peer () == addr ("203.0.113.1", 40001));
}
GST_END_TEST;

GST_START_TEST (test_malformed_rtp_never_latches)
{
  LatchPolicy policy (rtp_config (1));
  PeerAddress a = addr ("203.0.113.1", 40001);

  std::vector<guint8> valid = take_bytes (make_rtp (5, 5));
  std::vector<guint8> v0 = valid, v1 = valid, v3 = valid;
  v0[0] = (v0[0] & 0x3f);          /* version 0 */
  v1[0] = (v1[0] & 0x3f) | 0x40;   /* version 1 */
  v3[0] = (v3[0] & 0x3f) | 0xc0;   /* version 3 */
  std::vector<guint8> eleven (valid.begin (), valid.begin () + 11);
  std::vector<guint8> twelve (valid.begin (), valid.begin () + 12);

  for (GstBuffer *b : { make_bytes ({0x80}), make_bytes (eleven), make_bytes (v0),
          make_bytes (v1), make_bytes (v3), make_bytes ({}), make_rtcp_rr (9) }) {
    LatchDecision d = feed (policy, a, b, 0);
    fail_unless (d.verdict == Verdict::Drop);
    fail_unless (d.reason == DropReason::Malformed);
  }
  fail_if (policy.latched ());

  /* Exactly 12 bytes is a valid RTP header with no payload. */
  fail_unless (feed (policy, a, make_bytes (twelve), 0).verdict == Verdict::Latch);
}
GST_END_TEST;

GST_START_TEST (test_probation_holds_then_releases_in_order)
{
  LatchPolicy policy (rtp_config (4, 20));
  PeerAddress peer = addr ("203.0.113.1", 40001);

  /* 20 ms audio packets: the fourth (60 ms after the first) latches. */
  for (guint16 seq = 100; seq < 103; seq++)
    fail_unless (feed (policy, peer, make_rtp (7, seq), (seq - 100) * 20).verdict
        == Verdict::Hold);
  fail_if (policy.latched ());
  LatchDecision d = feed (policy, peer, make_rtp (7, 103), 60);
  fail_unless (d.verdict == Verdict::Latch);
  fail_unless_equals_int (d.released, 3);
  std::vector<guint16> seqs = released_seqs (policy);
  fail_unless (seqs == std::vector<guint16> ({100, 101, 102}));
}
GST_END_TEST;

GST_START_TEST (test_probation_needs_continuity)
{
  LatchPolicy policy (rtp_config (4, 0));
  PeerAddress peer = addr ("203.0.113.1", 40001);

  feed (policy, peer, make_rtp (7, 1), 0);
  feed (policy, peer, make_rtp (7, 2), 1);
  feed (policy, peer, make_rtp (7, 4), 2);   /* gap: starts over */
  feed (policy, peer, make_rtp (8, 5), 3);   /* new SSRC: starts over */
  feed (policy, peer, make_rtp (8, 6), 4);
  feed (policy, peer, make_rtp (8, 7), 5);
  fail_if (policy.latched ());
  fail_unless (feed (policy, peer, make_rtp (8, 8), 6).verdict == Verdict::Latch);
  /* Only the packets of the run that latched are released. */
  fail_unless (released_seqs (policy) == std::vector<guint16> ({5, 6, 7}));
}
GST_END_TEST;

GST_START_TEST (test_quick_burst_does_not_latch)
{
  LatchPolicy policy (rtp_config (4, 20));
  PeerAddress attacker = addr ("198.51.100.66", 9999);

  /* Four consecutive packets within a millisecond: count met, time not. */
  for (guint16 seq = 1; seq <= 4; seq++)
    fail_unless (feed (policy, attacker, make_rtp (0xbad, seq), 0).verdict
        == Verdict::Hold);
  fail_if (policy.latched ());
}
GST_END_TEST;

/* The RTP Bleed spray: single packets and 2-3 packet bursts with a new SSRC
 * every 20 ms, from several ports, interleaved with a real 20 ms stream. */
GST_START_TEST (test_spray_loses_to_real_peer)
{
  LatchPolicy policy (rtp_config (4, 20));
  PeerAddress peer = addr ("203.0.113.1", 40001);
  GRand *rand = g_rand_new_with_seed (42);
  int latched_at = -1;

  for (int t = 0; t < 200 && latched_at < 0; t++) {
    if (t >= 50 && t % 20 == 0) {
      LatchDecision d = feed (policy, peer, make_rtp (0x600d, (t - 50) / 20), t);
      if (d.latched_now ())
        latched_at = t;
    }
    guint32 ssrc = g_rand_int (rand);
    guint16 seq = g_rand_int_range (rand, 0, 65536);
    PeerAddress from = addr ("198.51.100.66", 5000 + g_rand_int_range (rand, 0, 3));
    int burst = 1 + t % 3;
    for (int i = 0; i < burst; i++)
      fail_if (feed (policy, from, make_rtp (ssrc, seq + i), t).passes ());
  }
  g_rand_free (rand);
  fail_unless (policy.peer () == peer);
  /* Within 100 ms of the peer's first packet (t = 50). */
  fail_unless (latched_at >= 50 && latched_at - 50 <= 100, "latched at %d", latched_at);
  fail_unless_equals_int (policy.candidates (), 0);
}
GST_END_TEST;

GST_START_TEST (test_flood_of_sources_cannot_evict_peer)
{
  LatchPolicy policy (rtp_config (4, 0));
  PeerAddress peer = addr ("203.0.113.1", 40001);

  for (guint16 seq = 0; seq < 4; seq++) {
    /* Between two packets of the peer, thirty one-packet sources (a flood
     * at 30 times the peer's rate). */
    for (int i = 0; i < 30; i++)
      feed (policy, addr ("198.51.100.66", 1000 + seq * 100 + i),
          make_rtp (i, i), seq * 20);
    LatchDecision d = feed (policy, peer, make_rtp (1, seq), seq * 20 + 1);
    if (seq == 3)
      fail_unless (d.verdict == Verdict::Latch);
  }
  fail_unless (policy.peer () == peer);
}
GST_END_TEST;

GST_START_TEST (test_allowed_source_prefix)
{
  SourcePrefix prefix;
  fail_unless (SourcePrefix::parse ("203.0.113.0/24", prefix));
  fail_unless (prefix.contains (addr ("203.0.113.200", 1)));
  fail_if (prefix.contains (addr ("203.0.114.1", 1)));
  fail_if (prefix.contains (addr ("2001:db8::1", 1)));
  fail_unless (SourcePrefix::parse ("203.0.113.7", prefix));
  fail_unless (prefix.contains (addr ("203.0.113.7", 1)));
  fail_if (prefix.contains (addr ("203.0.113.8", 1)));
  fail_unless (SourcePrefix::parse ("2001:db8::/32", prefix));
  fail_unless (prefix.contains (addr ("2001:db8:ffff::1", 1)));
  fail_unless (SourcePrefix::parse ("", prefix));
  fail_unless (prefix.any ());
  for (const char *bad : { "203.0.113.0/33", "nonsense", "1.2.3.4/", "1.2.3.4/x", "/8" })
    fail_if (SourcePrefix::parse (bad, prefix), "accepted %s", bad);

  LatchPolicy::Config config = rtp_config (1);
  SourcePrefix::parse ("203.0.113.0/24", config.allowed);
  LatchPolicy policy (config);
  LatchDecision d = feed (policy, addr ("198.51.100.66", 1), make_rtp (1, 1), 0);
  fail_unless (d.reason == DropReason::OutsideAllowed);
  fail_unless (feed (policy, addr ("203.0.113.9", 1), make_rtp (1, 1), 0).verdict
      == Verdict::Latch);
}
GST_END_TEST;

/* sdp-negotiator restricts the source after learning began (the answer went
 * out after an attacker's packets arrived): candidates and a latched peer
 * outside the prefix are forgotten. */
GST_START_TEST (test_allowed_source_set_later)
{
  LatchPolicy policy (rtp_config (1));
  PeerAddress attacker = addr ("198.51.100.66", 40000);
  PeerAddress nat = addr ("203.0.113.1", 40001);
  feed (policy, attacker, make_rtp (1, 1), 0);
  fail_unless (policy.peer () == attacker);

  SourcePrefix nat_only;
  fail_unless (SourcePrefix::parse ("203.0.113.1", nat_only));
  fail_unless (policy.set_allowed (nat_only));
  fail_if (policy.latched ());
  fail_unless (feed (policy, attacker, make_rtp (1, 2), 1).reason
      == DropReason::OutsideAllowed);
  fail_unless (feed (policy, nat, make_rtp (7, 1), 2).verdict == Verdict::Latch);
  /* The same prefix again, or one that holds the peer: nothing changes. */
  fail_if (policy.set_allowed (nat_only));
  fail_unless (policy.peer () == nat);

  LatchPolicy probation (rtp_config (4, 0));
  feed (probation, attacker, make_rtp (1, 1), 0);
  feed (probation, nat, make_rtp (7, 1), 0);
  fail_unless_equals_int (probation.candidates (), 2);
  fail_if (probation.set_allowed (nat_only));
  fail_unless_equals_int (probation.candidates (), 1);
}
GST_END_TEST;

GST_START_TEST (test_relatch_never)
{
  LatchPolicy::Config config = rtp_config (1);
  config.relatch = Relatch::Never;
  LatchPolicy policy (config);
  feed (policy, addr ("203.0.113.1", 1000), make_rtp (5, 10), 0);
  fail_unless (feed (policy, addr ("203.0.113.1", 2000), make_rtp (5, 11), 1).reason
      == DropReason::ForeignSource);
}
GST_END_TEST;

GST_START_TEST (test_relatch_same_ssrc_with_continuity)
{
  LatchPolicy::Config config = rtp_config (1);
  config.relatch = Relatch::Ssrc;
  LatchPolicy policy (config);
  PeerAddress old_mapping = addr ("203.0.113.1", 1000);
  PeerAddress new_mapping = addr ("203.0.113.1", 2000);
  feed (policy, old_mapping, make_rtp (5, 10), 0);

  /* Other SSRC, or the same SSRC with a big jump: refused. */
  fail_unless (feed (policy, new_mapping, make_rtp (6, 11), 1).verdict == Verdict::Drop);
  fail_unless (feed (policy, new_mapping, make_rtp (5, 5000), 1).verdict == Verdict::Drop);
  fail_unless (feed (policy, new_mapping, make_rtp (5, 10), 1).verdict == Verdict::Drop);

  /* The NAT rebinds: the next packet, from the new port, takes over. */
  LatchDecision d = feed (policy, new_mapping, make_rtp (5, 12), 2);
  fail_unless (d.verdict == Verdict::Latch);
  fail_unless (d.relatched);
  fail_unless (d.previous == old_mapping);
  fail_unless (policy.peer () == new_mapping);
  /* A replay of an old packet from the old mapping does not move it back. */
  fail_unless (feed (policy, old_mapping, make_rtp (5, 12), 3).verdict == Verdict::Drop);
}
GST_END_TEST;

GST_START_TEST (test_timeout_fires_once_per_silence)
{
  LatchPolicy::Config config = rtp_config (1);
  config.timeout_us = 1000 * 1000;
  LatchPolicy policy (config);
  PeerAddress peer = addr ("203.0.113.1", 1000);

  fail_unless_equals_int64 (policy.time_to_timeout (0), -1);
  feed (policy, peer, make_rtp (5, 1), 0);
  fail_unless_equals_int64 (policy.time_to_timeout (400 * 1000), 600 * 1000);
  fail_if (policy.check_timeout (999 * 1000));
  fail_unless (policy.check_timeout (1000 * 1000));
  fail_if (policy.check_timeout (5000 * 1000));
  fail_unless_equals_int64 (policy.time_to_timeout (5000 * 1000), -1);

  /* The peer speaks again: the clock restarts. */
  fail_unless (feed (policy, peer, make_rtp (5, 2), 6000).verdict == Verdict::Accept);
  fail_unless (policy.check_timeout (7000 * 1000));
}
GST_END_TEST;

GST_START_TEST (test_relatch_after_silence_through_probation)
{
  LatchPolicy::Config config = rtp_config (4, 20);
  config.relatch = Relatch::Silence;
  config.timeout_us = 1000 * 1000;
  LatchPolicy policy (config);
  PeerAddress first = addr ("203.0.113.1", 1000);
  PeerAddress second = addr ("203.0.113.2", 1000);

  for (guint16 seq = 0; seq < 4; seq++)
    feed (policy, first, make_rtp (1, seq), seq * 20);
  fail_unless (policy.peer () == first);
  released_seqs (policy);

  /* Before the silence, another source is refused. */
  fail_unless (feed (policy, second, make_rtp (2, 0), 500).reason
      == DropReason::ForeignSource);
  fail_unless (policy.check_timeout (1060 * 1000));

  LatchDecision d;
  for (guint16 seq = 0; seq < 4; seq++)
    d = feed (policy, second, make_rtp (2, seq), 1100 + seq * 20);
  fail_unless (d.verdict == Verdict::Latch);
  fail_unless (d.relatched);
  fail_unless (d.previous == first);
  fail_unless (released_seqs (policy) == std::vector<guint16> ({0, 1, 2}));
}
GST_END_TEST;

GST_START_TEST (test_rtcp_component)
{
  LatchPolicy policy (rtcp_config (false));
  PeerAddress a = addr ("203.0.113.1", 40002);

  std::vector<guint8> rr = take_bytes (make_rtcp_rr (0x77));
  /* Truncated compound: cut in the middle of the report block. */
  fail_unless (feed (policy, a, make_bytes (std::vector<guint8> (rr.begin (), rr.begin () + 20)), 0).reason
      == DropReason::Malformed);
  fail_unless (feed (policy, a, make_bytes ({0x81, 0xc9}), 0).reason == DropReason::Malformed);
  /* RTP does not latch RTCP. */
  fail_unless (feed (policy, a, make_rtp (1, 1), 0).reason == DropReason::Malformed);
  fail_if (policy.latched ());

  fail_unless (feed (policy, a, make_bytes (rr), 0).verdict == Verdict::Latch);
  fail_unless_equals_int (policy.peer_ssrc (), 0x77);
}
GST_END_TEST;

GST_START_TEST (test_rtcp_waits_for_rtp_peer_ssrc)
{
  LatchPolicy policy (rtcp_config (true));
  PeerAddress real = addr ("203.0.113.1", 40002);
  PeerAddress forger = addr ("198.51.100.66", 7000);

  /* Before the RTP peer is known, reports are held. */
  fail_unless (feed (policy, forger, make_rtcp_rr (0xbad), 0).verdict == Verdict::Hold);
  fail_unless (feed (policy, real, make_rtcp_rr (0x600d), 1).verdict == Verdict::Hold);
  fail_unless (policy.waiting_for_rtp_peer ());

  policy.set_rtp_peer_ssrc (true, 0x600d);
  LatchDecision d = policy.retry_waiting (2000);
  fail_unless (d.verdict == Verdict::Latch);
  fail_unless_equals_int (d.released, 1);
  fail_unless (policy.peer () == real);
  std::vector<GstBuffer *> bufs;
  policy.take_released (bufs);
  fail_unless_equals_int (bufs.size (), 1);
  gst_buffer_unref (bufs[0]);

  /* Once the RTP peer is known, a wrong SSRC is refused at once. */
  LatchPolicy strict (rtcp_config (true));
  strict.set_rtp_peer_ssrc (true, 0x600d);
  fail_unless (feed (strict, forger, make_rtcp_rr (0xbad), 0).reason
      == DropReason::SsrcMismatch);
  fail_unless (feed (strict, real, make_rtcp_rr (0x600d), 0).verdict == Verdict::Latch);
}
GST_END_TEST;

/* RTCP has no sequence numbers: once the stream's RTP peer is known, RTCP
 * latches and re-latches only from its IP.  Found by the lab's sustained
 * attacker (tests/lab/test-attack.sh sustained-ssrc): holding the RTP latch
 * and sending the real peer's SSRC, it made the peer's own RTCP "continue"
 * the latched RTCP SSRC, and the RTCP side flapped between the two. */
GST_START_TEST (test_rtcp_follows_rtp_peer_ip)
{
  LatchPolicy::Config config = rtcp_config (true);
  config.relatch = Relatch::Ssrc;
  LatchPolicy policy (config);
  PeerAddress nat_rtp = addr ("203.0.113.1", 1000);
  PeerAddress nat_rtcp = addr ("203.0.113.1", 1001);
  PeerAddress other = addr ("198.51.100.66", 1001);

  policy.set_rtp_peer_ssrc (true, 0x600d);
  policy.set_rtp_peer_address (nat_rtp);
  /* The right SSRC from another IP does not latch ... */
  fail_unless (feed (policy, other, make_rtcp_rr (0x600d), 0).reason
      == DropReason::NotRtpPeerIp);
  fail_if (policy.latched ());
  /* ... from the RTP peer's IP (another port: RTCP's own mapping) it does. */
  fail_unless (feed (policy, nat_rtcp, make_rtcp_rr (0x600d), 1).verdict
      == Verdict::Latch);
  /* Nor does it re-latch. */
  fail_unless (feed (policy, other, make_rtcp_rr (0x600d), 2).reason
      == DropReason::NotRtpPeerIp);
  fail_unless (policy.peer () == nat_rtcp);
  /* The NAT rebinds: a new port on the same IP re-latches at once. */
  PeerAddress rebound = addr ("203.0.113.1", 2001);
  LatchDecision d = feed (policy, rebound, make_rtcp_rr (0x600d), 3);
  fail_unless (d.verdict == Verdict::Latch && d.relatched);
  /* The peer roams to another network: RTCP follows once RTP has moved. */
  PeerAddress roamed = addr ("192.0.2.9", 3001);
  fail_unless (feed (policy, roamed, make_rtcp_rr (0x600d), 4).verdict == Verdict::Drop);
  policy.set_rtp_peer_address (addr ("192.0.2.9", 3000));
  fail_unless (feed (policy, roamed, make_rtcp_rr (0x600d), 5).verdict == Verdict::Latch);

  /* Held reports: only the one from the RTP peer's IP is released. */
  LatchPolicy waiting (rtcp_config (true));
  fail_unless (feed (waiting, other, make_rtcp_rr (0x600d), 0).verdict == Verdict::Hold);
  waiting.set_rtp_peer_ssrc (true, 0x600d);
  waiting.set_rtp_peer_address (nat_rtp);
  fail_unless (waiting.retry_waiting (1000).verdict == Verdict::Drop);
  fail_if (waiting.latched ());

  /* RTCP-only peers (rtcp-without-rtp): no such rule. */
  LatchPolicy lax (rtcp_config (false));
  lax.set_rtp_peer_address (nat_rtp);
  fail_unless (feed (lax, other, make_rtcp_rr (0x600d), 0).verdict == Verdict::Latch);
}
GST_END_TEST;

/* relatch=silence: after the timeout, a new peer's RTCP latches once the new
 * RTP peer is known, with its SSRC and from its IP. */
GST_START_TEST (test_rtcp_relatch_after_silence_follows_new_rtp_peer)
{
  LatchPolicy::Config config = rtcp_config (true);
  config.relatch = Relatch::Silence;
  config.timeout_us = 1000 * 1000;
  LatchPolicy policy (config);
  policy.set_rtp_peer_ssrc (true, 1);
  policy.set_rtp_peer_address (addr ("203.0.113.1", 1000));
  fail_unless (feed (policy, addr ("203.0.113.1", 1001), make_rtcp_rr (1), 0).verdict
      == Verdict::Latch);
  fail_unless (policy.check_timeout (1000 * 1000));

  PeerAddress second = addr ("203.0.113.20", 6005);
  /* The new peer's RTP has not latched yet: its report does not match. */
  fail_unless (feed (policy, second, make_rtcp_rr (2), 1100).reason
      == DropReason::SsrcMismatch);
  policy.set_rtp_peer_ssrc (true, 2);
  policy.set_rtp_peer_address (addr ("203.0.113.20", 6004));
  LatchDecision d = feed (policy, second, make_rtcp_rr (2), 1200);
  fail_unless (d.verdict == Verdict::Latch && d.relatched);
  fail_unless (policy.peer () == second);
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

/* Found by fuzz-latchpolicy: an empty datagram (a buffer without memory)
 * reached gst_rtcp_buffer_validate() and raised a g_critical. */
GST_START_TEST (test_empty_datagram_is_malformed)
{
  GstBuffer *empty = gst_buffer_new ();
  for (guint component : {COMPONENT_RTP, COMPONENT_RTCP})
    for (bool mux : {false, true})
      fail_unless (inspect_packet (empty, component, mux).kind == PacketKind::Malformed);
  gst_buffer_unref (empty);
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

GST_START_TEST (test_reset_forgets_peer_and_held)
{
  LatchPolicy policy (rtp_config (4, 0));
  feed (policy, addr ("203.0.113.9", 9), make_rtp (1, 1), 0);
  fail_unless_equals_int (policy.candidates (), 1);
  policy.reset ();
  fail_unless_equals_int (policy.candidates (), 0);
  LatchPolicy moved (rtp_config (1));
  moved = std::move (policy);
  fail_unless (feed (moved, addr ("203.0.113.2", 2), make_rtp (1, 1), 0).verdict
      == Verdict::Hold);
}
GST_END_TEST;

/* What a released packet is comes back with it, so that nothing parses it
 * twice; held packets and bytes are counted. */
GST_START_TEST (test_released_packets_keep_their_facts)
{
  LatchPolicy policy (rtp_config (3));
  PeerAddress peer = addr ("203.0.113.7", 40000);
  feed (policy, peer, make_rtp (5, 10, 20, 0), 0);
  feed (policy, peer, make_rtp (5, 11, 96, 8), 0);
  fail_unless_equals_int (policy.held_packets (), 2);
  fail_unless_equals_int (policy.held_bytes (), 12 + 20);
  fail_unless (feed (policy, peer, make_rtp (5, 12), 0).latched_now ());
  fail_unless_equals_int (policy.held_packets (), 0);

  std::vector<GstBuffer *> bufs;
  std::vector<PacketFacts> facts;
  policy.take_released (bufs, &facts);
  fail_unless_equals_int (bufs.size (), 2);
  fail_unless_equals_int (facts.size (), 2);
  fail_unless_equals_int (facts[0].payload_type, 20);
  fail_unless_equals_int (facts[0].seq, 10);
  fail_unless_equals_int (facts[1].payload_type, 96);
  fail_unless_equals_int (facts[1].seq, 11);
  for (GstBuffer *b : bufs)
    gst_buffer_unref (b);
}
GST_END_TEST;

/* A camera's first key frame: 1 000 packets of 1 200 bytes back to back
 * (within a millisecond: no probation span yet), then paced packets.  All
 * of it is held and released in order when probation passes. */
GST_START_TEST (test_unpaced_start_released_whole_in_order)
{
  LatchPolicy policy (rtp_config (4, 20));
  PeerAddress cam = addr ("203.0.113.1", 40001);
  for (guint16 seq = 0; seq < 1000; seq++)
    fail_unless (feed (policy, cam, make_rtp (7, seq, 96, 1188), seq / 1000).verdict
        == Verdict::Hold);
  fail_unless_equals_int (policy.held_packets (), 1000);
  fail_unless_equals_int (policy.held_bytes (), 1000 * 1200);
  LatchDecision d = feed (policy, cam, make_rtp (7, 1000, 96, 1188), 25);
  fail_unless (d.verdict == Verdict::Latch);
  fail_unless_equals_int (d.released, 1000);
  std::vector<guint16> seqs = released_seqs (policy);
  fail_unless_equals_int (seqs.size (), 1000);
  for (guint16 i = 0; i < 1000; i++)
    fail_unless_equals_int (seqs[i], i);
  fail_unless_equals_int (policy.take_held_dropped (), 0);
  fail_unless_equals_int (policy.held_bytes (), 0);
}
GST_END_TEST;

/* The bound per candidate: the oldest held packets go, counted. */
GST_START_TEST (test_held_bytes_bound_per_candidate)
{
  LatchPolicy::Config c = rtp_config (4, 20);
  c.max_held_bytes_per_candidate = 10 * 1200;
  LatchPolicy policy (c);
  PeerAddress cam = addr ("203.0.113.1", 40001);
  for (guint16 seq = 0; seq < 25; seq++)
    feed (policy, cam, make_rtp (7, seq, 96, 1188), 0);
  fail_unless_equals_int (policy.held_packets (), 10);
  fail_unless (policy.held_bytes () <= c.max_held_bytes_per_candidate);
  fail_unless_equals_int (policy.take_held_dropped (), 15);
  fail_unless_equals_int (policy.take_held_dropped (), 0);
  fail_unless (feed (policy, cam, make_rtp (7, 25, 96, 1188), 30).verdict == Verdict::Latch);
  std::vector<guint16> seqs = released_seqs (policy);
  fail_unless (seqs == std::vector<guint16> ({15, 16, 17, 18, 19, 20, 21, 22, 23, 24}));
}
GST_END_TEST;

/* The bound in total: a spray of one-packet sources loses its holds before
 * the legitimate start, the most advanced candidate, loses anything. */
GST_START_TEST (test_held_bytes_bound_in_total)
{
  LatchPolicy::Config c = rtp_config (4, 20);
  c.max_held_bytes = 100 * 1200;
  LatchPolicy policy (c);
  PeerAddress cam = addr ("203.0.113.1", 40001);
  for (guint16 seq = 0; seq < 50; seq++)
    feed (policy, cam, make_rtp (7, seq, 96, 1188), 0);
  for (guint i = 0; i < 60; i++)
    feed (policy, addr ("198.51.100.9", 10000 + i), make_rtp (100 + i, 0, 96, 1188), 1);
  fail_unless (policy.held_bytes () <= c.max_held_bytes);
  for (guint16 seq = 50; seq < 90; seq++)
    feed (policy, cam, make_rtp (7, seq, 96, 1188), 2);
  fail_unless (policy.held_bytes () <= c.max_held_bytes);
  fail_unless (feed (policy, cam, make_rtp (7, 90, 96, 1188), 30).verdict == Verdict::Latch);
  fail_unless_equals_int (released_seqs (policy).size (), 90);
  fail_unless (policy.take_held_dropped () > 0);   /* the spray's */
}
GST_END_TEST;

/* And by age: nothing is held longer than max_hold_us. */
GST_START_TEST (test_held_packets_expire)
{
  LatchPolicy::Config c = rtp_config (4, 2000);
  c.max_hold_us = 500 * 1000;
  LatchPolicy policy (c);
  PeerAddress slow = addr ("203.0.113.1", 40001);
  for (guint16 seq = 0; seq < 3; seq++)
    feed (policy, slow, make_rtp (7, seq), seq * 400);
  /* At 800 ms the packet of 0 ms is older than 500 ms. */
  fail_unless_equals_int (policy.held_packets (), 2);
  fail_unless_equals_int (policy.take_held_dropped (), 1);
}
GST_END_TEST;

/* symmetric-rtp=always ranks sources as rtpengine's heuristic: the
 * signalled address and port, then its IP, then any. */
GST_START_TEST (test_preferred_source_ranking)
{
  LatchPolicy::Config c = rtp_config (4, 20);
  c.relatch = Relatch::Ssrc;
  c.preferred = addr ("198.51.100.20", 4000);
  LatchPolicy policy (c);
  PeerAddress spray = addr ("203.0.113.66", 5555);
  PeerAddress same_ip = addr ("198.51.100.20", 4002);
  PeerAddress phone = addr ("198.51.100.20", 4000);

  /* A streamer elsewhere starts first and latches... */
  for (guint16 seq = 0; seq < 4; seq++)
    feed (policy, spray, make_rtp (0xbad, seq), seq * 20);
  fail_unless (policy.peer () == spray);
  released_seqs (policy);
  /* ... the same IP takes it, through probation ... */
  for (guint16 seq = 0; seq < 3; seq++)
    fail_unless (feed (policy, same_ip, make_rtp (0x51, seq), 100 + seq * 20).verdict
        == Verdict::Hold);
  LatchDecision d = feed (policy, same_ip, make_rtp (0x51, 3), 160);
  fail_unless (d.verdict == Verdict::Latch && d.relatched && d.previous == spray);
  released_seqs (policy);
  /* ... the signalled address and port take it from the same IP ... */
  for (guint16 seq = 0; seq < 3; seq++)
    feed (policy, phone, make_rtp (0xf00, seq), 200 + seq * 20);
  d = feed (policy, phone, make_rtp (0xf00, 3), 260);
  fail_unless (d.verdict == Verdict::Latch && d.previous == same_ip);
  released_seqs (policy);
  /* ... and nothing of a lower rank takes it back, not even by continuing
   * the phone's SSRC and sequence numbers (relatch=ssrc). */
  d = feed (policy, spray, make_rtp (0xf00, 4), 280);
  fail_unless (d.verdict == Verdict::Drop && d.reason == DropReason::ForeignSource);
  d = feed (policy, same_ip, make_rtp (0xf00, 5), 290);
  fail_unless (d.verdict == Verdict::Drop);
  fail_unless (policy.peer () == phone);
  /* The control: without a preferred source, relatch=ssrc lets the same
   * copy take over, so the ranking is what stopped it above. */
  LatchPolicy::Config unranked = rtp_config (1);
  unranked.relatch = Relatch::Ssrc;
  LatchPolicy plain (unranked);
  feed (plain, phone, make_rtp (0xf00, 3), 0);
  fail_unless (plain.peer () == phone);
  d = feed (plain, spray, make_rtp (0xf00, 4), 20);
  fail_unless (d.verdict == Verdict::Latch && d.relatched);
  fail_unless (plain.peer () == spray);
}
GST_END_TEST;

/* A re-offer moved the peer: the new address latches through probation;
 * the old one is accepted until then, and is foreign after. */
GST_START_TEST (test_reopened_learning)
{
  LatchPolicy policy (rtp_config (4, 20));
  PeerAddress old_port = addr ("203.0.113.1", 40001);
  PeerAddress new_port = addr ("203.0.113.1", 51234);
  for (guint16 seq = 0; seq < 4; seq++)
    feed (policy, old_port, make_rtp (1, seq), seq * 20);
  fail_unless (policy.peer () == old_port);
  released_seqs (policy);
  /* Not reopened: another source with another SSRC is foreign. */
  fail_unless (feed (policy, new_port, make_rtp (2, 0), 100).reason == DropReason::ForeignSource);

  policy.reopen_learning ();
  fail_unless (policy.learning_reopened ());
  fail_unless (feed (policy, old_port, make_rtp (1, 4), 110).verdict == Verdict::Accept);
  for (guint16 seq = 1; seq < 4; seq++)
    fail_unless (feed (policy, new_port, make_rtp (2, seq), 100 + seq * 20).verdict
        == Verdict::Hold);
  LatchDecision d = feed (policy, new_port, make_rtp (2, 4), 180);
  fail_unless (d.verdict == Verdict::Latch && d.relatched && d.previous == old_port);
  fail_if (policy.learning_reopened ());
  released_seqs (policy);
  /* A stray packet from the old port cannot take it back. */
  fail_unless (feed (policy, old_port, make_rtp (1, 5), 200).reason == DropReason::ForeignSource);
  fail_unless (policy.peer () == new_port);
}
GST_END_TEST;

/* A 20 ms audio stream at 8 kHz (50 packets/s), as a phone sends it: packet
 * @i leaves at i * 20 ms with sequence number seq0 + i and timestamp
 * ts0 + 160 i; @delay_ms is the path's delay. */
struct AudioStream {
  guint32 ssrc;
  guint16 seq0;
  guint32 ts0;

  GstBuffer *packet (guint i, gint32 ts_shift = 0) const {
    GstBuffer *buf = make_rtp (ssrc, (guint16) (seq0 + i));
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    gst_rtp_buffer_map (buf, GST_MAP_WRITE, &rtp);
    gst_rtp_buffer_set_timestamp (&rtp, ts0 + 160u * i + (guint32) ts_shift);
    gst_rtp_buffer_unmap (&rtp);
    return buf;
  }
  static int64_t ms (guint i, int64_t delay_ms = 0) { return i * 20 + delay_ms; }
};

/* relatch=ssrc with the element's default probation: the peer latched
 * from @peer and sent packets 0..@last. */
static LatchPolicy::Config
relatch_ssrc_config ()
{
  LatchPolicy::Config config = rtp_config (4, 20);
  config.relatch = Relatch::Ssrc;
  return config;
}

static void
stream_until (LatchPolicy & policy, const AudioStream & s,
    const PeerAddress & peer, guint first, guint last)
{
  for (guint i = first; i <= last; i++)
    feed (policy, peer, s.packet (i), AudioStream::ms (i));
  released_seqs (policy);
  fail_unless (policy.peer () == peer);
}

/* A NAT reboot: the peer's NAT forwards nothing for 5 s, then maps it to a
 * new port.  Its sequence numbers jump 250 (the continuity window is 100),
 * its timestamps 5 s: the stream re-latches through probation on the 4th
 * packet from the new port, 60 ms after the first, losing none of them;
 * over a sequence number and timestamp wrap, and with a slower new path. */
GST_START_TEST (test_continuation_after_silence_relatches)
{
  const AudioStream streams[] = {
    { 0x600d, 1000, 123456 },
    { 0xfeed, 65500, 0xfffff000u },   /* both wrap in the outage */
  };
  for (const AudioStream &s : streams) {
    for (int64_t delay_ms : { 0, 180 }) {
      LatchPolicy policy (relatch_ssrc_config ());
      PeerAddress old_mapping = addr ("203.0.113.1", 1000);
      PeerAddress new_mapping = addr ("203.0.113.1", 2000);
      stream_until (policy, s, old_mapping, 0, 149);   /* 3 s of call */

      /* Packets 150..399 die in the NAT; 400 on arrive from the new port. */
      LatchDecision d;
      for (guint i = 400; i < 403; i++) {
        d = feed (policy, new_mapping, s.packet (i), AudioStream::ms (i, delay_ms));
        fail_unless (d.verdict == Verdict::Hold, "packet %u not held", i);
      }
      fail_unless (policy.peer () == old_mapping);
      d = feed (policy, new_mapping, s.packet (403), AudioStream::ms (403, delay_ms));
      fail_unless (d.verdict == Verdict::Latch);
      fail_unless (d.relatched && d.previous == old_mapping);
      fail_unless (d.why == LatchReason::ContinuationAfterSilence);
      fail_unless_equals_string (latch_reason_name (d.why), "continuation-after-silence");
      fail_unless (policy.peer () == new_mapping);
      fail_unless (released_seqs (policy) == std::vector<guint16> ({
                  (guint16) (s.seq0 + 400), (guint16) (s.seq0 + 401),
                  (guint16) (s.seq0 + 402)}));
      fail_unless (feed (policy, new_mapping, s.packet (404),
              AudioStream::ms (404, delay_ms)).verdict == Verdict::Accept);
      /* The old mapping's last packets, late, do not move it back. */
      fail_unless (feed (policy, old_mapping, s.packet (149), AudioStream::ms (405))
          .reason == DropReason::ForeignSource);
    }
  }
}
GST_END_TEST;

/* A plain mapping flush (no outage) stays what it was: the next packet
 * from the new port re-latches at once, as a rebinding. */
GST_START_TEST (test_rebinding_without_outage_is_immediate)
{
  const AudioStream s = { 0x600d, 1000, 5000 };
  LatchPolicy policy (relatch_ssrc_config ());
  PeerAddress old_mapping = addr ("203.0.113.1", 1000);
  PeerAddress new_mapping = addr ("203.0.113.1", 2000);
  stream_until (policy, s, old_mapping, 0, 149);
  LatchDecision d = feed (policy, new_mapping, s.packet (150), AudioStream::ms (150));
  fail_unless (d.verdict == Verdict::Latch && d.relatched);
  fail_unless (d.why == LatchReason::Rebinding);
}
GST_END_TEST;

/* After the same 5 s outage, what does not fit the time that passed does
 * not continue the stream: a timestamp that says 1 s or 10 s, a sequence
 * number far beyond what 50 packets/s could send, or behind; nor does a
 * stream whose clock the policy has not learnt (under half a second of it).
 * Four consistent packets within a millisecond wait for probation's span,
 * and the old address speaking again ends the new one's probation. */
GST_START_TEST (test_continuation_must_fit_the_time_that_passed)
{
  const AudioStream s = { 0x600d, 1000, 123456 };
  PeerAddress old_mapping = addr ("203.0.113.1", 1000);
  PeerAddress new_mapping = addr ("203.0.113.1", 2000);

  struct Case {
    const char *what;
    guint index;         /* the packet's place in the stream ... */
    gint32 ts_shift;     /* ... and its timestamp off by this */
    int64_t at_ms;       /* when it arrives */
  } cases[] = {
    { "timestamps 4 s behind", 400, -4 * 8000, AudioStream::ms (400) },
    { "timestamps 5 s ahead", 400, 5 * 8000, AudioStream::ms (400) },
    { "sequence 30 000 ahead", 30000, (gint32) (160 * (400 - 30000)), AudioStream::ms (400) },
    { "sequence behind", 100, 160 * 300, AudioStream::ms (400) },
  };
  for (const Case &c : cases) {
    LatchPolicy policy (relatch_ssrc_config ());
    stream_until (policy, s, old_mapping, 0, 149);
    for (guint k = 0; k < 8; k++) {
      LatchDecision d = feed (policy, new_mapping, s.packet (c.index + k, c.ts_shift),
          c.at_ms + 20 * k);
      fail_unless (d.reason == DropReason::ForeignSource, "%s: packet %u taken", c.what, k);
    }
    fail_unless (policy.peer () == old_mapping, "%s", c.what);
    fail_unless_equals_int (policy.candidates (), 0);
  }

  /* Latched 200 ms before the outage: the peer's clock is not known. */
  LatchPolicy young (relatch_ssrc_config ());
  stream_until (young, s, old_mapping, 0, 10);
  for (guint i = 260; i < 270; i++)
    fail_unless (feed (young, new_mapping, s.packet (i), AudioStream::ms (i)).verdict
        == Verdict::Drop);
  fail_unless (young.peer () == old_mapping);

  /* Consistent, but four at once: probation's 20 ms are not spanned. */
  LatchPolicy burst (relatch_ssrc_config ());
  stream_until (burst, s, old_mapping, 0, 149);
  for (guint i = 400; i < 404; i++)
    fail_unless (feed (burst, new_mapping, s.packet (i), AudioStream::ms (400)).verdict
        == Verdict::Hold);
  fail_unless (burst.peer () == old_mapping);

  /* The old address is not silent after all: the probation ends. */
  LatchPolicy back (relatch_ssrc_config ());
  stream_until (back, s, old_mapping, 0, 149);
  for (guint i = 400; i < 403; i++)
    fail_unless (feed (back, new_mapping, s.packet (i), AudioStream::ms (i)).verdict
        == Verdict::Hold);
  fail_unless (feed (back, old_mapping, s.packet (403), AudioStream::ms (403)).verdict
      == Verdict::Accept);
  fail_unless_equals_int (back.candidates (), 0);
  fail_unless_equals_int (back.held_packets (), 0);
  fail_unless (back.peer () == old_mapping);
}
GST_END_TEST;

/* An attacker who has the SSRC (on-path, or from leaked RTCP) while the
 * peer is silent: with its own sequence numbers and timestamps, or, once
 * they are beyond the rebinding window (100, reached after 2 s here), the
 * peer's sequence numbers under its own timestamps, it latches nothing and
 * holds nothing; a spray holds nothing either.  The peer, back from its
 * new port, re-latches meanwhile. */
GST_START_TEST (test_attacker_with_the_ssrc_during_silence)
{
  const AudioStream peer_stream = { 0x600d, 1000, 123456 };
  const AudioStream own_numbers = { 0x600d, 31000, 987654321 };
  const AudioStream peer_seq_own_ts = { 0x600d, 1000, 987654321 };
  PeerAddress old_mapping = addr ("203.0.113.1", 1000);
  PeerAddress new_mapping = addr ("203.0.113.1", 2000);
  PeerAddress attacker = addr ("198.51.100.66", 40000);

  LatchPolicy policy (relatch_ssrc_config ());
  stream_until (policy, peer_stream, old_mapping, 0, 149);
  /* The outage starts at 3 s; the attacker streams 50 packets/s through it. */
  for (guint i = 160; i < 400; i++) {
    LatchDecision d = feed (policy, attacker, own_numbers.packet (i), AudioStream::ms (i));
    fail_unless (d.reason == DropReason::ForeignSource);
    if (i >= 250) {
      d = feed (policy, attacker, peer_seq_own_ts.packet (i), AudioStream::ms (i) + 1);
      fail_unless (d.reason == DropReason::ForeignSource);
    }
    /* A spray: a new SSRC each time. */
    GstBuffer *spray = make_rtp (0x5000 + i, (guint16) (i * 7919));
    fail_unless (feed (policy, addr ("198.51.100.67", 1000 + i % 4), spray,
            AudioStream::ms (i) + 2).reason == DropReason::ForeignSource);
  }
  fail_unless_equals_int (policy.candidates (), 0);
  fail_unless_equals_int (policy.held_packets (), 0);
  fail_unless (policy.peer () == old_mapping);

  /* The peer comes back, and the attacker goes on. */
  LatchDecision d;
  for (guint i = 400; i < 404; i++) {
    fail_unless (feed (policy, attacker, own_numbers.packet (i), AudioStream::ms (i)).verdict
        == Verdict::Drop);
    d = feed (policy, new_mapping, peer_stream.packet (i), AudioStream::ms (i) + 1);
  }
  fail_unless (d.verdict == Verdict::Latch && d.why == LatchReason::ContinuationAfterSilence);
  fail_unless (policy.peer () == new_mapping);
  fail_unless (feed (policy, attacker, own_numbers.packet (404), AudioStream::ms (404))
      .reason == DropReason::ForeignSource);
}
GST_END_TEST;

/* With SRTP the dispatch marks what authenticated: one such packet of the
 * peer's SSRC, ahead of its sequence numbers, is the proof whatever its
 * timestamp says; the same packet not authenticated is not. */
GST_START_TEST (test_authenticated_continuation_is_proof)
{
  const AudioStream s = { 0x600d, 1000, 123456 };
  PeerAddress old_mapping = addr ("203.0.113.1", 1000);
  PeerAddress new_mapping = addr ("203.0.113.1", 2000);
  LatchPolicy policy (relatch_ssrc_config ());
  stream_until (policy, s, old_mapping, 0, 149);

  GstBuffer *packet = s.packet (400, 12345678);
  PacketFacts facts = inspect_packet (packet, COMPONENT_RTP, false);
  LatchDecision d = policy.on_packet (new_mapping, facts, AudioStream::ms (400) * 1000, packet);
  fail_unless (d.reason == DropReason::ForeignSource);
  facts.authenticated = true;
  d = policy.on_packet (new_mapping, facts, AudioStream::ms (400) * 1000, packet);
  fail_unless (d.verdict == Verdict::Latch && d.relatched);
  fail_unless (d.why == LatchReason::ContinuationAfterSilence);
  /* Authenticated but behind the peer: a replay window's business, not a move. */
  GstBuffer *old = s.packet (100);
  PacketFacts old_facts = inspect_packet (old, COMPONENT_RTP, false);
  old_facts.authenticated = true;
  fail_unless (policy.on_packet (old_mapping, old_facts, AudioStream::ms (401) * 1000, old)
      .reason == DropReason::ForeignSource);
  gst_buffer_unref (old);
  gst_buffer_unref (packet);
}
GST_END_TEST;

/* RTCP after the same outage: the peer's reports from the NAT's new port
 * (same IP, same SSRC) re-latch at once, as a rebinding. */
GST_START_TEST (test_rtcp_relatches_after_outage)
{
  LatchPolicy::Config config = rtcp_config (true);
  config.relatch = Relatch::Ssrc;
  LatchPolicy policy (config);
  policy.set_rtp_peer_ssrc (true, 0x600d);
  policy.set_rtp_peer_address (addr ("203.0.113.1", 1000));
  fail_unless (feed (policy, addr ("203.0.113.1", 1001), make_rtcp_rr (0x600d), 0).verdict
      == Verdict::Latch);
  fail_unless (feed (policy, addr ("198.51.100.66", 1001), make_rtcp_rr (0x600d), 4000).reason
      == DropReason::NotRtpPeerIp);
  LatchDecision d = feed (policy, addr ("203.0.113.1", 2001), make_rtcp_rr (0x600d), 8000);
  fail_unless (d.verdict == Verdict::Latch && d.relatched && d.why == LatchReason::Rebinding);
}
GST_END_TEST;

static Suite *
latchpolicy_suite (void)
{
  Suite *s = suite_create ("latchpolicy");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_first_packet_latches_without_probation);
  tcase_add_test (tc, test_other_source_dropped_after_latch);
  tcase_add_test (tc, test_malformed_rtp_never_latches);
  tcase_add_test (tc, test_probation_holds_then_releases_in_order);
  tcase_add_test (tc, test_probation_needs_continuity);
  tcase_add_test (tc, test_quick_burst_does_not_latch);
  tcase_add_test (tc, test_spray_loses_to_real_peer);
  tcase_add_test (tc, test_flood_of_sources_cannot_evict_peer);
  tcase_add_test (tc, test_allowed_source_prefix);
  tcase_add_test (tc, test_allowed_source_set_later);
  tcase_add_test (tc, test_relatch_never);
  tcase_add_test (tc, test_relatch_same_ssrc_with_continuity);
  tcase_add_test (tc, test_timeout_fires_once_per_silence);
  tcase_add_test (tc, test_relatch_after_silence_through_probation);
  tcase_add_test (tc, test_rtcp_component);
  tcase_add_test (tc, test_rtcp_waits_for_rtp_peer_ssrc);
  tcase_add_test (tc, test_rtcp_follows_rtp_peer_ip);
  tcase_add_test (tc, test_rtcp_relatch_after_silence_follows_new_rtp_peer);
  tcase_add_test (tc, test_rtcp_mux_classification);
  tcase_add_test (tc, test_empty_datagram_is_malformed);
  tcase_add_test (tc, test_ipv4_mapped_is_ipv4);
  tcase_add_test (tc, test_reset_forgets_peer_and_held);
  tcase_add_test (tc, test_unpaced_start_released_whole_in_order);
  tcase_add_test (tc, test_held_bytes_bound_per_candidate);
  tcase_add_test (tc, test_held_bytes_bound_in_total);
  tcase_add_test (tc, test_held_packets_expire);
  tcase_add_test (tc, test_preferred_source_ranking);
  tcase_add_test (tc, test_reopened_learning);
  tcase_add_test (tc, test_released_packets_keep_their_facts);
  tcase_add_test (tc, test_continuation_after_silence_relatches);
  tcase_add_test (tc, test_rebinding_without_outage_is_immediate);
  tcase_add_test (tc, test_continuation_must_fit_the_time_that_passed);
  tcase_add_test (tc, test_attacker_with_the_ssrc_during_silence);
  tcase_add_test (tc, test_authenticated_continuation_is_proof);
  tcase_add_test (tc, test_rtcp_relatches_after_outage);
  return s;
}

GST_CHECK_MAIN (latchpolicy);

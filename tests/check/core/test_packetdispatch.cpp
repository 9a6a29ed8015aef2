/* Unit tests of the per-packet dispatch of comedia-rtpsrc: what each
 * datagram becomes, packet by packet, no pipeline.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "packetdispatch.h"
#include "packets.h"

#include <set>
#include <utility>
#include <vector>

using namespace comedia;

#define KEEPALIVE_PT 20

static PeerAddress
addr (const char *ip, uint16_t port)
{
  PeerAddress a;
  fail_unless (PeerAddress::parse (ip, port, a));
  return a;
}

static PacketDispatch::Config
config (guint probation = 1, bool rtcp_mux = false)
{
  PacketDispatch::Config c;
  c.component = COMPONENT_RTP;
  c.rtcp_mux = rtcp_mux;
  c.keepalive_pt = KEEPALIVE_PT;
  c.own.component = COMPONENT_RTP;
  c.own.probation_packets = probation;
  c.rtcp.component = COMPONENT_RTCP;
  c.rtcp.rtcp_requires_rtp_peer = true;
  return c;
}

static PacketVerdict
feed (PacketDispatch & d, const PeerAddress & from, GstBuffer * packet,
    int64_t t_ms)
{
  return d.dispatch (from, packet, t_ms * 1000);
}

/* The sequence numbers (RTP) or SSRCs (RTCP) of a side's output, which it
 * empties. */
static std::vector<guint32>
take_output (PacketDispatch & d, Side side)
{
  std::vector<guint32> ids;
  for (GstBuffer *b : d.output (side)) {
    PacketFacts f = inspect_packet (b, side == Side::ReadComponent ?
        d.config ().component : COMPONENT_RTCP, false);
    ids.push_back (f.kind == PacketKind::Rtcp ? f.ssrc : f.seq);
    gst_buffer_unref (b);
  }
  d.output (side).clear ();
  return ids;
}

GST_START_TEST (test_forward_from_peer_drop_others)
{
  PacketDispatch d (config ());
  PeerAddress peer = addr ("203.0.113.7", 40000);

  PacketVerdict v = feed (d, peer, make_rtp (0x600D, 1), 0);
  fail_unless (v.action == Action::Forward);
  fail_unless (v.side == Side::ReadComponent);
  fail_unless (v.latch.happened && !v.latch.decision.relatched);
  fail_unless (v.latch.peer == peer);
  fail_unless_equals_int (v.latch.ssrc, 0x600D);
  fail_if (v.follow_ssrc);   /* latched on this very SSRC */

  v = feed (d, addr ("198.51.100.66", 5000), make_rtp (0xBAD, 1), 1);
  fail_unless (v.action == Action::Drop);
  fail_unless (v.reason == DropReason::ForeignSource);

  v = feed (d, peer, make_rtp (0x600D, 2), 2);
  fail_unless (v.action == Action::Forward);
  fail_if (v.latch.happened);
  fail_unless (take_output (d, Side::ReadComponent) == std::vector<guint32> ({1, 2}));
}
GST_END_TEST;

GST_START_TEST (test_probation_holds_then_releases_in_order)
{
  PacketDispatch d (config (3));
  PeerAddress peer = addr ("203.0.113.7", 40000);

  fail_unless (feed (d, peer, make_rtp (5, 10), 0).action == Action::Hold);
  fail_unless (feed (d, peer, make_rtp (5, 11), 20).action == Action::Hold);
  fail_unless (d.output (Side::ReadComponent).empty ());
  fail_unless_equals_int (d.policy (Side::ReadComponent).held_packets (), 2);

  PacketVerdict v = feed (d, peer, make_rtp (5, 12), 40);
  fail_unless (v.action == Action::Forward);
  fail_unless (v.latch.happened);
  fail_unless_equals_int (v.latch.released, 2);
  fail_unless (take_output (d, Side::ReadComponent) ==
      std::vector<guint32> ({10, 11, 12}));
  fail_unless_equals_int (d.policy (Side::ReadComponent).held_packets (), 0);
}
GST_END_TEST;

GST_START_TEST (test_keepalives_latch_but_are_consumed)
{
  PacketDispatch d (config (3));
  PeerAddress peer = addr ("203.0.113.7", 40000);

  /* Two keepalives held in probation, then media of the same run latches:
   * the keepalives are consumed on release, the media passes. */
  fail_unless (feed (d, peer, make_rtp (7, 1, KEEPALIVE_PT, 0), 0).action ==
      Action::Hold);
  fail_unless (feed (d, peer, make_rtp (7, 2, KEEPALIVE_PT, 0), 20).action ==
      Action::Hold);
  PacketVerdict v = feed (d, peer, make_rtp (7, 3), 40);
  fail_unless (v.action == Action::Forward);
  fail_unless (v.latch.happened);
  fail_unless_equals_int (v.latch.released, 0);
  fail_unless_equals_int (v.keepalives, 2);
  fail_unless (take_output (d, Side::ReadComponent) == std::vector<guint32> ({3}));

  /* A keepalive from the latched peer: consumed. */
  v = feed (d, peer, make_rtp (7, 4, KEEPALIVE_PT, 0), 60);
  fail_unless (v.action == Action::Keepalive);
  fail_unless_equals_int (v.keepalives, 1);
  fail_unless (d.output (Side::ReadComponent).empty ());
}
GST_END_TEST;

GST_START_TEST (test_keepalive_latch_consumes_the_latching_packet)
{
  PacketDispatch d (config (1));
  PeerAddress peer = addr ("203.0.113.7", 40000);

  PacketVerdict v = feed (d, peer, make_rtp (7, 1, KEEPALIVE_PT, 0), 0);
  fail_unless (v.action == Action::Keepalive);
  fail_unless (v.latch.happened);
  fail_unless_equals_int (v.keepalives, 1);
  fail_unless (d.output (Side::ReadComponent).empty ());

  /* keepalive-payload-type=-1: the same packet is media. */
  PacketDispatch::Config c = config (1);
  c.keepalive_pt = -1;
  PacketDispatch plain (c);
  v = feed (plain, peer, make_rtp (7, 1, KEEPALIVE_PT, 0), 0);
  fail_unless (v.action == Action::Forward);
  fail_unless_equals_int (v.keepalives, 0);
  fail_unless (take_output (plain, Side::ReadComponent) == std::vector<guint32> ({1}));
}
GST_END_TEST;

/* The rule of 45251f2: a peer that latched on its keepalives (an SSRC of
 * their own) then sends media under another SSRC; the component follows
 * the media's, once, so the stream's RTCP latches on the media sender. */
GST_START_TEST (test_ssrc_follow_after_keepalive_latch)
{
  PacketDispatch d (config (1));
  PeerAddress peer = addr ("203.0.113.7", 40000);

  PacketVerdict v = feed (d, peer, make_rtp (0xAAAA, 1, KEEPALIVE_PT, 0), 0);
  fail_unless (v.latch.happened);
  fail_unless_equals_int (v.latch.ssrc, 0xAAAA);

  v = feed (d, peer, make_rtp (0xBBBB, 100), 10);
  fail_unless (v.action == Action::Forward);
  fail_unless (v.follow_ssrc);
  fail_unless_equals_int (v.ssrc, 0xBBBB);

  v = feed (d, peer, make_rtp (0xBBBB, 101), 20);
  fail_unless (v.action == Action::Forward);
  fail_if (v.follow_ssrc);   /* already followed */

  /* A keepalive under the old SSRC: consumed, followed nothing. */
  v = feed (d, peer, make_rtp (0xAAAA, 2, KEEPALIVE_PT, 0), 30);
  fail_unless (v.action == Action::Keepalive);
  fail_if (v.follow_ssrc);
  v = feed (d, peer, make_rtp (0xBBBB, 102), 40);
  fail_if (v.follow_ssrc);
  fail_unless (take_output (d, Side::ReadComponent) ==
      std::vector<guint32> ({100, 101, 102}));
}
GST_END_TEST;

GST_START_TEST (test_muxed_rtcp_split_and_latches_with_rtp)
{
  PacketDispatch d (config (1, true));
  PeerAddress peer = addr ("203.0.113.7", 40000);
  fail_unless (d.has (Side::MuxedRtcp));
  fail_unless (d.reads_rtcp (Side::MuxedRtcp));
  fail_if (d.reads_rtcp (Side::ReadComponent));

  /* RTCP before the RTP peer is known: held. */
  PacketVerdict v = feed (d, peer, make_rtcp_rr (0x600D), 0);
  fail_unless (v.side == Side::MuxedRtcp);
  fail_unless (v.action == Action::Hold);
  fail_unless (d.wait_us (0) == PacketDispatch::RTCP_RETRY_INTERVAL_US);

  /* RTP latches, and the held report of its SSRC with it. */
  v = feed (d, peer, make_rtp (0x600D, 1), 10);
  fail_unless (v.side == Side::ReadComponent);
  fail_unless (v.action == Action::Forward);
  fail_unless (v.latch.happened);
  fail_unless (v.rtcp_latch.happened);
  fail_unless (v.rtcp_latch.peer == peer);
  fail_unless_equals_int (v.rtcp_latch.ssrc, 0x600D);
  fail_unless_equals_int (v.rtcp_latch.released, 1);
  fail_unless (take_output (d, Side::ReadComponent) == std::vector<guint32> ({1}));
  fail_unless (take_output (d, Side::MuxedRtcp) ==
      std::vector<guint32> ({0x600D}));

  /* From then on each goes its own way. */
  v = feed (d, peer, make_rtcp_rr (0x600D), 20);
  fail_unless (v.side == Side::MuxedRtcp && v.action == Action::Forward);
  fail_if (v.follow_ssrc);
  v = feed (d, peer, make_rtp (0x600D, 2), 20);
  fail_unless (v.side == Side::ReadComponent && v.action == Action::Forward);
  fail_unless (take_output (d, Side::ReadComponent) == std::vector<guint32> ({2}));
  fail_unless (take_output (d, Side::MuxedRtcp) ==
      std::vector<guint32> ({0x600D}));
  fail_unless (d.wait_us (0) == -1);
}
GST_END_TEST;

GST_START_TEST (test_muxed_rtcp_of_another_ssrc_is_not_released)
{
  PacketDispatch d (config (1, true));
  PeerAddress peer = addr ("203.0.113.7", 40000);

  fail_unless (feed (d, peer, make_rtcp_rr (0xBAD), 0).action == Action::Hold);
  PacketVerdict v = feed (d, peer, make_rtp (0x600D, 1), 10);
  fail_unless (v.latch.happened);
  fail_if (v.rtcp_latch.happened);
  fail_unless (d.output (Side::MuxedRtcp).empty ());
  v = feed (d, peer, make_rtcp_rr (0xBAD), 20);
  fail_unless (v.action == Action::Drop);
  fail_unless (v.reason == DropReason::SsrcMismatch);
  take_output (d, Side::ReadComponent);
}
GST_END_TEST;

GST_START_TEST (test_drop_reasons)
{
  PacketDispatch::Config c = config (1);
  c.mtu = 100;
  SourcePrefix::parse ("203.0.113.0/24", c.own.allowed);
  PacketDispatch d (c);
  PeerAddress peer = addr ("203.0.113.7", 40000);

  PacketVerdict v = feed (d, peer, make_bytes ({0x80, 0x60, 0x00}), 0);
  fail_unless (v.action == Action::Drop);
  fail_unless (v.reason == DropReason::Malformed);
  fail_unless_equals_string (v.malformed, "not an RTP packet");

  v = feed (d, peer, make_rtp (1, 1, 96, 100), 0);
  fail_unless (v.reason == DropReason::Malformed);
  fail_unless_equals_string (v.malformed, "longer than the mtu property");

  v = feed (d, addr ("198.51.100.66", 5000), make_rtp (1, 1), 0);
  fail_unless (v.reason == DropReason::OutsideAllowed);
  fail_unless (v.malformed == nullptr);

  /* A broken RTCP compound on a muxed port is none of the RTCP side's
   * business: the component's (RTP) drop. */
  PacketDispatch muxed (config (1, true));
  v = feed (muxed, peer, make_bytes ({0x80, 0xc9, 0x00, 0x07}), 0);
  fail_unless (v.reason == DropReason::Malformed);
  fail_unless_equals_string (v.malformed, "not an RTP packet");

  /* The RTCP component. */
  PacketDispatch::Config rc = config (1);
  rc.component = COMPONENT_RTCP;
  rc.own = rc.rtcp;
  PacketDispatch rtcp (rc);
  v = feed (rtcp, peer, make_rtp (1, 1), 0);
  fail_unless (v.reason == DropReason::Malformed);
  fail_unless_equals_string (v.malformed, "not valid RTCP");
}
GST_END_TEST;

GST_START_TEST (test_rtcp_component_waits_for_rtp_peer)
{
  PacketDispatch::Config c = config (1);
  c.component = COMPONENT_RTCP;
  c.own = c.rtcp;
  c.own.timeout_us = 500 * 1000;
  PacketDispatch d (c);
  PeerAddress peer = addr ("203.0.113.7", 40001);
  fail_unless (d.reads_rtcp (Side::ReadComponent));
  fail_if (d.has (Side::MuxedRtcp));

  PacketVerdict v = feed (d, peer, make_rtcp_rr (0x600D), 0);
  fail_unless (v.action == Action::Hold);
  fail_unless (v.reason == DropReason::None);
  /* Nothing to retry while the RTP peer is unknown. */
  fail_if (d.retry_waiting (Side::ReadComponent, 10 * 1000).happened);

  d.set_rtp_peer (Side::ReadComponent, true, 0x600D, addr ("203.0.113.7", 40000));
  LatchEvent e = d.retry_waiting (Side::ReadComponent, 20 * 1000);
  fail_unless (e.happened);
  fail_unless (e.peer == peer);
  fail_unless_equals_int (e.released, 1);
  fail_unless (take_output (d, Side::ReadComponent) == std::vector<guint32> ({0x600D}));

  /* The timeout, once per silence. */
  fail_unless (d.wait_us (20 * 1000) == 500 * 1000);
  fail_if (d.check_timeout (Side::ReadComponent, 100 * 1000));
  fail_unless (d.check_timeout (Side::ReadComponent, 520 * 1000));
  fail_if (d.check_timeout (Side::ReadComponent, 600 * 1000));
}
GST_END_TEST;

GST_START_TEST (test_set_allowed_unlatches_and_reset)
{
  PacketDispatch d (config (1));
  PeerAddress peer = addr ("198.51.100.66", 40000);
  fail_unless (feed (d, peer, make_rtp (1, 1), 0).latch.happened);

  SourcePrefix prefix;
  fail_unless (SourcePrefix::parse ("203.0.113.0/24", prefix));
  fail_unless (d.set_allowed (Side::ReadComponent, prefix));
  fail_if (d.policy (Side::ReadComponent).latched ());
  fail_if (d.set_allowed (Side::MuxedRtcp, prefix));   /* no such side */

  /* Outputs not yet pushed are dropped with the rest. */
  d.reset ();
  fail_unless (d.output (Side::ReadComponent).empty ());
  PacketVerdict v = feed (d, peer, make_rtp (1, 2), 10);
  fail_unless (v.reason == DropReason::OutsideAllowed);
}
GST_END_TEST;

/* A stand-in for SRTP: a packet "authenticates" when its last byte is the
 * tag 0xA5, which unprotect strips; an (SSRC, sequence) seen before is a
 * replay.  Records whether it was asked for SRTCP. */
class FakeProtection : public PacketProtection {
 public:
  std::vector<bool> *rtcp_calls;
  guint8 tag;   /* the "key" */
  explicit FakeProtection (std::vector<bool> *calls, guint8 tag_ = 0xA5)
    : rtcp_calls (calls), tag (tag_) {}
  ProtectionResult unprotect (uint8_t *data, size_t &len, bool rtcp) override {
    rtcp_calls->push_back (rtcp);
    if (len < 9 || data[len - 1] != tag) {
      /* As an AEAD suite may: the packet is left garbled. */
      if (len > 0)
        data[0] ^= 0xff;
      return ProtectionResult::AuthFailed;
    }
    uint32_t key = rtcp ? 0x10000u | data[7] : (uint32_t (data[2]) << 8) | data[3];
    if (!seen_.insert (key).second)
      return ProtectionResult::Replayed;
    len--;
    return ProtectionResult::Ok;
  }
 private:
  std::set<uint32_t> seen_;
};

/* @plain (taken) with the fake tag @tag. */
static GstBuffer *
tagged_with (GstBuffer * plain, guint8 tag)
{
  std::vector<guint8> bytes = buffer_bytes (plain);
  gst_buffer_unref (plain);
  bytes.push_back (tag);
  return make_bytes (bytes);
}

/* @plain (taken) with the fake tag, or a wrong one. */
static GstBuffer *
tagged (GstBuffer * plain, bool good = true)
{
  return tagged_with (plain, good ? 0xA5 : 0x5A);
}

/* Authentication comes before everything the policy does: what fails
 * neither latches, nor counts for probation, nor passes, nor is a
 * keepalive; what passes is the plain packet. */
GST_START_TEST (test_protection_runs_before_the_policy)
{
  std::vector<bool> calls;
  PacketDispatch d (config (3));
  d.set_protection (std::unique_ptr<PacketProtection> (new FakeProtection (&calls)));
  PeerAddress peer = addr ("203.0.113.7", 40000);
  PeerAddress attacker = addr ("198.51.100.66", 5004);

  fail_unless (feed (d, peer, tagged (make_rtp (5, 1)), 0).action == Action::Hold);
  PacketVerdict v = feed (d, attacker, tagged (make_rtp (5, 2), false), 10);
  fail_unless (v.action == Action::Drop && v.reason == DropReason::AuthFailed);
  v = feed (d, peer, tagged (make_rtp (5, 3), false), 15);
  fail_unless (v.reason == DropReason::AuthFailed, "a bad tag from the peer too");
  fail_unless (feed (d, peer, tagged (make_rtp (5, 2)), 20).action == Action::Hold);
  fail_unless_equals_int (d.policy (Side::ReadComponent).held_packets (), 2);
  /* A forged keepalive is no keepalive. */
  v = feed (d, peer, tagged (make_rtp (5, 3, KEEPALIVE_PT, 0), false), 30);
  fail_unless (v.action == Action::Drop && v.keepalives == 0);

  v = feed (d, peer, tagged (make_rtp (5, 3)), 40);
  fail_unless (v.action == Action::Forward && v.latch.happened);
  fail_unless (v.latch.peer == peer);
  std::vector<GstBuffer *> &out = d.output (Side::ReadComponent);
  fail_unless_equals_int (out.size (), 3);
  for (GstBuffer *b : out)
    fail_unless_equals_int (gst_buffer_get_size (b), 12 + 20);   /* tag gone */
  fail_unless (take_output (d, Side::ReadComponent) == std::vector<guint32> ({1, 2, 3}));

  /* A copy of the peer's SSRC and next sequence from elsewhere does not
   * re-latch without the key; a replay of the peer's own packet is caught. */
  v = feed (d, attacker, tagged (make_rtp (5, 4), false), 60);
  fail_unless (v.reason == DropReason::AuthFailed && !v.latch.happened);
  v = feed (d, attacker, tagged (make_rtp (5, 3)), 70);
  fail_unless (v.action == Action::Drop && v.reason == DropReason::Replayed);
  fail_unless (d.policy (Side::ReadComponent).peer () == peer);
  fail_unless (d.output (Side::ReadComponent).empty ());
  for (bool rtcp : calls)
    fail_if (rtcp, "RTP unprotected as SRTCP");
}
GST_END_TEST;

/* A re-key in a call (a re-offer with a new key): the peer's packets under
 * its old key, sent before it had the answer, still pass, until one under
 * the new key has; then the old key is refused.  Without a packet under
 * the new key, the old one is refused REKEY_GRACE_US after the change. */
GST_START_TEST (test_rekey_grace)
{
  std::vector<bool> calls;
  PeerAddress peer = addr ("203.0.113.7", 40000);
  const guint8 OLD = 0xA5, NEW = 0xB6;

  PacketDispatch d (config (1));
  d.set_protection (std::unique_ptr<PacketProtection> (new FakeProtection (&calls, OLD)));
  fail_unless (feed (d, peer, tagged_with (make_rtp (5, 1), OLD), 0).action == Action::Forward);
  d.set_protection (std::unique_ptr<PacketProtection> (new FakeProtection (&calls, NEW)), true);
  PacketVerdict v = feed (d, peer, tagged_with (make_rtp (5, 2), OLD), 20);
  fail_unless (v.action == Action::Forward, "an old-key packet in flight was dropped");
  fail_unless (feed (d, peer, tagged_with (make_rtp (5, 3), NEW), 40).action == Action::Forward);
  v = feed (d, peer, tagged_with (make_rtp (5, 4), OLD), 60);
  fail_unless (v.action == Action::Drop && v.reason == DropReason::AuthFailed,
      "the old key still authenticates after the new one did");
  fail_unless (take_output (d, Side::ReadComponent) == std::vector<guint32> ({1, 2, 3}));
  /* What passed is the plain packet, not the garbled copy. */
  fail_unless (feed (d, peer, tagged_with (make_rtp (5, 5), NEW), 80).action == Action::Forward);
  std::vector<GstBuffer *> &out = d.output (Side::ReadComponent);
  fail_unless_equals_int (out.size (), 1);
  fail_unless_equals_int (gst_buffer_get_size (out[0]), 12 + 20);
  take_output (d, Side::ReadComponent);

  /* Only old-key packets: accepted for the grace period, then not. */
  PacketDispatch e (config (1));
  e.set_protection (std::unique_ptr<PacketProtection> (new FakeProtection (&calls, OLD)));
  fail_unless (feed (e, peer, tagged_with (make_rtp (6, 1), OLD), 0).action == Action::Forward);
  e.set_protection (std::unique_ptr<PacketProtection> (new FakeProtection (&calls, NEW)), true);
  const int64_t grace_ms = PacketDispatch::REKEY_GRACE_US / 1000;
  fail_unless (feed (e, peer, tagged_with (make_rtp (6, 2), OLD), 100).action == Action::Forward);
  fail_unless (feed (e, peer, tagged_with (make_rtp (6, 3), OLD), 100 + grace_ms).action ==
      Action::Forward);
  v = feed (e, peer, tagged_with (make_rtp (6, 4), OLD), 100 + grace_ms + 1);
  fail_unless (v.reason == DropReason::AuthFailed, "the grace period did not end");
  take_output (e, Side::ReadComponent);

  /* A first key (no re-key) has no grace: nothing before it. */
  PacketDispatch f (config (1));
  f.set_protection (std::unique_ptr<PacketProtection> (new FakeProtection (&calls, NEW)), true);
  v = feed (f, peer, tagged_with (make_rtp (7, 1), OLD), 0);
  fail_unless (v.reason == DropReason::AuthFailed);
}
GST_END_TEST;

/* With rtcp-mux, RTCP on the RTP socket is unprotected as SRTCP, RTP as
 * SRTP, each to its own side. */
GST_START_TEST (test_protection_of_muxed_rtcp)
{
  std::vector<bool> calls;
  PacketDispatch d (config (1, true));
  d.set_protection (std::unique_ptr<PacketProtection> (new FakeProtection (&calls)));
  PeerAddress peer = addr ("203.0.113.7", 40000);

  fail_unless (feed (d, peer, tagged (make_rtp (9, 1)), 0).action == Action::Forward);
  PacketVerdict v = feed (d, peer, tagged (make_rtcp_rr (9)), 10);
  fail_unless (v.side == Side::MuxedRtcp && v.action == Action::Forward);
  fail_unless (take_output (d, Side::MuxedRtcp) == std::vector<guint32> ({9}));
  v = feed (d, peer, tagged (make_rtcp_rr (8), false), 20);
  fail_unless (v.side == Side::MuxedRtcp && v.reason == DropReason::AuthFailed);
  fail_unless (calls == std::vector<bool> ({false, true, true}));
}
GST_END_TEST;

/* The element's defaults for a re-latch: relatch=ssrc, probation 4/20 ms. */
static PacketDispatch::Config
relatch_config ()
{
  PacketDispatch::Config c = config (4);
  c.own.relatch = Relatch::Ssrc;
  c.own.probation_min_us = 20 * 1000;
  return c;
}

/* The peer sends packets @first..@last (20 ms apart, make_rtp's timestamps
 * advance with them) from @peer, @tag'ged unless 0; the output is emptied. */
static void
call_until (PacketDispatch & d, const PeerAddress & peer, guint16 first,
    guint16 last, guint8 tag = 0)
{
  for (guint16 seq = first; seq <= last; seq++) {
    GstBuffer *p = make_rtp (0x600D, seq);
    feed (d, peer, tag ? tagged_with (p, tag) : p, seq * 20);
  }
  take_output (d, Side::ReadComponent);
  fail_unless (d.policy (Side::ReadComponent).peer () == peer);
}

/* A NAT reboot through the dispatch, plain RTP: the peer comes back from a
 * new port 5 s later, 250 packets on; its timestamps (read by
 * inspect_packet) fit, so it re-latches on its 4th packet, and the held
 * three go out first. */
GST_START_TEST (test_continuation_after_outage)
{
  PacketDispatch d (relatch_config ());
  PeerAddress old_mapping = addr ("203.0.113.7", 40000);
  PeerAddress new_mapping = addr ("203.0.113.7", 51000);
  call_until (d, old_mapping, 1, 150);

  for (guint16 seq = 401; seq < 404; seq++)
    fail_unless (feed (d, new_mapping, make_rtp (0x600D, seq), seq * 20).action
        == Action::Hold);
  PacketVerdict v = feed (d, new_mapping, make_rtp (0x600D, 404), 404 * 20);
  fail_unless (v.action == Action::Forward && v.latch.happened);
  fail_unless (v.latch.decision.relatched && v.latch.decision.previous == old_mapping);
  fail_unless (v.latch.decision.why == LatchReason::ContinuationAfterSilence);
  fail_unless (v.latch.peer == new_mapping);
  fail_unless_equals_int (v.latch.released, 3);
  fail_unless (take_output (d, Side::ReadComponent) == std::vector<guint32> ({401, 402, 403, 404}));
}
GST_END_TEST;

/* The same outage under SRTP: one packet from the new port that
 * authenticates re-latches; a copy of the SSRC that does not (plain, or
 * another key) never reaches the policy. */
GST_START_TEST (test_srtp_continuation_after_outage)
{
  std::vector<bool> calls;
  PacketDispatch d (relatch_config ());
  d.set_protection (std::unique_ptr<PacketProtection> (new FakeProtection (&calls)));
  PeerAddress old_mapping = addr ("203.0.113.7", 40000);
  PeerAddress new_mapping = addr ("203.0.113.7", 51000);
  PeerAddress attacker = addr ("198.51.100.66", 40000);
  call_until (d, old_mapping, 1, 150, 0xA5);

  PacketVerdict v = feed (d, attacker, tagged (make_rtp (0x600D, 300), false), 6000);
  fail_unless (v.reason == DropReason::AuthFailed && !v.latch.happened);
  v = feed (d, attacker, make_rtp (0x600D, 301), 6020);
  fail_unless (v.reason == DropReason::AuthFailed && !v.latch.happened);
  v = feed (d, new_mapping, tagged (make_rtp (0x600D, 401), false), 8020);
  fail_unless (v.reason == DropReason::AuthFailed && !v.latch.happened);
  fail_unless (d.policy (Side::ReadComponent).peer () == old_mapping);

  v = feed (d, new_mapping, tagged (make_rtp (0x600D, 402)), 8040);
  fail_unless (v.action == Action::Forward && v.latch.happened);
  fail_unless (v.latch.decision.relatched && v.latch.decision.previous == old_mapping);
  fail_unless (v.latch.decision.why == LatchReason::ContinuationAfterSilence);
  fail_unless (d.policy (Side::ReadComponent).peer () == new_mapping);
  fail_unless (take_output (d, Side::ReadComponent) == std::vector<guint32> ({402}));
}
GST_END_TEST;

static Suite *
packetdispatch_suite (void)
{
  Suite *s = suite_create ("packetdispatch");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_forward_from_peer_drop_others);
  tcase_add_test (tc, test_probation_holds_then_releases_in_order);
  tcase_add_test (tc, test_keepalives_latch_but_are_consumed);
  tcase_add_test (tc, test_keepalive_latch_consumes_the_latching_packet);
  tcase_add_test (tc, test_ssrc_follow_after_keepalive_latch);
  tcase_add_test (tc, test_muxed_rtcp_split_and_latches_with_rtp);
  tcase_add_test (tc, test_muxed_rtcp_of_another_ssrc_is_not_released);
  tcase_add_test (tc, test_drop_reasons);
  tcase_add_test (tc, test_rtcp_component_waits_for_rtp_peer);
  tcase_add_test (tc, test_set_allowed_unlatches_and_reset);
  tcase_add_test (tc, test_protection_runs_before_the_policy);
  tcase_add_test (tc, test_protection_of_muxed_rtcp);
  tcase_add_test (tc, test_rekey_grace);
  tcase_add_test (tc, test_continuation_after_outage);
  tcase_add_test (tc, test_srtp_continuation_after_outage);
  return s;
}

GST_CHECK_MAIN (packetdispatch);

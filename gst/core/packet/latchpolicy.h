/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "packetfacts.h"
#include "peeraddress.h"

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace comedia {

/* What to do with one received packet. */
enum class Verdict : uint8_t {
  Accept,          /* from the latched peer: pass it downstream */
  Latch,           /* this packet latched (or re-latched) the peer: pass the
                    * held packets (take_released()) and then it */
  Hold,            /* a candidate in probation: the policy keeps it */
  Drop,            /* see DropReason */
};

enum class DropReason : uint8_t {
  None,
  Malformed,        /* not RTP/RTCP as this component expects */
  ForeignSource,    /* well-formed, but not from the latched peer */
  OutsideAllowed,   /* source outside the allowed-source prefix */
  SsrcMismatch,     /* RTCP whose SSRC is not the RTP peer's */
  WaitingForRtp,    /* (Hold) RTCP before the stream's RTP peer is known */
  NotRtpPeerIp,     /* RTCP from another IP than the stream's RTP peer */
  AuthFailed,       /* SRTP/SRTCP whose authentication tag does not match */
  Replayed,         /* SRTP/SRTCP the replay window has seen before */
};

const char *drop_reason_name (DropReason r);

/* When a latched peer may be replaced. */
enum class Relatch : uint8_t {
  Never,     /* first peer stays until the element stops */
  Ssrc,      /* a new address continuing the peer's SSRC and sequence
              * numbers takes over at once (NAT rebinding, roaming); after
              * the peer fell silent, one continuing its stream as the time
              * that passed says takes over through probation (a NAT reboot,
              * a handover) */
  Silence,   /* after the peer was silent for the timeout, any source may
              * latch again through probation */
};

/* Why a source latched (LatchDecision::why). */
enum class LatchReason : uint8_t {
  Learned,                  /* probation (or the first packet) */
  Rebinding,                /* relatch=ssrc: the next sequence numbers of
                             * the peer's SSRC from a new address */
  ContinuationAfterSilence, /* relatch=ssrc: the peer fell silent, and a new
                             * address continued its stream (see
                             * LatchPolicy::continues_after_silence) */
  AfterTimeout,             /* relatch=silence: a new source after the timeout */
  PreferredSource,          /* a source of a higher rank (Config::preferred) */
  Reopened,                 /* learning reopened by a re-offer */
};

const char *latch_reason_name (LatchReason r);

struct LatchDecision {
  Verdict verdict = Verdict::Drop;
  DropReason reason = DropReason::None;
  bool relatched = false;     /* Latch replaced an earlier peer ... */
  PeerAddress previous;       /* ... which was this one */
  LatchReason why = LatchReason::Learned;   /* Latch: why */
  size_t released = 0;        /* held packets to pass before this one */

  bool passes () const { return verdict == Verdict::Accept || verdict == Verdict::Latch; }
  bool latched_now () const { return verdict == Verdict::Latch; }
};

/* An IP prefix ("203.0.113.0/24", "2001:db8::/32", or one address). */
struct SourcePrefix {
  PeerAddress network;
  uint8_t length = 0;      /* 0 with an invalid network: anything matches */

  static bool parse (const std::string &text, SourcePrefix &out);
  bool any () const { return !network.valid (); }
  bool contains (const PeerAddress &addr) const;
};

/* The latching rules for one RTP or RTCP component: plain C++, no GObject,
 * no locks.  One streaming thread drives it, packet by packet; the element
 * publishes the peer it learns.
 *
 * Learning: a source becomes the peer after `probation_packets` RTP packets
 * with one SSRC and consecutive sequence numbers spanning at least
 * `probation_min_us` (RTCP: one valid compound whose SSRC is the stream's
 * RTP peer).  Packets of a source in probation are held, and released in
 * order when it latches, so a legitimate peer loses nothing.
 *
 * Continuation after silence (relatch=ssrc): a NAT that reboots, or a
 * phone handed over to another network, comes back from a new address
 * with sequence numbers too far ahead for a rebinding.  Once the peer has
 * gone silent, a source sending its SSRC continues its stream when each
 * packet's timestamp advanced as the peer's clock would have over the time
 * that passed (within CONTINUATION_SLACK_US and an eighth of that time),
 * and its sequence number by at least one and by no more than twice the
 * peer's packet rate allows; the clock and packet rates are learnt from the
 * peer's own packets (MIN_CLOCK_SPAN_US of them at least).  Such a source
 * latches through probation (CONTINUATION_PACKETS consecutive packets at
 * least, each consistent, spanning probation_min_us); a word from the old
 * address ends that probation, since the peer is not silent.  With SRTP
 * one packet that authenticated (PacketFacts::authenticated) is the proof. */
class LatchPolicy {
 public:
  struct Config {
    guint component = COMPONENT_RTP;   /* which kind of packet may latch */
    guint probation_packets = 1;       /* 1: the first packet latches */
    int64_t probation_min_us = 0;
    SourcePrefix allowed;              /* learning accepts only these */
    Relatch relatch = Relatch::Never;
    int64_t timeout_us = 0;            /* 0: never time out */
    bool rtcp_requires_rtp_peer = false;
    uint16_t max_seq_jump = 100;       /* sequence continuity window */
    /* RTP: where the peer's SDP says it sends from (symmetric-rtp=always;
     * invalid: no ranking).  Sources rank as rtpengine's heuristic does:
     * this address and port, then this IP, then any.  A source of a higher
     * rank takes the latch from a lower one through probation; a lower one
     * never takes it from a higher one. */
    PeerAddress preferred;
    /* What probation may hold, by bytes and by age rather than by count,
     * so that an unpaced start (a camera's key frame, back to back) is
     * held whole: per candidate, in total over the candidates, and for how
     * long.  What a bound drops is counted (held_dropped()). */
    size_t max_held_bytes_per_candidate = DEFAULT_MAX_HELD_BYTES_PER_CANDIDATE;
    size_t max_held_bytes = DEFAULT_MAX_HELD_BYTES;
    int64_t max_hold_us = DEFAULT_MAX_HOLD_US;
  };

  static constexpr size_t MAX_CANDIDATES = 64;
  /* 1 000 packets of 1 200 bytes, and room to spare. */
  static constexpr size_t DEFAULT_MAX_HELD_BYTES_PER_CANDIDATE = 2 * 1024 * 1024;
  static constexpr size_t DEFAULT_MAX_HELD_BYTES = 4 * 1024 * 1024;
  static constexpr int64_t DEFAULT_MAX_HOLD_US = 5 * G_USEC_PER_SEC;
  /* Continuation after silence (see above). */
  static constexpr guint CONTINUATION_PACKETS = 4;
  static constexpr int64_t CONTINUATION_SLACK_US = 250 * 1000;
  static constexpr int64_t MIN_CLOCK_SPAN_US = G_USEC_PER_SEC / 2;

  LatchPolicy () = default;
  explicit LatchPolicy (const Config &config) : config_ (config) {}
  ~LatchPolicy ();
  LatchPolicy (const LatchPolicy &) = delete;
  LatchPolicy &operator= (const LatchPolicy &) = delete;
  LatchPolicy (LatchPolicy &&other) noexcept;
  LatchPolicy &operator= (LatchPolicy &&other) noexcept;

  /* @from: source address; @facts: what the packet is (see inspect_packet);
   * @arrival_us: monotonic arrival time in microseconds; @packet: the
   * packet itself, referenced if held (may be NULL: nothing is held). */
  LatchDecision on_packet (const PeerAddress &from, const PacketFacts &facts,
      int64_t arrival_us, GstBuffer *packet = nullptr);

  /* After a Latch: moves the released packets (owned references, in
   * arrival order) into @out, and, if @facts is given, what each of them
   * is (as on_packet was told) into @facts, so that nothing is parsed
   * twice. */
  void take_released (std::vector<GstBuffer *> &out,
      std::vector<PacketFacts> *facts = nullptr);

  /* RTCP: the SSRC of the stream's RTP peer, once known. */
  void set_rtp_peer_ssrc (bool known, uint32_t ssrc);
  /* RTCP: where the stream's RTP peer sends from (invalid: not known).
   * With rtcp_requires_rtp_peer, RTCP then latches and re-latches only from
   * that IP: RTCP has no sequence numbers, so its SSRC alone would let
   * whoever knows it (an on-path observer, or an attacker holding the RTP
   * latch and sending the peer's SSRC) move the RTCP side back and forth. */
  void set_rtp_peer_address (const PeerAddress &addr) { rtp_peer_addr_ = addr; }
  /* RTCP that arrived before the RTP peer was known is held; once it is,
   * this latches the held sender whose SSRC matches (Latch), if any. */
  bool waiting_for_rtp_peer () const;
  LatchDecision retry_waiting (int64_t now_us);

  /* True once per silence: the latched peer has sent nothing for
   * timeout_us.  With Relatch::Silence the peer may now be replaced. */
  bool check_timeout (int64_t now_us);
  /* Microseconds until check_timeout() could fire, or -1 if never. */
  int64_t time_to_timeout (int64_t now_us) const;

  bool latched () const { return latched_; }
  const PeerAddress &peer () const { return peer_; }
  uint32_t peer_ssrc () const { return peer_ssrc_; }
  int64_t last_peer_packet_us () const { return last_peer_us_; }
  bool timed_out () const { return timed_out_; }
  size_t candidates () const;
  /* Packets held in probation, and their bytes: at most max_held_bytes
   * (and max_held_bytes_per_candidate each), none older than max_hold_us. */
  size_t held_packets () const;
  size_t held_bytes () const;
  /* Held packets a bound dropped since the last call (then zero). */
  size_t take_held_dropped ();
  /* The peer moved (a re-offer with a new address or port): any source may
   * take the latch again, through probation.  The latched peer stays until
   * one does; after that, a stray packet from the old address is foreign. */
  void reopen_learning () { reopened_ = latched_; }
  bool learning_reopened () const { return reopened_; }
  /* A new preferred source (see Config::preferred). */
  void set_preferred (const PeerAddress &preferred) { config_.preferred = preferred; }

  const Config &config () const { return config_; }
  /* A new allowed-source prefix (e.g. negotiated from the peer's SDP after
   * learning began).  Candidates outside it are forgotten; so is a latched
   * peer outside it (learning starts again): returns true then. */
  bool set_allowed (const SourcePrefix &allowed);
  void reset ();

 private:
  struct Held {
    GstBuffer *packet;
    PacketFacts facts;
    int64_t arrival_us;
    size_t size;
  };
  struct Candidate {
    PeerAddress from;
    uint32_t ssrc = 0;
    uint16_t last_seq = 0;
    guint count = 0;
    int64_t first_us = 0;
    int64_t last_us = 0;
    std::deque<Held> held;
    size_t held_bytes = 0;
    bool continuation = false;   /* continues the silent peer's stream */
    bool in_use () const { return count != 0; }
  };
  /* The latched peer's RTP stream as it arrived: how fast its timestamps
   * and sequence numbers advance against the arrival clock. */
  struct PeerClock {
    bool started = false;
    uint32_t ssrc = 0;
    int64_t first_us = 0;      /* arrival of its first packet */
    int64_t newest_us = 0;     /* arrival of the newest timestamp */
    uint32_t newest_ts = 0;
    int64_t ts_advance = 0;    /* timestamp units from the first to the newest */
    uint64_t packets = 0;
  };

  LatchDecision learn (const PeerAddress &from, const PacketFacts &facts,
      int64_t now, GstBuffer *packet, LatchReason why,
      bool continuation = false);
  LatchDecision latch (const PeerAddress &from, const PacketFacts &facts,
      int64_t now, Candidate *candidate, LatchReason why);
  LatchDecision relatch_ssrc (const PeerAddress &from, const PacketFacts &facts,
      int64_t now, GstBuffer *packet);
  void observe_peer (const PacketFacts &facts, int64_t now);
  bool clock_known () const;
  bool timestamp_fits (const PacketFacts &facts, int64_t now) const;
  bool continues_after_silence (const PacketFacts &facts, int64_t now) const;
  void clear_continuation ();
  void hold (Candidate &c, const PacketFacts &facts, GstBuffer *packet, int64_t now);
  void drop_held_front (Candidate &c);
  void bound_held (Candidate &c, size_t incoming, int64_t now);
  int rank (const PeerAddress &from) const;
  void drop_released ();
  Candidate &candidate_for (const PeerAddress &from);
  void clear_candidate (Candidate &c);
  void clear_candidates ();
  bool continues_peer (const PacketFacts &facts) const;
  bool from_rtp_peer_ip (const PeerAddress &from) const;

  Config config_;
  bool latched_ = false;
  bool timed_out_ = false;
  bool reopened_ = false;       /* reopen_learning() until the next latch */
  PeerAddress peer_;
  uint32_t peer_ssrc_ = 0;
  uint16_t peer_seq_ = 0;
  int64_t last_peer_us_ = 0;
  PeerClock clock_;
  bool continuing_ = false;     /* a continuation candidate is in probation */
  bool rtp_peer_known_ = false;
  uint32_t rtp_peer_ssrc_ = 0;
  PeerAddress rtp_peer_addr_;
  /* Grows up to MAX_CANDIDATES while learning and is emptied on latching:
   * a thousand latched receivers keep no table. */
  std::vector<Candidate> candidates_;
  std::deque<Held> released_;
  size_t held_total_ = 0;       /* bytes held over all candidates */
  size_t held_dropped_ = 0;     /* since take_held_dropped() */
};

}  // namespace comedia

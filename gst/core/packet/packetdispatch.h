/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* What each received datagram of comedia-rtpsrc becomes, in the style of
 * gst-plugins-rs rtpbin2's session: the dispatch decides and returns a
 * verdict, the element acts on it (pushes, counts, publishes, posts).
 *
 * One dispatch per receiving element: the latching policy of the component
 * it reads ("own") and, with rtcp-mux, of the RTCP muxed onto it.  Per
 * datagram it checks the length, tells muxed RTCP from RTP, authenticates
 * and decrypts SRTP/SRTCP when it has a protection (before anything else
 * may look at the packet: only what authenticates can latch), runs the
 * side's policy, consumes NAT keepalives (they latch like media but go no
 * further), follows the latched peer's media SSRC, and lets RTCP held for
 * the RTP peer latch as soon as that peer does.  Plain C++: no GstElement,
 * no globals, no locks; one thread drives it. */

#include "latchpolicy.h"
#include "packetfacts.h"
#include "packetprotection.h"
#include "peeraddress.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace comedia {

/* Which latching side a datagram belongs to. */
enum class Side : uint8_t {
  ReadComponent,   /* the component the element reads (its src pad) */
  MuxedRtcp,       /* RTCP muxed onto component 1 (rtcp-mux; the rtcp_src pad) */
};

/* What the element does with the datagram itself. */
enum class Action : uint8_t {
  Forward,     /* it is in the side's output: push it */
  Hold,        /* its source is in probation: the policy keeps it */
  Keepalive,   /* a NAT keepalive from the peer: consumed, count it */
  Drop,        /* see PacketVerdict::reason */
};

/* A side latched (or re-latched) a peer: the element publishes peer and
 * ssrc on its component and announces it. */
struct LatchEvent {
  bool happened = false;
  LatchDecision decision;      /* relatched, previous, why */
  PeerAddress peer;
  uint32_t ssrc = 0;
  size_t released = 0;         /* held packets now in the side's output */
};

struct PacketVerdict {
  Action action = Action::Drop;
  Side side = Side::ReadComponent;
  DropReason reason = DropReason::None;   /* Drop */
  const char *malformed = nullptr;        /* Drop, Malformed: what it was not */
  /* Forward: the latched peer's media now has this SSRC (it latched on its
   * keepalives, which have one of their own): the stream's RTCP speaks for
   * it, so the component follows it. */
  bool follow_ssrc = false;
  uint32_t ssrc = 0;
  size_t keepalives = 0;       /* keepalives consumed: this one, released ones */
  LatchEvent latch;            /* this datagram latched its side ... */
  LatchEvent rtcp_latch;       /* ... and then the muxed RTCP held for it */
};

class PacketDispatch {
 public:
  struct Config {
    guint component = COMPONENT_RTP;   /* what the element reads */
    bool rtcp_mux = false;
    int keepalive_pt = -1;             /* -1: no keepalives to consume */
    size_t mtu = 1500;                 /* longer datagrams are malformed */
    LatchPolicy::Config own;           /* own.component == component */
    LatchPolicy::Config rtcp;          /* the muxed RTCP, with rtcp_mux */
  };

  /* How often RTCP held for an unknown RTP peer is looked at again. */
  static constexpr int64_t RTCP_RETRY_INTERVAL_US = 50 * 1000;

  PacketDispatch () = default;
  explicit PacketDispatch (const Config &config);
  ~PacketDispatch ();
  PacketDispatch (const PacketDispatch &) = delete;
  PacketDispatch &operator= (const PacketDispatch &) = delete;
  PacketDispatch &operator= (PacketDispatch &&other) noexcept;

  /* Takes @packet (owned, sized to the datagram) from @from, arrived at
   * @now_us.  What passes, the held packets a latch releases first, is
   * appended to output() of its side, in order. */
  PacketVerdict dispatch (const PeerAddress &from, GstBuffer *packet,
      int64_t now_us);

  /* SRTP: every datagram is unprotected by @protection (nullptr: plain
   * RTP) before it is inspected; one that fails is dropped with
   * DropReason::Replayed, or AuthFailed (also what is not SRTP at all).
   * Replaces the previous one (a new key): libsrtp's replay window starts
   * anew.  @rekey: the peer's key changed in a call (a re-offer).  The
   * peer may go on sending under its old key until it has our answer, so
   * what the new key does not authenticate is tried under the old one,
   * until the new one has authenticated a packet or REKEY_GRACE_US have
   * passed since the first packet after the change. */
  void set_protection (std::unique_ptr<PacketProtection> protection,
      bool rekey = false);
  static constexpr int64_t REKEY_GRACE_US = 2 * 1000 * 1000;
  bool has_protection () const { return protection_ != nullptr; }

  /* Packets to push, per side (owned references, in order); the caller
   * empties them. */
  std::vector<GstBuffer *> &output (Side side) { return state_of (side).out; }

  bool has (Side side) const { return side == Side::ReadComponent || config_.rtcp_mux; }
  /* The side latches on RTCP, as the voice of the stream's RTP peer. */
  bool reads_rtcp (Side side) const;
  const LatchPolicy &policy (Side side) const { return state_of (side).policy; }
  const Config &config () const { return config_; }

  /* RTCP sides: the stream's RTP peer as its component publishes it
   * (@known false: none yet). */
  void set_rtp_peer (Side side, bool known, uint32_t ssrc,
      const PeerAddress &address);
  /* RTCP held before the RTP peer was known latches once its SSRC matches:
   * the released packets go to output(side). */
  LatchEvent retry_waiting (Side side, int64_t now_us);
  /* A new allowed-source prefix; true if the latched peer is outside it and
   * was forgotten. */
  bool set_allowed (Side side, const SourcePrefix &allowed);
  /* The source the SDP names (see LatchPolicy::Config::preferred). */
  void set_preferred (Side side, const PeerAddress &preferred);
  /* The peer moved: learning reopens (LatchPolicy::reopen_learning). */
  void reopen_learning (Side side);
  /* Held packets the side's probation bounds dropped since the last call. */
  size_t take_held_dropped (Side side);
  /* True once per silence of the side's latched peer. */
  bool check_timeout (Side side, int64_t now_us);
  /* Microseconds the receiver may wait for a packet before something is
   * due here (a timeout, held RTCP to look at again); -1: nothing is. */
  int64_t wait_us (int64_t now_us) const;

  /* Forgets peers, candidates and held packets; drops the outputs. */
  void reset ();

 private:
  struct SideState {
    LatchPolicy policy;
    uint32_t published_ssrc = 0;   /* the SSRC the component has */
    std::vector<GstBuffer *> out;
    void clear_output ();
  };

  SideState &state_of (Side side) { return side == Side::ReadComponent ? own_ : rtcp_; }
  const SideState &state_of (Side side) const { return side == Side::ReadComponent ? own_ : rtcp_; }
  bool is_keepalive (const PacketFacts &facts) const;
  LatchEvent latched (SideState &s, const LatchDecision &decision,
      size_t &keepalives);

  /* False (with @v filled in) when @packet does not unprotect. */
  bool unprotect (GstBuffer *packet, bool rtcp, PacketVerdict &v,
      int64_t now_us);
  ProtectionResult unprotect_rekeyed (uint8_t *data, size_t &len, bool rtcp,
      int64_t now_us);

  Config config_;
  std::unique_ptr<PacketProtection> protection_;
  /* The key before a re-key, for its grace period; the period's end (-1:
   * set at the next packet). */
  std::unique_ptr<PacketProtection> previous_protection_;
  int64_t previous_until_us_ = -1;
  std::vector<uint8_t> rekey_copy_;   /* scratch */
  SideState own_;
  SideState rtcp_;
  std::vector<PacketFacts> released_facts_;   /* scratch */
};

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* DTLS over COMEDIA, server side: the sources that send us DTLS on one
 * component before anything has latched, each a candidate with a handshake
 * of its own, until one completes with a certificate whose fingerprint the
 * SDP names.  Only then may the element latch that source ("verified");
 * after that, DTLS from any other source is dropped and counted.
 *
 * Against a spray of ClientHellos from strangers (forged sources or not):
 * - a ClientHello without a cookie is answered with a HelloVerifyRequest
 *   bound to its source (RFC 6347 section 4.2.1) and nothing is kept: a
 *   forged source never becomes a candidate, and costs one short-lived
 *   DtlsTransport (no key exchange, no signature); these answers are
 *   rate-limited;
 * - only a ClientHello that returns a valid cookie (its source has proven
 *   it receives what we send there) starts a candidate: at most
 *   max_candidates at once, at most new_candidates_per_second new ones,
 *   each bounded by its DtlsBudget (datagrams, bytes, time); a full table or
 *   a spent rate drops the datagram (counted), and the client retransmits.
 * So memory is bounded by max_candidates transports, and CPU by the two
 * rates.  Driven by its caller (no thread, no socket), one thread at a
 * time, like DtlsTransport. */

#include "dtlstransport.h"
#include "peeraddress.h"

#include <glib.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace comedia {

struct DtlsCandidateLimits {
  unsigned max_candidates = 4;
  /* Token buckets (a second's worth may come at once). */
  unsigned new_candidates_per_second = 10;
  unsigned hello_verify_per_second = 500;
  /* Each candidate's handshake. */
  DtlsBudget budget;
  unsigned initial_timeout_ms = 1000;
  size_t mtu = 1200;
};

/* What a datagram on a component that runs DTLS-SRTP is for, by its first
 * byte (RFC 7983): the handshake's, or the dispatch's, or dropped because
 * it is RTP/RTCP and no peer has verified yet (so nothing plain, nor any
 * SRTP before there are keys, can latch or pass). */
enum class DtlsGateAction {
  Handshake,   /* a DTLS record */
  DropMedia,   /* RTP/RTCP before verification */
  Dispatch,    /* SRTP/SRTCP once verified; STUN and the rest (counted there) */
};
DtlsGateAction dtls_gate_action (const uint8_t * data, size_t len, bool verified);

struct AddressedDatagram {
  PeerAddress to;
  Datagram data;
};

struct DtlsCandidateEvent {
  enum class Kind {
    Verified,  /* @address's handshake completed: latch it, install the keys */
    Failed,    /* @address's handshake failed; @reason says why */
    Closed,    /* the verified peer closed (close_notify, alert); @reason */
  };
  Kind kind = Kind::Failed;
  PeerAddress address;
  std::string reason;
  /* Verified only. */
  SrtpSuite suite = SrtpSuite::AesCm128HmacSha1_80;
  SrtpKey inbound_key;   /* unprotect what @address sends */
  SrtpKey outbound_key;  /* protect what we send to @address */
  std::optional<Fingerprint> peer_fingerprint;
};
const char *dtls_candidate_event_name (DtlsCandidateEvent::Kind kind);
/* What @transport (with @address) tells as an event of @kind: the reason,
 * and for Verified the suite, keys and matched fingerprint. */
DtlsCandidateEvent dtls_event_of (DtlsCandidateEvent::Kind kind, const PeerAddress & address,
    const DtlsTransport & transport);

struct DtlsCandidateResult {
  std::vector<AddressedDatagram> send;  /* in order, from the component's socket */
  /* feed (): at most one; handle_timeouts (): one per candidate that ended. */
  std::vector<DtlsCandidateEvent> events;
};

struct DtlsCandidateStats {
  uint64_t datagrams_received = 0;
  uint64_t bytes_received = 0;
  uint64_t hello_verify_sent = 0;        /* stateless cookie requests */
  uint64_t candidates_started = 0;
  uint64_t candidates_failed = 0;
  uint64_t candidates_dropped = 0;       /* the losers, when one verified */
  uint64_t dropped_table_full = 0;
  uint64_t dropped_rate = 0;             /* either bucket empty */
  uint64_t dropped_bad_cookie = 0;       /* a ClientHello with a cookie not made for its source */
  uint64_t dropped_not_client_hello = 0; /* DTLS from an unknown source that cannot start one */
  uint64_t dropped_after_verified = 0;   /* DTLS from others once verified */
};

class DtlsCandidateTable {
 public:
  /* @expected: the SDP's a=fingerprint values for this stream. */
  DtlsCandidateTable (std::shared_ptr<DtlsContext> context, std::vector<Fingerprint> expected,
      const DtlsCandidateLimits & limits = {});
  ~DtlsCandidateTable ();
  DtlsCandidateTable (const DtlsCandidateTable &) = delete;
  DtlsCandidateTable & operator= (const DtlsCandidateTable &) = delete;

  /* One DTLS datagram (classify_datagram () == Dtls) from @from.
   * @now: g_get_monotonic_time (). */
  DtlsCandidateResult feed (const PeerAddress & from, const uint8_t * data, size_t len,
      gint64 now);
  DtlsCandidateResult feed (const PeerAddress & from, const Datagram & d, gint64 now)
  { return feed (from, d.data (), d.size (), now); }
  /* Retransmissions and budgets of every candidate (and of the verified
   * one): call at next_timeout (). */
  DtlsCandidateResult handle_timeouts (gint64 now);
  std::optional<gint64> next_timeout () const;

  /* Candidates in progress (the verified one included, once there). */
  size_t size () const { return candidates_.size (); }
  size_t max_size_seen () const { return max_size_seen_; }
  bool verified () const { return verified_; }
  /* The verified source, once verified () is true. */
  const PeerAddress & verified_address () const;
  const DtlsCandidateStats & stats () const { return stats_; }

 private:
  struct Candidate {
    PeerAddress address;
    std::unique_ptr<DtlsTransport> transport;
  };
  struct TokenBucket {
    double tokens = 0;
    gint64 at = 0;
    bool started = false;
    bool take (unsigned per_second, gint64 now);
  };

  std::unique_ptr<DtlsTransport> new_transport (const PeerAddress & from) const;
  DtlsCandidateResult start_candidate (const PeerAddress & from, const uint8_t * data,
      size_t len, gint64 now);
  DtlsCandidateResult answer_hello_verify (const PeerAddress & from, const uint8_t * data,
      size_t len, gint64 now);
  /* What @c's transport says after a call: its datagrams into @result and,
   * on a change of state, its event; false when @c is to be removed. */
  bool collect (Candidate & c, std::vector<Datagram> out, DtlsCandidateResult & result);
  void keep_only (size_t winner);

  std::shared_ptr<DtlsContext> context_;
  std::vector<Fingerprint> expected_;
  DtlsCandidateLimits limits_;
  std::vector<Candidate> candidates_;
  size_t max_size_seen_ = 0;
  bool verified_ = false;
  TokenBucket candidate_tokens_, hello_verify_tokens_;
  DtlsCandidateStats stats_;
};

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* One (stream, component) of a session, as named parts: the socket slot,
 * the destination sending goes to (with the peer the receiving side
 * latched), the receive terms the negotiator sets for the receiving side,
 * the sending side's state, the outbound SRTP, and the counters.  Each part
 * keeps its state private behind verbs; which thread writes and reads what
 * is in docs/design.md, "The latched-address object". */

#include <gio/gio.h>
#include <gst/gst.h>

#include "bundleroute.h"
#include "dtlscertificate.h"
#include "dtlssdp.h"
#include "peeraddress.h"
#include "sdescrypto.h"
#include "srtpsession.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

/* The session's private part, the only one that attaches sockets. */
struct ComediaSessionPrivate;

namespace comedia {

/* What a component counts, for the elements' stats. */
enum class Count : uint8_t {
  Received,            /* datagrams read from the socket */
  Passed,              /* pushed downstream */
  Latched,             /* times a peer was latched */
  Relatched,           /* of which replaced a peer */
  Timeouts,            /* latched peer fell silent */
  Rejected,            /* well-formed, wrong source */
  Malformed,           /* not RTP/RTCP */
  Learning,            /* held while in probation */
  HeldDropped,         /* held, then dropped by a bound */
  Sent,                /* datagrams sent */
  SentBytes,
  SendCalls,           /* system calls: a batch is one */
  DroppedNoPeer,       /* sink had nowhere to send */
  DroppedOnHold,       /* sink's media, negotiated not to send */
  SendErrors,          /* e.g. ICMP unreachable */
  KeepalivesSent,
  KeepalivesReceived,  /* consumed by the source */
  AuthFailed,          /* SRTP/SRTCP whose tag did not match */
  Replayed,            /* SRTP/SRTCP libsrtp saw before */
  AuthFailedPeer,      /* of AuthFailed, from the latched (or expected) peer */
  ReplayedPeer,        /* of Replayed, from the latched (or expected) peer */
  ProtectErrors,       /* sink: libsrtp refused to protect */
  DroppedAwaitingDtls, /* sink: media of a DTLS component before its keys */
  N_COUNTS
};

/* Relaxed atomic counters: any thread adds, stats read. */
class ComponentCounters {
 public:
  void add (Count which, guint64 n = 1)
  { values_[(size_t) which].fetch_add (n, std::memory_order_relaxed); }
  guint64 get (Count which) const
  { return values_[(size_t) which].load (std::memory_order_relaxed); }

 private:
  std::atomic<guint64> values_[(size_t) Count::N_COUNTS]{};
};

/* The UDP socket that both receiving and sending use (symmetric RTP,
 * RFC 4961).  Attached once by the session; with rtcp-mux, component 2
 * holds a reference to component 1's socket. */
class SocketSlot {
 public:
  SocketSlot () = default;
  ~SocketSlot ();
  SocketSlot (const SocketSlot &) = delete;
  SocketSlot &operator= (const SocketSlot &) = delete;

  /* The socket, or NULL until opened. */
  GSocket *socket () const { return socket_; }
  guint16 local_port () const { return local_port_; }
  /* The bound address as a new GInetSocketAddress, or NULL. */
  GInetSocketAddress *local_address () const;
  bool is_open () const { return socket_ != nullptr; }

 private:
  friend struct ::ComediaSessionPrivate;
  void attach (GSocket *socket, guint16 port);

  GSocket *socket_ = nullptr;
  guint16 local_port_ = 0;
};

/* Where sending goes, as choose_destination() orders the candidates: the
 * pinned static destination, the peer the receiving element latched, the
 * static destination, the sending element's own host/port.  The latched
 * peer comes with its SSRC: the RTCP side of the stream latches only from
 * it.  Every change bumps one generation, so that a reader keeps its copy
 * and looks again only when it changed. */
class Destination {
 public:
  explicit Destination (const SocketSlot &slot) : slot_ (slot) {}
  ~Destination ();
  Destination (const Destination &) = delete;
  Destination &operator= (const Destination &) = delete;

  /* The receiving element latched @peer on @ssrc. */
  void publish_latched (const PeerAddress &peer, guint32 ssrc);
  /* The receiving element verified @peer's DTLS handshake: sending goes
   * there at once; its SSRC comes with its first media (publish_latched). */
  void publish_verified (const PeerAddress &peer);
  /* The latched peer's media now comes with @ssrc (it latched on its NAT
   * keepalives, which have an SSRC of their own): RTCP must come from the
   * media's sender. */
  void follow_latched_ssrc (guint32 ssrc);
  /* Forgets the latched peer (it is no longer allowed): sinks send nowhere
   * (or to the static destination) until the next latch. */
  void clear_latched ();
  bool latched () const { return latched_.load (std::memory_order_acquire); }
  PeerAddress latched_peer () const;

  /* The latched peer as the stream's RTCP side needs it. */
  struct LatchedPeer {
    bool known = false;   /* an SSRC was published */
    guint32 ssrc = 0;
    PeerAddress address;
  };
  /* If the destination changed since @generation: copies the latched peer
   * into @peer, updates @generation and returns true.  One atomic load
   * when not. */
  bool latched_peer_since (guint64 &generation, LatchedPeer &peer) const;

  /* The destination for packets without a latched peer; NULL clears it.
   * @pinned: it comes from the peer's own SDP without COMEDIA (RFC 3264:
   * send where the peer said), so it wins over a latched peer.  A peer
   * that is not symmetric, like udpsink, sends from a port it does not
   * listen on; answering to the source would lose the stream. */
  void set_static (GSocketAddress *addr, bool pinned = false);
  /* The sending element's own destination (comedia-rtpsink host/port),
   * used when nothing else is known; NULL clears it.  Here rather than in
   * the element so the keepalive thread sends there too. */
  void set_configured (GSocketAddress *addr);

  /* The address sending goes to now, or NULL.  @cache_generation / @cache
   * let a sender keep a reference and only take the lock when the
   * destination changed: returns the (possibly updated) cached address,
   * not a new reference.  Start @cache_generation at 0. */
  GSocketAddress *current (guint64 &cache_generation, GSocketAddress *&cache) const;

 private:
  void publish (const PeerAddress &peer, bool ssrc_known, guint32 ssrc);

  const SocketSlot &slot_;   /* addresses are made ready for its socket */
  mutable std::mutex lock_;  /* guards everything below but the atomics */
  PeerAddress latched_peer_;
  bool latched_ssrc_known_ = false;
  guint32 latched_ssrc_ = 0;
  GSocketAddress *latched_address_ = nullptr;
  GSocketAddress *static_address_ = nullptr;
  bool static_pinned_ = false;
  GSocketAddress *configured_address_ = nullptr;
  std::atomic<bool> latched_{false};
  /* Bumped by every change.  Starts at 1 so that a reader starting at 0
   * always looks once. */
  std::atomic<guint64> generation_{1};
};

/* What the receiving side of the component must apply, set by
 * sdp-negotiator: the allowed source (and the source a "symmetric" plan
 * ranks first), reopened learning, the inbound SRTP key.  The receiving
 * element reads them through one snapshot per batch. */
class ReceiveTerms {
 public:
  struct Snapshot {
    guint64 generation = 0;       /* of the terms copied; 0: none yet */
    std::string allowed_source;   /* an allowed-source prefix; "" none */
    PeerAddress preferred;        /* invalid: none */
    SrtpKey inbound_key;          /* empty: plain RTP */
    /* How often each was set: what changed between two snapshots. */
    guint64 allowed_sets = 0;
    guint64 relearns = 0;
    guint64 key_sets = 0;
  };
  struct Changes {
    bool allowed_source = false;
    bool relearn = false;
    bool inbound_key = false;
  };

  /* @prefix: the source restriction negotiated from the peer's SDP (the
   * offer's c= when public), "" for none; the receiving element applies
   * it unless its own allowed-source is set.  @preferred: the source the
   * SDP names, ranked first while learning (symmetric-rtp=always). */
  void set_allowed_source (const std::string &prefix,
      const PeerAddress &preferred = PeerAddress ());
  /* A re-offer moved the peer: the receiving side lets a new source latch
   * through probation, and once one has, a stray packet from the old
   * address is foreign and cannot take the component back (rtpengine
   * #817).  The latched peer stays the destination until then. */
  void reopen_learning ();
  /* The key the receiving element authenticates with (the element's own
   * srtp-key wins).  The receiving thread owns its libsrtp session: replay
   * windows are per receiver. */
  void set_inbound_srtp (const SrtpKey &key);

  /* Brings @snapshot up to date and says what changed since it was taken:
   * one atomic load when nothing did, else one copy under the lock.  A
   * default Snapshot sees what was ever set. */
  Changes refresh (Snapshot &snapshot) const;

  /* One reading element only: false if another holds the component. */
  bool claim_reader ()
  {
    bool expected = false;
    return has_reader_.compare_exchange_strong (expected, true);
  }
  void release_reader () { has_reader_.store (false); }

 private:
  mutable std::mutex lock_;
  Snapshot terms_;   /* guarded by lock_; its generation is generation_ */
  std::atomic<guint64> generation_{0};
  std::atomic<bool> has_reader_{false};
};

/* What the sending side did and may do, for the sink and the keepalive
 * thread: one relaxed atomic each, since the sink touches them per buffer
 * list. */
class SendState {
 public:
  /* The negotiated direction says this side sends no media (recvonly or
   * inactive: the peer put the call on hold): comedia-rtpsink drops what
   * it gets on component 1.  RTCP and keepalives go on (RFC 3264 5.1). */
  void set_on_hold (bool on_hold) { on_hold_.store (on_hold, std::memory_order_relaxed); }
  bool on_hold () const { return on_hold_.load (std::memory_order_relaxed); }

  /* Monotonic time of the last datagram sent (media or keepalive), for
   * NAT keepalives. */
  void note_sent (gint64 now_us) { last_sent_us_.store (now_us, std::memory_order_relaxed); }
  gint64 last_sent_us () const { return last_sent_us_.load (std::memory_order_relaxed); }

  /* The SSRC of the RTP media sent on this (RTP) component, recorded by
   * the sender from time to time: RTCP keepalives of the stream speak for
   * that sender, since the passive side latches RTCP only from the SSRC
   * its RTP side latched.  False until one was recorded. */
  void note_rtp_ssrc (guint32 ssrc)
  {
    rtp_ssrc_.store ((G_GUINT64_CONSTANT (1) << 32) | ssrc,
        std::memory_order_relaxed);
  }
  bool rtp_ssrc (guint32 &ssrc) const
  {
    guint64 v = rtp_ssrc_.load (std::memory_order_relaxed);
    ssrc = (guint32) v;
    return (v >> 32) != 0;
  }

 private:
  std::atomic<bool> on_hold_{false};
  std::atomic<gint64> last_sent_us_{0};
  std::atomic<guint64> rtp_ssrc_{0};   /* bit 32: known */
};

/* How a packet leaves the component (OutboundSrtp::protect). */
enum class OutgoingProtection : uint8_t {
  Plain,       /* no outbound SRTP: send as it is */
  Protected,   /* encrypted in place, @len grew by the tag */
  Failed,      /* libsrtp refused: do not send it (counted) */
};

/* Outbound SRTP (docs/design.md, "SRTP"): one libsrtp session per
 * component, shared by every sender (comedia-rtpsink, the keepalive thread)
 * under its own lock.  Two sources of keys: the negotiator's (SDES) and the
 * sending element's property (a fixed key), which wins.  Empty: plain. */
class OutboundSrtp {
 public:
  explicit OutboundSrtp (ComponentCounters &counters) : counters_ (counters) {}
  OutboundSrtp (const OutboundSrtp &) = delete;
  OutboundSrtp &operator= (const OutboundSrtp &) = delete;

  /* @fixed: from an element property; a negotiated key never replaces a
   * fixed one.  False with @error when libsrtp refuses the key. */
  bool set_key (const SrtpKey &key, bool fixed, std::string *error);
  /* The element that set a fixed key stops: the negotiated key applies
   * again.  False with @error when libsrtp refuses that one. */
  bool clear_fixed (std::string *error);
  bool active () const { return active_.load (std::memory_order_acquire); }
  /* Protects @data in place before it is sent: SRTCP when @rtcp.  Needs
   * @capacity >= @len + SrtpSession::kMaxTrailer.  Counts failures. */
  OutgoingProtection protect (uint8_t *data, size_t &len, size_t capacity,
      bool rtcp);

 private:
  ComponentCounters &counters_;
  std::mutex lock_;                  /* guards the state below */
  std::unique_ptr<SrtpSession> session_;
  bool fixed_ = false;
  SrtpKey negotiated_;               /* kept while a fixed key wins */
  std::atomic<bool> active_{false};  /* session_ is set */
};

/* DTLS-SRTP (RFC 5763/5764) for the component, as sdp-negotiator decided
 * it from the offer and answer: the element that carries the component
 * (comedia-rtpsrc over COMEDIA, comedia-dtlssrtpdec over ICE) runs the
 * handshake with these terms and keys the component's SRTP from it. */
struct NegotiatedDtls {
  bool enabled = false;                 /* false: no DTLS (plain or SDES) */
  DtlsRole role = DtlsRole::Server;     /* ours */
  bool connect = true;                  /* false for holdconn: no handshake yet */
  std::vector<Fingerprint> expected;    /* the peer's a=fingerprint values */
  /* Client role without ICE: where the ClientHello goes (the peer's SDP
   * address for this component); invalid: not known. */
  PeerAddress remote;
  /* Ours; NULL: the process's (DtlsCertificate::process_default ()). */
  std::shared_ptr<const DtlsCertificate> certificate;
  /* A new value asks for a new handshake (RFC 8842: a re-offer with a new
   * tls-id or fingerprint); a re-offer that changes nothing keeps it, and
   * the association with it. */
  guint64 association = 0;
};

/* Where the negotiator leaves NegotiatedDtls for the carrying element,
 * which looks per batch: one atomic load when nothing changed. */
class DtlsTermsSlot {
 public:
  void set (const NegotiatedDtls &terms);
  /* If the terms changed since @generation (start at 0): copies them into
   * @terms, updates @generation and returns true. */
  bool since (guint64 &generation, NegotiatedDtls &terms) const;
  /* The terms say DTLS-SRTP (one atomic load): senders send nothing plain. */
  bool enabled () const { return enabled_.load (std::memory_order_acquire); }
  /* @listener is called after each set (), on the setter's thread, outside
   * the lock: a reader's wake-up (comedia-rtpsrc's receive thread, an
   * IceDtlsLink's thread), so that it needs no poll.  Returns the id to
   * remove it with.  A set () running while remove_listener () is called
   * may still call it once: a listener must stay safe to call after its
   * removal (capture what it wakes by a shared_ptr or a lookup). */
  guint64 add_listener (std::function<void ()> listener);
  void remove_listener (guint64 id);

 private:
  using Listener = std::shared_ptr<const std::function<void ()>>;
  mutable std::mutex lock_;
  NegotiatedDtls terms_;                /* guarded by lock_ */
  std::vector<std::pair<guint64, Listener>> listeners_;  /* guarded by lock_ */
  guint64 next_listener_ = 1;           /* guarded by lock_ */
  std::atomic<guint64> generation_{0};
  std::atomic<bool> enabled_{false};
};

/* BUNDLE (RFC 9143), on the RTP component of a stream that carries a
 * bundle's transport: how its packets go to the bundled streams (set by
 * sdp-negotiator, read by comedia-dtlssrtpdec), and the SSRCs each bundled
 * stream sends (noted by comedia-dtlssrtpenc), so that RTCP naming them
 * goes to their stream. */
class BundleRouteSlot {
 public:
  void set (const BundleRoutes &routes);
  /* New SSRCs only; a stream's first ones up to BundleRouter::kMaxSsrcs. */
  void note_sent (guint32 ssrc, guint stream);
  /* If anything changed since @generation (start at 0): copies it out,
   * updates @generation and returns true. */
  bool since (guint64 &generation, BundleRoutes &routes,
      std::vector<std::pair<guint32, guint>> &sent) const;

 private:
  mutable std::mutex lock_;
  BundleRoutes routes_;                          /* guarded by lock_ */
  std::vector<std::pair<guint32, guint>> sent_;  /* guarded by lock_ */
  std::atomic<guint64> generation_{0};
};

/* One (stream, component) of a session: its parts.  Lives as long as the
 * session. */
class Component {
 public:
  Component (guint stream_, guint component_)
    : stream (stream_), component (component_) {}
  Component (const Component &) = delete;
  Component &operator= (const Component &) = delete;

  const guint stream;
  const guint component;

  SocketSlot slot;
  Destination destination{slot};
  ReceiveTerms receive_terms;
  SendState sending;
  ComponentCounters counters;
  OutboundSrtp srtp_out{counters};
  DtlsTermsSlot dtls;
  BundleRouteSlot bundle;

  /* DTLS-SRTP was negotiated for this component, or for @stream_rtp (its
   * stream's RTP component: with rtcp-mux the RTCP component has no terms
   * of its own), and no outbound key exists yet: nothing may leave plain. */
  bool awaits_dtls_keys (const Component *stream_rtp = nullptr) const
  {
    return !srtp_out.active () &&
        (dtls.enabled () || (stream_rtp && stream_rtp->dtls.enabled ()));
  }
};

}  // namespace comedia

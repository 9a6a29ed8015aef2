/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "latchpolicy.h"
#include "netaddress.h"
#include "sdescrypto.h"
#include "srtpsession.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

G_BEGIN_DECLS

#define COMEDIA_TYPE_SESSION (comedia_session_get_type ())
G_DECLARE_FINAL_TYPE (ComediaSession, comedia_session, COMEDIA, SESSION, GObject)

/* Returns the session called @name, creating it if no element holds it.
 * The caller owns the returned reference; the last unref removes it from the
 * process-wide table. */
ComediaSession *comedia_session_acquire (const gchar * name);
const gchar *comedia_session_get_name (ComediaSession * session);

G_END_DECLS

namespace comedia {

/* Counters of one component, updated with relaxed atomics. */
struct ComponentCounters {
  std::atomic<guint64> received{0};       /* datagrams read from the socket */
  std::atomic<guint64> passed{0};         /* pushed downstream */
  std::atomic<guint64> latched{0};        /* times a peer was latched */
  std::atomic<guint64> relatched{0};      /* of which replaced a peer */
  std::atomic<guint64> timeouts{0};       /* latched peer fell silent */
  std::atomic<guint64> rejected{0};       /* well-formed, wrong source */
  std::atomic<guint64> malformed{0};      /* not RTP/RTCP */
  std::atomic<guint64> learning{0};       /* held while in probation */
  std::atomic<guint64> held_dropped{0};   /* held, then dropped by a bound */
  std::atomic<guint64> sent{0};           /* datagrams sent */
  std::atomic<guint64> sent_bytes{0};
  std::atomic<guint64> send_calls{0};     /* system calls: a batch is one */
  std::atomic<guint64> dropped_no_peer{0};/* sink had nowhere to send */
  std::atomic<guint64> dropped_on_hold{0};/* sink's media, negotiated not to send */
  std::atomic<guint64> send_errors{0};    /* e.g. ICMP unreachable */
  std::atomic<guint64> keepalives_sent{0};
  std::atomic<guint64> keepalives_received{0}; /* consumed by the source */
  std::atomic<guint64> auth_failed{0};    /* SRTP/SRTCP whose tag did not match */
  std::atomic<guint64> replayed{0};       /* SRTP/SRTCP libsrtp saw before */
  std::atomic<guint64> protect_errors{0}; /* sink: libsrtp refused to protect */
};

/* How a packet leaves the component (Component::protect_outgoing). */
enum class OutgoingProtection : uint8_t {
  Plain,       /* no outbound SRTP: send as it is */
  Protected,   /* encrypted in place, @len grew by the tag */
  Failed,      /* libsrtp refused: do not send it (counted) */
};

/* Where to bind a component's socket; given by comedia-rtpsrc. */
struct BindRequest {
  std::string address = "0.0.0.0";
  guint16 port = 0;
};

/* One (stream, component) of a session: the UDP socket that both receiving
 * and sending use (symmetric RTP, RFC 4961), the peer latched from what
 * arrives on it, an optional static destination, and counters. */
class Component {
 public:
  Component (guint stream, guint component);
  ~Component ();
  Component (const Component &) = delete;
  Component &operator= (const Component &) = delete;

  const guint stream;
  const guint component;

  /* The socket, or NULL until opened.  Owned by the component; with
   * rtcp-mux, component 2 holds a reference to component 1's socket. */
  GSocket *socket () const { return socket_; }
  guint16 local_port () const { return local_port_; }
  /* The bound address as a new GInetSocketAddress, or NULL. */
  GInetSocketAddress *local_address () const;
  bool is_open () const { return socket_ != nullptr; }

  /* Latching: the receiving element publishes each peer it latches, with
   * the SSRC it latched on (RTCP of the stream must come from it; see
   * follow_latched_ssrc). */
  void publish_latched_peer (const PeerAddress &peer, guint32 ssrc);
  /* The SSRC of the latched peer; FALSE until one latched. */
  bool latched_ssrc (guint32 &ssrc) const;
  /* The latched peer's media now comes with @ssrc (it latched on its NAT
   * keepalives, which have an SSRC of their own): RTCP must come from the
   * media's sender. */
  void follow_latched_ssrc (guint32 ssrc);
  bool latched () const { return latched_generation_.load (std::memory_order_acquire) != 0; }
  PeerAddress latched_peer () const;

  /* Forgets the latched peer (it is no longer allowed): sinks send nowhere
   * (or to the static destination) until the next latch. */
  void clear_latched_peer ();

  /* The source restriction negotiated from the peer's SDP (sdp-negotiator:
   * the offer's c= when public), as an allowed-source prefix; "" for none.
   * The receiving element applies it unless its own allowed-source is set. */
  /* @preferred: the source the SDP names, ranked first while learning
   * (symmetric-rtp=always; invalid: none). */
  void set_negotiated_allowed_source (const std::string &prefix,
      const PeerAddress &preferred = PeerAddress ());
  /* If it changed since @generation: updates both and returns true. */
  bool negotiated_allowed_source (guint64 &generation, std::string &prefix,
      PeerAddress *preferred = nullptr) const;

  /* Reopens learning (sdp-negotiator: a re-offer moved the peer): the
   * receiving side lets a new source latch through probation, and once one
   * has, a stray packet from the old address is foreign and cannot take
   * the component back (rtpengine #817).  Only bumps a generation; the
   * latched peer stays the destination until a new one replaces it. */
  void reopen_learning ();
  /* If learning was reopened since @generation: updates it and returns
   * true.  One atomic load when not, so the receiving side may ask per
   * batch. */
  bool learning_reopened (guint64 &generation) const;

  /* Destination for packets without a latched peer; NULL clears it.
   * @pinned: the destination comes from the peer's own SDP without COMEDIA
   * (RFC 3264: send where the peer said), so it wins over a latched peer.
   * A peer that is not symmetric, like udpsink, sends from a port it does
   * not listen on; answering to the source would lose the stream. */
  void set_static_destination (GSocketAddress * addr, bool pinned = false);

  /* The sending element's own destination (comedia-rtpsink host/port),
   * used when nothing else is known; NULL clears it.  Here rather than in
   * the element so the keepalive thread sends there too. */
  void set_configured_destination (GSocketAddress * addr);

  /* The address sending goes to, as choose_destination() orders them: the
   * pinned static destination, else the latched peer, else the static
   * destination, else the configured one, else NULL.  @cache_generation / @cache let a sender keep a
   * reference and only take the lock when the destination changed:
   * returns the (possibly updated) cached address, not a new reference. */
  GSocketAddress *destination (guint64 & cache_generation, GSocketAddress * &cache) const;

  ComponentCounters counters;

  /* Monotonic time of the last datagram sent (media or keepalive), for
   * NAT keepalives: one relaxed store per send. */
  std::atomic<gint64> last_sent_us{0};

  /* The negotiated direction says this side sends no media (recvonly or
   * inactive: the peer put the call on hold): comedia-rtpsink drops what it
   * gets on component 1.  RTCP and keepalives go on (RFC 3264 5.1). */
  std::atomic<bool> media_on_hold{false};

  /* The SSRC of the RTP media sent on this (RTP) component, recorded by the
   * sender from time to time: RTCP keepalives of the stream speak for that
   * sender, since the passive side latches RTCP only from the SSRC its RTP
   * side latched.  Returns false until one was recorded. */
  void note_sent_rtp_ssrc (guint32 ssrc)
  {
    sent_rtp_ssrc_.store ((G_GUINT64_CONSTANT (1) << 32) | ssrc,
        std::memory_order_relaxed);
  }
  bool sent_rtp_ssrc (guint32 & ssrc) const
  {
    guint64 v = sent_rtp_ssrc_.load (std::memory_order_relaxed);
    ssrc = (guint32) v;
    return (v >> 32) != 0;
  }

  /* SRTP (docs/design.md, "SRTP").  Two sources of keys per direction:
   * the negotiator's (SDES) and the element's own properties (fixed keys),
   * which win.  Empty keys: plain RTP. */

  /* Inbound: the key the receiving element authenticates with.  The
   * receiving thread owns its libsrtp session (replay windows are per
   * receiver); it asks per batch whether the key changed. */
  void set_negotiated_inbound_srtp (const SrtpKey &key);
  /* If the negotiated inbound key changed since @generation: updates both
   * and returns true.  One atomic load when not. */
  bool negotiated_inbound_srtp (guint64 &generation, SrtpKey &key) const;

  /* Outbound: one libsrtp session per component, shared by every sender
   * (comedia-rtpsink, the keepalive thread) under its own lock.
   * @fixed: from an element property; a negotiated key never replaces a
   * fixed one.  False with @error when libsrtp refuses the key. */
  bool set_outbound_srtp (const SrtpKey &key, bool fixed, std::string *error);
  /* The element that set a fixed key stops: negotiated keys apply again. */
  void clear_fixed_outbound_srtp ();
  bool sends_srtp () const { return sends_srtp_.load (std::memory_order_acquire); }
  /* Protects @data in place before it is sent: SRTCP when @rtcp.  Needs
   * @capacity >= @len + SrtpSession::kMaxTrailer.  Counts failures. */
  OutgoingProtection protect_outgoing (uint8_t *data, size_t &len, size_t capacity,
      bool rtcp);

  /* Only for ComediaSession. */
  void attach_socket (GSocket * socket, guint16 port);

  /* Set when a source element reads this component (one reader only). */
  std::atomic<bool> has_reader{false};

 private:
  GSocket *socket_ = nullptr;
  guint16 local_port_ = 0;
  std::atomic<guint64> sent_rtp_ssrc_{0};   /* bit 32: known */

  mutable std::mutex lock_;  /* guards the addresses below */
  PeerAddress latched_peer_;
  GSocketAddress *latched_address_ = nullptr;
  GSocketAddress *static_address_ = nullptr;
  bool static_pinned_ = false;
  GSocketAddress *configured_address_ = nullptr;
  /* Bumped whenever the destination changes; odd values never used. */
  std::atomic<guint64> destination_generation_{1};
  std::atomic<guint64> latched_generation_{0};
  std::atomic<guint64> latched_ssrc_{0};   /* bit 32 set: known */
  std::string negotiated_allowed_;         /* guarded by lock_ */
  PeerAddress negotiated_preferred_;       /* guarded by lock_ */
  std::atomic<guint64> allowed_generation_{0};
  std::atomic<guint64> relearn_generation_{0};   /* bumped by reopen_learning */

  SrtpKey negotiated_inbound_;             /* guarded by lock_ */
  std::atomic<guint64> inbound_generation_{0};
  std::mutex srtp_lock_;                   /* guards the outbound state below */
  std::unique_ptr<SrtpSession> outbound_;
  bool outbound_fixed_ = false;
  SrtpKey negotiated_outbound_;            /* kept while a fixed key wins */
  std::atomic<bool> sends_srtp_{false};
};

}  // namespace comedia

/* Opens (binding if needed) the socket of (@stream, @component).
 * @request: where to bind; NULL means "whatever is open already, else an
 * ephemeral port on the wildcard address".  A request that contradicts an
 * already open socket fails with a message naming both.  The component
 * lives as long as the session. */
comedia::Component *comedia_session_open_component (ComediaSession * session,
    guint stream, guint component, const comedia::BindRequest * request,
    GError ** error);

/* The component if it exists (open or not), else NULL.  Never creates. */
comedia::Component *comedia_session_find_component (ComediaSession * session,
    guint stream, guint component);

/* With rtcp-mux, component 2 of @stream shares component 1's socket. */
void comedia_session_set_rtcp_mux (ComediaSession * session, guint stream,
    gboolean rtcp_mux);
gboolean comedia_session_get_rtcp_mux (ComediaSession * session, guint stream);


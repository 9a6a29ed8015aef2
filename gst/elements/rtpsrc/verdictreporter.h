/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* What comedia-rtpsrc's dispatch decided, told to those who must know:
 * the session's Components (latched peers, followed SSRCs, counters) and
 * the bus (the comedia-* messages, the malformed-packet, held-dropped and
 * SRTP warnings, each at most once a second).  It also knows which
 * Component each side reads.  The receive thread's, apart from
 * attach/close at the state changes. */

#include <gst/gst.h>

#include "comediasession.h"
#include "packetdispatch.h"
#include "ratelimit.h"

#include <string>

namespace comedia {

class VerdictReporter {
 public:
  VerdictReporter (GstElement *element, PacketDispatch &dispatch)
    : element_ (element), dispatch_ (dispatch) {}

  /* NULL->READY: the session (the element holds the reference), then each
   * side's component as it is opened. */
  void set_session (ComediaSession *session) { session_ = session; }
  void attach (Side side, Component *component) { component_of (side) = component; }
  /* READY->NULL: forgets them. */
  void close ();

  ComediaSession *session () const { return session_; }
  Component *component (Side side) const
  { return side == Side::ReadComponent ? read_ : muxed_rtcp_; }
  /* The side's latched peer as "IP:port", or empty. */
  std::string peer_string (Side side) const;

  /* A turn of the receive thread: the timeouts due. */
  void check_timeouts (gint64 now);
  /* Held RTCP of @side latched when looked at again: announced, and its
   * released packets (in the dispatch's output) counted. */
  void report_retried_latch (Side side, const LatchEvent &latch);
  /* What the dispatch made of one datagram from @peer (@len bytes):
   * publishes and announces latches, counts, reports drops. */
  void report (const PacketVerdict &v, const PeerAddress &peer, gsize len,
      gint64 now);
  /* After a batch of @n datagrams, whose passed packets are in the
   * dispatch's outputs: counted once per batch, since the counters are
   * shared with other threads. */
  void count_batch (guint n);
  /* The negotiated allowed source excludes the side's latched peer @old,
   * which the dispatch forgot: the Component forgets it too, and says so. */
  void report_unlatched (Side side, const PeerAddress &old);
  /* A DTLS handshake verified @peer on the read component: sending goes to
   * it at once (with rtcp-mux, RTCP's too), announced as a latch is; the
   * dispatch's latch on its first media then adds its SSRC, counted and
   * not announced again. */
  void announce_verified (const PeerAddress &peer);

 private:
  Component *&component_of (Side side)
  { return side == Side::ReadComponent ? read_ : muxed_rtcp_; }
  PeerAddress &verified_of (Side side)
  { return side == Side::ReadComponent ? verified_read_ : verified_muxed_rtcp_; }
  /* When a DTLS handshake verified the side's peer, and its Passed count
   * then: until one of its packets authenticates, the peer may still be
   * finishing its own side (RFC 5764: the server has its keys a round trip
   * before the client), sending plain media a phone sends before keys. */
  struct Keying {
    gint64 verified_at = 0;
    guint64 passed_at = 0;
  };
  Keying &keying_of (Side side)
  { return side == Side::ReadComponent ? keying_read_ : keying_muxed_rtcp_; }
  bool peer_still_keying (Side side, gint64 now);
  void post (GstStructure *s);
  GstStructure *component_message (const char *name,
      const Component *component, const PeerAddress &peer);
  void announce_latch (Side side, const LatchEvent &latch);
  void check_timeout (Side side, gint64 now);
  void report_malformed (const PeerAddress &from, gsize size, const char *what);
  void report_held_dropped (Side side, size_t dropped);
  void report_rejected (Component *component, const PeerAddress &from,
      DropReason reason, gint64 now);
  void report_srtp_failure (Side side, const PeerAddress &from, DropReason reason,
      gint64 now);

  GstElement *element_;
  PacketDispatch &dispatch_;
  ComediaSession *session_ = nullptr;
  Component *read_ = nullptr;         /* the component the element reads */
  Component *muxed_rtcp_ = nullptr;   /* component 2, with rtcp-mux */
  /* Announced by announce_verified (), until the dispatch latches it. */
  PeerAddress verified_read_, verified_muxed_rtcp_;
  Keying keying_read_, keying_muxed_rtcp_;
  /* Per-packet rubbish and refused sources are reported at most once a
   * second. */
  RateLimit malformed_warning_{G_USEC_PER_SEC};
  RateLimit rejected_report_{G_USEC_PER_SEC};
  RateLimit held_dropped_warning_{G_USEC_PER_SEC};
  RateLimit auth_failed_warning_{G_USEC_PER_SEC};
  RateLimit auth_failed_peer_warning_{G_USEC_PER_SEC};
  RateLimit replayed_warning_{G_USEC_PER_SEC};
};

}  // namespace comedia

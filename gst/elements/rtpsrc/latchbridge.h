/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* Between comedia-rtpsrc's dispatch, the session and the bus: publishes
 * into the session's Components what the dispatch decides (latched peers,
 * followed SSRCs, counters), feeds the dispatch what the session knows
 * (the stream's RTP peer, the negotiated allowed source), and posts the
 * comedia-* messages and the malformed-packet and SRTP warnings.  It also
 * keeps the dispatch's SRTP key: the element's fixed one, or the one the
 * negotiator gave the Component, looked at once per batch.  The receive
 * thread's, apart from open/close at the state changes. */

#include <gst/gst.h>

#include "comediasession.h"
#include "packetdispatch.h"
#include "ratelimit.h"
#include "sdescrypto.h"

#include <string>

namespace comedia {

class LatchBridge {
 public:
  LatchBridge (GstElement *element, PacketDispatch &dispatch)
    : element_ (element), dispatch_ (dispatch) {}

  /* NULL->READY: the session (the element holds the reference), whether
   * the negotiator may restrict the source (allowed-source left empty),
   * then each side's component as it is opened. */
  void set_session (ComediaSession *session, bool negotiated_source);
  void attach (Side side, Component *component);
  /* READY->NULL: forgets them. */
  void close ();

  Component *component (Side side) const { return side_ (side).component; }
  /* The side's latched peer as "IP:port", or empty. */
  std::string peer_string (Side side) const;

  /* A turn of the receive thread: timeouts due, then held RTCP that may
   * latch now (its released packets in the dispatch's output, counted). */
  void check_timeouts (gint64 now);
  size_t retry_waiting_rtcp (Side side, gint64 now);
  /* NULL->READY, after the components are attached and the dispatch made:
   * the element's srtp-key (an empty key: plain, or whatever the negotiator
   * sets).  False with @error when libsrtp refuses it. */
  bool set_fixed_srtp (const SrtpKey &key, std::string &error);
  /* Before a batch: the negotiator may have restricted the source, given
   * an SRTP key, and the RTP peer may have moved, since the last one. */
  void refresh ();
  /* Acts on what the dispatch made of one datagram from @peer (@len
   * bytes): publishes and announces latches, counts, reports drops. */
  void act_on_verdict (const PacketVerdict &v, const PeerAddress &peer,
      gsize len, gint64 now);
  /* After a batch of @n datagrams, whose passed packets are in the
   * dispatch's outputs: counted once per batch, since the counters are
   * shared with other threads. */
  void count_batch (guint n);

 private:
  struct Latched {
    Component *component = nullptr;
    guint64 allowed_generation = 0;   /* negotiated allowed source applied */
    guint64 relearn_generation = 0;   /* learning reopened by a re-offer */
  };

  Latched &side_ (Side side) { return side == Side::Own ? own_ : rtcp_; }
  const Latched &side_ (Side side) const { return side == Side::Own ? own_ : rtcp_; }
  void post (GstStructure *s);
  GstStructure *component_message (const char *name,
      const Component *component, const PeerAddress &peer);
  void announce_latch (Side side, const LatchEvent &latch);
  void check_timeout (Side side, gint64 now);
  void refresh_allowed_source (Side side);
  void refresh_learning (Side side);
  bool refresh_rtp_peer (Side side);
  void report_malformed (const PeerAddress &from, gsize size, const char *what);
  void report_held_dropped (Side side, size_t dropped);
  void report_rejected (Component *component, const PeerAddress &from,
      DropReason reason, gint64 now);
  void report_srtp_failure (Component *component, const PeerAddress &from,
      DropReason reason, gint64 now);
  void refresh_srtp ();
  void use_srtp_key (const SrtpKey &key);

  GstElement *element_;
  PacketDispatch &dispatch_;
  ComediaSession *session_ = nullptr;
  bool negotiated_source_ = true;
  Latched own_;
  Latched rtcp_;
  bool fixed_srtp_ = false;
  guint64 srtp_generation_ = 0;   /* the negotiated key in use */
  /* Per-packet rubbish and refused sources are reported at most once a
   * second. */
  RateLimit malformed_warning_{G_USEC_PER_SEC};
  RateLimit rejected_report_{G_USEC_PER_SEC};
  RateLimit held_dropped_warning_{G_USEC_PER_SEC};
  RateLimit auth_failed_warning_{G_USEC_PER_SEC};
  RateLimit replayed_warning_{G_USEC_PER_SEC};
};

}  // namespace comedia

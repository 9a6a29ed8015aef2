/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* What comedia-rtpsrc's dispatch must know from the session, taken as one
 * snapshot per turn of the receive thread (after its read, so that it
 * covers every datagram read): per side, the receive terms of its
 * Component (the negotiated allowed source, reopened learning, the inbound
 * SRTP key) and, for a side that latches RTCP, the stream's RTP peer.
 * Unchanged, each costs one atomic load; what changed is applied to the
 * dispatch.  It keeps the dispatch's SRTP key: the element's fixed one, or
 * the negotiated one. */

#include <gst/gst.h>

#include "packetdispatch.h"
#include "sdescrypto.h"
#include "verdictreporter.h"

#include <string>

namespace comedia {

class DispatchTerms {
 public:
  DispatchTerms (GstElement *element, PacketDispatch &dispatch,
      VerdictReporter &reporter)
    : element_ (element), dispatch_ (dispatch), reporter_ (reporter) {}

  /* NULL->READY, after the reporter has the components and the dispatch
   * is made: whether the negotiator may restrict the source (allowed-source
   * left empty), and the element's srtp-key (an empty key: plain, or
   * whatever the negotiator sets).  False with @error when libsrtp refuses
   * the key. */
  bool start (bool negotiated_source, const SrtpKey &fixed_key,
      std::string &error);
  /* READY->NULL. */
  void close ();

  /* The one snapshot of a turn: applies to the dispatch what changed. */
  void update ();
  /* Whether the stream's RTP peer is known to a side that latches RTCP. */
  bool rtp_peer_known (Side side) const { return terms_of (side).rtp_peer.known; }

 private:
  struct SideTerms {
    ReceiveTerms::Snapshot terms;
    Component *rtp = nullptr;           /* the stream's RTP component */
    guint64 rtp_generation = 0;         /* of its destination, as seen */
    Destination::LatchedPeer rtp_peer;
  };

  SideTerms &terms_of (Side side)
  { return side == Side::ReadComponent ? read_ : muxed_rtcp_; }
  const SideTerms &terms_of (Side side) const
  { return side == Side::ReadComponent ? read_ : muxed_rtcp_; }
  void update (Side side);
  void apply_allowed_source (Side side, Component *component,
      const ReceiveTerms::Snapshot &terms);
  void update_rtp_peer (Side side, Component *component);
  void use_srtp_key (const SrtpKey &key);

  GstElement *element_;
  PacketDispatch &dispatch_;
  VerdictReporter &reporter_;
  bool negotiated_source_ = true;
  bool fixed_srtp_ = false;
  SideTerms read_;
  SideTerms muxed_rtcp_;
};

}  // namespace comedia

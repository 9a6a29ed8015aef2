/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The second key source of comedia-dtlssrtpdec/-enc: SDES.  sdp-negotiator
 * leaves the a=crypto keys of an ICE stream where it leaves them for
 * comedia-rtpsrc/-rtpsink over COMEDIA: the inbound key in the component's
 * receive terms, the outbound key in its OutboundSrtp (which the encoder
 * protects with either way).  A stream has SDES keys or DTLS-SRTP terms,
 * never both: without a=crypto keys the handshake keys the component. */

#include "component.h"
#include "srtpsession.h"

#include <memory>
#include <string>

namespace comedia {

/* The decoder's view of the negotiated inbound SDES key. */
class SdesInboundKey {
 public:
  /* Per buffer, under the decoder's inbound-session lock: if the
   * component's a=crypto key changed since the last look, @inbound becomes
   * a session for it, or, the key gone (a re-offer without a=crypto), none
   * unless DTLS-SRTP keys the component now.  One atomic load when nothing
   * changed.  False with @error when libsrtp refuses the key (@inbound is
   * then empty: nothing passes). */
  bool refresh (const Component & component, std::unique_ptr<SrtpSession> & inbound,
      std::string & error);
  /* A new run (READY->PAUSED) looks at the terms afresh. */
  void reset () { snapshot_ = ReceiveTerms::Snapshot (); }

 private:
  ReceiveTerms::Snapshot snapshot_;
};

/* READY->PAUSED: a handshake's outbound key of an earlier run must not
 * protect anything now; a negotiated SDES key stays, since the negotiation
 * that set it still holds. */
void forget_handshake_keys (Component & component);

}  // namespace comedia

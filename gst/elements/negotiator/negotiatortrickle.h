/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* sdp-negotiator's trickle ICE (RFC 8838/8840): the peer's candidates that
 * come after its offer or answer, from the sink pad's byte stream (SDP
 * fragments, trickle.h) and from the add-ice-candidate action signal, given
 * to the agent of the m-line's stream. */

#include "negotiatorprivate.h"
#include "sdpdocument.h"
#include "trickle.h"

#include <string>

namespace comedia {

/* add-ice-candidate: @candidate ("candidate:..." as webrtcbin has it,
 * "a=candidate:..." or the bare value; "" or "a=end-of-candidates" ends
 * them) for m-line @mline_index of the peer's description, or the m-line
 * whose a=mid is @mid when given.  False, with a warning, when it cannot be
 * used; a peer's bad candidate is never an error. */
bool add_ice_candidate (ComediaSdpNegotiator * self, guint mline_index, const char *mid,
    const char *candidate);

/* A fragment framed out of the sink pad's stream (is_sdp_fragment()):
 * applied; false with @err (the caller refuses it like a bad message) when
 * it is no fragment or nothing has been negotiated to apply it to. */
bool apply_sdp_fragment (ComediaSdpNegotiator * self, const std::string & text,
    SdpError & err);

/* Answerer, with the negotiation lock, before the answer is written: the
 * streams whose ICE credentials @offer changes (an ICE restart, a browser
 * changing networks) restart on the same agent. */
void restart_ice_where_asked (ComediaSdpNegotiator * self, const SdpDocument & offer);

/* Answerer, before the ICE streams gather: trickle when @offer says the
 * peer does (a=ice-options:trickle), else wait for gathering as before. */
void choose_trickle (ComediaSdpNegotiator * self, const SdpDocument & offer);

/* After our answer or (trickle-offer) offer left (@on_src_pad: pushed, else
 * returned to the application): our later candidates may go, as bus
 * messages and, after a pushed one, as fragments on the source pad. */
void release_local_candidates (ComediaSdpNegotiator * self, bool on_src_pad);

/* The SDP fragment of a LocalCandidate or GatheringDone event (with our
 * answer's credentials and the offer's mid), "" for other events. */
std::string local_candidate_fragment (ComediaSdpNegotiator * self, const IceEvent & e);

}  // namespace comedia

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

}  // namespace comedia

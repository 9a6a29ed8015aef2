/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* sdp-negotiator's resolve-mdns: the peer's mDNS host candidates (icesdp.h),
 * from its offer or answer and trickled, resolved in the background by the
 * agent (IceAgent::resolve_remote_candidate) and added to it, or skipped
 * with a warning when they do not resolve.  Nothing waits for them. */

#include "negotiatorprivate.h"
#include "sdpdocument.h"
#include "streamplan.h"

#include <string>
#include <vector>

namespace comedia {

/* The resolve-mdns property. */
bool resolving_mdns (ComediaSdpNegotiator * self);

/* After the plans of a negotiation were applied (the peer's other
 * candidates set): @doc's mDNS candidates of the ICE streams of @plans
 * start resolving.  Those of an m-line without a transport of its own
 * (bundled, not ICE) are skipped quietly, as their IP twins would be
 * unused; those of a component the stream lacks (rtcp-mux) ignored. */
void resolve_mdns_candidates (ComediaSdpNegotiator * self, const SdpDocument & doc,
    const std::vector<StreamPlan> & plans);

/* A trickled one for @stream; false with @why when it cannot be tried. */
bool resolve_trickled_candidate (ComediaSdpNegotiator * self, guint stream,
    const MdnsCandidate & c, std::string & why);

/* READY -> NULL and dispose: no lookup reports to the element any more. */
void cancel_mdns_resolutions (ComediaSdpNegotiator * self);

}  // namespace comedia

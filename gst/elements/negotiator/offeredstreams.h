/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* What the offerer offers, read from the pipeline it is in: each stream's
 * formats and direction from the session's comedia-rtpsrc/comedia-rtpsink
 * (found by type) and the nicesrc/nicesink with its agent, and with
 * transport=ice their gathered candidates. */

#include "offerer.h"
#include "comediasession.h"
#include "niceprovisioner.h"

#include <gst/gst.h>

#include <string>
#include <vector>

namespace comedia {

/* The formats of each stream, from @offer_caps (borrowed; null: unset) or
 * from the caps of the comedia-rtpsrc (component 1) elements of
 * @session_name in @owner's pipeline; the direction from which of them
 * send and receive RTP.  Fills @owned with the caps @out references. */
bool collect_offered_streams (GstElement * owner, ComediaSession * session,
    NiceProvisioner & nice, const std::string & session_name, GstCaps * offer_caps,
    bool rtcp_mux, std::vector<OfferedStream> & out, std::vector<GstCaps *> & owned,
    SdpError & err);

/* transport=ice: gathers each stream's candidates into @ice and points the
 * streams at them; with @bundle (max-bundle) only stream 1's, whose
 * nicesrc/nicesink carry every stream (the others need none). */
bool gather_offered_ice (NiceProvisioner & nice, bool rtcp_mux, bool bundle,
    std::vector<OfferedStream> & streams, std::vector<IceDescription> & ice,
    SdpError & err);

}  // namespace comedia

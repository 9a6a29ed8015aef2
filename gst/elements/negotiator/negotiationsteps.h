/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* sdp-negotiator's offer/answer steps, called by the element from its pads,
 * its offer task and its action signals.  Each takes the negotiation lock
 * itself; none is called with the element's lock held. */

#include "negotiatorprivate.h"
#include "comediasession.h"
#include "sdpdocument.h"

#include <string>

namespace comedia {

/* The session named by the property, acquired on first use. */
ComediaSession *get_session (ComediaSdpNegotiator * self);

/* Answerer: the answer to @offer with the session configured, or nullptr
 * with @err set (not posted: the caller says how). */
SdpMessagePtr handle_offer (ComediaSdpNegotiator * self, const SdpDocument & offer,
    SdpError & err);
/* rewrite-answer: @answer, made by other code, rewritten for COMEDIA and
 * applied like an answer of ours, or nullptr after an error was posted. */
SdpMessagePtr handle_rewrite (ComediaSdpNegotiator * self, const SdpDocument & offer,
    const SdpDocument & answer);

/* Offerer: a new offer, remembered for the answer, or nullptr after an
 * error was posted. */
SdpMessagePtr make_offer (ComediaSdpNegotiator * self);
/* Offerer (restart-ice): the next offer restarts ICE, new credentials for
 * every stream. */
void request_ice_restart (ComediaSdpNegotiator * self);
/* Offerer: applies @answer to the last offer; false with @err set (not
 * posted: the caller says how). */
bool handle_answer (ComediaSdpNegotiator * self, const SdpDocument & answer,
    SdpError & err);

/* NULL -> READY: loads dtls-certificate (or takes the process's
 * certificate) and its fingerprint; false after an error naming the file. */
bool load_dtls_certificate (ComediaSdpNegotiator * self);

/* Stops the keepalives this element started (PAUSED -> READY). */
void stop_keepalives (ComediaSdpNegotiator * self);

/* An invalid SDP message: a STREAM FORMAT error naming the line; @what is
 * "offer", "answer"... for its text. */
void post_sdp_error (ComediaSdpNegotiator * self, const char *what, const SdpError & err);

}  // namespace comedia

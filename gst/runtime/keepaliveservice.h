/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "comediasession.h"
#include "keepalive.h"

/* Sends NAT keepalives (see keepalive.h) for the streams that ask for them,
 * from one thread per process, through each component's shared socket and
 * to its current destination (the latched peer or the static destination).
 * A component that sent nothing for the interval gets a keepalive; right
 * after starting, a stream gets a short burst so the passive peer can latch
 * at once.  Holds the session weakly: a session that goes away drops out. */

/* Starts (or reconfigures) keepalives for @stream of @session every
 * @interval_ms milliseconds of silence, with RTP keepalives of
 * @payload_type.  @burst: send the initial burst, as soon as the stream
 * has a destination. */
void comedia_keepalive_start (ComediaSession * session, guint stream,
    guint interval_ms, guint8 payload_type, gboolean burst);
void comedia_keepalive_stop (ComediaSession * session, guint stream);

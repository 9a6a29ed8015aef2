/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define COMEDIA_TYPE_SDP_NEGOTIATOR (comedia_sdp_negotiator_get_type ())
G_DECLARE_FINAL_TYPE (ComediaSdpNegotiator, comedia_sdp_negotiator, COMEDIA,
    SDP_NEGOTIATOR, GstElement)

G_END_DECLS

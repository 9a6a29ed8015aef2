/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* sdp-negotiator's debug category, shared by the files that do its work so
 * that GST_DEBUG=sdp-negotiator:5 still shows all of it.  Include last, in
 * .cpp files only: it sets GST_CAT_DEFAULT. */

#include <gst/gst.h>

GST_DEBUG_CATEGORY_EXTERN (comedia_sdp_negotiator_debug);
#define GST_CAT_DEFAULT comedia_sdp_negotiator_debug

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

GST_ELEMENT_REGISTER_DECLARE (comedia_rtpsrc);
GST_ELEMENT_REGISTER_DECLARE (comedia_rtpsink);
GST_ELEMENT_REGISTER_DECLARE (sdp_negotiator);
GST_ELEMENT_REGISTER_DECLARE (comedia_dtlssrtpdec);
GST_ELEMENT_REGISTER_DECLARE (comedia_dtlssrtpenc);

G_END_DECLS

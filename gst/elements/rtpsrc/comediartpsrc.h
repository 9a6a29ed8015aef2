/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define COMEDIA_TYPE_RTP_SRC (comedia_rtp_src_get_type ())
G_DECLARE_FINAL_TYPE (ComediaRtpSrc, comedia_rtp_src, COMEDIA, RTP_SRC, GstElement)

G_END_DECLS

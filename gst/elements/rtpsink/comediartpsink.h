/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/base/gstbasesink.h>

G_BEGIN_DECLS

#define COMEDIA_TYPE_RTP_SINK (comedia_rtp_sink_get_type ())
G_DECLARE_FINAL_TYPE (ComediaRtpSink, comedia_rtp_sink, COMEDIA, RTP_SINK, GstBaseSink)

G_END_DECLS

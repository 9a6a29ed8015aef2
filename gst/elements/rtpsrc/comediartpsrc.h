/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define COMEDIA_TYPE_RTP_SRC (comedia_rtp_src_get_type ())
G_DECLARE_FINAL_TYPE (ComediaRtpSrc, comedia_rtp_src, COMEDIA, RTP_SRC, GstElement)

/**
 * ComediaRelatch:
 * @COMEDIA_RELATCH_NEVER: the first peer stays
 * @COMEDIA_RELATCH_SSRC: a new address continuing the peer's SSRC and
 *   sequence numbers takes over at once (NAT rebinding, roaming)
 * @COMEDIA_RELATCH_SILENCE: after the peer was silent for the timeout, any
 *   source may latch again through probation
 */
typedef enum
{
  COMEDIA_RELATCH_NEVER,
  COMEDIA_RELATCH_SSRC,
  COMEDIA_RELATCH_SILENCE,
} ComediaRelatch;

#define COMEDIA_TYPE_RELATCH (comedia_relatch_get_type ())
GType comedia_relatch_get_type (void);

G_END_DECLS

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define COMEDIA_TYPE_DTLS_SRTP_DEC (comedia_dtls_srtp_dec_get_type ())
G_DECLARE_FINAL_TYPE (ComediaDtlsSrtpDec, comedia_dtls_srtp_dec, COMEDIA,
    DTLS_SRTP_DEC, GstElement)

G_END_DECLS

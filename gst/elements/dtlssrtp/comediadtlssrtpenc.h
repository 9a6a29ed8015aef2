/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define COMEDIA_TYPE_DTLS_SRTP_ENC (comedia_dtls_srtp_enc_get_type ())
G_DECLARE_FINAL_TYPE (ComediaDtlsSrtpEnc, comedia_dtls_srtp_enc, COMEDIA,
    DTLS_SRTP_ENC, GstElement)

G_END_DECLS

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* What comedia-dtlssrtpdec and comedia-dtlssrtpenc share: the component of
 * the session they carry over ICE (looked up, made without a socket, on
 * NULL->READY), and the dtls-role enum of the decoder. */

#include <gst/gst.h>

#include "comediasession.h"
#include "componentproperties.h"

#include <string>

G_BEGIN_DECLS

/**
 * ComediaDtlsRole:
 * @COMEDIA_DTLS_ROLE_SERVER: wait for the peer's ClientHello (a=setup:passive)
 * @COMEDIA_DTLS_ROLE_CLIENT: send the ClientHello (a=setup:active)
 *
 * The DTLS role comedia-dtlssrtpdec takes with its dtls-fingerprint property.
 */
typedef enum {
  COMEDIA_DTLS_ROLE_SERVER,
  COMEDIA_DTLS_ROLE_CLIENT,
} ComediaDtlsRole;

#define COMEDIA_TYPE_DTLS_ROLE (comedia_dtls_role_get_type ())
GType comedia_dtls_role_get_type (void);

G_END_DECLS

namespace comedia {

/* The session and component an element holds from NULL->READY to
 * READY->NULL. */
struct HeldComponent {
  ComediaSession *session = nullptr;
  Component *component = nullptr;

  void acquire (const ComponentProperties & properties);
  void release ();
};

}  // namespace comedia

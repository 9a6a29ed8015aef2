/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* What comedia-dtlssrtpdec and comedia-dtlssrtpenc share: the component of
 * the session they carry over ICE (looked up, made without a socket, on
 * NULL->READY). */

#include <gst/gst.h>

#include "comediasession.h"
#include "componentproperties.h"

#include <string>

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

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The fixed-key SRTP properties that comedia-rtpsrc (inbound) and
 * comedia-rtpsink (outbound) share: a suite and a base64 key||salt. */

#include <gst/gst.h>

#include "comediaenums.h"
#include "sdescrypto.h"

#include <string>

#define DEFAULT_SRTP_SUITE COMEDIA_SRTP_SUITE_NONE
#define DEFAULT_SRTP_KEY nullptr

namespace comedia {

/* Installs srtp-suite (@suite_id) and srtp-key (@key_id) on @klass, both
 * mutable in READY; @what says whose packets the key is for. */
void install_srtp_properties (GObjectClass * klass, guint suite_id,
    guint key_id, const char *suite_blurb, const char *key_blurb);

/* The key the properties give: false with @error (for an element error
 * message; never the key) when @base64 does not fit @suite.  NONE gives an
 * empty (plain) key; a key without a suite is an error. */
bool srtp_key_from_properties (ComediaSrtpSuite suite, const gchar * base64,
    SrtpKey & out, std::string & error);

/* The two properties' values as an element keeps them (under its own
 * lock), with what set_property, get_property and NULL->READY do with
 * them. */
struct SrtpKeyProperties {
  ComediaSrtpSuite suite = DEFAULT_SRTP_SUITE;
  std::string key;              /* base64; empty: none */

  /* srtp-suite is @suite_id and srtp-key @key_id; false if @prop_id is
   * neither. */
  bool set (guint suite_id, guint key_id, guint prop_id, const GValue * value);
  bool get (guint suite_id, guint key_id, guint prop_id, GValue * value) const;
  bool resolve (SrtpKey & out, std::string & error) const {
    return srtp_key_from_properties (suite, key.c_str (), out, error);
  }
};

}  // namespace comedia

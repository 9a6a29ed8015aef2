/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The fixed-key SRTP properties that comedia-rtpsrc (inbound) and
 * comedia-rtpsink (outbound) share: a suite and a base64 key||salt. */

#include <gst/gst.h>

#include "sdescrypto.h"

#include <string>

G_BEGIN_DECLS

typedef enum {
  COMEDIA_SRTP_SUITE_NONE = 0,
  COMEDIA_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80,
  COMEDIA_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32,
  COMEDIA_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80,
  COMEDIA_SRTP_SUITE_AES_256_CM_HMAC_SHA1_32,
  COMEDIA_SRTP_SUITE_AEAD_AES_128_GCM,
  COMEDIA_SRTP_SUITE_AEAD_AES_256_GCM,
} ComediaSrtpSuite;

#define COMEDIA_TYPE_SRTP_SUITE (comedia_srtp_suite_get_type ())
GType comedia_srtp_suite_get_type (void);

G_END_DECLS

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

  /* @is_suite: srtp-suite, else srtp-key. */
  void set (bool is_suite, const GValue * value);
  void get (bool is_suite, GValue * value) const;
  bool resolve (SrtpKey & out, std::string & error) const {
    return srtp_key_from_properties (suite, key.c_str (), out, error);
  }
};

}  // namespace comedia

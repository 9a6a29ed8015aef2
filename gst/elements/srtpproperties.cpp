/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "srtpproperties.h"

/* The element's values follow the core's suites, in order, after NONE. */
static_assert ((int) comedia::SrtpSuite::AesCm128HmacSha1_80 + 1
    == COMEDIA_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80
    && (int) comedia::SrtpSuite::AesCm128HmacSha1_32 + 1
    == COMEDIA_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32
    && (int) comedia::SrtpSuite::Aes256CmHmacSha1_80 + 1
    == COMEDIA_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80
    && (int) comedia::SrtpSuite::Aes256CmHmacSha1_32 + 1
    == COMEDIA_SRTP_SUITE_AES_256_CM_HMAC_SHA1_32
    && (int) comedia::SrtpSuite::AeadAes128Gcm + 1 == COMEDIA_SRTP_SUITE_AEAD_AES_128_GCM
    && (int) comedia::SrtpSuite::AeadAes256Gcm + 1 == COMEDIA_SRTP_SUITE_AEAD_AES_256_GCM,
    "SRTP suite values");

/* The value names are the suites' names in a=crypto, so that a launch line
 * may use either form. */
GType
comedia_srtp_suite_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {COMEDIA_SRTP_SUITE_NONE, "No SRTP: plain RTP", "none"},
    {COMEDIA_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80",
        "aes-cm-128-hmac-sha1-80"},
    {COMEDIA_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32",
        "aes-cm-128-hmac-sha1-32"},
    {COMEDIA_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80, "AES_256_CM_HMAC_SHA1_80",
        "aes-256-cm-hmac-sha1-80"},
    {COMEDIA_SRTP_SUITE_AES_256_CM_HMAC_SHA1_32, "AES_256_CM_HMAC_SHA1_32",
        "aes-256-cm-hmac-sha1-32"},
    {COMEDIA_SRTP_SUITE_AEAD_AES_128_GCM, "AEAD_AES_128_GCM", "aead-aes-128-gcm"},
    {COMEDIA_SRTP_SUITE_AEAD_AES_256_GCM, "AEAD_AES_256_GCM", "aead-aes-256-gcm"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("ComediaSrtpSuite", values));
  return type;
}

namespace comedia {

bool
srtp_key_from_properties (ComediaSrtpSuite suite, const gchar * base64,
    SrtpKey & out, std::string & error)
{
  bool has_key = base64 && *base64;
  if (suite == COMEDIA_SRTP_SUITE_NONE) {
    if (has_key) {
      error = "srtp-key is set but srtp-suite is none: set the suite too";
      return false;
    }
    out = SrtpKey ();
    return true;
  }
  SrtpSuite core = (SrtpSuite) ((int) suite - 1);
  if (!has_key) {
    error = std::string ("srtp-suite is ") + srtp_suite_info (core).name
        + " but srtp-key is not set";
    return false;
  }
  if (!parse_srtp_key (core, base64, out, error)) {
    error = "srtp-key: " + error;
    return false;
  }
  return true;
}

}  // namespace comedia

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

/* The nicks are the suites' names in a=crypto, lowercase and dashed. */
GType
comedia_srtp_suite_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {COMEDIA_SRTP_SUITE_NONE, "No SRTP: plain RTP", "none"},
    {COMEDIA_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80: AES-128 counter mode, "
        "an 80-bit HMAC-SHA1 tag (the common default)", "aes-cm-128-hmac-sha1-80"},
    {COMEDIA_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32: AES-128 counter mode, "
        "a 32-bit HMAC-SHA1 tag on SRTP (80-bit on SRTCP)", "aes-cm-128-hmac-sha1-32"},
    {COMEDIA_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80, "AES_256_CM_HMAC_SHA1_80: AES-256 counter mode, "
        "an 80-bit HMAC-SHA1 tag (RFC 6188)", "aes-256-cm-hmac-sha1-80"},
    {COMEDIA_SRTP_SUITE_AES_256_CM_HMAC_SHA1_32, "AES_256_CM_HMAC_SHA1_32: AES-256 counter mode, "
        "a 32-bit HMAC-SHA1 tag on SRTP (RFC 6188)", "aes-256-cm-hmac-sha1-32"},
    {COMEDIA_SRTP_SUITE_AEAD_AES_128_GCM, "AEAD_AES_128_GCM: AES-128 in "
        "Galois/counter mode, a 16-byte tag (RFC 7714)", "aead-aes-128-gcm"},
    {COMEDIA_SRTP_SUITE_AEAD_AES_256_GCM, "AEAD_AES_256_GCM: AES-256 in "
        "Galois/counter mode, a 16-byte tag (RFC 7714)", "aead-aes-256-gcm"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("ComediaSrtpSuite", values));
  return type;
}

namespace comedia {

void
install_srtp_properties (GObjectClass * klass, guint suite_id, guint key_id,
    const char *suite_blurb, const char *key_blurb)
{
  GParamFlags flags = (GParamFlags) (G_PARAM_READWRITE |
      G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  g_object_class_install_property (klass, suite_id,
      g_param_spec_enum ("srtp-suite", "SRTP suite", suite_blurb,
          COMEDIA_TYPE_SRTP_SUITE, DEFAULT_SRTP_SUITE, flags));
  g_object_class_install_property (klass, key_id,
      g_param_spec_string ("srtp-key", "SRTP key", key_blurb,
          DEFAULT_SRTP_KEY, flags));
  gst_type_mark_as_plugin_api (COMEDIA_TYPE_SRTP_SUITE, (GstPluginAPIFlags) 0);
}

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

void
SrtpKeyProperties::set (bool is_suite, const GValue * value)
{
  if (is_suite) {
    suite = (ComediaSrtpSuite) g_value_get_enum (value);
    return;
  }
  const gchar *text = g_value_get_string (value);
  key = text ? text : "";
}

void
SrtpKeyProperties::get (bool is_suite, GValue * value) const
{
  if (is_suite)
    g_value_set_enum (value, suite);
  else
    g_value_set_string (value, key.empty () ? nullptr : key.c_str ());
}

}  // namespace comedia

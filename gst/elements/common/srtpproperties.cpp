/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "srtpproperties.h"

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

bool
SrtpKeyProperties::set (guint suite_id, guint key_id, guint prop_id,
    const GValue * value)
{
  if (prop_id == suite_id) {
    suite = (ComediaSrtpSuite) g_value_get_enum (value);
  } else if (prop_id == key_id) {
    const gchar *text = g_value_get_string (value);
    key = text ? text : "";
  } else {
    return false;
  }
  return true;
}

bool
SrtpKeyProperties::get (guint suite_id, guint key_id, guint prop_id,
    GValue * value) const
{
  if (prop_id == suite_id)
    g_value_set_enum (value, suite);
  else if (prop_id == key_id)
    g_value_set_string (value, key.empty () ? nullptr : key.c_str ());
  else
    return false;
  return true;
}

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "componentproperties.h"

namespace comedia {

void
install_component_properties (GObjectClass * klass,
    const ComponentPropertyIds & ids, const char *session_blurb,
    const char *component_blurb)
{
  GParamFlags flags = (GParamFlags) (G_PARAM_READWRITE |
      G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  g_object_class_install_property (klass, ids.session,
      g_param_spec_string ("session", "Session", session_blurb,
          DEFAULT_SESSION, flags));
  g_object_class_install_property (klass, ids.stream,
      g_param_spec_uint ("stream", "Stream",
          "Stream number within the session, as ICE numbers them: 1 for the "
          "first SDP m-line, 2 for the second, ...", 1, G_MAXUINT16,
          DEFAULT_STREAM, flags));
  g_object_class_install_property (klass, ids.component,
      g_param_spec_uint ("component", "Component", component_blurb, 1, 2,
          DEFAULT_COMPONENT, flags));
}

bool
set_component_property (ComponentProperties & properties,
    const ComponentPropertyIds & ids, guint prop_id, const GValue * value)
{
  if (prop_id == ids.session) {
    const gchar *name = g_value_get_string (value);
    properties.session_name = name ? name : DEFAULT_SESSION;
  } else if (prop_id == ids.stream) {
    properties.stream = g_value_get_uint (value);
  } else if (prop_id == ids.component) {
    properties.component = g_value_get_uint (value);
  } else {
    return false;
  }
  return true;
}

bool
get_component_property (const ComponentProperties & properties,
    const ComponentPropertyIds & ids, guint prop_id, GValue * value)
{
  if (prop_id == ids.session)
    g_value_set_string (value, properties.session_name.c_str ());
  else if (prop_id == ids.stream)
    g_value_set_uint (value, properties.stream);
  else if (prop_id == ids.component)
    g_value_set_uint (value, properties.component);
  else
    return false;
  return true;
}

}  // namespace comedia

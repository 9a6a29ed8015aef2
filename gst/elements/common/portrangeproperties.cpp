/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "portrangeproperties.h"

#include <string>

namespace comedia {

void
install_port_range_properties (GObjectClass * klass,
    const PortRangePropertyIds & ids, const char *min_blurb, const char *max_blurb)
{
  g_object_class_install_property (klass, ids.min,
      g_param_spec_uint ("min-port", "Minimum port", min_blurb, 0, G_MAXUINT16,
          DEFAULT_MIN_PORT, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (klass, ids.max,
      g_param_spec_uint ("max-port", "Maximum port", max_blurb, 0, G_MAXUINT16,
          DEFAULT_MAX_PORT, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
}

bool
set_port_range_property (PortRangeProperties & properties,
    const PortRangePropertyIds & ids, guint prop_id, const GValue * value)
{
  if (prop_id == ids.min)
    properties.min_port = g_value_get_uint (value);
  else if (prop_id == ids.max)
    properties.max_port = g_value_get_uint (value);
  else
    return false;
  return true;
}

bool
get_port_range_property (const PortRangeProperties & properties,
    const PortRangePropertyIds & ids, guint prop_id, GValue * value)
{
  if (prop_id == ids.min)
    g_value_set_uint (value, properties.min_port);
  else if (prop_id == ids.max)
    g_value_set_uint (value, properties.max_port);
  else
    return false;
  return true;
}

gboolean
resolve_port_range (GstElement * element, const PortRangeProperties & properties,
    PortRange & range)
{
  std::string error;
  if (PortRange::make (properties.min_port, properties.max_port, range, error))
    return TRUE;
  GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS,
      ("Invalid port range: %s", error.c_str ()),
      ("min-port and max-port: both 0 for any port, else the range the "
          "firewall opens, e.g. 40000 and 40999"));
  return FALSE;
}

}  // namespace comedia

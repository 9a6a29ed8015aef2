/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* min-port and max-port, the UDP port range of comedia-rtpsrc and
 * sdp-negotiator (libnice's nice_agent_set_port_range, Kurento's
 * minPort/maxPort, mediasoup's rtcMinPort/rtcMaxPort): installed, kept and
 * checked the same way on both. */

#include <gst/gst.h>

#include "portrange.h"

#define DEFAULT_MIN_PORT 0
#define DEFAULT_MAX_PORT 0

namespace comedia {

/* The element's ids of the two properties. */
struct PortRangePropertyIds {
  guint min, max;
};

/* Installs min-port and max-port on @klass, mutable in READY; the blurbs
 * say which sockets the range is for. */
void install_port_range_properties (GObjectClass * klass,
    const PortRangePropertyIds & ids, const char *min_blurb, const char *max_blurb);

/* The two values as an element keeps them (under its own lock). */
struct PortRangeProperties {
  guint min_port = DEFAULT_MIN_PORT;
  guint max_port = DEFAULT_MAX_PORT;
};

/* False if @prop_id is none of @ids. */
bool set_port_range_property (PortRangeProperties & properties,
    const PortRangePropertyIds & ids, guint prop_id, const GValue * value);
bool get_port_range_property (const PortRangeProperties & properties,
    const PortRangePropertyIds & ids, guint prop_id, GValue * value);

/* At NULL -> READY: the range, or FALSE after a GST_ELEMENT_ERROR on
 * @element naming the bad values (one of the two alone, min above max, no
 * even/odd pair). */
gboolean resolve_port_range (GstElement * element,
    const PortRangeProperties & properties, PortRange & range);

}  // namespace comedia

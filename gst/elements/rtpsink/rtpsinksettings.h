/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* comedia-rtpsink's properties: what they hold, their specs, and reading
 * and writing them.  The element's private struct is an RtpSinkSettings,
 * guarded by the element's lock; stats, which shows the element's state,
 * is the element's own. */

#include "componentproperties.h"
#include "keepalive.h"
#include "srtpproperties.h"

#include <gst/gst.h>

#include <string>

#define DEFAULT_HOST nullptr
#define DEFAULT_PORT 0
#define DEFAULT_KEEPALIVE_INTERVAL 0
#define DEFAULT_KEEPALIVE_PAYLOAD_TYPE comedia::DEFAULT_KEEPALIVE_PAYLOAD_TYPE

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_STREAM,
  PROP_COMPONENT,
  PROP_HOST,
  PROP_PORT,
  PROP_KEEPALIVE_INTERVAL,
  PROP_KEEPALIVE_PAYLOAD_TYPE,
  PROP_SRTP_SUITE,
  PROP_SRTP_KEY,
  PROP_STATS,
};

namespace comedia {

/* session, stream and component are ComponentProperties' (shared with
 * comedia-rtpsrc). */
struct RtpSinkSettings : ComponentProperties {
  std::string host;             /* empty: none */
  guint port = DEFAULT_PORT;
  guint keepalive_interval = DEFAULT_KEEPALIVE_INTERVAL;
  gint keepalive_pt = DEFAULT_KEEPALIVE_PAYLOAD_TYPE;
  comedia::SrtpKeyProperties srtp;   /* srtp-suite, srtp-key */
};

/* Installs the element's properties up to srtp-key, in their order. */
void install_rtpsink_properties (GObjectClass * gobject_class);

/* False if @prop_id is not one of the settings. */
bool set_rtpsink_property (RtpSinkSettings & settings, guint prop_id,
    const GValue * value);
bool get_rtpsink_property (const RtpSinkSettings & settings, guint prop_id,
    GValue * value);

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The session, stream and component properties that comedia-rtpsrc and
 * comedia-rtpsink share: which Component of which shared session the
 * element reads or sends through. */

#include <gst/gst.h>

#include "packetfacts.h"

#include <string>

#define DEFAULT_SESSION "default"
#define DEFAULT_STREAM 1
#define DEFAULT_COMPONENT comedia::COMPONENT_RTP

namespace comedia {

/* The element's ids of the three properties. */
struct ComponentPropertyIds {
  guint session, stream, component;
};

/* Installs session, stream and component on @klass, in that order, all
 * mutable in READY; the blurbs of session and component say what the
 * element does with them (stream's is the same for both). */
void install_component_properties (GObjectClass * klass,
    const ComponentPropertyIds & ids, const char *session_blurb,
    const char *component_blurb);

/* The three properties' values as an element keeps them (under its own
 * lock). */
struct ComponentProperties {
  std::string session_name = DEFAULT_SESSION;
  guint stream = DEFAULT_STREAM;
  guint component = DEFAULT_COMPONENT;
};

/* False if @prop_id is none of @ids. */
bool set_component_property (ComponentProperties & properties,
    const ComponentPropertyIds & ids, guint prop_id, const GValue * value);
bool get_component_property (const ComponentProperties & properties,
    const ComponentPropertyIds & ids, guint prop_id, GValue * value);

}  // namespace comedia

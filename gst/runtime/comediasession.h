/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "component.h"
#include "packetfacts.h"   /* COMPONENT_RTP, COMPONENT_RTCP */
#include "portrange.h"

#include <string>

G_BEGIN_DECLS

#define COMEDIA_TYPE_SESSION (comedia_session_get_type ())
G_DECLARE_FINAL_TYPE (ComediaSession, comedia_session, COMEDIA, SESSION, GObject)

/* Returns the session called @name, creating it if no element holds it.
 * The caller owns the returned reference; the last unref removes it from the
 * process-wide table. */
ComediaSession *comedia_session_acquire (const gchar * name);
const gchar *comedia_session_get_name (ComediaSession * session);

G_END_DECLS

namespace comedia {

/* Where to bind a component's socket; given by comedia-rtpsrc. */
struct BindRequest {
  std::string address = "0.0.0.0";
  guint16 port = 0;
  /* With port 0: where the port is chosen (any: the session's range, see
   * comedia_session_set_port_range, else the kernel's choice). */
  PortRange range;
};

}  // namespace comedia

/* Opens (binding if needed) the socket of (@stream, @component).
 * @request: where to bind; NULL means "whatever is open already, else an
 * ephemeral port on the wildcard address".  A request that contradicts an
 * already open socket fails with a message naming both.  The component
 * lives as long as the session. */
comedia::Component *comedia_session_open_component (ComediaSession * session,
    guint stream, guint component, const comedia::BindRequest * request,
    GError ** error);

/* The component if it exists (open or not), else NULL.  Never creates. */
comedia::Component *comedia_session_find_component (ComediaSession * session,
    guint stream, guint component);

/* The component, made without a socket if it does not exist: for what
 * sdp-negotiator leaves to ICE streams' elements (Component::dtls). */
comedia::Component *comedia_session_ensure_component (ComediaSession * session,
    guint stream, guint component);

/* The range every socket of the session is bound in when its opener asks
 * for no port of its own (comedia-rtpsrc port=0, sdp-negotiator's and
 * comedia-rtpsink's sockets): set by comedia-rtpsrc's and sdp-negotiator's
 * min-port/max-port; the last one set wins.  Default: none. */
void comedia_session_set_port_range (ComediaSession * session,
    const comedia::PortRange & range);

/* With rtcp-mux, component 2 of @stream shares component 1's socket. */
void comedia_session_set_rtcp_mux (ComediaSession * session, guint stream,
    gboolean rtcp_mux);
gboolean comedia_session_get_rtcp_mux (ComediaSession * session, guint stream);


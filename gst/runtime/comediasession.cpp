/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "comediasession.h"
#include "portpool.h"
#include "sharedbyname.h"

#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

GST_DEBUG_CATEGORY_STATIC (comedia_session_debug);
#define GST_CAT_DEFAULT comedia_session_debug

using comedia::Component;

struct ComediaSessionPrivate {
  std::string name;
  std::mutex lock;
  /* Before the components: released after their sockets are closed. */
  comedia::PortRange port_range;
  std::vector<std::unique_ptr<comedia::PortLease>> leases;
  std::map<guint, const comedia::PortLease *> stream_pairs;
  std::map<std::pair<guint, guint>, std::unique_ptr<Component>> components;
  std::set<guint> rtcp_mux_streams;

  /* The one place a socket is attached (SocketSlot::attach is private). */
  static void attach_socket (Component *c, GSocket *socket, guint16 port)
  {
    c->slot.attach (socket, port);
  }
};

struct _ComediaSession {
  GObject parent;
  ComediaSessionPrivate *priv;
};

G_DEFINE_TYPE (ComediaSession, comedia_session, G_TYPE_OBJECT);

/* The process-wide table of sessions by name: weak references only, so a
 * session lives as long as an element holds it. */
using SessionTable = comedia::SharedByName<std::string, ComediaSession,
    comedia::GObjectRef>;

static SessionTable &
session_table ()
{
  static SessionTable &table = SessionTable::leaked ();
  return table;
}

static void
comedia_session_init (ComediaSession * self)
{
  self->priv = new ComediaSessionPrivate ();
}

static void
comedia_session_finalize (GObject * object)
{
  ComediaSession *self = COMEDIA_SESSION (object);

  /* A new session of the same name may already have replaced us. */
  session_table ().forget (self->priv->name);

  GST_DEBUG ("session '%s' finalized", self->priv->name.c_str ());
  delete self->priv;
  G_OBJECT_CLASS (comedia_session_parent_class)->finalize (object);
}

static void
comedia_session_class_init (ComediaSessionClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = comedia_session_finalize;
  GST_DEBUG_CATEGORY_INIT (comedia_session_debug, "comediasession", 0,
      "comedia shared session: sockets and latched peers");
}

ComediaSession *
comedia_session_acquire (const gchar * name)
{
  g_return_val_if_fail (name != nullptr, nullptr);

  /* The class first: its class_init must not run under the table's lock. */
  g_type_class_unref (g_type_class_ref (COMEDIA_TYPE_SESSION));

  return session_table ().acquire (name, [name] () {
    ComediaSession *self =
        COMEDIA_SESSION (g_object_new (COMEDIA_TYPE_SESSION, nullptr));
    self->priv->name = name;
    GST_DEBUG ("session '%s' created", name);
    return self;
  });
}

const gchar *
comedia_session_get_name (ComediaSession * session)
{
  return session->priv->name.c_str ();
}

static Component *
component_entry (ComediaSessionPrivate * priv, guint stream, guint component)
{
  auto &slot = priv->components[{stream, component}];
  if (!slot)
    slot = std::make_unique<Component> (stream, component);
  return slot.get ();
}

/* Binds the socket of (@stream, @component): at @request's port, else in
 * its range or the session's, else at the kernel's choice. */
static GSocket *
bind_socket (ComediaSessionPrivate * priv, guint stream, guint component,
    const comedia::BindRequest & request, guint16 * bound_port, GError ** error)
{
  GInetAddress *inet = g_inet_address_new_from_string (request.address.c_str ());
  if (!inet) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "'%s' is not an IP address", request.address.c_str ());
    return nullptr;
  }

  const comedia::PortRange &range = request.range.any () ? priv->port_range
      : request.range;
  GSocket *socket;
  if (request.port == 0 && !range.any ()) {
    auto pair = priv->stream_pairs.find (stream);
    std::unique_ptr<comedia::PortLease> made;
    socket = comedia::bind_in_range (inet, range, component,
        pair == priv->stream_pairs.end () ? nullptr : pair->second, made, error);
    if (made) {
      priv->stream_pairs[stream] = made.get ();
      priv->leases.push_back (std::move (made));
    }
  } else {
    socket = comedia::bind_udp (inet, request.port, error);
  }
  g_object_unref (inet);
  if (!socket)
    return nullptr;

  GSocketAddress *local = g_socket_get_local_address (socket, error);
  if (!local) {
    g_object_unref (socket);
    return nullptr;
  }
  *bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  g_object_unref (local);
  return socket;
}

Component *
comedia_session_open_component (ComediaSession * session, guint stream,
    guint component, const comedia::BindRequest * request, GError ** error)
{
  g_return_val_if_fail (COMEDIA_IS_SESSION (session), nullptr);
  ComediaSessionPrivate *priv = session->priv;
  std::lock_guard<std::mutex> guard (priv->lock);

  Component *entry = component_entry (priv, stream, component);
  bool muxed = component == comedia::COMPONENT_RTCP &&
      priv->rtcp_mux_streams.count (stream) > 0;

  if (entry->slot.is_open ()) {
    if (request && request->port != 0 && request->port != entry->slot.local_port ()) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
          "session '%s' stream %u component %u is already open on port %u; "
          "cannot also bind port %u", priv->name.c_str (), stream, component,
          entry->slot.local_port (), request->port);
      return nullptr;
    }
    return entry;
  }

  if (muxed) {
    /* rtcp-mux: RTCP travels on the RTP socket. */
    Component *rtp = component_entry (priv, stream, comedia::COMPONENT_RTP);
    if (!rtp->slot.is_open ()) {
      guint16 port = 0;
      GSocket *socket = bind_socket (priv, stream, comedia::COMPONENT_RTP,
          comedia::BindRequest (), &port, error);
      if (!socket)
        return nullptr;
      ComediaSessionPrivate::attach_socket (rtp, socket, port);
      g_object_unref (socket);
    }
    ComediaSessionPrivate::attach_socket (entry, rtp->slot.socket (),
        rtp->slot.local_port ());
    return entry;
  }

  comedia::BindRequest defaults;
  guint16 port = 0;
  GSocket *socket = bind_socket (priv, stream, component,
      request ? *request : defaults, &port, error);
  if (!socket) {
    if (error && *error)
      g_prefix_error (error, "session '%s' stream %u component %u: ",
          priv->name.c_str (), stream, component);
    return nullptr;
  }
  ComediaSessionPrivate::attach_socket (entry, socket, port);
  g_object_unref (socket);
  GST_INFO ("session '%s' stream %u component %u bound to port %u",
      priv->name.c_str (), stream, component, port);
  return entry;
}

Component *
comedia_session_find_component (ComediaSession * session, guint stream,
    guint component)
{
  ComediaSessionPrivate *priv = session->priv;
  std::lock_guard<std::mutex> guard (priv->lock);
  auto it = priv->components.find ({stream, component});
  return it == priv->components.end () ? nullptr : it->second.get ();
}

Component *
comedia_session_ensure_component (ComediaSession * session, guint stream,
    guint component)
{
  ComediaSessionPrivate *priv = session->priv;
  std::lock_guard<std::mutex> guard (priv->lock);
  return component_entry (priv, stream, component);
}

void
comedia_session_set_rtcp_mux (ComediaSession * session, guint stream,
    gboolean rtcp_mux)
{
  std::lock_guard<std::mutex> guard (session->priv->lock);
  if (rtcp_mux)
    session->priv->rtcp_mux_streams.insert (stream);
  else
    session->priv->rtcp_mux_streams.erase (stream);
}

void
comedia_session_set_port_range (ComediaSession * session,
    const comedia::PortRange & range)
{
  std::lock_guard<std::mutex> guard (session->priv->lock);
  session->priv->port_range = range;
}

gboolean
comedia_session_get_rtcp_mux (ComediaSession * session, guint stream)
{
  std::lock_guard<std::mutex> guard (session->priv->lock);
  return session->priv->rtcp_mux_streams.count (stream) > 0;
}


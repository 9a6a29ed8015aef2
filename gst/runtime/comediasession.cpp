/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "comediasession.h"
#include "destination.h"
#include "sharedbyname.h"

#include <map>
#include <memory>
#include <set>
#include <utility>

GST_DEBUG_CATEGORY_STATIC (comedia_session_debug);
#define GST_CAT_DEFAULT comedia_session_debug

namespace comedia {

Component::Component (guint stream_, guint component_)
  : stream (stream_), component (component_)
{
}

Component::~Component ()
{
  g_clear_object (&socket_);
  g_clear_object (&latched_address_);
  g_clear_object (&static_address_);
  g_clear_object (&configured_address_);
}

void
Component::attach_socket (GSocket *socket, guint16 port)
{
  socket_ = G_SOCKET (g_object_ref (socket));
  local_port_ = port;
}

GInetSocketAddress *
Component::local_address () const
{
  if (!socket_)
    return nullptr;
  GSocketAddress *addr = g_socket_get_local_address (socket_, nullptr);
  return addr ? G_INET_SOCKET_ADDRESS (addr) : nullptr;
}

bool
Component::latched_ssrc (guint32 &ssrc) const
{
  guint64 v = latched_ssrc_.load (std::memory_order_acquire);
  ssrc = (guint32) v;
  return (v >> 32) != 0;
}

void
Component::follow_latched_ssrc (guint32 ssrc)
{
  latched_ssrc_.store ((G_GUINT64_CONSTANT (1) << 32) | ssrc,
      std::memory_order_release);
}

void
Component::publish_latched_peer (const PeerAddress &peer, guint32 ssrc)
{
  follow_latched_ssrc (ssrc);
  GSocketAddress *plain = gsocket_address_from_peer (peer);
  GSocketAddress *addr = address_for_socket (socket_, plain);
  g_object_unref (plain);
  std::lock_guard<std::mutex> guard (lock_);
  latched_peer_ = peer;
  if (latched_address_)
    g_object_unref (latched_address_);
  latched_address_ = addr;
  latched_generation_.fetch_add (1, std::memory_order_acq_rel);
  destination_generation_.fetch_add (1, std::memory_order_acq_rel);
}

void
Component::clear_latched_peer ()
{
  latched_ssrc_.store (0, std::memory_order_release);
  std::lock_guard<std::mutex> guard (lock_);
  latched_peer_ = PeerAddress ();
  g_clear_object (&latched_address_);
  latched_generation_.store (0, std::memory_order_release);
  destination_generation_.fetch_add (1, std::memory_order_acq_rel);
}

void
Component::set_negotiated_allowed_source (const std::string &prefix,
    const PeerAddress &preferred)
{
  std::lock_guard<std::mutex> guard (lock_);
  negotiated_allowed_ = prefix;
  negotiated_preferred_ = preferred;
  allowed_generation_.fetch_add (1, std::memory_order_acq_rel);
}

bool
Component::negotiated_allowed_source (guint64 &generation, std::string &prefix,
    PeerAddress *preferred) const
{
  /* Per batch on the receiving thread: one atomic load when unchanged. */
  if (G_LIKELY (allowed_generation_.load (std::memory_order_acquire) == generation))
    return false;
  std::lock_guard<std::mutex> guard (lock_);
  prefix = negotiated_allowed_;
  if (preferred)
    *preferred = negotiated_preferred_;
  generation = allowed_generation_.load (std::memory_order_acquire);
  return true;
}

void
Component::set_negotiated_inbound_srtp (const SrtpKey &key)
{
  std::lock_guard<std::mutex> guard (lock_);
  if (key == negotiated_inbound_)
    return;
  negotiated_inbound_ = key;
  inbound_generation_.fetch_add (1, std::memory_order_acq_rel);
}

bool
Component::negotiated_inbound_srtp (guint64 &generation, SrtpKey &key) const
{
  if (G_LIKELY (inbound_generation_.load (std::memory_order_acquire) == generation))
    return false;
  std::lock_guard<std::mutex> guard (lock_);
  key = negotiated_inbound_;
  generation = inbound_generation_.load (std::memory_order_acquire);
  return true;
}

bool
Component::set_outbound_srtp (const SrtpKey &key, bool fixed, std::string *error)
{
  std::unique_ptr<SrtpSession> session;
  if (key.enabled ()) {
    session = SrtpSession::create (key, SrtpDirection::Outbound, error);
    if (!session)
      return false;
  }
  std::unique_ptr<SrtpSession> old;
  std::lock_guard<std::mutex> guard (srtp_lock_);
  if (!fixed) {
    negotiated_outbound_ = key;
    if (outbound_fixed_)
      return true;   /* the element's own key wins */
  }
  outbound_fixed_ = fixed;
  old = std::move (outbound_);
  outbound_ = std::move (session);
  sends_srtp_.store (outbound_ != nullptr, std::memory_order_release);
  return true;
}

void
Component::clear_fixed_outbound_srtp ()
{
  SrtpKey negotiated;
  {
    std::lock_guard<std::mutex> guard (srtp_lock_);
    if (!outbound_fixed_)
      return;
    outbound_fixed_ = false;
    negotiated = negotiated_outbound_;
  }
  std::string error;
  if (!set_outbound_srtp (negotiated, false, &error))
    GST_WARNING ("stream %u component %u: negotiated SRTP key refused: %s",
        stream, component, error.c_str ());
}

OutgoingProtection
Component::protect_outgoing (uint8_t *data, size_t &len, size_t capacity, bool rtcp)
{
  if (!sends_srtp_.load (std::memory_order_acquire))
    return OutgoingProtection::Plain;
  std::lock_guard<std::mutex> guard (srtp_lock_);
  if (!outbound_)
    return OutgoingProtection::Plain;
  SrtpResult r = rtcp ? outbound_->protect_rtcp (data, len, capacity)
      : outbound_->protect (data, len, capacity);
  if (r == SrtpResult::Ok)
    return OutgoingProtection::Protected;
  counters.protect_errors.fetch_add (1, std::memory_order_relaxed);
  return OutgoingProtection::Failed;
}

void
Component::reopen_learning ()
{
  relearn_generation_.fetch_add (1, std::memory_order_acq_rel);
}

bool
Component::learning_reopened (guint64 &generation) const
{
  guint64 current = relearn_generation_.load (std::memory_order_acquire);
  if (G_LIKELY (current == generation))
    return false;
  generation = current;
  return true;
}

PeerAddress
Component::latched_peer () const
{
  std::lock_guard<std::mutex> guard (lock_);
  return latched_peer_;
}

void
Component::set_static_destination (GSocketAddress *addr, bool pinned)
{
  std::lock_guard<std::mutex> guard (lock_);
  if (static_address_)
    g_object_unref (static_address_);
  static_address_ = addr ? address_for_socket (socket_, addr) : nullptr;
  static_pinned_ = addr != nullptr && pinned;
  destination_generation_.fetch_add (1, std::memory_order_acq_rel);
}

void
Component::set_configured_destination (GSocketAddress *addr)
{
  std::lock_guard<std::mutex> guard (lock_);
  g_clear_object (&configured_address_);
  /* host may be IPv4 while the socket is dual-stack (::). */
  configured_address_ = addr ? address_for_socket (socket_, addr) : nullptr;
  destination_generation_.fetch_add (1, std::memory_order_acq_rel);
}

GSocketAddress *
Component::destination (guint64 &cache_generation, GSocketAddress *&cache) const
{
  /* The common case, nothing changed since the last packet: one atomic load,
   * no lock, no reference counting. */
  guint64 current = destination_generation_.load (std::memory_order_acquire);
  if (G_LIKELY (current == cache_generation))
    return cache;

  std::lock_guard<std::mutex> guard (lock_);
  GSocketAddress *dest = nullptr;
  switch (choose_destination (static_address_ != nullptr, static_pinned_,
          latched_address_ != nullptr, configured_address_ != nullptr)) {
    case DestinationChoice::PinnedStatic:
    case DestinationChoice::Static:
      dest = static_address_;
      break;
    case DestinationChoice::Latched:
      dest = latched_address_;
      break;
    case DestinationChoice::Configured:
      dest = configured_address_;
      break;
    case DestinationChoice::None:
      break;
  }
  if (cache)
    g_object_unref (cache);
  cache = dest ? G_SOCKET_ADDRESS (g_object_ref (dest)) : nullptr;
  cache_generation = destination_generation_.load (std::memory_order_acquire);
  return cache;
}

}  // namespace comedia

using comedia::Component;

struct ComediaSessionPrivate {
  std::string name;
  std::mutex lock;
  std::map<std::pair<guint, guint>, std::unique_ptr<Component>> components;
  std::set<guint> rtcp_mux_streams;
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

static GSocket *
bind_socket (const comedia::BindRequest & request, guint16 * bound_port,
    GError ** error)
{
  GInetAddress *inet = g_inet_address_new_from_string (request.address.c_str ());
  if (!inet) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "'%s' is not an IP address", request.address.c_str ());
    return nullptr;
  }

  GSocket *socket = g_socket_new (g_inet_address_get_family (inet),
      G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (!socket) {
    g_object_unref (inet);
    return nullptr;
  }

  GSocketAddress *addr = g_inet_socket_address_new (inet, request.port);
  g_object_unref (inet);
  /* No address reuse: two sockets on one port would split the peer's
   * packets between them. */
  gboolean ok = g_socket_bind (socket, addr, FALSE, error);
  g_object_unref (addr);
  if (!ok) {
    g_object_unref (socket);
    return nullptr;
  }

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

  if (entry->is_open ()) {
    if (request && request->port != 0 && request->port != entry->local_port ()) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
          "session '%s' stream %u component %u is already open on port %u; "
          "cannot also bind port %u", priv->name.c_str (), stream, component,
          entry->local_port (), request->port);
      return nullptr;
    }
    return entry;
  }

  if (muxed) {
    /* rtcp-mux: RTCP travels on the RTP socket. */
    Component *rtp = component_entry (priv, stream, comedia::COMPONENT_RTP);
    if (!rtp->is_open ()) {
      guint16 port = 0;
      GSocket *socket = bind_socket (comedia::BindRequest (), &port, error);
      if (!socket)
        return nullptr;
      rtp->attach_socket (socket, port);
      g_object_unref (socket);
    }
    entry->attach_socket (rtp->socket (), rtp->local_port ());
    return entry;
  }

  comedia::BindRequest defaults;
  guint16 port = 0;
  GSocket *socket = bind_socket (request ? *request : defaults, &port, error);
  if (!socket) {
    if (error && *error)
      g_prefix_error (error, "session '%s' stream %u component %u: ",
          priv->name.c_str (), stream, component);
    return nullptr;
  }
  entry->attach_socket (socket, port);
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

gboolean
comedia_session_get_rtcp_mux (ComediaSession * session, guint stream)
{
  std::lock_guard<std::mutex> guard (session->priv->lock);
  return session->priv->rtcp_mux_streams.count (stream) > 0;
}


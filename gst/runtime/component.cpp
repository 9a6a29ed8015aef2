/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "component.h"
#include "destination.h"
#include "netaddress.h"

namespace comedia {

SocketSlot::~SocketSlot ()
{
  g_clear_object (&socket_);
}

void
SocketSlot::attach (GSocket *socket, guint16 port)
{
  socket_ = G_SOCKET (g_object_ref (socket));
  local_port_ = port;
}

GInetSocketAddress *
SocketSlot::local_address () const
{
  if (!socket_)
    return nullptr;
  GSocketAddress *addr = g_socket_get_local_address (socket_, nullptr);
  return addr ? G_INET_SOCKET_ADDRESS (addr) : nullptr;
}

Destination::~Destination ()
{
  g_clear_object (&latched_address_);
  g_clear_object (&static_address_);
  g_clear_object (&configured_address_);
}

void
Destination::publish_latched (const PeerAddress &peer, guint32 ssrc)
{
  publish (peer, true, ssrc);
}

void
Destination::publish_verified (const PeerAddress &peer)
{
  publish (peer, false, 0);
}

void
Destination::publish (const PeerAddress &peer, bool ssrc_known, guint32 ssrc)
{
  GSocketAddress *plain = gsocket_address_from_peer (peer);
  GSocketAddress *addr = address_for_socket (slot_.socket (), plain);
  g_object_unref (plain);
  std::lock_guard<std::mutex> guard (lock_);
  latched_peer_ = peer;
  latched_ssrc_known_ = ssrc_known;
  latched_ssrc_ = ssrc;
  if (latched_address_)
    g_object_unref (latched_address_);
  latched_address_ = addr;
  latched_.store (true, std::memory_order_release);
  generation_.fetch_add (1, std::memory_order_acq_rel);
}

void
Destination::follow_latched_ssrc (guint32 ssrc)
{
  std::lock_guard<std::mutex> guard (lock_);
  latched_ssrc_known_ = true;
  latched_ssrc_ = ssrc;
  generation_.fetch_add (1, std::memory_order_acq_rel);
}

void
Destination::clear_latched ()
{
  std::lock_guard<std::mutex> guard (lock_);
  latched_peer_ = PeerAddress ();
  latched_ssrc_known_ = false;
  latched_ssrc_ = 0;
  g_clear_object (&latched_address_);
  latched_.store (false, std::memory_order_release);
  generation_.fetch_add (1, std::memory_order_acq_rel);
}

PeerAddress
Destination::latched_peer () const
{
  std::lock_guard<std::mutex> guard (lock_);
  return latched_peer_;
}

bool
Destination::latched_peer_since (guint64 &generation, LatchedPeer &peer) const
{
  if (G_LIKELY (generation_.load (std::memory_order_acquire) == generation))
    return false;
  std::lock_guard<std::mutex> guard (lock_);
  peer.known = latched_ssrc_known_;
  peer.ssrc = latched_ssrc_;
  peer.address = latched_peer_;
  generation = generation_.load (std::memory_order_acquire);
  return true;
}

void
Destination::set_static (GSocketAddress *addr, bool pinned)
{
  std::lock_guard<std::mutex> guard (lock_);
  if (static_address_)
    g_object_unref (static_address_);
  static_address_ = addr ? address_for_socket (slot_.socket (), addr) : nullptr;
  static_pinned_ = addr != nullptr && pinned;
  generation_.fetch_add (1, std::memory_order_acq_rel);
}

void
Destination::set_configured (GSocketAddress *addr)
{
  std::lock_guard<std::mutex> guard (lock_);
  g_clear_object (&configured_address_);
  /* host may be IPv4 while the socket is dual-stack (::). */
  configured_address_ = addr ? address_for_socket (slot_.socket (), addr) : nullptr;
  generation_.fetch_add (1, std::memory_order_acq_rel);
}

GSocketAddress *
Destination::current (guint64 &cache_generation, GSocketAddress *&cache) const
{
  /* The common case, nothing changed since the last packet: one atomic load,
   * no lock, no reference counting. */
  if (G_LIKELY (generation_.load (std::memory_order_acquire) == cache_generation))
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
  cache_generation = generation_.load (std::memory_order_acquire);
  return cache;
}

void
ReceiveTerms::set_allowed_source (const std::string &prefix,
    const PeerAddress &preferred)
{
  std::lock_guard<std::mutex> guard (lock_);
  terms_.allowed_source = prefix;
  terms_.preferred = preferred;
  terms_.allowed_sets++;
  terms_.generation = generation_.fetch_add (1, std::memory_order_acq_rel) + 1;
}

void
ReceiveTerms::reopen_learning ()
{
  std::lock_guard<std::mutex> guard (lock_);
  terms_.relearns++;
  terms_.generation = generation_.fetch_add (1, std::memory_order_acq_rel) + 1;
}

void
ReceiveTerms::set_inbound_srtp (const SrtpKey &key)
{
  std::lock_guard<std::mutex> guard (lock_);
  if (key == terms_.inbound_key)
    return;
  terms_.inbound_key = key;
  terms_.key_sets++;
  terms_.generation = generation_.fetch_add (1, std::memory_order_acq_rel) + 1;
}

ReceiveTerms::Changes
ReceiveTerms::refresh (Snapshot &snapshot) const
{
  Changes changes;
  /* Per batch on the receiving thread: one atomic load when unchanged. */
  if (G_LIKELY (generation_.load (std::memory_order_acquire) == snapshot.generation))
    return changes;
  std::lock_guard<std::mutex> guard (lock_);
  changes.allowed_source = terms_.allowed_sets != snapshot.allowed_sets;
  changes.relearn = terms_.relearns != snapshot.relearns;
  changes.inbound_key = terms_.key_sets != snapshot.key_sets;
  snapshot = terms_;
  return changes;
}

bool
OutboundSrtp::set_key (const SrtpKey &key, bool fixed, std::string *error)
{
  if (!fixed) {
    /* The negotiated key again (a re-offer that kept it): the session goes
     * on, its SRTCP index and roll-over counter with it (a new one would
     * restart the index, which the peer's replay window refuses). */
    std::lock_guard<std::mutex> guard (lock_);
    if (key == negotiated_ && (fixed_ || (session_ != nullptr) == key.enabled ()))
      return true;
  }
  std::unique_ptr<SrtpSession> session;
  if (key.enabled ()) {
    session = SrtpSession::create (key, SrtpDirection::Outbound, error);
    if (!session)
      return false;
  }
  std::unique_ptr<SrtpSession> old;
  std::lock_guard<std::mutex> guard (lock_);
  if (!fixed) {
    negotiated_ = key;
    if (fixed_)
      return true;   /* the element's own key wins */
  }
  fixed_ = fixed;
  old = std::move (session_);
  session_ = std::move (session);
  active_.store (session_ != nullptr, std::memory_order_release);
  return true;
}

bool
OutboundSrtp::clear_fixed (std::string *error)
{
  SrtpKey negotiated;
  {
    std::lock_guard<std::mutex> guard (lock_);
    if (!fixed_)
      return true;
    fixed_ = false;
    negotiated = negotiated_;
  }
  return set_key (negotiated, false, error);
}

OutgoingProtection
OutboundSrtp::protect (uint8_t *data, size_t &len, size_t capacity, bool rtcp)
{
  if (!active_.load (std::memory_order_acquire))
    return OutgoingProtection::Plain;
  std::lock_guard<std::mutex> guard (lock_);
  if (!session_)
    return OutgoingProtection::Plain;
  SrtpResult r = rtcp ? session_->protect_rtcp (data, len, capacity)
      : session_->protect (data, len, capacity);
  if (r == SrtpResult::Ok)
    return OutgoingProtection::Protected;
  counters_.add (Count::ProtectErrors);
  return OutgoingProtection::Failed;
}

void
DtlsTermsSlot::set (const NegotiatedDtls &terms)
{
  std::vector<std::pair<guint64, Listener>> listeners;
  {
    std::lock_guard<std::mutex> guard (lock_);
    terms_ = terms;
    enabled_.store (terms.enabled, std::memory_order_release);
    generation_.fetch_add (1, std::memory_order_acq_rel);
    listeners = listeners_;
  }
  for (const auto &l : listeners)
    (*l.second) ();
}

guint64
DtlsTermsSlot::add_listener (std::function<void ()> listener)
{
  std::lock_guard<std::mutex> guard (lock_);
  guint64 id = next_listener_++;
  listeners_.emplace_back (id,
      std::make_shared<const std::function<void ()>> (std::move (listener)));
  return id;
}

void
DtlsTermsSlot::remove_listener (guint64 id)
{
  std::lock_guard<std::mutex> guard (lock_);
  for (auto it = listeners_.begin (); it != listeners_.end (); ++it)
    if (it->first == id) {
      listeners_.erase (it);
      return;
    }
}

bool
DtlsTermsSlot::since (guint64 &generation, NegotiatedDtls &terms) const
{
  if (G_LIKELY (generation_.load (std::memory_order_acquire) == generation))
    return false;
  std::lock_guard<std::mutex> guard (lock_);
  terms = terms_;
  generation = generation_.load (std::memory_order_acquire);
  return true;
}

void
BundleRouteSlot::set (const BundleRoutes &routes)
{
  std::lock_guard<std::mutex> guard (lock_);
  if (routes == routes_)
    return;
  routes_ = routes;
  generation_.fetch_add (1, std::memory_order_release);
}

void
BundleRouteSlot::note_sent (guint32 ssrc, guint stream)
{
  std::lock_guard<std::mutex> guard (lock_);
  for (auto &s : sent_)
    if (s.first == ssrc) {
      if (s.second != stream) {
        s.second = stream;
        generation_.fetch_add (1, std::memory_order_release);
      }
      return;
    }
  if (sent_.size () >= BundleRouter::kMaxSsrcs)
    return;
  sent_.emplace_back (ssrc, stream);
  generation_.fetch_add (1, std::memory_order_release);
}

bool
BundleRouteSlot::since (guint64 &generation, BundleRoutes &routes,
    std::vector<std::pair<guint32, guint>> &sent) const
{
  if (generation_.load (std::memory_order_acquire) == generation)
    return false;
  std::lock_guard<std::mutex> guard (lock_);
  generation = generation_.load (std::memory_order_acquire);
  routes = routes_;
  sent = sent_;
  return true;
}

}  // namespace comedia

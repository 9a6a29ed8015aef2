/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "streamplan.h"
#include "mediatransport.h"
#include "netaddress.h"

#include <gio/gio.h>

namespace comedia {

bool
is_unspecified_address (const std::string & s)
{
  GInetAddress *a = g_inet_address_new_from_string (s.c_str ());
  if (a == nullptr)
    return false;
  bool any = g_inet_address_get_is_any (a);
  g_object_unref (a);
  return any;
}

ComediaDirection
comedia_direction_of (const GstSDPMessage * msg, guint media_index)
{
  const GstSDPMedia *m = gst_sdp_message_get_media (msg, media_index);
  const char *v = gst_sdp_media_get_attribute_val (m, "direction");
  if (v == nullptr)
    v = gst_sdp_message_get_attribute_val (msg, "direction");
  if (v == nullptr)
    return ComediaDirection::None;
  if (g_str_equal (v, "active"))
    return ComediaDirection::Active;
  if (g_str_equal (v, "passive"))
    return ComediaDirection::Passive;
  if (g_str_equal (v, "both"))
    return ComediaDirection::Both;
  return ComediaDirection::None;  /* validate_sdp() rejected it already */
}

namespace {

struct DirectionName {
  MediaDirection direction;
  const char *name;
};
constexpr DirectionName DIRECTION_NAMES[] = {
  {MediaDirection::SendRecv, "sendrecv"},
  {MediaDirection::SendOnly, "sendonly"},
  {MediaDirection::RecvOnly, "recvonly"},
  {MediaDirection::Inactive, "inactive"},
};

}  // namespace

MediaDirection
media_direction_of (const GstSDPMessage * msg, guint media_index)
{
  const GstSDPMedia *m = gst_sdp_message_get_media (msg, media_index);
  for (const auto & d : DIRECTION_NAMES)
    if (media_has_attribute (m, d.name))
      return d.direction;
  for (const auto & d : DIRECTION_NAMES)
    if (gst_sdp_message_get_attribute_val (msg, d.name) != nullptr)
      return d.direction;
  return MediaDirection::Unspecified;
}

MediaDirection
mirror_direction (MediaDirection d)
{
  switch (d) {
    case MediaDirection::SendOnly:
      return MediaDirection::RecvOnly;
    case MediaDirection::RecvOnly:
      return MediaDirection::SendOnly;
    default:
      return d;
  }
}

const char *
media_direction_name (MediaDirection d)
{
  for (const auto & n : DIRECTION_NAMES)
    if (n.direction == d)
      return n.name;
  return nullptr;
}

bool
TransportAddress::ipv6 () const
{
  return address.find (':') != std::string::npos;
}

const char *
stream_plan_kind_name (StreamPlan::Kind kind)
{
  switch (kind) {
    case StreamPlan::Kind::Latch:
      return "latch";
    case StreamPlan::Kind::Static:
      return "static";
    case StreamPlan::Kind::Rejected:
      return "rejected";
    case StreamPlan::Kind::Ice:
      return "ice";
    case StreamPlan::Kind::Symmetric:
      return "symmetric";
  }
  return "?";
}

Transport
stream_plan_transport (StreamPlan::Kind kind)
{
  switch (kind) {
    case StreamPlan::Kind::Latch:
    case StreamPlan::Kind::Symmetric:
      return Transport::Comedia;
    case StreamPlan::Kind::Static:
      return Transport::Static;
    case StreamPlan::Kind::Ice:
      return Transport::Ice;
    case StreamPlan::Kind::Rejected:
      break;
  }
  return Transport::None;
}

const char *
transport_name (Transport t)
{
  switch (t) {
    case Transport::None:
      return "none";
    case Transport::Ice:
      return "ice";
    case Transport::Comedia:
      return "comedia";
    case Transport::Static:
      return "static";
  }
  return "?";
}

Transport
offered_transport (const GstSDPMessage * offer, guint media_index, PreferTransport prefer)
{
  bool ice = ice_attribute (offer, media_index, "ice-ufrag") != nullptr
      && ice_attribute (offer, media_index, "ice-pwd") != nullptr;
  ComediaDirection d = comedia_direction_of (offer, media_index);
  bool comedia = d == ComediaDirection::Active || d == ComediaDirection::Both;
  if (ice && comedia)
    return prefer == PreferTransport::Ice ? Transport::Ice : Transport::Comedia;
  if (ice)
    return Transport::Ice;
  if (comedia)
    return Transport::Comedia;
  return Transport::Static;
}

/* Where the peer's SDP says to send stream @i: c= and m= port, a=rtcp or
 * port + 1, rtcp-mux when @rtcp_mux. */
bool
remote_transport (const SdpDocument & doc, guint i, bool rtcp_mux,
    TransportAddress & remote, std::string & note, SdpError & err)
{
  MediaTransport t = media_transport_of (doc.message (), i);
  if (t.connection == nullptr)
    return err.set (string_printf ("%s has no c= line (nor has the session) and is not "
            "a=direction:active: there is no address to send to",
            doc.where_media (i).c_str ()), doc.media_line (i));
  std::string address = t.connection->address;
  if (!is_ip_address (address))
    return err.set (string_printf ("%s: c= address '%s' is not an IP address (host names "
            "are not resolved)", doc.where_media (i).c_str (), address.c_str ()),
        doc.media_line (i));
  if (is_unspecified_address (address)) {
    note = "the peer's c= is " + address + " (on hold): nothing is sent to it";
    address.clear ();
  }
  remote.address = address;
  remote.rtp_port = t.rtp_port;
  remote.rtcp_mux = rtcp_mux;
  guint rtcp_port;
  if (!t.rtcp_port (rtcp_mux, rtcp_port))
    return err.set (string_printf ("%s: port %u + 1 is not a port for RTCP",
            doc.where_media (i).c_str (), t.rtp_port), doc.media_line (i));
  remote.rtcp_port = rtcp_port;
  return true;
}

bool
wants_symmetric_rtp (SymmetricRtp mode, const std::string & address, std::string & why)
{
  switch (mode) {
    case SymmetricRtp::Never:
      return false;
    case SymmetricRtp::Always:
      why = "learn the peer from its packets (symmetric-rtp=always), sending to " +
          (address.empty () ? std::string ("nobody (on hold)") : address) + " until then";
      return true;
    case SymmetricRtp::Auto:
      break;
  }
  /* Out of reach from a public server: the peer is behind a NAT (or on
   * hold), and only its packets say where it is.  Loopback is reachable
   * from this host, the only place a loopback sender can be; multicast and
   * public addresses are where the peer said. */
  AddressScope scope = address.empty () ? AddressScope::Unspecified : address_scope (address);
  switch (scope) {
    case AddressScope::Unspecified:
    case AddressScope::LinkLocal:
    case AddressScope::Private:
    case AddressScope::Shared:
    case AddressScope::Reserved:
    case AddressScope::UniqueLocal:
      why = string_printf ("the signalled address %s is %s: learn the peer from its packets "
          "(symmetric-rtp=auto), send nothing before", address.empty () ? "0.0.0.0" :
          address.c_str (), address_scope_description (scope));
      return true;
    case AddressScope::Public:
    case AddressScope::NotAnAddress:
    case AddressScope::Loopback:
    case AddressScope::Multicast:
      break;
  }
  return false;
}

}  // namespace comedia

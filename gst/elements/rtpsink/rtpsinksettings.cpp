/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "rtpsinksettings.h"

namespace comedia {

static const ComponentPropertyIds component_ids = {
  PROP_SESSION, PROP_STREAM, PROP_COMPONENT
};

void
install_rtpsink_properties (GObjectClass * gobject_class)
{
  comedia::install_component_properties (gobject_class, component_ids,
      "Name of the shared session.  This sink sends from the socket of "
      "the comedia-rtpsrc with the same session, stream and component, "
      "to the peer that source latched",
      "Component within the stream, as ICE numbers them: 1 = RTP, "
      "2 = RTCP");
  g_object_class_install_property (gobject_class, PROP_HOST,
      g_param_spec_string ("host", "Host",
          "Static destination (IP address or host name) used until a peer "
          "is latched, for peers that are not behind NAT or to open the "
          "NAT mapping from the active side.  Unset: nothing is sent before "
          "latching", DEFAULT_HOST,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_PORT,
      g_param_spec_int ("port", "Port",
          "UDP port of the static destination (see host); 0 = none", 0,
          G_MAXUINT16, DEFAULT_PORT,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_KEEPALIVE_INTERVAL,
      g_param_spec_uint ("keepalive-interval", "Keepalive interval",
          "NAT keepalives (RFC 6263) for this sink's stream: milliseconds "
          "without anything sent on a component after which a keepalive "
          "goes out through its socket, to where media would go, so a NAT "
          "in front of this peer keeps its mapping while media is silent; "
          "they start with a burst of 5 that passes the passive side's "
          "probation at once.  0 = off (the passive, public side needs "
          "none; sdp-negotiator role=offerer turns them on by itself)", 0,
          G_MAXUINT,
          DEFAULT_KEEPALIVE_INTERVAL, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_KEEPALIVE_PAYLOAD_TYPE,
      g_param_spec_int ("keepalive-payload-type", "Keepalive payload type",
          "Payload type of the RTP keepalives: one the session does not "
          "use, so a standard receiver drops them (20 is unassigned in RFC "
          "3551).  RTCP keepalives are empty Receiver Reports", 0, 127,
          DEFAULT_KEEPALIVE_PAYLOAD_TYPE, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  comedia::install_srtp_properties (gobject_class, PROP_SRTP_SUITE,
      PROP_SRTP_KEY,
      "SRTP suite of what this component sends, with srtp-key: SRTP on "
      "component 1, SRTCP on component 2, keepalives included.  none: the "
      "key sdp-negotiator negotiated, if any, else plain RTP",
      "The SRTP master key and salt to send with, base64 as in a=crypto "
      "(30 bytes for the AES-128 suites, 46 for AES-256, 28 and 44 for "
      "GCM); it wins over a negotiated key");
}

bool
set_rtpsink_property (RtpSinkSettings & settings, guint prop_id,
    const GValue * value)
{
  if (set_component_property (settings, component_ids, prop_id, value)
      || settings.srtp.set (PROP_SRTP_SUITE, PROP_SRTP_KEY, prop_id, value))
    return true;
  switch (prop_id) {
    case PROP_HOST:{
      const gchar *host = g_value_get_string (value);
      settings.host = host ? host : "";
      break;
    }
    case PROP_PORT:
      settings.port = g_value_get_int (value);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      settings.keepalive_interval = g_value_get_uint (value);
      break;
    case PROP_KEEPALIVE_PAYLOAD_TYPE:
      settings.keepalive_pt = g_value_get_int (value);
      break;
    default:
      return false;
  }
  return true;
}

bool
get_rtpsink_property (const RtpSinkSettings & settings, guint prop_id,
    GValue * value)
{
  if (get_component_property (settings, component_ids, prop_id, value)
      || settings.srtp.get (PROP_SRTP_SUITE, PROP_SRTP_KEY, prop_id, value))
    return true;
  switch (prop_id) {
    case PROP_HOST:
      g_value_set_string (value, settings.host.empty () ? nullptr :
          settings.host.c_str ());
      break;
    case PROP_PORT:
      g_value_set_int (value, settings.port);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      g_value_set_uint (value, settings.keepalive_interval);
      break;
    case PROP_KEEPALIVE_PAYLOAD_TYPE:
      g_value_set_int (value, settings.keepalive_pt);
      break;
    default:
      return false;
  }
  return true;
}

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "mediatransport.h"

namespace comedia {

bool
parse_sdp_port (const char *s, guint & port)
{
  if (s == nullptr || !g_ascii_isdigit (s[0]))
    return false;
  guint64 v = 0;
  const char *p = s;
  while (g_ascii_isdigit (*p)) {
    v = v * 10 + (*p - '0');
    if (v > G_MAXUINT16)
      return false;
    p++;
  }
  if (*p != '\0' && *p != ' ' && *p != '/')
    return false;
  port = (guint) v;
  return true;
}

const GstSDPConnection *
connection_of (const GstSDPMessage * msg, guint media_index)
{
  const GstSDPMedia *media = gst_sdp_message_get_media (msg, media_index);
  if (gst_sdp_media_connections_len (media) > 0) {
    const GstSDPConnection *c = gst_sdp_media_get_connection (media, 0);
    if (c->address != nullptr)
      return c;
  }
  const GstSDPConnection *c = gst_sdp_message_get_connection (msg);
  if (c != nullptr && c->address != nullptr)
    return c;
  return nullptr;
}

bool
MediaTransport::rtcp_port (bool mux, guint & port) const
{
  if (mux)
    port = rtp_port;
  else if (has_rtcp_attribute)
    port = rtcp_attribute_port;
  else if (rtp_port + 1 <= G_MAXUINT16)
    port = rtp_port + 1;
  else
    return false;
  return true;
}

MediaTransport
media_transport_of (const GstSDPMessage * msg, guint media_index)
{
  const GstSDPMedia *m = gst_sdp_message_get_media (msg, media_index);
  MediaTransport t;
  t.connection = connection_of (msg, media_index);
  t.rtp_port = m->port;
  t.rtcp_mux = gst_sdp_media_get_attribute_val (m, "rtcp-mux") != nullptr;
  t.has_rtcp_attribute = parse_sdp_port (gst_sdp_media_get_attribute_val (m, "rtcp"),
      t.rtcp_attribute_port);
  return t;
}

}  // namespace comedia

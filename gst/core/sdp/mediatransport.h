/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* What an m-line says about its transport, as written: the address (c= of
 * the media, else of the session), the RTP port (m=), a=rtcp (RFC 3605) and
 * a=rtcp-mux (RFC 5761).  COMEDIA reads the peer's destination from it and
 * ICE its default candidate (RFC 5245 4.3): read once here, judged there. */

#include <gst/gst.h>
#include <gst/sdp/sdp.h>

namespace comedia {

/* A port as SDP writes it: digits up to 65535, then the end, a space or
 * '/'. */
bool parse_sdp_port (const char *s, guint & port);

/* The media's c= if it has one, else the session's; nullptr if neither. */
const GstSDPConnection *connection_of (const GstSDPMessage * msg, guint media_index);

struct MediaTransport {
  const GstSDPConnection *connection = nullptr;   /* borrowed; nullptr: no c= */
  guint rtp_port = 0;                             /* m= */
  bool rtcp_mux = false;                          /* a=rtcp-mux */
  bool has_rtcp_attribute = false;                /* a=rtcp with a port */
  guint rtcp_attribute_port = 0;

  /* Where RTCP goes: the RTP port when @mux, else a=rtcp's, else the next
   * port.  False (and @port untouched) when the next port is past 65535. */
  bool rtcp_port (bool mux, guint & port) const;
};

MediaTransport media_transport_of (const GstSDPMessage * msg, guint media_index);

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/rtp/gstrtcpbuffer.h>
#include <cstdint>

namespace comedia {

/* What a received datagram is, as far as latching cares. */
enum class PacketKind : uint8_t {
  Rtp,        /* a well-formed RTP packet (GstRTPBuffer maps it) */
  Rtcp,       /* well-formed RTCP: a compound, or reduced-size (RFC 5506) */
  Malformed,  /* anything else: too short, wrong version, truncated */
};

struct PacketFacts {
  PacketKind kind = PacketKind::Malformed;
  uint32_t ssrc = 0;      /* RTP SSRC, or the SSRC the first RTCP packet speaks for */
  uint16_t seq = 0;       /* RTP sequence number */
  uint32_t timestamp = 0; /* RTP timestamp */
  uint8_t payload_type = 0;
  uint8_t rtcp_type = 0;  /* packet type of the first RTCP packet */
  bool authenticated = false;   /* SRTP/SRTCP whose tag matched (the dispatch) */
};

/* Component numbers as ICE/libnice use them. */
constexpr guint COMPONENT_RTP = 1;
constexpr guint COMPONENT_RTCP = 2;

/* RFC 5761 section 4: on a muxed port, a second byte in 192..223 is RTCP. */
bool looks_like_rtcp (const guint8 *data, gsize size);

/* Whether a datagram of @size bytes starting with @head (at least 1 byte)
 * could be SRTP or SRTCP at all: as long as an RTP header, version 2.
 * Anything else is junk or truncated, not a packet that failed
 * authentication. */
bool could_be_srtp (const guint8 *head, gsize size);

/* Classifies @packet as received on @component.  On component 1 with
 * @rtcp_mux, RTCP packets are recognised by the RFC 5761 rule.  Parsing is
 * done by GstRTPBuffer / GstRTCPBuffer. */
PacketFacts inspect_packet (GstBuffer *packet, guint component, bool rtcp_mux);

/* The SSRC an RTCP packet speaks for: the sender of an SR, RR, APP, XR or
 * feedback packet, the first source of an SDES or BYE; 0 for others. */
uint32_t rtcp_sender_ssrc (GstRTCPPacket *packet);

}  // namespace comedia

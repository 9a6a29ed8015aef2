/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "packetfacts.h"

#include <gst/rtp/rtp.h>

namespace comedia {

bool
could_be_srtp (const guint8 *head, gsize size)
{
  /* The fixed RTP header (RFC 3550 5.1); SRTCP's smallest packet, a header,
   * its index and a tag, is longer still. */
  return size >= 12 && (head[0] >> 6) == 2;
}

bool
looks_like_rtcp (const guint8 *data, gsize size)
{
  return size >= 2 && data[1] >= 192 && data[1] <= 223;
}

static PacketFacts
inspect_rtp (GstBuffer *packet)
{
  PacketFacts facts;
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;

  /* gst_rtp_buffer_map validates version 2, header, CSRC, extension and
   * padding lengths against the buffer size. */
  if (!gst_rtp_buffer_map (packet, GST_MAP_READ, &rtp))
    return facts;

  facts.kind = PacketKind::Rtp;
  facts.ssrc = gst_rtp_buffer_get_ssrc (&rtp);
  facts.seq = gst_rtp_buffer_get_seq (&rtp);
  facts.timestamp = gst_rtp_buffer_get_timestamp (&rtp);
  facts.payload_type = gst_rtp_buffer_get_payload_type (&rtp);
  gst_rtp_buffer_unmap (&rtp);
  return facts;
}

uint32_t
rtcp_sender_ssrc (GstRTCPPacket * packet)
{
  guint32 ssrc = 0;
  switch (gst_rtcp_packet_get_type (packet)) {
    case GST_RTCP_TYPE_SR:
      gst_rtcp_packet_sr_get_sender_info (packet, &ssrc, nullptr, nullptr,
          nullptr, nullptr);
      return ssrc;
    case GST_RTCP_TYPE_RR:
      return gst_rtcp_packet_rr_get_ssrc (packet);
    case GST_RTCP_TYPE_SDES:
      return gst_rtcp_packet_sdes_first_item (packet) ?
          gst_rtcp_packet_sdes_get_ssrc (packet) : 0;
    case GST_RTCP_TYPE_BYE:
      return gst_rtcp_packet_bye_get_ssrc_count (packet) > 0 ?
          gst_rtcp_packet_bye_get_nth_ssrc (packet, 0) : 0;
    case GST_RTCP_TYPE_APP:
      return gst_rtcp_packet_app_get_ssrc (packet);
    case GST_RTCP_TYPE_RTPFB:
    case GST_RTCP_TYPE_PSFB:
      return gst_rtcp_packet_fb_get_sender_ssrc (packet);
    case GST_RTCP_TYPE_XR:
      return gst_rtcp_packet_xr_get_ssrc (packet);
    default:
      return 0;
  }
}

static PacketFacts
inspect_rtcp (GstBuffer *packet)
{
  PacketFacts facts;

  /* Any well-formed sequence of RTCP packets, as real agents send it: a
   * compound that starts with SR or RR (RFC 3550), but also reduced-size
   * RTCP (RFC 5506: a lone APP, BYE or feedback packet) and a compound that
   * starts with BYE at hang-up.  GstRTCPBuffer checks versions, lengths and
   * padding; the types must be RTCP's (RFC 5761: 192..223). */
  if (!gst_rtcp_buffer_validate_reduced (packet))
    return facts;

  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  if (!gst_rtcp_buffer_map (packet, GST_MAP_READ, &rtcp))
    return facts;

  /* The iterator stops, without saying so, at a packet whose type it does
   * not know: it must have reached the end of the datagram. */
  GstRTCPPacket first, it;
  bool types_ok = gst_rtcp_buffer_get_first_packet (&rtcp, &first);
  gsize end = 0;
  if (types_ok) {
    it = first;
    do {
      guint type = gst_rtcp_packet_get_type (&it);
      types_ok = type >= 192 && type <= 223;
      end = it.offset + ((gsize) it.length + 1) * 4;
    } while (types_ok && gst_rtcp_packet_move_to_next (&it));
    types_ok = types_ok && end == rtcp.map.size;
  }
  if (types_ok) {
    facts.kind = PacketKind::Rtcp;
    facts.rtcp_type = gst_rtcp_packet_get_type (&first);
    facts.ssrc = rtcp_sender_ssrc (&first);
  }
  gst_rtcp_buffer_unmap (&rtcp);
  return facts;
}

PacketFacts
inspect_packet (GstBuffer *packet, guint component, bool rtcp_mux)
{
  /* Nothing to inspect (and GstRTCPBuffer refuses to map no data). */
  if (gst_buffer_get_size (packet) == 0)
    return PacketFacts ();
  if (component == COMPONENT_RTCP)
    return inspect_rtcp (packet);

  if (rtcp_mux) {
    guint8 head[2];
    if (gst_buffer_extract (packet, 0, head, 2) == 2 && looks_like_rtcp (head, 2))
      return inspect_rtcp (packet);
  }
  return inspect_rtp (packet);
}

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "packetfacts.h"

#include <gst/rtp/rtp.h>

namespace comedia {

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
  facts.payload_type = gst_rtp_buffer_get_payload_type (&rtp);
  gst_rtp_buffer_unmap (&rtp);
  return facts;
}

static PacketFacts
inspect_rtcp (GstBuffer *packet)
{
  PacketFacts facts;

  /* The whole compound must be well formed and start with SR or RR. */
  if (!gst_rtcp_buffer_validate (packet))
    return facts;

  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  if (!gst_rtcp_buffer_map (packet, GST_MAP_READ, &rtcp))
    return facts;

  GstRTCPPacket first;
  if (gst_rtcp_buffer_get_first_packet (&rtcp, &first)) {
    facts.kind = PacketKind::Rtcp;
    facts.rtcp_type = gst_rtcp_packet_get_type (&first);
    if (facts.rtcp_type == GST_RTCP_TYPE_SR) {
      guint32 ssrc;
      gst_rtcp_packet_sr_get_sender_info (&first, &ssrc, nullptr, nullptr,
          nullptr, nullptr);
      facts.ssrc = ssrc;
    } else if (facts.rtcp_type == GST_RTCP_TYPE_RR) {
      facts.ssrc = gst_rtcp_packet_rr_get_ssrc (&first);
    }
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

/* comedia test helpers: real RTP/RTCP packets built with GstRTPBuffer and
 * GstRTCPBuffer, and raw byte strings for malformed ones.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/rtp/rtp.h>

#include <initializer_list>
#include <vector>

static inline GstBuffer *
make_rtp (guint32 ssrc, guint16 seq, guint8 pt = 96, guint payload = 20)
{
  GstBuffer *buf = gst_rtp_buffer_new_allocate (payload, 0, 0);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  gst_rtp_buffer_map (buf, GST_MAP_WRITE, &rtp);
  gst_rtp_buffer_set_ssrc (&rtp, ssrc);
  gst_rtp_buffer_set_seq (&rtp, seq);
  gst_rtp_buffer_set_payload_type (&rtp, pt);
  gst_rtp_buffer_set_timestamp (&rtp, seq * 3000u);
  gst_rtp_buffer_unmap (&rtp);
  return buf;
}

/* A compound RTCP packet: a Receiver Report (with one report block) and SDES. */
static inline GstBuffer *
make_rtcp_rr (guint32 ssrc)
{
  GstBuffer *buf = gst_rtcp_buffer_new (1400);
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  GstRTCPPacket packet;
  gst_rtcp_buffer_map (buf, GST_MAP_READWRITE, &rtcp);
  gst_rtcp_buffer_add_packet (&rtcp, GST_RTCP_TYPE_RR, &packet);
  gst_rtcp_packet_rr_set_ssrc (&packet, ssrc);
  gst_rtcp_packet_add_rb (&packet, 0x1234, 0, 0, 100, 0, 0, 0);
  gst_rtcp_buffer_add_packet (&rtcp, GST_RTCP_TYPE_SDES, &packet);
  gst_rtcp_packet_sdes_add_item (&packet, ssrc);
  gst_rtcp_packet_sdes_add_entry (&packet, GST_RTCP_SDES_CNAME, 4,
      (const guint8 *) "test");
  gst_rtcp_buffer_unmap (&rtcp);
  return buf;
}

static inline GstBuffer *
make_bytes (std::initializer_list<guint8> bytes)
{
  std::vector<guint8> v (bytes);
  return v.empty () ? gst_buffer_new () : gst_buffer_new_memdup (v.data (), v.size ());
}

static inline GstBuffer *
make_bytes (const std::vector<guint8> & v)
{
  return gst_buffer_new_memdup (v.data (), v.size ());
}

static inline std::vector<guint8>
buffer_bytes (GstBuffer * buf)
{
  std::vector<guint8> v (gst_buffer_get_size (buf));
  gst_buffer_extract (buf, 0, v.data (), v.size ());
  return v;
}

/* The bytes of @buf, which it consumes. */
static inline std::vector<guint8>
take_bytes (GstBuffer * buf)
{
  std::vector<guint8> v = buffer_bytes (buf);
  gst_buffer_unref (buf);
  return v;
}

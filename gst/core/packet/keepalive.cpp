/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "keepalive.h"

#include <gst/rtp/rtp.h>

#include <algorithm>

namespace comedia {

GstBuffer *
make_rtp_keepalive (guint32 ssrc, guint16 seq, guint8 payload_type)
{
  GstBuffer *buf = gst_rtp_buffer_new_allocate (0, 0, 0);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  gst_rtp_buffer_map (buf, GST_MAP_WRITE, &rtp);
  gst_rtp_buffer_set_ssrc (&rtp, ssrc);
  gst_rtp_buffer_set_seq (&rtp, seq);
  gst_rtp_buffer_set_payload_type (&rtp, payload_type);
  gst_rtp_buffer_set_timestamp (&rtp, 0);
  gst_rtp_buffer_unmap (&rtp);
  return buf;
}

GstBuffer *
make_rtcp_keepalive (guint32 ssrc)
{
  GstBuffer *buf = gst_rtcp_buffer_new (64);
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  GstRTCPPacket packet;
  gst_rtcp_buffer_map (buf, GST_MAP_READWRITE, &rtcp);
  gst_rtcp_buffer_add_packet (&rtcp, GST_RTCP_TYPE_RR, &packet);
  gst_rtcp_packet_rr_set_ssrc (&packet, ssrc);
  gst_rtcp_buffer_unmap (&rtcp);
  return buf;
}

bool
KeepaliveSchedule::due (int64_t now_us, int64_t last_sent_us) const
{
  return enabled () && (last_sent_us == 0 || now_us - last_sent_us >= interval_us_);
}

int64_t
KeepaliveSchedule::wait_us (int64_t now_us, int64_t last_sent_us) const
{
  if (!enabled ())
    return -1;
  if (last_sent_us == 0)
    return 0;
  return std::max<int64_t> (0, last_sent_us + interval_us_ - now_us);
}

}  // namespace comedia

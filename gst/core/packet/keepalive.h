/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* NAT keepalives (RFC 6263) from the active side: what to send and when.
 *
 * A NAT forgets a UDP mapping after 30-180 s without outgoing packets; the
 * passive peer's replies then die unnoticed.  Whenever a component has sent
 * nothing for the interval, a keepalive goes out through the component's
 * shared socket, to where its media would go.
 *
 * The packets are ones a standard receiver ignores safely, and that the
 * passive side's latching policy accepts (so a receive-only peer can latch
 * on them, through probation):
 * - RTP: a header-only RTP packet with a payload type the session does not
 *   use (RFC 6263 section 4.6), one SSRC and consecutive sequence numbers;
 *   comedia-rtpsrc consumes it instead of pushing it downstream.
 * - RTCP: an empty Receiver Report (RFC 6263 section 4.5: an RTCP packet),
 *   with the same SSRC as the RTP keepalives of the stream, so the RTCP side
 *   latches on the same peer. */

#include <gst/gst.h>

#include <cstdint>

namespace comedia {

/* RFC 3551 leaves payload type 20 unassigned: no session maps it. */
constexpr guint8 DEFAULT_KEEPALIVE_PAYLOAD_TYPE = 20;

/* Keepalives sent at once when the exchange is done, so the passive peer
 * can latch before any media flows: enough to pass a default probation
 * (4 packets spanning 20 ms). */
constexpr guint INITIAL_KEEPALIVE_BURST = 5;
constexpr int64_t INITIAL_KEEPALIVE_SPACING_US = 10 * 1000;

GstBuffer *make_rtp_keepalive (guint32 ssrc, guint16 seq, guint8 payload_type);
GstBuffer *make_rtcp_keepalive (guint32 ssrc);

/* When a keepalive is due: after @interval_us without anything sent. */
class KeepaliveSchedule {
 public:
  explicit KeepaliveSchedule (int64_t interval_us) : interval_us_ (interval_us) {}

  bool enabled () const { return interval_us_ > 0; }
  int64_t interval_us () const { return interval_us_; }
  /* @last_sent_us: the component's last datagram, media or keepalive
   * (0: never). */
  bool due (int64_t now_us, int64_t last_sent_us) const;
  /* Microseconds until due() turns true (0 if it is), -1 when disabled. */
  int64_t wait_us (int64_t now_us, int64_t last_sent_us) const;

 private:
  int64_t interval_us_;
};

}  // namespace comedia

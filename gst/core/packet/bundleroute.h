/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* BUNDLE's demultiplexing (RFC 9143 9.2): which of the streams bundled on
 * one transport a decrypted RTP or RTCP packet belongs to.  RTP: by the
 * mid header extension when negotiated, else by an SSRC learnt from an
 * earlier packet, else by its payload type; RTCP: by its sender SSRC when
 * learnt, else by the SSRCs its report blocks or feedback name, else the
 * tag stream's.  No globals: one router per receiving element. */

#include <gst/gst.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace comedia {

/* One stream of a bundle, as the negotiation left it. */
struct BundleEntry {
  guint stream = 0;                       /* the sdp-negotiator's stream number */
  std::string mid;                        /* a=mid; "" if none */
  std::vector<guint8> payload_types;      /* its m-line's formats */
};

/* The streams sharing one transport; the first is the tag.  Empty: the
 * transport carries one stream, nothing to route. */
struct BundleRoutes {
  guint8 mid_extension_id = 0;            /* a=extmap of sdes:mid; 0: none */
  std::vector<BundleEntry> entries;

  bool bundled () const { return entries.size () > 1; }
  guint tag () const { return entries.empty () ? 0 : entries.front ().stream; }
  bool operator== (const BundleRoutes & o) const;
};

/* The RTP header extension URI of the mid (RFC 9143 14.1). */
constexpr const char *MID_EXTENSION_URI = "urn:ietf:params:rtp-hdrext:sdes:mid";

/* Adds @mid as header extension @id to RTP packet @buf (writable), in the
 * one-byte form (RFC 8285 4.2; the two-byte one needs
 * a=extmap-allow-mixed, which comedia never answers): what a browser
 * demultiplexes a bundle by once it negotiated the extension (Chromium 156
 * then drops bundled RTP without it, no a=ssrc naming its SSRC).  False,
 * @buf unchanged: not RTP, @id not 1-14, @mid empty or over 16 bytes, it
 * has a mid already, or another form of extension. */
bool add_mid_extension (GstBuffer * buf, guint8 id, const std::string & mid);

/* The mid @routes gives stream @stream, "" if none. */
std::string mid_of_stream (const BundleRoutes & routes, guint stream);

class BundleRouter {
 public:
  /* New routes forget what was learnt. */
  void set_routes (const BundleRoutes & routes);
  const BundleRoutes & routes () const { return routes_; }

  /* The stream of RTP packet @rtp, 0 if none is known (dropped);
   * @by_mid, if given, says whether its mid header extension named it. */
  guint route_rtp (GstBuffer * rtp, bool *by_mid = nullptr);
  /* The stream of (compound) RTCP packet @rtcp: the tag's when unknown. */
  guint route_rtcp (GstBuffer * rtcp);
  /* SSRC @ssrc is stream @stream's (what a stream sends: an RTCP feedback
   * naming it goes there). */
  void learn (guint32 ssrc, guint stream);

  /* Learnt SSRCs beyond this are not remembered (a peer spraying SSRCs). */
  static constexpr size_t kMaxSsrcs = 64;

 private:
  guint stream_of_mid (const std::string & mid) const;
  guint stream_of_pt (guint8 pt) const;
  guint stream_of_ssrc (guint32 ssrc) const;

  BundleRoutes routes_;
  std::map<guint32, guint> ssrcs_;
};

}  // namespace comedia

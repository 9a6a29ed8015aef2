/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* comedia-rtpsrc's DTLS-SRTP over COMEDIA (server role): with
 * dtls-fingerprint set, the DTLS datagrams on the read component go to a
 * DtlsCandidateTable, its answers leave from the component's own socket,
 * RTP/RTCP is dropped (counted) until a candidate has verified, and then the
 * keys go where SDES keys go: the inbound one to the component's receive
 * terms (the dispatch authenticates with it on the next turn), the outbound
 * one to the component's OutboundSrtp (comedia-rtpsink protects with it),
 * and the verified source becomes the preferred and only allowed source.
 * On the receive thread only. */

#include "component.h"
#include "dtlscandidates.h"

#include <gst/gst.h>

#include <atomic>
#include <memory>
#include <string>

namespace comedia {

class DtlsReceiver {
 public:
  /* @fingerprints: "sha-256 AB:CD:..", several separated by ','; "" turns
   * DTLS off.  False with @error when one cannot be read. */
  bool configure (const std::string & fingerprints, std::string & error);
  bool enabled () const { return !expected_.empty (); }
  /* Our certificate's sha-256 fingerprint (the process's certificate), for
   * the application's SDP. */
  static std::string local_fingerprint ();

  /* READY->PAUSED: a fresh table for @component. */
  bool start (GstElement * element, Component * component, std::string & error);
  void stop ();

  /* True when the datagram was DTLS's or dropped before verification: the
   * dispatch must not see it. */
  bool intercept (const PeerAddress & from, GstBuffer * buf, gint64 now);
  /* Retransmissions; the earliest time to call again, or -1. */
  gint64 serve_timers (gint64 now);

  /* For the stats property, read from any thread. */
  struct Counts {
    guint64 received, candidates, failed, dropped, dropped_media;
  };
  Counts counts () const;

 private:
  void send (const DtlsCandidateResult & result);
  void on_event (const DtlsCandidateEvent & e);
  void publish_counts ();

  std::vector<Fingerprint> expected_;
  GstElement *element_ = nullptr;
  Component *component_ = nullptr;
  std::unique_ptr<DtlsCandidateTable> table_;
  guint64 dropped_before_verified_ = 0;
  std::atomic<guint64> received_{0}, candidates_{0}, failed_{0}, dropped_{0},
      dropped_media_{0};
};

}  // namespace comedia

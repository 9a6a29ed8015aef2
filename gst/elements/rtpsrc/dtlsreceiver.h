/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* comedia-rtpsrc's DTLS-SRTP over COMEDIA, on the receive thread.  Its
 * terms: the dtls-fingerprint property (server role), or else what
 * sdp-negotiator left in the read component's DtlsTermsSlot (either role),
 * looked at once a turn.
 * - Server: the DTLS datagrams go to a DtlsCandidateTable, its answers
 *   leave from the component's own socket.
 * - Client: one DtlsTransport toward the terms' remote address (the
 *   answerer's public one); its ClientHello leaves from the component's
 *   socket, which opens our NAT's mapping; only that address's DTLS is fed
 *   to it.
 * Either way RTP/RTCP is dropped (counted) until the peer has verified, and
 * then the keys go where SDES keys go: the inbound one to the component's
 * receive terms (applied to the dispatch at once), the outbound one to its
 * OutboundSrtp (comedia-rtpsink protects with it; with rtcp-mux component
 * 2's too), the verified source becomes the preferred and only allowed
 * source, and the destination sending goes to.  A new association number
 * starts a new handshake; the same one (a re-offer) keeps the keys. */

#include "component.h"
#include "dispatchterms.h"
#include "dtlscandidates.h"
#include "verdictreporter.h"

#include <gst/gst.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace comedia {

class DtlsReceiver {
 public:
  /* The dtls-fingerprint property: "sha-256 AB:CD:..", several separated
   * by ','; "" leaves the terms to the negotiator.  False with @error when
   * one cannot be read. */
  bool configure (const std::string & fingerprints, std::string & error);
  /* The property fixes the terms (server role). */
  bool fixed () const { return !fixed_expected_.empty (); }
  /* A handshake runs or is awaited: datagrams go through intercept ().
   * Any thread (stats). */
  bool enabled () const { return enabled_.load (std::memory_order_relaxed); }
  /* Our certificate's sha-256 fingerprint (the process's certificate), for
   * the application's SDP. */
  static std::string local_fingerprint ();

  /* NULL->READY, once the reporter has the components: @wake has the
   * receive thread call soon (the negotiator set terms).  False with
   * @error when the fixed terms cannot start. */
  bool start (GstElement * element, VerdictReporter & reporter, DispatchTerms & terms,
      std::function<void ()> wake, std::string & error);
  void stop ();

  /* Once a turn: the negotiated terms, if they changed (one atomic load
   * when not). */
  void update (gint64 now);
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
  Component *component () const { return reporter_->component (Side::ReadComponent); }
  void apply_terms (gint64 now);
  void drop_handshake ();
  bool make_context (std::shared_ptr<const DtlsCertificate> certificate, std::string & error);
  bool verified () const;
  void start_client (gint64 now);
  void client_step (std::vector<Datagram> out);
  void send (const DtlsCandidateResult & result);
  void on_event (const DtlsCandidateEvent & e);
  void install_keys (const DtlsCandidateEvent & e);
  void post (GstStructure * s);
  void publish_counts ();

  std::vector<Fingerprint> fixed_expected_;
  GstElement *element_ = nullptr;
  VerdictReporter *reporter_ = nullptr;
  DispatchTerms *terms_ = nullptr;
  std::atomic<bool> enabled_{false};

  /* The negotiated terms as last seen, and what runs under them. */
  guint64 terms_generation_ = 0;
  guint64 terms_listener_ = 0;     /* on the component's DtlsTermsSlot; 0: none */
  NegotiatedDtls negotiated_;
  bool running_ = false;        /* a table or a client for association_ */
  guint64 association_ = 0;
  DtlsRole role_ = DtlsRole::Server;
  std::shared_ptr<const DtlsCertificate> certificate_;
  std::shared_ptr<DtlsContext> context_;
  std::unique_ptr<DtlsCandidateTable> table_;   /* server */
  std::unique_ptr<DtlsTransport> client_;       /* client */
  PeerAddress remote_;                          /* the client's peer */
  bool verified_client_ = false;                /* client_ connected once */
  bool client_done_ = false;                    /* client_ failed or closed */

  /* Counted over every handshake of the element's life. */
  Counts past_{};                               /* of tables dropped */
  guint64 client_received_ = 0, client_started_ = 0, client_failed_ = 0,
      client_dropped_ = 0, dropped_before_verified_ = 0;
  std::atomic<guint64> received_{0}, candidates_{0}, failed_{0}, dropped_{0},
      dropped_media_{0};
};

}  // namespace comedia

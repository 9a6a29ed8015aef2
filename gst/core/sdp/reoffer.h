/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* Re-offers of a running session (answerer role): a SIP call renegotiates
 * for hold (a=sendonly, a=inactive, c=0.0.0.0), resume, a new address or
 * port after the phone changed network, a codec change, an added m-line.
 * This unit remembers what the answerer last agreed on, per stream, and
 * says what a new offer changes; above all, for which components learning
 * must reopen because the offer moved the peer.
 *
 * The rule (docs/sdp-negotiator.md, "Re-offers"):
 * - a component's offered peer is the offer's c= with its m= port (RTP)
 *   or a=rtcp, port + 1, or with rtcp-mux the m= port (RTCP);
 * - a stream is compared only when the last answer and this one both
 *   accepted it on the session's sockets (not ICE, whose checks find the
 *   new path; not rejected);
 * - an unspecified c= (0.0.0.0, ::: hold in RFC 2543 style) is never a
 *   change and is not remembered: the peer stays the last specified one,
 *   so resuming at the same address and port is no change either;
 * - learning reopens for a component when the specified address or its
 *   port differs from the remembered one;
 * - direction (hold with a=sendonly/inactive), formats and m-lines added
 *   after the last ones change nothing there.
 * The local ports stay: the session's Components are open and a re-offer
 * gets the sockets it got before (a changed port breaks peers, rtpengine
 * #1354); ports_kept checks it. */

#include "streamplan.h"
#include "sdpdocument.h"
#include "srtpnegotiation.h"

#include <gst/gst.h>

#include <string>
#include <vector>

namespace comedia {

/* Where an offer says the peer of one stream is, as written. */
struct OfferedPeer {
  std::string address;        /* c=; "" when unspecified (hold) or absent */
  guint rtp_port = 0;         /* m= */
  guint rtcp_port = 0;        /* a=rtcp, m= + 1, or m= with rtcp-mux */
};

/* Offer m-line @media_index's peer; @rtcp_mux: as the answer agreed. */
OfferedPeer offered_peer_of (const GstSDPMessage * offer, guint media_index,
    bool rtcp_mux);

/* What the answerer last agreed on for one stream. */
struct AnsweredStream {
  StreamPlan::Kind kind = StreamPlan::Kind::Rejected;
  OfferedPeer peer;           /* the last specified one */
  TransportAddress local;     /* the ports answered */
  MediaDirection direction = MediaDirection::Unspecified;   /* ours */
  StreamDtls dtls;            /* its DTLS-SRTP, any transport */
  StreamSdes sdes;            /* its a=crypto keys, any transport */
  /* The peer's ICE credentials in the offer answered; "" without ICE. */
  std::string ice_ufrag, ice_pwd;
};

/* What a re-offer changes on one stream, against the last answer. */
struct StreamChange {
  guint stream = 0;
  bool added = false;              /* not accepted by the last answer */
  bool relearn_rtp = false;        /* the offer moved the RTP peer */
  bool relearn_rtcp = false;       /* the offer moved the RTCP peer */
  bool on_hold = false;            /* the offer's c= is unspecified */
  bool direction_changed = false;
  bool ports_kept = true;          /* the answer's local ports are the last ones */
  std::string note;                /* for the plan's note; "" if nothing */

  bool relearn () const { return relearn_rtp || relearn_rtcp; }
};

/* RFC 3264 8 (RFC 4566 5.2): the o= line of one side's descriptions in a
 * session.  One session id throughout; the version raised by one when a
 * description differs from the previous one in anything but its o= line,
 * kept when it does not (an unchanged description may repeat). */
class SessionOrigin {
 public:
  /* Gives @msg this session's o= id and version, keeping its username and
   * address.  The first description fixes the id and version: @msg's own. */
  void stamp (GstSDPMessage * msg);
  void forget ();

  bool started () const { return !id_.empty (); }
  const std::string & id () const { return id_; }
  guint64 version () const { return version_; }

 private:
  std::string id_;
  guint64 version_ = 0;
  std::string last_;            /* the last description, its o= aside */
};

/* One session's last answer, offer by offer.  Plain state: the caller
 * serialises (the negotiator's negotiation lock). */
class AnsweredSession {
 public:
  /* Whether an answer was remembered: the next offer is a re-offer. */
  bool answered () const { return answered_; }

  /* What @plans, the answer to @offer, change against the last answer:
   * one per plan, in order; all default (nothing changed) for a first
   * offer. */
  std::vector<StreamChange> compare (const SdpDocument & offer,
      const std::vector<StreamPlan> & plans) const;

  /* Remembers @plans, the answer to @offer, for the next re-offer. */
  void remember (const SdpDocument & offer, const std::vector<StreamPlan> & plans);

  /* RFC 3264 8 for our own answers: @answer, the answer to @offer (after
   * remember()), gets this session's o= id and version (SessionOrigin),
   * and both are kept for repeated_answer(). */
  void stamp_answer (const SdpDocument & offer, GstSDPMessage * answer);

  /* A copy of the last answer when @offer is the last offer again, text
   * for text (a SIP retransmission that reached us, a session refresh that
   * changes nothing): the identical answer, with the same keys, ports and
   * o= version; nullptr otherwise. */
  SdpMessagePtr repeated_answer (const SdpDocument & offer) const;

  void forget ();

  /* Each stream's DTLS-SRTP as the last answer agreed on it ([s - 1]),
   * for AnswerOptions::previous_dtls: a re-offer with the same tls-id (or,
   * without, the same fingerprints) keeps the association
   * (dtls_needs_new_association) and our tls-id. */
  std::vector<StreamDtls> previous_dtls () const;
  /* The same for AnswerOptions::previous_sdes. */
  std::vector<StreamSdes> previous_sdes () const;

  /* ICE restart (RFC 8445 9, RFC 8839 4.4.1.1.1): the streams (1-based) of
   * @offer whose ice-ufrag or ice-pwd differ from those of the offer last
   * answered, on a stream answered with ICE then.  Empty for a first offer,
   * for one without ICE and for the same credentials again. */
  std::vector<guint> ice_restarts (const SdpDocument & offer) const;

  /* Stream @stream (1-based) as last answered, or nullptr. */
  const AnsweredStream *stream (guint stream) const;

 private:
  /* @field of each stream as last answered ([s - 1]). */
  template <typename T>
  std::vector<T> each_stream (T AnsweredStream::*field) const;

  bool answered_ = false;
  std::vector<AnsweredStream> streams_;    /* [0] is stream 1 */
  SessionOrigin origin_;
  /* The last offer's text and our answer to it; empty after a rewritten
   * answer, which is not ours to repeat. */
  std::string offer_text_;
  SdpMessagePtr answer_;
};

/* Appends each change's note to its plan's (the sdp-negotiator-stream
 * message says what the re-offer did). */
void annotate_plans (const std::vector<StreamChange> & changes,
    std::vector<StreamPlan> & plans);

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The offerer role (the active peer behind NAT) as plain C++ on
 * GstSDPMessage: the offer from what the pipeline offers (OfferedStream,
 * with the ICE candidates the element gathered first), and the StreamPlans
 * read from the peer's answer. */

#include <gst/gst.h>
#include <gst/sdp/sdp.h>

#include "bundle.h"
#include "dtlsnegotiation.h"
#include "icesdp.h"
#include "sdescrypto.h"
#include "sdpdocument.h"
#include "streamplan.h"

#include <optional>
#include <string>
#include <vector>

namespace comedia {

struct OfferedStream {
  /* One application/x-rtp structure per format, as RTP payloaders and
   * udpsrc caps describe them (media, payload, encoding-name, clock-rate,
   * encoding-params, fmtp fields, rtcp-fb-*). */
  GstCaps *caps = nullptr;         /* borrowed */
  bool rtcp_mux = false;
  MediaDirection direction = MediaDirection::Unspecified;
  /* Set: offer ICE (credentials, candidates, the default candidate in c=
   * and m=) instead of COMEDIA. */
  const IceDescription *ice = nullptr;   /* borrowed */
};

/* What the offerer offers of SRTP (the sdp-negotiator's srtp values). */
enum class SrtpOffer {
  Plain = 0,       /* RTP/AVP(F), no a=crypto */
  BestEffort = 1,  /* RTP/AVP(F) with a=crypto (OSRTP, RFC 8643) */
  Require = 2,     /* RTP/SAVP(F) with a=crypto */
};

/* The offerer's table: what an offer's m-lines carry under dtls x srtp:
 * DTLS-SRTP with dtls=require, else what srtp says (Sdes for best-effort
 * and require). */
MediaSecurity offer_security (DtlsPolicy dtls, SrtpOffer srtp);

struct OfferOptions {
  SrtpOffer srtp = SrtpOffer::Plain;
  RandomBytes random;              /* the keys, when srtp is not Plain */
  std::string session_name = "comedia";
  bool ipv6 = false;               /* c=IN IP6 :: instead of IN IP4 0.0.0.0 */
  guint64 session_id = 0;          /* 0: fresh random */
  /* DTLS-SRTP: offered (instead of a=crypto) with DtlsPolicy::Require,
   * with our certificate's fingerprint. */
  DtlsPolicy dtls = DtlsPolicy::Off;
  std::optional<Fingerprint> dtls_fingerprint;
  /* MaxBundle: the ICE streams in one a=group:BUNDLE (RFC 9143), the first
   * one's transport for all: it alone has a port and candidates, the others
   * port 0, a=bundle-only and its credentials and DTLS terms (as browsers
   * offer under max-bundle); their OfferedStream::ice is not read. */
  BundlePolicy bundle = BundlePolicy::None;
  /* a=ice-options:trickle on ICE m-lines: the answerer may trickle its
   * candidates to us.  The offer's own are complete (half trickle, RFC 8838
   * 4: a re-offer after gathering ended) unless its IceDescription is
   * trickling (full trickle). */
  bool trickle = false;
};

/* Offerer role (the active peer behind NAT): port 9, c= unspecified,
 * a=direction:active on every media; or, for streams with ice set, their
 * default candidate, the ICE attributes and no a=direction. */
bool build_offer (const std::vector<OfferedStream> & streams,
    const OfferOptions & options, SdpMessagePtr & out, SdpError & err);

/* What to do with media the offer made active whose answer lacks
 * a=direction:passive.  The values are the sdp-negotiator's
 * ComediaSdpMissingPassive ones, so that the element casts. */
enum class MissingPassive {
  Error = 0,              /* the peer does not do COMEDIA: fail */
  StaticDestination = 1,  /* warn, send to the answer's address anyway */
};

struct AnswerReading {
  std::vector<StreamPlan> streams;
  /* Set when some media lacked a=direction:passive and the reaction was
   * StaticDestination: the message to warn with. */
  std::string warning;
  /* Some media lacked a=direction:passive (also set when that failed the
   * reading), so the element can say the peer does not do COMEDIA. */
  bool missing_passive = false;
  /* Streams offered with DTLS-SRTP whose answer lacks a usable
   * a=fingerprint or breaks the table: rejected, and this says why, for a
   * warning; "" if none. */
  std::string dtls_warning;
  /* Our bundle-only m-lines the answer left out of its a=group:BUNDLE:
   * rejected (they have no transport of their own), and this says so, for
   * a warning; "" if none. */
  std::string bundle_warning;
};

/* Offerer role: reads the answer to our @offer.  Streams of our
 * a=group:BUNDLE that the answer's group keeps use its tag's transport
 * (StreamPlan::bundle_tag, read_answered_bundle()).  A stream whose answer is
 * passive gets the answer's address and RTP port (and a=rtcp, or port + 1,
 * or rtcp-mux) as its destination.  A stream offered with ICE needs ICE
 * attributes in the answer and gets an Ice plan with them.  An answer
 * without a=direction:passive to media offered active learns its peer
 * (Symmetric) when @symmetric wants it for the answer's address, and is
 * @missing_passive's business otherwise. */
bool read_answer (const SdpDocument & offer, const SdpDocument & answer,
    MissingPassive missing_passive, AnswerReading & out, SdpError & err,
    SymmetricRtp symmetric = SymmetricRtp::Never);

/* Checks that @answer answers @offer: same number of m-lines, same media
 * types, only offered payload types. */
bool check_answer_matches_offer (const SdpDocument & offer,
    const SdpDocument & answer, SdpError & err);

/* Both messages present (else the error @missing) and @answer answers
 * @offer (check_answer_matches_offer). */
bool check_answer_pair (const SdpDocument & offer, const SdpDocument & answer,
    const char *missing, SdpError & err);

}  // namespace comedia

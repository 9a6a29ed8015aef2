/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "sdescrypto.h"

#include <gst/sdp/sdp.h>

#include <string>
#include <vector>

namespace comedia {

/* What the answerer does with media that offers no usable SRTP. */
enum class PlainRtpPolicy {
  Accept,       /* answer it plain */
  RequireSrtp,  /* reject it (port 0) */
};

enum class SrtpAnswerKind {
  Srtp,    /* answer with profile and crypto (SAVP, SAVPF, or OSRTP) */
  Plain,   /* answer plain RTP, no a=crypto */
  Reject,  /* port 0, see note */
};

/* The answer to one offered media's transport security. */
struct SrtpDecision {
  SrtpAnswerKind kind = SrtpAnswerKind::Reject;
  std::string profile;  /* the answer's m= protocol; empty for Reject */
  bool osrtp = false;   /* RTP/AVP(F) with a=crypto answered with crypto (RFC 8643) */
  CryptoChoice crypto;  /* with Srtp: the chosen line and our answer line */
  std::string note;     /* why, for a rejection or plain fallback; keys never in it */
};

/* The negotiation table, for an offer's @protocol (its m= proto) and its
 * a=crypto lines.  RTP/SAVP(F): SRTP or reject; RTP/AVP(F) with a=crypto:
 * SRTP (OSRTP), else as @policy says; other protocols: reject. */
SrtpDecision decide_srtp (const std::string & protocol,
    const std::vector<CryptoParse> & crypto, PlainRtpPolicy policy,
    const std::vector<SrtpSuite> & preference, const RandomBytes & random);
/* The same for an offered media. */
SrtpDecision decide_srtp (const GstSDPMedia * offer, PlainRtpPolicy policy,
    const std::vector<SrtpSuite> & preference, const RandomBytes & random);

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "sdescrypto.h"
#include "sdpdocument.h"
#include "streamplan.h"

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

/* RTP/SAVP or RTP/SAVPF. */
bool is_srtp_proto (const char *proto);
SrtpKey srtp_key_of (const CryptoLine & line);

/* A stream's SDES keys as the last answer agreed on them. */
struct StreamSdes {
  SrtpKey inbound;    /* the peer's */
  SrtpKey outbound;   /* ours */
};

/* The answerer's SRTP for offer m-line @om (after the transport checks):
 * the decision, and with SRTP both keys into @plan.  Without @random an
 * SRTP offer is rejected.  A re-offer whose chosen key is the peer's key
 * of @previous (the last answer's) keeps our key too, as Asterisk and
 * FreeSWITCH do: a phone may keep the first answer's key for good (baresip
 * 1.0 does, after the re-INVITE that ends its ICE checks). */
SrtpDecision answer_srtp (const GstSDPMedia * om, PlainRtpPolicy policy,
    const RandomBytes & random, StreamPlan & plan, const StreamSdes * previous = nullptr);

/* "; SRTP AES_CM_128_HMAC_SHA1_80": what a plan's note says of its keys
 * (never the keys); "" for plain RTP. */
std::string srtp_note (const StreamPlan & plan, bool osrtp);

/* The offerer's a=crypto lines on @media (stream @stream): one per suite,
 * strongest first, tags 1..N, each with a fresh key from @random; with
 * @require the m-line becomes RTP/SAVP(F). */
bool offer_srtp (GstSDPMedia * media, bool require, const RandomBytes & random,
    guint stream, SdpError & err);

/* The offerer's SRTP for answer m-line @i (@am) to our @om: the answer's
 * one a=crypto must name a tag we offered, with its suite; the keys go to
 * @plan. */
bool read_answer_srtp (const SdpDocument & answer, guint i, const GstSDPMedia * om,
    const GstSDPMedia * am, StreamPlan & plan, SdpError & err);

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Which offered media get SRTP, plain RTP or port 0: a pure function the
 * answerer will call per m-line.
 */
#include "srtpnegotiation.h"

namespace comedia {

static SrtpDecision
reject (const std::string & note)
{
  SrtpDecision d;
  d.note = note;
  return d;
}

SrtpDecision
decide_srtp (const std::string & protocol, const std::vector<CryptoParse> & crypto,
    PlainRtpPolicy policy, const std::vector<SrtpSuite> & preference,
    const RandomBytes & random)
{
  bool secure = protocol == "RTP/SAVP" || protocol == "RTP/SAVPF";
  bool plain = protocol == "RTP/AVP" || protocol == "RTP/AVPF";
  if (!secure && !plain)
    return reject ("protocol " + protocol
        + " is not RTP/AVP, RTP/AVPF, RTP/SAVP or RTP/SAVPF");

  SrtpDecision d;
  if (!crypto.empty ())
    d.crypto = choose_crypto (crypto, preference, random);
  if (d.crypto.chosen ()) {
    d.kind = SrtpAnswerKind::Srtp;
    d.profile = protocol;
    d.osrtp = plain;
    return d;
  }

  std::string why = crypto.empty () ? std::string ("no a=crypto")
      : "no usable a=crypto (" + d.crypto.skipped_summary () + ")";
  if (secure)
    return reject (protocol + " with " + why);
  if (policy == PlainRtpPolicy::RequireSrtp)
    return reject ("SRTP is required and " + protocol + " has " + why);
  d.kind = SrtpAnswerKind::Plain;
  d.profile = protocol;
  if (!crypto.empty ())
    d.note = "best-effort SRTP offer answered plain: " + why;
  return d;
}

SrtpDecision
decide_srtp (const GstSDPMedia * offer, PlainRtpPolicy policy,
    const std::vector<SrtpSuite> & preference, const RandomBytes & random)
{
  const gchar *proto = gst_sdp_media_get_proto (offer);
  return decide_srtp (proto ? proto : "", read_crypto (offer), policy, preference,
      random);
}

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Which offered media get SRTP, plain RTP or port 0, and the SDES keys of
 * offers and answers (a=crypto) as the answerer and the offerer write and
 * read them.
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

bool
is_srtp_proto (const char *proto)
{
  return proto != nullptr && (g_str_equal (proto, "RTP/SAVP") || g_str_equal (proto, "RTP/SAVPF"));
}

SrtpKey
srtp_key_of (const CryptoLine & line)
{
  SrtpKey key;
  key.suite = line.suite;
  key.key_salt = line.key_salt;
  return key;
}

SrtpDecision
answer_srtp (const GstSDPMedia * om, PlainRtpPolicy policy, const RandomBytes & random,
    StreamPlan & plan, const StreamSdes * previous)
{
  RandomBytes none;
  SrtpDecision d = decide_srtp (om, policy, srtp_suites_by_strength (),
      random ? random : none);
  if (d.kind == SrtpAnswerKind::Srtp && !random) {
    d.kind = SrtpAnswerKind::Reject;
    d.note = "no source of SRTP keys";
  }
  if (d.kind == SrtpAnswerKind::Srtp && previous != nullptr
      && previous->inbound == srtp_key_of (*d.crypto.offered)
      && previous->outbound.suite == d.crypto.answer->suite)
    d.crypto.answer->key_salt = previous->outbound.key_salt;
  if (d.kind == SrtpAnswerKind::Srtp) {
    plan.srtp_inbound = srtp_key_of (*d.crypto.offered);
    plan.srtp_outbound = srtp_key_of (*d.crypto.answer);
  }
  return d;
}

std::string
srtp_note (const StreamPlan & plan, bool osrtp)
{
  if (!plan.srtp_outbound.enabled ())
    return "";
  return string_printf ("; %sSRTP %s", osrtp ? "best-effort " : "",
      srtp_suite_info (plan.srtp_outbound.suite).name);
}

bool
offer_srtp (GstSDPMedia * media, bool require, const RandomBytes & random, guint stream,
    SdpError & err)
{
  if (!random)
    return err.set (string_printf ("stream %u: no source of SRTP keys", stream));
  if (require)
    gst_sdp_media_set_proto (media, g_str_equal (media->proto, "RTP/AVPF") ? "RTP/SAVPF"
        : "RTP/SAVP");
  uint32_t tag = 1;
  for (SrtpSuite suite : srtp_suites_by_strength ()) {
    const SrtpSuiteInfo & info = srtp_suite_info (suite);
    CryptoLine line;
    line.tag = tag++;
    line.suite = suite;
    line.key_salt.resize (info.key_len + info.salt_len);
    random (line.key_salt.data (), line.key_salt.size ());
    add_crypto (media, line);
  }
  return true;
}

bool
read_answer_srtp (const SdpDocument & answer, guint i, const GstSDPMedia * om,
    const GstSDPMedia * am, StreamPlan & plan, SdpError & err)
{
  std::vector<CryptoParse> ours = read_crypto (om), theirs = read_crypto (am);
  bool required = is_srtp_proto (om->proto);
  if (ours.empty ()) {
    if (!theirs.empty ())
      return err.set (string_printf ("answer %s has a=crypto but the offer offered no SRTP",
              answer.where_media (i).c_str ()), answer.media_line (i));
    return true;
  }
  if (theirs.empty ()) {
    if (required || is_srtp_proto (am->proto))
      return err.set (string_printf ("answer %s is %s without a=crypto: no SRTP key",
              answer.where_media (i).c_str (), am->proto), answer.media_line (i));
    plan.note = "the peer answered the best-effort SRTP offer plain";
    return true;
  }
  if (theirs.size () != 1 || !theirs[0].line)
    return err.set (string_printf ("answer %s must have one valid a=crypto line%s%s",
            answer.where_media (i).c_str (), theirs[0].line ? "" : ": ",
            theirs[0].line ? "" : theirs[0].reason.c_str ()), answer.media_line (i));
  const CryptoLine & answered = *theirs[0].line;
  for (const CryptoParse & o : ours) {
    if (!o.line || o.line->tag != answered.tag)
      continue;
    if (o.line->suite != answered.suite)
      return err.set (string_printf ("answer %s: a=crypto tag %u is %s, but we offered %s "
              "with that tag", answer.where_media (i).c_str (), answered.tag,
              srtp_suite_info (answered.suite).name, srtp_suite_info (o.line->suite).name),
          answer.media_line (i));
    if (answered.mki_length > 0 || answered.lifetime)
      return err.set (string_printf ("answer %s: a=crypto %s asks for a key lifetime or MKI, "
              "which we did not offer", answer.where_media (i).c_str (),
              crypto_for_log (answered).c_str ()), answer.media_line (i));
    plan.srtp_outbound = srtp_key_of (*o.line);
    plan.srtp_inbound = srtp_key_of (answered);
    return true;
  }
  return err.set (string_printf ("answer %s: a=crypto tag %u was not offered",
          answer.where_media (i).c_str (), answered.tag), answer.media_line (i));
}

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Which media get DTLS-SRTP, SDES, plain RTP or port 0 under the dtls and
 * srtp policies, and the a=fingerprint/a=setup/a=tls-id of answers and
 * offers as both roles write and read them.
 */
#include "dtlsnegotiation.h"

namespace comedia {

const char *
media_security_name (MediaSecurity s)
{
  switch (s) {
    case MediaSecurity::Plain: return "plain RTP";
    case MediaSecurity::Sdes: return "SDES-SRTP (a=crypto)";
    case MediaSecurity::Dtls: return "DTLS-SRTP";
    case MediaSecurity::SdesAndDtls: return "SDES-SRTP and DTLS-SRTP";
  }
  return "?";
}

const char *
security_choice_name (SecurityChoice c)
{
  switch (c) {
    case SecurityChoice::Plain: return "plain";
    case SecurityChoice::Sdes: return "sdes";
    case SecurityChoice::Dtls: return "dtls";
    case SecurityChoice::Reject: return "reject";
  }
  return "?";
}

static SecurityDecision
decided (SecurityChoice choice, const std::string & note = "")
{
  SecurityDecision d;
  d.choice = choice;
  d.note = note;
  return d;
}

SecurityDecision
choose_answer_security (MediaSecurity offered, DtlsPolicy dtls, PlainRtpPolicy srtp)
{
  bool has_dtls = offered == MediaSecurity::Dtls || offered == MediaSecurity::SdesAndDtls;
  bool has_sdes = offered == MediaSecurity::Sdes || offered == MediaSecurity::SdesAndDtls;
  if (has_dtls && dtls != DtlsPolicy::Off)
    return decided (SecurityChoice::Dtls);
  if (dtls == DtlsPolicy::Require)
    return decided (SecurityChoice::Reject, std::string ("DTLS-SRTP is required (dtls=require) "
            "and the offer has ") + media_security_name (offered));
  if (has_sdes)
    return decided (SecurityChoice::Sdes);
  if (has_dtls)
    return decided (SecurityChoice::Reject, "the offer has DTLS-SRTP only and dtls=off");
  if (srtp == PlainRtpPolicy::RequireSrtp)
    return decided (SecurityChoice::Reject, "SRTP is required (srtp=require) and the offer "
        "has plain RTP");
  return decided (SecurityChoice::Plain);
}

SecurityDecision
check_answered_security (MediaSecurity offered, bool best_effort, MediaSecurity answered)
{
  bool offered_dtls = offered == MediaSecurity::Dtls || offered == MediaSecurity::SdesAndDtls;
  bool offered_sdes = offered == MediaSecurity::Sdes || offered == MediaSecurity::SdesAndDtls;
  switch (answered) {
    case MediaSecurity::Dtls:
      if (offered_dtls)
        return decided (SecurityChoice::Dtls);
      break;
    case MediaSecurity::Sdes:
      if (offered_sdes)
        return decided (SecurityChoice::Sdes);
      break;
    case MediaSecurity::Plain:
      if (offered == MediaSecurity::Plain || (offered_sdes && best_effort))
        return decided (SecurityChoice::Plain);
      break;
    case MediaSecurity::SdesAndDtls:
      /* An answer picks one. */
      break;
  }
  return decided (SecurityChoice::Reject, std::string ("the answer has ")
      + media_security_name (answered) + " but we offered " + media_security_name (offered));
}

MediaSecurity
media_security_of (const GstSDPMessage * msg, guint i, bool sdes_usable)
{
  const GstSDPMedia *m = gst_sdp_message_get_media (msg, i);
  const gchar *proto = m ? gst_sdp_media_get_proto (m) : nullptr;
  bool dtls = m && offers_dtls_srtp (proto ? proto : "", read_dtls (msg, i));
  if (dtls)
    return sdes_usable ? MediaSecurity::SdesAndDtls : MediaSecurity::Dtls;
  return sdes_usable ? MediaSecurity::Sdes : MediaSecurity::Plain;
}

/* RFC 8842 section 4: 20 to 255 characters of [A-Za-z0-9+/-_]; 32 hex
 * digits of 16 random bytes. */
static std::string
fresh_tls_id (const RandomBytes & random)
{
  uint8_t bytes[16];
  if (random)
    random (bytes, sizeof bytes);
  else
    for (uint8_t & b : bytes)
      b = (uint8_t) g_random_int_range (0, 256);
  std::string out;
  static const char digits[] = "0123456789abcdef";
  for (uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

static std::string
joined (const std::vector<std::string> & parts)
{
  std::string out;
  for (const std::string & p : parts)
    out += (out.empty () ? "" : "; ") + p;
  return out;
}

static bool
no_fingerprint (const DtlsTerms & terms, const char *whose, std::string & note)
{
  note = std::string (whose) + " has DTLS-SRTP without a usable a=fingerprint";
  if (!terms.skipped.empty ())
    note += " (" + joined (terms.skipped) + ")";
  return false;
}

/* @out's role from the table's @rc, with our a=setup @local_setup; false
 * with the table's note when it refused. */
static bool
take_role (const DtlsRoleChoice & rc, DtlsSetup local_setup, StreamDtls & out,
    std::string & note)
{
  if (!rc.answer) {
    note = rc.note;
    return false;
  }
  out.enabled = true;
  out.role = rc.role;
  out.connect = rc.connect;
  out.local_setup = local_setup;
  return true;
}

bool
answer_dtls (const GstSDPMessage * offer, guint i, const StreamDtls * previous,
    const RandomBytes & random, StreamDtls & out, std::string & note)
{
  out = StreamDtls ();
  DtlsTerms terms = read_dtls (offer, i);
  if (!terms.has_fingerprint ())
    return no_fingerprint (terms, "the offer", note);
  DtlsRoleChoice rc = answer_dtls_role (terms.setup);
  if (!take_role (rc, rc.answer.value_or (DtlsSetup::Passive), out, note))
    return false;
  bool keep = previous != nullptr && previous->enabled
      && previous->local_setup == out.local_setup
      && !dtls_needs_new_association (previous->peer, terms);
  out.new_association = !keep;
  out.reoffer = previous != nullptr && previous->enabled;
  /* RFC 8842 section 5.2: an answer keeps its tls-id while the association
   * stays. */
  if (!terms.tls_id.empty ())
    out.local_tls_id = keep && !previous->local_tls_id.empty () ? previous->local_tls_id
        : fresh_tls_id (random);
  out.peer = std::move (terms);
  return true;
}

std::string
dtls_note (const StreamDtls & dtls)
{
  if (!dtls.enabled)
    return "";
  std::string out = string_printf ("; DTLS-SRTP %s (a=setup:%s)",
      dtls.connect ? dtls_role_field (dtls) : "on hold", setup_name (dtls.local_setup));
  if (!dtls.peer.fingerprints.empty ())
    out += ", the peer's " + write_fingerprint (dtls.peer.fingerprints[0]);
  if (dtls.reoffer)
    out += dtls.new_association ? ", a new association" : ", the association kept";
  return out;
}

const char *
dtls_role_field (const StreamDtls & dtls)
{
  if (!dtls.enabled)
    return "";
  return dtls.role == DtlsRole::Client ? "client" : "server";
}

void
offer_dtls (GstSDPMedia * media, const Fingerprint & ours, bool ice)
{
  bool feedback = ice || g_str_equal (media->proto, "RTP/AVPF");
  gst_sdp_media_set_proto (media, feedback ? "UDP/TLS/RTP/SAVPF" : "UDP/TLS/RTP/SAVP");
  /* COMEDIA: behind NAT we send first, and an answerer that cannot reach
   * us must not be asked to connect. */
  add_dtls (media, ours, ice ? DtlsSetup::ActPass : DtlsSetup::Active, "");
}

bool
read_answer_dtls (const GstSDPMessage * answer, guint i, const GstSDPMedia * om,
    StreamDtls & out, std::string & note)
{
  out = StreamDtls ();
  DtlsTerms theirs = read_dtls (answer, i);
  if (!theirs.has_fingerprint ())
    return no_fingerprint (theirs, "the answer", note);
  const gchar *setup = gst_sdp_media_get_attribute_val (om, "setup");
  DtlsSetup ours = setup ? parse_setup (setup).value_or (DtlsSetup::ActPass)
      : DtlsSetup::ActPass;
  if (!take_role (offerer_dtls_role (ours, theirs.setup), ours, out, note))
    return false;
  out.peer = std::move (theirs);
  /* Answers to a resent offer may come again: the element starts a new
   * handshake only when the terms differ from those it holds. */
  out.new_association = false;
  return true;
}

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* DTLS-SRTP (RFC 5763/5764) in offer/answer, beside SDES
 * (srtpnegotiation.h): which security an m-line gets under the
 * negotiator's dtls and srtp policies (the table, for both roles), what
 * the answerer answers a DTLS-SRTP m-line with, what the offerer offers and
 * reads back.  The handshake itself is the runtime's; a stream's plan says
 * with whom and in which role (StreamDtls). */

#include "dtlssdp.h"
#include "sdescrypto.h"
#include "sdpdocument.h"
#include "srtpnegotiation.h"

#include <gst/sdp/sdp.h>

#include <optional>
#include <string>
#include <vector>

namespace comedia {

/* The sdp-negotiator's dtls values, so that the element casts. */
enum class DtlsPolicy {
  Off = 0,      /* no DTLS-SRTP: DTLS-only media rejected, none offered */
  Accept = 1,   /* answer DTLS-SRTP (preferred over a=crypto); offer none */
  Require = 2,  /* reject media without DTLS-SRTP; offer DTLS-SRTP */
};


/* What one offered (or answered) m-line carries of security. */
enum class MediaSecurity {
  Plain,        /* neither usable a=crypto nor DTLS-SRTP */
  Sdes,         /* usable a=crypto only */
  Dtls,         /* DTLS-SRTP only */
  SdesAndDtls,  /* both: RTP/SAVP(F) with a=crypto and a=fingerprint */
};
const char *media_security_name (MediaSecurity s);

/* What the answer gives an m-line. */
enum class SecurityChoice { Plain, Sdes, Dtls, Reject };
const char *security_choice_name (SecurityChoice c);

struct SecurityDecision {
  SecurityChoice choice = SecurityChoice::Reject;
  std::string note;   /* why, for a rejection */
};

/* The answerer's table: plain, SDES, DTLS, both, under dtls x srtp.
 * dtls=off: DTLS-only rejected, both answered SDES; accept: DTLS wins over
 * SDES (what browsers need); require: only DTLS.  srtp=require rejects
 * plain media; DTLS-SRTP is SRTP, so it never rejects DTLS. */
SecurityDecision choose_answer_security (MediaSecurity offered, DtlsPolicy dtls,
    PlainRtpPolicy srtp);

/* The offerer reading an answer to an m-line offered with @offered: the
 * answer's security must be one we offered (an answer picks, never adds).
 * Plain from a best-effort offer is fine (@best_effort). */
SecurityDecision check_answered_security (MediaSecurity offered, bool best_effort,
    MediaSecurity answered);


/* The security of offer (or answer) m-line @i of @msg: a=crypto (any,
 * parsed or not: decide_srtp says which are usable) and DTLS-SRTP
 * (offers_dtls_srtp). */
MediaSecurity media_security_of (const GstSDPMessage * msg, guint i, bool sdes_usable);

/* The answerer's DTLS for offer m-line @i of @offer, once the table chose
 * DTLS: the peer's terms, the role from a=setup (actpass -> passive), our
 * tls-id (the @previous one if the association stays, else fresh from
 * @random, only when the offer had one).  False with @note when the m-line
 * cannot be answered (no usable fingerprint, a=setup the table refuses). */
bool answer_dtls (const GstSDPMessage * offer, guint i, const StreamDtls * previous,
    const RandomBytes & random, StreamDtls & out, std::string & note);

/* "; DTLS-SRTP server (a=setup:passive), peer sha-256 AB:CD:..": what a
 * plan's note says of its DTLS. */
std::string dtls_note (const StreamDtls & dtls);
/* "client", "server", or "" without DTLS: the bus messages' dtls field. */
const char *dtls_role_field (const StreamDtls & dtls);

/* The offerer's DTLS on @media: UDP/TLS/RTP/SAVP(F), our fingerprint and
 * a=setup (@ice: actpass; COMEDIA: active, since behind NAT we must send
 * first). */
void offer_dtls (GstSDPMedia * media, const Fingerprint & ours, bool ice);

/* The offerer reading answer m-line @i to our DTLS-SRTP offer m-line @om:
 * the answer's fingerprints and a=setup, our role.  False with @note when
 * the answer lacks a usable fingerprint or breaks the setup table. */
bool read_answer_dtls (const GstSDPMessage * answer, guint i, const GstSDPMedia * om,
    StreamDtls & out, std::string & note);

}  // namespace comedia

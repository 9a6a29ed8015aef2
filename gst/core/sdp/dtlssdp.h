/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The SDP of DTLS-SRTP (RFC 5763, RFC 8122, RFC 8842) on GstSDPMessage:
 * a=fingerprint, a=setup and a=tls-id, read at media level or, for every
 * m-line, at session level (where baresip puts them), and the role tables
 * of RFC 4145/5763 for both sides of an offer/answer.  No handshake here:
 * the runtime's DTLS transport does that with the roles and fingerprints
 * decided here. */

#include <gst/sdp/sdp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace comedia {

/* One a=fingerprint (RFC 8122 section 5): the hash function's name, lower
 * case as registered ("sha-256"), and the certificate's digest. */
struct Fingerprint {
  std::string hash;
  std::vector<uint8_t> digest;

  bool operator== (const Fingerprint & o) const {
    return hash == o.hash && digest == o.digest;
  }
  bool operator!= (const Fingerprint & o) const { return !(*this == o); }
};

/* The hash functions we check a certificate with, and their digest sizes. */
bool fingerprint_hash_supported (const std::string & hash, size_t * digest_len = nullptr);

/* Parses an a=fingerprint value, "SHA-256 AB:CD:..." (the hash name and the
 * hex in any case: baresip writes "SHA-256", browsers "sha-256"); on
 * failure returns nothing and says why in @why. */
std::optional<Fingerprint> parse_fingerprint (const std::string & value, std::string & why);
/* "sha-256 AB:CD:..." (RFC 8122: upper-case hex). */
std::string write_fingerprint (const Fingerprint & fp);

/* a=setup (RFC 4145 section 4). */
enum class DtlsSetup { Active, Passive, ActPass, HoldConn };
std::optional<DtlsSetup> parse_setup (const std::string & value);
const char *setup_name (DtlsSetup setup);

/* What one m-line says of DTLS, with the session-level attributes applied
 * where the m-line has none. */
struct DtlsTerms {
  std::vector<Fingerprint> fingerprints;   /* any of them may match */
  std::optional<DtlsSetup> setup;          /* absent: RFC 4145's default, active */
  std::string tls_id;                      /* RFC 8842; empty: none */
  std::vector<std::string> skipped;        /* "a=fingerprint:...: why", one per line not used */

  bool has_fingerprint () const { return !fingerprints.empty (); }
};
DtlsTerms read_dtls (const GstSDPMessage * msg, guint media_index);

/* UDP/TLS/RTP/SAVP and UDP/TLS/RTP/SAVPF (RFC 5764 section 8). */
bool is_dtls_protocol (const std::string & protocol);
/* DTLS-SRTP media: a UDP/TLS/RTP/SAVP(F) protocol, or RTP/SAVP(F) with an
 * a=fingerprint (what some SIP user agents offer). */
bool offers_dtls_srtp (const std::string & protocol, const DtlsTerms & terms);

/* Who runs the DTLS client (sends the ClientHello). */
enum class DtlsRole { Client, Server };

/* The answerer's table (RFC 5763 section 5, RFC 4145 section 4.1): the
 * answer's a=setup and our role, or a reason to refuse the m-line.
 * @on_actpass: what to answer an actpass offer (passive by default: the
 * peer behind a NAT then sends the first flight, which opens its NAT). */
struct DtlsRoleChoice {
  std::optional<DtlsSetup> answer;   /* empty: the m-line cannot be answered */
  DtlsRole role = DtlsRole::Server;
  bool connect = true;               /* false for holdconn: no handshake yet */
  std::string note;                  /* why, when refused */
};
DtlsRoleChoice answer_dtls_role (std::optional<DtlsSetup> offered,
    DtlsSetup on_actpass = DtlsSetup::Passive);

/* The offerer's side: what our @offered setup and the answer's @answered
 * make of our role (@connect false for holdconn); the choice has no
 * answer and a note when the answer breaks the table. */
DtlsRoleChoice offerer_dtls_role (DtlsSetup offered, std::optional<DtlsSetup> answered);

/* What a stream runs of DTLS-SRTP, as offer/answer decided it
 * (dtlsnegotiation.h): a StreamPlan's. */
struct StreamDtls {
  bool enabled = false;
  DtlsRole role = DtlsRole::Server;   /* ours */
  bool connect = true;                /* false for holdconn */
  DtlsTerms peer;                     /* the peer's fingerprints, setup, tls-id */
  DtlsSetup local_setup = DtlsSetup::ActPass;   /* what our SDP said */
  std::string local_tls_id;           /* ours; "" none */
  /* The handshake must start over: a first answer, or a re-offer with a
   * new tls-id or fingerprint (RFC 8842); false keeps the association
   * unless the terms the component holds differ (the offerer's answers
   * say false and leave it to that comparison). */
  bool new_association = true;
  bool reoffer = false;               /* answerer: the last answer had DTLS too */
};

/* Whether a re-offer's terms need a new handshake (RFC 8842 section 5: a
 * new tls-id, or without tls-id a changed fingerprint); an unchanged one
 * keeps the association. */
bool dtls_needs_new_association (const DtlsTerms & before, const DtlsTerms & now);

/* Adds our a=fingerprint and a=setup (and a=tls-id when not empty) to an
 * answer's or offer's m-line. */
void add_dtls (GstSDPMedia * media, const Fingerprint & ours, DtlsSetup setup,
    const std::string & tls_id);

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/sdp/sdp.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace comedia {

/* The SDES-SRTP suites we can key (RFC 4568, RFC 6188, RFC 7714). */
enum class SrtpSuite {
  AesCm128HmacSha1_80,
  AesCm128HmacSha1_32,
  Aes256CmHmacSha1_80,
  Aes256CmHmacSha1_32,
  AeadAes128Gcm,
  AeadAes256Gcm,
};

struct SrtpSuiteInfo {
  SrtpSuite suite;
  const char *name;  /* as written in a=crypto */
  size_t key_len;    /* master key, bytes */
  size_t salt_len;   /* master salt, bytes */
};

const SrtpSuiteInfo & srtp_suite_info (SrtpSuite suite);
/* nullptr for a suite we do not know. */
const SrtpSuiteInfo * srtp_suite_by_name (const std::string & name);
/* Every suite, strongest first: the default preference order. */
const std::vector<SrtpSuite> & srtp_suites_by_strength ();

/* One direction's SRTP keying: a suite and its master key||salt.  Empty
 * key_salt: plain RTP. */
struct SrtpKey {
  SrtpSuite suite = SrtpSuite::AesCm128HmacSha1_80;
  std::vector<uint8_t> key_salt;

  bool enabled () const { return !key_salt.empty (); }
  bool operator== (const SrtpKey & o) const
  { return suite == o.suite && key_salt == o.key_salt; }
  bool operator!= (const SrtpKey & o) const { return !(*this == o); }
};

/* A key given as an element property: @base64 is key||salt as a=crypto's
 * inline (and ffmpeg's srtp_out_params) writes it.  False with @error
 * saying why (bad base64, the wrong length for @suite); the key is never in
 * @error. */
bool parse_srtp_key (SrtpSuite suite, const std::string & base64, SrtpKey & out,
    std::string & error);

/* One a=crypto line: tag, suite, inline key||salt and its parameters.  A
 * line carries a single key (no ';'-separated second key-param). */
struct CryptoLine {
  uint32_t tag = 1;
  SrtpSuite suite = SrtpSuite::AesCm128HmacSha1_80;
  std::vector<uint8_t> key_salt;          /* key_len + salt_len bytes */
  std::optional<uint64_t> lifetime;       /* packets */
  std::optional<uint64_t> mki_value;      /* set together with mki_length */
  unsigned mki_length = 0;                /* bytes, 1..128 */
  std::vector<std::string> session_params;/* as written: KDR=, UNENCRYPTED_SRTP... */

  bool operator== (const CryptoLine & o) const;
};

/* What one a=crypto value gave: a line, or why it was skipped. */
struct CryptoParse {
  std::optional<CryptoLine> line;
  std::string reason;  /* empty when line is set */
};

/* Parses an a=crypto value (what follows "crypto:"). */
CryptoParse parse_crypto (const std::string & value);
/* The a=crypto value of @line.  It carries the key: log it at DEBUG or
 * below only (crypto_for_log is safe everywhere). */
std::string write_crypto (const CryptoLine & line);
/* @line without its key, for messages above DEBUG. */
std::string crypto_for_log (const CryptoLine & line);

/* Every a=crypto attribute of @media, in order, parsed. */
std::vector<CryptoParse> read_crypto (const GstSDPMedia * media);
void add_crypto (GstSDPMedia * media, const CryptoLine & line);

/* Fills a buffer with random bytes: a cryptographic source at run time
 * (srtp_random_bytes, getrandom; never g_random, which is predictable),
 * something fixed in tests. */
using RandomBytes = std::function<void (uint8_t * out, size_t len)>;

/* Lifetimes shorter than this are refused: we never re-key during a call
 * (2^31 packets is over a year at 50 packets a second). */
constexpr uint64_t kShortestHonouredLifetime = uint64_t (1) << 31;

/* The answerer's pick among an offer's crypto lines. */
struct CryptoChoice {
  std::optional<CryptoLine> offered;  /* the line chosen */
  std::optional<CryptoLine> answer;   /* our line: its tag, a fresh key */
  std::vector<std::string> skipped;   /* "tag N: why", one per line not taken */

  bool chosen () const { return answer.has_value (); }
  /* The skipped reasons in one line, for a note. */
  std::string skipped_summary () const;
};

/* The first line in @preference order (suites not in it are skipped) that
 * can be honoured, with our answer keyed from @random. */
CryptoChoice choose_crypto (const std::vector<CryptoParse> & offered,
    const std::vector<SrtpSuite> & preference, const RandomBytes & random);

}  // namespace comedia

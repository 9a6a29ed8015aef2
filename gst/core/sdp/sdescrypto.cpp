/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * RFC 4568 a=crypto lines: parsed, written, and chosen from by an answerer.
 */
#include "sdescrypto.h"

#include <glib.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace comedia {

static const SrtpSuiteInfo kSuites[] = {
  {SrtpSuite::AesCm128HmacSha1_80, "AES_CM_128_HMAC_SHA1_80", 16, 14},
  {SrtpSuite::AesCm128HmacSha1_32, "AES_CM_128_HMAC_SHA1_32", 16, 14},
  {SrtpSuite::Aes256CmHmacSha1_80, "AES_256_CM_HMAC_SHA1_80", 32, 14},
  {SrtpSuite::Aes256CmHmacSha1_32, "AES_256_CM_HMAC_SHA1_32", 32, 14},
  {SrtpSuite::AeadAes128Gcm, "AEAD_AES_128_GCM", 16, 12},
  {SrtpSuite::AeadAes256Gcm, "AEAD_AES_256_GCM", 32, 12},
};

const SrtpSuiteInfo &
srtp_suite_info (SrtpSuite suite)
{
  for (const SrtpSuiteInfo & s : kSuites)
    if (s.suite == suite)
      return s;
  return kSuites[0];
}

const SrtpSuiteInfo *
srtp_suite_by_name (const std::string & name)
{
  /* ABNF literals are case-insensitive (RFC 5234 section 2.3): pjsip's
   * own tests offer "AeS_Cm_128_HmAC_shA1_80". */
  for (const SrtpSuiteInfo & s : kSuites)
    if (g_ascii_strcasecmp (name.c_str (), s.name) == 0)
      return &s;
  return nullptr;
}

const std::vector<SrtpSuite> &
srtp_suites_by_strength ()
{
  static const std::vector<SrtpSuite> order = {
    SrtpSuite::AeadAes256Gcm, SrtpSuite::AeadAes128Gcm,
    SrtpSuite::Aes256CmHmacSha1_80, SrtpSuite::AesCm128HmacSha1_80,
    SrtpSuite::Aes256CmHmacSha1_32, SrtpSuite::AesCm128HmacSha1_32,
  };
  return order;
}

bool
CryptoLine::operator== (const CryptoLine & o) const
{
  return tag == o.tag && suite == o.suite && key_salt == o.key_salt
      && lifetime == o.lifetime && mki_value == o.mki_value
      && mki_length == o.mki_length && session_params == o.session_params;
}

/* A decimal of 1 to @max_digits digits, no sign, no spaces. */
static bool
parse_decimal (const std::string & s, size_t max_digits, uint64_t & out)
{
  if (s.empty () || s.size () > max_digits)
    return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return false;
    out = out * 10 + uint64_t (c - '0');
  }
  return true;
}

/* g_base64_decode skips what is not base64 without a word, so the
 * alphabet and the padding are checked here first.  Padding may be left
 * out, as some phones do. */
static bool
decode_base64 (std::string b64, std::vector<uint8_t> & out)
{
  size_t end = b64.find ('=');
  if (end != std::string::npos) {
    /* Only the padding a short last group needs, all of it. */
    if (b64.find_first_not_of ('=', end) != std::string::npos || end % 4 < 2
        || b64.size () - end != 4 - end % 4)
      return false;
  } else {
    end = b64.size ();
  }
  for (size_t i = 0; i < end; i++)
    if (!g_ascii_isalnum (b64[i]) && b64[i] != '+' && b64[i] != '/')
      return false;
  if (end == 0 || end % 4 == 1)
    return false;
  b64.resize (end);
  b64.append ((4 - end % 4) % 4, '=');
  gsize len = 0;
  guchar *bytes = g_base64_decode (b64.c_str (), &len);
  out.assign (bytes, bytes + len);
  g_free (bytes);
  return true;
}

static std::vector<std::string>
split_blanks (const std::string & value)
{
  std::vector<std::string> words;
  size_t pos = 0;
  while (pos < value.size ()) {
    size_t start = value.find_first_not_of (" \t", pos);
    if (start == std::string::npos)
      break;
    size_t stop = value.find_first_of (" \t", start);
    if (stop == std::string::npos)
      stop = value.size ();
    words.push_back (value.substr (start, stop - start));
    pos = stop;
  }
  return words;
}

static CryptoParse
skip (const std::string & reason)
{
  CryptoParse p;
  p.reason = reason;
  return p;
}

/* "2^N" or a decimal, 1 to 2^63 packets. */
static bool
parse_lifetime (const std::string & s, uint64_t & out)
{
  uint64_t n = 0;
  if (s.compare (0, 2, "2^") == 0) {
    if (!parse_decimal (s.substr (2), 2, n) || n > 63)
      return false;
    out = uint64_t (1) << n;
    return true;
  }
  return parse_decimal (s, 19, out) && out > 0;
}

/* "value:length", length 1..128 bytes, the value fitting in it. */
static bool
parse_mki (const std::string & s, uint64_t & value, unsigned & length)
{
  size_t colon = s.find (':');
  uint64_t len = 0;
  if (colon == std::string::npos || !parse_decimal (s.substr (0, colon), 19, value)
      || !parse_decimal (s.substr (colon + 1), 3, len) || len < 1 || len > 128)
    return false;
  if (len < 8 && value >> (8 * len) != 0)
    return false;
  length = unsigned (len);
  return true;
}

CryptoParse
parse_crypto (const std::string & value)
{
  std::vector<std::string> words = split_blanks (value);
  if (words.size () < 3)
    return skip ("not <tag> <suite> <key-params>");
  CryptoLine line;
  uint64_t tag = 0;
  if (!parse_decimal (words[0], 9, tag))
    return skip ("tag '" + words[0] + "' is not 1 to 9 digits");
  line.tag = uint32_t (tag);
  const SrtpSuiteInfo *suite = srtp_suite_by_name (words[1]);
  if (!suite)
    return skip ("unknown suite " + words[1]);
  line.suite = suite->suite;

  const std::string & key_params = words[2];
  if (key_params.find (';') != std::string::npos)
    return skip ("several keys in one line are not supported");
  if (g_ascii_strncasecmp (key_params.c_str (), "inline:", 7) != 0)
    return skip ("key method is not inline:");
  std::vector<std::string> parts;
  {
    gchar **split = g_strsplit (key_params.c_str () + 7, "|", -1);
    for (gchar **p = split; *p; p++)
      parts.push_back (*p);
    g_strfreev (split);
  }
  if (parts.empty () || parts.size () > 3)
    return skip ("key info is not key||salt[|lifetime][|MKI:length]");
  if (!decode_base64 (parts[0], line.key_salt))
    return skip ("key is not base64");
  if (line.key_salt.size () != suite->key_len + suite->salt_len)
    return skip ("key||salt of " + std::to_string (line.key_salt.size ())
        + " bytes, " + suite->name + " needs "
        + std::to_string (suite->key_len + suite->salt_len));
  for (size_t i = 1; i < parts.size (); i++) {
    const std::string & part = parts[i];
    if (part.find (':') != std::string::npos) {
      uint64_t mki = 0;
      if (line.mki_value || !parse_mki (part, mki, line.mki_length))
        return skip ("bad MKI '" + part + "'");
      line.mki_value = mki;
    } else {
      /* The lifetime comes before the MKI (RFC 4568 section 9.2). */
      uint64_t lifetime = 0;
      if (line.lifetime || line.mki_value || !parse_lifetime (part, lifetime))
        return skip ("bad lifetime '" + part + "'");
      line.lifetime = lifetime;
    }
  }
  line.session_params.assign (words.begin () + 3, words.end ());
  CryptoParse p;
  p.line = line;
  return p;
}

static std::string
lifetime_text (uint64_t lifetime)
{
  if ((lifetime & (lifetime - 1)) == 0)
    for (unsigned n = 0; n < 64; n++)
      if (lifetime == uint64_t (1) << n)
        return "2^" + std::to_string (n);
  return std::to_string (lifetime);
}

/* A session parameter's name only: FEC_KEY= carries a key of its own. */
static std::string
param_name (const std::string & param)
{
  return param.substr (0, std::min<size_t> (param.find_first_of ("=:"), 24));
}

/* Everything but the base64 key: shared by the writer and the log form,
 * which gives only the names of the session parameters. */
static std::string
write_with_key (const CryptoLine & line, const std::string & key, bool full)
{
  std::string out = std::to_string (line.tag) + " "
      + srtp_suite_info (line.suite).name + " inline:" + key;
  if (line.lifetime)
    out += "|" + lifetime_text (*line.lifetime);
  if (line.mki_value)
    out += "|" + std::to_string (*line.mki_value) + ":" + std::to_string (line.mki_length);
  for (const std::string & p : line.session_params)
    out += " " + (full ? p : param_name (p) + "...");
  return out;
}

std::string
write_crypto (const CryptoLine & line)
{
  gchar *b64 = g_base64_encode (line.key_salt.data (), line.key_salt.size ());
  std::string out = write_with_key (line, b64, true);
  g_free (b64);
  return out;
}

std::string
crypto_for_log (const CryptoLine & line)
{
  return write_with_key (line, "<key>", false);
}

std::vector<CryptoParse>
read_crypto (const GstSDPMedia * media)
{
  std::vector<CryptoParse> out;
  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++) {
    const GstSDPAttribute *a = gst_sdp_media_get_attribute (media, i);
    if (a->key && strcmp (a->key, "crypto") == 0)
      out.push_back (parse_crypto (a->value ? a->value : ""));
  }
  return out;
}

void
add_crypto (GstSDPMedia * media, const CryptoLine & line)
{
  gst_sdp_media_add_attribute (media, "crypto", write_crypto (line).c_str ());
}

std::string
CryptoChoice::skipped_summary () const
{
  std::string out;
  for (const std::string & s : skipped)
    out += (out.empty () ? "" : "; ") + s;
  return out;
}

/* Why we cannot use @line, or empty. */
static std::string
why_not_honoured (const CryptoLine & line)
{
  if (line.lifetime && *line.lifetime < kShortestHonouredLifetime)
    return "lifetime " + lifetime_text (*line.lifetime)
        + " packets is shorter than 2^31 and we never re-key";
  if (line.mki_value)
    return "MKI is not supported (one key per direction)";
  if (!line.session_params.empty ())
    return "session parameter " + param_name (line.session_params[0]) + " is not supported";
  return "";
}

CryptoChoice
choose_crypto (const std::vector<CryptoParse> & offered,
    const std::vector<SrtpSuite> & preference, const RandomBytes & random)
{
  CryptoChoice choice;
  auto rank_of = [&preference] (SrtpSuite suite) {
    return size_t (std::find (preference.begin (), preference.end (), suite)
        - preference.begin ());
  };
  /* The best usable line; the offer's order breaks ties (RFC 4568: the
   * offerer lists its preferred line first). */
  size_t chosen = offered.size ();
  for (size_t i = 0; i < offered.size (); i++) {
    const std::optional<CryptoLine> & line = offered[i].line;
    if (line && rank_of (line->suite) < preference.size ()
        && why_not_honoured (*line).empty ()
        && (chosen == offered.size ()
            || rank_of (line->suite) < rank_of (offered[chosen].line->suite)))
      chosen = i;
  }
  for (size_t i = 0; i < offered.size (); i++) {
    const CryptoParse & p = offered[i];
    if (i == chosen)
      continue;
    if (!p.line) {
      choice.skipped.push_back ("line " + std::to_string (i + 1) + ": " + p.reason);
      continue;
    }
    std::string why = why_not_honoured (*p.line);
    const char *name = srtp_suite_info (p.line->suite).name;
    if (why.empty () && rank_of (p.line->suite) >= preference.size ())
      why = std::string (name) + " is not in our preference";
    else if (why.empty ())
      why = std::string ("line ") + std::to_string (chosen + 1) + " was preferred";
    choice.skipped.push_back ("tag " + std::to_string (p.line->tag) + ": " + why);
  }
  if (chosen == offered.size ())
    return choice;
  choice.offered = offered[chosen].line;
  const SrtpSuiteInfo & info = srtp_suite_info (choice.offered->suite);
  CryptoLine answer;
  answer.tag = choice.offered->tag;
  answer.suite = info.suite;
  answer.key_salt.resize (info.key_len + info.salt_len);
  random (answer.key_salt.data (), answer.key_salt.size ());
  choice.answer = answer;
  return choice;
}

bool
parse_srtp_key (SrtpSuite suite, const std::string & base64, SrtpKey & out,
    std::string & error)
{
  const SrtpSuiteInfo & info = srtp_suite_info (suite);
  std::vector<uint8_t> bytes;
  if (!decode_base64 (base64, bytes)) {
    error = "the key is not base64 (RFC 4648, with its padding)";
    return false;
  }
  size_t want = info.key_len + info.salt_len;
  if (bytes.size () != want) {
    error = std::string (info.name) + " needs " + std::to_string (want)
        + " bytes of master key and salt, and the key has "
        + std::to_string (bytes.size ());
    std::fill (bytes.begin (), bytes.end (), 0);
    return false;
  }
  out.suite = suite;
  out.key_salt = std::move (bytes);
  return true;
}

}  // namespace comedia

/* Unit test of the a=crypto lines (comedia::parse_crypto, write_crypto,
 * choose_crypto) and of the SRTP negotiation table (decide_srtp): every
 * suite, lifetimes and MKI, bad base64 and key lengths, several tags, and
 * SAVP, SAVPF, OSRTP under both policies.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "sdescrypto.h"
#include "srtpnegotiation.h"

#include <string>

using namespace comedia;

/* A key||salt of @len bytes 0, 1, 2, ... in base64. */
static std::string
key_b64 (size_t len)
{
  std::vector<guchar> key (len);
  for (size_t i = 0; i < len; i++)
    key[i] = guchar (i);
  gchar *b64 = g_base64_encode (key.data (), len);
  std::string out (b64);
  g_free (b64);
  return out;
}

/* Deterministic "random": 0xA0, 0xA1, ... */
static void
counting_random (uint8_t * out, size_t len)
{
  for (size_t i = 0; i < len; i++)
    out[i] = uint8_t (0xA0 + i);
}

GST_START_TEST (test_every_suite)
{
  const SrtpSuite all[] = {SrtpSuite::AesCm128HmacSha1_80, SrtpSuite::AesCm128HmacSha1_32,
    SrtpSuite::Aes256CmHmacSha1_80, SrtpSuite::Aes256CmHmacSha1_32,
    SrtpSuite::AeadAes128Gcm, SrtpSuite::AeadAes256Gcm};
  const size_t lengths[] = {30, 30, 46, 46, 28, 44};
  for (size_t i = 0; i < G_N_ELEMENTS (all); i++) {
    const SrtpSuiteInfo & info = srtp_suite_info (all[i]);
    fail_unless_equals_int (info.key_len + info.salt_len, lengths[i]);
    fail_unless (srtp_suite_by_name (info.name) == &info);
    std::string value = "7 " + std::string (info.name) + " inline:" + key_b64 (lengths[i]);
    CryptoParse p = parse_crypto (value);
    fail_unless (p.line.has_value (), "%s: %s", info.name, p.reason.c_str ());
    fail_unless_equals_int (p.line->tag, 7);
    fail_unless (p.line->suite == all[i]);
    fail_unless_equals_int (p.line->key_salt.size (), lengths[i]);
    fail_unless_equals_int (p.line->key_salt[3], 3);
    fail_unless (write_crypto (*p.line) == value, "%s", value.c_str ());
    /* The log form never carries the key. */
    fail_unless (crypto_for_log (*p.line).find (key_b64 (lengths[i])) == std::string::npos);
  }
  fail_unless (srtp_suite_by_name ("F8_128_HMAC_SHA1_80") == nullptr);

  /* FEC_KEY= carries a key of its own: the log form and the skip reason
   * give the parameter's name only. */
  std::string fec = "inline:" + key_b64 (30);
  CryptoParse p = parse_crypto ("1 AES_CM_128_HMAC_SHA1_80 inline:" + key_b64 (30)
      + " FEC_KEY=" + fec);
  fail_unless (p.line.has_value ());
  fail_unless (crypto_for_log (*p.line).find ("FEC_KEY...") != std::string::npos);
  fail_unless (crypto_for_log (*p.line).find (fec) == std::string::npos);
  CryptoChoice c = choose_crypto ({p}, srtp_suites_by_strength (), counting_random);
  fail_unless (c.skipped_summary ().find ("FEC_KEY is not supported") != std::string::npos,
      "%s", c.skipped_summary ().c_str ());
}
GST_END_TEST;

/* Suite names and the key method are ABNF literals, case-insensitive
 * (RFC 5234 section 2.3): pjsip's own test offer writes the suite
 * "AeS_Cm_128_HmAC_shA1_80", and pjsip accepts it.  Our answer writes the
 * registered spelling. */
GST_START_TEST (test_suite_name_case)
{
  std::string key = key_b64 (30);
  CryptoParse p = parse_crypto ("1 AeS_Cm_128_HmAC_shA1_80 inline:" + key);
  fail_unless (p.line.has_value (), "%s", p.reason.c_str ());
  fail_unless (p.line->suite == SrtpSuite::AesCm128HmacSha1_80);
  p = parse_crypto ("2 aead_aes_256_gcm INLINE:" + key_b64 (44));
  fail_unless (p.line.has_value (), "%s", p.reason.c_str ());
  fail_unless (p.line->suite == SrtpSuite::AeadAes256Gcm);
  fail_unless (write_crypto (*p.line) == "2 AEAD_AES_256_GCM inline:" + key_b64 (44));
  CryptoChoice c = choose_crypto ({parse_crypto ("1 aes_cm_128_hmac_sha1_32 inline:" + key)},
      srtp_suites_by_strength (), counting_random);
  fail_unless (c.chosen (), "%s", c.skipped_summary ().c_str ());
  fail_unless (c.answer->suite == SrtpSuite::AesCm128HmacSha1_32);
  fail_unless (write_crypto (*c.answer).find (" AES_CM_128_HMAC_SHA1_32 inline:") != std::string::npos,
      "%s", write_crypto (*c.answer).c_str ());
}
GST_END_TEST;

GST_START_TEST (test_lifetime_and_mki)
{
  std::string key = key_b64 (30);
  CryptoParse p = parse_crypto ("1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|2^20|1:4");
  fail_unless (p.line.has_value (), "%s", p.reason.c_str ());
  fail_unless_equals_uint64 (*p.line->lifetime, 1 << 20);
  fail_unless_equals_uint64 (*p.line->mki_value, 1);
  fail_unless_equals_int (p.line->mki_length, 4);
  fail_unless (write_crypto (*p.line) == "1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|2^20|1:4");

  p = parse_crypto ("1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|1048576");
  fail_unless_equals_uint64 (*p.line->lifetime, 1 << 20);
  p = parse_crypto ("1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|3:1");
  fail_unless (!p.line->lifetime && *p.line->mki_value == 3);

  /* Bad ones: MKI too big for its length, length 0, lifetime after MKI,
   * two lifetimes, 2^64. */
  const char *bad[] = {"|256:1", "|1:0", "|1:129", "|1:4|2^20", "|2^20|2^31", "|2^64", "|0", "|x"};
  for (const char *b : bad) {
    p = parse_crypto ("1 AES_CM_128_HMAC_SHA1_80 inline:" + key + b);
    fail_if (p.line.has_value (), "%s parsed", b);
    fail_if (p.reason.empty ());
  }

  /* Parsed, but not honoured by the choice: short lifetime, an MKI, a
   * session parameter. */
  const char *unusable[] = {"|2^20", "|1:4", " UNENCRYPTED_SRTP"};
  for (const char *u : unusable) {
    std::vector<CryptoParse> offer = {parse_crypto ("1 AES_CM_128_HMAC_SHA1_80 inline:" + key + u)};
    fail_unless (offer[0].line.has_value (), "%s", u);
    CryptoChoice c = choose_crypto (offer, srtp_suites_by_strength (), counting_random);
    fail_if (c.chosen (), "%s chosen", u);
    fail_unless_equals_int (c.skipped.size (), 1);
  }
  std::vector<CryptoParse> offer = {parse_crypto ("1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|2^31")};
  fail_unless (choose_crypto (offer, srtp_suites_by_strength (), counting_random).chosen ());
}
GST_END_TEST;

GST_START_TEST (test_bad_lines)
{
  const std::string key30 = key_b64 (30);
  struct { std::string value; const char *reason_has; } bad[] = {
    {"1 AES_CM_128_HMAC_SHA1_80 inline:" + key30.substr (0, 20) + "!!" + key30.substr (22), "base64"},
    {"1 AES_CM_128_HMAC_SHA1_80 inline:" + key30 + "=", "base64"},
    {"1 AES_CM_128_HMAC_SHA1_80 inline:a", "base64"},
    {"1 AES_CM_128_HMAC_SHA1_80 inline:", "key info"},
    {"1 AES_CM_128_HMAC_SHA1_80 inline:" + key_b64 (28), "28 bytes"},
    {"1 AEAD_AES_128_GCM inline:" + key30, "30 bytes"},
    {"1 AES_256_CM_HMAC_SHA1_80 inline:" + key30, "30 bytes"},
    {"1 F8_128_HMAC_SHA1_80 inline:" + key30, "unknown suite"},
    {"x AES_CM_128_HMAC_SHA1_80 inline:" + key30, "tag"},
    {"1234567890 AES_CM_128_HMAC_SHA1_80 inline:" + key30, "tag"},
    {"1 AES_CM_128_HMAC_SHA1_80", "not <tag>"},
    {"1 AES_CM_128_HMAC_SHA1_80 uri:" + key30, "inline"},
    {"1 AES_CM_128_HMAC_SHA1_80 inline:" + key30 + ";inline:" + key30, "several keys"},
  };
  for (const auto & b : bad) {
    CryptoParse p = parse_crypto (b.value);
    fail_if (p.line.has_value (), "%s parsed", b.value.c_str ());
    fail_unless (p.reason.find (b.reason_has) != std::string::npos, "%s: reason '%s'",
        b.value.c_str (), p.reason.c_str ());
  }
  /* Padding left out, as some phones do, is taken. */
  std::string padded = key_b64 (28);
  fail_unless (padded.back () == '=');
  std::string unpadded = padded.substr (0, padded.find ('='));
  fail_unless (parse_crypto ("1 AEAD_AES_128_GCM inline:" + unpadded).line.has_value ());
  /* Half the padding is wrong. */
  fail_if (parse_crypto ("1 AEAD_AES_128_GCM inline:" + unpadded + "=").line.has_value ());
}
GST_END_TEST;

/* An m-line with the given a=crypto values. */
static GstSDPMedia *
media_with (const char *proto, const std::vector<std::string> & crypto)
{
  GstSDPMedia *m = nullptr;
  gst_sdp_media_new (&m);
  gst_sdp_media_set_media (m, "audio");
  gst_sdp_media_set_port_info (m, 4000, 1);
  gst_sdp_media_set_proto (m, proto);
  gst_sdp_media_add_format (m, "0");
  gst_sdp_media_add_attribute (m, "rtpmap", "0 PCMU/8000");
  for (const std::string & c : crypto)
    gst_sdp_media_add_attribute (m, "crypto", c.c_str ());
  return m;
}

GST_START_TEST (test_several_lines_and_choice)
{
  GstSDPMedia *m = media_with ("RTP/SAVP", {
    "1 AES_CM_128_HMAC_SHA1_32 inline:" + key_b64 (30),
    "2 F8_128_HMAC_SHA1_80 inline:" + key_b64 (30),
    "3 AES_CM_128_HMAC_SHA1_80 inline:" + key_b64 (30) + "|2^31",
    "4 AES_CM_128_HMAC_SHA1_80 inline:" + key_b64 (30),
    "5 AEAD_AES_128_GCM inline:" + key_b64 (30),
  });
  std::vector<CryptoParse> lines = read_crypto (m);
  fail_unless_equals_int (lines.size (), 5);
  fail_unless_equals_int (lines[0].line->tag, 1);
  fail_if (lines[1].line.has_value ());
  fail_unless_equals_int (lines[2].line->tag, 3);
  fail_if (lines[4].line.has_value ());

  /* Strongest usable: SHA1_80, the first of the two (tag 3). */
  CryptoChoice c = choose_crypto (lines, srtp_suites_by_strength (), counting_random);
  fail_unless (c.chosen ());
  fail_unless_equals_int (c.offered->tag, 3);
  fail_unless_equals_int (c.answer->tag, 3);
  fail_unless (c.answer->suite == SrtpSuite::AesCm128HmacSha1_80);
  fail_unless_equals_int (c.answer->key_salt.size (), 30);
  fail_unless_equals_int (c.answer->key_salt[0], 0xA0);
  fail_if (c.answer->lifetime.has_value () || c.answer->mki_value.has_value ());
  fail_unless_equals_int (c.skipped.size (), 4);
  fail_unless (c.skipped_summary ().find ("unknown suite F8_128_HMAC_SHA1_80") != std::string::npos);
  fail_unless (c.skipped_summary ().find ("30 bytes") != std::string::npos);

  /* Our preference, not the offer's order, picks the suite. */
  c = choose_crypto (lines, {SrtpSuite::AesCm128HmacSha1_32}, counting_random);
  fail_unless_equals_int (c.answer->tag, 1);
  fail_unless (c.skipped_summary ().find ("not in our preference") != std::string::npos);

  /* The answer line goes onto an m-line and reads back. */
  GstSDPMedia *answer = media_with ("RTP/SAVP", {});
  add_crypto (answer, *c.answer);
  std::vector<CryptoParse> back = read_crypto (answer);
  fail_unless (back.size () == 1 && back[0].line && *back[0].line == *c.answer);

  c = choose_crypto (lines, {SrtpSuite::AeadAes256Gcm}, counting_random);
  fail_if (c.chosen ());
  fail_unless_equals_int (c.skipped.size (), 5);
  gst_sdp_media_free (m);
  gst_sdp_media_free (answer);
}
GST_END_TEST;

static SrtpDecision
decide (const char *proto, const std::vector<std::string> & crypto, PlainRtpPolicy policy)
{
  GstSDPMedia *m = media_with (proto, crypto);
  SrtpDecision d = decide_srtp (m, policy, srtp_suites_by_strength (), counting_random);
  gst_sdp_media_free (m);
  return d;
}

GST_START_TEST (test_negotiation_table)
{
  const std::string good = "1 AES_CM_128_HMAC_SHA1_80 inline:" + key_b64 (30);
  const std::string unknown = "1 F8_128_HMAC_SHA1_80 inline:" + key_b64 (30);
  const PlainRtpPolicy A = PlainRtpPolicy::Accept, R = PlainRtpPolicy::RequireSrtp;
  struct Row {
    const char *proto; std::vector<std::string> crypto; PlainRtpPolicy policy;
    SrtpAnswerKind kind; bool osrtp; const char *note_has;
  } rows[] = {
    {"RTP/SAVP", {good}, A, SrtpAnswerKind::Srtp, false, ""},
    {"RTP/SAVPF", {good}, R, SrtpAnswerKind::Srtp, false, ""},
    {"RTP/SAVP", {}, A, SrtpAnswerKind::Reject, false, "no a=crypto"},
    {"RTP/SAVPF", {unknown}, A, SrtpAnswerKind::Reject, false, "unknown suite"},
    {"RTP/AVP", {good}, A, SrtpAnswerKind::Srtp, true, ""},
    {"RTP/AVPF", {good}, R, SrtpAnswerKind::Srtp, true, ""},
    {"RTP/AVP", {unknown}, A, SrtpAnswerKind::Plain, false, "answered plain"},
    {"RTP/AVP", {unknown}, R, SrtpAnswerKind::Reject, false, "required"},
    {"RTP/AVP", {}, A, SrtpAnswerKind::Plain, false, ""},
    {"RTP/AVPF", {}, R, SrtpAnswerKind::Reject, false, "required"},
    {"UDP/TLS/RTP/SAVPF", {good}, A, SrtpAnswerKind::Reject, false, "is not RTP/AVP"},
  };
  for (const Row & r : rows) {
    SrtpDecision d = decide (r.proto, r.crypto, r.policy);
    fail_unless (d.kind == r.kind, "%s: kind %d", r.proto, int (d.kind));
    fail_unless_equals_int (d.osrtp, r.osrtp);
    fail_unless (d.note.find (r.note_has) != std::string::npos, "%s: note '%s'", r.proto,
        d.note.c_str ());
    if (d.kind == SrtpAnswerKind::Reject) {
      fail_unless (d.profile.empty ());
    } else {
      fail_unless_equals_string (d.profile.c_str (), r.proto);
      fail_unless_equals_int (d.crypto.chosen (), d.kind == SrtpAnswerKind::Srtp);
    }
    if (d.kind == SrtpAnswerKind::Srtp)
      fail_unless_equals_int (d.crypto.answer->tag, 1);
    /* Notes never carry a key. */
    fail_unless (d.note.find (key_b64 (30)) == std::string::npos);
  }
}
GST_END_TEST;

static Suite *
sdescrypto_suite (void)
{
  Suite *s = suite_create ("sdescrypto");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_every_suite);
  tcase_add_test (tc, test_suite_name_case);
  tcase_add_test (tc, test_lifetime_and_mki);
  tcase_add_test (tc, test_bad_lines);
  tcase_add_test (tc, test_several_lines_and_choice);
  tcase_add_test (tc, test_negotiation_table);
  return s;
}

GST_CHECK_MAIN (sdescrypto);

/* Unit tests of the SDP of DTLS-SRTP (gst/core/sdp/dtlssdp.h): a=fingerprint,
 * a=setup and a=tls-id as real agents write them, and the role tables of
 * RFC 4145/5763, every combination, for both sides.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "dtlssdp.h"

#include <string>

using namespace comedia;

/* Chromium's a=fingerprint (sha-256, upper-case hex). */
static const char *CHROMIUM_FP = "sha-256 6B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:"
    "DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08";

GST_START_TEST (test_fingerprint_parse_and_write)
{
  std::string why;
  std::optional<Fingerprint> fp = parse_fingerprint (CHROMIUM_FP, why);
  fail_unless (fp.has_value (), "%s", why.c_str ());
  fail_unless_equals_string (fp->hash.c_str (), "sha-256");
  fail_unless_equals_int (fp->digest.size (), 32);
  fail_unless_equals_int (fp->digest[0], 0x6b);
  fail_unless_equals_int (fp->digest[31], 0x08);
  std::string written = write_fingerprint (*fp);
  fail_unless_equals_string (written.c_str (), CHROMIUM_FP);

  /* baresip writes the hash name in upper case; lower-case hex is hex too. */
  std::string lower = CHROMIUM_FP;
  for (char & c : lower)
    c = g_ascii_tolower (c);
  std::optional<Fingerprint> same = parse_fingerprint ("SHA-256" + lower.substr (7), why);
  fail_unless (same.has_value (), "%s", why.c_str ());
  fail_unless (*same == *fp);

  /* Every hash with its own length. */
  const struct {
    const char *hash;
    size_t len;
  } hashes[] = {{"sha-1", 20}, {"sha-224", 28}, {"sha-256", 32}, {"sha-384", 48},
    {"sha-512", 64}};
  for (const auto & h : hashes) {
    std::string v = std::string (h.hash) + " ";
    for (size_t i = 0; i < h.len; i++)
      v += std::string (i ? ":" : "") + "A5";
    std::optional<Fingerprint> f = parse_fingerprint (v, why);
    fail_unless (f.has_value (), "%s: %s", h.hash, why.c_str ());
    fail_unless_equals_int (f->digest.size (), h.len);
    fail_unless (write_fingerprint (*f) == v);
    size_t len = 0;
    fail_unless (fingerprint_hash_supported (h.hash, &len) && len == h.len);
  }

  const struct {
    const char *value;
    const char *why;
  } bad[] = {
    {"md5 AB:CD", "hash function md5 is not"},
    {"sha-256", "not <hash-func> <fingerprint>"},
    {"sha-256 AB:CD extra", "not <hash-func> <fingerprint>"},
    {"sha-256 AB:CD", "sha-256 fingerprint of 2 bytes, needs 32"},
    {"sha-1 ABCD", "fingerprint is not colon-separated pairs"},
    {"sha-1 AB:CD:", "fingerprint is not colon-separated pairs"},
    {"sha-1 AB:C", "fingerprint is not colon-separated pairs"},
    {"sha-1 AB:GZ", "fingerprint is not colon-separated pairs"},
    {"", "not <hash-func> <fingerprint>"},
  };
  for (const auto & b : bad) {
    why.clear ();
    fail_if (parse_fingerprint (b.value, why).has_value (), "%s", b.value);
    fail_unless (why.find (b.why) == 0, "%s: %s", b.value, why.c_str ());
  }
}
GST_END_TEST;

GST_START_TEST (test_setup_names)
{
  fail_unless (parse_setup ("actpass") == DtlsSetup::ActPass);
  fail_unless (parse_setup ("ACTIVE") == DtlsSetup::Active);
  fail_unless (parse_setup ("passive ") == DtlsSetup::Passive);
  fail_unless (parse_setup ("holdconn") == DtlsSetup::HoldConn);
  fail_if (parse_setup ("both").has_value ());
  fail_if (parse_setup ("").has_value ());
  for (DtlsSetup s : {DtlsSetup::Active, DtlsSetup::Passive, DtlsSetup::ActPass,
          DtlsSetup::HoldConn})
    fail_unless (parse_setup (setup_name (s)) == s);
}
GST_END_TEST;

static GstSDPMessage *
parse (const std::string & text)
{
  GstSDPMessage *msg;
  gst_sdp_message_new (&msg);
  fail_unless (gst_sdp_message_parse_buffer ((const guint8 *) text.data (), text.size (),
          msg) == GST_SDP_OK);
  return msg;
}

GST_START_TEST (test_read_media_and_session_level)
{
  /* baresip (mediaenc=dtls_srtp) puts a=fingerprint and a=setup at session
   * level, before the m-lines; browsers put them in each m-line. */
  std::string text = std::string ("v=0\r\no=- 1 2 IN IP4 192.168.1.20\r\ns=-\r\n"
      "c=IN IP4 192.168.1.20\r\nt=0 0\r\na=fingerprint:SHA-256 ")
      + (CHROMIUM_FP + 8) + "\r\na=setup:actpass\r\n"
      "m=audio 10080 UDP/TLS/RTP/SAVPF 0 8 101\r\n"
      "m=video 10082 UDP/TLS/RTP/SAVPF 96\r\na=fingerprint:sha-1 "
      "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33\r\n"
      "a=fingerprint:md5 00:11\r\na=setup:active\r\na=tls-id:abc123\r\n"
      "m=audio 10084 RTP/SAVP 0\r\na=setup:sideways\r\n";
  GstSDPMessage *msg = parse (text);

  DtlsTerms audio = read_dtls (msg, 0);
  fail_unless_equals_int (audio.fingerprints.size (), 1);
  fail_unless_equals_string (audio.fingerprints[0].hash.c_str (), "sha-256");
  fail_unless (audio.setup == DtlsSetup::ActPass);
  fail_unless (audio.tls_id.empty ());
  fail_unless (audio.skipped.empty ());
  fail_unless (offers_dtls_srtp ("UDP/TLS/RTP/SAVPF", audio));

  /* The m-line's own attributes win; a line we cannot use is noted. */
  DtlsTerms video = read_dtls (msg, 1);
  fail_unless_equals_int (video.fingerprints.size (), 1);
  fail_unless_equals_string (video.fingerprints[0].hash.c_str (), "sha-1");
  fail_unless (video.setup == DtlsSetup::Active);
  fail_unless_equals_string (video.tls_id.c_str (), "abc123");
  fail_unless_equals_int (video.skipped.size (), 1);
  fail_unless (video.skipped[0].find ("a=fingerprint:md5 00:11: hash function md5") == 0,
      "%s", video.skipped[0].c_str ());

  /* RTP/SAVP with a fingerprint (here the session's) is DTLS-SRTP too;
   * without one it is SDES's. */
  DtlsTerms third = read_dtls (msg, 2);
  fail_unless (offers_dtls_srtp ("RTP/SAVP", third));
  fail_if (offers_dtls_srtp ("RTP/SAVP", DtlsTerms ()));
  fail_if (offers_dtls_srtp ("RTP/AVP", third));
  fail_unless (offers_dtls_srtp ("UDP/TLS/RTP/SAVP", DtlsTerms ()));
  fail_if (third.setup.has_value ());
  fail_unless_equals_int (third.skipped.size (), 1);
  fail_unless (third.skipped[0].find ("a=setup:sideways") == 0);
  fail_unless (read_dtls (msg, 3).fingerprints.empty ());
  gst_sdp_message_free (msg);
}
GST_END_TEST;

GST_START_TEST (test_answerer_role_table)
{
  const struct {
    std::optional<DtlsSetup> offered;
    DtlsSetup on_actpass;
    std::optional<DtlsSetup> answer;
    DtlsRole role;
    bool connect;
  } rows[] = {
    /* The default: actpass answered passive, so the peer behind its NAT
     * sends the first flight. */
    {DtlsSetup::ActPass, DtlsSetup::Passive, DtlsSetup::Passive, DtlsRole::Server, true},
    {DtlsSetup::ActPass, DtlsSetup::Active, DtlsSetup::Active, DtlsRole::Client, true},
    {DtlsSetup::Active, DtlsSetup::Passive, DtlsSetup::Passive, DtlsRole::Server, true},
    {DtlsSetup::Active, DtlsSetup::Active, DtlsSetup::Passive, DtlsRole::Server, true},
    {DtlsSetup::Passive, DtlsSetup::Passive, DtlsSetup::Active, DtlsRole::Client, true},
    {DtlsSetup::Passive, DtlsSetup::Active, DtlsSetup::Active, DtlsRole::Client, true},
    {DtlsSetup::HoldConn, DtlsSetup::Passive, DtlsSetup::HoldConn, DtlsRole::Server, false},
    /* No a=setup: RFC 4145's default for the offerer is active. */
    {std::nullopt, DtlsSetup::Passive, DtlsSetup::Passive, DtlsRole::Server, true},
  };
  for (const auto & r : rows) {
    DtlsRoleChoice c = answer_dtls_role (r.offered, r.on_actpass);
    fail_unless (c.answer == r.answer);
    fail_unless (!c.connect || c.role == r.role);
    fail_unless (c.connect == r.connect);
  }
  /* actpass can only be answered active or passive. */
  DtlsRoleChoice bad = answer_dtls_role (DtlsSetup::ActPass, DtlsSetup::ActPass);
  fail_if (bad.answer.has_value ());
  fail_unless (bad.note.find ("answered active or passive") != std::string::npos);
}
GST_END_TEST;

GST_START_TEST (test_offerer_role_table)
{
  const struct {
    DtlsSetup offered;
    std::optional<DtlsSetup> answered;
    bool ok;
    DtlsRole role;
    bool connect;
  } rows[] = {
    {DtlsSetup::ActPass, DtlsSetup::Active, true, DtlsRole::Server, true},
    {DtlsSetup::ActPass, DtlsSetup::Passive, true, DtlsRole::Client, true},
    {DtlsSetup::ActPass, DtlsSetup::ActPass, false, DtlsRole::Server, true},
    {DtlsSetup::ActPass, DtlsSetup::HoldConn, true, DtlsRole::Server, false},
    {DtlsSetup::ActPass, std::nullopt, true, DtlsRole::Server, true},
    {DtlsSetup::Active, DtlsSetup::Passive, true, DtlsRole::Client, true},
    {DtlsSetup::Active, DtlsSetup::Active, false, DtlsRole::Server, true},
    {DtlsSetup::Active, std::nullopt, false, DtlsRole::Server, true},
    {DtlsSetup::Passive, DtlsSetup::Active, true, DtlsRole::Server, true},
    {DtlsSetup::Passive, DtlsSetup::Passive, false, DtlsRole::Server, true},
    {DtlsSetup::HoldConn, DtlsSetup::Active, false, DtlsRole::Server, true},
  };
  for (const auto & r : rows) {
    DtlsRoleChoice c = offerer_dtls_role (r.offered, r.answered);
    fail_unless (c.answer.has_value () == r.ok, "offered %s answered %s: %s",
        setup_name (r.offered), r.answered ? setup_name (*r.answered) : "(none)",
        c.note.c_str ());
    if (!r.ok) {
      fail_unless (c.note.find ("does not fit our a=setup:") != std::string::npos);
      continue;
    }
    fail_unless (c.connect == r.connect);
    fail_unless (!c.connect || c.role == r.role);
  }
}
GST_END_TEST;

GST_START_TEST (test_reoffer_keeps_or_renews_association)
{
  std::string why;
  DtlsTerms a;
  a.fingerprints.push_back (*parse_fingerprint (CHROMIUM_FP, why));
  DtlsTerms same = a;
  fail_if (dtls_needs_new_association (a, same));
  DtlsTerms other = a;
  other.fingerprints[0].digest[0] ^= 1;
  fail_unless (dtls_needs_new_association (a, other));
  /* With tls-id (RFC 8842) the id decides, whatever the fingerprint. */
  a.tls_id = "x1";
  DtlsTerms renewed = a;
  renewed.tls_id = "x2";
  fail_unless (dtls_needs_new_association (a, renewed));
  DtlsTerms kept = other;
  kept.tls_id = "x1";
  fail_if (dtls_needs_new_association (a, kept));
}
GST_END_TEST;

GST_START_TEST (test_add_dtls)
{
  std::string why;
  GstSDPMedia *media;
  gst_sdp_media_new (&media);
  add_dtls (media, *parse_fingerprint (CHROMIUM_FP, why), DtlsSetup::Passive, "");
  fail_unless_equals_string (gst_sdp_media_get_attribute_val (media, "fingerprint"),
      CHROMIUM_FP);
  fail_unless_equals_string (gst_sdp_media_get_attribute_val (media, "setup"), "passive");
  fail_unless (gst_sdp_media_get_attribute_val (media, "tls-id") == nullptr);
  gst_sdp_media_free (media);
}
GST_END_TEST;

static Suite *
dtls_sdp_suite (void)
{
  Suite *s = suite_create ("dtls-sdp");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_fingerprint_parse_and_write);
  tcase_add_test (tc, test_setup_names);
  tcase_add_test (tc, test_read_media_and_session_level);
  tcase_add_test (tc, test_answerer_role_table);
  tcase_add_test (tc, test_offerer_role_table);
  tcase_add_test (tc, test_reoffer_keeps_or_renews_association);
  tcase_add_test (tc, test_add_dtls);
  return s;
}

GST_CHECK_MAIN (dtls_sdp);

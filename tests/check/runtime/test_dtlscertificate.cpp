/* Unit test of comedia::DtlsCertificate: the generated certificate (ECDSA
 * P-256, self-signed, CN comedia, random serial, back-dated validity), its
 * fingerprints under every hash of RFC 8122, PEM out and back in (strings
 * and files), what bad PEM gives, and the per-process default made once.
 * A runtime unit: never loads the plugin.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include "dtlscertificate.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <ctime>
#include <thread>

using namespace comedia;

static std::shared_ptr<const DtlsCertificate>
generated ()
{
  std::string error;
  auto cert = DtlsCertificate::generate (&error);
  fail_unless (cert != nullptr, "%s", error.c_str ());
  return cert;
}

GST_START_TEST (test_generated_certificate)
{
  auto cert = generated ();
  X509 *x = cert->x509 ();
  EVP_PKEY *key = cert->private_key ();
  fail_unless_equals_int (EVP_PKEY_get_base_id (key), EVP_PKEY_EC);
  fail_unless_equals_int (EVP_PKEY_get_bits (key), 256);
  fail_unless_equals_int (X509_get_version (x), X509_VERSION_3);
  char cn[64] = "";
  X509_NAME_get_text_by_NID (X509_get_subject_name (x), NID_commonName, cn, sizeof cn);
  fail_unless_equals_string (cn, "comedia");
  fail_unless (X509_NAME_cmp (X509_get_subject_name (x), X509_get_issuer_name (x)) == 0);
  fail_unless (X509_verify (x, key) == 1, "not self-signed");
  /* Valid from about a day ago for about 30 days. */
  time_t now = time (nullptr);
  time_t t = now - 23 * 3600;
  fail_unless (X509_cmp_time (X509_get0_notBefore (x), &t) < 0);
  t = now - 25 * 3600;
  fail_unless (X509_cmp_time (X509_get0_notBefore (x), &t) > 0);
  t = now + 29 * 24 * 3600;
  fail_unless (X509_cmp_time (X509_get0_notAfter (x), &t) > 0);
  t = now + 31 * 24 * 3600;
  fail_unless (X509_cmp_time (X509_get0_notAfter (x), &t) < 0);
  /* Another one: another key, another serial. */
  auto other = generated ();
  fail_if (ASN1_INTEGER_cmp (X509_get0_serialNumber (x), X509_get0_serialNumber (other->x509 ())) == 0);
  fail_if (cert->fingerprint () == other->fingerprint ());
}
GST_END_TEST;

GST_START_TEST (test_fingerprints)
{
  auto cert = generated ();
  const struct { const char *hash; size_t len; const char *openssl_name; } hashes[] = {
    {"sha-1", 20, "SHA1"}, {"sha-224", 28, "SHA224"}, {"sha-256", 32, "SHA256"},
    {"sha-384", 48, "SHA384"}, {"sha-512", 64, "SHA512"},
  };
  for (const auto & h : hashes) {
    auto fp = cert->fingerprint (h.hash);
    fail_unless (fp.has_value (), "%s", h.hash);
    fail_unless_equals_string (fp->hash.c_str (), h.hash);
    fail_unless_equals_int (fp->digest.size (), h.len);
    /* The same digest as X509_digest gives directly. */
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    const EVP_MD *evp = EVP_get_digestbyname (h.openssl_name);
    fail_unless (X509_digest (cert->x509 (), evp, md, &len) == 1);
    fail_unless (fp->digest == std::vector<uint8_t> (md, md + len), "%s", h.hash);
    /* And it reads back from what the SDP writes. */
    std::string why;
    std::string value = write_fingerprint (*fp);
    auto parsed = parse_fingerprint (value, why);
    fail_unless (parsed && *parsed == *fp, "%s: %s", value.c_str (), why.c_str ());
  }
  /* The hash name in any case, as a=fingerprint allows. */
  fail_unless (cert->fingerprint ("SHA-256") == cert->fingerprint ("sha-256"));
  fail_if (cert->fingerprint ("md5").has_value ());
  fail_if (cert->fingerprint ("sha-3").has_value ());
}
GST_END_TEST;

GST_START_TEST (test_pem_round_trip)
{
  auto cert = generated ();
  std::string cert_pem = cert->certificate_pem ();
  std::string key_pem = cert->private_key_pem ();
  fail_unless (g_str_has_prefix (cert_pem.c_str (), "-----BEGIN CERTIFICATE-----"));
  fail_unless (g_str_has_prefix (key_pem.c_str (), "-----BEGIN PRIVATE KEY-----"));
  std::string error;
  auto back = DtlsCertificate::from_pem (cert_pem, key_pem, &error);
  fail_unless (back != nullptr, "%s", error.c_str ());
  fail_unless (back->fingerprint () == cert->fingerprint ());
  fail_unless (back->fingerprint ("sha-512") == cert->fingerprint ("sha-512"));

  /* From files. */
  gchar *dir = g_dir_make_tmp ("comedia-dtls-XXXXXX", nullptr);
  fail_unless (dir != nullptr);
  gchar *cpath = g_build_filename (dir, "cert.pem", nullptr);
  gchar *kpath = g_build_filename (dir, "key.pem", nullptr);
  fail_unless (g_file_set_contents (cpath, cert_pem.c_str (), -1, nullptr));
  fail_unless (g_file_set_contents (kpath, key_pem.c_str (), -1, nullptr));
  auto loaded = DtlsCertificate::from_pem_files (cpath, kpath, &error);
  fail_unless (loaded != nullptr, "%s", error.c_str ());
  fail_unless (loaded->fingerprint () == cert->fingerprint ());
  /* A missing file: the error names it. */
  gchar *missing = g_build_filename (dir, "nothing.pem", nullptr);
  error.clear ();
  fail_unless (DtlsCertificate::from_pem_files (missing, kpath, &error) == nullptr);
  fail_unless (error.find ("nothing.pem") != std::string::npos, "%s", error.c_str ());
  /* A key file that is not a key: both paths and the reason. */
  error.clear ();
  fail_unless (DtlsCertificate::from_pem_files (cpath, cpath, &error) == nullptr);
  fail_unless (error.find ("cert.pem") != std::string::npos, "%s", error.c_str ());
  fail_unless (error.find ("private key") != std::string::npos, "%s", error.c_str ());
  g_unlink (cpath);
  g_unlink (kpath);
  g_rmdir (dir);
  g_free (missing);
  g_free (cpath);
  g_free (kpath);
  g_free (dir);
}
GST_END_TEST;

GST_START_TEST (test_bad_pem)
{
  auto cert = generated ();
  auto other = generated ();
  std::string error;
  const std::string garbage = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n";
  fail_unless (DtlsCertificate::from_pem (garbage, cert->private_key_pem (), &error) == nullptr);
  fail_unless (error.find ("certificate") != std::string::npos, "%s", error.c_str ());
  error.clear ();
  fail_unless (DtlsCertificate::from_pem ("hello", "world", &error) == nullptr);
  fail_unless (error.find ("certificate") != std::string::npos, "%s", error.c_str ());
  error.clear ();
  fail_unless (DtlsCertificate::from_pem (cert->certificate_pem (), "garbage", &error) == nullptr);
  fail_unless (error.find ("private key") != std::string::npos, "%s", error.c_str ());
  error.clear ();
  fail_unless (DtlsCertificate::from_pem (cert->certificate_pem (), "", &error) == nullptr);
  fail_unless (error.find ("private key") != std::string::npos, "%s", error.c_str ());
  /* Another certificate's key. */
  error.clear ();
  fail_unless (DtlsCertificate::from_pem (cert->certificate_pem (), other->private_key_pem (),
          &error) == nullptr);
  fail_unless (error.find ("not the certificate's") != std::string::npos, "%s", error.c_str ());
  /* No secret in the message. */
  fail_unless (error.find ("PRIVATE KEY") == std::string::npos, "%s", error.c_str ());
}
GST_END_TEST;

GST_START_TEST (test_process_default_made_once)
{
  std::shared_ptr<const DtlsCertificate> seen[8];
  std::thread threads[8];
  for (int i = 0; i < 8; i++)
    threads[i] = std::thread ([&seen, i] { seen[i] = DtlsCertificate::process_default (); });
  for (auto & t : threads)
    t.join ();
  for (int i = 0; i < 8; i++) {
    fail_unless (seen[i] != nullptr);
    fail_unless (seen[i] == seen[0]);
  }
  fail_unless (DtlsCertificate::process_default () == seen[0]);
}
GST_END_TEST;

static Suite *
dtlscertificate_suite (void)
{
  Suite *s = suite_create ("dtlscertificate");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_generated_certificate);
  tcase_add_test (tc, test_fingerprints);
  tcase_add_test (tc, test_pem_round_trip);
  tcase_add_test (tc, test_bad_pem);
  tcase_add_test (tc, test_process_default_made_once);
  return s;
}

GST_CHECK_MAIN (dtlscertificate);

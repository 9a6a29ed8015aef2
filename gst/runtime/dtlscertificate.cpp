/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The certificate is all OpenSSL's (3.0 APIs); this file only assembles it.
 */
#include "dtlscertificate.h"

#include <glib.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <mutex>

namespace comedia {

namespace {

constexpr long kBackdateSeconds = 24 * 3600;       /* clocks of peers differ */
constexpr long kValiditySeconds = 30L * 24 * 3600;

const EVP_MD *
digest_for (const std::string & hash)
{
  struct Entry { const char *name; const EVP_MD *(*md) (); };
  static const Entry kDigests[] = {
    {"sha-1", EVP_sha1}, {"sha-224", EVP_sha224}, {"sha-256", EVP_sha256},
    {"sha-384", EVP_sha384}, {"sha-512", EVP_sha512},
  };
  for (const Entry & e : kDigests)
    if (g_ascii_strcasecmp (hash.c_str (), e.name) == 0)
      return e.md ();
  return nullptr;
}

std::string
fail (std::string * error, const std::string & what)
{
  std::string detail = take_openssl_errors ();
  std::string msg = detail.empty () ? what : what + " (" + detail + ")";
  if (error)
    *error = msg;
  return msg;
}

/* A 63-bit random serial: positive, and unique enough that a peer never
 * sees two of ours alike (RFC 5280 wants it unique per issuer). */
bool
set_random_serial (X509 * x509)
{
  BIGNUM *bn = BN_new ();
  bool ok = bn && BN_rand (bn, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1
      && !BN_is_zero (bn) && BN_to_ASN1_INTEGER (bn, X509_get_serialNumber (x509)) != nullptr;
  BN_free (bn);
  return ok;
}

std::string
bio_text (BIO * bio)
{
  char *data = nullptr;
  long len = BIO_get_mem_data (bio, &data);
  return len > 0 ? std::string (data, size_t (len)) : std::string ();
}

}  // namespace

std::string
take_openssl_errors ()
{
  std::string out;
  unsigned long e;
  char buf[256];
  while ((e = ERR_get_error ()) != 0) {
    ERR_error_string_n (e, buf, sizeof buf);
    if (!out.empty ())
      out += "; ";
    out += buf;
  }
  return out;
}

std::optional<Fingerprint>
certificate_fingerprint (X509 * cert, const std::string & hash)
{
  const EVP_MD *md = digest_for (hash);
  if (!cert || !md)
    return std::nullopt;
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest (cert, md, buf, &len) != 1) {
    ERR_clear_error ();
    return std::nullopt;
  }
  Fingerprint fp;
  fp.hash = hash;
  for (char & c : fp.hash)
    c = g_ascii_tolower (c);
  fp.digest.assign (buf, buf + len);
  return fp;
}

DtlsCertificate::~DtlsCertificate ()
{
  X509_free (x509_);
  EVP_PKEY_free (key_);
}

std::shared_ptr<const DtlsCertificate>
DtlsCertificate::adopt (X509 * x509, EVP_PKEY * key, bool ok, const char *why,
    std::string * error)
{
  if (ok)
    return std::shared_ptr<const DtlsCertificate> (new DtlsCertificate (x509, key));
  fail (error, why);
  X509_free (x509);
  EVP_PKEY_free (key);
  return nullptr;
}

std::shared_ptr<const DtlsCertificate>
DtlsCertificate::generate (std::string * error)
{
  ERR_clear_error ();
  EVP_PKEY *key = EVP_PKEY_Q_keygen (nullptr, nullptr, "EC", "P-256");
  if (!key) {
    fail (error, "cannot generate an ECDSA P-256 key");
    return nullptr;
  }
  X509 *x509 = X509_new ();
  X509_NAME *name = x509 ? X509_get_subject_name (x509) : nullptr;
  bool ok = x509 && X509_set_version (x509, X509_VERSION_3) == 1
      && set_random_serial (x509)
      && X509_gmtime_adj (X509_getm_notBefore (x509), -kBackdateSeconds)
      && X509_gmtime_adj (X509_getm_notAfter (x509), kValiditySeconds)
      && X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC,
          reinterpret_cast<const unsigned char *> ("comedia"), -1, -1, 0) == 1
      && X509_set_issuer_name (x509, name) == 1
      && X509_set_pubkey (x509, key) == 1
      && X509_sign (x509, key, EVP_sha256 ()) > 0;
  return adopt (x509, key, ok, "cannot make a self-signed certificate", error);
}

std::shared_ptr<const DtlsCertificate>
DtlsCertificate::from_pem (const std::string & cert_pem, const std::string & key_pem,
    std::string * error)
{
  ERR_clear_error ();
  BIO *cbio = BIO_new_mem_buf (cert_pem.data (), int (cert_pem.size ()));
  X509 *x509 = cbio ? PEM_read_bio_X509 (cbio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free (cbio);
  if (!x509) {
    fail (error, "no PEM certificate (BEGIN CERTIFICATE) could be read");
    return nullptr;
  }
  BIO *kbio = BIO_new_mem_buf (key_pem.data (), int (key_pem.size ()));
  /* No passphrase callback: an encrypted key is refused, not prompted for. */
  EVP_PKEY *key = kbio ? PEM_read_bio_PrivateKey (kbio, nullptr, nullptr,
      const_cast<char *> ("")) : nullptr;
  BIO_free (kbio);
  bool ok = key && X509_check_private_key (x509, key) == 1;
  return adopt (x509, key, ok, key ? "the private key is not the certificate's"
      : "no unencrypted PEM private key could be read", error);
}

std::shared_ptr<const DtlsCertificate>
DtlsCertificate::from_pem_files (const std::string & cert_path, const std::string & key_path,
    std::string * error)
{
  std::string text[2];
  const std::string *paths[2] = {&cert_path, &key_path};
  for (int i = 0; i < 2; i++) {
    gchar *contents = nullptr;
    gsize len = 0;
    GError *err = nullptr;
    if (!g_file_get_contents (paths[i]->c_str (), &contents, &len, &err)) {
      if (error)
        *error = std::string (i == 0 ? "certificate" : "private key") + ": " + err->message;
      g_error_free (err);
      return nullptr;
    }
    text[i].assign (contents, len);
    g_free (contents);
  }
  std::string why;
  auto cert = from_pem (text[0], text[1], &why);
  if (!cert && error)
    *error = cert_path + ", " + key_path + ": " + why;
  return cert;
}

std::shared_ptr<const DtlsCertificate>
DtlsCertificate::process_default (std::string * error)
{
  static std::once_flag once;
  static std::shared_ptr<const DtlsCertificate> cert;
  static std::string why;
  std::call_once (once, [] { cert = generate (&why); });
  if (!cert && error)
    *error = why;
  return cert;
}

std::optional<Fingerprint>
DtlsCertificate::fingerprint (const std::string & hash) const
{
  return certificate_fingerprint (x509_, hash);
}

std::string
DtlsCertificate::certificate_pem () const
{
  BIO *bio = BIO_new (BIO_s_mem ());
  std::string out = bio && PEM_write_bio_X509 (bio, x509_) == 1 ? bio_text (bio) : std::string ();
  BIO_free (bio);
  return out;
}

std::string
DtlsCertificate::private_key_pem () const
{
  BIO *bio = BIO_new (BIO_s_mem ());
  std::string out = bio && PEM_write_bio_PrivateKey (bio, key_, nullptr, nullptr, 0,
      nullptr, nullptr) == 1 ? bio_text (bio) : std::string ();
  BIO_free (bio);
  return out;
}

}  // namespace comedia

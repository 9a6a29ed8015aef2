/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* Our side's certificate for DTLS-SRTP (RFC 5763): a self-signed ECDSA P-256
 * certificate made at start, as browsers make theirs, or one loaded from PEM.
 * The peer trusts it through the a=fingerprint of our SDP, never through a
 * CA, so nothing but its digest matters to the peer. */

#include "dtlssdp.h"

#include <memory>
#include <optional>
#include <string>

/* OpenSSL's types, kept out of the users of this header. */
typedef struct x509_st X509;
typedef struct evp_pkey_st EVP_PKEY;

namespace comedia {

class DtlsCertificate {
 public:
  /* A fresh ECDSA P-256 key and a self-signed certificate for it (CN
   * "comedia", a random serial, valid from a day ago for 30 days).
   * nullptr with @error set if OpenSSL fails. */
  static std::shared_ptr<const DtlsCertificate> generate (std::string * error);
  /* A certificate and its private key from PEM text; nullptr with @error
   * saying which part is wrong (no certificate, no key, a key that is not
   * the certificate's). */
  static std::shared_ptr<const DtlsCertificate> from_pem (const std::string & cert_pem,
      const std::string & key_pem, std::string * error);
  /* The same from files; @error names the file. */
  static std::shared_ptr<const DtlsCertificate> from_pem_files (const std::string & cert_path,
      const std::string & key_path, std::string * error);

  /* The process's certificate, generated on first use (thread-safe) and kept
   * until exit; nullptr only if OpenSSL cannot make one (@error says why). */
  static std::shared_ptr<const DtlsCertificate> process_default (std::string * error = nullptr);

  ~DtlsCertificate ();
  DtlsCertificate (const DtlsCertificate &) = delete;
  DtlsCertificate & operator= (const DtlsCertificate &) = delete;

  /* The a=fingerprint of this certificate under @hash (sha-1, sha-224,
   * sha-256, sha-384 or sha-512); nothing for another hash. */
  std::optional<Fingerprint> fingerprint (const std::string & hash = "sha-256") const;

  /* PEM text.  The private key's is secret: never log it. */
  std::string certificate_pem () const;
  std::string private_key_pem () const;

  /* For the DTLS transport. */
  X509 *x509 () const { return x509_; }
  EVP_PKEY *private_key () const { return key_; }

 private:
  DtlsCertificate (X509 * x509, EVP_PKEY * key) : x509_ (x509), key_ (key) {}
  /* Owns @x509 and @key when @ok; otherwise frees them and says @why. */
  static std::shared_ptr<const DtlsCertificate> adopt (X509 * x509, EVP_PKEY * key, bool ok,
      const char *why, std::string * error);

  X509 *x509_;
  EVP_PKEY *key_;
};

/* The digest of any certificate (the peer's, say) under @hash. */
std::optional<Fingerprint> certificate_fingerprint (X509 * cert, const std::string & hash);

/* OpenSSL's error queue of this thread as one line ("" when empty), and
 * cleared, for the messages of this layer. */
std::string take_openssl_errors ();

}  // namespace comedia

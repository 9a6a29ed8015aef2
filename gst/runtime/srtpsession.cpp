/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libsrtp2 around one direction of a call: the crypto is all libsrtp's.
 */
#include "srtpsession.h"

#include <glib.h>
#include <cerrno>
#include <sys/random.h>

#include <srtp2/srtp.h>

#include <climits>
#include <cstring>

namespace comedia {

void
srtp_random_bytes (uint8_t * out, size_t len)
{
  while (len > 0) {
    ssize_t n = getrandom (out, len, 0);
    if (n < 0) {
      /* Only EINTR: Linux always has the call.  Never weaker keys. */
      if (errno != EINTR)
        g_error ("getrandom: %s", g_strerror (errno));
      continue;
    }
    out += n;
    len -= (size_t) n;
  }
}

const size_t SrtpSession::kMaxTrailer = SRTP_MAX_TRAILER_LEN;

/* srtp_init once per process, on first use; never shut down, since
 * sessions may live until exit.  Another user of libsrtp in the process
 * (GStreamer's srtpenc, say) may have initialised it first: a second
 * srtp_init then fails to load its debug module again (bad_param) with the
 * library ready, which is not an error here. */
static srtp_err_status_t
library_status ()
{
  static const srtp_err_status_t status = [] {
    srtp_err_status_t r = srtp_init ();
    return r == srtp_err_status_bad_param ? srtp_err_status_ok : r;
  } ();
  return status;
}


/* RTCP keeps an 80-bit tag under the _32 suites (RFC 4568 section 6.2). */
static void
set_policies (SrtpSuite suite, srtp_crypto_policy_t * rtp, srtp_crypto_policy_t * rtcp)
{
  switch (suite) {
    case SrtpSuite::AesCm128HmacSha1_80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 (rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 (rtcp);
      break;
    case SrtpSuite::AesCm128HmacSha1_32:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32 (rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 (rtcp);
      break;
    case SrtpSuite::Aes256CmHmacSha1_80:
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80 (rtp);
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80 (rtcp);
      break;
    case SrtpSuite::Aes256CmHmacSha1_32:
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32 (rtp);
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80 (rtcp);
      break;
    case SrtpSuite::AeadAes128Gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth (rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth (rtcp);
      break;
    case SrtpSuite::AeadAes256Gcm:
      srtp_crypto_policy_set_aes_gcm_256_16_auth (rtp);
      srtp_crypto_policy_set_aes_gcm_256_16_auth (rtcp);
      break;
  }
}

std::unique_ptr<SrtpSession>
SrtpSession::create (SrtpSuite suite, SrtpDirection direction,
    const std::vector<uint8_t> & key_salt, std::string * error)
{
  auto fail = [error] (const std::string & why) {
    if (error)
      *error = why;
    return std::unique_ptr<SrtpSession> ();
  };
  if (library_status () != srtp_err_status_ok)
    return fail ("srtp_init failed: " + std::to_string (int (library_status ())));
  const SrtpSuiteInfo & info = srtp_suite_info (suite);
  if (key_salt.size () != info.key_len + info.salt_len)
    return fail (std::string (info.name) + " needs "
        + std::to_string (info.key_len + info.salt_len) + " bytes of key and salt");

  srtp_policy_t policy;
  memset (&policy, 0, sizeof policy);
  set_policies (suite, &policy.rtp, &policy.rtcp);
  policy.ssrc.type = direction == SrtpDirection::Inbound ? ssrc_any_inbound
      : ssrc_any_outbound;
  /* libsrtp reads the key through a non-const pointer but does not write. */
  std::vector<uint8_t> key (key_salt);
  policy.key = key.data ();
  policy.window_size = 0;  /* libsrtp's default window (128) */
  policy.next = nullptr;

  srtp_t srtp = nullptr;
  srtp_err_status_t status = srtp_create (&srtp, &policy);
  memset (key.data (), 0, key.size ());
  if (status != srtp_err_status_ok)
    return fail (std::string ("libsrtp refused ") + info.name + ": error "
        + std::to_string (int (status)));
  return std::unique_ptr<SrtpSession> (new SrtpSession (direction, srtp));
}

SrtpSession::~SrtpSession ()
{
  srtp_dealloc (static_cast<srtp_t> (srtp_));
}

static SrtpResult
result_of (srtp_err_status_t status)
{
  switch (status) {
    case srtp_err_status_ok: return SrtpResult::Ok;
    case srtp_err_status_auth_fail: return SrtpResult::AuthFailed;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old: return SrtpResult::Replayed;
    default: return SrtpResult::Error;
  }
}

/* One libsrtp call in place: @len fits an int, and protect has its room. */
template <typename Call>
static SrtpResult
transform (Call call, void *srtp, uint8_t * data, size_t & len, size_t room)
{
  if (len > size_t (INT_MAX) - SRTP_MAX_TRAILER_LEN || room < len)
    return SrtpResult::Error;
  int n = int (len);
  SrtpResult r = result_of (call (static_cast<srtp_t> (srtp), data, &n));
  if (r == SrtpResult::Ok)
    len = size_t (n);
  return r;
}

SrtpResult
SrtpSession::protect (uint8_t * data, size_t & len, size_t capacity)
{
  if (direction_ != SrtpDirection::Outbound || capacity < len + SRTP_MAX_TRAILER_LEN)
    return SrtpResult::Error;
  return transform (srtp_protect, srtp_, data, len, capacity);
}

SrtpResult
SrtpSession::unprotect (uint8_t * data, size_t & len)
{
  if (direction_ != SrtpDirection::Inbound)
    return SrtpResult::Error;
  return transform (srtp_unprotect, srtp_, data, len, len);
}

SrtpResult
SrtpSession::protect_rtcp (uint8_t * data, size_t & len, size_t capacity)
{
  if (direction_ != SrtpDirection::Outbound || capacity < len + SRTP_MAX_TRAILER_LEN)
    return SrtpResult::Error;
  return transform (srtp_protect_rtcp, srtp_, data, len, capacity);
}

SrtpResult
SrtpSession::unprotect_rtcp (uint8_t * data, size_t & len)
{
  if (direction_ != SrtpDirection::Inbound)
    return SrtpResult::Error;
  return transform (srtp_unprotect_rtcp, srtp_, data, len, len);
}

}  // namespace comedia

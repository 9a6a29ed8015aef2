/* The peer's side of SRTP in the element tests: libsrtp itself, so that
 * what comedia sends and accepts is checked against the library, not
 * against comedia's own wrapper.  AES_CM_128_HMAC_SHA1_80.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/check/gstcheck.h>

#include "packets.h"

#include <srtp2/srtp.h>

#include <cstring>
#include <vector>

/* The bytes of base64 @text. */
static inline std::vector<guint8>
base64_bytes (const char *text)
{
  gsize len = 0;
  guchar *raw = g_base64_decode (text, &len);
  std::vector<guint8> out (raw, raw + len);
  g_free (raw);
  return out;
}

/* One direction of the peer's SRTP. */
class PeerSrtp {
 public:
  /* @key: 30 bytes of key and salt. */
  PeerSrtp (const std::vector<guint8> & key, bool sending) : key_ (key) {
    fail_unless_equals_int (key_.size (), 30);
    /* bad_param: the plugin's copy of the runtime initialised it first. */
    srtp_err_status_t init = srtp_init ();
    fail_unless (init == srtp_err_status_ok || init == srtp_err_status_bad_param);
    srtp_policy_t policy;
    memset (&policy, 0, sizeof policy);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 (&policy.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 (&policy.rtcp);
    policy.ssrc.type = sending ? ssrc_any_outbound : ssrc_any_inbound;
    policy.key = key_.data ();
    policy.window_size = 128;
    fail_unless_equals_int (srtp_create (&srtp_, &policy), srtp_err_status_ok);
  }
  PeerSrtp (const char *b64, bool sending) : PeerSrtp (base64_bytes (b64), sending) {}
  ~PeerSrtp () { srtp_dealloc (srtp_); }
  PeerSrtp (const PeerSrtp &) = delete;
  PeerSrtp &operator= (const PeerSrtp &) = delete;

  /* @plain (taken) protected, as bytes. */
  std::vector<guint8> protect (GstBuffer * plain, bool rtcp = false) {
    std::vector<guint8> data = take_bytes (plain);
    int len = (int) data.size ();
    data.resize (data.size () + SRTP_MAX_TRAILER_LEN);
    srtp_err_status_t r = rtcp ? srtp_protect_rtcp (srtp_, data.data (), &len)
        : srtp_protect (srtp_, data.data (), &len);
    fail_unless_equals_int (r, srtp_err_status_ok);
    data.resize (len);
    return data;
  }
  /* True with @data now plain when it authenticates. */
  bool unprotect (std::vector<guint8> & data, bool rtcp = false) {
    int len = (int) data.size ();
    srtp_err_status_t r = rtcp ? srtp_unprotect_rtcp (srtp_, data.data (), &len)
        : srtp_unprotect (srtp_, data.data (), &len);
    if (r != srtp_err_status_ok)
      return false;
    data.resize (len);
    return true;
  }

 private:
  std::vector<guint8> key_;
  srtp_t srtp_ = nullptr;
};

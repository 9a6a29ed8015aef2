/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "sdescrypto.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace comedia {

enum class SrtpDirection { Inbound, Outbound };

enum class SrtpResult {
  Ok,
  AuthFailed,  /* the tag does not match: wrong key, or altered on the way */
  Replayed,    /* libsrtp's replay window: seen before, or too old */
  Error,       /* anything else: too short, no room for the tag, ... */
};

const char * srtp_result_name (SrtpResult result);

/* One direction of SRTP and SRTCP under one master key and salt: a libsrtp
 * srtp_t for any SSRC.  The library is initialised once per process, on the
 * first session.  Not thread-safe: one streaming thread uses a session. */
class SrtpSession {
 public:
  /* The room protect() and protect_rtcp() need after the packet. */
  static const size_t kMaxTrailer;

  /* nullptr with @error set when libsrtp refuses (a key of the wrong
   * length, a suite this libsrtp was built without). */
  static std::unique_ptr<SrtpSession> create (SrtpSuite suite,
      SrtpDirection direction, const std::vector<uint8_t> & key_salt,
      std::string * error);
  ~SrtpSession ();
  SrtpSession (const SrtpSession &) = delete;
  SrtpSession & operator= (const SrtpSession &) = delete;

  SrtpDirection direction () const { return direction_; }

  /* In place on @data; @len is the packet's length in and out.  protect
   * needs @capacity >= @len + kMaxTrailer. */
  SrtpResult protect (uint8_t * data, size_t & len, size_t capacity);
  SrtpResult unprotect (uint8_t * data, size_t & len);
  SrtpResult protect_rtcp (uint8_t * data, size_t & len, size_t capacity);
  SrtpResult unprotect_rtcp (uint8_t * data, size_t & len);

 private:
  SrtpSession (SrtpDirection direction, void *srtp)
      : direction_ (direction), srtp_ (srtp) {}

  SrtpDirection direction_;
  void *srtp_;  /* srtp_t, kept out of this header */
};

}  // namespace comedia

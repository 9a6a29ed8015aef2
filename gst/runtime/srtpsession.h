/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "packetprotection.h"
#include "sdescrypto.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace comedia {

enum class SrtpDirection { Inbound, Outbound };

/* Key material: the kernel's CSPRNG (getrandom(2)).  GLib's g_random is
 * not one, so keys never come from it.  A RandomBytes for the SDP rules. */
void srtp_random_bytes (uint8_t * out, size_t len);

/* Replayed is libsrtp's replay window (128 packets). */
using SrtpResult = ProtectionResult;

/* One direction of SRTP and SRTCP under one master key and salt: a libsrtp
 * srtp_t for any SSRC.  The library is initialised once per process, on the
 * first session.  Not thread-safe: one streaming thread uses a session. */
class SrtpSession : public PacketProtection {
 public:
  /* The room protect() and protect_rtcp() need after the packet. */
  static const size_t kMaxTrailer;

  /* nullptr with @error set when libsrtp refuses (a key of the wrong
   * length, a suite this libsrtp was built without). */
  static std::unique_ptr<SrtpSession> create (SrtpSuite suite,
      SrtpDirection direction, const std::vector<uint8_t> & key_salt,
      std::string * error);
  static std::unique_ptr<SrtpSession> create (const SrtpKey & key,
      SrtpDirection direction, std::string * error)
  { return create (key.suite, direction, key.key_salt, error); }
  ~SrtpSession () override;
  SrtpSession (const SrtpSession &) = delete;
  SrtpSession & operator= (const SrtpSession &) = delete;

  SrtpDirection direction () const { return direction_; }

  /* In place on @data; @len is the packet's length in and out.  protect
   * needs @capacity >= @len + kMaxTrailer. */
  SrtpResult protect (uint8_t * data, size_t & len, size_t capacity);
  SrtpResult unprotect (uint8_t * data, size_t & len);
  SrtpResult protect_rtcp (uint8_t * data, size_t & len, size_t capacity);
  SrtpResult unprotect_rtcp (uint8_t * data, size_t & len);

  /* PacketProtection, for an Inbound session. */
  ProtectionResult unprotect (uint8_t * data, size_t & len, bool rtcp) override
  { return rtcp ? unprotect_rtcp (data, len) : unprotect (data, len); }

 private:
  SrtpSession (SrtpDirection direction, void *srtp)
      : direction_ (direction), srtp_ (srtp) {}

  SrtpDirection direction_;
  void *srtp_;  /* srtp_t, kept out of this header */
};

}  // namespace comedia

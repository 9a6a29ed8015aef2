/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* What authenticates (and decrypts) a received datagram before the
 * latching policy may see it: SRTP in practice (runtime/srtpsession.h), an
 * interface here so that the core's dispatch needs no crypto library. */

#include <cstddef>
#include <cstdint>

namespace comedia {

enum class ProtectionResult : uint8_t {
  Ok,
  AuthFailed,  /* the tag does not match: wrong key, or altered on the way */
  Replayed,    /* the replay window: seen before, or too old */
  Error,       /* anything else: too short, no room for the tag, ... */
};

const char *protection_result_name (ProtectionResult result);

class PacketProtection {
 public:
  virtual ~PacketProtection () = default;
  /* In place on @data; @len is the datagram's length in and the plain
   * packet's out.  @rtcp: SRTCP (RFC 3711 3.4) rather than SRTP. */
  virtual ProtectionResult unprotect (uint8_t *data, size_t &len, bool rtcp) = 0;
};

}  // namespace comedia

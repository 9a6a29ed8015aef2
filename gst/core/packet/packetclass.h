/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* RFC 7983 section 7: what a datagram on a port shared by STUN, DTLS and
 * SRTP is, by its first byte alone.  The receive path sends DTLS records to
 * the handshake and RTP/RTCP to SRTP; the rest is not ours to parse here. */

#include <cstddef>
#include <cstdint>

namespace comedia {

enum class DatagramClass : uint8_t {
  Stun,         /* 0..3 */
  Zrtp,         /* 16..19 */
  Dtls,         /* 20..63 */
  TurnChannel,  /* 64..79 */
  RtpRtcp,      /* 128..191 */
  Unknown,      /* every other byte, and an empty datagram */
};

DatagramClass classify_first_byte (uint8_t first);
/* Unknown for an empty datagram. */
DatagramClass classify_datagram (const uint8_t * data, size_t len);
const char *datagram_class_name (DatagramClass c);

}  // namespace comedia

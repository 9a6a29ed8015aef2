/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "packetclass.h"

namespace comedia {

DatagramClass
classify_first_byte (uint8_t first)
{
  if (first <= 3)
    return DatagramClass::Stun;
  if (first >= 16 && first <= 19)
    return DatagramClass::Zrtp;
  if (first >= 20 && first <= 63)
    return DatagramClass::Dtls;
  if (first >= 64 && first <= 79)
    return DatagramClass::TurnChannel;
  if (first >= 128 && first <= 191)
    return DatagramClass::RtpRtcp;
  return DatagramClass::Unknown;
}

DatagramClass
classify_datagram (const uint8_t * data, size_t len)
{
  return len == 0 ? DatagramClass::Unknown : classify_first_byte (data[0]);
}

const char *
datagram_class_name (DatagramClass c)
{
  switch (c) {
    case DatagramClass::Stun: return "STUN";
    case DatagramClass::Zrtp: return "ZRTP";
    case DatagramClass::Dtls: return "DTLS";
    case DatagramClass::TurnChannel: return "TURN channel";
    case DatagramClass::RtpRtcp: return "RTP/RTCP";
    case DatagramClass::Unknown: break;
  }
  return "unknown";
}

}  // namespace comedia

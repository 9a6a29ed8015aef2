/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include <array>
#include <cstdint>
#include <string>

namespace comedia {

/* A transport address (IP and UDP port) as plain bytes, so the latching
 * policy can compare and copy it without GObject allocations on the
 * per-packet path. IPv4-mapped IPv6 addresses are stored as IPv4. */
struct PeerAddress {
  enum class Family : uint8_t { None = 0, IPv4 = 4, IPv6 = 6 };

  Family family = Family::None;
  std::array<uint8_t, 16> ip{};  /* IPv4 uses the first 4 bytes */
  uint16_t port = 0;

  static PeerAddress ipv4 (const std::array<uint8_t, 4> &bytes, uint16_t port);
  static PeerAddress ipv6 (const std::array<uint8_t, 16> &bytes, uint16_t port);
  /* Parses "192.0.2.1" or "2001:db8::1" (and IPv4-mapped IPv6). */
  static bool parse (const std::string &ip, uint16_t port, PeerAddress &out);
  static PeerAddress from_inet (GInetAddress *inet, uint16_t port);

  bool valid () const { return family != Family::None; }
  bool same_ip (const PeerAddress &other) const;
  bool operator== (const PeerAddress &other) const {
    return same_ip (other) && port == other.port;
  }
  bool operator!= (const PeerAddress &other) const { return !(*this == other); }

  std::string ip_string () const;
  std::string to_string () const;   /* "192.0.2.1:5004", "[2001:db8::1]:5004" */
};

/* Converts between GSocketAddress and PeerAddress (IPv4-mapped IPv6 becomes
 * IPv4). */
bool peer_address_from_gsocket (GSocketAddress * addr, PeerAddress & out);
GSocketAddress *gsocket_address_from_peer (const PeerAddress & peer);

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The announced address of a host behind a 1:1 NAT (a cloud VPC: a private
 * address on the interface, a public one in front that forwards every
 * port): our ICE host candidates carry the public address while the
 * sockets stay bound to the private one, as Kurento's externalIPv4 and
 * mediasoup's announcedAddress do.  sdp-negotiator's public-address is
 * that address, for COMEDIA's c= and for ICE alike. */

#include "icesdp.h"

#include <string>

namespace comedia {

/* @value (an a=candidate value) with its address replaced by @announced if
 * it is a host candidate of @announced's address family; else, or when
 * @announced is empty or no IP address, @value as it is. */
std::string announce_candidate (const std::string & value,
    const std::string & announced);

/* Every host candidate of @ice (ours) announced at @announced, and the
 * default address too if it was a host candidate's.  Returns how many
 * candidates changed. */
unsigned announce_host_candidates (IceDescription & ice,
    const std::string & announced);

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "srtpkeysource.h"

namespace comedia {

bool
SdesInboundKey::refresh (const Component & component,
    std::unique_ptr<SrtpSession> & inbound, std::string & error)
{
  if (!component.receive_terms.refresh (snapshot_).inbound_key)
    return true;
  const SrtpKey & key = snapshot_.inbound_key;
  if (!key.enabled ()) {
    /* A handshake's session is not ours to drop. */
    if (!component.dtls.enabled ())
      inbound.reset ();
    return true;
  }
  inbound = SrtpSession::create (key, SrtpDirection::Inbound, &error);
  return inbound != nullptr;
}

void
forget_handshake_keys (Component & component)
{
  ReceiveTerms::Snapshot terms;
  component.receive_terms.refresh (terms);
  if (!terms.inbound_key.enabled ())
    component.srtp_out.set_key (SrtpKey (), false, nullptr);
}

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "packetprotection.h"

namespace comedia {

const char *
protection_result_name (ProtectionResult result)
{
  switch (result) {
    case ProtectionResult::Ok: return "ok";
    case ProtectionResult::AuthFailed: return "auth-failed";
    case ProtectionResult::Replayed: return "replayed";
    case ProtectionResult::Error: break;
  }
  return "error";
}

}  // namespace comedia

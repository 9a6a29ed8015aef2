/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "destination.h"

namespace comedia {

DestinationChoice
choose_destination (bool have_static, bool static_pinned, bool have_latched,
    bool have_configured)
{
  if (have_static && static_pinned)
    return DestinationChoice::PinnedStatic;
  if (have_latched)
    return DestinationChoice::Latched;
  if (have_static)
    return DestinationChoice::Static;
  if (have_configured)
    return DestinationChoice::Configured;
  return DestinationChoice::None;
}

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "dtlssrtpshared.h"

namespace comedia {

void
HeldComponent::acquire (const ComponentProperties & properties)
{
  session = comedia_session_acquire (properties.session_name.c_str ());
  component = comedia_session_ensure_component (session, properties.stream,
      properties.component);
}

void
HeldComponent::release ()
{
  component = nullptr;
  if (session)
    g_object_unref (session);
  session = nullptr;
}

}  // namespace comedia

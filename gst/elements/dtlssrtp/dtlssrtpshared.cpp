/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "dtlssrtpshared.h"

GType
comedia_dtls_role_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {COMEDIA_DTLS_ROLE_SERVER, "DTLS server: wait for the peer's ClientHello "
          "(our a=setup:passive)", "server"},
    {COMEDIA_DTLS_ROLE_CLIENT, "DTLS client: send the ClientHello once ICE "
          "lets it through (our a=setup:active)", "client"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("ComediaDtlsRole", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

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

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "announcedaddress.h"

#include <gio/gio.h>

#include <set>

namespace comedia {

static bool
same_family (const std::string & a, const std::string & b)
{
  GInetAddress *ia = g_inet_address_new_from_string (a.c_str ());
  GInetAddress *ib = g_inet_address_new_from_string (b.c_str ());
  bool same = ia && ib
      && g_inet_address_get_family (ia) == g_inet_address_get_family (ib);
  g_clear_object (&ia);
  g_clear_object (&ib);
  return same;
}

std::string
announce_candidate (const std::string & value, const std::string & announced)
{
  CandidateFields fields;
  if (announced.empty () || !candidate_fields (value, fields)
      || fields.type != "host" || !same_family (fields.address, announced))
    return value;
  /* candidate_fields checked the layout: the address is the fifth field. */
  gchar **f = g_strsplit (value.c_str (), " ", -1);
  g_free (f[4]);
  f[4] = g_strdup (announced.c_str ());
  gchar *joined = g_strjoinv (" ", f);
  std::string out = joined;
  g_free (joined);
  g_strfreev (f);
  return out;
}

unsigned
announce_host_candidates (IceDescription & ice, const std::string & announced)
{
  unsigned changed = 0;
  std::set<std::string> hidden;   /* the host addresses announced over */
  for (std::string & value : ice.candidates) {
    std::string out = announce_candidate (value, announced);
    if (out == value)
      continue;
    CandidateFields fields;
    candidate_fields (value, fields);
    hidden.insert (fields.address);
    value = out;
    changed++;
  }
  if (hidden.count (ice.default_address) > 0)
    ice.default_address = announced;
  return changed;
}

}  // namespace comedia

/* The offer/answer unit tests' way to read SDP text they wrote: parsed, or
 * the test fails with the reason and the text.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/check/gstcheck.h>

#include "sdpdocument.h"

#include <string>

static inline comedia::SdpDocument
parse_ok (const std::string & text)
{
  comedia::SdpDocument doc;
  comedia::SdpError err;
  if (!comedia::SdpDocument::parse (text.data (), text.size (), doc, err))
    fail ("valid SDP rejected: %s\n%s", err.message.c_str (), text.c_str ());
  return doc;
}

/* Whether SDP text @text has @part; the checks that say which. */
static inline bool
contains (const std::string & text, const std::string & part)
{
  return text.find (part) != std::string::npos;
}

#define fail_unless_contains(text, part) \
  fail_unless (contains (text, part), "'%s' lacks '%s'", (text).c_str (), part)
#define fail_if_contains(text, part) \
  fail_if (contains (text, part), "'%s' has '%s'", (text).c_str (), part)

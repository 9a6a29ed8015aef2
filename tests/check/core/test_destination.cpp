/* Unit test of the destination rule: the table of docs/design.md ("The
 * latched-address object"), row by row.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "destination.h"

using namespace comedia;

struct Row {
  bool have_static, static_pinned, have_latched, have_configured;
  DestinationChoice expected;
};

GST_START_TEST (test_destination_order)
{
  const Row rows[] = {
    /* 1. a pinned static destination wins over a latched peer */
    {true, true, true, true, DestinationChoice::PinnedStatic},
    {true, true, false, false, DestinationChoice::PinnedStatic},
    /* 2. the latched peer, over an unpinned static destination and the
     * sink's host/port */
    {true, false, true, true, DestinationChoice::Latched},
    {false, false, true, false, DestinationChoice::Latched},
    {false, false, true, true, DestinationChoice::Latched},
    /* 3. an unpinned static destination, over the sink's host/port */
    {true, false, false, true, DestinationChoice::Static},
    {true, false, false, false, DestinationChoice::Static},
    /* 4. the sink's host/port */
    {false, false, false, true, DestinationChoice::Configured},
    /* 5. none */
    {false, false, false, false, DestinationChoice::None},
  };
  for (const Row & r : rows)
    fail_unless (choose_destination (r.have_static, r.static_pinned,
            r.have_latched, r.have_configured) == r.expected,
        "static %d pinned %d latched %d configured %d",
        r.have_static, r.static_pinned, r.have_latched, r.have_configured);
}
GST_END_TEST;

static Suite *
destination_suite (void)
{
  Suite *s = suite_create ("destination");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_destination_order);
  return s;
}

GST_CHECK_MAIN (destination);

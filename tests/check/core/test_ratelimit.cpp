/* Unit test of comedia::RateLimit, which keeps per-packet reports to one
 * a second: the first event passes, then one per interval, each standing
 * for those held back.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "ratelimit.h"

using comedia::RateLimit;

GST_START_TEST (test_once_per_interval_with_count)
{
  RateLimit limit (1000);
  fail_unless (limit.allow (5000));
  fail_unless_equals_int (limit.count (), 1);
  fail_if (limit.allow (5001));
  fail_if (limit.allow (5999));
  fail_unless (limit.allow (6000));
  fail_unless_equals_int (limit.count (), 3);
  fail_unless (limit.allow (9000));
  fail_unless_equals_int (limit.count (), 1);

  /* The very first event passes whatever the clock says. */
  RateLimit early (1000);
  fail_unless (early.allow (0));
  fail_if (early.allow (999));
}
GST_END_TEST;

static Suite *
ratelimit_suite (void)
{
  Suite *s = suite_create ("ratelimit");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_once_per_interval_with_count);
  return s;
}

GST_CHECK_MAIN (ratelimit);

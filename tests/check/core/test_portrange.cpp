/* Unit test of comedia::PortRange and comedia::PortAllocator: the range of
 * min-port/max-port (bad ranges refused), which pair to bind next (RTP
 * even, RTCP odd), a full range and its message, reuse after release.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "portrange.h"

using comedia::PortAllocator;
using comedia::PortRange;

static PortRange
range_of (unsigned min, unsigned max)
{
  PortRange r;
  std::string error;
  fail_unless (PortRange::make (min, max, r, error), "%s", error.c_str ());
  return r;
}

GST_START_TEST (test_bad_ranges)
{
  PortRange r;
  std::string error;
  /* 0 and 0: no range, the kernel's ephemeral ports. */
  fail_unless (PortRange::make (0, 0, r, error));
  fail_unless (r.any ());
  std::string text = r.text ();
  fail_unless_equals_string (text.c_str (), "any port");
  fail_unless_equals_int (r.pairs (), 0);

  fail_if (PortRange::make (40010, 40000, r, error));
  fail_unless (error.find ("min-port=40010 max-port=40000") != std::string::npos);
  fail_unless (error.find ("above") != std::string::npos);
  fail_if (PortRange::make (40000, 0, r, error));
  fail_unless (error.find ("both or neither") != std::string::npos);
  fail_if (PortRange::make (0, 40000, r, error));
  fail_if (PortRange::make (40000, 70000, r, error));
  /* One port, or an odd port and the even one above it: no pair. */
  fail_if (PortRange::make (40000, 40000, r, error));
  fail_unless (error.find ("no even/odd port pair") != std::string::npos);
  fail_if (PortRange::make (40001, 40002, r, error));
  fail_if (PortRange::make (65535, 65535, r, error));
  /* A refused range leaves the output as it was. */
  fail_unless (r.any ());
}
GST_END_TEST;

GST_START_TEST (test_pairs)
{
  PortRange r = range_of (40000, 40009);
  fail_unless_equals_int (r.pairs (), 5);
  fail_unless_equals_int (r.first_pair (), 40000);
  std::string text = r.text ();
  fail_unless_equals_string (text.c_str (), "40000-40009");
  fail_unless (r.contains (40009));
  fail_if (r.contains (40010));

  /* An odd bottom and an even top: the pairs inside, 40002-40003 to
   * 40008-40009; 40001 and 40010 stay unused. */
  PortRange odd = range_of (40001, 40010);
  fail_unless_equals_int (odd.pairs (), 4);
  fail_unless_equals_int (odd.first_pair (), 40002);
  fail_unless_equals_int (range_of (65534, 65535).pairs (), 1);

  /* Pairs are handed out even ports first, in order. */
  PortAllocator pool;
  std::set<uint16_t> none;
  for (unsigned even = 40002; even <= 40008; even += 2) {
    uint16_t next = pool.next_pair (odd, none);
    fail_unless_equals_int (next, even);
    fail_unless_equals_int (next % 2, 0);
    pool.hold (next);
  }
  fail_unless_equals_int (pool.next_pair (odd, none), 0);
}
GST_END_TEST;

GST_START_TEST (test_full_range)
{
  PortRange r = range_of (40000, 40009);
  PortAllocator pool;
  std::set<uint16_t> refused;
  for (int i = 0; i < 5; i++)
    pool.hold (pool.next_pair (r, refused));
  fail_unless_equals_int (pool.next_pair (r, refused), 0);
  fail_unless_equals_int (pool.pairs_in_use (r), 5);
  std::string full = PortAllocator::full_message (r, 5);
  fail_unless_equals_string (full.c_str (),
      "no free port pair in 40000-40009: 5 pairs in use");
  full = PortAllocator::full_message (range_of (40000, 40001), 1);
  fail_unless_equals_string (full.c_str (),
      "no free port pair in 40000-40001: 1 pair in use");

  /* Pairs another process took (the kernel refused them) count too. */
  PortAllocator other;
  refused = { 40000, 40004 };
  other.hold (40002);
  fail_unless_equals_int (other.pairs_in_use (r, refused), 3);
  fail_unless_equals_int (other.next_pair (r, refused), 40006);
  other.hold (40006);
  fail_unless_equals_int (other.next_pair (r, refused), 40008);
  other.hold (40008);
  fail_unless_equals_int (other.next_pair (r, refused), 0);
  fail_unless_equals_int (other.pairs_in_use (r, refused), 5);
}
GST_END_TEST;

GST_START_TEST (test_reuse_after_release)
{
  PortRange r = range_of (40000, 40005);
  PortAllocator pool;
  std::set<uint16_t> none;
  pool.hold (pool.next_pair (r, none));   /* 40000 */
  pool.hold (pool.next_pair (r, none));   /* 40002 */
  pool.release (40000);
  /* The pair released last comes back last: 40004 before 40000. */
  fail_unless_equals_int (pool.next_pair (r, none), 40004);
  pool.hold (40004);
  fail_unless_equals_int (pool.next_pair (r, none), 40000);
  pool.hold (40000);
  fail_unless_equals_int (pool.next_pair (r, none), 0);
  pool.release (40002);
  fail_unless_equals_int (pool.next_pair (r, none), 40002);

  /* A range of one pair: held, full, released, free again. */
  PortRange one = range_of (40010, 40011);
  fail_unless_equals_int (pool.next_pair (one, none), 40010);
  pool.hold (40010);
  fail_unless_equals_int (pool.next_pair (one, none), 0);
  pool.release (40010);
  fail_unless_equals_int (pool.next_pair (one, none), 40010);

  /* Another range in the same pool starts at its own first pair. */
  fail_unless_equals_int (pool.next_pair (range_of (50000, 50003), none), 50000);
}
GST_END_TEST;

static Suite *
portrange_suite (void)
{
  Suite *s = suite_create ("portrange");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_bad_ranges);
  tcase_add_test (tc, test_pairs);
  tcase_add_test (tc, test_full_range);
  tcase_add_test (tc, test_reuse_after_release);
  return s;
}

GST_CHECK_MAIN (portrange);

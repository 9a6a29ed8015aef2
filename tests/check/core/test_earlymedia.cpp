/* EarlyMediaHold: SRTP that came before the DTLS keys, held in order,
 * bounded by count and by age, released when the keys come.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "earlymedia.h"

using namespace comedia;

static GstBuffer *
numbered (guint8 n)
{
  return gst_buffer_new_memdup (&n, 1);
}

static guint8
number_of (GstBuffer * buf)
{
  guint8 n = 0;
  gst_buffer_extract (buf, 0, &n, 1);
  return n;
}

static std::vector<int>
numbers (std::vector<GstBuffer *> bufs)
{
  std::vector<int> out;
  for (GstBuffer *b : bufs) {
    out.push_back (number_of (b));
    gst_buffer_unref (b);
  }
  return out;
}

GST_START_TEST (test_released_in_order)
{
  EarlyMediaHold hold (8, G_USEC_PER_SEC);
  for (guint8 n = 1; n <= 3; n++)
    fail_unless_equals_int (hold.hold (numbered (n), 1000 * n), 0);
  fail_unless_equals_int (hold.size (), 3);
  size_t expired = 99;
  std::vector<int> got = numbers (hold.release (5000, &expired));
  fail_unless (got == std::vector<int> ({1, 2, 3}));
  fail_unless_equals_int (expired, 0);
  fail_unless (hold.empty ());
  /* Nothing more the second time. */
  fail_unless (hold.release (6000, nullptr).empty ());
}
GST_END_TEST;

GST_START_TEST (test_bounded_by_count)
{
  /* A peer whose handshake never ends: the oldest make room. */
  EarlyMediaHold hold (3, G_USEC_PER_SEC);
  size_t dropped = 0;
  for (guint8 n = 1; n <= 10; n++)
    dropped += hold.hold (numbered (n), 1000);
  fail_unless_equals_int (dropped, 7);
  fail_unless_equals_int (hold.size (), 3);
  fail_unless (numbers (hold.release (2000, nullptr)) == std::vector<int> ({8, 9, 10}));
}
GST_END_TEST;

GST_START_TEST (test_bounded_by_age)
{
  EarlyMediaHold hold (100, G_USEC_PER_SEC);
  hold.hold (numbered (1), 0);
  hold.hold (numbered (2), 500 * 1000);
  /* A new packet makes the too old go. */
  fail_unless_equals_int (hold.hold (numbered (3), 1200 * 1000), 1);
  size_t expired = 0;
  std::vector<int> got = numbers (hold.release (1600 * 1000, &expired));
  fail_unless (got == std::vector<int> ({3}));
  fail_unless_equals_int (expired, 1);
}
GST_END_TEST;

GST_START_TEST (test_clear_and_nothing_held)
{
  EarlyMediaHold hold (0, G_USEC_PER_SEC);
  fail_unless_equals_int (hold.hold (numbered (1), 0), 1);
  fail_unless (hold.empty ());
  EarlyMediaHold other;
  other.hold (numbered (1), 0);
  other.hold (numbered (2), 0);
  other.clear ();
  fail_unless (other.empty ());
  /* Destroyed with buffers in it: they are released (gst-check's leak
   * checks and ASan would see them). */
  EarlyMediaHold last;
  last.hold (numbered (1), 0);
}
GST_END_TEST;

static Suite *
earlymedia_suite (void)
{
  Suite *s = suite_create ("earlymedia");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_released_in_order);
  tcase_add_test (tc, test_bounded_by_count);
  tcase_add_test (tc, test_bounded_by_age);
  tcase_add_test (tc, test_clear_and_nothing_held);
  return s;
}

GST_CHECK_MAIN (earlymedia);

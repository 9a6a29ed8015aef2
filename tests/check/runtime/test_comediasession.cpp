/* Runtime unit tests of comedia::Component, without the plugin: the
 * signals the negotiator gives the receiving side through it.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "comediasession.h"

GST_START_TEST (test_reopen_learning_generation)
{
  ComediaSession *session = comedia_session_acquire ("test-relearn");
  comedia::Component *c = comedia_session_open_component (session, 1,
      comedia::COMPONENT_RTP, nullptr, nullptr);
  fail_unless (c != nullptr);
  /* The receiving side starts at 0: nothing to relearn. */
  guint64 seen = 0;
  fail_if (c->learning_reopened (seen));
  c->reopen_learning ();
  fail_unless (c->learning_reopened (seen));
  /* Once per reopening, however often it asks (per batch). */
  fail_if (c->learning_reopened (seen));
  c->reopen_learning ();
  c->reopen_learning ();
  fail_unless (c->learning_reopened (seen));
  fail_if (c->learning_reopened (seen));
  /* Only a signal: the latched peer, the destination, stays meanwhile. */
  comedia::PeerAddress peer;
  fail_unless (comedia::PeerAddress::parse ("198.51.100.7", 4000, peer));
  c->publish_latched_peer (peer, 42);
  c->reopen_learning ();
  fail_unless (c->latched ());
  /* Another reader (a restarted source) sees it too, from its own start. */
  guint64 other = 0;
  fail_unless (c->learning_reopened (other));
  g_object_unref (session);
}

GST_END_TEST;

static Suite *
comediasession_suite (void)
{
  Suite *s = suite_create ("comediasession");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_reopen_learning_generation);
  return s;
}

GST_CHECK_MAIN (comediasession);

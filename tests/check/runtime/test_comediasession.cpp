/* Runtime unit tests of comedia::Component, without the plugin: the
 * signals the negotiator gives the receiving side through it.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "comediasession.h"

using comedia::ReceiveTerms;

/* What the receiving side asks once per batch: did learning reopen since
 * its snapshot? */
static bool
learning_reopened (const comedia::Component *c, ReceiveTerms::Snapshot &seen)
{
  return c->receive_terms.refresh (seen).relearn;
}

GST_START_TEST (test_reopen_learning_generation)
{
  ComediaSession *session = comedia_session_acquire ("test-relearn");
  comedia::Component *c = comedia_session_open_component (session, 1,
      comedia::COMPONENT_RTP, nullptr, nullptr);
  fail_unless (c != nullptr);
  /* The receiving side starts at 0: nothing to relearn. */
  ReceiveTerms::Snapshot seen;
  fail_if (learning_reopened (c, seen));
  c->receive_terms.reopen_learning ();
  fail_unless (learning_reopened (c, seen));
  /* Once per reopening, however often it asks (per batch). */
  fail_if (learning_reopened (c, seen));
  c->receive_terms.reopen_learning ();
  c->receive_terms.reopen_learning ();
  fail_unless (learning_reopened (c, seen));
  fail_if (learning_reopened (c, seen));
  /* Only a signal: the latched peer, the destination, stays meanwhile. */
  comedia::PeerAddress peer;
  fail_unless (comedia::PeerAddress::parse ("198.51.100.7", 4000, peer));
  c->destination.publish_latched (peer, 42);
  c->receive_terms.reopen_learning ();
  fail_unless (c->destination.latched ());
  /* Another reader (a restarted source) sees it too, from its own start. */
  ReceiveTerms::Snapshot other;
  fail_unless (learning_reopened (c, other));
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

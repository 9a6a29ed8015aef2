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

/* Component 1 of stream 1 of a session of its own (@session: unref it). */
static comedia::Component *
open_rtp_component (const char *name, ComediaSession **session)
{
  *session = comedia_session_acquire (name);
  comedia::Component *c = comedia_session_open_component (*session, 1,
      comedia::COMPONENT_RTP, nullptr, nullptr);
  fail_unless (c != nullptr);
  return c;
}

static comedia::PeerAddress
peer_at (const char *ip, guint16 port)
{
  comedia::PeerAddress peer;
  fail_unless (comedia::PeerAddress::parse (ip, port, peer));
  return peer;
}

GST_START_TEST (test_reopen_learning_generation)
{
  ComediaSession *session;
  comedia::Component *c = open_rtp_component ("test-relearn", &session);
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
  comedia::PeerAddress peer = peer_at ("198.51.100.7", 4000);
  c->destination.publish_latched (peer, 42);
  c->receive_terms.reopen_learning ();
  fail_unless (c->destination.latched ());
  /* Another reader (a restarted source) sees it too, from its own start. */
  ReceiveTerms::Snapshot other;
  fail_unless (learning_reopened (c, other));
  g_object_unref (session);
}

GST_END_TEST;

/* The receiving element's one look per turn: nothing changed is no change;
 * each change is said once, and only what changed. */
GST_START_TEST (test_receive_terms_snapshot)
{
  ComediaSession *session;
  comedia::Component *c = open_rtp_component ("test-terms", &session);
  ReceiveTerms::Snapshot seen;
  ReceiveTerms::Changes none = c->receive_terms.refresh (seen);
  fail_if (none.allowed_source || none.relearn || none.inbound_key);

  comedia::PeerAddress preferred = peer_at ("198.51.100.7", 4000);
  c->receive_terms.set_allowed_source ("198.51.100.0/24", preferred);
  ReceiveTerms::Changes changed = c->receive_terms.refresh (seen);
  fail_unless (changed.allowed_source);
  fail_if (changed.relearn || changed.inbound_key);
  fail_unless (seen.allowed_source == "198.51.100.0/24");
  fail_unless (seen.preferred == preferred);
  fail_if (c->receive_terms.refresh (seen).allowed_source);

  /* The same key again is no change (a session refresh). */
  comedia::SrtpKey key;
  key.key_salt.assign (30, 7);
  c->receive_terms.set_inbound_srtp (key);
  c->receive_terms.set_inbound_srtp (key);
  changed = c->receive_terms.refresh (seen);
  fail_unless (changed.inbound_key);
  fail_if (changed.allowed_source || changed.relearn);
  fail_unless (seen.inbound_key == key);
  fail_if (c->receive_terms.refresh (seen).inbound_key);

  /* One reader only. */
  fail_unless (c->receive_terms.claim_reader ());
  fail_if (c->receive_terms.claim_reader ());
  c->receive_terms.release_reader ();
  fail_unless (c->receive_terms.claim_reader ());
  c->receive_terms.release_reader ();
  g_object_unref (session);
}

GST_END_TEST;

/* The stream's RTCP side follows the RTP peer through the destination's
 * generation: a latch, a followed SSRC and a clear each show once. */
GST_START_TEST (test_latched_peer_since)
{
  ComediaSession *session;
  comedia::Component *c = open_rtp_component ("test-latched", &session);
  guint64 generation = 0;
  comedia::Destination::LatchedPeer peer;
  /* A reader at 0 looks once, and sees nothing latched. */
  fail_unless (c->destination.latched_peer_since (generation, peer));
  fail_if (peer.known);
  fail_if (c->destination.latched_peer_since (generation, peer));

  comedia::PeerAddress address = peer_at ("203.0.113.9", 5000);
  c->destination.publish_latched (address, 42);
  fail_unless (c->destination.latched_peer_since (generation, peer));
  fail_unless (peer.known && peer.ssrc == 42 && peer.address == address);
  fail_if (c->destination.latched_peer_since (generation, peer));

  c->destination.follow_latched_ssrc (43);
  fail_unless (c->destination.latched_peer_since (generation, peer));
  fail_unless (peer.known && peer.ssrc == 43 && peer.address == address);

  c->destination.clear_latched ();
  fail_unless (c->destination.latched_peer_since (generation, peer));
  fail_if (peer.known);
  fail_if (c->destination.latched ());
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
  tcase_add_test (tc, test_receive_terms_snapshot);
  tcase_add_test (tc, test_latched_peer_since);
  return s;
}

GST_CHECK_MAIN (comediasession);

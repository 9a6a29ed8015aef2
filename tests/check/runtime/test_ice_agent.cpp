/* The NiceAgent owner: two agents on loopback, each iterated by its own
 * thread, exchange credentials and candidates as SDP would carry them,
 * connect, report their states and selected pair, and carry data.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "iceagent.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

using namespace comedia;

/* Records events from the agent's thread. */
struct Recorder {
  std::mutex lock;
  std::condition_variable cond;
  std::vector<IceEvent> events;

  IceAgent::EventFunc func () {
    return [this] (const IceEvent & e) {
      std::lock_guard<std::mutex> guard (lock);
      events.push_back (e);
      cond.notify_all ();
    };
  }
  bool wait_state (guint stream, guint component, const std::string & state, guint ms) {
    std::unique_lock<std::mutex> guard (lock);
    return cond.wait_for (guard, std::chrono::milliseconds (ms), [&] {
      for (const auto & e : events)
        if (e.type == IceEvent::Type::State && e.stream == stream
            && e.component == component && e.state == state)
          return true;
      return false;
    });
  }
  std::vector<std::string> states (guint stream, guint component) {
    std::lock_guard<std::mutex> guard (lock);
    std::vector<std::string> out;
    for (const auto & e : events)
      if (e.type == IceEvent::Type::State && e.stream == stream && e.component == component)
        out.push_back (e.state);
    return out;
  }
  bool pair (IceEvent & out) {
    std::lock_guard<std::mutex> guard (lock);
    for (const auto & e : events)
      if (e.type == IceEvent::Type::SelectedPair)
        out = e;
    return out.type == IceEvent::Type::SelectedPair;
  }
};

static void
configure_loopback (IceAgent & a)
{
  std::string error;
  /* libnice skips loopback when it enumerates interfaces. */
  fail_unless (a.configure ("", "", {"127.0.0.1"}, error), "%s", error.c_str ());
}

static void
on_receive (NiceAgent * agent, guint stream, guint component, guint len, gchar * buf,
    gpointer data)
{
  static_cast<std::string *> (data)->assign (buf, len);
}

GST_START_TEST (test_two_agents_connect_on_loopback)
{
  Recorder ra, rb;
  IceAgent a (ra.func ()), b (rb.func ());
  configure_loopback (a);
  configure_loopback (b);
  std::string error;
  fail_unless (a.ensure_stream (1, 2, error), "%s", error.c_str ());
  fail_unless (b.ensure_stream (1, 2, error), "%s", error.c_str ());

  IceDescription la, lb;
  fail_unless (a.gather (1, true, 5000, la, error), "%s", error.c_str ());
  fail_unless (b.gather (1, true, 5000, lb, error), "%s", error.c_str ());
  fail_unless (la.present () && lb.present ());
  fail_unless_equals_string (la.default_address.c_str (), "127.0.0.1");
  fail_unless (la.default_rtp_port != 0 && la.default_rtcp_port != 0);
  fail_unless_equals_int (candidate_components (la).size (), 2);
  for (const auto & c : la.candidates) {
    CandidateFields f;
    fail_unless (candidate_fields (c, f), "libnice wrote '%s'", c.c_str ());
    fail_unless_equals_string (f.type.c_str (), "host");
  }
  /* A second gather is the same candidates, not a new gathering. */
  IceDescription again;
  fail_unless (a.gather (1, true, 5000, again, error));
  fail_unless (again.candidates == la.candidates && again.ufrag == la.ufrag);

  /* The offerer (a) controls. */
  fail_unless (a.set_remote (1, lb, true, error), "%s", error.c_str ());
  fail_unless (b.set_remote (1, la, false, error), "%s", error.c_str ());
  for (guint c = 1; c <= 2; c++) {
    fail_unless (ra.wait_state (1, c, "ready", 10000), "a: component %u not ready", c);
    fail_unless (rb.wait_state (1, c, "ready", 10000), "b: component %u not ready", c);
  }
  std::vector<std::string> s = ra.states (1, 1);
  fail_unless (std::find (s.begin (), s.end (), "gathering") != s.end ());
  fail_unless (std::find (s.begin (), s.end (), "checking") != s.end ());
  IceEvent pair;
  fail_unless (ra.pair (pair));
  fail_unless_equals_string (pair.local_type.c_str (), "host");
  fail_unless (g_str_has_prefix (pair.local.c_str (), "127.0.0.1:"));
  fail_unless (g_str_has_prefix (pair.remote.c_str (), "127.0.0.1:"));

  /* Data flows a -> b on component 1. */
  GMainContext *ctx = g_main_context_new ();
  std::string received;
  nice_agent_attach_recv (b.agent (), 1, 1, ctx, on_receive, &received);
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (received.empty () && g_get_monotonic_time () < end) {
    nice_agent_send (a.agent (), 1, 1, 5, "hello");
    g_usleep (20000);
    while (g_main_context_iteration (ctx, FALSE)) {
    }
  }
  fail_unless_equals_string (received.c_str (), "hello");
  nice_agent_attach_recv (b.agent (), 1, 1, ctx, nullptr, nullptr);
  g_main_context_unref (ctx);

  std::string tried = a.tried (1);
  fail_unless (tried.find ("local candidate(s) (host) against 2 remote candidate(s) (host)")
      != std::string::npos, "%s", tried.c_str ());
  fail_unless (tried.find ("no TURN server") != std::string::npos, "%s", tried.c_str ());
}

GST_END_TEST;

GST_START_TEST (test_streams_numbered_as_libnice)
{
  IceAgent a (nullptr);
  std::string error;
  fail_unless (a.ensure_stream (3, 2, error), "%s", error.c_str ());
  fail_unless_equals_int (a.components (1), 1);
  fail_unless_equals_int (a.components (2), 1);
  fail_unless_equals_int (a.components (3), 2);
  fail_unless_equals_int (a.components (4), 0);
  fail_unless (a.ensure_stream (3, 1, error));
  fail_if (a.ensure_stream (2, 2, error));
  fail_unless (error.find ("stream 2 of the NiceAgent already exists with 1 component")
      == 0, "%s", error.c_str ());
  fail_if (a.ensure_stream (1, 3, error));
  IceDescription none;
  fail_if (a.gather (5, true, 100, none, error));
  fail_unless_equals_string (error.c_str (), "the pipeline has no nicesrc/nicesink for stream 5");
}

GST_END_TEST;

GST_START_TEST (test_server_urls)
{
  struct {
    const char *url;
    bool turn;
    const char *expected;       /* "address port user password type" or error prefix */
  } cases[] = {
    {"stun://127.0.0.1", false, "127.0.0.1 3478   0"},
    {"stun://127.0.0.1:19302", false, "127.0.0.1 19302   0"},
    {"stun:127.0.0.1:3479", false, "127.0.0.1 3479   0"},
    {"turn://alice:s3cret@127.0.0.1:3478", true, "127.0.0.1 3478 alice s3cret 0"},
    {"turn:alice:s3cret@127.0.0.1", true, "127.0.0.1 3478 alice s3cret 0"},
    {"turn://alice:s3cret@127.0.0.1:3478?transport=tcp", true, "127.0.0.1 3478 alice s3cret 1"},
    {"turns://alice:s3cret@127.0.0.1", true, "127.0.0.1 5349 alice s3cret 2"},
    {"turn://127.0.0.1:3478", true, "error: turn-server 'turn://127.0.0.1:3478' needs a user"},
    {"http://127.0.0.1", false, "error: stun-server 'http://127.0.0.1' should start with stun://"},
    {"stun://alice:x@127.0.0.1", true, "error: turn-server 'stun://alice:x@127.0.0.1' should start with turn://"},
    {"not a url", false, "error: stun-server 'not a url' is not a URL"},
  };
  for (const auto & c : cases) {
    IceServer s;
    std::string error, got;
    if (parse_ice_server_url (c.url, c.turn, s, error))
      got = s.address + " " + std::to_string (s.port) + " " + s.user + " " + s.password +
          " " + std::to_string ((int) s.relay_type);
    else
      got = "error: " + error;
    fail_unless (got.find (c.expected) == 0, "%s: got '%s', expected '%s'", c.url,
        got.c_str (), c.expected);
  }
  IceAgent a (nullptr);
  std::string error;
  fail_if (a.configure ("", "", {"not-an-address"}, error));
  fail_unless_equals_string (error.c_str (), "'not-an-address' is not an IP address to "
      "gather candidates on");
}

GST_END_TEST;

static Suite *
ice_agent_suite (void)
{
  Suite *s = suite_create ("ice-agent");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_two_agents_connect_on_loopback);
  tcase_add_test (tc, test_streams_numbered_as_libnice);
  tcase_add_test (tc, test_server_urls);
  return s;
}

GST_CHECK_MAIN (ice_agent);

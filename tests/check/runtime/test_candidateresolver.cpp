/* CandidateResolver: mDNS names of a peer's candidates looked up in the
 * background on a context's thread, through the process's GResolver (here
 * testresolver.h's): which address a candidate gets, the bounded wait, and
 * that a cancelled lookup never reports.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "candidateresolver.h"
#include "testresolver.h"

#include <condition_variable>
#include <mutex>
#include <thread>

using namespace comedia;

/* A context iterated by a thread of its own, as IceAgent's. */
struct ContextThread {
  GMainContext *context = g_main_context_new ();
  GMainLoop *loop = g_main_loop_new (context, FALSE);
  std::thread thread;
  ContextThread ()
  {
    thread = std::thread ([this] {
          g_main_context_push_thread_default (context);
          g_main_loop_run (loop);
          g_main_context_pop_thread_default (context);
        });
  }
  ~ContextThread ()
  {
    GSource *quit = g_idle_source_new ();
    g_source_set_callback (quit, [] (gpointer l) -> gboolean {
          g_main_loop_quit (static_cast<GMainLoop *> (l));
          return G_SOURCE_REMOVE;
        }, loop, nullptr);
    g_source_attach (quit, context);
    g_source_unref (quit);
    thread.join ();
    g_main_loop_unref (loop);
    g_main_context_unref (context);
  }
};

/* What the DoneFunc got. */
struct Reports {
  std::mutex lock;
  std::condition_variable cond;
  std::vector<NameResolution> got;
  CandidateResolver::DoneFunc func ()
  {
    return [this] (NameResolution & r) {
      std::lock_guard<std::mutex> guard (lock);
      got.push_back (r);
      cond.notify_all ();
    };
  }
  bool wait (size_t n, guint ms)
  {
    std::unique_lock<std::mutex> guard (lock);
    return cond.wait_for (guard, std::chrono::milliseconds (ms),
        [this, n] { return got.size () >= n; });
  }
};

/* Whether @resolver's lookups come down to @n within a second. */
static bool
wait_pending (CandidateResolver & resolver, guint n)
{
  gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (resolver.pending () != n && g_get_monotonic_time () < end)
    g_usleep (5000);
  return resolver.pending () == n;
}

static MdnsCandidate
candidate (const char *value)
{
  MdnsCandidate c;
  fail_unless (mdns_candidate (value, c), "%s", value);
  return c;
}

/* The first IPv4 address, else the first IPv6 one that is not
 * link-local, else none. */
GST_START_TEST (test_address_chosen)
{
  struct {
    std::vector<std::string> given;
    const char *chosen;         /* nullptr: an error */
  } cases[] = {
    {{"127.0.0.1"}, "127.0.0.1"},
    {{"2001:db8::7", "192.0.2.7", "192.0.2.8"}, "192.0.2.7"},
    {{"fe80::1", "2001:db8::7"}, "2001:db8::7"},
    {{"fe80::1"}, nullptr},
  };
  ContextThread ct;
  for (const auto & c : cases) {
    use_test_resolver (ResolverMode::Answer, c.given);
    Reports reports;
    {
      CandidateResolver resolver (ct.context, 3000);
      resolver.resolve (1, candidate ("0 1 UDP 2122252543 " MDNS_NAME " 60571 typ host"),
          reports.func ());
      fail_unless (reports.wait (1, 2000));
    }
    const NameResolution & r = reports.got[0];
    fail_unless_equals_int (r.stream, 1);
    fail_unless_equals_string (r.candidate.name.c_str (), MDNS_NAME);
    fail_if (r.timed_out);
    if (c.chosen) {
      fail_unless_equals_string (r.address.c_str (), c.chosen);
      fail_unless (r.error.empty (), "%s", r.error.c_str ());
    } else {
      fail_unless (r.address.empty ());
      fail_unless (r.error.find ("link-local") != std::string::npos, "%s", r.error.c_str ());
    }
  }
}

GST_END_TEST;

GST_START_TEST (test_not_found_and_timeout)
{
  ContextThread ct;
  Reports reports;
  use_test_resolver (ResolverMode::Fail);
  CandidateResolver resolver (ct.context, 300);
  resolver.resolve (2, candidate ("0 1 UDP 2122252543 other.local 60571 typ host"),
      reports.func ());
  fail_unless (reports.wait (1, 2000));
  fail_unless (reports.got[0].error.find ("Name or service not known") != std::string::npos,
      "%s", reports.got[0].error.c_str ());
  fail_if (reports.got[0].timed_out);

  /* Never answering: ended by the bound, not before. */
  use_test_resolver (ResolverMode::Never);
  gint64 start = g_get_monotonic_time ();
  resolver.resolve (2, candidate ("0 1 UDP 2122252543 " MDNS_NAME " 60571 typ host"),
      reports.func ());
  fail_unless (reports.wait (2, 3000));
  gint64 took_ms = (g_get_monotonic_time () - start) / 1000;
  fail_unless (took_ms >= 290, "ended after %" G_GINT64_FORMAT " ms", took_ms);
  fail_unless (reports.got[1].timed_out);
  fail_unless_equals_string (reports.got[1].error.c_str (), "no answer within 300 ms");
  fail_unless_equals_int (test_resolver_state.cancelled.load (), 1);
  /* Out of the list just after its report. */
  fail_unless (wait_pending (resolver, 0));
}

GST_END_TEST;

/* cancel(stream) ends that stream's lookups without a report; the others
 * go on; the destructor cancels the rest, again without a report. */
GST_START_TEST (test_cancel_never_reports)
{
  ContextThread ct;
  Reports reports;
  use_test_resolver (ResolverMode::Never);
  {
    CandidateResolver resolver (ct.context, 60000);
    MdnsCandidate c = candidate ("0 1 UDP 2122252543 " MDNS_NAME " 60571 typ host");
    resolver.resolve (1, c, reports.func ());
    resolver.resolve (2, c, reports.func ());
    /* Cancelled before it even started, on the context's thread. */
    resolver.resolve (3, c, reports.func ());
    resolver.cancel (3);
    fail_unless (wait_pending (resolver, 2));
    resolver.cancel (1);
    fail_unless (wait_pending (resolver, 1));
    fail_unless_equals_int (test_resolver_state.started.load (), 3);
  }
  /* The destructor waited for stream 2's lookup to end. */
  fail_unless_equals_int (test_resolver_state.cancelled.load (), 3);
  g_usleep (100000);
  std::lock_guard<std::mutex> guard (reports.lock);
  fail_unless_equals_int (reports.got.size (), 0);
}

GST_END_TEST;

static Suite *
candidateresolver_suite (void)
{
  Suite *s = suite_create ("candidateresolver");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_address_chosen);
  tcase_add_test (tc, test_not_found_and_timeout);
  tcase_add_test (tc, test_cancel_never_reports);
  return s;
}

GST_CHECK_MAIN (candidateresolver);

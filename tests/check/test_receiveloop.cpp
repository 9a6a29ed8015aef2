/* Unit tests of comedia::ReceiveLoop, the receive thread that comedia-rtpsrc
 * elements share: sharing by name, readable sockets, deadlines, wake-ups,
 * inactive clients, and remove() waiting for a serve() in progress.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "receiveloop.h"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

using comedia::ReceiveClient;
using comedia::ReceiveLoop;

/* Counts its calls; reads (and so clears) its socket when readable. */
class CountingClient : public ReceiveClient {
public:
  explicit CountingClient (int fd) : fd_ (fd) {}

  gint64 serve (gint64 now, bool readable) override
  {
    calls++;
    if (readable) {
      char byte;
      if (read (fd_, &byte, 1) == 1)
        reads++;
    }
    thread = std::this_thread::get_id ();
    if (hold_us > 0)
      g_usleep (hold_us);
    served_at = now;
    return next_deadline_us < 0 ? -1 : now + next_deadline_us;
  }

  std::atomic<int> calls{0};
  std::atomic<int> reads{0};
  std::atomic<gint64> served_at{0};
  std::atomic<std::thread::id> thread{};
  std::atomic<gint64> next_deadline_us{-1};
  std::atomic<gulong> hold_us{0};

private:
  int fd_;
};

/* A datagram socket pair: write to [1], the client watches [0]. */
struct SocketPair {
  int fds[2];
  SocketPair () { fail_unless (socketpair (AF_UNIX, SOCK_DGRAM, 0, fds) == 0); }
  ~SocketPair () { close (fds[0]); close (fds[1]); }
  void send () { fail_unless (write (fds[1], "x", 1) == 1); }
};

static bool
wait_for (const std::atomic<int> &value, int at_least)
{
  for (int i = 0; i < 500 && value.load () < at_least; i++)
    g_usleep (2000);
  return value.load () >= at_least;
}

static std::shared_ptr<ReceiveLoop>
get_loop (const char *name)
{
  GError *err = nullptr;
  auto loop = ReceiveLoop::get (name, &err);
  fail_unless (loop != nullptr, "no loop: %s", err ? err->message : "?");
  return loop;
}

GST_START_TEST (test_shared_by_name_private_when_unnamed)
{
  auto a = get_loop ("unit-shared");
  auto b = get_loop ("unit-shared");
  fail_unless (a == b);
  fail_unless (get_loop ("") != get_loop (""));
  fail_unless (get_loop ("unit-other") != a);

  /* The name goes with its last user: a later get starts a new loop. */
  std::weak_ptr<ReceiveLoop> weak = a;
  a.reset ();
  b.reset ();
  fail_unless (weak.expired ());
}
GST_END_TEST;

GST_START_TEST (test_readable_sockets_served_on_one_thread)
{
  auto loop = get_loop ("unit-readable");
  SocketPair p1, p2;
  CountingClient c1 (p1.fds[0]), c2 (p2.fds[0]);
  loop->add (&c1, p1.fds[0]);
  loop->add (&c2, p2.fds[0]);

  /* Not active yet: a readable socket is left alone. */
  p1.send ();
  g_usleep (50 * 1000);
  fail_unless_equals_int (c1.calls.load (), 0);

  loop->set_active (&c1, true);
  loop->set_active (&c2, true);
  fail_unless (wait_for (c1.reads, 1), "queued datagram not read on activation");
  p2.send ();
  p2.send ();
  fail_unless (wait_for (c2.reads, 2));
  fail_unless (c1.thread.load () == c2.thread.load ());
  fail_unless (c1.thread.load () != std::this_thread::get_id ());

  /* Inactive again: nothing is read. */
  loop->set_active (&c1, false);
  int before = c1.calls.load ();
  p1.send ();
  g_usleep (50 * 1000);
  fail_unless_equals_int (c1.calls.load (), before);

  loop->remove (&c1);
  loop->remove (&c2);
}
GST_END_TEST;

GST_START_TEST (test_deadline_and_wake)
{
  auto loop = get_loop ("");
  SocketPair p;
  CountingClient c (p.fds[0]);
  c.next_deadline_us = 30 * 1000;
  loop->add (&c, p.fds[0]);
  gint64 start = g_get_monotonic_time ();
  loop->set_active (&c, true);
  /* The first call on activation, then one per deadline, with no packet. */
  fail_unless (wait_for (c.calls, 3));
  fail_unless (g_get_monotonic_time () - start >= 60 * 1000,
      "deadlines met early");
  fail_unless_equals_int (c.reads.load (), 0);

  /* No deadline: only a wake() calls it. */
  c.next_deadline_us = -1;
  g_usleep (60 * 1000);
  int quiet = c.calls.load ();
  g_usleep (60 * 1000);
  fail_unless_equals_int (c.calls.load (), quiet);
  loop->wake (&c);
  fail_unless (wait_for (c.calls, quiet + 1));
  loop->remove (&c);
}
GST_END_TEST;

GST_START_TEST (test_remove_waits_for_serve_in_progress)
{
  auto loop = get_loop ("");
  SocketPair p;
  CountingClient c (p.fds[0]);
  c.hold_us = 200 * 1000;
  loop->add (&c, p.fds[0]);
  loop->set_active (&c, true);
  p.send ();
  /* The activation call holds the thread for 200 ms: remove() returns only
   * after it, and nothing is called afterwards. */
  fail_unless (wait_for (c.calls, 1));
  gint64 start = g_get_monotonic_time ();
  loop->remove (&c);
  int calls = c.calls.load ();
  fail_unless (g_get_monotonic_time () - start >= 100 * 1000,
      "remove() returned while serve() was running");
  p.send ();
  g_usleep (50 * 1000);
  fail_unless_equals_int (c.calls.load (), calls);
}
GST_END_TEST;

static Suite *
receiveloop_suite (void)
{
  Suite *s = suite_create ("receiveloop");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_shared_by_name_private_when_unnamed);
  tcase_add_test (tc, test_readable_sockets_served_on_one_thread);
  tcase_add_test (tc, test_deadline_and_wake);
  tcase_add_test (tc, test_remove_waits_for_serve_in_progress);
  return s;
}

GST_CHECK_MAIN (receiveloop);

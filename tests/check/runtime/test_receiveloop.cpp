/* Unit tests of comedia::ReceiveLoop, the receive thread that comedia-rtpsrc
 * elements share: sharing by name, readable sockets, deadlines, wake-ups,
 * inactive clients, remove() waiting for a serve() in progress, and a loop
 * that stands for a pool of threads.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "receiveloop.h"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

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

/* Reads one numbered datagram per call and checks that the numbers come
 * one after the other: nothing skipped, nothing twice, nothing out of
 * order. */
class SequenceClient : public ReceiveClient {
public:
  explicit SequenceClient (int fd, guint32 first = 0) : next (first), fd_ (fd) {}

  gint64 serve (gint64, bool readable) override
  {
    if (!readable)
      return -1;
    guint32 seq;
    if (read (fd_, &seq, sizeof seq) != sizeof seq)
      return -1;
    if (seq != next.load ())
      gaps++;
    next = seq + 1;
    {
      std::lock_guard<std::mutex> guard (lock);
      threads.insert (std::this_thread::get_id ());
    }
    return -1;
  }

  std::atomic<guint32> next;
  std::atomic<int> gaps{0};
  std::mutex lock;
  std::set<std::thread::id> threads;

private:
  int fd_;
};

/* Writes @count numbered datagrams from @first to @fd, waiting whenever the
 * socket is full. */
static void
send_numbered (int fd, guint32 first, guint32 count)
{
  for (guint32 seq = first; seq < first + count;) {
    if (write (fd, &seq, sizeof seq) == sizeof seq)
      seq++;
    else
      g_usleep (100);
  }
}

static bool
wait_for_next (const std::atomic<guint32> &next, guint32 value)
{
  for (int i = 0; i < 2500 && next.load () < value; i++)
    g_usleep (2000);
  return next.load () >= value;
}

GST_START_TEST (test_pool_spreads_clients_and_keeps_affinity)
{
  GError *err = nullptr;
  auto loop = ReceiveLoop::get ("unit-pool", {2, 0}, &err);
  fail_unless (loop != nullptr);
  fail_unless_equals_int (loop->threads (), 2);
  /* The first user's size holds while the loop lives. */
  auto again = ReceiveLoop::get ("unit-pool", {3, 0}, &err);
  fail_unless (again == loop);
  fail_unless_equals_int (again->threads (), 2);

  SocketPair p1, p2, p3;
  CountingClient a_rtp (p1.fds[0]), a_rtcp (p2.fds[0]), b_rtp (p3.fds[0]);
  loop->add (&a_rtp, p1.fds[0], "session-a");
  loop->add (&a_rtcp, p2.fds[0], "session-a");
  loop->add (&b_rtp, p3.fds[0], "session-b");
  /* One session on one thread; the next session on the other. */
  fail_unless_equals_int (loop->thread_of (&a_rtp), loop->thread_of (&a_rtcp));
  fail_unless (loop->thread_of (&b_rtp) != loop->thread_of (&a_rtp));

  for (ReceiveClient *c : { (ReceiveClient *) &a_rtp,
          (ReceiveClient *) &a_rtcp, (ReceiveClient *) &b_rtp })
    loop->set_active (c, true);
  p1.send ();
  p2.send ();
  p3.send ();
  fail_unless (wait_for (a_rtp.reads, 1));
  fail_unless (wait_for (a_rtcp.reads, 1));
  fail_unless (wait_for (b_rtp.reads, 1));
  fail_unless (a_rtp.thread.load () == a_rtcp.thread.load ());
  fail_unless (a_rtp.thread.load () != b_rtp.thread.load (),
      "two sessions on one thread of a pool of two");

  loop->remove (&a_rtp);
  loop->remove (&a_rtcp);
  loop->remove (&b_rtp);
  fail_unless_equals_int (loop->thread_of (&a_rtp), -1);
}
GST_END_TEST;

/* Four clients on a pool of two under a steady stream each: every client
 * gets its datagrams in order on one thread.  One is then taken off the
 * pool while its writer goes on, and added to another loop on the same
 * socket: the numbers go on where they stopped, so nothing it had read was
 * lost and nothing was read twice. */
GST_START_TEST (test_pool_keeps_order_and_moves_without_loss)
{
  const guint32 per_client = 5000;
  GError *err = nullptr;
  auto pool = ReceiveLoop::get ("unit-pool-order", {2, 0}, &err);
  fail_unless (pool != nullptr);
  auto other = ReceiveLoop::get ("unit-pool-other", {1, 0}, &err);
  fail_unless (other != nullptr);

  SocketPair pairs[4];
  std::vector<std::unique_ptr<SequenceClient>> clients;
  for (guint i = 0; i < 4; i++) {
    clients.emplace_back (new SequenceClient (pairs[i].fds[0]));
    pool->add (clients[i].get (), pairs[i].fds[0],
        "session-" + std::to_string (i));
    pool->set_active (clients[i].get (), true);
  }

  std::vector<std::thread> writers;
  for (guint i = 0; i < 4; i++)
    writers.emplace_back (send_numbered, pairs[i].fds[1], 0, per_client);

  /* Mid-stream, client 0 leaves the pool... */
  fail_unless (wait_for_next (clients[0]->next, per_client / 4));
  pool->remove (clients[0].get ());
  guint32 stopped_at = clients[0]->next.load ();
  g_usleep (20 * 1000);
  fail_unless_equals_int (clients[0]->next.load (), stopped_at);
  /* ...and goes on elsewhere from the very next datagram. */
  SequenceClient moved (pairs[0].fds[0], stopped_at);
  other->add (&moved, pairs[0].fds[0], "session-0");
  other->set_active (&moved, true);

  for (std::thread & w : writers)
    w.join ();
  fail_unless (wait_for_next (moved.next, per_client),
      "the moved client stopped at %u", moved.next.load ());
  fail_unless_equals_int (moved.gaps.load (), 0);
  fail_unless_equals_int (clients[0]->gaps.load (), 0);
  for (guint i = 1; i < 4; i++) {
    fail_unless (wait_for_next (clients[i]->next, per_client),
        "client %u stopped at %u", i, clients[i]->next.load ());
    fail_unless_equals_int (clients[i]->gaps.load (), 0);
    fail_unless_equals_int (clients[i]->threads.size (), 1);
    pool->remove (clients[i].get ());
  }
  other->remove (&moved);
}
GST_END_TEST;

/* Reads everything queued at each call, as comedia-rtpsrc's batches do. */
class DrainingClient : public ReceiveClient {
public:
  explicit DrainingClient (int fd) : fd_ (fd) {}

  gint64 serve (gint64, bool readable) override
  {
    if (!readable)
      return -1;
    calls++;
    char byte;
    while (recv (fd_, &byte, 1, MSG_DONTWAIT) == 1)
      reads++;
    return -1;
  }

  std::atomic<int> calls{0};
  std::atomic<int> reads{0};

private:
  int fd_;
};

/* 200 datagrams, one every 0.5 ms: without coalescing nearly each is its
 * own wake-up; with 5 ms of coalescing a wake-up takes about ten. */
static int
wake_ups_for_paced_stream (guint coalesce_us)
{
  GError *err = nullptr;
  auto loop = ReceiveLoop::get ("", {1, coalesce_us}, &err);
  fail_unless (loop != nullptr);
  fail_unless_equals_int (loop->settings ().coalesce_us, coalesce_us);
  SocketPair p;
  DrainingClient c (p.fds[0]);
  loop->add (&c, p.fds[0]);
  loop->set_active (&c, true);
  for (int i = 0; i < 200; i++) {
    p.send ();
    g_usleep (500);
  }
  fail_unless (wait_for (c.reads, 200), "%d of 200 read", c.reads.load ());
  loop->remove (&c);
  return c.calls.load ();
}

GST_START_TEST (test_coalescing_serves_many_packets_per_wake_up)
{
  int plain = wake_ups_for_paced_stream (0);
  int coalesced = wake_ups_for_paced_stream (5000);
  /* Paced at 0.5 ms, 200 datagrams take at least 100 ms: 5 ms wake-ups
   * make about 20 of them, where a plain loop makes one per datagram. */
  fail_unless (coalesced <= 40, "%d wake-ups with 5 ms coalescing", coalesced);
  fail_unless (plain > 2 * coalesced, "plain %d, coalesced %d", plain,
      coalesced);
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
  tcase_add_test (tc, test_pool_spreads_clients_and_keeps_affinity);
  tcase_add_test (tc, test_pool_keeps_order_and_moves_without_loss);
  tcase_add_test (tc, test_coalescing_serves_many_packets_per_wake_up);
  return s;
}

GST_CHECK_MAIN (receiveloop);

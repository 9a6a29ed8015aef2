/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "receiveloop.h"
#include "sharedbyname.h"

#include <gio/gio.h>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace comedia {

namespace {

struct Entry {
  ReceiveClient *client;
  int fd;
  guint64 id;          /* what epoll reports: an entry may be gone by then */
  bool active = false;
  gint64 deadline = -1;
};

/* Events taken from epoll per wait. */
constexpr int MAX_EVENTS = 64;

}  // namespace

struct ReceiveLoop::Impl {
  std::string name;
  int epoll_fd = -1;
  int wake_fd = -1;       /* eventfd: wakes the thread for control work */
  std::thread thread;
  std::thread::id thread_id;

  std::mutex lock;
  std::condition_variable served;   /* signalled after each serve() */
  bool quit = false;
  guint64 next_id = 1;
  std::unordered_map<ReceiveClient *, Entry> entries;
  std::unordered_map<guint64, ReceiveClient *> by_id;
  std::set<std::pair<gint64, guint64>> deadlines;
  std::vector<guint64> woken;
  guint64 serving = 0;    /* id of the client in serve(), 0 if none */

  ~Impl ()
  {
    if (epoll_fd >= 0)
      close (epoll_fd);
    if (wake_fd >= 0)
      close (wake_fd);
  }

  void poke ()
  {
    guint64 one = 1;
    /* Only fails when the counter is saturated: the thread is awake then. */
    if (write (wake_fd, &one, sizeof one) < 0) {
    }
  }

  /* With the lock held. */
  void set_deadline (Entry & e, gint64 deadline)
  {
    if (e.deadline >= 0)
      deadlines.erase ({e.deadline, e.id});
    e.deadline = deadline;
    if (deadline >= 0 && e.active)
      deadlines.insert ({deadline, e.id});
  }

  /* Milliseconds epoll may wait: until the earliest deadline, rounded up so
   * a deadline is never met early. */
  int wait_ms (gint64 now)
  {
    std::lock_guard<std::mutex> guard (lock);
    if (!woken.empty ())
      return 0;
    if (deadlines.empty ())
      return -1;
    gint64 until = deadlines.begin ()->first - now;
    if (until <= 0)
      return 0;
    return (int) MIN ((until + 999) / 1000, (gint64) G_MAXINT);
  }

  void run ();
  void serve_one (guint64 id, gint64 now, bool readable);
};

void
ReceiveLoop::Impl::serve_one (guint64 id, gint64 now, bool readable)
{
  ReceiveClient *client;
  {
    std::lock_guard<std::mutex> guard (lock);
    auto it = by_id.find (id);
    if (it == by_id.end ())
      return;                 /* removed since epoll reported it */
    Entry & e = entries.at (it->second);
    if (!e.active)
      return;
    client = e.client;
    set_deadline (e, -1);
    serving = id;
  }

  gint64 next = client->serve (now, readable);

  {
    std::lock_guard<std::mutex> guard (lock);
    serving = 0;
    auto it = by_id.find (id);
    if (it != by_id.end ())
      set_deadline (entries.at (it->second), next);
  }
  served.notify_all ();
}

void
ReceiveLoop::Impl::run ()
{
  epoll_event events[MAX_EVENTS];
  std::vector<guint64> due;

  for (;;) {
    int n = epoll_wait (epoll_fd, events, MAX_EVENTS,
        wait_ms (g_get_monotonic_time ()));
    if (n < 0 && errno != EINTR) {
      g_critical ("comedia receive thread '%s': epoll_wait failed: %s",
          name.c_str (), g_strerror (errno));
      return;
    }
    gint64 now = g_get_monotonic_time ();

    for (int i = 0; i < n; i++) {
      if (events[i].data.u64 == 0) {
        guint64 count;
        if (read (wake_fd, &count, sizeof count) < 0) {
          /* EAGAIN: another read took it */
        }
        continue;
      }
      serve_one (events[i].data.u64, now, true);
    }

    due.clear ();
    {
      std::lock_guard<std::mutex> guard (lock);
      if (quit)
        return;
      due.swap (woken);
      for (auto it = deadlines.begin ();
          it != deadlines.end () && it->first <= now; ++it)
        due.push_back (it->second);
    }
    for (guint64 id : due)
      serve_one (id, now, false);
  }
}

namespace {

/* The receive threads shared by name (`receive-thread`). */
using LoopTable = comedia::SharedByName<std::string, ReceiveLoop>;

LoopTable &
loop_table ()
{
  static LoopTable &table = LoopTable::leaked ();
  return table;
}

}  // namespace

/* A running loop, or nullptr and @error.  Nothing is wrapped in a
 * ReceiveLoop until its thread runs, so a failed start never reaches the
 * destructor (which leaves the table, under whose lock this may run). */
std::shared_ptr<ReceiveLoop>
ReceiveLoop::start (const std::string & name, GError ** error)
{
  auto impl = std::make_unique<Impl> ();
  impl->name = name;
  impl->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  impl->wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  epoll_event ev = { };
  ev.events = EPOLLIN;
  ev.data.u64 = 0;
  if (impl->epoll_fd < 0 || impl->wake_fd < 0 ||
      epoll_ctl (impl->epoll_fd, EPOLL_CTL_ADD, impl->wake_fd, &ev) < 0) {
    int saved = errno;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
        "Could not set up a receive thread: %s", g_strerror (saved));
    return nullptr;
  }

  Impl *p = impl.get ();
  try {
    p->thread = std::thread (&Impl::run, p);
  } catch (const std::system_error & e) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
        "Could not start a receive thread: %s", e.what ());
    return nullptr;
  }
  p->thread_id = p->thread.get_id ();
  return std::shared_ptr<ReceiveLoop> (new ReceiveLoop (std::move (impl)));
}

std::shared_ptr<ReceiveLoop>
ReceiveLoop::get (const std::string & name, GError ** error)
{
  if (name.empty ())
    return start (name, error);
  return loop_table ().acquire (name, [&] () { return start (name, error); });
}

ReceiveLoop::ReceiveLoop (std::unique_ptr<Impl> impl) : impl_ (std::move (impl))
{
}

ReceiveLoop::~ReceiveLoop ()
{
  /* A new loop of the same name may have replaced this one already. */
  if (!impl_->name.empty ())
    loop_table ().forget (impl_->name);
  {
    std::lock_guard<std::mutex> guard (impl_->lock);
    impl_->quit = true;
  }
  impl_->poke ();
  if (impl_->thread.joinable ()) {
    if (std::this_thread::get_id () == impl_->thread_id) {
      /* The last user let go from inside serve(): the thread returns on
       * its own once it sees quit, but Impl must outlive it. */
      impl_->thread.detach ();
      (void) impl_.release ();
    } else {
      impl_->thread.join ();
    }
  }
}

void
ReceiveLoop::add (ReceiveClient * client, int fd)
{
  std::lock_guard<std::mutex> guard (impl_->lock);
  Entry e;
  e.client = client;
  e.fd = fd;
  e.id = impl_->next_id++;
  impl_->by_id[e.id] = client;
  impl_->entries.emplace (client, e);
}

void
ReceiveLoop::set_active (ReceiveClient * client, bool active)
{
  std::lock_guard<std::mutex> guard (impl_->lock);
  auto it = impl_->entries.find (client);
  if (it == impl_->entries.end () || it->second.active == active)
    return;
  Entry & e = it->second;
  e.active = active;
  if (active) {
    /* Level-triggered: a socket with datagrams queued while inactive is
     * reported at once. */
    epoll_event ev = { };
    ev.events = EPOLLIN;
    ev.data.u64 = e.id;
    if (epoll_ctl (impl_->epoll_fd, EPOLL_CTL_ADD, e.fd, &ev) < 0)
      g_critical ("comedia receive thread '%s': cannot watch socket %d: %s",
          impl_->name.c_str (), e.fd, g_strerror (errno));
    /* A first call without a packet, for what is due at start. */
    impl_->woken.push_back (e.id);
    impl_->poke ();
  } else {
    epoll_ctl (impl_->epoll_fd, EPOLL_CTL_DEL, e.fd, nullptr);
    impl_->set_deadline (e, -1);
  }
}

void
ReceiveLoop::wake (ReceiveClient * client)
{
  std::lock_guard<std::mutex> guard (impl_->lock);
  auto it = impl_->entries.find (client);
  if (it == impl_->entries.end ())
    return;
  impl_->woken.push_back (it->second.id);
  impl_->poke ();
}

void
ReceiveLoop::remove (ReceiveClient * client)
{
  std::unique_lock<std::mutex> guard (impl_->lock);
  auto it = impl_->entries.find (client);
  if (it == impl_->entries.end ())
    return;
  Entry & e = it->second;
  if (e.active)
    epoll_ctl (impl_->epoll_fd, EPOLL_CTL_DEL, e.fd, nullptr);
  impl_->set_deadline (e, -1);
  guint64 id = e.id;
  impl_->by_id.erase (id);
  impl_->entries.erase (it);

  if (std::this_thread::get_id () == impl_->thread_id)
    return;
  impl_->served.wait (guard, [this, id] { return impl_->serving != id; });
}

}  // namespace comedia

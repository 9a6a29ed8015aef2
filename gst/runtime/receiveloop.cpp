/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "receiveloop.h"
#include "sharedbyname.h"

#include <gio/gio.h>

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
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

struct Worker;

/* One registered client.  Its address is what epoll hands back, so a
 * wake-up finds it without a lookup; a removed entry is freed only after
 * the wake-up that may still name it (Worker::graveyard). */
struct Entry {
  ReceiveClient *client;
  int fd;
  Worker *worker;
  std::string affinity;
  bool active = false;
  bool removed = false;
  /* When the client asked to be called again (-1: never), and the time it
   * is filed under in Worker::deadlines (-1: not filed).  A deadline that
   * moves later, as it does with every packet, is not refiled: the early
   * filing fires, sees the later wish and files that instead, so a steady
   * stream costs no tree operation per packet. */
  gint64 deadline = -1;
  gint64 filed = -1;
};

/* Events taken from epoll per wait. */
constexpr int MAX_EVENTS = 256;

/* What epoll reports for the eventfd (no Entry has this address). */
constexpr guint64 WAKE_TAG = 0;

/* One thread of a loop, with its own epoll instance and lock: the threads
 * of a pool share nothing on the packet path. */
struct Worker {
  std::string name;
  gint64 coalesce_us = 0;
  int epoll_fd = -1;
  int wake_fd = -1;       /* eventfd: wakes the thread for control work */
  std::thread thread;
  std::thread::id thread_id;

  std::mutex lock;
  std::condition_variable served;   /* signalled after each serve() */
  bool quit = false;
  std::set<std::pair<gint64, Entry *>> deadlines;
  std::vector<Entry *> woken;
  std::vector<Entry *> graveyard;   /* removed, freed after this wake-up */
  Entry *serving = nullptr;
  guint clients = 0;                /* with the loop's lock */

  ~Worker ()
  {
    if (epoll_fd >= 0)
      close (epoll_fd);
    if (wake_fd >= 0)
      close (wake_fd);
    for (Entry *e : graveyard)
      delete e;
  }

  bool open (GError ** error)
  {
    epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
    wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
    epoll_event ev = { };
    ev.events = EPOLLIN;
    ev.data.u64 = WAKE_TAG;
    if (epoll_fd < 0 || wake_fd < 0 ||
        epoll_ctl (epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev) < 0) {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
          "Could not set up a receive thread: %s", g_strerror (saved));
      return false;
    }
    return true;
  }

  void poke ()
  {
    guint64 one = 1;
    /* Only fails when the counter is saturated: the thread is awake then. */
    if (write (wake_fd, &one, sizeof one) < 0) {
    }
  }

  /* With the lock held. */
  void file (Entry * e, gint64 at)
  {
    if (e->filed >= 0)
      deadlines.erase ({e->filed, e});
    e->filed = at;
    if (at >= 0)
      deadlines.insert ({at, e});
  }

  /* With the lock held: @e wants to be called at @deadline (-1: never). */
  void set_deadline (Entry * e, gint64 deadline)
  {
    e->deadline = deadline;
    if (deadline >= 0 && e->active && (e->filed < 0 || deadline < e->filed))
      file (e, deadline);
  }

  /* With the lock held: @e is no longer called, nor named anywhere. */
  void forget (Entry * e)
  {
    file (e, -1);
    e->deadline = -1;
    woken.erase (std::remove (woken.begin (), woken.end (), e), woken.end ());
  }

  /* Milliseconds epoll may wait: until the earliest filed deadline,
   * rounded up so a deadline is never met early. */
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

  /* With the lock held: what is due at @now into @due; filings that a later
   * wish has overtaken are refiled. */
  void take_due (gint64 now, std::vector<Entry *> & due)
  {
    due.swap (woken);
    while (!deadlines.empty () && deadlines.begin ()->first <= now) {
      Entry *e = deadlines.begin ()->second;
      deadlines.erase (deadlines.begin ());
      e->filed = -1;
      if (e->deadline < 0)
        continue;
      if (e->deadline <= now)
        due.push_back (e);
      else
        file (e, e->deadline);
    }
  }

  void run ();
  void serve_one (Entry * e, gint64 now, bool readable);
};

void
Worker::serve_one (Entry * e, gint64 now, bool readable)
{
  {
    std::lock_guard<std::mutex> guard (lock);
    if (e->removed || !e->active)
      return;
    serving = e;
  }

  gint64 next = e->client->serve (now, readable);

  {
    std::lock_guard<std::mutex> guard (lock);
    serving = nullptr;
    if (!e->removed)
      set_deadline (e, next);
  }
  served.notify_all ();
}

void
Worker::run ()
{
  epoll_event events[MAX_EVENTS];
  std::vector<Entry *> due;
  std::vector<Entry *> dead;

  gint64 began = 0;
  for (;;) {
    if (coalesce_us > 0) {
      /* At most one wake-up per coalescing interval: what arrives in it
       * waits, to be read with the rest. */
      gint64 rest = began + coalesce_us - g_get_monotonic_time ();
      if (rest > 0)
        g_usleep (rest);
    }
    int n = epoll_wait (epoll_fd, events, MAX_EVENTS,
        wait_ms (g_get_monotonic_time ()));
    if (n < 0 && errno != EINTR) {
      g_critical ("comedia receive thread '%s': epoll_wait failed: %s",
          name.c_str (), g_strerror (errno));
      return;
    }
    /* One clock read per wake-up: the clients read it again once they
     * have packets. */
    gint64 now = g_get_monotonic_time ();
    began = now;

    for (int i = 0; i < n; i++) {
      /* With many calls, a ready socket's entry and client are rarely in
       * the cache: start loading the next ones while this one is served. */
      if (i + 2 < n && events[i + 2].data.u64 != WAKE_TAG)
        __builtin_prefetch (events[i + 2].data.ptr);
      if (i + 1 < n && events[i + 1].data.u64 != WAKE_TAG)
        __builtin_prefetch (static_cast<Entry *> (events[i + 1].data.ptr)->client);
      if (events[i].data.u64 == WAKE_TAG) {
        guint64 count;
        if (read (wake_fd, &count, sizeof count) < 0) {
          /* EAGAIN: another read took it */
        }
        continue;
      }
      serve_one (static_cast<Entry *> (events[i].data.ptr), now, true);
    }

    due.clear ();
    {
      std::lock_guard<std::mutex> guard (lock);
      if (quit)
        return;
      take_due (now, due);
    }
    for (Entry *e : due)
      serve_one (e, now, false);

    /* Nothing this wake-up took from epoll or the deadlines names them any
     * more, and the next epoll_wait cannot: they were unwatched before they
     * were buried. */
    {
      std::lock_guard<std::mutex> guard (lock);
      dead.swap (graveyard);
    }
    for (Entry *e : dead)
      delete e;
    dead.clear ();
  }
}

}  // namespace

struct ReceiveLoop::Impl {
  std::string name;
  Settings settings;
  std::vector<std::unique_ptr<Worker>> workers;

  /* Control path only (add, remove, activation, wake): the packet path
   * takes only its worker's lock.  Taken before a worker's lock. */
  mutable std::mutex lock;
  std::unordered_map<ReceiveClient *, Entry *> entries;
  std::map<std::string, std::pair<Worker *, guint>> affinities;

  Entry *find (ReceiveClient * client) const
  {
    auto it = entries.find (client);
    return it == entries.end () ? nullptr : it->second;
  }

  Worker *pick_worker (const std::string & affinity)
  {
    if (!affinity.empty ()) {
      auto it = affinities.find (affinity);
      if (it != affinities.end ()) {
        it->second.second++;
        return it->second.first;
      }
    }
    Worker *best = workers.front ().get ();
    for (auto &w : workers)
      if (w->clients < best->clients)
        best = w.get ();
    if (!affinity.empty ())
      affinities.emplace (affinity, std::make_pair (best, 1u));
    return best;
  }

  void release_affinity (const std::string & affinity)
  {
    auto it = affinities.find (affinity);
    if (it != affinities.end () && --it->second.second == 0)
      affinities.erase (it);
  }
};

namespace {

/* The receive threads shared by name (`receive-thread`). */
using LoopTable = comedia::SharedByName<std::string, ReceiveLoop>;

LoopTable &
loop_table ()
{
  static LoopTable &table = LoopTable::leaked ();
  return table;
}

/* "comedia-rx" and the thread's index, for top and gdb (15 characters at
 * most). */
void
name_thread (std::thread & thread, guint index)
{
  gchar *label = g_strdup_printf ("comedia-rx%u", index);
  pthread_setname_np (thread.native_handle (), label);
  g_free (label);
}

}  // namespace

/* A running loop, or nullptr and @error.  Nothing is wrapped in a
 * ReceiveLoop until its threads run, so a failed start never reaches the
 * destructor (which leaves the table, under whose lock this may run). */
std::shared_ptr<ReceiveLoop>
ReceiveLoop::start (const std::string & name, const Settings & settings,
    GError ** error)
{
  auto impl = std::make_unique<Impl> ();
  impl->name = name;
  impl->settings = settings;
  impl->settings.threads = CLAMP (settings.threads, 1u, 256u);
  guint threads = impl->settings.threads;
  for (guint i = 0; i < threads; i++) {
    auto w = std::make_unique<Worker> ();
    w->name = name;
    w->coalesce_us = settings.coalesce_us;
    if (!w->open (error))
      break;
    impl->workers.push_back (std::move (w));
  }

  bool started = impl->workers.size () == threads;
  for (guint i = 0; started && i < threads; i++) {
    Worker *w = impl->workers[i].get ();
    try {
      w->thread = std::thread (&Worker::run, w);
    } catch (const std::system_error & e) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
          "Could not start a receive thread: %s", e.what ());
      started = false;
      break;
    }
    w->thread_id = w->thread.get_id ();
    name_thread (w->thread, i);
  }
  if (!started) {
    for (auto &w : impl->workers) {
      if (!w->thread.joinable ())
        continue;
      {
        std::lock_guard<std::mutex> guard (w->lock);
        w->quit = true;
      }
      w->poke ();
      w->thread.join ();
    }
    return nullptr;
  }
  return std::shared_ptr<ReceiveLoop> (new ReceiveLoop (std::move (impl)));
}

std::shared_ptr<ReceiveLoop>
ReceiveLoop::get (const std::string & name, const Settings & settings,
    GError ** error)
{
  if (name.empty ())
    return start (name, settings, error);
  return loop_table ().acquire (name, [&] () {
        return start (name, settings, error);
      });
}

ReceiveLoop::ReceiveLoop (std::unique_ptr<Impl> impl) : impl_ (std::move (impl))
{
}

ReceiveLoop::~ReceiveLoop ()
{
  /* A new loop of the same name may have replaced this one already. */
  if (!impl_->name.empty ())
    loop_table ().forget (impl_->name);
  for (auto &w : impl_->workers) {
    {
      std::lock_guard<std::mutex> guard (w->lock);
      w->quit = true;
    }
    w->poke ();
  }
  bool detached = false;
  for (auto &w : impl_->workers) {
    if (!w->thread.joinable ())
      continue;
    if (std::this_thread::get_id () == w->thread_id) {
      /* The last user let go from inside serve(): the thread returns on
       * its own once it sees quit, but what it uses must outlive it. */
      w->thread.detach ();
      detached = true;
    } else {
      w->thread.join ();
    }
  }
  if (detached) {
    (void) impl_.release ();
    return;
  }
  for (auto &kv : impl_->entries)
    delete kv.second;
}

const ReceiveLoop::Settings &
ReceiveLoop::settings () const
{
  return impl_->settings;
}

void
ReceiveLoop::add (ReceiveClient * client, int fd, const std::string & affinity)
{
  std::lock_guard<std::mutex> guard (impl_->lock);
  if (impl_->find (client))
    return;
  Entry *e = new Entry;
  e->client = client;
  e->fd = fd;
  e->affinity = affinity;
  e->worker = impl_->pick_worker (affinity);
  e->worker->clients++;
  impl_->entries.emplace (client, e);
}

void
ReceiveLoop::set_active (ReceiveClient * client, bool active)
{
  std::lock_guard<std::mutex> guard (impl_->lock);
  Entry *e = impl_->find (client);
  if (!e)
    return;
  Worker *w = e->worker;
  std::lock_guard<std::mutex> worker_guard (w->lock);
  if (e->active == active)
    return;
  e->active = active;
  if (active) {
    /* Level-triggered: a socket with datagrams queued while inactive is
     * reported at once, and one read per wake-up never strands a packet. */
    epoll_event ev = { };
    ev.events = EPOLLIN;
    ev.data.ptr = e;
    if (epoll_ctl (w->epoll_fd, EPOLL_CTL_ADD, e->fd, &ev) < 0)
      g_critical ("comedia receive thread '%s': cannot watch socket %d: %s",
          impl_->name.c_str (), e->fd, g_strerror (errno));
    /* A first call without a packet, for what is due at start. */
    w->woken.push_back (e);
    w->poke ();
  } else {
    epoll_ctl (w->epoll_fd, EPOLL_CTL_DEL, e->fd, nullptr);
    w->forget (e);
  }
}

void
ReceiveLoop::wake (ReceiveClient * client)
{
  std::lock_guard<std::mutex> guard (impl_->lock);
  Entry *e = impl_->find (client);
  if (!e)
    return;
  Worker *w = e->worker;
  std::lock_guard<std::mutex> worker_guard (w->lock);
  if (std::find (w->woken.begin (), w->woken.end (), e) == w->woken.end ())
    w->woken.push_back (e);
  w->poke ();
}

void
ReceiveLoop::remove (ReceiveClient * client)
{
  Entry *e;
  {
    std::lock_guard<std::mutex> guard (impl_->lock);
    e = impl_->find (client);
    if (!e)
      return;
    impl_->entries.erase (client);
    e->worker->clients--;
    if (!e->affinity.empty ())
      impl_->release_affinity (e->affinity);
  }

  Worker *w = e->worker;
  std::unique_lock<std::mutex> guard (w->lock);
  if (e->active)
    epoll_ctl (w->epoll_fd, EPOLL_CTL_DEL, e->fd, nullptr);
  e->removed = true;
  w->forget (e);
  w->graveyard.push_back (e);
  w->poke ();   /* so that the graveyard is emptied soon */

  if (std::this_thread::get_id () == w->thread_id)
    return;
  w->served.wait (guard, [w, e] { return w->serving != e; });
}

int
ReceiveLoop::thread_of (ReceiveClient * client) const
{
  std::lock_guard<std::mutex> guard (impl_->lock);
  Entry *e = impl_->find (client);
  if (!e)
    return -1;
  for (size_t i = 0; i < impl_->workers.size (); i++)
    if (impl_->workers[i].get () == e->worker)
      return (int) i;
  return -1;
}

}  // namespace comedia

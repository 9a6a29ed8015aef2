/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include <memory>
#include <string>

namespace comedia {

/* What a ReceiveLoop serves: one socket, and a deadline for work that is due
 * without a packet (timeouts, held RTCP). */
class ReceiveClient {
public:
  virtual ~ReceiveClient () = default;
  /* Called on the loop's thread when the socket is readable (@readable), when
   * the deadline it returned last time has come, or after wake().  Returns
   * the monotonic time (µs) at which to be called again without a packet,
   * or -1 for never. */
  virtual gint64 serve (gint64 now, bool readable) = 0;
};

/* Threads that wait (epoll) on the sockets of many clients and call each
 * one when it has something to do, so that a thousand receivers need one
 * thread instead of a thousand.  A loop may stand for a small pool of such
 * threads, to use more than one core: each client is served by one of
 * them, always the same, so its packets stay in order, and the clients of
 * one affinity key (a session) share a thread.  Loops are shared by name
 * within the process, like sessions: a global map of weak references, an
 * entry removed when its last user lets go.  Clients are identified by
 * their address. */
class ReceiveLoop {
public:
  struct Settings {
    /* Threads of the pool. */
    guint threads = 1;
    /* Interrupt moderation: a thread that has just served a wake-up waits
     * until this many µs have passed since it began, so that the next
     * wake-up finds the packets of many sockets; 0: none.  What it costs is
     * latency, up to this much per packet. */
    guint coalesce_us = 0;
    bool operator== (const Settings & o) const {
      return threads == o.threads && coalesce_us == o.coalesce_us;
    }
  };

  /* The loop called @name, started on first use with @settings (the first
   * user's choice holds while the loop lives); an empty name gives a new
   * loop of the caller's own.  NULL with @error set if no thread or epoll
   * instance can be had. */
  static std::shared_ptr<ReceiveLoop> get (const std::string & name,
      const Settings & settings, GError ** error);
  static std::shared_ptr<ReceiveLoop> get (const std::string & name,
      GError ** error) { return get (name, Settings (), error); }

  ~ReceiveLoop ();
  ReceiveLoop (const ReceiveLoop &) = delete;
  ReceiveLoop & operator= (const ReceiveLoop &) = delete;

  /* What the loop was started with. */
  const Settings & settings () const;
  guint threads () const { return settings ().threads; }

  /* Registers @client with the socket @fd, not yet active: it is not
   * called until set_active (true).  Clients with the same non-empty
   * @affinity are served by the same thread; others go to the thread with
   * the fewest clients. */
  void add (ReceiveClient * client, int fd, const std::string & affinity = "");
  /* Active clients are called when their socket is readable or their
   * deadline has come; inactive ones are not called at all. */
  void set_active (ReceiveClient * client, bool active);
  /* Has @client called soon, readable or not (for example to push a pending
   * EOS). */
  void wake (ReceiveClient * client);
  /* Unregisters @client.  Once this returns, no thread of the loop is in
   * @client's serve() and none ever will be again, except when called from
   * serve() itself. */
  void remove (ReceiveClient * client);
  /* The index (0 .. threads () - 1) of the thread serving @client, or -1. */
  int thread_of (ReceiveClient * client) const;

  struct Impl;

private:
  explicit ReceiveLoop (std::unique_ptr<Impl> impl);
  static std::shared_ptr<ReceiveLoop> start (const std::string & name,
      const Settings & settings, GError ** error);
  std::unique_ptr<Impl> impl_;
};

}  // namespace comedia

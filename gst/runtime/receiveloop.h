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

/* One thread that waits (epoll) on the sockets of many clients and calls
 * each one when it has something to do, so that a thousand receivers need
 * one thread instead of a thousand.  Loops are shared by name within the
 * process, like sessions: a global map of weak references, an entry removed
 * when its last user lets go.  Clients are identified by their address. */
class ReceiveLoop {
public:
  /* The loop called @name, started on first use; an empty name gives a new
   * loop of the caller's own.  NULL with @error set if no thread or epoll
   * instance can be had. */
  static std::shared_ptr<ReceiveLoop> get (const std::string & name,
      GError ** error);

  ~ReceiveLoop ();
  ReceiveLoop (const ReceiveLoop &) = delete;
  ReceiveLoop & operator= (const ReceiveLoop &) = delete;

  /* Registers @client with the socket @fd, not yet active: it is not
   * called until set_active (true). */
  void add (ReceiveClient * client, int fd);
  /* Active clients are called when their socket is readable or their
   * deadline has come; inactive ones are not called at all. */
  void set_active (ReceiveClient * client, bool active);
  /* Has @client called soon, readable or not (for example to push a pending
   * EOS). */
  void wake (ReceiveClient * client);
  /* Unregisters @client.  Once this returns, the loop's thread is not in
   * @client's serve() and never will be again, except when called from
   * serve() itself. */
  void remove (ReceiveClient * client);

  struct Impl;

private:
  explicit ReceiveLoop (std::unique_ptr<Impl> impl);
  static std::shared_ptr<ReceiveLoop> start (const std::string & name,
      GError ** error);
  std::unique_ptr<Impl> impl_;
};

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* How comedia-rtpsink sends a batch: one sendmmsg to one destination,
 * with the destination converted to a socket address once, not once per
 * message as g_socket_send_messages() does.  Mechanism only. */

#include <gio/gio.h>

#include <sys/socket.h>

#include <functional>
#include <vector>

namespace comedia {

class DatagramSender {
 public:
  DatagramSender () = default;
  ~DatagramSender () { g_clear_object (&dest_); g_clear_object (&socket_); }
  DatagramSender (const DatagramSender &) = delete;
  DatagramSender &operator= (const DatagramSender &) = delete;

  struct Result {
    guint64 sent = 0;       /* datagrams */
    guint64 bytes = 0;
    guint64 calls = 0;      /* system calls that sent something */
    bool cancelled = false; /* @cancellable fired while waiting */
  };

  /* Sends @n messages (their vectors; their address is ignored) from
   * @socket to @dest, in order.  Without waiting while the socket takes
   * them; when its buffer is full, the rest goes through GLib, which waits
   * for room (or @cancellable).  A message the kernel refuses is given to
   * @on_error and skipped. */
  Result send (GSocket *socket, GSocketAddress *dest, GOutputMessage *messages,
      guint n, GCancellable *cancellable,
      const std::function<void (GError *)> &on_error);

 private:
  bool convert (GSocketAddress *dest);

  GSocketAddress *dest_ = nullptr;   /* what native_ was made from */
  sockaddr_storage native_{};
  socklen_t native_len_ = 0;
  std::vector<mmsghdr> headers_;
  /* The descriptor of the socket last sent from: reading it through GLib
   * per batch touches the GSocket, a cache miss per packet at many calls.
   * The reference keeps the pointer from being reused for another socket. */
  GSocket *socket_ = nullptr;
  int fd_ = -1;
};

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* How comedia-rtpsrc reads datagrams: batches of up to batch-size with one
 * recvmmsg into buffers of a pool, each buffer given its sender, so that a
 * steady stream allocates nothing.  Mechanism only: what the datagrams
 * become is the dispatch's business (packetdispatch.h). */

#include <gio/gio.h>
#include <gst/gst.h>

#include "peeraddress.h"

#include <sys/socket.h>

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace comedia {

/* Receive buffers of MTU + 1 bytes: one byte more than the MTU, to tell an
 * over-long datagram from one that fits exactly.  The sources of one
 * shared receive thread share one pool per MTU (a SharedByName table), so
 * a thousand quiet receivers keep a handful of buffers between them; a
 * source with its own thread has its own.  The last user's reference
 * deactivates the pool, which frees what it holds. */
class ReceivePool {
 public:
  /* The pool of receive thread @thread_name for @mtu ("": a pool of its
   * own), made if none is alive; NULL if it could not be set up. */
  static std::shared_ptr<ReceivePool> acquire (const std::string &thread_name,
      guint mtu);
  ~ReceivePool ();
  ReceivePool (const ReceivePool &) = delete;
  ReceivePool &operator= (const ReceivePool &) = delete;

  GstBufferPool *pool () const { return pool_; }
  bool shared () const { return !key_.first.empty (); }

  using Key = std::pair<std::string, guint>;
  /* Only for acquire(): takes @pool (active). */
  ReceivePool (GstBufferPool *pool, Key key) : pool_ (pool), key_ (std::move (key)) {}

 private:
  GstBufferPool *pool_;
  Key key_;
};

/* SO_RCVBUF of @socket to @size bytes: forced past net.core.rmem_max when
 * the process may (CAP_NET_ADMIN), else as much as the kernel allows.
 * Returns the size the kernel granted, which may be less, or -1 with
 * @error when it could not be read back. */
gint set_receive_buffer (GSocket *socket, gint size, GError **error);

/* One receiver's reads: its receive slots (pool buffers mapped for
 * writing), the recvmmsg messages, and the last sender converted.  Used by
 * the receive thread only, apart from receive_calls(). */
class ReceiveEngine {
 public:
  ReceiveEngine () = default;
  ~ReceiveEngine () { close (); }
  ReceiveEngine (const ReceiveEngine &) = delete;
  ReceiveEngine &operator= (const ReceiveEngine &) = delete;

  /* Reads of up to @max_batch datagrams of up to @mtu bytes, into the pool
   * of @thread_name; false if the pool could not be set up. */
  bool open (const std::string &thread_name, guint mtu, guint max_batch);
  /* Hands everything back: the slots, the sender, the pool. */
  void close ();

  /* Reads what is queued on @socket with one recvmmsg, into as many slots
   * as recent reads needed, never waiting and never calling again: a read
   * that got fewer than it asked for has emptied the queue, and what came
   * since is reported by the next wait.  Returns how many datagrams
   * were read; 0 for none (a receive error other than would-block, which
   * is not fatal, in @error); -1 if no buffer could be had. */
  gint receive (GSocket *socket, GError **error);
  /* Datagram @i of the last read, owned by the caller: sized to @len bytes
   * (MTU + 1: longer than the MTU), with its sender as a
   * GstNetAddressMeta, and that sender as @peer (valid until the next
   * take).  NULL, the buffer dropped, if it came without a sender. */
  GstBuffer *take (guint i, gsize &len, const PeerAddress *&peer);
  /* After the @n datagrams of the last read were taken. */
  void consumed (guint n);
  /* On a shared thread the pool is shared too: the slots a read did not
   * fill go back to it for the next receiver, rather than wait here. */
  void release_idle_slots ();

  guint64 receive_calls () const { return receive_calls_.load (std::memory_order_relaxed); }

 private:
  /* A pool buffer mapped for writing, ready to receive one datagram. */
  struct Slot {
    GstBuffer *buffer = nullptr;
    GstMapInfo map = GST_MAP_INFO_INIT;
  };

  bool arm_slots (guint n);
  void release_slots ();
  bool note_sender (const sockaddr_storage &from, socklen_t len);
  int socket_fd (GSocket *socket);

  std::shared_ptr<ReceivePool> pool_;
  GSocket *socket_ = nullptr;   /* whose descriptor fd_ is */
  int fd_ = -1;
  guint max_batch_ = 1;
  guint armed_target_ = 1;
  std::vector<Slot> slots_;
  std::vector<mmsghdr> messages_;
  std::vector<iovec> vectors_;
  std::vector<sockaddr_storage> senders_;
  /* The last sender, as the kernel gave it and converted: a repeat sender
   * (nearly every packet) costs one compare and a reference. */
  sockaddr_storage last_native_{};
  socklen_t last_native_len_ = 0;
  GSocketAddress *last_sender_ = nullptr;
  PeerAddress last_peer_;
  std::atomic<guint64> receive_calls_{0};
};

}  // namespace comedia

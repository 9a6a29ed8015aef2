/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "receiveengine.h"

#include "peeraddress.h"
#include "sharedbyname.h"

#include <gst/net/gstnetaddressmeta.h>

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace comedia {

/* Receive slots armed while idle: a quiet source keeps only this many
 * buffers in hand, a busy one grows towards batch-size. */
static constexpr guint MIN_ARMED_SLOTS = 2;

static SharedByName<ReceivePool::Key, ReceivePool> &
receive_pools ()
{
  static auto &table = SharedByName<ReceivePool::Key, ReceivePool>::leaked ();
  return table;
}

static GstBufferPool *
new_buffer_pool (guint mtu)
{
  /* No upper bound: packets held in probation or queued downstream must
   * never make the receiver wait for a buffer. */
  GstBufferPool *pool = gst_buffer_pool_new ();
  GstStructure *config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_set_params (config, nullptr, mtu + 1, 0, 0);
  if (!gst_buffer_pool_set_config (pool, config) ||
      !gst_buffer_pool_set_active (pool, TRUE)) {
    gst_object_unref (pool);
    return nullptr;
  }
  return pool;
}

std::shared_ptr<ReceivePool>
ReceivePool::acquire (const std::string &thread_name, guint mtu)
{
  /* The wrapper is made only around a pool that works: one destroyed in
   * make() would forget itself under the table's lock. */
  auto make = [&] () -> std::shared_ptr<ReceivePool> {
    GstBufferPool *pool = new_buffer_pool (mtu);
    if (!pool)
      return nullptr;
    return std::make_shared<ReceivePool> (pool, Key (thread_name, mtu));
  };
  if (thread_name.empty ())
    return make ();
  return receive_pools ().acquire (Key (thread_name, mtu), make);
}

ReceivePool::~ReceivePool ()
{
  gst_buffer_pool_set_active (pool_, FALSE);
  gst_object_unref (pool_);
  if (shared ())
    receive_pools ().forget (key_);
}

gint
set_receive_buffer (GSocket *socket, gint size, GError **error)
{
  if (!g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUFFORCE, size, nullptr))
    g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, size, nullptr);
  gint got = 0;
  if (!g_socket_get_option (socket, SOL_SOCKET, SO_RCVBUF, &got, error))
    return -1;
  /* Linux reports twice the size set: the other half is its bookkeeping. */
  return got / 2;
}

bool
ReceiveEngine::open (const std::string &thread_name, guint mtu,
    guint max_batch)
{
  close ();
  pool_ = ReceivePool::acquire (thread_name, mtu);
  max_batch_ = max_batch;
  armed_target_ = std::min (MIN_ARMED_SLOTS, max_batch);
  return pool_ != nullptr;
}

void
ReceiveEngine::close ()
{
  release_slots ();
  g_clear_object (&last_sender_);
  last_native_len_ = 0;
  last_peer_ = PeerAddress ();
  socket_ = nullptr;
  fd_ = -1;
  pool_.reset ();
}

void
ReceiveEngine::release_slots ()
{
  for (Slot &slot : slots_) {
    gst_buffer_unmap (slot.buffer, &slot.map);
    gst_buffer_unref (slot.buffer);
  }
  slots_.clear ();
}

void
ReceiveEngine::release_idle_slots ()
{
  if (pool_ && pool_->shared () && !slots_.empty ())
    release_slots ();
}

/* Keeps @n receive slots armed.  Slots beyond @n stay armed too: handing
 * them back only to take them again would cost more than it saves. */
bool
ReceiveEngine::arm_slots (guint n)
{
  while (slots_.size () < n) {
    Slot slot;
    if (gst_buffer_pool_acquire_buffer (pool_->pool (), &slot.buffer,
            nullptr) != GST_FLOW_OK)
      return false;
    if (!gst_buffer_map (slot.buffer, &slot.map, GST_MAP_WRITE)) {
      gst_buffer_unref (slot.buffer);
      return false;
    }
    slots_.push_back (slot);
  }
  return true;
}

/* The descriptor of @socket, asked of GSocket only when the socket
 * changes: a thousand quiet receivers would each touch its private data
 * once per packet. */
int
ReceiveEngine::socket_fd (GSocket *socket)
{
  if (G_UNLIKELY (socket != socket_)) {
    socket_ = socket;
    fd_ = g_socket_get_fd (socket);
  }
  return fd_;
}

gint
ReceiveEngine::receive (GSocket *socket, GError **error)
{
  guint want = armed_target_;
  if (G_UNLIKELY (!pool_ || !arm_slots (want)))
    return -1;
  /* Sized as reads grow: a quiet source keeps a few slots, not a full
   * batch, which matters with a thousand of them. */
  if (messages_.size () < want) {
    messages_.resize (want);
    vectors_.resize (want);
    senders_.resize (want);
  }
  for (guint i = 0; i < want; i++) {
    vectors_[i].iov_base = slots_[i].map.data;
    vectors_[i].iov_len = slots_[i].map.size;
    msghdr &h = messages_[i].msg_hdr;
    h = msghdr ();
    h.msg_name = &senders_[i];
    h.msg_namelen = sizeof senders_[i];
    h.msg_iov = &vectors_[i];
    h.msg_iovlen = 1;
    messages_[i].msg_len = 0;
  }

  /* recvmmsg itself, not g_socket_receive_messages(): GLib's calls
   * recvmmsg again until the batch is full or the socket would block, a
   * second system call on every wake-up of a quiet stream, and converts
   * every sender into a new GSocketAddress. */
  int n;
  do {
    n = recvmmsg (socket_fd (socket), messages_.data (), want,
        MSG_DONTWAIT, nullptr);
  } while (G_UNLIKELY (n < 0 && errno == EINTR));
  if (G_LIKELY (n > 0)) {
    receive_calls_.fetch_add (1, std::memory_order_relaxed);
    /* A full read means more is queued: grow towards batch-size. */
    if ((guint) n == want)
      armed_target_ = std::min (want * 2, max_batch_);
    else if ((guint) n * 4 <= want)
      armed_target_ = std::max (want / 2, std::min (MIN_ARMED_SLOTS,
              max_batch_));
    return n;
  }
  /* ICMP errors for what was sent from this socket may surface here. */
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
    int saved = errno;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
        "Error receiving message: %s", g_strerror (saved));
  }
  return 0;
}

/* Makes @from the last sender, converted once; false if it is no address
 * GIO knows. */
bool
ReceiveEngine::note_sender (const sockaddr_storage &from, socklen_t len)
{
  if (G_LIKELY (last_sender_ && len == last_native_len_ &&
          memcmp (&from, &last_native_, len) == 0))
    return true;
  if (G_UNLIKELY (len < sizeof (sa_family_t)))
    return false;
  GSocketAddress *addr = g_socket_address_new_from_native (
      const_cast<sockaddr_storage *> (&from), len);
  if (!addr)
    return false;
  PeerAddress peer;
  peer_address_from_gsocket (addr, peer);
  g_clear_object (&last_sender_);
  last_sender_ = addr;
  last_native_ = from;
  last_native_len_ = len;
  last_peer_ = peer;
  return true;
}

/* Gives @buf its sender (@from, a new reference).  The meta is marked
 * POOLED so it stays with the buffer when the pool takes it back: a reused
 * buffer only swaps the address instead of allocating a meta per packet. */
static void
set_sender (GstBuffer *buf, GSocketAddress *from)
{
  GstNetAddressMeta *meta = gst_buffer_get_net_address_meta (buf);
  if (G_LIKELY (meta)) {
    g_object_unref (meta->addr);
    meta->addr = from;
    return;
  }
  meta = gst_buffer_add_net_address_meta (buf, from);
  g_object_unref (from);
  meta->meta.flags = (GstMetaFlags) (meta->meta.flags | GST_META_FLAG_POOLED);
}

GstBuffer *
ReceiveEngine::take (guint i, gsize &len, const PeerAddress *&peer)
{
  GstBuffer *buf = slots_[i].buffer;
  gst_buffer_unmap (buf, &slots_[i].map);
  len = messages_[i].msg_len;
  if (G_UNLIKELY (!note_sender (senders_[i],
              messages_[i].msg_hdr.msg_namelen))) {
    gst_buffer_unref (buf);
    return nullptr;
  }
  gst_buffer_set_size (buf, len);
  peer = &last_peer_;
  set_sender (buf, G_SOCKET_ADDRESS (g_object_ref (last_sender_)));
  return buf;
}

void
ReceiveEngine::consumed (guint n)
{
  slots_.erase (slots_.begin (), slots_.begin () + n);
}

}  // namespace comedia

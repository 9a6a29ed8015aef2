/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "datagramsender.h"

#include <sys/uio.h>

#include <cerrno>
#include <cstddef>

namespace comedia {

/* GOutputVector is used as a struct iovec, as GLib itself does. */
static_assert (sizeof (GOutputVector) == sizeof (iovec) &&
    offsetof (GOutputVector, buffer) == offsetof (iovec, iov_base) &&
    offsetof (GOutputVector, size) == offsetof (iovec, iov_len),
    "GOutputVector is not laid out as struct iovec");

bool
DatagramSender::convert (GSocketAddress *dest)
{
  if (G_LIKELY (dest == dest_))
    return true;
  gssize len = g_socket_address_get_native_size (dest);
  if (len <= 0 || (gsize) len > sizeof native_ ||
      !g_socket_address_to_native (dest, &native_, sizeof native_, nullptr)) {
    g_clear_object (&dest_);
    return false;
  }
  native_len_ = len;
  /* A reference keeps the pointer from being reused for another address. */
  g_set_object (&dest_, dest);
  return true;
}

DatagramSender::Result
DatagramSender::send (GSocket *socket, GSocketAddress *dest,
    GOutputMessage *messages, guint n, GCancellable *cancellable,
    const std::function<void (GError *)> &on_error)
{
  Result r;
  guint done = 0;

  if (G_LIKELY (convert (dest))) {
    if (headers_.size () < n)
      headers_.resize (n);
    for (guint i = 0; i < n; i++) {
      msghdr &h = headers_[i].msg_hdr;
      h = msghdr ();
      h.msg_name = &native_;
      h.msg_namelen = native_len_;
      h.msg_iov = reinterpret_cast<iovec *> (const_cast<GOutputVector *> (
              messages[i].vectors));
      h.msg_iovlen = messages[i].num_vectors;
      headers_[i].msg_len = 0;
    }
    if (G_UNLIKELY (socket != socket_)) {
      g_set_object (&socket_, socket);
      fd_ = g_socket_get_fd (socket);
    }
    int fd = fd_;
    while (done < n) {
      int count = sendmmsg (fd, headers_.data () + done, n - done,
          MSG_DONTWAIT | MSG_NOSIGNAL);
      if (G_LIKELY (count > 0)) {
        r.calls++;
        for (int i = 0; i < count; i++)
          r.bytes += headers_[done + i].msg_len;
        r.sent += count;
        done += count;
        continue;
      }
      if (count < 0 && errno == EINTR)
        continue;
      if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        break;                /* full: GLib waits for room below */
      /* The message at @done was refused: say so, go on with the next. */
      int saved = count < 0 ? errno : EIO;
      GError *err = g_error_new (G_IO_ERROR, g_io_error_from_errno (saved),
          "Error sending message: %s", g_strerror (saved));
      on_error (err);
      g_error_free (err);
      done++;
    }
  }

  /* What is left: the socket was full, or the address would not convert
   * (GLib then reports why). */
  for (guint i = done; i < n; i++)
    messages[i].address = dest;
  while (done < n) {
    GError *err = nullptr;
    gint count = g_socket_send_messages (socket, messages + done, n - done, 0,
        cancellable, &err);
    if (count < 0) {
      if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        g_clear_error (&err);
        r.cancelled = true;
        break;
      }
      on_error (err);
      g_clear_error (&err);
      done++;
      continue;
    }
    r.calls++;
    for (gint i = 0; i < count; i++)
      r.bytes += messages[done + i].bytes_sent;
    r.sent += count;
    done += count;
  }
  return r;
}

}  // namespace comedia

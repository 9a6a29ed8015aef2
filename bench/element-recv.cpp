/* comedia-bench recv: one flood into a receiver.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element-bench.h"

#include <gst/rtp/rtp.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace elementbench {

/* recv --impl raw|udpsrc|comedia|comedia-srtp|srtpdec --count N [--size B]
 *   [--queued] [--srtp-suite NICK --srtp-key BASE64]
 * One flood of N packets at the receiver: delivered, lost, rate over the
 * receive window, and CPU time per delivered packet.
 * --queued: the whole flood is queued first in a socket buffer big enough
 * for all of it, with the receiver not reading (a live source in PAUSED),
 * then drained: a rate the receiver reaches when it is the bottleneck, which
 * on loopback with two cores the flood alone cannot make it. */
int
cmd_recv (const Args & a)
{
  std::string impl = bench::option_string (a, "impl", "comedia");
  long count = bench::option_long (a, "count", 300000);
  long size = bench::option_long (a, "size", 200);
  guint16 port = free_port ();
  std::vector<std::string> flood_args = { "flood", "--port",
    std::to_string (port), "--count", std::to_string (count), "--size",
    std::to_string (size) };
  bool srtp = impl == "comedia-srtp" || impl == "srtpdec";
  if (srtp)
    flood_args.insert (flood_args.end (), { "--srtp", "--srtp-suite",
          srtp_suite_option (a), "--srtp-key", srtp_key_option (a) });

  bool queued = a.count ("queued");
  /* Room for the whole flood: each datagram costs about 1 KiB of socket
   * buffer on loopback, whatever its size. */
  gint rcvbuf = queued ? (gint) std::min<long> (count * 2048, G_MAXINT / 2) : 0;

  guint64 delivered = 0;
  gint64 first = 0, last = 0;
  double cpu0, cpu1;
  Child flood;
  /* Queued: the flood goes out in full before the receiver reads. */
  auto queue_flood = [&] () {
    flood = spawn_self (flood_args);
    while (child_running (flood))
      g_usleep (10000);
    g_usleep (100000);
  };

  if (impl == "raw") {
    /* The ceiling: a plain recvmmsg loop that touches nothing. */
    int fd = bound_socket (port, nullptr);
    timeval tv = { 0, 50000 };
    setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof (tv));
    if (queued) {
      setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof (rcvbuf));
      queue_flood ();
    }
    const int batch = 64;
    std::vector<std::vector<guint8>> bufs (batch, std::vector<guint8> (2048));
    std::vector<mmsghdr> msgs (batch);
    std::vector<iovec> iov (batch);
    std::vector<sockaddr_in> from (batch);
    cpu0 = cpu_seconds ();
    if (queued)
      first = now_us ();
    else
      flood = spawn_self (flood_args);
    for (;;) {
      for (int i = 0; i < batch; i++) {
        iov[i] = { bufs[i].data (), bufs[i].size () };
        msgs[i].msg_hdr = {};
        msgs[i].msg_hdr.msg_name = &from[i];
        msgs[i].msg_hdr.msg_namelen = sizeof (from[i]);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
      }
      int n = recvmmsg (fd, msgs.data (), batch, MSG_WAITFORONE, nullptr);
      gint64 t = now_us ();
      if (n > 0) {
        if (!first)
          first = t;
        last = t;
        delivered += n;
        continue;
      }
      if (!child_running (flood) && (!last || t - last > 300000))
        break;
    }
    cpu1 = cpu_seconds ();
    close (fd);
  } else {
    GstElement *pipeline = gst_pipeline_new ("recv");
    GstElement *src, *dec = nullptr;
    if (impl == "udpsrc" || impl == "srtpdec") {
      src = make ("udpsrc");
      g_object_set (src, "address", "127.0.0.1", "port", (gint) port,
          "buffer-size", rcvbuf, nullptr);
    } else {
      src = make ("comedia-rtpsrc");
      /* probation=1: the flood's first packet latches; with the default
       * probation the first 20 ms of a flood would be held and trimmed. */
      g_object_set (src, "address", "127.0.0.1", "port", (gint) port,
          "probation", 1, "session", "bench-recv", "buffer-size", rcvbuf,
          nullptr);
    }
    if (impl == "comedia-srtp") {
      if (!g_object_class_find_property (G_OBJECT_GET_CLASS (src), "srtp-key")) {
        /* A comedia-rtpsrc without SRTP: nothing to measure. */
        print_result ("recv", { {"impl", impl}, {"queued", queued ? "yes" : "no"},
              {"skipped", "no-srtp-key-property"} });
        gst_object_unref (src);
        gst_object_unref (pipeline);
        return 0;
      }
      gst_util_set_object_arg (G_OBJECT (src), "srtp-suite",
          srtp_suite_option (a).c_str ());
      g_object_set (src, "srtp-key", srtp_key_option (a).c_str (), nullptr);
    }
    if (impl == "srtpdec") {
      /* srtpdec (GStreamer 1.22) finds its key by SSRC in the caps. */
      std::string caps = "application/x-srtp,media=audio,clock-rate=8000,"
          "encoding-name=PCMU,payload=(int)96,ssrc=(uint)" +
          std::to_string (FLOOD_SSRC) + ",srtp-key=(buffer)" + SRTP_KEY_HEX +
          ",srtp-cipher=aes-128-icm,srtp-auth=hmac-sha1-80,"
          "srtcp-cipher=aes-128-icm,srtcp-auth=hmac-sha1-80";
      GstCaps *c = gst_caps_from_string (caps.c_str ());
      g_object_set (src, "caps", c, nullptr);
      gst_caps_unref (c);
      dec = make ("srtpdec");
    }
    GstElement *sink = make ("fakesink");
    g_object_set (sink, "sync", FALSE, "async", FALSE, "enable-last-sample",
          FALSE, nullptr);
    gst_bin_add_many (GST_BIN (pipeline), src, sink, nullptr);
    if (dec) {
      gst_bin_add (GST_BIN (pipeline), dec);
      gst_element_link_many (src, dec, sink, nullptr);
    } else {
      gst_element_link (src, sink);
    }
    /* A live source reads nothing in PAUSED: the flood queues up. */
    if (gst_element_set_state (pipeline, queued ? GST_STATE_PAUSED :
            GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
      fprintf (stderr, "%s pipeline would not start\n", impl.c_str ());
      return 1;
    }
    gst_element_get_state (pipeline, nullptr, nullptr, 5 * GST_SECOND);
    g_usleep (100000);

    if (queued) {
      queue_flood ();
      cpu0 = cpu_seconds ();
      first = now_us ();
      gst_element_set_state (pipeline, GST_STATE_PLAYING);
    } else {
      cpu0 = cpu_seconds ();
      flood = spawn_self (flood_args);
    }
    /* Poll the sink's count: the receive window runs from the first to the
     * last delivered packet.  It ends 300 ms after the last one, or 10 s
     * after the start if none comes: a queued flood has already ended when
     * the receiver starts, and a slow one (srtpdec under a sanitizer) takes
     * a while to deliver its first packet. */
    gint64 started = now_us ();
    for (;;) {
      g_usleep (2000);
      guint64 n = rendered (sink);
      gint64 t = now_us ();
      if (n != delivered) {
        if (!first)
          first = t;
        last = t;
        delivered = n;
      }
      if (!child_running (flood) &&
          (last ? t - last > 300000 : t - started > 10000000))
        break;
    }
    cpu1 = cpu_seconds ();
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (pipeline);
  }

  Result f = bench::parse_key_values (finish_child (flood));
  double sent = num (f, "sent");
  double window = last > first ? (last - first) / 1e6 : NAN;
  if (srtp && delivered == 0) {
    fprintf (stderr, "recv %s: nothing decrypted\n", impl.c_str ());
    return 1;
  }
  print_result ("recv", {
        {"impl", impl}, {"queued", queued ? "yes" : "no"},
        {"sent", fmt (sent)}, {"delivered", fmt (delivered)},
        {"lost", fmt (sent - delivered)},
        {"rate", fmt (delivered / window)},
        {"flood_rate", fmt (sent / num (f, "seconds"))},
        {"cpu_us_per_packet", fmt ((cpu1 - cpu0) * 1e6 / std::max<double> (1, delivered), 3)}});
  return 0;
}

}  // namespace elementbench

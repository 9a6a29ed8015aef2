/* comedia-bench send and protect: the same prepared packets into a
 * sender; libsrtp's protect alone.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element-bench.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace elementbench {

/* send --impl raw|udpsink|comedia|comedia-srtp|srtpenc --mode single|list
 *   --count N [--unique] [--srtp-suite NICK --srtp-key BASE64]
 * --unique: N distinct packets instead of a ring of 1024, as SRTP needs (a
 * sender's libsrtp refuses to protect a sequence number twice); the srtp
 * part runs its plain senders this way too, for like with like.
 * N packets from the same prepared source, as single buffers or as lists
 * of 64, to a drain on CPU 1. */
int
cmd_send (const Args & a)
{
  std::string impl = bench::option_string (a, "impl", "comedia");
  std::string mode = bench::option_string (a, "mode", "single");
  long count = bench::option_long (a, "count", 300000);
  long size = bench::option_long (a, "size", 200);
  const guint list_size = 64;

  Child drain = spawn_self ({ "drain" });
  Result d0 = bench::parse_key_values (read_line (drain.out));
  guint16 port = (guint16) num (d0, "port");

  bool unique = a.count ("unique") || impl == "comedia-srtp" || impl == "srtpenc";
  PacketRing ring (0x3000, size, unique ? count : 1024);
  double cpu0 = cpu_seconds (), cpu1;
  gint64 t0 = now_us (), t1;

  if (impl == "raw") {
    /* The ceiling: sendmsg per packet, or sendmmsg per 64. */
    int fd = bound_socket (0, nullptr);
    sockaddr_in dest = loopback (port);
    std::vector<mmsghdr> msgs (list_size);
    std::vector<iovec> iov (list_size);
    long sent = 0;
    while (sent < count) {
      long n = mode == "list" ? std::min<long> (list_size, count - sent) : 1;
      for (long i = 0; i < n; i++) {
        const std::vector<guint8> &p = ring[sent + i];
        iov[i] = { (void *) p.data (), p.size () };
        msgs[i].msg_hdr = {};
        msgs[i].msg_hdr.msg_name = &dest;
        msgs[i].msg_hdr.msg_namelen = sizeof (dest);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
      }
      int r = n == 1 ? (sendmsg (fd, &msgs[0].msg_hdr, 0) >= 0 ? 1 : -1) :
          sendmmsg (fd, msgs.data (), n, 0);
      if (r > 0)
        sent += r;
    }
    t1 = now_us ();
    cpu1 = cpu_seconds ();
    close (fd);
  } else {
    std::vector<GstBuffer *> buffers;
    for (auto &p : ring.packets)
      buffers.push_back (gst_buffer_new_memdup (p.data (), p.size ()));
    GstElement *pipeline = gst_pipeline_new ("send");
    GstElement *src = GST_ELEMENT (g_object_new (bench_feed_get_type (), nullptr));
    BenchFeed *feed = (BenchFeed *) src;
    feed->count = count;
    feed->list_size = mode == "list" ? list_size : 0;
    feed->ring = &buffers;
    GstElement *sink, *enc = nullptr;
    if (impl == "udpsink" || impl == "srtpenc") {
      sink = make ("udpsink");
      g_object_set (sink, "host", "127.0.0.1", "port", (gint) port,
          "enable-last-sample", FALSE, nullptr);
    } else {
      sink = make ("comedia-rtpsink");
      g_object_set (sink, "host", "127.0.0.1", "port", (gint) port,
          "session", "bench-send", nullptr);
      if (impl == "comedia-srtp") {
        gst_util_set_object_arg (G_OBJECT (sink), "srtp-suite",
            srtp_suite_option (a).c_str ());
        g_object_set (sink, "srtp-key", srtp_key_option (a).c_str (), nullptr);
      }
    }
    g_object_set (sink, "sync", FALSE, "async", FALSE, nullptr);
    gst_bin_add_many (GST_BIN (pipeline), src, sink, nullptr);
    if (impl == "srtpenc") {
      enc = make ("srtpenc");
      GstBuffer *key = srtp_key_buffer ();
      g_object_set (enc, "key", key, nullptr);
      gst_buffer_unref (key);
      for (const char *p : { "rtp-cipher", "rtcp-cipher" })
        gst_util_set_object_arg (G_OBJECT (enc), p, "aes-128-icm");
      for (const char *p : { "rtp-auth", "rtcp-auth" })
        gst_util_set_object_arg (G_OBJECT (enc), p, "hmac-sha1-80");
      gst_bin_add (GST_BIN (pipeline), enc);
      GstPad *in = gst_element_request_pad_simple (enc, "rtp_sink_0");
      GstPad *feed_out = gst_element_get_static_pad (src, "src");
      GstPad *out = gst_element_get_static_pad (enc, "rtp_src_0");
      GstPad *sink_in = gst_element_get_static_pad (sink, "sink");
      if (gst_pad_link (feed_out, in) != GST_PAD_LINK_OK ||
          gst_pad_link (out, sink_in) != GST_PAD_LINK_OK) {
        fprintf (stderr, "srtpenc would not link\n");
        return 1;
      }
      for (GstPad *p : { in, feed_out, out, sink_in })
        gst_object_unref (p);
    } else {
      gst_element_link (src, sink);
    }
    gst_element_set_state (pipeline, GST_STATE_PLAYING);
    if (!wait_eos (pipeline, 120))
      return 1;
    t1 = now_us ();
    cpu1 = cpu_seconds ();
    t0 = feed->first_us;
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (pipeline);
    for (GstBuffer *b : buffers)
      gst_buffer_unref (b);
  }

  Result d = bench::parse_key_values (finish_child (drain));
  double secs = (t1 - t0) / 1e6;
  print_result ("send", {
        {"impl", impl}, {"mode", mode}, {"sent", fmt (count)},
        {"delivered", fmt (num (d, "received"))},
        {"rate", fmt (count / secs)},
        {"cpu_us_per_packet", fmt ((cpu1 - cpu0) * 1e6 / count, 3)}});
  return 0;
}

/* protect --count N [--size B]
 * libsrtp alone: SrtpSession::protect over N distinct prepared packets, in
 * place, no socket: the floor of what SRTP adds per packet. */
int
cmd_protect (const Args & a)
{
  long count = bench::option_long (a, "count", 300000);
  long size = bench::option_long (a, "size", 200);
  PacketRing ring (0x3000, size, count);
  for (auto &p : ring.packets)
    p.resize (p.size () + comedia::SrtpSession::kMaxTrailer);
  auto tx = srtp_sender (a);
  double cpu0 = cpu_seconds ();
  for (auto &p : ring.packets) {
    size_t len = size;
    if (tx->protect (p.data (), len, p.size ()) != comedia::SrtpResult::Ok)
      return 1;
  }
  double cpu1 = cpu_seconds ();
  print_result ("protect", { {"impl", "libsrtp"}, {"sent", fmt (count)},
        {"cpu_us_per_packet", fmt ((cpu1 - cpu0) * 1e6 / count, 3)} });
  return 0;
}

}  // namespace elementbench

/* comedia-bench pool: what a second core gives to many sources on one
 * receive-thread name.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element-bench.h"

#include <gst/rtp/rtp.h>

#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <thread>

namespace elementbench {

namespace {

/* A pad probe that counts buffers (and a list's buffers) into @user_data,
 * a std::atomic<guint64>. */
GstPadProbeReturn
count_buffers (GstPad *, GstPadProbeInfo * info, gpointer user_data)
{
  guint n = GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER_LIST ?
      gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info)) : 1;
  static_cast<std::atomic<guint64> *> (user_data)->fetch_add (n,
      std::memory_order_relaxed);
  return GST_PAD_PROBE_OK;
}

}  // namespace

/* pool --impl comedia|udpsrc --threads T --sessions N --packets K
 * What a second core gives: N sources of K queued RTP packets each, drained
 * into fakesinks.  comedia: all N on one receive-thread name standing for T
 * threads (receive-threads); udpsrc: a thread per source, as it comes.  The
 * packets are queued while the pipeline is PAUSED (live sources read
 * nothing then), so no sender shares the cores with the receivers: the rate
 * is what the receivers can do with every core the process may use. */
int
cmd_pool (const Args & a)
{
  bench::raise_fd_limit ();
  std::string impl = bench::option_string (a, "impl", "comedia");
  long threads = bench::option_long (a, "threads", 1);
  long n = bench::option_long (a, "sessions", 200);
  long k = bench::option_long (a, "packets", 500);
  gsize size = bench::option_long (a, "size", 200);
  /* About 1 KiB of socket buffer per queued datagram on loopback. */
  gint rcvbuf = (gint) std::min<long> (k * 2048, G_MAXINT / 2);

  GstElement *pipeline = gst_pipeline_new ("pool");
  std::vector<GstElement *> srcs;
  std::atomic<guint64> arrived{0};
  for (long i = 0; i < n; i++) {
    GstElement *src;
    if (impl == "udpsrc") {
      src = make ("udpsrc");
      g_object_set (src, "address", "127.0.0.1", "port", 0, "buffer-size",
          rcvbuf, nullptr);
    } else {
      src = make ("comedia-rtpsrc");
      std::string session = "bench-pool-" + std::to_string (i);
      g_object_set (src, "address", "127.0.0.1", "session", session.c_str (),
          "probation", 1, "buffer-size", rcvbuf, "receive-thread",
          "bench-pool", "receive-threads", (guint) threads, nullptr);
    }
    GstElement *sink = make ("fakesink");
    g_object_set (sink, "sync", FALSE, "async", FALSE, "enable-last-sample",
        FALSE, nullptr);
    gst_bin_add_many (GST_BIN (pipeline), src, sink, nullptr);
    gst_element_link (src, sink);
    /* One shared count, cheap to poll (a sink's stats are a structure). */
    GstPad *pad = gst_element_get_static_pad (sink, "sink");
    gst_pad_add_probe (pad, (GstPadProbeType) (GST_PAD_PROBE_TYPE_BUFFER |
            GST_PAD_PROBE_TYPE_BUFFER_LIST), count_buffers, &arrived, nullptr);
    gst_object_unref (pad);
    srcs.push_back (src);
  }
  if (gst_element_set_state (pipeline, GST_STATE_PAUSED) ==
      GST_STATE_CHANGE_FAILURE) {
    fprintf (stderr, "pool pipeline would not start\n");
    return 1;
  }
  gst_element_get_state (pipeline, nullptr, nullptr, 30 * GST_SECOND);

  /* Queue K packets in every source's socket, one SSRC and consecutive
   * sequence numbers per source, from one thread per CPU taking every
   * other source: Linux frees a read packet back on the CPU that made it,
   * so a queue made on one CPU would load that one. */
  std::vector<sockaddr_in> dests (n);
  for (long i = 0; i < n; i++) {
    gint port = 0;
    g_object_get (srcs[i], "port", &port, nullptr);
    dests[i] = loopback ((guint16) port);
  }
  long cpus = std::max (1L, sysconf (_SC_NPROCESSORS_ONLN));
  std::atomic<long> queued{0};
  std::vector<std::thread> fillers;
  for (long cpu = 0; cpu < cpus; cpu++)
    fillers.emplace_back ([&, cpu] () {
      bench::pin_to_cpu ((int) cpu);
      int fd = bound_socket (0, nullptr);
      GstBuffer *scratch = gst_rtp_buffer_new_allocate (size - 12, 0, 0);
      for (long seq = 0; seq < k; seq++)
        for (long i = cpu; i < n; i += cpus)
          if (send_rtp_packet (fd, scratch, 0x30000 + i, (guint16) seq, dests[i]))
            queued++;
      gst_buffer_unref (scratch);
      close (fd);
    });
  for (std::thread & t : fillers)
    t.join ();
  g_usleep (100000);

  double cpu0 = cpu_seconds ();
  gint64 t0 = now_us (), last = 0;
  guint64 delivered = 0;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  /* Until everything queued came out, or nothing more for 300 ms. */
  for (;;) {
    g_usleep (1000);
    guint64 d = arrived.load (std::memory_order_relaxed);
    gint64 t = now_us ();
    if (d != delivered) {
      delivered = d;
      last = t;
    }
    if ((long) delivered >= queued.load () || (last ? t - last : t - t0) > 300000)
      break;
  }
  double cpu1 = cpu_seconds ();
  long process_threads = bench::proc_status ("self", "Threads");
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);

  double window = last > t0 ? (last - t0) / 1e6 : NAN;
  print_result ("pool", {
        {"impl", impl}, {"threads", fmt (threads)}, {"sessions", fmt (n)},
        {"packets", fmt (k)}, {"queued", fmt (queued.load ())},
        {"delivered", fmt (delivered)}, {"lost", fmt (queued.load () - (double) delivered)},
        {"rate", fmt (delivered / window)},
        {"cpu_cores", fmt ((cpu1 - cpu0) / window, 2)},
        {"cpu_us_per_packet", fmt ((cpu1 - cpu0) * 1e6 / std::max<double> (1, delivered), 3)},
        {"process_threads", fmt (process_threads)}});
  return delivered > 0 ? 0 : 1;
}

}  // namespace elementbench

/* comedia-bench scale: N sessions fed at a call's rate, on one core.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element-bench.h"

#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace elementbench {

/* scale --sessions N --seconds S [--thread own|shared]
 * N sessions, each an RTP and an RTCP comedia-rtpsrc into a fakesink, in
 * one pipeline on CPU 0, fed by N peers at 50 RTP + 1 RTCP packets/s.
 * own: every source has its own thread (the default); shared: all are
 * served by one receive-thread. */
int
cmd_scale (const Args & a)
{
  bench::raise_fd_limit ();
  long n = bench::option_long (a, "sessions", 100);
  double seconds = bench::option_double (a, "seconds", 10);
  double warmup = bench::option_double (a, "warmup", 2);
  long rate = bench::option_long (a, "rate", 50);
  std::string thread = bench::option_string (a, "thread", "own");
  if (thread != "own" && thread != "shared") {
    fprintf (stderr, "--thread must be own or shared\n");
    return 1;
  }

  /* Load the plugin and the element classes before the baseline. */
  gst_object_unref (make ("comedia-rtpsrc"));
  gst_object_unref (make ("fakesink"));
  long rss0 = bench::proc_status ("self", "VmRSS"), threads0 = bench::proc_status ("self", "Threads");

  GstElement *pipeline = gst_pipeline_new ("scale");
  std::vector<GstElement *> srcs;
  for (long i = 0; i < n; i++) {
    std::string session = "bench-scale-" + std::to_string (i);
    for (guint component = 1; component <= 2; component++) {
      GstElement *src = make ("comedia-rtpsrc");
      GstElement *sink = make ("fakesink");
      g_object_set (src, "address", "127.0.0.1", "session", session.c_str (),
          "component", component, "receive-thread",
          thread == "shared" ? "bench-scale" : "", nullptr);
      g_object_set (sink, "sync", FALSE, "async", FALSE, "enable-last-sample",
          FALSE, nullptr);
      gst_bin_add_many (GST_BIN (pipeline), src, sink, nullptr);
      gst_element_link (src, sink);
      srcs.push_back (src);
    }
  }
  gint64 setup0 = now_us ();
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    fprintf (stderr, "scale pipeline would not start\n");
    return 1;
  }
  gst_element_get_state (pipeline, nullptr, nullptr, 30 * GST_SECOND);
  double setup_s = (now_us () - setup0) / 1e6;
  long rss_idle = bench::proc_status ("self", "VmRSS");

  gchar *ports_file = nullptr;
  int pf = g_file_open_tmp ("comedia-bench-ports-XXXXXX", &ports_file, nullptr);
  FILE *out = fdopen (pf, "w");
  for (long i = 0; i < n; i++) {
    gint rtp = 0, rtcp = 0;
    g_object_get (srcs[2 * i], "port", &rtp, nullptr);
    g_object_get (srcs[2 * i + 1], "port", &rtcp, nullptr);
    fprintf (out, "%d %d\n", rtp, rtcp);
  }
  fclose (out);

  Child gen = spawn_self ({ "sessions-flood", "--ports-file", ports_file,
        "--seconds", fmt (warmup + seconds + 0.5, 1), "--rate",
        std::to_string (rate) });
  g_usleep ((gulong) (warmup * G_USEC_PER_SEC));
  double cpu0 = cpu_seconds ();
  gint64 t0 = now_us ();
  g_usleep ((gulong) (seconds * G_USEC_PER_SEC));
  double cpu1 = cpu_seconds ();
  gint64 t1 = now_us ();
  long rss1 = bench::proc_status ("self", "VmRSS"), threads1 = bench::proc_status ("self", "Threads");

  Result g = bench::parse_key_values (finish_child (gen));
  g_usleep (300000);
  guint64 passed = 0, latched = 0;
  for (GstElement *src : srcs) {
    GstStructure *s = nullptr;
    guint64 p = 0, l = 0;
    g_object_get (src, "stats", &s, nullptr);
    gst_structure_get_uint64 (s, "passed", &p);
    gst_structure_get_uint64 (s, "latched", &l);
    gst_structure_free (s);
    passed += p;
    latched += l;
  }
  unlink (ports_file);
  g_free (ports_file);
  double sent = num (g, "sent_rtp") + num (g, "sent_rtcp");
  double cores = (cpu1 - cpu0) / ((t1 - t0) / 1e6);
  print_result ("scale", {
        {"sessions", fmt (n)}, {"rate", fmt (rate)}, {"thread", thread},
        {"threads", fmt (threads1 - threads0)},
        {"rss_kib_per_session", fmt ((rss1 - rss0) / (double) n, 1)},
        {"idle_rss_kib_per_session", fmt ((rss_idle - rss0) / (double) n, 1)},
        {"rss_mib", fmt (rss1 / 1024.0, 1)},
        {"cpu_cores", fmt (cores, 3)},
        {"cpu_us_per_packet", fmt ((cpu1 - cpu0) * 1e6 /
                    (n * (rate + 1) * seconds), 2)},
        {"sent", fmt (sent)}, {"delivered", fmt (passed)},
        {"lost_pct", fmt (sent > 0 ? 100.0 * (sent - passed) / sent : NAN, 3)},
        {"latched", fmt (latched)}, {"setup_s", fmt (setup_s, 2)}});
  /* Tearing down thousands of threads tells nothing: leave. */
  fflush (stdout);
  _exit (0);
}

}  // namespace elementbench

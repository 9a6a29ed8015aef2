/* comedia-bench latency: from the packet that completes probation to
 * the first packet sent back.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element-bench.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace elementbench {

/* latency --trials K
 * comedia-rtpsrc (probation 4 packets over 20 ms) echoing into
 * comedia-rtpsink of the same session.  A peer sends 4 packets 10 ms apart;
 * measured is the time from sending the 4th (the one that completes
 * probation) to receiving the first packet the sink sends back: an upper
 * bound, as it includes two trips through loopback. */
int
cmd_latency (const Args & a)
{
  long trials = bench::option_long (a, "trials", 50);
  std::vector<double> lat;
  for (long t = 0; t < trials; t++) {
    std::string session = "bench-latch-" + std::to_string (t);
    GstElement *pipeline = gst_pipeline_new ("latency");
    GstElement *src = make ("comedia-rtpsrc");
    GstElement *sink = make ("comedia-rtpsink");
    g_object_set (src, "address", "127.0.0.1", "session", session.c_str (),
        "probation", 4, "probation-time", 20, nullptr);
    g_object_set (sink, "session", session.c_str (), "sync", FALSE, "async",
        FALSE, nullptr);
    gst_bin_add_many (GST_BIN (pipeline), src, sink, nullptr);
    gst_element_link (src, sink);
    gst_element_set_state (pipeline, GST_STATE_PLAYING);
    gst_element_get_state (pipeline, nullptr, nullptr, 5 * GST_SECOND);
    gint port = 0;
    g_object_get (src, "port", &port, nullptr);

    int fd = bound_socket (0, nullptr);
    sockaddr_in dest = loopback (port);
    double l = NAN;
    for (guint16 seq = 1; seq <= 4; seq++) {
      std::vector<guint8> p = rtp_packet (0x4000 + t, seq, seq * 160, 200);
      if (seq > 1)
        g_usleep (10000);
      gint64 sent_at = now_us ();
      sendto (fd, p.data (), p.size (), 0, (sockaddr *) & dest, sizeof (dest));
      if (seq < 4)
        continue;
      pollfd pfd = { fd, POLLIN, 0 };
      if (poll (&pfd, 1, 1000) == 1)
        l = now_us () - sent_at;
    }
    lat.push_back (l);
    close (fd);
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (pipeline);
  }
  std::vector<double> ok;
  for (double v : lat)
    if (!std::isnan (v))
      ok.push_back (v);
  std::sort (ok.begin (), ok.end ());
  auto pct = [&ok] (double p) {
    return ok.empty () ? NAN : ok[std::min (ok.size () - 1, (size_t) (p * ok.size ()))];
  };
  print_result ("latency", {
        {"trials", fmt (trials)}, {"answered", fmt (ok.size ())},
        {"min_us", fmt (pct (0))}, {"median_us", fmt (pct (0.5))},
        {"p90_us", fmt (pct (0.9))},
        {"max_us", fmt (ok.empty () ? NAN : ok.back ())}});
  return 0;
}

}  // namespace elementbench

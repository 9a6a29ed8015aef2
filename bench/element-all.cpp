/* comedia-bench (all): the orchestrator.  Runs every measurement as a
 * child, prints the tables, writes results.csv, results.md and bench.png.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element-bench.h"

#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace elementbench {

namespace {

std::string
machine_description ()
{
  std::string model = "unknown CPU";
  std::ifstream f ("/proc/cpuinfo");
  std::string line;
  while (std::getline (f, line))
    if (line.rfind ("model name", 0) == 0) {
      model = line.substr (line.find (':') + 2);
      break;
    }
  struct utsname u;
  uname (&u);
  long mem_kib = 0;
  std::ifstream m ("/proc/meminfo");
  while (std::getline (m, line))
    if (line.rfind ("MemTotal:", 0) == 0)
      mem_kib = atol (line.c_str () + 9);
  gchar *gst = gst_version_string ();
  char b[512];
  snprintf (b, sizeof (b), "%s, %ld cores online, %.1f GiB, Linux %s, %s",
      model.c_str (), sysconf (_SC_NPROCESSORS_ONLN), mem_kib / 1048576.0,
      u.release, gst);
  g_free (gst);
  return b;
}

}  // namespace

int
cmd_all (const Args & a)
{
  bool quick = a.count ("quick");
  std::string out_dir = bench::option_string (a, "out", "bench-out");
  std::string only = bench::option_string (a, "only", "recv,send,latency,scale,srtp,pool");
  auto want = [&only] (const char *what) {
    return only.find (what) != std::string::npos;
  };
  g_mkdir_with_parents (out_dir.c_str (), 0755);

  long flood = bench::option_long (a, "count", quick ? 20000 : 300000);
  int reps = bench::option_long (a, "reps", quick ? 1 : 3);
  std::string scale_sessions = bench::option_string (a, "sessions", quick ? "20" : "100,500,1000");
  std::string scale_seconds = quick ? "1" : "10";
  long trials = quick ? 5 : 100;
  std::string machine = machine_description ();
  printf ("comedia-bench on %s\n%s mode: flood %ld packets of 200 bytes, "
      "%d repetition(s), medians shown\n\n", machine.c_str (),
      quick ? "quick" : "full", flood, reps);
  fflush (stdout);

  Runner r;
  const char *recv_impls[] = { "comedia", "udpsrc", "raw" };
  const char *send_impls[] = { "comedia", "udpsink", "raw" };
  const char *modes[] = { "single", "list" };
  const char *srtp_send_impls[] = { "comedia", "comedia-srtp", "udpsink", "srtpenc" };
  const char *srtp_recv_impls[] = { "comedia", "comedia-srtp", "udpsrc", "srtpdec" };
  std::map<std::string, std::vector<Result>> by;

  /* Repetitions go round the implementations, so a slow moment of the
   * machine does not land on one of them only. */
  for (int rep = 0; rep < reps; rep++) {
    if (want ("recv"))
      for (const char *impl : recv_impls) {
        by[std::string ("recv/") + impl].push_back (r.run ({ "recv", "--impl",
                impl, "--count", std::to_string (flood) }));
        by[std::string ("recvq/") + impl].push_back (r.run ({ "recv",
                "--impl", impl, "--count", std::to_string (flood),
                "--queued" }));
      }
    if (want ("send"))
      for (const char *mode : modes)
        for (const char *impl : send_impls)
          by[std::string ("send/") + mode + "/" + impl].push_back (r.run ({
                  "send", "--impl", impl, "--mode", mode, "--count",
                  std::to_string (flood) }));
    if (want ("srtp")) {
      for (const char *mode : modes)
        for (const char *impl : srtp_send_impls)
          by[std::string ("srtp-send/") + mode + "/" + impl].push_back (r.run ({
                  "send", "--impl", impl, "--mode", mode, "--count",
                  std::to_string (flood), "--unique" }));
      for (const char *impl : srtp_recv_impls)
        by[std::string ("srtp-recv/") + impl].push_back (r.run ({ "recv",
                "--impl", impl, "--count", std::to_string (flood), "--queued" }));
      by["srtp-protect"].push_back (r.run ({ "protect", "--count",
              std::to_string (flood) }));
    }
  }
  /* The pool: both receive-threads settings and udpsrc, rounds alternating. */
  const std::vector<std::pair<std::string, std::string>> pool_runs = {
    {"comedia", "1"}, {"comedia", "2"}, {"udpsrc", "1"} };
  std::string pool_sessions = quick ? "20" : "200";
  std::string pool_packets = quick ? "100" : "1000";
  if (want ("pool"))
    for (int rep = 0; rep < reps; rep++)
      for (auto &run : pool_runs)
        by["pool/" + run.first + "/" + run.second].push_back (r.run ({ "pool",
                "--impl", run.first, "--threads", run.second, "--sessions",
                pool_sessions, "--packets", pool_packets }));
  Result latency;
  if (want ("latency"))
    latency = r.run ({ "latency", "--trials", std::to_string (trials) });
  std::vector<Result> scale;
  if (want ("scale")) {
    std::istringstream in (scale_sessions);
    std::string nstr;
    while (std::getline (in, nstr, ','))
      for (const char *thread : { "own", "shared" })
        scale.push_back (r.run ({ "scale", "--sessions", nstr, "--thread",
                    thread, "--seconds", scale_seconds, "--warmup",
                    quick ? "1" : "3" }));
  }

  auto med = [&by] (const std::string & key, const char *field) {
    std::vector<double> v;
    for (auto &res : by[key])
      v.push_back (num (res, field));
    return median (v);
  };

  std::ostringstream md;
  std::ofstream csv (out_dir + "/results.csv");
  csv << "test,impl,mode,rate,cpu_us_per_packet,delivered,sent\n";
  char line[512];

  /* One receive table: @prefix "recv" (the flood as it comes) or "recvq"
   * (the flood queued first, then drained). */
  auto receive_table = [&] (const char *prefix, const char *title) {
    md << title << "\n\n"
        "| receiver | delivered of sent | lost | packets/s delivered | CPU µs/packet |\n"
        "|---|---:|---:|---:|---:|\n";
    printf ("%-28s %12s %10s %14s %12s\n", prefix, "delivered", "lost",
        "packets/s", "CPU us/pkt");
    for (const char *impl : recv_impls) {
      std::string k = std::string (prefix) + "/" + impl;
      double rate = med (k, "rate"), cpu = med (k, "cpu_us_per_packet");
      double del = med (k, "delivered"), sent = med (k, "sent");
      const char *label = !strcmp (impl, "comedia") ? "comedia-rtpsrc" :
          !strcmp (impl, "udpsrc") ? "udpsrc" : "raw recvmmsg loop";
      printf ("%-28s %12.0f %10.0f %14.0f %12.3f\n", label, del, sent - del,
          rate, cpu);
      snprintf (line, sizeof (line), "| %s | %.0f of %.0f | %.1f %% | %.0f | %.3f |\n",
          label, del, sent, 100 * (sent - del) / sent, rate, cpu);
      md << line;
      csv << prefix << "," << impl << ",," << rate << "," << cpu << ","
          << del << "," << sent << "\n";
    }
    std::string p (prefix);
    double c = med (p + "/comedia", "rate"), u = med (p + "/udpsrc", "rate"),
        raw = med (p + "/raw", "rate");
    snprintf (line, sizeof (line), "\nRatios: comedia-rtpsrc / udpsrc = %.2f "
        "(target >= 3), comedia-rtpsrc / raw recvmmsg = %.2f (target >= 0.75)\n\n",
        c / u, c / raw);
    printf ("%s", line);
    md << line;
  };
  if (want ("recv")) {
    receive_table ("recv", "### Receive: one flood into `X ! fakesink`, as it comes");
    receive_table ("recvq", "### Receive: the same flood queued in the socket first, "
        "then drained (the receiver is the bottleneck)");
  }

  if (want ("send")) {
    md << "### Send: the same prepared source into X\n\n"
        "| sender | buffers | packets/s | CPU µs/packet | reached the drain |\n"
        "|---|---|---:|---:|---:|\n";
    printf ("%-28s %-7s %14s %12s %12s\n", "send", "as", "packets/s",
        "CPU us/pkt", "delivered");
    for (const char *mode : modes)
      for (const char *impl : send_impls) {
        std::string k = std::string ("send/") + mode + "/" + impl;
        double rate = med (k, "rate"), cpu = med (k, "cpu_us_per_packet");
        double del = med (k, "delivered"), sent = med (k, "sent");
        const char *label = !strcmp (impl, "comedia") ? "comedia-rtpsink" :
            !strcmp (impl, "udpsink") ? "udpsink" :
            !strcmp (mode, "list") ? "raw sendmmsg loop (64)" : "raw sendmsg loop";
        printf ("%-28s %-7s %14.0f %12.3f %12.0f\n", label, mode, rate, cpu, del);
        snprintf (line, sizeof (line), "| %s | %s | %.0f | %.3f | %.0f of %.0f |\n",
            label, !strcmp (mode, "list") ? "lists of 64" : "single", rate,
            cpu, del, sent);
        md << line;
        csv << "send," << impl << "," << mode << "," << rate << "," << cpu
            << "," << del << "," << sent << "\n";
      }
    double cs = med ("send/single/comedia", "rate"),
        us = med ("send/single/udpsink", "rate"),
        cl = med ("send/list/comedia", "rate"),
        ul = med ("send/list/udpsink", "rate"),
        rl = med ("send/list/raw", "rate");
    snprintf (line, sizeof (line), "\nRatios: single buffers comedia-rtpsink / "
        "udpsink = %.2f (target >= 1); lists comedia-rtpsink / raw sendmmsg = "
        "%.2f (target >= 0.75), comedia-rtpsink / udpsink = %.2f\n\n",
        cs / us, cl / rl, cl / ul);
    printf ("%s", line);
    md << line;
  }

  if (want ("srtp")) {
    /* ns per packet: CPU time of the measured process per packet. */
    auto ns = [&med] (const std::string & k) {
      return med (k, "cpu_us_per_packet") * 1000;
    };
    auto label = [] (const char *impl) -> const char * {
      return !strcmp (impl, "comedia") ? "comedia-rtpsink (plain)" :
          !strcmp (impl, "comedia-srtp") ? "comedia-rtpsink srtp-key" :
          !strcmp (impl, "udpsink") ? "udpsink (plain)" : "srtpenc ! udpsink";
    };
    auto rlabel = [] (const char *impl) -> const char * {
      return !strcmp (impl, "comedia") ? "comedia-rtpsrc (plain)" :
          !strcmp (impl, "comedia-srtp") ? "comedia-rtpsrc srtp-key" :
          !strcmp (impl, "udpsrc") ? "udpsrc (plain)" : "udpsrc ! srtpdec";
    };
    md << "### SRTP (AES_CM_128_HMAC_SHA1_80, fixed key), 200-byte packets\n\n"
        "Send: the prepared source (distinct packets) into X.  Receive: the "
        "flood queued, then drained into X ! fakesink.\n\n"
        "| part | element | buffers | ns/packet (CPU) | packets/s | delivered |\n"
        "|---|---|---|---:|---:|---:|\n";
    printf ("%-30s %-7s %12s %14s %12s\n", "srtp", "as", "ns/pkt", "packets/s",
        "delivered");
    for (const char *mode : modes)
      for (const char *impl : srtp_send_impls) {
        std::string k = std::string ("srtp-send/") + mode + "/" + impl;
        printf ("%-30s %-7s %12.0f %14.0f %12.0f\n", label (impl), mode, ns (k),
            med (k, "rate"), med (k, "delivered"));
        snprintf (line, sizeof (line), "| send | %s | %s | %.0f | %.0f | %.0f of %.0f |\n",
            label (impl), !strcmp (mode, "list") ? "lists of 64" : "single",
            ns (k), med (k, "rate"), med (k, "delivered"), med (k, "sent"));
        md << line;
        csv << "srtp-send," << impl << "," << mode << "," << med (k, "rate")
            << "," << med (k, "cpu_us_per_packet") << "," << med (k, "delivered")
            << "," << med (k, "sent") << "\n";
      }
    for (const char *impl : srtp_recv_impls) {
      std::string k = std::string ("srtp-recv/") + impl;
      printf ("%-30s %-7s %12.0f %14.0f %12.0f\n", rlabel (impl), "queued",
          ns (k), med (k, "rate"), med (k, "delivered"));
      snprintf (line, sizeof (line), "| receive | %s | queued | %.0f | %.0f | %.0f of %.0f |\n",
          rlabel (impl), ns (k), med (k, "rate"), med (k, "delivered"),
          med (k, "sent"));
      md << line;
      csv << "srtp-recv," << impl << ",queued," << med (k, "rate") << ","
          << med (k, "cpu_us_per_packet") << "," << med (k, "delivered") << ","
          << med (k, "sent") << "\n";
    }
    double lib = ns ("srtp-protect");
    snprintf (line, sizeof (line), "| (libsrtp alone) | SrtpSession::protect, "
        "no socket | | %.0f | | |\n", lib);
    md << line;
    csv << "srtp-protect,libsrtp,,," << lib / 1000 << ",,\n";
    printf ("%-30s %-7s %12.0f\n", "libsrtp protect alone", "", lib);

    std::string ratios = "\nRatios (ns/packet), target SRTP/plain <= 1.3:";
    for (const char *mode : modes) {
      std::string p = std::string ("srtp-send/") + mode + "/";
      snprintf (line, sizeof (line), "\n- send, %s: comedia SRTP / plain = %.2f; "
          "comedia SRTP / stock srtpenc = %.2f; stock srtpenc / udpsink = %.2f",
          !strcmp (mode, "list") ? "lists of 64" : "single buffers",
          ns (p + "comedia-srtp") / ns (p + "comedia"),
          ns (p + "comedia-srtp") / ns (p + "srtpenc"),
          ns (p + "srtpenc") / ns (p + "udpsink"));
      ratios += line;
    }
    snprintf (line, sizeof (line), "\n- receive: comedia SRTP / plain = %.2f; "
        "comedia SRTP / stock srtpdec = %.2f; stock srtpdec / udpsrc = %.2f\n\n",
        ns ("srtp-recv/comedia-srtp") / ns ("srtp-recv/comedia"),
        ns ("srtp-recv/comedia-srtp") / ns ("srtp-recv/srtpdec"),
        ns ("srtp-recv/srtpdec") / ns ("srtp-recv/udpsrc"));
    ratios += line;
    printf ("%s", ratios.c_str ());
    md << ratios;
  }

  if (!latency.empty ()) {
    snprintf (line, sizeof (line), "### Latch latency\n\nFrom sending the "
        "packet that completes probation to receiving the first packet "
        "comedia-rtpsink sends back (%s of %s trials answered): min %s µs, "
        "median %s µs, 90th percentile %s µs, max %s µs (target: 1000 µs)\n\n",
        latency["answered"].c_str (), latency["trials"].c_str (),
        latency["min_us"].c_str (), latency["median_us"].c_str (),
        latency["p90_us"].c_str (), latency["max_us"].c_str ());
    printf ("latch latency: median %s us, p90 %s us, max %s us (%s/%s answered)\n\n",
        latency["median_us"].c_str (), latency["p90_us"].c_str (),
        latency["max_us"].c_str (), latency["answered"].c_str (),
        latency["trials"].c_str ());
    md << line;
    csv << "latency,comedia,median," << latency["median_us"] << ",,,\n";
  }

  if (!scale.empty ()) {
    md << "### Scale: N sessions (RTP + RTCP comedia-rtpsrc each) at 50 RTP "
        "+ 1 RTCP packets/s per session, on one core\n\n"
        "| sessions | receive thread | threads | RSS KiB/session | CPU (cores) | CPU µs/packet | lost |\n"
        "|---:|---|---:|---:|---:|---:|---:|\n";
    printf ("%-10s %8s %8s %16s %12s %12s %10s\n", "sessions", "thread",
        "threads", "RSS KiB/session", "CPU cores", "CPU us/pkt", "lost %");
    for (auto &s : scale) {
      if (s.empty ())
        continue;
      printf ("%-10s %8s %8s %16s %12s %12s %10s\n", s["sessions"].c_str (),
          s["thread"].c_str (), s["threads"].c_str (),
          s["rss_kib_per_session"].c_str (),
          s["cpu_cores"].c_str (), s["cpu_us_per_packet"].c_str (),
          s["lost_pct"].c_str ());
      snprintf (line, sizeof (line), "| %s | %s | %s | %s | %s | %s | %s %% |\n",
          s["sessions"].c_str (), s["thread"].c_str (), s["threads"].c_str (),
          s["rss_kib_per_session"].c_str (), s["cpu_cores"].c_str (),
          s["cpu_us_per_packet"].c_str (), s["lost_pct"].c_str ());
      md << line;
      csv << "scale," << s["sessions"] << "," << s["thread"] << ","
          << s["cpu_cores"] << ","
          << s["cpu_us_per_packet"] << "," << s["delivered"] << ","
          << s["sent"] << "\n";
    }
    md << "\n";
    printf ("\n");
  }
  if (want ("pool")) {
    /* Linux 6.x frees a read skb on the CPU that made it (deferred, as that
     * CPU's softirq work) unless this is 0: with a queue made on one CPU and
     * read on two it decides much of the result. */
    std::string defer = "unknown";
    std::ifstream d ("/proc/sys/net/core/skb_defer_max");
    if (d)
      d >> defer;
    md << "### Pool: " << pool_sessions << " sources of " << pool_packets <<
        " queued packets each, drained, median of " << reps <<
        " (net.core.skb_defer_max " << defer << ")\n\n"
        "| receiver | threads | packets/s | CPU cores | CPU µs/packet | lost |\n"
        "|---|---:|---:|---:|---:|---:|\n";
    printf ("pool, net.core.skb_defer_max %s\n", defer.c_str ());
    printf ("%-36s %8s %12s %10s %12s %8s\n", "pool", "threads", "packets/s",
        "CPU cores", "CPU us/pkt", "lost");
    for (auto &run : pool_runs) {
      std::string k = "pool/" + run.first + "/" + run.second;
      bool comedia = run.first == "comedia";
      std::string label = comedia ? "comedia-rtpsrc receive-threads=" +
          run.second : "udpsrc (a thread per source)";
      std::string threads = comedia ? run.second : pool_sessions;
      double rate = med (k, "rate"), cores = med (k, "cpu_cores"),
          cpu = med (k, "cpu_us_per_packet"), lost = med (k, "lost");
      printf ("%-36s %8s %12.0f %10.2f %12.3f %8.0f\n", label.c_str (),
          threads.c_str (), rate, cores, cpu, lost);
      snprintf (line, sizeof (line), "| %s | %s | %.0f | %.2f | %.3f | %.0f |\n",
          label.c_str (), threads.c_str (), rate, cores, cpu, lost);
      md << line;
      csv << "pool," << run.first << "," << run.second << "," << rate << ","
          << cpu << "," << med (k, "delivered") << "," << med (k, "queued") << "\n";
    }
    double one = med ("pool/comedia/1", "rate"), two = med ("pool/comedia/2", "rate");
    printf ("receive-threads=2 against 1: %.2fx\n\n", two / one);
    snprintf (line, sizeof (line), "\nreceive-threads=2 against 1: **%.2f×**\n\n",
        two / one);
    md << line;
  }
  csv.close ();

  std::ofstream mdf (out_dir + "/results.md");
  mdf << "Machine: " << machine << "\n\n" << md.str ();
  mdf.close ();

  /* The plot: one small data file per panel, for gnuplot. */
  {
    std::ofstream rd (out_dir + "/recv.dat"), sd (out_dir + "/send.dat"),
        cd (out_dir + "/scale.dat");
    for (const char *impl : recv_impls) {
      std::string k = std::string ("recvq/") + impl;
      rd << '"' << impl << "\" " << med (k, "rate") / 1000 << " "
          << med (k, "cpu_us_per_packet") << "\n";
    }
    for (const char *mode : modes)
      for (const char *impl : send_impls) {
        std::string k = std::string ("send/") + mode + "/" + impl;
        sd << '"' << impl << "\\n" << mode << "\" " << med (k, "rate") / 1000
            << " " << med (k, "cpu_us_per_packet") << "\n";
      }
    for (auto &sc : scale)
      if (!sc.empty ())
        cd << '"' << sc["sessions"] << "\\n" << sc["thread"] << "\" "
            << sc["cpu_cores"] << " "
            << sc["rss_kib_per_session"] << "\n";
  }
  std::string png = out_dir + "/bench.png";
  std::string gp = out_dir + "/bench.gp";
  std::ofstream g (gp);
  g << "set terminal png size 1200,800\n"
      "set output '" << png << "'\n"
      "set multiplot layout 2,2 title 'comedia-bench (" << (quick ? "quick" : "full")
      << "): " << machine << "' font ',9'\n"
      "set style fill solid 0.6\nset boxwidth 0.6\nset grid ytics\n"
      "set key off\nset yrange [0:*]\n"
      "set title 'receive: thousand packets/s delivered (queued flood, drained)'\n"
      "plot '" << out_dir << "/recv.dat' using 0:2:xtic(1) with boxes lc 'steelblue'\n"
      "set title 'send: thousand packets/s'\n"
      "plot '" << out_dir << "/send.dat' using 0:2:xtic(1) with boxes lc 'sea-green'\n"
      "set title 'receive: CPU microseconds per delivered packet'\n"
      "plot '" << out_dir << "/recv.dat' using 0:3:xtic(1) with boxes lc 'orange'\n"
      "set title 'scale: CPU cores (bars) and RSS KiB per session (line), by sessions'\n"
      "set key top left\nset y2tics\nset y2range [0:*]\n"
      "plot '" << out_dir << "/scale.dat' using 0:2:xtic(1) with boxes lc 'purple' title 'cores', "
      "'' using 0:3 axes x1y2 with points pt 7 ps 1.5 lc 'black' title 'KiB/session'\n"
      "unset multiplot\n";
  g.close ();
  bench::run_gnuplot (gp, png);
  printf ("tables: %s/results.md, data: %s/results.csv\n", out_dir.c_str (),
      out_dir.c_str ());
  return r.failures ? 1 : 0;
}

}  // namespace elementbench

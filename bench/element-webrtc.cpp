/* comedia-bench webrtc: a browser's audio and video stream received by
 * comedia and by webrtcbin, CPU per packet, in one run.
 *
 *   comedia-bench webrtc [--quick] [--out DIR] [--reps R] [--warmup W]
 *       [--count N] [--width W --height H --fps F --bitrate BPS]
 *
 * Each repetition runs two calls, one per receiver, the order alternating:
 * a sender process (webrtc-send, webrtc-peers.cpp: stock webrtcbin offering
 * ICE + DTLS-SRTP, Opus in 20 ms frames and VP8, rtcp-mux, one transport per
 * m-line) and a receiver process (webrtc-recv --impl comedia or webrtcbin)
 * that answers its offer, this process relaying the two SDP texts.  The
 * receiver is alone in its process, so its CPU time (getrusage) is the
 * receive path's: after W packets, over the next N (the same N for both),
 * every thread of it counted, divided by N.  The sender runs on CPU 1, the
 * receiver on CPU 0, as the other parts' traffic and measured children do.
 *
 * Prints the table, writes DIR/webrtc.md and DIR/webrtc.csv.  The quick mode
 * is the smoke test (meson test bench-webrtc-quick): a few seconds of a
 * small stream to each receiver; it fails only if a receiver gets no
 * packets (or a call is not set up), never on a speed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element-bench.h"

#include <glib/gstdio.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace elementbench {

namespace {

/* The first line of @c's output that starts with @tag ("" at its end). */
std::string
line_with (Child & c, const char *tag)
{
  for (;;) {
    std::string line = read_line (c.out);
    if (line.empty () || line.rfind (tag, 0) == 0)
      return line;
  }
}

bool
write_line (Child & c, const std::string & line)
{
  std::string l = line + "\n";
  return write (c.in, l.data (), l.size ()) == (ssize_t) l.size ();
}

/* One call: a sender, a receiver of kind @impl; the receiver's RESULT. */
Result
call (const std::string & impl, const std::string & sdp_log, const std::vector<std::string> & send_args,
    const std::vector<std::string> & recv_args, int &failures)
{
  std::vector<std::string> s = { "webrtc-send" }, r = { "webrtc-recv", "--impl", impl,
    "--sdp-log", sdp_log };
  s.insert (s.end (), send_args.begin (), send_args.end ());
  r.insert (r.end (), recv_args.begin (), recv_args.end ());
  Child sender = spawn_self (s, true);
  std::string offer = line_with (sender, "OFFER ");
  Child receiver = spawn_self (r, true);
  std::string answer;
  if (!offer.empty () && write_line (receiver, offer))
    answer = line_with (receiver, "ANSWER ");
  if (!answer.empty ())
    write_line (sender, answer);
  std::string out = finish_child (receiver);
  std::string sent = finish_child (sender);
  Result res = result_line (out);
  bool ok = !res.empty () && WIFEXITED (receiver.status) && WEXITSTATUS (receiver.status) == 0;
  if (!ok) {
    fprintf (stderr, "comedia-bench webrtc: the call to %s failed (%s)\n%s%s", impl.c_str (),
        offer.empty () ? "no offer" : answer.empty () ? "no answer" : "no packets",
        out.c_str (), sent.c_str ());
    failures++;
    return {};
  }
  return res;
}

}  // namespace

int
cmd_webrtc (const Args & a)
{
  bool quick = a.count ("quick");
  std::string out_dir = bench::option_string (a, "out", "bench-out");
  g_mkdir_with_parents (out_dir.c_str (), 0755);
  int reps = bench::option_long (a, "reps", quick ? 1 : 3);
  long warmup = bench::option_long (a, "warmup", quick ? 20 : 300);
  long count = bench::option_long (a, "count", quick ? 60 : 2000);
  std::string width = bench::option_string (a, "width", quick ? "320" : "640");
  std::string height = bench::option_string (a, "height", quick ? "240" : "480");
  std::string fps = bench::option_string (a, "fps", quick ? "15" : "30");
  std::string bitrate = bench::option_string (a, "bitrate", quick ? "300000" : "1500000");
  std::vector<std::string> send_args = { "--width", width, "--height", height, "--fps", fps,
    "--bitrate", bitrate };
  std::vector<std::string> recv_args = { "--warmup", std::to_string (warmup), "--count",
    std::to_string (count), "--settle", quick ? "0.5" : "2", "--timeout", quick ? "40" : "90" };

  printf ("comedia-bench webrtc: %s mode, Opus 20 ms + VP8 %sx%s at %s fps, %s bit/s, "
      "%ld packets measured after %ld, %d repetition(s)\n\n", quick ? "quick" : "full",
      width.c_str (), height.c_str (), fps.c_str (), bitrate.c_str (), count, warmup, reps);
  fflush (stdout);
  const char *impls[] = { "comedia", "webrtcbin" };
  std::map<std::string, std::vector<Result>> runs;
  std::ofstream csv (out_dir + "/webrtc.csv");
  csv << "rep,receiver,cpu_us_per_packet,packets_per_s,audio,video,cpu_share,setup_cpu_ms,"
      "threads,rss_kib\n";
  int failures = 0;
  for (int rep = 0; rep < reps; rep++)
    for (int k = 0; k < 2; k++) {
      /* Alternating who goes first: a drift of the machine's load hits both. */
      std::string impl = impls[(k + rep) % 2];
      std::string sdp_log = out_dir + "/" + impl + ".sdp";
      if (rep == 0)
        g_unlink (sdp_log.c_str ());
      Result res = call (impl, sdp_log, send_args, recv_args, failures);
      if (res.empty ())
        continue;
      runs[impl].push_back (res);
      printf ("  rep %d %-9s  %8.2f CPU µs/packet  (%s audio + %s video packets, %s packets/s)\n",
          rep + 1, impl.c_str (), num (res, "cpu_us_per_packet"), res["audio"].c_str (),
          res["video"].c_str (), res["packets_per_s"].c_str ());
      fflush (stdout);
      csv << rep + 1 << "," << impl;
      for (const char *k : { "cpu_us_per_packet", "packets_per_s", "audio", "video", "cpu_share",
               "setup_cpu_ms", "threads", "rss_kib" })
        csv << "," << res[k];
      csv << "\n";
    }

  auto med = [&] (const std::string & impl, const char *key) {
    std::vector<double> v;
    for (const Result & r : runs[impl])
      v.push_back (num (r, key));
    return median (v);
  };
  std::ostringstream md;
  md << "| receiver | CPU µs/packet | packets/s | CPU (cores) | setup CPU ms | threads | RSS KiB |\n"
      "|---|---:|---:|---:|---:|---:|---:|\n";
  printf ("\n%-44s %10s %10s %8s %10s %8s %9s\n", "receiver (median)", "CPU us/pkt", "packets/s",
      "cores", "setup ms", "threads", "RSS KiB");
  char line[512];
  for (const char *impl : impls) {
    const char *what = !strcmp (impl, "comedia") ?
        "nicesrc ! comedia-dtlssrtpdec ! rtpbin" : "webrtcbin";
    printf ("%-44s %10.2f %10.0f %8.3f %10.1f %8.0f %9.0f\n", what,
        med (impl, "cpu_us_per_packet"), med (impl, "packets_per_s"), med (impl, "cpu_share"),
        med (impl, "setup_cpu_ms"), med (impl, "threads"), med (impl, "rss_kib"));
    snprintf (line, sizeof (line), "| `%s` | %.2f | %.0f | %.3f | %.1f | %.0f | %.0f |\n", what,
        med (impl, "cpu_us_per_packet"), med (impl, "packets_per_s"), med (impl, "cpu_share"),
        med (impl, "setup_cpu_ms"), med (impl, "threads"), med (impl, "rss_kib"));
    md << line;
    if (runs[impl].empty ())
      failures++;
  }
  double ratio = med ("comedia", "cpu_us_per_packet") / med ("webrtcbin", "cpu_us_per_packet");
  printf ("\ncomedia / webrtcbin, CPU per packet: %.2f (target: at most 0.5)\n", ratio);
  snprintf (line, sizeof (line), "\ncomedia / webrtcbin, CPU per packet: **%.2f**\n", ratio);
  md << line;
  std::ofstream (out_dir + "/webrtc.md") << md.str ();
  printf ("\nwritten: %s/webrtc.md, %s/webrtc.csv\n", out_dir.c_str (), out_dir.c_str ());
  if (failures)
    fprintf (stderr, "comedia-bench webrtc: %d failure(s)\n", failures);
  return failures ? 1 : 0;
}

}  // namespace elementbench

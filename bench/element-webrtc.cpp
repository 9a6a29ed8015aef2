/* comedia-bench webrtc: a browser's audio and video stream received by
 * comedia and by webrtcbin, CPU per packet, in one run.
 *
 *   comedia-bench webrtc [--quick] [--bundle max-bundle|none] [--out DIR]
 *       [--reps R] [--warmup W] [--count N] [--settle S] [--video CAPS]
 *       [--bitrate BPS]
 *
 * Each repetition runs two calls, one per receiver, the order alternating:
 * a sender process (webrtc-send, webrtc-peers.cpp: stock webrtcbin offering
 * ICE + DTLS-SRTP, Opus in 20 ms frames and VP8, rtcp-mux; --bundle
 * max-bundle, the default, as browsers send: both m-lines on one transport
 * and DTLS association, both receivers answering bundled; none: one
 * transport per m-line) and a receiver process (webrtc-recv --impl comedia or webrtcbin)
 * that answers its offer, this process relaying the two SDP texts.  The
 * receiver is alone in its process, so its CPU time (getrusage) is the
 * receive path's: once W packets have come and both media have flowed for S
 * seconds, over the next N (the same N for both), every thread of it
 * counted, divided by N.  The sender runs on CPU 1, the
 * receiver on CPU 0, as the other parts' traffic and measured children do.
 * The receiver also reports each of its threads' share (by thread name,
 * from /proc/self/task/N/schedstat): the second table.
 *
 * Prints the table, writes DIR/webrtc.md and DIR/webrtc.csv (with --bundle
 * none: webrtc-unbundled.md and .csv, so both runs' tables stay), the offers
 * and answers in DIR/{comedia,webrtcbin}[-unbundled].sdp.  The quick mode
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
#include <set>
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

/* One call: a sender, a receiver of kind @impl; the receiver's RESULT, with
 * its THREADS pairs under "thread:NAME". */
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
  for (auto &t : result_line (out, "THREADS"))
    res["thread:" + t.first] = t.second;
  return res;
}

}  // namespace

int
cmd_webrtc (const Args & a)
{
  bool quick = a.count ("quick");
  std::string bundle = webrtc_bundle_option (a, "comedia-bench webrtc");
  if (bundle.empty ())
    return 2;
  /* What the sender sends, and the receivers' window: options passed on. */
  std::vector<std::string> send_args = {
    "--video", bench::option_string (a, "video", quick ?
        "video/x-raw,width=320,height=240,framerate=15/1" :
        "video/x-raw,width=640,height=480,framerate=30/1"),
    "--bitrate", bench::option_string (a, "bitrate", quick ? "300000" : "1500000"),
    "--bundle", bundle };
  std::vector<std::string> recv_args = {
    "--warmup", bench::option_string (a, "warmup", quick ? "20" : "300"),
    "--count", bench::option_string (a, "count", quick ? "60" : "2000"),
    "--settle", bench::option_string (a, "settle", quick ? "0.5" : "2"),
    "--timeout", quick ? "40" : "90",
    "--bundle", bundle };
  int reps = bench::option_long (a, "reps", quick ? 1 : 3);
  std::string out_dir = output_dir (a);

  printf ("comedia-bench webrtc: %s mode, bundle-policy %s, Opus 20 ms + VP8 of %s at %s "
      "bit/s, %s packets measured after %s, %d repetition(s)\n\n", quick ? "quick" : "full",
      bundle.c_str (), send_args[1].c_str (), send_args[3].c_str (), recv_args[3].c_str (),
      recv_args[1].c_str (), reps);
  fflush (stdout);
  const char *impls[] = { "comedia", "webrtcbin" };
  std::map<std::string, std::vector<Result>> runs;
  /* Both runs' files side by side. */
  const std::string suffix = bundle == "none" ? "-unbundled" : "";
  std::ofstream csv (out_dir + "/webrtc" + suffix + ".csv");
  csv << "rep,receiver,cpu_us_per_packet,packets_per_s,audio,video,cpu_share,setup_cpu_ms,"
      "threads,rss_kib\n";
  int failures = 0;
  for (int rep = 0; rep < reps; rep++)
    for (int k = 0; k < 2; k++) {
      /* Alternating who goes first: a drift of the machine's load hits both. */
      std::string impl = impls[(k + rep) % 2];
      std::string sdp_log = out_dir + "/" + impl + suffix + ".sdp";
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
    std::string what_text = !strcmp (impl, "comedia") ? (bundle == "max-bundle" ?
        "nicesrc ! comedia-dtlssrtpdec (bundled) ! rtpbin" :
        "nicesrc ! comedia-dtlssrtpdec ! rtpbin") : "webrtcbin bundle-policy=" + bundle;
    const char *what = what_text.c_str ();
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
  /* Where each receiver's time goes: its threads by name, µs per packet
   * (median over the repetitions; a thread a run lacks counts 0 there). */
  std::set<std::string> thread_names;
  for (auto &impl_runs : runs)
    for (const Result & r : impl_runs.second)
      for (auto &kv : r)
        if (kv.first.rfind ("thread:", 0) == 0)
          thread_names.insert (kv.first);
  md << "\n| thread | comedia µs/packet | webrtcbin µs/packet |\n|---|---:|---:|\n";
  printf ("\n%-44s %10s %10s\n", "thread (CPU us per packet, median)", "comedia", "webrtcbin");
  for (const std::string & name : thread_names) {
    double v[2];
    for (int k = 0; k < 2; k++) {
      std::vector<double> x;
      for (const Result & r : runs[impls[k]])
        x.push_back (r.count (name) ? num (r, name.c_str ()) : 0);
      v[k] = median (x);
    }
    printf ("%-44s %10.2f %10.2f\n", name.c_str () + 7, v[0], v[1]);
    snprintf (line, sizeof (line), "| %s | %.2f | %.2f |\n", name.c_str () + 7, v[0], v[1]);
    md << line;
  }
  double ratio = med ("comedia", "cpu_us_per_packet") / med ("webrtcbin", "cpu_us_per_packet");
  printf ("\ncomedia / webrtcbin, CPU per packet: %.2f (target: at most 0.5)\n", ratio);
  snprintf (line, sizeof (line), "\ncomedia / webrtcbin, CPU per packet: **%.2f**\n", ratio);
  md << line;
  std::ofstream (out_dir + "/webrtc" + suffix + ".md") << md.str ();
  printf ("\nwritten: %s/webrtc%s.md, %s/webrtc%s.csv\n", out_dir.c_str (), suffix.c_str (),
      out_dir.c_str (), suffix.c_str ());
  if (failures)
    fprintf (stderr, "comedia-bench webrtc: %d failure(s)\n", failures);
  return failures ? 1 : 0;
}

}  // namespace elementbench

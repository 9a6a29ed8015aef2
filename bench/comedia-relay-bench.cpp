/* comedia-relay-bench: comedia relaying calls, against a plain epoll relay
 * (the floor) and rtpengine (when installed), in one run; and comedia's
 * units relaying without its elements (relay-units.cpp: what a relay
 * element without pads would cost).
 *
 *   comedia-relay-bench [--quick] [--calls 100,1000,5000] [--kinds comedia,units,raw,rtpengine]
 *                       [--seconds S] [--warmup S] [--setup-limit S] [--out DIR]
 *                       [--calls-per-pipeline K]
 *
 * For each relay kind and number of calls N, a relay child pinned to CPU 0
 * sets up N calls (two learning endpoints' worth of sockets each) and a
 * generator child pinned to CPU 1 sends 50 G.711 packets a second from each
 * of the 2 N endpoints and counts what comes back (see relay-generator.cpp).
 * This process samples both children's CPU time (all their threads) over
 * the generator's measured window, and the relay's RSS and threads at its
 * end.  It prints a table, and writes DIR/relay.csv and
 * DIR/relay.png (with gnuplot).
 *
 * Everything stays on 127.0.0.1.  Nothing asserts a speed: the run fails
 * only when a relay crashes, will not start, or relays nothing at all (the
 * quick mode is a CI smoke test).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "relay-bench.h"

#include <gst/gst.h>

#include <poll.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

using namespace relaybench;

namespace {

std::string self_exe;

struct Child {
  GPid pid = 0;
  int in = -1, out = -1;
  bool exited = false;
  int status = 0;
};

/* This binary again with a sub-command; with @want_stdin its standard input
 * stays open until close_stdin (the relay relays until then). */
bool
spawn_child (const std::vector<std::string> &args, bool want_stdin, Child & c)
{
  std::vector<gchar *> argv = { (gchar *) self_exe.c_str () };
  for (auto &a : args)
    argv.push_back ((gchar *) a.c_str ());
  argv.push_back (nullptr);
  GError *err = nullptr;
  if (!g_spawn_async_with_pipes (nullptr, argv.data (), nullptr,
          G_SPAWN_DO_NOT_REAP_CHILD, nullptr, nullptr, &c.pid,
          want_stdin ? &c.in : nullptr, &c.out, nullptr, &err)) {
    fprintf (stderr, "spawn failed: %s\n", err->message);
    g_error_free (err);
    return false;
  }
  return true;
}

/* The next line that starts with @tag, or "" when the child closes its
 * output or @timeout_s passes. */
std::string
wait_for_line (Child & c, const std::string & tag, double timeout_s)
{
  int64_t deadline = monotonic_ns () + (int64_t) (timeout_s * 1e9);
  std::string line;
  for (;;) {
    int left_ms = (int) ((deadline - monotonic_ns ()) / 1000000);
    pollfd p = { c.out, POLLIN, 0 };
    if (left_ms <= 0 || poll (&p, 1, left_ms) != 1)
      return "";
    char ch;
    if (read (c.out, &ch, 1) != 1)
      return "";
    if (ch != '\n') {
      line += ch;
      continue;
    }
    if (line.rfind (tag, 0) == 0)
      return line;
    line.clear ();
  }
}

/* Ends @c: closes its input (a relay then leaves), kills it if it is still
 * there after @grace_s, and says whether it exited cleanly by itself. */
bool
finish_child (Child & c, double grace_s)
{
  if (c.in >= 0)
    close (c.in);
  int64_t deadline = monotonic_ns () + (int64_t) (grace_s * 1e9);
  while (!c.exited && monotonic_ns () < deadline) {
    if (waitpid (c.pid, &c.status, WNOHANG) == c.pid)
      c.exited = true;
    else
      g_usleep (20000);
  }
  bool clean = c.exited && WIFEXITED (c.status) && WEXITSTATUS (c.status) == 0;
  if (!c.exited) {
    kill (c.pid, SIGKILL);
    waitpid (c.pid, &c.status, 0);
  }
  close (c.out);
  return clean;
}

/* CPU seconds of a process, all its threads: the sum of their
 * /proc/PID/task/TID/schedstat, in nanoseconds (/proc/PID/stat counts in
 * 10 ms ticks, too coarse for a quick run). */
double
process_cpu_s (GPid pid)
{
  std::string tasks = "/proc/" + std::to_string (pid) + "/task";
  GDir *dir = g_dir_open (tasks.c_str (), 0, nullptr);
  if (!dir)
    return NAN;
  double ns = 0;
  while (const gchar *tid = g_dir_read_name (dir)) {
    std::ifstream f (tasks + "/" + tid + "/schedstat");
    double on_cpu_ns = 0;
    if (f >> on_cpu_ns)
      ns += on_cpu_ns;
  }
  g_dir_close (dir);
  return ns / 1e9;
}

double
num (const Fields & f, const char *key)
{
  auto it = f.find (key);
  return it == f.end () || it->second == "-" ? NAN : atof (it->second.c_str ());
}

struct Row {
  std::string kind;
  long calls_asked = 0;
  Fields f;                     /* every column, formatted */
  std::string failure;          /* empty when the relay ran */
};

/* One relay kind at one number of calls. */
Row
measure (const std::string & kind, long calls, const Options & o,
    const std::string & out_dir)
{
  Row row;
  row.kind = kind;
  row.calls_asked = calls;
  std::string ports = out_dir + "/ports-" + kind + "-" + std::to_string (calls);
  double setup_limit = option_double (o, "setup-limit", 120);
  Child relay;
  if (!spawn_child ({"relay-" + kind, "--calls", std::to_string (calls),
              "--ports", ports, "--setup-limit", format_number (setup_limit),
              "--calls-per-pipeline",
              option_string (o, "calls-per-pipeline", "1"),
              "--threads", option_string (o, "threads", "1"),
              "--coalesce", option_string (o, "coalesce", "0"),
              "--calls-per-group", option_string (o, "calls-per-group", "0"),
              "--relay-cpus", option_string (o, "relay-cpus", "0")},
          true, relay)) {
    row.failure = "would not spawn";
    return row;
  }
  Fields ready = parse_fields (wait_for_line (relay, "ready",
          setup_limit + 60));
  if (ready.empty () || num (ready, "calls") < 1) {
    finish_child (relay, 2);
    row.failure = "relay did not get ready";
    return row;
  }

  /* A relay that is another program (rtpengine) names its process: its
   * threads are measured, with the driver's. */
  GPid measured = ready.count ("cpu_pid") ? (GPid) num (ready, "cpu_pid") : 0;
  auto relay_cpu_s = [&] () {
    return process_cpu_s (relay.pid) + (measured ? process_cpu_s (measured) : 0);
  };
  std::string status_pid = std::to_string (measured ? measured : relay.pid);

  Child gen;
  double seconds = option_double (o, "seconds", 5);
  spawn_child ({"generate", "--ports", ports, "--warmup",
          format_number (option_double (o, "warmup", 2), 1), "--seconds",
          format_number (seconds, 1)}, false, gen);
  double wait_s = option_double (o, "warmup", 2) + seconds + 120;
  std::string opened = wait_for_line (gen, "window-start", wait_s);
  double relay_cpu0 = relay_cpu_s ();
  double gen_cpu0 = process_cpu_s (gen.pid);
  int64_t t0 = monotonic_ns ();
  std::string closed = wait_for_line (gen, "window-end", wait_s);
  double relay_cpu1 = relay_cpu_s ();
  double gen_cpu1 = process_cpu_s (gen.pid);
  int64_t t1 = monotonic_ns ();
  long rss = proc_status (status_pid, "VmRSS");
  long threads = proc_status (status_pid, "Threads");
  Fields result = parse_fields (wait_for_line (gen, "result", 30));
  bool gen_clean = finish_child (gen, 10);
  bool relay_clean = finish_child (relay, 10);
  unlink (ports.c_str ());

  if (opened.empty () || closed.empty () || result.empty () || !gen_clean)
    row.failure = "generator failed";
  else if (!relay_clean)
    row.failure = "relay crashed or exited with an error";
  else if (!(num (result, "received") > 0))
    row.failure = "relayed nothing";

  double wall_s = (t1 - t0) / 1e9;
  double set_up = num (ready, "calls");
  double sent = num (result, "sent");
  row.f = result;
  for (auto &kv : ready)
    row.f[kv.first] = kv.second;
  row.f["relay_cpu_us_per_packet"] = format_number (sent > 0 ?
      (relay_cpu1 - relay_cpu0) * 1e6 / sent : NAN, 2);
  row.f["relay_cores"] = format_number ((relay_cpu1 - relay_cpu0) / wall_s, 2);
  row.f["generator_cores"] = format_number ((gen_cpu1 - gen_cpu0) / wall_s, 2);
  /* What the generator achieved: a late one stretches the window. */
  row.f["packets_per_s"] = format_number (sent / wall_s);
  row.f["rss_kib_per_call"] = format_number ((rss - num (ready, "rss0_kib")) /
      set_up, 1);
  row.f["threads"] = format_number ((double) threads);
  return row;
}

/* The columns of the table and the CSV, in order: key, heading, unit. */
const std::vector<std::vector<const char *>> COLUMNS = {
  {"calls", "calls", ""},
  {"packets_per_s", "pkt/s", ""},
  {"relay_cpu_us_per_packet", "CPU/pkt", "us"},
  {"relay_cores", "relay", "cores"},
  {"generator_cores", "gen", "cores"},
  {"lost_pct", "loss", "%"},
  {"p50_us", "p50", "us"},
  {"p99_us", "p99", "us"},
  {"rss_kib_per_call", "RSS/call", "KiB"},
  {"threads", "threads", ""},
  {"setup_us_per_call", "setup/call", "us"},
  {"setup_first10_us", "first10%", "us"},
  {"setup_last10_us", "last10%", "us"},
  {"setup_s", "setup", "s"},
  {"pipelines", "pipelines", ""},
  {"slots_late_pct", "gen late", "%"},
  {"worst_lag_ms", "gen lag", "ms"},
  {"silent_endpoints", "silent", "ep"},
  {"misrouted", "misrouted", ""},
};

std::vector<long>
parse_calls (const std::string & list)
{
  std::vector<long> calls;
  std::istringstream in (list);
  std::string item;
  while (std::getline (in, item, ','))
    if (atol (item.c_str ()) > 0)
      calls.push_back (atol (item.c_str ()));
  return calls;
}

std::string
machine_line ()
{
  utsname u;
  uname (&u);
  std::ifstream f ("/proc/cpuinfo");
  std::string line, model = "?";
  while (std::getline (f, line))
    if (line.rfind ("model name", 0) == 0) {
      model = line.substr (line.find (':') + 2);
      break;
    }
  return model + ", " + std::to_string (sysconf (_SC_NPROCESSORS_ONLN)) +
      " CPUs, Linux " + u.release;
}

void
write_plot (const std::vector<Row> & rows, const std::vector<std::string> &kinds,
    const std::string & out_dir, const std::string & title)
{
  std::string plot = "plot ";
  std::string gp = out_dir + "/relay.gp", png = out_dir + "/relay.png";
  for (auto &kind : kinds) {
    std::ofstream d (out_dir + "/relay-" + kind + ".dat");
    for (auto &r : rows)
      if (r.kind == kind && r.failure.empty ())
        d << r.f.at ("calls") << " " << r.f.at ("relay_cpu_us_per_packet")
            << " " << num (r.f, "p50_us") / 1000 << " "
            << num (r.f, "p99_us") / 1000 << " " << r.f.at ("relay_cores")
            << " " << r.f.at ("generator_cores") << "\n";
  }
  std::ofstream g (gp);
  g << "set terminal png size 1200,420\nset output '" << png << "'\n"
      "set multiplot layout 1,3 title '" << title << "' font ',9'\n"
      "set logscale x\nset grid\nset key top left\nset xlabel 'calls'\n"
      "set yrange [0:*]\n";
  auto panel = [&] (const char *ylabel, const char *columns_title) {
    g << "set title '" << columns_title << "'\nset ylabel '" << ylabel << "'\n";
  };
  /* One colour per relay kind; the second series of a panel dashed. */
  auto series = [&] (int column, const std::string & suffix, bool dashed) {
    std::string s;
    for (size_t k = 0; k < kinds.size (); k++)
      s += (s.empty () ? "" : ", ") + std::string ("'") + out_dir + "/relay-" +
          kinds[k] + ".dat' using 1:" + std::to_string (column) +
          " with linespoints lc " + std::to_string (k + 1) + " dt " +
          (dashed ? "2" : "1") + " title '" + kinds[k] + suffix + "'";
    return s;
  };
  panel ("microseconds", "relay CPU per relayed packet");
  g << plot << series (2, "", false) << "\n";
  panel ("milliseconds", "trip through the relay: p50 and p99");
  g << "set logscale y\nset yrange [*:*]\n" << plot << series (3, " p50", false)
      << ", " << series (4, " p99", true) << "\nunset logscale y\nset yrange [0:*]\n";
  panel ("cores", "CPU: relay and generator");
  g << plot << series (5, " relay", false) << ", " << series (6, " generator", true) << "\n"
      "unset multiplot\n";
  g.close ();
  bench::run_gnuplot (gp, png);
}

int
run_all (const Options & o)
{
  bool quick = o.count ("quick");
  Options opts = o;
  if (quick) {
    opts.emplace ("seconds", "1");
    opts.emplace ("warmup", "0.5");
    opts.emplace ("setup-limit", "30");
  }
  std::vector<long> calls = parse_calls (option_string (opts, "calls",
          quick ? "20" : "100,1000,5000"));
  std::vector<std::string> kinds;
  {
    std::istringstream in (option_string (opts, "kinds", "comedia,units,raw,rtpengine"));
    std::string k;
    while (std::getline (in, k, ','))
      kinds.push_back (k);
  }
  std::string out_dir = option_string (opts, "out", "relay-bench-out");
  g_mkdir_with_parents (out_dir.c_str (), 0755);
  std::string machine = machine_line ();
  printf ("comedia-relay-bench (%s): %s\n", quick ? "quick" : "full",
      machine.c_str ());
  printf ("relay on CPU %s, generator on CPU 1; %d packets/s per direction, "
      "%d-byte packets; window %s s after %s s of warm-up\n\n",
      option_string (opts, "relay-cpus", "0") == "any" ? "0 and 1" : "0",
      PACKETS_PER_SECOND, PACKET_BYTES, option_string (opts, "seconds", "5").c_str (),
      option_string (opts, "warmup", "2").c_str ());

  std::vector<Row> rows;
  std::vector<std::string> ran;
  int failures = 0;
  for (auto &kind : kinds) {
    if (kind == "rtpengine" && !rtpengine_installed ()) {
      /* The smoke test must not pass without the reference relay. */
      printf ("rtpengine: not installed (Debian package rtpengine-daemon): "
          "row %s\n", quick ? "failed" : "skipped");
      failures += quick;
      continue;
    }
    if (kind != "comedia" && kind != "raw" && kind != "rtpengine" && kind != "units") {
      fprintf (stderr, "unknown relay kind %s (comedia, raw, rtpengine, units)\n",
          kind.c_str ());
      return 2;
    }
    ran.push_back (kind);
    for (long n : calls) {
      fprintf (stderr, "%s: %ld calls...\n", kind.c_str (), n);
      Row r = measure (kind, n, opts, out_dir);
      /* The smoke test's few calls must all start. */
      if (r.failure.empty () && quick && num (r.f, "calls") < n)
        r.failure = "not every call started";
      if (!r.failure.empty ()) {
        failures++;
        fprintf (stderr, "%s at %ld calls: %s\n", kind.c_str (), n,
            r.failure.c_str ());
      }
      rows.push_back (r);
    }
  }

  std::ofstream csv (out_dir + "/relay.csv");
  csv << "kind,calls_asked,failure";
  for (auto &c : COLUMNS)
    csv << "," << c[0];
  csv << "\n";
  printf ("\n%-8s", "relay");
  for (auto &c : COLUMNS)
    printf (" %10s", c[1]);
  printf ("\n%-8s", "");
  for (auto &c : COLUMNS)
    printf (" %10s", c[2]);
  printf ("\n");
  for (auto &r : rows) {
    csv << r.kind << "," << r.calls_asked << "," << r.failure;
    printf ("%-8s", r.kind.c_str ());
    for (auto &c : COLUMNS) {
      auto it = r.f.find (c[0]);
      std::string v = it == r.f.end () ? "-" : it->second;
      csv << "," << v;
      printf (" %10s", v.c_str ());
    }
    csv << "\n";
    if (!r.failure.empty ())
      printf ("  <- %s (%ld calls asked)", r.failure.c_str (), r.calls_asked);
    else if (num (r.f, "calls") < r.calls_asked)
      printf ("  <- set up %s of %ld calls (stopped: %s)", r.f["calls"].c_str (),
          r.calls_asked, r.f["setup_stopped"].c_str ());
    printf ("\n");
  }
  csv.close ();
  printf ("\nCPU/pkt: relay CPU (all its threads) per packet sent to it in the "
      "window; gen: the generator's\n"
      "own CPU (near 1.0 it, not the relay, is the limit); gen late: 1 ms "
      "send slots it started late.\n"
      "p50/p99: send to receive through the relay, loopback both ways.\n");
  write_plot (rows, ran, out_dir, "comedia-relay-bench (" +
      std::string (quick ? "quick" : "full") + "): " + machine);
  printf ("data: %s/relay.csv\n", out_dir.c_str ());
  return failures ? 1 : 0;
}

}  // namespace

int
main (int argc, char **argv)
{
  std::string cmd = argc > 1 && argv[1][0] != '-' ? argv[1] : "all";
  Options o = parse_options (argc, argv, cmd == "all" ? 1 : 2);
  /* Before anything starts a thread: every later thread inherits it.
   * --relay-cpus any leaves the relay to the scheduler, on both cores (the
   * generator's among them). */
  if (cmd == "generate")
    pin_to_cpu (1);
  else if (cmd.rfind ("relay-", 0) == 0 &&
      option_string (o, "relay-cpus", "0") != "any")
    pin_to_cpu (0);
  /* A relay or generator left behind by a killed run ends by itself. */
  if (cmd != "all")
    alarm (900);

  gst_init (nullptr, nullptr);
  self_exe = bench::self_executable (argv[0]);

  if (cmd == "generate")
    return run_generator (o);
  if (cmd == "relay-comedia")
    return run_comedia_relay (o);
  if (cmd == "relay-raw")
    return run_raw_relay (o);
  if (cmd == "relay-units")
    return run_units_relay (o);
  if (cmd == "relay-rtpengine")
    return run_rtpengine_relay (o);
  if (cmd == "all")
    return run_all (o);
  fprintf (stderr, "usage: %s [--quick] [--calls 100,1000,5000] "
      "[--kinds comedia,units,raw,rtpengine] [--seconds S] [--warmup S] "
      "[--setup-limit S] [--calls-per-pipeline K] [--calls-per-group G] [--threads T] [--coalesce US] [--relay-cpus 0|any] [--out DIR]\n", argv[0]);
  return 2;
}

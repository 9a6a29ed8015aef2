/* comedia-relay-bench: rtpengine as the relay under test.
 *
 *   relay-rtpengine --calls N --ports FILE [--setup-limit S] [--threads T]
 *
 * Starts rtpengine (Debian's package, userspace only: --table=-1) on
 * loopback, pinned to the CPU this driver is pinned to, and sets the calls
 * up over its ng control protocol as a SIP proxy would: an "offer" and an
 * "answer" per call.  Both SDPs say port 9, so that rtpengine learns each
 * endpoint from its first packets, as comedia latches it (rtpengine learns
 * by default; nothing is sent anywhere but loopback).  The ports it
 * answers with go to the ports file; the "ready" line names rtpengine's
 * PID (cpu_pid), whose threads are what the orchestrator measures.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "relay-bench.h"

#include <gst/sdp/sdp.h>

#include <netinet/in.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>

namespace relaybench {
namespace {

/* The ng protocol's framing: bencode (BitTorrent's), a cookie, a space.
 * Only what the offer and answer need: dictionaries of strings out, and
 * the strings of a flat reply dictionary back. */
std::string
bencode_string (const std::string & s)
{
  return std::to_string (s.size ()) + ":" + s;
}

std::string
bencode_dict (const std::map<std::string, std::string> & d)
{
  std::string out = "d";
  for (auto &kv : d)           /* std::map: keys sorted, as bencode wants */
    out += bencode_string (kv.first) + bencode_string (kv.second);
  return out + "e";
}

/* The string values of the top-level dictionary @b; false if it is not
 * one.  Nested values are skipped. */
bool
bdecode_flat (const std::string & b, std::map<std::string, std::string> & out)
{
  size_t i = 0;
  /* Reads one value at @i; a string goes to @s. */
  std::function<bool (std::string *)> value = [&] (std::string * s) -> bool {
    if (i >= b.size ())
      return false;
    char c = b[i];
    if (c >= '0' && c <= '9') {
      size_t colon = b.find (':', i);
      if (colon == std::string::npos)
        return false;
      size_t len = strtoul (b.c_str () + i, nullptr, 10);
      if (colon + 1 + len > b.size ())
        return false;
      if (s)
        *s = b.substr (colon + 1, len);
      i = colon + 1 + len;
      return true;
    }
    if (c == 'i') {
      size_t e = b.find ('e', i);
      if (e == std::string::npos)
        return false;
      i = e + 1;
      return true;
    }
    if (c == 'l' || c == 'd') {
      i++;
      while (i < b.size () && b[i] != 'e')
        if (!value (nullptr))
          return false;
      i++;
      return true;
    }
    return false;
  };
  if (b.empty () || b[0] != 'd')
    return false;
  i = 1;
  while (i < b.size () && b[i] != 'e') {
    std::string key, v;
    if (!value (&key))
      return false;
    bool is_string = i < b.size () && b[i] >= '0' && b[i] <= '9';
    if (!value (is_string ? &v : nullptr))
      return false;
    if (is_string)
      out[key] = v;
  }
  return true;
}

/* One ng control connection: a UDP socket to rtpengine's --listen-ng. */
struct NgClient {
  int fd = -1;
  sockaddr_in to{};
  unsigned cookie = 0;

  bool open (uint16_t port)
  {
    fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    to.sin_family = AF_INET;
    to.sin_port = htons (port);
    to.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    return fd >= 0;
  }

  /* Sends @command and returns the reply's strings; empty if none came
   * within @timeout_ms. */
  std::map<std::string, std::string>
  request (const std::map<std::string, std::string> & command, int timeout_ms)
  {
    std::string id = std::to_string (++cookie);
    std::string msg = id + " " + bencode_dict (command);
    std::map<std::string, std::string> reply;
    if (sendto (fd, msg.data (), msg.size (), 0, (sockaddr *) & to,
            sizeof to) < 0)
      return reply;
    static char buf[65536];
    for (;;) {
      pollfd p = { fd, POLLIN, 0 };
      if (poll (&p, 1, timeout_ms) != 1)
        return reply;
      ssize_t n = recv (fd, buf, sizeof buf, 0);
      if (n <= 0)
        return reply;
      std::string r (buf, n);
      size_t space = r.find (' ');
      /* A late reply to an earlier request is skipped. */
      if (space == std::string::npos || r.substr (0, space) != id)
        continue;
      bdecode_flat (r.substr (space + 1), reply);
      return reply;
    }
  }
};

/* The port of the first m= line of @sdp, read with GstSDPMessage; 0 if
 * none. */
uint16_t
sdp_media_port (const std::string & sdp)
{
  GstSDPMessage *msg = nullptr;
  gst_sdp_message_new (&msg);
  uint16_t port = 0;
  if (gst_sdp_message_parse_buffer ((const guint8 *) sdp.data (), sdp.size (),
          msg) == GST_SDP_OK && gst_sdp_message_medias_len (msg) > 0)
    port = gst_sdp_media_get_port (gst_sdp_message_get_media (msg, 0));
  gst_sdp_message_free (msg);
  return port;
}

/* What each endpoint "offers": G.711 on port 9 of loopback. */
const char *ENDPOINT_SDP =
    "v=0\r\n"
    "o=- 1 1 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\n"
    "m=audio 9 RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=sendrecv\r\n";

std::string
find_rtpengine ()
{
  gchar *path = g_find_program_in_path ("rtpengine");
  std::string found = path ? path : "";
  g_free (path);
  return found;
}

/* A port for the ng socket: one the kernel had free a moment ago. */
uint16_t
free_loopback_port ()
{
  uint16_t port = 0;
  int fd = loopback_socket (&port);
  if (fd >= 0)
    close (fd);
  return port;
}

}  // namespace

bool
rtpengine_installed ()
{
  return !find_rtpengine ().empty ();
}

int
run_rtpengine_relay (const Options & o)
{
  long n = option_long (o, "calls", 100);
  double limit_s = option_double (o, "setup-limit", 120);
  long threads = option_long (o, "threads", 1);
  std::string binary = find_rtpengine ();
  if (binary.empty ()) {
    fprintf (stderr, "relay-rtpengine: rtpengine is not installed\n");
    return 2;
  }
  uint16_t ng_port = free_loopback_port ();
  std::string log_path = option_string (o, "ports", "rtpengine") + ".log";
  std::vector<std::string> args = { binary, "--config-file=none",
    "--foreground", "--log-stderr", "--log-level=4", "--table=-1",
    "--interface=127.0.0.1",
    "--listen-ng=127.0.0.1:" + std::to_string (ng_port),
    "--port-min=10000", "--port-max=65000",
    "--num-threads=" + std::to_string (threads), "--delete-delay=0" };

  pid_t pid = fork ();
  if (pid == 0) {
    int log = ::open (log_path.c_str (), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      dup2 (log, 1);
      dup2 (log, 2);
    }
    std::vector<char *> argv;
    for (auto &a : args)
      argv.push_back ((char *) a.c_str ());
    argv.push_back (nullptr);
    execv (binary.c_str (), argv.data ());
    _exit (127);
  }
  if (pid < 0) {
    fprintf (stderr, "relay-rtpengine: fork: %s\n", strerror (errno));
    return 1;
  }
  auto stop_rtpengine = [pid] () {
    kill (pid, SIGTERM);
    for (int i = 0; i < 100; i++) {
      if (waitpid (pid, nullptr, WNOHANG) == pid)
        return;
      g_usleep (20000);
    }
    kill (pid, SIGKILL);
    waitpid (pid, nullptr, 0);
  };

  NgClient ng;
  bool up = ng.open (ng_port);
  for (int i = 0; up && i < 100; i++) {
    auto pong = ng.request ({{"command", "ping"}}, 100);
    if (pong["result"] == "pong")
      break;
    up = i < 99 && waitpid (pid, nullptr, WNOHANG) == 0;
  }
  if (!up) {
    fprintf (stderr, "relay-rtpengine: rtpengine did not answer on its ng "
        "port (log: %s)\n", log_path.c_str ());
    stop_rtpengine ();
    return 1;
  }
  long rss0 = proc_status (std::to_string (pid), "VmRSS");

  SetupClock clock;
  std::vector<CallPorts> calls;
  std::string stopped;
  for (long i = 0; i < n; i++) {
    if ((monotonic_ns () - clock.began) / 1e9 > limit_s) {
      stopped = "time-limit";
      break;
    }
    int64_t t0 = monotonic_ns ();
    std::string call_id = "bench-" + std::to_string (i);
    auto offer = ng.request ({{"command", "offer"}, {"call-id", call_id},
          {"from-tag", "a"}, {"sdp", ENDPOINT_SDP}}, 2000);
    auto answer = ng.request ({{"command", "answer"}, {"call-id", call_id},
          {"from-tag", "a"}, {"to-tag", "b"}, {"sdp", ENDPOINT_SDP}}, 2000);
    /* The offer, rewritten, goes to B: its port is what B sends to; the
     * answer, rewritten, goes to A. */
    CallPorts ports;
    ports.b = sdp_media_port (offer["sdp"]);
    ports.a = sdp_media_port (answer["sdp"]);
    if (offer["result"] != "ok" || answer["result"] != "ok" || !ports.a ||
        !ports.b) {
      fprintf (stderr, "relay-rtpengine: call %ld refused: %s %s\n", i,
          offer["error-reason"].c_str (), answer["error-reason"].c_str ());
      stopped = "error";
      break;
    }
    clock.per_call_us.push_back ((monotonic_ns () - t0) / 1e3);
    calls.push_back (ports);
  }
  Fields extra = {{"setup_stopped", stopped.empty () ? "no" : stopped},
    {"cpu_pid", std::to_string (pid)}};
  if (announce_ready (option_string (o, "ports", ""), calls, clock, rss0,
          extra)) {
    stop_rtpengine ();
    return 1;
  }
  wait_for_stdin_eof ();
  bool alive = waitpid (pid, nullptr, WNOHANG) == 0;
  stop_rtpengine ();
  if (!alive)
    fprintf (stderr, "relay-rtpengine: rtpengine died (log: %s)\n",
        log_path.c_str ());
  return alive ? 0 : 1;
}

}  // namespace relaybench

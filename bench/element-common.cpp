/* comedia-bench: what its sub-commands share: the SRTP key, numbers and
 * result lines, loopback sockets and packets, child processes, pipelines.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element-bench.h"

#include "sdescrypto.h"

#include <gst/rtp/rtp.h>

#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace elementbench {

GstBuffer *
srtp_key_buffer ()
{
  std::vector<guint8> k (30);
  for (size_t i = 0; i < k.size (); i++)
    k[i] = (guint8) i;
  return gst_buffer_new_memdup (k.data (), k.size ());
}

std::string
srtp_suite_option (const Args & a)
{
  return bench::option_string (a, "srtp-suite", SRTP_SUITE);
}

std::string
srtp_key_option (const Args & a)
{
  return bench::option_string (a, "srtp-key", SRTP_KEY);
}

const comedia::SrtpSuiteInfo *
srtp_suite_by_nick (const std::string & nick)
{
  std::string name = nick;
  for (char &c : name)
    c = c == '-' ? '_' : g_ascii_toupper (c);
  return comedia::srtp_suite_by_name (name);
}

/* An outbound libsrtp session under the sub-command's key. */
std::unique_ptr<comedia::SrtpSession>
srtp_sender (const Args & a)
{
  const comedia::SrtpSuiteInfo *suite = srtp_suite_by_nick (srtp_suite_option (a));
  comedia::SrtpKey key;
  std::string error = "no such suite " + srtp_suite_option (a);
  if (!suite || !comedia::parse_srtp_key (suite->suite, srtp_key_option (a), key, error)) {
    fprintf (stderr, "bench key: %s\n", error.c_str ());
    exit (2);
  }
  auto s = comedia::SrtpSession::create (key,
      comedia::SrtpDirection::Outbound, &error);
  if (!s) {
    fprintf (stderr, "libsrtp: %s\n", error.c_str ());
    exit (2);
  }
  return s;
}

double
median (std::vector<double> v)
{
  v.erase (std::remove_if (v.begin (), v.end (), [] (double x) {
        return std::isnan (x);}), v.end ());
  if (v.empty ())
    return NAN;
  std::sort (v.begin (), v.end ());
  return v[v.size () / 2];
}

Result
Runner::run (const std::vector<std::string> &args)
{
  Child c = spawn_self (args);
  std::string out = finish_child (c);
  Result r = result_line (out);
  if (r.empty () || !WIFEXITED (c.status) || WEXITSTATUS (c.status) != 0) {
    std::string cmd;
    for (auto &s : args)
      cmd += " " + s;
    fprintf (stderr, "comedia-bench:%s failed\n%s", cmd.c_str (), out.c_str ());
    failures++;
    return {};
  }
  results.push_back (r);
  return r;
}

gint64
now_us ()
{
  return g_get_monotonic_time ();
}

double
cpu_seconds ()
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double
num (const Result & r, const char *k)
{
  auto it = r.find (k);
  return it == r.end () ? NAN : atof (it->second.c_str ());
}

void
print_result (const char *test, const std::vector<std::pair<std::string,
    std::string>> &fields)
{
  printf ("RESULT test=%s", test);
  for (auto &f : fields)
    printf (" %s=%s", f.first.c_str (), f.second.c_str ());
  printf ("\n");
  fflush (stdout);
}

std::string
fmt (double v, int decimals)
{
  char b[64];
  snprintf (b, sizeof (b), "%.*f", decimals, v);
  return b;
}

/* ------------------------------------------------------------------ */
/* Sockets and packets                                                  */

sockaddr_in
loopback (guint16 port)
{
  sockaddr_in a = {};
  a.sin_family = AF_INET;
  a.sin_port = htons (port);
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  return a;
}

/* A UDP socket bound to 127.0.0.1:@port (0: any free port). */
int
bound_socket (guint16 port, guint16 * bound)
{
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = loopback (port);
  if (fd < 0 || bind (fd, (sockaddr *) & a, sizeof (a)) < 0) {
    perror ("bind");
    exit (2);
  }
  socklen_t len = sizeof (a);
  getsockname (fd, (sockaddr *) & a, &len);
  if (bound)
    *bound = ntohs (a.sin_port);
  return fd;
}

/* A port that was free a moment ago, for elements that take a port. */
guint16
free_port ()
{
  guint16 port;
  int fd = bound_socket (0, &port);
  close (fd);
  return port;
}

/* A real RTP packet of @size bytes, made by GstRTPBuffer. */
std::vector<guint8>
rtp_packet (guint32 ssrc, guint16 seq, guint32 ts, gsize size)
{
  GstBuffer *buf = gst_rtp_buffer_new_allocate (size - 12, 0, 0);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  gst_rtp_buffer_map (buf, GST_MAP_WRITE, &rtp);
  gst_rtp_buffer_set_ssrc (&rtp, ssrc);
  gst_rtp_buffer_set_seq (&rtp, seq);
  gst_rtp_buffer_set_timestamp (&rtp, ts);
  gst_rtp_buffer_set_payload_type (&rtp, 96);
  memset (gst_rtp_buffer_get_payload (&rtp), 0x5a, size - 12);
  gst_rtp_buffer_unmap (&rtp);
  std::vector<guint8> v (size);
  gst_buffer_extract (buf, 0, v.data (), size);
  gst_buffer_unref (buf);
  return v;
}

/* A Receiver Report from @ssrc, made by GstRTCPBuffer. */
std::vector<guint8>
rtcp_rr (guint32 ssrc)
{
  GstBuffer *buf = gst_rtcp_buffer_new (1400);
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  GstRTCPPacket packet;
  gst_rtcp_buffer_map (buf, GST_MAP_READWRITE, &rtcp);
  gst_rtcp_buffer_add_packet (&rtcp, GST_RTCP_TYPE_RR, &packet);
  gst_rtcp_packet_rr_set_ssrc (&packet, ssrc);
  gst_rtcp_buffer_add_packet (&rtcp, GST_RTCP_TYPE_SDES, &packet);
  gst_rtcp_packet_sdes_add_item (&packet, ssrc);
  gst_rtcp_packet_sdes_add_entry (&packet, GST_RTCP_SDES_CNAME, 5,
      (const guint8 *) "bench");
  gst_rtcp_buffer_unmap (&rtcp);
  std::vector<guint8> v (gst_buffer_get_size (buf));
  gst_buffer_extract (buf, 0, v.data (), v.size ());
  gst_buffer_unref (buf);
  return v;
}

/* ------------------------------------------------------------------ */
/* Child processes                                                      */

std::string self_exe;

Child
spawn_self (const std::vector<std::string> &args, bool with_stdin)
{
  std::vector<gchar *> argv;
  argv.push_back ((gchar *) self_exe.c_str ());
  for (auto &a : args)
    argv.push_back ((gchar *) a.c_str ());
  argv.push_back (nullptr);
  Child c;
  GError *err = nullptr;
  if (!g_spawn_async_with_pipes (nullptr, argv.data (), nullptr,
          G_SPAWN_DO_NOT_REAP_CHILD, nullptr, nullptr, &c.pid, with_stdin ? &c.in : nullptr,
          &c.out, nullptr, &err)) {
    fprintf (stderr, "spawn failed: %s\n", err->message);
    exit (2);
  }
  return c;
}

std::string
read_line (int fd)
{
  std::string line;
  char ch;
  while (read (fd, &ch, 1) == 1 && ch != '\n')
    line += ch;
  return line;
}

bool
child_running (Child & c)
{
  if (c.exited)
    return false;
  if (waitpid (c.pid, &c.status, WNOHANG) == c.pid)
    c.exited = true;
  return !c.exited;
}

/* Closes @c's stdin (if it has one), waits for it and returns the rest of
 * what it printed. */
std::string
finish_child (Child & c)
{
  if (c.in >= 0)
    close (c.in);
  c.in = -1;
  std::string all;
  char buf[4096];
  ssize_t n;
  while ((n = read (c.out, buf, sizeof (buf))) > 0)
    all.append (buf, n);
  close (c.out);
  if (!c.exited) {
    waitpid (c.pid, &c.status, 0);
    c.exited = true;
  }
  return all;
}

Result
result_line (const std::string & output, const char *tag)
{
  std::istringstream in (output);
  std::string line, prefix = std::string (tag) + " ";
  while (std::getline (in, line))
    if (line.rfind (prefix, 0) == 0)
      return bench::parse_key_values (line.substr (prefix.size ()));
  return {};
}

std::string
output_dir (const Args & a)
{
  std::string dir = bench::option_string (a, "out", "bench-out");
  g_mkdir_with_parents (dir.c_str (), 0755);
  return dir;
}

/* ------------------------------------------------------------------ */
/* Pipelines                                                            */

GstElement *
make (const char *factory, const char *name)
{
  GstElement *e = gst_element_factory_make (factory, name);
  if (!e) {
    fprintf (stderr, "element %s is missing (GST_PLUGIN_PATH?)\n", factory);
    exit (3);
  }
  return e;
}

guint64
rendered (GstElement * sink)
{
  GstStructure *s = nullptr;
  guint64 v = 0;
  g_object_get (sink, "stats", &s, nullptr);
  gst_structure_get_uint64 (s, "rendered", &v);
  gst_structure_free (s);
  return v;
}

/* Waits for EOS or an error; returns FALSE on error or after @timeout_s. */
bool
wait_eos (GstElement * pipeline, int timeout_s)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, timeout_s * GST_SECOND,
      (GstMessageType) (GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  bool ok = msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS;
  if (msg && !ok) {
    GError *err = nullptr;
    gst_message_parse_error (msg, &err, nullptr);
    fprintf (stderr, "pipeline error: %s\n", err->message);
    g_error_free (err);
  }
  if (msg)
    gst_message_unref (msg);
  gst_object_unref (bus);
  return ok;
}

}  // namespace elementbench

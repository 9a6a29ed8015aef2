/* comedia-bench: comedia-rtpsrc and comedia-rtpsink side by side with the
 * stock udpsrc / udpsink and with plain recvmmsg / sendmmsg loops, on the
 * same loopback flood, in one invocation.
 *
 *   comedia-bench [--quick] [--out DIR] [--only recv,send,latency,scale,srtp,pool]
 *
 * Every measurement runs in a child process of its own (this binary again,
 * with a sub-command), pinned to CPU 0, while its traffic generator or
 * drain runs in another child pinned to CPU 1: CPU time and memory are then
 * those of the thing measured alone.  The parent prints a table, and writes
 * DIR/results.csv, DIR/results.md and DIR/bench.png (with gnuplot).
 *
 * All traffic stays on 127.0.0.1.  The numbers are ratios measured in one
 * run; nothing here asserts a speed (the quick mode is a CI smoke test).
 *
 * The srtp part sends and receives the same flood with a fixed SRTP key
 * (AES_CM_128_HMAC_SHA1_80): comedia-rtpsink / comedia-rtpsrc plain and
 * with srtp-key, against stock srtpenc ! udpsink and udpsrc ! srtpdec.
 *
 * The pool part is the one not pinned: many sources with packets queued,
 * drained on one receive-thread name of 1 and of 2 threads (and udpsrc's
 * thread per source), to show what the second core carries.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bench-common.h"
#include "sdescrypto.h"
#include "srtpsession.h"

#include <gst/gst.h>
#include <gst/base/gstpushsrc.h>
#include <gst/rtp/rtp.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

/* The srtp part's fixed key: 30 bytes (0..29) of master key and salt, as
 * the comedia elements take it and as srtpenc / srtpdec do. */
const char *SRTP_SUITE = "aes-cm-128-hmac-sha1-80";
const char *SRTP_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd";
const char *SRTP_KEY_HEX =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d";
const guint32 FLOOD_SSRC = 0x1000;   /* the flood's first source */

GstBuffer *
srtp_key_buffer ()
{
  std::vector<guint8> k (30);
  for (size_t i = 0; i < k.size (); i++)
    k[i] = (guint8) i;
  return gst_buffer_new_memdup (k.data (), k.size ());
}

/* An outbound libsrtp session under SRTP_KEY. */
std::unique_ptr<comedia::SrtpSession>
srtp_sender ()
{
  comedia::SrtpKey key;
  std::string error;
  if (!comedia::parse_srtp_key (comedia::SrtpSuite::AesCm128HmacSha1_80,
          SRTP_KEY, key, error)) {
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

using Args = bench::Options;
using Result = std::map<std::string, std::string>;

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
fmt (double v, int decimals = 0)
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

/* Consecutive RTP packets of one source, prepared once so the flood spends
 * its time in sendmmsg and not in building packets. */
struct PacketRing {
  std::vector<std::vector<guint8>> packets;
  PacketRing (guint32 ssrc, gsize size, size_t n) {
    for (size_t i = 0; i < n; i++)
      packets.push_back (rtp_packet (ssrc, (guint16) i, (guint32) i * 160, size));
  }
  const std::vector<guint8> &operator[] (size_t i) const {
    return packets[i % packets.size ()];
  }
};

/* ------------------------------------------------------------------ */
/* Child processes                                                      */

std::string self_exe;

struct Child {
  GPid pid = 0;
  int out = -1;
  bool exited = false;
  int status = 0;
};

Child
spawn_self (const std::vector<std::string> &args)
{
  std::vector<gchar *> argv;
  argv.push_back ((gchar *) self_exe.c_str ());
  for (auto &a : args)
    argv.push_back ((gchar *) a.c_str ());
  argv.push_back (nullptr);
  Child c;
  GError *err = nullptr;
  if (!g_spawn_async_with_pipes (nullptr, argv.data (), nullptr,
          G_SPAWN_DO_NOT_REAP_CHILD, nullptr, nullptr, &c.pid, nullptr,
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

/* Waits for @c and returns the rest of what it printed. */
std::string
finish_child (Child & c)
{
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
result_line (const std::string & output)
{
  std::istringstream in (output);
  std::string line;
  while (std::getline (in, line))
    if (line.rfind ("RESULT ", 0) == 0)
      return bench::parse_key_values (line.substr (7));
  return {};
}

/* ------------------------------------------------------------------ */
/* Traffic: flood, paced sessions, drain                                */

/* flood --port P --count N [--rate PPS] [--size B] [--sources S] [--srtp]
 * Sends N RTP packets to 127.0.0.1:P with sendmmsg, flat out or at a set
 * rate, from S source sockets taking turns per batch.  --srtp: as SRTP
 * under SRTP_KEY, one source, all N protected before the clock starts (a
 * ring would repeat packets, and libsrtp drops replays). */
int
cmd_flood (const Args & a)
{
  guint16 port = bench::option_long (a, "port", 0);
  long count = bench::option_long (a, "count", 300000);
  long rate = bench::option_long (a, "rate", 0);
  gsize size = bench::option_long (a, "size", 200);
  long sources = std::max (1L, bench::option_long (a, "sources", 1));
  const int batch = 64;

  bool srtp = a.count ("srtp");
  if (srtp)
    sources = 1;
  std::vector<int> fds;
  std::vector<PacketRing> rings;
  for (long s = 0; s < sources; s++) {
    fds.push_back (bound_socket (0, nullptr));
    rings.emplace_back (FLOOD_SSRC + s, size, srtp ? count : 4096);
  }
  if (srtp) {
    auto tx = srtp_sender ();
    for (auto &p : rings[0].packets) {
      size_t len = p.size ();
      p.resize (len + comedia::SrtpSession::kMaxTrailer);
      if (tx->protect (p.data (), len, p.size ()) != comedia::SrtpResult::Ok) {
        fprintf (stderr, "flood: libsrtp refused to protect\n");
        return 1;
      }
      p.resize (len);
    }
  }
  sockaddr_in dest = loopback (port);
  std::vector<mmsghdr> msgs (batch);
  std::vector<iovec> iov (batch);

  gint64 start = now_us ();
  long sent = 0;
  std::vector<long> seq (sources, 0);
  while (sent < count) {
    long n = std::min<long> (batch, count - sent);
    if (rate > 0) {
      long due = (long) ((now_us () - start) * (double) rate / 1e6) - sent;
      if (due <= 0) {
        g_usleep (100);
        continue;
      }
      n = std::min (n, due);
    }
    long s = (sent / batch) % sources;
    for (long i = 0; i < n; i++) {
      const std::vector<guint8> &p = rings[s][seq[s]++];
      iov[i].iov_base = (void *) p.data ();
      iov[i].iov_len = p.size ();
      msgs[i].msg_hdr = {};
      msgs[i].msg_hdr.msg_name = &dest;
      msgs[i].msg_hdr.msg_namelen = sizeof (dest);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int r = sendmmsg (fds[s], msgs.data (), n, 0);
    if (r < 0) {
      if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN)
        continue;
      perror ("sendmmsg");
      return 1;
    }
    seq[s] -= n - r;
    sent += r;
  }
  double secs = (now_us () - start) / 1e6;
  printf ("sent=%ld seconds=%.6f\n", sent, secs);
  return 0;
}

/* drain: binds a port, prints it, and reads until idle; prints the count. */
int
cmd_drain (const Args & a)
{
  guint16 port;
  int fd = bound_socket (0, &port);
  int rcvbuf = 8 << 20;
  setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof (rcvbuf));
  printf ("port=%u\n", port);
  fflush (stdout);

  long idle_ms = bench::option_long (a, "idle-ms", 500);
  long max_s = bench::option_long (a, "max-seconds", 120);
  const int batch = 64;
  std::vector<std::vector<guint8>> bufs (batch, std::vector<guint8> (2048));
  std::vector<mmsghdr> msgs (batch);
  std::vector<iovec> iov (batch);
  long received = 0;
  gint64 start = now_us (), last = 0;
  for (;;) {
    pollfd p = { fd, POLLIN, 0 };
    int r = poll (&p, 1, 50);
    gint64 t = now_us ();
    if (r <= 0) {
      if ((last && t - last > idle_ms * 1000) || t - start > max_s * G_USEC_PER_SEC)
        break;
      continue;
    }
    for (int i = 0; i < batch; i++) {
      iov[i] = { bufs[i].data (), bufs[i].size () };
      msgs[i].msg_hdr = {};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int n = recvmmsg (fd, msgs.data (), batch, MSG_DONTWAIT, nullptr);
    if (n > 0) {
      received += n;
      last = t;
    }
  }
  printf ("received=%ld\n", received);
  return 0;
}

/* sessions-flood --ports-file F --seconds S [--rate 50] [--rtcp-rate 1]
 * For each line "RTP-port RTCP-port" of F: one peer (an RTP and an RTCP
 * source socket) sending RTP at --rate and Receiver Reports at --rtcp-rate
 * packets per second, spread evenly in time over all peers. */
/* Rewrites @scratch (an RTP buffer) as packet @seq of @ssrc, PT 96, 20 ms
 * of 8 kHz per packet, and sends it on @fd to @dest; whether it all went. */
bool
send_rtp_packet (int fd, GstBuffer * scratch, guint32 ssrc, guint16 seq,
    const sockaddr_in & dest)
{
  GstRTPBuffer r = GST_RTP_BUFFER_INIT;
  gst_rtp_buffer_map (scratch, GST_MAP_WRITE, &r);
  gst_rtp_buffer_set_ssrc (&r, ssrc);
  gst_rtp_buffer_set_seq (&r, seq);
  gst_rtp_buffer_set_timestamp (&r, seq * 160u);
  gst_rtp_buffer_set_payload_type (&r, 96);
  gst_rtp_buffer_unmap (&r);
  GstMapInfo map;
  gst_buffer_map (scratch, &map, GST_MAP_READ);
  bool sent = sendto (fd, map.data, map.size, 0, (const sockaddr *) & dest,
      sizeof (dest)) == (ssize_t) map.size;
  gst_buffer_unmap (scratch, &map);
  return sent;
}

int
cmd_sessions_flood (const Args & a)
{
  bench::raise_fd_limit ();
  std::ifstream f (bench::option_string (a, "ports-file", ""));
  std::vector<std::pair<guint16, guint16>> ports;
  int rtp, rtcp;
  while (f >> rtp >> rtcp)
    ports.push_back ({ (guint16) rtp, (guint16) rtcp });
  double seconds = bench::option_double (a, "seconds", 5);
  long rate = bench::option_long (a, "rate", 50);
  long rtcp_rate = bench::option_long (a, "rtcp-rate", 1);
  gsize size = bench::option_long (a, "size", 200);
  size_t n = ports.size ();

  struct Peer {
    int rtp_fd, rtcp_fd;
    sockaddr_in rtp_dest, rtcp_dest;
    guint32 ssrc;
    guint16 seq;
    std::vector<guint8> rr;
  };
  std::vector<Peer> peers (n);
  for (size_t i = 0; i < n; i++) {
    Peer & p = peers[i];
    p.rtp_fd = bound_socket (0, nullptr);
    p.rtcp_fd = bound_socket (0, nullptr);
    p.rtp_dest = loopback (ports[i].first);
    p.rtcp_dest = loopback (ports[i].second);
    p.ssrc = 0x20000 + i;
    p.seq = 0;
    p.rr = rtcp_rr (p.ssrc);
  }

  /* Packets are made as they go (GstRTPBuffer into one scratch buffer):
   * at these rates that costs nothing worth avoiding. */
  GstBuffer *scratch = gst_rtp_buffer_new_allocate (size - 12, 0, 0);
  gint64 start = now_us ();
  long sent_rtp = 0, sent_rtcp = 0;
  for (;;) {
    gint64 elapsed = now_us () - start;
    if (elapsed > seconds * G_USEC_PER_SEC)
      break;
    long due_rtp = (long) (elapsed * (double) rate * n / 1e6) - sent_rtp;
    long due_rtcp = (long) (elapsed * (double) rtcp_rate * n / 1e6) - sent_rtcp;
    for (; due_rtp > 0; due_rtp--, sent_rtp++) {
      Peer & p = peers[sent_rtp % n];
      send_rtp_packet (p.rtp_fd, scratch, p.ssrc, p.seq++, p.rtp_dest);
    }
    /* RTCP of a peer only once its RTP has started. */
    for (; due_rtcp > 0 && sent_rtcp < sent_rtp; due_rtcp--, sent_rtcp++) {
      Peer & p = peers[sent_rtcp % n];
      sendto (p.rtcp_fd, p.rr.data (), p.rr.size (), 0,
          (sockaddr *) & p.rtcp_dest, sizeof (p.rtcp_dest));
    }
    g_usleep (1000);
  }
  gst_buffer_unref (scratch);
  printf ("sent_rtp=%ld sent_rtcp=%ld seconds=%.3f\n", sent_rtp, sent_rtcp,
      (now_us () - start) / 1e6);
  return 0;
}

/* ------------------------------------------------------------------ */
/* bench-feed: the same source for every sink                           */

typedef struct {
  GstPushSrc parent;
  guint64 count;
  guint64 done;
  guint list_size;            /* 0: single buffers */
  std::vector<GstBuffer *> *ring;
  gint64 first_us;
} BenchFeed;

typedef struct {
  GstPushSrcClass parent_class;
} BenchFeedClass;

GType bench_feed_get_type (void);
G_DEFINE_TYPE (BenchFeed, bench_feed, GST_TYPE_PUSH_SRC);

/* Hands out references to prepared RTP buffers: what is measured is the
 * sink, so the source costs as little as possible, and the same for all. */
GstFlowReturn
bench_feed_create (GstPushSrc * src, GstBuffer ** buf)
{
  BenchFeed *self = (BenchFeed *) src;
  if (self->done >= self->count)
    return GST_FLOW_EOS;
  if (!self->first_us)
    self->first_us = now_us ();
  std::vector<GstBuffer *> &ring = *self->ring;
  if (self->list_size == 0) {
    *buf = gst_buffer_ref (ring[self->done++ % ring.size ()]);
    return GST_FLOW_OK;
  }
  guint n = (guint) std::min<guint64> (self->list_size, self->count - self->done);
  GstBufferList *list = gst_buffer_list_new_sized (n);
  for (guint i = 0; i < n; i++)
    gst_buffer_list_add (list, gst_buffer_ref (ring[self->done++ % ring.size ()]));
  gst_base_src_submit_buffer_list (GST_BASE_SRC (src), list);
  *buf = nullptr;
  return GST_FLOW_OK;
}

void
bench_feed_class_init (BenchFeedClass * klass)
{
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass),
      "bench feed", "Source", "Prepared RTP buffers for comedia-bench",
      "comedia developers");
  static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
      GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/x-rtp"));
  gst_element_class_add_static_pad_template (GST_ELEMENT_CLASS (klass),
      &src_template);
  GST_PUSH_SRC_CLASS (klass)->create = bench_feed_create;
}

void
bench_feed_init (BenchFeed * self)
{
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
}

/* ------------------------------------------------------------------ */
/* Measurements                                                         */

GstElement *
make (const char *factory, const char *name = nullptr)
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

/* recv --impl raw|udpsrc|comedia|comedia-srtp|srtpdec --count N [--size B]
 *   [--queued]
 * One flood of N packets at the receiver: delivered, lost, rate over the
 * receive window, and CPU time per delivered packet.
 * --queued: the whole flood is queued first in a socket buffer big enough
 * for all of it, with the receiver not reading (a live source in PAUSED),
 * then drained: a rate the receiver reaches when it is the bottleneck, which
 * on loopback with two cores the flood alone cannot make it. */
int
cmd_recv (const Args & a)
{
  std::string impl = bench::option_string (a, "impl", "comedia");
  long count = bench::option_long (a, "count", 300000);
  long size = bench::option_long (a, "size", 200);
  guint16 port = free_port ();
  std::vector<std::string> flood_args = { "flood", "--port",
    std::to_string (port), "--count", std::to_string (count), "--size",
    std::to_string (size) };
  bool srtp = impl == "comedia-srtp" || impl == "srtpdec";
  if (srtp)
    flood_args.push_back ("--srtp");

  bool queued = a.count ("queued");
  /* Room for the whole flood: each datagram costs about 1 KiB of socket
   * buffer on loopback, whatever its size. */
  gint rcvbuf = queued ? (gint) std::min<long> (count * 2048, G_MAXINT / 2) : 0;

  guint64 delivered = 0;
  gint64 first = 0, last = 0;
  double cpu0, cpu1;
  Child flood;
  /* Queued: the flood goes out in full before the receiver reads. */
  auto queue_flood = [&] () {
    flood = spawn_self (flood_args);
    while (child_running (flood))
      g_usleep (10000);
    g_usleep (100000);
  };

  if (impl == "raw") {
    /* The ceiling: a plain recvmmsg loop that touches nothing. */
    int fd = bound_socket (port, nullptr);
    timeval tv = { 0, 50000 };
    setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof (tv));
    if (queued) {
      setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof (rcvbuf));
      queue_flood ();
    }
    const int batch = 64;
    std::vector<std::vector<guint8>> bufs (batch, std::vector<guint8> (2048));
    std::vector<mmsghdr> msgs (batch);
    std::vector<iovec> iov (batch);
    std::vector<sockaddr_in> from (batch);
    cpu0 = cpu_seconds ();
    if (queued)
      first = now_us ();
    else
      flood = spawn_self (flood_args);
    for (;;) {
      for (int i = 0; i < batch; i++) {
        iov[i] = { bufs[i].data (), bufs[i].size () };
        msgs[i].msg_hdr = {};
        msgs[i].msg_hdr.msg_name = &from[i];
        msgs[i].msg_hdr.msg_namelen = sizeof (from[i]);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
      }
      int n = recvmmsg (fd, msgs.data (), batch, MSG_WAITFORONE, nullptr);
      gint64 t = now_us ();
      if (n > 0) {
        if (!first)
          first = t;
        last = t;
        delivered += n;
        continue;
      }
      if (!child_running (flood) && (!last || t - last > 300000))
        break;
    }
    cpu1 = cpu_seconds ();
    close (fd);
  } else {
    GstElement *pipeline = gst_pipeline_new ("recv");
    GstElement *src, *dec = nullptr;
    if (impl == "udpsrc" || impl == "srtpdec") {
      src = make ("udpsrc");
      g_object_set (src, "address", "127.0.0.1", "port", (gint) port,
          "buffer-size", rcvbuf, nullptr);
    } else {
      src = make ("comedia-rtpsrc");
      /* probation=1: the flood's first packet latches; with the default
       * probation the first 20 ms of a flood would be held and trimmed. */
      g_object_set (src, "address", "127.0.0.1", "port", (gint) port,
          "probation", 1, "session", "bench-recv", "buffer-size", rcvbuf,
          nullptr);
    }
    if (impl == "comedia-srtp") {
      if (!g_object_class_find_property (G_OBJECT_GET_CLASS (src), "srtp-key")) {
        /* A comedia-rtpsrc without SRTP: nothing to measure. */
        print_result ("recv", { {"impl", impl}, {"queued", queued ? "yes" : "no"},
              {"skipped", "no-srtp-key-property"} });
        gst_object_unref (src);
        gst_object_unref (pipeline);
        return 0;
      }
      gst_util_set_object_arg (G_OBJECT (src), "srtp-suite", SRTP_SUITE);
      g_object_set (src, "srtp-key", SRTP_KEY, nullptr);
    }
    if (impl == "srtpdec") {
      /* srtpdec (GStreamer 1.22) finds its key by SSRC in the caps. */
      std::string caps = "application/x-srtp,media=audio,clock-rate=8000,"
          "encoding-name=PCMU,payload=(int)96,ssrc=(uint)" +
          std::to_string (FLOOD_SSRC) + ",srtp-key=(buffer)" + SRTP_KEY_HEX +
          ",srtp-cipher=aes-128-icm,srtp-auth=hmac-sha1-80,"
          "srtcp-cipher=aes-128-icm,srtcp-auth=hmac-sha1-80";
      GstCaps *c = gst_caps_from_string (caps.c_str ());
      g_object_set (src, "caps", c, nullptr);
      gst_caps_unref (c);
      dec = make ("srtpdec");
    }
    GstElement *sink = make ("fakesink");
    g_object_set (sink, "sync", FALSE, "async", FALSE, "enable-last-sample",
          FALSE, nullptr);
    gst_bin_add_many (GST_BIN (pipeline), src, sink, nullptr);
    if (dec) {
      gst_bin_add (GST_BIN (pipeline), dec);
      gst_element_link_many (src, dec, sink, nullptr);
    } else {
      gst_element_link (src, sink);
    }
    /* A live source reads nothing in PAUSED: the flood queues up. */
    if (gst_element_set_state (pipeline, queued ? GST_STATE_PAUSED :
            GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
      fprintf (stderr, "%s pipeline would not start\n", impl.c_str ());
      return 1;
    }
    gst_element_get_state (pipeline, nullptr, nullptr, 5 * GST_SECOND);
    g_usleep (100000);

    if (queued) {
      queue_flood ();
      cpu0 = cpu_seconds ();
      first = now_us ();
      gst_element_set_state (pipeline, GST_STATE_PLAYING);
    } else {
      cpu0 = cpu_seconds ();
      flood = spawn_self (flood_args);
    }
    /* Poll the sink's count: the receive window runs from the first to the
     * last delivered packet.  It ends 300 ms after the last one, or 10 s
     * after the start if none comes: a queued flood has already ended when
     * the receiver starts, and a slow one (srtpdec under a sanitizer) takes
     * a while to deliver its first packet. */
    gint64 started = now_us ();
    for (;;) {
      g_usleep (2000);
      guint64 n = rendered (sink);
      gint64 t = now_us ();
      if (n != delivered) {
        if (!first)
          first = t;
        last = t;
        delivered = n;
      }
      if (!child_running (flood) &&
          (last ? t - last > 300000 : t - started > 10000000))
        break;
    }
    cpu1 = cpu_seconds ();
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (pipeline);
  }

  Result f = bench::parse_key_values (finish_child (flood));
  double sent = num (f, "sent");
  double window = last > first ? (last - first) / 1e6 : NAN;
  if (srtp && delivered == 0) {
    fprintf (stderr, "recv %s: nothing decrypted\n", impl.c_str ());
    return 1;
  }
  print_result ("recv", {
        {"impl", impl}, {"queued", queued ? "yes" : "no"},
        {"sent", fmt (sent)}, {"delivered", fmt (delivered)},
        {"lost", fmt (sent - delivered)},
        {"rate", fmt (delivered / window)},
        {"flood_rate", fmt (sent / num (f, "seconds"))},
        {"cpu_us_per_packet", fmt ((cpu1 - cpu0) * 1e6 / std::max<double> (1, delivered), 3)}});
  return 0;
}

/* send --impl raw|udpsink|comedia|comedia-srtp|srtpenc --mode single|list
 *   --count N [--unique]
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
        gst_util_set_object_arg (G_OBJECT (sink), "srtp-suite", SRTP_SUITE);
        g_object_set (sink, "srtp-key", SRTP_KEY, nullptr);
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
  auto tx = srtp_sender ();
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

/* ------------------------------------------------------------------ */
/* The orchestrator                                                     */

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

struct Runner {
  std::vector<Result> results;
  int failures = 0;

  Result run (const std::vector<std::string> &args) {
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
};

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

}  // namespace

int
main (int argc, char **argv)
{
  std::string cmd = argc > 1 && argv[1][0] != '-' ? argv[1] : "all";
  /* Before anything starts a thread: every later thread inherits it. */
  if (cmd == "flood" || cmd == "drain" || cmd == "sessions-flood")
    bench::pin_to_cpu (1);
  else if (cmd == "recv" || cmd == "send" || cmd == "scale" ||
      cmd == "protect")
    bench::pin_to_cpu (0);

  gst_init (nullptr, nullptr);
  self_exe = bench::self_executable (argv[0]);

  Args a = bench::parse_options (argc, argv, cmd == "all" ? 1 : 2);
  if (cmd == "flood")
    return cmd_flood (a);
  if (cmd == "drain")
    return cmd_drain (a);
  if (cmd == "sessions-flood")
    return cmd_sessions_flood (a);
  if (cmd == "recv")
    return cmd_recv (a);
  if (cmd == "send")
    return cmd_send (a);
  if (cmd == "protect")
    return cmd_protect (a);
  if (cmd == "latency")
    return cmd_latency (a);
  if (cmd == "scale")
    return cmd_scale (a);
  if (cmd == "pool")
    return cmd_pool (a);
  if (cmd == "all")
    return cmd_all (a);
  fprintf (stderr, "usage: %s [--quick] [--out DIR] [--only recv,send,latency,scale,srtp,pool]\n"
      "       %s flood|drain|sessions-flood|recv|send|latency|scale|pool [options]\n",
      argv[0], argv[0]);
  return 2;
}

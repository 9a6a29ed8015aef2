/* comedia-bench: the traffic children, pinned to CPU 1: flood (sendmmsg),
 * drain (recvmmsg) and sessions-flood (paced RTP and RTCP of many peers).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element-bench.h"

#include <gst/rtp/rtp.h>

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>

namespace elementbench {

/* flood --port P --count N [--rate PPS] [--size B] [--sources S] [--srtp
 *   [--srtp-suite NICK --srtp-key BASE64]]
 * Sends N RTP packets to 127.0.0.1:P with sendmmsg, flat out or at a set
 * rate, from S source sockets taking turns per batch.  --srtp: as SRTP
 * under that key (SRTP_KEY by default), one source, all N protected before the clock starts (a
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
    auto tx = srtp_sender (a);
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

/* sessions-flood --ports-file F --seconds S [--rate 50] [--rtcp-rate 1]
 * For each line "RTP-port RTCP-port" of F: one peer (an RTP and an RTCP
 * source socket) sending RTP at --rate and Receiver Reports at --rtcp-rate
 * packets per second, spread evenly in time over all peers. */
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

}  // namespace elementbench

/* comedia-relay-bench: the traffic generator.
 *
 *   generate --ports FILE --warmup S --seconds S [--drain S]
 *
 * Two endpoints per call, each a UDP socket on 127.0.0.1: endpoint 2i sends
 * to the relay's port a of call i, endpoint 2i+1 to its port b, 50 G.711
 * packets a second each.  A relay that learns its endpoints sends each
 * call's packets on to the other endpoint, which counts them: loss is what
 * never came back.  Every packet carries its send time, so the trip through
 * the relay (and loopback twice) is measured per packet.
 *
 * Only the packets sent in the measured window count; what is still in
 * flight when it ends has --drain seconds to arrive.  The generator prints
 * "window-start" and "window-end" when the window opens and closes, so that
 * the orchestrator samples the relay's CPU over the same span, then a
 * "result" line.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "relay-bench.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace relaybench {
namespace {

/* The 20 ms tick is cut into slots, and each endpoint sends in one of them:
 * 10 000 endpoints sending at the same instant would be a burst no real set
 * of calls makes. */
constexpr int TICK_US = 1000000 / PACKETS_PER_SECOND;
constexpr int SLOTS_PER_TICK = 20;
constexpr int SLOT_US = TICK_US / SLOTS_PER_TICK;
constexpr int RECV_BATCH = 16;
/* Trip times below this are counted per microsecond, the rest kept. */
constexpr int HISTOGRAM_US = 1000000;

enum Phase : uint8_t { WARMUP = 0, MEASURED = 1, DRAIN = 2 };

/* What the payload carries after the RTP header. */
struct Stamp {
  int64_t sent_ns;
  uint32_t sender;
  uint8_t phase;
} __attribute__ ((packed));

struct Endpoint {
  int fd = -1;
  sockaddr_in relay = { };
  uint16_t seq = 0;
  uint32_t rtp_ts = 0;
  uint64_t received_measured = 0;
};

struct TripTimes {
  std::vector<uint32_t> per_us = std::vector<uint32_t> (HISTOGRAM_US, 0);
  std::vector<double> beyond;
  uint64_t count = 0;

  void add (int64_t us) {
    count++;
    if (us >= 0 && us < HISTOGRAM_US)
      per_us[us]++;
    else
      beyond.push_back ((double) us);
  }
  double percentile (double p) {
    if (!count)
      return NAN;
    uint64_t rank = std::min<uint64_t> (count - 1, (uint64_t) (p * count));
    uint64_t seen = 0;
    for (int us = 0; us < HISTOGRAM_US; us++) {
      seen += per_us[us];
      if (seen > rank)
        return us;
    }
    std::sort (beyond.begin (), beyond.end ());
    size_t i = rank - (seen);
    return beyond[std::min (i, beyond.size () - 1)];
  }
};

void
build_packet (Endpoint & e, uint32_t index, Phase phase, uint8_t * p)
{
  memset (p, 0xd5, PACKET_BYTES);       /* G.711 A-law silence */
  p[0] = 0x80;
  p[1] = 8;                     /* PCMA */
  e.seq++;
  e.rtp_ts += 160;
  uint32_t ssrc = 0x10000 + index;
  p[2] = e.seq >> 8;
  p[3] = e.seq & 0xff;
  for (int i = 0; i < 4; i++) {
    p[4 + i] = (e.rtp_ts >> (24 - 8 * i)) & 0xff;
    p[8 + i] = (ssrc >> (24 - 8 * i)) & 0xff;
  }
  Stamp s = { monotonic_ns (), index, phase };
  memcpy (p + RTP_HEADER_BYTES, &s, sizeof (s));
}

}  // namespace

int
run_generator (const Options & o)
{
  raise_fd_limit ();
  std::vector<CallPorts> calls = read_ports_file (option_string (o, "ports", ""));
  double warmup_s = option_double (o, "warmup", 2);
  double measured_s = option_double (o, "seconds", 5);
  double drain_s = option_double (o, "drain", 0.5);
  if (calls.empty ()) {
    fprintf (stderr, "generate: no calls in --ports\n");
    return 1;
  }

  size_t n_endpoints = 2 * calls.size ();
  std::vector<Endpoint> endpoints (n_endpoints);
  int ep = epoll_create1 (EPOLL_CLOEXEC);
  for (size_t i = 0; i < n_endpoints; i++) {
    Endpoint & e = endpoints[i];
    e.fd = loopback_socket (nullptr);
    if (e.fd < 0) {
      fprintf (stderr, "generate: socket %zu: %s\n", i, strerror (errno));
      return 1;
    }
    e.relay.sin_family = AF_INET;
    inet_pton (AF_INET, LOOPBACK, &e.relay.sin_addr);
    const CallPorts & c = calls[i / 2];
    e.relay.sin_port = htons (i % 2 ? c.b : c.a);
    epoll_event ev = { };
    ev.events = EPOLLIN;
    ev.data.u32 = (uint32_t) i;
    epoll_ctl (ep, EPOLL_CTL_ADD, e.fd, &ev);
  }

  TripTimes trips;
  uint64_t sent_measured = 0, misrouted = 0, slots_late = 0, slots = 0;
  int64_t worst_lag_us = 0;
  uint8_t packet[PACKET_BYTES];
  uint8_t bufs[RECV_BATCH][PACKET_BYTES + 16];
  iovec iov[RECV_BATCH];
  mmsghdr msgs[RECV_BATCH];
  epoll_event events[256];

  int64_t start = monotonic_ns ();
  int64_t window_start = start + (int64_t) (warmup_s * 1e9);
  int64_t window_end = window_start + (int64_t) (measured_s * 1e9);
  /* Set when the window closes: the drain follows the last measured send. */
  int64_t stop = INT64_MAX;
  int64_t next_slot = start;
  int slot = 0;
  bool announced_start = false, announced_end = false;

  for (;;) {
    int64_t now = monotonic_ns ();
    if (!announced_start && now >= window_start) {
      printf ("window-start\n");
      fflush (stdout);
      announced_start = true;
    }
    /* A late generator is still sending the window's last slots after its
     * end: the window closes when they are out, so that the relay's CPU
     * is sampled over all the packets counted as sent. */
    if (!announced_end && now >= window_end && next_slot >= window_end) {
      printf ("window-end\n");
      fflush (stdout);
      announced_end = true;
      stop = now + (int64_t) (drain_s * 1e9);
    }
    if (now >= stop)
      break;
    /* Send the slot that is due; a late generator catches up rather than
     * sending fewer packets, and says how late it was.  One slot between
     * two reads: catching up must not starve the endpoints' receiving. */
    if (now >= next_slot && next_slot < window_end) {
      Phase phase = next_slot < window_start ? WARMUP : MEASURED;
      int64_t lag_us = (now - next_slot) / 1000;
      worst_lag_us = std::max (worst_lag_us, lag_us);
      if (lag_us > SLOT_US)
        slots_late++;
      slots++;
      for (size_t i = slot; i < n_endpoints; i += SLOTS_PER_TICK) {
        Endpoint & e = endpoints[i];
        build_packet (e, (uint32_t) i, phase, packet);
        if (sendto (e.fd, packet, PACKET_BYTES, 0, (sockaddr *) & e.relay,
                sizeof (e.relay)) == PACKET_BYTES && phase == MEASURED)
          sent_measured++;
      }
      slot = (slot + 1) % SLOTS_PER_TICK;
      next_slot += SLOT_US * 1000;
      now = monotonic_ns ();
    }
    int64_t next_event = !announced_start ? window_start :
        !announced_end ? window_end : stop;
    int64_t wake = next_slot < window_end ?
        std::min (next_slot, next_event) : next_event;
    /* A timeout in nanoseconds: epoll_wait's milliseconds would either
     * spin through the last one or oversleep a 1 ms slot. */
    int64_t wait_ns = std::max<int64_t> (0, wake - now);
    timespec timeout = { (time_t) (wait_ns / 1000000000),
      (long) (wait_ns % 1000000000) };
    int n = epoll_pwait2 (ep, events, 256, &timeout, nullptr);
    for (int k = 0; k < n; k++) {
      uint32_t receiver = events[k].data.u32;
      Endpoint & e = endpoints[receiver];
      int got;
      do {
        for (int m = 0; m < RECV_BATCH; m++) {
          iov[m] = { bufs[m], sizeof (bufs[m]) };
          msgs[m].msg_hdr = { };
          msgs[m].msg_hdr.msg_iov = &iov[m];
          msgs[m].msg_hdr.msg_iovlen = 1;
        }
        got = recvmmsg (e.fd, msgs, RECV_BATCH, MSG_DONTWAIT, nullptr);
        int64_t arrived = monotonic_ns ();
        for (int m = 0; m < got; m++) {
          if (msgs[m].msg_len < RTP_HEADER_BYTES + sizeof (Stamp))
            continue;
          Stamp s;
          memcpy (&s, bufs[m] + RTP_HEADER_BYTES, sizeof (s));
          /* The call's other endpoint, and no one else, sends here. */
          if (s.sender != (receiver ^ 1u)) {
            misrouted++;
            continue;
          }
          if (s.phase != MEASURED)
            continue;
          e.received_measured++;
          trips.add ((arrived - s.sent_ns) / 1000);
        }
      } while (got == RECV_BATCH);
    }
  }

  uint64_t silent = 0;
  for (auto &e : endpoints) {
    silent += e.received_measured == 0;
    close (e.fd);
  }
  double received = (double) trips.count;
  Fields f = {
    {"calls", format_number ((double) calls.size ())},
    {"sent", format_number ((double) sent_measured)},
    {"received", format_number (received)},
    {"lost_pct", format_number (sent_measured ?
              100.0 * (sent_measured - received) / sent_measured : NAN, 3)},
    {"silent_endpoints", format_number ((double) silent)},
    {"misrouted", format_number ((double) misrouted)},
    {"p50_us", format_number (trips.percentile (0.5))},
    {"p99_us", format_number (trips.percentile (0.99))},
    {"slots_late_pct", format_number (slots ? 100.0 * slots_late / slots : NAN, 1)},
    {"worst_lag_ms", format_number (worst_lag_us / 1000.0, 1)},
  };
  printf ("%s\n", fields_line ("result", f).c_str ());
  fflush (stdout);
  return 0;
}

}  // namespace relaybench

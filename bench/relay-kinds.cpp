/* comedia-relay-bench: the relays under test.
 *
 *   relay-comedia --calls N --ports FILE [--setup-limit S] [--calls-per-pipeline K] [--calls-per-group G] [--threads T] [--coalesce US]
 *   relay-raw     --calls N --ports FILE [--setup-limit S]
 *   (relay-units: relay-units.cpp)
 *
 * Each sets its calls up one by one, timing each, writes the two ports of
 * every call to FILE, prints a "ready" line and relays until its standard
 * input closes.  --setup-limit bounds the setup: a relay slower than that
 * stops adding calls, and says how many it has (as it does when a call
 * will not start).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "relay-bench.h"

#include <gst/gst.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace relaybench {
namespace {

GstElement *
make_element (const char *factory)
{
  GstElement *e = gst_element_factory_make (factory, nullptr);
  if (!e) {
    fprintf (stderr, "no element %s (GST_PLUGIN_PATH?)\n", factory);
    exit (2);
  }
  return e;
}

/* Half a call: what endpoint @from_session sends goes out of the socket of
 * @to_session, to the endpoint that session latched. */
GstElement *
add_direction (GstElement * pipeline, const std::string & from_session,
    const std::string & to_session, guint receive_threads, guint coalesce_us)
{
  GstElement *src = make_element ("comedia-rtpsrc");
  GstElement *sink = make_element ("comedia-rtpsink");
  /* probation=1: the first packet latches, as an endpoint-learning relay
   * does; the default would hold the first packets of every call. */
  g_object_set (src, "address", LOOPBACK, "session", from_session.c_str (),
      "probation", 1, "receive-thread", "relay", "receive-threads",
      receive_threads, "receive-coalesce", coalesce_us, nullptr);
  g_object_set (sink, "session", to_session.c_str (), "sync", FALSE,
      "async", FALSE, nullptr);
  gst_bin_add_many (GST_BIN (pipeline), src, sink, nullptr);
  gst_element_link (src, sink);
  return src;
}

/* An error on a call's bus stops the run: a relay that drops calls would
 * measure as a cheap one. */
bool
call_bus_clean (GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  bool clean = true;
  while (GstMessage * m = gst_bus_pop (bus)) {
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
      GError *err = nullptr;
      gst_message_parse_error (m, &err, nullptr);
      fprintf (stderr, "%s: %s\n", GST_OBJECT_NAME (pipeline), err->message);
      g_error_free (err);
      clean = false;
    }
    gst_message_unref (m);
  }
  gst_object_unref (bus);
  return clean;
}

}  // namespace

/* comedia: by default one pipeline per call, as a server adds calls while
 * others run, so that each call's setup is timed on its own; with
 * --calls-per-pipeline K, each call is a bin added to a running pipeline of
 * K calls (0: all in one).  All sources share one receive-thread.  A call
 * that will not start ends the setup (the row then says how many calls
 * there are): where it stops is a result too. */
int
run_comedia_relay (const Options & o)
{
  raise_fd_limit ();
  long n = option_long (o, "calls", 100);
  long per_pipeline = option_long (o, "calls-per-pipeline", 1);
  guint threads = (guint) option_long (o, "threads", 1);
  guint coalesce_us = (guint) option_long (o, "coalesce", 0);
  /* --calls-per-group G: in a shared pipeline, calls go into bins of G
   * calls each, not straight into the pipeline.  GstBin checks a new
   * child's name against every child it has (gst_object_check_uniqueness),
   * so a flat bin of N calls costs O(N) per call. */
  long per_group = option_long (o, "calls-per-group", 0);
  GstElement *group = nullptr;
  double limit_s = option_double (o, "setup-limit", 120);
  /* Load the plugin and its classes before the baseline. */
  gst_object_unref (make_element ("comedia-rtpsrc"));
  gst_object_unref (make_element ("comedia-rtpsink"));
  long rss0 = proc_status ("self", "VmRSS");

  SetupClock clock;
  std::vector<CallPorts> calls;
  std::vector<GstElement *> pipelines;
  std::string stopped;
  for (long i = 0; i < n && stopped.empty (); i++) {
    if ((monotonic_ns () - clock.began) / 1e9 > limit_s) {
      fprintf (stderr, "relay-comedia: setup limit of %.0f s reached at %ld "
          "calls\n", limit_s, i);
      stopped = "time-limit";
      break;
    }
    int64_t t0 = monotonic_ns ();
    std::string a = "a" + std::to_string (i), b = "b" + std::to_string (i);
    GstElement *call = gst_bin_new (("call" + std::to_string (i)).c_str ());
    GstElement *src_a = add_direction (call, a, b, threads, coalesce_us);
    GstElement *src_b = add_direction (call, b, a, threads, coalesce_us);
    bool started;
    if (pipelines.empty () || (per_pipeline > 0 && i % per_pipeline == 0)) {
      GstElement *pipeline = gst_pipeline_new (nullptr);
      gst_bin_add (GST_BIN (pipeline), call);
      pipelines.push_back (pipeline);
      started = gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
          GST_STATE_CHANGE_FAILURE;
    } else if (per_group > 0) {
      if (!group || i % per_group == 0) {
        group = gst_bin_new (("group" + std::to_string (i / per_group)).c_str ());
        gst_bin_add (GST_BIN (pipelines.back ()), group);
        gst_element_sync_state_with_parent (group);
      }
      gst_bin_add (GST_BIN (group), call);
      started = gst_element_sync_state_with_parent (call);
    } else {
      gst_bin_add (GST_BIN (pipelines.back ()), call);
      started = gst_element_sync_state_with_parent (call);
    }
    if (!started || !call_bus_clean (pipelines.back ())) {
      fprintf (stderr, "relay-comedia: call %ld would not start\n", i);
      stopped = "error";
      break;
    }
    gint port_a = 0, port_b = 0;
    g_object_get (src_a, "port", &port_a, nullptr);
    g_object_get (src_b, "port", &port_b, nullptr);
    clock.per_call_us.push_back ((monotonic_ns () - t0) / 1e3);
    calls.push_back ({(uint16_t) port_a, (uint16_t) port_b});
  }
  Fields extra = {{"setup_stopped", stopped.empty () ? "no" : stopped},
    {"pipelines", format_number ((double) pipelines.size ())}};
  if (announce_ready (option_string (o, "ports", ""), calls, clock, rss0,
          extra))
    return 1;
  wait_for_stdin_eof ();
  bool clean = true;
  for (GstElement *p : pipelines)
    clean = call_bus_clean (p) && clean;
  /* Tearing down thousands of pipelines tells nothing: leave. */
  fflush (stdout);
  _exit (clean || !stopped.empty () ? 0 : 1);
}

/* The floor: one thread, epoll over every socket, recvmmsg what is there
 * and sendmmsg it on from the other side of the call to the endpoint that
 * side last heard from (symmetric, learning). */
int
run_raw_relay (const Options & o)
{
  raise_fd_limit ();
  long n = option_long (o, "calls", 100);
  double limit_s = option_double (o, "setup-limit", 120);
  long rss0 = proc_status ("self", "VmRSS");

  struct Side {
    int fd = -1;
    sockaddr_in peer = { };
    bool learned = false;
  };
  constexpr int BATCH = 32;
  int ep = epoll_create1 (EPOLL_CLOEXEC);
  SetupClock clock;
  std::vector<CallPorts> calls;
  std::vector<Side> sides;
  sides.reserve (2 * n);
  std::string stopped;
  for (long i = 0; i < n; i++) {
    if ((monotonic_ns () - clock.began) / 1e9 > limit_s) {
      fprintf (stderr, "relay-raw: setup limit reached at %ld calls\n", i);
      stopped = "time-limit";
      break;
    }
    int64_t t0 = monotonic_ns ();
    CallPorts ports;
    for (int k = 0; k < 2; k++) {
      Side s;
      s.fd = loopback_socket (k ? &ports.b : &ports.a);
      if (s.fd < 0) {
        fprintf (stderr, "relay-raw: socket: %s\n", strerror (errno));
        stopped = "error";
        break;
      }
      epoll_event ev = { };
      ev.events = EPOLLIN;
      ev.data.u32 = (uint32_t) sides.size ();
      epoll_ctl (ep, EPOLL_CTL_ADD, s.fd, &ev);
      sides.push_back (s);
    }
    if (!stopped.empty ()) {
      /* The half-made call's socket, if any, leaves with it. */
      while (sides.size () > 2 * calls.size ()) {
        close (sides.back ().fd);
        sides.pop_back ();
      }
      break;
    }
    clock.per_call_us.push_back ((monotonic_ns () - t0) / 1e3);
    calls.push_back (ports);
  }
  epoll_event stdin_ev = { };
  stdin_ev.events = EPOLLIN;
  stdin_ev.data.u32 = UINT32_MAX;
  epoll_ctl (ep, EPOLL_CTL_ADD, 0, &stdin_ev);
  if (announce_ready (option_string (o, "ports", ""), calls, clock, rss0,
          {{"setup_stopped", stopped.empty () ? "no" : stopped}}))
    return 1;

  uint8_t bufs[BATCH][2048];
  iovec iov[BATCH];
  sockaddr_in from[BATCH];
  mmsghdr msgs[BATCH];
  epoll_event events[256];
  for (;;) {
    int ready = epoll_wait (ep, events, 256, -1);
    for (int k = 0; k < ready; k++) {
      uint32_t index = events[k].data.u32;
      if (index == UINT32_MAX) {
        char c;
        if (read (0, &c, 1) <= 0)
          _exit (0);
        continue;
      }
      Side & in = sides[index];
      Side & out = sides[index ^ 1u];
      int got;
      do {
        for (int m = 0; m < BATCH; m++) {
          iov[m] = { bufs[m], sizeof (bufs[m]) };
          msgs[m].msg_hdr = { };
          msgs[m].msg_hdr.msg_name = &from[m];
          msgs[m].msg_hdr.msg_namelen = sizeof (from[m]);
          msgs[m].msg_hdr.msg_iov = &iov[m];
          msgs[m].msg_hdr.msg_iovlen = 1;
        }
        got = recvmmsg (in.fd, msgs, BATCH, MSG_DONTWAIT, nullptr);
        if (got <= 0)
          break;
        in.peer = from[got - 1];
        in.learned = true;
        if (!out.learned)
          continue;
        for (int m = 0; m < got; m++) {
          iov[m].iov_len = msgs[m].msg_len;
          msgs[m].msg_hdr.msg_name = &out.peer;
          msgs[m].msg_hdr.msg_namelen = sizeof (out.peer);
        }
        sendmmsg (out.fd, msgs, got, MSG_DONTWAIT);
      } while (got == BATCH);
    }
  }
}

}  // namespace relaybench

/* comedia-relay-bench: comedia's own units relaying, without elements.
 *
 *   relay-units --calls N --ports FILE [--setup-limit S] [--threads T]
 *
 * What a relay element without pads would cost: per call two sockets, and
 * per direction what comedia-rtpsrc does with a datagram (a ReceiveEngine
 * read into pool buffers on a shared ReceiveLoop, the PacketDispatch with
 * its latching policy) and what comedia-rtpsink does with it (one
 * DatagramSender batch from the call's other socket to the endpoint that
 * socket latched), but no pads, GstBaseSink, running time, session or
 * Component in between.  A measurement, not a relay to use: it latches the
 * first source of each side once and never again.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "relay-bench.h"

#include "datagramsender.h"
#include "packetdispatch.h"
#include "receiveengine.h"
#include "receiveloop.h"

#include <gio/gio.h>
#include <gst/net/gstnetaddressmeta.h>

#include <cstdio>
#include <memory>

namespace relaybench {
namespace {

/* What both directions of a call share: its two sockets, and the endpoint
 * each one latched. */
struct UnitsCall {
  GSocket *socket[2] = { nullptr, nullptr };
  GSocketAddress *latched[2] = { nullptr, nullptr };
  ~UnitsCall () {
    for (int k = 0; k < 2; k++) {
      g_clear_object (&socket[k]);
      g_clear_object (&latched[k]);
    }
  }
};

/* One direction: reads socket[side], sends what passes from socket[other]
 * to latched[other]. */
class UnitsLeg : public comedia::ReceiveClient {
 public:
  UnitsLeg (UnitsCall *call, int side, const comedia::PacketDispatch::Config &config)
    : call_ (call), side_ (side), dispatch_ (config) {}

  bool open (const std::string &thread) { return engine_.open (thread, 1500, 64); }

  gint64 serve (gint64 now, bool readable) override
  {
    if (!readable)
      return -1;
    GError *err = nullptr;
    gint n = engine_.receive (call_->socket[side_], &err);
    g_clear_error (&err);
    for (gint i = 0; i < n; i++) {
      gsize len;
      const comedia::PeerAddress *peer;
      GstBuffer *buf = engine_.take (i, len, peer);
      if (!buf)
        continue;
      if (G_UNLIKELY (!call_->latched[side_])) {
        GstNetAddressMeta *meta = gst_buffer_get_net_address_meta (buf);
        if (meta)
          call_->latched[side_] = G_SOCKET_ADDRESS (g_object_ref (meta->addr));
      }
      dispatch_.dispatch (*peer, buf, now);
    }
    if (n > 0)
      engine_.consumed (n);
    send (dispatch_.output (comedia::Side::ReadComponent));
    engine_.release_idle_slots ();
    return -1;
  }

 private:
  void send (std::vector<GstBuffer *> &out)
  {
    int other = side_ ^ 1;
    GSocketAddress *dest = call_->latched[other];
    if (dest && !out.empty ()) {
      messages_.resize (out.size ());
      vectors_.resize (out.size ());
      maps_.resize (out.size ());
      for (size_t i = 0; i < out.size (); i++) {
        gst_buffer_map (out[i], &maps_[i], GST_MAP_READ);
        vectors_[i] = { maps_[i].data, maps_[i].size };
        messages_[i] = GOutputMessage ();
        messages_[i].vectors = &vectors_[i];
        messages_[i].num_vectors = 1;
      }
      sender_.send (call_->socket[other], dest, messages_.data (),
          (guint) out.size (), nullptr, [] (GError *) { });
      for (size_t i = 0; i < out.size (); i++)
        gst_buffer_unmap (out[i], &maps_[i]);
    }
    for (GstBuffer *b : out)
      gst_buffer_unref (b);
    out.clear ();
  }

  UnitsCall *call_;
  int side_;
  comedia::ReceiveEngine engine_;
  comedia::PacketDispatch dispatch_;
  comedia::DatagramSender sender_;
  std::vector<GOutputMessage> messages_;
  std::vector<GOutputVector> vectors_;
  std::vector<GstMapInfo> maps_;
};

}  // namespace

int
run_units_relay (const Options & o)
{
  raise_fd_limit ();
  long n = option_long (o, "calls", 100);
  double limit_s = option_double (o, "setup-limit", 120);
  long rss0 = proc_status ("self", "VmRSS");

  comedia::ReceiveLoop::Settings settings;
  settings.threads = (guint) std::max (1L, option_long (o, "threads", 1));
  const std::string thread = "relay-units";
  GError *err = nullptr;
  std::shared_ptr<comedia::ReceiveLoop> loop =
      comedia::ReceiveLoop::get (thread, settings, &err);
  if (!loop) {
    fprintf (stderr, "relay-units: %s\n", err->message);
    return 1;
  }
  /* As comedia-rtpsrc probation=1 relatch=never: the first packet latches. */
  comedia::PacketDispatch::Config config;
  config.own.probation_packets = 1;

  SetupClock clock;
  std::vector<CallPorts> calls;
  std::vector<std::unique_ptr<UnitsCall>> call_state;
  std::vector<std::unique_ptr<UnitsLeg>> legs;
  std::string stopped;
  for (long i = 0; i < n && stopped.empty (); i++) {
    if ((monotonic_ns () - clock.began) / 1e9 > limit_s) {
      stopped = "time-limit";
      break;
    }
    int64_t t0 = monotonic_ns ();
    auto call = std::make_unique<UnitsCall> ();
    CallPorts ports;
    for (int k = 0; k < 2 && stopped.empty (); k++) {
      int fd = loopback_socket (k ? &ports.b : &ports.a);
      call->socket[k] = fd < 0 ? nullptr : g_socket_new_from_fd (fd, nullptr);
      if (!call->socket[k])
        stopped = "error";
    }
    if (!stopped.empty ())
      break;
    UnitsCall *c = call.get ();
    call_state.push_back (std::move (call));   /* lives as long as its legs */
    for (int k = 0; k < 2 && stopped.empty (); k++) {
      auto leg = std::make_unique<UnitsLeg> (c, k, config);
      if (!leg->open (thread)) {
        stopped = "error";
        break;
      }
      /* One call's two directions on one thread, as a session's are. */
      loop->add (leg.get (), g_socket_get_fd (c->socket[k]),
          "call" + std::to_string (i));
      loop->set_active (leg.get (), true);
      legs.push_back (std::move (leg));
    }
    if (!stopped.empty ())
      break;
    clock.per_call_us.push_back ((monotonic_ns () - t0) / 1e3);
    calls.push_back (ports);
  }
  if (announce_ready (option_string (o, "ports", ""), calls, clock, rss0,
          {{"setup_stopped", stopped.empty () ? "no" : stopped}}))
    return 1;
  wait_for_stdin_eof ();
  for (auto &leg : legs)
    loop->remove (leg.get ());
  return 0;
}

}  // namespace relaybench

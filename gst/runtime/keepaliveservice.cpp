/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "keepaliveservice.h"

#include <chrono>
#include <condition_variable>
#include <list>
#include <mutex>
#include <thread>

GST_DEBUG_CATEGORY_STATIC (comedia_keepalive_debug);
#define GST_CAT_DEFAULT comedia_keepalive_debug

using comedia::Component;
using comedia::KeepaliveSchedule;

namespace {

struct Destination {
  guint64 generation = 0;
  GSocketAddress *address = nullptr;
};

struct Stream {
  GWeakRef session;
  guint stream = 0;
  KeepaliveSchedule schedule{0};
  guint8 payload_type = comedia::DEFAULT_KEEPALIVE_PAYLOAD_TYPE;
  guint32 ssrc = 0;
  guint16 seq = 0;
  /* Burst packets still to send, per component (RTP, RTCP); each waits
   * for its component's destination. */
  guint burst_left[2] = {0, 0};
  Destination destinations[2];

  ~Stream ()
  {
    g_weak_ref_clear (&session);
    for (Destination & d : destinations)
      g_clear_object (&d.address);
  }
};

class Service {
 public:
  static Service &get ()
  {
    static Service *service = new Service ();   /* lives for the process */
    return *service;
  }

  void start (ComediaSession * session, guint stream, guint interval_ms,
      guint8 pt, bool burst)
  {
    std::lock_guard<std::mutex> guard (lock_);
    Stream *s = find (session, stream);
    if (!s) {
      streams_.emplace_back ();
      s = &streams_.back ();
      g_weak_ref_init (&s->session, session);
      s->stream = stream;
      s->ssrc = g_random_int ();
      s->seq = g_random_int_range (0, 65536);
    }
    s->schedule = KeepaliveSchedule ((int64_t) interval_ms * 1000);
    s->payload_type = pt;
    if (burst) {
      /* The RTCP side gets one report per burst, not five. */
      s->burst_left[0] = comedia::INITIAL_KEEPALIVE_BURST;
      s->burst_left[1] = 1;
    }
    if (!thread_.joinable ())
      thread_ = std::thread (&Service::run, this);
    wake_.notify_all ();
  }

  void stop (ComediaSession * session, guint stream)
  {
    std::lock_guard<std::mutex> guard (lock_);
    streams_.remove_if ([&] (Stream & s) { return matches (s, session, stream); });
  }

 private:
  static bool matches (Stream & s, ComediaSession * session, guint stream)
  {
    gpointer obj = g_weak_ref_get (&s.session);
    bool same = obj == session && s.stream == stream;
    if (obj)
      g_object_unref (obj);
    return same;
  }

  Stream *find (ComediaSession * session, guint stream)
  {
    for (Stream & s : streams_)
      if (matches (s, session, stream))
        return &s;
    return nullptr;
  }

  /* The SSRC an RTCP keepalive of @s speaks for: the stream's RTP media
   * sender once media went out (the passive side latches RTCP only from the
   * SSRC its RTP side latched, which is then the media's), else the RTP
   * keepalives' own. */
  static guint32 rtcp_ssrc (const Stream & s, ComediaSession * session)
  {
    Component *rtp = comedia_session_find_component (session, s.stream,
        comedia::COMPONENT_RTP);
    guint32 ssrc;
    return rtp && rtp->sending.rtp_ssrc (ssrc) ? ssrc : s.ssrc;
  }

  /* One keepalive of @s on @c (protected like media when @c sends SRTP: a
   * peer that authenticates everything drops a plain keepalive).  False
   * when libsrtp refused it, so nothing went out. */
  static bool send_keepalive (Stream & s, ComediaSession * session,
      Component & c, GSocketAddress * dest)
  {
    bool rtcp = c.component == comedia::COMPONENT_RTCP;
    GstBuffer *ka = rtcp ? comedia::make_rtcp_keepalive (rtcp_ssrc (s, session)) :
        comedia::make_rtp_keepalive (s.ssrc, s.seq++, s.payload_type);
    guint8 packet[256];
    size_t len = gst_buffer_extract (ka, 0, packet, sizeof (packet) -
        comedia::SrtpSession::kMaxTrailer);
    gst_buffer_unref (ka);
    if (c.srtp_out.protect (packet, len, sizeof (packet), rtcp) ==
        comedia::OutgoingProtection::Failed) {
      GST_DEBUG ("keepalive not sent: libsrtp refused to protect it");
      return false;
    }
    GError *err = nullptr;
    if (g_socket_send_to (c.slot.socket (), dest, (const gchar *) packet, len,
            nullptr, &err) < 0) {
      c.counters.add (comedia::Count::SendErrors);
      GST_DEBUG ("keepalive send failed: %s", err->message);
      g_clear_error (&err);
    } else {
      c.counters.add (comedia::Count::KeepalivesSent);
    }
    return true;
  }

  /* Sends what is due for @s; returns microseconds until the next send
   * (-1: nothing to wait for). */
  int64_t service (Stream & s, ComediaSession * session, int64_t now)
  {
    int64_t next = -1;
    auto bound = [&next] (int64_t t) {
      if (t >= 0 && (next < 0 || t < next))
        next = t;
    };
    bool muxed = comedia_session_get_rtcp_mux (session, s.stream);

    for (guint component = 1; component <= 2; component++) {
      /* With rtcp-mux one socket carries both: RTP keepalives suffice. */
      if (component == comedia::COMPONENT_RTCP && muxed)
        continue;
      Component *c = comedia_session_find_component (session, s.stream,
          component);
      if (!c || !c->slot.is_open ())
        continue;
      /* A burst waits for a destination (host/port, an answer, a latch, or
       * for the RTCP sink its first report): spent into the void it would
       * open nothing. */
      Destination & d = s.destinations[component - 1];
      GSocketAddress *dest = c->destination.current (d.generation, d.address);
      if (!dest)
        continue;

      guint & burst_left = s.burst_left[component - 1];
      gint64 last = c->sending.last_sent_us ();
      if (burst_left == 0 && !s.schedule.due (now, last)) {
        bound (s.schedule.wait_us (now, last));
        continue;
      }

      /* A DTLS-SRTP component sends nothing plain: not before its keys. */
      Component *rtp = component == comedia::COMPONENT_RTCP ?
          comedia_session_find_component (session, s.stream, comedia::COMPONENT_RTP) : nullptr;
      if (G_UNLIKELY (c->awaits_dtls_keys (rtp))) {
        bound (comedia::INITIAL_KEEPALIVE_SPACING_US);
        continue;
      }
      if (send_keepalive (s, session, *c, dest))
        c->sending.note_sent (now);
      if (burst_left > 0)
        burst_left--;
      bound (burst_left > 0 ? comedia::INITIAL_KEEPALIVE_SPACING_US :
          s.schedule.wait_us (now, now));
    }
    return next;
  }

  void run ()
  {
    std::unique_lock<std::mutex> guard (lock_);
    for (;;) {
      int64_t now = g_get_monotonic_time ();
      int64_t wait = -1;
      for (auto it = streams_.begin (); it != streams_.end ();) {
        gpointer obj = g_weak_ref_get (&it->session);
        if (!obj) {
          it = streams_.erase (it);
          continue;
        }
        int64_t next = service (*it, COMEDIA_SESSION (obj), now);
        g_object_unref (obj);
        if (next >= 0 && (wait < 0 || next < wait))
          wait = next;
        ++it;
      }
      /* A stream may be waiting for its destination (an answer, a latch):
       * look again at least every 100 ms while any stream is registered. */
      if (!streams_.empty () && (wait < 0 || wait > 100 * 1000))
        wait = 100 * 1000;
      if (wait < 0)
        wake_.wait (guard);
      else
        wake_.wait_for (guard, std::chrono::microseconds (wait));
    }
  }

  Service ()
  {
    GST_DEBUG_CATEGORY_INIT (comedia_keepalive_debug, "comediakeepalive", 0,
        "comedia NAT keepalives");
  }

  std::mutex lock_;
  std::condition_variable wake_;
  std::list<Stream> streams_;
  std::thread thread_;
};

}  // namespace

void
comedia_keepalive_start (ComediaSession * session, guint stream,
    guint interval_ms, guint8 payload_type, gboolean burst)
{
  Service::get ().start (session, stream, interval_ms, payload_type, burst);
}

void
comedia_keepalive_stop (ComediaSession * session, guint stream)
{
  Service::get ().stop (session, stream);
}

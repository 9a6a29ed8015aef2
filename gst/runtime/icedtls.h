/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* DTLS-SRTP over one ICE component (RFC 5764 with RFC 7983's demux): one
 * DtlsTransport at a time, driven by the datagrams its owner feeds and by a
 * thread of its own.  The thread sleeps until something happens: a datagram
 * fed, new terms in the component's DtlsTermsSlot (its listener wakes the
 * thread, so that the client role starts its handshake without waiting for
 * a packet), the transport's timer (OpenSSL's DTLS retransmission, the
 * handshake's time budget), or a restart: while ICE refuses to send (no
 * pair yet), the client makes its ClientHello again every
 * start_retry_ms instead of waiting for OpenSSL's doubling retransmission
 * timer, so the handshake starts as soon as ICE connects.  Once connected,
 * with nothing to retransmit, it does not wake at all.  No socket and no
 * GStreamer: what the
 * transport says goes out through a send function (nice_agent_send in
 * comedia-dtlssrtpdec), and state changes reach an event function, both
 * called without the link's lock held.  No cookie exchange: the ICE
 * checks proved the path.
 *
 * Every OpenSSL call happens on the link's thread (feed () only queues):
 * OpenSSL 3.0 keeps state per thread that it frees when the thread exits,
 * and frees all of it, unlocked, in its exit-time cleanup.  A GStreamer
 * streaming thread (a pool thread) that had run the handshake could exit
 * during that cleanup: a double free.  The link's thread is joined when the
 * link goes, long before the process exits. */

#include "component.h"
#include "dtlstransport.h"

#include <glib.h>

#include <condition_variable>
#include <deque>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace comedia {

/* "sha-256 AB:CD:.." values separated by ','; false with @error naming
 * the one that cannot be read.  Empty text: an empty list. */
bool parse_fingerprint_list (const std::string & text,
    std::vector<Fingerprint> & out, std::string & error);

/* A state change of the link's association. */
struct IceDtlsEvent {
  DtlsState state = DtlsState::New;   /* Handshaking, Connected, Failed, Closed */
  std::string reason;                 /* Failed, Closed */
  SrtpSuite suite = SrtpSuite::AesCm128HmacSha1_80;   /* Connected */
  std::optional<Fingerprint> peer_fingerprint;        /* Connected */
  SrtpKey inbound_key, outbound_key;                  /* Connected */
  guint64 association = 0;            /* the terms' association number */
};

struct IceDtlsTiming {
  /* How often a client's ClientHello that ICE refused (no pair yet) is
   * made again.  The one poll left: ICE tells the link nothing when a pair
   * appears (the send function just starts to succeed), so until a start
   * flight has left, the thread tries again at this interval; it never
   * wakes for it otherwise. */
  unsigned start_retry_ms = 50;
  /* The transport's first retransmission delay. */
  unsigned initial_timeout_ms = 1000;
};

class IceDtlsLink {
 public:
  /* Returns false when the datagram could not be sent (ICE has no pair
   * yet): OpenSSL's retransmissions try again. */
  using SendFunction = std::function<bool (const uint8_t * data, size_t len)>;
  using EventFunction = std::function<void (const IceDtlsEvent & event)>;

  /* @negotiated: the component's slot, or nullptr; outlives the link.
   * Starts the thread.  @send and @on_event are called from the link's
   * thread only, never with the link's lock held. */
  IceDtlsLink (DtlsTermsSlot * negotiated, SendFunction send,
      EventFunction on_event, const IceDtlsTiming & timing = IceDtlsTiming ());
  /* Stops and joins the thread. */
  ~IceDtlsLink ();
  IceDtlsLink (const IceDtlsLink &) = delete;
  IceDtlsLink & operator= (const IceDtlsLink &) = delete;

  /* Terms that win over the negotiated ones (an element property); terms
   * with enabled = false give the negotiated ones back. */
  void set_fixed_terms (const NegotiatedDtls & terms);

  /* A received DTLS datagram (first byte 20..63): copied and handed to
   * the link's thread; beyond kMaxQueued waiting, dropped (the peer
   * retransmits). */
  void feed (const uint8_t * data, size_t len);
  static constexpr size_t kMaxQueued = 64;

  DtlsState state () const;

  struct Counts {
    guint64 datagrams_in = 0, datagrams_out = 0, send_failures = 0,
        handshakes = 0, failures = 0, wakeups = 0;
    /* datagrams_out counts what the link tried to send; send_failures what
     * the send function refused.  handshakes: transports made for new
     * terms (a ClientHello made again while ICE refuses is not one).
     * wakeups: the times the thread woke from its wait (for work, a
     * deadline or, rarely, spuriously). */
  };
  Counts counts () const;

 private:
  struct Pending {
    std::vector<Datagram> send;
    std::vector<IceDtlsEvent> events;
    bool start_flight = false;   /* the client's first ClientHello */
  };
  void run ();
  gint64 next_deadline () const;
  gint64 restart_at () const;
  void terms_changed ();
  void adopt_terms (gint64 now, Pending & out);
  void note_state (Pending & out);
  void restart_unsent_start (gint64 now, Pending & out);
  void take_received (gint64 now, Pending & out);
  void deliver (Pending & out);

  DtlsTermsSlot *negotiated_;
  SendFunction send_;
  EventFunction on_event_;
  IceDtlsTiming timing_;

  mutable std::mutex lock_;          /* guards everything below */
  std::condition_variable wake_;
  bool stopping_ = false;
  guint64 negotiated_generation_ = 0;
  NegotiatedDtls negotiated_terms_;
  NegotiatedDtls fixed_terms_;
  bool fixed_changed_ = false;
  guint64 current_association_ = 0;
  bool current_enabled_ = false;
  bool have_current_ = false;
  std::shared_ptr<DtlsContext> context_;   /* of the current association */
  DtlsTransportOptions options_;
  std::unique_ptr<DtlsTransport> transport_;
  bool start_unsent_ = false;        /* no datagram of the start flight left */
  gint64 next_restart_at_ = 0;       /* the next ClientHello made again */
  DtlsState reported_ = DtlsState::New;
  Counts counts_;
  std::deque<Datagram> received_;    /* fed, for the thread */
  /* The slot's listener holds this: it may be called once more after
   * remove_listener (), when the link is gone (see DtlsTermsSlot). */
  struct Waker {
    std::mutex lock;
    IceDtlsLink *link = nullptr;     /* guarded by lock; nullptr: gone */
  };
  std::shared_ptr<Waker> waker_;
  guint64 listener_ = 0;
  std::thread thread_;
};

}  // namespace comedia

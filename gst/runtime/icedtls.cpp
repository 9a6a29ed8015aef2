/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "icedtls.h"

#include <chrono>
#include <pthread.h>
#include <iterator>

namespace comedia {

bool
parse_fingerprint_list (const std::string & text, std::vector<Fingerprint> & out,
    std::string & error)
{
  std::vector<Fingerprint> parsed;
  size_t begin = 0;
  while (begin <= text.size ()) {
    size_t end = text.find (',', begin);
    if (end == std::string::npos)
      end = text.size ();
    gchar *one = g_strstrip (g_strndup (text.c_str () + begin, end - begin));
    std::string why;
    std::optional<Fingerprint> fp = *one ? parse_fingerprint (one, why) : std::nullopt;
    if (*one && !fp)
      error = std::string ("\"") + one + "\": " + why;
    g_free (one);
    if (!error.empty ())
      return false;
    if (fp)
      parsed.push_back (*fp);
    begin = end + 1;
  }
  out = std::move (parsed);
  return true;
}

IceDtlsLink::IceDtlsLink (DtlsTermsSlot * negotiated, SendFunction send,
    EventFunction on_event, const IceDtlsTiming & timing)
  : negotiated_ (negotiated), send_ (std::move (send)),
    on_event_ (std::move (on_event)), timing_ (timing)
{
  if (negotiated_) {
    waker_ = std::make_shared<Waker> ();
    waker_->link = this;
    std::shared_ptr<Waker> waker = waker_;
    listener_ = negotiated_->add_listener ([waker] {
      std::lock_guard<std::mutex> guard (waker->lock);
      if (waker->link)
        waker->link->terms_changed ();
    });
  }
  thread_ = std::thread (&IceDtlsLink::run, this);
  /* Named, so that a profile or /proc/PID/task tells its cost apart. */
  pthread_setname_np (thread_.native_handle (), "comedia-dtls");
}

IceDtlsLink::~IceDtlsLink ()
{
  if (waker_) {
    negotiated_->remove_listener (listener_);
    std::lock_guard<std::mutex> guard (waker_->lock);
    waker_->link = nullptr;
  }
  {
    std::lock_guard<std::mutex> guard (lock_);
    stopping_ = true;
  }
  wake_.notify_all ();
  thread_.join ();
}

/* The slot's listener: the thread looks at the terms.  Taking lock_
 * before notifying means the thread is either before its look (and sees
 * the new generation) or waiting (and wakes). */
void
IceDtlsLink::terms_changed ()
{
  {
    std::lock_guard<std::mutex> guard (lock_);
  }
  wake_.notify_all ();
}

void
IceDtlsLink::set_fixed_terms (const NegotiatedDtls & terms)
{
  {
    std::lock_guard<std::mutex> guard (lock_);
    fixed_terms_ = terms;
    fixed_changed_ = true;
  }
  wake_.notify_all ();
}

/* The terms that apply now (fixed ones win); a new association number, or
 * a change of enabled, makes a new transport.  Under lock_. */
void
IceDtlsLink::adopt_terms (gint64 now, Pending & out)
{
  bool changed = fixed_changed_;
  fixed_changed_ = false;
  if (negotiated_ && negotiated_->since (negotiated_generation_, negotiated_terms_))
    changed = true;
  if (!changed)
    return;
  const NegotiatedDtls & terms = fixed_terms_.enabled ? fixed_terms_ : negotiated_terms_;
  /* Fixed terms count as their own association (number 0 is never
   * negotiated with enabled terms: the negotiator starts at 1). */
  guint64 association = fixed_terms_.enabled ? G_MAXUINT64 : terms.association;
  if (have_current_ && association == current_association_
      && terms.enabled == current_enabled_ && (transport_ || !terms.connect))
    return;   /* a re-offer that keeps the association */
  have_current_ = true;
  current_association_ = association;
  current_enabled_ = terms.enabled;
  transport_.reset ();
  reported_ = DtlsState::New;
  if (!terms.enabled || !terms.connect)
    return;
  std::string error;
  std::shared_ptr<const DtlsCertificate> certificate = terms.certificate
      ? terms.certificate : DtlsCertificate::process_default (&error);
  std::shared_ptr<DtlsContext> context = certificate
      ? DtlsContext::create (certificate, &error) : nullptr;
  context_ = context;
  options_ = DtlsTransportOptions ();
  options_.role = terms.role;
  options_.peer_fingerprints = terms.expected;
  options_.initial_timeout_ms = timing_.initial_timeout_ms;
  transport_ = context ? DtlsTransport::create (context, options_, &error) : nullptr;
  if (!transport_) {
    IceDtlsEvent e;
    e.state = DtlsState::Failed;
    e.reason = "cannot make a DTLS transport: " + error;
    e.association = association;
    reported_ = DtlsState::Failed;
    counts_.failures++;
    out.events.push_back (e);
    return;
  }
  counts_.handshakes++;
  /* The client sends its ClientHello now; until ICE has a pair the send
   * fails, and restart_unsent_start() tries again. */
  if (terms.role == DtlsRole::Client) {
    out.send = transport_->start (now);
    out.start_flight = true;
    next_restart_at_ = now + timing_.start_retry_ms * (gint64) 1000;
  }
  note_state (out);
}

/* When the client's ClientHello, which never left (ICE had no pair), is
 * made again; G_MAXINT64: no such restart due (it left, the peer answered,
 * or the handshake is over).  Under lock_. */
gint64
IceDtlsLink::restart_at () const
{
  if (!start_unsent_ || !transport_
      || transport_->state () != DtlsState::Handshaking
      || transport_->handshake_datagrams () > 0)
    return G_MAXINT64;
  return next_restart_at_;
}

/* A fresh ClientHello every start_retry_ms rather than after OpenSSL's
 * retransmission timer (1 s, 2 s, 4 s, ...), so the handshake follows
 * ICE's connection at once.  Under lock_. */
void
IceDtlsLink::restart_unsent_start (gint64 now, Pending & out)
{
  if (now < restart_at ())
    return;
  start_unsent_ = false;
  std::string error;
  std::unique_ptr<DtlsTransport> fresh = DtlsTransport::create (context_, options_, &error);
  if (!fresh)
    return;   /* keep the one we have: its timer retransmits */
  transport_ = std::move (fresh);
  out.send = transport_->start (now);
  out.start_flight = true;
  next_restart_at_ = now + timing_.start_retry_ms * (gint64) 1000;
}

/* An event when the transport's state moved on.  Under lock_. */
void
IceDtlsLink::note_state (Pending & out)
{
  if (!transport_ || transport_->state () == reported_)
    return;
  reported_ = transport_->state ();
  IceDtlsEvent e;
  e.state = reported_;
  e.reason = transport_->reason ();
  e.association = current_association_;
  if (reported_ == DtlsState::Connected) {
    e.suite = transport_->suite ();
    e.peer_fingerprint = transport_->peer_fingerprint ();
    e.inbound_key = transport_->inbound_key ();
    e.outbound_key = transport_->outbound_key ();
  } else if (reported_ == DtlsState::Failed) {
    counts_.failures++;
  }
  out.events.push_back (std::move (e));
}

/* The datagrams fed since the last look, into the transport.  Under
 * lock_. */
void
IceDtlsLink::take_received (gint64 now, Pending & out)
{
  std::deque<Datagram> received;
  received.swap (received_);
  if (!transport_)
    return;   /* no terms yet, or none that connect */
  for (const Datagram & d : received) {
    std::vector<Datagram> answer = transport_->feed (d.data (), d.size (), now);
    out.send.insert (out.send.end (), std::make_move_iterator (answer.begin ()),
        std::make_move_iterator (answer.end ()));
    note_state (out);
  }
}

/* Sends, then reports, what @out holds.  On the link's thread, without
 * lock_: an event function may read counts (). */
void
IceDtlsLink::deliver (Pending & out)
{
  guint64 failed = 0;
  for (const Datagram & d : out.send)
    failed += send_ (d.data (), d.size ()) ? 0 : 1;
  {
    std::lock_guard<std::mutex> guard (lock_);
    counts_.send_failures += failed;
    if (out.start_flight && !out.send.empty ())
      start_unsent_ = failed == out.send.size ();
  }
  for (const IceDtlsEvent & e : out.events)
    on_event_ (e);
}

void
IceDtlsLink::feed (const uint8_t * data, size_t len)
{
  {
    std::lock_guard<std::mutex> guard (lock_);
    counts_.datagrams_in++;
    if (received_.size () >= kMaxQueued)
      return;
    received_.emplace_back (data, data + len);
  }
  wake_.notify_all ();
}

/* When the transport's timer runs out; G_MAXINT64: none.  Under lock_. */
gint64
IceDtlsLink::next_deadline () const
{
  std::optional<gint64> when = transport_ ? transport_->next_timeout () : std::nullopt;
  return when ? *when : G_MAXINT64;
}

void
IceDtlsLink::run ()
{
  std::unique_lock<std::mutex> guard (lock_);
  while (!stopping_) {
    Pending out;
    gint64 now = g_get_monotonic_time ();
    adopt_terms (now, out);
    take_received (now, out);
    if (out.send.empty ())
      restart_unsent_start (now, out);
    gint64 until = next_deadline ();
    if (now >= until) {
      std::vector<Datagram> again = transport_->handle_timeout (now);
      out.send.insert (out.send.end (), std::make_move_iterator (again.begin ()),
          std::make_move_iterator (again.end ()));
      note_state (out);
      until = next_deadline ();
    }
    if (!out.send.empty () || !out.events.empty ()) {
      counts_.datagrams_out += out.send.size ();
      guard.unlock ();
      deliver (out);
      guard.lock ();
      continue;
    }
    /* Until the next real deadline, or until woken (feed (), the terms'
     * listener, set_fixed_terms (), the destructor). */
    until = std::min (until, restart_at ());
    if (until == G_MAXINT64)
      wake_.wait (guard);
    else
      wake_.wait_for (guard, std::chrono::microseconds (std::max<gint64> (until - now, 0)));
    counts_.wakeups++;
  }
  /* Freed where they were used (see icedtls.h). */
  transport_.reset ();
  context_.reset ();
}

DtlsState
IceDtlsLink::state () const
{
  std::lock_guard<std::mutex> guard (lock_);
  return transport_ ? transport_->state () : reported_;
}

IceDtlsLink::Counts
IceDtlsLink::counts () const
{
  std::lock_guard<std::mutex> guard (lock_);
  return counts_;
}

}  // namespace comedia

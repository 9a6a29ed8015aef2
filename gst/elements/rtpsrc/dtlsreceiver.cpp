/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "dtlsreceiver.h"

#include "netaddress.h"

GST_DEBUG_CATEGORY_EXTERN (comedia_rtp_src_debug);
#define GST_CAT_DEFAULT comedia_rtp_src_debug

namespace comedia {

bool
DtlsReceiver::configure (const std::string & fingerprints, std::string & error)
{
  std::vector<Fingerprint> parsed;
  gchar **parts = g_strsplit (fingerprints.c_str (), ",", -1);
  for (gchar **p = parts; *p; p++) {
    std::string one = g_strstrip (*p);
    if (one.empty ())
      continue;
    std::string why;
    std::optional<Fingerprint> fp = parse_fingerprint (one, why);
    if (!fp) {
      error = "dtls-fingerprint \"" + one + "\": " + why;
      g_strfreev (parts);
      return false;
    }
    parsed.push_back (*fp);
  }
  g_strfreev (parts);
  fixed_expected_ = std::move (parsed);
  return true;
}

std::string
DtlsReceiver::local_fingerprint ()
{
  std::shared_ptr<const DtlsCertificate> cert = DtlsCertificate::process_default ();
  std::optional<Fingerprint> fp = cert ? cert->fingerprint ("sha-256") : std::nullopt;
  return fp ? write_fingerprint (*fp) : std::string ();
}

bool
DtlsReceiver::make_context (std::shared_ptr<const DtlsCertificate> certificate,
    std::string & error)
{
  if (!certificate)
    certificate = DtlsCertificate::process_default (&error);
  if (!certificate)
    return false;
  /* One context per certificate: transports made from it are cheap. */
  if (certificate == certificate_ && context_)
    return true;
  std::shared_ptr<DtlsContext> context = DtlsContext::create (certificate, &error);
  if (!context)
    return false;
  certificate_ = std::move (certificate);
  context_ = std::move (context);
  return true;
}

bool
DtlsReceiver::start (GstElement * element, VerdictReporter & reporter, DispatchTerms & terms,
    std::function<void ()> wake, std::string & error)
{
  element_ = element;
  reporter_ = &reporter;
  terms_ = &terms;
  terms_generation_ = 0;
  negotiated_ = NegotiatedDtls ();
  running_ = false;
  past_ = Counts ();
  client_received_ = client_started_ = client_failed_ = client_dropped_ = 0;
  dropped_before_verified_ = 0;
  publish_counts ();
  if (fixed ()) {
    if (!make_context (nullptr, error))
      return false;
    table_.reset (new DtlsCandidateTable (context_, fixed_expected_));
    enabled_.store (true, std::memory_order_relaxed);
    return true;
  }
  if (terms_listener_)   /* a start without a stop: one listener, as before */
    component ()->dtls.remove_listener (terms_listener_);
  terms_listener_ = component ()->dtls.add_listener (std::move (wake));
  return true;
}

void
DtlsReceiver::stop ()
{
  if (reporter_ && terms_listener_ && component ())
    component ()->dtls.remove_listener (terms_listener_);
  terms_listener_ = 0;
  drop_handshake ();
  enabled_.store (false, std::memory_order_relaxed);
  context_.reset ();
  certificate_.reset ();
  reporter_ = nullptr;
}

/* What a table refused, all reasons together. */
static guint64
dropped_of (const DtlsCandidateStats & st)
{
  return st.dropped_table_full + st.dropped_rate + st.dropped_bad_cookie
      + st.dropped_not_client_hello + st.dropped_after_verified;
}

/* Forgets the handshake in progress (or done), keeping its counts. */
void
DtlsReceiver::drop_handshake ()
{
  if (table_) {
    const DtlsCandidateStats &st = table_->stats ();
    past_.received += st.datagrams_received;
    past_.candidates += st.candidates_started;
    past_.failed += st.candidates_failed;
    past_.dropped += dropped_of (st);
  }
  table_.reset ();
  client_.reset ();
  verified_client_ = client_done_ = false;
  running_ = false;
}

void
DtlsReceiver::update (gint64 now)
{
  if (fixed () || !reporter_ || !component ()->dtls.since (terms_generation_, negotiated_))
    return;
  apply_terms (now);
  publish_counts ();
}

void
DtlsReceiver::apply_terms (gint64 now)
{
  const NegotiatedDtls &t = negotiated_;
  Component *c = component ();
  if (!t.enabled) {
    if (enabled ())
      GST_INFO_OBJECT (element_, "stream %u component %u: DTLS-SRTP no longer negotiated",
          c->stream, c->component);
    drop_handshake ();
    enabled_.store (false, std::memory_order_relaxed);
    return;
  }
  enabled_.store (true, std::memory_order_relaxed);
  /* The same association (a re-offer that changed nothing of it) keeps
   * the handshake and its keys; a client on hold (holdconn) starts once
   * told to connect. */
  bool same = running_ && association_ == t.association && role_ == t.role;
  if (same && (t.role == DtlsRole::Server || client_ || !t.connect))
    return;
  if (!same)
    drop_handshake ();
  std::string error;
  if (!make_context (t.certificate, error)) {
    GST_ELEMENT_WARNING (element_, RESOURCE, SETTINGS,
        ("No DTLS certificate for stream %u component %u", c->stream, c->component),
        ("%s", error.c_str ()));
    return;
  }
  running_ = true;
  association_ = t.association;
  role_ = t.role;
  GST_INFO_OBJECT (element_, "stream %u component %u: DTLS-SRTP as %s, association %"
      G_GUINT64_FORMAT, c->stream, c->component,
      t.role == DtlsRole::Server ? "server" : "client", t.association);
  if (t.role == DtlsRole::Server)
    table_.reset (new DtlsCandidateTable (context_, t.expected));
  else if (t.connect)
    start_client (now);
}

void
DtlsReceiver::start_client (gint64 now)
{
  Component *c = component ();
  remote_ = negotiated_.remote;
  if (!remote_.valid ()) {
    GST_WARNING_OBJECT (element_, "stream %u component %u: DTLS client role without an "
        "address to connect to", c->stream, c->component);
    return;
  }
  DtlsTransportOptions options;
  options.role = DtlsRole::Client;
  options.peer_fingerprints = negotiated_.expected;
  std::string error;
  client_ = DtlsTransport::create (context_, options, &error);
  if (!client_) {
    GST_WARNING_OBJECT (element_, "DTLS client not made: %s", error.c_str ());
    return;
  }
  client_started_++;
  GstStructure *s = gst_structure_new ("comedia-dtls", "state", G_TYPE_STRING, "started",
      "role", G_TYPE_STRING, "client", "address", G_TYPE_STRING, remote_.ip_string ().c_str (),
      "port", G_TYPE_INT, int (remote_.port), nullptr);
  post (s);
  client_step (client_->start (now));
}

/* Sends what the client transport returned, and reports a change of its
 * state. */
void
DtlsReceiver::client_step (std::vector<Datagram> out)
{
  DtlsCandidateResult result;
  for (Datagram & d : out)
    result.send.push_back ({remote_, std::move (d)});
  switch (client_->state ()) {
    case DtlsState::Connected:
      if (!verified_client_)
        result.events.push_back (dtls_event_of (DtlsCandidateEvent::Kind::Verified, remote_,
            *client_));
      verified_client_ = true;
      break;
    case DtlsState::Failed:
    case DtlsState::Closed:
      result.events.push_back (dtls_event_of (verified_client_ ? DtlsCandidateEvent::Kind::Closed
          : DtlsCandidateEvent::Kind::Failed, remote_, *client_));
      if (!verified_client_)
        client_failed_++;
      /* Keys stay readable after Closed; nothing more to drive. */
      client_done_ = true;
      break;
    default:
      break;
  }
  send (result);
}

bool
DtlsReceiver::verified () const
{
  return table_ ? table_->verified () : (client_ && verified_client_);
}

void
DtlsReceiver::send (const DtlsCandidateResult & result)
{
  GSocket *socket = component () ? component ()->slot.socket () : nullptr;
  if (!socket)
    return;
  for (const AddressedDatagram & d : result.send) {
    GSocketAddress *plain = gsocket_address_from_peer (d.to);
    if (!plain)
      continue;
    /* IPv4-mapped for a dual-stack (::) socket. */
    GSocketAddress *to = address_for_socket (socket, plain);
    g_object_unref (plain);
    GError *err = nullptr;
    /* From the component's own socket: the NAT mappings are to it. */
    if (g_socket_send_to (socket, to, reinterpret_cast<const gchar *> (d.data.data ()),
            d.data.size (), nullptr, &err) < 0) {
      GST_DEBUG_OBJECT (element_, "DTLS datagram to %s not sent: %s",
          d.to.to_string ().c_str (), err->message);
      g_clear_error (&err);
    }
    g_object_unref (to);
  }
  /* Counted before the bus hears of it. */
  publish_counts ();
  for (const DtlsCandidateEvent & e : result.events)
    on_event (e);
}

void
DtlsReceiver::publish_counts ()
{
  DtlsCandidateStats st = table_ ? table_->stats () : DtlsCandidateStats ();
  received_.store (past_.received + st.datagrams_received + client_received_,
      std::memory_order_relaxed);
  candidates_.store (past_.candidates + st.candidates_started + client_started_,
      std::memory_order_relaxed);
  failed_.store (past_.failed + st.candidates_failed + client_failed_,
      std::memory_order_relaxed);
  dropped_.store (past_.dropped + dropped_of (st) + client_dropped_, std::memory_order_relaxed);
  dropped_media_.store (dropped_before_verified_, std::memory_order_relaxed);
}

DtlsReceiver::Counts
DtlsReceiver::counts () const
{
  return {received_.load (std::memory_order_relaxed), candidates_.load (std::memory_order_relaxed),
    failed_.load (std::memory_order_relaxed), dropped_.load (std::memory_order_relaxed),
    dropped_media_.load (std::memory_order_relaxed)};
}

void
DtlsReceiver::post (GstStructure * s)
{
  Component *c = component ();
  gst_structure_set (s, "session", G_TYPE_STRING,
      comedia_session_get_name (reporter_->session ()), "stream", G_TYPE_UINT, c->stream,
      "component", G_TYPE_UINT, c->component, nullptr);
  gst_element_post_message (element_, gst_message_new_element (GST_OBJECT (element_), s));
}

/* The keys go where SDES keys go (with rtcp-mux, component 2 sends SRTCP
 * with the same one); only the verified source may latch (on_event then
 * sends to it at once). */
void
DtlsReceiver::install_keys (const DtlsCandidateEvent & e)
{
  for (Side side : {Side::ReadComponent, Side::MuxedRtcp}) {
    Component *c = reporter_->component (side);
    if (!c)
      continue;
    c->receive_terms.set_inbound_srtp (e.inbound_key);
    c->receive_terms.set_allowed_source (e.address.ip_string (), e.address);
    std::string error;
    if (!c->srtp_out.set_key (e.outbound_key, false, &error))
      GST_ELEMENT_WARNING (element_, STREAM, FAILED,
          ("The DTLS-SRTP key for sending cannot be used"), ("%s", error.c_str ()));
  }
  /* Now, not on the next turn: the rest of this batch is SRTP. */
  terms_->update ();
}

void
DtlsReceiver::on_event (const DtlsCandidateEvent & e)
{
  Component *c = component ();
  GstStructure *s = gst_structure_new ("comedia-dtls",
      "state", G_TYPE_STRING, dtls_candidate_event_name (e.kind),
      "address", G_TYPE_STRING, e.address.ip_string ().c_str (),
      "port", G_TYPE_INT, int (e.address.port), nullptr);
  if (e.kind == DtlsCandidateEvent::Kind::Verified) {
    gst_structure_set (s, "suite", G_TYPE_STRING, srtp_suite_info (e.suite).name,
        "peer-fingerprint", G_TYPE_STRING,
        e.peer_fingerprint ? write_fingerprint (*e.peer_fingerprint).c_str () : "", nullptr);
    GST_INFO_OBJECT (element_, "stream %u component %u: DTLS verified with %s (%s)",
        c->stream, c->component, e.address.to_string ().c_str (),
        srtp_suite_info (e.suite).name);
    install_keys (e);
    /* The latch follows from the verification: comedia-dtls first, then
     * the comedia-latched that sending to the peer is announced with. */
    post (s);
    reporter_->announce_verified (e.address);
    return;
  }
  gst_structure_set (s, "reason", G_TYPE_STRING, e.reason.c_str (), nullptr);
  GST_WARNING_OBJECT (element_, "stream %u component %u: DTLS with %s %s: %s",
      c->stream, c->component, e.address.to_string ().c_str (),
      dtls_candidate_event_name (e.kind), e.reason.c_str ());
  post (s);
}

bool
DtlsReceiver::intercept (const PeerAddress & from, GstBuffer * buf, gint64 now)
{
  GstMapInfo map;
  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return false;
  DtlsGateAction action = dtls_gate_action (map.data, map.size, verified ());
  bool consumed = true;
  if (action == DtlsGateAction::Handshake && table_) {
    send (table_->feed (from, map.data, map.size, now));
  } else if (action == DtlsGateAction::Handshake) {
    /* The client's peer only; nothing to answer on hold or after the end. */
    if (client_ && !client_done_ && from == remote_) {
      client_received_++;
      client_step (client_->feed (map.data, map.size, now));
    } else {
      client_dropped_++;
      publish_counts ();
    }
  } else if (action == DtlsGateAction::DropMedia) {
    dropped_media_.store (++dropped_before_verified_, std::memory_order_relaxed);
  } else {
    consumed = false;
  }
  gst_buffer_unmap (buf, &map);
  return consumed;
}

gint64
DtlsReceiver::serve_timers (gint64 now)
{
  std::optional<gint64> when;
  if (table_) {
    when = table_->next_timeout ();
    if (when && now >= *when) {
      send (table_->handle_timeouts (now));
      when = table_->next_timeout ();
    }
  } else if (client_ && !client_done_) {
    when = client_->next_timeout ();
    if (when && now >= *when) {
      client_step (client_->handle_timeout (now));
      when = client_done_ ? std::nullopt : client_->next_timeout ();
    }
  }
  return when ? *when : -1;
}

}  // namespace comedia

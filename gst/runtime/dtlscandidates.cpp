/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "dtlscandidates.h"

#include "packetclass.h"

#include <algorithm>

namespace comedia {

namespace {

enum class HelloKind { NotClientHello, WithoutCookie, WithCookie };

/* Whether a datagram from an unknown source starts with a ClientHello, and
 * whether that carries a cookie.  Read here, before OpenSSL sees it,
 * because OpenSSL does the key exchange and signs in the same call when the
 * cookie is good: what may start a candidate must be decided before.  The
 * DTLS 1.2 layout (RFC 6347 sections 4.1, 4.2.2, 4.2.1): a 13-byte record
 * header (type 22 = handshake, epoch 0), a 12-byte handshake header (type 1,
 * fragment offset 0), then version (2), random (32), session_id<0..32>,
 * cookie<0..255>.  A wrong guess costs nothing: OpenSSL checks it all. */
HelloKind
classify_hello (const uint8_t * d, size_t len)
{
  const size_t record = 13, body = record + 12, session_id = body + 2 + 32;
  if (len <= session_id || d[0] != 22 || d[3] != 0 || d[4] != 0 || d[record] != 1)
    return HelloKind::NotClientHello;
  if (d[record + 6] != 0 || d[record + 7] != 0 || d[record + 8] != 0)
    return HelloKind::NotClientHello;  /* a later fragment */
  size_t cookie = session_id + 1 + d[session_id];
  if (cookie >= len)
    return HelloKind::NotClientHello;
  return d[cookie] == 0 ? HelloKind::WithoutCookie : HelloKind::WithCookie;
}

/* Our own answer's first record: a HelloVerifyRequest (handshake type 3). */
bool
is_hello_verify_request (const Datagram & d)
{
  return d.size () > 13 && d[0] == 22 && d[13] == 3;
}

void
send_to (const PeerAddress & to, std::vector<Datagram> out, DtlsCandidateResult & result)
{
  for (Datagram & d : out)
    result.send.push_back ({to, std::move (d)});
}

}  // namespace

DtlsGateAction
dtls_gate_action (const uint8_t * data, size_t len, bool verified)
{
  switch (classify_datagram (data, len)) {
    case DatagramClass::Dtls:
      return DtlsGateAction::Handshake;
    case DatagramClass::RtpRtcp:
      return verified ? DtlsGateAction::Dispatch : DtlsGateAction::DropMedia;
    default:
      return DtlsGateAction::Dispatch;
  }
}

const char *
dtls_candidate_event_name (DtlsCandidateEvent::Kind kind)
{
  switch (kind) {
    case DtlsCandidateEvent::Kind::Verified: return "verified";
    case DtlsCandidateEvent::Kind::Failed: return "failed";
    case DtlsCandidateEvent::Kind::Closed: return "closed";
  }
  return "?";
}

DtlsCandidateEvent
dtls_event_of (DtlsCandidateEvent::Kind kind, const PeerAddress & address, const DtlsTransport & t)
{
  DtlsCandidateEvent e;
  e.kind = kind;
  e.address = address;
  e.reason = t.reason ();
  if (kind == DtlsCandidateEvent::Kind::Verified) {
    e.suite = t.suite ();
    e.inbound_key = t.inbound_key ();
    e.outbound_key = t.outbound_key ();
    e.peer_fingerprint = t.peer_fingerprint ();
  }
  return e;
}

bool
DtlsCandidateTable::TokenBucket::take (unsigned per_second, gint64 now)
{
  if (!started) {
    started = true;
    tokens = per_second;
    at = now;
  } else if (now > at) {
    tokens = std::min<double> (per_second, tokens + double (now - at) * per_second / G_USEC_PER_SEC);
    at = now;
  }
  if (tokens < 1)
    return false;
  tokens -= 1;
  return true;
}

DtlsCandidateTable::DtlsCandidateTable (std::shared_ptr<DtlsContext> context,
    std::vector<Fingerprint> expected, const DtlsCandidateLimits & limits)
    : context_ (std::move (context)), expected_ (std::move (expected)), limits_ (limits)
{
  candidates_.reserve (limits_.max_candidates);
}

DtlsCandidateTable::~DtlsCandidateTable () = default;

const PeerAddress &
DtlsCandidateTable::verified_address () const
{
  static const PeerAddress none;
  return verified_ && !candidates_.empty () ? candidates_[0].address : none;
}

std::unique_ptr<DtlsTransport>
DtlsCandidateTable::new_transport (const PeerAddress & from) const
{
  DtlsTransportOptions options;
  options.role = DtlsRole::Server;
  options.peer_fingerprints = expected_;
  options.mtu = limits_.mtu;
  options.initial_timeout_ms = limits_.initial_timeout_ms;
  options.budget = limits_.budget;
  options.cookie_exchange = true;
  options.cookie_context = from.to_string ();
  options.listen_first = true;
  std::string error;
  /* Fails only when OpenSSL cannot allocate: the datagram is then dropped. */
  return DtlsTransport::create (context_, options, &error);
}

DtlsCandidateResult
DtlsCandidateTable::answer_hello_verify (const PeerAddress & from, const uint8_t * data,
    size_t len, gint64 now)
{
  DtlsCandidateResult result;
  if (!hello_verify_tokens_.take (limits_.hello_verify_per_second, now)) {
    stats_.dropped_rate++;
    return result;
  }
  /* A transport for this one answer, dropped at once: nothing is kept for
   * a source that has not shown it receives what we send. */
  std::unique_ptr<DtlsTransport> t = new_transport (from);
  if (!t)
    return result;
  std::vector<Datagram> out = t->feed (data, len, now);
  if (t->state () == DtlsState::Handshaking && !out.empty ())
    stats_.hello_verify_sent++;
  send_to (from, std::move (out), result);
  return result;
}

DtlsCandidateResult
DtlsCandidateTable::start_candidate (const PeerAddress & from, const uint8_t * data,
    size_t len, gint64 now)
{
  DtlsCandidateResult result;
  if (candidates_.size () >= limits_.max_candidates) {
    stats_.dropped_table_full++;
    return result;
  }
  if (!candidate_tokens_.take (limits_.new_candidates_per_second, now)) {
    stats_.dropped_rate++;
    return result;
  }
  Candidate c{from, new_transport (from)};
  if (!c.transport)
    return result;
  std::vector<Datagram> out = c.transport->feed (data, len, now);
  if (c.transport->state () == DtlsState::Handshaking
      && (out.empty () || is_hello_verify_request (out[0]))) {
    /* Not our cookie for this source: answered again, nothing kept, and
     * only an HMAC spent, so the token goes back. */
    candidate_tokens_.tokens += 1;
    stats_.dropped_bad_cookie++;
    send_to (from, std::move (out), result);
    return result;
  }
  stats_.candidates_started++;
  if (collect (c, std::move (out), result)) {
    candidates_.push_back (std::move (c));
    max_size_seen_ = std::max (max_size_seen_, candidates_.size ());
  }
  return result;
}

bool
DtlsCandidateTable::collect (Candidate & c, std::vector<Datagram> out,
    DtlsCandidateResult & result)
{
  send_to (c.address, std::move (out), result);
  switch (c.transport->state ()) {
    case DtlsState::Connected:
      if (!verified_)
        result.events.push_back (dtls_event_of (DtlsCandidateEvent::Kind::Verified, c.address,
            *c.transport));
      return true;
    case DtlsState::Failed:
    case DtlsState::Closed:
      if (verified_) {
        result.events.push_back (dtls_event_of (DtlsCandidateEvent::Kind::Closed, c.address,
            *c.transport));
        return true;  /* the verified one stays, keys and all */
      }
      stats_.candidates_failed++;
      result.events.push_back (dtls_event_of (DtlsCandidateEvent::Kind::Failed, c.address,
          *c.transport));
      return false;
    default:
      return true;
  }
}

void
DtlsCandidateTable::keep_only (size_t winner)
{
  stats_.candidates_dropped += candidates_.size () - 1;
  Candidate kept = std::move (candidates_[winner]);
  candidates_.clear ();
  candidates_.push_back (std::move (kept));
  verified_ = true;
}

DtlsCandidateResult
DtlsCandidateTable::feed (const PeerAddress & from, const uint8_t * data, size_t len,
    gint64 now)
{
  stats_.datagrams_received++;
  stats_.bytes_received += len;
  DtlsCandidateResult result;

  auto it = std::find_if (candidates_.begin (), candidates_.end (),
      [&] (const Candidate & c) { return c.address == from; });
  if (it != candidates_.end ()) {
    DtlsState before = it->transport->state ();
    std::vector<Datagram> out = it->transport->feed (data, len, now);
    if (verified_ && before == it->transport->state ()) {
      send_to (from, std::move (out), result);  /* a retransmitted last flight, say */
      return result;
    }
    if (!collect (*it, std::move (out), result))
      candidates_.erase (it);
    else if (!verified_ && it->transport->connected ())
      keep_only (size_t (it - candidates_.begin ()));
    return result;
  }

  if (verified_) {
    stats_.dropped_after_verified++;
    return result;
  }
  switch (classify_hello (data, len)) {
    case HelloKind::NotClientHello:
      stats_.dropped_not_client_hello++;
      return result;
    case HelloKind::WithoutCookie:
      return answer_hello_verify (from, data, len, now);
    case HelloKind::WithCookie:
      break;
  }
  return start_candidate (from, data, len, now);
}

DtlsCandidateResult
DtlsCandidateTable::handle_timeouts (gint64 now)
{
  DtlsCandidateResult result;
  for (size_t i = 0; i < candidates_.size ();) {
    Candidate & c = candidates_[i];
    std::optional<gint64> when = c.transport->next_timeout ();
    if (!when || now < *when) {
      i++;
      continue;
    }
    DtlsState before = c.transport->state ();
    std::vector<Datagram> out = c.transport->handle_timeout (now);
    if (before == c.transport->state ()) {
      send_to (c.address, std::move (out), result);
      i++;
    } else if (collect (c, std::move (out), result)) {
      i++;
    } else {
      candidates_.erase (candidates_.begin () + i);
    }
  }
  return result;
}

std::optional<gint64>
DtlsCandidateTable::next_timeout () const
{
  std::optional<gint64> earliest;
  for (const Candidate & c : candidates_) {
    std::optional<gint64> when = c.transport->next_timeout ();
    if (when && (!earliest || *when < *earliest))
      earliest = when;
  }
  return earliest;
}

}  // namespace comedia

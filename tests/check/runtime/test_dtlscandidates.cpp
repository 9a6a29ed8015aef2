/* Unit test of comedia::DtlsCandidateTable (DTLS over COMEDIA, the server
 * before anything latches): a real client DtlsTransport completes through
 * the table and its keys protect/unprotect both ways; a wrong certificate
 * fails naming both fingerprints; a spray of ClientHellos from 1000 sources
 * (and strangers that follow through) interleaved with the peer's handshake
 * neither takes the call nor holds more than the bound, and its CPU time is
 * measured; after verification strangers are dropped and counted; a lost
 * flight is retransmitted by the table's timers.
 * A runtime unit: never loads the plugin.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "dtlscandidates.h"
#include "dtlsfixtures.h"
#include "packets.h"
#include "srtpsession.h"

#include <cstring>
#include <ctime>
#include <deque>
#include <malloc.h>
#include <memory>
#include <vector>

using namespace comedia;

static PeerAddress
address (uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
  return PeerAddress::ipv4 ({a, b, c, d}, port);
}

/* A DTLS client somewhere: its transport, and what the table sent it. */
struct Client {
  PeerAddress address;
  std::shared_ptr<const DtlsCertificate> cert;
  std::unique_ptr<DtlsTransport> transport;
  std::deque<Datagram> inbox;

  Client (PeerAddress at, const DtlsCertificate & server_cert,
      std::shared_ptr<const DtlsCertificate> own = new_certificate (),
      unsigned initial_timeout_ms = 1000)
      : address (at), cert (std::move (own))
  {
    DtlsTransportOptions options;
    options.role = DtlsRole::Client;
    options.peer_fingerprints = {*server_cert.fingerprint ()};
    options.initial_timeout_ms = initial_timeout_ms;
    std::string error;
    transport = DtlsTransport::create (new_context (cert), options, &error);
    fail_unless (transport != nullptr, "%s", error.c_str ());
  }
};

/* The server's side: one certificate, a table expecting the peer's. */
struct Server {
  std::shared_ptr<const DtlsCertificate> cert = new_certificate ();
  std::unique_ptr<DtlsCandidateTable> table;
  std::vector<DtlsCandidateEvent> events;

  Server (const std::vector<Fingerprint> & expected, DtlsCandidateLimits limits = {})
      : table (new DtlsCandidateTable (new_context (cert), expected, limits)) {}

  /* Answers go to the clients they are addressed to (or nowhere). */
  void take (DtlsCandidateResult r, const std::vector<Client *> & clients)
  {
    fail_unless (r.events.size () <= 1);
    for (DtlsCandidateEvent & e : r.events)
      events.push_back (std::move (e));
    for (AddressedDatagram & d : r.send)
      for (Client *c : clients)
        if (c->address == d.to)
          c->inbox.push_back (std::move (d.data));
  }
};

/* Delivers one datagram in flight (the client's inbox first, then what the
 * client sends to the table); false when nothing was in flight. */
static bool
step (Server & s, Client & c, std::deque<Datagram> & to_table, gint64 now)
{
  if (!c.inbox.empty ()) {
    Datagram d = std::move (c.inbox.front ());
    c.inbox.pop_front ();
    for (Datagram & out : c.transport->feed (d, now))
      to_table.push_back (std::move (out));
    return true;
  }
  if (!to_table.empty ()) {
    Datagram d = std::move (to_table.front ());
    to_table.pop_front ();
    s.take (s.table->feed (c.address, d, now), {&c});
    return true;
  }
  return false;
}

/* @c's handshake with the table, to the end. */
static void
run (Server & s, Client & c)
{
  std::deque<Datagram> to_table;
  for (Datagram & d : c.transport->start (g_get_monotonic_time ()))
    to_table.push_back (std::move (d));
  for (int i = 0; i < 100 && step (s, c, to_table, g_get_monotonic_time ()); i++) {
  }
}

/* SRTP from @protect_key unprotected with @unprotect_key. */
static void
check_keys_match (const SrtpKey & protect_key, const SrtpKey & unprotect_key, const char *way)
{
  std::string error;
  auto out = SrtpSession::create (protect_key, SrtpDirection::Outbound, &error);
  auto in = SrtpSession::create (unprotect_key, SrtpDirection::Inbound, &error);
  fail_unless (out && in, "%s: %s", way, error.c_str ());
  std::vector<uint8_t> buf = take_bytes (make_rtp (0x1234abcd, 1, 0, 160));
  const std::vector<uint8_t> plain = buf;
  size_t len = buf.size ();
  buf.resize (len + SrtpSession::kMaxTrailer);
  fail_unless (out->protect (buf.data (), len, buf.size ()) == SrtpResult::Ok, "%s", way);
  fail_unless (in->unprotect (buf.data (), len) == SrtpResult::Ok, "%s", way);
  fail_unless (len == plain.size () && memcmp (buf.data (), plain.data (), len) == 0, "%s", way);
}

/* @c's ClientHello, the cookie round trip, its ClientHello with the
 * cookie; then @c stops (the table's flight stays in its inbox). */
static void
stall (Server & s, Client & c, gint64 now)
{
  s.take (s.table->feed (c.address, c.transport->start (now)[0], now), {&c});
  fail_unless_equals_int (c.inbox.size (), 1);  /* the HelloVerifyRequest */
  Datagram hello2 = c.transport->feed (c.inbox.front (), now)[0];
  c.inbox.clear ();
  s.take (s.table->feed (c.address, hello2, now), {&c});
}

GST_START_TEST (test_peer_verifies_through_table)
{
  auto peer_cert = new_certificate ();
  Server s ({*peer_cert->fingerprint ()});
  Client peer (address (203, 0, 113, 5, 40000), *s.cert, peer_cert);
  run (s, peer);

  fail_unless (peer.transport->connected (), "%s", peer.transport->reason ().c_str ());
  fail_unless_equals_int (s.events.size (), 1);
  const DtlsCandidateEvent & e = s.events[0];
  fail_unless (e.kind == DtlsCandidateEvent::Kind::Verified, "%s: %s",
      dtls_candidate_event_name (e.kind), e.reason.c_str ());
  fail_unless (e.address == peer.address);
  fail_unless (s.table->verified ());
  fail_unless (s.table->verified_address () == peer.address);
  fail_unless (e.suite == peer.transport->suite ());
  fail_unless (e.peer_fingerprint && *e.peer_fingerprint == *peer_cert->fingerprint ());
  fail_unless (e.inbound_key == peer.transport->outbound_key ());
  fail_unless (e.outbound_key == peer.transport->inbound_key ());
  check_keys_match (peer.transport->outbound_key (), e.inbound_key, "peer to us");
  check_keys_match (e.outbound_key, peer.transport->inbound_key (), "us to peer");

  const DtlsCandidateStats & st = s.table->stats ();
  fail_unless_equals_int (st.hello_verify_sent, 1);
  fail_unless_equals_int (st.candidates_started, 1);
  fail_unless_equals_int (st.candidates_failed, 0);
  fail_unless_equals_int (s.table->size (), 1);
  g_print ("handshake through the table: %u datagrams, %u bytes received\n",
      (unsigned) st.datagrams_received, (unsigned) st.bytes_received);
}
GST_END_TEST;

GST_START_TEST (test_wrong_certificate_fails)
{
  auto expected_cert = new_certificate ();
  Server s ({*expected_cert->fingerprint ()});
  Client impostor (address (203, 0, 113, 6, 40000), *s.cert);  /* a certificate of its own */
  run (s, impostor);

  fail_if (s.table->verified ());
  fail_unless_equals_int (s.events.size (), 1);
  const DtlsCandidateEvent & e = s.events[0];
  fail_unless (e.kind == DtlsCandidateEvent::Kind::Failed);
  fail_unless (e.address == impostor.address);
  fail_if (e.inbound_key.enabled () || e.outbound_key.enabled ());
  std::string got = write_fingerprint (*impostor.cert->fingerprint ());
  std::string want = write_fingerprint (*expected_cert->fingerprint ());
  g_print ("mismatch: %s\n", e.reason.c_str ());
  fail_unless (e.reason.find ("does not match") != std::string::npos, "%s", e.reason.c_str ());
  /* write_fingerprint () says "sha-256 AA:..": the hex of each. */
  fail_unless (e.reason.find (got.substr (got.find (' ') + 1)) != std::string::npos, "%s", e.reason.c_str ());
  fail_unless (e.reason.find (want.substr (want.find (' ') + 1)) != std::string::npos, "%s", e.reason.c_str ());
  fail_unless_equals_int (s.table->size (), 0);
  fail_unless_equals_int (s.table->stats ().candidates_failed, 1);
  fail_if (impostor.transport->connected ());
}
GST_END_TEST;

/* A ClientHello from a client nobody expects (no cookie yet). */
static Datagram
stranger_client_hello ()
{
  auto ctx = new_context (new_certificate ());
  DtlsTransportOptions options;
  options.role = DtlsRole::Client;
  std::string error;
  auto c = DtlsTransport::create (ctx, options, &error);
  std::vector<Datagram> out = c->start (g_get_monotonic_time ());
  fail_unless_equals_int (out.size (), 1);
  return out[0];
}

static double
cpu_seconds ()
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double (ts.tv_sec) + double (ts.tv_nsec) / 1e9;
}

static long
heap_kib ()
{
  struct mallinfo2 mi = mallinfo2 ();
  return long ((mi.uordblks + mi.hblkhd) / 1024);
}

GST_START_TEST (test_spray_does_not_take_the_call)
{
  auto peer_cert = new_certificate ();
  DtlsCandidateLimits limits;
  Server s ({*peer_cert->fingerprint ()}, limits);
  Client peer (address (203, 0, 113, 5, 40000), *s.cert, peer_cert);
  /* Strangers that follow through (real addresses, their own
   * certificates): they become candidates and fail. */
  std::vector<std::unique_ptr<Client>> live;
  std::vector<std::deque<Datagram>> live_out;
  Datagram hello = stranger_client_hello ();

  /* Strangers that return their cookie and stop: each holds a slot. */
  std::vector<std::unique_ptr<Client>> stalling;
  std::deque<Datagram> peer_out;
  const unsigned spray = 1000;
  const gint64 t0 = g_get_monotonic_time ();
  double spray_cpu = 0;
  unsigned sprayed_before_verified = 0;
  long heap_before = heap_kib (), heap_peak = heap_before;
  for (unsigned i = 0; i < spray; i++) {
    /* 500 per second of the table's clock: the rate HelloVerifyRequests are
     * answered at. */
    gint64 now = t0 + gint64 (i) * 2000;
    PeerAddress forged = address (10, uint8_t (i >> 8), uint8_t (i), 1, uint16_t (1024 + i));
    bool before = !s.table->verified ();
    double c0 = cpu_seconds ();
    s.take (s.table->feed (forged, hello, now), {});
    if (before) {
      spray_cpu += cpu_seconds () - c0;
      sprayed_before_verified++;
    }
    fail_unless (s.table->size () <= limits.max_candidates);

    if (i >= 100 && i < 100 + limits.max_candidates - 1)
      stall (s, *stalling.emplace_back (new Client (address (192, 0, 2, uint8_t (i), 6000),
                  *s.cert)), now);
    if (i % 50 == 10 && i < 900) {
      live.emplace_back (new Client (address (198, 51, 100, uint8_t (i / 50), 5000), *s.cert));
      live_out.emplace_back ();
      for (Datagram & d : live.back ()->transport->start (g_get_monotonic_time ()))
        live_out.back ().push_back (std::move (d));
    }
    if (i == 620)
      for (Datagram & d : peer.transport->start (g_get_monotonic_time ()))
        peer_out.push_back (std::move (d));
    /* One datagram of each handshake in progress per sprayed one. */
    step (s, peer, peer_out, now);
    for (size_t k = 0; k < live.size (); k++)
      step (s, *live[k], live_out[k], now);
    heap_peak = std::max (heap_peak, heap_kib ());
  }
  for (int i = 0; i < 100 && step (s, peer, peer_out, t0 + spray * 2000); i++) {
  }

  const DtlsCandidateStats & st = s.table->stats ();
  fail_unless (s.table->verified (), "the peer did not verify");
  fail_unless (s.table->verified_address () == peer.address);
  fail_unless (peer.transport->connected ());
  fail_unless (s.table->max_size_seen () <= limits.max_candidates);
  unsigned verified = 0, failed = 0;
  for (const DtlsCandidateEvent & e : s.events) {
    if (e.kind == DtlsCandidateEvent::Kind::Verified) {
      verified++;
      fail_unless (e.address == peer.address);
    } else {
      failed++;
      fail_if (e.address == peer.address);
    }
  }
  fail_unless_equals_int (verified, 1);
  fail_unless (st.candidates_started <= 1 + live.size () + stalling.size ());
  fail_unless_equals_int (s.table->max_size_seen (), limits.max_candidates);
  /* No forged source became a candidate: each cost a HelloVerifyRequest. */
  fail_unless (st.hello_verify_sent >= sprayed_before_verified);
  fail_unless (st.dropped_after_verified >= spray - sprayed_before_verified);
  g_print ("spray: %u forged ClientHellos before the peer verified: %.1f ms CPU (%.0f us each); "
      "%u after (dropped); %u live strangers and %u stalling, %u failed; candidates started %u, "
      "at most %u at once; dropped: full %u, rate %u; heap peak +%ld KiB\n",
      sprayed_before_verified, spray_cpu * 1e3, spray_cpu * 1e6 / sprayed_before_verified,
      spray - sprayed_before_verified, (unsigned) live.size (), (unsigned) stalling.size (), failed,
      (unsigned) st.candidates_started, (unsigned) s.table->max_size_seen (),
      (unsigned) st.dropped_table_full, (unsigned) st.dropped_rate, heap_peak - heap_before);
  /* Memory: the bound's transports (~60 KiB each) and the strangers' own
   * clients of this test, not a transport per source. */
  fail_unless (heap_peak - heap_before
      < long (limits.max_candidates + live.size () + stalling.size ()) * 200 + 2048);
}
GST_END_TEST;

GST_START_TEST (test_stranger_after_verified_is_dropped)
{
  auto peer_cert = new_certificate ();
  Server s ({*peer_cert->fingerprint ()});
  Client peer (address (203, 0, 113, 5, 40000), *s.cert, peer_cert);
  run (s, peer);
  fail_unless (s.table->verified ());
  /* A stranger (even one with the right certificate) cannot start another. */
  Client copycat (address (203, 0, 113, 99, 40000), *s.cert, peer_cert);
  run (s, copycat);
  s.take (s.table->feed (copycat.address, stranger_client_hello (), g_get_monotonic_time ()),
      {&copycat});
  fail_unless_equals_int (s.events.size (), 1);
  fail_unless (copycat.inbox.empty ());
  fail_if (copycat.transport->connected ());
  fail_unless_equals_int (s.table->stats ().dropped_after_verified, 2);
  fail_unless_equals_int (s.table->size (), 1);
  fail_unless (s.table->verified_address () == peer.address);
}
GST_END_TEST;

GST_START_TEST (test_cookie_of_another_source)
{
  auto peer_cert = new_certificate ();
  Server s ({*peer_cert->fingerprint ()});
  Client peer (address (203, 0, 113, 5, 40000), *s.cert, peer_cert);
  gint64 now = g_get_monotonic_time ();
  s.take (s.table->feed (peer.address, peer.transport->start (now)[0], now), {&peer});
  Datagram hello2 = peer.transport->feed (peer.inbox.front (), now)[0];
  peer.inbox.clear ();
  /* The peer's cookie ClientHello replayed from elsewhere: answered with a
   * HelloVerifyRequest for that source, nothing kept, no token spent. */
  Client elsewhere (address (203, 0, 113, 77, 40000), *s.cert);
  for (int i = 0; i < 50; i++)
    s.take (s.table->feed (elsewhere.address, hello2, now), {&elsewhere});
  fail_unless_equals_int (s.table->size (), 0);
  fail_unless_equals_int (s.table->stats ().dropped_bad_cookie, 50);
  fail_unless_equals_int (s.table->stats ().candidates_started, 0);
  fail_unless (s.events.empty ());
  /* The peer itself goes on. */
  std::deque<Datagram> to_table = {hello2};
  for (int i = 0; i < 100 && step (s, peer, to_table, now); i++) {
  }
  fail_unless (s.table->verified ());
}
GST_END_TEST;

GST_START_TEST (test_rates)
{
  DtlsCandidateLimits limits;
  limits.max_candidates = 10;
  limits.new_candidates_per_second = 3;
  limits.hello_verify_per_second = 100;
  Server s ({*new_certificate ()->fingerprint ()}, limits);
  gint64 now = g_get_monotonic_time ();
  /* A second's worth of new candidates at once, then one per 1/3 s. */
  std::vector<std::unique_ptr<Client>> held;
  for (uint8_t k = 1; k <= 5; k++)
    stall (s, *held.emplace_back (new Client (address (198, 51, 100, k, 5000), *s.cert)), now);
  fail_unless_equals_int (s.table->size (), 3);
  fail_unless_equals_int (s.table->stats ().dropped_rate, 2);
  /* HelloVerifyRequests likewise: the rest of a second's worth (5 spent). */
  Datagram hello = stranger_client_hello ();
  for (unsigned i = 0; i < 200; i++)
    s.take (s.table->feed (address (10, 0, uint8_t (i), 1, 1000), hello, now), {});
  fail_unless_equals_int (s.table->stats ().hello_verify_sent, 100);
  fail_unless_equals_int (s.table->stats ().dropped_rate, 2 + 105);
  now += G_USEC_PER_SEC / 3 + 1;
  stall (s, *held.emplace_back (new Client (address (198, 51, 100, 9, 5000), *s.cert)), now);
  fail_unless_equals_int (s.table->size (), 4);
}
GST_END_TEST;

GST_START_TEST (test_table_full)
{
  DtlsCandidateLimits limits;
  limits.max_candidates = 2;
  limits.new_candidates_per_second = 3;
  auto peer_cert = new_certificate ();
  Server s ({*peer_cert->fingerprint ()}, limits);
  /* Clients that stop after their cookie ClientHello (their source is
   * real): each holds a slot until its budget runs out. */
  gint64 now = g_get_monotonic_time ();
  std::vector<std::unique_ptr<Client>> held;
  for (uint8_t k = 1; k <= 4; k++) {
    held.emplace_back (new Client (address (198, 51, 100, k, 5000), *s.cert));
    stall (s, *held.back (), now);
    fail_unless (s.table->size () <= 2);
  }
  fail_unless_equals_int (s.table->size (), 2);
  fail_unless_equals_int (s.table->stats ().dropped_table_full, 2);
  /* A slot frees when a candidate's budget ends (its time, here). */
  now += limits.budget.max_duration_us;
  DtlsCandidateResult r = s.table->handle_timeouts (now);
  fail_unless_equals_int (r.events.size (), 2);
  fail_unless (r.events[0].reason.find ("no handshake within") != std::string::npos, "%s",
      r.events[0].reason.c_str ());
  fail_unless_equals_int (s.table->size (), 0);
  fail_if (s.table->next_timeout ().has_value ());
}
GST_END_TEST;

GST_START_TEST (test_lost_flight_retransmitted)
{
  auto peer_cert = new_certificate ();
  DtlsCandidateLimits limits;
  limits.initial_timeout_ms = 20;
  Server s ({*peer_cert->fingerprint ()}, limits);
  Client peer (address (203, 0, 113, 5, 40000), *s.cert, peer_cert, 20);
  std::deque<Datagram> to_table;
  gint64 now = g_get_monotonic_time ();
  for (Datagram & d : peer.transport->start (now))
    to_table.push_back (std::move (d));
  /* Cookie round trip, then the table's ServerHello flight is lost. */
  step (s, peer, to_table, now);
  step (s, peer, to_table, now);
  /* (A loaded machine may have had the client's 20 ms timer run out too:
   * a retransmission follows its ClientHello then.) */
  fail_unless (peer.inbox.empty () && !to_table.empty ());
  for (; !to_table.empty (); to_table.pop_front ())
    s.take (s.table->feed (peer.address, to_table.front (), now), {&peer});
  fail_unless_equals_int (s.table->size (), 1);
  fail_if (s.table->verified ());
  fail_if (peer.inbox.empty ());
  peer.inbox.clear ();
  fail_unless (s.table->next_timeout ().has_value ());
  /* The timers of both sides, as a caller runs them. */
  for (int i = 0; i < 50 && !s.table->verified (); i++) {
    gint64 when = std::min (*s.table->next_timeout (),
        peer.transport->next_timeout ().value_or (G_MAXINT64));
    now = g_get_monotonic_time ();
    if (now < when)
      g_usleep (when - now + 1000);
    now = g_get_monotonic_time ();
    s.take (s.table->handle_timeouts (now), {&peer});
    for (Datagram & d : peer.transport->handle_timeout (now))
      to_table.push_back (std::move (d));
    for (int k = 0; k < 100 && step (s, peer, to_table, now); k++) {
    }
  }
  fail_unless (s.table->verified ());
  fail_unless (peer.transport->connected ());
}
GST_END_TEST;

static Suite *
dtlscandidates_suite (void)
{
  Suite *s = suite_create ("dtlscandidates");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_peer_verifies_through_table);
  tcase_add_test (tc, test_wrong_certificate_fails);
  tcase_add_test (tc, test_spray_does_not_take_the_call);
  tcase_add_test (tc, test_stranger_after_verified_is_dropped);
  tcase_add_test (tc, test_cookie_of_another_source);
  tcase_add_test (tc, test_rates);
  tcase_add_test (tc, test_table_full);
  tcase_add_test (tc, test_lost_flight_retransmitted);
  return s;
}

GST_CHECK_MAIN (dtlscandidates);

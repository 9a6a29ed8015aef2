/* IceDtlsLink: two links wired back to back through queues the test
 * pumps (what nice_agent_send and nicesrc carry between two ICE peers),
 * with terms set through each one's DtlsTermsSlot as sdp-negotiator sets
 * them: the client starts by itself, both get matching keys, a lost
 * datagram is retransmitted by the link's own timer, a certificate that
 * does not match fails both ends with no keys.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "dtlsfixtures.h"
#include "icedtls.h"

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

using namespace comedia;

/* One direction of the wire: what a link sent, for the other to be fed. */
struct Wire {
  std::mutex lock;
  std::deque<Datagram> queue;
  unsigned sent = 0;
  unsigned drop_first = 0;     /* datagrams lost before any arrives */
  bool blocked = false;        /* ICE has no pair yet: the send fails */

  bool send (const uint8_t * data, size_t len)
  {
    std::lock_guard<std::mutex> guard (lock);
    if (blocked)
      return false;
    sent++;
    if (drop_first > 0) {
      drop_first--;
      return true;
    }
    queue.emplace_back (data, data + len);
    return true;
  }
  std::deque<Datagram> take ()
  {
    std::lock_guard<std::mutex> guard (lock);
    std::deque<Datagram> out;
    out.swap (queue);
    return out;
  }
};

struct Side {
  DtlsTermsSlot slot;
  Wire out;
  std::mutex lock;
  std::vector<IceDtlsEvent> events;
  std::unique_ptr<IceDtlsLink> link;
  std::shared_ptr<const DtlsCertificate> cert = new_certificate ();

  void open (unsigned initial_timeout_ms = 1000)
  {
    IceDtlsTiming timing;
    timing.start_retry_ms = 10;
    timing.initial_timeout_ms = initial_timeout_ms;
    link = std::make_unique<IceDtlsLink> (&slot,
        [this] (const uint8_t * d, size_t n) { return out.send (d, n); },
        [this] (const IceDtlsEvent & e) {
          std::lock_guard<std::mutex> guard (lock);
          events.push_back (e);
        }, timing);
  }
  bool saw (DtlsState state)
  {
    std::lock_guard<std::mutex> guard (lock);
    for (const IceDtlsEvent & e : events)
      if (e.state == state)
        return true;
    return false;
  }
  IceDtlsEvent last (DtlsState state)
  {
    std::lock_guard<std::mutex> guard (lock);
    for (auto it = events.rbegin (); it != events.rend (); ++it)
      if (it->state == state)
        return *it;
    return IceDtlsEvent ();
  }
  Fingerprint fingerprint () const { return *cert->fingerprint ("sha-256"); }
};

static void
negotiate (Side & side, DtlsRole role, const Fingerprint & expected)
{
  NegotiatedDtls terms;
  terms.enabled = true;
  terms.role = role;
  terms.expected = { expected };
  terms.certificate = side.cert;
  terms.association = 1;
  side.slot.set (terms);
}

/* Carries datagrams both ways until @done or @ms pass. */
static bool
pump (Side & a, Side & b, guint ms, const std::function<bool ()> & done)
{
  gint64 end = g_get_monotonic_time () + ms * (gint64) 1000;
  while (g_get_monotonic_time () < end) {
    for (const Datagram & d : a.out.take ())
      b.link->feed (d.data (), d.size ());
    for (const Datagram & d : b.out.take ())
      a.link->feed (d.data (), d.size ());
    if (done ())
      return true;
    g_usleep (2000);
  }
  return done ();
}

/* Connected, and the event that says so delivered: the link's state
 * changes before its thread hands the event over. */
static bool
both_connected (Side & a, Side & b)
{
  return a.link->state () == DtlsState::Connected && b.link->state () == DtlsState::Connected
      && a.saw (DtlsState::Connected) && b.saw (DtlsState::Connected);
}

GST_START_TEST (test_handshake_and_keys)
{
  Side client, server;
  client.open ();
  server.open ();
  /* The terms arrive after the links exist, as an answer does: the client
   * sends its ClientHello by itself (nothing is fed to it first). */
  negotiate (server, DtlsRole::Server, client.fingerprint ());
  negotiate (client, DtlsRole::Client, server.fingerprint ());
  fail_unless (pump (client, server, 5000, [&] { return both_connected (client, server); }));
  fail_unless (client.saw (DtlsState::Handshaking));
  IceDtlsEvent c = client.last (DtlsState::Connected);
  IceDtlsEvent s = server.last (DtlsState::Connected);
  fail_unless (c.state == DtlsState::Connected && s.state == DtlsState::Connected);
  fail_unless (c.outbound_key.enabled () && c.inbound_key.enabled ());
  fail_unless (c.outbound_key.key_salt == s.inbound_key.key_salt);
  fail_unless (c.inbound_key.key_salt == s.outbound_key.key_salt);
  fail_if (c.outbound_key.key_salt == c.inbound_key.key_salt);
  fail_unless (c.suite == s.suite);
  fail_unless (c.peer_fingerprint && *c.peer_fingerprint == server.fingerprint ());
  fail_unless (s.peer_fingerprint && *s.peer_fingerprint == client.fingerprint ());
  fail_unless (c.association == 1);
  /* The keys work: what one protects, the other unprotects. */
  std::string error;
  auto out = SrtpSession::create (c.outbound_key, SrtpDirection::Outbound, &error);
  auto in = SrtpSession::create (s.inbound_key, SrtpDirection::Inbound, &error);
  fail_unless (out && in, "%s", error.c_str ());
  std::vector<uint8_t> pkt (64 + SrtpSession::kMaxTrailer);
  const uint8_t header[] = { 0x80, 96, 0, 1, 0, 0, 0, 1, 0x12, 0x34, 0x56, 0x78 };
  std::copy (header, header + sizeof header, pkt.begin ());
  size_t len = 64;
  fail_unless (out->protect (pkt.data (), len, pkt.size ()) == SrtpResult::Ok);
  fail_unless (in->unprotect (pkt.data (), len) == SrtpResult::Ok);
  fail_unless_equals_int (len, 64);

  IceDtlsLink::Counts cc = client.link->counts ();
  fail_unless (cc.datagrams_out >= 2 && cc.datagrams_in >= 1);
  fail_unless_equals_int (cc.handshakes, 1);
  fail_unless_equals_int (cc.failures, 0);
  /* A re-offer that keeps the association keeps the handshake. */
  negotiate (client, DtlsRole::Client, server.fingerprint ());
  g_usleep (50000);
  fail_unless (client.link->state () == DtlsState::Connected);
  fail_unless_equals_int (client.link->counts ().handshakes, 1);
}

GST_END_TEST;

GST_START_TEST (test_connected_link_sleeps)
{
  /* Once connected, with nothing to retransmit, a link's thread waits for
   * a datagram or new terms and nothing else: it used to look at the terms
   * every poll (10 ms here) for the life of the stream. */
  Side client, server;
  client.open ();
  server.open ();
  negotiate (server, DtlsRole::Server, client.fingerprint ());
  negotiate (client, DtlsRole::Client, server.fingerprint ());
  fail_unless (pump (client, server, 5000, [&] { return both_connected (client, server); }));
  g_usleep (50000);   /* the last flight delivered */
  guint64 c0 = client.link->counts ().wakeups, s0 = server.link->counts ().wakeups;
  g_usleep (300000);
  fail_unless (client.link->counts ().wakeups - c0 <= 1, "client woke %" G_GUINT64_FORMAT
      " times", client.link->counts ().wakeups - c0);
  fail_unless (server.link->counts ().wakeups - s0 <= 1, "server woke %" G_GUINT64_FORMAT
      " times", server.link->counts ().wakeups - s0);
  /* New terms still wake it at once: a new association hands over. */
  NegotiatedDtls terms;
  terms.enabled = true;
  terms.role = DtlsRole::Client;
  terms.expected = { server.fingerprint () };
  terms.certificate = client.cert;
  terms.association = 2;
  gint64 before = g_get_monotonic_time ();
  client.slot.set (terms);
  while (client.link->counts ().handshakes < 2 && g_get_monotonic_time () - before < 2000000)
    g_usleep (1000);
  fail_unless_equals_int (client.link->counts ().handshakes, 2);
  fail_unless (g_get_monotonic_time () - before < 500000);
}

GST_END_TEST;

GST_START_TEST (test_lost_datagram_is_retransmitted)
{
  Side client, server;
  client.open (100);
  server.open (100);
  /* The first ClientHello is lost, and ICE refuses the first tries. */
  client.out.drop_first = 1;
  negotiate (server, DtlsRole::Server, client.fingerprint ());
  negotiate (client, DtlsRole::Client, server.fingerprint ());
  fail_unless (pump (client, server, 5000, [&] { return both_connected (client, server); }));
  fail_unless (client.out.sent >= 3, "sent %u", client.out.sent);
}

GST_END_TEST;

GST_START_TEST (test_client_starts_when_ice_lets_it_send)
{
  /* ICE without a pair: the send fails, and the link makes its ClientHello
   * again at each poll (10 ms here), not after OpenSSL's first
   * retransmission (3 s here): once ICE sends, the handshake follows. */
  Side client, server;
  client.out.blocked = true;
  client.open (3000);
  server.open (3000);
  negotiate (server, DtlsRole::Server, client.fingerprint ());
  negotiate (client, DtlsRole::Client, server.fingerprint ());
  g_usleep (250000);
  IceDtlsLink::Counts blocked = client.link->counts ();
  fail_unless (blocked.send_failures >= 5, "%" G_GUINT64_FORMAT, blocked.send_failures);
  fail_unless_equals_int (blocked.handshakes, 1);
  fail_if (client.saw (DtlsState::Failed));
  {
    std::lock_guard<std::mutex> guard (client.out.lock);
    client.out.blocked = false;
  }
  fail_unless (pump (client, server, 2000, [&] { return both_connected (client, server); }));
  fail_unless_equals_int (client.link->counts ().handshakes, 1);
}

GST_END_TEST;

GST_START_TEST (test_fingerprint_mismatch_fails_without_keys)
{
  Side client, server, stranger;
  client.open ();
  server.open ();
  /* The server expects another certificate than the client's. */
  negotiate (server, DtlsRole::Server, stranger.fingerprint ());
  negotiate (client, DtlsRole::Client, server.fingerprint ());
  fail_unless (pump (client, server, 5000, [&] {
            return server.link->state () == DtlsState::Failed
                && client.link->state () == DtlsState::Failed
                && server.saw (DtlsState::Failed) && client.saw (DtlsState::Failed);
          }));
  IceDtlsEvent f = server.last (DtlsState::Failed);
  std::string theirs = write_fingerprint (client.fingerprint ());
  std::string expected = write_fingerprint (stranger.fingerprint ());
  fail_unless (f.reason.find (theirs) != std::string::npos, "%s", f.reason.c_str ());
  fail_unless (f.reason.find (expected) != std::string::npos, "%s", f.reason.c_str ());
  fail_if (server.saw (DtlsState::Connected));
  fail_if (client.saw (DtlsState::Connected));
  fail_unless_equals_int (server.link->counts ().failures, 1);
}

GST_END_TEST;

GST_START_TEST (test_fingerprint_list)
{
  std::vector<Fingerprint> fps;
  std::string error;
  Side a;
  std::string one = write_fingerprint (a.fingerprint ());
  fail_unless (parse_fingerprint_list (" " + one + " , " + one, fps, error));
  fail_unless_equals_int (fps.size (), 2);
  fail_unless (parse_fingerprint_list ("", fps, error));
  fail_unless (fps.empty ());
  fail_if (parse_fingerprint_list (one + ",sha-256 zz", fps, error));
  fail_unless (error.find ("zz") != std::string::npos, "%s", error.c_str ());
}

GST_END_TEST;

static Suite *
icedtls_suite (void)
{
  Suite *s = suite_create ("icedtls");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_handshake_and_keys);
  tcase_add_test (tc, test_connected_link_sleeps);
  tcase_add_test (tc, test_lost_datagram_is_retransmitted);
  tcase_add_test (tc, test_client_starts_when_ice_lets_it_send);
  tcase_add_test (tc, test_fingerprint_mismatch_fails_without_keys);
  tcase_add_test (tc, test_fingerprint_list);
  return s;
}

GST_CHECK_MAIN (icedtls);

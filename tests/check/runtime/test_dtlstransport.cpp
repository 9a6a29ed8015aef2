/* Unit test of comedia::DtlsTransport: two transports in one process, a
 * client and a server, shuttle datagrams until both are connected; per
 * profile, the RFC 5764 key layout and SRTP/SRTCP through SrtpSession both
 * ways; a certificate that does not match the fingerprint; lost flights and
 * retransmission; the MTU; close_notify; the handshake budget against
 * ClientHello sprays and garbage; and what unfinished transports cost.
 * A runtime unit: never loads the plugin.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "dtlstransport.h"
#include "dtlsfixtures.h"
#include "packets.h"
#include "srtpsession.h"

#include <algorithm>
#include <cstring>
#include <malloc.h>
#include <functional>
#include <memory>
#include <vector>

using namespace comedia;

static std::unique_ptr<DtlsTransport>
new_transport (std::shared_ptr<DtlsContext> ctx, DtlsRole role,
    std::vector<Fingerprint> expected, DtlsTransportOptions options = {})
{
  options.role = role;
  options.peer_fingerprints = std::move (expected);
  std::string error;
  auto t = DtlsTransport::create (std::move (ctx), options, &error);
  fail_unless (t != nullptr, "%s", error.c_str ());
  return t;
}

/* A client and a server, each expecting the other's sha-256 fingerprint
 * unless told otherwise. */
struct Pair {
  std::shared_ptr<const DtlsCertificate> client_cert = new_certificate ();
  std::shared_ptr<const DtlsCertificate> server_cert = new_certificate ();
  std::unique_ptr<DtlsTransport> client, server;

  explicit Pair (const std::vector<SrtpSuite> & client_profiles = dtls_srtp_suites (),
      const std::vector<SrtpSuite> & server_profiles = dtls_srtp_suites (),
      DtlsTransportOptions options = {})
  {
    client = new_transport (new_context (client_cert, client_profiles), DtlsRole::Client,
        {*server_cert->fingerprint ()}, options);
    server = new_transport (new_context (server_cert, server_profiles), DtlsRole::Server,
        {*client_cert->fingerprint ()}, options);
  }
  explicit Pair (const DtlsTransportOptions & options)
      : Pair (dtls_srtp_suites (), dtls_srtp_suites (), options) {}
};

/* Retransmissions after 20 ms instead of a second. */
static DtlsTransportOptions
quick_timers ()
{
  DtlsTransportOptions options;
  options.initial_timeout_ms = 20;
  return options;
}

/* Whether a datagram in flight is lost: (to_server, index among all sent
 * that way). */
using Loss = std::function<bool (bool to_server, unsigned index)>;

/* Delivers datagrams both ways until nothing is in flight; returns how many
 * were delivered.  Every datagram must fit @mtu. */
static unsigned
shuttle (Pair & p, std::vector<Datagram> to_server, const Loss & lost = nullptr,
    size_t mtu = 1200, std::vector<Datagram> to_client = {})
{
  unsigned sent[2] = {0, 0}, delivered = 0;
  /* @in delivered to @to (unless lost), what it answers appended to @out. */
  auto deliver = [&] (bool toward_server, const std::vector<Datagram> & in,
      DtlsTransport & to, std::vector<Datagram> & out) {
    for (const Datagram & d : in) {
      fail_unless (d.size () <= mtu, "a datagram of %u bytes", (unsigned) d.size ());
      if (lost && lost (toward_server, sent[toward_server]++))
        continue;
      delivered++;
      for (Datagram & answer : to.feed (d, g_get_monotonic_time ()))
        out.push_back (std::move (answer));
    }
  };
  for (int round = 0; round < 100 && (!to_server.empty () || !to_client.empty ()); round++) {
    std::vector<Datagram> next_to_client, next_to_server;
    deliver (true, to_server, *p.server, next_to_client);
    deliver (false, to_client, *p.client, next_to_server);
    to_server.swap (next_to_server);
    to_client.swap (next_to_client);
  }
  return delivered;
}

/* @packet's bytes with room for the SRTP trailer after them. */
static std::vector<uint8_t>
with_room (GstBuffer * packet, size_t & len)
{
  std::vector<uint8_t> buf = take_bytes (packet);
  len = buf.size ();
  buf.resize (len + SrtpSession::kMaxTrailer);
  return buf;
}

/* SRTP and SRTCP from @from's outbound key to @to's inbound key. */
static void
check_srtp (const DtlsTransport & from, const DtlsTransport & to, const char *what)
{
  std::string error;
  auto out = SrtpSession::create (from.outbound_key (), SrtpDirection::Outbound, &error);
  fail_unless (out != nullptr, "%s: %s", what, error.c_str ());
  auto in = SrtpSession::create (to.inbound_key (), SrtpDirection::Inbound, &error);
  fail_unless (in != nullptr, "%s: %s", what, error.c_str ());

  size_t len = 0;
  std::vector<uint8_t> buf = with_room (make_rtp (0xcafebabe, 7, 96, 40), len);
  std::vector<uint8_t> plain (buf.begin (), buf.begin () + len);
  fail_unless (out->protect (buf.data (), len, buf.size ()) == SrtpResult::Ok, "%s", what);
  fail_if (memcmp (buf.data () + 12, plain.data () + 12, 40) == 0, "%s: not encrypted", what);
  fail_unless (in->unprotect (buf.data (), len) == SrtpResult::Ok, "%s", what);
  fail_unless (buf.size () == plain.size () + SrtpSession::kMaxTrailer && len == plain.size ());
  fail_unless (memcmp (buf.data (), plain.data (), len) == 0, "%s", what);

  /* A receiver report with SDES. */
  std::vector<uint8_t> rtcp = with_room (make_rtcp_rr (0xcafebabe), len);
  std::vector<uint8_t> rtcp_plain (rtcp.begin (), rtcp.begin () + len);
  fail_unless (out->protect_rtcp (rtcp.data (), len, rtcp.size ()) == SrtpResult::Ok, "%s", what);
  fail_unless (in->unprotect_rtcp (rtcp.data (), len) == SrtpResult::Ok, "%s", what);
  fail_unless (len == rtcp_plain.size () && memcmp (rtcp.data (), rtcp_plain.data (), len) == 0,
      "%s", what);
}

/* Both connected, each with the key the other sends with. */
static void
check_connected (const Pair & p)
{
  fail_unless (p.client->connected (), "client %s: %s", dtls_state_name (p.client->state ()),
      p.client->reason ().c_str ());
  fail_unless (p.server->connected (), "server %s: %s", dtls_state_name (p.server->state ()),
      p.server->reason ().c_str ());
  fail_unless (p.client->outbound_key () == p.server->inbound_key ());
  fail_unless (p.server->outbound_key () == p.client->inbound_key ());
}

static void
check_no_keys (const DtlsTransport & t)
{
  fail_if (t.outbound_key ().enabled ());
  fail_if (t.inbound_key ().enabled ());
  fail_unless (t.export_keying_material ("EXTRACTOR-dtls_srtp", 60).empty ());
}

GST_START_TEST (test_handshake_every_profile)
{
  for (SrtpSuite suite : dtls_srtp_suites ()) {
    const char *name = dtls_srtp_profile_name (suite);
    Pair p ({suite}, {suite});
    fail_unless (p.client->state () == DtlsState::New);
    gint64 t0 = g_get_monotonic_time ();
    unsigned delivered = shuttle (p, p.client->start (g_get_monotonic_time ()));
    gint64 took = g_get_monotonic_time () - t0;
    fail_unless (p.client->connected (), "%s: client %s: %s", name,
        dtls_state_name (p.client->state ()), p.client->reason ().c_str ());
    fail_unless (p.server->connected (), "%s: server %s: %s", name,
        dtls_state_name (p.server->state ()), p.server->reason ().c_str ());
    g_print ("%s: handshake in %" G_GINT64_FORMAT " us, %u datagrams, server took %u (%u bytes)\n",
        name, took, delivered, p.server->handshake_datagrams (),
        (unsigned) p.server->handshake_bytes ());

    fail_unless (p.client->suite () == suite, "%s", name);
    fail_unless (p.server->suite () == suite, "%s", name);
    const SrtpSuiteInfo & info = srtp_suite_info (suite);
    fail_unless_equals_int (p.client->outbound_key ().key_salt.size (), info.key_len + info.salt_len);
    fail_unless (p.client->outbound_key () == p.server->inbound_key (), "%s", name);
    fail_unless (p.server->outbound_key () == p.client->inbound_key (), "%s", name);
    fail_if (p.client->outbound_key () == p.client->inbound_key (), "%s", name);

    /* RFC 5764 section 4.2's layout, cut here from the exporter's output. */
    const size_t k = info.key_len, s = info.salt_len;
    std::vector<uint8_t> m = p.client->export_keying_material ("EXTRACTOR-dtls_srtp", 2 * (k + s));
    fail_unless (m == p.server->export_keying_material ("EXTRACTOR-dtls_srtp", 2 * (k + s)));
    std::vector<uint8_t> client_write (m.begin (), m.begin () + k);
    client_write.insert (client_write.end (), m.begin () + 2 * k, m.begin () + 2 * k + s);
    std::vector<uint8_t> server_write (m.begin () + k, m.begin () + 2 * k);
    server_write.insert (server_write.end (), m.begin () + 2 * k + s, m.end ());
    fail_unless (p.client->outbound_key ().key_salt == client_write, "%s", name);
    fail_unless (p.server->outbound_key ().key_salt == server_write, "%s", name);

    fail_unless (p.client->peer_fingerprint () == p.server_cert->fingerprint ());
    fail_unless (p.server->peer_fingerprint () == p.client_cert->fingerprint ());

    check_srtp (*p.client, *p.server, name);
    check_srtp (*p.server, *p.client, name);
    /* Nothing left to time once connected. */
    fail_if (p.client->next_timeout ().has_value ());
  }
}
GST_END_TEST;

GST_START_TEST (test_default_profile_is_strongest)
{
  Pair p;
  shuttle (p, p.client->start (g_get_monotonic_time ()));
  check_connected (p);
  fail_unless (p.client->suite () == SrtpSuite::AeadAes256Gcm);
  /* The server's list decides among the client's. */
  Pair q ({SrtpSuite::AesCm128HmacSha1_80, SrtpSuite::AeadAes128Gcm},
      {SrtpSuite::AeadAes128Gcm, SrtpSuite::AesCm128HmacSha1_80});
  shuttle (q, q.client->start (g_get_monotonic_time ()));
  check_connected (q);
  fail_unless (q.client->suite () == q.server->suite ());
}
GST_END_TEST;

GST_START_TEST (test_no_common_profile)
{
  Pair p ({SrtpSuite::AeadAes128Gcm}, {SrtpSuite::AesCm128HmacSha1_80});
  shuttle (p, p.client->start (g_get_monotonic_time ()));
  fail_unless (p.client->state () == DtlsState::Failed);
  fail_unless (p.client->reason ().find ("SRTP profile") != std::string::npos,
      "%s", p.client->reason ().c_str ());
  check_no_keys (*p.client);
  fail_if (p.server->connected ());
  check_no_keys (*p.server);
}
GST_END_TEST;

GST_START_TEST (test_profiles_restricted_to_dtls_srtp)
{
  std::string error;
  fail_unless (DtlsContext::create (new_certificate (), {SrtpSuite::Aes256CmHmacSha1_80},
          &error) == nullptr);
  fail_unless (error.find ("AES_256_CM_HMAC_SHA1_80") != std::string::npos, "%s", error.c_str ());
  fail_unless (DtlsContext::create (new_certificate (), {}, &error) == nullptr);
  fail_unless (DtlsContext::create (nullptr, &error) == nullptr);
}
GST_END_TEST;

/* The side that checks fails, naming both fingerprints; the other side
 * fails on the alert; no keys anywhere. */
static void
check_mismatch (bool server_checks)
{
  auto stranger = new_certificate ();
  Fingerprint wrong = *stranger->fingerprint ();
  Pair p;
  Fingerprint actual;
  if (server_checks) {
    p.server = new_transport (new_context (p.server_cert), DtlsRole::Server, {wrong});
    actual = *p.client_cert->fingerprint ();
  } else {
    p.client = new_transport (new_context (p.client_cert), DtlsRole::Client, {wrong});
    actual = *p.server_cert->fingerprint ();
  }
  shuttle (p, p.client->start (g_get_monotonic_time ()));
  DtlsTransport & checker = server_checks ? *p.server : *p.client;
  DtlsTransport & other = server_checks ? *p.client : *p.server;
  fail_unless (checker.state () == DtlsState::Failed, "%s", dtls_state_name (checker.state ()));
  const std::string & why = checker.reason ();
  fail_unless (why.find (write_fingerprint (wrong)) != std::string::npos, "%s", why.c_str ());
  fail_unless (why.find (write_fingerprint (actual)) != std::string::npos, "%s", why.c_str ());
  fail_if (checker.peer_fingerprint ().has_value ());
  check_no_keys (checker);
  /* The peer got our alert. */
  fail_unless (other.state () == DtlsState::Failed, "%s", dtls_state_name (other.state ()));
  fail_unless (other.reason ().find ("alert") != std::string::npos, "%s", other.reason ().c_str ());
  check_no_keys (other);
}

GST_START_TEST (test_fingerprint_mismatch_server_checks)
{
  check_mismatch (true);
}
GST_END_TEST;

GST_START_TEST (test_fingerprint_mismatch_client_checks)
{
  check_mismatch (false);
}
GST_END_TEST;

GST_START_TEST (test_no_expected_fingerprint_fails)
{
  Pair p;
  p.server = new_transport (new_context (p.server_cert), DtlsRole::Server, {});
  shuttle (p, p.client->start (g_get_monotonic_time ()));
  fail_unless (p.server->state () == DtlsState::Failed);
  fail_unless (p.server->reason ().find ("no fingerprint was expected") != std::string::npos,
      "%s", p.server->reason ().c_str ());
  check_no_keys (*p.server);
}
GST_END_TEST;

GST_START_TEST (test_any_expected_fingerprint_and_hash)
{
  /* Expected: a stranger's, then the right one under sha-1 / sha-512. */
  Pair p;
  Fingerprint stranger = *new_certificate ()->fingerprint ();
  Fingerprint server_sha1 = *p.server_cert->fingerprint ("sha-1");
  Fingerprint client_sha512 = *p.client_cert->fingerprint ("sha-512");
  p.client = new_transport (new_context (p.client_cert), DtlsRole::Client, {stranger, server_sha1});
  p.server = new_transport (new_context (p.server_cert), DtlsRole::Server, {stranger, client_sha512});
  shuttle (p, p.client->start (g_get_monotonic_time ()));
  check_connected (p);
  fail_unless (p.client->peer_fingerprint () == server_sha1);
  fail_unless (p.server->peer_fingerprint () == client_sha512);
}
GST_END_TEST;

/* Waits until @t's retransmission is due, then handles it. */
static std::vector<Datagram>
retransmit (DtlsTransport & t)
{
  std::optional<gint64> when = t.next_timeout ();
  fail_unless (when.has_value ());
  std::vector<Datagram> out;
  for (int i = 0; i < 50 && out.empty (); i++) {
    gint64 now = g_get_monotonic_time ();
    if (now < *t.next_timeout ())
      g_usleep (*t.next_timeout () - now + 1000);
    out = t.handle_timeout (g_get_monotonic_time ());
  }
  fail_if (out.empty (), "nothing retransmitted");
  return out;
}

/* As a caller does: both sides' timers handled when due, and what they
 * send delivered, until both are connected (or one failed). */
static void
run_timers (Pair & p)
{
  for (int i = 0; i < 20 && !(p.client->connected () && p.server->connected ()); i++) {
    std::optional<gint64> c = p.client->next_timeout (), s = p.server->next_timeout ();
    if (!c && !s)
      break;
    gint64 when = std::min (c.value_or (G_MAXINT64), s.value_or (G_MAXINT64));
    gint64 now = g_get_monotonic_time ();
    if (now < when)
      g_usleep (when - now + 1000);
    now = g_get_monotonic_time ();
    shuttle (p, p.client->handle_timeout (now), nullptr, 1200, p.server->handle_timeout (now));
  }
}

/* After a loss: @resent delivered, then both timers run until connected. */
static void
recover (Pair & p, std::vector<Datagram> resent)
{
  shuttle (p, std::move (resent));
  run_timers (p);
  check_connected (p);
}

GST_START_TEST (test_lost_client_hello_is_retransmitted)
{
  Pair p (quick_timers ());
  std::vector<Datagram> hello = p.client->start (g_get_monotonic_time ());
  fail_unless_equals_int (hello.size (), 1);
  /* Lost.  Before the timer, nothing; after it, the same ClientHello. */
  fail_unless (p.client->handle_timeout (g_get_monotonic_time ()).empty ());
  std::vector<Datagram> again = retransmit (*p.client);
  /* The same ClientHello (content type 22, handshake type 1) in a record
   * of its own sequence number. */
  fail_unless_equals_int (again.size (), 1);
  fail_unless_equals_int (again[0].size (), hello[0].size ());
  fail_unless (again[0][0] == 22 && again[0][13] == 1);
  fail_if (again == hello);
  recover (p, again);
}
GST_END_TEST;

GST_START_TEST (test_lost_server_flight_is_retransmitted)
{
  Pair p (quick_timers ());
  /* The server's whole first flight is lost. */
  std::vector<Datagram> flight = p.server->feed (p.client->start (g_get_monotonic_time ())[0],
      g_get_monotonic_time ());
  fail_if (flight.empty ());
  fail_unless (p.server->state () == DtlsState::Handshaking);
  /* The client's timer resends its ClientHello, the server's its flight
   * (OpenSSL answers a repeated ClientHello only once its own timer has
   * run out), and the rest goes through. */
  recover (p, retransmit (*p.client));
}
GST_END_TEST;

GST_START_TEST (test_lost_final_flight_is_answered_after_connected)
{
  Pair p (quick_timers ());
  /* Everything the server sends after its first flight is lost once: the
   * server is connected, the client is not, and its retransmission gets
   * the server's last flight again. */
  unsigned first_flight = 0;
  bool dropping = true;
  Loss lost = [&] (bool to_server, unsigned index) {
    if (to_server)
      return false;
    if (p.server->state () != DtlsState::Connected) {
      first_flight = index + 1;
      return false;
    }
    return dropping && index >= first_flight;
  };
  shuttle (p, p.client->start (g_get_monotonic_time ()), lost);
  fail_unless (p.server->connected (), "%s", p.server->reason ().c_str ());
  fail_unless (p.client->state () == DtlsState::Handshaking);
  dropping = false;
  recover (p, retransmit (*p.client));
}
GST_END_TEST;

GST_START_TEST (test_small_mtu)
{
  DtlsTransportOptions options;
  options.mtu = 300;
  Pair p (options);
  unsigned delivered = shuttle (p, p.client->start (g_get_monotonic_time ()), nullptr, 300);
  check_connected (p);
  g_print ("MTU 300: %u datagrams\n", delivered);
  /* Too small for DTLS at all. */
  options.mtu = 100;
  std::string error;
  fail_unless (DtlsTransport::create (new_context (p.client_cert), options, &error) == nullptr);
  fail_unless (error.find ("MTU") != std::string::npos, "%s", error.c_str ());
}
GST_END_TEST;

GST_START_TEST (test_close_notify)
{
  Pair p;
  shuttle (p, p.client->start (g_get_monotonic_time ()));
  check_connected (p);
  SrtpKey kept = p.server->inbound_key ();
  std::vector<Datagram> bye = p.client->close ();
  fail_unless_equals_int (bye.size (), 1);
  fail_unless (p.client->state () == DtlsState::Closed);
  fail_unless_equals_string (p.client->reason ().c_str (), "closed by us");
  fail_unless (p.server->feed (bye[0], g_get_monotonic_time ()).empty ());
  fail_unless (p.server->state () == DtlsState::Closed);
  fail_unless (p.server->reason ().find ("close_notify") != std::string::npos,
      "%s", p.server->reason ().c_str ());
  /* The keys of the call stay readable; nothing more is fed. */
  fail_unless (p.server->inbound_key () == kept);
  fail_unless (p.server->feed (bye[0], g_get_monotonic_time ()).empty ());
  fail_unless (p.client->close ().empty ());
}
GST_END_TEST;

GST_START_TEST (test_non_dtls_is_ignored)
{
  Pair p;
  std::vector<Datagram> hello = p.client->start (g_get_monotonic_time ());
  /* A server waits for the ClientHello. */
  fail_unless (p.server->start (g_get_monotonic_time ()).empty ());
  fail_unless (p.server->state () == DtlsState::Handshaking);
  /* STUN and RTP on the same port reach the transport by mistake. */
  const Datagram stun = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42};
  const Datagram rtp = {0x80, 0x60, 0, 1, 0, 0, 0, 1, 1, 2, 3, 4};
  fail_unless (p.server->feed (stun, g_get_monotonic_time ()).empty ());
  fail_unless (p.server->feed (rtp, g_get_monotonic_time ()).empty ());
  fail_unless (p.server->feed (nullptr, 0, g_get_monotonic_time ()).empty ());
  fail_unless (p.server->state () == DtlsState::Handshaking);
  shuttle (p, hello);
  check_connected (p);
}
GST_END_TEST;

/* A ClientHello from a client nobody expects. */
static Datagram
stranger_client_hello ()
{
  auto ctx = new_context (new_certificate ());
  auto c = new_transport (ctx, DtlsRole::Client, {});
  std::vector<Datagram> out = c->start (g_get_monotonic_time ());
  fail_unless_equals_int (out.size (), 1);
  return out[0];
}

GST_START_TEST (test_budget_client_hello_spray)
{
  Datagram hello = stranger_client_hello ();
  auto server = new_transport (new_context (new_certificate ()), DtlsRole::Server, {});
  DtlsBudget budget;
  size_t sent_back = 0;
  unsigned fed = 0;
  for (; fed < 1000 && server->state () != DtlsState::Failed; fed++)
    for (const Datagram & d : server->feed (hello, g_get_monotonic_time ()))
      sent_back += d.size ();
  fail_unless (server->state () == DtlsState::Failed);
  fail_unless_equals_int (fed, budget.max_datagrams + 1);
  fail_unless (server->reason ().find ("budget") != std::string::npos, "%s", server->reason ().c_str ());
  check_no_keys (*server);
  fail_if (server->next_timeout ().has_value ());
  /* What answering cost is bounded too: a flight per ClientHello at most. */
  g_print ("ClientHello spray: %u fed, %u bytes sent back\n", fed, (unsigned) sent_back);
  fail_unless (sent_back < budget.max_datagrams * 4 * 1200);
  /* Failed stays failed, silently. */
  fail_unless (server->feed (hello, g_get_monotonic_time ()).empty ());
  fail_unless (server->handle_timeout (G_MAXINT64).empty ());
}
GST_END_TEST;

GST_START_TEST (test_budget_garbage)
{
  /* Records OpenSSL drops silently: only the budget ends them. */
  DtlsTransportOptions options;
  options.budget.max_bytes = 8000;
  auto server = new_transport (new_context (new_certificate ()), DtlsRole::Server, {}, options);
  Datagram junk (1000);
  for (size_t i = 0; i < junk.size (); i++)
    junk[i] = uint8_t (i * 131 + 7);
  junk[0] = 22;  /* a handshake record's content type */
  unsigned fed = 0;
  for (; fed < 100 && server->state () != DtlsState::Failed; fed++)
    fail_unless (server->feed (junk, g_get_monotonic_time ()).empty ());
  fail_unless (server->state () == DtlsState::Failed);
  fail_unless_equals_int (fed, 9);  /* the ninth passes 8000 bytes */
  fail_unless (server->reason ().find ("9000 bytes") != std::string::npos, "%s",
      server->reason ().c_str ());
}
GST_END_TEST;

GST_START_TEST (test_budget_time)
{
  Pair p;
  gint64 t0 = g_get_monotonic_time ();
  p.client->start (t0);
  fail_unless (p.client->next_timeout ().has_value ());
  fail_unless (*p.client->next_timeout () <= t0 + DtlsBudget ().max_duration_us);
  p.client->handle_timeout (t0 + DtlsBudget ().max_duration_us);
  fail_unless (p.client->state () == DtlsState::Failed);
  fail_unless (p.client->reason ().find ("no handshake within") != std::string::npos,
      "%s", p.client->reason ().c_str ());
  fail_if (p.client->next_timeout ().has_value ());
}
GST_END_TEST;

/* A datagram's first record's handshake type (1 ClientHello, 2
 * ServerHello, 3 HelloVerifyRequest). */
static int
handshake_type (const Datagram & d)
{
  return d.size () > 13 && d[0] == 22 ? d[13] : -1;
}

GST_START_TEST (test_cookie_exchange)
{
  DtlsTransportOptions options;
  options.cookie_exchange = true;
  options.cookie_context = "198.51.100.7:40000";
  Pair p (options);
  std::vector<Datagram> hello = p.client->start (g_get_monotonic_time ());
  /* The first ClientHello gets a HelloVerifyRequest, no larger than it. */
  std::vector<Datagram> hvr = p.server->feed (hello[0], g_get_monotonic_time ());
  fail_unless_equals_int (hvr.size (), 1);
  fail_unless_equals_int (handshake_type (hvr[0]), 3);
  fail_unless (hvr[0].size () < hello[0].size ());
  /* The client echoes the cookie and the handshake goes on. */
  std::vector<Datagram> hello2 = p.client->feed (hvr[0], g_get_monotonic_time ());
  fail_unless_equals_int (hello2.size (), 1);
  fail_unless_equals_int (handshake_type (hello2[0]), 1);
  shuttle (p, hello2);
  check_connected (p);

  /* That cookie is worth nothing from another address: the server of
   * another candidate refuses it (an alert, no ServerHello). */
  options.cookie_context = "203.0.113.9:40000";
  auto other = new_transport (new_context (p.server_cert), DtlsRole::Server,
      {*p.client_cert->fingerprint ()}, options);
  std::vector<Datagram> out = other->feed (hello[0], g_get_monotonic_time ());
  fail_unless_equals_int (out.size (), 1);
  fail_unless_equals_int (handshake_type (out[0]), 3);
  out = other->feed (hello2[0], g_get_monotonic_time ());
  for (const Datagram & d : out)
    fail_if (d[0] != 21, "not an alert");
  fail_unless (other->state () == DtlsState::Failed);
  fail_unless (other->reason ().find ("cookie mismatch") != std::string::npos, "%s",
      other->reason ().c_str ());
  check_no_keys (*other);

  /* A spray costs a HelloVerifyRequest per ClientHello at most. */
  auto sprayed = new_transport (new_context (p.server_cert), DtlsRole::Server, {}, options);
  size_t sent_back = 0;
  unsigned fed = 0;
  for (; fed < 100 && sprayed->state () != DtlsState::Failed; fed++)
    for (const Datagram & d : sprayed->feed (hello[0], g_get_monotonic_time ())) {
      fail_unless_equals_int (handshake_type (d), 3);
      sent_back += d.size ();
    }
  fail_unless (sprayed->state () == DtlsState::Failed);
  fail_unless (sent_back <= fed * hello[0].size ());
  g_print ("ClientHello spray with cookies: %u fed, %u bytes sent back\n", fed,
      (unsigned) sent_back);
}
GST_END_TEST;

/* Heap in use (glibc; what RSS cannot tell once freed memory is reused). */
static long
heap_kib ()
{
  struct mallinfo2 mi = mallinfo2 ();
  return long ((mi.uordblks + mi.hblkhd) / 1024);
}

static long
rss_kib ()
{
  long pages_total = 0, pages_rss = 0;
  FILE *f = fopen ("/proc/self/statm", "r");
  if (f) {
    if (fscanf (f, "%ld %ld", &pages_total, &pages_rss) != 2)
      pages_rss = 0;
    fclose (f);
  }
  return pages_rss * (sysconf (_SC_PAGESIZE) / 1024);
}

/* 1000 candidates, each with one stranger's ClientHello answered. */
static void
measure_unfinished (bool cookie_exchange)
{
  const unsigned n = 1000;
  Datagram hello = stranger_client_hello ();
  auto ctx = new_context (new_certificate ());
  DtlsTransportOptions options;
  options.cookie_exchange = cookie_exchange;
  std::vector<std::unique_ptr<DtlsTransport>> all;
  all.reserve (n);
  long before = rss_kib (), heap_before = heap_kib ();
  gint64 t0 = g_get_monotonic_time ();
  for (unsigned i = 0; i < n; i++) {
    options.cookie_context = std::to_string (i);
    all.push_back (new_transport (ctx, DtlsRole::Server, {}, options));
    fail_if (all.back ()->feed (hello, g_get_monotonic_time ()).empty ());
    fail_unless (all.back ()->state () == DtlsState::Handshaking);
  }
  gint64 took = g_get_monotonic_time () - t0;
  long after = rss_kib (), heap_after = heap_kib ();
  g_print ("%u unfinished transports%s: heap +%ld KiB each, RSS %ld -> %ld KiB, %"
      G_GINT64_FORMAT " us each to make and answer\n", n,
      cookie_exchange ? " (cookie exchange)" : "", (heap_after - heap_before) / long (n),
      before, after, took / n);
  t0 = g_get_monotonic_time ();
  all.clear ();
  g_print ("dropping them: %" G_GINT64_FORMAT " us each, RSS %ld KiB\n",
      (g_get_monotonic_time () - t0) / n, rss_kib ());
}

GST_START_TEST (test_many_unfinished_transports)
{
  measure_unfinished (false);
  measure_unfinished (true);
}
GST_END_TEST;

static Suite *
dtlstransport_suite (void)
{
  Suite *s = suite_create ("dtlstransport");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_handshake_every_profile);
  tcase_add_test (tc, test_default_profile_is_strongest);
  tcase_add_test (tc, test_no_common_profile);
  tcase_add_test (tc, test_profiles_restricted_to_dtls_srtp);
  tcase_add_test (tc, test_fingerprint_mismatch_server_checks);
  tcase_add_test (tc, test_fingerprint_mismatch_client_checks);
  tcase_add_test (tc, test_no_expected_fingerprint_fails);
  tcase_add_test (tc, test_any_expected_fingerprint_and_hash);
  tcase_add_test (tc, test_lost_client_hello_is_retransmitted);
  tcase_add_test (tc, test_lost_server_flight_is_retransmitted);
  tcase_add_test (tc, test_lost_final_flight_is_answered_after_connected);
  tcase_add_test (tc, test_small_mtu);
  tcase_add_test (tc, test_close_notify);
  tcase_add_test (tc, test_non_dtls_is_ignored);
  tcase_add_test (tc, test_budget_client_hello_spray);
  tcase_add_test (tc, test_budget_garbage);
  tcase_add_test (tc, test_budget_time);
  tcase_add_test (tc, test_cookie_exchange);
  tcase_add_test (tc, test_many_unfinished_transports);
  return s;
}

GST_CHECK_MAIN (dtlstransport);

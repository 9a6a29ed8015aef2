/* comedia-bench dtls: what DTLS-SRTP costs, in one run.
 *
 *   comedia-bench dtls [--quick] [--out DIR] [--count N] [--reps R]
 *       [--suites NICK,...] [--handshakes N] [--hellos N]
 *
 * Per packet: the srtp part's flood into comedia-rtpsrc (queued, then
 * drained) and its prepared source into comedia-rtpsink (single buffers and
 * lists of 64), each plain, with an SDES key (a random key||salt set as
 * srtp-key, as sdp-negotiator sets an a=crypto key) and with the keys of a
 * real DTLS handshake made here (a client and a server DtlsTransport back to
 * back, each expecting the other's certificate fingerprint), set the same
 * way: the server's inbound key on the receiver (the flood protects with the
 * client's outbound key, the same key), its outbound key on the sender.
 * Once keyed, DTLS-SRTP is SRTP through the same libsrtp path as SDES: the
 * ratio DTLS / SDES must come out at 1 within the run's noise.
 *
 * The handshake: per DTLS-SRTP profile, N handshakes in this process with
 * the datagrams handed over at once (no network, no retransmission), each
 * on fresh transports of contexts made once (as a stream's are), ECDSA P-256
 * certificates as DtlsCertificate makes them; the median, the 90th
 * percentile and the server's share (its time inside feed ()).  Then the
 * first profile again with the server's cookie exchange (one more round trip,
 * what comedia-rtpsrc's DtlsCandidateTable does over COMEDIA).
 *
 * A stranger's ClientHello: a DtlsCandidateTable fed the same ClientHello
 * from N different sources, each answered with a HelloVerifyRequest and
 * forgotten (rate limit lifted to measure the answer), and the same with the
 * table's default limit (500 answers a second), where the rest is dropped.
 *
 * Prints the tables, writes DIR/dtls.md and DIR/dtls.csv.  The quick mode is
 * the smoke test (meson test bench-dtls-quick): it fails only if a handshake
 * or a keyed run fails, never on a speed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element-bench.h"

#include "dtlscandidates.h"
#include "dtlscertificate.h"
#include "dtlstransport.h"
#include "sdescrypto.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace elementbench {

namespace {

using comedia::Datagram;
using comedia::DtlsContext;
using comedia::DtlsRole;
using comedia::DtlsTransport;
using comedia::DtlsTransportOptions;
using comedia::SrtpSuite;

/* Two certificates and a context each, for one profile (or all). */
struct Endpoints {
  std::shared_ptr<const comedia::DtlsCertificate> client_cert, server_cert;
  std::shared_ptr<DtlsContext> client_ctx, server_ctx;

  bool make (const std::vector<SrtpSuite> & profiles, std::string & error) {
    client_cert = comedia::DtlsCertificate::generate (&error);
    server_cert = client_cert ? comedia::DtlsCertificate::generate (&error) : nullptr;
    if (!server_cert)
      return false;
    client_ctx = DtlsContext::create (client_cert, profiles, &error);
    server_ctx = client_ctx ? DtlsContext::create (server_cert, profiles, &error) : nullptr;
    return server_ctx != nullptr;
  }

  std::unique_ptr<DtlsTransport> transport (DtlsRole role, bool cookie,
      std::string & error) const {
    DtlsTransportOptions o;
    o.role = role;
    o.peer_fingerprints = { role == DtlsRole::Client ?
        *server_cert->fingerprint () : *client_cert->fingerprint () };
    o.cookie_exchange = cookie;
    o.cookie_context = "127.0.0.1:5004";
    return DtlsTransport::create (role == DtlsRole::Client ? client_ctx : server_ctx,
        o, &error);
  }
};

/* One handshake, both transports in this thread, every datagram delivered
 * as soon as it is made. */
struct Handshake {
  std::unique_ptr<DtlsTransport> client, server;
  double us = 0, server_us = 0;
  unsigned datagrams = 0;

  bool run (const Endpoints & e, bool cookie, std::string & error) {
    client = e.transport (DtlsRole::Client, false, error);
    server = client ? e.transport (DtlsRole::Server, cookie, error) : nullptr;
    if (!server)
      return false;
    gint64 t0 = now_us ();
    struct InFlight {
      bool to_server;
      Datagram data;
    };
    std::vector<InFlight> queue;
    for (Datagram & d : client->start (t0))
      queue.push_back ({ true, std::move (d) });
    for (size_t next = 0; next < queue.size () && next < 64; next++) {
      bool to_server = queue[next].to_server;
      Datagram d = std::move (queue[next].data);
      gint64 t = now_us ();
      std::vector<Datagram> answers = (to_server ? server : client)->feed (d, t);
      if (to_server)
        server_us += now_us () - t;
      for (Datagram & a : answers)
        queue.push_back ({ !to_server, std::move (a) });
      datagrams++;
    }
    us = now_us () - t0;
    if (!client->connected () || !server->connected ()) {
      error = std::string ("handshake: client ") + comedia::dtls_state_name (client->state ()) +
          " " + client->reason () + ", server " + comedia::dtls_state_name (server->state ()) +
          " " + server->reason ();
      return false;
    }
    if (client->outbound_key () != server->inbound_key () ||
        server->outbound_key () != client->inbound_key ()) {
      error = "handshake: the two sides' keys differ";
      return false;
    }
    return true;
  }
};

std::string
base64 (const std::vector<guint8> & bytes)
{
  gchar *b = g_base64_encode (bytes.data (), bytes.size ());
  std::string s (b);
  g_free (b);
  return s;
}

double
percentile (std::vector<double> v, double p)
{
  if (v.empty ())
    return NAN;
  std::sort (v.begin (), v.end ());
  return v[std::min (v.size () - 1, (size_t) (p * v.size ()))];
}

/* The cost of a stranger's ClientHello at a DtlsCandidateTable: CPU µs per
 * datagram fed, and how many were answered. */
struct HelloCost {
  double us = NAN;
  uint64_t answered = 0, dropped = 0;
};

HelloCost
hello_cost (const Endpoints & e, const Datagram & hello, long n, unsigned per_second)
{
  comedia::DtlsCandidateLimits limits;
  if (per_second)
    limits.hello_verify_per_second = per_second;
  comedia::DtlsCandidateTable table (e.server_ctx, { *e.client_cert->fingerprint () }, limits);
  size_t sent = 0;
  double cpu0 = cpu_seconds ();
  for (long i = 0; i < n; i++) {
    /* 198.51.100.0/24, a source port each: n different strangers. */
    auto from = comedia::PeerAddress::ipv4 ({ 198, 51, 100, (uint8_t) (i % 250 + 1) },
        (uint16_t) (1024 + i / 250));
    sent += table.feed (from, hello, now_us ()).send.size ();
  }
  HelloCost c;
  c.us = (cpu_seconds () - cpu0) * 1e6 / n;
  c.answered = table.stats ().hello_verify_sent;
  c.dropped = table.stats ().dropped_rate;
  if (sent != c.answered || table.size () != 0)
    c.us = NAN;  /* a stranger must never become a candidate */
  return c;
}

}  // namespace

int
cmd_dtls (const Args & a)
{
  bool quick = a.count ("quick");
  std::string out_dir = output_dir (a);
  long count = bench::option_long (a, "count", quick ? 5000 : 300000);
  int reps = bench::option_long (a, "reps", quick ? 1 : 3);
  long handshakes = bench::option_long (a, "handshakes", quick ? 5 : 200);
  long hellos = bench::option_long (a, "hellos", quick ? 500 : 50000);
  std::string suites_opt = bench::option_string (a, "suites",
      quick ? "aes-cm-128-hmac-sha1-80" : "aes-cm-128-hmac-sha1-80,aead-aes-128-gcm");
  std::vector<std::string> suites;
  std::istringstream in (suites_opt);
  for (std::string s; std::getline (in, s, ',');)
    suites.push_back (s);

  printf ("comedia-bench dtls: %s mode, flood %ld packets of 200 bytes, %d repetition(s), "
      "%ld handshakes per profile, %ld ClientHellos\n\n", quick ? "quick" : "full", count,
      reps, handshakes, hellos);
  fflush (stdout);
  std::ostringstream md;
  std::ofstream csv (out_dir + "/dtls.csv");
  csv << "part,suite,direction,keys,ns_per_packet,value\n";
  char line[512];
  Runner r;
  int failures = 0;
  std::string error;

  /* --- per packet: plain, SDES, DTLS ------------------------------------ */
  const char *keyings[] = { "plain", "sdes", "dtls" };
  /* The quick mode leaves out single buffers: bench-quick's srtp part
   * sends them with srtp-key already, and this is the smoke test's cost in
   * both CI stages (40 s under ASan with them). */
  std::vector<const char *> send_modes = { "single", "list" };
  if (quick)
    send_modes = { "list" };
  std::vector<std::string> runs = { "recv" };
  for (const char *mode : send_modes)
    runs.push_back (std::string ("send/") + mode);
  std::map<std::string, std::vector<double>> ns;
  for (const std::string & nick : suites) {
    const comedia::SrtpSuiteInfo *info = srtp_suite_by_nick (nick);
    if (!info || !comedia::dtls_srtp_profile_name (info->suite)) {
      fprintf (stderr, "dtls: %s is not a DTLS-SRTP profile\n", nick.c_str ());
      return 2;
    }
    Endpoints e;
    if (!e.make ({ info->suite }, error)) {
      fprintf (stderr, "dtls: %s\n", error.c_str ());
      return 1;
    }
    for (int rep = 0; rep < reps; rep++) {
      Handshake h;
      if (!h.run (e, false, error)) {
        fprintf (stderr, "dtls %s: %s\n", nick.c_str (), error.c_str ());
        failures++;
        continue;
      }
      std::vector<guint8> sdes (info->key_len + info->salt_len);
      for (guint8 &b : sdes)
        b = (guint8) g_random_int ();
      for (const char *keys : keyings) {
        std::vector<std::string> srtp;
        if (strcmp (keys, "plain"))
          srtp = { "--srtp-suite", nick, "--srtp-key", !strcmp (keys, "sdes") ? base64 (sdes) :
              base64 (h.server->inbound_key ().key_salt) };
        auto run = [&] (const char *what, std::vector<std::string> args,
            const std::vector<guint8> *key) {
          if (!srtp.empty ()) {
            args.insert (args.end (), srtp.begin (), srtp.end ());
            if (key)  /* the sender protects with the server's outbound key */
              args.back () = base64 (*key);
          }
          Result res = r.run (args);
          ns[nick + "/" + what + "/" + keys].push_back (num (res, "cpu_us_per_packet") * 1000);
        };
        std::string impl = !strcmp (keys, "plain") ? "comedia" : "comedia-srtp";
        const std::vector<guint8> *out_key =
            !strcmp (keys, "dtls") ? &h.server->outbound_key ().key_salt : nullptr;
        run ("recv", { "recv", "--impl", impl, "--count", std::to_string (count), "--queued" },
            nullptr);
        for (const char *mode : send_modes)
          run ((std::string ("send/") + mode).c_str (), { "send", "--impl", impl, "--mode", mode,
                "--count", std::to_string (count), "--unique" }, out_key);
      }
    }
  }
  md << "### DTLS-SRTP per packet: the same traffic plain, SDES-keyed and DTLS-keyed\n\n"
      "| suite | element | plain ns/pkt | SDES ns/pkt | DTLS ns/pkt | DTLS / SDES | DTLS / plain |\n"
      "|---|---|---:|---:|---:|---:|---:|\n";
  printf ("%-26s %-22s %10s %10s %10s %12s %12s\n", "per packet (CPU ns)", "element", "plain",
      "SDES", "DTLS", "DTLS/SDES", "DTLS/plain");
  for (const std::string & nick : suites)
    for (const std::string & what : runs) {
      auto m = [&] (const char *keys) { return median (ns[nick + "/" + what + "/" + keys]); };
      double p = m ("plain"), s = m ("sdes"), d = m ("dtls");
      const char *element = what == "recv" ? "comedia-rtpsrc" :
          what == "send/single" ? "comedia-rtpsink" : "comedia-rtpsink lists";
      printf ("%-26s %-22s %10.0f %10.0f %10.0f %12.2f %12.2f\n", nick.c_str (), element, p, s,
          d, d / s, d / p);
      snprintf (line, sizeof (line), "| %s | %s | %.0f | %.0f | %.0f | %.2f | %.2f |\n",
          nick.c_str (), element, p, s, d, d / s, d / p);
      md << line;
      for (const char *keys : keyings)
        csv << "packet," << nick << "," << what << "," << keys << "," << m (keys) << ",\n";
      if (std::isnan (d) || std::isnan (s))
        failures++;
    }

  /* --- the handshake, per profile -------------------------------------- */
  md << "\n### DTLS handshake in process (client and server back to back, ECDSA P-256)\n\n"
      "| profile | median µs | p90 µs | server's share µs | datagrams |\n"
      "|---|---:|---:|---:|---:|\n";
  printf ("\n%-34s %10s %10s %14s %10s\n", "handshake (wall us)", "median", "p90",
      "server share", "datagrams");
  Endpoints first;
  for (size_t k = 0; k <= comedia::dtls_srtp_suites ().size (); k++) {
    /* The last round: the first profile again, with the cookie exchange. */
    bool cookie = k == comedia::dtls_srtp_suites ().size ();
    SrtpSuite suite = comedia::dtls_srtp_suites ()[cookie ? 0 : k];
    Endpoints e;
    if (!e.make ({ suite }, error)) {
      fprintf (stderr, "dtls: %s\n", error.c_str ());
      return 1;
    }
    if (k == 0)
      first = e;
    std::vector<double> us, server_us;
    unsigned datagrams = 0;
    for (long i = 0; i < handshakes; i++) {
      Handshake h;
      if (!h.run (e, cookie, error)) {
        fprintf (stderr, "dtls: %s\n", error.c_str ());
        failures++;
        break;
      }
      us.push_back (h.us);
      server_us.push_back (h.server_us);
      datagrams = h.datagrams;
    }
    std::string name = std::string (comedia::dtls_srtp_profile_name (suite)) +
        (cookie ? " + cookie" : "");
    double med = median (us), p90 = percentile (us, 0.9), srv = median (server_us);
    printf ("%-34s %10.0f %10.0f %14.0f %10u\n", name.c_str (), med, p90, srv, datagrams);
    snprintf (line, sizeof (line), "| %s | %.0f | %.0f | %.0f | %u |\n", name.c_str (), med,
        p90, srv, datagrams);
    md << line;
    csv << "handshake," << name << ",,,," << med << "\n";
  }

  /* --- a stranger's ClientHello ---------------------------------------- */
  std::string probe_error;
  auto client = first.transport (DtlsRole::Client, false, probe_error);
  std::vector<Datagram> hello = client ? client->start (now_us ()) : std::vector<Datagram> {};
  if (hello.size () != 1) {
    fprintf (stderr, "dtls: no ClientHello to replay %s\n", probe_error.c_str ());
    return 1;
  }
  HelloCost answered = hello_cost (first, hello[0], hellos, G_MAXUINT);
  HelloCost limited = hello_cost (first, hello[0], hellos, 0);
  printf ("\n%-34s %10s %10s %10s\n", "a stranger's ClientHello", "CPU us", "answered", "dropped");
  md << "\n### A stranger's ClientHello at DtlsCandidateTable\n\n"
      "| case | CPU µs per ClientHello | answered (HelloVerifyRequest) | dropped (rate) |\n"
      "|---|---:|---:|---:|\n";
  for (auto &c : { std::make_pair ("answered, no rate limit", answered),
                   std::make_pair ("default limit (500/s)", limited) }) {
    printf ("%-34s %10.1f %10lu %10lu\n", c.first, c.second.us,
        (unsigned long) c.second.answered, (unsigned long) c.second.dropped);
    snprintf (line, sizeof (line), "| %s | %.1f | %lu of %ld | %lu |\n", c.first, c.second.us,
        (unsigned long) c.second.answered, hellos, (unsigned long) c.second.dropped);
    md << line;
    csv << "hello," << c.first << ",,,," << c.second.us << "\n";
    if (std::isnan (c.second.us))
      failures++;
  }

  std::ofstream (out_dir + "/dtls.md") << md.str ();
  printf ("\nwritten: %s/dtls.md, %s/dtls.csv\n", out_dir.c_str (), out_dir.c_str ());
  failures += r.failures;
  if (failures)
    fprintf (stderr, "comedia-bench dtls: %d failure(s)\n", failures);
  return failures ? 1 : 0;
}

}  // namespace elementbench

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* One DTLS-SRTP association (RFC 5764) over datagrams, driven by its caller:
 * no thread, no socket.  The caller feeds what it received, sends what comes
 * back, and calls handle_timeout() at next_timeout() for retransmissions.
 * The handshake completes only with a peer certificate whose digest is one of
 * the SDP's a=fingerprint values; then the SRTP keys are those of the RFC
 * 5764 exporter, one per direction, for SrtpSession.
 *
 * Cheap to make and to drop, and bounded by a budget of datagrams, bytes and
 * time before it completes: a stranger's ClientHellos cost a bounded amount
 * per candidate, and a failed transport frees its OpenSSL state at once.
 * One thread at a time uses a transport; a DtlsContext may be shared. */

#include "dtlscertificate.h"
#include "dtlssdp.h"
#include "sdescrypto.h"

#include <glib.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace comedia {

enum class DtlsState {
  New,          /* made, nothing sent or received */
  Handshaking,
  Connected,    /* keys available */
  Failed,       /* reason() says why; no keys */
  Closed,       /* close_notify or an alert after Connected, or close () */
};
const char *dtls_state_name (DtlsState state);

/* The SRTP profiles DTLS can negotiate (RFC 5764 section 4.1.2, RFC 7714
 * section 14.2), strongest first: the default offer. */
const std::vector<SrtpSuite> & dtls_srtp_suites ();
/* OpenSSL's profile name ("SRTP_AEAD_AES_128_GCM"); nullptr for a suite
 * DTLS-SRTP has no profile for (the AES-256-CM ones). */
const char *dtls_srtp_profile_name (SrtpSuite suite);

/* What the handshake may receive and take before it has completed; past it
 * the transport fails.  A browser's handshake takes under 10 datagrams and
 * 4 KiB; retransmissions a few more. */
struct DtlsBudget {
  unsigned max_datagrams = 32;
  size_t max_bytes = 32 * 1024;
  gint64 max_duration_us = 30 * G_USEC_PER_SEC;  /* from start() or the first feed() */
};

/* Our certificate and the profiles we offer or accept, as one OpenSSL
 * SSL_CTX: made once per stream (or per process) and shared by its
 * transports, which are then cheap. */
class DtlsContext {
 public:
  /* @profiles: in preference order, DTLS-SRTP suites only; nullptr with
   * @error otherwise. */
  static std::shared_ptr<DtlsContext> create (std::shared_ptr<const DtlsCertificate> certificate,
      const std::vector<SrtpSuite> & profiles, std::string * error);
  static std::shared_ptr<DtlsContext> create (std::shared_ptr<const DtlsCertificate> certificate,
      std::string * error)
  { return create (std::move (certificate), dtls_srtp_suites (), error); }
  ~DtlsContext ();
  DtlsContext (const DtlsContext &) = delete;
  DtlsContext & operator= (const DtlsContext &) = delete;

  const DtlsCertificate & certificate () const { return *certificate_; }
  const std::vector<SrtpSuite> & profiles () const { return profiles_; }

 private:
  friend class DtlsTransport;
  DtlsContext (std::shared_ptr<const DtlsCertificate> certificate,
      std::vector<SrtpSuite> profiles, SSL_CTX * ctx)
      : certificate_ (std::move (certificate)), profiles_ (std::move (profiles)), ctx_ (ctx) {}

  std::shared_ptr<const DtlsCertificate> certificate_;
  std::vector<SrtpSuite> profiles_;
  SSL_CTX *ctx_;
};

struct DtlsTransportOptions {
  DtlsRole role = DtlsRole::Server;
  /* The peer's a=fingerprint values: its certificate must match one (under
   * that one's hash).  None: every handshake fails. */
  std::vector<Fingerprint> peer_fingerprints;
  /* The largest datagram we send (UDP payload): records and handshake
   * fragments are cut to it. */
  size_t mtu = 1200;
  /* The first retransmission's delay (RFC 6347 section 4.2.4.1: 1 s), then
   * doubling up to 60 s; OpenSSL gives up after 12. */
  unsigned initial_timeout_ms = 1000;
  DtlsBudget budget;
  /* Server only: answer a ClientHello first with a HelloVerifyRequest
   * (RFC 6347 section 4.2.1) whose cookie is bound to @cookie_context (the
   * candidate's address, say), so a ClientHello from a forged source costs
   * a small datagram and an HMAC, not a key exchange and a signature.  One
   * more round trip; every DTLS 1.2 client does it.  Where ICE has checked
   * the path already it is not needed. */
  bool cookie_exchange = false;
  std::string cookie_context;
  /* With cookie_exchange: what arrives before a ClientHello with a valid
   * cookie goes through OpenSSL's stateless DTLSv1_listen: a ClientHello
   * without one (or with a wrong one) gets a HelloVerifyRequest and is
   * otherwise forgotten (no failure), so a fresh transport can take the
   * ClientHello that returns a cookie another transport sent.  For a caller
   * that keeps transports only for sources that returned their cookie. */
  bool listen_first = false;
};

using Datagram = std::vector<uint8_t>;

class DtlsTransport {
 public:
  static std::unique_ptr<DtlsTransport> create (std::shared_ptr<DtlsContext> context,
      const DtlsTransportOptions & options, std::string * error);
  ~DtlsTransport ();
  DtlsTransport (const DtlsTransport &) = delete;
  DtlsTransport & operator= (const DtlsTransport &) = delete;

  /* Each call returns the datagrams to send, in order, each one whole.
   * @now: g_get_monotonic_time (); the budget's clock. */

  /* A client sends its ClientHello; a server starts waiting for one.  The
   * first feed() starts a transport that was not started. */
  std::vector<Datagram> start (gint64 now);
  /* One received datagram (a DTLS record or several, RFC 7983's 20..63;
   * anything else is counted and dropped). */
  std::vector<Datagram> feed (const uint8_t * data, size_t len, gint64 now);
  std::vector<Datagram> feed (const Datagram & d, gint64 now)
  { return feed (d.data (), d.size (), now); }
  /* When to call handle_timeout(): a retransmission or the budget's end;
   * nothing when no timer runs.  The retransmission timer itself runs on
   * OpenSSL's clock (the wall clock): handle_timeout() before it has run out
   * there sends nothing, and next_timeout() then tells the rest. */
  std::optional<gint64> next_timeout () const;
  std::vector<Datagram> handle_timeout (gint64 now);
  /* Sends close_notify when connected; Closed either way (Failed stays). */
  std::vector<Datagram> close ();

  DtlsState state () const { return state_; }
  bool connected () const { return state_ == DtlsState::Connected; }
  /* Why it failed or closed; empty otherwise. */
  const std::string & reason () const { return reason_; }
  DtlsRole role () const { return role_; }

  /* Once connected (and after it closed): the negotiated profile, our keys
   * (outbound: what we protect with; inbound: what we unprotect with), and
   * the expected fingerprint the peer's certificate matched.  Empty keys
   * before that, and after a failure. */
  SrtpSuite suite () const { return outbound_.suite; }
  const SrtpKey & outbound_key () const { return outbound_; }
  const SrtpKey & inbound_key () const { return inbound_; }
  const std::optional<Fingerprint> & peer_fingerprint () const { return matched_; }
  /* RFC 5705 keying material under @label, while connected (empty
   * otherwise): what the keys above are cut from, for checking them. */
  std::vector<uint8_t> export_keying_material (const std::string & label, size_t len) const;

  /* Received before completion (what the budget counts). */
  unsigned handshake_datagrams () const { return hs_datagrams_; }
  size_t handshake_bytes () const { return hs_bytes_; }

 private:
  friend struct DtlsCallbacks;
  DtlsTransport (std::shared_ptr<DtlsContext> context, const DtlsTransportOptions & options)
      : context_ (std::move (context)), role_ (options.role),
        expected_ (options.peer_fingerprints), budget_ (options.budget),
        initial_timeout_us_ (options.initial_timeout_ms * 1000u),
        cookie_context_ (options.cookie_context),
        listening_ (options.cookie_exchange && options.listen_first
            && options.role == DtlsRole::Server) {}

  void begin (gint64 now);
  void drive ();
  void on_ssl_result (int ret);
  void on_handshake_done ();
  bool check_peer_certificate (X509 * cert);
  void finish (DtlsState state, const std::string & reason);
  void refresh_timer (gint64 now);
  std::vector<Datagram> take_outbox ();

  std::shared_ptr<DtlsContext> context_;
  SSL *ssl_ = nullptr;  /* freed as soon as Failed or Closed */
  DtlsRole role_;
  std::vector<Fingerprint> expected_;
  DtlsBudget budget_;
  unsigned initial_timeout_us_;
  std::string cookie_context_;
  bool listening_;  /* before a valid cookie, with listen_first */

  DtlsState state_ = DtlsState::New;
  std::string reason_;
  std::string certificate_failure_;  /* from the verify callback */
  std::string alert_;                /* the last alert the peer sent */
  std::optional<Fingerprint> matched_;
  SrtpKey outbound_, inbound_;

  gint64 started_at_ = 0;
  std::optional<gint64> retransmit_at_;
  unsigned hs_datagrams_ = 0;
  size_t hs_bytes_ = 0;

  /* The custom BIO's two sides: the datagram being fed, and what OpenSSL
   * wrote, one datagram per write. */
  const uint8_t *in_data_ = nullptr;
  size_t in_len_ = 0;
  std::vector<Datagram> outbox_;
};

}  // namespace comedia

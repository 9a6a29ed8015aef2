/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * OpenSSL's DTLS does the handshake and the exporter; this file feeds it
 * datagrams through a BIO of its own and reads the result.
 */
#include "dtlstransport.h"

#include "packetclass.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <mutex>

namespace comedia {

namespace {

struct ProfileEntry {
  SrtpSuite suite;
  const char *name;
  unsigned long id;
};
const ProfileEntry kProfiles[] = {
  {SrtpSuite::AeadAes256Gcm, "SRTP_AEAD_AES_256_GCM", SRTP_AEAD_AES_256_GCM},
  {SrtpSuite::AeadAes128Gcm, "SRTP_AEAD_AES_128_GCM", SRTP_AEAD_AES_128_GCM},
  {SrtpSuite::AesCm128HmacSha1_80, "SRTP_AES128_CM_SHA1_80", SRTP_AES128_CM_SHA1_80},
  {SrtpSuite::AesCm128HmacSha1_32, "SRTP_AES128_CM_SHA1_32", SRTP_AES128_CM_SHA1_32},
};

constexpr char kExporterLabel[] = "EXTRACTOR-dtls_srtp";  /* RFC 5764 section 4.2 */
constexpr unsigned kMaxTimeoutUs = 60 * 1000 * 1000;

std::string
join_fingerprints (const std::vector<Fingerprint> & fps)
{
  std::string out;
  for (const Fingerprint & fp : fps)
    out += (out.empty () ? "" : ", ") + write_fingerprint (fp);
  return out;
}

void
wipe (SrtpKey & key)
{
  if (!key.key_salt.empty ())
    OPENSSL_cleanse (key.key_salt.data (), key.key_salt.size ());
  key.key_salt.clear ();
}

}  // namespace

/* OpenSSL's callbacks, friends of the transport. */
struct DtlsCallbacks {
  static DtlsTransport *of (BIO * bio) { return static_cast<DtlsTransport *> (BIO_get_data (bio)); }
  static DtlsTransport *of (const SSL * ssl)
  { return static_cast<DtlsTransport *> (SSL_get_app_data (ssl)); }

  /* Each write is one record or flight piece: one datagram (a mem BIO
   * would glue a flight into one buffer and lose the boundaries). */
  static int bio_write (BIO * bio, const char *data, int len)
  {
    DtlsTransport *t = of (bio);
    t->outbox_.emplace_back (reinterpret_cast<const uint8_t *> (data),
        reinterpret_cast<const uint8_t *> (data) + len);
    return len;
  }

  /* The datagram being fed, whole, once; then "try again". */
  static int bio_read (BIO * bio, char *out, int size)
  {
    DtlsTransport *t = of (bio);
    BIO_clear_retry_flags (bio);
    if (!t->in_data_) {
      BIO_set_retry_read (bio);
      return -1;
    }
    size_t n = std::min (t->in_len_, size_t (size));
    memcpy (out, t->in_data_, n);
    t->in_data_ = nullptr;
    t->in_len_ = 0;
    return int (n);
  }

  static long bio_ctrl (BIO * bio, int cmd, long num, void *ptr)
  {
    switch (cmd) {
      case BIO_CTRL_FLUSH:
        return 1;
      case BIO_CTRL_PENDING:
        return long (of (bio)->in_len_);
      case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
        return 0;  /* the MTU we are given is the UDP payload's */
      default:
        return 0;
    }
  }

  static int bio_create (BIO * bio)
  {
    BIO_set_init (bio, 1);
    return 1;
  }

  static BIO_METHOD *bio_method ()
  {
    /* Made once per process and never freed: every BIO refers to it. */
    static BIO_METHOD *method = [] {
      BIO_METHOD *m = BIO_meth_new (BIO_get_new_index () | BIO_TYPE_SOURCE_SINK,
          "comedia datagram");
      BIO_meth_set_write (m, bio_write);
      BIO_meth_set_read (m, bio_read);
      BIO_meth_set_ctrl (m, bio_ctrl);
      BIO_meth_set_create (m, bio_create);
      return m;
    } ();
    return method;
  }

  /* The SDP's fingerprint is the peer's only trust anchor: the chain is not
   * checked, the leaf's digest is. */
  static int verify (int preverify_ok, X509_STORE_CTX * store)
  {
    if (X509_STORE_CTX_get_error_depth (store) != 0)
      return 1;
    SSL *ssl = static_cast<SSL *> (X509_STORE_CTX_get_ex_data (store,
            SSL_get_ex_data_X509_STORE_CTX_idx ()));
    return of (ssl)->check_peer_certificate (X509_STORE_CTX_get_current_cert (store)) ? 1 : 0;
  }

  static void info (const SSL * ssl, int where, int ret)
  {
    if ((where & SSL_CB_ALERT) && (where & SSL_CB_READ))
      of (ssl)->alert_ = std::string ("peer sent ") + SSL_alert_type_string_long (ret)
          + " alert " + SSL_alert_desc_string_long (ret);
  }

  /* HMAC-SHA256 of the transport's cookie context under a secret of the
   * process: only who receives at that address can echo it. */
  static bool cookie_for (const SSL * ssl, unsigned char *out, size_t *len)
  {
    static unsigned char secret[32];
    static std::once_flag once;
    static bool have_secret = false;
    std::call_once (once, [] { have_secret = RAND_bytes (secret, sizeof secret) == 1; });
    const std::string & context = of (ssl)->cookie_context_;
    return have_secret && EVP_Q_mac (nullptr, "HMAC", nullptr, "SHA256", nullptr, secret,
        sizeof secret, reinterpret_cast<const unsigned char *> (context.data ()),
        context.size (), out, DTLS1_COOKIE_LENGTH, len) != nullptr;
  }

  static int generate_cookie (SSL * ssl, unsigned char *cookie, unsigned int *cookie_len)
  {
    size_t len = 0;
    if (!cookie_for (ssl, cookie, &len))
      return 0;
    *cookie_len = unsigned (len);
    return 1;
  }

  static int verify_cookie (SSL * ssl, const unsigned char *cookie, unsigned int cookie_len)
  {
    unsigned char expected[DTLS1_COOKIE_LENGTH];
    size_t len = 0;
    return cookie_for (ssl, expected, &len) && len == cookie_len
        && CRYPTO_memcmp (expected, cookie, len) == 0;
  }

  /* RFC 6347's doubling, from our first delay. */
  static unsigned int timer (SSL * ssl, unsigned int previous_us)
  {
    if (previous_us == 0)
      return of (ssl)->initial_timeout_us_;
    return std::min (previous_us * 2, kMaxTimeoutUs);
  }
};

const char *
dtls_state_name (DtlsState state)
{
  switch (state) {
    case DtlsState::New: return "new";
    case DtlsState::Handshaking: return "handshaking";
    case DtlsState::Connected: return "connected";
    case DtlsState::Failed: return "failed";
    case DtlsState::Closed: return "closed";
  }
  return "?";
}

const std::vector<SrtpSuite> &
dtls_srtp_suites ()
{
  static const std::vector<SrtpSuite> suites = [] {
    std::vector<SrtpSuite> v;
    for (const ProfileEntry & p : kProfiles)
      v.push_back (p.suite);
    return v;
  } ();
  return suites;
}

const char *
dtls_srtp_profile_name (SrtpSuite suite)
{
  for (const ProfileEntry & p : kProfiles)
    if (p.suite == suite)
      return p.name;
  return nullptr;
}

/* DtlsContext */

std::shared_ptr<DtlsContext>
DtlsContext::create (std::shared_ptr<const DtlsCertificate> certificate,
    const std::vector<SrtpSuite> & profiles, std::string * error)
{
  auto refuse = [error] (const std::string & why) {
    if (error)
      *error = why;
    return nullptr;
  };
  if (!certificate)
    return refuse ("no certificate");
  if (profiles.empty ())
    return refuse ("no SRTP profile to offer");
  std::string names;
  for (SrtpSuite s : profiles) {
    const char *name = dtls_srtp_profile_name (s);
    if (!name)
      return refuse (std::string ("DTLS-SRTP has no profile for ") + srtp_suite_info (s).name);
    names += (names.empty () ? "" : ":") + std::string (name);
  }

  ERR_clear_error ();
  SSL_CTX *ctx = SSL_CTX_new (DTLS_method ());
  /* SSL_CTX_set_tlsext_use_srtp returns 0 on success. */
  bool ok = ctx && SSL_CTX_set_min_proto_version (ctx, DTLS1_2_VERSION) == 1
      && SSL_CTX_use_certificate (ctx, certificate->x509 ()) == 1
      && SSL_CTX_use_PrivateKey (ctx, certificate->private_key ()) == 1
      && SSL_CTX_check_private_key (ctx) == 1
      && SSL_CTX_set_tlsext_use_srtp (ctx, names.c_str ()) == 0;
  if (!ok) {
    std::string why = "cannot make the DTLS context: " + take_openssl_errors ();
    SSL_CTX_free (ctx);
    return refuse (why);
  }
  /* One handshake per association: no session cache, no tickets. */
  SSL_CTX_set_session_cache_mode (ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options (ctx, SSL_OP_NO_TICKET | SSL_OP_NO_QUERY_MTU);
  SSL_CTX_set_mode (ctx, SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_max_send_fragment (ctx, 1500);
  SSL_CTX_set_verify (ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
      DtlsCallbacks::verify);
  SSL_CTX_set_info_callback (ctx, DtlsCallbacks::info);
  SSL_CTX_set_cookie_generate_cb (ctx, DtlsCallbacks::generate_cookie);
  SSL_CTX_set_cookie_verify_cb (ctx, DtlsCallbacks::verify_cookie);
  return std::shared_ptr<DtlsContext> (new DtlsContext (std::move (certificate), profiles, ctx));
}

DtlsContext::~DtlsContext ()
{
  SSL_CTX_free (ctx_);
}

/* DtlsTransport */

std::unique_ptr<DtlsTransport>
DtlsTransport::create (std::shared_ptr<DtlsContext> context,
    const DtlsTransportOptions & options, std::string * error)
{
  if (!context) {
    if (error)
      *error = "no DTLS context";
    return nullptr;
  }
  std::unique_ptr<DtlsTransport> t (new DtlsTransport (context, options));
  ERR_clear_error ();
  t->ssl_ = SSL_new (context->ctx_);
  BIO *bio = t->ssl_ ? BIO_new (DtlsCallbacks::bio_method ()) : nullptr;
  if (!bio) {
    if (error)
      *error = "cannot make a DTLS association: " + take_openssl_errors ();
    return nullptr;
  }
  BIO_set_data (bio, t.get ());
  SSL_set_bio (t->ssl_, bio, bio);  /* the SSL owns the BIO */
  SSL_set_app_data (t->ssl_, t.get ());
  if (SSL_set_mtu (t->ssl_, long (options.mtu)) <= 0) {
    if (error)
      *error = "MTU " + std::to_string (options.mtu) + " is too small for DTLS";
    ERR_clear_error ();
    return nullptr;
  }
  DTLS_set_timer_cb (t->ssl_, DtlsCallbacks::timer);
  if (options.role == DtlsRole::Client) {
    SSL_set_connect_state (t->ssl_);
  } else {
    SSL_set_accept_state (t->ssl_);
    if (options.cookie_exchange)
      SSL_set_options (t->ssl_, SSL_OP_COOKIE_EXCHANGE);
  }
  return t;
}

DtlsTransport::~DtlsTransport ()
{
  SSL_free (ssl_);
  wipe (outbound_);
  wipe (inbound_);
}

std::vector<Datagram>
DtlsTransport::take_outbox ()
{
  std::vector<Datagram> out;
  out.swap (outbox_);
  return out;
}

void
DtlsTransport::begin (gint64 now)
{
  if (state_ != DtlsState::New)
    return;
  state_ = DtlsState::Handshaking;
  started_at_ = now;
  drive ();
  refresh_timer (now);
}

std::vector<Datagram>
DtlsTransport::start (gint64 now)
{
  begin (now);
  return take_outbox ();
}

std::vector<Datagram>
DtlsTransport::feed (const uint8_t * data, size_t len, gint64 now)
{
  begin (now);
  if (state_ == DtlsState::Handshaking) {
    hs_datagrams_++;
    hs_bytes_ += len;
    if (hs_datagrams_ > budget_.max_datagrams || hs_bytes_ > budget_.max_bytes) {
      finish (DtlsState::Failed, "handshake budget spent: " + std::to_string (hs_datagrams_)
          + " datagrams, " + std::to_string (hs_bytes_) + " bytes received without completing"
          " (limits " + std::to_string (budget_.max_datagrams) + ", "
          + std::to_string (budget_.max_bytes) + ")");
      return take_outbox ();
    }
  }
  if ((state_ == DtlsState::Handshaking || state_ == DtlsState::Connected)
      && classify_datagram (data, len) == DatagramClass::Dtls) {
    in_data_ = data;
    in_len_ = len;
    drive ();
    in_data_ = nullptr;
    in_len_ = 0;
    refresh_timer (now);
  }
  return take_outbox ();
}

std::optional<gint64>
DtlsTransport::next_timeout () const
{
  if (state_ != DtlsState::Handshaking)
    return retransmit_at_;
  gint64 end = started_at_ + budget_.max_duration_us;
  return retransmit_at_ ? std::min (*retransmit_at_, end) : end;
}

std::vector<Datagram>
DtlsTransport::handle_timeout (gint64 now)
{
  if (state_ == DtlsState::Handshaking && now >= started_at_ + budget_.max_duration_us) {
    finish (DtlsState::Failed, "no handshake within "
        + std::to_string (budget_.max_duration_us / 1000) + " ms");
    return take_outbox ();
  }
  if (ssl_ && retransmit_at_ && now >= *retransmit_at_) {
    ERR_clear_error ();
    if (DTLSv1_handle_timeout (ssl_) < 0)
      finish (DtlsState::Failed, "handshake timed out: " + take_openssl_errors ());
    else
      refresh_timer (now);
  }
  return take_outbox ();
}

std::vector<Datagram>
DtlsTransport::close ()
{
  if (state_ == DtlsState::Connected) {
    ERR_clear_error ();
    SSL_shutdown (ssl_);  /* close_notify; we do not wait for the peer's */
    ERR_clear_error ();
    finish (DtlsState::Closed, "closed by us");
  } else if (state_ == DtlsState::New || state_ == DtlsState::Handshaking) {
    finish (DtlsState::Closed, "closed before the handshake completed");
  }
  return take_outbox ();
}

void
DtlsTransport::refresh_timer (gint64 now)
{
  struct timeval tv;
  if (ssl_ && DTLSv1_get_timeout (ssl_, &tv) == 1)
    retransmit_at_ = now + gint64 (tv.tv_sec) * G_USEC_PER_SEC + tv.tv_usec;
  else
    retransmit_at_.reset ();
}

void
DtlsTransport::drive ()
{
  ERR_clear_error ();
  if (state_ == DtlsState::Handshaking && listening_) {
    /* 0: answered (HelloVerifyRequest) or ignored; 1: the cookie is good
     * and the ClientHello stays buffered for the handshake below. */
    BIO_ADDR *from = BIO_ADDR_new ();
    int ret = from ? DTLSv1_listen (ssl_, from) : -1;
    BIO_ADDR_free (from);
    if (ret < 0)
      finish (DtlsState::Failed, "DTLS error: " + take_openssl_errors ());
    if (ret <= 0)
      return;
    listening_ = false;
  }
  if (state_ == DtlsState::Handshaking) {
    int ret = SSL_do_handshake (ssl_);
    if (ret == 1)
      on_handshake_done ();
    else
      on_ssl_result (ret);
  }
  /* Connected: what follows is an alert, close_notify or a retransmitted
   * flight to answer; application data has no use in DTLS-SRTP. */
  while (state_ == DtlsState::Connected) {
    char buf[2048];
    int ret = SSL_read (ssl_, buf, sizeof buf);
    if (ret <= 0) {
      on_ssl_result (ret);
      break;
    }
  }
}

void
DtlsTransport::on_ssl_result (int ret)
{
  int err = SSL_get_error (ssl_, ret);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
    return;
  std::string detail = take_openssl_errors ();
  if (err == SSL_ERROR_ZERO_RETURN) {
    finish (DtlsState::Closed, "peer sent close_notify");
    return;
  }
  DtlsState to = state_ == DtlsState::Connected ? DtlsState::Closed : DtlsState::Failed;
  if (!certificate_failure_.empty ())
    finish (to, certificate_failure_);
  else if (!alert_.empty ())
    finish (to, alert_);
  else
    finish (to, "DTLS error: " + (detail.empty () ? std::string ("unknown") : detail));
}

bool
DtlsTransport::check_peer_certificate (X509 * cert)
{
  std::vector<Fingerprint> got;
  for (const Fingerprint & want : expected_) {
    std::optional<Fingerprint> fp = certificate_fingerprint (cert, want.hash);
    if (!fp)
      continue;
    if (*fp == want) {
      matched_ = want;
      return true;
    }
    if (std::find (got.begin (), got.end (), *fp) == got.end ())
      got.push_back (*fp);
  }
  if (got.empty ()) {
    std::optional<Fingerprint> fp = certificate_fingerprint (cert, "sha-256");
    if (fp)
      got.push_back (*fp);
  }
  matched_.reset ();
  certificate_failure_ = "peer certificate fingerprint " + join_fingerprints (got)
      + (expected_.empty () ? std::string (" but no fingerprint was expected")
          : " does not match the expected " + join_fingerprints (expected_));
  return false;
}

void
DtlsTransport::on_handshake_done ()
{
  /* The verify callback has checked the certificate; check again what the
   * handshake ended with, in case it did not run. */
  X509 *peer = SSL_get0_peer_certificate (ssl_);
  if (!peer || !check_peer_certificate (peer)) {
    finish (DtlsState::Failed, peer ? certificate_failure_ : "peer sent no certificate");
    return;
  }
  SRTP_PROTECTION_PROFILE *profile = SSL_get_selected_srtp_profile (ssl_);
  const ProfileEntry *entry = nullptr;
  for (const ProfileEntry & p : kProfiles)
    if (profile && p.id == profile->id)
      entry = &p;
  if (!entry) {
    finish (DtlsState::Failed, "no SRTP profile negotiated (the peer offered none of ours)");
    return;
  }

  /* RFC 5764 section 4.2: client_write_key | server_write_key |
   * client_write_salt | server_write_salt. */
  const SrtpSuiteInfo & info = srtp_suite_info (entry->suite);
  const size_t k = info.key_len, s = info.salt_len;
  std::vector<uint8_t> m (2 * (k + s));
  if (SSL_export_keying_material (ssl_, m.data (), m.size (), kExporterLabel,
          sizeof kExporterLabel - 1, nullptr, 0, 0) != 1) {
    finish (DtlsState::Failed, "the DTLS-SRTP exporter failed: " + take_openssl_errors ());
    return;
  }
  SrtpKey client, server;
  client.suite = server.suite = entry->suite;
  client.key_salt.assign (m.begin (), m.begin () + k);
  client.key_salt.insert (client.key_salt.end (), m.begin () + 2 * k, m.begin () + 2 * k + s);
  server.key_salt.assign (m.begin () + k, m.begin () + 2 * k);
  server.key_salt.insert (server.key_salt.end (), m.begin () + 2 * k + s, m.end ());
  OPENSSL_cleanse (m.data (), m.size ());
  if (role_ == DtlsRole::Client) {
    outbound_ = std::move (client);
    inbound_ = std::move (server);
  } else {
    outbound_ = std::move (server);
    inbound_ = std::move (client);
  }
  state_ = DtlsState::Connected;
}

std::vector<uint8_t>
DtlsTransport::export_keying_material (const std::string & label, size_t len) const
{
  std::vector<uint8_t> out (len);
  if (state_ != DtlsState::Connected || SSL_export_keying_material (ssl_, out.data (), len,
          label.c_str (), label.size (), nullptr, 0, 0) != 1) {
    ERR_clear_error ();
    out.clear ();
  }
  return out;
}

void
DtlsTransport::finish (DtlsState state, const std::string & reason)
{
  state_ = state;
  reason_ = reason;
  retransmit_at_.reset ();
  if (state == DtlsState::Failed) {
    wipe (outbound_);
    wipe (inbound_);
  }
  /* What it wrote (an alert) is in the outbox already. */
  SSL_free (ssl_);
  ssl_ = nullptr;
  in_data_ = nullptr;
  in_len_ = 0;
}

}  // namespace comedia

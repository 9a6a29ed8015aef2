/* DTLS-SRTP over COMEDIA between two sessions of comedia-rtpsrc/-rtpsink on
 * loopback, with the terms set on each Component's DtlsTermsSlot as
 * sdp-negotiator sets them: one session the server (passive), the other the
 * client (active) toward the first's port.  The handshake completes, SRTP
 * passes both ways and is decoded on both sides, nothing left a sink plain
 * before the keys, the RTCP component without rtcp-mux runs its own
 * handshake, the same association keeps the keys and a new one
 * re-handshakes, and a wrong fingerprint fails naming both and passes
 * nothing.  The elements are compiled in and registered statically: the
 * session table the test writes to is theirs.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#include "comediaelements.h"
#include "comediasession.h"
#include "component.h"
#include "dtlsfixtures.h"
#include "elementharness.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

using namespace comedia;

static gboolean
register_elements (GstPlugin * plugin)
{
  return GST_ELEMENT_REGISTER (comedia_rtpsrc, plugin)
      && GST_ELEMENT_REGISTER (comedia_rtpsink, plugin);
}

/* One side of a call on one component: a comedia-rtpsrc with its harness
 * and bus, and a comedia-rtpsink of the same session and component. */
struct Side {
  std::string session;
  guint component = 1;
  SrcHarness src{};
  GstHarness *sink = nullptr;
  GstElement *sink_element = nullptr;
  std::vector<std::string> seen;   /* messages popped while waiting: "name/component" */
};

/* The source first: it binds the component's port, where the terms go. */
static void
open_side (Side & s, const std::string & session, guint component,
    std::string extra = "")
{
  s.session = session;
  s.component = component;
  if (component == 2)
    extra += " rtcp-without-rtp=true";
  s.src = start_src (make_src (session.c_str (), component, extra.c_str ()));
}

/* The sink, once the terms are set (as the negotiator sets them before
 * media flows). */
static void
open_sink (Side & s, const std::string & extra = "")
{
  std::string desc = "comedia-rtpsink session=" + s.session + " component=" +
      std::to_string (s.component) + " sync=false async=false " + extra;
  s.sink = gst_harness_new_parse (desc.c_str ());
  gst_harness_set_src_caps_str (s.sink, s.component == 1 ? "application/x-rtp" :
      "application/x-rtcp");
  s.sink_element = gst_harness_find_element (s.sink, "comedia-rtpsink");
}

static void
close_side (Side & s)
{
  gst_object_unref (s.sink_element);
  gst_harness_teardown (s.sink);
  stop_src (s.src);
}

/* What sdp-negotiator does: the terms on the side's Component. */
static void
set_terms (Side & s, const NegotiatedDtls & terms)
{
  ComediaSession *session = comedia_session_acquire (s.session.c_str ());
  Component *c = comedia_session_find_component (session, 1, s.component);
  fail_unless (c != nullptr);
  c->dtls.set (terms);
  g_object_unref (session);
}

static Fingerprint
fingerprint_of (const DtlsCertificate & cert)
{
  return *cert.fingerprint ("sha-256");
}

static NegotiatedDtls
server_terms (std::shared_ptr<const DtlsCertificate> ours, const Fingerprint & peer,
    guint64 association)
{
  NegotiatedDtls t;
  t.enabled = true;
  t.role = DtlsRole::Server;
  t.expected = {peer};
  t.certificate = std::move (ours);
  t.association = association;
  return t;
}

static NegotiatedDtls
client_terms (std::shared_ptr<const DtlsCertificate> ours, const Fingerprint & peer,
    guint16 port, guint64 association, bool connect = true)
{
  NegotiatedDtls t = server_terms (std::move (ours), peer, association);
  t.role = DtlsRole::Client;
  t.connect = connect;
  PeerAddress::parse ("127.0.0.1", port, t.remote);
  return t;
}

/* The next comedia-dtls message of @s's source, or NULL after @ms; the
 * other element messages' names are kept in s.seen. */
static GstStructure *
next_dtls (Side & s, int ms = 5000)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  while (g_get_monotonic_time () < end) {
    GstMessage *msg = gst_bus_timed_pop_filtered (s.src.bus, 50 * GST_MSECOND,
        GST_MESSAGE_ELEMENT);
    if (!msg)
      continue;
    const GstStructure *st = gst_message_get_structure (msg);
    GstStructure *copy = nullptr;
    if (gst_structure_has_name (st, "comedia-dtls"))
      copy = gst_structure_copy (st);
    else {
      guint component = 0;
      gst_structure_get_uint (st, "component", &component);
      s.seen.push_back (std::string (gst_structure_get_name (st)) + "/" +
          std::to_string (component));
    }
    gst_message_unref (msg);
    if (copy)
      return copy;
  }
  return nullptr;
}

/* Waits for a comedia-dtls message of @state (earlier ones skipped). */
static GstStructure *
wait_dtls (Side & s, const char *state)
{
  for (;;) {
    GstStructure *st = next_dtls (s);
    fail_unless (st != nullptr, "session %s component %u: no comedia-dtls %s",
        s.session.c_str (), s.component, state);
    if (g_strcmp0 (gst_structure_get_string (st, "state"), state) == 0)
      return st;
    gst_structure_free (st);
  }
}

static std::string
sink_stats_string (Side & s)
{
  GstStructure *st = nullptr;
  g_object_get (s.sink_element, "stats", &st, nullptr);
  gchar *text = gst_structure_to_string (st);
  std::string out = text;
  g_free (text);
  gst_structure_free (st);
  return out;
}

/* Pushes packets into @from's sink until one comes out of @to's source, as
 * it was pushed (SRTP on the wire, decoded there). */
static void
check_passes (Side & from, Side & to, guint32 ssrc, guint16 & seq)
{
  for (int attempt = 0; attempt < 20; attempt++) {
    GstBuffer *packet = from.component == 1 ? make_rtp (ssrc, seq++) : make_rtcp_rr (ssrc);
    std::vector<guint8> plain = buffer_bytes (packet);
    fail_unless_equals_int (gst_harness_push (from.sink, packet), GST_FLOW_OK);
    for (int i = 0; i < 20; i++) {
      GstBuffer *got = gst_harness_try_pull (to.src.h);
      if (!got) {
        g_usleep (10 * 1000);
        continue;
      }
      std::vector<guint8> bytes = buffer_bytes (got);
      gst_buffer_unref (got);
      fail_unless (bytes == plain, "%s -> %s: what came out differs", from.session.c_str (),
          to.session.c_str ());
      return;
    }
  }
  fail ("%s component %u -> %s: nothing passed; sink %s", from.session.c_str (),
      from.component, to.session.c_str (), sink_stats_string (from).c_str ());
}

static guint64
sink_u64 (Side & s, const char *field)
{
  return stat_u64 (s.sink_element, field);
}

/* A pair of sessions on @component: @a the server, @b the client toward
 * @a's port.  Before the client connects, both sinks drop media and send
 * no keepalive; then the handshake, and media both ways. */
static void
connect_pair (Side & a, Side & b, const std::shared_ptr<const DtlsCertificate> & cert_a,
    const std::shared_ptr<const DtlsCertificate> & cert_b, guint32 ssrc_a, guint32 ssrc_b,
    const std::string & b_sink_extra = "", const std::function<void ()> & before_connect = {},
    const std::function<void ()> & after_verified = {})
{
  guint16 port_a = bound_port (a.src.src);
  set_terms (a, server_terms (cert_a, fingerprint_of (*cert_b), 1));
  /* holdconn: the client's terms, not yet connecting. */
  set_terms (b, client_terms (cert_b, fingerprint_of (*cert_a), port_a, 1, false));
  open_sink (a);
  open_sink (b, b_sink_extra);
  guint16 seq = 1;
  GstBuffer *early = b.component == 1 ? make_rtp (ssrc_b, seq) : make_rtcp_rr (ssrc_b);
  fail_unless_equals_int (gst_harness_push (b.sink, early), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (a.sink, b.component == 1 ? make_rtp (ssrc_a, seq)
          : make_rtcp_rr (ssrc_a)), GST_FLOW_OK);
  g_usleep (300 * 1000);   /* keepalives would have gone by now */
  for (Side *s : {&a, &b}) {
    fail_unless_equals_int (sink_u64 (*s, "dropped-awaiting-dtls"), 1);
    fail_unless_equals_int (sink_u64 (*s, "sent"), 0);
    fail_unless_equals_int (sink_u64 (*s, "keepalives-sent"), 0);
  }
  fail_unless_equals_int (stat_u64 (a.src.src, "dtls-received"), 0);
  if (before_connect)
    before_connect ();

  set_terms (b, client_terms (cert_b, fingerprint_of (*cert_a), port_a, 1, true));
  GstStructure *st = wait_dtls (b, "started");
  gst_structure_free (st);
  for (Side *s : {&a, &b}) {
    const Side &peer = s == &a ? b : a;
    st = wait_dtls (*s, "verified");
    const std::string peer_fp = write_fingerprint (fingerprint_of (s == &a ? *cert_b : *cert_a));
    fail_unless_equals_string (gst_structure_get_string (st, "peer-fingerprint"),
        peer_fp.c_str ());
    gint port = 0;
    gst_structure_get_int (st, "port", &port);
    fail_unless_equals_int (port, bound_port (peer.src.src));
    gst_structure_free (st);
  }
  /* Sending goes to the verified peer at once, announced as a latch. */
  const std::string latched = "comedia-latched/" + std::to_string (a.component);
  for (Side *s : {&a, &b}) {
    g_usleep (50 * 1000);
    next_dtls (*s, 100);
    fail_unless (std::find (s->seen.begin (), s->seen.end (), latched) != s->seen.end (),
        "%s: no %s", s->session.c_str (), latched.c_str ());
    fail_unless (!string_property (s->src.src, "latched-address").empty ());
  }
  if (after_verified)
    after_verified ();
  check_passes (a, b, ssrc_a, seq);
  check_passes (b, a, ssrc_b, seq);
  fail_unless_equals_int (sink_u64 (a, "dropped-awaiting-dtls"), 1);
  fail_unless_equals_int (sink_u64 (b, "dropped-awaiting-dtls"), 1);
  /* The first media latched the dispatch on the verified peer: counted,
   * not announced a second time. */
  for (Side *s : {&a, &b}) {
    fail_unless (next_dtls (*s, 100) == nullptr);
    fail_unless_equals_int (std::count (s->seen.begin (), s->seen.end (), latched), 1);
    fail_unless_equals_int (stat_u64 (s->src.src, "latched"), 1);
  }
}

/* A stranger's real ClientHello to @s's port: dropped (a client takes DTLS
 * from its peer only, a server none from others once verified), the peer
 * stays. */
static void
stranger_hello (Side & s)
{
  guint64 dropped = stat_u64 (s.src.src, "dtls-dropped");
  std::string peer = string_property (s.src.src, "latched-address");
  DtlsTransportOptions options;
  options.role = DtlsRole::Client;
  options.peer_fingerprints = {fingerprint_of (*new_certificate ())};
  std::string error;
  auto stranger = DtlsTransport::create (new_context (new_certificate ()), options, &error);
  fail_unless (stranger != nullptr, "%s", error.c_str ());
  GSocket *sock = make_peer ();
  for (const Datagram & d : stranger->start (g_get_monotonic_time ()))
    peer_send (sock, bound_port (s.src.src), make_bytes (d));
  for (int i = 0; i < 100 && stat_u64 (s.src.src, "dtls-dropped") == dropped; i++)
    g_usleep (10 * 1000);
  fail_unless_equals_int (stat_u64 (s.src.src, "dtls-dropped"), dropped + 1);
  std::string after = string_property (s.src.src, "latched-address");
  fail_unless_equals_string (after.c_str (), peer.c_str ());
  g_object_unref (sock);
}

GST_START_TEST (test_comedia_dtls_both_roles)
{
  auto cert_a = new_certificate (), cert_b = new_certificate ();
  Side a, b;
  open_side (a, "dtls-server", 1);
  open_side (b, "dtls-client", 1);
  /* The client's sink knows where the answerer is, as an active side's
   * does, and keeps its NAT open: nothing plain may leave it either. */
  connect_pair (a, b, cert_a, cert_b, 0xA0A0, 0xB0B0,
      "host=127.0.0.1 keepalive-interval=50 port=" + std::to_string (bound_port (a.src.src)));
  fail_unless_equals_int (stat_u64 (a.src.src, "dtls-candidates"), 1);
  fail_unless_equals_int (stat_u64 (b.src.src, "dtls-candidates"), 1);
  fail_unless_equals_int (stat_u64 (a.src.src, "auth-failed"), 0);
  fail_unless_equals_int (stat_u64 (b.src.src, "auth-failed"), 0);
  stranger_hello (a);
  stranger_hello (b);

  /* A re-offer that keeps the association: the keys stay, no handshake. */
  guint16 port_a = bound_port (a.src.src);
  set_terms (a, server_terms (cert_a, fingerprint_of (*cert_b), 1));
  set_terms (b, client_terms (cert_b, fingerprint_of (*cert_a), port_a, 1));
  GstStructure *none = next_dtls (b, 500);
  fail_unless (none == nullptr, "a re-offer restarted DTLS");
  guint16 seq = 100;
  check_passes (a, b, 0xA0A0, seq);
  check_passes (b, a, 0xB0B0, seq);
  fail_unless_equals_int (stat_u64 (a.src.src, "dtls-candidates"), 1);
  fail_unless_equals_int (stat_u64 (b.src.src, "dtls-candidates"), 1);

  /* A new association (a new tls-id or fingerprint): a new handshake, new
   * keys, and media again. */
  set_terms (a, server_terms (cert_a, fingerprint_of (*cert_b), 2));
  set_terms (b, client_terms (cert_b, fingerprint_of (*cert_a), port_a, 2));
  gst_structure_free (wait_dtls (a, "verified"));
  gst_structure_free (wait_dtls (b, "verified"));
  fail_unless_equals_int (stat_u64 (a.src.src, "dtls-candidates"), 2);
  fail_unless_equals_int (stat_u64 (b.src.src, "dtls-candidates"), 2);
  check_passes (a, b, 0xA0A0, seq);
  check_passes (b, a, 0xB0B0, seq);

  close_side (a);
  close_side (b);
}
GST_END_TEST;

/* Without rtcp-mux the RTCP component is a component of its own, with its
 * own terms and its own handshake on its own port. */
GST_START_TEST (test_comedia_dtls_rtcp_component)
{
  auto cert_a = new_certificate (), cert_b = new_certificate ();
  Side a1, b1, a2, b2;
  open_side (a1, "dtls-rtcp-server", 1);
  open_side (a2, "dtls-rtcp-server", 2);
  open_side (b1, "dtls-rtcp-client", 1);
  open_side (b2, "dtls-rtcp-client", 2);
  fail_unless (bound_port (a1.src.src) != bound_port (a2.src.src));
  connect_pair (a1, b1, cert_a, cert_b, 0xA1A1, 0xB1B1);
  connect_pair (a2, b2, cert_a, cert_b, 0xA1A1, 0xB1B1);
  fail_unless_equals_int (stat_u64 (a2.src.src, "dtls-candidates"), 1);
  fail_unless_equals_int (stat_u64 (a2.src.src, "auth-failed"), 0);
  for (Side *s : {&a1, &b1, &a2, &b2})
    close_side (*s);
}
GST_END_TEST;

/* The RTCP side of a source's rtcp_src pad (rtcp-mux), and a sink of
 * component 2, which shares the RTP component's socket, terms and keys. */
static void
open_muxed_rtcp (Side & rtcp, Side & rtp)
{
  GstPad *pad = nullptr;
  for (int i = 0; i < 500 && !pad; i++) {
    pad = gst_element_get_static_pad (rtp.src.src, "rtcp_src");
    if (!pad)
      g_usleep (10000);
  }
  fail_unless (pad != nullptr, "no rtcp_src pad");
  gst_object_unref (pad);
  rtcp.session = rtp.session;
  rtcp.component = 2;
  rtcp.src = rtp.src;
  rtcp.src.h = gst_harness_new_with_element (rtp.src.src, nullptr, "rtcp_src");
  open_sink (rtcp);
}

/* With rtcp-mux one handshake on component 1 keys RTCP too: the negotiator
 * sets no terms on component 2, yet its sink sends nothing plain before the
 * keys, and SRTCP passes both ways after.  The client side listens on ::. */
GST_START_TEST (test_comedia_dtls_rtcp_mux)
{
  auto cert_a = new_certificate (), cert_b = new_certificate ();
  Side a, b, a_rtcp, b_rtcp;
  open_side (a, "dtls-mux-server", 1, "rtcp-mux=true");
  /* The client on a dual-stack socket: its ClientHello goes to the IPv4
   * answerer IPv4-mapped. */
  open_side (b, "dtls-mux-client", 1, "rtcp-mux=true address=::");
  connect_pair (a, b, cert_a, cert_b, 0xA2A2, 0xB2B2, "", [&] {
    open_muxed_rtcp (a_rtcp, a);
    open_muxed_rtcp (b_rtcp, b);
    for (Side *s : {&a_rtcp, &b_rtcp}) {
      fail_unless_equals_int (gst_harness_push (s->sink, make_rtcp_rr (0x1)), GST_FLOW_OK);
      fail_unless_equals_int (sink_u64 (*s, "dropped-awaiting-dtls"), 1);
      fail_unless_equals_int (sink_u64 (*s, "sent"), 0);
    }
  });
  guint16 seq = 0;
  check_passes (b_rtcp, a_rtcp, 0xB2B2, seq);
  check_passes (a_rtcp, b_rtcp, 0xA2A2, seq);
  /* The RTCP side was announced once, at verification. */
  for (Side *s : {&a, &b}) {
    fail_unless (next_dtls (*s, 100) == nullptr);
    fail_unless_equals_int (std::count (s->seen.begin (), s->seen.end (), "comedia-latched/2"), 1);
  }
  for (Side *s : {&a_rtcp, &b_rtcp}) {
    gst_object_unref (s->sink_element);
    gst_harness_teardown (s->sink);
    gst_harness_teardown (s->src.h);
  }
  close_side (a);
  close_side (b);
}
GST_END_TEST;

/* The client's certificate is not the one the server's SDP names: the
 * server's handshake fails naming both fingerprints, nothing latches,
 * nothing passes, and no sink sends. */
/* Plain RTP from @s's own socket to @port, as a phone sends it before its
 * side of the handshake has ended. */
static void
send_plain_from (Side & s, guint16 port, guint32 ssrc, guint16 seq)
{
  ComediaSession *session = comedia_session_acquire (s.session.c_str ());
  Component *c = comedia_session_find_component (session, 1, s.component);
  fail_unless (c != nullptr && c->slot.socket () != nullptr);
  peer_send (c->slot.socket (), port, make_rtp (ssrc, seq));
  g_object_unref (session);
}

/* baresip sends plain RTP until its own handshake ends, a round trip after
 * the server's: those packets fail authentication at the server, which
 * must not take them for a key mismatch (auth-failed, not
 * auth-failed-peer).  Once a packet of the peer authenticated, a failing
 * one from it is a mismatch again. */
GST_START_TEST (test_comedia_dtls_peer_plain_before_its_keys)
{
  auto cert_a = new_certificate (), cert_b = new_certificate ();
  Side a, b;
  open_side (a, "dtls-late-server", 1);
  open_side (b, "dtls-late-client", 1);
  guint16 port_a = bound_port (a.src.src);
  connect_pair (a, b, cert_a, cert_b, 0xA0A0, 0xB0B0, "", {}, [&] {
        send_plain_from (b, port_a, 0xB0B0, 500);
        send_plain_from (b, port_a, 0xB0B0, 501);
        for (int i = 0; i < 100 && stat_u64 (a.src.src, "auth-failed") < 2; i++)
          g_usleep (10 * 1000);
        fail_unless_equals_int (stat_u64 (a.src.src, "auth-failed"), 2);
        fail_unless_equals_int (stat_u64 (a.src.src, "auth-failed-peer"), 0);
      });
  send_plain_from (b, port_a, 0xB0B0, 502);
  for (int i = 0; i < 100 && stat_u64 (a.src.src, "auth-failed") < 3; i++)
    g_usleep (10 * 1000);
  fail_unless_equals_int (stat_u64 (a.src.src, "auth-failed"), 3);
  fail_unless_equals_int (stat_u64 (a.src.src, "auth-failed-peer"), 1);
  close_side (a);
  close_side (b);
}
GST_END_TEST;

GST_START_TEST (test_comedia_dtls_wrong_fingerprint)
{
  auto cert_a = new_certificate (), cert_b = new_certificate (), other = new_certificate ();
  Side a, b;
  open_side (a, "dtls-wrong-server", 1);
  open_side (b, "dtls-wrong-client", 1);
  guint16 port_a = bound_port (a.src.src);
  set_terms (a, server_terms (cert_a, fingerprint_of (*other), 1));
  set_terms (b, client_terms (cert_b, fingerprint_of (*cert_a), port_a, 1));
  open_sink (a);
  open_sink (b);
  GstStructure *st = wait_dtls (a, "failed");
  const char *reason = gst_structure_get_string (st, "reason");
  const std::string actual = write_fingerprint (fingerprint_of (*cert_b));
  const std::string expected = write_fingerprint (fingerprint_of (*other));
  fail_unless (strstr (reason, actual.c_str ()) != nullptr, "%s", reason);
  fail_unless (strstr (reason, expected.c_str ()) != nullptr, "%s", reason);
  guint stream = 0;
  fail_unless (gst_structure_get_uint (st, "stream", &stream) && stream == 1);
  gst_structure_free (st);
  gst_structure_free (wait_dtls (b, "failed"));

  /* Media either way: the sinks drop it, plain RTP to the server neither
   * latches nor passes. */
  fail_unless_equals_int (gst_harness_push (b.sink, make_rtp (0xB0B0, 1)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (a.sink, make_rtp (0xA0A0, 1)), GST_FLOW_OK);
  GSocket *stranger = make_peer ();
  peer_send (stranger, port_a, make_rtp (0xB0B0, 2));
  g_usleep (200 * 1000);
  fail_unless (gst_harness_try_pull (a.src.h) == nullptr);
  fail_unless (gst_harness_try_pull (b.src.h) == nullptr);
  for (Side *s : {&a, &b}) {
    fail_unless_equals_int (stat_u64 (s->src.src, "latched"), 0);
    fail_unless_equals_int (stat_u64 (s->src.src, "passed"), 0);
    fail_unless_equals_int (sink_u64 (*s, "sent"), 0);
    fail_unless_equals_int (sink_u64 (*s, "dropped-awaiting-dtls"), 1);
    fail_unless (string_property (s->src.src, "latched-address").empty ());
  }
  fail_unless (stat_u64 (a.src.src, "dtls-dropped-media") >= 1);
  fail_unless_equals_int (stat_u64 (a.src.src, "dtls-failed"), 1);
  g_object_unref (stranger);
  close_side (a);
  close_side (b);
}
GST_END_TEST;

static Suite *
dtls_comedia_suite (void)
{
  gst_plugin_register_static (GST_VERSION_MAJOR, GST_VERSION_MINOR, "comedia-static",
      "comedia-rtpsrc and comedia-rtpsink, compiled in", register_elements, "0",
      "LGPL", "comedia", "comedia", "comedia");
  Suite *s = suite_create ("dtls-comedia");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_comedia_dtls_both_roles);
  tcase_add_test (tc, test_comedia_dtls_rtcp_component);
  tcase_add_test (tc, test_comedia_dtls_rtcp_mux);
  tcase_add_test (tc, test_comedia_dtls_wrong_fingerprint);
  tcase_add_test (tc, test_comedia_dtls_peer_plain_before_its_keys);
  return s;
}

GST_CHECK_MAIN (dtls_comedia);

/* Element test of DTLS-SRTP over COMEDIA in comedia-rtpsrc (server role):
 * a client DtlsTransport on a loopback socket completes the handshake with
 * the element's socket, the element posts comedia-dtls "verified", and SRTP
 * protected with the client's key comes out as the RTP that was protected;
 * plain RTP before that is dropped.  A wrong certificate posts "failed".
 * Links the runtime for the client's side (DtlsTransport, SrtpSession).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#include "dtlsfixtures.h"
#include "elementharness.h"
#include "srtpsession.h"

#include <string>
#include <vector>

using namespace comedia;

/* The client's side of the handshake through @peer toward @port; true when
 * it connected. */
static bool
handshake (DtlsTransport & client, GSocket * peer, guint16 port)
{
  for (const Datagram & d : client.start (g_get_monotonic_time ()))
    peer_send (peer, port, make_bytes (d));
  g_socket_set_timeout (peer, 1);
  for (int i = 0; i < 40 && client.state () == DtlsState::Handshaking; i++) {
    guint8 buf[2048];
    gssize n = peer_receive (peer, nullptr, buf, sizeof buf);
    std::vector<Datagram> out = n > 0 ? client.feed (buf, size_t (n), g_get_monotonic_time ())
        : client.handle_timeout (g_get_monotonic_time ());
    for (const Datagram & d : out)
      peer_send (peer, port, make_bytes (d));
  }
  return client.connected ();
}

static GstStructure *
wait_dtls_message (GstBus * bus)
{
  for (int i = 0; i < 20; i++) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, GST_SECOND / 4, GST_MESSAGE_ELEMENT);
    if (!msg)
      continue;
    const GstStructure *s = gst_message_get_structure (msg);
    GstStructure *copy = gst_structure_has_name (s, "comedia-dtls") ? gst_structure_copy (s)
        : nullptr;
    gst_message_unref (msg);
    if (copy)
      return copy;
  }
  return nullptr;
}

static std::unique_ptr<DtlsTransport>
make_client (std::shared_ptr<const DtlsCertificate> cert, const std::string & server_fp)
{
  DtlsTransportOptions options;
  options.role = DtlsRole::Client;
  std::string why;
  options.peer_fingerprints = {*parse_fingerprint (server_fp, why)};
  std::string error;
  auto t = DtlsTransport::create (new_context (std::move (cert)), options, &error);
  fail_unless (t != nullptr, "%s", error.c_str ());
  return t;
}

static std::string
src_props (const DtlsCertificate & expected)
{
  return "dtls-fingerprint=\"" + write_fingerprint (*expected.fingerprint ()) + "\"";
}

static std::string
local_fingerprint (GstElement * src)
{
  return string_property (src, "dtls-local-fingerprint");
}

GST_START_TEST (test_dtls_verified_then_srtp_passes)
{
  auto client_cert = new_certificate ();
  SrcHarness sh = start_src (make_src ("dtls-ok", 1, src_props (*client_cert).c_str ()));
  GSocket *peer = make_peer ();
  guint16 port = bound_port (sh.src);
  std::string server_fp = local_fingerprint (sh.src);
  fail_if (server_fp.empty ());

  /* Plain RTP before the handshake: dropped, nothing latches. */
  peer_send (peer, port, make_rtp (0x2222, 1));
  auto client = make_client (client_cert, server_fp);
  fail_unless (handshake (*client, peer, port), "client: %s", client->reason ().c_str ());
  GstStructure *s = wait_dtls_message (sh.bus);
  fail_unless (s != nullptr, "no comedia-dtls message");
  fail_unless_equals_string (gst_structure_get_string (s, "state"), "verified");
  const std::string client_fp = write_fingerprint (*client_cert->fingerprint ());
  fail_unless_equals_string (gst_structure_get_string (s, "peer-fingerprint"), client_fp.c_str ());
  gst_structure_free (s);
  /* The plain RTP sent before did not latch (probation=1 would have). */
  fail_unless_equals_int (stat_u64 (sh.src, "latched"), 0);
  fail_unless_equals_int (stat_u64 (sh.src, "dtls-dropped-media"), 1);
  fail_unless_equals_int (stat_u64 (sh.src, "dtls-candidates"), 1);
  fail_unless (stat_u64 (sh.src, "dtls-received") >= 3);

  std::string error;
  auto out = SrtpSession::create (client->outbound_key (), SrtpDirection::Outbound, &error);
  fail_unless (out != nullptr, "%s", error.c_str ());
  /* The key reaches the dispatch on the receive thread's next turn. */
  for (guint16 seq = 1; seq <= 20; seq++) {
    std::vector<guint8> plain = take_bytes (make_rtp (0x1111, seq));
    std::vector<guint8> wire = plain;
    size_t len = wire.size ();
    wire.resize (len + SrtpSession::kMaxTrailer);
    fail_unless (out->protect (wire.data (), len, wire.size ()) == SrtpResult::Ok);
    wire.resize (len);
    peer_send (peer, port, make_bytes (wire));
    GstBuffer *got = gst_harness_try_pull (sh.h);
    if (!got) {
      g_usleep (50 * 1000);
      got = gst_harness_try_pull (sh.h);
    }
    if (got) {
      fail_unless (buffer_bytes (got) == plain, "packet %u differs", seq);
      gst_buffer_unref (got);
      break;
    }
    fail_if (seq == 20, "no SRTP passed");
  }
  g_object_unref (peer);
  stop_src (sh);
}
GST_END_TEST;

GST_START_TEST (test_dtls_wrong_certificate_fails)
{
  auto expected_cert = new_certificate ();
  SrcHarness sh = start_src (make_src ("dtls-bad", 1, src_props (*expected_cert).c_str ()));
  GSocket *peer = make_peer ();
  guint16 port = bound_port (sh.src);
  auto client = make_client (new_certificate (), local_fingerprint (sh.src));
  fail_if (handshake (*client, peer, port));
  GstStructure *s = wait_dtls_message (sh.bus);
  fail_unless (s != nullptr, "no comedia-dtls message");
  fail_unless_equals_string (gst_structure_get_string (s, "state"), "failed");
  fail_unless (strstr (gst_structure_get_string (s, "reason"), "does not match") != nullptr);
  gst_structure_free (s);
  fail_unless_equals_int (stat_u64 (sh.src, "latched"), 0);
  fail_unless_equals_int (stat_u64 (sh.src, "dtls-failed"), 1);
  g_object_unref (peer);
  stop_src (sh);
}
GST_END_TEST;

static Suite *
dtls_elements_suite (void)
{
  Suite *s = suite_create ("dtls-elements");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_dtls_verified_then_srtp_passes);
  tcase_add_test (tc, test_dtls_wrong_certificate_fails);
  return s;
}

GST_CHECK_MAIN (dtls_elements);

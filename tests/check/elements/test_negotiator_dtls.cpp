/* sdp-negotiator answering DTLS-SRTP offers, with the session's components
 * in reach: the plugin's elements are built into this test and registered
 * statically, with the one copy of the runtime it links (and a registry
 * without the plugin), so that the test reads Component::dtls, the
 * NegotiatedDtls the negotiator leaves for comedia-rtpsrc, and checks the
 * answer text and the bus messages beside it.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#include "comediasession.h"
#include "component.h"
#include "dtlscertificate.h"
#include "dtlssdp.h"
#include "negotiatorharness.h"

#include <string>

G_BEGIN_DECLS
GST_PLUGIN_STATIC_DECLARE (comedia);
G_END_DECLS

using namespace comedia;

#define BARESIP_HEX "1F:2E:3D:4C:5B:6A:79:88:97:A6:B5:C4:D3:E2:F1:00:" \
    "11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01"
#define OTHER_HEX "6B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:" \
    "DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08"

/* What baresip (mediaenc=dtls_srtp, no ICE) offers from behind a NAT
 * (issue 26): a=fingerprint "SHA-256" and a=setup:actpass at session
 * level, its private c=, no rtcp-mux.  @extra: more session lines. */
static std::string
baresip_offer (guint version, const char *hex, const char *media_extra = "")
{
  return std::string ("v=0\r\no=- 1594872331 ") + std::to_string (version)
      + " IN IP4 192.168.1.10\r\ns=-\r\nc=IN IP4 192.168.1.10\r\nt=0 0\r\n"
      "a=fingerprint:SHA-256 " + hex + "\r\na=setup:actpass\r\n"
      "m=audio 10080 UDP/TLS/RTP/SAVPF 0 8 101\r\n"
      "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
      "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"
      "a=ptime:20\r\n" + media_extra + "\r\n";
}

static Fingerprint
fingerprint_of (const std::string & value)
{
  std::string why;
  std::optional<Fingerprint> fp = parse_fingerprint (value, why);
  fail_unless (fp.has_value (), "%s: %s", value.c_str (), why.c_str ());
  return *fp;
}

/* A session whose stream 1 has both components open, as comedia-rtpsrc
 * leaves them at READY, and an sdp-negotiator of it in a harness. */
struct DtlsFixture {
  ComediaSession *session;
  GstHarness *h;
  GstBus *bus;

  DtlsFixture (const char *name, const std::string & props) {
    session = comedia_session_acquire (name);
    for (guint component : { COMPONENT_RTP, COMPONENT_RTCP }) {
      GError *err = nullptr;
      BindRequest loopback;
      loopback.address = "127.0.0.1";
      fail_unless (comedia_session_open_component (session, 1, component, &loopback, &err),
          "%s", err ? err->message : "?");
    }
    h = negotiator_harness_new (std::string ("sdp-negotiator session=") + name
        + " public-address=127.0.0.1 " + props, &bus);
  }
  ~DtlsFixture () {
    negotiator_harness_free (h, bus);
    g_object_unref (session);
  }
  DtlsFixture (const DtlsFixture &) = delete;
  DtlsFixture &operator= (const DtlsFixture &) = delete;

  std::string answer (const std::string & offer) {
    fail_unless_equals_int (push_text (h, offer, offer.size ()), GST_FLOW_OK);
    std::string out = pull_text (h);
    fail_if (out.empty (), "no answer");
    return out;
  }

  NegotiatedDtls dtls (guint component) {
    Component *c = comedia_session_find_component (session, 1, component);
    fail_unless (c != nullptr);
    NegotiatedDtls terms;
    guint64 generation = 0;
    fail_unless (c->dtls.since (generation, terms), "component %u has no DTLS terms",
        component);
    return terms;
  }

  std::string local_fingerprint () {
    gchar *fp = nullptr;
    g_object_get (h->element, "dtls-local-fingerprint", &fp, nullptr);
    std::string out = fp ? fp : "";
    g_free (fp);
    return out;
  }

  /* The last sdp-negotiator-stream message's @field. */
  std::string stream_field (const char *field) {
    std::string out = "(none)";
    while (GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) {
      if (gst_message_has_name (m, "sdp-negotiator-stream"))
        out = gst_structure_get_string (gst_message_get_structure (m), field);
      gst_message_unref (m);
    }
    return out;
  }
};

static bool
contains (const std::string & text, const std::string & part)
{
  return text.find (part) != std::string::npos;
}

#define fail_unless_contains(text, part) \
  fail_unless (contains (text, part), "'%s' lacks '%s'", (text).c_str (), \
      std::string (part).c_str ())

/* baresip's offer: the answer is DTLS-SRTP with the process's certificate,
 * passive; both components (no rtcp-mux) get the server's terms with
 * baresip's fingerprint; a re-offer that changes nothing keeps the
 * association, a new fingerprint starts another. */
GST_START_TEST (test_baresip_offer_answered_and_applied)
{
  DtlsFixture f ("neg-dtls-baresip", "");
  std::shared_ptr<const DtlsCertificate> process = DtlsCertificate::process_default ();
  fail_unless (process != nullptr);
  std::string ours = write_fingerprint (*process->fingerprint ("sha-256"));
  fail_unless (f.local_fingerprint () == ours, "%s", f.local_fingerprint ().c_str ());

  std::string answer = f.answer (baresip_offer (1, BARESIP_HEX));
  fail_unless_contains (answer, "UDP/TLS/RTP/SAVPF 0 8 101\r\n");
  fail_unless_contains (answer, "a=fingerprint:" + ours + "\r\n");
  fail_unless_contains (answer, "a=setup:passive\r\n");
  fail_if (contains (answer, "a=crypto"), "%s", answer.c_str ());
  fail_if (contains (answer, "a=rtcp-mux"), "%s", answer.c_str ());
  {
    std::string v = f.stream_field ("dtls");
    fail_unless (v == "server", "dtls=%s", v.c_str ());
  }

  Fingerprint baresip = fingerprint_of ("sha-256 " BARESIP_HEX);
  guint64 association[3];
  for (guint component : { COMPONENT_RTP, COMPONENT_RTCP }) {
    NegotiatedDtls t = f.dtls (component);
    fail_unless (t.enabled);
    fail_unless (t.role == DtlsRole::Server);
    fail_unless (t.connect);
    fail_unless_equals_int (t.expected.size (), 1);
    fail_unless (t.expected[0] == baresip);
    fail_unless (t.certificate == nullptr, "not the process's certificate");
    fail_if (t.remote.valid (), "a server sends no ClientHello");
    fail_unless (t.association > 0);
    association[component] = t.association;
  }

  /* Hold, same fingerprint: the same association on both. */
  answer = f.answer (baresip_offer (2, BARESIP_HEX, "a=sendonly\r\n"));
  fail_unless_contains (answer, "a=recvonly\r\n");
  fail_unless_equals_int (f.dtls (1).association, association[1]);
  fail_unless_equals_int (f.dtls (2).association, association[2]);
  /* Another certificate: a new handshake on both. */
  answer = f.answer (baresip_offer (3, OTHER_HEX));
  fail_unless_equals_int (f.dtls (1).association, association[1] + 1);
  fail_unless_equals_int (f.dtls (2).association, association[2] + 1);
  fail_unless (f.dtls (1).expected[0] == fingerprint_of ("sha-256 " OTHER_HEX));
  {
    std::string v = f.stream_field ("srtp");
    fail_unless (v == "dtls", "srtp=%s", v.c_str ());
  }

  /* Plain RTP next: DTLS off on both components again. */
  f.answer ("v=0\r\no=- 1594872331 4 IN IP4 192.168.1.10\r\ns=-\r\n"
      "c=IN IP4 192.168.1.10\r\nt=0 0\r\nm=audio 10080 RTP/AVP 0\r\n\r\n");
  fail_if (f.dtls (1).enabled);
  fail_if (f.dtls (2).enabled);
  {
    std::string v = f.stream_field ("dtls");
    fail_unless (v == "", "dtls=%s", v.c_str ());
  }
}
GST_END_TEST;

/* dtls-certificate: our fingerprint is the file's; a passive offerer makes
 * us the client, toward its SDP address per component; the terms carry the
 * file's certificate. */
GST_START_TEST (test_certificate_file_and_client_role)
{
  std::shared_ptr<const DtlsCertificate> made = DtlsCertificate::generate (nullptr);
  fail_unless (made != nullptr);
  gchar *path = g_build_filename (g_get_tmp_dir (), "comedia-neg-dtls-cert.pem", nullptr);
  std::string pem = made->certificate_pem () + made->private_key_pem ();
  fail_unless (g_file_set_contents (path, pem.c_str (), -1, nullptr));
  std::string props = std::string ("dtls-certificate=") + path;
  DtlsFixture f ("neg-dtls-file", props);
  std::string ours = write_fingerprint (*made->fingerprint ("sha-256"));
  fail_unless (f.local_fingerprint () == ours, "%s", f.local_fingerprint ().c_str ());

  std::string answer = f.answer ("v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\n"
      "c=IN IP4 198.51.100.7\r\nt=0 0\r\nm=audio 7000 UDP/TLS/RTP/SAVP 0\r\n"
      "a=fingerprint:sha-256 " OTHER_HEX "\r\na=setup:passive\r\n\r\n");
  fail_unless_contains (answer, "a=fingerprint:" + ours + "\r\n");
  fail_unless_contains (answer, "a=setup:active\r\n");
  NegotiatedDtls rtp = f.dtls (COMPONENT_RTP), rtcp = f.dtls (COMPONENT_RTCP);
  fail_unless (rtp.role == DtlsRole::Client);
  fail_unless (rtp.certificate != nullptr);
  fail_unless (*rtp.certificate->fingerprint ("sha-256") == *made->fingerprint ("sha-256"));
  fail_unless (rtp.remote.to_string () == "198.51.100.7:7000", "%s",
      rtp.remote.to_string ().c_str ());
  fail_unless (rtcp.remote.to_string () == "198.51.100.7:7001", "%s",
      rtcp.remote.to_string ().c_str ());
  {
    std::string v = f.stream_field ("dtls");
    fail_unless (v == "client", "dtls=%s", v.c_str ());
  }
  g_unlink (path);
  g_free (path);
}
GST_END_TEST;

/* A file that is not a certificate: NULL -> READY fails with an error
 * naming it. */
GST_START_TEST (test_bad_certificate_file)
{
  gchar *path = g_build_filename (g_get_tmp_dir (), "comedia-neg-dtls-bad.pem", nullptr);
  fail_unless (g_file_set_contents (path, "not a certificate\n", -1, nullptr));
  GstElement *e = gst_element_factory_make ("sdp-negotiator", nullptr);
  g_object_set (e, "session", "neg-dtls-bad", "dtls-certificate", path, nullptr);
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (e, bus);
  fail_unless_equals_int (gst_element_set_state (e, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (m != nullptr);
  GError *err = nullptr;
  gst_message_parse_error (m, &err, nullptr);
  fail_unless (contains (err->message, std::string ("Cannot use dtls-certificate '") + path),
      "%s", err->message);
  g_error_free (err);
  gst_message_unref (m);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  gst_object_unref (e);
  g_unlink (path);
  g_free (path);
}
GST_END_TEST;

/* dtls=off: baresip's offer gets port 0, and no terms are left. */
GST_START_TEST (test_dtls_off_rejects)
{
  DtlsFixture f ("neg-dtls-off", "dtls=off");
  std::string answer = f.answer (baresip_offer (1, BARESIP_HEX));
  fail_unless_contains (answer, "m=audio 0 UDP/TLS/RTP/SAVPF");
  Component *c = comedia_session_find_component (f.session, 1, COMPONENT_RTP);
  NegotiatedDtls terms;
  guint64 generation = 0;
  fail_if (c->dtls.since (generation, terms) && terms.enabled);
}
GST_END_TEST;

static Suite *
negotiator_dtls_suite (void)
{
  GST_PLUGIN_STATIC_REGISTER (comedia);
  Suite *s = suite_create ("negotiator-dtls");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_baresip_offer_answered_and_applied);
  tcase_add_test (tc, test_certificate_file_and_client_role);
  tcase_add_test (tc, test_bad_certificate_file);
  tcase_add_test (tc, test_dtls_off_rejects);
  return s;
}

GST_CHECK_MAIN (negotiator_dtls);

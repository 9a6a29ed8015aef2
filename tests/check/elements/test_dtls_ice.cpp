/* comedia-dtlssrtpdec/-enc: two pipelines in one process, each
 * nicesrc ! comedia-dtlssrtpdec ! rtpbin ! comedia-dtlssrtpenc ! nicesink,
 * over two NiceAgents the test connects on loopback (credentials and
 * candidates exchanged here, as SDP would carry them).  The DTLS terms (one
 * client, one server) are set as NegotiatedDtls in each session's
 * component, as sdp-negotiator sets them: the plugin's elements are built
 * into this test and registered statically, so that it shares their
 * runtime; or they come from the decoders' dtls-fingerprint and dtls-role.  VP8 decoded on both sides, RTCP muxed on
 * component 1 both ways, or on component 2 with a handshake of its own,
 * and a fingerprint that does not match: nothing passes, and the message
 * names both fingerprints.  SDES over ICE: two sdp-negotiators settle
 * a=crypto keys over ICE, and the same elements carry SRTP without a
 * handshake.  BUNDLE: PCMU beside the VP8 on the same component and
 * association, through the dec's and enc's request pads.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/app/gstappsink.h>
#include <gst/check/gstcheck.h>
#include <gst/sdp/sdp.h>

#include "comediasession.h"
#include "component.h"
#include "dtlscertificate.h"
#include "iceagent.h"

#include <memory>
#include <string>

using comedia::IceAgent;
using comedia::IceDescription;

G_BEGIN_DECLS
GST_PLUGIN_STATIC_DECLARE (comedia);
G_END_DECLS

#define VP8_CAPS "application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"
#define PCMU_CAPS "application/x-rtp,media=audio,clock-rate=8000,encoding-name=PCMU,payload=0"

/* BUNDLE: PCMU as stream 2 on stream 1's transport, through the dec's
 * src_2/rtcp_src_2 and the enc's sink_2/rtcp_sink_2 (a second rtpbin
 * session), decoded into appsink audio_out. */
#define BUNDLED_AUDIO "dec.src_2 ! " PCMU_CAPS " ! rb.recv_rtp_sink_1 " \
  "dec.rtcp_src_2 ! rb.recv_rtcp_sink_1 " \
  "audiotestsrc is-live=true samplesperbuffer=160 ! audio/x-raw,rate=8000,channels=1 ! mulawenc ! rtppcmupay ! rb.send_rtp_sink_1 " \
  "rb.send_rtp_src_1 ! enc.sink_2 rb.send_rtcp_src_1 ! enc.rtcp_sink_2 " \
  "rb. ! rtppcmudepay ! mulawdec ! appsink name=audio_out sync=false "

/* A fingerprint no certificate here has. */
#define STRANGER_FINGERPRINT "sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:" \
  "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"

struct Peer {
  std::unique_ptr<IceAgent> ice;
  IceDescription local;
  GstElement *pipeline = nullptr;

  /* @mux: RTCP on component 1 (rtcp-mux); else component 2 with its own
   * elements and handshake.  @negotiator: the properties of an
   * sdp-negotiator that gives the pipeline its agent and the terms; empty:
   * the test's own agent.  @bundle: BUNDLED_AUDIO too. */
  Peer (const std::string & session, const char *role, bool mux = true,
      const std::string & negotiator = "", bool bundle = false)
  {
    std::string error;
    if (negotiator.empty ()) {
      ice = std::make_unique<IceAgent> (nullptr);
      /* libnice skips loopback when it enumerates interfaces. */
      fail_unless (ice->configure ("", "", {"127.0.0.1"}, error), "%s", error.c_str ());
      fail_unless (ice->ensure_stream (1, mux ? 1 : 2, error), "%s", error.c_str ());
      fail_unless (ice->gather (1, true, 5000, local, error), "%s", error.c_str ());
    }
    std::string props = " session=" + session + " stream=1 ";
    std::string dec_props = props + "dtls-role=" + role;
    std::string rtcp = mux ? "dec.rtcp_src ! rb.recv_rtcp_sink_0 rb.send_rtcp_src_0 ! enc.rtcp_sink "
        : "nicesrc name=nsrc2 stream=1 component=2 ! comedia-dtlssrtpdec name=dec2 component=2"
        + dec_props + " ! rb.recv_rtcp_sink_0 "
        "rb.send_rtcp_src_0 ! comedia-dtlssrtpenc name=enc2 component=2" + props +
        "! nicesink name=nsink2 stream=1 component=2 sync=false async=false ";
    std::string line = (negotiator.empty () ? "" : "sdp-negotiator name=neg session=" +
        session + " ice-addresses=127.0.0.1 " + negotiator + " ") + "rtpbin name=rb "
        "nicesrc name=nsrc stream=1 component=1 ! comedia-dtlssrtpdec name=dec component=1"
        + dec_props + " ! " VP8_CAPS " ! rb.recv_rtp_sink_0 " + rtcp +
        "videotestsrc is-live=true ! video/x-raw,width=160,height=120,framerate=15/1 ! "
        "vp8enc deadline=1 ! rtpvp8pay ! rb.send_rtp_sink_0 "
        "rb.send_rtp_src_0 ! comedia-dtlssrtpenc name=enc component=1" + props +
        "! nicesink name=nsink stream=1 component=1 sync=false async=false "
        /* Before 'rb. !', which would take rtpbin's next pad, send_rtp_src_1. */
        + std::string (bundle ? BUNDLED_AUDIO : "") +
        "rb. ! rtpvp8depay ! vp8dec ! appsink name=out sync=false";
    GError *err = nullptr;
    pipeline = gst_parse_launch (line.c_str (), &err);
    fail_unless (pipeline != nullptr && err == nullptr, "%s", err ? err->message : "");
    for (const char *name : { "nsrc", "nsink", "nsrc2", "nsink2" })
      if (GstElement *e = ice ? gst_bin_get_by_name (GST_BIN (pipeline), name) : nullptr) {
        g_object_set (e, "agent", ice->agent (), nullptr);
        gst_object_unref (e);
      }
    fail_unless (gst_element_set_state (pipeline, GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);
  }
  ~Peer ()
  {
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (pipeline);
  }
  GstElement *element (const char *name)
  {
    GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), name);
    fail_unless (e != nullptr, "no element %s", name);
    gst_object_unref (e);       /* the pipeline keeps it */
    return e;
  }
  std::string string_property (const char *element_name, const char *property)
  {
    gchar *v = nullptr;
    g_object_get (element (element_name), property, &v, nullptr);
    std::string out = v ? v : "";
    g_free (v);
    return out;
  }
  /* The dec's stats as text, for a failure's message. */
  std::string dec_stats (const char *name = "dec")
  {
    GstStructure *s = nullptr;
    g_object_get (element (name), "stats", &s, nullptr);
    gchar *t = gst_structure_to_string (s);
    std::string out = t;
    g_free (t);
    gst_structure_free (s);
    return out;
  }
  guint64 stat (const char *element_name, const char *field)
  {
    GstStructure *s = nullptr;
    g_object_get (element (element_name), "stats", &s, nullptr);
    guint64 v = 0;
    fail_unless (gst_structure_get_uint64 (s, field, &v), "no %s", field);
    gst_structure_free (s);
    return v;
  }
  void play ()
  {
    fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE);
  }
  /* The first comedia-dtls message in @state within @ms (NULL if none);
   * the messages before it are dropped. */
  GstStructure *wait_dtls (const char *state, guint ms)
  {
    GstBus *bus = gst_element_get_bus (pipeline);
    gint64 end = g_get_monotonic_time () + ms * (gint64) 1000;
    GstStructure *found = nullptr;
    while (!found && g_get_monotonic_time () < end) {
      GstMessage *m = gst_bus_timed_pop (bus, 100 * GST_MSECOND);
      if (!m)
        continue;
      fail_if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR, "error from %s",
          GST_OBJECT_NAME (GST_MESSAGE_SRC (m)));
      const GstStructure *s = gst_message_get_structure (m);
      if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT && gst_structure_has_name (s, "comedia-dtls")
          && g_strcmp0 (gst_structure_get_string (s, "state"), state) == 0)
        found = gst_structure_copy (s);
      gst_message_unref (m);
    }
    gst_object_unref (bus);
    return found;
  }
  bool decodes (guint ms, const char *sink = "out")
  {
    GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (element (sink)),
        ms * GST_MSECOND);
    if (sample)
      gst_sample_unref (sample);
    return sample != nullptr;
  }
};

/* What sdp-negotiator leaves in @session's component 1 of stream 1: our
 * @role, the peer's @fingerprint, the process's certificate.  The
 * pipeline holds the session from READY on. */
static void
negotiate (const char *session_name, comedia::DtlsRole role, const std::string & fingerprint)
{
  ComediaSession *session = comedia_session_acquire (session_name);
  comedia::Component *c = comedia_session_ensure_component (session, 1, 1);
  std::string why;
  std::optional<comedia::Fingerprint> fp = comedia::parse_fingerprint (fingerprint, why);
  fail_unless (fp.has_value (), "%s", why.c_str ());
  comedia::NegotiatedDtls terms;
  terms.enabled = true;
  terms.role = role;
  terms.expected = { *fp };
  terms.association = 1;
  c->dtls.set (terms);
  g_object_unref (session);
}

/* The offerer (a) controls; both have each other's candidates. */
static void
connect_ice (Peer & a, Peer & b)
{
  std::string error;
  fail_unless (a.ice->set_remote (1, b.local, true, error), "%s", error.c_str ());
  fail_unless (b.ice->set_remote (1, a.local, false, error), "%s", error.c_str ());
}

/* Waits until @check holds, up to @ms. */
template <typename Check>
static bool
eventually (guint ms, Check check)
{
  gint64 end = g_get_monotonic_time () + ms * (gint64) 1000;
  while (!check ()) {
    if (g_get_monotonic_time () > end)
      return false;
    g_usleep (50000);
  }
  return true;
}

GST_START_TEST (test_call_over_ice_with_dtls)
{
  /* dtls-role is that of the properties, unused here: the negotiated
   * terms say who is the client. */
  Peer a ("dtls-ice-a", "server"), b ("dtls-ice-b", "server");
  /* One process, one certificate: each expects the other's, the same. */
  std::string fa = a.string_property ("dec", "dtls-local-fingerprint");
  std::string fb = b.string_property ("dec", "dtls-local-fingerprint");
  fail_unless (g_str_has_prefix (fa.c_str (), "sha-256 "), "%s", fa.c_str ());
  std::optional<comedia::Fingerprint> ours =
      comedia::DtlsCertificate::process_default ()->fingerprint ("sha-256");
  std::string ours_text = comedia::write_fingerprint (*ours);
  fail_unless_equals_string (fa.c_str (), ours_text.c_str ());
  negotiate ("dtls-ice-a", comedia::DtlsRole::Client, fb);
  negotiate ("dtls-ice-b", comedia::DtlsRole::Server, fa);
  a.play ();
  b.play ();
  connect_ice (a, b);

  GstStructure *va = a.wait_dtls ("verified", 20000);
  fail_unless (va != nullptr, "a: no verified handshake: %s / %s", a.dec_stats ().c_str (),
      b.dec_stats ().c_str ());
  GstStructure *vb = b.wait_dtls ("verified", 5000);
  fail_unless (vb != nullptr, "b: no verified handshake: %s", b.dec_stats ().c_str ());
  fail_unless_equals_string (gst_structure_get_string (va, "peer-fingerprint"), fb.c_str ());
  fail_unless_equals_string (gst_structure_get_string (va, "suite"),
      gst_structure_get_string (vb, "suite"));
  guint stream = 0;
  fail_unless (gst_structure_get_uint (va, "stream", &stream) && stream == 1);
  gst_structure_free (va);
  gst_structure_free (vb);

  /* VP8 both ways, decoded. */
  fail_unless (a.decodes (10000), "a decodes nothing");
  fail_unless (b.decodes (10000), "b decodes nothing");
  fail_unless (a.stat ("dec", "passed-rtp") > 0 && b.stat ("dec", "passed-rtp") > 0);
  fail_unless (a.stat ("enc", "sent-rtp") > 0 && b.stat ("enc", "sent-rtp") > 0);
  fail_unless_equals_int (a.stat ("dec", "auth-failed"), 0);
  fail_unless (a.stat ("dec", "dtls-received") > 0 && a.stat ("dec", "dtls-sent") > 0);
  /* rtpbin's RTCP, muxed on component 1, out of the enc's rtcp_sink and
   * into the other dec's rtcp_src. */
  fail_unless (eventually (20000, [&] {
            return a.stat ("dec", "passed-rtcp") > 0 && b.stat ("dec", "passed-rtcp") > 0;
          }), "no RTCP passed: a %" G_GUINT64_FORMAT ", b %" G_GUINT64_FORMAT,
      a.stat ("dec", "passed-rtcp"), b.stat ("dec", "passed-rtcp"));
  fail_unless (a.stat ("enc", "sent-rtcp") > 0 && b.stat ("enc", "sent-rtcp") > 0);
}

GST_END_TEST;

GST_START_TEST (test_fingerprint_mismatch_passes_nothing)
{
  Peer a ("dtls-ice-c", "client"), b ("dtls-ice-d", "server");
  std::string fa = a.string_property ("dec", "dtls-local-fingerprint");
  /* b expects another certificate than the one a shows. */
  g_object_set (a.element ("dec"), "dtls-fingerprint",
      b.string_property ("dec", "dtls-local-fingerprint").c_str (), nullptr);
  g_object_set (b.element ("dec"), "dtls-fingerprint", STRANGER_FINGERPRINT, nullptr);
  a.play ();
  b.play ();
  connect_ice (a, b);

  GstStructure *fb = b.wait_dtls ("failed", 20000);
  fail_unless (fb != nullptr, "b: the handshake did not fail: %s / %s",
      a.dec_stats ().c_str (), b.dec_stats ().c_str ());
  std::string reason = gst_structure_get_string (fb, "reason");
  fail_unless (reason.find (fa) != std::string::npos, "%s", reason.c_str ());
  fail_unless (reason.find (STRANGER_FINGERPRINT) != std::string::npos, "%s", reason.c_str ());
  guint stream = 0;
  fail_unless (gst_structure_get_uint (fb, "stream", &stream) && stream == 1);
  gst_structure_free (fb);
  /* a hears of it as an alert. */
  GstStructure *alert = a.wait_dtls ("failed", 5000);
  fail_unless (alert != nullptr, "a: the handshake did not fail");
  gst_structure_free (alert);

  /* Nothing decodes, nothing is sent, media is counted as dropped. */
  fail_if (a.decodes (2000), "a decoded something");
  fail_if (b.decodes (100), "b decoded something");
  for (Peer *p : { &a, &b }) {
    fail_unless_equals_int (p->stat ("enc", "sent-rtp"), 0);
    fail_unless_equals_int (p->stat ("dec", "passed-rtp"), 0);
    fail_unless (p->stat ("enc", "dropped-before-handshake") > 0);
  }
}

GST_END_TEST;

GST_START_TEST (test_rtcp_component_has_its_own_handshake)
{
  /* Without rtcp-mux: component 2 carries RTCP with a handshake of its
   * own, keyed apart from component 1's. */
  Peer a ("dtls-ice-e", "client", false), b ("dtls-ice-f", "server", false);
  std::string fa = a.string_property ("dec", "dtls-local-fingerprint");
  std::string fb = b.string_property ("dec", "dtls-local-fingerprint");
  for (const char *dec : { "dec", "dec2" }) {
    g_object_set (a.element (dec), "dtls-fingerprint", fb.c_str (), nullptr);
    g_object_set (b.element (dec), "dtls-fingerprint", fa.c_str (), nullptr);
  }
  a.play ();
  b.play ();
  connect_ice (a, b);
  /* Both components verified, in any order (each message is read once). */
  bool verified[3] = { false, false, false };
  for (int i = 0; i < 2; i++) {
    GstStructure *v = a.wait_dtls ("verified", 20000);
    fail_unless (v != nullptr, "a: not verified: %s / %s", a.dec_stats ("dec").c_str (),
        a.dec_stats ("dec2").c_str ());
    guint component = 0;
    fail_unless (gst_structure_get_uint (v, "component", &component) && component <= 2);
    verified[component] = true;
    gst_structure_free (v);
  }
  fail_unless (verified[1] && verified[2]);
  fail_unless (a.decodes (10000), "a decodes nothing");
  fail_unless (b.decodes (10000), "b decodes nothing");
  /* rtpbin's RTCP through component 2 both ways; nothing muxed on 1. */
  fail_unless (eventually (20000, [&] {
            return a.stat ("dec2", "passed-rtcp") > 0 && b.stat ("dec2", "passed-rtcp") > 0;
          }), "no RTCP passed on component 2: %s / %s", a.dec_stats ("dec2").c_str (),
      b.dec_stats ("dec2").c_str ());
  fail_unless (a.stat ("enc2", "sent-rtcp") > 0);
  fail_unless_equals_int (a.stat ("dec", "passed-rtcp"), 0);
  fail_unless_equals_int (a.stat ("dec2", "passed-rtp"), 0);
}

GST_END_TEST;

/* The offer of @offerer's negotiator, answered by @answerer's, and the
 * answer given back: both negotiators leave their terms or keys in their
 * sessions.  The SDP texts into @offer_text and @answer_text. */
static void
exchange (Peer & offerer, Peer & answerer, std::string & offer_text,
    std::string & answer_text)
{
  GstSDPMessage *offer = nullptr, *answer = nullptr;
  g_signal_emit_by_name (offerer.element ("neg"), "create-offer", &offer);
  fail_unless (offer != nullptr);
  gchar *text = gst_sdp_message_as_text (offer);
  offer_text = text;
  g_free (text);
  g_signal_emit_by_name (answerer.element ("neg"), "process-offer", offer, &answer);
  fail_unless (answer != nullptr, "no answer to %s", offer_text.c_str ());
  text = gst_sdp_message_as_text (answer);
  answer_text = text;
  g_free (text);
  gboolean ok = FALSE;
  g_signal_emit_by_name (offerer.element ("neg"), "process-answer", answer, &ok);
  fail_unless (ok);
  gst_sdp_message_free (offer);
  gst_sdp_message_free (answer);
}

/* Two sdp-negotiators: the offerer offers ICE with DTLS-SRTP
 * (dtls=require: UDP/TLS/RTP/SAVPF, a=setup:actpass), the answerer takes the
 * server role (passive), both leave the terms in their sessions, and the
 * elements carry VP8 both ways under the handshake's keys. */
GST_START_TEST (test_two_negotiators)
{
  Peer offerer ("dtls-neg-o", "server", true,
      "role=offerer transport=ice dtls=require offer-caps=\"" VP8_CAPS "\"");
  Peer answerer ("dtls-neg-a", "server", true, "dtls=accept");
  offerer.play ();
  answerer.play ();
  std::string offer_text, answer_text;
  exchange (offerer, answerer, offer_text, answer_text);
  fail_unless (offer_text.find ("UDP/TLS/RTP/SAVPF") != std::string::npos, "%s",
      offer_text.c_str ());
  fail_unless (offer_text.find ("a=setup:actpass") != std::string::npos, "%s",
      offer_text.c_str ());
  fail_unless (answer_text.find ("a=setup:passive") != std::string::npos, "%s",
      answer_text.c_str ());

  GstStructure *v = offerer.wait_dtls ("verified", 20000);
  fail_unless (v != nullptr, "offerer: no verified handshake: %s / %s",
      offerer.dec_stats ().c_str (), answerer.dec_stats ().c_str ());
  gst_structure_free (v);
  v = answerer.wait_dtls ("verified", 5000);
  fail_unless (v != nullptr, "answerer: no verified handshake");
  gst_structure_free (v);
  fail_unless (offerer.decodes (10000), "the offerer decodes nothing");
  fail_unless (answerer.decodes (10000), "the answerer decodes nothing");
}

GST_END_TEST;

/* SDES over ICE (issue 27): the offerer's a=crypto over ICE, as a SIP phone
 * with ICE offers it, answered with our a=crypto; the keys go into the
 * components the elements carry, with no handshake, and VP8 and the muxed
 * RTCP pass both ways as SRTP and SRTCP.  srtp=require offers RTP/SAVP,
 * best-effort the RTP/AVP with a=crypto that is never refused as a whole. */
static void
call_with_sdes (const char *srtp, const char *offered_profile)
{
  std::string name = std::string ("sdes-ice-") + srtp;
  Peer offerer (name + "-o", "server", true, std::string ("role=offerer transport=ice srtp=") +
      srtp + " offer-caps=\"" VP8_CAPS "\"");
  Peer answerer (name + "-a", "server", true, "srtp=accept");
  offerer.play ();
  answerer.play ();
  std::string offer_text, answer_text;
  exchange (offerer, answerer, offer_text, answer_text);
  for (const std::string *t : { &offer_text, &answer_text }) {
    fail_unless (t->find (offered_profile) != std::string::npos, "%s", t->c_str ());
    fail_unless (t->find ("a=crypto:") != std::string::npos, "%s", t->c_str ());
    fail_unless (t->find ("a=ice-ufrag:") != std::string::npos, "%s", t->c_str ());
    fail_unless (t->find ("a=fingerprint") == std::string::npos, "%s", t->c_str ());
  }
  fail_unless (offerer.decodes (20000), "the offerer decodes nothing: %s / %s",
      offerer.dec_stats ().c_str (), answerer.dec_stats ().c_str ());
  fail_unless (answerer.decodes (10000), "the answerer decodes nothing: %s",
      answerer.dec_stats ().c_str ());
  for (Peer *p : { &offerer, &answerer }) {
    fail_unless (p->stat ("enc", "sent-rtp") > 0);
    fail_unless_equals_int (p->stat ("dec", "auth-failed"), 0);
    fail_unless_equals_int (p->stat ("dec", "dtls-received"), 0);
    fail_unless_equals_int (p->stat ("dec", "dtls-sent"), 0);
  }
  fail_unless (eventually (20000, [&] {
            return offerer.stat ("dec", "passed-rtcp") > 0 && answerer.stat ("dec", "passed-rtcp") > 0;
          }), "no SRTCP passed: %s / %s", offerer.dec_stats ().c_str (),
      answerer.dec_stats ().c_str ());
}

GST_START_TEST (test_sdes_savp_over_ice)
{
  call_with_sdes ("require", "RTP/SAVP");
}

GST_END_TEST;

GST_START_TEST (test_sdes_best_effort_over_ice)
{
  call_with_sdes ("best-effort", "RTP/AVP");
}

GST_END_TEST;

/* What sdp-negotiator's bundle-policy=max-bundle leaves in @session: VP8
 * (stream 1, the transport) and PCMU (stream 2) on one transport. */
static void
bundle_routes (const char *session_name)
{
  ComediaSession *session = comedia_session_acquire (session_name);
  comedia::BundleRoutes routes;
  routes.mid_extension_id = 5;   /* as an answer's a=extmap:5 ...sdes:mid */
  routes.entries.push_back ({1, "video", {96}});
  routes.entries.push_back ({2, "audio", {0}});
  comedia_session_ensure_component (session, 1, 1)->bundle.set (routes);
  g_object_unref (session);
}

/* BUNDLE: audio and video over one ICE component and one DTLS
 * association, told apart by the dec, joined by the enc; both decoded on
 * both sides. */
GST_START_TEST (test_bundled_audio_and_video)
{
  Peer a ("bundle-ice-a", "server", true, "", true), b ("bundle-ice-b", "server", true, "",
      true);
  std::string fa = a.string_property ("dec", "dtls-local-fingerprint");
  std::string fb = b.string_property ("dec", "dtls-local-fingerprint");
  negotiate ("bundle-ice-a", comedia::DtlsRole::Client, fb);
  negotiate ("bundle-ice-b", comedia::DtlsRole::Server, fa);
  bundle_routes ("bundle-ice-a");
  bundle_routes ("bundle-ice-b");
  a.play ();
  b.play ();
  connect_ice (a, b);
  GstStructure *v = a.wait_dtls ("verified", 20000);
  fail_unless (v != nullptr, "a: no verified handshake: %s", a.dec_stats ().c_str ());
  gst_structure_free (v);
  for (Peer *p : { &a, &b }) {
    fail_unless (p->decodes (10000), "no video decoded: %s", p->dec_stats ().c_str ());
    fail_unless (p->decodes (10000, "audio_out"), "no audio decoded: %s",
        p->dec_stats ().c_str ());
  }
  /* One association: a single handshake each, nothing unrouted; the enc
   * gave each packet its stream's mid and the dec routed by it. */
  fail_unless_equals_int (a.stat ("dec", "bundle-unrouted"), 0);
  for (Peer *p : { &a, &b }) {
    fail_unless (p->stat ("enc", "bundle-mid-added") > 0, "%s", p->dec_stats ().c_str ());
    fail_unless (p->stat ("dec", "bundle-routed-by-mid") > 0, "%s", p->dec_stats ().c_str ());
  }
  fail_unless_equals_int (b.stat ("dec", "auth-failed"), 0);
  fail_unless (eventually (20000, [&] {
            return a.stat ("dec", "passed-rtcp") > 0 && b.stat ("dec", "passed-rtcp") > 0;
          }), "no RTCP passed");
}

GST_END_TEST;

static Suite *
dtls_ice_suite (void)
{
  GST_PLUGIN_STATIC_REGISTER (comedia);
  Suite *s = suite_create ("dtls-ice");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 90);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_call_over_ice_with_dtls);
  tcase_add_test (tc, test_fingerprint_mismatch_passes_nothing);
  tcase_add_test (tc, test_rtcp_component_has_its_own_handshake);
  tcase_add_test (tc, test_two_negotiators);
  tcase_add_test (tc, test_sdes_savp_over_ice);
  tcase_add_test (tc, test_sdes_best_effort_over_ice);
  tcase_add_test (tc, test_bundled_audio_and_video);
  return s;
}

GST_CHECK_MAIN (dtls_ice);

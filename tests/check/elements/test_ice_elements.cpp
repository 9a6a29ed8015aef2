/* sdp-negotiator with libnice's nicesrc/nicesink: the negotiator hands its
 * NiceAgent to the elements of its pipeline, answers an ICE offer, offers
 * ICE with transport=ice, chooses between ICE and COMEDIA, and two
 * pipelines on loopback connect and carry RTP through nicesink -> nicesrc.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "icepeers.h"

#include <nice/agent.h>

#include <string>
#include <vector>

static NiceAgent *
agent_of (GstElement * e)
{
  NiceAgent *agent = nullptr;
  g_object_get (e, "agent", &agent, nullptr);
  if (agent)
    g_object_unref (agent);     /* the element keeps it */
  return agent;
}

/* ---- provisioning ----------------------------------------------------- */

GST_START_TEST (test_agent_reaches_elements_before_and_after)
{
  /* A nicesrc before the negotiator in the launch line, a nicesink after
   * it, one in a bin, and one that brings its own agent. */
  NiceAgent *own = nice_agent_new (nullptr, NICE_COMPATIBILITY_RFC5245);
  GstElement *p = launch ("nicesrc name=before stream=1 component=1 ! fakesink "
      "sdp-negotiator name=neg ice-addresses=127.0.0.1 "
      "fakesrc ! nicesink name=after stream=1 component=2 async=false "
      "bin. ( nicesrc name=inbin stream=2 component=1 ! fakesink ) ");
  /* Added by an application later, with an agent of its own. */
  GstElement *with_own = gst_element_factory_make ("nicesink", "own");
  g_object_set (with_own, "agent", own, "stream", 1, "component", 1, "async", FALSE,
      nullptr);
  gst_bin_add (GST_BIN (p), with_own);

  /* Given before any state change: they could not leave NULL otherwise. */
  NiceAgent *agent = agent_of (by_name (p, "before"));
  fail_unless (agent != nullptr);
  fail_unless (agent_of (by_name (p, "after")) == agent);
  fail_unless (agent_of (by_name (p, "inbin")) == agent);
  fail_unless (agent_of (by_name (p, "own")) == own);

  fail_unless_equals_int (gst_element_set_state (p, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  /* The agent has the streams the elements use: stream 1 with RTP and RTCP
   * (nicesink component=2), stream 2 with RTP only. */
  gchar *ufrag = nullptr, *pwd = nullptr;
  fail_unless (nice_agent_get_local_credentials (agent, 1, &ufrag, &pwd));
  g_free (ufrag);
  g_free (pwd);
  fail_unless (nice_agent_get_local_credentials (agent, 2, &ufrag, &pwd));
  g_free (ufrag);
  g_free (pwd);
  /* Component 2 exists in stream 1 only, and there is no stream 3: a
   * receive callback can be attached where a component exists. */
  GMainContext *ctx = g_main_context_new ();
  fail_unless (nice_agent_attach_recv (agent, 1, 2, ctx, nullptr, nullptr));
  fail_if (nice_agent_attach_recv (agent, 2, 2, ctx, nullptr, nullptr));
  fail_if (nice_agent_attach_recv (agent, 3, 1, ctx, nullptr, nullptr));
  g_main_context_unref (ctx);

  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
  g_object_unref (own);
}

GST_END_TEST;

GST_START_TEST (test_without_negotiator_nicesrc_cannot_start)
{
  /* What the negotiator saves a gst-launch user from. */
  GstElement *p = launch ("nicesrc stream=1 component=1 ! fakesink");
  fail_unless_equals_int (gst_element_set_state (p, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
}

GST_END_TEST;

GST_START_TEST (test_bad_turn_server_fails_at_ready)
{
  GstElement *p = launch ("nicesrc stream=1 component=1 ! fakesink "
      "sdp-negotiator turn-server=turn://127.0.0.1:3478");
  fail_unless_equals_int (gst_element_set_state (p, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  GstMessage *m = wait_message (p, 1000, [] (GstMessage * m) {
        return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR;
      });
  fail_unless (m != nullptr);
  std::string text = error_text (m);
  fail_unless (text.find ("needs a user and a password") != std::string::npos, "%s",
      text.c_str ());
  gst_message_unref (m);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
}

GST_END_TEST;

/* ---- a call over ICE on loopback -------------------------------------- */

/* One peer: RTP in through appsrc -> nicesink, out through nicesrc ->
 * appsink, RTCP components present but idle. */
static GstElement *
make_peer (const std::string & negotiator_props)
{
  return launch ("sdp-negotiator name=neg ice-addresses=127.0.0.1 " + negotiator_props +
      " appsrc name=in is-live=true format=time caps=\"" VP8_CAPS "\" ! "
      "nicesink stream=1 component=1 sync=false async=false "
      "nicesrc stream=1 component=1 ! appsink name=out sync=false "
      "nicesrc stream=1 component=2 ! fakesink sync=false async=false "
      "fakesrc num-buffers=0 ! nicesink stream=1 component=2 sync=false async=false");
}

/* Both components of @pipeline ready, in whichever order they get there
 * (a component's "ready" may come before the other's, and messages popped
 * while waiting are gone). */
static bool
wait_ready (GstElement * pipeline, guint ms)
{
  bool ready[3] = { false, false, false };
  GstMessage *m = wait_message (pipeline, ms, [&ready] (GstMessage * m) {
        if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR)
          return true;
        if (!is_element_message (m, "sdp-negotiator-ice-state"))
          return false;
        const GstStructure *s = gst_message_get_structure (m);
        guint c = 0;
        gst_structure_get_uint (s, "component", &c);
        if ((c == 1 || c == 2) && g_str_equal (gst_structure_get_string (s, "state"), "ready"))
          ready[c] = true;
        return ready[1] && ready[2];
      });
  bool ok = m && GST_MESSAGE_TYPE (m) != GST_MESSAGE_ERROR;
  if (m && !ok)
    g_printerr ("error: %s\n", error_text (m).c_str ());
  else if (!ok)
    g_printerr ("ready: component 1 %d, component 2 %d\n", ready[1], ready[2]);
  if (m)
    gst_message_unref (m);
  return ok;
}

/* Both components of both peers ready, and RTP both ways. */
static void
check_connected (GstElement * offerer, GstElement * answerer)
{
  fail_unless (wait_ready (offerer, 15000), "offerer: not ready");
  fail_unless (wait_ready (answerer, 15000), "answerer: not ready");
  fail_unless (rtp_flows (offerer, answerer), "no RTP offerer -> answerer");
  fail_unless (rtp_flows (answerer, offerer), "no RTP answerer -> offerer");
}

static void
end_call (GstElement * offerer, GstElement * answerer, GstSDPMessage * offer,
    GstSDPMessage * answer)
{
  gst_sdp_message_free (offer);
  gst_sdp_message_free (answer);
  gst_element_set_state (offerer, GST_STATE_NULL);
  gst_element_set_state (answerer, GST_STATE_NULL);
  gst_object_unref (offerer);
  gst_object_unref (answerer);
}

GST_START_TEST (test_ice_call_on_loopback)
{
  GstElement *offerer = make_peer ("role=offerer transport=ice offer-caps=\"" VP8_CAPS "\"");
  GstElement *answerer = make_peer ("");
  /* PLAYING: nicesrc reads its component (the checks' answers too) only
   * while it runs. */
  gst_element_set_state (offerer, GST_STATE_PLAYING);
  gst_element_set_state (answerer, GST_STATE_PLAYING);

  GstSDPMessage *offer = nullptr, *answer = nullptr;
  g_signal_emit_by_name (by_name (offerer, "neg"), "create-offer", &offer);
  fail_unless (offer != nullptr);
  const GstSDPMedia *om = gst_sdp_message_get_media (offer, 0);
  fail_unless (gst_sdp_media_get_attribute_val (om, "ice-ufrag") != nullptr);
  fail_unless (gst_sdp_media_get_attribute_val (om, "candidate") != nullptr);
  fail_unless (gst_sdp_media_get_attribute_val (om, "end-of-candidates") != nullptr);
  fail_unless (gst_sdp_media_get_attribute_val (om, "direction") == nullptr,
      "%s", sdp_text (offer).c_str ());

  g_signal_emit_by_name (by_name (answerer, "neg"), "process-offer", offer, &answer);
  fail_unless (answer != nullptr);
  const GstSDPMedia *am = gst_sdp_message_get_media (answer, 0);
  fail_unless (gst_sdp_media_get_attribute_val (am, "ice-ufrag") != nullptr);
  fail_unless (gst_sdp_media_get_attribute_val (am, "ice-pwd") != nullptr);
  fail_unless (gst_sdp_media_get_attribute_val (am, "end-of-candidates") != nullptr);
  fail_unless (gst_sdp_media_get_attribute_val (am, "direction") == nullptr);
  /* Both components are in the pipeline: RTCP has its own candidates. */
  guint rtcp_candidates = 0;
  for (guint i = 0; i < gst_sdp_media_attributes_len (am); i++) {
    const GstSDPAttribute *a = gst_sdp_media_get_attribute (am, i);
    if (g_str_equal (a->key, "candidate") && strstr (a->value, " 2 UDP ") != nullptr)
      rtcp_candidates++;
  }
  fail_unless (rtcp_candidates > 0, "%s", sdp_text (answer).c_str ());

  GstMessage *m = wait_message (answerer, 1000, [] (GstMessage * m) {
        return is_element_message (m, "sdp-negotiator-stream");
      });
  fail_unless (m != nullptr);
  fail_unless_equals_string (gst_structure_get_string (gst_message_get_structure (m),
          "transport"), "ice");
  gst_message_unref (m);

  gboolean ok = FALSE;
  g_signal_emit_by_name (by_name (offerer, "neg"), "process-answer", answer, &ok);
  fail_unless (ok);

  fail_unless (wait_ready (offerer, 15000), "offerer: not ready");
  fail_unless (wait_ready (answerer, 15000), "answerer: not ready");
  m = wait_message (offerer, 1000, [] (GstMessage * m) {
        return is_element_message (m, "sdp-negotiator-ice-selected-pair");
      });
  /* The pair may have come before "ready": then it is gone from the bus
   * with the messages wait_ready dropped; the answerer still has its own
   * or it comes now. */
  if (m == nullptr)
    m = wait_message (answerer, 1000, [] (GstMessage * m) {
          return is_element_message (m, "sdp-negotiator-ice-selected-pair");
        });
  fail_unless (m == nullptr || g_str_has_prefix (gst_structure_get_string (
              gst_message_get_structure (m), "local"), "127.0.0.1:"));
  if (m)
    gst_message_unref (m);

  fail_unless (rtp_flows (offerer, answerer), "no RTP offerer -> answerer");
  fail_unless (rtp_flows (answerer, offerer), "no RTP answerer -> offerer");

  end_call (offerer, answerer, offer, answer);
}

GST_END_TEST;

/* Two peers on loopback, PLAYING; returns the offerer's offer. */
static GstSDPMessage *
start_peers (GstElement *& offerer, GstElement *& answerer)
{
  offerer = make_peer ("role=offerer transport=ice offer-caps=\"" VP8_CAPS "\"");
  answerer = make_peer ("");
  gst_element_set_state (offerer, GST_STATE_PLAYING);
  gst_element_set_state (answerer, GST_STATE_PLAYING);
  GstSDPMessage *offer = nullptr;
  g_signal_emit_by_name (by_name (offerer, "neg"), "create-offer", &offer);
  fail_unless (offer != nullptr);
  return offer;
}

/* Takes the a=candidate and a=end-of-candidates lines out of media 0 of
 * @msg, as a trickling peer sends its description; returns the candidates. */
static std::vector<std::string>
take_candidates (GstSDPMessage * msg)
{
  std::vector<std::string> out;
  GstSDPMedia *m = (GstSDPMedia *) gst_sdp_message_get_media (msg, 0);
  for (guint i = 0; i < gst_sdp_media_attributes_len (m);) {
    const GstSDPAttribute *a = gst_sdp_media_get_attribute (m, i);
    if (g_str_equal (a->key, "candidate"))
      out.push_back (std::string ("candidate:") + a->value);
    if (g_str_equal (a->key, "candidate") || g_str_equal (a->key, "end-of-candidates"))
      gst_sdp_media_remove_attribute (m, i);
    else
      i++;
  }
  return out;
}

static void
trickle_to (GstElement * pipeline, const std::vector<std::string> & candidates)
{
  GstElement *neg = by_name (pipeline, "neg");
  gboolean ok = FALSE;
  for (const std::string & c : candidates) {
    g_signal_emit_by_name (neg, "add-ice-candidate", 0u, nullptr, c.c_str (), &ok);
    fail_unless (ok, "%s refused", c.c_str ());
  }
  /* webrtcbin's way of saying the end: an empty candidate. */
  g_signal_emit_by_name (neg, "add-ice-candidate", 0u, nullptr, "", &ok);
  fail_unless (ok);
  /* An mDNS candidate, not resolved (resolve-mdns=false; test-ice-mdns
   * resolves them): not used, a warning, never an error. */
  g_object_set (neg, "resolve-mdns", FALSE, nullptr);
  g_signal_emit_by_name (neg, "add-ice-candidate", 0u, nullptr,
      "candidate:0 1 UDP 2122252543 3c9a1b2e.local 60571 typ host", &ok);
  fail_if (ok);
}

/* What an application does with a trickling peer's candidates: each
 * sdp-negotiator-ice-candidate of @from, up to the end ("" candidate),
 * handed to @to's add-ice-candidate; all for m-line 0 and, if given, mid
 * @mid. */
static void
relay_candidates (GstElement * from, GstElement * to, const char *mid, const char *what)
{
  bool ended = false;
  while (!ended) {
    GstMessage *m = wait_message (from, 10000, [] (GstMessage * m) {
          return is_element_message (m, "sdp-negotiator-ice-candidate");
        });
    fail_unless (m != nullptr, "%s", what);
    const GstStructure *s = gst_message_get_structure (m);
    guint mline = 99;
    gst_structure_get_uint (s, "mline-index", &mline);
    fail_unless_equals_int (mline, 0);
    if (mid)
      fail_unless_equals_string (gst_structure_get_string (s, "mid"), mid);
    const char *candidate = gst_structure_get_string (s, "candidate");
    ended = candidate[0] == '\0';
    gboolean ok = FALSE;
    g_signal_emit_by_name (by_name (to, "neg"), "add-ice-candidate", mline,
        gst_structure_get_string (s, "mid"), candidate, &ok);
    fail_unless (ok, "%s", candidate);
    gst_message_unref (m);
  }
}

/* Both descriptions without candidates; each side's candidates given
 * afterwards through add-ice-candidate, as an application relays what a
 * trickling peer sends: ICE connects and RTP flows. */
GST_START_TEST (test_remote_candidates_trickled)
{
  GstElement *offerer, *answerer;
  GstSDPMessage *offer = start_peers (offerer, answerer), *answer = nullptr;
  std::vector<std::string> offered = take_candidates (offer);
  fail_unless (!offered.empty ());
  g_signal_emit_by_name (by_name (answerer, "neg"), "process-offer", offer, &answer);
  fail_unless (answer != nullptr);
  std::vector<std::string> answered = take_candidates (answer);
  fail_unless (!answered.empty ());
  gboolean ok = FALSE;
  g_signal_emit_by_name (by_name (offerer, "neg"), "process-answer", answer, &ok);
  fail_unless (ok);

  trickle_to (answerer, offered);
  trickle_to (offerer, answered);
  check_connected (offerer, answerer);

  end_call (offerer, answerer, offer, answer);
}

GST_END_TEST;

/* Consent freshness (RFC 7675): one peer vanishes (its pipeline goes to
 * NULL without a word); the other notices within 30 s of consent checks
 * unanswered (libnice's fixed timeout), says so on the bus and ends the
 * stream with EOS, not an error. */
/* What the answerer pushes on its source pad (linked or not). */
static GstPadProbeReturn
collect_text (GstPad *, GstPadProbeInfo * info, gpointer data)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;
  if (gst_buffer_map (buf, &map, GST_MAP_READ)) {
    static_cast<std::string *> (data)->append ((const char *) map.data, map.size);
    gst_buffer_unmap (buf, &map);
  }
  return GST_PAD_PROBE_OK;
}

/* Trickle both ways: an offer saying a=ice-options:trickle, sent without
 * candidates (they follow through add-ice-candidate); the answer comes
 * without waiting for gathering, says trickle, and our later candidates
 * and their end come as sdp-negotiator-ice-candidate messages (handed to
 * the offerer) and as SDP fragments on the source pad after the answer. */
GST_START_TEST (test_trickle_both_ways)
{
  GstElement *offerer, *answerer;
  GstSDPMessage *offer = start_peers (offerer, answerer), *answer = nullptr;
  std::string pushed;
  GstPad *src = gst_element_get_static_pad (by_name (answerer, "neg"), "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, collect_text, &pushed, nullptr);
  gst_object_unref (src);
  gst_element_set_state (offerer, GST_STATE_PLAYING);
  gst_element_set_state (answerer, GST_STATE_PLAYING);

  /* The offer reaches the answerer's sink pad, as from a socket. */
  GstElement *sdp_in = gst_element_factory_make ("appsrc", nullptr);
  gst_bin_add (GST_BIN (answerer), sdp_in);
  fail_unless (gst_element_link (sdp_in, by_name (answerer, "neg")));
  gst_element_sync_state_with_parent (sdp_in);

  gst_sdp_message_add_attribute (offer, "ice-options", "trickle");
  std::vector<std::string> offered = take_candidates (offer);
  std::string offer_text = sdp_text (offer) + "\r\n";
  gst_app_src_push_buffer (GST_APP_SRC (sdp_in), gst_buffer_new_memdup (offer_text.data (),
          offer_text.size ()));
  GstMessage *created = wait_message (answerer, 10000, [] (GstMessage * m) {
        return is_element_message (m, "sdp-negotiator-answer-created");
      });
  fail_unless (created != nullptr, "no answer");
  gst_structure_get (gst_message_get_structure (created), "sdp", GST_TYPE_SDP_MESSAGE,
      &answer, nullptr);
  gst_message_unref (created);
  fail_unless (answer != nullptr);
  const GstSDPMedia *am = gst_sdp_message_get_media (answer, 0);
  fail_unless_equals_string (gst_sdp_media_get_attribute_val (am, "ice-options"), "trickle");
  fail_unless (gst_sdp_media_get_attribute_val (am, "end-of-candidates") == nullptr,
      "%s", sdp_text (answer).c_str ());
  gboolean ok = FALSE;
  g_signal_emit_by_name (by_name (offerer, "neg"), "process-answer", answer, &ok);
  fail_unless (ok);
  trickle_to (answerer, offered);

  /* Ours, up to the end ("" candidate), relayed as an application does. */
  relay_candidates (answerer, offerer, nullptr, "no end of our candidates");
  check_connected (offerer, answerer);
  /* The source pad: the answer, then fragments up to the end. */
  fail_unless (g_str_has_prefix (pushed.c_str (), "v=0\r\n"), "%s", pushed.c_str ());
  std::string::size_type fragment = pushed.find ("\r\n\r\na=ice-ufrag:");
  fail_unless (fragment != std::string::npos, "%s", pushed.c_str ());
  fail_unless (pushed.find ("m=video 9 RTP/AVP 0\r\n", fragment) != std::string::npos);
  fail_unless (g_str_has_suffix (pushed.c_str (), "a=end-of-candidates\r\n\r\n"), "%s",
      pushed.c_str ());

  end_call (offerer, answerer, offer, answer);
}

GST_END_TEST;

GST_START_TEST (test_consent_lost_ends_stream)
{
  GstElement *offerer, *answerer;
  GstSDPMessage *offer = start_peers (offerer, answerer), *answer = nullptr;
  g_signal_emit_by_name (by_name (answerer, "neg"), "process-offer", offer, &answer);
  fail_unless (answer != nullptr);
  gboolean ok = FALSE;
  g_signal_emit_by_name (by_name (offerer, "neg"), "process-answer", answer, &ok);
  fail_unless (ok);
  fail_unless (wait_ready (answerer, 15000), "answerer: not ready");
  fail_unless (rtp_flows (offerer, answerer), "no RTP offerer -> answerer");

  gint64 gone = g_get_monotonic_time ();
  gst_element_set_state (offerer, GST_STATE_NULL);
  GstMessage *m = wait_message (answerer, 45000, [] (GstMessage * m) {
        return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR
            || is_element_message (m, "sdp-negotiator-ice-consent-lost");
      });
  fail_unless (m != nullptr, "no consent-lost message in 45 s");
  fail_unless (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT, "error: %s",
      error_text (m).c_str ());
  gint64 after_s = (g_get_monotonic_time () - gone) / G_USEC_PER_SEC;
  fail_unless (after_s <= 40, "consent lost noticed after %" G_GINT64_FORMAT " s", after_s);
  guint stream = 0;
  gst_structure_get_uint (gst_message_get_structure (m), "stream", &stream);
  fail_unless_equals_int (stream, 1);
  gst_message_unref (m);
  /* The stream ends cleanly: EOS reaches its sink. */
  GstAppSink *out = GST_APP_SINK (by_name (answerer, "out"));
  for (int i = 0; i < 50 && !gst_app_sink_is_eos (out); i++)
    g_usleep (100 * 1000);
  fail_unless (gst_app_sink_is_eos (out), "no EOS after consent was lost");

  gst_sdp_message_free (offer);
  gst_sdp_message_free (answer);
  gst_element_set_state (answerer, GST_STATE_NULL);
  gst_object_unref (offerer);
  gst_object_unref (answerer);
}

GST_END_TEST;

GST_START_TEST (test_ice_failure_names_stream)
{
  GstElement *offerer = make_peer ("role=offerer transport=ice offer-caps=\"" VP8_CAPS "\"");
  gst_element_set_state (offerer, GST_STATE_PLAYING);
  GstSDPMessage *offer = nullptr;
  g_signal_emit_by_name (by_name (offerer, "neg"), "create-offer", &offer);
  fail_unless (offer != nullptr);
  /* An answer whose candidates nobody listens on (a peer behind a NAT
   * that drops everything). */
  GSocket *silent = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
      G_SOCKET_PROTOCOL_UDP, nullptr);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *any = g_inet_socket_address_new (lo, 0);
  fail_unless (g_socket_bind (silent, any, FALSE, nullptr));
  GSocketAddress *bound = g_socket_get_local_address (silent, nullptr);
  guint port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  std::string p = std::to_string (port);
  GstSDPMessage *answer = sdp_from ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
      "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video " + p + " RTP/AVP 96\r\n"
      "a=rtpmap:96 VP8/90000\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
      "a=rtcp:" + p + "\r\n"
      "a=candidate:1 1 UDP 2130706431 127.0.0.1 " + p + " typ host\r\n"
      "a=candidate:1 2 UDP 2130706430 127.0.0.1 " + p + " typ host\r\n"
      "a=end-of-candidates\r\n");
  gboolean ok = FALSE;
  g_signal_emit_by_name (by_name (offerer, "neg"), "process-answer", answer, &ok);
  fail_unless (ok);

  GstMessage *m = wait_message (offerer, 50000, [] (GstMessage * m) {
        return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR;
      });
  fail_unless (m != nullptr, "no error after 50 s");
  std::string text = error_text (m);
  fail_unless (text.find ("ICE failed on stream 1") == 0, "%s", text.c_str ());
  fail_unless (text.find ("against 2 remote candidate(s) (host)") != std::string::npos,
      "%s", text.c_str ());
  fail_unless (text.find ("no STUN server, no TURN server") != std::string::npos, "%s",
      text.c_str ());
  gst_message_unref (m);

  g_object_unref (bound);
  g_object_unref (any);
  g_object_unref (lo);
  g_object_unref (silent);
  gst_sdp_message_free (offer);
  gst_sdp_message_free (answer);
  gst_element_set_state (offerer, GST_STATE_NULL);
  gst_object_unref (offerer);
}

GST_END_TEST;

/* ---- one answerer, ICE or COMEDIA ------------------------------------- */

/* An offer with ICE attributes and a=direction:active on the same media. */
static const char *BOTH_OFFER =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=video 9 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\na=direction:active\r\n"
    "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
    "a=candidate:1 1 UDP 2130706431 127.0.0.1 9 typ host\r\n"
    "a=candidate:1 2 UDP 2130706430 127.0.0.1 10 typ host\r\n"
    "a=end-of-candidates\r\n";

static std::string
answer_both (const char *prefer, std::string & transport)
{
  GstElement *p = launch (std::string ("sdp-negotiator name=neg session=ice-both "
          "ice-addresses=127.0.0.1 ") + prefer + " "
      "comedia-rtpsrc session=ice-both stream=1 component=1 ! fakesink "
      "comedia-rtpsrc session=ice-both stream=1 component=2 ! fakesink "
      "nicesrc stream=1 component=1 ! fakesink "
      "nicesrc stream=1 component=2 ! fakesink");
  fail_unless (gst_element_set_state (p, GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);
  GstSDPMessage *offer = sdp_from (BOTH_OFFER), *answer = nullptr;
  g_signal_emit_by_name (by_name (p, "neg"), "process-offer", offer, &answer);
  fail_unless (answer != nullptr);
  std::string text = sdp_text (answer);
  GstMessage *m = wait_message (p, 1000, [] (GstMessage * m) {
        return is_element_message (m, "sdp-negotiator-stream");
      });
  fail_unless (m != nullptr);
  transport = gst_structure_get_string (gst_message_get_structure (m), "transport");
  gst_message_unref (m);
  gst_sdp_message_free (offer);
  gst_sdp_message_free (answer);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
  return text;
}

GST_START_TEST (test_offer_with_ice_and_comedia)
{
  std::string transport;
  std::string text = answer_both ("", transport);
  /* ICE by default. */
  fail_unless_equals_string (transport.c_str (), "ice");
  fail_unless (text.find ("a=ice-ufrag:") != std::string::npos, "%s", text.c_str ());
  fail_unless (text.find ("a=direction") == std::string::npos, "%s", text.c_str ());

  text = answer_both ("prefer-transport=comedia", transport);
  fail_unless_equals_string (transport.c_str (), "comedia");
  fail_unless (text.find ("a=direction:passive") != std::string::npos, "%s", text.c_str ());
  fail_unless (text.find ("a=ice-ufrag") == std::string::npos, "%s", text.c_str ());
}

GST_END_TEST;

/* An offer whose host candidates are mDNS names (Firefox's, and Chromium's
 * without camera permission), with resolve-mdns=false: answered, with a
 * warning naming the skipped lines and the count in candidates-skipped; the
 * usable one stays.  (test-ice-mdns: resolved.) */
GST_START_TEST (test_mdns_candidates_skipped)
{
  GstElement *p = launch ("sdp-negotiator name=neg ice-addresses=127.0.0.1 resolve-mdns=false "
      "nicesrc stream=1 component=1 ! fakesink");
  fail_unless (gst_element_set_state (p, GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);
  GstSDPMessage *offer = sdp_from ("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n"
      "c=IN IP4 0.0.0.0\r\nt=0 0\r\nm=video 9 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n"
      "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=rtcp-mux\r\n"
      "a=candidate:0 1 UDP 2122252543 3c9a1b2e-5d0f-4f3b-9a57-0e2d4c6b8a1f.local 60571 typ host\r\n"
      "a=candidate:2 1 TCP 2105524479 3c9a1b2e-5d0f-4f3b-9a57-0e2d4c6b8a1f.local 9 typ host "
      "tcptype active\r\n"
      "a=candidate:1 1 UDP 1686052863 127.0.0.1 60571 typ srflx raddr 0.0.0.0 rport 0\r\n"
      "a=end-of-candidates\r\n");
  GstSDPMessage *answer = nullptr;
  g_signal_emit_by_name (by_name (p, "neg"), "process-offer", offer, &answer);
  fail_unless (answer != nullptr, "the offer was refused");
  fail_unless (gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (answer, 0),
          "ice-ufrag") != nullptr, "%s", sdp_text (answer).c_str ());
  guint64 skipped = 0;
  g_object_get (by_name (p, "neg"), "candidates-skipped", &skipped, nullptr);
  fail_unless_equals_int (skipped, 2);
  guint64 resolved = 99;
  g_object_get (by_name (p, "neg"), "candidates-resolved", &resolved, nullptr);
  fail_unless_equals_int (resolved, 0);
  GstMessage *m = wait_message (p, 1000, [] (GstMessage * m) {
        return GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING
            || GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR;
      });
  fail_unless (m != nullptr && GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING);
  GError *err = nullptr;
  gchar *debug = nullptr;
  gst_message_parse_warning (m, &err, &debug);
  fail_unless (strstr (err->message, "Skipped 2 ICE candidate line(s) of the offer"),
      "%s", err->message);
  fail_unless (strstr (debug, ".local is an mDNS name"), "%s", debug);
  g_error_free (err);
  g_free (debug);
  gst_message_unref (m);
  gst_sdp_message_free (offer);
  gst_sdp_message_free (answer);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
}

GST_END_TEST;

/* An ICE restart (a re-offer with new ice-ufrag/ice-pwd) on the same
 * agent: the answer carries new local credentials; the same credentials
 * again keep them. */
GST_START_TEST (test_ice_restart_new_credentials)
{
  GstElement *p = launch ("sdp-negotiator name=neg ice-addresses=127.0.0.1 "
      "nicesrc stream=1 component=1 ! fakesink");
  fail_unless (gst_element_set_state (p, GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);
  auto answer_ufrag = [p] (const char *ufrag, const char *pwd, guint version) -> std::string {
    GstSDPMessage *offer = sdp_from (std::string ("v=0\r\no=- 1 ") + std::to_string (version) +
        " IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        "m=video 9 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\na=rtcp-mux\r\n"
        "a=ice-ufrag:" + ufrag + "\r\na=ice-pwd:" + pwd + "\r\n"
        "a=candidate:1 1 UDP 2130706431 127.0.0.1 9 typ host\r\na=end-of-candidates\r\n");
    GstSDPMessage *answer = nullptr;
    g_signal_emit_by_name (by_name (p, "neg"), "process-offer", offer, &answer);
    fail_unless (answer != nullptr);
    std::string out = gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (answer, 0),
        "ice-ufrag");
    gst_sdp_message_free (offer);
    gst_sdp_message_free (answer);
    return out;
  };
  std::string first_ufrag = answer_ufrag ("abcd", "abcdefghijklmnopqrstuvwx", 1);
  std::string again_ufrag = answer_ufrag ("abcd", "abcdefghijklmnopqrstuvwx", 2);
  fail_unless_equals_string (again_ufrag.c_str (), first_ufrag.c_str ());
  std::string restarted = answer_ufrag ("wxyz", "zyxwvutsrqponmlkjihgfedc", 3);
  fail_if (restarted == first_ufrag, "the restart kept ice-ufrag %s", first_ufrag.c_str ());
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
}

GST_END_TEST;

/* The answer to a trickling offer, by a negotiator with @props. */
static std::string
answer_trickling_offer (const char *props)
{
  GstElement *p = launch (std::string ("sdp-negotiator name=neg ice-addresses=127.0.0.1 ") +
      props + " nicesrc stream=1 component=1 ! fakesink");
  fail_unless (gst_element_set_state (p, GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);
  GstSDPMessage *offer = sdp_from ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
      "a=ice-options:trickle\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
      "m=video 9 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\na=rtcp-mux\r\n"
      "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n");
  GstSDPMessage *answer = nullptr;
  g_signal_emit_by_name (by_name (p, "neg"), "process-offer", offer, &answer);
  fail_unless (answer != nullptr);
  std::string text = sdp_text (answer);
  gst_sdp_message_free (offer);
  gst_sdp_message_free (answer);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
  return text;
}

/* trickle=false: a trickling offer is answered after gathering, as before. */
GST_START_TEST (test_trickle_property)
{
  std::string text = answer_trickling_offer ("");
  fail_unless (text.find ("a=ice-options:trickle") != std::string::npos, "%s", text.c_str ());
  fail_unless (text.find ("a=end-of-candidates") == std::string::npos, "%s", text.c_str ());
  text = answer_trickling_offer ("trickle=false");
  fail_unless (text.find ("a=ice-options:trickle") == std::string::npos, "%s", text.c_str ());
  fail_unless (text.find ("a=end-of-candidates") != std::string::npos, "%s", text.c_str ());
}

GST_END_TEST;

/* BUNDLE accepted: a browser with bundlePolicy balanced trickles
 * candidates of m-line 1's own transport before our answer bundles it;
 * they are ignored quietly (no warning, counted in candidates-skipped),
 * those of the transport's m-line are applied. */
GST_START_TEST (test_bundled_mline_candidate_ignored)
{
  GstElement *p = launch ("sdp-negotiator name=neg ice-addresses=127.0.0.1 "
      "bundle-policy=max-bundle nicesrc stream=1 component=1 ! fakesink");
  fail_unless (gst_element_set_state (p, GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);
  const std::string media = "a=rtcp-mux\r\na=ice-ufrag:abcd\r\n"
      "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n";
  GstSDPMessage *offer = sdp_from ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
      "a=group:BUNDLE 0 1\r\na=ice-options:trickle\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
      "m=audio 9 RTP/AVP 0\r\na=mid:0\r\n" + media +
      "m=video 9 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\na=mid:1\r\n" + media);
  GstSDPMessage *answer = nullptr;
  GstElement *neg = by_name (p, "neg");
  g_signal_emit_by_name (neg, "process-offer", offer, &answer);
  fail_unless (answer != nullptr);
  fail_unless (sdp_text (answer).find ("a=group:BUNDLE 0 1") != std::string::npos, "%s",
      sdp_text (answer).c_str ());
  gboolean ok = TRUE;
  g_signal_emit_by_name (neg, "add-ice-candidate", 1u, "1",
      "candidate:1 1 udp 2122260223 127.0.0.1 56461 typ host", &ok);
  fail_if (ok);
  guint64 skipped = 0;
  g_object_get (neg, "candidates-skipped", &skipped, nullptr);
  fail_unless_equals_int (skipped, 1);
  g_signal_emit_by_name (neg, "add-ice-candidate", 0u, "0",
      "candidate:1 1 udp 2122260223 127.0.0.1 58495 typ host", &ok);
  fail_unless (ok);
  GstMessage *m = wait_message (p, 500, [] (GstMessage * m) {
        return GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING
            || GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR;
      });
  fail_unless (m == nullptr, "a warning or error for the bundled m-line's candidate");
  gst_sdp_message_free (offer);
  gst_sdp_message_free (answer);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
}

GST_END_TEST;

/* Our offers trickle with trickle-offer=true: a=ice-options:trickle, no
 * a=end-of-candidates, and the end of our candidates follows as
 * sdp-negotiator-ice-candidate messages with the offer's mid, which the
 * answerer takes through add-ice-candidate; the call connects.  By default
 * offers stay complete, without a=ice-options. */
GST_START_TEST (test_trickle_offer)
{
  GstElement *offerer, *answerer;
  GstSDPMessage *complete = start_peers (offerer, answerer);
  const GstSDPMedia *cm = gst_sdp_message_get_media (complete, 0);
  fail_unless (gst_sdp_media_get_attribute_val (cm, "ice-options") == nullptr);
  fail_unless (gst_sdp_media_get_attribute_val (cm, "end-of-candidates") != nullptr);
  gst_sdp_message_free (complete);
  gst_element_set_state (offerer, GST_STATE_NULL);
  gst_object_unref (offerer);

  offerer = make_peer ("role=offerer transport=ice trickle-offer=true offer-caps=\""
      VP8_CAPS "\"");
  gst_element_set_state (offerer, GST_STATE_PLAYING);
  GstSDPMessage *offer = nullptr, *answer = nullptr;
  g_signal_emit_by_name (by_name (offerer, "neg"), "create-offer", &offer);
  fail_unless (offer != nullptr);
  const GstSDPMedia *om = gst_sdp_message_get_media (offer, 0);
  fail_unless_equals_string (gst_sdp_media_get_attribute_val (om, "ice-options"), "trickle");
  fail_unless (gst_sdp_media_get_attribute_val (om, "end-of-candidates") == nullptr,
      "%s", sdp_text (offer).c_str ());
  fail_unless (gst_sdp_media_get_attribute_val (om, "candidate") != nullptr,
      "the host candidates go with the offer: %s", sdp_text (offer).c_str ());
  g_signal_emit_by_name (by_name (answerer, "neg"), "process-offer", offer, &answer);
  fail_unless (answer != nullptr);
  gboolean ok = FALSE;
  g_signal_emit_by_name (by_name (offerer, "neg"), "process-answer", answer, &ok);
  fail_unless (ok);

  relay_candidates (offerer, answerer, "0", "no end of the offerer's candidates");
  check_connected (offerer, answerer);
  end_call (offerer, answerer, offer, answer);
}

GST_END_TEST;

/* restart-ice: after a call connected, the offerer's next offer has new
 * ice-ufrag/ice-pwd (the same o= id, a higher version); the answerer
 * restarts too, and once its answer is applied both connect again and RTP
 * flows both ways. */
GST_START_TEST (test_offerer_ice_restart)
{
  GstElement *offerer, *answerer;
  GstSDPMessage *offer = start_peers (offerer, answerer), *answer = nullptr;
  GstElement *neg = by_name (offerer, "neg");
  g_signal_emit_by_name (by_name (answerer, "neg"), "process-offer", offer, &answer);
  fail_unless (answer != nullptr);
  gboolean ok = FALSE;
  g_signal_emit_by_name (neg, "process-answer", answer, &ok);
  fail_unless (ok);
  check_connected (offerer, answerer);

  GstSDPMessage *again = nullptr, *reanswer = nullptr;
  g_signal_emit_by_name (neg, "restart-ice");
  g_signal_emit_by_name (neg, "create-offer", &again);
  fail_unless (again != nullptr);
  auto ufrag = [] (const GstSDPMessage * m) {
    return std::string (gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (m, 0),
            "ice-ufrag"));
  };
  fail_if (ufrag (again) == ufrag (offer), "the restart kept ice-ufrag %s",
      ufrag (offer).c_str ());
  fail_unless (gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (again, 0),
          "candidate") != nullptr);
  fail_unless_equals_string (gst_sdp_message_get_origin (again)->sess_id,
      gst_sdp_message_get_origin (offer)->sess_id);
  g_signal_emit_by_name (by_name (answerer, "neg"), "process-offer", again, &reanswer);
  fail_unless (reanswer != nullptr);
  fail_if (ufrag (reanswer) == ufrag (answer), "the answerer did not restart");
  g_signal_emit_by_name (neg, "process-answer", reanswer, &ok);
  fail_unless (ok);
  check_connected (offerer, answerer);

  /* Only the offer after restart-ice restarts. */
  GstSDPMessage *third = nullptr;
  g_signal_emit_by_name (neg, "create-offer", &third);
  fail_unless (third != nullptr);
  /* Named: the macro reads its strings after the statement that made them. */
  const std::string third_ufrag = ufrag (third), again_ufrag = ufrag (again);
  fail_unless_equals_string (third_ufrag.c_str (), again_ufrag.c_str ());
  gst_sdp_message_free (third);
  gst_sdp_message_free (again);
  gst_sdp_message_free (reanswer);
  end_call (offerer, answerer, offer, answer);
}

GST_END_TEST;

static Suite *
ice_elements_suite (void)
{
  Suite *s = suite_create ("ice-elements");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 90);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_agent_reaches_elements_before_and_after);
  tcase_add_test (tc, test_without_negotiator_nicesrc_cannot_start);
  tcase_add_test (tc, test_bad_turn_server_fails_at_ready);
  tcase_add_test (tc, test_ice_call_on_loopback);
  tcase_add_test (tc, test_offer_with_ice_and_comedia);
  tcase_add_test (tc, test_ice_failure_names_stream);
  tcase_add_test (tc, test_mdns_candidates_skipped);
  tcase_add_test (tc, test_remote_candidates_trickled);
  tcase_add_test (tc, test_consent_lost_ends_stream);
  tcase_add_test (tc, test_trickle_both_ways);
  tcase_add_test (tc, test_ice_restart_new_credentials);
  tcase_add_test (tc, test_trickle_property);
  tcase_add_test (tc, test_bundled_mline_candidate_ignored);
  tcase_add_test (tc, test_trickle_offer);
  tcase_add_test (tc, test_offerer_ice_restart);
  return s;
}

GST_CHECK_MAIN (ice_elements);

/* sdp-negotiator's ice-tcp (ICE-TCP, RFC 6544, libnice's ice-tcp): the
 * answer to an offer with TCP candidates carries our passive TCP host
 * candidates (in min-port..max-port) with ice-tcp=true and none with
 * ice-tcp=false; two negotiators on loopback whose descriptions carry only
 * their TCP candidates connect over TCP and carry RTP both ways through
 * nicesink -> nicesrc.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "icepeers.h"

#include <cstring>
#include <set>
#include <string>
#include <vector>

static std::vector<std::string>
candidates_of (const GstSDPMessage * msg, const char *transport)
{
  std::vector<std::string> out;
  const GstSDPMedia *m = gst_sdp_message_get_media (msg, 0);
  for (guint i = 0; i < gst_sdp_media_attributes_len (m); i++) {
    const GstSDPAttribute *a = gst_sdp_media_get_attribute (m, i);
    if (!g_str_equal (a->key, "candidate") || a->value == nullptr)
      continue;
    gchar **f = g_strsplit (a->value, " ", -1);
    if (g_strv_length (f) > 2 && g_ascii_strcasecmp (f[2], transport) == 0)
      out.push_back (a->value);
    g_strfreev (f);
  }
  return out;
}

/* Removes media 0's UDP candidates, as a network that drops UDP leaves
 * only the TCP ones usable. */
static void
drop_udp_candidates (GstSDPMessage * msg)
{
  GstSDPMedia *m = (GstSDPMedia *) gst_sdp_message_get_media (msg, 0);
  for (guint i = 0; i < gst_sdp_media_attributes_len (m);) {
    const GstSDPAttribute *a = gst_sdp_media_get_attribute (m, i);
    bool udp = g_str_equal (a->key, "candidate") && a->value
        && strstr (a->value, " UDP ") != nullptr;
    if (udp)
      gst_sdp_media_remove_attribute (m, i);
    else
      i++;
  }
}

/* ---- the answer's candidates ------------------------------------------ */

/* Chromium's offer as captured in the lab (tests/lab/test-browser-nat.sh),
 * reduced to one m-line: a UDP host candidate and its TCP active twin. */
static const char *CHROMIUM_LIKE_OFFER =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
    "m=video 48932 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 127.0.0.1\r\n"
    "a=rtpmap:96 VP8/90000\r\na=rtcp-mux\r\na=mid:0\r\n"
    "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
    "a=fingerprint:sha-256 "
    "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n"
    "a=setup:actpass\r\n"
    "a=candidate:1 1 udp 2122260223 127.0.0.1 48932 typ host generation 0\r\n"
    "a=candidate:2 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active generation 0\r\n"
    "a=end-of-candidates\r\n";

/* The answer of a negotiator with @props to CHROMIUM_LIKE_OFFER. */
static GstSDPMessage *
answer_tcp_offer (const std::string & props)
{
  GstElement *p = launch ("sdp-negotiator name=neg ice-addresses=127.0.0.1 trickle=false " +
      props + " nicesrc stream=1 component=1 ! fakesink");
  fail_unless (gst_element_set_state (p, GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);
  GstSDPMessage *offer = nullptr, *answer = nullptr;
  fail_unless (gst_sdp_message_new_from_text (CHROMIUM_LIKE_OFFER, &offer) == GST_SDP_OK);
  g_signal_emit_by_name (by_name (p, "neg"), "process-offer", offer, &answer);
  fail_unless (answer != nullptr, "the offer was refused");
  guint64 skipped = 0;
  g_object_get (by_name (p, "neg"), "candidates-skipped", &skipped, nullptr);
  fail_unless_equals_int (skipped, 0);
  gst_sdp_message_free (offer);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
  return answer;
}

GST_START_TEST (test_answer_has_passive_tcp_candidates)
{
  gboolean def = FALSE;
  GstElement *neg = gst_element_factory_make ("sdp-negotiator", nullptr);
  g_object_get (neg, "ice-tcp", &def, nullptr);
  gst_object_unref (neg);
  fail_unless (def, "ice-tcp should default to TRUE, as webrtcbin's");

  GstSDPMessage *answer = answer_tcp_offer ("min-port=41000 max-port=41019");
  std::string text = sdp_text (answer);
  std::vector<std::string> tcp = candidates_of (answer, "TCP");
  fail_if (candidates_of (answer, "UDP").empty (), "%s", text.c_str ());
  guint passive = 0;
  for (const std::string & c : tcp) {
    /* "foundation component TCP priority address port typ host tcptype x" */
    gchar **f = g_strsplit (c.c_str (), " ", -1);
    fail_unless (g_strv_length (f) >= 10, "%s", c.c_str ());
    fail_unless_equals_string (f[6], "typ");
    fail_unless_equals_string (f[8], "tcptype");
    if (g_str_equal (f[9], "passive")) {
      passive++;
      guint port = (guint) g_ascii_strtoull (f[5], nullptr, 10);
      /* libnice binds passive (listening) TCP candidates in the range. */
      fail_unless (port >= 41000 && port <= 41019, "passive TCP port %u out of range: %s",
          port, c.c_str ());
    }
    g_strfreev (f);
  }
  fail_unless (passive >= 1, "no passive TCP candidate in the answer:\n%s", text.c_str ());
  /* The default candidate (m= port) is a UDP one: libnice's own choice
   * would be the passive TCP one (the lowest priority), and baresip, which
   * checks the default against the candidates, then found no ICE. */
  std::string m_port = std::to_string (gst_sdp_media_get_port (gst_sdp_message_get_media (
              answer, 0)));
  bool udp_default = false;
  for (const std::string & c : candidates_of (answer, "UDP"))
    udp_default |= c.find (" " + m_port + " typ ") != std::string::npos;
  fail_unless (udp_default, "m= port %s is no UDP candidate's:\n%s", m_port.c_str (),
      text.c_str ());
  gst_sdp_message_free (answer);

  answer = answer_tcp_offer ("ice-tcp=false");
  text = sdp_text (answer);
  fail_unless (candidates_of (answer, "TCP").empty (), "ice-tcp=false: %s", text.c_str ());
  fail_if (candidates_of (answer, "UDP").empty (), "%s", text.c_str ());
  gst_sdp_message_free (answer);
}

GST_END_TEST;

/* ---- a call over TCP only --------------------------------------------- */

static GstElement *
make_peer (const std::string & negotiator_props)
{
  return launch ("sdp-negotiator name=neg ice-addresses=127.0.0.1 trickle=false " +
      negotiator_props +
      " appsrc name=in is-live=true format=time caps=\"" VP8_CAPS "\" ! "
      "nicesink stream=1 component=1 sync=false async=false "
      "nicesrc stream=1 component=1 ! appsink name=out sync=false");
}

/* Waits up to @ms for component 1 of @pipeline to be ready; fills
 * @transports with the local-transport of each selected pair seen. */
static bool
wait_ready (GstElement * pipeline, guint ms, std::set<std::string> & transports)
{
  GstMessage *m = wait_message (pipeline, ms, [&transports] (GstMessage * m) {
        if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR)
          return true;
        const GstStructure *s = gst_message_get_structure (m);
        if (is_element_message (m, "sdp-negotiator-ice-selected-pair")) {
          const char *t = gst_structure_get_string (s, "local-transport");
          transports.insert (t ? t : "(none)");
        }
        return is_element_message (m, "sdp-negotiator-ice-state")
            && g_str_equal (gst_structure_get_string (s, "state"), "ready");
      });
  bool ready = m && GST_MESSAGE_TYPE (m) != GST_MESSAGE_ERROR;
  if (m && !ready)
    g_printerr ("error: %s\n", error_text (m).c_str ());
  if (m)
    gst_message_unref (m);
  return ready;
}

static std::string
joined (const std::set<std::string> & s)
{
  std::string out;
  for (const auto & x : s)
    out += (out.empty () ? "" : ",") + x;
  return out;
}

/* Both descriptions lose their UDP candidates on the way, so the agents
 * only know each other's TCP ones: the call connects over TCP. */
GST_START_TEST (test_call_over_tcp_only)
{
  GstElement *offerer = make_peer ("role=offerer transport=ice offer-caps=\"" VP8_CAPS "\"");
  GstElement *answerer = make_peer ("");
  gst_element_set_state (offerer, GST_STATE_PLAYING);
  gst_element_set_state (answerer, GST_STATE_PLAYING);

  GstSDPMessage *offer = nullptr, *answer = nullptr;
  g_signal_emit_by_name (by_name (offerer, "neg"), "create-offer", &offer);
  fail_unless (offer != nullptr);
  fail_if (candidates_of (offer, "TCP").empty (), "%s", sdp_text (offer).c_str ());
  drop_udp_candidates (offer);
  fail_unless (candidates_of (offer, "UDP").empty ());

  g_signal_emit_by_name (by_name (answerer, "neg"), "process-offer", offer, &answer);
  fail_unless (answer != nullptr);
  fail_if (candidates_of (answer, "TCP").empty (), "%s", sdp_text (answer).c_str ());
  drop_udp_candidates (answer);
  gboolean ok = FALSE;
  g_signal_emit_by_name (by_name (offerer, "neg"), "process-answer", answer, &ok);
  fail_unless (ok);

  std::set<std::string> offerer_pairs, answerer_pairs;
  fail_unless (wait_ready (offerer, 15000, offerer_pairs), "offerer: not ready");
  fail_unless (wait_ready (answerer, 15000, answerer_pairs), "answerer: not ready");
  fail_unless (rtp_flows (offerer, answerer), "no RTP offerer -> answerer");
  fail_unless (rtp_flows (answerer, offerer), "no RTP answerer -> offerer");
  /* The selected pair may come after "ready": a little more for it. */
  if (offerer_pairs.empty ())
    wait_ready (offerer, 500, offerer_pairs);
  if (answerer_pairs.empty ())
    wait_ready (answerer, 500, answerer_pairs);
  std::set<std::string> all = offerer_pairs;
  all.insert (answerer_pairs.begin (), answerer_pairs.end ());
  fail_if (all.empty (), "no sdp-negotiator-ice-selected-pair message");
  for (const std::string & t : all)
    fail_unless (t == "tcp-active" || t == "tcp-passive", "a selected pair over %s (%s)",
        t.c_str (), joined (all).c_str ());

  gst_sdp_message_free (offer);
  gst_sdp_message_free (answer);
  gst_element_set_state (offerer, GST_STATE_NULL);
  gst_element_set_state (answerer, GST_STATE_NULL);
  gst_object_unref (offerer);
  gst_object_unref (answerer);
}

GST_END_TEST;

static Suite *
ice_tcp_suite (void)
{
  Suite *s = suite_create ("ice-tcp");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_answer_has_passive_tcp_candidates);
  tcase_add_test (tc, test_call_over_tcp_only);
  return s;
}

GST_CHECK_MAIN (ice_tcp);

/* sdp-negotiator's resolve-mdns: a peer whose host candidates are mDNS
 * names (<uuid>.local, as Firefox and Chromium send them without camera
 * permission).  The system's resolver is replaced, as the seam GLib gives
 * (g_resolver_set_default), by one that knows the test's names (127.0.0.1),
 * fails them, or never answers; two pipelines on loopback then call, the
 * offerer's host candidates renamed in its offer.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "icepeers.h"
#include "testresolver.h"

#include <gio/gio.h>
#include <nice/agent.h>

#include <string>
#include <vector>

/* ---- two peers on loopback --------------------------------------------- */

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

/* Renames the address of every host candidate of @offer (127.0.0.1, UDP and
 * TCP, both components) to MDNS_NAME, as a browser hides it; returns how
 * many. */
static guint
hide_host_addresses (GstSDPMessage * offer)
{
  guint renamed = 0;
  GstSDPMedia *m = (GstSDPMedia *) gst_sdp_message_get_media (offer, 0);
  for (guint i = 0; i < gst_sdp_media_attributes_len (m); i++) {
    const GstSDPAttribute *a = gst_sdp_media_get_attribute (m, i);
    std::string v = a->value ? a->value : "";
    std::string::size_type at = v.find (" 127.0.0.1 ");
    if (!g_str_equal (a->key, "candidate") || v.find (" typ host") == std::string::npos
        || at == std::string::npos)
      continue;
    v.replace (at + 1, strlen ("127.0.0.1"), MDNS_NAME);
    GstSDPAttribute renamed_attr;
    gst_sdp_attribute_set (&renamed_attr, "candidate", v.c_str ());
    gst_sdp_media_replace_attribute (m, i, &renamed_attr);
    renamed++;
  }
  return renamed;
}

/* What a peer's bus said while its call came up. */
struct CallSeen {
  bool ready[3] = { false, false, false };
  std::string remote_type, remote;      /* component 1's selected pair */
  std::vector<std::string> warnings;    /* message, then debug */
  std::string error;
};

/* Reads @pipeline's bus until @done (given what was seen) or @ms passed. */
template <typename Done>
static CallSeen
watch_bus (GstElement * pipeline, guint ms, Done done)
{
  CallSeen seen;
  GstMessage *last = wait_message (pipeline, ms, [&seen, &done] (GstMessage * m) {
        const GstStructure *s = gst_message_get_structure (m);
        if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
          seen.error = error_text (m);
          return true;
        }
        if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING) {
          GError *err = nullptr;
          gchar *debug = nullptr;
          gst_message_parse_warning (m, &err, &debug);
          seen.warnings.push_back (std::string (err->message) + "\n" + (debug ? debug : ""));
          g_error_free (err);
          g_free (debug);
        }
        guint c = 0;
        if (is_element_message (m, "sdp-negotiator-ice-state")) {
          gst_structure_get_uint (s, "component", &c);
          if ((c == 1 || c == 2) && g_str_equal (gst_structure_get_string (s, "state"), "ready"))
            seen.ready[c] = true;
        }
        if (is_element_message (m, "sdp-negotiator-ice-selected-pair")
            && gst_structure_get_uint (s, "component", &c) && c == 1) {
          seen.remote_type = gst_structure_get_string (s, "remote-type");
          seen.remote = gst_structure_get_string (s, "remote");
        }
        return done (seen);
      });
  if (last)
    gst_message_unref (last);
  return seen;
}

static guint64
counter (GstElement * pipeline, const char *name)
{
  guint64 v = G_MAXUINT64;
  g_object_get (by_name (pipeline, "neg"), name, &v, nullptr);
  return v;
}

/* Polls @pipeline's counter @name until it is @want, up to @ms. */
static guint64
wait_counter (GstElement * pipeline, const char *name, guint64 want, guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * (gint64) 1000;
  guint64 v;
  while ((v = counter (pipeline, name)) != want && g_get_monotonic_time () < end)
    g_usleep (20000);
  return v;
}

/* The offerer offers with its host addresses hidden behind MDNS_NAME; the
 * answerer answers at once (nothing waits for the names), the offerer
 * applies the answer.  Returns the number of renamed candidates. */
static guint
call_with_hidden_hosts (GstElement *& offerer, GstElement *& answerer,
    const std::string & answerer_props = "")
{
  offerer = make_peer ("role=offerer transport=ice offer-caps=\"" VP8_CAPS "\"");
  answerer = make_peer (answerer_props);
  gst_element_set_state (offerer, GST_STATE_PLAYING);
  gst_element_set_state (answerer, GST_STATE_PLAYING);
  GstSDPMessage *offer = nullptr, *answer = nullptr;
  g_signal_emit_by_name (by_name (offerer, "neg"), "create-offer", &offer);
  fail_unless (offer != nullptr);
  guint hidden = hide_host_addresses (offer);
  /* UDP and TCP (active, passive), RTP and RTCP. */
  fail_unless (hidden >= 2, "%s", sdp_text (offer).c_str ());
  gint64 start = g_get_monotonic_time ();
  g_signal_emit_by_name (by_name (answerer, "neg"), "process-offer", offer, &answer);
  fail_unless (answer != nullptr);
  /* The never-answering resolver would hold a waiting answer 3 s. */
  fail_unless (g_get_monotonic_time () - start < 2 * G_USEC_PER_SEC);
  gboolean ok = FALSE;
  g_signal_emit_by_name (by_name (offerer, "neg"), "process-answer", answer, &ok);
  fail_unless (ok);
  gst_sdp_message_free (offer);
  gst_sdp_message_free (answer);
  return hidden;
}

static void
end_call (GstElement * offerer, GstElement * answerer)
{
  gst_element_set_state (offerer, GST_STATE_NULL);
  gst_element_set_state (answerer, GST_STATE_NULL);
  gst_object_unref (offerer);
  gst_object_unref (answerer);
}

static bool
connected (const CallSeen & seen)
{
  return seen.ready[1] && seen.ready[2] && !seen.remote_type.empty ();
}

/* (a) The names resolve (a browser on the server's own network): every
 * hidden candidate is resolved and handed to the agent, none skipped, and
 * the answerer's selected pair is the offerer's host candidate. */
GST_START_TEST (test_mdns_resolved)
{
  use_test_resolver (ResolverMode::Answer);
  GstElement *offerer, *answerer;
  guint hidden = call_with_hidden_hosts (offerer, answerer);
  fail_unless_equals_int (wait_counter (answerer, "candidates-resolved", hidden, 2000), hidden);
  fail_unless_equals_int (counter (answerer, "candidates-skipped"), 0);
  fail_unless_equals_int (test_resolver_state.started.load (), hidden);

  CallSeen seen = watch_bus (answerer, 15000, [] (const CallSeen & s) {
        return connected (s);
      });
  fail_unless (seen.error.empty (), "%s", seen.error.c_str ());
  fail_unless (connected (seen), "answerer not connected");
  fail_unless (seen.warnings.empty (), "%s", seen.warnings.empty () ? "" :
      seen.warnings[0].c_str ());
  /* Without the resolved candidate it would be the offerer's checks'
   * address, peer-reflexive. */
  fail_unless_equals_string (seen.remote_type.c_str (), "host");
  fail_unless (g_str_has_prefix (seen.remote.c_str (), "127.0.0.1:"), "%s",
      seen.remote.c_str ());
  /* The agent's own view: a host candidate at 127.0.0.1. */
  NiceAgent *agent = nullptr;
  GstElement *src = nullptr;
  GstIterator *it = gst_bin_iterate_sources (GST_BIN (answerer));
  GValue item = G_VALUE_INIT;
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK) {
    GstElement *e = GST_ELEMENT (g_value_get_object (&item));
    if (g_str_has_prefix (GST_OBJECT_NAME (e), "nicesrc"))
      src = e;
    g_value_reset (&item);
  }
  g_value_unset (&item);
  gst_iterator_free (it);
  fail_unless (src != nullptr);
  g_object_get (src, "agent", &agent, nullptr);
  fail_unless (agent != nullptr);
  GSList *remote = nice_agent_get_remote_candidates (agent, 1, 1);
  bool host = false;
  for (GSList *l = remote; l; l = l->next) {
    NiceCandidate *c = (NiceCandidate *) l->data;
    gchar ip[NICE_ADDRESS_STRING_LEN];
    nice_address_to_string (&c->addr, ip);
    host = host || (c->type == NICE_CANDIDATE_TYPE_HOST && g_str_equal (ip, "127.0.0.1"));
  }
  g_slist_free_full (remote, (GDestroyNotify) nice_candidate_free);
  g_object_unref (agent);
  fail_unless (host, "the agent has no host candidate at 127.0.0.1");

  fail_unless (rtp_flows (offerer, answerer), "no RTP offerer -> answerer");
  fail_unless (rtp_flows (answerer, offerer), "no RTP answerer -> offerer");
  end_call (offerer, answerer);
}

GST_END_TEST;

/* (b) The resolver does not know the names (a browser behind a NAT: mDNS
 * stays on its link): one warning per candidate naming the name and why,
 * all counted in candidates-skipped, and the call connects on the
 * offerer's checks (peer-reflexive). */
GST_START_TEST (test_mdns_not_found)
{
  use_test_resolver (ResolverMode::Fail);
  GstElement *offerer, *answerer;
  guint hidden = call_with_hidden_hosts (offerer, answerer);
  fail_unless_equals_int (wait_counter (answerer, "candidates-skipped", hidden, 2000), hidden);
  fail_unless_equals_int (counter (answerer, "candidates-resolved"), 0);

  CallSeen seen = watch_bus (answerer, 15000, [hidden] (const CallSeen & s) {
        return connected (s) && s.warnings.size () >= hidden;
      });
  fail_unless (seen.error.empty (), "%s", seen.error.c_str ());
  fail_unless (connected (seen), "answerer not connected");
  fail_unless_equals_string (seen.remote_type.c_str (), "prflx");
  fail_unless_equals_int (seen.warnings.size (), hidden);
  for (const std::string & w : seen.warnings) {
    fail_unless (g_str_has_prefix (w.c_str (), "ICE candidate " MDNS_NAME
            " not resolved: Error resolving \"" MDNS_NAME "\": Name or service "
            "not known"), "%s", w.c_str ());
    fail_unless (w.find ("typ host") != std::string::npos, "%s", w.c_str ());
  }
  fail_unless (rtp_flows (offerer, answerer), "no RTP offerer -> answerer");
  fail_unless (rtp_flows (answerer, offerer), "no RTP answerer -> offerer");
  end_call (offerer, answerer);
}

GST_END_TEST;

/* (c) The resolver never answers (nss-mdns with no responder): the call
 * connects meanwhile, then each lookup ends after 3 s with a warning that
 * says so, counted in candidates-skipped. */
GST_START_TEST (test_mdns_timeout)
{
  use_test_resolver (ResolverMode::Never);
  GstElement *offerer, *answerer;
  gint64 start = g_get_monotonic_time ();
  guint hidden = call_with_hidden_hosts (offerer, answerer);
  CallSeen seen = watch_bus (answerer, 15000, [hidden] (const CallSeen & s) {
        return connected (s) && s.warnings.size () >= hidden;
      });
  gint64 took_ms = (g_get_monotonic_time () - start) / 1000;
  fail_unless (seen.error.empty (), "%s", seen.error.c_str ());
  fail_unless (connected (seen), "answerer not connected");
  fail_unless_equals_string (seen.remote_type.c_str (), "prflx");
  fail_unless_equals_int (seen.warnings.size (), hidden);
  fail_unless (took_ms >= 2900 && took_ms < 10000, "the warnings came after %" G_GINT64_FORMAT
      " ms", took_ms);
  for (const std::string & w : seen.warnings)
    fail_unless (g_str_has_prefix (w.c_str (), "ICE candidate " MDNS_NAME
            " not resolved: no answer within 3000 ms"), "%s", w.c_str ());
  fail_unless_equals_int (counter (answerer, "candidates-skipped"), hidden);
  fail_unless_equals_int (counter (answerer, "candidates-resolved"), 0);
  fail_unless_equals_int (test_resolver_state.cancelled.load (), hidden);
  fail_unless (rtp_flows (answerer, offerer), "no RTP answerer -> offerer");
  end_call (offerer, answerer);
}

GST_END_TEST;

/* (c) The pipeline goes to NULL while lookups are pending: they are
 * cancelled, nothing is counted or reported, nothing crashes (run under
 * ASan too). */
GST_START_TEST (test_mdns_pending_at_null)
{
  use_test_resolver (ResolverMode::Never);
  GstElement *offerer, *answerer;
  guint hidden = call_with_hidden_hosts (offerer, answerer);
  /* The lookups start on the agent's thread. */
  gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (test_resolver_state.started.load () < (int) hidden && g_get_monotonic_time () < end)
    g_usleep (10000);
  fail_unless_equals_int (test_resolver_state.started.load (), hidden);
  fail_unless_equals_int (test_resolver_state.cancelled.load (), 0);
  GstElement *neg = GST_ELEMENT (gst_object_ref (by_name (answerer, "neg")));
  gst_element_set_state (answerer, GST_STATE_NULL);
  /* Cancelled as the element left READY, not left to time out. */
  fail_unless_equals_int (test_resolver_state.cancelled.load (), hidden);
  guint64 skipped = G_MAXUINT64;
  g_object_get (neg, "candidates-skipped", &skipped, nullptr);
  fail_unless_equals_int (skipped, 0);
  gst_element_set_state (offerer, GST_STATE_NULL);
  gst_object_unref (offerer);
  gst_object_unref (answerer);
  /* The last reference: the agent and its resolver go with it. */
  gst_object_unref (neg);

  /* And disposed with lookups pending, never set to NULL by a pipeline
   * (an application that drops the element in READY). */
  use_test_resolver (ResolverMode::Never);
  GstElement *lone = launch ("sdp-negotiator name=neg ice-addresses=127.0.0.1 "
      "nicesrc stream=1 component=1 ! fakesink");
  fail_unless (gst_element_set_state (lone, GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);
  GstSDPMessage *offer = sdp_from ("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n"
      "c=IN IP4 0.0.0.0\r\nt=0 0\r\nm=video 9 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n"
      "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=rtcp-mux\r\n"
      "a=candidate:0 1 UDP 2122252543 " MDNS_NAME " 60571 typ host\r\n"
      "a=end-of-candidates\r\n"), *answer = nullptr;
  g_signal_emit_by_name (by_name (lone, "neg"), "process-offer", offer, &answer);
  fail_unless (answer != nullptr);
  end = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (test_resolver_state.started.load () < 1 && g_get_monotonic_time () < end)
    g_usleep (10000);
  fail_unless_equals_int (test_resolver_state.started.load (), 1);
  gst_sdp_message_free (offer);
  gst_sdp_message_free (answer);
  gst_element_set_state (lone, GST_STATE_NULL);
  gst_object_unref (lone);
  fail_unless_equals_int (test_resolver_state.cancelled.load (), 1);
}

GST_END_TEST;

/* A trickled mDNS candidate (add-ice-candidate) is resolved the same way:
 * accepted at once, handed to the agent when the name resolves. */
GST_START_TEST (test_mdns_trickled)
{
  use_test_resolver (ResolverMode::Answer);
  GstElement *p = launch ("sdp-negotiator name=neg ice-addresses=127.0.0.1 "
      "nicesrc stream=1 component=1 ! fakesink");
  fail_unless (gst_element_set_state (p, GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);
  GstSDPMessage *offer = sdp_from ("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n"
      "c=IN IP4 0.0.0.0\r\nt=0 0\r\nm=video 9 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n"
      "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=rtcp-mux\r\n"
      "a=ice-options:trickle\r\n"), *answer = nullptr;
  GstElement *neg = by_name (p, "neg");
  g_signal_emit_by_name (neg, "process-offer", offer, &answer);
  fail_unless (answer != nullptr);
  gboolean ok = FALSE;
  g_signal_emit_by_name (neg, "add-ice-candidate", 0u, nullptr,
      "candidate:0 1 UDP 2122252543 " MDNS_NAME " 60571 typ host", &ok);
  fail_unless (ok);
  /* Component 2 does not exist (rtcp-mux, no nicesrc for it): not tried. */
  g_signal_emit_by_name (neg, "add-ice-candidate", 0u, nullptr,
      "candidate:0 2 UDP 2122252542 " MDNS_NAME " 60572 typ host", &ok);
  fail_if (ok);
  fail_unless_equals_int (wait_counter (p, "candidates-resolved", 1, 2000), 1);
  fail_unless_equals_int (test_resolver_state.started.load (), 1);
  /* The same line again (a re-offer without ICE restart carries it too):
   * taken, not looked up nor counted twice. */
  g_signal_emit_by_name (neg, "add-ice-candidate", 0u, nullptr,
      "candidate:0 1 UDP 2122252543 " MDNS_NAME " 60571 typ host", &ok);
  fail_unless (ok);
  g_usleep (200000);
  fail_unless_equals_int (test_resolver_state.started.load (), 1);
  fail_unless_equals_int (counter (p, "candidates-resolved"), 1);
  fail_unless_equals_int (counter (p, "candidates-skipped"), 0);
  gst_sdp_message_free (offer);
  gst_sdp_message_free (answer);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
}

GST_END_TEST;

static Suite *
ice_mdns_suite (void)
{
  Suite *s = suite_create ("ice-mdns");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_mdns_resolved);
  tcase_add_test (tc, test_mdns_not_found);
  tcase_add_test (tc, test_mdns_timeout);
  tcase_add_test (tc, test_mdns_pending_at_null);
  tcase_add_test (tc, test_mdns_trickled);
  return s;
}

GST_CHECK_MAIN (ice_mdns);

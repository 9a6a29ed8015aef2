/* Unit tests of SDES over ICE (issue 27): offers with a=crypto and ICE
 * attributes, as a SIP phone with ICE sends them, answered with our
 * a=crypto and ICE under the same srtp policy as over COMEDIA, never
 * refused as a whole.  The offers are baresip 1.0's (medianat=ice, STUN
 * from the lab's coturn, behind the lab's port-random NAT), captured
 * 2026-12-07; only their keys are replaced by SDES_KEY.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "answerer.h"
#include "sdpfakes.h"
#include "srtpnegotiation.h"

#include <memory>
#include <string>

using namespace comedia;

/* 30 bytes 1..30, key and salt of AES_CM_128. */
#define SDES_KEY "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e"

/* baresip 1.0 with mediaenc=srtp (best effort: RTP/AVP with a=crypto) or
 * srtp-mand (@profile RTP/SAVP), medianat=ice: session-level credentials,
 * a=rtcp (no rtcp-mux), host and srflx candidates of components 1 and 2.
 * @suite: its one a=crypto line's suite. */
static std::string
baresip_offer (const char *profile, const char *suite = "AES_CM_128_HMAC_SHA1_80")
{
  return std::string ("v=0\r\no=- 3282029317 1689021026 IN IP4 192.168.77.2\r\ns=-\r\n"
      "c=IN IP4 192.168.77.2\r\nt=0 0\r\na=tool:baresip 1.0.0\r\n"
      "a=ice-ufrag:u77SoZC\r\na=ice-pwd:6kdGvOO0xroRRTuBY8FF5d4CLySOSJF\r\n"
      "m=audio 54400 ") + profile + " 0 8 101\r\nc=IN IP4 203.0.113.1\r\n"
      "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
      "a=fmtp:101 0-15\r\na=rtcp:41684 IN IP4 203.0.113.1\r\na=sendrecv\r\na=label:1\r\n"
      "a=rtcp-rsize\r\na=ssrc:2900505559 cname:sip:phone@192.168.77.2\r\n"
      "a=crypto:1 " + suite + " inline:" SDES_KEY "\r\n"
      "a=minptime:20\r\na=ptime:20\r\n"
      "a=candidate:c0a84d02 1 UDP 2113929471 192.168.77.2 21252 typ host\r\n"
      "a=candidate:c0a84d02 2 UDP 2113929470 192.168.77.2 21253 typ host\r\n"
      "a=candidate:cb007100 1 UDP 1677721855 203.0.113.1 54400 typ srflx raddr "
      "192.168.77.2 rport 21252\r\n"
      "a=candidate:cb007100 2 UDP 1677721854 203.0.113.1 41684 typ srflx raddr "
      "192.168.77.2 rport 21253\r\n";
}

/* Keys from a counter: every call other bytes, as a real key source. */
static AnswerOptions
keyed_options (PlainRtpPolicy plain = PlainRtpPolicy::Accept)
{
  AnswerOptions o;
  o.public_address = "203.0.113.10";
  o.plain_rtp = plain;
  auto counter = std::make_shared<guint8> (0);
  o.random = [counter] (uint8_t * out, size_t len) {
    for (size_t i = 0; i < len; i++)
      out[i] = (*counter)++;
  };
  return o;
}

/* A pipeline whose stream 1 is nicesrc/nicesink only (components 1 and 2). */
static FakePipeline
ice_pipeline ()
{
  FakePipeline p;
  p.sockets[1] = false;
  p.ice[1] = 2;
  return p;
}

static Negotiated
answer_text (const std::string & text, FakePipeline & pipeline, const AnswerOptions & o)
{
  SdpDocument offer;
  SdpError err;
  fail_unless (SdpDocument::parse (text.data (), text.size (), offer, err), "%s",
      err.message.c_str ());
  Negotiated answer;
  fail_unless (answer_offer (offer, pipeline, o, answer, err), "%s", err.message.c_str ());
  return answer;
}

/* The answer's m-line @i as text. */
static std::string
answered_media (const Negotiated & answer, guint i = 0)
{
  gchar *t = gst_sdp_media_as_text (gst_sdp_message_get_media (answer.sdp.get (), i));
  std::string out = strip_cr (t);
  g_free (t);
  return out;
}

/* The SRTP answer over ICE every case below expects: @profile, one
 * a=crypto of @suite with the offer's tag, our ICE credentials and
 * candidates, the phone's key inbound and a fresh one outbound. */
static void
check_sdes_over_ice (const Negotiated & answer, const FakePipeline & pipeline,
    const char *profile, SrtpSuite suite)
{
  fail_unless_equals_int (answer.streams.size (), 1);
  const StreamPlan & p = answer.streams[0];
  std::string m = answered_media (answer);
  fail_unless (p.kind == StreamPlan::Kind::Ice, "%s: %s", stream_plan_kind_name (p.kind),
      p.note.c_str ());
  fail_unless (m.rfind (std::string ("m=audio 50100 ") + profile + " 0 8 101\n", 0) == 0,
      "%s", m.c_str ());
  std::string crypto = std::string ("a=crypto:1 ") + srtp_suite_info (suite).name + " inline:";
  fail_unless (m.find (crypto) != std::string::npos, "%s", m.c_str ());
  fail_unless (m.find (SDES_KEY) == std::string::npos, "our key is the phone's: %s", m.c_str ());
  fail_unless (m.find ("a=ice-ufrag:LoCa\n") != std::string::npos, "%s", m.c_str ());
  fail_unless (m.find ("a=candidate:1 2 UDP") != std::string::npos, "%s", m.c_str ());
  fail_unless (pipeline.gathered.size () == 1 && pipeline.gathered[0] == 1);
  fail_unless_equals_int (p.remote_ice.candidates.size (), 4);
  /* The phone's key is the inbound one; ours, fresh, outbound. */
  fail_unless (p.srtp_inbound.enabled () && p.srtp_inbound.suite == suite);
  fail_unless_equals_int (p.srtp_inbound.key_salt[0], 1);
  fail_unless_equals_int (p.srtp_inbound.key_salt[29], 30);
  fail_unless (p.srtp_outbound.enabled () && p.srtp_outbound.suite == suite);
  fail_unless (p.srtp_outbound != p.srtp_inbound);
  fail_unless (p.note.find (srtp_suite_info (suite).name) != std::string::npos, "%s",
      p.note.c_str ());
}

/* mediaenc=srtp: best-effort SRTP (RFC 8643) over ICE, answered RTP/AVP
 * with a=crypto; the default policy and require alike. */
GST_START_TEST (test_baresip_best_effort_over_ice)
{
  for (PlainRtpPolicy policy : { PlainRtpPolicy::Accept, PlainRtpPolicy::RequireSrtp }) {
    FakePipeline pipeline = ice_pipeline ();
    Negotiated answer = answer_text (baresip_offer ("RTP/AVP"), pipeline, keyed_options (policy));
    check_sdes_over_ice (answer, pipeline, "RTP/AVP", SrtpSuite::AesCm128HmacSha1_80);
  }
}

GST_END_TEST;

/* mediaenc=srtp-mand: RTP/SAVP over ICE. */
GST_START_TEST (test_baresip_srtp_mand_over_ice)
{
  FakePipeline pipeline = ice_pipeline ();
  Negotiated answer = answer_text (baresip_offer ("RTP/SAVP"), pipeline, keyed_options ());
  check_sdes_over_ice (answer, pipeline, "RTP/SAVP", SrtpSuite::AesCm128HmacSha1_80);
}

GST_END_TEST;

/* The 32-bit tag suite, as other phones offer it. */
GST_START_TEST (test_sha1_32_over_ice)
{
  FakePipeline pipeline = ice_pipeline ();
  Negotiated answer = answer_text (baresip_offer ("RTP/AVP", "AES_CM_128_HMAC_SHA1_32"),
      pipeline, keyed_options ());
  check_sdes_over_ice (answer, pipeline, "RTP/AVP", SrtpSuite::AesCm128HmacSha1_32);
}

GST_END_TEST;

/* Unusable a=crypto over ICE, as over COMEDIA: the best-effort offer is
 * answered plain (never refused as a whole), RTP/SAVP gets port 0, and so
 * does the plain answer under require. */
GST_START_TEST (test_unusable_crypto_over_ice)
{
  std::string bad = baresip_offer ("RTP/AVP", "F8_128_HMAC_SHA1_80");
  FakePipeline pipeline = ice_pipeline ();
  Negotiated answer = answer_text (bad, pipeline, keyed_options ());
  fail_unless (answer.streams[0].kind == StreamPlan::Kind::Ice, "%s",
      answer.streams[0].note.c_str ());
  std::string m = answered_media (answer);
  fail_unless (m.rfind ("m=audio 50100 RTP/AVP ", 0) == 0, "%s", m.c_str ());
  fail_unless (m.find ("a=crypto") == std::string::npos, "%s", m.c_str ());
  fail_if (answer.streams[0].srtp_outbound.enabled ());

  pipeline = ice_pipeline ();
  answer = answer_text (bad, pipeline, keyed_options (PlainRtpPolicy::RequireSrtp));
  fail_unless (answer.streams[0].kind == StreamPlan::Kind::Rejected);
  fail_unless_equals_int (gst_sdp_message_get_media (answer.sdp.get (), 0)->port, 0);

  std::string savp_bad = baresip_offer ("RTP/SAVP", "F8_128_HMAC_SHA1_80");
  pipeline = ice_pipeline ();
  answer = answer_text (savp_bad, pipeline, keyed_options ());
  fail_unless (answer.streams[0].kind == StreamPlan::Kind::Rejected);
  fail_unless (pipeline.gathered.empty ());
}

GST_END_TEST;

/* Two m-lines over ICE: SDES audio and plain video, both answered (this
 * offer's audio m-line was rejected before issue 27: "offers SRTP over
 * ICE: nicesrc/nicesink carry no SRTP keys"). */
GST_START_TEST (test_sdes_and_plain_over_ice)
{
  FakePipeline pipeline;
  pipeline.sockets[1] = false;
  pipeline.ice[1] = 2;
  std::string text = "v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\n"
      "t=0 0\r\nm=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"
      SDES_KEY "\r\na=ice-ufrag:8hhY\r\na=ice-pwd:asd88fgpdd777uzjYhagZg\r\n"
      "a=candidate:1 1 UDP 2130706431 198.51.100.7 4000 typ host\r\n"
      "m=video 4002 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n";
  Negotiated answer = answer_text (text, pipeline, keyed_options ());
  fail_unless_equals_int (answer.streams.size (), 2);
  fail_unless (answer.streams[0].kind == StreamPlan::Kind::Ice, "%s",
      answer.streams[0].note.c_str ());
  fail_unless (answer.streams[0].srtp_outbound.enabled ());
  std::string m = answered_media (answer, 0);
  fail_unless (m.rfind ("m=audio 50100 RTP/SAVP 0\n", 0) == 0, "%s", m.c_str ());
  fail_unless (m.find ("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:") != std::string::npos,
      "%s", m.c_str ());
  fail_unless (answer.streams[1].kind != StreamPlan::Kind::Rejected);
  fail_if (answer.streams[1].srtp_outbound.enabled ());
}

GST_END_TEST;

/* baresip re-INVITEs once its ICE checks end (RFC 8445 8.1.2: the pair
 * selected, a=remote-candidates) with the same a=crypto, and keeps the
 * first answer's key for good: the answer to that re-offer keeps our key.
 * A re-offer with a new key of the phone's gets a new one of ours. */
GST_START_TEST (test_reinvite_keeps_our_key)
{
  FakePipeline pipeline = ice_pipeline ();
  AnswerOptions o = keyed_options ();
  Negotiated call = answer_text (baresip_offer ("RTP/AVP"), pipeline, o);
  const StreamPlan & p1 = call.streams[0];
  o.previous_sdes = { StreamSdes{p1.srtp_inbound, p1.srtp_outbound} };
  std::string reinvite = baresip_offer ("RTP/AVP") + "a=remote-candidates:1 203.0.113.9 50100 "
      "2 203.0.113.9 50101\r\n";
  Negotiated again = answer_text (reinvite, pipeline, o);
  fail_unless (again.streams[0].srtp_outbound == p1.srtp_outbound);
  /* Named: fail_unless_equals_string would read freed temporaries. */
  std::string media_again = answered_media (again), media_first = answered_media (call);
  fail_unless_equals_string (media_again.c_str (), media_first.c_str ());

  std::string rekeyed = reinvite;
  rekeyed.replace (rekeyed.find (SDES_KEY), 4, "BBBB");
  Negotiated fresh = answer_text (rekeyed, pipeline, o);
  fail_unless (fresh.streams[0].srtp_inbound != p1.srtp_inbound);
  fail_unless (fresh.streams[0].srtp_outbound.enabled ());
  fail_unless (fresh.streams[0].srtp_outbound != p1.srtp_outbound);
}

GST_END_TEST;

static Suite *
sdes_ice_suite (void)
{
  Suite *s = suite_create ("sdes-ice");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_baresip_best_effort_over_ice);
  tcase_add_test (tc, test_baresip_srtp_mand_over_ice);
  tcase_add_test (tc, test_sha1_32_over_ice);
  tcase_add_test (tc, test_unusable_crypto_over_ice);
  tcase_add_test (tc, test_sdes_and_plain_over_ice);
  tcase_add_test (tc, test_reinvite_keeps_our_key);
  return s;
}

GST_CHECK_MAIN (sdes_ice);

/* Unit tests of the ICE attributes in offers and answers and of the
 * per-offer choice between ICE, COMEDIA and a static destination: SDP in,
 * SDP and plans out, fake ports and candidates, no pipeline, no agent.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "answerer.h"
#include "icesdp.h"
#include "offerer.h"
#include "sdpfakes.h"
#include "sdpparse.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

using namespace comedia;

#define HEAD "v=0\no=- 0 0 IN IP4 198.51.100.10\ns=peer\nt=0 0\n"
#define PWD "asd88fgpdd777uzjYhagZg"          /* 22 characters, the minimum */
#define ICE_MEDIA "a=ice-ufrag:8hhY\na=ice-pwd:" PWD "\n"
#define CAND_HOST1 "1 1 UDP 2130706431 192.168.1.10 50000 typ host"
#define CAND_HOST2 "1 2 UDP 2130706430 192.168.1.10 50001 typ host"
#define CAND_SRFLX1 "2 1 UDP 1694498815 198.51.100.10 61000 typ srflx raddr 192.168.1.10 rport 50000"

static std::string
transports (const std::vector<StreamPlan> & plans)
{
  std::string out;
  for (const auto & p : plans)
    out += std::string (out.empty () ? "" : " ") + transport_name (stream_plan_transport (p.kind));
  return out;
}

/* ---- reading ---------------------------------------------------------- */

struct ReadCase {
  const char *what;
  const char *sdp;
  /* ufrag/pwd/lite/eoc/mux/#candidates/components/default, or the error */
  const char *ufrag;
  bool lite, eoc, mux;
  guint n_candidates;
  const char *components;        /* "1,2" */
  const char *default_transport; /* "198.51.100.10:61000/61001" */
  const char *error;             /* substring; nullptr: reads fine */
  guint error_line;
};

static const ReadCase read_cases[] = {
  {"media-level credentials, host and srflx candidates, a=rtcp",
        HEAD "c=IN IP4 198.51.100.10\nm=video 61000 RTP/AVP 96\na=rtpmap:96 VP8/90000\n"
        ICE_MEDIA "a=candidate:" CAND_HOST1 "\na=candidate:" CAND_SRFLX1 "\n"
        "a=candidate:" CAND_HOST2 "\na=rtcp:61001\na=end-of-candidates\n",
        "8hhY", false, true, false, 3, "1,2", "198.51.100.10:61000/61001", nullptr, 0},
  {"session-level credentials and ice-lite, rtcp-mux, no end-of-candidates",
        "v=0\no=- 0 0 IN IP4 198.51.100.10\ns=peer\na=ice-lite\na=ice-ufrag:sEsS\n"
        "a=ice-pwd:" PWD "\nt=0 0\nc=IN IP4 192.168.1.10\n"
        "m=audio 50000 RTP/AVP 0\na=rtcp-mux\na=candidate:" CAND_HOST1 "\n",
        "sEsS", true, false, true, 1, "1", "192.168.1.10:50000/50000", nullptr, 0},
  {"no ICE attribute at all: empty, not an error",
        HEAD "c=IN IP4 198.51.100.10\nm=audio 5004 RTP/AVP 0\na=direction:active\n",
        "", false, false, false, 0, "", ":0/0", nullptr, 0},
  {"ice-ufrag without ice-pwd",
        HEAD "m=audio 5004 RTP/AVP 0\na=ice-ufrag:8hhY\n",
        nullptr, false, false, false, 0, nullptr, nullptr,
        "line 6: the media of line 5 (m=audio 5004 RTP/AVP 0) has a=ice-ufrag but no a=ice-pwd", 6},
  {"candidates without credentials",
        HEAD "m=audio 5004 RTP/AVP 0\na=candidate:" CAND_HOST1 "\n",
        nullptr, false, false, false, 0, nullptr, nullptr,
        "has a=candidate but no a=ice-ufrag and a=ice-pwd", 6},
  {"ice-pwd too short",
        HEAD "m=audio 5004 RTP/AVP 0\na=ice-ufrag:8hhY\na=ice-pwd:short\n",
        nullptr, false, false, false, 0, nullptr, nullptr,
        "line 7: a=ice-pwd is 5 characters long, RFC 5245 asks for 22 to 256", 7},
  {"ice-ufrag too short",
        HEAD "m=audio 5004 RTP/AVP 0\na=ice-ufrag:8h\na=ice-pwd:" PWD "\n",
        nullptr, false, false, false, 0, nullptr, nullptr,
        "line 6: a=ice-ufrag is 2 characters long, RFC 5245 asks for 4 to 256", 6},
  {"a malformed second candidate names its own line",
        HEAD "m=audio 5004 RTP/AVP 0\n" ICE_MEDIA "a=candidate:" CAND_HOST1 "\n"
        "a=candidate:1 1 UDP 2130706431 192.168.1.10 50000 host\n",
        nullptr, false, false, false, 0, nullptr, nullptr,
        "line 9: a=candidate:1 1 UDP 2130706431 192.168.1.10 50000 host is not a candidate", 9},
  {"a candidate with a host name",
        HEAD "m=audio 5004 RTP/AVP 0\n" ICE_MEDIA
        "a=candidate:1 1 UDP 2130706431 peer.example 50000 typ host\n",
        nullptr, false, false, false, 0, nullptr, nullptr, "is not a candidate", 8},
  {"a candidate with component 0",
        HEAD "m=audio 5004 RTP/AVP 0\n" ICE_MEDIA
        "a=candidate:1 0 UDP 2130706431 192.168.1.10 50000 typ host\n",
        nullptr, false, false, false, 0, nullptr, nullptr, "is not a candidate", 8},
};

GST_START_TEST (test_read_ice)
{
  const ReadCase & c = read_cases[__i__];
  std::string text = c.sdp;
  SdpDocument doc;
  SdpError err;
  /* Parsing validates ICE attributes: bad ones fail there, naming the line. */
  bool ok = SdpDocument::parse (text.data (), text.size (), doc, err);
  if (c.error) {
    fail_if (ok, "case '%s': accepted", c.what);
    fail_unless (err.message.find (c.error) != std::string::npos,
        "case '%s': error '%s' lacks '%s'", c.what, err.message.c_str (), c.error);
    fail_unless_equals_int (err.line, c.error_line);
    return;
  }
  fail_unless (ok, "case '%s': %s", c.what, err.message.c_str ());
  /* What parsing accepted reads without error. */
  IceDescription ice = read_ice (doc.message (), 0);
  fail_unless_equals_string (ice.ufrag.c_str (), c.ufrag);
  fail_unless_equals_int (ice.present (), c.ufrag[0] != '\0');
  fail_unless_equals_int (ice.lite, c.lite);
  fail_unless_equals_int (ice.end_of_candidates, c.eoc);
  fail_unless_equals_int (ice.rtcp_mux, c.mux);
  fail_unless_equals_int (ice.candidates.size (), c.n_candidates);
  std::string comps;
  for (guint k : candidate_components (ice))
    comps += (comps.empty () ? "" : ",") + std::to_string (k);
  fail_unless_equals_string (comps.c_str (), c.components);
  std::string def = ice.default_address + ":" + std::to_string (ice.default_rtp_port) + "/"
      + std::to_string (ice.default_rtcp_port);
  fail_unless_equals_string (def.c_str (), c.default_transport);
}

GST_END_TEST;

/* ---- the answer and the choice ---------------------------------------- */

struct AnswerCase {
  const char *what;
  const char *offer;
  std::function<void (FakePipeline &, AnswerOptions &)> setup;
  const char *expected_transports;
  /* lines the answer's media must have, and must not have ("" = none) */
  std::vector<std::string> has, lacks;
};

static const std::vector<std::string> NONE;

static const AnswerCase answer_cases[] = {
  {"ICE offer, ICE elements: ICE answer with our default candidate, a=rtcp of "
        "component 2, end-of-candidates, no a=direction",
        HEAD "c=IN IP4 198.51.100.10\nm=video 61000 RTP/AVP 96\na=rtpmap:96 VP8/90000\n"
        ICE_MEDIA "a=candidate:" CAND_HOST1 "\na=candidate:" CAND_HOST2 "\n",
        [] (FakePipeline & s, AnswerOptions &) { s.ice[1] = 2; },
        "ice",
        {"m=video 50100 RTP/AVP 96", "a=ice-ufrag:LoCa", "a=ice-pwd:localpasswordlocalpass",
         "a=candidate:1 1 UDP 2130706431 10.0.0.2 50000 typ host",
         "a=candidate:1 2 UDP 2130706431 10.0.0.2 50001 typ host",
         "a=candidate:3 1 UDP 16777215 203.0.113.9 50100 typ relay raddr 10.0.0.2 rport 50000",
         "a=rtcp:50101", "a=end-of-candidates"},
        {"a=direction", "a=rtcp-mux", "a=ice-lite"}},
  {"ICE offer with rtcp-mux, one component in the pipeline: muxed, no component 2",
        HEAD "c=IN IP4 198.51.100.10\nm=video 61000 RTP/AVP 96\na=rtpmap:96 VP8/90000\n"
        ICE_MEDIA "a=rtcp-mux\na=candidate:" CAND_HOST1 "\n",
        [] (FakePipeline & s, AnswerOptions &) { s.ice[1] = 1; },
        "ice", {"m=video 50100 RTP/AVP 96", "a=rtcp-mux"}, {"a=rtcp:", " 2 UDP"}},
  {"ICE offer with rtcp-mux, components 1 and 2 in the pipeline: not muxed",
        HEAD "c=IN IP4 198.51.100.10\nm=video 61000 RTP/AVP 96\na=rtpmap:96 VP8/90000\n"
        ICE_MEDIA "a=rtcp-mux\na=candidate:" CAND_HOST1 "\n",
        [] (FakePipeline & s, AnswerOptions &) { s.ice[1] = 2; },
        "ice", {"a=rtcp:50101", "a=candidate:1 2 UDP"}, {"a=rtcp-mux"}},
  {"ICE offer with rtcp-mux but rtcp-mux=false: not muxed",
        HEAD "c=IN IP4 198.51.100.10\nm=video 61000 RTP/AVP 96\na=rtpmap:96 VP8/90000\n"
        ICE_MEDIA "a=rtcp-mux\na=candidate:" CAND_HOST1 "\n",
        [] (FakePipeline & s, AnswerOptions & o) { s.ice[1] = 1; o.rtcp_mux = false; },
        "ice", {"a=candidate:1 1 UDP"}, {"a=rtcp-mux"}},
  {"ICE offer, only comedia elements: the default candidate as static destination",
        HEAD "c=IN IP4 198.51.100.10\nm=audio 61000 RTP/AVP 0\n" ICE_MEDIA
        "a=candidate:" CAND_SRFLX1 "\n",
        [] (FakePipeline & s, AnswerOptions &) { s.sockets[1] = true; },
        "static", {"m=audio 40000 RTP/AVP 0", "a=rtcp:40001"}, {"a=ice-ufrag", "a=candidate"}},
  {"ICE and a=direction:active, both kinds of elements: ICE by default",
        HEAD "c=IN IP4 198.51.100.10\nm=audio 61000 RTP/AVP 0\n" ICE_MEDIA
        "a=candidate:" CAND_SRFLX1 "\na=direction:active\n",
        [] (FakePipeline & s, AnswerOptions &) { s.sockets[1] = true; s.ice[1] = 2; },
        "ice", {"a=ice-ufrag:LoCa"}, {"a=direction"}},
  {"ICE and a=direction:active, both kinds of elements, prefer COMEDIA",
        HEAD "c=IN IP4 198.51.100.10\nm=audio 61000 RTP/AVP 0\n" ICE_MEDIA
        "a=candidate:" CAND_SRFLX1 "\na=direction:active\n",
        [] (FakePipeline & s, AnswerOptions & o) {
          s.sockets[1] = true;
          s.ice[1] = 2;
          o.prefer = PreferTransport::Comedia;
        },
        "comedia", {"a=direction:passive", "m=audio 40000 RTP/AVP 0"}, {"a=ice-ufrag"}},
  {"ICE and a=direction:active, prefer COMEDIA but only ICE elements: ICE",
        HEAD "c=IN IP4 198.51.100.10\nm=audio 61000 RTP/AVP 0\n" ICE_MEDIA
        "a=candidate:" CAND_SRFLX1 "\na=direction:active\n",
        [] (FakePipeline & s, AnswerOptions & o) { s.ice[1] = 2; o.prefer = PreferTransport::Comedia; },
        "ice", {"a=ice-ufrag:LoCa"}, {"a=direction"}},
  {"ICE and a=direction:active, prefer ICE but only comedia elements: COMEDIA",
        HEAD "c=IN IP4 198.51.100.10\nm=audio 61000 RTP/AVP 0\n" ICE_MEDIA
        "a=candidate:" CAND_SRFLX1 "\na=direction:active\n",
        [] (FakePipeline & s, AnswerOptions &) { s.sockets[1] = true; },
        "comedia", {"a=direction:passive"}, {"a=ice-ufrag"}},
  {"a=direction:active only, both kinds of elements: COMEDIA",
        HEAD "m=audio 9 RTP/AVP 0\na=direction:active\n",
        [] (FakePipeline & s, AnswerOptions &) { s.sockets[1] = true; s.ice[1] = 2; },
        "comedia", {"a=direction:passive"}, {"a=ice-ufrag"}},
  {"neither, both kinds of elements: static destination",
        HEAD "c=IN IP4 198.51.100.10\nm=audio 5004 RTP/AVP 0\n",
        [] (FakePipeline & s, AnswerOptions &) { s.sockets[1] = true; s.ice[1] = 2; },
        "static", {"m=audio 40000 RTP/AVP 0"}, {"a=ice-ufrag", "a=direction"}},
  {"neither, only ICE elements: rejected, saying why",
        HEAD "c=IN IP4 198.51.100.10\nm=audio 5004 RTP/AVP 0\n",
        [] (FakePipeline & s, AnswerOptions &) { s.ice[1] = 2; },
        "none", {"m=audio 0 RTP/AVP 0"}, {"a=ice-ufrag"}},
  {"two streams, one each way: ICE for the first, COMEDIA for the second",
        HEAD "c=IN IP4 198.51.100.10\nm=audio 61000 RTP/AVP 0\n" ICE_MEDIA
        "a=candidate:" CAND_SRFLX1 "\nm=video 9 RTP/AVP 96\na=rtpmap:96 VP8/90000\n"
        "a=direction:active\n",
        [] (FakePipeline & s, AnswerOptions &) { s.ice[1] = 2; s.sockets[2] = true; },
        "ice comedia", {"m=audio 50100 RTP/AVP 0", "m=video 40010 RTP/AVP 96",
          "a=direction:passive"}, NONE},
  {"ICE-lite offer: understood the same way, our agent will control",
        "v=0\no=- 0 0 IN IP4 198.51.100.10\ns=peer\na=ice-lite\nt=0 0\n"
        "c=IN IP4 198.51.100.10\nm=audio 61000 RTP/AVP 0\n" ICE_MEDIA
        "a=candidate:" CAND_SRFLX1 "\n",
        [] (FakePipeline & s, AnswerOptions &) { s.ice[1] = 2; },
        "ice", {"a=ice-ufrag:LoCa", "a=end-of-candidates"}, {"a=ice-lite"}},
};

static bool
contains_line (const std::string & text, const std::string & line)
{
  return text.find (line) != std::string::npos;
}

GST_START_TEST (test_answer_ice)
{
  const AnswerCase & c = answer_cases[__i__];
  FakePipeline streams;
  streams.n_streams = 0;        /* sockets only where the case says */
  AnswerOptions options;
  options.public_address = "203.0.113.5";
  options.session_id = 7;
  c.setup (streams, options);
  Negotiated answer;
  SdpError err;
  SdpDocument offer = parse_ok (c.offer);
  fail_unless (answer_offer (offer, streams, options, answer, err), "case '%s': %s",
      c.what, err.message.c_str ());
  std::string media = media_text (answer.sdp.get ());
  const std::string chosen = transports (answer.streams);
  fail_unless_equals_string (chosen.c_str (), c.expected_transports);
  for (const auto & l : c.has)
    fail_unless (contains_line (media, l), "case '%s': no '%s' in\n%s", c.what,
        l.c_str (), media.c_str ());
  for (const auto & l : c.lacks)
    fail_if (contains_line (media, l), "case '%s': '%s' in\n%s", c.what, l.c_str (),
        media.c_str ());
  /* The answer is valid SDP that answers the offer; its ICE reads back. */
  SdpDocument reparsed = parse_ok (sdp_message_to_text (answer.sdp.get ()));
  fail_unless (check_answer_matches_offer (offer, reparsed, err), "%s", err.message.c_str ());
  for (const auto & p : answer.streams) {
    IceDescription back = read_ice (reparsed.message (), p.stream - 1);
    fail_unless_equals_int (back.present (), p.kind == StreamPlan::Kind::Ice);
    if (p.kind != StreamPlan::Kind::Ice)
      continue;
    /* c= and m= carry the default candidate (RFC 5245 4.3). */
    fail_unless_equals_string (back.default_address.c_str (), "203.0.113.9");
    fail_unless (back.end_of_candidates);
    /* The peer's side goes to the agent. */
    fail_unless_equals_string (p.remote_ice.ufrag.c_str (), "8hhY");
    fail_unless_equals_string (p.remote_ice.pwd.c_str (), PWD);
    fail_unless_equals_int (p.ice_controlling, p.remote_ice.lite);
    fail_unless (!p.remote_ice.candidates.empty ());
  }
  if (std::string (c.expected_transports) == "none")
    fail_unless (answer.streams[0].note.find ("no ICE attributes") != std::string::npos,
        "note: %s", answer.streams[0].note.c_str ());
}

GST_END_TEST;

GST_START_TEST (test_answer_gather_failure)
{
  FakePipeline streams;
  streams.n_streams = 0;        /* sockets only where the case says */
  streams.ice[1] = 2;
  streams.fail_gather = true;
  AnswerOptions options;
  Negotiated answer;
  SdpError err;
  fail_if (answer_offer (parse_ok (HEAD "c=IN IP4 198.51.100.10\nm=audio 61000 RTP/AVP 0\n"
              ICE_MEDIA "a=candidate:" CAND_SRFLX1 "\n"), streams, options, answer, err));
  fail_unless_equals_string (err.message.c_str (), "cannot gather the ICE candidates of "
      "stream 1 (line 6 (m=audio 61000 RTP/AVP 0)): gathering timed out");
  fail_unless_equals_int (err.line, 6);
}

GST_END_TEST;

/* ---- the offerer ------------------------------------------------------ */

GST_START_TEST (test_offer_and_answer_ice)
{
  FakePipeline streams;
  streams.n_streams = 0;        /* sockets only where the case says */
  streams.ice[1] = 2;
  streams.ice[2] = 1;
  IceDescription ice1, ice2;
  std::string error;
  fail_unless (streams.gather_ice (1, ice1, error));
  fail_unless (streams.gather_ice (2, ice2, error));

  GstCaps *video = gst_caps_from_string ("application/x-rtp,media=video,payload=96,"
      "clock-rate=90000,encoding-name=VP8");
  GstCaps *audio = gst_caps_from_string ("application/x-rtp,media=audio,payload=0,"
      "clock-rate=8000,encoding-name=PCMU");
  std::vector<OfferedStream> offered (2);
  offered[0].caps = video;
  offered[0].ice = &ice1;
  offered[1].caps = audio;
  offered[1].ice = &ice2;
  offered[1].rtcp_mux = true;
  OfferOptions oo;
  oo.session_id = 3;
  SdpMessagePtr offer;
  SdpError err;
  fail_unless (build_offer (offered, oo, offer, err), "%s", err.message.c_str ());
  std::string media = media_text (offer.get ());
  for (const char *l : {"m=video 50100 RTP/AVP 96", "c=IN IP4 203.0.113.9",
          "a=ice-ufrag:LoCa", "a=rtcp:50101", "a=candidate:1 2 UDP",
          "m=audio 50110 RTP/AVP 0", "a=rtcp-mux"})
    fail_unless (contains_line (media, l), "no '%s' in\n%s", l, media.c_str ());
  fail_if (contains_line (media, "a=direction"), "%s", media.c_str ());
  /* Muxed stream 2 announces component 1 only. */
  fail_if (contains_line (media, "a=candidate:1 2 UDP 2130706431 10.0.0.2 50011"));
  SdpDocument offer_doc = parse_ok (sdp_message_to_text (offer.get ()));

  /* An ICE answer: both streams get ICE plans with the peer's side. */
  const char *answer_text = HEAD "c=IN IP4 198.51.100.10\n"
      "m=video 61000 RTP/AVP 96\na=rtpmap:96 VP8/90000\n" ICE_MEDIA
      "a=candidate:" CAND_SRFLX1 "\na=rtcp:61001\n"
      "m=audio 62000 RTP/AVP 0\n" ICE_MEDIA "a=rtcp-mux\na=candidate:" CAND_HOST1 "\n";
  AnswerReading reading;
  fail_unless (read_answer (offer_doc, parse_ok (answer_text), MissingPassive::Error,
          reading, err), "%s", err.message.c_str ());
  const std::string read_back = transports (reading.streams);
  fail_unless_equals_string (read_back.c_str (), "ice ice");
  fail_unless (reading.streams[0].ice_controlling);
  fail_unless_equals_string (reading.streams[0].remote_ice.candidates[0].c_str (), CAND_SRFLX1);
  fail_unless_equals_int (reading.streams[0].remote.rtcp_port, 61001);
  fail_unless (reading.streams[1].local.rtcp_mux);

  /* An answer without ICE to an ICE offer: the peer does not do ICE. */
  const char *plain = HEAD "c=IN IP4 198.51.100.10\nm=video 61000 RTP/AVP 96\n"
      "a=rtpmap:96 VP8/90000\nm=audio 62000 RTP/AVP 0\n";
  fail_if (read_answer (offer_doc, parse_ok (plain), MissingPassive::Error, reading, err));
  fail_unless_equals_string (err.message.c_str (), "the peer does not do ICE: answer "
      "line 6 (m=video 61000 RTP/AVP 96) has no a=ice-ufrag and a=ice-pwd");

  /* A stream without candidates cannot be offered with ICE. */
  IceDescription empty;
  offered[1].ice = &empty;
  fail_if (build_offer (offered, oo, offer, err));
  fail_unless (err.message.find ("stream 2 has no ICE credentials") == 0, "%s",
      err.message.c_str ());
  gst_caps_unref (video);
  gst_caps_unref (audio);
}

GST_END_TEST;

GST_START_TEST (test_offered_transport)
{
  struct {
    const char *media;
    PreferTransport prefer;
    Transport expected;
  } cases[] = {
    {"m=audio 5004 RTP/AVP 0\n" ICE_MEDIA, PreferTransport::Comedia, Transport::Ice},
    {"m=audio 9 RTP/AVP 0\na=direction:active\n", PreferTransport::Ice, Transport::Comedia},
    {"m=audio 9 RTP/AVP 0\na=direction:both\n", PreferTransport::Ice, Transport::Comedia},
    {"m=audio 5004 RTP/AVP 0\na=direction:passive\n", PreferTransport::Ice, Transport::Static},
    {"m=audio 5004 RTP/AVP 0\n", PreferTransport::Ice, Transport::Static},
    {"m=audio 5004 RTP/AVP 0\n" ICE_MEDIA "a=direction:active\n", PreferTransport::Ice,
          Transport::Ice},
    {"m=audio 5004 RTP/AVP 0\n" ICE_MEDIA "a=direction:active\n", PreferTransport::Comedia,
          Transport::Comedia},
  };
  for (const auto & c : cases) {
    SdpDocument doc = parse_ok (std::string (HEAD) + c.media);
    fail_unless (offered_transport (doc.message (), 0, c.prefer) == c.expected,
        "%s: got %s", c.media, transport_name (offered_transport (doc.message (), 0,
                c.prefer)));
  }
  CandidateFields f;
  fail_unless (candidate_fields (CAND_SRFLX1, f));
  fail_unless_equals_string (f.type.c_str (), "srflx");
  fail_unless_equals_string (f.address.c_str (), "198.51.100.10");
  fail_unless_equals_int (f.port, 61000);
  fail_unless_equals_int (f.component, 1);
}

GST_END_TEST;

static Suite *
ice_sdp_suite (void)
{
  Suite *s = suite_create ("ice-sdp");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_read_ice, 0, G_N_ELEMENTS (read_cases));
  tcase_add_loop_test (tc, test_answer_ice, 0, G_N_ELEMENTS (answer_cases));
  tcase_add_test (tc, test_answer_gather_failure);
  tcase_add_test (tc, test_offer_and_answer_ice);
  tcase_add_test (tc, test_offered_transport);
  return s;
}

GST_CHECK_MAIN (ice_sdp);

/* Unit tests of DTLS-SRTP in offer/answer (gst/core/sdp/dtlsnegotiation.h,
 * and its use by the answerer, the offerer and re-offers): the policy table
 * of both roles, every cell; the answers to a Chromium-style and a
 * baresip-style offer; a re-offer keeping or renewing the association; the
 * offerer's offer and its reading of answers.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "answerer.h"
#include "dtlsnegotiation.h"
#include "offerer.h"
#include "reoffer.h"
#include "sdpfakes.h"
#include "sdpparse.h"

#include <string>
#include <vector>

using namespace comedia;

/* The peers' certificates' fingerprints, and ours. */
#define CHROMIUM_HEX "6B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:" \
    "DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08"
#define BARESIP_HEX "1F:2E:3D:4C:5B:6A:79:88:97:A6:B5:C4:D3:E2:F1:00:" \
    "11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01"
#define OUR_HEX "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:" \
    "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"

static Fingerprint
fingerprint (const char *value)
{
  std::string why;
  std::optional<Fingerprint> fp = parse_fingerprint (value, why);
  fail_unless (fp.has_value (), "%s: %s", value, why.c_str ());
  return *fp;
}

/* Deterministic "random" bytes: 0, 1, 2, ... */
static RandomBytes
counting_random ()
{
  auto next = std::make_shared<uint8_t> (0);
  return [next] (uint8_t * out, size_t len) {
    for (size_t i = 0; i < len; i++)
      out[i] = (*next)++;
  };
}

static AnswerOptions
dtls_answer_options ()
{
  AnswerOptions o;
  o.public_address = "203.0.113.5";
  o.session_id = 42;
  o.random = counting_random ();
  o.dtls_fingerprint = fingerprint ("sha-256 " OUR_HEX);
  return o;
}

static Negotiated
answer_ok (const std::string & offer_text, FakePipeline & pipeline,
    const AnswerOptions & options)
{
  Negotiated out;
  SdpError err;
  fail_unless (answer_offer (parse_ok (offer_text), pipeline, options, out, err), "%s",
      err.message.c_str ());
  return out;
}

/* ---- the policy table -------------------------------------------------- */

GST_START_TEST (test_answer_policy_table)
{
  using M = MediaSecurity;
  using C = SecurityChoice;
  const DtlsPolicy off = DtlsPolicy::Off, acc = DtlsPolicy::Accept, req = DtlsPolicy::Require;
  const PlainRtpPolicy plain = PlainRtpPolicy::Accept, srtp = PlainRtpPolicy::RequireSrtp;
  /* offered x dtls x srtp: every cell. */
  const struct {
    M offered;
    DtlsPolicy dtls;
    PlainRtpPolicy srtp;
    C expected;
    const char *note;   /* start of the note of a rejection */
  } cells[] = {
    {M::Plain, off, plain, C::Plain, ""},
    {M::Plain, off, srtp, C::Reject, "SRTP is required (srtp=require)"},
    {M::Plain, acc, plain, C::Plain, ""},
    {M::Plain, acc, srtp, C::Reject, "SRTP is required (srtp=require)"},
    {M::Plain, req, plain, C::Reject, "DTLS-SRTP is required (dtls=require) and the offer "
          "has plain RTP"},
    {M::Plain, req, srtp, C::Reject, "DTLS-SRTP is required"},
    {M::Sdes, off, plain, C::Sdes, ""},
    {M::Sdes, off, srtp, C::Sdes, ""},
    {M::Sdes, acc, plain, C::Sdes, ""},
    {M::Sdes, acc, srtp, C::Sdes, ""},
    {M::Sdes, req, plain, C::Reject, "DTLS-SRTP is required (dtls=require) and the offer "
          "has SDES-SRTP"},
    {M::Sdes, req, srtp, C::Reject, "DTLS-SRTP is required"},
    {M::Dtls, off, plain, C::Reject, "the offer has DTLS-SRTP only and dtls=off"},
    {M::Dtls, off, srtp, C::Reject, "the offer has DTLS-SRTP only and dtls=off"},
    {M::Dtls, acc, plain, C::Dtls, ""},
    {M::Dtls, acc, srtp, C::Dtls, ""},
    {M::Dtls, req, plain, C::Dtls, ""},
    {M::Dtls, req, srtp, C::Dtls, ""},
    /* Both: DTLS unless it is off (what browsers need). */
    {M::SdesAndDtls, off, plain, C::Sdes, ""},
    {M::SdesAndDtls, off, srtp, C::Sdes, ""},
    {M::SdesAndDtls, acc, plain, C::Dtls, ""},
    {M::SdesAndDtls, acc, srtp, C::Dtls, ""},
    {M::SdesAndDtls, req, plain, C::Dtls, ""},
    {M::SdesAndDtls, req, srtp, C::Dtls, ""},
  };
  fail_unless_equals_int (G_N_ELEMENTS (cells), 4 * 3 * 2);
  for (const auto & c : cells) {
    SecurityDecision d = choose_answer_security (c.offered, c.dtls, c.srtp);
    fail_unless (d.choice == c.expected, "%s, dtls %d, srtp %d: %s, expected %s",
        media_security_name (c.offered), (int) c.dtls, (int) c.srtp,
        security_choice_name (d.choice), security_choice_name (c.expected));
    fail_unless (d.note.rfind (c.note, 0) == 0, "%s: note '%s'",
        media_security_name (c.offered), d.note.c_str ());
    fail_unless (d.note.empty () == (c.expected != C::Reject));
  }
}
GST_END_TEST;

GST_START_TEST (test_offer_policy_table)
{
  using M = MediaSecurity;
  const struct {
    DtlsPolicy dtls;
    SrtpOffer srtp;
    M offered;
  } cells[] = {
    {DtlsPolicy::Off, SrtpOffer::Plain, M::Plain},
    {DtlsPolicy::Off, SrtpOffer::BestEffort, M::Sdes},
    {DtlsPolicy::Off, SrtpOffer::Require, M::Sdes},
    {DtlsPolicy::Accept, SrtpOffer::Plain, M::Plain},
    {DtlsPolicy::Accept, SrtpOffer::BestEffort, M::Sdes},
    {DtlsPolicy::Accept, SrtpOffer::Require, M::Sdes},
    {DtlsPolicy::Require, SrtpOffer::Plain, M::Dtls},
    {DtlsPolicy::Require, SrtpOffer::BestEffort, M::Dtls},
    {DtlsPolicy::Require, SrtpOffer::Require, M::Dtls},
  };
  for (const auto & c : cells)
    fail_unless (offer_security (c.dtls, c.srtp) == c.offered, "dtls %d srtp %d",
        (int) c.dtls, (int) c.srtp);

  /* What the offerer accepts of an answer: every offered security (with
   * and without best effort) against every answered one. */
  using C = SecurityChoice;
  const struct {
    M offered;
    bool best_effort;
    M answered;
    C expected;
  } reading[] = {
    {M::Plain, false, M::Plain, C::Plain},
    {M::Plain, false, M::Sdes, C::Reject},
    {M::Plain, false, M::Dtls, C::Reject},
    {M::Plain, false, M::SdesAndDtls, C::Reject},
    {M::Sdes, false, M::Plain, C::Reject},
    {M::Sdes, false, M::Sdes, C::Sdes},
    {M::Sdes, false, M::Dtls, C::Reject},
    {M::Sdes, false, M::SdesAndDtls, C::Reject},
    {M::Sdes, true, M::Plain, C::Plain},
    {M::Sdes, true, M::Sdes, C::Sdes},
    {M::Sdes, true, M::Dtls, C::Reject},
    {M::Sdes, true, M::SdesAndDtls, C::Reject},
    {M::Dtls, false, M::Plain, C::Reject},
    {M::Dtls, false, M::Sdes, C::Reject},
    {M::Dtls, false, M::Dtls, C::Dtls},
    {M::Dtls, false, M::SdesAndDtls, C::Reject},
    {M::Dtls, true, M::Plain, C::Reject},
    {M::SdesAndDtls, false, M::Sdes, C::Sdes},
    {M::SdesAndDtls, false, M::Dtls, C::Dtls},
    {M::SdesAndDtls, false, M::SdesAndDtls, C::Reject},
  };
  for (const auto & r : reading) {
    SecurityDecision d = check_answered_security (r.offered, r.best_effort, r.answered);
    fail_unless (d.choice == r.expected, "offered %s (best effort %d), answered %s: %s",
        media_security_name (r.offered), r.best_effort, media_security_name (r.answered),
        security_choice_name (d.choice));
    if (d.choice == C::Reject)
      fail_unless_contains (d.note, "we offered");
  }
}
GST_END_TEST;

/* What an m-line offers, as the table sees it. */
GST_START_TEST (test_media_security_of)
{
  SdpDocument doc = parse_ok ("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
      "m=audio 1000 RTP/AVP 0\n"
      "m=audio 1002 RTP/SAVP 0\na=fingerprint:sha-256 " CHROMIUM_HEX "\n"
      "m=audio 1004 udp/tls/rtp/savpf 0\n"
      "m=audio 1006 rtp/savp 0\na=fingerprint:sha-256 " CHROMIUM_HEX "\n");
  const GstSDPMessage *m = doc.message ();
  fail_unless (media_security_of (m, 0, false) == MediaSecurity::Plain);
  fail_unless (media_security_of (m, 0, true) == MediaSecurity::Sdes);
  fail_unless (media_security_of (m, 1, false) == MediaSecurity::Dtls);
  fail_unless (media_security_of (m, 1, true) == MediaSecurity::SdesAndDtls);
  /* Protocol names in any case, both ways of offering DTLS-SRTP alike. */
  fail_unless (media_security_of (m, 2, false) == MediaSecurity::Dtls);
  fail_unless (media_security_of (m, 3, false) == MediaSecurity::Dtls);
}
GST_END_TEST;

/* ---- the answerer: a browser and a SIP phone ---------------------------- */

/* As headless Chromium offers (issue 26): UDP/TLS/RTP/SAVPF, a=fingerprint
 * sha-256 at media level, a=setup:actpass, ICE, a=mid, a=rtcp-mux. */
static const char *CHROMIUM_OFFER =
    "v=0\n"
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1\n"
    "s=-\n"
    "t=0 0\n"
    "a=group:BUNDLE 0\n"
    "a=msid-semantic: WMS\n"
    "m=audio 54400 UDP/TLS/RTP/SAVPF 111\n"
    "c=IN IP4 198.51.100.20\n"
    "a=rtcp:9 IN IP4 0.0.0.0\n"
    "a=candidate:1 1 udp 2122260223 10.0.0.20 54400 typ host generation 0\n"
    "a=candidate:2 1 udp 1686052607 198.51.100.20 54400 typ srflx raddr 10.0.0.20 "
    "rport 54400 generation 0\n"
    "a=ice-ufrag:Chrm\n"
    "a=ice-pwd:chromiumpasswordchromium\n"
    "a=ice-options:trickle\n"
    "a=fingerprint:sha-256 " CHROMIUM_HEX "\n"
    "a=setup:actpass\n"
    "a=mid:0\n"
    "a=sendrecv\n"
    "a=rtcp-mux\n"
    "a=rtpmap:111 opus/48000/2\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\n";

GST_START_TEST (test_answer_chromium_offer)
{
  FakePipeline pipeline;
  pipeline.n_streams = 0;
  pipeline.ice[1] = 1;
  Negotiated out = answer_ok (CHROMIUM_OFFER, pipeline, dtls_answer_options ());
  std::string media = media_text (out.sdp.get ());
  fail_unless_contains (media, "m=audio 50100 UDP/TLS/RTP/SAVPF 111\n");
  fail_unless_contains (media, "a=fingerprint:sha-256 " OUR_HEX "\n");
  fail_unless_contains (media, "a=setup:passive\n");
  fail_unless_contains (media, "a=ice-ufrag:LoCa\n");
  fail_unless_contains (media, "a=rtcp-mux\n");
  fail_unless_contains (media, "a=mid:0\n");
  fail_if_contains (media, "a=crypto");
  fail_if_contains (media, "a=tls-id");   /* the offer had none */
  fail_unless_contains (media, "a=rtpmap:111 opus/48000/2\n");

  const StreamPlan & p = out.streams[0];
  fail_unless (p.kind == StreamPlan::Kind::Ice);
  fail_unless (p.dtls.enabled);
  fail_unless (p.dtls.role == DtlsRole::Server);
  fail_unless (p.dtls.connect);
  fail_unless (p.dtls.new_association);
  fail_unless_equals_int (p.dtls.peer.fingerprints.size (), 1);
  fail_unless (p.dtls.peer.fingerprints[0] == fingerprint ("sha-256 " CHROMIUM_HEX));
  fail_if (p.srtp_inbound.enabled () || p.srtp_outbound.enabled ());
  fail_unless_contains (p.note, "DTLS-SRTP server (a=setup:passive)");
  fail_unless_equals_string (dtls_role_field (p.dtls), "server");

  /* An offered a=tls-id gets ours, fresh, in the answer. */
  std::string with_id = std::string (CHROMIUM_OFFER) + "a=tls-id:abcdefghijklmnopqrstuvwxyz\n";
  out = answer_ok (with_id, pipeline, dtls_answer_options ());
  media = media_text (out.sdp.get ());
  fail_unless_contains (media, "a=tls-id:000102030405060708090a0b0c0d0e0f\n");
  fail_unless_equals_string (out.streams[0].dtls.peer.tls_id.c_str (),
      "abcdefghijklmnopqrstuvwxyz");

  /* dtls=off: the browser's m-line gets port 0, as before DTLS. */
  AnswerOptions off = dtls_answer_options ();
  off.dtls = DtlsPolicy::Off;
  out = answer_ok (CHROMIUM_OFFER, pipeline, off);
  fail_unless (out.streams[0].kind == StreamPlan::Kind::Rejected);
  fail_unless_contains (media_text (out.sdp.get ()), "m=audio 0 UDP/TLS/RTP/SAVPF 111\n");
  /* RFC 5888 9.1: the rejected m-line keeps the offer's mid too. */
  fail_unless_contains (media_text (out.sdp.get ()), "a=mid:0\n");
  fail_unless_contains (out.streams[0].note, "DTLS-SRTP only and dtls=off");

  /* No certificate: DTLS-SRTP cannot be answered. */
  AnswerOptions none = dtls_answer_options ();
  none.dtls_fingerprint.reset ();
  out = answer_ok (CHROMIUM_OFFER, pipeline, none);
  fail_unless (out.streams[0].kind == StreamPlan::Kind::Rejected);
  fail_unless_contains (out.streams[0].note, "no certificate");
}
GST_END_TEST;

/* What baresip (Debian's, mediaenc=dtls_srtp, no ICE) sends from behind a
 * NAT, as issue 26 recorded it: m=audio 10080 UDP/TLS/RTP/SAVPF 0 8 101,
 * a=fingerprint (hash name in upper case, "SHA-256") and a=setup:actpass at
 * session level, its private address in c=, no ICE, no a=crypto, no
 * rtcp-mux (RTCP on port + 1). */
static const char *BARESIP_OFFER =
    "v=0\n"
    "o=- 1594872331 3141946023 IN IP4 192.168.1.10\n"
    "s=-\n"
    "c=IN IP4 192.168.1.10\n"
    "t=0 0\n"
    "a=fingerprint:SHA-256 " BARESIP_HEX "\n"
    "a=setup:actpass\n"
    "m=audio 10080 UDP/TLS/RTP/SAVPF 0 8 101\n"
    "b=AS:64\n"
    "a=rtpmap:0 PCMU/8000\n"
    "a=rtpmap:8 PCMA/8000\n"
    "a=rtpmap:101 telephone-event/8000\n"
    "a=fmtp:101 0-15\n"
    "a=sendrecv\n"
    "a=label:1\n"
    "a=ssrc:1455343412 cname:cee2ba4e5bf4d0ba\n"
    "a=rtcp-rsize\n"
    "a=ptime:20\n";

GST_START_TEST (test_answer_baresip_offer)
{
  FakePipeline pipeline;
  pipeline.n_streams = 1;
  Negotiated out = answer_ok (BARESIP_OFFER, pipeline, dtls_answer_options ());
  std::string media = media_text (out.sdp.get ());
  fail_unless_contains (media, "m=audio 40000 UDP/TLS/RTP/SAVPF 0 8 101\n");
  /* Ours at media level, lower-case hash name as RFC 8122 registers it. */
  fail_unless_contains (media, "a=fingerprint:sha-256 " OUR_HEX "\n");
  fail_unless_contains (media, "a=setup:passive\n");
  fail_unless_contains (media, "a=rtcp:40001\n");
  fail_if_contains (media, "a=rtcp-mux");
  fail_if_contains (media, "a=crypto");
  fail_if_contains (media, "a=tls-id");

  const StreamPlan & p = out.streams[0];
  /* A private c= and no a=direction: learn the peer from its packets (the
   * element lets nothing latch before a verified handshake). */
  fail_unless (p.kind == StreamPlan::Kind::Symmetric);
  fail_unless (p.dtls.enabled && p.dtls.role == DtlsRole::Server);
  fail_unless_equals_int (p.dtls.peer.fingerprints.size (), 1);
  fail_unless (p.dtls.peer.fingerprints[0] == fingerprint ("sha-256 " BARESIP_HEX));
  fail_unless_equals_string (p.remote.address.c_str (), "192.168.1.10");
  fail_unless_equals_int (p.remote.rtp_port, 10080);
  fail_unless_equals_int (p.remote.rtcp_port, 10081);
  fail_if (p.srtp_outbound.enabled ());

  /* srtp=require does not refuse DTLS-SRTP: it is SRTP. */
  AnswerOptions require = dtls_answer_options ();
  require.plain_rtp = PlainRtpPolicy::RequireSrtp;
  out = answer_ok (BARESIP_OFFER, pipeline, require);
  fail_unless (out.streams[0].dtls.enabled);
}
GST_END_TEST;

/* A=setup:passive (we connect), both a=crypto and a=fingerprint, and an
 * m-line without a usable fingerprint next to a good one. */
GST_START_TEST (test_answer_dtls_cases)
{
  FakePipeline pipeline;
  pipeline.n_streams = 2;
  const std::string head = "v=0\no=- 1 1 IN IP4 198.51.100.7\ns=-\nc=IN IP4 198.51.100.7\n"
      "t=0 0\n";
  /* The offerer is passive: we are the client, and connect to its address. */
  Negotiated out = answer_ok (head + "m=audio 7000 UDP/TLS/RTP/SAVP 0\n"
      "a=fingerprint:sha-1 " "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33\n"
      "a=setup:passive\n", pipeline, dtls_answer_options ());
  fail_unless_contains (media_text (out.sdp.get ()), "a=setup:active\n");
  fail_unless (out.streams[0].dtls.role == DtlsRole::Client);
  fail_unless (out.streams[0].kind == StreamPlan::Kind::Static);
  fail_unless_equals_string (out.streams[0].remote.address.c_str (), "198.51.100.7");

  /* Both offered (RTP/SAVP with a=crypto and a=fingerprint): DTLS, no
   * a=crypto; with dtls=off: SDES. */
  const std::string both = head + "m=audio 7000 RTP/SAVP 0\n"
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\n"
      "a=fingerprint:sha-256 " CHROMIUM_HEX "\na=setup:actpass\n";
  out = answer_ok (both, pipeline, dtls_answer_options ());
  std::string media = media_text (out.sdp.get ());
  fail_unless_contains (media, "m=audio 40000 RTP/SAVP 0\n");
  fail_unless_contains (media, "a=fingerprint:sha-256 " OUR_HEX);
  fail_if_contains (media, "a=crypto");
  fail_unless (out.streams[0].dtls.enabled);
  AnswerOptions off = dtls_answer_options ();
  off.dtls = DtlsPolicy::Off;
  out = answer_ok (both, pipeline, off);
  media = media_text (out.sdp.get ());
  fail_unless_contains (media, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:");
  fail_if_contains (media, "a=fingerprint");
  fail_if (out.streams[0].dtls.enabled);
  fail_unless (out.streams[0].srtp_outbound.enabled ());

  /* No usable fingerprint: that m-line is refused with a note, the next
   * one is answered. */
  out = answer_ok (head + "m=audio 7000 UDP/TLS/RTP/SAVP 0\na=fingerprint:md5 AB:CD\n"
      "a=setup:actpass\n"
      "m=audio 7002 UDP/TLS/RTP/SAVP 0\na=fingerprint:sha-256 " CHROMIUM_HEX "\n",
      pipeline, dtls_answer_options ());
  fail_unless (out.streams[0].kind == StreamPlan::Kind::Rejected);
  fail_unless_contains (out.streams[0].note, "line 6 (m=audio 7000 UDP/TLS/RTP/SAVP 0): "
      "the offer has DTLS-SRTP "
      "without a usable a=fingerprint (a=fingerprint:md5 AB:CD: hash function md5");
  fail_unless (out.streams[1].kind != StreamPlan::Kind::Rejected);
  /* No a=setup: RFC 4145's default, active; we are passive. */
  fail_unless (out.streams[1].dtls.role == DtlsRole::Server);

  /* dtls=require: plain media get port 0. */
  AnswerOptions require = dtls_answer_options ();
  require.dtls = DtlsPolicy::Require;
  out = answer_ok (head + "m=audio 7000 RTP/AVP 0\n", pipeline, require);
  fail_unless (out.streams[0].kind == StreamPlan::Kind::Rejected);
  fail_unless_contains (out.streams[0].note, "DTLS-SRTP is required");
}
GST_END_TEST;

/* ---- re-offers ----------------------------------------------------------- */

/* Answers @offer as the element does: the last answer's DTLS given, the
 * plans compared and remembered. */
static Negotiated
answer_again (AnsweredSession & session, FakePipeline & pipeline, const std::string & text)
{
  /* One source of bytes for the whole session, as the element's. */
  static RandomBytes random = counting_random ();
  AnswerOptions options = dtls_answer_options ();
  options.random = random;
  options.previous_dtls = session.previous_dtls ();
  SdpDocument offer = parse_ok (text);
  Negotiated out;
  SdpError err;
  fail_unless (answer_offer (offer, pipeline, options, out, err), "%s", err.message.c_str ());
  session.compare (offer, out.streams);
  session.remember (offer, out.streams);
  return out;
}

static std::string
tls_id_of (const Negotiated & n)
{
  const gchar *v = gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (n.sdp.get (),
          0), "tls-id");
  return v ? v : "";
}

GST_START_TEST (test_reoffer_association)
{
  FakePipeline pipeline;
  pipeline.n_streams = 1;
  AnsweredSession session;
  const std::string head = "v=0\no=- 1 1 IN IP4 198.51.100.7\ns=-\nc=IN IP4 198.51.100.7\n"
      "t=0 0\nm=audio 7000 UDP/TLS/RTP/SAVPF 0\na=setup:actpass\n";
  const std::string fp1 = "a=fingerprint:sha-256 " CHROMIUM_HEX "\n";
  const std::string fp2 = "a=fingerprint:sha-256 " BARESIP_HEX "\n";

  Negotiated first = answer_again (session, pipeline, head + fp1 + "a=tls-id:first-tls-id-0123456789\n");
  fail_unless (first.streams[0].dtls.new_association);
  std::string ours = tls_id_of (first);
  fail_unless_equals_int (ours.size (), 32);

  /* Hold with the same tls-id: the association and our tls-id stay. */
  Negotiated hold = answer_again (session, pipeline, head + fp1
      + "a=tls-id:first-tls-id-0123456789\na=sendonly\n");
  fail_if (hold.streams[0].dtls.new_association);
  fail_unless (tls_id_of (hold) == ours, "%s", tls_id_of (hold).c_str ());
  fail_unless_contains (hold.streams[0].note, "the association kept");

  /* A new tls-id: a new association, and a new tls-id of ours. */
  Negotiated renewed = answer_again (session, pipeline, head + fp1
      + "a=tls-id:second-tls-id-0123456789\n");
  fail_unless (renewed.streams[0].dtls.new_association);
  fail_if (tls_id_of (renewed) == ours);
  fail_unless_contains (renewed.streams[0].note, "a new association");

  /* Without tls-id the fingerprint says it: the same keeps, another renews. */
  session.forget ();
  fail_unless (answer_again (session, pipeline, head + fp1).streams[0].dtls.new_association);
  fail_if (answer_again (session, pipeline, head + fp1).streams[0].dtls.new_association);
  fail_unless (answer_again (session, pipeline, head + fp2).streams[0].dtls.new_association);

  /* A stream that had no DTLS before starts one. */
  session.forget ();
  answer_again (session, pipeline, "v=0\no=- 1 1 IN IP4 198.51.100.7\ns=-\n"
      "c=IN IP4 198.51.100.7\nt=0 0\nm=audio 7000 RTP/AVP 0\n");
  fail_unless (answer_again (session, pipeline, head + fp1).streams[0].dtls.new_association);
}
GST_END_TEST;

/* ---- the offerer ----------------------------------------------------------- */

static SdpMessagePtr
build_ok (bool ice_stream, DtlsPolicy dtls)
{
  GstCaps *caps = gst_caps_from_string ("application/x-rtp,media=audio,payload=0,"
      "encoding-name=PCMU,clock-rate=8000");
  IceDescription ice;
  ice.ufrag = "OfFr";
  ice.pwd = "offererpasswordofferer";
  ice.candidates = {"1 1 UDP 2130706431 10.0.0.2 50000 typ host"};
  ice.default_address = "10.0.0.2";
  ice.default_rtp_port = 50000;
  OfferedStream s;
  s.caps = caps;
  s.rtcp_mux = true;
  if (ice_stream)
    s.ice = &ice;
  OfferOptions o;
  o.session_id = 7;
  o.dtls = dtls;
  o.dtls_fingerprint = fingerprint ("sha-256 " OUR_HEX);
  o.srtp = SrtpOffer::Require;     /* DTLS-SRTP instead when dtls=require */
  o.random = counting_random ();
  SdpMessagePtr out;
  SdpError err;
  fail_unless (build_offer ({s}, o, out, err), "%s", err.message.c_str ());
  gst_caps_unref (caps);
  return out;
}

GST_START_TEST (test_offerer_offer)
{
  /* COMEDIA: we are behind NAT and send first: a=setup:active. */
  std::string media = media_text (build_ok (false, DtlsPolicy::Require).get ());
  fail_unless_equals_string (media.c_str (), "m=audio 9 UDP/TLS/RTP/SAVP 0\n"
      "a=rtpmap:0 PCMU/8000\n"
      "a=fingerprint:sha-256 " OUR_HEX "\na=setup:active\n"
      "a=rtcp-mux\na=direction:active\n");
  /* ICE: actpass, and SAVPF as browsers want it. */
  media = media_text (build_ok (true, DtlsPolicy::Require).get ());
  fail_unless_contains (media, "m=audio 50000 UDP/TLS/RTP/SAVPF 0\n");
  fail_unless_contains (media, "a=setup:actpass\n");
  fail_unless_contains (media, "a=fingerprint:sha-256 " OUR_HEX "\n");
  fail_if_contains (media, "a=crypto");
  /* RFC 5888: an ICE offer names each m-line (webrtcbin wants it). */
  fail_unless_contains (media, "a=mid:0\n");
  /* ... and its direction, also sendrecv (webrtcbin rejects none). */
  fail_unless_contains (media, "a=sendrecv\n");
  /* accept and off offer no DTLS: srtp says (here require: a=crypto). */
  media = media_text (build_ok (false, DtlsPolicy::Accept).get ());
  fail_unless_contains (media, "m=audio 9 RTP/SAVP 0\n");
  fail_unless_contains (media, "a=crypto:1 ");
  fail_if_contains (media, "a=fingerprint");

  /* No certificate, dtls=require: no offer. */
  OfferOptions o;
  o.dtls = DtlsPolicy::Require;
  SdpMessagePtr out;
  SdpError err;
  GstCaps *caps = gst_caps_from_string ("application/x-rtp,media=audio,payload=0,"
      "encoding-name=PCMU,clock-rate=8000");
  OfferedStream s;
  s.caps = caps;
  fail_if (build_offer ({s}, o, out, err));
  fail_unless_contains (err.message, "no certificate");
  gst_caps_unref (caps);
}
GST_END_TEST;

static AnswerReading
read_ok (const GstSDPMessage * offer, const std::string & answer_text)
{
  SdpDocument offer_doc, answer = parse_ok (answer_text);
  SdpError err;
  fail_unless (SdpDocument::from_message (offer, offer_doc, err));
  AnswerReading reading;
  fail_unless (read_answer (offer_doc, answer, MissingPassive::Error, reading, err), "%s",
      err.message.c_str ());
  return reading;
}

GST_START_TEST (test_offerer_reads_answer)
{
  SdpMessagePtr offer = build_ok (false, DtlsPolicy::Require);
  const std::string head = "v=0\no=- 1 1 IN IP4 203.0.113.5\ns=-\nc=IN IP4 203.0.113.5\n"
      "t=0 0\nm=audio 30000 UDP/TLS/RTP/SAVP 0\na=rtcp-mux\na=direction:passive\n";

  /* The answerer is passive: we are the client, toward its address. */
  AnswerReading r = read_ok (offer.get (), head + "a=fingerprint:SHA-256 " BARESIP_HEX "\n"
      "a=setup:passive\n");
  fail_unless (r.dtls_warning.empty ());
  const StreamPlan & p = r.streams[0];
  fail_unless (p.kind == StreamPlan::Kind::Static);
  fail_unless (p.dtls.enabled && p.dtls.role == DtlsRole::Client);
  fail_unless (p.dtls.peer.fingerprints[0] == fingerprint ("sha-256 " BARESIP_HEX));
  fail_unless_equals_string (p.remote.address.c_str (), "203.0.113.5");
  fail_unless_equals_int (p.remote.rtp_port, 30000);
  fail_unless_contains (p.note, "DTLS-SRTP client (a=setup:active)");

  /* An answer without a fingerprint: that stream is rejected, with a
   * warning, and the reading goes on. */
  r = read_ok (offer.get (), head + "a=setup:passive\n");
  fail_unless (r.streams[0].kind == StreamPlan::Kind::Rejected);
  fail_unless_contains (r.dtls_warning, "the answer has DTLS-SRTP without a usable "
      "a=fingerprint");

  /* active to our active breaks the table. */
  r = read_ok (offer.get (), head + "a=fingerprint:sha-256 " BARESIP_HEX "\na=setup:active\n");
  fail_unless (r.streams[0].kind == StreamPlan::Kind::Rejected);
  fail_unless_contains (r.dtls_warning, "does not fit our a=setup:active");

  /* A plain answer to our DTLS-SRTP offer breaks the table too. */
  r = read_ok (offer.get (), "v=0\no=- 1 1 IN IP4 203.0.113.5\ns=-\nc=IN IP4 203.0.113.5\n"
      "t=0 0\nm=audio 30000 RTP/AVP 0\na=direction:passive\n");
  fail_unless (r.streams[0].kind == StreamPlan::Kind::Rejected);
  fail_unless_contains (r.dtls_warning, "the answer has plain RTP but we offered DTLS-SRTP");

  /* ICE: the answerer takes actpass as passive or active. */
  SdpMessagePtr ice_offer = build_ok (true, DtlsPolicy::Require);
  r = read_ok (ice_offer.get (), "v=0\no=- 1 1 IN IP4 203.0.113.5\ns=-\n"
      "c=IN IP4 203.0.113.5\nt=0 0\nm=audio 30000 UDP/TLS/RTP/SAVPF 0\n"
      "a=ice-ufrag:AnSw\na=ice-pwd:answererpasswordanswerer\n"
      "a=candidate:1 1 UDP 2130706431 203.0.113.5 30000 typ host\na=rtcp-mux\n"
      "a=fingerprint:sha-256 " CHROMIUM_HEX "\na=setup:active\n");
  fail_unless (r.streams[0].kind == StreamPlan::Kind::Ice);
  fail_unless (r.streams[0].dtls.enabled && r.streams[0].dtls.role == DtlsRole::Server);
}
GST_END_TEST;

static Suite *
dtls_negotiation_suite (void)
{
  Suite *s = suite_create ("dtls-negotiation");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_answer_policy_table);
  tcase_add_test (tc, test_offer_policy_table);
  tcase_add_test (tc, test_media_security_of);
  tcase_add_test (tc, test_answer_chromium_offer);
  tcase_add_test (tc, test_answer_baresip_offer);
  tcase_add_test (tc, test_answer_dtls_cases);
  tcase_add_test (tc, test_reoffer_association);
  tcase_add_test (tc, test_offerer_offer);
  tcase_add_test (tc, test_offerer_reads_answer);
  return s;
}

GST_CHECK_MAIN (dtls_negotiation);

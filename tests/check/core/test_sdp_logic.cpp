/* Unit tests of the COMEDIA offer/answer rules on GstSDPMessage: offer by
 * offer, with fake ports, no pipeline.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "answerer.h"
#include "mediatransport.h"
#include "netaddress.h"
#include "offerer.h"
#include "sdpfakes.h"
#include "sdpparse.h"

#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

using namespace comedia;

/* ---- fixtures --------------------------------------------------------- */

static AnswerOptions
default_answer_options ()
{
  AnswerOptions o;
  o.public_address = "203.0.113.5";
  o.session_id = 42;
  o.default_route_address = [] (bool ipv6) {
    return std::string (ipv6 ? "2001:db8::50" : "192.0.2.50");
  };
  return o;
}

static std::string
sdp_text (const GstSDPMessage * msg)
{
  return strip_cr (sdp_message_to_text (msg));
}

static std::string
describe (const StreamPlan & p)
{
  switch (p.kind) {
    case StreamPlan::Kind::Latch:
      return p.local.rtcp_mux ? "latch mux" : "latch";
    case StreamPlan::Kind::Rejected:
      return "rejected";
    case StreamPlan::Kind::Ice:
      return "ice";
    case StreamPlan::Kind::Symmetric:
      return std::string (p.send_before_latch ? "symmetric, first to " : "symmetric, from ") +
          (p.remote.address.empty () ? "0.0.0.0" : p.remote.address) + ":" +
          std::to_string (p.remote.rtp_port) + "/" + std::to_string (p.remote.rtcp_port);
    case StreamPlan::Kind::Static:
      if (p.remote.address.empty ())
        return "static hold";
      if (p.remote.rtcp_mux)
        return "static mux " + p.remote.address + ":" + std::to_string (p.remote.rtp_port);
      return "static " + p.remote.address + ":" + std::to_string (p.remote.rtp_port) +
          "/" + std::to_string (p.remote.rtcp_port);
  }
  return "?";
}

static std::vector<std::string>
describe (const std::vector<StreamPlan> & plans)
{
  std::vector<std::string> out;
  for (const auto & p : plans)
    out.push_back (describe (p));
  return out;
}

static std::string
join (const std::vector<std::string> & v)
{
  std::string out;
  for (const auto & s : v)
    out += (out.empty () ? "" : ", ") + s;
  return "[" + out + "]";
}

#define HEAD "v=0\no=- 0 0 IN IP4 198.51.100.10\ns=peer\nt=0 0\n"

/* ---- the seed's example ----------------------------------------------- */

/* The offer of the Kurento "RTP without ICE" example
 * (shared/reference/kurento-nat-traversal.txt) with the highlighted lines
 * put back and documentation addresses filled in: the active peer is at
 * 198.51.100.10 behind NAT, sends only, and asks for COMEDIA. */
static const char *SEED_OFFER =
    "v=0\r\n"
    "o=- 0 0 IN IP4 198.51.100.10\r\n"
    "s=Example sender\r\n"
    "c=IN IP4 198.51.100.10\r\n"
    "t=0 0\r\n"
    "m=audio 9 RTP/AVPF 96\r\n"
    "a=rtpmap:96 opus/48000/2\r\n"
    "a=sendonly\r\n"
    "a=direction:active\r\n"
    "a=ssrc:2366532034 cname:user1@host-1\r\n"
    "m=video 9 RTP/AVPF 103\r\n"
    "a=rtpmap:103 H264/90000\r\n"
    "a=sendonly\r\n"
    "a=direction:active\r\n"
    "a=ssrc:1577418766 cname:user1@host-1\r\n";

GST_START_TEST (test_seed_example)
{
  FakePipeline streams;
  AnswerOptions options = default_answer_options ();
  options.session_name = "Kurento Media Server";
  options.session_id = 3696336115u;
  Negotiated answer;
  SdpError err;
  fail_unless (answer_offer (parse_ok (SEED_OFFER), streams, options, answer, err),
      "%s", err.message.c_str ());

  /* Shaped like the seed's answer: the public address in c=, real bound
   * ports, formats kept, sendonly answered recvonly, passive on both. */
  const std::string expected =
      "v=0\n"
      "o=- 3696336115 3696336115 IN IP4 203.0.113.5\n"
      "s=Kurento Media Server\n"
      "c=IN IP4 203.0.113.5\n"
      "t=0 0\n"
      "m=audio 40000 RTP/AVPF 96\n"
      "a=rtpmap:96 opus/48000/2\n"
      "a=rtcp:40001\n"
      "a=recvonly\n"
      "a=direction:passive\n"
      "m=video 40010 RTP/AVPF 103\n"
      "a=rtpmap:103 H264/90000\n"
      "a=rtcp:40011\n"
      "a=recvonly\n"
      "a=direction:passive\n";
  const std::string text = sdp_text (answer.sdp.get ());
  fail_unless_equals_string (text.c_str (), expected.c_str ());
  /* The sockets were opened before the answer was made. */
  fail_unless (streams.opened == (std::vector<guint> {1, 2}));
  const std::string plans = join (describe (answer.streams));
  fail_unless_equals_string (plans.c_str (), "[latch, latch]");

  /* The answer is valid SDP that answers the offer. */
  SdpDocument reparsed = parse_ok (sdp_message_to_text (answer.sdp.get ()));
  fail_unless (check_answer_matches_offer (parse_ok (SEED_OFFER), reparsed, err),
      "%s", err.message.c_str ());
}

GST_END_TEST;

/* ---- answerer rules --------------------------------------------------- */

struct AnswerCase {
  const char *rule;
  const char *offer;
  std::function<void (AnswerOptions &, FakePipeline &)> setup;
  const char *expected_media;           /* all m= sections of the answer */
  std::vector<std::string> expected_plans;
  const char *expected_session_c;       /* the answer's session-level c= */
};

static const AnswerCase answer_cases[] = {
  {"a=direction:active is answered passive on this stream's RTP port, "
        "a=rtcp of component 2, c= public-address, the offer's address ignored",
        HEAD "c=IN IP4 198.51.100.10\nm=audio 9 RTP/AVP 0\na=direction:active\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:passive\n",
        {"latch"}, "c=IN IP4 203.0.113.5"},
  {"c=IN IP4 0.0.0.0 in a COMEDIA offer does not matter",
        HEAD "c=IN IP4 0.0.0.0\nm=audio 9 RTP/AVP 0\na=direction:active\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:passive\n",
        {"latch"}, "c=IN IP4 203.0.113.5"},
  {"a private c= in a COMEDIA offer does not matter",
        HEAD "c=IN IP4 10.0.0.5\nm=audio 9 RTP/AVP 0\na=direction:active\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:passive\n",
        {"latch"}, "c=IN IP4 203.0.113.5"},
  {"no c= at all in a COMEDIA offer does not matter",
        HEAD "m=audio 9 RTP/AVP 0\na=direction:active\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:passive\n",
        {"latch"}, "c=IN IP4 203.0.113.5"},
  {"a port other than 9 in a COMEDIA offer is ignored too",
        HEAD "c=IN IP4 10.0.0.5\nm=audio 5004 RTP/AVP 0\na=direction:active\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:passive\n",
        {"latch"}, "c=IN IP4 203.0.113.5"},
  {"without public-address, c= is the bound address when it is specific",
        HEAD "m=audio 9 RTP/AVP 0\na=direction:active\n",
        [] (AnswerOptions & o, FakePipeline & s) {
          o.public_address.clear ();
          s.bound = "198.51.100.20";
        },
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:passive\n",
        {"latch"}, "c=IN IP4 198.51.100.20"},
  {"without public-address and bound to the wildcard, c= is the default "
        "route's interface address",
        HEAD "m=audio 9 RTP/AVP 0\na=direction:active\n",
        [] (AnswerOptions & o, FakePipeline &) { o.public_address.clear (); },
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:passive\n",
        {"latch"}, "c=IN IP4 192.0.2.50"},
  {"an IPv6 offer and a dual-stack socket get the IPv6 default route address",
        "v=0\no=- 0 0 IN IP6 2001:db8::10\ns=peer\nc=IN IP6 ::\nt=0 0\n"
        "m=audio 9 RTP/AVP 0\na=direction:active\n",
        [] (AnswerOptions & o, FakePipeline & s) {
          o.public_address.clear ();
          s.bound = "::";
        },
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:passive\n",
        {"latch"}, "c=IN IP6 2001:db8::50"},
  {"a=rtcp-mux offered and enabled is answered a=rtcp-mux instead of a=rtcp",
        HEAD "m=audio 9 RTP/AVP 0\na=rtcp-mux\na=direction:active\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp-mux\na=direction:passive\n",
        {"latch mux"}, "c=IN IP4 203.0.113.5"},
  {"a=rtcp-mux offered but disabled is answered with a=rtcp",
        HEAD "m=audio 9 RTP/AVP 0\na=rtcp-mux\na=direction:active\n",
        [] (AnswerOptions & o, FakePipeline &) { o.rtcp_mux = false; },
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:passive\n",
        {"latch"}, "c=IN IP4 203.0.113.5"},
  {"a=rtcp-mux offered but the stream's RTCP socket is separate already",
        HEAD "m=audio 9 RTP/AVP 0\na=rtcp-mux\na=direction:active\n",
        [] (AnswerOptions &, FakePipeline & s) { s.can_mux = false; },
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:passive\n",
        {"latch"}, "c=IN IP4 203.0.113.5"},
  {"no direction attribute: an ordinary answer, static destination from c= and "
        "port, RTCP on port + 1",
        HEAD "c=IN IP4 198.51.100.7\nm=audio 5004 RTP/AVP 0\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\n",
        {"static 198.51.100.7:5004/5005"}, "c=IN IP4 203.0.113.5"},
  {"no direction attribute: a=rtcp gives the RTCP port",
        HEAD "c=IN IP4 198.51.100.7\nm=audio 5004 RTP/AVP 0\na=rtcp:6000\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\n",
        {"static 198.51.100.7:5004/6000"}, "c=IN IP4 203.0.113.5"},
  {"no direction attribute: media-level c= wins over the session's",
        HEAD "c=IN IP4 198.51.100.7\nm=audio 5004 RTP/AVP 0\nc=IN IP4 198.51.100.8\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\n",
        {"static 198.51.100.8:5004/5005"}, "c=IN IP4 203.0.113.5"},
  {"no direction attribute with rtcp-mux: RTCP goes to the RTP port",
        HEAD "c=IN IP4 198.51.100.7\nm=audio 5004 RTP/AVP 0\na=rtcp-mux\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp-mux\n",
        {"static mux 198.51.100.7:5004"}, "c=IN IP4 203.0.113.5"},
  {"no direction attribute and c= 0.0.0.0, symmetric-rtp=never: on hold, nothing to send to",
        HEAD "c=IN IP4 0.0.0.0\nm=audio 5004 RTP/AVP 0\n",
        [] (AnswerOptions & o, FakePipeline &) { o.symmetric = SymmetricRtp::Never; },
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\n",
        {"static hold"}, "c=IN IP4 203.0.113.5"},
  /* symmetric-rtp=auto (the default) for offers without a=direction, as SIP
   * phones behind NAT send them (baresip 1.0: its private c=, its own port,
   * a=sendrecv): the address decides. */
  {"no direction attribute, a private c= (RFC 1918): symmetric, nothing sent before the "
        "latch, an ordinary answer that accepts reduced-size RTCP",
        HEAD "c=IN IP4 192.168.1.20\nm=audio 4766 RTP/AVP 0 8 101\na=rtpmap:0 PCMU/8000\n"
        "a=rtpmap:8 PCMA/8000\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15\n"
        "a=sendrecv\na=rtcp-rsize\na=ptime:20\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0 8 101\na=rtpmap:0 PCMU/8000\na=rtpmap:8 PCMA/8000\n"
        "a=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15\na=rtcp-rsize\na=ptime:20\n"
        "a=rtcp:40001\na=sendrecv\n",
        {"symmetric, from 192.168.1.20:4766/4767"}, "c=IN IP4 203.0.113.5"},
  {"no direction attribute, carrier-grade NAT c= (100.64/10): symmetric",
        HEAD "c=IN IP4 100.72.1.2\nm=audio 5004 RTP/AVP 0\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\n",
        {"symmetric, from 100.72.1.2:5004/5005"}, "c=IN IP4 203.0.113.5"},
  {"no direction attribute, a ULA c= (fc00::/7): symmetric",
        HEAD "c=IN IP6 fd00:77::2\nm=audio 5004 RTP/AVP 0\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\n",
        {"symmetric, from fd00:77::2:5004/5005"}, "c=IN IP4 203.0.113.5"},
  {"no direction attribute and c= 0.0.0.0: symmetric (the peer's packets say where it is)",
        HEAD "c=IN IP4 0.0.0.0\nm=audio 5004 RTP/AVP 0\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\n",
        {"symmetric, from 0.0.0.0:5004/5005"}, "c=IN IP4 203.0.113.5"},
  {"no direction attribute, a loopback c=: static (reachable from this host)",
        HEAD "c=IN IP4 127.0.0.1\nm=audio 5004 RTP/AVP 0\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\n",
        {"static 127.0.0.1:5004/5005"}, "c=IN IP4 203.0.113.5"},
  {"no direction attribute, a private c=, symmetric-rtp=never: static, as before",
        HEAD "c=IN IP4 192.168.1.20\nm=audio 5004 RTP/AVP 0\n",
        [] (AnswerOptions & o, FakePipeline &) { o.symmetric = SymmetricRtp::Never; },
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\n",
        {"static 192.168.1.20:5004/5005"}, "c=IN IP4 203.0.113.5"},
  {"no direction attribute, a public c=, symmetric-rtp=always: symmetric, sending to the "
        "signalled address until a source latches",
        HEAD "c=IN IP4 198.51.100.7\nm=audio 5004 RTP/AVP 0\n",
        [] (AnswerOptions & o, FakePipeline &) { o.symmetric = SymmetricRtp::Always; },
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\n",
        {"symmetric, first to 198.51.100.7:5004/5005"}, "c=IN IP4 203.0.113.5"},
  {"a=direction:passive in the offer: we start, sending to its address",
        HEAD "c=IN IP4 198.51.100.7\nm=audio 5004 RTP/AVP 0\na=direction:passive\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:active\n",
        {"static 198.51.100.7:5004/5005"}, "c=IN IP4 203.0.113.5"},
  {"a=direction:both is answered passive and latches",
        HEAD "m=audio 9 RTP/AVP 0\na=direction:both\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:passive\n",
        {"latch"}, "c=IN IP4 203.0.113.5"},
  {"session-level a=direction:active applies to every media",
        HEAD "a=direction:active\nm=audio 9 RTP/AVP 0\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:passive\n",
        {"latch"}, "c=IN IP4 203.0.113.5"},
  {"sendonly is answered recvonly",
        HEAD "m=audio 9 RTP/AVP 0\na=sendonly\na=direction:active\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=recvonly\na=direction:passive\n",
        {"latch"}, "c=IN IP4 203.0.113.5"},
  {"recvonly is answered sendonly",
        HEAD "m=audio 9 RTP/AVP 0\na=recvonly\na=direction:active\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=sendonly\na=direction:passive\n",
        {"latch"}, "c=IN IP4 203.0.113.5"},
  {"sendrecv stays sendrecv",
        HEAD "m=audio 9 RTP/AVP 0\na=sendrecv\na=direction:active\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=sendrecv\na=direction:passive\n",
        {"latch"}, "c=IN IP4 203.0.113.5"},
  {"inactive stays inactive",
        HEAD "m=audio 9 RTP/AVP 0\na=inactive\na=direction:active\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=inactive\na=direction:passive\n",
        {"latch"}, "c=IN IP4 203.0.113.5"},
  {"a session-level sendonly is answered recvonly on the media",
        HEAD "a=sendonly\nm=audio 9 RTP/AVP 0\na=direction:active\n",
        nullptr,
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=recvonly\na=direction:passive\n",
        {"latch"}, "c=IN IP4 203.0.113.5"},
  {"offered formats are kept: payload types, rtpmap, fmtp, rtcp-fb; the "
        "offerer's ssrc is not",
        HEAD "m=video 9 RTP/AVPF 96 97\na=rtpmap:96 VP8/90000\na=rtcp-fb:96 nack\n"
        "a=rtpmap:97 H264/90000\na=fmtp:97 packetization-mode=1\n"
        "a=ssrc:1 cname:x\na=direction:active\n",
        nullptr,
        "m=video 40000 RTP/AVPF 96 97\na=rtpmap:96 VP8/90000\na=rtcp-fb:96 nack\n"
        "a=rtpmap:97 H264/90000\na=fmtp:97 packetization-mode=1\n"
        "a=rtcp:40001\na=direction:passive\n",
        {"latch"}, "c=IN IP4 203.0.113.5"},
  {"formats narrowed by encoding name (any case) keep only their attributes",
        HEAD "m=video 9 RTP/AVPF 96 97\na=rtpmap:96 VP8/90000\na=rtcp-fb:96 nack\n"
        "a=rtpmap:97 H264/90000\na=fmtp:97 packetization-mode=1\na=rtcp-fb:* ccm fir\n"
        "a=direction:active\n",
        [] (AnswerOptions & o, FakePipeline &) { o.formats = {"h264"}; },
        "m=video 40000 RTP/AVPF 97\na=rtpmap:97 H264/90000\n"
        "a=fmtp:97 packetization-mode=1\na=rtcp-fb:* ccm fir\n"
        "a=rtcp:40001\na=direction:passive\n",
        {"latch"}, "c=IN IP4 203.0.113.5"},
  {"formats narrowed by payload type number, static types by their RTP/AVP name",
        HEAD "m=audio 9 RTP/AVP 0 8 96\na=rtpmap:96 opus/48000/2\na=direction:active\n",
        [] (AnswerOptions & o, FakePipeline &) { o.formats = {"96", "PCMA"}; },
        "m=audio 40000 RTP/AVP 8 96\na=rtpmap:96 opus/48000/2\n"
        "a=rtcp:40001\na=direction:passive\n",
        {"latch"}, "c=IN IP4 203.0.113.5"},
  {"narrowing that leaves no format rejects the m-line with port 0",
        HEAD "m=audio 9 RTP/AVP 0\na=direction:active\n"
        "m=video 9 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=direction:active\n",
        [] (AnswerOptions & o, FakePipeline &) { o.formats = {"VP8"}; },
        "m=audio 0 RTP/AVP 0\n"
        "m=video 40010 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=rtcp:40011\na=direction:passive\n",
        {"rejected", "latch"}, "c=IN IP4 203.0.113.5"},
  {"an m-line the pipeline has no stream for is rejected with port 0",
        HEAD "m=audio 9 RTP/AVP 0\na=direction:active\n"
        "m=video 9 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=direction:active\n",
        [] (AnswerOptions &, FakePipeline & s) { s.n_streams = 1; },
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:passive\n"
        "m=video 0 RTP/AVP 96\n",
        {"latch", "rejected"}, "c=IN IP4 203.0.113.5"},
  {"a=mid is kept on every answered m-line, rejected ones too (RFC 5888 9.1)",
        HEAD "m=audio 9 RTP/AVP 0\na=mid:a\na=direction:active\n"
        "m=video 9 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=mid:v\na=direction:active\n",
        [] (AnswerOptions &, FakePipeline & s) { s.n_streams = 1; },
        "m=audio 40000 RTP/AVP 0\na=mid:a\na=rtcp:40001\na=direction:passive\n"
        "m=video 0 RTP/AVP 96\na=mid:v\n",
        {"latch", "rejected"}, "c=IN IP4 203.0.113.5"},
  {"an m-line the offer disabled (port 0) stays disabled",
        HEAD "m=audio 0 RTP/AVP 0\nm=video 9 RTP/AVP 96\na=rtpmap:96 VP8/90000\n"
        "a=direction:active\n",
        nullptr,
        "m=audio 0 RTP/AVP 0\n"
        "m=video 40010 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=rtcp:40011\na=direction:passive\n",
        {"rejected", "latch"}, "c=IN IP4 203.0.113.5"},
  {"an m-line that is not RTP/AVP or RTP/AVPF is rejected",
        HEAD "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\na=direction:active\n",
        nullptr,
        "m=application 0 UDP/DTLS/SCTP webrtc-datachannel\n",
        {"rejected"}, "c=IN IP4 203.0.113.5"},
  {"streams bound to different specific addresses get media-level c=",
        HEAD "m=audio 9 RTP/AVP 0\na=direction:active\n"
        "m=audio 9 RTP/AVP 0\na=direction:active\n",
        [] (AnswerOptions & o, FakePipeline & s) {
          o.public_address.clear ();
          s.bound = "198.51.100.20";
        },
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:passive\n"
        "m=audio 40010 RTP/AVP 0\na=rtcp:40011\na=direction:passive\n",
        {"latch", "latch"}, "c=IN IP4 198.51.100.20"},
};

GST_START_TEST (test_answer_rules)
{
  const AnswerCase & c = answer_cases[__i__];
  FakePipeline streams;
  AnswerOptions options = default_answer_options ();
  if (c.setup)
    c.setup (options, streams);
  Negotiated answer;
  SdpError err;
  fail_unless (answer_offer (parse_ok (c.offer), streams, options, answer, err),
      "rule '%s': %s", c.rule, err.message.c_str ());
  std::string media = media_text (answer.sdp.get ());
  fail_unless (media == c.expected_media, "rule '%s':\nexpected\n%s\ngot\n%s",
      c.rule, c.expected_media, media.c_str ());
  std::string plans = join (describe (answer.streams));
  fail_unless (plans == join (c.expected_plans), "rule '%s': plans %s, expected %s",
      c.rule, plans.c_str (), join (c.expected_plans).c_str ());
  std::string text = sdp_text (answer.sdp.get ());
  fail_unless (text.find (std::string ("\n") + c.expected_session_c + "\n") != std::string::npos,
      "rule '%s': no '%s' in\n%s", c.rule, c.expected_session_c, text.c_str ());
  /* Every port the answer announces was opened first. */
  for (const auto & p : answer.streams) {
    bool opened = false;
    for (guint s : streams.opened)
      opened |= s == p.stream;
    fail_unless (opened == (p.kind != StreamPlan::Kind::Rejected),
        "rule '%s': stream %u opened=%d", c.rule, p.stream, opened);
  }
  /* The answer parses back and answers the offer. */
  SdpDocument reparsed = parse_ok (sdp_message_to_text (answer.sdp.get ()));
  fail_unless (check_answer_matches_offer (parse_ok (c.offer), reparsed, err),
      "rule '%s': %s", c.rule, err.message.c_str ());
}

GST_END_TEST;

/* ---- the source restriction (rtpengine's heuristic) --------------------- */

GST_START_TEST (test_is_public_address)
{
  for (const char *ip : { "198.51.100.10", "203.0.113.1", "8.8.8.8", "2001:db8::10",
          "2a00:1450::1", "::ffff:198.51.100.10" })
    fail_unless (is_public_address (ip), "%s should be public", ip);
  for (const char *ip : { "0.0.0.0", "10.0.0.5", "172.16.0.1", "172.31.255.1",
          "192.168.1.2", "100.64.0.1", "100.127.255.254", "127.0.0.1", "169.254.1.1",
          "224.0.0.1", "255.255.255.255", "::", "::1", "fe80::1", "fd00::5", "fc00::1",
          "ff02::1", "::ffff:10.0.0.1", "", "example.com", "198.51.100.0/24" })
    fail_if (is_public_address (ip), "%s should not be public", ip);
  /* Just outside the private ranges. */
  fail_unless (is_public_address ("172.32.0.1"));
  fail_unless (is_public_address ("100.128.0.1"));
}

GST_END_TEST;

struct AllowedCase {
  const char *offer;
  const char *expected;     /* StreamPlan::allowed_source of stream 1 */
  bool restrict_source;
};

static const AllowedCase allowed_cases[] = {
  {HEAD "c=IN IP4 198.51.100.10\nm=audio 9 RTP/AVP 0\na=direction:active\n", "198.51.100.10", true},
  {HEAD "c=IN IP4 198.51.100.10\nm=audio 9 RTP/AVP 0\na=direction:active\n", "", false},
  {HEAD "c=IN IP4 0.0.0.0\nm=audio 9 RTP/AVP 0\na=direction:active\n", "", true},
  {HEAD "c=IN IP4 10.0.0.5\nm=audio 9 RTP/AVP 0\na=direction:active\n", "", true},
  {HEAD "c=IN IP4 192.168.1.20\nm=audio 9 RTP/AVP 0\na=direction:active\n", "", true},
  {HEAD "c=IN IP4 100.64.7.7\nm=audio 9 RTP/AVP 0\na=direction:active\n", "", true},
  {HEAD "m=audio 9 RTP/AVP 0\na=direction:active\n", "", true},
  /* media-level c= wins */
  {HEAD "c=IN IP4 10.0.0.5\nm=audio 9 RTP/AVP 0\nc=IN IP4 198.51.100.8\na=direction:active\n",
        "198.51.100.8", true},
  /* a plain peer without a=direction sends from where it says */
  {HEAD "c=IN IP4 198.51.100.7\nm=audio 5004 RTP/AVP 0\n", "198.51.100.7", true},
  {"v=0\no=- 0 0 IN IP6 2001:db8::10\ns=peer\nc=IN IP6 2001:db8::10\nt=0 0\n"
        "m=audio 9 RTP/AVP 0\na=direction:active\n", "2001:db8::10", true},
  {"v=0\no=- 0 0 IN IP6 fd00::10\ns=peer\nc=IN IP6 fd00::10\nt=0 0\n"
        "m=audio 9 RTP/AVP 0\na=direction:active\n", "", true},
};

GST_START_TEST (test_allowed_source_from_offer)
{
  const AllowedCase & c = allowed_cases[__i__];
  FakePipeline streams;
  AnswerOptions options = default_answer_options ();
  options.restrict_source = c.restrict_source;
  Negotiated answer;
  SdpError err;
  fail_unless (answer_offer (parse_ok (c.offer), streams, options, answer, err),
      "%s", err.message.c_str ());
  fail_unless_equals_int (answer.streams.size (), 1);
  fail_unless_equals_string (answer.streams[0].allowed_source.c_str (), c.expected);
}

GST_END_TEST;

GST_START_TEST (test_answer_origin_and_session_name)
{
  const char *offer = HEAD "m=audio 9 RTP/AVP 0\na=direction:active\n";
  std::string with_times = std::string ("v=0\no=- 0 0 IN IP4 198.51.100.10\ns=peer\n"
      "t=3034423619 3042462419\nm=audio 9 RTP/AVP 0\na=direction:active\n");
  FakePipeline streams;
  AnswerOptions options = default_answer_options ();
  options.session_id = 0;       /* fresh */
  options.session_name = "my answerer";
  Negotiated a1, a2;
  SdpError err;
  fail_unless (answer_offer (parse_ok (offer), streams, options, a1, err));
  fail_unless (answer_offer (parse_ok (offer), streams, options, a2, err));
  const GstSDPOrigin *o1 = gst_sdp_message_get_origin (a1.sdp.get ());
  const GstSDPOrigin *o2 = gst_sdp_message_get_origin (a2.sdp.get ());
  fail_if (g_str_equal (o1->sess_id, "0"), "the offer's o= id was reused");
  fail_unless (g_strcmp0 (o1->sess_id, o2->sess_id) != 0, "two answers, one session id");
  fail_unless_equals_string (o1->sess_version, o1->sess_id);
  fail_unless_equals_string (o1->addr, "203.0.113.5");
  fail_unless_equals_string (gst_sdp_message_get_session_name (a1.sdp.get ()), "my answerer");

  Negotiated a3;
  fail_unless (answer_offer (parse_ok (with_times), streams, options, a3, err));
  const GstSDPTime *t = gst_sdp_message_get_time (a3.sdp.get (), 0);
  fail_unless_equals_string (t->start, "3034423619");
  fail_unless_equals_string (t->stop, "3042462419");
}

GST_END_TEST;

struct AnswerErrorCase {
  const char *rule;
  const char *offer;
  std::function<void (AnswerOptions &, FakePipeline &)> setup;
  const char *error;            /* part of the message */
  guint line;
};

static const AnswerErrorCase answer_error_cases[] = {
  {"a media without direction and without any c= has nowhere to send to",
        HEAD "m=audio 5004 RTP/AVP 0\n", nullptr,
        "line 5 (m=audio 5004 RTP/AVP 0) has no c= line", 5},
  {"a static destination must be an IP address, not a host name",
        HEAD "c=IN IP4 peer.example.com\nm=audio 5004 RTP/AVP 0\n", nullptr,
        "c= address 'peer.example.com' is not an IP address", 6},
  {"a socket that cannot be opened fails the answer",
        HEAD "m=audio 9 RTP/AVP 0\na=direction:active\n",
        [] (AnswerOptions &, FakePipeline & s) { s.fail_open = true; },
        "cannot open the sockets of stream 1 (line 5 (m=audio 9 RTP/AVP 0)): "
        "Address already in use", 5},
  {"a public-address that is not an IP address",
        HEAD "m=audio 9 RTP/AVP 0\na=direction:active\n",
        [] (AnswerOptions & o, FakePipeline &) { o.public_address = "my.host"; },
        "public-address 'my.host' is not an IP address", 0},
  {"wildcard socket, no public-address and no default route",
        HEAD "m=audio 9 RTP/AVP 0\na=direction:active\n",
        [] (AnswerOptions & o, FakePipeline &) {
          o.public_address.clear ();
          o.default_route_address = [] (bool) { return std::string (); };
        },
        "no interface holds a default route: set public-address", 0},
};

GST_START_TEST (test_answer_errors)
{
  const AnswerErrorCase & c = answer_error_cases[__i__];
  FakePipeline streams;
  AnswerOptions options = default_answer_options ();
  if (c.setup)
    c.setup (options, streams);
  Negotiated answer;
  SdpError err;
  fail_if (answer_offer (parse_ok (c.offer), streams, options, answer, err),
      "rule '%s': an answer was built", c.rule);
  fail_unless (answer.sdp == nullptr, "rule '%s': half an answer left", c.rule);
  fail_unless (err.message.find (c.error) != std::string::npos,
      "rule '%s': message '%s' lacks '%s'", c.rule, err.message.c_str (), c.error);
  fail_unless_equals_int (err.line, c.line);
}

GST_END_TEST;

/* ---- bad input -------------------------------------------------------- */

struct BadInputCase {
  const char *rule;
  std::string text;
  const char *error;
  guint line;
};

static std::string
junk (gsize size)
{
  std::string s;
  guint32 x = 12345;
  for (gsize i = 0; i < size; i++) {
    x = x * 1103515245 + 12345;
    s += (char) (x >> 16);
  }
  return s;
}

static const std::string GOOD =
    HEAD "c=IN IP4 198.51.100.10\nm=audio 9 RTP/AVP 96\na=rtpmap:96 opus/48000/2\n"
    "a=direction:active\n";

static const BadInputCase bad_input_cases[] = {
  {"text that is not SDP", "hello world\n", "line 1: an SDP message starts with v=0, "
        "found 'hello world'", 1},
  {"SDP missing v=", "o=- 0 0 IN IP4 198.51.100.10\ns=x\nt=0 0\n",
        "line 1: an SDP message starts with v=0", 1},
  {"an empty message", "", "the SDP message is empty", 0},
  {"only blank lines", "\n\r\n", "the SDP message is blank", 0},
  {"a line that is not <letter>=<value>", HEAD "hello\n",
        "line 5: 'hello' is not an SDP line", 5},
  {"an m-line with a port that is not a number", HEAD "m=audio abc RTP/AVP 0\n",
        "line 5: m= port 'abc' is not a number from 0 to 65535", 5},
  {"an m-line with a port above 65535", HEAD "m=audio 70000 RTP/AVP 0\n",
        "line 5: m= port '70000' is not a number", 5},
  {"an m-line with a negative port", HEAD "m=audio -9 RTP/AVP 0\n",
        "line 5: m= port '-9'", 5},
  {"an m-line without format", HEAD "m=audio 9 RTP/AVP\n",
        "line 5: 'm=audio 9 RTP/AVP' needs a media, a port, a protocol and at least "
        "one format", 5},
  {"truncated in the middle of a line", GOOD.substr (0, GOOD.size () - 8),
        "line 8 ('a=direction') has no end of line: the message is truncated", 8},
  {"truncated after an m-line, before its rtpmap", GOOD.substr (0, GOOD.find ("a=rtpmap")),
        "line 6 (m=audio 9 RTP/AVP 96): dynamic payload type 96 has no a=rtpmap:96", 6},
  {"truncated before t=", "v=0\no=- 0 0 IN IP4 198.51.100.10\ns=x\n",
        "the SDP message has no t= line", 0},
  {"truncated before s=", "v=0\no=- 0 0 IN IP4 198.51.100.10\n",
        "the SDP message has no s= line", 0},
  {"an o= line cut short", "v=0\no=- 0 0\ns=x\nt=0 0\n",
        "line 2: the o= line needs 6 fields", 2},
  {"1 MB of junk", junk (1024 * 1024), "is 1048576 bytes, more than the limit of 65536", 0},
  {"junk under the size limit", junk (1000), "", 1},
  {"a NUL byte", std::string ("v=0\no=- 0 0 IN IP4 1.2.3.4\0\n", 27),
        "line 2 contains the byte 0x00: not SDP text", 2},
  {"an empty line inside the message", "v=0\no=- 0 0 IN IP4 1.2.3.4\n\ns=x\nt=0 0\n",
        "line 3 is empty but more SDP follows it on line 4", 3},
  {"a=direction with an unknown value",
        HEAD "m=audio 9 RTP/AVP 0\na=direction:sideways\n",
        "line 6: a=direction:sideways is not active, passive or both", 6},
  {"a session-level a=direction with an unknown value",
        HEAD "a=direction:\nm=audio 9 RTP/AVP 0\n",
        "line 5: a=direction: is not active, passive or both", 5},
  {"a=rtcp without a port", HEAD "m=audio 9 RTP/AVP 0\na=rtcp:IN IP4 1.2.3.4\n",
        "line 6: a=rtcp:IN IP4 1.2.3.4 does not start with a port", 6},
  {"an RTP format that is not a payload type", HEAD "m=audio 9 RTP/AVP opus\n",
        "line 5 (m=audio 9 RTP/AVP opus): format 'opus' is not an RTP payload type", 5},
};

GST_START_TEST (test_bad_input)
{
  const BadInputCase & c = bad_input_cases[__i__];
  SdpDocument doc;
  SdpError err;
  fail_if (SdpDocument::parse (c.text.data (), c.text.size (), doc, err),
      "rule '%s': accepted", c.rule);
  fail_unless (doc.empty (), "rule '%s': a message was left", c.rule);
  fail_if (err.message.empty (), "rule '%s': no message", c.rule);
  fail_unless (err.message.find (c.error) != std::string::npos,
      "rule '%s': message '%s' lacks '%s'", c.rule, err.message.c_str (), c.error);
  fail_unless (err.line == c.line, "rule '%s': line %u, expected %u (%s)", c.rule,
      err.line, c.line, err.message.c_str ());
}

GST_END_TEST;

GST_START_TEST (test_good_input_variants)
{
  /* CRLF, LF, a missing-newline-free end, blank lines around: all fine. */
  parse_ok (GOOD);
  std::string crlf;
  for (char ch : GOOD)
    crlf += ch == '\n' ? std::string ("\r\n") : std::string (1, ch);
  parse_ok (crlf);
  parse_ok ("\n" + GOOD + "\n\n");
  SdpDocument doc = parse_ok (GOOD);
  fail_unless_equals_int (gst_sdp_message_medias_len (doc.message ()), 1);
  fail_unless_equals_int (doc.media_line (0), 6);
  fail_unless_equals_int (doc.attribute_line (0, "direction"), 8);
  const std::string where = doc.where_media (0);
  fail_unless_equals_string (where.c_str (), "line 6 (m=audio 9 RTP/AVP 96)");

  /* Messages handed over as GstSDPMessage are validated the same way and
   * name the m-line since there is no text. */
  GstSDPMessage *msg;
  gst_sdp_message_new (&msg);
  const std::string bad = HEAD "m=audio 9 RTP/AVP 0\na=direction:sideways\n";
  gst_sdp_message_parse_buffer ((const guint8 *) bad.data (), bad.size (), msg);
  SdpError err;
  fail_if (SdpDocument::from_message (msg, doc, err));
  fail_unless (err.message.find ("a=direction of m-line 1 (audio): a=direction:sideways")
      != std::string::npos, "%s", err.message.c_str ());
  gst_sdp_message_free (msg);
  fail_if (SdpDocument::from_message (nullptr, doc, err));
}

GST_END_TEST;

/* ---- offerer ---------------------------------------------------------- */

struct OfferCase {
  const char *rule;
  std::vector<const char *> caps;     /* one caps string per stream */
  std::function<void (OfferOptions &, std::vector<OfferedStream> &)> setup;
  const char *expected;               /* the whole offer; nullptr: error */
  const char *error;
};

static const OfferCase offer_cases[] = {
  {"one VP8 stream: port 9, c=IN IP4 0.0.0.0, a=direction:active",
        {"application/x-rtp,media=video,payload=96,encoding-name=VP8,clock-rate=90000"},
        nullptr,
        "v=0\no=- 7 7 IN IP4 0.0.0.0\ns=comedia\nc=IN IP4 0.0.0.0\nt=0 0\n"
        "m=video 9 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=direction:active\n", nullptr},
  {"IPv6: c=IN IP6 ::",
        {"application/x-rtp,media=audio,payload=0,encoding-name=PCMU,clock-rate=8000"},
        [] (OfferOptions & o, std::vector<OfferedStream> &) { o.ipv6 = true; },
        "v=0\no=- 7 7 IN IP6 ::\ns=comedia\nc=IN IP6 ::\nt=0 0\n"
        "m=audio 9 RTP/AVP 0\na=rtpmap:0 PCMU/8000\na=direction:active\n", nullptr},
  {"streams in order, rtcp-fb makes RTP/AVPF, rtcp-mux and direction when asked, "
        "two formats in one stream, s= configurable",
        {"application/x-rtp,media=audio,payload=96,encoding-name=OPUS,clock-rate=48000,"
              "encoding-params=(string)2",
          "application/x-rtp,media=video,payload=97,encoding-name=VP8,clock-rate=90000,"
              "rtcp-fb-nack=(boolean)true;"
              "application/x-rtp,media=video,payload=98,encoding-name=H264,clock-rate=90000,"
              "packetization-mode=(string)1"},
        [] (OfferOptions & o, std::vector<OfferedStream> & s) {
          o.session_name = "Example sender";
          s[0].direction = MediaDirection::SendOnly;
          s[1].rtcp_mux = true;
        },
        "v=0\no=- 7 7 IN IP4 0.0.0.0\ns=Example sender\nc=IN IP4 0.0.0.0\nt=0 0\n"
        "m=audio 9 RTP/AVP 96\na=rtpmap:96 OPUS/48000/2\na=sendonly\na=direction:active\n"
        "m=video 9 RTP/AVPF 97 98\na=rtpmap:97 VP8/90000\na=rtcp-fb:97 nack\n"
        "a=rtpmap:98 H264/90000\na=fmtp:98 packetization-mode=1\na=rtcp-mux\n"
        "a=direction:active\n", nullptr},
  {"no stream at all", {}, nullptr, nullptr, "there is no stream to offer"},
  {"caps that are not RTP", {"video/x-raw,width=320"}, nullptr, nullptr,
        "stream 1: caps 'video/x-raw, width=(int)320' do not describe an RTP format"},
  {"RTP caps without payload type", {"application/x-rtp,media=video,encoding-name=VP8,"
              "clock-rate=90000"}, nullptr, nullptr,
        "stream 1: caps 'application/x-rtp"},
  {"audio and video in one stream",
        {"application/x-rtp,media=audio,payload=0,encoding-name=PCMU,clock-rate=8000;"
              "application/x-rtp,media=video,payload=96,encoding-name=VP8,clock-rate=90000"},
        nullptr, nullptr, "stream 1 mixes media 'audio' and 'video'"},
};

GST_START_TEST (test_offer_rules)
{
  const OfferCase & c = offer_cases[__i__];
  std::vector<GstCaps *> caps;
  std::vector<OfferedStream> streams;
  for (const char *s : c.caps) {
    caps.push_back (gst_caps_from_string (s));
    fail_unless (caps.back () != nullptr, "bad caps in test: %s", s);
    OfferedStream os;
    os.caps = caps.back ();
    streams.push_back (os);
  }
  OfferOptions options;
  options.session_id = 7;
  if (c.setup)
    c.setup (options, streams);
  SdpMessagePtr offer;
  SdpError err;
  bool ok = build_offer (streams, options, offer, err);
  if (c.expected) {
    fail_unless (ok, "rule '%s': %s", c.rule, err.message.c_str ());
    fail_unless (sdp_text (offer.get ()) == c.expected, "rule '%s':\nexpected\n%s\ngot\n%s",
        c.rule, c.expected, sdp_text (offer.get ()).c_str ());
    /* What we offer passes our own validation. */
    parse_ok (sdp_message_to_text (offer.get ()));
  } else {
    fail_if (ok, "rule '%s': an offer was built", c.rule);
    fail_unless (offer == nullptr);
    fail_unless (err.message.find (c.error) != std::string::npos,
        "rule '%s': message '%s' lacks '%s'", c.rule, err.message.c_str (), c.error);
  }
  for (GstCaps *cp : caps)
    gst_caps_unref (cp);
}

GST_END_TEST;

/* ---- reading the answer (offerer) ------------------------------------- */

#define OFFER2 \
  "v=0\no=- 7 7 IN IP4 0.0.0.0\ns=comedia\nc=IN IP4 0.0.0.0\nt=0 0\n" \
  "m=audio 9 RTP/AVP 0\na=direction:active\n" \
  "m=video 9 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=rtcp-mux\na=direction:active\n"
#define ANSWER_HEAD "v=0\no=- 9 9 IN IP4 203.0.113.5\ns=x\nc=IN IP4 203.0.113.5\nt=0 0\n"

struct ReadCase {
  const char *rule;
  const char *offer;
  const char *answer;
  MissingPassive missing_passive;
  std::vector<std::string> expected_plans;  /* empty: error */
  const char *error_or_warning;
  guint error_line;
};

static const ReadCase read_cases[] = {
  {"every media passive: the answer's address and RTP port, RTCP on port + 1 "
        "or rtcp-mux",
        OFFER2,
        ANSWER_HEAD "m=audio 40000 RTP/AVP 0\na=direction:passive\n"
        "m=video 40010 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=rtcp-mux\na=direction:passive\n",
        MissingPassive::Error,
        {"static 203.0.113.5:40000/40001", "static mux 203.0.113.5:40010"}, "", 0},
  {"a=rtcp gives the RTCP destination; media-level c= wins",
        OFFER2,
        ANSWER_HEAD "m=audio 40000 RTP/AVP 0\nc=IN IP4 203.0.113.6\na=rtcp:50000\n"
        "a=direction:passive\n"
        "m=video 40010 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=direction:passive\n",
        MissingPassive::Error,
        {"static 203.0.113.6:40000/50000", "static 203.0.113.5:40010/40011"}, "", 0},
  {"a rejected stream (port 0)",
        OFFER2,
        ANSWER_HEAD "m=audio 0 RTP/AVP 0\n"
        "m=video 40010 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=direction:passive\n",
        MissingPassive::Error, {"rejected", "static 203.0.113.5:40010/40011"}, "", 0},
  {"the passive attribute missing is an error by default",
        OFFER2,
        ANSWER_HEAD "m=audio 40000 RTP/AVP 0\na=direction:passive\n"
        "m=video 40010 RTP/AVP 96\na=rtpmap:96 VP8/90000\n",
        MissingPassive::Error, {},
        "the peer does not support COMEDIA: answer line 8 (m=video 40010 RTP/AVP 96) has "
        "no a=direction:passive", 8},
  {"the passive attribute missing, static destination chosen: a warning",
        OFFER2,
        ANSWER_HEAD "m=audio 40000 RTP/AVP 0\na=direction:passive\n"
        "m=video 40010 RTP/AVP 96\na=rtpmap:96 VP8/90000\n",
        MissingPassive::StaticDestination,
        {"static 203.0.113.5:40000/40001", "static 203.0.113.5:40010/40011"},
        "the peer does not support COMEDIA", 0},
  {"an answer that is active too",
        OFFER2,
        ANSWER_HEAD "m=audio 40000 RTP/AVP 0\na=direction:active\n"
        "m=video 40010 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=direction:passive\n",
        MissingPassive::Error, {}, "line 7: the answer says a=direction:active but so did "
        "the offer", 7},
  {"an answer without address",
        OFFER2,
        "v=0\no=- 9 9 IN IP4 203.0.113.5\ns=x\nc=IN IP4 0.0.0.0\nt=0 0\n"
        "m=audio 40000 RTP/AVP 0\na=direction:passive\n"
        "m=video 40010 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=direction:passive\n",
        MissingPassive::Error, {}, "its c= address is unspecified", 6},
  {"an answer with fewer m-lines than the offer",
        OFFER2, ANSWER_HEAD "m=audio 40000 RTP/AVP 0\na=direction:passive\n",
        MissingPassive::Error, {}, "the answer has 1 m-line but the offer has 2", 0},
  {"an answer with more m-lines than the offer",
        OFFER2, ANSWER_HEAD "m=audio 40000 RTP/AVP 0\na=direction:passive\n"
        "m=video 40010 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=direction:passive\n"
        "m=video 40020 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=direction:passive\n",
        MissingPassive::Error, {}, "the answer has 3 m-lines but the offer has 2", 11},
  {"an answer whose m-lines are in another order",
        OFFER2,
        ANSWER_HEAD "m=video 40010 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=direction:passive\n"
        "m=audio 40000 RTP/AVP 0\na=direction:passive\n",
        MissingPassive::Error, {}, "answer line 6 (m=video 40010 RTP/AVP 96) is 'video' "
        "but the offer's m-line 1 is 'audio'", 6},
  {"an answer with a format the offer does not have",
        OFFER2,
        ANSWER_HEAD "m=audio 40000 RTP/AVP 8\na=direction:passive\n"
        "m=video 40010 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=direction:passive\n",
        MissingPassive::Error, {}, "has format 8, which the offer's m-line 1 does not have", 6},
};

/* Offerer role: an answer without a=direction:passive whose address is out
 * of reach is learnt from its packets under symmetric-rtp=auto; a public
 * one is missing-passive's business, as before. */
GST_START_TEST (test_read_answer_symmetric)
{
  const char *private_answer =
      "v=0\no=- 9 9 IN IP4 10.0.0.7\ns=x\nc=IN IP4 10.0.0.7\nt=0 0\n"
      "m=audio 40000 RTP/AVP 0\n"
      "m=video 40010 RTP/AVP 96\na=rtpmap:96 VP8/90000\n";
  const char *public_answer = ANSWER_HEAD "m=audio 40000 RTP/AVP 0\n"
      "m=video 40010 RTP/AVP 96\na=rtpmap:96 VP8/90000\n";
  AnswerReading reading;
  SdpError err;
  fail_unless (read_answer (parse_ok (OFFER2), parse_ok (private_answer),
          MissingPassive::Error, reading, err, SymmetricRtp::Auto), "%s", err.message.c_str ());
  fail_unless (join (describe (reading.streams)) ==
      join ({"symmetric, from 10.0.0.7:40000/40001", "symmetric, from 10.0.0.7:40010/40011"}),
      "%s", join (describe (reading.streams)).c_str ());
  fail_if (reading.missing_passive);
  fail_unless (reading.streams[0].note.find ("private (RFC 1918)") != std::string::npos);

  AnswerReading pub;
  fail_if (read_answer (parse_ok (OFFER2), parse_ok (public_answer), MissingPassive::Error,
          pub, err, SymmetricRtp::Auto));
  fail_unless (pub.missing_passive);
  fail_unless (err.message.find ("the peer does not support COMEDIA") != std::string::npos);

  AnswerReading never;
  fail_if (read_answer (parse_ok (OFFER2), parse_ok (private_answer), MissingPassive::Error,
          never, err, SymmetricRtp::Never));
}

GST_END_TEST;

GST_START_TEST (test_read_answer)
{
  const ReadCase & c = read_cases[__i__];
  AnswerReading reading;
  SdpError err;
  bool ok = read_answer (parse_ok (c.offer), parse_ok (c.answer), c.missing_passive,
      reading, err);
  if (!c.expected_plans.empty ()) {
    fail_unless (ok, "rule '%s': %s", c.rule, err.message.c_str ());
    std::string plans = join (describe (reading.streams));
    fail_unless (plans == join (c.expected_plans), "rule '%s': plans %s, expected %s",
        c.rule, plans.c_str (), join (c.expected_plans).c_str ());
    if (c.error_or_warning[0] == '\0')
      fail_unless (reading.warning.empty (), "rule '%s': warning %s", c.rule,
          reading.warning.c_str ());
    else
      fail_unless (reading.warning.find (c.error_or_warning) != std::string::npos,
          "rule '%s': warning '%s'", c.rule, reading.warning.c_str ());
  } else {
    fail_if (ok, "rule '%s': accepted", c.rule);
    fail_unless (err.message.find (c.error_or_warning) != std::string::npos,
        "rule '%s': message '%s' lacks '%s'", c.rule, err.message.c_str (),
        c.error_or_warning);
    fail_unless (err.line == c.error_line, "rule '%s': line %u, expected %u", c.rule,
        err.line, c.error_line);
  }
}

GST_END_TEST;

/* ---- rewriting an answer made elsewhere ------------------------------- */

struct RewriteCase {
  const char *rule;
  const char *offer;
  const char *answer;
  const char *expected;        /* whole rewritten answer; nullptr: error */
  std::vector<std::string> expected_plans;
  const char *error;
};

static const RewriteCase rewrite_cases[] = {
  {"ports, c= and a=direction:passive are ours; the rest of the answer stays",
        HEAD "m=audio 9 RTP/AVP 0 8\na=sendonly\na=direction:active\n",
        "v=0\no=app 5 6 IN IP4 10.1.1.1\ns=app stack\nc=IN IP4 10.1.1.1\nt=0 0\n"
        "a=tool:app\nm=audio 7000 RTP/AVP 8\nc=IN IP4 10.1.1.2\na=rtcp:7001\n"
        "a=recvonly\na=ptime:20\n",
        "v=0\no=app 5 6 IN IP4 10.1.1.1\ns=app stack\nc=IN IP4 203.0.113.5\nt=0 0\n"
        "a=tool:app\nm=audio 40000 RTP/AVP 8\na=ptime:20\na=rtcp:40001\n"
        "a=recvonly\na=direction:passive\n",
        {"latch"}, nullptr},
  {"media whose offer was not active get our ports but no passive, and a static "
        "destination; rejected media stay rejected",
        HEAD "c=IN IP4 198.51.100.7\nm=audio 5004 RTP/AVP 0\n"
        "m=video 9 RTP/AVP 96\na=rtpmap:96 VP8/90000\na=direction:active\n",
        "v=0\no=app 5 6 IN IP4 10.1.1.1\ns=app\nc=IN IP4 10.1.1.1\nt=0 0\n"
        "m=audio 7000 RTP/AVP 0\na=direction:passive\n"
        "m=video 0 RTP/AVP 96\n",
        "v=0\no=app 5 6 IN IP4 10.1.1.1\ns=app\nc=IN IP4 203.0.113.5\nt=0 0\n"
        "m=audio 40000 RTP/AVP 0\na=rtcp:40001\n"
        "m=video 0 RTP/AVP 96\n",
        {"static 198.51.100.7:5004/5005", "rejected"}, nullptr},
  {"rtcp-mux stays when the answer had it and we can",
        HEAD "m=audio 9 RTP/AVP 0\na=rtcp-mux\na=direction:active\n",
        "v=0\no=app 5 6 IN IP4 10.1.1.1\ns=app\nc=IN IP4 10.1.1.1\nt=0 0\n"
        "m=audio 7000 RTP/AVP 0\na=rtcp-mux\n",
        "v=0\no=app 5 6 IN IP4 10.1.1.1\ns=app\nc=IN IP4 203.0.113.5\nt=0 0\n"
        "m=audio 40000 RTP/AVP 0\na=rtcp-mux\na=direction:passive\n",
        {"latch mux"}, nullptr},
  {"an answer whose m-lines do not match the offer",
        HEAD "m=audio 9 RTP/AVP 0\na=direction:active\n",
        "v=0\no=app 5 6 IN IP4 10.1.1.1\ns=app\nc=IN IP4 10.1.1.1\nt=0 0\n"
        "m=video 7000 RTP/AVP 0\n",
        nullptr, {}, "answer line 6 (m=video 7000 RTP/AVP 0) is 'video' but the offer's "
        "m-line 1 is 'audio'"},
};

GST_START_TEST (test_rewrite_answer)
{
  const RewriteCase & c = rewrite_cases[__i__];
  FakePipeline streams;
  AnswerOptions options = default_answer_options ();
  Negotiated out;
  SdpError err;
  bool ok = rewrite_offer_answer (parse_ok (c.offer), parse_ok (c.answer), streams, options,
      out, err);
  if (c.expected) {
    fail_unless (ok, "rule '%s': %s", c.rule, err.message.c_str ());
    fail_unless (sdp_text (out.sdp.get ()) == c.expected,
        "rule '%s':\nexpected\n%s\ngot\n%s", c.rule, c.expected,
        sdp_text (out.sdp.get ()).c_str ());
    std::string plans = join (describe (out.streams));
    fail_unless (plans == join (c.expected_plans), "rule '%s': plans %s", c.rule,
        plans.c_str ());
  } else {
    fail_if (ok, "rule '%s': accepted", c.rule);
    fail_unless (out.sdp == nullptr);
    fail_unless (err.message.find (c.error) != std::string::npos,
        "rule '%s': message '%s' lacks '%s'", c.rule, err.message.c_str (), c.error);
  }
}

GST_END_TEST;

/* ---- the whole exchange, both roles ----------------------------------- */

GST_START_TEST (test_offer_answer_round_trip)
{
  GstCaps *caps = gst_caps_from_string (
      "application/x-rtp,media=video,payload=96,encoding-name=VP8,clock-rate=90000");
  std::vector<OfferedStream> offered (1);
  offered[0].caps = caps;
  SdpMessagePtr offer;
  SdpError err;
  fail_unless (build_offer (offered, OfferOptions (), offer, err));
  std::string offer_text = sdp_message_to_text (offer.get ());
  SdpDocument offer_doc = parse_ok (offer_text);

  FakePipeline streams;
  Negotiated answer;
  fail_unless (answer_offer (offer_doc, streams, default_answer_options (), answer,
          err),
      "%s", err.message.c_str ());
  SdpDocument answer_doc = parse_ok (sdp_message_to_text (answer.sdp.get ()));

  AnswerReading reading;
  fail_unless (read_answer (offer_doc, answer_doc, MissingPassive::Error, reading, err),
      "%s", err.message.c_str ());
  const std::string plans = join (describe (reading.streams));
  fail_unless_equals_string (plans.c_str (), "[static 203.0.113.5:40000/40001]");
  gst_caps_unref (caps);
}

GST_END_TEST;

/* What an m-line says about its transport, as COMEDIA and ICE both read it. */
GST_START_TEST (test_media_transport)
{
  SdpDocument doc = parse_ok ("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\n"
      "t=0 0\nm=audio 5004 RTP/AVP 0\n"
      "m=audio 6000 RTP/AVP 0\nc=IN IP6 2001:db8::1\na=rtcp:7000 IN IP4 192.0.2.2\n"
      "m=audio 65535 RTP/AVP 0\na=rtcp-mux\n");
  guint port = 0;

  MediaTransport t = media_transport_of (doc.message (), 0);
  fail_unless_equals_string (t.connection->address, "192.0.2.1");   /* the session's */
  fail_unless_equals_int (t.rtp_port, 5004);
  fail_if (t.rtcp_mux);
  fail_if (t.has_rtcp_attribute);
  fail_unless (t.rtcp_port (false, port));
  fail_unless_equals_int (port, 5005);
  fail_unless (t.rtcp_port (true, port));
  fail_unless_equals_int (port, 5004);

  t = media_transport_of (doc.message (), 1);
  fail_unless_equals_string (t.connection->address, "2001:db8::1");  /* its own */
  fail_unless (t.has_rtcp_attribute);
  fail_unless (t.rtcp_port (false, port));
  fail_unless_equals_int (port, 7000);
  fail_unless (t.rtcp_port (true, port));
  fail_unless_equals_int (port, 6000);

  t = media_transport_of (doc.message (), 2);
  fail_unless (t.rtcp_mux);
  port = 1;
  fail_if (t.rtcp_port (false, port));         /* 65536 is no port */
  fail_unless_equals_int (port, 1);
  fail_unless (t.rtcp_port (true, port));
  fail_unless_equals_int (port, 65535);

  SdpDocument no_c = parse_ok ("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\n"
      "m=audio 5004 RTP/AVP 0\n");
  fail_unless (media_transport_of (no_c.message (), 0).connection == nullptr);

  for (const char *ok : {"0", "5004", "65535", "5004 IN IP4 192.0.2.1", "5004/2"})
    fail_unless (parse_sdp_port (ok, port), "%s", ok);
  for (const char *bad : {"", "65536", "x", "12a", "-1", " 5004"})
    fail_if (parse_sdp_port (bad, port), "%s", bad);
  fail_if (parse_sdp_port (nullptr, port));
}

GST_END_TEST;

GST_START_TEST (test_helpers)
{
  fail_unless (split_format_list ("VP8, opus,96") ==
      (std::vector<std::string> {"VP8", "opus", "96"}));
  fail_unless (split_format_list ("").empty ());
  fail_unless (mirror_direction (MediaDirection::SendOnly) == MediaDirection::RecvOnly);
  fail_unless (mirror_direction (MediaDirection::Unspecified) == MediaDirection::Unspecified);
  /* On a machine with a default route this is one of its addresses; the
   * call never fails either way. */
  std::string route = default_route_address (false);
  fail_unless (route.empty () || g_hostname_is_ip_address (route.c_str ()));
}

GST_END_TEST;

/* ---- SDES-SRTP (RFC 4568) --------------------------------------------- */

/* Our keys in these tests: every byte 0xaa. */
static void
fake_random (uint8_t *out, size_t len)
{
  memset (out, 0xaa, len);
}

#define KEY30 "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e"   /* bytes 1..30 */
#define KEY46 "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLg=="
#define OURS30 "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
#define OURS46 "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqg=="

struct SrtpCase {
  const char *name;
  const char *offer_media;      /* after HEAD */
  PlainRtpPolicy policy;
  const char *answer_media;     /* media_text of the answer */
  const char *plan;             /* describe() of the one stream */
  const char *note_has;         /* in the plan's note */
  SrtpSuite inbound;            /* with SRTP: the suite both keys have */
  size_t inbound_first_byte;    /* 0: plain; else the peer's key's first byte */
};

static const SrtpCase srtp_cases[] = {
  {"RTP/SAVP with one suite: the same profile, its tag, a fresh key of ours",
      "m=audio 9 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "\n"
      "a=direction:active\n", PlainRtpPolicy::Accept,
      "m=audio 40000 RTP/SAVP 0\na=rtcp:40001\na=direction:passive\n"
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" OURS30 "\n",
      "latch", "SRTP AES_CM_128_HMAC_SHA1_80", SrtpSuite::AesCm128HmacSha1_80, 1},
  {"RTP/SAVPF with several lines: the strongest suite, with its own tag",
      "m=video 9 RTP/SAVPF 96\na=rtpmap:96 VP8/90000\n"
      "a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:" KEY30 "\n"
      "a=crypto:2 AES_256_CM_HMAC_SHA1_80 inline:" KEY46 "\n"
      "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "\n"
      "a=direction:active\n", PlainRtpPolicy::Accept,
      "m=video 40000 RTP/SAVPF 96\na=rtpmap:96 VP8/90000\na=rtcp:40001\na=direction:passive\n"
      "a=crypto:2 AES_256_CM_HMAC_SHA1_80 inline:" OURS46 "\n",
      "latch", "SRTP AES_256_CM_HMAC_SHA1_80", SrtpSuite::Aes256CmHmacSha1_80, 1},
  {"best-effort SRTP (RTP/AVP with a=crypto, RFC 8643) is answered with crypto",
      "m=audio 9 RTP/AVP 0\na=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "\n"
      "a=direction:active\n", PlainRtpPolicy::Accept,
      "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:passive\n"
      "a=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:" OURS30 "\n",
      "latch", "best-effort SRTP", SrtpSuite::AesCm128HmacSha1_80, 1},
  {"a suite this build does not know is skipped, the next line taken",
      "m=audio 9 RTP/SAVP 0\na=crypto:1 F8_128_HMAC_SHA1_80 inline:" KEY30 "\n"
      "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "\na=direction:active\n",
      PlainRtpPolicy::Accept,
      "m=audio 40000 RTP/SAVP 0\na=rtcp:40001\na=direction:passive\n"
      "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" OURS30 "\n",
      "latch", "SRTP", SrtpSuite::AesCm128HmacSha1_80, 1},
  {"a short key lifetime and an MKI cannot be honoured: those lines are skipped",
      "m=audio 9 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|2^20\n"
      "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|2^31|1:4\n"
      "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|2^31\na=direction:active\n",
      PlainRtpPolicy::Accept,
      "m=audio 40000 RTP/SAVP 0\na=rtcp:40001\na=direction:passive\n"
      "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:" OURS30 "\n",
      "latch", "SRTP", SrtpSuite::AesCm128HmacSha1_80, 1},
  {"RTP/SAVP with no usable suite is rejected with port 0, saying why",
      "m=audio 9 RTP/SAVP 0\na=crypto:1 F8_128_HMAC_SHA1_80 inline:" KEY30 "\n"
      "a=direction:active\n", PlainRtpPolicy::Accept,
      "m=audio 0 RTP/SAVP 0\n", "rejected", "no usable a=crypto", SrtpSuite::AesCm128HmacSha1_80, 0},
  {"RTP/SAVP without a=crypto (DTLS-SRTP keys it, or nothing) is rejected",
      "m=audio 9 RTP/SAVP 0\na=direction:active\n", PlainRtpPolicy::Accept,
      "m=audio 0 RTP/SAVP 0\n", "rejected", "no a=crypto", SrtpSuite::AesCm128HmacSha1_80, 0},
  {"plain RTP/AVP is answered plain under accept",
      "m=audio 9 RTP/AVP 0\na=direction:active\n", PlainRtpPolicy::Accept,
      "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:passive\n",
      "latch", "COMEDIA", SrtpSuite::AesCm128HmacSha1_80, 0},
  {"plain RTP/AVP is rejected under require, saying why",
      "m=audio 9 RTP/AVP 0\na=direction:active\n", PlainRtpPolicy::RequireSrtp,
      "m=audio 0 RTP/AVP 0\n", "rejected", "SRTP is required", SrtpSuite::AesCm128HmacSha1_80, 0},
  {"require accepts best-effort SRTP",
      "m=audio 9 RTP/AVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "\n"
      "a=direction:active\n", PlainRtpPolicy::RequireSrtp,
      "m=audio 40000 RTP/AVP 0\na=rtcp:40001\na=direction:passive\n"
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" OURS30 "\n",
      "latch", "SRTP", SrtpSuite::AesCm128HmacSha1_80, 1},
};

GST_START_TEST (test_srtp_answer_table)
{
  const SrtpCase & c = srtp_cases[__i__];
  FakePipeline streams;
  streams.n_streams = 1;
  AnswerOptions options = default_answer_options ();
  options.plain_rtp = c.policy;
  options.random = fake_random;
  Negotiated answer;
  SdpError err;
  fail_unless (answer_offer (parse_ok (std::string (HEAD) + c.offer_media), streams,
          options, answer, err), "%s: %s", c.name, err.message.c_str ());
  const std::string media = media_text (answer.sdp.get ());
  fail_unless_equals_string (media.c_str (), c.answer_media);
  const StreamPlan & plan = answer.streams.at (0);
  const std::string described = describe (plan);
  fail_unless_equals_string (described.c_str (), c.plan);
  fail_unless (plan.note.find (c.note_has) != std::string::npos, "%s: note '%s'", c.name,
      plan.note.c_str ());
  /* Notes go to the bus and the log: never a key. */
  fail_unless (plan.note.find ("inline") == std::string::npos &&
      plan.note.find (OURS30) == std::string::npos, "%s: a key in '%s'", c.name,
      plan.note.c_str ());
  if (c.inbound_first_byte == 0) {
    fail_if (plan.srtp_inbound.enabled () || plan.srtp_outbound.enabled (), "%s", c.name);
    return;
  }
  fail_unless (plan.srtp_inbound.suite == c.inbound, "%s", c.name);
  fail_unless (plan.srtp_outbound.suite == c.inbound, "%s", c.name);
  const SrtpSuiteInfo & info = srtp_suite_info (c.inbound);
  fail_unless_equals_int (plan.srtp_inbound.key_salt.size (), info.key_len + info.salt_len);
  fail_unless_equals_int (plan.srtp_inbound.key_salt[0], c.inbound_first_byte);
  fail_unless_equals_int (plan.srtp_inbound.key_salt.back (),
      info.key_len + info.salt_len);
  fail_unless (plan.srtp_outbound.key_salt == std::vector<uint8_t> (
          info.key_len + info.salt_len, 0xaa), "%s", c.name);
}

GST_END_TEST;

/* What the offerer offers for each srtp setting, and that the keys cross:
 * the answerer receives with the key the offerer sends with. */
GST_START_TEST (test_srtp_offer_answer_round_trip)
{
  GstCaps *caps = gst_caps_from_string (
      "application/x-rtp,media=audio,payload=0,encoding-name=PCMU,clock-rate=8000");
  std::vector<OfferedStream> offered (1);
  offered[0].caps = caps;
  guint8 counter = 0;
  RandomBytes counting = [&counter] (uint8_t *out, size_t len) {
    for (size_t i = 0; i < len; i++)
      out[i] = ++counter;
  };

  for (SrtpOffer mode : {SrtpOffer::Require, SrtpOffer::BestEffort, SrtpOffer::Plain}) {
    OfferOptions oo;
    oo.srtp = mode;
    oo.random = counting;
    SdpMessagePtr offer;
    SdpError err;
    fail_unless (build_offer (offered, oo, offer, err), "%s", err.message.c_str ());
    const GstSDPMedia *om = gst_sdp_message_get_media (offer.get (), 0);
    std::vector<CryptoParse> lines = read_crypto (om);
    if (mode == SrtpOffer::Plain) {
      fail_unless_equals_string (om->proto, "RTP/AVP");
      fail_unless (lines.empty ());
    } else {
      fail_unless_equals_string (om->proto, mode == SrtpOffer::Require ? "RTP/SAVP" : "RTP/AVP");
      /* Every suite, strongest first, tags 1..N, each its own key. */
      fail_unless_equals_int (lines.size (), srtp_suites_by_strength ().size ());
      for (size_t i = 0; i < lines.size (); i++) {
        fail_unless (lines[i].line.has_value ());
        fail_unless_equals_int (lines[i].line->tag, i + 1);
        fail_unless (lines[i].line->suite == srtp_suites_by_strength ()[i]);
        if (i > 0)
          fail_if (lines[i].line->key_salt == lines[i - 1].line->key_salt);
      }
    }
    SdpDocument offer_doc = parse_ok (sdp_message_to_text (offer.get ()));

    FakePipeline streams;
    streams.n_streams = 1;
    AnswerOptions ao = default_answer_options ();
    ao.random = fake_random;
    Negotiated answer;
    fail_unless (answer_offer (offer_doc, streams, ao, answer, err), "%s",
        err.message.c_str ());
    SdpDocument answer_doc = parse_ok (sdp_message_to_text (answer.sdp.get ()));
    AnswerReading reading;
    fail_unless (read_answer (offer_doc, answer_doc, MissingPassive::Error, reading, err),
        "%s", err.message.c_str ());
    const StreamPlan & a = reading.streams.at (0), & b = answer.streams.at (0);
    fail_unless (a.srtp_outbound == b.srtp_inbound);
    fail_unless (b.srtp_outbound == a.srtp_inbound);
    fail_unless_equals_int (a.srtp_outbound.enabled (), mode != SrtpOffer::Plain);
    if (mode != SrtpOffer::Plain) {
      /* The strongest suite, which GCM is. */
      fail_unless (a.srtp_outbound.suite == srtp_suites_by_strength ()[0]);
      fail_unless (a.note.find ("SRTP") != std::string::npos, "%s", a.note.c_str ());
    }
  }
  gst_caps_unref (caps);
}

GST_END_TEST;

/* Answers the offerer must refuse: the keys would not match. */
GST_START_TEST (test_srtp_bad_answers)
{
  const std::string offer_text = HEAD "c=IN IP4 0.0.0.0\n"
      "m=audio 9 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "\n"
      "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" KEY30 "\na=direction:active\n";
  const std::string answer_head = HEAD "c=IN IP4 203.0.113.5\n";
  struct {
    const char *media;
    const char *error_has;
  } cases[] = {
    {"m=audio 40000 RTP/SAVP 0\na=direction:passive\n"
        "a=crypto:5 AES_CM_128_HMAC_SHA1_80 inline:" OURS30 "\n", "tag 5 was not offered"},
    {"m=audio 40000 RTP/SAVP 0\na=direction:passive\n"
        "a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:" OURS30 "\n", "we offered"},
    {"m=audio 40000 RTP/SAVP 0\na=direction:passive\n", "without a=crypto"},
    {"m=audio 40000 RTP/SAVP 0\na=direction:passive\n"
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" OURS30 "\n"
        "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" OURS30 "\n", "one valid a=crypto"},
  };
  for (const auto & c : cases) {
    AnswerReading reading;
    SdpError err;
    fail_if (read_answer (parse_ok (offer_text), parse_ok (answer_head + c.media),
            MissingPassive::Error, reading, err), "accepted: %s", c.media);
    fail_unless (err.message.find (c.error_has) != std::string::npos, "'%s' lacks '%s'",
        err.message.c_str (), c.error_has);
    fail_unless (err.message.find (OURS30) == std::string::npos, "a key in '%s'",
        err.message.c_str ());
  }
}

GST_END_TEST;

static Suite *
sdp_logic_suite (void)
{
  Suite *s = suite_create ("sdp-logic");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_seed_example);
  tcase_add_loop_test (tc, test_answer_rules, 0, G_N_ELEMENTS (answer_cases));
  tcase_add_test (tc, test_answer_origin_and_session_name);
  tcase_add_loop_test (tc, test_answer_errors, 0, G_N_ELEMENTS (answer_error_cases));
  tcase_add_loop_test (tc, test_bad_input, 0, G_N_ELEMENTS (bad_input_cases));
  tcase_add_test (tc, test_good_input_variants);
  tcase_add_loop_test (tc, test_offer_rules, 0, G_N_ELEMENTS (offer_cases));
  tcase_add_loop_test (tc, test_read_answer, 0, G_N_ELEMENTS (read_cases));
  tcase_add_test (tc, test_read_answer_symmetric);
  tcase_add_loop_test (tc, test_rewrite_answer, 0, G_N_ELEMENTS (rewrite_cases));
  tcase_add_test (tc, test_offer_answer_round_trip);
  tcase_add_test (tc, test_media_transport);
  tcase_add_test (tc, test_helpers);
  tcase_add_loop_test (tc, test_srtp_answer_table, 0, G_N_ELEMENTS (srtp_cases));
  tcase_add_test (tc, test_srtp_offer_answer_round_trip);
  tcase_add_test (tc, test_srtp_bad_answers);
  tcase_add_test (tc, test_is_public_address);
  tcase_add_loop_test (tc, test_allowed_source_from_offer, 0, G_N_ELEMENTS (allowed_cases));
  return s;
}

GST_CHECK_MAIN (sdp_logic);

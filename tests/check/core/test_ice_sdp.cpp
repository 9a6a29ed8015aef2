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

#include <cstring>
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

/* ---- candidate lines that cannot be used: skipped, never fatal ----------- */

struct SkipCase {
  const char *what;
  const char *sdp;
  guint kept;                   /* candidates read_ice() still gives */
  const char *note;             /* substring of the one skip note */
};

static const SkipCase skip_cases[] = {
  {"a malformed second candidate names its own line",
        HEAD "m=audio 5004 RTP/AVP 0\n" ICE_MEDIA "a=candidate:" CAND_HOST1 "\n"
        "a=candidate:1 1 UDP 2130706431 192.168.1.10 50000 host\n", 1,
        "line 9: a=candidate:1 1 UDP 2130706431 192.168.1.10 50000 host skipped: it is "
        "not a candidate (foundation component transport priority address port typ type)"},
  {"a candidate with a host name",
        HEAD "m=audio 5004 RTP/AVP 0\n" ICE_MEDIA
        "a=candidate:1 1 UDP 2130706431 peer.example 50000 typ host\n", 0,
        "line 8: a=candidate:1 1 UDP 2130706431 peer.example 50000 typ host skipped: its "
        "address peer.example is a host name, not an IP address"},
  {"an mDNS host candidate (Firefox, Chromium without camera permission)",
        HEAD "m=audio 5004 RTP/AVP 0\n" ICE_MEDIA
        "a=candidate:0 1 UDP 2122252543 3c9a1b2e-5d0f-4f3b-9a57-0e2d4c6b8a1f.local 60571 "
        "typ host\na=candidate:" CAND_SRFLX1 "\n", 1,
        "line 8: a=candidate:0 1 UDP 2122252543 3c9a1b2e-5d0f-4f3b-9a57-0e2d4c6b8a1f.local "
        "60571 typ host skipped: its address 3c9a1b2e-5d0f-4f3b-9a57-0e2d4c6b8a1f.local is "
        "an mDNS name"},
  {"a candidate with component 0",
        HEAD "m=audio 5004 RTP/AVP 0\n" ICE_MEDIA
        "a=candidate:1 0 UDP 2130706431 192.168.1.10 50000 typ host\n", 0,
        "is not a candidate"},
  {"an unknown transport",
        HEAD "m=audio 5004 RTP/AVP 0\n" ICE_MEDIA "a=candidate:" CAND_HOST1 "\n"
        "a=candidate:5 1 SCTP 2130706431 192.168.1.10 50000 typ host\n", 1,
        "line 9: a=candidate:5 1 SCTP 2130706431 192.168.1.10 50000 typ host skipped: its "
        "transport SCTP is neither UDP nor TCP"},
  {"an ICE-TCP candidate is kept",
        HEAD "m=audio 5004 RTP/AVP 0\n" ICE_MEDIA
        "a=candidate:3 1 tcp 1518280447 192.168.1.10 9 typ host tcptype active\n", 1,
        nullptr},
};

GST_START_TEST (test_skip_unusable_candidates)
{
  const SkipCase & c = skip_cases[__i__];
  std::string text = c.sdp;
  SdpDocument doc;
  SdpError err;
  fail_unless (SdpDocument::parse (text.data (), text.size (), doc, err),
      "case '%s': refused: %s", c.what, err.message.c_str ());
  IceDescription ice = read_ice (doc.message (), 0);
  fail_unless_equals_int (ice.candidates.size (), c.kept);
  fail_unless_equals_string (ice.ufrag.c_str (), "8hhY");
  /* Every line taken out has its note (mDNS ones too, for when they are
   * not resolved); the mDNS host candidate is set apart for resolving. */
  std::vector<std::string> notes = doc.skip_notes (false);
  bool mdns = c.note && strstr (c.note, "mDNS") != nullptr;
  fail_unless_equals_int (doc.mdns_candidates ().size (), mdns ? 1 : 0);
  fail_unless_equals_int (doc.skipped_candidates ().size (), c.note && !mdns ? 1 : 0);
  fail_unless_equals_int (doc.skip_notes (true).size (), c.note && !mdns ? 1 : 0);
  if (c.note == nullptr) {
    fail_unless_equals_int (notes.size (), 0);
    return;
  }
  fail_unless_equals_int (notes.size (), 1);
  const std::string & note = notes[0];
  if (mdns)
    fail_unless_equals_string (doc.mdns_candidates ()[0].note.c_str (), note.c_str ());
  fail_unless (note.find (c.note) != std::string::npos,
      "case '%s': note '%s' lacks '%s'", c.what, note.c_str (), c.note);
  /* What stays in the message is what the agent gets: not the line. */
  std::string::size_type from = note.find ("a=candidate:"), to = note.find (" skipped: ");
  fail_unless (from != std::string::npos && to != std::string::npos);
  std::string rest = sdp_message_to_text (doc.message ());
  fail_if (rest.find (note.substr (from, to - from) + "\r\n") != std::string::npos,
      "case '%s': the skipped line stays in\n%s", c.what, rest.c_str ());
}

GST_END_TEST;

/* An offer of Firefox ESR 153 (firefox-esr --headless, a page adding an
 * audio and a video transceiver without camera permission), as it came:
 * every host candidate an mDNS name, TCP ones among them, component-2
 * candidates next to a=rtcp-mux, a=rtcp naming a .local address,
 * a=end-of-candidates per m-line.  No STUN server was given, so it has no
 * srflx; FIREFOX_SRFLX adds what one behind a NAT has. */
static const char FIREFOX_ESR_OFFER[] =
  "v=0\n"
  "o=mozilla...THIS_IS_SDPARTA-99.0 4397989015973823032 0 IN IP4 0.0.0.0\n"
  "s=-\n"
  "t=0 0\n"
  "a=sendrecv\n"
  "a=fingerprint:sha-256 CA:52:36:0D:28:38:57:D8:82:BB:23:05:44:DD:B1:8E:F3:72:9A:FA:37:7F:A2:F1:9A:41:E3:85:08:49:C9:AA\n"
  "a=group:BUNDLE 0 1\n"
  "a=ice-options:trickle\n"
  "a=msid-semantic:WMS *\n"
  "m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101\n"
  "c=IN IP4 0.0.0.0\n"
  "a=candidate:0 1 UDP 2122187007 d8c45dd9-54fb-4c0f-9be2-5bf5e047d4fe.local 48153 typ host\n"
  "a=candidate:1 1 UDP 2122252543 4792d0ca-ce98-426f-8cf5-1bf5cf458230.local 52939 typ host\n"
  "a=candidate:2 1 TCP 2105458943 d8c45dd9-54fb-4c0f-9be2-5bf5e047d4fe.local 9 typ host tcptype active\n"
  "a=candidate:3 1 TCP 2105524479 4792d0ca-ce98-426f-8cf5-1bf5cf458230.local 9 typ host tcptype active\n"
  "a=candidate:0 2 UDP 2122187006 d8c45dd9-54fb-4c0f-9be2-5bf5e047d4fe.local 57439 typ host\n"
  "a=candidate:1 2 UDP 2122252542 4792d0ca-ce98-426f-8cf5-1bf5cf458230.local 50506 typ host\n"
  "a=candidate:2 2 TCP 2105458942 d8c45dd9-54fb-4c0f-9be2-5bf5e047d4fe.local 9 typ host tcptype active\n"
  "a=candidate:3 2 TCP 2105524478 4792d0ca-ce98-426f-8cf5-1bf5cf458230.local 9 typ host tcptype active\n"
  "a=sendrecv\n"
  "a=end-of-candidates\n"
  "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\n"
  "a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level\n"
  "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid\n"
  "a=extmap:7 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\n"
  "a=extmap-allow-mixed\n"
  "a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1\n"
  "a=fmtp:101 0-15\n"
  "a=ice-pwd:ea82352ad9e13f0846ddde8e07e63568\n"
  "a=ice-ufrag:f1d87319\n"
  "a=mid:0\n"
  "a=msid:- {ae895102-26d9-407a-96ff-23b13562a6b5}\n"
  "a=rtcp:57439 IN IP4 d8c45dd9-54fb-4c0f-9be2-5bf5e047d4fe.local\n"
  "a=rtcp-fb:109 transport-cc\n"
  "a=rtcp-fb:9 transport-cc\n"
  "a=rtcp-fb:0 transport-cc\n"
  "a=rtcp-fb:8 transport-cc\n"
  "a=rtcp-mux\n"
  "a=rtpmap:109 opus/48000/2\n"
  "a=rtpmap:9 G722/8000/1\n"
  "a=rtpmap:0 PCMU/8000\n"
  "a=rtpmap:8 PCMA/8000\n"
  "a=rtpmap:101 telephone-event/8000\n"
  "a=setup:actpass\n"
  "a=ssrc:2299089015 cname:{2612df6d-6137-4bba-9103-e900437a8735}\n"
  "m=video 9 UDP/TLS/RTP/SAVPF 120 124 121 125 99 100 123 122 119\n"
  "c=IN IP4 0.0.0.0\n"
  "a=candidate:0 1 UDP 2122187007 d8c45dd9-54fb-4c0f-9be2-5bf5e047d4fe.local 60936 typ host\n"
  "a=candidate:1 1 UDP 2122252543 4792d0ca-ce98-426f-8cf5-1bf5cf458230.local 46271 typ host\n"
  "a=candidate:2 1 TCP 2105458943 d8c45dd9-54fb-4c0f-9be2-5bf5e047d4fe.local 9 typ host tcptype active\n"
  "a=candidate:3 1 TCP 2105524479 4792d0ca-ce98-426f-8cf5-1bf5cf458230.local 9 typ host tcptype active\n"
  "a=candidate:0 2 UDP 2122187006 d8c45dd9-54fb-4c0f-9be2-5bf5e047d4fe.local 34461 typ host\n"
  "a=candidate:1 2 UDP 2122252542 4792d0ca-ce98-426f-8cf5-1bf5cf458230.local 39184 typ host\n"
  "a=candidate:2 2 TCP 2105458942 d8c45dd9-54fb-4c0f-9be2-5bf5e047d4fe.local 9 typ host tcptype active\n"
  "a=candidate:3 2 TCP 2105524478 4792d0ca-ce98-426f-8cf5-1bf5cf458230.local 9 typ host tcptype active\n"
  "a=sendrecv\n"
  "a=end-of-candidates\n"
  "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid\n"
  "a=extmap:4 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\n"
  "a=extmap:5 urn:ietf:params:rtp-hdrext:toffset\n"
  "a=extmap:6/recvonly http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\n"
  "a=extmap:7 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\n"
  "a=extmap-allow-mixed\n"
  "a=fmtp:120 max-fs=12288;max-fr=60\n"
  "a=fmtp:124 apt=120\n"
  "a=fmtp:121 max-fs=12288;max-fr=60\n"
  "a=fmtp:125 apt=121\n"
  "a=fmtp:100 apt=99\n"
  "a=fmtp:119 apt=122\n"
  "a=ice-pwd:ea82352ad9e13f0846ddde8e07e63568\n"
  "a=ice-ufrag:f1d87319\n"
  "a=mid:1\n"
  "a=msid:- {5ff4d426-2416-4aa1-91ff-5b9b5eb273a6}\n"
  "a=rtcp:34461 IN IP4 d8c45dd9-54fb-4c0f-9be2-5bf5e047d4fe.local\n"
  "a=rtcp-fb:120 nack\n"
  "a=rtcp-fb:120 nack pli\n"
  "a=rtcp-fb:120 ccm fir\n"
  "a=rtcp-fb:120 goog-remb\n"
  "a=rtcp-fb:120 transport-cc\n"
  "a=rtcp-fb:121 nack\n"
  "a=rtcp-fb:121 nack pli\n"
  "a=rtcp-fb:121 ccm fir\n"
  "a=rtcp-fb:121 goog-remb\n"
  "a=rtcp-fb:121 transport-cc\n"
  "a=rtcp-fb:99 nack\n"
  "a=rtcp-fb:99 nack pli\n"
  "a=rtcp-fb:99 ccm fir\n"
  "a=rtcp-fb:99 goog-remb\n"
  "a=rtcp-fb:99 transport-cc\n"
  "a=rtcp-fb:123 nack\n"
  "a=rtcp-fb:123 nack pli\n"
  "a=rtcp-fb:123 ccm fir\n"
  "a=rtcp-fb:123 goog-remb\n"
  "a=rtcp-fb:123 transport-cc\n"
  "a=rtcp-fb:122 nack\n"
  "a=rtcp-fb:122 nack pli\n"
  "a=rtcp-fb:122 ccm fir\n"
  "a=rtcp-fb:122 goog-remb\n"
  "a=rtcp-fb:122 transport-cc\n"
  "a=rtcp-mux\n"
  "a=rtcp-rsize\n"
  "a=rtpmap:120 VP8/90000\n"
  "a=rtpmap:124 rtx/90000\n"
  "a=rtpmap:121 VP9/90000\n"
  "a=rtpmap:125 rtx/90000\n"
  "a=rtpmap:99 AV1/90000\n"
  "a=rtpmap:100 rtx/90000\n"
  "a=rtpmap:123 ulpfec/90000\n"
  "a=rtpmap:122 red/90000\n"
  "a=rtpmap:119 rtx/90000\n"
  "a=setup:actpass\n"
  "a=ssrc:819659249 cname:{2612df6d-6137-4bba-9103-e900437a8735}\n"
  "a=ssrc:2864128606 cname:{2612df6d-6137-4bba-9103-e900437a8735}\n"
  "a=ssrc-group:FID 819659249 2864128606\n";

GST_START_TEST (test_firefox_mdns_offer)
{
  for (bool behind_nat : {false, true}) {
    std::string text = FIREFOX_ESR_OFFER;
    if (behind_nat) {
      /* What STUN adds per m-line behind the lab's NAT: srflx, both components. */
      for (const char *after : {"typ host tcptype active\na=sendrecv\n"}) {
        for (std::string::size_type at = 0; (at = text.find (after, at)) != std::string::npos;) {
          at += strlen ("typ host tcptype active\n");
          const char *srflx = "a=candidate:4 1 UDP 1685987327 198.51.100.7 61904 typ srflx "
              "raddr 0.0.0.0 rport 0\na=candidate:4 2 UDP 1685987326 198.51.100.7 61905 "
              "typ srflx raddr 0.0.0.0 rport 0\n";
          text.insert (at, srflx);
          at += strlen (srflx);
        }
      }
    }
    SdpDocument doc;
    SdpError err;
    fail_unless (SdpDocument::parse (text.data (), text.size (), doc, err),
        "refused: %s", err.message.c_str ());
    /* 8 .local candidates per m-line: all set apart for resolving, each
     * with its note for when they are not; nothing else skipped. */
    fail_unless_equals_int (doc.skipped_candidates ().size (), 0);
    fail_unless_equals_int (doc.mdns_candidates ().size (), 16);
    fail_unless_equals_int (doc.skip_notes (false).size (), 16);
    fail_unless_equals_int (doc.skip_notes (true).size (), 0);
    for (const std::string & note : doc.skip_notes (false))
      fail_unless (note.find (".local is an mDNS name") != std::string::npos, "%s",
          note.c_str ());
    fail_unless (g_str_has_prefix (doc.skip_notes (false)[0].c_str (),
            "line 12: a=candidate:0 1 UDP 2122187007 d8c45dd9-54fb-4c0f-9be2-5bf5e047d4fe"
            ".local 48153 typ host skipped"), "%s", doc.skip_notes (false)[0].c_str ());
    const MdnsCandidate & mdns0 = doc.mdns_candidates ()[0];
    fail_unless_equals_string (mdns0.name.c_str (), "d8c45dd9-54fb-4c0f-9be2-5bf5e047d4fe.local");
    fail_unless_equals_int (mdns0.media_index, 0);
    fail_unless_equals_int (doc.mdns_candidates ()[8].media_index, 1);
    /* Its TCP twins keep their tcptype once the address is swapped. */
    bool tcp = false;
    for (const MdnsCandidate & m : doc.mdns_candidates ())
      if (m.fields.transport == "TCP") {
        tcp = true;
        std::string swapped = candidate_with_address (m.value, "192.0.2.7");
        fail_unless (swapped.find (" 192.0.2.7 9 typ host tcptype active") != std::string::npos,
            "%s", swapped.c_str ());
      }
    fail_unless (tcp);
    for (guint m = 0; m < 2; m++) {
      IceDescription ice = read_ice (doc.message (), m);
      fail_unless_equals_string (ice.ufrag.c_str (), "f1d87319");
      fail_unless (ice.end_of_candidates && ice.rtcp_mux);
      fail_unless_equals_int (ice.candidates.size (), behind_nat ? 2 : 0);
      for (const std::string & c : ice.candidates)
        fail_unless (c.find (".local") == std::string::npos, "%s", c.c_str ());
    }
  }
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

/* Which lines wait for a resolver: host candidates, UDP or TCP, whose
 * address is a .local name; everything else of the line kept. */
GST_START_TEST (test_mdns_candidate)
{
  struct {
    const char *value;
    bool mdns;
  } cases[] = {
    {"0 1 UDP 2122252543 3c9a1b2e-5d0f-4f3b-9a57-0e2d4c6b8a1f.local 60571 typ host", true},
    {"0 1 udp 2122252543 3C9A1B2E.LOCAL 60571 typ host generation 0", true},
    {"2 1 TCP 2105524479 3c9a1b2e.local 9 typ host tcptype active", true},
    /* Not mDNS: an IP address, another name, not host, not a candidate. */
    {"1 1 UDP 2130706431 192.0.2.1 60571 typ host", false},
    {"1 1 UDP 2130706431 peer.example 60571 typ host", false},
    {"1 1 UDP 2130706431 .local 60571 typ host", false},
    {"1 1 UDP 1686052863 3c9a1b2e.local 60571 typ srflx raddr 0.0.0.0 rport 0", false},
    {"1 1 SCTP 2130706431 3c9a1b2e.local 60571 typ host", false},
    {"1 1 UDP 2130706431 3c9a1b2e.local 70000 typ host", false},
    {"1 1 UDP 2130706431 3c9a1b2e.local 60571 host", false},
  };
  for (const auto & c : cases) {
    MdnsCandidate m;
    fail_unless_equals_int (mdns_candidate (c.value, m), c.mdns);
    if (!c.mdns)
      continue;
    fail_unless_equals_string (m.value.c_str (), c.value);
    fail_unless (g_str_has_suffix (m.name.c_str (), ".local")
        || g_str_has_suffix (m.name.c_str (), ".LOCAL"));
    fail_unless_equals_string (m.fields.address.c_str (), m.name.c_str ());
    fail_unless_equals_string (m.fields.type.c_str (), "host");
    /* Swapped, the line is a candidate as the agent reads it. */
    std::string swapped = candidate_with_address (c.value, "127.0.0.1");
    CandidateFields f;
    fail_unless (candidate_fields (swapped, f), "%s", swapped.c_str ());
    fail_unless_equals_string (f.address.c_str (), "127.0.0.1");
    fail_unless_equals_int (f.port, m.fields.port);
    fail_unless_equals_string (f.transport.c_str (), m.fields.transport.c_str ());
    fail_unless (unusable_candidate_reason (swapped).empty ());
    fail_unless_equals_string (swapped.substr (0, swapped.find ("127.0.0.1")).c_str (),
        std::string (c.value).substr (0, std::string (c.value).find (m.name)).c_str ());
  }
  fail_unless_equals_string (candidate_with_address ("1 1 UDP", "127.0.0.1").c_str (), "");
}

GST_END_TEST;

static Suite *
ice_sdp_suite (void)
{
  Suite *s = suite_create ("ice-sdp");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_read_ice, 0, G_N_ELEMENTS (read_cases));
  tcase_add_loop_test (tc, test_skip_unusable_candidates, 0, G_N_ELEMENTS (skip_cases));
  tcase_add_test (tc, test_firefox_mdns_offer);
  tcase_add_test (tc, test_mdns_candidate);
  tcase_add_loop_test (tc, test_answer_ice, 0, G_N_ELEMENTS (answer_cases));
  tcase_add_test (tc, test_answer_gather_failure);
  tcase_add_test (tc, test_offer_and_answer_ice);
  tcase_add_test (tc, test_offered_transport);
  return s;
}

GST_CHECK_MAIN (ice_sdp);

/* Unit tests of trickle ICE's SDP fragments (RFC 8840): told apart from
 * offers in the byte stream, read, written, applied to the peer's m-lines
 * by mid or position, end-of-candidates, and fragments that are not.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "sdpdocument.h"
#include "sdpframing.h"
#include "trickle.h"

#include <string>

using namespace comedia;

#define CAND1 "1 1 UDP 2130706431 198.51.100.10 50000 typ host"
#define CAND2 "2 1 UDP 1694498815 203.0.113.5 61000 typ srflx raddr 198.51.100.10 rport 50000"

/* What Firefox and webrtcbin trickle: credentials, then m=, a=mid, lines. */
static const char *FRAGMENT =
    "a=ice-ufrag:8hhY\r\na=ice-pwd:asd88fgpdd777uzjYhagZg\r\n"
    "m=audio 9 RTP/AVP 0\r\na=mid:0\r\na=candidate:" CAND1 "\r\n"
    "m=video 9 RTP/AVP 0\r\na=mid:1\r\na=candidate:" CAND2 "\r\na=end-of-candidates\r\n";

GST_START_TEST (test_parse_fragment)
{
  SdpFragment f;
  std::string error;
  fail_unless (parse_sdp_fragment (FRAGMENT, f, error), "%s", error.c_str ());
  fail_unless_equals_string (f.ufrag.c_str (), "8hhY");
  fail_unless_equals_string (f.pwd.c_str (), "asd88fgpdd777uzjYhagZg");
  fail_if (f.end_of_candidates);
  fail_unless_equals_int (f.media.size (), 2);
  fail_unless_equals_string (f.media[0].mid.c_str (), "0");
  fail_unless_equals_int (f.media[0].candidates.size (), 1);
  fail_unless_equals_string (f.media[0].candidates[0].c_str (), CAND1);
  fail_if (f.media[0].end_of_candidates);
  fail_unless_equals_string (f.media[1].media.c_str (), "video");
  fail_unless_equals_string (f.media[1].candidates[0].c_str (), CAND2);
  fail_unless (f.media[1].end_of_candidates);
  fail_unless (f.skipped.empty ());
}

GST_END_TEST;

GST_START_TEST (test_build_and_read_back)
{
  SdpFragment f;
  f.ufrag = "abcd";
  f.pwd = "abcdefghijklmnopqrstuvwx";
  FragmentMedia m;
  m.media = "video";
  m.mid = "v1";
  m.candidates = {CAND1};
  f.media.push_back (m);
  std::string text = build_sdp_fragment (f);
  fail_unless_equals_string (text.c_str (), "a=ice-ufrag:abcd\r\n"
      "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\nm=video 9 RTP/AVP 0\r\na=mid:v1\r\n"
      "a=candidate:" CAND1 "\r\n\r\n");
  SdpFragment back;
  std::string error;
  fail_unless (parse_sdp_fragment (text, back, error), "%s", error.c_str ());
  fail_unless_equals_string (back.media[0].mid.c_str (), "v1");
  fail_unless_equals_string (back.media[0].candidates[0].c_str (), CAND1);

  /* The end: a=end-of-candidates in the media. */
  f.media[0].candidates.clear ();
  f.media[0].end_of_candidates = true;
  fail_unless (parse_sdp_fragment (build_sdp_fragment (f), back, error), "%s",
      error.c_str ());
  fail_unless (back.media[0].end_of_candidates && back.media[0].candidates.empty ());
}

GST_END_TEST;

/* The m-line a fragment's media is for: by mid, else by position. */
GST_START_TEST (test_apply_to_mlines)
{
  const char *offer = "v=0\r\no=- 1 1 IN IP4 198.51.100.10\r\ns=-\r\nt=0 0\r\n"
      "m=audio 9 RTP/AVP 0\r\na=mid:a\r\nm=video 9 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n"
      "a=mid:v\r\n";
  SdpDocument doc;
  SdpError err;
  fail_unless (SdpDocument::parse (offer, strlen (offer), doc, err), "%s",
      err.message.c_str ());
  guint index = 99;
  FragmentMedia m;
  m.mid = "v";
  fail_unless (fragment_media_index (doc.message (), m, index));
  fail_unless_equals_int (index, 1);
  m.mid = "nope";
  fail_if (fragment_media_index (doc.message (), m, index));
  m.mid = "";
  m.position = 0;
  fail_unless (fragment_media_index (doc.message (), m, index));
  fail_unless_equals_int (index, 0);
  m.position = 2;
  fail_if (fragment_media_index (doc.message (), m, index));

  /* What an application hands to add-ice-candidate. */
  for (const char *given : {"candidate:" CAND1, "a=candidate:" CAND1 "\r\n", CAND1}) {
    std::string value = candidate_value_of (given);
    fail_unless (value == CAND1, "'%s' gave '%s'", given, value.c_str ());
  }
  for (const char *end : {"", "a=end-of-candidates"})
    fail_unless (candidate_value_of (end).empty (), "'%s'", end);
}

GST_END_TEST;

/* Session-level end-of-candidates alone is a fragment: every media ends. */
GST_START_TEST (test_end_of_candidates)
{
  SdpFragment f;
  std::string error;
  fail_unless (parse_sdp_fragment ("a=ice-ufrag:8hhY\r\na=end-of-candidates\r\n", f, error),
      "%s", error.c_str ());
  fail_unless (f.end_of_candidates);
  fail_unless (f.media.empty ());
}

GST_END_TEST;

GST_START_TEST (test_bad_fragments)
{
  SdpFragment f;
  std::string error;
  /* An offer is no fragment. */
  fail_if (parse_sdp_fragment ("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n", f, error));
  /* Credentials only: nothing to apply. */
  fail_if (parse_sdp_fragment ("a=ice-ufrag:8hhY\r\na=ice-pwd:asd88fgpdd777uzjYhagZg\r\n",
          f, error));
  fail_unless (error.find ("no a=candidate") != std::string::npos, "%s", error.c_str ());
  /* Malformed lines are skipped with a note, mDNS ones set apart for
   * resolving (with the note for when they are not), the rest is kept. */
  fail_unless (parse_sdp_fragment ("m=audio 9 RTP/AVP 0\r\na=mid:0\r\n"
          "a=candidate:0 1 UDP 2122252543 3c9a1b2e.local 60571 typ host\r\n"
          "a=candidate:garbage\r\na=candidate:" CAND1 "\r\n", f, error), "%s", error.c_str ());
  fail_unless_equals_int (f.media[0].candidates.size (), 1);
  fail_unless_equals_int (f.skipped.size (), 1);
  fail_unless (f.skipped[0].find ("garbage") != std::string::npos, "%s",
      f.skipped[0].c_str ());
  fail_unless_equals_int (f.media[0].mdns.size (), 1);
  const MdnsCandidate & m = f.media[0].mdns[0];
  fail_unless_equals_string (m.name.c_str (), "3c9a1b2e.local");
  fail_unless_equals_int (m.media_index, 0);
  fail_unless (m.note.find ("mDNS name") != std::string::npos, "%s", m.note.c_str ());
  fail_unless (g_str_has_prefix (m.note.c_str (), "a=candidate:0 1 UDP 2122252543 "
          "3c9a1b2e.local 60571 typ host skipped: "), "%s", m.note.c_str ());
  /* A fragment of mDNS candidates only is a fragment. */
  fail_unless (parse_sdp_fragment ("m=audio 9 RTP/AVP 0\r\na=mid:0\r\n"
          "a=candidate:0 1 UDP 2122252543 3c9a1b2e.local 60571 typ host\r\n", f, error),
      "%s", error.c_str ());
  fail_unless_equals_int (f.media[0].mdns.size (), 1);
}

GST_END_TEST;

/* In the sink pad's byte stream: an offer, then fragments, each its own
 * message at an empty line. */
GST_START_TEST (test_framing_tells_fragments)
{
  std::string offer = "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n"
      "m=audio 9 RTP/AVP 0\r\n";
  std::string stream = offer + "\r\n" + FRAGMENT + "\r\n" + "a=end-of-candidates\r\n\r\n";
  SdpFraming framing (64 * 1024);
  framing.push ((const guint8 *) stream.data (), stream.size ());
  std::string m1, m2, m3, m4;
  fail_unless (framing.next (m1, false));
  fail_unless (framing.next (m2, false));
  fail_unless (framing.next (m3, false));
  fail_if (framing.next (m4, false));
  fail_if (is_sdp_fragment (m1));
  fail_unless (is_sdp_fragment (m2));
  fail_unless (m2 == FRAGMENT, "%s", m2.c_str ());
  fail_unless (is_sdp_fragment (m3));
}

GST_END_TEST;

static Suite *
trickle_suite (void)
{
  Suite *s = suite_create ("trickle");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_parse_fragment);
  tcase_add_test (tc, test_build_and_read_back);
  tcase_add_test (tc, test_apply_to_mlines);
  tcase_add_test (tc, test_end_of_candidates);
  tcase_add_test (tc, test_bad_fragments);
  tcase_add_test (tc, test_framing_tells_fragments);
  return s;
}

GST_CHECK_MAIN (trickle);

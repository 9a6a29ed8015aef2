/* libFuzzer harness: the SDP offer/answer logic fed arbitrary offers and
 * answers.  Whatever the input, it must either refuse with a message or
 * produce an answer that parses again.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>

#include "answerer.h"
#include "fuzzinput.h"
#include "offerer.h"
#include "../check/common/sdpfakes.h"

#include <cstring>

using namespace comedia;

extern "C" int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* The input is an offer, optionally followed by "\n--\n" and an answer. */
  const char *text = (const char *) data;
  size_t offer_len = size;
  const char *answer_text = nullptr;
  size_t answer_len = 0;
  const char *sep = (const char *) memmem (data, size, "\n--\n", 4);
  if (sep) {
    offer_len = sep - text + 1;
    answer_text = sep + 4;
    answer_len = size - (answer_text - text);
  }

  SdpDocument offer;
  SdpError err;
  if (!SdpDocument::parse (text, offer_len, offer, err)) {
    CHECK (!err.message.empty ());
    CHECK (offer.empty ());
    return 0;
  }

  /* Two streams with fake ports: no socket is opened. */
  FakePipeline local;
  AnswerOptions options;
  options.public_address = "203.0.113.10";
  options.default_route_address = [] (bool) { return std::string ("203.0.113.10"); };
  Negotiated answer;
  SdpError answer_err;
  if (answer_offer (offer, local, options, answer, answer_err)) {
    /* Whatever we answer must itself be valid SDP. */
    std::string out = sdp_message_to_text (answer.sdp.get ());
    SdpDocument reparsed;
    SdpError reparse_err;
    if (!SdpDocument::parse (out.data (), out.size (), reparsed, reparse_err)) {
      fprintf (stderr, "answer does not parse (%s):\n%s\n",
          reparse_err.message.c_str (), out.c_str ());
      abort ();
    }
    CHECK (answer.streams.size () ==
        gst_sdp_message_medias_len (offer.message ()));
  } else {
    CHECK (!answer_err.message.empty ());
  }

  if (answer_text) {
    SdpDocument theirs;
    SdpError e2;
    if (SdpDocument::parse (answer_text, answer_len, theirs, e2)) {
      AnswerReading reading;
      SdpError e3;
      if (!read_answer (offer, theirs, MissingPassive::StaticDestination,
              reading, e3))
        CHECK (!e3.message.empty ());
      Negotiated rewritten;
      SdpError e4;
      if (!rewrite_offer_answer (offer, theirs, local, options, rewritten, e4))
        CHECK (!e4.message.empty ());
    }
  }
  return 0;
}

/* libFuzzer harness: arbitrary a=crypto values.  Parsing never crashes and
 * either gives a line or a reason; what parses writes back to a value that
 * parses to the same line, whose written form is stable; the log form never
 * carries the key; choosing an answer from the lines never crashes and
 * answers with a tag that was offered.
 *
 * Input: the values, one per line ('\n').
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "sdescrypto.h"
#include "srtpnegotiation.h"

#include <glib.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace comedia;

#define CHECK(cond) do { if (!(cond)) { \
      fprintf (stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      abort (); } } while (0)

static void
zero_random (uint8_t * out, size_t len)
{
  for (size_t i = 0; i < len; i++)
    out[i] = 0x5A;
}

extern "C" int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  return 0;
}

extern "C" int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  std::string input ((const char *) data, size);
  std::vector<CryptoParse> lines;
  size_t pos = 0;
  while (pos <= input.size () && lines.size () < 16) {
    size_t end = input.find ('\n', pos);
    if (end == std::string::npos)
      end = input.size ();
    lines.push_back (parse_crypto (input.substr (pos, end - pos)));
    pos = end + 1;
  }
  for (const CryptoParse & p : lines) {
    CHECK (p.line.has_value () == p.reason.empty ());
    if (!p.line)
      continue;
    std::string written = write_crypto (*p.line);
    CryptoParse again = parse_crypto (written);
    CHECK (again.line.has_value ());
    CHECK (*again.line == *p.line);
    CHECK (write_crypto (*again.line) == written);
    gchar *b64 = g_base64_encode (p.line->key_salt.data (), p.line->key_salt.size ());
    CHECK (crypto_for_log (*p.line).find (b64) == std::string::npos);
    CHECK (choose_crypto ({p}, srtp_suites_by_strength (), zero_random).skipped_summary ()
        .find (b64) == std::string::npos);
    g_free (b64);
  }
  CryptoChoice c = choose_crypto (lines, srtp_suites_by_strength (), zero_random);
  CHECK (c.skipped.size () == lines.size () - (c.chosen () ? 1 : 0));
  if (c.chosen ()) {
    CHECK (c.answer->tag == c.offered->tag && c.answer->suite == c.offered->suite);
    CHECK (parse_crypto (write_crypto (*c.answer)).line.has_value ());
  }
  for (const char *proto : {"RTP/SAVP", "RTP/AVP"}) {
    SrtpDecision d = decide_srtp (proto, lines, PlainRtpPolicy::RequireSrtp,
        srtp_suites_by_strength (), zero_random);
    CHECK ((d.kind == SrtpAnswerKind::Srtp) == c.chosen ());
  }
  return 0;
}

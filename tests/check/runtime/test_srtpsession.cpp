/* Unit test of comedia::SrtpSession, libsrtp2 for one direction: SRTP and
 * SRTCP round trips under every suite, and what a flipped bit, a replayed
 * packet and a wrong key give.  A runtime unit: never loads the plugin.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "srtpsession.h"

#include <cstring>
#include <memory>
#include <vector>

using namespace comedia;

static const SrtpSuite kAll[] = {SrtpSuite::AesCm128HmacSha1_80,
  SrtpSuite::AesCm128HmacSha1_32, SrtpSuite::Aes256CmHmacSha1_80,
  SrtpSuite::Aes256CmHmacSha1_32, SrtpSuite::AeadAes128Gcm, SrtpSuite::AeadAes256Gcm};

static std::vector<uint8_t>
key_for (SrtpSuite suite, uint8_t seed)
{
  const SrtpSuiteInfo & info = srtp_suite_info (suite);
  std::vector<uint8_t> key (info.key_len + info.salt_len);
  for (size_t i = 0; i < key.size (); i++)
    key[i] = uint8_t (seed + i * 7);
  return key;
}

static std::unique_ptr<SrtpSession>
session (SrtpSuite suite, SrtpDirection dir, uint8_t seed = 1)
{
  std::string error;
  auto s = SrtpSession::create (suite, dir, key_for (suite, seed), &error);
  fail_unless (s != nullptr, "%s: %s", srtp_suite_info (suite).name, error.c_str ());
  return s;
}

/* An RTP packet (12-byte header, 20 bytes payload) in a buffer with room. */
static std::vector<uint8_t>
rtp (uint16_t seq, size_t & len)
{
  std::vector<uint8_t> buf (12 + 20 + SrtpSession::kMaxTrailer);
  const uint8_t header[12] = {0x80, 0x60, uint8_t (seq >> 8), uint8_t (seq),
    0, 0, 0x10, 0, 0x12, 0x34, 0x56, 0x78};
  memcpy (buf.data (), header, 12);
  for (size_t i = 0; i < 20; i++)
    buf[12 + i] = uint8_t (i);
  len = 32;
  return buf;
}

/* An RTCP receiver report without blocks (8 bytes). */
static std::vector<uint8_t>
rtcp_rr (size_t & len)
{
  std::vector<uint8_t> buf (8 + SrtpSession::kMaxTrailer);
  const uint8_t rr[8] = {0x80, 201, 0, 1, 0x12, 0x34, 0x56, 0x78};
  memcpy (buf.data (), rr, 8);
  len = 8;
  return buf;
}

GST_START_TEST (test_round_trip_every_suite)
{
  for (SrtpSuite suite : kAll) {
    const char *name = srtp_suite_info (suite).name;
    auto out = session (suite, SrtpDirection::Outbound);
    auto in = session (suite, SrtpDirection::Inbound);
    for (uint16_t seq = 100; seq < 105; seq++) {
      size_t len = 0;
      std::vector<uint8_t> buf = rtp (seq, len);
      std::vector<uint8_t> plain (buf.begin (), buf.begin () + len);
      fail_unless (out->protect (buf.data (), len, buf.size ()) == SrtpResult::Ok, "%s", name);
      fail_unless (len > 32, "%s: no tag", name);
      fail_if (memcmp (buf.data () + 12, plain.data () + 12, 20) == 0, "%s: not encrypted", name);
      fail_unless (in->unprotect (buf.data (), len) == SrtpResult::Ok, "%s", name);
      fail_unless_equals_int (len, 32);
      fail_unless (memcmp (buf.data (), plain.data (), 32) == 0, "%s", name);
    }
    size_t len = 0;
    std::vector<uint8_t> buf = rtcp_rr (len);
    fail_unless (out->protect_rtcp (buf.data (), len, buf.size ()) == SrtpResult::Ok, "%s", name);
    fail_unless (len > 8);
    fail_unless (in->unprotect_rtcp (buf.data (), len) == SrtpResult::Ok, "%s", name);
    fail_unless_equals_int (len, 8);
    fail_unless_equals_int (buf[1], 201);
  }
}
GST_END_TEST;

/* A packet protected by @out: RTP with @seq, or an RTCP receiver report. */
static std::vector<uint8_t>
sealed (SrtpSession & out, bool is_rtcp, uint16_t seq, size_t & len)
{
  std::vector<uint8_t> buf = is_rtcp ? rtcp_rr (len) : rtp (seq, len);
  SrtpResult r = is_rtcp ? out.protect_rtcp (buf.data (), len, buf.size ())
      : out.protect (buf.data (), len, buf.size ());
  fail_unless (r == SrtpResult::Ok);
  return buf;
}

static SrtpResult
opened (SrtpSession & in, bool is_rtcp, std::vector<uint8_t> buf, size_t len)
{
  return is_rtcp ? in.unprotect_rtcp (buf.data (), len) : in.unprotect (buf.data (), len);
}

GST_START_TEST (test_flipped_bit_fails_auth)
{
  for (SrtpSuite suite : kAll)
    for (bool is_rtcp : {false, true}) {
      auto out = session (suite, SrtpDirection::Outbound);
      auto in = session (suite, SrtpDirection::Inbound);
      size_t len = 0;
      std::vector<uint8_t> buf = sealed (*out, is_rtcp, 1, len);
      buf[is_rtcp ? 5 : 20] ^= 0x01;
      fail_unless (opened (*in, is_rtcp, buf, len) == SrtpResult::AuthFailed,
          "%s rtcp=%d", srtp_suite_info (suite).name, is_rtcp);
    }
}
GST_END_TEST;

GST_START_TEST (test_replayed_is_reported)
{
  for (SrtpSuite suite : kAll)
    for (bool is_rtcp : {false, true}) {
      auto out = session (suite, SrtpDirection::Outbound);
      auto in = session (suite, SrtpDirection::Inbound);
      size_t len = 0;
      std::vector<uint8_t> buf = sealed (*out, is_rtcp, 7, len);
      fail_unless (opened (*in, is_rtcp, buf, len) == SrtpResult::Ok);
      fail_unless (opened (*in, is_rtcp, buf, len) == SrtpResult::Replayed,
          "%s rtcp=%d", srtp_suite_info (suite).name, is_rtcp);
    }
  fail_unless_equals_string (protection_result_name (SrtpResult::Replayed), "replayed");
}
GST_END_TEST;

GST_START_TEST (test_wrong_key_fails_auth)
{
  for (SrtpSuite suite : kAll)
    for (bool is_rtcp : {false, true}) {
      auto out = session (suite, SrtpDirection::Outbound, 1);
      auto in = session (suite, SrtpDirection::Inbound, 2);
      size_t len = 0;
      /* Every one of them, not only the first: a stream libsrtp made for
       * a packet that then failed must not make the next ones "replayed". */
      for (guint16 seq = 1; seq <= 4; seq++) {
        std::vector<uint8_t> buf = sealed (*out, is_rtcp, seq, len);
        fail_unless (opened (*in, is_rtcp, buf, len) == SrtpResult::AuthFailed,
            "%s rtcp=%d packet %u", srtp_suite_info (suite).name, is_rtcp, seq);
      }
    }
}
GST_END_TEST;

GST_START_TEST (test_misuse_is_an_error)
{
  std::string error;
  fail_unless (SrtpSession::create (SrtpSuite::AesCm128HmacSha1_80, SrtpDirection::Inbound,
          std::vector<uint8_t> (29), &error) == nullptr);
  fail_if (error.empty ());
  auto out = session (SrtpSuite::AesCm128HmacSha1_80, SrtpDirection::Outbound);
  size_t len = 0;
  std::vector<uint8_t> buf = rtp (1, len);
  /* No room for the tag; the wrong direction; too short to be RTP. */
  fail_unless (out->protect (buf.data (), len, len) == SrtpResult::Error);
  fail_unless (out->unprotect (buf.data (), len) == SrtpResult::Error);
  auto in = session (SrtpSuite::AesCm128HmacSha1_80, SrtpDirection::Inbound);
  len = 5;
  fail_unless (in->unprotect (buf.data (), len) == SrtpResult::Error);
}
GST_END_TEST;

static Suite *
srtpsession_suite (void)
{
  Suite *s = suite_create ("srtpsession");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_round_trip_every_suite);
  tcase_add_test (tc, test_flipped_bit_fails_auth);
  tcase_add_test (tc, test_replayed_is_reported);
  tcase_add_test (tc, test_wrong_key_fails_auth);
  tcase_add_test (tc, test_misuse_is_an_error);
  return s;
}

GST_CHECK_MAIN (srtpsession);

/* Unit test of comedia::classify_first_byte, RFC 7983's demultiplexing of
 * STUN, ZRTP, DTLS, TURN channels and RTP/RTCP on one port: every boundary
 * of the table, and every byte in between.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "packetclass.h"

using namespace comedia;

/* RFC 7983 section 7's table, as ranges; the gaps are Unknown. */
struct Range {
  unsigned first, last;
  DatagramClass cls;
};
static const Range kTable[] = {
  {0, 3, DatagramClass::Stun},
  {16, 19, DatagramClass::Zrtp},
  {20, 63, DatagramClass::Dtls},
  {64, 79, DatagramClass::TurnChannel},
  {128, 191, DatagramClass::RtpRtcp},
};

static DatagramClass
expected (unsigned b)
{
  for (const Range & r : kTable)
    if (b >= r.first && b <= r.last)
      return r.cls;
  return DatagramClass::Unknown;
}

GST_START_TEST (test_boundaries)
{
  /* Each range's ends and the bytes just outside them, written out. */
  const struct { unsigned byte; DatagramClass cls; } cases[] = {
    {0, DatagramClass::Stun}, {3, DatagramClass::Stun}, {4, DatagramClass::Unknown},
    {15, DatagramClass::Unknown}, {16, DatagramClass::Zrtp}, {19, DatagramClass::Zrtp},
    {20, DatagramClass::Dtls}, {63, DatagramClass::Dtls}, {64, DatagramClass::TurnChannel},
    {79, DatagramClass::TurnChannel}, {80, DatagramClass::Unknown},
    {127, DatagramClass::Unknown}, {128, DatagramClass::RtpRtcp},
    {191, DatagramClass::RtpRtcp}, {192, DatagramClass::Unknown},
    {255, DatagramClass::Unknown},
  };
  for (const auto & c : cases) {
    DatagramClass got = classify_first_byte (uint8_t (c.byte));
    fail_unless (got == c.cls, "byte %u: %s, expected %s", c.byte,
        datagram_class_name (got), datagram_class_name (c.cls));
  }
}
GST_END_TEST;

GST_START_TEST (test_every_byte)
{
  for (unsigned b = 0; b < 256; b++)
    fail_unless (classify_first_byte (uint8_t (b)) == expected (b), "byte %u", b);
}
GST_END_TEST;

GST_START_TEST (test_datagrams)
{
  /* A DTLS handshake record, a STUN binding request, an RTP header. */
  const uint8_t dtls[] = {22, 0xfe, 0xfd, 0, 0};
  const uint8_t stun[] = {0x00, 0x01, 0x00, 0x00};
  const uint8_t rtp[] = {0x80, 0x60, 0x00, 0x01};
  fail_unless (classify_datagram (dtls, sizeof dtls) == DatagramClass::Dtls);
  fail_unless (classify_datagram (stun, sizeof stun) == DatagramClass::Stun);
  fail_unless (classify_datagram (rtp, sizeof rtp) == DatagramClass::RtpRtcp);
  fail_unless (classify_datagram (rtp, 0) == DatagramClass::Unknown);
  fail_unless (classify_datagram (nullptr, 0) == DatagramClass::Unknown);
}
GST_END_TEST;

static Suite *
packetclass_suite (void)
{
  Suite *s = suite_create ("packetclass");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_boundaries);
  tcase_add_test (tc, test_every_byte);
  tcase_add_test (tc, test_datagrams);
  return s;
}

GST_CHECK_MAIN (packetclass);

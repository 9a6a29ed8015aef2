/* Unit test of the announced address (core/sdp/announcedaddress.h): on a
 * 1:1-NAT host our ICE host candidates carry the public address, the
 * other candidates and other address families stay as gathered.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "announcedaddress.h"

using comedia::announce_candidate;
using comedia::announce_host_candidates;
using comedia::IceDescription;

static void
check_value (const std::string & got, const char *expected)
{
  fail_unless (got == expected, "got '%s', expected '%s'", got.c_str (), expected);
}

GST_START_TEST (test_host_candidate_announced)
{
  check_value (announce_candidate ("1 1 UDP 2015363327 10.0.0.5 40000 typ host",
          "203.0.113.10"), "1 1 UDP 2015363327 203.0.113.10 40000 typ host");
  /* Extensions after the type stay. */
  check_value (announce_candidate ("4 1 TCP 1015021823 10.0.0.5 9 typ host "
          "tcptype active", "203.0.113.10"),
      "4 1 TCP 1015021823 203.0.113.10 9 typ host tcptype active");
}
GST_END_TEST;

GST_START_TEST (test_other_candidates_stay)
{
  const char *srflx = "2 1 UDP 1678245631 198.51.100.7 40000 typ srflx raddr "
      "10.0.0.5 rport 40000";
  check_value (announce_candidate (srflx, "203.0.113.10"), srflx);
  const char *relay = "3 1 UDP 33562623 192.0.2.9 50000 typ relay raddr "
      "198.51.100.7 rport 40000";
  check_value (announce_candidate (relay, "203.0.113.10"), relay);
  /* Another family: an IPv6 host candidate keeps its address. */
  const char *v6 = "5 1 UDP 2015363327 2001:db8::5 40002 typ host";
  check_value (announce_candidate (v6, "203.0.113.10"), v6);
  check_value (announce_candidate ("1 1 UDP 2015363327 10.0.0.5 40000 typ host",
          "2001:db8::10"), "1 1 UDP 2015363327 10.0.0.5 40000 typ host");
  /* No announced address, or not an address: as gathered. */
  const char *host = "1 1 UDP 2015363327 10.0.0.5 40000 typ host";
  check_value (announce_candidate (host, ""), host);
  check_value (announce_candidate (host, "cloud.example"), host);
  /* Not a candidate: as it was. */
  check_value (announce_candidate ("garbage", "203.0.113.10"), "garbage");
}
GST_END_TEST;

GST_START_TEST (test_description_and_default_address)
{
  IceDescription ice;
  ice.candidates = {
    "1 1 UDP 2015363327 10.0.0.5 40000 typ host",
    "1 2 UDP 2015363326 10.0.0.5 40001 typ host",
    "2 1 UDP 1678245631 198.51.100.7 40000 typ srflx raddr 10.0.0.5 rport 40000",
  };
  ice.default_address = "10.0.0.5";
  ice.default_rtp_port = 40000;
  fail_unless_equals_int (announce_host_candidates (ice, "203.0.113.10"), 2);
  check_value (ice.candidates[0], "1 1 UDP 2015363327 203.0.113.10 40000 typ host");
  check_value (ice.candidates[1], "1 2 UDP 2015363326 203.0.113.10 40001 typ host");
  check_value (ice.candidates[2],
      "2 1 UDP 1678245631 198.51.100.7 40000 typ srflx raddr 10.0.0.5 rport 40000");
  /* c= follows: the default candidate was a host candidate. */
  check_value (ice.default_address, "203.0.113.10");
  fail_unless_equals_int (ice.default_rtp_port, 40000);

  /* A default that is no host candidate's (srflx) stays. */
  IceDescription reflexive;
  reflexive.candidates = ice.candidates;
  reflexive.candidates[0] = "1 1 UDP 2015363327 10.0.0.5 40000 typ host";
  reflexive.default_address = "198.51.100.7";
  fail_unless_equals_int (announce_host_candidates (reflexive, "203.0.113.10"), 1);
  check_value (reflexive.default_address, "198.51.100.7");

  /* Nothing announced: nothing changes. */
  IceDescription same = ice;
  fail_unless_equals_int (announce_host_candidates (same, ""), 0);
  fail_unless (same.candidates == ice.candidates);
}
GST_END_TEST;

static Suite *
announcedaddress_suite (void)
{
  Suite *s = suite_create ("announcedaddress");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_host_candidate_announced);
  tcase_add_test (tc, test_other_candidates_stay);
  tcase_add_test (tc, test_description_and_default_address);
  return s;
}

GST_CHECK_MAIN (announcedaddress);

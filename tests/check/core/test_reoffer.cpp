/* Unit tests of the re-offer rules (gst/core/sdp/reoffer.h), offer by offer,
 * no pipeline: what a renegotiation of a running call changes (hold,
 * resume, a new address or port, a codec change, an added m-line), which
 * components reopen learning, and that the local ports stay.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "answerer.h"
#include "reoffer.h"
#include "sdpfakes.h"

#include <map>
#include <string>
#include <vector>

using namespace comedia;


static AnswerOptions
options ()
{
  AnswerOptions o;
  o.public_address = "203.0.113.5";
  o.session_id = 42;
  return o;
}

/* One audio m-line (and a video one with @video) of a SIP phone: no
 * a=direction, so the plan is static. */
static std::string
phone_offer (const std::string & address, guint port, const char *direction = "sendrecv",
    const char *pt = "0", bool video = false, const std::string & extra = "")
{
  std::string s = "v=0\r\no=phone 1 2 IN IP4 " + address + "\r\ns=call\r\nc=IN IP4 " +
      address + "\r\nt=0 0\r\nm=audio " + std::to_string (port) + " RTP/AVP " + pt +
      "\r\n" + extra;
  if (direction)
    s += std::string ("a=") + direction + "\r\n";
  if (video)
    s += "m=video " + std::to_string (port + 2) + " RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n";
  return s;
}

struct Round {
  SdpDocument offer;
  Negotiated answer;
  std::vector<StreamChange> changes;
};

/* Answers @text as the element does: plan, supply, write, compare with
 * the last answer, annotate the plans, remember. */
static Round
negotiate (AnsweredSession & session, FakePipeline & sockets, const std::string & text)
{
  Round r;
  SdpError err;
  fail_unless (SdpDocument::parse (text.data (), text.size (), r.offer, err), "%s\n%s",
      err.message.c_str (), text.c_str ());
  fail_unless (answer_offer (r.offer, sockets, options (), r.answer, err), "%s",
      err.message.c_str ());
  r.changes = session.compare (r.offer, r.answer.streams);
  fail_unless_equals_int (r.changes.size (), r.answer.streams.size ());
  annotate_plans (r.changes, r.answer.streams);
  session.remember (r.offer, r.answer.streams);
  return r;
}

static guint
answered_port (const Round & r, guint media)
{
  return gst_sdp_message_get_media (r.answer.sdp.get (), media)->port;
}

static bool
note_has (const Round & r, guint media, const char *text)
{
  return r.answer.streams[media].note.find (text) != std::string::npos;
}

GST_START_TEST (test_first_offer_changes_nothing)
{
  AnsweredSession session;
  FakePipeline sockets;
  fail_if (session.answered ());
  Round r = negotiate (session, sockets, phone_offer ("198.51.100.7", 4000));
  fail_unless (session.answered ());
  fail_if (r.changes[0].relearn () || r.changes[0].added || r.changes[0].on_hold);
  fail_unless (r.changes[0].note.empty ());
  fail_if (note_has (r, 0, "re-offer"));
  /* Forgotten (the element went to NULL): the next offer is a first one. */
  session.forget ();
  fail_if (session.answered ());
  r = negotiate (session, sockets, phone_offer ("198.51.100.9", 5000));
  fail_if (r.changes[0].relearn ());
}

GST_END_TEST;

GST_START_TEST (test_same_offer_same_ports_no_relearn)
{
  AnsweredSession session;
  FakePipeline sockets;
  Round call = negotiate (session, sockets, phone_offer ("198.51.100.7", 4000));
  Round again = negotiate (session, sockets, phone_offer ("198.51.100.7", 4000));
  fail_unless_equals_int (answered_port (again, 0), answered_port (call, 0));
  fail_unless_equals_int (answered_port (again, 0), 40000);
  const StreamChange & c = again.changes[0];
  fail_if (c.relearn () || c.added || c.on_hold || c.direction_changed);
  fail_unless (c.ports_kept);
  fail_unless (note_has (again, 0, "re-offer: the same peer; the same local ports"),
      "%s", again.answer.streams[0].note.c_str ());
  /* The address as GIO writes it: the same IPv6 peer written otherwise. */
  AnsweredSession v6;
  std::string a = "v=0\r\no=- 1 1 IN IP6 2001:db8::7\r\ns=-\r\nc=IN IP6 2001:DB8::7\r\n"
      "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
  std::string b = a;
  b.replace (b.find ("2001:DB8::7"), 11, "2001:db8:0::7");
  negotiate (v6, sockets, a);
  fail_if (negotiate (v6, sockets, b).changes[0].relearn ());
}

GST_END_TEST;

GST_START_TEST (test_new_address_reopens_learning)
{
  AnsweredSession session;
  FakePipeline sockets;
  negotiate (session, sockets, phone_offer ("198.51.100.7", 4000));
  /* The phone changed network. */
  Round moved = negotiate (session, sockets, phone_offer ("198.51.100.9", 4000));
  const StreamChange & c = moved.changes[0];
  fail_unless (c.relearn_rtp && c.relearn_rtcp);
  fail_unless (c.ports_kept);
  fail_unless_equals_int (answered_port (moved, 0), 40000);
  fail_unless (note_has (moved, 0, "re-offer: the peer moved from 198.51.100.7:4000/4001 "
          "to 198.51.100.9:4000/4001: learning reopened on RTP and RTCP"), "%s",
      moved.answer.streams[0].note.c_str ());
  /* Once: the same offer again is no move. */
  fail_if (negotiate (session, sockets, phone_offer ("198.51.100.9", 4000))
      .changes[0].relearn ());
}

GST_END_TEST;

GST_START_TEST (test_new_port_reopens_its_component)
{
  AnsweredSession session;
  FakePipeline sockets;
  /* a=rtcp stays while the RTP port moves: only RTP relearns. */
  negotiate (session, sockets, phone_offer ("198.51.100.7", 4000, "sendrecv", "0", false,
          "a=rtcp:4500\r\n"));
  Round r = negotiate (session, sockets, phone_offer ("198.51.100.7", 4002, "sendrecv",
          "0", false, "a=rtcp:4500\r\n"));
  fail_unless (r.changes[0].relearn_rtp);
  fail_if (r.changes[0].relearn_rtcp);
  fail_unless (note_has (r, 0, "learning reopened on RTP ("));
  /* And the other way round. */
  r = negotiate (session, sockets, phone_offer ("198.51.100.7", 4002, "sendrecv", "0",
          false, "a=rtcp:4600\r\n"));
  fail_if (r.changes[0].relearn_rtp);
  fail_unless (r.changes[0].relearn_rtcp);
  /* Without a=rtcp, RTCP is the next port: both move. */
  r = negotiate (session, sockets, phone_offer ("198.51.100.7", 4010));
  fail_unless (r.changes[0].relearn_rtp && r.changes[0].relearn_rtcp);
}

GST_END_TEST;

GST_START_TEST (test_hold_and_resume)
{
  AnsweredSession session;
  FakePipeline sockets;
  negotiate (session, sockets, phone_offer ("198.51.100.7", 4000));

  /* RFC 2543 hold: c=0.0.0.0.  Nothing is sent to it, nothing relearns. */
  Round hold = negotiate (session, sockets, phone_offer ("0.0.0.0", 4000));
  fail_unless (hold.changes[0].on_hold);
  fail_if (hold.changes[0].relearn ());
  fail_unless (hold.answer.streams[0].remote.address.empty ());
  fail_unless_equals_int (answered_port (hold, 0), 40000);
  fail_unless (note_has (hold, 0, "re-offer: no address in c= (hold): the peer stays "
          "198.51.100.7:4000/4001"), "%s", hold.answer.streams[0].note.c_str ());

  /* Resumed at the same address: no change either. */
  Round resume = negotiate (session, sockets, phone_offer ("198.51.100.7", 4000));
  fail_if (resume.changes[0].relearn () || resume.changes[0].on_hold);
  fail_unless_equals_string (resume.answer.streams[0].remote.address.c_str (),
      "198.51.100.7");
  fail_unless_equals_int (answered_port (resume, 0), 40000);

  /* Held again, then resumed elsewhere: that is a move, compared with the
   * peer from before the hold. */
  negotiate (session, sockets, phone_offer ("0.0.0.0", 4000));
  Round moved = negotiate (session, sockets, phone_offer ("198.51.100.9", 4000));
  fail_unless (moved.changes[0].relearn_rtp && moved.changes[0].relearn_rtcp);
}

GST_END_TEST;

GST_START_TEST (test_direction_hold_applied)
{
  AnsweredSession session;
  FakePipeline sockets;
  Round call = negotiate (session, sockets, phone_offer ("198.51.100.7", 4000, nullptr));
  fail_unless (call.answer.streams[0].direction == MediaDirection::Unspecified);

  /* Hold with a=sendonly: we only receive, and the answer says so. */
  Round hold = negotiate (session, sockets, phone_offer ("198.51.100.7", 4000, "sendonly"));
  fail_unless (hold.answer.streams[0].direction == MediaDirection::RecvOnly);
  const GstSDPMedia *m = gst_sdp_message_get_media (hold.answer.sdp.get (), 0);
  fail_unless (gst_sdp_media_get_attribute_val (m, "recvonly") != nullptr);
  fail_unless (hold.changes[0].direction_changed);
  fail_if (hold.changes[0].relearn ());
  fail_unless (note_has (hold, 0, "direction sendrecv -> recvonly"), "%s",
      hold.answer.streams[0].note.c_str ());

  Round inactive = negotiate (session, sockets, phone_offer ("198.51.100.7", 4000,
          "inactive"));
  fail_unless (inactive.answer.streams[0].direction == MediaDirection::Inactive);
  m = gst_sdp_message_get_media (inactive.answer.sdp.get (), 0);
  fail_unless (gst_sdp_media_get_attribute_val (m, "inactive") != nullptr);
  fail_unless (note_has (inactive, 0, "direction recvonly -> inactive"));

  /* Resumed: a=sendrecv is what no attribute meant, so back to the start. */
  Round resume = negotiate (session, sockets, phone_offer ("198.51.100.7", 4000));
  fail_unless (resume.answer.streams[0].direction == MediaDirection::SendRecv);
  fail_unless (resume.changes[0].direction_changed);
  fail_if (resume.changes[0].relearn ());
  fail_unless_equals_int (answered_port (resume, 0), 40000);
}

GST_END_TEST;

GST_START_TEST (test_codec_change)
{
  AnsweredSession session;
  FakePipeline sockets;
  negotiate (session, sockets, phone_offer ("198.51.100.7", 4000, "sendrecv", "0"));
  Round r = negotiate (session, sockets, phone_offer ("198.51.100.7", 4000, "sendrecv", "8"));
  const GstSDPMedia *m = gst_sdp_message_get_media (r.answer.sdp.get (), 0);
  fail_unless_equals_string (gst_sdp_media_get_format (m, 0), "8");
  fail_unless_equals_int (m->port, 40000);
  fail_if (r.changes[0].relearn () || r.changes[0].direction_changed);
  fail_unless (r.changes[0].ports_kept);
}

GST_END_TEST;

GST_START_TEST (test_added_mline_gets_its_own_ports)
{
  AnsweredSession session;
  FakePipeline sockets;
  sockets.shift = 100;   /* stream 2 bound only now: other ports */
  Round audio = negotiate (session, sockets, phone_offer ("198.51.100.7", 4000));
  Round both = negotiate (session, sockets, phone_offer ("198.51.100.7", 4000, "sendrecv",
          "0", true));
  fail_unless_equals_int (both.answer.streams.size (), 2);
  /* The old stream keeps its ports, the new one has its own. */
  fail_unless_equals_int (answered_port (both, 0), answered_port (audio, 0));
  fail_unless_equals_int (answered_port (both, 1), 40110);
  fail_unless (answered_port (both, 1) != answered_port (both, 0));
  fail_if (both.changes[0].relearn () || both.changes[0].added);
  fail_unless (both.changes[1].added);
  fail_if (both.changes[1].relearn ());
  fail_unless (note_has (both, 1, "re-offer: a stream the last answer did not accept"));
  /* Next time both are old streams with the same ports. */
  Round again = negotiate (session, sockets, phone_offer ("198.51.100.7", 4000, "sendrecv",
          "0", true));
  fail_unless_equals_int (answered_port (again, 1), 40110);
  fail_if (again.changes[1].added || again.changes[1].relearn ());
}

GST_END_TEST;

GST_START_TEST (test_rejected_stream_is_not_compared)
{
  AnsweredSession session;
  FakePipeline sockets;
  negotiate (session, sockets, phone_offer ("198.51.100.7", 4000, "sendrecv", "0", true));
  /* Video disabled (port 0), then offered again from elsewhere: a new
   * stream (RFC 3264 8.2), not a move. */
  std::string off = phone_offer ("198.51.100.7", 4000, "sendrecv", "0", true);
  off.replace (off.find ("m=video 4002"), 12, "m=video 0");
  Round r = negotiate (session, sockets, off);
  fail_unless (r.answer.streams[1].kind == StreamPlan::Kind::Rejected);
  fail_if (r.changes[1].relearn ());
  r = negotiate (session, sockets, phone_offer ("198.51.100.9", 6000, "sendrecv", "0", true));
  fail_unless (r.changes[1].added);
  fail_if (r.changes[1].relearn ());
  fail_unless (r.changes[0].relearn ());
}

GST_END_TEST;

GST_START_TEST (test_comedia_reoffer)
{
  AnsweredSession session;
  FakePipeline sockets;
  /* COMEDIA's own offerer: port 9 and 0.0.0.0 every time, nothing to
   * compare: relatching and timeouts follow the peer instead. */
  std::string active = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
      "m=audio 9 RTP/AVP 0\r\na=direction:active\r\n";
  Round r = negotiate (session, sockets, active);
  fail_unless (r.answer.streams[0].kind == StreamPlan::Kind::Latch);
  r = negotiate (session, sockets, active);
  fail_if (r.changes[0].relearn ());
  fail_unless (r.changes[0].on_hold);
  fail_unless_equals_int (answered_port (r, 0), 40000);
  /* An active peer that writes its (private) address: a new one is a new
   * network. */
  std::string lan = active;
  lan.replace (lan.find ("c=IN IP4 0.0.0.0"), 16, "c=IN IP4 192.168.1.20");
  negotiate (session, sockets, lan);
  std::string other = active;
  other.replace (other.find ("c=IN IP4 0.0.0.0"), 16, "c=IN IP4 10.0.0.5");
  r = negotiate (session, sockets, other);
  fail_unless (r.changes[0].relearn_rtp && r.changes[0].relearn_rtcp);
  fail_unless (r.answer.streams[0].kind == StreamPlan::Kind::Latch);
}

GST_END_TEST;

GST_START_TEST (test_changed_local_ports_are_reported)
{
  /* Cannot happen with Components that stay open; said if it ever does. */
  AnsweredSession session;
  FakePipeline sockets;
  negotiate (session, sockets, phone_offer ("198.51.100.7", 4000));
  sockets.ports.clear ();
  sockets.shift = 2;
  Round r = negotiate (session, sockets, phone_offer ("198.51.100.7", 4000));
  fail_if (r.changes[0].ports_kept);
  fail_unless (note_has (r, 0, "the local ports changed from 40000/40001 to 40002/40003"),
      "%s", r.answer.streams[0].note.c_str ());
}

GST_END_TEST;

static Suite *
reoffer_suite (void)
{
  Suite *s = suite_create ("reoffer");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_first_offer_changes_nothing);
  tcase_add_test (tc, test_same_offer_same_ports_no_relearn);
  tcase_add_test (tc, test_new_address_reopens_learning);
  tcase_add_test (tc, test_new_port_reopens_its_component);
  tcase_add_test (tc, test_hold_and_resume);
  tcase_add_test (tc, test_direction_hold_applied);
  tcase_add_test (tc, test_codec_change);
  tcase_add_test (tc, test_added_mline_gets_its_own_ports);
  tcase_add_test (tc, test_rejected_stream_is_not_compared);
  tcase_add_test (tc, test_comedia_reoffer);
  tcase_add_test (tc, test_changed_local_ports_are_reported);
  return s;
}

GST_CHECK_MAIN (reoffer);

/* Unit tests of the re-offer rules (gst/core/sdp/reoffer.h), offer by offer,
 * no pipeline: what a renegotiation of a running call changes (hold,
 * resume, a new address or port, a codec change, an added m-line), which
 * components reopen learning, and that the local ports stay.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "answerer.h"
#include "offerer.h"
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

/* ---- RFC 3264 8: the o= line across answers and offers ---------------- */

#define SDES_KEY "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e"

/* A phone's SRTP offer; @version: its o= version, @extra: more of its m-line. */
static std::string
srtp_phone_offer (guint version, const std::string & extra = "")
{
  return "v=0\r\no=phone 7 " + std::to_string (version) + " IN IP4 198.51.100.7\r\n"
      "s=call\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0\r\n"
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" SDES_KEY "\r\n" + extra;
}

/* What the element does with an offer (handle_offer, finish_answer): the
 * last answer for the last offer again, else a new answer, compared,
 * remembered and stamped. */
static std::string
answer_as_element (AnsweredSession & session, FakePipeline & sockets,
    const AnswerOptions & o, const std::string & text)
{
  SdpDocument offer;
  SdpError err;
  fail_unless (SdpDocument::parse (text.data (), text.size (), offer, err), "%s",
      err.message.c_str ());
  if (SdpMessagePtr again = session.repeated_answer (offer))
    return sdp_message_to_text (again.get ());
  Negotiated answer;
  fail_unless (answer_offer (offer, sockets, o, answer, err), "%s", err.message.c_str ());
  std::vector<StreamChange> changes = session.compare (offer, answer.streams);
  annotate_plans (changes, answer.streams);
  session.remember (offer, answer.streams);
  session.stamp_answer (offer, answer.sdp.get ());
  return sdp_message_to_text (answer.sdp.get ());
}

/* o= session id and version of SDP text. */
static std::pair<std::string, std::string>
origin_of (const std::string & text)
{
  SdpDocument doc;
  SdpError err;
  fail_unless (SdpDocument::parse (text.data (), text.size (), doc, err), "%s",
      err.message.c_str ());
  const GstSDPOrigin *o = gst_sdp_message_get_origin (doc.message ());
  return {o->sess_id, o->sess_version};
}

static std::string
plus_one (const std::string & version)
{
  return std::to_string (g_ascii_strtoull (version.c_str (), nullptr, 10) + 1);
}

/* Every call gives other bytes, as a real key source does. */
static AnswerOptions
keyed_options ()
{
  AnswerOptions o = options ();
  o.session_id = 0;             /* fresh ids, as the element has them */
  auto counter = std::make_shared<guint8> (0);
  o.random = [counter] (uint8_t * out, size_t len) {
    for (size_t i = 0; i < len; i++)
      out[i] = (*counter)++;
  };
  return o;
}

GST_START_TEST (test_origin_id_and_version_across_answers)
{
  AnsweredSession session;
  FakePipeline sockets;
  AnswerOptions o = keyed_options ();
  std::string call = answer_as_element (session, sockets, o, srtp_phone_offer (1));
  auto origin = origin_of (call);
  fail_unless (call.find ("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:") != std::string::npos);

  /* The same offer again (a SIP retransmission): the identical answer,
   * same key, same ports, same version. */
  std::string again = answer_as_element (session, sockets, o, srtp_phone_offer (1));
  fail_unless_equals_string (again.c_str (), call.c_str ());

  /* Hold: a=sendonly and the offer's version raised.  The same session
   * id, the version raised by one, a=recvonly answered. */
  std::string hold = answer_as_element (session, sockets, o,
      srtp_phone_offer (2, "a=sendonly\r\n"));
  auto held = origin_of (hold);
  fail_unless_equals_string (held.first.c_str (), origin.first.c_str ());
  fail_unless (held.second == plus_one (origin.second), "version %s after %s", held.second.c_str (),
      origin.second.c_str ());
  fail_unless (hold.find ("a=recvonly") != std::string::npos, "%s", hold.c_str ());
  fail_unless (hold.find ("m=audio 40000 ") != std::string::npos, "%s", hold.c_str ());

  /* Resume: changed again, one more. */
  std::string resume = answer_as_element (session, sockets, o, srtp_phone_offer (3));
  auto resumed = origin_of (resume);
  fail_unless_equals_string (resumed.first.c_str (), origin.first.c_str ());
  fail_unless (resumed.second == plus_one (held.second), "version %s after %s", resumed.second.c_str (),
      held.second.c_str ());

  /* A new session (the element went to NULL): a new id may come. */
  session.forget ();
  fail_if (session.repeated_answer (SdpDocument ()) != nullptr);
}

GST_END_TEST;

/* An answer that comes out the same (plain RTP: no fresh key) keeps its
 * version, even when the offer's version moved. */
GST_START_TEST (test_unchanged_answer_keeps_its_version)
{
  AnsweredSession session;
  FakePipeline sockets;
  AnswerOptions o = keyed_options ();
  auto orig = origin_of (answer_as_element (session, sockets, o,
          phone_offer ("198.51.100.7", 4000)));
  std::string refresh = phone_offer ("198.51.100.7", 4000);
  refresh.replace (refresh.find ("o=phone 1 2"), 11, "o=phone 1 3");
  auto refreshed = origin_of (answer_as_element (session, sockets, o, refresh));
  fail_unless_equals_string (refreshed.first.c_str (), orig.first.c_str ());
  fail_unless_equals_string (refreshed.second.c_str (), orig.second.c_str ());
  /* A new address changes nothing in the answer (the same ports, our
   * address); a=sendonly does. */
  auto same = origin_of (answer_as_element (session, sockets, o,
          phone_offer ("198.51.100.8", 4000)));
  fail_unless (same == orig);
  auto moved = origin_of (answer_as_element (session, sockets, o,
          phone_offer ("198.51.100.8", 4000, "sendonly")));
  fail_unless_equals_string (moved.first.c_str (), orig.first.c_str ());
  fail_unless (moved.second == plus_one (orig.second), "version %s after %s", moved.second.c_str (),
      orig.second.c_str ());
}

GST_END_TEST;

/* The offerer's re-offers: the same id; the version raised when changed. */
GST_START_TEST (test_offer_origin_across_offers)
{
  GstCaps *caps = gst_caps_from_string ("application/x-rtp,media=audio,payload=0,"
      "encoding-name=PCMU,clock-rate=8000");
  OfferedStream os;
  os.caps = caps;
  SessionOrigin origin;
  SdpError err;
  std::vector<std::pair<std::string, std::string>> seen;
  std::vector<std::string> texts;
  for (MediaDirection d : {MediaDirection::Unspecified, MediaDirection::Unspecified,
          MediaDirection::SendOnly}) {
    os.direction = d;
    SdpMessagePtr offer;
    fail_unless (build_offer ({os}, OfferOptions (), offer, err), "%s", err.message.c_str ());
    origin.stamp (offer.get ());
    texts.push_back (sdp_message_to_text (offer.get ()));
    seen.push_back (origin_of (texts.back ()));
  }
  gst_caps_unref (caps);
  fail_unless_equals_string (texts[1].c_str (), texts[0].c_str ());
  fail_unless_equals_string (seen[2].first.c_str (), seen[0].first.c_str ());
  fail_unless (seen[2].second == plus_one (seen[0].second), "version %s after %s", seen[2].second.c_str (),
      seen[0].second.c_str ());
  fail_unless (texts[2].find ("a=sendonly") != std::string::npos, "%s", texts[2].c_str ());
}

GST_END_TEST;

/* ICE restart detection: a re-offer with new ice-ufrag/ice-pwd on a stream
 * answered with ICE restarts it; the same credentials again, a first offer
 * and a stream without ICE do not. */
GST_START_TEST (test_ice_restart_detection)
{
  FakePipeline pipeline;
  pipeline.sockets[1] = false;
  pipeline.ice[1] = 1;
  auto offer = [] (const char *ufrag, const char *pwd) {
    return std::string ("v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\n"
        "c=IN IP4 198.51.100.7\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtcp-mux\r\n"
        "a=ice-ufrag:") + ufrag + "\r\na=ice-pwd:" + pwd + "\r\n"
        "a=candidate:1 1 UDP 2130706431 198.51.100.7 4000 typ host\r\n"
        "m=audio 4002 RTP/AVP 0\r\n";
  };
  AnsweredSession session;
  std::string first = offer ("8hhY", "asd88fgpdd777uzjYhagZg");
  SdpDocument doc;
  SdpError err;
  fail_unless (SdpDocument::parse (first.data (), first.size (), doc, err));
  fail_unless (session.ice_restarts (doc).empty ());
  Round r = negotiate (session, pipeline, first);
  fail_unless (r.answer.streams[0].kind == StreamPlan::Kind::Ice);

  struct Case {
    const char *ufrag, *pwd;
    bool restart;
  } cases[] = {
    {"8hhY", "asd88fgpdd777uzjYhagZg", false},   /* the same offer again */
    {"9iiZ", "bte99ghqee888vakZibhAh", true},    /* a browser changing networks */
    {"8hhY", "bte99ghqee888vakZibhAh", true},    /* a new password alone */
  };
  for (const Case & c : cases) {
    std::string text = offer (c.ufrag, c.pwd);
    fail_unless (SdpDocument::parse (text.data (), text.size (), doc, err));
    std::vector<guint> restarts = session.ice_restarts (doc);
    fail_unless_equals_int (restarts.size (), c.restart ? 1 : 0);
    if (c.restart)
      fail_unless_equals_int (restarts[0], 1);
  }
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
  tcase_add_test (tc, test_origin_id_and_version_across_answers);
  tcase_add_test (tc, test_unchanged_answer_keeps_its_version);
  tcase_add_test (tc, test_offer_origin_across_offers);
  tcase_add_test (tc, test_ice_restart_detection);
  return s;
}

GST_CHECK_MAIN (reoffer);

/* Element tests of sdp-negotiator with GstHarness: both roles, rewriting,
 * split buffers and bad input, on real sockets of a ComediaSession.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/rtp/rtp.h>
#include <gst/sdp/sdp.h>

#include "sdpdocument.h"
#include "sdescrypto.h"

#include "negotiatorharness.h"
#include "sdpparse.h"
#include "packets.h"
#include "peersrtp.h"

#include <srtp2/srtp.h>

#include <cstring>
#include <string>
#include <vector>

/* ---- fixtures --------------------------------------------------------- */

/* The plugin owns the sessions (one table per process, in the plugin), so
 * this test reaches them only through elements: comedia-rtpsrc binds the
 * ports at READY, comedia-rtpsink shows where a stream sends. */
struct Streams {
  GstElement *pipeline;
  std::string session;
};

/* Streams 1..@n of @session with RTP and RTCP sockets on loopback. */
static Streams
make_streams (const char *session, guint n)
{
  /* async=false, as a live pipeline's sinks are: a sink that prerolls on
   * one component while its sibling on the other has nothing yet would
   * hold the source's thread in preroll (seen under AddressSanitizer,
   * where probation's 20 ms pass between packets and media flows). */
  std::string desc;
  for (guint s = 1; s <= n; s++)
    for (guint c = 1; c <= 2; c++)
      desc += "comedia-rtpsrc name=s" + std::to_string (s) + "c" + std::to_string (c) +
          " session=" + session + " stream=" + std::to_string (s) + " component=" +
          std::to_string (c) + " address=127.0.0.1 ! fakesink async=false ";
  GError *err = nullptr;
  Streams out;
  out.pipeline = gst_parse_launch (desc.c_str (), &err);
  fail_unless (out.pipeline != nullptr, "%s", err ? err->message : "?");
  out.session = session;
  fail_unless_equals_int (gst_element_set_state (out.pipeline, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  return out;
}

static void
free_streams (Streams & s)
{
  gst_element_set_state (s.pipeline, GST_STATE_NULL);
  gst_object_unref (s.pipeline);
}

static guint
port_of (const Streams & s, guint stream, guint component)
{
  std::string name = "s" + std::to_string (stream) + "c" + std::to_string (component);
  GstElement *e = gst_bin_get_by_name (GST_BIN (s.pipeline), name.c_str ());
  fail_unless (e != nullptr);
  gint port = 0;
  g_object_get (e, "port", &port, nullptr);
  gst_object_unref (e);
  return port;
}

/* A remote peer on loopback. */
struct Peer {
  GSocket *socket;
  guint16 port;

  Peer () {
    socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
        G_SOCKET_PROTOCOL_UDP, nullptr);
    GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    GSocketAddress *addr = g_inet_socket_address_new (lo, 0);
    fail_unless (g_socket_bind (socket, addr, FALSE, nullptr));
    g_object_unref (addr);
    g_object_unref (lo);
    GSocketAddress *local = g_socket_get_local_address (socket, nullptr);
    port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    g_object_unref (local);
  }
  ~Peer () { g_object_unref (socket); }
  Peer (const Peer &) = delete;
  Peer &operator= (const Peer &) = delete;
};

/* Whether a packet sent by the session's comedia-rtpsink for (@stream,
 * @component) reaches @peer: the negotiator gave it that destination. */
static bool
sink_reaches (const Streams & s, guint stream, guint component, Peer & peer,
    guint timeout_ms = 2000)
{
  std::string desc = "comedia-rtpsink session=" + s.session + " stream=" +
      std::to_string (stream) + " component=" + std::to_string (component) +
      " sync=false async=false";
  GstHarness *h = gst_harness_new_parse (desc.c_str ());
  gst_harness_set_src_caps_str (h, component == 1 ? "application/x-rtp" :
      "application/x-rtcp");
  /* An RTP header (PT 96) or an empty RTCP receiver report. */
  static const guint8 rtp[] = {0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 7};
  static const guint8 rtcp[] = {0x80, 201, 0, 1, 0, 0, 0, 7};
  GstBuffer *buf = component == 1 ? gst_buffer_new_memdup (rtp, sizeof rtp) :
      gst_buffer_new_memdup (rtcp, sizeof rtcp);
  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
  gst_harness_teardown (h);

  /* Only this very packet counts: an offerer's NAT keepalives may arrive
   * too. */
  const guint8 *sent = component == 1 ? rtp : rtcp;
  gsize sent_size = component == 1 ? sizeof rtp : sizeof rtcp;
  guint8 data[64];
  g_socket_set_timeout (peer.socket, 0);
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  for (;;) {
    gint64 left = end - g_get_monotonic_time ();
    if (left <= 0 || !g_socket_condition_timed_wait (peer.socket, G_IO_IN, left,
            nullptr, nullptr))
      return false;
    gssize n = g_socket_receive (peer.socket, (gchar *) data, sizeof data, nullptr,
        nullptr);
    if (n == (gssize) sent_size && memcmp (data, sent, sent_size) == 0)
      return true;
  }
}

/* The set-up most tests share: streams 1..@n_streams of @session on
 * loopback (playing when the test sends media to them), then an
 * sdp-negotiator of that session in a harness, @props ("role=offerer ...")
 * as gst-launch would take them, its messages on bus; both are freed at
 * the end of the test's scope. */
enum class StreamsState { Ready, Playing };

struct NegotiatorFixture {
  Streams streams;
  GstHarness *h;
  GstBus *bus;

  NegotiatorFixture (const char *session, guint n_streams, const std::string & props,
      StreamsState state = StreamsState::Ready)
      : streams (make_streams (session, n_streams)) {
    if (state == StreamsState::Playing)
      fail_unless (gst_element_set_state (streams.pipeline, GST_STATE_PLAYING) !=
          GST_STATE_CHANGE_FAILURE);
    h = negotiator_harness_new (std::string ("sdp-negotiator session=") + session + " "
        + props, &bus);
  }

  ~NegotiatorFixture () {
    negotiator_harness_free (h, bus);
    free_streams (streams);
  }

  NegotiatorFixture (const NegotiatorFixture &) = delete;
  NegotiatorFixture &operator= (const NegotiatorFixture &) = delete;
};

/* Takes the first message on @bus that @match accepts; the others stay
 * queued, in order. */
template <typename Match>
static GstMessage *
take_message (GstBus * bus, Match match)
{
  std::vector<GstMessage *> others;
  GstMessage *found = nullptr;
  while (GstMessage *m = gst_bus_pop (bus)) {
    if (!found && match (m))
      found = m;
    else
      others.push_back (m);
  }
  for (GstMessage *m : others)
    gst_bus_post (bus, m);
  return found;
}

/* The first element message called @name, or NULL. */
static GstMessage *
pop_element_message (GstBus * bus, const char *name)
{
  return take_message (bus, [name] (GstMessage * m) {
    return GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT && gst_message_has_name (m, name);
  });
}

struct PostedError {
  bool found = false;
  std::string message;
  guint line = 0;
};

static PostedError
pop_error (GstBus * bus, GstMessageType type = GST_MESSAGE_ERROR)
{
  PostedError out;
  GstMessage *m = take_message (bus, [type] (GstMessage * msg) {
    return GST_MESSAGE_TYPE (msg) == type;
  });
  if (m == nullptr)
    return out;
  GError *err = nullptr;
  gchar *debug = nullptr;
  const GstStructure *details = nullptr;
  if (type == GST_MESSAGE_ERROR) {
    gst_message_parse_error (m, &err, &debug);
    gst_message_parse_error_details (m, &details);
  } else {
    gst_message_parse_warning (m, &err, &debug);
    gst_message_parse_warning_details (m, &details);
  }
  out.found = true;
  out.message = err->message;
  if (details)
    gst_structure_get_uint (details, "line", &out.line);
  g_clear_error (&err);
  g_free (debug);
  gst_message_unref (m);
  return out;
}

#define SEED_OFFER \
    "v=0\r\n" \
    "o=- 0 0 IN IP4 198.51.100.10\r\n" \
    "s=Example sender\r\n" \
    "c=IN IP4 198.51.100.10\r\n" \
    "t=0 0\r\n" \
    "m=audio 9 RTP/AVPF 96\r\n" \
    "a=rtpmap:96 opus/48000/2\r\n" \
    "a=sendonly\r\n" \
    "a=direction:active\r\n" \
    "m=video 9 RTP/AVPF 103\r\n" \
    "a=rtpmap:103 H264/90000\r\n" \
    "a=sendonly\r\n" \
    "a=direction:active\r\n"

/* ---- answerer --------------------------------------------------------- */

GST_START_TEST (test_answerer_seed_offer_split)
{
  NegotiatorFixture n ("sdp-h-seed", 2, "public-address=203.0.113.5");

  /* Split like filesrc blocksize=7; the message ends at EOS. */
  fail_unless_equals_int (push_text (n.h, SEED_OFFER, 7), GST_FLOW_OK);
  fail_unless (pull_text (n.h).empty (), "answered before the message was complete");
  fail_unless (gst_harness_push_event (n.h, gst_event_new_eos ()));

  std::string text = pull_text (n.h);
  fail_if (text.empty (), "no answer");
  fail_unless (g_str_has_suffix (text.c_str (), "\r\n\r\n"),
      "the answer does not end with an empty line");
  comedia::SdpDocument answer = parse_ok (text);
  const GstSDPMessage *msg = answer.message ();
  fail_unless_equals_string (gst_sdp_message_get_connection (msg)->address, "203.0.113.5");
  fail_unless_equals_int (gst_sdp_message_medias_len (msg), 2);
  for (guint i = 0; i < 2; i++) {
    const GstSDPMedia *m = gst_sdp_message_get_media (msg, i);
    /* Real bound ports: these sockets exist and listen. */
    fail_unless_equals_int (m->port, port_of (n.streams, i + 1, 1));
    gchar *rtcp = g_strdup_printf ("%u", port_of (n.streams, i + 1, 2));
    fail_unless_equals_string (gst_sdp_media_get_attribute_val (m, "rtcp"), rtcp);
    g_free (rtcp);
    fail_unless_equals_string (gst_sdp_media_get_attribute_val (m, "direction"), "passive");
    fail_unless (gst_sdp_media_get_attribute_val (m, "recvonly") != nullptr);
    fail_unless_equals_string (gst_sdp_media_get_format (m, 0), i == 0 ? "96" : "103");
  }
  fail_unless_equals_string (gst_sdp_media_get_attribute_val (
          gst_sdp_message_get_media (msg, 0), "rtpmap"), "96 opus/48000/2");

  GstMessage *m = pop_element_message (n.bus, "sdp-negotiator-offer-received");
  fail_unless (m != nullptr);
  gst_message_unref (m);
  m = pop_element_message (n.bus, "sdp-negotiator-stream");
  fail_unless (m != nullptr);
  fail_unless_equals_string (gst_structure_get_string (gst_message_get_structure (m),
          "plan"), "latch");
  gst_message_unref (m);
  m = pop_element_message (n.bus, "sdp-negotiator-answer-created");
  fail_unless (m != nullptr);
  const GValue *v = gst_structure_get_value (gst_message_get_structure (m), "sdp");
  fail_unless (v != nullptr && G_VALUE_HOLDS (v, GST_TYPE_SDP_MESSAGE));
  gst_message_unref (m);
  fail_if (pop_error (n.bus).found);

  GstSDPMessage *local = nullptr;
  g_object_get (n.h->element, "local-description", &local, nullptr);
  fail_unless (local != nullptr);
  fail_unless_equals_int (gst_sdp_message_get_media (local, 0)->port, port_of (n.streams, 1, 1));
  gst_sdp_message_free (local);
}

GST_END_TEST;

/* Several real stacks end the last line without its line end: at EOS that
 * is the end of the message, not a truncation. */
GST_START_TEST (test_answerer_last_line_without_end_at_eos)
{
  NegotiatorFixture n ("sdp-h-noeol", 2, "public-address=203.0.113.5");
  std::string offer = SEED_OFFER;
  offer.resize (offer.size () - 2);
  fail_unless_equals_int (push_text (n.h, offer, 7), GST_FLOW_OK);
  fail_unless (pull_text (n.h).empty ());
  fail_unless (gst_harness_push_event (n.h, gst_event_new_eos ()));
  std::string text = pull_text (n.h);
  fail_if (text.empty (), "no answer");
  fail_if (pop_error (n.bus).found);
  comedia::SdpDocument answer = parse_ok (text);
  /* The last line, a=direction:active, was read. */
  fail_unless_equals_string (gst_sdp_media_get_attribute_val (
          gst_sdp_message_get_media (answer.message (), 1), "direction"), "passive");
}

GST_END_TEST;

GST_START_TEST (test_answerer_empty_line_ends_message)
{
  NegotiatorFixture n ("sdp-h-framing", 2, "public-address=203.0.113.5");

  /* On a stream (TCP, a pipe) there is no EOS: an empty line ends it.
   * Two offers in a row, each split in 5-byte pieces. */
  std::string two = std::string (SEED_OFFER) + "\r\n" + SEED_OFFER + "\r\n";
  fail_unless_equals_int (push_text (n.h, two, 5), GST_FLOW_OK);
  std::string first = pull_text (n.h);
  std::string second = pull_text (n.h);
  fail_if (first.empty () || second.empty (), "two offers, %s answers",
      first.empty () ? "no" : "one");
  parse_ok (first);
  parse_ok (second);
  fail_unless (pull_text (n.h).empty ());
  fail_if (pop_error (n.bus).found);
}

GST_END_TEST;

GST_START_TEST (test_answerer_static_destination)
{
  NegotiatorFixture n ("sdp-h-static", 1, "public-address=127.0.0.1");
  Peer rtp, rtcp;
  const std::string offer = "v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\n"
      "m=video " + std::to_string (rtp.port) + " RTP/AVP 96\na=rtpmap:96 VP8/90000\n"
      "a=rtcp:" + std::to_string (rtcp.port) + "\n";
  fail_unless_equals_int (push_text (n.h, offer + "\n", 64), GST_FLOW_OK);
  comedia::SdpDocument answer = parse_ok (pull_text (n.h));
  const GstSDPMedia *m = gst_sdp_message_get_media (answer.message (), 0);
  fail_unless (gst_sdp_media_get_attribute_val (m, "direction") == nullptr,
      "no a=direction in the offer, none in the answer");
  fail_unless_equals_int (m->port, port_of (n.streams, 1, 1));
  /* No latching: the sinks send to the offer's address right away. */
  fail_unless (sink_reaches (n.streams, 1, 1, rtp));
  fail_unless (sink_reaches (n.streams, 1, 2, rtcp));
}

GST_END_TEST;

/* A peer without COMEDIA that is not symmetric either (udpsink sends from a
 * port it does not listen on): the receiving side still latches its
 * packets, but the negotiated destination wins, or the peer would get
 * nothing back. */
GST_START_TEST (test_answerer_static_destination_wins_over_latch)
{
  NegotiatorFixture n ("sdp-h-pinned", 1, "public-address=127.0.0.1",
      StreamsState::Playing);
  Peer rtp, rtcp, sender;
  const std::string offer = "v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\n"
      "m=video " + std::to_string (rtp.port) + " RTP/AVP 96\na=rtpmap:96 VP8/90000\n"
      "a=rtcp:" + std::to_string (rtcp.port) + "\n";
  fail_unless_equals_int (push_text (n.h, offer + "\n", 64), GST_FLOW_OK);
  parse_ok (pull_text (n.h));

  /* Media from the sender's port, until comedia-rtpsrc latches it. */
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *to = g_inet_socket_address_new (lo, port_of (n.streams, 1, 1));
  GstBus *bus = gst_element_get_bus (n.streams.pipeline);
  GstMessage *latched = nullptr;
  for (guint16 seq = 1; seq < 50 && latched == nullptr; seq++) {
    guint8 pkt[] = {0x80, 96, 0, (guint8) seq, 0, 0, 0, 1, 0, 0, 0, 42, 1, 2, 3, 4};
    g_socket_send_to (sender.socket, to, (const gchar *) pkt, sizeof pkt, nullptr, nullptr);
    latched = gst_bus_timed_pop_filtered (bus, 100 * GST_MSECOND, GST_MESSAGE_ELEMENT);
    if (latched && !gst_message_has_name (latched, "comedia-latched"))
      gst_clear_message (&latched);
  }
  fail_unless (latched != nullptr, "the sender's packets were never latched");
  gst_message_unref (latched);

  fail_unless (sink_reaches (n.streams, 1, 1, rtp), "media must go to the offer's port");
  guint8 data[64];
  g_socket_set_timeout (sender.socket, 0);
  fail_if (g_socket_condition_timed_wait (sender.socket, G_IO_IN, 200000, nullptr, nullptr) &&
      g_socket_receive (sender.socket, (gchar *) data, sizeof data, nullptr, nullptr) > 0,
      "media went to the latched source instead of the offer's port");

  gst_object_unref (bus);
  g_object_unref (to);
  g_object_unref (lo);
}

GST_END_TEST;

GST_START_TEST (test_answerer_rejects_unknown_stream)
{
  NegotiatorFixture n ("sdp-h-reject", 1, "public-address=203.0.113.5");
  fail_unless_equals_int (push_text (n.h, SEED_OFFER "\r\n", 100), GST_FLOW_OK);
  comedia::SdpDocument answer = parse_ok (pull_text (n.h));
  fail_unless_equals_int (gst_sdp_message_get_media (answer.message (), 0)->port,
      port_of (n.streams, 1, 1));
  fail_unless_equals_int (gst_sdp_message_get_media (answer.message (), 1)->port, 0);
}

GST_END_TEST;

/* ---- re-offers -------------------------------------------------------- */

/* The note of the first sdp-negotiator-stream message for @stream ("" if
 * none); earlier ones of other streams stay queued. */
static std::string
pop_stream_note (GstBus * bus, guint stream)
{
  GstMessage *m = take_message (bus, [stream] (GstMessage * msg) {
    guint s = 0;
    return GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
        && gst_message_has_name (msg, "sdp-negotiator-stream")
        && gst_structure_get_uint (gst_message_get_structure (msg), "stream", &s)
        && s == stream;
  });
  if (m == nullptr)
    return "";
  std::string note = gst_structure_get_string (gst_message_get_structure (m), "note");
  gst_message_unref (m);
  return note;
}

static std::string
loopback_offer (guint version, const std::string & address, const Peer & rtp,
    const Peer & rtcp, const char *direction, const std::string & more = "")
{
  return "v=0\no=phone 1 " + std::to_string (version) + " IN IP4 127.0.0.1\ns=-\n"
      "c=IN IP4 " + address + "\nt=0 0\nm=audio " + std::to_string (rtp.port) +
      " RTP/AVP 0\na=rtcp:" + std::to_string (rtcp.port) + "\na=" + direction + "\n" + more +
      "\n";
}

/* A SIP call renegotiating through the element: the answer keeps the
 * ports, mirrors the direction, follows the phone to its new ports and
 * says that learning reopened; an added m-line gets its own ports. */
GST_START_TEST (test_answerer_reoffer)
{
  NegotiatorFixture n ("sdp-h-reoffer", 2, "public-address=127.0.0.1");
  Peer rtp, rtcp, new_rtp, new_rtcp, video_rtp, video_rtcp;

  fail_unless_equals_int (push_text (n.h, loopback_offer (1, "127.0.0.1", rtp, rtcp,
              "sendrecv"), 64), GST_FLOW_OK);
  comedia::SdpDocument answer = parse_ok (pull_text (n.h));
  guint audio_port = port_of (n.streams, 1, 1);
  fail_unless_equals_int (gst_sdp_message_get_media (answer.message (), 0)->port, audio_port);
  fail_if (pop_stream_note (n.bus, 1).find ("re-offer") != std::string::npos);
  fail_unless (sink_reaches (n.streams, 1, 1, rtp));

  /* Hold: c=0.0.0.0 and a=sendonly.  Same ports, recvonly, nothing sent,
   * no learning reopened. */
  fail_unless_equals_int (push_text (n.h, loopback_offer (2, "0.0.0.0", rtp, rtcp,
              "sendonly"), 64), GST_FLOW_OK);
  answer = parse_ok (pull_text (n.h));
  const GstSDPMedia *m = gst_sdp_message_get_media (answer.message (), 0);
  fail_unless_equals_int (m->port, audio_port);
  fail_unless (gst_sdp_media_get_attribute_val (m, "recvonly") != nullptr);
  std::string note = pop_stream_note (n.bus, 1);
  fail_unless (note.find ("re-offer: no address in c= (hold)") != std::string::npos, "%s",
      note.c_str ());
  fail_unless (note.find ("direction sendrecv -> recvonly") != std::string::npos, "%s",
      note.c_str ());
  fail_unless (note.find ("learning reopened") == std::string::npos, "%s", note.c_str ());
  fail_if (sink_reaches (n.streams, 1, 1, rtp, 300), "media sent while on hold at 0.0.0.0");

  /* Resumed from new ports (the phone changed network), with video added. */
  std::string video = "m=video " + std::to_string (video_rtp.port) + " RTP/AVP 96\n"
      "a=rtpmap:96 VP8/90000\na=rtcp:" + std::to_string (video_rtcp.port) + "\n";
  fail_unless_equals_int (push_text (n.h, loopback_offer (3, "127.0.0.1", new_rtp, new_rtcp,
              "sendrecv", video), 64), GST_FLOW_OK);
  answer = parse_ok (pull_text (n.h));
  fail_unless_equals_int (gst_sdp_message_medias_len (answer.message ()), 2);
  m = gst_sdp_message_get_media (answer.message (), 0);
  fail_unless_equals_int (m->port, audio_port);
  fail_unless (gst_sdp_media_get_attribute_val (m, "sendrecv") != nullptr);
  const GstSDPMedia *v = gst_sdp_message_get_media (answer.message (), 1);
  fail_unless_equals_int (v->port, port_of (n.streams, 2, 1));
  fail_unless (v->port != audio_port);
  note = pop_stream_note (n.bus, 1);
  fail_unless (note.find ("learning reopened on RTP and RTCP") != std::string::npos, "%s",
      note.c_str ());
  fail_unless (note.find ("the same local ports") != std::string::npos, "%s", note.c_str ());
  note = pop_stream_note (n.bus, 2);
  fail_unless (note.find ("a stream the last answer did not accept") != std::string::npos,
      "%s", note.c_str ());
  fail_unless (sink_reaches (n.streams, 1, 1, new_rtp));
  fail_unless (sink_reaches (n.streams, 1, 2, new_rtcp));
  fail_unless (sink_reaches (n.streams, 2, 1, video_rtp));
  fail_if (pop_error (n.bus).found);
}

GST_END_TEST;

/* ---- bad input -------------------------------------------------------- */

struct BadInput {
  const char *rule;
  std::string text;
  bool eos;                     /* EOS after the text */
  const char *error;
  guint line;
};

static std::string
junk (gsize size, const char *prefix = "")
{
  std::string s = prefix;
  guint32 x = 777;
  while (s.size () < size) {
    x = x * 1103515245 + 12345;
    s += (char) ('a' + (x >> 16) % 26);
    if (s.size () % 70 == 0)
      s += "\n";
  }
  return s;
}

static const BadInput bad_inputs[] = {
  {"text that is not SDP", "Hello, this is not SDP\n", true,
        "line 1: an SDP message starts with v=0", 1},
  {"SDP missing v=", "o=- 0 0 IN IP4 198.51.100.10\ns=x\nt=0 0\nm=audio 9 RTP/AVP 0\n",
        true, "an SDP message starts with v=0, found 'o=- 0 0", 1},
  {"an m-line with a bad port",
        "v=0\no=- 0 0 IN IP4 198.51.100.10\ns=x\nt=0 0\nm=audio 9x RTP/AVP 0\n", true,
        "line 5: m= port '9x' is not a number from 0 to 65535", 5},
  /* At EOS a last line may lack its line end (issue 15): a cut one must
   * still be a whole SDP line. */
  {"a message truncated at EOS", std::string (SEED_OFFER).substr (0, 100), true,
        "line 6: 'm=audio 9 RTP/AV' needs a media, a port, a protocol", 6},
  {"two messages without the empty line between them",
        std::string (SEED_OFFER) + SEED_OFFER, false,
        "line 14: a second v= line inside one message: SDP messages are separated by "
        "an empty line", 14},
  {"a message truncated after an m-line",
        std::string (SEED_OFFER).substr (0, std::string (SEED_OFFER).find ("a=rtpmap:96")),
        true, "line 6 (m=audio 9 RTP/AVPF 96): dynamic payload type 96 has no a=rtpmap", 6},
  {"1 MB of junk, no EOS needed", junk (1024 * 1024), false,
        "an SDP message starts with v=0", 1},
  {"1 MB of junk after v=0, no EOS needed", junk (1024 * 1024, "v=0\n"), false,
        "more than the limit of 65536", 0},
  {"a=direction with an unknown value",
        "v=0\no=- 0 0 IN IP4 198.51.100.10\ns=x\nt=0 0\nm=audio 9 RTP/AVP 0\n"
        "a=direction:sideways\n", true,
        "line 6: a=direction:sideways is not active, passive or both", 6},
};

GST_START_TEST (test_answerer_bad_input)
{
  const BadInput & c = bad_inputs[__i__];
  /* strict=true: the error that ends the sink pad, as before; without
   * it, test_answerer_bad_input_per_message. */
  NegotiatorFixture n ("sdp-h-bad", 2, "public-address=203.0.113.5 strict=true");

  GstFlowReturn ret = push_text (n.h, c.text, 7000);
  if (c.eos) {
    /* What cannot become SDP fails before EOS already. */
    fail_unless (ret == GST_FLOW_OK || ret == GST_FLOW_ERROR);
    if (ret == GST_FLOW_OK)
      gst_harness_push_event (n.h, gst_event_new_eos ());
  } else {
    fail_unless_equals_int (ret, GST_FLOW_ERROR);
  }
  PostedError e = pop_error (n.bus);
  fail_unless (e.found, "rule '%s': no error posted", c.rule);
  fail_unless (e.message.find ("Invalid SDP offer: ") == 0 &&
      e.message.find (c.error) != std::string::npos,
      "rule '%s': error '%s' lacks '%s'", c.rule, e.message.c_str (), c.error);
  fail_unless (e.line == c.line, "rule '%s': line %u, expected %u", c.rule, e.line, c.line);
  /* Never an answer built from garbage. */
  fail_unless (pull_text (n.h).empty (), "rule '%s': an answer left", c.rule);
  fail_unless (pop_element_message (n.bus, "sdp-negotiator-answer-created") == nullptr);
}

GST_END_TEST;

/* The same inputs without strict: each a warning naming the line and an
 * sdp-negotiator-message-refused message, no error; a valid offer after
 * it on the same stream is answered. */
GST_START_TEST (test_answerer_bad_input_per_message)
{
  const BadInput & c = bad_inputs[__i__];
  NegotiatorFixture n ("sdp-h-bad-w", 2, "public-address=203.0.113.5");

  fail_unless_equals_int (push_text (n.h, c.text, 7000), GST_FLOW_OK);
  if (c.eos)
    gst_harness_push_event (n.h, gst_event_new_eos ());
  PostedError w = pop_error (n.bus, GST_MESSAGE_WARNING);
  fail_unless (w.found, "rule '%s': no warning posted", c.rule);
  fail_unless (w.message.find ("Refused an SDP offer (session sdp-h-bad-w): ") == 0 &&
      w.message.find (c.error) != std::string::npos,
      "rule '%s': warning '%s' lacks '%s'", c.rule, w.message.c_str (), c.error);
  fail_unless (w.line == c.line, "rule '%s': line %u, expected %u", c.rule, w.line, c.line);
  fail_if (pop_error (n.bus).found, "rule '%s': an error", c.rule);
  GstMessage *m = pop_element_message (n.bus, "sdp-negotiator-message-refused");
  fail_unless (m != nullptr, "rule '%s': no sdp-negotiator-message-refused", c.rule);
  const GstStructure *st = gst_message_get_structure (m);
  fail_unless_equals_string (gst_structure_get_string (st, "session"), "sdp-h-bad-w");
  fail_unless (std::string (gst_structure_get_string (st, "reason")).find (c.error)
      != std::string::npos);
  guint64 bytes = 0;
  fail_unless (gst_structure_get_uint64 (st, "bytes", &bytes) && bytes > 0);
  gst_message_unref (m);
  fail_unless (pull_text (n.h).empty (), "rule '%s': an answer left", c.rule);
  guint64 refused = 0;
  g_object_get (n.h->element, "messages-refused", &refused, nullptr);
  fail_unless (refused >= 1);
  if (c.eos)
    return;
  /* The next offer on the same stream is answered. */
  fail_unless_equals_int (push_text (n.h, std::string ("\r\n\r\n") + SEED_OFFER + "\r\n",
          7000), GST_FLOW_OK);
  std::string answer = pull_text (n.h);
  fail_unless (answer.find ("a=direction:passive") != std::string::npos,
      "rule '%s': no answer after it: '%s'", c.rule, answer.c_str ());
  fail_if (pop_error (n.bus).found);
}

GST_END_TEST;

/* ---- offerer ---------------------------------------------------------- */

#define VP8_CAPS "application/x-rtp,media=video,payload=96,encoding-name=VP8,clock-rate=90000"
#define VP8_OFFER "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n" \
    "m=video 9 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\na=direction:active\r\n"

/* A passive (or not) answer to a one-video-stream offer, sending to the
 * peer's sockets. */
static std::string
answer_for (const std::string & offer_text, bool passive, const Peer & rtp,
    const Peer & rtcp, const char *media = "video")
{
  comedia::SdpDocument offer = parse_ok (offer_text);
  fail_unless_equals_int (gst_sdp_message_medias_len (offer.message ()), 1);
  gchar *text = g_strdup_printf ("v=0\r\no=- 5 5 IN IP4 127.0.0.1\r\ns=peer\r\n"
      "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=%s %u RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n"
      "a=rtcp:%u\r\n%s\r\n", media, rtp.port, rtcp.port,
      passive ? "a=direction:passive\r\n" : "");
  std::string out (text);
  g_free (text);
  return out;
}

static std::string
pull_offer (GstHarness * h)
{
  /* The offer leaves by itself once PLAYING, from the element's task. */
  GstBuffer *buf = gst_harness_pull (h);
  fail_unless (buf != nullptr, "no offer");
  return take_buffer_text (buf);
}

GST_START_TEST (test_offerer_exchange)
{
  NegotiatorFixture n ("sdp-h-offer", 1, "role=offerer offer-caps=\""
      VP8_CAPS "\"");

  std::string offer_text = pull_offer (n.h);
  Peer rtp, rtcp;
  comedia::SdpDocument offer = parse_ok (offer_text);
  const GstSDPMedia *m = gst_sdp_message_get_media (offer.message (), 0);
  fail_unless_equals_int (m->port, 9);
  fail_unless_equals_string (gst_sdp_message_get_connection (offer.message ())->address,
      "0.0.0.0");
  fail_unless_equals_string (gst_sdp_media_get_attribute_val (m, "direction"), "active");
  fail_unless_equals_string (gst_sdp_media_get_attribute_val (m, "rtpmap"), "96 VP8/90000");

  fail_unless_equals_int (push_text (n.h, answer_for (offer_text, true, rtp, rtcp), 3), GST_FLOW_OK);
  fail_if (pop_error (n.bus).found);
  fail_unless (sink_reaches (n.streams, 1, 1, rtp));
  fail_unless (sink_reaches (n.streams, 1, 2, rtcp));
  GstMessage *msg = pop_element_message (n.bus, "sdp-negotiator-answered");
  fail_unless (msg != nullptr, "no sdp-negotiator-answered");
  gst_message_unref (msg);
}

GST_END_TEST;

/* Datagrams from @from_port that @peer receives within @for_ms and that are
 * keepalives: RTP of payload type 20 (@component 1) or an RTCP Receiver
 * Report (@component 2). */
static guint
count_keepalives (Peer & peer, guint component, guint from_port, gint64 for_ms)
{
  guint count = 0;
  gint64 end = g_get_monotonic_time () + for_ms * 1000;
  for (;;) {
    gint64 left = end - g_get_monotonic_time ();
    if (left <= 0 || !g_socket_condition_timed_wait (peer.socket, G_IO_IN, left,
            nullptr, nullptr))
      return count;
    guint8 data[1500];
    GSocketAddress *from = nullptr;
    gssize n = g_socket_receive_from (peer.socket, &from, (gchar *) data, sizeof data,
        nullptr, nullptr);
    fail_unless (n > 0);
    guint port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (from));
    g_object_unref (from);
    GstBuffer *buf = gst_buffer_new_memdup (data, n);
    bool keepalive = false;
    if (component == 1) {
      GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
      if (gst_rtp_buffer_map (buf, GST_MAP_READ, &rtp)) {
        keepalive = gst_rtp_buffer_get_payload_type (&rtp) == 20;
        gst_rtp_buffer_unmap (&rtp);
      }
    } else {
      GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
      GstRTCPPacket packet;
      if (gst_rtcp_buffer_validate (buf) && gst_rtcp_buffer_map (buf, GST_MAP_READ, &rtcp)) {
        keepalive = gst_rtcp_buffer_get_first_packet (&rtcp, &packet) &&
            gst_rtcp_packet_get_type (&packet) == GST_RTCP_TYPE_RR;
        gst_rtcp_buffer_unmap (&rtcp);
      }
    }
    gst_buffer_unref (buf);
    if (keepalive && port == from_port)
      count++;
  }
}

/* The active peer behind NAT: once the answer is applied, keepalives go out
 * on both components at once, before any media (a burst the passive side's
 * probation accepts), from the sockets media uses; keepalive-interval=0
 * sends none. */
GST_START_TEST (test_offerer_keepalives_after_answer)
{
  for (gint interval : {-1, 0}) {
    std::string name = "sdp-h-ka" + std::to_string (interval + 1);
    std::string props = "role=offerer keepalive-interval=" +
        std::to_string (interval) + " offer-caps=\"" VP8_CAPS "\"";
    NegotiatorFixture n (name.c_str (), 1, props);
    std::string offer_text = pull_offer (n.h);

    Peer rtp, rtcp;
    fail_unless_equals_int (push_text (n.h, answer_for (offer_text, true, rtp, rtcp), 64),
        GST_FLOW_OK);
    guint n_rtp = count_keepalives (rtp, 1, port_of (n.streams, 1, 1), 300);
    guint n_rtcp = count_keepalives (rtcp, 2, port_of (n.streams, 1, 2), 100);
    if (interval < 0) {
      fail_unless (n_rtp >= 4, "%u RTP keepalives after the answer", n_rtp);
      fail_unless (n_rtcp >= 1, "%u RTCP keepalives after the answer", n_rtcp);
    } else {
      fail_unless_equals_int (n_rtp, 0);
      fail_unless_equals_int (n_rtcp, 0);
    }
  }
}

GST_END_TEST;

GST_START_TEST (test_offerer_resends_until_answered)
{
  NegotiatorFixture n ("sdp-h-resend", 1, "role=offerer offer-interval=100 "
      "offer-caps=\"" VP8_CAPS "\"");
  /* The answerer may have accepted the way back late and lost the first
   * answer: without one, the same offer comes again. */
  std::string first = pull_offer (n.h);
  std::string second = pull_offer (n.h);
  fail_unless (first == second, "the resent offer differs");

  Peer rtp, rtcp;
  std::string answer = answer_for (first, true, rtp, rtcp);
  fail_unless_equals_int (push_text (n.h, answer, 50), GST_FLOW_OK);
  /* Answers to each copy may arrive: all are applied. */
  fail_unless_equals_int (push_text (n.h, answer, 50), GST_FLOW_OK);
  fail_if (pop_error (n.bus).found);
  g_usleep (400 * 1000);
  /* Answered: no more offers (one may have crossed the answer). */
  while (GstBuffer *b = gst_harness_try_pull (n.h))
    gst_buffer_unref (b);
  g_usleep (300 * 1000);
  fail_unless (gst_harness_try_pull (n.h) == nullptr, "offers go on after the answer");
  fail_unless (sink_reaches (n.streams, 1, 1, rtp));
}

GST_END_TEST;

GST_START_TEST (test_offerer_missing_passive_error)
{
  NegotiatorFixture n ("sdp-h-nocomedia", 1, "role=offerer offer-caps=\""
      VP8_CAPS "\"");
  std::string offer_text = pull_offer (n.h);
  Peer rtp, rtcp;

  fail_unless_equals_int (push_text (n.h, answer_for (offer_text, false, rtp, rtcp), 7),
      GST_FLOW_ERROR);
  GstMessage *msg = pop_element_message (n.bus, "sdp-negotiator-no-comedia");
  fail_unless (msg != nullptr, "no sdp-negotiator-no-comedia");
  /* The session field, as every other message of the element has. */
  fail_unless_equals_string (gst_structure_get_string (gst_message_get_structure (msg),
          "session"), "sdp-h-nocomedia");
  gst_message_unref (msg);
  PostedError e = pop_error (n.bus);
  fail_unless (e.found);
  fail_unless (e.message.find ("the peer does not support COMEDIA") != std::string::npos,
      "%s", e.message.c_str ());
  fail_if (sink_reaches (n.streams, 1, 1, rtp, 300), "sending after an error");
}

GST_END_TEST;

GST_START_TEST (test_offerer_missing_passive_static)
{
  NegotiatorFixture n ("sdp-h-nocomedia-static", 1, "role=offerer "
      "missing-passive=static-destination offer-caps=\"" VP8_CAPS "\"");
  std::string offer_text = pull_offer (n.h);
  Peer rtp, rtcp;

  fail_unless_equals_int (push_text (n.h, answer_for (offer_text, false, rtp, rtcp), 7), GST_FLOW_OK);
  fail_if (pop_error (n.bus).found);
  PostedError w = pop_error (n.bus, GST_MESSAGE_WARNING);
  fail_unless (w.found && w.message.find ("does not support COMEDIA") != std::string::npos);
  GstMessage *msg = pop_element_message (n.bus, "sdp-negotiator-no-comedia");
  fail_unless (msg != nullptr);
  gst_message_unref (msg);
  fail_unless (sink_reaches (n.streams, 1, 1, rtp));
}

GST_END_TEST;

/* __i__ 0: strict=true, the error that ends the sink pad, as before; 1:
 * without it, a warning, and the right answer after it is applied. */
GST_START_TEST (test_offerer_answer_mismatch)
{
  bool strict = __i__ == 0;
  NegotiatorFixture n (strict ? "sdp-h-mismatch" : "sdp-h-mismatch-w", 1,
      std::string (strict ? "strict=true " : "") + "role=offerer offer-caps=\""
      VP8_CAPS "\"");
  std::string offer_text = pull_offer (n.h);
  Peer rtp, rtcp;

  GstFlowReturn ret = push_text (n.h, answer_for (offer_text, true, rtp, rtcp, "audio"), 7);
  if (strict) {
    fail_unless_equals_int (ret, GST_FLOW_ERROR);
    PostedError e = pop_error (n.bus);
    fail_unless (e.found);
    fail_unless (e.message.find ("Invalid SDP answer: answer line 6 (m=audio ") == 0 &&
        e.message.find (" RTP/AVP 96) is 'audio' but the offer's m-line 1 is 'video'")
        != std::string::npos, "%s", e.message.c_str ());
    fail_unless_equals_int (e.line, 6);
    fail_if (sink_reaches (n.streams, 1, 1, rtp, 300));
    return;
  }
  fail_unless_equals_int (ret, GST_FLOW_OK);
  fail_if (pop_error (n.bus).found);
  PostedError w = pop_error (n.bus, GST_MESSAGE_WARNING);
  fail_unless (w.found);
  fail_unless (w.message.find ("Refused an SDP answer (session sdp-h-mismatch-w): answer "
          "line 6 (m=audio ") == 0, "%s", w.message.c_str ());
  fail_unless_equals_int (w.line, 6);
  GstMessage *m = pop_element_message (n.bus, "sdp-negotiator-message-refused");
  fail_unless (m != nullptr);
  gst_message_unref (m);
  fail_if (sink_reaches (n.streams, 1, 1, rtp, 300));
  /* The right answer after it is applied. */
  fail_unless_equals_int (push_text (n.h, answer_for (offer_text, true, rtp, rtcp), 7),
      GST_FLOW_OK);
  fail_unless (sink_reaches (n.streams, 1, 1, rtp));
}

GST_END_TEST;

GST_START_TEST (test_offerer_formats_from_elements)
{
  /* Without offer-caps the formats come from the session's comedia-rtpsrc
   * caps, stream by stream. */
  GstElement *pipeline = gst_parse_launch (
      "comedia-rtpsrc session=sdp-h-caps stream=2 caps=\"application/x-rtp,media=audio,"
      "payload=0,encoding-name=PCMU,clock-rate=8000\" ! fakesink "
      "comedia-rtpsrc session=sdp-h-caps stream=1 caps=\"" VP8_CAPS "\" ! fakesink "
      "comedia-rtpsrc session=other stream=3 caps=\"" VP8_CAPS "\" ! fakesink "
      "sdp-negotiator name=n session=sdp-h-caps role=offerer", nullptr);
  fail_unless (pipeline != nullptr);
  GstElement *n = gst_bin_get_by_name (GST_BIN (pipeline), "n");
  GstSDPMessage *offer = nullptr;
  g_signal_emit_by_name (n, "create-offer", &offer);
  fail_unless (offer != nullptr);
  fail_unless_equals_int (gst_sdp_message_medias_len (offer), 2);
  fail_unless_equals_string (gst_sdp_message_get_media (offer, 0)->media, "video");
  fail_unless_equals_string (gst_sdp_message_get_media (offer, 1)->media, "audio");
  fail_unless_equals_int (gst_sdp_message_get_media (offer, 1)->port, 9);
  gst_sdp_message_free (offer);
  gst_object_unref (n);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* ---- action signals --------------------------------------------------- */

static GstSDPMessage *
sdp_from (const std::string & text)
{
  GstSDPMessage *msg = nullptr;
  gst_sdp_message_new_from_text (text.c_str (), &msg);
  return msg;
}

GST_START_TEST (test_signals_answerer_and_rewrite)
{
  NegotiatorFixture n ("sdp-h-signals", 2, "public-address=203.0.113.9");

  GstSDPMessage *offer = sdp_from (SEED_OFFER);
  GstSDPMessage *answer = nullptr;
  g_signal_emit_by_name (n.h->element, "process-offer", offer, &answer);
  fail_unless (answer != nullptr);
  fail_unless_equals_string (gst_sdp_message_get_connection (answer)->address, "203.0.113.9");
  fail_unless_equals_int (gst_sdp_message_get_media (answer, 1)->port, port_of (n.streams, 2, 1));
  /* Signals do not push. */
  fail_unless (pull_text (n.h).empty ());
  gst_sdp_message_free (answer);

  /* An answer made by another SDP stack, rewritten for COMEDIA. */
  GstSDPMessage *theirs = sdp_from ("v=0\r\no=app 1 1 IN IP4 10.0.0.1\r\ns=app\r\n"
      "c=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVPF 96\r\na=rtpmap:96 opus/48000/2\r\n"
      "a=recvonly\r\nm=video 7002 RTP/AVPF 103\r\na=rtpmap:103 H264/90000\r\na=recvonly\r\n");
  GstSDPMessage *rewritten = nullptr;
  g_signal_emit_by_name (n.h->element, "rewrite-answer", offer, theirs, &rewritten);
  fail_unless (rewritten != nullptr);
  fail_unless_equals_string (gst_sdp_message_get_connection (rewritten)->address,
      "203.0.113.9");
  for (guint i = 0; i < 2; i++) {
    const GstSDPMedia *m = gst_sdp_message_get_media (rewritten, i);
    fail_unless_equals_int (m->port, port_of (n.streams, i + 1, 1));
    fail_unless_equals_string (gst_sdp_media_get_attribute_val (m, "direction"), "passive");
  }
  gst_sdp_message_free (rewritten);

  /* A rewrite whose answer does not match the offer. */
  GstSDPMessage *short_answer = sdp_from ("v=0\r\no=app 1 1 IN IP4 10.0.0.1\r\ns=app\r\n"
      "c=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVPF 96\r\na=rtpmap:96 opus/48000/2\r\n");
  rewritten = nullptr;
  g_signal_emit_by_name (n.h->element, "rewrite-answer", offer, short_answer, &rewritten);
  fail_unless (rewritten == nullptr);
  PostedError e = pop_error (n.bus);
  fail_unless (e.found && e.message.find ("the answer has 1 m-line but the offer has 2")
      != std::string::npos, "%s", e.message.c_str ());

  /* Bad input through a signal: an error, no answer. */
  GstSDPMessage *bad = sdp_from ("v=0\r\no=- 0 0 IN IP4 1.2.3.4\r\ns=x\r\nt=0 0\r\n"
      "m=audio 9 RTP/AVP 0\r\na=direction:upwards\r\n");
  answer = nullptr;
  g_signal_emit_by_name (n.h->element, "process-offer", bad, &answer);
  fail_unless (answer == nullptr);
  e = pop_error (n.bus);
  fail_unless (e.found && e.message.find ("a=direction:upwards is not active, passive or "
          "both") != std::string::npos, "%s", e.message.c_str ());

  gst_sdp_message_free (offer);
  gst_sdp_message_free (theirs);
  gst_sdp_message_free (short_answer);
  gst_sdp_message_free (bad);
}

GST_END_TEST;

GST_START_TEST (test_signals_offerer)
{
  Streams session = make_streams ("sdp-h-signals-offer", 1);
  GstElement *e = gst_element_factory_make ("sdp-negotiator", nullptr);
  GstCaps *caps = gst_caps_from_string (VP8_CAPS);
  g_object_set (e, "session", "sdp-h-signals-offer", "offer-caps", caps, nullptr);
  gst_caps_unref (caps);

  Peer rtp, rtcp;
  GstSDPMessage *answer = sdp_from (answer_for (VP8_OFFER, true, rtp, rtcp));
  gboolean ok = TRUE;
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (e, bus);
  /* No offer yet: an answer is an error. */
  g_signal_emit_by_name (e, "process-answer", answer, &ok);
  fail_if (ok);
  fail_unless (pop_error (bus).found);

  GstSDPMessage *offer = nullptr;
  g_signal_emit_by_name (e, "create-offer", &offer);
  fail_unless (offer != nullptr);
  g_signal_emit_by_name (e, "process-answer", answer, &ok);
  fail_unless (ok);
  fail_unless (sink_reaches (session, 1, 1, rtp));
  GstSDPMessage *remote = nullptr;
  g_object_get (e, "remote-description", &remote, nullptr);
  fail_unless (remote != nullptr);
  gst_sdp_message_free (remote);

  gst_sdp_message_free (offer);
  gst_sdp_message_free (answer);
  gst_element_set_bus (e, nullptr);
  gst_object_unref (bus);
  gst_object_unref (e);
  free_streams (session);
}

GST_END_TEST;

/* ---- SRTP ------------------------------------------------------------- */

/* The phone's keys (30 bytes each, AES_CM_128_HMAC_SHA1_80): its first
 * offer's, its re-offer's, and one it never offered. */
static const char *PHONE_KEY = "0VYd/GBqV92DODerMN9FluysFcGICFEuRX4IWXs4";
static const char *PHONE_KEY2 = "t2vMRU3ROGd5qVUAC3bE6OapJXa5lu5Rd9K8nHLX";
static const char *WRONG_KEY = "68IpTKJtqhR3xoVyPTEQxonPz1E3Umoi8n65a7V3";

static void
send_to (Peer & from, guint port, const std::vector<guint8> & bytes)
{
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *dest = g_inet_socket_address_new (lo, port);
  fail_unless_equals_int (g_socket_send_to (from.socket, dest, (const gchar *) bytes.data (),
          bytes.size (), nullptr, nullptr), (gssize) bytes.size ());
  g_object_unref (dest);
  g_object_unref (lo);
}

static guint64
src_stat (const Streams & s, guint stream, guint component, const char *field)
{
  std::string name = "s" + std::to_string (stream) + "c" + std::to_string (component);
  GstElement *e = gst_bin_get_by_name (GST_BIN (s.pipeline), name.c_str ());
  fail_unless (e != nullptr);
  GstStructure *st = nullptr;
  guint64 v = 0;
  g_object_get (e, "stats", &st, nullptr);
  fail_unless (st != nullptr && gst_structure_get_uint64 (st, field, &v), "no %s", field);
  gst_structure_free (st);
  gst_object_unref (e);
  return v;
}

/* Waits until stats @field of the session's rtpsrc reaches @n. */
static bool
wait_src_stat (const Streams & s, guint stream, guint component, const char *field,
    guint64 n)
{
  /* Up to 10 s: under AddressSanitizer a re-offer's packets took over 3. */
  for (int i = 0; i < 1000; i++) {
    if (src_stat (s, stream, component, field) >= n)
      return true;
    g_usleep (10 * 1000);
  }
  return false;
}

/* Whether the rtpsrc of (1, @component) authenticates what @key protects:
 * one packet under WRONG_KEY must fail, then three under @key must be
 * received without another failure. */
static bool
src_accepts_key (const Streams & s, guint component, Peer & from, const char *key,
    guint16 first_seq)
{
  bool rtcp = component == 2;
  guint port = port_of (s, 1, component);
  guint64 failed = src_stat (s, 1, component, "auth-failed");
  guint64 received = src_stat (s, 1, component, "received");
  PeerSrtp wrong (base64_bytes (WRONG_KEY), true), right (base64_bytes (key), true);
  send_to (from, port, wrong.protect (rtcp ? make_rtcp_rr (0x5eed) :
          make_rtp (0x5eed, first_seq, 0), rtcp));
  fail_unless (wait_src_stat (s, 1, component, "auth-failed", failed + 1),
      "a wrong key authenticated on component %u", component);
  for (guint16 i = 1; i <= 3; i++)
    send_to (from, port, right.protect (rtcp ? make_rtcp_rr (0x5eed) :
            make_rtp (0x5eed, first_seq + i, 0), rtcp));
  fail_unless (wait_src_stat (s, 1, component, "received", received + 4));
  return src_stat (s, 1, component, "auth-failed") == failed + 1;
}

/* What comedia-rtpsink (1, @component) puts on the wire for one plain
 * packet, as @peer receives it. */
static std::vector<guint8>
sink_sends (const Streams & s, guint component, Peer & peer, GstBuffer * plain)
{
  std::string desc = "comedia-rtpsink session=" + s.session + " stream=1 component=" +
      std::to_string (component) + " sync=false async=false";
  GstHarness *h = gst_harness_new_parse (desc.c_str ());
  gst_harness_set_src_caps_str (h, component == 1 ? "application/x-rtp" :
      "application/x-rtcp");
  fail_unless_equals_int (gst_harness_push (h, plain), GST_FLOW_OK);
  gst_harness_teardown (h);
  /* The first datagram that is not a keepalive (those are short). */
  guint8 data[2048];
  for (int tries = 0; tries < 20; tries++) {
    if (!g_socket_condition_timed_wait (peer.socket, G_IO_IN, 2 * G_USEC_PER_SEC,
            nullptr, nullptr))
      break;
    gssize n = g_socket_receive (peer.socket, (gchar *) data, sizeof data, nullptr,
        nullptr);
    if (n > 24)
      return std::vector<guint8> (data, data + n);
  }
  fail ("nothing from the sink of component %u", component);
  return {};
}

/* The one a=crypto of the answer's first m-line, checked for @tag. */
static comedia::CryptoLine
answered_crypto (const comedia::SdpDocument & answer, guint tag)
{
  const GstSDPMedia *m = gst_sdp_message_get_media (answer.message (), 0);
  fail_unless_equals_string (gst_sdp_media_get_proto (m), "RTP/SAVP");
  std::vector<comedia::CryptoParse> lines = comedia::read_crypto (m);
  fail_unless_equals_int (lines.size (), 1);
  fail_unless (lines[0].line.has_value (), "%s", lines[0].reason.c_str ());
  fail_unless_equals_int (lines[0].line->tag, tag);
  fail_unless (lines[0].line->suite == comedia::SrtpSuite::AesCm128HmacSha1_80);
  fail_unless (!lines[0].line->lifetime && lines[0].line->mki_length == 0);
  return *lines[0].line;
}

static std::string
srtp_offer (guint version, const Peer & rtp, const Peer & rtcp, guint tag, const char *key)
{
  return "v=0\no=phone 1 " + std::to_string (version) + " IN IP4 127.0.0.1\ns=-\n"
      "c=IN IP4 127.0.0.1\nt=0 0\nm=audio " + std::to_string (rtp.port) +
      " RTP/SAVP 0\na=rtcp:" + std::to_string (rtcp.port) + "\na=sendrecv\n"
      "a=crypto:" + std::to_string (tag) + " AES_CM_128_HMAC_SHA1_80 inline:" + key +
      "\n\n";
}

/* An RTP/SAVP offer under the default srtp=accept: the answer is RTP/SAVP
 * with the offer's tag and a fresh key; comedia-rtpsrc authenticates the
 * offer's key on both components (and not another), comedia-rtpsink
 * protects under the answered key.  A re-offer with a new key replaces
 * both, the phone's old one after a grace period.  No key reaches the
 * stream note. */
GST_START_TEST (test_answerer_srtp)
{
  NegotiatorFixture n ("sdp-h-srtp", 1, "public-address=127.0.0.1",
      StreamsState::Playing);
  Peer rtp, rtcp;

  fail_unless_equals_int (push_text (n.h, srtp_offer (1, rtp, rtcp, 7, PHONE_KEY), 64),
      GST_FLOW_OK);
  comedia::SdpDocument answer = parse_ok (pull_text (n.h));
  fail_unless_equals_int (gst_sdp_message_get_media (answer.message (), 0)->port,
      port_of (n.streams, 1, 1));
  comedia::CryptoLine ours = answered_crypto (answer, 7);
  fail_unless (ours.key_salt != base64_bytes (PHONE_KEY), "our key is the phone's");
  std::string note = pop_stream_note (n.bus, 1);
  fail_unless (note.find (PHONE_KEY) == std::string::npos, "%s", note.c_str ());
  gchar *our_b64 = g_base64_encode (ours.key_salt.data (), ours.key_salt.size ());
  fail_unless (note.find (our_b64) == std::string::npos, "%s", note.c_str ());
  g_free (our_b64);

  /* Inbound: the offer's key, on RTP and on RTCP. */
  fail_unless (src_accepts_key (n.streams, 1, rtp, PHONE_KEY, 1));
  fail_unless (src_accepts_key (n.streams, 2, rtcp, PHONE_KEY, 1));
  /* Outbound: our answered key, SRTP and SRTCP. */
  {
    PeerSrtp in (ours.key_salt, false);
    std::vector<guint8> plain = take_bytes (make_rtp (0xabc, 9, 0));
    std::vector<guint8> wire = sink_sends (n.streams, 1, rtp, make_bytes (plain));
    fail_unless (wire != plain, "sent plain");
    fail_unless (in.unprotect (wire, false), "not SRTP under the answered key");
    fail_unless (wire == plain);
    std::vector<guint8> rr = take_bytes (make_rtcp_rr (0xabc));
    wire = sink_sends (n.streams, 2, rtcp, make_bytes (rr));
    fail_unless (in.unprotect (wire, true), "not SRTCP under the answered key");
    fail_unless (wire == rr);
  }

  /* A re-offer with a new key (and tag): what the phone sent under its
   * old key before it had the answer still authenticates; the new key
   * does; once it has, the old one no longer does.  The sinks use the new
   * answer's key. */
  fail_unless_equals_int (push_text (n.h, srtp_offer (2, rtp, rtcp, 3, PHONE_KEY2), 64),
      GST_FLOW_OK);
  answer = parse_ok (pull_text (n.h));
  comedia::CryptoLine ours2 = answered_crypto (answer, 3);
  fail_unless (src_accepts_key (n.streams, 1, rtp, PHONE_KEY, 10),
      "packets under the old key, in flight at the re-key, were dropped");
  fail_unless (src_accepts_key (n.streams, 1, rtp, PHONE_KEY2, 20));
  fail_unless (!src_accepts_key (n.streams, 1, rtp, PHONE_KEY, 30),
      "the first offer's key still authenticates after the new one did");
  fail_unless (src_accepts_key (n.streams, 2, rtcp, PHONE_KEY2, 20));
  {
    PeerSrtp in (ours2.key_salt, false);
    std::vector<guint8> plain = take_bytes (make_rtp (0xabc, 30, 0));
    std::vector<guint8> wire = sink_sends (n.streams, 1, rtp, make_bytes (plain));
    fail_unless (in.unprotect (wire, false), "not SRTP under the re-answered key");
    fail_unless (wire == plain);
  }
  fail_if (pop_error (n.bus).found);
}

GST_END_TEST;

/* A re-offer that repeats the offer's a=crypto (a SIP session refresh,
 * RFC 4028, re-sends the same SDP) keeps the phone's crypto context: its
 * sender has gone on through a sequence number wrap (its roll-over counter
 * is 1), which a context made afresh would take as 0, failing every
 * packet from then on (RFC 3711 3.3.1). */
GST_START_TEST (test_answerer_srtp_same_key_keeps_context)
{
  NegotiatorFixture n ("sdp-h-srtp-refresh", 1,
      "public-address=127.0.0.1", StreamsState::Playing);
  Peer rtp, rtcp;
  guint port = port_of (n.streams, 1, 1);

  fail_unless_equals_int (push_text (n.h, srtp_offer (1, rtp, rtcp, 7, PHONE_KEY), 64),
      GST_FLOW_OK);
  parse_ok (pull_text (n.h));
  /* The phone's one sending context, across the wrap: 65530 .. 65535, 0 .. 5. */
  PeerSrtp phone (base64_bytes (PHONE_KEY), true);
  guint16 seq = 65530;
  for (int i = 0; i < 12; i++)
    send_to (rtp, port, phone.protect (make_rtp (0x5eed, seq++, 0)));
  fail_unless (wait_src_stat (n.streams, 1, 1, "received", 12));
  fail_unless_equals_int (src_stat (n.streams, 1, 1, "auth-failed"), 0);

  fail_unless_equals_int (push_text (n.h, srtp_offer (2, rtp, rtcp, 7, PHONE_KEY), 64),
      GST_FLOW_OK);
  parse_ok (pull_text (n.h));
  /* The answer is applied before it leaves: the next packets meet it. */
  for (int i = 0; i < 5; i++)
    send_to (rtp, port, phone.protect (make_rtp (0x5eed, seq++, 0)));
  fail_unless (wait_src_stat (n.streams, 1, 1, "received", 17));
  fail_unless_equals_int (src_stat (n.streams, 1, 1, "auth-failed"), 0);
  fail_unless_equals_int (src_stat (n.streams, 1, 1, "replayed"), 0);
  fail_if (pop_error (n.bus).found);
}

GST_END_TEST;

/* srtp=require rejects a plain offer with port 0 and says why. */
GST_START_TEST (test_answerer_srtp_require_rejects_plain)
{
  NegotiatorFixture n ("sdp-h-srtp-req", 1, "public-address=127.0.0.1 "
      "srtp=require");
  Peer rtp, rtcp;
  fail_unless_equals_int (push_text (n.h, loopback_offer (1, "127.0.0.1", rtp, rtcp,
              "sendrecv"), 64), GST_FLOW_OK);
  comedia::SdpDocument answer = parse_ok (pull_text (n.h));
  fail_unless_equals_int (gst_sdp_message_get_media (answer.message (), 0)->port, 0);
  std::string note = pop_stream_note (n.bus, 1);
  fail_unless (note.find ("SRTP is required") != std::string::npos, "%s", note.c_str ());
}

GST_END_TEST;

static Suite *
sdpnegotiator_suite (void)
{
  Suite *s = suite_create ("sdpnegotiator");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_answerer_seed_offer_split);
  tcase_add_test (tc, test_answerer_empty_line_ends_message);
  tcase_add_test (tc, test_answerer_last_line_without_end_at_eos);
  tcase_add_test (tc, test_answerer_static_destination);
  tcase_add_test (tc, test_answerer_static_destination_wins_over_latch);
  tcase_add_test (tc, test_answerer_rejects_unknown_stream);
  tcase_add_test (tc, test_answerer_reoffer);
  tcase_add_test (tc, test_answerer_srtp);
  tcase_add_test (tc, test_answerer_srtp_same_key_keeps_context);
  tcase_add_test (tc, test_answerer_srtp_require_rejects_plain);
  tcase_add_loop_test (tc, test_answerer_bad_input, 0, G_N_ELEMENTS (bad_inputs));
  tcase_add_loop_test (tc, test_answerer_bad_input_per_message, 0,
      G_N_ELEMENTS (bad_inputs));
  tcase_add_test (tc, test_offerer_exchange);
  tcase_add_test (tc, test_offerer_keepalives_after_answer);
  tcase_add_test (tc, test_offerer_resends_until_answered);
  tcase_add_test (tc, test_offerer_missing_passive_error);
  tcase_add_test (tc, test_offerer_missing_passive_static);
  tcase_add_loop_test (tc, test_offerer_answer_mismatch, 0, 2);
  tcase_add_test (tc, test_offerer_formats_from_elements);
  tcase_add_test (tc, test_signals_answerer_and_rewrite);
  tcase_add_test (tc, test_signals_offerer);
  return s;
}

GST_CHECK_MAIN (sdpnegotiator);

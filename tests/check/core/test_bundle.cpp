/* Unit tests of BUNDLE (RFC 9143): the answerer and the offerer under bundle-policy
 * (gst/core/sdp/bundle.h) and the demultiplexing of one transport's
 * packets to the bundled streams (gst/core/packet/bundleroute.h), packet
 * by packet.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/rtp/gstrtcpbuffer.h>
#include <gst/rtp/gstrtpbuffer.h>

#include "answerer.h"
#include "bundle.h"
#include "bundleroute.h"
#include "offerer.h"
#include "packets.h"
#include "sdpfakes.h"
#include "sdpparse.h"

#include <string>
#include <vector>

using namespace comedia;

#define PEER_HEX "6B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:" \
    "DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08"
#define OUR_HEX "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:" \
    "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"

static const char *SESSION =
    "v=0\n"
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1\n"
    "s=-\n"
    "t=0 0\n";

/* One m-line as a browser offers it; @port 0 with @bundle_only is how a
 * max-bundle offer gives the m-lines past the first. */
static std::string
media (const char *kind, const char *mid, guint port, const char *formats,
    bool bundle_only = false, bool candidates = true)
{
  std::string m = std::string ("m=") + kind + " " + std::to_string (port)
      + " UDP/TLS/RTP/SAVPF " + formats + "\n"
      "c=IN IP4 198.51.100.20\n";
  if (candidates)
    m += "a=candidate:1 1 udp 2122260223 10.0.0.20 " + std::to_string (port)
        + " typ host\n";
  m += "a=ice-ufrag:Chrm\n"
      "a=ice-pwd:chromiumpasswordchromium\n"
      "a=fingerprint:sha-256 " PEER_HEX "\n"
      "a=setup:actpass\n";
  m += std::string ("a=mid:") + mid + "\n";
  if (bundle_only)
    m += "a=bundle-only\n";
  m += "a=sendrecv\na=rtcp-mux\n";
  if (g_str_equal (kind, "audio"))
    m += "a=rtpmap:111 opus/48000/2\n";
  else
    m += "a=rtpmap:96 VP8/90000\n";
  return m;
}

static std::string
audio_video_offer (const char *groups, bool max_bundle = false)
{
  return std::string (SESSION) + groups + media ("audio", "0", 54400, "111")
      + media ("video", "1", max_bundle ? 0 : 54402, "96", max_bundle, !max_bundle);
}

static AnswerOptions
bundle_options (BundlePolicy policy)
{
  AnswerOptions o;
  o.public_address = "203.0.113.5";
  o.session_id = 42;
  o.random = [] (uint8_t * out, size_t len) { memset (out, 7, len); };
  std::string why;
  o.dtls_fingerprint = parse_fingerprint ("sha-256 " OUR_HEX, why);
  o.bundle = policy;
  return o;
}

/* The pipeline of docs/ice.md's BUNDLE section: one nicesrc, stream 1. */
static FakePipeline
one_transport ()
{
  FakePipeline p;
  p.n_streams = 0;
  p.ice[1] = 1;
  return p;
}

static Negotiated
answer_ok (const std::string & offer, FakePipeline & pipeline, BundlePolicy policy)
{
  Negotiated out;
  SdpError err;
  fail_unless (answer_offer (parse_ok (offer), pipeline, bundle_options (policy), out, err),
      "%s", err.message.c_str ());
  return out;
}

static std::string
media_of (const Negotiated & n, guint i)
{
  gchar *t = gst_sdp_media_as_text (gst_sdp_message_get_media (n.sdp.get (), i));
  std::string out = strip_cr (t);
  g_free (t);
  return out;
}

static std::vector<std::string>
groups_of (const Negotiated & n)
{
  std::vector<std::string> out;
  for (guint k = 0;; k++) {
    const char *g = gst_sdp_message_get_attribute_val_n (n.sdp.get (), "group", k);
    if (g == nullptr)
      return out;
    out.push_back (g);
  }
}

GST_START_TEST (test_groups_of)
{
  SdpDocument d = parse_ok (std::string (SESSION) + "a=group:BUNDLE 0 1\n"
      "a=group:LS 0 1\na=group:bundle 2\n" + media ("audio", "0", 1, "111"));
  auto groups = bundle_groups_of (d.message ());
  fail_unless_equals_int (groups.size (), 2);
  fail_unless_equals_int (groups[0].size (), 2);
  fail_unless_equals_string (groups[0][1].c_str (), "1");
  fail_unless_equals_string (groups[1][0].c_str (), "2");
  /* (Named: fail_unless_equals_string reads its arguments after the
   * statement that made a temporary has ended.) */
  std::string mid0 = media_mid (d.message (), 0), mid5 = media_mid (d.message (), 5);
  fail_unless_equals_string (mid0.c_str (), "0");
  fail_unless_equals_string (mid5.c_str (), "");
}
GST_END_TEST;

/* max-bundle: one transport (stream 1's), gathered once; the video m-line
 * says the same port and credentials, without candidates. */
GST_START_TEST (test_accepted)
{
  FakePipeline pipeline = one_transport ();
  Negotiated out = answer_ok (audio_video_offer ("a=group:BUNDLE 0 1\n"), pipeline,
      BundlePolicy::MaxBundle);
  auto groups = groups_of (out);
  fail_unless_equals_int (groups.size (), 1);
  fail_unless_equals_string (groups[0].c_str (), "BUNDLE 0 1");
  fail_unless_equals_int (pipeline.gathered.size (), 1);
  fail_unless_equals_int (pipeline.gathered[0], 1);

  std::string audio = media_of (out, 0), video = media_of (out, 1);
  fail_unless_contains (audio, "m=audio 50100 UDP/TLS/RTP/SAVPF 111\n");
  fail_unless_contains (audio, "a=candidate:");
  fail_unless_contains (video, "m=video 50100 UDP/TLS/RTP/SAVPF 96\n");
  fail_if_contains (video, "a=candidate:");
  for (const std::string & m : {audio, video}) {
    fail_unless_contains (m, "a=ice-ufrag:LoCa\n");
    fail_unless_contains (m, "a=rtcp-mux\n");
    fail_unless_contains (m, "a=setup:passive\n");
    fail_unless_contains (m, "a=fingerprint:sha-256 " OUR_HEX "\n");
    fail_if_contains (m, "a=bundle-only");
  }
  fail_unless_contains (video, "a=mid:1\n");
  fail_unless_contains (video, "a=rtpmap:96 VP8/90000\n");

  fail_unless (out.streams[0].kind == StreamPlan::Kind::Ice);
  fail_unless_equals_int (out.streams[0].bundle_tag, 0);
  fail_unless (out.streams[1].kind == StreamPlan::Kind::Ice);
  fail_unless_equals_int (out.streams[1].bundle_tag, 1);
  fail_unless (out.streams[1].dtls.enabled);

  /* What comedia-dtlssrtpdec routes by. */
  auto routes = bundle_routes_of (out.sdp.get (), out.streams);
  fail_unless_equals_int (routes.size (), 1);
  fail_unless_equals_int (routes[0].first, 1);
  const BundleRoutes & r = routes[0].second;
  fail_unless_equals_int (r.entries.size (), 2);
  fail_unless_equals_int (r.tag (), 1);
  fail_unless_equals_string (r.entries[1].mid.c_str (), "1");
  fail_unless_equals_int (r.entries[1].payload_types.size (), 1);
  fail_unless_equals_int (r.entries[1].payload_types[0], 96);
  fail_unless_equals_int (r.mid_extension_id, 0);
}
GST_END_TEST;

/* bundle-policy=none: today's answer, each m-line its own transport; a
 * pipeline with one transport cannot take the video. */
GST_START_TEST (test_declined)
{
  FakePipeline two = one_transport ();
  two.ice[2] = 1;
  Negotiated out = answer_ok (audio_video_offer ("a=group:BUNDLE 0 1\n"), two,
      BundlePolicy::None);
  fail_unless (groups_of (out).empty ());
  fail_unless_equals_int (two.gathered.size (), 2);
  fail_unless_contains (media_of (out, 1), "m=video 50110 ");
  fail_unless_contains (media_of (out, 1), "a=candidate:");
  fail_unless_equals_int (out.streams[1].bundle_tag, 0);
  fail_unless (bundle_routes_of (out.sdp.get (), out.streams)[0].second.entries.empty ());

  FakePipeline one = one_transport ();
  out = answer_ok (audio_video_offer ("a=group:BUNDLE 0 1\n"), one, BundlePolicy::None);
  fail_unless (out.streams[1].kind == StreamPlan::Kind::Rejected);
  fail_unless_contains (out.streams[1].note, "no stream 2");
}
GST_END_TEST;

/* A max-bundle offer: m-line 1 has port 0, a=bundle-only, no candidates. */
GST_START_TEST (test_max_bundle_offer)
{
  std::string offer = audio_video_offer ("a=group:BUNDLE 0 1\n", true);
  FakePipeline pipeline = one_transport ();
  Negotiated out = answer_ok (offer, pipeline, BundlePolicy::MaxBundle);
  fail_unless (groups_of (out) == std::vector<std::string> {"BUNDLE 0 1"});
  fail_unless_contains (media_of (out, 1), "m=video 50100 UDP/TLS/RTP/SAVPF 96\n");
  fail_unless_equals_int (out.streams[1].bundle_tag, 1);
  /* The tagged m-line's candidates are the transport's. */
  fail_unless_equals_int (out.streams[0].remote_ice.candidates.size (), 1);

  /* Declined: the bundle-only m-line stays disabled, as the offer has it. */
  FakePipeline again = one_transport ();
  out = answer_ok (offer, again, BundlePolicy::None);
  fail_unless (groups_of (out).empty ());
  fail_unless (out.streams[1].kind == StreamPlan::Kind::Rejected);
  fail_unless_contains (out.streams[1].note, "port 0");
}
GST_END_TEST;

/* Header extensions: a bundled m-line keeps the sdes:mid a=extmap, with
 * the offer's id, bundle-only ones too; nothing else of extmap; none when
 * BUNDLE is declined or the offer has no group. */
GST_START_TEST (test_mid_extension)
{
  std::string offer = audio_video_offer ("a=group:BUNDLE 0 1\n", true);
  for (const char *mid : {"a=mid:0\n", "a=mid:1\n"})
    offer.insert (offer.find (mid) + strlen (mid),
        "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\n"
        "a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid\n"
        "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\n");
  FakePipeline pipeline = one_transport ();
  Negotiated out = answer_ok (offer, pipeline, BundlePolicy::MaxBundle);
  for (guint i = 0; i < 2; i++) {
    std::string m = media_of (out, i);
    fail_unless_contains (m, "a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid\n");
    /* The only one. */
    fail_unless_equals_int (m.find ("a=extmap:"), m.rfind ("a=extmap:"));
  }
  auto routes = bundle_routes_of (out.sdp.get (), out.streams);
  fail_unless_equals_int (routes[0].second.mid_extension_id, 9);

  FakePipeline declined = one_transport ();
  out = answer_ok (offer, declined, BundlePolicy::None);
  fail_if_contains (media_of (out, 0), "a=extmap");

  std::string no_group = offer;
  no_group.erase (no_group.find ("a=group:BUNDLE 0 1\n"), strlen ("a=group:BUNDLE 0 1\n"));
  FakePipeline alone = one_transport ();
  out = answer_ok (no_group, alone, BundlePolicy::MaxBundle);
  fail_unless (groups_of (out).empty ());
  fail_if_contains (media_of (out, 0), "a=extmap");
}
GST_END_TEST;

/* mids: the group's order, not the m-lines', is the answer's; a mid naming
 * no m-line is left out; an m-line without a=mid is in no group; the
 * transport is the stream the pipeline's nicesrc serves. */
GST_START_TEST (test_mids)
{
  FakePipeline pipeline = one_transport ();
  Negotiated out = answer_ok (audio_video_offer ("a=group:BUNDLE 1 0 7\n"), pipeline,
      BundlePolicy::MaxBundle);
  fail_unless (groups_of (out) == std::vector<std::string> {"BUNDLE 1 0"}, "%s", strip_cr (gst_sdp_message_as_text (out.sdp.get ())).c_str ());
  fail_unless_equals_int (out.streams[0].bundle_tag, 0);
  fail_unless_equals_int (out.streams[1].bundle_tag, 1);

  FakePipeline only_mid = one_transport ();
  std::string no_mid = std::string (SESSION) + "a=group:BUNDLE 0\n"
      + media ("audio", "0", 54400, "111") + media ("video", "x", 54402, "96");
  size_t at = no_mid.find ("a=mid:x\n");
  no_mid.erase (at, strlen ("a=mid:x\n"));
  out = answer_ok (no_mid, only_mid, BundlePolicy::MaxBundle);
  fail_unless (groups_of (out) == std::vector<std::string> {"BUNDLE 0"});
  fail_unless (out.streams[1].kind == StreamPlan::Kind::Rejected);

  /* A group naming no m-line at all is no group. */
  FakePipeline nothing = one_transport ();
  out = answer_ok (std::string (SESSION) + "a=group:BUNDLE 5 6\n"
      + media ("audio", "0", 54400, "111"), nothing, BundlePolicy::MaxBundle);
  fail_unless (groups_of (out).empty ());
}
GST_END_TEST;

/* Two groups: two transports, one per group, each gathered. */
GST_START_TEST (test_two_groups)
{
  FakePipeline pipeline = one_transport ();
  pipeline.ice[3] = 1;
  std::string offer = std::string (SESSION) + "a=group:BUNDLE 0 1\na=group:BUNDLE 2\n"
      + media ("audio", "0", 54400, "111") + media ("video", "1", 54402, "96")
      + media ("video", "2", 54404, "96");
  Negotiated out = answer_ok (offer, pipeline, BundlePolicy::MaxBundle);
  auto groups = groups_of (out);
  fail_unless_equals_int (groups.size (), 2);
  fail_unless_equals_string (groups[0].c_str (), "BUNDLE 0 1");
  fail_unless_equals_string (groups[1].c_str (), "BUNDLE 2");
  fail_unless_equals_int (pipeline.gathered.size (), 2);
  fail_unless_equals_int (out.streams[1].bundle_tag, 1);
  fail_unless_equals_int (out.streams[2].bundle_tag, 0);
  fail_unless_contains (media_of (out, 2), "m=video 50120 ");
}
GST_END_TEST;

/* ---- routing ---------------------------------------------------------- */

static BundleRoutes
audio_video_routes (guint8 mid_id = 0)
{
  BundleRoutes r;
  r.mid_extension_id = mid_id;
  r.entries.push_back ({1, "0", {111}});
  r.entries.push_back ({2, "1", {96, 97}});
  return r;
}

/* RTP with a one-byte-header mid extension (@id, @mid). */
static GstBuffer *
rtp_with_mid (guint32 ssrc, guint8 pt, guint8 id, const char *mid)
{
  GstBuffer *buf = gst_rtp_buffer_new_allocate (10, 0, 0);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  gst_rtp_buffer_map (buf, GST_MAP_READWRITE, &rtp);
  gst_rtp_buffer_set_ssrc (&rtp, ssrc);
  gst_rtp_buffer_set_payload_type (&rtp, pt);
  gst_rtp_buffer_add_extension_onebyte_header (&rtp, id, mid, strlen (mid));
  gst_rtp_buffer_unmap (&rtp);
  return buf;
}

static guint
route_rtp (BundleRouter & router, GstBuffer * buf, bool *by_mid = nullptr)
{
  guint s = router.route_rtp (buf, by_mid);
  gst_buffer_unref (buf);
  return s;
}

static guint
route_rtcp (BundleRouter & router, GstBuffer * buf)
{
  guint s = router.route_rtcp (buf);
  gst_buffer_unref (buf);
  return s;
}

GST_START_TEST (test_route_payload_type_and_ssrc)
{
  BundleRouter router;
  fail_unless_equals_int (route_rtp (router, make_rtp (1, 1, 111)), 0);   /* no routes */
  router.set_routes (audio_video_routes ());
  fail_unless_equals_int (route_rtp (router, make_rtp (0xa, 1, 111)), 1);
  fail_unless_equals_int (route_rtp (router, make_rtp (0xb, 1, 96)), 2);
  fail_unless_equals_int (route_rtp (router, make_rtp (0xb, 2, 97)), 2);
  fail_unless_equals_int (route_rtp (router, make_rtp (0xc, 1, 50)), 0);   /* unknown */
  /* The SSRC learnt wins over a payload type (video's FEC/rtx would). */
  fail_unless_equals_int (route_rtp (router, make_rtp (0xa, 2, 96)), 1);
  /* Not RTP at all. */
  fail_unless_equals_int (route_rtp (router, make_bytes ({0x80, 0x60})), 0);
  /* New routes forget the SSRCs. */
  router.set_routes (audio_video_routes ());
  fail_unless_equals_int (route_rtp (router, make_rtp (0xa, 3, 96)), 2);
}
GST_END_TEST;

GST_START_TEST (test_route_mid)
{
  BundleRouter router;
  router.set_routes (audio_video_routes (3));
  /* The mid wins over the payload type, and teaches the SSRC; by_mid
   * (comedia-dtlssrtpdec's bundle-routed-by-mid) says which did it. */
  bool by_mid = false;
  fail_unless_equals_int (route_rtp (router, rtp_with_mid (0xd, 111, 3, "1"), &by_mid), 2);
  fail_unless (by_mid);
  fail_unless_equals_int (route_rtp (router, make_rtp (0xd, 2, 111), &by_mid), 2);
  fail_if (by_mid);
  /* Another extension id is not the mid. */
  fail_unless_equals_int (route_rtp (router, rtp_with_mid (0xe, 111, 4, "1"), &by_mid), 1);
  fail_if (by_mid);
  /* An unknown mid falls back to the payload type. */
  fail_unless_equals_int (route_rtp (router, rtp_with_mid (0xf, 96, 3, "zz"), &by_mid), 2);
  fail_if (by_mid);
}
GST_END_TEST;

/* What comedia-dtlssrtpenc sends on a bundle with the mid negotiated: the
 * one-byte extension, which the router (and a browser) reads back; not
 * twice, not in a form the answer did not allow. */
GST_START_TEST (test_add_mid)
{
  BundleRouter router;
  router.set_routes (audio_video_routes (3));
  GstBuffer *buf = make_rtp (0x10, 1, 111);
  fail_unless (add_mid_extension (buf, 3, mid_of_stream (router.routes (), 2)));
  fail_if (add_mid_extension (buf, 3, "1"));   /* it has one */
  bool by_mid = false;
  fail_unless_equals_int (route_rtp (router, buf, &by_mid), 2);
  fail_unless (by_mid);

  /* Beside another one-byte extension (audio level, id 1). */
  buf = rtp_with_mid (0x11, 96, 1, "x");
  fail_unless (add_mid_extension (buf, 3, "0"));
  fail_unless_equals_int (route_rtp (router, buf, &by_mid), 1);
  fail_unless (by_mid);

  buf = make_rtp (0x12, 1, 96);
  gsize size = gst_buffer_get_size (buf);
  fail_if (add_mid_extension (buf, 15, "1"));   /* two-byte ids: not answered */
  fail_if (add_mid_extension (buf, 3, ""));
  fail_if (add_mid_extension (buf, 3, std::string (17, 'm')));
  fail_unless_equals_int (gst_buffer_get_size (buf), size);
  gst_buffer_unref (buf);
  GstBuffer *junk = make_bytes ({0x80, 0x60});
  fail_if (add_mid_extension (junk, 3, "1"));
  gst_buffer_unref (junk);
  fail_unless (mid_of_stream (router.routes (), 7).empty ());
}
GST_END_TEST;

/* One RTCP packet of @type, filled by @fill. */
template <typename Fill>
static GstBuffer *
rtcp_packet (GstRTCPType type, Fill fill)
{
  GstBuffer *buf = gst_rtcp_buffer_new (1400);
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  gst_rtcp_buffer_map (buf, GST_MAP_READWRITE, &rtcp);
  GstRTCPPacket p;
  gst_rtcp_buffer_add_packet (&rtcp, type, &p);
  fill (&p);
  gst_rtcp_buffer_unmap (&rtcp);
  return buf;
}

static GstBuffer *
rtcp_rr (guint32 sender, std::vector<guint32> blocks)
{
  return rtcp_packet (GST_RTCP_TYPE_RR, [&] (GstRTCPPacket * p) {
        gst_rtcp_packet_rr_set_ssrc (p, sender);
        for (guint32 b : blocks)
          gst_rtcp_packet_add_rb (p, b, 0, 0, 0, 0, 0, 0);
      });
}

static GstBuffer *
rtcp_pli (guint32 sender, guint32 media)
{
  return rtcp_packet (GST_RTCP_TYPE_PSFB, [&] (GstRTCPPacket * p) {
        gst_rtcp_packet_fb_set_type (p, GST_RTCP_PSFB_TYPE_PLI);
        gst_rtcp_packet_fb_set_sender_ssrc (p, sender);
        gst_rtcp_packet_fb_set_media_ssrc (p, media);
      });
}

GST_START_TEST (test_route_rtcp)
{
  BundleRouter router;
  fail_unless_equals_int (route_rtcp (router, rtcp_rr (1, {})), 0);   /* no routes */
  router.set_routes (audio_video_routes ());
  /* Unknown: the tag stream. */
  fail_unless_equals_int (route_rtcp (router, rtcp_rr (0xb, {})), 1);
  /* By sender, once its RTP taught it. */
  fail_unless_equals_int (route_rtp (router, make_rtp (0xb, 1, 96)), 2);
  fail_unless_equals_int (route_rtcp (router, rtcp_rr (0xb, {})), 2);
  /* By what it names: our video SSRC, learnt from what we send. */
  router.learn (0x5eed, 2);
  fail_unless_equals_int (route_rtcp (router, rtcp_rr (0x77, {0x1234, 0x5eed})), 2);
  fail_unless_equals_int (route_rtcp (router, rtcp_pli (1, 0x5eed)), 2);
  /* Reduced-size RTCP alone (RFC 5506): an SDES or APP speaks for its
   * source too. */
  fail_unless_equals_int (route_rtcp (router, rtcp_packet (GST_RTCP_TYPE_SDES,
              [] (GstRTCPPacket * p) {
                gst_rtcp_packet_sdes_add_item (p, 0xb);
                const guint8 cname[] = { 'v' };
                gst_rtcp_packet_sdes_add_entry (p, GST_RTCP_SDES_CNAME, 1, cname);
              })), 2);
  fail_unless_equals_int (route_rtcp (router, rtcp_packet (GST_RTCP_TYPE_APP,
              [] (GstRTCPPacket * p) { gst_rtcp_packet_app_set_ssrc (p, 0xb); })), 2);
  /* Not RTCP: the tag. */
  fail_unless_equals_int (route_rtcp (router, make_bytes ({0x80, 0xc9, 0, 1})), 1);
}
GST_END_TEST;

/* ---- the offerer under max-bundle ----------------------------------- */

/* What sdp-negotiator's make_offer gives build_offer for an Opus + VP8 call
 * over stream 1's nicesrc/nicesink (gather_offered_ice: every stream points
 * at stream 1's description). */
struct BundledOffer {
  IceDescription ice;
  GstCaps *audio = gst_caps_from_string ("application/x-rtp,media=audio,payload=111,"
      "clock-rate=48000,encoding-name=OPUS,encoding-params=(string)2");
  GstCaps *video = gst_caps_from_string ("application/x-rtp,media=video,payload=96,"
      "clock-rate=90000,encoding-name=VP8");
  std::vector<OfferedStream> streams = std::vector<OfferedStream> (2);
  OfferOptions options;

  BundledOffer (BundlePolicy policy, bool trickle = false) {
    ice.ufrag = "OfrA";
    ice.pwd = "offererpasswordofferer1";
    ice.default_address = "192.168.77.2";
    ice.default_rtp_port = 50000;
    ice.candidates = {"1 1 UDP 2015363327 192.168.77.2 50000 typ host"};
    ice.end_of_candidates = !trickle;
    ice.trickle = trickle;
    streams[0].caps = audio;
    streams[1].caps = video;
    for (OfferedStream & os : streams) {
      os.ice = &ice;
      os.rtcp_mux = true;
    }
    options.session_id = 5;
    options.bundle = policy;
    options.dtls = DtlsPolicy::Require;
    std::string why;
    options.dtls_fingerprint = parse_fingerprint ("sha-256 " OUR_HEX, why);
  }
  ~BundledOffer () {
    gst_caps_unref (audio);
    gst_caps_unref (video);
  }
  SdpDocument build () {
    SdpMessagePtr offer;
    SdpError err;
    fail_unless (build_offer (streams, options, offer, err), "%s", err.message.c_str ());
    return parse_ok (sdp_message_to_text (offer.get ()));
  }
};

static std::string
doc_media (const SdpDocument & d, guint i)
{
  gchar *t = gst_sdp_media_as_text (gst_sdp_message_get_media (d.message (), i));
  std::string out = strip_cr (t);
  g_free (t);
  return out;
}

static bool
has_line (const std::string & text, const std::string & line)
{
  return ("\n" + text).find ("\n" + line + "\n") != std::string::npos;
}

GST_START_TEST (test_offer_max_bundle)
{
  BundledOffer b (BundlePolicy::MaxBundle);
  SdpDocument offer = b.build ();
  const char *group = gst_sdp_message_get_attribute_val (offer.message (), "group");
  fail_unless_equals_string (group, "BUNDLE 0 1");
  std::string audio = doc_media (offer, 0), video = doc_media (offer, 1);
  /* The transport: its candidates, port and address. */
  for (const char *l : {"m=audio 50000 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 192.168.77.2",
          "a=mid:0", "a=ice-ufrag:OfrA", "a=rtcp-mux", "a=setup:actpass",
          "a=candidate:1 1 UDP 2015363327 192.168.77.2 50000 typ host", "a=end-of-candidates"})
    fail_unless (has_line (audio, l), "no '%s' in\n%s", l, audio.c_str ());
  fail_if (has_line (audio, "a=bundle-only"), "%s", audio.c_str ());
  /* Bundle-only: port 0, the same credentials and DTLS terms, no candidate. */
  for (const char *l : {"m=video 0 UDP/TLS/RTP/SAVPF 96", "a=mid:1", "a=bundle-only",
          "a=ice-ufrag:OfrA", "a=ice-pwd:offererpasswordofferer1", "a=rtcp-mux",
          "a=setup:actpass", "a=fingerprint:sha-256 " OUR_HEX, "a=sendrecv"})
    fail_unless (has_line (video, l), "no '%s' in\n%s", l, video.c_str ());
  fail_if (video.find ("a=candidate") != std::string::npos, "%s", video.c_str ());
  fail_if (video.find ("c=IN") != std::string::npos, "%s", video.c_str ());
  /* Our own offer reads back as one group, tagged by the audio m-line
   * (what the answerer side would make of it). */
  OfferedBundle read = read_offered_bundle (offer.message (), BundlePolicy::MaxBundle);
  fail_unless_equals_int (read.groups.size (), 1);
  fail_unless_equals_int (read.groups[0].tagged, 0);
  fail_unless_equals_int (read.groups[0].members.size (), 2);
}

GST_END_TEST;

GST_START_TEST (test_offer_bundle_none)
{
  BundledOffer b (BundlePolicy::None);
  SdpDocument offer = b.build ();
  fail_if (gst_sdp_message_get_attribute_val (offer.message (), "group"));
  /* Each m-line its own transport, as before bundle-policy meant offers. */
  for (guint i = 0; i < 2; i++) {
    std::string m = doc_media (offer, i);
    fail_unless (m.find (" 50000 ") != std::string::npos, "%s", m.c_str ());
    fail_unless (m.find ("a=candidate:") != std::string::npos, "%s", m.c_str ());
    fail_if (m.find ("a=bundle-only") != std::string::npos, "%s", m.c_str ());
  }
}

GST_END_TEST;

/* webrtcbin 1.22's answer (bundle-policy max-compat) to our max-bundle
 * offer, as captured in tests/lab/test-dtls-nat.sh
 * comedia-offers-webrtcbin-bundle (shortened): a=group:BUNDLE 0 1, both
 * m-lines port 9 with the same credentials, a=setup:active, candidates in
 * the first only. */
static std::string
webrtcbin_answer (bool group, guint video_port)
{
  std::string m = std::string (SESSION) + (group ? "a=group:BUNDLE 0 1\n" : "")
      + "m=audio 9 UDP/TLS/RTP/SAVPF 111\nc=IN IP4 0.0.0.0\n"
      "a=ice-ufrag:WbRt\na=ice-pwd:webrtcbinpasswordwebrtc\na=mid:0\na=rtcp-mux\n"
      "a=setup:active\na=fingerprint:sha-256 " PEER_HEX "\na=sendrecv\n"
      "a=rtpmap:111 OPUS/48000/2\n"
      "a=candidate:1 1 UDP 2015363327 203.0.113.10 40000 typ host\n"
      "m=video " + std::to_string (video_port) + " UDP/TLS/RTP/SAVPF 96\n"
      "c=IN IP4 0.0.0.0\na=mid:1\na=rtpmap:96 VP8/90000\n";
  if (video_port != 0)
    m += "a=ice-ufrag:WbRt\na=ice-pwd:webrtcbinpasswordwebrtc\na=rtcp-mux\n"
        "a=setup:active\na=fingerprint:sha-256 " PEER_HEX "\na=sendrecv\n";
  return m;
}

GST_START_TEST (test_offer_bundle_accepted)
{
  BundledOffer b (BundlePolicy::MaxBundle);
  SdpDocument offer = b.build ();
  AnswerReading r;
  SdpError err;
  fail_unless (read_answer (offer, parse_ok (webrtcbin_answer (true, 9)),
          MissingPassive::Error, r, err), "%s", err.message.c_str ());
  fail_unless_equals_int (r.streams.size (), 2);
  fail_unless (r.streams[0].kind == StreamPlan::Kind::Ice);
  fail_unless (r.streams[1].kind == StreamPlan::Kind::Ice, "%s", r.streams[1].note.c_str ());
  fail_unless_equals_int (r.streams[0].bundle_tag, 0);
  fail_unless_equals_int (r.streams[1].bundle_tag, 1);
  fail_unless_equals_string (r.bundle_warning.c_str (), "");
  /* One association: the video's DTLS terms are the audio's. */
  fail_unless (r.streams[1].dtls.enabled);
  fail_unless (r.streams[1].dtls.role == r.streams[0].dtls.role);
  fail_unless_equals_int (r.streams[0].remote_ice.candidates.size (), 1);
  /* The demultiplexer the answerer side gets: stream 1 carries both. */
  auto routes = bundle_routes_of (offer.message (), r.streams);
  fail_unless_equals_int (routes.size (), 1);
  fail_unless_equals_int (routes[0].first, 1);
  fail_unless_equals_int (routes[0].second.entries.size (), 2);
  fail_unless_equals_string (routes[0].second.entries[1].mid.c_str (), "1");
  fail_unless_equals_int (routes[0].second.entries[1].payload_types[0], 96);

  /* An answer that puts the video at port 0 inside the group (RFC 9143
   * allows the answerer's bundled m-lines to say nothing of their own):
   * still bundled, not rejected. */
  std::string zero = webrtcbin_answer (true, 0);
  fail_unless (read_answer (offer, parse_ok (zero), MissingPassive::Error, r, err), "%s",
      err.message.c_str ());
  fail_unless (r.streams[1].kind == StreamPlan::Kind::Ice, "%s", r.streams[1].note.c_str ());
  fail_unless_equals_int (r.streams[1].bundle_tag, 1);
}

GST_END_TEST;

GST_START_TEST (test_offer_bundle_declined)
{
  BundledOffer b (BundlePolicy::MaxBundle);
  SdpDocument offer = b.build ();
  AnswerReading r;
  SdpError err;
  /* A peer without BUNDLE: no group, the bundle-only m-line rejected. */
  fail_unless (read_answer (offer, parse_ok (webrtcbin_answer (false, 0)),
          MissingPassive::Error, r, err), "%s", err.message.c_str ());
  fail_unless (r.streams[0].kind == StreamPlan::Kind::Ice);
  fail_unless_equals_int (r.streams[0].bundle_tag, 0);
  fail_unless (r.streams[1].kind == StreamPlan::Kind::Rejected);
  fail_unless (r.bundle_warning.find ("the answer declined BUNDLE (no a=group:BUNDLE)")
      != std::string::npos, "%s", r.bundle_warning.c_str ());
  fail_unless (r.bundle_warning.find ("m=video 0") != std::string::npos, "%s",
      r.bundle_warning.c_str ());
  /* One that answers the bundle-only m-line with a port anyway: nothing
   * of ours gathered for it, rejected the same. */
  fail_unless (read_answer (offer, parse_ok (webrtcbin_answer (false, 9)),
          MissingPassive::Error, r, err), "%s", err.message.c_str ());
  fail_unless (r.streams[1].kind == StreamPlan::Kind::Rejected);
  fail_if (r.bundle_warning.empty ());
  auto routes = bundle_routes_of (offer.message (), r.streams);
  fail_unless (routes.size () == 1 && !routes[0].second.bundled ());
}

GST_END_TEST;

/* a=ice-options:trickle in our offers: half trickle (complete, the end
 * said) when options.trickle, full when the description is trickling. */
GST_START_TEST (test_offer_trickle_option)
{
  BundledOffer plain (BundlePolicy::MaxBundle);
  std::string audio = doc_media (plain.build (), 0);
  fail_if (audio.find ("a=ice-options") != std::string::npos, "%s", audio.c_str ());

  BundledOffer half (BundlePolicy::MaxBundle);
  half.options.trickle = true;
  SdpDocument offer = half.build ();
  for (guint i = 0; i < 2; i++) {
    std::string m = doc_media (offer, i);
    fail_unless (has_line (m, "a=ice-options:trickle"), "%s", m.c_str ());
    fail_unless (has_line (m, "a=end-of-candidates"), "%s", m.c_str ());
  }

  BundledOffer full (BundlePolicy::MaxBundle, true);
  full.options.trickle = true;
  offer = full.build ();
  audio = doc_media (offer, 0);
  fail_unless (has_line (audio, "a=ice-options:trickle"), "%s", audio.c_str ());
  fail_if (has_line (audio, "a=end-of-candidates"), "%s", audio.c_str ());
  fail_unless (has_line (audio, "a=candidate:1 1 UDP 2015363327 192.168.77.2 50000 typ host"),
      "%s", audio.c_str ());
  std::string video = doc_media (offer, 1);
  fail_if (video.find ("a=candidate") != std::string::npos, "%s", video.c_str ());
}

GST_END_TEST;

static Suite *
bundle_suite (void)
{
  Suite *s = suite_create ("bundle");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_groups_of);
  tcase_add_test (tc, test_accepted);
  tcase_add_test (tc, test_declined);
  tcase_add_test (tc, test_max_bundle_offer);
  tcase_add_test (tc, test_mid_extension);
  tcase_add_test (tc, test_mids);
  tcase_add_test (tc, test_two_groups);
  tcase_add_test (tc, test_offer_max_bundle);
  tcase_add_test (tc, test_offer_bundle_none);
  tcase_add_test (tc, test_offer_bundle_accepted);
  tcase_add_test (tc, test_offer_bundle_declined);
  tcase_add_test (tc, test_offer_trickle_option);
  tcase_add_test (tc, test_route_payload_type_and_ssrc);
  tcase_add_test (tc, test_route_mid);
  tcase_add_test (tc, test_add_mid);
  tcase_add_test (tc, test_route_rtcp);
  return s;
}

GST_CHECK_MAIN (bundle);

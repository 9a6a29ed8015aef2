/* Unit tests of comedia::inspect_packet on RTCP as real agents send it:
 * compounds (RFC 3550), reduced-size packets (RFC 5506) and a compound that
 * starts with BYE, against what really is malformed.  No pipeline.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "packetfacts.h"
#include "packets.h"

using namespace comedia;

/* An RTCP buffer of the packets that @add writes. */
template <typename Add>
static GstBuffer *
make_rtcp (Add add)
{
  GstBuffer *buf = gst_rtcp_buffer_new (1400);
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  gst_rtcp_buffer_map (buf, GST_MAP_READWRITE, &rtcp);
  add (&rtcp);
  gst_rtcp_buffer_unmap (&rtcp);
  return buf;
}

static PacketFacts
inspect_rtcp_bytes (GstBuffer * buf, bool muxed = false)
{
  PacketFacts facts = muxed ? inspect_packet (buf, COMPONENT_RTP, true)
      : inspect_packet (buf, COMPONENT_RTCP, false);
  gst_buffer_unref (buf);
  return facts;
}

static void
add_app (GstRTCPBuffer * rtcp, guint32 ssrc)
{
  GstRTCPPacket p;
  fail_unless (gst_rtcp_buffer_add_packet (rtcp, GST_RTCP_TYPE_APP, &p));
  gst_rtcp_packet_app_set_ssrc (&p, ssrc);
  gst_rtcp_packet_app_set_name (&p, "PING");
  gst_rtcp_packet_app_set_data_length (&p, 1);
}

static void
add_bye (GstRTCPBuffer * rtcp, guint32 ssrc)
{
  GstRTCPPacket p;
  fail_unless (gst_rtcp_buffer_add_packet (rtcp, GST_RTCP_TYPE_BYE, &p));
  gst_rtcp_packet_bye_add_ssrc (&p, ssrc);
  gst_rtcp_packet_bye_set_reason (&p, "hangup");
}

static void
add_fb (GstRTCPBuffer * rtcp, GstRTCPType type, GstRTCPFBType fmt,
    guint32 sender, guint32 media)
{
  GstRTCPPacket p;
  fail_unless (gst_rtcp_buffer_add_packet (rtcp, type, &p));
  gst_rtcp_packet_fb_set_type (&p, fmt);
  gst_rtcp_packet_fb_set_sender_ssrc (&p, sender);
  gst_rtcp_packet_fb_set_media_ssrc (&p, media);
}

static void
add_sdes (GstRTCPBuffer * rtcp, guint32 ssrc)
{
  GstRTCPPacket p;
  fail_unless (gst_rtcp_buffer_add_packet (rtcp, GST_RTCP_TYPE_SDES, &p));
  gst_rtcp_packet_sdes_add_item (&p, ssrc);
  gst_rtcp_packet_sdes_add_entry (&p, GST_RTCP_SDES_CNAME, 4,
      (const guint8 *) "test");
}

/* Reduced-size RTCP: each kind of lone packet is RTCP, and speaks for the
 * SSRC that sent it (what the RTCP latching rule compares). */
GST_START_TEST (test_reduced_size_packets_are_rtcp)
{
  for (bool muxed : {false, true}) {
    PacketFacts f = inspect_rtcp_bytes (make_rtcp ([] (GstRTCPBuffer * r) {
              add_app (r, 0xa11);}), muxed);
    fail_unless (f.kind == PacketKind::Rtcp);
    fail_unless_equals_int (f.rtcp_type, GST_RTCP_TYPE_APP);
    fail_unless_equals_int (f.ssrc, 0xa11);

    f = inspect_rtcp_bytes (make_rtcp ([] (GstRTCPBuffer * r) {
              add_bye (r, 0xb1e);}), muxed);
    fail_unless (f.kind == PacketKind::Rtcp);
    fail_unless_equals_int (f.rtcp_type, GST_RTCP_TYPE_BYE);
    fail_unless_equals_int (f.ssrc, 0xb1e);

    f = inspect_rtcp_bytes (make_rtcp ([] (GstRTCPBuffer * r) {
              add_fb (r, GST_RTCP_TYPE_RTPFB, GST_RTCP_RTPFB_TYPE_NACK, 0xfb1, 0x99);}),
        muxed);
    fail_unless (f.kind == PacketKind::Rtcp);
    fail_unless_equals_int (f.rtcp_type, GST_RTCP_TYPE_RTPFB);
    fail_unless_equals_int (f.ssrc, 0xfb1);

    f = inspect_rtcp_bytes (make_rtcp ([] (GstRTCPBuffer * r) {
              add_fb (r, GST_RTCP_TYPE_PSFB, GST_RTCP_PSFB_TYPE_PLI, 0xfb2, 0x99);}),
        muxed);
    fail_unless (f.kind == PacketKind::Rtcp);
    fail_unless_equals_int (f.rtcp_type, GST_RTCP_TYPE_PSFB);
    fail_unless_equals_int (f.ssrc, 0xfb2);
  }
}
GST_END_TEST;

/* At hang-up a softphone sends BYE first, then SDES. */
GST_START_TEST (test_compound_starting_with_bye_is_rtcp)
{
  PacketFacts f = inspect_rtcp_bytes (make_rtcp ([] (GstRTCPBuffer * r) {
            add_bye (r, 0x5eed); add_sdes (r, 0x5eed);}));
  fail_unless (f.kind == PacketKind::Rtcp);
  fail_unless_equals_int (f.rtcp_type, GST_RTCP_TYPE_BYE);
  fail_unless_equals_int (f.ssrc, 0x5eed);

  /* The usual compound still speaks for its reporter. */
  f = inspect_rtcp_bytes (make_rtcp_rr (0x77));
  fail_unless (f.kind == PacketKind::Rtcp);
  fail_unless_equals_int (f.rtcp_type, GST_RTCP_TYPE_RR);
  fail_unless_equals_int (f.ssrc, 0x77);
}
GST_END_TEST;

GST_START_TEST (test_malformed_rtcp_stays_malformed)
{
  std::vector<guint8> app = take_bytes (make_rtcp ([] (GstRTCPBuffer * r) {
            add_app (r, 1);}));
  std::vector<guint8> rr = take_bytes (make_rtcp_rr (2));

  /* Version 1 in the first, then in the second packet. */
  std::vector<guint8> v = app;
  v[0] = (v[0] & 0x3f) | 0x40;
  fail_unless (inspect_rtcp_bytes (make_bytes (v)).kind == PacketKind::Malformed);
  v = rr;
  v[rr[3] * 4 + 4] = (v[rr[3] * 4 + 4] & 0x3f) | 0x40;   /* the SDES header */
  fail_unless (inspect_rtcp_bytes (make_bytes (v)).kind == PacketKind::Malformed);

  /* A length past the end, and bytes left over after the last packet. */
  v = app;
  v[3] += 1;
  fail_unless (inspect_rtcp_bytes (make_bytes (v)).kind == PacketKind::Malformed);
  v = app;
  v.push_back (0x80);
  v.push_back (0xcc);
  fail_unless (inspect_rtcp_bytes (make_bytes (v)).kind == PacketKind::Malformed);

  /* A packet type outside RTCP's 192..223 (here RTP's 96 with the marker:
   * 224), first or second in the compound. */
  v = app;
  v[1] = 224;
  fail_unless (inspect_rtcp_bytes (make_bytes (v)).kind == PacketKind::Malformed);
  v = rr;
  v[rr[3] * 4 + 5] = 190;
  fail_unless (inspect_rtcp_bytes (make_bytes (v)).kind == PacketKind::Malformed);

  /* Shorter than a header. */
  fail_unless (inspect_rtcp_bytes (make_bytes ({0x81, 0xcc, 0x00})).kind
      == PacketKind::Malformed);
}
GST_END_TEST;

static Suite *
packetfacts_suite (void)
{
  Suite *s = suite_create ("packetfacts");
  TCase *tc = tcase_create ("rtcp");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_reduced_size_packets_are_rtcp);
  tcase_add_test (tc, test_compound_starting_with_bye_is_rtcp);
  tcase_add_test (tc, test_malformed_rtcp_stays_malformed);
  return s;
}

GST_CHECK_MAIN (packetfacts);

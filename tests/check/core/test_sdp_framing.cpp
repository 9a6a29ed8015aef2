/* Unit tests of the SDP framing: messages out of a byte stream cut
 * anywhere, no pipeline (sdp-negotiator's sink pad, at unit level), and
 * what the parser then says of them (the framing errors).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "sdpdocument.h"
#include "sdpframing.h"

#include <string>
#include <vector>

using comedia::SdpFraming;

#define OFFER \
    "v=0\r\no=- 0 0 IN IP4 198.51.100.10\r\ns=x\r\nt=0 0\r\n" \
    "m=audio 9 RTP/AVP 0\r\na=direction:active\r\n"
#define OFFER2 "v=0\no=- 1 1 IN IP4 198.51.100.11\ns=y\nt=0 0\nm=video 9 RTP/AVP 96\n"

static void
push (SdpFraming & f, const std::string & bytes)
{
  f.push ((const uint8_t *) bytes.data (), bytes.size ());
}

/* Everything next() gives now. */
static std::vector<std::string>
take (SdpFraming & f, bool at_eos = false)
{
  std::vector<std::string> out;
  std::string m;
  while (f.next (m, at_eos))
    out.push_back (m);
  return out;
}

/* @text in pieces of @sizes (the last one repeated), taking the messages
 * after each piece, then EOS if @eos. */
static std::vector<std::string>
feed (const std::string & text, std::vector<size_t> sizes, bool eos,
    size_t max_size = 65536)
{
  SdpFraming f (max_size);
  std::vector<std::string> out;
  size_t pos = 0, i = 0;
  while (pos < text.size ()) {
    size_t n = std::min (sizes[std::min (i++, sizes.size () - 1)], text.size () - pos);
    push (f, text.substr (pos, n));
    pos += n;
    for (const std::string & m : take (f))
      out.push_back (m);
  }
  if (eos)
    for (const std::string & m : take (f, true))
      out.push_back (m);
  return out;
}

GST_START_TEST (test_one_message_ends_at_empty_line)
{
  SdpFraming f (65536);
  push (f, OFFER);
  fail_unless (take (f).empty (), "a message before its empty line");
  fail_unless_equals_int (f.buffered (), strlen (OFFER));
  push (f, "\r\n");
  std::vector<std::string> got = take (f);
  fail_unless_equals_int (got.size (), 1);
  /* The last line keeps its end; the empty line belongs to no message. */
  fail_unless_equals_string (got[0].c_str (), OFFER);
  fail_unless_equals_int (f.buffered (), 0);
  fail_unless (take (f, true).empty ());
}

GST_END_TEST;

GST_START_TEST (test_one_message_ends_at_eos)
{
  SdpFraming f (65536);
  push (f, OFFER);
  fail_unless (take (f).empty ());
  std::vector<std::string> got = take (f, true);
  fail_unless_equals_int (got.size (), 1);
  fail_unless_equals_string (got[0].c_str (), OFFER);
  fail_unless_equals_int (f.buffered (), 0);
}

GST_END_TEST;

GST_START_TEST (test_two_messages_in_one_chunk)
{
  /* Extra empty lines, before and between, of either kind. */
  std::string two = "\r\n\n" OFFER "\r\n\r\n\n" OFFER2 "\n";
  std::vector<std::string> got = feed (two, {two.size ()}, false);
  fail_unless_equals_int (got.size (), 2);
  fail_unless_equals_string (got[0].c_str (), OFFER);
  fail_unless_equals_string (got[1].c_str (), OFFER2);
}

GST_END_TEST;

GST_START_TEST (test_split_at_every_byte)
{
  std::string two = OFFER "\r\n" OFFER2 "\n" OFFER;
  std::vector<std::string> whole = feed (two, {two.size ()}, true);
  fail_unless_equals_int (whole.size (), 3);
  for (size_t cut = 1; cut < two.size (); cut++) {
    std::vector<std::string> got = feed (two, {cut, two.size ()}, true);
    fail_unless (got == whole, "cut at byte %u: %u messages", (guint) cut,
        (guint) got.size ());
  }
  fail_unless (feed (two, {1}, true) == whole, "byte by byte");
  fail_unless (feed (two, {5}, true) == whole, "5-byte pieces");
  fail_unless (feed (two, {7}, true) == whole, "7-byte pieces");
}

GST_END_TEST;

GST_START_TEST (test_separation_rule)
{
  /* An empty line is "\n\n" or "\n\r\n"; a lone "\r" is no line end. */
  fail_unless_equals_int (feed ("v=0\n\nv=1\n", {100}, false).size (), 1);
  fail_unless_equals_int (feed ("v=0\r\n\r\nv=1\n", {100}, false).size (), 1);
  fail_unless_equals_int (feed ("v=0\n\r\nv=1\n", {100}, false).size (), 1);
  fail_unless (feed ("v=0\r\rv=1\n", {100}, false).empty ());
  fail_unless (feed ("v=0\n\rv=1\n", {100}, false).empty ());
  /* "\n\r" at the end of what arrived: the "\n" may still come. */
  fail_unless (feed ("v=0\n\r", {100}, false).empty ());
  fail_unless_equals_int (feed ("v=0\n\r", {100}, true).size (), 1);
  /* Only line ends: no message, nothing held. */
  SdpFraming f (65536);
  push (f, "\r\n\r\n\n\r");
  fail_unless (take (f, true).empty ());
  fail_unless_equals_int (f.buffered (), 0);
}

GST_END_TEST;

GST_START_TEST (test_not_sdp_comes_out_at_once)
{
  /* Two bytes that are not "v=" are enough: the first line goes out
   * without waiting for an empty line or EOS, so it is refused at once. */
  std::vector<std::string> got = feed ("Hello, not SDP\nmore\n", {100}, false);
  /* The lines after it belong to the same bad message (resynchronising
   * drops them): one refusal, not one per line. */
  fail_unless_equals_int (got.size (), 1);
  fail_unless_equals_string (got[0].c_str (), "Hello, not SDP\n");
  /* In pieces, once its line end arrived, or 32 bytes of a longer line:
   * enough to name what it is (a request line cut by TCP was refused as
   * "GET / HT", and not named as HTTP). */
  got = feed ("Hello\n", {1}, false);
  fail_unless_equals_int (got.size (), 1);
  fail_unless_equals_string (got[0].c_str (), "Hello\n");
  got = feed (std::string (40, 'z') + "\n", {1}, false);
  fail_unless_equals_int (got.size (), 1);
  fail_unless_equals_int (got[0].size (), 32);
  got = feed ("GET / HTTP/1.0\r\n\r\n", {3}, false);
  fail_unless_equals_string (got[0].c_str (), "GET / HTTP/1.0\r\n");
  /* One byte could still be "v": it waits, except at EOS. */
  fail_unless (feed ("x", {1}, false).empty ());
  got = feed ("x", {1}, true);
  fail_unless_equals_int (got.size (), 1);
  fail_unless_equals_string (got[0].c_str (), "x");
}

GST_END_TEST;

/* After each kind of bad input the framing finds the next message start:
 * one refusal for the bad message, then the next offer on the same stream
 * whole, however the bytes are cut. */
GST_START_TEST (test_resynchronises_after_bad_input)
{
  const size_t limit = 256;
  std::string tls_hello ("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11);
  for (int i = 0; i < 300; i++)
    tls_hello += char ((i * 37 + 11) % 256 == '\n' ? 'x' : (i * 37 + 11) % 256);
  tls_hello += "\n";
  std::string oversize = "v=0\r\n";
  while (oversize.size () < 3 * limit)
    oversize += "a=x-filler:" + std::string (40, 'f') + "\r\n";
  struct Case {
    const char *name;
    std::string junk;
  } cases[] = {
    /* (junk that runs into the next offer without a line end takes its
     * v= line with it: a message starts at a line start) */
    {"garbage", "\xff\xfe garbage \x01\x02 with one line end" + std::string (600, 'z') + "\n"},
    {"http", "GET / HTTP/1.0\r\nHost: 203.0.113.5:7000\r\nUser-Agent: curl\r\n\r\n"},
    {"tls", tls_hello},
    {"sip", "INVITE sip:bob@203.0.113.5 SIP/2.0\r\nVia: SIP/2.0/TCP x\r\n\r\n"},
    {"oversize", oversize + "\r\n"},
    {"glued", OFFER OFFER2 "\r\n"},
    {"lines", "hello\nnot\nsdp\n"},
  };
  for (const Case & c : cases) {
    std::string text = c.junk + OFFER "\r\n";
    for (size_t piece : {(size_t) 1, (size_t) 7, (size_t) 64, text.size ()}) {
      std::vector<std::string> got = feed (text, {piece}, false, limit);
      fail_unless (got.size () == 2, "%s in pieces of %u: %u messages", c.name,
          (guint) piece, (guint) got.size ());
      fail_unless (got[0] != OFFER, "%s in pieces of %u", c.name, (guint) piece);
      fail_unless (got[1] == OFFER, "%s in pieces of %u: %s", c.name, (guint) piece,
          got[1].c_str ());
    }
  }
  /* What a refused message leaves is never held: a megabyte of junk in
   * 1 kB pieces keeps at most the limit buffered, and is counted. */
  SdpFraming f (limit);
  push (f, "GET / HTTP/1.0\r\n");
  fail_unless_equals_int (take (f).size (), 1);
  for (int i = 0; i < 1024; i++) {
    push (f, std::string (1024, 'j'));
    fail_unless (take (f).empty ());
    fail_unless (f.buffered () <= limit, "%u bytes held", (guint) f.buffered ());
  }
  fail_unless (f.discarded () >= 1024 * 1024);
  push (f, "\r\n\r\n" OFFER "\r\n");
  std::vector<std::string> got = take (f);
  fail_unless_equals_int (got.size (), 1);
  fail_unless (got[0] == OFFER);
  /* At EOS a resynchronisation that found nothing leaves nothing. */
  push (f, "junk\njunk");
  take (f, true);
  fail_unless_equals_int (f.buffered (), 0);
}

GST_END_TEST;

/* The refusal of a message in another protocol says which, so the person
 * reading the warning knows someone pointed the wrong client at the port. */
GST_START_TEST (test_foreign_protocols_are_named)
{
  std::string tls ("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11);
  struct {
    std::string text;
    const char *named;
  } cases[] = {
    {"GET / HTTP/1.0\r\n", "(an HTTP request: the byte stream carries bare SDP, not HTTP)"},
    {"PRI * HTTP/2.0\r\n", "(an HTTP request"},
    {"HTTP/1.1 200 OK\r\n", "(an HTTP response"},
    {tls, "(a TLS handshake (ClientHello)"},
    {"INVITE sip:bob@203.0.113.5 SIP/2.0\r\n", "(a SIP message: give the negotiator its SDP body only)"},
    {"SIP/2.0 200 OK\r\n", "(a SIP message"},
    {"SSH-2.0-OpenSSH_9.2\r\n", "(an SSH client)"},
    {"{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}\n", "(JSON: give the negotiator the SDP text"},
    {"\xff\xfe\x01garbage\n", "(binary data)"},
  };
  for (const auto & c : cases) {
    /* As the framing hands it over: the first line. */
    SdpFraming f (65536);
    push (f, c.text + "more of it\n\n");
    std::vector<std::string> got = take (f);
    fail_unless_equals_int (got.size (), 1);
    comedia::SdpDocument doc;
    comedia::SdpError err;
    fail_if (comedia::SdpDocument::parse (got[0].data (), got[0].size (), doc, err));
    fail_unless (err.message.find (c.named) != std::string::npos, "%s", err.message.c_str ());
    fail_unless_equals_int (err.line, 1);
  }
  /* Text that is simply not SDP is not given a protocol. */
  comedia::SdpDocument doc;
  comedia::SdpError err;
  fail_if (comedia::SdpDocument::parse ("hello world\n", 12, doc, err));
  fail_unless_equals_string (err.message.c_str (),
      "line 1: an SDP message starts with v=0, found 'hello world'");
}

GST_END_TEST;

GST_START_TEST (test_limit)
{
  /* Up to the limit a message waits for its end; past it, out it goes. */
  std::string at_limit = "v=0\n" + std::string (60, 'a');
  fail_unless (feed (at_limit, {100}, false, 64).empty ());
  std::vector<std::string> got = feed (at_limit + "b", {100}, false, 64);
  fail_unless_equals_int (got.size (), 1);
  fail_unless_equals_int (got[0].size (), 65);
  /* In pieces it goes out as soon as it is over, with what arrived. */
  got = feed (at_limit + "bcdefgh", {10}, false, 64);
  fail_unless_equals_int (got.size (), 1);
  fail_unless_equals_int (got[0].size (), 70);
  /* A complete message longer than the limit comes out whole: the parser
   * refuses it. */
  got = feed (at_limit + "bb\n\n", {200}, false, 64);
  fail_unless_equals_int (got.size (), 1);
  fail_unless_equals_int (got[0].size (), 67);
  /* Not SDP and no line end: the limit's worth. */
  got = feed (std::string (200, 'z'), {200}, false, 64);
  fail_unless_equals_int (got[0].size (), 64);
  /* What is held waiting is never more than the limit. */
  SdpFraming f (64);
  for (int i = 0; i < 100; i++) {
    push (f, "\r\nv=0\n");
    take (f);
    fail_unless (f.buffered () <= 64, "%u bytes held", (guint) f.buffered ());
  }
}

GST_END_TEST;

GST_START_TEST (test_clear_forgets_partial_message)
{
  SdpFraming f (65536);
  push (f, "v=0\no=- 0 0 IN IP4 1.2.3.4\n");
  f.clear ();
  fail_unless_equals_int (f.buffered (), 0);
  push (f, OFFER2 "\n");
  std::vector<std::string> got = take (f);
  fail_unless_equals_int (got.size (), 1);
  fail_unless_equals_string (got[0].c_str (), OFFER2);
}

GST_END_TEST;

GST_START_TEST (test_second_v_line_is_an_error)
{
  /* Two messages without the empty line between them: the first comes out
   * at once, cut just after the second "v=", and the parser refuses it
   * naming that line, instead of one offer with the m-lines of both. */
  std::string two = OFFER OFFER2;
  std::string cut_first = std::string (OFFER) + "v=";
  std::vector<std::string> got = feed (two, {two.size ()}, false);
  fail_unless (got.size () >= 1);
  fail_unless_equals_string (got[0].c_str (), cut_first.c_str ());
  for (size_t cut = 1; cut < two.size (); cut++) {
    std::vector<std::string> pieces = feed (two, {cut, two.size ()}, false);
    fail_unless (!pieces.empty () && pieces[0] == cut_first, "cut at byte %u", (guint) cut);
  }
  /* "\nv" at the end of what arrived: the "=" may still come, so it waits. */
  fail_unless (feed ("v=0\no=x\nv", {100}, false).empty ());

  comedia::SdpDocument doc;
  comedia::SdpError err;
  fail_if (comedia::SdpDocument::parse (got[0].data (), got[0].size (), doc, err));
  fail_unless (err.message.find ("line 7: a second v= line inside one message: SDP "
          "messages are separated by an empty line") == 0, "%s", err.message.c_str ());
  fail_unless_equals_int (err.line, 7);
  /* The same whole text given to the parser at once (a file, an action
   * signal's caller): the same error, at EOS too. */
  fail_if (comedia::SdpDocument::parse (two.data (), two.size (), doc, err,
          comedia::DEFAULT_MAX_SDP_SIZE, true));
  fail_unless_equals_int (err.line, 7);
  fail_unless (err.message.find ("separated by an empty line") != std::string::npos);
  /* With the empty line, two messages that both parse. */
  got = feed (OFFER "\r\n" OFFER, {7}, true);
  fail_unless_equals_int (got.size (), 2);
  for (const std::string & m : got)
    fail_unless (comedia::SdpDocument::parse (m.data (), m.size (), doc, err,
            comedia::DEFAULT_MAX_SDP_SIZE, true), "%s", err.message.c_str ());
}

GST_END_TEST;

GST_START_TEST (test_last_line_without_end_at_eos)
{
  /* Several real stacks end the last line at EOS without its line end. */
  std::string offer = OFFER;
  offer.resize (offer.size () - 2);
  std::vector<std::string> got = feed (offer, {5}, true);
  fail_unless_equals_int (got.size (), 1);
  fail_unless_equals_string (got[0].c_str (), offer.c_str ());
  comedia::SdpDocument doc;
  comedia::SdpError err;
  fail_unless (comedia::SdpDocument::parse (got[0].data (), got[0].size (), doc, err,
          comedia::DEFAULT_MAX_SDP_SIZE, true), "%s", err.message.c_str ());
  const GstSDPMessage *msg = doc.message ();
  fail_unless_equals_int (gst_sdp_message_medias_len (msg), 1);
  const GstSDPMedia *m = gst_sdp_message_get_media (msg, 0);
  fail_unless_equals_string (gst_sdp_media_get_attribute_val (m, "direction"), "active");
  /* Not at EOS, the same text is a truncated message. */
  fail_if (comedia::SdpDocument::parse (got[0].data (), got[0].size (), doc, err));
  fail_unless (err.message.find ("has no end of line: the message is truncated")
      != std::string::npos, "%s", err.message.c_str ());
  fail_unless_equals_int (err.line, 6);
  /* A line cut at EOS still has to be a whole SDP line. */
  std::string cut = std::string (OFFER).substr (0, std::string (OFFER).find ("RTP/AVP"));
  fail_if (comedia::SdpDocument::parse (cut.data (), cut.size (), doc, err,
          comedia::DEFAULT_MAX_SDP_SIZE, true));
  fail_unless (err.message.find ("needs a media, a port, a protocol") != std::string::npos,
      "%s", err.message.c_str ());
}

GST_END_TEST;

static Suite *
sdp_framing_suite (void)
{
  Suite *s = suite_create ("sdp-framing");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_one_message_ends_at_empty_line);
  tcase_add_test (tc, test_one_message_ends_at_eos);
  tcase_add_test (tc, test_two_messages_in_one_chunk);
  tcase_add_test (tc, test_split_at_every_byte);
  tcase_add_test (tc, test_separation_rule);
  tcase_add_test (tc, test_not_sdp_comes_out_at_once);
  tcase_add_test (tc, test_resynchronises_after_bad_input);
  tcase_add_test (tc, test_foreign_protocols_are_named);
  tcase_add_test (tc, test_limit);
  tcase_add_test (tc, test_clear_forgets_partial_message);
  tcase_add_test (tc, test_second_v_line_is_an_error);
  tcase_add_test (tc, test_last_line_without_end_at_eos);
  return s;
}

GST_CHECK_MAIN (sdp_framing);

/* sdp-negotiator in the user guide's answering line (tcpserversrc !
 * sdp-negotiator ! tcpserversink) under what anyone who reaches its port
 * can send (issue 25, item 1): 1 000 mixed messages over ONE TCP
 * connection, random bytes, offers over max-size, cut mid-line, an m= port
 * of 70000, two offers glued, an HTTP request, a TLS ClientHello, and valid
 * offers between them.  Every valid offer is answered, every bad one is a
 * warning, nothing is a pipeline error, and memory stays bounded; with
 * strict=true a bad message still ends the pipeline.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COMEDIA_HAS_ASAN 1
#endif
#endif
#ifndef COMEDIA_HAS_ASAN
#define COMEDIA_HAS_ASAN 0
#endif
#if defined(__SANITIZE_ADDRESS__) || COMEDIA_HAS_ASAN
/* libasan's (GCC's and clang's); GCC ships no header that declares it. */
extern "C" size_t __sanitizer_get_current_allocated_bytes (void);
#else
#include <malloc.h>
#endif

#include <gst/check/gstcheck.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

static std::string
valid_offer (guint version)
{
  return "v=0\r\no=- 7 " + std::to_string (version) + " IN IP4 198.51.100.10\r\n"
      "s=peer\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=video 9 RTP/AVP 96\r\n"
      "a=rtpmap:96 VP8/90000\r\na=direction:active\r\n\r\n";
}

/* xorshift: the same 1 000 messages on every run. */
struct Rng {
  guint32 x = 2463534242u;
  guint32 next () { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return x; }
};

enum Kind { VALID, RANDOM, OVERSIZE, CUT, BAD_PORT, GLUED, HTTP, TLS, N_KINDS };

/* A bad message as its sender writes it, ended by an empty line as the
 * next message's sender would leave it. */
static std::string
bad_message (Kind kind, Rng & rng)
{
  std::string offer = valid_offer (1);
  std::string s;
  switch (kind) {
    case RANDOM:
      for (guint n = 16 + rng.next () % 4096; n > 0; n--)
        s += (char) (rng.next () & 0xff);
      break;
    case OVERSIZE:
      s = offer.substr (0, offer.size () - 2);
      while (s.size () < 70000)
        s += "a=x-padding:0123456789012345678901234567890123456789012345678901234567\r\n";
      break;
    case CUT:
      s = offer.substr (0, offer.find ("m=video") + 5);
      break;
    case BAD_PORT:
      s = offer;
      s.replace (s.find ("m=video 9 "), 10, "m=video 70000 ");
      s.resize (s.size () - 2);
      break;
    case GLUED:
      s = offer.substr (0, offer.size () - 2) + offer;
      s.resize (s.size () - 2);
      break;
    case HTTP:
      s = "GET / HTTP/1.0";
      break;
    case TLS:{
      /* A ClientHello record: handshake, TLS 1.0 record, TLS 1.2 hello. */
      const guint8 head[] = {0x16, 0x03, 0x01, 0x00, 0x45, 0x01, 0x00, 0x00, 0x41, 0x03, 0x03};
      s.assign ((const char *) head, sizeof head);
      for (int i = 0; i < 64; i++)
        s += (char) (0x20 + rng.next () % 0x50);
      break;
    }
    default:
      break;
  }
  return s + "\r\n\r\n";
}

/* The heap in use, in KiB: what the process really holds (RSS would count
 * AddressSanitizer's quarantine of freed blocks as growth). */
static long
heap_kib ()
{
#if defined(__SANITIZE_ADDRESS__) || COMEDIA_HAS_ASAN
  return (long) (__sanitizer_get_current_allocated_bytes () / 1024);
#else
  return (long) (mallinfo2 ().uordblks / 1024);
#endif
}

static GSocket *
connect_to (guint port)
{
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, nullptr);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (lo, port);
  fail_unless (g_socket_connect (s, addr, nullptr, nullptr));
  g_object_unref (addr);
  g_object_unref (lo);
  return s;
}

static void
send_all (GSocket * s, const std::string & data)
{
  gsize done = 0;
  while (done < data.size ()) {
    gssize n = g_socket_send (s, data.data () + done, data.size () - done, nullptr, nullptr);
    fail_unless (n > 0, "send failed");
    done += n;
  }
}

/* The guide's answering line on loopback ports the kernel picks. */
struct Answerer {
  GstElement *pipeline;
  GstBus *bus;
  GSocket *answers;             /* connected to tcpserversink */
  GSocket *offers;              /* connected to tcpserversrc */
  std::atomic<guint> answered {0};
  std::atomic<bool> stop {false};
  std::thread reader;

  explicit Answerer (const char *props) {
    std::string desc = std::string ("tcpserversrc name=in host=127.0.0.1 port=0 ! "
        "sdp-negotiator name=neg session=abuse public-address=203.0.113.5 ") + props +
        " ! tcpserversink name=out host=127.0.0.1 port=0 sync=false async=false "
        "comedia-rtpsrc session=abuse stream=1 component=1 address=127.0.0.1 ! "
        "fakesink async=false "
        "comedia-rtpsrc session=abuse stream=1 component=2 address=127.0.0.1 ! "
        "fakesink async=false";
    GError *err = nullptr;
    pipeline = gst_parse_launch (desc.c_str (), &err);
    fail_unless (pipeline != nullptr, "%s", err ? err->message : "?");
    bus = gst_element_get_bus (pipeline);
    fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE);
    gst_element_get_state (pipeline, nullptr, nullptr, 5 * GST_SECOND);
    answers = connect_to (port_of ("out"));
    /* The sink adds its clients from its own thread. */
    g_usleep (200 * 1000);
    offers = connect_to (port_of ("in"));
    reader = std::thread ([this] { read_answers (); });
  }

  ~Answerer () {
    stop = true;
    g_socket_shutdown (answers, TRUE, TRUE, nullptr);
    reader.join ();
    g_object_unref (offers);
    g_object_unref (answers);
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (bus);
    gst_object_unref (pipeline);
  }

  guint port_of (const char *name) {
    GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), name);
    gint port = 0;
    g_object_get (e, "current-port", &port, nullptr);
    gst_object_unref (e);
    fail_unless (port > 0);
    return port;
  }

  /* Counts the answers: each starts with v=0. */
  void read_answers () {
    std::string text;
    char buf[8192];
    g_socket_set_timeout (answers, 1);
    while (!stop) {
      gssize n = g_socket_receive (answers, buf, sizeof buf, nullptr, nullptr);
      if (n == 0)
        break;
      if (n < 0)
        continue;
      text.append (buf, n);
      size_t pos;
      while ((pos = text.find ("\r\n\r\n")) != std::string::npos) {
        if (text.compare (0, 5, "v=0\r\n") == 0)
          answered++;
        text.erase (0, pos + 4);
      }
    }
  }

  bool wait_answered (guint n, guint timeout_ms) {
    for (guint waited = 0; answered < n && waited < timeout_ms; waited += 20)
      g_usleep (20 * 1000);
    return answered >= n;
  }
};

struct BusCount {
  guint warnings = 0, errors = 0, refused = 0, http = 0;
  std::string first_error;
};

static void
drain_bus (GstBus * bus, BusCount & c)
{
  while (GstMessage *m = gst_bus_pop (bus)) {
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING) {
      GError *err = nullptr;
      gst_message_parse_warning (m, &err, nullptr);
      c.warnings++;
      if (strstr (err->message, "an HTTP request"))
        c.http++;
      g_clear_error (&err);
    } else if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
      GError *err = nullptr;
      gst_message_parse_error (m, &err, nullptr);
      if (c.errors++ == 0)
        c.first_error = err->message;
      g_clear_error (&err);
    } else if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT
        && gst_message_has_name (m, "sdp-negotiator-message-refused")) {
      c.refused++;
    }
    gst_message_unref (m);
  }
}

GST_START_TEST (test_thousand_mixed_messages)
{
  Answerer a ("");
  Rng rng;
  BusCount bus;
  guint valid = 0, bad = 0, http = 0;
  long heap_warm = 0;
  for (guint i = 0; i < 1000; i++) {
    Kind kind = i % 6 == 0 ? VALID : (Kind) (1 + rng.next () % (N_KINDS - 1));
    if (kind == VALID) {
      /* Every other one is the last offer again (a retransmission). */
      send_all (a.offers, valid_offer (1 + valid / 2));
      valid++;
    } else {
      send_all (a.offers, bad_message (kind, rng));
      bad++;
      http += kind == HTTP;
    }
    drain_bus (a.bus, bus);
    if (i == 100)
      heap_warm = heap_kib ();
  }
  fail_unless (a.wait_answered (valid, 30000), "%u of %u valid offers answered",
      a.answered.load (), valid);
  g_usleep (300 * 1000);
  drain_bus (a.bus, bus);
  long heap_end = heap_kib ();

  GstElement *neg = gst_bin_get_by_name (GST_BIN (a.pipeline), "neg");
  guint64 refused = 0;
  g_object_get (neg, "messages-refused", &refused, nullptr);
  gst_object_unref (neg);

  GST_INFO ("%u valid offers, %u answered; %u bad messages, %u warnings, %u refused, "
      "heap %ld -> %ld KiB", valid, a.answered.load (), bad, bus.warnings, bus.refused,
      heap_warm, heap_end);
  fail_unless_equals_int (bus.errors, 0);
  fail_unless_equals_int (a.answered.load (), valid);
  /* Every bad message is at least one warning (random bytes may hold an
   * empty line, and so be two pieces). */
  fail_unless (bus.warnings >= bad, "%u warnings for %u bad messages", bus.warnings, bad);
  fail_unless_equals_int (bus.refused, bus.warnings);
  fail_unless_equals_int ((guint) refused, bus.warnings);
  fail_unless_equals_int (bus.http, http);
  /* 1 000 messages, 140 of them over 64 KiB: nothing of them stays. */
  fail_unless (heap_end - heap_warm < 16 * 1024, "the heap grew from %ld to %ld KiB", heap_warm,
      heap_end);
  GstState state;
  gst_element_get_state (a.pipeline, &state, nullptr, 0);
  fail_unless_equals_int (state, GST_STATE_PLAYING);
}

GST_END_TEST;

GST_START_TEST (test_strict_keeps_the_error)
{
  Answerer a ("strict=true");
  BusCount bus;
  send_all (a.offers, "GET / HTTP/1.0\r\n\r\n" + valid_offer (1));
  for (guint waited = 0; bus.errors == 0 && waited < 5000; waited += 20) {
    g_usleep (20 * 1000);
    drain_bus (a.bus, bus);
  }
  /* The negotiator's error first; tcpserversrc's "streaming stopped"
   * follows it. */
  fail_unless (bus.errors >= 1);
  fail_unless (bus.first_error.find ("Invalid SDP offer: line 1: ") == 0 &&
      bus.first_error.find ("an HTTP request") != std::string::npos, "%s",
      bus.first_error.c_str ());
  fail_if (a.wait_answered (1, 500), "answered after the error");
}

GST_END_TEST;

static Suite *
negotiator_abuse_suite (void)
{
  Suite *s = suite_create ("negotiator-abuse");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 90);
  tcase_add_test (tc, test_thousand_mixed_messages);
  tcase_add_test (tc, test_strict_keeps_the_error);
  return s;
}

GST_CHECK_MAIN (negotiator_abuse);

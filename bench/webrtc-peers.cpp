/* comedia-bench webrtc-send / webrtc-recv: the two ends of a browser's
 * stream, each a process of its own (comedia-bench webrtc, element-webrtc.cpp,
 * runs them and relays their SDP).
 *
 *   webrtc-send [--bundle max-bundle|none] [--video CAPS] [--bitrate BPS]
 *       [--seconds S]
 *       Stock webrtcbin offering what a browser offers: ICE and DTLS-SRTP
 *       (UDP/TLS/RTP/SAVPF, a=setup:actpass), Opus in 20 ms frames (payload
 *       111) and VP8 (payload 96, 90 kHz), rtcp-mux; --bundle max-bundle
 *       (the default, as browsers bundle): one a=group:BUNDLE, one transport
 *       and DTLS association for both m-lines; none: one transport per
 *       m-line.  Prints
 *       "OFFER <base64 SDP>" once gathering is complete, reads
 *       "ANSWER <base64 SDP>" on stdin, then sends until stdin closes (or S
 *       seconds pass).
 *   webrtc-recv --impl comedia|webrtcbin [--bundle max-bundle|none]
 *       [--warmup W] [--settle S] [--count N] [--timeout S] [--sdp-log FILE]
 *       Reads "OFFER <base64>" on stdin, answers it, prints
 *       "ANSWER <base64>", and receives: every RTP packet rtpbin hands out
 *       goes to its depayloader (rtpopusdepay or rtpvp8depay, no decoder)
 *       and a fakesink.  Once W packets have come and both media have
 *       flowed for S seconds (setup behind, and the burst of what the
 *       sender queued before DTLS was up), the CPU time of this whole
 *       process over the next N packets, per packet: one RESULT line, and
 *       a THREADS line: each thread's share of it (by thread name).  --sdp-log: the offer and
 *       the answer are written to FILE.
 *         comedia:   sdp-negotiator (ice-addresses=127.0.0.1, bundle-policy
 *                    as --bundle) answers the offer; bundled: one nicesrc !
 *                    comedia-dtlssrtpdec for both m-lines (the video out of
 *                    its src_2) ! rtpbin, RTCP back through one
 *                    comedia-dtlssrtpenc ! nicesink (docs/ice.md, BUNDLE);
 *                    none: that per m-line.
 *         webrtcbin: stock webrtcbin (bundle-policy as --bundle) answers it.
 *
 * Every ICE agent here gathers on 127.0.0.1 only: the traffic stays on
 * loopback.
 *
 * webrtcbin is driven through its signals.  Debian 12's headers for
 * libgstwebrtc come in libgstreamer-plugins-bad1.0-dev, which depends on
 * libopencv-dev (hundreds of MB more for every CI run), so
 * GstWebRTCSessionDescription is declared below as
 * gst/webrtc/rtcsessiondescription.h has it (a public struct, unchanged
 * since 1.14) and handled as the boxed type webrtcbin registers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element-bench.h"

#include <gst/sdp/sdp.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>

namespace elementbench {

namespace {

constexpr const char *OPUS_CAPS =
    "application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,payload=111";
constexpr const char *VP8_CAPS =
    "application/x-rtp,media=video,encoding-name=VP8,clock-rate=90000,payload=96";

/* GstWebRTCSessionDescription and GstWebRTCSDPType's values, as the
 * library's public header declares them. */
struct SessionDescription {
  int type;
  GstSDPMessage *sdp;
};
constexpr int SDP_TYPE_OFFER = 1, SDP_TYPE_ANSWER = 3;
constexpr int ICE_GATHERING_COMPLETE = 2;

GType
session_description_type ()
{
  /* Registered when the first webrtcbin is made. */
  return g_type_from_name ("GstWebRTCSessionDescription");
}

GstElement *
launch (const std::string & line)
{
  GError *err = nullptr;
  GstElement *p = gst_parse_launch (line.c_str (), &err);
  if (!p || err) {
    fprintf (stderr, "webrtc: %s: %s\n", line.c_str (), err ? err->message : "no pipeline");
    exit (3);
  }
  return p;
}

GstElement *
child (GstElement * pipeline, const char *name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), name);
  if (!e) {
    fprintf (stderr, "webrtc: no element %s\n", name);
    exit (3);
  }
  gst_object_unref (e);         /* the pipeline keeps it */
  return e;
}

/* Where webrtc-recv --sdp-log writes the offer and the answer ("" none). */
std::string sdp_log;

void
log_sdp (const char *tag, const gchar * text)
{
  if (sdp_log.empty ())
    return;
  FILE *f = fopen (sdp_log.c_str (), "a");
  if (f) {
    fprintf (f, "--- %s\n%s", tag, text);
    fclose (f);
  }
}

/* SDP text <-> the one line it travels on between the processes. */
void
print_sdp_line (const char *tag, const GstSDPMessage * sdp)
{
  gchar *text = gst_sdp_message_as_text (sdp);
  log_sdp (tag, text);
  gchar *b64 = g_base64_encode ((const guchar *) text, strlen (text));
  printf ("%s %s\n", tag, b64);
  fflush (stdout);
  g_free (b64);
  g_free (text);
}

/* The SDP of the stdin line "TAG <base64>"; exits if there is none. */
GstSDPMessage *
read_sdp_line (const char *tag)
{
  std::string line = read_line (0);
  std::string prefix = std::string (tag) + " ";
  if (line.rfind (prefix, 0) != 0) {
    fprintf (stderr, "webrtc: expected %s on stdin, got '%.40s'\n", tag, line.c_str ());
    exit (2);
  }
  gsize len = 0;
  guchar *text = g_base64_decode (line.c_str () + prefix.size (), &len);
  std::string sdp_text ((const char *) text, len);
  g_free (text);
  log_sdp (tag, sdp_text.c_str ());
  GstSDPMessage *sdp = nullptr;
  gst_sdp_message_new (&sdp);
  if (gst_sdp_message_parse_buffer ((const guint8 *) sdp_text.data (), sdp_text.size (), sdp)
      != GST_SDP_OK) {
    fprintf (stderr, "webrtc: %s does not parse\n", tag);
    exit (2);
  }
  return sdp;
}

/* --- webrtcbin, by its signals ------------------------------------------ */

/* Waits for the reply of a webrtcbin action signal's promise; exits on an error. */
const GstStructure *
await_promise (GstPromise * p, const char *what)
{
  if (gst_promise_wait (p) != GST_PROMISE_RESULT_REPLIED) {
    fprintf (stderr, "webrtcbin: %s: no reply\n", what);
    exit (1);
  }
  const GstStructure *reply = gst_promise_get_reply (p);
  if (reply && gst_structure_has_field (reply, "error")) {
    gchar *s = gst_structure_to_string (reply);
    fprintf (stderr, "webrtcbin: %s: %s\n", what, s);
    g_free (s);
    exit (1);
  }
  return reply;
}

void
webrtcbin_add_loopback (GstElement * webrtcbin)
{
  GObject *ice = nullptr;
  g_object_get (webrtcbin, "ice-agent", &ice, nullptr);
  gboolean ok = FALSE;
  g_signal_emit_by_name (ice, "add-local-ip-address", "127.0.0.1", &ok);
  g_object_unref (ice);
  if (!ok) {
    fprintf (stderr, "webrtcbin: cannot gather on 127.0.0.1\n");
    exit (1);
  }
}

void
webrtcbin_set_description (GstElement * webrtcbin, const char *signal, int type,
    GstSDPMessage * sdp)
{
  SessionDescription d = { type, sdp };
  GstPromise *p = gst_promise_new ();
  g_signal_emit_by_name (webrtcbin, signal, &d, p);
  await_promise (p, signal);
  gst_promise_unref (p);
}

/* create-offer or create-answer, then set-local-description with it. */
void
webrtcbin_create_local (GstElement * webrtcbin, bool offer)
{
  GstPromise *p = gst_promise_new ();
  g_signal_emit_by_name (webrtcbin, offer ? "create-offer" : "create-answer", nullptr, p);
  const GstStructure *reply = await_promise (p, offer ? "create-offer" : "create-answer");
  SessionDescription *d = nullptr;
  if (!reply || !gst_structure_get (reply, offer ? "offer" : "answer",
          session_description_type (), &d, nullptr)) {
    fprintf (stderr, "webrtcbin: no %s\n", offer ? "offer" : "answer");
    exit (1);
  }
  gst_promise_unref (p);
  webrtcbin_set_description (webrtcbin, "set-local-description", d->type, d->sdp);
  g_boxed_free (session_description_type (), d);
}

/* Prints the local description once ICE gathering is complete (non-trickle:
 * every candidate in it, as the lab's webrtc_peer.py sends it). */
void
webrtcbin_print_local (GstElement * webrtcbin, const char *tag)
{
  int state = 0;
  for (int i = 0; i < 400; i++) {
    g_object_get (webrtcbin, "ice-gathering-state", &state, nullptr);
    if (state == ICE_GATHERING_COMPLETE)
      break;
    g_usleep (25000);
  }
  SessionDescription *d = nullptr;
  g_object_get (webrtcbin, "local-description", &d, nullptr);
  if (!d || state != ICE_GATHERING_COMPLETE) {
    fprintf (stderr, "webrtcbin: ICE gathering did not complete\n");
    exit (1);
  }
  print_sdp_line (tag, d->sdp);
  g_boxed_free (session_description_type (), d);
}

/* --- the receivers' common part ----------------------------------------- */

/* CPU ns of each thread of this process, by thread name (threads of one
 * name added up), from /proc/self/task/TID/schedstat. */
std::map<std::string, double>
thread_cpu_ns ()
{
  std::map<std::string, double> ns;
  GDir *dir = g_dir_open ("/proc/self/task", 0, nullptr);
  if (!dir)
    return ns;
  while (const gchar *tid = g_dir_read_name (dir)) {
    std::string base = std::string ("/proc/self/task/") + tid + "/";
    gchar *comm = nullptr, *stat = nullptr;
    if (g_file_get_contents ((base + "comm").c_str (), &comm, nullptr, nullptr) &&
        g_file_get_contents ((base + "schedstat").c_str (), &stat, nullptr, nullptr))
      ns[g_strstrip (comm)] += g_ascii_strtod (stat, nullptr);
    g_free (comm);
    g_free (stat);
  }
  g_dir_close (dir);
  return ns;
}

/* Counts the RTP packets going into the depayloaders and takes the
 * process's CPU time twice: once W packets have come and both media have
 * flowed for a while, and N packets later. */
struct PacketMeter {
  long warmup = 0, count = 0;
  gint64 settle_us = 0, both_since = 0;
  long audio = 0, video = 0, start_total = 0, measured = 0;
  double cpu0 = 0, cpu1 = 0;
  gint64 wall0 = 0, wall1 = 0;
  std::map<std::string, double> threads0, threads1;
  GMutex lock;
  GCond done_cond;
  bool started = false, done = false;

  PacketMeter () { g_mutex_init (&lock); g_cond_init (&done_cond); }
  ~PacketMeter () { g_mutex_clear (&lock); g_cond_clear (&done_cond); }

  /* From the streaming threads of both media. */
  void packets (bool is_audio, long n) {
    g_mutex_lock (&lock);
    (is_audio ? audio : video) += n;
    long total = audio + video;
    gint64 now = now_us ();
    if (!both_since && audio > 0 && video > 0)
      both_since = now;
    if (!started && total >= warmup && both_since && now - both_since >= settle_us) {
      started = true;
      start_total = total;
      cpu0 = cpu_seconds ();
      wall0 = now_us ();
      threads0 = thread_cpu_ns ();
    } else if (started && !done && total - start_total >= count) {
      cpu1 = cpu_seconds ();
      wall1 = now_us ();
      threads1 = thread_cpu_ns ();
      measured = total - start_total;
      done = true;
      g_cond_signal (&done_cond);
    }
    g_mutex_unlock (&lock);
  }

  bool wait (double seconds) {
    gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
    g_mutex_lock (&lock);
    while (!done && g_cond_wait_until (&done_cond, &lock, end));
    bool ok = done;
    g_mutex_unlock (&lock);
    return ok;
  }
};

struct Link {
  PacketMeter *meter;
  bool audio;
};

GstPadProbeReturn
count_packets (GstPad *, GstPadProbeInfo * info, gpointer user_data)
{
  Link *l = (Link *) user_data;
  long n = (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) ?
      gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info)) : 1;
  l->meter->packets (l->audio, n);
  return GST_PAD_PROBE_OK;
}

/* rtpbin's or webrtcbin's "pad-added": an Opus or VP8 pad goes to its
 * depayloader and a fakesink, counted on the way in. */
void
on_media_pad (GstElement * element, GstPad * pad, gpointer user_data)
{
  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC || gst_pad_is_linked (pad))
    return;
  GstCaps *caps = gst_pad_get_current_caps (pad);
  if (!caps)
    caps = gst_pad_query_caps (pad, nullptr);
  const gchar *enc = gst_structure_get_string (gst_caps_get_structure (caps, 0),
      "encoding-name");
  bool audio = enc && !g_ascii_strcasecmp (enc, "OPUS");
  bool video = enc && !g_ascii_strcasecmp (enc, "VP8");
  gst_caps_unref (caps);
  if (!audio && !video)
    return;
  GstElement *pipeline = GST_ELEMENT (gst_element_get_parent (element));
  GstElement *depay = make (audio ? "rtpopusdepay" : "rtpvp8depay");
  GstElement *sink = make ("fakesink");
  g_object_set (sink, "sync", FALSE, "async", FALSE, nullptr);
  gst_bin_add_many (GST_BIN (pipeline), depay, sink, nullptr);
  gst_element_link (depay, sink);
  GstPad *depay_sink = gst_element_get_static_pad (depay, "sink");
  gst_pad_add_probe (depay_sink, (GstPadProbeType) (GST_PAD_PROBE_TYPE_BUFFER |
          GST_PAD_PROBE_TYPE_BUFFER_LIST), count_packets,
      new Link { (PacketMeter *) user_data, audio }, [] (gpointer l) { delete (Link *) l; });
  gst_element_sync_state_with_parent (sink);
  gst_element_sync_state_with_parent (depay);
  if (gst_pad_link (pad, depay_sink) != GST_PAD_LINK_OK)
    fprintf (stderr, "webrtc: cannot link %s\n", GST_PAD_NAME (pad));
  gst_object_unref (depay_sink);
  gst_object_unref (pipeline);
}

/* The comedia receiver: sdp-negotiator and, per transport, nicesrc !
 * comedia-dtlssrtpdec ! rtpbin; the RTCP rtpbin sends (receiver reports)
 * goes back multiplexed on component 1, as webrtcbin's does.  Bundled (the
 * offer's audio m-line carries the transport): the video leaves the decoder
 * on src_2 / rtcp_src_2 and its RTCP enters the encoder on rtcp_sink_2, as
 * the browser example's signalling.py builds it. */
std::string
comedia_receiver (bool bundle)
{
  std::string line = "sdp-negotiator name=neg session=bench ice-addresses=127.0.0.1 "
      "bundle-policy=" + std::string (bundle ? "max-bundle" : "none") + " rtpbin name=rb ";
  const char *caps[] = { OPUS_CAPS, VP8_CAPS };
  if (bundle)
    return line + "nicesrc stream=1 component=1 ! comedia-dtlssrtpdec name=dec session=bench "
        "stream=1 component=1 ! " + OPUS_CAPS + " ! rb.recv_rtp_sink_0 "
        "dec.rtcp_src ! rb.recv_rtcp_sink_0 "
        "dec.src_2 ! " + VP8_CAPS + " ! rb.recv_rtp_sink_1 "
        "dec.rtcp_src_2 ! rb.recv_rtcp_sink_1 "
        "rb.send_rtcp_src_0 ! enc.rtcp_sink rb.send_rtcp_src_1 ! enc.rtcp_sink_2 "
        "comedia-dtlssrtpenc name=enc session=bench stream=1 component=1 ! "
        "nicesink stream=1 component=1 sync=false async=false ";
  for (int n = 1; n <= 2; n++) {
    std::string s = std::to_string (n), pad = std::to_string (n - 1);
    line += "nicesrc stream=" + s + " component=1 ! comedia-dtlssrtpdec name=dec" + s +
        " session=bench stream=" + s + " component=1 ! " + caps[n - 1] + " ! rb.recv_rtp_sink_" +
        pad + " dec" + s + ".rtcp_src ! rb.recv_rtcp_sink_" + pad + " "
        "rb.send_rtcp_src_" + pad + " ! enc" + s + ".rtcp_sink "
        "comedia-dtlssrtpenc name=enc" + s + " session=bench stream=" + s + " component=1 ! "
        "nicesink stream=" + s + " component=1 sync=false async=false ";
  }
  return line;
}

}  // namespace

/* How a process whose only media element is stock webrtcbin ends: with
 * _exit, before the exit handlers, LeakSanitizer's among them.  webrtcbin
 * leaves allocations behind (libgstwebrtc, libgstdtls, OpenSSL's
 * per-thread state of its DTLS threads), which would fail the smoke test in
 * CI's sanitize stage over code that is not comedia's, as the lab's Python
 * peers run without leak reports; memory errors still abort.  The comedia
 * receiver returns normally and is leak-checked. */
[[noreturn]] void
end_stock_process (int rc)
{
  fflush (stdout);
  fflush (stderr);
  _exit (rc);
}

std::string
webrtc_bundle_option (const Args & a, const char *who)
{
  std::string bundle = bench::option_string (a, "bundle", "max-bundle");
  if (bundle == "max-bundle" || bundle == "none")
    return bundle;
  fprintf (stderr, "%s: --bundle max-bundle|none\n", who);
  return "";
}

/* --- webrtc-send ---------------------------------------------------------- */

int
cmd_webrtc_send (const Args & a)
{
  std::string video = bench::option_string (a, "video",
      "video/x-raw,width=640,height=480,framerate=30/1");
  std::string bitrate = bench::option_string (a, "bitrate", "1500000");
  double seconds = bench::option_double (a, "seconds", 120);
  std::string bundle = webrtc_bundle_option (a, "webrtc-send");
  if (bundle.empty ())
    return 2;
  /* Moving colour bars: vp8enc spends about its whole bitrate on them
   * (1.4 of 1.5 Mbit/s at 640x480), in packets of rtpvp8pay's MTU, as a
   * camera's picture would; snow would overshoot it several times. */
  std::string line = "webrtcbin name=w bundle-policy=" + bundle + " "
      "audiotestsrc is-live=true wave=ticks samplesperbuffer=960 ! audioconvert ! "
      "audioresample ! opusenc frame-size=20 ! rtpopuspay pt=111 ! " + std::string (OPUS_CAPS) +
      " ! w. videotestsrc is-live=true pattern=smpte horizontal-speed=4 ! " + video +
      " ! vp8enc deadline=1 cpu-used=16 end-usage=cbr target-bitrate=" + bitrate +
      " keyframe-max-dist=90 ! rtpvp8pay pt=96 ! " + VP8_CAPS + " ! w.";
  GstElement *pipeline = launch (line);
  GstElement *w = child (pipeline, "w");
  webrtcbin_add_loopback (w);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    fprintf (stderr, "webrtc-send: the pipeline does not start\n");
    return 1;
  }
  webrtcbin_create_local (w, true);
  webrtcbin_print_local (w, "OFFER");
  GstSDPMessage *answer = read_sdp_line ("ANSWER");
  webrtcbin_set_description (w, "set-remote-description", SDP_TYPE_ANSWER, answer);
  gst_sdp_message_free (answer);
  /* Sends until the bench closes our stdin, or an error ends it. */
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 end = now_us () + (gint64) (seconds * G_USEC_PER_SEC);
  int rc = 0;
  while (now_us () < end) {
    GPollFD fd = { 0, G_IO_IN | G_IO_HUP, 0 };
    if (g_poll (&fd, 1, 100) > 0) {
      char buf[256];
      if (read (0, buf, sizeof (buf)) <= 0)
        break;
    }
    GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    if (m) {
      GError *err = nullptr;
      gst_message_parse_error (m, &err, nullptr);
      fprintf (stderr, "webrtc-send: %s\n", err->message);
      g_error_free (err);
      gst_message_unref (m);
      rc = 1;
      break;
    }
  }
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  end_stock_process (rc);
}

/* --- webrtc-recv ---------------------------------------------------------- */

int
cmd_webrtc_recv (const Args & a)
{
  std::string impl = bench::option_string (a, "impl", "comedia");
  std::string bundle = webrtc_bundle_option (a, "webrtc-recv");
  if (bundle.empty ())
    return 2;
  PacketMeter meter;
  meter.warmup = bench::option_long (a, "warmup", 300);
  meter.count = bench::option_long (a, "count", 2000);
  meter.settle_us = (gint64) (bench::option_double (a, "settle", 2) * G_USEC_PER_SEC);
  double timeout = bench::option_double (a, "timeout", 60);
  sdp_log = bench::option_string (a, "sdp-log", "");
  double cpu_start = cpu_seconds ();
  GstElement *pipeline;
  GstSDPMessage *offer = nullptr;
  if (impl == "comedia") {
    pipeline = launch (comedia_receiver (bundle == "max-bundle"));
    g_signal_connect (child (pipeline, "rb"), "pad-added", G_CALLBACK (on_media_pad), &meter);
    if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
      fprintf (stderr, "webrtc-recv: the comedia pipeline does not start\n");
      return 1;
    }
    offer = read_sdp_line ("OFFER");
    GstSDPMessage *answer = nullptr;
    g_signal_emit_by_name (child (pipeline, "neg"), "process-offer", offer, &answer);
    if (!answer) {
      fprintf (stderr, "webrtc-recv: sdp-negotiator made no answer\n");
      return 1;
    }
    print_sdp_line ("ANSWER", answer);
    gst_sdp_message_free (answer);
  } else if (impl == "webrtcbin") {
    pipeline = gst_pipeline_new (nullptr);
    GstElement *w = make ("webrtcbin");
    gst_util_set_object_arg (G_OBJECT (w), "bundle-policy", bundle.c_str ());
    gst_bin_add (GST_BIN (pipeline), w);
    webrtcbin_add_loopback (w);
    g_signal_connect (w, "pad-added", G_CALLBACK (on_media_pad), &meter);
    if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
      fprintf (stderr, "webrtc-recv: the webrtcbin pipeline does not start\n");
      return 1;
    }
    offer = read_sdp_line ("OFFER");
    webrtcbin_set_description (w, "set-remote-description", SDP_TYPE_OFFER, offer);
    webrtcbin_create_local (w, false);
    webrtcbin_print_local (w, "ANSWER");
  } else {
    fprintf (stderr, "webrtc-recv: --impl comedia|webrtcbin\n");
    return 2;
  }
  gst_sdp_message_free (offer);
  double cpu_answered = cpu_seconds ();
  bool ok = meter.wait (timeout);
  long threads = bench::proc_status ("self", "Threads");
  long rss = bench::proc_status ("self", "VmRSS");
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  if (!ok) {
    fprintf (stderr, "webrtc-recv %s: %ld audio + %ld video packets in %.0f s, wanted %ld\n",
        impl.c_str (), meter.audio, meter.video, timeout, meter.warmup + meter.count);
    return 1;
  }
  double wall_s = (meter.wall1 - meter.wall0) / 1e6;
  /* Where the time went: "THREADS name=µs/packet,..." (threads that came
   * and went inside the window are not there). */
  std::string threads_line = "THREADS";
  for (auto &t : meter.threads1) {
    double us = (t.second - meter.threads0[t.first]) / 1e3 / meter.measured;
    if (us >= 0.05)
      threads_line += " " + t.first + "=" + fmt (us, 2);
  }
  printf ("%s\n", threads_line.c_str ());
  print_result ("webrtc-recv", {
        { "impl", impl },
        { "packets", std::to_string (meter.measured) },
        { "audio", std::to_string (meter.audio) },
        { "video", std::to_string (meter.video) },
        { "cpu_us_per_packet", fmt ((meter.cpu1 - meter.cpu0) * 1e6 / meter.measured, 2) },
        { "packets_per_s", fmt (meter.measured / wall_s) },
        { "cpu_share", fmt ((meter.cpu1 - meter.cpu0) / wall_s, 4) },
        { "setup_cpu_ms", fmt ((cpu_answered - cpu_start) * 1e3, 1) },
        { "threads", std::to_string (threads) },
        { "rss_kib", std::to_string (rss) } });
  if (impl == "webrtcbin")
    end_stock_process (0);
  return 0;
}

}  // namespace elementbench

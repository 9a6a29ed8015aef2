/* passive-endpoint: a public COMEDIA endpoint that receives VP8 video from a
 * peer behind NAT, as an application would write it.
 *
 *   passive-endpoint [--signalling=tcp:PORT|stdin] [--public-address=IP]
 *                    [--rtp-port=P] [--rtcp-port=P] [--timeout=MS]
 *
 * It builds its pipeline with gst_parse_launch(), takes SDP offers from its
 * own signalling (a small TCP server: one offer per connection, answered on
 * the same connection; or stdin, answered on stdout), answers them through
 * sdp-negotiator's "process-offer" action signal, and reports on stderr
 * what the bus says: the answer's plan, each latch, re-latch and timeout.
 * Ctrl-C (or SIGTERM) stops it and prints how many frames it decoded.
 *
 * The negotiator's pads are left unlinked: the application does the
 * signalling, the element only turns offers into answers and configures the
 * comedia elements of its session.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <glib-unix.h>
#include <gst/gst.h>
#include <gst/sdp/sdp.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

namespace {

struct Options {
  std::string signalling = "tcp:7000";
  std::string public_address;
  int rtp_port = 5004;
  int rtcp_port = -1;           /* -1: rtp-port + 1 (0 if rtp-port is 0) */
  int timeout_ms = 5000;
};

struct App {
  GstElement *pipeline = nullptr;
  GstElement *negotiator = nullptr;
  GMainLoop *loop = nullptr;
  std::atomic<guint64> frames{0};
  int exit_code = 0;
};

/* The pipeline: two comedia-rtpsrc (RTP and RTCP of stream 1) into rtpbin,
 * rtpbin's RTCP back through a comedia-rtpsink (from the RTCP socket, to
 * whoever latched it), the video decoded into a counting fakesink, and the
 * negotiator of the same session. */
std::string
pipeline_description (const Options & o)
{
  int rtcp = o.rtcp_port >= 0 ? o.rtcp_port : (o.rtp_port ? o.rtp_port + 1 : 0);
  std::string negotiator = "sdp-negotiator name=negotiator session=endpoint";
  if (!o.public_address.empty ())
    negotiator += " public-address=" + o.public_address;
  return "rtpbin name=rb "
      "comedia-rtpsrc name=rtp session=endpoint stream=1 component=1 port="
      + std::to_string (o.rtp_port) + " timeout=" + std::to_string (o.timeout_ms)
      + " caps=\"application/x-rtp,media=video,clock-rate=90000,"
      "encoding-name=VP8,payload=96\" ! rb.recv_rtp_sink_0 "
      "comedia-rtpsrc name=rtcp session=endpoint stream=1 component=2 port="
      + std::to_string (rtcp) + " ! rb.recv_rtcp_sink_0 "
      "rb.send_rtcp_src_0 ! comedia-rtpsink session=endpoint stream=1 "
      "component=2 sync=false async=false "
      "rb. ! rtpvp8depay ! vp8dec ! fakesink name=video signal-handoffs=true "
      "async=false " + negotiator;
}

/* Turns an offer into an answer with the negotiator's action signal.
 * Returns the answer as text, or "" (the negotiator posted why). */
std::string
answer_offer (App * app, const std::string & offer_text)
{
  GstSDPMessage *offer = nullptr;
  gst_sdp_message_new_from_text (offer_text.c_str (), &offer);
  GstSDPMessage *answer = nullptr;
  g_signal_emit_by_name (app->negotiator, "process-offer", offer, &answer);
  gst_sdp_message_free (offer);
  if (answer == nullptr)
    return "";
  gchar *text = gst_sdp_message_as_text (answer);
  std::string out = text;
  g_free (text);
  gst_sdp_message_free (answer);
  return out;
}

/* Reads one SDP message from @in: lines up to an empty line or the end. */
template <typename ReadLine> std::string
read_message (ReadLine read_line)
{
  std::string text, line;
  while (read_line (line)) {
    while (!line.empty () && (line.back () == '\r' || line.back () == '\n'))
      line.pop_back ();
    if (line.empty ()) {
      if (text.empty ())
        continue;               /* blank lines before a message */
      break;
    }
    text += line + "\r\n";
  }
  return text;
}

/* TCP signalling: GThreadedSocketService runs each connection in a worker
 * thread, so reading the offer never blocks the bus. */
gboolean
on_connection (GThreadedSocketService *, GSocketConnection * connection,
    GObject *, gpointer data)
{
  App *app = static_cast<App *> (data);
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  GDataInputStream *lines = g_data_input_stream_new (in);
  std::string offer = read_message ([lines] (std::string & line) {
        gsize len = 0;
        gchar *l = g_data_input_stream_read_line (lines, &len, nullptr, nullptr);
        if (l == nullptr)
          return false;
        line.assign (l, len);
        g_free (l);
        return true;
      });
  g_object_unref (lines);
  if (!offer.empty ()) {
    std::string answer = answer_offer (app, offer);
    if (!answer.empty ()) {
      answer += "\r\n";
      g_output_stream_write_all (out, answer.data (), answer.size (), nullptr,
          nullptr, nullptr);
    }
  }
  return TRUE;
}

/* stdin signalling: offers separated by empty lines, each answered on
 * stdout followed by an empty line. */
void
read_stdin (App * app)
{
  for (;;) {
    std::string offer = read_message ([] (std::string & line) {
          return static_cast<bool> (std::getline (std::cin, line));
        });
    if (offer.empty ())
      return;
    std::string answer = answer_offer (app, offer);
    if (!answer.empty ())       /* else the error is reported from the bus */
      std::cout << answer << "\r\n" << std::flush;
  }
}

void
on_handoff (GstElement *, GstBuffer *, GstPad *, gpointer data)
{
  static_cast<App *> (data)->frames.fetch_add (1, std::memory_order_relaxed);
}

const char *
component_name (guint component)
{
  return component == 1 ? "RTP" : "RTCP";
}

/* What the application reports: the element messages of comedia-rtpsrc
 * and sdp-negotiator (docs/troubleshooting.md lists them all). */
void
report_element_message (App * app, const GstStructure * s)
{
  const gchar *name = gst_structure_get_name (s);
  guint stream = 0, component = 0, timeout = 0;
  gint port = 0, old_port = 0;
  const gchar *address = gst_structure_get_string (s, "address");
  gst_structure_get_uint (s, "stream", &stream);
  gst_structure_get_uint (s, "component", &component);
  gst_structure_get_int (s, "port", &port);

  if (g_str_equal (name, "comedia-latched")) {
    g_printerr ("latched: stream %u %s from %s port %d\n", stream,
        component_name (component), address, port);
  } else if (g_str_equal (name, "comedia-relatched")) {
    gst_structure_get_int (s, "old-port", &old_port);
    g_printerr ("re-latched: stream %u %s moved from %s port %d to %s port %d\n",
        stream, component_name (component),
        gst_structure_get_string (s, "old-address"), old_port, address, port);
  } else if (g_str_equal (name, "comedia-timeout")) {
    gst_structure_get_uint (s, "timeout", &timeout);
    g_printerr ("timeout: stream %u %s: nothing from %s port %d for %u ms "
        "(%" G_GUINT64_FORMAT " frames decoded so far)\n", stream,
        component_name (component), address, port, timeout,
        app->frames.load ());
  } else if (g_str_equal (name, "comedia-rejected")) {
    guint64 count = 0;
    gst_structure_get_uint64 (s, "count", &count);
    g_printerr ("rejected: %" G_GUINT64_FORMAT " packet(s) on stream %u %s, "
        "the last from %s port %d: %s\n", count, stream,
        component_name (component), address, port,
        gst_structure_get_string (s, "reason"));
  } else if (g_str_equal (name, "sdp-negotiator-stream")) {
    guint rtp = 0, rtcp = 0;
    gst_structure_get_uint (s, "local-rtp-port", &rtp);
    gst_structure_get_uint (s, "local-rtcp-port", &rtcp);
    g_printerr ("answered: stream %u (%s): %s, RTP port %u, RTCP port %u: %s\n",
        stream, gst_structure_get_string (s, "media"),
        gst_structure_get_string (s, "plan"), rtp, rtcp,
        gst_structure_get_string (s, "note"));
  }
}

gboolean
on_bus_message (GstBus *, GstMessage * message, gpointer data)
{
  App *app = static_cast<App *> (data);
  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ELEMENT:
      report_element_message (app, gst_message_get_structure (message));
      break;
    case GST_MESSAGE_ERROR:{
      GError *err = nullptr;
      gchar *debug = nullptr;
      gst_message_parse_error (message, &err, &debug);
      g_printerr ("error from %s: %s\n  %s\n", GST_OBJECT_NAME (message->src),
          err->message, debug ? debug : "");
      /* A bad offer is the peer's problem, not a reason to stop serving. */
      bool fatal = !(message->src == GST_OBJECT (app->negotiator) &&
          err->domain == GST_STREAM_ERROR);
      g_clear_error (&err);
      g_free (debug);
      if (fatal) {
        app->exit_code = 1;
        g_main_loop_quit (app->loop);
      }
      break;
    }
    case GST_MESSAGE_WARNING:{
      GError *err = nullptr;
      gst_message_parse_warning (message, &err, nullptr);
      g_printerr ("warning from %s: %s\n", GST_OBJECT_NAME (message->src),
          err->message);
      g_clear_error (&err);
      break;
    }
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (static_cast<App *> (data)->loop);
  return G_SOURCE_REMOVE;
}

bool
parse_options (int argc, char **argv, Options & o)
{
  gchar *signalling = nullptr, *public_address = nullptr;
  GOptionEntry entries[] = {
    {"signalling", 's', 0, G_OPTION_ARG_STRING, &signalling,
        "Where offers come from: tcp:PORT (0: any free port) or stdin", "WHERE"},
    {"public-address", 'a', 0, G_OPTION_ARG_STRING, &public_address,
        "The address peers reach this host at, for the answer's c= line", "IP"},
    {"rtp-port", 0, 0, G_OPTION_ARG_INT, &o.rtp_port,
        "UDP port for RTP (0: any free port)", "PORT"},
    {"rtcp-port", 0, 0, G_OPTION_ARG_INT, &o.rtcp_port,
        "UDP port for RTCP (default: RTP port + 1)", "PORT"},
    {"timeout", 't', 0, G_OPTION_ARG_INT, &o.timeout_ms,
        "Report a peer silent for this many milliseconds (0: never)", "MS"},
    {nullptr}
  };
  GOptionContext *ctx = g_option_context_new ("- a passive COMEDIA endpoint");
  g_option_context_add_main_entries (ctx, entries, nullptr);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  GError *err = nullptr;
  bool ok = g_option_context_parse (ctx, &argc, &argv, &err);
  if (!ok)
    g_printerr ("%s\n", err->message);
  g_clear_error (&err);
  g_option_context_free (ctx);
  if (signalling)
    o.signalling = signalling;
  if (public_address)
    o.public_address = public_address;
  g_free (signalling);
  g_free (public_address);
  if (ok && o.signalling != "stdin" && o.signalling.rfind ("tcp:", 0) != 0) {
    g_printerr ("--signalling must be tcp:PORT or stdin\n");
    ok = false;
  }
  return ok;
}

}  // namespace

int
main (int argc, char **argv)
{
  Options options;
  if (!parse_options (argc, argv, options))
    return 2;
  gst_init (nullptr, nullptr);

  App app;
  GError *err = nullptr;
  std::string description = pipeline_description (options);
  app.pipeline = gst_parse_launch (description.c_str (), &err);
  if (app.pipeline == nullptr) {
    g_printerr ("cannot build the pipeline: %s\n(is the comedia plugin in "
        "GST_PLUGIN_PATH?)\n", err->message);
    g_clear_error (&err);
    return 1;
  }
  app.negotiator = gst_bin_get_by_name (GST_BIN (app.pipeline), "negotiator");
  GstElement *video = gst_bin_get_by_name (GST_BIN (app.pipeline), "video");
  g_signal_connect (video, "handoff", G_CALLBACK (on_handoff), &app);
  gst_object_unref (video);

  app.loop = g_main_loop_new (nullptr, FALSE);
  GstBus *bus = gst_element_get_bus (app.pipeline);
  gst_bus_add_watch (bus, on_bus_message, &app);
  gst_object_unref (bus);
  g_unix_signal_add (SIGINT, on_signal, &app);
  g_unix_signal_add (SIGTERM, on_signal, &app);

  /* PLAYING before any offer: comedia-rtpsrc binds its port at READY, and
   * the answer announces the ports that are bound. */
  if (gst_element_set_state (app.pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_printerr ("cannot start the pipeline (is a port taken?)\n");
    g_main_context_iteration (nullptr, FALSE);   /* print the error */
    gst_element_set_state (app.pipeline, GST_STATE_NULL);
    return 1;
  }
  gint rtp = 0, rtcp = 0;
  GstElement *e = gst_bin_get_by_name (GST_BIN (app.pipeline), "rtp");
  g_object_get (e, "port", &rtp, nullptr);
  gst_object_unref (e);
  e = gst_bin_get_by_name (GST_BIN (app.pipeline), "rtcp");
  g_object_get (e, "port", &rtcp, nullptr);
  gst_object_unref (e);
  g_printerr ("media: RTP on UDP port %d, RTCP on UDP port %d\n", rtp, rtcp);

  GSocketService *service = nullptr;
  if (options.signalling == "stdin") {
    g_printerr ("signalling: reading offers on stdin, answers on stdout\n");
    std::thread (read_stdin, &app).detach ();
  } else {
    int port = atoi (options.signalling.c_str () + 4);
    service = g_threaded_socket_service_new (4);
    guint16 bound = 0;
    if (port == 0)
      bound = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service),
          nullptr, &err);
    else if (g_socket_listener_add_inet_port (G_SOCKET_LISTENER (service),
            (guint16) port, nullptr, &err))
      bound = (guint16) port;
    if (bound == 0) {
      g_printerr ("cannot listen on TCP port %d: %s\n", port, err->message);
      g_clear_error (&err);
      gst_element_set_state (app.pipeline, GST_STATE_NULL);
      return 1;
    }
    g_signal_connect (service, "run", G_CALLBACK (on_connection), &app);
    g_socket_service_start (service);
    g_printerr ("signalling: listening for offers on TCP port %u\n", bound);
  }

  g_main_loop_run (app.loop);

  if (service) {
    g_socket_service_stop (service);
    g_socket_listener_close (G_SOCKET_LISTENER (service));
    g_object_unref (service);
  }
  gst_element_set_state (app.pipeline, GST_STATE_NULL);
  g_printerr ("stopped: %" G_GUINT64_FORMAT " video frames decoded\n",
      app.frames.load ());
  gst_object_unref (app.negotiator);
  gst_object_unref (app.pipeline);
  g_main_loop_unref (app.loop);
  return app.exit_code;
}

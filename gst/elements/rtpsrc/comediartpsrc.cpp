/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-comedia-rtpsrc
 * @title: comedia-rtpsrc
 * @see_also: comedia-rtpsink, sdp-negotiator, udpsrc, rtpbin
 *
 * Receives one RTP or RTCP component of a session on a UDP port and learns
 * ("latches") where the peer really is: the public address and port that its
 * NAT router put on its first well-formed packet.  From then on only that
 * peer's packets pass, and every comedia-rtpsink of the same session, stream
 * and component sends back to it from this very socket (symmetric RTP,
 * RFC 4961), which is the only way through the peer's NAT.  This is the
 * passive side of COMEDIA ("RTP without ICE"), as Kurento Media Server does
 * it.
 *
 * Streams are numbered like ICE/libnice streams: 1, 2, ... in SDP m-line
 * order; component 1 is RTP, component 2 is RTCP.  RTP and RTCP latch
 * separately.  Each latch posts an element message `comedia-latched` with
 * the fields `session` (string), `stream` (uint), `component` (uint),
 * `address` (string) and `port` (int).  With the same fields:
 * `comedia-relatched` (plus `old-address`, `old-port` and `reason`:
 * rebinding, continuation-after-silence, after-timeout, preferred-source,
 * re-offer) when another address takes over, `comedia-timeout` (plus `timeout`, ms) when the peer falls
 * silent, a summary `comedia-rejected` (plus `count`, `total`, `reason`) at
 * most once a second for refused packets, and `comedia-unlatched` (plus
 * `reason`) when sdp-negotiator restricts the source after the peer latched
 * and the peer is outside it.  docs/threat-model.md tells what each latching
 * policy stops.
 *
 * Every buffer carries a #GstNetAddressMeta with its sender.
 *
 * With #ComediaRtpSrc:rtcp-mux, component 1 also carries RTCP (RFC 5761);
 * RTCP packets leave on the `rtcp_src` pad (a sometimes pad, added when the
 * element starts streaming) and latch the RTCP side of the stream
 * (component 2, which then shares the RTP socket). Both pads are pushed
 * from the one receive thread, as a demuxer's are: where both lead to sinks
 * that preroll (a plain fakesink), put a queue after each, or the sink
 * waiting for preroll on one pad holds up the other.
 * |[
 * gst-launch-1.0 rtpbin name=rb \
 *   comedia-rtpsrc name=src session=s port=5004 rtcp-mux=true \
 *     caps="application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=96" \
 *   src.src ! rb.recv_rtp_sink_0  src.rtcp_src ! rb.recv_rtcp_sink_0 \
 *   rb.send_rtcp_src_0 ! comedia-rtpsink session=s component=2 sync=false async=false \
 *   rb. ! rtpopusdepay ! opusdec ! fakesink
 * ]|
 *
 * ## Example launch line: a passive peer receiving VP8 from behind NAT
 * |[
 * gst-launch-1.0 -m rtpbin name=rb \
 *   comedia-rtpsrc session=s stream=1 component=1 port=5004 \
 *     caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96" ! rb.recv_rtp_sink_0 \
 *   comedia-rtpsrc session=s stream=1 component=2 port=5005 ! rb.recv_rtcp_sink_0 \
 *   rb.send_rtcp_src_0 ! comedia-rtpsink session=s stream=1 component=2 sync=false async=false \
 *   rb. ! rtpvp8depay ! vp8dec ! fakesink
 * ]|
 * The Receiver Reports rtpbin produces go back to wherever the peer's RTCP
 * came from.
 *
 * ## Many sessions in one process
 *
 * Like udpsrc, each comedia-rtpsrc has a thread of its own by default.  A
 * server with hundreds of sessions gives them one #ComediaRtpSrc:receive-thread
 * name instead: one thread then waits on all their sockets and pushes their
 * packets, so downstream must not block (sync=false, or a queue).
 * |[
 * gst-launch-1.0 \
 *   comedia-rtpsrc session=a port=5004 receive-thread=rx ! fakesink sync=false \
 *   comedia-rtpsrc session=a port=5005 component=2 receive-thread=rx ! fakesink sync=false \
 *   comedia-rtpsrc session=b port=5006 receive-thread=rx ! fakesink sync=false \
 *   comedia-rtpsrc session=b port=5007 component=2 receive-thread=rx ! fakesink sync=false
 * ]|
 *
 * ## SRTP
 *
 * With #ComediaRtpSrc:srtp-suite and #ComediaRtpSrc:srtp-key (or a key
 * sdp-negotiator negotiated from a=crypto), each datagram is authenticated
 * and decrypted with libsrtp before the latching rules see it: only what
 * authenticates can latch, and what does not is counted (auth-failed,
 * replayed) and dropped, with a warning at most once a second.
 * |[
 * gst-launch-1.0 comedia-rtpsrc port=5004 srtp-suite=aes-cm-128-hmac-sha1-80 \
 *     srtp-key=0VYd/GBqV92DODerMN9FluysFcGICFEuRX4IWXs4 \
 *     caps="application/x-rtp,media=audio,clock-rate=8000,encoding-name=PCMU,payload=0" ! \
 *   rtppcmudepay ! mulawdec ! autoaudiosink
 * ]|
 *
 * ## DTLS-SRTP
 *
 * When sdp-negotiator negotiates DTLS-SRTP for a COMEDIA stream, each
 * comedia-rtpsrc runs its component's handshake on its own socket.  Passive
 * (server): each source that sends a ClientHello is a candidate with a
 * bounded handshake; nothing latches or passes until one completes with a
 * certificate of the SDP's fingerprint.  Active (client): the ClientHello
 * leaves this socket for the answer's address, opening our NAT on the way.
 * The verified peer is then the destination of the component's sinks at
 * once, its keys protect both ways (comedia-rtpsink sends nothing before),
 * and `comedia-dtls` messages tell each step.  Without sdp-negotiator,
 * #ComediaRtpSrc:dtls-fingerprint sets the server role's terms.
 */
#include "config.h"

#include "comediartpsrc.h"
#include "comediaelements.h"
#include "comediasession.h"
#include "keepalive.h"
#include "dispatchterms.h"
#include "dtlsreceiver.h"
#include "packetdispatch.h"
#include "receiveengine.h"
#include "receiveloop.h"
#include "rtpsrcsettings.h"
#include "sourcepads.h"
#include "srtpproperties.h"
#include "verdictreporter.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

/* Not static: dispatchterms.cpp and verdictreporter.cpp log in it too. */
GST_DEBUG_CATEGORY (comedia_rtp_src_debug);
#define GST_CAT_DEFAULT comedia_rtp_src_debug

using comedia::Component;
using comedia::LatchPolicy;
using comedia::PeerAddress;
using comedia::Side;

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

/* A sometimes pad: it appears when the element starts streaming with
 * rtcp-mux on. */
static GstStaticPadTemplate rtcp_src_template =
GST_STATIC_PAD_TEMPLATE ("rtcp_src", GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS ("application/x-rtcp"));

static gboolean src_query (GstPad * pad, GstObject * parent, GstQuery * query);

/* The element as a client of its receive thread (ReceiveLoop): serve() is
 * what a GstBaseSrc's create() loop would do, one turn at a time. */
struct ComediaRtpSrcPrivate : public comedia::ReceiveClient,
    public comedia::RtpSrcSettings {
  explicit ComediaRtpSrcPrivate (ComediaRtpSrc * element)
    : self (element), reporter (GST_ELEMENT (element), dispatch),
      terms (GST_ELEMENT (element), dispatch, reporter),
      pads (GST_ELEMENT (element), &src_template, &rtcp_src_template,
          src_query) {}
  gint64 serve (gint64 now, bool readable) override;

  ComediaRtpSrc *self;
  std::mutex lock;            /* guards the settings (the properties) */

  /* Set up on NULL->READY, used by the receive thread. */
  ComediaSession *session = nullptr;
  std::shared_ptr<comedia::ReceiveLoop> loop;
  /* What each datagram becomes; its configuration is the receive thread's
   * copy of the properties. */
  comedia::PacketDispatch dispatch;
  /* What the dispatch decided, told to the components it latches for
   * (the one it reads, Side::ReadComponent, and component 2 with rtcp-mux,
   * Side::MuxedRtcp) and to the bus; and what the session tells the
   * dispatch, read once per turn. */
  comedia::VerdictReporter reporter;
  comedia::DispatchTerms terms;
  /* dtls-fingerprint (under the lock), and the receive thread's DTLS. */
  std::string dtls_fingerprint;
  std::string dtls_local_fingerprint;  /* once opened with DTLS */
  comedia::DtlsReceiver dtls;

  comedia::SourcePads pads;   /* src, rtcp_src, and whether the stream ended */
  /* EOS sent to the element, for the receive thread to push. */
  std::atomic<bool> eos_pending{false};

  /* Batched reads into pool buffers (receive thread only). */
  comedia::ReceiveEngine engine;
};

struct _ComediaRtpSrc {
  GstElement parent;
  ComediaRtpSrcPrivate *priv;
};

#define comedia_rtp_src_parent_class parent_class
G_DEFINE_TYPE (ComediaRtpSrc, comedia_rtp_src, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (comedia_rtpsrc, "comedia-rtpsrc", GST_RANK_NONE,
    COMEDIA_TYPE_RTP_SRC);

static void comedia_rtp_src_finalize (GObject * object);
static void comedia_rtp_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void comedia_rtp_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn comedia_rtp_src_change_state (GstElement * element,
    GstStateChange transition);
static gboolean comedia_rtp_src_send_event (GstElement * element,
    GstEvent * event);
static void start_streaming (ComediaRtpSrc * self);

static void
comedia_rtp_src_class_init (ComediaRtpSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (comedia_rtp_src_debug, "comedia-rtpsrc", 0,
      "comedia RTP/RTCP receiver with NAT latching");

  gobject_class->finalize = comedia_rtp_src_finalize;
  gobject_class->set_property = comedia_rtp_src_set_property;
  gobject_class->get_property = comedia_rtp_src_get_property;

  comedia::install_rtpsrc_properties (gobject_class);
  g_object_class_install_property (gobject_class, PROP_LATCHED_ADDRESS,
      g_param_spec_string ("latched-address", "Latched address",
          "Public address and port of the peer this component latched, as "
          "\"IP:port\" (\"[IP]:port\" for IPv6); empty until the first "
          "packet latches", "",
          (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
  g_object_class_install_property (gobject_class, PROP_DTLS_FINGERPRINT,
      g_param_spec_string ("dtls-fingerprint", "DTLS fingerprint",
          "DTLS-SRTP over COMEDIA, server role: the peer's a=fingerprint "
          "(\"sha-256 AB:CD:...\", several separated by ','). Each source "
          "that sends a ClientHello is a candidate with a bounded handshake; "
          "nothing latches and no RTP passes until one completes with a "
          "certificate of this fingerprint, whose keys then protect both "
          "ways, and whose source is then the destination. Posts comedia-dtls "
          "element messages. Empty: the DTLS-SRTP terms sdp-negotiator "
          "negotiated for the component (either role; in the client role "
          "the ClientHello leaves from this socket toward the answer's "
          "address), or no DTLS", "",
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)));
  g_object_class_install_property (gobject_class, PROP_DTLS_LOCAL_FINGERPRINT,
      g_param_spec_string ("dtls-local-fingerprint", "DTLS local fingerprint",
          "The sha-256 fingerprint of this process's DTLS certificate, for "
          "the a=fingerprint of our SDP: set once the element is in READY "
          "with dtls-fingerprint set, empty before", "",
          (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Counters of this receiver: received (datagrams read), passed "
          "(pushed downstream), latched (times a peer was latched), "
          "relatched (of which replaced an earlier peer), timeouts, held "
          "(packets held in probation), held-dropped (held, then dropped by "
          "a bound of probation: bytes per source, in all, or age), "
          "rejected (well-formed but from another source), malformed (not "
          "RTP/RTCP, dropped), keepalives (NAT keepalives consumed), "
          "auth-failed (SRTP/SRTCP that did not authenticate: a wrong tag "
          "or key, or plain RTP; dropped before latching), replayed "
          "(SRTP/SRTCP the replay window had seen, dropped), "
          "auth-failed-peer and replayed-peer (of those, from the latched "
          "peer, or before it latched the source the SDP names: a key "
          "mismatch rather than someone else's packets; not the peer's plain "
          "RTP in the 3 s after DTLS verified it, before its first packet "
          "authenticates: a phone sends plain RTP until its side of the "
          "handshake ends), receive-calls (system calls that read "
          "datagrams: a batch is one), and peer (the latched \"IP:port\", "
          "or empty); with rtcp-mux also rtcp-peer; with DTLS-SRTP "
          "(dtls-fingerprint or negotiated) also dtls-received (DTLS "
          "datagrams), dtls-candidates (handshakes started: a source each as "
          "server, one per association as client), dtls-failed, dtls-dropped "
          "(DTLS not taken: a full table, a rate, a bad cookie, after "
          "verification, not from the client's peer) "
          "and dtls-dropped-media (RTP/RTCP before verification)", GST_TYPE_STRUCTURE,
          (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_add_static_pad_template (element_class,
      &rtcp_src_template);
  gst_element_class_set_static_metadata (element_class,
      "COMEDIA RTP source", "Source/Network/RTP",
      "Receives RTP or RTCP on a UDP port and latches the public address of "
      "a peer behind NAT, so comedia-rtpsink can answer it from the same "
      "socket", "comedia developers");

  element_class->change_state = comedia_rtp_src_change_state;
  element_class->send_event = comedia_rtp_src_send_event;

  gst_type_mark_as_plugin_api (COMEDIA_TYPE_RELATCH, (GstPluginAPIFlags) 0);
}

static GstCaps *output_caps (ComediaRtpSrc * self, GstCaps * filter);

static gboolean
src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  ComediaRtpSrc *self = COMEDIA_RTP_SRC (parent);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:{
      GstCaps *filter;
      gst_query_parse_caps (query, &filter);
      GstCaps *caps = output_caps (self, filter);
      gst_query_set_caps_result (query, caps);
      gst_caps_unref (caps);
      return TRUE;
    }
    case GST_QUERY_LATENCY:
      /* Live, and buffers leave as soon as they arrive. */
      gst_query_set_latency (query, TRUE, 0, GST_CLOCK_TIME_NONE);
      return TRUE;
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

static void
comedia_rtp_src_init (ComediaRtpSrc * self)
{
  /* Adds the src pad. */
  self->priv = new ComediaRtpSrcPrivate (self);
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SOURCE);
}

static void
comedia_rtp_src_finalize (GObject * object)
{
  ComediaRtpSrc *self = COMEDIA_RTP_SRC (object);

  g_clear_object (&self->priv->session);
  delete self->priv;

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static GstStructure *
create_stats (ComediaRtpSrc * self)
{
  ComediaRtpSrcPrivate *priv = self->priv;
  Component *c = priv->reporter.component (Side::ReadComponent);
  auto get = [c] (comedia::Count which) {
    return c ? c->counters.get (which) : G_GUINT64_CONSTANT (0);
  };

  GstStructure *s = gst_structure_new ("comedia-rtpsrc-stats",
      "received", G_TYPE_UINT64, get (comedia::Count::Received),
      "passed", G_TYPE_UINT64, get (comedia::Count::Passed),
      "latched", G_TYPE_UINT64, get (comedia::Count::Latched),
      "relatched", G_TYPE_UINT64, get (comedia::Count::Relatched),
      "timeouts", G_TYPE_UINT64, get (comedia::Count::Timeouts),
      "held", G_TYPE_UINT64, get (comedia::Count::Learning),
      "held-dropped", G_TYPE_UINT64, get (comedia::Count::HeldDropped),
      "rejected", G_TYPE_UINT64, get (comedia::Count::Rejected),
      "malformed", G_TYPE_UINT64, get (comedia::Count::Malformed),
      "keepalives", G_TYPE_UINT64, get (comedia::Count::KeepalivesReceived),
      "auth-failed", G_TYPE_UINT64, get (comedia::Count::AuthFailed),
      "replayed", G_TYPE_UINT64, get (comedia::Count::Replayed),
      "auth-failed-peer", G_TYPE_UINT64, get (comedia::Count::AuthFailedPeer),
      "replayed-peer", G_TYPE_UINT64, get (comedia::Count::ReplayedPeer),
      "receive-calls", G_TYPE_UINT64, priv->engine.receive_calls (),
      "peer", G_TYPE_STRING, priv->reporter.peer_string (Side::ReadComponent).c_str (),
      nullptr);
  if (priv->reporter.component (Side::MuxedRtcp))
    gst_structure_set (s, "rtcp-peer", G_TYPE_STRING,
        priv->reporter.peer_string (Side::MuxedRtcp).c_str (), nullptr);
  if (priv->dtls.enabled ()) {
    comedia::DtlsReceiver::Counts d = priv->dtls.counts ();
    gst_structure_set (s, "dtls-received", G_TYPE_UINT64, d.received,
        "dtls-candidates", G_TYPE_UINT64, d.candidates,
        "dtls-failed", G_TYPE_UINT64, d.failed,
        "dtls-dropped", G_TYPE_UINT64, d.dropped,
        "dtls-dropped-media", G_TYPE_UINT64, d.dropped_media, nullptr);
  }
  return s;
}

static void
comedia_rtp_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  ComediaRtpSrc *self = COMEDIA_RTP_SRC (object);
  ComediaRtpSrcPrivate *priv = self->priv;
  std::lock_guard<std::mutex> guard (priv->lock);

  if (prop_id == PROP_DTLS_FINGERPRINT) {
    const gchar *text = g_value_get_string (value);
    priv->dtls_fingerprint = text ? text : "";
  } else if (!comedia::set_rtpsrc_property (*priv, prop_id, value)) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
comedia_rtp_src_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  ComediaRtpSrc *self = COMEDIA_RTP_SRC (object);
  ComediaRtpSrcPrivate *priv = self->priv;
  std::lock_guard<std::mutex> guard (priv->lock);

  if (comedia::get_rtpsrc_property (*priv, prop_id, value))
    return;
  switch (prop_id) {
    case PROP_LATCHED_ADDRESS:
      g_value_set_string (value,
          priv->reporter.peer_string (Side::ReadComponent).c_str ());
      break;
    case PROP_STATS:
      g_value_take_boxed (value, create_stats (self));
      break;
    case PROP_DTLS_FINGERPRINT:
      g_value_set_string (value, priv->dtls_fingerprint.c_str ());
      break;
    case PROP_DTLS_LOCAL_FINGERPRINT:
      g_value_set_string (value, priv->dtls_local_fingerprint.c_str ());
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

/* The policy configuration from the properties (called with the lock). */
static LatchPolicy::Config
policy_config (ComediaRtpSrcPrivate * priv, guint component,
    const comedia::SourcePrefix & allowed)
{
  LatchPolicy::Config config;
  config.component = component;
  config.probation_packets = priv->probation;
  config.probation_min_us = (int64_t) priv->probation_time * 1000;
  config.allowed = allowed;
  /* The GEnum mirrors the policy's values (static_assert in comediaenums.cpp). */
  config.relatch = (comedia::Relatch) priv->relatch;
  config.timeout_us = (int64_t) priv->timeout * 1000;
  config.rtcp_requires_rtp_peer = !priv->rtcp_without_rtp;
  return config;
}

/* SO_RCVBUF of @socket to @size bytes, with a warning when the kernel
 * allowed less. */
static void
set_receive_buffer (ComediaRtpSrc * self, GSocket * socket, gint size)
{
  GError *err = nullptr;
  gint got = comedia::set_receive_buffer (socket, size, &err);
  if (got < 0) {
    GST_WARNING_OBJECT (self, "could not read the receive buffer size: %s",
        err->message);
    g_clear_error (&err);
  } else if (got < size) {
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        ("Receive buffer of %d bytes asked for, the kernel allowed %d",
            size, got),
        ("raise net.core.rmem_max, or run with CAP_NET_ADMIN"));
  } else {
    GST_DEBUG_OBJECT (self, "receive buffer %d bytes", got);
  }
}

/* NULL->READY: find the session and bind the socket, so the bound port is
 * readable at READY and an answer can announce it. */
static gboolean
comedia_rtp_src_open (ComediaRtpSrc * self)
{
  ComediaRtpSrcPrivate *priv = self->priv;
  comedia::BindRequest request;
  GError *err = nullptr;
  comedia::PacketDispatch::Config dispatch_config;
  comedia::SrtpKey srtp_key;
  std::string srtp_error;

  /* What is checked is copied under the lock and the errors are posted
   * after it, as gst/udp does: a synchronous bus handler may read the
   * properties (stats), which take the lock. */
  comedia::SrtpKeyProperties srtp;
  std::string dtls_fingerprint;
  std::string allowed_source;
  bool rtcp_mux;
  guint component_id;
  comedia::PortRangeProperties port_range;
  {
    std::lock_guard<std::mutex> guard (priv->lock);
    port_range = *priv;
    srtp = priv->srtp;
    dtls_fingerprint = priv->dtls_fingerprint;
    allowed_source = priv->allowed_source;
    rtcp_mux = priv->rtcp_mux;
    component_id = priv->component;
  }
  if (!comedia::resolve_port_range (GST_ELEMENT (self), port_range, request.range))
    return FALSE;
  if (!srtp.resolve (srtp_key, srtp_error)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("Invalid SRTP settings: %s", srtp_error.c_str ()), (nullptr));
    return FALSE;
  }
  comedia::SourcePrefix allowed;
  if (!comedia::SourcePrefix::parse (allowed_source, allowed)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("allowed-source \"%s\" is not an IP address or CIDR prefix",
            allowed_source.c_str ()),
        ("expected e.g. 203.0.113.7, 198.51.100.0/24 or 2001:db8::/32"));
    return FALSE;
  }
  /* The negotiator may restrict the source only where the application did not. */
  bool negotiated_source = allowed_source.empty ();
  if (rtcp_mux && component_id != comedia::COMPONENT_RTP) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("rtcp-mux needs component=1"),
        ("rtcp-mux carries RTCP on the RTP component; this element reads "
            "component %u", component_id));
    return FALSE;
  }

  {
    std::lock_guard<std::mutex> guard (priv->lock);
    dispatch_config.component = priv->component;
    dispatch_config.rtcp_mux = priv->rtcp_mux;
    dispatch_config.keepalive_pt = priv->keepalive_pt;
    dispatch_config.mtu = priv->mtu;
    dispatch_config.own = policy_config (priv, priv->component, allowed);
    dispatch_config.rtcp = policy_config (priv, comedia::COMPONENT_RTCP,
        allowed);
    priv->session = comedia_session_acquire (priv->session_name.c_str ());
    priv->reporter.set_session (priv->session);
    request.address = priv->address;
    request.port = priv->port;
    if (!request.range.any ())
      comedia_session_set_port_range (priv->session, request.range);
    if (priv->rtcp_mux)
      comedia_session_set_rtcp_mux (priv->session, priv->stream, TRUE);
  }

  Component *component = comedia_session_open_component (priv->session,
      priv->stream, priv->component, &request, &err);
  if (!component) {
    /* A full range: the application must widen it or run fewer calls. */
    if (request.port == 0 && !request.range.any ())
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ, ("%s", err->message),
          ("min-port/max-port on %s", request.address.c_str ()));
    else
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
          ("Could not bind UDP port %u on %s", request.port,
              request.address.c_str ()), ("%s", err->message));
    g_clear_error (&err);
    return FALSE;
  }

  if (!component->receive_terms.claim_reader ()) {
    GST_ELEMENT_ERROR (self, RESOURCE, BUSY,
        ("Another comedia-rtpsrc already receives session '%s' stream %u "
            "component %u", comedia_session_get_name (priv->session),
            priv->stream, priv->component), (nullptr));
    return FALSE;
  }
  priv->reporter.attach (Side::ReadComponent, component);

  if (dispatch_config.rtcp_mux) {
    Component *rtcp = comedia_session_open_component (priv->session,
        priv->stream, comedia::COMPONENT_RTCP, nullptr, &err);
    if (!rtcp) {
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
          ("Could not use the RTP socket for RTCP"), ("%s", err->message));
      g_clear_error (&err);
      return FALSE;
    }
    priv->reporter.attach (Side::MuxedRtcp, rtcp);
  }
  priv->dispatch = comedia::PacketDispatch (dispatch_config);
  if (!priv->terms.start (negotiated_source, srtp_key, srtp_error)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("libsrtp refused the srtp-key"), ("%s", srtp_error.c_str ()));
    return FALSE;
  }

  guint max_batch;
  gint buffer_size;
  std::string thread_name;
  comedia::ReceiveLoop::Settings loop_settings;
  {
    std::lock_guard<std::mutex> guard (priv->lock);
    priv->port = component->slot.local_port ();
    max_batch = priv->batch_size;
    buffer_size = priv->buffer_size;
    thread_name = priv->receive_thread;
    loop_settings.threads = priv->receive_threads;
    loop_settings.coalesce_us = priv->receive_coalesce;
  }
  if (loop_settings.threads == 0)
    loop_settings.threads = g_get_num_processors ();
  /* An element's own thread: one, and no reason to wait. */
  if (thread_name.empty ())
    loop_settings = comedia::ReceiveLoop::Settings ();
  if (buffer_size > 0)
    set_receive_buffer (self, component->slot.socket (), buffer_size);

  priv->loop = comedia::ReceiveLoop::get (thread_name, loop_settings, &err);
  if (!priv->loop) {
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED,
        ("Could not start the receive thread"), ("%s", err->message));
    g_clear_error (&err);
    return FALSE;
  }
  const comedia::ReceiveLoop::Settings & running = priv->loop->settings ();
  if (!(running == loop_settings))
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        ("Receive thread '%s' already runs with %u threads, not %u, and "
            "%u µs of coalescing, not %u", thread_name.c_str (),
            running.threads, loop_settings.threads, running.coalesce_us,
            loop_settings.coalesce_us),
        ("receive-threads and receive-coalesce are set by the first element "
            "that names a receive-thread"));

  /* The property's terms, or the negotiator's, which wake the thread. */
  std::string dtls_error;
  std::shared_ptr<comedia::ReceiveLoop> loop = priv->loop;
  if (!priv->dtls.configure (dtls_fingerprint, dtls_error)
      || !priv->dtls.start (GST_ELEMENT (self), priv->reporter, priv->terms,
          [loop, priv] { loop->wake (priv); }, dtls_error)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("Invalid DTLS settings: %s", dtls_error.c_str ()), (nullptr));
    return FALSE;
  }
  if (priv->dtls.fixed ()) {
    std::lock_guard<std::mutex> guard (priv->lock);
    priv->dtls_local_fingerprint = comedia::DtlsReceiver::local_fingerprint ();
  }

  if (!priv->engine.open (thread_name, dispatch_config.mtu, max_batch)) {
    GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT,
        ("Could not set up a pool of receive buffers"), (nullptr));
    return FALSE;
  }

  GST_INFO_OBJECT (self, "session '%s' stream %u component %u listening on "
      "port %u", comedia_session_get_name (priv->session), priv->stream,
      priv->component, component->slot.local_port ());
  g_object_notify (G_OBJECT (self), "port");
  return TRUE;
}

static void
comedia_rtp_src_close (ComediaRtpSrc * self)
{
  ComediaRtpSrcPrivate *priv = self->priv;

  if (Component *read = priv->reporter.component (Side::ReadComponent))
    read->receive_terms.release_reader ();
  priv->terms.close ();
  priv->dtls.stop ();
  priv->reporter.close ();
  priv->dispatch.reset ();
  g_clear_object (&priv->session);
  priv->loop.reset ();

  priv->engine.close ();
}

static GstStateChangeReturn
comedia_rtp_src_change_state (GstElement * element, GstStateChange transition)
{
  ComediaRtpSrc *self = COMEDIA_RTP_SRC (element);
  ComediaRtpSrcPrivate *priv = self->priv;
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!comedia_rtp_src_open (self)) {
        comedia_rtp_src_close (self);
        return GST_STATE_CHANGE_FAILURE;
      }
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      priv->pads.set_stopped (false);
      /* One session's elements on one thread of a pool. */
      priv->loop->add (priv,
          g_socket_get_fd (priv->reporter.component (Side::ReadComponent)->slot.socket ()),
          comedia_session_get_name (priv->session));
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      /* Like a live GstBaseSrc: nothing is read while paused. */
      priv->loop->set_active (priv, false);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
      priv->loop->remove (priv);
    return ret;
  }

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      /* Here, not on the receive thread: a bin's handling of thousands of
       * stream-start messages is slow, and would hold up the packets. */
      start_streaming (self);
      ret = GST_STATE_CHANGE_NO_PREROLL;   /* live */
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      priv->loop->set_active (priv, true);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* The pads flush now, so a push in progress returns at once. */
      priv->loop->remove (priv);
      priv->eos_pending = false;
      priv->pads.remove_rtcp ();
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:
      comedia_rtp_src_close (self);
      break;
    default:
      break;
  }
  return ret;
}

/* The caps property, or the default for the component. */
static GstCaps *
output_caps (ComediaRtpSrc * self, GstCaps * filter)
{
  GstCaps *caps;

  {
    std::lock_guard<std::mutex> guard (self->priv->lock);
    if (self->priv->caps)
      caps = gst_caps_ref (self->priv->caps);
    else
      caps = gst_caps_new_empty_simple (self->priv->component ==
          comedia::COMPONENT_RTCP ? "application/x-rtcp" : "application/x-rtp");
  }

  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, caps,
        GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (caps);
    caps = tmp;
  }
  return caps;
}

/* EOS sent to the element (gst-launch-1.0 -e, an application ending a
 * recording) leaves on both pads from the receive thread, after the
 * packets already read. */
static gboolean
comedia_rtp_src_send_event (GstElement * element, GstEvent * event)
{
  ComediaRtpSrcPrivate *priv = COMEDIA_RTP_SRC (element)->priv;
  gboolean handled = FALSE;

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    priv->eos_pending = true;
    GST_OBJECT_LOCK (element);
    bool streaming = GST_STATE (element) >= GST_STATE_PAUSED && priv->loop;
    GST_OBJECT_UNLOCK (element);
    if (streaming)
      priv->loop->wake (priv);
    handled = TRUE;
  }
  gst_event_unref (event);
  return handled;
}

/* On READY->PAUSED, before the first buffer: what a GstBaseSrc sends. */
static void
start_streaming (ComediaRtpSrc * self)
{
  ComediaRtpSrcPrivate *priv = self->priv;
  GstCaps *caps = gst_caps_fixate (output_caps (self, nullptr));
  priv->pads.start (caps, priv->dispatch.config ().rtcp_mux);
  gst_caps_unref (caps);
}

/* After EOS or a fatal error: the receive thread no longer serves this
 * element until it is restarted from READY. */
static void
stop_reading (ComediaRtpSrcPrivate * priv)
{
  priv->pads.set_stopped (true);
  priv->loop->set_active (priv, false);
}

/* Pushes what passed on the side's pad: src, or rtcp_src for muxed RTCP. */
static void
deliver (ComediaRtpSrcPrivate * priv, Side side)
{
  if (priv->pads.deliver (side, priv->dispatch.output (side)))
    stop_reading (priv);
}

/* RTCP held before the stream's RTP peer was known latches once that peer
 * is: what it releases is pushed. */
static void
retry_held_rtcp (ComediaRtpSrcPrivate * priv, Side side, gint64 now)
{
  if (!priv->terms.rtp_peer_known (side))
    return;
  comedia::LatchEvent latch = priv->dispatch.retry_waiting (side, now);
  if (latch.happened)
    priv->reporter.report_retried_latch (side, latch);
  deliver (priv, side);
}

/* Reads a batch from @socket, which is readable; returns how many
 * datagrams. */
static guint
receive_batch (ComediaRtpSrc * self, GSocket * socket)
{
  GError *err = nullptr;
  gint n = self->priv->engine.receive (socket, &err);
  if (G_UNLIKELY (n < 0)) {
    GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT,
        ("Could not get a buffer to receive into"), (nullptr));
    stop_reading (self->priv);
    return 0;
  }
  if (err) {
    /* ICMP errors for what the sink sent may surface here: not fatal. */
    GST_DEBUG_OBJECT (self, "receive error ignored: %s", err->message);
    g_clear_error (&err);
  }
  return n;
}

/* Runs the @n datagrams just read through the dispatch, packet by packet
 * and in order: what passes is in its outputs, for the src pad and (muxed
 * RTCP) the rtcp_src pad. */
static void
process_batch (ComediaRtpSrc * self, guint n, gint64 now, GstClockTime pts)
{
  ComediaRtpSrcPrivate *priv = self->priv;

  for (guint i = 0; i < n; i++) {
    gsize len;
    const PeerAddress *peer;
    GstBuffer *buf = priv->engine.take (i, len, peer);
    if (G_UNLIKELY (!buf))
      continue;
    GST_BUFFER_PTS (buf) = pts;
    if (G_UNLIKELY (priv->dtls.enabled ()) && priv->dtls.intercept (*peer, buf, now)) {
      gst_buffer_unref (buf);
      continue;
    }
    comedia::PacketVerdict v = priv->dispatch.dispatch (*peer, buf, now);
    priv->reporter.report (v, *peer, len, now);
  }
  priv->engine.consumed (n);
  priv->reporter.count_batch (n);
}

/* One turn of the receiver, on the receive thread: what is due by time
 * (timeouts, held RTCP), then one batch if the socket is readable. */
gint64
ComediaRtpSrcPrivate::serve (gint64 now, bool readable)
{
  if (G_UNLIKELY (pads.stopped ()))
    return -1;

  reporter.check_timeouts (now);
  guint n = readable ? receive_batch (self,
      reporter.component (Side::ReadComponent)->slot.socket ()) : 0;
  /* The one look at the session of this turn, after the read: whatever it
   * set before these datagrams were sent applies to them. */
  terms.update ();
  dtls.update (now);
  retry_held_rtcp (this, Side::MuxedRtcp, now);
  retry_held_rtcp (this, Side::ReadComponent, now);

  if (n > 0) {
    /* One arrival time for the batch: its datagrams were read together. */
    now = g_get_monotonic_time ();
    process_batch (self, n, now, pads.running_time ());
    deliver (this, Side::MuxedRtcp);
    deliver (this, Side::ReadComponent);
  }
  /* On a shared thread the pool is shared too: slots left over go back to
   * it for the next element rather than wait here for this one's next
   * packet. */
  engine.release_idle_slots ();

  /* After the packets already read, as a GstBaseSrc would. */
  if (G_UNLIKELY (eos_pending.exchange (false)) && !pads.stopped ()) {
    pads.push_eos ();
    stop_reading (this);
    return -1;
  }

  /* How long the next wait for a packet may last: bounded by the timeouts
   * to watch and held RTCP. */
  gint64 budget = dispatch.wait_us (now);
  gint64 next = budget < 0 ? -1 : now + budget;
  if (G_UNLIKELY (dtls.enabled ())) {
    gint64 dtls_at = dtls.serve_timers (now);
    if (dtls_at >= 0 && (next < 0 || dtls_at < next))
      next = dtls_at;
  }
  return next;
}

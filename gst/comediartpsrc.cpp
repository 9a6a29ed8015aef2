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
 * `address` (string) and `port` (int).
 *
 * Every buffer carries a #GstNetAddressMeta with its sender.
 *
 * With #ComediaRtpSrc:rtcp-mux, component 1 also carries RTCP (RFC 5761);
 * RTCP packets leave on the `rtcp_src` pad (a sometimes pad, added when the
 * element starts streaming) and latch the RTCP side of the stream
 * (component 2, which then shares the RTP socket).
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
 */
#include "config.h"

#include "comediartpsrc.h"
#include "comediaelements.h"
#include "comediasession.h"

#include <gst/net/gstnetaddressmeta.h>

#include <string>

GST_DEBUG_CATEGORY_STATIC (comedia_rtp_src_debug);
#define GST_CAT_DEFAULT comedia_rtp_src_debug

using comedia::Component;
using comedia::LatchDecision;
using comedia::LatchPolicy;
using comedia::PeerAddress;

#define DEFAULT_SESSION "default"
#define DEFAULT_STREAM 1
#define DEFAULT_COMPONENT comedia::COMPONENT_RTP
#define DEFAULT_ADDRESS "0.0.0.0"
#define DEFAULT_PORT 0
#define DEFAULT_RTCP_MUX FALSE
#define DEFAULT_MTU 1500

/* Per-packet rubbish is reported at most this often. */
#define WARNING_INTERVAL_US G_USEC_PER_SEC

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_STREAM,
  PROP_COMPONENT,
  PROP_ADDRESS,
  PROP_PORT,
  PROP_CAPS,
  PROP_RTCP_MUX,
  PROP_MTU,
  PROP_LATCHED_ADDRESS,
  PROP_STATS,
};

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

/* A sometimes pad: it appears when the streaming thread starts with rtcp-mux
 * on, after GstBaseSrc has sent its own stream-start (it can only name the
 * stream of an element with one source pad). */
static GstStaticPadTemplate rtcp_src_template =
GST_STATIC_PAD_TEMPLATE ("rtcp_src", GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS ("application/x-rtcp"));

/* Latching state of one component as seen by this receiver. */
struct LatchedComponent {
  Component *component = nullptr;
  LatchPolicy policy;
};

struct ComediaRtpSrcPrivate {
  std::mutex lock;            /* guards the properties */
  std::string session_name = DEFAULT_SESSION;
  guint stream = DEFAULT_STREAM;
  guint component = DEFAULT_COMPONENT;
  std::string address = DEFAULT_ADDRESS;
  guint port = DEFAULT_PORT;
  GstCaps *caps = nullptr;
  gboolean rtcp_mux = DEFAULT_RTCP_MUX;
  guint mtu = DEFAULT_MTU;

  /* Set up on NULL->READY, used by the streaming thread. */
  ComediaSession *session = nullptr;
  GCancellable *cancellable = nullptr;
  LatchedComponent own;        /* the component this element reads */
  LatchedComponent muxed_rtcp; /* component 2 when rtcp-mux */

  GstPad *rtcp_pad = nullptr;
  bool rtcp_pad_started = false;
  gint64 last_warning_us = 0;
  guint64 malformed_since_warning = 0;
};

struct _ComediaRtpSrc {
  GstPushSrc parent;
  ComediaRtpSrcPrivate *priv;
};

#define comedia_rtp_src_parent_class parent_class
G_DEFINE_TYPE (ComediaRtpSrc, comedia_rtp_src, GST_TYPE_PUSH_SRC);
GST_ELEMENT_REGISTER_DEFINE (comedia_rtpsrc, "comedia-rtpsrc", GST_RANK_NONE,
    COMEDIA_TYPE_RTP_SRC);

static void comedia_rtp_src_finalize (GObject * object);
static void comedia_rtp_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void comedia_rtp_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn comedia_rtp_src_change_state (GstElement * element,
    GstStateChange transition);
static GstCaps *comedia_rtp_src_get_caps (GstBaseSrc * src, GstCaps * filter);
static gboolean comedia_rtp_src_unlock (GstBaseSrc * src);
static gboolean comedia_rtp_src_unlock_stop (GstBaseSrc * src);
static void remove_rtcp_pad (ComediaRtpSrc * self);
static GstFlowReturn comedia_rtp_src_create (GstPushSrc * src,
    GstBuffer ** buf);

static void
comedia_rtp_src_class_init (ComediaRtpSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);
  GstPushSrcClass *pushsrc_class = GST_PUSH_SRC_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (comedia_rtp_src_debug, "comedia-rtpsrc", 0,
      "comedia RTP/RTCP receiver with NAT latching");

  gobject_class->finalize = comedia_rtp_src_finalize;
  gobject_class->set_property = comedia_rtp_src_set_property;
  gobject_class->get_property = comedia_rtp_src_get_property;

  g_object_class_install_property (gobject_class, PROP_SESSION,
      g_param_spec_string ("session", "Session",
          "Name of the shared session.  Every comedia element with the same "
          "name shares its sockets and latched peers: a comedia-rtpsink with "
          "the same session, stream and component sends from this element's "
          "socket to the peer it latched", DEFAULT_SESSION,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_STREAM,
      g_param_spec_uint ("stream", "Stream",
          "Stream number within the session, as ICE numbers them: 1 for the "
          "first SDP m-line, 2 for the second, ...", 1, G_MAXUINT16,
          DEFAULT_STREAM, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_COMPONENT,
      g_param_spec_uint ("component", "Component",
          "Component within the stream, as ICE numbers them: 1 = RTP, "
          "2 = RTCP.  Decides which packets may latch: RTP (version 2, at "
          "least 12 bytes) or a valid RTCP compound", 1, 2, DEFAULT_COMPONENT,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_ADDRESS,
      g_param_spec_string ("address", "Address",
          "Local IP address to bind: 0.0.0.0 for every IPv4 interface, :: "
          "for IPv4 and IPv6 (dual stack), or one specific address",
          DEFAULT_ADDRESS, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_PORT,
      g_param_spec_int ("port", "Port",
          "UDP port to bind; 0 lets the kernel choose a free one.  From the "
          "READY state on, reading it gives the port actually bound (and it "
          "is notified when bound)", 0, G_MAXUINT16, DEFAULT_PORT,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_CAPS,
      g_param_spec_boxed ("caps", "Caps",
          "Caps of the outgoing buffers, e.g. application/x-rtp with "
          "media, clock-rate, encoding-name and payload, as rtpbin needs "
          "them.  Default: application/x-rtp on component 1, "
          "application/x-rtcp on component 2", GST_TYPE_CAPS,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_RTCP_MUX,
      g_param_spec_boolean ("rtcp-mux", "RTCP mux",
          "Component 1 also carries RTCP (RFC 5761): packets whose second "
          "byte is 192..223 are RTCP, leave on the rtcp_src pad and latch the "
          "RTCP side (component 2 then shares this socket)", DEFAULT_RTCP_MUX,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_MTU,
      g_param_spec_uint ("mtu", "MTU",
          "Largest datagram expected, in bytes; longer ones are counted as "
          "malformed and dropped", 28, G_MAXUINT16, DEFAULT_MTU,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_LATCHED_ADDRESS,
      g_param_spec_string ("latched-address", "Latched address",
          "Public address and port of the peer this component latched, as "
          "\"IP:port\" (\"[IP]:port\" for IPv6); empty until the first "
          "packet latches", "",
          (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Counters of this receiver: received (datagrams read), passed "
          "(pushed downstream), latched (times a peer was latched), "
          "rejected (well-formed but from another source), malformed (not "
          "RTP/RTCP, dropped), and peer (the latched \"IP:port\", or empty); "
          "with rtcp-mux also rtcp-peer", GST_TYPE_STRUCTURE,
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
  basesrc_class->get_caps = comedia_rtp_src_get_caps;
  basesrc_class->unlock = comedia_rtp_src_unlock;
  basesrc_class->unlock_stop = comedia_rtp_src_unlock_stop;
  pushsrc_class->create = comedia_rtp_src_create;
}

static GstPadProbeReturn
forward_eos_to_rtcp_pad (GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  ComediaRtpSrc *self = COMEDIA_RTP_SRC (user_data);
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS && self->priv->rtcp_pad)
    gst_pad_push_event (self->priv->rtcp_pad, gst_event_new_eos ());
  return GST_PAD_PROBE_OK;
}

static void
comedia_rtp_src_init (ComediaRtpSrc * self)
{
  self->priv = new ComediaRtpSrcPrivate ();
  self->priv->cancellable = g_cancellable_new ();

  gst_base_src_set_live (GST_BASE_SRC (self), TRUE);
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
  gst_base_src_set_do_timestamp (GST_BASE_SRC (self), TRUE);

  gst_pad_add_probe (GST_BASE_SRC_PAD (self),
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, forward_eos_to_rtcp_pad, self,
      nullptr);
}

static void
comedia_rtp_src_finalize (GObject * object)
{
  ComediaRtpSrc *self = COMEDIA_RTP_SRC (object);

  gst_clear_caps (&self->priv->caps);
  g_clear_object (&self->priv->cancellable);
  g_clear_object (&self->priv->session);
  delete self->priv;

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static std::string
peer_string (const LatchedComponent & lc)
{
  return lc.component && lc.component->latched () ?
      lc.component->latched_peer ().to_string () : std::string ();
}

static GstStructure *
create_stats (ComediaRtpSrc * self)
{
  ComediaRtpSrcPrivate *priv = self->priv;
  Component *c = priv->own.component;
  auto get = [] (const std::atomic<guint64> &v) { return v.load (std::memory_order_relaxed); };

  GstStructure *s = gst_structure_new ("comedia-rtpsrc-stats",
      "received", G_TYPE_UINT64, c ? get (c->counters.received) : 0,
      "passed", G_TYPE_UINT64, c ? get (c->counters.passed) : 0,
      "latched", G_TYPE_UINT64, c ? get (c->counters.latched) : 0,
      "rejected", G_TYPE_UINT64, c ? get (c->counters.rejected) : 0,
      "malformed", G_TYPE_UINT64, c ? get (c->counters.malformed) : 0,
      "peer", G_TYPE_STRING, peer_string (priv->own).c_str (), nullptr);
  if (priv->muxed_rtcp.component)
    gst_structure_set (s, "rtcp-peer", G_TYPE_STRING,
        peer_string (priv->muxed_rtcp).c_str (), nullptr);
  return s;
}

static void
comedia_rtp_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  ComediaRtpSrc *self = COMEDIA_RTP_SRC (object);
  ComediaRtpSrcPrivate *priv = self->priv;
  std::lock_guard<std::mutex> guard (priv->lock);

  switch (prop_id) {
    case PROP_SESSION:
      priv->session_name = g_value_get_string (value) ?
          g_value_get_string (value) : DEFAULT_SESSION;
      break;
    case PROP_STREAM:
      priv->stream = g_value_get_uint (value);
      break;
    case PROP_COMPONENT:
      priv->component = g_value_get_uint (value);
      break;
    case PROP_ADDRESS:
      priv->address = g_value_get_string (value) ?
          g_value_get_string (value) : DEFAULT_ADDRESS;
      break;
    case PROP_PORT:
      priv->port = g_value_get_int (value);
      break;
    case PROP_CAPS:{
      const GstCaps *caps = gst_value_get_caps (value);
      gst_clear_caps (&priv->caps);
      priv->caps = caps ? gst_caps_copy (caps) : nullptr;
      break;
    }
    case PROP_RTCP_MUX:
      priv->rtcp_mux = g_value_get_boolean (value);
      break;
    case PROP_MTU:
      priv->mtu = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
comedia_rtp_src_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  ComediaRtpSrc *self = COMEDIA_RTP_SRC (object);
  ComediaRtpSrcPrivate *priv = self->priv;
  std::lock_guard<std::mutex> guard (priv->lock);

  switch (prop_id) {
    case PROP_SESSION:
      g_value_set_string (value, priv->session_name.c_str ());
      break;
    case PROP_STREAM:
      g_value_set_uint (value, priv->stream);
      break;
    case PROP_COMPONENT:
      g_value_set_uint (value, priv->component);
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, priv->address.c_str ());
      break;
    case PROP_PORT:
      g_value_set_int (value, priv->port);
      break;
    case PROP_CAPS:
      gst_value_set_caps (value, priv->caps);
      break;
    case PROP_RTCP_MUX:
      g_value_set_boolean (value, priv->rtcp_mux);
      break;
    case PROP_MTU:
      g_value_set_uint (value, priv->mtu);
      break;
    case PROP_LATCHED_ADDRESS:
      g_value_set_string (value, peer_string (priv->own).c_str ());
      break;
    case PROP_STATS:
      g_value_take_boxed (value, create_stats (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static LatchPolicy
make_policy (guint component)
{
  LatchPolicy::Config config;
  config.component = component;
  return LatchPolicy (config);
}

/* NULL->READY: find the session and bind the socket, so the bound port is
 * readable at READY and an answer can announce it. */
static gboolean
comedia_rtp_src_open (ComediaRtpSrc * self)
{
  ComediaRtpSrcPrivate *priv = self->priv;
  comedia::BindRequest request;
  GError *err = nullptr;

  {
    std::lock_guard<std::mutex> guard (priv->lock);
    if (priv->rtcp_mux && priv->component != comedia::COMPONENT_RTP) {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("rtcp-mux needs component=1"),
          ("rtcp-mux carries RTCP on the RTP component; this element reads "
              "component %u", priv->component));
      return FALSE;
    }
    priv->session = comedia_session_acquire (priv->session_name.c_str ());
    request.address = priv->address;
    request.port = priv->port;
    if (priv->rtcp_mux)
      comedia_session_set_rtcp_mux (priv->session, priv->stream, TRUE);
  }

  Component *component = comedia_session_open_component (priv->session,
      priv->stream, priv->component, &request, &err);
  if (!component) {
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
        ("Could not bind UDP port %u on %s", request.port,
            request.address.c_str ()), ("%s", err->message));
    g_clear_error (&err);
    return FALSE;
  }

  bool expected = false;
  if (!component->has_reader.compare_exchange_strong (expected, true)) {
    GST_ELEMENT_ERROR (self, RESOURCE, BUSY,
        ("Another comedia-rtpsrc already receives session '%s' stream %u "
            "component %u", comedia_session_get_name (priv->session),
            priv->stream, priv->component), (nullptr));
    return FALSE;
  }
  priv->own.component = component;
  priv->own.policy = make_policy (priv->component);

  if (priv->rtcp_mux) {
    priv->muxed_rtcp.component = comedia_session_open_component (priv->session,
        priv->stream, comedia::COMPONENT_RTCP, nullptr, &err);
    if (!priv->muxed_rtcp.component) {
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
          ("Could not use the RTP socket for RTCP"), ("%s", err->message));
      g_clear_error (&err);
      return FALSE;
    }
    priv->muxed_rtcp.policy = make_policy (comedia::COMPONENT_RTCP);
  }

  {
    std::lock_guard<std::mutex> guard (priv->lock);
    priv->port = component->local_port ();
  }
  GST_INFO_OBJECT (self, "session '%s' stream %u component %u listening on "
      "port %u", comedia_session_get_name (priv->session), priv->stream,
      priv->component, component->local_port ());
  g_object_notify (G_OBJECT (self), "port");
  return TRUE;
}

static void
comedia_rtp_src_close (ComediaRtpSrc * self)
{
  ComediaRtpSrcPrivate *priv = self->priv;

  if (priv->own.component)
    priv->own.component->has_reader.store (false);
  priv->own = LatchedComponent ();
  priv->muxed_rtcp = LatchedComponent ();
  g_clear_object (&priv->session);
}

static GstStateChangeReturn
comedia_rtp_src_change_state (GstElement * element, GstStateChange transition)
{
  ComediaRtpSrc *self = COMEDIA_RTP_SRC (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!comedia_rtp_src_open (self)) {
        comedia_rtp_src_close (self);
        return GST_STATE_CHANGE_FAILURE;
      }
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      remove_rtcp_pad (self);
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:
      comedia_rtp_src_close (self);
      break;
    default:
      break;
  }
  return ret;
}

static GstCaps *
comedia_rtp_src_get_caps (GstBaseSrc * src, GstCaps * filter)
{
  ComediaRtpSrc *self = COMEDIA_RTP_SRC (src);
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

static gboolean
comedia_rtp_src_unlock (GstBaseSrc * src)
{
  g_cancellable_cancel (COMEDIA_RTP_SRC (src)->priv->cancellable);
  return TRUE;
}

static gboolean
comedia_rtp_src_unlock_stop (GstBaseSrc * src)
{
  ComediaRtpSrcPrivate *priv = COMEDIA_RTP_SRC (src)->priv;
  g_object_unref (priv->cancellable);
  priv->cancellable = g_cancellable_new ();
  return TRUE;
}

static void
post_latched (ComediaRtpSrc * self, const Component * component,
    const PeerAddress & peer)
{
  GstStructure *s = gst_structure_new ("comedia-latched",
      "session", G_TYPE_STRING, comedia_session_get_name (self->priv->session),
      "stream", G_TYPE_UINT, component->stream,
      "component", G_TYPE_UINT, component->component,
      "address", G_TYPE_STRING, peer.ip_string ().c_str (),
      "port", G_TYPE_INT, (gint) peer.port, nullptr);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

/* Counts a dropped datagram that is not RTP/RTCP and warns, at most once a
 * second, so a flood of rubbish cannot flood the bus. */
static void
report_malformed (ComediaRtpSrc * self, Component * component,
    const PeerAddress & from, gsize size, const char *what)
{
  ComediaRtpSrcPrivate *priv = self->priv;
  component->counters.malformed.fetch_add (1, std::memory_order_relaxed);
  priv->malformed_since_warning++;

  gint64 now = g_get_monotonic_time ();
  if (priv->last_warning_us != 0 &&
      now - priv->last_warning_us < WARNING_INTERVAL_US)
    return;

  GST_ELEMENT_WARNING (self, STREAM, DECODE,
      ("Dropped %" G_GUINT64_FORMAT " malformed packet(s) on component %u",
          priv->malformed_since_warning, component->component),
      ("last one: %" G_GSIZE_FORMAT " bytes from %s, %s", size,
          from.to_string ().c_str (), what));
  priv->last_warning_us = now;
  priv->malformed_since_warning = 0;
}

/* Streaming thread, first create() with rtcp-mux. */
static void
add_rtcp_pad (ComediaRtpSrc * self)
{
  ComediaRtpSrcPrivate *priv = self->priv;
  GstPad *pad = gst_pad_new_from_static_template (&rtcp_src_template,
      "rtcp_src");
  gst_pad_use_fixed_caps (pad);
  gst_pad_set_active (pad, TRUE);
  priv->rtcp_pad_started = false;
  priv->rtcp_pad = pad;
  gst_element_add_pad (GST_ELEMENT (self), pad);
}

static void
remove_rtcp_pad (ComediaRtpSrc * self)
{
  ComediaRtpSrcPrivate *priv = self->priv;
  if (!priv->rtcp_pad)
    return;
  gst_pad_set_active (priv->rtcp_pad, FALSE);
  gst_element_remove_pad (GST_ELEMENT (self), priv->rtcp_pad);
  priv->rtcp_pad = nullptr;
}

static void
push_muxed_rtcp (ComediaRtpSrc * self, GstBuffer * buf)
{
  ComediaRtpSrcPrivate *priv = self->priv;
  GstBaseSrc *basesrc = GST_BASE_SRC (self);

  if (!priv->rtcp_pad_started) {
    gchar *stream_id = gst_pad_create_stream_id (priv->rtcp_pad,
        GST_ELEMENT (self), "rtcp");
    gst_pad_push_event (priv->rtcp_pad, gst_event_new_stream_start (stream_id));
    g_free (stream_id);
    GstCaps *caps = gst_caps_new_empty_simple ("application/x-rtcp");
    gst_pad_push_event (priv->rtcp_pad, gst_event_new_caps (caps));
    gst_caps_unref (caps);
    GstSegment segment;
    gst_segment_init (&segment, GST_FORMAT_TIME);
    gst_pad_push_event (priv->rtcp_pad, gst_event_new_segment (&segment));
    priv->rtcp_pad_started = true;
  }

  /* Timestamp like do-timestamp does for the RTP pad: running time. */
  GstClock *clock = gst_element_get_clock (GST_ELEMENT (self));
  if (clock) {
    GstClockTime now = gst_clock_get_time (clock);
    GstClockTime base = gst_element_get_base_time (GST_ELEMENT (self));
    GST_BUFFER_PTS (buf) = now > base ? now - base : 0;
    gst_object_unref (clock);
  }

  GstFlowReturn ret = gst_pad_push (priv->rtcp_pad, buf);
  if (ret != GST_FLOW_OK && ret != GST_FLOW_NOT_LINKED)
    GST_DEBUG_OBJECT (basesrc, "rtcp_src push returned %s",
        gst_flow_get_name (ret));
}

static GstFlowReturn
comedia_rtp_src_create (GstPushSrc * psrc, GstBuffer ** outbuf)
{
  ComediaRtpSrc *self = COMEDIA_RTP_SRC (psrc);
  ComediaRtpSrcPrivate *priv = self->priv;
  Component *own = priv->own.component;
  GSocket *socket = own->socket ();

  if (G_UNLIKELY (priv->rtcp_mux && !priv->rtcp_pad))
    add_rtcp_pad (self);

  for (;;) {
    GstBuffer *buf = gst_buffer_new_allocate (nullptr, priv->mtu + 1, nullptr);
    GstMapInfo map;
    gst_buffer_map (buf, &map, GST_MAP_WRITE);
    GInputVector vec = { map.data, map.size };
    GSocketAddress *from = nullptr;
    GError *err = nullptr;
    gint flags = 0;

    gssize len = g_socket_receive_message (socket, &from, &vec, 1, nullptr,
        nullptr, &flags, priv->cancellable, &err);
    gst_buffer_unmap (buf, &map);

    if (G_UNLIKELY (len < 0)) {
      gst_buffer_unref (buf);
      if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        g_clear_error (&err);
        return GST_FLOW_FLUSHING;
      }
      /* ICMP errors for what we sent may surface here; they are not ours
       * to die of. */
      GST_DEBUG_OBJECT (self, "receive error ignored: %s", err->message);
      g_clear_error (&err);
      continue;
    }

    own->counters.received.fetch_add (1, std::memory_order_relaxed);
    gint64 now = g_get_monotonic_time ();
    PeerAddress peer;
    if (!comedia::peer_address_from_gsocket (from, peer)) {
      g_clear_object (&from);
      gst_buffer_unref (buf);
      continue;
    }

    /* One byte more than the MTU was offered: filling it means the
     * datagram was longer than anything we accept. */
    if ((gsize) len > priv->mtu) {
      report_malformed (self, own, peer, len, "longer than the mtu property");
      g_object_unref (from);
      gst_buffer_unref (buf);
      continue;
    }
    gst_buffer_set_size (buf, len);

    comedia::PacketFacts facts = comedia::inspect_packet (buf,
        priv->component, priv->rtcp_mux);
    bool muxed_rtcp = priv->rtcp_mux && facts.kind == comedia::PacketKind::Rtcp;
    LatchedComponent & target = muxed_rtcp ? priv->muxed_rtcp : priv->own;

    LatchDecision decision = target.policy.on_packet (peer, facts, now);
    switch (decision.verdict) {
      case comedia::Verdict::Latch:
        target.component->counters.latched.fetch_add (1,
            std::memory_order_relaxed);
        target.component->publish_latched_peer (peer);
        GST_INFO_OBJECT (self, "stream %u component %u latched %s",
            target.component->stream, target.component->component,
            peer.to_string ().c_str ());
        post_latched (self, target.component, peer);
        if (!muxed_rtcp)
          g_object_notify (G_OBJECT (self), "latched-address");
        break;
      case comedia::Verdict::Accept:
        break;
      case comedia::Verdict::DropMalformed:
        report_malformed (self, own, peer, len, muxed_rtcp ?
            "not a valid RTCP compound" : priv->component ==
            comedia::COMPONENT_RTCP ? "not a valid RTCP compound" :
            "not an RTP packet");
        break;
      case comedia::Verdict::DropForeign:
        target.component->counters.rejected.fetch_add (1,
            std::memory_order_relaxed);
        GST_LOG_OBJECT (self, "dropped packet from %s: latched to %s",
            peer.to_string ().c_str (),
            target.policy.peer ().to_string ().c_str ());
        break;
      case comedia::Verdict::DropLearning:
        target.component->counters.learning.fetch_add (1,
            std::memory_order_relaxed);
        break;
    }

    if (!decision.passes ()) {
      g_object_unref (from);
      gst_buffer_unref (buf);
      continue;
    }

    gst_buffer_add_net_address_meta (buf, from);
    g_object_unref (from);
    target.component->counters.passed.fetch_add (1, std::memory_order_relaxed);

    if (muxed_rtcp) {
      push_muxed_rtcp (self, buf);
      continue;
    }
    *outbuf = buf;
    return GST_FLOW_OK;
  }
}

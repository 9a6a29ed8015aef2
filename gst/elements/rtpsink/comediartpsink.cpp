/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-comedia-rtpsink
 * @title: comedia-rtpsink
 * @see_also: comedia-rtpsrc, sdp-negotiator, udpsink, rtpbin
 *
 * Sends RTP or RTCP to the peer that the comedia-rtpsrc of the same session,
 * stream and component latched, from that source's very socket (symmetric
 * RTP, RFC 4961): the peer's NAT only lets in packets that come from the
 * exact address and port it sent to.
 *
 * Where it sends:
 * - to the latched peer, once one is latched;
 * - before that, to a destination the session was given (by sdp-negotiator
 *   from an SDP answer or offer), else to #ComediaRtpSink:host and
 *   #ComediaRtpSink:port if set;
 * - otherwise the buffer is dropped and counted: the sink never blocks the
 *   pipeline waiting for a peer.
 *
 * A buffer list is sent as one batch.  A peer that answers with ICMP "port
 * unreachable" is counted in #ComediaRtpSink:stats, not fatal.
 *
 * The socket belongs to the session: without a comedia-rtpsrc for the same
 * component in the process, the sink opens it itself (an ephemeral port on
 * the first buffer), so a send-only active peer behind NAT is just this sink
 * with host and port.
 *
 * On the active side, #ComediaRtpSink:keepalive-interval sends NAT
 * keepalives (RFC 6263: an RTP packet of an unused payload type, an empty
 * RTCP Receiver Report) whenever the component has sent nothing for that
 * long, so the NAT does not forget the mapping while media is silent.  They
 * start with a short burst (5 packets 10 ms apart) once the sink has a
 * destination, so the passive side passes its probation and latches at
 * once.  sdp-negotiator role=offerer does this by itself; the property is
 * for pipelines without a negotiator.
 *
 * ## Example launch line: send Receiver Reports back through the peer's NAT
 * |[
 * gst-launch-1.0 rtpbin name=rb \
 *   comedia-rtpsrc session=s stream=1 component=1 port=5004 \
 *     caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96" ! rb.recv_rtp_sink_0 \
 *   comedia-rtpsrc session=s stream=1 component=2 port=5005 ! rb.recv_rtcp_sink_0 \
 *   rb.send_rtcp_src_0 ! comedia-rtpsink session=s stream=1 component=2 sync=false async=false \
 *   rb. ! rtpvp8depay ! vp8dec ! fakesink
 * ]|
 *
 * ## Example launch line: a send-only peer with a fixed destination
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! vp8enc deadline=1 ! rtpvp8pay ! \
 *   comedia-rtpsink session=s stream=1 component=1 host=203.0.113.10 port=5004
 * ]|
 *
 * ## SRTP
 *
 * With #ComediaRtpSink:srtp-suite and #ComediaRtpSink:srtp-key (or a key
 * sdp-negotiator negotiated from a=crypto), everything the component sends
 * is protected with libsrtp: SRTP, SRTCP on component 2, and the NAT
 * keepalives too, so a peer that authenticates every packet accepts them.
 * |[
 * gst-launch-1.0 audiotestsrc is-live=true ! mulawenc ! rtppcmupay ! \
 *   comedia-rtpsink session=s stream=1 component=1 host=203.0.113.10 port=5004 \
 *     srtp-suite=aes-cm-128-hmac-sha1-80 srtp-key=68IpTKJtqhR3xoVyPTEQxonPz1E3Umoi8n65a7V3
 * ]|
 */
#include "config.h"

#include "comediartpsink.h"
#include "comediaelements.h"
#include "comediasession.h"
#include "datagramsender.h"
#include "keepaliveservice.h"
#include "netaddress.h"
#include "ratelimit.h"
#include "packetfacts.h"
#include "rtpsinksettings.h"
#include "srtpsession.h"

#include <gst/rtp/rtp.h>

#include <string>
#include <vector>

GST_DEBUG_CATEGORY_STATIC (comedia_rtp_sink_debug);
#define GST_CAT_DEFAULT comedia_rtp_sink_debug

using comedia::Component;

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

/* The properties (RtpSinkSettings) and the element's state. */
struct ComediaRtpSinkPrivate : comedia::RtpSinkSettings {
  std::mutex lock;              /* guards the settings (the properties) */

  /* The properties as they were at NULL->READY: what the state changes and
   * the streaming thread read, without the lock. */
  struct Opened {
    guint stream = DEFAULT_STREAM;
    guint component = DEFAULT_COMPONENT;
    guint keepalive_interval = DEFAULT_KEEPALIVE_INTERVAL;
    gint keepalive_pt = DEFAULT_KEEPALIVE_PAYLOAD_TYPE;
    comedia::SrtpKey srtp_key;  /* fixed: set on the component when opened */
  } opened;
  bool fixed_srtp_set = false;  /* this sink fixed its component's key */
  bool keepalives_started = false;

  ComediaSession *session = nullptr;
  std::atomic<Component *> shared{nullptr};  /* opened on the first buffer */
  GSocketAddress *configured_destination = nullptr;  /* host:port */
  GCancellable *cancellable = nullptr;

  /* The streaming thread's copy of the component's destination. */
  guint64 destination_generation = 0;
  GSocketAddress *destination = nullptr;

  /* The SSRC of the media sent is recorded once a second (streaming
   * thread). */
  comedia::RateLimit ssrc_note{G_USEC_PER_SEC};

  /* Scratch for sending (streaming thread only): it only grows, so a
   * steady stream allocates nothing. */
  std::vector<GstBuffer *> buffers;
  std::vector<GOutputVector> vectors;
  std::vector<GstMapInfo> maps;
  std::vector<GOutputMessage> messages;
  comedia::DatagramSender sender;
  /* SRTP: each packet protected in its own slot of this, its vector
   * pointing there instead of at the buffer (which is not ours to write). */
  std::vector<guint8> protected_packets;
};

struct _ComediaRtpSink {
  GstBaseSink parent;
  ComediaRtpSinkPrivate *priv;
};

#define comedia_rtp_sink_parent_class parent_class
G_DEFINE_TYPE (ComediaRtpSink, comedia_rtp_sink, GST_TYPE_BASE_SINK);
GST_ELEMENT_REGISTER_DEFINE (comedia_rtpsink, "comedia-rtpsink",
    GST_RANK_NONE, COMEDIA_TYPE_RTP_SINK);

static void comedia_rtp_sink_finalize (GObject * object);
static void comedia_rtp_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void comedia_rtp_sink_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn comedia_rtp_sink_change_state (GstElement *
    element, GstStateChange transition);
static gboolean comedia_rtp_sink_unlock (GstBaseSink * sink);
static gboolean comedia_rtp_sink_unlock_stop (GstBaseSink * sink);
static GstFlowReturn comedia_rtp_sink_render (GstBaseSink * sink,
    GstBuffer * buffer);
static GstFlowReturn comedia_rtp_sink_render_list (GstBaseSink * sink,
    GstBufferList * list);

static void
comedia_rtp_sink_class_init (ComediaRtpSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *basesink_class = GST_BASE_SINK_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (comedia_rtp_sink_debug, "comedia-rtpsink", 0,
      "comedia RTP/RTCP sender to latched peers");

  gobject_class->finalize = comedia_rtp_sink_finalize;
  gobject_class->set_property = comedia_rtp_sink_set_property;
  gobject_class->get_property = comedia_rtp_sink_get_property;

  comedia::install_rtpsink_properties (gobject_class);
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Counters of this sender: sent (datagrams), sent-bytes, "
          "send-calls (system calls; a buffer list is sent in one), "
          "dropped-no-peer (buffers dropped because no peer was latched and "
          "no destination was set), dropped-on-hold (media dropped because "
          "the negotiated direction is recvonly or inactive), send-errors (e.g. ICMP port "
          "unreachable), keepalives-sent (NAT keepalives sent on this "
          "component), protect-errors (packets libsrtp refused to protect, "
          "not sent), dropped-awaiting-dtls (media dropped because "
          "DTLS-SRTP was negotiated and its handshake has not given the "
          "keys yet: nothing leaves plain), and peer (the latched "
          "\"IP:port\", or the DTLS-verified one, or empty)",
          GST_TYPE_STRUCTURE,
          (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_set_static_metadata (element_class,
      "COMEDIA RTP sink", "Sink/Network/RTP",
      "Sends RTP or RTCP from the socket a comedia-rtpsrc receives on, to "
      "the peer it latched behind NAT", "comedia developers");

  element_class->change_state = comedia_rtp_sink_change_state;
  basesink_class->unlock = comedia_rtp_sink_unlock;
  basesink_class->unlock_stop = comedia_rtp_sink_unlock_stop;
  basesink_class->render = comedia_rtp_sink_render;
  basesink_class->render_list = comedia_rtp_sink_render_list;
}

static void
comedia_rtp_sink_init (ComediaRtpSink * self)
{
  self->priv = new ComediaRtpSinkPrivate ();
  self->priv->cancellable = g_cancellable_new ();
  /* A network sink has no use for the last buffer, and keeping it costs a
   * lock and a reference per buffer. */
  gst_base_sink_set_last_sample_enabled (GST_BASE_SINK (self), FALSE);
}

static void
comedia_rtp_sink_finalize (GObject * object)
{
  ComediaRtpSink *self = COMEDIA_RTP_SINK (object);
  ComediaRtpSinkPrivate *priv = self->priv;

  g_clear_object (&priv->session);
  g_clear_object (&priv->configured_destination);
  g_clear_object (&priv->destination);
  g_clear_object (&priv->cancellable);
  delete priv;

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
comedia_rtp_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  ComediaRtpSinkPrivate *priv = COMEDIA_RTP_SINK (object)->priv;
  std::lock_guard<std::mutex> guard (priv->lock);

  if (!comedia::set_rtpsink_property (*priv, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static GstStructure *
create_stats (ComediaRtpSink * self)
{
  ComediaRtpSinkPrivate *priv = self->priv;
  Component *c = priv->shared.load ();
  auto get = [c] (comedia::Count which) {
    return c ? c->counters.get (which) : G_GUINT64_CONSTANT (0);
  };

  std::string destination;
  if (c && c->destination.latched ())
    destination = c->destination.latched_peer ().to_string ();

  return gst_structure_new ("comedia-rtpsink-stats",
      "sent", G_TYPE_UINT64, get (comedia::Count::Sent),
      "sent-bytes", G_TYPE_UINT64, get (comedia::Count::SentBytes),
      "send-calls", G_TYPE_UINT64, get (comedia::Count::SendCalls),
      "dropped-no-peer", G_TYPE_UINT64, get (comedia::Count::DroppedNoPeer),
      "dropped-on-hold", G_TYPE_UINT64, get (comedia::Count::DroppedOnHold),
      "send-errors", G_TYPE_UINT64, get (comedia::Count::SendErrors),
      "keepalives-sent", G_TYPE_UINT64, get (comedia::Count::KeepalivesSent),
      "protect-errors", G_TYPE_UINT64, get (comedia::Count::ProtectErrors),
      "dropped-awaiting-dtls", G_TYPE_UINT64, get (comedia::Count::DroppedAwaitingDtls),
      "peer", G_TYPE_STRING, destination.c_str (), nullptr);
}

static void
comedia_rtp_sink_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  ComediaRtpSink *self = COMEDIA_RTP_SINK (object);
  ComediaRtpSinkPrivate *priv = self->priv;
  std::lock_guard<std::mutex> guard (priv->lock);

  if (comedia::get_rtpsink_property (*priv, prop_id, value))
    return;
  switch (prop_id) {
    case PROP_STATS:
      g_value_take_boxed (value, create_stats (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static GSocketAddress *
resolve_destination (ComediaRtpSink * self, const std::string & host,
    guint port)
{
  std::string error;
  GInetAddress *inet = comedia::resolve_host (host, error);
  if (!inet) {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
        ("Could not resolve host \"%s\"", host.c_str ()), ("%s", error.c_str ()));
    return nullptr;
  }
  GSocketAddress *addr = g_inet_socket_address_new (inet, port);
  g_object_unref (inet);
  return addr;
}

static gboolean
comedia_rtp_sink_open (ComediaRtpSink * self)
{
  ComediaRtpSinkPrivate *priv = self->priv;
  std::string host;
  guint port;
  std::string srtp_error;

  /* Checked after the lock, as gst/udp does: a synchronous bus handler may
   * read the properties (stats), which take it. */
  comedia::SrtpKeyProperties srtp;
  {
    std::lock_guard<std::mutex> guard (priv->lock);
    srtp = priv->srtp;
  }
  if (!srtp.resolve (priv->opened.srtp_key, srtp_error)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("Invalid SRTP settings: %s", srtp_error.c_str ()), (nullptr));
    return FALSE;
  }
  {
    std::lock_guard<std::mutex> guard (priv->lock);
    priv->session = comedia_session_acquire (priv->session_name.c_str ());
    host = priv->host;
    port = priv->port;
    priv->opened.stream = priv->stream;
    priv->opened.component = priv->component;
    priv->opened.keepalive_interval = priv->keepalive_interval;
    priv->opened.keepalive_pt = priv->keepalive_pt;
  }

  if (!host.empty () && port == 0) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("host is set to \"%s\" but port is 0", host.c_str ()),
        ("a static destination needs both host and port"));
    return FALSE;
  }
  if (!host.empty ()) {
    priv->configured_destination = resolve_destination (self, host, port);
    if (!priv->configured_destination)
      return FALSE;
  }
  /* The socket is not opened here: in a pipeline sinks reach READY before
   * sources, and the comedia-rtpsrc must bind its port first. */
  return TRUE;
}

static void
comedia_rtp_sink_close (ComediaRtpSink * self)
{
  ComediaRtpSinkPrivate *priv = self->priv;

  Component *c = priv->shared.exchange (nullptr);
  std::string srtp_error;
  if (c && priv->fixed_srtp_set && !c->srtp_out.clear_fixed (&srtp_error))
    GST_WARNING_OBJECT (self, "stream %u component %u: negotiated SRTP key "
        "refused: %s", c->stream, c->component, srtp_error.c_str ());
  priv->fixed_srtp_set = false;
  if (c && priv->configured_destination)
    c->destination.set_configured (nullptr);
  priv->destination_generation = 0;
  g_clear_object (&priv->destination);
  g_clear_object (&priv->configured_destination);
  g_clear_object (&priv->session);
}

static Component *shared_component (ComediaRtpSink * self);

static GstStateChangeReturn
comedia_rtp_sink_change_state (GstElement * element, GstStateChange transition)
{
  ComediaRtpSink *self = COMEDIA_RTP_SINK (element);

  if (transition == GST_STATE_CHANGE_NULL_TO_READY &&
      !comedia_rtp_sink_open (self)) {
    comedia_rtp_sink_close (self);
    return GST_STATE_CHANGE_FAILURE;
  }

  ComediaRtpSinkPrivate *priv = self->priv;
  /* Keepalives need the socket and its destination before any buffer
   * comes: a silent sink is the reason they exist. */
  const ComediaRtpSinkPrivate::Opened & opened = priv->opened;
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED &&
      opened.keepalive_interval > 0) {
    if (shared_component (self) == nullptr)
      return GST_STATE_CHANGE_FAILURE;
    /* With the burst, as after an answer: the passive side latches at once
     * instead of after probation's worth of intervals. */
    comedia_keepalive_start (priv->session, opened.stream,
        opened.keepalive_interval, (guint8) opened.keepalive_pt, TRUE);
    priv->keepalives_started = true;
  }
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY && priv->keepalives_started) {
    comedia_keepalive_stop (priv->session, opened.stream);
    priv->keepalives_started = false;
  }

  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);

  if (transition == GST_STATE_CHANGE_READY_TO_NULL)
    comedia_rtp_sink_close (self);
  return ret;
}

static gboolean
comedia_rtp_sink_unlock (GstBaseSink * sink)
{
  g_cancellable_cancel (COMEDIA_RTP_SINK (sink)->priv->cancellable);
  return TRUE;
}

static gboolean
comedia_rtp_sink_unlock_stop (GstBaseSink * sink)
{
  ComediaRtpSinkPrivate *priv = COMEDIA_RTP_SINK (sink)->priv;
  g_object_unref (priv->cancellable);
  priv->cancellable = g_cancellable_new ();
  return TRUE;
}

/* The component, opening the session's socket on first use. */
static Component *
shared_component (ComediaRtpSink * self)
{
  ComediaRtpSinkPrivate *priv = self->priv;
  Component *c = priv->shared.load (std::memory_order_acquire);
  if (G_LIKELY (c))
    return c;

  GError *err = nullptr;
  c = comedia_session_open_component (priv->session, priv->opened.stream,
      priv->opened.component, nullptr, &err);
  if (!c) {
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE,
        ("Could not open a UDP socket to send from"), ("%s", err->message));
    g_clear_error (&err);
    return nullptr;
  }
  GST_INFO_OBJECT (self, "sending from port %u", c->slot.local_port ());
  if (priv->opened.srtp_key.enabled ()) {
    std::string error;
    if (!c->srtp_out.set_key (priv->opened.srtp_key, true, &error)) {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("libsrtp refused the srtp-key"), ("%s", error.c_str ()));
      return nullptr;
    }
    priv->fixed_srtp_set = true;
  }
  /* In the component, so the keepalive thread sends there too. */
  if (priv->configured_destination)
    c->destination.set_configured (priv->configured_destination);
  priv->shared.store (c, std::memory_order_release);
  return c;
}

static GSocketAddress *
current_destination (ComediaRtpSink * self, Component * c)
{
  ComediaRtpSinkPrivate *priv = self->priv;
  return c->destination.current (priv->destination_generation,
      priv->destination);
}

static void
count_send_error (ComediaRtpSink * self, Component * c, GError * err)
{
  c->counters.add (comedia::Count::SendErrors);
  /* Unreachable peers are expected in NAT traversal (a port not open yet, a
   * peer gone): counted, never fatal. */
  GST_DEBUG_OBJECT (self, "send failed: %s", err->message);
}

/* Maps every memory of @buffer into @vectors / @maps from index @at;
 * returns how many were mapped. */
static guint
map_buffer (GstBuffer * buffer, GOutputVector * vectors, GstMapInfo * maps,
    guint at)
{
  guint n = gst_buffer_n_memory (buffer);
  guint mapped = 0;
  for (guint i = 0; i < n; i++) {
    GstMemory *mem = gst_buffer_peek_memory (buffer, i);
    GstMapInfo *info = &maps[at + mapped];
    if (!gst_memory_map (mem, info, GST_MAP_READ))
      continue;
    vectors[at + mapped].buffer = info->data;
    vectors[at + mapped].size = info->size;
    mapped++;
  }
  return mapped;
}

static void
unmap_all (GstMapInfo * maps, guint n)
{
  for (guint i = 0; i < n; i++)
    gst_memory_unmap (maps[i].memory, &maps[i]);
}

/* Records, at most once a second, the SSRC of the RTP that @buffer (just
 * sent on @c) carries, for the stream's RTCP keepalives. */
static void
note_media_ssrc (ComediaRtpSink * self, Component * c, GstBuffer * buffer,
    gint64 now)
{
  ComediaRtpSinkPrivate *priv = self->priv;
  if (c->component != comedia::COMPONENT_RTP ||
      G_LIKELY (!priv->ssrc_note.allow (now)))
    return;
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  if (!gst_rtp_buffer_map (buffer, GST_MAP_READ, &rtp))
    return;   /* RTCP on a muxed component, or not RTP at all */
  c->sending.note_rtp_ssrc (gst_rtp_buffer_get_ssrc (&rtp));
  gst_rtp_buffer_unmap (&rtp);
}

/* Room for @n protected packets: each buffer's size and libsrtp's tag. */
static void
reserve_protected (ComediaRtpSinkPrivate * priv, GstBuffer ** buffers, guint n)
{
  gsize total = 0;
  for (guint i = 0; i < n; i++)
    total += gst_buffer_get_size (buffers[i]) + comedia::SrtpSession::kMaxTrailer;
  if (priv->protected_packets.size () < total)
    priv->protected_packets.resize (total);
}

/* Copies @buffer into the scratch at @slot and protects it there (SRTCP
 * for RTCP: on component 2, or muxed on 1), pointing vector @at at it.
 * False when libsrtp refused (counted in protect-errors): not sent. */
static bool
protect_into_slot (ComediaRtpSinkPrivate * priv, Component * c,
    GstBuffer * buffer, gsize & slot, guint at)
{
  guint8 *data = priv->protected_packets.data () + slot;
  gsize size = gst_buffer_get_size (buffer);
  gsize capacity = size + comedia::SrtpSession::kMaxTrailer;
  gst_buffer_extract (buffer, 0, data, size);
  bool rtcp = c->component == comedia::COMPONENT_RTCP ||
      comedia::looks_like_rtcp (data, size);
  size_t len = size;
  if (c->srtp_out.protect (data, len, capacity, rtcp) ==
      comedia::OutgoingProtection::Failed)
    return false;
  slot += capacity;
  priv->vectors[at].buffer = data;
  priv->vectors[at].size = len;
  return true;
}

/* DTLS-SRTP was negotiated and its handshake has not keyed the component
 * yet: media would leave plain.  The RTCP component of a stream with
 * rtcp-mux has no terms of its own; its stream's RTP component has. */
static bool
awaiting_dtls (ComediaRtpSinkPrivate * priv, Component * c)
{
  if (G_LIKELY (c->srtp_out.active ()))
    return false;
  Component *rtp = c->component == comedia::COMPONENT_RTCP ?
      comedia_session_find_component (priv->session, priv->opened.stream,
          comedia::COMPONENT_RTP) : nullptr;
  return c->awaits_dtls_keys (rtp);
}

/* Sends @n buffers to the component's destination with one sendmmsg, as
 * many as it takes: the one path of render and render_list, as
 * multiudpsink has. */
static GstFlowReturn
send_buffers (ComediaRtpSink * self, GstBuffer ** buffers, guint n)
{
  ComediaRtpSinkPrivate *priv = self->priv;
  Component *c = shared_component (self);
  if (G_UNLIKELY (!c))
    return GST_FLOW_ERROR;

  if (G_UNLIKELY (c->sending.on_hold ())) {
    c->counters.add (comedia::Count::DroppedOnHold, n);
    return GST_FLOW_OK;
  }
  if (G_UNLIKELY (awaiting_dtls (priv, c))) {
    c->counters.add (comedia::Count::DroppedAwaitingDtls, n);
    return GST_FLOW_OK;
  }
  GSocketAddress *dest = current_destination (self, c);
  if (!dest) {
    c->counters.add (comedia::Count::DroppedNoPeer, n);
    return GST_FLOW_OK;
  }

  /* Protected, each packet is one vector into our scratch. */
  bool srtp = c->srtp_out.active ();
  guint total_memories = 0;
  for (guint i = 0; i < n; i++)
    total_memories += srtp ? 1 : gst_buffer_n_memory (buffers[i]);
  if (priv->vectors.size () < total_memories) {
    priv->vectors.resize (total_memories);
    priv->maps.resize (total_memories);
  }
  if (priv->messages.size () < n)
    priv->messages.resize (n);

  guint mapped = 0;
  if (G_UNLIKELY (srtp))
    reserve_protected (priv, buffers, n);
  gsize slot = 0;
  guint queued = 0;
  for (guint i = 0; i < n; i++) {
    guint first = mapped;
    if (G_UNLIKELY (srtp)) {
      if (!protect_into_slot (priv, c, buffers[i], slot, first))
        continue;
      mapped++;
    } else {
      mapped += map_buffer (buffers[i], priv->vectors.data (),
          priv->maps.data (), mapped);
    }
    GOutputMessage & m = priv->messages[queued++];
    m.address = nullptr;      /* all to @dest: the sender has it */
    m.vectors = priv->vectors.data () + first;
    m.num_vectors = mapped - first;
    m.bytes_sent = 0;
    m.control_messages = nullptr;
    m.num_control_messages = 0;
  }

  comedia::DatagramSender::Result r = priv->sender.send (c->slot.socket (), dest,
      priv->messages.data (), queued, priv->cancellable,
      [self, c] (GError * err) { count_send_error (self, c, err); });
  GstFlowReturn ret = r.cancelled ? GST_FLOW_FLUSHING : GST_FLOW_OK;
  guint64 sent = r.sent, sent_bytes = r.bytes, calls = r.calls;
  if (G_LIKELY (!srtp))
    unmap_all (priv->maps.data (), mapped);

  /* Counted once per call: the counters are shared with other threads. */
  if (sent > 0) {
    gint64 now = g_get_monotonic_time ();
    c->sending.note_sent (now);
    note_media_ssrc (self, c, buffers[n - 1], now);
  }
  c->counters.add (comedia::Count::SendCalls, calls);
  c->counters.add (comedia::Count::Sent, sent);
  c->counters.add (comedia::Count::SentBytes, sent_bytes);
  return ret;
}

static GstFlowReturn
comedia_rtp_sink_render (GstBaseSink * sink, GstBuffer * buffer)
{
  return send_buffers (COMEDIA_RTP_SINK (sink), &buffer, 1);
}

static GstFlowReturn
comedia_rtp_sink_render_list (GstBaseSink * sink, GstBufferList * list)
{
  ComediaRtpSink *self = COMEDIA_RTP_SINK (sink);
  std::vector<GstBuffer *> &buffers = self->priv->buffers;
  guint n = gst_buffer_list_length (list);
  buffers.resize (n);
  for (guint i = 0; i < n; i++)
    buffers[i] = gst_buffer_list_get (list, i);
  return send_buffers (self, buffers.data (), n);
}

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-comedia-dtlssrtpenc
 * @title: comedia-dtlssrtpenc
 * @see_also: comedia-dtlssrtpdec, nicesink, nicesrc, sdp-negotiator, rtpbin
 *
 * SRTP on one ICE component, keyed by DTLS-SRTP (RFC 5763/5764) or by
 * SDES (RFC 4568, a=crypto), the sending half: put it between rtpbin and
 * libnice's nicesink.  It protects what it gets with the outbound SRTP key
 * of the handshake that the comedia-dtlssrtpdec of the same session,
 * stream and component runs (the decoder receives the handshake's
 * datagrams, so it owns it), or, when sdp-negotiator settled a=crypto keys
 * for the stream, with our a=crypto key: RTP as SRTP, and RTCP (payload
 * types 192 to 223 by RFC 5761's rule, or everything on component 2) as
 * SRTCP.  With rtcp-mux, link rtpbin's send_rtcp_src to the `rtcp_sink`
 * request pad: that RTCP goes out as SRTCP on the same component.
 *
 * BUNDLE (RFC 9143, sdp-negotiator bundle-policy=max-bundle): request
 * `sink_%u` (and `rtcp_sink_%u`) for bundled stream %u, another rtpbin
 * session: its RTP and RTCP leave through the same component and
 * association, protected with the same key; the SSRCs it sends are told to
 * the decoder, so that RTCP naming them goes to that stream.  When the
 * answer negotiated the mid header extension, every RTP packet carries its
 * stream's mid in it (RFC 9143 9.1): Chromium demultiplexes a bundle by it
 * and drops bundled RTP of an SSRC no mid or a=ssrc named.
 *
 * Until the handshake has completed with a verified peer certificate (and
 * after it failed), or without SDES keys, nothing is sent: plain RTP never
 * leaves through this element (plain RTP over ICE links rtpbin to nicesink
 * directly).  What is dropped so, and what libsrtp refused, is counted in
 * #ComediaDtlsSrtpEnc:stats.
 *
 * ## Example launch line: send VP8 over ICE with DTLS-SRTP and rtcp-mux
 * |[
 * gst-launch-1.0 rtpbin name=rb \
 *   tcpserversrc port=7000 ! sdp-negotiator ! tcpserversink port=7001 async=false \
 *   nicesrc stream=1 component=1 ! comedia-dtlssrtpdec stream=1 component=1 ! \
 *     "application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96" ! rb.recv_rtp_sink_0 \
 *   videotestsrc is-live=true ! vp8enc deadline=1 ! rtpvp8pay ! rb.send_rtp_sink_0 \
 *   rb.send_rtp_src_0 ! comedia-dtlssrtpenc stream=1 component=1 name=enc ! \
 *     nicesink stream=1 component=1 sync=false async=false \
 *   rb.send_rtcp_src_0 ! enc.rtcp_sink \
 *   rb. ! fakesink async=false
 * ]|
 */
#include "config.h"

#include "comediadtlssrtpenc.h"
#include "comediaelements.h"
#include "dtlssrtpshared.h"
#include "packetfacts.h"

#include <gst/rtp/gstrtpbuffer.h>

#include <atomic>
#include <mutex>

GST_DEBUG_CATEGORY_STATIC (comedia_dtls_srtp_enc_debug);
#define GST_CAT_DEFAULT comedia_dtls_srtp_enc_debug

enum {
  PROP_0,
  PROP_SESSION,
  PROP_STREAM,
  PROP_COMPONENT,
  PROP_STATS,
};

static const comedia::ComponentPropertyIds component_ids = {
  PROP_SESSION, PROP_STREAM, PROP_COMPONENT
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("application/x-rtp; application/x-rtcp"));
static GstStaticPadTemplate rtcp_sink_template =
GST_STATIC_PAD_TEMPLATE ("rtcp_sink", GST_PAD_SINK, GST_PAD_REQUEST,
    GST_STATIC_CAPS ("application/x-rtcp"));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
/* BUNDLE: bundled stream %u's RTP and RTCP, sent on this component too. */
static GstStaticPadTemplate bundle_sink_template =
GST_STATIC_PAD_TEMPLATE ("sink_%u", GST_PAD_SINK, GST_PAD_REQUEST,
    GST_STATIC_CAPS ("application/x-rtp; application/x-rtcp"));
static GstStaticPadTemplate bundle_rtcp_sink_template =
GST_STATIC_PAD_TEMPLATE ("rtcp_sink_%u", GST_PAD_SINK, GST_PAD_REQUEST,
    GST_STATIC_CAPS ("application/x-rtcp"));

/* What a BUNDLE request pad carries (its element_private). */
struct BundleSink {
  guint stream = 0;
  bool rtcp = false;
  bool ssrc_known = false;
  guint32 ssrc = 0;           /* the last one noted in the component */
};

struct ComediaDtlsSrtpEncPrivate {
  std::mutex lock;            /* guards the properties and held */
  comedia::ComponentProperties properties;
  comedia::HeldComponent held;

  GstPad *sink = nullptr, *src = nullptr, *rtcp_sink = nullptr;
  /* sink and rtcp_sink push from two threads: one at a time on src. */
  std::mutex push_lock;
  bool src_opened = false;    /* src had its segment: RTCP may follow */

  /* BUNDLE: the routes the negotiator set (for the mids to send), as
   * of routes_generation; sink_chain runs on every sink pad's thread. */
  std::mutex routes_lock;
  comedia::BundleRoutes routes;
  guint64 routes_generation = 0;

  std::atomic<guint64> sent_rtp{0}, sent_rtcp{0}, dropped_before{0},
      protect_errors{0}, mid_added{0};
};

struct _ComediaDtlsSrtpEnc {
  GstElement parent;
  ComediaDtlsSrtpEncPrivate *priv;
};

#define comedia_dtls_srtp_enc_parent_class parent_class
G_DEFINE_TYPE (ComediaDtlsSrtpEnc, comedia_dtls_srtp_enc, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (comedia_dtlssrtpenc, "comedia-dtlssrtpenc",
    GST_RANK_NONE, COMEDIA_TYPE_DTLS_SRTP_ENC);

static void comedia_dtls_srtp_enc_finalize (GObject * object);
static void comedia_dtls_srtp_enc_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void comedia_dtls_srtp_enc_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn comedia_dtls_srtp_enc_change_state (GstElement * element,
    GstStateChange transition);
static GstPad *comedia_dtls_srtp_enc_request_new_pad (GstElement * element,
    GstPadTemplate * templ, const gchar * name, const GstCaps * caps);
static void comedia_dtls_srtp_enc_release_pad (GstElement * element, GstPad * pad);
static GstFlowReturn sink_chain (GstPad * pad, GstObject * parent, GstBuffer * buf);
static gboolean sink_event (GstPad * pad, GstObject * parent, GstEvent * event);
static void note_bundled_ssrc (comedia::Component * component, BundleSink * bundled,
    GstBuffer * buf);
static GstBuffer *with_mid (ComediaDtlsSrtpEncPrivate * priv,
    comedia::Component * component, BundleSink * bundled, GstBuffer * buf);

static void
comedia_dtls_srtp_enc_class_init (ComediaDtlsSrtpEncClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (comedia_dtls_srtp_enc_debug, "comedia-dtlssrtpenc", 0,
      "comedia DTLS-SRTP over ICE, sending");

  gobject_class->finalize = comedia_dtls_srtp_enc_finalize;
  gobject_class->set_property = comedia_dtls_srtp_enc_set_property;
  gobject_class->get_property = comedia_dtls_srtp_enc_get_property;

  comedia::install_component_properties (gobject_class, component_ids,
      "Name of the shared session: the comedia-dtlssrtpdec with the same "
      "session, stream and component runs the handshake whose outbound key "
      "this element protects with",
      "ICE component the downstream nicesink sends on: 1 for RTP (and RTCP "
      "on rtcp_sink with rtcp-mux), 2 for RTCP; each has its own handshake");
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Counters as a GstStructure: sent-rtp and sent-rtcp (protected and "
          "pushed), dropped-before-handshake (no key yet, or the handshake "
          "failed: never sent in the clear), protect-errors (libsrtp refused), "
          "bundle-mid-added (BUNDLE: RTP given its stream's mid header "
          "extension, as the answer's a=extmap numbers it)",
          GST_TYPE_STRUCTURE, (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  element_class->change_state = comedia_dtls_srtp_enc_change_state;
  element_class->request_new_pad = comedia_dtls_srtp_enc_request_new_pad;
  element_class->release_pad = comedia_dtls_srtp_enc_release_pad;
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &rtcp_sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_add_static_pad_template (element_class, &bundle_sink_template);
  gst_element_class_add_static_pad_template (element_class, &bundle_rtcp_sink_template);
  gst_element_class_set_static_metadata (element_class,
      "DTLS-SRTP over ICE, sending", "Filter/Network/RTP",
      "Protects RTP and RTCP with the outbound key of the DTLS handshake of "
      "one ICE component, or with its a=crypto key (for nicesink)", "comedia developers");
}

static void
comedia_dtls_srtp_enc_init (ComediaDtlsSrtpEnc * self)
{
  ComediaDtlsSrtpEncPrivate *priv = new ComediaDtlsSrtpEncPrivate ();
  self->priv = priv;
  priv->sink = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (priv->sink, sink_chain);
  gst_pad_set_event_function (priv->sink, sink_event);
  GST_PAD_SET_PROXY_CAPS (priv->sink);
  gst_element_add_pad (GST_ELEMENT (self), priv->sink);
  priv->src = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_use_fixed_caps (priv->src);
  gst_element_add_pad (GST_ELEMENT (self), priv->src);
}

static void
comedia_dtls_srtp_enc_finalize (GObject * object)
{
  delete COMEDIA_DTLS_SRTP_ENC (object)->priv;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
comedia_dtls_srtp_enc_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  ComediaDtlsSrtpEncPrivate *priv = COMEDIA_DTLS_SRTP_ENC (object)->priv;
  std::lock_guard<std::mutex> guard (priv->lock);
  if (!comedia::set_component_property (priv->properties, component_ids, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
comedia_dtls_srtp_enc_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  ComediaDtlsSrtpEncPrivate *priv = COMEDIA_DTLS_SRTP_ENC (object)->priv;
  if (prop_id == PROP_STATS) {
    auto get = [] (const std::atomic<guint64> &v) {
      return v.load (std::memory_order_relaxed);
    };
    g_value_take_boxed (value, gst_structure_new ("comedia-dtlssrtpenc-stats",
            "sent-rtp", G_TYPE_UINT64, get (priv->sent_rtp),
            "sent-rtcp", G_TYPE_UINT64, get (priv->sent_rtcp),
            "dropped-before-handshake", G_TYPE_UINT64, get (priv->dropped_before),
            "protect-errors", G_TYPE_UINT64, get (priv->protect_errors),
            "bundle-mid-added", G_TYPE_UINT64, get (priv->mid_added), nullptr));
    return;
  }
  std::lock_guard<std::mutex> guard (priv->lock);
  if (!comedia::get_component_property (priv->properties, component_ids, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

/* A protected copy of @buf (its timestamps kept), or NULL: no key yet,
 * or libsrtp refused. */
static GstBuffer *
protect (ComediaDtlsSrtpEncPrivate * priv, comedia::Component * component,
    GstBuffer * buf, bool rtcp)
{
  if (!component->srtp_out.active ()) {
    priv->dropped_before.fetch_add (1, std::memory_order_relaxed);
    return nullptr;
  }
  gsize len = gst_buffer_get_size (buf);
  gsize capacity = len + comedia::SrtpSession::kMaxTrailer;
  GstBuffer *out = gst_buffer_new_allocate (nullptr, capacity, nullptr);
  gst_buffer_copy_into (out, buf, GST_BUFFER_COPY_METADATA, 0, -1);
  GstMapInfo map;
  gst_buffer_map (out, &map, GST_MAP_WRITE);
  gst_buffer_extract (buf, 0, map.data, len);
  size_t size = len;
  comedia::OutgoingProtection r = component->srtp_out.protect (map.data, size,
      capacity, rtcp);
  gst_buffer_unmap (out, &map);
  if (r != comedia::OutgoingProtection::Protected) {
    /* Plain: the key went away in between; Failed: counted by the
     * component too. */
    (r == comedia::OutgoingProtection::Plain ? priv->dropped_before
        : priv->protect_errors).fetch_add (1, std::memory_order_relaxed);
    gst_buffer_unref (out);
    return nullptr;
  }
  gst_buffer_set_size (out, size);
  return out;
}

static GstFlowReturn
sink_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  ComediaDtlsSrtpEnc *self = COMEDIA_DTLS_SRTP_ENC (parent);
  ComediaDtlsSrtpEncPrivate *priv = self->priv;
  comedia::Component *component = priv->held.component;
  GstFlowReturn ret = GST_FLOW_OK;
  GstMapInfo map;
  BundleSink *bundled = static_cast<BundleSink *> (gst_pad_get_element_private (pad));
  bool rtcp = component && (pad == priv->rtcp_sink || (bundled && bundled->rtcp)
      || component->component == comedia::COMPONENT_RTCP);
  if (component && !rtcp && gst_buffer_map (buf, &map, GST_MAP_READ)) {
    rtcp = comedia::looks_like_rtcp (map.data, map.size);
    gst_buffer_unmap (buf, &map);
  }
  if (component && bundled && !rtcp)
    note_bundled_ssrc (component, bundled, buf);
  if (component && !rtcp)
    buf = with_mid (priv, component, bundled, buf);
  GstBuffer *out = component ? protect (priv, component, buf, rtcp) : nullptr;
  gst_buffer_unref (buf);
  if (!out)
    return GST_FLOW_OK;
  std::lock_guard<std::mutex> guard (priv->push_lock);
  if (!priv->src_opened) {
    gst_buffer_unref (out);   /* RTCP before the RTP stream began */
    return GST_FLOW_OK;
  }
  (rtcp ? priv->sent_rtcp : priv->sent_rtp).fetch_add (1, std::memory_order_relaxed);
  ret = gst_pad_push (priv->src, out);
  /* nicesink has no peer to refuse: an RTCP pad's error is not the
   * stream's. */
  return pad != priv->sink && ret == GST_FLOW_NOT_LINKED ? GST_FLOW_OK : ret;
}

static gboolean
sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  ComediaDtlsSrtpEncPrivate *priv = COMEDIA_DTLS_SRTP_ENC (parent)->priv;
  if (pad != priv->sink) {
    /* src carries sink's stream; the RTCP and the bundled streams of the
     * request pads join it. */
    gst_event_unref (event);
    return TRUE;
  }
  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS) {
    /* What leaves is SRTP: the RTP caps would say otherwise. */
    gst_event_unref (event);
    GstCaps *caps = gst_caps_new_empty_simple ("application/x-srtp");
    event = gst_event_new_caps (caps);
    gst_caps_unref (caps);
  }
  if (!GST_EVENT_IS_SERIALIZED (event))
    return gst_pad_push_event (priv->src, event);
  std::lock_guard<std::mutex> guard (priv->push_lock);
  if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT)
    priv->src_opened = true;
  return gst_pad_push_event (priv->src, event);
}

/* ---- BUNDLE ----------------------------------------------------------- */

/* The SSRCs a bundled stream sends, for the decoder: RTCP naming them goes
 * to that stream.  Noted when one changes, not per packet. */
static void
note_bundled_ssrc (comedia::Component * component, BundleSink * bundled, GstBuffer * buf)
{
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  if (!gst_rtp_buffer_map (buf, GST_MAP_READ, &rtp))
    return;
  guint32 ssrc = gst_rtp_buffer_get_ssrc (&rtp);
  gst_rtp_buffer_unmap (&rtp);
  if (bundled->ssrc_known && bundled->ssrc == ssrc)
    return;
  bundled->ssrc_known = true;
  bundled->ssrc = ssrc;
  component->bundle.note_sent (ssrc, bundled->stream);
}

/* @buf with its stream's mid header extension when the negotiated bundle
 * has one (RFC 9143 9.1: a browser demultiplexes by it; the decoder
 * routes by it too), on every packet: a new SSRC is learnt at once. */
static GstBuffer *
with_mid (ComediaDtlsSrtpEncPrivate * priv, comedia::Component * component,
    BundleSink * bundled, GstBuffer * buf)
{
  std::string mid;
  guint8 id;
  {
    std::lock_guard<std::mutex> guard (priv->routes_lock);
    std::vector<std::pair<guint32, guint>> sent;
    component->bundle.since (priv->routes_generation, priv->routes, sent);
    if (!priv->routes.bundled () || priv->routes.mid_extension_id == 0)
      return buf;
    id = priv->routes.mid_extension_id;
    mid = comedia::mid_of_stream (priv->routes, bundled ? bundled->stream : component->stream);
  }
  buf = gst_buffer_make_writable (buf);
  if (comedia::add_mid_extension (buf, id, mid))
    priv->mid_added.fetch_add (1, std::memory_order_relaxed);
  return buf;
}

/* sink_%u / rtcp_sink_%u: bundled stream %u (the name's number, or the
 * lowest free one from 2). */
static GstPad *
request_bundle_sink (GstElement * element, GstPadTemplate * templ, const gchar * name)
{
  bool rtcp = g_str_has_prefix (GST_PAD_TEMPLATE_NAME_TEMPLATE (templ), "rtcp_");
  const char *prefix = rtcp ? "rtcp_sink_" : "sink_";
  guint64 stream = 0;
  if (name != nullptr && (!g_str_has_prefix (name, prefix) || !g_ascii_string_to_unsigned (
              name + strlen (prefix), 10, 1, G_MAXUINT, &stream, nullptr)))
    return nullptr;
  for (guint n = 2; stream == 0; n++) {
    gchar *candidate = g_strdup_printf ("%s%u", prefix, n);
    GstPad *taken = gst_element_get_static_pad (element, candidate);
    g_free (candidate);
    if (taken)
      gst_object_unref (taken);
    else
      stream = n;
  }
  gchar *pad_name = g_strdup_printf ("%s%u", prefix, (guint) stream);
  GstPad *existing = gst_element_get_static_pad (element, pad_name);
  if (existing) {
    gst_object_unref (existing);
    g_free (pad_name);
    return nullptr;
  }
  GstPad *pad = gst_pad_new_from_template (templ, pad_name);
  g_free (pad_name);
  BundleSink *info = new BundleSink ();
  info->stream = (guint) stream;
  info->rtcp = rtcp;
  gst_pad_set_element_private (pad, info);
  gst_pad_set_chain_function (pad, sink_chain);
  gst_pad_set_event_function (pad, sink_event);
  gst_pad_set_active (pad, TRUE);
  gst_element_add_pad (element, pad);
  return pad;
}

static GstPad *
comedia_dtls_srtp_enc_request_new_pad (GstElement * element, GstPadTemplate * templ,
    const gchar * name, const GstCaps * caps)
{
  ComediaDtlsSrtpEncPrivate *priv = COMEDIA_DTLS_SRTP_ENC (element)->priv;
  if (g_str_has_suffix (GST_PAD_TEMPLATE_NAME_TEMPLATE (templ), "_%u"))
    return request_bundle_sink (element, templ, name);
  GST_OBJECT_LOCK (element);
  bool taken = priv->rtcp_sink != nullptr;
  GST_OBJECT_UNLOCK (element);
  if (taken)
    return nullptr;   /* one component, one RTCP stream */
  GstPad *pad = gst_pad_new_from_template (templ, "rtcp_sink");
  gst_pad_set_chain_function (pad, sink_chain);
  gst_pad_set_event_function (pad, sink_event);
  GST_OBJECT_LOCK (element);
  priv->rtcp_sink = pad;
  GST_OBJECT_UNLOCK (element);
  gst_pad_set_active (pad, TRUE);
  gst_element_add_pad (element, pad);
  return pad;
}

static void
comedia_dtls_srtp_enc_release_pad (GstElement * element, GstPad * pad)
{
  ComediaDtlsSrtpEncPrivate *priv = COMEDIA_DTLS_SRTP_ENC (element)->priv;
  GST_OBJECT_LOCK (element);
  if (pad == priv->rtcp_sink)
    priv->rtcp_sink = nullptr;
  GST_OBJECT_UNLOCK (element);
  gst_pad_set_active (pad, FALSE);
  /* Deactivated: no chain call can see it any more. */
  delete static_cast<BundleSink *> (gst_pad_get_element_private (pad));
  gst_pad_set_element_private (pad, nullptr);
  gst_element_remove_pad (element, pad);
}

static GstStateChangeReturn
comedia_dtls_srtp_enc_change_state (GstElement * element, GstStateChange transition)
{
  ComediaDtlsSrtpEncPrivate *priv = COMEDIA_DTLS_SRTP_ENC (element)->priv;
  if (transition == GST_STATE_CHANGE_NULL_TO_READY) {
    std::lock_guard<std::mutex> guard (priv->lock);
    priv->held.acquire (priv->properties);
    std::lock_guard<std::mutex> routes_guard (priv->routes_lock);
    priv->routes = comedia::BundleRoutes ();   /* another component's, if any */
    priv->routes_generation = 0;
  } else if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    std::lock_guard<std::mutex> guard (priv->push_lock);
    priv->src_opened = false;
  }
  GstStateChangeReturn ret = GST_ELEMENT_CLASS (parent_class)->change_state (element,
      transition);
  if (transition == GST_STATE_CHANGE_READY_TO_NULL) {
    std::lock_guard<std::mutex> guard (priv->lock);
    priv->held.release ();
  }
  return ret;
}

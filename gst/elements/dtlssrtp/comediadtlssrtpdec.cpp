/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-comedia-dtlssrtpdec
 * @title: comedia-dtlssrtpdec
 * @see_also: comedia-dtlssrtpenc, nicesrc, nicesink, sdp-negotiator, rtpbin
 *
 * SRTP on one ICE component, keyed by DTLS-SRTP (RFC 5763/5764) or by
 * SDES (RFC 4568, a=crypto), the receiving half: put it between libnice's
 * nicesrc and rtpbin.  What nicesrc delivers is told
 * apart by its first byte (RFC 7983): DTLS records go to the component's
 * handshake, whose answers leave through the same ICE component
 * (nice_agent_send on the NiceAgent of the nicesrc upstream, taken when
 * the element goes from READY to PAUSED); SRTP and SRTCP are authenticated
 * and decrypted with libsrtp under the key the handshake exported (or,
 * when sdp-negotiator settled SDES keys (a=crypto) for the stream, under
 * the peer's a=crypto key, with no handshake: SDES over ICE, as SIP phones
 * with ICE offer it), and
 * pushed as RTP on `src` and, for RTCP multiplexed on the component
 * (rtcp-mux, RFC 5761), as RTCP on `rtcp_src` (a sometimes pad, added on
 * component 1 when the stream starts, as on comedia-rtpsrc).  Media that
 * arrives before the handshake completed, or that does not authenticate,
 * is dropped and counted in #ComediaDtlsSrtpDec:stats.  The other key of
 * the handshake goes to the comedia-dtlssrtpenc of the same session,
 * stream and component, which sends nothing until it has it (SDES: our
 * a=crypto key, from sdp-negotiator).
 *
 * The terms of the handshake (our role, the peer's a=fingerprint, our
 * certificate) come from sdp-negotiator through the shared session; the
 * #ComediaDtlsSrtpDec:dtls-fingerprint property (with
 * #ComediaDtlsSrtpDec:dtls-role) sets them without a negotiator, and wins
 * over negotiated terms.  The handshake completes only with a peer
 * certificate whose digest matches: otherwise nothing passes, a warning
 * names the stream and both fingerprints.  Without rtcp-mux, component 2
 * has its own element pair and its own handshake.
 *
 * BUNDLE (RFC 9143, sdp-negotiator bundle-policy=max-bundle): one
 * component carries several streams.  Request `src_%u` (and `rtcp_src_%u`)
 * for bundled stream %u, the sdp-negotiator's stream number of its m-line:
 * each decrypted packet goes to its stream by the mid header extension when
 * negotiated, else an SSRC learnt from earlier packets, else its payload
 * type (RTCP: by the SSRCs it names, else the element's own stream), from
 * the routes the negotiator left in the session; `src` and `rtcp_src` keep
 * the element's own stream.  Nothing bundled: everything on `src`, as
 * without the pads.
 *
 * Each change of the handshake posts a `comedia-dtls` element message with
 * `state` (started, verified, failed, closed), `stream`, `component`, and
 * `suite` and `peer-fingerprint` once verified, or `reason`.
 *
 * ## Example launch line: receive and send VP8 over ICE with DTLS-SRTP
 * |[
 * gst-launch-1.0 -m rtpbin name=rb \
 *   tcpserversrc port=7000 ! sdp-negotiator ! tcpserversink port=7001 async=false \
 *   nicesrc stream=1 component=1 ! comedia-dtlssrtpdec stream=1 component=1 name=dec ! \
 *     "application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96" ! rb.recv_rtp_sink_0 \
 *   dec.rtcp_src ! rb.recv_rtcp_sink_0 \
 *   videotestsrc is-live=true ! vp8enc deadline=1 ! rtpvp8pay ! rb.send_rtp_sink_0 \
 *   rb.send_rtp_src_0 ! comedia-dtlssrtpenc stream=1 component=1 name=enc ! \
 *     nicesink stream=1 component=1 sync=false async=false \
 *   rb.send_rtcp_src_0 ! enc.rtcp_sink \
 *   rb. ! rtpvp8depay ! vp8dec ! fakesink async=false
 * ]|
 */
#include "config.h"

#include "comediadtlssrtpdec.h"
#include "bundlepads.h"
#include "earlymedia.h"
#include "bundleroute.h"
#include "comediaelements.h"
#include "comediaenums.h"
#include "dtlsreceiver.h"
#include "dtlssrtpshared.h"
#include "icedtls.h"
#include "packetclass.h"
#include "packetfacts.h"
#include "sourcepads.h"
#include "srtpkeysource.h"

#include <nice/agent.h>

#include <atomic>
#include <memory>
#include <mutex>

GST_DEBUG_CATEGORY_STATIC (comedia_dtls_srtp_dec_debug);
#define GST_CAT_DEFAULT comedia_dtls_srtp_dec_debug

using comedia::DtlsState;
using comedia::IceDtlsEvent;
using comedia::Side;

enum {
  PROP_0,
  PROP_SESSION,
  PROP_STREAM,
  PROP_COMPONENT,
  PROP_DTLS_FINGERPRINT,
  PROP_DTLS_ROLE,
  PROP_DTLS_LOCAL_FINGERPRINT,
  PROP_STATS,
};

#define DEFAULT_DTLS_ROLE COMEDIA_DTLS_ROLE_SERVER

static const comedia::ComponentPropertyIds component_ids = {
  PROP_SESSION, PROP_STREAM, PROP_COMPONENT
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("application/x-rtp; application/x-rtcp"));
static GstStaticPadTemplate rtcp_src_template =
GST_STATIC_PAD_TEMPLATE ("rtcp_src", GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS ("application/x-rtcp"));
/* BUNDLE: bundled stream %u's RTP and RTCP. */
static GstStaticPadTemplate bundle_src_template =
GST_STATIC_PAD_TEMPLATE ("src_%u", GST_PAD_SRC, GST_PAD_REQUEST,
    GST_STATIC_CAPS ("application/x-rtp"));
static GstStaticPadTemplate bundle_rtcp_src_template =
GST_STATIC_PAD_TEMPLATE ("rtcp_src_%u", GST_PAD_SRC, GST_PAD_REQUEST,
    GST_STATIC_CAPS ("application/x-rtcp"));

static gboolean src_query (GstPad * pad, GstObject * parent, GstQuery * query);

struct ComediaDtlsSrtpDecPrivate {
  explicit ComediaDtlsSrtpDecPrivate (ComediaDtlsSrtpDec * element)
    : pads (GST_ELEMENT (element), &src_template, &rtcp_src_template, src_query),
      bundle_pads (GST_ELEMENT (element)) {}

  std::mutex lock;            /* guards the properties */
  comedia::ComponentProperties properties;
  std::string fingerprint_text;
  gint role = DEFAULT_DTLS_ROLE;
  std::string local_fingerprint;

  /* NULL->READY to READY->NULL. */
  comedia::HeldComponent held;
  std::vector<comedia::Fingerprint> fixed_expected;
  /* READY->PAUSED to PAUSED->READY. */
  NiceAgent *agent = nullptr;   /* the handshake's datagrams leave through it */
  std::unique_ptr<comedia::IceDtlsLink> link;

  std::mutex srtp_lock;       /* the inbound session: the event sets it */
  std::unique_ptr<comedia::SrtpSession> inbound;
  comedia::SdesInboundKey sdes;   /* or the negotiated a=crypto key */

  /* Streaming thread. */
  comedia::SourcePads pads;
  bool started = false;
  GstPad *sink = nullptr;

  /* BUNDLE (streaming thread): the routes the negotiator set, the
   * request pads of the bundled streams. */
  comedia::BundleRouter router;
  guint64 routes_generation = 0;
  comedia::BundleSourcePads bundle_pads;

  /* Streaming thread: SRTP that came before the keys (stop_link empties
   * it, with the streaming thread stopped). */
  comedia::EarlyMediaHold early;

  std::atomic<guint64> dropped_before{0}, held_before{0}, auth_failed{0},
      replayed{0}, passed_rtp{0}, passed_rtcp{0}, not_media{0}, unrouted{0},
      routed_by_mid{0};
};

struct _ComediaDtlsSrtpDec {
  GstElement parent;
  ComediaDtlsSrtpDecPrivate *priv;
};

#define comedia_dtls_srtp_dec_parent_class parent_class
G_DEFINE_TYPE (ComediaDtlsSrtpDec, comedia_dtls_srtp_dec, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (comedia_dtlssrtpdec, "comedia-dtlssrtpdec",
    GST_RANK_NONE, COMEDIA_TYPE_DTLS_SRTP_DEC);

static void comedia_dtls_srtp_dec_finalize (GObject * object);
static void comedia_dtls_srtp_dec_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void comedia_dtls_srtp_dec_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn comedia_dtls_srtp_dec_change_state (GstElement * element,
    GstStateChange transition);
static GstFlowReturn sink_chain (GstPad * pad, GstObject * parent, GstBuffer * buf);
static gboolean sink_event (GstPad * pad, GstObject * parent, GstEvent * event);
static gboolean sink_query (GstPad * pad, GstObject * parent, GstQuery * query);
static GstPad *request_bundle_pad (GstElement * element, GstPadTemplate * templ,
    const gchar * name, const GstCaps * caps);
static void release_bundle_pad (GstElement * element, GstPad * pad);

static void
comedia_dtls_srtp_dec_class_init (ComediaDtlsSrtpDecClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (comedia_dtls_srtp_dec_debug, "comedia-dtlssrtpdec", 0,
      "comedia DTLS-SRTP over ICE, receiving");

  gobject_class->finalize = comedia_dtls_srtp_dec_finalize;
  gobject_class->set_property = comedia_dtls_srtp_dec_set_property;
  gobject_class->get_property = comedia_dtls_srtp_dec_get_property;

  comedia::install_component_properties (gobject_class, component_ids,
      "Name of the shared session: the comedia-dtlssrtpenc (and sdp-negotiator) "
      "with the same session, stream and component share this element's "
      "handshake: the encoder protects with its outbound key",
      "ICE component the upstream nicesrc reads: 1 for RTP (and RTCP with "
      "rtcp-mux), 2 for RTCP; each has its own handshake");
  GParamFlags ready = (GParamFlags) (G_PARAM_READWRITE |
      G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  g_object_class_install_property (gobject_class, PROP_DTLS_FINGERPRINT,
      g_param_spec_string ("dtls-fingerprint", "DTLS fingerprint",
          "The peer's a=fingerprint (\"sha-256 AB:CD:...\", several separated "
          "by ','), for use without sdp-negotiator: the handshake runs in "
          "dtls-role with these terms, which win over negotiated ones. Empty: "
          "the negotiated terms", "", ready));
  g_object_class_install_property (gobject_class, PROP_DTLS_ROLE,
      g_param_spec_enum ("dtls-role", "DTLS role",
          "Our DTLS role with dtls-fingerprint: server waits for the peer's "
          "ClientHello, client sends it (sdp-negotiator decides it otherwise)",
          COMEDIA_TYPE_DTLS_ROLE, DEFAULT_DTLS_ROLE, ready));
  g_object_class_install_property (gobject_class, PROP_DTLS_LOCAL_FINGERPRINT,
      g_param_spec_string ("dtls-local-fingerprint", "DTLS local fingerprint",
          "The sha-256 fingerprint of this process's DTLS certificate, for the "
          "peer's a=fingerprint when dtls-fingerprint is used; set from READY "
          "up", "", (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Counters as a GstStructure: dtls-state (new, handshaking, "
          "connected, failed, closed), dtls-received and dtls-sent (handshake "
          "datagrams), dtls-send-failures (nice_agent_send refused: no ICE "
          "pair yet), dtls-failures, held-before-handshake (SRTP/SRTCP that "
          "came before the keys, held and then unprotected: a browser sends "
          "the moment its side of the handshake ends, before ours), "
          "dropped-before-handshake (SRTP/SRTCP before the keys beyond what "
          "is held: more than 128 packets, or older than 2 s), auth-failed, replayed, passed-rtp, passed-rtcp, "
          "not-media (neither DTLS nor RTP/RTCP), bundle-unrouted (BUNDLE: RTP "
          "of no known bundled stream, or of one without its src_%u pad), "
          "bundle-routed-by-mid (BUNDLE: RTP whose mid header extension named "
          "its stream; the rest go by SSRC, then payload type)",
          GST_TYPE_STRUCTURE,
          (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  element_class->change_state = comedia_dtls_srtp_dec_change_state;
  element_class->request_new_pad = request_bundle_pad;
  element_class->release_pad = release_bundle_pad;
  gst_element_class_add_static_pad_template (element_class, &bundle_src_template);
  gst_element_class_add_static_pad_template (element_class, &bundle_rtcp_src_template);
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_add_static_pad_template (element_class, &rtcp_src_template);
  gst_element_class_set_static_metadata (element_class,
      "DTLS-SRTP over ICE, receiving", "Filter/Network/RTP",
      "Runs the DTLS handshake of one ICE component (from nicesrc) and "
      "decrypts its SRTP/SRTCP with the handshake's key (or the negotiated "
      "a=crypto key)",
      "comedia developers");
  gst_type_mark_as_plugin_api (COMEDIA_TYPE_DTLS_ROLE, (GstPluginAPIFlags) 0);
}

static void
comedia_dtls_srtp_dec_init (ComediaDtlsSrtpDec * self)
{
  self->priv = new ComediaDtlsSrtpDecPrivate (self);
  GstPad *sink = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (sink, sink_chain);
  gst_pad_set_event_function (sink, sink_event);
  gst_pad_set_query_function (sink, sink_query);
  gst_element_add_pad (GST_ELEMENT (self), sink);
  self->priv->sink = sink;
}

static void
comedia_dtls_srtp_dec_finalize (GObject * object)
{
  ComediaDtlsSrtpDec *self = COMEDIA_DTLS_SRTP_DEC (object);
  delete self->priv;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static GstStructure *
create_stats (ComediaDtlsSrtpDec * self)
{
  ComediaDtlsSrtpDecPrivate *priv = self->priv;
  comedia::IceDtlsLink::Counts c;
  DtlsState state = DtlsState::New;
  {
    std::lock_guard<std::mutex> guard (priv->lock);
    if (priv->link) {
      c = priv->link->counts ();
      state = priv->link->state ();
    }
  }
  auto get = [] (const std::atomic<guint64> &v) {
    return v.load (std::memory_order_relaxed);
  };
  return gst_structure_new ("comedia-dtlssrtpdec-stats",
      "dtls-state", G_TYPE_STRING, comedia::dtls_state_name (state),
      "dtls-received", G_TYPE_UINT64, c.datagrams_in,
      "dtls-sent", G_TYPE_UINT64, c.datagrams_out,
      "dtls-send-failures", G_TYPE_UINT64, c.send_failures,
      "dtls-failures", G_TYPE_UINT64, c.failures,
      "held-before-handshake", G_TYPE_UINT64, get (priv->held_before),
      "dropped-before-handshake", G_TYPE_UINT64, get (priv->dropped_before),
      "auth-failed", G_TYPE_UINT64, get (priv->auth_failed),
      "replayed", G_TYPE_UINT64, get (priv->replayed),
      "passed-rtp", G_TYPE_UINT64, get (priv->passed_rtp),
      "passed-rtcp", G_TYPE_UINT64, get (priv->passed_rtcp),
      "not-media", G_TYPE_UINT64, get (priv->not_media),
      "bundle-unrouted", G_TYPE_UINT64, get (priv->unrouted),
      "bundle-routed-by-mid", G_TYPE_UINT64, get (priv->routed_by_mid), nullptr);
}

static void
comedia_dtls_srtp_dec_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  ComediaDtlsSrtpDecPrivate *priv = COMEDIA_DTLS_SRTP_DEC (object)->priv;
  std::lock_guard<std::mutex> guard (priv->lock);
  if (comedia::set_component_property (priv->properties, component_ids, prop_id, value))
    return;
  switch (prop_id) {
    case PROP_DTLS_FINGERPRINT: {
      const gchar *text = g_value_get_string (value);
      priv->fingerprint_text = text ? text : "";
      break;
    }
    case PROP_DTLS_ROLE:
      priv->role = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
comedia_dtls_srtp_dec_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  ComediaDtlsSrtpDec *self = COMEDIA_DTLS_SRTP_DEC (object);
  ComediaDtlsSrtpDecPrivate *priv = self->priv;
  if (prop_id == PROP_STATS) {
    g_value_take_boxed (value, create_stats (self));
    return;
  }
  std::lock_guard<std::mutex> guard (priv->lock);
  if (comedia::get_component_property (priv->properties, component_ids, prop_id, value))
    return;
  switch (prop_id) {
    case PROP_DTLS_FINGERPRINT:
      g_value_set_string (value, priv->fingerprint_text.c_str ());
      break;
    case PROP_DTLS_ROLE:
      g_value_set_enum (value, priv->role);
      break;
    case PROP_DTLS_LOCAL_FINGERPRINT:
      g_value_set_string (value, priv->local_fingerprint.c_str ());
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

/* ---- the handshake's events ------------------------------------------- */

static const char *
event_state_name (DtlsState state)
{
  switch (state) {
    case DtlsState::Handshaking: return "started";
    case DtlsState::Connected: return "verified";
    case DtlsState::Failed: return "failed";
    case DtlsState::Closed: return "closed";
    default: return "new";
  }
}

/* From the link's thread, without the link's lock: keys where they go,
 * then the bus. */
static void
on_dtls_event (ComediaDtlsSrtpDec * self, comedia::Component * component,
    const IceDtlsEvent & e)
{
  ComediaDtlsSrtpDecPrivate *priv = self->priv;
  std::unique_ptr<comedia::SrtpSession> inbound;
  std::string error;
  if (e.state == DtlsState::Connected) {
    inbound = comedia::SrtpSession::create (e.inbound_key,
        comedia::SrtpDirection::Inbound, &error);
    if (!inbound || !component->srtp_out.set_key (e.outbound_key, false, &error))
      GST_ELEMENT_WARNING (self, STREAM, FAILED,
          ("The DTLS-SRTP keys of stream %u component %u cannot be used",
              component->stream, component->component), ("%s", error.c_str ()));
  } else if (e.state == DtlsState::Failed) {
    /* Nothing passes, either way. */
    component->srtp_out.set_key (comedia::SrtpKey (), false, nullptr);
    GST_ELEMENT_WARNING (self, STREAM, DECRYPT,
        ("DTLS handshake of stream %u component %u failed: %s",
            component->stream, component->component, e.reason.c_str ()), (nullptr));
  }
  if (e.state == DtlsState::Connected || e.state == DtlsState::Failed) {
    std::lock_guard<std::mutex> guard (priv->srtp_lock);
    priv->inbound = std::move (inbound);
  }
  GstStructure *s = gst_structure_new ("comedia-dtls",
      "state", G_TYPE_STRING, event_state_name (e.state),
      "stream", G_TYPE_UINT, component->stream,
      "component", G_TYPE_UINT, component->component, nullptr);
  if (e.state == DtlsState::Connected) {
    gst_structure_set (s, "suite", G_TYPE_STRING, comedia::srtp_suite_info (e.suite).name,
        "peer-fingerprint", G_TYPE_STRING, e.peer_fingerprint ?
        comedia::write_fingerprint (*e.peer_fingerprint).c_str () : "", nullptr);
    GST_INFO_OBJECT (self, "stream %u component %u: DTLS verified (%s)",
        component->stream, component->component, comedia::srtp_suite_info (e.suite).name);
  } else if (!e.reason.empty ()) {
    gst_structure_set (s, "reason", G_TYPE_STRING, e.reason.c_str (), nullptr);
  }
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

/* ---- streaming -------------------------------------------------------- */

/* The caps src starts with: what downstream fixes (a capsfilter, rtpbin's
 * RTCP pad), else plain RTP or RTCP, as a GstBaseSrc would. */
static GstCaps *
src_caps (ComediaDtlsSrtpDec * self, guint component)
{
  GstPad *src = self->priv->pads.pad (Side::ReadComponent);
  GstCaps *peer = gst_pad_peer_query_caps (src, nullptr);
  if (peer && !gst_caps_is_empty (peer) && !gst_caps_is_any (peer)) {
    peer = gst_caps_fixate (peer);
    return peer;
  }
  if (peer)
    gst_caps_unref (peer);
  return gst_caps_new_empty_simple (component == comedia::COMPONENT_RTCP ?
      "application/x-rtcp" : "application/x-rtp");
}

static GstFlowReturn
deliver (ComediaDtlsSrtpDec * self, Side side, GstBuffer * buf)
{
  std::vector<GstBuffer *> one{buf};
  return self->priv->pads.deliver (side, one) ? GST_FLOW_EOS : GST_FLOW_OK;
}

/* ---- BUNDLE ----------------------------------------------------------- */

/* The stream decrypted @buf belongs to: @component's own when nothing is
 * bundled on it (BundleRouter on the negotiator's routes otherwise). */
static guint
bundle_route (ComediaDtlsSrtpDec * self, comedia::Component * component, bool rtcp,
    GstBuffer * buf)
{
  ComediaDtlsSrtpDecPrivate *priv = self->priv;
  comedia::BundleRoutes routes;
  std::vector<std::pair<guint32, guint>> sent;
  if (component->bundle.since (priv->routes_generation, routes, sent)) {
    priv->router.set_routes (routes);
    for (const auto & [ssrc, stream] : sent)
      priv->router.learn (ssrc, stream);
  }
  if (!priv->router.routes ().bundled () || component->component != comedia::COMPONENT_RTP)
    return component->stream;
  if (rtcp)
    return priv->router.route_rtcp (buf);
  bool by_mid = false;
  guint stream = priv->router.route_rtp (buf, &by_mid);
  priv->routed_by_mid.fetch_add (by_mid, std::memory_order_relaxed);
  return stream;
}

static GstPad *
request_bundle_pad (GstElement * element, GstPadTemplate * templ, const gchar * name,
    const GstCaps * caps)
{
  return COMEDIA_DTLS_SRTP_DEC (element)->priv->bundle_pads.request (templ, name);
}

static void
release_bundle_pad (GstElement * element, GstPad * pad)
{
  COMEDIA_DTLS_SRTP_DEC (element)->priv->bundle_pads.release (pad);
}

static GstFlowReturn unprotect_and_push (ComediaDtlsSrtpDec * self,
    comedia::Component * component, GstBuffer * buf);

/* The keys came: what was held before them goes first, in order. */
static void
release_early (ComediaDtlsSrtpDec * self, comedia::Component * component)
{
  ComediaDtlsSrtpDecPrivate *priv = self->priv;
  size_t expired = 0;
  std::vector<GstBuffer *> held = priv->early.release (g_get_monotonic_time (), &expired);
  priv->dropped_before.fetch_add (expired, std::memory_order_relaxed);
  priv->held_before.fetch_add (held.size (), std::memory_order_relaxed);
  for (GstBuffer *b : held)
    unprotect_and_push (self, component, b);
}

/* SRTP or SRTCP: held until the handshake gives the key, then unprotected.
 * One srtp_lock section per packet decides and unprotects; what was held
 * is pushed outside it, before this packet (it is older). */
static GstFlowReturn
unprotect_and_push (ComediaDtlsSrtpDec * self, comedia::Component * component,
    GstBuffer * buf)
{
  ComediaDtlsSrtpDecPrivate *priv = self->priv;
  buf = gst_buffer_make_writable (buf);
  GstMapInfo map;
  if (!gst_buffer_map (buf, &map, GST_MAP_READWRITE)) {
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  bool rtcp = component->component == comedia::COMPONENT_RTCP
      || comedia::looks_like_rtcp (map.data, map.size);
  size_t len = map.size;
  comedia::SrtpResult r = comedia::SrtpResult::AuthFailed;
  /* The hold is the streaming thread's: no lock to look at it. */
  const bool release = !priv->early.empty ();
  bool keyed, refused;
  std::string error;
  {
    std::lock_guard<std::mutex> guard (priv->srtp_lock);
    /* The handshake's key, or a=crypto's (set here when it changed). */
    refused = !priv->sdes.refresh (*priv->held.component, priv->inbound, error);
    keyed = priv->inbound != nullptr;
    if (keyed && !release)
      r = priv->inbound->unprotect (map.data, len, rtcp);
  }
  gst_buffer_unmap (buf, &map);
  if (refused)
    GST_ELEMENT_WARNING (self, STREAM, DECRYPT, ("The negotiated SRTP key of stream %u "
            "cannot be used", priv->held.component->stream), ("%s", error.c_str ()));
  if (!keyed) {
    size_t dropped = priv->early.hold (buf, g_get_monotonic_time ());
    priv->dropped_before.fetch_add (dropped, std::memory_order_relaxed);
    return GST_FLOW_OK;
  }
  if (release) {
    /* Once, when the keys came: the held ones first, then this one. */
    release_early (self, component);
    return unprotect_and_push (self, component, buf);
  }
  if (r != comedia::SrtpResult::Ok) {
    if (r == comedia::SrtpResult::Replayed)
      priv->replayed.fetch_add (1, std::memory_order_relaxed);
    else
      priv->auth_failed.fetch_add (1, std::memory_order_relaxed);
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  gst_buffer_set_size (buf, len);
  (rtcp ? priv->passed_rtcp : priv->passed_rtp).fetch_add (1, std::memory_order_relaxed);
  guint stream = bundle_route (self, component, rtcp, buf);
  if (stream != component->stream) {
    if (stream == 0 || !priv->bundle_pads.has (stream, rtcp)) {
      priv->unrouted.fetch_add (!rtcp, std::memory_order_relaxed);
      gst_buffer_unref (buf);
      return GST_FLOW_OK;
    }
    return priv->bundle_pads.push (stream, rtcp, buf);
  }
  /* Muxed RTCP on component 1 leaves on rtcp_src; component 2 is all
   * RTCP, on src. */
  Side side = rtcp && component->component == comedia::COMPONENT_RTP ? Side::MuxedRtcp
      : Side::ReadComponent;
  return deliver (self, side, buf);
}

static GstFlowReturn
sink_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  ComediaDtlsSrtpDec *self = COMEDIA_DTLS_SRTP_DEC (parent);
  ComediaDtlsSrtpDecPrivate *priv = self->priv;
  comedia::Component *component = priv->held.component;
  if (!priv->link || !component) {
    gst_buffer_unref (buf);
    return GST_FLOW_FLUSHING;
  }
  if (!priv->started) {
    /* The stream's own sticky events, rtcp_src with them on component 1. */
    GstCaps *caps = src_caps (self, component->component);
    priv->pads.start (caps, component->component == comedia::COMPONENT_RTP);
    gst_caps_unref (caps);
    priv->started = true;
  }
  if (priv->pads.stopped ()) {
    gst_buffer_unref (buf);
    return GST_FLOW_EOS;
  }
  GstMapInfo map;
  if (!gst_buffer_map (buf, &map, GST_MAP_READ)) {
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  comedia::DatagramClass kind = comedia::classify_datagram (map.data, map.size);
  if (kind == comedia::DatagramClass::Dtls)
    priv->link->feed (map.data, map.size);   /* copied, counted there */
  gst_buffer_unmap (buf, &map);
  if (kind == comedia::DatagramClass::RtpRtcp)
    return unprotect_and_push (self, component, buf);
  if (kind != comedia::DatagramClass::Dtls)
    priv->not_media.fetch_add (1, std::memory_order_relaxed);
  gst_buffer_unref (buf);
  return GST_FLOW_OK;
}

static gboolean
sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_STREAM_START:
    case GST_EVENT_CAPS:
    case GST_EVENT_SEGMENT:
      /* src and rtcp_src open streams of their own at the first buffer:
       * what nicesrc carries is neither RTP nor RTCP as such. */
      gst_event_unref (event);
      return TRUE;
    default:
      return gst_pad_event_default (pad, parent, event);
  }
}

static gboolean
sink_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  if (GST_QUERY_TYPE (query) == GST_QUERY_CAPS) {
    /* Datagrams of any kind. */
    GstCaps *filter;
    gst_query_parse_caps (query, &filter);
    gst_query_set_caps_result (query, filter ? filter : GST_CAPS_ANY);
    return TRUE;
  }
  return gst_pad_query_default (pad, parent, query);
}

static gboolean
src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  return gst_pad_query_default (pad, parent, query);
}

/* ---- states ----------------------------------------------------------- */

/* The NiceAgent of the nicesrc upstream (a new reference), or NULL. */
static NiceAgent *
upstream_agent (ComediaDtlsSrtpDec * self)
{
  GstPad *peer = gst_pad_get_peer (self->priv->sink);
  GstElement *up = peer ? gst_pad_get_parent_element (peer) : nullptr;
  NiceAgent *agent = nullptr;
  if (up && g_object_class_find_property (G_OBJECT_GET_CLASS (up), "agent"))
    g_object_get (up, "agent", &agent, nullptr);
  if (up)
    gst_object_unref (up);
  if (peer)
    gst_object_unref (peer);
  return agent;
}

/* NULL->READY: the session and component, and our fingerprint (which a
 * user of dtls-fingerprint gives the peer before READY->PAUSED). */
static bool
open_component (ComediaDtlsSrtpDec * self)
{
  ComediaDtlsSrtpDecPrivate *priv = self->priv;
  std::lock_guard<std::mutex> guard (priv->lock);
  /* The certificate comedia-rtpsrc's dtls-fingerprint uses too. */
  priv->local_fingerprint = comedia::DtlsReceiver::local_fingerprint ();
  priv->held.acquire (priv->properties);
  return true;
}

static void
stop_link (ComediaDtlsSrtpDec * self)
{
  ComediaDtlsSrtpDecPrivate *priv = self->priv;
  std::unique_ptr<comedia::IceDtlsLink> link;
  {
    std::lock_guard<std::mutex> guard (priv->lock);
    link = std::move (priv->link);
  }
  link.reset ();   /* joins its thread, which may post */
  if (priv->agent)
    g_object_unref (priv->agent);
  priv->agent = nullptr;
  /* What never got its key is dropped (the streaming thread has stopped). */
  priv->dropped_before.fetch_add (priv->early.size (), std::memory_order_relaxed);
  priv->early.clear ();
  std::lock_guard<std::mutex> guard (priv->srtp_lock);
  priv->inbound.reset ();
  priv->sdes.reset ();
}

/* READY->PAUSED: the handshake's link, sending through the agent of the
 * nicesrc upstream (the element that has it: sdp-negotiator gave it), with
 * dtls-fingerprint's terms if set. */
static bool
start_link (ComediaDtlsSrtpDec * self)
{
  ComediaDtlsSrtpDecPrivate *priv = self->priv;
  stop_link (self);   /* one left by a READY->PAUSED that failed later */
  std::string error;
  {
    std::lock_guard<std::mutex> guard (priv->lock);
    if (!comedia::parse_fingerprint_list (priv->fingerprint_text, priv->fixed_expected,
            error)) {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("Invalid dtls-fingerprint: %s", error.c_str ()), (nullptr));
      return false;
    }
  }
  NiceAgent *agent = upstream_agent (self);
  if (!agent) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("comedia-dtlssrtpdec needs a nicesrc with an agent linked to its sink pad"),
        ("sdp-negotiator gives nicesrc its agent; without one, set nicesrc's agent"));
    return false;
  }
  comedia::Component *component = priv->held.component;
  comedia::forget_handshake_keys (*component);
  guint stream = component->stream, id = component->component;
  auto send = [agent, stream, id] (const uint8_t * data, size_t len) {
    return nice_agent_send (agent, stream, id, len,
        reinterpret_cast<const gchar *> (data)) >= 0;
  };
  auto event = [self, component] (const IceDtlsEvent & e) {
    on_dtls_event (self, component, e);
  };
  auto link = std::make_unique<comedia::IceDtlsLink> (&component->dtls, send, event);
  std::lock_guard<std::mutex> guard (priv->lock);
  if (!priv->fixed_expected.empty ()) {
    comedia::NegotiatedDtls fixed;
    fixed.enabled = true;
    fixed.role = priv->role == COMEDIA_DTLS_ROLE_CLIENT ? comedia::DtlsRole::Client
        : comedia::DtlsRole::Server;
    fixed.expected = priv->fixed_expected;
    link->set_fixed_terms (fixed);
  }
  priv->agent = agent;
  priv->link = std::move (link);
  return true;
}

static GstStateChangeReturn
comedia_dtls_srtp_dec_change_state (GstElement * element, GstStateChange transition)
{
  ComediaDtlsSrtpDec *self = COMEDIA_DTLS_SRTP_DEC (element);
  ComediaDtlsSrtpDecPrivate *priv = self->priv;
  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!open_component (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!start_link (self))
        return GST_STATE_CHANGE_FAILURE;
      priv->started = false;
      priv->pads.set_stopped (false);
      priv->bundle_pads.restart ();
      break;
    default:
      break;
  }
  GstStateChangeReturn ret = GST_ELEMENT_CLASS (parent_class)->change_state (element,
      transition);
  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      stop_link (self);
      priv->pads.remove_rtcp ();
      break;
    case GST_STATE_CHANGE_READY_TO_NULL: {
      std::lock_guard<std::mutex> guard (priv->lock);
      priv->held.release ();
      break;
    }
    default:
      break;
  }
  return ret;
}

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-sdp-negotiator
 * @title: sdp-negotiator
 * @see_also: comedia-rtpsrc, comedia-rtpsink, webrtcbin
 *
 * The SDP offer/answer of COMEDIA ("RTP without ICE", as Kurento does it)
 * as an element, so that both peers can be written as gst-launch-1.0 lines.
 * An SDP message comes in on the sink pad, one goes out on the source pad;
 * the ports and addresses it negotiates are those of the comedia-rtpsrc and
 * comedia-rtpsink elements with the same #ComediaSdpNegotiator:session.
 *
 * In the **answerer** role (the public, passive peer) each offer is
 * answered the way Kurento's processOffer does it: a media with
 * `a=direction:active` is answered `a=direction:passive` on the port the
 * session's comedia-rtpsrc is bound to (the socket exists before the answer
 * leaves), with #ComediaSdpNegotiator:public-address in `c=`, and the
 * offer's own address is ignored: the comedia-rtpsrc learns it from the
 * first packets.  A media without `a=direction` gets an ordinary answer,
 * and the session's sinks a static destination from the offer.
 *
 * In the **offerer** role (the active peer behind NAT) the element sends an
 * offer with port 9, `c=IN IP4 0.0.0.0` and `a=direction:active` when it
 * first goes to PLAYING, then reads the answer: the session's sinks send to the
 * answer's address and ports, from the sockets the comedia-rtpsrc elements
 * receive on, so the NAT mapping opened by what they send is the one the
 * replies arrive through.  An answer without `a=direction:passive` means
 * the peer does not do COMEDIA; #ComediaSdpNegotiator:missing-passive
 * chooses what happens then.
 *
 * The offerer keeps its NAT mapping open (RFC 6263 keepalives): right after
 * the answer, a short burst on each component lets the passive peer latch
 * before any media flows; then a keepalive goes out on every component
 * that has sent nothing for #ComediaSdpNegotiator:keepalive-interval (15 s
 * by default), so muted media does not let the mapping expire.  A session
 * without a comedia-rtpsink for RTP offers `a=recvonly`: such a viewer
 * sends no media at all and gets the passive peer's media all the same.
 *
 * **ICE** (RFC 5245) goes through libnice's `nicesrc` and `nicesink`.  The
 * element owns a NiceAgent, iterated by a thread of its own, and hands it
 * to every nicesrc/nicesink in its pipeline whose `agent` is unset, before
 * they leave NULL (they cannot without one), wherever they stand in the
 * launch line.  They are matched by their own `stream` and `component`
 * properties, the numbering the comedia elements use: `nicesrc stream=1
 * component=1` stands where `comedia-rtpsrc session=s stream=1 component=1`
 * would.  An offer with `a=ice-ufrag`/`a=ice-pwd`/`a=candidate` is answered
 * with the agent's credentials, its gathered candidates (host; srflx with
 * #ComediaSdpNegotiator:stun-server; relay with
 * #ComediaSdpNegotiator:turn-server) and `a=end-of-candidates`; the
 * offerer role offers ICE with #ComediaSdpNegotiator:transport=ice.  RTCP
 * is muxed (`a=rtcp-mux`) only when the pipeline has no component 2.  An
 * offer with ICE and `a=direction:active` is answered as
 * #ComediaSdpNegotiator:prefer-transport says.  Without a negotiator in the
 * pipeline, a nicesrc/nicesink without an agent fails to leave NULL.
 *
 * A re-offer (an offer after an answer: hold, resume, a new address) is
 * answered on the same ports with its direction mirrored; a component
 * whose peer the offer moved (its address or port, not `c=0.0.0.0`)
 * reopens learning, and its `sdp-negotiator-stream` note says so.  The
 * answers of a session keep one `o=` session id, and its version goes up
 * by one when an answer changes (RFC 3264 section 8); the last offer again,
 * text for text (a retransmission), gets the last answer again, same keys,
 * ports and version.  The offerer's offers follow the same rule.
 *
 * A message may arrive split over any number of buffers.  It ends at an
 * empty line or at EOS (where its last line may lack its line end); every
 * message this element sends ends with an empty line, so two of them can
 * talk over a TCP connection or a pipe.  Two messages without an empty
 * line between them (a second `v=` line) are refused, as below.
 *
 * Bus messages (element messages, each with the fields `session` (string),
 * `sdp` (#GstSDPMessage) and `text` (string) where they carry SDP):
 * `sdp-negotiator-offer-created`, `sdp-negotiator-offer-received`,
 * `sdp-negotiator-answer-created`, `sdp-negotiator-answer-received`,
 * `sdp-negotiator-answered` (the offerer applied the answer),
 * `sdp-negotiator-no-comedia` (the answer lacks `a=direction:passive`;
 * field `reason`), and one `sdp-negotiator-stream` per m-line with `stream`
 * (uint), `media`, `plan` ("latch", "static", "ice" or "rejected"),
 * `transport` ("comedia", "ice", "static" or "none"), `address`,
 * `rtp-port`, `rtcp-port` (where this peer sends; empty / 0 when it
 * latches), `local-rtp-port`, `local-rtcp-port`, `rtcp-mux`,
 * `allowed-source` (the only address the stream learns from, see
 * #ComediaSdpNegotiator:restrict-source; empty: any) and `note`.
 * With ICE: `sdp-negotiator-ice-state` for each stream and component
 * (`stream`, `component`, `state`: gathering, checking, connected, ready,
 * failed) and `sdp-negotiator-ice-selected-pair` (`local`, `local-type`,
 * `remote`, `remote-type`, e.g. "srflx" and "198.51.100.7:40000";
 * `local-transport`, `remote-transport`: "udp", or with
 * #ComediaSdpNegotiator:ice-tcp "tcp-passive" / "tcp-active").  A
 * stream whose checks all fail is a #GST_RESOURCE_ERROR_OPEN_READ_WRITE
 * error naming the stream and the candidates and servers tried.
 *
 * A message on the sink pad that cannot be used (not SDP, such as an HTTP
 * request or a TLS ClientHello, which the text names; no `v=`, a second
 * `v=`, a bad m= port, truncated, over #ComediaSdpNegotiator:max-size, an
 * unknown `a=direction` value, an answer whose m-lines do not match the
 * offer) costs that message only: a #GST_STREAM_ERROR_FORMAT warning whose
 * text names the line and the session (details: `line`, `session`), an
 * `sdp-negotiator-message-refused` element message (`session`, `what`,
 * `reason`, `line`, `bytes`), one more in
 * #ComediaSdpNegotiator:messages-refused, and the next message is read.
 * With #ComediaSdpNegotiator:strict it is an error instead (details:
 * `line`), which stops the sink pad; so is, whatever strict says, a cause
 * on this side (sockets that cannot be opened, no address to announce, ICE
 * that cannot gather, missing-passive=error).  An m-line that cannot be
 * served (a=crypto of a suite we lack in RTP/SAVP, say) is rejected in the answer (port 0, with a
 * note), not the offer.  The action signals post an error, as before.
 *
 * ## The passive peer (public address 203.0.113.5), started first
 * |[
 * gst-launch-1.0 rtpbin name=rb \
 *   tcpserversrc host=0.0.0.0 port=7000 ! sdp-negotiator session=s public-address=203.0.113.5 ! \
 *     tcpserversink host=0.0.0.0 port=7001 async=false \
 *   comedia-rtpsrc session=s stream=1 component=1 port=5004 \
 *     caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96" ! rb.recv_rtp_sink_0 \
 *   comedia-rtpsrc session=s stream=1 component=2 port=5005 ! rb.recv_rtcp_sink_0 \
 *   videotestsrc is-live=true ! vp8enc deadline=1 ! rtpvp8pay ! rb.send_rtp_sink_0 \
 *   rb.send_rtp_src_0 ! comedia-rtpsink session=s stream=1 component=1 \
 *   rb.send_rtcp_src_0 ! comedia-rtpsink session=s stream=1 component=2 sync=false async=false \
 *   rb. ! rtpvp8depay ! vp8dec ! fakesink async=false
 * ]|
 * ## The active peer behind NAT
 * |[
 * gst-launch-1.0 rtpbin name=rb \
 *   tcpclientsrc host=203.0.113.5 port=7001 ! sdp-negotiator role=offerer session=s ! \
 *     tcpclientsink host=203.0.113.5 port=7000 async=false \
 *   comedia-rtpsrc session=s stream=1 component=1 \
 *     caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96" ! rb.recv_rtp_sink_0 \
 *   comedia-rtpsrc session=s stream=1 component=2 ! rb.recv_rtcp_sink_0 \
 *   videotestsrc is-live=true ! vp8enc deadline=1 ! rtpvp8pay ! rb.send_rtp_sink_0 \
 *   rb.send_rtp_src_0 ! comedia-rtpsink session=s stream=1 component=1 \
 *   rb.send_rtcp_src_0 ! comedia-rtpsink session=s stream=1 component=2 sync=false async=false \
 *   rb. ! rtpvp8depay ! vp8dec ! fakesink async=false
 * ]|
 * Sinks that only get data once the exchange is done need async=false, or
 * the pipeline waits for their preroll; `rb. ! rtpvp8depay` comes last so
 * that gst-launch does not link it to rtpbin's sending pad.
 * The offer's formats come from the comedia-rtpsrc caps (or
 * #ComediaSdpNegotiator:offer-caps).
 *
 * ## A receive-only viewer behind NAT (the offer is a=recvonly)
 * |[
 * gst-launch-1.0 rtpbin name=rb \
 *   tcpclientsrc host=203.0.113.5 port=7001 ! sdp-negotiator role=offerer session=s ! \
 *     tcpclientsink host=203.0.113.5 port=7000 async=false \
 *   comedia-rtpsrc session=s stream=1 component=1 \
 *     caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96" ! rb.recv_rtp_sink_0 \
 *   comedia-rtpsrc session=s stream=1 component=2 ! rb.recv_rtcp_sink_0 \
 *   rb.send_rtcp_src_0 ! comedia-rtpsink session=s stream=1 component=2 sync=false async=false \
 *   rb. ! rtpvp8depay ! vp8dec ! autovideosink
 * ]|
 *
 * ## An ICE endpoint, public or behind any NAT (answerer)
 * |[
 * gst-launch-1.0 rtpbin name=rb \
 *   tcpserversrc host=0.0.0.0 port=7000 ! sdp-negotiator stun-server=stun://203.0.113.1 ! \
 *     tcpserversink host=0.0.0.0 port=7001 async=false \
 *   nicesrc stream=1 component=1 ! \
 *     application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96 ! rb.recv_rtp_sink_0 \
 *   nicesrc stream=1 component=2 ! application/x-rtcp ! rb.recv_rtcp_sink_0 \
 *   videotestsrc is-live=true ! vp8enc deadline=1 ! rtpvp8pay ! rb.send_rtp_sink_0 \
 *   rb.send_rtp_src_0 ! nicesink stream=1 component=1 sync=false async=false \
 *   rb.send_rtcp_src_0 ! nicesink stream=1 component=2 sync=false async=false \
 *   rb. ! rtpvp8depay ! vp8dec ! fakesink async=false
 * ]|
 * The ICE offerer is the same line with `role=offerer transport=ice
 * offer-caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"`
 * on the negotiator (nicesrc has no caps to offer from) and tcpclientsrc /
 * tcpclientsink.
 *
 * ## Answering an SDP file once
 * |[
 * gst-launch-1.0 filesrc location=offer.sdp ! sdp-negotiator session=s public-address=203.0.113.5 ! \
 *   filesink location=answer.sdp  comedia-rtpsrc session=s port=5004 ! fakesink
 * ]|
 *
 * Applications can skip the pads and use the action signals
 * #ComediaSdpNegotiator::create-offer, #ComediaSdpNegotiator::process-offer,
 * #ComediaSdpNegotiator::process-answer and
 * #ComediaSdpNegotiator::rewrite-answer, which take and return
 * #GstSDPMessage (from Python through GObject introspection as well).
 */
#include "config.h"

#include "sdpnegotiator.h"
#include "comediaelements.h"
#include "negotiationsteps.h"
#include "negotiatortrickle.h"
#include "negotiatorprivate.h"
#include "mdnsresolution.h"
#include "sdpdocument.h"

#include <gst/sdp/sdp.h>

#include <chrono>
#include <mutex>
#include <string>

#include "negotiatordebug.h"
GST_DEBUG_CATEGORY (comedia_sdp_negotiator_debug);

using comedia::SdpDocument;
using comedia::SdpError;
using comedia::SdpMessagePtr;
using comedia::get_session;
using comedia::handle_answer;
using comedia::handle_offer;
using comedia::handle_rewrite;
using comedia::make_offer;
using comedia::post_sdp_error;
using comedia::session_name_of;
using comedia::stop_keepalives;

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/sdp"));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/sdp"));

static void post_ice_event (ComediaSdpNegotiator * self, const comedia::IceEvent & e);
static GstFlowReturn push_text (ComediaSdpNegotiator * self, const std::string & text);

#define comedia_sdp_negotiator_parent_class parent_class
G_DEFINE_TYPE (ComediaSdpNegotiator, comedia_sdp_negotiator, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (sdp_negotiator, "sdp-negotiator", GST_RANK_NONE,
    COMEDIA_TYPE_SDP_NEGOTIATOR);

static void comedia_sdp_negotiator_dispose (GObject * object);
static void comedia_sdp_negotiator_finalize (GObject * object);
static void comedia_sdp_negotiator_set_property (GObject * object,
    guint prop_id, const GValue * value, GParamSpec * pspec);
static void comedia_sdp_negotiator_get_property (GObject * object,
    guint prop_id, GValue * value, GParamSpec * pspec);
static GstStateChangeReturn comedia_sdp_negotiator_change_state (GstElement *
    element, GstStateChange transition);
static GstFlowReturn comedia_sdp_negotiator_chain (GstPad * pad,
    GstObject * parent, GstBuffer * buffer);
static gboolean comedia_sdp_negotiator_sink_event (GstPad * pad,
    GstObject * parent, GstEvent * event);

static GstSDPMessage *comedia_sdp_negotiator_create_offer (ComediaSdpNegotiator * self);
static void comedia_sdp_negotiator_set_bus (GstElement * element, GstBus * bus);
static GstSDPMessage *comedia_sdp_negotiator_process_offer (ComediaSdpNegotiator *
    self, GstSDPMessage * offer);
static gboolean comedia_sdp_negotiator_add_ice_candidate (ComediaSdpNegotiator * self,
    guint mline_index, const gchar * mid, const gchar * candidate);
static gboolean comedia_sdp_negotiator_process_answer (ComediaSdpNegotiator * self,
    GstSDPMessage * answer);
static GstSDPMessage *comedia_sdp_negotiator_rewrite_answer (ComediaSdpNegotiator *
    self, GstSDPMessage * offer, GstSDPMessage * answer);

static void
comedia_sdp_negotiator_class_init (ComediaSdpNegotiatorClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (comedia_sdp_negotiator_debug, "sdp-negotiator", 0,
      "COMEDIA SDP offer/answer");

  gobject_class->dispose = comedia_sdp_negotiator_dispose;
  gobject_class->finalize = comedia_sdp_negotiator_finalize;
  gobject_class->set_property = comedia_sdp_negotiator_set_property;
  gobject_class->get_property = comedia_sdp_negotiator_get_property;
  comedia::install_negotiator_properties (gobject_class);

  /**
   * ComediaSdpNegotiator::create-offer:
   * @negotiator: the element
   *
   * Makes a COMEDIA offer for the session's streams (port 9, unspecified
   * c=, a=direction:active), remembers it for process-answer and returns
   * it, or %NULL after posting an error.  Nothing is pushed.
   *
   * Returns: (transfer full) (nullable): the offer
   */
  g_signal_new_class_handler ("create-offer", G_TYPE_FROM_CLASS (klass),
      (GSignalFlags) (G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK (comedia_sdp_negotiator_create_offer), nullptr, nullptr,
      nullptr, GST_TYPE_SDP_MESSAGE, 0);
  /**
   * ComediaSdpNegotiator::process-offer:
   * @negotiator: the element
   * @offer: the peer's offer
   *
   * Answers @offer as the answerer role does, configures the session and
   * returns the answer, or %NULL after posting an error.  Nothing is pushed.
   *
   * Returns: (transfer full) (nullable): the answer
   */
  g_signal_new_class_handler ("process-offer", G_TYPE_FROM_CLASS (klass),
      (GSignalFlags) (G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK (comedia_sdp_negotiator_process_offer), nullptr, nullptr,
      nullptr, GST_TYPE_SDP_MESSAGE, 1,
      GST_TYPE_SDP_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);
  /**
   * ComediaSdpNegotiator::process-answer:
   * @negotiator: the element
   * @answer: the peer's answer to the last offer this element made
   *
   * Reads @answer as the offerer role does and gives the session's sinks
   * their destinations.
   *
   * Returns: %TRUE if applied, %FALSE after posting an error
   */
  g_signal_new_class_handler ("process-answer", G_TYPE_FROM_CLASS (klass),
      (GSignalFlags) (G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK (comedia_sdp_negotiator_process_answer), nullptr, nullptr,
      nullptr, G_TYPE_BOOLEAN, 1, GST_TYPE_SDP_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);
  /**
   * ComediaSdpNegotiator::rewrite-answer:
   * @negotiator: the element
   * @offer: the peer's offer
   * @answer: an answer to @offer made by other code
   *
   * Rewrites @answer for COMEDIA: this session's ports, public-address in
   * c=, a=direction:passive on every media whose offer was active; then
   * configures the session as process-offer does.
   *
   * Returns: (transfer full) (nullable): the rewritten answer, or %NULL
   * after posting an error
   */
  /**
   * ComediaSdpNegotiator::add-ice-candidate:
   * @negotiator: the element
   * @mline_index: the m-line of the peer's offer or answer the candidate is for
   * @mid: (nullable): its a=mid, which wins over @mline_index when given
   * @candidate: "candidate:..." (as webrtcbin and browsers hand it),
   *   "a=candidate:..." or the bare value; "" or "a=end-of-candidates": the
   *   peer has no more for this m-line
   *
   * Trickle ICE (RFC 8838): a candidate of the peer that came after its
   * offer or answer, given to the ICE agent.  A candidate that cannot be
   * used gets a warning, never an error; one for an m-line our answer
   * bundled into another's transport is ignored quietly (counted in
   * candidates-skipped).
   *
   * Returns: %TRUE if the agent took it
   */
  g_signal_new_class_handler ("add-ice-candidate", G_TYPE_FROM_CLASS (klass),
      (GSignalFlags) (G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK (comedia_sdp_negotiator_add_ice_candidate), nullptr, nullptr,
      nullptr, G_TYPE_BOOLEAN, 3, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * ComediaSdpNegotiator::restart-ice:
   * @negotiator: the element
   *
   * Offerer, transport=ice: the next offer (create-offer, or the one sent
   * in PLAYING) restarts ICE (RFC 8445 9): new ice-ufrag and ice-pwd for
   * every stream, the checks again once its answer is applied; the DTLS
   * association stays.
   */
  g_signal_new_class_handler ("restart-ice", G_TYPE_FROM_CLASS (klass),
      (GSignalFlags) (G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK (comedia::request_ice_restart), nullptr, nullptr, nullptr,
      G_TYPE_NONE, 0);
  g_signal_new_class_handler ("rewrite-answer", G_TYPE_FROM_CLASS (klass),
      (GSignalFlags) (G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK (comedia_sdp_negotiator_rewrite_answer), nullptr, nullptr,
      nullptr, GST_TYPE_SDP_MESSAGE, 2,
      GST_TYPE_SDP_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE,
      GST_TYPE_SDP_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "COMEDIA SDP negotiator", "Codec/Parser/Network/RTP",
      "SDP offer/answer for RTP through NAT: COMEDIA (a=direction:active/"
      "passive) answers with the session's real ports and public address, or "
      "offers port 9 and applies the answer; ICE gives its NiceAgent to the "
      "pipeline's nicesrc/nicesink and answers or offers their candidates",
      "comedia developers <dev@comedia.invalid>");

  element_class->change_state =
      GST_DEBUG_FUNCPTR (comedia_sdp_negotiator_change_state);
  element_class->set_bus = GST_DEBUG_FUNCPTR (comedia_sdp_negotiator_set_bus);

  gst_type_mark_as_plugin_api (COMEDIA_TYPE_SDP_ROLE, (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (COMEDIA_TYPE_SDP_MISSING_PASSIVE,
      (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (COMEDIA_TYPE_SDP_TRANSPORT, (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (COMEDIA_TYPE_SDP_SYMMETRIC_RTP, (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (COMEDIA_TYPE_SDP_SRTP, (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (COMEDIA_TYPE_SDP_DTLS, (GstPluginAPIFlags) 0);
  gst_type_mark_as_plugin_api (COMEDIA_TYPE_SDP_PREFER_TRANSPORT,
      (GstPluginAPIFlags) 0);
}

static void
comedia_sdp_negotiator_init (ComediaSdpNegotiator * self)
{
  self->priv = new ComediaSdpNegotiatorPrivate (self,
      [self] (const comedia::IceEvent & e) { post_ice_event (self, e); });

  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (comedia_sdp_negotiator_chain));
  gst_pad_set_event_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (comedia_sdp_negotiator_sink_event));
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_use_fixed_caps (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
}

static void
comedia_sdp_negotiator_dispose (GObject * object)
{
  ComediaSdpNegotiator *self = COMEDIA_SDP_NEGOTIATOR (object);
  ComediaSdpNegotiatorPrivate *priv = self->priv;

  priv->nice.unwatch ();
  /* No event is posted once the agent goes, so its thread is done with it. */
  priv->ice_messages.close ();
  comedia::cancel_mdns_resolutions (self);
  priv->nice.close ();

  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
comedia_sdp_negotiator_finalize (GObject * object)
{
  ComediaSdpNegotiator *self = COMEDIA_SDP_NEGOTIATOR (object);
  ComediaSdpNegotiatorPrivate *priv = self->priv;

  g_clear_object (&priv->session);
  delete priv;

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
comedia_sdp_negotiator_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  ComediaSdpNegotiator *self = COMEDIA_SDP_NEGOTIATOR (object);
  std::lock_guard<std::mutex> guard (self->priv->lock);
  if (!comedia::set_negotiator_property (*self->priv, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
comedia_sdp_negotiator_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  ComediaSdpNegotiator *self = COMEDIA_SDP_NEGOTIATOR (object);
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  std::lock_guard<std::mutex> guard (priv->lock);

  switch (prop_id) {
    case PROP_LOCAL_DESCRIPTION:
      g_value_set_boxed (value, priv->local_description.get ());
      break;
    case PROP_REMOTE_DESCRIPTION:
      g_value_set_boxed (value, priv->remote_description.get ());
      break;
    case PROP_MESSAGES_REFUSED:
      g_value_set_uint64 (value, priv->messages_refused);
      break;
    case PROP_CANDIDATES_SKIPPED:
      g_value_set_uint64 (value, priv->candidates_skipped);
      break;
    case PROP_CANDIDATES_RESOLVED:
      g_value_set_uint64 (value, priv->candidates_resolved);
      break;
    default:
      if (!comedia::get_negotiator_property (*priv, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

/* ---- ICE: the NiceAgent of nicesrc/nicesink --------------------------- */

static void
comedia_sdp_negotiator_set_bus (GstElement * element, GstBus * bus)
{
  ComediaSdpNegotiator *self = COMEDIA_SDP_NEGOTIATOR (element);
  GST_ELEMENT_CLASS (parent_class)->set_bus (element, bus);
  /* nicesrc/nicesink refuse to leave NULL without an agent, so ours must
   * reach them as soon as they share a bin with us. */
  self->priv->nice.watch (bus);
}

/* NULL -> READY: every nicesrc/nicesink of the pipeline has our agent, and
 * the agent has their streams with as many components as they use. */
static bool
prepare_ice (ComediaSdpNegotiator * self)
{
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  std::string stun, turn, addresses, error;
  comedia::PortRangeProperties port_range;
  comedia::IceDeployment deployment;
  {
    std::lock_guard<std::mutex> guard (priv->lock);
    stun = priv->stun_server;
    turn = priv->turn_server;
    addresses = priv->ice_addresses;
    port_range = priv->port_range;
    deployment.announced_address = priv->public_address;
    deployment.ice_tcp = priv->ice_tcp;
  }
  if (!comedia::resolve_port_range (GST_ELEMENT (self), port_range, deployment.ports))
    return false;
  if (!deployment.ports.any ())
    comedia_session_set_port_range (get_session (self), deployment.ports);
  if (!priv->nice.prepare (stun, turn, addresses, deployment, error)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("Cannot set up ICE: %s", error.c_str ()),
        (nullptr));
    return false;
  }
  return true;
}

/* From the agent's thread. */
static void
post_ice_event (ComediaSdpNegotiator * self, const comedia::IceEvent & e)
{
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  priv->ice_messages.post (e, session_name_of (self),
      [priv] (guint stream, std::string & tried) {
        std::shared_ptr<comedia::IceAgent> ice = priv->nice.agent ();
        if (ice)
          tried = ice->tried (stream);
        return ice != nullptr;
      });
  /* Trickle: our candidate after the answer, as an SDP fragment. */
  std::string fragment = comedia::local_candidate_fragment (self, e);
  if (!fragment.empty ())
    push_text (self, fragment);
}

/* ---- action signals --------------------------------------------------- */

static GstSDPMessage *
comedia_sdp_negotiator_create_offer (ComediaSdpNegotiator * self)
{
  SdpMessagePtr offer = make_offer (self);
  /* trickle-offer: our later candidates follow the offer, never precede it. */
  comedia::release_local_candidates (self, false);
  return offer.release ();
}

static GstSDPMessage *
comedia_sdp_negotiator_process_offer (ComediaSdpNegotiator * self,
    GstSDPMessage * offer)
{
  SdpDocument doc;
  SdpError err;
  if (!SdpDocument::from_message (offer, doc, err)) {
    post_sdp_error (self, "offer", err);
    return nullptr;
  }
  SdpMessagePtr answer = handle_offer (self, doc, err);
  if (!answer)
    post_sdp_error (self, "offer", err);
  comedia::release_local_candidates (self, false);
  return answer.release ();
}

static gboolean
comedia_sdp_negotiator_add_ice_candidate (ComediaSdpNegotiator * self, guint mline_index,
    const gchar * mid, const gchar * candidate)
{
  return comedia::add_ice_candidate (self, mline_index, mid, candidate);
}

static gboolean
comedia_sdp_negotiator_process_answer (ComediaSdpNegotiator * self,
    GstSDPMessage * answer)
{
  SdpDocument doc;
  SdpError err;
  if (!SdpDocument::from_message (answer, doc, err)) {
    post_sdp_error (self, "answer", err);
    return FALSE;
  }
  if (handle_answer (self, doc, err))
    return TRUE;
  post_sdp_error (self, "answer", err);
  return FALSE;
}

static GstSDPMessage *
comedia_sdp_negotiator_rewrite_answer (ComediaSdpNegotiator * self,
    GstSDPMessage * offer, GstSDPMessage * answer)
{
  SdpDocument offer_doc, answer_doc;
  SdpError err;
  if (!SdpDocument::from_message (offer, offer_doc, err)) {
    post_sdp_error (self, "offer", err);
    return nullptr;
  }
  if (!SdpDocument::from_message (answer, answer_doc, err)) {
    post_sdp_error (self, "answer to rewrite", err);
    return nullptr;
  }
  return handle_rewrite (self, offer_doc, answer_doc).release ();
}

/* ---- data flow -------------------------------------------------------- */

/* Pushes @text, a message ending with an empty line, which ends it for
 * the reader on a byte stream. */
static GstFlowReturn
push_text (ComediaSdpNegotiator * self, const std::string & text)
{
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  std::lock_guard<std::mutex> guard (priv->push_lock);
  if (!priv->src_started) {
    gchar *id = gst_pad_create_stream_id (self->srcpad, GST_ELEMENT (self), nullptr);
    gst_pad_push_event (self->srcpad, gst_event_new_stream_start (id));
    g_free (id);
    GstCaps *caps = gst_caps_new_empty_simple ("application/sdp");
    gst_pad_push_event (self->srcpad, gst_event_new_caps (caps));
    gst_caps_unref (caps);
    GstSegment segment;
    gst_segment_init (&segment, GST_FORMAT_BYTES);
    gst_pad_push_event (self->srcpad, gst_event_new_segment (&segment));
    priv->src_started = true;
  }
  GstBuffer *buf = gst_buffer_new_memdup (text.data (), text.size ());
  GstFlowReturn ret = gst_pad_push (self->srcpad, buf);
  /* Nothing linked: the application reads the bus messages instead. */
  if (ret == GST_FLOW_NOT_LINKED)
    ret = GST_FLOW_OK;
  return ret;
}

static GstFlowReturn
push_description (ComediaSdpNegotiator * self, const GstSDPMessage * msg)
{
  return push_text (self, comedia::sdp_message_to_text (msg) + "\r\n");
}

/* A message from the sink pad that could not be used (@what: "offer" or
 * "answer", @size: its bytes).  What came from the peer costs that message
 * only: a warning and an sdp-negotiator-message-refused message, and the
 * next one is read, so whoever reaches the signalling port (a scanner, a
 * browser, a half-sent offer) cannot end the pipeline.  A cause on this
 * side (err.local: settings, sockets, the ICE agent, missing-passive=error)
 * is the application's to fix, and #ComediaSdpNegotiator:strict asks for
 * every refusal to be: those stop the sink pad with an error, as before. */
static GstFlowReturn
refuse_message (ComediaSdpNegotiator * self, const char *what, const SdpError & err,
    gsize size)
{
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  bool strict;
  guint64 refused;
  {
    std::lock_guard<std::mutex> guard (priv->lock);
    strict = priv->strict;
    refused = ++priv->messages_refused;
  }
  /* The text may quote what arrived, binary data included: bus messages
   * carry UTF-8. */
  SdpError shown = err;
  gchar *valid = g_utf8_make_valid (err.message.c_str (), -1);
  shown.message = valid;
  g_free (valid);
  if (strict || err.local) {
    post_sdp_error (self, what, shown);
    return GST_FLOW_ERROR;
  }
  std::string session = session_name_of (self);
  GST_ELEMENT_WARNING_WITH_DETAILS (self, STREAM, FORMAT,
      ("Refused an SDP %s (session %s): %s", what, session.c_str (), shown.message.c_str ()),
      ("sdp-negotiator refused a message of %" G_GSIZE_FORMAT " bytes on its sink pad "
          "and reads the next one (%" G_GUINT64_FORMAT " refused so far)", size, refused),
      ("line", G_TYPE_UINT, err.line, "session", G_TYPE_STRING, session.c_str (),
          nullptr));
  GstStructure *s = gst_structure_new ("sdp-negotiator-message-refused",
      "session", G_TYPE_STRING, session.c_str (),
      "what", G_TYPE_STRING, what,
      "reason", G_TYPE_STRING, shown.message.c_str (),
      "line", G_TYPE_UINT, err.line,
      "bytes", G_TYPE_UINT64, (guint64) size, nullptr);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
  return GST_FLOW_OK;
}

/* @at_eos: the sink pad's stream ended after @data, so its last line may
 * lack its line end. */
static GstFlowReturn
handle_text (ComediaSdpNegotiator * self, const guint8 * data, gsize size, bool at_eos)
{
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  ComediaSdpRole role;
  guint max_size;
  {
    std::lock_guard<std::mutex> guard (priv->lock);
    role = priv->role;
    max_size = priv->max_size;
  }
  const char *what = role == COMEDIA_SDP_ROLE_ANSWERER ? "offer" : "answer";
  SdpDocument doc;
  SdpError err;
  std::string text ((const char *) data, size);
  if (comedia::is_sdp_fragment (text))
    return comedia::apply_sdp_fragment (self, text, err) ? GST_FLOW_OK
        : refuse_message (self, "trickle ICE fragment", err, size);
  if (!SdpDocument::parse ((const char *) data, size, doc, err, max_size, at_eos))
    return refuse_message (self, what, err, size);
  if (role == COMEDIA_SDP_ROLE_OFFERER)
    return handle_answer (self, doc, err) ? GST_FLOW_OK
        : refuse_message (self, what, err, size);
  SdpMessagePtr answer = handle_offer (self, doc, err);
  if (!answer)
    return refuse_message (self, what, err, size);
  GstFlowReturn ret = push_description (self, answer.get ());
  /* Trickle: our later candidates follow the answer, never precede it. */
  comedia::release_local_candidates (self, true);
  return ret;
}

/* Answers (or applies) every complete message of the sink pad's stream; at
 * EOS what is left is one too. */
static GstFlowReturn
drain (ComediaSdpNegotiator * self, bool at_eos)
{
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  {
    std::lock_guard<std::mutex> guard (priv->lock);
    priv->framing.set_max_size (priv->max_size);
  }
  std::string message;
  while (priv->framing.next (message, at_eos)) {
    /* A refused message returns OK: the framing has resynchronised past it
     * by itself, and the next one is read. */
    GstFlowReturn ret = handle_text (self, (const guint8 *) message.data (),
        message.size (), at_eos);
    if (ret != GST_FLOW_OK) {
      priv->framing.clear ();
      return ret;
    }
  }
  return GST_FLOW_OK;
}

static GstFlowReturn
comedia_sdp_negotiator_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  ComediaSdpNegotiator *self = COMEDIA_SDP_NEGOTIATOR (parent);
  GstMapInfo map;
  if (gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    self->priv->framing.push (map.data, map.size);
    gst_buffer_unmap (buffer, &map);
  }
  gst_buffer_unref (buffer);
  return drain (self, false);
}

static gboolean
comedia_sdp_negotiator_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  ComediaSdpNegotiator *self = COMEDIA_SDP_NEGOTIATOR (parent);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_STREAM_START:
    case GST_EVENT_CAPS:
    case GST_EVENT_SEGMENT:
      /* The source pad's stream is our own messages. */
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_EOS:
      drain (self, true);
      self->priv->framing.clear ();
      break;
    case GST_EVENT_FLUSH_STOP:
      self->priv->framing.clear ();
      break;
    default:
      break;
  }
  return gst_pad_event_default (pad, parent, event);
}

static void
offer_task (gpointer user_data)
{
  ComediaSdpNegotiator *self = COMEDIA_SDP_NEGOTIATOR (user_data);
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  SdpMessagePtr offer = make_offer (self);
  while (offer) {
    GstFlowReturn ret = push_description (self, offer.get ());
    if (ret != GST_FLOW_OK) {
      if (ret != GST_FLOW_FLUSHING)
        GST_ELEMENT_ERROR (self, STREAM, FAILED, ("Could not send the SDP offer"),
            ("pushing it returned %s", gst_flow_get_name (ret)));
      break;
    }
    comedia::release_local_candidates (self, true);
    /* Resent until answered, like a request over an unreliable transport. */
    std::unique_lock<std::mutex> guard (priv->lock);
    if (priv->offer_interval == 0)
      break;
    priv->answered_cond.wait_for (guard,
        std::chrono::milliseconds (priv->offer_interval),
        [priv] { return priv->answered || priv->stopping; });
    if (priv->answered || priv->stopping)
      break;
    GST_INFO_OBJECT (self, "no answer after %u ms, sending the offer again",
        priv->offer_interval);
  }
  gst_pad_pause_task (self->srcpad);
}

static GstStateChangeReturn
comedia_sdp_negotiator_change_state (GstElement * element, GstStateChange transition)
{
  ComediaSdpNegotiator *self = COMEDIA_SDP_NEGOTIATOR (element);
  ComediaSdpNegotiatorPrivate *priv = self->priv;

  if (transition == GST_STATE_CHANGE_NULL_TO_READY) {
    get_session (self);
    if (!comedia::load_dtls_certificate (self) || !prepare_ice (self))
      return GST_STATE_CHANGE_FAILURE;
  }
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    /* Wake the offer task before the pads deactivate: they wait for it. */
    {
      std::lock_guard<std::mutex> guard (priv->lock);
      priv->stopping = true;
    }
    priv->answered_cond.notify_all ();
  }

  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      /* What we output waits for the remote peer: like a live source. */
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:{
      bool offer;
      {
        std::lock_guard<std::mutex> guard (priv->lock);
        offer = priv->role == COMEDIA_SDP_ROLE_OFFERER && !priv->offer_started;
        priv->offer_started = offer || priv->offer_started;
      }
      /* Only in PLAYING has every element started: the comedia-rtpsrc
       * elements are bound and the element that brings the answer back (a
       * tcpclientsrc, say) is connected before the offer leaves.  Without
       * a peer linked, applications use create-offer instead. */
      if (offer && gst_pad_is_linked (self->srcpad))
        gst_pad_start_task (self->srcpad, offer_task, self, nullptr);
      break;
    }
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      gst_pad_stop_task (self->srcpad);
      stop_keepalives (self);
      priv->framing.clear ();
      {
        std::lock_guard<std::mutex> guard (priv->push_lock);
        priv->src_started = false;
      }
      {
        std::lock_guard<std::mutex> guard (priv->lock);
        priv->offer_started = false;
        priv->stopping = false;
      }
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:{
      {
        /* The session's sockets may go with it: the next offer is a first. */
        std::lock_guard<std::mutex> negotiating (priv->negotiation_lock);
        priv->last_answer.forget ();
        priv->offer_origin.forget ();
      }
      comedia::cancel_mdns_resolutions (self);
      std::lock_guard<std::mutex> guard (priv->lock);
      g_clear_object (&priv->session);
      break;
    }
    default:
      break;
  }
  return ret;
}

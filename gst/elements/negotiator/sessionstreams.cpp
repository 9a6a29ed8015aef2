/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "sessionstreams.h"
#include "keepaliveservice.h"

#include <algorithm>

#include "negotiatordebug.h"

namespace comedia {

std::string
local_ip_of (const Component * component)
{
  GInetSocketAddress *addr = component->slot.local_address ();
  if (addr == nullptr)
    return "";
  gchar *s = g_inet_address_to_string (g_inet_socket_address_get_address (addr));
  std::string out (s);
  g_free (s);
  g_object_unref (addr);
  return out;
}

LocalStreams
local_streams_of (ComediaSession * session, NiceProvisioner & nice, guint count)
{
  LocalStreams out (count);
  for (guint stream = 1; stream <= count; stream++) {
    /* Open, not merely there: an ICE stream's components exist for their
     * DTLS terms without a socket. */
    for (guint component : { COMPONENT_RTP, COMPONENT_RTCP }) {
      Component *c = comedia_session_find_component (session, stream, component);
      out[stream - 1].sockets |= c != nullptr && c->slot.is_open ();
    }
    out[stream - 1].ice_components = nice.components (stream);
  }
  return out;
}

/* Opens both components of @stream; rtcp-mux when @want_rtcp_mux and the
 * session's comedia-rtpsrc muxes (only it can demultiplex). */
static bool
open_stream_sockets (ComediaSession * session, guint stream, bool want_rtcp_mux,
    TransportAddress & local, std::string & error)
{
  GError *err = nullptr;
  Component *rtp = comedia_session_open_component (session, stream, COMPONENT_RTP,
      nullptr, &err);
  Component *rtcp = rtp ? comedia_session_open_component (session, stream,
      COMPONENT_RTCP, nullptr, &err) : nullptr;
  if (rtcp == nullptr) {
    error = err ? err->message : "unknown error";
    g_clear_error (&err);
    return false;
  }
  local.address = local_ip_of (rtp);
  local.rtp_port = rtp->slot.local_port ();
  local.rtcp_port = rtcp->slot.local_port ();
  local.rtcp_mux = want_rtcp_mux && comedia_session_get_rtcp_mux (session, stream);
  return true;
}

bool
gather_stream_ice (NiceProvisioner & nice, guint stream, bool controlling,
    IceDescription & local, std::string & error)
{
  std::shared_ptr<IceAgent> ice = nice.agent ();
  if (ice == nullptr) {
    error = "the pipeline has no nicesrc/nicesink";
    return false;
  }
  return ice->gather (stream, controlling, ICE_GATHERING_TIMEOUT_MS, local, error);
}

StreamSupplies
supply_stream_needs (ComediaSession * session, NiceProvisioner & nice,
    const AnswerPlan & plan)
{
  StreamSupplies supplies (plan.streams.size ());
  for (guint i = 0; i < plan.streams.size (); i++) {
    const StreamDecision & d = plan.streams[i];
    StreamSupply & s = supplies[i];
    switch (d.need) {
      case StreamNeed::Nothing:
        continue;
      case StreamNeed::Sockets:
        s.ok = open_stream_sockets (session, d.plan.stream, d.want_rtcp_mux, s.local,
            s.error);
        break;
      case StreamNeed::Ice:
        s.ok = gather_stream_ice (nice, d.plan.stream, d.plan.ice_controlling, s.ice, s.error);
        break;
    }
    if (!s.ok)
      break;
  }
  return supplies;
}

static GSocketAddress *
socket_address (const std::string & ip, guint16 port)
{
  GInetAddress *ia = g_inet_address_new_from_string (ip.c_str ());
  if (ia == nullptr)
    return nullptr;
  GSocketAddress *addr = g_inet_socket_address_new (ia, port);
  g_object_unref (ia);
  return addr;
}

/* A pinned destination is what the SDP says, and wins over a latched
 * source (see Destination::set_static); an unpinned one serves
 * until a source latches (symmetric RTP). */
static void
set_destination (ComediaSession * session, guint stream, guint component,
    const std::string & ip, guint16 port, bool pinned)
{
  Component *c = comedia_session_open_component (session, stream,
      component, nullptr, nullptr);
  if (c == nullptr)
    return;
  GSocketAddress *addr = ip.empty () ? nullptr : socket_address (ip, port);
  c->destination.set_static (addr, pinned);
  g_clear_object (&addr);
}

/* What comedia-rtpsrc may learn from (the plan's allowed source, "" for
 * anywhere), on both components of the stream, and for symmetric RTP the
 * source the SDP names, which learning ranks first. */
static void
set_allowed_source (ComediaSession * session, const StreamPlan & p)
{
  for (guint component : { COMPONENT_RTP, COMPONENT_RTCP }) {
    Component *c = comedia_session_find_component (session, p.stream, component);
    if (c == nullptr)
      continue;
    PeerAddress preferred;
    if (p.kind == StreamPlan::Kind::Symmetric && !p.remote.address.empty ())
      PeerAddress::parse (p.remote.address, component == COMPONENT_RTP ?
          p.remote.rtp_port : p.remote.rtcp_port, preferred);
    c->receive_terms.set_allowed_source (p.allowed_source, preferred);
  }
}

/* One master key per direction covers SRTP and SRTCP: both components get
 * it (with rtcp-mux, component 1 carries both).  Empty keys: plain again,
 * as a re-offer without a=crypto says.  Over ICE the keys go to the
 * components comedia-dtlssrtpdec/-enc carry (made here if they are not
 * yet), as DTLS-SRTP terms do. */
static void
set_srtp_keys (GstElement * self, ComediaSession * session, const StreamPlan & p)
{
  for (guint component : { COMPONENT_RTP, COMPONENT_RTCP }) {
    bool ice_keyed = p.kind == StreamPlan::Kind::Ice && p.srtp_outbound.enabled ()
        && (component == COMPONENT_RTP || !p.local.rtcp_mux);
    Component *c = ice_keyed ? comedia_session_ensure_component (session, p.stream, component)
        : comedia_session_find_component (session, p.stream, component);
    if (c == nullptr)
      continue;
    c->receive_terms.set_inbound_srtp (p.srtp_inbound);
    std::string error;
    if (!c->srtp_out.set_key (p.srtp_outbound, false, &error))
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("Cannot use the negotiated SRTP key of stream %u", p.stream),
          ("%s", error.c_str ()));
  }
  if (p.srtp_outbound.enabled ())
    GST_DEBUG_OBJECT (self, "stream %u: SRTP %s", p.stream,
        srtp_suite_info (p.srtp_outbound.suite).name);
}

/* The DTLS-SRTP terms of @p's stream for the elements that carry its
 * components (comedia-rtpsrc; comedia-dtlssrtpdec/-enc over ICE): component
 * 1 and, without rtcp-mux, 2, each with its own handshake.  The association
 * number goes up for a new handshake: when the plan asks (a first answer, a
 * re-offer with a new tls-id or fingerprint) or the terms differ from those
 * the component holds; else it stays, and so does the association.  A
 * stream without DTLS turns it off where it was on. */
static void
set_dtls_terms (GstElement * self, ComediaSession * session, const StreamPlan & p,
    const std::shared_ptr<const DtlsCertificate> & certificate)
{
  /* What we answered or offered: an ICE peer may offer rtcp-mux that a
   * pipeline with two ICE components does not take. */
  bool mux = p.local.rtcp_mux;
  for (guint component : { COMPONENT_RTP, COMPONENT_RTCP }) {
    bool used = p.dtls.enabled && (component == COMPONENT_RTP || !mux);
    Component *c = used ? comedia_session_ensure_component (session, p.stream, component)
        : comedia_session_find_component (session, p.stream, component);
    if (c == nullptr)
      continue;
    NegotiatedDtls current;
    guint64 generation = 0;
    c->dtls.since (generation, current);
    if (!used) {
      if (current.enabled) {
        NegotiatedDtls off;
        off.association = current.association;
        c->dtls.set (off);
      }
      continue;
    }
    NegotiatedDtls terms;
    terms.enabled = true;
    terms.role = p.dtls.role;
    terms.connect = p.dtls.connect;
    terms.expected = p.dtls.peer.fingerprints;
    terms.certificate = certificate;
    /* The client sends the ClientHello: without ICE, to the peer's SDP
     * address for this component. */
    if (terms.role == DtlsRole::Client && p.kind != StreamPlan::Kind::Ice
        && !p.remote.address.empty ())
      PeerAddress::parse (p.remote.address, component == COMPONENT_RTP ?
          p.remote.rtp_port : p.remote.rtcp_port, terms.remote);
    bool renew = p.dtls.new_association || !current.enabled || current.role != terms.role
        || current.connect != terms.connect || current.expected != terms.expected
        || current.certificate != terms.certificate;
    terms.association = renew ? current.association + 1 : current.association;
    c->dtls.set (terms);
    GST_DEBUG_OBJECT (self, "stream %u component %u: DTLS %s, association %"
        G_GUINT64_FORMAT "%s", p.stream, component, dtls_role_field (p.dtls),
        terms.association, renew ? " (new handshake)" : "");
  }
}

void
apply_stream_plans (GstElement * self, ComediaSession * session,
    NiceProvisioner & nice, const std::vector<StreamPlan> & plans,
    const std::shared_ptr<const DtlsCertificate> & certificate)
{
  for (const StreamPlan & p : plans) {
    /* A rejected stream turns DTLS off where it was on.  A bundled one
     * has its tag's transport and association: nothing of its own. */
    bool bundled = p.bundle_tag != 0;
    if (!bundled)
      set_dtls_terms (self, session, p, certificate);
    /* Keys before destinations (or ICE's remote candidates): a sink that
     * could send before it has its key would send plain RTP, which the
     * peer drops.  DTLS-SRTP's come from the handshake, into the same
     * components: none from here. */
    if (p.kind != StreamPlan::Kind::Rejected && !p.dtls.enabled)
      set_srtp_keys (self, session, p);
    if (p.kind == StreamPlan::Kind::Ice && !bundled) {
      std::shared_ptr<IceAgent> ice = nice.agent ();
      std::string error;
      /* No nicesrc/nicesink is the pipeline's fault; credentials libnice
       * refuses are the peer's, and end only that stream. */
      if (ice == nullptr)
        GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
            ("Cannot start ICE on stream %u: the pipeline has no nicesrc/nicesink",
                p.stream), (nullptr));
      else if (!ice->set_remote (p.stream, p.remote_ice, p.ice_controlling, error))
        GST_ELEMENT_WARNING (self, STREAM, FAILED,
            ("Cannot start ICE on stream %u: %s", p.stream, error.c_str ()), (nullptr));
    }
    if (p.kind == StreamPlan::Kind::Static || p.kind == StreamPlan::Kind::Symmetric) {
      /* Symmetric: the signalled address until a source latches (always),
       * or nothing at all before (auto: it is out of reach). */
      bool pinned = p.kind == StreamPlan::Kind::Static;
      std::string to = pinned || p.send_before_latch ? p.remote.address : "";
      set_destination (session, p.stream, COMPONENT_RTP, to, p.remote.rtp_port, pinned);
      set_destination (session, p.stream, COMPONENT_RTCP, to, p.remote.rtcp_port, pinned);
    }
    if (p.kind != StreamPlan::Kind::Rejected && p.kind != StreamPlan::Kind::Ice) {
      set_allowed_source (session, p);
      /* Hold (RFC 3264 8.4): we answered recvonly or inactive. */
      if (Component *c = comedia_session_find_component (session, p.stream, COMPONENT_RTP))
        c->sending.set_on_hold (p.direction == MediaDirection::RecvOnly ||
            p.direction == MediaDirection::Inactive);
    }
    GST_INFO_OBJECT (self, "stream %u (%s): %s %s:%u/%u, %s", p.stream,
        p.media.c_str (), stream_plan_kind_name (p.kind),
        p.remote.address.c_str (), p.remote.rtp_port, p.remote.rtcp_port,
        p.note.c_str ());
    GstStructure *s = gst_structure_new ("sdp-negotiator-stream",
        "session", G_TYPE_STRING, comedia_session_get_name (session),
        "stream", G_TYPE_UINT, p.stream,
        "media", G_TYPE_STRING, p.media.c_str (),
        "plan", G_TYPE_STRING, stream_plan_kind_name (p.kind),
        "transport", G_TYPE_STRING,
        transport_name (stream_plan_transport (p.kind)),
        "address", G_TYPE_STRING, p.remote.address.c_str (),
        "rtp-port", G_TYPE_UINT, (guint) p.remote.rtp_port,
        "rtcp-port", G_TYPE_UINT, (guint) p.remote.rtcp_port,
        "local-rtp-port", G_TYPE_UINT, (guint) p.local.rtp_port,
        "local-rtcp-port", G_TYPE_UINT, (guint) p.local.rtcp_port,
        "rtcp-mux", G_TYPE_BOOLEAN, (gboolean) (p.local.rtcp_mux || p.remote.rtcp_mux),
        "allowed-source", G_TYPE_STRING, p.allowed_source.c_str (),
        "srtp", G_TYPE_STRING, p.dtls.enabled ? "dtls" : p.srtp_outbound.enabled () ?
            srtp_suite_info (p.srtp_outbound.suite).name : "",
        "dtls", G_TYPE_STRING, dtls_role_field (p.dtls),
        "note", G_TYPE_STRING, p.note.c_str (),
        "bundle-tag", G_TYPE_UINT, p.bundle_tag, nullptr);
    gst_element_post_message (self, gst_message_new_element (GST_OBJECT (self), s));
  }
}

void
apply_bundle_routes (ComediaSession * session, const GstSDPMessage * local,
    const std::vector<StreamPlan> & plans)
{
  for (const auto & [stream, routes] : bundle_routes_of (local, plans)) {
    Component *c = routes.bundled () ? comedia_session_ensure_component (session, stream,
        COMPONENT_RTP) : comedia_session_find_component (session, stream, COMPONENT_RTP);
    if (c != nullptr)
      c->bundle.set (routes);
  }
}

void
start_plan_keepalives (GstElement * self, ComediaSession * session,
    const std::vector<StreamPlan> & plans, gint interval, guint8 payload_type,
    bool burst, std::vector<guint> & started)
{
  for (const StreamPlan & p : plans) {
    /* ICE keeps its own bindings alive (libnice's consent checks). */
    if (p.kind == StreamPlan::Kind::Rejected || p.kind == StreamPlan::Kind::Ice)
      continue;
    comedia_keepalive_start (session, p.stream, interval, payload_type, burst);
    if (std::find (started.begin (), started.end (), p.stream) == started.end ())
      started.push_back (p.stream);
    GST_INFO_OBJECT (self, "stream %u: keepalives every %d ms of silence", p.stream,
        interval);
  }
}

}  // namespace comedia

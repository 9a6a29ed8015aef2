/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* sdp-negotiator's side of a ComediaSession: the streams offer/answer sees
 * (SessionStreams and NegotiatorIce, the LocalSockets and LocalIce of
 * comediasdp.h), and what a
 * negotiation's StreamPlans do to the session: pinned destinations, allowed
 * sources, the remote ICE candidates, keepalives, one bus message each. */

#include "comediasdp.h"
#include "comediasession.h"
#include "niceprovisioner.h"

#include <gst/gst.h>

#include <memory>
#include <string>
#include <vector>

namespace comedia {

/* A libnice TURN allocation or a STUN server that does not answer takes a
 * few seconds; past this the offer or answer is not worth waiting for. */
constexpr guint ICE_GATHERING_TIMEOUT_MS = 20000;

/* The IP address @component's socket is bound to, as text ("" if none). */
std::string local_ip_of (const Component * component);

/* LocalSockets on a ComediaSession: a stream exists when an element of the
 * pipeline opened one of its components (comedia-rtpsrc binds at READY). */
class SessionStreams : public comedia::LocalSockets {
 public:
  explicit SessionStreams (ComediaSession * session) : session_ (session) {}

  bool has_stream (guint stream) override {
    return comedia_session_find_component (session_, stream, comedia::COMPONENT_RTP)
        || comedia_session_find_component (session_, stream, comedia::COMPONENT_RTCP);
  }

  bool open_stream (guint stream, bool want_rtcp_mux, comedia::TransportAddress & local,
      std::string & error) override {
    GError *err = nullptr;
    comedia::Component *rtp = comedia_session_open_component (session_, stream,
        comedia::COMPONENT_RTP, nullptr, &err);
    comedia::Component *rtcp = rtp ? comedia_session_open_component (session_, stream,
        comedia::COMPONENT_RTCP, nullptr, &err) : nullptr;
    if (rtcp == nullptr) {
      error = err ? err->message : "unknown error";
      g_clear_error (&err);
      return false;
    }
    local.address = local_ip_of (rtp);
    local.rtp_port = rtp->slot.local_port ();
    local.rtcp_port = rtcp->slot.local_port ();
    /* Muxing is the comedia-rtpsrc's choice: only it can demultiplex. */
    local.rtcp_mux = want_rtcp_mux && comedia_session_get_rtcp_mux (session_, stream);
    return true;
  }

 private:
  ComediaSession *session_;
};

/* LocalIce on the negotiator's IceAgent, the one its nicesrc/nicesink use. */
class NegotiatorIce : public comedia::LocalIce {
 public:
  explicit NegotiatorIce (comedia::NiceProvisioner * nice) : nice_ (nice) {}

  /* The components of @stream among the pipeline's nicesrc/nicesink. */
  guint ice_components (guint stream) override {
    return nice_->components (stream);
  }

  bool gather_ice (guint stream, comedia::IceDescription & local,
      std::string & error) override {
    std::shared_ptr<comedia::IceAgent> ice = nice_->agent ();
    if (ice == nullptr) {
      error = "the pipeline has no nicesrc/nicesink";
      return false;
    }
    return ice->gather (stream, ICE_GATHERING_TIMEOUT_MS, local, error);
  }

 private:
  comedia::NiceProvisioner *nice_;
};

/* Gives the session's sinks their destinations and tells the bus (one
 * sdp-negotiator-stream message per plan, posted on @element). */
void apply_stream_plans (GstElement * element, ComediaSession * session,
    NiceProvisioner & nice, const std::vector<StreamPlan> & plans);

/* Starts NAT keepalives, one every @interval_ms of silence with RTP payload
 * type @payload_type, for the streams of @plans that send somewhere;
 * @burst: send the initial burst now.  Adds each stream to @started. */
void start_plan_keepalives (GstElement * element, ComediaSession * session,
    const std::vector<StreamPlan> & plans, gint interval_ms, guint8 payload_type,
    bool burst, std::vector<guint> & started);

}  // namespace comedia

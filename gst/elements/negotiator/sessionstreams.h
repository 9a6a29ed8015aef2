/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* sdp-negotiator's side of a ComediaSession: what the pipeline has of
 * each stream for the answerer to decide on (local_streams_of), what it
 * supplies once the answerer said what each stream needs (sockets opened,
 * ICE candidates gathered: supply_stream_needs), and what a negotiation's
 * StreamPlans do to the session (pinned destinations, allowed sources, the
 * remote ICE candidates, keepalives, one bus message each). */

#include "answerer.h"
#include "comediasession.h"
#include "dtlscertificate.h"
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

/* What the pipeline has of streams 1..@count: a stream has sockets when an
 * element opened one of its components (comedia-rtpsrc binds at READY),
 * and ICE components when nicesrc/nicesink use it with the agent. */
LocalStreams local_streams_of (ComediaSession * session, NiceProvisioner & nice,
    guint count);

/* The answer's second phase: opens the sockets (binding if need be) and
 * gathers the candidates that @plan says its streams need, one supply per
 * m-line.  It stops at the first failure, which fails the answer. */
StreamSupplies supply_stream_needs (ComediaSession * session, NiceProvisioner & nice,
    const AnswerPlan & plan);

/* Gathers (once) the local candidates of @stream with the negotiator's
 * agent, in the ICE role @controlling: credentials, candidates and default
 * candidate into @local. */
bool gather_stream_ice (NiceProvisioner & nice, guint stream, bool controlling,
    IceDescription & local, std::string & error);

/* Gives the session's sinks their destinations, the components their
 * SDES keys or DTLS-SRTP terms (with @certificate, NULL for the process's),
 * and tells the bus (one sdp-negotiator-stream message per plan, posted on
 * @element). */
void apply_stream_plans (GstElement * element, ComediaSession * session,
    NiceProvisioner & nice, const std::vector<StreamPlan> & plans,
    const std::shared_ptr<const DtlsCertificate> & certificate);

/* BUNDLE: gives each stream carrying a bundle's transport the routes of
 * its bundled streams (bundle_routes_of: from our SDP @local), which
 * comedia-dtlssrtpdec demultiplexes by; empty routes for the others. */
void apply_bundle_routes (ComediaSession * session, const GstSDPMessage * local,
    const std::vector<StreamPlan> & plans);

/* Starts NAT keepalives, one every @interval_ms of silence with RTP payload
 * type @payload_type, for the streams of @plans that send somewhere;
 * @burst: send the initial burst now.  Adds each stream to @started. */
void start_plan_keepalives (GstElement * element, ComediaSession * session,
    const std::vector<StreamPlan> & plans, gint interval_ms, guint8 payload_type,
    bool burst, std::vector<guint> & started);

}  // namespace comedia

/* The fakes and helpers the offer/answer unit tests share: a pipeline of
 * fake sockets and ICE components that supplies what an answer plan needs
 * (gst/core/sdp/answerer.h), the three answer phases run against it, and
 * SDP as comparable text.  No GstCheck here: tests/fuzz uses it too.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "answerer.h"

#include <map>
#include <string>
#include <vector>

namespace comedia {

/* A pipeline as the answerer sees it.  Streams 1..n_streams have sockets
 * (comedia-rtpsrc), unless sockets[s] says otherwise; ice[s] is the number
 * of ICE components (nicesrc/nicesink) of stream s.  Stream s binds
 * 40000 + 10 (s - 1) + shift (RTP) and the next port (RTCP) the first time
 * it is opened, and keeps them, as a session's Components do.  Gathering
 * gives fixed candidates: a host and a relay one per component, the relay
 * one being the default. */
class FakePipeline {
 public:
  guint n_streams = 2;
  std::map<guint, bool> sockets;   /* stream -> has comedia-rtpsrc */
  std::map<guint, guint> ice;      /* stream -> components */
  std::string bound = "0.0.0.0";   /* the address the sockets are bound to */
  bool can_mux = true;             /* its comedia-rtpsrc demultiplexes RTCP */
  bool fail_open = false;
  bool fail_gather = false;
  guint shift = 0;                 /* moves the ports of streams opened later */
  std::map<guint, guint16> ports;  /* stream -> RTP port, once opened */
  std::vector<guint> opened;       /* each open, in order */
  std::vector<guint> gathered;

  bool has_sockets (guint stream) const {
    auto it = sockets.find (stream);
    return it != sockets.end () ? it->second : stream >= 1 && stream <= n_streams;
  }
  guint ice_components (guint stream) const {
    auto it = ice.find (stream);
    return it != ice.end () ? it->second : 0;
  }

  LocalStreams local_streams (guint count) const {
    LocalStreams out (count);
    for (guint s = 1; s <= count; s++) {
      out[s - 1].sockets = has_sockets (s);
      out[s - 1].ice_components = ice_components (s);
    }
    return out;
  }

  bool open_stream (guint stream, bool want_rtcp_mux, TransportAddress & local,
      std::string & error) {
    if (fail_open) {
      error = "Address already in use";
      return false;
    }
    opened.push_back (stream);
    if (ports.count (stream) == 0)
      ports[stream] = 40000 + 10 * (stream - 1) + shift;
    local.address = bound;
    local.rtp_port = ports[stream];
    local.rtcp_mux = want_rtcp_mux && can_mux;
    local.rtcp_port = local.rtcp_mux ? local.rtp_port : local.rtp_port + 1;
    return true;
  }

  bool gather_ice (guint stream, IceDescription & local, std::string & error) {
    if (fail_gather) {
      error = "gathering timed out";
      return false;
    }
    gathered.push_back (stream);
    guint components = ice_components (stream);
    local.ufrag = "LoCa";
    local.pwd = "localpasswordlocalpass";
    guint base = 50000 + 10 * (stream - 1);
    for (guint c = 1; c <= components; c++) {
      local.candidates.push_back ("1 " + std::to_string (c) + " UDP 2130706431 10.0.0.2 "
          + std::to_string (base + c - 1) + " typ host");
      local.candidates.push_back ("3 " + std::to_string (c) + " UDP 16777215 203.0.113.9 "
          + std::to_string (base + 100 + c - 1) + " typ relay raddr 10.0.0.2 rport "
          + std::to_string (base + c - 1));
    }
    local.default_address = "203.0.113.9";
    local.default_rtp_port = base + 100;
    local.default_rtcp_port = components > 1 ? base + 101 : 0;
    return true;
  }

  /* What the sdp-negotiator's supply_stream_needs() does, on the fakes. */
  StreamSupplies supply (const AnswerPlan & plan) {
    StreamSupplies supplies (plan.streams.size ());
    for (guint i = 0; i < plan.streams.size (); i++) {
      const StreamDecision & d = plan.streams[i];
      StreamSupply & s = supplies[i];
      if (d.need == StreamNeed::Nothing)
        continue;
      s.ok = d.need == StreamNeed::Sockets
          ? open_stream (d.plan.stream, d.want_rtcp_mux, s.local, s.error)
          : gather_ice (d.plan.stream, s.ice, s.error);
      if (!s.ok)
        break;
    }
    return supplies;
  }
};

/* The answer to @offer from @pipeline: plan, supply, write. */
inline bool
answer_offer (const SdpDocument & offer, FakePipeline & pipeline,
    const AnswerOptions & options, Negotiated & out, SdpError & err)
{
  AnswerPlan plan;
  out = Negotiated ();
  const GstSDPMessage *msg = offer.message ();
  guint count = msg ? gst_sdp_message_medias_len (msg) : 0;
  return plan_answer (offer, pipeline.local_streams (count), options, plan, err)
      && write_answer (offer, plan, pipeline.supply (plan), options, out, err);
}

/* @answer, made by other code, rewritten with @pipeline's ports. */
inline bool
rewrite_offer_answer (const SdpDocument & offer, const SdpDocument & answer,
    FakePipeline & pipeline, const AnswerOptions & options, Negotiated & out,
    SdpError & err)
{
  AnswerPlan plan;
  out = Negotiated ();
  const GstSDPMessage *msg = answer.message ();
  guint count = msg ? gst_sdp_message_medias_len (msg) : 0;
  return plan_rewrite (offer, answer, pipeline.local_streams (count), options, plan, err)
      && write_rewrite (offer, answer, plan, pipeline.supply (plan), options, out, err);
}

/* SDP text without its carriage returns, for comparisons. */
inline std::string
strip_cr (std::string s)
{
  std::string out;
  for (char c : s)
    if (c != '\r')
      out += c;
  return out;
}

/* The m= sections of @msg, as text, concatenated. */
inline std::string
media_text (const GstSDPMessage * msg)
{
  std::string out;
  for (guint i = 0; i < gst_sdp_message_medias_len (msg); i++) {
    gchar *t = gst_sdp_media_as_text (gst_sdp_message_get_media (msg, i));
    out += t;
    g_free (t);
  }
  return strip_cr (out);
}

}  // namespace comedia

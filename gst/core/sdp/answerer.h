/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The answerer role (the public, passive peer: Kurento's processOffer) as
 * plain C++ on GstSDPMessage, in two phases, the way rtpbin2 asks for what
 * it needs and is called again:
 *
 *   1. plan_answer() (or plan_rewrite()) decides each m-line from the offer
 *      and what the pipeline has (LocalStreams) and says what each stream
 *      needs (StreamNeed: its sockets opened, or its ICE candidates
 *      gathered, which may take seconds);
 *   2. the caller provides it (StreamSupply): the sdp-negotiator element
 *      opens its session's sockets and gathers with its NiceAgent, the unit
 *      tests give fakes;
 *   3. write_answer() (or write_rewrite()) writes the answer from the
 *      decisions and what was supplied.
 *
 * Nothing here calls back into the caller, and the answer only ever
 * carries ports that were supplied, so something listens on every port it
 * announces.  No element, no pipeline, no sockets: the default route comes
 * through AnswerOptions::default_route_address. */

#include <gst/gst.h>
#include <gst/sdp/sdp.h>

#include "bundle.h"
#include "dtlsnegotiation.h"
#include "icesdp.h"
#include "sdpdocument.h"
#include "srtpnegotiation.h"
#include "streamplan.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace comedia {

struct AnswerOptions {
  /* c= of the answer; empty: the bound address if specific, else
   * default_route_address(). */
  std::string public_address;
  std::string session_name = "comedia";
  bool rtcp_mux = true;            /* accept a=rtcp-mux when offered */
  /* Encoding names (case-insensitive) or payload type numbers the answer
   * keeps; empty keeps every offered format. */
  std::vector<std::string> formats;
  /* a=extmap URIs the answer keeps (with the offer's id) because the
   * pipeline reads or writes them; empty: none (mediaprofile.h).  An
   * m-line whose BUNDLE is accepted keeps RTP_HDREXT_SDES_MID besides. */
  std::vector<std::string> header_extensions;
  /* o= session id; 0: a fresh random one. */
  guint64 session_id = 0;
  /* An offer with both ICE attributes and a=direction:active, on a stream
   * the pipeline can do both for. */
  PreferTransport prefer = PreferTransport::Ice;
  /* Fill StreamPlan::allowed_source from a public c= in the offer. */
  bool restrict_source = true;
  /* Offers without a=direction: when to learn the peer from its packets. */
  SymmetricRtp symmetric = SymmetricRtp::Auto;
  /* Address of the interface holding the default route, for the wildcard
   * case; @ipv6 asks for an IPv6 one. */
  std::function<std::string (bool ipv6)> default_route_address;
  /* Media that offer no usable SRTP: answered plain, or rejected. */
  PlainRtpPolicy plain_rtp = PlainRtpPolicy::Accept;
  /* Our SRTP keys; without it SRTP offers are answered as if unusable. */
  RandomBytes random;
  /* DTLS-SRTP: the policy (the table of dtlsnegotiation.h), our
   * certificate's fingerprint (without it DTLS-SRTP is not answered), and
   * each stream's DTLS as the last answer agreed on it ([s - 1]), so that a
   * re-offer that changes nothing keeps the association and our tls-id. */
  DtlsPolicy dtls = DtlsPolicy::Accept;
  std::optional<Fingerprint> dtls_fingerprint;
  std::vector<StreamDtls> previous_dtls;
  /* The same for SDES: a re-offer that keeps the peer's key keeps ours. */
  std::vector<StreamSdes> previous_sdes;
  /* BUNDLE offers: declined, or accepted for ICE m-lines (bundle.h). */
  BundlePolicy bundle = BundlePolicy::None;
};

/* What the pipeline has of one stream, read before the answer is planned. */
struct LocalStream {
  /* Some component of it was opened (comedia-rtpsrc binds at READY), so
   * its sockets can be. */
  bool sockets = false;
  /* Its components among the pipeline's nicesrc/nicesink (1 or 2); 0: none. */
  guint ice_components = 0;
};
/* Stream s is [s - 1]; streams past the end have nothing. */
using LocalStreams = std::vector<LocalStream>;

/* What one stream needs before the answer can be written. */
enum class StreamNeed {
  Nothing,    /* rejected */
  Sockets,    /* its RTP and RTCP sockets opened (bound if need be) */
  Ice,        /* the ICE credentials and candidates of its components */
};

/* What the caller obtained for a stream's need. */
struct StreamSupply {
  bool ok = false;
  std::string error;               /* why not, when !ok */
  /* Sockets: the bound address ("0.0.0.0" / "::" for the wildcard), the
   * ports, and whether rtcp-mux is in effect (only when the decision's
   * want_rtcp_mux asked for it and the pipeline can demultiplex). */
  TransportAddress local;
  /* Ice: the credentials, candidates and default candidate; rtcp_mux is
   * left to the answerer. */
  IceDescription ice;
};
/* One per m-line, as AnswerPlan::streams. */
using StreamSupplies = std::vector<StreamSupply>;

/* The answerer's decision for one offered m-line. */
struct StreamDecision {
  StreamPlan plan;                 /* all but what the supply brings */
  StreamNeed need = StreamNeed::Nothing;
  bool want_rtcp_mux = false;      /* Sockets: share one socket if possible */
  guint ice_components = 0;        /* Ice: the pipeline's components */
  const char *comedia_attribute = nullptr;   /* a=direction value to answer */
  std::vector<std::string> formats;          /* the payload types kept */
  std::string profile_note;        /* the formats the profile did not answer */
  SrtpDecision srtp;
};

struct AnswerPlan {
  std::vector<StreamDecision> streams;       /* one per m-line, in order */
};

struct Negotiated {
  SdpMessagePtr sdp;               /* the answer (or rewritten answer) */
  std::vector<StreamPlan> streams; /* one per m-line, in order */
};

/* Phase 1: decides every m-line of @offer against what the pipeline has. */
bool plan_answer (const SdpDocument & offer, const LocalStreams & local,
    const AnswerOptions & options, AnswerPlan & plan, SdpError & err);

/* Phase 3: the answer to @offer from @plan and one supply per m-line. */
bool write_answer (const SdpDocument & offer, const AnswerPlan & plan,
    const StreamSupplies & supplies, const AnswerOptions & options,
    Negotiated & out, SdpError & err);

/* Rewriting an answer made by other code for COMEDIA: this session's
 * ports, the public address, a=direction:passive where the offer was
 * active.  No ICE (the other code answered that) and no SRTP (its keys
 * would never reach the elements).  The same two phases as above. */
bool plan_rewrite (const SdpDocument & offer, const SdpDocument & answer,
    const LocalStreams & local, const AnswerOptions & options, AnswerPlan & plan,
    SdpError & err);
bool write_rewrite (const SdpDocument & offer, const SdpDocument & answer,
    const AnswerPlan & plan, const StreamSupplies & supplies,
    const AnswerOptions & options, Negotiated & out, SdpError & err);

/* "VP8, opus,96" -> {"VP8", "opus", "96"}. */
std::vector<std::string> split_format_list (const std::string & list);

}  // namespace comedia

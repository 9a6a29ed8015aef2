/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The COMEDIA offer/answer rules ("RTP without ICE", as Kurento does it) as
 * plain C++ on GstSDPMessage: no element, no pipeline, no sockets (the
 * default route comes through AnswerOptions::default_route_address).  The
 * sdp-negotiator element feeds it messages and real ports; the unit tests
 * feed it messages and fake ports.
 *
 * The message itself (SdpDocument), the m-line's transport (MediaTransport)
 * and the ICE attributes (icesdp.h) are read below these rules.
 *
 * Streams are numbered 1, 2, ... in m-line order; component 1 is RTP and
 * component 2 RTCP, as in comedia_session_open_component(). */

#include <gst/gst.h>
#include <gst/sdp/sdp.h>

#include "icesdp.h"
#include "netaddress.h"     /* is_public_address, default_route_address */
#include "sdpdocument.h"
#include "srtpnegotiation.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace comedia {

/* COMEDIA role of a media (a=direction, draft-ietf-mmusic-sdp-comedia). */
enum class ComediaDirection { None, Active, Passive, Both };
/* Media direction (RFC 4566 a=sendrecv and friends). */
enum class MediaDirection { Unspecified, SendRecv, SendOnly, RecvOnly, Inactive };

ComediaDirection comedia_direction_of (const GstSDPMessage * msg, guint media_index);
MediaDirection media_direction_of (const GstSDPMessage * msg, guint media_index);
/* sendonly <-> recvonly; the others stay. */
MediaDirection mirror_direction (MediaDirection d);
const char *media_direction_name (MediaDirection d);   /* "sendonly", or NULL */

/* The transport a stream uses. */
enum class Transport {
  None,       /* rejected */
  Ice,        /* nicesrc/nicesink through the session's NiceAgent */
  Comedia,    /* a=direction:active offer: latch on the peer's packets */
  Static,     /* send to the address in the peer's SDP */
};
const char *transport_name (Transport t);

/* Which one wins when an offer has both ICE attributes and
 * a=direction:active.  The values are the sdp-negotiator's
 * ComediaSdpPreferTransport ones, so that the element casts. */
enum class PreferTransport { Ice = 0, Comedia = 1 };

/* What the offer asks for on media @media_index, before looking at what
 * this pipeline can do: ICE attributes -> Ice, a=direction:active (or both)
 * -> Comedia, neither -> Static, both -> @prefer. */
Transport offered_transport (const GstSDPMessage * offer, guint media_index,
    PreferTransport prefer);


/* One end of a transport: an IP address (no host names) and ports. */
struct TransportAddress {
  std::string address;       /* "192.0.2.1", "2001:db8::1"; empty: none */
  guint16 rtp_port = 0;
  guint16 rtcp_port = 0;     /* == rtp_port with rtcp-mux */
  bool rtcp_mux = false;
  bool ipv6 () const;
};

/* The sockets of this peer's streams: the element gives the real ones of
 * its ComediaSession; tests give fakes. */
class LocalSockets {
 public:
  virtual ~LocalSockets () = default;
  /* Whether the pipeline has stream @stream (1-based) at all. */
  virtual bool has_stream (guint stream) = 0;
  /* Opens (binding if needed) the RTP and RTCP sockets of @stream, sharing
   * one socket when @want_rtcp_mux is set and possible; fills the bound
   * address ("0.0.0.0" / "::" for the wildcard), the ports and whether
   * rtcp-mux is in effect.  The answer only ever carries ports obtained
   * here, so something listens on every port it announces. */
  virtual bool open_stream (guint stream, bool want_rtcp_mux,
      TransportAddress & local, std::string & error) = 0;
};

/* This peer's ICE agent: the element gives the session's NiceAgent (the
 * pipeline's nicesrc/nicesink); tests give fakes. */
class LocalIce {
 public:
  virtual ~LocalIce () = default;
  /* The number of components (1 or 2) of @stream in the agent, 0 when the
   * pipeline has no nicesrc/nicesink for it. */
  virtual guint ice_components (guint stream) = 0;
  /* Gathers (once) the local candidates of @stream and fills @local with
   * the credentials, candidates and default candidate; rtcp_mux is left to
   * the caller. */
  virtual bool gather_ice (guint stream, IceDescription & local, std::string & error) = 0;
};

/* A pipeline without ICE elements. */
class NoIce : public LocalIce {
 public:
  guint ice_components (guint) override { return 0; }
  bool gather_ice (guint, IceDescription &, std::string & error) override {
    error = "no ICE agent";
    return false;
  }
};

/* Symmetric RTP for media without a=direction: when a stream learns its
 * peer from its packets instead of sending where the SDP says.  The values
 * are the sdp-negotiator's ComediaSdpSymmetricRtp ones. */
enum class SymmetricRtp {
  Auto = 0,     /* when the signalled address is out of reach (private...) */
  Always = 1,   /* always; the signalled address until a source latches */
  Never = 2,    /* never: send where the SDP says */
};

/* Whether a stream whose peer signalled @address (empty: on hold) without
 * a=direction learns its peer from its packets under @mode; @why says why,
 * for the plan's note, when it does. */
bool wants_symmetric_rtp (SymmetricRtp mode, const std::string & address,
    std::string & why);

/* What this peer does with one stream once the exchange is done. */
struct StreamPlan {
  enum class Kind {
    Latch,      /* COMEDIA: wait for the peer's packets, answer to their source */
    Static,     /* send to a fixed destination (the peer's SDP) */
    Rejected,   /* port 0: the stream is not used */
    Ice,        /* ICE through the session's NiceAgent (nicesrc/nicesink) */
    /* Symmetric RTP (RFC 4961) for a peer that knows nothing of COMEDIA (no
     * a=direction): learn its address from its packets, as Latch does, and
     * answer an ordinary answer.  remote is what the peer signalled. */
    Symmetric,
  };
  guint stream = 0;                /* 1-based */
  Kind kind = Kind::Rejected;
  std::string media;               /* "audio", "video", ... */
  TransportAddress local;          /* our sockets (not for Rejected) */
  TransportAddress remote;         /* Static: where to send; empty address:
                                    * the peer is on hold (c= 0.0.0.0).
                                    * Symmetric: what the peer signalled */
  /* Symmetric: send to remote until a source latches (symmetric-rtp=always);
   * else nothing is sent before the latch (an address out of reach). */
  bool send_before_latch = false;
  MediaDirection direction = MediaDirection::Unspecified;  /* ours */
  std::string note;                /* why, for logs and bus messages */
  /* Ice: the peer's credentials and candidates for the agent, and whether
   * this agent controls (RFC 5245 5.2: the offerer, or the full agent
   * against a lite one). */
  IceDescription remote_ice;
  bool ice_controlling = false;
  /* Latch and Static (answerer): the offer's c= address when it is public
   * (see is_public_address), the only source comedia-rtpsrc learns from;
   * empty: any.  rtpengine's heuristic: a peer that knows and announces its
   * public address sends from it. */
  std::string allowed_source;
  /* SDES-SRTP (RFC 4568): the key the peer sends with (from its a=crypto)
   * and ours; empty keys: plain RTP. */
  SrtpKey srtp_inbound;
  SrtpKey srtp_outbound;
};

const char *stream_plan_kind_name (StreamPlan::Kind kind);

/* ice, comedia, static or none: the transport a plan uses. */
Transport stream_plan_transport (StreamPlan::Kind kind);

struct AnswerOptions {
  /* c= of the answer; empty: the bound address if specific, else
   * default_route_address(). */
  std::string public_address;
  std::string session_name = "comedia";
  bool rtcp_mux = true;            /* accept a=rtcp-mux when offered */
  /* Encoding names (case-insensitive) or payload type numbers the answer
   * keeps; empty keeps every offered format. */
  std::vector<std::string> formats;
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
};

struct Negotiated {
  SdpMessagePtr sdp;               /* the answer (or rewritten answer) */
  std::vector<StreamPlan> streams; /* one per m-line, in order */
};

/* Answerer role (the public, passive peer): Kurento's processOffer. */
bool build_answer (const SdpDocument & offer, LocalSockets & sockets, LocalIce & ice,
    const AnswerOptions & options, Negotiated & out, SdpError & err);

/* Rewrites an answer made by other code for COMEDIA: this session's ports,
 * the public address, a=direction:passive where the offer was active.  No
 * ICE: the other code answered that. */
bool rewrite_answer (const SdpDocument & offer, const SdpDocument & answer,
    LocalSockets & sockets, const AnswerOptions & options, Negotiated & out,
    SdpError & err);

/* Checks that @answer answers @offer: same number of m-lines, same media
 * types, only offered payload types. */
bool check_answer_matches_offer (const SdpDocument & offer,
    const SdpDocument & answer, SdpError & err);

struct OfferedStream {
  /* One application/x-rtp structure per format, as RTP payloaders and
   * udpsrc caps describe them (media, payload, encoding-name, clock-rate,
   * encoding-params, fmtp fields, rtcp-fb-*). */
  GstCaps *caps = nullptr;         /* borrowed */
  bool rtcp_mux = false;
  MediaDirection direction = MediaDirection::Unspecified;
  /* Set: offer ICE (credentials, candidates, the default candidate in c=
   * and m=) instead of COMEDIA. */
  const IceDescription *ice = nullptr;   /* borrowed */
};

/* What the offerer offers of SRTP (the sdp-negotiator's srtp values). */
enum class SrtpOffer {
  Plain = 0,       /* RTP/AVP(F), no a=crypto */
  BestEffort = 1,  /* RTP/AVP(F) with a=crypto (OSRTP, RFC 8643) */
  Require = 2,     /* RTP/SAVP(F) with a=crypto */
};

struct OfferOptions {
  SrtpOffer srtp = SrtpOffer::Plain;
  RandomBytes random;              /* the keys, when srtp is not Plain */
  std::string session_name = "comedia";
  bool ipv6 = false;               /* c=IN IP6 :: instead of IN IP4 0.0.0.0 */
  guint64 session_id = 0;          /* 0: fresh random */
};

/* Offerer role (the active peer behind NAT): port 9, c= unspecified,
 * a=direction:active on every media; or, for streams with ice set, their
 * default candidate, the ICE attributes and no a=direction. */
bool build_offer (const std::vector<OfferedStream> & streams,
    const OfferOptions & options, SdpMessagePtr & out, SdpError & err);

/* What to do with media the offer made active whose answer lacks
 * a=direction:passive.  The values are the sdp-negotiator's
 * ComediaSdpMissingPassive ones, so that the element casts. */
enum class MissingPassive {
  Error = 0,              /* the peer does not do COMEDIA: fail */
  StaticDestination = 1,  /* warn, send to the answer's address anyway */
};

struct AnswerReading {
  std::vector<StreamPlan> streams;
  /* Set when some media lacked a=direction:passive and the reaction was
   * StaticDestination: the message to warn with. */
  std::string warning;
  /* Some media lacked a=direction:passive (also set when that failed the
   * reading), so the element can say the peer does not do COMEDIA. */
  bool missing_passive = false;
};

/* Offerer role: reads the answer to our @offer.  A stream whose answer is
 * passive gets the answer's address and RTP port (and a=rtcp, or port + 1,
 * or rtcp-mux) as its destination.  A stream offered with ICE needs ICE
 * attributes in the answer and gets an Ice plan with them.  An answer
 * without a=direction:passive to media offered active learns its peer
 * (Symmetric) when @symmetric wants it for the answer's address, and is
 * @missing_passive's business otherwise. */
bool read_answer (const SdpDocument & offer, const SdpDocument & answer,
    MissingPassive missing_passive, AnswerReading & out, SdpError & err,
    SymmetricRtp symmetric = SymmetricRtp::Never);

/* "VP8, opus,96" -> {"VP8", "opus", "96"}. */
std::vector<std::string> split_format_list (const std::string & list);

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The words offer/answer decides in, for both roles: directions
 * (a=direction, a=sendrecv...), the transport a stream uses, where a
 * stream's peer is (TransportAddress, read from its SDP), and what this peer
 * does with each stream once the exchange is done (StreamPlan).  The
 * answerer (answerer.h) and the offerer (offerer.h) make StreamPlans; the
 * sdp-negotiator element applies them to its session.
 *
 * Streams are numbered 1, 2, ... in m-line order; component 1 is RTP and
 * component 2 RTCP, as in comedia_session_open_component(). */

#include <gst/gst.h>
#include <gst/sdp/sdp.h>

#include "dtlssdp.h"
#include "icesdp.h"
#include "sdescrypto.h"
#include "sdpdocument.h"

#include <string>

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

/* Where the peer's SDP says to send media @i of @doc: c= and m= port,
 * a=rtcp or port + 1, rtcp-mux when @rtcp_mux.  An unspecified c= (on hold)
 * leaves the address empty and says so in @note. */
bool remote_transport (const SdpDocument & doc, guint i, bool rtcp_mux,
    TransportAddress & remote, std::string & note, SdpError & err);

/* "0.0.0.0", "::": an address that means no address. */
bool is_unspecified_address (const std::string & address);

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
  /* DTLS-SRTP (RFC 5763): the keys come from the handshake, none above. */
  StreamDtls dtls;
  /* BUNDLE (bundle.h): the stream whose ICE transport and DTLS association
   * this one uses; 0: its own. */
  guint bundle_tag = 0;
};

const char *stream_plan_kind_name (StreamPlan::Kind kind);

/* ice, comedia, static or none: the transport a plan uses. */
Transport stream_plan_transport (StreamPlan::Kind kind);

}  // namespace comedia

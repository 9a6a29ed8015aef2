/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* ICE (RFC 5245) attributes of SDP offers and answers, plain C++ on
 * GstSDPMessage: reading a=ice-ufrag, a=ice-pwd, a=candidate, a=ice-lite,
 * a=end-of-candidates and a=rtcp-mux of a media and writing them into one.
 * Their checks (RFC 5245 15) run when a message is read, in validate_sdp();
 * the choice between ICE, COMEDIA and a static destination is the offer/
 * answer rules' (streamplan.h, answerer.h).  Candidates stay text here; libnice parses
 * them (IceAgent). */

#include <gst/gst.h>
#include <gst/sdp/sdp.h>

#include <string>
#include <vector>

namespace comedia {

/* RFC 5245 15.4: ice-ufrag 4 to 256 characters, ice-pwd 22 to 256. */
constexpr gsize ICE_UFRAG_MIN = 4, ICE_PWD_MIN = 22, ICE_CHARS_MAX = 256;

/* The ICE side of one media, as read from a peer's SDP or as this peer's
 * agent gathered it. */
struct IceDescription {
  std::string ufrag;
  std::string pwd;
  bool lite = false;                    /* session-level a=ice-lite */
  bool end_of_candidates = false;
  bool rtcp_mux = false;
  /* Trickle ICE (RFC 8840): written with a=ice-options:trickle and without
   * a=end-of-candidates, more candidates to come. */
  bool trickle = false;
  /* Half trickle (RFC 8838 4): a=ice-options:trickle in a complete
   * description (a=end-of-candidates): the peer may trickle its own. */
  bool trickle_supported = false;
  /* a=candidate values: "foundation component transport priority address
   * port typ type [raddr a rport p] ...", in SDP order. */
  std::vector<std::string> candidates;
  /* Written into c=, m= and a=rtcp (RFC 5245 4.3: the default candidates);
   * read from them. */
  std::string default_address;
  guint16 default_rtp_port = 0;
  guint16 default_rtcp_port = 0;

  bool present () const { return !ufrag.empty () && !pwd.empty (); }
};

/* Fields of a candidate value that the rules need; false if it is not one. */
struct CandidateFields {
  guint component = 0;
  std::string transport;                /* "UDP" */
  std::string address;
  guint16 port = 0;
  std::string type;                     /* host, srflx, prflx, relay */
};
bool candidate_fields (const std::string & value, CandidateFields & out);

/* Why the candidate value @value cannot be used, for a person ("" when it
 * can): not a candidate, an address that is a name (an mDNS .local name, as
 * browsers hide their host addresses behind, or another FQDN: RFC 8839
 * allows both, and resolving a name here would block), or a transport other
 * than UDP and TCP.  Such a line is skipped, never a reason to refuse the
 * message: the other candidates, and the peer's own checks (prflx), still
 * connect.  An mDNS host candidate (mdns_candidate()) gets this reason too:
 * the note for when it is not resolved (sdp-negotiator resolve-mdns=false). */
std::string unusable_candidate_reason (const std::string & value);

/* A peer's host candidate whose address is an mDNS name, "<uuid>.local"
 * (what Firefox and Chromium send when the page has no camera permission,
 * draft-ietf-mmusic-mdns-ice-candidates): usable once the name resolves to
 * an IP address, which only the host's resolver can do (mDNS is link-local:
 * a browser behind a NAT cannot be resolved).  Everything but the address
 * stays as the peer wrote it. */
struct MdnsCandidate {
  std::string value;            /* the a=candidate value as it came */
  std::string name;             /* its address, the name to resolve */
  CandidateFields fields;       /* as read, with the name as address */
  guint media_index = 0;        /* the m-line of the message it came in */
  /* For a person when it is not resolved: "line 12: a=candidate:...
   * skipped: its address ... is an mDNS name ...". */
  std::string note;
};

/* Whether @value is a host candidate, UDP or TCP, whose address is a name
 * ending in ".local" (any case), the rest a usable candidate; @out gets its
 * fields (media_index and note are the caller's). */
bool mdns_candidate (const std::string & value, MdnsCandidate & out);

/* @value with its address (the fifth field) replaced by @address, the rest
 * (foundation, component, priority, port, type, tcptype...) kept; "" if
 * @value has too few fields. */
std::string candidate_with_address (const std::string & value, const std::string & address);

/* Whether media @media_index (or the session) has any ICE attribute. */
bool has_ice_attributes (const GstSDPMessage * msg, guint media_index);

/* The media-level value of ICE attribute @key, else the session-level one;
 * nullptr if neither has it. */
const char *ice_attribute (const GstSDPMessage * msg, guint media_index, const char *key);

/* Reads the ICE side of media @media_index of a validated message: ufrag
 * and pwd (media level, else session level), ice-lite, candidates,
 * end-of-candidates, rtcp-mux, the default address and ports.  A media
 * without any ICE attribute gives an empty description. */
IceDescription read_ice (const GstSDPMessage * msg, guint media_index);

/* Writes @local into @media: ice-ufrag, ice-pwd, the candidates (only
 * component 1's with rtcp-mux), end-of-candidates, and rtcp-mux or a=rtcp of
 * the default RTCP candidate.  m= port and c= are the caller's. */
void write_ice (GstSDPMedia * media, const IceDescription & local);

/* Component ids found among @ice's candidates, ascending. */
std::vector<guint> candidate_components (const IceDescription & ice);

}  // namespace comedia

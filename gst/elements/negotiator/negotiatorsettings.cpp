/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "negotiatorsettings.h"

namespace comedia {

static const PortRangePropertyIds port_range_ids = { PROP_MIN_PORT, PROP_MAX_PORT };

void
install_negotiator_properties (GObjectClass * gobject_class)
{
  g_object_class_install_property (gobject_class, PROP_SESSION,
      g_param_spec_string ("session", "Session",
          "Name of the session whose comedia-rtpsrc/comedia-rtpsink elements "
          "this negotiates for: the same name as their session property",
          DEFAULT_SESSION, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_ROLE,
      g_param_spec_enum ("role", "Role",
          "Which side of the exchange this peer is.  answerer: the public, "
          "passive peer, answers the offers that arrive on the sink pad; "
          "offerer: the active peer behind NAT, sends an offer "
          "on the source pad when it first goes to PLAYING and reads the answer",
          COMEDIA_TYPE_SDP_ROLE, DEFAULT_ROLE, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_PUBLIC_ADDRESS,
      g_param_spec_string ("public-address", "Public address",
          "Answerer: the IP address put in the answer's c= line, the one peers "
          "reach this host at.  Unset: the address the session's sockets are "
          "bound to if it is specific, else that of the interface holding the "
          "default route.  With ICE (read at NULL->READY) it is the announced "
          "address of a 1:1-NAT host: our host candidates of its address family "
          "carry it, the sockets stay on the private address", DEFAULT_PUBLIC_ADDRESS,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property (gobject_class, PROP_SESSION_NAME,
      g_param_spec_string ("session-name", "SDP session name",
          "The s= line of the offers and answers this element writes",
          DEFAULT_SESSION_NAME, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property (gobject_class, PROP_RTCP_MUX,
      g_param_spec_boolean ("rtcp-mux", "RTCP mux",
          "Answer a=rtcp-mux when the offer has it, and offer it, for streams "
          "whose comedia-rtpsrc has rtcp-mux=true (RTP and RTCP on one port, "
          "RFC 5761).  Other streams always use a separate RTCP port",
          DEFAULT_RTCP_MUX, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property (gobject_class, PROP_FORMATS,
      g_param_spec_string ("formats", "Formats",
          "Answerer: comma-separated encoding names (e.g. \"VP8,OPUS\", any "
          "case) or payload type numbers the answer keeps; an m-line left "
          "without format is rejected.  Unset: every offered format is kept",
          DEFAULT_FORMATS, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property (gobject_class, PROP_OFFER_CAPS,
      g_param_spec_boxed ("offer-caps", "Offer caps",
          "Offerer: the formats to offer, one application/x-rtp structure per "
          "stream in stream order (media, payload, encoding-name, clock-rate, "
          "...).  Unset: the caps of the session's comedia-rtpsrc elements",
          GST_TYPE_CAPS, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_MISSING_PASSIVE,
      g_param_spec_enum ("missing-passive", "Missing passive",
          "Offerer: what to do when the answer lacks a=direction:passive, "
          "i.e. the peer does not do COMEDIA: fail with an error, or warn and "
          "send to the answer's address anyway (works only if this host is "
          "not behind NAT)", COMEDIA_TYPE_SDP_MISSING_PASSIVE,
          DEFAULT_MISSING_PASSIVE, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property (gobject_class, PROP_MAX_SIZE,
      g_param_spec_uint ("max-size", "Maximum size",
          "Largest SDP message accepted, in bytes; more is an error, not "
          "something to buffer", 64, G_MAXINT32, DEFAULT_MAX_SIZE,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property (gobject_class, PROP_OFFER_INTERVAL,
      g_param_spec_uint ("offer-interval", "Offer interval",
          "Offerer: milliseconds after which the offer is sent again while no "
          "answer has arrived (the other side may have connected the way back "
          "late and missed the first answer); 0 sends it once", 0, G_MAXINT32,
          DEFAULT_OFFER_INTERVAL, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property (gobject_class, PROP_KEEPALIVE_INTERVAL,
      g_param_spec_int ("keepalive-interval", "Keepalive interval",
          "NAT keepalives (RFC 6263) once the exchange is done: one "
          "whenever a component has sent nothing for this many "
          "milliseconds, so the NAT keeps its mapping while media is silent "
          "(a receive-only peer, muted audio).  The offerer also sends a "
          "burst right after the answer, so the passive peer can latch "
          "before any media flows; the answerer sends none.  -1: automatic, "
          "15000 for role=offerer (the active peer behind NAT) and off for "
          "role=answerer; 0: off", -1, G_MAXINT32, DEFAULT_KEEPALIVE_INTERVAL,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_KEEPALIVE_PAYLOAD_TYPE,
      g_param_spec_int ("keepalive-payload-type", "Keepalive payload type",
          "Payload type of the RTP keepalives: one the session does not use, "
          "so a standard receiver drops them and comedia-rtpsrc consumes them "
          "(20 is unassigned in RFC 3551).  RTCP keepalives are empty "
          "Receiver Reports", 0, 127, DEFAULT_KEEPALIVE_PAYLOAD_TYPE,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_LOCAL_DESCRIPTION,
      g_param_spec_boxed ("local-description", "Local description",
          "The last offer or answer this element made", GST_TYPE_SDP_MESSAGE,
          (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
  g_object_class_install_property (gobject_class, PROP_REMOTE_DESCRIPTION,
      g_param_spec_boxed ("remote-description", "Remote description",
          "The last offer or answer received from the peer",
          GST_TYPE_SDP_MESSAGE, (GParamFlags) (G_PARAM_READABLE |
              G_PARAM_STATIC_STRINGS)));
  g_object_class_install_property (gobject_class, PROP_TRANSPORT,
      g_param_spec_enum ("transport", "Transport",
          "Offerer: comedia offers port 9 and a=direction:active; ice offers "
          "the credentials and candidates of this element's NiceAgent, which "
          "the pipeline's nicesrc/nicesink elements use",
          COMEDIA_TYPE_SDP_TRANSPORT, DEFAULT_TRANSPORT, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_PREFER_TRANSPORT,
      g_param_spec_enum ("prefer-transport", "Preferred transport",
          "Answerer: what answers an offer with both ICE attributes and "
          "a=direction:active, for a stream the pipeline has both "
          "nicesrc/nicesink and comedia elements for",
          COMEDIA_TYPE_SDP_PREFER_TRANSPORT, DEFAULT_PREFER_TRANSPORT,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property (gobject_class, PROP_RESTRICT_SOURCE,
      g_param_spec_boolean ("restrict-source", "Restrict source",
          "Answerer: when an offer's c= address is public (not 0.0.0.0, not "
          "private), the session's comedia-rtpsrc elements learn only from "
          "that address (unless their own allowed-source is set), so an "
          "attacker elsewhere cannot take the stream, as rtpengine does",
          DEFAULT_RESTRICT_SOURCE, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property (gobject_class, PROP_SYMMETRIC_RTP,
      g_param_spec_enum ("symmetric-rtp", "Symmetric RTP",
          "Media whose peer says no a=direction (a SIP phone, a stock "
          "endpoint): auto learns the peer from its packets, as COMEDIA does "
          "(probation, relatch, timeout), when the address it signalled is out "
          "of reach (private, carrier-grade NAT, link-local, unique local, "
          "0.0.0.0), and sends nothing before; always does so for every such "
          "media, sending to the signalled address until a source latches and "
          "ranking that address first; never sends where the SDP says. The "
          "answer stays an ordinary one. The offerer applies the same to "
          "answers without a=direction:passive",
          COMEDIA_TYPE_SDP_SYMMETRIC_RTP, DEFAULT_SYMMETRIC_RTP,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property (gobject_class, PROP_SRTP,
      g_param_spec_enum ("srtp", "SRTP",
          "SDES-SRTP (RFC 4568, a=crypto): accept answers an SRTP offer with "
          "SRTP (one suite, the offer's tag, a fresh key) and a plain one "
          "plain, and offers plain RTP; best-effort also offers RTP/AVP with "
          "a=crypto (RFC 8643); require rejects media without usable SRTP "
          "(port 0) and offers RTP/SAVP.  The keys go to the session's "
          "comedia-rtpsrc and comedia-rtpsink (unless they have a fixed "
          "srtp-key), or over ICE to comedia-dtlssrtpdec/-enc.  The SDP texts "
          "on the bus carry them",
          COMEDIA_TYPE_SDP_SRTP, DEFAULT_SRTP,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property (gobject_class, PROP_DTLS,
      g_param_spec_enum ("dtls", "DTLS",
          "DTLS-SRTP (RFC 5763/5764: a=fingerprint, a=setup, keys from a "
          "handshake): accept answers UDP/TLS/RTP/SAVP(F) offers, and RTP/SAVP(F) "
          "with a=fingerprint, with DTLS-SRTP (passive to an actpass offer), in "
          "preference to a=crypto when an m-line offers both (as browsers need), "
          "and offers none; off rejects media that offer only DTLS-SRTP (port 0); "
          "require rejects media without DTLS-SRTP and offers UDP/TLS/RTP/SAVP(F) "
          "(a=setup:actpass with ICE, a=setup:active with COMEDIA).  The "
          "handshake's terms go to the elements that carry each component "
          "(comedia-rtpsrc, or comedia-dtlssrtpdec/-enc over ICE); srtp decides "
          "the rest",
          COMEDIA_TYPE_SDP_DTLS, DEFAULT_DTLS,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property (gobject_class, PROP_DTLS_CERTIFICATE,
      g_param_spec_string ("dtls-certificate", "DTLS certificate",
          "Path of a PEM file holding our DTLS certificate and its unencrypted "
          "private key, read at NULL -> READY (an error names the file and what "
          "is wrong); empty: the process's certificate (ECDSA P-256, self-signed, "
          "made at start).  Peers check it against the a=fingerprint of our SDP",
          DEFAULT_DTLS_CERTIFICATE, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_DTLS_LOCAL_FINGERPRINT,
      g_param_spec_string ("dtls-local-fingerprint", "DTLS local fingerprint",
          "The a=fingerprint our SDP carries: \"sha-256 AB:CD:...\" of the "
          "certificate in use (dtls-certificate); NULL before READY",
          nullptr, (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
  g_object_class_install_property (gobject_class, PROP_BUNDLE_POLICY,
      g_param_spec_enum ("bundle-policy", "BUNDLE policy",
          "BUNDLE (RFC 9143): none answers without a=group, each m-line its own "
          "transport; max-bundle accepts an offer's a=group:BUNDLE for its ICE "
          "m-lines: they share the ICE transport (one nicesrc/nicesink, rtcp-mux) "
          "and DTLS association of the one whose stream the pipeline's "
          "nicesrc/nicesink serve, and comedia-dtlssrtpdec/-enc carry the others "
          "on their src_%u and sink_%u pads (what browsers with bundlePolicy "
          "max-bundle need).  Offerer with transport=ice: none offers each "
          "m-line its own transport; max-bundle offers one a=group:BUNDLE, "
          "stream 1's nicesrc/nicesink carrying all: candidates on the first "
          "m-line only, the others port 0 and a=bundle-only (RFC 9143, as "
          "browsers offer); an answer without the group rejects those (a "
          "warning; the first m-line goes on)",
          COMEDIA_TYPE_SDP_BUNDLE_POLICY, DEFAULT_BUNDLE_POLICY,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property (gobject_class, PROP_STRICT,
      g_param_spec_boolean ("strict", "Strict",
          "What a message on the sink pad that cannot be used does (not SDP, "
          "over max-size, cut short, an offer or answer that cannot be "
          "served): false: a warning and an sdp-negotiator-message-refused "
          "message on the bus, and the next message is read (a stranger who "
          "reaches the signalling port cannot end the pipeline); true: a "
          "pipeline error, and the sink pad stops",
          DEFAULT_STRICT, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property (gobject_class, PROP_MESSAGES_REFUSED,
      g_param_spec_uint64 ("messages-refused", "Messages refused",
          "Messages from the sink pad refused since the element was made "
          "(each with a warning and an sdp-negotiator-message-refused "
          "message on the bus)", 0, G_MAXUINT64, 0,
          (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
  g_object_class_install_property (gobject_class, PROP_CANDIDATES_SKIPPED,
      g_param_spec_uint64 ("candidates-skipped", "Candidates skipped",
          "ICE: the peer's a=candidate lines skipped since the element was "
          "made, because they cannot be used (a host name, an mDNS .local "
          "name that did not resolve or with resolve-mdns=false, an unknown "
          "transport, not a candidate); each message with some gets a "
          "warning naming them, and is answered without them", 0,
          G_MAXUINT64, 0, (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
  g_object_class_install_property (gobject_class, PROP_RESOLVE_MDNS,
      g_param_spec_boolean ("resolve-mdns", "Resolve mDNS candidates",
          "ICE: the peer's host candidates whose address is an mDNS name "
          "(<uuid>.local, what Firefox and Chromium send when the page has no "
          "camera permission) are resolved in the background through the "
          "system's resolver (nss-mdns with avahi-daemon on Debian) and added "
          "to the agent with the address found, counted in "
          "candidates-resolved; the answer does not wait for them.  A name "
          "not resolved within 3 s (a browser behind a NAT: mDNS does not "
          "leave the link) is skipped with a warning, and the call connects "
          "through the peer's other candidates and its checks (prflx).  "
          "false: such lines are skipped when the message is read",
          DEFAULT_RESOLVE_MDNS, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property (gobject_class, PROP_CANDIDATES_RESOLVED,
      g_param_spec_uint64 ("candidates-resolved", "Candidates resolved",
          "ICE: the peer's mDNS host candidates resolved and handed to the "
          "agent since the element was made (resolve-mdns)", 0,
          G_MAXUINT64, 0, (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
  g_object_class_install_property (gobject_class, PROP_TRICKLE,
      g_param_spec_boolean ("trickle", "Trickle ICE",
          "Answerer: answer an offer with a=ice-options:trickle without waiting "
          "for ICE gathering, our later candidates following as "
          "sdp-negotiator-ice-candidate messages and SDP fragments on the "
          "source pad (RFC 8838/8840); false: always wait for gathering, for "
          "applications that relay nothing after the answer.  Offerer: see "
          "trickle-offer",
          DEFAULT_TRICKLE, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property (gobject_class, PROP_ICE_TCP,
      g_param_spec_boolean ("ice-tcp", "ICE-TCP",
          "ICE: TCP host candidates too (RFC 6544, libnice's ice-tcp), so a "
          "peer whose UDP is blocked connects over TCP; where UDP works ICE "
          "picks UDP.  The passive candidates listen on a port of "
          "min-port..max-port; the active ones connect out from any port.  "
          "TRUE as webrtcbin's; false: UDP only",
          DEFAULT_ICE_TCP, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_TRICKLE_OFFER,
      g_param_spec_boolean ("trickle-offer", "Trickle offers",
          "Offerer (transport=ice) with trickle=true: offers say "
          "a=ice-options:trickle and leave without waiting for ICE gathering "
          "(RFC 8838), with the host candidates and no a=end-of-candidates; our "
          "later candidates follow as on the answerer side "
          "(sdp-negotiator-ice-candidate messages, and SDP fragments on the "
          "source pad after a pushed offer), and the answer may trickle its "
          "own.  Only for an application that relays candidates both ways and "
          "answerers that take them (browsers, webrtcbin, comedia): one that "
          "does not would miss our srflx and relay candidates; false: complete "
          "offers without a=ice-options, as before",
          DEFAULT_TRICKLE_OFFER, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property (gobject_class, PROP_STUN_SERVER,
      g_param_spec_string ("stun-server", "STUN server",
          "ICE: the STUN server for server-reflexive candidates, as "
          "stun://host[:port] (port 3478 by default)", DEFAULT_STUN_SERVER,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_TURN_SERVER,
      g_param_spec_string ("turn-server", "TURN server",
          "ICE: the TURN server for relayed candidates, as "
          "turn://user:password@host[:port] (UDP; ?transport=tcp for TCP; "
          "turns:// for TLS)", DEFAULT_TURN_SERVER,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_ICE_ADDRESSES,
      g_param_spec_string ("ice-addresses", "ICE addresses",
          "ICE: comma-separated local IP addresses to gather host candidates "
          "on.  Unset: every interface but loopback", DEFAULT_ICE_ADDRESSES,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  install_port_range_properties (gobject_class, port_range_ids,
      "The lowest UDP port of every socket the negotiator opens: the ICE "
      "agent's (each component of each stream; with ice-tcp also its "
      "listening TCP ports, not the active ones' outgoing ports) and the "
      "session's COMEDIA sockets it binds (comedia-rtpsrc's own "
      "min-port/max-port apply to its socket).  0 with max-port 0: any port",
      "The highest UDP port of the negotiator's sockets (see min-port)");
}

bool
set_negotiator_property (NegotiatorSettings & settings, guint prop_id,
    const GValue * value)
{
  const gchar *s;

  if (set_port_range_property (settings.port_range, port_range_ids, prop_id, value))
    return true;
  switch (prop_id) {
    case PROP_SESSION:
      s = g_value_get_string (value);
      settings.session_name = s ? s : DEFAULT_SESSION;
      break;
    case PROP_ROLE:
      settings.role = (ComediaSdpRole) g_value_get_enum (value);
      break;
    case PROP_PUBLIC_ADDRESS:
      s = g_value_get_string (value);
      settings.public_address = s ? s : "";
      break;
    case PROP_SESSION_NAME:
      s = g_value_get_string (value);
      settings.sdp_session_name = s ? s : DEFAULT_SESSION_NAME;
      break;
    case PROP_RTCP_MUX:
      settings.rtcp_mux = g_value_get_boolean (value);
      break;
    case PROP_TRICKLE:
      settings.trickle = g_value_get_boolean (value);
      break;
    case PROP_ICE_TCP:
      settings.ice_tcp = g_value_get_boolean (value);
      break;
    case PROP_TRICKLE_OFFER:
      settings.trickle_offer = g_value_get_boolean (value);
      break;
    case PROP_RESOLVE_MDNS:
      settings.resolve_mdns = g_value_get_boolean (value);
      break;
    case PROP_FORMATS:
      s = g_value_get_string (value);
      settings.formats = s ? s : "";
      break;
    case PROP_OFFER_CAPS:
      gst_caps_replace (&settings.offer_caps, (GstCaps *) g_value_get_boxed (value));
      break;
    case PROP_MISSING_PASSIVE:
      settings.missing_passive = (ComediaSdpMissingPassive) g_value_get_enum (value);
      break;
    case PROP_MAX_SIZE:
      settings.max_size = g_value_get_uint (value);
      break;
    case PROP_OFFER_INTERVAL:
      settings.offer_interval = g_value_get_uint (value);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      settings.keepalive_interval = g_value_get_int (value);
      break;
    case PROP_KEEPALIVE_PAYLOAD_TYPE:
      settings.keepalive_pt = g_value_get_int (value);
      break;
    case PROP_TRANSPORT:
      settings.transport = (ComediaSdpTransport) g_value_get_enum (value);
      break;
    case PROP_PREFER_TRANSPORT:
      settings.prefer_transport = (ComediaSdpPreferTransport) g_value_get_enum (value);
      break;
    case PROP_SRTP:
      settings.srtp = (ComediaSdpSrtp) g_value_get_enum (value);
      break;
    case PROP_DTLS:
      settings.dtls = (ComediaSdpDtls) g_value_get_enum (value);
      break;
    case PROP_DTLS_CERTIFICATE:
      s = g_value_get_string (value);
      settings.dtls_certificate_path = s ? s : "";
      break;
    case PROP_SYMMETRIC_RTP:
      settings.symmetric_rtp = (ComediaSdpSymmetricRtp) g_value_get_enum (value);
      break;
    case PROP_RESTRICT_SOURCE:
      settings.restrict_source = g_value_get_boolean (value);
      break;
    case PROP_STRICT:
      settings.strict = g_value_get_boolean (value);
      break;
    case PROP_BUNDLE_POLICY:
      settings.bundle_policy = (ComediaSdpBundlePolicy) g_value_get_enum (value);
      break;
    case PROP_STUN_SERVER:
      s = g_value_get_string (value);
      settings.stun_server = s ? s : "";
      break;
    case PROP_TURN_SERVER:
      s = g_value_get_string (value);
      settings.turn_server = s ? s : "";
      break;
    case PROP_ICE_ADDRESSES:
      s = g_value_get_string (value);
      settings.ice_addresses = s ? s : "";
      break;
    default:
      return false;
  }
  return true;
}

bool
get_negotiator_property (const NegotiatorSettings & settings, guint prop_id,
    GValue * value)
{
  if (get_port_range_property (settings.port_range, port_range_ids, prop_id, value))
    return true;
  switch (prop_id) {
    case PROP_SESSION:
      g_value_set_string (value, settings.session_name.c_str ());
      break;
    case PROP_ROLE:
      g_value_set_enum (value, settings.role);
      break;
    case PROP_PUBLIC_ADDRESS:
      g_value_set_string (value, settings.public_address.empty () ? nullptr :
          settings.public_address.c_str ());
      break;
    case PROP_SESSION_NAME:
      g_value_set_string (value, settings.sdp_session_name.c_str ());
      break;
    case PROP_RTCP_MUX:
      g_value_set_boolean (value, settings.rtcp_mux);
      break;
    case PROP_TRICKLE:
      g_value_set_boolean (value, settings.trickle);
      break;
    case PROP_ICE_TCP:
      g_value_set_boolean (value, settings.ice_tcp);
      break;
    case PROP_TRICKLE_OFFER:
      g_value_set_boolean (value, settings.trickle_offer);
      break;
    case PROP_RESOLVE_MDNS:
      g_value_set_boolean (value, settings.resolve_mdns);
      break;
    case PROP_FORMATS:
      g_value_set_string (value, settings.formats.empty () ? nullptr :
          settings.formats.c_str ());
      break;
    case PROP_OFFER_CAPS:
      g_value_set_boxed (value, settings.offer_caps);
      break;
    case PROP_MISSING_PASSIVE:
      g_value_set_enum (value, settings.missing_passive);
      break;
    case PROP_MAX_SIZE:
      g_value_set_uint (value, settings.max_size);
      break;
    case PROP_OFFER_INTERVAL:
      g_value_set_uint (value, settings.offer_interval);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      g_value_set_int (value, settings.keepalive_interval);
      break;
    case PROP_KEEPALIVE_PAYLOAD_TYPE:
      g_value_set_int (value, settings.keepalive_pt);
      break;
    case PROP_TRANSPORT:
      g_value_set_enum (value, settings.transport);
      break;
    case PROP_PREFER_TRANSPORT:
      g_value_set_enum (value, settings.prefer_transport);
      break;
    case PROP_SRTP:
      g_value_set_enum (value, settings.srtp);
      break;
    case PROP_DTLS:
      g_value_set_enum (value, settings.dtls);
      break;
    case PROP_DTLS_CERTIFICATE:
      g_value_set_string (value, settings.dtls_certificate_path.empty () ? nullptr :
          settings.dtls_certificate_path.c_str ());
      break;
    case PROP_DTLS_LOCAL_FINGERPRINT:
      g_value_set_string (value, settings.dtls_local_fingerprint.empty () ? nullptr :
          settings.dtls_local_fingerprint.c_str ());
      break;
    case PROP_SYMMETRIC_RTP:
      g_value_set_enum (value, settings.symmetric_rtp);
      break;
    case PROP_RESTRICT_SOURCE:
      g_value_set_boolean (value, settings.restrict_source);
      break;
    case PROP_STRICT:
      g_value_set_boolean (value, settings.strict);
      break;
    case PROP_BUNDLE_POLICY:
      g_value_set_enum (value, settings.bundle_policy);
      break;
    case PROP_STUN_SERVER:
      g_value_set_string (value, settings.stun_server.empty () ? nullptr :
          settings.stun_server.c_str ());
      break;
    case PROP_TURN_SERVER:
      g_value_set_string (value, settings.turn_server.empty () ? nullptr :
          settings.turn_server.c_str ());
      break;
    case PROP_ICE_ADDRESSES:
      g_value_set_string (value, settings.ice_addresses.empty () ? nullptr :
          settings.ice_addresses.c_str ());
      break;
    default:
      return false;
  }
  return true;
}

}  // namespace comedia

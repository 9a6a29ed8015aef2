/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The public enum types of the three elements' properties, as
 * gst-inspect-1.0 shows them: the C enums and their GType getters, all
 * registered in comediaenums.cpp.  Settings include this, never an element's
 * header. */

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * ComediaRelatch:
 * @COMEDIA_RELATCH_NEVER: the first peer stays
 * @COMEDIA_RELATCH_SSRC: a new address continuing the peer's SSRC and
 *   sequence numbers takes over at once (NAT rebinding, roaming)
 * @COMEDIA_RELATCH_SILENCE: after the peer was silent for the timeout, any
 *   source may latch again through probation
 *
 * comedia-rtpsrc's relatch property.
 */
typedef enum
{
  COMEDIA_RELATCH_NEVER,
  COMEDIA_RELATCH_SSRC,
  COMEDIA_RELATCH_SILENCE,
} ComediaRelatch;

#define COMEDIA_TYPE_RELATCH (comedia_relatch_get_type ())
GType comedia_relatch_get_type (void);

/**
 * ComediaSrtpSuite:
 * @COMEDIA_SRTP_SUITE_NONE: no fixed key: plain RTP, or a negotiated key
 * @COMEDIA_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80: AES_CM_128_HMAC_SHA1_80
 * @COMEDIA_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32: AES_CM_128_HMAC_SHA1_32
 * @COMEDIA_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80: AES_256_CM_HMAC_SHA1_80
 * @COMEDIA_SRTP_SUITE_AES_256_CM_HMAC_SHA1_32: AES_256_CM_HMAC_SHA1_32
 * @COMEDIA_SRTP_SUITE_AEAD_AES_128_GCM: AEAD_AES_128_GCM
 * @COMEDIA_SRTP_SUITE_AEAD_AES_256_GCM: AEAD_AES_256_GCM
 *
 * The srtp-suite property of comedia-rtpsrc and comedia-rtpsink: the
 * core's suites, in order, after NONE.
 */
typedef enum {
  COMEDIA_SRTP_SUITE_NONE = 0,
  COMEDIA_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80,
  COMEDIA_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32,
  COMEDIA_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80,
  COMEDIA_SRTP_SUITE_AES_256_CM_HMAC_SHA1_32,
  COMEDIA_SRTP_SUITE_AEAD_AES_128_GCM,
  COMEDIA_SRTP_SUITE_AEAD_AES_256_GCM,
} ComediaSrtpSuite;

#define COMEDIA_TYPE_SRTP_SUITE (comedia_srtp_suite_get_type ())
GType comedia_srtp_suite_get_type (void);

/**
 * ComediaSdpRole:
 * @COMEDIA_SDP_ROLE_ANSWERER: the public, passive peer: answers offers
 * @COMEDIA_SDP_ROLE_OFFERER: the active peer behind NAT: offers, reads the answer
 */
typedef enum {
  COMEDIA_SDP_ROLE_ANSWERER,
  COMEDIA_SDP_ROLE_OFFERER,
} ComediaSdpRole;

#define COMEDIA_TYPE_SDP_ROLE (comedia_sdp_role_get_type ())
GType comedia_sdp_role_get_type (void);

/**
 * ComediaSdpMissingPassive:
 * @COMEDIA_SDP_MISSING_PASSIVE_ERROR: post an error: the peer does not do COMEDIA
 * @COMEDIA_SDP_MISSING_PASSIVE_STATIC_DESTINATION: post a warning and send to
 *   the answer's address as a plain static destination
 */
typedef enum {
  COMEDIA_SDP_MISSING_PASSIVE_ERROR,
  COMEDIA_SDP_MISSING_PASSIVE_STATIC_DESTINATION,
} ComediaSdpMissingPassive;

#define COMEDIA_TYPE_SDP_MISSING_PASSIVE (comedia_sdp_missing_passive_get_type ())
GType comedia_sdp_missing_passive_get_type (void);

/**
 * ComediaSdpTransport:
 * @COMEDIA_SDP_TRANSPORT_COMEDIA: offer port 9 and a=direction:active
 * @COMEDIA_SDP_TRANSPORT_ICE: offer ICE credentials and candidates of the
 *   session's NiceAgent (nicesrc/nicesink)
 */
typedef enum {
  COMEDIA_SDP_TRANSPORT_COMEDIA,
  COMEDIA_SDP_TRANSPORT_ICE,
} ComediaSdpTransport;

#define COMEDIA_TYPE_SDP_TRANSPORT (comedia_sdp_transport_get_type ())
GType comedia_sdp_transport_get_type (void);

/**
 * ComediaSdpPreferTransport:
 * @COMEDIA_SDP_PREFER_TRANSPORT_ICE: answer with ICE
 * @COMEDIA_SDP_PREFER_TRANSPORT_COMEDIA: answer a=direction:passive
 *
 * What answers an offer that has both ICE attributes and
 * a=direction:active, when the pipeline can do both.
 */
typedef enum {
  COMEDIA_SDP_PREFER_TRANSPORT_ICE,
  COMEDIA_SDP_PREFER_TRANSPORT_COMEDIA,
} ComediaSdpPreferTransport;

#define COMEDIA_TYPE_SDP_PREFER_TRANSPORT (comedia_sdp_prefer_transport_get_type ())
GType comedia_sdp_prefer_transport_get_type (void);

/**
 * ComediaSdpSymmetricRtp:
 * @COMEDIA_SDP_SYMMETRIC_RTP_AUTO: learn the peer from its packets when the
 *   address it signalled is out of reach (private, carrier-grade NAT,
 *   link-local, unique local, unspecified); else send where it said
 * @COMEDIA_SDP_SYMMETRIC_RTP_ALWAYS: always learn the peer from its packets;
 *   send to the signalled address until a source latches
 * @COMEDIA_SDP_SYMMETRIC_RTP_NEVER: send where the SDP says
 *
 * Symmetric RTP (RFC 4961) for media whose peer says no a=direction: a SIP
 * phone behind NAT offers its private address and sends from the port it
 * offered, so its packets tell where it really is.
 */
typedef enum {
  COMEDIA_SDP_SYMMETRIC_RTP_AUTO,
  COMEDIA_SDP_SYMMETRIC_RTP_ALWAYS,
  COMEDIA_SDP_SYMMETRIC_RTP_NEVER,
} ComediaSdpSymmetricRtp;

#define COMEDIA_TYPE_SDP_SYMMETRIC_RTP (comedia_sdp_symmetric_rtp_get_type ())
GType comedia_sdp_symmetric_rtp_get_type (void);

/**
 * ComediaSdpSrtp:
 * @COMEDIA_SDP_SRTP_ACCEPT: answer SRTP offers (RTP/SAVP(F), or RTP/AVP(F)
 *   with a=crypto) with SRTP and plain ones plain; offer plain RTP
 * @COMEDIA_SDP_SRTP_BEST_EFFORT: as accept, and offer RTP/AVP(F) with
 *   a=crypto (best-effort SRTP, RFC 8643): a peer without SRTP answers plain
 * @COMEDIA_SDP_SRTP_REQUIRE: reject media without usable SRTP (port 0);
 *   offer RTP/SAVP(F) with a=crypto
 *
 * SDES-SRTP (RFC 4568): what the negotiator offers and accepts.
 */
typedef enum {
  COMEDIA_SDP_SRTP_ACCEPT,
  COMEDIA_SDP_SRTP_BEST_EFFORT,
  COMEDIA_SDP_SRTP_REQUIRE,
} ComediaSdpSrtp;

#define COMEDIA_TYPE_SDP_SRTP (comedia_sdp_srtp_get_type ())
GType comedia_sdp_srtp_get_type (void);

/**
 * ComediaSdpDtls:
 * @COMEDIA_SDP_DTLS_OFF: no DTLS-SRTP: media offering only DTLS-SRTP are
 *   rejected (port 0), others as srtp says; offer none
 * @COMEDIA_SDP_DTLS_ACCEPT: answer DTLS-SRTP offers (UDP/TLS/RTP/SAVP(F), or
 *   RTP/SAVP(F) with a=fingerprint) with DTLS-SRTP, preferred over a=crypto
 *   when an m-line offers both (what browsers require); offer none
 * @COMEDIA_SDP_DTLS_REQUIRE: reject media without DTLS-SRTP; offer
 *   UDP/TLS/RTP/SAVP(F) with our a=fingerprint
 *
 * DTLS-SRTP (RFC 5763/5764): what the negotiator offers and accepts.
 */
typedef enum {
  COMEDIA_SDP_DTLS_OFF,
  COMEDIA_SDP_DTLS_ACCEPT,
  COMEDIA_SDP_DTLS_REQUIRE,
} ComediaSdpDtls;

#define COMEDIA_TYPE_SDP_DTLS (comedia_sdp_dtls_get_type ())
GType comedia_sdp_dtls_get_type (void);

/**
 * ComediaDtlsRole:
 * @COMEDIA_DTLS_ROLE_SERVER: wait for the peer's ClientHello (a=setup:passive)
 * @COMEDIA_DTLS_ROLE_CLIENT: send the ClientHello (a=setup:active)
 *
 * The DTLS role comedia-dtlssrtpdec takes with its dtls-fingerprint property.
 */
typedef enum {
  COMEDIA_DTLS_ROLE_SERVER,
  COMEDIA_DTLS_ROLE_CLIENT,
} ComediaDtlsRole;

#define COMEDIA_TYPE_DTLS_ROLE (comedia_dtls_role_get_type ())
GType comedia_dtls_role_get_type (void);

/**
 * ComediaSdpBundlePolicy:
 * @COMEDIA_SDP_BUNDLE_POLICY_NONE: decline BUNDLE: answer without
 *   a=group, each m-line its own transport
 * @COMEDIA_SDP_BUNDLE_POLICY_MAX_BUNDLE: accept an offer's BUNDLE groups
 *   (RFC 9143): the bundled ICE m-lines share one ICE transport and one
 *   DTLS association
 *
 * What sdp-negotiator makes of a=group:BUNDLE.
 */
typedef enum {
  COMEDIA_SDP_BUNDLE_POLICY_NONE,
  COMEDIA_SDP_BUNDLE_POLICY_MAX_BUNDLE,
} ComediaSdpBundlePolicy;

#define COMEDIA_TYPE_SDP_BUNDLE_POLICY (comedia_sdp_bundle_policy_get_type ())
GType comedia_sdp_bundle_policy_get_type (void);

G_END_DECLS

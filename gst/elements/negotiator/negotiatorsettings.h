/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* sdp-negotiator's properties: what they hold, their specs, and reading and
 * writing them.  The element's private struct is a NegotiatorSettings,
 * guarded by the element's lock. */

#include "comediaenums.h"
#include "dtlscertificate.h"
#include "sdpdocument.h"
#include "keepalive.h"
#include "portrangeproperties.h"

#include <gst/gst.h>

#include <memory>
#include <string>

#define DEFAULT_SESSION "default"
#define DEFAULT_ROLE COMEDIA_SDP_ROLE_ANSWERER
#define DEFAULT_PUBLIC_ADDRESS nullptr
#define DEFAULT_SESSION_NAME "comedia"
#define DEFAULT_RTCP_MUX TRUE
#define DEFAULT_TRICKLE TRUE
/* As webrtcbin's ice-tcp: a browser whose UDP is blocked still connects,
 * and where UDP works ICE's priorities pick a UDP pair. */
#define DEFAULT_ICE_TCP TRUE
#define DEFAULT_TRICKLE_OFFER FALSE
/* Where the host resolves .local names (nss-mdns), a browser on its own
 * network connects on its host candidate; elsewhere the lookup ends in a
 * warning after MDNS_RESOLVE_TIMEOUT_MS, nothing waits for it. */
#define DEFAULT_RESOLVE_MDNS TRUE
#define DEFAULT_FORMATS nullptr
#define DEFAULT_MISSING_PASSIVE COMEDIA_SDP_MISSING_PASSIVE_ERROR
#define DEFAULT_MAX_SIZE ((guint) comedia::DEFAULT_MAX_SDP_SIZE)
#define DEFAULT_OFFER_INTERVAL 1000
#define DEFAULT_KEEPALIVE_INTERVAL -1
#define DEFAULT_KEEPALIVE_PAYLOAD_TYPE comedia::DEFAULT_KEEPALIVE_PAYLOAD_TYPE
#define DEFAULT_TRANSPORT COMEDIA_SDP_TRANSPORT_COMEDIA
#define DEFAULT_PREFER_TRANSPORT COMEDIA_SDP_PREFER_TRANSPORT_ICE
#define DEFAULT_STUN_SERVER nullptr
#define DEFAULT_TURN_SERVER nullptr
#define DEFAULT_ICE_ADDRESSES nullptr
#define DEFAULT_RESTRICT_SOURCE TRUE
#define DEFAULT_SYMMETRIC_RTP COMEDIA_SDP_SYMMETRIC_RTP_AUTO
#define DEFAULT_SRTP COMEDIA_SDP_SRTP_ACCEPT
#define DEFAULT_DTLS COMEDIA_SDP_DTLS_ACCEPT
#define DEFAULT_DTLS_CERTIFICATE nullptr
#define DEFAULT_STRICT FALSE
#define DEFAULT_BUNDLE_POLICY COMEDIA_SDP_BUNDLE_POLICY_NONE

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_ROLE,
  PROP_PUBLIC_ADDRESS,
  PROP_SESSION_NAME,
  PROP_RTCP_MUX,
  PROP_FORMATS,
  PROP_OFFER_CAPS,
  PROP_MISSING_PASSIVE,
  PROP_MAX_SIZE,
  PROP_OFFER_INTERVAL,
  PROP_KEEPALIVE_INTERVAL,
  PROP_KEEPALIVE_PAYLOAD_TYPE,
  PROP_LOCAL_DESCRIPTION,
  PROP_REMOTE_DESCRIPTION,
  PROP_TRANSPORT,
  PROP_PREFER_TRANSPORT,
  PROP_STUN_SERVER,
  PROP_TURN_SERVER,
  PROP_ICE_ADDRESSES,
  PROP_MIN_PORT,
  PROP_MAX_PORT,
  PROP_RESTRICT_SOURCE,
  PROP_SYMMETRIC_RTP,
  PROP_SRTP,
  PROP_DTLS,
  PROP_DTLS_CERTIFICATE,
  PROP_DTLS_LOCAL_FINGERPRINT,
  PROP_STRICT,
  PROP_MESSAGES_REFUSED,
  PROP_CANDIDATES_SKIPPED,
  PROP_BUNDLE_POLICY,
  PROP_TRICKLE,
  PROP_ICE_TCP,
  PROP_TRICKLE_OFFER,
  PROP_RESOLVE_MDNS,
  PROP_CANDIDATES_RESOLVED,
};

namespace comedia {

struct NegotiatorSettings {
  NegotiatorSettings () = default;
  ~NegotiatorSettings () { gst_clear_caps (&offer_caps); }
  NegotiatorSettings (const NegotiatorSettings &) = delete;
  NegotiatorSettings &operator= (const NegotiatorSettings &) = delete;

  std::string session_name = DEFAULT_SESSION;
  ComediaSdpRole role = DEFAULT_ROLE;
  std::string public_address;
  std::string sdp_session_name = DEFAULT_SESSION_NAME;
  bool rtcp_mux = DEFAULT_RTCP_MUX;
  bool trickle = DEFAULT_TRICKLE;
  bool ice_tcp = DEFAULT_ICE_TCP;
  bool trickle_offer = DEFAULT_TRICKLE_OFFER;
  bool resolve_mdns = DEFAULT_RESOLVE_MDNS;
  std::string formats;
  GstCaps *offer_caps = nullptr;
  ComediaSdpMissingPassive missing_passive = DEFAULT_MISSING_PASSIVE;
  guint max_size = DEFAULT_MAX_SIZE;
  guint offer_interval = DEFAULT_OFFER_INTERVAL;
  gint keepalive_interval = DEFAULT_KEEPALIVE_INTERVAL;
  gint keepalive_pt = DEFAULT_KEEPALIVE_PAYLOAD_TYPE;
  ComediaSdpTransport transport = DEFAULT_TRANSPORT;
  ComediaSdpPreferTransport prefer_transport = DEFAULT_PREFER_TRANSPORT;
  gboolean restrict_source = DEFAULT_RESTRICT_SOURCE;
  ComediaSdpSymmetricRtp symmetric_rtp = DEFAULT_SYMMETRIC_RTP;
  ComediaSdpSrtp srtp = DEFAULT_SRTP;
  ComediaSdpDtls dtls = DEFAULT_DTLS;
  std::string dtls_certificate_path;   /* "": the process's certificate */
  /* Loaded at NULL -> READY: the certificate from dtls_certificate_path
   * (NULL: the process's, DtlsCertificate::process_default), and the
   * sha-256 fingerprint of the one in use ("" before READY). */
  std::shared_ptr<const comedia::DtlsCertificate> dtls_certificate;
  std::string dtls_local_fingerprint;
  gboolean strict = DEFAULT_STRICT;
  ComediaSdpBundlePolicy bundle_policy = DEFAULT_BUNDLE_POLICY;
  std::string stun_server, turn_server, ice_addresses;
  PortRangeProperties port_range;   /* min-port, max-port */
};

/* Installs the element's properties, in their order; local-description,
 * remote-description and messages-refused among them, though the element
 * reads those from its own state. */
void install_negotiator_properties (GObjectClass * gobject_class);

/* False if @prop_id is not one of the settings. */
bool set_negotiator_property (NegotiatorSettings & settings, guint prop_id,
    const GValue * value);
bool get_negotiator_property (const NegotiatorSettings & settings, guint prop_id,
    GValue * value);

}  // namespace comedia

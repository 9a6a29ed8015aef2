/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Every enum type of the elements' properties, registered here, as
 * gst-inspect-1.0 shows their values; and the check that the core's enums
 * carry the same values, so that the elements cast between them. */
#include "comediaenums.h"
#include "bundle.h"
#include "latchpolicy.h"
#include "offerer.h"
#include "sdescrypto.h"

/* The core's enums have these values: the elements cast between them (the
 * SRTP suites follow the core's, in order, after NONE). */
static_assert ((int) comedia::Relatch::Never == COMEDIA_RELATCH_NEVER &&
    (int) comedia::Relatch::Ssrc == COMEDIA_RELATCH_SSRC &&
    (int) comedia::Relatch::Silence == COMEDIA_RELATCH_SILENCE,
    "ComediaRelatch mirrors comedia::Relatch");
static_assert ((int) comedia::SrtpSuite::AesCm128HmacSha1_80 + 1
    == COMEDIA_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80
    && (int) comedia::SrtpSuite::AesCm128HmacSha1_32 + 1
    == COMEDIA_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32
    && (int) comedia::SrtpSuite::Aes256CmHmacSha1_80 + 1
    == COMEDIA_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80
    && (int) comedia::SrtpSuite::Aes256CmHmacSha1_32 + 1
    == COMEDIA_SRTP_SUITE_AES_256_CM_HMAC_SHA1_32
    && (int) comedia::SrtpSuite::AeadAes128Gcm + 1 == COMEDIA_SRTP_SUITE_AEAD_AES_128_GCM
    && (int) comedia::SrtpSuite::AeadAes256Gcm + 1 == COMEDIA_SRTP_SUITE_AEAD_AES_256_GCM,
    "SRTP suite values");
static_assert ((int) comedia::MissingPassive::Error == COMEDIA_SDP_MISSING_PASSIVE_ERROR
    && (int) comedia::MissingPassive::StaticDestination
    == COMEDIA_SDP_MISSING_PASSIVE_STATIC_DESTINATION, "missing-passive values");
static_assert ((int) comedia::PreferTransport::Ice == COMEDIA_SDP_PREFER_TRANSPORT_ICE
    && (int) comedia::PreferTransport::Comedia == COMEDIA_SDP_PREFER_TRANSPORT_COMEDIA,
    "prefer-transport values");
static_assert ((int) comedia::SymmetricRtp::Auto == COMEDIA_SDP_SYMMETRIC_RTP_AUTO
    && (int) comedia::SymmetricRtp::Always == COMEDIA_SDP_SYMMETRIC_RTP_ALWAYS
    && (int) comedia::SymmetricRtp::Never == COMEDIA_SDP_SYMMETRIC_RTP_NEVER,
    "symmetric-rtp values");
static_assert ((int) comedia::SrtpOffer::Plain == COMEDIA_SDP_SRTP_ACCEPT
    && (int) comedia::SrtpOffer::BestEffort == COMEDIA_SDP_SRTP_BEST_EFFORT
    && (int) comedia::SrtpOffer::Require == COMEDIA_SDP_SRTP_REQUIRE,
    "srtp values");
static_assert ((int) comedia::DtlsPolicy::Off == COMEDIA_SDP_DTLS_OFF
    && (int) comedia::DtlsPolicy::Accept == COMEDIA_SDP_DTLS_ACCEPT
    && (int) comedia::DtlsPolicy::Require == COMEDIA_SDP_DTLS_REQUIRE,
    "dtls values");
static_assert ((int) comedia::BundlePolicy::None == COMEDIA_SDP_BUNDLE_POLICY_NONE
    && (int) comedia::BundlePolicy::MaxBundle == COMEDIA_SDP_BUNDLE_POLICY_MAX_BUNDLE,
    "bundle-policy values");

/* ---- comedia-rtpsrc ---------------------------------------------------- */

GType
comedia_relatch_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {COMEDIA_RELATCH_NEVER, "Never: the first peer stays until the element "
          "stops", "never"},
    {COMEDIA_RELATCH_SSRC, "A new address that continues the peer's SSRC "
          "and sequence numbers takes over at once (NAT rebinding, a phone "
          "changing network); after the peer fell silent, one continuing its "
          "stream as the time that passed says takes over through probation "
          "(NAT reboot)", "ssrc"},
    {COMEDIA_RELATCH_SILENCE, "After the peer was silent for 'timeout', any "
          "source may latch again through probation", "silence"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("ComediaRelatch", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

/* ---- comedia-rtpsrc and comedia-rtpsink -------------------------------- */

/* The nicks are the suites' names in a=crypto, lowercase and dashed. */
GType
comedia_srtp_suite_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {COMEDIA_SRTP_SUITE_NONE, "No SRTP: plain RTP", "none"},
    {COMEDIA_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80: AES-128 counter mode, "
        "an 80-bit HMAC-SHA1 tag (the common default)", "aes-cm-128-hmac-sha1-80"},
    {COMEDIA_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32: AES-128 counter mode, "
        "a 32-bit HMAC-SHA1 tag on SRTP (80-bit on SRTCP)", "aes-cm-128-hmac-sha1-32"},
    {COMEDIA_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80, "AES_256_CM_HMAC_SHA1_80: AES-256 counter mode, "
        "an 80-bit HMAC-SHA1 tag (RFC 6188)", "aes-256-cm-hmac-sha1-80"},
    {COMEDIA_SRTP_SUITE_AES_256_CM_HMAC_SHA1_32, "AES_256_CM_HMAC_SHA1_32: AES-256 counter mode, "
        "a 32-bit HMAC-SHA1 tag on SRTP (RFC 6188)", "aes-256-cm-hmac-sha1-32"},
    {COMEDIA_SRTP_SUITE_AEAD_AES_128_GCM, "AEAD_AES_128_GCM: AES-128 in "
        "Galois/counter mode, a 16-byte tag (RFC 7714)", "aead-aes-128-gcm"},
    {COMEDIA_SRTP_SUITE_AEAD_AES_256_GCM, "AEAD_AES_256_GCM: AES-256 in "
        "Galois/counter mode, a 16-byte tag (RFC 7714)", "aead-aes-256-gcm"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("ComediaSrtpSuite", values));
  return type;
}

/* ---- sdp-negotiator ---------------------------------------------------- */

GType
comedia_sdp_role_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {COMEDIA_SDP_ROLE_ANSWERER, "The public, passive peer: answers offers",
        "answerer"},
    {COMEDIA_SDP_ROLE_OFFERER, "The active peer behind NAT: sends an offer "
          "and reads the answer", "offerer"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("ComediaSdpRole", values));
  return type;
}

GType
comedia_sdp_missing_passive_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {COMEDIA_SDP_MISSING_PASSIVE_ERROR, "Post an error: the peer does not do "
          "COMEDIA", "error"},
    {COMEDIA_SDP_MISSING_PASSIVE_STATIC_DESTINATION, "Post a warning and send "
          "to the answer's address as a plain static destination",
        "static-destination"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("ComediaSdpMissingPassive",
            values));
  return type;
}

GType
comedia_sdp_transport_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {COMEDIA_SDP_TRANSPORT_COMEDIA, "COMEDIA: port 9 and a=direction:active",
        "comedia"},
    {COMEDIA_SDP_TRANSPORT_ICE, "ICE: the credentials and candidates of the "
          "NiceAgent that nicesrc/nicesink use", "ice"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("ComediaSdpTransport", values));
  return type;
}

GType
comedia_sdp_prefer_transport_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {COMEDIA_SDP_PREFER_TRANSPORT_ICE, "Answer with ICE", "ice"},
    {COMEDIA_SDP_PREFER_TRANSPORT_COMEDIA, "Answer a=direction:passive",
        "comedia"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("ComediaSdpPreferTransport",
            values));
  return type;
}

GType
comedia_sdp_symmetric_rtp_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {COMEDIA_SDP_SYMMETRIC_RTP_AUTO, "Learn the peer from its packets when its "
          "signalled address is out of reach (private, CGN, link-local, ULA, 0.0.0.0)",
        "auto"},
    {COMEDIA_SDP_SYMMETRIC_RTP_ALWAYS, "Always learn the peer from its packets "
          "(the signalled address until then)", "always"},
    {COMEDIA_SDP_SYMMETRIC_RTP_NEVER, "Send where the SDP says", "never"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("ComediaSdpSymmetricRtp", values));
  return type;
}

GType
comedia_sdp_srtp_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {COMEDIA_SDP_SRTP_ACCEPT, "Answer SRTP offers with SRTP, plain ones plain; "
          "offer plain RTP", "accept"},
    {COMEDIA_SDP_SRTP_BEST_EFFORT, "As accept, and offer RTP/AVP with a=crypto "
          "(best-effort SRTP, RFC 8643)", "best-effort"},
    {COMEDIA_SDP_SRTP_REQUIRE, "Reject media without usable SRTP; offer RTP/SAVP",
        "require"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("ComediaSdpSrtp", values));
  return type;
}

GType
comedia_sdp_dtls_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {COMEDIA_SDP_DTLS_OFF, "No DTLS-SRTP: reject media that offer only DTLS-SRTP; "
          "offer none", "off"},
    {COMEDIA_SDP_DTLS_ACCEPT, "Answer DTLS-SRTP offers with DTLS-SRTP, preferred over "
          "a=crypto; offer none", "accept"},
    {COMEDIA_SDP_DTLS_REQUIRE, "Reject media without DTLS-SRTP; offer UDP/TLS/RTP/SAVP(F)",
          "require"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("ComediaSdpDtls", values));
  return type;
}

GType
comedia_dtls_role_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {COMEDIA_DTLS_ROLE_SERVER, "DTLS server: wait for the peer's ClientHello "
          "(our a=setup:passive)", "server"},
    {COMEDIA_DTLS_ROLE_CLIENT, "DTLS client: send the ClientHello once ICE "
          "lets it through (our a=setup:active)", "client"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("ComediaDtlsRole", values));
  return type;
}

GType
comedia_sdp_bundle_policy_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {COMEDIA_SDP_BUNDLE_POLICY_NONE, "Decline BUNDLE: answer without a=group, each "
          "m-line its own transport", "none"},
    {COMEDIA_SDP_BUNDLE_POLICY_MAX_BUNDLE, "Accept the offer's BUNDLE groups: the "
          "bundled ICE m-lines share one ICE transport and DTLS association",
          "max-bundle"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("ComediaSdpBundlePolicy", values));
  return type;
}

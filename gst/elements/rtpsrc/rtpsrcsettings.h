/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* comedia-rtpsrc's properties: what they hold, their specs, and reading and
 * writing them.  The element's private struct is an RtpSrcSettings, guarded
 * by the element's lock; latched-address and stats, which show the
 * element's state, are the element's own. */

#include "comediaenums.h"
#include "componentproperties.h"
#include "keepalive.h"
#include "portrangeproperties.h"
#include "srtpproperties.h"

#include <gst/gst.h>

#include <string>

#define DEFAULT_ADDRESS "0.0.0.0"
#define DEFAULT_PORT 0
#define DEFAULT_RTCP_MUX FALSE
#define DEFAULT_MTU 1500
#define DEFAULT_PROBATION 4
#define DEFAULT_PROBATION_TIME 20
#define DEFAULT_ALLOWED_SOURCE ""
#define DEFAULT_RELATCH COMEDIA_RELATCH_SSRC
#define DEFAULT_TIMEOUT 0
#define DEFAULT_RTCP_WITHOUT_RTP FALSE
#define DEFAULT_BATCH_SIZE 64
#define DEFAULT_KEEPALIVE_PAYLOAD_TYPE comedia::DEFAULT_KEEPALIVE_PAYLOAD_TYPE
#define DEFAULT_RECEIVE_THREAD ""
#define DEFAULT_RECEIVE_THREADS 1
#define DEFAULT_RECEIVE_COALESCE 0
#define DEFAULT_BUFFER_SIZE 0

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_STREAM,
  PROP_COMPONENT,
  PROP_ADDRESS,
  PROP_PORT,
  PROP_MIN_PORT,
  PROP_MAX_PORT,
  PROP_CAPS,
  PROP_RTCP_MUX,
  PROP_MTU,
  PROP_PROBATION,
  PROP_PROBATION_TIME,
  PROP_ALLOWED_SOURCE,
  PROP_RELATCH,
  PROP_TIMEOUT,
  PROP_RTCP_WITHOUT_RTP,
  PROP_BATCH_SIZE,
  PROP_BUFFER_SIZE,
  PROP_KEEPALIVE_PAYLOAD_TYPE,
  PROP_RECEIVE_THREAD,
  PROP_RECEIVE_THREADS,
  PROP_RECEIVE_COALESCE,
  PROP_SRTP_SUITE,
  PROP_SRTP_KEY,
  PROP_LATCHED_ADDRESS,
  PROP_STATS,
  PROP_DTLS_FINGERPRINT,
  PROP_DTLS_LOCAL_FINGERPRINT,
};

namespace comedia {

/* session, stream and component are ComponentProperties' (shared with
 * comedia-rtpsink). */
struct RtpSrcSettings : ComponentProperties, PortRangeProperties {
  RtpSrcSettings () = default;
  ~RtpSrcSettings () { gst_clear_caps (&caps); }
  RtpSrcSettings (const RtpSrcSettings &) = delete;
  RtpSrcSettings &operator= (const RtpSrcSettings &) = delete;

  std::string address = DEFAULT_ADDRESS;
  guint port = DEFAULT_PORT;
  GstCaps *caps = nullptr;
  gboolean rtcp_mux = DEFAULT_RTCP_MUX;
  guint mtu = DEFAULT_MTU;
  guint probation = DEFAULT_PROBATION;
  guint probation_time = DEFAULT_PROBATION_TIME;
  std::string allowed_source = DEFAULT_ALLOWED_SOURCE;
  ComediaRelatch relatch = DEFAULT_RELATCH;
  guint timeout = DEFAULT_TIMEOUT;
  gboolean rtcp_without_rtp = DEFAULT_RTCP_WITHOUT_RTP;
  guint batch_size = DEFAULT_BATCH_SIZE;
  gint buffer_size = DEFAULT_BUFFER_SIZE;
  gint keepalive_pt = DEFAULT_KEEPALIVE_PAYLOAD_TYPE;
  std::string receive_thread = DEFAULT_RECEIVE_THREAD;
  guint receive_threads = DEFAULT_RECEIVE_THREADS;
  guint receive_coalesce = DEFAULT_RECEIVE_COALESCE;
  comedia::SrtpKeyProperties srtp;   /* srtp-suite, srtp-key */
};

/* Installs the element's properties up to srtp-key, in their order. */
void install_rtpsrc_properties (GObjectClass * gobject_class);

/* False if @prop_id is not one of the settings. */
bool set_rtpsrc_property (RtpSrcSettings & settings, guint prop_id,
    const GValue * value);
bool get_rtpsrc_property (const RtpSrcSettings & settings, guint prop_id,
    GValue * value);

}  // namespace comedia

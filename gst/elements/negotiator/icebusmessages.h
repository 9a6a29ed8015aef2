/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The ICE agent's events as sdp-negotiator's bus messages:
 * sdp-negotiator-ice-state, sdp-negotiator-ice-selected-pair, the
 * "ICE failed" error once per stream whose checks all failed, and
 * sdp-negotiator-ice-consent-lost when a component of a stream that had
 * connected fails: the peer stopped answering consent checks (RFC 7675), and the
 * stream's nicesrc elements end with EOS instead of an error; and with
 * trickle ICE our candidates gathered after the answer left,
 * sdp-negotiator-ice-candidate. */

#include "iceagent.h"

#include <gst/gst.h>
#include <gst/sdp/sdp.h>

#include <functional>
#include <mutex>
#include <set>
#include <string>

namespace comedia {

class IceBusMessages {
 public:
  /* Fills @tried with what a stream tried, for the error; false: nothing
   * to say (no agent). */
  using TriedFunc = std::function<bool (guint stream, std::string & tried)>;

  explicit IceBusMessages (GstElement * element) : element_ (element) {}

  /* From the agent's thread: posts @e on the element for @session. */
  void post (const IceEvent & e, const std::string & session, const TriedFunc & tried);

  /* Nothing is posted once this returns (dispose: before the agent goes,
   * so that its thread holds no reference to it). */
  void close ();

 private:
  GstElement *element_;
  std::mutex lock_;             /* held while an event is posted */
  bool closing_ = false;
  std::set<guint> failed_;      /* streams whose failure was posted */
  std::set<guint> connected_;   /* streams a component of which connected */

  /* The a=mid of m-line @mline of the peer's description, "" if none. */
  std::string mid_of (guint mline);
  /* Consent lost on @stream: EOS into each of its nicesrc elements. */
  void end_stream (guint stream);
};

}  // namespace comedia

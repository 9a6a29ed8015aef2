/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* BUNDLE (RFC 9143): several m-lines over one transport.  What the
 * answerer makes of an offer's a=group:BUNDLE under the sdp-negotiator's
 * bundle-policy, in three plain steps around the answerer's own:
 *
 *   1. read_offered_bundle() finds, per group, the m-lines it names and the
 *      one whose transport attributes count (the offerer-tagged m-line: the
 *      first named one with a port; max-bundle offers give the others port 0
 *      and a=bundle-only);
 *   2. OfferedBundle::normalize() copies that m-line's transport (port, c=,
 *      ICE, DTLS, rtcp-mux) into the other members, so the answerer decides
 *      each of them as if it had offered its own, and
 *      OfferedBundle::lend_components() lends them the pipeline's ICE
 *      elements of the group (the bundled streams have none of their own);
 *   3. OfferedBundle::transports() keeps, per group, the accepted ICE
 *      members: one of them (the stream the pipeline's nicesrc/nicesink
 *      serve) carries the transport, the others use it (StreamPlan's
 *      bundle_tag) and nothing is gathered for them; answer_groups() lists
 *      them for the answer's a=group:BUNDLE.
 *
 * Only ICE m-lines are bundled: a group whose m-lines are decided for
 * sockets is declined (each m-line its own transport).
 *
 * The offerer under max-bundle (offerer.h) offers one group of its ICE
 * m-lines, the first one carrying the transport and the others port 0 and
 * a=bundle-only (RFC 9143 7.2.1, as browsers offer); read_answered_bundle()
 * then finds what the answer kept of it, and the same normalize() and
 * transports() steps settle the answer's plans. */

#include <gst/gst.h>
#include <gst/sdp/sdp.h>

#include "bundleroute.h"
#include "sdpdocument.h"

#include <string>
#include <utility>
#include <vector>

namespace comedia {

struct StreamPlan;

/* The values are the sdp-negotiator's ComediaSdpBundlePolicy ones. */
enum class BundlePolicy {
  None = 0,        /* decline: answer without a=group, each m-line its own transport */
  MaxBundle = 1,   /* accept the offer's groups; offer one */
};

/* The a=mid of m-line @i of @msg, "" if none. */
std::string media_mid (const GstSDPMessage * msg, guint i);

/* The mids of each a=group:BUNDLE of @msg, in order. */
std::vector<std::vector<std::string>> bundle_groups_of (const GstSDPMessage * msg);

/* What an offer bundles, under a policy. */
struct OfferedBundle {
  struct Group {
    std::vector<guint> members;   /* m-line indexes, in the group's mid order */
    guint tagged = 0;             /* the member whose transport attributes count */
  };
  std::vector<Group> groups;      /* empty: nothing bundled */

  /* The group holding m-line @i, or nullptr. */
  const Group *group_of (guint i) const;
  /* The offer with the tagged m-line's transport in every member, into
   * @normalized; returns @offer itself when nothing is bundled. */
  const SdpDocument & normalize (const SdpDocument & offer, SdpDocument & normalized) const;
  /* Gives every member without ICE elements in the pipeline those of a
   * member that has some (@components: per m-line, the nicesrc/nicesink
   * components of its stream; grown as needed). */
  void lend_components (std::vector<guint> & components) const;
  /* Step 3: per m-line, the stream (1-based) whose transport it uses, 0 for
   * its own.  Per group, the transport is the @accepted member (decided
   * for ICE on the normalized offer) whose stream has the pipeline's ICE
   * elements (@pipeline, per m-line, before lending), else the first. */
  std::vector<guint> transports (const std::vector<bool> & accepted,
      const std::vector<guint> & pipeline) const;
  /* The answer's a=group:BUNDLE values: per group, the @accepted members'
   * mids in @offer's order. */
  std::vector<std::string> answer_groups (const GstSDPMessage * offer,
      const std::vector<bool> & accepted) const;
};

/* Step 1: the groups of @offer that @policy accepts, with at least one
 * m-line (mids naming no m-line are left out). */
OfferedBundle read_offered_bundle (const GstSDPMessage * offer, BundlePolicy policy);

/* Offerer: the group of our @offer that @answer accepts: its a=group:BUNDLE
 * limited to the m-lines our offer grouped (RFC 9143 7.3), tagged by the
 * answer's first member with a port.  Empty when our offer bundles nothing
 * or the answer declines BUNDLE. */
OfferedBundle read_answered_bundle (const GstSDPMessage * offer, const GstSDPMessage * answer);

/* Both roles: @member uses stream @tag's transport (@transport its plan):
 * its bundle_tag, and the transport's DTLS terms (its tls-id too) when both
 * do DTLS. */
void bundle_into (StreamPlan & member, const StreamPlan & transport, guint tag);

/* For the pipeline: per tag stream, how its packets go to the bundled
 * streams (each stream's mid and payload types from our SDP @local, the
 * mid header extension's id if @local negotiated it).  Streams that are
 * their own transport get empty routes. */
std::vector<std::pair<guint, BundleRoutes>> bundle_routes_of (const GstSDPMessage * local,
    const std::vector<StreamPlan> & plans);

}  // namespace comedia

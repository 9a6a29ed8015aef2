/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "negotiatortrickle.h"
#include "bundle.h"
#include "icesdp.h"
#include "mdnsresolution.h"
#include "trickle.h"

#include "negotiatordebug.h"

namespace comedia {

namespace {

/* The peer's description (the offer we answered, or the answer to ours). */
SdpMessagePtr
remote_description_of (ComediaSdpNegotiator * self)
{
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  std::lock_guard<std::mutex> guard (priv->lock);
  return priv->remote_description ? sdp_message_copy (priv->remote_description.get ())
      : nullptr;
}

/* Whether m-line @index is in an a=group:BUNDLE of our description (the
 * answer): without an agent stream of its own, it uses another member's
 * transport. */
bool
in_local_bundle (ComediaSdpNegotiator * self, guint index)
{
  SdpMessagePtr local;
  {
    std::lock_guard<std::mutex> guard (self->priv->lock);
    if (self->priv->local_description)
      local = sdp_message_copy (self->priv->local_description.get ());
  }
  if (!local || index >= gst_sdp_message_medias_len (local.get ()))
    return false;
  std::string mid = media_mid (local.get (), index);
  for (const std::vector<std::string> & group : bundle_groups_of (local.get ()))
    for (const std::string & member : group)
      if (!mid.empty () && member == mid)
        return true;
  return false;
}

/* One candidate value (or "" for the end) for m-line @mline_index; false
 * with @why. */
bool
apply_candidate (ComediaSdpNegotiator * self, guint mline_index, const std::string & value,
    std::string & why)
{
  std::shared_ptr<IceAgent> agent = self->priv->nice.agent ();
  if (agent == nullptr) {
    why = "the pipeline has no nicesrc/nicesink";
    return false;
  }
  /* Streams are numbered by m-line (answerer.cpp, offerer.cpp). */
  guint stream = mline_index + 1;
  if (value.empty ()) {
    agent->end_remote_candidates (stream);
    GST_INFO_OBJECT (self, "stream %u: the peer's candidates are complete", stream);
    return true;
  }
  /* resolve-mdns: an mDNS host candidate is added once its name resolves. */
  MdnsCandidate mdns;
  bool resolve = mdns_candidate (value, mdns) && resolving_mdns (self);
  std::string reason = resolve ? "" : unusable_candidate_reason (value);
  if (!reason.empty ()) {
    count_skipped_candidates (self, 1);
    why = "skipped: " + reason;
    return false;
  }
  if (agent->components (stream) == 0 && in_local_bundle (self, mline_index)) {
    /* A browser in bundlePolicy balanced trickles candidates of each
     * m-line's own transport before our answer bundles them: those of a
     * bundled one belong to a transport BUNDLE discarded (RFC 9143 7.3.3),
     * nothing to warn about. */
    count_skipped_candidates (self, 1);
    GST_INFO_OBJECT (self, "m-line %u is bundled: candidate %s ignored", mline_index,
        value.c_str ());
    return false;
  }
  if (resolve) {
    mdns.media_index = mline_index;
    return resolve_trickled_candidate (self, stream, mdns, why);
  }
  if (!agent->add_remote_candidate (stream, value, why))
    return false;
  GST_INFO_OBJECT (self, "stream %u: trickled remote candidate %s", stream, value.c_str ());
  return true;
}

void
warn_candidate (ComediaSdpNegotiator * self, const std::string & what, const std::string & why)
{
  GST_ELEMENT_WARNING (self, STREAM, FORMAT,
      ("Trickled ICE candidate not used: %s", why.c_str ()), ("%s", what.c_str ()));
}

}  // namespace

bool
add_ice_candidate (ComediaSdpNegotiator * self, guint mline_index, const char *mid,
    const char *candidate)
{
  std::string value = candidate_value_of (candidate ? candidate : "");
  std::string what = string_printf ("m-line %u, mid '%s': %s", mline_index, mid ? mid : "",
      candidate ? candidate : "");
  SdpMessagePtr remote = remote_description_of (self);
  std::string why;
  guint index = mline_index;
  FragmentMedia m;
  m.position = mline_index;
  m.mid = mid ? mid : "";
  if (!remote)
    why = "no offer or answer of the peer was applied yet";
  else if (!fragment_media_index (remote.get (), m, index))
    why = "the peer's description has no such m-line";
  else if (apply_candidate (self, index, value, why))
    return true;
  if (why.empty ())
    return false;               /* ignored without a fault (bundled) */
  warn_candidate (self, what, why);
  return false;
}

bool
apply_sdp_fragment (ComediaSdpNegotiator * self, const std::string & text, SdpError & err)
{
  SdpFragment f;
  std::string error;
  if (!parse_sdp_fragment (text, f, error))
    return err.set ("trickle ICE fragment: " + error);
  SdpMessagePtr remote = remote_description_of (self);
  if (!remote)
    return err.set ("a trickle ICE fragment came before any offer or answer");
  /* Without resolve-mdns, skipped as they come; else tried below. */
  bool resolve = resolving_mdns (self);
  for (const FragmentMedia & m : f.media)
    for (const MdnsCandidate & c : m.mdns)
      if (!resolve)
        f.skipped.push_back (c.note);
  if (!f.skipped.empty ()) {
    count_skipped_candidates (self, f.skipped.size ());
    for (const std::string & note : f.skipped)
      warn_candidate (self, note, "it cannot be used");
  }
  guint n = gst_sdp_message_medias_len (remote.get ());
  for (const FragmentMedia & m : f.media) {
    guint index;
    if (!fragment_media_index (remote.get (), m, index)) {
      warn_candidate (self, "mid '" + m.mid + "'", "the peer's description has no such m-line");
      continue;
    }
    /* A fragment of an older ICE generation (before a restart): stale. */
    const char *ufrag = ice_attribute (remote.get (), index, "ice-ufrag");
    if (!f.ufrag.empty () && ufrag && f.ufrag != ufrag) {
      warn_candidate (self, "ice-ufrag " + f.ufrag, "not the peer's current credentials");
      continue;
    }
    std::string why;
    std::vector<std::string> values = m.candidates;
    for (const MdnsCandidate & c : m.mdns)
      if (resolve)
        values.push_back (c.value);
    for (const std::string & c : values) {
      why.clear ();
      if (!apply_candidate (self, index, c, why) && !why.empty ())
        warn_candidate (self, "a=candidate:" + c, why);
    }
    if (m.end_of_candidates || f.end_of_candidates)
      apply_candidate (self, index, "", why);
  }
  if (f.media.empty () && f.end_of_candidates) {
    std::string why;
    for (guint i = 0; i < n; i++)
      apply_candidate (self, i, "", why);
  }
  return true;
}

void
restart_ice_where_asked (ComediaSdpNegotiator * self, const SdpDocument & offer)
{
  ComediaSdpNegotiatorPrivate *priv = self->priv;
  std::shared_ptr<IceAgent> agent = priv->nice.agent ();
  if (agent == nullptr || !priv->last_answer.answered ())
    return;
  for (guint stream : priv->last_answer.ice_restarts (offer)) {
    GST_INFO_OBJECT (self, "stream %u: the offer has new ICE credentials: ICE restart",
        stream);
    agent->restart_stream (stream);
  }
}

void
choose_trickle (ComediaSdpNegotiator * self, const SdpDocument & offer)
{
  bool allowed;
  {
    std::lock_guard<std::mutex> guard (self->priv->lock);
    allowed = self->priv->trickle;
  }
  if (std::shared_ptr<IceAgent> agent = self->priv->nice.agent ())
    agent->set_trickle (allowed && peer_trickles (offer.message ()));
}

void
release_local_candidates (ComediaSdpNegotiator * self, bool on_src_pad)
{
  {
    std::lock_guard<std::mutex> guard (self->priv->lock);
    self->priv->trickle_on_src = on_src_pad;
  }
  if (std::shared_ptr<IceAgent> agent = self->priv->nice.agent ())
    agent->release_trickle ();
}

std::string
local_candidate_fragment (ComediaSdpNegotiator * self, const IceEvent & e)
{
  if (e.type != IceEvent::Type::LocalCandidate && e.type != IceEvent::Type::GatheringDone)
    return "";
  SdpMessagePtr local, remote;
  {
    std::lock_guard<std::mutex> guard (self->priv->lock);
    if (!self->priv->trickle_on_src)
      return "";
    if (self->priv->local_description)
      local = sdp_message_copy (self->priv->local_description.get ());
    if (self->priv->remote_description)
      remote = sdp_message_copy (self->priv->remote_description.get ());
  }
  guint mline = e.stream - 1;
  if (!local || mline >= gst_sdp_message_medias_len (local.get ()))
    return "";
  SdpFragment f;
  const char *ufrag = ice_attribute (local.get (), mline, "ice-ufrag");
  const char *pwd = ice_attribute (local.get (), mline, "ice-pwd");
  f.ufrag = ufrag ? ufrag : "";
  f.pwd = pwd ? pwd : "";
  FragmentMedia m;
  m.media = gst_sdp_message_get_media (local.get (), mline)->media;
  /* The offer's mid: the peer's, or ours before its answer (trickle-offer). */
  const GstSDPMessage *offer = remote ? remote.get () : local.get ();
  const char *mid = mline < gst_sdp_message_medias_len (offer) ?
      gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (offer, mline), "mid")
      : nullptr;
  m.mid = mid ? mid : "";
  if (e.type == IceEvent::Type::LocalCandidate)
    m.candidates.push_back (e.candidate);
  else
    m.end_of_candidates = true;
  f.media.push_back (m);
  return build_sdp_fragment (f);
}

}  // namespace comedia

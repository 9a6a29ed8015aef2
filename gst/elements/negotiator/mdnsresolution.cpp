/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "mdnsresolution.h"

#include "negotiatordebug.h"

namespace comedia {

namespace {

/* From the agent's thread, never after cancel_mdns_resolutions(). */
void
report (ComediaSdpNegotiator * self, const NameResolution & r)
{
  const MdnsCandidate & c = r.candidate;
  if (r.error.empty ()) {
    {
      std::lock_guard<std::mutex> guard (self->priv->lock);
      self->priv->candidates_resolved++;
    }
    GST_INFO_OBJECT (self, "resolved %s to %s (stream %u: a=candidate:%s)", c.name.c_str (),
        r.address.c_str (), r.stream, c.value.c_str ());
    return;
  }
  guint64 total = count_skipped_candidates (self, 1);
  /* The peer's, so a warning; its other candidates and checks go on. */
  GST_ELEMENT_WARNING (self, STREAM, FORMAT,
      ("ICE candidate %s not resolved: %s; skipped, the peer's other "
          "candidates and its own checks still connect", c.name.c_str (),
          r.error.c_str ()),
      ("session %s, stream %u: a=candidate:%s (%" G_GUINT64_FORMAT " skipped so far)",
          session_name_of (self).c_str (), r.stream, c.value.c_str (), total));
}

}  // namespace

bool
resolving_mdns (ComediaSdpNegotiator * self)
{
  std::lock_guard<std::mutex> guard (self->priv->lock);
  return self->priv->resolve_mdns;
}

bool
resolve_trickled_candidate (ComediaSdpNegotiator * self, guint stream,
    const MdnsCandidate & c, std::string & why)
{
  std::shared_ptr<IceAgent> agent = self->priv->nice.agent ();
  if (agent == nullptr) {
    why = "the pipeline has no nicesrc/nicesink";
    return false;
  }
  /* Before the lookup: a name for a component the stream lacks is no use. */
  why = agent->component_problem (stream, c.fields.component);
  if (!why.empty ())
    return false;
  if (!agent->resolve_remote_candidate (stream, c, [self] (NameResolution & r) {
            report (self, r);
          })) {
    /* Not a fault: the same line again (a re-offer), nothing to warn of. */
    GST_DEBUG_OBJECT (self, "stream %u: %s taken already", stream, c.value.c_str ());
    return true;
  }
  GST_DEBUG_OBJECT (self, "stream %u: resolving %s", stream, c.name.c_str ());
  return true;
}

void
resolve_mdns_candidates (ComediaSdpNegotiator * self, const SdpDocument & doc,
    const std::vector<StreamPlan> & plans)
{
  for (const MdnsCandidate & c : doc.mdns_candidates ()) {
    /* Streams are numbered by m-line (answerer.cpp, offerer.cpp). */
    guint stream = c.media_index + 1;
    const StreamPlan *plan = nullptr;
    for (const StreamPlan & p : plans)
      if (p.stream == stream)
        plan = &p;
    if (plan == nullptr || plan->kind != StreamPlan::Kind::Ice || plan->bundle_tag != 0) {
      count_skipped_candidates (self, 1);
      GST_INFO_OBJECT (self, "m-line %u has no ICE transport of its own: %s not resolved",
          c.media_index, c.name.c_str ());
      continue;
    }
    std::string why;
    if (!resolve_trickled_candidate (self, stream, c, why))
      GST_DEBUG_OBJECT (self, "stream %u: %s not resolved: %s", stream, c.name.c_str (),
          why.c_str ());
  }
}

void
cancel_mdns_resolutions (ComediaSdpNegotiator * self)
{
  if (std::shared_ptr<IceAgent> agent = self->priv->nice.agent ())
    agent->cancel_resolutions ();
}

}  // namespace comedia

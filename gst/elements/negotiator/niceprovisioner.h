/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* sdp-negotiator's NiceAgent and libnice's nicesrc/nicesink: they refuse to
 * leave NULL without an agent, so the negotiator's must reach every one of
 * them without one as soon as it shares a bin with the negotiator, wherever
 * it stands in a launch line.  They are matched by their own `stream` and
 * `component` properties; the highest component seen per stream says
 * whether the stream has RTCP of its own. */

#include "iceagent.h"

#include <gst/gst.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace comedia {

/* Whether @element is a nicesrc / a nicesrc or a nicesink (by type, as
 * registered by libnice's plugin). */
bool is_nice_src (GstElement * element);
bool is_nice_element (GstElement * element);

/* The outermost bin holding @element (a new reference; @element if none). */
GstObject *top_bin_of (GstElement * element);

/* Calls @func on every element inside the bin @top, at any depth. */
template <typename F> void
for_each_element (GstObject * top, F func)
{
  if (!GST_IS_BIN (top))
    return;
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (top));
  GValue item = G_VALUE_INIT;
  bool done = false;
  while (!done) {
    switch (gst_iterator_next (it, &item)) {
      case GST_ITERATOR_OK:
        func (GST_ELEMENT (g_value_get_object (&item)));
        g_value_reset (&item);
        break;
      case GST_ITERATOR_RESYNC:
        gst_iterator_resync (it);
        break;
      default:
        done = true;
        break;
    }
  }
  g_value_unset (&item);
  gst_iterator_free (it);
}

/* The agent of one negotiator (@owner), made when the first nicesrc/nicesink
 * is found, and the streams the pipeline's nice elements use.  Its lock is a
 * leaf: no IceAgent call (nor its creation, which starts its thread, whose
 * events ask for the agent) is made with it held. */
class NiceProvisioner {
 public:
  NiceProvisioner (GstElement * owner, IceAgent::EventFunc on_event);
  ~NiceProvisioner ();
  NiceProvisioner (const NiceProvisioner &) = delete;
  NiceProvisioner &operator= (const NiceProvisioner &) = delete;

  /* From the owner's set_bus: watches the new parent bin for elements. */
  void watch (GstBus * bus);
  void unwatch ();

  /* NULL -> READY: every nicesrc/nicesink of the pipeline has the agent,
   * the agent has their servers, addresses, deployment and streams.  False
   * with @error if the agent refused them. */
  bool prepare (const std::string & stun_server, const std::string & turn_server,
      const std::string & addresses, const IceDeployment & deployment,
      std::string & error);

  /* The agent, or null if the pipeline has no nice element. */
  std::shared_ptr<IceAgent> agent ();
  /* Whether @element (a nicesrc/nicesink) uses the agent. */
  bool uses_agent (GstElement * element);
  /* The components of @stream among the nice elements, once prepared. */
  guint components (guint stream);

  /* Drops the agent (joins its thread unless a caller still holds it). */
  void close ();

 private:
  static void on_deep_element_added (GstBin * bin, GstBin * sub_bin,
      GstElement * element, gpointer self);
  void provision (GstElement * element);
  std::shared_ptr<IceAgent> ensure_agent ();

  GstElement *owner_;
  IceAgent::EventFunc on_event_;
  GWeakRef watched_bin_;        /* the parent bin watched for elements */
  gulong watch_id_ = 0;

  std::mutex lock_;             /* guards the fields below */
  std::shared_ptr<IceAgent> agent_;
  std::map<guint, guint> components_;   /* stream -> components in the pipeline */
  bool configured_ = false;     /* servers and addresses given to the agent */
  bool streams_made_ = false;
};

}  // namespace comedia

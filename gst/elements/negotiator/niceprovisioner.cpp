/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "niceprovisioner.h"

#include <algorithm>
#include <atomic>
#include <vector>

#include "negotiatordebug.h"

namespace comedia {

/* The type of factory @name's elements; 0 while its plugin is not loaded,
 * and it is as soon as one of them exists. */
static bool
is_of_factory (GstElement * element, const char *name, std::atomic<GType> & type)
{
  GType t = type.load (std::memory_order_acquire);
  if (t == 0) {
    if (GstElementFactory *f = gst_element_factory_find (name)) {
      t = gst_element_factory_get_element_type (f);
      gst_object_unref (f);
    }
    if (t == 0)
      return false;
    type.store (t, std::memory_order_release);
  }
  return G_TYPE_CHECK_INSTANCE_TYPE (element, t);
}

static std::atomic<GType> nice_src_type, nice_sink_type;

bool
is_nice_src (GstElement * element)
{
  return is_of_factory (element, "nicesrc", nice_src_type);
}

bool
is_nice_element (GstElement * element)
{
  return is_nice_src (element) || is_of_factory (element, "nicesink", nice_sink_type);
}

GstObject *
top_bin_of (GstElement * element)
{
  GstObject *top = GST_OBJECT (gst_object_ref (element));
  while (GstObject *parent = gst_object_get_parent (top)) {
    gst_object_unref (top);
    top = parent;
  }
  return top;
}

/* Whether @element uses @ours (NULL: it has none). */
static bool
uses (GstElement * element, NiceAgent * ours, NiceAgent ** theirs_out = nullptr)
{
  NiceAgent *theirs = nullptr;
  g_object_get (element, "agent", &theirs, nullptr);
  bool same = theirs != nullptr && theirs == ours;
  if (theirs_out)
    *theirs_out = theirs;
  else if (theirs)
    g_object_unref (theirs);
  return same;
}

static std::vector<std::string>
split_addresses (const std::string & list)
{
  std::vector<std::string> out;
  gchar **parts = g_strsplit (list.c_str (), ",", -1);
  for (gchar **p = parts; *p; p++) {
    gchar *a = g_strstrip (*p);
    if (*a)
      out.push_back (a);
  }
  g_strfreev (parts);
  return out;
}

NiceProvisioner::NiceProvisioner (GstElement * owner, IceAgent::EventFunc on_event)
    : owner_ (owner), on_event_ (std::move (on_event))
{
  g_weak_ref_init (&watched_bin_, nullptr);
}

NiceProvisioner::~NiceProvisioner ()
{
  unwatch ();
  close ();
  g_weak_ref_clear (&watched_bin_);
}

std::shared_ptr<IceAgent>
NiceProvisioner::agent ()
{
  std::lock_guard<std::mutex> guard (lock_);
  return agent_;
}

std::shared_ptr<IceAgent>
NiceProvisioner::ensure_agent ()
{
  {
    std::lock_guard<std::mutex> guard (lock_);
    if (agent_)
      return agent_;
  }
  /* Made without the lock: its thread starts now, and its events ask for
   * the agent.  Should another thread have made one meanwhile, that one
   * stays and this one goes, after the lock is released. */
  auto made = std::make_shared<IceAgent> (on_event_);
  std::lock_guard<std::mutex> guard (lock_);
  if (!agent_)
    agent_ = made;
  return agent_;
}

bool
NiceProvisioner::uses_agent (GstElement * element)
{
  std::shared_ptr<IceAgent> ice = agent ();
  return ice && uses (element, ice->agent ());
}

guint
NiceProvisioner::components (guint stream)
{
  std::lock_guard<std::mutex> guard (lock_);
  if (!agent_ || !streams_made_)
    return 0;
  auto it = components_.find (stream);
  return it == components_.end () ? 0 : it->second;
}

void
NiceProvisioner::close ()
{
  std::shared_ptr<IceAgent> ice;
  {
    std::lock_guard<std::mutex> guard (lock_);
    ice = std::move (agent_);
  }
  /* Joins the agent's thread; nicesrc/nicesink keep the NiceAgent itself. */
  ice.reset ();
}

/* Gives @element the agent if it is a nicesrc/nicesink without one, and
 * counts the components of the streams that use it. */
void
NiceProvisioner::provision (GstElement * element)
{
  if (!is_nice_element (element))
    return;
  guint stream = 0, component = 0;
  NiceAgent *theirs = nullptr;
  std::shared_ptr<IceAgent> ice = agent ();
  bool ours = uses (element, ice ? ice->agent () : nullptr, &theirs);
  g_object_get (element, "stream", &stream, "component", &component, nullptr);
  if (theirs != nullptr && !ours) {
    /* The application drives that one itself. */
    g_object_unref (theirs);
    return;
  }
  g_clear_object (&theirs);
  if (stream == 0 || component == 0) {
    GST_WARNING_OBJECT (owner_, "%s has no stream or component set: it does not get "
        "the ICE agent", GST_ELEMENT_NAME (element));
    return;
  }
  if (!ours) {
    ice = ensure_agent ();
    g_object_set (element, "agent", ice->agent (), nullptr);
    GST_INFO_OBJECT (owner_, "gave the ICE agent to %s (stream %u, component %u)",
        GST_ELEMENT_NAME (element), stream, component);
  }
  bool made;
  {
    std::lock_guard<std::mutex> guard (lock_);
    guint & n = components_[stream];
    n = std::max (n, component);
    made = streams_made_;
  }
  /* Elements added to a running pipeline. */
  std::string error;
  if (made && !ice->ensure_stream (stream, component, error))
    GST_ELEMENT_WARNING (owner_, RESOURCE, SETTINGS, ("%s", error.c_str ()), (nullptr));
}

void
NiceProvisioner::on_deep_element_added (GstBin * bin, GstBin * sub_bin,
    GstElement * element, gpointer data)
{
  NiceProvisioner *self = static_cast<NiceProvisioner *> (data);
  if (element != self->owner_) {
    self->provision (element);
    return;
  }
  /* The owner was just added: the nicesrc/nicesink before it in a
   * gst-launch line are there already. */
  GstObject *top = top_bin_of (self->owner_);
  for_each_element (top, [self] (GstElement * e) { self->provision (e); });
  gst_object_unref (top);
}

void
NiceProvisioner::unwatch ()
{
  GObject *bin = G_OBJECT (g_weak_ref_get (&watched_bin_));
  if (bin != nullptr) {
    g_signal_handler_disconnect (bin, watch_id_);
    g_object_unref (bin);
  }
  g_weak_ref_set (&watched_bin_, nullptr);
  watch_id_ = 0;
}

/* A bin gives its bus to an element it adds (and takes it back when it
 * removes it), which is the only hook GstObject offers for a new parent.
 * The bin's lock is held here: only connect, and let deep-element-added
 * (for the owner as well) do the rest.  A weak reference, since the bin
 * owns the owner. */
void
NiceProvisioner::watch (GstBus * bus)
{
  unwatch ();
  GstObject *parent = GST_OBJECT_PARENT (owner_);
  if (bus != nullptr && parent != nullptr && GST_IS_BIN (parent)) {
    watch_id_ = g_signal_connect (parent, "deep-element-added",
        G_CALLBACK (on_deep_element_added), this);
    g_weak_ref_set (&watched_bin_, parent);
  }
}

bool
NiceProvisioner::prepare (const std::string & stun_server,
    const std::string & turn_server, const std::string & addresses,
    const IceDeployment & deployment, std::string & error)
{
  GstObject *top = top_bin_of (owner_);
  for_each_element (top, [this] (GstElement * e) { provision (e); });
  std::shared_ptr<IceAgent> ice = agent ();
  if (ice == nullptr) {
    gst_object_unref (top);
    return true;
  }
  /* A nicesrc that reached READY before the owner attached its receive
   * callback to a stream that did not exist yet: it must attach again. */
  std::vector<GstElement *> restart;
  for_each_element (top, [&] (GstElement * e) {
        if (is_nice_src (e) && GST_STATE (e) >= GST_STATE_READY
            && uses (e, ice->agent ()))
          restart.push_back (GST_ELEMENT (gst_object_ref (e)));
      });
  gst_object_unref (top);

  std::map<guint, guint> components;
  bool configure;
  {
    std::lock_guard<std::mutex> guard (lock_);
    components = components_;
    configure = !configured_;
    configured_ = true;
  }
  ice->set_deployment (deployment);
  bool ok = !configure
      || ice->configure (stun_server, turn_server, split_addresses (addresses), error);
  for (auto it = components.begin (); ok && it != components.end (); ++it)
    ok = ice->ensure_stream (it->first, it->second, error);
  if (ok) {
    std::lock_guard<std::mutex> guard (lock_);
    streams_made_ = true;
  }
  for (GstElement *e : restart) {
    if (ok) {
      GstState state = GST_STATE (e);
      gst_element_set_state (e, GST_STATE_NULL);
      gst_element_set_state (e, state);
    }
    gst_object_unref (e);
  }
  return ok;
}

}  // namespace comedia

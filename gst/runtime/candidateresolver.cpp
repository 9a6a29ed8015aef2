/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "candidateresolver.h"

#include <chrono>
#include <vector>

namespace comedia {

namespace {

/* How long the destructor waits for cancelled lookups to report: the
 * system's resolver lets go of a cancelled one at once. */
constexpr guint DRAIN_TIMEOUT_MS = 2000;

/* The address a candidate gets of those the resolver gave; "" if none. */
std::string
usable_address (GList * addresses)
{
  GInetAddress *v4 = nullptr, *v6 = nullptr;
  for (GList *l = addresses; l && v4 == nullptr; l = l->next) {
    GInetAddress *a = G_INET_ADDRESS (l->data);
    if (g_inet_address_get_family (a) == G_SOCKET_FAMILY_IPV4)
      v4 = a;
    else if (v6 == nullptr && !g_inet_address_get_is_link_local (a))
      v6 = a;
  }
  GInetAddress *chosen = v4 ? v4 : v6;
  if (chosen == nullptr)
    return "";
  gchar *text = g_inet_address_to_string (chosen);
  std::string out = text;
  g_free (text);
  return out;
}

}  // namespace

struct CandidateResolver::Lookup {
  CandidateResolver *owner = nullptr;
  NameResolution result;
  DoneFunc done;
  GCancellable *cancellable = nullptr;
  GSource *timer = nullptr;     /* the context's thread only */
  bool abandoned = false;       /* with owner->report_lock_ */
};

CandidateResolver::CandidateResolver (GMainContext * context, guint timeout_ms)
    : context_ (g_main_context_ref (context)), timeout_ms_ (timeout_ms)
{
}

CandidateResolver::~CandidateResolver ()
{
  cancel (0);
  std::unique_lock<std::mutex> guard (lock_);
  if (!ended_.wait_for (guard, std::chrono::milliseconds (DRAIN_TIMEOUT_MS),
          [this] { return lookups_.empty (); }))
    GST_WARNING ("%u name lookup(s) still running after being cancelled",
        (guint) lookups_.size ());
  guard.unlock ();
  g_main_context_unref (context_);
}

void
CandidateResolver::resolve (guint stream, const MdnsCandidate & c, DoneFunc done)
{
  Lookup *l = new Lookup ();
  l->owner = this;
  l->result.stream = stream;
  l->result.candidate = c;
  l->done = std::move (done);
  l->cancellable = g_cancellable_new ();
  {
    std::lock_guard<std::mutex> guard (lock_);
    lookups_.push_back (l);
  }
  /* GResolver reports to the thread-default context of the thread that
   * starts the lookup: started from the context's own thread. */
  GSource *s = g_idle_source_new ();
  g_source_set_callback (s, start, l, nullptr);
  g_source_attach (s, context_);
  g_source_unref (s);
}

gboolean
CandidateResolver::start (gpointer data)
{
  Lookup *l = static_cast<Lookup *> (data);
  l->timer = g_timeout_source_new (l->owner->timeout_ms_);
  g_source_set_callback (l->timer, on_timeout, l, nullptr);
  g_source_attach (l->timer, l->owner->context_);
  GResolver *resolver = g_resolver_get_default ();
  /* Cancelled already (cancel() came first): it reports that at once. */
  g_resolver_lookup_by_name_async (resolver, l->result.candidate.name.c_str (),
      l->cancellable, on_resolved, l);
  g_object_unref (resolver);
  return G_SOURCE_REMOVE;
}

gboolean
CandidateResolver::on_timeout (gpointer data)
{
  Lookup *l = static_cast<Lookup *> (data);
  l->result.timed_out = true;
  g_cancellable_cancel (l->cancellable);
  return G_SOURCE_REMOVE;
}

void
CandidateResolver::on_resolved (GObject * resolver, GAsyncResult * res, gpointer data)
{
  Lookup *l = static_cast<Lookup *> (data);
  GError *err = nullptr;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (resolver), res, &err);
  NameResolution & r = l->result;
  if (addresses != nullptr) {
    r.address = usable_address (addresses);
    if (r.address.empty ())
      r.error = "it resolved to link-local IPv6 addresses only";
  } else if (r.timed_out) {
    r.error = "no answer within " + std::to_string (l->owner->timeout_ms_) + " ms";
  } else {
    r.error = err ? err->message : "no address";
  }
  if (addresses != nullptr)
    g_resolver_free_addresses (addresses);
  g_clear_error (&err);
  l->owner->finish (l);
}

void
CandidateResolver::finish (Lookup * l)
{
  if (l->timer) {
    g_source_destroy (l->timer);
    g_source_unref (l->timer);
  }
  {
    std::lock_guard<std::recursive_mutex> reporting (report_lock_);
    if (!l->abandoned && l->done)
      l->done (l->result);
  }
  {
    /* The last use of this: the destructor may go on once it is out of
     * the list. */
    std::lock_guard<std::mutex> guard (lock_);
    lookups_.remove (l);
    ended_.notify_all ();
  }
  g_object_unref (l->cancellable);
  delete l;
}

void
CandidateResolver::cancel (guint stream)
{
  std::vector<GCancellable *> cancel;
  {
    std::lock_guard<std::recursive_mutex> reporting (report_lock_);
    std::lock_guard<std::mutex> guard (lock_);
    for (Lookup *l : lookups_) {
      if (stream != 0 && l->result.stream != stream)
        continue;
      l->abandoned = true;
      cancel.push_back (G_CANCELLABLE (g_object_ref (l->cancellable)));
    }
  }
  /* Outside the locks: a resolver may report from inside cancel. */
  for (GCancellable *c : cancel) {
    g_cancellable_cancel (c);
    g_object_unref (c);
  }
}

guint
CandidateResolver::pending ()
{
  std::lock_guard<std::mutex> guard (lock_);
  return (guint) lookups_.size ();
}

}  // namespace comedia

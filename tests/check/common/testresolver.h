/* A GResolver standing for the system's (nss-mdns), installed with
 * g_resolver_set_default(), the seam GLib gives: it knows one name, fails
 * the others, or never answers (as nss-mdns with no responder on the link)
 * until its caller cancels.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gst/check/gstcheck.h>

#include <atomic>
#include <string>
#include <vector>

#define MDNS_NAME "3c9a1b2e-5d0f-4f3b-9a57-0e2d4c6b8a1f.local"

enum class ResolverMode { Answer, Fail, Never };

struct TestResolverState {
  ResolverMode mode = ResolverMode::Answer;
  std::vector<std::string> addresses { "127.0.0.1" };  /* what MDNS_NAME gives */
  std::atomic<int> started {0}, cancelled {0};
};

static TestResolverState test_resolver_state;

typedef struct {
  GResolver parent;
} TestResolver;
typedef struct {
  GResolverClass parent_class;
} TestResolverClass;

G_DEFINE_TYPE (TestResolver, test_resolver, G_TYPE_RESOLVER);

/* MDNS_NAME has the state's addresses (Answer); every other name is not
 * found. */
static GList *
test_resolver_addresses_of (const gchar * name, GError ** error)
{
  if (test_resolver_state.mode == ResolverMode::Answer
      && g_ascii_strcasecmp (name, MDNS_NAME) == 0) {
    GList *out = nullptr;
    for (const std::string & a : test_resolver_state.addresses)
      out = g_list_append (out, g_inet_address_new_from_string (a.c_str ()));
    return out;
  }
  g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
      "Error resolving \"%s\": Name or service not known", name);
  return nullptr;
}

static GList *
test_resolver_lookup_by_name (GResolver *, const gchar * name, GCancellable *, GError ** error)
{
  return test_resolver_addresses_of (name, error);
}

static void
test_resolver_on_cancelled (GCancellable *, gpointer task)
{
  test_resolver_state.cancelled++;
  g_task_return_error_if_cancelled (G_TASK (task));
}

static void
test_resolver_lookup_by_name_async (GResolver * resolver, const gchar * name,
    GCancellable * cancellable, GAsyncReadyCallback callback, gpointer data)
{
  GTask *task = g_task_new (resolver, cancellable, callback, data);
  if (test_resolver_state.mode == ResolverMode::Never) {
    /* Only its caller ends it. */
    fail_unless (cancellable != nullptr, "a lookup that cannot be cancelled");
    g_cancellable_connect (cancellable, G_CALLBACK (test_resolver_on_cancelled),
        g_object_ref (task), g_object_unref);
  } else {
    GError *err = nullptr;
    GList *found = test_resolver_addresses_of (name, &err);
    if (found)
      g_task_return_pointer (task, found, (GDestroyNotify) g_resolver_free_addresses);
    else
      g_task_return_error (task, err);
  }
  g_object_unref (task);
  /* Counted once it can be cancelled. */
  test_resolver_state.started++;
}

static GList *
test_resolver_lookup_by_name_finish (GResolver *, GAsyncResult * result, GError ** error)
{
  return (GList *) g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_resolver_class_init (TestResolverClass * klass)
{
  GResolverClass *r = G_RESOLVER_CLASS (klass);
  r->lookup_by_name = test_resolver_lookup_by_name;
  r->lookup_by_name_async = test_resolver_lookup_by_name_async;
  r->lookup_by_name_finish = test_resolver_lookup_by_name_finish;
}

static void
test_resolver_init (TestResolver *)
{
}

/* The process's default resolver from now on, in @mode, MDNS_NAME giving
 * @addresses; the counters start at 0. */
static inline void
use_test_resolver (ResolverMode mode, std::vector<std::string> addresses = { "127.0.0.1" })
{
  test_resolver_state.mode = mode;
  test_resolver_state.addresses = std::move (addresses);
  test_resolver_state.started = 0;
  test_resolver_state.cancelled = 0;
  GResolver *r = G_RESOLVER (g_object_new (test_resolver_get_type (), nullptr));
  g_resolver_set_default (r);
  g_object_unref (r);
}

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The names in a peer's mDNS host candidates ("<uuid>.local", icesdp.h)
 * resolved in the background through the system's resolver: GResolver,
 * that is getaddrinfo and so NSS, where nss-mdns with avahi-daemon (Debian:
 * libnss-mdns, avahi-daemon) resolves .local names on the local link.
 * Where nothing answers, a lookup can block for seconds: none is waited
 * for, each ends after a bounded time, and a cancelled one never reports. */

#include "icesdp.h"

#include <gio/gio.h>

#include <condition_variable>
#include <functional>
#include <list>
#include <mutex>
#include <string>

namespace comedia {

/* How long a name may take: an mDNS responder on the link answers within
 * a second (RFC 6762 5.2 queries again after 1 s); past this there is none
 * that knows it. */
constexpr guint MDNS_RESOLVE_TIMEOUT_MS = 3000;

/* What came of one lookup. */
struct NameResolution {
  guint stream = 0;
  MdnsCandidate candidate;
  /* The address used: the first IPv4 address the resolver gave, else its
   * first IPv6 address that is not link-local (one without its interface
   * cannot be used); "" if none. */
  std::string address;
  std::string error;            /* why not, for a person; "" on success */
  bool timed_out = false;
};

class CandidateResolver {
 public:
  /* Called once per lookup, on the context's thread, unless it was
   * cancelled first.  It may set @r.error (the address could not be
   * used). */
  using DoneFunc = std::function<void (NameResolution & r)>;

  /* @context: where the lookups start and report; its thread iterates it
   * for as long as this lives. */
  CandidateResolver (GMainContext * context, guint timeout_ms);
  /* Cancels every lookup and waits (briefly) for them to end, so the
   * context must still be iterated.  A lookup the resolver does not let
   * go of is left to a context nobody iterates any more. */
  ~CandidateResolver ();
  CandidateResolver (const CandidateResolver &) = delete;
  CandidateResolver &operator= (const CandidateResolver &) = delete;

  /* Starts resolving @c.name for @stream, from any thread; returns at once. */
  void resolve (guint stream, const MdnsCandidate & c, DoneFunc done);
  /* Cancels the lookups of @stream (0: all): once this returns, their
   * DoneFunc is not called.  Not from inside a DoneFunc. */
  void cancel (guint stream);
  /* Lookups not ended yet. */
  guint pending ();

 private:
  struct Lookup;
  static gboolean start (gpointer lookup);
  static gboolean on_timeout (gpointer lookup);
  static void on_resolved (GObject * resolver, GAsyncResult * res, gpointer lookup);
  void finish (Lookup * l);

  GMainContext *context_;
  guint timeout_ms_;
  std::mutex lock_;                     /* guards lookups_ */
  std::condition_variable ended_;
  std::list<Lookup *> lookups_;
  /* Held while a DoneFunc runs; lookups are abandoned under it, so that
   * none reports after cancel() returned. */
  std::mutex report_lock_;
};

}  // namespace comedia

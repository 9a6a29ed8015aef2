/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "iceagent.h"
#include "announcedaddress.h"
#include "netaddress.h"

#include <pthread.h>
#include <gio/gio.h>
#include <nice/interfaces.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <set>

namespace comedia {

namespace {

constexpr guint16 STUN_PORT = 3478, STUNS_PORT = 5349;
constexpr const char *CANDIDATE_PREFIX = "a=candidate:";

std::string
candidate_type_name (NiceCandidateType t)
{
  switch (t) {
    case NICE_CANDIDATE_TYPE_HOST:
      return "host";
    case NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE:
      return "srflx";
    case NICE_CANDIDATE_TYPE_PEER_REFLEXIVE:
      return "prflx";
    case NICE_CANDIDATE_TYPE_RELAYED:
      return "relay";
  }
  return "?";
}

/* RFC 6544's tcptype names (libnice's own strings are "tcp-act",
 * "tcp-pass"). */
const char *
transport_name (NiceCandidateTransport t)
{
  switch (t) {
    case NICE_CANDIDATE_TRANSPORT_UDP:
      return "udp";
    case NICE_CANDIDATE_TRANSPORT_TCP_ACTIVE:
      return "tcp-active";
    case NICE_CANDIDATE_TRANSPORT_TCP_PASSIVE:
      return "tcp-passive";
    case NICE_CANDIDATE_TRANSPORT_TCP_SO:
      return "tcp-so";
  }
  return "?";
}

std::string
address_text (const NiceAddress * a, bool with_port)
{
  gchar buf[NICE_ADDRESS_STRING_LEN];
  nice_address_to_string (a, buf);
  std::string out = buf;
  if (with_port)
    out += ":" + std::to_string (nice_address_get_port (a));
  return out;
}

/* Our names for libnice's states; "connecting" is RFC 5245's checking. */
const char *
state_name (guint state)
{
  switch (state) {
    case NICE_COMPONENT_STATE_DISCONNECTED:
      return "disconnected";
    case NICE_COMPONENT_STATE_GATHERING:
      return "gathering";
    case NICE_COMPONENT_STATE_CONNECTING:
      return "checking";
    case NICE_COMPONENT_STATE_CONNECTED:
      return "connected";
    case NICE_COMPONENT_STATE_READY:
      return "ready";
    case NICE_COMPONENT_STATE_FAILED:
      return "failed";
    default:
      return "unknown";
  }
}

/* The IP address of @host, resolving a name if needed; "" on failure. */
std::string
resolve (const std::string & host, std::string & error)
{
  std::string why;
  GInetAddress *inet = resolve_host (host, why);
  if (inet == nullptr) {
    error = "cannot resolve " + host + ": " + why;
    return "";
  }
  std::string out = inet_address_text (inet);
  g_object_unref (inet);
  return out;
}

/* "3 remote candidate(s) (host, srflx)": how many, of which types. */
std::string
candidates_summary (size_t count, const char *whose, const std::set<std::string> & types)
{
  std::string out = std::to_string (count) + " " + whose + " candidate(s)";
  std::string sep = " (";
  for (const auto & t : types) {
    out += sep + t;
    sep = ", ";
  }
  if (!types.empty ())
    out += ")";
  return out;
}

/* The default candidate (RFC 5245 4.3, m=/c=/a=rtcp) among @cands, as
 * libnice's nice_agent_get_default_local_candidate chooses it (IPv4, the
 * lowest priority: relay before srflx before host; component 2 that of
 * component 1's foundation) but of UDP only: libnice would pick an ICE-TCP
 * candidate, the lowest of all, and a peer whose RTP goes to the default
 * (baresip compares it with the candidates; a peer without ICE sends there)
 * would then get a TCP port. */
const NiceCandidate *
default_udp_candidate (GSList * cands, const std::string & rtp_foundation)
{
  const NiceCandidate *best = nullptr;
  for (GSList *l = cands; l; l = l->next) {
    const NiceCandidate *c = (const NiceCandidate *) l->data;
    if (c->transport != NICE_CANDIDATE_TRANSPORT_UDP || nice_address_ip_version (&c->addr) != 4)
      continue;
    if (!rtp_foundation.empty () && rtp_foundation == c->foundation)
      return c;
    if (best == nullptr || c->priority < best->priority)
      best = c;
  }
  return best;
}

/* Media that arrives while no nicesrc reads the component (a send-only
 * stream, or before the pipeline plays). */
void
drop_received (NiceAgent *, guint, guint, guint, gchar *, gpointer)
{
}

}  // namespace

bool
parse_ice_server_url (const std::string & url, bool turn, IceServer & out,
    std::string & error)
{
  out = IceServer ();
  const char *what = turn ? "turn-server" : "stun-server";
  GError *err = nullptr;
  GUri *uri = g_uri_parse (url.c_str (), G_URI_FLAGS_HAS_PASSWORD, &err);
  /* RFC 7064/7065 write stun:host:port without "//"; GUri wants it. */
  if (uri != nullptr && g_uri_get_host (uri) == nullptr && g_uri_get_scheme (uri)) {
    std::string scheme = g_uri_get_scheme (uri);
    g_uri_unref (uri);
    uri = g_uri_parse ((scheme + "://" + url.substr (scheme.size () + 1)).c_str (),
        G_URI_FLAGS_HAS_PASSWORD, &err);
  }
  if (uri == nullptr) {
    error = std::string (what) + " '" + url + "' is not a URL: " + (err ? err->message : "");
    g_clear_error (&err);
    return false;
  }
  std::string scheme = g_uri_get_scheme (uri);
  const char *host = g_uri_get_host (uri);
  gint port = g_uri_get_port (uri);
  bool ok = true;
  bool secure = scheme == "turns" || scheme == "stuns";
  if (turn ? (scheme != "turn" && scheme != "turns") : (scheme != "stun" && scheme != "stuns")) {
    error = std::string (what) + " '" + url + "' should start with " +
        (turn ? "turn:// or turns://" : "stun://");
    ok = false;
  } else if (host == nullptr || host[0] == '\0') {
    error = std::string (what) + " '" + url + "' has no host";
    ok = false;
  } else if (turn && (g_uri_get_user (uri) == nullptr || g_uri_get_password (uri) == nullptr)) {
    error = std::string (what) + " '" + url + "' needs a user and a password "
        "(turn://user:password@host:port)";
    ok = false;
  }
  if (ok) {
    out.address = resolve (host, error);
    ok = !out.address.empty ();
    out.port = port > 0 ? (guint16) port : secure ? STUNS_PORT : STUN_PORT;
    if (turn) {
      out.user = g_uri_get_user (uri);
      out.password = g_uri_get_password (uri);
      const char *query = g_uri_get_query (uri);
      bool tcp = query && g_strrstr (query, "transport=tcp");
      out.relay_type = secure ? NICE_RELAY_TYPE_TURN_TLS
          : tcp ? NICE_RELAY_TYPE_TURN_TCP : NICE_RELAY_TYPE_TURN_UDP;
    }
  }
  g_uri_unref (uri);
  return ok;
}

IceAgent::IceAgent (EventFunc on_event) : on_event_ (std::move (on_event))
{
  context_ = g_main_context_new ();
  loop_ = g_main_loop_new (context_, FALSE);
  /* Consent freshness (RFC 7675): the selected pair is checked every few
   * seconds, and a peer that stops answering (a tab closed, a network
   * gone) turns its component to failed 30 s later. */
  agent_ = nice_agent_new_full (context_, NICE_COMPATIBILITY_RFC5245,
      (NiceAgentOption) (NICE_AGENT_OPTION_REGULAR_NOMINATION
          | NICE_AGENT_OPTION_CONSENT_FRESHNESS));
  /* Nothing leaves for the outside when no server was given; ICE-TCP only
   * when the deployment asks for it (set_deployment). */
  g_object_set (agent_, "upnp", FALSE, "ice-tcp", FALSE, nullptr);
  g_signal_connect (agent_, "candidate-gathering-done", G_CALLBACK (on_gathering_done), this);
  g_signal_connect (agent_, "component-state-changed", G_CALLBACK (on_state), this);
  g_signal_connect (agent_, "new-candidate-full", G_CALLBACK (on_new_candidate), this);
  g_signal_connect (agent_, "new-selected-pair-full", G_CALLBACK (on_pair), this);
  resolver_ = std::make_unique<CandidateResolver> (context_, MDNS_RESOLVE_TIMEOUT_MS);
  thread_ = std::thread ([this] {
    g_main_context_push_thread_default (context_);
    g_main_loop_run (loop_);
    g_main_context_pop_thread_default (context_);
  });
  /* Named, so that a profile or /proc/PID/task tells its cost apart. */
  pthread_setname_np (thread_.native_handle (), "comedia-ice");
}

IceAgent::~IceAgent ()
{
  /* Lookups end while the thread still iterates their context. */
  resolver_.reset ();
  /* Stop the thread first: no signal may reach a deleted this.  Quitting
   * from inside the loop, since a quit before g_main_loop_run started would
   * be lost. */
  GSource *quit = g_idle_source_new ();
  g_source_set_callback (quit, [] (gpointer loop) -> gboolean {
        g_main_loop_quit (static_cast<GMainLoop *> (loop));
        return G_SOURCE_REMOVE;
      }, loop_, nullptr);
  g_source_attach (quit, context_);
  g_source_unref (quit);
  thread_.join ();
  g_signal_handlers_disconnect_by_data (agent_, this);
  /* nicesrc/nicesink may still hold the agent: it stays, idle. */
  g_object_unref (agent_);
  g_main_loop_unref (loop_);
  g_main_context_unref (context_);
}

bool
IceAgent::configure (const std::string & stun_url, const std::string & turn_url,
    const std::vector<std::string> & local_addresses, std::string & error)
{
  IceServer stun, turn;
  if (!stun_url.empty () && !parse_ice_server_url (stun_url, false, stun, error))
    return false;
  if (!turn_url.empty () && !parse_ice_server_url (turn_url, true, turn, error))
    return false;
  std::vector<std::string> addresses = local_addresses;
  if (addresses.empty ()) {
    /* libnice's own choice, less IPv6 link-local addresses, which no peer
     * off the link can use (RFC 8445 5.1.1.1). */
    GList *ips = nice_interfaces_get_local_ips (FALSE);
    for (GList *l = ips; l; l = l->next) {
      GInetAddress *ia = g_inet_address_new_from_string ((const char *) l->data);
      if (ia && !g_inet_address_get_is_link_local (ia))
        addresses.push_back ((const char *) l->data);
      g_clear_object (&ia);
    }
    g_list_free_full (ips, g_free);
  }
  for (const std::string & a : addresses) {
    NiceAddress addr;
    if (!nice_address_set_from_string (&addr, a.c_str ())) {
      error = "'" + a + "' is not an IP address to gather candidates on";
      return false;
    }
    nice_agent_add_local_address (agent_, &addr);
  }
  if (stun.set ())
    g_object_set (agent_, "stun-server", stun.address.c_str (), "stun-server-port",
        (guint) stun.port, nullptr);
  std::lock_guard<std::mutex> guard (lock_);
  stun_ = stun.set ();
  turn_ = turn;
  return true;
}

void
IceAgent::set_deployment (const IceDeployment & deployment)
{
  /* libnice reads ice-tcp when it gathers: before any stream did. */
  g_object_set (agent_, "ice-tcp", (gboolean) deployment.ice_tcp, nullptr);
  std::lock_guard<std::mutex> guard (lock_);
  deployment_ = deployment;
}

bool
IceAgent::ensure_stream (guint stream, guint n_components, std::string & error)
{
  std::lock_guard<std::mutex> guard (lock_);
  if (stream == 0 || n_components == 0 || n_components > 2) {
    error = "stream and component numbers start at 1; components are 1 (RTP) and 2 (RTCP)";
    return false;
  }
  auto it = streams_.find (stream);
  if (it != streams_.end ()) {
    if (it->second.components >= n_components)
      return true;
    error = "stream " + std::to_string (stream) + " of the NiceAgent already exists with "
        + std::to_string (it->second.components) + " component(s): nicesrc/nicesink "
        "elements for component " + std::to_string (n_components) + " must be in the "
        "pipeline before it starts";
    return false;
  }
  /* libnice numbers streams 1, 2, ... as they are added. */
  for (guint s = streams_.empty () ? 1 : streams_.rbegin ()->first + 1; s <= stream; s++) {
    guint n = s == stream ? n_components : 1;
    guint id = nice_agent_add_stream (agent_, n);
    if (id != s) {
      error = "the NiceAgent gave stream id " + std::to_string (id) + " instead of " +
          std::to_string (s) + " (was it given to other code that added streams?)";
      return false;
    }
    streams_[s].components = n;
    /* libnice reads a component's sockets, STUN included, only in the
     * context a receive callback was attached to: without one no check
     * would ever be answered.  nicesrc attaches its own while it runs. */
    for (guint c = 1; c <= n; c++) {
      const PortRange &ports = deployment_.ports;
      if (!ports.any ())
        nice_agent_set_port_range (agent_, s, c, ports.min (), ports.max ());
      nice_agent_attach_recv (agent_, s, c, context_, drop_received, nullptr);
    }
  }
  return true;
}

guint
IceAgent::components (guint stream)
{
  std::lock_guard<std::mutex> guard (lock_);
  auto it = streams_.find (stream);
  return it == streams_.end () ? 0 : it->second.components;
}

bool
IceAgent::gather (guint stream, bool controlling, guint timeout_ms,
    IceDescription & local, std::string & error)
{
  std::unique_lock<std::mutex> guard (lock_);
  auto it = streams_.find (stream);
  if (it == streams_.end ()) {
    error = "the pipeline has no nicesrc/nicesink for stream " + std::to_string (stream);
    return false;
  }
  Stream & st = it->second;
  /* Trickle: the description leaves with the host candidates, there as
   * soon as gathering started; the rest follow as events. */
  if (!st.gathering && trickle_)
    st.trickling = true;
  if (!st.gathering) {
    for (guint c = 1; turn_.set () && c <= st.components; c++)
      nice_agent_set_relay_info (agent_, stream, c, turn_.address.c_str (), turn_.port,
          turn_.user.c_str (), turn_.password.c_str (), turn_.relay_type);
    st.gathering = true;
    guard.unlock ();
    g_object_set (agent_, "controlling-mode", (gboolean) controlling, nullptr);
    bool started = nice_agent_gather_candidates (agent_, stream);
    guard.lock ();
    if (!started) {
      st.gathering = false;
      /* libnice refuses when a component finds no free port in its range. */
      const PortRange &ports = deployment_.ports;
      error = ports.any () ? "libnice could not gather candidates (no usable "
          "local address?)" : "libnice could not gather candidates: no free port in "
          + ports.text () + " (min-port/max-port) for stream " + std::to_string (stream);
      return false;
    }
  }
  if (!st.trickling && !gathered_cond_.wait_for (guard,
          std::chrono::milliseconds (timeout_ms), [&st] { return st.gathered; })) {
    error = "gathering did not finish in " + std::to_string (timeout_ms) + " ms";
    return false;
  }
  if (!st.local.present ()) {
    gchar *ufrag = nullptr, *pwd = nullptr;
    nice_agent_get_local_credentials (agent_, stream, &ufrag, &pwd);
    st.local.ufrag = ufrag ? ufrag : "";
    st.local.pwd = pwd ? pwd : "";
    g_free (ufrag);
    g_free (pwd);
    std::string rtp_foundation;
    for (guint c = 1; c <= st.components; c++) {
      GSList *cands = nice_agent_get_local_candidates (agent_, stream, c);
      for (GSList *l = cands; l; l = l->next) {
        gchar *sdp = nice_agent_generate_local_candidate_sdp (agent_,
            (NiceCandidate *) l->data);
        std::vector<std::string> & known = st.local.candidates;
        /* Trickling: on_new_candidate may have had it already. */
        if (sdp && g_str_has_prefix (sdp, CANDIDATE_PREFIX) && std::find (known.begin (),
                known.end (), sdp + strlen (CANDIDATE_PREFIX)) == known.end ())
          known.push_back (sdp + strlen (CANDIDATE_PREFIX));
        g_free (sdp);
      }
      const NiceCandidate *def = default_udp_candidate (cands, rtp_foundation);
      if (def) {
        if (c == 1) {
          st.local.default_address = address_text (&def->addr, false);
          st.local.default_rtp_port = nice_address_get_port (&def->addr);
          rtp_foundation = def->foundation;
        } else {
          st.local.default_rtcp_port = nice_address_get_port (&def->addr);
        }
      }
      g_slist_free_full (cands, (GDestroyNotify) nice_candidate_free);
    }
    announce_host_candidates (st.local, deployment_.announced_address);
  }
  if (st.local.candidates.empty ()) {
    error = "no candidate was gathered (no usable local address?)";
    return false;
  }
  local = st.local;
  local.trickle = st.trickling;
  return true;
}

void
IceAgent::set_trickle (bool trickle)
{
  std::lock_guard<std::mutex> guard (lock_);
  trickle_ = trickle;
}

void
IceAgent::trickle_event (const IceEvent & e, std::vector<IceEvent> & emit)
{
  Stream & st = streams_[e.stream];
  (st.released ? emit : st.held).push_back (e);
}

void
IceAgent::release_trickle ()
{
  std::vector<IceEvent> emit;
  {
    std::lock_guard<std::mutex> guard (lock_);
    for (auto & [id, st] : streams_) {
      if (!st.trickling || st.released)
        continue;
      st.released = true;
      emit.insert (emit.end (), st.held.begin (), st.held.end ());
      st.held.clear ();
    }
  }
  for (const IceEvent & e : emit)
    if (on_event_)
      on_event_ (e);
}

void
IceAgent::on_new_candidate (NiceAgent * agent, NiceCandidate * candidate, gpointer data)
{
  IceAgent *self = static_cast<IceAgent *> (data);
  gchar *sdp = nice_agent_generate_local_candidate_sdp (agent, candidate);
  std::string value = sdp && g_str_has_prefix (sdp, CANDIDATE_PREFIX)
      ? sdp + strlen (CANDIDATE_PREFIX) : "";
  g_free (sdp);
  /* As gather() wrote the description's: trickled ones are announced too. */
  value = announce_candidate (value, self->deployment_.announced_address);
  std::vector<IceEvent> emit;
  {
    std::lock_guard<std::mutex> guard (self->lock_);
    auto it = self->streams_.find (candidate->stream_id);
    /* Before the description's snapshot (gather()) it is in the snapshot. */
    if (value.empty () || it == self->streams_.end () || !it->second.trickling
        || !it->second.local.present ())
      return;
    std::vector<std::string> & known = it->second.local.candidates;
    /* Those the description carried are not sent again. */
    if (std::find (known.begin (), known.end (), value) != known.end ())
      return;
    known.push_back (value);
    IceEvent e;
    e.type = IceEvent::Type::LocalCandidate;
    e.stream = candidate->stream_id;
    e.component = candidate->component_id;
    e.candidate = value;
    self->trickle_event (e, emit);
  }
  for (const IceEvent & e : emit)
    if (self->on_event_)
      self->on_event_ (e);
}

bool
IceAgent::set_remote (guint stream, const IceDescription & remote, bool controlling,
    std::string & error)
{
  guint components = this->components (stream);
  if (components == 0) {
    error = "the pipeline has no nicesrc/nicesink for stream " + std::to_string (stream);
    return false;
  }
  {
    std::lock_guard<std::mutex> guard (lock_);
    if (!remote.ufrag.empty () && streams_[stream].remote_ufrag == remote.ufrag)
      return true;
  }
  g_object_set (agent_, "controlling-mode", (gboolean) controlling, nullptr);
  if (!nice_agent_set_remote_credentials (agent_, stream, remote.ufrag.c_str (),
          remote.pwd.c_str ())) {
    error = "libnice refused the remote credentials";
    return false;
  }
  std::map<guint, GSList *> by_component;
  std::set<std::string> types;
  guint count = 0;
  for (const std::string & value : remote.candidates) {
    std::string line = CANDIDATE_PREFIX + value;
    NiceCandidate *c = nice_agent_parse_remote_candidate_sdp (agent_, stream, line.c_str ());
    if (c == nullptr || c->component_id > components) {
      /* Muxed peers' component 2 and the like: not for this stream.  TCP
       * candidates are kept: without ice-tcp libnice pairs none of them. */
      if (c)
        nice_candidate_free (c);
      continue;
    }
    types.insert (candidate_type_name (c->type));
    by_component[c->component_id] = g_slist_append (by_component[c->component_id], c);
    count++;
  }
  for (auto & [component, list] : by_component) {
    nice_agent_set_remote_candidates (agent_, stream, component, list);
    g_slist_free_full (list, (GDestroyNotify) nice_candidate_free);
  }
  std::string summary = candidates_summary (count, "remote", types);
  if (remote.lite)
    summary += " of an ICE-lite peer";
  std::lock_guard<std::mutex> guard (lock_);
  streams_[stream].remote_summary = summary;
  streams_[stream].remote_ufrag = remote.ufrag;
  streams_[stream].resolving.clear ();
  if (count == 0)
    GST_INFO ("stream %u: the peer gave no usable candidate; waiting for its checks",
        stream);
  return true;
}

std::string
IceAgent::component_problem (guint stream, guint component)
{
  guint n = components (stream);
  if (n == 0)
    return "the pipeline has no nicesrc/nicesink for stream " + std::to_string (stream);
  if (component > n)
    return "component " + std::to_string (component) + " is not in the pipeline (rtcp-mux?)";
  return "";
}

bool
IceAgent::add_remote_candidate (guint stream, const std::string & value, std::string & error)
{
  error = component_problem (stream, 1);
  if (!error.empty ())
    return false;
  std::string line = CANDIDATE_PREFIX + value;
  NiceCandidate *c = nice_agent_parse_remote_candidate_sdp (agent_, stream, line.c_str ());
  error = c ? component_problem (stream, c->component_id) : "libnice cannot use it";
  if (!error.empty ()) {
    if (c)
      nice_candidate_free (c);
    return false;
  }
  GSList *one = g_slist_append (nullptr, c);
  /* Adds to what the component has (set_remote's and earlier ones). */
  gint added = nice_agent_set_remote_candidates (agent_, stream, c->component_id, one);
  g_slist_free_full (one, (GDestroyNotify) nice_candidate_free);
  if (added < 0) {
    error = "libnice refused it";
    return false;
  }
  std::lock_guard<std::mutex> guard (lock_);
  streams_[stream].remote_summary += ", 1 trickled";
  return true;
}

bool
IceAgent::resolve_remote_candidate (guint stream, const MdnsCandidate & c,
    CandidateResolver::DoneFunc done)
{
  {
    std::lock_guard<std::mutex> guard (lock_);
    if (!streams_[stream].resolving.insert (c.value).second)
      return false;
  }
  /* The resolver ends its lookups before this goes (the destructor). */
  resolver_->resolve (stream, c, [this, done = std::move (done)] (NameResolution & r) {
        std::string error;
        if (r.error.empty () && !add_remote_candidate (r.stream,
                candidate_with_address (r.candidate.value, r.address), error))
          r.error = "it resolved to " + r.address + ", which libnice refused: " + error;
        if (done)
          done (r);
      });
  return true;
}

void
IceAgent::cancel_resolutions ()
{
  resolver_->cancel (0);
}

void
IceAgent::restart_stream (guint stream)
{
  /* A name from the old generation would give a stale candidate. */
  resolver_->cancel (stream);
  if (components (stream) == 0 || !nice_agent_restart_stream (agent_, stream))
    return;
  std::lock_guard<std::mutex> guard (lock_);
  Stream & st = streams_[stream];
  st.local = IceDescription ();
  st.remote_ufrag.clear ();
  st.remote_summary.clear ();
  st.resolving.clear ();
  st.trickling = st.released = false;
  st.held.clear ();
}

void
IceAgent::end_remote_candidates (guint stream)
{
  if (components (stream) != 0)
    nice_agent_peer_candidate_gathering_done (agent_, stream);
}

std::string
IceAgent::tried (guint stream)
{
  std::lock_guard<std::mutex> guard (lock_);
  const Stream & st = streams_[stream];
  std::set<std::string> types;
  for (const std::string & c : st.local.candidates) {
    CandidateFields f;
    if (candidate_fields (c, f))
      types.insert (f.type);
  }
  std::string out = candidates_summary (st.local.candidates.size (), "local", types);
  out += " against " + (st.remote_summary.empty () ? std::string ("no remote candidate")
      : st.remote_summary);
  out += stun_ ? ", with a STUN server" : ", no STUN server";
  out += turn_.set () ? ", with a TURN server" : ", no TURN server";
  return out;
}

void
IceAgent::on_gathering_done (NiceAgent * agent, guint stream, gpointer data)
{
  IceAgent *self = static_cast<IceAgent *> (data);
  std::vector<IceEvent> emit;
  {
    std::lock_guard<std::mutex> guard (self->lock_);
    self->streams_[stream].gathered = true;
    if (self->streams_[stream].trickling) {
      IceEvent e;
      e.type = IceEvent::Type::GatheringDone;
      e.stream = stream;
      self->trickle_event (e, emit);
    }
  }
  self->gathered_cond_.notify_all ();
  for (const IceEvent & e : emit)
    if (self->on_event_)
      self->on_event_ (e);
}

void
IceAgent::on_state (NiceAgent * agent, guint stream, guint component, guint state,
    gpointer data)
{
  IceAgent *self = static_cast<IceAgent *> (data);
  IceEvent e;
  e.type = IceEvent::Type::State;
  e.stream = stream;
  e.component = component;
  e.state = state_name (state);
  if (self->on_event_)
    self->on_event_ (e);
}

void
IceAgent::on_pair (NiceAgent * agent, guint stream, guint component,
    NiceCandidate * local, NiceCandidate * remote, gpointer data)
{
  IceAgent *self = static_cast<IceAgent *> (data);
  IceEvent e;
  e.type = IceEvent::Type::SelectedPair;
  e.stream = stream;
  e.component = component;
  e.local = address_text (&local->addr, true);
  e.remote = address_text (&remote->addr, true);
  e.local_type = candidate_type_name (local->type);
  e.remote_type = candidate_type_name (remote->type);
  e.local_transport = transport_name (local->transport);
  e.remote_transport = transport_name (remote->transport);
  if (self->on_event_)
    self->on_event_ (e);
}

}  // namespace comedia

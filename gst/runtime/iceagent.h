/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* One NiceAgent (RFC 5245) and the thread that iterates its own
 * GMainContext, so that ICE runs under gst-launch and in applications with
 * or without a main loop.  Streams are libnice's: 1, 2, ... in the order
 * they are added, the numbering of nicesrc/nicesink `stream` and of the
 * comedia elements. */

#include "candidateresolver.h"
#include "icesdp.h"
#include "portrange.h"

#include <nice/agent.h>
#include <gst/gst.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace comedia {

/* What the agent reports, from its own thread. */
struct IceEvent {
  enum class Type {
    State,             /* state: disconnected, gathering, checking, connected,
                        * ready, failed */
    SelectedPair,      /* local / remote: "srflx 198.51.100.7:40000" */
    LocalCandidate,    /* trickle: candidate, an a=candidate value gathered
                        * after the description left */
    GatheringDone,     /* trickle: no more local candidates for stream */
  };
  Type type = Type::State;
  guint stream = 0;
  guint component = 0;
  std::string state;
  std::string local, remote;
  std::string local_type, remote_type;
  /* "udp", or for ICE-TCP (RFC 6544) "tcp-active", "tcp-passive",
   * "tcp-so". */
  std::string local_transport, remote_transport;
  std::string candidate;
};

/* A STUN or TURN server from a URL: stun://host[:port], stun:host[:port],
 * turn://user:password@host[:port][?transport=udp|tcp], turns://... */
struct IceServer {
  std::string address;          /* an IP address (host names are resolved) */
  guint16 port = 0;
  std::string user, password;
  NiceRelayType relay_type = NICE_RELAY_TYPE_TURN_UDP;
  bool set () const { return !address.empty (); }
};
/* @turn: whether a TURN URL is expected (with user and password). */
bool parse_ice_server_url (const std::string & url, bool turn, IceServer & out,
    std::string & error);

/* A deployment's firewall and NAT, from sdp-negotiator's min-port,
 * max-port and public-address. */
struct IceDeployment {
  /* Every component's sockets (nice_agent_set_port_range); any: libnice's
   * choice. */
  PortRange ports;
  /* A 1:1 NAT's public address, written into our host candidates
   * (announcedaddress.h); "": as gathered. */
  std::string announced_address;
  /* ICE-TCP (RFC 6544, libnice's ice-tcp): TCP host candidates too, active
   * and passive, for peers whose UDP is blocked.  The passive ones listen
   * on a port of @ports; active ones connect from any port the kernel
   * picks (libnice binds them to port 0). */
  bool ice_tcp = false;
};

class IceAgent {
 public:
  using EventFunc = std::function<void (const IceEvent &)>;

  explicit IceAgent (EventFunc on_event);
  ~IceAgent ();
  IceAgent (const IceAgent &) = delete;
  IceAgent &operator= (const IceAgent &) = delete;

  NiceAgent *agent () const { return agent_; }

  /* Before gathering: servers (URLs, "" for none) and the addresses host
   * candidates are gathered on (none given: those of every interface but
   * loopback, less IPv6 link-local ones; give 127.0.0.1 explicitly to use
   * loopback). */
  bool configure (const std::string & stun_url, const std::string & turn_url,
      const std::vector<std::string> & local_addresses, std::string & error);

  /* Before ensure_stream: where the agent's sockets are and what our
   * candidates say of them. */
  void set_deployment (const IceDeployment & deployment);

  /* Adds streams up to @stream (earlier missing ones with one component)
   * so that @stream exists with @n_components (1 or 2).  A stream that
   * exists keeps its components: returns false if it has fewer. */
  bool ensure_stream (guint stream, guint n_components, std::string & error);
  /* Components of @stream, 0 if it does not exist. */
  guint components (guint stream);

  /* Trickle ICE (RFC 8838) for the streams gathered from now on: gather()
   * returns at once with what exists (local.trickle set while gathering
   * goes on), and later candidates come as LocalCandidate events, then
   * GatheringDone, once release_trickle() was called (after the
   * description that carries the first ones has left). */
  void set_trickle (bool trickle);
  void release_trickle ();

  /* Gathers the candidates of @stream once (later calls return the same)
   * and fills @local: credentials, candidates, the default candidate.
   * @controlling is the agent's role from then on: libnice keeps the role
   * it had when its checks began (0.1.21 ignores a later switch until a
   * restart), so it must be right before gathering, or a full-ICE offerer
   * such as a browser meets a role conflict (487) first. */
  bool gather (guint stream, bool controlling, guint timeout_ms, IceDescription & local,
      std::string & error);

  /* The peer's credentials and candidates; starts the checks.  The same
   * credentials again (a resent offer, its answer) change nothing.  No
   * usable candidate is no error: the peer's checks still reach us
   * (peer-reflexive, RFC 8445 7.3.1.3), as with webrtcbin 1.22, which
   * writes a bundled stream's candidates into the first m-line only. */
  bool set_remote (guint stream, const IceDescription & remote, bool controlling,
      std::string & error);

  /* Trickle ICE (RFC 8838): one more candidate of the peer for @stream, an
   * a=candidate value, after set_remote().  False with @error when libnice
   * cannot use it or the stream has no such component. */
  bool add_remote_candidate (guint stream, const std::string & value, std::string & error);
  /* Why @stream cannot take a candidate of @component ("" if it can): no
   * nicesrc/nicesink for it, or not that component (rtcp-mux). */
  std::string component_problem (guint stream, guint component);
  /* The peer's mDNS host candidate @c for @stream, added like a trickled
   * one once its name resolved in the background (CandidateResolver,
   * within MDNS_RESOLVE_TIMEOUT_MS); returns at once.  @done tells, on the
   * agent's thread, what came of it: no error, the candidate was added
   * with that address.  After set_remote() of the description it came in.
   * restart_stream(), cancel_resolutions() and the destructor cancel it;
   * @done is not called then.  False, nothing started, when the same line
   * was taken already for the peer's current credentials (a re-offer that
   * does not restart ICE carries it again, and set_remote() ignores its
   * candidates too). */
  bool resolve_remote_candidate (guint stream, const MdnsCandidate & c,
      CandidateResolver::DoneFunc done);
  /* Cancels every lookup resolve_remote_candidate() started: no @done is
   * called once this returns (an owner going away). */
  void cancel_resolutions ();

  /* Trickle: the peer sent all its candidates for @stream (its
   * a=end-of-candidates), so checks may conclude. */
  void end_remote_candidates (guint stream);

  /* ICE restart (RFC 8445 9) of @stream: new local credentials, the
   * candidates kept; the next gather() gives them and the next set_remote()
   * takes the peer's new credentials and candidates.  nicesrc/nicesink keep
   * the agent and the stream, so media resumes on the new pair. */
  void restart_stream (guint stream);

  /* For a failure message: what this stream tried. */
  std::string tried (guint stream);

 private:
  static void on_gathering_done (NiceAgent * agent, guint stream, gpointer self);
  static void on_new_candidate (NiceAgent * agent, NiceCandidate * candidate,
      gpointer self);
  /* With lock_: @e now if released, else held for release_trickle(). */
  void trickle_event (const IceEvent & e, std::vector<IceEvent> & emit);
  static void on_state (NiceAgent * agent, guint stream, guint component, guint state,
      gpointer self);
  static void on_pair (NiceAgent * agent, guint stream, guint component,
      NiceCandidate * local, NiceCandidate * remote, gpointer self);

  EventFunc on_event_;
  GMainContext *context_ = nullptr;
  GMainLoop *loop_ = nullptr;
  NiceAgent *agent_ = nullptr;
  std::thread thread_;
  std::unique_ptr<CandidateResolver> resolver_;   /* on context_ */

  std::mutex lock_;
  std::condition_variable gathered_cond_;
  IceServer turn_;
  bool stun_ = false;
  IceDeployment deployment_;
  bool trickle_ = false;
  struct Stream {
    bool trickling = false;       /* its description left before gathering ended */
    bool released = false;        /* release_trickle() was called since */
    std::vector<IceEvent> held;   /* trickle events before that */
    guint components = 0;
    bool gathering = false;
    bool gathered = false;
    IceDescription local;
    std::string remote_ufrag;     /* the peer's, once set */
    std::set<std::string> resolving;   /* mDNS lines taken for remote_ufrag */
    std::string remote_summary;
  };
  std::map<guint, Stream> streams_;
};

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "reoffer.h"
#include "icesdp.h"
#include "mediatransport.h"

#include <gio/gio.h>

namespace comedia {

namespace {

/* The address as GIO writes it, so that "2001:DB8::1" equals "2001:db8::1";
 * "" for an unspecified (hold) or unparsable one. */
std::string
specified_address (const char *text)
{
  if (text == nullptr)
    return "";
  GInetAddress *a = g_inet_address_new_from_string (text);
  if (a == nullptr)
    return "";
  std::string out;
  if (!g_inet_address_get_is_any (a)) {
    gchar *s = g_inet_address_to_string (a);
    out = s;
    g_free (s);
  }
  g_object_unref (a);
  return out;
}

/* The plans whose streams use the session's sockets, where learning is. */
bool
uses_session_sockets (StreamPlan::Kind kind)
{
  return kind != StreamPlan::Kind::Rejected && kind != StreamPlan::Kind::Ice;
}

/* RFC 3264 5.1: no direction attribute is sendrecv. */
MediaDirection
effective (MediaDirection d)
{
  return d == MediaDirection::Unspecified ? MediaDirection::SendRecv : d;
}

std::string
peer_text (const OfferedPeer & p)
{
  return string_printf ("%s:%u/%u", p.address.c_str (), p.rtp_port, p.rtcp_port);
}

void
add_note (std::string & note, const std::string & part)
{
  note += (note.empty () ? "" : "; ") + part;
}

/* @msg as text with a fixed o= line: what a description says, whatever
 * its version. */
std::string
text_without_origin (const GstSDPMessage * msg)
{
  SdpMessagePtr copy = sdp_message_copy (msg);
  gst_sdp_message_set_origin (copy.get (), "-", "0", "0", "IN", "IP4", "0.0.0.0");
  return sdp_message_to_text (copy.get ());
}

}  // namespace

void
SessionOrigin::stamp (GstSDPMessage * msg)
{
  const GstSDPOrigin *o = gst_sdp_message_get_origin (msg);
  std::string text = text_without_origin (msg);
  if (!started ()) {
    id_ = o->sess_id ? o->sess_id : "0";
    if (o->sess_version == nullptr
        || !g_ascii_string_to_unsigned (o->sess_version, 10, 0, G_MAXUINT64, &version_, nullptr))
      version_ = 0;
  } else if (text != last_) {
    version_++;
  }
  last_ = std::move (text);
  std::string version = string_printf ("%" G_GUINT64_FORMAT, version_);
  /* The strings are copied before the old ones are freed. */
  std::string username = o->username ? o->username : "-";
  std::string nettype = o->nettype ? o->nettype : "IN";
  std::string addrtype = o->addrtype ? o->addrtype : "IP4";
  std::string addr = o->addr ? o->addr : "0.0.0.0";
  gst_sdp_message_set_origin (msg, username.c_str (), id_.c_str (), version.c_str (),
      nettype.c_str (), addrtype.c_str (), addr.c_str ());
}

void
SessionOrigin::forget ()
{
  id_.clear ();
  version_ = 0;
  last_.clear ();
}

OfferedPeer
offered_peer_of (const GstSDPMessage * offer, guint media_index, bool rtcp_mux)
{
  OfferedPeer out;
  MediaTransport t = media_transport_of (offer, media_index);
  if (t.connection != nullptr)
    out.address = specified_address (t.connection->address);
  out.rtp_port = t.rtp_port;
  if (!t.rtcp_port (rtcp_mux, out.rtcp_port))
    out.rtcp_port = 0;
  return out;
}

const AnsweredStream *
AnsweredSession::stream (guint stream) const
{
  if (stream == 0 || stream > streams_.size ())
    return nullptr;
  return &streams_[stream - 1];
}

template <typename T>
std::vector<T>
AnsweredSession::each_stream (T AnsweredStream::*field) const
{
  std::vector<T> out;
  for (const AnsweredStream & s : streams_)
    out.push_back (s.*field);
  return out;
}

std::vector<StreamDtls>
AnsweredSession::previous_dtls () const
{
  return each_stream (&AnsweredStream::dtls);
}

std::vector<StreamSdes>
AnsweredSession::previous_sdes () const
{
  return each_stream (&AnsweredStream::sdes);
}

std::vector<StreamChange>
AnsweredSession::compare (const SdpDocument & offer,
    const std::vector<StreamPlan> & plans) const
{
  std::vector<StreamChange> out;
  for (const StreamPlan & plan : plans) {
    StreamChange c;
    c.stream = plan.stream;
    const AnsweredStream *last = stream (plan.stream);
    if (!answered_ || !uses_session_sockets (plan.kind)) {
      out.push_back (c);
      continue;
    }
    if (last == nullptr || !uses_session_sockets (last->kind)) {
      /* Its sockets are its own: learning starts as for a first offer. */
      c.added = true;
      c.note = "re-offer: a stream the last answer did not accept";
      out.push_back (c);
      continue;
    }
    c.ports_kept = plan.local.rtp_port == last->local.rtp_port
        && plan.local.rtcp_port == last->local.rtcp_port;
    OfferedPeer now = offered_peer_of (offer.message (), plan.stream - 1,
        plan.local.rtcp_mux || plan.remote.rtcp_mux);
    c.on_hold = now.address.empty ();
    /* Only two specified addresses compare: hold is no move, and a resume
     * compares with the peer from before the hold. */
    if (!now.address.empty () && !last->peer.address.empty ()) {
      bool moved = now.address != last->peer.address;
      c.relearn_rtp = moved || now.rtp_port != last->peer.rtp_port;
      c.relearn_rtcp = moved || now.rtcp_port != last->peer.rtcp_port;
    }
    c.direction_changed = effective (plan.direction) != effective (last->direction);

    if (c.relearn ())
      add_note (c.note, string_printf ("re-offer: the peer moved from %s to %s: learning "
              "reopened on %s (the new source must pass probation)",
              peer_text (last->peer).c_str (), peer_text (now).c_str (),
              c.relearn_rtp && c.relearn_rtcp ? "RTP and RTCP"
              : c.relearn_rtp ? "RTP" : "RTCP"));
    else if (c.on_hold)
      add_note (c.note, string_printf ("re-offer: no address in c= (hold): the peer stays %s",
              last->peer.address.empty () ? "unknown" : peer_text (last->peer).c_str ()));
    else
      add_note (c.note, "re-offer: the same peer");
    if (c.direction_changed)
      add_note (c.note, string_printf ("direction %s -> %s",
              media_direction_name (effective (last->direction)),
              media_direction_name (effective (plan.direction))));
    if (c.ports_kept)
      add_note (c.note, "the same local ports");
    else
      add_note (c.note, string_printf ("the local ports changed from %u/%u to %u/%u",
              last->local.rtp_port, last->local.rtcp_port, plan.local.rtp_port,
              plan.local.rtcp_port));
    out.push_back (c);
  }
  return out;
}

void
AnsweredSession::remember (const SdpDocument & offer, const std::vector<StreamPlan> & plans)
{
  std::vector<AnsweredStream> next;
  for (const StreamPlan & plan : plans) {
    AnsweredStream a;
    a.kind = plan.kind;
    a.local = plan.local;
    a.direction = plan.direction;
    a.dtls = plan.dtls;
    a.sdes = StreamSdes{plan.srtp_inbound, plan.srtp_outbound};
    if (uses_session_sockets (plan.kind)) {
      a.peer = offered_peer_of (offer.message (), plan.stream - 1,
          plan.local.rtcp_mux || plan.remote.rtcp_mux);
      const AnsweredStream *last = stream (plan.stream);
      /* On hold the peer is the one from before, for the resume. */
      if (a.peer.address.empty () && last != nullptr && uses_session_sockets (last->kind))
        a.peer = last->peer;
    }
    if (plan.kind == StreamPlan::Kind::Ice) {
      const char *ufrag = ice_attribute (offer.message (), plan.stream - 1, "ice-ufrag");
      const char *pwd = ice_attribute (offer.message (), plan.stream - 1, "ice-pwd");
      a.ice_ufrag = ufrag ? ufrag : "";
      a.ice_pwd = pwd ? pwd : "";
    }
    next.push_back (a);
  }
  streams_ = std::move (next);
  answered_ = true;
  offer_text_.clear ();
  answer_.reset ();
}

std::vector<guint>
AnsweredSession::ice_restarts (const SdpDocument & offer) const
{
  std::vector<guint> out;
  const GstSDPMessage *msg = offer.message ();
  for (guint i = 0; i < gst_sdp_message_medias_len (msg); i++) {
    const AnsweredStream *last = stream (i + 1);
    const char *ufrag = ice_attribute (msg, i, "ice-ufrag");
    const char *pwd = ice_attribute (msg, i, "ice-pwd");
    if (last == nullptr || last->ice_ufrag.empty () || ufrag == nullptr || pwd == nullptr)
      continue;
    if (last->ice_ufrag != ufrag || last->ice_pwd != pwd)
      out.push_back (i + 1);
  }
  return out;
}

void
AnsweredSession::stamp_answer (const SdpDocument & offer, GstSDPMessage * answer)
{
  origin_.stamp (answer);
  offer_text_ = sdp_message_to_text (offer.message ());
  answer_ = sdp_message_copy (answer);
}

SdpMessagePtr
AnsweredSession::repeated_answer (const SdpDocument & offer) const
{
  if (!answer_ || offer.message () == nullptr
      || sdp_message_to_text (offer.message ()) != offer_text_)
    return nullptr;
  return sdp_message_copy (answer_.get ());
}

void
AnsweredSession::forget ()
{
  answered_ = false;
  streams_.clear ();
  origin_.forget ();
  offer_text_.clear ();
  answer_.reset ();
}

void
annotate_plans (const std::vector<StreamChange> & changes, std::vector<StreamPlan> & plans)
{
  for (size_t i = 0; i < changes.size () && i < plans.size (); i++)
    if (!changes[i].note.empty ())
      add_note (plans[i].note, changes[i].note);
}

}  // namespace comedia

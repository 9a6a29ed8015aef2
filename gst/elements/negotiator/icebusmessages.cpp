/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "icebusmessages.h"
#include "niceprovisioner.h"

#include "negotiatordebug.h"

namespace comedia {

void
IceBusMessages::close ()
{
  std::lock_guard<std::mutex> guard (lock_);
  closing_ = true;
}

void
IceBusMessages::post (const IceEvent & e, const std::string & session,
    const TriedFunc & tried)
{
  std::lock_guard<std::mutex> guard (lock_);
  if (closing_)
    return;
  GstStructure *s;
  if (e.type == IceEvent::Type::LocalCandidate || e.type == IceEvent::Type::GatheringDone) {
    /* Trickle: "candidate:..." as browsers' addIceCandidate() takes it,
     * "" at the end; the m-line and its mid are the peer's offer's. */
    guint mline = e.stream - 1;
    std::string mid = mid_of (mline);
    std::string candidate = e.candidate.empty () ? "" : "candidate:" + e.candidate;
    GST_INFO_OBJECT (element_, "ICE stream %u: local candidate '%s'", e.stream,
        candidate.c_str ());
    s = gst_structure_new ("sdp-negotiator-ice-candidate",
        "session", G_TYPE_STRING, session.c_str (),
        "stream", G_TYPE_UINT, e.stream,
        "mline-index", G_TYPE_UINT, mline,
        "mid", G_TYPE_STRING, mid.c_str (),
        "candidate", G_TYPE_STRING, candidate.c_str (), nullptr);
  } else if (e.type == IceEvent::Type::State) {
    GST_INFO_OBJECT (element_, "ICE stream %u component %u: %s", e.stream, e.component,
        e.state.c_str ());
    s = gst_structure_new ("sdp-negotiator-ice-state",
        "session", G_TYPE_STRING, session.c_str (),
        "stream", G_TYPE_UINT, e.stream,
        "component", G_TYPE_UINT, e.component,
        "state", G_TYPE_STRING, e.state.c_str (), nullptr);
  } else {
    GST_INFO_OBJECT (element_, "ICE stream %u component %u: selected pair %s %s %s -> "
        "%s %s %s", e.stream, e.component, e.local_type.c_str (), e.local_transport.c_str (),
        e.local.c_str (), e.remote_type.c_str (), e.remote_transport.c_str (),
        e.remote.c_str ());
    s = gst_structure_new ("sdp-negotiator-ice-selected-pair",
        "session", G_TYPE_STRING, session.c_str (),
        "stream", G_TYPE_UINT, e.stream,
        "component", G_TYPE_UINT, e.component,
        "local", G_TYPE_STRING, e.local.c_str (),
        "local-type", G_TYPE_STRING, e.local_type.c_str (),
        "remote", G_TYPE_STRING, e.remote.c_str (),
        "remote-type", G_TYPE_STRING, e.remote_type.c_str (),
        "local-transport", G_TYPE_STRING, e.local_transport.c_str (),
        "remote-transport", G_TYPE_STRING, e.remote_transport.c_str (), nullptr);
  }
  gst_element_post_message (element_, gst_message_new_element (GST_OBJECT (element_), s));

  if (e.type == IceEvent::Type::State && (e.state == "connected" || e.state == "ready"))
    connected_.insert (e.stream);
  if (e.type == IceEvent::Type::State && e.state == "failed" && connected_.count (e.stream)) {
    /* The stream had connected: the peer went away.  It ends; the rest of
     * the pipeline (other streams, a new call) goes on. */
    connected_.erase (e.stream);
    failed_.insert (e.stream);
    GST_WARNING_OBJECT (element_, "ICE stream %u component %u: consent lost (the peer "
        "stopped answering for 30 s); ending the stream", e.stream, e.component);
    gst_element_post_message (element_, gst_message_new_element (GST_OBJECT (element_),
            gst_structure_new ("sdp-negotiator-ice-consent-lost",
                "session", G_TYPE_STRING, session.c_str (),
                "stream", G_TYPE_UINT, e.stream,
                "component", G_TYPE_UINT, e.component, nullptr)));
    end_stream (e.stream);
    return;
  }
  std::string what;
  if (e.type == IceEvent::Type::State && e.state == "failed"
      && failed_.insert (e.stream).second && tried (e.stream, what))
    GST_ELEMENT_ERROR (element_, RESOURCE, OPEN_READ_WRITE,
        ("ICE failed on stream %u (component %u): no candidate pair passed the "
            "connectivity checks; tried %s", e.stream, e.component, what.c_str ()),
        ("session %s", session.c_str ()));
}

std::string
IceBusMessages::mid_of (guint mline)
{
  GstSDPMessage *remote = nullptr;
  g_object_get (element_, "remote-description", &remote, nullptr);
  /* Before the answer to our trickling offer: our own mids, the same. */
  if (remote == nullptr)
    g_object_get (element_, "local-description", &remote, nullptr);
  const char *mid = remote && mline < gst_sdp_message_medias_len (remote)
      ? gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (remote, mline), "mid")
      : nullptr;
  std::string out = mid ? mid : "";
  if (remote)
    gst_sdp_message_free (remote);
  return out;
}

void
IceBusMessages::end_stream (guint stream)
{
  GstObject *top = top_bin_of (element_);
  for_each_element (top, [stream] (GstElement * e) {
        guint s = 0;
        if (!is_nice_src (e))
          return;
        g_object_get (e, "stream", &s, nullptr);
        if (s != stream)
          return;
        /* EOS goes into what follows nicesrc, not to nicesrc itself:
         * GstBaseSrc keeps an EOS sent to it as pending until its task
         * takes it, and one that came while the pipeline was stopping was
         * never released (LeakSanitizer).  nicesrc, on a socket that gets
         * nothing more, stays blocked until the pipeline stops it. */
        GstPad *src = gst_element_get_static_pad (e, "src");
        GstPad *peer = src ? gst_pad_get_peer (src) : nullptr;
        if (peer)
          gst_pad_send_event (peer, gst_event_new_eos ());
        g_clear_object (&peer);
        g_clear_object (&src);
      });
  gst_object_unref (top);
}

}  // namespace comedia

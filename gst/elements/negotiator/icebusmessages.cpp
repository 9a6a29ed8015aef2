/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "icebusmessages.h"

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
  if (e.type == IceEvent::Type::State) {
    GST_INFO_OBJECT (element_, "ICE stream %u component %u: %s", e.stream, e.component,
        e.state.c_str ());
    s = gst_structure_new ("sdp-negotiator-ice-state",
        "session", G_TYPE_STRING, session.c_str (),
        "stream", G_TYPE_UINT, e.stream,
        "component", G_TYPE_UINT, e.component,
        "state", G_TYPE_STRING, e.state.c_str (), nullptr);
  } else {
    GST_INFO_OBJECT (element_, "ICE stream %u component %u: selected pair %s %s -> %s %s",
        e.stream, e.component, e.local_type.c_str (), e.local.c_str (),
        e.remote_type.c_str (), e.remote.c_str ());
    s = gst_structure_new ("sdp-negotiator-ice-selected-pair",
        "session", G_TYPE_STRING, session.c_str (),
        "stream", G_TYPE_UINT, e.stream,
        "component", G_TYPE_UINT, e.component,
        "local", G_TYPE_STRING, e.local.c_str (),
        "local-type", G_TYPE_STRING, e.local_type.c_str (),
        "remote", G_TYPE_STRING, e.remote.c_str (),
        "remote-type", G_TYPE_STRING, e.remote_type.c_str (), nullptr);
  }
  gst_element_post_message (element_, gst_message_new_element (GST_OBJECT (element_), s));

  std::string what;
  if (e.type == IceEvent::Type::State && e.state == "failed"
      && failed_.insert (e.stream).second && tried (e.stream, what))
    GST_ELEMENT_ERROR (element_, RESOURCE, OPEN_READ_WRITE,
        ("ICE failed on stream %u (component %u): no candidate pair passed the "
            "connectivity checks; tried %s", e.stream, e.component, what.c_str ()),
        ("session %s", session.c_str ()));
}

}  // namespace comedia

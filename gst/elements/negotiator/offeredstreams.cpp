/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "offeredstreams.h"
#include "comediartpsink.h"
#include "comediartpsrc.h"
#include "sessionstreams.h"

#include <map>
#include <set>

namespace comedia {

bool
collect_offered_streams (GstElement * owner, ComediaSession * session,
    NiceProvisioner & nice, const std::string & session_name, GstCaps * offer_caps,
    bool rtcp_mux, std::vector<OfferedStream> & out, std::vector<GstCaps *> & owned,
    SdpError & err)
{
  bool offer_caps_given = offer_caps != nullptr;
  std::map<guint, GstCaps *> by_stream;
  if (offer_caps) {
    for (guint i = 0; i < gst_caps_get_size (offer_caps); i++)
      by_stream[i + 1] = gst_caps_copy_nth (offer_caps, i);
  }
  /* The session's elements: the formats (comedia-rtpsrc caps, unless
   * offer-caps gives them) and who sends and receives RTP, for the
   * direction: a stream with no comedia-rtpsink of RTP only receives, one
   * with no comedia-rtpsrc of RTP only sends. */
  std::set<guint> receivers, senders;
  GstObject *top = top_bin_of (owner);
  for_each_element (top, [&] (GstElement * e) {
        bool is_src = COMEDIA_IS_RTP_SRC (e) || is_nice_src (e);
        guint stream = 0, component = 0;
        if (is_nice_element (e)) {
          /* ICE's elements have no session: those with our agent count. */
          if (!nice.uses_agent (e))
            return;
          g_object_get (e, "stream", &stream, "component", &component, nullptr);
          if (component == COMPONENT_RTP)
            (is_src ? receivers : senders).insert (stream);
          return;
        }
        if (!is_src && !COMEDIA_IS_RTP_SINK (e))
          return;
        gchar *name = nullptr;
        g_object_get (e, "session", &name, "stream", &stream, "component",
            &component, nullptr);
        if (g_strcmp0 (name, session_name.c_str ()) == 0
            && component == COMPONENT_RTP) {
          (is_src ? receivers : senders).insert (stream);
          GstCaps *caps = nullptr;
          if (is_src && !offer_caps_given && !by_stream.count (stream))
            g_object_get (e, "caps", &caps, nullptr);
          if (caps)
            by_stream[stream] = caps;
        }
        g_free (name);
      });
  gst_object_unref (top);

  guint expected = 1;
  bool ok = true;
  for (auto & [stream, caps] : by_stream) {
    owned.push_back (caps);
    if (ok && stream != expected) {
      gchar *msg = g_strdup_printf ("stream %u has no formats to offer: give its "
          "comedia-rtpsrc caps, or set offer-caps (nicesrc has no caps)", expected);
      err.set (msg);
      g_free (msg);
      ok = false;
    }
    expected++;
    OfferedStream os;
    os.caps = caps;
    os.rtcp_mux = rtcp_mux && comedia_session_get_rtcp_mux (session, stream);
    bool receives = receivers.count (stream) != 0, sends = senders.count (stream) != 0;
    if (receives && !sends)
      os.direction = MediaDirection::RecvOnly;
    else if (sends && !receives)
      os.direction = MediaDirection::SendOnly;
    out.push_back (os);
  }
  return ok;
}

bool
gather_offered_ice (NiceProvisioner & nice, bool rtcp_mux, bool bundle,
    std::vector<OfferedStream> & streams, std::vector<IceDescription> & ice,
    SdpError & err)
{
  ice.resize (streams.size ());
  for (guint i = 0; i < streams.size (); i++) {
    guint stream = i + 1;
    if (bundle && i > 0) {
      /* build_offer writes stream 1's transport into the bundle-only ones. */
      streams[i].ice = &ice[0];
      continue;
    }
    guint components = nice.components (stream);
    if (components == 0)
      return err.set ("transport=ice, but stream " + std::to_string (stream) +
          " has no nicesrc/nicesink with stream=" + std::to_string (stream) +
          (bundle ? " (bundle-policy=max-bundle: stream 1's carry them all)" : ""));
    std::string error;
    if (!gather_stream_ice (nice, stream, true, ice[i], error))
      return err.set ("cannot gather the ICE candidates of stream " +
          std::to_string (stream) + ": " + error);
    /* Without component 2 in the pipeline RTCP can only share component 1. */
    streams[i].rtcp_mux = rtcp_mux && components == 1;
    streams[i].ice = &ice[i];
  }
  return true;
}

}  // namespace comedia

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gst/gst.h>

#include "comediaelements.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ret = FALSE;

  ret |= GST_ELEMENT_REGISTER (comedia_rtpsrc, plugin);
  ret |= GST_ELEMENT_REGISTER (comedia_rtpsink, plugin);
  ret |= GST_ELEMENT_REGISTER (sdp_negotiator, plugin);
  ret |= GST_ELEMENT_REGISTER (comedia_dtlssrtpdec, plugin);
  ret |= GST_ELEMENT_REGISTER (comedia_dtlssrtpenc, plugin);

  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, comedia,
    "RTP and RTCP through NAT: COMEDIA latching (symmetric RTP) and ICE",
    plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)

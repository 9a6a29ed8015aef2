/* libFuzzer harness: BUNDLE's demultiplexing (core/packet/bundleroute.h)
 * fed arbitrary routes and decrypted RTP/RTCP, checking that every packet
 * goes to a stream of the routes (RTP: or none; RTCP: never none).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "fuzzinput.h"
#include "bundleroute.h"

#include <algorithm>

using namespace comedia;

static bool
known (const BundleRoutes & routes, guint stream)
{
  return std::any_of (routes.entries.begin (), routes.entries.end (),
      [stream] (const BundleEntry & e) { return e.stream == stream; });
}

extern "C" int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  Input in { data, size };
  BundleRoutes routes;
  routes.mid_extension_id = in.byte () % 16;
  guint n = 1 + in.byte () % 4;
  for (guint s = 1; s <= n; s++) {
    BundleEntry e;
    e.stream = s;
    e.mid = std::string (1, (char) ('0' + in.byte () % 4));
    for (guint p = in.byte () % 4; p > 0; p--)
      e.payload_types.push_back (in.byte () & 0x7f);
    routes.entries.push_back (e);
  }
  BundleRouter router;
  router.set_routes (routes);
  while (!in.done ()) {
    uint8_t kind = in.byte ();
    size_t wanted = in.byte ();
    size_t len = std::min (wanted, in.size - in.pos);
    GstBuffer *buf = len ? gst_buffer_new_memdup (in.data + in.pos, len) : gst_buffer_new ();
    in.pos += len;
    if (kind & 1) {
      guint s = router.route_rtcp (buf);
      CHECK (known (routes, s));
    } else {
      guint s = router.route_rtp (buf);
      CHECK (s == 0 || known (routes, s));
    }
    if (kind & 2)
      router.learn (kind, 1 + (kind >> 2) % n);
    gst_buffer_unref (buf);
  }
  return 0;
}

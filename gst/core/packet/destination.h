/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <cstdint>

namespace comedia {

/* Which of a component's addresses sending goes to (docs/design.md, "The
 * latched-address object"). */
enum class DestinationChoice : uint8_t {
  None,           /* nowhere: the sink drops */
  PinnedStatic,   /* the peer's own SDP said where, without COMEDIA */
  Latched,        /* the peer latched from what it sent */
  Static,         /* a static destination that is not pinned */
  Configured,     /* the sink's own host/port properties */
};

/* The order: a pinned static destination, else the latched peer, else an
 * unpinned static destination, else the sink's host/port, else none.  A
 * pinned one wins over a latched peer because a peer that is not symmetric
 * (a plain udpsink) sends from a port it does not listen on. */
DestinationChoice choose_destination (bool have_static, bool static_pinned,
    bool have_latched, bool have_configured);

}  // namespace comedia

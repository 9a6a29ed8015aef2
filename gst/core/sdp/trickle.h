/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* Trickle ICE (RFC 8838) as SDP fragments (RFC 8840,
 * application/trickle-ice-sdpfrag): candidates that travel after the offer
 * and answer.  A fragment has no v=, o=, s= or t= line: the credentials of
 * the ICE generation at session level, then per media an m= line, its
 * a=mid, its a=candidate lines and, once all came, a=end-of-candidates:
 *
 *   a=ice-ufrag:8hhY
 *   a=ice-pwd:asd88fgpdd777uzjYhagZg
 *   m=audio 9 RTP/AVP 0
 *   a=mid:0
 *   a=candidate:1 1 UDP 2130706431 198.51.100.10 50000 typ host
 *   a=end-of-candidates
 *
 * Plain C++ on GstSDPMessage: no agent, no element. */

#include "icesdp.h"

#include <gst/gst.h>
#include <gst/sdp/sdp.h>

#include <string>
#include <vector>

namespace comedia {

/* The candidates of one media in a fragment. */
struct FragmentMedia {
  guint position = 0;           /* its place among the fragment's m-lines */
  std::string media = "audio";  /* m= media type, written as it is */
  std::string mid;              /* "" if the fragment has no a=mid for it */
  std::vector<std::string> candidates;  /* a=candidate values */
  /* mDNS host candidates (icesdp.h), usable once resolved; media_index is
   * the fragment's m-line, each note says why it is skipped if not. */
  std::vector<MdnsCandidate> mdns;
  bool end_of_candidates = false;
};

struct SdpFragment {
  std::string ufrag, pwd;       /* "" when the fragment has none */
  std::vector<FragmentMedia> media;
  bool end_of_candidates = false;       /* session level: every media */
  /* Candidate lines that cannot be used, skipped: one note each (mDNS
   * host candidates are FragmentMedia::mdns). */
  std::vector<std::string> skipped;
};

/* Whether a message framed out of the sink pad's byte stream is a fragment
 * (it starts with a= or m=) rather than an offer or answer (v=). */
bool is_sdp_fragment (const std::string & text);

/* Reads a fragment; false with @error when it is none (no m= line with a
 * candidate or an end-of-candidates, or no end-of-candidates at all).
 * Candidate lines that cannot be used are skipped (out.skipped), as in an
 * offer; mDNS host candidates are set apart (FragmentMedia::mdns). */
bool parse_sdp_fragment (const std::string & text, SdpFragment & out, std::string & error);

/* The fragment's text, CRLF line ends, ending with an empty line so that a
 * byte stream frames it as its own message. */
std::string build_sdp_fragment (const SdpFragment & fragment);

/* The m-line of @remote (the peer's offer or answer) that @m is for: by
 * a=mid when the fragment names one, else by position.  False if none. */
bool fragment_media_index (const GstSDPMessage * remote, const FragmentMedia & m,
    guint & mline_index);

/* Whether @msg (an offer) says its sender trickles: a=ice-options with
 * "trickle" at session level or on any media. */
bool peer_trickles (const GstSDPMessage * msg);

/* A candidate as an application hands it (webrtcbin's "candidate:1 1 UDP
 * ..." or "a=candidate:..." or the bare value) as an a=candidate value; ""
 * for the end of candidates ("" or "a=end-of-candidates"). */
std::string candidate_value_of (const std::string & text);

}  // namespace comedia

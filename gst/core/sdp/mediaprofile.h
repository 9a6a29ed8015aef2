/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* What an answered m-line repeats of the offer: only what the pipeline
 * does, so that the peer never waits for what will not come.  Kurento's
 * WebRtcEndpoint and webrtcbin answer a browser the same way.
 *
 * Every answer (any protocol) repeats, of the offer's m-line:
 *   - a=rtpmap, a=fmtp and a=rtcp-fb of the formats it keeps;
 *   - a=ptime, a=maxptime, a=framerate;
 *   - a=mid (RFC 5888 9.1; rejected m-lines keep it too, answerer.cpp);
 *   - a=rtcp-rsize (RFC 5506 5): rtpsession and comedia-rtpsrc take
 *     reduced-size RTCP wherever RTCP goes;
 * and never a=ssrc, a=ssrc-group, a=msid (the offerer's streams, not ours:
 * ours get their SSRC from the payloader at run time, and a browser takes
 * one unsignalled SSRC per m-line; a WebRTC answer names its own media
 * stream, add_local_msid), nor a=extmap but the mid one on a bundled
 * m-line (RTP_HDREXT_SDES_MID, which comedia-dtlssrtpdec routes by; no
 * other element here reads or writes RTP header extensions).  An
 * application that does names the URIs it keeps
 * (AnswerOptions::header_extensions), answered with the offer's id
 * (RFC 8285 6).
 *
 * The WebRTC profile (uses_webrtc_profile: UDP/TLS/RTP/SAVP(F), what
 * browsers offer, JSEP 5.1) answers less, as a browser acts on all of it:
 *   - no repair formats (prune_repair_formats): rtx (RFC 4588, a=fmtp apt=)
 *     needs rtprtxsend/rtprtxreceive and a second SSRC, red (RFC 2198),
 *     ulpfec (RFC 5109) and flexfec-03 need their encoders and decoders;
 *     comedia's streams carry one payload format into the depayloader.
 *     The `formats` setting can name them (by encoding name or payload
 *     type) for a pipeline that has those elements; an rtx whose apt=
 *     format is not answered goes all the same;
 *   - a=rtcp-fb (rtcp_feedback_answered): `nack pli` and `ccm fir` only,
 *     what rtpsession does (a keyframe request to the encoder upstream,
 *     a PLI or FIR when the decoder asks for one); `nack` only beside an
 *     answered rtx for that format (a retransmission is what it asks
 *     for); never `goog-remb` nor `transport-cc` (no bandwidth estimation
 *     here, and transport-cc needs its header extension), nor `trr-int`.
 * Other offers (SIP phones, cameras: RTP/AVP(F), RTP/SAVP(F)) keep their
 * formats and a=rtcp-fb as offered: their pipeline decides. */

#include <gst/gst.h>
#include <gst/sdp/sdp.h>

#include <string>
#include <vector>

namespace comedia {

/* The header extension BUNDLE demultiplexes by (RFC 9143 15.2). */
constexpr const char *RTP_HDREXT_SDES_MID = "urn:ietf:params:rtp-hdrext:sdes:mid";

/* Whether the WebRTC profile applies to offered m-line @media. */
bool uses_webrtc_profile (const GstSDPMedia * media);

/* The encoding name of payload type @pt in @media: from a=rtpmap, else the
 * static RTP/AVP table; "" if unknown. */
std::string encoding_name_of (const GstSDPMedia * media, const char *pt);

/* Whether @names (encoding names, any case, or payload type numbers) names
 * payload type @pt of @media. */
bool format_named (const GstSDPMedia * media, const char *pt,
    const std::vector<std::string> & names);

/* Under the WebRTC profile, removes the repair formats from @formats (the
 * offered ones of @media the answer would keep), unless @named (the
 * `formats` setting) names them; returns what was removed, for the
 * stream's note ("not answered: rtx 97 99, ulpfec 116"), or "". */
std::string prune_repair_formats (const GstSDPMedia * media,
    const std::vector<std::string> & named, std::vector<std::string> & formats);

/* Whether the WebRTC profile answers a=rtcp-fb @value ("96 nack pli",
 * "* ccm fir") of @media, whose answer keeps @formats. */
bool rtcp_feedback_answered (const GstSDPMedia * media, const char *value,
    const std::vector<std::string> & formats);

/* Our a=msid (RFC 8830) on an answered WebRTC m-line @stream (1-based)
 * when @sends: "comedia <media><stream>", one media stream for all the
 * session's m-lines, so that a browser's ontrack event has it in
 * streams[0], audio and video together (webrtcbin and Kurento write one
 * too).  No a=ssrc: ours is the payloader's, known only at run time. */
void add_local_msid (const GstSDPMedia * offer, guint stream, bool sends,
    GstSDPMedia * answer);

/* Copies into answer m-line @answer what it repeats of offer m-line
 * @offer (the list at the top), for the kept @formats and the
 * @header_extensions URIs. */
void copy_answered_attributes (const GstSDPMedia * offer, const std::vector<std::string> & formats,
    const std::vector<std::string> & header_extensions, GstSDPMedia * answer);

}  // namespace comedia

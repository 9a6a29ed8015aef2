/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* An SDP message as this plugin reads it: parsed by GstSDPMessage, checked
 * once (validate_sdp) so that no rule has to, and with the line number of
 * each line, so that an error found later can name its line. */

#include "icesdp.h"

#include <gst/gst.h>
#include <gst/sdp/sdp.h>

#include <memory>
#include <string>
#include <vector>

namespace comedia {

/* printf into a std::string (for error texts and SDP lines). */
std::string string_printf (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

/* What went wrong, said for a person: which line or m-line and why. */
struct SdpError {
  std::string message;
  guint line = 0;               /* 1-based line of the text, 0 if unknown */
  /* The cause is on this side (settings, sockets, the ICE agent), not in
   * the message: the application must fix it, another message will not. */
  bool local = false;

  /* Sets and returns false, so callers can `return err.set (...)`. */
  bool set (std::string msg, guint at_line = 0);
  /* The same for a cause on this side (local). */
  bool set_local (std::string msg, guint at_line = 0);
};

struct SdpMessageFree {
  void operator() (GstSDPMessage * msg) const { gst_sdp_message_free (msg); }
};
using SdpMessagePtr = std::unique_ptr<GstSDPMessage, SdpMessageFree>;
SdpMessagePtr sdp_message_new ();

/* An m-line being written, for answers and offers made m-line by m-line. */
struct SdpMediaFree {
  void operator() (GstSDPMedia * media) const { gst_sdp_media_free (media); }
};
using SdpMediaPtr = std::unique_ptr<GstSDPMedia, SdpMediaFree>;
SdpMediaPtr sdp_media_new ();

SdpMessagePtr sdp_message_copy (const GstSDPMessage * msg);
std::string sdp_message_to_text (const GstSDPMessage * msg);

/* Small pieces shared by the answerer and the offerer. */
bool media_has_attribute (const GstSDPMedia * media, const char *key);
/* "IP6" for an IPv6 address, else "IP4". */
const char *addrtype_of (const std::string & address);
/* A fresh o= session id: a positive 62-bit number, as NTP-derived ids are. */
guint64 fresh_session_id ();
/* o=- @id @id IN IP4|IP6 @address */
void set_origin (GstSDPMessage * msg, guint64 id, const std::string & address);
/* c=IN IP4|IP6 @address on @media */
void add_connection (GstSDPMedia * media, const std::string & address);

/* Largest SDP text accepted by default; real messages are a few kB. */
constexpr gsize DEFAULT_MAX_SDP_SIZE = 64 * 1024;

/* An SDP message and, when it was parsed from text, the line number of each
 * of its lines, so that errors found later can name the line. */
class SdpDocument {
 public:
  SdpDocument () = default;

  /* Checks that @text looks like SDP (starts with v=, has no second v=
   * line, every line is "<letter>=<value>", ends with an end of line,
   * m-lines have a numeric port), parses it with
   * gst_sdp_message_parse_buffer() and validates the result (see
   * validate_sdp()).  @at_eos: the text ended with its stream (EOS), so a
   * last line without its line end is complete, not truncated; several
   * real stacks send SDP that way.  On error, @out is left empty. */
  static bool parse (const char *text, gsize size, SdpDocument & out,
      SdpError & err, gsize max_size = DEFAULT_MAX_SDP_SIZE, bool at_eos = false);

  /* A message that did not come from text (an action signal): validated
   * like parsed text, but errors name the m-line instead of the line. */
  static bool from_message (const GstSDPMessage * msg, SdpDocument & out,
      SdpError & err);

  const GstSDPMessage *message () const { return msg_.get (); }
  bool empty () const { return !msg_; }
  /* Whether it was parsed from text (and so knows its line numbers). */
  bool has_text () const { return has_text_; }

  /* "line 7 (m=video 9 RTP/AVP 96)" or, without text, "m-line 2 (video)". */
  std::string where_media (guint media_index) const;
  guint media_line (guint media_index) const;
  /* The line of attribute @key in media @media_index, or at session level
   * when @media_index is -1; "" / 0 when unknown. */
  std::string where_attribute (gint media_index, const char *key) const;
  guint attribute_line (gint media_index, const char *key) const;
  std::string where_line (char type) const;   /* first session line x= */
  guint session_line (char type) const;

  /* The a=candidate lines that were taken out of the message because they
   * cannot be used (unusable_candidate_reason() in icesdp.h), one note for
   * a person each: "line 12: a=candidate:... skipped: its address
   * peer.example is a host name ...".  What reads the message never sees
   * them.  mDNS host candidates are not among them: see mdns_candidates(). */
  const std::vector<std::string> & skipped_candidates () const
  {
    return skipped_candidates_;
  }
  /* The mDNS host candidates (mdns_candidate() in icesdp.h), also taken out
   * of the message: usable once their name resolves, which is the
   * runtime's to try, after the answer. */
  const std::vector<MdnsCandidate> & mdns_candidates () const
  {
    return mdns_candidates_;
  }
  /* The notes of every line taken out, in the message's order: those of
   * skipped_candidates() and, unless @resolving_mdns, those of
   * mdns_candidates() (which are then skipped too). */
  std::vector<std::string> skip_notes (bool resolving_mdns) const;

 private:
  struct Line {
    guint number;
    std::string text;
  };
  SdpMessagePtr msg_;
  std::vector<Line> session_lines_;
  std::vector<std::vector<Line>> media_lines_;  /* [0] is the m= line */
  bool has_text_ = false;
  std::vector<std::string> skipped_candidates_;
  std::vector<MdnsCandidate> mdns_candidates_;
  /* Every note in the message's order; true where it is an mDNS one. */
  std::vector<std::pair<std::string, bool>> notes_;

  /* After validation: removes what unusable_candidate_reason() refuses,
   * keeping the mDNS host candidates apart. */
  void skip_unusable_candidates ();
};

/* The checks every incoming message passes before any rule looks at it:
 * o=, s= and t= present; each m-line has a port up to 65535, a protocol and
 * a format; RTP dynamic payload types have an a=rtpmap; a=direction is
 * active, passive or both; a=rtcp carries a port; ICE attributes have both
 * credentials, of RFC 5245 lengths.  Candidates are not checked here: one
 * that cannot be used is skipped, never a reason to refuse the message
 * (SdpDocument::skipped_candidates(), mdns_candidates()). */
bool validate_sdp (const SdpDocument & doc, SdpError & err);

}  // namespace comedia

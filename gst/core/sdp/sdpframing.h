/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* SDP messages out of a byte stream (TCP, a pipe, a file read in blocks):
 * sdp-negotiator's sink pad gets bytes cut anywhere, and answers whole
 * messages.
 *
 * A trickle ICE fragment (RFC 8840: "a=" or "m=" first, no v= line) is
 * framed the same way; trickle.h tells it from an offer or answer.
 *
 * A message ends at an empty line ("\n\n" or "\n\r\n", so "\r\n\r\n" too)
 * or at the end of the stream; the line ends and empty lines between two
 * messages belong to neither.  What cannot become SDP comes out at once,
 * without waiting for the rest, so the reader can refuse it: text whose
 * first two bytes are not "v=" (its first line only, at most the limit,
 * out once its line end or 32 bytes of it arrived: enough to tell what it
 * is),
 * more than the limit without an empty line (all of it), and a message
 * with a second "v=" line, which is two messages without the empty line
 * that separates them (up to and including that "v=").  A message at the
 * end of the stream may lack its last line end.  Nothing checks here that
 * a message is valid SDP: SdpDocument::parse does (with at_eos for the
 * last one).
 *
 * After such a piece the framing resynchronises: it drops what follows up
 * to the next place a message can start (after an empty line, or at a line
 * that begins with "v="), so the rest of an HTTP request, of a message over
 * the limit or of binary data is neither buffered nor handed out line by
 * line, and the next offer on the same stream is read whole. */

#include <cstddef>
#include <cstdint>
#include <string>

namespace comedia {

class SdpFraming {
 public:
  /* @max_size: the largest message worth buffering (max-size). */
  explicit SdpFraming (size_t max_size);

  void set_max_size (size_t max_size) { max_size_ = max_size; }

  /* Appends bytes as they arrived. */
  void push (const uint8_t * data, size_t size);

  /* Takes the next message out into @message, if one is complete;
   * @at_eos: no more bytes will come, so what is left is one too.  False
   * when nothing (more) is to be had: at EOS, everything was taken. */
  bool next (std::string & message, bool at_eos);

  /* Forgets a partial message (an error, a flush, EOS handled). */
  void clear ();

  /* Bytes held for a message not complete yet: after next() returned
   * false without EOS, at most the limit. */
  size_t buffered () const { return buffer_.size () - start_; }

  /* Bytes dropped while resynchronising, since construction. */
  uint64_t discarded () const { return discarded_; }

 private:
  /* Drops bytes up to the next message start; false while none has come. */
  bool skip_to_message_start (bool at_eos);
  void drop (size_t n);

  std::string buffer_;
  size_t start_ = 0;            /* where the unread bytes begin in buffer_ */
  size_t max_size_;
  bool resync_ = false;         /* after a piece that cannot be SDP */
  bool line_start_ = true;      /* resync_: start_ is at the start of a line */
  uint64_t discarded_ = 0;
};

}  // namespace comedia

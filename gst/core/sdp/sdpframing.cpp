/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "sdpframing.h"

#include <algorithm>
#include <cstring>

namespace comedia {

/* Length of the message at the start of @data up to and including the
 * line end before an empty line, or 0 if no empty line follows yet.  A
 * second "v=" line ends it too, just after that "v=" (@second_v): two
 * messages sent without an empty line between them cannot become one SDP
 * message, so they come out at once for the parser to refuse
 * (SdpDocument::parse names the line), rather than as one offer with the
 * m-lines of both. */
static size_t
message_length (const uint8_t * data, size_t size, bool & second_v)
{
  for (size_t i = 0; i + 1 < size; i++) {
    if (data[i] != '\n')
      continue;
    if (data[i + 1] == '\n')
      return i + 1;
    if (data[i + 1] == '\r' && i + 2 < size && data[i + 2] == '\n')
      return i + 1;
    if (data[i + 1] == 'v' && i + 2 < size && data[i + 2] == '=') {
      second_v = true;
      return i + 3;
    }
  }
  return 0;
}

/* How much of a line that is not SDP is awaited before it is refused
 * without its line end: enough to name an HTTP request line. */
static constexpr size_t NOT_SDP_HEAD = 32;

SdpFraming::SdpFraming (size_t max_size)
    : max_size_ (max_size)
{
}

void
SdpFraming::push (const uint8_t * data, size_t size)
{
  /* Taken messages are dropped here, not each time: a stream of many small
   * ones costs no copying of what follows them. */
  if (start_ > 0 && start_ >= buffer_.size () / 2) {
    buffer_.erase (0, start_);
    start_ = 0;
  }
  buffer_.append ((const char *) data, size);
}

void
SdpFraming::drop (size_t n)
{
  start_ += n;
  discarded_ += n;
}

bool
SdpFraming::skip_to_message_start (bool at_eos)
{
  while (start_ < buffer_.size ()) {
    const char *p = buffer_.data () + start_;
    size_t left = buffer_.size () - start_;
    if (line_start_) {
      /* An empty line ends the bad message; "v=" starts the next one. */
      if (p[0] == '\n' || (p[0] == '\r' && left >= 2 && p[1] == '\n')
          || (p[0] == 'v' && left >= 2 && p[1] == '=')) {
        resync_ = false;
        return true;
      }
      /* "\r" or "v" alone: the next byte decides. */
      if (left < 2 && !at_eos)
        return false;
    }
    const void *nl = memchr (p, '\n', left);
    if (!nl) {
      /* Nothing of a line's middle is worth keeping: memory stays bounded
       * however long the junk runs. */
      drop (left);
      line_start_ = false;
      break;
    }
    drop ((size_t) ((const char *) nl - p) + 1);
    line_start_ = true;
  }
  if (at_eos)
    clear ();
  return false;
}

bool
SdpFraming::next (std::string & message, bool at_eos)
{
  if (resync_ && !skip_to_message_start (at_eos))
    return false;
  /* The empty lines that ended the previous message. */
  while (start_ < buffer_.size ()
      && (buffer_[start_] == '\n' || buffer_[start_] == '\r'))
    start_++;
  if (start_ == buffer_.size ()) {
    clear ();
    return false;
  }
  const uint8_t *msg = (const uint8_t *) buffer_.data () + start_;
  size_t left = buffer_.size () - start_;
  /* Fail early, without buffering, on what cannot become SDP: two bytes
   * that are not "v=", whatever follows them.  "a=" and "m=" start a
   * trickle ICE fragment (RFC 8840), framed like a message. */
  bool not_sdp = left >= 2
      && (msg[1] != '=' || (msg[0] != 'v' && msg[0] != 'a' && msg[0] != 'm'));
  bool bad = not_sdp;
  size_t len;
  if (not_sdp) {
    /* Its first line is enough to say so, and enough of it to say what it
     * is instead ("GET / HTTP/1.0"): up to its line end, or a few dozen
     * bytes of it. */
    const void *nl = memchr (msg, '\n', std::min (left, max_size_));
    if (!nl && !at_eos && left < std::min (NOT_SDP_HEAD, max_size_))
      return false;
    len = nl ? (size_t) ((const uint8_t *) nl - msg) + 1 : std::min (left, max_size_);
  } else if ((len = message_length (msg, left, bad)) == 0) {
    if (!at_eos && left <= max_size_)
      return false;
    /* Over the limit: out with what arrived; the rest of it is dropped. */
    len = left;
    bad = !at_eos;
  }
  message.assign ((const char *) msg, len);
  start_ += len;
  if (bad) {
    resync_ = true;
    line_start_ = msg[len - 1] == '\n';
  }
  return true;
}

void
SdpFraming::clear ()
{
  buffer_.clear ();
  start_ = 0;
  resync_ = false;
  line_start_ = true;
}

}  // namespace comedia

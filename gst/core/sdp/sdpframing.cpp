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
 * second "v=" line ends it too, just after that "v=": two messages sent
 * without an empty line between them cannot become one SDP message, so
 * they come out at once for the parser to refuse (SdpDocument::parse names
 * the line), rather than as one offer with the m-lines of both. */
static size_t
message_length (const uint8_t * data, size_t size)
{
  for (size_t i = 0; i + 1 < size; i++) {
    if (data[i] != '\n')
      continue;
    if (data[i + 1] == '\n')
      return i + 1;
    if (data[i + 1] == '\r' && i + 2 < size && data[i + 2] == '\n')
      return i + 1;
    if (data[i + 1] == 'v' && i + 2 < size && data[i + 2] == '=')
      return i + 3;
  }
  return 0;
}

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

bool
SdpFraming::next (std::string & message, bool at_eos)
{
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
  size_t len = message_length (msg, left);
  if (len == 0) {
    bool not_sdp = left >= 2 && (msg[0] != 'v' || msg[1] != '=');
    /* Fail early, without buffering, on what cannot become SDP. */
    if (!at_eos && left <= max_size_ && !not_sdp)
      return false;
    len = left;
    if (not_sdp) {
      /* Not SDP: its first line is enough to say so. */
      const void *nl = memchr (msg, '\n', std::min (left, max_size_));
      len = nl ? (size_t) ((const uint8_t *) nl - msg) + 1 : std::min (left, max_size_);
    }
  }
  message.assign ((const char *) msg, len);
  start_ += len;
  return true;
}

void
SdpFraming::clear ()
{
  buffer_.clear ();
  start_ = 0;
}

}  // namespace comedia

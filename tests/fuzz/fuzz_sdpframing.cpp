/* libFuzzer harness: the SDP framing fed arbitrary byte streams, cut at
 * arbitrary points.  The same bytes in one chunk or in pieces must give the
 * same messages, up to the first one that cannot be SDP (which the
 * element refuses, ending the stream); every byte is in a message or is a
 * line end between two; what is held waiting stays within the limit.
 *
 * Input: a byte for the limit (16 + 4 * b), a count n (mod 8), n piece
 * sizes (1 + b, used in turn), then the stream.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "sdpframing.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using comedia::SdpFraming;

#define CHECK(cond) do { if (!(cond)) { \
      fprintf (stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      abort (); } } while (0)

/* Takes what @f gives now into @out, checking what it holds. */
static void
take (SdpFraming & f, size_t max_size, bool at_eos, std::vector<std::string> & out)
{
  std::string m;
  while (f.next (m, at_eos)) {
    CHECK (!m.empty () && m[0] != '\n' && m[0] != '\r');
    out.push_back (m);
  }
  CHECK (f.buffered () <= (at_eos ? 0 : max_size));
}

/* The stream in pieces of @sizes (in turn; none: in one chunk), then EOS. */
static std::vector<std::string>
frame (const std::string & stream, const std::vector<size_t> & sizes, size_t max_size)
{
  SdpFraming f (max_size);
  std::vector<std::string> out;
  size_t pos = 0, i = 0;
  while (pos < stream.size ()) {
    size_t n = sizes.empty () ? stream.size () : sizes[i++ % sizes.size ()];
    n = std::min (n, stream.size () - pos);
    f.push ((const uint8_t *) stream.data () + pos, n);
    pos += n;
    take (f, max_size, false, out);
  }
  take (f, max_size, true, out);
  return out;
}

/* Every byte of @stream is in one of @messages, in order, or is a line end
 * before, between or after them. */
static void
check_covers (const std::string & stream, const std::vector<std::string> & messages)
{
  size_t pos = 0;
  for (const std::string & m : messages) {
    while (pos < stream.size () && (stream[pos] == '\n' || stream[pos] == '\r'))
      pos++;
    CHECK (stream.compare (pos, m.size (), m) == 0);
    pos += m.size ();
  }
  for (; pos < stream.size (); pos++)
    CHECK (stream[pos] == '\n' || stream[pos] == '\r');
}

/* One the element refuses whatever the rest: not SDP, at the limit, or cut
 * at a second v= line. */
static bool
cannot_be_sdp (const std::string & m, size_t max_size)
{
  return m.compare (0, 2, "v=") != 0 || m.size () >= max_size
      || (m.size () >= 3 && m.compare (m.size () - 3, 3, "\nv=") == 0);
}

extern "C" int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  return 0;
}

extern "C" int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 2)
    return 0;
  size_t max_size = 16 + 4 * (size_t) data[0];
  size_t n = data[1] % 8;
  if (size < 2 + n)
    return 0;
  std::vector<size_t> sizes;
  for (size_t i = 0; i < n; i++)
    sizes.push_back (1 + (size_t) data[2 + i]);
  std::string stream ((const char *) data + 2 + n, size - 2 - n);

  std::vector<std::string> whole = frame (stream, {}, max_size);
  std::vector<std::string> pieces = frame (stream, sizes, max_size);
  std::vector<std::string> bytes = frame (stream, {1}, max_size);
  check_covers (stream, whole);
  check_covers (stream, pieces);
  check_covers (stream, bytes);
  for (const std::vector<std::string> *other : { &pieces, &bytes }) {
    size_t i = 0;
    for (; i < whole.size () && i < other->size (); i++) {
      bool refused = cannot_be_sdp (whole[i], max_size);
      CHECK (refused == cannot_be_sdp ((*other)[i], max_size));
      if (refused)
        break;
      CHECK (whole[i] == (*other)[i]);
    }
    if (i == whole.size () || i == other->size ())
      CHECK (whole.size () == other->size ());
  }
  return 0;
}

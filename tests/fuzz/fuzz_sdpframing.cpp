/* libFuzzer harness: the SDP framing fed arbitrary byte streams, cut at
 * arbitrary points.  The same bytes in one chunk or in pieces must give the
 * same messages, up to the first one that cannot be SDP (which the
 * element refuses; what follows then depends on where the bytes were cut);
 * every byte is in a message or is a line end between two, except what is
 * dropped after a refused message up to the next line start; what is held
 * waiting stays within the limit.
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

/* A message and how many bytes resynchronising dropped just before it. */
struct Framed {
  std::string text;
  uint64_t dropped_before;
};

/* Takes what @f gives now into @out, checking what it holds. */
static void
take (SdpFraming & f, size_t max_size, bool at_eos, std::vector<Framed> & out,
    uint64_t & dropped)
{
  std::string m;
  while (f.next (m, at_eos)) {
    CHECK (!m.empty () && m[0] != '\n' && m[0] != '\r');
    out.push_back ({m, f.discarded () - dropped});
    dropped = f.discarded ();
  }
  CHECK (f.buffered () <= (at_eos ? 0 : max_size));
}

/* The stream in pieces of @sizes (in turn; none: in one chunk), then EOS.
 * @trailing: what was dropped after the last message. */
static std::vector<Framed>
frame (const std::string & stream, const std::vector<size_t> & sizes, size_t max_size,
    uint64_t & trailing)
{
  SdpFraming f (max_size);
  std::vector<Framed> out;
  uint64_t dropped = 0;
  size_t pos = 0, i = 0;
  while (pos < stream.size ()) {
    size_t n = sizes.empty () ? stream.size () : sizes[i++ % sizes.size ()];
    n = std::min (n, stream.size () - pos);
    f.push ((const uint8_t *) stream.data () + pos, n);
    pos += n;
    take (f, max_size, false, out, dropped);
  }
  take (f, max_size, true, out, dropped);
  trailing = f.discarded () - dropped;
  return out;
}

static bool
cannot_be_sdp (const std::string & m, size_t max_size)
{
  return m.compare (0, 2, "v=") != 0 || m.size () >= max_size
      || (m.size () >= 3 && m.compare (m.size () - 3, 3, "\nv=") == 0);
}

/* Every byte of @stream is in one of @messages, in order, or is a line end
 * before, between or after them, or was dropped resynchronising after a
 * message that cannot be SDP (and only then), up to a line start. */
static void
check_covers (const std::string & stream, const std::vector<Framed> & messages,
    uint64_t trailing, size_t max_size)
{
  size_t pos = 0;
  bool refused = false;
  for (const Framed & m : messages) {
    CHECK (refused || m.dropped_before == 0);
    pos += m.dropped_before;
    CHECK (m.dropped_before == 0 || stream[pos - 1] == '\n');
    while (pos < stream.size () && (stream[pos] == '\n' || stream[pos] == '\r'))
      pos++;
    CHECK (stream.compare (pos, m.text.size (), m.text) == 0);
    pos += m.text.size ();
    refused = cannot_be_sdp (m.text, max_size);
  }
  CHECK (refused || trailing == 0);
  pos += trailing;
  for (; pos < stream.size (); pos++)
    CHECK (stream[pos] == '\n' || stream[pos] == '\r');
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

  uint64_t trailing[3];
  std::vector<Framed> whole = frame (stream, {}, max_size, trailing[0]);
  std::vector<Framed> pieces = frame (stream, sizes, max_size, trailing[1]);
  std::vector<Framed> bytes = frame (stream, {1}, max_size, trailing[2]);
  check_covers (stream, whole, trailing[0], max_size);
  check_covers (stream, pieces, trailing[1], max_size);
  check_covers (stream, bytes, trailing[2], max_size);
  for (const std::vector<Framed> *other : { &pieces, &bytes }) {
    size_t i = 0;
    for (; i < whole.size () && i < other->size (); i++) {
      bool refused = cannot_be_sdp (whole[i].text, max_size);
      CHECK (refused == cannot_be_sdp ((*other)[i].text, max_size));
      if (refused)
        break;
      CHECK (whole[i].text == (*other)[i].text);
    }
    if (i == whole.size () || i == other->size ())
      CHECK (whole.size () == other->size ());
  }
  return 0;
}

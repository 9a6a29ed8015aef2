/* What the libFuzzer harnesses share: reading the input piece by piece,
 * the invariant check, and LLVMFuzzerInitialize, which sets GStreamer up
 * without plugins (include this from the harness only).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

/* Reads little pieces of the input in order; zeros when it runs out. */
struct Input {
  const uint8_t *data;
  size_t size;
  size_t pos = 0;

  uint8_t byte () { return pos < size ? data[pos++] : 0; }
  uint16_t u16 () { return (uint16_t) (byte () | (byte () << 8)); }
  bool done () const { return pos >= size; }
};

#define CHECK(cond) do { if (!(cond)) { \
      fprintf (stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      abort (); } } while (0)

extern "C" int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  /* Only GStreamer's core and libraries are needed: no plugin scan (whose
   * allocations live until exit and would read as leaks). */
  g_setenv ("GST_REGISTRY_DISABLE", "yes", TRUE);
  gst_init (argc, argv);
  /* A g_critical is a bug in the code under test (or in the harness). */
  g_log_set_always_fatal ((GLogLevelFlags) (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING));
  return 0;
}

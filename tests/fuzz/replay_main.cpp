/* Without libFuzzer (g++ or sanitizer builds), runs every file given on the
 * command line, or every file in the directories given, through the
 * harness once: the seed corpus and past crashes become regression tests.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerInitialize (int *argc, char ***argv);
extern "C" int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

static int
run_file (const std::string & path)
{
  gchar *contents = nullptr;
  gsize len = 0;
  if (!g_file_get_contents (path.c_str (), &contents, &len, nullptr)) {
    fprintf (stderr, "cannot read %s\n", path.c_str ());
    return 1;
  }
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, len);
  g_free (contents);
  return 0;
}

int
main (int argc, char **argv)
{
  LLVMFuzzerInitialize (&argc, &argv);
  int files = 0, failures = 0;
  for (int i = 1; i < argc; i++) {
    if (g_file_test (argv[i], G_FILE_TEST_IS_DIR)) {
      GDir *dir = g_dir_open (argv[i], 0, nullptr);
      const gchar *name;
      while ((name = g_dir_read_name (dir))) {
        gchar *p = g_build_filename (argv[i], name, nullptr);
        failures += run_file (p);
        files++;
        g_free (p);
      }
      g_dir_close (dir);
    } else {
      failures += run_file (argv[i]);
      files++;
    }
  }
  printf ("replayed %d inputs\n", files);
  /* An empty corpus would make this test pass without testing anything. */
  return (failures || files == 0) ? 1 : 0;
}

/* What comedia-bench and comedia-relay-bench share: their options and how
 * their children are placed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bench-common.h"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace bench {

Options
parse_options (int argc, char **argv, int first)
{
  Options o;
  for (int i = first; i < argc; i++) {
    std::string key = argv[i];
    if (key.rfind ("--", 0) != 0)
      continue;
    key = key.substr (2);
    if (i + 1 < argc && std::string (argv[i + 1]).rfind ("--", 0) != 0)
      o[key] = argv[++i];
    else
      o[key] = "1";
  }
  return o;
}

long
option_long (const Options & o, const char *key, long def)
{
  auto it = o.find (key);
  return it == o.end () ? def : atol (it->second.c_str ());
}

double
option_double (const Options & o, const char *key, double def)
{
  auto it = o.find (key);
  return it == o.end () ? def : atof (it->second.c_str ());
}

std::string
option_string (const Options & o, const char *key, const std::string & def)
{
  auto it = o.find (key);
  return it == o.end () ? def : it->second;
}

std::map<std::string, std::string>
parse_key_values (const std::string & line)
{
  std::map<std::string, std::string> pairs;
  std::istringstream in (line);
  std::string word;
  while (in >> word) {
    size_t eq = word.find ('=');
    if (eq != std::string::npos)
      pairs[word.substr (0, eq)] = word.substr (eq + 1);
  }
  return pairs;
}

long
proc_status (const std::string & pid, const char *field)
{
  std::ifstream f ("/proc/" + pid + "/status");
  std::string line, key = std::string (field) + ":";
  while (std::getline (f, line))
    if (line.rfind (key, 0) == 0)
      return atol (line.c_str () + key.size ());
  return -1;
}

/* Pins this process and every thread it starts later to @cpu, so the
 * measured side and the traffic side never share a core. */
void
pin_to_cpu (int cpu)
{
  if (cpu < 0 || cpu >= (int) sysconf (_SC_NPROCESSORS_ONLN))
    return;
  cpu_set_t set;
  CPU_ZERO (&set);
  CPU_SET (cpu, &set);
  sched_setaffinity (0, sizeof (set), &set);
}

/* Thousands of sessions or calls need tens of thousands of sockets. */
void
raise_fd_limit ()
{
  rlimit rl;
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit (RLIMIT_NOFILE, &rl);
  }
}

std::string
self_executable (const char *argv0)
{
  char path[PATH_MAX];
  ssize_t len = readlink ("/proc/self/exe", path, sizeof (path) - 1);
  return len > 0 ? std::string (path, len) : argv0;
}

void
run_gnuplot (const std::string & script, const std::string & png)
{
  std::string cmd = "gnuplot '" + script + "' 2>/dev/null";
  if (system (cmd.c_str ()) == 0)
    printf ("plot: %s\n", png.c_str ());
  else
    printf ("plot: not written (is gnuplot installed? apt-get install "
        "gnuplot-nox)\n");
}

}  // namespace bench

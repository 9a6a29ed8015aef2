/* What comedia-bench and comedia-relay-bench share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <map>
#include <string>

namespace bench {

/* "--key value" and bare "--flag" (value "1"), after the sub-command. */
using Options = std::map<std::string, std::string>;
Options parse_options (int argc, char **argv, int first);
long option_long (const Options & o, const char *key, long def);
double option_double (const Options & o, const char *key, double def);
std::string option_string (const Options & o, const char *key,
    const std::string & def);

/* "key=value key=value" into its pairs: what the children print. */
std::map<std::string, std::string> parse_key_values (const std::string & line);

/* A field of /proc/@pid/status ("VmRSS" in KiB, "Threads"), of this process
 * for "self"; -1 if there is none. */
long proc_status (const std::string & pid, const char *field);

/* Pins this process and every thread it starts later to @cpu. */
void pin_to_cpu (int cpu);
/* Raises the soft limit of open files to the hard one. */
void raise_fd_limit ();

/* This very program, for running it again as a child with a sub-command. */
std::string self_executable (const char *argv0);

/* Runs gnuplot on @script, which writes @png, and says which happened. */
void run_gnuplot (const std::string & script, const std::string & png);

}  // namespace bench

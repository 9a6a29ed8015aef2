/* comedia-relay-bench: what its three programs share.
 *
 * The orchestrator (comedia-relay-bench.cpp) runs, for each relay kind and
 * number of calls, a relay child (relay-kinds.cpp) pinned to CPU 0 and a
 * traffic generator child (relay-generator.cpp) pinned to CPU 1, both this
 * binary again with a sub-command.  They talk in lines of key=value pairs
 * on their standard output.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "bench-common.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace relaybench {

using Fields = std::map<std::string, std::string>;
inline Fields
parse_fields (const std::string & line)
{
  return bench::parse_key_values (line);
}

/* Every address in this benchmark: relays and endpoints live on loopback. */
constexpr const char *LOOPBACK = "127.0.0.1";

/* G.711 at 20 ms: 12 bytes of RTP header and 160 of payload, 50 per second
 * in each direction. */
constexpr int RTP_HEADER_BYTES = 12;
constexpr int G711_PAYLOAD_BYTES = 160;
constexpr int PACKET_BYTES = RTP_HEADER_BYTES + G711_PAYLOAD_BYTES;
constexpr int PACKETS_PER_SECOND = 50;

using bench::Options;
using bench::option_double;
using bench::option_long;
using bench::option_string;
using bench::parse_options;
using bench::proc_status;
using bench::pin_to_cpu;
using bench::raise_fd_limit;

int64_t monotonic_ns ();
std::string format_number (double v, int decimals = 0);
/* "key=value key=value": the line every child prints. */
std::string fields_line (const std::string & tag, const Fields & f);
/* A UDP socket bound to 127.0.0.1:0, non-blocking; -1 on failure. */
int loopback_socket (uint16_t * port_out);

/* One relayed call: the relay's port that endpoint A sends to and the one
 * endpoint B sends to. */
struct CallPorts {
  uint16_t a = 0, b = 0;
};
bool write_ports_file (const std::string & path,
    const std::vector<CallPorts> & calls);
std::vector<CallPorts> read_ports_file (const std::string & path);

/* Times the calls' setup: in all, and its first and last tenth, since the
 * cost of adding a call may grow with the calls already there. */
struct SetupClock {
  std::vector<double> per_call_us;
  int64_t began = monotonic_ns ();

  Fields fields () const {
    size_t n = per_call_us.size (), tenth = std::max<size_t> (1, n / 10);
    double all = 0, first = 0, last = 0;
    for (size_t i = 0; i < n; i++) {
      all += per_call_us[i];
      if (i < tenth)
        first += per_call_us[i];
      if (i + tenth >= n)
        last += per_call_us[i];
    }
    return {
      {"calls", format_number ((double) n)},
      {"setup_s", format_number ((monotonic_ns () - began) / 1e9, 2)},
      {"setup_us_per_call", format_number (n ? all / n : NAN, 1)},
      {"setup_first10_us", format_number (n ? first / tenth : NAN, 1)},
      {"setup_last10_us", format_number (n ? last / tenth : NAN, 1)},
    };
  }
};

/* Writes the ports file and prints "ready" with the setup times and
 * @extra; non-zero if the file could not be written. */
int announce_ready (const std::string & ports_path,
    const std::vector<CallPorts> & calls, const SetupClock & clock,
    long rss0_kib, const Fields & extra = {});
/* Returns when the orchestrator closes the relay's standard input. */
void wait_for_stdin_eof ();

/* The sub-commands. */
int run_generator (const Options & o);
int run_comedia_relay (const Options & o);
int run_raw_relay (const Options & o);
int run_units_relay (const Options & o);
int run_rtpengine_relay (const Options & o);
bool rtpengine_installed ();

}  // namespace relaybench

/* comedia-relay-bench: small helpers of the orchestrator and its children.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "relay-bench.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

namespace relaybench {

int64_t
monotonic_ns ()
{
  timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

std::string
format_number (double v, int decimals)
{
  if (std::isnan (v))
    return "-";
  char buf[64];
  snprintf (buf, sizeof (buf), "%.*f", decimals, v);
  return buf;
}

std::string
fields_line (const std::string & tag, const Fields & f)
{
  std::string line = tag;
  for (auto &kv : f)
    line += " " + kv.first + "=" + kv.second;
  return line;
}

int
loopback_socket (uint16_t * port_out)
{
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  sockaddr_in addr = { };
  addr.sin_family = AF_INET;
  inet_pton (AF_INET, LOOPBACK, &addr.sin_addr);
  socklen_t len = sizeof (addr);
  if (bind (fd, (sockaddr *) & addr, sizeof (addr)) != 0 ||
      getsockname (fd, (sockaddr *) & addr, &len) != 0) {
    close (fd);
    return -1;
  }
  if (port_out)
    *port_out = ntohs (addr.sin_port);
  return fd;
}

bool
write_ports_file (const std::string & path, const std::vector<CallPorts> & calls)
{
  std::ofstream out (path);
  for (auto &c : calls)
    out << c.a << " " << c.b << "\n";
  return (bool) out;
}

std::vector<CallPorts>
read_ports_file (const std::string & path)
{
  std::vector<CallPorts> calls;
  std::ifstream in (path);
  CallPorts c;
  while (in >> c.a >> c.b)
    calls.push_back (c);
  return calls;
}

/* Writes the ports file and prints "ready" with the setup times. */
int
announce_ready (const std::string & ports_path,
    const std::vector<CallPorts> & calls, const SetupClock & clock,
    long rss0_kib, const Fields & extra)
{
  if (!write_ports_file (ports_path, calls)) {
    fprintf (stderr, "cannot write %s\n", ports_path.c_str ());
    return 1;
  }
  Fields f = clock.fields ();
  f["rss0_kib"] = format_number ((double) rss0_kib);
  f.insert (extra.begin (), extra.end ());
  printf ("%s\n", fields_line ("ready", f).c_str ());
  fflush (stdout);
  return 0;
}

void
wait_for_stdin_eof ()
{
  char buf[64];
  while (read (0, buf, sizeof (buf)) > 0) {
  }
}

}  // namespace relaybench

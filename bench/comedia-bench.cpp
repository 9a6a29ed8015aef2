/* comedia-bench: comedia-rtpsrc and comedia-rtpsink side by side with the
 * stock udpsrc / udpsink and with plain recvmmsg / sendmmsg loops, on the
 * same loopback flood, in one invocation.
 *
 *   comedia-bench [--quick] [--out DIR] [--only recv,send,latency,scale,srtp,pool]
 *
 * Every measurement runs in a child process of its own (this binary again,
 * with a sub-command), pinned to CPU 0, while its traffic generator or
 * drain runs in another child pinned to CPU 1: CPU time and memory are then
 * those of the thing measured alone.  The parent prints a table, and writes
 * DIR/results.csv, DIR/results.md and DIR/bench.png (with gnuplot).
 *
 * All traffic stays on 127.0.0.1.  The numbers are ratios measured in one
 * run; nothing here asserts a speed (the quick mode is a CI smoke test).
 *
 * The srtp part sends and receives the same flood with a fixed SRTP key
 * (AES_CM_128_HMAC_SHA1_80): comedia-rtpsink / comedia-rtpsrc plain and
 * with srtp-key, against stock srtpenc ! udpsink and udpsrc ! srtpdec.
 *
 * The pool part is the one not pinned: many sources with packets queued,
 * drained on one receive-thread name of 1 and of 2 threads (and udpsrc's
 * thread per source), to show what the second core carries.
 *
 * comedia-bench dtls (element-dtls.cpp) measures DTLS-SRTP: per packet
 * against SDES and plain, the handshake per profile, and a stranger's
 * ClientHello.
 *
 * comedia-bench webrtc (element-webrtc.cpp, webrtc-peers.cpp) measures a
 * browser's audio and video stream (ICE, DTLS-SRTP, Opus and VP8, sent by
 * stock webrtcbin) received by comedia and by webrtcbin: CPU per packet.
 *
 * This file dispatches the sub-commands; each lives in a file of its own
 * (element-bench.h lists them), as the relay bench's do.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "element-bench.h"

#include <gst/gst.h>

#include <cstdio>
#include <string>

using namespace elementbench;

int
main (int argc, char **argv)
{
  std::string cmd = argc > 1 && argv[1][0] != '-' ? argv[1] : "all";
  /* Before anything starts a thread: every later thread inherits it. */
  if (cmd == "flood" || cmd == "drain" || cmd == "sessions-flood" || cmd == "webrtc-send")
    bench::pin_to_cpu (1);
  else if (cmd == "recv" || cmd == "send" || cmd == "scale" ||
      cmd == "protect" || cmd == "webrtc-recv")
    bench::pin_to_cpu (0);

  gst_init (nullptr, nullptr);
  self_exe = bench::self_executable (argv[0]);

  Args a = bench::parse_options (argc, argv, cmd == "all" ? 1 : 2);
  if (cmd == "flood")
    return cmd_flood (a);
  if (cmd == "drain")
    return cmd_drain (a);
  if (cmd == "sessions-flood")
    return cmd_sessions_flood (a);
  if (cmd == "recv")
    return cmd_recv (a);
  if (cmd == "send")
    return cmd_send (a);
  if (cmd == "protect")
    return cmd_protect (a);
  if (cmd == "latency")
    return cmd_latency (a);
  if (cmd == "scale")
    return cmd_scale (a);
  if (cmd == "pool")
    return cmd_pool (a);
  if (cmd == "all")
    return cmd_all (a);
  if (cmd == "dtls")
    return cmd_dtls (a);
  if (cmd == "webrtc")
    return cmd_webrtc (a);
  if (cmd == "webrtc-send")
    return cmd_webrtc_send (a);
  if (cmd == "webrtc-recv")
    return cmd_webrtc_recv (a);
  fprintf (stderr, "usage: %s [--quick] [--out DIR] [--only recv,send,latency,scale,srtp,pool]\n"
      "       %s flood|drain|sessions-flood|recv|send|latency|scale|pool|dtls|webrtc [options]\n",
      argv[0], argv[0]);
  return 2;
}

/* comedia-bench: what its sub-commands share.
 *
 * The orchestrator (element-all.cpp) runs every measurement as a child
 * process, this binary again with a sub-command (comedia-bench.cpp
 * dispatches): the measured child pinned to CPU 0 (element-recv.cpp,
 * element-send.cpp, element-latency.cpp, element-scale.cpp; element-pool.cpp
 * is not pinned), its traffic child pinned to CPU 1 (element-traffic.cpp).
 * A measured child prints one "RESULT test=... key=value ..." line.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "bench-common.h"
#include "sdescrypto.h"
#include "srtpsession.h"

#include <gst/gst.h>
#include <gst/base/gstpushsrc.h>

#include <netinet/in.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace elementbench {

using Args = bench::Options;
using Result = std::map<std::string, std::string>;

/* The srtp part's fixed key: 30 bytes (0..29) of master key and salt, as
 * the comedia elements take it and as srtpenc / srtpdec do. */
constexpr const char *SRTP_SUITE = "aes-cm-128-hmac-sha1-80";
constexpr const char *SRTP_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd";
constexpr const char *SRTP_KEY_HEX =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d";
constexpr guint32 FLOOD_SSRC = 0x1000;   /* the flood's first source */

/* SRTP_KEY as the bytes srtpenc takes. */
GstBuffer *srtp_key_buffer ();
/* The SRTP keying of a sub-command: --srtp-suite NICK (the elements'
 * srtp-suite nick) and --srtp-key BASE64 (key||salt), SRTP_SUITE and
 * SRTP_KEY when not given.  The dtls part passes a handshake's keys so. */
std::string srtp_suite_option (const Args & a);
std::string srtp_key_option (const Args & a);
/* The suite of an elements' srtp-suite nick ("aes-cm-128-hmac-sha1-80");
 * nullptr for none. */
const comedia::SrtpSuiteInfo *srtp_suite_by_nick (const std::string & nick);
/* An outbound libsrtp session under the sub-command's key. */
std::unique_ptr<comedia::SrtpSession> srtp_sender (const Args & a);

/* Numbers and result lines. */
gint64 now_us ();
double cpu_seconds ();
double num (const Result & r, const char *k);
void print_result (const char *test,
    const std::vector<std::pair<std::string, std::string>> &fields);
std::string fmt (double v, int decimals = 0);

/* Sockets and packets, all on 127.0.0.1. */
sockaddr_in loopback (guint16 port);
/* A UDP socket bound to 127.0.0.1:@port (0: any free port). */
int bound_socket (guint16 port, guint16 * bound);
/* A port that was free a moment ago, for elements that take a port. */
guint16 free_port ();
/* A real RTP packet of @size bytes, made by GstRTPBuffer. */
std::vector<guint8> rtp_packet (guint32 ssrc, guint16 seq, guint32 ts, gsize size);
/* A Receiver Report from @ssrc, made by GstRTCPBuffer. */
std::vector<guint8> rtcp_rr (guint32 ssrc);
/* Rewrites @scratch (an RTP buffer) as packet @seq of @ssrc, PT 96, 20 ms
 * of 8 kHz per packet, and sends it on @fd to @dest; whether it all went. */
bool send_rtp_packet (int fd, GstBuffer * scratch, guint32 ssrc, guint16 seq,
    const sockaddr_in & dest);

/* Consecutive RTP packets of one source, prepared once so the flood spends
 * its time in sendmmsg and not in building packets. */
struct PacketRing {
  std::vector<std::vector<guint8>> packets;
  PacketRing (guint32 ssrc, gsize size, size_t n) {
    for (size_t i = 0; i < n; i++)
      packets.push_back (rtp_packet (ssrc, (guint16) i, (guint32) i * 160, size));
  }
  const std::vector<guint8> &operator[] (size_t i) const {
    return packets[i % packets.size ()];
  }
};

/* The median of what is not NaN; NaN if nothing is. */
double median (std::vector<double> v);

/* Child processes: this very binary (self_exe) with a sub-command. */
extern std::string self_exe;

struct Child {
  GPid pid = 0;
  int out = -1;
  int in = -1;                  /* its stdin, when spawned with_stdin */
  bool exited = false;
  int status = 0;
};

Child spawn_self (const std::vector<std::string> &args, bool with_stdin = false);
std::string read_line (int fd);
bool child_running (Child & c);
/* Closes @c's stdin (if it has one), waits for @c and returns the rest of
 * what it printed. */
std::string finish_child (Child & c);
/* The key=value pairs of the first "@tag " line in @output. */
Result result_line (const std::string & output, const char *tag = "RESULT");
/* --out DIR (bench-out by default), made if missing. */
std::string output_dir (const Args & a);

/* Runs measured children and keeps their results; a child that fails or
 * prints no RESULT line is reported on stderr and counted. */
struct Runner {
  std::vector<Result> results;
  int failures = 0;
  Result run (const std::vector<std::string> &args);
};

/* Pipelines. */
/* The element, or exit 3 if the plugin is not there. */
GstElement *make (const char *factory, const char *name = nullptr);
/* A sink's "rendered" count. */
guint64 rendered (GstElement * sink);
/* Waits for EOS or an error; returns FALSE on error or after @timeout_s. */
bool wait_eos (GstElement * pipeline, int timeout_s);

/* bench-feed (element-feed.cpp): hands out references to the prepared
 * buffers of @ring, @count in all, singly or in lists of @list_size. */
typedef struct {
  GstPushSrc parent;
  guint64 count;
  guint64 done;
  guint list_size;            /* 0: single buffers */
  std::vector<GstBuffer *> *ring;
  gint64 first_us;
} BenchFeed;

typedef struct {
  GstPushSrcClass parent_class;
} BenchFeedClass;

GType bench_feed_get_type (void);

/* The sub-commands; each file says what its options are. */
int cmd_flood (const Args & a);
int cmd_drain (const Args & a);
int cmd_sessions_flood (const Args & a);
int cmd_recv (const Args & a);
int cmd_send (const Args & a);
int cmd_protect (const Args & a);
int cmd_latency (const Args & a);
int cmd_scale (const Args & a);
int cmd_pool (const Args & a);
int cmd_all (const Args & a);
int cmd_dtls (const Args & a);
int cmd_webrtc (const Args & a);
int cmd_webrtc_send (const Args & a);
int cmd_webrtc_recv (const Args & a);
/* --bundle of comedia-bench webrtc and of its two peers: "max-bundle" (the
 * default, as browsers send) or "none"; "" after a usage line naming @who
 * for anything else. */
std::string webrtc_bundle_option (const Args & a, const char *who);

}  // namespace elementbench

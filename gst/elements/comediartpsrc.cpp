/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-comedia-rtpsrc
 * @title: comedia-rtpsrc
 * @see_also: comedia-rtpsink, sdp-negotiator, udpsrc, rtpbin
 *
 * Receives one RTP or RTCP component of a session on a UDP port and learns
 * ("latches") where the peer really is: the public address and port that its
 * NAT router put on its first well-formed packet.  From then on only that
 * peer's packets pass, and every comedia-rtpsink of the same session, stream
 * and component sends back to it from this very socket (symmetric RTP,
 * RFC 4961), which is the only way through the peer's NAT.  This is the
 * passive side of COMEDIA ("RTP without ICE"), as Kurento Media Server does
 * it.
 *
 * Streams are numbered like ICE/libnice streams: 1, 2, ... in SDP m-line
 * order; component 1 is RTP, component 2 is RTCP.  RTP and RTCP latch
 * separately.  Each latch posts an element message `comedia-latched` with
 * the fields `session` (string), `stream` (uint), `component` (uint),
 * `address` (string) and `port` (int).  With the same fields:
 * `comedia-relatched` (plus `old-address`, `old-port`) when another address
 * takes over, `comedia-timeout` (plus `timeout`, ms) when the peer falls
 * silent, a summary `comedia-rejected` (plus `count`, `total`, `reason`) at
 * most once a second for refused packets, and `comedia-unlatched` (plus
 * `reason`) when sdp-negotiator restricts the source after the peer latched
 * and the peer is outside it.  docs/threat-model.md tells what each latching
 * policy stops.
 *
 * Every buffer carries a #GstNetAddressMeta with its sender.
 *
 * With #ComediaRtpSrc:rtcp-mux, component 1 also carries RTCP (RFC 5761);
 * RTCP packets leave on the `rtcp_src` pad (a sometimes pad, added when the
 * element starts streaming) and latch the RTCP side of the stream
 * (component 2, which then shares the RTP socket). Both pads are pushed
 * from the one receive thread, as a demuxer's are: where both lead to sinks
 * that preroll (a plain fakesink), put a queue after each, or the sink
 * waiting for preroll on one pad holds up the other.
 * |[
 * gst-launch-1.0 rtpbin name=rb \
 *   comedia-rtpsrc name=src session=s port=5004 rtcp-mux=true \
 *     caps="application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=96" \
 *   src.src ! rb.recv_rtp_sink_0  src.rtcp_src ! rb.recv_rtcp_sink_0 \
 *   rb.send_rtcp_src_0 ! comedia-rtpsink session=s component=2 sync=false async=false \
 *   rb. ! rtpopusdepay ! opusdec ! fakesink
 * ]|
 *
 * ## Example launch line: a passive peer receiving VP8 from behind NAT
 * |[
 * gst-launch-1.0 -m rtpbin name=rb \
 *   comedia-rtpsrc session=s stream=1 component=1 port=5004 \
 *     caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96" ! rb.recv_rtp_sink_0 \
 *   comedia-rtpsrc session=s stream=1 component=2 port=5005 ! rb.recv_rtcp_sink_0 \
 *   rb.send_rtcp_src_0 ! comedia-rtpsink session=s stream=1 component=2 sync=false async=false \
 *   rb. ! rtpvp8depay ! vp8dec ! fakesink
 * ]|
 * The Receiver Reports rtpbin produces go back to wherever the peer's RTCP
 * came from.
 *
 * ## Many sessions in one process
 *
 * Like udpsrc, each comedia-rtpsrc has a thread of its own by default.  A
 * server with hundreds of sessions gives them one #ComediaRtpSrc:receive-thread
 * name instead: one thread then waits on all their sockets and pushes their
 * packets, so downstream must not block (sync=false, or a queue).
 * |[
 * gst-launch-1.0 \
 *   comedia-rtpsrc session=a port=5004 receive-thread=rx ! fakesink sync=false \
 *   comedia-rtpsrc session=a port=5005 component=2 receive-thread=rx ! fakesink sync=false \
 *   comedia-rtpsrc session=b port=5006 receive-thread=rx ! fakesink sync=false \
 *   comedia-rtpsrc session=b port=5007 component=2 receive-thread=rx ! fakesink sync=false
 * ]|
 *
 * ## SRTP
 *
 * With #ComediaRtpSrc:srtp-suite and #ComediaRtpSrc:srtp-key (or a key
 * sdp-negotiator negotiated from a=crypto), each datagram is authenticated
 * and decrypted with libsrtp before the latching rules see it: only what
 * authenticates can latch, and what does not is counted (auth-failed,
 * replayed) and dropped, with a warning at most once a second.
 * |[
 * gst-launch-1.0 comedia-rtpsrc port=5004 srtp-suite=aes-cm-128-hmac-sha1-80 \
 *     srtp-key=0VYd/GBqV92DODerMN9FluysFcGICFEuRX4IWXs4 \
 *     caps="application/x-rtp,media=audio,clock-rate=8000,encoding-name=PCMU,payload=0" ! \
 *   rtppcmudepay ! mulawdec ! autoaudiosink
 * ]|
 */
#include "config.h"

#include "comediartpsrc.h"
#include "comediaelements.h"
#include "comediasession.h"
#include "keepalive.h"
#include "latchbridge.h"
#include "packetdispatch.h"
#include "receiveengine.h"
#include "receiveloop.h"
#include "sourcepads.h"
#include "srtpproperties.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

/* Not static: latchbridge.cpp logs in it too. */
GST_DEBUG_CATEGORY (comedia_rtp_src_debug);
#define GST_CAT_DEFAULT comedia_rtp_src_debug

using comedia::Component;
using comedia::LatchPolicy;
using comedia::PeerAddress;
using comedia::Side;

#define DEFAULT_SESSION "default"
#define DEFAULT_STREAM 1
#define DEFAULT_COMPONENT comedia::COMPONENT_RTP
#define DEFAULT_ADDRESS "0.0.0.0"
#define DEFAULT_PORT 0
#define DEFAULT_RTCP_MUX FALSE
#define DEFAULT_MTU 1500
#define DEFAULT_PROBATION 4
#define DEFAULT_PROBATION_TIME 20
#define DEFAULT_ALLOWED_SOURCE ""
#define DEFAULT_RELATCH COMEDIA_RELATCH_SSRC
#define DEFAULT_TIMEOUT 0
#define DEFAULT_RTCP_WITHOUT_RTP FALSE
#define DEFAULT_BATCH_SIZE 64
#define DEFAULT_KEEPALIVE_PAYLOAD_TYPE comedia::DEFAULT_KEEPALIVE_PAYLOAD_TYPE
#define DEFAULT_RECEIVE_THREAD ""
#define DEFAULT_RECEIVE_THREADS 1
#define DEFAULT_RECEIVE_COALESCE 0
#define DEFAULT_BUFFER_SIZE 0

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_STREAM,
  PROP_COMPONENT,
  PROP_ADDRESS,
  PROP_PORT,
  PROP_CAPS,
  PROP_RTCP_MUX,
  PROP_MTU,
  PROP_PROBATION,
  PROP_PROBATION_TIME,
  PROP_ALLOWED_SOURCE,
  PROP_RELATCH,
  PROP_TIMEOUT,
  PROP_RTCP_WITHOUT_RTP,
  PROP_BATCH_SIZE,
  PROP_BUFFER_SIZE,
  PROP_KEEPALIVE_PAYLOAD_TYPE,
  PROP_RECEIVE_THREAD,
  PROP_RECEIVE_THREADS,
  PROP_RECEIVE_COALESCE,
  PROP_SRTP_SUITE,
  PROP_SRTP_KEY,
  PROP_LATCHED_ADDRESS,
  PROP_STATS,
};

GType
comedia_relatch_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {COMEDIA_RELATCH_NEVER, "Never: the first peer stays until the element "
          "stops", "never"},
    {COMEDIA_RELATCH_SSRC, "A new address that continues the peer's SSRC "
          "and sequence numbers takes over at once (NAT rebinding, a phone "
          "changing network)", "ssrc"},
    {COMEDIA_RELATCH_SILENCE, "After the peer was silent for 'timeout', any "
          "source may latch again through probation", "silence"},
    {0, nullptr, nullptr},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("ComediaRelatch", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

/* A sometimes pad: it appears when the element starts streaming with
 * rtcp-mux on. */
static GstStaticPadTemplate rtcp_src_template =
GST_STATIC_PAD_TEMPLATE ("rtcp_src", GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS ("application/x-rtcp"));

static gboolean src_query (GstPad * pad, GstObject * parent, GstQuery * query);

/* The element as a client of its receive thread (ReceiveLoop): serve() is
 * what a GstBaseSrc's create() loop would do, one turn at a time. */
struct ComediaRtpSrcPrivate : public comedia::ReceiveClient {
  explicit ComediaRtpSrcPrivate (ComediaRtpSrc * element)
    : self (element), latching (GST_ELEMENT (element), dispatch),
      pads (GST_ELEMENT (element), &src_template, &rtcp_src_template,
          src_query) {}
  gint64 serve (gint64 now, bool readable) override;

  ComediaRtpSrc *self;
  std::mutex lock;            /* guards the properties */
  std::string session_name = DEFAULT_SESSION;
  guint stream = DEFAULT_STREAM;
  guint component = DEFAULT_COMPONENT;
  std::string address = DEFAULT_ADDRESS;
  guint port = DEFAULT_PORT;
  GstCaps *caps = nullptr;
  gboolean rtcp_mux = DEFAULT_RTCP_MUX;
  guint mtu = DEFAULT_MTU;
  guint probation = DEFAULT_PROBATION;
  guint probation_time = DEFAULT_PROBATION_TIME;
  std::string allowed_source = DEFAULT_ALLOWED_SOURCE;
  ComediaRelatch relatch = DEFAULT_RELATCH;
  guint timeout = DEFAULT_TIMEOUT;
  gboolean rtcp_without_rtp = DEFAULT_RTCP_WITHOUT_RTP;
  guint batch_size = DEFAULT_BATCH_SIZE;
  gint buffer_size = DEFAULT_BUFFER_SIZE;
  gint keepalive_pt = DEFAULT_KEEPALIVE_PAYLOAD_TYPE;
  std::string receive_thread = DEFAULT_RECEIVE_THREAD;
  guint receive_threads = DEFAULT_RECEIVE_THREADS;
  guint receive_coalesce = DEFAULT_RECEIVE_COALESCE;
  comedia::SrtpKeyProperties srtp;   /* srtp-suite, srtp-key */

  /* Set up on NULL->READY, used by the receive thread. */
  ComediaSession *session = nullptr;
  std::shared_ptr<comedia::ReceiveLoop> loop;
  /* What each datagram becomes; its configuration is the receive thread's
   * copy of the properties. */
  comedia::PacketDispatch dispatch;
  /* The components it latches for: the one it reads (Side::Own), and
   * component 2 with rtcp-mux (Side::MuxedRtcp). */
  comedia::LatchBridge latching;

  comedia::SourcePads pads;   /* src, rtcp_src, and whether the stream ended */
  /* EOS sent to the element, for the receive thread to push. */
  std::atomic<bool> eos_pending{false};

  /* Batched reads into pool buffers (receive thread only). */
  comedia::ReceiveEngine engine;
};

struct _ComediaRtpSrc {
  GstElement parent;
  ComediaRtpSrcPrivate *priv;
};

#define comedia_rtp_src_parent_class parent_class
G_DEFINE_TYPE (ComediaRtpSrc, comedia_rtp_src, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (comedia_rtpsrc, "comedia-rtpsrc", GST_RANK_NONE,
    COMEDIA_TYPE_RTP_SRC);

static void comedia_rtp_src_finalize (GObject * object);
static void comedia_rtp_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void comedia_rtp_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn comedia_rtp_src_change_state (GstElement * element,
    GstStateChange transition);
static gboolean comedia_rtp_src_send_event (GstElement * element,
    GstEvent * event);
static void start_streaming (ComediaRtpSrc * self);

static void
comedia_rtp_src_class_init (ComediaRtpSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (comedia_rtp_src_debug, "comedia-rtpsrc", 0,
      "comedia RTP/RTCP receiver with NAT latching");

  gobject_class->finalize = comedia_rtp_src_finalize;
  gobject_class->set_property = comedia_rtp_src_set_property;
  gobject_class->get_property = comedia_rtp_src_get_property;

  g_object_class_install_property (gobject_class, PROP_SESSION,
      g_param_spec_string ("session", "Session",
          "Name of the shared session.  Every comedia element with the same "
          "name shares its sockets and latched peers: a comedia-rtpsink with "
          "the same session, stream and component sends from this element's "
          "socket to the peer it latched", DEFAULT_SESSION,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_STREAM,
      g_param_spec_uint ("stream", "Stream",
          "Stream number within the session, as ICE numbers them: 1 for the "
          "first SDP m-line, 2 for the second, ...", 1, G_MAXUINT16,
          DEFAULT_STREAM, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_COMPONENT,
      g_param_spec_uint ("component", "Component",
          "Component within the stream, as ICE numbers them: 1 = RTP, "
          "2 = RTCP.  Decides which packets may latch: RTP (version 2, at "
          "least 12 bytes) or valid RTCP (a compound, or reduced-size RTCP "
          "as RFC 5506 allows)", 1, 2, DEFAULT_COMPONENT,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_ADDRESS,
      g_param_spec_string ("address", "Address",
          "Local IP address to bind: 0.0.0.0 for every IPv4 interface, :: "
          "for IPv4 and IPv6 (dual stack), or one specific address",
          DEFAULT_ADDRESS, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_PORT,
      g_param_spec_int ("port", "Port",
          "UDP port to bind; 0 lets the kernel choose a free one.  From the "
          "READY state on, reading it gives the port actually bound (and it "
          "is notified when bound)", 0, G_MAXUINT16, DEFAULT_PORT,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_CAPS,
      g_param_spec_boxed ("caps", "Caps",
          "Caps of the outgoing buffers, e.g. application/x-rtp with "
          "media, clock-rate, encoding-name and payload, as rtpbin needs "
          "them.  Default: application/x-rtp on component 1, "
          "application/x-rtcp on component 2", GST_TYPE_CAPS,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_RTCP_MUX,
      g_param_spec_boolean ("rtcp-mux", "RTCP mux",
          "Component 1 also carries RTCP (RFC 5761): packets whose second "
          "byte is 192..223 are RTCP, leave on the rtcp_src pad and latch the "
          "RTCP side (component 2 then shares this socket)", DEFAULT_RTCP_MUX,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_MTU,
      g_param_spec_uint ("mtu", "MTU",
          "Largest datagram expected, in bytes; longer ones are counted as "
          "malformed and dropped", 28, G_MAXUINT16, DEFAULT_MTU,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_PROBATION,
      g_param_spec_uint ("probation", "Probation",
          "RTP packets a new source must send (one SSRC, consecutive "
          "sequence numbers) before it latches.  Stops a spray of forged "
          "packets from taking the call (\"RTP Bleed\"); the packets are "
          "held, not lost, and pass in order once the source latches (up to "
          "2 MiB per source and 4 MiB in all, for 5 s: a key frame sent back "
          "to back fits).  1 latches on "
          "the first packet, as the COMEDIA drafts describe", 1, 64,
          DEFAULT_PROBATION, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_PROBATION_TIME,
      g_param_spec_uint ("probation-time", "Probation time",
          "Milliseconds the probation packets must span at least, so a "
          "quick burst of forged packets cannot latch (unused with "
          "probation=1)", 0, 10000,
          DEFAULT_PROBATION_TIME, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_ALLOWED_SOURCE,
      g_param_spec_string ("allowed-source", "Allowed source",
          "Only sources in this IP address or CIDR prefix (e.g. "
          "203.0.113.7 or 198.51.100.0/24) may latch or send; empty allows "
          "any.  The one defence against an attacker who copies SSRC and "
          "sequence numbers.  Left empty, sdp-negotiator restricts learning "
          "to the offer's c= address when that is public (its "
          "restrict-source property)", DEFAULT_ALLOWED_SOURCE,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_RELATCH,
      g_param_spec_enum ("relatch", "Re-latching",
          "When a latched peer may be replaced by another address",
          COMEDIA_TYPE_RELATCH, DEFAULT_RELATCH,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_TIMEOUT,
      g_param_spec_uint ("timeout", "Timeout",
          "Milliseconds without a packet from the latched peer after which "
          "a comedia-timeout message is posted (and, with relatch=silence, "
          "another source may latch); 0 = never", 0, G_MAXUINT,
          DEFAULT_TIMEOUT, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_RTCP_WITHOUT_RTP,
      g_param_spec_boolean ("rtcp-without-rtp", "RTCP without RTP",
          "Let RTCP latch from any sender, for peers that send RTCP only.  "
          "By default RTCP latches (and re-latches) only from the SSRC and IP "
          "that the stream's RTP component latched (and waits for it)",
          DEFAULT_RTCP_WITHOUT_RTP,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_BUFFER_SIZE,
      g_param_spec_int ("buffer-size", "Buffer size",
          "Size of the socket's kernel receive buffer in bytes (SO_RCVBUF), "
          "as udpsrc's property of the same name: a larger one rides out "
          "bursts and moments when the receiving thread is busy.  0 keeps "
          "the system default (net.core.rmem_default).  Above "
          "net.core.rmem_max it takes CAP_NET_ADMIN; without it the kernel "
          "caps it there and a warning says so", 0, G_MAXINT / 2,
          DEFAULT_BUFFER_SIZE, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_BATCH_SIZE,
      g_param_spec_uint ("batch-size", "Batch size",
          "Most datagrams read with one system call (recvmmsg) and pushed "
          "downstream together as one buffer list.  Larger batches cost "
          "less CPU per packet under load; a quiet source still reads and "
          "pushes each packet as soon as it arrives.  1 reads one datagram "
          "at a time", 1, 1024, DEFAULT_BATCH_SIZE,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_KEEPALIVE_PAYLOAD_TYPE,
      g_param_spec_int ("keepalive-payload-type", "Keepalive payload type",
          "RTP packets of this payload type are NAT keepalives (RFC 6263, "
          "as comedia-rtpsink and sdp-negotiator send them): they may latch "
          "the peer like any RTP packet, then are counted and dropped "
          "instead of going downstream.  -1: none, every packet goes "
          "downstream", -1, 127, DEFAULT_KEEPALIVE_PAYLOAD_TYPE,
          (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
              GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_RECEIVE_THREAD,
      g_param_spec_string ("receive-thread", "Receive thread",
          "Name of a receive thread to share.  Every comedia-rtpsrc of the "
          "process with the same name is served by one thread, which waits "
          "on all their sockets at once (epoll) and pushes their packets "
          "downstream: a server with a thousand sessions needs one thread "
          "instead of two thousand (docs/performance.md).  Whatever is "
          "downstream then must not block (sinks with sync=false, or a "
          "queue), or it holds up every element of that thread.  Empty: "
          "this element has a thread of its own, as udpsrc does",
          DEFAULT_RECEIVE_THREAD, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_RECEIVE_THREADS,
      g_param_spec_uint ("receive-threads", "Receive threads",
          "How many threads the named receive-thread stands for, to use "
          "more than one core: its elements are spread over them, the "
          "elements of one session on the same thread, so each one's "
          "packets stay in order.  The first element to name the "
          "receive-thread sets it, for as long as the thread lives; a later "
          "element asking for another number gets a warning.  0: one per "
          "CPU core.  Ignored without receive-thread", 0, 256,
          DEFAULT_RECEIVE_THREADS, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property (gobject_class, PROP_RECEIVE_COALESCE,
      g_param_spec_uint ("receive-coalesce", "Receive coalescing (µs)",
          "Interrupt moderation for the named receive-thread: after serving "
          "a wake-up, its threads wait until this many microseconds have "
          "passed since it began, so that the next wake-up reads the packets "
          "of many sockets.  Saves CPU at many quiet streams; every packet "
          "may wait up to this long (docs/performance.md).  Set by the first "
          "element, like receive-threads.  0: none", 0, 20000,
          DEFAULT_RECEIVE_COALESCE, (GParamFlags) (G_PARAM_READWRITE |
              G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  comedia::install_srtp_properties (gobject_class, PROP_SRTP_SUITE,
      PROP_SRTP_KEY,
      "SRTP suite of what the peer sends, with srtp-key: every datagram is "
      "authenticated and decrypted (SRTP, and SRTCP on component 2 or "
      "muxed) before it may latch or pass; one that fails is dropped and "
      "counted (auth-failed, replayed in stats).  none: the key "
      "sdp-negotiator negotiated, if any, else plain RTP",
      "The peer's SRTP master key and salt, base64 as in a=crypto (30 "
      "bytes for the AES-128 suites, 46 for AES-256, 28 and 44 for GCM); "
      "it wins over a negotiated key");
  g_object_class_install_property (gobject_class, PROP_LATCHED_ADDRESS,
      g_param_spec_string ("latched-address", "Latched address",
          "Public address and port of the peer this component latched, as "
          "\"IP:port\" (\"[IP]:port\" for IPv6); empty until the first "
          "packet latches", "",
          (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Counters of this receiver: received (datagrams read), passed "
          "(pushed downstream), latched (times a peer was latched), "
          "relatched (of which replaced an earlier peer), timeouts, held "
          "(packets held in probation), held-dropped (held, then dropped by "
          "a bound of probation: bytes per source, in all, or age), "
          "rejected (well-formed but from another source), malformed (not "
          "RTP/RTCP, dropped), keepalives (NAT keepalives consumed), "
          "auth-failed (SRTP/SRTCP that did not authenticate: a wrong tag, "
          "or not SRTP at all; dropped before latching), replayed (SRTP/SRTCP the replay window "
          "had seen, dropped), receive-calls (system calls that read "
          "datagrams: a batch is one), and peer (the latched \"IP:port\", "
          "or empty); with rtcp-mux also rtcp-peer", GST_TYPE_STRUCTURE,
          (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_add_static_pad_template (element_class,
      &rtcp_src_template);
  gst_element_class_set_static_metadata (element_class,
      "COMEDIA RTP source", "Source/Network/RTP",
      "Receives RTP or RTCP on a UDP port and latches the public address of "
      "a peer behind NAT, so comedia-rtpsink can answer it from the same "
      "socket", "comedia developers");

  element_class->change_state = comedia_rtp_src_change_state;
  element_class->send_event = comedia_rtp_src_send_event;

  gst_type_mark_as_plugin_api (COMEDIA_TYPE_RELATCH, (GstPluginAPIFlags) 0);
}

static GstCaps *output_caps (ComediaRtpSrc * self, GstCaps * filter);

static gboolean
src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  ComediaRtpSrc *self = COMEDIA_RTP_SRC (parent);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:{
      GstCaps *filter;
      gst_query_parse_caps (query, &filter);
      GstCaps *caps = output_caps (self, filter);
      gst_query_set_caps_result (query, caps);
      gst_caps_unref (caps);
      return TRUE;
    }
    case GST_QUERY_LATENCY:
      /* Live, and buffers leave as soon as they arrive. */
      gst_query_set_latency (query, TRUE, 0, GST_CLOCK_TIME_NONE);
      return TRUE;
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

static void
comedia_rtp_src_init (ComediaRtpSrc * self)
{
  /* Adds the src pad. */
  self->priv = new ComediaRtpSrcPrivate (self);
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SOURCE);
}

static void
comedia_rtp_src_finalize (GObject * object)
{
  ComediaRtpSrc *self = COMEDIA_RTP_SRC (object);

  gst_clear_caps (&self->priv->caps);
  g_clear_object (&self->priv->session);
  delete self->priv;

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static GstStructure *
create_stats (ComediaRtpSrc * self)
{
  ComediaRtpSrcPrivate *priv = self->priv;
  Component *c = priv->latching.component (Side::Own);
  auto get = [] (const std::atomic<guint64> &v) { return v.load (std::memory_order_relaxed); };

  GstStructure *s = gst_structure_new ("comedia-rtpsrc-stats",
      "received", G_TYPE_UINT64, c ? get (c->counters.received) : 0,
      "passed", G_TYPE_UINT64, c ? get (c->counters.passed) : 0,
      "latched", G_TYPE_UINT64, c ? get (c->counters.latched) : 0,
      "relatched", G_TYPE_UINT64, c ? get (c->counters.relatched) : 0,
      "timeouts", G_TYPE_UINT64, c ? get (c->counters.timeouts) : 0,
      "held", G_TYPE_UINT64, c ? get (c->counters.learning) : 0,
      "held-dropped", G_TYPE_UINT64, c ? get (c->counters.held_dropped) : 0,
      "rejected", G_TYPE_UINT64, c ? get (c->counters.rejected) : 0,
      "malformed", G_TYPE_UINT64, c ? get (c->counters.malformed) : 0,
      "keepalives", G_TYPE_UINT64, c ? get (c->counters.keepalives_received) : 0,
      "auth-failed", G_TYPE_UINT64, c ? get (c->counters.auth_failed) : 0,
      "replayed", G_TYPE_UINT64, c ? get (c->counters.replayed) : 0,
      "receive-calls", G_TYPE_UINT64, priv->engine.receive_calls (),
      "peer", G_TYPE_STRING, priv->latching.peer_string (Side::Own).c_str (),
      nullptr);
  if (priv->latching.component (Side::MuxedRtcp))
    gst_structure_set (s, "rtcp-peer", G_TYPE_STRING,
        priv->latching.peer_string (Side::MuxedRtcp).c_str (), nullptr);
  return s;
}

static void
comedia_rtp_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  ComediaRtpSrc *self = COMEDIA_RTP_SRC (object);
  ComediaRtpSrcPrivate *priv = self->priv;
  std::lock_guard<std::mutex> guard (priv->lock);

  switch (prop_id) {
    case PROP_SESSION:
      priv->session_name = g_value_get_string (value) ?
          g_value_get_string (value) : DEFAULT_SESSION;
      break;
    case PROP_STREAM:
      priv->stream = g_value_get_uint (value);
      break;
    case PROP_COMPONENT:
      priv->component = g_value_get_uint (value);
      break;
    case PROP_ADDRESS:
      priv->address = g_value_get_string (value) ?
          g_value_get_string (value) : DEFAULT_ADDRESS;
      break;
    case PROP_PORT:
      priv->port = g_value_get_int (value);
      break;
    case PROP_CAPS:{
      const GstCaps *caps = gst_value_get_caps (value);
      gst_clear_caps (&priv->caps);
      priv->caps = caps ? gst_caps_copy (caps) : nullptr;
      break;
    }
    case PROP_RTCP_MUX:
      priv->rtcp_mux = g_value_get_boolean (value);
      break;
    case PROP_MTU:
      priv->mtu = g_value_get_uint (value);
      break;
    case PROP_PROBATION:
      priv->probation = g_value_get_uint (value);
      break;
    case PROP_PROBATION_TIME:
      priv->probation_time = g_value_get_uint (value);
      break;
    case PROP_ALLOWED_SOURCE:
      priv->allowed_source = g_value_get_string (value) ?
          g_value_get_string (value) : "";
      break;
    case PROP_RELATCH:
      priv->relatch = (ComediaRelatch) g_value_get_enum (value);
      break;
    case PROP_TIMEOUT:
      priv->timeout = g_value_get_uint (value);
      break;
    case PROP_RTCP_WITHOUT_RTP:
      priv->rtcp_without_rtp = g_value_get_boolean (value);
      break;
    case PROP_BATCH_SIZE:
      priv->batch_size = g_value_get_uint (value);
      break;
    case PROP_BUFFER_SIZE:
      priv->buffer_size = g_value_get_int (value);
      break;
    case PROP_KEEPALIVE_PAYLOAD_TYPE:
      priv->keepalive_pt = g_value_get_int (value);
      break;
    case PROP_RECEIVE_THREAD:{
      const gchar *name = g_value_get_string (value);
      priv->receive_thread = name ? name : "";
      break;
    }
    case PROP_RECEIVE_THREADS:
      priv->receive_threads = g_value_get_uint (value);
      break;
    case PROP_RECEIVE_COALESCE:
      priv->receive_coalesce = g_value_get_uint (value);
      break;
    case PROP_SRTP_SUITE:
    case PROP_SRTP_KEY:
      priv->srtp.set (prop_id == PROP_SRTP_SUITE, value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
comedia_rtp_src_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  ComediaRtpSrc *self = COMEDIA_RTP_SRC (object);
  ComediaRtpSrcPrivate *priv = self->priv;
  std::lock_guard<std::mutex> guard (priv->lock);

  switch (prop_id) {
    case PROP_SESSION:
      g_value_set_string (value, priv->session_name.c_str ());
      break;
    case PROP_STREAM:
      g_value_set_uint (value, priv->stream);
      break;
    case PROP_COMPONENT:
      g_value_set_uint (value, priv->component);
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, priv->address.c_str ());
      break;
    case PROP_PORT:
      g_value_set_int (value, priv->port);
      break;
    case PROP_CAPS:
      gst_value_set_caps (value, priv->caps);
      break;
    case PROP_RTCP_MUX:
      g_value_set_boolean (value, priv->rtcp_mux);
      break;
    case PROP_MTU:
      g_value_set_uint (value, priv->mtu);
      break;
    case PROP_PROBATION:
      g_value_set_uint (value, priv->probation);
      break;
    case PROP_PROBATION_TIME:
      g_value_set_uint (value, priv->probation_time);
      break;
    case PROP_ALLOWED_SOURCE:
      g_value_set_string (value, priv->allowed_source.c_str ());
      break;
    case PROP_RELATCH:
      g_value_set_enum (value, priv->relatch);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, priv->timeout);
      break;
    case PROP_RTCP_WITHOUT_RTP:
      g_value_set_boolean (value, priv->rtcp_without_rtp);
      break;
    case PROP_BATCH_SIZE:
      g_value_set_uint (value, priv->batch_size);
      break;
    case PROP_BUFFER_SIZE:
      g_value_set_int (value, priv->buffer_size);
      break;
    case PROP_KEEPALIVE_PAYLOAD_TYPE:
      g_value_set_int (value, priv->keepalive_pt);
      break;
    case PROP_RECEIVE_THREAD:
      g_value_set_string (value, priv->receive_thread.c_str ());
      break;
    case PROP_RECEIVE_THREADS:
      g_value_set_uint (value, priv->receive_threads);
      break;
    case PROP_RECEIVE_COALESCE:
      g_value_set_uint (value, priv->receive_coalesce);
      break;
    case PROP_SRTP_SUITE:
    case PROP_SRTP_KEY:
      priv->srtp.get (prop_id == PROP_SRTP_SUITE, value);
      break;
    case PROP_LATCHED_ADDRESS:
      g_value_set_string (value,
          priv->latching.peer_string (Side::Own).c_str ());
      break;
    case PROP_STATS:
      g_value_take_boxed (value, create_stats (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static_assert ((int) comedia::Relatch::Never == COMEDIA_RELATCH_NEVER &&
    (int) comedia::Relatch::Ssrc == COMEDIA_RELATCH_SSRC &&
    (int) comedia::Relatch::Silence == COMEDIA_RELATCH_SILENCE,
    "ComediaRelatch mirrors comedia::Relatch");

/* The policy configuration from the properties (called with the lock). */
static LatchPolicy::Config
policy_config (ComediaRtpSrcPrivate * priv, guint component,
    const comedia::SourcePrefix & allowed)
{
  LatchPolicy::Config config;
  config.component = component;
  config.probation_packets = priv->probation;
  config.probation_min_us = (int64_t) priv->probation_time * 1000;
  config.allowed = allowed;
  /* The GEnum mirrors the policy's values (static_assert below). */
  config.relatch = (comedia::Relatch) priv->relatch;
  config.timeout_us = (int64_t) priv->timeout * 1000;
  config.rtcp_requires_rtp_peer = !priv->rtcp_without_rtp;
  return config;
}

/* SO_RCVBUF of @socket to @size bytes, with a warning when the kernel
 * allowed less. */
static void
set_receive_buffer (ComediaRtpSrc * self, GSocket * socket, gint size)
{
  GError *err = nullptr;
  gint got = comedia::set_receive_buffer (socket, size, &err);
  if (got < 0) {
    GST_WARNING_OBJECT (self, "could not read the receive buffer size: %s",
        err->message);
    g_clear_error (&err);
  } else if (got < size) {
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        ("Receive buffer of %d bytes asked for, the kernel allowed %d",
            size, got),
        ("raise net.core.rmem_max, or run with CAP_NET_ADMIN"));
  } else {
    GST_DEBUG_OBJECT (self, "receive buffer %d bytes", got);
  }
}

/* NULL->READY: find the session and bind the socket, so the bound port is
 * readable at READY and an answer can announce it. */
static gboolean
comedia_rtp_src_open (ComediaRtpSrc * self)
{
  ComediaRtpSrcPrivate *priv = self->priv;
  comedia::BindRequest request;
  GError *err = nullptr;
  comedia::PacketDispatch::Config dispatch_config;
  comedia::SrtpKey srtp_key;
  std::string srtp_error;

  {
    std::lock_guard<std::mutex> guard (priv->lock);
    if (!priv->srtp.resolve (srtp_key, srtp_error)) {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("Invalid SRTP settings: %s", srtp_error.c_str ()), (nullptr));
      return FALSE;
    }
    comedia::SourcePrefix allowed;
    if (!comedia::SourcePrefix::parse (priv->allowed_source, allowed)) {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("allowed-source \"%s\" is not an IP address or CIDR prefix",
              priv->allowed_source.c_str ()),
          ("expected e.g. 203.0.113.7, 198.51.100.0/24 or 2001:db8::/32"));
      return FALSE;
    }
    bool negotiated_source = priv->allowed_source.empty ();
    dispatch_config.component = priv->component;
    dispatch_config.rtcp_mux = priv->rtcp_mux;
    dispatch_config.keepalive_pt = priv->keepalive_pt;
    dispatch_config.mtu = priv->mtu;
    dispatch_config.own = policy_config (priv, priv->component, allowed);
    dispatch_config.rtcp = policy_config (priv, comedia::COMPONENT_RTCP,
        allowed);
    if (priv->rtcp_mux && priv->component != comedia::COMPONENT_RTP) {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("rtcp-mux needs component=1"),
          ("rtcp-mux carries RTCP on the RTP component; this element reads "
              "component %u", priv->component));
      return FALSE;
    }
    priv->session = comedia_session_acquire (priv->session_name.c_str ());
    priv->latching.set_session (priv->session, negotiated_source);
    request.address = priv->address;
    request.port = priv->port;
    if (priv->rtcp_mux)
      comedia_session_set_rtcp_mux (priv->session, priv->stream, TRUE);
  }

  Component *component = comedia_session_open_component (priv->session,
      priv->stream, priv->component, &request, &err);
  if (!component) {
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
        ("Could not bind UDP port %u on %s", request.port,
            request.address.c_str ()), ("%s", err->message));
    g_clear_error (&err);
    return FALSE;
  }

  bool expected = false;
  if (!component->has_reader.compare_exchange_strong (expected, true)) {
    GST_ELEMENT_ERROR (self, RESOURCE, BUSY,
        ("Another comedia-rtpsrc already receives session '%s' stream %u "
            "component %u", comedia_session_get_name (priv->session),
            priv->stream, priv->component), (nullptr));
    return FALSE;
  }
  priv->latching.attach (Side::Own, component);

  if (dispatch_config.rtcp_mux) {
    Component *rtcp = comedia_session_open_component (priv->session,
        priv->stream, comedia::COMPONENT_RTCP, nullptr, &err);
    if (!rtcp) {
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
          ("Could not use the RTP socket for RTCP"), ("%s", err->message));
      g_clear_error (&err);
      return FALSE;
    }
    priv->latching.attach (Side::MuxedRtcp, rtcp);
  }
  priv->dispatch = comedia::PacketDispatch (dispatch_config);
  if (!priv->latching.set_fixed_srtp (srtp_key, srtp_error)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("libsrtp refused the srtp-key"), ("%s", srtp_error.c_str ()));
    return FALSE;
  }

  guint max_batch;
  gint buffer_size;
  std::string thread_name;
  comedia::ReceiveLoop::Settings loop_settings;
  {
    std::lock_guard<std::mutex> guard (priv->lock);
    priv->port = component->local_port ();
    max_batch = priv->batch_size;
    buffer_size = priv->buffer_size;
    thread_name = priv->receive_thread;
    loop_settings.threads = priv->receive_threads;
    loop_settings.coalesce_us = priv->receive_coalesce;
  }
  if (loop_settings.threads == 0)
    loop_settings.threads = g_get_num_processors ();
  /* An element's own thread: one, and no reason to wait. */
  if (thread_name.empty ())
    loop_settings = comedia::ReceiveLoop::Settings ();
  if (buffer_size > 0)
    set_receive_buffer (self, component->socket (), buffer_size);

  priv->loop = comedia::ReceiveLoop::get (thread_name, loop_settings, &err);
  if (!priv->loop) {
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED,
        ("Could not start the receive thread"), ("%s", err->message));
    g_clear_error (&err);
    return FALSE;
  }
  const comedia::ReceiveLoop::Settings & running = priv->loop->settings ();
  if (!(running == loop_settings))
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        ("Receive thread '%s' already runs with %u threads, not %u, and "
            "%u µs of coalescing, not %u", thread_name.c_str (),
            running.threads, loop_settings.threads, running.coalesce_us,
            loop_settings.coalesce_us),
        ("receive-threads and receive-coalesce are set by the first element "
            "that names a receive-thread"));

  if (!priv->engine.open (thread_name, dispatch_config.mtu, max_batch)) {
    GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT,
        ("Could not set up a pool of receive buffers"), (nullptr));
    return FALSE;
  }

  GST_INFO_OBJECT (self, "session '%s' stream %u component %u listening on "
      "port %u", comedia_session_get_name (priv->session), priv->stream,
      priv->component, component->local_port ());
  g_object_notify (G_OBJECT (self), "port");
  return TRUE;
}

static void
comedia_rtp_src_close (ComediaRtpSrc * self)
{
  ComediaRtpSrcPrivate *priv = self->priv;

  if (Component *own = priv->latching.component (Side::Own))
    own->has_reader.store (false);
  priv->latching.close ();
  priv->dispatch.reset ();
  g_clear_object (&priv->session);
  priv->loop.reset ();

  priv->engine.close ();
}

static GstStateChangeReturn
comedia_rtp_src_change_state (GstElement * element, GstStateChange transition)
{
  ComediaRtpSrc *self = COMEDIA_RTP_SRC (element);
  ComediaRtpSrcPrivate *priv = self->priv;
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!comedia_rtp_src_open (self)) {
        comedia_rtp_src_close (self);
        return GST_STATE_CHANGE_FAILURE;
      }
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      priv->pads.set_stopped (false);
      /* One session's elements on one thread of a pool. */
      priv->loop->add (priv,
          g_socket_get_fd (priv->latching.component (Side::Own)->socket ()),
          comedia_session_get_name (priv->session));
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      /* Like a live GstBaseSrc: nothing is read while paused. */
      priv->loop->set_active (priv, false);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
      priv->loop->remove (priv);
    return ret;
  }

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      /* Here, not on the receive thread: a bin's handling of thousands of
       * stream-start messages is slow, and would hold up the packets. */
      start_streaming (self);
      ret = GST_STATE_CHANGE_NO_PREROLL;   /* live */
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      priv->loop->set_active (priv, true);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* The pads flush now, so a push in progress returns at once. */
      priv->loop->remove (priv);
      priv->eos_pending = false;
      priv->pads.remove_rtcp ();
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:
      comedia_rtp_src_close (self);
      break;
    default:
      break;
  }
  return ret;
}

/* The caps property, or the default for the component. */
static GstCaps *
output_caps (ComediaRtpSrc * self, GstCaps * filter)
{
  GstCaps *caps;

  {
    std::lock_guard<std::mutex> guard (self->priv->lock);
    if (self->priv->caps)
      caps = gst_caps_ref (self->priv->caps);
    else
      caps = gst_caps_new_empty_simple (self->priv->component ==
          comedia::COMPONENT_RTCP ? "application/x-rtcp" : "application/x-rtp");
  }

  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, caps,
        GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (caps);
    caps = tmp;
  }
  return caps;
}

/* EOS sent to the element (gst-launch-1.0 -e, an application ending a
 * recording) leaves on both pads from the receive thread, after the
 * packets already read. */
static gboolean
comedia_rtp_src_send_event (GstElement * element, GstEvent * event)
{
  ComediaRtpSrcPrivate *priv = COMEDIA_RTP_SRC (element)->priv;
  gboolean handled = FALSE;

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    priv->eos_pending = true;
    GST_OBJECT_LOCK (element);
    bool streaming = GST_STATE (element) >= GST_STATE_PAUSED && priv->loop;
    GST_OBJECT_UNLOCK (element);
    if (streaming)
      priv->loop->wake (priv);
    handled = TRUE;
  }
  gst_event_unref (event);
  return handled;
}

/* On READY->PAUSED, before the first buffer: what a GstBaseSrc sends. */
static void
start_streaming (ComediaRtpSrc * self)
{
  ComediaRtpSrcPrivate *priv = self->priv;
  GstCaps *caps = gst_caps_fixate (output_caps (self, nullptr));
  priv->pads.start (caps, priv->dispatch.config ().rtcp_mux);
  gst_caps_unref (caps);
}

/* After EOS or a fatal error: the receive thread no longer serves this
 * element until it is restarted from READY. */
static void
stop_reading (ComediaRtpSrcPrivate * priv)
{
  priv->pads.set_stopped (true);
  priv->loop->set_active (priv, false);
}

/* Pushes what passed on the side's pad: src, or rtcp_src for muxed RTCP. */
static void
deliver (ComediaRtpSrcPrivate * priv, Side side)
{
  if (priv->pads.deliver (side, priv->dispatch.output (side)))
    stop_reading (priv);
}

/* Reads a batch from @socket, which is readable; returns how many
 * datagrams. */
static guint
receive_batch (ComediaRtpSrc * self, GSocket * socket)
{
  GError *err = nullptr;
  gint n = self->priv->engine.receive (socket, &err);
  if (G_UNLIKELY (n < 0)) {
    GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT,
        ("Could not get a buffer to receive into"), (nullptr));
    stop_reading (self->priv);
    return 0;
  }
  if (err) {
    /* ICMP errors for what the sink sent may surface here: not fatal. */
    GST_DEBUG_OBJECT (self, "receive error ignored: %s", err->message);
    g_clear_error (&err);
  }
  return n;
}

/* Runs the @n datagrams just read through the dispatch, packet by packet
 * and in order: what passes is in its outputs, for the src pad and (muxed
 * RTCP) the rtcp_src pad. */
static void
process_batch (ComediaRtpSrc * self, guint n, gint64 now, GstClockTime pts)
{
  ComediaRtpSrcPrivate *priv = self->priv;

  for (guint i = 0; i < n; i++) {
    gsize len;
    const PeerAddress *peer;
    GstBuffer *buf = priv->engine.take (i, len, peer);
    if (G_UNLIKELY (!buf))
      continue;
    GST_BUFFER_PTS (buf) = pts;
    comedia::PacketVerdict v = priv->dispatch.dispatch (*peer, buf, now);
    priv->latching.act_on_verdict (v, *peer, len, now);
  }
  priv->engine.consumed (n);
  priv->latching.count_batch (n);
}

/* One turn of the receiver, on the receive thread: what is due by time
 * (timeouts, held RTCP), then one batch if the socket is readable. */
gint64
ComediaRtpSrcPrivate::serve (gint64 now, bool readable)
{
  if (G_UNLIKELY (pads.stopped ()))
    return -1;

  latching.check_timeouts (now);
  latching.retry_waiting_rtcp (Side::MuxedRtcp, now);
  deliver (this, Side::MuxedRtcp);
  latching.retry_waiting_rtcp (Side::Own, now);
  deliver (this, Side::Own);

  guint n = readable ?
      receive_batch (self, latching.component (Side::Own)->socket ()) : 0;
  if (n > 0) {
    latching.refresh ();
    /* One arrival time for the batch: its datagrams were read together. */
    now = g_get_monotonic_time ();
    process_batch (self, n, now, pads.running_time ());
    deliver (this, Side::MuxedRtcp);
    deliver (this, Side::Own);
  }
  /* On a shared thread the pool is shared too: slots left over go back to
   * it for the next element rather than wait here for this one's next
   * packet. */
  engine.release_idle_slots ();

  /* After the packets already read, as a GstBaseSrc would. */
  if (G_UNLIKELY (eos_pending.exchange (false)) && !pads.stopped ()) {
    pads.push_eos ();
    stop_reading (this);
    return -1;
  }

  /* How long the next wait for a packet may last: bounded by the timeouts
   * to watch and held RTCP. */
  gint64 budget = dispatch.wait_us (now);
  return budget < 0 ? -1 : now + budget;
}

/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "rtpsrcsettings.h"

namespace comedia {

static const ComponentPropertyIds component_ids = {
  PROP_SESSION, PROP_STREAM, PROP_COMPONENT
};
static const PortRangePropertyIds port_range_ids = { PROP_MIN_PORT, PROP_MAX_PORT };

void
install_rtpsrc_properties (GObjectClass * gobject_class)
{
  comedia::install_component_properties (gobject_class, component_ids,
      "Name of the shared session.  Every comedia element with the same "
      "name shares its sockets and latched peers: a comedia-rtpsink with "
      "the same session, stream and component sends from this element's "
      "socket to the peer it latched",
      "Component within the stream, as ICE numbers them: 1 = RTP, "
      "2 = RTCP.  Decides which packets may latch: RTP (version 2, at "
      "least 12 bytes) or valid RTCP (a compound, or reduced-size RTCP "
      "as RFC 5506 allows)");
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
  install_port_range_properties (gobject_class, port_range_ids,
      "With port=0: the lowest UDP port to bind, for a firewall that opens a "
      "range.  Component 1 takes the even port of a free pair, component 2 "
      "the odd one above it; every socket of the session the element opens "
      "(sdp-negotiator's, comedia-rtpsink's) follows.  0 with max-port 0: "
      "any port.  No free pair is an error at NULL->READY",
      "With port=0: the highest UDP port to bind (see min-port)");
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
}

bool
set_rtpsrc_property (RtpSrcSettings & settings, guint prop_id,
    const GValue * value)
{
  if (set_component_property (settings, component_ids, prop_id, value)
      || set_port_range_property (settings, port_range_ids, prop_id, value)
      || settings.srtp.set (PROP_SRTP_SUITE, PROP_SRTP_KEY, prop_id, value))
    return true;
  switch (prop_id) {
    case PROP_ADDRESS:
      settings.address = g_value_get_string (value) ?
          g_value_get_string (value) : DEFAULT_ADDRESS;
      break;
    case PROP_PORT:
      settings.port = g_value_get_int (value);
      break;
    case PROP_CAPS:{
      const GstCaps *caps = gst_value_get_caps (value);
      gst_clear_caps (&settings.caps);
      settings.caps = caps ? gst_caps_copy (caps) : nullptr;
      break;
    }
    case PROP_RTCP_MUX:
      settings.rtcp_mux = g_value_get_boolean (value);
      break;
    case PROP_MTU:
      settings.mtu = g_value_get_uint (value);
      break;
    case PROP_PROBATION:
      settings.probation = g_value_get_uint (value);
      break;
    case PROP_PROBATION_TIME:
      settings.probation_time = g_value_get_uint (value);
      break;
    case PROP_ALLOWED_SOURCE:
      settings.allowed_source = g_value_get_string (value) ?
          g_value_get_string (value) : "";
      break;
    case PROP_RELATCH:
      settings.relatch = (ComediaRelatch) g_value_get_enum (value);
      break;
    case PROP_TIMEOUT:
      settings.timeout = g_value_get_uint (value);
      break;
    case PROP_RTCP_WITHOUT_RTP:
      settings.rtcp_without_rtp = g_value_get_boolean (value);
      break;
    case PROP_BATCH_SIZE:
      settings.batch_size = g_value_get_uint (value);
      break;
    case PROP_BUFFER_SIZE:
      settings.buffer_size = g_value_get_int (value);
      break;
    case PROP_KEEPALIVE_PAYLOAD_TYPE:
      settings.keepalive_pt = g_value_get_int (value);
      break;
    case PROP_RECEIVE_THREAD:{
      const gchar *name = g_value_get_string (value);
      settings.receive_thread = name ? name : "";
      break;
    }
    case PROP_RECEIVE_THREADS:
      settings.receive_threads = g_value_get_uint (value);
      break;
    case PROP_RECEIVE_COALESCE:
      settings.receive_coalesce = g_value_get_uint (value);
      break;
    default:
      return false;
  }
  return true;
}

bool
get_rtpsrc_property (const RtpSrcSettings & settings, guint prop_id,
    GValue * value)
{
  if (get_component_property (settings, component_ids, prop_id, value)
      || get_port_range_property (settings, port_range_ids, prop_id, value)
      || settings.srtp.get (PROP_SRTP_SUITE, PROP_SRTP_KEY, prop_id, value))
    return true;
  switch (prop_id) {
    case PROP_ADDRESS:
      g_value_set_string (value, settings.address.c_str ());
      break;
    case PROP_PORT:
      g_value_set_int (value, settings.port);
      break;
    case PROP_CAPS:
      gst_value_set_caps (value, settings.caps);
      break;
    case PROP_RTCP_MUX:
      g_value_set_boolean (value, settings.rtcp_mux);
      break;
    case PROP_MTU:
      g_value_set_uint (value, settings.mtu);
      break;
    case PROP_PROBATION:
      g_value_set_uint (value, settings.probation);
      break;
    case PROP_PROBATION_TIME:
      g_value_set_uint (value, settings.probation_time);
      break;
    case PROP_ALLOWED_SOURCE:
      g_value_set_string (value, settings.allowed_source.c_str ());
      break;
    case PROP_RELATCH:
      g_value_set_enum (value, settings.relatch);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, settings.timeout);
      break;
    case PROP_RTCP_WITHOUT_RTP:
      g_value_set_boolean (value, settings.rtcp_without_rtp);
      break;
    case PROP_BATCH_SIZE:
      g_value_set_uint (value, settings.batch_size);
      break;
    case PROP_BUFFER_SIZE:
      g_value_set_int (value, settings.buffer_size);
      break;
    case PROP_KEEPALIVE_PAYLOAD_TYPE:
      g_value_set_int (value, settings.keepalive_pt);
      break;
    case PROP_RECEIVE_THREAD:
      g_value_set_string (value, settings.receive_thread.c_str ());
      break;
    case PROP_RECEIVE_THREADS:
      g_value_set_uint (value, settings.receive_threads);
      break;
    case PROP_RECEIVE_COALESCE:
      g_value_set_uint (value, settings.receive_coalesce);
      break;
    default:
      return false;
  }
  return true;
}

}  // namespace comedia

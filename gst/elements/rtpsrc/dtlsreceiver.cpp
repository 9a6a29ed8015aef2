/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "dtlsreceiver.h"

#include "packetclass.h"

GST_DEBUG_CATEGORY_EXTERN (comedia_rtp_src_debug);
#define GST_CAT_DEFAULT comedia_rtp_src_debug

namespace comedia {

bool
DtlsReceiver::configure (const std::string & fingerprints, std::string & error)
{
  std::vector<Fingerprint> parsed;
  gchar **parts = g_strsplit (fingerprints.c_str (), ",", -1);
  for (gchar **p = parts; *p; p++) {
    std::string one = g_strstrip (*p);
    if (one.empty ())
      continue;
    std::string why;
    std::optional<Fingerprint> fp = parse_fingerprint (one, why);
    if (!fp) {
      error = "dtls-fingerprint \"" + one + "\": " + why;
      g_strfreev (parts);
      return false;
    }
    parsed.push_back (*fp);
  }
  g_strfreev (parts);
  expected_ = std::move (parsed);
  return true;
}

std::string
DtlsReceiver::local_fingerprint ()
{
  std::shared_ptr<const DtlsCertificate> cert = DtlsCertificate::process_default ();
  std::optional<Fingerprint> fp = cert ? cert->fingerprint ("sha-256") : std::nullopt;
  return fp ? write_fingerprint (*fp) : std::string ();
}

bool
DtlsReceiver::start (GstElement * element, Component * component, std::string & error)
{
  element_ = element;
  component_ = component;
  dropped_before_verified_ = 0;
  publish_counts ();
  std::shared_ptr<const DtlsCertificate> cert = DtlsCertificate::process_default (&error);
  if (!cert)
    return false;
  /* One context per element: transports made from it are cheap. */
  std::shared_ptr<DtlsContext> context = DtlsContext::create (cert, &error);
  if (!context)
    return false;
  table_.reset (new DtlsCandidateTable (context, expected_));
  return true;
}

void
DtlsReceiver::stop ()
{
  table_.reset ();
  component_ = nullptr;
}

void
DtlsReceiver::send (const DtlsCandidateResult & result)
{
  GSocket *socket = component_ ? component_->slot.socket () : nullptr;
  if (!socket)
    return;
  for (const AddressedDatagram & d : result.send) {
    GSocketAddress *to = gsocket_address_from_peer (d.to);
    if (!to)
      continue;
    GError *err = nullptr;
    /* From the component's own socket: the peer's NAT mapping is to it. */
    if (g_socket_send_to (socket, to, reinterpret_cast<const gchar *> (d.data.data ()),
            d.data.size (), nullptr, &err) < 0) {
      GST_DEBUG_OBJECT (element_, "DTLS datagram to %s not sent: %s",
          d.to.to_string ().c_str (), err->message);
      g_clear_error (&err);
    }
    g_object_unref (to);
  }
  /* Counted before the bus hears of it. */
  publish_counts ();
  for (const DtlsCandidateEvent & e : result.events)
    on_event (e);
}

void
DtlsReceiver::publish_counts ()
{
  DtlsCandidateStats st = table_ ? table_->stats () : DtlsCandidateStats ();
  received_.store (st.datagrams_received, std::memory_order_relaxed);
  candidates_.store (st.candidates_started, std::memory_order_relaxed);
  failed_.store (st.candidates_failed, std::memory_order_relaxed);
  dropped_.store (st.dropped_table_full + st.dropped_rate + st.dropped_bad_cookie
      + st.dropped_not_client_hello + st.dropped_after_verified, std::memory_order_relaxed);
  dropped_media_.store (dropped_before_verified_, std::memory_order_relaxed);
}

DtlsReceiver::Counts
DtlsReceiver::counts () const
{
  return {received_.load (std::memory_order_relaxed), candidates_.load (std::memory_order_relaxed),
    failed_.load (std::memory_order_relaxed), dropped_.load (std::memory_order_relaxed),
    dropped_media_.load (std::memory_order_relaxed)};
}

void
DtlsReceiver::on_event (const DtlsCandidateEvent & e)
{
  GstStructure *s = gst_structure_new ("comedia-dtls",
      "state", G_TYPE_STRING, dtls_candidate_event_name (e.kind),
      "stream", G_TYPE_UINT, component_->stream,
      "component", G_TYPE_UINT, component_->component,
      "address", G_TYPE_STRING, e.address.ip_string ().c_str (),
      "port", G_TYPE_INT, int (e.address.port), nullptr);
  if (e.kind == DtlsCandidateEvent::Kind::Verified) {
    gst_structure_set (s, "suite", G_TYPE_STRING, srtp_suite_info (e.suite).name,
        "peer-fingerprint", G_TYPE_STRING,
        e.peer_fingerprint ? write_fingerprint (*e.peer_fingerprint).c_str () : "", nullptr);
    GST_INFO_OBJECT (element_, "stream %u component %u: DTLS verified with %s (%s)",
        component_->stream, component_->component, e.address.to_string ().c_str (),
        srtp_suite_info (e.suite).name);
    /* Only the verified source may latch, and it authenticates with the
     * handshake's key; comedia-rtpsink protects with the other one. */
    component_->receive_terms.set_inbound_srtp (e.inbound_key);
    component_->receive_terms.set_allowed_source (e.address.ip_string (), e.address);
    std::string error;
    if (!component_->srtp_out.set_key (e.outbound_key, false, &error))
      GST_ELEMENT_WARNING (element_, STREAM, FAILED,
          ("The DTLS-SRTP key for sending cannot be used"), ("%s", error.c_str ()));
  } else {
    gst_structure_set (s, "reason", G_TYPE_STRING, e.reason.c_str (), nullptr);
    GST_WARNING_OBJECT (element_, "stream %u component %u: DTLS with %s %s: %s",
        component_->stream, component_->component, e.address.to_string ().c_str (),
        dtls_candidate_event_name (e.kind), e.reason.c_str ());
  }
  gst_element_post_message (element_, gst_message_new_element (GST_OBJECT (element_), s));
}

bool
DtlsReceiver::intercept (const PeerAddress & from, GstBuffer * buf, gint64 now)
{
  if (!table_)
    return false;
  GstMapInfo map;
  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return false;
  DatagramClass kind = classify_datagram (map.data, map.size);
  bool consumed = true;
  if (kind == DatagramClass::Dtls)
    send (table_->feed (from, map.data, map.size, now));
  else if (kind == DatagramClass::RtpRtcp && !table_->verified ())
    dropped_media_.store (++dropped_before_verified_, std::memory_order_relaxed);
  else
    consumed = false;
  gst_buffer_unmap (buf, &map);
  return consumed;
}

gint64
DtlsReceiver::serve_timers (gint64 now)
{
  if (!table_)
    return -1;
  std::optional<gint64> when = table_->next_timeout ();
  if (when && now >= *when) {
    send (table_->handle_timeouts (now));
    when = table_->next_timeout ();
  }
  return when ? *when : -1;
}

}  // namespace comedia

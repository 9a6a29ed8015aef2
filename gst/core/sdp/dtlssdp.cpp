/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "dtlssdp.h"

#include <glib.h>

#include <cstring>

namespace comedia {

namespace {

struct HashInfo {
  const char *name;
  size_t digest_len;
};

/* RFC 8122 section 5 allows the hash functions of the certificate's
 * signature; these are the ones browsers and SIP stacks send (md5 and
 * md2 are obsolete and refused). */
constexpr HashInfo kHashes[] = {
  {"sha-1", 20}, {"sha-224", 28}, {"sha-256", 32}, {"sha-384", 48}, {"sha-512", 64},
};

const HashInfo *
hash_by_name (const std::string & name)
{
  for (const HashInfo & h : kHashes)
    if (g_ascii_strcasecmp (name.c_str (), h.name) == 0)
      return &h;
  return nullptr;
}

}  // namespace

bool
fingerprint_hash_supported (const std::string & hash, size_t * digest_len)
{
  const HashInfo *h = hash_by_name (hash);
  if (h && digest_len)
    *digest_len = h->digest_len;
  return h != nullptr;
}

std::optional<Fingerprint>
parse_fingerprint (const std::string & value, std::string & why)
{
  gchar **words = g_strsplit_set (value.c_str (), " \t", -1);
  std::vector<std::string> w;
  for (gchar **p = words; *p; p++)
    if (**p)
      w.push_back (*p);
  g_strfreev (words);
  if (w.size () != 2) {
    why = "not <hash-func> <fingerprint>";
    return std::nullopt;
  }
  const HashInfo *h = hash_by_name (w[0]);
  if (!h) {
    why = "hash function " + w[0] + " is not sha-1, sha-224, sha-256, sha-384 or sha-512";
    return std::nullopt;
  }
  Fingerprint fp;
  fp.hash = h->name;
  const std::string & hex = w[1];
  /* Pairs of hex digits separated by colons (RFC 8122 section 5). */
  for (size_t i = 0; i < hex.size (); i += 3) {
    if (i + 2 > hex.size () || !g_ascii_isxdigit (hex[i]) || !g_ascii_isxdigit (hex[i + 1])
        || (i + 2 < hex.size () && (hex[i + 2] != ':' || i + 3 == hex.size ()))) {
      why = "fingerprint is not colon-separated pairs of hex digits";
      return std::nullopt;
    }
    fp.digest.push_back (uint8_t (g_ascii_xdigit_value (hex[i]) << 4
            | g_ascii_xdigit_value (hex[i + 1])));
  }
  if (fp.digest.size () != h->digest_len) {
    why = std::string (h->name) + " fingerprint of " + std::to_string (fp.digest.size ())
        + " bytes, needs " + std::to_string (h->digest_len);
    return std::nullopt;
  }
  return fp;
}

std::string
write_fingerprint (const Fingerprint & fp)
{
  std::string out = fp.hash + " ";
  static const char digits[] = "0123456789ABCDEF";
  for (size_t i = 0; i < fp.digest.size (); i++) {
    if (i)
      out += ':';
    out += digits[fp.digest[i] >> 4];
    out += digits[fp.digest[i] & 15];
  }
  return out;
}

std::optional<DtlsSetup>
parse_setup (const std::string & value)
{
  static const struct {
    const char *name;
    DtlsSetup setup;
  } names[] = {
    {"active", DtlsSetup::Active}, {"passive", DtlsSetup::Passive},
    {"actpass", DtlsSetup::ActPass}, {"holdconn", DtlsSetup::HoldConn},
  };
  std::string v = value;
  while (!v.empty () && g_ascii_isspace (v.back ()))
    v.pop_back ();
  for (const auto & n : names)
    if (g_ascii_strcasecmp (v.c_str (), n.name) == 0)
      return n.setup;
  return std::nullopt;
}

const char *
setup_name (DtlsSetup setup)
{
  switch (setup) {
    case DtlsSetup::Active: return "active";
    case DtlsSetup::Passive: return "passive";
    case DtlsSetup::ActPass: return "actpass";
    case DtlsSetup::HoldConn: return "holdconn";
  }
  return "?";
}

/* The values of attribute @key of the m-line, or of the session when the
 * m-line has none (RFC 8122 section 5 and RFC 4145 allow both levels). */
static std::vector<std::string>
values_of (const GstSDPMessage * msg, const GstSDPMedia * media, const char *key)
{
  std::vector<std::string> out;
  const gchar *v;
  for (guint i = 0; (v = gst_sdp_media_get_attribute_val_n (media, key, i)); i++)
    out.push_back (v);
  if (out.empty ())
    for (guint i = 0; (v = gst_sdp_message_get_attribute_val_n (msg, key, i)); i++)
      out.push_back (v);
  return out;
}

DtlsTerms
read_dtls (const GstSDPMessage * msg, guint media_index)
{
  DtlsTerms terms;
  if (media_index >= gst_sdp_message_medias_len (msg))
    return terms;
  const GstSDPMedia *media = gst_sdp_message_get_media (msg, media_index);
  for (const std::string & v : values_of (msg, media, "fingerprint")) {
    std::string why;
    if (std::optional<Fingerprint> fp = parse_fingerprint (v, why))
      terms.fingerprints.push_back (*fp);
    else
      terms.skipped.push_back ("a=fingerprint:" + v.substr (0, 24) + ": " + why);
  }
  std::vector<std::string> setup = values_of (msg, media, "setup");
  if (!setup.empty ()) {
    terms.setup = parse_setup (setup[0]);
    if (!terms.setup)
      terms.skipped.push_back ("a=setup:" + setup[0].substr (0, 24)
          + ": not active, passive, actpass or holdconn");
  }
  std::vector<std::string> tls_id = values_of (msg, media, "tls-id");
  if (!tls_id.empty ())
    terms.tls_id = tls_id[0];
  return terms;
}

bool
is_dtls_protocol (const std::string & protocol)
{
  return g_ascii_strcasecmp (protocol.c_str (), "UDP/TLS/RTP/SAVP") == 0
      || g_ascii_strcasecmp (protocol.c_str (), "UDP/TLS/RTP/SAVPF") == 0;
}

bool
offers_dtls_srtp (const std::string & protocol, const DtlsTerms & terms)
{
  if (is_dtls_protocol (protocol))
    return true;
  /* Case-insensitive, as is_dtls_protocol: "rtp/savp" is no less SRTP. */
  bool savp = g_ascii_strcasecmp (protocol.c_str (), "RTP/SAVP") == 0
      || g_ascii_strcasecmp (protocol.c_str (), "RTP/SAVPF") == 0;
  return savp && terms.has_fingerprint ();
}

DtlsRoleChoice
answer_dtls_role (std::optional<DtlsSetup> offered, DtlsSetup on_actpass)
{
  DtlsRoleChoice c;
  /* RFC 4145 section 4: an offer without a=setup is active. */
  DtlsSetup o = offered.value_or (DtlsSetup::Active);
  switch (o) {
    case DtlsSetup::Active:
      c.answer = DtlsSetup::Passive;
      c.role = DtlsRole::Server;
      break;
    case DtlsSetup::Passive:
      c.answer = DtlsSetup::Active;
      c.role = DtlsRole::Client;
      break;
    case DtlsSetup::ActPass:
      if (on_actpass != DtlsSetup::Active && on_actpass != DtlsSetup::Passive) {
        c.note = std::string ("an actpass offer is answered active or passive, not ")
            + setup_name (on_actpass);
        return c;
      }
      c.answer = on_actpass;
      c.role = on_actpass == DtlsSetup::Active ? DtlsRole::Client : DtlsRole::Server;
      break;
    case DtlsSetup::HoldConn:
      c.answer = DtlsSetup::HoldConn;
      c.connect = false;
      break;
  }
  return c;
}

DtlsRoleChoice
offerer_dtls_role (DtlsSetup offered, std::optional<DtlsSetup> answered)
{
  DtlsRoleChoice c;
  DtlsSetup a = answered.value_or (DtlsSetup::Active);
  c.answer = a;
  if (a == DtlsSetup::HoldConn) {
    c.connect = false;
    return c;
  }
  bool fits = (a == DtlsSetup::Active && offered != DtlsSetup::Active)
      || (a == DtlsSetup::Passive && offered != DtlsSetup::Passive);
  if (!fits || offered == DtlsSetup::HoldConn) {
    c.answer.reset ();
    c.note = std::string ("the answer's a=setup:") + setup_name (a)
        + " does not fit our a=setup:" + setup_name (offered)
        + (a == DtlsSetup::ActPass ? " (an answer must not be actpass)" : "");
    return c;
  }
  /* The answerer is active: it sends the ClientHello, we serve. */
  c.role = a == DtlsSetup::Active ? DtlsRole::Server : DtlsRole::Client;
  return c;
}

bool
dtls_needs_new_association (const DtlsTerms & before, const DtlsTerms & now)
{
  if (!now.tls_id.empty () || !before.tls_id.empty ())
    return now.tls_id != before.tls_id;
  return now.fingerprints != before.fingerprints;
}

void
add_dtls (GstSDPMedia * media, const Fingerprint & ours, DtlsSetup setup,
    const std::string & tls_id)
{
  gst_sdp_media_add_attribute (media, "fingerprint", write_fingerprint (ours).c_str ());
  gst_sdp_media_add_attribute (media, "setup", setup_name (setup));
  if (!tls_id.empty ())
    gst_sdp_media_add_attribute (media, "tls-id", tls_id.c_str ());
}

}  // namespace comedia

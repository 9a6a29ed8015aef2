/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "sdpdocument.h"
#include "icesdp.h"
#include "mediatransport.h"

#include <cstdarg>
#include <cstring>

namespace comedia {

std::string
string_printf (const char *fmt, ...)
{
  va_list args;
  va_start (args, fmt);
  gchar *s = g_strdup_vprintf (fmt, args);
  va_end (args);
  std::string out (s);
  g_free (s);
  return out;
}

namespace {

/* Dynamic RTP payload types (RFC 3551) must be mapped by a=rtpmap. */
constexpr guint FIRST_DYNAMIC_PT = 96;
/* How much of an offending line an error message quotes. */
constexpr gsize QUOTE_MAX = 60;

/* A line as an error shows it: quoted, shortened, control bytes escaped. */
std::string
quote (const char *data, gsize len)
{
  std::string out = "'";
  for (gsize i = 0; i < len && i < QUOTE_MAX; i++) {
    unsigned char c = data[i];
    if (c < 0x20 || c == 0x7f) {
      char esc[8];
      g_snprintf (esc, sizeof esc, "\\x%02x", c);
      out += esc;
    } else {
      out += (char) c;
    }
  }
  if (len > QUOTE_MAX)
    out += "...";
  return out + "'";
}

std::string
quote (const std::string & s)
{
  return quote (s.data (), s.size ());
}

/* What a message that does not start as SDP is, for its error: people
 * point curl, browsers, SIP phones and TLS clients at the negotiator's
 * port.  A hint in words, not a parse: "" when nothing is recognised. */
std::string
foreign_protocol (const char *text, gsize size)
{
  const guchar *u = (const guchar *) text;
  if (size >= 3 && u[0] == 0x16 && u[1] == 0x03)
    return "a TLS handshake (ClientHello): the byte stream carries bare SDP, not TLS";
  const char *nl = (const char *) memchr (text, '\n', size);
  std::string line (text, nl ? (gsize) (nl - text) : size);
  if (!line.empty () && line.back () == '\r')
    line.pop_back ();
  gsize space = line.find (' ');
  bool method = space != std::string::npos && space > 0;
  for (gsize i = 0; method && i < space; i++)
    method = g_ascii_isupper (line[i]);
  if (g_str_has_prefix (line.c_str (), "HTTP/"))
    return "an HTTP response: the byte stream carries bare SDP, not HTTP";
  if (method && line.find (" HTTP/") != std::string::npos)
    return "an HTTP request: the byte stream carries bare SDP, not HTTP";
  if (g_str_has_prefix (line.c_str (), "SIP/2.0 ")
      || (method && g_str_has_suffix (line.c_str (), " SIP/2.0")))
    return "a SIP message: give the negotiator its SDP body only";
  if (g_str_has_prefix (line.c_str (), "SSH-"))
    return "an SSH client";
  if (!line.empty () && (line[0] == '{' || line[0] == '['))
    return "JSON: give the negotiator the SDP text itself (a WebRTC description's "
        "'sdp' field)";
  for (gsize i = 0; i < size && i < 16; i++)
    if ((u[i] < 0x20 && !g_ascii_isspace (u[i])) || u[i] >= 0x7f)
      return "binary data";
  return "";
}

/* @message, followed by what the text is when it is another protocol. */
std::string
naming_foreign (std::string message, const char *text, gsize size)
{
  std::string what = foreign_protocol (text, size);
  return what.empty () ? message : message + " (" + what + ")";
}

}  // namespace

bool
SdpError::set (std::string msg, guint at_line)
{
  message = std::move (msg);
  line = at_line;
  local = false;
  return false;
}

bool
SdpError::set_local (std::string msg, guint at_line)
{
  set (std::move (msg), at_line);
  local = true;
  return false;
}

bool
media_has_attribute (const GstSDPMedia * media, const char *key)
{
  return gst_sdp_media_get_attribute_val (media, key) != nullptr;
}

const char *
addrtype_of (const std::string & address)
{
  return address.find (':') != std::string::npos ? "IP6" : "IP4";
}

guint64
fresh_session_id ()
{
  return ((guint64) g_random_int () << 30) ^ g_random_int ();
}

void
set_origin (GstSDPMessage * msg, guint64 id, const std::string & address)
{
  gchar *ids = g_strdup_printf ("%" G_GUINT64_FORMAT, id);
  gst_sdp_message_set_origin (msg, "-", ids, ids, "IN", addrtype_of (address),
      address.c_str ());
  g_free (ids);
}

void
add_connection (GstSDPMedia * media, const std::string & address)
{
  gst_sdp_media_add_connection (media, "IN", addrtype_of (address),
      address.c_str (), 0, 0);
}

SdpMessagePtr
sdp_message_copy (const GstSDPMessage * msg)
{
  GstSDPMessage *copy = nullptr;
  gst_sdp_message_copy (msg, &copy);
  return SdpMessagePtr (copy);
}

std::string
sdp_message_to_text (const GstSDPMessage * msg)
{
  gchar *text = gst_sdp_message_as_text (msg);
  std::string out (text ? text : "");
  g_free (text);
  return out;
}

SdpMessagePtr
sdp_message_new ()
{
  GstSDPMessage *msg = nullptr;
  gst_sdp_message_new (&msg);
  return SdpMessagePtr (msg);
}

SdpMediaPtr
sdp_media_new ()
{
  GstSDPMedia *media = nullptr;
  gst_sdp_media_new (&media);
  return SdpMediaPtr (media);
}

/* ---- SdpDocument ------------------------------------------------------ */

bool
SdpDocument::parse (const char *text, gsize size, SdpDocument & out,
    SdpError & err, gsize max_size, bool at_eos)
{
  out = SdpDocument ();
  if (size > max_size)
    return err.set (string_printf ("the SDP message is %" G_GSIZE_FORMAT " bytes, more than "
            "the limit of %" G_GSIZE_FORMAT ": not an SDP message?", size, max_size));

  SdpDocument doc;
  doc.has_text_ = true;
  bool seen_version = false;
  guint number = 0;
  gsize pos = 0;
  guint blank_line = 0;         /* first blank line after the content */

  while (pos < size) {
    const char *start = text + pos;
    const char *nl = (const char *) memchr (start, '\n', size - pos);
    gsize len = nl ? (gsize) (nl - start) : size - pos;
    number++;
    pos += len + (nl ? 1 : 0);
    if (len > 0 && start[len - 1] == '\r')
      len--;

    for (gsize i = 0; i < len; i++) {
      unsigned char c = start[i];
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return err.set (naming_foreign (string_printf ("line %u contains the byte 0x%02x: "
                    "not SDP text", number, c), text, number == 1 ? size : 0), number);
    }
    if (len == 0) {
      /* Blank lines may surround a message (they frame it on a stream),
       * never split it. */
      if (seen_version && blank_line == 0)
        blank_line = number;
      continue;
    }
    if (blank_line != 0)
      return err.set (string_printf ("line %u is empty but more SDP follows it on line %u: "
              "SDP has no empty lines", blank_line, number), blank_line);
    if (!seen_version) {
      if (!(len == 3 && memcmp (start, "v=0", 3) == 0))
        return err.set (naming_foreign (string_printf ("line %u: an SDP message starts "
                    "with v=0, found %s", number, quote (start, len).c_str ()),
                text, number == 1 ? size : 0), number);
      seen_version = true;
    } else if (len >= 2 && start[0] == 'v' && start[1] == '=') {
      /* Two messages sent without the empty line between them; merged,
       * they would be one offer with the m-lines of both. */
      return err.set (string_printf ("line %u: a second v= line inside one message: SDP "
              "messages are separated by an empty line", number), number);
    } else if (len < 2 || !g_ascii_islower (start[0]) || start[1] != '=') {
      return err.set (string_printf ("line %u: %s is not an SDP line (<letter>=<value>)",
              number, quote (start, len).c_str ()), number);
    }
    if (!nl && !at_eos)
      return err.set (string_printf ("line %u (%s) has no end of line: the message is "
              "truncated", number, quote (start, len).c_str ()), number);

    std::string line (start, len);
    if (line[0] == 'm') {
      gchar **fields = g_strsplit (line.c_str () + 2, " ", -1);
      guint n = g_strv_length (fields);
      guint port;
      bool port_ok = n >= 2 && parse_sdp_port (fields[1], port);
      std::string port_text = n >= 2 ? fields[1] : "";
      g_strfreev (fields);
      if (n < 4)
        return err.set (string_printf ("line %u: %s needs a media, a port, a protocol and "
                "at least one format (truncated?)", number, quote (line).c_str ()), number);
      if (!port_ok)
        return err.set (string_printf ("line %u: m= port %s is not a number from 0 to 65535",
                number, quote (port_text).c_str ()), number);
      doc.media_lines_.emplace_back ();
    }
    if (doc.media_lines_.empty ())
      doc.session_lines_.push_back ({number, line});
    else
      doc.media_lines_.back ().push_back ({number, line});
  }
  if (!seen_version)
    return err.set (number == 0 ? "the SDP message is empty"
        : "the SDP message is blank: no v=0 line");

  doc.msg_ = sdp_message_new ();
  GstSDPMessage *msg = doc.msg_.get ();
  if (gst_sdp_message_parse_buffer ((const guint8 *) text, size, msg) != GST_SDP_OK)
    return err.set ("GstSDPMessage could not parse the SDP message");
  if (gst_sdp_message_medias_len (msg) != doc.media_lines_.size ())
    return err.set (string_printf ("GstSDPMessage found %u m-lines, the text has %u",
            gst_sdp_message_medias_len (msg), (guint) doc.media_lines_.size ()));
  /* GStreamer 1.22's parser skips t= lines (and as_text() then writes
   * t=0 0); keep the real ones so an answer can repeat them (RFC 3264 6). */
  if (gst_sdp_message_times_len (msg) == 0) {
    for (const Line & l : doc.session_lines_) {
      if (l.text[0] != 't')
        continue;
      gchar **times = g_strsplit (l.text.c_str () + 2, " ", -1);
      guint n = g_strv_length (times);
      if (n == 2)
        gst_sdp_message_add_time (msg, times[0], times[1], nullptr);
      g_strfreev (times);
      if (n != 2)
        return err.set (string_printf ("line %u: t= needs a start and a stop time, found %s",
                l.number, quote (l.text).c_str ()), l.number);
    }
  }
  if (!validate_sdp (doc, err))
    return false;
  doc.skip_unusable_candidates ();
  out = std::move (doc);
  return true;
}

bool
SdpDocument::from_message (const GstSDPMessage * msg, SdpDocument & out,
    SdpError & err)
{
  out = SdpDocument ();
  if (msg == nullptr)
    return err.set ("no SDP message given");
  SdpDocument doc;
  doc.msg_ = sdp_message_copy (msg);
  if (!validate_sdp (doc, err))
    return false;
  doc.skip_unusable_candidates ();
  out = std::move (doc);
  return true;
}

void
SdpDocument::skip_unusable_candidates ()
{
  GstSDPMessage *msg = msg_.get ();
  for (guint i = 0; i < gst_sdp_message_medias_len (msg); i++) {
    GstSDPMedia *m = (GstSDPMedia *) gst_sdp_message_get_media (msg, i);
    for (guint a = 0; a < gst_sdp_media_attributes_len (m);) {
      const GstSDPAttribute *attr = gst_sdp_media_get_attribute (m, a);
      std::string reason;
      if (g_strcmp0 (attr->key, "candidate") != 0
          || (reason = unusable_candidate_reason (attr->value ? attr->value : "")).empty ()) {
        a++;
        continue;
      }
      std::string text = std::string ("a=candidate:") + (attr->value ? attr->value : "");
      guint line = 0;
      if (i < media_lines_.size ())
        for (const Line & l : media_lines_[i])
          if (l.text == text)
            line = l.number;
      std::string where = line ? string_printf ("line %u", line) : where_media (i);
      std::string note = where + ": " + text + " skipped: " + reason;
      MdnsCandidate mdns;
      bool resolvable = mdns_candidate (attr->value ? attr->value : "", mdns);
      if (resolvable) {
        mdns.media_index = i;
        mdns.note = note;
        mdns_candidates_.push_back (std::move (mdns));
      } else {
        skipped_candidates_.push_back (note);
      }
      notes_.emplace_back (note, resolvable);
      gst_sdp_media_remove_attribute (m, a);
    }
  }
}

std::vector<std::string>
SdpDocument::skip_notes (bool resolving_mdns) const
{
  std::vector<std::string> out;
  for (const auto & [note, mdns] : notes_)
    if (!mdns || !resolving_mdns)
      out.push_back (note);
  return out;
}

guint
SdpDocument::media_line (guint media_index) const
{
  if (media_index < media_lines_.size ())
    return media_lines_[media_index][0].number;
  return 0;
}

std::string
SdpDocument::where_media (guint media_index) const
{
  if (media_index < media_lines_.size ()) {
    const Line & l = media_lines_[media_index][0];
    return string_printf ("line %u (%s)", l.number, l.text.c_str ());
  }
  const char *media = msg_ && media_index < gst_sdp_message_medias_len (msg_.get ())
      ? gst_sdp_message_get_media (msg_.get (), media_index)->media : nullptr;
  return string_printf ("m-line %u (%s)", media_index + 1, media ? media : "?");
}

guint
SdpDocument::attribute_line (gint media_index, const char *key) const
{
  const std::vector<Line> *lines = nullptr;
  if (media_index < 0)
    lines = &session_lines_;
  else if ((guint) media_index < media_lines_.size ())
    lines = &media_lines_[media_index];
  if (lines == nullptr)
    return 0;
  std::string prefix = std::string ("a=") + key;
  for (const Line & l : *lines) {
    if (g_str_has_prefix (l.text.c_str (), prefix.c_str ())) {
      char next = l.text[prefix.size ()];
      if (next == '\0' || next == ':')
        return l.number;
    }
  }
  return 0;
}

std::string
SdpDocument::where_attribute (gint media_index, const char *key) const
{
  guint line = attribute_line (media_index, key);
  if (line != 0)
    return string_printf ("line %u", line);
  if (media_index < 0)
    return string_printf ("session-level a=%s", key);
  return string_printf ("a=%s of %s", key, where_media (media_index).c_str ());
}

guint
SdpDocument::session_line (char type) const
{
  for (const Line & l : session_lines_)
    if (l.text[0] == type)
      return l.number;
  return 0;
}

std::string
SdpDocument::where_line (char type) const
{
  guint line = session_line (type);
  if (line != 0)
    return string_printf ("line %u", line);
  return string_printf ("the %c= line", type);
}

/* ---- validation ------------------------------------------------------- */

namespace {

bool
check_direction_value (const SdpDocument & doc, const char *value, gint media_index,
    SdpError & err)
{
  if (value == nullptr)
    return true;
  if (g_str_equal (value, "active") || g_str_equal (value, "passive")
      || g_str_equal (value, "both"))
    return true;
  return err.set (string_printf ("%s: a=direction:%s is not active, passive or both",
          doc.where_attribute (media_index, "direction").c_str (), value),
      doc.attribute_line (media_index, "direction"));
}

bool
check_rtcp_value (const SdpDocument & doc, const char *value, gint media_index,
    SdpError & err)
{
  guint port;
  if (value == nullptr || parse_sdp_port (value, port))
    return true;
  return err.set (string_printf ("%s: a=rtcp:%s does not start with a port from 0 to 65535",
          doc.where_attribute (media_index, "rtcp").c_str (), value),
      doc.attribute_line (media_index, "rtcp"));
}

/* The ICE attributes of media @media_index: both credentials (media level,
 * else session level) of RFC 5245 15.4 lengths.  Candidates are looked at
 * by SdpDocument::skip_unusable_candidates(). */
bool
check_ice_attributes (const SdpDocument & doc, guint media_index, SdpError & err)
{
  const GstSDPMessage *msg = doc.message ();
  const GstSDPMedia *m = gst_sdp_message_get_media (msg, media_index);
  if (!has_ice_attributes (msg, media_index))
    return true;
  /* The line of @key: media level if the media has it, else session level. */
  auto level_of = [m, media_index] (const char *key) {
    return gst_sdp_media_get_attribute_val (m, key) ? (gint) media_index : -1;
  };

  const char *ufrag = ice_attribute (msg, media_index, "ice-ufrag");
  const char *pwd = ice_attribute (msg, media_index, "ice-pwd");
  if (ufrag == nullptr || pwd == nullptr) {
    const char *has = ufrag ? "ice-ufrag" : pwd ? "ice-pwd" : "candidate";
    const char *lacks = ufrag ? "a=ice-pwd" : pwd ? "a=ice-ufrag" : "a=ice-ufrag and a=ice-pwd";
    gint level = level_of (has);
    return err.set (string_printf ("%s: the media of %s has a=%s but no %s (ICE "
            "needs both credentials)", doc.where_attribute (level, has).c_str (),
            doc.where_media (media_index).c_str (), has, lacks),
        doc.attribute_line (level, has));
  }
  struct Check {
    const char *key, *value;
    gsize min;
  };
  for (const Check & c : {Check {"ice-ufrag", ufrag, ICE_UFRAG_MIN}, Check {"ice-pwd", pwd,
              ICE_PWD_MIN}}) {
    gsize len = strlen (c.value);
    if (len < c.min || len > ICE_CHARS_MAX) {
      gint level = level_of (c.key);
      return err.set (string_printf ("%s: a=%s is %" G_GSIZE_FORMAT " characters long, "
              "RFC 5245 asks for %" G_GSIZE_FORMAT " to %" G_GSIZE_FORMAT,
              doc.where_attribute (level, c.key).c_str (), c.key, len, c.min,
              ICE_CHARS_MAX), doc.attribute_line (level, c.key));
    }
  }
  return true;
}

}  // namespace

bool
validate_sdp (const SdpDocument & doc, SdpError & err)
{
  const GstSDPMessage *msg = doc.message ();
  const GstSDPOrigin *o = gst_sdp_message_get_origin (msg);
  auto blank = [] (const char *v) { return v == nullptr || v[0] == '\0'; };
  if (blank (o->addr) || blank (o->sess_id) || blank (o->sess_version)
      || blank (o->nettype) || blank (o->addrtype)) {
    if (doc.session_line ('o') == 0 && o->username == nullptr)
      return err.set ("the SDP message has no o= line (truncated?)");
    return err.set (string_printf ("%s: the o= line needs 6 fields (username, session id, "
            "version, network type, address type, address)",
            doc.where_line ('o').c_str ()), doc.session_line ('o'));
  }
  if (gst_sdp_message_get_session_name (msg) == nullptr)
    return err.set ("the SDP message has no s= line (truncated?)");
  /* A message handed over as GstSDPMessage may have lost its t= to the
   * parser; as_text() writes t=0 0 for it. */
  if (doc.has_text () && gst_sdp_message_times_len (msg) == 0)
    return err.set ("the SDP message has no t= line (truncated?)");
  if (!check_direction_value (doc, gst_sdp_message_get_attribute_val (msg, "direction"),
          -1, err))
    return false;

  for (guint i = 0; i < gst_sdp_message_medias_len (msg); i++) {
    const GstSDPMedia *m = gst_sdp_message_get_media (msg, i);
    std::string where = doc.where_media (i);
    guint line = doc.media_line (i);
    if (m->media == nullptr || m->media[0] == '\0')
      return err.set (where + ": the m-line has no media type", line);
    if (m->port > G_MAXUINT16)
      return err.set (string_printf ("%s: port %u is not a number from 0 to 65535",
              where.c_str (), m->port), line);
    if (m->proto == nullptr || m->proto[0] == '\0')
      return err.set (where + ": the m-line has no protocol", line);
    if (gst_sdp_media_formats_len (m) == 0)
      return err.set (where + ": the m-line has no format", line);
    if (g_str_has_prefix (m->proto, "RTP/")) {
      for (guint f = 0; f < gst_sdp_media_formats_len (m); f++) {
        const char *pt = gst_sdp_media_get_format (m, f);
        guint64 n;
        if (!g_ascii_string_to_unsigned (pt, 10, 0, 127, &n, nullptr))
          return err.set (string_printf ("%s: format '%s' is not an RTP payload type (0-127)",
                  where.c_str (), pt), line);
        if (n >= FIRST_DYNAMIC_PT && m->port != 0) {
          std::string prefix = std::string (pt) + " ";
          bool mapped = false;
          for (guint a = 0;; a++) {
            const char *v = gst_sdp_media_get_attribute_val_n (m, "rtpmap", a);
            if (v == nullptr)
              break;
            if (g_str_has_prefix (v, prefix.c_str ()))
              mapped = true;
          }
          if (!mapped)
            return err.set (string_printf ("%s: dynamic payload type %s has no a=rtpmap:%s "
                    "(truncated?)", where.c_str (), pt, pt), line);
        }
      }
    }
    if (!check_direction_value (doc, gst_sdp_media_get_attribute_val (m, "direction"),
            i, err))
      return false;
    if (!check_rtcp_value (doc, gst_sdp_media_get_attribute_val (m, "rtcp"), i, err))
      return false;
    if (!check_ice_attributes (doc, i, err))
      return false;
  }
  return true;
}

}  // namespace comedia

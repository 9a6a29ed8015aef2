/* What gst-inspect-1.0 shows a newcomer: every element of the plugin has a
 * real description and example-bearing docs, every property of ours has a
 * blurb that says more than its name, and every enum value is explained.
 * Checked through the registry, so it covers elements added later too.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include <string>
#include <vector>

/* Every problem found, so that one run lists them all. */
static std::vector<std::string> problems;

static void G_GNUC_PRINTF (2, 3)
expect (bool ok, const char *format, ...)
{
  if (ok)
    return;
  va_list args;
  va_start (args, format);
  gchar *text = g_strdup_vprintf (format, args);
  va_end (args);
  problems.push_back (text);
  g_free (text);
}

/* @text folded for comparison: lower case, '-', '_' and ' ' dropped, so
 * "Latched address" is recognised as the name latched-address. */
static std::string
folded (const char *text)
{
  std::string out;
  for (const char *p = text; *p; p++)
    if (*p != '-' && *p != '_' && *p != ' ')
      out += g_ascii_tolower (*p);
  return out;
}

/* Says something beyond @name: long enough, and not @name (or @nick)
 * written another way. */
static bool
says_more_than_name (const char *text, const char *name, gsize min_len,
    const char *nick = nullptr)
{
  if (!text || strlen (text) < min_len)
    return false;
  std::string t = folded (text);
  if (t == folded (name))
    return false;
  return !nick || t != folded (nick);
}

static void
check_enum (GType type, const char *where)
{
  if (G_TYPE_IS_FLAGS (type)) {
    GFlagsClass *klass = G_FLAGS_CLASS (g_type_class_ref (type));
    for (guint i = 0; i < klass->n_values; i++) {
      const GFlagsValue *v = &klass->values[i];
      expect (says_more_than_name (v->value_name, v->value_nick, 12),
          "%s: flag '%s' of %s has no real description ('%s')", where,
          v->value_nick, g_type_name (type), v->value_name);
    }
    g_type_class_unref (klass);
    return;
  }
  GEnumClass *klass = G_ENUM_CLASS (g_type_class_ref (type));
  for (guint i = 0; i < klass->n_values; i++) {
    const GEnumValue *v = &klass->values[i];
    expect (says_more_than_name (v->value_name, v->value_nick, 12),
        "%s: enum value '%s' of %s has no real description ('%s')", where,
        v->value_nick, g_type_name (type), v->value_name);
  }
  g_type_class_unref (klass);
}

/* Enums and flags are explained wherever they appear: properties, signal
 * arguments and return values. */
static void
check_type (GType type, const char *where)
{
  type &= ~G_SIGNAL_TYPE_STATIC_SCOPE;
  if (G_TYPE_IS_ENUM (type) || G_TYPE_IS_FLAGS (type))
    check_enum (type, where);
}

GST_START_TEST (test_every_element_is_documented)
{
  GstPlugin *plugin = gst_registry_find_plugin (gst_registry_get (), "comedia");
  fail_unless (plugin != nullptr, "plugin comedia not found");

  GList *features = gst_registry_get_feature_list_by_plugin (gst_registry_get (),
      "comedia");
  guint elements = 0;
  for (GList *l = features; l; l = l->next) {
    if (!GST_IS_ELEMENT_FACTORY (l->data))
      continue;
    GstElementFactory *factory = GST_ELEMENT_FACTORY (l->data);
    const char *name = GST_OBJECT_NAME (factory);
    elements++;

    const char *desc = gst_element_factory_get_metadata (factory,
        GST_ELEMENT_METADATA_DESCRIPTION);
    expect (says_more_than_name (desc, name, 40),
        "%s: description too short: '%s'", name, desc);
    const char *longname = gst_element_factory_get_metadata (factory,
        GST_ELEMENT_METADATA_LONGNAME);
    expect (longname && strlen (longname) > 5, "%s: no long name", name);
    expect (says_more_than_name (desc, longname, 40),
        "%s: the description only repeats the long name", name);
    const char *klass = gst_element_factory_get_metadata (factory,
        GST_ELEMENT_METADATA_KLASS);
    expect (klass && strchr (klass, '/'), "%s: klass '%s' is not a "
        "path like Source/Network/RTP", name, klass);
    const char *author = gst_element_factory_get_metadata (factory,
        GST_ELEMENT_METADATA_AUTHOR);
    expect (author && *author, "%s: no author", name);
    expect (gst_element_factory_get_num_pad_templates (factory) > 0,
        "%s: no pad templates", name);

    GstElement *element = gst_element_factory_create (factory, nullptr);
    fail_unless (element != nullptr, "%s: cannot be created", name);
    GType type = G_OBJECT_TYPE (element);
    guint n = 0;
    GParamSpec **specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (element), &n);
    guint own = 0;
    for (guint i = 0; i < n; i++) {
      GParamSpec *p = specs[i];
      if (p->owner_type != type)
        continue;   /* inherited from GstBaseSrc & co: documented there */
      own++;
      const char *blurb = g_param_spec_get_blurb (p);
      const char *nick = g_param_spec_get_nick (p);
      expect (nick && *nick, "%s: property '%s' has no nick", name,
          p->name);
      expect (says_more_than_name (blurb, p->name, 25, nick),
          "%s: property '%s' needs a blurb a newcomer understands ('%s')",
          name, p->name, blurb);
      expect (blurb[strlen (blurb) - 1] != ' ', "%s: blurb of '%s' ends "
          "in a space", name, p->name);
      expect (g_ascii_isupper (blurb[0]) || g_ascii_isdigit (blurb[0]),
          "%s: blurb of '%s' does not start a sentence: '%s'", name, p->name,
          blurb);
      expect (strstr (blurb, "TODO") == nullptr && strstr (blurb,
              "FIXME") == nullptr, "%s: blurb of '%s' is unfinished", name,
          p->name);
      check_type (p->value_type, name);
      /* A statistics structure: every field it has is explained. */
      if (p->value_type == GST_TYPE_STRUCTURE && (p->flags & G_PARAM_READABLE)) {
        GstStructure *st = nullptr;
        g_object_get (element, p->name, &st, nullptr);
        for (gint f = 0; st && f < gst_structure_n_fields (st); f++) {
          const char *field = gst_structure_nth_field_name (st, f);
          expect (strstr (blurb, field) != nullptr, "%s: blurb of '%s' does "
              "not explain its field '%s'", name, p->name, field);
        }
        if (st)
          gst_structure_free (st);
      }
    }
    g_free (specs);
    expect (own > 0, "%s: no properties of its own?", name);

    /* Signals have no blurb in GObject: their doc comments are checked by
     * tests/docs/test_doc_blocks.py.  Here: the types they take and return
     * are explained, and action signals have names an application can find. */
    guint n_signals = 0;
    guint *ids = g_signal_list_ids (type, &n_signals);
    for (guint i = 0; i < n_signals; i++) {
      GSignalQuery q;
      g_signal_query (ids[i], &q);
      if (q.signal_flags & G_SIGNAL_ACTION)
        expect (strlen (q.signal_name) > 3 && strchr (q.signal_name, '-'),
            "%s: action signal '%s' needs a verb-object name", name,
            q.signal_name);
      check_type (q.return_type, name);
      for (guint j = 0; j < q.n_params; j++)
        check_type (q.param_types[j], name);
    }
    g_free (ids);
    gst_object_unref (element);
  }
  gst_plugin_feature_list_free (features);
  gst_object_unref (plugin);
  expect (elements >= 2, "only %u elements registered", elements);

  std::string all;
  for (const std::string & p : problems)
    all += "\n  " + p;
  fail_unless (problems.empty (), "%zu documentation problem(s):%s",
      problems.size (), all.c_str ());
}
GST_END_TEST;

static Suite *
docs_suite (void)
{
  Suite *s = suite_create ("comedia-docs");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_every_element_is_documented);
  return s;
}

GST_CHECK_MAIN (docs);

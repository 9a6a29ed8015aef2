/* What gst-inspect-1.0 shows a newcomer: every element of the plugin has a
 * real description and example-bearing docs, every property of ours has a
 * blurb that says more than its name, and every enum value is explained.
 * Checked through the registry, so it covers elements added later too.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include <string>

static bool
says_more_than_name (const char *text, const char *name, gsize min_len)
{
  if (!text || strlen (text) < min_len)
    return false;
  return g_ascii_strcasecmp (text, name) != 0;
}

static void
check_enum (GType type, const char *where)
{
  GEnumClass *klass = G_ENUM_CLASS (g_type_class_ref (type));
  for (guint i = 0; i < klass->n_values; i++) {
    const GEnumValue *v = &klass->values[i];
    fail_unless (says_more_than_name (v->value_name, v->value_nick, 12),
        "%s: enum value '%s' of %s has no real description ('%s')", where,
        v->value_nick, g_type_name (type), v->value_name);
  }
  g_type_class_unref (klass);
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
    fail_unless (says_more_than_name (desc, name, 40),
        "%s: description too short: '%s'", name, desc);
    const char *longname = gst_element_factory_get_metadata (factory,
        GST_ELEMENT_METADATA_LONGNAME);
    fail_unless (longname && strlen (longname) > 5, "%s: no long name", name);

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
      fail_unless (says_more_than_name (blurb, p->name, 25),
          "%s: property '%s' needs a blurb a newcomer understands ('%s')",
          name, p->name, blurb);
      fail_unless (blurb[strlen (blurb) - 1] != ' ', "%s: blurb of '%s' ends "
          "in a space", name, p->name);
      if (G_IS_PARAM_SPEC_ENUM (p))
        check_enum (p->value_type, name);
    }
    g_free (specs);
    fail_unless (own > 0, "%s: no properties of its own?", name);

    guint n_signals = 0;
    guint *ids = g_signal_list_ids (type, &n_signals);
    for (guint i = 0; i < n_signals; i++) {
      GSignalQuery q;
      g_signal_query (ids[i], &q);
      /* Action signals are for applications: they must be findable. */
      if (q.signal_flags & G_SIGNAL_ACTION)
        fail_unless (strlen (q.signal_name) > 3);
    }
    g_free (ids);
    gst_object_unref (element);
  }
  gst_plugin_feature_list_free (features);
  gst_object_unref (plugin);
  fail_unless (elements >= 2, "only %u elements registered", elements);
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

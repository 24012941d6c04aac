/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Records as objects: their properties, and the number forms NBIA sends. */

#include "records-test-util.h"

/* ---- Properties ------------------------------------------------------------ */

static void
test_properties (void)
{
  static const struct {
    const char *name;
    const char *nick;
  } series_props[] = {
    { "series-uid", "SeriesInstanceUID" },
    { "study-uid", "StudyInstanceUID" },
    { "submission-date", "MaxSubmissionTimestamp" },
    { "data-description-uri", "DataDescriptionURI" },
    { "study-description", "StudyDesc" },
    { "pixel-spacing", "PixelSpacing(mm)-Row" },
    { "image-count", "ImageCount" },
    { "file-size", "FileSize" },
  };
  g_autoptr(GTypeClass) klass = g_type_class_ref (TCIA_TYPE_SERIES);
  g_autoptr(GTypeClass) patient_class = g_type_class_ref (TCIA_TYPE_PATIENT);
  g_autoptr(GTypeClass) study_class = g_type_class_ref (TCIA_TYPE_STUDY);
  g_autoptr(GTypeClass) value_class = g_type_class_ref (TCIA_TYPE_VALUE);
  g_autoptr(GTypeClass) collection_class = g_type_class_ref (TCIA_TYPE_COLLECTION);
  GParamSpec *pspec;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (series_props); i++)
    {
      pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), series_props[i].name);
      g_assert_nonnull (pspec);
      g_assert_cmpstr (g_param_spec_get_nick (pspec), ==, series_props[i].nick);
      g_assert_true ((pspec->flags & G_PARAM_READABLE) != 0);
      g_assert_true ((pspec->flags & G_PARAM_WRITABLE) == 0);
    }

  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (g_object_class_find_property (G_OBJECT_CLASS (klass), "image-count")) == G_TYPE_UINT);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (g_object_class_find_property (G_OBJECT_CLASS (klass), "file-size")) == G_TYPE_UINT64);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (g_object_class_find_property (G_OBJECT_CLASS (study_class), "series-count")) == G_TYPE_INT);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (g_object_class_find_property (G_OBJECT_CLASS (collection_class), "patient-count")) == G_TYPE_INT);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (g_object_class_find_property (G_OBJECT_CLASS (value_class), "kind")) == TCIA_TYPE_VALUE_KIND);
  pspec = g_object_class_find_property (G_OBJECT_CLASS (patient_class), "patient-id");
  g_assert_cmpstr (g_param_spec_get_nick (pspec), ==, "PatientId");

  /* Every property named in the public headers exists. */
  {
    const char *names[] = {
      "series-uid", "study-uid", "patient-id", "patient-name", "patient-sex", "patient-age",
      "collection", "site", "modality", "protocol-name", "series-date", "series-description",
      "series-number", "body-part", "annotations-flag", "manufacturer", "manufacturer-model",
      "software-versions", "image-count", "file-size", "submission-date", "date-released",
      "released-status", "license-name", "license-uri", "data-description-uri", "study-date",
      "study-description", "study-id", "admitting-diagnosis", "third-party-analysis",
      "pixel-spacing", "slice-thickness",
    };

    for (i = 0; i < G_N_ELEMENTS (names); i++)
      g_assert_nonnull (g_object_class_find_property (G_OBJECT_CLASS (klass), names[i]));
  }
}

/* ---- The normalisers on their own ------------------------------------------- */

static void
test_parse_uint64 (void)
{
  static const struct {
    const char *text;
    gboolean ok;
    guint64 value;
  } cases[] = {
    { "0", TRUE, 0 },
    { "48", TRUE, 48 },
    { "+48", TRUE, 48 },
    { " 48\t", TRUE, 48 },
    { "71599388.0", TRUE, 71599388 },
    { "500.000000", TRUE, 500 },
    { "2.5e7", TRUE, 25000000 },
    { "1E3", TRUE, 1000 },
    { "18446744073709551615", TRUE, G_MAXUINT64 },
    { "18446744073709551616", FALSE, 0 },
    { "99999999999999999999999", FALSE, 0 },
    { "1e20", FALSE, 0 },
    { "-1", FALSE, 0 },
    { "-0.0", FALSE, 0 },
    { "2.5", FALSE, 0 },
    { "", FALSE, 0 },
    { "  ", FALSE, 0 },
    { "abc", FALSE, 0 },
    { "12abc", FALSE, 0 },
    { "0x1F", FALSE, 0 },
    { "inf", FALSE, 0 },
    { "nan", FALSE, 0 },
    { "1.", TRUE, 1 },
    { ".5", FALSE, 0 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint64 value = 0;
      gboolean ok = tcia_records_parse_uint64 (cases[i].text, strlen (cases[i].text), &value);

      g_test_message ("\"%s\"", cases[i].text);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpuint (value, ==, cases[i].value);
    }
}

static void
test_trim_decimal (void)
{
  static const struct {
    const char *text;
    const char *trimmed;
  } cases[] = {
    { "500.000000", "500" },
    { "2", "2" },
    { "2.5", "2.5" },
    { "2.50", "2.5" },
    { "-1.000", "-1" },
    { "0.0", "0" },
    { "1.", "1." },
    { ".5", ".5" },
    { "1e3", "1e3" },
    { "abc.00", "abc.00" },
    { "", "" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = tcia_records_trim_decimal (cases[i].text, strlen (cases[i].text));
      g_autofree char *trimmed = g_strndup (cases[i].text, len);

      g_assert_cmpstr (trimmed, ==, cases[i].trimmed);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/records/properties", test_properties);
  g_test_add_func ("/core/records/parse-uint64", test_parse_uint64);
  g_test_add_func ("/core/records/trim-decimal", test_trim_decimal);

  return g_test_run ();
}

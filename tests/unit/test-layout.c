/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tcia-layout.h"
#include "tcia-records-private.h"

/* The real Data Retriever paths of tcia-api.md §5.3, rebuilt from the values
 * the server holds for them (the manifest-… root is not ours: we write into
 * the destination itself). */
static void
test_descriptive_real_examples (void)
{
  static const struct
  {
    const char *collection, *patient, *study_date, *study_id, *study_desc, *study_uid;
    const char *series_number, *series_desc, *series_uid;
    const char *expected;
  } cases[] = {
    { "LIDC-IDRI", "LIDC-IDRI-0001", "2000-01-01", NULL, NULL, "1.3.6.1.4.1.14519.5.2.1.6279.6001.30178",
      "3000566.000000", "", "1.3.6.1.4.1.14519.5.2.1.6279.6001.03192",
      "LIDC-IDRI/LIDC-IDRI-0001/01-01-2000-NA-NA-30178/3000566.000000-NA-03192" },
    { "LIDC-IDRI", "LIDC-IDRI-0984", "2000-01-01", "", "CT LUNG SCREEN", "1.2.3.67378",
      NULL, NULL, "1.2.3.76953",
      "LIDC-IDRI/LIDC-IDRI-0984/01-01-2000-NA-CT LUNG SCREEN-67378/NA-76953" },
    { "Soft-tissue-Sarcoma", "STS_001", "2000-09-07", NULL, "PET CT", "1.2.3.63929",
      "1", "RTstructCT", "1.2.3.77278",
      "Soft-tissue-Sarcoma/STS_001/09-07-2000-NA-PET CT-63929/1.000000-RTstructCT-77278" },
    { "COVID-19-AR", "COVID-19-AR-16406488", "02-14-2012", NULL, "CT PE CHEST", "1.2.3.63916",
      "2.000000", "locator", "1.2.3.16446",
      "COVID-19-AR/COVID-19-AR-16406488/02-14-2012-NA-CT PE CHEST-63916/2.000000-locator-16446" },
    { "RIDER Lung CT", "RIDER-1129164940", "2006-09-20", "1", NULL, "1.2.3.96508",
      "4", NULL, "1.2.3.24533",
      "RIDER Lung CT/RIDER-1129164940/09-20-2006-1-NA-96508/4.000000-NA-24533" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *keys[] = { "collection", "patient-id", "study-date", "study-id",
                             "study-description", "study-uid", "series-number",
                             "series-description", "series-uid" };
      const char *values[] = { cases[i].collection, cases[i].patient, cases[i].study_date,
                               cases[i].study_id, cases[i].study_desc, cases[i].study_uid,
                               cases[i].series_number, cases[i].series_desc,
                               cases[i].series_uid };
      g_autoptr(TciaSeries) series = tcia_series_new_from_fields (keys, values, G_N_ELEMENTS (keys));
      g_autofree char *path = tcia_layout_build_path (TCIA_LAYOUT_DESCRIPTIVE, series);

      g_assert_cmpstr (path, ==, cases[i].expected);
    }
}

static void
test_descriptive_rules (void)
{
  g_autofree char *long_desc = g_strnfill (70, 'x');
  g_autofree char *expected = NULL;
  g_autofree char *s = NULL;

  /* cleanStr drops everything but [A-Za-z0-9 .-], "/" included, NA when nothing is left. */
  s = tcia_layout_clean_str ("T1/T2 (axial) #3_é");
  g_assert_cmpstr (s, ==, "T1T2 axial 3");
  g_clear_pointer (&s, g_free);
  s = tcia_layout_clean_str ("()");
  g_assert_cmpstr (s, ==, "NA");
  g_clear_pointer (&s, g_free);
  s = tcia_layout_clean_str ("null");
  g_assert_cmpstr (s, ==, "NA");
  g_clear_pointer (&s, g_free);

  /* Descriptions are cut to 53 characters. */
  s = tcia_layout_series_dir ("500", long_desc, "1.2.3.4.56789");
  expected = g_strdup_printf ("500.000000-%.*s-56789", 53, long_desc);
  g_assert_cmpstr (s, ==, expected);
  g_clear_pointer (&s, g_free);

  /* "-" as a description is omitted; a fractional number keeps its digits. */
  s = tcia_layout_series_dir ("2.5", "-", "1.2.3.4.56789");
  g_assert_cmpstr (s, ==, "2.500000-56789");
  g_clear_pointer (&s, g_free);

  /* A series number that is not a number is kept as it is. */
  s = tcia_layout_series_dir ("A/B", NULL, "9");
  g_assert_cmpstr (s, ==, "A-B-NA-9");
  g_clear_pointer (&s, g_free);
}

static void
test_classic_flat_and_safety (void)
{
  const char *keys[] = { "collection", "patient-id", "study-uid", "series-uid" };
  const char *values[] = { "..", "a/../b", "1.2.3", "1.2.3.4" };
  g_autoptr(TciaSeries) series = tcia_series_new_from_fields (keys, values, 4);
  g_autofree char *classic = tcia_layout_build_path (TCIA_LAYOUT_CLASSIC, series);
  g_autofree char *flat = tcia_layout_build_path (TCIA_LAYOUT_FLAT, series);
  g_autofree char *desc = tcia_layout_build_path (TCIA_LAYOUT_DESCRIPTIVE, series);
  g_auto(GStrv) parts = g_strsplit (desc, "/", -1);
  TciaLayout layout;

  g_assert_cmpstr (classic, ==, "_/a-..-b/1.2.3/1.2.3.4");
  g_assert_cmpstr (flat, ==, "1.2.3.4");
  g_assert_cmpuint (g_strv_length (parts), ==, 4);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_assert_cmpstr (parts[i], !=, "");
      g_assert_cmpstr (parts[i], !=, ".");
      g_assert_cmpstr (parts[i], !=, "..");
    }
  g_assert_cmpstr (parts[2], ==, "NA-NA-1.2.3");
  g_assert_cmpstr (parts[3], ==, "NA-2.3.4");

  g_assert_true (tcia_layout_from_string ("flat", &layout));
  g_assert_cmpint (layout, ==, TCIA_LAYOUT_FLAT);
  g_assert_false (tcia_layout_from_string ("tree", &layout));
  g_assert_cmpstr (tcia_layout_to_string (TCIA_LAYOUT_DESCRIPTIVE), ==, "descriptive");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/layout/descriptive-real-examples", test_descriptive_real_examples);
  g_test_add_func ("/core/layout/descriptive-rules", test_descriptive_rules);
  g_test_add_func ("/core/layout/classic-flat-safety", test_classic_flat_and_safety);

  return g_test_run ();
}

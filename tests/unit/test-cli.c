/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cli-listing-test-util.h"

/* The listings of the command line: each format, byte for byte, and each
 * kind of list with its filters (options and failures: test-cli-options.c). */

static const char *
or_empty (const char *text)
{
  return text != NULL ? text : "";
}

static int
column_index (const char * const *header,
              const char         *name)
{
  for (int i = 0; header[i] != NULL; i++)
    {
      if (g_strcmp0 (header[i], name) == 0)
        return i;
    }
  g_error ("no column %s", name);
  return -1;
}

static void
check_series_csv (gconstpointer data)
{
  const char *url = GPOINTER_TO_UINT (data) == 4 ? url_v4 : url_v1;
  g_auto(Run) run = { 0 };
  g_autofree char *api_url = option ("api-url", url);
  g_autofree char *collection = option ("collection", spaced_collection);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) expected = expected_series (spaced_collection);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char * const *header;
  int uid_col, collection_col, modality_col, images_col, manufacturer_col, description_col;

  run_cli (&run, api_url, "--list=series", collection, "--format=csv");
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);

  records = parse_csv (run.out);
  g_assert_cmpuint (records->len, >=, 1);
  header = records->pdata[0];
  uid_col = column_index (header, "SeriesInstanceUID");
  collection_col = column_index (header, "Collection");
  modality_col = column_index (header, "Modality");
  images_col = column_index (header, "ImageCount");
  manufacturer_col = column_index (header, "Manufacturer");
  description_col = column_index (header, "SeriesDescription");

  g_assert_cmpuint (g_hash_table_size (expected), >, 0);
  g_assert_cmpuint (records->len - 1, ==, g_hash_table_size (expected));

  for (guint r = 1; r < records->len; r++)
    {
      const char * const *row = records->pdata[r];
      FakeNbiaSeriesInfo *info;
      g_autofree char *images = NULL;

      g_assert_cmpuint (g_strv_length ((char **) row), ==, g_strv_length ((char **) header));

      info = g_hash_table_lookup (expected, row[uid_col]);
      g_assert_nonnull (info);
      g_assert_false (g_hash_table_contains (seen, row[uid_col]));
      g_hash_table_add (seen, (char *) row[uid_col]);

      images = g_strdup_printf ("%u", info->image_count);
      g_assert_cmpstr (row[collection_col], ==, info->collection);
      g_assert_cmpstr (row[modality_col], ==, info->modality);
      g_assert_cmpstr (row[images_col], ==, images);
      /* Commas and quotes of the archive come back intact. */
      g_assert_cmpstr (row[manufacturer_col], ==, or_empty (info->manufacturer));
      g_assert_cmpstr (row[description_col], ==, or_empty (info->series_description));
    }
}

static void
test_series_tsv (void)
{
  g_auto(Run) run = { 0 };
  g_autofree char *api_url = option ("api-url", url_v4);
  g_autofree char *collection = option ("collection", spaced_collection);
  g_autoptr(GHashTable) expected = expected_series (spaced_collection);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  int uid_col;

  /* tsv is the default format. */
  run_cli (&run, api_url, "--list=series", collection);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_true (g_str_has_suffix (run.out, "\n"));

  lines = g_strsplit (run.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, g_hash_table_size (expected) + 2);
  g_assert_cmpstr (lines[g_strv_length (lines) - 1], ==, "");

  header = g_strsplit (lines[0], "\t", -1);
  uid_col = column_index ((const char * const *) header, "SeriesInstanceUID");
  column_index ((const char * const *) header, "StudyInstanceUID");
  column_index ((const char * const *) header, "PatientID");
  column_index ((const char * const *) header, "FileSize");

  for (guint i = 1; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", -1);

      g_assert_cmpuint (g_strv_length (fields), ==, g_strv_length (header));
      g_assert_true (g_hash_table_contains (expected, fields[uid_col]));
    }
}

static void
test_series_json (void)
{
  g_auto(Run) run = { 0 };
  g_autofree char *api_url = option ("api-url", url_v4);
  g_autofree char *collection = option ("collection", spaced_collection);
  g_autoptr(GHashTable) expected = expected_series (spaced_collection);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  run_cli (&run, api_url, "--list=series", collection, "--format=json");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");

  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, g_hash_table_size (expected));

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *row = json_array_get_object_element (array, i);
      FakeNbiaSeriesInfo *info;
      JsonNode *images;
      g_autoptr(GList) members = json_object_get_members (row);

      info = g_hash_table_lookup (expected,
                                  json_object_get_string_member (row, "SeriesInstanceUID"));
      g_assert_nonnull (info);
      g_assert_cmpstr (json_object_get_string_member (row, "Collection"), ==, info->collection);

      images = json_object_get_member (row, "ImageCount");
      g_assert_nonnull (images);
      g_assert_cmpint (json_node_get_value_type (images), ==, G_TYPE_INT64);
      g_assert_cmpint (json_node_get_int (images), ==, info->image_count);
      g_assert_cmpint (json_node_get_value_type (json_object_get_member (row, "FileSize")),
                       ==, G_TYPE_INT64);

      /* Left out, never null. */
      if (info->body_part == NULL)
        g_assert_false (json_object_has_member (row, "BodyPartExamined"));
      for (GList *l = members; l != NULL; l = l->next)
        g_assert_false (json_object_get_null_member (row, l->data));
    }
}

/* Listings byte for byte: scripts compare and diff them, so a faster
 * writer must not change a byte. The expectations in tests/data/cli-listing
 * were written by the program before its writers were rewritten, against
 * the same fake archive (120 series, seed 1). */
static const struct
{
  const char *file;
  const char *args[4];
} golden_listings[] = {
  { "series-R01-002.tsv",
    { "--list=series", "--collection=NSCLC Radiogenomics", "--patient=R01-002", "--format=tsv" } },
  { "series-R01-002.csv",
    { "--list=series", "--collection=NSCLC Radiogenomics", "--patient=R01-002", "--format=csv" } },
  { "series-R01-002.json",
    { "--list=series", "--collection=NSCLC Radiogenomics", "--patient=R01-002", "--format=json" } },
  { "studies-R01-002.json",
    { "--list=studies", "--collection=NSCLC Radiogenomics", "--patient=R01-002", "--format=json" } },
  { "patients-breast.tsv", { "--list=patients", "--collection=Breast-Diagnosis", NULL } },
  { "collections.json", { "--list=collections", "--format=json", NULL } },
  { "modalities.csv", { "--list=modalities", "--format=csv", NULL } },
};

static void
test_golden_listings (void)
{
  g_autofree char *api_url = option ("api-url", url_v4);

  for (guint i = 0; i < G_N_ELEMENTS (golden_listings); i++)
    {
      g_auto(Run) run = { 0 };
      g_autofree char *path = g_build_filename (TCIA_SRCDIR, "tests", "data", "cli-listing",
                                                golden_listings[i].file, NULL);
      g_autofree char *expected = NULL;
      g_autoptr(GError) error = NULL;
      const char * const *args = golden_listings[i].args;

      g_file_get_contents (path, &expected, NULL, &error);
      g_assert_no_error (error);

      run_cli_env (&run, NULL, (const char * const []) { api_url, args[0], args[1], args[2],
                                                          args[3], NULL });
      g_assert_cmpint (run.status, ==, 0);
      g_assert_cmpstr (run.err, ==, "");
      if (g_strcmp0 (run.out, expected) != 0)
        g_error ("%s differs from its expectation:\n%s", golden_listings[i].file, run.out);
    }
}

static void
test_series_tcia (void)
{
  g_auto(Run) run = { 0 };
  g_autofree char *api_url = option ("api-url", url_v4);
  g_autofree char *collection = option ("collection", spaced_collection);
  g_autoptr(GHashTable) expected = expected_series (spaced_collection);
  g_auto(GStrv) lines = NULL;
  guint n_uids = 0;
  guint list_line = 0;

  run_cli (&run, api_url, "--list=series", collection, "--format=tcia");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");

  lines = g_strsplit (run.out, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "downloadServerUrl="));
  g_assert_cmpstr (lines[1], ==, "includeAnnotation=false");
  g_assert_cmpstr (lines[2], ==, "noOfrRetry=4");
  g_assert_true (g_str_has_prefix (lines[3], "databasketId=manifest-"));
  g_assert_true (g_str_has_suffix (lines[3], ".tcia"));
  g_assert_cmpstr (lines[4], ==, "manifestVersion=3.0");
  g_assert_cmpstr (lines[5], ==, "ListOfSeriesToDownload=");
  list_line = 5;

  for (guint i = list_line + 1; lines[i] != NULL; i++)
    {
      if (*lines[i] == '\0')
        {
          g_assert_null (lines[i + 1]);
          break;
        }
      g_assert_true (g_hash_table_contains (expected, lines[i]));
      n_uids++;
    }
  g_assert_cmpuint (n_uids, ==, g_hash_table_size (expected));
}

static GPtrArray *
run_csv_ok (const char *url,
            const char *list,
            const char *filter)
{
  g_auto(Run) run = { 0 };
  g_autofree char *api_url = option ("api-url", url);
  g_autofree char *list_option = option ("list", list);

  if (filter != NULL)
    run_cli (&run, api_url, list_option, filter, "--format=csv");
  else
    run_cli (&run, api_url, list_option, "--format=csv");
  if (run.status != 0)
    g_error ("--list=%s: exit %d: %s", list, run.status, run.err);
  g_assert_cmpstr (run.err, ==, "");

  return parse_csv (run.out);
}

static void
test_list_collections (void)
{
  const char * const *names = fake_nbia_get_collections (fake);
  g_autoptr(GPtrArray) v4 = run_csv_ok (url_v4, "collections", NULL);
  g_autoptr(GPtrArray) v1 = run_csv_ok (url_v1, "collections", NULL);
  const char * const *header;

  header = v4->pdata[0];
  g_assert_cmpstr (header[0], ==, "Collection");
  g_assert_cmpstr (header[1], ==, "Count");
  g_assert_null (header[2]);
  g_assert_cmpuint (v4->len - 1, ==, g_strv_length ((char **) names));
  g_assert_cmpuint (v1->len, ==, v4->len);

  for (guint r = 1; r < v4->len; r++)
    {
      const char * const *row4 = v4->pdata[r];
      const char * const *row1 = v1->pdata[r];
      guint64 count;

      g_assert_true (g_strv_contains (names, row4[0]));
      /* v4 counts patients; v1 cannot say. */
      g_assert_true (g_ascii_string_to_unsigned (row4[1], 10, 1, G_MAXUINT, &count, NULL));
      g_assert_true (g_strv_contains (names, row1[0]));
      g_assert_cmpstr (row1[1], ==, "");
    }
}

static void
check_values (const char *list,
              const char *column,
              const char *url)
{
  g_autofree char *filter = option ("collection", spaced_collection);
  g_autoptr(GPtrArray) records = run_csv_ok (url, list, filter);
  g_autoptr(GHashTable) expected = expected_series (spaced_collection);
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char * const *header = records->pdata[0];
  GHashTableIter iter;
  FakeNbiaSeriesInfo *info;

  g_assert_cmpstr (header[0], ==, column);
  g_assert_cmpstr (header[1], ==, "Count");

  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &info))
    {
      const char *value = NULL;

      if (g_str_equal (list, "modalities"))
        value = info->modality;
      else if (g_str_equal (list, "body-parts"))
        value = info->body_part;
      else
        value = info->manufacturer;
      if (value != NULL)
        g_hash_table_add (values, g_ascii_strup (value, -1));
    }

  g_assert_cmpuint (records->len - 1, ==, g_hash_table_size (values));
  for (guint r = 1; r < records->len; r++)
    {
      const char * const *row = records->pdata[r];
      g_autofree char *upper = g_ascii_strup (row[0], -1);

      g_assert_true (g_hash_table_contains (values, upper));
    }
}

static void
test_list_values (void)
{
  check_values ("modalities", "Modality", url_v4);
  check_values ("body-parts", "BodyPartExamined", url_v4);
  check_values ("manufacturers", "Manufacturer", url_v4);
  check_values ("modalities", "Modality", url_v1);
}

static void
test_list_patients_studies (void)
{
  g_autofree char *filter = option ("collection", spaced_collection);
  g_autoptr(GHashTable) expected = expected_series (spaced_collection);
  g_autoptr(GHashTable) patients = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) studies = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  FakeNbiaSeriesInfo *info;
  const char *urls[] = { url_v4, url_v1 };

  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &info))
    {
      g_hash_table_add (patients, (char *) info->patient_id);
      g_hash_table_add (studies, (char *) info->study_uid);
    }

  for (guint u = 0; u < G_N_ELEMENTS (urls); u++)
    {
      g_autoptr(GPtrArray) patient_rows = run_csv_ok (urls[u], "patients", filter);
      g_autoptr(GPtrArray) study_rows = run_csv_ok (urls[u], "studies", filter);
      int collection_col;

      g_assert_cmpuint (patient_rows->len - 1, ==, g_hash_table_size (patients));
      collection_col = column_index (patient_rows->pdata[0], "Collection");
      for (guint r = 1; r < patient_rows->len; r++)
        {
          const char * const *row = patient_rows->pdata[r];
          g_assert_cmpstr (row[collection_col], ==, spaced_collection);
        }

      g_assert_cmpuint (study_rows->len - 1, ==, g_hash_table_size (studies));
      collection_col = column_index (study_rows->pdata[0], "Collection");
      for (guint r = 1; r < study_rows->len; r++)
        {
          const char * const *row = study_rows->pdata[r];
          int uid_col = column_index (study_rows->pdata[0], "StudyInstanceUID");

          g_assert_cmpstr (row[collection_col], ==, spaced_collection);
          g_assert_true (g_hash_table_contains (studies, row[uid_col]));
        }
    }
}

/* Every filter of --list=series narrows the listing. */
static void
test_list_series_filters (void)
{
  FakeNbiaSeriesInfo info;
  g_autofree char *collection = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *study = NULL;
  g_autofree char *modality = NULL;
  g_autofree char *api_url = option ("api-url", url_v4);
  g_auto(Run) run = { 0 };
  g_autoptr(GPtrArray) records = NULL;
  int uid_col;
  guint n_expected = 0;

  fake_nbia_get_series (fake, 0, &info);
  collection = option ("collection", info.collection);
  patient = option ("patient", info.patient_id);
  study = option ("study", info.study_uid);
  modality = option ("modality", info.modality);

  for (guint i = 0; i < fake_nbia_get_n_series (fake); i++)
    {
      FakeNbiaSeriesInfo other;

      fake_nbia_get_series (fake, i, &other);
      if (g_str_equal (other.study_uid, info.study_uid) &&
          g_str_equal (other.modality, info.modality))
        n_expected++;
    }

  run_cli (&run, api_url, "--list=series", collection, patient, study, modality, "--format=csv");
  g_assert_cmpint (run.status, ==, 0);
  records = parse_csv (run.out);
  g_assert_cmpuint (records->len - 1, ==, n_expected);
  uid_col = column_index (records->pdata[0], "SeriesInstanceUID");
  for (guint r = 1; r < records->len; r++)
    {
      const char * const *row = records->pdata[r];

      if (g_str_equal (row[uid_col], info.series_uid))
        return;
    }
  g_error ("series %s is not listed", info.series_uid);
}

static void
test_empty (void)
{
  g_autofree char *api_url = option ("api-url", url_v4);
  /* A patient has no list to check against: no rows is an empty listing. */
  const char *nothing = "--patient=No-Such-Patient";
  g_auto(Run) tsv = { 0 };
  g_auto(Run) csv = { 0 };
  g_auto(Run) json = { 0 };
  g_auto(Run) tcia = { 0 };

  run_cli (&tsv, api_url, "--list=series", nothing);
  g_assert_cmpint (tsv.status, ==, 0);
  /* The header alone. */
  g_assert_nonnull (strstr (tsv.out, "SeriesInstanceUID"));
  g_assert_cmpstr (strchr (tsv.out, '\n'), ==, "\n");

  run_cli (&csv, api_url, "--list=series", nothing, "--format=csv");
  g_assert_cmpint (csv.status, ==, 0);
  g_assert_cmpstr (strchr (csv.out, '\n'), ==, "\n");

  run_cli (&json, api_url, "--list=series", nothing, "--format=json");
  g_assert_cmpint (json.status, ==, 0);
  g_assert_cmpstr (json.out, ==, "[]\n");

  run_cli (&tcia, api_url, "--list=series", nothing, "--format=tcia");
  g_assert_cmpint (tcia.status, ==, 0);
  g_assert_true (g_str_has_suffix (tcia.out, "\nListOfSeriesToDownload=\n"));

  g_assert_cmpstr (tsv.err, ==, "");
  g_assert_cmpstr (csv.err, ==, "");
  g_assert_cmpstr (json.err, ==, "");
  g_assert_cmpstr (tcia.err, ==, "");
}
int
main (int   argc,
      char *argv[])
{
  cli_listing_test_init (&argc, &argv);

  g_test_add_data_func ("/cli/series/csv-v4", GUINT_TO_POINTER (4), check_series_csv);
  g_test_add_data_func ("/cli/series/csv-v1", GUINT_TO_POINTER (1), check_series_csv);
  g_test_add_func ("/cli/series/tsv", test_series_tsv);
  g_test_add_func ("/cli/series/json", test_series_json);
  g_test_add_func ("/cli/series/tcia", test_series_tcia);
  g_test_add_func ("/cli/golden-listings", test_golden_listings);
  g_test_add_func ("/cli/series/filters", test_list_series_filters);
  g_test_add_func ("/cli/list/collections", test_list_collections);
  g_test_add_func ("/cli/list/values", test_list_values);
  g_test_add_func ("/cli/list/patients-studies", test_list_patients_studies);
  g_test_add_func ("/cli/empty", test_empty);

  return cli_listing_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cli-test-util.h"
#include "fake-nbia.h"

/* One fake server for every test; each test leaves it without faults. */
static FakeNbia *fake;
static char *url_v4;
static char *url_v1;
static const char *spaced_collection;

static const char *
or_empty (const char *text)
{
  return text != NULL ? text : "";
}

/* RFC 4180 as the CLI writes it: "\n" ends a record, quoted fields may hold
 * commas, quotes (doubled) and line breaks. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      if (*p == '"')
        {
          g_assert_cmpuint (field->len, ==, 0);
          for (p++; ; p++)
            {
              g_assert_true (*p != '\0');
              if (*p == '"' && p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  p++;
                }
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                g_string_append_c (field, *p);
            }
          g_assert_true (*p == ',' || *p == '\n');
        }
      else if (*p == ',' || *p == '\n')
        {
          g_ptr_array_add (fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          if (*p == '\n')
            {
              g_ptr_array_add (fields, NULL);
              g_ptr_array_add (records, g_ptr_array_free (g_steal_pointer (&fields), FALSE));
              fields = g_ptr_array_new_with_free_func (g_free);
            }
          p++;
        }
      else
        {
          g_assert_true (*p != '"' && *p != '\r');
          g_string_append_c (field, *p++);
        }
    }

  /* Every record ends with "\n". */
  g_assert_cmpuint (fields->len, ==, 0);
  g_assert_cmpuint (field->len, ==, 0);

  return records;
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

/* The series of @collection as the fake archive holds them, by UID. */
static GHashTable *
expected_series (const char *collection)
{
  GHashTable *expected = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  for (guint i = 0; i < fake_nbia_get_n_series (fake); i++)
    {
      FakeNbiaSeriesInfo *info = g_new0 (FakeNbiaSeriesInfo, 1);

      fake_nbia_get_series (fake, i, info);
      if (collection == NULL || g_strcmp0 (info->collection, collection) == 0)
        g_hash_table_insert (expected, (char *) info->series_uid, info);
      else
        g_free (info);
    }

  return expected;
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

/* Which server answered shows in the collection counts: v4 has them, v1 not. */
static gboolean
answered_by_v4 (const Run *run)
{
  g_auto(GStrv) lines = g_strsplit (run->out, "\n", 3);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (lines[0], ==, "Collection\tCount");
  g_assert_nonnull (lines[1]);
  return !g_str_has_suffix (lines[1], "\t");
}

static void
test_api_url_sources (void)
{
  g_autofree char *env_v1 = g_strconcat ("TCIA_API_URL=", url_v1, NULL);
  g_autofree char *env_v4 = g_strconcat ("TCIA_API_URL=", url_v4, NULL);
  g_autofree char *option_v4 = option ("api-url", url_v4);
  g_autofree char *option_v1 = option ("api-url", url_v1);
  g_autofree char *config = g_dir_make_tmp ("test-cli-XXXXXX", NULL);
  g_autofree char *settings_dir = g_build_filename (config, "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_build_filename (settings_dir, "keyfile", NULL);
  g_autofree char *keyfile_text = NULL;
  g_autofree char *config_env = g_strconcat ("XDG_CONFIG_HOME=", config, NULL);
  g_autoptr(GError) error = NULL;

  {
    g_auto(Run) run = { 0 };
    run_cli_env (&run, (const char *[]) { env_v1, NULL },
                 (const char *[]) { "--list=collections", NULL });
    g_assert_false (answered_by_v4 (&run));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli_env (&run, (const char *[]) { env_v1, NULL },
                 (const char *[]) { option_v4, "--list=collections", NULL });
    g_assert_true (answered_by_v4 (&run));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli_env (&run, (const char *[]) { env_v4, NULL },
                 (const char *[]) { option_v1, "--list=collections", NULL });
    g_assert_false (answered_by_v4 (&run));
  }

  /* Neither: the setting. */
  g_assert_cmpint (g_mkdir_with_parents (settings_dir, 0700), ==, 0);
  keyfile_text = g_strdup_printf ("[io/github/tciabasket/TciaBasket]\napi-url='%s'\n", url_v1);
  g_file_set_contents (keyfile, keyfile_text, -1, &error);
  g_assert_no_error (error);
  {
    g_auto(Run) run = { 0 };
    run_cli_env (&run, (const char *[]) { "GSETTINGS_BACKEND=keyfile", config_env, NULL },
                 (const char *[]) { "--list=collections", NULL });
    g_assert_cmpstr (run.err, ==, "");
    g_assert_false (answered_by_v4 (&run));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli_env (&run, (const char *[]) { "GSETTINGS_BACKEND=keyfile", config_env, env_v4, NULL },
                 (const char *[]) { "--list=collections", NULL });
    g_assert_true (answered_by_v4 (&run));
  }

  /* Without the schema installed the listing still works. */
  {
    g_auto(Run) run = { 0 };
    run_cli_env (&run,
                 (const char *[]) { "GSETTINGS_SCHEMA_DIR=/nonexistent", "XDG_DATA_DIRS=/nonexistent",
                                    env_v4, NULL },
                 (const char *[]) { "--list=collections", NULL });
    g_assert_cmpstr (run.err, ==, "");
    g_assert_true (answered_by_v4 (&run));
  }

  g_remove (keyfile);
  g_rmdir (settings_dir);
  {
    g_autofree char *glib_dir = g_path_get_dirname (settings_dir);
    g_rmdir (glib_dir);
  }
  g_rmdir (config);
}

static void
test_usage_errors (void)
{
  g_autofree char *api_url = option ("api-url", url_v4);
  const struct
  {
    const char *args[5];
    const char *prefix;
  } cases[] = {
    { { "--list=widgets" }, "tcia-basket: " },
    { { "--list=series", "--format=xml" }, "tcia-basket: " },
    { { "--collection=LIDC-IDRI" }, "tcia-basket: " },
    { { "--format=csv" }, "tcia-basket: " },
    { { "--list=collections", "--format=tcia" }, "tcia-basket: " },
    { { "--list=patients", "--modality=CT" }, "tcia-basket: " },
    { { "--list=collections", "--collection=LIDC-IDRI" }, "tcia-basket: " },
    { { "--list=series", "--collection=" }, "tcia-basket: " },
    { { "--list=series", "manifest.tcia" }, "tcia-basket: " },
    { { "--api-url=http://127.0.0.1:9/nbia-api/services/v9/", "--list=series" }, "tcia-basket: " },
    { { "--api-url=not a url", "--list=collections" }, "tcia-basket: " },
    { { "--api-url=not a url" }, "tcia-basket: " },
    { { "--no-verify" }, "tcia-basket: --no-verify needs --download" },
    { { "--list=series", "--no-verify" }, "tcia-basket: --no-verify needs --download" },
    /* GLib's own errors: test-cli-scripting.c. */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };
      const char *args[7] = { 0 };
      guint n = 0;

      /* A server is at hand so that no case is refused for lack of one. */
      if (!g_str_has_prefix (cases[i].args[0], "--api-url"))
        args[n++] = api_url;
      for (guint a = 0; cases[i].args[a] != NULL; a++)
        args[n++] = cases[i].args[a];

      run_cli_env (&run, NULL, args);
      g_test_message ("%s → %d %s", cases[i].args[0], run.status, run.err);
      assert_one_error_line (&run, cases[i].prefix);
      g_assert_cmpstr (run.out, ==, "");
    }
}

static void
test_version (void)
{
  g_auto(Run) run = { 0 };

  run_cli (&run, "--version");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "tcia-basket " PACKAGE_VERSION "\n");
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_server_error (void)
{
  g_autofree char *api_url = option ("api-url", url_v4);
  g_autofree char *collection = option ("collection", spaced_collection);

  /* A server that fails every time: given up on after the retries. */
  {
    g_auto(Run) run = { 0 };

    fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_HTTP_500, 0, NULL);
    run_cli (&run, api_url, "--list=series", collection);
    fake_nbia_clear_faults (fake);
    assert_one_error_line (&run, "tcia-basket: could not list series: ");
    g_assert_nonnull (strstr (run.err, "500"));
    g_assert_cmpstr (run.out, ==, "");
  }

  /* A 400 is not retried and its text is shown. */
  {
    g_auto(Run) run = { 0 };

    fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_HTTP_400, 1, NULL);
    run_cli (&run, api_url, "--list=patients", collection);
    fake_nbia_clear_faults (fake);
    assert_one_error_line (&run, "tcia-basket: could not list patients: ");
    g_assert_nonnull (strstr (run.err, "Simulated bad request"));
    g_assert_cmpstr (run.out, ==, "");
  }

  /* A body that is not JSON. */
  {
    g_auto(Run) run = { 0 };

    fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_MALFORMED_JSON, 0, NULL);
    run_cli (&run, api_url, "--list=collections");
    fake_nbia_clear_faults (fake);
    assert_one_error_line (&run, "tcia-basket: could not list collections: ");
    g_assert_cmpstr (run.out, ==, "");
  }

  /* One failure then success: the listing holds every row once. */
  {
    g_auto(Run) run = { 0 };
    g_autoptr(GHashTable) expected = expected_series (spaced_collection);
    g_autoptr(GPtrArray) records = NULL;

    fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_DROP, 1, NULL);
    run_cli (&run, api_url, "--list=series", collection, "--format=csv");
    fake_nbia_clear_faults (fake);
    g_assert_cmpint (run.status, ==, 0);
    records = parse_csv (run.out);
    g_assert_cmpuint (records->len - 1, ==, g_hash_table_size (expected));
  }
}

/* `tcia-basket --list=series | head -1`: a reader that goes away before the
 * first byte ends the program as it ends seq, killed by SIGPIPE without a
 * word, not with a storm of errors or a hang. (After the first line:
 * test-cli-scripting.c.) */
static void
test_closed_pipe (void)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *api_url = option ("api-url", url_v4);

  process = spawn_cli ((const char *const[]) { api_url, "--list=series", NULL });
  g_input_stream_close (g_subprocess_get_stdout_pipe (process), NULL, &error);
  g_assert_no_error (error);
  assert_quiet_sigpipe (process);
}

static gboolean
contains_bytes (const char *haystack,
                gsize       len,
                const char *needle)
{
  gsize n = strlen (needle);

  for (const char *p = haystack; len >= n && (gsize) (p - haystack) <= len - n; p++)
    {
      p = memchr (p, needle[0], len - n - (gsize) (p - haystack) + 1);
      if (p == NULL)
        return FALSE;
      if (memcmp (p, needle, n) == 0)
        return TRUE;
    }

  return FALSE;
}

/* The installed program must not let its environment shorten its retries
 * (a user with the variable set would hammer a struggling server).
 *
 * Behaviour: against a server that answers 500 every time, the test build
 * told TCIA_TEST_RETRY_DELAY_MS=1 makes its five attempts within a few
 * milliseconds. The installed program, ignoring the variable, waits a
 * random 0-0.5 s, then 0-1 s, 0-2 s, 0-4 s between them: the chance that
 * it reaches its fifth attempt within 300 ms of the first is below 1e-4.
 * So the check below cannot fail on a correct program, however slow the
 * machine; on a program that obeys the variable it fails unless five
 * requests take longer than 300 ms. */
static void
test_installed_ignores_test_env (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *api_url = option ("api-url", url_v4);
  g_autofree char *contents = NULL;
  gsize len = 0;
  const char *name = "TCIA_TEST_RETRY_DELAY_MS";
  guint seen;

  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_HTTP_500, 0, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "TCIA_API_URL");
  g_subprocess_launcher_setenv (launcher, name, "1", TRUE);
  seen = fake_nbia_get_request_count (fake, "getCollectionValuesAndCounts");
  process = g_subprocess_launcher_spawn (launcher, &error, TCIA_BASKET_INSTALLED, api_url,
                                         "--list=collections", NULL);
  g_assert_no_error (error);

  for (guint i = 0; i < 4000 && fake_nbia_get_request_count (fake, "getCollectionValuesAndCounts") == seen; i++)
    g_usleep (5 * 1000);
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getCollectionValuesAndCounts"), >, seen);
  g_usleep (300 * 1000);
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getCollectionValuesAndCounts") - seen, <, 5);

  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  fake_nbia_clear_faults (fake);

  /* And the name of the variable is not even in the installed program,
   * while the test build has it (so that this check means something). */
  g_assert_true (g_file_get_contents (TCIA_BASKET_INSTALLED, &contents, &len, &error));
  g_assert_no_error (error);
  g_assert_false (contains_bytes (contents, len, name));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (TCIA_BASKET, &contents, &len, &error));
  g_assert_no_error (error);
  g_assert_true (contains_bytes (contents, len, name));
}

/* Whatever a manifest or a server holds, no terminal escape reaches
 * stderr: a file name or a line quoted in a message is cleaned first. */
static void
test_no_terminal_escapes (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-cli-escapes-XXXXXX", &error);
  g_autofree char *manifest = g_build_filename (dir, "\033]0;owned\007.tcia", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *api_url = option ("api-url", url_v4);
  g_autofree char *download = option ("download", manifest);
  g_autofree char *output = option ("output", out);
  g_auto(Run) run = { 0 };

  g_assert_no_error (error);
  g_file_set_contents (manifest,
                       "downloadServerUrl=x\nmanifestVersion=3.0\nListOfSeriesToDownload=\n"
                       "\033[2J\033]0;owned\0071.2.3\r\n\033[31mred\n", -1, &error);
  g_assert_no_error (error);
  run_cli (&run, api_url, download, output);
  g_assert_cmpint (run.status, !=, 0);
  g_assert_cmpstr (run.err, !=, "");
  g_assert_null (strchr (run.err, '\033'));
  g_assert_null (strchr (run.err, '\007'));
  g_assert_null (strchr (run.err, '\r'));

  g_unlink (manifest);
  g_rmdir (out);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  FakeNbiaOptions options;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  fake_nbia_options_init (&options);
  options.n_series = 120;
  fake = fake_nbia_new (&options);
  fake_nbia_start_in_thread (fake, 0, &error);
  g_assert_no_error (error);
  url_v4 = fake_nbia_get_url (fake, 4);
  url_v1 = fake_nbia_get_url (fake, 1);

  for (const char * const *names = fake_nbia_get_collections (fake); *names != NULL; names++)
    {
      if (strchr (*names, ' ') != NULL)
        {
          spaced_collection = *names;
          break;
        }
    }
  g_assert_nonnull (spaced_collection);

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
  g_test_add_func ("/cli/api-url", test_api_url_sources);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/server-error", test_server_error);
  g_test_add_func ("/cli/closed-pipe", test_closed_pipe);
  g_test_add_func ("/cli/installed-ignores-test-env", test_installed_ignores_test_env);
  g_test_add_func ("/cli/no-terminal-escapes", test_no_terminal_escapes);

  status = g_test_run ();

  g_clear_pointer (&url_v4, g_free);
  g_clear_pointer (&url_v1, g_free);
  g_clear_pointer (&fake, fake_nbia_free);

  return status;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-fake-nbia"

#include "fake-nbia-test-util.h"
#include "fake-sanitizer.h"

/* The fake NBIA server's contract (tcia-api.md §2-§4, §7): what every client
 * test relies on. The server runs in a thread of its own; requests are made
 * with a plain, synchronous SoupSession from the test's thread. Here: the
 * archive, v4's and v1's conventions, determinism and the program;
 * test-fake-nbia-image.c has getImage, test-fake-nbia-faults.c the faults. */

/* ---- the archive ---- */

static void
test_archive_default (void)
{
  const char * const *collections = fake_nbia_get_collections (server);
  g_autoptr(GHashTable) modalities = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean spaces = FALSE, no_body_part = FALSE, no_manufacturer = FALSE;
  guint n = 0;

  for (n = 0; collections[n] != NULL; n++)
    spaces |= strchr (collections[n], ' ') != NULL;
  g_assert_cmpuint (n, >=, 3);
  g_assert_true (spaces);
  g_assert_cmpuint (fake_nbia_get_n_series (server), ==, 40);

  for (guint i = 0; i < fake_nbia_get_n_series (server); i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (server, i, &info);
      g_assert_true (g_str_has_prefix (info.series_uid, "1.3.6.1.4.1.14519.5.2.1."));
      g_assert_cmpuint (strlen (info.series_uid), <=, 64);
      g_assert_cmpint (fake_nbia_find_series (server, info.series_uid), ==, i);
      g_assert_cmpuint (info.image_count, >=, 1);
      g_assert_cmpuint (info.file_size, >, info.image_count * 512);
      g_hash_table_add (modalities, (gpointer) info.modality);
      no_body_part |= info.body_part == NULL;
      no_manufacturer |= info.manufacturer == NULL;
    }
  g_assert_cmpuint (g_hash_table_size (modalities), >=, 3);
  g_assert_true (no_body_part);
  g_assert_true (no_manufacturer);
  g_assert_cmpint (fake_nbia_find_series (server, "1.2.3"), ==, -1);
}

static void
test_archive_large (void)
{
  FakeNbiaOptions options;
  FakeNbia *big;
  gint64 start = g_get_monotonic_time ();
  guint n = 0;

  fake_nbia_options_init (&options);
  options.n_series = 100000;
  big = fake_nbia_new (&options);
  g_test_message ("100000 series built in %.3f s",
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (fake_nbia_get_n_series (big), ==, 100000);
  while (fake_nbia_get_collections (big)[n] != NULL)
    n++;
  g_assert_cmpuint (n, >, 10);
  fake_nbia_free (big);
}

/* ---- v4 and v1 conventions ---- */

static void
test_v4_miscased_param (void)
{
  g_autoptr(Reply) r = get (v4, "getSeries?collection=RIDER%20Lung%20CT");
  g_autofree char *text = body_text (r);

  g_assert_cmpuint (r->status, ==, 400);
  g_assert_cmpstr (content_type (r), ==, "text/plain");
  g_assert_true (g_str_has_prefix (text, "Invalid query parameter: 'collection'. "
                                         "Allowed parameters are: ["));
  g_assert_true (g_str_has_suffix (text, "]"));
  g_assert_nonnull (strstr (text, "Collection"));
  g_assert_nonnull (strstr (text, "SeriesInstanceUID"));
  g_assert_nonnull (strstr (text, "format"));
}

static void
test_v4_format_refused (void)
{
  g_autoptr(Reply) counts = get (v4, "getModalityValuesAndCounts?format=json");
  g_autoptr(Reply) image = get (v4, "getImage?SeriesInstanceUID=1.2.3&format=csv");
  g_autoptr(Reply) extra = get (v4, "getCollectionValues?_=12345");

  g_assert_cmpuint (counts->status, ==, 400);
  g_assert_cmpuint (image->status, ==, 400);
  g_assert_cmpuint (extra->status, ==, 400);
}

static void
test_bad_format (void)
{
  g_autoptr(Reply) r = get (v4, "getSeries?format=yaml");

  assert_text (r, 500, "Server was not able to process your request");
}

static void
test_v1_ignores_unknown (void)
{
  g_autoptr(Reply) r = get (v1, "getSeries?collection=nothing-like-this");
  g_autoptr(JsonArray) rows = parse_array (r);

  g_assert_cmpuint (json_array_get_length (rows), ==, fake_nbia_get_n_series (server));
}

static void
test_empty_body (void)
{
  g_autoptr(Reply) series = get (v4, "getSeries?Collection=No%20Such%20Collection");
  g_autoptr(Reply) series_v1 = get (v1, "getSeries?Collection=No%20Such%20Collection");
  g_autoptr(Reply) patients = get (v4, "getPatient?Collection=nope&format=csv");
  g_autoptr(Reply) cart = get (v1, "getContentsByName?name=nbia-0");
  g_autoptr(Reply) meta = get (v1, "getSeriesMetaData?SeriesInstanceUID=1.2.3");
  g_autoptr(Reply) desc = get (v4, "getCollectionDescriptions?collectionName=nope");

  assert_empty (series);
  assert_empty (series_v1);
  assert_empty (patients);
  assert_empty (cart);
  g_assert_cmpuint (meta->status, ==, 204);
  assert_text (desc, 200, "[]");
}

static void
test_nulls_omitted (void)
{
  g_autoptr(Reply) r = get (v4, "getSeries");
  g_autoptr(JsonArray) rows = parse_array (r);
  g_autoptr(Reply) d = get (v4, "getCollectionDescriptions");
  g_autoptr(JsonArray) descriptions = parse_array (d);
  gboolean missing_body_part = FALSE, explicit_null = FALSE;

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      g_autoptr(GList) values = json_object_get_values (row);

      g_assert_false (json_object_has_member (row, "AdmittingDiagnosisDescription"));
      missing_body_part |= !json_object_has_member (row, "BodyPartExamined");
      g_assert_cmpint (json_object_get_int_member (row, "Authorized"), ==, 1);
      for (GList *v = values; v != NULL; v = v->next)
        g_assert_false (JSON_NODE_HOLDS_NULL (v->data));
    }
  g_assert_true (missing_body_part);

  /* getCollectionDescriptions is Jackson: nulls are written. */
  for (guint i = 0; i < json_array_get_length (descriptions); i++)
    {
      JsonObject *o = json_array_get_object_element (descriptions, i);

      g_assert_true (json_object_has_member (o, "description"));
      g_assert_true (json_object_has_member (o, "descriptionURI"));
      explicit_null |= json_object_get_null_member (o, "description");
    }
  g_assert_true (explicit_null);
}

static gboolean
matches (const char *pattern,
         const char *text)
{
  return text != NULL && g_regex_match_simple (pattern, text, 0, 0);
}

static void
test_versions (void)
{
  g_autoptr(Reply) r4 = get (v4, "getSeries?Collection=Soft-tissue-Sarcoma");
  g_autoptr(Reply) r1 = get (v1, "getSeries?Collection=Soft-tissue-Sarcoma");
  g_autoptr(JsonArray) rows4 = parse_array (r4);
  g_autoptr(JsonArray) rows1 = parse_array (r1);
  g_autoptr(Reply) s4 = get (v4, "getPatientStudy?Collection=Soft-tissue-Sarcoma");
  g_autoptr(JsonArray) studies4 = parse_array (s4);
  g_autofree char *meta_path = series_path ("getSeriesMetaData", 0, NULL);
  g_autoptr(Reply) m1 = get (v1, meta_path);
  g_autoptr(JsonArray) meta = parse_array (m1);
  JsonObject *row4 = json_array_get_object_element (rows4, 0);
  JsonObject *row1 = json_array_get_object_element (rows1, 0);
  JsonObject *m = json_array_get_object_element (meta, 0);

  g_assert_cmpuint (json_array_get_length (rows4), ==, json_array_get_length (rows1));
  g_assert_true (matches ("^\\d\\d-\\d\\d-\\d{4}$", json_object_get_string_member (row4,
                                                                                 "SeriesDate")));
  g_assert_true (matches ("^\\d\\d-\\d\\d-\\d{4}$",
                          json_object_get_string_member (row4, "DateReleased")));
  g_assert_true (matches ("^\\d{4}-\\d\\d-\\d\\d 00:00:00\\.0$",
                          json_object_get_string_member (row1, "StudyDate")));
  g_assert_true (matches ("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.0$",
                          json_object_get_string_member (row1, "DateReleased")));
  g_assert_true (matches ("^\\d\\d-\\d\\d-\\d{4}$", string_member (studies4, 0, "StudyDate")));

  g_assert_true (json_object_has_member (row4, "MaxSubmissionTimestamp"));
  g_assert_true (json_object_has_member (row4, "DataDescriptionURI"));
  g_assert_true (json_object_has_member (row4, "Site"));
  g_assert_cmpint (json_object_get_int_member (row4, "Authorized"), ==, 1);
  g_assert_false (json_object_has_member (row4, "TimeStamp"));
  g_assert_true (json_object_has_member (row1, "TimeStamp"));
  g_assert_true (json_object_has_member (row1, "CollectionURI"));
  g_assert_false (json_object_has_member (row1, "Authorized"));
  g_assert_false (json_object_has_member (row1, "MaxSubmissionTimestamp"));
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (row4, "SeriesNumber")),
                   ==, G_TYPE_INT64);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (row4, "FileSize")),
                   ==, G_TYPE_INT64);

  /* v1 getSeriesMetaData: display names, strings only, Java dates. */
  g_assert_true (matches ("^\\d\\d-\\d\\d-\\d{4}$", json_object_get_string_member (m, "Study Date")));
  g_assert_true (matches ("^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \\d\\d "
                          "\\d\\d:\\d\\d:\\d\\d UTC \\d{4}$",
                          json_object_get_string_member (m, "Date Released")));
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (m, "File Size")),
                   ==, G_TYPE_STRING);
  g_assert_true (json_object_has_member (m, "Series UID"));
  g_assert_true (json_object_has_member (m, "3rd Party Analysis"));
}

static void
test_collection_with_spaces (void)
{
  g_autoptr(Reply) pct = get (v4, "getSeries?Collection=RIDER%20Lung%20CT");
  g_autoptr(Reply) plus = get (v4, "getSeries?Collection=RIDER+Lung+CT");
  g_autoptr(Reply) lower = get (v4, "getSeries?Collection=rider%20lung%20ct");
  g_autoptr(JsonArray) rows = parse_array (pct);

  g_assert_cmpuint (json_array_get_length (rows), >, 0);
  g_assert_true (g_bytes_equal (pct->body, plus->body));
  g_assert_true (g_bytes_equal (pct->body, lower->body));
  g_assert_cmpstr (string_member (rows, 0, "Collection"), ==, "RIDER Lung CT");
}

static void
test_csv (void)
{
  g_autoptr(Reply) r = get (v4, "getSeries?Collection=RIDER%20Lung%20CT&format=csv");
  g_autoptr(Reply) single = get (v4, "getCollectionValues?format=CSV");
  g_autofree char *text = body_text (r);
  g_autofree char *single_text = body_text (single);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (content_type (r), ==, "text/csv");
  g_assert_true (g_str_has_prefix (lines[0], "\"SeriesInstanceUID\",\"StudyInstanceUID\","));
  g_assert_true (g_str_has_prefix (lines[1], "\"1.3.6.1.4.1.14519.5.2.1."));
  g_assert_true (g_regex_match_simple ("\"\\d+\\.000000\"", lines[1], 0, 0));
  g_assert_null (strchr (text, '\r'));
  g_assert_true (g_str_has_suffix (text, "\n"));
  g_assert_true (g_str_has_prefix (single_text, "Collection\n"));
  g_assert_nonnull (strstr (single_text, "\nRIDER Lung CT\n"));
}

static void
test_required_params (void)
{
  g_autoptr(Reply) size = get (v4, "getSeriesSize");
  g_autoptr(Reply) image = get (v4, "getImage");
  g_autoptr(Reply) single = get (v4, "getSingleImage?SeriesInstanceUID=1.2.3");
  g_autoptr(Reply) unknown4 = get (v4, "getImage?SeriesInstanceUID=1.2.3&NewFileNames=Yes");
  g_autoptr(Reply) unknown1 = get (v1, "getImage?SeriesInstanceUID=1.2.3");
  g_autoptr(Reply) by_modality = get (v4, "getPatientByCollectionAndModality?Collection=x");
  g_autoptr(Reply) cart = get (v1, "getContentsByName");
  g_autoptr(Reply) meta = post (v4, "getSeriesMetadata", "format=json");

  assert_text (size, 400, "A parameter, SeriesInstanceUID is required for this API call.");
  assert_text (image, 400, "A parameter, SeriesInstanceUID, is required for this API call.");
  assert_text (single, 400, "A parameter, SeriesInstanceUID and SOPInstanceUID, are required "
                            "for this API call.");
  assert_text (unknown4, 400, "The user has not been granted the access to image with given "
                              "SeriesInstanceUID,1.2.3. Please contact System Admin to resolve "
                              "this issue.");
  assert_text (unknown1, 400, "Image with given SeriesInstanceUID,1.2.3, is not in public "
                              "domain.");
  assert_text (by_modality, 400, "A parameter, Collection and Modality, are required for this "
                                 "API call.");
  assert_text (cart, 400, "A parameter, name is required for this API call.");
  assert_text (meta, 400, "A form parameter, list, containing at least one SeriesInstanceUID "
                          "is required.");
}

static void
test_value_endpoints (void)
{
  g_autoptr(Reply) mods = get (v4, "getModalityValues");
  g_autoptr(JsonArray) modalities = parse_array (mods);
  g_autoptr(Reply) parts = get (v4, "getBodyPartValuesAndCounts");
  g_autoptr(JsonArray) counts = parse_array (parts);
  g_autoptr(Reply) colls = get (v4, "getCollectionValues");
  g_autoptr(JsonArray) collections = parse_array (colls);
  g_autoptr(GHashTable) patients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_hash_table_unref);

  g_assert_cmpuint (json_array_get_length (modalities), >=, 3);
  g_assert_true (has_member (modalities, 0, "Modality"));
  g_assert_cmpuint (json_array_get_length (collections), >=, 3);

  /* Counts are patient counts, keyed "BodyPart", upper-cased. */
  for (guint i = 0; i < fake_nbia_get_n_series (server); i++)
    {
      FakeNbiaSeriesInfo info;
      g_autofree char *upper = NULL;
      GHashTable *set;

      fake_nbia_get_series (server, i, &info);
      if (info.body_part == NULL)
        continue;
      upper = g_ascii_strup (info.body_part, -1);
      set = g_hash_table_lookup (patients, upper);
      if (set == NULL)
        {
          set = g_hash_table_new (g_str_hash, g_str_equal);
          g_hash_table_insert (patients, g_strdup (upper), set);
        }
      g_hash_table_add (set, (gpointer) info.patient_id);
    }
  g_assert_cmpuint (json_array_get_length (counts), ==, g_hash_table_size (patients));
  for (guint i = 0; i < json_array_get_length (counts); i++)
    {
      JsonObject *o = json_array_get_object_element (counts, i);
      const char *part = json_object_get_string_member (o, "BodyPart");
      GHashTable *set = g_hash_table_lookup (patients, part);

      g_assert_nonnull (set);
      g_assert_cmpint (json_object_get_int_member (o, "Count"), ==, g_hash_table_size (set));
      g_assert_cmpint (json_object_get_int_member (o, "Authorized"), ==, 1);
    }
}

static void
test_series_endpoints (void)
{
  guint index = pick_series (server, 3);
  FakeNbiaSeriesInfo info;
  g_autofree char *size_path = series_path ("getSeriesSize", index, NULL);
  g_autofree char *sops_path = series_path ("getSOPInstanceUIDs", index, NULL);
  g_autoptr(Reply) size = get (v4, size_path);
  g_autoptr(JsonArray) size_rows = parse_array (size);
  g_autoptr(Reply) sops = get (v4, sops_path);
  g_autoptr(JsonArray) sop_rows = parse_array (sops);
  g_autoptr(Reply) one = NULL;
  g_autoptr(Reply) md5 = NULL;
  g_autoptr(Reply) md5_v1 = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected_md5 = NULL;
  g_autofree char *md5_text = NULL;
  g_autofree char *md5_v1_text = NULL;
  g_autofree char *md5_direct = NULL;
  const char *sop;
  gsize length;
  const guint8 *data;

  fake_nbia_get_series (server, index, &info);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (size_rows, 0),
                                               "TotalSizeInBytes"), ==, info.file_size);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (size_rows, 0),
                                               "ObjectCount"), ==, info.image_count);
  g_assert_cmpuint (json_array_get_length (sop_rows), ==, info.image_count);

  sop = string_member (sop_rows, 1, "SOPInstanceUID");
  path = g_strdup_printf ("getSingleImage?SeriesInstanceUID=%s&SOPInstanceUID=%s",
                          info.series_uid, sop);
  one = get (v4, path);
  g_assert_no_error (one->error);
  g_assert_cmpuint (one->status, ==, 200);
  g_assert_cmpstr (content_type (one), ==, "application/dicom");
  g_assert_cmpint (soup_message_headers_get_content_length (one->headers), ==,
                   g_bytes_get_size (one->body));
  g_assert_true (g_str_has_suffix (soup_message_headers_get_one (one->headers,
                                                                 "Content-Disposition"),
                                   ".dcm"));
  data = g_bytes_get_data (one->body, &length);
  g_assert_cmpuint (length, >, 132);
  g_assert_cmpmem (data + 128, 4, "DICM", 4);

  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("getMD5HashForImage?SOPInstanceUID=%s", sop);
  md5 = get (v4, path);
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("getM5HashForImage?SOPInstanceUid=%s", sop);
  md5_v1 = get (v1, path);
  expected_md5 = g_compute_checksum_for_bytes (G_CHECKSUM_MD5, one->body);
  md5_text = body_text (md5);
  md5_v1_text = body_text (md5_v1);
  g_assert_cmpstr (md5_text, ==, expected_md5);
  g_assert_cmpstr (md5_v1_text, ==, expected_md5);
  g_assert_cmpstr (content_type (md5), ==, "text/plain");
  md5_direct = fake_nbia_get_image_md5 (server, index, 1);
  g_assert_cmpstr (expected_md5, ==, md5_direct);
}

static void
test_series_metadata_post (void)
{
  FakeNbiaSeriesInfo a, b;
  g_autofree char *form = NULL;
  g_autofree char *form_json = NULL;
  g_autoptr(Reply) csv = NULL;
  g_autoptr(Reply) json = NULL;
  g_autoptr(JsonArray) rows = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  fake_nbia_get_series (server, 0, &a);
  fake_nbia_get_series (server, 1, &b);
  form = g_strdup_printf ("list=%s,%s", a.series_uid, b.series_uid);
  form_json = g_strdup_printf ("list=%s&list=%s&format=json", a.series_uid, b.series_uid);
  csv = post (v4, "getSeriesMetadata", form);
  json = post (v4, "getSeriesMetadata", form_json);
  rows = parse_array (json);

  g_assert_cmpuint (csv->status, ==, 200);
  g_assert_cmpstr (content_type (csv), ==, "text/csv");
  g_assert_nonnull (strstr (soup_message_headers_get_one (csv->headers, "Content-Disposition"),
                            "SeriesMetaData.csv"));
  text = body_text (csv);
  lines = g_strsplit (text, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "\"PatientID\",\"PatientName\","));
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpuint (json_array_get_length (rows), ==, 2);
  g_assert_cmpstr (string_member (rows, 1, "SeriesInstanceUID"), ==, b.series_uid);
  g_assert_true (has_member (rows, 0, "PixelSpacing(mm)-Row"));
}

static void
test_manifest_and_carts (void)
{
  FakeNbiaSeriesInfo a, b;
  g_autofree char *form = NULL;
  g_autoptr(Reply) manifest = NULL;
  g_autoptr(Reply) bad = NULL;
  g_autoptr(Reply) cart = get (v1, "getContentsByName?name=nbia-49121659384603347");
  g_autoptr(JsonArray) rows = parse_array (cart);
  g_autoptr(GArray) expected = fake_nbia_get_cart (server, "nbia-49121659384603347");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  fake_nbia_get_series (server, 0, &a);
  fake_nbia_get_series (server, 2, &b);
  form = g_strdup_printf ("list=%s&list=%s&includeAnnotation=false", a.series_uid,
                          b.series_uid);
  manifest = post (v4, "getManifestText", form);
  bad = post (v4, "getManifestText", "list=1.2.3&Collection=x");
  text = body_text (manifest);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (manifest->status, ==, 200);
  g_assert_cmpstr (content_type (manifest), ==, "application/x-nbia-manifest-file");
  g_assert_true (g_str_has_prefix (lines[0], "downloadServerUrl="));
  g_assert_cmpstr (lines[1], ==, "includeAnnotation=false");
  g_assert_cmpstr (lines[2], ==, "noOfrRetry=4");
  g_assert_true (g_str_has_prefix (lines[3], "databasketId=manifest-"));
  g_assert_cmpstr (lines[4], ==, "manifestVersion=3.0");
  g_assert_cmpstr (lines[5], ==, "ListOfSeriesToDownload=");
  g_assert_cmpstr (lines[6], ==, a.series_uid);
  g_assert_cmpstr (lines[7], ==, b.series_uid);
  g_assert_cmpuint (bad->status, ==, 400);

  g_assert_cmpuint (json_array_get_length (rows), ==, expected->len);
  g_assert_cmpuint (json_array_get_length (rows), ==, 6);
  g_assert_cmpstr (string_member (rows, 0, "SeriesInstanceUID"), ==, a.series_uid);
  g_assert_true (has_member (rows, 0, "Date Released"));
  g_assert_false (has_member (rows, 0, "Authorized"));
}

static void
test_simple_search (void)
{
  g_autoptr(Reply) r = post (v4, "getSimpleSearch",
                             "criteriaType0=CollectionCriteria&value0=RIDER+Lung+CT&"
                             "sortField=subject&sortDirection=ascending&start=0&size=10&"
                             "tool=test");
  g_autoptr(Reply) missing = post (v4, "getSimpleSearch",
                                   "criteriaType0=CollectionCriteria&value0=RIDER+Lung+CT");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *results;

  g_assert_cmpuint (r->status, ==, 200);
  json_parser_load_from_data (parser, g_bytes_get_data (r->body, NULL),
                              g_bytes_get_size (r->body), &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  results = json_object_get_array_member (root, "resultSet");
  g_assert_cmpuint (json_array_get_length (results), >, 0);
  g_assert_cmpstr (string_member (results, 0, "project"), ==, "RIDER Lung CT");
  g_assert_cmpint (json_object_get_int_member (root, "totalPatients"), >=,
                   json_array_get_length (results));
  g_assert_cmpuint (missing->status, ==, 500);
}

/* ---- determinism ---- */

static GBytes *
series_body_of (guint   n_series,
                guint32 seed)
{
  FakeNbiaOptions options;
  FakeNbia *s;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(Reply) r = NULL;

  fake_nbia_options_init (&options);
  options.n_series = n_series;
  options.seed = seed;
  s = fake_nbia_new (&options);
  fake_nbia_start_in_thread (s, 0, &error);
  g_assert_no_error (error);
  url = fake_nbia_get_url (s, 4);
  r = get (url, "getSeries");
  g_assert_cmpuint (r->status, ==, 200);
  fake_nbia_free (s);
  return g_bytes_ref (r->body);
}

static void
test_determinism (void)
{
  g_autoptr(GBytes) a = series_body_of (500, 7);
  g_autoptr(GBytes) b = series_body_of (500, 7);
  g_autoptr(GBytes) c = series_body_of (500, 8);

  g_assert_true (g_bytes_equal (a, b));
  g_assert_false (g_bytes_equal (a, c));
}

/* ---- the program ---- */

static void
test_program (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *url = NULL;
  g_autoptr(Reply) r = NULL;
  g_autoptr(Reply) faulty = NULL;
  g_autoptr(GSubprocess) bad = NULL;
  g_autofree char *bad_err = NULL;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, FAKE_NBIA_PATH,
                           "--series=30", "--seed=3", "--fault=http-503:1", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  url = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_regex_match_simple ("^http://127\\.0\\.0\\.1:\\d+/nbia-api/services/v4/$",
                                       url, 0, 0));
  faulty = get (url, "getCollectionValues");
  g_assert_cmpuint (faulty->status, ==, 503);
  r = get (url, "getCollectionValues");
  g_assert_cmpuint (r->status, ==, 200);
  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait_check (proc, NULL, &error);
  g_assert_no_error (error);

  bad = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                          &error, FAKE_NBIA_PATH, "--fault=no-such-fault", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (bad, NULL, NULL, NULL, &bad_err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (bad), ==, 2);
  /* One line. */
  g_assert_true (g_str_has_suffix (bad_err, "\n"));
  g_assert_true (strchr (bad_err, '\n') == bad_err + strlen (bad_err) - 1);
}

int
main (int   argc,
      char *argv[])
{
  fake_nbia_test_init (&argc, &argv);

  g_test_add_func ("/fake-nbia/archive/default", test_archive_default);
  g_test_add_func ("/fake-nbia/archive/large", test_archive_large);
  g_test_add_func ("/fake-nbia/v4/miscased-param", test_v4_miscased_param);
  g_test_add_func ("/fake-nbia/v4/format-refused", test_v4_format_refused);
  g_test_add_func ("/fake-nbia/bad-format", test_bad_format);
  g_test_add_func ("/fake-nbia/v1/ignores-unknown-params", test_v1_ignores_unknown);
  g_test_add_func ("/fake-nbia/empty-body", test_empty_body);
  g_test_add_func ("/fake-nbia/nulls-omitted", test_nulls_omitted);
  g_test_add_func ("/fake-nbia/versions", test_versions);
  g_test_add_func ("/fake-nbia/collection-with-spaces", test_collection_with_spaces);
  g_test_add_func ("/fake-nbia/csv", test_csv);
  g_test_add_func ("/fake-nbia/required-params", test_required_params);
  g_test_add_func ("/fake-nbia/value-endpoints", test_value_endpoints);
  g_test_add_func ("/fake-nbia/series-endpoints", test_series_endpoints);
  g_test_add_func ("/fake-nbia/v4/series-metadata", test_series_metadata_post);
  g_test_add_func ("/fake-nbia/manifest-and-carts", test_manifest_and_carts);
  g_test_add_func ("/fake-nbia/v4/simple-search", test_simple_search);
  g_test_add_func ("/fake-nbia/determinism", test_determinism);
  g_test_add_func ("/fake-nbia/program", test_program);

  return fake_nbia_test_run ();
}

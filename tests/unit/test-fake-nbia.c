/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-fake-nbia"

#include <signal.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fake-nbia.h"
#include "fake-sanitizer.h"
#include "test-soup-util.h"

/* The fake NBIA server's contract (tcia-api.md §2-§4, §7): what every client
 * test relies on. The server runs in a thread of its own; requests are made
 * with a plain, synchronous SoupSession from the test's thread. */

static FakeNbia *server;          /* default archive, shared */
static SoupSession *session;
static char *v4;
static char *v1;

static Reply *
get (const char *base,
     const char *path)
{
  g_autofree char *url = g_strconcat (base, path, NULL);

  return send_message (session, soup_message_new ("GET", url));
}

static Reply *
post (const char *base,
      const char *path,
      const char *form)
{
  g_autofree char *url = g_strconcat (base, path, NULL);

  return send_message (session, soup_message_new_from_encoded_form ("POST", url,
                                                                    g_strdup (form)));
}

static char *
body_text (Reply *r)
{
  gsize length = 0;
  const char *data = r->body ? g_bytes_get_data (r->body, &length) : NULL;

  return g_strndup (data ? data : "", length);
}

static const char *
content_type (Reply *r)
{
  return soup_message_headers_get_content_type (r->headers, NULL);
}

static JsonArray *
parse_array (Reply *r)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data;
  JsonNode *root;

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (content_type (r), ==, "application/json");
  data = g_bytes_get_data (r->body, &length);
  json_parser_load_from_data (parser, data, length, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  return json_array_ref (json_node_get_array (root));
}

static void
assert_text (Reply      *r,
             guint       status,
             const char *text)
{
  g_autofree char *body = body_text (r);

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, status);
  g_assert_cmpstr (body, ==, text);
}

static void
assert_empty (Reply *r)
{
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (r->body), ==, 0);
  g_assert_null (content_type (r));
}

static gboolean
has_member (JsonArray  *rows,
            guint       i,
            const char *name)
{
  return json_object_has_member (json_array_get_object_element (rows, i), name);
}

static const char *
string_member (JsonArray  *rows,
               guint       i,
               const char *name)
{
  return json_object_get_string_member (json_array_get_object_element (rows, i), name);
}

/* The index of the first series with at least @min_images images and
 * NewFileNames groups, preferring one of several acquisitions. */
static guint
pick_series (FakeNbia *s,
             guint     min_images)
{
  for (guint i = 0; i < fake_nbia_get_n_series (s); i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (s, i, &info);
      if (info.image_count >= min_images)
        return i;
    }
  g_assert_not_reached ();
}

static char *
series_path (const char *endpoint,
             guint       index,
             const char *extra)
{
  FakeNbiaSeriesInfo info;

  fake_nbia_get_series (server, index, &info);
  return g_strdup_printf ("%s?SeriesInstanceUID=%s%s", endpoint, info.series_uid,
                          extra ? extra : "");
}

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

/* ---- getImage ---- */

typedef struct
{
  GPtrArray *names;
  GPtrArray *md5s;             /* of each entry, computed here */
  GHashTable *listed;          /* md5hashes.csv: name -> hash */
  GArray    *sizes;             /* guint64 of each entry */
  guint64    dicom_bytes;
  guint      n_dicoms;
  gboolean   all_dicm;
  int        result;           /* ARCHIVE_EOF when the archive ended well */
} ZipContents;

static void
zip_contents_free (ZipContents *z)
{
  g_ptr_array_unref (z->names);
  g_ptr_array_unref (z->md5s);
  g_array_unref (z->sizes);
  g_hash_table_unref (z->listed);
  g_free (z);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ZipContents, zip_contents_free)

/* Reads a ZIP from memory as a streaming client would; nothing touches the disk. */
static ZipContents *
read_zip (GBytes *body)
{
  ZipContents *z = g_new0 (ZipContents, 1);
  struct archive *a = archive_read_new ();
  struct archive_entry *entry;

  z->names = g_ptr_array_new_with_free_func (g_free);
  z->md5s = g_ptr_array_new_with_free_func (g_free);
  z->sizes = g_array_new (FALSE, FALSE, sizeof (guint64));
  z->listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  z->all_dicm = TRUE;
  archive_read_support_format_zip_streamable (a);
  g_assert_cmpint (archive_read_open_memory (a, g_bytes_get_data (body, NULL),
                                             g_bytes_get_size (body)), ==, ARCHIVE_OK);
  while ((z->result = archive_read_next_header (a, &entry)) == ARCHIVE_OK)
    {
      const char *name = archive_entry_pathname_utf8 (entry);
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_MD5);
      g_autoptr(GByteArray) data = g_byte_array_new ();
      guint8 buf[65536];
      la_ssize_t n;

      while ((n = archive_read_data (a, buf, sizeof buf)) > 0)
        {
          g_checksum_update (checksum, buf, n);
          g_byte_array_append (data, buf, n);
        }
      g_assert_cmpint (n, ==, 0);
      g_ptr_array_add (z->names, g_strdup (name));
      g_ptr_array_add (z->md5s, g_strdup (g_checksum_get_string (checksum)));
      g_array_append_vals (z->sizes, &(guint64) { data->len }, 1);
      if (g_str_has_suffix (name, ".dcm"))
        {
          z->n_dicoms++;
          z->dicom_bytes += data->len;
          z->all_dicm &= data->len > 132 && memcmp (data->data + 128, "DICM", 4) == 0;
        }
      if (strcmp (name, "md5hashes.csv") == 0 && data->len > 0)
        {
          g_autofree char *text = g_strndup ((char *) data->data, data->len);
          g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

          g_assert_cmpstr (lines[0], ==, "Filename,MD5Hash");
          for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
            {
              g_auto(GStrv) parts = g_strsplit (lines[i], ",", 2);

              g_assert_cmpuint (g_strv_length (parts), ==, 2);
              g_assert_true (g_regex_match_simple ("^[0-9a-f]{32}$", parts[1], 0, 0));
              g_hash_table_insert (z->listed, g_strdup (parts[0]), g_strdup (parts[1]));
            }
        }
    }
  archive_read_free (a);
  return z;
}

static gboolean
md5s_match (ZipContents *z)
{
  guint checked = 0;

  for (guint i = 0; i < z->names->len; i++)
    {
      const char *listed = g_hash_table_lookup (z->listed, z->names->pdata[i]);

      if (!g_str_has_suffix (z->names->pdata[i], ".dcm"))
        continue;
      if (g_strcmp0 (listed, z->md5s->pdata[i]) != 0)
        return FALSE;
      checked++;
    }
  return checked == g_hash_table_size (z->listed);
}

static void
test_get_image_new_names (void)
{
  guint index = pick_series (server, 4);
  FakeNbiaSeriesInfo info;
  g_autofree char *path = series_path ("getImage", index, "&NewFileNames=Yes&IncludeMD5=Yes");
  g_autoptr(Reply) r = get (v4, path);
  g_autoptr(ZipContents) z = NULL;
  g_autofree char *disposition = NULL;
  guint n;

  fake_nbia_get_series (server, index, &info);
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (content_type (r), ==, "application/octet-stream");
  disposition = g_strdup_printf ("attachment; filename=\"%s.zip\"", info.series_uid);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Content-Disposition"), ==,
                   disposition);
  g_assert_cmpint (soup_message_headers_get_encoding (r->headers), ==, SOUP_ENCODING_CHUNKED);
  g_assert_null (soup_message_headers_get_one (r->headers, "Content-Length"));

  z = read_zip (r->body);
  g_assert_cmpint (z->result, ==, ARCHIVE_EOF);
  n = z->names->len;
  g_assert_cmpuint (n, ==, info.image_count + 2);
  g_assert_cmpstr (z->names->pdata[0], ==, "LICENSE");
  g_assert_cmpstr (z->names->pdata[n - 1], ==, "md5hashes.csv");
  for (guint i = 1; i < n - 1; i++)
    g_assert_true (g_regex_match_simple ("^\\d+-\\d+\\.dcm$", z->names->pdata[i], 0, 0));
  g_assert_true (g_regex_match_simple ("^1-0*1\\.dcm$", z->names->pdata[1], 0, 0));
  g_assert_cmpuint (z->n_dicoms, ==, info.image_count);
  g_assert_cmpuint (z->dicom_bytes, ==, info.file_size);
  g_assert_true (z->all_dicm);
  g_assert_true (md5s_match (z));
}

static void
test_get_image_sequential (void)
{
  guint index = pick_series (server, 2);
  FakeNbiaSeriesInfo info;
  g_autofree char *path = series_path ("getImage", index, NULL);
  g_autoptr(Reply) r1 = get (v1, path);
  g_autofree char *md5_path = series_path ("getImageWithMD5Hash", index, NULL);
  g_autoptr(Reply) r2 = get (v4, md5_path);
  g_autoptr(ZipContents) z1 = read_zip (r1->body);
  g_autoptr(ZipContents) z2 = read_zip (r2->body);

  fake_nbia_get_series (server, index, &info);
  g_assert_cmpuint (z1->names->len, ==, info.image_count + 1);
  g_assert_cmpstr (z1->names->pdata[0], ==, "LICENSE");
  g_assert_cmpstr (z1->names->pdata[1], ==, "00000001.dcm");
  g_assert_cmpstr (z1->names->pdata[2], ==, "00000002.dcm");
  g_assert_cmpuint (g_hash_table_size (z1->listed), ==, 0);
  g_assert_cmpuint (z1->dicom_bytes, ==, info.file_size);

  g_assert_cmpuint (z2->names->len, ==, info.image_count + 1);
  g_assert_cmpstr (z2->names->pdata[0], ==, "00000001.dcm");
  g_assert_cmpstr (z2->names->pdata[info.image_count], ==, "md5hashes.csv");
  g_assert_true (md5s_match (z2));
}

static void
test_get_image_big (void)
{
  FakeNbiaOptions options;
  FakeNbia *big;
  FakeNbiaSeriesInfo info;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(Reply) r = NULL;
  g_autoptr(ZipContents) z = NULL;
  g_autofree char *path = NULL;
  guint index;

  fake_nbia_options_init (&options);
  options.n_series = 3;
  options.big_series_bytes = 12 * 1024 * 1024;
  big = fake_nbia_new (&options);
  fake_nbia_start_in_thread (big, 0, &error);
  g_assert_no_error (error);
  index = fake_nbia_get_n_series (big) - 1;
  fake_nbia_get_series (big, index, &info);
  g_assert_cmpstr (info.collection, ==, "Big-Series");
  g_assert_cmpuint (info.file_size, >, 11 * 1024 * 1024);
  g_assert_cmpuint (info.file_size, <, 13 * 1024 * 1024);

  url = fake_nbia_get_url (big, 4);
  path = g_strdup_printf ("getImage?SeriesInstanceUID=%s&NewFileNames=Yes&IncludeMD5=Yes",
                          info.series_uid);
  r = get (url, path);
  g_assert_no_error (r->error);
  z = read_zip (r->body);
  g_assert_cmpint (z->result, ==, ARCHIVE_EOF);
  g_assert_cmpuint (z->n_dicoms, ==, info.image_count);
  g_assert_cmpuint (z->dicom_bytes, ==, info.file_size);
  g_assert_true (md5s_match (z));
  /* Deflated, roughly as NBIA's are. */
  g_assert_cmpuint (g_bytes_get_size (r->body), <, info.file_size * 8 / 10);
  g_assert_cmpuint (g_bytes_get_size (r->body), >, info.file_size * 2 / 10);
  fake_nbia_free (big);
}

/* ---- colliding folder names ---- */

static gboolean
contains (const guint8 *data,
          gsize         length,
          const char   *text)
{
  gsize n = strlen (text);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (data + i, text, n) == 0)
      return TRUE;
  return FALSE;
}

/* Whether every DICOM file of the getImage ZIP @body has @uid in it. */
static guint
dicoms_with_uid (GBytes     *body,
                 const char *uid)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *entry;
  guint n = 0;

  archive_read_support_format_zip_streamable (a);
  g_assert_cmpint (archive_read_open_memory (a, g_bytes_get_data (body, NULL),
                                             g_bytes_get_size (body)), ==, ARCHIVE_OK);
  while (archive_read_next_header (a, &entry) == ARCHIVE_OK)
    {
      g_autoptr(GByteArray) data = g_byte_array_new ();
      guint8 buf[65536];
      la_ssize_t r;

      while ((r = archive_read_data (a, buf, sizeof buf)) > 0)
        g_byte_array_append (data, buf, r);
      if (g_str_has_suffix (archive_entry_pathname (entry), ".dcm") &&
          contains (data->data, data->len, uid))
        n++;
    }
  archive_read_free (a);
  return n;
}

static void
test_colliding_pairs (void)
{
  FakeNbiaOptions options;
  FakeNbia *plain, *colliding;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GHashTable) paired = g_hash_table_new (NULL, NULL);
  guint first, second;

  fake_nbia_options_init (&options);
  g_assert_cmpuint (options.colliding_pairs, ==, 0);
  plain = fake_nbia_new (&options);
  g_assert_false (fake_nbia_get_colliding_pair (plain, 0, &first, &second));
  options.colliding_pairs = 3;
  colliding = fake_nbia_new (&options);
  fake_nbia_start_in_thread (colliding, 0, &error);
  g_assert_no_error (error);
  url = fake_nbia_get_url (colliding, 4);
  g_assert_false (fake_nbia_get_colliding_pair (colliding, 3, &first, &second));

  for (guint k = 0; fake_nbia_get_colliding_pair (colliding, k, &first, &second); k++)
    {
      FakeNbiaSeriesInfo a, b;
      FakeNbiaSeriesInfo *pair[2] = { &a, &b };
      gsize la, lb;

      fake_nbia_get_series (colliding, first, &a);
      fake_nbia_get_series (colliding, second, &b);
      g_hash_table_add (paired, GUINT_TO_POINTER (first));
      g_hash_table_add (paired, GUINT_TO_POINTER (second));
      g_assert_cmpstr (a.study_uid, ==, b.study_uid);
      g_assert_cmpstr (a.series_number, ==, b.series_number);
      g_assert_cmpstr (a.series_description, ==, b.series_description);
      g_assert_cmpstr (a.series_uid, !=, b.series_uid);
      la = strlen (a.series_uid);
      lb = strlen (b.series_uid);
      g_assert_cmpuint (lb, <=, 64);
      g_assert_true (g_regex_match_simple ("^[1-9][0-9]*(\\.(0|[1-9][0-9]*))+$", b.series_uid,
                                           0, 0));
      g_assert_cmpstr (a.series_uid + la - 5, ==, b.series_uid + lb - 5);
      g_assert_cmpint (fake_nbia_find_series (colliding, a.series_uid), ==, first);
      g_assert_cmpint (fake_nbia_find_series (colliding, b.series_uid), ==, second);

      for (guint i = 0; i < 2; i++)
        {
          g_autofree char *path = NULL;
          g_autofree char *rows_path = NULL;
          g_autoptr(Reply) r = NULL;
          g_autoptr(Reply) rows = NULL;
          g_autoptr(JsonArray) array = NULL;
          g_autoptr(ZipContents) z = NULL;

          path = g_strdup_printf ("getImage?SeriesInstanceUID=%s&IncludeMD5=Yes",
                                  pair[i]->series_uid);
          r = get (url, path);
          g_assert_cmpuint (r->status, ==, 200);
          z = read_zip (r->body);
          g_assert_cmpint (z->result, ==, ARCHIVE_EOF);
          g_assert_cmpuint (z->n_dicoms, ==, pair[i]->image_count);
          g_assert_cmpuint (z->dicom_bytes, ==, pair[i]->file_size);
          g_assert_true (md5s_match (z));
          g_assert_cmpuint (dicoms_with_uid (r->body, pair[i]->series_uid), ==,
                            pair[i]->image_count);
          g_assert_cmpuint (dicoms_with_uid (r->body, pair[1 - i]->series_uid), ==, 0);

          rows_path = g_strdup_printf ("getSeries?SeriesInstanceUID=%s", pair[i]->series_uid);
          rows = get (url, rows_path);
          array = parse_array (rows);
          g_assert_cmpuint (json_array_get_length (array), ==, 1);
          g_assert_cmpstr (string_member (array, 0, "SeriesInstanceUID"), ==,
                           pair[i]->series_uid);
        }
    }
  g_assert_cmpuint (g_hash_table_size (paired), ==, 6);

  /* The other series are as they were. */
  g_assert_cmpuint (fake_nbia_get_n_series (colliding), ==, fake_nbia_get_n_series (plain));
  for (guint i = 0; i < fake_nbia_get_n_series (plain); i++)
    {
      FakeNbiaSeriesInfo p, c;

      if (g_hash_table_contains (paired, GUINT_TO_POINTER (i)))
        continue;
      fake_nbia_get_series (plain, i, &p);
      fake_nbia_get_series (colliding, i, &c);
      g_assert_cmpstr (p.series_uid, ==, c.series_uid);
      g_assert_cmpstr (p.series_number, ==, c.series_number);
      g_assert_cmpstr (p.series_description, ==, c.series_description);
      g_assert_cmpuint (p.file_size, ==, c.file_size);
    }
  fake_nbia_free (colliding);
  fake_nbia_free (plain);

  /* More pairs than studies of two: studies are given a second series. */
  options.colliding_pairs = 1000;
  colliding = fake_nbia_new (&options);
  {
    g_autoptr(GHashTable) uids = g_hash_table_new (g_str_hash, g_str_equal);
    guint k = 0;

    for (; fake_nbia_get_colliding_pair (colliding, k, &first, &second); k++)
      {
        FakeNbiaSeriesInfo a, b;

        fake_nbia_get_series (colliding, first, &a);
        fake_nbia_get_series (colliding, second, &b);
        g_assert_cmpstr (a.study_uid, ==, b.study_uid);
        g_assert_cmpstr (a.series_number, ==, b.series_number);
        g_assert_cmpstr (a.series_uid + strlen (a.series_uid) - 5, ==,
                         b.series_uid + strlen (b.series_uid) - 5);
      }
    g_assert_cmpuint (k, >, 3);
    for (guint i = 0; i < fake_nbia_get_n_series (colliding); i++)
      {
        FakeNbiaSeriesInfo info;

        fake_nbia_get_series (colliding, i, &info);
        g_assert_true (g_hash_table_add (uids, (gpointer) info.series_uid));
        g_assert_cmpint (fake_nbia_find_series (colliding, info.series_uid), ==, i);
      }
  }
  fake_nbia_free (colliding);
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

/* ---- faults ---- */

static void
test_fault_http (void)
{
  g_autoptr(Reply) r429 = NULL;
  g_autoptr(Reply) r503 = NULL;
  g_autoptr(Reply) r500 = NULL;
  g_autoptr(Reply) r400 = NULL;
  g_autoptr(Reply) html = NULL;
  g_autoptr(Reply) ok = NULL;
  g_autofree char *text = NULL;

  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTTP_429, 1, NULL);
  r429 = get (v4, "getCollectionValues");
  g_assert_cmpuint (r429->status, ==, 429);
  g_assert_cmpstr (soup_message_headers_get_one (r429->headers, "Retry-After"), ==, "1");

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTTP_503, 1, NULL);
  r503 = get (v4, "getCollectionValues");
  g_assert_cmpuint (r503->status, ==, 503);
  g_assert_nonnull (soup_message_headers_get_one (r503->headers, "Retry-After"));

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTTP_500, 1, NULL);
  r500 = get (v4, "getCollectionValues");
  g_assert_cmpuint (r500->status, ==, 500);

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTTP_400, 1, NULL);
  r400 = get (v4, "getCollectionValues");
  text = body_text (r400);
  g_assert_cmpuint (r400->status, ==, 400);
  g_assert_true (g_str_has_prefix (text, "Simulated bad request: "));

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTML_PAGE, 1, NULL);
  html = get (v4, "getCollectionValues");
  g_assert_cmpuint (html->status, ==, 200);
  g_assert_true (g_str_has_prefix (content_type (html), "text/html"));

  ok = get (v4, "getCollectionValues");
  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_cmpstr (content_type (ok), ==, "application/json");
}

/* An NBIA that needs an hour, and a maintenance page where a ZIP should be. */
static void
test_fault_retry_after_long_and_html (void)
{
  g_autofree char *path = series_path ("getImage", 0, NULL);
  g_autoptr(Reply) busy = NULL;
  g_autoptr(Reply) html = NULL;
  g_autoptr(Reply) ok = NULL;
  g_autofree char *text = NULL;

  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_RETRY_AFTER_LONG, 1, NULL);
  busy = get (v4, path);
  g_assert_cmpuint (busy->status, ==, 503);
  g_assert_cmpstr (soup_message_headers_get_one (busy->headers, "Retry-After"), ==, "3600");

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTML_PAGE, 1, NULL);
  html = get (v4, path);
  g_assert_no_error (html->error);
  g_assert_cmpuint (html->status, ==, 200);
  g_assert_true (g_str_has_prefix (content_type (html), "text/html"));
  g_assert_null (soup_message_headers_get_one (html->headers, "Content-Disposition"));
  text = body_text (html);
  g_assert_true (g_str_has_prefix (text, "<!DOCTYPE html>"));

  ok = get (v4, path);
  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_cmpstr (content_type (ok), ==, "application/octet-stream");
}

static void
test_fault_no_counts (void)
{
  FakeNbiaSeriesInfo a, b;
  g_autoptr(Reply) all = NULL;
  g_autoptr(Reply) normal = NULL;
  g_autoptr(Reply) other = NULL;
  g_autoptr(Reply) one = NULL;
  g_autoptr(Reply) metadata = NULL;
  g_autoptr(Reply) v1_rows = NULL;
  g_autoptr(JsonArray) rows = NULL;
  g_autoptr(JsonArray) normal_rows = NULL;
  g_autoptr(JsonArray) one_rows = NULL;
  g_autoptr(JsonArray) other_rows = NULL;
  g_autoptr(JsonArray) metadata_rows = NULL;
  g_autoptr(JsonArray) v1_array = NULL;
  g_autofree char *other_path = NULL;
  g_autofree char *form = NULL;

  fake_nbia_get_series (server, 0, &a);
  fake_nbia_get_series (server, 1, &b);
  fake_nbia_clear_faults (server);

  /* Every row, once. */
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_NO_COUNTS, 1, NULL);
  all = get (v4, "getSeries");
  rows = parse_array (all);
  normal = get (v4, "getSeries");
  normal_rows = parse_array (normal);
  g_assert_cmpuint (json_array_get_length (rows), ==, json_array_get_length (normal_rows));
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      JsonObject *full = json_array_get_object_element (normal_rows, i);

      g_assert_false (has_member (rows, i, "ImageCount"));
      g_assert_false (has_member (rows, i, "FileSize"));
      g_assert_true (has_member (normal_rows, i, "ImageCount"));
      g_assert_true (has_member (normal_rows, i, "FileSize"));
      g_assert_cmpuint (json_object_get_size (row) + 2, ==, json_object_get_size (full));
      g_assert_cmpstr (string_member (rows, i, "SeriesInstanceUID"), ==,
                       string_member (normal_rows, i, "SeriesInstanceUID"));
    }

  /* One series: a listing without it does not use the fault up. */
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_NO_COUNTS, 2, b.series_uid);
  other_path = g_strdup_printf ("getSeries?SeriesInstanceUID=%s", a.series_uid);
  other = get (v4, other_path);
  other_rows = parse_array (other);
  g_assert_true (has_member (other_rows, 0, "ImageCount"));
  one = get (v4, "getSeries");
  one_rows = parse_array (one);
  for (guint i = 0; i < json_array_get_length (one_rows); i++)
    {
      gboolean hidden = g_strcmp0 (string_member (one_rows, i, "SeriesInstanceUID"),
                                   b.series_uid) == 0;

      g_assert_cmpint (has_member (one_rows, i, "ImageCount"), ==, !hidden);
      g_assert_cmpint (has_member (one_rows, i, "FileSize"), ==, !hidden);
    }

  form = g_strdup_printf ("list=%s,%s&format=json", a.series_uid, b.series_uid);
  metadata = post (v4, "getSeriesMetadata", form);
  metadata_rows = parse_array (metadata);
  g_assert_cmpuint (json_array_get_length (metadata_rows), ==, 2);
  g_assert_true (has_member (metadata_rows, 0, "ImageCount"));
  g_assert_true (has_member (metadata_rows, 0, "FileSize"));
  g_assert_false (has_member (metadata_rows, 1, "ImageCount"));
  g_assert_false (has_member (metadata_rows, 1, "FileSize"));
  g_assert_true (has_member (metadata_rows, 1, "SeriesNumber"));

  /* Used up. */
  v1_rows = get (v1, "getSeries");
  v1_array = parse_array (v1_rows);
  for (guint i = 0; i < json_array_get_length (v1_array); i++)
    g_assert_true (has_member (v1_array, i, "ImageCount"));
  fake_nbia_clear_faults (server);
}

static void
test_fault_no_counts_v1 (void)
{
  FakeNbiaSeriesInfo info;
  g_autofree char *path = NULL;
  g_autoptr(Reply) r = NULL;
  g_autoptr(Reply) meta = NULL;
  g_autoptr(JsonArray) rows = NULL;
  g_autoptr(JsonArray) meta_rows = NULL;

  fake_nbia_get_series (server, 2, &info);
  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_NO_COUNTS, 2, info.series_uid);
  path = g_strdup_printf ("getSeries?Collection=%s", info.collection);
  r = get (v1, path);
  rows = parse_array (r);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      gboolean hidden = g_strcmp0 (string_member (rows, i, "SeriesInstanceUID"),
                                   info.series_uid) == 0;

      g_assert_cmpint (has_member (rows, i, "ImageCount"), ==, !hidden);
      g_assert_cmpint (has_member (rows, i, "FileSize"), ==, !hidden);
      g_assert_true (has_member (rows, i, "Modality"));
    }
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("getSeriesMetaData?SeriesInstanceUID=%s", info.series_uid);
  meta = get (v1, path);
  meta_rows = parse_array (meta);
  g_assert_false (has_member (meta_rows, 0, "Number of Images"));
  g_assert_false (has_member (meta_rows, 0, "File Size"));
  g_assert_true (has_member (meta_rows, 0, "Series Number"));
  fake_nbia_clear_faults (server);
}

static void
test_fault_times (void)
{
  guint before = fake_nbia_get_request_count (server, "getModalityValues");

  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTTP_503, 2, NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(Reply) r = get (v4, "getModalityValues");

      g_assert_cmpuint (r->status, ==, i < 2 ? 503 : 200);
    }
  g_assert_cmpuint (fake_nbia_get_request_count (server, "getModalityValues"), ==, before + 3);

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTTP_500, 0, NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(Reply) r = get (v4, "getModalityValues");

      g_assert_cmpuint (r->status, ==, 500);
    }
  fake_nbia_clear_faults (server);
  {
    g_autoptr(Reply) r = get (v4, "getModalityValues");

    g_assert_cmpuint (r->status, ==, 200);
  }
}

static void
test_fault_malformed_json (void)
{
  g_autoptr(Reply) r = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_MALFORMED_JSON, 1, NULL);
  r = get (v4, "getSeries");
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (content_type (r), ==, "application/json");
  g_assert_false (json_parser_load_from_data (parser, g_bytes_get_data (r->body, NULL),
                                              g_bytes_get_size (r->body), &error));
  g_assert_nonnull (error);
}

static void
test_fault_drop (void)
{
  g_autoptr(Reply) listing = NULL;
  g_autoptr(Reply) zip = NULL;
  g_autoptr(Reply) after = NULL;
  g_autofree char *path = series_path ("getImage", pick_series (server, 4), "&IncludeMD5=Yes");

  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_DROP, 2, NULL);
  listing = get (v4, "getSeries");
  g_assert_nonnull (listing->error);
  zip = get (v4, path);
  g_assert_nonnull (zip->error);
  after = get (v4, path);
  g_assert_no_error (after->error);
  g_assert_cmpuint (after->status, ==, 200);
}

static void
test_fault_stall (void)
{
  g_autoptr(SoupSession) impatient = soup_session_new_with_options ("proxy-resolver", NULL,
                                                                    "timeout", 1, NULL);
  g_autofree char *url = g_strconcat (v4, "getSeries", NULL);
  g_autoptr(Reply) r = NULL;
  gint64 start = g_get_monotonic_time ();

  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_STALL, 1, NULL);
  r = send_message (impatient, soup_message_new ("GET", url));
  g_assert_error (r->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_fault_zip (void)
{
  guint index = pick_series (server, 4);
  FakeNbiaSeriesInfo info;
  g_autofree char *path = series_path ("getImage", index, "&NewFileNames=Yes&IncludeMD5=Yes");
  g_autoptr(Reply) truncated = NULL;
  g_autoptr(Reply) wrong = NULL;
  g_autoptr(Reply) escaping = NULL;
  g_autoptr(Reply) absolute = NULL;
  g_autoptr(ZipContents) zt = NULL;
  g_autoptr(ZipContents) zw = NULL;
  g_autoptr(ZipContents) ze = NULL;
  g_autoptr(ZipContents) za = NULL;

  fake_nbia_get_series (server, index, &info);
  fake_nbia_clear_faults (server);

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_ZIP_TRUNCATED, 1, NULL);
  truncated = get (v4, path);
  g_assert_no_error (truncated->error);
  g_assert_cmpuint (truncated->status, ==, 200);
  zt = read_zip (truncated->body);
  g_assert_cmpint (zt->result, ==, ARCHIVE_EOF);
  g_assert_cmpuint (zt->n_dicoms, <, info.image_count);
  g_assert_cmpstr (zt->names->pdata[0], ==, "LICENSE");

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_WRONG_MD5, 1, NULL);
  wrong = get (v4, path);
  zw = read_zip (wrong->body);
  g_assert_cmpuint (zw->n_dicoms, ==, info.image_count);
  g_assert_false (md5s_match (zw));

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_ESCAPING_ENTRY, 1, NULL);
  escaping = get (v4, path);
  ze = read_zip (escaping->body);
  g_assert_cmpstr (ze->names->pdata[1], ==, "../escape.dcm");

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_ABSOLUTE_ENTRY, 1, NULL);
  absolute = get (v4, path);
  za = read_zip (absolute->body);
  g_assert_cmpstr (za->names->pdata[1], ==, "/tmp/absolute.dcm");
}

static void
test_fault_empty_zip (void)
{
  g_autofree char *path = series_path ("getImage", pick_series (server, 2), "&IncludeMD5=Yes");
  g_autofree char *md5_path = series_path ("getImageWithMD5Hash", pick_series (server, 2), NULL);
  g_autoptr(Reply) r = NULL;
  g_autoptr(Reply) r_md5 = NULL;
  g_autoptr(ZipContents) z = NULL;
  g_autoptr(ZipContents) z_md5 = NULL;

  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_EMPTY_ZIP, 2, NULL);
  r = get (v4, path);
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (content_type (r), ==, "application/octet-stream");
  /* Only the end of central directory record. */
  g_assert_cmpuint (g_bytes_get_size (r->body), ==, 22);
  g_assert_cmpmem (g_bytes_get_data (r->body, NULL), 4, "PK\005\006", 4);
  z = read_zip (r->body);
  g_assert_cmpint (z->result, ==, ARCHIVE_EOF);
  g_assert_cmpuint (z->names->len, ==, 0);

  r_md5 = get (v4, md5_path);
  g_assert_cmpuint (r_md5->status, ==, 200);
  z_md5 = read_zip (r_md5->body);
  g_assert_cmpint (z_md5->result, ==, ARCHIVE_EOF);
  g_assert_cmpuint (z_md5->names->len, ==, 0);
}

static void
test_fault_md5_only_zip (void)
{
  g_autofree char *path = series_path ("getImage", pick_series (server, 2),
                                       "&NewFileNames=Yes&IncludeMD5=Yes");
  g_autoptr(Reply) r = NULL;
  g_autoptr(Reply) after = NULL;
  g_autoptr(ZipContents) z = NULL;
  g_autoptr(ZipContents) z_after = NULL;

  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_MD5_ONLY_ZIP, 1, NULL);
  r = get (v4, path);
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  z = read_zip (r->body);
  g_assert_cmpint (z->result, ==, ARCHIVE_EOF);
  g_assert_cmpuint (z->names->len, ==, 1);
  g_assert_cmpstr (z->names->pdata[0], ==, "md5hashes.csv");
  g_assert_cmpuint (g_array_index (z->sizes, guint64, 0), ==, 0);

  after = get (v4, path);
  z_after = read_zip (after->body);
  g_assert_cmpuint (z_after->n_dicoms, >, 0);
}

static void
test_fault_zip_bomb (void)
{
  FakeNbiaOptions options;
  FakeNbia *bomb;
  FakeNbiaSeriesInfo info;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *path = NULL;
  g_autofree char *md5 = NULL;
  g_autoptr(Reply) r = NULL;
  g_autoptr(ZipContents) z = NULL;
  guint index;

  fake_nbia_options_init (&options);
  g_assert_cmpuint (options.bomb_bytes, ==, 256 * 1024 * 1024);
  options.bomb_bytes = 40 * 1024 * 1024 + 3;
  bomb = fake_nbia_new (&options);
  fake_nbia_start_in_thread (bomb, 0, &error);
  g_assert_no_error (error);
  index = pick_series (bomb, 3);
  fake_nbia_get_series (bomb, index, &info);
  url = fake_nbia_get_url (bomb, 4);
  path = g_strdup_printf ("getImage?SeriesInstanceUID=%s&NewFileNames=Yes&IncludeMD5=Yes",
                          info.series_uid);

  fake_nbia_set_fault (bomb, FAKE_NBIA_FAULT_ZIP_BOMB, 1, NULL);
  r = get (url, path);
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  /* Deflated zeros: the whole body is a tiny fraction of what it inflates to. */
  g_assert_cmpuint (g_bytes_get_size (r->body), <, options.bomb_bytes / 100);
  z = read_zip (r->body);
  g_assert_cmpint (z->result, ==, ARCHIVE_EOF);
  g_assert_cmpuint (z->names->len, ==, info.image_count + 2);
  g_assert_cmpstr (z->names->pdata[0], ==, "LICENSE");
  g_assert_true (g_regex_match_simple ("^1-0*1\\.dcm$", z->names->pdata[1], 0, 0));
  g_assert_cmpuint (g_array_index (z->sizes, guint64, 1), ==, options.bomb_bytes);
  g_assert_cmpuint (z->n_dicoms, ==, info.image_count);
  /* The rest of the series is as usual; md5hashes.csv lists the real first image. */
  md5 = fake_nbia_get_image_md5 (bomb, index, 0);
  g_assert_cmpstr (g_hash_table_lookup (z->listed, z->names->pdata[1]), ==, md5);
  g_assert_cmpstr (z->md5s->pdata[2], ==, g_hash_table_lookup (z->listed, z->names->pdata[2]));
  g_assert_cmpstr (z->names->pdata[info.image_count + 1], ==, "md5hashes.csv");
  fake_nbia_free (bomb);
}

/* Reads what follows the headers of a raw HTTP/1.1 answer, counting the reads
 * it took, until @max bytes or the end. */
static GByteArray *
read_raw_body (GInputStream *in,
               gsize         max,
               guint        *n_reads)
{
  g_autoptr(GByteArray) head = g_byte_array_new ();
  GByteArray *body = g_byte_array_new ();
  guint8 buf[4096];
  gssize n;

  *n_reads = 0;
  while (body->len < max && (n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
    {
      const guint8 *end;

      if (head != NULL)
        {
          g_byte_array_append (head, buf, n);
          end = (const guint8 *) g_strstr_len ((const char *) head->data, head->len,
                                               "\r\n\r\n");
          if (end == NULL)
            continue;
          end += 4;
          g_byte_array_append (body, end, head->data + head->len - end);
          g_clear_pointer (&head, g_byte_array_unref);
        }
      else
        {
          g_byte_array_append (body, buf, n);
        }
      (*n_reads)++;
    }
  return body;
}

static GIOStream *
raw_request (FakeNbia   *s,
             const char *path)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;
  g_autofree char *request = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", fake_nbia_get_port (s),
                                                NULL, &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("GET /nbia-api/services/v4/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Connection: close\r\n\r\n", path);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  return G_IO_STREAM (connection);
}

static void
test_fault_trickle (void)
{
  FakeNbiaOptions options;
  FakeNbia *slow;
  FakeNbiaSeriesInfo info;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *size_path = NULL;
  g_autofree char *zip_path = NULL;
  g_autoptr(Reply) normal = NULL;
  g_autoptr(Reply) normal_zip = NULL;
  g_autoptr(Reply) zip = NULL;
  g_autoptr(Reply) after = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GIOStream) gone = NULL;
  g_autoptr(GByteArray) body = NULL;
  g_autoptr(GByteArray) start = NULL;
  gint64 begin;
  guint n_reads;

  fake_nbia_options_init (&options);
  g_assert_cmpuint (options.trickle_ms, ==, 1000);
  options.n_series = 6;
  options.trickle_ms = 30;
  slow = fake_nbia_new (&options);
  fake_nbia_start_in_thread (slow, 0, &error);
  g_assert_no_error (error);
  url = fake_nbia_get_url (slow, 4);
  fake_nbia_get_series (slow, 0, &info);
  size_path = g_strdup_printf ("getSeriesSize?SeriesInstanceUID=%s", info.series_uid);
  normal = get (url, size_path);

  /* A listing: the same bytes, one per read, 30 ms apart. */
  fake_nbia_set_fault (slow, FAKE_NBIA_FAULT_TRICKLE, 1, NULL);
  begin = g_get_monotonic_time ();
  stream = raw_request (slow, size_path);
  body = read_raw_body (g_io_stream_get_input_stream (stream), G_MAXSIZE, &n_reads);
  g_assert_cmpmem (body->data, body->len, g_bytes_get_data (normal->body, NULL),
                   g_bytes_get_size (normal->body));
  g_assert_cmpint (g_get_monotonic_time () - begin, >=, (body->len - 1) * 30 * 1000 * 9 / 10);
  /* Reads may merge bytes when the test is slow to run, not often. */
  g_assert_cmpuint (n_reads, >=, body->len / 2);

  /* getImage: a whole, valid ZIP, trickled. */
  fake_nbia_clear_faults (slow);
  zip_path = g_strdup_printf ("getImage?SeriesInstanceUID=%s", info.series_uid);
  normal_zip = get (url, zip_path);
  g_clear_pointer (&slow, fake_nbia_free);
  options.trickle_ms = 1;
  slow = fake_nbia_new (&options);
  fake_nbia_start_in_thread (slow, 0, &error);
  g_assert_no_error (error);
  g_free (url);
  url = fake_nbia_get_url (slow, 4);
  fake_nbia_set_fault (slow, FAKE_NBIA_FAULT_TRICKLE, 1, NULL);
  begin = g_get_monotonic_time ();
  zip = get (url, zip_path);
  g_assert_no_error (zip->error);
  g_assert_cmpuint (zip->status, ==, 200);
  g_assert_true (g_bytes_equal (zip->body, normal_zip->body));
  g_assert_cmpint (g_get_monotonic_time () - begin, >=,
                   (g_bytes_get_size (zip->body) - 1) * 1000 * 9 / 10);

  /* The client goes away: the server stops and goes on answering others. */
  fake_nbia_set_fault (slow, FAKE_NBIA_FAULT_TRICKLE, 1, NULL);
  gone = raw_request (slow, zip_path);
  start = read_raw_body (g_io_stream_get_input_stream (gone), 20, &n_reads);
  g_assert_cmpuint (start->len, >=, 20);
  g_io_stream_close (gone, NULL, NULL);
  g_usleep (50 * 1000);
  after = get (url, zip_path);
  g_assert_cmpuint (after->status, ==, 200);
  g_assert_true (g_bytes_equal (after->body, normal_zip->body));
  fake_nbia_free (slow);
}

static void
test_fault_one_series (void)
{
  FakeNbiaSeriesInfo a, b;
  g_autofree char *path_a = NULL;
  g_autofree char *path_b = NULL;

  fake_nbia_get_series (server, 0, &a);
  fake_nbia_get_series (server, 1, &b);
  path_a = g_strdup_printf ("getImage?SeriesInstanceUID=%s", a.series_uid);
  path_b = g_strdup_printf ("getImage?SeriesInstanceUID=%s", b.series_uid);
  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTTP_500, 0, b.series_uid);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(Reply) ra = get (v4, path_a);
      g_autoptr(Reply) rb = get (v4, path_b);
      g_autoptr(Reply) listing = get (v4, "getCollectionValues");

      g_assert_cmpuint (ra->status, ==, 200);
      g_assert_cmpuint (rb->status, ==, 500);
      g_assert_cmpuint (listing->status, ==, 200);
    }
  fake_nbia_clear_faults (server);
}

static void
test_control_endpoints (void)
{
  g_autofree char *base = g_strdup (v4);
  g_autoptr(Reply) set = NULL;
  g_autoptr(Reply) bad = NULL;
  g_autoptr(Reply) faulty = NULL;
  g_autoptr(Reply) latency = NULL;
  g_autoptr(Reply) slow = NULL;
  g_autoptr(Reply) zero = NULL;
  g_autoptr(Reply) stats = NULL;
  g_autofree char *count = NULL;
  g_autofree char *expected = NULL;
  gint64 start;

  /* http://127.0.0.1:PORT/ */
  *strstr (base, "/nbia-api/") = '\0';
  fake_nbia_clear_faults (server);
  set = get (base, "/fake-nbia/fault?name=http-429&times=1");
  g_assert_cmpuint (set->status, ==, 200);
  for (FakeNbiaFault f = FAKE_NBIA_FAULT_NONE + 1; f < FAKE_NBIA_N_FAULTS; f++)
    g_assert_cmpint (fake_nbia_fault_from_string (fake_nbia_fault_to_string (f)), ==, f);
  g_assert_cmpint (fake_nbia_fault_from_string ("zip-bomb"), ==, FAKE_NBIA_FAULT_ZIP_BOMB);
  g_assert_cmpint (fake_nbia_fault_from_string ("retry-after-long"), ==,
                   FAKE_NBIA_FAULT_RETRY_AFTER_LONG);
  bad = get (base, "/fake-nbia/fault?name=no-such-fault");
  g_assert_cmpuint (bad->status, ==, 400);
  faulty = get (v4, "getCollectionValues");
  g_assert_cmpuint (faulty->status, ==, 429);

  latency = get (base, "/fake-nbia/latency?ms=300");
  g_assert_cmpuint (latency->status, ==, 200);
  start = g_get_monotonic_time ();
  slow = get (v4, "getCollectionValues");
  g_assert_cmpuint (slow->status, ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 280 * 1000);
  zero = get (base, "/fake-nbia/latency?ms=0");
  g_assert_cmpuint (zero->status, ==, 200);

  stats = get (base, "/fake-nbia/stats?endpoint=getCollectionValues");
  count = body_text (stats);
  expected = g_strdup_printf ("%u\n", fake_nbia_get_request_count (server,
                                                                  "getCollectionValues"));
  g_assert_cmpstr (count, ==, expected);
  {
    g_autoptr(Reply) clear = get (base, "/fake-nbia/clear");

    g_assert_cmpuint (clear->status, ==, 200);
  }
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
  FakeNbiaOptions options;
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  fake_nbia_options_init (&options);
  server = fake_nbia_new (&options);
  fake_nbia_start_in_thread (server, 0, &error);
  g_assert_no_error (error);
  v4 = fake_nbia_get_url (server, 4);
  v1 = fake_nbia_get_url (server, 1);
  session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);

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
  g_test_add_func ("/fake-nbia/get-image/new-names", test_get_image_new_names);
  g_test_add_func ("/fake-nbia/get-image/sequential", test_get_image_sequential);
  g_test_add_func ("/fake-nbia/get-image/big-series", test_get_image_big);
  g_test_add_func ("/fake-nbia/archive/colliding-pairs", test_colliding_pairs);
  g_test_add_func ("/fake-nbia/determinism", test_determinism);
  g_test_add_func ("/fake-nbia/fault/http", test_fault_http);
  g_test_add_func ("/fake-nbia/fault/retry-after-long-and-html",
                   test_fault_retry_after_long_and_html);
  g_test_add_func ("/fake-nbia/fault/no-counts", test_fault_no_counts);
  g_test_add_func ("/fake-nbia/fault/no-counts-v1", test_fault_no_counts_v1);
  g_test_add_func ("/fake-nbia/fault/times", test_fault_times);
  g_test_add_func ("/fake-nbia/fault/malformed-json", test_fault_malformed_json);
  g_test_add_func ("/fake-nbia/fault/drop", test_fault_drop);
  g_test_add_func ("/fake-nbia/fault/stall", test_fault_stall);
  g_test_add_func ("/fake-nbia/fault/zip", test_fault_zip);
  g_test_add_func ("/fake-nbia/fault/empty-zip", test_fault_empty_zip);
  g_test_add_func ("/fake-nbia/fault/md5-only-zip", test_fault_md5_only_zip);
  g_test_add_func ("/fake-nbia/fault/zip-bomb", test_fault_zip_bomb);
  g_test_add_func ("/fake-nbia/fault/trickle", test_fault_trickle);
  g_test_add_func ("/fake-nbia/fault/one-series", test_fault_one_series);
  g_test_add_func ("/fake-nbia/control", test_control_endpoints);
  g_test_add_func ("/fake-nbia/program", test_program);

  ret = g_test_run ();

  g_object_unref (session);
  fake_nbia_free (server);
  g_free (v4);
  g_free (v1);
  return ret;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-fake-idc"

#include <signal.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "fake-idc-test-util.h"
#include "fake-nbia.h"

/* The fake IDC's contract (idc-api.md §7): the same archive as the fake NBIA
 * server, and its API v3. The buckets: test-fake-idc-bucket.c. */

static Reply *
api_get (const char *route)
{
  g_autofree char *url = g_strconcat (api, route, NULL);

  return request ("GET", url, NULL, NULL);
}

static Reply *
api_post (const char *route,
          const char *content_type,
          const char *body)
{
  g_autofree char *url = g_strconcat (api, route, NULL);
  SoupMessage *msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  soup_message_set_request_body_from_bytes (msg, content_type, bytes);
  return send_message (session, msg);
}

/* POST /v3/sql {"sql": @sql, "max_rows": @max_rows (< 0: absent)}. */
static Reply *
post_sql (const char *sql,
          gint64      max_rows)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sql");
  json_builder_add_string_value (b, sql);
  if (max_rows >= 0)
    {
      json_builder_set_member_name (b, "max_rows");
      json_builder_add_int_value (b, max_rows);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = json_to_string (root, FALSE);
  return api_post ("sql", "application/json", body);
}

static JsonNode *
reply_json (const Reply *r)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  GError *error = NULL;

  g_assert_nonnull (r->body);
  json_parser_load_from_data (parser, g_bytes_get_data (r->body, NULL),
                              g_bytes_get_size (r->body), &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* Asserts an {"error":{"code":@code,…}} envelope with @status. */
static void
assert_error (const Reply *r,
              guint        status,
              const char  *code,
              const char  *message_part)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *error;

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, status);
  g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==,
                   "application/json");
  root = reply_json (r);
  error = json_object_get_object_member (json_node_get_object (root), "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  if (message_part != NULL)
    g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), message_part));
}

static gboolean
is_uuid (const char *text)
{
  static GRegex *re;

  if (re == NULL)
    re = g_regex_new ("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
                      0, 0, NULL);
  return g_regex_match (re, text, 0, NULL);
}

/* Every IDC series is a fake NBIA series with the same UID, and the objects
 * are its DICOM files: same count, sizes and MD5s as the NBIA server has. */
static void
test_archive_same_uids (void)
{
  FakeNbia *nbia = fake_nbia_new (NULL);
  FakeIdcArchive *idc = fake_idc_archive_new (NULL);
  guint n_nbia = fake_nbia_get_n_series (nbia);
  guint n_only = 0, n_current = 0;
  GHashTable *buckets = g_hash_table_new (g_str_hash, g_str_equal);
  const char *missing = fake_idc_archive_get_missing_collection (idc);

  g_assert_nonnull (missing);
  for (guint i = 0; i < n_nbia; i++)
    {
      FakeNbiaSeriesInfo info;
      const FakeIdcSeries *s;
      guint64 size = 0;

      fake_nbia_get_series (nbia, i, &info);
      s = fake_idc_archive_lookup (idc, info.series_uid);
      if (fake_idc_archive_is_nbia_only (idc, i))
        {
          g_assert_null (s);
          n_only++;
          continue;
        }
      g_assert_nonnull (s);
      g_assert_cmpstr (info.collection, !=, missing);
      n_current++;
      g_assert_cmpuint (s->nbia_index, ==, i);
      g_assert_cmpstr (s->collection_name, ==, info.collection);
      g_assert_cmpuint (s->n_objects, ==, info.image_count);
      g_assert_cmpuint (s->size, ==, info.file_size);
      g_assert_true (is_uuid (s->series_uuid));
      g_assert_true (fake_idc_archive_lookup_uuid (idc, s->series_uuid) == s);
      g_hash_table_add (buckets, (gpointer) s->bucket);
      for (guint k = 0; k < s->n_objects; k++)
        {
          const FakeIdcObject *o = fake_idc_archive_get_object (idc, s, k);
          g_autofree char *md5 = fake_nbia_get_image_md5 (nbia, i, o->image);
          g_autoptr(GBytes) bytes = fake_idc_archive_get_bytes (idc, s, o);
          g_autofree char *key = g_strdup_printf ("%s/%s.dcm", s->series_uuid,
                                                  o->instance_uuid);
          const FakeIdcSeries *found_series = NULL;

          g_assert_true (is_uuid (o->instance_uuid));
          g_assert_cmpstr (o->key, ==, key);
          if (k > 0)
            g_assert_cmpint (strcmp (fake_idc_archive_get_object (idc, s, k - 1)->key,
                                     o->key), <, 0);
          g_assert_cmpstr (fake_idc_archive_get_md5 (idc, s, o), ==, md5);
          g_assert_cmpuint (g_bytes_get_size (bytes), ==, o->size);
          g_assert_true (fake_idc_archive_find_object (idc, s->bucket, o->key,
                                                       &found_series) == o);
          g_assert_true (found_series == s);
          g_assert_null (fake_idc_archive_find_object (idc, "idc-open-data-nope", o->key, NULL));
          size += o->size;
        }
      g_assert_cmpuint (size, ==, s->size);
    }
  g_assert_cmpuint (n_current, ==, fake_idc_archive_get_n_series (idc));
  g_assert_cmpuint (n_only, >=, 3);
  g_assert_cmpuint (n_current, >, n_only);
  /* All three buckets. */
  g_assert_true (g_hash_table_contains (buckets, FAKE_IDC_BUCKET_OPEN));
  g_assert_true (g_hash_table_contains (buckets, FAKE_IDC_BUCKET_TWO));
  g_assert_true (g_hash_table_contains (buckets, FAKE_IDC_BUCKET_CR));

  g_hash_table_unref (buckets);
  fake_idc_archive_free (idc);
  fake_nbia_free (nbia);
}

static void
test_archive_prior_versions (void)
{
  FakeIdcArchive *idc = fake_idc_archive_new (NULL);
  const char *revised = fake_idc_archive_get_revised_uid (idc);
  const char *prior_only = fake_idc_archive_get_prior_only_uid (idc);
  guint n_revised = 0, n_prior_only = 0;

  g_assert_nonnull (revised);
  g_assert_nonnull (prior_only);
  g_assert_nonnull (fake_idc_archive_lookup (idc, revised));
  g_assert_null (fake_idc_archive_lookup (idc, prior_only));
  for (guint i = 0; i < fake_idc_archive_get_n_prior (idc); i++)
    {
      const FakeIdcSeries *p = fake_idc_archive_get_prior (idc, i);

      g_assert_false (p->current);
      g_assert_true (is_uuid (p->series_uuid));
      g_assert_true (fake_idc_archive_lookup_uuid (idc, p->series_uuid) == p);
      if (g_str_equal (p->series_uid, revised))
        {
          g_assert_cmpstr (p->series_uuid, !=,
                           fake_idc_archive_lookup (idc, revised)->series_uuid);
          n_revised++;
        }
      else if (g_str_equal (p->series_uid, prior_only))
        {
          g_assert_true (fake_idc_archive_is_nbia_only (idc, p->nbia_index));
          n_prior_only++;
        }
      g_assert_cmpuint (p->max_version, <, FAKE_IDC_VERSION);
      /* Old folders stay in the buckets. */
      g_assert_true (fake_idc_archive_find_object (idc, p->bucket,
                                                   fake_idc_archive_get_object (idc, p, 0)->key,
                                                   NULL) != NULL);
    }
  g_assert_cmpuint (n_revised, ==, 2);
  g_assert_cmpuint (n_prior_only, ==, 1);
  fake_idc_archive_free (idc);
}

/* ---- API ---- */

static void
test_api_version (void)
{
  g_autoptr(Reply) r = api_get ("version");
  g_autoptr(Reply) h = api_get ("health");
  g_autoptr(Reply) root_info = api_get ("");
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Strict-Transport-Security"), ==,
                   "max-age=31536000; includeSubDomains");
  g_assert_null (soup_message_headers_get_one (r->headers, "Cache-Control"));
  g_assert_null (soup_message_headers_get_one (r->headers, "ETag"));
  root = reply_json (r);
  o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "idc_version"), ==, "v25");
  g_assert_cmpstr (json_object_get_string_member (o, "idc_index_data_version"), ==, "25.0.0");
  g_assert_cmpstr (json_object_get_string_member (o, "api_version"), ==, "3.0.0b5");
  g_assert_true (json_object_has_member (o, "build"));

  g_assert_cmpuint (root_info->status, ==, 200);
  g_assert_cmpuint (h->status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (h->body, NULL), g_bytes_get_size (h->body),
                   "{\"status\":\"ok\"}", strlen ("{\"status\":\"ok\"}"));
}

static void
test_api_collections (void)
{
  g_autoptr(Reply) r = api_get ("collections");
  g_autoptr(Reply) missing = api_get ("collections/__nope__");
  g_autoptr(Reply) route = api_get ("nope");
  g_autoptr(Reply) method = api_post ("version", "application/json", "{}");
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;
  const char *previous = "";
  const char *nbia_only = fake_idc_archive_get_missing_collection (archive);
  g_autofree char *detail_route = NULL;

  g_assert_cmpuint (r->status, ==, 200);
  root = reply_json (r);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==,
                    fake_idc_archive_get_n_collections (archive));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *c = json_array_get_object_element (array, i);
      const char *id = json_object_get_string_member (c, "collection_id");

      g_assert_cmpint (strcmp (previous, id), <, 0);
      g_assert_cmpstr (json_object_get_string_member (c, "collection_name"), !=, nbia_only);
      g_assert_cmpint (json_object_get_int_member (c, "subjects"), >, 0);
      previous = id;
    }
  assert_error (missing, 404, "not_found", "Collection not found: '__nope__'");

  detail_route = g_strdup_printf ("collections/%s", previous);
  {
    g_autoptr(Reply) detail = api_get (detail_route);
    g_autoptr(JsonNode) d = reply_json (detail);

    g_assert_cmpuint (detail->status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (d), "series"), >, 0);
  }

  g_assert_cmpuint (route->status, ==, 404);
  g_assert_cmpuint (method->status, ==, 405);
}

/* The exact text of idc-api.md §3, Option A. */
static char *
resolve_query (const char *const *uids)
{
  g_autoptr(GString) sql = g_string_new (
    "SELECT i.SeriesInstanceUID, i.collection_id, c.collection_name, i.PatientID,\n"
    "       i.StudyInstanceUID, i.StudyDate, i.StudyDescription, i.SeriesNumber,\n"
    "       i.SeriesDescription, i.Modality, i.SOPClassUID, i.sop_class_name, i.Manufacturer,\n"
    "       i.instanceCount, i.series_size_MB, i.aws_bucket, i.crdc_series_uuid,\n"
    "       i.license_short_name, i.source_DOI, i.analysis_result_id, "
    "i.series_revised_idc_version\n"
    "FROM \"index\" AS i LEFT JOIN collections_index AS c ON c.collection_id = i.collection_id\n"
    "WHERE i.SeriesInstanceUID IN (");

  for (guint i = 0; uids[i] != NULL; i++)
    g_string_append_printf (sql, "%s'%s'", i ? ", " : "", uids[i]);
  g_string_append (sql, ")\nORDER BY i.SeriesInstanceUID");
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* The §3 query answers every series IDC has, with the archive's values, and
 * leaves out the ones only NBIA has; the prior_versions query tells an
 * older-release series apart. */
static void
test_api_sql_resolve (void)
{
  FakeNbia *nbia = fake_nbia_new (NULL);
  g_autoptr(GPtrArray) uids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sql = NULL;
  g_autoptr(Reply) r = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;
  JsonArray *rows;
  guint n_expected = 0;
  const char *prior_only = fake_idc_archive_get_prior_only_uid (archive);
  const char *revised = fake_idc_archive_get_revised_uid (archive);

  for (guint i = 0; i < fake_nbia_get_n_series (nbia); i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (nbia, i, &info);
      g_ptr_array_add (uids, g_strdup (info.series_uid));
      n_expected += fake_idc_archive_lookup (archive, info.series_uid) != NULL;
    }
  g_ptr_array_add (uids, NULL);
  sql = resolve_query ((const char *const *) uids->pdata);
  r = post_sql (sql, 10000);
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  root = reply_json (r);
  o = json_node_get_object (root);
  rows = json_object_get_array_member (o, "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, n_expected);
  g_assert_cmpint (json_object_get_int_member (o, "row_count"), ==, n_expected);
  g_assert_false (json_object_get_boolean_member (o, "truncated"));
  g_assert_cmpint (json_object_get_int_member (o, "max_rows"), ==, 10000);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "columns")), ==, 21);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *uid = json_object_get_string_member (row, "SeriesInstanceUID");
      const FakeIdcSeries *s = fake_idc_archive_lookup (archive, uid);
      FakeNbiaSeriesInfo info;

      g_assert_nonnull (s);
      fake_nbia_get_series (nbia, s->nbia_index, &info);
      g_assert_cmpstr (json_object_get_string_member (row, "collection_name"), ==,
                       info.collection);
      g_assert_cmpstr (json_object_get_string_member (row, "PatientID"), ==, info.patient_id);
      g_assert_cmpstr (json_object_get_string_member (row, "StudyInstanceUID"), ==,
                       info.study_uid);
      g_assert_cmpstr (json_object_get_string_member (row, "SeriesNumber"), ==,
                       info.series_number);
      g_assert_cmpstr (json_object_get_string_member (row, "Modality"), ==, info.modality);
      g_assert_cmpstr (json_object_get_string_member (row, "SeriesDescription"), ==,
                       info.series_description);
      g_assert_cmpint (json_object_get_int_member (row, "instanceCount"), ==, s->n_objects);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "series_size_MB"),
                                      s->size / 1e6, 1e-9);
      g_assert_cmpstr (json_object_get_string_member (row, "aws_bucket"), ==, s->bucket);
      g_assert_cmpstr (json_object_get_string_member (row, "crdc_series_uuid"), ==,
                       s->series_uuid);
      g_assert_true (json_object_get_null_member (row, "analysis_result_id") ||
                     json_node_is_null (json_object_get_member (row, "analysis_result_id")));
      if (i > 0)
        g_assert_cmpint (strcmp (json_object_get_string_member (
                                   json_array_get_object_element (rows, i - 1),
                                   "SeriesInstanceUID"), uid), <, 0);
    }

  /* prior_versions_index: two older folders of the revised UID, newest first,
   * and the one series only an older release had. */
  {
    g_autofree char *prior_sql = g_strdup_printf (
      "SELECT SeriesInstanceUID, crdc_series_uuid, aws_bucket, series_size_MB, "
      "min_idc_version, max_idc_version\n"
      "FROM prior_versions_index WHERE SeriesInstanceUID IN ('%s', '%s') "
      "ORDER BY SeriesInstanceUID, max_idc_version DESC", revised, prior_only);
    g_autoptr(Reply) p = post_sql (prior_sql, 10000);
    g_autoptr(JsonNode) proot = reply_json (p);
    JsonArray *prows = json_object_get_array_member (json_node_get_object (proot), "rows");
    guint n_revised = 0, n_prior_only = 0;
    gint64 last_max = G_MAXINT64;

    g_assert_cmpuint (p->status, ==, 200);
    for (guint i = 0; i < json_array_get_length (prows); i++)
      {
        JsonObject *row = json_array_get_object_element (prows, i);
        const char *uid = json_object_get_string_member (row, "SeriesInstanceUID");
        const FakeIdcSeries *s = fake_idc_archive_lookup_uuid (
          archive, json_object_get_string_member (row, "crdc_series_uuid"));

        g_assert_nonnull (s);
        g_assert_false (s->current);
        if (g_str_equal (uid, revised))
          {
            g_assert_cmpint (json_object_get_int_member (row, "max_idc_version"), <, last_max);
            last_max = json_object_get_int_member (row, "max_idc_version");
            n_revised++;
          }
        else
          {
            g_assert_cmpstr (uid, ==, prior_only);
            n_prior_only++;
          }
      }
    g_assert_cmpuint (n_revised, ==, 2);
    g_assert_cmpuint (n_prior_only, ==, 1);
  }
  fake_nbia_free (nbia);
}

static void
test_api_sql_guards (void)
{
  static const struct
  {
    const char *sql;
    const char *message;
  } rejected[] = {
    { "", "Empty query." },
    { "  -- only a comment\n /* and another */ ", "Empty query." },
    { "DELETE FROM \"index\"", "Only read-only SELECT" },
    { "PRAGMA table_info('index')", "Only read-only SELECT" },
    { "SELECT 1; SELECT 2", "Only a single statement is allowed; remove extra ';'." },
    { "SELECT nope FROM \"index\"", "nope" },
    { "SELECT * FROM no_such_table", "no_such_table" },
  };
  static const struct
  {
    const char *sql;
    gint64      max_rows;
    gint64      echoed;
    gint64      n_rows;
    gboolean    truncated;
  } accepted[] = {
    { "/* why */ select 1 AS a -- one", -1, 5000, 1, FALSE },
    { "SELECT 'a;b' AS a;", -1, 5000, 1, FALSE },
    { "WITH t AS (SELECT SeriesInstanceUID FROM \"index\") SELECT * FROM t", 2, 2, 2, TRUE },
    { "SELECT SeriesInstanceUID FROM \"index\"", 0, 1, 1, TRUE },
    { "SELECT SeriesInstanceUID FROM \"index\"", 20000, 10000, -1, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rejected); i++)
    {
      g_autoptr(Reply) r = post_sql (rejected[i].sql, -1);

      assert_error (r, 400, "invalid_query", rejected[i].message);
    }
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(Reply) r = post_sql (accepted[i].sql, accepted[i].max_rows);
      g_autoptr(JsonNode) root = NULL;
      JsonObject *o;
      gint64 n_rows = accepted[i].n_rows >= 0 ? accepted[i].n_rows
                                               : fake_idc_archive_get_n_series (archive);

      g_assert_cmpuint (r->status, ==, 200);
      root = reply_json (r);
      o = json_node_get_object (root);
      g_assert_cmpint (json_object_get_int_member (o, "max_rows"), ==, accepted[i].echoed);
      g_assert_cmpint (json_object_get_int_member (o, "row_count"), ==, n_rows);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "rows")), ==,
                        n_rows);
      g_assert_cmpint (json_object_get_boolean_member (o, "truncated"), ==,
                       accepted[i].truncated);
    }

  /* Body shape errors are FastAPI's 422s, not envelopes. */
  {
    g_autoptr(Reply) extra = api_post ("sql", "application/json",
                                       "{\"sql\": \"SELECT 1\", \"limit\": 3}");
    g_autoptr(Reply) type = api_post ("sql", "text/plain", "{\"sql\": \"SELECT 1\"}");
    g_autoptr(Reply) missing = api_post ("sql", "application/json", "{}");
    g_autoptr(Reply) get = api_get ("sql");
    g_autoptr(JsonNode) root = reply_json (extra);
    JsonArray *detail = json_object_get_array_member (json_node_get_object (root), "detail");

    g_assert_cmpuint (extra->status, ==, 422);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (detail, 0),
                                                    "type"), ==, "extra_forbidden");
    g_assert_cmpuint (type->status, ==, 422);
    g_assert_cmpuint (missing->status, ==, 422);
    g_assert_cmpuint (get->status, ==, 405);
  }
}

static void
test_api_manifest_txt (void)
{
  const FakeIdcSeries *s = NULL;
  g_autofree char *body = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(Reply) r = NULL;
  g_autoptr(Reply) gcs = NULL;
  g_autoptr(Reply) unfiltered = NULL;

  for (guint i = 0; i < fake_idc_archive_get_n_series (archive) && s == NULL; i++)
    if (g_str_equal (fake_idc_archive_get_series (archive, i)->bucket, FAKE_IDC_BUCKET_TWO))
      s = fake_idc_archive_get_series (archive, i);
  g_assert_nonnull (s);
  body = g_strdup_printf ("{\"filters\": {\"terms\": {\"SeriesInstanceUID\": [\"%s\"]}}}",
                          s->series_uid);
  r = api_post ("cohort/manifest.txt", "application/json", body);
  g_assert_cmpuint (r->status, ==, 200);
  expected = g_strdup_printf ("s3://%s/%s/*\n", s->bucket, s->series_uuid);
  g_assert_cmpmem (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body),
                   expected, strlen (expected));

  g_free (body);
  body = g_strdup_printf ("{\"filters\": {\"terms\": {\"SeriesInstanceUID\": [\"%s\"]}}, "
                          "\"source\": \"gcs\"}", s->series_uid);
  gcs = api_post ("cohort/manifest.txt", "application/json", body);
  g_free (expected);
  expected = g_strdup_printf ("s3://idc-open-idc1/%s/*\n", s->series_uuid);
  g_assert_cmpmem (g_bytes_get_data (gcs->body, NULL), g_bytes_get_size (gcs->body),
                   expected, strlen (expected));

  unfiltered = api_post ("cohort/manifest.txt", "application/json", "{\"filters\": {}}");
  assert_error (unfiltered, 400, "invalid_query", "At least one filter predicate");
}

/* cohort/counts and cohort/manifest agree with the archive, page in IDC's
 * order, and keep b3's rules on the filter. */
static void
test_api_cohort (void)
{
  const char *collection_id;
  guint n_series;
  g_autofree char *filter = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(Reply) counts = NULL;
  g_autoptr(JsonNode) counts_root = NULL;
  JsonObject *c;

  fake_idc_archive_get_collection (archive, 0, &collection_id, NULL, NULL, NULL, &n_series);
  filter = g_strdup_printf ("{\"terms\": {\"collection_id\": [\"%s\"], \"Modality\": []}}",
                            collection_id);
  body = g_strdup_printf ("{\"filters\": %s}", filter);
  counts = api_post ("cohort/counts", "application/json", body);
  g_assert_cmpuint (counts->status, ==, 200);
  counts_root = reply_json (counts);
  c = json_node_get_object (counts_root);
  g_assert_cmpint (json_object_get_int_member (c, "series"), ==, n_series);
  /* The empty Modality list is dropped, with a warning, and not echoed. */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (c, "warnings")), ==, 1);
  g_assert_false (json_object_has_member (json_object_get_object_member (
    json_object_get_object_member (c, "filters_applied"), "terms"), "Modality"));

  for (gint64 page = 0; ; page++)
    {
      g_autofree char *request_body = g_strdup_printf ("{\"filters\": %s, \"page\": %"
                                                       G_GINT64_FORMAT ", \"page_size\": 2}",
                                                       filter, page);
      g_autoptr(Reply) r = api_post ("cohort/manifest", "application/json", request_body);
      g_autoptr(JsonNode) root = reply_json (r);
      JsonObject *o = json_node_get_object (root);
      JsonArray *rows = json_object_get_array_member (o, "series");

      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpint (json_object_get_int_member (o, "total_series"), ==, n_series);
      g_assert_cmpint (json_object_get_int_member (o, "page_size"), ==, 2);
      for (guint i = 0; i < json_array_get_length (rows); i++)
        {
          JsonObject *row = json_array_get_object_element (rows, i);
          const FakeIdcSeries *s = fake_idc_archive_lookup (
            archive, json_object_get_string_member (row, "SeriesInstanceUID"));
          g_autofree char *url = g_strdup_printf ("s3://%s/%s/*", s->bucket, s->series_uuid);

          g_assert_cmpstr (json_object_get_string_member (row, "series_aws_url"), ==, url);
          g_assert_cmpstr (json_object_get_string_member (row, "collection_id"), ==,
                           collection_id);
          g_ptr_array_add (seen, g_strdup (s->series_uid));
        }
      if (json_array_get_length (rows) < 2)
        {
          JsonObject *download = json_object_get_object_member (o, "download");

          g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                              download, "idc_commands")), ==, 2);
          break;
        }
    }
  g_assert_cmpuint (seen->len, ==, n_series);

  {
    g_autoptr(Reply) bare = api_post ("cohort/counts", "application/json", filter);
    g_autoptr(Reply) unknown = api_post ("cohort/counts", "application/json",
                                         "{\"filters\": {\"terms\": {\"Colour\": [\"x\"]}}}");
    g_autoptr(Reply) bound = api_post ("cohort/counts", "application/json",
                                       "{\"filters\": {\"ranges\": {\"instanceCount\": "
                                       "{\"min\": 2}}}}");
    g_autoptr(Reply) unfiltered = api_post ("cohort/manifest", "application/json",
                                            "{\"filters\": {\"terms\": {\"Modality\": []}}}");

    g_assert_cmpuint (bare->status, ==, 422);
    assert_error (unknown, 400, "invalid_query", "Unknown or non-term filter attribute: 'Colour'");
    g_assert_cmpuint (bound->status, ==, 422);
    assert_error (unfiltered, 400, "invalid_query", "was ignored because its value list is empty");
  }
}

static void
test_api_faults (void)
{
  g_autoptr(SoupSession) impatient = soup_session_new_with_options ("proxy-resolver", NULL,
                                                                    "timeout", 1, NULL);

  fake_idc_set_fault (server, FAKE_IDC_FAULT_API_503, 1, "sql");
  {
    g_autoptr(Reply) version = api_get ("version");
    g_autoptr(Reply) r = post_sql ("SELECT 1 AS a", -1);
    g_autoptr(Reply) again = post_sql ("SELECT 1 AS a", -1);

    /* Scoped to /v3/sql: /v3/version is untouched. */
    g_assert_cmpuint (version->status, ==, 200);
    g_assert_cmpuint (r->status, ==, 503);
    g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Retry-After"), ==, "1");
    g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (r->headers, NULL),
                                     "text/html"));
    g_assert_cmpuint (again->status, ==, 200);
  }

  fake_idc_set_fault (server, FAKE_IDC_FAULT_API_503_BARE, 1, NULL);
  {
    g_autoptr(Reply) r = api_get ("health");

    g_assert_cmpuint (r->status, ==, 503);
    g_assert_null (soup_message_headers_get_one (r->headers, "Retry-After"));
  }

  fake_idc_set_fault (server, FAKE_IDC_FAULT_QUERY_TIMEOUT, 1, "/v3/sql");
  {
    g_autoptr(Reply) r = post_sql ("SELECT 1 AS a", -1);

    assert_error (r, 504, "query_timeout", "statement timeout");
  }

  fake_idc_set_fault (server, FAKE_IDC_FAULT_API_500, 1, NULL);
  {
    g_autoptr(Reply) r = post_sql ("SELECT 1 AS a", -1);

    g_assert_cmpuint (r->status, ==, 500);
    g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==, "text/plain");
  }

  fake_idc_set_fault (server, FAKE_IDC_FAULT_API_CLOSE, 1, NULL);
  {
    g_autoptr(Reply) r = post_sql ("SELECT 1 AS a", -1);

    g_assert_nonnull (r->error);
    g_assert_cmpuint (r->status, ==, 0);
  }

  fake_idc_set_fault (server, FAKE_IDC_FAULT_API_STALL, 1, NULL);
  {
    g_autofree char *url = g_strconcat (api, "version", NULL);
    g_autoptr(Reply) r = send_message (impatient, soup_message_new ("GET", url));

    g_assert_error (r->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  }

  fake_idc_set_fault (server, FAKE_IDC_FAULT_VERSION_CHANGE, 1, "version");
  {
    g_autoptr(Reply) r = api_get ("version");
    g_autoptr(JsonNode) root = reply_json (r);
    JsonObject *o = json_node_get_object (root);

    g_assert_cmpstr (json_object_get_string_member (o, "api_version"), !=, "3.0.0b5");
    g_assert_cmpstr (json_object_get_string_member (o, "idc_index_data_version"), !=, "25.0.0");
    g_assert_cmpstr (json_object_get_string_member (o, "idc_version"), ==, "v25");
  }
  g_assert_cmpuint (fake_idc_get_request_count (server, "sql"), >, 0);
}

/* The fake-idc program: its two URLs, --fault, and the control URLs that
 * switch faults on while it runs. */
static void
test_program (void)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *program_api = NULL;
  g_autofree char *program_bucket = NULL;
  GError *error = NULL;
  char *saved_api = api;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, FAKE_IDC_PATH,
                              "--fault=api-500:1@sql", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  program_api = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  program_bucket = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (program_api, "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (program_api, "/v3/"));
  g_assert_true (g_str_has_prefix (program_bucket, "http://127.0.0.1:"));

  api = program_api;
  {
    g_autoptr(Reply) failed = post_sql ("SELECT 1 AS a", -1);
    g_autoptr(Reply) passed = post_sql ("SELECT 1 AS a", -1);
    g_autoptr(GUri) uri = g_uri_parse (program_api, G_URI_FLAGS_NONE, NULL);
    g_autofree char *fault_url = g_strdup_printf ("http://127.0.0.1:%d/fake-idc/fault?"
                                                  "name=slow-down&times=1&scope="
                                                  FAKE_IDC_BUCKET_CR, g_uri_get_port (uri));
    g_autofree char *stats_url = g_strdup_printf ("http://127.0.0.1:%d/fake-idc/stats?what=sql",
                                                  g_uri_get_port (uri));
    g_autofree char *list_url = g_strdup_printf ("%s/%s?list-type=2&prefix=", program_bucket,
                                                 FAKE_IDC_BUCKET_CR);
    g_autoptr(Reply) set = request ("GET", fault_url, NULL, NULL);
    g_autoptr(Reply) slow = request ("GET", list_url, NULL, NULL);
    g_autoptr(Reply) fine = request ("GET", list_url, NULL, NULL);
    g_autoptr(Reply) stats = request ("GET", stats_url, NULL, NULL);

    g_assert_cmpuint (failed->status, ==, 500);
    g_assert_cmpuint (passed->status, ==, 200);
    g_assert_cmpuint (set->status, ==, 200);
    g_assert_cmpuint (slow->status, ==, 503);
    g_assert_cmpuint (fine->status, ==, 200);
    g_assert_cmpmem (g_bytes_get_data (stats->body, NULL), g_bytes_get_size (stats->body),
                     "2\n", 2);
  }
  api = saved_api;

  g_subprocess_send_signal (process, SIGTERM);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fake-idc/archive/same-uids", test_archive_same_uids);
  g_test_add_func ("/fake-idc/archive/prior-versions", test_archive_prior_versions);
  g_test_add_func ("/fake-idc/api/version", test_api_version);
  g_test_add_func ("/fake-idc/api/collections", test_api_collections);
  g_test_add_func ("/fake-idc/api/sql-resolve", test_api_sql_resolve);
  g_test_add_func ("/fake-idc/api/sql-guards", test_api_sql_guards);
  g_test_add_func ("/fake-idc/api/manifest-txt", test_api_manifest_txt);
  g_test_add_func ("/fake-idc/api/cohort", test_api_cohort);
  g_test_add_func ("/fake-idc/api/faults", test_api_faults);
  g_test_add_func ("/fake-idc/program", test_program);

  fake_idc_test_start ();
  status = g_test_run ();
  fake_idc_test_stop ();
  return status;
}

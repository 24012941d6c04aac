/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-fake-idc"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "fake-idc.h"
#include "fake-nbia.h"
#include "test-soup-util.h"

/* The fake IDC's contract (idc-api.md §7): the same archive as the fake NBIA
 * server, its API v3 and its buckets. The servers run in a thread of their
 * own; requests are made with a synchronous SoupSession from the test's
 * thread. */

static FakeIdc *server;
static FakeIdcArchive *archive;
static SoupSession *session;
static char *api;
static char *bucket_url;

/* @method on @url, with one optional request header. */
static Reply *
request (const char *method,
         const char *url,
         const char *header,
         const char *value)
{
  SoupMessage *msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  if (header != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), header, value);
  return send_message (session, msg);
}

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

static xmlDoc *
reply_xml (const Reply *r)
{
  xmlDoc *doc;

  g_assert_nonnull (r->body);
  doc = xmlReadMemory (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body), NULL,
                       NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  return doc;
}

/* The texts of every element named @name, whatever its namespace. */
static GPtrArray *
xml_texts (xmlDoc     *doc,
           const char *name)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  xmlXPathContext *ctx = xmlXPathNewContext (doc);
  g_autofree char *expr = g_strdup_printf ("//*[local-name()='%s']", name);
  xmlXPathObject *result = xmlXPathEvalExpression (BAD_CAST expr, ctx);

  for (int i = 0; result->nodesetval != NULL && i < result->nodesetval->nodeNr; i++)
    {
      xmlChar *text = xmlNodeGetContent (result->nodesetval->nodeTab[i]);

      g_ptr_array_add (texts, g_strdup ((const char *) text));
      xmlFree (text);
    }
  xmlXPathFreeObject (result);
  xmlXPathFreeContext (ctx);
  return texts;
}

/* The text of the only element named @name, or NULL when there is none. */
static char *
xml_text (xmlDoc     *doc,
          const char *name)
{
  g_autoptr(GPtrArray) texts = xml_texts (doc, name);

  g_assert_cmpuint (texts->len, <=, 1);
  return texts->len > 0 ? g_strdup (texts->pdata[0]) : NULL;
}

/* Asserts an S3 <Error> with @status and @code. */
static void
assert_s3_error (const Reply *r,
                 guint        status,
                 const char  *code)
{
  xmlDoc *doc;
  g_autofree char *text = NULL;

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, status);
  doc = reply_xml (r);
  g_assert_nonnull (doc);
  text = xml_text (doc, "Code");
  g_assert_cmpstr (text, ==, code);
  xmlFreeDoc (doc);
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

/* ---- buckets ---- */

/* A series in idc-open-data with a marker and at least @min_objects objects. */
static const FakeIdcSeries *
find_series (guint    min_objects,
             gboolean marker)
{
  for (guint i = 0; i < fake_idc_archive_get_n_series (archive); i++)
    {
      const FakeIdcSeries *s = fake_idc_archive_get_series (archive, i);

      if (g_str_equal (s->bucket, FAKE_IDC_BUCKET_OPEN) && s->n_objects >= min_objects &&
          s->has_marker == marker)
        return s;
    }
  g_assert_not_reached ();
}

static Reply *
list (const char *bucket,
      const char *query)
{
  g_autofree char *url = g_strdup_printf ("%s/%s?list-type=2&%s", bucket_url, bucket, query);

  return request ("GET", url, NULL, NULL);
}

static Reply *
get_object (const char *bucket,
            const char *key,
            const char *header,
            const char *value)
{
  g_autofree char *url = g_strdup_printf ("%s/%s/%s", bucket_url, bucket, key);

  return request ("GET", url, header, value);
}

static char *
md5_of (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_MD5, bytes);
}

/* Pages of two keys, walked with percent-encoded tokens, give the marker and
 * every object once, in ascending order; a token sent raw is refused. */
static void
test_bucket_list_pages (void)
{
  const FakeIdcSeries *s = find_series (4, TRUE);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *token = NULL;
  guint pages = 0;

  fake_idc_set_page_size (server, 2);
  do
    {
      g_autofree char *escaped = token ? g_uri_escape_string (token, NULL, FALSE) : NULL;
      g_autofree char *query = g_strdup_printf ("prefix=%s/&max-keys=1000%s%s", s->series_uuid,
                                                escaped ? "&continuation-token=" : "",
                                                escaped ? escaped : "");
      g_autoptr(Reply) r = list (s->bucket, query);
      xmlDoc *doc;
      g_autoptr(GPtrArray) page_keys = NULL;
      g_autoptr(GPtrArray) etags = NULL;
      g_autofree char *count = NULL;
      g_autofree char *truncated = NULL;
      g_autofree char *max_keys = NULL;
      g_autofree char *echoed = NULL;

      g_assert_no_error (r->error);
      g_assert_cmpuint (r->status, ==, 200);
      /* ETags arrive quoted as entities. */
      g_assert_nonnull (g_strstr_len (g_bytes_get_data (r->body, NULL),
                                      g_bytes_get_size (r->body), "<ETag>&quot;"));
      doc = reply_xml (r);
      g_assert_nonnull (doc);
      g_assert_cmpstr ((const char *) xmlDocGetRootElement (doc)->ns->href, ==,
                       "http://s3.amazonaws.com/doc/2006-03-01/");
      page_keys = xml_texts (doc, "Key");
      etags = xml_texts (doc, "ETag");
      count = xml_text (doc, "KeyCount");
      max_keys = xml_text (doc, "MaxKeys");
      truncated = xml_text (doc, "IsTruncated");
      echoed = xml_text (doc, "ContinuationToken");
      g_assert_cmpstr (echoed, ==, token);
      g_assert_cmpuint (g_ascii_strtoull (count, NULL, 10), ==, page_keys->len);
      g_assert_cmpstr (max_keys, ==, "2");
      g_assert_cmpuint (page_keys->len, <=, 2);
      for (guint i = 0; i < page_keys->len; i++)
        {
          const char *etag = etags->pdata[i];

          g_assert_true (etag[0] == '"' && etag[strlen (etag) - 1] == '"');
          g_ptr_array_add (keys, g_strdup (page_keys->pdata[i]));
        }
      g_clear_pointer (&token, g_free);
      if (g_str_equal (truncated, "true"))
        {
          g_autofree char *raw_query = NULL;

          token = xml_text (doc, "NextContinuationToken");
          g_assert_nonnull (token);
          g_assert_nonnull (strpbrk (token, "+"));
          g_assert_nonnull (strpbrk (token, "/"));
          g_assert_nonnull (strpbrk (token, "="));
          raw_query = g_strdup_printf ("prefix=%s/&continuation-token=%s", s->series_uuid, token);
          {
            g_autoptr(Reply) raw = list (s->bucket, raw_query);

            assert_s3_error (raw, 400, "InvalidArgument");
          }
        }
      else
        {
          g_assert_cmpstr (truncated, ==, "false");
        }
      xmlFreeDoc (doc);
      pages++;
    }
  while (token != NULL);
  fake_idc_set_page_size (server, 1000);

  g_assert_cmpuint (pages, >=, 3);
  g_assert_cmpuint (keys->len, ==, s->n_objects + 1);
  g_assert_true (g_str_has_suffix (keys->pdata[0], "/"));
  for (guint k = 0; k < s->n_objects; k++)
    g_assert_cmpstr (keys->pdata[k + 1], ==, fake_idc_archive_get_object (archive, s, k)->key);
  for (guint i = 1; i < keys->len; i++)
    g_assert_cmpint (strcmp (keys->pdata[i - 1], keys->pdata[i]), <, 0);
}

static void
test_bucket_list_limits (void)
{
  const FakeIdcSeries *s = find_series (1, FALSE);
  g_autofree char *query = g_strdup_printf ("prefix=%s/&max-keys=5000", s->series_uuid);
  g_autoptr(Reply) r = list (s->bucket, query);
  g_autoptr(Reply) empty = list (s->bucket, "prefix=00000000-0000-0000-0000-000000000000/");
  g_autoptr(Reply) other = list (FAKE_IDC_BUCKET_CR, query);
  g_autoptr(Reply) nobucket = list ("no-such-bucket", query);
  xmlDoc *doc = reply_xml (r);
  g_autofree char *max_keys = xml_text (doc, "MaxKeys");
  g_autoptr(GPtrArray) keys = xml_texts (doc, "Key");
  xmlDoc *empty_doc = reply_xml (empty);
  g_autofree char *empty_count = xml_text (empty_doc, "KeyCount");
  g_autoptr(GPtrArray) sizes = xml_texts (doc, "Size");

  g_assert_cmpstr (max_keys, ==, "1000");
  /* No marker in this series. */
  g_assert_cmpuint (keys->len, ==, s->n_objects);
  for (guint k = 0; k < s->n_objects; k++)
    g_assert_cmpuint (g_ascii_strtoull (sizes->pdata[k], NULL, 10), ==,
                      fake_idc_archive_get_object (archive, s, k)->size);
  g_assert_cmpuint (empty->status, ==, 200);
  g_assert_cmpstr (empty_count, ==, "0");
  /* The folder is in its own bucket only. */
  {
    xmlDoc *other_doc = reply_xml (other);
    g_autofree char *other_count = xml_text (other_doc, "KeyCount");

    g_assert_cmpstr (other_count, ==, "0");
    xmlFreeDoc (other_doc);
  }
  assert_s3_error (nobucket, 404, "NoSuchBucket");
  xmlFreeDoc (doc);
  xmlFreeDoc (empty_doc);
}

static void
test_bucket_get (void)
{
  const FakeIdcSeries *s = find_series (1, TRUE);
  const FakeIdcObject *o = fake_idc_archive_get_object (archive, s, 0);
  const char *md5 = fake_idc_archive_get_md5 (archive, s, o);
  g_autoptr(GBytes) bytes = fake_idc_archive_get_bytes (archive, s, o);
  g_autofree char *etag = g_strdup_printf ("\"%s\"", md5);
  g_autofree char *url = g_strdup_printf ("%s/%s/%s", bucket_url, s->bucket, o->key);
  g_autoptr(Reply) r = get_object (s->bucket, o->key, NULL, NULL);
  g_autoptr(Reply) head = request ("HEAD", url, NULL, NULL);
  g_autofree char *got_md5 = md5_of (r->body);
  g_autofree char *marker = g_strdup_printf ("%s/", s->series_uuid);
  g_autoptr(Reply) marker_reply = get_object (s->bucket, marker, NULL, NULL);

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (got_md5, ==, md5);
  g_assert_true (g_bytes_equal (r->body, bytes));
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "ETag"), ==, etag);
  g_assert_cmpint (soup_message_headers_get_content_length (r->headers), ==, o->size);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Accept-Ranges"), ==, "bytes");
  g_assert_nonnull (soup_message_headers_get_one (r->headers, "Last-Modified"));

  g_assert_cmpuint (head->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (head->body), ==, 0);
  g_assert_cmpstr (soup_message_headers_get_one (head->headers, "ETag"), ==, etag);
  g_assert_cmpint (soup_message_headers_get_content_length (head->headers), ==, o->size);

  g_assert_cmpuint (marker_reply->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (marker_reply->body), ==, 0);

  /* Ranges: from an offset, a span, past the end. */
  {
    g_autoptr(Reply) tail = get_object (s->bucket, o->key, "Range", "bytes=100-");
    g_autoptr(Reply) span = get_object (s->bucket, o->key, "Range", "bytes=10-19");
    g_autofree char *past = g_strdup_printf ("bytes=%" G_GUINT64_FORMAT "-", o->size);
    g_autoptr(Reply) beyond = get_object (s->bucket, o->key, "Range", past);
    g_autoptr(GBytes) tail_bytes = g_bytes_new_from_bytes (bytes, 100, o->size - 100);
    g_autoptr(GBytes) span_bytes = g_bytes_new_from_bytes (bytes, 10, 10);
    g_autofree char *tail_range = g_strdup_printf ("bytes 100-%" G_GUINT64_FORMAT "/%"
                                                   G_GUINT64_FORMAT, o->size - 1, o->size);

    g_assert_cmpuint (tail->status, ==, 206);
    g_assert_true (g_bytes_equal (tail->body, tail_bytes));
    g_assert_cmpstr (soup_message_headers_get_one (tail->headers, "Content-Range"), ==,
                     tail_range);
    g_assert_cmpuint (span->status, ==, 206);
    g_assert_true (g_bytes_equal (span->body, span_bytes));
    assert_s3_error (beyond, 416, "InvalidRange");
  }

  /* If-Match guards a resumed GET. */
  {
    g_autoptr(Reply) match = get_object (s->bucket, o->key, "If-Match", etag);
    g_autoptr(Reply) mismatch = get_object (s->bucket, o->key, "If-Match",
                                            "\"0123456789abcdef0123456789abcdef\"");

    g_assert_cmpuint (match->status, ==, 200);
    assert_s3_error (mismatch, 412, "PreconditionFailed");
  }

  {
    g_autofree char *missing_key = g_strdup_printf ("%s/nope.dcm", s->series_uuid);
    g_autoptr(Reply) missing = get_object (s->bucket, missing_key, NULL, NULL);
    g_autoptr(Reply) wrong_bucket = get_object (FAKE_IDC_BUCKET_CR, o->key, NULL, NULL);
    g_autoptr(Reply) no_bucket = get_object ("no-such-bucket", o->key, NULL, NULL);

    assert_s3_error (missing, 404, "NoSuchKey");
    assert_s3_error (wrong_bucket, 404, "NoSuchKey");
    assert_s3_error (no_bucket, 404, "NoSuchBucket");
  }
}

static void
test_bucket_faults (void)
{
  const FakeIdcSeries *s = find_series (3, FALSE);
  const FakeIdcObject *o = fake_idc_archive_get_object (archive, s, 0);
  const char *md5 = fake_idc_archive_get_md5 (archive, s, o);
  g_autofree char *query = g_strdup_printf ("prefix=%s/", s->series_uuid);

  fake_idc_set_fault (server, FAKE_IDC_FAULT_SLOW_DOWN, 2, s->series_uid);
  {
    g_autoptr(Reply) first = get_object (s->bucket, o->key, NULL, NULL);
    g_autoptr(Reply) second = list (s->bucket, query);
    g_autoptr(Reply) third = get_object (s->bucket, o->key, NULL, NULL);

    assert_s3_error (first, 503, "SlowDown");
    g_assert_cmpstr (soup_message_headers_get_one (first->headers, "Retry-After"), ==, "1");
    assert_s3_error (second, 503, "SlowDown");
    g_assert_cmpuint (third->status, ==, 200);
  }

  fake_idc_set_fault (server, FAKE_IDC_FAULT_SLOW_DOWN_BARE, 1, o->key);
  fake_idc_set_fault (server, FAKE_IDC_FAULT_INTERNAL_ERROR, 1, o->key);
  {
    g_autoptr(Reply) first = get_object (s->bucket, o->key, NULL, NULL);
    g_autoptr(Reply) second = get_object (s->bucket, o->key, NULL, NULL);

    assert_s3_error (first, 503, "SlowDown");
    g_assert_null (soup_message_headers_get_one (first->headers, "Retry-After"));
    assert_s3_error (second, 500, "InternalError");
  }

  fake_idc_set_fault (server, FAKE_IDC_FAULT_ACCESS_DENIED, 0, FAKE_IDC_BUCKET_OPEN);
  {
    g_autoptr(Reply) denied = get_object (s->bucket, o->key, NULL, NULL);
    g_autoptr(Reply) listing = list (s->bucket, query);
    g_autoptr(Reply) other = list (FAKE_IDC_BUCKET_CR, "prefix=");

    assert_s3_error (denied, 403, "AccessDenied");
    assert_s3_error (listing, 403, "AccessDenied");
    g_assert_cmpuint (other->status, ==, 200);
  }
  fake_idc_clear_faults (server);

  fake_idc_set_fault (server, FAKE_IDC_FAULT_MISSING_OBJECT, 1, o->key);
  {
    g_autoptr(Reply) missing = get_object (s->bucket, o->key, NULL, NULL);
    g_autoptr(Reply) back = get_object (s->bucket, o->key, NULL, NULL);

    assert_s3_error (missing, 404, "NoSuchKey");
    g_assert_cmpuint (back->status, ==, 200);
  }

  fake_idc_set_fault (server, FAKE_IDC_FAULT_CORRUPT, 1, s->series_uuid);
  {
    g_autoptr(Reply) r = get_object (s->bucket, o->key, NULL, NULL);
    g_autofree char *got = md5_of (r->body);
    g_autofree char *etag = g_strdup_printf ("\"%s\"", md5);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (r->body), ==, o->size);
    g_assert_cmpstr (got, !=, md5);
    g_assert_cmpstr (soup_message_headers_get_one (r->headers, "ETag"), ==, etag);
  }

  /* A property of the object: the listing and the GET agree, every time. */
  fake_idc_set_fault (server, FAKE_IDC_FAULT_MULTIPART_ETAG, 1, o->key);
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(Reply) r = get_object (s->bucket, o->key, NULL, NULL);
      g_autoptr(Reply) l = list (s->bucket, query);
      xmlDoc *doc = reply_xml (l);
      g_autoptr(GPtrArray) etags = xml_texts (doc, "ETag");
      g_autofree char *multipart = g_strdup_printf ("\"%s-3\"", md5);

      g_assert_cmpstr (soup_message_headers_get_one (r->headers, "ETag"), ==, multipart);
      g_assert_cmpstr (etags->pdata[0], ==, multipart);
      g_assert_true (g_str_has_suffix (etags->pdata[1], "\"") &&
                     !g_str_has_suffix (etags->pdata[1], "-3\""));
      xmlFreeDoc (doc);
    }
  fake_idc_clear_faults (server);

  fake_idc_set_fault (server, FAKE_IDC_FAULT_SHORT_LISTING, 0, s->series_uid);
  {
    g_autoptr(Reply) l = list (s->bucket, query);
    xmlDoc *doc = reply_xml (l);
    g_autoptr(GPtrArray) keys = xml_texts (doc, "Key");

    g_assert_cmpuint (keys->len, ==, s->n_objects - 1);
    xmlFreeDoc (doc);
  }
  fake_idc_clear_faults (server);

  fake_idc_set_fault (server, FAKE_IDC_FAULT_BAD_XML, 1, NULL);
  {
    g_autoptr(Reply) bad = list (s->bucket, query);
    g_autoptr(Reply) good = list (s->bucket, query);
    xmlDoc *bad_doc = reply_xml (bad);
    xmlDoc *good_doc = reply_xml (good);

    g_assert_cmpuint (bad->status, ==, 200);
    g_assert_null (bad_doc);
    g_assert_nonnull (good_doc);
    xmlFreeDoc (good_doc);
  }

  fake_idc_set_fault (server, FAKE_IDC_FAULT_DROP, 1, o->key);
  {
    g_autoptr(Reply) r = get_object (s->bucket, o->key, NULL, NULL);

    g_assert_true (r->error != NULL || g_bytes_get_size (r->body) < o->size);
  }

  fake_idc_set_fault (server, FAKE_IDC_FAULT_STALL, 1, o->key);
  {
    g_autoptr(SoupSession) impatient = soup_session_new_with_options ("proxy-resolver", NULL,
                                                                      "timeout", 1, NULL);
    g_autofree char *url = g_strdup_printf ("%s/%s/%s", bucket_url, s->bucket, o->key);
    g_autoptr(Reply) r = send_message (impatient, soup_message_new ("GET", url));

    g_assert_error (r->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  }
  g_assert_cmpuint (fake_idc_get_request_count (server, "get"), >, 0);
  g_assert_cmpuint (fake_idc_get_request_count (server, "list"), >, 0);
}

/* Under a rate limit the bytes are still all there and right. */
static void
test_bucket_rate_limit (void)
{
  const FakeIdcSeries *s = find_series (1, FALSE);
  const FakeIdcObject *o = fake_idc_archive_get_object (archive, s, 0);
  g_autoptr(Reply) r = NULL;
  g_autofree char *md5 = NULL;

  fake_idc_set_rate_limit (server, 64 * 1024);
  r = get_object (s->bucket, o->key, NULL, NULL);
  fake_idc_set_rate_limit (server, 0);
  md5 = md5_of (r->body);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (md5, ==, fake_idc_archive_get_md5 (archive, s, o));
}

/* What s3rver gets: the objects as files under <bucket>/<key>. */
static void
test_export_objects (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fake-idc-export-XXXXXX", NULL);
  const FakeIdcSeries *s = find_series (2, FALSE);
  const char *uids[] = { s->series_uid, NULL };
  GError *error = NULL;

  g_assert_true (fake_idc_export_objects (archive, dir, uids, &error));
  g_assert_no_error (error);
  for (guint k = 0; k < s->n_objects; k++)
    {
      const FakeIdcObject *o = fake_idc_archive_get_object (archive, s, k);
      g_autofree char *path = g_build_filename (dir, s->bucket, o->key, NULL);
      g_autofree char *contents = NULL;
      g_autofree char *md5 = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      md5 = g_compute_checksum_for_data (G_CHECKSUM_MD5, (const guchar *) contents, length);
      g_assert_cmpstr (md5, ==, fake_idc_archive_get_md5 (archive, s, o));
      g_remove (path);
    }
  {
    g_autofree char *folder = g_build_filename (dir, s->bucket, s->series_uuid, NULL);
    g_autofree char *bucket = g_build_filename (dir, s->bucket, NULL);

    g_rmdir (folder);
    g_rmdir (bucket);
    g_rmdir (dir);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fake-idc/archive/same-uids", test_archive_same_uids);
  g_test_add_func ("/fake-idc/archive/prior-versions", test_archive_prior_versions);
  g_test_add_func ("/fake-idc/api/version", test_api_version);
  g_test_add_func ("/fake-idc/api/collections", test_api_collections);
  g_test_add_func ("/fake-idc/api/sql-resolve", test_api_sql_resolve);
  g_test_add_func ("/fake-idc/api/sql-guards", test_api_sql_guards);
  g_test_add_func ("/fake-idc/api/manifest-txt", test_api_manifest_txt);
  g_test_add_func ("/fake-idc/api/faults", test_api_faults);
  g_test_add_func ("/fake-idc/bucket/list-pages", test_bucket_list_pages);
  g_test_add_func ("/fake-idc/bucket/list-limits", test_bucket_list_limits);
  g_test_add_func ("/fake-idc/bucket/get", test_bucket_get);
  g_test_add_func ("/fake-idc/bucket/faults", test_bucket_faults);
  g_test_add_func ("/fake-idc/bucket/rate-limit", test_bucket_rate_limit);
  g_test_add_func ("/fake-idc/export-objects", test_export_objects);

  server = fake_idc_new (NULL);
  if (!fake_idc_start_in_thread (server, 0, 0, &error))
    g_error ("fake IDC: %s", error->message);
  archive = fake_idc_get_archive (server);
  api = fake_idc_get_api_url (server);
  bucket_url = fake_idc_get_bucket_url (server);
  session = soup_session_new_with_options ("proxy-resolver", NULL, "timeout", 60, NULL);

  status = g_test_run ();

  g_object_unref (session);
  fake_idc_free (server);
  g_free (api);
  g_free (bucket_url);
  return status;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-idc"

#include <math.h>
#include <string.h>

#include "fake-idc-private.h"

/* The cohort endpoints (idc-api.md §2.1, §2.8-§2.10) with the b3+ rules:
 * the filter under "filters", unknown keys 422, unknown attributes 400,
 * empty predicates dropped with a warning, manifests refused unfiltered. */

#define MANIFEST_DEFAULT_LIMIT 100000
#define MANIFEST_MAX_SERIES 100000
#define PAGE_SIZE_DEFAULT 100
#define PAGE_SIZE_MAX 5000

static const char *const term_attributes[] = {
  "collection_id", "analysis_result_id", "PatientID", "StudyInstanceUID", "SeriesInstanceUID",
  "Modality", "BodyPartExamined", "Manufacturer", "ManufacturerModelName", "PatientSex",
  "sop_class_name", "license_short_name", "source_DOI", NULL
};

static const char *const range_attributes[] = {
  "instanceCount", "series_size_MB", "series_init_idc_version", "series_revised_idc_version",
  "StudyDate", "SeriesDate", NULL
};

static const char *const manifest_columns =
  "collection_id, PatientID, StudyInstanceUID, SeriesInstanceUID, Modality, SeriesDescription, "
  "instanceCount, series_size_MB, aws_bucket, crdc_series_uuid, series_aws_url";

typedef struct
{
  GString     *where;        /* "" when nothing constrains */
  JsonBuilder *applied;      /* filters_applied */
  GPtrArray   *warnings;
  GPtrArray   *collections;  /* the collection_id terms, when they are the only predicate */
  guint        n_predicates;
  gboolean     only_collections;
} Filter;

static void
filter_clear (Filter *f)
{
  g_string_free (f->where, TRUE);
  g_object_unref (f->applied);
  g_ptr_array_unref (f->warnings);
  g_ptr_array_unref (f->collections);
}

static void
add_predicate (Filter     *f,
               const char *sql)
{
  g_string_append_printf (f->where, "%s%s", f->where->len ? " AND " : " WHERE ", sql);
  f->n_predicates++;
}

static void
bad_filter (SoupServerMessage *msg,
            const char        *attribute,
            const char        *kind)
{
  g_autofree char *text = g_strdup_printf ("Unknown or non-%s filter attribute: '%s'. Use "
                                           "list_attributes to see valid attributes.",
                                           kind, attribute);

  fake_idc_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_query", text);
}

static gboolean
add_terms (SoupServerMessage *msg,
           Filter            *f,
           JsonObject        *terms)
{
  g_autoptr(GList) members = json_object_get_members (terms);

  json_builder_set_member_name (f->applied, "terms");
  json_builder_begin_object (f->applied);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (terms, name);
      JsonArray *values = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
      g_autoptr(GString) in = g_string_new (NULL);

      if (!g_strv_contains (term_attributes, name))
        {
          bad_filter (msg, name, "term");
          return FALSE;
        }
      if (values == NULL)
        {
          fake_idc_reply_422 (msg, "list_type", name, "Input should be a valid list");
          return FALSE;
        }
      if (json_array_get_length (values) == 0)
        {
          g_ptr_array_add (f->warnings,
                           g_strdup_printf ("Term filter '%s' was ignored because its value list "
                                            "is empty; it constrains nothing.", name));
          continue;
        }
      json_builder_set_member_name (f->applied, name);
      json_builder_begin_array (f->applied);
      for (guint i = 0; i < json_array_get_length (values); i++)
        {
          JsonNode *value = json_array_get_element (values, i);
          char *quoted;

          if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
            {
              fake_idc_reply_422 (msg, "string_type", name, "Input should be a valid string");
              return FALSE;
            }
          quoted = sqlite3_mprintf ("%Q", json_node_get_string (value));
          g_string_append_printf (in, "%s%s", in->len ? ", " : "", quoted);
          sqlite3_free (quoted);
          json_builder_add_string_value (f->applied, json_node_get_string (value));
          if (g_str_equal (name, "collection_id"))
            g_ptr_array_add (f->collections, g_strdup (json_node_get_string (value)));
        }
      json_builder_end_array (f->applied);
      if (!g_str_equal (name, "collection_id"))
        f->only_collections = FALSE;
      {
        g_autofree char *predicate = g_strdup_printf ("%s IN (%s)", name, in->str);

        add_predicate (f, predicate);
      }
    }
  json_builder_end_object (f->applied);
  return TRUE;
}

/* One bound of a range as SQL text, or NULL with the 400 set. */
static char *
range_bound (SoupServerMessage *msg,
             const char        *name,
             JsonNode          *node,
             gboolean           date,
             JsonBuilder       *applied)
{
  GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  double number = NAN;
  g_autofree char *message = NULL;

  if (date)
    {
      g_autoptr(GRegex) iso = g_regex_new ("^([0-9]{4})-?([0-9]{2})-?([0-9]{2})$", 0, 0, NULL);
      g_autoptr(GMatchInfo) match = NULL;

      if (type == G_TYPE_STRING && g_regex_match (iso, json_node_get_string (node), 0, &match))
        {
          g_autofree char *year = g_match_info_fetch (match, 1);
          g_autofree char *month = g_match_info_fetch (match, 2);
          g_autofree char *day = g_match_info_fetch (match, 3);
          g_autofree char *text = g_strdup_printf ("%s-%s-%s", year, month, day);

          json_builder_add_string_value (applied, text);
          return g_strdup_printf ("'%s'", text);
        }
      message = g_strdup_printf ("Range bound of '%s' must be a date YYYY-MM-DD or YYYYMMDD.",
                                 name);
      fake_idc_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_query", message);
      return NULL;
    }
  if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
    {
      number = json_node_get_double (node);
    }
  else if (type == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      char *end = NULL;

      number = g_ascii_strtod (text, &end);
      if (end == text || *end != '\0')
        number = NAN;
    }
  if (!isfinite (number))
    {
      message = g_strdup_printf ("Range bound of '%s' is not a finite number.", name);
      fake_idc_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_query", message);
      return NULL;
    }
  json_builder_add_double_value (applied, number);
  return g_strdup_printf ("%.17g", number);
}

static gboolean
add_ranges (SoupServerMessage *msg,
            Filter            *f,
            JsonObject        *ranges)
{
  static const char *const bound_names[] = { "gte", "lte", NULL };
  static const char *const operators[] = { ">=", "<=" };
  g_autoptr(GList) members = json_object_get_members (ranges);

  json_builder_set_member_name (f->applied, "ranges");
  json_builder_begin_object (f->applied);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (ranges, name);
      JsonObject *range = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      gboolean date = g_str_equal (name, "StudyDate") || g_str_equal (name, "SeriesDate");
      gboolean any = FALSE;

      if (!g_strv_contains (range_attributes, name))
        {
          bad_filter (msg, name, "range");
          return FALSE;
        }
      if (range == NULL)
        {
          fake_idc_reply_422 (msg, "model_type", name, "Input should be a valid dictionary");
          return FALSE;
        }
      if (!fake_idc_only_members (msg, range, bound_names))
        return FALSE;
      for (guint b = 0; b < 2; b++)
        {
          JsonNode *bound = json_object_get_member (range, bound_names[b]);

          any |= bound != NULL && !JSON_NODE_HOLDS_NULL (bound);
        }
      if (!any)
        {
          g_ptr_array_add (f->warnings,
                           g_strdup_printf ("Range filter '%s' was ignored because neither 'gte' "
                                            "nor 'lte' was set; it constrains nothing.", name));
          continue;
        }
      f->only_collections = FALSE;
      json_builder_set_member_name (f->applied, name);
      json_builder_begin_object (f->applied);
      for (guint b = 0; b < 2; b++)
        {
          JsonNode *bound = json_object_get_member (range, bound_names[b]);
          g_autofree char *value = NULL;
          g_autofree char *predicate = NULL;

          json_builder_set_member_name (f->applied, bound_names[b]);
          if (bound == NULL || JSON_NODE_HOLDS_NULL (bound))
            {
              json_builder_add_null_value (f->applied);
              continue;
            }
          value = range_bound (msg, name, bound, date, f->applied);
          if (value == NULL)
            return FALSE;
          predicate = g_strdup_printf ("%s %s %s", name, operators[b], value);
          add_predicate (f, predicate);
        }
      json_builder_end_object (f->applied);
    }
  json_builder_end_object (f->applied);
  return TRUE;
}

/* Reads body.filters into @f; FALSE with the answer set. */
static gboolean
parse_filter (SoupServerMessage *msg,
              JsonObject        *body,
              Filter            *f)
{
  static const char *const filter_members[] = { "terms", "ranges", NULL };
  JsonNode *node = json_object_get_member (body, "filters");
  JsonObject *filters = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                        ? json_node_get_object (node) : NULL;
  JsonNode *terms, *ranges;
  gboolean ok = TRUE;

  f->where = g_string_new (NULL);
  f->applied = json_builder_new ();
  f->warnings = g_ptr_array_new_with_free_func (g_free);
  f->collections = g_ptr_array_new_with_free_func (g_free);
  f->only_collections = TRUE;

  if (json_object_has_member (body, "terms") || json_object_has_member (body, "ranges"))
    {
      fake_idc_reply_422 (msg, "value_error", NULL,
                          "Value error, the filter object goes under `filters`, e.g. "
                          "{\"filters\": {\"terms\": {\"collection_id\": [\"nlst\"]}}}");
      return FALSE;
    }
  if (node != NULL && filters == NULL)
    {
      fake_idc_reply_422 (msg, "model_type", "filters", "Input should be a valid dictionary");
      return FALSE;
    }
  if (filters != NULL && !fake_idc_only_members (msg, filters, filter_members))
    return FALSE;

  json_builder_begin_object (f->applied);
  terms = filters != NULL ? json_object_get_member (filters, "terms") : NULL;
  ranges = filters != NULL ? json_object_get_member (filters, "ranges") : NULL;
  if (terms != NULL && JSON_NODE_HOLDS_OBJECT (terms))
    {
      ok = add_terms (msg, f, json_node_get_object (terms));
    }
  else
    {
      json_builder_set_member_name (f->applied, "terms");
      json_builder_begin_object (f->applied);
      json_builder_end_object (f->applied);
    }
  if (ok && ranges != NULL && JSON_NODE_HOLDS_OBJECT (ranges))
    {
      ok = add_ranges (msg, f, json_node_get_object (ranges));
    }
  else if (ok)
    {
      json_builder_set_member_name (f->applied, "ranges");
      json_builder_begin_object (f->applied);
      json_builder_end_object (f->applied);
    }
  if (!ok)
    return FALSE;
  json_builder_end_object (f->applied);
  if (f->n_predicates == 0)
    f->only_collections = FALSE;
  return TRUE;
}

static void
refuse_unfiltered (SoupServerMessage *msg,
                   Filter            *f)
{
  g_autoptr(GString) text = g_string_new ("At least one filter predicate is required to build a "
                                          "manifest: unfiltered, that is every series in IDC "
                                          "(100+ TB). Use the stats surface for archive-wide "
                                          "totals, or cohort counts to size a filter first.");

  for (guint i = 0; i < f->warnings->len; i++)
    g_string_append_printf (text, " %s", (const char *) f->warnings->pdata[i]);
  fake_idc_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_query", text->str);
}

/* CohortCounts, with filters_applied and warnings. */
static JsonNode *
counts (FakeIdc *self,
        Filter  *f)
{
  g_autofree char *query = g_strdup_printf (
    "SELECT COUNT (DISTINCT PatientID) AS patients, COUNT (DISTINCT StudyInstanceUID) AS studies,"
    " COUNT (*) AS series, COALESCE (SUM (instanceCount), 0) AS instances,"
    " ROUND (COALESCE (SUM (series_size_MB), 0) / 1e6, 3) AS size_TB FROM \"index\"%s",
    f->where->str);
  g_autoptr(JsonNode) rows = fake_idc_db_rows (self->db, query);
  JsonNode *node = json_node_copy (json_array_get_element (json_node_get_array (rows), 0));
  JsonObject *o = json_node_get_object (node);
  JsonArray *warnings = json_array_new ();

  if (f->n_predicates == 0)
    g_ptr_array_add (f->warnings,
                     g_strdup ("No filter predicates were applied, so this result describes the "
                               "ENTIRE IDC archive, not a cohort."));
  /* size_TB is a float even when it rounds to a whole number. */
  json_object_set_double_member (o, "size_TB", json_object_get_double_member (o, "size_TB"));
  json_object_set_member (o, "filters_applied", json_builder_get_root (f->applied));
  for (guint i = 0; i < f->warnings->len; i++)
    json_array_add_string_element (warnings, f->warnings->pdata[i]);
  json_object_set_array_member (o, "warnings", warnings);
  return node;
}

static JsonArray *
string_column (FakeIdc    *self,
               const char *query,
               const char *column)
{
  g_autoptr(JsonNode) rows = fake_idc_db_rows (self->db, query);
  JsonArray *array = json_node_get_array (rows);
  JsonArray *out = json_array_new ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    json_array_add_string_element (out, json_object_get_string_member (
                                     json_array_get_object_element (array, i), column));
  return out;
}

static void
manifest (FakeIdc           *self,
          SoupServerMessage *msg,
          JsonObject        *body,
          Filter            *f)
{
  static const char *const allowed[] = { "filters", "page", "page_size", "include_rows", NULL };
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  JsonObject *download = json_object_new ();
  JsonArray *commands;
  JsonNode *counts_node;
  g_autofree char *rows_query = NULL;
  g_autofree char *preview_query = NULL;
  g_autoptr(JsonNode) rows = NULL;
  gint64 page, page_size, total;
  gboolean include_rows;

  json_node_take_object (root, o);
  if (!fake_idc_only_members (msg, body, allowed) ||
      !fake_idc_get_int_member (msg, body, "page", 0, &page) ||
      !fake_idc_get_int_member (msg, body, "page_size", PAGE_SIZE_DEFAULT, &page_size))
    return;
  page = MAX (0, page);
  page_size = CLAMP (page_size, 1, PAGE_SIZE_MAX);
  include_rows = json_object_get_boolean_member_with_default (body, "include_rows", TRUE);

  counts_node = counts (self, f);
  total = json_object_get_int_member (json_node_get_object (counts_node), "series");
  json_object_set_member (o, "counts", counts_node);
  json_object_set_int_member (o, "page", page);
  json_object_set_int_member (o, "page_size", page_size);
  rows_query = g_strdup_printf ("SELECT %s FROM \"index\"%s ORDER BY collection_id, PatientID,"
                                " StudyInstanceUID, SeriesInstanceUID LIMIT %" G_GINT64_FORMAT
                                " OFFSET %" G_GINT64_FORMAT, manifest_columns, f->where->str,
                                page_size, page * page_size);
  if (include_rows)
    {
      rows = fake_idc_db_rows (self->db, rows_query);
    }
  else
    {
      rows = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (rows, json_array_new ());
    }
  json_object_set_int_member (o, "returned", json_array_get_length (json_node_get_array (rows)));
  json_object_set_int_member (o, "total_series", total);
  json_object_set_member (o, "series", g_steal_pointer (&rows));

  commands = json_array_new ();
  for (guint i = 0; f->only_collections && i < f->collections->len; i++)
    {
      g_autofree char *command = g_strdup_printf ("idc download %s --download-dir ./idc-data",
                                                  (char *) f->collections->pdata[i]);

      json_array_add_string_element (commands, command);
    }
  json_array_add_string_element (commands, "# Or save the full manifest (see the manifest "
                                 "endpoint/tool), then:\nidc download-from-manifest "
                                 "idc_manifest.txt --download-dir ./idc-data");
  preview_query = g_strdup_printf ("SELECT series_aws_url FROM \"index\"%s ORDER BY"
                                   " series_aws_url LIMIT 5", f->where->str);
  json_object_set_int_member (download, "total_series", total);
  json_object_set_double_member (download, "size_TB", json_object_get_double_member (
                                   json_object_get_object_member (o, "counts"), "size_TB"));
  json_object_set_array_member (download, "idc_commands", commands);
  json_object_set_array_member (download, "manifest_preview",
                                string_column (self, preview_query, "series_aws_url"));
  json_object_set_boolean_member (download, "manifest_truncated", total > MANIFEST_MAX_SERIES);
  json_object_set_string_member (download, "note", "URLs point to public AWS S3 (and GCS) "
                                 "buckets; no credentials needed.");
  json_object_set_object_member (o, "download", download);
  fake_idc_reply_json (msg, SOUP_STATUS_OK, root);
}

static void
manifest_txt (FakeIdc           *self,
              SoupServerMessage *msg,
              JsonObject        *body,
              Filter            *f)
{
  static const char *const allowed[] = { "filters", "source", "limit", NULL };
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *query = NULL;
  g_autoptr(JsonArray) urls = NULL;
  const char *source;
  gint64 limit;

  if (!fake_idc_only_members (msg, body, allowed) ||
      !fake_idc_get_int_member (msg, body, "limit", MANIFEST_DEFAULT_LIMIT, &limit))
    return;
  source = json_object_get_string_member_with_default (body, "source", "aws");
  /* IDC raises a plain ValueError for any other source: a 500. */
  if (source == NULL || (!g_str_equal (source, "aws") && !g_str_equal (source, "gcs")) ||
      limit < 0)
    {
      fake_idc_reply_text (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain",
                           g_strdup ("Internal Server Error"));
      return;
    }
  query = g_strdup_printf ("SELECT series_aws_url FROM \"index\"%s ORDER BY series_aws_url"
                           " LIMIT %" G_GINT64_FORMAT, f->where->str, limit);
  urls = string_column (self, query, "series_aws_url");
  for (guint i = 0; i < json_array_get_length (urls); i++)
    {
      g_autoptr(GString) url = g_string_new (json_array_get_string_element (urls, i));

      if (g_str_equal (source, "gcs"))
        {
          g_string_replace (url, "s3://" FAKE_IDC_BUCKET_TWO "/", "s3://idc-open-idc1/", 1);
          g_string_replace (url, "s3://" FAKE_IDC_BUCKET_CR "/", "s3://idc-open-cr/", 1);
        }
      g_string_append_printf (text, "%s\n", url->str);
    }
  fake_idc_reply_text (msg, SOUP_STATUS_OK, "text/plain; charset=utf-8",
                       g_string_free (g_steal_pointer (&text), FALSE));
}

void
fake_idc_cohort (FakeIdc           *self,
                 SoupServerMessage *msg,
                 const char        *route)
{
  static const char *const counts_allowed[] = { "filters", NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *body = fake_idc_parse_body (msg, parser);
  Filter f = { 0 };

  if (body == NULL)
    return;
  if (!parse_filter (msg, body, &f))
    {
      filter_clear (&f);
      return;
    }
  if (g_str_equal (route, "cohort/counts"))
    {
      if (fake_idc_only_members (msg, body, counts_allowed))
        {
          g_autoptr(JsonNode) node = counts (self, &f);

          fake_idc_reply_json (msg, SOUP_STATUS_OK, node);
        }
    }
  else if (f.n_predicates == 0)
    {
      refuse_unfiltered (msg, &f);
    }
  else if (g_str_equal (route, "cohort/manifest"))
    {
      manifest (self, msg, body, &f);
    }
  else
    {
      manifest_txt (self, msg, body, &f);
    }
  filter_clear (&f);
}

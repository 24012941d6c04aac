/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-idc"

#include <string.h>

#include <json-glib/json-glib.h>

#include "fake-idc-private.h"

/* The tables /v3/sql answers from, in an in-memory SQLite database, and the
 * guards IDC puts before its engine (idc-api.md §2.11): the client's portable
 * SQL (with "index" quoted) runs here as it runs on IDC's DuckDB. */

static const char schema[] =
  "CREATE TABLE \"index\" ("
  " collection_id TEXT, analysis_result_id TEXT, PatientID TEXT, SeriesInstanceUID TEXT,"
  " StudyInstanceUID TEXT, source_DOI TEXT, PatientAge TEXT, PatientSex TEXT, StudyDate TEXT,"
  " StudyDescription TEXT, BodyPartExamined TEXT, Modality TEXT, SOPClassUID TEXT,"
  " sop_class_name TEXT, TransferSyntaxUID TEXT, transfer_syntax_name TEXT,"
  " PhotometricInterpretation TEXT, PixelRepresentation TEXT, Manufacturer TEXT,"
  " ManufacturerModelName TEXT, SeriesDate TEXT, SeriesDescription TEXT, SeriesNumber TEXT,"
  " instanceCount INTEGER, license_short_name TEXT, series_init_idc_version INTEGER,"
  " series_revised_idc_version INTEGER, aws_bucket TEXT, crdc_series_uuid TEXT,"
  " series_aws_url TEXT, series_size_MB REAL);"
  "CREATE TABLE collections_index ("
  " collection_id TEXT, collection_name TEXT, cancer_types TEXT, tumor_locations TEXT,"
  " species TEXT, subjects INTEGER, supporting_data TEXT, description TEXT, sources TEXT,"
  " program_id TEXT, status TEXT, updated TEXT);"
  "CREATE TABLE prior_versions_index ("
  " collection_id TEXT, PatientID TEXT, SeriesInstanceUID TEXT, StudyInstanceUID TEXT,"
  " Modality TEXT, gcs_bucket TEXT, crdc_series_uuid TEXT, series_size_MB REAL,"
  " series_aws_url TEXT, gcs_bucket_1 TEXT, aws_bucket TEXT, min_idc_version INTEGER,"
  " max_idc_version INTEGER);"
  "CREATE TABLE version_metadata_index (idc_version INTEGER, version_timestamp TEXT);";

#define TRANSFER_SYNTAX "1.2.840.10008.1.2.1"
#define TRANSFER_SYNTAX_NAME "Explicit VR Little Endian"

static const char *
gcs_bucket (const char *aws_bucket)
{
  if (g_str_equal (aws_bucket, FAKE_IDC_BUCKET_TWO))
    return "idc-open-idc1";
  if (g_str_equal (aws_bucket, FAKE_IDC_BUCKET_CR))
    return "idc-open-cr";
  return aws_bucket;
}

static gboolean
check (sqlite3  *db,
       int       rc,
       GError  **error)
{
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "fake IDC database: %s",
               sqlite3_errmsg (db));
  return FALSE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           column,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, column, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, column);
}

static gboolean
insert_series (sqlite3             *db,
               sqlite3_stmt        *stmt,
               FakeIdcArchive      *archive,
               const FakeIdcSeries *s,
               GError             **error)
{
  FakeIdcSeriesDetails d;
  g_autofree char *url = g_strdup_printf ("s3://%s/%s/*", s->bucket, s->series_uuid);
  int c = 1;

  fake_idc_archive_get_details (archive, s, &d);
  sqlite3_reset (stmt);
  bind_text (stmt, c++, s->collection_id);
  bind_text (stmt, c++, NULL);
  bind_text (stmt, c++, d.patient_id);
  bind_text (stmt, c++, s->series_uid);
  bind_text (stmt, c++, d.study_uid);
  bind_text (stmt, c++, d.source_doi);
  bind_text (stmt, c++, d.patient_age);
  bind_text (stmt, c++, d.patient_sex);
  bind_text (stmt, c++, d.study_date);
  bind_text (stmt, c++, d.study_description);
  bind_text (stmt, c++, d.body_part);
  bind_text (stmt, c++, d.modality);
  bind_text (stmt, c++, d.sop_class_uid);
  bind_text (stmt, c++, d.sop_class_name);
  bind_text (stmt, c++, TRANSFER_SYNTAX);
  bind_text (stmt, c++, TRANSFER_SYNTAX_NAME);
  bind_text (stmt, c++, "MONOCHROME2");
  bind_text (stmt, c++, "0");
  bind_text (stmt, c++, d.manufacturer);
  bind_text (stmt, c++, d.manufacturer_model);
  bind_text (stmt, c++, d.study_date);
  bind_text (stmt, c++, d.series_description);
  bind_text (stmt, c++, d.series_number);
  sqlite3_bind_int64 (stmt, c++, s->n_objects);
  bind_text (stmt, c++, d.license_short_name);
  sqlite3_bind_int64 (stmt, c++, s->min_version);
  sqlite3_bind_int64 (stmt, c++, s->max_version);
  bind_text (stmt, c++, s->bucket);
  bind_text (stmt, c++, s->series_uuid);
  bind_text (stmt, c++, url);
  sqlite3_bind_double (stmt, c++, s->size / 1e6);
  return check (db, sqlite3_step (stmt), error);
}

static gboolean
insert_prior (sqlite3             *db,
              sqlite3_stmt        *stmt,
              FakeIdcArchive      *archive,
              const FakeIdcSeries *s,
              GError             **error)
{
  FakeIdcSeriesDetails d;
  g_autofree char *url = g_strdup_printf ("s3://%s/%s/*", s->bucket, s->series_uuid);
  int c = 1;

  fake_idc_archive_get_details (archive, s, &d);
  sqlite3_reset (stmt);
  bind_text (stmt, c++, s->collection_id);
  bind_text (stmt, c++, d.patient_id);
  bind_text (stmt, c++, s->series_uid);
  bind_text (stmt, c++, d.study_uid);
  bind_text (stmt, c++, d.modality);
  bind_text (stmt, c++, gcs_bucket (s->bucket));
  bind_text (stmt, c++, s->series_uuid);
  /* prior_versions_index rounds to 0.01 MB. */
  sqlite3_bind_double (stmt, c++, (gint64) (s->size / 1e4 + 0.5) / 100.0);
  bind_text (stmt, c++, url);
  bind_text (stmt, c++, gcs_bucket (s->bucket));
  bind_text (stmt, c++, s->bucket);
  sqlite3_bind_int64 (stmt, c++, s->min_version);
  sqlite3_bind_int64 (stmt, c++, s->max_version);
  return check (db, sqlite3_step (stmt), error);
}

static gboolean
insert_collection (sqlite3        *db,
                   sqlite3_stmt   *stmt,
                   FakeIdcArchive *archive,
                   guint           k,
                   GError        **error)
{
  const char *id, *name, *license, *doi;
  guint n_series;
  int c = 1;

  fake_idc_archive_get_collection (archive, k, &id, &name, &license, &doi, &n_series);
  sqlite3_reset (stmt);
  bind_text (stmt, c++, id);
  bind_text (stmt, c++, name);
  bind_text (stmt, c++, k % 2 ? "Lung Cancer" : NULL);
  bind_text (stmt, c++, k % 2 ? "Lung" : NULL);
  bind_text (stmt, c++, "Human");
  sqlite3_bind_int64 (stmt, c++, n_series);
  bind_text (stmt, c++, NULL);
  bind_text (stmt, c++, name);
  bind_text (stmt, c++, doi);
  bind_text (stmt, c++, "TCIA");
  bind_text (stmt, c++, "Public");
  bind_text (stmt, c++, "2025-01-01");
  return check (db, sqlite3_step (stmt), error);
}

typedef gboolean (*InsertFunc) (sqlite3             *db,
                                sqlite3_stmt        *stmt,
                                FakeIdcArchive      *archive,
                                const FakeIdcSeries *series,
                                GError             **error);

static gboolean
fill_table (sqlite3         *db,
            FakeIdcArchive  *archive,
            const char      *table,
            guint            n_columns,
            guint            n_rows,
            const FakeIdcSeries *(*get) (FakeIdcArchive *, guint),
            InsertFunc       insert,
            GError         **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;

  g_string_printf (sql, "INSERT INTO %s VALUES (?", table);
  for (guint i = 1; i < n_columns; i++)
    g_string_append (sql, ", ?");
  g_string_append (sql, ")");
  if (!check (db, sqlite3_prepare_v2 (db, sql->str, -1, &stmt, NULL), error))
    return FALSE;
  for (guint i = 0; i < n_rows && ok; i++)
    {
      if (get != NULL)
        ok = insert (db, stmt, archive, get (archive, i), error);
      else
        ok = insert_collection (db, stmt, archive, i, error);
    }
  sqlite3_finalize (stmt);
  return ok;
}

sqlite3 *
fake_idc_db_new (FakeIdcArchive  *archive,
                 GError         **error)
{
  sqlite3 *db = NULL;
  g_autofree char *version = NULL;

  if (sqlite3_open_v2 (":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
      SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "fake IDC database: %s",
                   db != NULL ? sqlite3_errmsg (db) : "out of memory");
      sqlite3_close (db);
      return NULL;
    }
  version = g_strdup_printf ("INSERT INTO version_metadata_index VALUES (%u, '2025-01-01');",
                             FAKE_IDC_VERSION);
  if (!check (db, sqlite3_exec (db, schema, NULL, NULL, NULL), error) ||
      !check (db, sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), error) ||
      !check (db, sqlite3_exec (db, version, NULL, NULL, NULL), error) ||
      !fill_table (db, archive, "\"index\"", 31, fake_idc_archive_get_n_series (archive),
                   fake_idc_archive_get_series, insert_series, error) ||
      !fill_table (db, archive, "prior_versions_index", 13, fake_idc_archive_get_n_prior (archive),
                   fake_idc_archive_get_prior, insert_prior, error) ||
      !fill_table (db, archive, "collections_index", 12,
                   fake_idc_archive_get_n_collections (archive), NULL, NULL, error) ||
      !check (db, sqlite3_exec (db, "UPDATE collections_index SET subjects ="
                                " (SELECT COUNT (DISTINCT PatientID) FROM \"index\" i"
                                "  WHERE i.collection_id = collections_index.collection_id)",
                                NULL, NULL, NULL), error) ||
      !check (db, sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), error))
    {
      sqlite3_close (db);
      return NULL;
    }
  /* /v3/sql is read-only, as IDC's engine is. */
  sqlite3_exec (db, "PRAGMA query_only = ON", NULL, NULL, NULL);
  return db;
}

/* ---- /v3/sql ---- */

static char *
strip_comments (const char *sql)
{
  static GRegex *comments;

  if (g_once_init_enter (&comments))
    g_once_init_leave (&comments, g_regex_new ("/\\*.*?\\*/|--[^\\n]*", G_REGEX_DOTALL, 0,
                                               NULL));
  return g_regex_replace_literal (comments, sql, -1, 0, " ", 0, NULL);
}

/* Whether a ';' outside quotes comes before the last character. */
static gboolean
has_inner_semicolon (const char *sql)
{
  char quote = 0;

  for (const char *p = sql; *p; p++)
    {
      if (quote != 0)
        {
          if (*p == quote)
            quote = 0;
        }
      else if (*p == '\'' || *p == '"')
        {
          quote = *p;
        }
      else if (*p == ';' && p[1] != '\0')
        {
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
starts_with_word (const char *text,
                  const char *word)
{
  gsize n = strlen (word);

  return g_ascii_strncasecmp (text, word, n) == 0 &&
         !g_ascii_isalnum (text[n]) && text[n] != '_';
}

static void
add_value (JsonBuilder  *b,
           sqlite3_stmt *stmt,
           int           column)
{
  switch (sqlite3_column_type (stmt, column))
    {
    case SQLITE_INTEGER:
      json_builder_add_int_value (b, sqlite3_column_int64 (stmt, column));
      break;
    case SQLITE_FLOAT:
      json_builder_add_double_value (b, sqlite3_column_double (stmt, column));
      break;
    case SQLITE_TEXT:
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, column));
      break;
    case SQLITE_BLOB:
      {
        const guint8 *bytes = sqlite3_column_blob (stmt, column);
        int n = sqlite3_column_bytes (stmt, column);
        g_autoptr(GString) hex = g_string_sized_new (2 * n);

        for (int i = 0; i < n; i++)
          g_string_append_printf (hex, "%02x", bytes[i]);
        json_builder_add_string_value (b, hex->str);
      }
      break;
    case SQLITE_NULL:
    default:
      json_builder_add_null_value (b);
      break;
    }
}

/* Adds the rows of @stmt, at most @max_rows, as an array of objects keyed by
 * column name; finalizes @stmt. */
static gboolean
add_rows (sqlite3       *db,
          sqlite3_stmt  *stmt,
          JsonBuilder   *b,
          gint64         max_rows,
          gint64        *n_rows,
          gboolean      *truncated,
          char         **error_message)
{
  int n_columns = sqlite3_column_count (stmt);
  int rc;

  *n_rows = 0;
  *truncated = FALSE;
  json_builder_begin_array (b);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (*n_rows == max_rows)
        {
          *truncated = TRUE;
          break;
        }
      json_builder_begin_object (b);
      for (int i = 0; i < n_columns; i++)
        {
          json_builder_set_member_name (b, sqlite3_column_name (stmt, i));
          add_value (b, stmt, i);
        }
      json_builder_end_object (b);
      (*n_rows)++;
    }
  json_builder_end_array (b);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      *error_message = g_strdup (sqlite3_errmsg (db));
      sqlite3_finalize (stmt);
      return FALSE;
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

JsonNode *
fake_idc_db_rows (sqlite3    *db,
                  const char *sql)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *error_message = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n_rows;
  gboolean truncated;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_critical ("fake IDC: %s: %s", sql, sqlite3_errmsg (db));
      return NULL;
    }
  if (!add_rows (db, stmt, b, G_MAXINT64, &n_rows, &truncated, &error_message))
    {
      g_critical ("fake IDC: %s: %s", sql, error_message);
      return NULL;
    }
  return json_builder_get_root (b);
}

char *
fake_idc_sql_run (sqlite3     *db,
                  const char  *sql,
                  gint64       max_rows,
                  char       **error_message)
{
  g_autofree char *stripped = strip_comments (sql);
  g_autofree char *wrapped = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  sqlite3_stmt *stmt = NULL;
  char *body;
  gint64 n_rows = 0;
  gboolean truncated = FALSE;
  int n_columns;

  g_strstrip (stripped);
  if (stripped[0] == '\0')
    {
      *error_message = g_strdup ("Empty query.");
      return NULL;
    }
  if (!starts_with_word (stripped, "select") && !starts_with_word (stripped, "with"))
    {
      *error_message = g_strdup ("Only read-only SELECT (or WITH ... SELECT) statements are "
                                 "allowed.");
      return NULL;
    }
  if (has_inner_semicolon (stripped))
    {
      *error_message = g_strdup ("Only a single statement is allowed; remove extra ';'.");
      return NULL;
    }
  if (g_str_has_suffix (stripped, ";"))
    stripped[strlen (stripped) - 1] = '\0';

  wrapped = g_strdup_printf ("SELECT * FROM (\n%s\n) AS _idc_sub LIMIT %" G_GINT64_FORMAT,
                             stripped, max_rows + 1);
  if (sqlite3_prepare_v2 (db, wrapped, -1, &stmt, NULL) != SQLITE_OK)
    {
      *error_message = g_strdup (sqlite3_errmsg (db));
      return NULL;
    }
  if (stmt == NULL || !sqlite3_stmt_readonly (stmt))
    {
      sqlite3_finalize (stmt);
      *error_message = g_strdup ("Only read-only SELECT (or WITH ... SELECT) statements are "
                                 "allowed.");
      return NULL;
    }

  n_columns = sqlite3_column_count (stmt);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "columns");
  json_builder_begin_array (b);
  for (int i = 0; i < n_columns; i++)
    json_builder_add_string_value (b, sqlite3_column_name (stmt, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "rows");
  if (!add_rows (db, stmt, b, max_rows, &n_rows, &truncated, error_message))
    return NULL;
  json_builder_set_member_name (b, "row_count");
  json_builder_add_int_value (b, n_rows);
  json_builder_set_member_name (b, "truncated");
  json_builder_add_boolean_value (b, truncated);
  json_builder_set_member_name (b, "max_rows");
  json_builder_add_int_value (b, max_rows);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  body = json_to_string (root, FALSE);
  return body;
}

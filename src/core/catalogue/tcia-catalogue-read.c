/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tcia-catalogue-db-private.h"

/* Reading the catalogue: records back from rows, a TciaQuery and search
 * words as SQL. Filters compare without regard to case, as NBIA's do. */

#define SERIES_FROM " JOIN studies st ON st.id = s.study JOIN patients p ON p.id = s.patient" \
                    " JOIN collections c ON c.id = s.collection"

/* The columns of a series row, in field order. */
static const char *
series_columns (void)
{
  static char *sql;
  static gsize done;

  if (g_once_init_enter (&done))
    {
      const Placement *placements = tcia_catalogue_placements ();
      guint n = tcia_catalogue_n_placements ();
      const char *alias[] = { [TABLE_SERIES] = "s", [TABLE_STUDY] = "st", [TABLE_PATIENT] = "p" };
      GString *s = g_string_new (NULL);

      for (guint i = 0; i < n; i++)
        {
          const Placement *p = &placements[i];

          if (i > 0)
            g_string_append (s, ", ");
          if (p->store == STORE_COLLECTION)
            g_string_append (s, "c.name");
          else if (p->store == STORE_PATIENT_ID)
            g_string_append (s, "p.patient_id");
          else
            g_string_append_printf (s, "%s.%s", alias[p->table], p->column);
        }
      sql = g_string_free (s, FALSE);
      g_once_init_leave (&done, 1);
    }

  return sql;
}

static const char *
lookup_string (TciaCatalogueDb *db,
               gint64           id)
{
  const char *value = g_hash_table_lookup (db->id_strings, &id);
  sqlite3_stmt *stmt;

  if (value != NULL)
    return value;

  stmt = tcia_catalogue_db_statement (db, "SELECT value FROM strings WHERE id = ?1", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      char *copy = g_strdup ((const char *) sqlite3_column_text (stmt, 0));

      g_hash_table_insert (db->id_strings, g_memdup2 (&id, sizeof id), copy);
      value = copy;
    }
  sqlite3_reset (stmt);

  return value;
}

/* One record from the current row of @stmt (columns from series_columns()). */
static TciaSeries *
series_from_row (TciaCatalogueDb   *db,
                 TciaRecordBuilder *builder,
                 sqlite3_stmt      *stmt)
{
  const TciaRecordInfo *info = tcia_record_info_get (TCIA_TYPE_SERIES);
  const Placement *placements = tcia_catalogue_placements ();
  guint n = tcia_catalogue_n_placements ();
  const char *keys[64];
  const char *values[64];
  char *owned[64];
  guint n_owned = 0;
  const char *patient_id = NULL;
  GObject *record;

  g_assert (n <= G_N_ELEMENTS (keys));

  for (guint i = 0; i < n; i++)
    {
      const Placement *p = &placements[i];
      int type = sqlite3_column_type (stmt, (int) i);

      keys[i] = info->fields[i].name;
      values[i] = NULL;
      if (type == SQLITE_NULL)
        continue;

      switch (p->store)
        {
        case STORE_UID:
          if (type == SQLITE_BLOB)
            values[i] = owned[n_owned++] =
              tcia_catalogue_unpack_uid (sqlite3_column_blob (stmt, (int) i),
                                         (gsize) sqlite3_column_bytes (stmt, (int) i));
          else
            values[i] = (const char *) sqlite3_column_text (stmt, (int) i);
          break;
        case STORE_INTERNED:
          values[i] = lookup_string (db, sqlite3_column_int64 (stmt, (int) i));
          break;
        case STORE_DATE:
          if (type == SQLITE_INTEGER)
            {
              gint64 v = sqlite3_column_int64 (stmt, (int) i);

              values[i] = owned[n_owned++] =
                g_strdup_printf ("%04d-%02d-%02d", (int) (v / 10000), (int) (v / 100 % 100),
                                 (int) (v % 100));
            }
          else
            values[i] = (const char *) sqlite3_column_text (stmt, (int) i);
          break;
        case STORE_PATIENT_NAME:
          /* 1: the same as the patient ID, which comes before it. */
          if (type == SQLITE_INTEGER)
            values[i] = patient_id;
          else
            values[i] = (const char *) sqlite3_column_text (stmt, (int) i);
          break;
        case STORE_PATIENT_ID:
          values[i] = patient_id = (const char *) sqlite3_column_text (stmt, (int) i);
          break;
        case STORE_INT:
        case STORE_TEXT:
        case STORE_COLLECTION:
        default:
          values[i] = (const char *) sqlite3_column_text (stmt, (int) i);
          break;
        }
    }

  record = tcia_record_builder_add_fields (builder, keys, values, n);
  for (guint k = 0; k < n_owned; k++)
    g_free (owned[k]);

  return record != NULL ? TCIA_SERIES (g_object_ref (record)) : NULL;
}

static int
cancelled_cb (void *data)
{
  return g_cancellable_is_cancelled (data);
}

static sqlite3_stmt *
prepare (TciaCatalogueDb  *db,
         const char       *sql,
         GError          **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db->sqlite, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      tcia_catalogue_db_fail (db, error, _("be read"));
      sqlite3_finalize (stmt);
      return NULL;
    }

  return stmt;
}

static gboolean
finish_steps (TciaCatalogueDb  *db,
              int               rc,
              GCancellable     *cancellable,
              GError          **error)
{
  if (rc == SQLITE_DONE)
    return TRUE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  return tcia_catalogue_db_fail (db, error, _("be read"));
}

GPtrArray *
tcia_catalogue_db_find_series (TciaCatalogueDb  *db,
                               const TciaQuery  *query,
                               const char       *text,
                               guint             limit,
                               guint             count_cap,
                               guint            *n_total,
                               GCancellable     *cancellable,
                               GError          **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(TciaRecordBuilder) builder = tcia_record_builder_new (TCIA_TYPE_SERIES, 16 * 1024);
  g_autofree char *sql = NULL;
  const char *from;
  Conditions c;
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;
  int rc;

  tcia_catalogue_conditions_init (&c, db, query, -1, text);
  from = c.match != NULL ? "search JOIN series s ON s.id = search.rowid" : "series s";

  if (cancellable != NULL)
    sqlite3_progress_handler (db->sqlite, 1000, cancelled_cb, cancellable);

  sql = g_strdup_printf ("SELECT %s FROM %s" SERIES_FROM " WHERE %s%s ORDER BY %s%s",
                         series_columns (), from,
                         c.match != NULL ? "search MATCH ?" : "1", c.where->str,
                         c.match != NULL ? "search.rowid" : "s.id",
                         limit > 0 ? " LIMIT ?" : "");
  stmt = prepare (db, sql, error);
  if (stmt == NULL)
    ok = FALSE;
  else
    {
      tcia_catalogue_conditions_bind (&c, stmt);
      if (limit > 0)
        sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_count (stmt), limit);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          TciaSeries *series = series_from_row (db, builder, stmt);

          if (series != NULL)
            g_ptr_array_add (rows, series);
        }
      ok = finish_steps (db, rc, cancellable, error);
      sqlite3_finalize (stmt);
    }

  if (ok && n_total != NULL)
    {
      if (limit == 0 || rows->len < limit)
        *n_total = rows->len;
      else
        {
          /* Without other conditions the text index alone counts, its
           * rowids those of the series: no row of the series is read. */
          const char *count_from = c.match != NULL && c.where->len == 0 ? "search" : from;

          g_free (sql);
          /* Counting is the slow part of a broad search ("s" matches most
           * of the archive): a cap stops it, and the caller says "more". */
          if (count_cap > 0)
            sql = g_strdup_printf ("SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s%s LIMIT %u)",
                                   count_from, c.match != NULL ? "search MATCH ?" : "1",
                                   c.where->str, count_cap + 1);
          else
            sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE %s%s", count_from,
                                   c.match != NULL ? "search MATCH ?" : "1", c.where->str);
          stmt = prepare (db, sql, error);
          ok = stmt != NULL;
          if (ok)
            {
              tcia_catalogue_conditions_bind (&c, stmt);
              rc = sqlite3_step (stmt);
              if (rc == SQLITE_ROW)
                *n_total = (guint) sqlite3_column_int64 (stmt, 0);
              else
                ok = finish_steps (db, rc, cancellable, error);
              sqlite3_finalize (stmt);
            }
        }
    }

  if (cancellable != NULL)
    sqlite3_progress_handler (db->sqlite, 0, NULL, NULL);
  tcia_catalogue_conditions_free_values (&c);
  tcia_catalogue_conditions_clear (&c);

  return ok ? g_steal_pointer (&rows) : NULL;
}

GPtrArray *
tcia_catalogue_db_get_series (TciaCatalogueDb     *db,
                              const char * const  *uids,
                              GError             **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(TciaRecordBuilder) builder = tcia_record_builder_new (TCIA_TYPE_SERIES, 16 * 1024);
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM series s" SERIES_FROM " WHERE s.uid = ?1",
                                          series_columns ());
  sqlite3_stmt *stmt = prepare (db, sql, error);

  if (stmt == NULL)
    return NULL;
  for (guint i = 0; uids[i] != NULL; i++)
    {
      int rc;

      sqlite3_reset (stmt);
      tcia_catalogue_bind_uid (stmt, 1, uids[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          TciaSeries *series = series_from_row (db, builder, stmt);

          if (series != NULL)
            g_ptr_array_add (rows, series);
        }
      else if (rc != SQLITE_DONE)
        {
          tcia_catalogue_db_fail (db, error, _("be read"));
          sqlite3_finalize (stmt);
          return NULL;
        }
    }
  sqlite3_finalize (stmt);

  return g_steal_pointer (&rows);
}

GPtrArray *
tcia_catalogue_db_list_collections (TciaCatalogueDb  *db,
                                    gboolean          with_descriptions,
                                    const char       *only,
                                    GError          **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db,
    "SELECT name, patient_count, description, description_uri FROM collections"
    " WHERE ?1 IS NULL OR name = ?1 ORDER BY name", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, only, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *keys[] = { "name", "patient-count", "description", "description-uri" };
      const char *values[4];

      for (guint i = 0; i < 4; i++)
        values[i] = (const char *) sqlite3_column_text (stmt, (int) i);
      if (sqlite3_column_int (stmt, 1) < 0)
        values[1] = NULL;
      g_ptr_array_add (rows, tcia_collection_new_from_fields (keys, values,
                                                              with_descriptions ? 4 : 2));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      tcia_catalogue_db_fail (db, error, _("be read"));
      return NULL;
    }

  return g_steal_pointer (&rows);
}

GPtrArray *
tcia_catalogue_db_list_values (TciaCatalogueDb  *db,
                               TciaValueKind     kind,
                               const TciaQuery  *query,
                               GError          **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  const char *column = kind == TCIA_VALUE_MODALITY ? "modality"
                       : kind == TCIA_VALUE_BODY_PART ? "body_part" : "manufacturer";
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  Conditions c;
  int rc;

  tcia_catalogue_conditions_init (&c, db, query, kind, NULL);
  /* NBIA's getBodyPartValuesAndCounts upper-cases the values (and so
   * counts "Chest" and "CHEST" as one). */
  if (kind == TCIA_VALUE_BODY_PART)
    sql = g_strdup_printf ("SELECT upper (v.value) AS u, count (DISTINCT s.patient) FROM series s"
                           " JOIN strings v ON v.id = s.%s WHERE 1%s GROUP BY u ORDER BY u",
                           column, c.where->str);
  else
    sql = g_strdup_printf ("SELECT v.value, count (DISTINCT s.patient) FROM series s"
                           " JOIN strings v ON v.id = s.%s WHERE 1%s GROUP BY s.%s ORDER BY v.value",
                           column, c.where->str, column);
  stmt = prepare (db, sql, error);
  if (stmt != NULL)
    {
      tcia_catalogue_conditions_bind (&c, stmt);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *keys[] = { "value", "count" };
          const char *values[] = {
            (const char *) sqlite3_column_text (stmt, 0),
            (const char *) sqlite3_column_text (stmt, 1),
          };

          g_ptr_array_add (rows, tcia_value_new_from_fields (kind, keys, values, 2));
        }
      if (rc != SQLITE_DONE)
        {
          tcia_catalogue_db_fail (db, error, _("be read"));
          g_clear_pointer (&rows, g_ptr_array_unref);
        }
      sqlite3_finalize (stmt);
    }
  else
    g_clear_pointer (&rows, g_ptr_array_unref);
  tcia_catalogue_conditions_free_values (&c);
  tcia_catalogue_conditions_clear (&c);

  return g_steal_pointer (&rows);
}

char *
tcia_catalogue_column_uid (sqlite3_stmt *stmt,
                           int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_BLOB)
    return tcia_catalogue_unpack_uid (sqlite3_column_blob (stmt, column),
                                      (gsize) sqlite3_column_bytes (stmt, column));
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

GHashTable *
tcia_catalogue_db_get_collection_uids (TciaCatalogueDb  *db,
                                       const char       *collection,
                                       GError          **error)
{
  g_autoptr(GHashTable) uids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db,
    "SELECT s.uid FROM series s JOIN collections c ON c.id = s.collection WHERE c.name = ?1",
    error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (uids, tcia_catalogue_column_uid (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      tcia_catalogue_db_fail (db, error, _("be read"));
      return NULL;
    }

  return g_steal_pointer (&uids);
}

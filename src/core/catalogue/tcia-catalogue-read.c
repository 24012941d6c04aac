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

static char *column_uid (sqlite3_stmt *stmt,
                         int           column);

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

/* ---- Conditions ---- */

typedef enum
{
  BIND_TEXT,
  BIND_BLOB,   /* GBytes */
  BIND_UID,    /* text packed as the column is */
} BindKind;

typedef struct
{
  GString   *where;     /* " AND ..." */
  GPtrArray *texts;     /* bound in order: char * or GBytes * */
  GArray    *is_blob;   /* of BindKind */
  char      *match;     /* the FTS5 query, or NULL */
} Conditions;

static void
conditions_clear (Conditions *c)
{
  g_string_free (c->where, TRUE);
  g_ptr_array_unref (c->texts);
  g_array_unref (c->is_blob);
  g_free (c->match);
}

static void
add_value (Conditions *c,
           gpointer    value,
           BindKind    kind)
{
  g_ptr_array_add (c->texts, value);
  g_array_append_val (c->is_blob, kind);
}

static void
add_text (Conditions *c,
          const char *text)
{
  add_value (c, g_strdup (text), BIND_TEXT);
}

static void
add_blob (Conditions *c,
          GBytes     *bytes)
{
  add_value (c, bytes, BIND_BLOB);
}

static void
add_filter (Conditions *c,
            const char *value,
            const char *sql)
{
  if (value == NULL || value[0] == '\0')
    return;
  g_string_append (c->where, sql);
  add_text (c, value);
}

/* A word of digits and dots with a dot in it is a UID being typed. */
static gboolean
is_uid_prefix (const char *word)
{
  gboolean dot = FALSE;

  if (!g_ascii_isdigit (word[0]))
    return FALSE;
  for (const char *p = word; *p != '\0'; p++)
    {
      if (*p == '.')
        dot = TRUE;
      else if (!g_ascii_isdigit (*p))
        return FALSE;
    }

  return dot;
}

/* Every word must match: a UID prefix of the series or its study, or else
 * each of its tokens (as the index splits words: letters, digits and dots)
 * the start of a word of the series' patient ID, collection, descriptions,
 * modality, body part, manufacturer, model or protocol. */
/* The token as the index folds it: lower case, without diacritics. */
static char *
fold_token (const char *token,
            gsize       len)
{
  g_autofree char *decomposed = g_utf8_normalize (token, (gssize) len, G_NORMALIZE_NFD);
  GString *folded = g_string_new (NULL);

  for (const char *p = decomposed; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      if (g_unichar_ismark (ch))
        continue;
      g_string_append_unichar (folded, g_unichar_tolower (ch));
    }

  return g_string_free (folded, FALSE);
}

#define MAX_EXPANDED_TERMS 64

/* The search expression of one typed token: a prefix query; for a token of
 * more than three characters, the words of the index it starts, when they
 * are few. FTS5 reads a prefix longer than its prefix indexes by merging
 * every word's list into a new one, all of it, even for the first 200
 * rows: a search for "siemens" took 100 ms over a million series, the
 * word "siemens" itself 10 ms. */
static void
append_token (TciaCatalogueDb *db,
              GString         *match,
              const char      *token,
              gsize            len)
{
  g_autofree char *folded = fold_token (token, len);
  g_autoptr(GPtrArray) terms = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  if (g_utf8_strlen (folded, -1) > 3 && db != NULL)
    {
      if (!db->has_vocabulary)
        db->has_vocabulary =
          sqlite3_exec (db->sqlite, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocabulary"
                        " USING fts5vocab (main, search, 'row')", NULL, NULL, NULL) == SQLITE_OK;
      if (db->has_vocabulary)
        stmt = tcia_catalogue_db_statement (db,
          "SELECT term FROM temp.search_vocabulary WHERE term >= ?1 AND term < ?1 || char (1114111)"
          " LIMIT 65", NULL);
    }
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, folded, -1, SQLITE_STATIC);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (terms, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      sqlite3_reset (stmt);
    }

  /* None (the folding differs from the index's) or too many: the prefix. */
  if (terms->len == 0 || terms->len > MAX_EXPANDED_TERMS)
    {
      g_string_append_c (match, '"');
      g_string_append_len (match, token, (gssize) len);
      g_string_append (match, "\"*");
      return;
    }

  g_string_append_c (match, '(');
  for (guint i = 0; i < terms->len; i++)
    {
      const char *term = terms->pdata[i];

      if (i > 0)
        g_string_append (match, " OR ");
      /* Words are letters, digits and dots: no quote to double. */
      g_string_append_printf (match, "\"%s\"", term);
    }
  g_string_append_c (match, ')');
}

static void
add_words (TciaCatalogueDb *db,
           Conditions      *c,
           const char      *text)
{
  g_auto(GStrv) words = NULL;
  GString *match = g_string_new (NULL);

  if (text == NULL)
    return;
  words = g_strsplit_set (text, " \t\r\n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *word = words[i];
      GBytes *lo = NULL, *hi = NULL;

      if (word[0] == '\0')
        continue;
      if (is_uid_prefix (word) && tcia_catalogue_uid_range (word, &lo, &hi))
        {
          g_string_append (c->where,
                           " AND ((s.uid >= ? AND s.uid < ?) OR s.study IN"
                           " (SELECT id FROM studies WHERE uid >= ? AND uid < ?))");
          add_blob (c, g_bytes_ref (lo));
          add_blob (c, g_bytes_ref (hi));
          add_blob (c, lo);
          add_blob (c, hi);
          continue;
        }

      for (const char *p = word; *p != '\0';)
        {
          const char *start;
          gunichar ch = g_utf8_get_char_validated (p, -1);

          if (ch == (gunichar) -1 || ch == (gunichar) -2)
            break;
          if (!g_unichar_isalnum (ch) && ch != '.')
            {
              p = g_utf8_next_char (p);
              continue;
            }
          start = p;
          while (*p != '\0')
            {
              ch = g_utf8_get_char_validated (p, -1);
              if (ch == (gunichar) -1 || ch == (gunichar) -2 ||
                  (!g_unichar_isalnum (ch) && ch != '.'))
                break;
              p = g_utf8_next_char (p);
            }
          /* A token of dots only is no word at all. */
          if (strspn (start, ".") >= (gsize) (p - start))
            continue;
          if (match->len > 0)
            g_string_append (match, " AND ");
          append_token (db, match, start, (gsize) (p - start));
        }
    }

  if (match->len > 0)
    c->match = g_string_free (match, FALSE);
  else
    g_string_free (match, TRUE);
}

static void
conditions_init (Conditions      *c,
                 TciaCatalogueDb *db,
                 const TciaQuery *query,
                 int              skip_kind,
                 const char      *text)
{
  c->where = g_string_new (NULL);
  c->texts = g_ptr_array_new ();
  c->is_blob = g_array_new (FALSE, FALSE, sizeof (BindKind));
  c->match = NULL;

  if (query != NULL)
    {
      add_filter (c, query->collection,
                  " AND s.collection IN (SELECT id FROM collections WHERE name = ?)");
      add_filter (c, query->patient_id,
                  " AND s.patient IN (SELECT id FROM patients WHERE patient_id = ?)");
      if (query->study_uid != NULL && query->study_uid[0] != '\0')
        {
          g_string_append (c->where, " AND s.study IN (SELECT id FROM studies WHERE uid = ?)");
          add_value (c, g_strdup (query->study_uid), BIND_UID);
        }
      if (query->series_uid != NULL && query->series_uid[0] != '\0')
        {
          g_string_append (c->where, " AND s.uid = ?");
          add_value (c, g_strdup (query->series_uid), BIND_UID);
        }
      if (skip_kind != TCIA_VALUE_MODALITY)
        add_filter (c, query->modality,
                    " AND s.modality IN (SELECT id FROM strings WHERE value = ? COLLATE NOCASE)");
      if (skip_kind != TCIA_VALUE_BODY_PART)
        add_filter (c, query->body_part,
                    " AND s.body_part IN (SELECT id FROM strings WHERE value = ? COLLATE NOCASE)");
      if (skip_kind != TCIA_VALUE_MANUFACTURER)
        add_filter (c, query->manufacturer,
                    " AND s.manufacturer IN (SELECT id FROM strings WHERE value = ? COLLATE NOCASE)");
      add_filter (c, query->manufacturer_model,
                  " AND s.manufacturer_model IN"
                  " (SELECT id FROM strings WHERE value = ? COLLATE NOCASE)");
    }
  add_words (db, c, text);
}

/* Binds the FTS query (first, when there is one) then the conditions. */
static void
conditions_bind (Conditions   *c,
                 sqlite3_stmt *stmt)
{
  int index = 1;

  if (c->match != NULL)
    sqlite3_bind_text (stmt, index++, c->match, -1, SQLITE_TRANSIENT);
  for (guint i = 0; i < c->texts->len; i++, index++)
    {
      gpointer value = g_ptr_array_index (c->texts, i);

      switch (g_array_index (c->is_blob, BindKind, i))
        {
        case BIND_BLOB:
          sqlite3_bind_blob (stmt, index, g_bytes_get_data (value, NULL),
                             (int) g_bytes_get_size (value), SQLITE_TRANSIENT);
          break;
        case BIND_UID:
          tcia_catalogue_bind_uid (stmt, index, value);
          break;
        case BIND_TEXT:
        default:
          sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
          break;
        }
    }
}

static void
conditions_free_values (Conditions *c)
{
  for (guint i = 0; i < c->texts->len; i++)
    {
      if (g_array_index (c->is_blob, BindKind, i) == BIND_BLOB)
        g_bytes_unref (g_ptr_array_index (c->texts, i));
      else
        g_free (g_ptr_array_index (c->texts, i));
    }
  g_ptr_array_set_size (c->texts, 0);
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

  conditions_init (&c, db, query, -1, text);
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
      conditions_bind (&c, stmt);
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
          g_free (sql);
          sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE %s%s", from,
                                 c.match != NULL ? "search MATCH ?" : "1", c.where->str);
          stmt = prepare (db, sql, error);
          ok = stmt != NULL;
          if (ok)
            {
              conditions_bind (&c, stmt);
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
  conditions_free_values (&c);
  conditions_clear (&c);

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

  conditions_init (&c, db, query, kind, NULL);
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
      conditions_bind (&c, stmt);
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
  conditions_free_values (&c);
  conditions_clear (&c);

  return g_steal_pointer (&rows);
}

static gint64
date_number (const char *iso)
{
  if (iso == NULL || strlen (iso) < 10)
    return 0;
  return g_ascii_strtoll (iso, NULL, 10) * 10000 + g_ascii_strtoll (iso + 5, NULL, 10) * 100 +
         g_ascii_strtoll (iso + 8, NULL, 10);
}

GPtrArray *
tcia_catalogue_db_find_new_series (TciaCatalogueDb  *db,
                                   GHashTable       *collections,
                                   GHashTable       *downloaded,
                                   const char       *since,
                                   GError          **error)
{
  g_autoptr(GPtrArray) uids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db,
    "SELECT s.uid, s.date_released, s.submission_date FROM series s"
    " JOIN collections c ON c.id = s.collection WHERE c.name = ?1 ORDER BY s.id", error);
  gint64 since_day = date_number (since);
  GHashTableIter iter;
  gpointer name;

  if (stmt == NULL)
    return NULL;

  g_hash_table_iter_init (&iter, collections);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    {
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autofree char *uid = column_uid (stmt, 0);
          gint64 released = sqlite3_column_int64 (stmt, 1);
          gint64 submitted = sqlite3_column_int64 (stmt, 2);
          const char *when;

          if (!g_hash_table_lookup_extended (downloaded, uid, NULL, (gpointer *) &when))
            {
              if (since_day == 0 || released > since_day)
                g_ptr_array_add (uids, g_steal_pointer (&uid));
            }
          else if (released > date_number (when) || submitted > date_number (when))
            {
              /* Released or resubmitted after it was downloaded: its data changed. */
              g_ptr_array_add (uids, g_steal_pointer (&uid));
            }
        }
      if (rc != SQLITE_DONE)
        {
          tcia_catalogue_db_fail (db, error, _("be read"));
          sqlite3_reset (stmt);
          return NULL;
        }
    }
  sqlite3_reset (stmt);
  g_ptr_array_add (uids, NULL);

  return tcia_catalogue_db_get_series (db, (const char * const *) uids->pdata, error);
}

static char *
column_uid (sqlite3_stmt *stmt,
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
    g_hash_table_add (uids, column_uid (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      tcia_catalogue_db_fail (db, error, _("be read"));
      return NULL;
    }

  return g_steal_pointer (&uids);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tcia-catalogue-db-private.h"

/* Putting a series' row with its patient, study and interned strings,
 * the part of a sync that runs for every row. A row goes into the text
 * index as it is put, with words made here (index_series); a delete
 * takes them out by trigger, with the same words made by the view
 * series_text from the rows. */

/* The id of the row of @table whose @column is @value, made when there is
 * none, and kept in @ids. A SELECT then a plain INSERT, not an upsert: an upsert may write
 * twice, so SQLite gives it a savepoint, and at each savepoint the text
 * index writes the words it holds in memory as a segment of its own (one
 * more to merge for every new string of a first fill). */
static gint64
find_or_add (TciaCatalogueDb  *db,
             GHashTable       *ids,
             const char       *select_sql,
             const char       *insert_sql,
             const char       *value,
             const char      **key,
             GError          **error)
{
  gpointer found, stored;
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  if (g_hash_table_lookup_extended (ids, value, &stored, &found))
    {
      if (key != NULL)
        *key = stored;
      return (gint64) GPOINTER_TO_SIZE (found);
    }

  stmt = tcia_catalogue_db_statement (db, select_sql, error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return tcia_catalogue_db_fail (db, error, _("be read"));

  if (id == 0)
    {
      stmt = tcia_catalogue_db_statement (db, insert_sql, error);
      if (stmt == NULL)
        return 0;
      sqlite3_bind_text (stmt, 1, value, -1, SQLITE_STATIC);
      id = tcia_catalogue_db_step_id (db, stmt, error);
    }
  if (id != 0)
    {
      char *copy = g_strdup (value);

      g_hash_table_insert (ids, copy, GSIZE_TO_POINTER ((gsize) id));
      if (key != NULL)
        *key = copy;
    }

  return id;
}

/* The id of string @value, and in @key its copy that the cache of ids
 * keeps (until tcia_catalogue_db_clear_caches). */
static gint64
intern (TciaCatalogueDb  *db,
        const char       *value,
        const char      **key,
        GError          **error)
{
  return find_or_add (db, db->string_ids, "SELECT id FROM strings WHERE value = ?1",
                      "INSERT INTO strings (value) VALUES (?1)", value, key, error);
}

gint64
tcia_catalogue_db_collection_id (TciaCatalogueDb  *db,
                                 const char       *name,
                                 GError          **error)
{
  return find_or_add (db, db->collection_ids, "SELECT id FROM collections WHERE name = ?1",
                      "INSERT INTO collections (name) VALUES (?1)", name, NULL, error);
}

/* "yyyy-mm-dd" as yyyymmdd, or -1. */
static gint64
iso_date (const char *text)
{
  static const char shape[] = "dddd-dd-dd";
  gint64 day = 0;

  for (guint k = 0; k < sizeof shape - 1; k++)
    {
      if (shape[k] == '-')
        {
          if (text[k] != '-')
            return -1;
        }
      else if (g_ascii_isdigit (text[k]))
        day = day * 10 + (text[k] - '0');
      else
        return -1;
    }

  return text[sizeof shape - 1] == '\0' ? day : -1;
}

/* Binds the value of field @i of @series for a column of kind @p. */
static gboolean
bind_field (TciaCatalogueDb       *db,
            sqlite3_stmt          *stmt,
            int                    index,
            const TciaRecordInfo  *info,
            TciaSeries            *series,
            guint                  i,
            const Placement       *p,
            const char            *patient_id,
            GError               **error)
{
  char buffer[TCIA_CELL_BUFFER_SIZE];
  const char *text = NULL;
  TciaCellKind kind;

  /* A number as it is, not through its text. */
  if (p->store == STORE_INT &&
      (info->fields[i].type == TCIA_FIELD_UINT || info->fields[i].type == TCIA_FIELD_UINT64))
    {
      sqlite3_bind_int64 (stmt, index, (gint64) tcia_record_values (info, series)[i].u);
      return TRUE;
    }

  kind = tcia_record_get_cell (info, series, i, buffer, &text);
  if (kind == TCIA_CELL_ABSENT || text == NULL)
    {
      sqlite3_bind_null (stmt, index);
      return TRUE;
    }

  switch (p->store)
    {
    case STORE_INTERNED:
      if (db->last_values[i] == NULL || strcmp (db->last_values[i], text) != 0)
        {
          const char *key = NULL;
          gint64 id = intern (db, text, &key, error);

          if (id == 0)
            return FALSE;
          db->last_values[i] = key;
          db->last_ids[i] = id;
        }
      sqlite3_bind_int64 (stmt, index, db->last_ids[i]);
      break;
    case STORE_DATE:
      {
        gint64 day = iso_date (text);

        if (day >= 0)
          sqlite3_bind_int64 (stmt, index, day);
        else
          sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
      }
      break;
    case STORE_INT:
      sqlite3_bind_int64 (stmt, index, (gint64) g_ascii_strtoull (text, NULL, 10));
      break;
    case STORE_PATIENT_NAME:
      if (g_strcmp0 (text, patient_id) == 0)
        sqlite3_bind_int (stmt, index, 1);
      else
        sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
      break;
    case STORE_TEXT:
      sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
      break;
    case STORE_UID:
    case STORE_COLLECTION:
    case STORE_PATIENT_ID:
    default:
      g_assert_not_reached ();
    }

  return TRUE;
}

/* Per table: its INSERT, "INSERT INTO <table> (<fixed>, <columns of
 * table>) VALUES (?, ...)", and the placements of its columns after the
 * fixed ones, in order. */
typedef struct
{
  char                 *sql;
  guint                *fields;
  guint                 n_fields;
  const TciaRecordInfo *info;   /* TciaSeries' */
} TableInsert;

static const TableInsert *
table_insert (TableKind table)
{
  static TableInsert inserts[3];
  static gsize done;

  if (g_once_init_enter (&done))
    {
      const char *heads[] = {
        [TABLE_SERIES] = "INSERT INTO series (uid, study, patient, collection",
        [TABLE_STUDY] = "INSERT INTO studies (uid, patient",
        [TABLE_PATIENT] = "INSERT INTO patients (patient_id, collection",
      };
      const guint n_fixed[] = { [TABLE_SERIES] = 4, [TABLE_STUDY] = 2, [TABLE_PATIENT] = 2 };
      const Placement *placements = tcia_catalogue_placements ();
      guint n_placements = tcia_catalogue_n_placements ();

      for (guint t = 0; t < 3; t++)
        {
          GString *s = g_string_new (heads[t]);
          TableInsert *insert = &inserts[t];

          insert->info = tcia_record_info_get (TCIA_TYPE_SERIES);
          insert->fields = g_new (guint, n_placements);
          for (guint i = 0; i < n_placements; i++)
            if (placements[i].table == t && placements[i].store != STORE_UID &&
                placements[i].store != STORE_PATIENT_ID && placements[i].store != STORE_COLLECTION)
              {
                g_string_append_printf (s, ", %s", placements[i].column);
                insert->fields[insert->n_fields++] = i;
              }
          g_string_append (s, ") VALUES (?");
          for (guint k = 1; k < n_fixed[t] + insert->n_fields; k++)
            g_string_append (s, ", ?");
          g_string_append_c (s, ')');
          insert->sql = g_string_free (s, FALSE);
        }
      g_once_init_leave (&done, 1);
    }

  return &inserts[table];
}

static const char *
insert_sql (TableKind  table)
{
  return table_insert (table)->sql;
}

static gboolean
bind_table_fields (TciaCatalogueDb  *db,
                   sqlite3_stmt     *stmt,
                   int               first,
                   TableKind         table,
                   TciaSeries       *series,
                   const char       *patient_id,
                   GError          **error)
{
  const TableInsert *insert = table_insert (table);
  const Placement *placements = tcia_catalogue_placements ();

  for (guint k = 0; k < insert->n_fields; k++)
    {
      guint i = insert->fields[k];

      if (!bind_field (db, stmt, first + (int) k, insert->info, series, i, &placements[i],
                       patient_id, error))
        return FALSE;
    }

  return TRUE;
}

static gint64
lookup_id (TciaCatalogueDb  *db,
           const char       *sql,
           const char       *text,
           gint64            number,
           gboolean          uid,
           GError          **error)
{
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db, sql, error);
  gint64 id = -1;
  int rc;

  if (stmt == NULL)
    return 0;
  if (uid)
    tcia_catalogue_bind_uid (stmt, 1, text);
  else
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  if (number >= 0)
    sqlite3_bind_int64 (stmt, 2, number);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      tcia_catalogue_db_fail (db, error, _("be read"));
      id = 0;
    }
  sqlite3_reset (stmt);

  return id;
}

static gint64
patient_row (TciaCatalogueDb  *db,
             TciaSeries       *series,
             gint64            collection,
             GError          **error)
{
  const char *patient_id = tcia_series_get_patient_id (series);
  sqlite3_stmt *stmt;
  gint64 id;

  if (patient_id == NULL)
    patient_id = "";
  if (db->last_patient != 0 && db->last_patient_collection == collection &&
      g_strcmp0 (patient_id, db->last_patient_key) == 0)
    return db->last_patient;

  stmt = tcia_catalogue_db_statement_all_bound (db, insert_sql (TABLE_PATIENT), error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, collection);
  if (!bind_table_fields (db, stmt, 3, TABLE_PATIENT, series, patient_id, error))
    return 0;
  /* Inserted first, looked up when taken: one search of the unique index
   * where a lookup first made two, and nearly every patient and study a
   * sync puts is new. */
  id = tcia_catalogue_db_step_new (db, stmt, error);
  if (id < 0)
    id = lookup_id (db, "SELECT id FROM patients WHERE patient_id = ?1 AND collection = ?2",
                    patient_id, collection, FALSE, error);
  if (id < 0)
    id = tcia_catalogue_db_fail (db, error, _("be read"));
  if (id > 0)
    {
      db->last_patient = id;
      db->last_patient_collection = collection;
      g_free (db->last_patient_key);
      db->last_patient_key = g_strdup (patient_id);
    }

  return id;
}

static gint64
study_row (TciaCatalogueDb  *db,
           TciaSeries       *series,
           gint64            patient,
           GError          **error)
{
  const char *uid = tcia_series_get_study_uid (series);
  g_autofree char *description = NULL;
  TciaPackedUid packed;
  sqlite3_stmt *stmt;
  gint64 id;
  int rc;

  if (uid == NULL)
    uid = "";
  if (db->last_study != 0 && g_strcmp0 (uid, db->last_study_uid) == 0)
    return db->last_study;

  stmt = tcia_catalogue_db_statement_all_bound (db, insert_sql (TABLE_STUDY), error);
  if (stmt == NULL)
    return 0;
  tcia_catalogue_bind_uid_in (stmt, 1, uid, &packed);
  sqlite3_bind_int64 (stmt, 2, patient);
  if (!bind_table_fields (db, stmt, 3, TABLE_STUDY, series, NULL, error))
    return 0;
  id = tcia_catalogue_db_step_new (db, stmt, error);
  if (id > 0)
    description = g_strdup (tcia_series_get_study_description (series));
  else if (id < 0)
    {
      /* The study's own description, which is in the series' words, may
       * be another series' of the study: the first one put. */
      stmt = tcia_catalogue_db_statement (db,
        "SELECT s.id, d.value FROM studies s LEFT JOIN strings d ON d.id = s.study_description"
        " WHERE s.uid = ?1", error);
      if (stmt == NULL)
        return 0;
      tcia_catalogue_bind_uid (stmt, 1, uid);
      rc = sqlite3_step (stmt);
      id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
      description = rc == SQLITE_ROW ? g_strdup ((const char *) sqlite3_column_text (stmt, 1))
                                     : NULL;
      if (id == 0)
        tcia_catalogue_db_fail (db, error, _("be read"));
      sqlite3_reset (stmt);
    }
  if (id > 0)
    {
      db->last_study = id;
      g_free (db->last_study_uid);
      db->last_study_uid = g_strdup (uid);
      g_free (db->last_study_description);
      db->last_study_description = g_steal_pointer (&description);
    }

  return id;
}

/* The placement of TciaSeries' field @name. */
static guint
placement_of (const char *name)
{
  const TciaRecordInfo *info = tcia_record_info_get (TCIA_TYPE_SERIES);

  for (guint i = 0; i < info->n_fields; i++)
    if (strcmp (info->fields[i].name, name) == 0)
      return i;
  g_assert_not_reached ();
}

/* The longest facet word: a space, the mark, the kind, an id's digits. */
#define FACET_WORD_MAX (1 + sizeof TCIA_CATALOGUE_FACET_MARK - 1 + 1 + 20)

/* Writes the facet word of @kind for @id (see TCIA_CATALOGUE_FACET_MARK)
 * at @out, which has room for FACET_WORD_MAX bytes; returns its end. */
static char *
put_facet (char   *out,
           char    kind,
           gint64  id)
{
  char digits[20];
  int n = 0;

  *out++ = ' ';
  memcpy (out, TCIA_CATALOGUE_FACET_MARK, sizeof TCIA_CATALOGUE_FACET_MARK - 1);
  out += sizeof TCIA_CATALOGUE_FACET_MARK - 1;
  *out++ = kind;
  do
    digits[n++] = (char) ('0' + id % 10);
  while ((id /= 10) > 0 && n < (int) sizeof digits);
  while (n > 0)
    *out++ = digits[--n];

  return out;
}

/* Puts the words of series @id in the text index: the terms of what the
 * view series_text makes of its rows, so that a delete (which reads the
 * view) takes out exactly these. Reading the view here cost a third of a
 * sync. Called after the series' row is bound, so the interned ids of
 * its facets are those of its fields. */
static gboolean
index_series (TciaCatalogueDb  *db,
              gint64            id,
              TciaSeries       *series,
              gint64            collection,
              GError          **error)
{
  static guint facets[3];
  static const char kinds[3] = { 'm', 'b', 'f' };
  static gsize done;
  const char *words[] = {
    tcia_series_get_patient_id (series),
    tcia_series_get_collection (series),
    tcia_series_get_series_description (series),
    db->last_study_description,
    tcia_series_get_modality (series),
    tcia_series_get_body_part (series),
    tcia_series_get_manufacturer (series),
    tcia_series_get_manufacturer_model (series),
    tcia_series_get_protocol_name (series),
  };
  const char *facet_values[3] = {
    tcia_series_get_modality (series),
    tcia_series_get_body_part (series),
    tcia_series_get_manufacturer (series),
  };
  GString *text = db->text;
  gsize lens[G_N_ELEMENTS (words)], total = 0;
  sqlite3_stmt *stmt;
  char *out;

  if (g_once_init_enter (&done))
    {
      facets[0] = placement_of ("modality");
      facets[1] = placement_of ("body-part");
      facets[2] = placement_of ("manufacturer");
      g_once_init_leave (&done, 1);
    }

  /* Measured, then copied: appending each part cost as much again. */
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      lens[i] = words[i] != NULL ? strlen (words[i]) : 0;
      total += lens[i] + 1;
    }
  g_string_set_size (text, total + (1 + G_N_ELEMENTS (facets)) * FACET_WORD_MAX);
  out = text->str;
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      if (i > 0)
        *out++ = ' ';
      memcpy (out, words[i] != NULL ? words[i] : "", lens[i]);
      out += lens[i];
    }
  out = put_facet (out, 'c', collection);
  for (guint i = 0; i < G_N_ELEMENTS (facets); i++)
    if (facet_values[i] != NULL)
      out = put_facet (out, kinds[i], db->last_ids[facets[i]]);
  g_string_truncate (text, (gsize) (out - text->str));

  if (db->words != NULL)
    {
      tcia_catalogue_words_put (db->words, id, text->str, text->len, FALSE);
      return TRUE;
    }
  stmt = tcia_catalogue_db_statement (db, "INSERT INTO search (rowid, text) VALUES (?1, ?2)",
                                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, text->str, (int) text->len, SQLITE_STATIC);
  return tcia_catalogue_db_step_done (db, stmt, error);
}

gboolean
tcia_catalogue_db_put_series (TciaCatalogueDb  *db,
                              TciaSeries       *series,
                              gboolean         *replaced,
                              GError          **error)
{
  const char *collection_name = tcia_series_get_collection (series);
  TciaPackedUid packed;
  sqlite3_stmt *stmt;
  gint64 collection, patient, study;
  int rc;

  if (replaced != NULL)
    *replaced = FALSE;

  collection = tcia_catalogue_db_collection_id (db, collection_name != NULL ? collection_name : "", error);
  if (collection == 0)
    return FALSE;
  patient = patient_row (db, series, collection, error);
  if (patient == 0)
    return FALSE;
  study = study_row (db, series, patient, error);
  if (study == 0)
    return FALSE;

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      stmt = tcia_catalogue_db_statement_all_bound (db, insert_sql (TABLE_SERIES), error);
      if (stmt == NULL)
        return FALSE;
      tcia_catalogue_bind_uid_in (stmt, 1, tcia_series_get_series_uid (series), &packed);
      sqlite3_bind_int64 (stmt, 2, study);
      sqlite3_bind_int64 (stmt, 3, patient);
      sqlite3_bind_int64 (stmt, 4, collection);
      if (!bind_table_fields (db, stmt, 5, TABLE_SERIES, series,
                              tcia_series_get_patient_id (series), error))
        return FALSE;
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        return index_series (db, sqlite3_last_insert_rowid (db->sqlite), series, collection,
                             error);
      if (rc != SQLITE_CONSTRAINT_UNIQUE || attempt > 0)
        break;

      if (replaced != NULL)
        *replaced = TRUE;
      /* Already there (an update, or listed under another collection):
       * the new row replaces it, through the trigger that unindexes it. */
      stmt = tcia_catalogue_db_statement (db, "DELETE FROM series WHERE uid = ?1", error);
      if (stmt == NULL)
        return FALSE;
      tcia_catalogue_bind_uid (stmt, 1, tcia_series_get_series_uid (series));
      if (!tcia_catalogue_db_step_done (db, stmt, error))
        return FALSE;
    }

  return tcia_catalogue_db_fail (db, error, _("be updated"));
}

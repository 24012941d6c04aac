/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tcia-catalogue-db-private.h"

/* Writing the catalogue: transactions, collections and their state, what
 * a sync does besides putting rows (tcia-catalogue-put.c). */

/* ---- Writing ---- */

void
tcia_catalogue_db_set_cache_size (TciaCatalogueDb *db,
                                  guint            kib)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA cache_size = -%u", kib);

  sqlite3_exec (db->sqlite, sql, NULL, NULL, NULL);
}

gboolean
tcia_catalogue_db_begin (TciaCatalogueDb  *db,
                         GError          **error)
{
  /* (A BEGIN that fails leaves the words' thread waiting for a commit
   * or rollback to publish: the fill ends with one.) */
  if (db->words != NULL)
    tcia_catalogue_words_begin (db->words);
  return tcia_catalogue_db_exec (db, "BEGIN IMMEDIATE", error);
}

gboolean
tcia_catalogue_db_commit (TciaCatalogueDb  *db,
                          GError          **error)
{
  if (!tcia_catalogue_db_exec (db, "COMMIT", error))
    {
      tcia_catalogue_db_rollback (db);
      return FALSE;
    }
  if (db->words != NULL)
    tcia_catalogue_words_commit (db->words);
  return TRUE;
}

void
tcia_catalogue_db_rollback (TciaCatalogueDb *db)
{
  if (!sqlite3_get_autocommit (db->sqlite))
    sqlite3_exec (db->sqlite, "ROLLBACK", NULL, NULL, NULL);
  if (db->words != NULL)
    tcia_catalogue_words_rollback (db->words);
  /* Ids handed out inside the transaction are gone with it. */
  tcia_catalogue_db_clear_caches (db);
}

gboolean
tcia_catalogue_db_step_done (TciaCatalogueDb  *db,
                             sqlite3_stmt     *stmt,
                             GError          **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return tcia_catalogue_db_fail (db, error, _("be updated"));
  return TRUE;
}

/* The id of the row an INSERT made, or 0 on error: a "RETURNING id" gives
 * it (an upsert's), else the last row inserted (cheaper than RETURNING,
 * which gathers its rows in a table of their own). With @taken_ok, -1
 * when a unique key of the row is taken. */
static gint64
step_insert (TciaCatalogueDb  *db,
             sqlite3_stmt     *stmt,
             gboolean          taken_ok,
             GError          **error)
{
  int rc = sqlite3_step (stmt);
  gint64 id = 0;

  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    id = sqlite3_last_insert_rowid (db->sqlite);
  else if (rc == SQLITE_CONSTRAINT_UNIQUE && taken_ok)
    id = -1;
  else
    tcia_catalogue_db_fail (db, error, _("be updated"));
  sqlite3_reset (stmt);

  return id;
}

gint64
tcia_catalogue_db_step_id (TciaCatalogueDb  *db,
                           sqlite3_stmt     *stmt,
                           GError          **error)
{
  return step_insert (db, stmt, FALSE, error);
}

gint64
tcia_catalogue_db_step_new (TciaCatalogueDb  *db,
                            sqlite3_stmt     *stmt,
                            GError          **error)
{
  return step_insert (db, stmt, TRUE, error);
}

/* Steps @stmt, a SELECT EXISTS (...) with its values bound, into
 * @exists, and resets it; FALSE (and @error) when it failed. */
static gboolean
step_exists (TciaCatalogueDb  *db,
             sqlite3_stmt     *stmt,
             gboolean         *exists,
             GError          **error)
{
  gboolean ok = sqlite3_step (stmt) == SQLITE_ROW;

  *exists = ok && sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  if (!ok)
    return tcia_catalogue_db_fail (db, error, _("be read"));

  return TRUE;
}

static gboolean
run_with_name (TciaCatalogueDb  *db,
               const char       *sql,
               const char       *name,
               GError          **error)
{
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  return tcia_catalogue_db_step_done (db, stmt, error);
}

gboolean
tcia_catalogue_db_clear_collection (TciaCatalogueDb  *db,
                                    const char       *collection,
                                    GError          **error)
{
  sqlite3_stmt *stmt;
  gboolean has_series;

  db->last_patient = 0;
  db->last_study = 0;

  /* A DELETE that fires the text index's trigger makes the index write
   * the words it holds in memory as a segment of their own (it keeps a
   * savepoint per such statement): not for a collection with no series,
   * as every collection of a first fill is. */
  stmt = tcia_catalogue_db_statement (db, "SELECT EXISTS (SELECT 1 FROM series WHERE collection"
                                      " IN (SELECT id FROM collections WHERE name = ?1))", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_STATIC);
  if (!step_exists (db, stmt, &has_series, error))
    return FALSE;

  return (!has_series ||
          run_with_name (db, "DELETE FROM series WHERE collection IN"
                         " (SELECT id FROM collections WHERE name = ?1)", collection, error)) &&
         run_with_name (db, "DELETE FROM studies WHERE patient IN (SELECT p.id FROM patients p"
                        " JOIN collections c ON c.id = p.collection WHERE c.name = ?1)",
                        collection, error) &&
         run_with_name (db, "DELETE FROM patients WHERE collection IN"
                        " (SELECT id FROM collections WHERE name = ?1)", collection, error) &&
         run_with_name (db, "UPDATE collections SET listed_count = -1, listed_at = 0"
                        " WHERE name = ?1", collection, error);
}

gboolean
tcia_catalogue_db_delete_collection (TciaCatalogueDb  *db,
                                     const char       *collection,
                                     GError          **error)
{
  g_hash_table_remove (db->collection_ids, collection);
  return tcia_catalogue_db_clear_collection (db, collection, error) &&
         run_with_name (db, "DELETE FROM collections WHERE name = ?1", collection, error);
}

gboolean
tcia_catalogue_db_set_patient_count (TciaCatalogueDb  *db,
                                     const char       *collection,
                                     int               patient_count,
                                     GError          **error)
{
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db,
    "INSERT INTO collections (name, patient_count) VALUES (?1, ?2)"
    " ON CONFLICT (name) DO UPDATE SET patient_count = excluded.patient_count", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, patient_count);
  return tcia_catalogue_db_step_done (db, stmt, error);
}

gboolean
tcia_catalogue_db_set_listed (TciaCatalogueDb  *db,
                              const char       *collection,
                              int               patient_count,
                              gint64            listed_at,
                              GError          **error)
{
  sqlite3_stmt *stmt;

  if (tcia_catalogue_db_collection_id (db, collection, error) == 0)
    return FALSE;
  stmt = tcia_catalogue_db_statement (db,
    "UPDATE collections SET listed_count = ?2, listed_at = ?3 WHERE name = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, patient_count);
  sqlite3_bind_int64 (stmt, 3, listed_at);
  return tcia_catalogue_db_step_done (db, stmt, error);
}

gboolean
tcia_catalogue_db_set_description (TciaCatalogueDb  *db,
                                   const char       *collection,
                                   const char       *description,
                                   const char       *description_uri,
                                   GError          **error)
{
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db,
    "UPDATE collections SET description = ?2, description_uri = ?3 WHERE name = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, description, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, description_uri, -1, SQLITE_STATIC);
  return tcia_catalogue_db_step_done (db, stmt, error);
}

gboolean
tcia_catalogue_db_prune (TciaCatalogueDb  *db,
                         GError          **error)
{
  sqlite3_stmt *stmt;
  gboolean lonely;

  db->last_patient = 0;
  db->last_study = 0;
  if (!tcia_catalogue_db_exec (db,
        "DELETE FROM studies WHERE NOT EXISTS (SELECT 1 FROM series WHERE study = studies.id)",
        error))
    return FALSE;

  /* A patient without a study of its own may still have series: a study
   * listed in two collections is stored once, under the patient of the
   * first. The series (no index leads with their patient) are read only
   * when some patient has no study, which a prune seldom finds. */
  stmt = tcia_catalogue_db_statement (db, "SELECT EXISTS (SELECT 1 FROM patients WHERE NOT EXISTS"
                                      " (SELECT 1 FROM studies WHERE patient = patients.id))", error);
  if (stmt == NULL || !step_exists (db, stmt, &lonely, error))
    return FALSE;

  return !lonely || tcia_catalogue_db_exec (db,
    "DELETE FROM patients WHERE NOT EXISTS (SELECT 1 FROM studies WHERE patient = patients.id)"
    " AND id NOT IN (SELECT patient FROM series)", error);
}

gboolean
tcia_catalogue_db_optimize (TciaCatalogueDb  *db,
                            GError          **error)
{
  return tcia_catalogue_db_exec (db, "INSERT INTO search (search) VALUES ('optimize')", error);
}

gboolean
tcia_catalogue_db_shrink (TciaCatalogueDb  *db,
                          GError          **error)
{
  return tcia_catalogue_db_exec (db, "PRAGMA incremental_vacuum", error);
}

void
tcia_catalogue_collection_state_free (gpointer data)
{
  TciaCatalogueCollectionState *state = data;

  g_free (state->name);
  g_free (state);
}

GPtrArray *
tcia_catalogue_db_get_collection_states (TciaCatalogueDb  *db,
                                         GError          **error)
{
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func (tcia_catalogue_collection_state_free);
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db,
    "SELECT name, patient_count, listed_count, listed_at FROM collections ORDER BY name", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TciaCatalogueCollectionState *state = g_new0 (TciaCatalogueCollectionState, 1);

      state->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      state->patient_count = sqlite3_column_int (stmt, 1);
      state->listed_count = sqlite3_column_int (stmt, 2);
      state->listed_at = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (states, state);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      tcia_catalogue_db_fail (db, error, _("be read"));
      return NULL;
    }

  return g_steal_pointer (&states);
}

char *
tcia_catalogue_db_get_meta (TciaCatalogueDb *db,
                            const char      *key)
{
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db, "SELECT value FROM meta WHERE key = ?1",
                                                    NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  return value;
}

gboolean
tcia_catalogue_db_set_meta (TciaCatalogueDb  *db,
                            const char       *key,
                            const char       *value,
                            GError          **error)
{
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db,
    "INSERT INTO meta (key, value) VALUES (?1, ?2)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return tcia_catalogue_db_step_done (db, stmt, error);
}

gboolean
tcia_catalogue_db_clear_all (TciaCatalogueDb  *db,
                             GError          **error)
{
  tcia_catalogue_db_clear_caches (db);
  return tcia_catalogue_db_exec (db,
    "DELETE FROM series; DELETE FROM studies; DELETE FROM patients; DELETE FROM collections;"
    "DELETE FROM strings; DELETE FROM meta WHERE key != 'filling';"
    "INSERT INTO search (search) VALUES ('delete-all');",
    error);
}

guint64
tcia_catalogue_db_count_series (TciaCatalogueDb *db)
{
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db, "SELECT count(*) FROM series", NULL);
  guint64 n = 0;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    n = (guint64) sqlite3_column_int64 (stmt, 0);
  if (stmt != NULL)
    sqlite3_reset (stmt);

  return n;
}

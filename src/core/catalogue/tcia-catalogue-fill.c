/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tcia-catalogue-db-private.h"

/* A first fill: the catalogue written without its facet indexes, without
 * syncs, and with its words indexed apart (tcia-catalogue-words.h), under
 * a mark in meta that says so until everything is on the disk. */

gboolean
tcia_catalogue_db_is_filling (TciaCatalogueDb *db)
{
  g_autofree char *mark = tcia_catalogue_db_get_meta (db, "filling");

  return mark != NULL;
}

/* tcia_catalogue_unindex (id, text): a row deleted during a fill gives
 * its words back to the fill's text index (see begin_fill). */
static void
unindex_cb (sqlite3_context  *context,
            int               argc,
            sqlite3_value   **argv)
{
  TciaCatalogueDb *db = sqlite3_user_data (context);
  const char *text = (const char *) sqlite3_value_text (argv[1]);

  db->fill_clean = FALSE;
  if (db->words != NULL && text != NULL)
    tcia_catalogue_words_put (db->words, sqlite3_value_int64 (argv[0]), text,
                              (gsize) sqlite3_value_bytes (argv[1]), TRUE);
  sqlite3_result_null (context);
}

/* Hands the words of the rows already stored (a fill that resumes) to
 * the fill's text index. */
static gboolean
index_stored_rows (TciaCatalogueDb  *db,
                   GError          **error)
{
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db, "SELECT id, text FROM series_text",
                                                    error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      db->fill_clean = FALSE;
      tcia_catalogue_words_put (db->words, sqlite3_column_int64 (stmt, 0),
                                (const char *) sqlite3_column_text (stmt, 1),
                                (gsize) sqlite3_column_bytes (stmt, 1), FALSE);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return tcia_catalogue_db_fail (db, error, _("be read"));
  tcia_catalogue_words_commit (db->words);

  return TRUE;
}

gboolean
tcia_catalogue_db_begin_fill (TciaCatalogueDb  *db,
                              GError          **error)
{
  g_autofree char *boot = tcia_catalogue_boot_id ();

  if (!tcia_catalogue_db_begin (db, error))
    return FALSE;
  /* The facet indexes take rows all over, which costs more a row at a
   * time than made once at the end. The others take each row at their
   * end (ids grow) and answer a listing's own queries: they stay. With
   * the mark, the text index's trigger stops: the fill's words are
   * indexed apart, and the index is replaced when the fill ends. */
  if (!tcia_catalogue_db_set_meta (db, "filling", boot != NULL ? boot : "", error) ||
      !tcia_catalogue_db_exec (db,
        "DROP INDEX IF EXISTS series_modality; DROP INDEX IF EXISTS series_body_part;"
        "DROP INDEX IF EXISTS series_manufacturer;", error) ||
      !tcia_catalogue_db_commit (db, error))
    {
      tcia_catalogue_db_rollback (db);
      return FALSE;
    }
  /* The mark on the disk (synced) before anything that is not. */
  sqlite3_wal_checkpoint_v2 (db->sqlite, NULL, SQLITE_CHECKPOINT_FULL, NULL, NULL);

  /* The words of the rows the fill deletes (a retried body, a series
   * listed twice) leave the fill's index through this connection's own
   * trigger, which lasts as long as it. */
  g_assert (db->words == NULL);
  db->fill_clean = TRUE;
  db->words = tcia_catalogue_words_start (sqlite3_db_filename (db->sqlite, "main"), error);
  if (db->words == NULL)
    return FALSE;
  if (sqlite3_create_function (db->sqlite, "tcia_catalogue_unindex", 2,
                               SQLITE_UTF8 | SQLITE_DIRECTONLY, db, unindex_cb, NULL, NULL) !=
      SQLITE_OK)
    return tcia_catalogue_db_fail (db, error, _("be updated"));
  if (!tcia_catalogue_db_exec (db,
        "CREATE TEMP TRIGGER IF NOT EXISTS series_unindexed_fill BEFORE DELETE ON main.series"
        " BEGIN SELECT tcia_catalogue_unindex (id, text) FROM main.series_text"
        " WHERE id = old.id; END;", error) ||
      !index_stored_rows (db, error))
    return FALSE;

  /* A checkpoint copies the pages of the log into the file: every 80 MB
   * rather than every 4, pages a fill writes again and again (the
   * indexes' inner pages) are copied once or twice, not at every
   * checkpoint. end_fill's checkpoint copies the rest. */
  return tcia_catalogue_db_exec (db, "PRAGMA synchronous = OFF;"
                                 " PRAGMA wal_autocheckpoint = 20000", error);
}

gboolean
tcia_catalogue_db_fill_was_clean (TciaCatalogueDb *db)
{
  return db->fill_clean;
}

gboolean
tcia_catalogue_db_end_fill (TciaCatalogueDb  *db,
                            GError          **error)
{
  g_autoptr(GError) publish_error = NULL;
  gboolean indexed;

  /* The words of what the fill committed are merged while the facet
   * indexes are made, then replace the text index; a failure keeps the
   * mark, and the next fill indexes every row again. */
  if (db->words != NULL)
    tcia_catalogue_words_prepare (db->words);
  sqlite3_exec (db->sqlite, "DROP TRIGGER IF EXISTS temp.series_unindexed_fill", NULL, NULL, NULL);
  indexed = tcia_catalogue_db_begin (db, error);
  if (indexed && (!tcia_catalogue_db_exec (db, tcia_catalogue_db_index_sql (), error) ||
                  !tcia_catalogue_db_commit (db, error)))
    {
      tcia_catalogue_db_rollback (db);
      indexed = FALSE;
    }
  if (db->words == NULL)
    g_set_error (&publish_error, TCIA_CATALOGUE_ERROR, TCIA_CATALOGUE_ERROR_DATABASE,
                 _("The local catalogue %s could not index its words"),
                 sqlite3_db_filename (db->sqlite, "main"));
  else if (indexed)
    tcia_catalogue_words_publish (db->words, &publish_error);
  g_clear_pointer (&db->words, tcia_catalogue_words_free);
  if (!indexed)
    return FALSE;
  if (publish_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&publish_error));
      return FALSE;
    }

  if (!tcia_catalogue_db_exec (db, "PRAGMA synchronous = NORMAL;"
                               " PRAGMA wal_autocheckpoint = 1000", error))
    return FALSE;
  /* A checkpoint syncs the log and then the file: whatever was written
   * unsynced is on the disk before the mark goes. */
  if (sqlite3_wal_checkpoint_v2 (db->sqlite, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) !=
      SQLITE_OK)
    return TRUE;  /* a reader held on: the mark stays, for the next fill to end */
  if (!tcia_catalogue_db_begin (db, error))
    return FALSE;
  if (!tcia_catalogue_db_exec (db, "DELETE FROM meta WHERE key = 'filling'", error) ||
      !tcia_catalogue_db_commit (db, error))
    {
      tcia_catalogue_db_rollback (db);
      return FALSE;
    }

  return TRUE;
}

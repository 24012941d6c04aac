/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "local-catalogue-test-util.h"

/* Catalogue files that must not be trusted as they are: damaged, of
 * another schema, or left by a first fill cut short. */

static void
write_file (const char *path,
            const char *data,
            gssize      len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

/* Files the catalogue must not trust are moved aside and rebuilt. */
static void
test_damaged (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *damaged = g_strconcat (f->path, ".damaged", NULL);
  g_autofree char *old = g_strconcat (f->path, ".old", NULL);
  gsize len = 0;

  /* A synced catalogue is trusted again as it is. */
  sync_ok (f);
  release_catalogue (&f->catalogue);
  f->catalogue = tcia_local_catalogue_new (f->path, &error);
  g_assert_no_error (error);
  g_assert_false (tcia_local_catalogue_was_rebuilt (f->catalogue));
  g_assert_false (tcia_local_catalogue_get_is_empty (f->catalogue));
  release_catalogue (&f->catalogue);

  /* Truncated. */
  g_file_get_contents (f->path, &contents, &len, &error);
  g_assert_no_error (error);
  write_file (f->path, contents, (gssize) len / 2);
  f->catalogue = tcia_local_catalogue_new (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (tcia_local_catalogue_was_rebuilt (f->catalogue));
  g_assert_true (tcia_local_catalogue_get_is_empty (f->catalogue));
  g_assert_true (g_file_test (damaged, G_FILE_TEST_EXISTS));
  release_catalogue (&f->catalogue);
  g_unlink (damaged);

  /* Garbage. */
  write_file (f->path, "this is not a database, just some bytes\n", -1);
  f->catalogue = tcia_local_catalogue_new (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (tcia_local_catalogue_was_rebuilt (f->catalogue));
  g_assert_true (g_file_test (damaged, G_FILE_TEST_EXISTS));
  /* Offline use of an emptied catalogue says so. */
  release_catalogue (&f->catalogue);
  g_assert_null (tcia_local_catalogue_open_existing (f->path, &error));
  g_assert_error (error, TCIA_CATALOGUE_ERROR, TCIA_CATALOGUE_ERROR_EMPTY);
  g_clear_error (&error);

  /* Another schema version: an old program's file. */
  f->catalogue = tcia_local_catalogue_new (f->path, &error);
  g_assert_no_error (error);
  sync_ok (f);
  release_catalogue (&f->catalogue);
  {
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==,
                     SQLITE_OK);
    sqlite3_close (db);
  }
  f->catalogue = tcia_local_catalogue_new (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (tcia_local_catalogue_was_rebuilt (f->catalogue));
  g_assert_true (tcia_local_catalogue_get_is_empty (f->catalogue));
  g_assert_true (g_file_test (old, G_FILE_TEST_EXISTS));

  /* No catalogue at all, offline: a clear error, and no file made. */
  {
    g_autofree char *none = g_build_filename (f->dir, "none", "catalogue.db", NULL);

    g_assert_null (tcia_local_catalogue_open_existing (none, &error));
    g_assert_error (error, TCIA_CATALOGUE_ERROR, TCIA_CATALOGUE_ERROR_EMPTY);
    g_assert_false (g_file_test (none, G_FILE_TEST_EXISTS));
  }
}

static void
set_meta (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static guint
count_indexes (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
                                       " AND sql IS NOT NULL", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = (guint) sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* A first fill writes without syncs: one cut short by the system stopping
 * (its mark from another boot) is rebuilt, never trusted; one cut short by
 * the program stopping (this boot: the file is sound) is taken up again,
 * and the fill that ends it makes the indexes it left out. */
static void
test_fill_cut_short (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) rows = NULL;
  g_autofree char *incomplete = g_strconcat (f->path, ".incomplete", NULL);
  g_autofree char *boot = NULL;
  g_autofree char *sql = NULL;
  guint n_indexes;

  sync_ok (f);
  release_catalogue (&f->catalogue);
  n_indexes = count_indexes (f->path);
  g_assert_cmpuint (n_indexes, >, 0);

  /* The program stopped half-way through a fill: the facet indexes are not
   * made yet, the mark is there. */
  g_assert_true (g_file_get_contents ("/proc/sys/kernel/random/boot_id", &boot, NULL, NULL));
  g_strstrip (boot);
  sql = g_strdup_printf ("DROP INDEX series_modality; INSERT INTO meta (key, value)"
                         " VALUES ('filling', '%s')", boot);
  set_meta (f->path, sql);
  f->catalogue = tcia_local_catalogue_new (f->path, &error);
  g_assert_no_error (error);
  g_assert_false (tcia_local_catalogue_was_rebuilt (f->catalogue));
  rows = search (f, NULL, NULL, 0, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, N_SERIES);
  g_clear_object (&rows);
  sync_ok (f);
  release_catalogue (&f->catalogue);
  g_assert_cmpuint (count_indexes (f->path), ==, n_indexes);

  /* The system stopped: the mark names another boot. */
  set_meta (f->path, "INSERT INTO meta (key, value) VALUES ('filling', 'another-boot')");
  f->catalogue = tcia_local_catalogue_new (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (tcia_local_catalogue_was_rebuilt (f->catalogue));
  g_assert_true (tcia_local_catalogue_get_is_empty (f->catalogue));
  g_assert_true (g_file_test (incomplete, G_FILE_TEST_EXISTS));
  sync_ok (f);
  rows = search (f, NULL, NULL, 0, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, N_SERIES);
  assert_index_sound (f);
  release_catalogue (&f->catalogue);
  g_assert_cmpuint (count_indexes (f->path), ==, n_indexes);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  LOCAL_CATALOGUE_TEST_ADD ("/local-catalogue/damaged", test_damaged);
  LOCAL_CATALOGUE_TEST_ADD ("/local-catalogue/fill-cut-short", test_fill_cut_short);

  return g_test_run ();
}

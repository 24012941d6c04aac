/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the tests of the local catalogue share (test-local-catalogue.c,
 * test-local-catalogue-search.c, test-local-catalogue-damaged.c): a fake
 * server, a client of it and an empty catalogue file per test, a sync and a
 * search that must succeed, and a check of the text index against the rows. */

#include <sqlite3.h>

#include "unit-test-util.h"
#include "fake-nbia.h"
#include "tcia-core.h"

#define TIMEOUT_S 60
#define N_SERIES 300

typedef struct
{
  FakeNbia           *fake;
  char               *url;
  char               *dir;
  char               *path;
  TciaClient         *client;
  TciaLocalCatalogue *catalogue;
} Fixture;

static inline void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FakeNbiaOptions options;

  fake_nbia_options_init (&options);
  options.n_series = N_SERIES;
  options.retry_after_s = 0;
  f->fake = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (f->fake, 0, &error));
  g_assert_no_error (error);
  f->url = fake_nbia_get_url (f->fake, 4);
  f->client = tcia_client_new (f->url, &error);
  g_assert_no_error (error);
  tcia_client_set_retry_policy (f->client, 3, 10, 20);
  f->dir = g_dir_make_tmp ("tcia-catalogue-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "cache", "catalogue.db", NULL);
  f->catalogue = tcia_local_catalogue_new (f->path, &error);
  g_assert_no_error (error);
}

/* Lets the last notifications and worker threads go, which hold the
 * catalogue for a moment after their results arrived (a worker drops its
 * task without waking the main context: poll). */
static inline void
release_catalogue (TciaLocalCatalogue **catalogue)
{
  for (guint i = 0; i < TIMEOUT_S * 100 && G_OBJECT (*catalogue)->ref_count > 1; i++)
    spin (10);
  g_assert_finalize_object (*catalogue);
  *catalogue = NULL;
}

static inline void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->catalogue != NULL)
    release_catalogue (&f->catalogue);
  g_clear_object (&f->client);
  g_clear_pointer (&f->fake, fake_nbia_free);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->url);
}

static inline gboolean
run_sync (TciaCatalogueSync  *sync,
          GCancellable       *cancellable,
          GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tcia_catalogue_sync_run_async (sync, cancellable, store_result_cb, &result);
  wait_for (&result);
  return tcia_catalogue_sync_run_finish (sync, result, error);
}

static inline void
sync_ok (Fixture *f)
{
  g_autoptr(TciaCatalogueSync) sync = tcia_catalogue_sync_new (f->catalogue, f->client);
  g_autoptr(GError) error = NULL;

  gboolean ok = run_sync (sync, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
}

static inline GListModel *
search_in (TciaLocalCatalogue *catalogue,
           const char         *text,
           const TciaQuery    *query,
           guint               limit,
           guint              *n_total)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *model;

  tcia_local_catalogue_search_async (catalogue, text, query, limit, NULL, NULL,
                                     store_result_cb, &result);
  wait_for (&result);
  model = tcia_local_catalogue_search_finish (catalogue, result, n_total, &error);
  g_assert_no_error (error);
  return model;
}

static inline GListModel *
search (Fixture         *f,
        const char      *text,
        const TciaQuery *query,
        guint            limit,
        guint           *n_total)
{
  return search_in (f->catalogue, text, query, limit, n_total);
}


/* Every series of the catalogue is in the text index under its words, and
 * the index has no other rows: a search counted from the index alone (one
 * row asked for) gives as many as the rows joined with the series. */
static inline gint64
count_rows (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return n;
}

/* The words in the text index are, row for row, those the view
 * series_text makes of the rows (which a delete takes out): an index made
 * afresh from the view has the same (word, row) pairs, no more, no less. */
static inline void
assert_index_matches_rows (Fixture *f)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO search (search) VALUES ('integrity-check')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
    "CREATE VIRTUAL TABLE temp.fresh USING fts5 (text, content='', detail=none, columnsize=0,"
    " tokenize=\"unicode61 remove_diacritics 2 tokenchars '.'\");"
    "INSERT INTO temp.fresh (rowid, text) SELECT id, text FROM series_text;"
    "CREATE VIRTUAL TABLE temp.fresh_words USING fts5vocab (temp, fresh, 'instance');"
    "CREATE VIRTUAL TABLE temp.words USING fts5vocab (main, search, 'instance');",
    NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (count_rows (db, "SELECT count(*) FROM temp.words"), >, 0);
  g_assert_cmpint (count_rows (db, "SELECT count(*) FROM (SELECT term, doc FROM temp.words"
                                   " EXCEPT SELECT term, doc FROM temp.fresh_words)"), ==, 0);
  g_assert_cmpint (count_rows (db, "SELECT count(*) FROM (SELECT term, doc FROM temp.fresh_words"
                                   " EXCEPT SELECT term, doc FROM temp.words)"), ==, 0);
  sqlite3_close (db);
}

/* Words a search by text finds @series by: its patient and collection. */
static inline char *
series_words (TciaSeries *series)
{
  return g_strdup_printf ("%s %s", tcia_series_get_patient_id (series),
                          tcia_series_get_collection (series));
}

/* Whether a search by text through @catalogue finds @series by its
 * words; @n_found: how many rows it found. */
static inline gboolean
text_search_finds (TciaLocalCatalogue *catalogue,
                   TciaSeries         *series,
                   guint              *n_found)
{
  g_autofree char *text = series_words (series);
  g_autoptr(GListModel) found = search_in (catalogue, text, NULL, 0, n_found);

  for (guint i = 0; i < g_list_model_get_n_items (found); i++)
    {
      g_autoptr(TciaSeries) row = g_list_model_get_item (found, i);

      if (g_strcmp0 (tcia_series_get_series_uid (row), tcia_series_get_series_uid (series)) == 0)
        return TRUE;
    }
  return FALSE;
}

static inline void
assert_index_sound (Fixture *f)
{
  g_autoptr(GListModel) all = search (f, NULL, NULL, 0, NULL);

  assert_index_matches_rows (f);

  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (all, i);
      g_autofree char *text = series_words (series);
      g_autoptr(GListModel) one = NULL;
      guint n_joined = 0, n_counted = 0;

      g_assert_true (text_search_finds (f->catalogue, series, &n_joined));
      one = search (f, text, NULL, 1, &n_counted);
      g_assert_cmpuint (n_counted, ==, n_joined);
    }
}

#define LOCAL_CATALOGUE_TEST_ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

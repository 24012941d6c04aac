/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "unit-test-util.h"
#include "fake-nbia.h"
#include <sqlite3.h>

#include "tcia-catalogue-db.h"
#include "tcia-core.h"
#include "tcia-records-private.h"

/* The local catalogue: a sync from the fake server, what it answers
 * without the server, a sync cut short and resumed, a refresh after the
 * archive changed, and files it must not trust. */

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

static void
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
static void
release_catalogue (TciaLocalCatalogue **catalogue)
{
  for (guint i = 0; i < TIMEOUT_S * 100 && G_OBJECT (*catalogue)->ref_count > 1; i++)
    spin (10);
  g_assert_finalize_object (*catalogue);
  *catalogue = NULL;
}

static void
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

static gboolean
run_sync (TciaCatalogueSync  *sync,
          GCancellable       *cancellable,
          GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tcia_catalogue_sync_run_async (sync, cancellable, store_result_cb, &result);
  wait_for (&result);
  return tcia_catalogue_sync_run_finish (sync, result, error);
}

static void
sync_ok (Fixture *f)
{
  g_autoptr(TciaCatalogueSync) sync = tcia_catalogue_sync_new (f->catalogue, f->client);
  g_autoptr(GError) error = NULL;

  gboolean ok = run_sync (sync, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
}

static GListModel *
search (Fixture         *f,
        const char      *text,
        const TciaQuery *query,
        guint            limit,
        guint           *n_total)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *model;

  tcia_local_catalogue_search_async (f->catalogue, text, query, limit, NULL, NULL,
                                     store_result_cb, &result);
  wait_for (&result);
  model = tcia_local_catalogue_search_finish (f->catalogue, result, n_total, &error);
  g_assert_no_error (error);
  return model;
}

/* The UIDs the server lists under @query, as a set. */
static GHashTable *
server_uids (Fixture         *f,
             const TciaQuery *query)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) model = NULL;
  GHashTable *uids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  tcia_client_list_series_async (f->client, query, NULL, NULL, store_result_cb, &result);
  wait_for (&result);
  model = tcia_client_list_series_finish (f->client, result, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TciaSeries) s = g_list_model_get_item (model, i);

      g_hash_table_add (uids, g_strdup (tcia_series_get_series_uid (s)));
    }
  return uids;
}

static void
assert_same_uids (GListModel *model,
                  GHashTable *expected)
{
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, g_hash_table_size (expected));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TciaSeries) s = g_list_model_get_item (model, i);

      g_assert_true (g_hash_table_contains (expected, tcia_series_get_series_uid (s)));
    }
}

/* Every series comes back with every field the server gave. */
static void
test_sync_mirrors_server (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) from_server = NULL;
  g_autoptr(GListModel) local = NULL;
  g_autoptr(GHashTable) by_uid = g_hash_table_new (g_str_hash, g_str_equal);
  const TciaRecordInfo *info = tcia_record_info_get (TCIA_TYPE_SERIES);

  g_assert_true (tcia_local_catalogue_get_is_empty (f->catalogue));
  g_assert_null (tcia_local_catalogue_get_synced_at (f->catalogue));
  sync_ok (f);
  /* The catalogue hears of the sync on its own context. */
  WAIT_FOR (tcia_local_catalogue_get_synced_at (f->catalogue) != NULL);
  g_assert_false (tcia_local_catalogue_get_is_empty (f->catalogue));

  tcia_client_list_series_async (f->client, NULL, NULL, NULL, store_result_cb, &result);
  wait_for (&result);
  from_server = tcia_client_list_series_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (from_server), ==, N_SERIES);

  local = search (f, NULL, NULL, 0, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (local), ==, N_SERIES);
  for (guint i = 0; i < N_SERIES; i++)
    {
      TciaSeries *s = g_list_model_get_item (local, i);

      g_hash_table_insert (by_uid, (gpointer) tcia_series_get_series_uid (s), s);
    }
  for (guint i = 0; i < N_SERIES; i++)
    {
      g_autoptr(TciaSeries) theirs = g_list_model_get_item (from_server, i);
      TciaSeries *ours = g_hash_table_lookup (by_uid, tcia_series_get_series_uid (theirs));

      g_assert_nonnull (ours);
      for (guint k = 0; k < info->n_fields; k++)
        {
          char b1[TCIA_CELL_BUFFER_SIZE], b2[TCIA_CELL_BUFFER_SIZE];
          const char *t1 = NULL, *t2 = NULL;
          TciaCellKind k1 = tcia_record_get_cell (info, theirs, k, b1, &t1);
          TciaCellKind k2 = tcia_record_get_cell (info, ours, k, b2, &t2);

          g_assert_cmpint (k1, ==, k2);
          g_assert_cmpstr (t1, ==, t2);
        }
    }
  for (guint i = 0; i < N_SERIES; i++)
    g_object_unref (g_list_model_get_item (local, i));
}

/* What Browse asks, answered by the catalogue as the server answers it. */
static void
test_browse_offline (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) collections = NULL;
  g_autoptr(GListModel) theirs = NULL;
  g_autoptr(GListModel) ours = NULL;
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(TciaQuery) query = tcia_query_new ();
  g_autoptr(TciaLocalCatalogue) offline = NULL;
  TciaCatalogue *catalogue;

  sync_ok (f);
  /* The server goes away: everything below comes from the file. */
  g_clear_pointer (&f->fake, fake_nbia_free);

  offline = tcia_local_catalogue_open_existing (f->path, &error);
  g_assert_no_error (error);
  catalogue = TCIA_CATALOGUE (offline);

  tcia_catalogue_list_collections_async (catalogue, NULL, NULL, store_result_cb, &result);
  wait_for (&result);
  collections = tcia_catalogue_list_collections_finish (catalogue, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (collections), >, 1);
  g_clear_object (&result);

  /* Facet counts are patient counts, under the other filters. */
  {
    g_autoptr(TciaCollection) c = g_list_model_get_item (collections, 0);

    tcia_query_set (query, &query->collection, tcia_collection_get_name (c));
    g_assert_cmpint (tcia_collection_get_patient_count (c), >, 0);
  }
  tcia_catalogue_list_values_async (catalogue, TCIA_VALUE_MODALITY, query, NULL, NULL,
                                    store_result_cb, &result);
  wait_for (&result);
  ours = tcia_catalogue_list_values_finish (catalogue, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (ours), >, 0);
  g_clear_object (&result);

  /* Series of one modality in that collection, case aside. */
  {
    g_autoptr(TciaValue) v = g_list_model_get_item (ours, 0);
    g_autofree char *lower = g_ascii_strdown (tcia_value_get_value (v), -1);

    tcia_query_set (query, &query->modality, lower);
  }
  tcia_catalogue_list_series_async (catalogue, query, NULL, NULL, store_result_cb, &result);
  wait_for (&result);
  rows = tcia_catalogue_list_series_finish (catalogue, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (rows), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(TciaSeries) s = g_list_model_get_item (rows, i);

      g_assert_cmpstr (tcia_series_get_collection (s), ==, query->collection);
      g_assert_cmpint (g_ascii_strcasecmp (tcia_series_get_modality (s), query->modality), ==, 0);
    }
  g_clear_object (&result);

  /* Details by UID; an unknown one is absent. */
  {
    g_autoptr(TciaSeries) first = g_list_model_get_item (rows, 0);
    const char *uids[] = { tcia_series_get_series_uid (first), "1.2.3.4", NULL };

    tcia_catalogue_get_series_details_async (catalogue, uids, NULL, NULL, store_result_cb,
                                             &result);
    wait_for (&result);
    theirs = tcia_catalogue_get_series_details_finish (catalogue, result, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (theirs), ==, 1);
    g_clear_object (&result);
  }

  /* Descriptions came with the sync. */
  g_clear_object (&collections);
  tcia_catalogue_describe_collections_async (catalogue, query->collection, NULL, NULL,
                                             store_result_cb, &result);
  wait_for (&result);
  collections = tcia_catalogue_describe_collections_finish (catalogue, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (collections), ==, 1);
}

/* Words, UIDs and facets together. */
static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(TciaQuery) query = tcia_query_new ();
  g_autoptr(GListModel) rows = NULL;
  FakeNbiaSeriesInfo info;
  g_autofree char *uid_prefix = NULL;
  g_autofree char *word = NULL;
  guint n_total = 0;
  guint expected = 0;

  sync_ok (f);
  fake_nbia_get_series (f->fake, 7, &info);

  /* A whole series UID finds that series. */
  rows = search (f, info.series_uid, NULL, 200, &n_total);
  g_assert_cmpuint (n_total, ==, 1);
  g_clear_object (&rows);

  /* A study UID's start finds its series. */
  uid_prefix = g_strndup (info.study_uid, strlen (info.study_uid) - 1);
  rows = search (f, uid_prefix, NULL, 200, &n_total);
  g_assert_cmpuint (n_total, >=, 1);
  g_clear_object (&rows);

  /* The start of a patient ID, in lower case, with a facet: every series of
   * that patient with that modality, and nothing else. */
  word = g_ascii_strdown (info.patient_id, strlen (info.patient_id) - 1);
  tcia_query_set (query, &query->modality, info.modality);
  for (guint i = 0; i < fake_nbia_get_n_series (f->fake); i++)
    {
      FakeNbiaSeriesInfo other;
      g_autofree char *id = NULL;

      fake_nbia_get_series (f->fake, i, &other);
      id = g_ascii_strdown (other.patient_id, -1);
      if (g_str_has_prefix (id, word) && g_strcmp0 (other.modality, info.modality) == 0)
        expected++;
    }
  rows = search (f, word, query, 2, &n_total);
  g_assert_cmpuint (n_total, ==, expected);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, MIN (2, expected));
  g_clear_object (&rows);

  /* Two words must both match: a collection and a description word. */
  {
    g_autofree char *text = g_strdup_printf ("%s %s", info.collection, info.series_description);

    rows = search (f, text, NULL, 0, &n_total);
    g_assert_cmpuint (n_total, >=, 1);
    for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
      {
        g_autoptr(TciaSeries) s = g_list_model_get_item (rows, i);

        g_assert_cmpstr (tcia_series_get_collection (s), ==, info.collection);
      }
    g_clear_object (&rows);
  }

  /* Nothing matches a word no series has. */
  rows = search (f, "zzyzx", NULL, 200, &n_total);
  g_assert_cmpuint (n_total, ==, 0);
  g_clear_object (&rows);

  /* FTS syntax in the text is just text. */
  rows = search (f, "\"AND* OR (NEAR", NULL, 200, &n_total);
  g_clear_object (&rows);
}

/* A facet with words, in any case, gives the rows of the words that have
 * it, counted alike; a value no series has gives none. The facets are
 * words of the text index that typing never reaches. */
static void
test_search_facets (Fixture       *f,
                    gconstpointer  data)
{
  const char *(*getters[]) (TciaSeries *) = {
    tcia_series_get_collection, tcia_series_get_modality, tcia_series_get_body_part,
    tcia_series_get_manufacturer,
  };
  g_autoptr(GListModel) all = NULL;
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(TciaSeries) first = NULL;
  FakeNbiaSeriesInfo info;
  g_auto(GStrv) words = NULL;
  guint n_all = 0, n_total = 0;

  sync_ok (f);
  fake_nbia_get_series (f->fake, 7, &info);
  words = g_strsplit (info.series_description, " ", 2);
  all = search (f, words[0], NULL, 0, &n_all);
  g_assert_cmpuint (n_all, >, 1);
  first = g_list_model_get_item (all, 0);

  for (guint g = 0; g < G_N_ELEMENTS (getters); g++)
    {
      g_autoptr(TciaQuery) query = tcia_query_new ();
      g_autofree char *value = NULL;
      char **field[] = { &query->collection, &query->modality, &query->body_part,
                         &query->manufacturer };
      guint expected = 0;

      if (getters[g] (first) == NULL)
        continue;
      for (guint i = 0; i < n_all; i++)
        {
          g_autoptr(TciaSeries) s = g_list_model_get_item (all, i);

          if (g_ascii_strcasecmp (getters[g] (s) ? getters[g] (s) : "", getters[g] (first)) == 0)
            expected++;
        }
      value = g_ascii_strdown (getters[g] (first), -1);
      tcia_query_set (query, field[g], value);
      rows = search (f, words[0], query, 0, &n_total);
      g_assert_cmpuint (n_total, ==, expected);
      g_assert_cmpuint (g_list_model_get_n_items (rows), ==, expected);
      for (guint i = 0; i < n_total; i++)
        {
          g_autoptr(TciaSeries) s = g_list_model_get_item (rows, i);

          g_assert_cmpstr (getters[g] (s), ==, getters[g] (first));
        }
      g_clear_object (&rows);
      /* Counted alone (a row asked for) as when every row is read. */
      rows = search (f, words[0], query, 1, &n_total);
      g_assert_cmpuint (n_total, ==, expected);
      g_clear_object (&rows);

      tcia_query_set (query, field[g], "no such value");
      rows = search (f, words[0], query, 0, &n_total);
      g_assert_cmpuint (n_total, ==, 0);
      g_clear_object (&rows);
    }

  /* What a facet is in the index cannot be typed: "c1" finds the rows that
   * show it, not those of the collection with the id 1. */
  for (guint w = 0; w < 2; w++)
    {
      const char *typed[] = { "c1", "\xee\x80\x80" "c1" };

      rows = search (f, typed[w], NULL, 0, &n_total);
      for (guint i = 0; i < n_total; i++)
        {
          g_autoptr(TciaSeries) s = g_list_model_get_item (rows, i);
          g_autofree char *shown = g_strjoin (" ", tcia_series_get_patient_id (s),
                                              tcia_series_get_collection (s),
                                              tcia_series_get_series_description (s) ?: "",
                                              tcia_series_get_study_description (s) ?: "",
                                              tcia_series_get_manufacturer_model (s) ?: "",
                                              tcia_series_get_protocol_name (s) ?: "", NULL);
          g_autofree char *lower = g_ascii_strdown (shown, -1);

          g_assert_nonnull (strstr (lower, "c1"));
        }
      g_clear_object (&rows);
    }
}

/* Every series of the catalogue is in the text index under its words, and
 * the index has no other rows: a search counted from the index alone (one
 * row asked for) gives as many as the rows joined with the series. */
static gint64
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
static void
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

static void
assert_index_sound (Fixture *f)
{
  g_autoptr(GListModel) all = search (f, NULL, NULL, 0, NULL);

  assert_index_matches_rows (f);

  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (all, i);
      g_autofree char *text = g_strdup_printf ("%s %s", tcia_series_get_patient_id (series),
                                               tcia_series_get_collection (series));
      g_autoptr(GListModel) joined = NULL;
      g_autoptr(GListModel) one = NULL;
      guint n_joined = 0, n_counted = 0;
      gboolean found = FALSE;

      joined = search (f, text, NULL, 0, &n_joined);
      for (guint k = 0; k < n_joined && !found; k++)
        {
          g_autoptr(TciaSeries) row = g_list_model_get_item (joined, k);

          found = g_strcmp0 (tcia_series_get_series_uid (row),
                             tcia_series_get_series_uid (series)) == 0;
        }
      g_assert_true (found);
      one = search (f, text, NULL, 1, &n_counted);
      g_assert_cmpuint (n_counted, ==, n_joined);
    }
}

/* A listing started again half-way, and a series of another collection
 * replaced meanwhile, leave the text index as sound as a listing in one go. */
static void
test_index_after_restart (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(TciaQuery) query = tcia_query_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaCatalogueDb) db = NULL;
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(GListModel) others = NULL;
  g_autoptr(TciaSeries) other = NULL;
  const char * const *collections = fake_nbia_get_collections (f->fake);
  guint n_before = 0, n_after = 0;

  sync_ok (f);
  assert_index_sound (f);
  rows = search (f, NULL, NULL, 0, &n_before);
  g_clear_object (&rows);
  tcia_query_set (query, &query->collection, collections[0]);
  rows = search (f, NULL, query, 0, NULL);
  tcia_query_set (query, &query->collection, collections[1]);
  others = search (f, NULL, query, 0, NULL);
  other = g_list_model_get_item (others, g_list_model_get_n_items (others) - 1);

  db = tcia_catalogue_db_open (f->path, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tcia_catalogue_db_begin (db, &error));
  g_assert_true (tcia_catalogue_db_clear_collection (db, collections[0], &error));
  for (guint round = 0; round < 2; round++)
    {
      for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
        {
          g_autoptr(TciaSeries) series = g_list_model_get_item (rows, i);

          g_assert_true (tcia_catalogue_db_put_series (db, series, NULL, &error));
          if (round == 0 && i == 0)
            {
              gboolean replaced = FALSE;

              g_assert_true (tcia_catalogue_db_put_series (db, other, &replaced, &error));
              g_assert_true (replaced);
            }
        }
      /* A retried body: everything put so far goes again. */
      if (round == 0)
        g_assert_true (tcia_catalogue_db_clear_collection (db, collections[0], &error));
    }
  g_assert_true (tcia_catalogue_db_commit (db, &error));
  g_assert_no_error (error);
  g_clear_pointer (&db, tcia_catalogue_db_free);

  rows = search (f, NULL, NULL, 0, &n_after);
  g_assert_cmpuint (n_after, ==, n_before);
  assert_index_sound (f);
}

/* A capped count stops past its cap and says so; under it, it is the
 * count. Through the text index alone (words), joined with the series (a
 * word and a facet) and without words (a facet). */
static void
test_search_count_cap (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(TciaQuery) facet = tcia_query_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaCatalogueDb) db = NULL;
  FakeNbiaSeriesInfo info;
  g_autofree char *word = NULL;
  struct { const char *text; const TciaQuery *query; } cases[3];

  sync_ok (f);
  fake_nbia_get_series (f->fake, 7, &info);
  word = g_utf8_strdown (info.collection, 2);
  tcia_query_set (facet, &facet->modality, info.modality);
  cases[0].text = word;
  cases[0].query = NULL;
  cases[1].text = word;
  cases[1].query = facet;
  cases[2].text = NULL;
  cases[2].query = facet;

  db = tcia_catalogue_db_open (f->path, FALSE, NULL, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr(GListModel) all = NULL;
      g_autoptr(GListModel) capped = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      guint exact = 0, n = 0;
      gboolean more = TRUE;

      all = search (f, cases[k].text, cases[k].query, 1, &exact);
      g_assert_cmpuint (exact, >=, 3);

      for (guint cap = exact - 2; cap <= exact + 1; cap++)
        {
          g_autoptr(GPtrArray) rows =
            tcia_catalogue_db_find_series (db, cases[k].query, cases[k].text, 1, cap, &n, NULL,
                                           &error);

          g_assert_no_error (error);
          g_assert_cmpuint (rows->len, ==, 1);
          g_assert_cmpuint (n, ==, cap < exact ? cap + 1 : exact);
        }

      /* The search field's call: far below its cap, the exact count. */
      tcia_local_catalogue_search_capped_async (f->catalogue, cases[k].text, cases[k].query, 1,
                                                NULL, NULL, store_result_cb, &result);
      wait_for (&result);
      capped = tcia_local_catalogue_search_capped_finish (f->catalogue, result, &n, &more,
                                                          &error);
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, exact);
      g_assert_false (more);
      g_assert_cmpuint (g_list_model_get_n_items (capped), ==, 1);
    }
}

static GPtrArray *
collection_states (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaCatalogueDb) db = tcia_catalogue_db_open (f->path, FALSE, NULL, &error);
  GPtrArray *states;

  g_assert_no_error (error);
  states = tcia_catalogue_db_get_collection_states (db, &error);
  g_assert_no_error (error);
  return states;
}

static guint
n_listed (GPtrArray *states)
{
  guint n = 0;

  for (guint i = 0; i < states->len; i++)
    if (((TciaCatalogueCollectionState *) states->pdata[i])->listed_count >= 0)
      n++;
  return n;
}

typedef struct
{
  TciaCatalogueSync *sync;
  GCancellable      *cancellable;
  guint              after;
} CancelAt;

static void
cancel_at_cb (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  CancelAt *at = user_data;

  if (tcia_catalogue_sync_get_collections_done (at->sync) >= at->after)
    g_cancellable_cancel (at->cancellable);
}

/* A sync stopped half-way keeps the collections it finished, and the next
 * one asks only for the others. */
static void
test_resume (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(TciaCatalogueSync) sync = tcia_catalogue_sync_new (f->catalogue, f->client);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) states = NULL;
  g_autoptr(GListModel) rows = NULL;
  guint n_collections = g_strv_length ((char **) fake_nbia_get_collections (f->fake));
  CancelAt at = { sync, cancellable, 2 };
  guint listed, before;

  /* Slow enough that the cancel lands while collections remain. */
  fake_nbia_set_latency (f->fake, 1000);
  g_signal_connect (sync, "notify::collections-done", G_CALLBACK (cancel_at_cb), &at);
  g_assert_false (run_sync (sync, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_signal_handlers_disconnect_by_data (sync, &at);
  fake_nbia_set_latency (f->fake, 0);

  states = collection_states (f);
  listed = n_listed (states);
  g_assert_cmpuint (listed, >=, 2);
  g_assert_cmpuint (listed, <, n_collections);
  /* Rows of finished collections only: no half collection is kept. */
  rows = search (f, NULL, NULL, 0, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(TciaSeries) s = g_list_model_get_item (rows, i);
      gboolean found = FALSE;

      for (guint k = 0; k < states->len; k++)
        {
          TciaCatalogueCollectionState *state = states->pdata[k];

          if (g_strcmp0 (state->name, tcia_series_get_collection (s)) == 0)
            found = state->listed_count >= 0;
        }
      g_assert_true (found);
    }
  g_clear_object (&rows);

  before = fake_nbia_get_request_count (f->fake, "getSeries");
  g_assert_true (run_sync (sync, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries") - before, ==,
                    n_collections - listed);
  g_assert_cmpuint (tcia_catalogue_sync_get_collections_total (sync), ==, n_collections - listed);
  rows = search (f, NULL, NULL, 0, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, N_SERIES);
}

/* A failing server stops the sync with its error; what was done stays. */
static void
test_network_failure (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(TciaCatalogueSync) sync = tcia_catalogue_sync_new (f->catalogue, f->client);
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) rows = NULL;

  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_HTTP_500, 0, NULL);
  g_assert_false (run_sync (sync, NULL, &error));
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_SERVER);
  g_clear_error (&error);
  fake_nbia_clear_faults (f->fake);

  g_assert_true (run_sync (sync, NULL, &error));
  g_assert_no_error (error);
  rows = search (f, NULL, NULL, 0, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, N_SERIES);
}

static guint
count_collection (FakeNbia   *fake,
                  const char *collection)
{
  guint n = 0;

  for (guint i = 0; i < fake_nbia_get_n_series (fake); i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (fake, i, &info);
      if (g_strcmp0 (info.collection, collection) == 0)
        n++;
    }
  return n;
}

/* After the archive changed: a collection added, a series released again,
 * a series withdrawn (gone once its collection is listed again). */
static void
test_refresh (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(TciaCatalogueSync) sync = tcia_catalogue_sync_new (f->catalogue, f->client);
  g_autoptr(TciaQuery) query = tcia_query_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(GHashTable) expected = NULL;
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (g_date_time_new_now_utc (), 1);
  g_autofree char *tomorrow_iso = g_date_time_format (tomorrow, "%Y-%m-%d");
  const char * const *collections = fake_nbia_get_collections (f->fake);
  FakeNbiaSeriesInfo withdrawn, again;
  guint n_series_before, before;
  const char *added = collections[1];

  g_assert_true (fake_nbia_set_collection_hidden (f->fake, added, TRUE));
  g_assert_true (run_sync (sync, NULL, &error));
  g_assert_no_error (error);
  tcia_query_set (query, &query->collection, added);
  rows = search (f, NULL, query, 0, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 0);
  g_clear_object (&rows);
  n_series_before = N_SERIES - count_collection (f->fake, added);

  fake_nbia_get_series (f->fake, 0, &withdrawn);
  fake_nbia_get_series (f->fake, N_SERIES - 1, &again);
  g_assert_cmpstr (withdrawn.collection, !=, added);
  g_assert_cmpstr (again.collection, !=, added);
  g_assert_cmpstr (again.collection, !=, withdrawn.collection);
  g_assert_true (fake_nbia_withdraw_series (f->fake, withdrawn.series_uid));
  g_assert_true (fake_nbia_set_collection_hidden (f->fake, added, FALSE));
  g_assert_true (fake_nbia_release_series_again (f->fake, again.series_uid,
                                                 g_date_time_get_year (tomorrow),
                                                 g_date_time_get_month (tomorrow),
                                                 g_date_time_get_day_of_month (tomorrow)));

  /* The refresh lists the new collection, and takes the re-released series
   * from getUpdatedSeries: no other collection is asked for again. */
  before = fake_nbia_get_request_count (f->fake, "getSeries");
  g_assert_true (run_sync (sync, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries") - before, ==, 1);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getUpdatedSeries"), ==, 1);
  g_assert_cmpuint (tcia_catalogue_sync_get_series_added (sync), ==,
                    count_collection (f->fake, added));

  rows = search (f, NULL, query, 0, NULL);
  expected = server_uids (f, query);
  assert_same_uids (rows, expected);
  g_assert_cmpuint (g_list_model_get_n_items (rows), >, 0);
  g_clear_object (&rows);

  {
    const char *uids[] = { again.series_uid, NULL };
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(TciaSeries) s = NULL;

    tcia_catalogue_get_series_details_async (TCIA_CATALOGUE (f->catalogue), uids, NULL, NULL,
                                             store_result_cb, &result);
    wait_for (&result);
    rows = tcia_catalogue_get_series_details_finish (TCIA_CATALOGUE (f->catalogue), result,
                                                     &error);
    g_assert_no_error (error);
    s = g_list_model_get_item (rows, 0);
    g_assert_cmpstr (tcia_series_get_date_released (s), ==, tomorrow_iso);
    g_clear_object (&rows);
  }

  /* The withdrawn series' collection kept its patient count: it stays
   * until that collection is due to be listed again. */
  rows = search (f, withdrawn.series_uid, NULL, 0, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 1);
  g_clear_object (&rows);
  tcia_catalogue_sync_set_relist_age (sync, 0);
  g_assert_true (run_sync (sync, NULL, &error));
  g_assert_no_error (error);
  rows = search (f, withdrawn.series_uid, NULL, 0, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 0);
  g_clear_object (&rows);
  rows = search (f, NULL, NULL, 0, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, N_SERIES - 1);
  g_clear_object (&rows);

  /* A collection gone from the server leaves the catalogue. */
  g_assert_true (fake_nbia_set_collection_hidden (f->fake, added, TRUE));
  g_assert_true (run_sync (sync, NULL, &error));
  g_assert_no_error (error);
  rows = search (f, NULL, NULL, 0, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, n_series_before - 1);
  assert_index_sound (f);
}

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

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/local-catalogue/sync-mirrors-server", test_sync_mirrors_server);
  ADD ("/local-catalogue/browse-offline", test_browse_offline);
  ADD ("/local-catalogue/search", test_search);
  ADD ("/local-catalogue/search-count-cap", test_search_count_cap);
  ADD ("/local-catalogue/search-facets", test_search_facets);
  ADD ("/local-catalogue/index-after-restart", test_index_after_restart);
  ADD ("/local-catalogue/resume", test_resume);
  ADD ("/local-catalogue/network-failure", test_network_failure);
  ADD ("/local-catalogue/refresh", test_refresh);
  ADD ("/local-catalogue/damaged", test_damaged);
  ADD ("/local-catalogue/fill-cut-short", test_fill_cut_short);
#undef ADD

  return g_test_run ();
}

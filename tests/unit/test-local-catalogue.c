/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "local-catalogue-test-util.h"

#include "tcia-catalogue-db.h"
#include "tcia-catalogue-words.h"
#include "tcia-records-private.h"

/* The local catalogue: a sync from the fake server, what it answers
 * without the server, a sync cut short and resumed, and a refresh after the
 * archive changed (search: test-local-catalogue-search.c; files it must not
 * trust: test-local-catalogue-damaged.c). */

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
  g_autofree guint *before = NULL;
  guint listed;

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
  g_assert_cmpuint (states->len, ==, n_collections);
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
  /* The words of what was kept, indexed when the fill stopped. */
  assert_index_sound (f);

  /* Counted per collection: a request the cancel abandoned is still
   * answered, and counted, when the fake's latency runs out. */
  before = g_new0 (guint, states->len);
  for (guint k = 0; k < states->len; k++)
    before[k] = fake_nbia_get_collection_request_count (
        f->fake, "getSeries", ((TciaCatalogueCollectionState *) states->pdata[k])->name);
  g_assert_true (run_sync (sync, NULL, &error));
  g_assert_no_error (error);
  for (guint k = 0; k < states->len; k++)
    {
      TciaCatalogueCollectionState *state = states->pdata[k];
      guint asked = fake_nbia_get_collection_request_count (f->fake, "getSeries",
                                                            state->name) - before[k];

      if (state->listed_count >= 0)
        g_assert_cmpuint (asked, ==, 0);
      else
        g_assert_cmpuint (asked, >=, 1);
    }
  g_assert_cmpuint (tcia_catalogue_sync_get_collections_total (sync), ==, n_collections - listed);
  rows = search (f, NULL, NULL, 0, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, N_SERIES);
  /* The resumed fill indexed the rows stored before it again, once. */
  assert_index_sound (f);
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
  assert_index_sound (f);
}

/* TCIA's server is shared and slow: a sync never asks it more than two
 * things at a time, and asks for the collections' counts and their
 * descriptions at once (each takes a second or more there, and nothing is
 * listed before both are in). A slow fake makes requests sent together
 * overlap on its side. */
static void
test_two_at_a_time (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(TciaCatalogueSync) sync = tcia_catalogue_sync_new (f->catalogue, f->client);
  g_autoptr(GError) error = NULL;
  guint before;

  fake_nbia_set_latency (f->fake, 100);
  g_assert_true (run_sync (sync, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), >, 2);
  g_assert_cmpuint (fake_nbia_take_peak_requests (f->fake), ==, 2);

  /* Nothing to list again: the counts and descriptions, together, then
   * what was released since the last sync. */
  before = fake_nbia_get_request_count (f->fake, "getSeries");
  g_assert_true (run_sync (sync, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, before);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getCollectionDescriptions"), ==, 2);
  g_assert_cmpuint (fake_nbia_take_peak_requests (f->fake), ==, 2);
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

/* A fill that resumes over stored rows, deletes some (a collection
 * listed again), replaces others (a series put again) and has a
 * transaction rolled back: its text index, made apart and published at
 * its end, is the rows' words, no more and no less. */
static void
test_fill_words (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(TciaCatalogueSync) sync = tcia_catalogue_sync_new (f->catalogue, f->client);
  g_autoptr(TciaCatalogueDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(GListModel) after = NULL;
  g_autoptr(TciaSeries) first = NULL;
  g_autoptr(TciaSeries) last = NULL;
  const char *cleared;
  guint n_cleared;

  g_assert_true (run_sync (sync, NULL, &error));
  g_assert_no_error (error);
  rows = search (f, NULL, NULL, 0, NULL);
  first = g_list_model_get_item (rows, 0);
  last = g_list_model_get_item (rows, g_list_model_get_n_items (rows) - 1);
  cleared = tcia_series_get_collection (last);
  n_cleared = count_collection (f->fake, cleared);
  g_assert_cmpstr (tcia_series_get_collection (first), !=, cleared);

  db = tcia_catalogue_db_open (f->path, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tcia_catalogue_db_begin_fill (db, &error));
  g_assert_no_error (error);

  g_assert_true (tcia_catalogue_db_begin (db, &error));
  g_assert_true (tcia_catalogue_db_put_series (db, first, NULL, &error));
  g_assert_true (tcia_catalogue_db_clear_collection (db, cleared, &error));
  g_assert_true (tcia_catalogue_db_commit (db, &error));
  g_assert_true (tcia_catalogue_db_begin (db, &error));
  g_assert_true (tcia_catalogue_db_put_series (db, last, NULL, &error));
  tcia_catalogue_db_rollback (db);
  g_assert_true (tcia_catalogue_db_end_fill (db, &error));
  g_assert_no_error (error);
  g_assert_false (tcia_catalogue_db_is_filling (db));
  g_clear_pointer (&db, tcia_catalogue_db_free);

  after = search (f, NULL, NULL, 0, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (after), ==, N_SERIES - n_cleared);
  assert_index_sound (f);
}

/* Studies without series and patients without studies, in the file at @path. */
static gint64
count_orphans (const char *path)
{
  sqlite3 *db = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  n = count_rows (db, "SELECT (SELECT count(*) FROM studies WHERE NOT EXISTS"
                      " (SELECT 1 FROM series WHERE study = studies.id)) +"
                      " (SELECT count(*) FROM patients WHERE NOT EXISTS"
                      " (SELECT 1 FROM studies WHERE patient = patients.id))");
  sqlite3_close (db);

  return n;
}

/* A first fill from nothing that removes nothing is not pruned at its end
 * (the prune scans every study and patient): it leaves none without
 * series. One that replaced a row, or that took up rows already stored,
 * is pruned. */
static void
test_fill_clean (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *other = g_build_filename (f->dir, "cache", "other.db", NULL);
  g_autoptr(TciaCatalogueDb) db = NULL;
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(GError) error = NULL;
  gboolean replaced = FALSE;

  sync_ok (f);
  g_assert_cmpint (count_orphans (f->path), ==, 0);
  rows = search (f, NULL, NULL, 0, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (rows), >, 10);

  db = tcia_catalogue_db_open (other, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tcia_catalogue_db_begin_fill (db, &error));
  g_assert_true (tcia_catalogue_db_fill_was_clean (db));
  g_assert_true (tcia_catalogue_db_begin (db, &error));
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (rows, i);

      g_assert_true (tcia_catalogue_db_put_series (db, series, NULL, &error));
    }
  g_assert_true (tcia_catalogue_db_commit (db, &error));
  g_assert_true (tcia_catalogue_db_fill_was_clean (db));

  /* A series listed again replaces its row. */
  {
    g_autoptr(TciaSeries) series = g_list_model_get_item (rows, 0);

    g_assert_true (tcia_catalogue_db_begin (db, &error));
    g_assert_true (tcia_catalogue_db_put_series (db, series, &replaced, &error));
    g_assert_true (tcia_catalogue_db_commit (db, &error));
    g_assert_no_error (error);
    g_assert_true (replaced);
    g_assert_false (tcia_catalogue_db_fill_was_clean (db));
  }
  g_assert_true (tcia_catalogue_db_end_fill (db, &error));
  g_assert_no_error (error);

  /* A fill that takes up stored rows. */
  g_assert_true (tcia_catalogue_db_begin_fill (db, &error));
  g_assert_false (tcia_catalogue_db_fill_was_clean (db));
  g_assert_true (tcia_catalogue_db_end_fill (db, &error));
  g_assert_no_error (error);
}

/* A study listed in two collections (the same StudyInstanceUID under
 * another collection's patient) is stored once, under the first patient;
 * the second patient then has a series but no study. Pruning keeps it,
 * or that series would point to no patient. A patient left with neither
 * goes. */
static void
test_prune_keeps_patients (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "cache", "shared.db", NULL);
  g_autoptr(TciaRecordBuilder) builder = tcia_record_builder_new (TCIA_TYPE_SERIES, 4096);
  g_autoptr(TciaCatalogueDb) db = NULL;
  g_autoptr(GError) error = NULL;
  const char *keys[] = { "series-uid", "study-uid", "patient-id", "collection" };
  const char *first[] = { "1.2.3.1", "1.2.3", "A-001", "Collection-A" };
  const char *second[] = { "1.2.3.2", "1.2.3", "B-001", "Collection-B" };
  /* A series listed again under another patient: the first one's
   * patient and study are left with nothing, and pruned. */
  const char *moved[] = { "1.2.4.1", "1.2.4", "B-002", "Collection-B" };
  const char *again[] = { "1.2.4.1", "1.2.5", "B-003", "Collection-B" };
  gboolean replaced = FALSE;
  sqlite3 *sqlite = NULL;

  db = tcia_catalogue_db_open (path, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tcia_catalogue_db_begin (db, &error));
  g_assert_true (tcia_catalogue_db_put_series (db, TCIA_SERIES (
    tcia_record_builder_add_fields (builder, keys, first, G_N_ELEMENTS (keys))), NULL, &error));
  g_assert_true (tcia_catalogue_db_put_series (db, TCIA_SERIES (
    tcia_record_builder_add_fields (builder, keys, second, G_N_ELEMENTS (keys))), NULL, &error));
  g_assert_true (tcia_catalogue_db_put_series (db, TCIA_SERIES (
    tcia_record_builder_add_fields (builder, keys, moved, G_N_ELEMENTS (keys))), NULL, &error));
  g_assert_true (tcia_catalogue_db_put_series (db, TCIA_SERIES (
    tcia_record_builder_add_fields (builder, keys, again, G_N_ELEMENTS (keys))), &replaced, &error));
  g_assert_true (replaced);
  g_assert_true (tcia_catalogue_db_prune (db, &error));
  g_assert_true (tcia_catalogue_db_commit (db, &error));
  g_assert_no_error (error);
  g_clear_pointer (&db, tcia_catalogue_db_free);

  g_assert_cmpint (sqlite3_open (path, &sqlite), ==, SQLITE_OK);
  g_assert_cmpint (count_rows (sqlite, "SELECT count(*) FROM series s"
                                       " JOIN patients p ON p.id = s.patient"
                                       " JOIN studies st ON st.id = s.study"), ==, 3);
  g_assert_cmpint (count_rows (sqlite, "SELECT count(*) FROM studies"), ==, 2);
  g_assert_cmpint (count_rows (sqlite, "SELECT count(*) FROM patients"), ==, 3);
  g_assert_cmpint (count_rows (sqlite, "SELECT count(*) FROM patients"
                                       " WHERE patient_id = 'B-002'"), ==, 0);
  sqlite3_close (sqlite);
}

/* Whether a search by text through @reader finds the first row it lists
 * (a row committed). */
static gboolean
finds_first_row (TciaLocalCatalogue *reader)
{
  g_autoptr(GListModel) rows = search_in (reader, NULL, NULL, 1, NULL);
  g_autoptr(TciaSeries) first = NULL;

  if (g_list_model_get_n_items (rows) == 0)
    return FALSE;
  first = g_list_model_get_item (rows, 0);
  return text_search_finds (reader, first, NULL);
}

/* A first sync from a slow server publishes its words as it goes: a
 * search by text through another catalogue on the file, open before the
 * sync began, finds a collection already committed while collections
 * remain to list, and every row once the sync is done. */
static void
test_fill_publishes (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(TciaCatalogueSync) sync = tcia_catalogue_sync_new (f->catalogue, f->client);
  g_autoptr(TciaLocalCatalogue) reader = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE, during = FALSE;

  reader = tcia_local_catalogue_new (f->path, &error);
  g_assert_no_error (error);
  tcia_catalogue_words_set_publish_interval (0);
  fake_nbia_set_latency (f->fake, 1500);

  tcia_catalogue_sync_run_async (sync, NULL, store_result_cb, &result);
  while (result == NULL && !found)
    {
      spin (50);
      if (tcia_catalogue_sync_get_collections_done (sync) == 0)
        continue;
      found = finds_first_row (reader);
      /* The fill publishes at its end, after its last collection. */
      during = tcia_catalogue_sync_get_collections_done (sync) <
               tcia_catalogue_sync_get_collections_total (sync);
    }
  g_assert_true (found);
  g_assert_true (during);

  wait_for (&result);
  tcia_catalogue_words_set_publish_interval (TCIA_CATALOGUE_WORDS_PUBLISH_INTERVAL_MS);
  fake_nbia_set_latency (f->fake, 0);
  g_assert_true (tcia_catalogue_sync_run_finish (sync, result, &error));
  g_assert_no_error (error);
  assert_index_sound (f);
  release_catalogue (&reader);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  LOCAL_CATALOGUE_TEST_ADD ("/local-catalogue/sync-mirrors-server", test_sync_mirrors_server);
  LOCAL_CATALOGUE_TEST_ADD ("/local-catalogue/browse-offline", test_browse_offline);
  LOCAL_CATALOGUE_TEST_ADD ("/local-catalogue/resume", test_resume);
  LOCAL_CATALOGUE_TEST_ADD ("/local-catalogue/network-failure", test_network_failure);
  LOCAL_CATALOGUE_TEST_ADD ("/local-catalogue/refresh", test_refresh);
  LOCAL_CATALOGUE_TEST_ADD ("/local-catalogue/two-at-a-time", test_two_at_a_time);
  LOCAL_CATALOGUE_TEST_ADD ("/local-catalogue/fill-words", test_fill_words);
  LOCAL_CATALOGUE_TEST_ADD ("/local-catalogue/fill-clean", test_fill_clean);
  LOCAL_CATALOGUE_TEST_ADD ("/local-catalogue/prune-keeps-patients", test_prune_keeps_patients);
  LOCAL_CATALOGUE_TEST_ADD ("/local-catalogue/fill-publishes", test_fill_publishes);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "local-catalogue-test-util.h"

#include "tcia-catalogue-db.h"

/* Searches of the local catalogue: words, UIDs and facets, capped counts,
 * and a text index that stays sound when a listing starts again. */

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  LOCAL_CATALOGUE_TEST_ADD ("/local-catalogue/search", test_search);
  LOCAL_CATALOGUE_TEST_ADD ("/local-catalogue/search-count-cap", test_search_count_cap);
  LOCAL_CATALOGUE_TEST_ADD ("/local-catalogue/search-facets", test_search_facets);
  LOCAL_CATALOGUE_TEST_ADD ("/local-catalogue/index-after-restart", test_index_after_restart);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "unit-test-util.h"
#include "fake-nbia.h"
#include "tcia-core.h"

/* What Browse asks, asked of the NBIA client through the catalogue
 * interface: the answers are NBIA's, in the normalised records. */

static FakeNbia *fake;
static char *url_v4;

static void
ready_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static void
test_nbia_catalogue (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaClient) client = tcia_client_new (url_v4, &error);
  g_autoptr(TciaQuery) query = tcia_query_new ();
  g_autoptr(GListStore) into = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  TciaCatalogue *catalogue;
  FakeNbiaSeriesInfo info;
  const char *uids[2] = { NULL, NULL };
  guint n_in_collection = 0;

  g_assert_no_error (error);
  g_assert_true (TCIA_IS_CATALOGUE (client));
  catalogue = TCIA_CATALOGUE (client);

  /* Collections, with their patient counts. */
  tcia_catalogue_list_collections_async (catalogue, NULL, NULL, ready_cb, &result);
  model = tcia_catalogue_list_collections_finish (catalogue, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==,
                    g_strv_length ((char **) fake_nbia_get_collections (fake)));
  {
    g_autoptr(TciaCollection) first = g_list_model_get_item (model, 0);

    g_assert_cmpint (tcia_collection_get_patient_count (first), >, 0);
  }
  g_clear_object (&model);
  g_clear_object (&result);

  /* Series under a query, streamed into the caller's store. */
  fake_nbia_get_series (fake, 0, &info);
  tcia_query_set (query, &query->collection, info.collection);
  tcia_catalogue_list_series_async (catalogue, query, into, NULL, ready_cb, &result);
  model = tcia_catalogue_list_series_finish (catalogue, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_true (model == G_LIST_MODEL (into));
  for (guint i = 0; i < fake_nbia_get_n_series (fake); i++)
    {
      FakeNbiaSeriesInfo other;

      fake_nbia_get_series (fake, i, &other);
      if (g_strcmp0 (other.collection, info.collection) == 0)
        n_in_collection++;
    }
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_in_collection);
  g_clear_object (&model);
  g_clear_object (&result);

  /* Facet values under the same query. */
  tcia_catalogue_list_values_async (catalogue, TCIA_VALUE_MODALITY, query, NULL, NULL,
                                    ready_cb, &result);
  model = tcia_catalogue_list_values_finish (catalogue, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 0);
  g_clear_object (&model);
  g_clear_object (&result);

  /* One series' details. */
  uids[0] = info.series_uid;
  tcia_catalogue_get_series_details_async (catalogue, uids, NULL, NULL, ready_cb, &result);
  model = tcia_catalogue_get_series_details_finish (catalogue, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  {
    g_autoptr(TciaSeries) series = g_list_model_get_item (model, 0);

    g_assert_cmpstr (tcia_series_get_series_uid (series), ==, info.series_uid);
    g_assert_cmpuint (tcia_series_get_image_count (series), ==, info.image_count);
  }
  g_clear_object (&model);
  g_clear_object (&result);

  /* A collection's description. */
  tcia_catalogue_describe_collections_async (catalogue, info.collection, NULL, NULL, ready_cb,
                                             &result);
  model = tcia_catalogue_describe_collections_finish (catalogue, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
}

int
main (int   argc,
      char *argv[])
{

  g_test_init (&argc, &argv, NULL);
  fake = download_test_start_server (&url_v4);

  g_test_add_func ("/core/catalogue/nbia", test_nbia_catalogue);

  return download_test_run (fake, url_v4);
}

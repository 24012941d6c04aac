/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "unit-test-util.h"
#include "catalogue-server-test-util.h"

#include "tcia-core.h"
#include "tcia-import.h"
#include "tcia-session.h"

/* What Browse asks (TciaCatalogueRouter): the server while the local
 * catalogue is empty or lacks the collection, the catalogue where it has
 * it, with the server stopped too. */

typedef struct
{
  FakeNbia            *fake;
  char                *dir;
  TciaClient          *client;
  TciaLocalCatalogue  *local;
  TciaCatalogueRouter *router;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  catalogue_server_start (300, "tcia-router-XXXXXX", &f->fake, &f->client, &f->dir, &f->local);
  f->router = tcia_catalogue_router_new (f->local, TCIA_CATALOGUE (f->client));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->router);
  catalogue_server_stop (&f->fake, &f->client, &f->dir, &f->local);
}

static void
sync_local (Fixture *f)
{
  sync_catalogue_from (f->local, f->client);
}

static GListModel *
list_series (Fixture     *f,
             const char  *collection,
             GError     **error)
{
  g_autoptr(TciaQuery) query = tcia_query_new ();
  g_autoptr(GAsyncResult) result = NULL;

  tcia_query_set (query, &query->collection, collection);
  tcia_catalogue_list_series_async (TCIA_CATALOGUE (f->router), query, NULL, NULL,
                                    store_result_cb, &result);
  wait_for (&result);

  return tcia_catalogue_list_series_finish (TCIA_CATALOGUE (f->router), result, error);
}

static GListModel *
list_collections (Fixture  *f,
                  GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tcia_catalogue_list_collections_async (TCIA_CATALOGUE (f->router), NULL, NULL,
                                         store_result_cb, &result);
  wait_for (&result);

  return tcia_catalogue_list_collections_finish (TCIA_CATALOGUE (f->router), result, error);
}

static guint
count_fake (Fixture    *f,
            const char *collection)
{
  guint n = 0;

  for (guint i = 0; i < fake_nbia_get_n_series (f->fake); i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (f->fake, i, &info);
      n += g_strcmp0 (info.collection, collection) == 0;
    }

  return n;
}

static void
test_empty_asks_server (Fixture       *f,
                        gconstpointer  data)
{
  const char *collection = fake_nbia_get_collections (f->fake)[0];
  g_autoptr(GListModel) collections = NULL;
  g_autoptr(GListModel) series = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (tcia_catalogue_router_is_local (f->router, collection));
  collections = list_collections (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (collections), ==,
                    g_strv_length ((char **) fake_nbia_get_collections (f->fake)));
  series = list_series (f, collection, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (series), ==, count_fake (f, collection));
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 1);
}

static void
test_synced_answers_offline (Fixture       *f,
                             gconstpointer  data)
{
  const char *collection = fake_nbia_get_collections (f->fake)[1];
  g_autofree char *name = g_strdup (collection);
  g_autoptr(GListModel) collections = NULL;
  g_autoptr(GListModel) series = NULL;
  g_autoptr(GListModel) values = NULL;
  g_autoptr(GListModel) details = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaQuery) query = tcia_query_new ();
  g_autoptr(TciaSeries) first = NULL;
  const char *uids[3] = { NULL, "1.2.3.4.5.not.there", NULL };
  guint n = count_fake (f, collection);

  sync_local (f);
  g_assert_true (tcia_catalogue_router_is_local (f->router, name));
  /* The network off. */
  g_clear_pointer (&f->fake, fake_nbia_free);

  collections = list_collections (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (collections), >, 1);
  series = list_series (f, name, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (series), ==, n);

  tcia_query_set (query, &query->collection, name);
  tcia_catalogue_list_values_async (TCIA_CATALOGUE (f->router), TCIA_VALUE_MODALITY, query, NULL,
                                    NULL, store_result_cb, &result);
  wait_for (&result);
  values = tcia_catalogue_list_values_finish (TCIA_CATALOGUE (f->router), result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (values), >, 0);

  /* Details: the one the catalogue has; the other one it cannot have, and
   * the server cannot say: the local answer, not an error. */
  first = g_list_model_get_item (series, 0);
  uids[0] = tcia_series_get_series_uid (first);
  tcia_catalogue_get_series_details_async (TCIA_CATALOGUE (f->router), uids, NULL, NULL,
                                           store_result_cb, &result2);
  wait_for (&result2);
  details = tcia_catalogue_get_series_details_finish (TCIA_CATALOGUE (f->router), result2,
                                                      &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (details), ==, 1);
}

static void
test_unlisted_collection_asks_server (Fixture       *f,
                                      gconstpointer  data)
{
  const char *hidden = fake_nbia_get_collections (f->fake)[2];
  const char *other = fake_nbia_get_collections (f->fake)[0];
  g_autoptr(GListModel) series = NULL;
  g_autoptr(GError) error = NULL;
  guint before;

  /* A collection the catalogue has not listed (it came after the sync). */
  g_assert_true (fake_nbia_set_collection_hidden (f->fake, hidden, TRUE));
  sync_local (f);
  g_assert_true (fake_nbia_set_collection_hidden (f->fake, hidden, FALSE));
  g_assert_false (tcia_catalogue_router_is_local (f->router, hidden));
  g_assert_true (tcia_catalogue_router_is_local (f->router, other));
  g_assert_true (tcia_catalogue_router_is_local (f->router, NULL));

  before = fake_nbia_get_request_count (f->fake, "getSeries");
  series = list_series (f, hidden, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (series), ==, count_fake (f, hidden));
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, before + 1);

  g_clear_object (&series);
  series = list_series (f, other, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (series), ==, count_fake (f, other));
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, before + 1);
}

static void
test_session_gives_router (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(TciaSession) session = tcia_session_new (f->client, NULL);
  g_autoptr(TciaCatalogue) plain = tcia_session_dup_browse_catalogue (session);
  g_autoptr(TciaCatalogue) routed = NULL;

  g_assert_true (plain == TCIA_CATALOGUE (f->client));
  g_assert_null (tcia_session_get_catalogue_sync (session));
  tcia_session_set_catalogue (session, f->local);
  g_assert_true (tcia_session_get_catalogue (session) == f->local);
  g_assert_nonnull (tcia_session_get_catalogue_sync (session));
  routed = tcia_session_dup_browse_catalogue (session);
  g_assert_true (TCIA_IS_CATALOGUE_ROUTER (routed));
  g_assert_true (tcia_catalogue_router_get_local (TCIA_CATALOGUE_ROUTER (routed)) == f->local);
  tcia_session_set_catalogue (session, NULL);
  g_assert_null (tcia_session_get_catalogue_sync (session));
}

/* A manifest's UIDs through the (strict) router: what the local catalogue
 * holds is found with the server gone; a shared cart is the server's, and without
 * one the import says it cannot be opened. */
static void
test_import_through_router (Fixture       *f,
                            gconstpointer  data)
{
  const char *cart = "nbia-49121659384603347";
  g_autoptr(GArray) cart_indexes = fake_nbia_get_cart (f->fake, cart);
  g_autoptr(TciaCatalogueRouter) local_only = tcia_catalogue_router_new (f->local, NULL);
  g_autoptr(TciaImportResult) from_cart = NULL;
  g_autoptr(TciaImportResult) offline = NULL;
  g_autoptr(TciaImportResult) no_cart = NULL;
  g_autoptr(GError) error = NULL;
  FakeNbiaSeriesInfo info;
  g_autofree char *known = NULL;
  const char *uids[3] = { NULL, "1.2.3.4.5.not.there", NULL };

  sync_local (f);
  from_cart = catalogue_server_import (NULL, f->router, NULL, cart, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (tcia_import_result_get_series (from_cart)), ==,
                    cart_indexes->len);

  fake_nbia_get_series (f->fake, 7, &info);
  /* The fake's strings go with it. */
  uids[0] = known = g_strdup (info.series_uid);
  g_clear_pointer (&f->fake, fake_nbia_free);
  /* Imports ask strictly: the UID the server could not be asked about is
   * not looked up, not "unknown" (which only the server can say). */
  tcia_catalogue_router_set_strict (f->router, TRUE);
  offline = catalogue_server_import (NULL, f->router, uids, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (tcia_import_result_get_series (offline)), ==, 1);
  g_assert_cmpuint (tcia_import_result_get_n_unknown (offline), ==, 0);
  g_assert_cmpuint (tcia_import_result_get_n_not_looked_up (offline), ==, 1);
  g_assert_cmpstr (tcia_import_result_get_not_looked_up_uids (offline)[0], ==, uids[1]);

  no_cart = catalogue_server_import (NULL, local_only, NULL, cart, 0, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_null (no_cart);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/catalogue-router/empty-asks-server", Fixture, NULL,
              fixture_set_up, test_empty_asks_server, fixture_tear_down);
  g_test_add ("/core/catalogue-router/synced-answers-offline", Fixture, NULL,
              fixture_set_up, test_synced_answers_offline, fixture_tear_down);
  g_test_add ("/core/catalogue-router/unlisted-collection-asks-server", Fixture, NULL,
              fixture_set_up, test_unlisted_collection_asks_server, fixture_tear_down);
  g_test_add ("/core/catalogue-router/import-through-router", Fixture, NULL,
              fixture_set_up, test_import_through_router, fixture_tear_down);
  g_test_add ("/core/catalogue-router/session-gives-router", Fixture, NULL,
              fixture_set_up, test_session_gives_router, fixture_tear_down);

  return g_test_run ();
}

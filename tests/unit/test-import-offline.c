/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "catalogue-server-test-util.h"

#include "tcia-import.h"
#include "tcia-session.h"

/* Imports through the session's import catalogue (a strict router): what
 * the synced catalogue has is found without a request, what it lacks is
 * asked of the server, and what nobody could look up (the server failing,
 * gone, or not asked) is said to be so, apart from what the archive does
 * not know. */

#define N_SERIES 300
#define BOGUS_UID "1.2.3.4.5.404"

typedef struct
{
  FakeNbia           *fake;
  char               *dir;
  TciaClient         *client;
  TciaLocalCatalogue *local;
  TciaSession        *session;
  TciaBasket         *basket;
  GPtrArray          *synced;   /* char *: UIDs of collections the catalogue holds */
  GPtrArray          *hidden;   /* char *: UIDs of a collection it has not listed */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  catalogue_server_start (N_SERIES, "tcia-import-offline-XXXXXX", &f->fake, &f->client, &f->dir,
                          &f->local);
  f->basket = tcia_basket_new (NULL);
  f->session = tcia_session_new (f->client, f->basket);
  tcia_session_set_catalogue (f->session, f->local);
  f->synced = g_ptr_array_new_with_free_func (g_free);
  f->hidden = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->session);
  g_clear_object (&f->basket);
  g_ptr_array_unref (f->synced);
  g_ptr_array_unref (f->hidden);
  catalogue_server_stop (&f->fake, &f->client, &f->dir, &f->local);
}

/* Syncs the catalogue without one collection (when @hide), which comes
 * back on the server after: a collection added since the sync. Fills
 * f->synced and f->hidden with copies (the fake's strings go with it). */
static void
sync_without_one (Fixture  *f,
                  gboolean  hide)
{
  const char *hidden = fake_nbia_get_collections (f->fake)[2];

  if (hide)
    g_assert_true (fake_nbia_set_collection_hidden (f->fake, hidden, TRUE));
  sync_catalogue_from (f->local, f->client);
  if (hide)
    g_assert_true (fake_nbia_set_collection_hidden (f->fake, hidden, FALSE));

  for (guint i = 0; i < fake_nbia_get_n_series (f->fake); i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (f->fake, i, &info);
      g_ptr_array_add (hide && g_str_equal (info.collection, hidden) ? f->hidden : f->synced,
                       g_strdup (info.series_uid));
    }
  g_assert_cmpuint (f->synced->len, >=, 4);
  g_assert_true (!hide || f->hidden->len >= 2);
}

/* Through the session's import catalogue, as the window and the command line. */
static TciaImportResult *
import_through (Fixture             *f,
                gboolean             offline,
                const char * const  *uids,
                const char          *cart,
                guint                chunk_size,
                GError             **error)
{
  g_autoptr(TciaCatalogue) catalogue = tcia_session_dup_import_catalogue (f->session, offline);

  g_assert_true (TCIA_IS_CATALOGUE_ROUTER (catalogue));

  return catalogue_server_import (f->basket, catalogue, uids, cart, chunk_size, error);
}

static void
assert_in_basket (Fixture    *f,
                  const char *uid,
                  gboolean    in)
{
  g_assert_cmpint (tcia_basket_contains (f->basket, uid), ==, in);
}

/* After a sync, a manifest of synced series is looked up without a single
 * request, with the server up and with it gone. */
static void
test_synced_no_requests (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(TciaImportResult) online = NULL;
  g_autoptr(TciaImportResult) offline = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  g_autoptr(GPtrArray) later = g_ptr_array_new ();
  guint before;

  sync_without_one (f, FALSE);
  for (guint i = 0; i < f->synced->len; i += 7)
    g_ptr_array_add (i % 2 == 0 ? uids : later, f->synced->pdata[i]);
  g_ptr_array_add (uids, NULL);
  g_ptr_array_add (later, NULL);

  before = fake_nbia_get_request_count (f->fake, NULL);
  online = import_through (f, FALSE, (const char * const *) uids->pdata, NULL, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, NULL), ==, before);
  g_assert_cmpuint (tcia_import_result_get_n_added (online), ==, uids->len - 1);
  g_assert_cmpuint (tcia_import_result_get_n_unknown (online), ==, 0);
  g_assert_cmpuint (tcia_import_result_get_n_not_looked_up (online), ==, 0);
  g_assert_null (tcia_import_result_get_lookup_error (online));

  /* The network off. */
  g_clear_pointer (&f->fake, fake_nbia_free);
  offline = import_through (f, FALSE, (const char * const *) later->pdata, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_result_get_n_added (offline), ==, later->len - 1);
  g_assert_cmpuint (tcia_import_result_get_n_not_looked_up (offline), ==, 0);
  g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, uids->len + later->len - 2);
}

/* Synced and unsynced series with the server up: the server is asked once
 * for the chunk, finds the new collection's series, and says which UID it
 * does not know: "unknown", not "not looked up". */
static void
test_mixed_server_up (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(TciaImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *uids[6] = { NULL };
  GListModel *series;
  guint before;

  sync_without_one (f, TRUE);
  uids[0] = f->synced->pdata[0];
  uids[1] = f->hidden->pdata[0];
  uids[2] = BOGUS_UID;
  uids[3] = f->synced->pdata[1];
  uids[4] = f->hidden->pdata[1];

  before = fake_nbia_get_request_count (f->fake, "getSeriesMetadata");
  result = import_through (f, FALSE, uids, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeriesMetadata"), ==, before + 1);
  g_assert_cmpuint (tcia_import_result_get_n_added (result), ==, 4);
  g_assert_cmpuint (tcia_import_result_get_n_not_looked_up (result), ==, 0);
  g_assert_cmpuint (tcia_import_result_get_n_unknown (result), ==, 1);
  g_assert_cmpstr (tcia_import_result_get_unknown_uids (result)[0], ==, BOGUS_UID);
  series = tcia_import_result_get_series (result);
  for (guint i = 0, k = 0; i < 5; i++)
    {
      g_autoptr(TciaSeries) s = NULL;

      if (i == 2)
        continue;
      /* In the order asked. */
      s = g_list_model_get_item (series, k++);
      g_assert_cmpstr (tcia_series_get_series_uid (s), ==, uids[i]);
    }
}

/* The server failing (@data: 5xx on every request; else gone altogether)
 * while a manifest names series the catalogue lacks: those are not looked
 * up, the UID the archive does not know included (nobody could say), and
 * the synced ones are added. Chunks of two: a chunk that failed does not
 * stop the next ones. */
static void
test_server_down (Fixture       *f,
                  gconstpointer  data)
{
  gboolean fault = GPOINTER_TO_INT (data);
  g_autoptr(TciaImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *h0 = NULL;
  const char *uids[6] = { NULL };
  const char * const *not_looked_up;

  sync_without_one (f, TRUE);
  uids[0] = h0 = g_strdup (f->hidden->pdata[0]);
  uids[1] = f->synced->pdata[0];
  uids[2] = f->synced->pdata[1];
  uids[3] = BOGUS_UID;
  uids[4] = f->synced->pdata[2];
  if (fault)
    fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_HTTP_503, 0, NULL);
  else
    g_clear_pointer (&f->fake, fake_nbia_free);

  result = import_through (f, FALSE, uids, NULL, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_result_get_n_added (result), ==, 3);
  g_assert_cmpuint (tcia_import_result_get_n_unknown (result), ==, 0);
  g_assert_cmpuint (tcia_import_result_get_n_not_looked_up (result), ==, 2);
  not_looked_up = tcia_import_result_get_not_looked_up_uids (result);
  g_assert_cmpstr (not_looked_up[0], ==, h0);
  g_assert_cmpstr (not_looked_up[1], ==, BOGUS_UID);
  g_assert_null (not_looked_up[2]);
  g_assert_nonnull (strstr (tcia_import_result_get_lookup_error (result),
                            "the server could not be asked"));
  assert_in_basket (f, uids[1], TRUE);
  assert_in_basket (f, uids[4], TRUE);
  assert_in_basket (f, h0, FALSE);
  if (fault)
    g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeriesMetadata"), >, 0);
}

/* Offline (the command line's --offline): the server is never asked, and
 * says so. */
static void
test_offline_never_asks (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(TciaImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *uids[3] = { NULL };
  guint before;

  sync_without_one (f, TRUE);
  uids[0] = f->synced->pdata[3];
  uids[1] = f->hidden->pdata[0];
  before = fake_nbia_get_request_count (f->fake, NULL);
  result = import_through (f, TRUE, uids, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, NULL), ==, before);
  g_assert_cmpuint (tcia_import_result_get_n_added (result), ==, 1);
  g_assert_cmpuint (tcia_import_result_get_n_unknown (result), ==, 0);
  g_assert_cmpuint (tcia_import_result_get_n_not_looked_up (result), ==, 1);
  g_assert_cmpstr (tcia_import_result_get_not_looked_up_uids (result)[0], ==, uids[1]);
  g_assert_nonnull (strstr (tcia_import_result_get_lookup_error (result), "offline"));
}

/* Only the server keeps shared carts: with it gone, or not to be asked, a
 * cart is an error that says so, and the basket is untouched. */
static void
test_shared_cart_offline (Fixture       *f,
                          gconstpointer  data)
{
  const char *cart = "nbia-49121659384603347";
  g_autoptr(TciaImportResult) not_asked = NULL;
  g_autoptr(TciaImportResult) gone = NULL;
  g_autoptr(GError) error = NULL;

  sync_without_one (f, FALSE);
  not_asked = import_through (f, TRUE, NULL, cart, 0, &error);
  g_assert_null (not_asked);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, cart));
  g_clear_error (&error);

  g_clear_pointer (&f->fake, fake_nbia_free);
  gone = import_through (f, FALSE, NULL, cart, 0, &error);
  g_assert_null (gone);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, cart));
  g_assert_nonnull (strstr (error->message, "only the server has it"));
  g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, 0);
}

/* Without a local catalogue the import asks the client, as before; offline
 * there is nothing to ask. */
static void
test_without_catalogue (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(TciaCatalogue) online = NULL;
  g_autoptr(TciaCatalogue) offline = NULL;

  tcia_session_set_catalogue (f->session, NULL);
  online = tcia_session_dup_import_catalogue (f->session, FALSE);
  offline = tcia_session_dup_import_catalogue (f->session, TRUE);
  g_assert_true (online == TCIA_CATALOGUE (f->client));
  g_assert_null (offline);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/import-offline/synced-no-requests", Fixture, NULL,
              fixture_set_up, test_synced_no_requests, fixture_tear_down);
  g_test_add ("/core/import-offline/mixed-server-up", Fixture, NULL,
              fixture_set_up, test_mixed_server_up, fixture_tear_down);
  g_test_add ("/core/import-offline/server-5xx", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_server_down, fixture_tear_down);
  g_test_add ("/core/import-offline/server-gone", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_server_down, fixture_tear_down);
  g_test_add ("/core/import-offline/offline-never-asks", Fixture, NULL,
              fixture_set_up, test_offline_never_asks, fixture_tear_down);
  g_test_add ("/core/import-offline/shared-cart-offline", Fixture, NULL,
              fixture_set_up, test_shared_cart_offline, fixture_tear_down);
  g_test_add ("/core/import-offline/without-catalogue", Fixture, NULL,
              fixture_set_up, test_without_catalogue, fixture_tear_down);

  return g_test_run ();
}

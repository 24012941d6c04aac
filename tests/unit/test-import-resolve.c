/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The resolver that turns the UIDs of an import file into series in a
 * basket, against the in-process fake NBIA. */

#include "config.h"

#include "fake-nbia.h"
#include "import-test-util.h"
#include "unit-test-util.h"

/* ---- Resolving against the fake server ----------------------------------------------------- */

typedef struct
{
  FakeNbia   *fake;
  TciaClient *client;
  TciaBasket *basket;
  guint       n_changes;
} Fixture;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  Fixture *f = user_data;

  f->n_changes++;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  FakeNbiaOptions options;

  fake_nbia_options_init (&options);
  f->fake = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (f->fake, 0, &error));
  g_assert_no_error (error);

  url = fake_nbia_get_url (f->fake, GPOINTER_TO_UINT (data) == 1 ? 1 : 4);
  f->client = tcia_client_new (url, &error);
  g_assert_no_error (error);
  tcia_client_set_retry_policy (f->client, 2, 1, 5);

  f->basket = tcia_basket_new (NULL);
  g_signal_connect (f->basket, "items-changed", G_CALLBACK (items_changed_cb), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->basket);
  g_clear_object (&f->client);
  g_clear_pointer (&f->fake, fake_nbia_free);
}

static const char *
fake_uid (Fixture *f,
          guint    index)
{
  FakeNbiaSeriesInfo info;

  fake_nbia_get_series (f->fake, index, &info);

  return info.series_uid;
}

typedef struct
{
  guint n_calls;
  guint last_done;
  guint total;
  guint n_main_loop_runs;   /* of an idle, between progress reports */
  gboolean cancel_after_first_chunk;
  GCancellable *cancellable;
} Progress;

static void
progress_cb (guint    n_done,
             guint    n_total,
             gpointer user_data)
{
  Progress *progress = user_data;

  if (progress->n_calls > 0)
    g_assert_cmpuint (n_done, >=, progress->last_done);
  g_assert_cmpuint (n_done, <=, n_total);
  progress->n_calls++;
  progress->last_done = n_done;
  progress->total = n_total;

  if (progress->cancel_after_first_chunk && n_done > 0)
    g_cancellable_cancel (progress->cancellable);
}

static gboolean
count_idle_cb (gpointer user_data)
{
  Progress *progress = user_data;

  progress->n_main_loop_runs++;

  return G_SOURCE_CONTINUE;
}

static TciaImportResult *
resolve (Fixture             *f,
         TciaBasket          *basket,
         const char * const  *uids,
         guint                chunk_size,
         Progress            *progress,
         GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tcia_import_resolve_async (basket, f->client, uids, chunk_size,
                             progress != NULL ? progress_cb : NULL, progress, NULL,
                             progress != NULL ? progress->cancellable : NULL,
                             store_result_cb, &result);
  wait_for (&result);

  return tcia_import_resolve_finish (result, error);
}

static void
test_resolve_known_and_unknown (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportResult) result = NULL;
  g_autoptr(TciaImportResult) first = NULL;
  const char *uids[12];
  const char * const *unknown;
  FakeNbiaSeriesInfo info;
  Progress progress = { 0 };
  TciaSeries *series;

  /* One already in the basket, from a first import. */
  uids[0] = fake_uid (f, 3);
  uids[1] = NULL;
  first = resolve (f, f->basket, uids, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_result_get_n_added (first), ==, 1);
  g_assert_cmpuint (f->n_changes, ==, 1);

  uids[0] = fake_uid (f, 0);
  uids[1] = "1.2.826.0.1.3680043.2.1125.1";       /* unknown */
  uids[2] = fake_uid (f, 1);
  uids[3] = fake_uid (f, 3);                      /* in the basket */
  uids[4] = "1.2.826.0.1.3680043.2.1125.2";       /* unknown */
  uids[5] = fake_uid (f, 0);                      /* twice */
  uids[6] = fake_uid (f, 7);
  uids[7] = "1.2.826.0.1.3680043.2.1125.3";       /* unknown */
  uids[8] = fake_uid (f, 12);
  uids[9] = fake_uid (f, 20);
  uids[10] = NULL;

  result = resolve (f, f->basket, uids, 3, &progress, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (tcia_import_result_get_n_requested (result), ==, 9);
  g_assert_cmpuint (tcia_import_result_get_n_already_present (result), ==, 1);
  g_assert_cmpuint (tcia_import_result_get_n_added (result), ==, 5);
  g_assert_cmpuint (tcia_import_result_get_n_unknown (result), ==, 3);
  unknown = tcia_import_result_get_unknown_uids (result);
  g_assert_cmpstr (unknown[0], ==, "1.2.826.0.1.3680043.2.1125.1");
  g_assert_cmpstr (unknown[1], ==, "1.2.826.0.1.3680043.2.1125.2");
  g_assert_cmpstr (unknown[2], ==, "1.2.826.0.1.3680043.2.1125.3");
  g_assert_null (unknown[3]);

  /* One batch for the whole import. */
  g_assert_cmpuint (f->n_changes, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->basket)), ==, 6);
  g_assert_cmpuint (g_list_model_get_n_items (tcia_import_result_get_series (result)), ==, 5);

  /* 8 to look up in chunks of 3: reported at 0, 3, 6, 8. */
  g_assert_cmpuint (progress.n_calls, ==, 4);
  g_assert_cmpuint (progress.last_done, ==, 8);
  g_assert_cmpuint (progress.total, ==, 8);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeriesMetadata"), ==, 1 + 3);

  /* In the order asked, with the server's metadata. */
  series = g_list_model_get_item (G_LIST_MODEL (f->basket), 1);
  g_assert_cmpstr (tcia_series_get_series_uid (series), ==, fake_uid (f, 0));
  g_object_unref (series);
  series = tcia_basket_lookup (f->basket, fake_uid (f, 20));
  g_assert_nonnull (series);
  fake_nbia_get_series (f->fake, 20, &info);
  g_assert_cmpuint (tcia_series_get_file_size (series), ==, info.file_size);
  g_assert_cmpuint (tcia_series_get_image_count (series), ==, info.image_count);
  g_assert_cmpstr (tcia_series_get_collection (series), ==, info.collection);
  g_assert_nonnull (tcia_series_get_license_name (series));
}

/* A 100,000-UID manifest: parsed, looked up 1,000 at a time with progress
 * after each chunk, the main loop running all along, and every UID the
 * server does not know reported. */
static void
test_resolve_100k (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("downloadServerUrl=https://x/\nListOfSeriesToDownload=\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;
  g_autoptr(TciaImportResult) result = NULL;
  guint n_fake = fake_nbia_get_n_series (f->fake);
  const char * const *unknown;
  Progress progress = { 0 };
  guint idle;

  for (guint i = 0; i < 100000; i++)
    {
      if (i % 2500 == 0 && i / 2500 < n_fake)
        g_string_append_printf (text, "%s\n", fake_uid (f, i / 2500));
      else
        g_string_append_printf (text, "1.2.826.0.1.3680043.2.1125.%u\n", i);
    }

  file = parse (text->str, "big.tcia", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_file_get_n_uids (file), ==, 100000);

  idle = g_idle_add (count_idle_cb, &progress);
  result = resolve (f, f->basket, tcia_import_file_get_uids (file), 1000, &progress, &error);
  g_source_remove (idle);
  g_assert_no_error (error);

  g_assert_cmpuint (progress.n_calls, ==, 101);
  g_assert_cmpuint (progress.last_done, ==, 100000);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeriesMetadata"), ==, 100);
  /* The main context kept running while the server was answering. */
  g_assert_cmpuint (progress.n_main_loop_runs, >, 100);

  g_assert_cmpuint (tcia_import_result_get_n_added (result), ==, n_fake);
  g_assert_cmpuint (tcia_import_result_get_n_unknown (result), ==, 100000 - n_fake);
  unknown = tcia_import_result_get_unknown_uids (result);
  g_assert_cmpstr (unknown[0], ==, "1.2.826.0.1.3680043.2.1125.1");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->basket)), ==, n_fake);
  g_assert_cmpuint (f->n_changes, ==, 1);
}

static void
test_resolve_cancelled (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TciaSeries) before = NULL;
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  Progress progress = { 0 };

  /* Something in the basket already, which must stay as it is. */
  g_ptr_array_add (uids, (gpointer) fake_uid (f, 5));
  g_ptr_array_add (uids, NULL);
  result = resolve (f, f->basket, (const char * const *) uids->pdata, 0, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&result, tcia_import_result_unref);
  before = g_list_model_get_item (G_LIST_MODEL (f->basket), 0);
  f->n_changes = 0;

  g_ptr_array_set_size (uids, 0);
  for (guint i = 0; i < fake_nbia_get_n_series (f->fake); i++)
    g_ptr_array_add (uids, (gpointer) fake_uid (f, i));
  g_ptr_array_add (uids, NULL);

  progress.cancellable = cancellable;
  progress.cancel_after_first_chunk = TRUE;
  result = resolve (f, f->basket, (const char * const *) uids->pdata, 4, &progress, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_cmpuint (f->n_changes, ==, 0);
  g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, 1);
  g_assert_true (tcia_basket_lookup (f->basket, fake_uid (f, 5)) == before);
}

typedef struct
{
  FakeNbia *fake;
  guint     n_calls;
} FailLater;

static void
fail_after_first_chunk_cb (guint    n_done,
                           guint    n_total,
                           gpointer user_data)
{
  FailLater *later = user_data;

  if (later->n_calls++ == 1)
    fake_nbia_set_fault (later->fake, FAKE_NBIA_FAULT_HTTP_400, 0, NULL);
}

static void
test_resolve_server_error (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TciaImportResult) import = NULL;
  const char *uids[] = { fake_uid (f, 0), fake_uid (f, 1), fake_uid (f, 2), NULL };
  FailLater later = { f->fake, 0 };

  /* The second chunk fails: what the first one found is not added either. */
  tcia_import_resolve_async (f->basket, f->client, uids, 2, fail_after_first_chunk_cb, &later,
                             NULL, NULL, store_result_cb, &result);
  wait_for (&result);
  import = tcia_import_resolve_finish (result, &error);
  g_assert_null (import);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "Could not look up the series"));
  g_assert_cmpuint (later.n_calls, ==, 2);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeriesMetadata"), ==, 2);
  g_assert_cmpuint (f->n_changes, ==, 0);
  g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, 0);
}

static void
test_resolve_without_basket (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportResult) result = NULL;
  g_autoptr(TciaSeries) series = NULL;
  const char *uids[] = { fake_uid (f, 9), "1.2.3.4", fake_uid (f, 2), NULL };

  /* What the headless --download does: metadata for the layout, no basket. */
  result = resolve (f, NULL, uids, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_result_get_n_added (result), ==, 0);
  g_assert_cmpuint (tcia_import_result_get_n_unknown (result), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (tcia_import_result_get_series (result)), ==, 2);
  series = g_list_model_get_item (tcia_import_result_get_series (result), 0);
  g_assert_cmpstr (tcia_series_get_series_uid (series), ==, fake_uid (f, 9));
  g_assert_cmpuint (f->n_changes, ==, 0);
}

static void
test_resolve_all_present (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportResult) first = NULL;
  g_autoptr(TciaImportResult) again = NULL;
  const char *uids[] = { fake_uid (f, 1), fake_uid (f, 2), NULL };

  first = resolve (f, f->basket, uids, 0, NULL, &error);
  g_assert_no_error (error);
  again = resolve (f, f->basket, uids, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_result_get_n_already_present (again), ==, 2);
  g_assert_cmpuint (tcia_import_result_get_n_added (again), ==, 0);
  /* Nothing asked of the server the second time. */
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeriesMetadata"), ==, 1);
  g_assert_cmpuint (f->n_changes, ==, 1);
}

static TciaImportResult *
import_cart (Fixture     *f,
             const char  *name_or_url,
             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tcia_import_shared_cart_async (f->basket, f->client, name_or_url, 0, NULL, NULL, NULL, NULL,
                                 store_result_cb, &result);
  wait_for (&result);

  return tcia_import_shared_cart_finish (result, error);
}

static void
test_shared_cart (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportResult) result = NULL;
  g_autoptr(TciaImportResult) by_url = NULL;
  g_autoptr(GArray) indexes = fake_nbia_get_cart (f->fake, "nbia-49121659384603347");
  g_autoptr(GArray) indexes7 = fake_nbia_get_cart (f->fake, "nbia-56821341087226601");
  guint64 expected_bytes = 0;

  result = import_cart (f, "nbia-49121659384603347", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_result_get_n_added (result), ==, indexes->len);
  g_assert_cmpuint (tcia_import_result_get_n_unknown (result), ==, 0);

  /* Sizes come from getSeriesMetadata, which the cart lacks. */
  for (guint i = 0; i < indexes->len; i++)
    {
      FakeNbiaSeriesInfo info;
      TciaSeries *series;

      fake_nbia_get_series (f->fake, g_array_index (indexes, guint, i), &info);
      series = g_list_model_get_item (G_LIST_MODEL (f->basket), i);
      g_assert_cmpstr (tcia_series_get_series_uid (series), ==, info.series_uid);
      g_assert_cmpuint (tcia_series_get_file_size (series), ==, info.file_size);
      g_object_unref (series);
      expected_bytes += info.file_size;
    }
  g_assert_cmpuint (tcia_basket_get_total_bytes (f->basket), ==, expected_bytes);
  g_assert_cmpuint (g_list_model_get_n_items (tcia_basket_get_licences (f->basket)), >, 0);

  by_url = import_cart (f, "https://nbia.cancerimagingarchive.net/nbia-search/"
                           "?saved-cart=nbia-56821341087226601", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_result_get_n_requested (by_url), ==, indexes7->len);
  g_assert_cmpuint (tcia_import_result_get_n_added (by_url) +
                    tcia_import_result_get_n_already_present (by_url), ==, indexes7->len);
  g_assert_cmpuint (tcia_import_result_get_n_already_present (by_url), >, 0);
}

static void
test_shared_cart_unknown (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportResult) result = NULL;

  result = import_cart (f, "nbia-00000000000000000", &error);
  g_assert_null (result);
  g_assert_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_CART_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nbia-00000000000000000"));
  g_clear_error (&error);

  result = import_cart (f, "https://example.org/no-cart-here", &error);
  g_assert_null (result);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_URL);
  g_assert_cmpuint (f->n_changes, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/core/import/resolve/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("known-and-unknown", test_resolve_known_and_unknown);
  ADD ("100k-in-chunks", test_resolve_100k);
  ADD ("cancelled", test_resolve_cancelled);
  ADD ("server-error", test_resolve_server_error);
  ADD ("without-basket", test_resolve_without_basket);
  ADD ("all-present", test_resolve_all_present);
  ADD ("shared-cart", test_shared_cart);
  ADD ("shared-cart-unknown", test_shared_cart_unknown);
#undef ADD

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The basket: contents, undo, totals and licences. The file it lives in is
 * in test-basket-file.c, export in test-basket-export.c. */

#include "config.h"

#include "basket-test-util.h"

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

/* ---- Contents ------------------------------------------------------------------------ */

static void
test_add_dedupe (void)
{
  g_autoptr(TciaBasket) basket = tcia_basket_new (NULL);
  g_autoptr(TciaSeries) s1 = simple_series (1);
  g_autoptr(TciaSeries) s1_again = simple_series (1);
  g_autoptr(TciaSeries) s2 = simple_series (2);
  g_autoptr(TciaSeries) s3 = simple_series (3);
  g_autoptr(TciaSeries) s4 = simple_series (4);
  TciaSeries *batch[] = { s2, s1_again, s3, s2, s4 };
  g_autofree char *order = NULL;
  Changes changes = { 0 };

  g_signal_connect (basket, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (basket)) == TCIA_TYPE_SERIES);

  g_assert_true (tcia_basket_add (basket, s1));
  g_assert_false (tcia_basket_add (basket, s1_again));
  g_assert_cmpuint (changes.n_calls, ==, 1);

  /* A batch: the new ones once each, in order, one items-changed. */
  g_assert_cmpuint (tcia_basket_add_many (basket, batch, G_N_ELEMENTS (batch)), ==, 3);
  g_assert_cmpuint (changes.n_calls, ==, 2);
  g_assert_cmpuint (changes.position, ==, 1);
  g_assert_cmpuint (changes.removed, ==, 0);
  g_assert_cmpuint (changes.added, ==, 3);

  order = uids_of (G_LIST_MODEL (basket));
  g_assert_cmpstr (order, ==, "1 2 3 4");
  g_assert_true (tcia_basket_contains (basket, "1.2.840.113619.2.55.3"));
  g_assert_false (tcia_basket_contains (basket, "1.2.840.113619.2.55.5"));
  g_assert_true (tcia_basket_lookup (basket, "1.2.840.113619.2.55.1") == s1);
  g_assert_null (tcia_basket_lookup (basket, "1.2.3"));
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (basket), 4));

  /* Nothing new: no signal. */
  g_assert_cmpuint (tcia_basket_add_many (basket, batch, G_N_ELEMENTS (batch)), ==, 0);
  g_assert_cmpuint (changes.n_calls, ==, 2);

  g_assert_finalize_object (g_steal_pointer (&basket));
}

static void
test_add_model (void)
{
  g_autoptr(TciaBasket) basket = tcia_basket_new (NULL);
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_auto(GStrv) uids = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(TciaSeries) series = simple_series (i);

      g_list_store_append (store, series);
    }
  g_assert_cmpuint (tcia_basket_add_model (basket, G_LIST_MODEL (store)), ==, 5);
  uids = tcia_basket_dup_uids (basket);
  g_assert_cmpuint (g_strv_length (uids), ==, 5);
  g_assert_cmpstr (uids[4], ==, "1.2.840.113619.2.55.4");

  g_assert_finalize_object (g_steal_pointer (&basket));
}

static void
test_remove_undo (void)
{
  g_autoptr(TciaBasket) basket = tcia_basket_new (NULL);
  g_autoptr(TciaBasketRemoval) removal = NULL;
  g_autoptr(TciaBasketRemoval) none = NULL;
  const char *some[] = { "1.2.840.113619.2.55.1", "1.2.840.113619.2.55.4",
                         "1.2.840.113619.2.55.5", "1.2.840.113619.2.55.99", NULL };
  g_autofree char *order = NULL;
  Changes changes = { 0 };

  for (guint i = 0; i < 7; i++)
    {
      g_autoptr(TciaSeries) series = simple_series (i);

      tcia_basket_add (basket, series);
    }
  g_signal_connect (basket, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  /* One. */
  removal = tcia_basket_remove (basket, "1.2.840.113619.2.55.3");
  g_assert_nonnull (removal);
  g_assert_cmpuint (tcia_basket_removal_get_n_series (removal), ==, 1);
  g_assert_cmpuint (changes.n_calls, ==, 1);
  g_assert_cmpuint (changes.position, ==, 3);
  g_assert_cmpuint (changes.removed, ==, 4);
  g_assert_cmpuint (changes.added, ==, 3);
  order = uids_of (G_LIST_MODEL (basket));
  g_assert_cmpstr (order, ==, "0 1 2 4 5 6");
  g_clear_pointer (&order, g_free);

  none = tcia_basket_remove (basket, "1.2.840.113619.2.55.3");
  g_assert_null (none);
  g_assert_cmpuint (changes.n_calls, ==, 1);

  g_assert_cmpuint (tcia_basket_restore (basket, removal), ==, 1);
  order = uids_of (G_LIST_MODEL (basket));
  g_assert_cmpstr (order, ==, "0 1 2 3 4 5 6");
  g_clear_pointer (&order, g_free);
  g_assert_cmpuint (tcia_basket_get_n_images (basket), ==, 0 + 1 + 2 + 3 + 4 + 5 + 6);
  /* Undoing twice puts nothing back twice. */
  g_assert_cmpuint (tcia_basket_restore (basket, removal), ==, 0);
  g_clear_pointer (&removal, tcia_basket_removal_unref);

  /* Several, scattered, one items-changed; UIDs not in the basket ignored. */
  changes.n_calls = 0;
  removal = tcia_basket_remove_many (basket, some);
  g_assert_cmpuint (tcia_basket_removal_get_n_series (removal), ==, 3);
  g_assert_cmpstr (tcia_series_get_series_uid (tcia_basket_removal_get_series (removal, 0)), ==,
                   "1.2.840.113619.2.55.1");
  g_assert_cmpuint (changes.n_calls, ==, 1);
  g_assert_cmpuint (changes.position, ==, 1);
  g_assert_cmpuint (changes.removed, ==, 6);
  g_assert_cmpuint (changes.added, ==, 3);
  order = uids_of (G_LIST_MODEL (basket));
  g_assert_cmpstr (order, ==, "0 2 3 6");
  g_clear_pointer (&order, g_free);

  /* The basket changed meanwhile: the old positions as far as they go. */
  {
    g_autoptr(TciaSeries) s9 = simple_series (9);

    tcia_basket_add (basket, s9);
  }
  g_assert_cmpuint (tcia_basket_restore (basket, removal), ==, 3);
  order = uids_of (G_LIST_MODEL (basket));
  g_assert_cmpstr (order, ==, "0 1 2 3 4 5 6 9");

  g_assert_finalize_object (g_steal_pointer (&basket));
}

static void
test_clear_undo (void)
{
  g_autoptr(TciaBasket) basket = tcia_basket_new (NULL);
  g_autoptr(TciaBasketRemoval) removal = NULL;
  g_autoptr(TciaBasketRemoval) empty = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint64 bytes;
  Changes changes = { 0 };

  for (guint i = 10; i > 0; i--)
    {
      g_autoptr(TciaSeries) series = simple_series (i);

      tcia_basket_add (basket, series);
    }
  before = uids_of (G_LIST_MODEL (basket));
  bytes = tcia_basket_get_total_bytes (basket);
  g_signal_connect (basket, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  removal = tcia_basket_clear (basket);
  g_assert_cmpuint (tcia_basket_removal_get_n_series (removal), ==, 10);
  g_assert_cmpuint (changes.n_calls, ==, 1);
  g_assert_cmpuint (changes.removed, ==, 10);
  g_assert_cmpuint (tcia_basket_get_n_series (basket), ==, 0);
  g_assert_cmpuint (tcia_basket_get_total_bytes (basket), ==, 0);
  g_assert_cmpuint (tcia_basket_get_n_images (basket), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (tcia_basket_get_licences (basket)), ==, 0);

  empty = tcia_basket_clear (basket);
  g_assert_cmpuint (tcia_basket_removal_get_n_series (empty), ==, 0);
  g_assert_cmpuint (changes.n_calls, ==, 1);

  g_assert_cmpuint (tcia_basket_restore (basket, removal), ==, 10);
  g_assert_cmpuint (changes.n_calls, ==, 2);
  g_assert_cmpuint (changes.added, ==, 10);
  after = uids_of (G_LIST_MODEL (basket));
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (tcia_basket_get_total_bytes (basket), ==, bytes);

  g_assert_finalize_object (g_steal_pointer (&basket));
}

/* ---- Totals and licences ---------------------------------------------------------------- */

static void
test_totals (void)
{
  g_autoptr(TciaBasket) basket = tcia_basket_new (NULL);
  g_autoptr(TciaSeries) a = series_new ("1.1", 48, 25273786, CC_BY, CC_BY_URI);
  g_autoptr(TciaSeries) b = series_new ("1.2", 57, 165975906, CC_BY, CC_BY_URI);
  g_autoptr(TciaSeries) unsized = series_new ("1.3", 0, 0, NULL, NULL);
  g_autoptr(TciaBasketRemoval) removal = NULL;
  guint n_series_notes = 0, bytes_notes = 0, images_notes = 0, estimate_notes = 0;
  guint64 bytes = 0;

  g_signal_connect (basket, "notify::n-series", G_CALLBACK (count_notify_cb), &n_series_notes);
  g_signal_connect (basket, "notify::total-bytes", G_CALLBACK (count_notify_cb), &bytes_notes);
  g_signal_connect (basket, "notify::n-images", G_CALLBACK (count_notify_cb), &images_notes);
  g_signal_connect (basket, "notify::estimated-download-bytes",
                    G_CALLBACK (count_notify_cb), &estimate_notes);

  tcia_basket_add (basket, a);
  tcia_basket_add (basket, b);
  g_assert_cmpuint (tcia_basket_get_n_series (basket), ==, 2);
  g_assert_cmpuint (tcia_basket_get_n_images (basket), ==, 105);
  g_assert_cmpuint (tcia_basket_get_total_bytes (basket), ==, 191249692);
  /* 35 % of FileSize, rounded down (tcia-api.md §4.3). */
  g_assert_cmpuint (tcia_basket_get_estimated_download_bytes (basket), ==, 66937392);
  g_object_get (basket, "total-bytes", &bytes, NULL);
  g_assert_cmpuint (bytes, ==, 191249692);
  g_assert_cmpuint (n_series_notes, ==, 2);
  g_assert_cmpuint (bytes_notes, ==, 2);
  g_assert_cmpuint (estimate_notes, ==, 2);

  /* A series without a size changes the count only: notified only what changed. */
  tcia_basket_add (basket, unsized);
  g_assert_cmpuint (n_series_notes, ==, 3);
  g_assert_cmpuint (bytes_notes, ==, 2);
  g_assert_cmpuint (images_notes, ==, 2);
  g_assert_cmpuint (estimate_notes, ==, 2);

  removal = tcia_basket_remove (basket, "1.1");
  g_assert_cmpuint (tcia_basket_get_total_bytes (basket), ==, 165975906);
  g_assert_cmpuint (tcia_basket_get_estimated_download_bytes (basket), ==, 58091567);
  g_assert_cmpuint (tcia_basket_get_n_images (basket), ==, 57);

  g_assert_finalize_object (g_steal_pointer (&basket));
}

static void
test_non_commercial_names (void)
{
  static const struct
  {
    const char *name;
    const char *uri;
    gboolean    non_commercial;
  } cases[] = {
    { CC_BY, CC_BY_URI, FALSE },
    { "Creative Commons Attribution 4.0 International License",
      "https://creativecommons.org/licenses/by/4.0/", FALSE },
    { CC_BY_NC, CC_BY_NC_URI, TRUE },
    { "Creative Commons Attribution-NonCommercial 3.0 Unported License", NULL, TRUE },
    { NULL, "https://creativecommons.org/licenses/by-nc-sa/4.0/", TRUE },
    { "CC BY-NC 4.0", NULL, TRUE },
    { "CC-BY-NC-ND", NULL, TRUE },
    { "Free for non-commercial use", NULL, TRUE },
    { "Non Commercial", NULL, TRUE },
    { "TCIA Restricted License", NULL, FALSE },
    { "NCI Data Use Agreement", "https://nci.nih.gov/", FALSE },
    { "Commercial use allowed", NULL, FALSE },
    { NULL, NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    if (tcia_licence_is_non_commercial (cases[i].name, cases[i].uri) != cases[i].non_commercial)
      g_error ("“%s” “%s” is taken for %s", cases[i].name, cases[i].uri,
               cases[i].non_commercial ? "commercial" : "non-commercial");
}

static void
test_licences (void)
{
  g_autoptr(TciaBasket) basket = tcia_basket_new (NULL);
  g_autoptr(TciaSeries) a = series_new ("1.1", 1, 10, CC_BY, CC_BY_URI);
  g_autoptr(TciaSeries) b = series_new ("1.2", 1, 10, CC_BY_NC, CC_BY_NC_URI);
  g_autoptr(TciaSeries) c = series_new ("1.3", 1, 10, CC_BY, CC_BY_URI);
  g_autoptr(TciaSeries) d = series_new ("1.4", 1, 10, NULL, NULL);
  g_autoptr(TciaBasketRemoval) removal = NULL;
  g_autoptr(TciaBasketLicence) first = NULL;
  g_autoptr(TciaBasketLicence) second = NULL;
  GListModel *licences = tcia_basket_get_licences (basket);
  guint nc_notes = 0;
  guint count_notes = 0;

  g_signal_connect (basket, "notify::has-non-commercial", G_CALLBACK (count_notify_cb),
                    &nc_notes);
  g_assert_true (g_list_model_get_item_type (licences) == TCIA_TYPE_BASKET_LICENCE);

  tcia_basket_add (basket, a);
  tcia_basket_add (basket, c);
  tcia_basket_add (basket, d);
  g_assert_cmpuint (g_list_model_get_n_items (licences), ==, 1);
  g_assert_false (tcia_basket_get_has_non_commercial (basket));
  first = g_list_model_get_item (licences, 0);
  g_assert_cmpstr (tcia_basket_licence_get_name (first), ==, CC_BY);
  g_assert_cmpstr (tcia_basket_licence_get_uri (first), ==, CC_BY_URI);
  g_assert_false (tcia_basket_licence_get_non_commercial (first));
  g_assert_cmpuint (tcia_basket_licence_get_n_series (first), ==, 2);
  g_signal_connect (first, "notify::n-series", G_CALLBACK (count_notify_cb), &count_notes);

  tcia_basket_add (basket, b);
  g_assert_true (tcia_basket_get_has_non_commercial (basket));
  g_assert_cmpuint (nc_notes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (licences), ==, 2);
  /* Sorted by name: "…Attribution 3.0…" before "…Attribution-NonCommercial…". */
  second = g_list_model_get_item (licences, 1);
  g_assert_cmpstr (tcia_basket_licence_get_name (second), ==, CC_BY_NC);
  g_assert_true (tcia_basket_licence_get_non_commercial (second));
  g_assert_cmpuint (tcia_basket_licence_get_n_series (second), ==, 1);
  g_assert_cmpuint (count_notes, ==, 0);

  removal = tcia_basket_remove (basket, "1.3");
  g_assert_cmpuint (tcia_basket_licence_get_n_series (first), ==, 1);
  g_assert_cmpuint (count_notes, ==, 1);
  g_clear_pointer (&removal, tcia_basket_removal_unref);

  /* The last non-commercial series goes, and its licence with it. */
  removal = tcia_basket_remove (basket, "1.2");
  g_assert_false (tcia_basket_get_has_non_commercial (basket));
  g_assert_cmpuint (nc_notes, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (licences), ==, 1);

  g_assert_cmpuint (tcia_basket_restore (basket, removal), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (licences), ==, 2);
  g_assert_true (tcia_basket_get_has_non_commercial (basket));

  g_clear_object (&first);
  g_clear_object (&second);
  g_assert_finalize_object (g_steal_pointer (&basket));
}

/* The licences of a listing, as the collection pane shows them: one entry
 * per licence, counting its series wherever they stand in the list. */
static void
test_licence_tally (void)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GListModel) tally = NULL;
  g_autoptr(TciaBasketLicence) first = NULL;
  g_autoptr(TciaBasketLicence) second = NULL;
  struct { const char *name, *uri; } rows[] = {
    { CC_BY, CC_BY_URI }, { CC_BY, CC_BY_URI }, { CC_BY_NC, CC_BY_NC_URI }, { NULL, NULL },
    { CC_BY, CC_BY_URI }, { CC_BY_NC, CC_BY_NC_URI }, { CC_BY, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *uid = g_strdup_printf ("1.%u", i);
      g_autoptr(TciaSeries) series = series_new (uid, 1, 10, rows[i].name, rows[i].uri);

      g_list_store_append (store, series);
    }

  tally = tcia_licence_tally_new (G_LIST_MODEL (store));
  g_assert_cmpuint (g_list_model_get_n_items (tally), ==, 3);
  first = g_list_model_get_item (tally, 0);
  second = g_list_model_get_item (tally, 1);
  g_assert_cmpstr (tcia_basket_licence_get_name (first), ==, CC_BY);
  g_assert_cmpstr (tcia_basket_licence_get_uri (first), ==, NULL);
  g_assert_cmpuint (tcia_basket_licence_get_n_series (first), ==, 1);
  g_assert_cmpstr (tcia_basket_licence_get_uri (second), ==, CC_BY_URI);
  g_assert_cmpuint (tcia_basket_licence_get_n_series (second), ==, 3);
  g_clear_object (&second);
  second = g_list_model_get_item (tally, 2);
  g_assert_cmpstr (tcia_basket_licence_get_name (second), ==, CC_BY_NC);
  g_assert_cmpuint (tcia_basket_licence_get_n_series (second), ==, 2);
}

/* Licences counted while the rows of a listing arrive, a batch at a time,
 * come to the same tally; a count stops covering the list when a row it
 * counted goes. */
static void
test_licence_count_as_rows_arrive (void)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(TciaLicenceCount) count = tcia_licence_count_new (G_LIST_MODEL (store));
  g_autoptr(GListModel) tally = NULL;
  g_autoptr(GListModel) whole = NULL;
  const char *names[] = { CC_BY, CC_BY_NC, CC_BY, CC_BY, NULL, CC_BY_NC, CC_BY };
  const char *uris[] = { CC_BY_URI, CC_BY_NC_URI, CC_BY_URI, NULL, NULL, CC_BY_NC_URI, CC_BY_URI };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *uid = g_strdup_printf ("1.%u", i);
      g_autoptr(TciaSeries) series = series_new (uid, 1, 10, names[i], uris[i]);

      g_list_store_append (store, series);
      /* Batches of one and two rows. */
      if (i % 3 != 1)
        tcia_licence_count_add (count);
    }
  tcia_licence_count_add (count);
  g_assert_true (tcia_licence_count_covers (count, G_LIST_MODEL (store)));

  tally = tcia_licence_count_dup_tally (count);
  whole = tcia_licence_tally_new (G_LIST_MODEL (store));
  g_assert_cmpuint (g_list_model_get_n_items (tally), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (whole), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(TciaBasketLicence) a = g_list_model_get_item (tally, i);
      g_autoptr(TciaBasketLicence) b = g_list_model_get_item (whole, i);

      g_assert_cmpstr (tcia_basket_licence_get_name (a), ==, tcia_basket_licence_get_name (b));
      g_assert_cmpstr (tcia_basket_licence_get_uri (a), ==, tcia_basket_licence_get_uri (b));
      g_assert_cmpuint (tcia_basket_licence_get_n_series (a), ==,
                        tcia_basket_licence_get_n_series (b));
    }
  {
    g_autoptr(TciaBasketLicence) by = g_list_model_get_item (tally, 1);

    g_assert_cmpstr (tcia_basket_licence_get_uri (by), ==, CC_BY_URI);
    g_assert_cmpuint (tcia_basket_licence_get_n_series (by), ==, 3);
  }

  g_list_store_remove (store, 0);
  g_assert_false (tcia_licence_count_covers (count, G_LIST_MODEL (store)));
  /* Nor does it cover another list. */
  g_assert_false (tcia_licence_count_covers (count, whole));
}

/* The fake archive's licences, from real getSeriesMetadata answers. */
static void
test_licences_from_server (void)
{
  g_autoptr(TciaBasket) basket = tcia_basket_new (NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TciaImportResult) import = NULL;
  g_autoptr(TciaClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *url = NULL;
  GListModel *licences;
  FakeNbiaOptions options;
  FakeNbia *fake;
  guint n_nc = 0;

  fake_nbia_options_init (&options);
  fake = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (fake, 0, &error));
  url = fake_nbia_get_url (fake, 4);
  client = tcia_client_new (url, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < fake_nbia_get_n_series (fake); i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (fake, i, &info);
      g_ptr_array_add (uids, (gpointer) info.series_uid);
    }
  g_ptr_array_add (uids, NULL);

  tcia_import_resolve_async (basket, client, (const char * const *) uids->pdata, 0,
                             NULL, NULL, NULL, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  import = tcia_import_resolve_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_basket_get_n_series (basket), ==, fake_nbia_get_n_series (fake));

  for (guint i = 0; i < tcia_basket_get_n_series (basket); i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (G_LIST_MODEL (basket), i);

      g_hash_table_add (names, (gpointer) tcia_series_get_license_name (series));
    }

  licences = tcia_basket_get_licences (basket);
  g_assert_cmpuint (g_list_model_get_n_items (licences), ==, g_hash_table_size (names));
  for (guint i = 0; i < g_list_model_get_n_items (licences); i++)
    {
      g_autoptr(TciaBasketLicence) licence = g_list_model_get_item (licences, i);
      const char *name = tcia_basket_licence_get_name (licence);

      g_assert_true (g_hash_table_contains (names, name));
      g_assert_cmpint (tcia_basket_licence_get_non_commercial (licence), ==,
                       strstr (name, "NonCommercial") != NULL);
      n_nc += tcia_basket_licence_get_non_commercial (licence);
    }
  /* The small archive has a CC BY-NC collection. */
  g_assert_cmpuint (n_nc, >, 0);
  g_assert_true (tcia_basket_get_has_non_commercial (basket));

  /* The result holds the basket as its source object. */
  g_clear_object (&result);
  g_assert_finalize_object (g_steal_pointer (&basket));
  g_clear_object (&client);
  fake_nbia_free (fake);
}

/* A description from a contributing site never runs as a formula in the
 * spreadsheet that opens the export; a number stays a number. */
static void
test_export_csv_formulas (void)
{
  const char *keys[] = { "SeriesInstanceUID", "Collection", "SeriesDescription",
                         "StudyDesc", "PatientID" };
  const char *values[] = { "1.2.3", "@SUM(A1)", "=HYPERLINK(\"http://x\",\"y\")", "-1.5",
                           "+cmd" };
  g_autoptr(GPtrArray) series = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *text = NULL;

  g_ptr_array_add (series, tcia_series_new_from_fields (keys, values, G_N_ELEMENTS (keys)));
  text = tcia_basket_series_to_csv (series);
  g_assert_nonnull (strstr (text, ",'@SUM(A1),"));
  g_assert_nonnull (strstr (text, ",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","));
  g_assert_nonnull (strstr (text, ",-1.5,"));
  g_assert_nonnull (strstr (text, ",'+cmd,"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/basket/add-dedupe", test_add_dedupe);
  g_test_add_func ("/core/basket/add-model", test_add_model);
  g_test_add_func ("/core/basket/remove-undo", test_remove_undo);
  g_test_add_func ("/core/basket/clear-undo", test_clear_undo);
  g_test_add_func ("/core/basket/totals", test_totals);
  g_test_add_func ("/core/basket/export-csv-formulas", test_export_csv_formulas);
  g_test_add_func ("/core/basket/licences/non-commercial-names", test_non_commercial_names);
  g_test_add_func ("/core/basket/licences/list", test_licences);
  g_test_add_func ("/core/basket/licences/tally", test_licence_tally);
  g_test_add_func ("/core/basket/licences/count-as-rows-arrive", test_licence_count_as_rows_arrive);
  g_test_add_func ("/core/basket/licences/from-server", test_licences_from_server);

  return g_test_run ();
}

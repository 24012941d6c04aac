/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The basket: contents, undo, totals, licences, the file it lives in
 * (restart, corruption, atomic saves) and export. */

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fake-nbia.h"
#include "tcia-basket.h"
#include "tcia-basket-private.h"
#include "tcia-client.h"
#include "tcia-import.h"
#include "unit-test-util.h"

#define CC_BY "Creative Commons Attribution 3.0 Unported License"
#define CC_BY_URI "http://creativecommons.org/licenses/by/3.0/"
#define CC_BY_NC "Creative Commons Attribution-NonCommercial 4.0 International License"
#define CC_BY_NC_URI "https://creativecommons.org/licenses/by-nc/4.0/"

/* ---- Helpers ---------------------------------------------------------------------- */

static TciaSeries *
series_new (const char *uid,
            guint       images,
            guint64     bytes,
            const char *licence,
            const char *licence_uri)
{
  g_autofree char *images_text = g_strdup_printf ("%u", images);
  g_autofree char *bytes_text = g_strdup_printf ("%" G_GUINT64_FORMAT, bytes);
  const char *keys[] = { "SeriesInstanceUID", "Collection", "ImageCount", "FileSize",
                         "LicenseName", "LicenseURI" };
  const char *values[] = { uid, "RIDER Lung CT", images_text, bytes_text, licence, licence_uri };

  return tcia_series_new_from_fields (keys, values, G_N_ELEMENTS (keys));
}

static TciaSeries *
simple_series (guint n)
{
  g_autofree char *uid = g_strdup_printf ("1.2.840.113619.2.55.%u", n);

  return series_new (uid, n, (guint64) n * 1000, CC_BY, CC_BY_URI);
}

static char *
uids_of (GListModel *model)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (model, i);
      const char *uid = tcia_series_get_series_uid (series);

      /* The last component is enough to tell them apart. */
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, strrchr (uid, '.') + 1);
    }

  return g_string_free (out, FALSE);
}

typedef struct
{
  guint n_calls;
  guint position;
  guint removed;
  guint added;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  Changes *changes = user_data;

  changes->n_calls++;
  changes->position = position;
  changes->removed = removed;
  changes->added = added;
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("test-basket-XXXXXX", &error);

  g_assert_no_error (error);

  return dir;
}

/* The names in @dir, sorted, space separated. */
static char *
list_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (names, NULL);

  return g_strjoinv (" ", (char **) names->pdata);
}

/* The one file in @dir whose name starts with "basket.json.corrupt-". */
static char *
find_corrupt_copy (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  char *found = NULL;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_prefix (name, "basket.json.corrupt-"))
        {
          g_assert_null (found);
          found = g_build_filename (path, name, NULL);
        }
    }

  return found;
}

static void
write_file (const char *path,
            const char *contents,
            gssize      len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  return contents;
}

/* Drops the last reference on @object, which a worker thread of a finished
 * GTask may hold a moment longer than the task's callback runs. */
static void
assert_finalized_soon (gpointer object)
{
  gpointer weak = object;

  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);
  for (guint i = 0; i < 1000 && weak != NULL; i++)
    spin (1);
  g_assert_null (weak);
}

/* Every property of @a equals the same of @b. */
static void
assert_same_series (TciaSeries *a,
                    TciaSeries *b)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (a), &n);
  for (guint i = 0; i < n; i++)
    {
      g_auto(GValue) va = G_VALUE_INIT;
      g_auto(GValue) vb = G_VALUE_INIT;

      g_value_init (&va, pspecs[i]->value_type);
      g_value_init (&vb, pspecs[i]->value_type);
      g_object_get_property (G_OBJECT (a), pspecs[i]->name, &va);
      g_object_get_property (G_OBJECT (b), pspecs[i]->name, &vb);
      if (g_param_values_cmp (pspecs[i], &va, &vb) != 0)
        {
          g_autofree char *sa = g_strdup_value_contents (&va);
          g_autofree char *sb = g_strdup_value_contents (&vb);

          g_error ("%s differs: %s != %s", pspecs[i]->name, sa, sb);
        }
    }
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

/* The fake archive's licences, from real getSeriesMetadata answers. */
static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
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
                             NULL, NULL, NULL, NULL, result_cb, &result);
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

/* ---- The basket file --------------------------------------------------------------------------- */

typedef struct
{
  char  *dir;
  char  *path;
  GFile *file;
} FileFixture;

static void
file_setup (FileFixture   *f,
            gconstpointer  data)
{
  f->dir = make_temp_dir ();
  f->path = g_build_filename (f->dir, "tcia-basket", "basket.json", NULL);
  f->file = g_file_new_for_path (f->path);
}

static void
file_teardown (FileFixture   *f,
               gconstpointer  data)
{
  g_clear_object (&f->file);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static char *
file_dir (FileFixture *f)
{
  return g_path_get_dirname (f->path);
}

/* A series with every property the server gives, from the fake's metadata. */
static GPtrArray *
rich_series (guint n)
{
  GPtrArray *all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(TciaRecordBuilder) builder = tcia_record_builder_new (TCIA_TYPE_SERIES, 64 * 1024);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uid = g_strdup_printf ("1.3.6.1.4.1.14519.5.2.1.6834.5010.%u", i);
      g_autofree char *size = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                               G_GUINT64_CONSTANT (5000000000) + i);
      const char *keys[] = {
        "PatientID", "PatientName", "PatientSex", "EthnicGroup", "Phantom", "SpeciesCode",
        "SpeciesDescription", "StudyInstanceUID", "StudyDate", "StudyDesc",
        "AdmittingDiagnosisDescription", "StudyID", "PatientAge", "SeriesInstanceUID",
        "Collection", "Site", "Modality", "ProtocolName", "SeriesDate", "SeriesDescription",
        "BodyPartExamined", "SeriesNumber", "AnnotationsFlag", "Manufacturer",
        "ManufacturerModelName", "PixelSpacing(mm)-Row", "SliceThickness(mm)",
        "SoftwareVersions", "ImageCount", "MaxSubmissionTimestamp", "LicenseName",
        "LicenseURI", "DataDescriptionURI", "FileSize", "ReleasedStatus", "DateReleased",
        "ThirdPartyAnalysis", "SOPClassUID",
      };
      const char *values[] = {
        "100_HM10395", "P100", "M", "", "NO", "337915000", "Homo sapiens",
        "1.3.6.1.4.1.14519.5.2.1.6834.5010.335014117706890137582032169351", "09-15-1997", "p4",
        "", "", "000Y", uid, "4D-Lung", "VCU", "CT", "5.1 4DCT & ITV FB + 4D + INSP/EXP",
        "09-15-1997", "P4^P100^S100^I0, Gated, 0.0% \"quoted\"\nnext line\t\\ é ✓", "LUNG",
        "500.000000", "", "Varian Imaging Laboratories, Switzerland", "Trilogy Cone Beam CT",
        "0.878906", "3.000000", "LightSpeedverrel", "50", "07-20-2015",
        "Creative Commons Attribution 3.0 Unported License",
        "http://creativecommons.org/licenses/by/3.0/",
        "https://doi.org/10.7937/K9/TCIA.2016.ELN8YGLE", size, "Yes", "10-19-2016", "YES",
        "1.2.840.10008.5.1.4.1.1.2",
      };

      G_STATIC_ASSERT (G_N_ELEMENTS (keys) == G_N_ELEMENTS (values));
      g_ptr_array_add (all, tcia_record_builder_add_fields (builder, keys, values,
                                                            G_N_ELEMENTS (keys)));
    }

  return all;
}

static void
test_file_restart (FileFixture   *f,
                   gconstpointer  data)
{
  g_autoptr(TciaBasket) basket = tcia_basket_new (f->file);
  g_autoptr(TciaBasket) again = NULL;
  g_autoptr(GPtrArray) series = rich_series (5);
  g_autoptr(GError) error = NULL;

  /* A missing file is an empty basket, and nothing is written until a change. */
  g_assert_true (tcia_basket_load (basket, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_basket_get_n_series (basket), ==, 0);
  g_assert_true (tcia_basket_flush (basket, &error));
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));

  tcia_basket_add_many (basket, (TciaSeries * const *) series->pdata, series->len);
  g_assert_true (tcia_basket_flush (basket, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (f->path, G_FILE_TEST_IS_REGULAR));

  again = tcia_basket_new (f->file);
  g_assert_true (tcia_basket_load (again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_basket_get_n_series (again), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(TciaSeries) restored = g_list_model_get_item (G_LIST_MODEL (again), i);

      assert_same_series (g_ptr_array_index (series, i), restored);
    }
  g_assert_cmpuint (tcia_basket_get_total_bytes (again), ==,
                    tcia_basket_get_total_bytes (basket));
  g_assert_cmpuint (g_list_model_get_n_items (tcia_basket_get_licences (again)), ==, 1);

  g_assert_finalize_object (g_steal_pointer (&basket));
  g_assert_finalize_object (g_steal_pointer (&again));
}

/* Saved by itself shortly after a change, without flush(). */
static void
test_file_autosave (FileFixture   *f,
                    gconstpointer  data)
{
  g_autoptr(TciaBasket) basket = tcia_basket_new (f->file);
  g_autoptr(TciaBasket) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaBasketRemoval) removal = NULL;
  g_autofree char *order = NULL;

  g_assert_true (tcia_basket_load (basket, &error));
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(TciaSeries) series = simple_series (i);

      tcia_basket_add (basket, series);
    }
  removal = tcia_basket_remove (basket, "1.2.840.113619.2.55.7");

  /* Read what a restart would read, over and over while the save happens:
   * never a partial file (which would be moved aside as corrupt). Bounded
   * only so that a broken save cannot hang the test. */
  for (guint i = 0; i < 2000; i++)
    {
      g_clear_object (&again);
      again = tcia_basket_new (f->file);
      g_assert_true (tcia_basket_load (again, &error));
      g_assert_no_error (error);
      if (tcia_basket_get_n_series (again) > 0)
        break;
      spin (i < 100 ? 1 : 10);
    }
  order = uids_of (G_LIST_MODEL (again));
  g_assert_cmpstr (order, ==, "0 1 2 3 4 5 6 8 9 10 11 12 13 14 15 16 17 18 19");

  g_assert_finalize_object (g_steal_pointer (&basket));
  g_assert_finalize_object (g_steal_pointer (&again));
}

/* Dropping the basket (quitting) writes what is pending. */
static void
test_file_dispose_saves (FileFixture   *f,
                         gconstpointer  data)
{
  g_autoptr(TciaBasket) basket = tcia_basket_new (f->file);
  g_autoptr(TciaBasket) again = NULL;
  g_autoptr(TciaSeries) series = simple_series (42);

  tcia_basket_add (basket, series);
  g_assert_finalize_object (g_steal_pointer (&basket));

  again = tcia_basket_new (f->file);
  g_assert_true (tcia_basket_load (again, NULL));
  g_assert_true (tcia_basket_contains (again, "1.2.840.113619.2.55.42"));
  g_assert_finalize_object (g_steal_pointer (&again));
}

/* Saves replace the file by renaming a complete new one over it: a reader
 * of the old file keeps a complete old file, the path always gives a
 * complete one, and no temporary or backup file is left behind. */
static void
test_file_atomic (FileFixture   *f,
                  gconstpointer  data)
{
  g_autoptr(TciaBasket) basket = tcia_basket_new (f->file);
  g_autoptr(GError) error = NULL;
  g_autofree char *old_contents = NULL;
  g_autofree char *dir = file_dir (f);
  g_autofree char *listing = NULL;
  g_autofree char *new_contents = NULL;
  GStatBuf before, after;
  char buffer[65536];
  gssize n;
  int fd;

  g_assert_true (tcia_basket_load (basket, &error));
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(TciaSeries) series = simple_series (i);

      tcia_basket_add (basket, series);
    }
  g_assert_true (tcia_basket_flush (basket, &error));
  old_contents = read_file (f->path);
  g_assert_cmpint (g_stat (f->path, &before), ==, 0);
  fd = g_open (f->path, O_RDONLY, 0);
  g_assert_cmpint (fd, >=, 0);

  for (guint round = 0; round < 20; round++)
    {
      g_autoptr(TciaSeries) series = simple_series (100 + round);

      tcia_basket_add (basket, series);
      if (round % 3 == 0)
        spin (1);
      g_assert_true (tcia_basket_flush (basket, &error));
      g_assert_no_error (error);
    }

  /* The old file, still open, is whole and unchanged. */
  n = read (fd, buffer, sizeof buffer - 1);
  g_assert_cmpint (n, ==, (gssize) strlen (old_contents));
  buffer[n] = '\0';
  g_assert_cmpstr (buffer, ==, old_contents);
  close (fd);

  g_assert_cmpint (g_stat (f->path, &after), ==, 0);
  g_assert_cmpuint (before.st_ino, !=, after.st_ino);
  new_contents = read_file (f->path);
  g_assert_nonnull (strstr (new_contents, "1.2.840.113619.2.55.119"));
  g_assert_true (g_str_has_suffix (new_contents, "]}\n"));

  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "basket.json");
  g_assert_cmpint (before.st_mode & 0777, ==, 0600);

  g_assert_finalize_object (g_steal_pointer (&basket));
}

static void
save_failed_cb (TciaBasket *basket,
                GError     *error,
                gpointer    user_data)
{
  GError **slot = user_data;

  g_clear_error (slot);
  *slot = g_error_copy (error);
}

/* A save that cannot be done is reported, by flush() and by the signal. */
static void
test_file_save_fails (FileFixture   *f,
                      gconstpointer  data)
{
  g_autofree char *blocker = g_build_filename (f->dir, "not-a-dir", NULL);
  g_autofree char *path = g_build_filename (blocker, "basket.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(TciaBasket) basket = tcia_basket_new (file);
  g_autoptr(TciaSeries) series = simple_series (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) signalled = NULL;

  write_file (blocker, "a file where a folder should be", -1);
  g_signal_connect (basket, "save-failed", G_CALLBACK (save_failed_cb), &signalled);

  tcia_basket_add (basket, series);
  for (guint i = 0; i < 1000 && signalled == NULL; i++)
    spin (10);
  g_assert_error (signalled, TCIA_BASKET_ERROR, TCIA_BASKET_ERROR_IO);
  g_assert_nonnull (strstr (signalled->message, "basket.json"));

  g_assert_false (tcia_basket_flush (basket, &error));
  g_assert_error (error, TCIA_BASKET_ERROR, TCIA_BASKET_ERROR_IO);

  /* Let it go without the warning of a failed last save. */
  g_unlink (blocker);
  g_assert_true (tcia_basket_flush (basket, NULL));
  g_assert_finalize_object (g_steal_pointer (&basket));
}

static void
make_link (const char *target,
           const char *link)
{
  g_autofree char *folder = g_path_get_dirname (link);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_cmpint (symlink (target, link), ==, 0);
}

static void
assert_link (const char *link,
             const char *target)
{
  g_autofree char *now = g_file_read_link (link, NULL);

  g_assert_cmpstr (now, ==, target);
}

/* A basket file that is a link (into a dotfiles repository, say) stays a
 * link: the save replaces the link's final target, following a chain of
 * links, relative ones from the folder of the link that names them. */
static void
test_file_symlink (FileFixture   *f,
                   gconstpointer  data)
{
  g_autofree char *real_dir = g_build_filename (f->dir, "dotfiles", "tcia", NULL);
  g_autofree char *real = g_build_filename (real_dir, "basket.json", NULL);
  g_autofree char *middle = g_build_filename (f->dir, "dotfiles", "current.json", NULL);
  g_autoptr(TciaBasket) basket = NULL;
  g_autoptr(TciaBasket) again = NULL;
  g_autoptr(GPtrArray) series = rich_series (3);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  /* basket.json -> (absolute) dotfiles/current.json -> (relative) tcia/basket.json */
  {
    g_autoptr(GFile) real_file = g_file_new_for_path (real);
    g_autoptr(TciaBasket) first = tcia_basket_new (real_file);
    g_autoptr(TciaSeries) one = simple_series (1);

    tcia_basket_add (first, one);
    g_assert_true (tcia_basket_flush (first, &error));
    g_assert_no_error (error);
    g_assert_finalize_object (g_steal_pointer (&first));
  }
  make_link ("tcia/basket.json", middle);
  make_link (middle, f->path);

  basket = tcia_basket_new (f->file);
  g_assert_true (tcia_basket_load (basket, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_basket_get_n_series (basket), ==, 1);
  tcia_basket_add_many (basket, (TciaSeries * const *) series->pdata, series->len);
  g_assert_true (tcia_basket_flush (basket, &error));
  g_assert_no_error (error);

  assert_link (f->path, middle);
  assert_link (middle, "tcia/basket.json");
  g_assert_true (g_file_test (real, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (real, G_FILE_TEST_IS_SYMLINK));
  contents = read_file (real);
  g_assert_nonnull (strstr (contents, tcia_series_get_series_uid (series->pdata[2])));

  /* The temporary file was renamed in the target's folder, not left beside the link. */
  {
    g_autofree char *names = list_dir (real_dir);
    g_autofree char *link_dir = file_dir (f);
    g_autofree char *link_names = list_dir (link_dir);

    g_assert_cmpstr (names, ==, "basket.json");
    g_assert_cmpstr (link_names, ==, "basket.json");
  }

  again = tcia_basket_new (f->file);
  g_assert_true (tcia_basket_load (again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_basket_get_n_series (again), ==, 4);

  g_assert_finalize_object (g_steal_pointer (&basket));
  g_assert_finalize_object (g_steal_pointer (&again));
}

/* A link to nothing, or a loop of links: the save fails and says why,
 * the link is left as it was and the basket keeps its series. */
static void
test_file_symlink_broken (FileFixture   *f,
                          gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->dir, "gone", "basket.json", NULL);
  g_autofree char *loop_a = g_build_filename (f->dir, "a.json", NULL);
  g_autofree char *loop_b = g_build_filename (f->dir, "b.json", NULL);
  struct {
    const char *target;
    GIOErrorEnum code;
    const char *says;
  } cases[] = {
    { missing, G_IO_ERROR_NOT_FOUND, "does not exist" },
    { loop_a, G_IO_ERROR_TOO_MANY_LINKS, "leads back to itself" },
  };

  make_link (loop_b, loop_a);
  make_link (loop_a, loop_b);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TciaBasket) basket = tcia_basket_new (f->file);
      g_autoptr(TciaSeries) series = simple_series (1);
      g_autoptr(GError) error = NULL;

      make_link (cases[i].target, f->path);
      tcia_basket_add (basket, series);
      g_assert_false (tcia_basket_flush (basket, &error));
      g_assert_error (error, TCIA_BASKET_ERROR, TCIA_BASKET_ERROR_IO);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "basket.json"));
      g_assert_nonnull (strstr (error->message, cases[i].says));

      assert_link (f->path, cases[i].target);
      g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
      g_assert_cmpuint (tcia_basket_get_n_series (basket), ==, 1);

      /* Once the link is gone, the next save writes the series. */
      g_assert_cmpint (g_unlink (f->path), ==, 0);
      g_assert_true (tcia_basket_flush (basket, NULL));
      g_assert_true (g_file_test (f->path, G_FILE_TEST_IS_REGULAR));
      g_assert_cmpint (g_unlink (f->path), ==, 0);
      g_assert_finalize_object (g_steal_pointer (&basket));
    }
}

static void
assert_set_aside (FileFixture *f,
                  const char  *contents,
                  gssize       len,
                  const char  *why)
{
  g_autoptr(TciaBasket) basket = NULL;
  g_autoptr(TciaBasket) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaSeries) series = simple_series (1);
  g_autofree char *dir = file_dir (f);
  g_autofree char *copy = NULL;
  g_autofree char *copied = NULL;
  gsize copied_len = 0;

  if (len < 0)
    len = (gssize) strlen (contents);

  g_mkdir_with_parents (dir, 0700);
  write_file (f->path, contents, len);

  basket = tcia_basket_new (f->file);
  g_assert_false (tcia_basket_load (basket, &error));
  g_assert_error (error, TCIA_BASKET_ERROR, TCIA_BASKET_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, why));
  g_assert_cmpuint (tcia_basket_get_n_series (basket), ==, 0);

  /* Moved aside, byte for byte, and the message says where. */
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
  copy = find_corrupt_copy (dir);
  g_assert_nonnull (copy);
  g_assert_nonnull (strstr (error->message, copy));
  g_assert_true (g_file_get_contents (copy, &copied, &copied_len, NULL));
  g_assert_cmpmem (copied, copied_len, contents, len);

  /* The basket works on, and its next save leaves the copy alone. */
  tcia_basket_add (basket, series);
  g_assert_true (tcia_basket_flush (basket, NULL));
  g_clear_pointer (&copied, g_free);
  g_assert_true (g_file_get_contents (copy, &copied, &copied_len, NULL));
  g_assert_cmpmem (copied, copied_len, contents, len);

  again = tcia_basket_new (f->file);
  g_assert_true (tcia_basket_load (again, NULL));
  g_assert_cmpuint (tcia_basket_get_n_series (again), ==, 1);

  g_assert_finalize_object (g_steal_pointer (&basket));
  g_assert_finalize_object (g_steal_pointer (&again));
  g_unlink (copy);
  g_unlink (f->path);
}

static void
test_file_corrupt (FileFixture   *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) series = rich_series (3);
  g_autoptr(GBytes) good = tcia_basket_serialize (series);
  gsize good_len;
  const char *good_text = g_bytes_get_data (good, &good_len);

  assert_set_aside (f, "garbage, not JSON at all\n", -1, "not valid JSON");
  assert_set_aside (f, "\x89PNG\r\n\x1a\n\0\0\0\r", 12, "not valid JSON");
  assert_set_aside (f, "", 0, "not valid JSON");
  /* Truncated in the middle of the second series. */
  assert_set_aside (f, good_text, (gssize) (good_len * 2 / 3), "not valid JSON");
  assert_set_aside (f, "{\"version\":2,\"series\":[]}", -1, "version 2");
  assert_set_aside (f, "{\"series\":[]}", -1, "no version");
  assert_set_aside (f, "{\"version\":1}", -1, "no list of series");
  assert_set_aside (f, "[{\"SeriesInstanceUID\":\"1.2\"}]", -1, "not a JSON object");
  assert_set_aside (f, "{\"version\":1,\"series\":{}}", -1, "not a list");
  assert_set_aside (f, "{\"version\":\"1\",\"series\":[]}", -1, "version");
  assert_set_aside (f, "{\"version\":1,\"series\":[{\"SeriesInstanceUID\":\"1.\xff\"}]}", -1,
                    "not valid JSON");
  assert_set_aside (f, "{\"version\":1,\"series\":[]} trailing", -1, "not valid JSON");
}

static void
test_file_corrupt_twice (FileFixture   *f,
                         gconstpointer  data)
{
  g_autofree char *dir = file_dir (f);
  g_autofree char *listing = NULL;
  g_auto(GStrv) names = NULL;

  g_mkdir_with_parents (dir, 0700);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(TciaBasket) basket = tcia_basket_new (f->file);
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = g_strdup_printf ("bad %u", i);

      write_file (f->path, contents, -1);
      g_assert_false (tcia_basket_load (basket, &error));
      g_assert_error (error, TCIA_BASKET_ERROR, TCIA_BASKET_ERROR_CORRUPT);
      g_assert_finalize_object (g_steal_pointer (&basket));
    }

  /* Three copies, none overwritten (probably within the same second). */
  listing = list_dir (dir);
  names = g_strsplit (listing, " ", -1);
  g_assert_cmpuint (g_strv_length (names), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autofree char *contents = read_file (path);

      g_assert_true (g_str_has_prefix (names[i], "basket.json.corrupt-"));
      g_assert_true (g_str_has_prefix (contents, "bad "));
    }
}

/* A basket file written by the version before the shared series file
 * (tests/data/series-file/basket-v1.json) loads, and writes back the same. */
static void
test_file_legacy (FileFixture   *f,
                  gconstpointer  data)
{
  g_autofree char *legacy = g_test_build_filename (G_TEST_DIST, "data", "series-file",
                                                   "basket-v1.json", NULL);
  g_autoptr(TciaBasket) basket = tcia_basket_new (f->file);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = file_dir (f);
  g_autofree char *contents = read_file (legacy);
  g_autoptr(GPtrArray) snapshot = NULL;
  g_autoptr(GBytes) again = NULL;
  TciaSeries *series;

  g_mkdir_with_parents (dir, 0700);
  write_file (f->path, contents, -1);

  g_assert_true (tcia_basket_load (basket, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_basket_get_n_series (basket), ==, 3);
  series = tcia_basket_lookup (basket,
                               "1.3.6.1.4.1.14519.5.2.1.6279.6001.141365756818074696859567662357");
  g_assert_nonnull (series);
  g_assert_cmpuint (tcia_series_get_file_size (series), ==, G_GUINT64_CONSTANT (16777216000));
  g_assert_cmpuint (tcia_series_get_image_count (series), ==, 2);
  g_assert_cmpstr (tcia_series_get_collection (series), ==, "LIDC-IDRI");
  series = tcia_basket_lookup (basket, "1.2.840.113654.2.55.1");
  g_assert_cmpstr (tcia_series_get_series_description (series), ==, "Ünïcode ✓");
  g_assert_null (find_corrupt_copy (dir));

  snapshot = tcia_basket_snapshot (basket);
  again = tcia_basket_serialize (snapshot);
  g_assert_cmpstr (g_bytes_get_data (again, NULL), ==, contents);

  g_assert_finalize_object (g_steal_pointer (&basket));
}

static void
test_file_partial (FileFixture   *f,
                   gconstpointer  data)
{
  static const char contents[] =
    "{\"version\":1,\"extra\":{\"future\":[1,2]},\"series\":[\n"
    "{\"SeriesInstanceUID\":\"1.2.3\",\"Collection\":\"A\",\"FileSize\":100,\"nested\":[{}]},\n"
    "{\"Collection\":\"no uid here\"},\n"
    "\"not an object\",\n"
    "{\"SeriesInstanceUID\":\"1.2.4\",\"ImageCount\":\"7\",\"Phantom\":null},\n"
    "{\"SeriesInstanceUID\":\"1.2.3\",\"Collection\":\"the same again\"}\n"
    "]}\n";
  g_autoptr(TciaBasket) basket = tcia_basket_new (f->file);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = file_dir (f);
  g_autofree char *copy = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *still = NULL;
  TciaSeries *series;

  g_mkdir_with_parents (dir, 0700);
  write_file (f->path, contents, -1);

  g_assert_false (tcia_basket_load (basket, &error));
  g_assert_error (error, TCIA_BASKET_ERROR, TCIA_BASKET_ERROR_PARTIAL);
  g_assert_nonnull (strstr (error->message, "2 entries"));
  g_assert_cmpuint (tcia_basket_get_n_series (basket), ==, 2);
  series = tcia_basket_lookup (basket, "1.2.3");
  g_assert_cmpstr (tcia_series_get_collection (series), ==, "A");
  g_assert_cmpuint (tcia_series_get_file_size (series), ==, 100);
  g_assert_cmpuint (tcia_series_get_image_count (tcia_basket_lookup (basket, "1.2.4")), ==, 7);

  /* A copy of the whole original; the file itself is left until the next change. */
  copy = find_corrupt_copy (dir);
  g_assert_nonnull (copy);
  g_assert_nonnull (strstr (error->message, copy));
  copied = read_file (copy);
  g_assert_cmpstr (copied, ==, contents);
  g_assert_true (tcia_basket_flush (basket, NULL));
  still = read_file (f->path);
  g_assert_cmpstr (still, ==, contents);

  g_assert_finalize_object (g_steal_pointer (&basket));
}

/* A basket file that cannot be read is not written over. */
static void
test_file_unreadable (FileFixture   *f,
                      gconstpointer  data)
{
  g_autoptr(TciaBasket) basket = tcia_basket_new (f->file);
  g_autoptr(TciaSeries) series = simple_series (1);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (f->path, 0700);
  g_assert_false (tcia_basket_load (basket, &error));
  g_assert_error (error, TCIA_BASKET_ERROR, TCIA_BASKET_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "basket.json"));

  tcia_basket_add (basket, series);
  g_assert_true (tcia_basket_flush (basket, NULL));
  g_assert_true (g_file_test (f->path, G_FILE_TEST_IS_DIR));

  g_assert_finalize_object (g_steal_pointer (&basket));
}

/* Many series: one batch in, a file, one batch out and back. */
static void
test_file_many (FileFixture   *f,
                gconstpointer  data)
{
  g_autoptr(TciaBasket) basket = tcia_basket_new (f->file);
  g_autoptr(TciaBasket) again = NULL;
  g_autoptr(GPtrArray) series = rich_series (20000);
  g_autoptr(GPtrArray) odd = g_ptr_array_new ();
  g_autoptr(TciaBasketRemoval) removal = NULL;
  g_autoptr(GError) error = NULL;
  Changes changes = { 0 };

  g_signal_connect (basket, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  g_assert_cmpuint (tcia_basket_add_many (basket, (TciaSeries * const *) series->pdata,
                                          series->len), ==, 20000);
  g_assert_cmpuint (changes.n_calls, ==, 1);
  g_assert_true (tcia_basket_flush (basket, &error));

  for (guint i = 1; i < series->len; i += 2)
    g_ptr_array_add (odd, (gpointer) tcia_series_get_series_uid (g_ptr_array_index (series, i)));
  g_ptr_array_add (odd, NULL);
  removal = tcia_basket_remove_many (basket, (const char * const *) odd->pdata);
  g_assert_cmpuint (changes.n_calls, ==, 2);
  g_assert_cmpuint (tcia_basket_get_n_series (basket), ==, 10000);
  g_assert_cmpuint (tcia_basket_restore (basket, removal), ==, 10000);
  g_assert_cmpuint (changes.n_calls, ==, 3);
  for (guint i = 0; i < series->len; i += 997)
    {
      g_autoptr(TciaSeries) item = g_list_model_get_item (G_LIST_MODEL (basket), i);

      g_assert_true (item == g_ptr_array_index (series, i));
    }

  again = tcia_basket_new (f->file);
  g_assert_true (tcia_basket_load (again, &error));
  g_assert_cmpuint (tcia_basket_get_n_series (again), ==, 20000);
  g_assert_cmpuint (tcia_basket_get_total_bytes (again), ==,
                    tcia_basket_get_total_bytes (basket));

  g_assert_finalize_object (g_steal_pointer (&basket));
  g_assert_finalize_object (g_steal_pointer (&again));
}

/* ---- Export ------------------------------------------------------------------------------------ */

static void
test_export_manifest (FileFixture   *f,
                      gconstpointer  data)
{
  g_autoptr(TciaBasket) basket = tcia_basket_new (NULL);
  g_autoptr(GPtrArray) series = rich_series (4);
  g_autofree char *path = g_build_filename (f->dir, "basket.tcia", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) parsed = NULL;
  g_autofree char *text = NULL;
  const char * const *uids;

  tcia_basket_add_many (basket, (TciaSeries * const *) series->pdata, series->len);
  g_assert_true (tcia_basket_export (basket, TCIA_BASKET_EXPORT_MANIFEST, out, NULL, &error));
  g_assert_no_error (error);

  /* What the Data Retriever reads: the header, then the UIDs in basket order. */
  text = read_file (path);
  g_assert_true (g_str_has_prefix (text, "downloadServerUrl=" TCIA_MANIFEST_DEFAULT_SERVER_URL
                                   "\nincludeAnnotation=false\nnoOfrRetry=4\n"
                                   "databasketId=manifest-"));
  g_assert_nonnull (strstr (text, "\nmanifestVersion=3.0\nListOfSeriesToDownload=\n"
                                  "1.3.6.1.4.1.14519.5.2.1.6834.5010.0\n"));
  parsed = tcia_import_parse_file (out, TCIA_IMPORT_FORMAT_AUTO, TCIA_IMPORT_FLAGS_NONE, NULL,
                                   &error);
  g_assert_no_error (error);
  g_assert_cmpint (tcia_import_file_get_format (parsed), ==, TCIA_IMPORT_FORMAT_MANIFEST);
  uids = tcia_import_file_get_uids (parsed);
  for (guint i = 0; i < series->len; i++)
    g_assert_cmpstr (uids[i], ==, tcia_series_get_series_uid (g_ptr_array_index (series, i)));
  g_assert_null (uids[series->len]);

  g_assert_finalize_object (g_steal_pointer (&basket));
}

static void
test_export_csv (FileFixture   *f,
                 gconstpointer  data)
{
  g_autoptr(TciaBasket) basket = tcia_basket_new (NULL);
  g_autoptr(GPtrArray) series = rich_series (3);
  g_autofree char *path = g_build_filename (f->dir, "basket.csv", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) parsed = NULL;
  g_autofree char *text = NULL;
  GListModel *hints;

  tcia_basket_add_many (basket, (TciaSeries * const *) series->pdata, series->len);
  tcia_basket_export_async (basket, TCIA_BASKET_EXPORT_CSV, out, NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (tcia_basket_export_finish (basket, result, &error));
  g_assert_no_error (error);

  text = read_file (path);
  g_assert_true (g_str_has_prefix (text, "SeriesInstanceUID,StudyInstanceUID,PatientID,"));
  g_assert_nonnull (strstr (text, ",FileSize,"));
  g_assert_nonnull (strstr (text, "\r\n"));
  /* RFC 4180 quoting of a field with a comma, quotes and a line break. */
  g_assert_nonnull (strstr (text, "\"P4^P100^S100^I0, Gated, 0.0% \"\"quoted\"\"\nnext line"));

  /* Our own parser reads it back, every property as it was. */
  parsed = tcia_import_parse_file (out, TCIA_IMPORT_FORMAT_AUTO, TCIA_IMPORT_FLAGS_NONE, NULL,
                                   &error);
  g_assert_no_error (error);
  g_assert_cmpint (tcia_import_file_get_format (parsed), ==, TCIA_IMPORT_FORMAT_CSV);
  g_assert_cmpuint (tcia_import_file_get_n_uids (parsed), ==, 3);
  hints = tcia_import_file_get_hints (parsed);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(TciaSeries) hint = g_list_model_get_item (hints, i);

      assert_same_series (g_ptr_array_index (series, i), hint);
    }

  g_clear_object (&result);
  assert_finalized_soon (g_steal_pointer (&basket));
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

static void
test_export_fails (FileFixture   *f,
                   gconstpointer  data)
{
  g_autoptr(TciaBasket) basket = tcia_basket_new (NULL);
  g_autoptr(TciaSeries) odd = series_new ("not-a-uid", 1, 1, NULL, NULL);
  g_autofree char *path = g_build_filename (f->dir, "no", "such", "dir", "out.csv", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *manifest = NULL;

  tcia_basket_add (basket, odd);
  g_assert_false (tcia_basket_export (basket, TCIA_BASKET_EXPORT_CSV, out, NULL, &error));
  g_assert_error (error, TCIA_BASKET_ERROR, TCIA_BASKET_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "out.csv"));
  g_clear_error (&error);

  /* A manifest holds only digits and dots. */
  manifest = tcia_basket_to_manifest (basket, NULL, &error);
  g_assert_null (manifest);
  g_assert_error (error, TCIA_MANIFEST_ERROR, TCIA_MANIFEST_ERROR_INVALID_UID);

  g_assert_finalize_object (g_steal_pointer (&basket));
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
  g_test_add_func ("/core/basket/licences/from-server", test_licences_from_server);

#define ADD(path, func) \
  g_test_add ("/core/basket/" path, FileFixture, NULL, file_setup, func, file_teardown)
  ADD ("file/restart", test_file_restart);
  ADD ("file/autosave", test_file_autosave);
  ADD ("file/dispose-saves", test_file_dispose_saves);
  ADD ("file/atomic", test_file_atomic);
  ADD ("file/save-fails", test_file_save_fails);
  ADD ("file/symlink", test_file_symlink);
  ADD ("file/symlink-broken", test_file_symlink_broken);
  ADD ("file/corrupt", test_file_corrupt);
  ADD ("file/corrupt-twice", test_file_corrupt_twice);
  ADD ("file/partial", test_file_partial);
  ADD ("file/legacy", test_file_legacy);
  ADD ("file/unreadable", test_file_unreadable);
  ADD ("file/many", test_file_many);
  ADD ("export/manifest", test_export_manifest);
  ADD ("export/csv", test_export_csv);
  ADD ("export/fails", test_export_fails);
#undef ADD

  return g_test_run ();
}

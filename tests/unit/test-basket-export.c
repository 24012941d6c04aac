/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Exporting the basket: a manifest, a CSV file, and failing to. */

#include "config.h"

#include "basket-test-util.h"

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
  tcia_basket_export_async (basket, TCIA_BASKET_EXPORT_CSV, out, NULL, store_result_cb, &result);
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

  BASKET_FILE_TEST ("export/manifest", test_export_manifest);
  BASKET_FILE_TEST ("export/csv", test_export_csv);
  BASKET_FILE_TEST ("export/fails", test_export_fails);

  return g_test_run ();
}

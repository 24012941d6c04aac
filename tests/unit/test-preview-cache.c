/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "unit-test-util.h"
#include "tcia-extract.h"
#include "tcia-preview-cache.h"

static FakeNbia *fake;
static char *url_v4;

typedef struct
{
  char             *dir;
  TciaClient       *client;
  TciaPreviewCache *cache;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cache_dir = NULL;

  f->dir = g_dir_make_tmp ("test-preview-XXXXXX", &error);
  g_assert_no_error (error);
  cache_dir = g_build_filename (f->dir, "thumbnails", NULL);
  f->client = tcia_client_new (url_v4, &error);
  g_assert_no_error (error);
  tcia_client_set_retry_policy (f->client, 2, 5, 10);
  f->cache = tcia_preview_cache_new (f->client, cache_dir);
  fake_nbia_clear_faults (fake);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  TciaPreviewCache *cache = f->cache;

  /* A worker thread may hold its task (and so the cache) a moment longer,
   * and lets it go without waking this thread: look now and then. */
  g_object_add_weak_pointer (G_OBJECT (cache), (gpointer *) &cache);
  g_clear_object (&f->cache);
  for (guint i = 0; i < 3000 && cache != NULL; i++)
    spin (10);
  g_assert_null (cache);
  g_clear_object (&f->client);
  tcia_extract_remove_tree (f->dir, NULL);
  g_free (f->dir);
}

static const char *
series_uid (guint index)
{
  static FakeNbiaSeriesInfo info;

  fake_nbia_get_series (fake, index, &info);
  return info.series_uid;
}

static GBytes *
load (Fixture     *f,
      const char  *uid,
      gboolean    *from_cache,
      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tcia_preview_cache_load_async (f->cache, uid, NULL, store_result_cb, &result);
  wait_for (&result);
  return tcia_preview_cache_load_finish (f->cache, result, from_cache, error);
}

static char *
stored_path (Fixture    *f,
             const char *uid)
{
  g_autofree char *name = g_strconcat (uid, ".jpg", NULL);

  return g_build_filename (tcia_preview_cache_get_dir (f->cache), name, NULL);
}

static void
test_fetch_and_reuse (Fixture       *f,
                      gconstpointer  data)
{
  const char *uid = series_uid (0);
  g_autofree char *path = stored_path (f, uid);
  guint sops = fake_nbia_get_request_count (fake, "getSOPInstanceUIDs");
  guint thumbs = fake_nbia_get_request_count (fake, "getThumbnail");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  gboolean from_cache = TRUE;
  gsize len;
  const guint8 *bytes;

  first = load (f, uid, &from_cache, &error);
  g_assert_no_error (error);
  g_assert_false (from_cache);
  bytes = g_bytes_get_data (first, &len);
  g_assert_cmpstr (tcia_preview_cache_sniff (bytes, len), ==, "jpg");
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getSOPInstanceUIDs"), ==, sops + 1);
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getThumbnail"), ==, thumbs + 1);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  /* Again: from the folder, without a request. */
  second = load (f, uid, &from_cache, &error);
  g_assert_no_error (error);
  g_assert_true (from_cache);
  g_assert_true (g_bytes_equal (first, second));
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getSOPInstanceUIDs"), ==, sops + 1);
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getThumbnail"), ==, thumbs + 1);

  /* Dropped (it did not decode): asked for again. */
  tcia_preview_cache_discard (f->cache, uid);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_pointer (&second, g_bytes_unref);
  second = load (f, uid, &from_cache, &error);
  g_assert_no_error (error);
  g_assert_false (from_cache);
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getThumbnail"), ==, thumbs + 2);
}

static void
test_server_error (Fixture       *f,
                   gconstpointer  data)
{
  const char *uid = series_uid (1);
  g_autofree char *path = stored_path (f, uid);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_THUMBNAIL_500, 0, uid);
  bytes = load (f, uid, NULL, &error);
  g_assert_null (bytes);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_SERVER);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  /* Nothing of a failure is kept: the next asking goes to the server. */
  fake_nbia_clear_faults (fake);
  g_clear_error (&error);
  bytes = load (f, uid, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static void
test_not_an_image (Fixture       *f,
                   gconstpointer  data)
{
  const char *uid = series_uid (2);
  g_autofree char *path = stored_path (f, uid);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint thumbs = fake_nbia_get_request_count (fake, "getThumbnail");
  gboolean from_cache = TRUE;

  /* A damaged file in the folder is not trusted: fetched again. */
  g_assert_cmpint (g_mkdir_with_parents (tcia_preview_cache_get_dir (f->cache), 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "<html>not an image</html>", -1, NULL));
  bytes = load (f, uid, &from_cache, &error);
  g_assert_no_error (error);
  g_assert_false (from_cache);
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getThumbnail"), ==, thumbs + 1);
  g_assert_cmpstr (tcia_preview_cache_sniff (g_bytes_get_data (bytes, NULL),
                                             g_bytes_get_size (bytes)), ==, "jpg");

  /* A series UID that could name another file is refused. */
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = load (f, "../1.2", NULL, &error);
  g_assert_null (bytes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_bounded (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) one = load (f, series_uid (3), NULL, &error);
  g_autofree char *first = stored_path (f, series_uid (3));
  g_autofree char *last = stored_path (f, series_uid (5));

  g_assert_no_error (error);
  /* Room for a little more than one preview. */
  tcia_preview_cache_set_max_bytes (f->cache, g_bytes_get_size (one) * 3 / 2);
  for (guint i = 4; i <= 5; i++)
    {
      g_autoptr(GBytes) bytes = load (f, series_uid (i), NULL, &error);

      g_assert_no_error (error);
    }
  g_assert_false (g_file_test (first, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (last, G_FILE_TEST_IS_REGULAR));
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *uid = series_uid (6);
  g_autofree char *path = stored_path (f, uid);

  fake_nbia_set_latency (fake, 300);
  tcia_preview_cache_load_async (f->cache, uid, cancellable, store_result_cb, &result);
  g_cancellable_cancel (cancellable);
  wait_for (&result);
  bytes = tcia_preview_cache_load_finish (f->cache, result, NULL, &error);
  fake_nbia_set_latency (fake, 0);
  g_assert_null (bytes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_sniff (void)
{
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff, 0xe0 };
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0 };

  g_assert_cmpstr (tcia_preview_cache_sniff (jpeg, sizeof jpeg), ==, "jpg");
  g_assert_cmpstr (tcia_preview_cache_sniff (png, sizeof png), ==, "png");
  g_assert_cmpstr (tcia_preview_cache_sniff ((const guint8 *) "GIF89a", 6), ==, "gif");
  g_assert_null (tcia_preview_cache_sniff (jpeg, 2));
  g_assert_null (tcia_preview_cache_sniff ((const guint8 *) "<html>", 6));
  g_assert_null (tcia_preview_cache_sniff (NULL, 0));
}

int
main (int   argc,
      char *argv[])
{

  g_test_init (&argc, &argv, NULL);

  fake = download_test_start_server (&url_v4);

  g_test_add_func ("/core/preview/sniff", test_sniff);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/preview/fetch-and-reuse", test_fetch_and_reuse);
  ADD ("/core/preview/server-error", test_server_error);
  ADD ("/core/preview/not-an-image", test_not_an_image);
  ADD ("/core/preview/bounded", test_bounded);
  ADD ("/core/preview/cancel", test_cancel);
#undef ADD

  return download_test_run (fake, url_v4);
}

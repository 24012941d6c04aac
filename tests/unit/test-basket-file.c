/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The file the basket lives in: restart, autosave, atomic saves, symbolic
 * links, corruption and old formats. */

#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include "basket-test-util.h"

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  BASKET_FILE_TEST ("file/restart", test_file_restart);
  BASKET_FILE_TEST ("file/autosave", test_file_autosave);
  BASKET_FILE_TEST ("file/dispose-saves", test_file_dispose_saves);
  BASKET_FILE_TEST ("file/atomic", test_file_atomic);
  BASKET_FILE_TEST ("file/save-fails", test_file_save_fails);
  BASKET_FILE_TEST ("file/symlink", test_file_symlink);
  BASKET_FILE_TEST ("file/symlink-broken", test_file_symlink_broken);
  BASKET_FILE_TEST ("file/corrupt", test_file_corrupt);
  BASKET_FILE_TEST ("file/corrupt-twice", test_file_corrupt_twice);
  BASKET_FILE_TEST ("file/partial", test_file_partial);
  BASKET_FILE_TEST ("file/legacy", test_file_legacy);
  BASKET_FILE_TEST ("file/unreadable", test_file_unreadable);
  BASKET_FILE_TEST ("file/many", test_file_many);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "unit-test-util.h"
#include "catalogue-test-util.h"
#include "tcia-download-queue.h"
#include "tcia-layout.h"

/* "What is new" in a folder a real download from the fake server wrote:
 * the series added to its collections since, and the series in it whose
 * data changed since, each group on its own. */

#define N_SERIES 300

typedef struct
{
  FakeNbia           *fake;
  TciaClient         *client;
  TciaLocalCatalogue *catalogue;
  char               *dir;
  char               *dest;
} Fixture;

static void
finished_cb (TciaDownloadQueue *queue,
             gpointer           user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
download (Fixture            *f,
          const char * const *uids)
{
  g_autoptr(GListModel) series = download_test_fetch_series (f->client, uids);
  g_autoptr(GFile) dest = g_file_new_for_path (f->dest);
  g_autoptr(TciaDownloadQueue) queue = tcia_download_queue_new (f->client, dest,
                                                                TCIA_LAYOUT_DESCRIPTIVE);
  gboolean finished = FALSE;

  g_signal_connect (queue, "finished", G_CALLBACK (finished_cb), &finished);
  for (guint i = 0; i < g_list_model_get_n_items (series); i++)
    {
      g_autoptr(TciaSeries) s = g_list_model_get_item (series, i);

      tcia_download_queue_add (queue, s);
    }
  tcia_download_queue_start (queue);
  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (tcia_download_queue_get_n_failed (queue), ==, 0);
}

static GListModel *
list_new (Fixture  *f,
          guint    *n_added,
          GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tcia_local_catalogue_list_new_async (f->catalogue, f->dest, NULL, NULL, store_result_cb,
                                       &result);
  wait_for (&result);
  return tcia_local_catalogue_list_new_finish (f->catalogue, result, n_added, error);
}

/* Rewrites the value of @column in @uid's row of the folder's metadata.csv:
 * what the download recorded, as an older download would have. */
static void
edit_row (Fixture    *f,
          const char *uid,
          const char *column,
          const char *value)
{
  g_autofree char *csv = g_build_filename (f->dest, "metadata.csv", NULL);
  g_autoptr(GPtrArray) records = read_metadata_records (csv);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  GPtrArray *header = records->pdata[0];
  guint at = G_MAXUINT;
  gboolean edited = FALSE;

  for (guint c = 0; c < header->len; c++)
    if (strcmp (header->pdata[c], column) == 0)
      at = c;
  g_assert_cmpuint (at, <, header->len);
  for (guint r = 0; r < records->len; r++)
    {
      GPtrArray *fields = records->pdata[r];

      if (r > 0 && strcmp (fields->pdata[0], uid) == 0)
        {
          g_free (fields->pdata[at]);
          fields->pdata[at] = g_strdup (value);
          edited = TRUE;
        }
      for (guint c = 0; c < fields->len; c++)
        {
          if (c > 0)
            g_string_append_c (text, ',');
          tcia_csv_append_field (text, fields->pdata[c]);
        }
      g_string_append (text, "\r\n");
    }
  g_assert_true (edited);
  g_file_set_contents (csv, text->str, text->len, &error);
  g_assert_no_error (error);
}

static void
release_tomorrow (Fixture    *f,
                  const char *uid)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);

  g_assert_true (fake_nbia_release_series_again (f->fake, uid, g_date_time_get_year (tomorrow),
                                                 g_date_time_get_month (tomorrow),
                                                 g_date_time_get_day_of_month (tomorrow)));
}

static void
assert_uids (GListModel         *rows,
             guint               from,
             guint               to,
             const char * const *expected)
{
  g_assert_cmpuint (to - from, ==, g_strv_length ((char **) expected));
  for (guint i = from; i < to; i++)
    {
      g_autoptr(TciaSeries) s = g_list_model_get_item (rows, i);

      g_assert_true (g_strv_contains (expected, tcia_series_get_series_uid (s)));
    }
}

static void
test_groups (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) rows = NULL;
  g_autofree char *url = NULL;
  Fixture f = { 0 };
  FakeNbiaOptions options;
  FakeNbiaSeriesInfo info[N_SERIES];
  FakeNbiaSeriesInfo elsewhere = { 0 };
  const char *picked[5] = { NULL };
  guint n_picked = 0, n_added = G_MAXUINT;
  char *path;

  fake_nbia_options_init (&options);
  options.n_series = N_SERIES;
  options.retry_after_s = 0;
  f.fake = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (f.fake, 0, &error));
  g_assert_no_error (error);
  url = fake_nbia_get_url (f.fake, 4);
  f.client = tcia_client_new (url, &error);
  g_assert_no_error (error);
  f.dir = g_dir_make_tmp ("tcia-whats-new-XXXXXX", &error);
  g_assert_no_error (error);
  f.dest = g_build_filename (f.dir, "download", NULL);
  path = g_build_filename (f.dir, "catalogue.db", NULL);
  f.catalogue = tcia_local_catalogue_new (path, &error);
  g_free (path);
  g_assert_no_error (error);
  sync_catalogue_from (f.catalogue, f.client);

  /* Five series of a collection (a, b, c, d downloaded, e not), one of
   * another collection. */
  for (guint i = 0; i < N_SERIES; i++)
    {
      fake_nbia_get_series (f.fake, i, &info[i]);
      if (g_strcmp0 (info[i].collection, info[0].collection) == 0 && n_picked < 5)
        picked[n_picked++] = info[i].series_uid;
      else if (elsewhere.series_uid == NULL &&
               g_strcmp0 (info[i].collection, info[0].collection) != 0)
        elsewhere = info[i];
    }
  g_assert_cmpuint (n_picked, ==, 5);
  g_assert_nonnull (elsewhere.series_uid);
  {
    const char *uids[] = { picked[0], picked[1], picked[2], picked[3], NULL };

    download (&f, uids);
  }

  /* Just downloaded: the collection's other series are as old as the
   * download, left out on purpose; nothing changed. */
  rows = list_new (&f, &n_added, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 0);
  g_assert_cmpuint (n_added, ==, 0);
  g_clear_object (&rows);

  /* Since: e released (new), b released again (changed), c now with
   * another image count and d another size than the download recorded
   * (changed), a series of another collection released (not this
   * folder's); a stays as it was. */
  release_tomorrow (&f, picked[4]);
  release_tomorrow (&f, picked[1]);
  release_tomorrow (&f, elsewhere.series_uid);
  edit_row (&f, picked[2], "Number of Images", "9999");
  edit_row (&f, picked[3], "File Size", "1.00 KB");
  sync_catalogue_from (f.catalogue, f.client);

  rows = list_new (&f, &n_added, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_added, ==, 1);
  {
    const char *added[] = { picked[4], NULL };
    const char *changed[] = { picked[1], picked[2], picked[3], NULL };

    assert_uids (rows, 0, n_added, added);
    assert_uids (rows, n_added, g_list_model_get_n_items (rows), changed);
  }
  g_clear_object (&rows);

  /* A folder nothing was downloaded into. */
  g_free (f.dest);
  f.dest = g_strdup (f.dir);
  rows = list_new (&f, &n_added, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (rows);

  for (guint i = 0; i < 100 && G_OBJECT (f.catalogue)->ref_count > 1; i++)
    spin (10);
  g_assert_finalize_object (f.catalogue);
  g_clear_object (&f.client);
  fake_nbia_free (f.fake);
  remove_tree (f.dir);
  g_free (f.dir);
  g_free (f.dest);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/whats-new/groups", test_groups);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the unit tests share beyond tests/test-util.h: a fake server in a
 * thread of its own, series with their metadata fetched from it, and the
 * metadata.csv a download writes, read back. */

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fake-nbia.h"
#include "tcia-core.h"
#include "tcia-csv.h"
#include "tcia-metadata-csv.h"
#include "test-util.h"

static inline void
download_test_metadata_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GListModel **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = tcia_client_get_series_metadata_finish (TCIA_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

/* The series @uids with their metadata, as the queue needs them. */
static inline GListModel *
download_test_fetch_series (TciaClient         *client,
                            const char * const *uids)
{
  GListModel *series = NULL;

  tcia_client_get_series_metadata_async (client, uids, 0, NULL, NULL,
                                         download_test_metadata_cb, &series);
  while (series == NULL)
    g_main_context_iteration (NULL, TRUE);
  return series;
}

/* The first @n series of @fake with their metadata. */
static inline GListModel *
download_test_first_series (TciaClient *client,
                            FakeNbia   *fake,
                            guint       n)
{
  g_autoptr(GPtrArray) uids = g_ptr_array_new_with_free_func (g_free);
  GListModel *series;

  for (guint i = 0; i < n; i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (fake, i, &info);
      g_ptr_array_add (uids, g_strdup (info.series_uid));
    }
  g_ptr_array_add (uids, NULL);
  series = download_test_fetch_series (client, (const char * const *) uids->pdata);
  g_assert_cmpuint (g_list_model_get_n_items (series), ==, n);
  return series;
}

/* A client of @url_v4 that retries three times, 5 to 20 ms apart. */
static inline TciaClient *
download_test_client (const char *url_v4)
{
  g_autoptr(GError) error = NULL;
  TciaClient *client = tcia_client_new (url_v4, &error);

  g_assert_no_error (error);
  tcia_client_set_retry_policy (client, 3, 5, 20);
  return client;
}

/* A fake server answering at once (Retry-After 0), in a thread; its v4 URL in @url_v4. */
static inline FakeNbia *
download_test_start_server (char **url_v4)
{
  g_autoptr(GError) error = NULL;
  FakeNbiaOptions options;
  FakeNbia *fake;

  fake_nbia_options_init (&options);
  options.retry_after_s = 0;
  fake = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (fake, 0, &error));
  g_assert_no_error (error);
  *url_v4 = fake_nbia_get_url (fake, 4);
  return fake;
}

/* Runs the tests, then frees what download_test_start_server() gave. */
static inline int
download_test_run (FakeNbia *fake,
                   char     *url_v4)
{
  int status = g_test_run ();

  g_free (url_v4);
  fake_nbia_free (fake);
  return status;
}

/* The rows of the metadata.csv at @csv_path: Series UID → File Location;
 * none when its folder is not there. */
static inline GHashTable *
read_metadata_rows (const char *csv_path)
{
  g_autofree char *dir = g_path_get_dirname (csv_path);
  g_autoptr(GError) error = NULL;
  GHashTable *rows;
  int dest_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  /* Polled before the folder is there. */
  if (dest_fd < 0 && errno == ENOENT)
    return g_hash_table_new (g_str_hash, g_str_equal);
  g_assert_cmpint (dest_fd, >=, 0);
  rows = tcia_metadata_csv_read_locations (dest_fd, csv_path, &error);
  close (dest_fd);
  g_assert_no_error (error);
  return rows;
}

/* Every record of the metadata.csv at @csv_path, the header first, each an
 * array of its fields; each must end in a line break. */
static inline GPtrArray *
read_metadata_records (const char *csv_path)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(TciaCsvReader) reader = NULL;
  g_autofree char *text = NULL;
  gboolean terminated;
  GPtrArray *fields;
  gsize len;

  g_assert_true (g_file_get_contents (csv_path, &text, &len, NULL));
  reader = tcia_csv_reader_new (text, len, ',');
  while (tcia_csv_reader_next (reader, &fields, &terminated))
    {
      g_assert_true (terminated);
      g_ptr_array_add (records, fields);
    }
  return records;
}

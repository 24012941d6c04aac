/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tcia-client.h"
#include "tcia-download-queue.h"
#include "tcia-download-queue-private.h"
#include "tcia-fetcher.h"
#include "tcia-records-private.h"
#include "tcia-series-writer.h"

/* The queue works through whatever fetcher it is given: a fake source that
 * writes two files through the series writer, and promises their MD5s. */

#define FAKE_TYPE_FETCHER (fake_fetcher_get_type ())
G_DECLARE_FINAL_TYPE (FakeFetcher, fake_fetcher, FAKE, FETCHER, GObject)

struct _FakeFetcher
{
  GObject  parent_instance;
  gboolean damage;    /* send the second file other than promised */
  guint    n_fetches;
};

static const char *const names[] = { "1-1.dcm", "1-2.dcm" };
static const char *const contents[] = { "first image", "second image" };

static const char *
fake_get_name (TciaFetcher *fetcher)
{
  return "Fake";
}

static gboolean
fake_can_fetch (TciaFetcher *fetcher,
                TciaSeries  *series,
                guint64     *size)
{
  *size = strlen (contents[0]) + strlen (contents[1]);
  return TRUE;
}

static gboolean
fake_fetch (TciaFetcher       *fetcher,
            TciaSeries        *series,
            TciaSeriesWriter  *writer,
            SoupSession       *session,
            TciaHttpFailure   *failure,
            GCancellable      *cancellable,
            GError           **error)
{
  FakeFetcher *self = FAKE_FETCHER (fetcher);
  GHashTable *md5s = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_atomic_int_inc (&self->n_fetches);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *data = self->damage && i == 1 ? "tampered" : contents[i];

      g_hash_table_insert (md5s, g_strdup (names[i]),
                           g_compute_checksum_for_string (G_CHECKSUM_MD5, contents[i], -1));
      if (!tcia_series_writer_open_file (writer, names[i], TRUE, error) ||
          !tcia_series_writer_write (writer, data, strlen (data), error) ||
          !tcia_series_writer_close_file (writer, error))
        {
          g_hash_table_unref (md5s);
          return FALSE;
        }
    }
  tcia_series_writer_promise_md5s (writer, md5s);
  return tcia_series_writer_finish (writer, error);
}

static void
fake_fetcher_iface_init (TciaFetcherInterface *iface)
{
  iface->get_name = fake_get_name;
  iface->can_fetch = fake_can_fetch;
  iface->fetch = fake_fetch;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeFetcher, fake_fetcher, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TCIA_TYPE_FETCHER, fake_fetcher_iface_init))

static void
fake_fetcher_class_init (FakeFetcherClass *klass)
{
}

static void
fake_fetcher_init (FakeFetcher *self)
{
}

static TciaSeries *
series_new (const char *uid)
{
  const char *keys[] = { "SeriesInstanceUID", "Collection", "PatientID", "ImageCount" };
  const char *values[] = { uid, "Fake Collection", "P-1", "2" };

  return tcia_series_new_from_fields (keys, values, G_N_ELEMENTS (keys));
}

static void
finished_cb (TciaDownloadQueue *queue,
             gboolean          *finished)
{
  *finished = TRUE;
}

/* Runs one series through a queue with @fetcher; returns its job's state. */
static TciaDownloadJobState
run_queue (FakeFetcher  *fetcher,
           const char   *dest,
           const GError **job_error)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaClient) client = NULL;
  g_autoptr(GFile) dest_file = g_file_new_for_path (dest);
  g_autoptr(TciaDownloadQueue) queue = NULL;
  g_autoptr(TciaSeries) series = series_new ("1.2.3.4");
  static GError *kept = NULL;
  TciaDownloadJob *job;
  gboolean finished = FALSE;
  TciaDownloadJobState state;

  /* A client no request ever reaches: the fetcher is the fake. */
  client = tcia_client_new ("http://127.0.0.1:9/nbia-api/services/v4/", &error);
  g_assert_no_error (error);
  queue = tcia_download_queue_new (client, dest_file, TCIA_LAYOUT_FLAT);
  tcia_download_queue_set_fetcher (queue, TCIA_FETCHER (fetcher));
  tcia_download_queue_set_retry_policy (queue, 1, 1, 1);
  g_signal_connect (queue, "finished", G_CALLBACK (finished_cb), &finished);
  job = tcia_download_queue_add (queue, series);
  tcia_download_queue_start (queue);
  while (!finished)
    g_main_context_iteration (NULL, TRUE);

  state = tcia_download_job_get_state (job);
  g_clear_error (&kept);
  if (tcia_download_job_get_error (job) != NULL)
    kept = g_error_copy (tcia_download_job_get_error (job));
  *job_error = kept;
  return state;
}

static void
test_two_files (void)
{
  g_autoptr(FakeFetcher) fetcher = g_object_new (FAKE_TYPE_FETCHER, NULL);
  g_autofree char *dest = g_dir_make_tmp ("test-fetcher-XXXXXX", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *csv_path = g_build_filename (dest, "metadata.csv", NULL);
  g_autofree char *rel = NULL;
  const GError *error = NULL;

  g_assert_cmpint (run_queue (fetcher, dest, &error), ==, TCIA_DOWNLOAD_JOB_DONE);
  g_assert_no_error (error);
  g_assert_cmpuint (fetcher->n_fetches, ==, 1);

  /* Both files in the series' folder, none left in a ".part" one. */
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_nonnull (strstr (csv, "1.2.3.4"));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dest, "1.2.3.4", names[i], NULL);
      g_autofree char *text = NULL;

      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      g_assert_cmpstr (text, ==, contents[i]);
    }
  rel = g_build_filename (dest, "1.2.3.4.part", NULL);
  g_assert_false (g_file_test (rel, G_FILE_TEST_EXISTS));

  tcia_extract_remove_tree (dest, NULL);
}

static void
test_broken_promise (void)
{
  g_autoptr(FakeFetcher) fetcher = g_object_new (FAKE_TYPE_FETCHER, NULL);
  g_autofree char *dest = g_dir_make_tmp ("test-fetcher-XXXXXX", NULL);
  g_autofree char *folder = g_build_filename (dest, "1.2.3.4", NULL);
  g_autofree char *part = g_build_filename (dest, "1.2.3.4.part", NULL);
  const GError *error = NULL;

  /* The writer, not the source, checks what arrived against the promise. */
  fetcher->damage = TRUE;
  g_assert_cmpint (run_queue (fetcher, dest, &error), ==, TCIA_DOWNLOAD_JOB_FAILED);
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM);
  g_assert_nonnull (strstr (error->message, "1-2.dcm"));
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));

  tcia_extract_remove_tree (dest, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/fetcher/two-files", test_two_files);
  g_test_add_func ("/core/fetcher/broken-promise", test_broken_promise);

  return g_test_run ();
}

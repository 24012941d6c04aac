/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "fake-idc.h"
#include "tcia-session.h"
#include "unit-test-util.h"

/* The source policy end to end: a checkout through the session with the
 * fake NBIA server and the fake IDC (API and buckets) serving the same
 * archive. IDC serves what it has, NBIA the rest, and a series falls back
 * when IDC fails it for good; with the API down, NBIA serves everything. */

typedef struct
{
  FakeNbia     *nbia;
  FakeIdc      *idc;
  char         *nbia_url;
  char         *dest;
  TciaClient   *client;
  GListModel   *series;    /* every series of the archive, with its metadata */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  FakeIdcOptions options;

  f->nbia = download_test_start_server (&f->nbia_url);
  fake_idc_options_init (&options);
  options.retry_after_s = 0;
  f->idc = fake_idc_new (&options);
  g_assert_true (fake_idc_start_in_thread (f->idc, 0, 0, &error));
  g_assert_no_error (error);

  f->client = tcia_client_new (f->nbia_url, &error);
  g_assert_no_error (error);
  /* The fake NBIA's series: IDC has most, not all (same archive options). */
  for (guint i = 0; i < fake_nbia_get_n_series (f->nbia); i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (f->nbia, i, &info);
      g_ptr_array_add (uids, (gpointer) info.series_uid);
    }
  g_ptr_array_add (uids, NULL);
  f->series = download_test_fetch_series (f->client, (const char * const *) uids->pdata);
  f->dest = g_dir_make_tmp ("test-source-policy-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  tcia_extract_remove_tree (f->dest, NULL);
  g_free (f->dest);
  g_clear_object (&f->series);
  g_clear_object (&f->client);
  fake_idc_free (f->idc);
  fake_nbia_free (f->nbia);
  g_free (f->nbia_url);
}

static void
finished_cb (TciaDownloadQueue *queue,
             gboolean          *finished)
{
  *finished = TRUE;
}

/* Checks out every series with @policy and IDC at @api_url; the queue, finished. */
static TciaDownloadQueue *
checkout (Fixture    *f,
          const char *policy,
          const char *api_url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dest = g_file_new_for_path (f->dest);
  g_autoptr(TciaSession) session = NULL;
  g_autofree char *bucket_url = fake_idc_get_bucket_url (f->idc);
  TciaDownloadQueue *queue;
  gboolean finished = FALSE;

  session = g_object_new (TCIA_TYPE_SESSION,
                          "client", f->client,
                          "destination", dest,
                          "layout", TCIA_LAYOUT_DESCRIPTIVE,
                          "source-policy", policy,
                          "idc-api-url", api_url,
                          "idc-bucket-url", bucket_url,
                          NULL);
  queue = g_object_ref (tcia_session_prepare_queue (session, &error));
  g_assert_no_error (error);
  tcia_download_queue_set_retry_policy (queue, 3, 1, 1);
  g_signal_connect (queue, "finished", G_CALLBACK (finished_cb), &finished);
  g_assert_true (tcia_session_checkout (session, f->series, &error));
  g_assert_no_error (error);
  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  return queue;
}

/* For each job: the source the fake's archive says should serve it. */
static void
assert_sources (Fixture           *f,
                TciaDownloadQueue *queue,
                const char        *refused_uid)
{
  FakeIdcArchive *archive = fake_idc_get_archive (f->idc);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (queue));
  guint from_idc = 0;

  g_assert_cmpuint (n, ==, g_list_model_get_n_items (f->series));
  g_assert_cmpuint (tcia_download_queue_get_n_failed (queue), ==, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);
      const char *uid = tcia_download_job_get_series_uid (job);
      const FakeIdcSeries *in_idc = fake_idc_archive_lookup (archive, uid);
      const char *note = tcia_download_job_get_source_note (job);

      g_assert_cmpint (tcia_download_job_get_state (job), ==, TCIA_DOWNLOAD_JOB_DONE);
      /* Only in an older IDC release: still IDC's, without a count to check. */
      if (g_strcmp0 (uid, fake_idc_archive_get_prior_only_uid (archive)) == 0)
        {
          g_assert_cmpstr (tcia_download_job_get_source (job), ==, "IDC");
          from_idc++;
        }
      else if (in_idc != NULL && g_strcmp0 (uid, refused_uid) != 0)
        {
          g_assert_cmpstr (tcia_download_job_get_source (job), ==, "IDC");
          g_assert_null (note);
          g_assert_cmpuint (tcia_download_job_get_n_images (job), ==, in_idc->n_objects);
          from_idc++;
        }
      else
        {
          g_assert_cmpstr (tcia_download_job_get_source (job), ==, "NBIA");
          g_assert_nonnull (note);
          if (in_idc == NULL)
            g_assert_cmpstr (note, ==, "IDC does not have this series");
          else
            g_assert_true (g_str_has_prefix (note, "IDC failed: "));
        }
    }
  /* Both sources served: the archive has series IDC lacks. */
  g_assert_cmpuint (from_idc, >, 0);
  g_assert_cmpuint (from_idc, <, n);
}

/* Every series has its row, and the folder the row names has its files. */
static void
assert_rows (Fixture           *f,
             TciaDownloadQueue *queue)
{
  g_autofree char *csv = g_build_filename (f->dest, "metadata.csv", NULL);
  g_autoptr(GHashTable) rows = read_metadata_rows (csv);

  g_assert_cmpuint (g_hash_table_size (rows), ==, g_list_model_get_n_items (f->series));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queue)); i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);
      g_autofree char *folder = g_build_filename (f->dest,
                                                  tcia_download_job_get_relative_path (job),
                                                  NULL);
      g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
      guint n_files = 0;

      g_assert_nonnull (g_hash_table_lookup (rows, tcia_download_job_get_series_uid (job)));
      g_assert_nonnull (dir);
      while (g_dir_read_name (dir) != NULL)
        n_files++;
      g_assert_cmpuint (n_files, >=, tcia_download_job_get_n_images (job));
    }
}

static void
test_auto (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *api_url = fake_idc_get_api_url (f->idc);
  g_autoptr(TciaDownloadQueue) queue = checkout (f, "auto", api_url);

  assert_sources (f, queue, NULL);
  assert_rows (f, queue);
  /* Asked about the whole basket in one request. */
  g_assert_cmpuint (fake_idc_get_request_count (f->idc, "sql"), <=, 2);
}

/* A folder short of its instance count fails the series at IDC for good:
 * NBIA serves it, at once, and says why. */
static void
test_fall_back (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *api_url = fake_idc_get_api_url (f->idc);
  FakeIdcArchive *archive = fake_idc_get_archive (f->idc);
  const FakeIdcSeries *short_one = NULL;
  g_autoptr(TciaDownloadQueue) queue = NULL;

  for (guint i = 0; short_one == NULL; i++)
    if (fake_idc_archive_get_series (archive, i)->n_objects > 1)
      short_one = fake_idc_archive_get_series (archive, i);
  fake_idc_set_fault (f->idc, FAKE_IDC_FAULT_SHORT_LISTING, 0, short_one->series_uid);
  queue = checkout (f, "auto", api_url);
  assert_sources (f, queue, short_one->series_uid);
  assert_rows (f, queue);
}

/* The API down: every series from NBIA, saying why. */
static void
test_api_down (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(TciaDownloadQueue) queue = checkout (f, "auto", "http://127.0.0.1:9/v3/");
  guint n = g_list_model_get_n_items (G_LIST_MODEL (queue));

  g_assert_cmpuint (tcia_download_queue_get_n_done (queue), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);

      g_assert_cmpstr (tcia_download_job_get_source (job), ==, "NBIA");
      g_assert_true (g_str_has_prefix (tcia_download_job_get_source_note (job),
                                       "IDC could not be asked: "));
    }
  g_assert_cmpuint (fake_idc_get_request_count (f->idc, "get"), ==, 0);
  assert_rows (f, queue);
}

/* --source=idc: what IDC lacks fails, nothing comes from NBIA. */
static void
test_idc_only (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *api_url = fake_idc_get_api_url (f->idc);
  g_autoptr(TciaDownloadQueue) queue = checkout (f, "idc", api_url);
  FakeIdcArchive *archive = fake_idc_get_archive (f->idc);
  guint before = fake_nbia_get_request_count (f->nbia, "getImage");

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queue)); i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);
      const char *uid = tcia_download_job_get_series_uid (job);

      if (fake_idc_archive_lookup (archive, uid) != NULL ||
          g_strcmp0 (uid, fake_idc_archive_get_prior_only_uid (archive)) == 0)
        g_assert_cmpint (tcia_download_job_get_state (job), ==, TCIA_DOWNLOAD_JOB_DONE);
      else
        g_assert_error (tcia_download_job_get_error (job), TCIA_DOWNLOAD_ERROR,
                        TCIA_DOWNLOAD_ERROR_UNKNOWN_SERIES);
    }
  g_assert_cmpuint (fake_nbia_get_request_count (f->nbia, "getImage"), ==, before);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/core/source-policy/auto", test_auto);
  ADD ("/core/source-policy/fall-back", test_fall_back);
  ADD ("/core/source-policy/api-down", test_api_down);
  ADD ("/core/source-policy/idc-only", test_idc_only);
#undef ADD

  return g_test_run ();
}

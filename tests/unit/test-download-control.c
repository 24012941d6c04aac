/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "unit-test-util.h"
#include "fake-nbia.h"
#include "tcia-core.h"
#include "tcia-download-queue.h"
#include "tcia-extract.h"

#define N_SERIES 6
/* Enough for jobs to be seen in flight; no test measures time. */
#define LATENCY_MS 150

static FakeNbia *fake;
static char *url_v4;

typedef struct
{
  char              *dest;
  TciaClient        *client;
  GListModel        *series;
  TciaDownloadQueue *queue;
  gboolean           finished;
} Fixture;

static void
finished_cb (TciaDownloadQueue *queue,
             Fixture           *f)
{
  f->finished = TRUE;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dest = NULL;

  f->dest = g_dir_make_tmp ("test-download-control-XXXXXX", &error);
  g_assert_no_error (error);
  f->client = download_test_client (url_v4);
  f->series = download_test_first_series (f->client, fake, N_SERIES);

  dest = g_file_new_for_path (f->dest);
  f->queue = tcia_download_queue_new (f->client, dest, TCIA_LAYOUT_FLAT);
  tcia_download_queue_set_max_jobs (f->queue, 2);
  tcia_download_queue_set_retry_policy (f->queue, 2, 10, 20);
  tcia_download_queue_set_timeout (f->queue, 5);
  g_signal_connect (f->queue, "finished", G_CALLBACK (finished_cb), f);
  for (guint i = 0; i < N_SERIES; i++)
    {
      g_autoptr(TciaSeries) s = g_list_model_get_item (f->series, i);
      tcia_download_queue_add (f->queue, s);
    }
  fake_nbia_set_latency (fake, LATENCY_MS);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  fake_nbia_clear_faults (fake);
  fake_nbia_set_latency (fake, 0);
  g_clear_object (&f->queue);
  tcia_extract_remove_tree (f->dest, NULL);
  g_free (f->dest);
  g_clear_object (&f->client);
  g_clear_object (&f->series);
}

static TciaDownloadJob *
job_at (Fixture *f,
        guint    i)
{
  TciaDownloadJob *job = g_list_model_get_item (G_LIST_MODEL (f->queue), i);

  g_object_unref (job);   /* the queue keeps it */
  return job;
}

static void
wait_finished (Fixture *f)
{
  while (!f->finished)
    g_main_context_iteration (NULL, TRUE);
  f->finished = FALSE;
}

static void
wait_running (TciaDownloadJob *job)
{
  while (tcia_download_job_get_state (job) != TCIA_DOWNLOAD_JOB_RUNNING)
    g_main_context_iteration (NULL, TRUE);
}

static guint
count_state (Fixture              *f,
             TciaDownloadJobState  state)
{
  guint n = 0;

  for (guint i = 0; i < N_SERIES; i++)
    if (tcia_download_job_get_state (job_at (f, i)) == state)
      n++;
  return n;
}

/* A series folder is there only when the job is done, and no .part is left. */
static void
assert_folders (Fixture *f)
{
  g_autoptr(GHashTable) rows = NULL;
  g_autofree char *csv = g_build_filename (f->dest, TCIA_METADATA_CSV_NAME, NULL);

  rows = read_metadata_rows (csv);
  for (guint i = 0; i < N_SERIES; i++)
    {
      TciaDownloadJob *job = job_at (f, i);
      g_autofree char *path = g_build_filename (f->dest, tcia_download_job_get_relative_path (job),
                                                NULL);
      g_autofree char *part = g_strconcat (path, ".part", NULL);
      gboolean done = tcia_download_job_get_state (job) == TCIA_DOWNLOAD_JOB_DONE;

      g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
      g_assert_cmpint (g_file_test (path, G_FILE_TEST_IS_DIR), ==, done);
      g_assert_cmpint (rows != NULL &&
                       g_hash_table_contains (rows, tcia_download_job_get_series_uid (job)),
                       ==, done);
    }
}

static void
test_pause_resume (Fixture       *f,
                   gconstpointer  data)
{
  TciaDownloadJob *first = job_at (f, 0);
  TciaDownloadJob *last = job_at (f, N_SERIES - 1);

  /* One paused before it starts, one while it runs. */
  tcia_download_queue_pause (f->queue, last);
  g_assert_cmpint (tcia_download_job_get_state (last), ==, TCIA_DOWNLOAD_JOB_PAUSED);
  tcia_download_queue_start (f->queue);
  wait_running (first);
  tcia_download_queue_pause (f->queue, first);
  g_assert_cmpint (tcia_download_job_get_state (first), ==, TCIA_DOWNLOAD_JOB_PAUSED);

  /* The others go on; the queue rests with the paused ones kept. */
  wait_finished (f);
  g_assert_cmpuint (count_state (f, TCIA_DOWNLOAD_JOB_DONE), ==, N_SERIES - 2);
  g_assert_cmpuint (count_state (f, TCIA_DOWNLOAD_JOB_PAUSED), ==, 2);
  g_assert_cmpuint (tcia_download_queue_get_n_running (f->queue), ==, 0);
  assert_folders (f);

  /* Resuming them completes them. */
  tcia_download_queue_resume (f->queue, first);
  tcia_download_queue_resume (f->queue, last);
  g_assert_false (tcia_download_queue_is_finished (f->queue));
  wait_finished (f);
  g_assert_cmpuint (count_state (f, TCIA_DOWNLOAD_JOB_DONE), ==, N_SERIES);
  g_assert_cmpuint (tcia_download_queue_get_n_done (f->queue), ==, N_SERIES);
  assert_folders (f);
}

static void
test_cancel_all (Fixture       *f,
                 gconstpointer  data)
{
  TciaDownloadJob *first = job_at (f, 0);
  guint n_cancelled;

  tcia_download_queue_start (f->queue);
  wait_running (first);
  tcia_download_queue_cancel_all (f->queue);

  wait_finished (f);
  n_cancelled = count_state (f, TCIA_DOWNLOAD_JOB_CANCELLED);
  g_assert_cmpuint (n_cancelled, >=, N_SERIES - 2);
  g_assert_cmpuint (n_cancelled + count_state (f, TCIA_DOWNLOAD_JOB_DONE), ==, N_SERIES);
  g_assert_cmpuint (tcia_download_queue_get_n_failed (f->queue), ==, 0);
  g_assert_cmpuint (tcia_download_queue_get_n_running (f->queue), ==, 0);
  assert_folders (f);

  /* A cancelled series can be asked for again. */
  for (guint i = 0; i < N_SERIES; i++)
    tcia_download_queue_retry (f->queue, job_at (f, i));
  wait_finished (f);
  g_assert_cmpuint (count_state (f, TCIA_DOWNLOAD_JOB_DONE), ==, N_SERIES);
  assert_folders (f);
}

static void
test_retry_failed (Fixture       *f,
                   gconstpointer  data)
{
  TciaDownloadJob *bad = job_at (f, 2);

  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_WRONG_MD5, 0, tcia_download_job_get_series_uid (bad));
  tcia_download_queue_start (f->queue);
  wait_finished (f);
  g_assert_cmpint (tcia_download_job_get_state (bad), ==, TCIA_DOWNLOAD_JOB_FAILED);
  g_assert_error (tcia_download_job_get_error (bad), TCIA_DOWNLOAD_ERROR,
                  TCIA_DOWNLOAD_ERROR_CHECKSUM);
  g_assert_cmpuint (tcia_download_queue_get_n_failed (f->queue), ==, 1);
  g_assert_cmpuint (tcia_download_queue_get_n_done (f->queue), ==, N_SERIES - 1);
  assert_folders (f);

  /* Still failing: it fails again, and is counted once. */
  tcia_download_queue_retry_failed (f->queue);
  g_assert_cmpuint (tcia_download_queue_get_n_failed (f->queue), ==, 0);
  wait_finished (f);
  g_assert_cmpuint (tcia_download_queue_get_n_failed (f->queue), ==, 1);

  fake_nbia_clear_faults (fake);
  tcia_download_queue_retry_failed (f->queue);
  wait_finished (f);
  g_assert_cmpint (tcia_download_job_get_state (bad), ==, TCIA_DOWNLOAD_JOB_DONE);
  g_assert_null (tcia_download_job_get_error (bad));
  g_assert_cmpuint (tcia_download_queue_get_n_failed (f->queue), ==, 0);
  g_assert_cmpuint (tcia_download_queue_get_n_done (f->queue), ==, N_SERIES);
  assert_folders (f);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *n_removed)
{
  g_assert_cmpuint (added, ==, 0);
  *n_removed += removed;
}

/* Completed series leave the list (never their folders or rows); failed,
 * cancelled and running ones stay; a series taken out can be added again. */
static void
test_remove_completed (Fixture       *f,
                       gconstpointer  data)
{
  TciaDownloadJob *bad = job_at (f, 2);
  g_autofree char *bad_uid = g_strdup (tcia_download_job_get_series_uid (bad));
  g_autofree char *csv = g_build_filename (f->dest, TCIA_METADATA_CSV_NAME, NULL);
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) rows = NULL;
  g_autoptr(TciaSeries) again = g_list_model_get_item (f->series, 0);
  TciaDownloadJob *added;
  guint n_removed = 0;

  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_WRONG_MD5, 0, bad_uid);
  tcia_download_queue_start (f->queue);
  wait_finished (f);
  g_assert_cmpuint (tcia_download_queue_get_n_done (f->queue), ==, N_SERIES - 1);
  for (guint i = 0; i < N_SERIES; i++)
    if (i != 2)
      g_ptr_array_add (folders, g_build_filename (f->dest,
                                                  tcia_download_job_get_relative_path (job_at (f, i)),
                                                  NULL));

  g_signal_connect (f->queue, "items-changed", G_CALLBACK (items_changed_cb), &n_removed);
  g_assert_cmpuint (tcia_download_queue_remove_completed (f->queue), ==, N_SERIES - 1);
  g_signal_handlers_disconnect_by_func (f->queue, items_changed_cb, &n_removed);

  g_assert_cmpuint (n_removed, ==, N_SERIES - 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->queue)), ==, 1);
  g_assert_cmpstr (tcia_download_job_get_series_uid (job_at (f, 0)), ==, bad_uid);
  g_assert_cmpuint (tcia_download_queue_get_n_done (f->queue), ==, 0);
  g_assert_cmpuint (tcia_download_queue_get_n_failed (f->queue), ==, 1);
  rows = read_metadata_rows (csv);
  g_assert_cmpuint (g_hash_table_size (rows), ==, N_SERIES - 1);
  for (guint i = 0; i < folders->len; i++)
    g_assert_true (g_file_test (folders->pdata[i], G_FILE_TEST_IS_DIR));
  /* Nothing more to take out. */
  g_assert_cmpuint (tcia_download_queue_remove_completed (f->queue), ==, 0);

  /* Taken out, a series is a new job when added again: skipped, as complete. */
  added = tcia_download_queue_add (f->queue, again);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->queue)), ==, 2);
  g_assert_true (job_at (f, 1) == added);
  wait_finished (f);
  g_assert_cmpint (tcia_download_job_get_state (added), ==, TCIA_DOWNLOAD_JOB_SKIPPED);
  g_assert_cmpuint (tcia_download_queue_get_n_done (f->queue), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);

  fake = download_test_start_server (&url_v4);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/core/download/control/pause-resume", test_pause_resume);
  ADD ("/core/download/control/cancel-all", test_cancel_all);
  ADD ("/core/download/control/retry-failed", test_retry_failed);
  ADD ("/core/download/control/remove-completed", test_remove_completed);

  return download_test_run (fake, url_v4);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "queue-test-util.h"
#include "unit-test-util.h"
#include "fake-nbia.h"
#include "tcia-core.h"
#include "tcia-download-queue.h"
#include "tcia-download-state.h"
#include "tcia-extract.h"

#define N_SERIES 4

static FakeNbia *fake;
static char *url_v4;

typedef struct
{
  char       *dir;
  GFile      *file;
  TciaClient *client;
  GListModel *series;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("test-download-state-XXXXXX", &error);
  g_assert_no_error (error);
  f->file = g_file_new_build_filename (f->dir, "state", "downloads.json", NULL);
  f->client = tcia_client_new (url_v4, &error);
  g_assert_no_error (error);
  f->series = download_test_first_series (f->client, fake, N_SERIES);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  tcia_extract_remove_tree (f->dir, NULL);
  g_free (f->dir);
  g_clear_object (&f->file);
  g_clear_object (&f->client);
  g_clear_object (&f->series);
}

static TciaDownloadQueue *
make_queue (Fixture *f)
{
  g_autofree char *dest_path = g_build_filename (f->dir, "dest with “spaces”", NULL);
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  TciaDownloadQueue *queue = tcia_download_queue_new (f->client, dest, TCIA_LAYOUT_CLASSIC);

  tcia_download_queue_set_max_jobs (queue, 3);
  for (guint i = 0; i < N_SERIES; i++)
    {
      g_autoptr(TciaSeries) s = g_list_model_get_item (f->series, i);
      tcia_download_queue_add (queue, s);
    }
  return queue;
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(TciaDownloadQueue) queue = make_queue (f);
  g_autoptr(TciaDownloadQueue) loaded = NULL;
  g_autoptr(TciaDownloadQueue) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;

  tcia_download_queue_pause (queue, job_at (queue, 1));
  g_assert_true (tcia_download_state_save (queue, f->file, &error));
  g_assert_no_error (error);

  loaded = tcia_download_state_load (f->file, f->client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_true (g_file_equal (tcia_download_queue_get_destination (loaded),
                               tcia_download_queue_get_destination (queue)));
  g_assert_cmpint (tcia_download_queue_get_layout (loaded), ==, TCIA_LAYOUT_CLASSIC);
  g_assert_cmpuint (tcia_download_queue_get_max_jobs (loaded), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (loaded)), ==, N_SERIES);
  for (guint i = 0; i < N_SERIES; i++)
    {
      TciaDownloadJob *a = job_at (queue, i);
      TciaDownloadJob *b = job_at (loaded, i);
      TciaSeries *sa = tcia_download_job_get_series (a);
      TciaSeries *sb = tcia_download_job_get_series (b);

      g_assert_cmpstr (tcia_download_job_get_series_uid (a), ==,
                       tcia_download_job_get_series_uid (b));
      g_assert_cmpstr (tcia_download_job_get_relative_path (a), ==,
                       tcia_download_job_get_relative_path (b));
      g_assert_cmpint (tcia_download_job_get_state (b), ==,
                       i == 1 ? TCIA_DOWNLOAD_JOB_PAUSED : TCIA_DOWNLOAD_JOB_QUEUED);
      g_assert_cmpstr (tcia_series_get_series_description (sa), ==,
                       tcia_series_get_series_description (sb));
      g_assert_cmpuint (tcia_series_get_image_count (sa), ==, tcia_series_get_image_count (sb));
      g_assert_cmpuint (tcia_series_get_file_size (sa), ==, tcia_series_get_file_size (sb));
    }

  /* What is read writes back the same. */
  first = tcia_download_state_serialize (queue);
  second = tcia_download_state_serialize (loaded);
  g_assert_true (g_bytes_equal (first, second));

  /* Nothing unfinished: nothing to resume. */
  tcia_download_queue_cancel_all (loaded);
  g_assert_true (tcia_download_state_save (loaded, f->file, &error));
  again = tcia_download_state_load (f->file, f->client, &error);
  g_assert_no_error (error);
  g_assert_null (again);
}

/* Series done stay listed and counted across a restart, and are neither
 * fetched nor checked again when the queue starts. */
static void
test_done_kept (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *dest_path = g_build_filename (f->dir, "dest", NULL);
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  g_autoptr(TciaDownloadQueue) queue = tcia_download_queue_new (f->client, dest,
                                                                TCIA_LAYOUT_DESCRIPTIVE);
  g_autoptr(TciaDownloadQueue) loaded = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < N_SERIES; i++)
    {
      g_autoptr(TciaSeries) s = g_list_model_get_item (f->series, i);

      if (i < 2)
        tcia_download_queue_add_done (queue, s);
      else
        tcia_download_queue_pause (queue, tcia_download_queue_add (queue, s));
    }
  g_assert_cmpuint (tcia_download_queue_get_n_done (queue), ==, 2);
  g_assert_true (tcia_download_state_save (queue, f->file, &error));
  g_assert_no_error (error);

  loaded = tcia_download_state_load (f->file, f->client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (loaded)), ==, N_SERIES);
  g_assert_cmpuint (tcia_download_queue_get_n_done (loaded), ==, 2);
  g_assert_cmpuint (tcia_download_queue_get_n_paused (loaded), ==, N_SERIES - 2);
  for (guint i = 0; i < 2; i++)
    {
      TciaDownloadJob *job = job_at (loaded, i);
      TciaSeries *series = tcia_download_job_get_series (job);

      g_assert_cmpint (tcia_download_job_get_state (job), ==, TCIA_DOWNLOAD_JOB_DONE);
      g_assert_cmpuint (tcia_download_job_get_n_images (job), ==,
                        tcia_series_get_image_count (series));
      g_assert_cmpstr (tcia_download_job_get_relative_path (job), ==,
                       tcia_download_job_get_relative_path (job_at (queue, i)));
    }

  /* Started, nothing is fetched: the destination is never even made. */
  tcia_download_queue_start (loaded);
  g_assert_cmpuint (tcia_download_queue_get_n_running (loaded), ==, 0);
  g_assert_true (tcia_download_queue_is_finished (loaded));
  g_assert_false (g_file_test (dest_path, G_FILE_TEST_EXISTS));

  /* Cleared, they are gone from the saved queue too. */
  g_assert_cmpuint (tcia_download_queue_remove_completed (loaded), ==, 2);
  g_assert_true (tcia_download_state_save (loaded, f->file, &error));
  g_clear_object (&queue);
  queue = tcia_download_state_load (f->file, f->client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, N_SERIES - 2);
  g_assert_cmpuint (tcia_download_queue_get_n_done (queue), ==, 0);
}

static void
test_missing (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaDownloadQueue) queue = tcia_download_state_load (f->file, f->client, &error);

  g_assert_no_error (error);
  g_assert_null (queue);
}

static guint
count_aside (Fixture *f)
{
  g_autoptr(GFile) parent = g_file_get_parent (f->file);
  g_autofree char *path = g_file_get_path (parent);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "downloads.json.corrupt-"))
      n++;
  return n;
}

/* A queue saved by the version before the shared series file
 * (tests/data/series-file/downloads-v1.json) resumes, and saves the same. */
static void
test_legacy (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *legacy = g_test_build_filename (G_TEST_DIST, "data", "series-file",
                                                   "downloads-v1.json", NULL);
  g_autoptr(GFile) parent = g_file_get_parent (f->file);
  g_autofree char *path = g_file_get_path (f->file);
  g_autoptr(TciaDownloadQueue) loaded = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *dest = NULL;
  TciaSeries *series;

  g_assert_true (g_file_get_contents (legacy, &contents, NULL, NULL));
  g_assert_true (g_file_make_directory_with_parents (parent, NULL, NULL));
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));

  loaded = tcia_download_state_load (f->file, f->client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  dest = g_file_get_path (tcia_download_queue_get_destination (loaded));
  g_assert_cmpstr (dest, ==, "/tmp/TCIA downloads “old”");
  g_assert_cmpint (tcia_download_queue_get_layout (loaded), ==, TCIA_LAYOUT_CLASSIC);
  g_assert_cmpuint (tcia_download_queue_get_max_jobs (loaded), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (loaded)), ==, 3);
  g_assert_cmpint (tcia_download_job_get_state (job_at (loaded, 0)), ==,
                   TCIA_DOWNLOAD_JOB_QUEUED);
  g_assert_cmpint (tcia_download_job_get_state (job_at (loaded, 1)), ==,
                   TCIA_DOWNLOAD_JOB_PAUSED);
  series = tcia_download_job_get_series (job_at (loaded, 1));
  g_assert_cmpuint (tcia_series_get_file_size (series), ==, G_GUINT64_CONSTANT (16777216000));
  g_assert_cmpstr (tcia_series_get_series_description (tcia_download_job_get_series (
                     job_at (loaded, 0))), ==, "Chest “CT” \\ lung\ttab");
  g_assert_cmpuint (count_aside (f), ==, 0);

  again = tcia_download_state_serialize (loaded);
  g_assert_cmpstr (g_bytes_get_data (again, NULL), ==, contents);
}

static void
test_corrupt (Fixture       *f,
              gconstpointer  data)
{
  static const char * const bodies[] = {
    "{\"version\":1,\"destination\":\"file:///tmp\",\"jobs\":[{\"state\":",
    "[1,2,3]",
    "{\"version\":99,\"destination\":\"file:///tmp\",\"jobs\":[]}",
    "{\"version\":1,\"destination\":\"relative\",\"jobs\":[]}",
    "{\"version\":1,\"destination\":\"file:///tmp\",\"layout\":\"nonsense\",\"jobs\":[]}",
    "{\"version\":1,\"destination\":\"file:///tmp\",\"jobs\":[{\"state\":\"queued\"}]}",
    "{\"version\":1,\"destination\":\"file:///tmp\",\"jobs\":[{\"series\":{\"Modality\":\"CT\"}}]}",
    "\xff\xfe garbage",
  };
  g_autoptr(GFile) parent = g_file_get_parent (f->file);

  g_assert_true (g_file_make_directory_with_parents (parent, NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TciaDownloadQueue) queue = NULL;
      g_autofree char *path = g_file_get_path (f->file);

      g_test_message ("body %u", i);
      g_assert_true (g_file_set_contents (path, bodies[i], -1, NULL));
      queue = tcia_download_state_load (f->file, f->client, &error);
      g_assert_null (queue);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (error->message, "downloads.json.corrupt-"));
      /* Moved aside, never lost, never read again. */
      g_assert_false (g_file_query_exists (f->file, NULL));
      g_assert_cmpuint (count_aside (f), ==, i + 1);
    }
}

/* Tracking saves the queue a moment after it changes. */
static void
test_track (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(TciaDownloadQueue) queue = make_queue (f);
  g_autoptr(TciaDownloadQueue) loaded = NULL;
  g_autoptr(GError) error = NULL;

  tcia_download_state_track (queue, f->file);
  while (!g_file_query_exists (f->file, NULL))
    g_main_context_iteration (NULL, TRUE);

  tcia_download_queue_pause (queue, job_at (queue, 0));
  g_assert_true (tcia_download_state_flush (queue, &error));
  g_assert_no_error (error);
  loaded = tcia_download_state_load (f->file, f->client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpint (tcia_download_job_get_state (job_at (loaded, 0)), ==,
                   TCIA_DOWNLOAD_JOB_PAUSED);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  FakeNbiaOptions options;

  g_test_init (&argc, &argv, NULL);

  fake_nbia_options_init (&options);
  fake = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (fake, 0, &error));
  g_assert_no_error (error);
  url_v4 = fake_nbia_get_url (fake, 4);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/core/download-state/round-trip", test_round_trip);
  ADD ("/core/download-state/done-kept", test_done_kept);
  ADD ("/core/download-state/missing", test_missing);
  ADD ("/core/download-state/corrupt", test_corrupt);
  ADD ("/core/download-state/legacy", test_legacy);
  ADD ("/core/download-state/track", test_track);

  return download_test_run (fake, url_v4);
}

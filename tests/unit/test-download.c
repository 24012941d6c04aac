/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fake-nbia.h"
#include "tcia-core.h"
#include "tcia-download-queue.h"
#include "tcia-metadata-csv.h"

#define TCIA_BASKET TCIA_BUILDDIR "/src/tcia-basket"
#define N_SERIES 6

/* One fake server in a thread of its own for every test; each test leaves it
 * without faults. */
static FakeNbia *fake;
static char *url_v4;

typedef struct
{
  char       *dest;
  TciaClient *client;
  GListModel *series;   /* the first N_SERIES of the archive, with metadata */
} Fixture;

static void
metadata_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GListModel **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = tcia_client_get_series_metadata_finish (TCIA_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *uids[N_SERIES + 1] = { NULL };
  FakeNbiaSeriesInfo info[N_SERIES];

  f->dest = g_dir_make_tmp ("test-download-XXXXXX", &error);
  g_assert_no_error (error);
  f->client = tcia_client_new (url_v4, &error);
  g_assert_no_error (error);
  tcia_client_set_retry_policy (f->client, 3, 5, 20);

  for (guint i = 0; i < N_SERIES; i++)
    {
      fake_nbia_get_series (fake, i, &info[i]);
      uids[i] = info[i].series_uid;
    }
  tcia_client_get_series_metadata_async (f->client, uids, 0, NULL, NULL, metadata_cb, &f->series);
  while (f->series == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (f->series), ==, N_SERIES);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  fake_nbia_clear_faults (fake);
  g_autofree char *cmd = g_strdup_printf ("chmod -R u+w '%s'", f->dest);
  g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  tcia_extract_remove_tree (f->dest, NULL);
  g_free (f->dest);
  g_clear_object (&f->client);
  g_clear_object (&f->series);
}

static void
finished_cb (TciaDownloadQueue *queue,
             gpointer           user_data)
{
  *(gboolean *) user_data = TRUE;
}

static guint max_allowed_drop;

static void
allowed_cb (GObject    *object,
            GParamSpec *pspec,
            gpointer    user_data)
{
  guint allowed = tcia_download_queue_get_allowed_jobs (TCIA_DOWNLOAD_QUEUE (object));

  if (allowed < tcia_download_queue_get_max_jobs (TCIA_DOWNLOAD_QUEUE (object)))
    max_allowed_drop++;
}

static TciaDownloadQueue *
run_queue_full (Fixture    *f,
                TciaLayout  layout,
                gboolean    verify_checksums)
{
  g_autoptr(GFile) dest = g_file_new_for_path (f->dest);
  TciaDownloadQueue *queue = tcia_download_queue_new (f->client, dest, layout);
  gboolean finished = FALSE;

  tcia_download_queue_set_verify_checksums (queue, verify_checksums);
  tcia_download_queue_set_max_jobs (queue, 4);
  tcia_download_queue_set_retry_policy (queue, 4, 20, 100);
  tcia_download_queue_set_timeout (queue, 2);
  g_signal_connect (queue, "finished", G_CALLBACK (finished_cb), &finished);
  g_signal_connect (queue, "notify::allowed-jobs", G_CALLBACK (allowed_cb), NULL);
  for (guint i = 0; i < g_list_model_get_n_items (f->series); i++)
    {
      g_autoptr(TciaSeries) s = g_list_model_get_item (f->series, i);
      tcia_download_queue_add (queue, s);
    }
  tcia_download_queue_start (queue);
  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (queue, &finished);
  return queue;
}

static TciaDownloadQueue *
run_queue (Fixture    *f,
           TciaLayout  layout)
{
  return run_queue_full (f, layout, TRUE);
}

/* No .part folder, no file outside the series folders but metadata.csv and LICENSEs. */
static void
assert_no_leftovers (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_assert_false (g_str_has_suffix (name, ".part"));
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        assert_no_leftovers (child);
    }
}

static guint
count_rows (const char *dest)
{
  g_autofree char *path = g_build_filename (dest, TCIA_METADATA_CSV_NAME, NULL);
  g_autoptr(GHashTable) rows = tcia_metadata_csv_read_uids (path);

  return g_hash_table_size (rows);
}

/* Every job done: its folder verified against md5hashes.csv, every image
 * there, and the MD5 of its first image the server's own. */
static void
assert_job_complete (Fixture         *f,
                     TciaDownloadJob *job)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (f->dest, tcia_download_job_get_relative_path (job), NULL);
  TciaSeries *series = tcia_download_job_get_series (job);
  gint index = fake_nbia_find_series (fake, tcia_series_get_series_uid (series));
  g_autofree char *csv_path = g_build_filename (dir, "md5hashes.csv", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *md5 = fake_nbia_get_image_md5 (fake, index, 0);

  g_assert_cmpint (tcia_download_job_get_state (job), ==, TCIA_DOWNLOAD_JOB_DONE);
  g_assert_true (tcia_extract_verify_dir (dir, tcia_series_get_image_count (series), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_nonnull (strstr (csv, md5));
}

static void
test_basic (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(TciaDownloadQueue) queue = run_queue (f, TCIA_LAYOUT_DESCRIPTIVE);
  g_autoptr(TciaDownloadQueue) again = NULL;
  g_autofree char *csv_path = g_build_filename (f->dest, "metadata.csv", NULL);
  g_autofree char *csv = NULL;
  guint requests;

  for (guint i = 0; i < N_SERIES; i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);
      g_autofree char *license = NULL;
      g_auto(GStrv) parts = g_strsplit (tcia_download_job_get_relative_path (job), "/", -1);

      assert_job_complete (f, job);
      g_assert_cmpuint (g_strv_length (parts), ==, 4);
      license = g_build_filename (f->dest, parts[0], "LICENSE", NULL);
      g_assert_true (g_file_test (license, G_FILE_TEST_IS_REGULAR));
    }
  g_assert_cmpuint (tcia_download_queue_get_n_done (queue), ==, N_SERIES);
  g_assert_cmpuint (tcia_download_queue_get_n_failed (queue), ==, 0);
  g_assert_cmpuint (tcia_download_queue_get_bytes_received (queue), >, 0);
  g_assert_cmpuint (count_rows (f->dest), ==, N_SERIES);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, TCIA_METADATA_CSV_HEADER "\r\n"));
  g_assert_nonnull (strstr (csv, ",./"));
  assert_no_leftovers (f->dest);

  /* The same download again transfers nothing. */
  requests = fake_nbia_get_request_count (fake, "getImage");
  again = run_queue (f, TCIA_LAYOUT_DESCRIPTIVE);
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getImage"), ==, requests);
  for (guint i = 0; i < N_SERIES; i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (again), i);
      g_assert_cmpint (tcia_download_job_get_state (job), ==, TCIA_DOWNLOAD_JOB_SKIPPED);
    }
  g_assert_cmpuint (count_rows (f->dest), ==, N_SERIES);
}

/* With checksums off the server is not asked for md5hashes.csv (so a wrong
 * one cannot fail the series) and the image count alone is checked. */
static void
test_no_checksums (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(TciaDownloadQueue) queue = NULL;

  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_WRONG_MD5, 0, NULL);
  queue = run_queue_full (f, TCIA_LAYOUT_FLAT, FALSE);
  fake_nbia_clear_faults (fake);

  g_assert_cmpuint (tcia_download_queue_get_n_done (queue), ==, N_SERIES);
  g_assert_cmpuint (tcia_download_queue_get_n_failed (queue), ==, 0);
  for (guint i = 0; i < N_SERIES; i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);
      TciaSeries *series = tcia_download_job_get_series (job);
      g_autofree char *dir = g_build_filename (f->dest, tcia_download_job_get_relative_path (job),
                                               NULL);
      g_autofree char *csv = g_build_filename (dir, "md5hashes.csv", NULL);
      g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
      guint n_dicom = 0;
      const char *name;

      g_assert_cmpint (tcia_download_job_get_state (job), ==, TCIA_DOWNLOAD_JOB_DONE);
      g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
      g_assert_nonnull (listing);
      while ((name = g_dir_read_name (listing)) != NULL)
        if (g_str_has_suffix (name, ".dcm"))
          n_dicom++;
      g_assert_cmpuint (n_dicom, ==, tcia_series_get_image_count (series));
    }
  assert_no_leftovers (f->dest);
}

static void
test_layouts (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(TciaDownloadQueue) classic = run_queue (f, TCIA_LAYOUT_CLASSIC);
  g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (classic), 0);
  TciaSeries *s = tcia_download_job_get_series (job);
  g_autofree char *expected = g_strdup_printf ("%s/%s/%s/%s", tcia_series_get_collection (s),
                                               tcia_series_get_patient_id (s),
                                               tcia_series_get_study_uid (s),
                                               tcia_series_get_series_uid (s));
  g_autoptr(TciaDownloadQueue) flat = NULL;
  g_autoptr(TciaDownloadJob) flat_job = NULL;

  g_assert_cmpstr (tcia_download_job_get_relative_path (job), ==, expected);
  assert_job_complete (f, job);

  tcia_extract_remove_tree (f->dest, NULL);
  g_mkdir (f->dest, 0755);
  flat = run_queue (f, TCIA_LAYOUT_FLAT);
  flat_job = g_list_model_get_item (G_LIST_MODEL (flat), 0);
  g_assert_cmpstr (tcia_download_job_get_relative_path (flat_job), ==, tcia_series_get_series_uid (s));
  assert_job_complete (f, flat_job);
}

/* A fault that goes away: every series ends complete and verified. */
static void
test_transient (Fixture       *f,
                gconstpointer  data)
{
  FakeNbiaFault fault = fake_nbia_fault_from_string (data);
  g_autoptr(TciaSeries) first = g_list_model_get_item (f->series, 0);
  g_autoptr(TciaDownloadQueue) queue = NULL;

  max_allowed_drop = 0;
  fake_nbia_set_fault (fake, fault, 2, tcia_series_get_series_uid (first));
  queue = run_queue (f, TCIA_LAYOUT_DESCRIPTIVE);

  for (guint i = 0; i < N_SERIES; i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);
      assert_job_complete (f, job);
    }
  {
    g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (queue), 0);
    g_assert_cmpuint (tcia_download_job_get_attempts (job), ==, 3);
  }
  /* The server pushing back lowers concurrency. */
  if (fault == FAKE_NBIA_FAULT_HTTP_429 || fault == FAKE_NBIA_FAULT_HTTP_503 ||
      fault == FAKE_NBIA_FAULT_DROP)
    g_assert_cmpuint (max_allowed_drop, >, 0);
  g_assert_cmpuint (count_rows (f->dest), ==, N_SERIES);
  assert_no_leftovers (f->dest);
}

/* A fault that stays: that series fails, named, the others complete. */
static void
test_permanent (Fixture       *f,
                gconstpointer  data)
{
  FakeNbiaFault fault = fake_nbia_fault_from_string (data);
  g_autoptr(TciaSeries) bad = g_list_model_get_item (f->series, 2);
  g_autoptr(TciaDownloadQueue) queue = NULL;
  g_autofree char *parent = g_path_get_dirname (f->dest);
  g_autofree char *escaped = g_build_filename (parent, "escape.dcm", NULL);
  gboolean absolute_existed = g_file_test ("/tmp/absolute.dcm", G_FILE_TEST_EXISTS);
  int expected_code = fault == FAKE_NBIA_FAULT_WRONG_MD5 ? TCIA_DOWNLOAD_ERROR_CHECKSUM
                                                         : TCIA_DOWNLOAD_ERROR_UNSAFE_ENTRY;

  fake_nbia_set_fault (fake, fault, 0, tcia_series_get_series_uid (bad));
  queue = run_queue (f, TCIA_LAYOUT_DESCRIPTIVE);

  for (guint i = 0; i < N_SERIES; i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);
      g_autofree char *dir = g_build_filename (f->dest, tcia_download_job_get_relative_path (job), NULL);
      const GError *error = tcia_download_job_get_error (job);

      if (i != 2)
        {
          assert_job_complete (f, job);
          continue;
        }
      g_assert_cmpint (tcia_download_job_get_state (job), ==, TCIA_DOWNLOAD_JOB_FAILED);
      g_assert_error (error, TCIA_DOWNLOAD_ERROR, expected_code);
      g_test_message ("%s: %s", (const char *) data, error->message);
      /* Nothing half-written is presented as complete. */
      g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
    }
  g_assert_cmpuint (tcia_download_queue_get_n_failed (queue), ==, 1);
  g_assert_cmpuint (count_rows (f->dest), ==, N_SERIES - 1);
  g_assert_false (g_file_test (escaped, G_FILE_TEST_EXISTS));
  if (!absolute_existed)
    g_assert_false (g_file_test ("/tmp/absolute.dcm", G_FILE_TEST_EXISTS));
  assert_no_leftovers (f->dest);
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(TciaSeries) bad = g_list_model_get_item (f->series, 1);
  g_autoptr(TciaDownloadQueue) queue = NULL;
  g_autoptr(TciaDownloadJob) job = NULL;

  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_HTTP_400, 0, tcia_series_get_series_uid (bad));
  queue = run_queue (f, TCIA_LAYOUT_DESCRIPTIVE);
  job = g_list_model_get_item (G_LIST_MODEL (queue), 1);
  g_assert_error (tcia_download_job_get_error (job), TCIA_DOWNLOAD_ERROR,
                  TCIA_DOWNLOAD_ERROR_REFUSED);
  /* Not retried: the server's words are the answer. */
  g_assert_cmpuint (tcia_download_job_get_attempts (job), ==, 1);
  g_assert_nonnull (strstr (tcia_download_job_get_error (job)->message, "Simulated bad request"));
}

static void
test_full_disk (Fixture       *f,
                gconstpointer  data)
{
  struct rlimit saved, small = { 1000, 0 };
  g_autoptr(TciaDownloadQueue) queue = NULL;
  void (*old_handler) (int) = signal (SIGXFSZ, SIG_IGN);

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  small.rlim_max = saved.rlim_max;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  queue = run_queue (f, TCIA_LAYOUT_DESCRIPTIVE);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, old_handler);

  g_assert_cmpuint (tcia_download_queue_get_n_failed (queue), ==, N_SERIES);
  for (guint i = 0; i < N_SERIES; i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);
      const GError *error = tcia_download_job_get_error (job);

      g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE);
      g_assert_nonnull (strstr (error->message, "disk is full"));
      g_assert_cmpuint (tcia_download_job_get_attempts (job), ==, 1);
    }
  assert_no_leftovers (f->dest);
}

static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(TciaDownloadQueue) queue = NULL;
  g_autoptr(TciaDownloadJob) job = NULL;

  if (geteuid () == 0)
    {
      g_test_skip ("root writes into read-only folders");
      return;
    }
  g_chmod (f->dest, 0555);
  queue = run_queue (f, TCIA_LAYOUT_DESCRIPTIVE);
  job = g_list_model_get_item (G_LIST_MODEL (queue), 0);
  g_assert_error (tcia_download_job_get_error (job), TCIA_DOWNLOAD_ERROR,
                  TCIA_DOWNLOAD_ERROR_WRITE);
  g_assert_cmpuint (tcia_download_queue_get_n_failed (queue), ==, N_SERIES);
}

/* ---- the command line ---- */

static char *
write_manifest (Fixture *f)
{
  g_autoptr(GString) text = g_string_new ("downloadServerUrl=x\nmanifestVersion=3.0\n"
                                          "ListOfSeriesToDownload=\n");
  g_autofree char *path = g_build_filename (f->dest, "m.tcia", NULL);

  for (guint i = 0; i < 12; i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (fake, i, &info);
      g_string_append_printf (text, "%s\n", info.series_uid);
    }
  g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
  return g_steal_pointer (&path);
}

static GSubprocess *
spawn_cli (const char *manifest,
           const char *output,
           GError    **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *download = g_strconcat ("--download=", manifest, NULL);
  g_autofree char *out = g_strconcat ("--output=", output, NULL);
  g_autofree char *api = g_strconcat ("--api-url=", url_v4, NULL);

  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_setenv (launcher, "TCIA_TEST_RETRY_DELAY_MS", "10", TRUE);
  return g_subprocess_launcher_spawn (launcher, error, TCIA_BASKET, api, download, out,
                                      "--jobs=2", NULL);
}

static int
run_cli (const char  *manifest,
         const char  *output,
         char       **err)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = spawn_cli (manifest, output, &error);

  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Every file under @dir with its MD5, and metadata.csv without timestamps. */
static void
describe_tree (GString    *out,
               const char *root,
               const char *rel)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child_rel = g_build_filename (rel, names->pdata[i], NULL);
      g_autofree char *child = g_build_filename (root, child_rel, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          describe_tree (out, root, child_rel);
          continue;
        }
      g_assert_true (g_file_get_contents (child, &contents, &len, NULL));
      if (strcmp (child_rel, "./metadata.csv") == 0)
        {
          g_auto(GStrv) lines = g_strsplit (contents, "\r\n", -1);
          g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);

          for (guint j = 0; lines[j] != NULL; j++)
            {
              char *last = strrchr (lines[j], ',');
              if (last != NULL)
                *last = '\0';   /* the timestamp differs, of course */
              g_ptr_array_add (rows, g_strdup (lines[j]));
            }
          g_ptr_array_sort (rows, compare_strings);
          for (guint j = 0; j < rows->len; j++)
            g_string_append_printf (out, "csv %s\n", (char *) rows->pdata[j]);
          continue;
        }
      if (strcmp (child_rel, "./m.tcia") == 0)
        continue;
      {
        g_autofree char *md5 = g_compute_checksum_for_data (G_CHECKSUM_MD5, (guchar *) contents, len);
        g_string_append_printf (out, "%s %s\n", md5, child_rel);
      }
    }
}

static void
test_cli_kill_and_resume (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *manifest = write_manifest (f);
  g_autofree char *whole = g_build_filename (f->dest, "whole", NULL);
  g_autofree char *killed = g_build_filename (f->dest, "killed", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GString) a = g_string_new (NULL);
  g_autoptr(GString) b = g_string_new (NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = g_build_filename (killed, "metadata.csv", NULL);
  gint64 deadline;

  g_assert_cmpint (run_cli (manifest, whole, &err), ==, 0);
  g_assert_nonnull (strstr (err, "12 of 12 series complete"));
  g_clear_pointer (&err, g_free);

  /* Slow enough to be killed halfway. */
  fake_nbia_set_latency (fake, 150);
  process = spawn_cli (manifest, killed, &error);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (count_rows (killed) < 3 && g_get_monotonic_time () < deadline)
    g_usleep (20 * 1000);
  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, NULL);
  fake_nbia_set_latency (fake, 0);
  g_assert_cmpuint (count_rows (killed), <, 12);

  g_assert_cmpint (run_cli (manifest, killed, &err), ==, 0);
  g_assert_nonnull (strstr (err, "already there"));

  describe_tree (a, whole, ".");
  describe_tree (b, killed, ".");
  g_assert_cmpstr (a->str, ==, b->str);
  assert_no_leftovers (killed);
}

static void
test_cli_failures (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *manifest = write_manifest (f);
  g_autofree char *out = g_build_filename (f->dest, "out", NULL);
  g_autofree char *err = NULL;
  FakeNbiaSeriesInfo info;
  g_autofree char *line = NULL;

  fake_nbia_get_series (fake, 4, &info);
  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_ESCAPING_ENTRY, 0, info.series_uid);
  g_assert_cmpint (run_cli (manifest, out, &err), ==, 1);
  line = g_strdup_printf ("series %s failed: ", info.series_uid);
  g_assert_nonnull (strstr (err, line));
  g_assert_nonnull (strstr (err, "11 of 12 series complete"));
  g_clear_pointer (&err, g_free);
  fake_nbia_clear_faults (fake);

  /* Bad usage and bad input are 2. */
  {
    g_autofree char *missing = g_build_filename (f->dest, "missing.tcia", NULL);
    g_assert_cmpint (run_cli (missing, out, &err), ==, 2);
    g_clear_pointer (&err, g_free);
  }
  {
    g_autofree char *file_as_dir = g_build_filename (manifest, "sub", NULL);
    g_assert_cmpint (run_cli (manifest, file_as_dir, &err), ==, 2);
    g_assert_nonnull (strstr (err, "cannot download into"));
    g_clear_pointer (&err, g_free);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  FakeNbiaOptions options;
  static const char * const transient[] = { "drop", "zip-truncated", "http-429", "http-503",
                                            "stall", "http-500" };
  static const char * const permanent[] = { "wrong-md5", "escaping-entry", "absolute-entry" };
  int status;

  g_test_init (&argc, &argv, NULL);

  fake_nbia_options_init (&options);
  options.retry_after_s = 0;
  fake = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (fake, 0, &error));
  g_assert_no_error (error);
  url_v4 = fake_nbia_get_url (fake, 4);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)

  ADD ("/core/download/basic-and-skip", test_basic, NULL);
  ADD ("/core/download/layouts", test_layouts, NULL);
  ADD ("/core/download/no-checksums", test_no_checksums, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (transient); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/download/transient/%s", transient[i]);
      ADD (path, test_transient, transient[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (permanent); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/download/permanent/%s", permanent[i]);
      ADD (path, test_permanent, permanent[i]);
    }
  ADD ("/core/download/refused", test_refused, NULL);
  ADD ("/core/download/full-disk", test_full_disk, NULL);
  ADD ("/core/download/read-only", test_read_only, NULL);
  ADD ("/core/download/cli/kill-and-resume", test_cli_kill_and_resume, NULL);
  ADD ("/core/download/cli/failures", test_cli_failures, NULL);

  status = g_test_run ();

  g_free (url_v4);
  fake_nbia_free (fake);
  return status;
}

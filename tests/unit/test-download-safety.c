/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the download promises about the destination folder: nothing the
 * program did not write is deleted, nothing goes outside, two series never
 * share a folder, nothing damaged or empty is called complete. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "queue-test-util.h"
#include "unit-test-util.h"
#include "fake-nbia.h"
#include "tcia-core.h"
#include "tcia-extract.h"
#include "tcia-dest.h"
#include "tcia-download-queue.h"
#include "tcia-layout.h"
#include "tcia-metadata-csv.h"

#define N_SERIES 6

static FakeNbia *fake;
static char *url_v4;

typedef struct
{
  char       *dest;
  char       *outside;    /* a folder beside the destination: must stay empty */
  TciaClient *client;
  GListModel *series;     /* the first N_SERIES of the archive, with metadata */
} Fixture;

static void
load_series (Fixture            *f,
             const char * const *uids)
{
  g_clear_object (&f->series);
  f->series = download_test_fetch_series (f->client, uids);
  g_assert_cmpuint (g_list_model_get_n_items (f->series), ==, g_strv_length ((GStrv) uids));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *uids[N_SERIES + 1] = { NULL };
  g_autofree char *top = g_dir_make_tmp ("test-download-safety-XXXXXX", &error);

  g_assert_no_error (error);
  f->dest = g_build_filename (top, "dest", NULL);
  f->outside = g_build_filename (top, "outside", NULL);
  g_assert_cmpint (g_mkdir (f->dest, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (f->outside, 0755), ==, 0);
  f->client = download_test_client (url_v4);

  for (guint i = 0; i < N_SERIES; i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (fake, i, &info);
      uids[i] = info.series_uid;
    }
  load_series (f, uids);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *top = g_path_get_dirname (f->dest);

  fake_nbia_clear_faults (fake);
  g_assert_true (tcia_extract_remove_tree (top, NULL));
  g_free (f->dest);
  g_free (f->outside);
  g_clear_object (&f->client);
  g_clear_object (&f->series);
}

static void
finished_cb (TciaDownloadQueue *queue,
             gpointer           user_data)
{
  *(gboolean *) user_data = TRUE;
}

static TciaDownloadQueue *
new_queue (Fixture *f)
{
  g_autoptr(GFile) dest = g_file_new_for_path (f->dest);
  TciaDownloadQueue *queue = tcia_download_queue_new (f->client, dest, TCIA_LAYOUT_DESCRIPTIVE);

  tcia_download_queue_set_max_jobs (queue, 2);
  tcia_download_queue_set_retry_policy (queue, 3, 10, 50);
  tcia_download_queue_set_timeout (queue, 5);
  for (guint i = 0; i < g_list_model_get_n_items (f->series); i++)
    {
      g_autoptr(TciaSeries) s = g_list_model_get_item (f->series, i);

      tcia_download_queue_add (queue, s);
    }
  return queue;
}

static void
run_until_finished (TciaDownloadQueue *queue)
{
  gboolean finished = FALSE;

  g_signal_connect (queue, "finished", G_CALLBACK (finished_cb), &finished);
  tcia_download_queue_start (queue);
  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (queue, &finished);
}

static TciaDownloadQueue *
run_queue (Fixture *f)
{
  TciaDownloadQueue *queue = new_queue (f);

  run_until_finished (queue);
  return queue;
}

static char *
job_dir (Fixture         *f,
         TciaDownloadJob *job)
{
  return g_build_filename (f->dest, tcia_download_job_get_relative_path (job), NULL);
}

static GHashTable *
read_rows (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  int fd = tcia_dest_open_root (f->dest, &error);
  GHashTable *rows;

  g_assert_no_error (error);
  rows = tcia_metadata_csv_read_locations (fd, f->dest, &error);
  g_assert_no_error (error);
  close (fd);
  return rows;
}

static void
assert_job_verified (Fixture         *f,
                     TciaDownloadJob *job)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = job_dir (f, job);
  TciaSeries *series = tcia_download_job_get_series (job);

  g_assert_true (tcia_extract_verify_dir (dir, tcia_series_get_image_count (series), NULL, &error));
  g_assert_no_error (error);
}

static void
assert_empty_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);

  g_assert_nonnull (dir);
  g_assert_null (g_dir_read_name (dir));
}

static void
write_file (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static char *
read_file (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* A folder at a series' place that the program did not write (the user's
 * own segmentation, another tool's download) stays as it is, and the series
 * goes beside it, on every run the same. */
static void
test_user_folder_kept (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(TciaSeries) first = g_list_model_get_item (f->series, 0);
  g_autofree char *rel = tcia_layout_build_path (TCIA_LAYOUT_DESCRIPTIVE, first);
  g_autofree char *mine = g_build_filename (f->dest, rel, NULL);
  g_autofree char *seg = g_build_filename (mine, "segmentation.nii", NULL);
  g_autoptr(TciaDownloadQueue) queue = NULL;
  g_autoptr(TciaDownloadQueue) again = NULL;
  g_autoptr(GHashTable) rows = NULL;
  g_autofree char *text = NULL;
  TciaDownloadJob *job;

  g_assert_cmpint (g_mkdir_with_parents (mine, 0755), ==, 0);
  write_file (seg, "the user's own work");

  queue = run_queue (f);
  g_assert_cmpuint (tcia_download_queue_get_n_done (queue), ==, N_SERIES);
  job = job_at (queue, 0);
  g_assert_cmpstr (tcia_download_job_get_relative_path (job), !=, rel);
  g_assert_true (g_str_has_prefix (tcia_download_job_get_relative_path (job), rel));
  assert_job_verified (f, job);
  text = read_file (seg);
  g_assert_cmpstr (text, ==, "the user's own work");

  rows = read_rows (f);
  g_assert_cmpstr (g_hash_table_lookup (rows, tcia_series_get_series_uid (first)), ==,
                   tcia_download_job_get_relative_path (job));

  /* Again: everything is found where it was put. */
  again = run_queue (f);
  g_assert_cmpuint (count_state (again, TCIA_DOWNLOAD_JOB_SKIPPED), ==, N_SERIES);
  g_assert_cmpstr (tcia_download_job_get_relative_path (job_at (again, 0)), ==,
                   tcia_download_job_get_relative_path (job));
  g_assert_true (g_file_test (seg, G_FILE_TEST_IS_REGULAR));
}

/* A rerun checks each complete series by its files: one emptied, one
 * deleted, both fetched again; what else the user put there stays. */
static void
test_resume_checks_files (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(TciaDownloadQueue) queue = run_queue (f);
  g_autoptr(TciaDownloadQueue) again = NULL;
  g_autofree char *dir1 = job_dir (f, job_at (queue, 1));
  g_autofree char *dir2 = job_dir (f, job_at (queue, 2));
  g_autofree char *image1 = g_build_filename (dir1, "1-1.dcm", NULL);
  g_autofree char *image2 = g_build_filename (dir2, "1-1.dcm", NULL);
  g_autofree char *notes = g_build_filename (dir1, "notes.txt", NULL);
  g_autofree char *text = NULL;
  guint before = fake_nbia_get_request_count (fake, "getImage");

  g_assert_cmpuint (tcia_download_queue_get_n_done (queue), ==, N_SERIES);
  write_file (image1, "");
  g_assert_cmpint (g_unlink (image2), ==, 0);
  write_file (notes, "my notes");

  again = run_queue (f);
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getImage"), ==, before + 2);
  g_assert_cmpint (tcia_download_job_get_state (job_at (again, 1)), ==, TCIA_DOWNLOAD_JOB_DONE);
  g_assert_cmpint (tcia_download_job_get_state (job_at (again, 2)), ==, TCIA_DOWNLOAD_JOB_DONE);
  g_assert_cmpuint (count_state (again, TCIA_DOWNLOAD_JOB_SKIPPED), ==, N_SERIES - 2);
  assert_job_verified (f, job_at (again, 1));
  assert_job_verified (f, job_at (again, 2));
  text = read_file (notes);
  g_assert_cmpstr (text, ==, "my notes");
}

/* A byte changed in place keeps the size: only the MD5 check sees it. */
static void
test_verify_existing (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(TciaDownloadQueue) queue = run_queue (f);
  g_autoptr(TciaDownloadQueue) cheap = NULL;
  g_autoptr(TciaDownloadQueue) deep = NULL;
  g_autofree char *dir = job_dir (f, job_at (queue, 0));
  g_autofree char *image = g_build_filename (dir, "1-1.dcm", NULL);
  char byte;
  int fd;

  fd = open (image, O_RDWR);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pread (fd, &byte, 1, 200), ==, 1);
  byte ^= 0x5a;
  g_assert_cmpint (pwrite (fd, &byte, 1, 200), ==, 1);
  close (fd);

  cheap = run_queue (f);
  g_assert_cmpuint (count_state (cheap, TCIA_DOWNLOAD_JOB_SKIPPED), ==, N_SERIES);

  deep = new_queue (f);
  tcia_download_queue_set_verify_existing (deep, TRUE);
  run_until_finished (deep);
  g_assert_cmpint (tcia_download_job_get_state (job_at (deep, 0)), ==, TCIA_DOWNLOAD_JOB_DONE);
  g_assert_cmpuint (count_state (deep, TCIA_DOWNLOAD_JOB_SKIPPED), ==, N_SERIES - 1);
  assert_job_verified (f, job_at (deep, 0));
}

/* A link planted at a collection's folder is not followed: those series
 * fail with a message naming it, nothing lands outside. */
static void
test_planted_link (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(TciaSeries) first = g_list_model_get_item (f->series, 0);
  g_autofree char *collection = tcia_layout_sanitize_component (tcia_series_get_collection (first));
  g_autofree char *link = g_build_filename (f->dest, collection, NULL);
  g_autoptr(TciaDownloadQueue) queue = NULL;
  guint n_failed = 0;

  g_assert_cmpint (symlink (f->outside, link), ==, 0);
  queue = run_queue (f);
  for (guint i = 0; i < N_SERIES; i++)
    {
      TciaDownloadJob *job = job_at (queue, i);
      TciaSeries *series = tcia_download_job_get_series (job);

      if (g_strcmp0 (tcia_series_get_collection (series), tcia_series_get_collection (first)) == 0)
        {
          const GError *error = tcia_download_job_get_error (job);

          g_assert_cmpint (tcia_download_job_get_state (job), ==, TCIA_DOWNLOAD_JOB_FAILED);
          g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_IN_THE_WAY);
          g_assert_nonnull (strstr (error->message, link));
          g_assert_nonnull (strstr (error->message, "link"));
          n_failed++;
        }
      else
        g_assert_cmpint (tcia_download_job_get_state (job), ==, TCIA_DOWNLOAD_JOB_DONE);
    }
  g_assert_cmpuint (n_failed, >, 0);
  assert_empty_dir (f->outside);
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
}

/* A ".part" left deeper than PATH_MAX (by an older version, or a crash) is
 * cleaned up and the series downloads. */
static void
test_deep_part (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(TciaSeries) first = g_list_model_get_item (f->series, 0);
  g_autofree char *rel = tcia_layout_build_path (TCIA_LAYOUT_DESCRIPTIVE, first);
  g_autofree char *part = g_strconcat (f->dest, "/", rel, ".part", NULL);
  g_autoptr(TciaDownloadQueue) queue = NULL;
  char name[201];
  int fd;

  memset (name, 'd', 200);
  name[200] = '\0';
  g_assert_cmpint (g_mkdir_with_parents (part, 0755), ==, 0);
  fd = open (part, O_RDONLY | O_DIRECTORY);
  for (guint depth = 0; depth < 40; depth++)   /* 8,000 bytes of path */
    {
      int next;

      g_assert_cmpint (mkdirat (fd, name, 0755), ==, 0);
      next = openat (fd, name, O_RDONLY | O_DIRECTORY);
      g_assert_cmpint (next, >=, 0);
      close (fd);
      fd = next;
    }
  g_assert_cmpint (openat (fd, "1-1.dcm", O_WRONLY | O_CREAT, 0644), >=, 0);
  close (fd);

  queue = run_queue (f);
  g_assert_cmpuint (tcia_download_queue_get_n_done (queue), ==, N_SERIES);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  assert_job_verified (f, job_at (queue, 0));
}

/* A LICENSE that cannot be written fails its series with a message, and
 * the next run, once it can, finishes them without fetching them again. */
static void
test_license_in_the_way (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(TciaSeries) first = g_list_model_get_item (f->series, 0);
  g_autofree char *collection = tcia_layout_sanitize_component (tcia_series_get_collection (first));
  g_autofree char *license = g_build_filename (f->dest, collection, "LICENSE", NULL);
  g_autoptr(TciaDownloadQueue) queue = NULL;
  g_autoptr(TciaDownloadQueue) again = NULL;
  g_autoptr(GHashTable) rows = NULL;
  guint n_failed;
  guint before;

  g_assert_cmpint (g_mkdir_with_parents (license, 0755), ==, 0);
  queue = run_queue (f);
  n_failed = tcia_download_queue_get_n_failed (queue);
  g_assert_cmpuint (n_failed, >, 0);
  g_assert_nonnull (strstr (tcia_download_job_get_error (job_at (queue, 0))->message, license));
  rows = read_rows (f);
  g_assert_false (g_hash_table_contains (rows, tcia_series_get_series_uid (first)));

  g_assert_cmpint (g_rmdir (license), ==, 0);
  before = fake_nbia_get_request_count (fake, "getImage");
  again = run_queue (f);
  g_assert_cmpuint (tcia_download_queue_get_n_done (again), ==, N_SERIES);
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getImage"), ==, before);
  g_assert_true (g_file_test (license, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&rows, g_hash_table_unref);
  rows = read_rows (f);
  g_assert_true (g_hash_table_contains (rows, tcia_series_get_series_uid (first)));
}

/* Two queues on one destination: the second says who holds it. */
static void
test_lock (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(TciaDownloadQueue) first = new_queue (f);
  g_autoptr(TciaDownloadQueue) second = NULL;
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  gboolean finished = FALSE;

  fake_nbia_set_latency (fake, 300);
  g_signal_connect (first, "finished", G_CALLBACK (finished_cb), &finished);
  tcia_download_queue_start (first);

  second = run_queue (f);
  g_assert_cmpuint (tcia_download_queue_get_n_failed (second), ==, N_SERIES);
  g_assert_error (tcia_download_job_get_error (job_at (second, 0)), TCIA_DOWNLOAD_ERROR,
                  TCIA_DOWNLOAD_ERROR_BUSY);
  g_assert_nonnull (strstr (tcia_download_job_get_error (job_at (second, 0))->message, pid));

  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  fake_nbia_set_latency (fake, 0);
  g_assert_cmpuint (tcia_download_queue_get_n_done (first), ==, N_SERIES);

  /* Free again once the first is done. */
  tcia_download_queue_retry_failed (second);
  finished = FALSE;
  g_signal_connect (second, "finished", G_CALLBACK (finished_cb), &finished);
  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (count_state (second, TCIA_DOWNLOAD_JOB_SKIPPED), ==, N_SERIES);
}

static void
write_file_at (Fixture    *f,
               const char *relative,
               const char *text)
{
  g_autofree char *path = g_build_filename (f->dest, relative, NULL);

  write_file (path, text);
}

/* A writer killed between its temporary and the rename leaves the temporary;
 * the next lock removes exactly those of files it replaces, nothing else. */
static void
test_stale_temporaries (Fixture       *f,
                        gconstpointer  data)
{
  static const char * const ours[] = {
    ".tcia-basket/files/.1.2.840.5.0123abcd.tmp",
    ".CITATION.bib.deadbeef.tmp",
    ".CITATION.txt.00000000.tmp",
  };
  static const char * const theirs[] = {
    ".tcia-basket/files/.notes.0123abcd.tmp",
    ".CITATION.bib.zzzzzzzz.tmp",
    ".CITATION.bib.tmp",
    ".thesis.tex.deadbeef.tmp",
    "CITATION.bib.deadbeef.tmp",
  };
  g_autofree char *files_dir = g_build_filename (f->dest, ".tcia-basket", "files", NULL);
  g_autofree char *linked = g_build_filename (f->dest, ".CITATION.txt.0000abcd.tmp", NULL);
  g_autofree char *target = g_build_filename (f->dest, "kept", NULL);
  g_autoptr(GError) error = NULL;
  int root_fd;
  int lock_fd;

  g_assert_cmpint (g_mkdir_with_parents (files_dir, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (ours); i++)
    write_file_at (f, ours[i], "half");
  for (guint i = 0; i < G_N_ELEMENTS (theirs); i++)
    write_file_at (f, theirs[i], "the user's");
  write_file_at (f, "kept", "the user's");
  g_assert_cmpint (symlink (target, linked), ==, 0);

  root_fd = tcia_dest_open_root (f->dest, &error);
  g_assert_no_error (error);
  lock_fd = tcia_dest_lock (root_fd, f->dest, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lock_fd, >=, 0);

  for (guint i = 0; i < G_N_ELEMENTS (ours); i++)
    {
      g_autofree char *path = g_build_filename (f->dest, ours[i], NULL);

      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
  for (guint i = 0; i < G_N_ELEMENTS (theirs); i++)
    {
      g_autofree char *path = g_build_filename (f->dest, theirs[i], NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
  g_assert_true (g_file_test (linked, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_test (target, G_FILE_TEST_IS_REGULAR));
  close (lock_fd);
  close (root_fd);
}

/* A web page with 200 where the archive should be is said as such, once. */
static void
test_web_page (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(TciaSeries) first = g_list_model_get_item (f->series, 0);
  g_autoptr(TciaDownloadQueue) queue = NULL;
  guint before = fake_nbia_get_request_count (fake, "getImage");
  const GError *error;

  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_HTML_PAGE, 0, tcia_series_get_series_uid (first));
  queue = run_queue (f);
  error = tcia_download_job_get_error (job_at (queue, 0));
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_NOT_ARCHIVE);
  g_assert_nonnull (strstr (error->message, "web page"));
  g_assert_cmpuint (tcia_download_queue_get_n_done (queue), ==, N_SERIES - 1);
  /* One request for it, five for the others. */
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getImage"), ==, before + N_SERIES);
}

/* An archive with no images (or only an empty md5hashes.csv) is never a
 * complete series, even when the server gave no image count. */
static void
test_no_images (Fixture       *f,
                gconstpointer  data)
{
  FakeNbiaFault fault = fake_nbia_fault_from_string (data);
  g_autoptr(TciaSeries) first = g_list_model_get_item (f->series, 0);
  g_autofree char *uid = g_strdup (tcia_series_get_series_uid (first));
  const char *uids[] = { uid, NULL };
  g_autoptr(TciaDownloadQueue) queue = NULL;
  g_autoptr(TciaDownloadQueue) again = NULL;
  g_autoptr(GHashTable) rows = NULL;

  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_NO_COUNTS, 1, uid);
  load_series (f, uids);
  g_assert_cmpuint (tcia_series_get_image_count (first), >, 0);
  g_clear_object (&first);
  first = g_list_model_get_item (f->series, 0);
  g_assert_cmpuint (tcia_series_get_image_count (first), ==, 0);

  fake_nbia_set_fault (fake, fault, 0, uid);
  queue = run_queue (f);
  g_assert_cmpuint (tcia_download_queue_get_n_failed (queue), ==, 1);
  g_assert_error (tcia_download_job_get_error (job_at (queue, 0)), TCIA_DOWNLOAD_ERROR,
                  TCIA_DOWNLOAD_ERROR_NO_IMAGES);
  rows = read_rows (f);
  g_assert_cmpuint (g_hash_table_size (rows), ==, 0);

  /* Not skipped later: fetched, once the server sends the images. */
  fake_nbia_clear_faults (fake);
  again = run_queue (f);
  g_assert_cmpint (tcia_download_job_get_state (job_at (again, 0)), ==, TCIA_DOWNLOAD_JOB_DONE);
  g_assert_cmpuint (tcia_download_job_get_n_images (job_at (again, 0)), >, 0);
}

/* An archive that unpacks to far more than the series holds is stopped,
 * failed and not tried again; with no size known, by its ratio. */
static void
test_zip_bomb (Fixture       *f,
               gconstpointer  data)
{
  gboolean no_counts = GPOINTER_TO_INT (data);
  g_autoptr(TciaSeries) first = g_list_model_get_item (f->series, 0);
  g_autofree char *uid = g_strdup (tcia_series_get_series_uid (first));
  const char *uids[] = { uid, NULL };
  g_autoptr(TciaDownloadQueue) queue = NULL;
  guint before;

  if (no_counts)
    {
      fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_NO_COUNTS, 1, uid);
      load_series (f, uids);
    }
  before = fake_nbia_get_request_count (fake, "getImage");
  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_ZIP_BOMB, 0, uid);
  queue = run_queue (f);
  g_assert_error (tcia_download_job_get_error (job_at (queue, 0)), TCIA_DOWNLOAD_ERROR,
                  TCIA_DOWNLOAD_ERROR_TOO_LARGE);
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getImage"), ==,
                    before + g_list_model_get_n_items (f->series));
  {
    g_autofree char *part = g_strconcat (f->dest, "/",
                                         tcia_download_job_get_relative_path (job_at (queue, 0)),
                                         ".part", NULL);

    g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  }
}

/* A body that trickles is a stall by the pace rule, tried again and given
 * up; a Retry-After past the series' deadline fails at once. */
static void
test_pace_and_deadline (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(TciaSeries) first = g_list_model_get_item (f->series, 0);
  const char *uid = tcia_series_get_series_uid (first);
  g_autoptr(TciaDownloadQueue) slow = new_queue (f);
  g_autoptr(TciaDownloadQueue) busy = NULL;
  const GError *error;
  guint before;

  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_TRICKLE, 0, uid);
  tcia_download_queue_set_limits (slow, 0, 1024, 300);
  run_until_finished (slow);
  error = tcia_download_job_get_error (job_at (slow, 0));
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "stalled"));
  g_assert_cmpuint (tcia_download_queue_get_n_done (slow), ==, N_SERIES - 1);
  fake_nbia_clear_faults (fake);

  before = fake_nbia_get_request_count (fake, "getImage");
  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_RETRY_AFTER_LONG, 0, uid);
  busy = new_queue (f);
  tcia_download_queue_set_retry_policy (busy, 5, 10, 50);
  tcia_download_queue_set_limits (busy, 60, 0, 0);
  run_until_finished (busy);
  error = tcia_download_job_get_error (job_at (busy, 0));
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "time limit"));
  /* Asked once; the others were complete already. */
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getImage"), ==, before + 1);
}

/* Two series whose Data Retriever folder names are the same get two
 * folders, with one or two jobs, in either order, on every run. */
static void
test_colliding_series (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FakeNbiaOptions options;
  FakeNbia *colliding;
  g_autofree char *url = NULL;
  g_autofree char *first_path = NULL;
  g_autofree char *second_path = NULL;
  FakeNbiaSeriesInfo a, b;
  guint ia, ib;

  fake_nbia_options_init (&options);
  options.colliding_pairs = 1;
  colliding = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (colliding, 0, &error));
  g_assert_no_error (error);
  url = fake_nbia_get_url (colliding, 4);
  g_clear_object (&f->client);
  f->client = tcia_client_new (url, &error);
  g_assert_no_error (error);
  g_assert_true (fake_nbia_get_colliding_pair (colliding, 0, &ia, &ib));
  fake_nbia_get_series (colliding, ia, &a);
  fake_nbia_get_series (colliding, ib, &b);

  for (guint round = 0; round < 3; round++)
    {
      /* Round 0: one job at a time; 1: two, the other order; 2: a rerun. */
      const char *forward[] = { a.series_uid, b.series_uid, NULL };
      const char *backward[] = { b.series_uid, a.series_uid, NULL };
      g_autoptr(TciaDownloadQueue) queue = NULL;
      g_autoptr(GHashTable) rows = NULL;
      TciaDownloadJob *ja, *jb;

      load_series (f, round == 1 ? backward : forward);
      queue = new_queue (f);
      tcia_download_queue_set_max_jobs (queue, round == 0 ? 1 : 2);
      run_until_finished (queue);
      ja = job_at (queue, round == 1 ? 1 : 0);
      jb = job_at (queue, round == 1 ? 0 : 1);
      g_assert_cmpstr (tcia_download_job_get_series_uid (ja), ==, a.series_uid);
      g_assert_cmpstr (tcia_download_job_get_relative_path (ja), !=,
                       tcia_download_job_get_relative_path (jb));
      if (round == 0)
        {
          g_assert_cmpint (tcia_download_job_get_state (ja), ==, TCIA_DOWNLOAD_JOB_DONE);
          g_assert_cmpint (tcia_download_job_get_state (jb), ==, TCIA_DOWNLOAD_JOB_DONE);
          first_path = g_strdup (tcia_download_job_get_relative_path (ja));
          second_path = g_strdup (tcia_download_job_get_relative_path (jb));
          assert_job_verified (f, ja);
          assert_job_verified (f, jb);
          /* Each folder holds its own series' images. */
          {
            g_autofree char *dir = job_dir (f, jb);
            g_autofree char *sop = tcia_metadata_csv_read_sop_class_uid (dir);

            g_assert_nonnull (sop);
          }
        }
      else
        {
          /* Found again where they were put, not fetched again. */
          g_assert_cmpint (tcia_download_job_get_state (ja), ==, TCIA_DOWNLOAD_JOB_SKIPPED);
          g_assert_cmpint (tcia_download_job_get_state (jb), ==, TCIA_DOWNLOAD_JOB_SKIPPED);
          g_assert_cmpstr (tcia_download_job_get_relative_path (ja), ==, first_path);
          g_assert_cmpstr (tcia_download_job_get_relative_path (jb), ==, second_path);
        }
      rows = read_rows (f);
      g_assert_cmpuint (g_hash_table_size (rows), ==, 2);
      g_assert_cmpstr (g_hash_table_lookup (rows, a.series_uid), ==, first_path);
      g_assert_cmpstr (g_hash_table_lookup (rows, b.series_uid), ==, second_path);
    }

  g_clear_object (&f->client);
  fake_nbia_free (colliding);
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

  ADD ("/core/download-safety/user-folder-kept", test_user_folder_kept);
  ADD ("/core/download-safety/resume-checks-files", test_resume_checks_files);
  ADD ("/core/download-safety/verify-existing", test_verify_existing);
  ADD ("/core/download-safety/planted-link", test_planted_link);
  ADD ("/core/download-safety/deep-part", test_deep_part);
  ADD ("/core/download-safety/license-in-the-way", test_license_in_the_way);
  ADD ("/core/download-safety/lock", test_lock);
  ADD ("/core/download-safety/stale-temporaries", test_stale_temporaries);
  ADD ("/core/download-safety/web-page", test_web_page);
  ADD ("/core/download-safety/pace-and-deadline", test_pace_and_deadline);
  ADD ("/core/download-safety/colliding-series", test_colliding_series);
  g_test_add ("/core/download-safety/no-images/empty-zip", Fixture, "empty-zip",
              fixture_setup, test_no_images, fixture_teardown);
  g_test_add ("/core/download-safety/no-images/md5-only-zip", Fixture, "md5-only-zip",
              fixture_setup, test_no_images, fixture_teardown);
  g_test_add ("/core/download-safety/zip-bomb/declared", Fixture, GINT_TO_POINTER (FALSE),
              fixture_setup, test_zip_bomb, fixture_teardown);
  g_test_add ("/core/download-safety/zip-bomb/no-size", Fixture, GINT_TO_POINTER (TRUE),
              fixture_setup, test_zip_bomb, fixture_teardown);

  return download_test_run (fake, url_v4);
}

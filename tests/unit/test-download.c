/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "queue-test-util.h"
#include "unit-test-util.h"
#include "fake-nbia.h"
#include "tcia-core.h"
#include "tcia-download-queue.h"
#include "tcia-layout.h"

#define TCIA_BASKET TCIA_BUILDDIR "/src/tcia-basket-test"
#define N_SERIES 6
/* The tmpfs of the full-disk test: smaller than the series of write_manifest(). */
#define FULL_DISK_KB 64

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
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dest = g_dir_make_tmp ("test-download-XXXXXX", &error);
  g_assert_no_error (error);
  f->client = download_test_client (url_v4);
  f->series = download_test_first_series (f->client, fake, N_SERIES);
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
  g_autoptr(GHashTable) rows = read_metadata_rows (path);

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

/* The DICOM name and UID of each modality of the fake archive, from PS3.6. */
static const struct
{
  const char *modality;
  const char *uid;
  const char *name;
} sop_classes[] = {
  { "CT", "1.2.840.10008.5.1.4.1.1.2", "CT Image Storage" },
  { "MR", "1.2.840.10008.5.1.4.1.1.4", "MR Image Storage" },
  { "PT", "1.2.840.10008.5.1.4.1.1.128", "Positron Emission Tomography Image Storage" },
  { "MG", "1.2.840.10008.5.1.4.1.1.1.2",
    "Digital Mammography X-Ray Image Storage - For Presentation" },
  { "SEG", "1.2.840.10008.5.1.4.1.1.66.4", "Segmentation Storage" },
  { "RTSTRUCT", "1.2.840.10008.5.1.4.1.1.481.3", "RT Structure Set Storage" },
  { "CR", "1.2.840.10008.5.1.4.1.1.1", "Computed Radiography Image Storage" },
};

/* Each row of metadata.csv names its series' SOP class, UID and name, as
 * the Data Retriever does; v4 gives no SOP Class UID, so it comes from the
 * images' file meta information. */
static void
assert_sop_class_columns (const char *dest,
                          guint       n_expected)
{
  g_autofree char *path = g_build_filename (dest, TCIA_METADATA_CSV_NAME, NULL);
  g_autoptr(GPtrArray) records = read_metadata_records (path);
  guint n_rows = 0;

  for (guint i = 1; i < records->len; i++)
    {
      GPtrArray *row = records->pdata[i];
      const char * const *fields = (const char * const *) row->pdata;
      gboolean found = FALSE;

      g_assert_cmpuint (row->len, ==, 17);
      for (guint m = 0; m < G_N_ELEMENTS (sop_classes); m++)
        {
          if (g_strcmp0 (fields[10], sop_classes[m].modality) != 0)
            continue;
          g_assert_cmpstr (fields[11], ==, sop_classes[m].name);
          g_assert_cmpstr (fields[12], ==, sop_classes[m].uid);
          found = TRUE;
        }
      g_assert_true (found);
      n_rows++;
    }
  g_assert_cmpuint (n_rows, ==, n_expected);
}

static void
append_element (GByteArray *file,
                guint16     element,
                const char *vr,
                const char *value,
                guint       len)
{
  guint8 head[12] = { 0x02, 0x00, element & 0xff, element >> 8, vr[0], vr[1] };

  if (strcmp (vr, "OB") == 0)
    {
      head[8] = len & 0xff;
      head[9] = len >> 8;
      g_byte_array_append (file, head, 12);
    }
  else
    {
      head[6] = len & 0xff;
      head[7] = len >> 8;
      g_byte_array_append (file, head, 8);
    }
  g_byte_array_append (file, (const guint8 *) value, len);
}

static void
write_dicom (const char *dir,
             const char *name,
             GByteArray *file)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, (const char *) file->data, file->len, NULL));
}

static void
test_sop_class (Fixture       *f,
                gconstpointer  data)
{
  static const guint8 preamble[128] = { 0 };
  g_autoptr(GByteArray) file = g_byte_array_new ();
  g_autofree char *uid = NULL;

  g_assert_cmpstr (tcia_metadata_csv_sop_class_name ("1.2.840.10008.5.1.4.1.1.2"), ==,
                   "CT Image Storage");
  g_assert_cmpstr (tcia_metadata_csv_sop_class_name ("1.2.840.10008.5.1.4.1.1.88.22"), ==,
                   "Enhanced SR Storage");
  g_assert_cmpstr (tcia_metadata_csv_sop_class_name ("1.2.840.10008.5.1.4.1.1.5"), ==,
                   "Nuclear Medicine Image Storage (Retired)");
  g_assert_null (tcia_metadata_csv_sop_class_name ("1.2.3.4"));
  g_assert_null (tcia_metadata_csv_sop_class_name ("1.2.840.10008.5.1.4.1.1"));
  g_assert_null (tcia_metadata_csv_sop_class_name (NULL));

  /* No image, or not DICOM: nothing. */
  g_assert_null (tcia_metadata_csv_read_sop_class_uid (f->dest));
  g_byte_array_append (file, preamble, sizeof preamble);
  write_dicom (f->dest, "1-1.dcm", file);
  g_assert_null (tcia_metadata_csv_read_sop_class_uid (f->dest));

  /* An OB element (32-bit length) before it, the UID padded with a NUL. */
  g_byte_array_append (file, (const guint8 *) "DICM", 4);
  append_element (file, 0x0001, "OB", "\0\1", 2);
  append_element (file, 0x0002, "UI", "1.2.840.10008.5.1.4.1.1.4\0", 26);
  append_element (file, 0x0003, "UI", "1.2.3.4", 8);
  write_dicom (f->dest, "1-1.dcm", file);
  uid = tcia_metadata_csv_read_sop_class_uid (f->dest);
  g_assert_cmpstr (uid, ==, "1.2.840.10008.5.1.4.1.1.4");

  /* Cut short in the UID's value, or a value that is no UID: nothing. */
  g_byte_array_set_size (file, 128 + 4 + 14 + 8 + 10);
  write_dicom (f->dest, "1-1.dcm", file);
  g_assert_null (tcia_metadata_csv_read_sop_class_uid (f->dest));
  g_byte_array_set_size (file, 128 + 4 + 14);
  append_element (file, 0x0002, "UI", "CT Image Storage", 16);
  write_dicom (f->dest, "1-1.dcm", file);
  g_assert_null (tcia_metadata_csv_read_sop_class_uid (f->dest));
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
  assert_sop_class_columns (f->dest, N_SERIES);
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

/* @extra: NULL or one more option. */
static GSubprocess *
spawn_cli_full (const char *manifest,
                const char *output,
                const char *extra,
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
                                      "--jobs=2", extra, NULL);
}

static GSubprocess *
spawn_cli (const char *manifest,
           const char *output,
           GError    **error)
{
  return spawn_cli_full (manifest, output, NULL, error);
}

static int
run_cli_full (const char  *manifest,
              const char  *output,
              const char  *extra,
              char       **err)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = spawn_cli_full (manifest, output, extra, &error);

  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static int
run_cli (const char  *manifest,
         const char  *output,
         char       **err)
{
  return run_cli_full (manifest, output, NULL, err);
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
      /* The m.tcia the test wrote; the lock holds the process ID. */
      if (strcmp (child_rel, "./m.tcia") == 0 || strcmp (child_rel, "./.tcia-basket/lock") == 0)
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

/* --no-verify: the server is not asked for md5hashes.csv (so a wrong one
 * cannot fail a series) and every image is still there; without it, the
 * same wrong checksums fail every series. */
static void
test_cli_no_verify (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *manifest = write_manifest (f);
  g_autofree char *checked = g_build_filename (f->dest, "checked", NULL);
  g_autofree char *unchecked = g_build_filename (f->dest, "unchecked", NULL);
  g_autofree char *csv = g_build_filename (unchecked, TCIA_METADATA_CSV_NAME, NULL);
  g_autofree char *err = NULL;
  g_autoptr(GHashTable) rows = NULL;

  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_WRONG_MD5, 0, NULL);
  g_assert_cmpint (run_cli (manifest, checked, &err), ==, 1);
  g_assert_nonnull (strstr (err, "0 of 12 series complete"));
  g_assert_nonnull (strstr (err, "MD5 checksum does not match"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli_full (manifest, unchecked, "--no-verify", &err), ==, 0);
  g_assert_nonnull (strstr (err, "12 of 12 series complete"));
  fake_nbia_clear_faults (fake);

  rows = read_metadata_rows (csv);
  g_assert_cmpuint (g_hash_table_size (rows), ==, 12);
  for (guint i = 0; i < 12; i++)
    {
      FakeNbiaSeriesInfo info;
      const char *location;
      g_autofree char *dir = NULL;
      g_autofree char *md5_csv = NULL;
      g_autoptr(GDir) listing = NULL;
      const char *name;
      guint n_dicom = 0;

      fake_nbia_get_series (fake, i, &info);
      location = g_hash_table_lookup (rows, info.series_uid);
      g_assert_nonnull (location);
      dir = g_build_filename (unchecked, location, NULL);
      md5_csv = g_build_filename (dir, "md5hashes.csv", NULL);
      g_assert_false (g_file_test (md5_csv, G_FILE_TEST_EXISTS));
      listing = g_dir_open (dir, 0, NULL);
      g_assert_nonnull (listing);
      while ((name = g_dir_read_name (listing)) != NULL)
        if (g_str_has_suffix (name, ".dcm"))
          n_dicom++;
      g_assert_cmpuint (n_dicom, ==, info.image_count);
    }
  assert_no_leftovers (f->dest);
}

/* Ctrl-C halfway: exit status 130 and a summary saying so; the series being
 * fetched leave no .part folder, those complete stay complete with whole
 * rows; the same command again completes the rest. */
static void
test_cli_interrupt (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *manifest = write_manifest (f);
  g_autofree char *out = g_build_filename (f->dest, "out", NULL);
  g_autofree char *csv_path = g_build_filename (out, TCIA_METADATA_CSV_NAME, NULL);
  g_autofree char *csv = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) rows = NULL;
  g_autoptr(GPtrArray) records = NULL;
  GHashTableIter iter;
  gpointer uid, location;
  gint64 deadline;
  guint n_rows;

  /* Slow enough to be interrupted with series in flight. */
  fake_nbia_set_latency (fake, 150);
  process = spawn_cli (manifest, out, &error);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while ((count_rows (out) < 2 || !has_part_folder (out)) &&
         g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_true (has_part_folder (out));
  g_subprocess_send_signal (process, SIGINT);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  fake_nbia_set_latency (fake, 0);
  g_test_message ("stderr:\n%s", err);

  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 130);
  g_assert_nonnull (strstr (err, "Interrupted: "));
  g_assert_nonnull (strstr (err, "not downloaded"));
  assert_no_leftovers (out);

  /* Every row whole, each for a series whose folder is complete. */
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_true (g_str_has_suffix (csv, "\r\n"));
  records = read_metadata_records (csv_path);
  for (guint i = 0; i < records->len; i++)
    g_assert_cmpuint (((GPtrArray *) records->pdata[i])->len, ==, 17);
  rows = read_metadata_rows (csv_path);
  n_rows = g_hash_table_size (rows);
  g_assert_cmpuint (n_rows, >=, 2);
  g_assert_cmpuint (n_rows, <, 12);
  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, &uid, &location))
    {
      gint index = fake_nbia_find_series (fake, uid);
      FakeNbiaSeriesInfo info;
      g_autofree char *dir = NULL;

      g_assert_cmpint (index, >=, 0);
      fake_nbia_get_series (fake, index, &info);
      g_assert_cmpstr (location, !=, "");
      dir = g_build_filename (out, (char *) location, NULL);
      g_assert_true (tcia_extract_verify_dir (dir, info.image_count, NULL, &error));
      g_assert_no_error (error);
    }

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (manifest, out, &err), ==, 0);
  g_assert_nonnull (strstr (err, "12 of 12 series complete"));
  {
    g_autofree char *there = g_strdup_printf ("(%u already there)", n_rows);

    g_assert_nonnull (strstr (err, there));
  }
  g_assert_cmpuint (count_rows (out), ==, 12);
  assert_no_leftovers (out);
}

/* ---- read-only and full destinations, for real, as root too ---- */

/* How a folder is made unwritable for the headless download. Root writes
 * through chmod 0555, so as root it takes a read-only bind mount in a mount
 * namespace of the child's own (or, where namespaces are not allowed, as in
 * a container without CAP_SYS_ADMIN, dropping to the user nobody). */
typedef enum
{
  LOCK_NONE,
  LOCK_MOUNT,     /* unshare --mount (as root) or --user --map-root-user --mount */
  LOCK_SETPRIV,   /* root only: the child runs as nobody; the folder is chmod 0555 */
  LOCK_CHMOD,     /* not root: the folder is chmod 0555 */
} LockMethod;

/* Runs in the child: "$1" is ro, tmpfs or none, "$2" the folder, the rest the
 * command. 125 when the folder could not be set up. What is left in the
 * folder afterwards goes to stdout: a tmpfs is gone once the child is. */
static const char lock_script[] =
  "mode=$1 dir=$2; shift 2\n"
  "case $mode in\n"
  "  ro) mount --bind \"$dir\" \"$dir\" && mount -o remount,bind,ro \"$dir\" \"$dir\" || exit 125 ;;\n"
  "  tmpfs) mount -t tmpfs -o size=" G_STRINGIFY (FULL_DISK_KB) "k tmpfs \"$dir\" || exit 125 ;;\n"
  "esac\n"
  "\"$@\"\n"
  "status=$?\n"
  "find \"$dir\" -mindepth 1\n"
  "exit $status\n";

static const char *
lock_method_name (LockMethod method)
{
  switch (method)
    {
    case LOCK_MOUNT:
      return "a read-only bind mount in a mount namespace";
    case LOCK_SETPRIV:
      return "setpriv to nobody and chmod 0555";
    case LOCK_CHMOD:
      return "chmod 0555";
    case LOCK_NONE:
    default:
      return "none";
    }
}

/* The argv up to the command: the folder @dir set up as @mode ("ro", "tmpfs" or "none"). */
static GPtrArray *
lock_argv (LockMethod  method,
           const char *mode,
           const char *dir)
{
  GPtrArray *argv = g_ptr_array_new ();

  if (method == LOCK_MOUNT)
    {
      g_ptr_array_add (argv, (char *) "unshare");
      if (geteuid () != 0)
        {
          g_ptr_array_add (argv, (char *) "--user");
          g_ptr_array_add (argv, (char *) "--map-root-user");
        }
      g_ptr_array_add (argv, (char *) "--mount");
      g_ptr_array_add (argv, (char *) "--propagation");
      g_ptr_array_add (argv, (char *) "private");
    }
  else if (method == LOCK_SETPRIV)
    {
      g_ptr_array_add (argv, (char *) "setpriv");
      g_ptr_array_add (argv, (char *) "--reuid=65534");
      g_ptr_array_add (argv, (char *) "--regid=65534");
      g_ptr_array_add (argv, (char *) "--clear-groups");
      mode = "none";
    }
  else
    {
      mode = "none";
    }
  g_ptr_array_add (argv, (char *) "sh");
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, (char *) lock_script);
  g_ptr_array_add (argv, (char *) "sh");
  g_ptr_array_add (argv, (char *) mode);
  g_ptr_array_add (argv, (char *) dir);
  return argv;
}

/* Makes @dir unwritable the way @method needs before the child starts. */
static void
lock_prepare (LockMethod  method,
              const char *dir)
{
  if (method == LOCK_SETPRIV || method == LOCK_CHMOD)
    g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
}

static gboolean
lock_method_works (LockMethod method)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *top = g_dir_make_tmp ("test-download-lock-XXXXXX", &error);
  g_autofree char *dir = g_build_filename (top, "locked", NULL);
  g_autofree char *probe = g_build_filename (dir, "probe", NULL);
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  gboolean works;

  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (top, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  lock_prepare (method, dir);

  /* The program must be reachable, the folder must refuse a file. */
  argv = lock_argv (method, "ro", dir);
  g_ptr_array_add (argv, (char *) "sh");
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, (char *) "test -x \"$0\" && ! touch \"$1\" 2>/dev/null");
  g_ptr_array_add (argv, (char *) TCIA_BASKET);
  g_ptr_array_add (argv, probe);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  works = process != NULL && g_subprocess_wait (process, NULL, NULL) &&
          g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0 &&
          !g_file_test (probe, G_FILE_TEST_EXISTS);

  g_chmod (dir, 0755);
  tcia_extract_remove_tree (top, NULL);
  return works;
}

static LockMethod
lock_method (void)
{
  static LockMethod method = LOCK_NONE;
  static gboolean probed = FALSE;

  if (!probed)
    {
      LockMethod candidates[] = { LOCK_MOUNT, geteuid () == 0 ? LOCK_SETPRIV : LOCK_CHMOD };
      /* To try the fallbacks on a machine where namespaces work. */
      const char *only = g_getenv ("TEST_DOWNLOAD_LOCK");

      if (g_strcmp0 (only, "fallback") == 0)
        candidates[0] = candidates[1];
      probed = TRUE;
      for (guint i = 0; i < G_N_ELEMENTS (candidates) && method == LOCK_NONE; i++)
        if (lock_method_works (candidates[i]))
          method = candidates[i];
    }
  return method;
}

typedef struct
{
  int   status;
  char *out;    /* what was left in the folder, one path a line */
  char *err;
} LockedRun;

static void
locked_run_clear (LockedRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LockedRun, locked_run_clear)

/* The headless download of @manifest into @output, with @dir set up as
 * @mode ("ro" or "tmpfs") by @method. */
static void
run_cli_locked (LockedRun  *run,
                LockMethod  method,
                const char *mode,
                const char *dir,
                const char *manifest,
                const char *output)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = lock_argv (method, mode, dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *download = g_strconcat ("--download=", manifest, NULL);
  g_autofree char *out = g_strconcat ("--output=", output, NULL);
  g_autofree char *api = g_strconcat ("--api-url=", url_v4, NULL);

  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_setenv (launcher, "TCIA_TEST_RETRY_DELAY_MS", "10", TRUE);
  g_ptr_array_add (argv, (char *) TCIA_BASKET);
  g_ptr_array_add (argv, api);
  g_ptr_array_add (argv, download);
  g_ptr_array_add (argv, out);
  g_ptr_array_add (argv, (char *) "--jobs=2");
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  g_test_message ("exit status %d; stderr:\n%s", run->status, run->err);
  /* The folder could not be set up after the probe said it could. */
  g_assert_cmpint (run->status, !=, 125);
}

static gboolean
skip_without_lock (void)
{
  if (lock_method () != LOCK_NONE)
    {
      g_test_message ("read-only folders by %s", lock_method_name (lock_method ()));
      return FALSE;
    }
  g_test_skip ("no way to make a folder read-only here: as root this needs mount namespaces "
               "(unshare --mount) or setpriv; unprivileged, user namespaces or chmod");
  return TRUE;
}

/* The top of the test's folder, reachable by nobody when the child runs as nobody. */
static void
open_fixture_dir (Fixture *f)
{
  g_assert_cmpint (g_chmod (f->dest, 0755), ==, 0);
}

/* A destination that cannot be written to is an unusable DIR: exit status 2
 * and one line naming it and saying why, before anything is fetched. */
static void
test_read_only_destination (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *manifest = write_manifest (f);
  g_autofree char *out = g_build_filename (f->dest, "out", NULL);
  g_auto(LockedRun) run = { 0 };
  g_autoptr(GDir) dir = NULL;
  g_autofree char *line = NULL;
  guint requests = fake_nbia_get_request_count (fake, "getImage");

  if (skip_without_lock ())
    return;
  open_fixture_dir (f);
  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);
  lock_prepare (lock_method (), out);

  run_cli_locked (&run, lock_method (), "ro", out, manifest, out);

  g_assert_cmpint (run.status, ==, 2);
  g_assert_true (g_str_has_suffix (run.err, "\n"));
  line = g_strndup (run.err, strlen (run.err) - 1);
  g_assert_null (strchr (line, '\n'));
  g_assert_true (g_str_has_prefix (line, "tcia-basket: "));
  g_assert_nonnull (strstr (line, out));
  g_assert_nonnull (strstr (line, "read-only"));
  /* Nothing was fetched, nothing was written. */
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getImage"), ==, requests);
  g_assert_cmpstr (run.out, ==, "");
  g_chmod (out, 0755);
  dir = g_dir_open (out, 0, NULL);
  g_assert_nonnull (dir);
  g_assert_null (g_dir_read_name (dir));
}

/* A collection's folder that cannot be written to: its series fail, each
 * named, saying the destination is read-only; the others complete; exit
 * status 1; no .part folder and no row for what failed. */
static void
test_read_only_collection (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *manifest = write_manifest (f);
  g_autofree char *out = g_build_filename (f->dest, "out", NULL);
  g_autofree char *csv = g_build_filename (out, TCIA_METADATA_CSV_NAME, NULL);
  g_autoptr(GHashTable) rows = NULL;
  g_auto(LockedRun) run = { 0 };
  g_autofree char *locked = NULL;
  g_autofree char *collection = NULL;
  g_autoptr(GDir) dir = NULL;
  FakeNbiaSeriesInfo first;
  guint n_locked = 0;

  if (skip_without_lock ())
    return;
  open_fixture_dir (f);
  fake_nbia_get_series (fake, 0, &first);
  collection = g_strdup (first.collection);
  g_assert_cmpint (g_mkdir (out, 0777), ==, 0);
  /* As the child may be nobody, who must write the rest. */
  g_assert_cmpint (g_chmod (out, 0777), ==, 0);
  {
    g_autofree char *component = tcia_layout_sanitize_component (collection);

    locked = g_build_filename (out, component, NULL);
  }
  g_assert_cmpint (g_mkdir (locked, 0755), ==, 0);
  lock_prepare (lock_method (), locked);

  run_cli_locked (&run, lock_method (), "ro", locked, manifest, out);

  g_assert_cmpint (run.status, ==, 1);
  rows = read_metadata_rows (csv);
  for (guint i = 0; i < 12; i++)
    {
      FakeNbiaSeriesInfo info;
      g_autofree char *failed = NULL;

      fake_nbia_get_series (fake, i, &info);
      failed = g_strdup_printf ("series %s failed: ", info.series_uid);
      if (g_strcmp0 (info.collection, collection) == 0)
        {
          const char *line = strstr (run.err, failed);
          g_autofree char *message = NULL;

          n_locked++;
          g_assert_nonnull (line);
          message = g_strndup (line, strcspn (line, "\n"));
          g_assert_nonnull (strstr (message, locked));
          g_assert_nonnull (strstr (message, "read-only"));
          g_assert_false (g_hash_table_contains (rows, info.series_uid));
        }
      else
        {
          g_assert_null (strstr (run.err, failed));
          g_assert_true (g_hash_table_contains (rows, info.series_uid));
        }
    }
  g_assert_cmpuint (n_locked, >, 0);
  g_assert_cmpuint (g_hash_table_size (rows), ==, 12 - n_locked);
  {
    g_autofree char *summary = g_strdup_printf ("%u of 12 series complete", 12 - n_locked);

    g_assert_nonnull (strstr (run.err, summary));
  }
  g_assert_cmpstr (run.out, ==, "");
  g_chmod (locked, 0755);
  dir = g_dir_open (locked, 0, NULL);
  g_assert_nonnull (dir);
  g_assert_null (g_dir_read_name (dir));
  assert_no_leftovers (out);
}

/* A disk that fills up for real (a small tmpfs, ENOSPC rather than the
 * EFBIG of RLIMIT_FSIZE): the series that do not fit fail, saying the disk
 * is full; exit status 1; no .part folder left. */
static void
test_full_disk_tmpfs (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *manifest = write_manifest (f);
  g_autofree char *out = g_build_filename (f->dest, "out", NULL);
  g_auto(LockedRun) run = { 0 };

  if (lock_method () != LOCK_MOUNT)
    {
      g_test_skip ("mounting a tmpfs needs mount namespaces (/core/download/full-disk covers "
                   "RLIMIT_FSIZE)");
      return;
    }
  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);

  run_cli_locked (&run, LOCK_MOUNT, "tmpfs", out, manifest, out);

  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, " failed: "));
  g_assert_nonnull (strstr (run.err, "disk is full"));
  g_assert_nonnull (strstr (run.err, "series complete"));
  /* run.out lists what the tmpfs held at the end. */
  g_assert_null (strstr (run.out, ".part"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  static const char * const transient[] = { "drop", "zip-truncated", "http-429", "http-503",
                                            "stall", "http-500" };
  static const char * const permanent[] = { "wrong-md5", "escaping-entry", "absolute-entry" };

  g_test_init (&argc, &argv, NULL);

  fake = download_test_start_server (&url_v4);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)

  ADD ("/core/download/basic-and-skip", test_basic, NULL);
  ADD ("/core/download/metadata-csv/sop-class", test_sop_class, NULL);
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
  ADD ("/core/download/cli/kill-and-resume", test_cli_kill_and_resume, NULL);
  ADD ("/core/download/cli/interrupt", test_cli_interrupt, NULL);
  ADD ("/core/download/cli/no-verify", test_cli_no_verify, NULL);
  ADD ("/core/download/cli/failures", test_cli_failures, NULL);
  ADD ("/core/download/cli/read-only-destination", test_read_only_destination, NULL);
  ADD ("/core/download/cli/read-only-collection", test_read_only_collection, NULL);
  ADD ("/core/download/cli/full-disk-tmpfs", test_full_disk_tmpfs, NULL);

  return download_test_run (fake, url_v4);
}

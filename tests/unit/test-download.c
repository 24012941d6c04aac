/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The download queue against the fake server: layouts, checksums,
 * metadata.csv, transient and permanent faults, a full disk. The command
 * line's downloads are in test-download-cli.c and
 * test-download-read-only.c. */

#include "config.h"

#include <sys/resource.h>

#include "download-test-util.h"

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

  DOWNLOAD_TEST ("/core/download/basic-and-skip", test_basic, NULL);
  DOWNLOAD_TEST ("/core/download/metadata-csv/sop-class", test_sop_class, NULL);
  DOWNLOAD_TEST ("/core/download/layouts", test_layouts, NULL);
  DOWNLOAD_TEST ("/core/download/no-checksums", test_no_checksums, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (transient); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/download/transient/%s", transient[i]);
      DOWNLOAD_TEST (path, test_transient, transient[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (permanent); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/download/permanent/%s", permanent[i]);
      DOWNLOAD_TEST (path, test_permanent, permanent[i]);
    }
  DOWNLOAD_TEST ("/core/download/refused", test_refused, NULL);
  DOWNLOAD_TEST ("/core/download/full-disk", test_full_disk, NULL);

  return download_test_run (fake, url_v4);
}

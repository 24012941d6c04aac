/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fake-idc.h"
#include "fake-s3rver.h"
#include "tcia-client.h"
#include "tcia-download-queue.h"
#include "tcia-download-queue-private.h"
#include "tcia-idc-client.h"
#include "tcia-idc-fetcher.h"
#include "tcia-records-private.h"
#include "tcia-series-writer.h"
#include "test-util.h"

/* The IDC fetcher against the fake IDC's buckets (idc-api.md §7), with
 * the faults of issue #13 §5: each series resolved through the fake API
 * first, as the program does. */

#define TIMEOUT_S 60

typedef struct
{
  FakeIdc           *fake;
  FakeIdcArchive    *archive;
  TciaIdcResolution *resolution;
  TciaFetcher       *fetcher;
  char              *dest;
  GCancellable      *cancellable;
  guint              window_ms;    /* of the least pace; 0: the default */
} Fixture;

static void
resolved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Fixture *f = user_data;
  g_autoptr(GError) error = NULL;

  f->resolution = tcia_idc_client_resolve_finish (TCIA_IDC_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  g_autoptr(TciaIdcClient) client = NULL;
  g_autofree char *api_url = NULL;
  g_autofree char *bucket_url = NULL;
  FakeIdcOptions options;

  fake_idc_options_init (&options);
  options.retry_after_s = 0;
  f->fake = fake_idc_new (&options);
  g_assert_true (fake_idc_start_in_thread (f->fake, 0, 0, &error));
  g_assert_no_error (error);
  f->archive = fake_idc_get_archive (f->fake);

  for (guint i = 0; i < fake_idc_archive_get_n_series (f->archive); i++)
    g_ptr_array_add (uids, (gpointer) fake_idc_archive_get_series (f->archive, i)->series_uid);
  g_ptr_array_add (uids, (gpointer) fake_idc_archive_get_prior_only_uid (f->archive));
  g_ptr_array_add (uids, NULL);
  api_url = fake_idc_get_api_url (f->fake);
  client = tcia_idc_client_new (api_url, &error);
  g_assert_no_error (error);
  tcia_idc_client_resolve_async (client, (const char * const *) uids->pdata, NULL, resolved_cb,
                                 f);
  WAIT_FOR (f->resolution != NULL);

  bucket_url = fake_idc_get_bucket_url (f->fake);
  f->fetcher = tcia_idc_fetcher_new (bucket_url);
  tcia_idc_fetcher_set_retry_policy (TCIA_IDC_FETCHER (f->fetcher), 6, 1, 20);
  for (guint i = 0; uids->pdata[i] != NULL; i++)
    tcia_idc_fetcher_add_location (TCIA_IDC_FETCHER (f->fetcher),
                                   tcia_idc_resolution_get_location (f->resolution,
                                                                     uids->pdata[i]));
  f->dest = g_dir_make_tmp ("test-idc-fetch-XXXXXX", NULL);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->fetcher);
  g_clear_object (&f->resolution);
  g_clear_object (&f->cancellable);
  fake_idc_free (f->fake);
  remove_tree (f->dest);
  g_free (f->dest);
}

/* The first series IDC has now with at least @min objects. */
static const FakeIdcSeries *
pick_series (Fixture *f,
             guint    min)
{
  for (guint i = 0; i < fake_idc_archive_get_n_series (f->archive); i++)
    {
      const FakeIdcSeries *series = fake_idc_archive_get_series (f->archive, i);

      if (series->n_objects >= min)
        return series;
    }
  g_assert_not_reached ();
}

/* One attempt of the fetcher at @want into a writer, as a worker makes it;
 * committed when it succeeds. */
static gboolean
fetch (Fixture              *f,
       const FakeIdcSeries  *want,
       GError              **error)
{
  g_autoptr(SoupSession) session = tcia_http_session_new (10, 0, TRUE);
  TciaSeries *series = tcia_idc_resolution_get_series (f->resolution, want->series_uid);
  TciaHttpFailure failure = { 0, };
  TciaExtractLimits limits;
  TciaSeriesWriter *writer;
  gboolean ok;
  int root_fd = open (f->dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  g_assert_cmpint (root_fd, >=, 0);
  tcia_extract_limits_init (&limits, tcia_series_get_file_size (series));
  if (f->window_ms > 0)
    limits.window_ms = f->window_ms;
  writer = tcia_series_writer_new (root_fd, root_fd, f->dest, want->series_uid,
                                   want->series_uid, tcia_series_get_image_count (series),
                                   TCIA_EXTRACT_VERIFY_MD5, &limits);
  g_assert_true (tcia_series_writer_begin (writer, NULL));
  ok = tcia_fetcher_fetch (f->fetcher, series, writer, session, &failure, f->cancellable,
                           error) &&
       tcia_series_writer_commit (writer, FALSE, NULL, error);
  if (!ok)
    tcia_series_writer_abort (writer);
  tcia_series_writer_free (writer);
  tcia_http_failure_clear (&failure);
  close (root_fd);
  return ok;
}

/* Every object of @want in its folder, named as in the bucket, its bytes
 * the bucket's. */
static void
assert_complete (Fixture             *f,
                 const FakeIdcSeries *want)
{
  g_autofree char *folder = g_build_filename (f->dest, want->series_uid, NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_assert_cmpuint (n, ==, want->n_objects);
  for (guint k = 0; k < want->n_objects; k++)
    {
      const FakeIdcObject *object = fake_idc_archive_get_object (f->archive, want, k);
      g_autofree char *name = g_strconcat (object->instance_uuid, ".dcm", NULL);
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autofree char *bytes = NULL;
      g_autofree char *md5 = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
      g_assert_cmpuint (len, ==, object->size);
      md5 = g_compute_checksum_for_data (G_CHECKSUM_MD5, (const guchar *) bytes, len);
      g_assert_cmpstr (md5, ==, fake_idc_archive_get_md5 (f->archive, want, object));
    }
}

static void
empty_dest (Fixture *f)
{
  remove_tree (f->dest);
  g_assert_cmpint (g_mkdir (f->dest, 0700), ==, 0);
}

/* @want fetched whole although the bucket answers @times requests of
 * @scope with @fault (0: every one). */
static void
assert_fetched_despite (Fixture             *f,
                        const FakeIdcSeries *want,
                        FakeIdcFault         fault,
                        guint                times,
                        const char          *scope)
{
  g_autoptr(GError) error = NULL;

  fake_idc_set_fault (f->fake, fault, times, scope);
  g_assert_true (fetch (f, want, &error));
  g_assert_no_error (error);
  assert_complete (f, want);
}

static void
test_clean (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint64 size = 0;

  for (guint i = 0; i < fake_idc_archive_get_n_series (f->archive); i++)
    {
      const FakeIdcSeries *want = fake_idc_archive_get_series (f->archive, i);
      TciaSeries *series = tcia_idc_resolution_get_series (f->resolution, want->series_uid);

      g_assert_true (tcia_fetcher_can_fetch (f->fetcher, series, &size));
      g_assert_cmpint (ABS ((gint64) size - (gint64) want->size), <=, 1);
      g_assert_true (fetch (f, want, &error));
      g_assert_no_error (error);
      assert_complete (f, want);
    }
  /* One listing per series (each fits a page), one GET per object. */
  g_assert_cmpuint (fake_idc_get_request_count (f->fake, "list"), ==,
                    fake_idc_archive_get_n_series (f->archive));
}

static void
test_pages (Fixture       *f,
            gconstpointer  data)
{
  const FakeIdcSeries *want = pick_series (f, 5);
  g_autoptr(GError) error = NULL;

  fake_idc_set_page_size (f->fake, 2);
  g_assert_true (fetch (f, want, &error));
  g_assert_no_error (error);
  assert_complete (f, want);
  g_assert_cmpuint (fake_idc_get_request_count (f->fake, "list"), >=, 3);
}

static void
test_slow_down (Fixture       *f,
                gconstpointer  data)
{
  const FakeIdcSeries *want = pick_series (f, 3);

  /* The listing and objects pushed back, then served. */
  assert_fetched_despite (f, want, FAKE_IDC_FAULT_SLOW_DOWN, 3, want->series_uuid);
  g_assert_cmpuint (fake_idc_get_request_count (f->fake, "get") +
                    fake_idc_get_request_count (f->fake, "list"), ==, want->n_objects + 1 + 3);
}

static void
test_dropped_connection (Fixture       *f,
                         gconstpointer  data)
{
  const FakeIdcSeries *want = pick_series (f, 2);
  const FakeIdcObject *object = fake_idc_archive_get_object (f->archive, want, 1);

  /* Cut mid-object twice: resumed where it broke, not the whole series. */
  assert_fetched_despite (f, want, FAKE_IDC_FAULT_DROP, 2, object->key);
  g_assert_cmpuint (fake_idc_get_request_count (f->fake, "get"), ==, want->n_objects + 2);
}

static void
test_damaged_object (Fixture       *f,
                     gconstpointer  data)
{
  const FakeIdcSeries *want = pick_series (f, 2);
  const FakeIdcObject *object = fake_idc_archive_get_object (f->archive, want, 0);
  g_autoptr(GError) error = NULL;

  /* Bytes that do not match the ETag: that object again, once. */
  assert_fetched_despite (f, want, FAKE_IDC_FAULT_CORRUPT, 1, object->key);
  g_assert_cmpuint (fake_idc_get_request_count (f->fake, "get"), ==, want->n_objects + 1);

  /* Damaged every time: the series fails on its checksum, nothing kept. */
  empty_dest (f);
  fake_idc_set_fault (f->fake, FAKE_IDC_FAULT_CORRUPT, 0, object->key);
  g_assert_false (fetch (f, want, &error));
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM);
  g_assert_nonnull (strstr (error->message, object->instance_uuid));
  {
    g_autofree char *folder = g_build_filename (f->dest, want->series_uid, NULL);
    g_autofree char *part = g_strconcat (folder, ".part", NULL);

    g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  }
}

static void
test_missing_object (Fixture       *f,
                     gconstpointer  data)
{
  const FakeIdcSeries *want = pick_series (f, 2);
  const FakeIdcObject *object = fake_idc_archive_get_object (f->archive, want, 1);
  g_autoptr(GError) error = NULL;

  /* Listed but not there yet: once more, then served. */
  assert_fetched_despite (f, want, FAKE_IDC_FAULT_MISSING_OBJECT, 1, object->key);

  /* Never there: the series is incomplete in IDC. */
  empty_dest (f);
  fake_idc_set_fault (f->fake, FAKE_IDC_FAULT_MISSING_OBJECT, 0, object->key);
  g_assert_false (fetch (f, want, &error));
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE);
  g_assert_nonnull (strstr (error->message, object->instance_uuid));
}

static void
test_short_listing (Fixture       *f,
                    gconstpointer  data)
{
  const FakeIdcSeries *want = pick_series (f, 2);
  g_autoptr(GError) error = NULL;

  /* Fewer objects than instanceCount: given up before any GET. */
  fake_idc_set_fault (f->fake, FAKE_IDC_FAULT_SHORT_LISTING, 0, want->series_uuid);
  g_assert_false (fetch (f, want, &error));
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_SOURCE_INCOMPLETE);
  g_assert_cmpuint (fake_idc_get_request_count (f->fake, "get"), ==, 0);
}

static void
test_multipart_etag (Fixture       *f,
                     gconstpointer  data)
{
  const FakeIdcSeries *want = pick_series (f, 2);

  /* No MD5 to check: the size is. */
  assert_fetched_despite (f, want, FAKE_IDC_FAULT_MULTIPART_ETAG, 0, want->series_uuid);
}

static void
test_access_denied (Fixture       *f,
                    gconstpointer  data)
{
  const FakeIdcSeries *want = pick_series (f, 1);
  g_autoptr(GError) error = NULL;

  /* Permanent: the other source may serve it. */
  fake_idc_set_fault (f->fake, FAKE_IDC_FAULT_ACCESS_DENIED, 0, want->series_uuid);
  g_assert_false (fetch (f, want, &error));
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_REFUSED);
  g_assert_false (tcia_download_error_is_transient (error));
  g_assert_nonnull (strstr (error->message, want->bucket));
}

static void
test_bad_listing (Fixture       *f,
                  gconstpointer  data)
{
  const FakeIdcSeries *want = pick_series (f, 1);

  /* A 200 with broken XML is retried. */
  assert_fetched_despite (f, want, FAKE_IDC_FAULT_BAD_XML, 1, want->series_uuid);
}

static void
test_stall (Fixture       *f,
            gconstpointer  data)
{
  const FakeIdcSeries *want = pick_series (f, 2);
  const FakeIdcObject *object = fake_idc_archive_get_object (f->archive, want, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *part = g_strconcat (f->dest, "/", want->series_uid, ".part", NULL);

  /* Half an object, then nothing: the writer's least pace gives it up, as
   * a transient failure the worker tries again. */
  f->window_ms = 200;
  fake_idc_set_fault (f->fake, FAKE_IDC_FAULT_STALL, 0, object->key);
  g_assert_false (fetch (f, want, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_NETWORK);
  g_assert_true (tcia_download_error_is_transient (error));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
}

typedef struct
{
  Fixture             *f;
  const FakeIdcSeries *want;
  GError              *error;
  gboolean             ok;
} FetchThread;

static gpointer
fetch_thread (gpointer data)
{
  FetchThread *t = data;

  t->ok = fetch (t->f, t->want, &t->error);
  return NULL;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  const FakeIdcSeries *want = pick_series (f, 3);
  const FakeIdcObject *object = fake_idc_archive_get_object (f->archive, want, 0);
  FetchThread t = { f, want, NULL, TRUE };
  GThread *thread;

  /* Stopped while objects are on their way: every thread ends, nothing kept. */
  f->cancellable = g_cancellable_new ();
  fake_idc_set_fault (f->fake, FAKE_IDC_FAULT_STALL, 0, object->key);
  thread = g_thread_new ("fetch", fetch_thread, &t);
  WAIT_FOR (fake_idc_get_request_count (f->fake, "get") >= want->n_objects);
  g_cancellable_cancel (f->cancellable);
  g_thread_join (thread);
  g_assert_false (t.ok);
  g_assert_error (t.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&t.error);
}

static void
test_not_in_idc (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaSeries) series = NULL;
  const char *keys[] = { "SeriesInstanceUID", "ImageCount" };
  const char *values[] = { "1.2.3.4.5.6.7.8.999", "3" };
  guint64 size = 1;

  /* No location, nothing claimed. */
  series = tcia_series_new_from_fields (keys, values, G_N_ELEMENTS (keys));
  g_assert_false (tcia_fetcher_can_fetch (f->fetcher, series, &size));
  g_assert_cmpuint (size, ==, 0);
  g_assert_cmpstr (tcia_fetcher_get_name (f->fetcher), ==, "IDC");
}

static void
test_prior_version (Fixture       *f,
                    gconstpointer  data)
{
  const char *uid = fake_idc_archive_get_prior_only_uid (f->archive);
  g_autoptr(GError) error = NULL;
  TciaIdcLocation *location = tcia_idc_resolution_get_location (f->resolution, uid);
  const FakeIdcSeries *want = fake_idc_archive_lookup_uuid (f->archive,
                                                            location->crdc_series_uuid);

  /* Served from the older release's folder. */
  g_assert_true (location->prior_version);
  g_assert_nonnull (want);
  g_assert_true (fetch (f, want, &error));
  g_assert_no_error (error);
  assert_complete (f, want);
}

/* The same bucket client against a real S3 implementation: s3rver, loaded
 * with the fake archive's objects (its ETags are the MD5s of single PUTs). */
static void
test_s3rver (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) buckets = g_hash_table_new (g_str_hash, g_str_equal);
  FakeS3rver *s3rver;

  if (!fake_s3rver_require ())
    return;

  /* A series of each bucket. */
  for (guint i = 0; i < fake_idc_archive_get_n_series (f->archive); i++)
    {
      const FakeIdcSeries *series = fake_idc_archive_get_series (f->archive, i);

      if (g_hash_table_add (buckets, (gpointer) series->bucket))
        g_ptr_array_add (uids, (gpointer) series->series_uid);
    }
  g_ptr_array_add (uids, NULL);
  g_assert_cmpuint (uids->len, ==, 4);

  s3rver = fake_s3rver_start (f->archive, (const char * const *) uids->pdata, &error);
  g_assert_no_error (error);
  g_clear_object (&f->fetcher);
  f->fetcher = tcia_idc_fetcher_new (fake_s3rver_get_url (s3rver));
  tcia_idc_fetcher_set_retry_policy (TCIA_IDC_FETCHER (f->fetcher), 3, 1, 20);
  for (guint i = 0; uids->pdata[i] != NULL; i++)
    {
      const FakeIdcSeries *want = fake_idc_archive_lookup (f->archive, uids->pdata[i]);

      tcia_idc_fetcher_add_location (TCIA_IDC_FETCHER (f->fetcher),
                                     tcia_idc_resolution_get_location (f->resolution,
                                                                       uids->pdata[i]));
      g_assert_true (fetch (f, want, &error));
      g_assert_no_error (error);
      assert_complete (f, want);
    }
  fake_s3rver_stop (s3rver);
}

static void
finished_cb (TciaDownloadQueue *queue,
             gboolean          *finished)
{
  *finished = TRUE;
}

static void
test_queue (Fixture       *f,
            gconstpointer  data)
{
  const FakeIdcSeries *want = pick_series (f, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaClient) client = NULL;
  g_autoptr(GFile) dest = g_file_new_for_path (f->dest);
  g_autoptr(TciaDownloadQueue) queue = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *csv_path = g_build_filename (f->dest, "metadata.csv", NULL);
  g_autofree char *csv = NULL;
  TciaDownloadJob *job;
  gboolean finished = FALSE;

  /* The queue as the program runs it, with the record IDC's API gave. */
  client = tcia_client_new ("http://127.0.0.1:9/nbia-api/services/v4/", &error);
  g_assert_no_error (error);
  queue = tcia_download_queue_new (client, dest, TCIA_LAYOUT_FLAT);
  tcia_download_queue_set_fetcher (queue, f->fetcher);
  g_signal_connect (queue, "finished", G_CALLBACK (finished_cb), &finished);
  job = tcia_download_queue_add (queue, tcia_idc_resolution_get_series (f->resolution,
                                                                       want->series_uid));
  tcia_download_queue_start (queue);
  WAIT_FOR (finished);

  g_assert_no_error (tcia_download_job_get_error (job));
  g_assert_cmpint (tcia_download_job_get_state (job), ==, TCIA_DOWNLOAD_JOB_DONE);
  folder = g_build_filename (f->dest, want->series_uid, NULL);
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));
  assert_complete (f, want);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_nonnull (strstr (csv, want->series_uid));
  g_assert_nonnull (strstr (csv, want->collection_name));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/idc-fetch/" path, Fixture, NULL, setup, func, teardown)
  ADD ("clean", test_clean);
  ADD ("pages", test_pages);
  ADD ("slow-down", test_slow_down);
  ADD ("dropped-connection", test_dropped_connection);
  ADD ("damaged-object", test_damaged_object);
  ADD ("missing-object", test_missing_object);
  ADD ("short-listing", test_short_listing);
  ADD ("multipart-etag", test_multipart_etag);
  ADD ("access-denied", test_access_denied);
  ADD ("bad-listing", test_bad_listing);
  ADD ("stall", test_stall);
  ADD ("cancel", test_cancel);
  ADD ("not-in-idc", test_not_in_idc);
  ADD ("prior-version", test_prior_version);
  ADD ("queue", test_queue);
  ADD ("s3rver", test_s3rver);
#undef ADD

  return g_test_run ();
}

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
  GObject     parent_instance;
  const char *name;       /* "Fake" unless set */
  gboolean    damage;     /* send the second file other than promised */
  guint       n_fetches;

  /* A source that learns what it has by asking (as IDC): */
  GHashTable *has;        /* UIDs it has, once prepared; NULL: every series */
  GHashTable *prepared;   /* UIDs asked about */
  gboolean    prepare_fails;
  guint       n_prepares;
  guint       n_asked;    /* series asked about, over all prepares */
  const char *refuse_uid; /* fails this series for good */
  GMutex      lock;       /* of @prepared: workers ask at once */
};

static const char *const names[] = { "1-1.dcm", "1-2.dcm" };
static const char *const contents[] = { "first image", "second image" };

static const char *
fake_get_name (TciaFetcher *fetcher)
{
  FakeFetcher *self = FAKE_FETCHER (fetcher);

  return self->name != NULL ? self->name : "Fake";
}

static gboolean
fake_can_fetch (TciaFetcher *fetcher,
                TciaSeries  *series,
                guint64     *size)
{
  FakeFetcher *self = FAKE_FETCHER (fetcher);
  const char *uid = tcia_series_get_series_uid (series);

  gboolean known;

  g_mutex_lock (&self->lock);
  known = self->has == NULL ||
          (g_hash_table_contains (self->prepared, uid) && g_hash_table_contains (self->has, uid));
  g_mutex_unlock (&self->lock);
  if (!known)
    return FALSE;
  *size = strlen (contents[0]) + strlen (contents[1]);
  return TRUE;
}

static gboolean
fake_prepare (TciaFetcher   *fetcher,
              GPtrArray     *series,
              SoupSession   *session,
              GCancellable  *cancellable,
              GError       **error)
{
  FakeFetcher *self = FAKE_FETCHER (fetcher);

  g_atomic_int_inc (&self->n_prepares);
  g_atomic_int_add (&self->n_asked, series->len);
  if (self->prepare_fails)
    {
      g_set_error_literal (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_SERVER,
                           "The index is down.");
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  for (guint i = 0; self->prepared != NULL && i < series->len; i++)
    g_hash_table_add (self->prepared,
                      g_strdup (tcia_series_get_series_uid (g_ptr_array_index (series, i))));
  g_mutex_unlock (&self->lock);
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
  if (g_strcmp0 (tcia_series_get_series_uid (series), self->refuse_uid) == 0)
    {
      g_set_error_literal (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE,
                           "One image is missing.");
      g_hash_table_unref (md5s);
      return FALSE;
    }
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
  iface->prepare = fake_prepare;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeFetcher, fake_fetcher, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TCIA_TYPE_FETCHER, fake_fetcher_iface_init))

static void
fake_fetcher_finalize (GObject *object)
{
  FakeFetcher *self = FAKE_FETCHER (object);

  g_clear_pointer (&self->has, g_hash_table_unref);
  g_clear_pointer (&self->prepared, g_hash_table_unref);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (fake_fetcher_parent_class)->finalize (object);
}

static void
fake_fetcher_class_init (FakeFetcherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fake_fetcher_finalize;
}

static void
fake_fetcher_init (FakeFetcher *self)
{
  g_mutex_init (&self->lock);
}

/* A fetcher named @name that has the series of @uids (NULL: every one) once
 * it has been asked. */
static FakeFetcher *
fake_fetcher_new (const char        *name,
                  const char *const *uids)
{
  FakeFetcher *self = g_object_new (FAKE_TYPE_FETCHER, NULL);

  self->name = name;
  if (uids != NULL)
    {
      self->has = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      self->prepared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; uids[i] != NULL; i++)
        g_hash_table_add (self->has, g_strdup (uids[i]));
    }
  return self;
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

#define N_SOURCE_SERIES 6

static const char *const all_uids[N_SOURCE_SERIES + 1] = {
  "1.2.3.1", "1.2.3.2", "1.2.3.3", "1.2.3.4", "1.2.3.5", "1.2.3.6", NULL
};

/* Runs the series of all_uids through a queue of two workers choosing
 * among @sources; returns the queue, finished. */
static TciaDownloadQueue *
run_sources (TciaSources *sources,
             const char  *dest)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaClient) client = NULL;
  g_autoptr(GFile) dest_file = g_file_new_for_path (dest);
  TciaDownloadQueue *queue;
  gboolean finished = FALSE;

  client = tcia_client_new ("http://127.0.0.1:9/nbia-api/services/v4/", &error);
  g_assert_no_error (error);
  queue = tcia_download_queue_new (client, dest_file, TCIA_LAYOUT_FLAT);
  tcia_download_queue_set_sources (queue, sources);
  tcia_download_queue_set_retry_policy (queue, 1, 1, 1);
  tcia_download_queue_set_max_jobs (queue, 2);
  g_signal_connect (queue, "finished", G_CALLBACK (finished_cb), &finished);
  for (guint i = 0; all_uids[i] != NULL; i++)
    {
      g_autoptr(TciaSeries) series = series_new (all_uids[i]);

      tcia_download_queue_add (queue, series);
    }
  tcia_download_queue_start (queue);
  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  return queue;
}

static TciaDownloadJob *
job_of (TciaDownloadQueue *queue,
        guint              i)
{
  g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);

  return job;
}

static void
assert_served (TciaDownloadQueue *queue,
               guint              i,
               const char        *source,
               const char        *note)
{
  TciaDownloadJob *job = job_of (queue, i);

  g_assert_cmpint (tcia_download_job_get_state (job), ==, TCIA_DOWNLOAD_JOB_DONE);
  g_assert_cmpstr (tcia_download_job_get_source (job), ==, source);
  if (note == NULL)
    g_assert_null (tcia_download_job_get_source_note (job));
  else
    g_assert_nonnull (strstr (tcia_download_job_get_source_note (job), note));
}

/* auto: the series the preferred source has come from it, the others from
 * the second; one that fails for good at the first comes from the second;
 * the first is asked about all of them at once. */
static void
test_sources_auto (void)
{
  const char *has[] = { "1.2.3.1", "1.2.3.2", "1.2.3.3", NULL };
  g_autoptr(FakeFetcher) idc = fake_fetcher_new ("IDC", has);
  g_autoptr(FakeFetcher) nbia = fake_fetcher_new ("NBIA", NULL);
  g_autoptr(TciaSources) sources = NULL;
  g_autoptr(TciaDownloadQueue) queue = NULL;
  g_autofree char *dest = g_dir_make_tmp ("test-fetcher-XXXXXX", NULL);

  idc->refuse_uid = "1.2.3.3";
  sources = tcia_sources_new (TCIA_FETCHER (nbia), TCIA_FETCHER (idc), TCIA_SOURCE_POLICY_AUTO);
  queue = run_sources (sources, dest);

  g_assert_cmpuint (tcia_download_queue_get_n_failed (queue), ==, 0);
  assert_served (queue, 0, "IDC", NULL);
  assert_served (queue, 1, "IDC", NULL);
  assert_served (queue, 2, "NBIA", "IDC failed: One image is missing.");
  for (guint i = 3; i < N_SOURCE_SERIES; i++)
    assert_served (queue, i, "NBIA", "IDC does not have this series");
  g_assert_cmpuint (idc->n_prepares, ==, 1);
  g_assert_cmpuint (idc->n_asked, ==, N_SOURCE_SERIES);
  g_assert_cmpuint (idc->n_fetches, ==, 3);
  g_assert_cmpuint (nbia->n_fetches, ==, 4);
  for (guint i = 0; i < N_SOURCE_SERIES; i++)
    {
      g_autofree char *path = g_build_filename (dest, all_uids[i], names[1], NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
  tcia_extract_remove_tree (dest, NULL);
}

/* auto, with the first source unreachable: every series from the second,
 * saying why. */
static void
test_sources_unreachable (void)
{
  const char *has[] = { "1.2.3.1", NULL };
  g_autoptr(FakeFetcher) idc = fake_fetcher_new ("IDC", has);
  g_autoptr(FakeFetcher) nbia = fake_fetcher_new ("NBIA", NULL);
  g_autoptr(TciaSources) sources = NULL;
  g_autoptr(TciaDownloadQueue) queue = NULL;
  g_autofree char *dest = g_dir_make_tmp ("test-fetcher-XXXXXX", NULL);

  idc->prepare_fails = TRUE;
  sources = tcia_sources_new (TCIA_FETCHER (nbia), TCIA_FETCHER (idc), TCIA_SOURCE_POLICY_AUTO);
  queue = run_sources (sources, dest);

  for (guint i = 0; i < N_SOURCE_SERIES; i++)
    assert_served (queue, i, "NBIA", "IDC could not be asked: The index is down.");
  g_assert_cmpuint (idc->n_fetches, ==, 0);
  tcia_extract_remove_tree (dest, NULL);
}

/* idc: what IDC lacks fails for good, saying so; nbia: IDC is never asked. */
static void
test_sources_forced (void)
{
  const char *has[] = { "1.2.3.1", NULL };
  g_autoptr(FakeFetcher) idc = fake_fetcher_new ("IDC", has);
  g_autoptr(FakeFetcher) nbia = fake_fetcher_new ("NBIA", NULL);
  g_autoptr(TciaSources) only_idc = NULL;
  g_autoptr(TciaSources) only_nbia = NULL;
  g_autoptr(TciaDownloadQueue) queue = NULL;
  g_autoptr(TciaDownloadQueue) again = NULL;
  g_autofree char *dest = g_dir_make_tmp ("test-fetcher-XXXXXX", NULL);
  g_autofree char *other = g_dir_make_tmp ("test-fetcher-XXXXXX", NULL);

  only_idc = tcia_sources_new (TCIA_FETCHER (nbia), TCIA_FETCHER (idc), TCIA_SOURCE_POLICY_IDC);
  queue = run_sources (only_idc, dest);
  assert_served (queue, 0, "IDC", NULL);
  for (guint i = 1; i < N_SOURCE_SERIES; i++)
    {
      const GError *error = tcia_download_job_get_error (job_of (queue, i));

      g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_UNKNOWN_SERIES);
      g_assert_nonnull (strstr (error->message, "IDC does not have this series"));
    }
  g_assert_cmpuint (nbia->n_fetches, ==, 0);

  only_nbia = tcia_sources_new (TCIA_FETCHER (nbia), TCIA_FETCHER (idc), TCIA_SOURCE_POLICY_NBIA);
  idc->n_prepares = 0;
  again = run_sources (only_nbia, other);
  for (guint i = 0; i < N_SOURCE_SERIES; i++)
    assert_served (again, i, "NBIA", NULL);
  g_assert_cmpuint (idc->n_prepares, ==, 0);
  tcia_extract_remove_tree (dest, NULL);
  tcia_extract_remove_tree (other, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/fetcher/two-files", test_two_files);
  g_test_add_func ("/core/fetcher/broken-promise", test_broken_promise);
  g_test_add_func ("/core/fetcher/sources/auto", test_sources_auto);
  g_test_add_func ("/core/fetcher/sources/unreachable", test_sources_unreachable);
  g_test_add_func ("/core/fetcher/sources/forced", test_sources_forced);

  return g_test_run ();
}

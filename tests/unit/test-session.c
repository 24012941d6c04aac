/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "queue-test-util.h"
#include "unit-test-util.h"
#include "tcia-extract.h"
#include "tcia-session.h"

#define N_SERIES 4
/* Enough for jobs to be seen in flight; no test measures time. */
#define LATENCY_MS 150

static FakeNbia *fake;
static char *url_v4;

typedef struct
{
  char        *dir;
  GFile       *dest;
  TciaClient  *client;
  GListModel  *series;
  TciaBasket  *basket;
  TciaSession *session;
  gboolean     finished;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("test-session-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "one", NULL);
  f->dest = g_file_new_for_path (path);
  f->client = download_test_client (url_v4);
  f->series = download_test_first_series (f->client, fake, N_SERIES);

  f->basket = tcia_basket_new (NULL);
  for (guint i = 0; i < N_SERIES; i++)
    {
      g_autoptr(TciaSeries) s = g_list_model_get_item (f->series, i);

      g_assert_true (tcia_basket_add (f->basket, s));
    }

  f->session = tcia_session_new (f->client, f->basket);
  g_object_set (f->session,
                "destination", f->dest,
                "layout", TCIA_LAYOUT_FLAT,
                "jobs", 2,
                NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  TciaDownloadQueue *queue = tcia_session_get_queue (f->session);

  fake_nbia_set_latency (fake, 0);
  if (queue != NULL)
    {
      tcia_download_queue_cancel_all (queue);
      while (tcia_download_queue_get_n_running (queue) > 0)
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_finalize_object (f->session);
  g_clear_object (&f->basket);
  g_clear_object (&f->series);
  g_clear_object (&f->client);
  g_clear_object (&f->dest);
  tcia_extract_remove_tree (f->dir, NULL);
  g_free (f->dir);
}

static void
finished_cb (TciaDownloadQueue *queue,
             Fixture           *f)
{
  f->finished = TRUE;
}

static TciaDownloadQueue *
checkout (Fixture    *f,
          GListModel *series)
{
  g_autoptr(GError) error = NULL;
  TciaDownloadQueue *queue;

  g_assert_true (tcia_session_checkout (f->session, series, &error));
  g_assert_no_error (error);
  queue = tcia_session_get_queue (f->session);
  g_assert_nonnull (queue);
  g_signal_connect (queue, "finished", G_CALLBACK (finished_cb), f);
  return queue;
}

static void
wait_finished (Fixture *f)
{
  while (!f->finished)
    g_main_context_iteration (NULL, TRUE);
  f->finished = FALSE;
}

static guint
get_uint (gpointer    object,
          const char *name)
{
  guint value = 0;

  g_object_get (object, name, &value, NULL);
  return value;
}

/* Download pressed: the basket's series land in the destination, in the layout set. */
static void
test_checkout_basket (Fixture       *f,
                      gconstpointer  data)
{
  TciaDownloadQueue *queue = checkout (f, NULL);

  g_assert_true (g_file_equal (tcia_download_queue_get_destination (queue), f->dest));
  g_assert_cmpint (tcia_download_queue_get_layout (queue), ==, TCIA_LAYOUT_FLAT);
  g_assert_cmpuint (tcia_download_queue_get_max_jobs (queue), ==, 2);
  g_assert_cmpuint (get_uint (queue, "n-total"), ==, N_SERIES);
  g_assert_cmpuint (tcia_download_queue_get_bytes_total (queue), ==,
                    tcia_basket_get_total_bytes (f->basket));

  wait_finished (f);
  g_assert_cmpuint (get_uint (queue, "n-done"), ==, N_SERIES);
  g_assert_cmpuint (get_uint (queue, "n-active"), ==, 0);
  for (guint i = 0; i < N_SERIES; i++)
    {
      TciaDownloadJob *job = job_at (queue, i);
      const char *rel = tcia_download_job_get_relative_path (job);
      g_autoptr(GFile) folder = g_file_resolve_relative_path (f->dest, rel);

      /* Flat: one folder per series, named by its UID. */
      g_assert_cmpstr (tcia_download_job_get_relative_path (job), ==,
                       tcia_download_job_get_series_uid (job));
      g_assert_true (g_file_query_exists (folder, NULL));
    }

  /* The same checkout again uses the same queue and adds nothing twice. */
  g_assert_true (checkout (f, NULL) == queue);
  g_assert_true (tcia_download_queue_is_finished (queue));
  g_assert_cmpuint (get_uint (queue, "n-total"), ==, N_SERIES);
  g_assert_cmpuint (get_uint (queue, "n-done"), ==, N_SERIES);
}

/* What the preferences change reaches the downloads under way. */
static void
test_properties_reach_queue (Fixture       *f,
                             gconstpointer  data)
{
  TciaDownloadQueue *queue;

  g_object_set (f->session, "verify-checksums", FALSE, NULL);
  fake_nbia_set_latency (fake, LATENCY_MS);
  queue = checkout (f, NULL);
  g_assert_false (tcia_download_queue_get_verify_checksums (queue));

  g_object_set (f->session, "jobs", 5, "verify-checksums", TRUE, NULL);
  g_assert_cmpuint (tcia_download_queue_get_max_jobs (queue), ==, 5);
  g_assert_true (tcia_download_queue_get_verify_checksums (queue));
  tcia_session_set_jobs (f->session, 99);
  g_assert_cmpuint (tcia_session_get_jobs (f->session), ==, TCIA_DOWNLOAD_QUEUE_MAX_JOBS);
  g_assert_cmpuint (tcia_download_queue_get_max_jobs (queue), ==, TCIA_DOWNLOAD_QUEUE_MAX_JOBS);

  /* The source policy is one of three names. */
  g_assert_cmpstr (tcia_session_get_source_policy (f->session), ==, "auto");
  tcia_session_set_source_policy (f->session, "nbia");
  g_assert_cmpstr (tcia_session_get_source_policy (f->session), ==, "nbia");
  g_assert_false (tcia_session_source_policy_is_valid ("s3"));
  g_assert_false (tcia_session_source_policy_is_valid (NULL));
  g_assert_true (tcia_session_source_policy_is_valid ("idc"));
  wait_finished (f);
}

/* Another folder while series still download there is refused, and says where. */
static void
test_busy_elsewhere (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_path = g_build_filename (f->dir, "two", NULL);
  g_autoptr(GFile) other = g_file_new_for_path (other_path);
  g_autofree char *where = g_file_get_parse_name (f->dest);
  TciaDownloadQueue *queue;

  fake_nbia_set_latency (fake, LATENCY_MS);
  queue = checkout (f, NULL);
  tcia_download_queue_pause_all (queue);
  g_assert_true (tcia_download_queue_has_work (queue));

  tcia_session_set_destination (f->session, other);
  g_assert_false (tcia_session_checkout (f->session, NULL, &error));
  g_assert_error (error, TCIA_SESSION_ERROR, TCIA_SESSION_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, where));
  g_assert_true (tcia_session_get_queue (f->session) == queue);
  g_clear_error (&error);

  /* Another layout likewise. */
  tcia_session_set_destination (f->session, f->dest);
  tcia_session_set_layout (f->session, TCIA_LAYOUT_CLASSIC);
  g_assert_false (tcia_session_checkout (f->session, NULL, &error));
  g_assert_error (error, TCIA_SESSION_ERROR, TCIA_SESSION_ERROR_BUSY);
  g_clear_error (&error);

  /* Once nothing is left to do, the new folder gets a queue of its own. */
  tcia_download_queue_cancel_all (queue);
  while (tcia_download_queue_get_n_running (queue) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (tcia_download_queue_has_work (queue));
  tcia_session_set_destination (f->session, other);
  g_assert_true (checkout (f, NULL) != queue);
  queue = tcia_session_get_queue (f->session);
  g_assert_true (g_file_equal (tcia_download_queue_get_destination (queue), other));
  wait_finished (f);
}

/* No server, no checkout: the error says so rather than crash. */
static void
test_no_source (void)
{
  g_autoptr(TciaSession) session = tcia_session_new (NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (tcia_session_get_basket (session));
  g_assert_false (tcia_session_checkout (session, NULL, &error));
  g_assert_error (error, TCIA_SESSION_ERROR, TCIA_SESSION_ERROR_NO_SOURCE);
  g_assert_null (tcia_session_get_queue (session));
}

/* The tallies follow pause, resume, cancel and remove, as properties. */
static void
test_tallies (Fixture       *f,
              gconstpointer  data)
{
  TciaDownloadQueue *queue;
  TciaDownloadJob *first;
  TciaDownloadJob *last;
  guint n_notified = 0;
  g_autoptr(GFile) folder = NULL;

  fake_nbia_set_latency (fake, LATENCY_MS);
  queue = checkout (f, NULL);
  g_signal_connect_swapped (queue, "notify::n-paused", G_CALLBACK (g_atomic_int_inc),
                            &n_notified);
  first = job_at (queue, 0);
  last = job_at (queue, N_SERIES - 1);
  while (tcia_download_job_get_state (first) != TCIA_DOWNLOAD_JOB_RUNNING)
    g_main_context_iteration (NULL, TRUE);

  tcia_download_queue_pause_all (queue);
  g_assert_cmpuint (get_uint (queue, "n-paused"), ==, N_SERIES);
  g_assert_cmpuint (get_uint (queue, "n-active"), ==, 0);
  g_assert_cmpuint (get_uint (queue, "n-queued"), ==, 0);
  g_assert_cmpuint (n_notified, >, 0);
  /* Nothing starts in a paused one's place. */
  for (guint i = 0; i < N_SERIES; i++)
    g_assert_cmpint (tcia_download_job_get_state (job_at (queue, i)), ==,
                     TCIA_DOWNLOAD_JOB_PAUSED);
  wait_finished (f);

  /* A paused job cannot be removed: it is not finished. */
  g_assert_false (tcia_download_queue_remove (queue, last));
  tcia_download_queue_cancel (queue, last);
  g_assert_cmpint (tcia_download_job_get_state (last), ==, TCIA_DOWNLOAD_JOB_CANCELLED);
  g_assert_cmpuint (get_uint (queue, "n-cancelled"), ==, 1);
  g_assert_cmpuint (get_uint (queue, "n-paused"), ==, N_SERIES - 1);

  tcia_download_queue_resume_all (queue);
  g_assert_cmpuint (get_uint (queue, "n-paused"), ==, 0);
  g_assert_cmpuint (get_uint (queue, "n-active"), ==, N_SERIES - 1);
  wait_finished (f);
  g_assert_cmpuint (get_uint (queue, "n-done"), ==, N_SERIES - 1);
  g_assert_cmpuint (get_uint (queue, "n-failed"), ==, 0);

  /* Removing takes a job out of the list and the tallies, never its files. */
  folder = g_file_resolve_relative_path (f->dest, tcia_download_job_get_relative_path (first));
  g_assert_true (g_file_query_exists (folder, NULL));
  g_object_ref (first);
  g_assert_true (tcia_download_queue_remove (queue, first));
  g_assert_false (tcia_download_queue_remove (queue, first));
  g_assert_cmpuint (get_uint (queue, "n-total"), ==, N_SERIES - 1);
  g_assert_cmpuint (get_uint (queue, "n-done"), ==, N_SERIES - 2);
  g_assert_true (g_file_query_exists (folder, NULL));
  /* A job kept elsewhere no longer counts in the queue. */
  g_object_unref (first);

  g_assert_true (tcia_download_queue_remove (queue, last));
  g_assert_cmpuint (get_uint (queue, "n-cancelled"), ==, 0);
  g_assert_cmpuint (get_uint (queue, "n-total"), ==, N_SERIES - 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, N_SERIES - 2);
}

/* The queue comes back from the state file, with the session's settings. */
static void
test_restore (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *state_path = g_build_filename (f->dir, "downloads.json", NULL);
  g_autoptr(GFile) state = g_file_new_for_path (state_path);
  g_autoptr(TciaSession) again = NULL;
  g_autoptr(GError) error = NULL;
  TciaDownloadQueue *queue;

  tcia_session_set_state_file (f->session, state);
  fake_nbia_set_latency (fake, LATENCY_MS);
  queue = checkout (f, NULL);
  tcia_download_queue_pause_all (queue);
  wait_finished (f);
  g_assert_true (tcia_session_save (f->session, &error));
  g_assert_no_error (error);

  again = tcia_session_new (f->client, NULL);
  g_object_set (again, "jobs", 3, "verify-checksums", FALSE, NULL);
  tcia_session_set_state_file (again, state);
  g_assert_true (tcia_session_restore (again, &error));
  g_assert_no_error (error);
  queue = tcia_session_get_queue (again);
  g_assert_nonnull (queue);
  g_assert_true (g_file_equal (tcia_download_queue_get_destination (queue), f->dest));
  g_assert_cmpuint (get_uint (queue, "n-paused"), ==, N_SERIES);
  g_assert_cmpuint (tcia_download_queue_get_max_jobs (queue), ==, 3);
  g_assert_false (tcia_download_queue_get_verify_checksums (queue));
}

/* The settings' keys reach the session as they change. */
static void
test_bind_settings (void)
{
  /* The memory backend (GSETTINGS_BACKEND in the tests' environment). */
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(TciaSession) session = tcia_session_new (NULL, NULL);
  g_autoptr(GFile) downloads = tcia_session_dup_default_destination ();
  g_autoptr(GFile) other = g_file_new_for_path ("/tmp/tcia-elsewhere");

  tcia_session_bind_settings (session, settings);
  g_assert_true (g_file_equal (tcia_session_get_destination (session), downloads));
  g_settings_set_uint (settings, "parallel-downloads", 7);
  g_settings_set_boolean (settings, "verify-checksums", FALSE);
  g_settings_set_string (settings, "layout", "classic");
  g_settings_set_string (settings, "download-folder", "/tmp/tcia-elsewhere");
  g_assert_cmpuint (tcia_session_get_jobs (session), ==, 7);
  g_assert_false (tcia_session_get_verify_checksums (session));
  g_assert_cmpint (tcia_session_get_layout (session), ==, TCIA_LAYOUT_CLASSIC);
  g_assert_true (g_file_equal (tcia_session_get_destination (session), other));
  g_settings_set_string (settings, "download-folder", "");
  g_assert_true (g_file_equal (tcia_session_get_destination (session), downloads));

  /* And the session's own changes are remembered. */
  tcia_session_set_layout (session, TCIA_LAYOUT_FLAT);
  g_assert_cmpint (g_settings_get_enum (settings, "layout"), ==, TCIA_LAYOUT_FLAT);
}

/* Without a Downloads folder of their own (none, or the home folder),
 * downloads go into ~/TCIA, never loose into the home folder. Each case in
 * a child process, since GLib reads the user's folders once. */
static void
test_default_destination (void)
{
  static const struct
  {
    const char *user_dirs;   /* user-dirs.dirs, NULL for none */
    const char *expected;    /* under HOME */
  } cases[] = {
    { NULL, "TCIA" },
    { "XDG_DOWNLOAD_DIR=\"$HOME/\"\n", "TCIA" },
    { "XDG_DOWNLOAD_DIR=\"$HOME/Dl\"\n", "Dl" },
  };

  if (g_test_subprocess ())
    {
      g_autoptr(GFile) destination = tcia_session_dup_default_destination ();
      g_autofree char *path = g_file_get_path (destination);
      g_autofree char *expected = g_build_filename (g_getenv ("HOME"),
                                                    g_getenv ("TCIA_TEST_EXPECTED"), NULL);

      g_assert_cmpstr (path, ==, expected);
      g_assert_true (tcia_session_has_downloads_folder () ==
                     g_str_equal (g_getenv ("TCIA_TEST_EXPECTED"), "Dl"));
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    run_in_fake_home (cases[i].user_dirs, cases[i].expected);
}

int
main (int   argc,
      char *argv[])
{

  g_test_init (&argc, &argv, NULL);
  test_init_gio_defaults ();
  fake = download_test_start_server (&url_v4);

#define ADD(path, func) \
  g_test_add ("/core/session/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("checkout-basket", test_checkout_basket);
  ADD ("properties-reach-queue", test_properties_reach_queue);
  ADD ("busy-elsewhere", test_busy_elsewhere);
  ADD ("tallies", test_tallies);
  ADD ("restore", test_restore);
#undef ADD
  g_test_add_func ("/core/session/no-source", test_no_source);
  g_test_add_func ("/core/session/bind-settings", test_bind_settings);
  g_test_add_func ("/core/session/default-destination", test_default_destination);

  return download_test_run (fake, url_v4);
}

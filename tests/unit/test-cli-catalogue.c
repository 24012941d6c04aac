/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "fake-nbia.h"
#include "test-util.h"

/* The local catalogue on the command line: --sync (also killed and run
 * again), --offline listings against the server's own, --search, and
 * --list=new for a folder the program downloaded into. Each test has a
 * cache folder of its own (XDG_CACHE_HOME). */

#define TCIA_BASKET TCIA_BUILDDIR "/src/tcia-basket-test"
#define N_SERIES 150

static FakeNbia *fake;
static char *url_v4;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static GSubprocess *
spawn_cli (const char         *cache,
           const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *api_url = g_strdup_printf ("--api-url=%s", url_v4);
  GSubprocess *process;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "TCIA_API_URL");
  g_subprocess_launcher_setenv (launcher, "TCIA_TEST_RETRY_DELAY_MS", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache, TRUE);

  g_ptr_array_add (argv, (char *) TCIA_BASKET);
  g_ptr_array_add (argv, api_url);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

static void
run_cli_in (Run                *run,
            const char         *cache,
            const char * const *args)
{
  g_autoptr(GSubprocess) process = spawn_cli (cache, args);
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
}

#define run_cli(run, cache, ...) \
  run_cli_in ((run), (cache), (const char * const []) { __VA_ARGS__, NULL })

static void
sync_ok (const char *cache)
{
  g_auto(Run) run = { 0 };

  run_cli (&run, cache, "--sync");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.err, "up to date"));
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The lines of @text after the header, sorted. */
static GPtrArray *
sorted_rows (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 1; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_ptr_array_add (rows, g_strdup (lines[i]));
  g_ptr_array_sort (rows, compare_lines);
  return rows;
}

static void
assert_same_listing (const char *online,
                     const char *offline)
{
  g_autoptr(GPtrArray) a = sorted_rows (online);
  g_autoptr(GPtrArray) b = sorted_rows (offline);

  /* Same header, same rows (the catalogue's order is its own). */
  g_assert_cmpint (strcspn (online, "\n"), ==, strcspn (offline, "\n"));
  g_assert_cmpint (strncmp (online, offline, strcspn (online, "\n")), ==, 0);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (a->pdata[i], ==, b->pdata[i]);
}

static char *
make_cache (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("test-cli-catalogue-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* Offline listings are the server's, cell for cell. */
static void
test_offline_listings (void)
{
  g_autofree char *cache = make_cache ();
  const char *lists[] = { "--list=series", "--list=collections", "--list=modalities",
                          "--list=body-parts", "--list=manufacturers" };

  {
    g_auto(Run) run = { 0 };

    /* Before any sync: one clear line, and the way out. */
    run_cli (&run, cache, "--list=series", "--offline");
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "--sync"));
    g_assert_true (g_str_has_suffix (run.err, "\n"));
    g_assert_true (strchr (run.err, '\n') == run.err + strlen (run.err) - 1);
  }

  sync_ok (cache);
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_auto(Run) online = { 0 };
      g_auto(Run) offline = { 0 };

      run_cli (&online, cache, lists[i], "--format=csv");
      run_cli (&offline, cache, lists[i], "--format=csv", "--offline");
      g_assert_cmpint (online.status, ==, 0);
      g_assert_cmpint (offline.status, ==, 0);
      assert_same_listing (online.out, offline.out);
    }

  /* With a filter too; and offline means offline: no request is made. */
  {
    g_auto(Run) online = { 0 };
    g_auto(Run) offline = { 0 };
    guint before;

    run_cli (&online, cache, "--list=series", "--modality=MR", "--format=tsv");
    before = fake_nbia_get_request_count (fake, NULL);
    run_cli (&offline, cache, "--list=series", "--modality=mr", "--offline");
    g_assert_cmpuint (fake_nbia_get_request_count (fake, NULL), ==, before);
    g_assert_cmpint (offline.status, ==, 0);
    assert_same_listing (online.out, offline.out);
  }

  /* Patients and studies need the server. */
  {
    g_auto(Run) run = { 0 };

    run_cli (&run, cache, "--list=patients", "--offline");
    g_assert_cmpint (run.status, ==, 2);
  }
  remove_tree (cache);
}

static void
test_search (void)
{
  g_autofree char *cache = make_cache ();
  g_auto(Run) run = { 0 };
  g_auto(Run) manifest = { 0 };
  FakeNbiaSeriesInfo info;
  g_autofree char *search = NULL;
  g_autofree char *modality = NULL;
  g_auto(GStrv) lines = NULL;
  guint expected = 0;

  sync_ok (cache);
  fake_nbia_get_series (fake, 3, &info);
  /* The patient's ID, a word of the description and a facet. */
  search = g_strdup_printf ("--search=%s %s", info.patient_id, info.series_description);
  modality = g_strdup_printf ("--modality=%s", info.modality);
  for (guint i = 0; i < fake_nbia_get_n_series (fake); i++)
    {
      FakeNbiaSeriesInfo other;

      fake_nbia_get_series (fake, i, &other);
      if (g_strcmp0 (other.patient_id, info.patient_id) == 0 &&
          g_strcmp0 (other.series_description, info.series_description) == 0 &&
          g_strcmp0 (other.modality, info.modality) == 0)
        expected++;
    }
  g_assert_cmpuint (expected, >, 0);

  run_cli (&run, cache, search, modality, "--format=tsv");
  g_assert_cmpint (run.status, ==, 0);
  lines = g_strsplit (run.out, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "SeriesInstanceUID\t"));
  g_assert_cmpuint (g_strv_length (lines), ==, expected + 2);
  g_assert_nonnull (strstr (run.out, info.series_uid));

  /* The same formats as --list=series: a manifest of what was found. */
  run_cli (&manifest, cache, search, modality, "--format=tcia");
  g_assert_cmpint (manifest.status, ==, 0);
  g_assert_nonnull (strstr (manifest.out, "ListOfSeriesToDownload="));
  g_assert_nonnull (strstr (manifest.out, info.series_uid));

  remove_tree (cache);
}

static void
test_bad_usage (void)
{
  g_autofree char *cache = make_cache ();
  const char *cases[][3] = {
    { "--offline", NULL },
    { "--search=x", "--list=collections" },
    { "--sync", "--list=series" },
    { "--list=new", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };

      run_cli_in (&run, cache, cases[i]);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_true (g_str_has_prefix (run.err, "tcia-basket: "));
    }
  remove_tree (cache);
}

/* A --sync killed outright leaves the collections it finished; the next
 * one lists only the others and ends with the whole archive. */
static void
test_kill_and_resume (void)
{
  g_autofree char *cache = make_cache ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) err = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Run) run = { 0 };
  g_auto(Run) listing = { 0 };
  g_autofree char *line = NULL;
  guint n_collections = g_strv_length ((char **) fake_nbia_get_collections (fake));
  const char *summary;
  guint listed;

  /* Slow enough that collections remain when the first is done. */
  fake_nbia_set_latency (fake, 500);
  process = spawn_cli (cache, (const char * const []) { "--sync", NULL });
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));
  /* Off a terminal, a line per finished collection. */
  line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "1 of "));
  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (process));
  fake_nbia_set_latency (fake, 0);

  /* The summary says how many it listed (the killed one's request may
   * still reach the server, so its count of requests would not do). */
  run_cli (&run, cache, "--sync");
  g_assert_cmpint (run.status, ==, 0);
  summary = strstr (run.err, "up to date: ");
  g_assert_nonnull (summary);
  listed = (guint) g_ascii_strtoull (summary + strlen ("up to date: "), NULL, 10);
  g_assert_cmpuint (listed, <, n_collections);
  g_assert_cmpuint (listed, >, 0);

  run_cli (&listing, cache, "--list=series", "--offline");
  g_assert_cmpint (listing.status, ==, 0);
  {
    g_autoptr(GPtrArray) rows = sorted_rows (listing.out);

    g_assert_cmpuint (rows->len, ==, N_SERIES);
  }
  remove_tree (cache);
}

/* What is new for a folder the program downloaded into. */
static void
test_list_new (void)
{
  g_autofree char *cache = make_cache ();
  g_autofree char *dest = g_build_filename (cache, "download", NULL);
  g_autofree char *manifest = g_build_filename (cache, "two.txt", NULL);
  g_autofree char *download = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) tomorrow = NULL;
  FakeNbiaSeriesInfo first, second, other, elsewhere;
  guint k, n = fake_nbia_get_n_series (fake);

  /* Two series of a collection, downloaded; a third of it not; one series
   * of another collection. */
  fake_nbia_get_series (fake, 0, &first);
  for (k = 1; k < n; k++)
    {
      fake_nbia_get_series (fake, k, &second);
      if (g_strcmp0 (second.collection, first.collection) == 0)
        break;
    }
  for (k = k + 1; k < n; k++)
    {
      fake_nbia_get_series (fake, k, &other);
      if (g_strcmp0 (other.collection, first.collection) == 0)
        break;
    }
  g_assert_cmpuint (k, <, n);
  for (k = 0; k < n; k++)
    {
      fake_nbia_get_series (fake, k, &elsewhere);
      if (g_strcmp0 (elsewhere.collection, first.collection) != 0)
        break;
    }
  {
    g_autofree char *text = g_strdup_printf ("%s\n%s\n", first.series_uid, second.series_uid);

    g_file_set_contents (manifest, text, -1, &error);
    g_assert_no_error (error);
  }
  download = g_strdup_printf ("--download=%s", manifest);
  output = g_strdup_printf ("--output=%s", dest);
  {
    g_auto(Run) run = { 0 };

    run_cli (&run, cache, download, output);
    g_assert_cmpint (run.status, ==, 0);
  }
  sync_ok (cache);

  /* Nothing new yet: the collection's other series are older than the
   * download, so they were left out on purpose. */
  {
    g_auto(Run) run = { 0 };
    g_autoptr(GPtrArray) rows = NULL;

    run_cli (&run, cache, "--list=new", output);
    g_assert_cmpint (run.status, ==, 0);
    rows = sorted_rows (run.out);
    g_assert_cmpuint (rows->len, ==, 0);
  }

  /* Tomorrow's release of one downloaded series (its data changed), of one
   * not downloaded (new), and of one elsewhere (not this folder's). */
  tomorrow = g_date_time_add_days (g_date_time_new_now_utc (), 1);
#define RELEASE(info)                                                                    \
  g_assert_true (fake_nbia_release_series_again (fake, (info).series_uid,                \
                                                 g_date_time_get_year (tomorrow),        \
                                                 g_date_time_get_month (tomorrow),       \
                                                 g_date_time_get_day_of_month (tomorrow)))
  RELEASE (second);
  RELEASE (other);
  RELEASE (elsewhere);
#undef RELEASE
  sync_ok (cache);
  {
    g_auto(Run) run = { 0 };
    g_autoptr(GPtrArray) rows = NULL;

    run_cli (&run, cache, "--list=new", output, "--format=csv");
    g_assert_cmpint (run.status, ==, 0);
    rows = sorted_rows (run.out);
    g_assert_cmpuint (rows->len, ==, 2);
    g_assert_nonnull (strstr (run.out, second.series_uid));
    g_assert_nonnull (strstr (run.out, other.series_uid));
    g_assert_null (strstr (run.out, first.series_uid));
    g_assert_null (strstr (run.out, elsewhere.series_uid));
    /* The last column says which group: --list=series' columns, then
     * "Change"; the new series first. */
    g_assert_true (g_str_has_suffix (strtok (run.out, "\n"), ",Change"));
    {
      char *line = strtok (NULL, "\n");

      g_assert_true (g_str_has_prefix (line, other.series_uid));
      g_assert_true (g_str_has_suffix (line, ",new"));
      line = strtok (NULL, "\n");
      g_assert_true (g_str_has_prefix (line, second.series_uid));
      g_assert_true (g_str_has_suffix (line, ",changed"));
    }
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (&run, cache, "--list=new", output, "--format=json");
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "\"Change\" : \"new\""));
    g_assert_nonnull (strstr (run.out, "\"Change\" : \"changed\""));
  }

  /* A folder that holds no download says so. */
  {
    g_auto(Run) run = { 0 };
    g_autofree char *empty = g_strdup_printf ("--output=%s", cache);

    run_cli (&run, cache, "--list=new", empty);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "metadata.csv"));
  }
  remove_tree (cache);
}

int
main (int   argc,
      char *argv[])
{
  FakeNbiaOptions options;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  fake_nbia_options_init (&options);
  options.n_series = N_SERIES;
  options.retry_after_s = 0;
  fake = fake_nbia_new (&options);
  fake_nbia_start_in_thread (fake, 0, &error);
  g_assert_no_error (error);
  url_v4 = fake_nbia_get_url (fake, 4);

  g_test_add_func ("/cli-catalogue/offline-listings", test_offline_listings);
  g_test_add_func ("/cli-catalogue/search", test_search);
  g_test_add_func ("/cli-catalogue/bad-usage", test_bad_usage);
  g_test_add_func ("/cli-catalogue/kill-and-resume", test_kill_and_resume);
  g_test_add_func ("/cli-catalogue/list-new", test_list_new);

  status = g_test_run ();
  fake_nbia_free (fake);
  g_free (url_v4);
  return status;
}

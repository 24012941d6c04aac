/* SPDX-License-Identifier: GPL-3.0-or-later */
/* posix_openpt() and its kin. */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cli-test-util.h"
#include "fake-nbia.h"
#include "tcia-cli-private.h"
#include "test-util.h"

/* The command line as scripts use it: pipes that close, mistyped names and
 * options, bad manifests, and progress only for a person at a terminal. */

/* Enough series that a listing outgrows a pipe's buffer (64 KiB): the
 * program is still writing when the reader goes away. */
#define N_SERIES 1500

static FakeNbia *fake;
static char *url_v4;

/* ---- closest names, the progress line and the catalogue's release, in-process ---- */

static gpointer
drop_later_thread (gpointer data)
{
  /* Long enough for the main thread to be waiting in its loop: dropped
   * before, the catalogue would be gone before the wait began. */
  g_usleep (200 * G_TIME_SPAN_MILLISECOND);
  g_object_unref (data);

  return NULL;
}

/* A script's --sync exits as soon as the catalogue is closed, even when
 * the sync's last reference to it goes in one of its threads, not in the
 * main loop that waits (which then had nothing to wake it, and waited its
 * whole 5 s one run in four). */
static void
test_release_from_thread (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tcia-release-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "catalogue.db", NULL);
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  TciaLocalCatalogue *catalogue;
  GThread *thread;

  g_main_context_push_thread_default (context);
  catalogue = tcia_local_catalogue_new (path, &error);
  g_assert_no_error (error);
  thread = g_thread_new ("drop-later", drop_later_thread, g_object_ref (catalogue));

  g_assert_true (tcia_cli_release_catalogue (context, &catalogue));
  g_assert_null (catalogue);

  g_thread_join (thread);
  g_main_context_pop_thread_default (context);
  remove_tree (dir);
}

static void
test_closest (void)
{
  const char * const collections[] = { "Breast-Diagnosis", "LIDC-IDRI", "RIDER Lung CT" };
  const char * const modalities[] = { "CR", "CT", "MR", "RTSTRUCT" };

  g_assert_cmpstr (tcia_cli_closest ("LIDC-IRDI", collections, 3), ==, "LIDC-IDRI");
  g_assert_cmpstr (tcia_cli_closest ("lidc-idri", collections, 3), ==, "LIDC-IDRI");
  g_assert_cmpstr (tcia_cli_closest ("rider lung", collections, 3), ==, "RIDER Lung CT");
  g_assert_cmpstr (tcia_cli_closest ("LIDC", collections, 3), ==, NULL);
  g_assert_cmpstr (tcia_cli_closest ("Breast-Diagnossis", collections, 3), ==, "Breast-Diagnosis");
  g_assert_cmpstr (tcia_cli_closest ("Zebrafish", collections, 3), ==, NULL);
  g_assert_cmpstr (tcia_cli_closest ("ct", modalities, 4), ==, "CT");
  g_assert_cmpstr (tcia_cli_closest ("RTSTRCT", modalities, 4), ==, "RTSTRUCT");
  g_assert_cmpstr (tcia_cli_closest ("anything", modalities, 0), ==, NULL);
}

static void
test_progress_text (void)
{
  g_autofree char *line = NULL;
  g_autofree char *unsized = NULL;
  g_autofree char *early = NULL;
  g_autofree char *soon = NULL;
  g_autofree char *hours = NULL;

  line = tcia_cli_format_progress (12, 31, 4200000, 15600000, 70);
  g_assert_cmpstr (line, ==, "12 of 31 series · 4.2\u00a0MB of 15.6\u00a0MB · 26 % · "
                             "about 1 minute left");

  /* Without sizes (series the server gave none for), by the count. */
  unsized = tcia_cli_format_progress (1, 4, 0, 0, -1);
  g_assert_cmpstr (unsized, ==, "1 of 4 series · 25 %");

  /* No guess at the time before there is something to measure. */
  early = tcia_cli_format_progress (0, 1, 0, 1000, -1);
  g_assert_null (strstr (early, "left"));

  soon = tcia_cli_format_time_left (20);
  g_assert_cmpstr (soon, ==, "less than a minute left");
  hours = tcia_cli_format_time_left (2 * 3600 + 60);
  g_assert_cmpstr (hours, ==, "about 2 hours left");
}

/* ---- a reader that goes away ---- */

/* `tcia-basket --list=series | head -1`: the program ends as `seq 1 100000
 * | head -1` ends for seq, killed by SIGPIPE (the shell says 141), and says
 * nothing. */
static void
check_closed_after_first_line (gconstpointer data)
{
  const char *format = data;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *api_url = option ("api-url", url_v4);
  g_autofree char *format_option = option ("format", format);
  g_autofree char *first = NULL;

  process = spawn_cli ((const char *const[]) { api_url, "--list=series", format_option, NULL });
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  first = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  g_assert_cmpstr (first, !=, "");
  g_input_stream_close (G_INPUT_STREAM (out), NULL, &error);
  g_assert_no_error (error);
  assert_quiet_sigpipe (process);
}

/* ---- mistyped names and options ---- */

static const char *
first_long_collection (void)
{
  for (const char * const *names = fake_nbia_get_collections (fake); *names != NULL; names++)
    {
      if (g_utf8_strlen (*names, -1) >= 8 && (*names)[3] != (*names)[4])
        return *names;
    }
  g_assert_not_reached ();
}

static void
test_misspelt_collection (void)
{
  const char *real = first_long_collection ();
  g_autofree char *api_url = option ("api-url", url_v4);
  g_autofree char *misspelt = g_strdup (real);
  g_autofree char *collection = NULL;
  g_autofree char *expected = NULL;
  g_auto(Run) run = { 0 };
  g_auto(Run) far = { 0 };
  g_auto(Run) other_case = { 0 };

  /* Two letters swapped, as fingers do: LIDC-IRDI for LIDC-IDRI. */
  misspelt[3] = real[4];
  misspelt[4] = real[3];
  collection = option ("collection", misspelt);
  run_cli (&run, api_url, "--list=series", collection);
  assert_one_error_line (&run, "tcia-basket: ");
  expected = g_strdup_printf ("there is no collection named “%s”; did you mean “%s”?",
                              misspelt, real);
  g_assert_nonnull (strstr (run.err, expected));
  /* No header: nothing on stdout a script could take for a listing. */
  g_assert_cmpstr (run.out, ==, "");

  /* Nothing close: where the names are. */
  run_cli (&far, api_url, "--list=patients", "--collection=Qqqqqqqqqqqqqqqqqqqq");
  assert_one_error_line (&far, "tcia-basket: there is no collection named “Qqqqqqqqqqqqqqqqqqqq”");
  g_assert_nonnull (strstr (far.err, "--list=collections"));
  g_assert_cmpstr (far.out, ==, "");

  /* NBIA matches names without regard to case: a name in other case is
   * no mistake, whatever rows it gives. */
  {
    g_autofree char *lower = g_utf8_strdown (real, -1);
    g_autofree char *lower_option = option ("collection", lower);

    run_cli (&other_case, api_url, "--list=series", lower_option);
    g_assert_cmpint (other_case.status, ==, 0);
    g_assert_cmpstr (other_case.err, ==, "");
    g_assert_true (g_str_has_prefix (other_case.out, "SeriesInstanceUID\t") ||
                   strstr (other_case.out, "\tSeriesInstanceUID") != NULL);
  }
}

/* The other filters with a list on the server: modality, body part,
 * manufacturer. A real value with a letter more is one slip away. */
static void
test_misspelt_values (void)
{
  static const struct
  {
    const char *list;
    const char *option;
    const char *kind;
  } cases[] = {
    { "modalities", "modality", "modality" },
    { "body-parts", "body-part", "body part" },
    { "manufacturers", "manufacturer", "manufacturer" },
  };
  g_autofree char *api_url = option ("api-url", url_v4);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *list = option ("list", cases[i].list);
      g_auto(Run) values = { 0 };
      g_auto(Run) run = { 0 };
      g_auto(GStrv) lines = NULL;
      g_autofree char *real = NULL;
      g_autofree char *misspelt = NULL;
      g_autofree char *filter = NULL;
      g_autofree char *expected = NULL;

      run_cli (&values, api_url, list);
      g_assert_cmpint (values.status, ==, 0);
      lines = g_strsplit (values.out, "\n", -1);
      g_assert_nonnull (lines[1]);
      real = g_strndup (lines[1], strcspn (lines[1], "\t"));
      misspelt = g_strconcat (real, "Q", NULL);
      filter = option (cases[i].option, misspelt);

      run_cli (&run, api_url, "--list=series", filter);
      g_test_message ("%s → %s", filter, run.err);
      assert_one_error_line (&run, "tcia-basket: ");
      expected = g_strdup_printf ("there is no %s “%s”; did you mean “", cases[i].kind, misspelt);
      g_assert_nonnull (strstr (run.err, expected));
      g_assert_cmpstr (run.out, ==, "");
    }
}

static void
test_unknown_option (void)
{
  const struct
  {
    const char *arg;
    const char *first_line;
  } cases[] = {
    { "--colection=LIDC-IDRI",
      "tcia-basket: Unknown option --colection=LIDC-IDRI; did you mean --collection?" },
    { "--lst=series", "tcia-basket: Unknown option --lst=series; did you mean --list?" },
    { "--no-verfy", "tcia-basket: Unknown option --no-verfy; did you mean --no-verify?" },
    { "--frobnicate", "tcia-basket: Unknown option --frobnicate" },
    { "--list", "tcia-basket: Missing argument for --list" },
    { "--jobs=many", "tcia-basket: Cannot parse integer value “many” for --jobs" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };
      g_auto(GStrv) lines = NULL;

      run_cli_env (&run, (const char * const []) { "LC_ALL=C.UTF-8", "LANGUAGE=", NULL },
                   (const char * const []) { cases[i].arg, NULL });
      g_test_message ("%s → %d %s", cases[i].arg, run.status, run.err);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_cmpstr (run.out, ==, "");
      lines = g_strsplit (run.err, "\n", -1);
      g_assert_cmpuint (g_strv_length (lines), ==, 3);
      g_assert_cmpstr (lines[0], ==, cases[i].first_line);
      g_assert_cmpstr (lines[1], ==, "Try “tcia-basket --help” for more information.");
      g_assert_cmpstr (lines[2], ==, "");
    }
}

/* ---- bad manifests ---- */

static void
test_bad_manifest_lines (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-cli-manifest-XXXXXX", &error);
  g_autofree char *manifest = g_build_filename (dir, "bad.tcia", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *api_url = option ("api-url", url_v4);
  g_autofree char *download = option ("download", manifest);
  g_autofree char *output = option ("output", out);
  g_auto(Run) run = { 0 };
  g_auto(GStrv) lines = NULL;
  const guint bad[] = { 8, 10, 11 };

  g_assert_no_error (error);
  g_file_set_contents (manifest,
                       "downloadServerUrl=x\n"                /* 1 */
                       "includeAnnotation=true\n"             /* 2 */
                       "noOfrRetry=4\n"                       /* 3 */
                       "databasketId=x.tcia\n"                /* 4 */
                       "manifestVersion=3.0\n"                /* 5 */
                       "ListOfSeriesToDownload=\n"            /* 6 */
                       "1.2.3.4\n"                            /* 7 */
                       "hello\n"                              /* 8 */
                       "1.2.3.5\n"                            /* 9 */
                       "1..2\n"                               /* 10 */
                       "not a uid\n",                         /* 11 */
                       -1, &error);
  g_assert_no_error (error);

  run_cli (&run, api_url, download, output);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  lines = g_strsplit (run.err, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (bad) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *where = g_strdup_printf (", line %u: ", bad[i]);

      g_test_message ("%s", lines[i]);
      g_assert_true (g_str_has_prefix (lines[i], "tcia-basket: "));
      g_assert_nonnull (strstr (lines[i], "bad.tcia"));
      g_assert_nonnull (strstr (lines[i], where));
      g_assert_nonnull (strstr (lines[i], "is not a series UID"));
    }
  g_assert_cmpstr (lines[G_N_ELEMENTS (bad)], ==, "");
  /* Nothing was started. */
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  g_unlink (manifest);
  g_rmdir (dir);
}

/* ---- progress ---- */

/* A manifest of the series of one collection. */
static char *
write_manifest (const char *dir,
                guint      *n_series)
{
  g_autofree char *api_url = option ("api-url", url_v4);
  g_autofree char *collection = option ("collection", first_long_collection ());
  g_autofree char *path = g_build_filename (dir, "series.tcia", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(Run) run = { 0 };
  const char *list;

  run_cli (&run, api_url, "--list=series", collection, "--format=tcia");
  g_assert_cmpint (run.status, ==, 0);
  g_file_set_contents (path, run.out, -1, &error);
  g_assert_no_error (error);

  list = strstr (run.out, "ListOfSeriesToDownload=\n");
  g_assert_nonnull (list);
  *n_series = 0;
  for (const char *p = strchr (list, '\n') + 1; *p != '\0'; p = strchr (p, '\n') + 1)
    (*n_series)++;
  g_assert_cmpuint (*n_series, >, 1);

  return g_steal_pointer (&path);
}

/* Reads the terminal's side until the program has closed its own. */
static char *
read_terminal (int master)
{
  GString *text = g_string_new (NULL);
  char buffer[4096];

  for (;;)
    {
      ssize_t n = read (master, buffer, sizeof buffer);

      if (n > 0)
        g_string_append_len (text, buffer, n);
      else if (n < 0 && errno == EINTR)
        continue;
      else
        break;  /* EIO: no one holds the terminal any more */
    }
  return g_string_free (text, FALSE);
}

static void
test_progress_on_terminal (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-cli-progress-XXXXXX", &error);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *api_url = option ("api-url", url_v4);
  g_autofree char *output = option ("output", out);
  g_autofree char *manifest = NULL;
  g_autofree char *download = NULL;
  g_autofree char *text = NULL;
  g_autofree char *last = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  guint n_series;
  int master, slave;

  g_assert_no_error (error);
  manifest = write_manifest (dir, &n_series);
  download = option ("download", manifest);

  master = posix_openpt (O_RDWR | O_NOCTTY);
  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  slave = open (ptsname (master), O_RDWR | O_NOCTTY);
  g_assert_cmpint (slave, >=, 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_setenv (launcher, "TCIA_TEST_RETRY_DELAY_MS", "1", TRUE);
  g_subprocess_launcher_take_stderr_fd (launcher, slave);
  process = g_subprocess_launcher_spawn (launcher, &error, TCIA_BASKET, api_url, download,
                                         output, NULL);
  g_assert_no_error (error);
  /* The launcher holds the terminal's other side until it goes. */
  g_clear_object (&launcher);

  text = read_terminal (master);
  close (master);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%s", text);

  /* One line, rewritten in place. */
  g_assert_nonnull (strstr (text, "\r\033[K"));
  g_assert_nonnull (strstr (text, " series · "));
  last = g_strdup_printf ("\r\033[K%u of %u series · ", n_series, n_series);
  g_assert_nonnull (strstr (text, last));
  g_assert_nonnull (strstr (text, " · 100 %"));
  g_assert_nonnull (strstr (text, "B of "));
  /* And the summary after it, on a line of its own. */
  g_assert_nonnull (strstr (text, "\r\033[K"));
  {
    g_autofree char *summary = g_strdup_printf ("%u of %u series complete in ",
                                                n_series, n_series);

    g_assert_nonnull (strstr (text, summary));
  }

  remove_tree (dir);
}

static void
test_no_progress_without_terminal (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-cli-quiet-XXXXXX", &error);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *api_url = option ("api-url", url_v4);
  g_autofree char *output = option ("output", out);
  g_autofree char *manifest = NULL;
  g_autofree char *download = NULL;
  g_autofree char *summary = NULL;
  g_auto(Run) run = { 0 };
  guint n_series;

  g_assert_no_error (error);
  manifest = write_manifest (dir, &n_series);
  download = option ("download", manifest);

  /* NBIA alone: with IDC unreachable, a line would say why each series came from NBIA. */
  run_cli (&run, api_url, download, output, "--source=nbia");
  g_assert_cmpint (run.status, ==, 0);
  /* The summary alone: no progress, no escapes, no carriage returns. */
  summary = g_strdup_printf ("%u of %u series complete in %s (0 already there), 0 failed; ",
                             n_series, n_series, out);
  g_assert_true (g_str_has_prefix (run.err, summary));
  g_assert_true (g_str_has_suffix (run.err, "\n"));
  g_assert_true (strchr (run.err, '\n') == run.err + strlen (run.err) - 1);
  g_assert_null (strchr (run.err, '\r'));
  g_assert_null (strchr (run.err, '\033'));

  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  FakeNbiaOptions options;
  g_autoptr(GError) error = NULL;
  int status;

  /* Messages compared word for word are the untranslated ones. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "", TRUE);
  g_test_init (&argc, &argv, NULL);

  fake_nbia_options_init (&options);
  options.n_series = N_SERIES;
  fake = fake_nbia_new (&options);
  fake_nbia_start_in_thread (fake, 0, &error);
  g_assert_no_error (error);
  url_v4 = fake_nbia_get_url (fake, 4);

  g_test_add_func ("/cli-scripting/closest", test_closest);
  g_test_add_func ("/cli-scripting/release-from-thread", test_release_from_thread);
  g_test_add_func ("/cli-scripting/progress-text", test_progress_text);
  g_test_add_data_func ("/cli-scripting/closed-pipe/tsv", "tsv", check_closed_after_first_line);
  g_test_add_data_func ("/cli-scripting/closed-pipe/json", "json",
                        check_closed_after_first_line);
  g_test_add_func ("/cli-scripting/misspelt/collection", test_misspelt_collection);
  g_test_add_func ("/cli-scripting/misspelt/values", test_misspelt_values);
  g_test_add_func ("/cli-scripting/unknown-option", test_unknown_option);
  g_test_add_func ("/cli-scripting/bad-manifest-lines", test_bad_manifest_lines);
  g_test_add_func ("/cli-scripting/progress/terminal", test_progress_on_terminal);
  g_test_add_func ("/cli-scripting/progress/no-terminal", test_no_progress_without_terminal);

  status = g_test_run ();

  g_clear_pointer (&url_v4, g_free);
  g_clear_pointer (&fake, fake_nbia_free);

  return status;
}

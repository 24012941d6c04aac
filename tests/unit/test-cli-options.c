/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "cli-listing-test-util.h"

/* The command line around its listings: where it finds its server, what it
 * refuses, how it reports a failing server or reader, and what its
 * environment may not change (the listings: test-cli.c). */

/* Which server answered shows in the collection counts: v4 has them, v1 not. */
static gboolean
answered_by_v4 (const Run *run)
{
  g_auto(GStrv) lines = g_strsplit (run->out, "\n", 3);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (lines[0], ==, "Collection\tCount");
  g_assert_nonnull (lines[1]);
  return !g_str_has_suffix (lines[1], "\t");
}

static void
test_api_url_sources (void)
{
  g_autofree char *env_v1 = g_strconcat ("TCIA_API_URL=", url_v1, NULL);
  g_autofree char *env_v4 = g_strconcat ("TCIA_API_URL=", url_v4, NULL);
  g_autofree char *option_v4 = option ("api-url", url_v4);
  g_autofree char *option_v1 = option ("api-url", url_v1);
  g_autofree char *config = g_dir_make_tmp ("test-cli-XXXXXX", NULL);
  g_autofree char *settings_dir = g_build_filename (config, "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_build_filename (settings_dir, "keyfile", NULL);
  g_autofree char *keyfile_text = NULL;
  g_autofree char *config_env = g_strconcat ("XDG_CONFIG_HOME=", config, NULL);
  g_autoptr(GError) error = NULL;

  {
    g_auto(Run) run = { 0 };
    run_cli_env (&run, (const char *[]) { env_v1, NULL },
                 (const char *[]) { "--list=collections", NULL });
    g_assert_false (answered_by_v4 (&run));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli_env (&run, (const char *[]) { env_v1, NULL },
                 (const char *[]) { option_v4, "--list=collections", NULL });
    g_assert_true (answered_by_v4 (&run));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli_env (&run, (const char *[]) { env_v4, NULL },
                 (const char *[]) { option_v1, "--list=collections", NULL });
    g_assert_false (answered_by_v4 (&run));
  }

  /* Neither: the setting. */
  g_assert_cmpint (g_mkdir_with_parents (settings_dir, 0700), ==, 0);
  keyfile_text = g_strdup_printf ("[io/github/tciabasket/TciaBasket]\napi-url='%s'\n", url_v1);
  g_file_set_contents (keyfile, keyfile_text, -1, &error);
  g_assert_no_error (error);
  {
    g_auto(Run) run = { 0 };
    run_cli_env (&run, (const char *[]) { "GSETTINGS_BACKEND=keyfile", config_env, NULL },
                 (const char *[]) { "--list=collections", NULL });
    g_assert_cmpstr (run.err, ==, "");
    g_assert_false (answered_by_v4 (&run));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli_env (&run, (const char *[]) { "GSETTINGS_BACKEND=keyfile", config_env, env_v4, NULL },
                 (const char *[]) { "--list=collections", NULL });
    g_assert_true (answered_by_v4 (&run));
  }

  /* Without the schema installed the listing still works. */
  {
    g_auto(Run) run = { 0 };
    run_cli_env (&run,
                 (const char *[]) { "GSETTINGS_SCHEMA_DIR=/nonexistent", "XDG_DATA_DIRS=/nonexistent",
                                    env_v4, NULL },
                 (const char *[]) { "--list=collections", NULL });
    g_assert_cmpstr (run.err, ==, "");
    g_assert_true (answered_by_v4 (&run));
  }

  g_remove (keyfile);
  g_rmdir (settings_dir);
  {
    g_autofree char *glib_dir = g_path_get_dirname (settings_dir);
    g_rmdir (glib_dir);
  }
  g_rmdir (config);
}

static void
test_usage_errors (void)
{
  g_autofree char *api_url = option ("api-url", url_v4);
  const struct
  {
    const char *args[5];
    const char *prefix;
  } cases[] = {
    { { "--list=widgets" }, "tcia-basket: " },
    { { "--list=series", "--format=xml" }, "tcia-basket: " },
    { { "--collection=LIDC-IDRI" }, "tcia-basket: " },
    { { "--format=csv" }, "tcia-basket: " },
    { { "--list=collections", "--format=tcia" }, "tcia-basket: " },
    { { "--list=patients", "--modality=CT" }, "tcia-basket: " },
    { { "--list=collections", "--collection=LIDC-IDRI" }, "tcia-basket: " },
    { { "--list=series", "--collection=" }, "tcia-basket: " },
    { { "--list=series", "manifest.tcia" }, "tcia-basket: " },
    { { "--api-url=http://127.0.0.1:9/nbia-api/services/v9/", "--list=series" }, "tcia-basket: " },
    { { "--api-url=not a url", "--list=collections" }, "tcia-basket: " },
    { { "--api-url=not a url" }, "tcia-basket: " },
    { { "--no-verify" }, "tcia-basket: --no-verify needs --download" },
    { { "--list=series", "--no-verify" }, "tcia-basket: --no-verify needs --download" },
    /* GLib's own errors: test-cli-scripting.c. */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };
      const char *args[7] = { 0 };
      guint n = 0;

      /* A server is at hand so that no case is refused for lack of one. */
      if (!g_str_has_prefix (cases[i].args[0], "--api-url"))
        args[n++] = api_url;
      for (guint a = 0; cases[i].args[a] != NULL; a++)
        args[n++] = cases[i].args[a];

      run_cli_env (&run, NULL, args);
      g_test_message ("%s → %d %s", cases[i].args[0], run.status, run.err);
      assert_one_error_line (&run, cases[i].prefix);
      g_assert_cmpstr (run.out, ==, "");
    }
}

static void
test_version (void)
{
  g_auto(Run) run = { 0 };

  run_cli (&run, "--version");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "tcia-basket " PACKAGE_VERSION "\n");
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_server_error (void)
{
  g_autofree char *api_url = option ("api-url", url_v4);
  g_autofree char *collection = option ("collection", spaced_collection);

  /* A server that fails every time: given up on after the retries. */
  {
    g_auto(Run) run = { 0 };

    fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_HTTP_500, 0, NULL);
    run_cli (&run, api_url, "--list=series", collection);
    fake_nbia_clear_faults (fake);
    assert_one_error_line (&run, "tcia-basket: could not list series: ");
    g_assert_nonnull (strstr (run.err, "500"));
    g_assert_cmpstr (run.out, ==, "");
  }

  /* A 400 is not retried and its text is shown. */
  {
    g_auto(Run) run = { 0 };

    fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_HTTP_400, 1, NULL);
    run_cli (&run, api_url, "--list=patients", collection);
    fake_nbia_clear_faults (fake);
    assert_one_error_line (&run, "tcia-basket: could not list patients: ");
    g_assert_nonnull (strstr (run.err, "Simulated bad request"));
    g_assert_cmpstr (run.out, ==, "");
  }

  /* A body that is not JSON. */
  {
    g_auto(Run) run = { 0 };

    fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_MALFORMED_JSON, 0, NULL);
    run_cli (&run, api_url, "--list=collections");
    fake_nbia_clear_faults (fake);
    assert_one_error_line (&run, "tcia-basket: could not list collections: ");
    g_assert_cmpstr (run.out, ==, "");
  }

  /* One failure then success: the listing holds every row once. */
  {
    g_auto(Run) run = { 0 };
    g_autoptr(GHashTable) expected = expected_series (spaced_collection);
    g_autoptr(GPtrArray) records = NULL;

    fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_DROP, 1, NULL);
    run_cli (&run, api_url, "--list=series", collection, "--format=csv");
    fake_nbia_clear_faults (fake);
    g_assert_cmpint (run.status, ==, 0);
    records = parse_csv (run.out);
    g_assert_cmpuint (records->len - 1, ==, g_hash_table_size (expected));
  }
}

/* `tcia-basket --list=series | head -1`: a reader that goes away before the
 * first byte ends the program as it ends seq, killed by SIGPIPE without a
 * word, not with a storm of errors or a hang. (After the first line:
 * test-cli-scripting.c.) */
static void
test_closed_pipe (void)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *api_url = option ("api-url", url_v4);

  process = spawn_cli ((const char *const[]) { api_url, "--list=series", NULL });
  g_input_stream_close (g_subprocess_get_stdout_pipe (process), NULL, &error);
  g_assert_no_error (error);
  assert_quiet_sigpipe (process);
}

static gboolean
contains_bytes (const char *haystack,
                gsize       len,
                const char *needle)
{
  gsize n = strlen (needle);

  for (const char *p = haystack; len >= n && (gsize) (p - haystack) <= len - n; p++)
    {
      p = memchr (p, needle[0], len - n - (gsize) (p - haystack) + 1);
      if (p == NULL)
        return FALSE;
      if (memcmp (p, needle, n) == 0)
        return TRUE;
    }

  return FALSE;
}

/* The installed program must not let its environment shorten its retries
 * (a user with the variable set would hammer a struggling server).
 *
 * Behaviour: against a server that answers 500 every time, the test build
 * told TCIA_TEST_RETRY_DELAY_MS=1 makes its five attempts within a few
 * milliseconds. The installed program, ignoring the variable, waits a
 * random 0-0.5 s, then 0-1 s, 0-2 s, 0-4 s between them: the chance that
 * it reaches its fifth attempt within 300 ms of the first is below 1e-4.
 * So the check below cannot fail on a correct program, however slow the
 * machine; on a program that obeys the variable it fails unless five
 * requests take longer than 300 ms. */
static void
test_installed_ignores_test_env (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *api_url = option ("api-url", url_v4);
  g_autofree char *contents = NULL;
  gsize len = 0;
  const char *name = "TCIA_TEST_RETRY_DELAY_MS";
  guint seen;

  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_HTTP_500, 0, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "TCIA_API_URL");
  g_subprocess_launcher_setenv (launcher, name, "1", TRUE);
  seen = fake_nbia_get_request_count (fake, "getCollectionValuesAndCounts");
  process = g_subprocess_launcher_spawn (launcher, &error, TCIA_BASKET_INSTALLED, api_url,
                                         "--list=collections", NULL);
  g_assert_no_error (error);

  for (guint i = 0; i < 4000 && fake_nbia_get_request_count (fake, "getCollectionValuesAndCounts") == seen; i++)
    g_usleep (5 * 1000);
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getCollectionValuesAndCounts"), >, seen);
  g_usleep (300 * 1000);
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getCollectionValuesAndCounts") - seen, <, 5);

  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  fake_nbia_clear_faults (fake);

  /* And the name of the variable is not even in the installed program,
   * while the test build has it (so that this check means something). */
  g_assert_true (g_file_get_contents (TCIA_BASKET_INSTALLED, &contents, &len, &error));
  g_assert_no_error (error);
  g_assert_false (contains_bytes (contents, len, name));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (TCIA_BASKET, &contents, &len, &error));
  g_assert_no_error (error);
  g_assert_true (contains_bytes (contents, len, name));
}

/* Whatever a manifest or a server holds, no terminal escape reaches
 * stderr: a file name or a line quoted in a message is cleaned first. */
static void
test_no_terminal_escapes (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-cli-escapes-XXXXXX", &error);
  g_autofree char *manifest = g_build_filename (dir, "\033]0;owned\007.tcia", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *api_url = option ("api-url", url_v4);
  g_autofree char *download = option ("download", manifest);
  g_autofree char *output = option ("output", out);
  g_auto(Run) run = { 0 };

  g_assert_no_error (error);
  g_file_set_contents (manifest,
                       "downloadServerUrl=x\nmanifestVersion=3.0\nListOfSeriesToDownload=\n"
                       "\033[2J\033]0;owned\0071.2.3\r\n\033[31mred\n", -1, &error);
  g_assert_no_error (error);
  run_cli (&run, api_url, download, output);
  g_assert_cmpint (run.status, !=, 0);
  g_assert_cmpstr (run.err, !=, "");
  g_assert_null (strchr (run.err, '\033'));
  g_assert_null (strchr (run.err, '\007'));
  g_assert_null (strchr (run.err, '\r'));

  g_unlink (manifest);
  g_rmdir (out);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  cli_listing_test_init (&argc, &argv);

  g_test_add_func ("/cli/api-url", test_api_url_sources);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/server-error", test_server_error);
  g_test_add_func ("/cli/closed-pipe", test_closed_pipe);
  g_test_add_func ("/cli/installed-ignores-test-env", test_installed_ignores_test_env);
  g_test_add_func ("/cli/no-terminal-escapes", test_no_terminal_escapes);

  return cli_listing_test_run ();
}

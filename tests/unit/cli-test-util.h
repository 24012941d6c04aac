/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the tests of the command line share: running tcia-basket as a user
 * without a display would, and reading what it said. */

#include <signal.h>
#include <string.h>

#include <gio/gio.h>

/* The test build, which obeys TCIA_TEST_RETRY_DELAY_MS; the installed
 * program is built from the same sources without that hook. */
#define TCIA_BASKET TCIA_BUILDDIR "/src/tcia-basket-test"
#define TCIA_BASKET_INSTALLED TCIA_BUILDDIR "/src/tcia-basket"

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static inline void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs tcia-basket as a user without a display would. @env is NULL or
 * "NAME=VALUE" strings to set on top. */
static inline void
run_cli_env (Run                *run,
             const char * const *env,
             const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "TCIA_API_URL");
  g_subprocess_launcher_setenv (launcher, "TCIA_TEST_RETRY_DELAY_MS", "1", TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);
      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }

  g_ptr_array_add (argv, (char *) TCIA_BASKET);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  /* Output must be UTF-8: communicate_utf8 fails otherwise. */
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
}

#define run_cli(run, ...) \
  run_cli_env ((run), NULL, (const char * const []) { __VA_ARGS__, NULL })

static inline void
assert_one_error_line (const Run  *run,
                       const char *prefix)
{
  g_autofree char *line = NULL;

  g_assert_cmpint (run->status, ==, 2);
  g_assert_true (g_str_has_suffix (run->err, "\n"));
  line = g_strndup (run->err, strlen (run->err) - 1);
  g_assert_null (strchr (line, '\n'));
  if (prefix != NULL && !g_str_has_prefix (line, prefix))
    g_error ("stderr “%s” does not start with “%s”", line, prefix);
}

static inline char *
option (const char *name,
        const char *value)
{
  return g_strdup_printf ("--%s=%s", name, value);
}

/* tcia-basket (the test build) with @argv after its name, NULL-terminated,
 * stdout and stderr piped, as without a display. */
static inline GSubprocess *
spawn_cli (const char *const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) full = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_strv_builder_add (builder, TCIA_BASKET);
  g_strv_builder_addv (builder, (const char **) argv);
  full = g_strv_builder_end (builder);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) full, &error);
  g_assert_no_error (error);
  return process;
}

/* Once its stdout is closed, @process ends on SIGPIPE without a word on
 * stderr (a listing piped into `head`). */
static inline void
assert_quiet_sigpipe (GSubprocess *process)
{
  g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_output_stream_splice (sink, g_subprocess_get_stderr_pipe (process),
                          G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                          NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (sink)), ==, 0);
  g_assert_true (g_subprocess_get_if_signaled (process));
  g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGPIPE);
}

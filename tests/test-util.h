/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helpers every test may use, unit or ui: nothing here needs GTK or a
 * display. Include this instead of copying a helper into a test. */

#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

/* Sets the gboolean at @user_data: a timeout that only says it fired. */
static inline gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets queued work run: iterates the main context until @ms have passed. */
static inline void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Wakes the main context: a condition another thread makes true is seen
 * without waiting for some event of this thread's own. */
static inline gboolean
poll_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Spins the main loop until @cond holds; fails the test after @seconds.
 * @cond is checked at least every 10 ms. */
#define WAIT_FOR_SECONDS(cond, seconds) \
  G_STMT_START { \
    gboolean timed_out_ = FALSE; \
    guint id_ = g_timeout_add_seconds ((seconds), timeout_cb, &timed_out_); \
    guint poll_id_ = g_timeout_add (10, poll_cb, NULL); \
    while (!(cond) && !timed_out_) \
      g_main_context_iteration (NULL, TRUE); \
    g_source_remove (poll_id_); \
    if (!timed_out_) \
      g_source_remove (id_); \
    if (!(cond)) \
      g_error ("timed out waiting for %s", #cond); \
  } G_STMT_END

/* The same, after the test's own TIMEOUT_S. */
#define WAIT_FOR(cond) WAIT_FOR_SECONDS (cond, TIMEOUT_S)

/* A GAsyncReadyCallback that keeps the result in the GAsyncResult * at
 * @user_data, for wait_for(). */
static inline void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static inline void
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
}

/* Removes @path and everything under it, links as links (never followed). */
static inline void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_rmdir (path);
}

/* Runs the current test again in a child process whose HOME is a new
 * folder holding @user_dirs (NULL: none) as its XDG user-dirs.dirs, with
 * @expected in the environment as TCIA_TEST_EXPECTED; fails when the
 * child fails. GLib reads the user's folders once per process, hence the
 * child. The child finds itself with g_test_subprocess(). */
static inline void
run_in_fake_home (const char *user_dirs,
                  const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *saved_home = g_strdup (g_getenv ("HOME"));
  g_autofree char *saved_config = g_strdup (g_getenv ("XDG_CONFIG_HOME"));
  g_autofree char *home = g_dir_make_tmp ("test-home-XXXXXX", &error);
  g_autofree char *config = NULL;
  g_autofree char *dirs = NULL;

  g_assert_no_error (error);
  config = g_build_filename (home, ".config", NULL);
  dirs = g_build_filename (config, "user-dirs.dirs", NULL);
  g_assert_cmpint (g_mkdir_with_parents (config, 0700), ==, 0);
  if (user_dirs != NULL)
    {
      g_assert_true (g_file_set_contents (dirs, user_dirs, -1, &error));
      g_assert_no_error (error);
    }

  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("TCIA_TEST_EXPECTED", expected, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);

  g_unsetenv ("TCIA_TEST_EXPECTED");
  g_setenv ("HOME", saved_home, TRUE);
  if (saved_config != NULL)
    g_setenv ("XDG_CONFIG_HOME", saved_config, TRUE);
  else
    g_unsetenv ("XDG_CONFIG_HOME");
  remove_tree (home);
  g_test_trap_assert_passed ();
}

/* Makes GIO's defaults that load modules (the settings backend, TLS, the
 * network monitor, the proxy resolver) on the main thread, before a test
 * starts worker threads that would ask for them at the same moment:
 * GLib 2.74 has races in loading them concurrently. */
static inline void
test_init_gio_defaults (void)
{
  GSettingsBackend *backend = g_settings_backend_get_default ();

  g_object_unref (backend);
  g_tls_backend_get_default ();
  g_network_monitor_get_default ();
  g_proxy_resolver_get_default ();
}

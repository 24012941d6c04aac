/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helpers every test may use, unit or ui: nothing here needs GTK or a
 * display. Include this instead of copying a helper into a test. */

#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

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

/* Spins the main loop until @cond holds; fails the test after @seconds. */
#define WAIT_FOR_SECONDS(cond, seconds) \
  G_STMT_START { \
    gboolean timed_out_ = FALSE; \
    guint id_ = g_timeout_add_seconds ((seconds), timeout_cb, &timed_out_); \
    while (!(cond) && !timed_out_) \
      g_main_context_iteration (NULL, TRUE); \
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

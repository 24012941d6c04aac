/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the tests of downloading share: a fake server in a thread for the
 * whole run, a fixture with a destination and the first series of the
 * archive, and running the command line's headless download. */

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "queue-test-util.h"
#include "unit-test-util.h"
#include "fake-nbia.h"
#include "tcia-core.h"
#include "tcia-download-queue.h"
#include "tcia-layout.h"

#define TCIA_BASKET TCIA_BUILDDIR "/src/tcia-basket-test"

#define N_SERIES 6

/* One fake server in a thread of its own for every test; each test leaves it
 * without faults. */
static FakeNbia *fake;
static char *url_v4;

typedef struct
{
  char       *dest;
  TciaClient *client;
  GListModel *series;   /* the first N_SERIES of the archive, with metadata */
} Fixture;

/* Adds a test of @func at @path, run in a Fixture with @data. */
#define DOWNLOAD_TEST(path, func, data) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)

static inline void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dest = g_dir_make_tmp ("test-download-XXXXXX", &error);
  g_assert_no_error (error);
  f->client = download_test_client (url_v4);
  f->series = download_test_first_series (f->client, fake, N_SERIES);
}

static inline void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  fake_nbia_clear_faults (fake);
  g_autofree char *cmd = g_strdup_printf ("chmod -R u+w '%s'", f->dest);
  g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  tcia_extract_remove_tree (f->dest, NULL);
  g_free (f->dest);
  g_clear_object (&f->client);
  g_clear_object (&f->series);
}

/* No .part folder, no file outside the series folders but metadata.csv and LICENSEs. */
static inline void
assert_no_leftovers (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_assert_false (g_str_has_suffix (name, ".part"));
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        assert_no_leftovers (child);
    }
}

static inline guint
count_rows (const char *dest)
{
  g_autofree char *path = g_build_filename (dest, TCIA_METADATA_CSV_NAME, NULL);
  g_autoptr(GHashTable) rows = read_metadata_rows (path);

  return g_hash_table_size (rows);
}

/* ---- the command line ---- */

static inline char *
write_manifest (Fixture *f)
{
  g_autoptr(GString) text = g_string_new ("downloadServerUrl=x\nmanifestVersion=3.0\n"
                                          "ListOfSeriesToDownload=\n");
  g_autofree char *path = g_build_filename (f->dest, "m.tcia", NULL);

  for (guint i = 0; i < 12; i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (fake, i, &info);
      g_string_append_printf (text, "%s\n", info.series_uid);
    }
  g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
  return g_steal_pointer (&path);
}

/* @extra: NULL or one more option. */
static inline GSubprocess *
spawn_cli_full (const char *manifest,
                const char *output,
                const char *extra,
                GError    **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *download = g_strconcat ("--download=", manifest, NULL);
  g_autofree char *out = g_strconcat ("--output=", output, NULL);
  g_autofree char *api = g_strconcat ("--api-url=", url_v4, NULL);

  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_setenv (launcher, "TCIA_TEST_RETRY_DELAY_MS", "10", TRUE);
  return g_subprocess_launcher_spawn (launcher, error, TCIA_BASKET, api, download, out,
                                      "--jobs=2", extra, NULL);
}

static inline GSubprocess *
spawn_cli (const char *manifest,
           const char *output,
           GError    **error)
{
  return spawn_cli_full (manifest, output, NULL, error);
}

static inline int
run_cli_full (const char  *manifest,
              const char  *output,
              const char  *extra,
              char       **err)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = spawn_cli_full (manifest, output, extra, &error);

  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static inline int
run_cli (const char  *manifest,
         const char  *output,
         char       **err)
{
  return run_cli_full (manifest, output, NULL, err);
}

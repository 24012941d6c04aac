/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The command line's headless download into read-only and full
 * destinations, for real, as root too. */

#include "config.h"

#include "download-test-util.h"

/* The tmpfs of the full-disk test: smaller than the series of write_manifest(). */
#define FULL_DISK_KB 64

/* ---- read-only and full destinations, for real, as root too ---- */

/* How a folder is made unwritable for the headless download. Root writes
 * through chmod 0555, so as root it takes a read-only bind mount in a mount
 * namespace of the child's own (or, where namespaces are not allowed, as in
 * a container without CAP_SYS_ADMIN, dropping to the user nobody). */
typedef enum
{
  LOCK_NONE,
  LOCK_MOUNT,     /* unshare --mount (as root) or --user --map-root-user --mount */
  LOCK_SETPRIV,   /* root only: the child runs as nobody; the folder is chmod 0555 */
  LOCK_CHMOD,     /* not root: the folder is chmod 0555 */
} LockMethod;

/* Runs in the child: "$1" is ro, tmpfs or none, "$2" the folder, the rest the
 * command. 125 when the folder could not be set up. What is left in the
 * folder afterwards goes to stdout: a tmpfs is gone once the child is. */
static const char lock_script[] =
  "mode=$1 dir=$2; shift 2\n"
  "case $mode in\n"
  "  ro) mount --bind \"$dir\" \"$dir\" && mount -o remount,bind,ro \"$dir\" \"$dir\" || exit 125 ;;\n"
  "  tmpfs) mount -t tmpfs -o size=" G_STRINGIFY (FULL_DISK_KB) "k tmpfs \"$dir\" || exit 125 ;;\n"
  "esac\n"
  "\"$@\"\n"
  "status=$?\n"
  "find \"$dir\" -mindepth 1\n"
  "exit $status\n";

static const char *
lock_method_name (LockMethod method)
{
  switch (method)
    {
    case LOCK_MOUNT:
      return "a read-only bind mount in a mount namespace";
    case LOCK_SETPRIV:
      return "setpriv to nobody and chmod 0555";
    case LOCK_CHMOD:
      return "chmod 0555";
    case LOCK_NONE:
    default:
      return "none";
    }
}

/* The argv up to the command: the folder @dir set up as @mode ("ro", "tmpfs" or "none"). */
static GPtrArray *
lock_argv (LockMethod  method,
           const char *mode,
           const char *dir)
{
  GPtrArray *argv = g_ptr_array_new ();

  if (method == LOCK_MOUNT)
    {
      g_ptr_array_add (argv, (char *) "unshare");
      if (geteuid () != 0)
        {
          g_ptr_array_add (argv, (char *) "--user");
          g_ptr_array_add (argv, (char *) "--map-root-user");
        }
      g_ptr_array_add (argv, (char *) "--mount");
      g_ptr_array_add (argv, (char *) "--propagation");
      g_ptr_array_add (argv, (char *) "private");
    }
  else if (method == LOCK_SETPRIV)
    {
      g_ptr_array_add (argv, (char *) "setpriv");
      g_ptr_array_add (argv, (char *) "--reuid=65534");
      g_ptr_array_add (argv, (char *) "--regid=65534");
      g_ptr_array_add (argv, (char *) "--clear-groups");
      mode = "none";
    }
  else
    {
      mode = "none";
    }
  g_ptr_array_add (argv, (char *) "sh");
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, (char *) lock_script);
  g_ptr_array_add (argv, (char *) "sh");
  g_ptr_array_add (argv, (char *) mode);
  g_ptr_array_add (argv, (char *) dir);
  return argv;
}

/* Makes @dir unwritable the way @method needs before the child starts. */
static void
lock_prepare (LockMethod  method,
              const char *dir)
{
  if (method == LOCK_SETPRIV || method == LOCK_CHMOD)
    g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
}

static gboolean
lock_method_works (LockMethod method)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *top = g_dir_make_tmp ("test-download-lock-XXXXXX", &error);
  g_autofree char *dir = g_build_filename (top, "locked", NULL);
  g_autofree char *probe = g_build_filename (dir, "probe", NULL);
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  gboolean works;

  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (top, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  lock_prepare (method, dir);

  /* The program must be reachable, the folder must refuse a file. */
  argv = lock_argv (method, "ro", dir);
  g_ptr_array_add (argv, (char *) "sh");
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, (char *) "test -x \"$0\" && ! touch \"$1\" 2>/dev/null");
  g_ptr_array_add (argv, (char *) TCIA_BASKET);
  g_ptr_array_add (argv, probe);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  works = process != NULL && g_subprocess_wait (process, NULL, NULL) &&
          g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0 &&
          !g_file_test (probe, G_FILE_TEST_EXISTS);

  g_chmod (dir, 0755);
  tcia_extract_remove_tree (top, NULL);
  return works;
}

static LockMethod
lock_method (void)
{
  static LockMethod method = LOCK_NONE;
  static gboolean probed = FALSE;

  if (!probed)
    {
      LockMethod candidates[] = { LOCK_MOUNT, geteuid () == 0 ? LOCK_SETPRIV : LOCK_CHMOD };
      /* To try the fallbacks on a machine where namespaces work. */
      const char *only = g_getenv ("TEST_DOWNLOAD_LOCK");

      if (g_strcmp0 (only, "fallback") == 0)
        candidates[0] = candidates[1];
      probed = TRUE;
      for (guint i = 0; i < G_N_ELEMENTS (candidates) && method == LOCK_NONE; i++)
        if (lock_method_works (candidates[i]))
          method = candidates[i];
    }
  return method;
}

typedef struct
{
  int   status;
  char *out;    /* what was left in the folder, one path a line */
  char *err;
} LockedRun;

static void
locked_run_clear (LockedRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LockedRun, locked_run_clear)

/* The headless download of @manifest into @output, with @dir set up as
 * @mode ("ro" or "tmpfs") by @method. */
static void
run_cli_locked (LockedRun  *run,
                LockMethod  method,
                const char *mode,
                const char *dir,
                const char *manifest,
                const char *output)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = lock_argv (method, mode, dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *download = g_strconcat ("--download=", manifest, NULL);
  g_autofree char *out = g_strconcat ("--output=", output, NULL);
  g_autofree char *api = g_strconcat ("--api-url=", url_v4, NULL);

  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_setenv (launcher, "TCIA_TEST_RETRY_DELAY_MS", "10", TRUE);
  g_ptr_array_add (argv, (char *) TCIA_BASKET);
  g_ptr_array_add (argv, api);
  g_ptr_array_add (argv, download);
  g_ptr_array_add (argv, out);
  g_ptr_array_add (argv, (char *) "--jobs=2");
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  g_test_message ("exit status %d; stderr:\n%s", run->status, run->err);
  /* The folder could not be set up after the probe said it could. */
  g_assert_cmpint (run->status, !=, 125);
}

static gboolean
skip_without_lock (void)
{
  if (lock_method () != LOCK_NONE)
    {
      g_test_message ("read-only folders by %s", lock_method_name (lock_method ()));
      return FALSE;
    }
  g_test_skip ("no way to make a folder read-only here: as root this needs mount namespaces "
               "(unshare --mount) or setpriv; unprivileged, user namespaces or chmod");
  return TRUE;
}

/* The top of the test's folder, reachable by nobody when the child runs as nobody. */
static void
open_fixture_dir (Fixture *f)
{
  g_assert_cmpint (g_chmod (f->dest, 0755), ==, 0);
}

/* A destination that cannot be written to is an unusable DIR: exit status 2
 * and one line naming it and saying why, before anything is fetched. */
static void
test_read_only_destination (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *manifest = write_manifest (f);
  g_autofree char *out = g_build_filename (f->dest, "out", NULL);
  g_auto(LockedRun) run = { 0 };
  g_autoptr(GDir) dir = NULL;
  g_autofree char *line = NULL;
  guint requests = fake_nbia_get_request_count (fake, "getImage");

  if (skip_without_lock ())
    return;
  open_fixture_dir (f);
  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);
  lock_prepare (lock_method (), out);

  run_cli_locked (&run, lock_method (), "ro", out, manifest, out);

  g_assert_cmpint (run.status, ==, 2);
  g_assert_true (g_str_has_suffix (run.err, "\n"));
  line = g_strndup (run.err, strlen (run.err) - 1);
  g_assert_null (strchr (line, '\n'));
  g_assert_true (g_str_has_prefix (line, "tcia-basket: "));
  g_assert_nonnull (strstr (line, out));
  g_assert_nonnull (strstr (line, "read-only"));
  /* Nothing was fetched, nothing was written. */
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getImage"), ==, requests);
  g_assert_cmpstr (run.out, ==, "");
  g_chmod (out, 0755);
  dir = g_dir_open (out, 0, NULL);
  g_assert_nonnull (dir);
  g_assert_null (g_dir_read_name (dir));
}

/* A collection's folder that cannot be written to: its series fail, each
 * named, saying the destination is read-only; the others complete; exit
 * status 1; no .part folder and no row for what failed. */
static void
test_read_only_collection (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *manifest = write_manifest (f);
  g_autofree char *out = g_build_filename (f->dest, "out", NULL);
  g_autofree char *csv = g_build_filename (out, TCIA_METADATA_CSV_NAME, NULL);
  g_autoptr(GHashTable) rows = NULL;
  g_auto(LockedRun) run = { 0 };
  g_autofree char *locked = NULL;
  g_autofree char *collection = NULL;
  g_autoptr(GDir) dir = NULL;
  FakeNbiaSeriesInfo first;
  guint n_locked = 0;

  if (skip_without_lock ())
    return;
  open_fixture_dir (f);
  fake_nbia_get_series (fake, 0, &first);
  collection = g_strdup (first.collection);
  g_assert_cmpint (g_mkdir (out, 0777), ==, 0);
  /* As the child may be nobody, who must write the rest. */
  g_assert_cmpint (g_chmod (out, 0777), ==, 0);
  {
    g_autofree char *component = tcia_layout_sanitize_component (collection);

    locked = g_build_filename (out, component, NULL);
  }
  g_assert_cmpint (g_mkdir (locked, 0755), ==, 0);
  lock_prepare (lock_method (), locked);

  run_cli_locked (&run, lock_method (), "ro", locked, manifest, out);

  g_assert_cmpint (run.status, ==, 1);
  rows = read_metadata_rows (csv);
  for (guint i = 0; i < 12; i++)
    {
      FakeNbiaSeriesInfo info;
      g_autofree char *failed = NULL;

      fake_nbia_get_series (fake, i, &info);
      failed = g_strdup_printf ("series %s failed: ", info.series_uid);
      if (g_strcmp0 (info.collection, collection) == 0)
        {
          const char *line = strstr (run.err, failed);
          g_autofree char *message = NULL;

          n_locked++;
          g_assert_nonnull (line);
          message = g_strndup (line, strcspn (line, "\n"));
          g_assert_nonnull (strstr (message, locked));
          g_assert_nonnull (strstr (message, "read-only"));
          g_assert_false (g_hash_table_contains (rows, info.series_uid));
        }
      else
        {
          g_assert_null (strstr (run.err, failed));
          g_assert_true (g_hash_table_contains (rows, info.series_uid));
        }
    }
  g_assert_cmpuint (n_locked, >, 0);
  g_assert_cmpuint (g_hash_table_size (rows), ==, 12 - n_locked);
  {
    g_autofree char *summary = g_strdup_printf ("%u of 12 series complete", 12 - n_locked);

    g_assert_nonnull (strstr (run.err, summary));
  }
  g_assert_cmpstr (run.out, ==, "");
  g_chmod (locked, 0755);
  dir = g_dir_open (locked, 0, NULL);
  g_assert_nonnull (dir);
  g_assert_null (g_dir_read_name (dir));
  assert_no_leftovers (out);
}

/* A disk that fills up for real (a small tmpfs, ENOSPC rather than the
 * EFBIG of RLIMIT_FSIZE): the series that do not fit fail, saying the disk
 * is full; exit status 1; no .part folder left. */
static void
test_full_disk_tmpfs (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *manifest = write_manifest (f);
  g_autofree char *out = g_build_filename (f->dest, "out", NULL);
  g_auto(LockedRun) run = { 0 };

  if (lock_method () != LOCK_MOUNT)
    {
      g_test_skip ("mounting a tmpfs needs mount namespaces (/core/download/full-disk covers "
                   "RLIMIT_FSIZE)");
      return;
    }
  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);

  run_cli_locked (&run, LOCK_MOUNT, "tmpfs", out, manifest, out);

  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, " failed: "));
  g_assert_nonnull (strstr (run.err, "disk is full"));
  g_assert_nonnull (strstr (run.err, "series complete"));
  /* run.out lists what the tmpfs held at the end. */
  g_assert_null (strstr (run.out, ".part"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  fake = download_test_start_server (&url_v4);

  DOWNLOAD_TEST ("/core/download/cli/read-only-destination", test_read_only_destination, NULL);
  DOWNLOAD_TEST ("/core/download/cli/read-only-collection", test_read_only_collection, NULL);
  DOWNLOAD_TEST ("/core/download/cli/full-disk-tmpfs", test_full_disk_tmpfs, NULL);

  return download_test_run (fake, url_v4);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The command line's headless download: killed and resumed, interrupted,
 * without checksums, and failing. */

#include "config.h"

#include "download-test-util.h"

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Every file under @dir with its MD5, and metadata.csv without timestamps. */
static void
describe_tree (GString    *out,
               const char *root,
               const char *rel)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child_rel = g_build_filename (rel, names->pdata[i], NULL);
      g_autofree char *child = g_build_filename (root, child_rel, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          describe_tree (out, root, child_rel);
          continue;
        }
      g_assert_true (g_file_get_contents (child, &contents, &len, NULL));
      if (strcmp (child_rel, "./metadata.csv") == 0)
        {
          g_auto(GStrv) lines = g_strsplit (contents, "\r\n", -1);
          g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);

          for (guint j = 0; lines[j] != NULL; j++)
            {
              char *last = strrchr (lines[j], ',');
              if (last != NULL)
                *last = '\0';   /* the timestamp differs, of course */
              g_ptr_array_add (rows, g_strdup (lines[j]));
            }
          g_ptr_array_sort (rows, compare_strings);
          for (guint j = 0; j < rows->len; j++)
            g_string_append_printf (out, "csv %s\n", (char *) rows->pdata[j]);
          continue;
        }
      /* The m.tcia the test wrote; the lock holds the process ID. */
      if (strcmp (child_rel, "./m.tcia") == 0 || strcmp (child_rel, "./.tcia-basket/lock") == 0)
        continue;
      {
        g_autofree char *md5 = g_compute_checksum_for_data (G_CHECKSUM_MD5, (guchar *) contents, len);
        g_string_append_printf (out, "%s %s\n", md5, child_rel);
      }
    }
}

static void
test_cli_kill_and_resume (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *manifest = write_manifest (f);
  g_autofree char *whole = g_build_filename (f->dest, "whole", NULL);
  g_autofree char *killed = g_build_filename (f->dest, "killed", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GString) a = g_string_new (NULL);
  g_autoptr(GString) b = g_string_new (NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = g_build_filename (killed, "metadata.csv", NULL);
  gint64 deadline;

  g_assert_cmpint (run_cli (manifest, whole, &err), ==, 0);
  g_assert_nonnull (strstr (err, "12 of 12 series complete"));
  g_clear_pointer (&err, g_free);

  /* Slow enough to be killed halfway. */
  fake_nbia_set_latency (fake, 150);
  process = spawn_cli (manifest, killed, &error);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (count_rows (killed) < 3 && g_get_monotonic_time () < deadline)
    g_usleep (20 * 1000);
  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, NULL);
  fake_nbia_set_latency (fake, 0);
  g_assert_cmpuint (count_rows (killed), <, 12);

  g_assert_cmpint (run_cli (manifest, killed, &err), ==, 0);
  g_assert_nonnull (strstr (err, "already there"));

  describe_tree (a, whole, ".");
  describe_tree (b, killed, ".");
  g_assert_cmpstr (a->str, ==, b->str);
  assert_no_leftovers (killed);
}

static void
test_cli_failures (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *manifest = write_manifest (f);
  g_autofree char *out = g_build_filename (f->dest, "out", NULL);
  g_autofree char *err = NULL;
  FakeNbiaSeriesInfo info;
  g_autofree char *line = NULL;

  fake_nbia_get_series (fake, 4, &info);
  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_ESCAPING_ENTRY, 0, info.series_uid);
  g_assert_cmpint (run_cli (manifest, out, &err), ==, 1);
  line = g_strdup_printf ("series %s failed: ", info.series_uid);
  g_assert_nonnull (strstr (err, line));
  g_assert_nonnull (strstr (err, "11 of 12 series complete"));
  g_clear_pointer (&err, g_free);
  fake_nbia_clear_faults (fake);

  /* Bad usage and bad input are 2. */
  {
    g_autofree char *missing = g_build_filename (f->dest, "missing.tcia", NULL);
    g_assert_cmpint (run_cli (missing, out, &err), ==, 2);
    g_clear_pointer (&err, g_free);
  }
  {
    g_autofree char *file_as_dir = g_build_filename (manifest, "sub", NULL);
    g_assert_cmpint (run_cli (manifest, file_as_dir, &err), ==, 2);
    g_assert_nonnull (strstr (err, "cannot download into"));
    g_clear_pointer (&err, g_free);
  }
}

/* --no-verify: the server is not asked for md5hashes.csv (so a wrong one
 * cannot fail a series) and every image is still there; without it, the
 * same wrong checksums fail every series. */
static void
test_cli_no_verify (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *manifest = write_manifest (f);
  g_autofree char *checked = g_build_filename (f->dest, "checked", NULL);
  g_autofree char *unchecked = g_build_filename (f->dest, "unchecked", NULL);
  g_autofree char *csv = g_build_filename (unchecked, TCIA_METADATA_CSV_NAME, NULL);
  g_autofree char *err = NULL;
  g_autoptr(GHashTable) rows = NULL;

  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_WRONG_MD5, 0, NULL);
  g_assert_cmpint (run_cli (manifest, checked, &err), ==, 1);
  g_assert_nonnull (strstr (err, "0 of 12 series complete"));
  g_assert_nonnull (strstr (err, "MD5 checksum does not match"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli_full (manifest, unchecked, "--no-verify", &err), ==, 0);
  g_assert_nonnull (strstr (err, "12 of 12 series complete"));
  fake_nbia_clear_faults (fake);

  rows = read_metadata_rows (csv);
  g_assert_cmpuint (g_hash_table_size (rows), ==, 12);
  for (guint i = 0; i < 12; i++)
    {
      FakeNbiaSeriesInfo info;
      const char *location;
      g_autofree char *dir = NULL;
      g_autofree char *md5_csv = NULL;
      g_autoptr(GDir) listing = NULL;
      const char *name;
      guint n_dicom = 0;

      fake_nbia_get_series (fake, i, &info);
      location = g_hash_table_lookup (rows, info.series_uid);
      g_assert_nonnull (location);
      dir = g_build_filename (unchecked, location, NULL);
      md5_csv = g_build_filename (dir, "md5hashes.csv", NULL);
      g_assert_false (g_file_test (md5_csv, G_FILE_TEST_EXISTS));
      listing = g_dir_open (dir, 0, NULL);
      g_assert_nonnull (listing);
      while ((name = g_dir_read_name (listing)) != NULL)
        if (g_str_has_suffix (name, ".dcm"))
          n_dicom++;
      g_assert_cmpuint (n_dicom, ==, info.image_count);
    }
  assert_no_leftovers (f->dest);
}

/* Ctrl-C halfway: exit status 130 and a summary saying so; the series being
 * fetched leave no .part folder, those complete stay complete with whole
 * rows; the same command again completes the rest. */
static void
test_cli_interrupt (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *manifest = write_manifest (f);
  g_autofree char *out = g_build_filename (f->dest, "out", NULL);
  g_autofree char *csv_path = g_build_filename (out, TCIA_METADATA_CSV_NAME, NULL);
  g_autofree char *csv = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) rows = NULL;
  g_autoptr(GPtrArray) records = NULL;
  GHashTableIter iter;
  gpointer uid, location;
  gint64 deadline;
  guint n_rows;

  /* Slow enough to be interrupted with series in flight. */
  fake_nbia_set_latency (fake, 150);
  process = spawn_cli (manifest, out, &error);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while ((count_rows (out) < 2 || !has_part_folder (out)) &&
         g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_true (has_part_folder (out));
  g_subprocess_send_signal (process, SIGINT);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  fake_nbia_set_latency (fake, 0);
  g_test_message ("stderr:\n%s", err);

  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 130);
  g_assert_nonnull (strstr (err, "Interrupted: "));
  g_assert_nonnull (strstr (err, "not downloaded"));
  assert_no_leftovers (out);

  /* Every row whole, each for a series whose folder is complete. */
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_true (g_str_has_suffix (csv, "\r\n"));
  records = read_metadata_records (csv_path);
  for (guint i = 0; i < records->len; i++)
    g_assert_cmpuint (((GPtrArray *) records->pdata[i])->len, ==, 17);
  rows = read_metadata_rows (csv_path);
  n_rows = g_hash_table_size (rows);
  g_assert_cmpuint (n_rows, >=, 2);
  g_assert_cmpuint (n_rows, <, 12);
  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, &uid, &location))
    {
      gint index = fake_nbia_find_series (fake, uid);
      FakeNbiaSeriesInfo info;
      g_autofree char *dir = NULL;

      g_assert_cmpint (index, >=, 0);
      fake_nbia_get_series (fake, index, &info);
      g_assert_cmpstr (location, !=, "");
      dir = g_build_filename (out, (char *) location, NULL);
      g_assert_true (tcia_extract_verify_dir (dir, info.image_count, NULL, &error));
      g_assert_no_error (error);
    }

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (manifest, out, &err), ==, 0);
  g_assert_nonnull (strstr (err, "12 of 12 series complete"));
  {
    g_autofree char *there = g_strdup_printf ("(%u already there)", n_rows);

    g_assert_nonnull (strstr (err, there));
  }
  g_assert_cmpuint (count_rows (out), ==, 12);
  assert_no_leftovers (out);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  fake = download_test_start_server (&url_v4);

  DOWNLOAD_TEST ("/core/download/cli/kill-and-resume", test_cli_kill_and_resume, NULL);
  DOWNLOAD_TEST ("/core/download/cli/interrupt", test_cli_interrupt, NULL);
  DOWNLOAD_TEST ("/core/download/cli/no-verify", test_cli_no_verify, NULL);
  DOWNLOAD_TEST ("/core/download/cli/failures", test_cli_failures, NULL);

  return download_test_run (fake, url_v4);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cli-test-util.h"
#include "fake-idc.h"
#include "tcia-extract.h"
#include "unit-test-util.h"

/* IDC's s5cmd manifests on the command line, against the fake NBIA server
 * and the fake IDC serving the same archive: `--download=x.s5cmd` looks
 * the folders up in IDC once and fetches them from IDC's buckets; a folder
 * IDC does not know is named and makes the run fail. */

#define UNKNOWN_UUID "00000000-1111-4222-8333-444444444444"

typedef struct
{
  FakeNbia *nbia;
  FakeIdc  *idc;
  char     *nbia_url;
  char     *api_url;
  char     *bucket_url;
  char     *dir;       /* the manifest's folder */
  char     *dest;      /* the download folder */
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FakeIdcOptions options;

  f->nbia = download_test_start_server (&f->nbia_url);
  fake_idc_options_init (&options);
  options.retry_after_s = 0;
  f->idc = fake_idc_new (&options);
  g_assert_true (fake_idc_start_in_thread (f->idc, 0, 0, &error));
  g_assert_no_error (error);
  f->api_url = fake_idc_get_api_url (f->idc);
  f->bucket_url = fake_idc_get_bucket_url (f->idc);
  f->dir = g_dir_make_tmp ("test-cli-s5cmd-XXXXXX", &error);
  g_assert_no_error (error);
  f->dest = g_build_filename (f->dir, "out", NULL);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  tcia_extract_remove_tree (f->dir, NULL);
  g_free (f->dir);
  g_free (f->dest);
  g_free (f->api_url);
  g_free (f->bucket_url);
  fake_idc_free (f->idc);
  fake_nbia_free (f->nbia);
  g_free (f->nbia_url);
}

/* The first @n small series IDC has now, as portal lines. */
static GString *
portal_manifest (FakeIdcArchive *archive,
                 guint           n,
                 GPtrArray      *uids)
{
  GString *text = g_string_new ("# s5cmd --no-sign-request --endpoint-url "
                                "https://s3.amazonaws.com run x.s5cmd\n");

  for (guint i = 0; i < fake_idc_archive_get_n_series (archive) && uids->len < n; i++)
    {
      const FakeIdcSeries *s = fake_idc_archive_get_series (archive, i);

      if (s->n_objects > 4)
        continue;
      g_string_append_printf (text, "cp s3://%s/%s/* .\n", s->bucket, s->series_uuid);
      g_ptr_array_add (uids, (gpointer) s->series_uid);
    }
  return text;
}

static char *
write_file (Fixture    *f,
            const char *name,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
download (Fixture    *f,
          const char *manifest,
          Run        *run)
{
  g_autofree char *download_opt = option ("download", manifest);
  g_autofree char *output_opt = option ("output", f->dest);
  g_autofree char *api_opt = option ("api-url", f->nbia_url);
  g_autofree char *idc_opt = option ("idc-api-url", f->api_url);
  g_autofree char *bucket_opt = option ("idc-bucket-url", f->bucket_url);

  run_cli (run, download_opt, output_opt, api_opt, idc_opt, bucket_opt, "--layout=classic");
}

/* Series a manifest names are in metadata.csv. */
static void
assert_downloaded (Fixture   *f,
                   GPtrArray *uids)
{
  g_autofree char *csv = g_build_filename (f->dest, "metadata.csv", NULL);
  g_autoptr(GHashTable) rows = read_metadata_rows (csv);

  for (guint i = 0; i < uids->len; i++)
    g_assert_true (g_hash_table_contains (rows, g_ptr_array_index (uids, i)));
  g_assert_cmpuint (g_hash_table_size (rows), ==, uids->len);
}

/* A portal manifest: every series from IDC, looked up once (one query for
 * "index", none for older releases, none from the download). */
static void
test_download (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  g_autoptr(GString) text = portal_manifest (fake_idc_get_archive (f->idc), 3, uids);
  g_autofree char *manifest = write_file (f, "cohort.s5cmd", text->str);
  g_auto(Run) run = { 0 };

  download (f, manifest, &run);
  if (run.status != 0)
    g_error ("tcia-basket failed (%d): %s", run.status, run.err);
  g_assert_nonnull (strstr (run.err, "3 of 3 series complete"));
  g_assert_nonnull (strstr (run.err, "3 from IDC"));
  g_assert_cmpuint (fake_idc_get_request_count (f->idc, "sql"), ==, 1);
  assert_downloaded (f, uids);
}

/* An older release's folder, a folder IDC never had, a bad line. */
static void
test_unknown_and_prior (Fixture       *f,
                        gconstpointer  data)
{
  FakeIdcArchive *archive = fake_idc_get_archive (f->idc);
  const char *prior_uid = fake_idc_archive_get_prior_only_uid (archive);
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  g_autoptr(GString) text = portal_manifest (archive, 1, uids);
  g_autofree char *manifest = NULL;
  g_auto(Run) run = { 0 };

  for (guint i = 0; i < fake_idc_archive_get_n_prior (archive); i++)
    {
      const FakeIdcSeries *s = fake_idc_archive_get_prior (archive, i);

      if (g_str_equal (s->series_uid, prior_uid))
        g_string_append_printf (text, "s3://%s/%s/*\n", s->bucket, s->series_uuid);
    }
  g_ptr_array_add (uids, (gpointer) prior_uid);
  g_string_append (text, "cp s3://idc-open-data/" UNKNOWN_UUID "/* .\n");
  manifest = write_file (f, "mixed.s5cmd", text->str);

  download (f, manifest, &run);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "IDC does not know the series folder "
                                     "s3://idc-open-data/" UNKNOWN_UUID));
  g_assert_nonnull (strstr (run.err, "2 of 3 series complete"));
  g_assert_nonnull (strstr (run.err, "1 failed"));
  /* "index", then prior_versions_index for the two it lacks. */
  g_assert_cmpuint (fake_idc_get_request_count (f->idc, "sql"), ==, 2);
  assert_downloaded (f, uids);

  /* A line that is not understood: nothing downloaded, the line named. */
  g_string_append (text, "cp s3://idc-open-data/" UNKNOWN_UUID "/ .\n");
  g_free (manifest);
  manifest = write_file (f, "bad.s5cmd", text->str);
  run_clear (&run);
  download (f, manifest, &run);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "bad.s5cmd, line "));
  g_assert_nonnull (strstr (run.err, "s5cmd would copy nothing"));
}

/* The whole archive listed as an s5cmd manifest, then downloaded from it:
 * every series comes back, from IDC where it has them, from NBIA where
 * the manifest's comments say IDC lacks them. */
static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  FakeIdcArchive *archive = fake_idc_get_archive (f->idc);
  g_autofree char *api_opt = option ("api-url", f->nbia_url);
  g_autofree char *idc_opt = option ("idc-api-url", f->api_url);
  g_autofree char *manifest = NULL;
  g_autofree char *csv = g_build_filename (f->dest, "metadata.csv", NULL);
  g_autofree char *summary = NULL;
  g_autoptr(GHashTable) rows = NULL;
  g_auto(Run) run = { 0 };
  guint n = fake_nbia_get_n_series (f->nbia);
  guint n_lacking = 0;

  run_cli (&run, "--list=series", "--format=s5cmd", api_opt, idc_opt);
  g_assert_cmpint (run.status, ==, 0);
  for (guint i = 0; i < n; i++)
    {
      FakeNbiaSeriesInfo info;
      const FakeIdcSeries *s;
      g_autofree char *line = NULL;

      fake_nbia_get_series (f->nbia, i, &info);
      s = fake_idc_archive_lookup (archive, info.series_uid);
      if (s == NULL && g_strcmp0 (info.series_uid,
                                  fake_idc_archive_get_prior_only_uid (archive)) != 0)
        {
          line = g_strdup_printf ("# Not in IDC (download these from TCIA): %s\n",
                                  info.series_uid);
          n_lacking++;
        }
      else if (s != NULL)
        {
          line = g_strdup_printf ("cp s3://%s/%s/* .\n", s->bucket, s->series_uuid);
        }
      if (line != NULL)
        g_assert_nonnull (strstr (run.out, line));
    }
  g_assert_cmpuint (n_lacking, >, 0);
  manifest = write_file (f, "all.s5cmd", run.out);

  run_clear (&run);
  download (f, manifest, &run);
  if (run.status != 0)
    g_error ("tcia-basket failed (%d): %s", run.status, run.err);
  summary = g_strdup_printf ("%u of %u series complete", n, n);
  g_assert_nonnull (strstr (run.err, summary));
  g_clear_pointer (&summary, g_free);
  summary = g_strdup_printf ("%u from IDC, %u from NBIA", n - n_lacking, n_lacking);
  g_assert_nonnull (strstr (run.err, summary));
  rows = read_metadata_rows (csv);
  g_assert_cmpuint (g_hash_table_size (rows), ==, n);
}

/* IDC's API down: a manifest of IDC folders cannot be read, and says so. */
static void
test_api_down (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  g_autoptr(GString) text = portal_manifest (fake_idc_get_archive (f->idc), 1, uids);
  g_autofree char *manifest = write_file (f, "down.s5cmd", text->str);
  g_autofree char *csv = g_build_filename (f->dest, "metadata.csv", NULL);
  g_auto(Run) run = { 0 };

  fake_idc_set_fault (f->idc, FAKE_IDC_FAULT_API_503, 0, "sql");
  download (f, manifest, &run);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "IDC’s API at 127.0.0.1"));
  g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/cli/s5cmd/" path, Fixture, NULL, setup, func, teardown)
  ADD ("download", test_download);
  ADD ("unknown-and-prior", test_unknown_and_prior);
  ADD ("round-trip", test_round_trip);
  ADD ("api-down", test_api_down);
#undef ADD

  return g_test_run ();
}

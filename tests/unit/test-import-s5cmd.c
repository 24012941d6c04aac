/* SPDX-License-Identifier: GPL-3.0-or-later */

/* IDC's s5cmd manifests (idc-api.md §5.1): every line form the portal, the
 * API, BigQuery and idc-index write, and the lines that are not understood,
 * each reported with its line number rather than dropped. */

#include "config.h"

#include <string.h>

#include "tcia-import.h"

#define UUID_A "6079cc3b-4b0f-41ec-bdbb-c6e754e88229"
#define UUID_B "a1e77e5c-299f-49ef-a659-f4484e0cedd2"
#define UUID_C "28dfda52-b261-4505-bb06-824d5a9b1f90"

static TciaImportFile *
parse (const char  *text,
       GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return tcia_import_parse_bytes (bytes, "cohort.s5cmd", TCIA_IMPORT_FORMAT_AUTO,
                                  TCIA_IMPORT_FLAGS_NONE, error);
}

/* The file is an s5cmd manifest naming exactly @uuids (with @buckets). */
static void
assert_series (TciaImportFile     *file,
               const char * const *uuids,
               const char * const *buckets)
{
  const char * const *got = tcia_import_file_get_idc_series_uuids (file);
  const char * const *got_buckets = tcia_import_file_get_idc_buckets (file);
  guint n = g_strv_length ((char **) uuids);

  g_assert_cmpint (tcia_import_file_get_format (file), ==, TCIA_IMPORT_FORMAT_S5CMD);
  g_assert_cmpuint (tcia_import_file_get_n_idc_series (file), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpstr (got[i], ==, uuids[i]);
      g_assert_cmpstr (got_buckets[i], ==, buckets[i]);
    }
  g_assert_null (got[n]);
  g_assert_null (got_buckets[n]);
  /* The UIDs are not known before IDC says them. */
  g_assert_cmpuint (tcia_import_file_get_n_uids (file), ==, 0);
  g_assert_null (tcia_import_file_get_uids (file)[0]);
}

/* @text parses as an s5cmd manifest naming @uuids in @buckets. */
static TciaImportFile *
parse_series (const char         *text,
              const char * const *uuids,
              const char * const *buckets)
{
  g_autoptr(GError) error = NULL;
  TciaImportFile *file = parse (text, &error);

  g_assert_no_error (error);
  assert_series (file, uuids, buckets);
  return file;
}

static void
test_portal (void)
{
  static const char text[] =
    "# To download the files in this manifest, first install s5cmd (https://github.com/peak/s5cmd),\n"
    "# then run the following command:\n"
    "# s5cmd --no-sign-request --endpoint-url https://s3.amazonaws.com run cohorts_996_20230504_80755_aws.s5cmd\n"
    "cp s3://idc-open-data/" UUID_A "/* .\n"
    "cp s3://idc-open-data/" UUID_B "/* .\n";
  const char *uuids[] = { UUID_A, UUID_B, NULL };
  const char *buckets[] = { "idc-open-data", "idc-open-data", NULL };
  g_autoptr(TciaImportFile) file = parse_series (text, uuids, buckets);

  g_assert_cmpstr (tcia_import_file_get_header (file, "endpoint-url"), ==,
                   "https://s3.amazonaws.com");
  g_assert_cmpuint (tcia_import_file_get_n_duplicates (file), ==, 0);
}

/* The GCS variant of 2023: another bucket name and endpoint, CRLF. */
static void
test_gcs (void)
{
  static const char text[] =
    "# s5cmd --no-sign-request --endpoint-url https://storage.googleapis.com run x_gcs.s5cmd\r\n"
    "cp s3://public-datasets-idc/" UUID_A "/* .\r\n";
  const char *uuids[] = { UUID_A, NULL };
  const char *buckets[] = { "public-datasets-idc", NULL };
  g_autoptr(TciaImportFile) file = parse_series (text, uuids, buckets);

  g_assert_cmpstr (tcia_import_file_get_header (file, "endpoint-url"), ==,
                   "https://storage.googleapis.com");
}

/* BigQuery's column header, double spaces, idc-index's quoted
 * destinations and sync, mixed buckets, an upper-case UUID. */
static void
test_other_forms (void)
{
  static const char text[] =
    "study_manifest_cp_command\n"
    "cp s3://idc-open-data/" UUID_A "/*  .\n"
    "sync s3://idc-open-data-two/" UUID_B "/* \"/tmp/my dir/x\"\n"
    "cp --show-progress s3://idc-open-data-cr/28DFDA52-B261-4505-BB06-824D5A9B1F90/* '.'\n";
  const char *uuids[] = { UUID_A, UUID_B, UUID_C, NULL };
  const char *buckets[] = { "idc-open-data", "idc-open-data-two", "idc-open-data-cr", NULL };
  g_autoptr(TciaImportFile) file = parse_series (text, uuids, buckets);

}

/* The API's manifest.txt: bare addresses. */
static void
test_bare (void)
{
  static const char text[] =
    "s3://idc-open-data/" UUID_A "/*\n"
    "\n"
    "s3://idc-open-data/" UUID_B "/*\n";
  const char *uuids[] = { UUID_A, UUID_B, NULL };
  const char *buckets[] = { "idc-open-data", "idc-open-data", NULL };
  g_autoptr(TciaImportFile) file = parse_series (text, uuids, buckets);

}

/* Per-instance lines: the series is the folder; each series once, a
 * repeated object or series line counts as a duplicate. */
static void
test_instances_and_duplicates (void)
{
  static const char text[] =
    "cp s3://idc-open-data/" UUID_A "/e740f507-0387-4d39-a09c-8527fac58c52.dcm .\n"
    "cp s3://idc-open-data/" UUID_A "/f740f507-0387-4d39-a09c-8527fac58c52.dcm .\n"
    "cp s3://idc-open-data/" UUID_A "/e740f507-0387-4d39-a09c-8527fac58c52.dcm .\n"
    "cp s3://idc-open-data/" UUID_B "/* .\n"
    "cp s3://idc-open-data/" UUID_B "/* .\n"
    "s3://idc-open-data/" UUID_A "/*\n";
  const char *uuids[] = { UUID_A, UUID_B, NULL };
  const char *buckets[] = { "idc-open-data", "idc-open-data", NULL };
  g_autoptr(TciaImportFile) file = parse_series (text, uuids, buckets);

  g_assert_cmpuint (tcia_import_file_get_n_duplicates (file), ==, 3);
}

/* Every bad line is named with its number and why; the file fails. */
static void
test_bad_lines (void)
{
  static const char text[] =
    "# fine\n"
    "cp s3://idc-open-data/" UUID_A "/* .\n"
    "cp s3://Bad_Bucket/" UUID_B "/* .\n"             /* 3: upper case */
    "cp s3://idc-open-data/not-a-uuid/* .\n"          /* 4 */
    "cp s3://idc-open-data/" UUID_B "/ .\n"           /* 5: copies nothing */
    "rm s3://idc-open-data/" UUID_B "/*\n"            /* 6 */
    "cp ./local s3://idc-open-data/" UUID_B "/\n"     /* 7: an upload */
    "cp s3://idc-open-data/" UUID_B "/a/b.dcm .\n"    /* 8 */
    "cp s3://idc-open-data/" UUID_B "/* \"open\n";    /* 9 */
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = parse (text, &error);
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  g_assert_null (file);
  g_assert_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_INVALID_LINE);
  g_assert_nonnull (strstr (error->message, "cohort.s5cmd, line 3: “Bad_Bucket” is not a valid bucket name"));
  g_assert_nonnull (strstr (error->message, "cohort.s5cmd, line 4: “not-a-uuid” is not an IDC series folder"));
  g_assert_nonnull (strstr (error->message, "cohort.s5cmd, line 5:"));
  g_assert_nonnull (strstr (error->message, "s5cmd would copy nothing"));
  g_assert_nonnull (strstr (error->message, "cohort.s5cmd, line 6:"));
  g_assert_nonnull (strstr (error->message, "cohort.s5cmd, line 7:"));
  g_assert_nonnull (strstr (error->message, "and 2 more lines that are not understood"));
  g_assert_null (strstr (error->message, "line 2:"));

  /* "Import the rest anyway": the good line, the bad ones as warnings. */
  g_clear_error (&error);
  file = tcia_import_parse_bytes (bytes, "cohort.s5cmd", TCIA_IMPORT_FORMAT_AUTO,
                                  TCIA_IMPORT_FLAGS_SKIP_INVALID_LINES, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_file_get_n_idc_series (file), ==, 1);
  g_assert_cmpuint (tcia_import_file_get_n_skipped_lines (file), ==, 7);
  g_assert_nonnull (strstr (tcia_import_file_get_warnings (file)[0], "line 3"));
}

/* A later line that is not s5cmd (a UID pasted in) is bad, not skipped;
 * a column header anywhere but first is bad; an IP address is no bucket. */
static void
test_junk (void)
{
  static const char *const texts[] = {
    "cp s3://idc-open-data/" UUID_A "/* .\n1.2.3.4\n",
    "cp s3://idc-open-data/" UUID_A "/* .\nstudy_manifest_cp_command\n",
    "cp s3://192.168.1.2/" UUID_A "/* .\n",
    "cp s3://idc-open-data/" UUID_A "/* . extra\n",
    "cp s3://idc-open-data/" UUID_A "\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TciaImportFile) file = parse (texts[i], &error);

      g_assert_null (file);
      g_assert_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_INVALID_LINE);
      g_assert_nonnull (strstr (error->message, i < 2 ? "line 2:" : "line 1:"));
    }
}

/* What our export lists as not in IDC comes back as UIDs; a comment of
 * that form without a UID is a bad line, not a silent loss. */
static void
test_not_in_idc (void)
{
  static const char text[] =
    "# s5cmd --no-sign-request --endpoint-url https://s3.amazonaws.com run basket.s5cmd\n"
    "cp s3://idc-open-data/" UUID_A "/* .\n"
    "#\n"
    "# Not in IDC (download these from TCIA): 1.2.840.1\n"
    "# Not in IDC (download these from TCIA): 1.2.840.2\n"
    "# Not in IDC (download these from TCIA): 1.2.840.1\n";
  const char *uuids[] = { UUID_A, NULL };
  const char *buckets[] = { "idc-open-data", NULL };
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(TciaImportFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bad = NULL;

  file = tcia_import_parse_bytes (bytes, "basket.s5cmd", TCIA_IMPORT_FORMAT_AUTO,
                                  TCIA_IMPORT_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_file_get_n_idc_series (file), ==, 1);
  g_assert_cmpstr (tcia_import_file_get_idc_series_uuids (file)[0], ==, uuids[0]);
  g_assert_cmpstr (tcia_import_file_get_idc_buckets (file)[0], ==, buckets[0]);
  g_assert_cmpuint (tcia_import_file_get_n_uids (file), ==, 2);
  g_assert_cmpstr (tcia_import_file_get_uids (file)[0], ==, "1.2.840.1");
  g_assert_cmpstr (tcia_import_file_get_uids (file)[1], ==, "1.2.840.2");
  g_assert_cmpuint (tcia_import_file_get_n_duplicates (file), ==, 1);

  /* A basket IDC has none of: only comments, still an s5cmd manifest. */
  g_clear_pointer (&file, tcia_import_file_unref);
  file = parse ("# s5cmd --no-sign-request run b.s5cmd\n"
                "# Not in IDC (download these from TCIA): 1.2.840.1\n", &error);
  g_assert_no_error (error);
  g_assert_cmpint (tcia_import_file_get_format (file), ==, TCIA_IMPORT_FORMAT_S5CMD);
  g_assert_cmpuint (tcia_import_file_get_n_uids (file), ==, 1);
  g_assert_cmpuint (tcia_import_file_get_n_idc_series (file), ==, 0);

  g_clear_pointer (&file, tcia_import_file_unref);
  bad = g_strconcat (text, "# Not in IDC (download these from TCIA): (not a series UID)\n", NULL);
  file = parse (bad, &error);
  g_assert_null (file);
  g_assert_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_INVALID_LINE);
  g_assert_nonnull (strstr (error->message, "line 7:"));
}

/* Only comments and a header: no series, said so. */
static void
test_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = parse ("# s5cmd run x\nstudy_manifest_cp_command\n", &error);

  g_assert_null (file);
  g_assert_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_EMPTY);
  g_assert_nonnull (strstr (error->message, "names no IDC series"));
}

/* Other formats keep their meaning, and have no IDC series. */
static void
test_not_s5cmd (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = parse ("# a list\n1.2.3\n1.2.4\n", &error);

  g_assert_no_error (error);
  g_assert_cmpint (tcia_import_file_get_format (file), ==, TCIA_IMPORT_FORMAT_UID_LIST);
  g_assert_cmpuint (tcia_import_file_get_n_uids (file), ==, 2);
  g_assert_cmpuint (tcia_import_file_get_n_idc_series (file), ==, 0);
  g_assert_null (tcia_import_file_get_idc_series_uuids (file)[0]);
}

/* The sample files (they also seed the fuzzing corpus): each line form
 * of idc-api.md §5.1, and hand-edited lines named by number. */
static void
test_data_files (void)
{
  static const struct
  {
    const char *name;
    guint       n_series;
  } files[] = {
    { "portal-aws.s5cmd", 3 },
    { "bigquery-gcs.s5cmd", 2 },
    { "idc-api-manifest.txt", 2 },
    { "idc-index.s5cmd", 2 },
    { "per-instance.s5cmd", 1 },
  };
  g_autofree char *bad_path = g_build_filename (TCIA_SRCDIR, "tests", "data", "import",
                                               "bad-lines.s5cmd", NULL);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad_path);
  g_autoptr(TciaImportFile) bad = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (TCIA_SRCDIR, "tests", "data", "import",
                                                files[i].name, NULL);
      g_autoptr(GFile) gfile = g_file_new_for_path (path);
      g_autoptr(TciaImportFile) file = NULL;

      file = tcia_import_parse_file (gfile, TCIA_IMPORT_FORMAT_AUTO, TCIA_IMPORT_FLAGS_NONE,
                                     NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (tcia_import_file_get_format (file), ==, TCIA_IMPORT_FORMAT_S5CMD);
      g_assert_cmpuint (tcia_import_file_get_n_idc_series (file), ==, files[i].n_series);
    }

  bad = tcia_import_parse_file (bad_file, TCIA_IMPORT_FORMAT_AUTO, TCIA_IMPORT_FLAGS_NONE, NULL,
                                &error);
  g_assert_null (bad);
  g_assert_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_INVALID_LINE);
  g_assert_cmpstr (error->message, ==,
                   "bad-lines.s5cmd, line 3: the series folder “a1e77e5c-299f-49ef-a659-f4484e0cedd2” "
                   "is named without “/*”: s5cmd would copy nothing\n"
                   "bad-lines.s5cmd, line 4: “IDC_OPEN” is not a valid bucket name");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/import-s5cmd/portal", test_portal);
  g_test_add_func ("/core/import-s5cmd/gcs", test_gcs);
  g_test_add_func ("/core/import-s5cmd/other-forms", test_other_forms);
  g_test_add_func ("/core/import-s5cmd/bare", test_bare);
  g_test_add_func ("/core/import-s5cmd/instances-and-duplicates", test_instances_and_duplicates);
  g_test_add_func ("/core/import-s5cmd/bad-lines", test_bad_lines);
  g_test_add_func ("/core/import-s5cmd/junk", test_junk);
  g_test_add_func ("/core/import-s5cmd/not-in-idc", test_not_in_idc);
  g_test_add_func ("/core/import-s5cmd/empty", test_empty);
  g_test_add_func ("/core/import-s5cmd/not-s5cmd", test_not_s5cmd);
  g_test_add_func ("/core/import-s5cmd/data-files", test_data_files);

  return g_test_run ();
}

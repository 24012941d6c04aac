/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Import files (manifests, UID lists, CSV/TSV) and the resolver that turns
 * their UIDs into series in a basket, against the in-process fake NBIA. */

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fake-nbia.h"
#include "tcia-basket.h"
#include "tcia-import.h"
#include "tcia-manifest.h"
#include "unit-test-util.h"

#define UID_A "1.3.6.1.4.1.14519.5.2.1.2932.1975.258485580179562855968279889580"
#define UID_B "1.3.6.1.4.1.14519.5.2.1.2932.1975.828151202600553380765273057255"
#define UID_C "1.3.6.1.4.1.9328.50.4.0001.3.1"

/* tcia-api.md §5.1, verbatim. */
static const char real_manifest[] =
  "downloadServerUrl=https://public.cancerimagingarchive.net/nbia-download/servlet/DownloadServlet\n"
  "includeAnnotation=true\n"
  "noOfrRetry=4\n"
  "databasketId=manifest-1561766528292.tcia\n"
  "manifestVersion=3.0\n"
  "ListOfSeriesToDownload=\n"
  UID_A "\n"
  UID_B "\n";

static const char nlst_manifest[] =
  "downloadServerUrl=https://nlst.cancerimagingarchive.net/nbia-download/servlet/DownloadServlet\n"
  "includeAnnotation=true\n"
  "noOfrRetry=10\n"
  "databasketId=manifest-1561766528292.tcia\n"
  "manifestVersion=3.0\n"
  "ListOfSeriesToDownload=\n"
  UID_A "\n"
  UID_B "\n";

/* ---- Helpers ------------------------------------------------------------------ */

static TciaImportFile *
parse_len (const char        *text,
           gsize              len,
           const char        *name,
           TciaImportFormat   format,
           TciaImportFlags    flags,
           GError           **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, len);

  return tcia_import_parse_bytes (bytes, name, format, flags, error);
}

static TciaImportFile *
parse (const char  *text,
       const char  *name,
       GError     **error)
{
  return parse_len (text, strlen (text), name, TCIA_IMPORT_FORMAT_AUTO,
                    TCIA_IMPORT_FLAGS_NONE, error);
}

static void
assert_uids (TciaImportFile *file,
             ...)
{
  const char * const *uids = tcia_import_file_get_uids (file);
  const char *expected;
  guint i = 0;
  va_list args;

  va_start (args, file);
  while ((expected = va_arg (args, const char *)) != NULL)
    {
      g_assert_nonnull (uids[i]);
      g_assert_cmpstr (uids[i], ==, expected);
      i++;
    }
  va_end (args);

  g_assert_null (uids[i]);
  g_assert_cmpuint (tcia_import_file_get_n_uids (file), ==, i);
}

/* The error is @code, names the file and contains each of the NULL-terminated strings. */
static void
assert_error (GError     *error,
              int         code,
              const char *name,
              ...)
{
  const char *part;
  va_list args;

  g_assert_error (error, TCIA_IMPORT_ERROR, code);
  g_assert_nonnull (strstr (error->message, name));

  va_start (args, name);
  while ((part = va_arg (args, const char *)) != NULL)
    if (strstr (error->message, part) == NULL)
      g_error ("“%s” is not in the message “%s”", part, error->message);
  va_end (args);
}

static char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "import", name, NULL);
}

/* ---- Manifests ------------------------------------------------------------------ */

static void
test_manifest_real (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = parse (real_manifest, "manifest-1561766528292.tcia", &error);

  g_assert_no_error (error);
  g_assert_cmpint (tcia_import_file_get_format (file), ==, TCIA_IMPORT_FORMAT_MANIFEST);
  assert_uids (file, UID_A, UID_B, NULL);
  g_assert_cmpstr (tcia_import_file_get_header (file, "downloadServerUrl"), ==,
                   "https://public.cancerimagingarchive.net/nbia-download/servlet/DownloadServlet");
  g_assert_cmpstr (tcia_import_file_get_header (file, "includeAnnotation"), ==, "true");
  g_assert_cmpstr (tcia_import_file_get_header (file, "noOfrRetry"), ==, "4");
  g_assert_cmpstr (tcia_import_file_get_header (file, "databasketId"), ==,
                   "manifest-1561766528292.tcia");
  g_assert_cmpstr (tcia_import_file_get_header (file, "manifestVersion"), ==, "3.0");
  g_assert_null (tcia_import_file_get_header (file, "ListOfSeriesToDownload"));
  g_assert_cmpuint (tcia_import_file_get_n_duplicates (file), ==, 0);
  g_assert_null (tcia_import_file_get_uid_column (file));
  g_assert_cmpuint (g_list_model_get_n_items (tcia_import_file_get_hints (file)), ==, 0);
}

static void
test_manifest_nlst (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = parse (nlst_manifest, "nlst.tcia", &error);

  g_assert_no_error (error);
  assert_uids (file, UID_A, UID_B, NULL);
  g_assert_cmpstr (tcia_import_file_get_header (file, "downloadServerUrl"), ==,
                   "https://nlst.cancerimagingarchive.net/nbia-download/servlet/DownloadServlet");
  g_assert_cmpstr (tcia_import_file_get_header (file, "noOfrRetry"), ==, "10");
}

/* The files under tests/data/import, good and bad; they also seed the fuzzing corpus. */
static void
test_manifest_data_files (void)
{
  static const struct
  {
    const char *name;
    guint       n_uids;
    TciaImportFormat format;
  } files[] = {
    { "real.tcia", 2, TCIA_IMPORT_FORMAT_MANIFEST },
    { "nlst.tcia", 2, TCIA_IMPORT_FORMAT_MANIFEST },
    { "crlf-bom-trailing.tcia", 3, TCIA_IMPORT_FORMAT_MANIFEST },
    { "bare-list.txt", 3, TCIA_IMPORT_FORMAT_UID_LIST },
    { "portal-cart.csv", 3, TCIA_IMPORT_FORMAT_CSV },
    { "portal-cart-old.csv", 2, TCIA_IMPORT_FORMAT_CSV },
    { "series-uid.tsv", 2, TCIA_IMPORT_FORMAT_TSV },
    { "quoted.csv", 2, TCIA_IMPORT_FORMAT_CSV },
  };
  static const struct
  {
    const char *name;
    int         code;
  } bad_files[] = {
    { "bad-junk-lines.tcia", TCIA_IMPORT_ERROR_INVALID_LINE },
    { "bad-latin1.csv", TCIA_IMPORT_ERROR_INVALID_UTF8 },
    { "bad-no-uid-column.csv", TCIA_IMPORT_ERROR_NO_UID_COLUMN },
    { "bad-unterminated.csv", TCIA_IMPORT_ERROR_MALFORMED_CSV },
    { "bad-empty.tcia", TCIA_IMPORT_ERROR_EMPTY },
    { "bad-binary.tcia", TCIA_IMPORT_ERROR_NOT_TEXT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = data_path (files[i].name);
      g_autoptr(GFile) gfile = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      g_autoptr(TciaImportFile) file = NULL;

      file = tcia_import_parse_file (gfile, TCIA_IMPORT_FORMAT_AUTO, TCIA_IMPORT_FLAGS_NONE,
                                     NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (tcia_import_file_get_n_uids (file), ==, files[i].n_uids);
      g_assert_cmpint (tcia_import_file_get_format (file), ==, files[i].format);
      g_assert_cmpstr (tcia_import_file_get_display_name (file), ==, files[i].name);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autofree char *path = data_path (bad_files[i].name);
      g_autoptr(GFile) gfile = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      g_autoptr(TciaImportFile) file = NULL;

      file = tcia_import_parse_file (gfile, TCIA_IMPORT_FORMAT_AUTO, TCIA_IMPORT_FLAGS_NONE,
                                     NULL, &error);
      g_assert_null (file);
      assert_error (error, bad_files[i].code, bad_files[i].name, NULL);
    }
}

static void
test_manifest_crlf_bom_spaces (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) crlf = NULL;
  g_autoptr(TciaImportFile) bom = NULL;
  g_autoptr(TciaImportFile) spaces = NULL;
  g_autoptr(TciaImportFile) cr = NULL;

  crlf = parse ("downloadServerUrl=https://x/\r\nincludeAnnotation=false\r\n"
                "ListOfSeriesToDownload=\r\n" UID_A "\r\n" UID_B "\r\n", "crlf.tcia", &error);
  g_assert_no_error (error);
  assert_uids (crlf, UID_A, UID_B, NULL);
  g_assert_cmpstr (tcia_import_file_get_header (crlf, "downloadServerUrl"), ==, "https://x/");
  g_assert_cmpstr (tcia_import_file_get_header (crlf, "includeAnnotation"), ==, "false");

  bom = parse ("\xef\xbb\xbf" "downloadServerUrl=https://x/\nListOfSeriesToDownload=\n"
               UID_A "\n", "bom.tcia", &error);
  g_assert_no_error (error);
  g_assert_cmpint (tcia_import_file_get_format (bom), ==, TCIA_IMPORT_FORMAT_MANIFEST);
  assert_uids (bom, UID_A, NULL);

  /* Trailing spaces and tabs, blank lines, a header key in another case. */
  spaces = parse ("downloadServerUrl = https://x/  \nlistofseriestodownload= \t\n\n"
                  "  " UID_A " \t\n\n" UID_B "   \n\n", "spaces.tcia", &error);
  g_assert_no_error (error);
  assert_uids (spaces, UID_A, UID_B, NULL);
  g_assert_cmpstr (tcia_import_file_get_header (spaces, "downloadServerUrl"), ==, "https://x/");

  /* Old Mac line ends, no final line end. */
  cr = parse ("downloadServerUrl=https://x/\rListOfSeriesToDownload=\r" UID_A "\r" UID_B,
              "cr.tcia", &error);
  g_assert_no_error (error);
  assert_uids (cr, UID_A, UID_B, NULL);
}

static void
test_manifest_bare_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;
  g_autoptr(TciaImportFile) one = NULL;

  file = parse ("\n" UID_A "\r\n# a comment\n" UID_B "\n" UID_A "\n" UID_C "\n", "uids.txt",
                &error);
  g_assert_no_error (error);
  g_assert_cmpint (tcia_import_file_get_format (file), ==, TCIA_IMPORT_FORMAT_UID_LIST);
  assert_uids (file, UID_A, UID_B, UID_C, NULL);
  g_assert_cmpuint (tcia_import_file_get_n_duplicates (file), ==, 1);

  one = parse ("1.2.3", "one.txt", &error);
  g_assert_no_error (error);
  assert_uids (one, "1.2.3", NULL);
}

static void
test_manifest_list_on_one_line (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;

  file = parse ("manifestVersion=1.0\nListOfSeriesToDownload=" UID_A ", " UID_B "\n" UID_C "\n",
                "old.tcia", &error);
  g_assert_no_error (error);
  assert_uids (file, UID_A, UID_B, UID_C, NULL);
  g_assert_cmpstr (tcia_import_file_get_header (file, "manifestVersion"), ==, "1.0");
}

/* cat a.tcia b.tcia > both.tcia */
static void
test_manifest_joined (void)
{
  g_autofree char *joined = g_strconcat (real_manifest, nlst_manifest, UID_C "\n", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;
  g_autoptr(TciaImportFile) quoted = NULL;

  file = parse (joined, "both.tcia", &error);
  g_assert_no_error (error);
  assert_uids (file, UID_A, UID_B, UID_C, NULL);
  g_assert_cmpuint (tcia_import_file_get_n_duplicates (file), ==, 2);
  g_assert_cmpstr (tcia_import_file_get_header (file, "noOfrRetry"), ==, "4");
  g_clear_pointer (&file, tcia_import_file_unref);

  /* Other key=value lines after the list are junk all the same. */
  file = parse ("ListOfSeriesToDownload=\n" UID_A "\nfoo=bar\n", "foo.tcia", &error);
  g_assert_null (file);
  assert_error (error, TCIA_IMPORT_ERROR_INVALID_LINE, "foo.tcia", "line 3: “foo=bar”", NULL);
  g_clear_error (&error);

  /* A one-column spreadsheet without a header: quoted UIDs. */
  quoted = parse ("\"" UID_A "\"\r\n\"" UID_B "\"\r\n", "quoted.txt", &error);
  g_assert_no_error (error);
  assert_uids (quoted, UID_A, UID_B, NULL);
}

/* What the writer writes, the parser reads back. */
static void
test_manifest_round_trip (void)
{
  const char *uids[] = { UID_A, UID_B, UID_C, "1.2.840.10008.1.2", NULL };
  TciaManifestOptions options;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(TciaImportFile) file = NULL;

  tcia_manifest_options_init (&options);
  options.include_annotation = TRUE;
  options.retries = 7;
  options.timestamp_ms = G_GINT64_CONSTANT (1561766528292);
  options.download_server_url = "https://nlst.cancerimagingarchive.net/nbia-download/servlet/"
                                "DownloadServlet";

  text = tcia_manifest_to_string (uids, &options, &error);
  g_assert_no_error (error);
  file = parse (text, "written.tcia", &error);
  g_assert_no_error (error);

  g_assert_cmpint (tcia_import_file_get_format (file), ==, TCIA_IMPORT_FORMAT_MANIFEST);
  assert_uids (file, UID_A, UID_B, UID_C, "1.2.840.10008.1.2", NULL);
  g_assert_cmpstr (tcia_import_file_get_header (file, "downloadServerUrl"), ==,
                   options.download_server_url);
  g_assert_cmpstr (tcia_import_file_get_header (file, "includeAnnotation"), ==, "true");
  g_assert_cmpstr (tcia_import_file_get_header (file, "noOfrRetry"), ==, "7");
  g_assert_cmpstr (tcia_import_file_get_header (file, "databasketId"), ==,
                   "manifest-1561766528292.tcia");
  g_assert_cmpstr (tcia_import_file_get_header (file, "manifestVersion"), ==,
                   TCIA_MANIFEST_VERSION);
}

static void
test_manifest_utf16 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;
  g_autofree char *utf16 = NULL;
  gsize len = 0;

  /* Notepad's "Unicode": UTF-16LE with a BOM. */
  utf16 = g_convert ("\xef\xbb\xbf" "downloadServerUrl=https://x/\r\nListOfSeriesToDownload=\r\n"
                     UID_A "\r\n", -1, "UTF-16LE", "UTF-8", NULL, &len, &error);
  g_assert_no_error (error);
  file = parse_len (utf16, len, "notepad.tcia", TCIA_IMPORT_FORMAT_AUTO,
                    TCIA_IMPORT_FLAGS_NONE, &error);
  g_assert_no_error (error);
  assert_uids (file, UID_A, NULL);
}

/* A manifest of 100,000 UIDs parses whole (and fast; no clock is asserted). */
static void
test_manifest_large (void)
{
  g_autoptr(GString) text = g_string_new ("downloadServerUrl=https://x/\nListOfSeriesToDownload=\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;
  const char * const *uids;

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (text, "1.3.6.1.4.1.14519.5.2.1.99.%u.%u\n", i / 1000, i);

  file = parse (text->str, "big.tcia", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_file_get_n_uids (file), ==, 100000);
  uids = tcia_import_file_get_uids (file);
  g_assert_cmpstr (uids[0], ==, "1.3.6.1.4.1.14519.5.2.1.99.0.0");
  g_assert_cmpstr (uids[99999], ==, "1.3.6.1.4.1.14519.5.2.1.99.99.99999");
}

/* ---- CSV and TSV ---------------------------------------------------------------------- */

static void
test_csv_series_instance_uid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;
  g_autoptr(TciaSeries) hint = NULL;
  GListModel *hints;

  /* The portal's current cart spreadsheet. */
  file = parse ("Collection,PatientID,SeriesInstanceUID,ImageCount,FileSize\r\n"
                "4D-Lung,100_HM10395," UID_A ",50,26405888\r\n"
                "4D-Lung,100_HM10395," UID_B ",48,25273786\r\n",
                "cart.csv", &error);
  g_assert_no_error (error);
  g_assert_cmpint (tcia_import_file_get_format (file), ==, TCIA_IMPORT_FORMAT_CSV);
  g_assert_cmpstr (tcia_import_file_get_uid_column (file), ==, "SeriesInstanceUID");
  assert_uids (file, UID_A, UID_B, NULL);

  hints = tcia_import_file_get_hints (file);
  g_assert_cmpuint (g_list_model_get_n_items (hints), ==, 2);
  hint = g_list_model_get_item (hints, 1);
  g_assert_cmpstr (tcia_series_get_series_uid (hint), ==, UID_B);
  g_assert_cmpstr (tcia_series_get_collection (hint), ==, "4D-Lung");
  g_assert_cmpstr (tcia_series_get_patient_id (hint), ==, "100_HM10395");
  g_assert_cmpuint (tcia_series_get_image_count (hint), ==, 48);
  g_assert_cmpuint (tcia_series_get_file_size (hint), ==, 25273786);
}

static void
test_csv_series_uid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;

  file = parse ("\"Series UID\",\"Collection\"\n\"" UID_A "\",\"RIDER Lung CT\"\n", "a.csv",
                &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tcia_import_file_get_uid_column (file), ==, "Series UID");
  assert_uids (file, UID_A, NULL);
}

static void
test_csv_series_id_old_portal (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;
  g_autoptr(TciaSeries) hint = NULL;

  file = parse ("Collection Name,Subject ID,Series ID,Number of images,File Size (Bytes)\n"
                "RIDER Lung CT,RIDER-1129164940," UID_A ",1,528026\n"
                "\n"
                "RIDER Lung CT,RIDER-1129164940," UID_B ",96,50692316\n",
                "old-cart.csv", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tcia_import_file_get_uid_column (file), ==, "Series ID");
  assert_uids (file, UID_A, UID_B, NULL);

  hint = g_list_model_get_item (tcia_import_file_get_hints (file), 1);
  g_assert_cmpstr (tcia_series_get_collection (hint), ==, "RIDER Lung CT");
  g_assert_cmpstr (tcia_series_get_patient_id (hint), ==, "RIDER-1129164940");
  g_assert_cmpuint (tcia_series_get_image_count (hint), ==, 96);
  g_assert_cmpuint (tcia_series_get_file_size (hint), ==, 50692316);
}

static void
test_csv_quoted (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;
  g_autoptr(TciaSeries) first = NULL;
  g_autoptr(TciaSeries) second = NULL;

  /* Commas, quotes and line breaks inside quoted fields; a Series Instance
   * UID column spelt with spaces, in another case. */
  file = parse ("SeriesDescription,\" series instance uid \",Collection\n"
                "\"P4^P100, Gated, 0.0%\",\"" UID_A "\",\"4D-Lung\"\n"
                "\"two\nlines, and \"\"quotes\"\"\"," UID_B ",x\n",
                "quoted.csv", &error);
  g_assert_no_error (error);
  assert_uids (file, UID_A, UID_B, NULL);

  first = g_list_model_get_item (tcia_import_file_get_hints (file), 0);
  second = g_list_model_get_item (tcia_import_file_get_hints (file), 1);
  g_assert_cmpstr (tcia_series_get_series_description (first), ==, "P4^P100, Gated, 0.0%");
  g_assert_cmpstr (tcia_series_get_series_description (second), ==,
                   "two\nlines, and \"quotes\"");
}

/* Line numbers count the physical lines, also inside quoted fields. */
static void
test_csv_line_numbers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;

  file = parse ("Note,SeriesInstanceUID\n"
                "\"a\nb\nc\"," UID_A "\n"
                "fine," UID_B "\n"
                "bad,hello\n", "lines.csv", &error);
  g_assert_null (file);
  assert_error (error, TCIA_IMPORT_ERROR_INVALID_LINE, "lines.csv",
                "line 6", "“hello”", "SeriesInstanceUID", NULL);
}

static void
test_csv_tsv (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;
  g_autoptr(TciaImportFile) semicolon = NULL;
  g_autoptr(TciaImportFile) single = NULL;
  g_autoptr(TciaSeries) hint = NULL;

  file = parse ("PatientID\tSeriesInstanceUID\tModality\n"
                "P1\t" UID_A "\tCT, contrast\n"
                "P2\t" UID_B "\tMR\n", "list.tsv", &error);
  g_assert_no_error (error);
  g_assert_cmpint (tcia_import_file_get_format (file), ==, TCIA_IMPORT_FORMAT_TSV);
  assert_uids (file, UID_A, UID_B, NULL);
  hint = g_list_model_get_item (tcia_import_file_get_hints (file), 0);
  g_assert_cmpstr (tcia_series_get_modality (hint), ==, "CT, contrast");

  /* What a spreadsheet in a comma-decimal locale writes. */
  semicolon = parse ("PatientID;Series UID\nP1;" UID_A "\n", "excel.csv", &error);
  g_assert_no_error (error);
  assert_uids (semicolon, UID_A, NULL);

  single = parse ("SeriesInstanceUID\n" UID_A "\n" UID_B "\n", "single.csv", &error);
  g_assert_no_error (error);
  g_assert_cmpint (tcia_import_file_get_format (single), ==, TCIA_IMPORT_FORMAT_CSV);
  assert_uids (single, UID_A, UID_B, NULL);
}

/* ---- Bad input -------------------------------------------------------------------------- */

static void
test_bad_random_50mb (void)
{
  gsize len = 50 * 1024 * 1024;
  g_autofree guint32 *data = g_new (guint32, len / 4);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;
  guint8 *bytes = (guint8 *) data;

  for (gsize i = 0; i < len / 4; i++)
    data[i] = g_rand_int (rand);

  file = parse_len ((const char *) data, len, "random.bin", TCIA_IMPORT_FORMAT_AUTO,
                    TCIA_IMPORT_FLAGS_NONE, &error);
  g_assert_null (file);
  assert_error (error, TCIA_IMPORT_ERROR_NOT_TEXT, "random.bin", NULL);
  g_clear_error (&error);

  /* The same without a single NUL byte, and forced to be read as CSV. */
  for (gsize i = 0; i < len; i++)
    if (bytes[i] == 0)
      bytes[i] = 1;
  file = parse_len ((const char *) data, len, "random.csv", TCIA_IMPORT_FORMAT_CSV,
                    TCIA_IMPORT_FLAGS_NONE, &error);
  g_assert_null (file);
  assert_error (error, TCIA_IMPORT_ERROR_NOT_TEXT, "random.csv", NULL);
}

static void
test_bad_binary (void)
{
  /* The start of a PNG, then a UID: binary all the same. */
  static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\n" UID_A "\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;

  file = parse_len (png, sizeof png - 1, "image.tcia", TCIA_IMPORT_FORMAT_AUTO,
                    TCIA_IMPORT_FLAGS_SKIP_INVALID_LINES, &error);
  g_assert_null (file);
  assert_error (error, TCIA_IMPORT_ERROR_NOT_TEXT, "image.tcia", NULL);
}

static void
test_bad_too_large (void)
{
  gsize len = TCIA_IMPORT_MAX_SIZE + 1;
  g_autofree char *data = g_malloc (len);
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) gfile = NULL;
  int fd;

  memset (data, '1', len);
  file = parse_len (data, len, "huge.tcia", TCIA_IMPORT_FORMAT_AUTO,
                    TCIA_IMPORT_FLAGS_NONE, &error);
  g_assert_null (file);
  assert_error (error, TCIA_IMPORT_ERROR_TOO_LARGE, "huge.tcia", NULL);
  g_clear_error (&error);

  /* A file that large is refused before it is read (a sparse file here). */
  dir = g_dir_make_tmp ("test-import-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "huge.tcia", NULL);
  fd = g_open (path, O_CREAT | O_WRONLY, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) TCIA_IMPORT_MAX_SIZE * 2), ==, 0);
  close (fd);
  gfile = g_file_new_for_path (path);
  file = tcia_import_parse_file (gfile, TCIA_IMPORT_FORMAT_AUTO, TCIA_IMPORT_FLAGS_NONE, NULL,
                                 &error);
  g_assert_null (file);
  assert_error (error, TCIA_IMPORT_ERROR_TOO_LARGE, "huge.tcia", NULL);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_bad_no_uid_column (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;

  file = parse ("\n\nCollection,Subject ID,Modality\nRIDER Lung CT,RIDER-1,CT\n",
                "patients.csv", &error);
  g_assert_null (file);
  assert_error (error, TCIA_IMPORT_ERROR_NO_UID_COLUMN, "patients.csv",
                "line 3", "“Collection”", "“Subject ID”", "“Modality”", "SeriesInstanceUID",
                NULL);
}

static void
test_bad_invalid_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;

  /* Latin-1, as a spreadsheet saved "CSV (Windows)" has it. */
  file = parse ("SeriesInstanceUID,Description\r\n" UID_A ",fine\r\n" UID_B ",T\xe9te\r\n",
                "latin1.csv", &error);
  g_assert_null (file);
  assert_error (error, TCIA_IMPORT_ERROR_INVALID_UTF8, "latin1.csv", "line 3", "UTF-8", NULL);
  g_clear_error (&error);

  file = parse (UID_A "\n" UID_B "\xff\n", "uids.tcia", &error);
  g_assert_null (file);
  assert_error (error, TCIA_IMPORT_ERROR_INVALID_UTF8, "uids.tcia", "line 2", NULL);
}

static void
test_bad_empty (void)
{
  static const char *empties[] = {
    "", "\n\n  \r\n\t\n", "\xef\xbb\xbf",
    "downloadServerUrl=https://x/\nListOfSeriesToDownload=\n",
    "SeriesInstanceUID,Collection\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (empties); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TciaImportFile) file = NULL;

      file = parse (empties[i], "empty.tcia", &error);
      g_assert_null (file);
      assert_error (error, TCIA_IMPORT_ERROR_EMPTY, "empty.tcia", NULL);
    }
}

static void
test_bad_junk_lines (void)
{
  g_autoptr(GString) text = g_string_new ("downloadServerUrl=https://x/\nListOfSeriesToDownload=\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;
  const char * const *warnings;

  g_string_append (text, UID_A "\n");                        /* line 3 */
  g_string_append (text, "hello\n");                         /* line 4 */
  g_string_append (text, UID_B "\n");                        /* line 5 */
  g_string_append (text, "1.2.3.\n");                        /* line 6 */
  g_string_append (text, "1..2\n");                          /* line 7 */
  g_string_append (text, "1.2.3 1.2.4\n");                   /* line 8 */
  g_string_append (text, "key=value\n");                     /* line 9 */
  g_string_append (text, "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25.26\n");
  for (guint i = 0; i < 10; i++)
    g_string_append (text, "junk\n");

  file = parse (text->str, "series.tcia", &error);
  g_assert_null (file);
  assert_error (error, TCIA_IMPORT_ERROR_INVALID_LINE, "series.tcia",
                "series.tcia, line 4: “hello” is not a series UID",
                "line 6: “1.2.3.”", "line 7: “1..2”", "line 8: “1.2.3 1.2.4”",
                "line 9: “key=value”", "and 11 more lines", NULL);
  g_assert_null (strstr (error->message, "line 3"));
  g_clear_error (&error);

  /* "Import the rest anyway". */
  file = parse_len (text->str, text->len, "series.tcia", TCIA_IMPORT_FORMAT_AUTO,
                    TCIA_IMPORT_FLAGS_SKIP_INVALID_LINES, &error);
  g_assert_no_error (error);
  assert_uids (file, UID_A, UID_B, NULL);
  g_assert_cmpuint (tcia_import_file_get_n_skipped_lines (file), ==, 16);
  warnings = tcia_import_file_get_warnings (file);
  g_assert_cmpstr (warnings[0], ==, "series.tcia, line 4: “hello” is not a series UID");
  g_assert_cmpstr (warnings[4], ==, "series.tcia, line 9: “key=value” is not a series UID");
  g_assert_null (warnings[5]);
  g_clear_pointer (&file, tcia_import_file_unref);

  /* 65 characters: digits and dots, but longer than DICOM allows. */
  file = parse (UID_A "\n1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25\n",
                "long.tcia", &error);
  g_assert_null (file);
  assert_error (error, TCIA_IMPORT_ERROR_INVALID_LINE, "long.tcia", "line 2",
                "longer than a series UID can be (64 characters)", NULL);
  g_clear_error (&error);

  /* Nothing valid at all: an error even when skipping. */
  file = parse_len ("hello\nworld\n", 12, "words.txt", TCIA_IMPORT_FORMAT_AUTO,
                    TCIA_IMPORT_FLAGS_SKIP_INVALID_LINES, &error);
  g_assert_null (file);
  assert_error (error, TCIA_IMPORT_ERROR_INVALID_LINE, "words.txt", "line 1: “hello”",
                "line 2: “world”", NULL);
}

static void
test_bad_junk_shown_short (void)
{
  g_autoptr(GString) text = g_string_new (UID_A "\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;

  /* A very long line is named, not copied into the message whole. */
  g_string_append (text, "\x01");
  for (guint i = 0; i < 10000; i++)
    g_string_append (text, "é");
  file = parse (text->str, "long.txt", &error);
  g_assert_null (file);
  assert_error (error, TCIA_IMPORT_ERROR_INVALID_LINE, "long.txt", "line 2", "…", NULL);
  g_assert_cmpuint (strlen (error->message), <, 300);
  g_assert_null (strchr (error->message, '\x01'));
}

static void
test_bad_csv (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;
  g_autoptr(GString) wide = g_string_new ("SeriesInstanceUID");

  file = parse ("SeriesInstanceUID,Note\n" UID_A ",\"fine\"\n" UID_B ",\"never\nends\n",
                "open.csv", &error);
  g_assert_null (file);
  assert_error (error, TCIA_IMPORT_ERROR_MALFORMED_CSV, "open.csv", "line 3", NULL);
  g_clear_error (&error);

  file = parse ("SeriesInstanceUID,Collection\n" UID_A ",a\n,b\nnot-a-uid,c\n",
                "rows.csv", &error);
  g_assert_null (file);
  assert_error (error, TCIA_IMPORT_ERROR_INVALID_LINE, "rows.csv",
                "line 3: no series UID in column “SeriesInstanceUID”",
                "line 4: “not-a-uid” in column “SeriesInstanceUID”", NULL);
  g_clear_error (&error);

  for (guint i = 0; i < 5000; i++)
    g_string_append_c (wide, ',');
  file = parse (wide->str, "wide.csv", &error);
  g_assert_null (file);
  assert_error (error, TCIA_IMPORT_ERROR_MALFORMED_CSV, "wide.csv", "line 1", NULL);
}

static void
test_parse_file_missing (void)
{
  g_autoptr(GFile) gfile = g_file_new_for_path ("/nonexistent/dir/none.tcia");
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;

  file = tcia_import_parse_file (gfile, TCIA_IMPORT_FORMAT_AUTO, TCIA_IMPORT_FLAGS_NONE, NULL,
                                 &error);
  g_assert_null (file);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_parse_file_async (void)
{
  g_autofree char *path = data_path ("real.tcia");
  g_autoptr(GFile) gfile = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;

  tcia_import_parse_file_async (gfile, TCIA_IMPORT_FORMAT_AUTO, TCIA_IMPORT_FLAGS_NONE, NULL,
                                store_result_cb, &result);
  wait_for (&result);
  file = tcia_import_parse_file_finish (result, &error);
  g_assert_no_error (error);
  assert_uids (file, UID_A, UID_B, NULL);
}

/* ---- Resolving against the fake server ----------------------------------------------------- */

typedef struct
{
  FakeNbia   *fake;
  TciaClient *client;
  TciaBasket *basket;
  guint       n_changes;
} Fixture;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  Fixture *f = user_data;

  f->n_changes++;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  FakeNbiaOptions options;

  fake_nbia_options_init (&options);
  f->fake = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (f->fake, 0, &error));
  g_assert_no_error (error);

  url = fake_nbia_get_url (f->fake, GPOINTER_TO_UINT (data) == 1 ? 1 : 4);
  f->client = tcia_client_new (url, &error);
  g_assert_no_error (error);
  tcia_client_set_retry_policy (f->client, 2, 1, 5);

  f->basket = tcia_basket_new (NULL);
  g_signal_connect (f->basket, "items-changed", G_CALLBACK (items_changed_cb), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->basket);
  g_clear_object (&f->client);
  g_clear_pointer (&f->fake, fake_nbia_free);
}

static const char *
fake_uid (Fixture *f,
          guint    index)
{
  FakeNbiaSeriesInfo info;

  fake_nbia_get_series (f->fake, index, &info);

  return info.series_uid;
}

typedef struct
{
  guint n_calls;
  guint last_done;
  guint total;
  guint n_main_loop_runs;   /* of an idle, between progress reports */
  gboolean cancel_after_first_chunk;
  GCancellable *cancellable;
} Progress;

static void
progress_cb (guint    n_done,
             guint    n_total,
             gpointer user_data)
{
  Progress *progress = user_data;

  if (progress->n_calls > 0)
    g_assert_cmpuint (n_done, >=, progress->last_done);
  g_assert_cmpuint (n_done, <=, n_total);
  progress->n_calls++;
  progress->last_done = n_done;
  progress->total = n_total;

  if (progress->cancel_after_first_chunk && n_done > 0)
    g_cancellable_cancel (progress->cancellable);
}

static gboolean
count_idle_cb (gpointer user_data)
{
  Progress *progress = user_data;

  progress->n_main_loop_runs++;

  return G_SOURCE_CONTINUE;
}

static TciaImportResult *
resolve (Fixture             *f,
         TciaBasket          *basket,
         const char * const  *uids,
         guint                chunk_size,
         Progress            *progress,
         GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tcia_import_resolve_async (basket, f->client, uids, chunk_size,
                             progress != NULL ? progress_cb : NULL, progress, NULL,
                             progress != NULL ? progress->cancellable : NULL,
                             store_result_cb, &result);
  wait_for (&result);

  return tcia_import_resolve_finish (result, error);
}

static void
test_resolve_known_and_unknown (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportResult) result = NULL;
  g_autoptr(TciaImportResult) first = NULL;
  const char *uids[12];
  const char * const *unknown;
  FakeNbiaSeriesInfo info;
  Progress progress = { 0 };
  TciaSeries *series;

  /* One already in the basket, from a first import. */
  uids[0] = fake_uid (f, 3);
  uids[1] = NULL;
  first = resolve (f, f->basket, uids, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_result_get_n_added (first), ==, 1);
  g_assert_cmpuint (f->n_changes, ==, 1);

  uids[0] = fake_uid (f, 0);
  uids[1] = "1.2.826.0.1.3680043.2.1125.1";       /* unknown */
  uids[2] = fake_uid (f, 1);
  uids[3] = fake_uid (f, 3);                      /* in the basket */
  uids[4] = "1.2.826.0.1.3680043.2.1125.2";       /* unknown */
  uids[5] = fake_uid (f, 0);                      /* twice */
  uids[6] = fake_uid (f, 7);
  uids[7] = "1.2.826.0.1.3680043.2.1125.3";       /* unknown */
  uids[8] = fake_uid (f, 12);
  uids[9] = fake_uid (f, 20);
  uids[10] = NULL;

  result = resolve (f, f->basket, uids, 3, &progress, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (tcia_import_result_get_n_requested (result), ==, 9);
  g_assert_cmpuint (tcia_import_result_get_n_already_present (result), ==, 1);
  g_assert_cmpuint (tcia_import_result_get_n_added (result), ==, 5);
  g_assert_cmpuint (tcia_import_result_get_n_unknown (result), ==, 3);
  unknown = tcia_import_result_get_unknown_uids (result);
  g_assert_cmpstr (unknown[0], ==, "1.2.826.0.1.3680043.2.1125.1");
  g_assert_cmpstr (unknown[1], ==, "1.2.826.0.1.3680043.2.1125.2");
  g_assert_cmpstr (unknown[2], ==, "1.2.826.0.1.3680043.2.1125.3");
  g_assert_null (unknown[3]);

  /* One batch for the whole import. */
  g_assert_cmpuint (f->n_changes, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->basket)), ==, 6);
  g_assert_cmpuint (g_list_model_get_n_items (tcia_import_result_get_series (result)), ==, 5);

  /* 8 to look up in chunks of 3: reported at 0, 3, 6, 8. */
  g_assert_cmpuint (progress.n_calls, ==, 4);
  g_assert_cmpuint (progress.last_done, ==, 8);
  g_assert_cmpuint (progress.total, ==, 8);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeriesMetadata"), ==, 1 + 3);

  /* In the order asked, with the server's metadata. */
  series = g_list_model_get_item (G_LIST_MODEL (f->basket), 1);
  g_assert_cmpstr (tcia_series_get_series_uid (series), ==, fake_uid (f, 0));
  g_object_unref (series);
  series = tcia_basket_lookup (f->basket, fake_uid (f, 20));
  g_assert_nonnull (series);
  fake_nbia_get_series (f->fake, 20, &info);
  g_assert_cmpuint (tcia_series_get_file_size (series), ==, info.file_size);
  g_assert_cmpuint (tcia_series_get_image_count (series), ==, info.image_count);
  g_assert_cmpstr (tcia_series_get_collection (series), ==, info.collection);
  g_assert_nonnull (tcia_series_get_license_name (series));
}

/* A 100,000-UID manifest: parsed, looked up 1,000 at a time with progress
 * after each chunk, the main loop running all along, and every UID the
 * server does not know reported. */
static void
test_resolve_100k (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("downloadServerUrl=https://x/\nListOfSeriesToDownload=\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;
  g_autoptr(TciaImportResult) result = NULL;
  guint n_fake = fake_nbia_get_n_series (f->fake);
  const char * const *unknown;
  Progress progress = { 0 };
  guint idle;

  for (guint i = 0; i < 100000; i++)
    {
      if (i % 2500 == 0 && i / 2500 < n_fake)
        g_string_append_printf (text, "%s\n", fake_uid (f, i / 2500));
      else
        g_string_append_printf (text, "1.2.826.0.1.3680043.2.1125.%u\n", i);
    }

  file = parse (text->str, "big.tcia", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_file_get_n_uids (file), ==, 100000);

  idle = g_idle_add (count_idle_cb, &progress);
  result = resolve (f, f->basket, tcia_import_file_get_uids (file), 1000, &progress, &error);
  g_source_remove (idle);
  g_assert_no_error (error);

  g_assert_cmpuint (progress.n_calls, ==, 101);
  g_assert_cmpuint (progress.last_done, ==, 100000);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeriesMetadata"), ==, 100);
  /* The main context kept running while the server was answering. */
  g_assert_cmpuint (progress.n_main_loop_runs, >, 100);

  g_assert_cmpuint (tcia_import_result_get_n_added (result), ==, n_fake);
  g_assert_cmpuint (tcia_import_result_get_n_unknown (result), ==, 100000 - n_fake);
  unknown = tcia_import_result_get_unknown_uids (result);
  g_assert_cmpstr (unknown[0], ==, "1.2.826.0.1.3680043.2.1125.1");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->basket)), ==, n_fake);
  g_assert_cmpuint (f->n_changes, ==, 1);
}

static void
test_resolve_cancelled (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TciaSeries) before = NULL;
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  Progress progress = { 0 };

  /* Something in the basket already, which must stay as it is. */
  g_ptr_array_add (uids, (gpointer) fake_uid (f, 5));
  g_ptr_array_add (uids, NULL);
  result = resolve (f, f->basket, (const char * const *) uids->pdata, 0, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&result, tcia_import_result_unref);
  before = g_list_model_get_item (G_LIST_MODEL (f->basket), 0);
  f->n_changes = 0;

  g_ptr_array_set_size (uids, 0);
  for (guint i = 0; i < fake_nbia_get_n_series (f->fake); i++)
    g_ptr_array_add (uids, (gpointer) fake_uid (f, i));
  g_ptr_array_add (uids, NULL);

  progress.cancellable = cancellable;
  progress.cancel_after_first_chunk = TRUE;
  result = resolve (f, f->basket, (const char * const *) uids->pdata, 4, &progress, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_cmpuint (f->n_changes, ==, 0);
  g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, 1);
  g_assert_true (tcia_basket_lookup (f->basket, fake_uid (f, 5)) == before);
}

typedef struct
{
  FakeNbia *fake;
  guint     n_calls;
} FailLater;

static void
fail_after_first_chunk_cb (guint    n_done,
                           guint    n_total,
                           gpointer user_data)
{
  FailLater *later = user_data;

  if (later->n_calls++ == 1)
    fake_nbia_set_fault (later->fake, FAKE_NBIA_FAULT_HTTP_400, 0, NULL);
}

static void
test_resolve_server_error (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TciaImportResult) import = NULL;
  const char *uids[] = { fake_uid (f, 0), fake_uid (f, 1), fake_uid (f, 2), NULL };
  FailLater later = { f->fake, 0 };

  /* The second chunk fails: what the first one found is not added either. */
  tcia_import_resolve_async (f->basket, f->client, uids, 2, fail_after_first_chunk_cb, &later,
                             NULL, NULL, store_result_cb, &result);
  wait_for (&result);
  import = tcia_import_resolve_finish (result, &error);
  g_assert_null (import);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "Could not look up the series"));
  g_assert_cmpuint (later.n_calls, ==, 2);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeriesMetadata"), ==, 2);
  g_assert_cmpuint (f->n_changes, ==, 0);
  g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, 0);
}

static void
test_resolve_without_basket (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportResult) result = NULL;
  g_autoptr(TciaSeries) series = NULL;
  const char *uids[] = { fake_uid (f, 9), "1.2.3.4", fake_uid (f, 2), NULL };

  /* What the headless --download does: metadata for the layout, no basket. */
  result = resolve (f, NULL, uids, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_result_get_n_added (result), ==, 0);
  g_assert_cmpuint (tcia_import_result_get_n_unknown (result), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (tcia_import_result_get_series (result)), ==, 2);
  series = g_list_model_get_item (tcia_import_result_get_series (result), 0);
  g_assert_cmpstr (tcia_series_get_series_uid (series), ==, fake_uid (f, 9));
  g_assert_cmpuint (f->n_changes, ==, 0);
}

static void
test_resolve_all_present (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportResult) first = NULL;
  g_autoptr(TciaImportResult) again = NULL;
  const char *uids[] = { fake_uid (f, 1), fake_uid (f, 2), NULL };

  first = resolve (f, f->basket, uids, 0, NULL, &error);
  g_assert_no_error (error);
  again = resolve (f, f->basket, uids, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_result_get_n_already_present (again), ==, 2);
  g_assert_cmpuint (tcia_import_result_get_n_added (again), ==, 0);
  /* Nothing asked of the server the second time. */
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeriesMetadata"), ==, 1);
  g_assert_cmpuint (f->n_changes, ==, 1);
}

static TciaImportResult *
import_cart (Fixture     *f,
             const char  *name_or_url,
             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tcia_import_shared_cart_async (f->basket, f->client, name_or_url, 0, NULL, NULL, NULL, NULL,
                                 store_result_cb, &result);
  wait_for (&result);

  return tcia_import_shared_cart_finish (result, error);
}

static void
test_shared_cart (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportResult) result = NULL;
  g_autoptr(TciaImportResult) by_url = NULL;
  g_autoptr(GArray) indexes = fake_nbia_get_cart (f->fake, "nbia-49121659384603347");
  g_autoptr(GArray) indexes7 = fake_nbia_get_cart (f->fake, "nbia-56821341087226601");
  guint64 expected_bytes = 0;

  result = import_cart (f, "nbia-49121659384603347", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_result_get_n_added (result), ==, indexes->len);
  g_assert_cmpuint (tcia_import_result_get_n_unknown (result), ==, 0);

  /* Sizes come from getSeriesMetadata, which the cart lacks. */
  for (guint i = 0; i < indexes->len; i++)
    {
      FakeNbiaSeriesInfo info;
      TciaSeries *series;

      fake_nbia_get_series (f->fake, g_array_index (indexes, guint, i), &info);
      series = g_list_model_get_item (G_LIST_MODEL (f->basket), i);
      g_assert_cmpstr (tcia_series_get_series_uid (series), ==, info.series_uid);
      g_assert_cmpuint (tcia_series_get_file_size (series), ==, info.file_size);
      g_object_unref (series);
      expected_bytes += info.file_size;
    }
  g_assert_cmpuint (tcia_basket_get_total_bytes (f->basket), ==, expected_bytes);
  g_assert_cmpuint (g_list_model_get_n_items (tcia_basket_get_licences (f->basket)), >, 0);

  by_url = import_cart (f, "https://nbia.cancerimagingarchive.net/nbia-search/"
                           "?saved-cart=nbia-56821341087226601", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_result_get_n_requested (by_url), ==, indexes7->len);
  g_assert_cmpuint (tcia_import_result_get_n_added (by_url) +
                    tcia_import_result_get_n_already_present (by_url), ==, indexes7->len);
  g_assert_cmpuint (tcia_import_result_get_n_already_present (by_url), >, 0);
}

static void
test_shared_cart_unknown (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportResult) result = NULL;

  result = import_cart (f, "nbia-00000000000000000", &error);
  g_assert_null (result);
  g_assert_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_CART_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nbia-00000000000000000"));
  g_clear_error (&error);

  result = import_cart (f, "https://example.org/no-cart-here", &error);
  g_assert_null (result);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_URL);
  g_assert_cmpuint (f->n_changes, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/import/manifest/real", test_manifest_real);
  g_test_add_func ("/core/import/manifest/nlst", test_manifest_nlst);
  g_test_add_func ("/core/import/manifest/data-files", test_manifest_data_files);
  g_test_add_func ("/core/import/manifest/crlf-bom-spaces", test_manifest_crlf_bom_spaces);
  g_test_add_func ("/core/import/manifest/bare-list", test_manifest_bare_list);
  g_test_add_func ("/core/import/manifest/list-on-one-line", test_manifest_list_on_one_line);
  g_test_add_func ("/core/import/manifest/joined-and-quoted", test_manifest_joined);
  g_test_add_func ("/core/import/manifest/round-trip", test_manifest_round_trip);
  g_test_add_func ("/core/import/manifest/utf16", test_manifest_utf16);
  g_test_add_func ("/core/import/manifest/large", test_manifest_large);
  g_test_add_func ("/core/import/csv/series-instance-uid", test_csv_series_instance_uid);
  g_test_add_func ("/core/import/csv/series-uid", test_csv_series_uid);
  g_test_add_func ("/core/import/csv/series-id-old-portal", test_csv_series_id_old_portal);
  g_test_add_func ("/core/import/csv/quoted", test_csv_quoted);
  g_test_add_func ("/core/import/csv/line-numbers", test_csv_line_numbers);
  g_test_add_func ("/core/import/csv/tsv-and-others", test_csv_tsv);
  g_test_add_func ("/core/import/bad/random-50mb", test_bad_random_50mb);
  g_test_add_func ("/core/import/bad/binary", test_bad_binary);
  g_test_add_func ("/core/import/bad/too-large", test_bad_too_large);
  g_test_add_func ("/core/import/bad/no-uid-column", test_bad_no_uid_column);
  g_test_add_func ("/core/import/bad/invalid-utf8", test_bad_invalid_utf8);
  g_test_add_func ("/core/import/bad/empty", test_bad_empty);
  g_test_add_func ("/core/import/bad/junk-lines", test_bad_junk_lines);
  g_test_add_func ("/core/import/bad/junk-shown-short", test_bad_junk_shown_short);
  g_test_add_func ("/core/import/bad/csv", test_bad_csv);
  g_test_add_func ("/core/import/file/missing", test_parse_file_missing);
  g_test_add_func ("/core/import/file/async", test_parse_file_async);

#define ADD(path, func) \
  g_test_add ("/core/import/resolve/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("known-and-unknown", test_resolve_known_and_unknown);
  ADD ("100k-in-chunks", test_resolve_100k);
  ADD ("cancelled", test_resolve_cancelled);
  ADD ("server-error", test_resolve_server_error);
  ADD ("without-basket", test_resolve_without_basket);
  ADD ("all-present", test_resolve_all_present);
  ADD ("shared-cart", test_shared_cart);
  ADD ("shared-cart-unknown", test_shared_cart_unknown);
#undef ADD

  return g_test_run ();
}

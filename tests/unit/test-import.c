/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Import files: manifests, UID lists, CSV and TSV. Files that are not
 * import files are in test-import-bad.c, the resolver that turns their
 * UIDs into series in a basket in test-import-resolve.c. */

#include "config.h"

#include "import-test-util.h"

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
  g_test_add_func ("/core/import/file/missing", test_parse_file_missing);
  g_test_add_func ("/core/import/file/async", test_parse_file_async);

  return g_test_run ();
}

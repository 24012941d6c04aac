/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Files that are not import files, or only in part: random bytes, binary,
 * too large, no UID column, bad UTF-8, empty, junk lines, broken CSV. */

#include "config.h"

#include "import-test-util.h"

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/import/bad/random-50mb", test_bad_random_50mb);
  g_test_add_func ("/core/import/bad/binary", test_bad_binary);
  g_test_add_func ("/core/import/bad/too-large", test_bad_too_large);
  g_test_add_func ("/core/import/bad/no-uid-column", test_bad_no_uid_column);
  g_test_add_func ("/core/import/bad/invalid-utf8", test_bad_invalid_utf8);
  g_test_add_func ("/core/import/bad/empty", test_bad_empty);
  g_test_add_func ("/core/import/bad/junk-lines", test_bad_junk_lines);
  g_test_add_func ("/core/import/bad/junk-shown-short", test_bad_junk_shown_short);
  g_test_add_func ("/core/import/bad/csv", test_bad_csv);

  return g_test_run ();
}

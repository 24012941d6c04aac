/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tcia-csv.h"
#include "tcia-extract.h"
#include "tcia-metadata-csv.h"
#include "tcia-records-private.h"

typedef struct
{
  char *dir;
  char *csv;
  int   dest_fd;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("test-metadata-csv-XXXXXX", &error);
  g_assert_no_error (error);
  f->csv = g_build_filename (f->dir, TCIA_METADATA_CSV_NAME, NULL);
  f->dest_fd = open (f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  g_assert_cmpint (f->dest_fd, >=, 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  close (f->dest_fd);
  g_unlink (f->csv);
  g_rmdir (f->dir);
  g_free (f->csv);
  g_free (f->dir);
}

static void
write_csv (Fixture    *f,
           const char *text)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (f->csv, text, -1, &error);
  g_assert_no_error (error);
}

static void
assert_not_regular (Fixture *f,
                    GError  *error)
{
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, f->csv));
  g_assert_nonnull (strstr (error->message, "not a regular file"));
}

/* Descriptions with commas, quotes and formulas come back as they were, in
 * the right columns, and none starts a formula in the file. */
static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  const char *keys[] = { "series-uid", "collection", "study-description",
                         "series-description", "patient-id", "modality" };
  const char *values[] = { "1.2.3", "Col,lection", "say \"hi\", then =HYPERLINK(\"x\")",
                           "=1+1", "-cmd", "CT" };
  g_autoptr(TciaSeries) series = tcia_series_new_from_fields (keys, values, G_N_ELEMENTS (keys));
  g_autoptr(GDateTime) now = g_date_time_new_utc (2024, 5, 6, 7, 8, 9.5);
  g_autofree char *row = tcia_metadata_csv_format_row (series, 3, 1500, "Col,lection/p/s",
                                                        NULL, now);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) locations = NULL;
  g_autofree char *text = NULL;
  g_autoptr(TciaCsvReader) reader = NULL;
  g_autoptr(GPtrArray) header = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  gboolean terminated;

  g_assert_true (g_str_has_suffix (row, "\r\n"));
  g_assert_null (strstr (row, ",="));
  g_assert_null (strstr (row, ",-cmd"));
  g_assert_true (tcia_metadata_csv_append_at (f->dest_fd, f->csv, row, &error));
  g_assert_no_error (error);

  locations = tcia_metadata_csv_read_locations (f->dest_fd, f->csv, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (locations), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (locations, "1.2.3"), ==, "Col,lection/p/s");

  g_file_get_contents (f->csv, &text, NULL, &error);
  g_assert_no_error (error);
  reader = tcia_csv_reader_new (text, strlen (text), ',');
  g_assert_true (tcia_csv_reader_next (reader, &header, &terminated));
  g_assert_true (tcia_csv_reader_next (reader, &fields, &terminated));
  g_assert_true (terminated);
  g_assert_cmpuint (fields->len, ==, header->len);
  g_assert_cmpuint (fields->len, ==, 17);
  g_assert_cmpstr (header->pdata[1], ==, "Collection");
  g_assert_cmpstr (fields->pdata[1], ==, "Col,lection");
  g_assert_cmpstr (header->pdata[4], ==, "Subject ID");
  g_assert_cmpstr (fields->pdata[4], ==, "-cmd");
  g_assert_cmpstr (header->pdata[6], ==, "Study Description");
  g_assert_cmpstr (fields->pdata[6], ==, values[2]);
  g_assert_cmpstr (header->pdata[8], ==, "Series Description");
  g_assert_cmpstr (fields->pdata[8], ==, "=1+1");
  g_assert_cmpstr (fields->pdata[15], ==, "./Col,lection/p/s");
  g_assert_false (tcia_csv_reader_next (reader, &fields, &terminated));
}

/* Written by the Data Retriever or an older version: the columns are found
 * by name, half rows and rows without a UID do not count. */
static void
test_read (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) locations = NULL;

  write_csv (f, "Collection,Series UID,File Location\r\n"
                "A,1.1,./A/x\r\n"
                "B,,./B/y\r\n"
                "C,1.2\n"
                "D,1.3,\"./D/with,comma\"\r\n"
                "E,1.4,./E/half");
  locations = tcia_metadata_csv_read_locations (f->dest_fd, f->csv, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (locations), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (locations, "1.1"), ==, "A/x");
  g_assert_cmpstr (g_hash_table_lookup (locations, "1.2"), ==, "");
  g_assert_cmpstr (g_hash_table_lookup (locations, "1.3"), ==, "D/with,comma");
  g_assert_false (g_hash_table_contains (locations, "1.4"));
  g_assert_false (g_hash_table_contains (locations, ""));
}

static void
test_read_no_location (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) locations = NULL;

  write_csv (f, "Series UID,Collection\n1.1,A\n");
  locations = tcia_metadata_csv_read_locations (f->dest_fd, f->csv, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (locations, "1.1"), ==, "");
}

/* Only a header, cut short by a crash: nothing. */
static void
test_read_half_header (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) locations = NULL;

  write_csv (f, "Series UID,Coll");
  locations = tcia_metadata_csv_read_locations (f->dest_fd, f->csv, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (locations), ==, 0);
}

static void
test_missing (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) locations = NULL;

  locations = tcia_metadata_csv_read_locations (f->dest_fd, f->csv, &error);
  g_assert_no_error (error);
  g_assert_nonnull (locations);
  g_assert_cmpuint (g_hash_table_size (locations), ==, 0);
}

/* A FIFO would block the start until someone writes to it. */
static void
test_fifo (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) locations = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpint (mkfifo (f->csv, 0644), ==, 0);
  locations = tcia_metadata_csv_read_locations (f->dest_fd, f->csv, &error);
  g_assert_null (locations);
  assert_not_regular (f, error);
  g_clear_error (&error);

  g_assert_false (tcia_metadata_csv_append_at (f->dest_fd, f->csv, "x\r\n", &error));
  assert_not_regular (f, error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

/* A link to /dev/zero would be read for ever. */
static void
test_symlink (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) locations = NULL;

  g_assert_cmpint (symlink ("/dev/zero", f->csv), ==, 0);
  locations = tcia_metadata_csv_read_locations (f->dest_fd, f->csv, &error);
  g_assert_null (locations);
  assert_not_regular (f, error);
  g_clear_error (&error);

  g_assert_false (tcia_metadata_csv_append_at (f->dest_fd, f->csv, "x\r\n", &error));
  assert_not_regular (f, error);
}

static void
test_folder (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) locations = NULL;

  g_assert_cmpint (g_mkdir (f->csv, 0755), ==, 0);
  locations = tcia_metadata_csv_read_locations (f->dest_fd, f->csv, &error);
  g_assert_null (locations);
  assert_not_regular (f, error);
  g_clear_error (&error);

  g_assert_false (tcia_metadata_csv_append_at (f->dest_fd, f->csv, "x\r\n", &error));
  assert_not_regular (f, error);
  g_rmdir (f->csv);
}

/* Larger than the limit: refused, without reading it. */
static void
test_too_large (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) locations = NULL;
  int fd = open (f->csv, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) TCIA_METADATA_CSV_MAX + 1), ==, 0);
  close (fd);
  locations = tcia_metadata_csv_read_locations (f->dest_fd, f->csv, &error);
  g_assert_null (locations);
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, f->csv));
}

/* The first row brings the header; the next ones only themselves. */
static void
test_append (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (tcia_metadata_csv_append_at (f->dest_fd, f->csv, "1.1,a\r\n", &error));
  g_assert_no_error (error);
  g_assert_true (tcia_metadata_csv_append (f->csv, "1.2,b\r\n", &error));
  g_assert_no_error (error);
  g_file_get_contents (f->csv, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, TCIA_METADATA_CSV_HEADER "\r\n1.1,a\r\n1.2,b\r\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/core/metadata-csv/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("round-trip", test_round_trip);
  ADD ("read", test_read);
  ADD ("read-no-location", test_read_no_location);
  ADD ("read-half-header", test_read_half_header);
  ADD ("missing", test_missing);
  ADD ("fifo", test_fifo);
  ADD ("symlink", test_symlink);
  ADD ("folder", test_folder);
  ADD ("too-large", test_too_large);
  ADD ("append", test_append);

#undef ADD

  return g_test_run ();
}

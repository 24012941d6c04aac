/* SPDX-License-Identifier: GPL-3.0-or-later */

/* libFuzzer target for the metadata.csv reader and the CSV reader under it.
 * The input is written as metadata.csv into a temporary folder and read
 * with tcia_metadata_csv_read_locations(); it is also fed to a
 * TciaCsvReader, comma- or tab-separated as its first byte says. Besides
 * the sanitizers, it checks what callers rely on: every row read has a
 * Series UID; an error names the file; every field the CSV reader gives,
 * written back with tcia_csv_append_field(), reads back the same. Built by
 * run-fuzz.sh. */

#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz-check.h"
#include "tcia-csv.h"
#include "tcia-extract.h"
#include "tcia-metadata-csv.h"

static char *dest_path;
static char *csv_path;
static int dest_fd = -1;

static void
set_up (void)
{
  if (dest_fd >= 0)
    return;
  dest_path = g_dir_make_tmp ("fuzz-metadata-csv-XXXXXX", NULL);
  CHECK (dest_path != NULL);
  csv_path = g_build_filename (dest_path, TCIA_METADATA_CSV_NAME, NULL);
  dest_fd = open (dest_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  CHECK (dest_fd >= 0);
}

static void
check_locations (const uint8_t *data,
                 size_t         size)
{
  g_autoptr(GHashTable) locations = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer uid, location;
  int fd;

  fd = open (csv_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  CHECK (fd >= 0);
  CHECK (write (fd, data, size) == (ssize_t) size);
  close (fd);

  locations = tcia_metadata_csv_read_locations (dest_fd, csv_path, &error);
  CHECK (locations != NULL);
  CHECK (error == NULL);
  /* No header, no row. */
  CHECK (g_hash_table_size (locations) == 0 || memchr (data, '\n', size) != NULL);
  g_hash_table_iter_init (&iter, locations);
  while (g_hash_table_iter_next (&iter, &uid, &location))
    {
      CHECK (*(const char *) uid != '\0');
      CHECK (location != NULL);
    }
}

static void
check_reader (const char *text,
              gsize       len,
              char        separator)
{
  g_autoptr(TciaCsvReader) reader = tcia_csv_reader_new (text, len, separator);
  g_autoptr(GString) out = g_string_new (NULL);
  GPtrArray *fields;
  gboolean terminated;
  guint n_records = 0;

  while (tcia_csv_reader_next (reader, &fields, &terminated))
    {
      g_autoptr(GPtrArray) record = fields;
      g_autoptr(TciaCsvReader) again = NULL;
      g_autoptr(GPtrArray) back = NULL;
      gboolean back_terminated;

      CHECK (record->len > 0);
      CHECK (record->len <= len + 1);
      n_records++;

      /* Written by our writer, read back the same. */
      g_string_truncate (out, 0);
      for (guint i = 0; i < record->len; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          tcia_csv_append_field (out, record->pdata[i]);
        }
      g_string_append (out, "\r\n");
      again = tcia_csv_reader_new (out->str, out->len, ',');
      CHECK (tcia_csv_reader_next (again, &back, &back_terminated));
      CHECK (back_terminated);
      CHECK (back->len == record->len);
      for (guint i = 0; i < record->len; i++)
        CHECK (strcmp (back->pdata[i], record->pdata[i]) == 0);
      g_clear_pointer (&back, g_ptr_array_unref);
      CHECK (!tcia_csv_reader_next (again, &back, &back_terminated));
    }
  CHECK (n_records <= len);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size < 1)
    return 0;
  set_up ();

  check_locations (data + 1, size - 1);
  check_reader ((const char *) data + 1, size - 1, (data[0] & 1) != 0 ? '\t' : ',');

  return 0;
}

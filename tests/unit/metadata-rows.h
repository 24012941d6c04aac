/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "tcia-csv.h"
#include "tcia-metadata-csv.h"

/* The rows of the metadata.csv at @csv_path: Series UID → File Location;
 * none when its folder is not there. */
static inline GHashTable *
read_metadata_rows (const char *csv_path)
{
  g_autofree char *dir = g_path_get_dirname (csv_path);
  g_autoptr(GError) error = NULL;
  GHashTable *rows;
  int dest_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  /* Polled before the folder is there. */
  if (dest_fd < 0 && errno == ENOENT)
    return g_hash_table_new (g_str_hash, g_str_equal);
  g_assert_cmpint (dest_fd, >=, 0);
  rows = tcia_metadata_csv_read_locations (dest_fd, csv_path, &error);
  close (dest_fd);
  g_assert_no_error (error);
  return rows;
}

/* Every record of the metadata.csv at @csv_path, the header first, each an
 * array of its fields; each must end in a line break. */
static inline GPtrArray *
read_metadata_records (const char *csv_path)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(TciaCsvReader) reader = NULL;
  g_autofree char *text = NULL;
  gboolean terminated;
  GPtrArray *fields;
  gsize len;

  g_assert_true (g_file_get_contents (csv_path, &text, &len, NULL));
  reader = tcia_csv_reader_new (text, len, ',');
  while (tcia_csv_reader_next (reader, &fields, &terminated))
    {
      g_assert_true (terminated);
      g_ptr_array_add (records, fields);
    }
  return records;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "tcia-catalogue-db-private.h"
#include "tcia-catalogue-new.h"
#include "tcia-metadata-csv.h"

/* "What is new" compares a download folder's metadata.csv, as the download
 * wrote it, with the catalogue. What NBIA gives to compare with (getSeries
 * and getUpdatedSeries, tcia-api.md §3.8, §3.16) is per series: ImageCount,
 * FileSize, DateReleased and MaxSubmissionTimestamp (v1: TimeStamp), the
 * dates as days. metadata.csv's row holds the server's ImageCount and
 * FileSize (as "25.27 MB") of the day it was written, and that moment. */

typedef struct
{
  gint64  day;       /* yyyymmdd of the download, 0 when unknown */
  gint64  images;    /* "Number of Images", -1 when unknown */
  char   *size;      /* "File Size" as written ("25.27 MB"), NULL when unknown */
} Downloaded;

static void
downloaded_free (gpointer data)
{
  Downloaded *d = data;

  g_free (d->size);
  g_free (d);
}

/* yyyymmdd of an ISO date or timestamp ("2024-09-12T19:33:56.123"), as the
 * catalogue stores dates; 0 for anything else. */
static gint64
date_number (const char *iso)
{
  if (iso == NULL || strlen (iso) < 10 || iso[4] != '-' || iso[7] != '-')
    return 0;
  return g_ascii_strtoll (iso, NULL, 10) * 10000 + g_ascii_strtoll (iso + 5, NULL, 10) * 100 +
         g_ascii_strtoll (iso + 8, NULL, 10);
}

static gboolean
read_download (const char  *dest_dir,
               GHashTable  *collections,
               GHashTable  *downloaded,
               GError     **error)
{
  static const char * const columns[] = {
    "Series UID", "Collection", "Download Timestamp", "Number of Images", "File Size", NULL
  };
  g_autofree char *csv = g_build_filename (dest_dir, TCIA_METADATA_CSV_NAME, NULL);
  g_autoptr(GPtrArray) rows = NULL;
  int fd;

  fd = open (dest_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || !g_file_test (csv, G_FILE_TEST_EXISTS))
    {
      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("%s holds no download: it has no metadata.csv"), dest_dir);
      return FALSE;
    }
  rows = tcia_metadata_csv_read_columns (fd, csv, columns, error);
  close (fd);
  if (rows == NULL)
    return FALSE;

  for (guint i = 0; i < rows->len; i++)
    {
      char **row = rows->pdata[i];
      Downloaded *d;
      gpointer first;
      guint64 images;

      if (row[0][0] == '\0' || row[1][0] == '\0')
        continue;
      d = g_new0 (Downloaded, 1);
      d->day = date_number (row[2]);
      d->images = g_ascii_string_to_unsigned (row[3], 10, 0, G_MAXINT64, &images, NULL)
                  ? (gint64) images : -1;
      d->size = row[4][0] != '\0' ? g_strdup (row[4]) : NULL;
      /* A collection's own first download is what "added since" counts from:
       * a collection first downloaded into the folder last week is new to
       * it since last week, whatever else the folder had before. */
      if (!g_hash_table_lookup_extended (collections, row[1], NULL, &first))
        g_hash_table_insert (collections, g_strdup (row[1]), GINT_TO_POINTER ((gint) d->day));
      else if (d->day != 0 && (GPOINTER_TO_INT (first) == 0 || d->day < GPOINTER_TO_INT (first)))
        g_hash_table_insert (collections, g_strdup (row[1]), GINT_TO_POINTER ((gint) d->day));
      g_hash_table_replace (downloaded, g_strdup (row[0]), d);
    }

  return TRUE;
}

/* Whether a series in the folder changed since @d was written: the server
 * released or resubmitted it on a later day, or its image count or size is
 * not the one the download recorded. */
static gboolean
has_changed (const Downloaded *d,
             sqlite3_stmt     *stmt)
{
  gint64 released = sqlite3_column_int64 (stmt, 1);
  gint64 submitted = sqlite3_column_int64 (stmt, 2);

  if (d->day != 0 && (released > d->day || submitted > d->day))
    return TRUE;
  if (d->images >= 0 && sqlite3_column_type (stmt, 3) != SQLITE_NULL &&
      sqlite3_column_int64 (stmt, 3) > 0 && sqlite3_column_int64 (stmt, 3) != d->images)
    return TRUE;
  if (d->size != NULL && sqlite3_column_type (stmt, 4) != SQLITE_NULL &&
      sqlite3_column_int64 (stmt, 4) > 0)
    {
      /* Compared as written: a size that changed by less than the last
       * digit shown (10 kB in "25.27 MB") is not seen. */
      g_autofree char *size = tcia_metadata_csv_format_size ((guint64) sqlite3_column_int64 (stmt, 4));

      return strcmp (size, d->size) != 0;
    }
  return FALSE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GPtrArray *
tcia_catalogue_find_new (TciaCatalogueDb  *db,
                         const char       *dest_dir,
                         guint            *n_added,
                         GError          **error)
{
  g_autoptr(GHashTable) collections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) downloaded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                            downloaded_free);
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) changed_rows = NULL;
  g_autofree gpointer *names = NULL;
  sqlite3_stmt *stmt;
  guint n_names;

  if (!read_download (dest_dir, collections, downloaded, error))
    return NULL;

  stmt = tcia_catalogue_db_statement (db,
    "SELECT s.uid, s.date_released, s.submission_date, s.image_count, s.file_size FROM series s"
    " JOIN collections c ON c.id = s.collection WHERE c.name = ?1 ORDER BY s.id", error);
  if (stmt == NULL)
    return NULL;

  /* In the order of the collections' names, each in catalogue order. */
  names = g_hash_table_get_keys_as_array (collections, &n_names);
  qsort (names, n_names, sizeof (gpointer), compare_names);
  for (guint i = 0; i < n_names; i++)
    {
      gint64 since = GPOINTER_TO_INT (g_hash_table_lookup (collections, names[i]));
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, names[i], -1, SQLITE_TRANSIENT);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autofree char *uid = tcia_catalogue_column_uid (stmt, 0);
          const Downloaded *d = g_hash_table_lookup (downloaded, uid);

          /* Released the day of the download or before, and not in the
           * folder: left out on purpose, not new. */
          if (d == NULL && (since == 0 || sqlite3_column_int64 (stmt, 1) > since))
            g_ptr_array_add (added, g_steal_pointer (&uid));
          else if (d != NULL && has_changed (d, stmt))
            g_ptr_array_add (changed, g_steal_pointer (&uid));
        }
      if (rc != SQLITE_DONE)
        {
          tcia_catalogue_db_fail (db, error, _("be read"));
          sqlite3_reset (stmt);
          return NULL;
        }
    }
  sqlite3_reset (stmt);
  g_ptr_array_add (added, NULL);
  g_ptr_array_add (changed, NULL);

  rows = tcia_catalogue_db_get_series (db, (const char * const *) added->pdata, error);
  if (rows == NULL)
    return NULL;
  changed_rows = tcia_catalogue_db_get_series (db, (const char * const *) changed->pdata, error);
  if (changed_rows == NULL)
    return NULL;
  *n_added = rows->len;
  g_ptr_array_extend_and_steal (rows, g_steal_pointer (&changed_rows));

  return g_steal_pointer (&rows);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-metadata-csv"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "tcia-extract.h"
#include "tcia-layout.h"
#include "tcia-metadata-csv.h"

char *
tcia_metadata_csv_format_size (guint64 bytes)
{
  static const char * const units[] = { "KB", "MB", "GB", "TB" };
  double value = bytes;
  guint unit = 0;

  if (bytes < 1000)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " B", bytes);
  value /= 1000.0;
  while (value >= 1000.0 && unit + 1 < G_N_ELEMENTS (units))
    {
      value /= 1000.0;
      unit++;
    }
  return g_strdup_printf ("%.2f %s", value, units[unit]);
}

static void
append_value (GString    *row,
              const char *value)
{
  if (row->len > 0)
    g_string_append_c (row, ',');
  for (const char *p = value != NULL ? value : ""; *p != '\0'; p++)
    g_string_append_c (row, (*p == ',' || *p == '\r' || *p == '\n') ? ' ' : *p);
}

char *
tcia_metadata_csv_format_row (TciaSeries *series,
                              guint       n_images,
                              guint64     bytes,
                              const char *location,
                              GDateTime  *timestamp)
{
  GString *row = g_string_new (NULL);
  g_autofree char *images = g_strdup_printf ("%u", n_images);
  g_autofree char *size = tcia_metadata_csv_format_size (bytes);
  g_autofree char *where = g_strconcat ("./", location, NULL);
  g_autofree char *when = NULL;
  g_autofree char *date = NULL;
  const char *study_date = tcia_series_get_study_date (series);

  if (study_date != NULL && strlen (study_date) == 10 && study_date[4] == '-')
    date = g_strdup_printf ("%.2s-%.2s-%.4s", study_date + 5, study_date + 8, study_date);
  else
    date = g_strdup (study_date);

  {
    g_autofree char *seconds = g_date_time_format (timestamp, "%Y-%m-%dT%H:%M:%S");

    when = g_strdup_printf ("%s.%03d", seconds, g_date_time_get_microsecond (timestamp) / 1000);
  }

  append_value (row, tcia_series_get_series_uid (series));
  append_value (row, tcia_series_get_collection (series));
  append_value (row, tcia_series_get_third_party_analysis (series));
  append_value (row, tcia_series_get_data_description_uri (series));
  append_value (row, tcia_series_get_patient_id (series));
  append_value (row, tcia_series_get_study_uid (series));
  append_value (row, tcia_series_get_study_description (series));
  append_value (row, date);
  append_value (row, tcia_series_get_series_description (series));
  append_value (row, tcia_series_get_manufacturer (series));
  append_value (row, tcia_series_get_modality (series));
  append_value (row, NULL);   /* SOP Class Name: we have no UID → name table */
  append_value (row, tcia_series_get_sop_class_uid (series));
  append_value (row, images);
  append_value (row, size);
  append_value (row, where);
  append_value (row, when);
  g_string_append (row, "\r\n");

  return g_string_free (row, FALSE);
}

GHashTable *
tcia_metadata_csv_read_uids (const char *path)
{
  GHashTable *uids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return uids;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char *comma = strchr (lines[i], ',');

      /* A row cut short by a crash has no end: it does not count. */
      if (comma == NULL || lines[i + 1] == NULL)
        continue;
      *comma = '\0';
      g_hash_table_add (uids, g_strdup (lines[i]));
    }
  return uids;
}

gboolean
tcia_metadata_csv_append (const char  *path,
                          const char  *row,
                          GError     **error)
{
  g_autofree char *text = NULL;
  gsize len;
  int fd;

  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd >= 0)
    text = g_strconcat (TCIA_METADATA_CSV_HEADER "\r\n", row, NULL);
  else if (errno == EEXIST)
    fd = open (path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                   _("Could not write “%s”: %s"), path, g_strerror (errsv));
      return FALSE;
    }
  if (text == NULL)
    text = g_strdup (row);
  len = strlen (text);
  if (write (fd, text, len) != (ssize_t) len)
    {
      int errsv = errno;
      close (fd);
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                   _("Could not write “%s”: %s"), path, g_strerror (errsv));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

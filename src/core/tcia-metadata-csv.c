/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-metadata-csv"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "tcia-extract.h"
#include "tcia-layout.h"
#include "tcia-metadata-csv.h"
#include "tcia-metadata-csv-sop-classes.h"

/* A DICOM file: a 128-byte preamble, "DICM", then the file meta group. */
#define DICOM_PREAMBLE   128
#define DICOM_META_MAX   (16 * 1024)
#define DICOM_UID_MAX    64

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

static int
compare_sop_class (const void *key,
                   const void *entry)
{
  return strcmp (key, ((const TciaSopClassName *) entry)->uid);
}

const char *
tcia_metadata_csv_sop_class_name (const char *sop_class_uid)
{
  const TciaSopClassName *found;

  if (sop_class_uid == NULL)
    return NULL;
  found = bsearch (sop_class_uid, tcia_sop_class_names, G_N_ELEMENTS (tcia_sop_class_names),
                   sizeof tcia_sop_class_names[0], compare_sop_class);
  return found != NULL ? found->name : NULL;
}

/* (0002,0002) of the file meta group, which PS3.10 writes in explicit VR
 * little endian whatever the transfer syntax of the rest. */
static char *
parse_media_storage_sop_class (const guint8 *data,
                               gsize         len)
{
  gsize pos = DICOM_PREAMBLE + 4;

  if (len < pos || memcmp (data + DICOM_PREAMBLE, "DICM", 4) != 0)
    return NULL;

  while (pos + 8 <= len)
    {
      guint16 group = data[pos] | data[pos + 1] << 8;
      guint16 element = data[pos + 2] | data[pos + 3] << 8;
      const char *vr = (const char *) data + pos + 4;
      guint32 value_len;

      if (group != 0x0002)
        break;
      /* These VRs have two reserved bytes and a 32-bit length. */
      if (strncmp (vr, "OB", 2) == 0 || strncmp (vr, "OW", 2) == 0 ||
          strncmp (vr, "OF", 2) == 0 || strncmp (vr, "SQ", 2) == 0 ||
          strncmp (vr, "UT", 2) == 0 || strncmp (vr, "UN", 2) == 0)
        {
          if (pos + 12 > len)
            break;
          value_len = data[pos + 8] | data[pos + 9] << 8 | data[pos + 10] << 16 |
                      (guint32) data[pos + 11] << 24;
          pos += 12;
        }
      else
        {
          value_len = data[pos + 6] | data[pos + 7] << 8;
          pos += 8;
        }
      if (value_len > len - pos)
        break;

      if (element == 0x0002)
        {
          g_autofree char *uid = g_strndup ((const char *) data + pos, value_len);

          /* A UI value is padded to an even length with NUL (or, wrongly, a space). */
          g_strchomp (uid);
          if (*uid == '\0' || strlen (uid) > DICOM_UID_MAX ||
              strspn (uid, "0123456789.") != strlen (uid))
            return NULL;
          return g_steal_pointer (&uid);
        }
      pos += value_len;
    }
  return NULL;
}

char *
tcia_metadata_csv_read_sop_class_uid (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      guint8 data[DICOM_META_MAX];
      ssize_t n;
      int fd;

      if (!g_str_has_suffix (name, ".dcm"))
        continue;
      path = g_build_filename (dir_path, name, NULL);
      fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        continue;
      n = read (fd, data, sizeof data);
      close (fd);
      /* One image is enough: a series has one SOP class. */
      if (n > 0)
        return parse_media_storage_sop_class (data, n);
    }
  return NULL;
}

char *
tcia_metadata_csv_format_row (TciaSeries *series,
                              guint       n_images,
                              guint64     bytes,
                              const char *location,
                              const char *sop_class_uid,
                              GDateTime  *timestamp)
{
  GString *row = g_string_new (NULL);
  g_autofree char *images = g_strdup_printf ("%u", n_images);
  g_autofree char *size = tcia_metadata_csv_format_size (bytes);
  g_autofree char *where = g_strconcat ("./", location, NULL);
  g_autofree char *when = NULL;
  g_autofree char *date = NULL;
  const char *study_date = tcia_series_get_study_date (series);
  const char *series_sop_class = tcia_series_get_sop_class_uid (series);

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
  if (series_sop_class != NULL && *series_sop_class != '\0')
    sop_class_uid = series_sop_class;
  append_value (row, tcia_metadata_csv_sop_class_name (sop_class_uid));
  append_value (row, sop_class_uid);
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
  struct stat st;
  gboolean created;
  gsize len;
  ssize_t n;
  int fd;

  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  created = fd >= 0;
  if (created)
    text = g_strconcat (TCIA_METADATA_CSV_HEADER "\r\n", row, NULL);
  else if (errno == EEXIST)
    fd = open (path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      int errsv = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                   _("Could not write “%s”: %s"), path, g_strerror (errsv));
      return FALSE;
    }
  if (text == NULL)
    text = g_strdup (row);
  len = strlen (text);
  n = write (fd, text, len);
  if (n != (ssize_t) len)
    {
      /* A short write is a full disk: no errno says so. */
      int errsv = n < 0 ? errno : ENOSPC;

      /* Half a row would run into the next one: take it back. */
      if (created)
        g_unlink (path);
      else if (n > 0 && ftruncate (fd, st.st_size) < 0)
        g_debug ("Could not take a half-written row out of %s", path);
      close (fd);
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                   _("Could not write “%s”: %s"), path, g_strerror (errsv));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* Stand-ins until the CSV reader lands. */
GHashTable *
tcia_metadata_csv_read_locations (int          dest_fd,
                                  const char  *display_path,
                                  GError     **error)
{
  GHashTable *uids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) lines = NULL;

  path = g_strdup_printf ("/proc/self/fd/%d/metadata.csv", dest_fd);
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return uids;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", -1);

      if (lines[i + 1] == NULL || g_strv_length (f) < 16)
        continue;
      g_hash_table_replace (uids, g_strdup (f[0]),
                            g_strdup (g_str_has_prefix (f[15], "./") ? f[15] + 2 : f[15]));
    }
  return uids;
}

gboolean
tcia_metadata_csv_append_at (int          dest_fd,
                             const char  *display_path,
                             const char  *row,
                             GError     **error)
{
  return tcia_metadata_csv_append (display_path, row, error);
}

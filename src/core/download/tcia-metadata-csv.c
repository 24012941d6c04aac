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

#include "tcia-csv.h"
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
  tcia_csv_append_field (row, value);
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

static void
set_not_regular_error (GError     **error,
                       const char  *display_path)
{
  g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
               _("“%s” is not a regular file: move it away and try again."), display_path);
}

static void
set_too_large_error (GError     **error,
                     const char  *display_path)
{
  g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
               _("“%s” is larger than %d MB: move it away and try again."),
               display_path, TCIA_METADATA_CSV_MAX / (1024 * 1024));
}

/* What open(2) says of a FIFO (no reader, O_NONBLOCK), a socket, a link
 * (O_NOFOLLOW) or a folder. */
static gboolean
is_not_regular_errno (int errsv)
{
  return errsv == ELOOP || errsv == ENXIO || errsv == EISDIR;
}

/* The fields of the header that name the Series UID and the File Location;
 * the UID comes first in files that do not say. */
static void
find_columns (GPtrArray *header,
              guint     *uid_column,
              gint      *location_column)
{
  *uid_column = 0;
  *location_column = -1;
  for (guint i = header->len; i-- > 0;)
    {
      if (strcmp (header->pdata[i], "Series UID") == 0)
        *uid_column = i;
      else if (strcmp (header->pdata[i], "File Location") == 0)
        *location_column = i;
    }
}

static GHashTable *
parse_locations (const char *text,
                 gsize       len)
{
  GHashTable *locations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(TciaCsvReader) reader = tcia_csv_reader_new (text, len, ',');
  g_autoptr(GPtrArray) header = NULL;
  gboolean terminated = FALSE;
  GPtrArray *fields;
  gint location_column;
  guint uid_column;

  if (!tcia_csv_reader_next (reader, &header, &terminated) || !terminated)
    return locations;
  find_columns (header, &uid_column, &location_column);

  while (tcia_csv_reader_next (reader, &fields, &terminated))
    {
      g_autoptr(GPtrArray) row = fields;
      const char *uid;
      const char *location = "";

      /* A row cut short by a crash has no end: it does not count. */
      if (!terminated || uid_column >= row->len)
        continue;
      uid = row->pdata[uid_column];
      if (*uid == '\0')
        continue;
      if (location_column >= 0 && (guint) location_column < row->len)
        location = row->pdata[location_column];
      if (g_str_has_prefix (location, "./"))
        location += 2;
      g_hash_table_replace (locations, g_strdup (uid), g_strdup (location));
    }
  return locations;
}

/* All of @fd, at most TCIA_METADATA_CSV_MAX bytes, whatever fstat said. */
static GByteArray *
read_bounded (int          fd,
              const char  *display_path,
              GError     **error)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 buffer[64 * 1024];

  for (;;)
    {
      ssize_t n = read (fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int errsv = errno;

          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                       _("Could not read “%s”: %s"), display_path, g_strerror (errsv));
          return NULL;
        }
      if (n == 0)
        return g_steal_pointer (&data);
      if ((gsize) n > TCIA_METADATA_CSV_MAX - data->len)
        {
          set_too_large_error (error, display_path);
          return NULL;
        }
      g_byte_array_append (data, buffer, n);
    }
}

/* All of metadata.csv in the folder open as @dest_fd; empty when there is none. */
static GByteArray *
read_metadata (int          dest_fd,
               const char  *display_path,
               GError     **error)
{
  GByteArray *data;
  struct stat st;
  int fd;

  /* Non-blocking: opening a FIFO to read would wait for a writer. */
  fd = openat (dest_fd, TCIA_METADATA_CSV_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    return g_byte_array_new ();
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      int errsv = errno;

      if (fd >= 0)
        close (fd);
      if (is_not_regular_errno (errsv))
        set_not_regular_error (error, display_path);
      else
        g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                     _("Could not read “%s”: %s"), display_path, g_strerror (errsv));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      set_not_regular_error (error, display_path);
      return NULL;
    }
  if (st.st_size > TCIA_METADATA_CSV_MAX)
    {
      close (fd);
      set_too_large_error (error, display_path);
      return NULL;
    }
  data = read_bounded (fd, display_path, error);
  close (fd);

  return data;
}

GHashTable *
tcia_metadata_csv_read_locations (int          dest_fd,
                                  const char  *display_path,
                                  GError     **error)
{
  g_autoptr(GByteArray) data = NULL;

  g_return_val_if_fail (dest_fd >= 0, NULL);
  g_return_val_if_fail (display_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = read_metadata (dest_fd, display_path, error);
  if (data == NULL)
    return NULL;
  return parse_locations ((const char *) data->data, data->len);
}

GPtrArray *
tcia_metadata_csv_read_columns (int                 dest_fd,
                                const char         *display_path,
                                const char * const *columns,
                                GError            **error)
{
  g_autoptr(GByteArray) data = NULL;
  g_autoptr(TciaCsvReader) reader = NULL;
  g_autoptr(GPtrArray) header = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree int *index = NULL;
  gboolean terminated = FALSE;
  guint n_columns;
  GPtrArray *fields;

  g_return_val_if_fail (dest_fd >= 0, NULL);
  g_return_val_if_fail (display_path != NULL, NULL);
  g_return_val_if_fail (columns != NULL, NULL);

  data = read_metadata (dest_fd, display_path, error);
  if (data == NULL)
    return NULL;

  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  reader = tcia_csv_reader_new ((const char *) data->data, data->len, ',');
  if (!tcia_csv_reader_next (reader, &header, &terminated) || !terminated)
    return g_steal_pointer (&rows);

  n_columns = g_strv_length ((char **) columns);
  index = g_new (int, n_columns);
  for (guint c = 0; c < n_columns; c++)
    {
      index[c] = -1;
      for (guint h = 0; h < header->len; h++)
        if (g_strcmp0 (header->pdata[h], columns[c]) == 0)
          index[c] = (int) h;
    }

  while (tcia_csv_reader_next (reader, &fields, &terminated))
    {
      g_autoptr(GPtrArray) row = fields;
      char **values;

      /* A row cut short by a crash has no end: it does not count. */
      if (!terminated)
        continue;
      values = g_new0 (char *, n_columns + 1);
      for (guint c = 0; c < n_columns; c++)
        values[c] = g_strdup (index[c] >= 0 && (guint) index[c] < row->len
                              ? (const char *) row->pdata[index[c]] : "");
      g_ptr_array_add (rows, values);
    }

  return g_steal_pointer (&rows);
}

static void
set_write_error (GError     **error,
                 const char  *display_path,
                 int          errsv)
{
  g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
               _("Could not write “%s”: %s"), display_path, g_strerror (errsv));
}

static gboolean
append_at (int          dest_fd,
           const char  *name,
           const char  *display_path,
           const char  *row,
           GError     **error)
{
  const int flags = O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
  g_autofree char *text = NULL;
  struct stat st;
  gboolean created;
  gsize len;
  ssize_t n;
  int fd;

  fd = openat (dest_fd, name, flags | O_CREAT | O_EXCL, 0644);
  created = fd >= 0;
  if (created)
    text = g_strconcat (TCIA_METADATA_CSV_HEADER "\r\n", row, NULL);
  else if (errno == EEXIST)
    fd = openat (dest_fd, name, flags | O_APPEND);
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      int errsv = errno;

      if (fd >= 0)
        close (fd);
      if (is_not_regular_errno (errsv))
        set_not_regular_error (error, display_path);
      else
        set_write_error (error, display_path, errsv);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      set_not_regular_error (error, display_path);
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
        unlinkat (dest_fd, name, 0);
      else if (n > 0 && ftruncate (fd, st.st_size) < 0)
        g_debug ("Could not take a half-written row out of %s", display_path);
      close (fd);
      set_write_error (error, display_path, errsv);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

gboolean
tcia_metadata_csv_append_at (int          dest_fd,
                             const char  *display_path,
                             const char  *row,
                             GError     **error)
{
  g_return_val_if_fail (dest_fd >= 0, FALSE);
  g_return_val_if_fail (display_path != NULL, FALSE);
  g_return_val_if_fail (row != NULL, FALSE);

  return append_at (dest_fd, TCIA_METADATA_CSV_NAME, display_path, row, error);
}

gboolean
tcia_metadata_csv_append (const char  *path,
                          const char  *row,
                          GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  gboolean ok;
  int dest_fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (row != NULL, FALSE);

  dir = g_path_get_dirname (path);
  name = g_path_get_basename (path);
  dest_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dest_fd < 0)
    {
      set_write_error (error, path, errno);
      return FALSE;
    }
  ok = append_at (dest_fd, name, path, row, error);
  close (dest_fd);
  return ok;
}

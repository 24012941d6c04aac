/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-series-writer"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "tcia-series-writer-private.h"
#include "tcia-text.h"

/* One file of a series written beside others at once: its own descriptor
 * and MD5 state, so that the threads writing files share only the
 * writer's counters (under its lock). */
struct _TciaSeriesWriterFile
{
  TciaSeriesWriter *writer;
  int               fd;
  char             *name;
  gboolean          is_image;
  GChecksum        *md5;
  guint64           size;
  guint64           want_size;   /* G_MAXUINT64: not known */
  char             *want_md5;    /* or NULL */
};

static void
file_free (TciaSeriesWriterFile *file)
{
  if (file->fd >= 0)
    close (file->fd);
  g_free (file->name);
  g_clear_pointer (&file->md5, g_checksum_free);
  g_free (file->want_md5);
  g_free (file);
}

TciaSeriesWriterFile *
tcia_series_writer_file_new (TciaSeriesWriter  *writer,
                             const char        *name,
                             gboolean           is_image,
                             guint64            size,
                             const char        *md5,
                             GError           **error)
{
  TciaSeriesWriterFile *file;
  int part_fd = tcia_series_writer_get_part_fd (writer);
  int fd;

  g_return_val_if_fail (part_fd >= 0, NULL);

  if (!tcia_series_writer_check_name (name, error))
    return NULL;
  fd = tcia_series_writer_open_entry (part_fd, name, error);
  if (fd < 0)
    return NULL;

  file = g_new0 (TciaSeriesWriterFile, 1);
  file->writer = writer;
  file->fd = fd;
  file->name = g_strdup (name);
  file->is_image = is_image;
  file->want_size = size;
  if ((tcia_series_writer_get_flags (writer) & TCIA_EXTRACT_VERIFY_MD5) != 0)
    {
      file->md5 = g_checksum_new (G_CHECKSUM_MD5);
      file->want_md5 = g_ascii_strdown (md5 != NULL ? md5 : "", -1);
      if (*file->want_md5 == '\0')
        g_clear_pointer (&file->want_md5, g_free);
    }
  return file;
}

gboolean
tcia_series_writer_file_write (TciaSeriesWriterFile  *file,
                               const void            *data,
                               gsize                  len,
                               GError               **error)
{
  g_return_val_if_fail (file != NULL && file->fd >= 0, FALSE);

  if (file->is_image && !tcia_series_writer_account (file->writer, (gint64) len, error))
    return FALSE;
  file->size += len;
  if (file->md5 != NULL)
    g_checksum_update (file->md5, data, len);
  return tcia_series_writer_write_all (file->fd, data, len, file->name, error);
}

guint64
tcia_series_writer_file_get_size (TciaSeriesWriterFile *file)
{
  return file->size;
}

gboolean
tcia_series_writer_file_rewind (TciaSeriesWriterFile  *file,
                                GError               **error)
{
  g_return_val_if_fail (file != NULL && file->fd >= 0, FALSE);

  if (file->is_image)
    tcia_series_writer_account (file->writer, -(gint64) file->size, NULL);
  file->size = 0;
  if (file->md5 != NULL)
    g_checksum_reset (file->md5);
  if (ftruncate (file->fd, 0) < 0 || lseek (file->fd, 0, SEEK_SET) < 0)
    {
      tcia_series_writer_set_write_error (error, errno, file->name);
      return FALSE;
    }
  return TRUE;
}

gboolean
tcia_series_writer_file_close (TciaSeriesWriterFile  *file,
                               GError               **error)
{
  const char *md5 = file->md5 != NULL ? g_checksum_get_string (file->md5) : NULL;
  g_autofree char *shown = tcia_text_sanitize (file->name, TCIA_TEXT_MESSAGE_MAX);

  g_return_val_if_fail (file != NULL && file->fd >= 0, FALSE);

  if (file->want_size != G_MAXUINT64 && file->size != file->want_size)
    {
      g_autofree char *got = g_strdup_printf ("%" G_GUINT64_FORMAT, file->size);
      g_autofree char *want = g_strdup_printf ("%" G_GUINT64_FORMAT, file->want_size);

      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE,
                   _("“%s” arrived with %s bytes instead of the %s the server listed."),
                   shown, got, want);
      return FALSE;
    }
  if (file->want_md5 != NULL && strcmp (md5, file->want_md5) != 0)
    {
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM,
                   _("“%s” arrived damaged: its MD5 checksum does not match the server’s."),
                   shown);
      return FALSE;
    }

  if (close (file->fd) < 0)
    {
      file->fd = -1;
      tcia_series_writer_set_write_error (error, errno, file->name);
      tcia_series_writer_file_discard (file);
      return FALSE;
    }
  file->fd = -1;
  tcia_series_writer_record_file (file->writer, file->name, file->size, md5, file->is_image);
  file_free (file);
  return TRUE;
}

void
tcia_series_writer_file_discard (TciaSeriesWriterFile *file)
{
  int part_fd;

  if (file == NULL)
    return;
  part_fd = tcia_series_writer_get_part_fd (file->writer);
  if (file->is_image)
    tcia_series_writer_account (file->writer, -(gint64) file->size, NULL);
  /* The writer's own, made by tcia_series_writer_file_new() in its ".part"
   * folder; the whole folder goes on abort anyway. */
  if (part_fd >= 0)
    unlinkat (part_fd, file->name, 0);
  file_free (file);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-nbia-zip"

#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n.h>

#include "tcia-md5-list.h"
#include "tcia-nbia-zip.h"
#include "tcia-text.h"

/* getImage's ZIP (tcia-api.md §3.13), read through libarchive as it
 * arrives: each image entry into the series writer, md5hashes.csv written
 * and promised to the writer, LICENSE kept as text for the queue. */

#define READ_SIZE        (128 * 1024)
#define LICENSE_MAX      (1024 * 1024)
#define MD5_CSV_NAME     "md5hashes.csv"
#define MD5_CSV_MAX      (64 * 1024 * 1024)
#define LICENSE_NAME     "LICENSE"

typedef struct archive Archive;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Archive, archive_read_free)

typedef struct
{
  GInputStream            *stream;
  GCancellable            *cancellable;
  guint8                  *buffer;
  GError                  *error;
  guint64                  total;
  gboolean                 eof;
  gboolean                 not_zip;       /* the body does not start as a ZIP */
  GString                 *head;          /* its first bytes, to say what it was */
  const TciaExtractLimits *limits;
  gint64                   window_start_us;
  guint64                  window_start_total;
  TciaSeriesWriter        *writer;
} Reader;

#define HEAD_MAX 512

/* Whether the body has stopped keeping its pace, or the series its time. */
static gboolean
check_pace (Reader  *r,
            GError **error)
{
  const TciaExtractLimits *limits = r->limits;
  gint64 now = g_get_monotonic_time ();

  if (limits->deadline_us > 0 && now > limits->deadline_us)
    {
      g_autofree char *size = g_format_size (r->total);

      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_TIMEOUT,
                   _("The series took longer than its time limit (%s received): the server "
                     "is too slow. Try again later."),
                   size);
      return FALSE;
    }
  if (limits->window_ms > 0 && now - r->window_start_us >= (gint64) limits->window_ms * 1000)
    {
      guint64 got = r->total - r->window_start_total;

      if (got < limits->min_bytes)
        {
          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_NETWORK,
                       _("The server sent only %" PRIu64 " bytes in %u seconds: "
                         "the connection is stalled."),
                       got, limits->window_ms / 1000);
          return FALSE;
        }
      r->window_start_us = now;
      r->window_start_total = r->total;
    }
  return TRUE;
}

static la_ssize_t
read_cb (struct archive *a,
         void           *user_data,
         const void    **buffer)
{
  Reader *r = user_data;
  gssize n;

  n = g_input_stream_read (r->stream, r->buffer, READ_SIZE, r->cancellable, &r->error);
  if (n < 0)
    {
      archive_set_error (a, EIO, "%s", r->error->message);
      return -1;
    }
  if (r->head->len < HEAD_MAX && n > 0)
    {
      g_string_append_len (r->head, (const char *) r->buffer,
                           MIN ((gsize) n, HEAD_MAX - r->head->len));
      /* Every ZIP starts with a local header, or is empty ("PK\5\6"). */
      if (r->head->len >= 2 && memcmp (r->head->str, "PK", 2) != 0)
        r->not_zip = TRUE;
    }
  r->total += n;
  if (!check_pace (r, &r->error))
    {
      archive_set_error (a, EIO, "%s", r->error->message);
      return -1;
    }
  r->eof = n == 0;
  if (n > 0)
    tcia_series_writer_received (r->writer, r->total);
  *buffer = r->buffer;
  return n;
}

gboolean
tcia_nbia_zip_extract (GInputStream      *stream,
                       TciaSeriesWriter  *writer,
                       GCancellable      *cancellable,
                       GError           **error)
{
  g_autoptr(Archive) a = archive_read_new ();
  g_autoptr(GString) md5_csv = NULL;
  g_autofree guint8 *data = g_malloc (READ_SIZE);
  Reader reader = { 0 };
  struct archive_entry *entry;
  guint n_entries = 0;
  int r;
  gboolean ok = FALSE;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (writer != NULL, FALSE);

  reader.stream = stream;
  reader.cancellable = cancellable;
  reader.buffer = g_malloc (READ_SIZE);
  reader.head = g_string_new (NULL);
  reader.limits = tcia_series_writer_get_limits (writer);
  reader.window_start_us = g_get_monotonic_time ();
  reader.writer = writer;

  archive_read_support_format_zip_streamable (a);
  if (archive_read_open (a, &reader, NULL, read_cb, NULL) != ARCHIVE_OK)
    goto archive_failed;

  while ((r = archive_read_next_header (a, &entry)) == ARCHIVE_OK)
    {
      const char *name = archive_entry_pathname_utf8 (entry);
      mode_t type = archive_entry_filetype (entry);
      GString *keep = NULL;
      gsize keep_max = 0;
      gboolean open = FALSE;
      la_ssize_t n;

      if (name == NULL)
        name = archive_entry_pathname (entry);
      n_entries++;

      if (!tcia_series_writer_check_name (name, error))
        goto out;
      if (type == AE_IFDIR)
        continue;
      if (type != AE_IFREG || archive_entry_symlink (entry) != NULL ||
          archive_entry_hardlink (entry) != NULL)
        {
          g_autofree char *shown = tcia_text_sanitize (name, TCIA_TEXT_MESSAGE_MAX);

          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_UNSAFE_ENTRY,
                       _("The archive holds “%s”, a link or a special file, which is refused."),
                       shown);
          goto out;
        }

      if (strcmp (name, LICENSE_NAME) == 0)
        {
          /* Written once per collection by the queue, not in every series. */
          keep = g_string_new (NULL);
          keep_max = LICENSE_MAX;
        }
      else
        {
          gboolean is_image = strcmp (name, MD5_CSV_NAME) != 0;

          if (!is_image)
            {
              md5_csv = g_string_new (NULL);
              keep = md5_csv;
              keep_max = MD5_CSV_MAX;
            }
          if (!tcia_series_writer_open_file (writer, name, is_image, error))
            goto out;
          open = TRUE;
        }

      while ((n = archive_read_data (a, data, READ_SIZE)) > 0)
        {
          if (keep != NULL && keep->len + n <= keep_max)
            g_string_append_len (keep, (const char *) data, n);
          if (open && !tcia_series_writer_write (writer, data, n, error))
            goto out;
        }
      if (open && !tcia_series_writer_close_file (writer, error))
        goto out;
      if (n < 0)
        goto archive_failed;

      if (keep != NULL && keep != md5_csv)
        tcia_series_writer_set_license (writer, g_string_free (keep, FALSE));
    }
  if (r != ARCHIVE_EOF)
    goto archive_failed;

  if ((tcia_series_writer_get_n_images (writer) > 0 ||
       tcia_series_writer_get_expected_images (writer) > 0) &&
      (tcia_series_writer_get_flags (writer) & TCIA_EXTRACT_VERIFY_MD5) && md5_csv != NULL)
    {
      GHashTable *expected = tcia_md5_list_parse (md5_csv->str, md5_csv->len, error);

      if (expected == NULL)
        goto out;
      tcia_series_writer_promise_md5s (writer, expected);
    }
  ok = tcia_series_writer_finish (writer, error);
  goto out;

archive_failed:
  if (reader.not_zip && !g_error_matches (reader.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* A web page (a maintenance notice, a login portal) where the archive
       * should be: trying again at once would only get the same page. */
      g_autofree char *text = tcia_text_sanitize (reader.head->str, 120);

      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_NOT_ARCHIVE,
                   _("The server sent something else than the series’ archive (“%s”). It may "
                     "be down for maintenance: try again later."),
                   text);
      goto out;
    }
  if (reader.error != NULL && reader.error->domain == TCIA_DOWNLOAD_ERROR)
    {
      /* Our own pace or deadline check stopped the read. */
      g_propagate_error (error, g_steal_pointer (&reader.error));
      goto out;
    }
  /* libarchive stops at data it cannot inflate, which is what a body cut
   * short looks like: whether the connection is still there tells. */
  if (reader.error == NULL && !reader.eof)
    {
      gssize probe = g_input_stream_read (stream, data, READ_SIZE, cancellable, &reader.error);

      reader.eof = probe == 0;
    }
  if (reader.error != NULL)
    {
      if (g_error_matches (reader.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&reader.error));
      else
        g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_NETWORK,
                     _("The connection broke: %s"), reader.error->message);
    }
  else if (reader.eof && reader.total > 0)
    /* The body stopped in the middle of an entry: a connection that was
     * closed early, not a damaged archive. */
    g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_NETWORK,
                 _("The connection closed before the archive was complete (%s)."),
                 archive_error_string (a));
  else if (n_entries > 0 || reader.total == 0)
    g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE,
                 _("The archive ended early (%s)."), archive_error_string (a));
  else
    g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INVALID_ARCHIVE,
                 _("The server did not send a ZIP archive (%s)."), archive_error_string (a));

out:
  g_clear_error (&reader.error);
  g_string_free (reader.head, TRUE);
  g_free (reader.buffer);
  return ok;
}

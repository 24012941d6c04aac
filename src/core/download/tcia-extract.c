/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-extract"

#include "config.h"

#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n.h>

#include "tcia-dest.h"
#include "tcia-extract.h"
#include "tcia-md5-list.h"
#include "tcia-series-writer.h"
#include "tcia-text.h"

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
                       _("The server sent only %" G_GUINT64_FORMAT " bytes in %u seconds: "
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
tcia_extract_zip (GInputStream      *stream,
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

/* Reads a small file of the series folder, refusing links and anything
 * that is not a plain file; NULL when it is not there or not fit. */
static char *
read_small_file (int          dir_fd,
                 const char  *name,
                 gsize        max)
{
  g_autoptr(GString) text = g_string_new (NULL);
  char buf[65536];
  struct stat st;
  ssize_t n;
  int fd = openat (dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

  if (fd < 0)
    return NULL;
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || (guint64) st.st_size > max)
    {
      close (fd);
      return NULL;
    }
  while ((n = read (fd, buf, sizeof buf)) > 0 && text->len <= max)
    g_string_append_len (text, buf, n);
  close (fd);
  if (n < 0 || text->len > max)
    return NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The MD5 of the plain file @name below @dir_fd (never through a link), its
 * size in @size; NULL when it is not there or not a plain file. */
static char *
file_md5 (int           dir_fd,
          const char   *name,
          gboolean      want_md5,
          guint64      *size,
          guint8       *buffer,
          GCancellable *cancellable)
{
  g_autoptr(GChecksum) md5 = want_md5 ? g_checksum_new (G_CHECKSUM_MD5) : NULL;
  g_autofree char *folder = g_path_get_dirname (name);
  g_autofree char *base = g_path_get_basename (name);
  struct stat st;
  ssize_t n = 0;
  int sub_fd;
  int fd;

  sub_fd = strcmp (folder, ".") == 0 ? fcntl (dir_fd, F_DUPFD_CLOEXEC, 3)
                                     : tcia_dest_open_dir (dir_fd, folder, FALSE, "", NULL);
  if (sub_fd < 0)
    return NULL;
  fd = openat (sub_fd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  close (sub_fd);
  if (fd < 0)
    return NULL;
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      return NULL;
    }
  *size = st.st_size;
  while (md5 != NULL && !g_cancellable_is_cancelled (cancellable) &&
         (n = read (fd, buffer, READ_SIZE)) > 0)
    g_checksum_update (md5, buffer, n);
  close (fd);
  if (n < 0 || g_cancellable_is_cancelled (cancellable))
    return NULL;
  return g_strdup (md5 != NULL ? g_checksum_get_string (md5) : "");
}

static gboolean
set_damaged (GError     **error,
             const char  *name,
             const char  *why)
{
  g_autofree char *shown = tcia_text_sanitize (name, TCIA_TEXT_MESSAGE_MAX);

  g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE,
               "“%s” %s", shown, why);
  return FALSE;
}

gboolean
tcia_extract_check_dir (int            dir_fd,
                        GPtrArray     *files,
                        guint          expected_images,
                        gboolean       deep,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GHashTable) from_csv = NULL;
  g_autofree guint8 *buffer = g_malloc (READ_SIZE);
  guint n_images = 0;

  if (files == NULL)
    {
      g_autofree char *csv = read_small_file (dir_fd, MD5_CSV_NAME, MD5_CSV_MAX);

      if (csv == NULL)
        {
          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE,
                       _("The folder has no list of its files to check it by."));
          return FALSE;
        }
      from_csv = tcia_md5_list_parse (csv, strlen (csv), error);
      if (from_csv == NULL)
        {
          g_prefix_error (error, _("The folder’s md5hashes.csv is damaged: "));
          return FALSE;
        }
    }
  else if (deep)
    {
      /* The list has the MD5s only when they were computed while writing. */
      g_autofree char *csv = read_small_file (dir_fd, MD5_CSV_NAME, MD5_CSV_MAX);

      if (csv != NULL)
        from_csv = tcia_md5_list_parse (csv, strlen (csv), NULL);
    }

  if (files != NULL)
    {
      for (guint i = 0; i < files->len; i++)
        {
          TciaDestFile *file = g_ptr_array_index (files, i);
          const char *want = file->md5 != NULL && *file->md5 != '\0' ? file->md5 : NULL;
          g_autofree char *got = NULL;
          guint64 size = 0;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          if (!tcia_series_writer_name_is_safe (file->name))
            return set_damaged (error, file->name, _("is not a name the program writes."));
          if (want == NULL && from_csv != NULL)
            want = g_hash_table_lookup (from_csv, file->name);
          got = file_md5 (dir_fd, file->name, deep && want != NULL, &size, buffer, cancellable);
          if (got == NULL)
            return set_damaged (error, file->name, _("is missing."));
          if (size != file->size)
            return set_damaged (error, file->name, _("does not have the size it was written with."));
          if (deep && want != NULL && strcmp (got, want) != 0)
            return set_damaged (error, file->name, _("does not match its MD5 checksum."));
          if (strcmp (file->name, MD5_CSV_NAME) != 0)
            n_images++;
        }
    }
  else
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, from_csv);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_autofree char *got = NULL;
          guint64 size = 0;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          if (!tcia_series_writer_name_is_safe (key))
            return set_damaged (error, key, _("is not a name the program writes."));
          got = file_md5 (dir_fd, key, deep, &size, buffer, cancellable);
          if (got == NULL)
            return set_damaged (error, key, _("is missing."));
          if (size == 0)
            return set_damaged (error, key, _("is empty."));
          if (deep && strcmp (got, value) != 0)
            return set_damaged (error, key, _("does not match its MD5 checksum."));
          n_images++;
        }
    }

  if (n_images == 0 || n_images < expected_images)
    {
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE,
                   _("The folder holds %u of %u images."), n_images, MAX (expected_images, 1));
      return FALSE;
    }
  return TRUE;
}

gboolean
tcia_extract_remove_tree (const char  *path,
                          GError     **error)
{
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree char *name = g_path_get_basename (path);
  int fd = open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    {
      if (errno == ENOENT)
        return TRUE;
      tcia_series_writer_set_write_error (error, errno, path);
      return FALSE;
    }
  ok = tcia_dest_remove_tree (fd, name, error);
  close (fd);
  return ok;
}

gboolean
tcia_extract_verify_dir (const char    *dir_path,
                         guint          expected_images,
                         GCancellable  *cancellable,
                         GError       **error)
{
  int fd = open (dir_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    {
      tcia_series_writer_set_write_error (error, errno, dir_path);
      return FALSE;
    }
  ok = tcia_extract_check_dir (fd, NULL, expected_images, TRUE, cancellable, error);
  close (fd);
  return ok;
}

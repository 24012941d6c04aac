/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-extract"

#include "config.h"

#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n.h>

#include "tcia-extract.h"

#define READ_SIZE        (128 * 1024)
#define LICENSE_MAX      (1024 * 1024)
#define MD5_CSV_NAME     "md5hashes.csv"
#define MD5_CSV_MAX      (64 * 1024 * 1024)
#define LICENSE_NAME     "LICENSE"

G_DEFINE_QUARK (tcia-download-error-quark, tcia_download_error)

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
  TciaExtractProgressFunc  progress;
  gpointer                 progress_data;
} Reader;

gboolean
tcia_download_error_is_transient (const GError *error)
{
  if (error == NULL)
    return FALSE;
  if (error->domain == TCIA_DOWNLOAD_ERROR)
    return error->code == TCIA_DOWNLOAD_ERROR_NETWORK ||
           error->code == TCIA_DOWNLOAD_ERROR_SERVER ||
           error->code == TCIA_DOWNLOAD_ERROR_INCOMPLETE ||
           error->code == TCIA_DOWNLOAD_ERROR_CHECKSUM ||
           error->code == TCIA_DOWNLOAD_ERROR_INVALID_ARCHIVE;
  return FALSE;
}

void
tcia_extract_result_clear (TciaExtractResult *result)
{
  g_clear_pointer (&result->license_text, g_free);
  memset (result, 0, sizeof *result);
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
  r->total += n;
  r->eof = n == 0;
  if (r->progress != NULL && n > 0)
    r->progress (r->total, r->progress_data);
  *buffer = r->buffer;
  return n;
}

/* A relative name of plain components: no absolute path, no drive letter or
 * backslash (a Windows-made ZIP's separator), no "." or "..", no control
 * characters. */
static gboolean
entry_name_is_safe (const char *name)
{
  g_auto(GStrv) parts = NULL;

  if (name == NULL || *name == '\0' || name[0] == '/' || strchr (name, '\\') != NULL ||
      strchr (name, ':') != NULL || !g_utf8_validate (name, -1, NULL))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if ((guchar) *p < 0x20)
      return FALSE;

  parts = g_strsplit (name, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      /* A trailing "/" (a folder entry) leaves one empty last part. */
      if (*parts[i] == '\0' && parts[i + 1] == NULL && i > 0)
        continue;
      if (*parts[i] == '\0' || strcmp (parts[i], ".") == 0 || strcmp (parts[i], "..") == 0)
        return FALSE;
    }
  return TRUE;
}

static void
set_write_error (GError    **error,
                 int          errsv,
                 const char  *name)
{
  const char *hint = "";

  if (errsv == ENOSPC || errsv == EDQUOT || errsv == EFBIG)
    hint = _(" The disk is full or the file is larger than allowed: free some space and try again.");
  else if (errsv == EROFS || errsv == EACCES || errsv == EPERM)
    hint = _(" The destination cannot be written to: choose another folder.");

  g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
               _("Could not write “%s”: %s.%s"), name, g_strerror (errsv), hint);
}

/* Opens @name below @dirfd for writing, creating its folders, refusing links. */
static int
open_entry (int          dirfd,
            const char  *name,
            GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (name, "/", -1);
  guint n = g_strv_length (parts);
  int fd = dup (dirfd);
  int file;

  for (guint i = 0; i + 1 < n; i++)
    {
      int next;

      if (mkdirat (fd, parts[i], 0755) < 0 && errno != EEXIST)
        {
          int errsv = errno;
          close (fd);
          set_write_error (error, errsv, name);
          return -1;
        }
      next = openat (fd, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      close (fd);
      if (next < 0)
        {
          set_write_error (error, errno, name);
          return -1;
        }
      fd = next;
    }

  file = openat (fd, parts[n - 1], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (file < 0)
    {
      int errsv = errno;

      if (errsv == EEXIST)
        g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_UNSAFE_ENTRY,
                     _("The archive holds “%s” twice."), name);
      else
        set_write_error (error, errsv, name);
    }
  close (fd);
  return file;
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         len,
           const char   *name,
           GError      **error)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          set_write_error (error, errno, name);
          return FALSE;
        }
      data += n;
      len -= n;
    }
  return TRUE;
}

/* "Filename,MD5Hash" then "name,hash" lines (unordered, \n or \r\n). */
static GHashTable *
parse_md5_csv (const char *text)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *comma = strrchr (line, ',');

      if (comma == NULL || g_ascii_strcasecmp (line, "Filename,MD5Hash") == 0)
        continue;
      *comma = '\0';
      g_hash_table_replace (table, g_strdup (line), g_ascii_strdown (g_strstrip (comma + 1), -1));
    }
  return table;
}

static gboolean
check_md5s (GHashTable  *expected,
            GHashTable  *written,
            GError     **error)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, written);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *want = g_hash_table_lookup (expected, key);

      if (want == NULL)
        {
          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM,
                       _("The server sent “%s” without its checksum."), (const char *) key);
          return FALSE;
        }
      if (strcmp (want, value) != 0)
        {
          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM,
                       _("“%s” arrived damaged: its MD5 checksum does not match the server’s."),
                       (const char *) key);
          return FALSE;
        }
    }
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!g_hash_table_contains (written, key))
        {
          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE,
                       _("The archive ended without “%s”."), (const char *) key);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
tcia_extract_zip (GInputStream             *stream,
                  const char               *dir_path,
                  guint                     expected_images,
                  TciaExtractFlags          flags,
                  TciaExtractProgressFunc   progress,
                  gpointer                  progress_data,
                  TciaExtractResult        *result,
                  GCancellable             *cancellable,
                  GError                  **error)
{
  g_autoptr(Archive) a = archive_read_new ();
  g_autoptr(GHashTable) written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) expected = NULL;
  g_autoptr(GString) md5_csv = NULL;
  g_autofree guint8 *data = g_malloc (READ_SIZE);
  Reader reader = { 0 };
  struct archive_entry *entry;
  guint n_entries = 0;
  int dirfd;
  int r;
  gboolean ok = FALSE;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (dir_path != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  memset (result, 0, sizeof *result);

  dirfd = open (dir_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dirfd < 0)
    {
      set_write_error (error, errno, dir_path);
      return FALSE;
    }

  reader.stream = stream;
  reader.cancellable = cancellable;
  reader.buffer = g_malloc (READ_SIZE);
  reader.progress = progress;
  reader.progress_data = progress_data;

  archive_read_support_format_zip_streamable (a);
  if (archive_read_open (a, &reader, NULL, read_cb, NULL) != ARCHIVE_OK)
    goto archive_failed;

  while ((r = archive_read_next_header (a, &entry)) == ARCHIVE_OK)
    {
      const char *name = archive_entry_pathname_utf8 (entry);
      mode_t type = archive_entry_filetype (entry);
      g_autoptr(GChecksum) md5 = NULL;
      gboolean is_image = FALSE;
      GString *keep = NULL;
      gsize keep_max = 0;
      int fd = -1;
      la_ssize_t n;

      if (name == NULL)
        name = archive_entry_pathname (entry);
      n_entries++;

      if (!entry_name_is_safe (name))
        {
          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_UNSAFE_ENTRY,
                       _("The archive holds a file named “%s”, which would be written outside "
                         "its folder; nothing of it was written."),
                       name != NULL ? name : "");
          goto out;
        }
      if (type == AE_IFDIR)
        continue;
      if (type != AE_IFREG || archive_entry_symlink (entry) != NULL ||
          archive_entry_hardlink (entry) != NULL)
        {
          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_UNSAFE_ENTRY,
                       _("The archive holds “%s”, a link or a special file, which is refused."),
                       name);
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
          if (strcmp (name, MD5_CSV_NAME) == 0)
            {
              md5_csv = g_string_new (NULL);
              keep = md5_csv;
              keep_max = MD5_CSV_MAX;
            }
          else
            {
              is_image = TRUE;
              if (flags & TCIA_EXTRACT_VERIFY_MD5)
                md5 = g_checksum_new (G_CHECKSUM_MD5);
            }
          fd = open_entry (dirfd, name, error);
          if (fd < 0)
            goto out;
        }

      while ((n = archive_read_data (a, data, READ_SIZE)) > 0)
        {
          if (md5 != NULL)
            g_checksum_update (md5, data, n);
          if (keep != NULL && keep->len + n <= keep_max)
            g_string_append_len (keep, (const char *) data, n);
          if (fd >= 0 && !write_all (fd, data, n, name, error))
            {
              close (fd);
              goto out;
            }
          if (is_image)
            result->bytes_written += n;
        }
      if (fd >= 0 && close (fd) < 0)
        {
          set_write_error (error, errno, name);
          goto out;
        }
      if (n < 0)
        goto archive_failed;

      if (is_image)
        {
          if (md5 != NULL)
            g_hash_table_replace (written, g_strdup (name),
                                  g_strdup (g_checksum_get_string (md5)));
          result->n_images++;
        }
      else if (keep != NULL && keep != md5_csv)
        {
          result->license_text = g_string_free (keep, FALSE);
        }
    }
  if (r != ARCHIVE_EOF)
    goto archive_failed;

  if ((flags & TCIA_EXTRACT_VERIFY_MD5) && md5_csv != NULL)
    {
      expected = parse_md5_csv (md5_csv->str);
      if (!check_md5s (expected, written, error))
        goto out;
    }
  else if ((flags & TCIA_EXTRACT_VERIFY_MD5) && (flags & TCIA_EXTRACT_REQUIRE_MD5))
    {
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE,
                   _("The archive ended early (%u of %u images, no checksums)."),
                   result->n_images, expected_images);
      goto out;
    }

  if (expected_images > 0 && result->n_images < expected_images)
    {
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE,
                   _("The archive ended early: %u of %u images."),
                   result->n_images, expected_images);
      goto out;
    }

  ok = TRUE;
  goto out;

archive_failed:
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
  if (!ok)
    tcia_extract_result_clear (result);
  close (dirfd);
  g_clear_error (&reader.error);
  g_free (reader.buffer);
  return ok;
}

static int
remove_cb (const char        *path,
           const struct stat *st,
           int                flag,
           struct FTW        *ftw)
{
  return remove (path) < 0 && errno != ENOENT ? -1 : 0;
}

gboolean
tcia_extract_remove_tree (const char  *path,
                          GError     **error)
{
  struct stat st;

  if (lstat (path, &st) < 0 && errno == ENOENT)
    return TRUE;
  if (nftw (path, remove_cb, 16, FTW_DEPTH | FTW_PHYS) != 0)
    {
      int errsv = errno;

      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                   _("Could not remove “%s”: %s"), path, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

gboolean
tcia_extract_verify_dir (const char    *dir_path,
                         guint          expected_images,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autofree char *csv_path = g_build_filename (dir_path, MD5_CSV_NAME, NULL);
  g_autofree char *csv = NULL;
  g_autoptr(GHashTable) expected = NULL;
  g_autoptr(GHashTable) actual = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree guint8 *data = NULL;
  GHashTableIter iter;
  gpointer key;

  if (!g_file_get_contents (csv_path, &csv, NULL, NULL))
    {
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE,
                   _("“%s” has no checksums to verify it by."), dir_path);
      return FALSE;
    }
  expected = parse_md5_csv (csv);
  if (g_hash_table_size (expected) < expected_images)
    {
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE,
                   _("“%s” holds %u of %u images."), dir_path,
                   g_hash_table_size (expected), expected_images);
      return FALSE;
    }

  data = g_malloc (READ_SIZE);
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autofree char *path = NULL;
      g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
      ssize_t n;
      int fd;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!entry_name_is_safe (key))
        continue;
      path = g_build_filename (dir_path, key, NULL);
      fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        continue;
      while ((n = read (fd, data, READ_SIZE)) > 0)
        g_checksum_update (md5, data, n);
      close (fd);
      if (n == 0)
        g_hash_table_replace (actual, g_strdup (key), g_strdup (g_checksum_get_string (md5)));
    }

  return check_md5s (expected, actual, error);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-series-writer"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "tcia-dest.h"
#include "tcia-http.h"
#include "tcia-series-writer.h"
#include "tcia-series-writer-private.h"
#include "tcia-text.h"

#define MD5_CSV_NAME "md5hashes.csv"

G_DEFINE_QUARK (tcia-download-error-quark, tcia_download_error)

struct _TciaSeriesWriter
{
  /* borrowed */
  int                      root_fd;
  int                      parent_fd;

  /* owned */
  char                    *dest_path;
  char                    *rel;
  char                    *leaf;
  char                    *part;
  char                    *series_uid;
  guint                    expected_images;
  TciaExtractFlags         flags;
  TciaExtractLimits        limits;
  TciaExtractProgressFunc  progress;
  gpointer                 progress_data;

  /* of the attempt; what several files written at once share is under
   * @lock (tcia-series-writer-file.c) */
  GMutex                   lock;
  int                      part_fd;
  guint64                  received;
  GPtrArray               *files;        /* TciaDestFile: every file written */
  GHashTable              *written;      /* image name -> its MD5, when computed */
  GHashTable              *promised;     /* image name -> MD5, from the source; or NULL */
  char                    *license_text;
  guint                    n_images;
  guint64                  bytes_written; /* of the images */

  /* of the file open */
  int                      fd;
  char                    *name;
  GChecksum               *md5;
  gboolean                 is_image;
  guint64                  size;
};

/* A relative name of plain components: no absolute path, no drive letter or
 * backslash (a Windows-made ZIP's separator), no "." or "..", no control
 * characters. */
gboolean
tcia_series_writer_name_is_safe (const char *name)
{
  g_auto(GStrv) parts = NULL;

  if (name == NULL || *name == '\0' || name[0] == '/' || strchr (name, '\\') != NULL ||
      strchr (name, ':') != NULL || strlen (name) > TCIA_EXTRACT_NAME_MAX ||
      !g_utf8_validate (name, -1, NULL))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if ((guchar) *p < 0x20)
      return FALSE;

  parts = g_strsplit (name, "/", -1);
  if (g_strv_length (parts) > TCIA_EXTRACT_DEPTH_MAX)
    return FALSE;
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

gboolean
tcia_series_writer_check_name (const char  *name,
                               GError     **error)
{
  g_autofree char *shown = NULL;

  if (tcia_series_writer_name_is_safe (name))
    return TRUE;

  shown = tcia_text_sanitize (name, TCIA_TEXT_MESSAGE_MAX);
  g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_UNSAFE_ENTRY,
               _("The archive holds a file named “%s”, which would be written outside "
                 "its folder; nothing of it was written."),
               shown);
  return FALSE;
}

void
tcia_series_writer_set_write_error (GError    **error,
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
int
tcia_series_writer_open_entry (int          dirfd,
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
          tcia_series_writer_set_write_error (error, errsv, name);
          return -1;
        }
      next = openat (fd, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      close (fd);
      if (next < 0)
        {
          tcia_series_writer_set_write_error (error, errno, name);
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
        tcia_series_writer_set_write_error (error, errsv, name);
    }
  close (fd);
  return file;
}

gboolean
tcia_series_writer_write_all (int           fd,
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
          tcia_series_writer_set_write_error (error, errno, name);
          return FALSE;
        }
      data += n;
      len -= n;
    }
  return TRUE;
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

/* The most the images may add up to, so far. */
static gboolean
within_bound (TciaSeriesWriter  *w,
              GError           **error)
{
  guint64 bound = w->limits.size_bound;

  if (bound == 0)
    bound = w->received * TCIA_EXTRACT_MAX_RATIO + TCIA_EXTRACT_SLACK_BYTES;
  if (w->bytes_written <= bound)
    return TRUE;

  {
    g_autofree char *shown = g_format_size (bound);

    g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_TOO_LARGE,
                 w->limits.size_bound > 0
                 ? _("The archive unpacks to more than %s, far more than the server says the "
                     "series holds: it is damaged or not what it claims to be.")
                 : _("The archive unpacks to more than %s, far more than its size can hold: "
                     "it is damaged or not what it claims to be."),
                 shown);
  }
  return FALSE;
}

static gboolean
set_move_error (GError           **error,
                int                errsv,
                TciaSeriesWriter  *w)
{
  g_autofree char *path = g_build_filename (w->dest_path, w->rel, NULL);
  g_autofree char *shown = tcia_text_sanitize (path, 0);

  g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
               _("Could not move the series into “%s”: %s."), shown, g_strerror (errsv));
  return FALSE;
}

/* Removes from the old folder of a damaged series the files the program
 * wrote there (by the old list, else the old md5hashes.csv, and the names
 * of the new download), then the folder when nothing else is left in it. */
static void
remove_written (int         folder_fd,
                GPtrArray  *old_files,
                GPtrArray  *new_files)
{
  GPtrArray *lists[] = { old_files, new_files };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; lists[l] != NULL && i < lists[l]->len; i++)
      {
        TciaDestFile *file = g_ptr_array_index (lists[l], i);

        if (strchr (file->name, '/') == NULL)
          unlinkat (folder_fd, file->name, 0);
      }
  unlinkat (folder_fd, MD5_CSV_NAME, 0);
}

/* Puts the checked files of @part into @leaf: a rename of the whole folder,
 * or, when @leaf is still there (it holds files the program did not write,
 * which stay), a rename of each file into it. */
static gboolean
install (TciaSeriesWriter  *w,
         GError           **error)
{
  int parent_fd = w->parent_fd;
  const char *part = w->part;
  const char *leaf = w->leaf;
  GPtrArray *files = w->files;
  int part_fd;
  int leaf_fd;

  if (renameat (parent_fd, part, parent_fd, leaf) == 0)
    return TRUE;
  if (errno != ENOTEMPTY && errno != EEXIST)
    return set_move_error (error, errno, w);

  part_fd = openat (parent_fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  leaf_fd = openat (parent_fd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  for (guint i = 0; part_fd >= 0 && leaf_fd >= 0 && i < files->len; i++)
    {
      TciaDestFile *file = g_ptr_array_index (files, i);
      g_autofree char *folder = g_path_get_dirname (file->name);
      int to_fd = strcmp (folder, ".") == 0
                  ? fcntl (leaf_fd, F_DUPFD_CLOEXEC, 3)
                  : tcia_dest_open_dir (leaf_fd, folder, TRUE, w->dest_path, error);
      int from_fd = strcmp (folder, ".") == 0
                    ? fcntl (part_fd, F_DUPFD_CLOEXEC, 3)
                    : tcia_dest_open_dir (part_fd, folder, FALSE, w->dest_path, NULL);
      g_autofree char *base = g_path_get_basename (file->name);
      int errsv = 0;

      if (to_fd < 0 || from_fd < 0 || renameat (from_fd, base, to_fd, base) < 0)
        errsv = errno != 0 ? errno : EIO;
      if (to_fd >= 0)
        close (to_fd);
      if (from_fd >= 0)
        close (from_fd);
      if (errsv != 0)
        {
          close (part_fd);
          close (leaf_fd);
          if (error != NULL && *error != NULL)
            return FALSE;
          return set_move_error (error, errsv, w);
        }
    }
  if (part_fd >= 0)
    close (part_fd);
  if (leaf_fd >= 0)
    close (leaf_fd);
  return tcia_dest_remove_tree (parent_fd, part, error);
}

static void
close_open_file (TciaSeriesWriter *w)
{
  if (w->fd >= 0)
    close (w->fd);
  w->fd = -1;
  g_clear_pointer (&w->name, g_free);
  g_clear_pointer (&w->md5, g_checksum_free);
  w->size = 0;
}

static void
reset_attempt (TciaSeriesWriter *w)
{
  close_open_file (w);
  if (w->part_fd >= 0)
    close (w->part_fd);
  w->part_fd = -1;
  w->received = 0;
  g_clear_pointer (&w->files, g_ptr_array_unref);
  g_clear_pointer (&w->written, g_hash_table_unref);
  g_clear_pointer (&w->promised, g_hash_table_unref);
  g_clear_pointer (&w->license_text, g_free);
  w->n_images = 0;
  w->bytes_written = 0;
}

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
  return tcia_http_error_is_transient (error);
}

void
tcia_extract_limits_init (TciaExtractLimits *limits,
                          guint64            declared_size)
{
  memset (limits, 0, sizeof *limits);
  if (declared_size > 0)
    limits->size_bound = declared_size + MAX (declared_size / 2, TCIA_EXTRACT_SLACK_BYTES);
  limits->min_bytes = 1024;
  limits->window_ms = 60 * 1000;
}

TciaSeriesWriter *
tcia_series_writer_new (int                      root_fd,
                        int                      parent_fd,
                        const char              *dest_path,
                        const char              *rel,
                        const char              *series_uid,
                        guint                    expected_images,
                        TciaExtractFlags         flags,
                        const TciaExtractLimits *limits)
{
  TciaSeriesWriter *w = g_new0 (TciaSeriesWriter, 1);

  g_return_val_if_fail (parent_fd >= 0, NULL);

  w->root_fd = root_fd;
  w->parent_fd = parent_fd;
  w->dest_path = g_strdup (dest_path);
  w->rel = g_strdup (rel);
  w->leaf = g_path_get_basename (rel);
  w->part = g_strconcat (w->leaf, ".part", NULL);
  w->series_uid = g_strdup (series_uid);
  w->expected_images = expected_images;
  w->flags = flags;
  if (limits != NULL)
    w->limits = *limits;
  else
    tcia_extract_limits_init (&w->limits, 0);
  w->part_fd = -1;
  w->fd = -1;
  g_mutex_init (&w->lock);
  return w;
}

void
tcia_series_writer_free (TciaSeriesWriter *w)
{
  if (w == NULL)
    return;
  reset_attempt (w);
  g_free (w->dest_path);
  g_free (w->rel);
  g_free (w->leaf);
  g_free (w->part);
  g_free (w->series_uid);
  g_mutex_clear (&w->lock);
  g_free (w);
}

void
tcia_series_writer_set_progress (TciaSeriesWriter        *w,
                                 TciaExtractProgressFunc  progress,
                                 gpointer                 progress_data)
{
  w->progress = progress;
  w->progress_data = progress_data;
}

TciaExtractFlags
tcia_series_writer_get_flags (TciaSeriesWriter *w)
{
  return w->flags;
}

void
tcia_series_writer_add_flags (TciaSeriesWriter *w,
                              TciaExtractFlags  flags)
{
  w->flags |= flags;
}

const TciaExtractLimits *
tcia_series_writer_get_limits (TciaSeriesWriter *w)
{
  return &w->limits;
}

guint
tcia_series_writer_get_expected_images (TciaSeriesWriter *w)
{
  return w->expected_images;
}

gboolean
tcia_series_writer_begin (TciaSeriesWriter  *w,
                          GError           **error)
{
  reset_attempt (w);
  w->files = g_ptr_array_new_with_free_func ((GDestroyNotify) tcia_dest_file_free);
  w->written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  /* A ".part" folder is the program's own, left by a stop. */
  if (!tcia_dest_remove_tree (w->parent_fd, w->part, error))
    return FALSE;
  if (mkdirat (w->parent_fd, w->part, 0755) < 0 ||
      (w->part_fd = openat (w->parent_fd, w->part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                            O_CLOEXEC)) < 0)
    {
      int errsv = errno;
      g_autofree char *path = g_build_filename (w->dest_path, w->rel, NULL);
      g_autofree char *shown = tcia_text_sanitize (path, 0);

      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                   _("Could not create the folder “%s.part”: %s."), shown, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

void
tcia_series_writer_received (TciaSeriesWriter *w,
                             guint64           total)
{
  g_mutex_lock (&w->lock);
  w->received = total;
  if (w->progress != NULL)
    w->progress (total, w->progress_data);
  g_mutex_unlock (&w->lock);
}

gboolean
tcia_series_writer_open_file (TciaSeriesWriter  *w,
                              const char        *name,
                              gboolean           is_image,
                              GError           **error)
{
  g_return_val_if_fail (w->part_fd >= 0, FALSE);
  g_return_val_if_fail (w->fd < 0, FALSE);

  /* A trailing "/" names a folder, not a file. */
  if (!tcia_series_writer_check_name (g_str_has_suffix (name, "/") ? "" : name, error))
    return FALSE;
  w->fd = tcia_series_writer_open_entry (w->part_fd, name, error);
  if (w->fd < 0)
    return FALSE;
  w->name = g_strdup (name);
  w->is_image = is_image;
  w->size = 0;
  if (is_image && (w->flags & TCIA_EXTRACT_VERIFY_MD5))
    w->md5 = g_checksum_new (G_CHECKSUM_MD5);
  return TRUE;
}

gboolean
tcia_series_writer_write (TciaSeriesWriter  *w,
                          const void        *data,
                          gsize              len,
                          GError           **error)
{
  g_return_val_if_fail (w->fd >= 0, FALSE);

  if (w->md5 != NULL)
    g_checksum_update (w->md5, data, len);
  w->size += len;
  if (w->is_image)
    {
      w->bytes_written += len;
      if (!within_bound (w, error))
        return FALSE;
    }
  return tcia_series_writer_write_all (w->fd, data, len, w->name, error);
}

gboolean
tcia_series_writer_close_file (TciaSeriesWriter  *w,
                               GError           **error)
{
  g_return_val_if_fail (w->fd >= 0, FALSE);

  if (close (w->fd) < 0)
    {
      w->fd = -1;
      tcia_series_writer_set_write_error (error, errno, w->name);
      close_open_file (w);
      return FALSE;
    }
  w->fd = -1;

  tcia_series_writer_record_file (w, w->name, w->size,
                                  w->md5 != NULL ? g_checksum_get_string (w->md5) : NULL,
                                  w->is_image);
  close_open_file (w);
  return TRUE;
}

int
tcia_series_writer_get_part_fd (TciaSeriesWriter *w)
{
  return w->part_fd;
}

void
tcia_series_writer_record_file (TciaSeriesWriter *w,
                                const char       *name,
                                guint64           size,
                                const char       *md5,
                                gboolean          is_image)
{
  TciaDestFile *file = g_new0 (TciaDestFile, 1);

  file->name = g_strdup (name);
  file->size = size;
  file->md5 = g_strdup (md5 != NULL ? md5 : "");
  g_mutex_lock (&w->lock);
  g_ptr_array_add (w->files, file);
  if (is_image)
    {
      if (md5 != NULL)
        g_hash_table_replace (w->written, g_strdup (name), g_strdup (md5));
      w->n_images++;
    }
  g_mutex_unlock (&w->lock);
}

gboolean
tcia_series_writer_account (TciaSeriesWriter  *w,
                            gint64             delta,
                            GError           **error)
{
  gboolean ok;

  g_mutex_lock (&w->lock);
  w->bytes_written += delta;
  ok = delta <= 0 || within_bound (w, error);
  g_mutex_unlock (&w->lock);
  return ok;
}

void
tcia_series_writer_promise_md5s (TciaSeriesWriter *w,
                                 GHashTable       *md5s)
{
  g_clear_pointer (&w->promised, g_hash_table_unref);
  w->promised = md5s;
}

void
tcia_series_writer_set_license (TciaSeriesWriter *w,
                                char             *text)
{
  g_free (w->license_text);
  w->license_text = text;
}

gboolean
tcia_series_writer_finish (TciaSeriesWriter  *w,
                           GError           **error)
{
  if (w->n_images == 0 && w->expected_images == 0)
    {
      /* An empty archive (or one with only an empty md5hashes.csv) is what
       * a server that lost the series sends: never a complete series. With
       * a count from the server, it is a body cut short (below). */
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_NO_IMAGES,
                   _("The server sent no images for this series."));
      return FALSE;
    }
  if ((w->flags & TCIA_EXTRACT_VERIFY_MD5) && w->promised != NULL)
    {
      if (!check_md5s (w->promised, w->written, error))
        return FALSE;
    }
  else if ((w->flags & TCIA_EXTRACT_VERIFY_MD5) && (w->flags & TCIA_EXTRACT_REQUIRE_MD5))
    {
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE,
                   _("The archive ended early (%u of %u images, no checksums)."),
                   w->n_images, w->expected_images);
      return FALSE;
    }

  if (w->expected_images > 0 && w->n_images < w->expected_images)
    {
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE,
                   _("The archive ended early: %u of %u images."),
                   w->n_images, w->expected_images);
      return FALSE;
    }
  return TRUE;
}

gboolean
tcia_series_writer_commit (TciaSeriesWriter  *w,
                           gboolean           replace,
                           GPtrArray         *old_files,
                           GError           **error)
{
  g_return_val_if_fail (w->fd < 0, FALSE);

  if (w->part_fd >= 0)
    close (w->part_fd);
  w->part_fd = -1;

  if (!tcia_dest_uid_is_safe (w->series_uid) ||
      !tcia_dest_write_file_list (w->root_fd, w->series_uid, w->files, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_UNKNOWN_SERIES,
                     _("The series’ UID is not a DICOM UID."));
      return FALSE;
    }
  if (replace)
    {
      int leaf_fd = openat (w->parent_fd, w->leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                            O_CLOEXEC);

      if (leaf_fd >= 0)
        {
          remove_written (leaf_fd, old_files, w->files);
          close (leaf_fd);
          unlinkat (w->parent_fd, w->leaf, AT_REMOVEDIR);
        }
    }
  return install (w, error);
}

void
tcia_series_writer_abort (TciaSeriesWriter *w)
{
  close_open_file (w);
  if (w->part_fd >= 0)
    close (w->part_fd);
  w->part_fd = -1;
  tcia_dest_remove_tree (w->parent_fd, w->part, NULL);
}

guint
tcia_series_writer_get_n_images (TciaSeriesWriter *w)
{
  return w->n_images;
}

guint64
tcia_series_writer_get_bytes (TciaSeriesWriter *w)
{
  return w->bytes_written;
}

const char *
tcia_series_writer_get_license (TciaSeriesWriter *w)
{
  return w->license_text;
}

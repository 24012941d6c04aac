/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-extract"

/* Checking a series folder written earlier, before it is skipped or
 * adopted. */

#include "config.h"

#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "tcia-dest.h"
#include "tcia-extract.h"
#include "tcia-md5-list.h"
#include "tcia-series-writer.h"
#include "tcia-text.h"

#define READ_SIZE        (128 * 1024)
#define MD5_CSV_NAME     "md5hashes.csv"
#define MD5_CSV_MAX      (64 * 1024 * 1024)

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
      g_autofree char *csv = tcia_dest_read_small_file (dir_fd, MD5_CSV_NAME, MD5_CSV_MAX);

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
      g_autofree char *csv = tcia_dest_read_small_file (dir_fd, MD5_CSV_NAME, MD5_CSV_MAX);

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

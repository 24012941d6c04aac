/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-dest"

#include "config.h"

#include <inttypes.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "tcia-dest.h"
#include "tcia-extract.h"
#include "tcia-text.h"
#include "tcia-citations.h"

#define LOCK_NAME      "lock"
#define FILES_DIR      "files"
#define FILE_LIST_MAX  (64 * 1024 * 1024)

static char *
display_path (const char *root,
              const char *rel)
{
  g_autofree char *path = rel != NULL && *rel != '\0' ? g_build_filename (root, rel, NULL)
                                                       : g_strdup (root);

  return tcia_text_sanitize (path, 0);
}

/* @format says what failed, with the path; the reason and a hint follow. */
static void set_errno_error (GError     **error,
                             int          errsv,
                             const char  *format,
                             ...) G_GNUC_PRINTF (3, 4);

static void
set_errno_error (GError     **error,
                 int          errsv,
                 const char  *format,
                 ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (errsv == EROFS || errsv == EACCES || errsv == EPERM)
    g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                 _("%s: %s. The destination is read-only: choose another folder."),
                 message, g_strerror (errsv));
  else if (errsv == ENOSPC || errsv == EDQUOT)
    g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                 _("%s: %s. The disk is full: free some space and try again."),
                 message, g_strerror (errsv));
  else
    g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                 "%s: %s.", message, g_strerror (errsv));
}

int
tcia_dest_open_root (const char  *path,
                     GError     **error)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    {
      g_autofree char *shown = display_path (path, NULL);

      set_errno_error (error, errno, _("Could not open the folder “%s”"), shown);
    }
  return fd;
}

/* Says what is in the way of a folder at @name in @dir_fd. */
static void
set_in_the_way_error (GError     **error,
                      int          dir_fd,
                      const char  *name,
                      const char  *shown)
{
  struct stat st;

  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
    g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_IN_THE_WAY,
                 _("“%s” is a link. Links inside the destination are not followed: move it "
                   "away or choose another folder."),
                 shown);
  else
    g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_IN_THE_WAY,
                 _("“%s” is in the way: a folder should be there. Move it away or choose "
                   "another folder."),
                 shown);
}

int
tcia_dest_open_dir (int          root_fd,
                    const char  *rel,
                    gboolean     create,
                    const char  *display_root,
                    GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (rel != NULL ? rel : "", "/", -1);
  g_autoptr(GString) walked = g_string_new (NULL);
  int fd = fcntl (root_fd, F_DUPFD_CLOEXEC, 3);

  if (fd < 0)
    {
      set_errno_error (error, errno, _("Could not open the folder “%s”"), display_root);
      return -1;
    }

  for (guint i = 0; parts[i] != NULL; i++)
    {
      int next;

      if (*parts[i] == '\0')
        continue;
      if (walked->len > 0)
        g_string_append_c (walked, '/');
      g_string_append (walked, parts[i]);
      g_assert (strcmp (parts[i], ".") != 0 && strcmp (parts[i], "..") != 0);

      if (create && mkdirat (fd, parts[i], 0755) < 0 && errno != EEXIST)
        {
          int errsv = errno;
          g_autofree char *shown = display_path (display_root, walked->str);

          close (fd);
          set_errno_error (error, errsv, _("Could not create the folder “%s”"), shown);
          return -1;
        }
      next = openat (fd, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0)
        {
          int errsv = errno;
          g_autofree char *shown = display_path (display_root, walked->str);

          if (errsv == ELOOP || errsv == ENOTDIR)
            set_in_the_way_error (error, fd, parts[i], shown);
          else
            set_errno_error (error, errsv, _("Could not open the folder “%s”"), shown);
          close (fd);
          return -1;
        }
      close (fd);
      fd = next;
    }
  return fd;
}

gboolean
tcia_dest_exists (int         dir_fd,
                  const char *name)
{
  struct stat st;

  return fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

typedef struct
{
  char  *name;   /* in its parent */
  dev_t  parent_dev;
  ino_t  parent_ino;
} Level;

static void
level_free (gpointer data)
{
  Level *level = data;

  g_free (level->name);
  g_free (level);
}

/* Empties the folder @fd of everything but folders; the name of one folder
 * found in it, NULL when it holds none. */
static gboolean
empty_files (int      fd,
             char   **subdir,
             int     *errsv)
{
  int copy = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  DIR *dir;
  struct dirent *ent;

  *subdir = NULL;
  if (copy < 0 || (dir = fdopendir (copy)) == NULL)
    {
      *errsv = errno;
      if (copy >= 0)
        close (copy);
      return FALSE;
    }
  rewinddir (dir);
  while ((ent = readdir (dir)) != NULL)
    {
      gboolean is_dir;

      if (strcmp (ent->d_name, ".") == 0 || strcmp (ent->d_name, "..") == 0)
        continue;
      if (ent->d_type == DT_UNKNOWN)
        {
          struct stat st;

          is_dir = fstatat (fd, ent->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                   S_ISDIR (st.st_mode);
        }
      else
        is_dir = ent->d_type == DT_DIR;

      if (is_dir)
        {
          *subdir = g_strdup (ent->d_name);
          break;
        }
      if (unlinkat (fd, ent->d_name, 0) < 0 && errno != ENOENT)
        {
          *errsv = errno;
          closedir (dir);
          return FALSE;
        }
    }
  closedir (dir);
  return TRUE;
}

/* Depth first, holding one directory handle at a time: going up is ".."
 * checked against the parent it came from, so a folder moved meanwhile
 * stops the walk instead of sending it elsewhere. */
gboolean
tcia_dest_remove_tree (int          dir_fd,
                       const char  *name,
                       GError     **error)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new_with_free_func (level_free);
  struct stat st;
  int fd;
  int errsv = 0;

  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    {
      if (errno == ENOENT)
        return TRUE;
      errsv = errno;
      goto failed;
    }
  if (!S_ISDIR (st.st_mode))
    {
      if (unlinkat (dir_fd, name, 0) < 0 && errno != ENOENT)
        {
          errsv = errno;
          goto failed;
        }
      return TRUE;
    }

  fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      errsv = errno;
      goto failed;
    }

  for (;;)
    {
      g_autofree char *subdir = NULL;

      if (!empty_files (fd, &subdir, &errsv))
        {
          close (fd);
          goto failed;
        }

      if (subdir != NULL)
        {
          int next = openat (fd, subdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          Level *level;

          if (next < 0)
            {
              /* Replaced by something else meanwhile: take it as a file. */
              if ((errno == ELOOP || errno == ENOTDIR) && unlinkat (fd, subdir, 0) == 0)
                continue;
              errsv = errno;
              close (fd);
              goto failed;
            }
          if (fstat (fd, &st) < 0)
            {
              errsv = errno;
              close (next);
              close (fd);
              goto failed;
            }
          level = g_new0 (Level, 1);
          level->name = g_steal_pointer (&subdir);
          level->parent_dev = st.st_dev;
          level->parent_ino = st.st_ino;
          g_ptr_array_add (stack, level);
          close (fd);
          fd = next;
          continue;
        }

      if (stack->len == 0)
        {
          close (fd);
          break;
        }
      {
        Level *level = g_ptr_array_index (stack, stack->len - 1);
        int parent = openat (fd, "..", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

        close (fd);
        if (parent < 0 || fstat (parent, &st) < 0 ||
            st.st_dev != level->parent_dev || st.st_ino != level->parent_ino)
          {
            errsv = parent < 0 ? errno : ESTALE;
            if (parent >= 0)
              close (parent);
            goto failed;
          }
        if (unlinkat (parent, level->name, AT_REMOVEDIR) < 0 && errno != ENOENT)
          {
            errsv = errno;
            close (parent);
            goto failed;
          }
        g_ptr_array_set_size (stack, stack->len - 1);
        fd = parent;
      }
    }

  if (unlinkat (dir_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    {
      errsv = errno;
      goto failed;
    }
  return TRUE;

failed:
  {
    g_autofree char *shown = tcia_text_sanitize (name, TCIA_TEXT_MESSAGE_MAX);

    g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                 _("Could not remove “%s”: %s."), shown, g_strerror (errsv));
  }
  return FALSE;
}

static int
open_state_dir (int          root_fd,
                const char  *sub,
                const char  *display_root,
                GError     **error)
{
  g_autofree char *rel = sub != NULL ? g_build_path ("/", TCIA_DEST_STATE_DIR, sub, NULL)
                                     : g_strdup (TCIA_DEST_STATE_DIR);

  return tcia_dest_open_dir (root_fd, rel, TRUE, display_root, error);
}

/* Is @name what tcia_dest_replace_file() calls its temporary for a file
 * whose own name passes @owned: ".NAME.XXXXXXXX.tmp", X hexadecimal? */
static gboolean
is_own_temporary (const char *name,
                  gboolean  (*owned) (const char *))
{
  gsize len = strlen (name);
  g_autofree char *target = NULL;

  if (len < 1 + 1 + 1 + 8 + 4 || name[0] != '.' || !g_str_has_suffix (name, ".tmp") ||
      name[len - 13] != '.')
    return FALSE;
  for (gsize i = len - 12; i < len - 4; i++)
    if (!g_ascii_isxdigit (name[i]))
      return FALSE;
  target = g_strndup (name + 1, len - 1 - 13);
  return owned (target);
}

static gboolean
is_citation_name (const char *name)
{
  return g_str_equal (name, TCIA_CITATION_BIB_NAME) || g_str_equal (name, TCIA_CITATION_TXT_NAME);
}

/* A process killed between writing a temporary and renaming it leaves the
 * temporary behind. Under the lock no other writer is at work, so the
 * temporaries of files this program replaces are removed; nothing else is. */
static void
remove_own_temporaries (int         dir_fd,
                        gboolean  (*owned) (const char *))
{
  int fd = fcntl (dir_fd, F_DUPFD_CLOEXEC, 3);
  struct dirent *entry;
  DIR *dir;

  if (fd < 0 || (dir = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return;
    }
  while ((entry = readdir (dir)) != NULL)
    {
      struct stat st;

      if (is_own_temporary (entry->d_name, owned) &&
          fstatat (dir_fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          S_ISREG (st.st_mode) &&
          unlinkat (dir_fd, entry->d_name, 0) < 0)
        g_debug ("Could not remove “%s”: %s", entry->d_name, g_strerror (errno));
    }
  closedir (dir);
}

static void
remove_stale_temporaries (int root_fd)
{
  int files_fd = tcia_dest_open_dir (root_fd, TCIA_DEST_STATE_DIR "/" FILES_DIR, FALSE, "",
                                     NULL);

  remove_own_temporaries (root_fd, is_citation_name);
  if (files_fd >= 0)
    {
      remove_own_temporaries (files_fd, tcia_dest_uid_is_safe);
      close (files_fd);
    }
}

int
tcia_dest_lock (int          root_fd,
                const char  *display_root,
                GError     **error)
{
  g_autofree char *holder = NULL;
  char pid[32];
  int dir_fd;
  int fd;

  dir_fd = open_state_dir (root_fd, NULL, display_root, error);
  if (dir_fd < 0)
    return -1;
  fd = openat (dir_fd, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
  close (dir_fd);
  if (fd < 0)
    {
      g_autofree char *shown = display_path (display_root, TCIA_DEST_STATE_DIR "/" LOCK_NAME);

      set_errno_error (error, errno, _("Could not open “%s”"), shown);
      return -1;
    }

  if (flock (fd, LOCK_EX | LOCK_NB) < 0)
    {
      char buf[32] = { 0 };
      ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
      guint64 other = 0;
      g_autofree char *shown = tcia_text_sanitize (display_root, 0);

      close (fd);
      if (n > 0)
        {
          buf[n] = '\0';
          g_strstrip (buf);
          g_ascii_string_to_unsigned (buf, 10, 1, G_MAXINT, &other, NULL);
        }
      if (other > 0)
        g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_BUSY,
                     _("Another TCIA Basket (process %" PRIu64 ") is downloading "
                       "into “%s”. Wait until it is done, or choose another folder."),
                     other, shown);
      else
        g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_BUSY,
                     _("Another TCIA Basket is downloading into “%s”. Wait until it is done, "
                       "or choose another folder."),
                     shown);
      return -1;
    }

  g_snprintf (pid, sizeof pid, "%ld\n", (long) getpid ());
  if (ftruncate (fd, 0) < 0 || pwrite (fd, pid, strlen (pid), 0) < 0)
    g_debug ("Could not write the process ID into the lock: %s", g_strerror (errno));
  remove_stale_temporaries (root_fd);
  return fd;
}

void
tcia_dest_file_free (TciaDestFile *file)
{
  if (file == NULL)
    return;
  g_free (file->name);
  g_free (file->md5);
  g_free (file);
}

gboolean
tcia_dest_uid_is_safe (const char *series_uid)
{
  if (series_uid == NULL || *series_uid == '\0' || strlen (series_uid) > 128 ||
      series_uid[0] == '.')
    return FALSE;
  for (const char *p = series_uid; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && *p != '.')
      return FALSE;
  return TRUE;
}

/* One line a file: size, MD5 (or "-"), then the name to the end of the
 * line. Names never hold a line break: unsafe entries are refused before. */
gboolean
tcia_dest_write_file_list (int          root_fd,
                           const char  *series_uid,
                           GPtrArray   *files,
                           GError     **error)
{
  g_autoptr(GString) text = g_string_new ("# tcia-basket file list 1\n");
  gboolean ok;
  int errsv = 0;
  int dir_fd;

  g_return_val_if_fail (tcia_dest_uid_is_safe (series_uid), FALSE);

  for (guint i = 0; i < files->len; i++)
    {
      TciaDestFile *file = g_ptr_array_index (files, i);

      g_assert (strpbrk (file->name, "\r\n") == NULL);
      g_string_append_printf (text, "%" G_GUINT64_FORMAT " %s %s\n", file->size,
                              file->md5 != NULL && *file->md5 != '\0' ? file->md5 : "-",
                              file->name);
    }

  dir_fd = open_state_dir (root_fd, FILES_DIR, "", error);
  if (dir_fd < 0)
    return FALSE;
  ok = tcia_dest_replace_file (dir_fd, series_uid, text->str, text->len, &errsv);
  close (dir_fd);
  if (!ok)
    set_errno_error (error, errsv, _("Could not write “%s”"), TCIA_DEST_STATE_DIR "/" FILES_DIR);
  return ok;
}

gboolean
tcia_dest_replace_file (int          dir_fd,
                        const char  *name,
                        const char  *data,
                        gsize        len,
                        int         *errsv)
{
  g_autofree char *tmp = NULL;
  gsize written = 0;
  int fd = -1;

  /* A name of our own, made with O_EXCL: nothing planted at it is opened. */
  for (guint i = 0; i < 8 && fd < 0; i++)
    {
      g_free (tmp);
      tmp = g_strdup_printf (".%s.%08x.tmp", name, g_random_int ());
      fd = openat (dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd < 0 && errno != EEXIST)
        break;
    }
  if (fd < 0)
    {
      *errsv = errno;
      return FALSE;
    }

  while (written < len)
    {
      ssize_t n = write (fd, data + written, len - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      written += n;
    }
  if (written < len || fsync (fd) < 0 || close (fd) < 0 ||
      renameat (dir_fd, tmp, dir_fd, name) < 0)
    {
      *errsv = written == len ? errno : ENOSPC;
      if (written < len)
        close (fd);
      unlinkat (dir_fd, tmp, 0);
      return FALSE;
    }
  return TRUE;
}

char *
tcia_dest_read_small_file (int          dir_fd,
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

GPtrArray *
tcia_dest_read_file_list (int         root_fd,
                          const char *series_uid)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) tcia_dest_file_free);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *rel = NULL;
  int dir_fd;

  if (!tcia_dest_uid_is_safe (series_uid))
    return NULL;
  rel = g_build_path ("/", TCIA_DEST_STATE_DIR, FILES_DIR, NULL);
  dir_fd = tcia_dest_open_dir (root_fd, rel, FALSE, "", NULL);
  if (dir_fd < 0)
    return NULL;
  text = tcia_dest_read_small_file (dir_fd, series_uid, FILE_LIST_MAX);
  close (dir_fd);
  if (text == NULL || !g_str_has_prefix (text, "# tcia-basket file list 1\n") ||
      !g_str_has_suffix (text, "\n"))
    return NULL;

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", 3);
      TciaDestFile *file;
      guint64 size;

      if (g_strv_length (fields) != 3 || *fields[2] == '\0' ||
          !g_ascii_string_to_unsigned (fields[0], 10, 0, G_MAXUINT64, &size, NULL) ||
          (strcmp (fields[1], "-") != 0 && strlen (fields[1]) != 32))
        return NULL;
      file = g_new0 (TciaDestFile, 1);
      file->size = size;
      file->md5 = strcmp (fields[1], "-") == 0 ? g_strdup ("") : g_ascii_strdown (fields[1], -1);
      file->name = g_strdup (fields[2]);
      g_ptr_array_add (files, file);
    }
  return g_steal_pointer (&files);
}

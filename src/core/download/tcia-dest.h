/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Working inside the destination folder the user chose, relative to
 * directory handles: below the folder itself, no link is ever followed,
 * so a link planted there (DEST/Collection -> /elsewhere) can neither send
 * files outside nor make a clean-up delete anything outside. Paths given
 * here are relative, '/'-separated, of plain components. Errors are
 * TCIA_DOWNLOAD_ERROR (tcia-extract.h) and name the folder a person would
 * look at, @display_root joined with the relative path. */

/* The hidden folder in the destination that holds the lock and the list of
 * files of each series written (for checking a complete series cheaply). */
#define TCIA_DEST_STATE_DIR ".tcia-basket"

/* Opens the destination itself (a link to it is fine: the user chose it). */
int      tcia_dest_open_root     (const char   *path,
                                  GError      **error);

/* Opens @rel below @root_fd, each component with O_NOFOLLOW, creating the
 * missing ones with @create. A link or a file where a folder should be is
 * refused with TCIA_DOWNLOAD_ERROR_IN_THE_WAY. -1 on error. */
int      tcia_dest_open_dir      (int           root_fd,
                                  const char   *rel,
                                  gboolean      create,
                                  const char   *display_root,
                                  GError      **error);

/* Removes @name in @dir_fd and, if it is a folder, everything below it,
 * never following a link and without a length or depth limit (a tree
 * deeper than PATH_MAX goes too). Missing is fine. */
gboolean tcia_dest_remove_tree   (int           dir_fd,
                                  const char   *name,
                                  GError      **error);

/* Whether @name exists in @dir_fd (as anything, a link included). */
gboolean tcia_dest_exists        (int           dir_fd,
                                  const char   *name);

/* Takes the destination's lock, so that two programs never write into one
 * destination at once. Returns the lock's file descriptor (close it to
 * release), or -1 with TCIA_DOWNLOAD_ERROR_BUSY naming the process that
 * holds it. */
int      tcia_dest_lock          (int           root_fd,
                                  const char   *display_root,
                                  GError      **error);

/* The files of one series as the program wrote them: name, size and MD5
 * (lower-case hex, "" when not computed). Kept in
 * TCIA_DEST_STATE_DIR/files/<SeriesInstanceUID>. */
typedef struct
{
  char    *name;
  guint64  size;
  char    *md5;
} TciaDestFile;

void       tcia_dest_file_free       (TciaDestFile *file);

/* Writes the list atomically; @files holds TciaDestFile. */
gboolean   tcia_dest_write_file_list (int           root_fd,
                                      const char   *series_uid,
                                      GPtrArray    *files,
                                      GError      **error);
/* The list written for @series_uid, or NULL when there is none (or it is
 * damaged: then it does not count). */
GPtrArray *tcia_dest_read_file_list  (int           root_fd,
                                      const char   *series_uid);

/* Writes @data to @name in @dir_fd atomically: into a new temporary file
 * beside it (created, never opened through a link), synced, then renamed
 * over @name, so that a link at @name is replaced, never followed. FALSE
 * with @errsv set on failure (the temporary file is gone). */
gboolean   tcia_dest_replace_file    (int           dir_fd,
                                      const char   *name,
                                      const char   *data,
                                      gsize         len,
                                      int          *errsv);

/* The plain file @name in @dir_fd, read whole: NULL when it is missing, a
 * link, not a plain file (a FIFO does not block) or larger than @max. */
char      *tcia_dest_read_small_file (int           dir_fd,
                                      const char   *name,
                                      gsize         max);

/* Whether @series_uid is fit to be a file name (a DICOM UID: digits and dots). */
gboolean   tcia_dest_uid_is_safe     (const char   *series_uid);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-series-writer.h"

G_BEGIN_DECLS

/* Checks a complete series folder @dir_fd written earlier, cheaply: every
 * file of @files (the list written with it, TciaDestFile) there, a plain
 * file of that size; with @deep, also its MD5. Without a list (a folder
 * from an older version or another tool), the names of its md5hashes.csv,
 * each a plain non-empty file, and with @deep their MD5s. At least
 * @expected_images images, and at least one, in either case. */
gboolean tcia_extract_check_dir     (int                       dir_fd,
                                     GPtrArray                *files,
                                     guint                     expected_images,
                                     gboolean                  deep,
                                     GCancellable             *cancellable,
                                     GError                  **error);

/* Path-based conveniences: tcia_dest_remove_tree() on @path's folder, and
 * tcia_extract_check_dir() with @deep and no file list. */
gboolean tcia_extract_remove_tree   (const char               *path,
                                     GError                  **error);
gboolean tcia_extract_verify_dir    (const char               *dir_path,
                                     guint                     expected_images,
                                     GCancellable             *cancellable,
                                     GError                  **error);

G_END_DECLS

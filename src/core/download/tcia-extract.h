/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Unpacking one getImage ZIP (tcia-api.md §3.13) as it arrives, into a
 * folder, checking it on the way: entry names, MD5s, the image count. */

#define TCIA_DOWNLOAD_ERROR (tcia_download_error_quark ())

typedef enum
{
  /* The connection failed or stalled; worth trying again. */
  TCIA_DOWNLOAD_ERROR_NETWORK,
  /* The server answered 5xx or 429; worth trying again, more gently. */
  TCIA_DOWNLOAD_ERROR_SERVER,
  /* The server refused the series (HTTP 400); the message has its words. */
  TCIA_DOWNLOAD_ERROR_REFUSED,
  /* The archive ended early or holds fewer images than the series has. */
  TCIA_DOWNLOAD_ERROR_INCOMPLETE,
  /* A file does not match its MD5 from md5hashes.csv. */
  TCIA_DOWNLOAD_ERROR_CHECKSUM,
  /* The archive is not a ZIP, or is damaged. */
  TCIA_DOWNLOAD_ERROR_INVALID_ARCHIVE,
  /* An entry would land outside its folder, or is a link or a device. */
  TCIA_DOWNLOAD_ERROR_UNSAFE_ENTRY,
  /* Writing to the destination failed (read-only, full, too large). */
  TCIA_DOWNLOAD_ERROR_WRITE,
  /* The server does not know the series. */
  TCIA_DOWNLOAD_ERROR_UNKNOWN_SERIES,
  /* The series unpacks to far more than the server said it holds. */
  TCIA_DOWNLOAD_ERROR_TOO_LARGE,
  /* The server sent something else than an archive (a web page). */
  TCIA_DOWNLOAD_ERROR_NOT_ARCHIVE,
  /* The archive holds no images. */
  TCIA_DOWNLOAD_ERROR_NO_IMAGES,
  /* The series took longer than its overall deadline. */
  TCIA_DOWNLOAD_ERROR_TIMEOUT,
  /* A link, or something not made by the program, is where a folder goes. */
  TCIA_DOWNLOAD_ERROR_IN_THE_WAY,
  /* Another program is writing into the same destination. */
  TCIA_DOWNLOAD_ERROR_BUSY,
} TciaDownloadError;

GQuark   tcia_download_error_quark  (void);

/* Whether a failure with @error may go away by trying again. */
gboolean tcia_download_error_is_transient (const GError *error);

typedef void (*TciaExtractProgressFunc) (guint64  bytes_read,
                                         gpointer user_data);

typedef enum
{
  TCIA_EXTRACT_FLAGS_NONE    = 0,
  /* Compute each file's MD5 and check it against md5hashes.csv. Off, the
   * files are only counted (and md5hashes.csv, if sent anyway, is kept
   * unchecked): MD5 is most of the CPU time of an extraction. */
  TCIA_EXTRACT_VERIFY_MD5    = 1 << 0,
  /* With TCIA_EXTRACT_VERIFY_MD5: an archive without md5hashes.csv is
   * incomplete. */
  TCIA_EXTRACT_REQUIRE_MD5   = 1 << 1,
} TciaExtractFlags;

/* What keeps a hostile or broken server from holding a download forever or
 * filling the disk. */
typedef struct
{
  /* The most the images may add up to, in bytes; 0 when the size is not
   * known: then a compression-ratio bound applies instead. */
  guint64 size_bound;
  /* g_get_monotonic_time() after which the archive is given up; 0: none. */
  gint64  deadline_us;
  /* Fewer than @min_bytes in any @window_ms of the body is a stall. */
  guint   min_bytes;
  guint   window_ms;
} TciaExtractLimits;

/* Whatever the server says, a series may unpack to this much more than it
 * said, and where it said nothing, this many times its compressed size. */
#define TCIA_EXTRACT_SLACK_BYTES   (16 * 1024 * 1024)
#define TCIA_EXTRACT_MAX_RATIO     200
/* Entry names longer, or nested deeper, are refused as unsafe. */
#define TCIA_EXTRACT_NAME_MAX      1024
#define TCIA_EXTRACT_DEPTH_MAX     16

void     tcia_extract_limits_init (TciaExtractLimits *limits,
                                   guint64            declared_size);

typedef struct _TciaSeriesWriter TciaSeriesWriter;

/* Reads the ZIP from @stream (blocking; call it in the thread that owns the
 * stream) into @writer, whose attempt has begun: each entry becomes a file
 * of the series. Entries with absolute names, "..", backslashes, links or
 * devices, or names too long or too deep, fail the whole archive with
 * TCIA_DOWNLOAD_ERROR_UNSAFE_ENTRY before anything is written for them.
 * md5hashes.csv is kept and promised to the writer, which checks every
 * image against it (with TCIA_EXTRACT_VERIFY_MD5); LICENSE goes to the
 * writer as text. The writer's limits bound the time and the pace; it is
 * told the compressed bytes read so far. The ".part" folder is left as it
 * is on failure; the caller aborts the writer. */
gboolean tcia_extract_zip           (GInputStream             *stream,
                                     TciaSeriesWriter         *writer,
                                     GCancellable             *cancellable,
                                     GError                  **error);

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

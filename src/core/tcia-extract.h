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

typedef struct
{
  guint   n_images;        /* files other than LICENSE and md5hashes.csv */
  guint64 bytes_written;   /* of those files */
  char   *license_text;    /* the LICENSE entry, NULL when absent */
} TciaExtractResult;

void     tcia_extract_result_clear  (TciaExtractResult *result);

/* Reads the ZIP from @stream (blocking; call it in the thread that owns the
 * stream) into the existing, empty folder @dir_path: each file is created
 * there (never following a link, never outside it), its MD5 computed while
 * written. Entries with absolute names, "..", backslashes, links or devices
 * fail the whole archive with TCIA_DOWNLOAD_ERROR_UNSAFE_ENTRY before anything
 * is written for them. md5hashes.csv is kept and, with TCIA_EXTRACT_VERIFY_MD5
 * in @flags, every file is checked against it (see TciaExtractFlags). With
 * @expected_images > 0, fewer images is incomplete. @progress is called from
 * this thread with the compressed bytes read so far. The folder is left as it
 * is on failure; the caller removes it. */
gboolean tcia_extract_zip           (GInputStream             *stream,
                                     const char               *dir_path,
                                     guint                     expected_images,
                                     TciaExtractFlags          flags,
                                     TciaExtractProgressFunc   progress,
                                     gpointer                  progress_data,
                                     TciaExtractResult        *result,
                                     GCancellable             *cancellable,
                                     GError                  **error);

/* Removes @path and everything below it, never following links. Missing is fine. */
gboolean tcia_extract_remove_tree   (const char               *path,
                                     GError                  **error);

/* Checks a folder written earlier: md5hashes.csv present, every file it
 * names there with that MD5, and at least @expected_images images. */
gboolean tcia_extract_verify_dir    (const char               *dir_path,
                                     guint                     expected_images,
                                     GCancellable             *cancellable,
                                     GError                  **error);

G_END_DECLS

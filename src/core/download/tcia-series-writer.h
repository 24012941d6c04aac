/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Where every fetcher puts a series, whatever served it (DESIGN.md): a
 * ".part" folder beside the series' folder, each file created there by
 * directory handle (never following a link, never outside), its MD5
 * computed while written, the checks against what the source promised
 * (checksums, image count), the size bound, then the list of files and the
 * atomic move into place. Used from one worker thread. The metadata.csv
 * row is the queue's. */

typedef struct _TciaSeriesWriter TciaSeriesWriter;

/* The errors of a series' download, whichever source serves it. */
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
  /* The source holds fewer of the series' images than it says it has (an
   * IDC folder short of its instance count): trying it again will not
   * help, another source may. */
  TCIA_DOWNLOAD_ERROR_SOURCE_INCOMPLETE,
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

/* @parent_fd is the folder that holds the series' folder @rel (relative to
 * the destination @root_fd, shown in messages below @dest_path); both are
 * borrowed and must outlive the writer. */
TciaSeriesWriter *tcia_series_writer_new           (int                      root_fd,
                                                    int                      parent_fd,
                                                    const char              *dest_path,
                                                    const char              *rel,
                                                    const char              *series_uid,
                                                    guint                    expected_images,
                                                    TciaExtractFlags         flags,
                                                    const TciaExtractLimits *limits);
void              tcia_series_writer_free          (TciaSeriesWriter        *self);

void              tcia_series_writer_set_progress  (TciaSeriesWriter        *self,
                                                    TciaExtractProgressFunc  progress,
                                                    gpointer                 progress_data);
TciaExtractFlags  tcia_series_writer_get_flags     (TciaSeriesWriter        *self);
/* A source that always sends checksums asks for them (TCIA_EXTRACT_REQUIRE_MD5). */
void              tcia_series_writer_add_flags     (TciaSeriesWriter        *self,
                                                    TciaExtractFlags         flags);
const TciaExtractLimits *
                  tcia_series_writer_get_limits    (TciaSeriesWriter        *self);
guint             tcia_series_writer_get_expected_images (TciaSeriesWriter  *self);

/* Starts an attempt: an empty ".part" folder (one left by a stop goes). */
gboolean          tcia_series_writer_begin         (TciaSeriesWriter        *self,
                                                    GError                 **error);
/* The source received @total bytes so far (for progress and the bound of
 * a series whose size is not known). */
void              tcia_series_writer_received      (TciaSeriesWriter        *self,
                                                    guint64                  total);

/* One file at a time: @name is relative, of plain components (checked:
 * TCIA_DOWNLOAD_ERROR_UNSAFE_ENTRY). An image counts towards the series;
 * any other file (md5hashes.csv) is kept but not counted. */
gboolean          tcia_series_writer_open_file     (TciaSeriesWriter        *self,
                                                    const char              *name,
                                                    gboolean                 is_image,
                                                    GError                 **error);
gboolean          tcia_series_writer_write         (TciaSeriesWriter        *self,
                                                    const void              *data,
                                                    gsize                    len,
                                                    GError                 **error);
gboolean          tcia_series_writer_close_file    (TciaSeriesWriter        *self,
                                                    GError                 **error);
/* TCIA_DOWNLOAD_ERROR_WRITE for @name, with a hint for a full disk or a
 * read-only folder. */
void              tcia_series_writer_set_write_error (GError               **error,
                                                    int                      errsv,
                                                    const char              *name);
/* Whether @name is fit to be written (see open_file); when it is not,
 * TCIA_DOWNLOAD_ERROR_UNSAFE_ENTRY. */
gboolean          tcia_series_writer_check_name    (const char              *name,
                                                    GError                 **error);
/* Whether @name is fit to be written (see open_file). */
gboolean          tcia_series_writer_name_is_safe  (const char              *name);

/* ---- Several files at once ------------------------------------------------
 * A source that fetches several files of a series at once (IDC: one object
 * per image) writes each through its own TciaSeriesWriterFile, each from
 * any thread (one thread per file at a time). The file knows what the
 * source promised for it and checks it when closed. Not to be mixed with
 * open_file/write/close_file in one attempt. */

typedef struct _TciaSeriesWriterFile TciaSeriesWriterFile;

/* A new image or file @name (as open_file) that should hold @size bytes
 * (G_MAXUINT64: not known) and, with TCIA_EXTRACT_VERIFY_MD5, have the MD5
 * @md5 (32 lower-case hex digits; NULL: none promised). */
TciaSeriesWriterFile *tcia_series_writer_file_new     (TciaSeriesWriter      *self,
                                                       const char            *name,
                                                       gboolean               is_image,
                                                       guint64                size,
                                                       const char            *md5,
                                                       GError               **error);
gboolean          tcia_series_writer_file_write       (TciaSeriesWriterFile  *file,
                                                       const void            *data,
                                                       gsize                  len,
                                                       GError               **error);
/* The bytes written so far (where a resumed transfer continues). */
guint64           tcia_series_writer_file_get_size    (TciaSeriesWriterFile  *file);
/* Empties the file, to write it again from its start. */
gboolean          tcia_series_writer_file_rewind      (TciaSeriesWriterFile  *file,
                                                       GError               **error);
/* Checks the file against its promises and, when it keeps them, closes it
 * into the series (the handle is freed). Otherwise FALSE with
 * TCIA_DOWNLOAD_ERROR_INCOMPLETE (size) or _CHECKSUM (MD5), and the file
 * stays open: rewind and write it again, or discard it. */
gboolean          tcia_series_writer_file_close       (TciaSeriesWriterFile  *file,
                                                       GError               **error);
/* Gives up the file: removed, not counted, the handle freed. */
void              tcia_series_writer_file_discard     (TciaSeriesWriterFile  *file);

/* What the source promised: the MD5 of each image by name (taken), the
 * collection's licence text (taken). */
void              tcia_series_writer_promise_md5s  (TciaSeriesWriter        *self,
                                                    GHashTable              *md5s);
void              tcia_series_writer_set_license   (TciaSeriesWriter        *self,
                                                    char                    *text);

/* Checks what was written against what was promised: images, checksums. */
gboolean          tcia_series_writer_finish        (TciaSeriesWriter        *self,
                                                    GError                 **error);
/* Writes the list of files and moves the ".part" folder into place; with
 * @replace, first takes out of the old folder the files of @old_files
 * (the program's own, from an earlier download found damaged). */
gboolean          tcia_series_writer_commit        (TciaSeriesWriter        *self,
                                                    gboolean                 replace,
                                                    GPtrArray               *old_files,
                                                    GError                 **error);
/* Removes the ".part" folder of a failed attempt. */
void              tcia_series_writer_abort         (TciaSeriesWriter        *self);

guint             tcia_series_writer_get_n_images  (TciaSeriesWriter        *self);
guint64           tcia_series_writer_get_bytes     (TciaSeriesWriter        *self);
const char       *tcia_series_writer_get_license   (TciaSeriesWriter        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaSeriesWriter, tcia_series_writer_free)

G_END_DECLS

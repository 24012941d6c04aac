/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-extract.h"

G_BEGIN_DECLS

/* Where every fetcher puts a series, whatever served it (DESIGN.md): a
 * ".part" folder beside the series' folder, each file created there by
 * directory handle (never following a link, never outside), its MD5
 * computed while written, the checks against what the source promised
 * (checksums, image count), the size bound, then the list of files and the
 * atomic move into place. Used from one worker thread. The metadata.csv
 * row is the queue's. */

typedef struct _TciaSeriesWriter TciaSeriesWriter;

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

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-series-writer.h"

G_BEGIN_DECLS

/* What tcia-series-writer-file.c shares with the writer. The counters and
 * lists below are under the writer's lock, so that several files may be
 * written at once from several threads. */

int      tcia_series_writer_get_part_fd (TciaSeriesWriter  *self);
/* Creates @name below @dirfd (its folders too), refusing links and
 * existing files. */
int      tcia_series_writer_open_entry  (int                dirfd,
                                         const char        *name,
                                         GError           **error);
gboolean tcia_series_writer_write_all   (int                fd,
                                         const guint8      *data,
                                         gsize              len,
                                         const char        *name,
                                         GError           **error);
/* Adds @delta bytes (negative: taken back) to the images written; FALSE
 * with TCIA_DOWNLOAD_ERROR_TOO_LARGE past the size bound. */
gboolean tcia_series_writer_account     (TciaSeriesWriter  *self,
                                         gint64             delta,
                                         GError           **error);
/* A complete file: in the list of files, counted when an image. */
void     tcia_series_writer_record_file (TciaSeriesWriter  *self,
                                         const char        *name,
                                         guint64            size,
                                         const char        *md5,
                                         gboolean           is_image);

G_END_DECLS

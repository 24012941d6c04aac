/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tcia-download-queue.h"

G_BEGIN_DECLS

#define TCIA_TYPE_DOWNLOAD_ROW (tcia_download_row_get_type ())

G_DECLARE_FINAL_TYPE (TciaDownloadRow, tcia_download_row, TCIA, DOWNLOAD_ROW, AdwBin)

/* One series of the Downloads page: its name, patient and collection, the
 * source that serves it, its state, progress and size, its error, and its
 * own Pause, Resume, Retry, Cancel, Remove and Open Folder ("row.*"
 * actions). Finished series take a compact look of one line. A row may
 * open a section of the list ("Failed · 2"), which the list sets.
 *
 * The source shown is the job's "source" ("From IDC"), with why not the
 * preferred one ("source-note") in its tooltip; nothing before the worker
 * has chosen. */

GtkWidget       *tcia_download_row_new          (void);
/* Shows @job of @queue (both borrowed while bound); NULL, NULL to unbind. */
void             tcia_download_row_bind         (TciaDownloadRow   *self,
                                                 TciaDownloadQueue *queue,
                                                 TciaDownloadJob   *job);
TciaDownloadJob *tcia_download_row_get_job      (TciaDownloadRow   *self);
/* @title NULL: the row opens no section. */
void             tcia_download_row_set_section  (TciaDownloadRow   *self,
                                                 const char        *title,
                                                 guint              count);

/* For tests: what the row shows. */
const char      *tcia_download_row_get_status   (TciaDownloadRow   *self);
/* NULL when no error is shown. */
const char      *tcia_download_row_get_error    (TciaDownloadRow   *self);
/* NULL when it opens no section. */
const char      *tcia_download_row_get_section  (TciaDownloadRow   *self);
gboolean         tcia_download_row_get_compact  (TciaDownloadRow   *self);
/* Whether the title is drawn bold (the look of a series not finished). */
gboolean         tcia_download_row_get_title_bold (TciaDownloadRow *self);
/* "pause", "resume", "retry", "cancel", "remove" or "open". */
GtkWidget       *tcia_download_row_get_button   (TciaDownloadRow   *self,
                                                 const char        *which);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-download-job.h"

G_BEGIN_DECLS

/* For TciaDownloadQueue only. */
TciaDownloadJob *tcia_download_job_new                 (TciaSeries           *series,
                                                        const char           *relative_path);
void             tcia_download_job_set_state           (TciaDownloadJob      *self,
                                                        TciaDownloadJobState  state);
void             tcia_download_job_set_error           (TciaDownloadJob      *self,
                                                        const GError         *error);
void             tcia_download_job_set_n_images        (TciaDownloadJob      *self,
                                                        guint                 n_images);
/* From any thread; the notification comes with tcia_download_job_sync(). */
void             tcia_download_job_store_progress      (TciaDownloadJob      *self,
                                                        guint64               bytes,
                                                        guint                 attempt);
/* From any thread: the worker waits @delay_ms before trying again (0: not waiting). */
void             tcia_download_job_store_waiting       (TciaDownloadJob      *self,
                                                        guint                 delay_ms);
/* From any thread: which source serves the series, and why not the
 * preferred one (both may be NULL); notified with tcia_download_job_sync(). */
void             tcia_download_job_store_source        (TciaDownloadJob      *self,
                                                        const char           *source,
                                                        const char           *note);
/* On the main context: the same, notified at once (a restored job). */
void             tcia_download_job_set_source          (TciaDownloadJob      *self,
                                                        const char           *source,
                                                        const char           *note);
void             tcia_download_job_sync                (TciaDownloadJob      *self);
/* Before the job starts: the queue gives two series two folders. */
void             tcia_download_job_set_relative_path   (TciaDownloadJob      *self,
                                                        const char           *relative_path);

G_END_DECLS

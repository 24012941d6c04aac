/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tcia-download-queue.h"
#include "tcia-download-row.h"

G_BEGIN_DECLS

#define TCIA_TYPE_DOWNLOAD_LIST (tcia_download_list_get_type ())

G_DECLARE_FINAL_TYPE (TciaDownloadList, tcia_download_list, TCIA, DOWNLOAD_LIST, AdwBin)

/* The series of a download queue, what matters first: downloading, waiting,
 * paused, failed, cancelled, then done, each in the queue's order, each
 * group opened by a heading with its count. "failed-only" shows the failed
 * series alone. The order follows state changes before the next frame. */

void             tcia_download_list_set_queue       (TciaDownloadList  *self,
                                                     TciaDownloadQueue *queue);
void             tcia_download_list_set_failed_only (TciaDownloadList  *self,
                                                     gboolean           failed_only);
gboolean         tcia_download_list_get_failed_only (TciaDownloadList  *self);

/* For tests: the jobs in the order shown, and the row of @job when it is
 * bound (on screen), else NULL. */
GListModel      *tcia_download_list_get_shown       (TciaDownloadList  *self);
TciaDownloadRow *tcia_download_list_find_row        (TciaDownloadList  *self,
                                                     TciaDownloadJob   *job);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-client.h"
#include "tcia-download-queue.h"

G_BEGIN_DECLS

/* The download queue kept across runs, so that a quit or a crash resumes it:
 * {"version":1,"destination":URI,"layout":NAME,"max-jobs":N,
 *  "jobs":[{"state":"queued"|"paused"|"done","series":{nick:value,...}},...]}
 * Series done stay listed (and counted) until cleared; cancelled ones are
 * not kept; a failed one comes back paused, so that it is tried again only
 * when asked. */

/* g_get_user_data_dir()/tcia-basket/downloads.json */
GFile             *tcia_download_state_get_default_file (void);
GBytes            *tcia_download_state_serialize        (TciaDownloadQueue  *queue);
/* Writes @queue to @file atomically. */
gboolean           tcia_download_state_save             (TciaDownloadQueue  *queue,
                                                         GFile              *file,
                                                         GError            **error);
/* A queue (not started) with the jobs of @file: those that were queued or
 * running come back queued, those done as done (not checked again), the
 * others paused. NULL without an
 * error when there is no file or nothing to resume. A file that cannot be
 * read is moved aside ("<name>.corrupt-<date>-<time>") and the error says
 * where it went. */
TciaDownloadQueue *tcia_download_state_load             (GFile              *file,
                                                         TciaClient         *client,
                                                         GError            **error);
/* Saves @queue to @file a moment after each change (changes coalesced)
 * for as long as the queue lives. */
void               tcia_download_state_track            (TciaDownloadQueue  *queue,
                                                         GFile              *file);
/* Writes a pending save of a tracked queue now. */
gboolean           tcia_download_state_flush            (TciaDownloadQueue  *queue,
                                                         GError            **error);

G_END_DECLS

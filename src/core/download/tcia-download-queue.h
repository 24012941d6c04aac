/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-client.h"
#include "tcia-download-job.h"
#include "tcia-sources.h"
#include "tcia-extract.h"
#include "tcia-layout.h"

G_BEGIN_DECLS

#define TCIA_DOWNLOAD_QUEUE_MAX_JOBS     16
#define TCIA_DOWNLOAD_QUEUE_DEFAULT_JOBS 4

#define TCIA_TYPE_DOWNLOAD_QUEUE (tcia_download_queue_get_type ())

G_DECLARE_FINAL_TYPE (TciaDownloadQueue, tcia_download_queue, TCIA, DOWNLOAD_QUEUE, GObject)

/* A GListModel of TciaDownloadJob, one per series, downloading into one
 * destination folder. Each running job has a thread of its own with its own
 * GMainContext and SoupSession, which streams getImage into libarchive and
 * writes <dest>/<path>.part/, then renames it to <dest>/<path>. The queue
 * lives on the thread-default main context of its creator; its signals and
 * notifications come there.
 *
 * A series is complete in the destination when its folder exists and
 * metadata.csv has its row (skipped without a request), or when its folder
 * exists and its files match its md5hashes.csv (the row is then written;
 * this covers a crash between the rename and the row). Anything else found
 * at its folder, or at its .part folder, is removed before it is fetched.
 *
 * Signals: "job-finished" (TciaDownloadJob) when a job is done, skipped,
 * failed or cancelled; "finished" when no job is queued or running any more.
 * Properties, kept up to date as jobs change (never counted on demand):
 * "n-total" (jobs in the list), "n-queued", "n-active" (queued or running),
 * "n-paused", "n-done" (done or skipped), "n-failed", "n-cancelled",
 * "n-running" (workers still busy, a paused or cancelled one included until
 * it has cleaned up), "bytes-total" (what the server says the series of the
 * list hold), "bytes-received" (all compressed bytes so far, updated ~4 times
 * a second), "allowed-jobs" (lowered while the server pushes back). */

TciaDownloadQueue *tcia_download_queue_new              (TciaClient        *client,
                                                         GFile             *destination,
                                                         TciaLayout         layout);
GFile             *tcia_download_queue_get_destination  (TciaDownloadQueue *self);
TciaLayout         tcia_download_queue_get_layout       (TciaDownloadQueue *self);
/* 1..16, default 4. */
void               tcia_download_queue_set_max_jobs     (TciaDownloadQueue *self,
                                                         guint              max_jobs);
guint              tcia_download_queue_get_max_jobs     (TciaDownloadQueue *self);
/* Ask for md5hashes.csv (v4 IncludeMD5=Yes) and require every file to match
 * it; default TRUE. Off, only the image count is checked. Applies to series
 * started from then on. */
void               tcia_download_queue_set_verify_checksums (TciaDownloadQueue *self,
                                                             gboolean           verify);
gboolean           tcia_download_queue_get_verify_checksums (TciaDownloadQueue *self);
guint              tcia_download_queue_get_allowed_jobs (TciaDownloadQueue *self);
/* Tries per series and the backoff between them (tcia-retry.h); default 5, 1 s, 60 s. */
void               tcia_download_queue_set_retry_policy (TciaDownloadQueue *self,
                                                         guint              max_attempts,
                                                         guint              base_delay_ms,
                                                         guint              max_delay_ms);
/* Seconds without a byte before a transfer is given up as stalled; default 60. */
void               tcia_download_queue_set_timeout      (TciaDownloadQueue *self,
                                                         guint              seconds);
/* The overall deadline of one series, all tries and waits included (0: 30
 * minutes plus a second for each 64 KiB the server says it holds), and the
 * least pace of a body: fewer than @min_bytes in @window_ms is a stall
 * (0: 1 KiB a minute). */
void               tcia_download_queue_set_limits       (TciaDownloadQueue *self,
                                                         guint              deadline_s,
                                                         guint              min_bytes,
                                                         guint              window_ms);
/* Whether a series already complete in the destination is checked by the
 * MD5 of each file (TRUE) or by its files' names, number and sizes (FALSE,
 * the default) before it is skipped. A damaged one is fetched again. */
void               tcia_download_queue_set_verify_existing (TciaDownloadQueue *self,
                                                            gboolean           verify);
/* Checks again every series done, by the MD5 of each file; a damaged one
 * is fetched again. Returns how many are checked. */
guint              tcia_download_queue_check_completed (TciaDownloadQueue *self);

/* Adds a job for @series (needs its collection, patient, study and series
 * UIDs and image count, as getSeriesMetadata gives). A series already in the
 * queue is not added twice. Jobs start at once when the queue is started. */
TciaDownloadJob   *tcia_download_queue_add              (TciaDownloadQueue *self,
                                                         TciaSeries        *series);
/* Adds a failed job for a UID the server does not know, so that it is named. */
TciaDownloadJob   *tcia_download_queue_add_unknown      (TciaDownloadQueue *self,
                                                         const char        *series_uid);
/* Lists a series a previous run downloaded, as done, so that the counts
 * carry over a restart; nothing is fetched or checked. Its folder is the
 * layout's. A series already in the queue is not added twice. */
TciaDownloadJob   *tcia_download_queue_add_done         (TciaDownloadQueue *self,
                                                         TciaSeries        *series);
void               tcia_download_queue_start            (TciaDownloadQueue *self);
/* Pausing stops a running job and keeps it for tcia_download_queue_resume(). */
void               tcia_download_queue_pause            (TciaDownloadQueue *self,
                                                         TciaDownloadJob   *job);
void               tcia_download_queue_resume           (TciaDownloadQueue *self,
                                                         TciaDownloadJob   *job);
void               tcia_download_queue_cancel_all       (TciaDownloadQueue *self);
/* Pauses every job queued or running, with no job started in between. */
void               tcia_download_queue_pause_all        (TciaDownloadQueue *self);
void               tcia_download_queue_resume_all       (TciaDownloadQueue *self);
/* Cancels one series (queued, running or paused); its .part folder goes. */
void               tcia_download_queue_cancel           (TciaDownloadQueue *self,
                                                         TciaDownloadJob   *job);
/* Takes one job that is done, skipped, failed or cancelled out of the list;
 * its files stay where they are. FALSE when it is not finished yet. */
gboolean           tcia_download_queue_remove           (TciaDownloadQueue *self,
                                                         TciaDownloadJob   *job);
/* Queues one failed or cancelled job again. */
void               tcia_download_queue_retry            (TciaDownloadQueue *self,
                                                         TciaDownloadJob   *job);
/* Queues the failed jobs again. */
void               tcia_download_queue_retry_failed     (TciaDownloadQueue *self);
/* Takes the jobs that are done or skipped out of the list (their files stay
 * where they are); returns how many. "n-done" counts what is left. */
guint              tcia_download_queue_remove_completed (TciaDownloadQueue *self);

guint              tcia_download_queue_get_n_done       (TciaDownloadQueue *self);
guint              tcia_download_queue_get_n_failed     (TciaDownloadQueue *self);
guint              tcia_download_queue_get_n_running    (TciaDownloadQueue *self);
guint              tcia_download_queue_get_n_queued     (TciaDownloadQueue *self);
guint              tcia_download_queue_get_n_active     (TciaDownloadQueue *self);
guint              tcia_download_queue_get_n_paused     (TciaDownloadQueue *self);
guint              tcia_download_queue_get_n_cancelled  (TciaDownloadQueue *self);
guint              tcia_download_queue_get_n_total      (TciaDownloadQueue *self);
guint64            tcia_download_queue_get_bytes_total  (TciaDownloadQueue *self);
/* Whether a job is queued, running or paused: work a checkout elsewhere would abandon. */
gboolean           tcia_download_queue_has_work         (TciaDownloadQueue *self);
guint64            tcia_download_queue_get_bytes_received (TciaDownloadQueue *self);
gboolean           tcia_download_queue_is_finished      (TciaDownloadQueue *self);

/* The sources the series are fetched from and the policy choosing among
 * them (NBIA alone by default); before tcia_download_queue_start(), or
 * between runs. */
void               tcia_download_queue_set_sources      (TciaDownloadQueue *self,
                                                         TciaSources       *sources);

G_END_DECLS

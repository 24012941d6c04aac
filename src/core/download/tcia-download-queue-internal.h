/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What tcia-download-queue.c (the jobs and their scheduling),
 * tcia-download-queue-worker.c (a job's worker thread and its end) and
 * tcia-download-queue-control.c (what a person does to them) share. */

#include <glib/gi18n.h>

#include "tcia-download-folders.h"
#include "tcia-download-queue.h"
#include "tcia-download-work.h"
#include "tcia-retry.h"

G_BEGIN_DECLS

/* Successful series in a row before one more job is allowed again. */
#define CREEP_UP_AFTER 2
#define PROGRESS_INTERVAL_MS 250
/* Every series gets this long, plus a second for each 64 KiB it holds. */

typedef TciaDownloadWork Work;

struct _TciaDownloadQueue
{
  GObject          parent_instance;

  /* owned */
  TciaSources     *sources;       /* which fetchers serve a series */
  GFile           *destination;
  char            *dest_path;
  TciaDownloadFolders *folders;   /* the destination: its handle, lock, rows and claims */
  GMainContext    *context;
  GPtrArray       *jobs;          /* TciaDownloadJob */
  GHashTable      *by_uid;        /* series UID -> job (borrowed) */
  GHashTable      *works;         /* job -> Work, while a worker runs for it */
  GHashTable      *deep_check;    /* jobs to check by MD5 before they are skipped */
  GSource         *progress_source;
  GSource         *finished_source;   /* a check for "finished" after jobs were added */

  TciaLayout       layout;
  TciaRetryPolicy  policy;
  guint            timeout_s;
  guint            max_jobs;
  gboolean         verify_checksums;
  gboolean         verify_existing;
  guint            deadline_s;    /* 0: by the series' size */
  guint            min_bytes;
  guint            window_ms;
  guint            allowed_jobs;
  guint            streak;
  guint            n_in_state[TCIA_DOWNLOAD_JOB_CANCELLED + 1];
  guint64          bytes_total;   /* what the server says the series hold */
  guint64          finished_bytes;
  guint64          bytes_received;
  gboolean         started;
  gboolean         finished;
};

enum
{
  PROP_0,
  PROP_N_DONE,
  PROP_N_FAILED,
  PROP_N_RUNNING,
  PROP_N_QUEUED,
  PROP_N_ACTIVE,
  PROP_N_PAUSED,
  PROP_N_CANCELLED,
  PROP_N_TOTAL,
  PROP_BYTES_TOTAL,
  PROP_BYTES_RECEIVED,
  PROP_ALLOWED_JOBS,
  N_PROPS
};

/* tcia-download-queue.c */
void tcia_download_queue_notify            (TciaDownloadQueue    *self,
                                            guint                 prop_id);
void tcia_download_queue_emit_job_finished (TciaDownloadQueue    *self,
                                            TciaDownloadJob      *job);
/* Starts what may start now (the queue's context). */
void tcia_download_queue_schedule       (TciaDownloadQueue    *self);
/* Emits "finished" when nothing is left to do. */
void tcia_download_queue_check_finished (TciaDownloadQueue    *self);
void tcia_download_queue_finish_job     (TciaDownloadQueue    *self,
                                         TciaDownloadJob      *job,
                                         TciaDownloadJobState  state,
                                         const GError         *error);
/* Stops counting @job in the tallies. */
void tcia_download_queue_detach_job     (TciaDownloadQueue    *self,
                                         TciaDownloadJob      *job);


/* tcia-download-queue-worker.c: runs @job in a thread of its own. */
void tcia_download_queue_start_job         (TciaDownloadQueue    *self,
                                            TciaDownloadJob      *job);

G_END_DECLS

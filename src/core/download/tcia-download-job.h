/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-series.h"

G_BEGIN_DECLS

typedef enum
{
  TCIA_DOWNLOAD_JOB_QUEUED,
  TCIA_DOWNLOAD_JOB_RUNNING,
  /* Complete and verified in the destination. */
  TCIA_DOWNLOAD_JOB_DONE,
  /* Already complete in the destination: nothing was transferred. */
  TCIA_DOWNLOAD_JOB_SKIPPED,
  /* Gave up; tcia_download_job_get_error() says why. */
  TCIA_DOWNLOAD_JOB_FAILED,
  TCIA_DOWNLOAD_JOB_PAUSED,
  TCIA_DOWNLOAD_JOB_CANCELLED,
} TciaDownloadJobState;

#define TCIA_TYPE_DOWNLOAD_JOB (tcia_download_job_get_type ())

G_DECLARE_FINAL_TYPE (TciaDownloadJob, tcia_download_job, TCIA, DOWNLOAD_JOB, GObject)

/* One series of a TciaDownloadQueue. Properties (notified on the queue's
 * main context only): "state", "bytes-received" (compressed bytes of the
 * current attempt), "attempts", "error-message", "source", "source-note". */
TciaSeries           *tcia_download_job_get_series         (TciaDownloadJob *self);
const char           *tcia_download_job_get_series_uid     (TciaDownloadJob *self);
TciaDownloadJobState  tcia_download_job_get_state          (TciaDownloadJob *self);
/* The folder, relative to the destination, '/'-separated. */
const char           *tcia_download_job_get_relative_path  (TciaDownloadJob *self);
guint64               tcia_download_job_get_bytes_received (TciaDownloadJob *self);
guint                 tcia_download_job_get_attempts       (TciaDownloadJob *self);
guint                 tcia_download_job_get_n_images       (TciaDownloadJob *self);
/* TCIA_DOWNLOAD_ERROR (or G_IO_ERROR_CANCELLED) when failed, else NULL. */
const GError         *tcia_download_job_get_error          (TciaDownloadJob *self);
gboolean              tcia_download_job_is_finished        (TciaDownloadJob *self);
/* While running: the seconds until the next try when the worker waits for
 * the server (busy, or the connection failed); 0 when it does not wait. */
guint                 tcia_download_job_get_retry_in       (TciaDownloadJob *self);

/* The source that serves the series ("IDC", "NBIA"; NULL before one is
 * chosen) and, when it is not the one the policy prefers, why ("IDC does
 * not have this series"; NULL otherwise). Properties "source" and
 * "source-note"; kept across runs by the download state. */
const char           *tcia_download_job_get_source         (TciaDownloadJob *self);
const char           *tcia_download_job_get_source_note    (TciaDownloadJob *self);

G_END_DECLS

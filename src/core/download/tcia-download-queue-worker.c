/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-download-queue"

/* One job's worker: the thread that runs its work (fetch, extract, verify),
 * and what it hands back to the queue's context when it ends (the
 * metadata.csv row, the job's state, more or fewer jobs at a time), with
 * the bytes received counted while workers run. Which job starts when is
 * tcia-download-queue.c's. */

#include "config.h"

#include <fcntl.h>
#include <string.h>

#include <libsoup/soup.h>

#include "tcia-download-private.h"
#include "tcia-download-queue-internal.h"
#include "tcia-http.h"
#include "tcia-metadata-csv.h"

static gboolean
congestion_cb (gpointer user_data)
{
  TciaDownloadQueue *self = user_data;
  guint allowed = MAX (1, self->allowed_jobs / 2);

  self->streak = 0;
  if (allowed != self->allowed_jobs)
    {
      g_debug ("The server pushes back: %u jobs at a time", allowed);
      self->allowed_jobs = allowed;
      tcia_download_queue_notify (self, PROP_ALLOWED_JOBS);
    }
  return G_SOURCE_REMOVE;
}

typedef struct
{
  TciaDownloadQueue *queue;
  GMainContext      *context;
  Work              *work;
} Worker;

/* Runs @func on the queue's context, always in the thread that runs it.
 * Not g_main_context_invoke(): when that context is not running at the
 * moment (a test between two iterations, a window busy elsewhere), it
 * acquires it and runs @func right here, in the worker, at the same time
 * as the queue's own thread: a job's work freed under a Pause All. */
static void
run_on_queue_context (GMainContext   *context,
                      GSourceFunc     func,
                      gpointer        data,
                      GDestroyNotify  destroy)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "[tcia-download] to the queue");
  g_source_attach (source, context);
  g_source_unref (source);
}

static void
congested_cb (gpointer user_data)
{
  Worker *worker = user_data;

  run_on_queue_context (worker->context, congestion_cb, g_object_ref (worker->queue),
                        g_object_unref);
}

static gboolean work_done_cb (gpointer user_data);

static gpointer
worker_thread (gpointer user_data)
{
  Worker *worker = user_data;
  Work *w = worker->work;
  g_autoptr(GMainContext) context = g_main_context_new ();
  SoupSession *session;

  g_main_context_push_thread_default (context);
  session = tcia_http_session_new (w->timeout_s, 0, FALSE);
  w->ok = tcia_download_work_run (w, session);
  if (w->ok && !w->skipped && w->read_sop_class)
    {
      g_autofree char *path = g_build_filename (w->dest_path, w->rel, NULL);

      w->sop_class_uid = tcia_metadata_csv_read_sop_class_uid (path);
    }
  g_object_unref (session);
  /* Whatever the session left to finish belongs to this context. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  run_on_queue_context (worker->context, work_done_cb, worker, NULL);
  return NULL;
}

/* The Data Retriever's LICENSE text (tcia-api.md §5.3); NULL for none. */
static char *
license_text (TciaDownloadQueue *self,
              TciaSeries        *series)
{
  const char *name = tcia_series_get_license_name (series);
  const char *uri = tcia_series_get_license_uri (series);

  if (self->layout == TCIA_LAYOUT_FLAT || name == NULL || *name == '\0')
    return NULL;
  return g_strdup_printf ("License\n\nThe %s collection is distributed under the %s (%s). \n"
                          "By downloading the data, you agree to abide by terms of this "
                          "license.\n",
                          tcia_series_get_collection (series), name, uri != NULL ? uri : "");
}

static gboolean
append_row (TciaDownloadQueue  *self,
            TciaDownloadJob    *job,
            guint               n_images,
            guint64             bytes,
            const char         *sop_class_uid,
            GError            **error)
{
  TciaSeries *series = tcia_download_job_get_series (job);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *row = NULL;

  /* The server's figures, as the Data Retriever writes them; ours when it has none. */
  if (tcia_series_get_image_count (series) > 0)
    n_images = tcia_series_get_image_count (series);
  if (tcia_series_get_file_size (series) > 0)
    bytes = tcia_series_get_file_size (series);

  row = tcia_metadata_csv_format_row (series, n_images, bytes,
                                      tcia_download_job_get_relative_path (job),
                                      sop_class_uid, now);
  return tcia_download_folders_append_row (self->folders, tcia_download_job_get_series_uid (job),
                                           tcia_download_job_get_relative_path (job), row, error);
}

static void
update_bytes (TciaDownloadQueue *self)
{
  GHashTableIter iter;
  gpointer job;
  guint64 total = self->finished_bytes;

  g_hash_table_iter_init (&iter, self->works);
  while (g_hash_table_iter_next (&iter, &job, NULL))
    {
      tcia_download_job_sync (job);
      total += tcia_download_job_get_bytes_received (job);
    }
  if (total != self->bytes_received)
    {
      self->bytes_received = total;
      tcia_download_queue_notify (self, PROP_BYTES_RECEIVED);
    }
}

static gboolean
progress_tick_cb (gpointer user_data)
{
  update_bytes (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
work_done_cb (gpointer user_data)
{
  Worker *worker = user_data;
  Work *w = worker->work;
  TciaDownloadQueue *self = worker->queue;
  TciaDownloadJob *job = w->job;
  TciaDownloadJobState state = tcia_download_job_get_state (job);
  g_autoptr(GError) error = NULL;

  tcia_download_job_store_waiting (job, 0);
  tcia_download_job_sync (job);
  self->finished_bytes += tcia_download_job_get_bytes_received (job);
  g_hash_table_remove (self->works, job);
  update_bytes (self);
  tcia_download_queue_notify (self, PROP_N_RUNNING);

  if (w->ok && w->skipped)
    {
      tcia_download_job_set_n_images (job, w->n_images);
      tcia_download_queue_finish_job (self, job, TCIA_DOWNLOAD_JOB_SKIPPED, NULL);
    }
  else if (w->ok)
    {
      tcia_download_job_set_n_images (job, w->n_images);
      if (append_row (self, job, w->n_images, w->bytes, w->sop_class_uid, &error))
        {
          tcia_download_queue_finish_job (self, job, TCIA_DOWNLOAD_JOB_DONE, NULL);
          if (++self->streak >= CREEP_UP_AFTER && self->allowed_jobs < self->max_jobs)
            {
              self->streak = 0;
              self->allowed_jobs++;
              tcia_download_queue_notify (self, PROP_ALLOWED_JOBS);
            }
        }
      else
        tcia_download_queue_finish_job (self, job, TCIA_DOWNLOAD_JOB_FAILED, error);
    }
  else if (state == TCIA_DOWNLOAD_JOB_RUNNING && w->in_the_way &&
           tcia_download_folders_take_other (self->folders, job, self->layout))
    {
      /* Left as it is; the series goes beside it, under a name of its own. */
      tcia_download_job_set_state (job, TCIA_DOWNLOAD_JOB_QUEUED);
    }
  else if (state == TCIA_DOWNLOAD_JOB_RUNNING)
    {
      tcia_download_queue_finish_job (self, job,
                  g_error_matches (w->error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                  ? TCIA_DOWNLOAD_JOB_CANCELLED : TCIA_DOWNLOAD_JOB_FAILED,
                  w->error);
    }
  /* else paused, cancelled or queued again meanwhile: it stays so. */
  else if (state == TCIA_DOWNLOAD_JOB_CANCELLED)
    tcia_download_queue_emit_job_finished (self, job);

  tcia_download_work_free (w);
  g_object_unref (worker->queue);
  g_main_context_unref (worker->context);
  g_free (worker);
  tcia_download_queue_schedule (self);
  tcia_download_queue_check_finished (self);
  return G_SOURCE_REMOVE;
}

void
tcia_download_queue_start_job (TciaDownloadQueue *self,
                               TciaDownloadJob   *job)
{
  Work *w = g_new0 (Work, 1);
  Worker *worker = g_new0 (Worker, 1);
  TciaSeries *series = tcia_download_job_get_series (job);
  const char *uid = tcia_download_job_get_series_uid (job);
  const char *row = tcia_download_folders_get_row (self->folders, uid);
  w->job = g_object_ref (job);
  w->cancellable = g_cancellable_new ();
  w->root_fd = fcntl (tcia_download_folders_get_root_fd (self->folders), F_DUPFD_CLOEXEC, 3);
  w->dest_path = g_strdup (self->dest_path);
  w->sources = g_object_ref (self->sources);
  w->series = g_object_ref (series);
  w->rel = g_strdup (tcia_download_job_get_relative_path (job));
  w->license_text = license_text (self, series);
  w->expected_images = tcia_series_get_image_count (series);
  w->has_row = row != NULL && strcmp (row, w->rel) == 0;
  w->verify_existing = self->verify_existing || g_hash_table_remove (self->deep_check, job);
  w->read_sop_class = tcia_series_get_sop_class_uid (series) == NULL ||
                      *tcia_series_get_sop_class_uid (series) == '\0';
  w->extract_flags = self->verify_checksums ? TCIA_EXTRACT_VERIFY_MD5 : TCIA_EXTRACT_FLAGS_NONE;
  tcia_extract_limits_init (&w->limits, 0);
  if (self->min_bytes > 0)
    {
      w->limits.min_bytes = self->min_bytes;
      w->limits.window_ms = self->window_ms;
    }
  w->deadline_s = self->deadline_s;
  w->policy = self->policy;
  w->timeout_s = self->timeout_s;
  w->congested = congested_cb;
  w->congested_data = worker;

  worker->queue = g_object_ref (self);
  worker->context = g_main_context_ref (self->context);
  worker->work = w;

  g_hash_table_insert (self->works, job, w);
  tcia_download_job_set_error (job, NULL);
  tcia_download_job_set_state (job, TCIA_DOWNLOAD_JOB_RUNNING);
  tcia_download_queue_notify (self, PROP_N_RUNNING);

  if (self->progress_source == NULL)
    {
      self->progress_source = g_timeout_source_new (PROGRESS_INTERVAL_MS);
      g_source_set_callback (self->progress_source, progress_tick_cb, self, NULL);
      g_source_attach (self->progress_source, self->context);
      g_source_unref (self->progress_source);
    }

  g_thread_unref (g_thread_new ("tcia-download", worker_thread, worker));
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-download-queue"

/* What a person does to the series of a queue: start, pause, resume,
 * cancel, remove and retry them, one or all, and check or clear the
 * complete ones; then what the queue tells of them (the tallies, kept up
 * to date as jobs change state) and the sources it asks. The scheduling
 * and the workers are tcia-download-queue.c's. */

#include "config.h"

#include "tcia-download-private.h"
#include "tcia-download-queue-internal.h"
#include "tcia-download-queue-private.h"

void
tcia_download_queue_start (TciaDownloadQueue *self)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));

  self->started = TRUE;
  tcia_download_queue_schedule (self);
  tcia_download_queue_check_finished (self);
}

void
tcia_download_queue_pause (TciaDownloadQueue *self,
                           TciaDownloadJob   *job)
{
  Work *w;

  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));

  if (tcia_download_job_get_state (job) != TCIA_DOWNLOAD_JOB_QUEUED &&
      tcia_download_job_get_state (job) != TCIA_DOWNLOAD_JOB_RUNNING)
    return;
  tcia_download_job_set_state (job, TCIA_DOWNLOAD_JOB_PAUSED);
  w = g_hash_table_lookup (self->works, job);
  if (w != NULL)
    g_cancellable_cancel (w->cancellable);
  tcia_download_queue_schedule (self);
  tcia_download_queue_check_finished (self);
}

void
tcia_download_queue_resume (TciaDownloadQueue *self,
                            TciaDownloadJob   *job)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));

  if (tcia_download_job_get_state (job) != TCIA_DOWNLOAD_JOB_PAUSED)
    return;
  tcia_sources_want (self->sources, tcia_download_job_get_series (job));
  tcia_download_job_set_state (job, TCIA_DOWNLOAD_JOB_QUEUED);
  self->finished = FALSE;
  tcia_download_queue_schedule (self);
}

void
tcia_download_queue_cancel_all (TciaDownloadQueue *self)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));

  for (guint i = 0; i < self->jobs->len; i++)
    {
      TciaDownloadJob *job = g_ptr_array_index (self->jobs, i);
      TciaDownloadJobState state = tcia_download_job_get_state (job);
      Work *w = g_hash_table_lookup (self->works, job);

      if (state == TCIA_DOWNLOAD_JOB_QUEUED || state == TCIA_DOWNLOAD_JOB_PAUSED)
        tcia_download_queue_finish_job (self, job, TCIA_DOWNLOAD_JOB_CANCELLED, NULL);
      else if (state == TCIA_DOWNLOAD_JOB_RUNNING)
        tcia_download_job_set_state (job, TCIA_DOWNLOAD_JOB_CANCELLED);
      if (w != NULL)
        g_cancellable_cancel (w->cancellable);
    }
  tcia_download_queue_check_finished (self);
}

void
tcia_download_queue_pause_all (TciaDownloadQueue *self)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));

  /* Every one paused before anything is scheduled, so that no queued job
   * starts in the place of a paused one. */
  for (guint i = 0; i < self->jobs->len; i++)
    {
      TciaDownloadJob *job = g_ptr_array_index (self->jobs, i);
      TciaDownloadJobState state = tcia_download_job_get_state (job);
      Work *w;

      if (state != TCIA_DOWNLOAD_JOB_QUEUED && state != TCIA_DOWNLOAD_JOB_RUNNING)
        continue;
      tcia_download_job_set_state (job, TCIA_DOWNLOAD_JOB_PAUSED);
      w = g_hash_table_lookup (self->works, job);
      if (w != NULL)
        g_cancellable_cancel (w->cancellable);
    }
  tcia_download_queue_check_finished (self);
}

void
tcia_download_queue_resume_all (TciaDownloadQueue *self)
{
  gboolean any = FALSE;

  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));

  for (guint i = 0; i < self->jobs->len; i++)
    {
      TciaDownloadJob *job = g_ptr_array_index (self->jobs, i);

      if (tcia_download_job_get_state (job) != TCIA_DOWNLOAD_JOB_PAUSED)
        continue;
      tcia_download_job_set_state (job, TCIA_DOWNLOAD_JOB_QUEUED);
      any = TRUE;
    }
  if (!any)
    return;
  self->finished = FALSE;
  tcia_download_queue_schedule (self);
}

void
tcia_download_queue_cancel (TciaDownloadQueue *self,
                            TciaDownloadJob   *job)
{
  TciaDownloadJobState state;
  Work *w;

  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));
  g_return_if_fail (TCIA_IS_DOWNLOAD_JOB (job));

  state = tcia_download_job_get_state (job);
  w = g_hash_table_lookup (self->works, job);
  if (state == TCIA_DOWNLOAD_JOB_QUEUED || state == TCIA_DOWNLOAD_JOB_PAUSED)
    tcia_download_queue_finish_job (self, job, TCIA_DOWNLOAD_JOB_CANCELLED, NULL);
  else if (state == TCIA_DOWNLOAD_JOB_RUNNING)
    tcia_download_job_set_state (job, TCIA_DOWNLOAD_JOB_CANCELLED);
  else
    return;
  /* Its worker removes the .part folder and says "job-finished" as it ends. */
  if (w != NULL)
    g_cancellable_cancel (w->cancellable);
  tcia_download_queue_schedule (self);
  tcia_download_queue_check_finished (self);
}

gboolean
tcia_download_queue_remove (TciaDownloadQueue *self,
                            TciaDownloadJob   *job)
{
  guint position;

  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), FALSE);
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_JOB (job), FALSE);

  /* A worker still winding down owns the job's folder for a moment more. */
  if (!tcia_download_job_is_finished (job) || g_hash_table_contains (self->works, job) ||
      !g_ptr_array_find (self->jobs, job, &position))
    return FALSE;

  tcia_download_queue_detach_job (self, job);
  g_ptr_array_remove_index (self->jobs, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  return TRUE;
}

void
tcia_download_queue_retry (TciaDownloadQueue *self,
                           TciaDownloadJob   *job)
{
  TciaDownloadJobState state;

  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));
  g_return_if_fail (TCIA_IS_DOWNLOAD_JOB (job));

  state = tcia_download_job_get_state (job);
  if ((state != TCIA_DOWNLOAD_JOB_FAILED && state != TCIA_DOWNLOAD_JOB_CANCELLED) ||
      g_error_matches (tcia_download_job_get_error (job), TCIA_DOWNLOAD_ERROR,
                       TCIA_DOWNLOAD_ERROR_UNKNOWN_SERIES) ||
      g_hash_table_contains (self->works, job))
    return;
  tcia_sources_want (self->sources, tcia_download_job_get_series (job));
  tcia_download_job_set_state (job, TCIA_DOWNLOAD_JOB_QUEUED);
  self->finished = FALSE;
  tcia_download_queue_schedule (self);
}

void
tcia_download_queue_retry_failed (TciaDownloadQueue *self)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));

  for (guint i = 0; i < self->jobs->len; i++)
    {
      TciaDownloadJob *job = g_ptr_array_index (self->jobs, i);
      const GError *error = tcia_download_job_get_error (job);

      if (tcia_download_job_get_state (job) != TCIA_DOWNLOAD_JOB_FAILED ||
          g_error_matches (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_UNKNOWN_SERIES))
        continue;
      tcia_sources_want (self->sources, tcia_download_job_get_series (job));
      tcia_download_job_set_state (job, TCIA_DOWNLOAD_JOB_QUEUED);
      self->finished = FALSE;
    }
  tcia_download_queue_schedule (self);
}

static gboolean
job_is_complete (TciaDownloadJob *job)
{
  TciaDownloadJobState state = tcia_download_job_get_state (job);

  return state == TCIA_DOWNLOAD_JOB_DONE || state == TCIA_DOWNLOAD_JOB_SKIPPED;
}

guint
tcia_download_queue_check_completed (TciaDownloadQueue *self)
{
  guint n = 0;

  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), 0);

  for (guint i = 0; i < self->jobs->len; i++)
    {
      TciaDownloadJob *job = g_ptr_array_index (self->jobs, i);

      if (!job_is_complete (job) || g_hash_table_contains (self->works, job))
        continue;
      g_hash_table_add (self->deep_check, job);
      tcia_download_job_set_state (job, TCIA_DOWNLOAD_JOB_QUEUED);
      n++;
    }
  if (n > 0)
    {
      self->finished = FALSE;
      tcia_download_queue_schedule (self);
    }
  return n;
}

guint
tcia_download_queue_remove_completed (TciaDownloadQueue *self)
{
  guint removed = 0;

  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), 0);

  /* From the end, one run of neighbours at a time, so that a list view
   * sees as few changes as there are gaps. */
  for (guint i = self->jobs->len; i > 0; )
    {
      guint end = i;

      while (i > 0 && job_is_complete (g_ptr_array_index (self->jobs, i - 1)))
        i--;
      if (i == end)
        {
          i--;
          continue;
        }
      for (guint j = i; j < end; j++)
        tcia_download_queue_detach_job (self, g_ptr_array_index (self->jobs, j));
      g_ptr_array_remove_range (self->jobs, i, end - i);
      removed += end - i;
      g_list_model_items_changed (G_LIST_MODEL (self), i, end - i, 0);
    }
  return removed;
}

guint
tcia_download_queue_get_n_done (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), 0);
  return self->n_in_state[TCIA_DOWNLOAD_JOB_DONE] + self->n_in_state[TCIA_DOWNLOAD_JOB_SKIPPED];
}

guint
tcia_download_queue_get_n_failed (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), 0);
  return self->n_in_state[TCIA_DOWNLOAD_JOB_FAILED];
}

guint
tcia_download_queue_get_n_queued (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), 0);
  return self->n_in_state[TCIA_DOWNLOAD_JOB_QUEUED];
}

guint
tcia_download_queue_get_n_active (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), 0);
  return self->n_in_state[TCIA_DOWNLOAD_JOB_QUEUED] + self->n_in_state[TCIA_DOWNLOAD_JOB_RUNNING];
}

guint
tcia_download_queue_get_n_paused (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), 0);
  return self->n_in_state[TCIA_DOWNLOAD_JOB_PAUSED];
}

guint
tcia_download_queue_get_n_cancelled (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), 0);
  return self->n_in_state[TCIA_DOWNLOAD_JOB_CANCELLED];
}

guint
tcia_download_queue_get_n_total (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), 0);
  return self->jobs->len;
}

guint64
tcia_download_queue_get_bytes_total (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), 0);
  return self->bytes_total;
}

gboolean
tcia_download_queue_has_work (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), FALSE);
  return tcia_download_queue_get_n_active (self) + self->n_in_state[TCIA_DOWNLOAD_JOB_PAUSED] > 0;
}

guint
tcia_download_queue_get_n_running (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), 0);
  return g_hash_table_size (self->works);
}

guint64
tcia_download_queue_get_bytes_received (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), 0);
  return self->bytes_received;
}

gboolean
tcia_download_queue_is_finished (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), FALSE);
  return self->finished;
}

void
tcia_download_queue_set_fetcher (TciaDownloadQueue *self,
                                 TciaFetcher       *fetcher)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));
  g_return_if_fail (TCIA_IS_FETCHER (fetcher));

  g_clear_object (&self->sources);
  self->sources = tcia_sources_new_single (fetcher);
}

void
tcia_download_queue_set_sources (TciaDownloadQueue *self,
                                 TciaSources       *sources)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));
  g_return_if_fail (TCIA_IS_SOURCES (sources));

  g_set_object (&self->sources, sources);
  for (guint i = 0; i < self->jobs->len; i++)
    {
      TciaDownloadJob *job = g_ptr_array_index (self->jobs, i);

      if (tcia_download_job_get_state (job) == TCIA_DOWNLOAD_JOB_QUEUED)
        tcia_sources_want (sources, tcia_download_job_get_series (job));
    }
}

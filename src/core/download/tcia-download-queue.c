/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-download-queue"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "tcia-dest.h"
#include "tcia-download-folders.h"
#include "tcia-download-private.h"
#include "tcia-download-queue.h"
#include "tcia-download-queue-internal.h"
#include "tcia-download-queue-private.h"
#include "tcia-download-work.h"
#include "tcia-http.h"
#include "tcia-list-model.h"
#include "tcia-metadata-csv.h"
#include "tcia-nbia-fetcher.h"
#include "tcia-records-private.h"
#include "tcia-retry.h"


TCIA_DEFINE_ARRAY_LIST_MODEL (tcia_download_queue, TCIA_DOWNLOAD_QUEUE, jobs,
                              TCIA_TYPE_DOWNLOAD_JOB)

G_DEFINE_FINAL_TYPE_WITH_CODE (TciaDownloadQueue, tcia_download_queue, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      tcia_download_queue_list_model_init))

enum
{
  SIGNAL_JOB_FINISHED,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];





/* ---- the queue's context ---- */


void
tcia_download_queue_check_finished (TciaDownloadQueue *self)
{
  gboolean finished = g_hash_table_size (self->works) == 0;

  for (guint i = 0; finished && i < self->jobs->len; i++)
    if (tcia_download_job_get_state (g_ptr_array_index (self->jobs, i)) == TCIA_DOWNLOAD_JOB_QUEUED)
      finished = FALSE;

  if (finished && !self->finished)
    {
      self->finished = TRUE;
      g_clear_pointer (&self->progress_source, g_source_destroy);
      tcia_download_folders_release (self->folders);
      g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
    }
}

static gboolean
finished_source_cb (gpointer user_data)
{
  TciaDownloadQueue *self = user_data;

  self->finished_source = NULL;
  tcia_download_queue_check_finished (self);
  return G_SOURCE_REMOVE;
}

/* A job added to a started queue may finish at once (skipped, unknown):
 * nothing else would then say the queue is finished again. Once for a
 * batch of additions, on the queue's context. */
static void
check_finished_later (TciaDownloadQueue *self)
{
  if (!self->started || self->finished_source != NULL)
    return;
  self->finished_source = g_idle_source_new ();
  g_source_set_callback (self->finished_source, finished_source_cb, self, NULL);
  g_source_attach (self->finished_source, self->context);
  g_source_unref (self->finished_source);
}

void
tcia_download_queue_finish_job (TciaDownloadQueue    *self,
                                TciaDownloadJob      *job,
                                TciaDownloadJobState  state,
                                const GError         *error)
{
  tcia_download_job_set_error (job, error);
  tcia_download_job_set_state (job, state);
  tcia_download_queue_emit_job_finished (self, job);
}

void
tcia_download_queue_emit_job_finished (TciaDownloadQueue *self,
                                       TciaDownloadJob   *job)
{
  g_signal_emit (self, signals[SIGNAL_JOB_FINISHED], 0, job);
}

void
tcia_download_queue_notify (TciaDownloadQueue *self,
                            guint              prop_id)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}


void
tcia_download_queue_schedule (TciaDownloadQueue *self)
{
  g_autoptr(GError) error = NULL;
  gboolean any_queued = FALSE;

  if (!self->started)
    return;

  for (guint i = 0; !any_queued && i < self->jobs->len; i++)
    any_queued = tcia_download_job_get_state (g_ptr_array_index (self->jobs, i)) ==
                 TCIA_DOWNLOAD_JOB_QUEUED;
  if (!any_queued)
    return;

  if (!tcia_download_folders_prepare (self->folders, self->jobs, self->layout, &error))
    {
      /* Nothing can be written there: every series waiting says why. */
      for (guint i = 0; i < self->jobs->len; i++)
        {
          TciaDownloadJob *job = g_ptr_array_index (self->jobs, i);

          if (tcia_download_job_get_state (job) == TCIA_DOWNLOAD_JOB_QUEUED)
            tcia_download_queue_finish_job (self, job, TCIA_DOWNLOAD_JOB_FAILED, error);
        }
      check_finished_later (self);
      return;
    }

  for (guint i = 0; i < self->jobs->len; i++)
    {
      TciaDownloadJob *job = g_ptr_array_index (self->jobs, i);

      if (tcia_download_job_get_state (job) != TCIA_DOWNLOAD_JOB_QUEUED ||
          g_hash_table_contains (self->works, job))
        continue;
      if (g_hash_table_size (self->works) >= self->allowed_jobs)
        break;
      tcia_download_queue_start_job (self, job);
    }
}

/* ---- tallies, kept as jobs change state rather than counted on demand ---- */

static GQuark
counted_state_quark (void)
{
  return g_quark_from_static_string ("tcia-download-queue-counted-state");
}

static void
notify_tallies_of (TciaDownloadQueue    *self,
                   TciaDownloadJobState  state)
{
  switch (state)
    {
    case TCIA_DOWNLOAD_JOB_QUEUED:
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_QUEUED]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ACTIVE]);
      break;
    case TCIA_DOWNLOAD_JOB_RUNNING:
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ACTIVE]);
      break;
    case TCIA_DOWNLOAD_JOB_DONE:
    case TCIA_DOWNLOAD_JOB_SKIPPED:
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DONE]);
      break;
    case TCIA_DOWNLOAD_JOB_FAILED:
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FAILED]);
      break;
    case TCIA_DOWNLOAD_JOB_PAUSED:
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAUSED]);
      break;
    case TCIA_DOWNLOAD_JOB_CANCELLED:
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CANCELLED]);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* The state a job is counted in is kept on it: a notification does not say
 * what the state was before. */
static void
count_job (TciaDownloadQueue *self,
           TciaDownloadJob   *job,
           gboolean           counted)
{
  gpointer old = g_object_get_qdata (G_OBJECT (job), counted_state_quark ());
  TciaDownloadJobState state = tcia_download_job_get_state (job);

  /* One notification for a tally that the old and new states share. */
  g_object_freeze_notify (G_OBJECT (self));
  if (old != NULL)
    {
      TciaDownloadJobState old_state = GPOINTER_TO_UINT (old) - 1;

      g_assert (self->n_in_state[old_state] > 0);
      self->n_in_state[old_state]--;
      if (!counted || old_state != state)
        notify_tallies_of (self, old_state);
    }
  if (counted)
    {
      self->n_in_state[state]++;
      g_object_set_qdata (G_OBJECT (job), counted_state_quark (), GUINT_TO_POINTER (state + 1));
      if (old == NULL || GPOINTER_TO_UINT (old) - 1 != state)
        notify_tallies_of (self, state);
    }
  else
    {
      g_object_set_qdata (G_OBJECT (job), counted_state_quark (), NULL);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
job_state_cb (TciaDownloadJob   *job,
              GParamSpec        *pspec,
              TciaDownloadQueue *self)
{
  count_job (self, job, TRUE);
}

static void
attach_job (TciaDownloadQueue *self,
            TciaDownloadJob   *job)
{
  g_signal_connect (job, "notify::state", G_CALLBACK (job_state_cb), self);
  count_job (self, job, TRUE);
  self->bytes_total += tcia_series_get_file_size (tcia_download_job_get_series (job));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_TOTAL]);
}

/* Before @job leaves the list; the caller says the list changed. */
void
tcia_download_queue_detach_job (TciaDownloadQueue *self,
                                TciaDownloadJob   *job)
{
  guint64 bytes = tcia_series_get_file_size (tcia_download_job_get_series (job));

  g_signal_handlers_disconnect_by_func (job, job_state_cb, self);
  count_job (self, job, FALSE);
  g_hash_table_remove (self->by_uid, tcia_download_job_get_series_uid (job));
  g_hash_table_remove (self->deep_check, job);
  self->bytes_total -= MIN (self->bytes_total, bytes);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_TOTAL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TOTAL]);
}

static void
tcia_download_queue_dispose (GObject *object)
{
  TciaDownloadQueue *self = TCIA_DOWNLOAD_QUEUE (object);

  /* A row of a list view may keep a job longer than its queue lives. */
  for (guint i = 0; self->jobs != NULL && i < self->jobs->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->jobs, i), job_state_cb, self);

  g_clear_pointer (&self->progress_source, g_source_destroy);
  g_clear_pointer (&self->finished_source, g_source_destroy);

  G_OBJECT_CLASS (tcia_download_queue_parent_class)->dispose (object);
}

static void
tcia_download_queue_finalize (GObject *object)
{
  TciaDownloadQueue *self = TCIA_DOWNLOAD_QUEUE (object);

  g_clear_object (&self->sources);
  g_clear_object (&self->destination);
  g_clear_pointer (&self->dest_path, g_free);
  g_clear_pointer (&self->folders, tcia_download_folders_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  g_clear_pointer (&self->by_uid, g_hash_table_unref);
  g_clear_pointer (&self->works, g_hash_table_unref);
  g_clear_pointer (&self->deep_check, g_hash_table_unref);
  G_OBJECT_CLASS (tcia_download_queue_parent_class)->finalize (object);
}

static void
tcia_download_queue_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TciaDownloadQueue *self = TCIA_DOWNLOAD_QUEUE (object);

  switch (prop_id)
    {
    case PROP_N_DONE:
      g_value_set_uint (value, tcia_download_queue_get_n_done (self));
      break;
    case PROP_N_FAILED:
      g_value_set_uint (value, tcia_download_queue_get_n_failed (self));
      break;
    case PROP_N_RUNNING:
      g_value_set_uint (value, g_hash_table_size (self->works));
      break;
    case PROP_N_QUEUED:
      g_value_set_uint (value, self->n_in_state[TCIA_DOWNLOAD_JOB_QUEUED]);
      break;
    case PROP_N_ACTIVE:
      g_value_set_uint (value, tcia_download_queue_get_n_active (self));
      break;
    case PROP_N_PAUSED:
      g_value_set_uint (value, self->n_in_state[TCIA_DOWNLOAD_JOB_PAUSED]);
      break;
    case PROP_N_CANCELLED:
      g_value_set_uint (value, self->n_in_state[TCIA_DOWNLOAD_JOB_CANCELLED]);
      break;
    case PROP_N_TOTAL:
      g_value_set_uint (value, self->jobs->len);
      break;
    case PROP_BYTES_TOTAL:
      g_value_set_uint64 (value, self->bytes_total);
      break;
    case PROP_BYTES_RECEIVED:
      g_value_set_uint64 (value, self->bytes_received);
      break;
    case PROP_ALLOWED_JOBS:
      g_value_set_uint (value, self->allowed_jobs);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_download_queue_class_init (TciaDownloadQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tcia_download_queue_dispose;
  object_class->finalize = tcia_download_queue_finalize;
  object_class->get_property = tcia_download_queue_get_property;

  properties[PROP_N_DONE] = g_param_spec_uint ("n-done", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_FAILED] = g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_RUNNING] = g_param_spec_uint ("n-running", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_QUEUED] = g_param_spec_uint ("n-queued", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_ACTIVE] = g_param_spec_uint ("n-active", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_PAUSED] = g_param_spec_uint ("n-paused", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_CANCELLED] =
    g_param_spec_uint ("n-cancelled", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_TOTAL] = g_param_spec_uint ("n-total", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_BYTES_TOTAL] =
    g_param_spec_uint64 ("bytes-total", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_BYTES_RECEIVED] =
    g_param_spec_uint64 ("bytes-received", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_ALLOWED_JOBS] =
    g_param_spec_uint ("allowed-jobs", NULL, NULL, 1, TCIA_DOWNLOAD_QUEUE_MAX_JOBS, 1, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_JOB_FINISHED] =
    g_signal_new ("job-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TCIA_TYPE_DOWNLOAD_JOB);
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tcia_download_queue_init (TciaDownloadQueue *self)
{
  self->jobs = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_uid = g_hash_table_new (g_str_hash, g_str_equal);
  self->works = g_hash_table_new (NULL, NULL);
  self->deep_check = g_hash_table_new (NULL, NULL);
  self->max_jobs = self->allowed_jobs = TCIA_DOWNLOAD_QUEUE_DEFAULT_JOBS;
  self->verify_checksums = TRUE;
  self->timeout_s = 60;
  self->policy.max_attempts = 5;
  self->policy.base_delay_ms = 1000;
  self->policy.max_delay_ms = 60 * 1000;
  self->context = g_main_context_ref_thread_default ();
}

TciaDownloadQueue *
tcia_download_queue_new (TciaClient *client,
                         GFile      *destination,
                         TciaLayout  layout)
{
  TciaDownloadQueue *self;

  g_return_val_if_fail (TCIA_IS_CLIENT (client), NULL);
  g_return_val_if_fail (G_IS_FILE (destination), NULL);
  g_return_val_if_fail (g_file_get_path (destination) != NULL, NULL);

  self = g_object_new (TCIA_TYPE_DOWNLOAD_QUEUE, NULL);
  {
    g_autoptr(TciaFetcher) nbia = tcia_nbia_fetcher_new (client);

    self->sources = tcia_sources_new_single (nbia);
  }
  self->destination = g_object_ref (destination);
  self->dest_path = g_file_get_path (destination);
  self->folders = tcia_download_folders_new (self->dest_path);
  self->layout = layout;
  return self;
}

GFile *
tcia_download_queue_get_destination (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), NULL);
  return self->destination;
}

TciaLayout
tcia_download_queue_get_layout (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), TCIA_LAYOUT_DESCRIPTIVE);
  return self->layout;
}

void
tcia_download_queue_set_max_jobs (TciaDownloadQueue *self,
                                  guint              max_jobs)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));

  max_jobs = CLAMP (max_jobs, 1, TCIA_DOWNLOAD_QUEUE_MAX_JOBS);
  self->max_jobs = max_jobs;
  self->allowed_jobs = max_jobs;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOWED_JOBS]);
  tcia_download_queue_schedule (self);
}

void
tcia_download_queue_set_verify_checksums (TciaDownloadQueue *self,
                                          gboolean           verify)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));

  self->verify_checksums = !!verify;
}

gboolean
tcia_download_queue_get_verify_checksums (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), TRUE);
  return self->verify_checksums;
}

guint
tcia_download_queue_get_max_jobs (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), 0);
  return self->max_jobs;
}

guint
tcia_download_queue_get_allowed_jobs (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), 0);
  return self->allowed_jobs;
}

void
tcia_download_queue_set_retry_policy (TciaDownloadQueue *self,
                                      guint              max_attempts,
                                      guint              base_delay_ms,
                                      guint              max_delay_ms)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));

  self->policy.max_attempts = MAX (max_attempts, 1);
  self->policy.base_delay_ms = base_delay_ms;
  self->policy.max_delay_ms = max_delay_ms;
}

void
tcia_download_queue_set_timeout (TciaDownloadQueue *self,
                                 guint              seconds)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));
  self->timeout_s = MAX (seconds, 1);
}

void
tcia_download_queue_set_limits (TciaDownloadQueue *self,
                                guint              deadline_s,
                                guint              min_bytes,
                                guint              window_ms)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));

  self->deadline_s = deadline_s;
  self->min_bytes = min_bytes;
  self->window_ms = min_bytes > 0 ? MAX (window_ms, 1) : 0;
}

void
tcia_download_queue_set_verify_existing (TciaDownloadQueue *self,
                                         gboolean           verify)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));

  self->verify_existing = !!verify;
}

static TciaDownloadJob *
append_job (TciaDownloadQueue *self,
            TciaDownloadJob   *job)
{
  g_ptr_array_add (self->jobs, job);
  g_hash_table_insert (self->by_uid, (gpointer) tcia_download_job_get_series_uid (job), job);
  tcia_sources_want (self->sources, tcia_download_job_get_series (job));
  attach_job (self, job);
  self->finished = FALSE;
  g_list_model_items_changed (G_LIST_MODEL (self), self->jobs->len - 1, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TOTAL]);
  return job;
}

/* The job of @series: the one listed, else a new one in the layout's
 * folder, queued, or done by a previous run (@done: counted, never
 * scheduled). */
static TciaDownloadJob *
add_job (TciaDownloadQueue *self,
         TciaSeries        *series,
         gboolean           done)
{
  TciaDownloadJob *job = g_hash_table_lookup (self->by_uid, tcia_series_get_series_uid (series));
  g_autofree char *path = NULL;

  if (job != NULL)
    return job;
  path = tcia_layout_build_path (self->layout, series);
  job = tcia_download_job_new (series, path);
  if (done)
    {
      tcia_download_job_set_n_images (job, tcia_series_get_image_count (series));
      tcia_download_job_set_state (job, TCIA_DOWNLOAD_JOB_DONE);
      return append_job (self, job);
    }
  append_job (self, job);
  if (tcia_download_folders_is_ready (self->folders))
    tcia_download_folders_assign (self->folders, job, self->layout);
  tcia_download_queue_schedule (self);
  check_finished_later (self);
  return job;
}

TciaDownloadJob *
tcia_download_queue_add (TciaDownloadQueue *self,
                         TciaSeries        *series)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), NULL);
  g_return_val_if_fail (TCIA_IS_SERIES (series), NULL);
  g_return_val_if_fail (tcia_series_get_series_uid (series) != NULL, NULL);

  return add_job (self, series, FALSE);
}

TciaDownloadJob *
tcia_download_queue_add_unknown (TciaDownloadQueue *self,
                                 const char        *series_uid)
{
  const char *keys[] = { "series-uid" };
  const char *values[] = { series_uid };
  g_autoptr(TciaSeries) series = NULL;
  g_autoptr(GError) error = NULL;
  TciaDownloadJob *job;

  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), NULL);

  job = g_hash_table_lookup (self->by_uid, series_uid);
  if (job != NULL)
    return job;

  series = tcia_series_new_from_fields (keys, values, 1);
  job = append_job (self, tcia_download_job_new (series, series_uid));
  g_set_error (&error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_UNKNOWN_SERIES,
               _("The server does not know this series, or it is not public."));
  tcia_download_queue_finish_job (self, job, TCIA_DOWNLOAD_JOB_FAILED, error);
  check_finished_later (self);
  return job;
}

TciaDownloadJob *
tcia_download_queue_add_done (TciaDownloadQueue *self,
                              TciaSeries        *series)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), NULL);
  g_return_val_if_fail (TCIA_IS_SERIES (series), NULL);
  g_return_val_if_fail (tcia_series_get_series_uid (series) != NULL, NULL);

  return add_job (self, series, TRUE);
}

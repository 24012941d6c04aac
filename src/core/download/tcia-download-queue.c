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
#include "tcia-metadata-csv.h"
#include "tcia-nbia-fetcher.h"
#include "tcia-records-private.h"
#include "tcia-retry.h"



static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TciaDownloadQueue, tcia_download_queue, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

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

enum
{
  SIGNAL_JOB_FINISHED,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void     update_bytes        (TciaDownloadQueue *self);


static GType
list_get_item_type (GListModel *model)
{
  return TCIA_TYPE_DOWNLOAD_JOB;
}

static guint
list_get_n_items (GListModel *model)
{
  return TCIA_DOWNLOAD_QUEUE (model)->jobs->len;
}

static gpointer
list_get_item (GListModel *model,
               guint       position)
{
  TciaDownloadQueue *self = TCIA_DOWNLOAD_QUEUE (model);

  if (position >= self->jobs->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->jobs, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_get_item_type;
  iface->get_n_items = list_get_n_items;
  iface->get_item = list_get_item;
}

/* ---- the worker thread ---- */

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
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOWED_JOBS]);
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

/* ---- the queue's context ---- */

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
  g_signal_emit (self, signals[SIGNAL_JOB_FINISHED], 0, job);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RUNNING]);

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
              g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOWED_JOBS]);
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
    g_signal_emit (self, signals[SIGNAL_JOB_FINISHED], 0, job);

  tcia_download_work_free (w);
  g_object_unref (worker->queue);
  g_main_context_unref (worker->context);
  g_free (worker);
  tcia_download_queue_schedule (self);
  tcia_download_queue_check_finished (self);
  return G_SOURCE_REMOVE;
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
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_RECEIVED]);
    }
}

static gboolean
progress_tick_cb (gpointer user_data)
{
  update_bytes (user_data);
  return G_SOURCE_CONTINUE;
}

static void
start_job (TciaDownloadQueue *self,
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RUNNING]);

  if (self->progress_source == NULL)
    {
      self->progress_source = g_timeout_source_new (PROGRESS_INTERVAL_MS);
      g_source_set_callback (self->progress_source, progress_tick_cb, self, NULL);
      g_source_attach (self->progress_source, self->context);
      g_source_unref (self->progress_source);
    }

  g_thread_unref (g_thread_new ("tcia-download", worker_thread, worker));
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
      start_job (self, job);
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

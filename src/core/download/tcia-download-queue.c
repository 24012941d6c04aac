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
#include "tcia-download-private.h"
#include "tcia-download-queue.h"
#include "tcia-download-queue-private.h"
#include "tcia-download-work.h"
#include "tcia-http.h"
#include "tcia-metadata-csv.h"
#include "tcia-nbia-fetcher.h"
#include "tcia-records-private.h"
#include "tcia-retry.h"

/* Successful series in a row before one more job is allowed again. */
#define CREEP_UP_AFTER 2
#define PROGRESS_INTERVAL_MS 250
/* Every series gets this long, plus a second for each 64 KiB it holds. */
#define DEADLINE_BASE_S (30 * 60)
#define DEADLINE_BYTES_PER_S (64 * 1024)

typedef TciaDownloadWork Work;

struct _TciaDownloadQueue
{
  GObject          parent_instance;

  /* owned */
  TciaFetcher     *fetcher;       /* of every series, for now */
  GFile           *destination;
  char            *dest_path;
  char            *metadata_path;
  GMainContext    *context;
  GPtrArray       *jobs;          /* TciaDownloadJob */
  GHashTable      *by_uid;        /* series UID -> job (borrowed) */
  GHashTable      *works;         /* job -> Work, while a worker runs for it */
  GHashTable      *rows;          /* UID -> File Location of metadata.csv's rows; NULL until ready */
  GHashTable      *claims;        /* folder -> the UID it is for (rows and jobs) */
  GHashTable      *deep_check;    /* jobs to check by MD5 before they are skipped */
  int              root_fd;       /* the destination, while the queue works */
  int              lock_fd;       /* its lock, likewise */
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
  guint            n_done;
  guint            n_failed;
  guint64          finished_bytes;
  guint64          bytes_received;
  gboolean         started;
  gboolean         finished;
};


static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TciaDownloadQueue, tcia_download_queue, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum
{
  PROP_0,
  PROP_N_DONE,
  PROP_N_FAILED,
  PROP_N_RUNNING,
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

static void     schedule            (TciaDownloadQueue *self);
static void     update_bytes        (TciaDownloadQueue *self);
static void     release_destination (TciaDownloadQueue *self);
static void     assign_path         (TciaDownloadQueue *self,
                                     TciaDownloadJob   *job);
static gboolean take_other_folder   (TciaDownloadQueue *self,
                                     TciaDownloadJob   *job);

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

static void
congested_cb (gpointer user_data)
{
  Worker *worker = user_data;

  g_main_context_invoke_full (worker->context, G_PRIORITY_DEFAULT, congestion_cb,
                              g_object_ref (worker->queue), g_object_unref);
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

  g_main_context_invoke (worker->context, work_done_cb, worker);
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
  if (!tcia_metadata_csv_append_at (self->root_fd, self->metadata_path, row, error))
    return FALSE;
  g_hash_table_replace (self->rows, g_strdup (tcia_download_job_get_series_uid (job)),
                        g_strdup (tcia_download_job_get_relative_path (job)));
  return TRUE;
}

static void
check_finished (TciaDownloadQueue *self)
{
  gboolean finished = g_hash_table_size (self->works) == 0;

  for (guint i = 0; finished && i < self->jobs->len; i++)
    if (tcia_download_job_get_state (g_ptr_array_index (self->jobs, i)) == TCIA_DOWNLOAD_JOB_QUEUED)
      finished = FALSE;

  if (finished && !self->finished)
    {
      self->finished = TRUE;
      g_clear_pointer (&self->progress_source, g_source_destroy);
      release_destination (self);
      g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
    }
}

static gboolean
finished_source_cb (gpointer user_data)
{
  TciaDownloadQueue *self = user_data;

  self->finished_source = NULL;
  check_finished (self);
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

static void
finish_job (TciaDownloadQueue    *self,
            TciaDownloadJob      *job,
            TciaDownloadJobState  state,
            const GError         *error)
{
  tcia_download_job_set_error (job, error);
  tcia_download_job_set_state (job, state);
  if (state == TCIA_DOWNLOAD_JOB_DONE || state == TCIA_DOWNLOAD_JOB_SKIPPED)
    {
      self->n_done++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DONE]);
    }
  else if (state == TCIA_DOWNLOAD_JOB_FAILED)
    {
      self->n_failed++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FAILED]);
    }
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
      finish_job (self, job, TCIA_DOWNLOAD_JOB_SKIPPED, NULL);
    }
  else if (w->ok)
    {
      tcia_download_job_set_n_images (job, w->n_images);
      if (append_row (self, job, w->n_images, w->bytes, w->sop_class_uid, &error))
        {
          finish_job (self, job, TCIA_DOWNLOAD_JOB_DONE, NULL);
          if (++self->streak >= CREEP_UP_AFTER && self->allowed_jobs < self->max_jobs)
            {
              self->streak = 0;
              self->allowed_jobs++;
              g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOWED_JOBS]);
            }
        }
      else
        finish_job (self, job, TCIA_DOWNLOAD_JOB_FAILED, error);
    }
  else if (state == TCIA_DOWNLOAD_JOB_RUNNING && w->in_the_way && take_other_folder (self, job))
    {
      /* Left as it is; the series goes beside it, under a name of its own. */
      tcia_download_job_set_state (job, TCIA_DOWNLOAD_JOB_QUEUED);
    }
  else if (state == TCIA_DOWNLOAD_JOB_RUNNING)
    {
      finish_job (self, job,
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
  schedule (self);
  check_finished (self);
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
  const char *row = g_hash_table_lookup (self->rows, uid);
  guint64 declared = 0;

  w->job = g_object_ref (job);
  w->cancellable = g_cancellable_new ();
  w->root_fd = fcntl (self->root_fd, F_DUPFD_CLOEXEC, 3);
  w->dest_path = g_strdup (self->dest_path);
  tcia_fetcher_can_fetch (self->fetcher, series, &declared);
  w->fetcher = g_object_ref (self->fetcher);
  w->series = g_object_ref (series);
  w->rel = g_strdup (tcia_download_job_get_relative_path (job));
  w->license_text = license_text (self, series);
  w->expected_images = tcia_series_get_image_count (series);
  w->has_row = row != NULL && strcmp (row, w->rel) == 0;
  w->verify_existing = self->verify_existing || g_hash_table_remove (self->deep_check, job);
  w->read_sop_class = tcia_series_get_sop_class_uid (series) == NULL ||
                      *tcia_series_get_sop_class_uid (series) == '\0';
  w->extract_flags = self->verify_checksums ? TCIA_EXTRACT_VERIFY_MD5 : TCIA_EXTRACT_FLAGS_NONE;
  tcia_extract_limits_init (&w->limits, declared);
  if (self->min_bytes > 0)
    {
      w->limits.min_bytes = self->min_bytes;
      w->limits.window_ms = self->window_ms;
    }
  w->deadline_s = self->deadline_s > 0
                  ? self->deadline_s
                  : DEADLINE_BASE_S + (guint) MIN (declared / DEADLINE_BYTES_PER_S, G_MAXUINT / 2);
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

/* A folder name of its own for a series whose folder would be another's:
 * the same on every run, so that a resumed download finds it again. */
static char *
tie_broken_path (const char *path,
                 const char *series_uid)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, series_uid, -1);

  return g_strdup_printf ("%s-%.8s", path, digest);
}

static gboolean
is_safe_relative_path (const char *path)
{
  g_auto(GStrv) parts = NULL;

  if (path == NULL || *path == '\0' || path[0] == '/' || strchr (path, '\\') != NULL)
    return FALSE;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] == '\0' || strcmp (parts[i], ".") == 0 || strcmp (parts[i], "..") == 0 ||
        g_str_has_suffix (parts[i], ".part"))
      return FALSE;
  return TRUE;
}

/* Gives @job its folder: the one metadata.csv already has for it, else the
 * layout's, else, when that is another series' (by a row or a job), the
 * layout's with a tie-breaker from its UID. */
static void
assign_path (TciaDownloadQueue *self,
             TciaDownloadJob   *job)
{
  const char *uid = tcia_download_job_get_series_uid (job);
  const char *row = g_hash_table_lookup (self->rows, uid);
  g_autofree char *path = NULL;
  const char *owner;

  if (row != NULL && is_safe_relative_path (row))
    path = g_strdup (row);
  else
    {
      path = tcia_layout_build_path (self->layout, tcia_download_job_get_series (job));
      owner = g_hash_table_lookup (self->claims, path);
      if (owner != NULL && strcmp (owner, uid) != 0)
        {
          char *other = tie_broken_path (path, uid);

          g_free (path);
          path = other;
        }
    }
  owner = g_hash_table_lookup (self->claims, path);
  if (owner == NULL || strcmp (owner, uid) != 0)
    g_hash_table_replace (self->claims, g_strdup (path), g_strdup (uid));
  tcia_download_job_set_relative_path (job, path);
}

/* The place of @job is held by a folder the program did not write: the
 * tie-broken name instead, once. */
static gboolean
take_other_folder (TciaDownloadQueue *self,
                   TciaDownloadJob   *job)
{
  const char *uid = tcia_download_job_get_series_uid (job);
  g_autofree char *base = tcia_layout_build_path (self->layout, tcia_download_job_get_series (job));
  g_autofree char *other = tie_broken_path (base, uid);
  const char *owner = g_hash_table_lookup (self->claims, other);

  if (strcmp (tcia_download_job_get_relative_path (job), other) == 0 ||
      (owner != NULL && strcmp (owner, uid) != 0))
    return FALSE;
  g_hash_table_replace (self->claims, g_strdup (other), g_strdup (uid));
  tcia_download_job_set_relative_path (job, other);
  return TRUE;
}

static int
compare_jobs_by_uid (gconstpointer a,
                     gconstpointer b)
{
  TciaDownloadJob *ja = *(TciaDownloadJob **) a;
  TciaDownloadJob *jb = *(TciaDownloadJob **) b;

  return g_strcmp0 (tcia_download_job_get_series_uid (ja), tcia_download_job_get_series_uid (jb));
}

static void
release_destination (TciaDownloadQueue *self)
{
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  if (self->root_fd >= 0)
    close (self->root_fd);
  self->lock_fd = self->root_fd = -1;
}

/* Before the first job starts: the destination opened and locked, its
 * metadata.csv read, and every queued series given a folder of its own, in
 * the order of their UIDs so that the same series win on every run. */
static gboolean
prepare_destination (TciaDownloadQueue  *self,
                     GError            **error)
{
  g_autoptr(GPtrArray) queued = g_ptr_array_new ();
  g_autoptr(GHashTable) rows = NULL;
  GHashTableIter iter;
  gpointer uid, location;

  if (self->lock_fd >= 0)
    return TRUE;

  /* The folder the user chose may not be there yet (a first download into
   * Downloads/TCIA): making it is making what was asked for. */
  if (g_mkdir_with_parents (self->dest_path, 0755) < 0 && errno != EEXIST)
    g_debug ("Could not create %s: %s", self->dest_path, g_strerror (errno));
  self->root_fd = tcia_dest_open_root (self->dest_path, error);
  if (self->root_fd < 0)
    return FALSE;
  self->lock_fd = tcia_dest_lock (self->root_fd, self->dest_path, error);
  if (self->lock_fd < 0)
    {
      release_destination (self);
      return FALSE;
    }
  rows = tcia_metadata_csv_read_locations (self->root_fd, self->metadata_path, error);
  if (rows == NULL)
    {
      release_destination (self);
      return FALSE;
    }

  g_clear_pointer (&self->rows, g_hash_table_unref);
  self->rows = g_steal_pointer (&rows);
  g_hash_table_remove_all (self->claims);
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &uid, &location))
    if (*(const char *) location != '\0')
      g_hash_table_replace (self->claims, g_strdup (location), g_strdup (uid));

  for (guint i = 0; i < self->jobs->len; i++)
    {
      TciaDownloadJob *job = g_ptr_array_index (self->jobs, i);

      if (tcia_download_job_get_state (job) == TCIA_DOWNLOAD_JOB_QUEUED)
        g_ptr_array_add (queued, job);
      else
        g_hash_table_replace (self->claims, g_strdup (tcia_download_job_get_relative_path (job)),
                              g_strdup (tcia_download_job_get_series_uid (job)));
    }
  g_ptr_array_sort (queued, compare_jobs_by_uid);
  for (guint i = 0; i < queued->len; i++)
    assign_path (self, g_ptr_array_index (queued, i));
  return TRUE;
}

static void
schedule (TciaDownloadQueue *self)
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

  if (!prepare_destination (self, &error))
    {
      /* Nothing can be written there: every series waiting says why. */
      for (guint i = 0; i < self->jobs->len; i++)
        {
          TciaDownloadJob *job = g_ptr_array_index (self->jobs, i);

          if (tcia_download_job_get_state (job) == TCIA_DOWNLOAD_JOB_QUEUED)
            finish_job (self, job, TCIA_DOWNLOAD_JOB_FAILED, error);
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

static void
tcia_download_queue_dispose (GObject *object)
{
  TciaDownloadQueue *self = TCIA_DOWNLOAD_QUEUE (object);

  g_clear_pointer (&self->progress_source, g_source_destroy);
  g_clear_pointer (&self->finished_source, g_source_destroy);

  G_OBJECT_CLASS (tcia_download_queue_parent_class)->dispose (object);
}

static void
tcia_download_queue_finalize (GObject *object)
{
  TciaDownloadQueue *self = TCIA_DOWNLOAD_QUEUE (object);

  g_clear_object (&self->fetcher);
  g_clear_object (&self->destination);
  g_clear_pointer (&self->dest_path, g_free);
  g_clear_pointer (&self->metadata_path, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  g_clear_pointer (&self->by_uid, g_hash_table_unref);
  g_clear_pointer (&self->works, g_hash_table_unref);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->claims, g_hash_table_unref);
  g_clear_pointer (&self->deep_check, g_hash_table_unref);
  release_destination (self);

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
      g_value_set_uint (value, self->n_done);
      break;
    case PROP_N_FAILED:
      g_value_set_uint (value, self->n_failed);
      break;
    case PROP_N_RUNNING:
      g_value_set_uint (value, g_hash_table_size (self->works));
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
  self->claims = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->deep_check = g_hash_table_new (NULL, NULL);
  self->root_fd = self->lock_fd = -1;
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
  self->fetcher = tcia_nbia_fetcher_new (client);
  self->destination = g_object_ref (destination);
  self->dest_path = g_file_get_path (destination);
  self->metadata_path = g_build_filename (self->dest_path, TCIA_METADATA_CSV_NAME, NULL);
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
  schedule (self);
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
  self->finished = FALSE;
  g_list_model_items_changed (G_LIST_MODEL (self), self->jobs->len - 1, 0, 1);
  return job;
}

TciaDownloadJob *
tcia_download_queue_add (TciaDownloadQueue *self,
                         TciaSeries        *series)
{
  TciaDownloadJob *job;
  g_autofree char *path = NULL;

  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), NULL);
  g_return_val_if_fail (TCIA_IS_SERIES (series), NULL);
  g_return_val_if_fail (tcia_series_get_series_uid (series) != NULL, NULL);

  job = g_hash_table_lookup (self->by_uid, tcia_series_get_series_uid (series));
  if (job != NULL)
    return job;

  path = tcia_layout_build_path (self->layout, series);
  append_job (self, tcia_download_job_new (series, path));
  job = g_ptr_array_index (self->jobs, self->jobs->len - 1);
  if (self->lock_fd >= 0)
    assign_path (self, job);
  schedule (self);
  check_finished_later (self);
  return job;
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
  finish_job (self, job, TCIA_DOWNLOAD_JOB_FAILED, error);
  check_finished_later (self);
  return job;
}

void
tcia_download_queue_start (TciaDownloadQueue *self)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));

  self->started = TRUE;
  schedule (self);
  check_finished (self);
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
  schedule (self);
  check_finished (self);
}

void
tcia_download_queue_resume (TciaDownloadQueue *self,
                            TciaDownloadJob   *job)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self));

  if (tcia_download_job_get_state (job) != TCIA_DOWNLOAD_JOB_PAUSED)
    return;
  tcia_download_job_set_state (job, TCIA_DOWNLOAD_JOB_QUEUED);
  self->finished = FALSE;
  schedule (self);
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
        finish_job (self, job, TCIA_DOWNLOAD_JOB_CANCELLED, NULL);
      else if (state == TCIA_DOWNLOAD_JOB_RUNNING)
        tcia_download_job_set_state (job, TCIA_DOWNLOAD_JOB_CANCELLED);
      if (w != NULL)
        g_cancellable_cancel (w->cancellable);
    }
  check_finished (self);
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
  if (state == TCIA_DOWNLOAD_JOB_FAILED)
    {
      self->n_failed--;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FAILED]);
    }
  tcia_download_job_set_state (job, TCIA_DOWNLOAD_JOB_QUEUED);
  self->finished = FALSE;
  schedule (self);
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
      self->n_failed--;
      tcia_download_job_set_state (job, TCIA_DOWNLOAD_JOB_QUEUED);
      self->finished = FALSE;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FAILED]);
  schedule (self);
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
      self->n_done -= MIN (self->n_done, n);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DONE]);
      self->finished = FALSE;
      schedule (self);
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
        {
          g_hash_table_remove (self->by_uid,
                               tcia_download_job_get_series_uid (g_ptr_array_index (self->jobs, j)));
          g_hash_table_remove (self->deep_check, g_ptr_array_index (self->jobs, j));
        }
      g_ptr_array_remove_range (self->jobs, i, end - i);
      removed += end - i;
      g_list_model_items_changed (G_LIST_MODEL (self), i, end - i, 0);
    }

  if (removed > 0)
    {
      self->n_done -= MIN (self->n_done, removed);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DONE]);
    }
  return removed;
}

guint
tcia_download_queue_get_n_done (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), 0);
  return self->n_done;
}

guint
tcia_download_queue_get_n_failed (TciaDownloadQueue *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (self), 0);
  return self->n_failed;
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

  g_set_object (&self->fetcher, fetcher);
}

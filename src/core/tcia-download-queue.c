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

#include "tcia-download-private.h"
#include "tcia-download-queue.h"
#include "tcia-metadata-csv.h"
#include "tcia-records-private.h"
#include "tcia-retry.h"

/* Successful series in a row before one more job is allowed again. */
#define CREEP_UP_AFTER 2
#define PROGRESS_INTERVAL_MS 250
#define ERROR_BODY_MAX 4096

typedef struct _Work Work;

struct _TciaDownloadQueue
{
  GObject          parent_instance;

  /* owned */
  TciaClient      *client;
  GFile           *destination;
  char            *dest_path;
  char            *metadata_path;
  GMainContext    *context;
  GPtrArray       *jobs;          /* TciaDownloadJob */
  GHashTable      *by_uid;        /* series UID -> job (borrowed) */
  GHashTable      *works;         /* job -> Work, while a worker runs for it */
  GHashTable      *rows;          /* UIDs with a metadata.csv row; NULL until started */
  GSource         *progress_source;
  GSource         *finished_source;   /* a check for "finished" after jobs were added */

  TciaLayout       layout;
  TciaRetryPolicy  policy;
  guint            timeout_s;
  guint            max_jobs;
  gboolean         verify_checksums;
  guint            allowed_jobs;
  guint            streak;
  guint            n_done;
  guint            n_failed;
  guint64          finished_bytes;
  guint64          bytes_received;
  gboolean         started;
  gboolean         finished;
};

struct _Work
{
  TciaDownloadQueue *queue;       /* a reference */
  TciaDownloadJob   *job;         /* a reference */
  GMainContext      *context;     /* the queue's */
  GCancellable      *cancellable;
  char              *url;
  char              *part_path;
  char              *final_path;
  guint              expected_images;
  TciaExtractFlags   extract_flags;
  gboolean           read_sop_class;  /* the server did not say: read it from an image */
  TciaRetryPolicy    policy;
  guint              timeout_s;
  guint              attempt;     /* the current one, from 1 */

  /* results, read on the queue's context after the thread is done */
  gboolean           ok;
  guint              n_images;
  guint64            bytes;
  char              *license_text;
  char              *sop_class_uid;
  GError            *error;
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

static void schedule     (TciaDownloadQueue *self);
static void update_bytes (TciaDownloadQueue *self);

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

static void
work_free (Work *w)
{
  g_clear_object (&w->queue);
  g_clear_object (&w->job);
  g_clear_pointer (&w->context, g_main_context_unref);
  g_clear_object (&w->cancellable);
  g_free (w->url);
  g_free (w->part_path);
  g_free (w->final_path);
  g_free (w->license_text);
  g_free (w->sop_class_uid);
  g_clear_error (&w->error);
  g_free (w);
}

/* ---- the worker thread ---- */

static void
progress_cb (guint64  bytes,
             gpointer user_data)
{
  Work *w = user_data;

  tcia_download_job_store_progress (w->job, bytes, w->attempt);
}

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

static char *
read_error_body (GInputStream *stream,
                 GCancellable *cancellable)
{
  char buf[ERROR_BODY_MAX + 1];
  gsize n = 0;
  GString *line = g_string_new (NULL);

  g_input_stream_read_all (stream, buf, ERROR_BODY_MAX, &n, cancellable, NULL);
  buf[n] = '\0';
  /* One line: the server's words may be an HTML page or a stack trace. */
  for (char *p = buf; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          if (line->len > 0 && line->str[line->len - 1] != ' ')
            g_string_append_c (line, ' ');
        }
      else
        g_string_append_c (line, *p);
    }
  if (!g_utf8_validate (line->str, line->len, NULL))
    g_string_truncate (line, 0);
  return g_strstrip (g_string_free (line, FALSE));
}

/* Says what a person can do about it: the same destination would fail again. */
static void
set_folder_error (GError     **error,
                  int          errsv,
                  const char  *path)
{
  if (errsv == EROFS || errsv == EACCES || errsv == EPERM)
    g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                 _("Could not create the folder “%s”: %s. The destination is read-only: "
                   "choose another folder."),
                 path, g_strerror (errsv));
  else if (errsv == ENOSPC || errsv == EDQUOT)
    g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                 _("Could not create the folder “%s”: %s. The disk is full: free some space "
                   "and try again."),
                 path, g_strerror (errsv));
  else
    g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                 _("Could not create the folder “%s”: %s."), path, g_strerror (errsv));
}

/* One request and its archive. @congested when the server pushed back. */
static gboolean
fetch_once (Work         *w,
            SoupSession  *session,
            char        **retry_after,
            gboolean     *congested,
            GError      **error)
{
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, w->url);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) local = NULL;
  TciaExtractResult result = { 0 };
  guint status;
  gboolean ok;

  if (msg == NULL)
    {
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_REFUSED,
                   _("The download address “%s” is not valid."), w->url);
      return FALSE;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "*/*");

  stream = soup_session_send (session, msg, w->cancellable, &local);
  if (stream == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      *congested = TRUE;
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_NETWORK,
                   _("Could not reach the server: %s"), local->message);
      return FALSE;
    }

  status = soup_message_get_status (msg);
  if (status != SOUP_STATUS_OK)
    {
      g_autofree char *text = read_error_body (stream, w->cancellable);
      const char *after = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                        "Retry-After");

      g_input_stream_close (stream, NULL, NULL);
      if (status == 429 || status >= 500)
        {
          *congested = status == 429 || status == 503;
          *retry_after = g_strdup (after);
          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_SERVER,
                       status == 429 ? _("The server asked to slow down (HTTP %u).")
                                     : _("The server failed (HTTP %u)."),
                       status);
        }
      else
        {
          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_REFUSED,
                       _("The server refused the series (HTTP %u): %s"), status,
                       *text != '\0' ? text : soup_message_get_reason_phrase (msg));
        }
      return FALSE;
    }

  ok = tcia_extract_zip (stream, w->part_path, w->expected_images, w->extract_flags,
                         progress_cb, w, &result, w->cancellable, error);
  g_input_stream_close (stream, NULL, NULL);
  if (ok)
    {
      w->n_images = result.n_images;
      w->bytes = result.bytes_written;
      g_free (w->license_text);
      w->license_text = g_steal_pointer (&result.license_text);
    }
  else if (error != NULL && *error != NULL &&
           g_error_matches (*error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_NETWORK))
    {
      *congested = TRUE;
    }
  tcia_extract_result_clear (&result);
  return ok;
}

static gboolean
run_work (Work        *w,
          SoupSession *session)
{
  g_autoptr(GRand) rand = g_rand_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = g_path_get_dirname (w->part_path);
  guint attempt;

  /* A folder at the final place that matches its checksums is a series
   * whose row was not written yet (a crash at the wrong moment). */
  if (g_file_test (w->final_path, G_FILE_TEST_IS_DIR) &&
      tcia_extract_verify_dir (w->final_path, w->expected_images, w->cancellable, NULL))
    return TRUE;
  if (!tcia_extract_remove_tree (w->final_path, &error))
    goto failed;

  if (g_mkdir_with_parents (parent, 0755) < 0)
    {
      set_folder_error (&error, errno, parent);
      goto failed;
    }

  for (attempt = 1; ; attempt++)
    {
      g_autofree char *retry_after = NULL;
      gboolean congested = FALSE;
      guint delay;

      g_clear_error (&error);
      w->attempt = attempt;
      tcia_download_job_store_progress (w->job, 0, attempt);

      if (!tcia_extract_remove_tree (w->part_path, &error))
        goto failed;
      if (g_mkdir (w->part_path, 0755) < 0)
        {
          set_folder_error (&error, errno, w->part_path);
          goto failed;
        }

      if (fetch_once (w, session, &retry_after, &congested, &error))
        {
          if (g_rename (w->part_path, w->final_path) == 0)
            return TRUE;
          {
            int errsv = errno;
            g_set_error (&error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                         _("Could not move the series into “%s”: %s."), w->final_path,
                         g_strerror (errsv));
          }
          goto failed;
        }

      tcia_extract_remove_tree (w->part_path, NULL);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          !tcia_download_error_is_transient (error) ||
          attempt >= w->policy.max_attempts)
        break;

      g_debug ("%s, attempt %u: %s", tcia_download_job_get_series_uid (w->job), attempt,
               error->message);
      if (congested)
        g_main_context_invoke_full (w->context, G_PRIORITY_DEFAULT, congestion_cb,
                                    g_object_ref (w->queue), g_object_unref);

      delay = tcia_retry_next_delay_ms (&w->policy, attempt, retry_after, rand);
      if (!tcia_retry_sleep (delay, w->cancellable, NULL))
        {
          g_clear_error (&error);
          g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
          break;
        }
    }

  if (attempt > 1 && tcia_download_error_is_transient (error))
    g_prefix_error (&error, _("Gave up after %u tries. "), attempt);

failed:
  tcia_extract_remove_tree (w->part_path, NULL);
  w->error = g_steal_pointer (&error);
  return FALSE;
}

static gboolean work_done_cb (gpointer user_data);

static gpointer
worker_thread (gpointer user_data)
{
  Work *w = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  SoupSession *session;

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("user-agent", "tcia-basket/" PACKAGE_VERSION,
                                           "timeout", w->timeout_s,
                                           NULL);
  w->ok = run_work (w, session);
  if (w->ok && w->read_sop_class)
    w->sop_class_uid = tcia_metadata_csv_read_sop_class_uid (w->final_path);
  g_object_unref (session);
  /* Whatever the session left to finish belongs to this context. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  g_main_context_invoke (w->context, work_done_cb, w);
  return NULL;
}

/* ---- the queue's context ---- */

static void
write_license (TciaDownloadQueue *self,
               TciaDownloadJob   *job)
{
  TciaSeries *series = tcia_download_job_get_series (job);
  const char *name = tcia_series_get_license_name (series);
  const char *uri = tcia_series_get_license_uri (series);
  const char *path = tcia_download_job_get_relative_path (job);
  g_autofree char *collection = NULL;
  g_autofree char *file = NULL;
  g_autofree char *text = NULL;
  const char *slash;

  if (self->layout == TCIA_LAYOUT_FLAT || name == NULL || *name == '\0')
    return;
  slash = strchr (path, '/');
  if (slash == NULL)
    return;
  collection = g_strndup (path, slash - path);
  file = g_build_filename (self->dest_path, collection, "LICENSE", NULL);
  if (g_file_test (file, G_FILE_TEST_EXISTS))
    return;

  /* The Data Retriever's text (tcia-api.md §5.3). */
  text = g_strdup_printf ("License\n\nThe %s collection is distributed under the %s (%s). \n"
                          "By downloading the data, you agree to abide by terms of this "
                          "license.\n",
                          tcia_series_get_collection (series), name, uri != NULL ? uri : "");
  if (!g_file_set_contents_full (file, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, NULL))
    g_debug ("Could not write %s", file);
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
  if (!tcia_metadata_csv_append (self->metadata_path, row, error))
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
  Work *w = user_data;
  TciaDownloadQueue *self = w->queue;
  TciaDownloadJob *job = w->job;
  TciaDownloadJobState state = tcia_download_job_get_state (job);
  g_autoptr(GError) error = NULL;

  tcia_download_job_sync (job);
  self->finished_bytes += tcia_download_job_get_bytes_received (job);
  g_hash_table_remove (self->works, job);
  update_bytes (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RUNNING]);

  if (w->ok)
    {
      tcia_download_job_set_n_images (job, w->n_images);
      write_license (self, job);
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

  work_free (w);
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
  TciaSeries *series = tcia_download_job_get_series (job);
  const char *rel = tcia_download_job_get_relative_path (job);
  g_autofree char *part_rel = g_strconcat (rel, ".part", NULL);

  w->queue = g_object_ref (self);
  w->job = g_object_ref (job);
  w->context = g_main_context_ref (self->context);
  w->cancellable = g_cancellable_new ();
  w->url = tcia_client_build_image_url (self->client, tcia_download_job_get_series_uid (job),
                                        self->verify_checksums);
  w->part_path = g_build_filename (self->dest_path, part_rel, NULL);
  w->final_path = g_build_filename (self->dest_path, rel, NULL);
  w->expected_images = tcia_series_get_image_count (series);
  w->read_sop_class = tcia_series_get_sop_class_uid (series) == NULL ||
                      *tcia_series_get_sop_class_uid (series) == '\0';
  /* Only v4 can be asked for md5hashes.csv (tcia-api.md §3.13). */
  w->extract_flags = TCIA_EXTRACT_FLAGS_NONE;
  if (self->verify_checksums)
    w->extract_flags |= TCIA_EXTRACT_VERIFY_MD5;
  if (self->verify_checksums && tcia_client_get_api_version (self->client) == TCIA_API_V4)
    w->extract_flags |= TCIA_EXTRACT_REQUIRE_MD5;
  w->policy = self->policy;
  w->timeout_s = self->timeout_s;

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

  g_thread_unref (g_thread_new ("tcia-download", worker_thread, w));
}

static void
schedule (TciaDownloadQueue *self)
{
  if (!self->started)
    return;

  for (guint i = 0; i < self->jobs->len; i++)
    {
      TciaDownloadJob *job = g_ptr_array_index (self->jobs, i);
      g_autofree char *final_path = NULL;

      if (tcia_download_job_get_state (job) != TCIA_DOWNLOAD_JOB_QUEUED ||
          g_hash_table_contains (self->works, job))
        continue;

      final_path = g_build_filename (self->dest_path, tcia_download_job_get_relative_path (job),
                                     NULL);
      if (g_hash_table_contains (self->rows, tcia_download_job_get_series_uid (job)) &&
          g_file_test (final_path, G_FILE_TEST_IS_DIR))
        {
          finish_job (self, job, TCIA_DOWNLOAD_JOB_SKIPPED, NULL);
          continue;
        }

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

  g_clear_object (&self->client);
  g_clear_object (&self->destination);
  g_clear_pointer (&self->dest_path, g_free);
  g_clear_pointer (&self->metadata_path, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  g_clear_pointer (&self->by_uid, g_hash_table_unref);
  g_clear_pointer (&self->works, g_hash_table_unref);
  g_clear_pointer (&self->rows, g_hash_table_unref);

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
  self->client = g_object_ref (client);
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

  if (!self->started)
    {
      g_autoptr(GError) error = NULL;
      int dest_fd = open (self->dest_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

      self->started = TRUE;
      /* A metadata.csv that is not a file fails each series as it is written. */
      if (dest_fd >= 0)
        self->rows = tcia_metadata_csv_read_locations (dest_fd, self->metadata_path, &error);
      if (self->rows == NULL)
        self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      if (error != NULL)
        g_message ("%s", error->message);
      if (dest_fd >= 0)
        close (dest_fd);
    }
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
        g_hash_table_remove (self->by_uid,
                             tcia_download_job_get_series_uid (g_ptr_array_index (self->jobs, j)));
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

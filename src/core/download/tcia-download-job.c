/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-download-job"

#include "config.h"

#include "tcia-download-private.h"

struct _TciaDownloadJob
{
  GObject               parent_instance;

  TciaSeries           *series;
  char                 *relative_path;
  TciaDownloadJobState  state;
  GError               *error;
  guint                 n_images;

  /* Written by the worker thread, read on the main context. */
  gsize                 bytes_received;   /* atomic; a 32-bit build wraps at 4 GiB */
  guint                 attempts;         /* atomic */
  guint                 retry_at_s;       /* atomic; monotonic seconds, 0: not waiting */

  /* Written by the worker thread under @lock; notified by sync. */
  GMutex                lock;
  char                 *stored_source;
  char                 *stored_source_note;
  gboolean              source_changed;

  /* What was last notified. */
  guint64               notified_bytes;
  guint                 notified_attempts;
  char                 *source;
  char                 *source_note;
};

G_DEFINE_FINAL_TYPE (TciaDownloadJob, tcia_download_job, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STATE,
  PROP_BYTES_RECEIVED,
  PROP_ATTEMPTS,
  PROP_ERROR_MESSAGE,
  PROP_SOURCE,
  PROP_SOURCE_NOTE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tcia_download_job_finalize (GObject *object)
{
  TciaDownloadJob *self = TCIA_DOWNLOAD_JOB (object);

  g_clear_object (&self->series);
  g_clear_pointer (&self->relative_path, g_free);
  g_clear_error (&self->error);
  g_clear_pointer (&self->stored_source, g_free);
  g_clear_pointer (&self->stored_source_note, g_free);
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->source_note, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tcia_download_job_parent_class)->finalize (object);
}

static void
tcia_download_job_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TciaDownloadJob *self = TCIA_DOWNLOAD_JOB (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_BYTES_RECEIVED:
      g_value_set_uint64 (value, self->notified_bytes);
      break;
    case PROP_ATTEMPTS:
      g_value_set_uint (value, self->notified_attempts);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error != NULL ? self->error->message : NULL);
      break;
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PROP_SOURCE_NOTE:
      g_value_set_string (value, self->source_note);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_download_job_class_init (TciaDownloadJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tcia_download_job_finalize;
  object_class->get_property = tcia_download_job_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, TCIA_DOWNLOAD_JOB_QUEUED,
                      TCIA_DOWNLOAD_JOB_CANCELLED, TCIA_DOWNLOAD_JOB_QUEUED,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BYTES_RECEIVED] =
    g_param_spec_uint64 ("bytes-received", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ATTEMPTS] =
    g_param_spec_uint ("attempts", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SOURCE_NOTE] =
    g_param_spec_string ("source-note", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tcia_download_job_init (TciaDownloadJob *self)
{
  g_mutex_init (&self->lock);
}

const char *
tcia_download_job_get_source (TciaDownloadJob *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_JOB (self), NULL);

  return self->source;
}

const char *
tcia_download_job_get_source_note (TciaDownloadJob *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_JOB (self), NULL);

  return self->source_note;
}

void
tcia_download_job_store_source (TciaDownloadJob *self,
                                const char      *source,
                                const char      *note)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_JOB (self));

  g_mutex_lock (&self->lock);
  g_free (self->stored_source);
  self->stored_source = g_strdup (source);
  g_free (self->stored_source_note);
  self->stored_source_note = g_strdup (note);
  self->source_changed = TRUE;
  g_mutex_unlock (&self->lock);
}

void
tcia_download_job_set_source (TciaDownloadJob *self,
                              const char      *source,
                              const char      *note)
{
  tcia_download_job_store_source (self, source, note);
  tcia_download_job_sync (self);
}

TciaDownloadJob *
tcia_download_job_new (TciaSeries *series,
                       const char *relative_path)
{
  TciaDownloadJob *self = g_object_new (TCIA_TYPE_DOWNLOAD_JOB, NULL);

  self->series = g_object_ref (series);
  self->relative_path = g_strdup (relative_path);
  return self;
}

TciaSeries *
tcia_download_job_get_series (TciaDownloadJob *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_JOB (self), NULL);
  return self->series;
}

const char *
tcia_download_job_get_series_uid (TciaDownloadJob *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_JOB (self), NULL);
  return tcia_series_get_series_uid (self->series);
}

TciaDownloadJobState
tcia_download_job_get_state (TciaDownloadJob *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_JOB (self), TCIA_DOWNLOAD_JOB_QUEUED);
  return self->state;
}

const char *
tcia_download_job_get_relative_path (TciaDownloadJob *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_JOB (self), NULL);
  return self->relative_path;
}

guint64
tcia_download_job_get_bytes_received (TciaDownloadJob *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_JOB (self), 0);
  return self->notified_bytes;
}

guint
tcia_download_job_get_attempts (TciaDownloadJob *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_JOB (self), 0);
  return self->notified_attempts;
}

guint
tcia_download_job_get_n_images (TciaDownloadJob *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_JOB (self), 0);
  return self->n_images;
}

const GError *
tcia_download_job_get_error (TciaDownloadJob *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_JOB (self), NULL);
  return self->error;
}

gboolean
tcia_download_job_is_finished (TciaDownloadJob *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_JOB (self), FALSE);
  return self->state == TCIA_DOWNLOAD_JOB_DONE || self->state == TCIA_DOWNLOAD_JOB_SKIPPED ||
         self->state == TCIA_DOWNLOAD_JOB_FAILED || self->state == TCIA_DOWNLOAD_JOB_CANCELLED;
}

void
tcia_download_job_set_state (TciaDownloadJob      *self,
                             TciaDownloadJobState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
tcia_download_job_set_error (TciaDownloadJob *self,
                             const GError    *error)
{
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

void
tcia_download_job_set_n_images (TciaDownloadJob *self,
                                guint            n_images)
{
  self->n_images = n_images;
}

void
tcia_download_job_store_progress (TciaDownloadJob *self,
                                  guint64          bytes,
                                  guint            attempt)
{
  g_atomic_pointer_set ((gpointer *) &self->bytes_received, GSIZE_TO_POINTER ((gsize) bytes));
  g_atomic_int_set (&self->attempts, attempt);
}

void
tcia_download_job_store_waiting (TciaDownloadJob *self,
                                 guint            delay_ms)
{
  guint at = 0;

  if (delay_ms > 0)
    at = (guint) (g_get_monotonic_time () / G_USEC_PER_SEC) + (delay_ms + 999) / 1000;
  g_atomic_int_set (&self->retry_at_s, at);
}

guint
tcia_download_job_get_retry_in (TciaDownloadJob *self)
{
  guint at;
  guint now;

  g_return_val_if_fail (TCIA_IS_DOWNLOAD_JOB (self), 0);

  at = g_atomic_int_get (&self->retry_at_s);
  now = (guint) (g_get_monotonic_time () / G_USEC_PER_SEC);
  if (at == 0 || self->state != TCIA_DOWNLOAD_JOB_RUNNING)
    return 0;
  return at > now ? at - now : 1;
}

void
tcia_download_job_set_relative_path (TciaDownloadJob *self,
                                     const char      *relative_path)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_JOB (self));
  g_return_if_fail (relative_path != NULL);

  g_free (self->relative_path);
  self->relative_path = g_strdup (relative_path);
}

void
tcia_download_job_sync (TciaDownloadJob *self)
{
  guint64 bytes = (gsize) g_atomic_pointer_get ((gpointer *) &self->bytes_received);
  guint attempts = g_atomic_int_get (&self->attempts);

  if (bytes != self->notified_bytes)
    {
      self->notified_bytes = bytes;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_RECEIVED]);
    }
  if (attempts != self->notified_attempts)
    {
      self->notified_attempts = attempts;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTEMPTS]);
    }

  g_mutex_lock (&self->lock);
  if (self->source_changed)
    {
      gboolean source_differs = g_strcmp0 (self->source, self->stored_source) != 0;
      gboolean note_differs = g_strcmp0 (self->source_note, self->stored_source_note) != 0;

      self->source_changed = FALSE;
      g_free (self->source);
      self->source = g_strdup (self->stored_source);
      g_free (self->source_note);
      self->source_note = g_strdup (self->stored_source_note);
      g_mutex_unlock (&self->lock);
      if (source_differs)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);
      if (note_differs)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE_NOTE]);
      return;
    }
  g_mutex_unlock (&self->lock);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-download-state"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-download-state.h"
#include "tcia-series-file.h"

#define STATE_FILE_VERSION 1
#define SAVE_DELAY_MS      1000
#define TRACKER_KEY        "tcia-download-state-tracker"

typedef struct
{
  TciaDownloadQueue *queue;   /* borrowed: the tracker lives as its data */
  GFile             *file;
  guint              save_source;
} Tracker;

GFile *
tcia_download_state_get_default_file (void)
{
  return g_file_new_build_filename (g_get_user_data_dir (), "tcia-basket", "downloads.json",
                                    NULL);
}

GBytes *
tcia_download_state_serialize (TciaDownloadQueue *queue)
{
  TciaSeriesFileWriter *writer;
  g_autofree char *uri = NULL;
  guint n;

  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (queue), NULL);

  uri = g_file_get_uri (tcia_download_queue_get_destination (queue));
  writer = tcia_series_file_writer_new (STATE_FILE_VERSION);
  tcia_series_file_writer_add_string (writer, "destination", uri);
  tcia_series_file_writer_add_string (writer, "layout",
                                      tcia_layout_to_string (tcia_download_queue_get_layout (queue)));
  tcia_series_file_writer_add_integer (writer, "max-jobs",
                                       tcia_download_queue_get_max_jobs (queue));
  tcia_series_file_writer_begin_list (writer, "jobs");

  n = g_list_model_get_n_items (G_LIST_MODEL (queue));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);
      const char *state;

      switch (tcia_download_job_get_state (job))
        {
        case TCIA_DOWNLOAD_JOB_QUEUED:
        case TCIA_DOWNLOAD_JOB_RUNNING:
          state = "queued";
          break;
        case TCIA_DOWNLOAD_JOB_PAUSED:
          state = "paused";
          break;
        case TCIA_DOWNLOAD_JOB_FAILED:
          /* A series the server does not know stays unknown. */
          if (g_error_matches (tcia_download_job_get_error (job), TCIA_DOWNLOAD_ERROR,
                               TCIA_DOWNLOAD_ERROR_UNKNOWN_SERIES))
            continue;
          state = "paused";
          break;
        case TCIA_DOWNLOAD_JOB_DONE:
        case TCIA_DOWNLOAD_JOB_SKIPPED:
          /* Listed and counted after a restart, as before it. */
          state = "done";
          break;
        case TCIA_DOWNLOAD_JOB_CANCELLED:
        default:
          continue;
        }

      tcia_series_file_writer_add_series (writer, tcia_download_job_get_series (job), state);
    }

  return tcia_series_file_writer_finish (writer);
}

gboolean
tcia_download_state_save (TciaDownloadQueue  *queue,
                          GFile              *file,
                          GError            **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len;
  const char *data;

  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (queue), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  bytes = tcia_download_state_serialize (queue);
  data = g_bytes_get_data (bytes, &len);
  path = g_file_get_path (file);
  parent = g_file_get_parent (file);
  if (parent != NULL && !g_file_make_directory_with_parents (parent, NULL, &local_error) &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0600, error);
}

/* The queue of a state file (not started), or NULL with @error when it is not
 * one; NULL without an error when it has nothing to resume. Every row must be
 * a series with a UID: a queue half read would silently drop downloads. */
static TciaDownloadQueue *
parse_state (const char  *data,
             gsize        len,
             TciaClient  *client,
             GError     **error)
{
  g_autoptr(TciaSeriesFile) file = NULL;
  g_autoptr(TciaDownloadQueue) queue = NULL;
  g_autoptr(GFile) destination = NULL;
  g_autofree char *dest_path = NULL;
  const char *uri;
  const char *max_jobs_text;
  TciaLayout layout = TCIA_LAYOUT_DESCRIPTIVE;
  gint64 max_jobs = TCIA_DOWNLOAD_QUEUE_DEFAULT_JOBS;

  file = tcia_series_file_parse (data, len, STATE_FILE_VERSION, "jobs", TRUE, error);
  if (file == NULL)
    return NULL;
  if (file->n_skipped > 0)
    goto invalid;
  uri = g_hash_table_lookup (file->header, "destination");
  if (uri == NULL)
    goto invalid;
  destination = g_file_new_for_uri (uri);
  dest_path = g_file_get_path (destination);
  if (dest_path == NULL || !g_path_is_absolute (dest_path))
    goto invalid;
  if (!tcia_layout_from_string (g_hash_table_lookup (file->header, "layout") ?: "descriptive",
                                &layout))
    goto invalid;
  max_jobs_text = g_hash_table_lookup (file->header, "max-jobs");
  if (max_jobs_text != NULL &&
      !g_ascii_string_to_signed (max_jobs_text, 10, G_MININT, G_MAXINT, &max_jobs, NULL))
    max_jobs = TCIA_DOWNLOAD_QUEUE_DEFAULT_JOBS;

  if (file->series->len == 0)
    return NULL;

  queue = tcia_download_queue_new (client, destination, layout);
  tcia_download_queue_set_max_jobs (queue, (guint) CLAMP (max_jobs, 1,
                                                          TCIA_DOWNLOAD_QUEUE_MAX_JOBS));
  for (guint i = 0; i < file->series->len; i++)
    {
      TciaSeries *series = g_ptr_array_index (file->series, i);
      const char *state = g_ptr_array_index (file->states, i);
      TciaDownloadJob *job;

      if (g_strcmp0 (state, "done") == 0)
        {
          tcia_download_queue_add_done (queue, series);
          continue;
        }
      job = tcia_download_queue_add (queue, series);
      /* A job neither queued nor paused (an unknown state) waits to be asked. */
      if (g_strcmp0 (state, "queued") != 0)
        tcia_download_queue_pause (queue, job);
    }

  return g_steal_pointer (&queue);

invalid:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("It is not a download queue this version understands."));
  return NULL;
}

TciaDownloadQueue *
tcia_download_state_load (GFile       *file,
                          TciaClient  *client,
                          GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFile) aside = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  TciaDownloadQueue *queue;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (TCIA_IS_CLIENT (client), NULL);

  if (!g_file_load_contents (file, NULL, &data, &len, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return NULL;
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("The download queue could not be read: "));
      return NULL;
    }

  queue = parse_state (data, len, client, &local_error);
  if (local_error == NULL)
    return queue;

  aside = tcia_series_file_set_aside (file, TRUE, NULL);
  if (aside != NULL)
    {
      g_autofree char *name = g_file_get_parse_name (aside);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The download queue could not be read (%s). It was moved to “%s”."),
                   local_error->message, name);
    }
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The download queue could not be read (%s)."), local_error->message);
    }
  return NULL;
}

/* ---- tracking ---- */

static void
tracker_free (Tracker *tracker)
{
  g_clear_handle_id (&tracker->save_source, g_source_remove);
  g_clear_object (&tracker->file);
  g_free (tracker);
}

static gboolean
tracker_save_cb (gpointer user_data)
{
  Tracker *tracker = user_data;
  g_autoptr(GError) error = NULL;

  tracker->save_source = 0;
  if (!tcia_download_state_save (tracker->queue, tracker->file, &error))
    g_warning ("The download queue could not be saved: %s", error->message);
  return G_SOURCE_REMOVE;
}

static void
tracker_changed (Tracker *tracker)
{
  if (tracker->save_source == 0)
    tracker->save_source = g_timeout_add (SAVE_DELAY_MS, tracker_save_cb, tracker);
}

static void
job_state_cb (TciaDownloadJob *job,
              GParamSpec      *pspec,
              Tracker         *tracker)
{
  tracker_changed (tracker);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Tracker    *tracker)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (model, i);

      g_signal_connect (job, "notify::state", G_CALLBACK (job_state_cb), tracker);
    }
  tracker_changed (tracker);
}

void
tcia_download_state_track (TciaDownloadQueue *queue,
                           GFile             *file)
{
  Tracker *tracker;

  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (queue));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (g_object_get_data (G_OBJECT (queue), TRACKER_KEY) == NULL);

  tracker = g_new0 (Tracker, 1);
  tracker->queue = queue;
  tracker->file = g_object_ref (file);
  g_object_set_data_full (G_OBJECT (queue), TRACKER_KEY, tracker, (GDestroyNotify) tracker_free);
  /* The jobs die with the queue, and the tracker with it. */
  g_signal_connect (queue, "items-changed", G_CALLBACK (items_changed_cb), tracker);
  items_changed_cb (G_LIST_MODEL (queue), 0, 0, g_list_model_get_n_items (G_LIST_MODEL (queue)),
                    tracker);
}

gboolean
tcia_download_state_flush (TciaDownloadQueue  *queue,
                           GError            **error)
{
  Tracker *tracker;

  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (queue), FALSE);

  tracker = g_object_get_data (G_OBJECT (queue), TRACKER_KEY);
  if (tracker == NULL || tracker->save_source == 0)
    return TRUE;
  g_clear_handle_id (&tracker->save_source, g_source_remove);
  return tcia_download_state_save (queue, tracker->file, error);
}

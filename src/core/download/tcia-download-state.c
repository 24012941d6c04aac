/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-download-state"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <yajl/yajl_gen.h>

#include "tcia-basket-private.h"
#include "tcia-download-state.h"
#include "tcia-records-private.h"

#define STATE_FILE_VERSION 1
#define SAVE_DELAY_MS      1000
#define TRACKER_KEY        "tcia-download-state-tracker"

typedef struct
{
  TciaDownloadQueue *queue;   /* borrowed: the tracker lives as its data */
  GFile             *file;
  guint              save_source;
} Tracker;

static void
gen_string (yajl_gen    gen,
            const char *s)
{
  yajl_gen_string (gen, (const unsigned char *) s, strlen (s));
}

static void
gen_series (yajl_gen    gen,
            TciaSeries *series)
{
  const TciaRecordInfo *info = tcia_basket_series_info ();

  yajl_gen_map_open (gen);
  for (guint f = 0; f < info->n_fields; f++)
    {
      const TciaFieldInfo *field = &info->fields[f];
      g_auto(GValue) value = G_VALUE_INIT;
      char digits[32];
      const char *text = NULL;
      guint64 number = 0;

      g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (info->pspecs[f + 1]));
      tcia_record_get_property (info, G_OBJECT (series), f + 1, &value);
      switch (field->type)
        {
        case TCIA_FIELD_STRING:
        case TCIA_FIELD_DATE:
        case TCIA_FIELD_SERIES_NUMBER:
          text = g_value_get_string (&value);
          break;
        case TCIA_FIELD_UINT:
          number = g_value_get_uint (&value);
          break;
        case TCIA_FIELD_UINT64:
          number = g_value_get_uint64 (&value);
          break;
        case TCIA_FIELD_COUNT:
        case TCIA_FIELD_VALUE_KIND:
        default:
          break;
        }
      if (text == NULL && number == 0)
        continue;

      gen_string (gen, field->nick);
      if (text != NULL)
        {
          gen_string (gen, text);
        }
      else
        {
          /* As digits: a size may exceed what a long long holds. */
          g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, number);
          yajl_gen_number (gen, digits, strlen (digits));
        }
    }
  yajl_gen_map_close (gen);
}

GFile *
tcia_download_state_get_default_file (void)
{
  return g_file_new_build_filename (g_get_user_data_dir (), "tcia-basket", "downloads.json",
                                    NULL);
}

GBytes *
tcia_download_state_serialize (TciaDownloadQueue *queue)
{
  yajl_gen gen;
  const unsigned char *buf;
  size_t len;
  GString *out;
  g_autofree char *uri = NULL;
  guint n;

  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (queue), NULL);

  uri = g_file_get_uri (tcia_download_queue_get_destination (queue));
  gen = yajl_gen_alloc (NULL);
  yajl_gen_map_open (gen);
  gen_string (gen, "version");
  yajl_gen_integer (gen, STATE_FILE_VERSION);
  gen_string (gen, "destination");
  gen_string (gen, uri);
  gen_string (gen, "layout");
  gen_string (gen, tcia_layout_to_string (tcia_download_queue_get_layout (queue)));
  gen_string (gen, "max-jobs");
  yajl_gen_integer (gen, tcia_download_queue_get_max_jobs (queue));
  gen_string (gen, "jobs");
  yajl_gen_array_open (gen);

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
        case TCIA_DOWNLOAD_JOB_CANCELLED:
        default:
          continue;
        }

      yajl_gen_map_open (gen);
      gen_string (gen, "state");
      gen_string (gen, state);
      gen_string (gen, "series");
      gen_series (gen, tcia_download_job_get_series (job));
      yajl_gen_map_close (gen);
    }

  yajl_gen_array_close (gen);
  yajl_gen_map_close (gen);

  yajl_gen_get_buf (gen, &buf, &len);
  out = g_string_sized_new (len + 1);
  g_string_append_len (out, (const char *) buf, len);
  g_string_append_c (out, '\n');
  yajl_gen_free (gen);

  return g_string_free_to_bytes (out);
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

/* Moves @file to "<name>.corrupt-<date>-<time>[-N]" beside it, never over a file. */
static GFile *
set_aside (GFile   *file,
           GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *base = g_file_get_basename (file);
  g_autoptr(GFile) parent = g_file_get_parent (file);

  for (guint i = 1; i <= 100; i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GFile) aside = NULL;
      g_autoptr(GError) local_error = NULL;

      if (i == 1)
        name = g_strdup_printf ("%s.corrupt-%s", base, stamp);
      else
        name = g_strdup_printf ("%s.corrupt-%s-%u", base, stamp, i);
      aside = g_file_get_child (parent, name);
      if (g_file_move (file, aside, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL,
                       &local_error))
        return g_steal_pointer (&aside);
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("Too many copies already"));
  return NULL;
}

static TciaSeries *
series_from_object (JsonObject *object)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    {
      GType type = json_node_get_value_type (node);

      if (!JSON_NODE_HOLDS_VALUE (node))
        continue;
      g_ptr_array_add (keys, (gpointer) name);
      if (type == G_TYPE_STRING)
        g_ptr_array_add (values, g_strdup (json_node_get_string (node)));
      else if (type == G_TYPE_INT64)
        g_ptr_array_add (values, g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node)));
      else
        g_ptr_array_set_size (keys, keys->len - 1);
    }
  if (keys->len == 0)
    return NULL;
  return tcia_series_new_from_fields ((const char * const *) keys->pdata,
                                      (const char * const *) values->pdata, keys->len);
}

/* Checks the shape; NULL with @error when it is not a state file. */
static TciaDownloadQueue *
parse_state (const char  *data,
             gsize        len,
             TciaClient  *client,
             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(TciaDownloadQueue) queue = NULL;
  g_autoptr(GFile) destination = NULL;
  g_autofree char *dest_path = NULL;
  JsonObject *root;
  JsonArray *jobs;
  const char *uri;
  TciaLayout layout = TCIA_LAYOUT_DESCRIPTIVE;
  gint64 max_jobs;
  guint n_added = 0;

  if (!json_parser_load_from_data (parser, data, (gssize) len, error))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto invalid;
  root = json_node_get_object (json_parser_get_root (parser));
  if (json_object_get_int_member_with_default (root, "version", 0) != STATE_FILE_VERSION)
    goto invalid;
  uri = json_object_get_string_member_with_default (root, "destination", NULL);
  if (uri == NULL || !json_object_has_member (root, "jobs") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "jobs")))
    goto invalid;
  destination = g_file_new_for_uri (uri);
  dest_path = g_file_get_path (destination);
  if (dest_path == NULL || !g_path_is_absolute (dest_path))
    goto invalid;
  if (!tcia_layout_from_string (json_object_get_string_member_with_default (root, "layout",
                                                                           "descriptive"),
                                &layout))
    goto invalid;

  max_jobs = json_object_get_int_member_with_default (root, "max-jobs",
                                                      TCIA_DOWNLOAD_QUEUE_DEFAULT_JOBS);
  queue = tcia_download_queue_new (client, destination, layout);
  tcia_download_queue_set_max_jobs (queue, (guint) CLAMP (max_jobs, 1,
                                                          TCIA_DOWNLOAD_QUEUE_MAX_JOBS));
  jobs = json_object_get_array_member (root, "jobs");
  for (guint i = 0; i < json_array_get_length (jobs); i++)
    {
      JsonNode *node = json_array_get_element (jobs, i);
      JsonObject *object;
      JsonNode *series_node;
      g_autoptr(TciaSeries) series = NULL;
      TciaDownloadJob *job;
      const char *state;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto invalid;
      object = json_node_get_object (node);
      series_node = json_object_get_member (object, "series");
      if (series_node == NULL || !JSON_NODE_HOLDS_OBJECT (series_node))
        goto invalid;
      series = series_from_object (json_node_get_object (series_node));
      if (series == NULL || tcia_series_get_series_uid (series) == NULL)
        goto invalid;
      state = json_object_get_string_member_with_default (object, "state", "paused");
      job = tcia_download_queue_add (queue, series);
      if (g_strcmp0 (state, "queued") != 0)
        tcia_download_queue_pause (queue, job);
      n_added++;
    }

  if (n_added == 0)
    return NULL;
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

  aside = set_aside (file, NULL);
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

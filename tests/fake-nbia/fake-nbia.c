/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-nbia-server.h"

/* The server object: options, listening (in the caller's context or a thread
 * of its own), and the public API of fake-nbia.h. */

#define CACHE_SIZE 2

/* ---- public API ---- */

void
fake_nbia_options_init (FakeNbiaOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->n_series = 40;
  options->seed = 1;
  options->images_per_series_max = 6;
  options->image_rows = 16;
  options->big_series_bytes = 0;
  options->latency_ms = 0;
  options->retry_after_s = 1;
  options->bomb_bytes = 256 * 1024 * 1024;
  options->trickle_ms = 1000;
  options->cache_entries = CACHE_SIZE;
}

FakeNbia *
fake_nbia_new (const FakeNbiaOptions *options)
{
  FakeNbia *self = g_new0 (FakeNbia, 1);

  if (options != NULL)
    self->options = *options;
  else
    fake_nbia_options_init (&self->options);
  if (self->options.image_rows < 2)
    self->options.image_rows = 2;
  self->options.image_rows &= ~1u;

  self->archive = fake_archive_new (self->options.n_series, self->options.seed,
                                    self->options.images_per_series_max,
                                    self->options.image_rows,
                                    self->options.big_series_bytes,
                                    self->options.colliding_pairs);
  g_mutex_init (&self->lock);
  g_mutex_init (&self->start_lock);
  g_cond_init (&self->start_cond);
  self->faults = g_ptr_array_new_with_free_func (fake_fault_entry_free);
  self->latency_ms = self->options.latency_ms;
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->strings = g_string_chunk_new (4096);
  self->pending = g_ptr_array_new ();
  self->pool = g_thread_pool_new (fake_job_run, NULL, 2, FALSE, NULL);
  g_queue_init (&self->cache);
  return self;
}

static SoupServer *
create_server (FakeNbia  *self,
               guint      port,
               GError   **error)
{
  g_autoptr(SoupServer) server = soup_server_new ("server-header", "fake-nbia ", NULL);
  g_autoptr(GSList) uris = NULL;

  soup_server_add_handler (server, NULL, fake_server_cb, self, NULL);
  if (!soup_server_listen_local (server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return NULL;
  uris = soup_server_get_uris (server);
  if (uris == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The server has no address");
      return NULL;
    }
  self->port = g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  return g_steal_pointer (&server);
}

/* Runs on the server's context. */
static void
stop_server (FakeNbia *self)
{
  g_autoptr(GPtrArray) pending = NULL;

  /* Wait for the jobs, then drop what waits to be answered. */
  if (self->pool != NULL)
    g_thread_pool_free (g_steal_pointer (&self->pool), TRUE, TRUE);
  g_mutex_lock (&self->lock);
  pending = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new ();
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < pending->len; i++)
    g_source_destroy (pending->pdata[i]);
  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
}

gboolean
fake_nbia_listen (FakeNbia  *self,
                  guint      port,
                  GError   **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  self->server = create_server (self, port, error);
  if (self->server == NULL)
    return FALSE;
  self->context = g_main_context_ref_thread_default ();
  return TRUE;
}

static gpointer
server_thread (gpointer data)
{
  FakeNbia *self = data;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (self->context);
  self->server = create_server (self, self->port, &error);

  g_mutex_lock (&self->start_lock);
  self->start_error = g_steal_pointer (&error);
  self->start_done = TRUE;
  g_cond_signal (&self->start_cond);
  g_mutex_unlock (&self->start_lock);

  if (self->server != NULL)
    {
      g_main_loop_run (self->loop);
      stop_server (self);
      /* Let the connections wind down. */
      while (g_main_context_iteration (self->context, FALSE))
        ;
    }
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

gboolean
fake_nbia_start_in_thread (FakeNbia  *self,
                           guint      port,
                           GError   **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->server == NULL && self->thread == NULL, FALSE);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->port = port;
  self->thread = g_thread_new ("fake-nbia", server_thread, self);

  g_mutex_lock (&self->start_lock);
  while (!self->start_done)
    g_cond_wait (&self->start_cond, &self->start_lock);
  g_mutex_unlock (&self->start_lock);

  if (self->start_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->start_error));
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->loop, g_main_loop_unref);
      g_clear_pointer (&self->context, g_main_context_unref);
      return FALSE;
    }
  return TRUE;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
fake_nbia_free (FakeNbia *self)
{
  if (self == NULL)
    return;

  if (self->thread != NULL)
    {
      g_main_context_invoke (self->context, quit_cb, self->loop);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  else
    {
      stop_server (self);
    }
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);

  g_queue_clear_full (&self->cache, fake_cache_entry_free);
  g_ptr_array_unref (self->pending);
  g_ptr_array_unref (self->faults);
  g_hash_table_unref (self->counts);
  g_string_chunk_free (self->strings);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->start_lock);
  g_cond_clear (&self->start_cond);
  fake_archive_free (self->archive);
  g_free (self);
}

char *
fake_nbia_get_url (FakeNbia *self,
                   guint     version)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (version == 1 || version == 4, NULL);

  return g_strdup_printf ("http://127.0.0.1:%u/nbia-api/services/v%u/", self->port, version);
}

guint
fake_nbia_get_port (FakeNbia *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->port;
}

void
fake_nbia_set_latency (FakeNbia *self,
                       guint     latency_ms)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  self->latency_ms = latency_ms;
  g_mutex_unlock (&self->lock);
}

guint
fake_nbia_get_request_count (FakeNbia   *self,
                             const char *endpoint)
{
  guint count;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->lock);
  if (endpoint == NULL)
    count = self->total_count;
  else
    count = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, endpoint));
  g_mutex_unlock (&self->lock);
  return count;
}

guint
fake_nbia_get_n_series (FakeNbia *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->archive->n_series;
}

void
fake_nbia_get_series (FakeNbia           *self,
                      guint               index,
                      FakeNbiaSeriesInfo *info)
{
  const FakeArchive *a;
  const FakeSeries *s;
  const FakeStudy *st;
  char series_uid[FAKE_UID_MAX], study_uid[FAKE_UID_MAX], patient_id[FAKE_STR_MAX];
  char number[16];

  g_return_if_fail (self != NULL);
  g_return_if_fail (info != NULL);
  g_return_if_fail (index < self->archive->n_series);

  a = self->archive;
  s = &a->series[index];
  st = fake_series_study (a, index);
  fake_archive_series_uid (a, index, series_uid);
  fake_archive_study_uid (a, s->study, study_uid);
  fake_archive_patient_id (a, st->patient, patient_id);
  g_snprintf (number, sizeof number, "%u", s->series_number);

  info->collection = fake_series_collection (a, index)->name;
  info->modality = fake_modalities[s->modality];
  info->body_part = s->body_part == FAKE_NONE ? NULL : fake_body_parts[s->body_part];
  info->manufacturer = fake_manufacturer_name (s->manufacturer);
  info->series_description = fake_series_description (s->description);
  info->image_count = s->n_images;
  info->file_size = s->file_size;
  g_mutex_lock (&self->lock);
  info->patient_id = g_string_chunk_insert_const (self->strings, patient_id);
  info->study_uid = g_string_chunk_insert_const (self->strings, study_uid);
  info->series_uid = g_string_chunk_insert_const (self->strings, series_uid);
  info->series_number = g_string_chunk_insert_const (self->strings, number);
  g_mutex_unlock (&self->lock);
}

const char * const *
fake_nbia_get_collections (FakeNbia *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->archive->collection_names;
}

gint
fake_nbia_find_series (FakeNbia   *self,
                       const char *series_uid)
{
  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (series_uid != NULL, -1);

  return fake_archive_find_series (self->archive, series_uid);
}

gboolean
fake_nbia_get_colliding_pair (FakeNbia *self,
                              guint     k,
                              guint    *first_index,
                              guint    *second_index)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (k >= self->archive->n_colliding)
    return FALSE;
  if (first_index != NULL)
    *first_index = self->archive->colliding[2 * k];
  if (second_index != NULL)
    *second_index = self->archive->colliding[2 * k + 1];
  return TRUE;
}

char *
fake_nbia_get_image_md5 (FakeNbia *self,
                         guint     series,
                         guint     image)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (series < self->archive->n_series, NULL);
  g_return_val_if_fail (image < self->archive->series[series].n_images, NULL);

  return fake_dicom_md5 (self->archive, series, image);
}

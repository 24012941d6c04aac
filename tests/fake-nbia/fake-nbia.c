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

void
fake_nbia_options_set_archive (FakeNbiaOptions    *options,
                               const FakeMainArgs *args)
{
  g_return_if_fail (options != NULL && args != NULL);

  options->n_series = args->archive[FAKE_ARG_SERIES].value;
  options->seed = args->archive[FAKE_ARG_SEED].value;
  options->images_per_series_max = MAX (1, args->archive[FAKE_ARG_IMAGES_MAX].value);
  options->image_rows = MAX (2, args->archive[FAKE_ARG_IMAGE_ROWS].value);
  options->big_series_bytes = args->archive[FAKE_ARG_BIG_SERIES_BYTES].value;
  options->colliding_pairs = args->archive[FAKE_ARG_COLLIDING_PAIRS].value;
  options->latency_ms = args->latency_ms;
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
  self->control = fake_nbia_control_new (self->options.latency_ms);
  g_mutex_init (&self->lock);
  self->strings = g_string_chunk_new (4096);
  self->pool = g_thread_pool_new (fake_job_run, NULL, 2, FALSE, NULL);
  g_queue_init (&self->cache);
  return self;
}

/* Runs on the server's context. */
static gboolean
start_server (gpointer   data,
              GError   **error)
{
  FakeNbia *self = data;

  self->server = fake_server_listen ("fake-nbia", self->port, fake_server_cb, self, &self->port,
                                     error);
  return self->server != NULL;
}

/* Runs on the server's context. */
static void
stop_server (gpointer data)
{
  FakeNbia *self = data;

  /* Wait for the jobs, then drop what waits to be answered. */
  if (self->pool != NULL)
    g_thread_pool_free (g_steal_pointer (&self->pool), TRUE, TRUE);
  fake_control_destroy_pending (self->control);
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

  self->port = port;
  if (!start_server (self, error))
    return FALSE;
  self->context = g_main_context_ref_thread_default ();
  return TRUE;
}

gboolean
fake_nbia_start_in_thread (FakeNbia  *self,
                           guint      port,
                           GError   **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->server == NULL && self->runner.thread == NULL, FALSE);

  self->context = g_main_context_new ();
  self->port = port;
  if (!fake_runner_start (&self->runner, "fake-nbia", self->context, start_server, stop_server,
                          self, error))
    {
      g_clear_pointer (&self->context, g_main_context_unref);
      return FALSE;
    }
  return TRUE;
}

void
fake_nbia_free (FakeNbia *self)
{
  if (self == NULL)
    return;

  if (!fake_runner_stop (&self->runner))
    stop_server (self);
  g_clear_pointer (&self->context, g_main_context_unref);

  g_queue_clear_full (&self->cache, fake_cache_entry_free);
  fake_control_free (self->control);
  g_string_chunk_free (self->strings);
  g_mutex_clear (&self->lock);
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

FakeControl *
fake_nbia_get_control (FakeNbia *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->control;
}

void
fake_nbia_set_latency (FakeNbia *self,
                       guint     latency_ms)
{
  g_return_if_fail (self != NULL);

  fake_control_set_latency (self->control, latency_ms);
}

guint
fake_nbia_get_request_count (FakeNbia   *self,
                             const char *endpoint)
{
  g_return_val_if_fail (self != NULL, 0);

  return fake_control_get_request_count (self->control, endpoint);
}

guint
fake_nbia_get_collection_request_count (FakeNbia   *self,
                                        const char *endpoint,
                                        const char *collection)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (self != NULL, 0);

  key = g_strdup_printf ("%s %s", endpoint, collection);
  return fake_control_get_request_count (self->control, key);
}

guint
fake_nbia_take_peak_requests (FakeNbia *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return fake_control_take_peak_requests (self->control);
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

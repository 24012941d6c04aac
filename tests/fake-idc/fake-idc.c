/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-idc"

#include <string.h>

#include <glib/gstdio.h>

#include "fake-idc-private.h"

/* The fake IDC's two servers, their faults and counts, and the export of
 * objects for s3rver. */

static const char *const fault_names[] = {
  [FAKE_IDC_FAULT_NONE] = "none",
  [FAKE_IDC_FAULT_API_503] = "api-503",
  [FAKE_IDC_FAULT_API_503_BARE] = "api-503-bare",
  [FAKE_IDC_FAULT_QUERY_TIMEOUT] = "query-timeout",
  [FAKE_IDC_FAULT_API_500] = "api-500",
  [FAKE_IDC_FAULT_API_STALL] = "api-stall",
  [FAKE_IDC_FAULT_API_CLOSE] = "api-close",
  [FAKE_IDC_FAULT_VERSION_CHANGE] = "version-change",
  [FAKE_IDC_FAULT_SLOW_DOWN] = "slow-down",
  [FAKE_IDC_FAULT_SLOW_DOWN_BARE] = "slow-down-bare",
  [FAKE_IDC_FAULT_INTERNAL_ERROR] = "internal-error",
  [FAKE_IDC_FAULT_DROP] = "drop",
  [FAKE_IDC_FAULT_STALL] = "stall",
  [FAKE_IDC_FAULT_CORRUPT] = "corrupt",
  [FAKE_IDC_FAULT_MULTIPART_ETAG] = "multipart-etag",
  [FAKE_IDC_FAULT_SHORT_LISTING] = "short-listing",
  [FAKE_IDC_FAULT_MISSING_OBJECT] = "missing-object",
  [FAKE_IDC_FAULT_BAD_XML] = "bad-xml",
  [FAKE_IDC_FAULT_ACCESS_DENIED] = "access-denied",
};

G_STATIC_ASSERT (G_N_ELEMENTS (fault_names) == FAKE_IDC_N_FAULTS);

FakeIdcFault
fake_idc_fault_from_string (const char *name)
{
  g_return_val_if_fail (name != NULL, FAKE_IDC_FAULT_NONE);

  return fake_fault_from_name (fault_names, FAKE_IDC_N_FAULTS, name);
}

const char *
fake_idc_fault_to_string (FakeIdcFault fault)
{
  g_return_val_if_fail (fault < FAKE_IDC_N_FAULTS, NULL);

  return fault_names[fault];
}

FakeIdcFault
fake_idc_take_fault (FakeIdc      *self,
                     guint64       mask,
                     const char  **subjects,
                     guint         n_subjects)
{
  return fake_control_take_fault (self->control, mask, subjects, n_subjects);
}

gboolean
fake_idc_has_fault (FakeIdc       *self,
                    FakeIdcFault   fault,
                    const char   **subjects,
                    guint          n_subjects)
{
  return fake_control_peek_fault (self->control, fault, subjects, n_subjects, NULL);
}

void
fake_idc_count_request (FakeIdc    *self,
                        const char *what)
{
  fake_control_count_request (self->control, what);
}

void
fake_idc_options_init (FakeIdcOptions *options)
{
  memset (options, 0, sizeof *options);
  fake_nbia_options_init (&options->archive);
  options->page_size = 1000;
  options->retry_after_s = 1;
}

FakeIdc *
fake_idc_new (const FakeIdcOptions *options)
{
  FakeIdc *self = g_new0 (FakeIdc, 1);

  if (options != NULL)
    self->options = *options;
  else
    fake_idc_options_init (&self->options);
  self->archive = fake_idc_archive_new (&self->options.archive);
  self->control = fake_control_new (fault_names, FAKE_IDC_N_FAULTS, self->options.latency_ms);
  g_mutex_init (&self->lock);
  self->page_size = CLAMP (self->options.page_size, 1, 1000);
  self->rate_limit = self->options.rate_limit;
  return self;
}

/* Runs on the servers' context: the database lives there too. The ports
 * asked for are in api_port and bucket_port. */
static gboolean
create_servers (gpointer   data,
                GError   **error)
{
  FakeIdc *self = data;

  self->db = fake_idc_db_new (self->archive, error);
  if (self->db == NULL)
    return FALSE;
  self->api = fake_server_listen ("fake-idc", self->api_port, fake_idc_api_cb, self,
                                  &self->api_port, error);
  if (self->api == NULL)
    return FALSE;
  self->bucket = fake_server_listen ("fake-idc", self->bucket_port, fake_idc_bucket_cb, self,
                                     &self->bucket_port, error);
  return self->bucket != NULL;
}

static void
stop_servers (gpointer data)
{
  FakeIdc *self = data;

  fake_control_destroy_pending (self->control);
  if (self->api != NULL)
    soup_server_disconnect (self->api);
  if (self->bucket != NULL)
    soup_server_disconnect (self->bucket);
  g_clear_object (&self->api);
  g_clear_object (&self->bucket);
  g_clear_pointer (&self->db, sqlite3_close);
}

gboolean
fake_idc_listen (FakeIdc  *self,
                 guint     api_port,
                 guint     bucket_port,
                 GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->api == NULL && self->runner.thread == NULL, FALSE);

  self->context = g_main_context_ref_thread_default ();
  self->api_port = api_port;
  self->bucket_port = bucket_port;
  if (!create_servers (self, error))
    {
      stop_servers (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
fake_idc_start_in_thread (FakeIdc  *self,
                          guint     api_port,
                          guint     bucket_port,
                          GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->api == NULL && self->runner.thread == NULL, FALSE);

  self->context = g_main_context_new ();
  self->api_port = api_port;
  self->bucket_port = bucket_port;
  if (!fake_runner_start (&self->runner, "fake-idc", self->context, create_servers,
                          stop_servers, self, error))
    {
      g_clear_pointer (&self->context, g_main_context_unref);
      return FALSE;
    }
  return TRUE;
}

void
fake_idc_free (FakeIdc *self)
{
  if (self == NULL)
    return;

  if (!fake_runner_stop (&self->runner))
    stop_servers (self);
  g_clear_pointer (&self->context, g_main_context_unref);
  fake_control_free (self->control);
  g_mutex_clear (&self->lock);
  fake_idc_archive_free (self->archive);
  g_free (self);
}

char *
fake_idc_get_api_url (FakeIdc *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_strdup_printf ("http://127.0.0.1:%u/v3/", self->api_port);
}

char *
fake_idc_get_bucket_url (FakeIdc *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_strdup_printf ("http://127.0.0.1:%u", self->bucket_port);
}

FakeIdcArchive *
fake_idc_get_archive (FakeIdc *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->archive;
}

void
fake_idc_set_fault (FakeIdc      *self,
                    FakeIdcFault  fault,
                    guint         times,
                    const char   *scope)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (fault < FAKE_IDC_N_FAULTS);

  fake_control_set_fault (self->control, fault, times, scope);
}

void
fake_idc_clear_faults (FakeIdc *self)
{
  g_return_if_fail (self != NULL);

  fake_control_clear_faults (self->control);
}

FakeControl *
fake_idc_get_control (FakeIdc *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->control;
}

void
fake_idc_set_latency (FakeIdc *self,
                      guint    latency_ms)
{
  g_return_if_fail (self != NULL);

  fake_control_set_latency (self->control, latency_ms);
}

void
fake_idc_set_page_size (FakeIdc *self,
                        guint    page_size)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  self->page_size = CLAMP (page_size, 1, 1000);
  g_mutex_unlock (&self->lock);
}

void
fake_idc_set_rate_limit (FakeIdc *self,
                         guint64  rate_limit)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  self->rate_limit = rate_limit;
  g_mutex_unlock (&self->lock);
}

guint
fake_idc_get_request_count (FakeIdc    *self,
                            const char *what)
{
  g_return_val_if_fail (self != NULL, 0);

  return fake_control_get_request_count (self->control, what);
}

static gboolean
export_series (FakeIdcArchive      *archive,
               const FakeIdcSeries *series,
               const char          *dir,
               GError             **error)
{
  g_autofree char *folder = g_build_filename (dir, series->bucket, series->series_uuid, NULL);

  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot create %s: %s", folder, g_strerror (saved));
      return FALSE;
    }
  for (guint k = 0; k < series->n_objects; k++)
    {
      const FakeIdcObject *o = fake_idc_archive_get_object (archive, series, k);
      g_autoptr(GBytes) bytes = fake_idc_archive_get_bytes (archive, series, o);
      g_autofree char *path = g_build_filename (dir, series->bucket, o->key, NULL);

      if (!g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                error))
        return FALSE;
    }
  return TRUE;
}

gboolean
fake_idc_export_objects (FakeIdcArchive     *archive,
                         const char         *dir,
                         const char *const  *uids,
                         GError            **error)
{
  g_return_val_if_fail (archive != NULL && dir != NULL, FALSE);

  if (uids == NULL)
    {
      for (guint i = 0; i < fake_idc_archive_get_n_series (archive); i++)
        if (!export_series (archive, fake_idc_archive_get_series (archive, i), dir, error))
          return FALSE;
      return TRUE;
    }
  for (guint i = 0; uids[i] != NULL; i++)
    {
      const FakeIdcSeries *series = fake_idc_archive_lookup (archive, uids[i]);

      if (series == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "IDC has no series %s", uids[i]);
          return FALSE;
        }
      if (!export_series (archive, series, dir, error))
        return FALSE;
    }
  return TRUE;
}

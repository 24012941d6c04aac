/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-idc"

#include <string.h>

#include <glib/gstdio.h>

#include "fake-idc-private.h"

/* The fake IDC's two servers, their faults and counts, and the export of
 * objects for s3rver. */

typedef struct
{
  FakeIdcFault  fault;
  guint         times;      /* 0: until cleared */
  char         *scope;
} FaultEntry;

static void
fault_entry_free (gpointer data)
{
  FaultEntry *f = data;

  g_free (f->scope);
  g_free (f);
}

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

  for (guint i = 1; i < FAKE_IDC_N_FAULTS; i++)
    if (strcmp (fault_names[i], name) == 0)
      return i;
  return FAKE_IDC_FAULT_NONE;
}

const char *
fake_idc_fault_to_string (FakeIdcFault fault)
{
  g_return_val_if_fail (fault < FAKE_IDC_N_FAULTS, NULL);

  return fault_names[fault];
}

static gboolean
scope_matches (const FaultEntry *f,
               const char      **subjects,
               guint             n_subjects)
{
  if (f->scope == NULL)
    return TRUE;
  for (guint i = 0; i < n_subjects; i++)
    if (g_strcmp0 (subjects[i], f->scope) == 0)
      return TRUE;
  return FALSE;
}

FakeIdcFault
fake_idc_take_fault (FakeIdc      *self,
                     guint64       mask,
                     const char  **subjects,
                     guint         n_subjects)
{
  FakeIdcFault fault = FAKE_IDC_FAULT_NONE;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->faults->len; i++)
    {
      FaultEntry *f = self->faults->pdata[i];

      if (!(mask & FAKE_IDC_FAULT_BIT (f->fault)) || !scope_matches (f, subjects, n_subjects))
        continue;
      fault = f->fault;
      if (f->times > 0 && --f->times == 0)
        g_ptr_array_remove_index (self->faults, i);
      break;
    }
  g_mutex_unlock (&self->lock);
  return fault;
}

gboolean
fake_idc_has_fault (FakeIdc       *self,
                    FakeIdcFault   fault,
                    const char   **subjects,
                    guint          n_subjects)
{
  gboolean found = FALSE;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->faults->len && !found; i++)
    {
      FaultEntry *f = self->faults->pdata[i];

      found = f->fault == fault && scope_matches (f, subjects, n_subjects);
    }
  g_mutex_unlock (&self->lock);
  return found;
}

void
fake_idc_count_request (FakeIdc    *self,
                        const char *what)
{
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->counts, g_strdup (what),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->counts,
                                                                                what)) + 1));
  self->total_count++;
  g_mutex_unlock (&self->lock);
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
  g_mutex_init (&self->lock);
  g_mutex_init (&self->start_lock);
  g_cond_init (&self->start_cond);
  self->faults = g_ptr_array_new_with_free_func (fault_entry_free);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->page_size = CLAMP (self->options.page_size, 1, 1000);
  self->rate_limit = self->options.rate_limit;
  return self;
}

static SoupServer *
listen_one (guint                port,
            SoupServerCallback   callback,
            gpointer             data,
            guint               *bound_port,
            GError             **error)
{
  g_autoptr(SoupServer) server = soup_server_new ("server-header", "fake-idc ", NULL);
  g_autoptr(GSList) uris = NULL;

  soup_server_add_handler (server, NULL, callback, data, NULL);
  if (!soup_server_listen_local (server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return NULL;
  uris = soup_server_get_uris (server);
  if (uris == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The server has no address");
      return NULL;
    }
  *bound_port = g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  return g_steal_pointer (&server);
}

/* Runs on the servers' context: the database lives there too. */
static gboolean
create_servers (FakeIdc  *self,
                guint     api_port,
                guint     bucket_port,
                GError  **error)
{
  self->db = fake_idc_db_new (self->archive, error);
  if (self->db == NULL)
    return FALSE;
  self->api = listen_one (api_port, fake_idc_api_cb, self, &self->api_port, error);
  if (self->api == NULL)
    return FALSE;
  self->bucket = listen_one (bucket_port, fake_idc_bucket_cb, self, &self->bucket_port, error);
  return self->bucket != NULL;
}

static void
stop_servers (FakeIdc *self)
{
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
  g_return_val_if_fail (self->api == NULL && self->thread == NULL, FALSE);

  self->context = g_main_context_ref_thread_default ();
  if (!create_servers (self, api_port, bucket_port, error))
    {
      stop_servers (self);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  FakeIdc *self;
  guint    api_port;
  guint    bucket_port;
} StartData;

static gpointer
server_thread (gpointer data)
{
  StartData *start = data;
  FakeIdc *self = start->self;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_main_context_push_thread_default (self->context);
  ok = create_servers (self, start->api_port, start->bucket_port, &error);

  g_mutex_lock (&self->start_lock);
  self->start_error = g_steal_pointer (&error);
  self->start_done = TRUE;
  g_cond_signal (&self->start_cond);
  g_mutex_unlock (&self->start_lock);

  if (ok)
    g_main_loop_run (self->loop);
  stop_servers (self);
  /* Let the connections wind down. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

gboolean
fake_idc_start_in_thread (FakeIdc  *self,
                          guint     api_port,
                          guint     bucket_port,
                          GError  **error)
{
  StartData start = { self, api_port, bucket_port };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->api == NULL && self->thread == NULL, FALSE);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("fake-idc", server_thread, &start);

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
fake_idc_free (FakeIdc *self)
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
      stop_servers (self);
    }
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_ptr_array_unref (self->faults);
  g_hash_table_unref (self->counts);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->start_lock);
  g_cond_clear (&self->start_cond);
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
  FaultEntry *entry;

  g_return_if_fail (self != NULL);
  g_return_if_fail (fault < FAKE_IDC_N_FAULTS);

  if (fault == FAKE_IDC_FAULT_NONE)
    return;
  g_mutex_lock (&self->lock);
  for (guint i = self->faults->len; i > 0; i--)
    {
      FaultEntry *f = self->faults->pdata[i - 1];

      if (f->fault == fault && g_strcmp0 (f->scope, scope) == 0)
        g_ptr_array_remove_index (self->faults, i - 1);
    }
  entry = g_new0 (FaultEntry, 1);
  entry->fault = fault;
  entry->times = times;
  entry->scope = g_strdup (scope);
  g_ptr_array_add (self->faults, entry);
  g_mutex_unlock (&self->lock);
}

void
fake_idc_clear_faults (FakeIdc *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->faults, 0);
  g_mutex_unlock (&self->lock);
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
  guint n;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->lock);
  n = what == NULL ? self->total_count
                   : GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, what));
  g_mutex_unlock (&self->lock);
  return n;
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

/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tcia-import.h"
#include "tcia-import-private.h"

/* The series of an s5cmd manifest: its folders through IDC's API into
 * SeriesInstanceUIDs and locations, then the UIDs through the catalogue's
 * series details (tcia-import-resolve.c) for the metadata the folder
 * layout and metadata.csv use, so that a series is named the same whether
 * a .tcia or an .s5cmd manifest brought it. The basket is touched once,
 * at the end. */

typedef struct
{
  TciaImportJob      job;             /* its catalogue: NULL for IDC's metadata only */
  TciaIdcClient     *idc_client;
  guint              n_folders;
  char             **file_uids;       /* the file's "Not in IDC" series */
  TciaIdcResolution *resolution;
} IdcImport;

static void
idc_import_free (gpointer data)
{
  IdcImport *import = data;

  tcia_import_job_clear (&import->job);
  g_clear_object (&import->idc_client);
  g_clear_object (&import->resolution);
  g_strfreev (import->file_uids);
  g_free (import);
}

/* Takes @task. @nbia: what NBIA said of the UIDs, or NULL. */
static void
complete (GTask            *task,
          TciaImportResult *nbia,
          char             *warning)
{
  IdcImport *import = g_task_get_task_data (task);
  g_autoptr(TciaImportResult) result = tcia_import_result_new ();
  g_autoptr(GHashTable) from_nbia = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) series = g_ptr_array_new ();
  const char * const *uids = tcia_idc_resolution_get_uids (import->resolution);
  const char * const *uuids = tcia_idc_resolution_get_series_uuids (import->resolution);

  result->warning = warning;
  /* Nothing may change once the import is cancelled. */
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  for (guint i = 0; nbia != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (nbia->series)); i++)
    {
      TciaSeries *s = g_list_model_get_item (G_LIST_MODEL (nbia->series), i);

      g_hash_table_insert (from_nbia, (gpointer) tcia_series_get_series_uid (s), s);
      /* The store keeps it alive. */
      g_object_unref (s);
    }

  result->n_requested = import->n_folders + g_strv_length (import->file_uids);
  for (guint i = 0; uids[i] != NULL; i++)
    {
      TciaIdcLocation *location = tcia_idc_resolution_get_location (import->resolution, uids[i]);
      TciaSeries *found = g_hash_table_lookup (from_nbia, uids[i]);

      if (found == NULL)
        found = tcia_idc_resolution_get_series (import->resolution, uids[i]);
      if (location != NULL)
        g_ptr_array_add (result->idc_locations, tcia_idc_location_ref (location));
      if (found != NULL)
        tcia_import_result_sort (result, import->job.basket, uids[i], found, series);
    }
  /* The series the file says IDC lacks: NBIA's, or unknown. */
  for (guint i = 0; import->file_uids[i] != NULL; i++)
    {
      const char *uid = import->file_uids[i];

      /* Unless a folder of the file holds it too. */
      if (tcia_idc_resolution_get_status (import->resolution, uid) == TCIA_IDC_STATUS_NOT_ASKED)
        tcia_import_result_sort (result, import->job.basket, uid,
                                 g_hash_table_lookup (from_nbia, uid), series);
    }

  for (guint i = 0; uuids[i] != NULL; i++)
    {
      TciaIdcStatus status = tcia_idc_resolution_get_uuid_status (import->resolution, uuids[i]);

      if (status == TCIA_IDC_STATUS_NOT_IN_IDC || status == TCIA_IDC_STATUS_INVALID_UID)
        g_ptr_array_insert (result->unknown_idc_uuids, result->unknown_idc_uuids->len - 1,
                            g_strdup (uuids[i]));
    }
  tcia_import_result_add_series (result, import->job.basket, series);

  g_task_return_pointer (task, g_steal_pointer (&result),
                         (GDestroyNotify) tcia_import_result_unref);
  g_object_unref (task);
}

static void
nbia_done_cb (GObject      *source_object,
              GAsyncResult *res,
              gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportResult) nbia = tcia_import_resolve_finish (res, &error);
  char *warning = NULL;

  if (nbia == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* IDC said where its series are: they can be downloaded all the same
     * (and the file's series IDC lacks are reported as unknown). */
    warning = g_strdup_printf (_("NBIA could not be asked about the series (%s): they are "
                                 "named from IDC’s metadata"), error->message);
  complete (task, nbia, warning);
}

static void
idc_done_cb (GObject      *source_object,
             GAsyncResult *res,
             gpointer      user_data)
{
  GTask *task = user_data;
  IdcImport *import = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) uids = NULL;

  import->resolution = tcia_idc_client_resolve_uuids_finish (TCIA_IDC_CLIENT (source_object),
                                                             res, &error);
  if (import->resolution == NULL)
    {
      /* The client's words name IDC's API and what to do. */
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  /* What IDC placed, and what the file says it lacks, through NBIA. */
  uids = g_ptr_array_new ();
  for (const char * const *u = tcia_idc_resolution_get_uids (import->resolution); *u != NULL; u++)
    g_ptr_array_add (uids, (gpointer) *u);
  for (guint i = 0; import->file_uids[i] != NULL; i++)
    g_ptr_array_add (uids, import->file_uids[i]);
  g_ptr_array_add (uids, NULL);
  if (import->job.catalogue == NULL || uids->len == 1)
    {
      complete (task, NULL, NULL);
      return;
    }
  /* The progress goes on as the catalogue's look-up reports it. */
  tcia_import_resolve_async (NULL, import->job.catalogue, (const char * const *) uids->pdata,
                             import->job.chunk_size, import->job.progress,
                             import->job.progress_data, NULL,
                             g_task_get_cancellable (task), nbia_done_cb, task);
}

void
tcia_import_resolve_idc_async (TciaBasket             *basket,
                               gpointer                catalogue,
                               TciaIdcClient          *idc_client,
                               TciaImportFile         *file,
                               guint                   chunk_size,
                               TciaImportProgressFunc  progress,
                               gpointer                progress_data,
                               GDestroyNotify          progress_destroy,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  TciaImportJob job = { basket, catalogue, chunk_size, progress, progress_data, progress_destroy };
  GTask *task;
  IdcImport *import;

  g_return_if_fail (TCIA_IS_IDC_CLIENT (idc_client));
  g_return_if_fail (file != NULL);

  task = tcia_import_task_new (&job, sizeof (IdcImport), idc_import_free, cancellable, callback,
                               user_data, tcia_import_resolve_idc_async);
  g_return_if_fail (task != NULL);
  g_task_set_name (task, "[tcia-import] resolve IDC folders");
  import = g_task_get_task_data (task);
  import->idc_client = g_object_ref (idc_client);
  import->n_folders = tcia_import_file_get_n_idc_series (file);
  import->file_uids = g_strdupv ((char **) tcia_import_file_get_uids (file));

  if (progress != NULL)
    progress (0, import->n_folders, progress_data);
  tcia_idc_client_resolve_uuids_async (idc_client, tcia_import_file_get_idc_series_uuids (file),
                                       cancellable, idc_done_cb, task);
}

TciaImportResult *
tcia_import_resolve_idc_finish (GAsyncResult  *result,
                                GError       **error)
{
  return tcia_import_task_finish (result, tcia_import_resolve_idc_async, error);
}

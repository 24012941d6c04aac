/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include "tcia-export-s5cmd.h"
#include "tcia-import.h"

/* The header is IDC's portal's, word for word (idc-api.md §5.1), so that
 * the file reads as one of theirs; it is file content, not translated. */
#define HEADER \
  "# To download the files in this manifest, first install s5cmd (https://github.com/peak/s5cmd),\n" \
  "# then run the following command:\n" \
  "# s5cmd --no-sign-request --endpoint-url https://s3.amazonaws.com run %s\n"

char *
tcia_export_s5cmd_to_string (TciaIdcResolution *resolution,
                             const char        *file_name,
                             guint             *n_not_in_idc)
{
  const char * const *uids;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();

  g_return_val_if_fail (TCIA_IS_IDC_RESOLUTION (resolution), NULL);

  g_string_append_printf (text, HEADER, file_name != NULL ? file_name : "manifest.s5cmd");
  uids = tcia_idc_resolution_get_uids (resolution);
  for (guint i = 0; uids[i] != NULL; i++)
    {
      TciaIdcLocation *location = tcia_idc_resolution_get_location (resolution, uids[i]);

      /* A location's names come from IDC's answer: only a bucket and a
       * UUID that cannot break the line are written. */
      if (location == NULL || !tcia_idc_series_uuid_is_valid (location->crdc_series_uuid) ||
          strpbrk (location->bucket, " \t\r\n\"'/") != NULL)
        g_ptr_array_add (missing, (gpointer) uids[i]);
      else
        g_string_append_printf (text, "cp s3://%s/%s/* .\n", location->bucket,
                                location->crdc_series_uuid);
    }

  if (missing->len > 0)
    g_string_append (text, "#\n");
  for (guint i = 0; i < missing->len; i++)
    /* An invalid UID was never asked about: it goes in the file as a
     * comment, and a comment ends at the line. */
    g_string_append_printf (text, TCIA_S5CMD_NOT_IN_IDC " %s\n",
                            tcia_idc_uid_is_valid (missing->pdata[i])
                            ? (const char *) missing->pdata[i] : "(not a series UID)");

  if (n_not_in_idc != NULL)
    *n_not_in_idc = missing->len;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

typedef struct
{
  char  **uids;
  GFile  *file;
  guint   n_series;
  guint   n_not_in_idc;
} Export;

static void
export_free (gpointer data)
{
  Export *export = data;

  g_strfreev (export->uids);
  g_object_unref (export->file);
  g_free (export);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Export *export = task_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(TciaIdcResolution) resolution = NULL;
  g_autofree char *name = g_file_get_basename (export->file);
  g_autofree char *text = NULL;
  GError *error = NULL;
  gboolean ok;

  /* libsoup ties its connections to the thread-default context. */
  g_main_context_push_thread_default (context);
  resolution = tcia_idc_client_resolve (source_object, (const char * const *) export->uids,
                                        cancellable, &error);
  g_main_context_pop_thread_default (context);
  if (resolution == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  text = tcia_export_s5cmd_to_string (resolution, name, &export->n_not_in_idc);
  export->n_series = g_strv_length ((char **) tcia_idc_resolution_get_uids (resolution)) -
                     export->n_not_in_idc;
  ok = g_file_replace_contents (export->file, text, strlen (text), NULL, FALSE,
                                G_FILE_CREATE_REPLACE_DESTINATION, NULL, cancellable, &error);
  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
tcia_export_s5cmd_async (TciaIdcClient       *client,
                         const char * const  *uids,
                         GFile               *file,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Export *export;

  g_return_if_fail (TCIA_IS_IDC_CLIENT (client));
  g_return_if_fail (uids != NULL);
  g_return_if_fail (G_IS_FILE (file));

  export = g_new0 (Export, 1);
  export->uids = g_strdupv ((char **) uids);
  export->file = g_object_ref (file);
  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, tcia_export_s5cmd_async);
  g_task_set_name (task, "[tcia-basket] export s5cmd");
  g_task_set_task_data (task, export, export_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
tcia_export_s5cmd_finish (GAsyncResult  *result,
                          guint         *n_series,
                          guint         *n_not_in_idc,
                          GError       **error)
{
  Export *export;

  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tcia_export_s5cmd_async,
                        FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  export = g_task_get_task_data (G_TASK (result));
  if (n_series != NULL)
    *n_series = export->n_series;
  if (n_not_in_idc != NULL)
    *n_not_in_idc = export->n_not_in_idc;
  return TRUE;
}

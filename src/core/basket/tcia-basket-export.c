/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tcia-basket.h"
#include "tcia-basket-private.h"
#include "tcia-series-file.h"
#include "tcia-csv.h"
#include "tcia-records-private.h"

char *
tcia_basket_series_to_csv (GPtrArray *series)
{
  const TciaRecordInfo *info;
  GString *out;

  g_return_val_if_fail (series != NULL, NULL);

  info = tcia_series_file_record_info ();

  out = g_string_sized_new (1024 + series->len * 512);

  for (guint f = 0; f < info->n_fields; f++)
    {
      if (f > 0)
        g_string_append_c (out, ',');
      tcia_csv_append_field (out, info->fields[f].nick);
    }
  g_string_append (out, "\r\n");

  for (guint i = 0; i < series->len; i++)
    {
      GObject *object = g_ptr_array_index (series, i);

      for (guint f = 0; f < info->n_fields; f++)
        {
          g_auto(GValue) value = G_VALUE_INIT;

          if (f > 0)
            g_string_append_c (out, ',');

          g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (info->pspecs[f + 1]));
          tcia_record_get_property (info, object, f + 1, &value);

          /* 0 is how a record says "not known": an empty cell, as pandas expects. */
          if (G_VALUE_HOLDS_STRING (&value))
            {
              if (g_value_get_string (&value) != NULL)
                tcia_csv_append_field (out, g_value_get_string (&value));
            }
          else if (G_VALUE_HOLDS_UINT (&value))
            {
              if (g_value_get_uint (&value) != 0)
                g_string_append_printf (out, "%u", g_value_get_uint (&value));
            }
          else if (G_VALUE_HOLDS_UINT64 (&value))
            {
              if (g_value_get_uint64 (&value) != 0)
                g_string_append_printf (out, "%" G_GUINT64_FORMAT, g_value_get_uint64 (&value));
            }
        }
      g_string_append (out, "\r\n");
    }

  return g_string_free (out, FALSE);
}

static char *
format_series (GPtrArray               *series,
               TciaBasketExportFormat   format,
               GError                 **error)
{
  g_autofree const char **uids = NULL;

  switch (format)
    {
    case TCIA_BASKET_EXPORT_CSV:
      return tcia_basket_series_to_csv (series);

    case TCIA_BASKET_EXPORT_MANIFEST:
      uids = g_new (const char *, series->len + 1);
      for (guint i = 0; i < series->len; i++)
        uids[i] = tcia_series_get_series_uid (g_ptr_array_index (series, i));
      uids[series->len] = NULL;
      return tcia_manifest_to_string (uids, NULL, error);

    default:
      g_assert_not_reached ();
    }
}

static gboolean
write_file (GFile         *file,
            const char    *contents,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!tcia_basket_write_file (file, contents, strlen (contents), 0666, cancellable,
                               &local_error))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, TCIA_BASKET_ERROR, TCIA_BASKET_ERROR_IO,
                     _("Could not write “%s”: %s"), name, local_error->message);
      return FALSE;
    }

  return TRUE;
}

char *
tcia_basket_to_manifest (TciaBasket                 *self,
                         const TciaManifestOptions  *options,
                         GError                    **error)
{
  g_auto(GStrv) uids = NULL;

  g_return_val_if_fail (TCIA_IS_BASKET (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uids = tcia_basket_dup_uids (self);

  return tcia_manifest_to_string ((const char * const *) uids, options, error);
}

char *
tcia_basket_to_csv (TciaBasket *self)
{
  g_autoptr(GPtrArray) series = NULL;

  g_return_val_if_fail (TCIA_IS_BASKET (self), NULL);

  series = tcia_basket_snapshot (self);

  return tcia_basket_series_to_csv (series);
}

gboolean
tcia_basket_export (TciaBasket              *self,
                    TciaBasketExportFormat   format,
                    GFile                   *file,
                    GCancellable            *cancellable,
                    GError                 **error)
{
  g_autoptr(GPtrArray) series = NULL;
  g_autofree char *contents = NULL;

  g_return_val_if_fail (TCIA_IS_BASKET (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  series = tcia_basket_snapshot (self);
  contents = format_series (series, format, error);
  if (contents == NULL)
    return FALSE;

  return write_file (file, contents, cancellable, error);
}

typedef struct
{
  GPtrArray              *series;
  TciaBasketExportFormat  format;
  GFile                  *file;
} ExportData;

static void
export_data_free (gpointer data)
{
  ExportData *export = data;

  g_ptr_array_unref (export->series);
  g_object_unref (export->file);
  g_free (export);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *export = task_data;
  g_autofree char *contents = NULL;
  GError *error = NULL;

  contents = format_series (export->series, export->format, &error);
  if (contents == NULL || !write_file (export->file, contents, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
tcia_basket_export_async (TciaBasket             *self,
                          TciaBasketExportFormat  format,
                          GFile                  *file,
                          GCancellable           *cancellable,
                          GAsyncReadyCallback     callback,
                          gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *export;

  g_return_if_fail (TCIA_IS_BASKET (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  export = g_new0 (ExportData, 1);
  export->series = tcia_basket_snapshot (self);
  export->format = format;
  export->file = g_object_ref (file);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tcia_basket_export_async);
  g_task_set_task_data (task, export, export_data_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
tcia_basket_export_finish (TciaBasket    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (TCIA_IS_BASKET (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "tcia-basket-page-s5cmd.h"
#include "tcia-export-s5cmd.h"
#include "tcia-window.h"

/* Folders IDC does not know, listed in the dialog at most. */
#define MAX_LISTED 20

/* Import and export use the session of the page's window. */
static TciaSession *
get_session (TciaBasketPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return TCIA_IS_WINDOW (root) ? tcia_window_get_session (TCIA_WINDOW (root)) : NULL;
}

static TciaIdcClient *
dup_idc_client (TciaBasketPage  *self,
                GError         **error)
{
  TciaSession *session = get_session (self);

  if (session == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("IDC cannot be asked from here."));
      return NULL;
    }
  return tcia_session_dup_idc_client (session, error);
}

void
_tcia_basket_page_s5cmd_import (TciaBasketPage         *self,
                                TciaImportFile         *file,
                                guint                   chunk_size,
                                TciaImportProgressFunc  progress,
                                GAsyncReadyCallback     callback)
{
  g_autoptr(TciaIdcClient) idc_client = NULL;
  g_autoptr(GError) error = NULL;

  idc_client = dup_idc_client (self, &error);
  if (idc_client == NULL)
    {
      g_task_report_error (self->basket, callback, g_object_ref (self),
                           tcia_import_resolve_idc_async, g_steal_pointer (&error));
      return;
    }
  tcia_import_resolve_idc_async (self->basket, self->client, idc_client, file,
                                 chunk_size, progress, self, NULL,
                                 self->import_cancellable, callback, g_object_ref (self));
}

gboolean
_tcia_basket_page_s5cmd_is_import (GAsyncResult *result)
{
  return G_IS_TASK (result) &&
         g_task_get_source_tag (G_TASK (result)) == tcia_import_resolve_idc_async;
}

TciaImportResult *
_tcia_basket_page_s5cmd_import_finish (TciaBasketPage  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  TciaImportResult *imported = tcia_import_resolve_idc_finish (result, error);
  TciaSession *session = get_session (self);
  const char * const *unknown;
  guint n_unknown;
  const char *warning;
  g_autoptr(GString) body = NULL;

  if (imported == NULL)
    return NULL;
  if (session != NULL)
    tcia_session_add_idc_locations (session, tcia_import_result_get_idc_locations (imported));

  unknown = tcia_import_result_get_unknown_idc_uuids (imported);
  n_unknown = tcia_import_result_get_n_unknown_idc_uuids (imported);
  warning = tcia_import_result_get_warning (imported);
  if (n_unknown == 0 && warning == NULL)
    return imported;

  body = g_string_new (NULL);
  if (n_unknown > 0)
    {
      g_string_append_printf (body,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "IDC does not know %u series folder of the manifest; "
                                           "it was not added:",
                                           "IDC does not know %u series folders of the manifest; "
                                           "they were not added:", n_unknown),
                              n_unknown);
      for (guint i = 0; i < n_unknown && i < MAX_LISTED; i++)
        g_string_append_printf (body, "\n%s", unknown[i]);
      if (n_unknown > MAX_LISTED)
        g_string_append (body, "\n…");
    }
  if (warning != NULL)
    g_string_append_printf (body, "%s%s", body->len > 0 ? "\n\n" : "", warning);
  _tcia_basket_page_show_message (self, _("Some Series Were Not Found in IDC"), body->str);
  return imported;
}

/* ---- Export ---------------------------------------------------------------- */

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TciaBasketPage) self = user_data;
  g_autoptr(GError) error = NULL;
  guint n_series = 0, n_missing = 0;
  g_autofree char *text = NULL;

  if (!tcia_export_s5cmd_finish (result, &n_series, &n_missing, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _tcia_basket_page_show_message (self, _("Could Not Export"), error->message);
      return;
    }
  if (n_missing == 0)
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Exported %u series as an s5cmd manifest",
                                           "Exported %u series as an s5cmd manifest", n_series),
                              n_series);
      _tcia_basket_page_show_toast (self, adw_toast_new (text));
      return;
    }
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u series of the basket is not in IDC. It is listed in "
                                       "a comment at the end of the manifest: download it "
                                       "with TCIA Basket.",
                                       "%u series of the basket are not in IDC. They are listed "
                                       "in comments at the end of the manifest: download them "
                                       "with TCIA Basket.", n_missing),
                          n_missing);
  _tcia_basket_page_show_message (self, _("Manifest Exported"), text);
}

static void
export_chosen_cb (GtkNativeDialog *chooser,
                  int              response,
                  TciaBasketPage  *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(TciaIdcClient) idc_client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) uids = g_ptr_array_new_with_free_func (g_free);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      idc_client = dup_idc_client (self, &error);
    }
  if (self->chooser == chooser)
    g_clear_object (&self->chooser);
  if (file == NULL)
    return;
  if (idc_client == NULL)
    {
      _tcia_basket_page_show_message (self, _("Could Not Export"), error->message);
      return;
    }

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->basket)); i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (G_LIST_MODEL (self->basket), i);

      g_ptr_array_add (uids, g_strdup (tcia_series_get_series_uid (series)));
    }
  g_ptr_array_add (uids, NULL);
  tcia_export_s5cmd_async (idc_client, (const char * const *) uids->pdata, file, NULL,
                           export_done_cb, g_object_ref (self));
}

void
_tcia_basket_page_s5cmd_export_cb (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  TciaBasketPage *self = TCIA_BASKET_PAGE (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Export the Basket as an s5cmd Manifest"),
                                         _tcia_basket_page_get_window (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                         _("_Cancel"));
  _tcia_basket_page_set_chooser (self, chooser);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "basket.s5cmd");
  gtk_file_filter_set_name (filter, _("s5cmd manifests"));
  gtk_file_filter_add_pattern (filter, "*.s5cmd");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (export_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

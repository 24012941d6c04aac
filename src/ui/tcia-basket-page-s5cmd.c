/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "tcia-basket-page-s5cmd.h"
#include "tcia-export-s5cmd.h"
#include "tcia-window.h"

/* Folders IDC does not know, listed in the dialog at most. */
#define MAX_LISTED 20

static TciaSession *
get_session (GtkWidget *page)
{
  GtkRoot *root = gtk_widget_get_root (page);

  return TCIA_IS_WINDOW (root) ? tcia_window_get_session (TCIA_WINDOW (root)) : NULL;
}

static TciaIdcClient *
dup_idc_client (GtkWidget  *page,
                GError    **error)
{
  TciaSession *session = get_session (page);

  if (session == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("IDC cannot be asked from here."));
      return NULL;
    }
  return tcia_session_dup_idc_client (session, error);
}

static void
show_message (GtkWidget  *page,
              const char *heading,
              const char *body)
{
  GtkRoot *root = gtk_widget_get_root (page);
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading, body);

  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_toast (GtkWidget  *page,
            const char *title)
{
  GtkWidget *child = ADW_IS_BIN (page) ? adw_bin_get_child (ADW_BIN (page)) : NULL;

  if (ADW_IS_TOAST_OVERLAY (child))
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (child), adw_toast_new (title));
}

void
tcia_basket_page_s5cmd_import (GtkWidget              *page,
                               TciaBasket             *basket,
                               TciaClient             *client,
                               TciaImportFile         *file,
                               guint                   chunk_size,
                               TciaImportProgressFunc  progress,
                               gpointer                progress_data,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  g_autoptr(TciaIdcClient) idc_client = NULL;
  g_autoptr(GError) error = NULL;

  idc_client = dup_idc_client (page, &error);
  if (idc_client == NULL)
    {
      g_task_report_error (basket, callback, user_data, tcia_import_resolve_idc_async,
                           g_steal_pointer (&error));
      return;
    }
  tcia_import_resolve_idc_async (basket, client, idc_client, file, chunk_size, progress,
                                 progress_data, NULL, cancellable, callback, user_data);
}

gboolean
tcia_basket_page_s5cmd_is_import (GAsyncResult *result)
{
  return G_IS_TASK (result) &&
         g_task_get_source_tag (G_TASK (result)) == tcia_import_resolve_idc_async;
}

TciaImportResult *
tcia_basket_page_s5cmd_import_finish (GtkWidget     *page,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  TciaImportResult *imported = tcia_import_resolve_idc_finish (result, error);
  TciaSession *session = get_session (page);
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
  show_message (page, _("Some Series Were Not Found in IDC"), body->str);
  return imported;
}

/* ---- Export ---------------------------------------------------------------- */

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GtkWidget) page = user_data;
  g_autoptr(GError) error = NULL;
  guint n_series = 0, n_missing = 0;
  g_autofree char *text = NULL;

  if (!tcia_export_s5cmd_finish (result, &n_series, &n_missing, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (page, _("Could Not Export"), error->message);
      return;
    }
  if (n_missing == 0)
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Exported %u series as an s5cmd manifest",
                                           "Exported %u series as an s5cmd manifest", n_series),
                              n_series);
      show_toast (page, text);
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
  show_message (page, _("Manifest Exported"), text);
}

static void
export_chosen_cb (GtkNativeDialog *chooser,
                  int              response,
                  GtkWidget       *page)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(TciaIdcClient) idc_client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) uids = g_ptr_array_new_with_free_func (g_free);
  TciaSession *session = get_session (page);
  TciaBasket *basket;

  if (response != GTK_RESPONSE_ACCEPT || session == NULL)
    goto out;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  idc_client = dup_idc_client (page, &error);
  if (idc_client == NULL)
    {
      show_message (page, _("Could Not Export"), error->message);
      goto out;
    }
  basket = tcia_session_get_basket (session);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (basket)); i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (G_LIST_MODEL (basket), i);

      g_ptr_array_add (uids, g_strdup (tcia_series_get_series_uid (series)));
    }
  g_ptr_array_add (uids, NULL);
  tcia_export_s5cmd_async (idc_client, (const char * const *) uids->pdata, file, NULL,
                           export_done_cb, g_object_ref (page));

out:
  g_object_set_data (G_OBJECT (page), "tcia-s5cmd-chooser", NULL);
}

void
tcia_basket_page_s5cmd_export_cb (GtkWidget  *page,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (page);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Export the Basket as an s5cmd Manifest"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "basket.s5cmd");
  gtk_file_filter_set_name (filter, _("s5cmd manifests"));
  gtk_file_filter_add_pattern (filter, "*.s5cmd");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  /* The page keeps the chooser alive until it answers. */
  g_object_set_data_full (G_OBJECT (page), "tcia-s5cmd-chooser", chooser, g_object_unref);
  g_signal_connect (chooser, "response", G_CALLBACK (export_chosen_cb), page);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-window"

/* What the window asks before downloads start and stop: Download pressed
 * checks the free space (and warns) before the session checks the basket
 * out; quitting with series downloading asks first. The window's pages and
 * indicators are tcia-window.c's. */

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-free-space.h"
#include "tcia-window-private.h"

static void
checkout_now (TciaWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint n = tcia_basket_get_n_series (self->basket);

  if (!tcia_session_checkout (self->session, NULL, &error))
    {
      gboolean busy = g_error_matches (error, TCIA_SESSION_ERROR, TCIA_SESSION_ERROR_BUSY);
      AdwMessageDialog *dialog;

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                           busy ? _("Downloads Not Finished")
                                                                : _("Could Not Download"),
                                                           error->message));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      _tcia_window_set_dialog (self, dialog);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  adw_view_stack_set_visible_child_name (self->stack, "downloads");
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Downloading %u series",
                                       "Downloading %u series", n), n);
  _tcia_window_show_toast (self, text);
}

static void
space_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   TciaWindow       *self)
{
  if (g_strcmp0 (response, "download") == 0)
    checkout_now (self);
}

static void
space_queried_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  TciaWindow *self = user_data;   /* alive: its dispose cancels the query */
  g_autoptr(GError) error = NULL;
  guint64 needed;
  guint64 free_bytes;
  g_autofree char *free_text = NULL;
  g_autofree char *needed_text = NULL;
  AdwMessageDialog *dialog;

  free_bytes = tcia_free_space_query_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  needed = tcia_basket_get_total_bytes (self->basket);
  /* G_MAXUINT64 when the file system does not say: nothing to warn of. */
  if (free_bytes >= needed)
    {
      checkout_now (self);
      return;
    }

  free_text = g_format_size (free_bytes);
  needed_text = g_format_size (needed);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Not Enough Space?"), NULL));
  adw_message_dialog_format_body (dialog,
                                  _("The series take about %s once unpacked, and the download "
                                    "folder has %s free. Downloading may stop when the disk "
                                    "is full."),
                                  needed_text, free_text);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "download", _("_Download Anyway"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "download", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (space_response_cb), self, 0);
  _tcia_window_set_dialog (self, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Download pressed: the free space is checked first, then the session
 * checks the basket out. */
void
_tcia_window_checkout_cb (TciaBasketPage *page,
                          TciaBasket     *basket,
                          TciaWindow     *self)
{
  /* Without settings the session has no binding: the folder is the page's. */
  if (self->settings == NULL)
    {
      g_autoptr(GFile) folder = tcia_basket_page_dup_download_folder (self->basket_view);

      tcia_session_set_destination (self->session, folder);
    }

  g_cancellable_cancel (self->space_cancellable);
  g_clear_object (&self->space_cancellable);
  self->space_cancellable = g_cancellable_new ();
  tcia_free_space_query_async (tcia_session_get_destination (self->session),
                               self->space_cancellable, space_queried_cb, self);
}

static void
stop_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  TciaWindow       *self)
{
  GtkApplication *app;

  if (g_strcmp0 (response, "stop") != 0)
    return;
  self->quit_confirmed = TRUE;
  app = gtk_window_get_application (GTK_WINDOW (self));
  if (app != NULL)
    g_application_quit (G_APPLICATION (app));
  else
    gtk_window_destroy (GTK_WINDOW (self));
}

gboolean
tcia_window_confirm_quit (TciaWindow *self)
{
  TciaDownloadQueue *queue;
  AdwMessageDialog *dialog;

  g_return_val_if_fail (TCIA_IS_WINDOW (self), FALSE);

  queue = tcia_window_get_download_queue (self);
  if (self->quit_confirmed || queue == NULL ||
      tcia_download_queue_get_n_running (queue) + tcia_download_queue_get_n_active (queue) == 0)
    return FALSE;
  if (self->dialog != NULL)
    return TRUE;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Stop Downloads?"), NULL));
  adw_message_dialog_set_body (dialog,
                               _("Series are still downloading. They carry on from where "
                                 "they stopped the next time TCIA Basket starts."));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "stop", _("_Stop and Quit"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "stop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (stop_response_cb), self, 0);
  _tcia_window_set_dialog (self, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

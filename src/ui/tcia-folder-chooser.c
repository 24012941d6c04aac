/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-folder-chooser"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-folder-chooser.h"

static void
response_cb (GtkNativeDialog *dialog,
             int              response,
             gpointer         owner)
{
  TciaFolderChosenFunc callback = g_object_get_data (G_OBJECT (dialog), "tcia-callback");
  g_autoptr(GFile) folder = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (folder != NULL)
    path = g_file_get_path (folder);

  callback (dialog, path, owner);
}

GtkNativeDialog *
tcia_folder_chooser_show (GtkWindow            *parent,
                          GFile                *current,
                          TciaFolderChosenFunc  callback,
                          gpointer              owner)
{
  GtkNativeDialog *dialog;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (current == NULL || G_IS_FILE (current), NULL);
  g_return_val_if_fail (callback != NULL, NULL);
  g_return_val_if_fail (G_IS_OBJECT (owner), NULL);

  dialog = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("Choose the Download Folder"),
                                                           parent,
                                                           GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                           _("_Select"), _("_Cancel")));
  gtk_native_dialog_set_modal (dialog, TRUE);
  if (current != NULL && g_file_query_exists (current, NULL))
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), current, NULL);
  g_object_set_data (G_OBJECT (dialog), "tcia-callback", callback);
  g_signal_connect_object (dialog, "response", G_CALLBACK (response_cb), owner, 0);
  gtk_native_dialog_show (dialog);

  return dialog;
}

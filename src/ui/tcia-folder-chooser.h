/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Called once the user has answered: @path is the folder chosen, or NULL
 * when the dialog was cancelled. */
typedef void (*TciaFolderChosenFunc) (GtkNativeDialog *dialog,
                                      const char      *path,
                                      gpointer         owner);

/* Shows the one download-folder chooser, modal to @parent, starting in
 * @current when it exists. @callback runs while @owner (a GObject) lives.
 * Returns the dialog (transfer full) so that the owner can drop it. */
GtkNativeDialog *tcia_folder_chooser_show (GtkWindow            *parent,
                                           GFile                *current,
                                           TciaFolderChosenFunc  callback,
                                           gpointer              owner);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void tcia_column_view_fit_titles        (GtkColumnView *view);
void tcia_widget_name_mnemonic_buttons  (GtkWidget     *root);

G_END_DECLS

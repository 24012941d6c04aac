/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void       tcia_column_view_fit_titles        (GtkColumnView *view);
void       tcia_widget_name_mnemonic_buttons  (GtkWidget     *root);
/* A row of a list: a title that takes the room and ellipsizes, then a dim
 * number (the box's first and last child). */
GtkWidget *tcia_title_and_count_new           (int            spacing);
/* The series UIDs of @series (TciaSeries), one a line. */
char      *tcia_series_uids_text              (GPtrArray     *series);

G_END_DECLS

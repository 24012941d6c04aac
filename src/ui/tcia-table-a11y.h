/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What GTK 4.8 leaves undone for keyboard and screen-reader users of a
 * list or a table. */

/* Makes @list (a GtkColumnView, GtkListView, ...) one Tab stop: Tab and
 * Shift+Tab leave it for the next or previous control, arrows move within. */
void tcia_list_make_one_tab_stop    (GtkWidget     *list);

/* Names every column header of @view after its column's title, and a
 * column without a title @untitled_name; without a name GTK 4.8 reads a
 * header as "GtkColumnViewTitle" and an empty title as "GtkLabel". Call
 * after the columns are added. */
void tcia_column_view_name_headers  (GtkColumnView *view,
                                     const char    *untitled_name);

G_END_DECLS

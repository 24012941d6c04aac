/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-columns"

#include "config.h"

#include "tcia-columns.h"

/* Room beside a title for the header's padding and its sort arrow, and
 * for a header font bolder than the list's. */
#define TITLE_EXTRA_PX 30
#define TITLE_SCALE    1.1

/* The .ui files give columns fixed widths that suit English titles, so
 * that a column never resizes as rows arrive. A translation can be longer
 * ("Studienbeschreibung"): widen each column whose title would not fit, so
 * that no header is cut off in any language. */
void
tcia_column_view_fit_titles (GtkColumnView *view)
{
  GListModel *columns;
  guint n;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));

  columns = gtk_column_view_get_columns (view);
  n = g_list_model_get_n_items (columns);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *title = gtk_column_view_column_get_title (column);
      int fixed = gtk_column_view_column_get_fixed_width (column);
      g_autoptr(PangoLayout) layout = NULL;
      int width;

      if (title == NULL || *title == '\0' || fixed < 0)
        continue;

      layout = gtk_widget_create_pango_layout (GTK_WIDGET (view), title);
      pango_layout_get_pixel_size (layout, &width, NULL);
      width = (int) (width * TITLE_SCALE) + TITLE_EXTRA_PX;
      if (width > fixed)
        gtk_column_view_column_set_fixed_width (column, width);
    }
}

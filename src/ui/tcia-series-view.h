/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tcia-basket.h"

G_BEGIN_DECLS

#define TCIA_TYPE_SERIES_VIEW (tcia_series_view_get_type ())

G_DECLARE_FINAL_TYPE (TciaSeriesView, tcia_series_view, TCIA, SERIES_VIEW, AdwBin)

/* The series list of the Browse page: a sortable GtkColumnView over a
 * GListModel of TciaSeries, narrowed by a search text, with the in-basket
 * mark, the row menu (the browse.* actions of an ancestor) and drags of the
 * selected UIDs. */
void               tcia_series_view_set_model        (TciaSeriesView *self,
                                                      GListModel     *series);
void               tcia_series_view_set_basket       (TciaSeriesView *self,
                                                      TciaBasket     *basket);
/* Keeps the column widths the user chooses in @settings. */
void               tcia_series_view_set_settings     (TciaSeriesView *self,
                                                      GSettings      *settings);
void               tcia_series_view_set_search_text  (TciaSeriesView *self,
                                                      const char     *text);
const char        *tcia_series_view_get_search_text  (TciaSeriesView *self);
guint64            tcia_series_view_get_shown_bytes  (TciaSeriesView *self);
/* The rows shown, searched and sorted (TciaSeries). */
GListModel        *tcia_series_view_get_shown        (TciaSeriesView *self);
GtkSelectionModel *tcia_series_view_get_selection    (TciaSeriesView *self);
GPtrArray         *tcia_series_view_dup_selected     (TciaSeriesView *self);
GtkColumnView     *tcia_series_view_get_column_view  (TciaSeriesView *self);
void               tcia_series_view_set_show_collection (TciaSeriesView *self,
                                                         gboolean        shown);
gboolean           tcia_series_view_get_show_collection (TciaSeriesView *self);
/* Opens the row menu under the focused row, if a row has the focus. */
void               tcia_series_view_popup_menu       (TciaSeriesView *self);
gboolean           tcia_series_view_row_is_marked    (TciaSeriesView *self,
                                                      guint           position);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-browse-page.h"

G_BEGIN_DECLS

/* For tests and benchmarks: what the page shows, and ways to drive it. */

/* The rows shown, in the order shown (a GtkSelectionModel of TciaSeries). */
GtkSelectionModel *tcia_browse_page_get_selection       (TciaBrowsePage *self);
/* The models of the sidebar and of the filter dropdowns. */
GListModel        *tcia_browse_page_get_collections     (TciaBrowsePage *self);
GtkDropDown       *tcia_browse_page_get_dropdown        (TciaBrowsePage *self,
                                                         TciaValueKind   kind);
GtkEditable       *tcia_browse_page_get_search_entry    (TciaBrowsePage *self);
GtkColumnView     *tcia_browse_page_get_series_view     (TciaBrowsePage *self);
/* "choose", "loading", "empty", "error", "series" or "patients"; or the
 * whole page's "connecting" / "unreachable". */
const char        *tcia_browse_page_get_state           (TciaBrowsePage *self);
const char        *tcia_browse_page_get_error_text      (TciaBrowsePage *self);
const char        *tcia_browse_page_get_status_text     (TciaBrowsePage *self);
/* Chooses @collection as a click in the sidebar does. */
void               tcia_browse_page_choose_collection   (TciaBrowsePage *self,
                                                         const char     *collection);
/* Benchmarks only: lists the series of @query (any filters, even none). */
void               tcia_browse_page_load_query          (TciaBrowsePage  *self,
                                                         const TciaQuery *query);
/* Whether the given row of the series list shows the in-basket mark. */
gboolean           tcia_browse_page_row_is_marked       (TciaBrowsePage *self,
                                                         guint           position);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-basket-page.h"

G_BEGIN_DECLS

/* For tests: what the page shows, and ways to drive it. */

/* The rows shown, in the order shown (a GtkSelectionModel of TciaSeries). */
GtkSelectionModel *tcia_basket_page_get_selection          (TciaBasketPage *self);
/* "empty" or "series". */
const char        *tcia_basket_page_get_state              (TciaBasketPage *self);
/* "3 series · 12 images · 1.2 MB" */
const char        *tcia_basket_page_get_totals_text        (TciaBasketPage *self);
/* "about 420 kB to download (estimate)" */
const char        *tcia_basket_page_get_estimate_text      (TciaBasketPage *self);
/* The licence rows, in order: their titles, and whether each has the
 * "Non-commercial" tag shown. */
guint              tcia_basket_page_get_n_licence_rows     (TciaBasketPage *self);
const char        *tcia_basket_page_get_licence_title      (TciaBasketPage *self,
                                                            guint           index);
gboolean           tcia_basket_page_get_licence_is_nc      (TciaBasketPage *self,
                                                            guint           index);
/* Whether an import is running (parsing or looking series up). */
gboolean           tcia_basket_page_get_importing          (TciaBasketPage *self);
/* How many progress updates the page has shown since it was created. */
guint              tcia_basket_page_get_n_progress_updates (TciaBasketPage *self);
const char        *tcia_basket_page_get_progress_text      (TciaBasketPage *self);
/* The dialog shown last (NULL once closed) and its heading and body; for the
 * unknown-UID dialog the body is followed by the UIDs listed, one a line. */
AdwMessageDialog  *tcia_basket_page_get_dialog             (TciaBasketPage *self);
const char        *tcia_basket_page_get_dialog_text        (TciaBasketPage *self);
/* The title of the toast shown last. */
const char        *tcia_basket_page_get_toast_text         (TciaBasketPage *self);
const char        *tcia_basket_page_get_save_error_text    (TciaBasketPage *self);
const char        *tcia_basket_page_get_free_space_text    (TciaBasketPage *self);
gboolean           tcia_basket_page_get_space_short        (TciaBasketPage *self);
GtkWidget         *tcia_basket_page_get_download_button    (TciaBasketPage *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tcia-basket.h"
#include "tcia-catalogue.h"
#include "tcia-client.h"

G_BEGIN_DECLS

#define TCIA_TYPE_BASKET_PAGE (tcia_basket_page_get_type ())

G_DECLARE_FINAL_TYPE (TciaBasketPage, tcia_basket_page, TCIA, BASKET_PAGE, AdwBin)

/* The Basket page: the series picked, their totals and licences, where they
 * will go, and importing and exporting lists of series.
 *
 * Its actions ("basket.import", "basket.import-cart", "basket.export-manifest",
 * "basket.export-csv", "basket.remove-selected", "basket.clear",
 * "basket.change-folder", "basket.checkout") work from menus and buttons
 * anywhere inside it. "basket.checkout" is disabled until
 * tcia_basket_page_set_checkout_available(); when activated, the page emits
 * ::checkout with the basket, for the download queue to take. */

/* @client NULL: imports cannot look series up and say so. @settings NULL:
 * the download folder is not remembered. */
void        tcia_basket_page_setup                  (TciaBasketPage *self,
                                                     TciaClient     *client,
                                                     TciaBasket     *basket,
                                                     GSettings      *settings);
/* What imports look series up in (tcia_session_dup_import_catalogue():
 * the local catalogue before the server); NULL: the client of setup. */
void        tcia_basket_page_set_import_catalogue   (TciaBasketPage *self,
                                                     TciaCatalogue  *catalogue);
/* Imports @files one after the other (parse, then look the series up),
 * reporting what happened with each. */
void        tcia_basket_page_import_files           (TciaBasketPage *self,
                                                     GFile         **files,
                                                     guint           n_files);
/* Opens the file chooser / the shared cart dialog. */
void        tcia_basket_page_choose_import          (TciaBasketPage *self);
void        tcia_basket_page_choose_shared_cart     (TciaBasketPage *self);
/* Shows why the basket file could not be read at start (it was moved aside). */
void        tcia_basket_page_show_load_error        (TciaBasketPage *self,
                                                     const GError   *error);
void        tcia_basket_page_set_checkout_available (TciaBasketPage *self,
                                                     gboolean        available);
/* The folder series go into: the `download-folder` setting, or the XDG
 * Downloads folder when it is empty. */
GFile      *tcia_basket_page_dup_download_folder    (TciaBasketPage *self);

G_END_DECLS

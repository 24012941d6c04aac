/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tcia-basket.h"
#include "tcia-catalogue.h"
#include "tcia-client.h"

G_BEGIN_DECLS

#define TCIA_TYPE_BROWSE_PAGE (tcia_browse_page_get_type ())

G_DECLARE_FINAL_TYPE (TciaBrowsePage, tcia_browse_page, TCIA, BROWSE_PAGE, AdwBin)

/* The Browse page: collections, filters, the series list and the details of
 * the selected series. Nothing is fetched until tcia_browse_page_setup(). */
void        tcia_browse_page_setup          (TciaBrowsePage     *self,
                                             TciaClient         *client,
                                             TciaBasket         *basket,
                                             GSettings          *settings);
/* Before setup: what to browse, when not @client itself (the local
 * catalogue before the server: tcia_session_dup_browse_catalogue()). A
 * TciaCatalogueRouter also gives the search of all collections. */
void        tcia_browse_page_set_catalogue  (TciaBrowsePage     *self,
                                             TciaCatalogue      *catalogue);
gboolean    tcia_browse_page_get_loading    (TciaBrowsePage     *self);
/* Adds the series of the current listing whose UIDs are given (a drop of
 * rows, one UID a line); returns how many were added. */
guint       tcia_browse_page_add_uids       (TciaBrowsePage     *self,
                                             const char * const *uids);

G_END_DECLS

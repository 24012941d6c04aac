/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tcia-basket.h"

G_BEGIN_DECLS

#define TCIA_TYPE_BASKET_TABLE (tcia_basket_table_get_type ())

G_DECLARE_FINAL_TYPE (TciaBasketTable, tcia_basket_table, TCIA, BASKET_TABLE, AdwBin)

/* The series of a basket as a table: collection, patient, study date,
 * description, modality, images and size, sortable by each, several rows
 * selectable. Short columns are as wide as their values; the description
 * takes what is left. The table is one Tab stop; the arrows move within it. */

void               tcia_basket_table_set_basket    (TciaBasketTable *self,
                                                    TciaBasket      *basket);
/* Restores the column widths the user dragged, and keeps those dragged
 * from now on, in the settings' basket-column-widths. */
void               tcia_basket_table_remember_widths (TciaBasketTable *self,
                                                      GSettings       *settings);
/* The rows in the order shown (a GtkSelectionModel of TciaSeries); NULL
 * until the basket is set. */
GtkSelectionModel *tcia_basket_table_get_selection (TciaBasketTable *self);
/* For tests: the column view itself. */
GtkWidget         *tcia_basket_table_get_view      (TciaBasketTable *self);

G_END_DECLS

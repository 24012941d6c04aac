/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tcia-catalogue.h"
#include "tcia-collection.h"

G_BEGIN_DECLS

#define TCIA_TYPE_COLLECTION_PANE (tcia_collection_pane_get_type ())

G_DECLARE_FINAL_TYPE (TciaCollectionPane, tcia_collection_pane, TCIA, COLLECTION_PANE, AdwBin)

/* What the Browse page shows of a collection while no series is selected:
 * its name, patient count, description (fetched), data description link,
 * and the licences of the series listed. */
void tcia_collection_pane_set_catalogue  (TciaCollectionPane *self,
                                          TciaCatalogue      *catalogue);
void tcia_collection_pane_set_collection (TciaCollectionPane *self,
                                          TciaCollection     *collection);
/* Fetches the description again. */
void tcia_collection_pane_reload         (TciaCollectionPane *self);
/* The series listed (TciaSeries), whose licences are shown; NULL for none. */
void tcia_collection_pane_set_series     (TciaCollectionPane *self,
                                          GListModel         *series);
/* The same, with the licences of the series already counted
 * (TciaBasketLicence, from tcia_licence_count_dup_tally()). */
void tcia_collection_pane_set_licences   (TciaCollectionPane *self,
                                          GListModel         *licences);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tcia-basket.h"

G_BEGIN_DECLS

#define TCIA_TYPE_PATIENTS_VIEW (tcia_patients_view_get_type ())

G_DECLARE_FINAL_TYPE (TciaPatientsView, tcia_patients_view, TCIA, PATIENTS_VIEW, AdwBin)

/* Patients → studies → series, built from a list of TciaSeries, each with
 * its series count and size, and a mark for what is in the basket. Emits
 * "selection-changed" when another row is selected. */
void       tcia_patients_view_rebuild      (TciaPatientsView *self,
                                            GListModel       *shown);
/* Marks the rows whose series are in @basket (all, or some of them). */
void       tcia_patients_view_set_basket   (TciaPatientsView *self,
                                            TciaBasket       *basket);
/* The selected series, or every series under the selected patient or study. */
GPtrArray *tcia_patients_view_dup_selected (TciaPatientsView *self);

G_END_DECLS

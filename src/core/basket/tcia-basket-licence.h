/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TCIA_TYPE_BASKET_LICENCE (tcia_basket_licence_get_type ())

G_DECLARE_FINAL_TYPE (TciaBasketLicence, tcia_basket_licence, TCIA, BASKET_LICENCE, GObject)

/* One licence of the series in a basket (TciaBasket:licences). Properties:
 * "name", "uri" (either may be NULL), "non-commercial" (the licence forbids
 * commercial use: CC BY-NC and the like), "n-series" (how many series of the
 * basket have it; notified when it changes). */
const char *tcia_basket_licence_get_name           (TciaBasketLicence *self);
const char *tcia_basket_licence_get_uri            (TciaBasketLicence *self);
gboolean    tcia_basket_licence_get_non_commercial (TciaBasketLicence *self);
guint       tcia_basket_licence_get_n_series       (TciaBasketLicence *self);

/* Whether a licence named @name at @uri (either NULL) is non-commercial: the
 * name or URI says "NC" as a word ("CC BY-NC 4.0", ".../licenses/by-nc/3.0/"),
 * "NonCommercial", "Non-Commercial" or "Non Commercial". */
gboolean    tcia_licence_is_non_commercial         (const char        *name,
                                                    const char        *uri);

/* The licences of @series (a GListModel of TciaSeries), counted as a basket
 * counts them: a new GListModel of TciaBasketLicence sorted by name. */
GListModel *tcia_licence_tally_new                 (GListModel        *series);

/* The same tally, counted while the rows of @series arrive at its end. */
typedef struct _TciaLicenceCount TciaLicenceCount;

TciaLicenceCount *tcia_licence_count_new       (GListModel       *series);
void              tcia_licence_count_add       (TciaLicenceCount *self);
gboolean          tcia_licence_count_covers    (TciaLicenceCount *self,
                                                GListModel       *series);
GListModel       *tcia_licence_count_dup_tally (TciaLicenceCount *self);
void              tcia_licence_count_free      (TciaLicenceCount *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaLicenceCount, tcia_licence_count_free)

G_END_DECLS

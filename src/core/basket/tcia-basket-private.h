/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-basket.h"
#include "tcia-records-private.h"

G_BEGIN_DECLS

/* For TciaBasket. */
TciaBasketLicence *tcia_basket_licence_new          (const char        *name,
                                                     const char        *uri);
void               tcia_basket_licence_set_n_series (TciaBasketLicence *self,
                                                     guint              n_series);
/* By name, then URI: the order of a licence list. */
int                tcia_basket_licence_compare      (gconstpointer      a,
                                                     gconstpointer      b,
                                                     gpointer           user_data);

/* (transfer full) A reference on each series, in basket order. */
GPtrArray         *tcia_basket_snapshot             (TciaBasket        *self);

/* The basket file: {"version":1,"series":[SERIES,...]} in the form of
 * tcia-series-file.h, shared with the saved download queue. */
GBytes            *tcia_basket_serialize            (GPtrArray         *series);
/* The series of a basket file, in order. FALSE with a message (no domain
 * prefix, G_IO_ERROR_INVALID_DATA) when it is not one; *n_skipped counts
 * rows without a series UID. Exposed for the fuzzer. */
GPtrArray         *tcia_basket_parse                (const char        *data,
                                                     gsize              len,
                                                     guint             *n_skipped,
                                                     GError           **error);

/* Replaces @file with @data atomically (a temporary file renamed over it). */
gboolean           tcia_basket_write_file           (GFile             *file,
                                                     const char        *data,
                                                     gsize              len,
                                                     int                mode,
                                                     GCancellable      *cancellable,
                                                     GError           **error);

/* RFC 4180 CSV of @series (tcia-basket-export.c). */
char              *tcia_basket_series_to_csv        (GPtrArray         *series);

G_END_DECLS

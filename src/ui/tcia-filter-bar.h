/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tcia-catalogue.h"
#include "tcia-query.h"
#include "tcia-value.h"

G_BEGIN_DECLS

#define TCIA_TYPE_FILTER_BAR (tcia_filter_bar_get_type ())

G_DECLARE_FINAL_TYPE (TciaFilterBar, tcia_filter_bar, TCIA, FILTER_BAR, AdwBin)

/* The modality, body part and manufacturer filters of a collection, each a
 * dropdown whose choices (with patient counts) are listed asynchronously
 * under the other two. Emits "changed" when the filters in effect change
 * and "failed" (a GError) when choices cannot be listed. The values in
 * effect are kept in the "last-*" settings. */
void         tcia_filter_bar_setup          (TciaFilterBar *self,
                                             TciaCatalogue *catalogue,
                                             GSettings     *settings);
/* Lists the choices of @collection; unless @keep_filters, back to all. */
void         tcia_filter_bar_set_collection (TciaFilterBar *self,
                                             const char    *collection,
                                             gboolean       keep_filters);
/* The facets of the whole archive (a search of all collections); the
 * values in effect stay. */
void         tcia_filter_bar_set_whole_archive (TciaFilterBar *self);
/* Takes the values in effect from the settings (the last session's). */
void         tcia_filter_bar_restore        (TciaFilterBar *self);
void         tcia_filter_bar_reload         (TciaFilterBar *self);
/* The collection and the filters in effect. */
TciaQuery   *tcia_filter_bar_build_query    (TciaFilterBar *self);
GtkDropDown *tcia_filter_bar_get_dropdown   (TciaFilterBar *self,
                                             TciaValueKind  kind);

G_END_DECLS

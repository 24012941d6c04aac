/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tcia-collection.h"

G_BEGIN_DECLS

#define TCIA_TYPE_COLLECTION_SIDEBAR (tcia_collection_sidebar_get_type ())

G_DECLARE_FINAL_TYPE (TciaCollectionSidebar, tcia_collection_sidebar, TCIA, COLLECTION_SIDEBAR, AdwBin)

/* The collections with their patient counts, narrowed by a search entry.
 * Emits "collection-activated" (a TciaCollection) on a click, or on Enter
 * in the search for the first match. */
void        tcia_collection_sidebar_set_model     (TciaCollectionSidebar *self,
                                                   GListModel            *collections);
/* The collections shown, as a GtkSingleSelection. */
GListModel *tcia_collection_sidebar_get_selection (TciaCollectionSidebar *self);
/* Selects @name without activating it. */
void        tcia_collection_sidebar_select        (TciaCollectionSidebar *self,
                                                   const char            *name);
void        tcia_collection_sidebar_focus_search  (TciaCollectionSidebar *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-catalogue-db.h"

G_BEGIN_DECLS

/* "What is new" in a download folder, from its metadata.csv and the
 * catalogue (see tcia_local_catalogue_list_new_async for what "added" and
 * "changed" mean). Returns the TciaSeries added to the folder's
 * collections, then those in the folder whose data changed; *@n_added
 * says how many come first. */
GPtrArray *tcia_catalogue_find_new (TciaCatalogueDb  *db,
                                    const char       *dest_dir,
                                    guint            *n_added,
                                    GError          **error);

G_END_DECLS

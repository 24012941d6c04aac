/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-client.h"

G_BEGIN_DECLS

/* What a sync asks for first: the collections with their counts and, from
 * a v4 server, their descriptions. Two small listings, asked for at once
 * (the server is never asked more than two things at a time), before the
 * sync opens the catalogue, and waited for in the sync's thread. Against
 * NBIA each takes a second or more, and a sync lists nothing before it
 * has them. */

typedef struct
{
  gboolean    done;
  GListModel *rows;
  GError     *error;
} TciaCatalogueWait;

typedef struct
{
  GMainContext     *context;
  GCancellable     *cancellable;  /* the run's, or the sync's own failure */
  GCancellable     *run_cancellable;
  gulong            handler;
  TciaCatalogueWait collections;
  TciaCatalogueWait described;
} TciaCatalogueFetch;

/* Asks for both, in the calling thread's own context. */
void        tcia_catalogue_fetch_start  (TciaCatalogueFetch  *fetch,
                                         TciaClient          *client,
                                         GCancellable        *cancellable);
/* Waits for both: the collections, or NULL and @error; the descriptions
 * (NULL from a v3 server) in @descriptions, or @descriptions_error. */
GListModel *tcia_catalogue_fetch_finish (TciaCatalogueFetch  *fetch,
                                         GListModel         **descriptions,
                                         GError             **descriptions_error,
                                         GError             **error);
/* Stops them when something else failed meanwhile, and waits for that. */
void        tcia_catalogue_fetch_drop   (TciaCatalogueFetch  *fetch);

G_END_DECLS

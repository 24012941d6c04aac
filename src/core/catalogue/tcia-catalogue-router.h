/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-catalogue.h"
#include "tcia-local-catalogue.h"

G_BEGIN_DECLS

/* The catalogue a browser asks: the local catalogue where it can answer,
 * the server (any TciaCatalogue, NBIA's client today) where it cannot yet.
 *
 *  - collections: the local catalogue's once it holds one listed
 *    collection (its first sync records every collection's patient count
 *    before listing any), else the server's;
 *  - facet values and series: the local catalogue's when the query names a
 *    collection it has listed whole, or names none (the whole archive, which
 *    only the local catalogue can search); else the server's;
 *  - descriptions and series details: the local catalogue's, the server's
 *    for what it lacks (and the local answer when the server fails, for a
 *    browser; a strict router fails instead, see below).
 *  - shared carts: the server's (the local catalogue has none).
 *
 * So Browse answers at once and offline for every collection synced, and
 * still browses a collection a first sync has not reached. */

#define TCIA_TYPE_CATALOGUE_ROUTER (tcia_catalogue_router_get_type ())

G_DECLARE_FINAL_TYPE (TciaCatalogueRouter, tcia_catalogue_router, TCIA, CATALOGUE_ROUTER, GObject)

TciaCatalogueRouter *tcia_catalogue_router_new        (TciaLocalCatalogue  *local,
                                                       TciaCatalogue       *remote);
TciaLocalCatalogue  *tcia_catalogue_router_get_local  (TciaCatalogueRouter *self);
TciaCatalogue       *tcia_catalogue_router_get_remote (TciaCatalogueRouter *self);
/* Whether a listing of @collection (NULL: the whole archive) is answered
 * by the local catalogue. */
gboolean             tcia_catalogue_router_is_local   (TciaCatalogueRouter *self,
                                                       const char          *collection);
/* Strict series details, for an import: when the local catalogue lacks
 * some of the series and the server cannot give them (it fails, or there
 * is none), the call fails with TCIA_CATALOGUE_DETAILS_ERROR_INCOMPLETE,
 * the series the local catalogue has in @into, instead of answering with
 * them alone.
 * A browser shows what it has; an import must say what it could not check. */
void                 tcia_catalogue_router_set_strict (TciaCatalogueRouter *self,
                                                       gboolean             strict);
gboolean             tcia_catalogue_router_get_strict (TciaCatalogueRouter *self);

G_END_DECLS

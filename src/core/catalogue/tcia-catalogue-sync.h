/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-client.h"
#include "tcia-local-catalogue.h"

G_BEGIN_DECLS

/* Fills and refreshes a TciaLocalCatalogue from NBIA, in a worker thread
 * with a connection of its own, one request at a time (TCIA's server is
 * shared and slow; the archive is never asked for in one request).
 *
 * A run:
 *  1. getCollectionValuesAndCounts (and getCollectionDescriptions on v4):
 *     collections the server no longer lists leave the catalogue;
 *  2. after a first complete run, getUpdatedSeries since the day before
 *     the last one started: new and re-released series are added or
 *     replace their rows;
 *  3. getSeries?Collection=X for each collection never listed whole, whose
 *     patient count changed, or listed longer ago than "relist-age" (so a
 *     series withdrawn without a change of count leaves within that time),
 *     each streamed in batches into one transaction that replaces the
 *     collection's rows: a collection is either as it was or listed whole.
 * An interrupted run (cancel, network failure, a killed process) leaves
 * every collection it finished; the next run lists only the others.
 *
 * Properties (notified on the main context of the thread that made the
 * sync, a few times a second at most):
 *   "running"             gboolean
 *   "collections-total"   guint, collections to list in this run
 *   "collections-done"    guint
 *   "series-done"         guint64, series stored in this run so far
 *   "current-collection"  string, the collection being listed, or NULL
 *   "relist-age"          guint64 seconds (read-write), default 7 days;
 *                         0 re-lists every collection
 *   "series-added"        guint64, series of this run that the catalogue
 *                         did not have before (for a "new series" notification)
 */

#define TCIA_TYPE_CATALOGUE_SYNC (tcia_catalogue_sync_get_type ())

G_DECLARE_FINAL_TYPE (TciaCatalogueSync, tcia_catalogue_sync, TCIA, CATALOGUE_SYNC, GObject)

TciaCatalogueSync *tcia_catalogue_sync_new                   (TciaLocalCatalogue  *catalogue,
                                                              TciaClient          *client);

gboolean           tcia_catalogue_sync_get_running           (TciaCatalogueSync   *self);
guint              tcia_catalogue_sync_get_collections_total (TciaCatalogueSync   *self);
guint              tcia_catalogue_sync_get_collections_done  (TciaCatalogueSync   *self);
guint64            tcia_catalogue_sync_get_series_done       (TciaCatalogueSync   *self);
guint64            tcia_catalogue_sync_get_series_added      (TciaCatalogueSync   *self);
/* (transfer full) */
char              *tcia_catalogue_sync_dup_current_collection (TciaCatalogueSync  *self);
guint64            tcia_catalogue_sync_get_relist_age        (TciaCatalogueSync   *self);
void               tcia_catalogue_sync_set_relist_age        (TciaCatalogueSync   *self,
                                                              guint64              seconds);

/* One run as above. Fails with TCIA_CATALOGUE_ERROR_BUSY when a run is
 * already going, G_IO_ERROR_CANCELLED, or the client's error (the
 * collections finished by then stay). */
void               tcia_catalogue_sync_run_async             (TciaCatalogueSync   *self,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean           tcia_catalogue_sync_run_finish            (TciaCatalogueSync   *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

G_END_DECLS

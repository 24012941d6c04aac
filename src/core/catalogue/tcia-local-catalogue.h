/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-catalogue.h"
#include "tcia-catalogue-db.h"
#include "tcia-query.h"

G_BEGIN_DECLS

/* The local catalogue: a mirror of NBIA's series metadata in an SQLite file
 * (by default g_get_user_cache_dir()/tcia-basket/catalogue.db), filled and
 * refreshed by TciaCatalogueSync, answering without the network.
 *
 * It implements TciaCatalogue, so a page can browse it exactly as it
 * browses TciaClient: collections with the server's patient counts, facet
 * values with patient counts under a TciaQuery (every filter of the query
 * applies but the facet's own, so a chosen modality does not hide the
 * others), series under a query in catalogue order (collection by
 * collection, each in the server's order), collection descriptions, and
 * series details (the same full TciaSeries records getSeries gives).
 * Each call runs in a worker thread on a connection of its own (WAL: reads
 * never wait for a sync's writes, and see its last committed collection).
 * Unlike TciaClient, rows reach @into all at once, when _finish is called
 * (the local answer takes milliseconds); a cancelled or failed call adds
 * nothing. Filters compare without regard to case, as NBIA's do.
 *
 * Opening checks the file (PRAGMA quick_check, that it is a catalogue,
 * its schema version); a damaged, foreign or old file is moved aside to
 * "<path>.damaged" or "<path>.old" and an empty catalogue made.
 *
 * Properties:
 *   "path"       the file (construct-only)
 *   "synced-at"  GDateTime (UTC) of the start of the last sync that
 *                completed, NULL before the first one; for "the catalogue is
 *                from <date>" banners
 *   "is-empty"   TRUE while no collection has been listed whole yet
 * Signal:
 *   ::changed    a sync committed rows (a collection, or the end of a
 *                sync): re-run what is shown. Emitted on the main context
 *                of the thread that made the catalogue. */

#define TCIA_TYPE_LOCAL_CATALOGUE (tcia_local_catalogue_get_type ())

G_DECLARE_FINAL_TYPE (TciaLocalCatalogue, tcia_local_catalogue, TCIA, LOCAL_CATALOGUE, GObject)

/* g_get_user_cache_dir()/tcia-basket/catalogue.db; tests set
 * XDG_CACHE_HOME, or give a path. */
char               *tcia_local_catalogue_default_path    (void);

/* Opens (creating, or rebuilding as above) the catalogue at @path (NULL:
 * the default path). Blocks for the check: a few hundred milliseconds on a
 * catalogue of the whole archive. */
TciaLocalCatalogue *tcia_local_catalogue_new             (const char          *path,
                                                          GError             **error);
/* The same, but only when the file exists and holds a listed collection:
 * otherwise NULL with TCIA_CATALOGUE_ERROR_EMPTY, and no file is made.
 * For offline use. */
TciaLocalCatalogue *tcia_local_catalogue_open_existing   (const char          *path,
                                                          GError             **error);

const char         *tcia_local_catalogue_get_path        (TciaLocalCatalogue  *self);
/* (transfer none) NULL before the first complete sync. */
GDateTime          *tcia_local_catalogue_get_synced_at   (TciaLocalCatalogue  *self);
gboolean            tcia_local_catalogue_get_is_empty    (TciaLocalCatalogue  *self);
/* Whether the rows of @collection are a complete listing (as of the last
 * ::changed), so that a browser can answer from here without the server. */
gboolean            tcia_local_catalogue_has_collection  (TciaLocalCatalogue  *self,
                                                          const char          *collection);
/* TRUE when opening found the file damaged, foreign or old and rebuilt it. */
gboolean            tcia_local_catalogue_was_rebuilt     (TciaLocalCatalogue  *self);

/* Search over the whole archive, for a search field: series matching every
 * word of @text and every filter of @query. A word is either the start of
 * a SeriesInstanceUID or StudyInstanceUID (digits and dots, with a dot), or
 * else each of its parts (letters and digits) starts a word of the series'
 * patient ID, collection, series or study description, modality, body
 * part, manufacturer, model or protocol ("brain t1", "TCGA-BP", "siemens
 * mr"). Case and accents do not matter. NULL or "" @text lists what @query
 * selects. At most @limit rows (0: all) in catalogue order into @into (or
 * a new store), and _finish gives the number of all matches in *@n_total
 * (a search of the whole archive answers in milliseconds: cancel the
 * previous one and start another at each keystroke). */
void                tcia_local_catalogue_search_async    (TciaLocalCatalogue  *self,
                                                          const char          *text,
                                                          const TciaQuery     *query,
                                                          guint                limit,
                                                          GListStore          *into,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GListModel         *tcia_local_catalogue_search_finish   (TciaLocalCatalogue  *self,
                                                          GAsyncResult        *result,
                                                          guint               *n_total,
                                                          GError             **error);

/* Past this many matches, a capped search stops counting. */
#define TCIA_LOCAL_CATALOGUE_COUNT_CAP 10000

/* As tcia_local_catalogue_search_async, for a search field at each
 * keystroke: it counts the matches up to TCIA_LOCAL_CATALOGUE_COUNT_CAP
 * only (counting every series a first letter matches in a million takes
 * longer than finding the rows). _finish gives the count in *@n_total, at
 * most the cap, and *@more TRUE when there are more matches than that: say
 * "more than 10,000", never the cap as the number. */
void                tcia_local_catalogue_search_capped_async  (TciaLocalCatalogue  *self,
                                                               const char          *text,
                                                               const TciaQuery     *query,
                                                               guint                limit,
                                                               GListStore          *into,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
GListModel         *tcia_local_catalogue_search_capped_finish (TciaLocalCatalogue  *self,
                                                               GAsyncResult        *result,
                                                               guint               *n_total,
                                                               gboolean            *more,
                                                               GError             **error);

/* "What is new" for a destination folder, from @dest_dir/metadata.csv
 * (the rows the download wrote) and the catalogue, in two groups:
 *  - added: series of the collections the folder holds that are not in it
 *    and were released (DateReleased) on a later day than the collection's
 *    first download into the folder;
 *  - changed: series in the folder whose DateReleased or
 *    MaxSubmissionTimestamp (v1: TimeStamp) is a later day than their row's
 *    "Download Timestamp", or whose ImageCount or FileSize (compared as
 *    metadata.csv writes it, "25.27 MB") differs from the row's.
 * Each group by collection name, then in catalogue order; the added first,
 * appended to @into (or a new store); _finish says in *@n_added how many
 * of the rows are added, the rest changed. Fails with
 * G_IO_ERROR_NOT_FOUND when @dest_dir has no metadata.csv. */
void                tcia_local_catalogue_list_new_async  (TciaLocalCatalogue  *self,
                                                          const char          *dest_dir,
                                                          GListStore          *into,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GListModel         *tcia_local_catalogue_list_new_finish (TciaLocalCatalogue  *self,
                                                          GAsyncResult        *result,
                                                          guint               *n_added,
                                                          GError             **error);

/* For TciaCatalogueSync: re-reads "synced-at" and "is-empty" and emits
 * ::changed (from any thread; delivered on the catalogue's context). */
void                tcia_local_catalogue_notify_changed  (TciaLocalCatalogue  *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-collection.h"
#include "tcia-query.h"
#include "tcia-series.h"
#include "tcia-value.h"

G_BEGIN_DECLS

/* One connection to the local catalogue's SQLite file, for one thread at a
 * time: the schema, its checks, and every statement the catalogue and its
 * sync run. Private to src/core/catalogue/.
 *
 * The file holds a normalised copy of NBIA's getSeries rows: collections,
 * patients, studies and series in four tables, the strings that repeat
 * (modality, manufacturer, licence, descriptions, ...) interned in a fifth,
 * UIDs packed four bits a character, and a contentless FTS5 index of their
 * words and facets (filled before each commit, emptied by a trigger). Per
 * collection it records the patient count the server gave
 * and whether its rows are a complete listing, which is what lets an
 * interrupted sync resume. */

#define TCIA_CATALOGUE_ERROR (tcia_catalogue_error_quark ())

typedef enum
{
  /* SQLite failed: the file cannot be opened, written, or is locked. */
  TCIA_CATALOGUE_ERROR_DATABASE,
  /* There is no catalogue yet (offline use before a first sync). */
  TCIA_CATALOGUE_ERROR_EMPTY,
  /* A sync is already running for this catalogue. */
  TCIA_CATALOGUE_ERROR_BUSY,
} TciaCatalogueError;

GQuark tcia_catalogue_error_quark (void);

/* The schema of this program; a file with another one is rebuilt. */
#define TCIA_CATALOGUE_SCHEMA_VERSION 6

typedef struct _TciaCatalogueDb TciaCatalogueDb;

/* What the catalogue knows of one collection. */
typedef struct
{
  char   *name;
  int     patient_count;   /* as the server last said; -1 unknown */
  int     listed_count;    /* patient count when its rows were last listed whole; -1 never */
  gint64  listed_at;       /* when (Unix time); 0 never */
} TciaCatalogueCollectionState;

void tcia_catalogue_collection_state_free (gpointer state);

/* Opens @path, creating it and its folder. With @check, a file that fails
 * PRAGMA quick_check, is not a catalogue, or has another schema version is
 * moved aside (to "<path>.damaged" or "<path>.old") and a new one made;
 * *@rebuilt tells. */
TciaCatalogueDb *tcia_catalogue_db_open            (const char        *path,
                                                    gboolean           check,
                                                    gboolean          *rebuilt,
                                                    GError           **error);
void             tcia_catalogue_db_free            (TciaCatalogueDb   *db);

/* ---- Writing (the sync) ---- */

/* The page cache of this connection, in KiB (SQLite's default is 2 MiB). */
void      tcia_catalogue_db_set_cache_size         (TciaCatalogueDb   *db,
                                                    guint              kib);

gboolean  tcia_catalogue_db_begin                  (TciaCatalogueDb   *db,
                                                    GError           **error);
gboolean  tcia_catalogue_db_commit                 (TciaCatalogueDb   *db,
                                                    GError           **error);
void      tcia_catalogue_db_rollback               (TciaCatalogueDb   *db);
/* Inserts @series, replacing the row with its UID if there is one
 * (*@replaced says). */
gboolean  tcia_catalogue_db_put_series             (TciaCatalogueDb   *db,
                                                    TciaSeries        *series,
                                                    gboolean          *replaced,
                                                    GError           **error);
/* A first fill: between these two the facet indexes are dropped (made
 * again after the rows, in one go) and writes are not synced to the disk.
 * The file says so meanwhile: should the system stop before the end, the
 * next open with a check rebuilds it rather than trust what reached the
 * disk. A process that stops (killed, crashed) leaves a sound file, which
 * a later fill takes up again. Outside a transaction. */
gboolean  tcia_catalogue_db_begin_fill             (TciaCatalogueDb   *db,
                                                    GError           **error);
gboolean  tcia_catalogue_db_end_fill               (TciaCatalogueDb   *db,
                                                    GError           **error);
/* Whether a first fill is under way (or was cut short in this boot). */
gboolean  tcia_catalogue_db_is_filling             (TciaCatalogueDb   *db);
/* Whether the last fill begun on @db started from no series and removed
 * none: then every study and patient it wrote has series, and a prune
 * (tcia_catalogue_db_prune) has nothing to do. */
gboolean  tcia_catalogue_db_fill_was_clean         (TciaCatalogueDb   *db);
/* Removes every series (patients, studies) of @collection; the collection
 * itself stays, marked as not listed. */
gboolean  tcia_catalogue_db_clear_collection       (TciaCatalogueDb   *db,
                                                    const char        *collection,
                                                    GError           **error);
/* Removes the collection and all its rows. */
gboolean  tcia_catalogue_db_delete_collection      (TciaCatalogueDb   *db,
                                                    const char        *collection,
                                                    GError           **error);
/* Records the server's patient count of @collection (adding it if new). */
gboolean  tcia_catalogue_db_set_patient_count      (TciaCatalogueDb   *db,
                                                    const char        *collection,
                                                    int                patient_count,
                                                    GError           **error);
/* Records that the rows of @collection are now a complete listing, taken
 * when the server said @patient_count patients. */
gboolean  tcia_catalogue_db_set_listed             (TciaCatalogueDb   *db,
                                                    const char        *collection,
                                                    int                patient_count,
                                                    gint64             listed_at,
                                                    GError           **error);
gboolean  tcia_catalogue_db_set_description        (TciaCatalogueDb   *db,
                                                    const char        *collection,
                                                    const char        *description,
                                                    const char        *description_uri,
                                                    GError           **error);
/* Rows of patients and studies no series refers to any more. */
gboolean  tcia_catalogue_db_prune                  (TciaCatalogueDb   *db,
                                                    GError           **error);
/* Merges the text index into one segment (after a sync added rows). */
gboolean  tcia_catalogue_db_optimize               (TciaCatalogueDb   *db,
                                                    GError           **error);
/* Gives the file's free pages back (outside a transaction). */
gboolean  tcia_catalogue_db_shrink                 (TciaCatalogueDb   *db,
                                                    GError           **error);
/* A GPtrArray of TciaCatalogueCollectionState, by name. */
GPtrArray *tcia_catalogue_db_get_collection_states (TciaCatalogueDb   *db,
                                                    GError           **error);
/* A small key-value table: "source" (the API URL), "synced-at" (ISO 8601
 * UTC of the start of the last complete sync). NULL when unset. */
char     *tcia_catalogue_db_get_meta               (TciaCatalogueDb   *db,
                                                    const char        *key);
gboolean  tcia_catalogue_db_set_meta               (TciaCatalogueDb   *db,
                                                    const char        *key,
                                                    const char        *value,
                                                    GError           **error);
/* Empties every table (a different server). */
gboolean  tcia_catalogue_db_clear_all              (TciaCatalogueDb   *db,
                                                    GError           **error);

/* ---- Reading ---- */

GPtrArray *tcia_catalogue_db_list_collections      (TciaCatalogueDb   *db,
                                                    gboolean           with_descriptions,
                                                    const char        *only,
                                                    GError           **error);
/* Values of @kind with patient counts, under every filter of @query but
 * the one of @kind itself. */
GPtrArray *tcia_catalogue_db_list_values           (TciaCatalogueDb   *db,
                                                    TciaValueKind      kind,
                                                    const TciaQuery   *query,
                                                    GError           **error);
/* Series under @query, and when @text is not NULL or empty, matching every
 * word of it (see tcia-local-catalogue.h), in catalogue order; at most
 * @limit (0: all). *@n_total (when not NULL) gets the number of all matches,
 * or when @count_cap is not 0 and there are more than @count_cap of them,
 * @count_cap + 1 (counting stops there). */
GPtrArray *tcia_catalogue_db_find_series           (TciaCatalogueDb   *db,
                                                    const TciaQuery   *query,
                                                    const char        *text,
                                                    guint              limit,
                                                    guint              count_cap,
                                                    guint             *n_total,
                                                    GCancellable      *cancellable,
                                                    GError           **error);
GPtrArray *tcia_catalogue_db_get_series            (TciaCatalogueDb   *db,
                                                    const char * const *uids,
                                                    GError           **error);
/* The set of the series UIDs of @collection. */
GHashTable *tcia_catalogue_db_get_collection_uids  (TciaCatalogueDb   *db,
                                                    const char        *collection,
                                                    GError           **error);
guint64    tcia_catalogue_db_count_series          (TciaCatalogueDb   *db);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaCatalogueDb, tcia_catalogue_db_free)

G_END_DECLS

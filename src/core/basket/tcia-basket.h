/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-basket-licence.h"
#include "tcia-manifest.h"
#include "tcia-series.h"

G_BEGIN_DECLS

/* The basket: the series a person means to download, in the order they were
 * added, each once. A GListModel of TciaSeries with totals and licences,
 * saved to a file after every change and restored at start. */

#define TCIA_BASKET_ERROR (tcia_basket_error_quark ())

typedef enum
{
  /* The basket file was not a basket this program can read (garbage,
   * truncated, another version). It was moved aside (the message names the
   * copy) and the basket starts empty. */
  TCIA_BASKET_ERROR_CORRUPT,
  /* Some entries of the basket file had no series UID and were skipped; the
   * rest is in the basket and the original file was copied aside (the
   * message says how many and names the copy). */
  TCIA_BASKET_ERROR_PARTIAL,
  /* The basket file could not be read or written. After a failed read the
   * basket is not saved, so that the file is never overwritten. */
  TCIA_BASKET_ERROR_IO,
} TciaBasketError;

typedef enum
{
  /* A `.tcia` manifest the NBIA Data Retriever accepts. */
  TCIA_BASKET_EXPORT_MANIFEST,
  /* CSV (RFC 4180, UTF-8, CRLF), one row a series, every property, headed by
   * the v4 column names (the properties' nicks). */
  TCIA_BASKET_EXPORT_CSV,
} TciaBasketExportFormat;

/* The basket file format version written and read. */
#define TCIA_BASKET_FILE_VERSION 1
/* A series' ZIP is about this share of its FileSize (tcia-api.md §4.3). */
#define TCIA_BASKET_DOWNLOAD_PERCENT 35

#define TCIA_TYPE_BASKET (tcia_basket_get_type ())
#define TCIA_TYPE_BASKET_REMOVAL (tcia_basket_removal_get_type ())

G_DECLARE_FINAL_TYPE (TciaBasket, tcia_basket, TCIA, BASKET, GObject)

/* What a remove or clear took out, with the positions, for undo. */
typedef struct _TciaBasketRemoval TciaBasketRemoval;

GQuark              tcia_basket_error_quark               (void);
GType               tcia_basket_removal_get_type          (void) G_GNUC_CONST;

/* $XDG_DATA_HOME/tcia-basket/basket.json */
GFile              *tcia_basket_get_default_file          (void);

/* @file NULL for a basket that lives in memory only. Nothing is read until
 * tcia_basket_load(). */
TciaBasket         *tcia_basket_new                       (GFile              *file);
GFile              *tcia_basket_get_file                  (TciaBasket         *self);

/* Replaces the contents with those of the file. A missing file is an empty
 * basket. See TciaBasketError for what else can happen; whatever it is, the
 * file's bytes are never lost. Rows are not re-saved by loading. */
gboolean            tcia_basket_load                      (TciaBasket         *self,
                                                           GError            **error);
/* Writes pending changes now (they are otherwise written ~100 ms after a
 * change, in a worker thread). For quitting and for tests. */
gboolean            tcia_basket_flush                     (TciaBasket         *self,
                                                           GError            **error);

/* Adds @series at the end unless its UID is already in. Returns whether it was added. */
gboolean            tcia_basket_add                       (TciaBasket         *self,
                                                           TciaSeries         *series);
/* Adds those not in yet, in order, with a single items-changed. Returns how many. */
guint               tcia_basket_add_many                  (TciaBasket         *self,
                                                           TciaSeries * const *series,
                                                           guint               n_series);
guint               tcia_basket_add_model                 (TciaBasket         *self,
                                                           GListModel         *series);
/* NULL when @series_uid is not in the basket. */
TciaBasketRemoval  *tcia_basket_remove                    (TciaBasket         *self,
                                                           const char         *series_uid);
/* @series_uids NULL-terminated; UIDs not in the basket are ignored. Never NULL. */
TciaBasketRemoval  *tcia_basket_remove_many               (TciaBasket         *self,
                                                           const char * const *series_uids);
TciaBasketRemoval  *tcia_basket_clear                     (TciaBasket         *self);
/* Undo: puts the series of @removal back at their old positions (as far as
 * the basket has changed since), skipping any that are back already.
 * Returns how many were put back. */
guint               tcia_basket_restore                   (TciaBasket         *self,
                                                           TciaBasketRemoval  *removal);

gboolean            tcia_basket_contains                  (TciaBasket         *self,
                                                           const char         *series_uid);
/* (transfer none) */
TciaSeries         *tcia_basket_lookup                    (TciaBasket         *self,
                                                           const char         *series_uid);
/* The series UIDs in basket order, NULL-terminated. */
char              **tcia_basket_dup_uids                  (TciaBasket         *self);

/* Properties of the same names. */
guint               tcia_basket_get_n_series              (TciaBasket         *self);
guint64             tcia_basket_get_n_images              (TciaBasket         *self);
/* The sum of FileSize: the size of the DICOM files once unpacked. */
guint64             tcia_basket_get_total_bytes           (TciaBasket         *self);
/* An estimate of the bytes to download (the ZIPs): TCIA_BASKET_DOWNLOAD_PERCENT
 * of total-bytes. Show it as an estimate. */
guint64             tcia_basket_get_estimated_download_bytes (TciaBasket      *self);
/* A GListModel of TciaBasketLicence, sorted by name, one per licence of the
 * series in the basket, with how many series have it. */
GListModel         *tcia_basket_get_licences              (TciaBasket         *self);
gboolean            tcia_basket_get_has_non_commercial    (TciaBasket         *self);

/* Export (tcia-basket-export.c). */
/* @options NULL for the defaults of tcia_manifest_options_init(). */
char               *tcia_basket_to_manifest               (TciaBasket          *self,
                                                           const TciaManifestOptions *options,
                                                           GError             **error);
char               *tcia_basket_to_csv                    (TciaBasket          *self);
/* Writes the basket to @file atomically (a temporary file renamed into place). */
gboolean            tcia_basket_export                    (TciaBasket          *self,
                                                           TciaBasketExportFormat format,
                                                           GFile               *file,
                                                           GCancellable        *cancellable,
                                                           GError             **error);
/* The same, formatting and writing in a worker thread. */
void                tcia_basket_export_async              (TciaBasket          *self,
                                                           TciaBasketExportFormat format,
                                                           GFile               *file,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean            tcia_basket_export_finish             (TciaBasket          *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

TciaBasketRemoval  *tcia_basket_removal_ref               (TciaBasketRemoval  *self);
void                tcia_basket_removal_unref             (TciaBasketRemoval  *self);
guint               tcia_basket_removal_get_n_series      (TciaBasketRemoval  *self);
/* (transfer none) The @index-th series removed, in basket order. */
TciaSeries         *tcia_basket_removal_get_series        (TciaBasketRemoval  *self,
                                                           guint               index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaBasketRemoval, tcia_basket_removal_unref)

G_END_DECLS

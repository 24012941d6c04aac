/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-collection.h"
#include "tcia-query.h"
#include "tcia-value.h"

G_BEGIN_DECLS

/* What Browse asks of a source of metadata (DESIGN.md, "The two
 * interfaces"): collections with counts, facet values with counts under a
 * query, series under a query, a collection's description and licences,
 * series' details. Listings are streamed into @into (a GListStore of the
 * record type) in batches while they arrive, on the caller's
 * thread-default main context; see tcia-client.h for the contract. NBIA is
 * the first implementation (TciaClient). */

#define TCIA_TYPE_CATALOGUE (tcia_catalogue_get_type ())
#define TCIA_CATALOGUE_DETAILS_ERROR (tcia_catalogue_details_error_quark ())

typedef enum
{
  /* Series details asked strictly (an import, tcia_catalogue_router_set_strict())
   * that nobody could look up: not in the local catalogue, and the server
   * failed or was not asked (offline). The series found are in @into; those
   * not there were not looked up, which is not "unknown to the archive".
   * The message says why, without naming a count. */
  TCIA_CATALOGUE_DETAILS_ERROR_INCOMPLETE,
} TciaCatalogueDetailsError;

G_DECLARE_INTERFACE (TciaCatalogue, tcia_catalogue, TCIA, CATALOGUE, GObject)

struct _TciaCatalogueInterface
{
  GTypeInterface parent_iface;

  void         (*list_collections_async)    (TciaCatalogue        *self,
                                             GListStore           *into,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
  GListModel  *(*list_collections_finish)   (TciaCatalogue        *self,
                                             GAsyncResult         *result,
                                             GError              **error);
  void         (*list_values_async)         (TciaCatalogue        *self,
                                             TciaValueKind         kind,
                                             const TciaQuery      *query,
                                             GListStore           *into,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
  GListModel  *(*list_values_finish)        (TciaCatalogue        *self,
                                             GAsyncResult         *result,
                                             GError              **error);
  void         (*list_series_async)         (TciaCatalogue        *self,
                                             const TciaQuery      *query,
                                             GListStore           *into,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
  GListModel  *(*list_series_finish)        (TciaCatalogue        *self,
                                             GAsyncResult         *result,
                                             GError              **error);
  void         (*describe_collections_async) (TciaCatalogue       *self,
                                             const char           *collection,
                                             GListStore           *into,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
  GListModel  *(*describe_collections_finish) (TciaCatalogue      *self,
                                             GAsyncResult         *result,
                                             GError              **error);
  void         (*get_series_details_async)  (TciaCatalogue        *self,
                                             const char * const   *series_uids,
                                             GListStore           *into,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
  GListModel  *(*get_series_details_finish) (TciaCatalogue        *self,
                                             GAsyncResult         *result,
                                             GError              **error);
  /* Optional: NULL when the source has no shared carts. */
  void         (*get_shared_cart_async)     (TciaCatalogue        *self,
                                             const char           *name_or_url,
                                             GListStore           *into,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
  GListModel  *(*get_shared_cart_finish)    (TciaCatalogue        *self,
                                             GAsyncResult         *result,
                                             GError              **error);
};

GQuark      tcia_catalogue_details_error_quark          (void);

/* TciaCollection records with patient counts. */
void        tcia_catalogue_list_collections_async       (TciaCatalogue        *self,
                                                         GListStore           *into,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
GListModel *tcia_catalogue_list_collections_finish      (TciaCatalogue        *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
/* TciaValue records of @kind with counts, narrowed by @query. */
void        tcia_catalogue_list_values_async            (TciaCatalogue        *self,
                                                         TciaValueKind         kind,
                                                         const TciaQuery      *query,
                                                         GListStore           *into,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
GListModel *tcia_catalogue_list_values_finish           (TciaCatalogue        *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
/* TciaSeries records under @query. */
void        tcia_catalogue_list_series_async            (TciaCatalogue        *self,
                                                         const TciaQuery      *query,
                                                         GListStore           *into,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
GListModel *tcia_catalogue_list_series_finish           (TciaCatalogue        *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
/* TciaCollection records with a description (@collection, or all when
 * NULL); a series' licence comes with its record (TciaSeries). */
void        tcia_catalogue_describe_collections_async   (TciaCatalogue        *self,
                                                         const char           *collection,
                                                         GListStore           *into,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
GListModel *tcia_catalogue_describe_collections_finish  (TciaCatalogue        *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
/* Full TciaSeries records (sizes, licence, dates) of @series_uids; unknown
 * UIDs are absent from the result. TCIA_CATALOGUE_DETAILS_ERROR_INCOMPLETE
 * (from a strict source only) leaves those found in @into. */
void        tcia_catalogue_get_series_details_async     (TciaCatalogue        *self,
                                                         const char * const   *series_uids,
                                                         GListStore           *into,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
GListModel *tcia_catalogue_get_series_details_finish    (TciaCatalogue        *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
/* The series (UIDs, maybe little else) of a cart a person shared on the
 * source's portal, by its name or the portal's link to it. A source
 * without shared carts answers G_IO_ERROR_NOT_SUPPORTED. */
void        tcia_catalogue_get_shared_cart_async        (TciaCatalogue        *self,
                                                         const char           *name_or_url,
                                                         GListStore           *into,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
GListModel *tcia_catalogue_get_shared_cart_finish       (TciaCatalogue        *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

G_END_DECLS

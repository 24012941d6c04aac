/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include "tcia-catalogue-impl.h"
#include "tcia-client.h"
#include "tcia-nbia-catalogue.h"

static void
list_collections_async (TciaCatalogue       *catalogue,
                        GListStore          *into,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  tcia_client_list_collections_async (TCIA_CLIENT (catalogue), TRUE, into, cancellable,
                                      callback, user_data);
}

static GListModel *
list_collections_finish (TciaCatalogue  *catalogue,
                         GAsyncResult   *result,
                         GError        **error)
{
  return tcia_client_list_collections_finish (TCIA_CLIENT (catalogue), result, error);
}

static void
list_values_async (TciaCatalogue       *catalogue,
                   TciaValueKind        kind,
                   const TciaQuery     *query,
                   GListStore          *into,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  tcia_client_list_values_async (TCIA_CLIENT (catalogue), kind, query, TRUE, into, cancellable,
                                 callback, user_data);
}

static GListModel *
list_values_finish (TciaCatalogue  *catalogue,
                    GAsyncResult   *result,
                    GError        **error)
{
  return tcia_client_list_values_finish (TCIA_CLIENT (catalogue), result, error);
}

static void
list_series_async (TciaCatalogue       *catalogue,
                   const TciaQuery     *query,
                   GListStore          *into,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  tcia_client_list_series_async (TCIA_CLIENT (catalogue), query, into, cancellable,
                                 callback, user_data);
}

static GListModel *
list_series_finish (TciaCatalogue  *catalogue,
                    GAsyncResult   *result,
                    GError        **error)
{
  return tcia_client_list_series_finish (TCIA_CLIENT (catalogue), result, error);
}

static void
describe_collections_async (TciaCatalogue       *catalogue,
                            const char          *collection,
                            GListStore          *into,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  tcia_client_list_descriptions_async (TCIA_CLIENT (catalogue), collection, into, cancellable,
                                       callback, user_data);
}

static GListModel *
describe_collections_finish (TciaCatalogue  *catalogue,
                             GAsyncResult   *result,
                             GError        **error)
{
  return tcia_client_list_descriptions_finish (TCIA_CLIENT (catalogue), result, error);
}

static void
get_series_details_async (TciaCatalogue       *catalogue,
                          const char * const  *series_uids,
                          GListStore          *into,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  tcia_client_get_series_metadata_async (TCIA_CLIENT (catalogue), series_uids, 0, into,
                                         cancellable, callback, user_data);
}

static GListModel *
get_series_details_finish (TciaCatalogue  *catalogue,
                           GAsyncResult   *result,
                           GError        **error)
{
  return tcia_client_get_series_metadata_finish (TCIA_CLIENT (catalogue), result, error);
}

static void
get_shared_cart_async (TciaCatalogue       *catalogue,
                       const char          *name_or_url,
                       GListStore          *into,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  tcia_client_get_shared_cart_async (TCIA_CLIENT (catalogue), name_or_url, into, cancellable,
                                     callback, user_data);
}

static GListModel *
get_shared_cart_finish (TciaCatalogue  *catalogue,
                        GAsyncResult   *result,
                        GError        **error)
{
  return tcia_client_get_shared_cart_finish (TCIA_CLIENT (catalogue), result, error);
}

void
tcia_nbia_catalogue_iface_init (TciaCatalogueInterface *iface)
{
  TCIA_CATALOGUE_IFACE_SET_METHODS (iface);
  iface->get_shared_cart_async = get_shared_cart_async;
  iface->get_shared_cart_finish = get_shared_cart_finish;
}

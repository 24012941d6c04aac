/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "tcia-catalogue.h"

G_DEFINE_INTERFACE (TciaCatalogue, tcia_catalogue, G_TYPE_OBJECT)

static void
tcia_catalogue_default_init (TciaCatalogueInterface *iface)
{
}

void
tcia_catalogue_list_collections_async (TciaCatalogue       *self,
                                       GListStore          *into,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (TCIA_IS_CATALOGUE (self));

  TCIA_CATALOGUE_GET_IFACE (self)->list_collections_async (self, into, cancellable, callback,
                                                           user_data);
}

GListModel *
tcia_catalogue_list_collections_finish (TciaCatalogue  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  g_return_val_if_fail (TCIA_IS_CATALOGUE (self), NULL);

  return TCIA_CATALOGUE_GET_IFACE (self)->list_collections_finish (self, result, error);
}

void
tcia_catalogue_list_values_async (TciaCatalogue       *self,
                                  TciaValueKind        kind,
                                  const TciaQuery     *query,
                                  GListStore          *into,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (TCIA_IS_CATALOGUE (self));

  TCIA_CATALOGUE_GET_IFACE (self)->list_values_async (self, kind, query, into, cancellable,
                                                      callback, user_data);
}

GListModel *
tcia_catalogue_list_values_finish (TciaCatalogue  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (TCIA_IS_CATALOGUE (self), NULL);

  return TCIA_CATALOGUE_GET_IFACE (self)->list_values_finish (self, result, error);
}

void
tcia_catalogue_list_series_async (TciaCatalogue       *self,
                                  const TciaQuery     *query,
                                  GListStore          *into,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (TCIA_IS_CATALOGUE (self));

  TCIA_CATALOGUE_GET_IFACE (self)->list_series_async (self, query, into, cancellable, callback,
                                                      user_data);
}

GListModel *
tcia_catalogue_list_series_finish (TciaCatalogue  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (TCIA_IS_CATALOGUE (self), NULL);

  return TCIA_CATALOGUE_GET_IFACE (self)->list_series_finish (self, result, error);
}

void
tcia_catalogue_describe_collections_async (TciaCatalogue       *self,
                                           const char          *collection,
                                           GListStore          *into,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (TCIA_IS_CATALOGUE (self));

  TCIA_CATALOGUE_GET_IFACE (self)->describe_collections_async (self, collection, into, cancellable,
                                                               callback, user_data);
}

GListModel *
tcia_catalogue_describe_collections_finish (TciaCatalogue  *self,
                                            GAsyncResult   *result,
                                            GError        **error)
{
  g_return_val_if_fail (TCIA_IS_CATALOGUE (self), NULL);

  return TCIA_CATALOGUE_GET_IFACE (self)->describe_collections_finish (self, result, error);
}

void
tcia_catalogue_get_series_details_async (TciaCatalogue       *self,
                                         const char * const  *series_uids,
                                         GListStore          *into,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (TCIA_IS_CATALOGUE (self));

  TCIA_CATALOGUE_GET_IFACE (self)->get_series_details_async (self, series_uids, into, cancellable,
                                                             callback, user_data);
}

GListModel *
tcia_catalogue_get_series_details_finish (TciaCatalogue  *self,
                                          GAsyncResult   *result,
                                          GError        **error)
{
  g_return_val_if_fail (TCIA_IS_CATALOGUE (self), NULL);

  return TCIA_CATALOGUE_GET_IFACE (self)->get_series_details_finish (self, result, error);
}

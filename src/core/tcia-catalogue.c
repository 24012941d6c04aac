/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tcia-catalogue.h"

G_DEFINE_INTERFACE (TciaCatalogue, tcia_catalogue, G_TYPE_OBJECT)
G_DEFINE_QUARK (tcia-catalogue-details-error-quark, tcia_catalogue_details_error)

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

void
tcia_catalogue_get_shared_cart_async (TciaCatalogue       *self,
                                      const char          *name_or_url,
                                      GListStore          *into,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  TciaCatalogueInterface *iface;

  g_return_if_fail (TCIA_IS_CATALOGUE (self));
  g_return_if_fail (name_or_url != NULL);

  iface = TCIA_CATALOGUE_GET_IFACE (self);
  if (iface->get_shared_cart_async == NULL)
    {
      g_task_report_new_error (self, callback, user_data, tcia_catalogue_get_shared_cart_async,
                               G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Shared carts can only be opened with a connection to the "
                                 "archive’s server"));
      return;
    }

  iface->get_shared_cart_async (self, name_or_url, into, cancellable, callback, user_data);
}

GListModel *
tcia_catalogue_get_shared_cart_finish (TciaCatalogue  *self,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  g_return_val_if_fail (TCIA_IS_CATALOGUE (self), NULL);

  if (g_async_result_is_tagged (result, tcia_catalogue_get_shared_cart_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  return TCIA_CATALOGUE_GET_IFACE (self)->get_shared_cart_finish (self, result, error);
}

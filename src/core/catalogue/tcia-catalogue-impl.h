/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What every implementation of TciaCatalogue (the NBIA client, the local
 * catalogue, the router) writes the same way. */

#include "tcia-catalogue.h"

G_BEGIN_DECLS

/* Defines the static method##_finish of an implementation as
 * FINISH (catalogue, result, method##_async, error): the implementation's
 * one way of ending a task, checked against the _async that started it. */
#define TCIA_CATALOGUE_DEFINE_FINISH(method, FINISH)                           \
  static GListModel *                                                          \
  method##_finish (TciaCatalogue  *catalogue,                                  \
                   GAsyncResult   *result,                                     \
                   GError        **error)                                      \
  {                                                                            \
    return FINISH (catalogue, result, method##_async, error);                  \
  }

/* Fills @iface with the implementation's static functions, each named as
 * the method it implements. */
#define TCIA_CATALOGUE_IFACE_SET_METHODS(iface)                                \
  G_STMT_START {                                                               \
    (iface)->list_collections_async = list_collections_async;                  \
    (iface)->list_collections_finish = list_collections_finish;                \
    (iface)->list_values_async = list_values_async;                            \
    (iface)->list_values_finish = list_values_finish;                          \
    (iface)->list_series_async = list_series_async;                            \
    (iface)->list_series_finish = list_series_finish;                          \
    (iface)->describe_collections_async = describe_collections_async;          \
    (iface)->describe_collections_finish = describe_collections_finish;        \
    (iface)->get_series_details_async = get_series_details_async;              \
    (iface)->get_series_details_finish = get_series_details_finish;            \
  } G_STMT_END

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-catalogue.h"

G_BEGIN_DECLS

/* Defines the static method##_finish of a TciaCatalogue implementation as
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

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "tcia-fetcher.h"

G_DEFINE_INTERFACE (TciaFetcher, tcia_fetcher, G_TYPE_OBJECT)

static void
tcia_fetcher_default_init (TciaFetcherInterface *iface)
{
}

const char *
tcia_fetcher_get_name (TciaFetcher *self)
{
  g_return_val_if_fail (TCIA_IS_FETCHER (self), NULL);

  return TCIA_FETCHER_GET_IFACE (self)->get_name (self);
}

gboolean
tcia_fetcher_can_fetch (TciaFetcher *self,
                        TciaSeries  *series,
                        guint64     *size)
{
  g_return_val_if_fail (TCIA_IS_FETCHER (self), FALSE);
  g_return_val_if_fail (TCIA_IS_SERIES (series), FALSE);

  guint64 local_size = 0;
  gboolean can;

  /* Implementations may always write the size. */
  can = TCIA_FETCHER_GET_IFACE (self)->can_fetch (self, series, &local_size);
  if (size != NULL)
    *size = can ? local_size : 0;
  return can;
}

gboolean
tcia_fetcher_fetch (TciaFetcher       *self,
                    TciaSeries        *series,
                    TciaSeriesWriter  *writer,
                    SoupSession       *session,
                    TciaHttpFailure   *failure,
                    GCancellable      *cancellable,
                    GError           **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (TCIA_IS_FETCHER (self), FALSE);
  g_return_val_if_fail (TCIA_IS_SERIES (series), FALSE);
  g_return_val_if_fail (writer != NULL && failure != NULL, FALSE);

  if (!TCIA_FETCHER_GET_IFACE (self)->fetch (self, series, writer, session, failure,
                                             cancellable, &local_error))
    {
      /* A fetcher that fails must say why: the worker decides on it. */
      if (local_error == NULL)
        local_error = g_error_new (TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE,
                                   "%s failed without saying why", tcia_fetcher_get_name (self));
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

gboolean
tcia_fetcher_prepare (TciaFetcher   *self,
                      GPtrArray     *series,
                      SoupSession   *session,
                      GCancellable  *cancellable,
                      GError       **error)
{
  TciaFetcherInterface *iface;

  g_return_val_if_fail (TCIA_IS_FETCHER (self), FALSE);
  g_return_val_if_fail (series != NULL, FALSE);

  iface = TCIA_FETCHER_GET_IFACE (self);
  if (iface->prepare == NULL || series->len == 0)
    return TRUE;
  return iface->prepare (self, series, session, cancellable, error);
}

guint
tcia_fetcher_get_image_count (TciaFetcher *self,
                              TciaSeries  *series)
{
  TciaFetcherInterface *iface;

  g_return_val_if_fail (TCIA_IS_FETCHER (self), 0);
  g_return_val_if_fail (TCIA_IS_SERIES (series), 0);

  iface = TCIA_FETCHER_GET_IFACE (self);
  if (iface->get_image_count == NULL)
    return tcia_series_get_image_count (series);
  return iface->get_image_count (self, series);
}

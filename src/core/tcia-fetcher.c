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

  if (size != NULL)
    *size = 0;
  return TCIA_FETCHER_GET_IFACE (self)->can_fetch (self, series, size);
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

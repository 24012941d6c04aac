/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "tcia-http.h"
#include "tcia-series.h"
#include "tcia-series-writer.h"

G_BEGIN_DECLS

/* What a download job asks of a source (DESIGN.md, "The two interfaces"):
 * whether it can serve a series and how big it is, and, in a worker
 * thread, one attempt at fetching the series into a series writer. The
 * queue's worker owns the retries, the ".part" folder's life and the move
 * into place; a fetcher only feeds the writer. NBIA is the first
 * implementation (TciaNbiaFetcher). */

#define TCIA_TYPE_FETCHER (tcia_fetcher_get_type ())

G_DECLARE_INTERFACE (TciaFetcher, tcia_fetcher, TCIA, FETCHER, GObject)

struct _TciaFetcherInterface
{
  GTypeInterface parent_iface;

  const char *(*get_name)  (TciaFetcher       *self);
  gboolean    (*can_fetch) (TciaFetcher       *self,
                            TciaSeries        *series,
                            guint64           *size);
  gboolean    (*fetch)     (TciaFetcher       *self,
                            TciaSeries        *series,
                            TciaSeriesWriter  *writer,
                            SoupSession       *session,
                            TciaHttpFailure   *failure,
                            GCancellable      *cancellable,
                            GError           **error);

  /* Optional. */
  gboolean    (*prepare)   (TciaFetcher       *self,
                            GPtrArray         *series,
                            SoupSession       *session,
                            GCancellable      *cancellable,
                            GError           **error);
  guint       (*get_image_count) (TciaFetcher *self,
                            TciaSeries        *series);
};

/* The source's name for a person ("NBIA"). */
const char *tcia_fetcher_get_name  (TciaFetcher       *self);
/* Whether the fetcher can serve @series, and its size in bytes (0 when
 * not known). Cheap: from what the record says, no request. */
gboolean    tcia_fetcher_can_fetch (TciaFetcher       *self,
                                    TciaSeries        *series,
                                    guint64           *size);
/* Blocking, in a worker thread with its own thread-default main context
 * that owns @session: one attempt at writing @series into @writer, whose
 * attempt has begun. On failure @failure says whether the server pushed
 * back and what Retry-After it sent; errors are TCIA_DOWNLOAD_ERROR
 * (transient ones per tcia_download_error_is_transient()) or
 * G_IO_ERROR_CANCELLED. */
gboolean    tcia_fetcher_fetch     (TciaFetcher       *self,
                                    TciaSeries        *series,
                                    TciaSeriesWriter  *writer,
                                    SoupSession       *session,
                                    TciaHttpFailure   *failure,
                                    GCancellable      *cancellable,
                                    GError           **error);

/* Blocking, in a worker thread (as fetch): learns which of @series (an
 * array of TciaSeries) the source has, so can_fetch can answer for them;
 * one request per batch where the source allows. A source that knows from
 * the record alone does not implement it (TRUE). On failure can_fetch
 * stays FALSE for them and @error says why (the source is unreachable). */
gboolean    tcia_fetcher_prepare   (TciaFetcher       *self,
                                    GPtrArray         *series,
                                    SoupSession       *session,
                                    GCancellable      *cancellable,
                                    GError           **error);
/* How many images the source will send for @series (its own count, which
 * may differ from another source's); by default the record's. 0: unknown. */
guint       tcia_fetcher_get_image_count (TciaFetcher *self,
                                    TciaSeries        *series);

G_END_DECLS

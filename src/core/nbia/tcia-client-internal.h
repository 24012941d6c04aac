/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What tcia-client.c (the client, its settings and listings) and
 * tcia-client-series.c (look-ups of given series: metadata, carts, sizes,
 * SOP instances, thumbnails, image URLs) share. */

#include "tcia-client.h"
#include "tcia-client-operation.h"
#include "tcia-retry.h"

G_BEGIN_DECLS

struct _TciaClient
{
  GObject          parent_instance;

  char            *api_url;
  char            *host;       /* "host:port", for messages */
  TciaApiVersion   version;
  TciaRetryPolicy  policy;
  SoupSession     *session;
  gsize            max_value_bytes;
  guint64          max_body_bytes;
  guint            deadline_s;
  guint            progress_window_ms;
  gsize            progress_min_bytes;
};

typedef struct
{
  const char *name;
  const char *value;
} Param;

#define CHECK_INTO(into, type)                                                          \
  g_return_if_fail ((into) == NULL ||                                                   \
                    (G_IS_LIST_STORE (into) &&                                          \
                     g_type_is_a ((type), g_list_model_get_item_type (G_LIST_MODEL (into)))))

/* The preconditions of a listing's _async. */
#define CHECK_LISTING(self, cancellable, into, type)                                   \
  G_STMT_START {                                                                        \
    g_return_if_fail (TCIA_IS_CLIENT (self));                                           \
    g_return_if_fail ((cancellable) == NULL || G_IS_CANCELLABLE (cancellable));         \
    CHECK_INTO (into, type);                                                            \
  } G_STMT_END

/* @base ends in '/'. Empty values are left out; values are percent-encoded
 * (a space is %20; '/', '&', '+' and non-ASCII are escaped too). */
char                *tcia_client_build_url     (const char           *base,
                                                const char           *endpoint,
                                                const Param          *params,
                                                guint                 n_params);
/* An operation with the client's settings (session, limits, sizes). */
TciaClientOperation *tcia_client_new_operation (TciaClient           *self,
                                                TciaClientResultKind  result_kind,
                                                GType                 record_type,
                                                GListStore           *into,
                                                GCancellable         *cancellable);
/* The common case: one GET of one endpoint; takes @url. */
void                 tcia_client_start_get     (TciaClient           *self,
                                                TciaClientResultKind  result_kind,
                                                GType                 record_type,
                                                GListStore           *into,
                                                char                 *url,
                                                const char           *endpoint,
                                                gpointer              source_tag,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);

G_END_DECLS

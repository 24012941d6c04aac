/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "tcia-client.h"
#include "tcia-http.h"

G_BEGIN_DECLS

/* One look-up of TciaClient, run in a GTask worker thread: its requests
 * sent through the HTTP layer, each body parsed as a stream into records
 * that reach the caller's main context in batches while it arrives. */

typedef enum
{
  TCIA_CLIENT_RESULT_RECORDS,
  TCIA_CLIENT_RESULT_SERIES_SIZE,
  TCIA_CLIENT_RESULT_SOP_UIDS,
  /* An image body, whole, as GBytes (tcia-client-image.c). */
  TCIA_CLIENT_RESULT_IMAGE,
} TciaClientResultKind;

/* What a look-up takes from its client when it starts. */
typedef struct
{
  SoupSession    *session;
  const char     *host;
  TciaHttpLimits  limits;
  gsize           max_value_bytes;
  guint64         max_body_bytes;
} TciaClientSettings;

typedef struct _TciaClientOperation TciaClientOperation;

TciaClientOperation *tcia_client_operation_new        (TciaClient                *client,
                                                        const TciaClientSettings  *settings,
                                                        TciaClientResultKind       result_kind,
                                                        GType                      record_type,
                                                        GListStore                *into,
                                                        GCancellable              *cancellable);
/* A TciaValue listing of @kind. */
void        tcia_client_operation_set_value_kind        (TciaClientOperation       *op,
                                                        int                        kind);
/* Takes @url and @form. */
void        tcia_client_operation_add_request          (TciaClientOperation       *op,
                                                        const char                *endpoint,
                                                        char                      *url,
                                                        GBytes                    *form);
/* Takes @op. */
void        tcia_client_operation_start                (TciaClientOperation       *op,
                                                        gpointer                   source_tag,
                                                        const char                *name,
                                                        GCancellable              *cancellable,
                                                        GAsyncReadyCallback        callback,
                                                        gpointer                   user_data);
GListModel *tcia_client_operation_listing_finish       (TciaClient                *client,
                                                        GAsyncResult              *result,
                                                        gpointer                   source_tag,
                                                        GError                   **error);
/* Runs every request of @op in the calling thread, handing each batch of
 * records to @func there; takes @op. */
gboolean    tcia_client_operation_run_batches          (TciaClientOperation       *op,
                                                        TciaClientBatchFunc        func,
                                                        gpointer                   user_data,
                                                        GCancellable              *cancellable,
                                                        GError                   **error);
/* The answer of a getSeriesSize look-up. */
void        tcia_client_operation_get_size             (TciaClientOperation       *op,
                                                        guint64                   *total_bytes,
                                                        guint                     *object_count);

/* Reads an image body (at most TCIA_CLIENT_IMAGE_MAX_BYTES) into @into
 * and closes @stream; @what names it for messages. */
TciaHttpBodyOutcome tcia_client_read_image_body       (GInputStream              *stream,
                                                        TciaHttpWatch             *watch,
                                                        GByteArray                *into,
                                                        const char                *what,
                                                        GCancellable              *cancellable,
                                                        GError                   **error);

/* tcia-client-report.c */
/* What a person asked for, in words ("the list of series" for getSeries). */
const char *tcia_client_describe_endpoint   (const char    *endpoint);
/* Turns a TCIA_HTTP_ERROR in @error into the TCIA_CLIENT_ERROR a caller
 * acts on; @host names the server in the hint for a wrong address. */
void        tcia_client_set_error_from_http (GError       **error,
                                             const char    *host);
void        tcia_client_set_web_page_error  (GError       **error,
                                             const char    *what);
/* Emits TciaClient::retrying (detailed by @record_type) in @context, unless
 * @cancellable is cancelled by then. */
void        tcia_client_post_retrying       (TciaClient    *client,
                                             GType          record_type,
                                             GCancellable  *cancellable,
                                             GMainContext  *context,
                                             guint          attempt,
                                             guint          max_attempts,
                                             guint          delay_ms,
                                             const char    *reason);

G_END_DECLS

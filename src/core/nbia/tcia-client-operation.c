/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "tcia-client-delivery.h"
#include "tcia-client-operation.h"
#include "tcia-collection.h"
#include "tcia-json-rows.h"
#include "tcia-nbia-fields.h"
#include "tcia-records-private.h"
#include "tcia-text.h"
#include "tcia-value.h"

/* Every request, small or large, takes one path: a GTask worker thread sends
 * it synchronously through the HTTP layer, reads the body in chunks into the
 * streaming JSON reader, turns rows into records there, and hands them to the
 * caller's main context in batches while the body is still arriving. The
 * response stream is read and released in the thread that sent it, as
 * libsoup requires. */

#define READ_CHUNK_SIZE        (64 * 1024)
#define BATCH_ROWS             2000
#define BATCH_INTERVAL_US      (50 * G_TIME_SPAN_MILLISECOND)
/* After each batch of rows, the caller's main loop gets this long for
 * whatever else is due, a frame above all (see post_batch()). */
#define POOL_BLOCK_SIZE        (16 * 1024)

typedef TciaClientOperation Operation;


typedef struct
{
  char       *endpoint;   /* for logs: "getSeries" */
  const char *what;       /* for messages: "the list of series" */
  char       *url;
  GBytes *form;       /* a form-encoded POST body, or NULL for GET */
} Request;


struct _TciaClientOperation
{
  /* Set up before the thread starts, then read-only. */
  SoupSession        *session;
  char               *host;
  TciaHttpLimits      limits;
  Request            *current;        /* the request running, in the worker */
  gsize               max_value_bytes;
  guint64             max_body_bytes;
  TciaClient         *client;         /* for its signals, emitted in `context` */
  GPtrArray          *requests;
  TciaClientResultKind          result_kind;
  GType               record_type;
  int                 value_kind;     /* -1 unless a TciaValue listing */
  Delivery           *delivery;       /* NULL without `into` */
  GMainContext       *context;        /* the task's */
  GCancellable       *cancellable;    /* the task's, while its thread runs */
  TciaClientBatchFunc batch_func;     /* or batches go to this, in the worker */
  gpointer            batch_data;
  GError             *batch_error;    /* what batch_func said when it failed */

  /* The worker's. */
  TciaRecordBuilder  *builder;
  GPtrArray          *records;        /* everything, when there is no delivery */
  guint               records_mark;
  guint               n_posted;       /* rows of the current attempt handed on */
  gint64              last_flush_us;
  GRand              *rand;
  guint64             total_bytes;
  guint               object_count;
  GPtrArray          *uids;
  guint               uids_mark;
  GByteArray         *image;          /* a TCIA_CLIENT_RESULT_IMAGE body */
};


static void
request_free (gpointer data)
{
  Request *request = data;

  g_free (request->endpoint);
  g_free (request->url);
  g_clear_pointer (&request->form, g_bytes_unref);
  g_free (request);
}

static void
operation_free (gpointer data)
{
  Operation *op = data;

  g_clear_object (&op->session);
  g_clear_object (&op->client);
  g_free (op->host);
  g_ptr_array_unref (op->requests);
  g_clear_pointer (&op->delivery, tcia_client_delivery_unref);
  g_clear_pointer (&op->context, g_main_context_unref);
  g_clear_pointer (&op->builder, tcia_record_builder_free);
  g_clear_pointer (&op->records, g_ptr_array_unref);
  g_clear_pointer (&op->rand, g_rand_free);
  g_clear_pointer (&op->uids, g_ptr_array_unref);
  g_clear_pointer (&op->image, g_byte_array_unref);
  g_clear_error (&op->batch_error);
  g_free (op);
}

static void
operation_flush (Operation *op)
{
  g_autoptr(GPtrArray) pending = NULL;
  guint n;

  op->last_flush_us = g_get_monotonic_time ();

  if (op->builder == NULL || tcia_record_builder_get_records (op->builder)->len == 0)
    return;

  pending = tcia_record_builder_steal_records (op->builder);
  n = pending->len;

  if (op->batch_func != NULL)
    {
      if (op->batch_error == NULL &&
          !op->batch_func (pending, FALSE, op->batch_data, &op->batch_error))
        g_assert (op->batch_error != NULL);
    }
  else if (op->delivery != NULL)
    tcia_client_delivery_post (op->delivery, op->context, g_steal_pointer (&pending), 0);
  else if (op->records == NULL)
    op->records = g_steal_pointer (&pending);
  else
    g_ptr_array_extend_and_steal (op->records, g_steal_pointer (&pending));

  op->n_posted += n;
}

static void
operation_maybe_flush (Operation *op)
{
  guint pending;

  /* Without `into` or a batch function, everything is handed over at the end. */
  if (op->builder == NULL || (op->delivery == NULL && op->batch_func == NULL))
    return;

  pending = tcia_record_builder_get_records (op->builder)->len;
  if (pending >= BATCH_ROWS ||
      (pending > 0 && g_get_monotonic_time () - op->last_flush_us >= BATCH_INTERVAL_US))
    operation_flush (op);
}

static void
operation_begin_attempt (Operation *op)
{
  op->n_posted = 0;
  op->records_mark = op->records != NULL ? op->records->len : 0;
  op->uids_mark = op->uids->len;
  op->last_flush_us = g_get_monotonic_time ();
}

/* Forgets every row of a failed attempt, including those already in `into`. */
static void
operation_discard_attempt (Operation *op)
{
  if (op->builder != NULL)
    g_ptr_array_set_size (tcia_record_builder_get_records (op->builder), 0);

  if (op->batch_func != NULL && op->n_posted > 0 && op->batch_error == NULL)
    op->batch_func (NULL, TRUE, op->batch_data, &op->batch_error);
  else if (op->delivery != NULL && op->n_posted > 0)
    tcia_client_delivery_post (op->delivery, op->context, NULL, op->n_posted);
  else if (op->records != NULL)
    g_ptr_array_set_size (op->records, op->records_mark);

  g_ptr_array_set_size (op->uids, op->uids_mark);
  g_byte_array_set_size (op->image, 0);
  op->total_bytes = 0;
  op->object_count = 0;
  op->n_posted = 0;
}

/* ---- Sinks for the non-record answers ------------------------------------ */

/* @names to their ids 0, 1… (stored as id + 1, as TciaJsonRows takes them), made
 * once into @table. */
static GHashTable *
field_ids (GHashTable         **table,
           const char * const  *names)
{
  if (g_once_init_enter (table))
    {
      GHashTable *ids = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; names[i] != NULL; i++)
        g_hash_table_insert (ids, (gpointer) names[i], GUINT_TO_POINTER (i + 1));
      g_once_init_leave (table, ids);
    }

  return *table;
}

static GHashTable *
size_keys (void)
{
  static GHashTable *keys;
  static const char * const names[] = { "TotalSizeInBytes", "ObjectCount", NULL };

  return field_ids (&keys, names);
}

static GHashTable *
sop_keys (void)
{
  static GHashTable *keys;
  static const char * const names[] = { "SOPInstanceUID", NULL };

  return field_ids (&keys, names);
}

static void
ignore_row_cb (gpointer user_data)
{
}

static void
size_field_cb (gpointer      user_data,
               guint         id,
               TciaJsonKind  kind,
               const char   *value,
               gsize         len)
{
  Operation *op = user_data;
  guint64 number = 0;

  if (kind == TCIA_JSON_BOOLEAN || !tcia_records_parse_uint64 (value, len, &number))
    number = 0;

  if (id == 0)
    op->total_bytes = number;
  else
    op->object_count = (guint) MIN (number, G_MAXUINT);
}

static void
sop_field_cb (gpointer      user_data,
              guint         id,
              TciaJsonKind  kind,
              const char   *value,
              gsize         len)
{
  Operation *op = user_data;

  if (len > 0)
    g_ptr_array_add (op->uids, g_utf8_make_valid (value, (gssize) len));
}

static const TciaJsonRowsSink size_sink = { ignore_row_cb, size_field_cb, ignore_row_cb };
static const TciaJsonRowsSink sop_sink = { ignore_row_cb, sop_field_cb, ignore_row_cb };


static void
post_retrying (guint       attempt,
               guint       max_attempts,
               guint       delay_ms,
               const char *reason,
               gpointer    user_data)
{
  Operation *op = user_data;

  tcia_client_post_retrying (op->client, op->record_type, op->cancellable, op->context,
                             attempt, max_attempts, delay_ms, reason);
}

static TciaHttpBodyOutcome
read_body (SoupMessage   *message,
           GInputStream  *stream,
           TciaHttpWatch *watch,
           gpointer       user_data,
           GCancellable  *cancellable,
           GError       **error)
{
  Operation *op = user_data;
  Request *request = op->current;
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(TciaJsonRows) rows = NULL;
  g_autofree char *buffer = NULL;
  g_autoptr(GError) local_error = NULL;
  guint64 body_bytes = 0;
  gboolean parsed;

  if (content_type != NULL && g_ascii_strcasecmp (content_type, "text/html") == 0)
    {
      tcia_client_set_web_page_error (error, request->what);
      g_input_stream_close (stream, NULL, NULL);
      return TCIA_HTTP_BODY_FATAL;
    }
  if (op->result_kind == TCIA_CLIENT_RESULT_IMAGE)
    return tcia_client_read_image_body (stream, watch, op->image, request->what,
                                        cancellable, error);

  switch (op->result_kind)
    {
    case TCIA_CLIENT_RESULT_RECORDS:
      rows = tcia_json_rows_new (tcia_record_builder_get_keys (op->builder),
                                 tcia_record_builder_get_sink (), op->builder);
      break;
    case TCIA_CLIENT_RESULT_SERIES_SIZE:
      rows = tcia_json_rows_new (size_keys (), &size_sink, op);
      break;
    case TCIA_CLIENT_RESULT_SOP_UIDS:
      rows = tcia_json_rows_new (sop_keys (), &sop_sink, op);
      break;
    default:
      g_assert_not_reached ();
    }
  tcia_json_rows_set_max_value (rows, op->max_value_bytes);

  buffer = g_malloc (READ_CHUNK_SIZE);
  for (;;)
    {
      gssize n = g_input_stream_read (stream, buffer, READ_CHUNK_SIZE, cancellable, &local_error);

      if (n < 0)
        {
          gboolean transient = tcia_http_error_is_transient (local_error);

          g_propagate_error (error, g_steal_pointer (&local_error));
          return transient ? TCIA_HTTP_BODY_RETRY : TCIA_HTTP_BODY_FATAL;
        }
      if (n == 0)
        break;

      body_bytes += (guint64) n;
      tcia_http_watch_body_bytes (watch, (gsize) n);
      if (body_bytes > op->max_body_bytes)
        {
          g_autofree char *size = g_format_size_full (op->max_body_bytes,
                                                      G_FORMAT_SIZE_IEC_UNITS);

          g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE,
                       _("The server sent more than %s with %s; "
                         "no listing is that large."),
                       size, request->what);
          g_input_stream_close (stream, NULL, NULL);
          return TCIA_HTTP_BODY_FATAL;
        }

      if (!tcia_json_rows_feed (rows, buffer, (gsize) n, &local_error))
        break;

      operation_maybe_flush (op);
      if (op->batch_error != NULL)
        {
          /* The receiver failed (a full disk): no retry can help. */
          g_propagate_error (error, g_error_copy (op->batch_error));
          g_input_stream_close (stream, NULL, NULL);
          return TCIA_HTTP_BODY_FATAL;
        }
    }

  parsed = local_error == NULL && tcia_json_rows_finish (rows, &local_error);
  if (!parsed)
    {
      /* A body delimited by the end of the connection that stops in the
       * middle of the JSON was cut, not malformed. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) &&
          soup_message_headers_get_encoding (headers) == SOUP_ENCODING_EOF)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          g_input_stream_close (stream, NULL, NULL);
          return TCIA_HTTP_BODY_RETRY;
        }

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
        {
          g_autofree char *size = g_format_size_full (op->max_value_bytes,
                                                      G_FORMAT_SIZE_IEC_UNITS);

          g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE,
                       _("The server sent a value larger than %s in %s."),
                       size, request->what);
        }
      else if (tcia_json_rows_get_first_char (rows) == '<')
        tcia_client_set_web_page_error (error, request->what);
      else
        g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE,
                     _("The server sent malformed data for %s (%s)."),
                     request->what, local_error->message);
      g_input_stream_close (stream, NULL, NULL);
      return TCIA_HTTP_BODY_FATAL;
    }

  g_input_stream_close (stream, cancellable, NULL);

  return TCIA_HTTP_BODY_OK;
}


static void
begin_attempt_cb (gpointer user_data)
{
  operation_begin_attempt (user_data);
}

static void
discard_attempt_cb (gpointer user_data)
{
  operation_discard_attempt (user_data);
}

static const TciaHttpBodyFuncs body_funcs = {
  read_body,
  begin_attempt_cb,
  discard_attempt_cb,
  post_retrying,
};

/* One request, its retries and the waits between them, under one deadline. */
static gboolean
run_request (Operation    *op,
             Request      *request,
             GCancellable *cancellable,
             GError      **error)
{
  TciaHttpRequest http = { request->endpoint, op->host, request->url, request->form, NULL,
                           request->what };

  op->current = request;
  if (!tcia_http_run (op->session, &http, &op->limits, &body_funcs, op, op->rand,
                      cancellable, error))
    {
      tcia_client_set_error_from_http (error, op->host);
      return FALSE;
    }
  operation_flush (op);

  return TRUE;
}

/* Every request of @op in turn, in the calling thread. */
static gboolean
operation_run (Operation     *op,
               GCancellable  *cancellable,
               GError       **error)
{
  GMainContext *context = g_main_context_new ();
  GError *local_error = NULL;
  guint i;

  /* libsoup attaches its per-connection sources to the thread-default
   * context of the thread that uses the connection; a context of our own
   * keeps them off the caller's. */
  g_main_context_push_thread_default (context);

  op->cancellable = cancellable;
  op->rand = g_rand_new ();
  op->uids = g_ptr_array_new_with_free_func (g_free);
  op->image = g_byte_array_new ();
  if (op->result_kind == TCIA_CLIENT_RESULT_RECORDS)
    {
      op->builder = tcia_nbia_record_builder_new (op->record_type, POOL_BLOCK_SIZE);
      if (op->value_kind >= 0)
        tcia_record_builder_set_preset (op->builder, tcia_value_get_kind_field (), op->value_kind);
    }

  for (i = 0; i < op->requests->len && local_error == NULL; i++)
    {
      run_request (op, g_ptr_array_index (op->requests, i), cancellable, &local_error);
      if (local_error == NULL && op->batch_error != NULL)
        local_error = g_error_copy (op->batch_error);
    }
  op->current = NULL;

  g_main_context_pop_thread_default (context);
  /* Gone before the caller can start another request on the same
   * connections. */
  g_main_context_unref (context);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static void
operation_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Operation *op = task_data;
  g_autoptr(GError) error = NULL;

  operation_run (op, cancellable, &error);

  if (op->delivery != NULL)
    {
      tcia_client_delivery_wait_empty (op->delivery, cancellable);
      tcia_client_delivery_stop (op->delivery);
    }
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (op->result_kind)
    {
    case TCIA_CLIENT_RESULT_RECORDS:
      if (op->records == NULL)
        op->records = g_ptr_array_new_with_free_func (g_object_unref);
      g_task_return_pointer (task, g_steal_pointer (&op->records),
                             (GDestroyNotify) g_ptr_array_unref);
      break;

    case TCIA_CLIENT_RESULT_SERIES_SIZE:
      g_task_return_boolean (task, TRUE);
      break;

    case TCIA_CLIENT_RESULT_SOP_UIDS:
      g_ptr_array_add (op->uids, NULL);
      g_task_return_pointer (task, g_ptr_array_free (g_steal_pointer (&op->uids), FALSE),
                             (GDestroyNotify) g_strfreev);
      break;

    case TCIA_CLIENT_RESULT_IMAGE:
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&op->image)),
                             (GDestroyNotify) g_bytes_unref);
      break;

    default:
      g_assert_not_reached ();
    }
}

TciaClientOperation *
tcia_client_operation_new (TciaClient               *client,
                           const TciaClientSettings *settings,
                           TciaClientResultKind      result_kind,
                           GType                     record_type,
                           GListStore               *into,
                           GCancellable             *cancellable)
{
  Operation *op = g_new0 (Operation, 1);

  op->session = g_object_ref (settings->session);
  op->host = g_strdup (settings->host);
  op->limits = settings->limits;
  op->max_value_bytes = settings->max_value_bytes;
  op->max_body_bytes = settings->max_body_bytes;
  op->client = g_object_ref (client);
  op->requests = g_ptr_array_new_with_free_func (request_free);
  op->result_kind = result_kind;
  op->record_type = record_type;
  op->value_kind = -1;
  if (into != NULL)
    op->delivery = tcia_client_delivery_new (into, cancellable);

  return op;
}

void
tcia_client_operation_set_value_kind (TciaClientOperation *op,
                                      int                  kind)
{
  op->value_kind = kind;
}

void
tcia_client_operation_add_request (TciaClientOperation *op,
                                   const char          *endpoint,
                                   char                *url,
                                   GBytes              *form)
{
  Request *request = g_new0 (Request, 1);

  request->endpoint = g_strdup (endpoint);
  request->what = tcia_client_describe_endpoint (endpoint);
  request->url = url;
  request->form = form;
  g_ptr_array_add (op->requests, request);
}

void
tcia_client_operation_get_size (TciaClientOperation *op,
                                guint64             *total_bytes,
                                guint               *object_count)
{
  if (total_bytes != NULL)
    *total_bytes = op->total_bytes;
  if (object_count != NULL)
    *object_count = op->object_count;
}

void
tcia_client_operation_start (TciaClientOperation *op,
                             gpointer             source_tag,
                             const char          *name,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (op->client, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, name);
  op->context = g_main_context_ref (g_task_get_context (task));
  g_task_set_task_data (task, op, operation_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, operation_thread);
}

GListModel *
tcia_client_operation_listing_finish (TciaClient    *self,
                                      GAsyncResult  *result,
                                      gpointer       source_tag,
                                      GError       **error)
{
  g_autoptr(GPtrArray) records = NULL;
  GListStore *store;
  Operation *op;

  g_return_val_if_fail (TCIA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  op = g_task_get_task_data (G_TASK (result));
  records = g_task_propagate_pointer (G_TASK (result), error);

  if (records == NULL)
    {
      /* Failed or cancelled: take back the rows this request delivered. */
      if (op != NULL && op->delivery != NULL)
        tcia_client_delivery_close (op->delivery, TRUE);
      return NULL;
    }

  if (op->delivery != NULL)
    {
      tcia_client_delivery_close (op->delivery, FALSE);
      return G_LIST_MODEL (g_object_ref (op->delivery->into));
    }

  store = g_list_store_new (op->record_type);
  g_list_store_splice (store, 0, 0, records->pdata, records->len);

  return G_LIST_MODEL (store);
}


gboolean
tcia_client_operation_run_batches (TciaClientOperation  *op,
                                   TciaClientBatchFunc   func,
                                   gpointer              user_data,
                                   GCancellable         *cancellable,
                                   GError              **error)
{
  gboolean ok;

  g_assert (op->delivery == NULL);
  op->batch_func = func;
  op->batch_data = user_data;
  ok = operation_run (op, cancellable, error);
  operation_free (op);

  return ok;
}

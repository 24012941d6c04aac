/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "tcia-client.h"
#include "tcia-client-private.h"
#include "tcia-collection.h"
#include "tcia-json-rows.h"
#include "tcia-patient.h"
#include "tcia-records-private.h"
#include "tcia-retry.h"
#include "tcia-series.h"
#include "tcia-study.h"
#include "tcia-text.h"
#include "tcia-value.h"

/* Every request, small or large, takes one path: a GTask worker thread sends
 * it synchronously on the client's session, reads the body in chunks into the
 * streaming JSON reader, turns rows into records there, and hands them to the
 * caller's main context in batches while the body is still arriving. The
 * response stream is read and released in the thread that sent it, as
 * libsoup requires. */

#define READ_CHUNK_SIZE        (64 * 1024)
#define BATCH_ROWS             2000
#define BATCH_INTERVAL_US      (50 * G_TIME_SPAN_MILLISECOND)
/* After each batch of rows, the caller's main loop gets this long for
 * whatever else is due, a frame above all (see post_batch()). */
#define DELIVERY_YIELD_US      (2 * G_TIME_SPAN_MILLISECOND)
#define POOL_BLOCK_SIZE        (16 * 1024)
#define ERROR_BODY_MAX_BYTES   4096
#define ERROR_TEXT_MAX_CHARS   300
#define DEFAULT_METADATA_CHUNK 1000
#define IO_TIMEOUT_S           60
#define IDLE_TIMEOUT_S         60
/* One look-up, retries and waits included, gives up after this long; a
 * Retry-After that would take it past is not waited for. */
#define DEFAULT_DEADLINE_S     (5 * 60)
/* A body that delivers less than this in one window is given up on: a
 * server trickling a listing would otherwise hold the look-up until the
 * deadline. */
#define PROGRESS_WINDOW_MS     (60 * 1000)
#define PROGRESS_MIN_BYTES     1024
/* Browsing runs a few listings at once (filters and series); libsoup's
 * default of 2 would queue them behind a long one. */
#define MAX_CONNS_PER_HOST     4
/* The largest listing expected is about 270 MB (300,000 series); a body
 * much larger than that is a server gone wrong, not data. */
#define MAX_BODY_BYTES         ((guint64) 1024 * 1024 * 1024)
/* libsoup 3.2 has no name for it. */
#define STATUS_TOO_MANY_REQUESTS 429

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

G_DEFINE_FINAL_TYPE (TciaClient, tcia_client, G_TYPE_OBJECT)

enum {
  SIGNAL_RETRYING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_API_URL,
  PROP_API_VERSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_QUARK (tcia-client-error-quark, tcia_client_error)

/* ---- Operations ------------------------------------------------------------ */

typedef enum
{
  RESULT_RECORDS,
  RESULT_SERIES_SIZE,
  RESULT_SOP_UIDS,
} ResultKind;

typedef struct
{
  char   *endpoint;   /* for messages: "getSeries" */
  char   *url;
  GBytes *form;       /* a form-encoded POST body, or NULL for GET */
} Request;

/* The caller's side of a listing with `into`. Which rows of `into` are
 * ours: [start, start + n_items); those fields are touched only in the
 * caller's main context. The worker queues batches under the mutex; one
 * source takes one batch per main-loop iteration, so that a backlog of
 * batches never becomes one long iteration. */
typedef struct
{
  gatomicrefcount  ref_count;
  GListStore      *into;
  GCancellable    *cancellable;
  guint            start;
  guint            n_items;
  gboolean         started;
  gboolean         closed;

  GMutex           mutex;
  GCond            cond;          /* signalled when the queue runs empty */
  GQueue           queue;         /* of Batch, oldest first */
  gboolean         scheduled;     /* the source will take the queue */
  GSource         *source;        /* attached to the caller's context at the first batch */
} Delivery;

typedef enum
{
  STOP_NONE,
  STOP_DEADLINE,
  STOP_SLOW_BODY,
} StopReason;

/* Watches one look-up from a thread of its own, since the worker sits in
 * blocking reads: past the deadline, or when the body of an attempt
 * delivers less than the minimum in a window, it cancels the attempt. */
typedef struct
{
  GMutex        mutex;
  GCond         cond;
  GThread      *thread;
  gboolean      quit;
  gint64        deadline_us;
  gint64        window_us;
  guint64       min_bytes;

  GCancellable *attempt;          /* of the attempt running, or NULL */
  gboolean      in_body;
  gint64        window_start_us;
  guint64       bytes;            /* of the body so far */
  guint64       window_mark;      /* `bytes` at the start of the window */
  StopReason    reason;
} Watchdog;

typedef struct
{
  /* Set up before the thread starts, then read-only. */
  SoupSession        *session;
  char               *host;
  TciaRetryPolicy     policy;
  gsize               max_value_bytes;
  guint64             max_body_bytes;
  guint               deadline_s;
  guint               progress_window_ms;
  gsize               progress_min_bytes;
  TciaClient         *client;         /* for its signals, emitted in `context` */
  GPtrArray          *requests;
  ResultKind          result_kind;
  GType               record_type;
  int                 value_kind;     /* -1 unless a TciaValue listing */
  Delivery           *delivery;       /* NULL without `into` */
  GMainContext       *context;        /* the task's */
  Watchdog           *watchdog;       /* of the request running */

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
} Operation;

typedef struct
{
  GPtrArray *items;        /* NULL for a pure removal */
  guint      remove_last;  /* rows of ours to remove from the end first */
} Batch;

/* Why an attempt failed in a way worth retrying. */
typedef struct
{
  guint     status;        /* 429, 5xx; 0 for a transport failure */
  char     *retry_after;
  GError   *network;       /* the transport failure */
  gboolean  in_body;       /* the connection broke while reading the body */
} Failure;

typedef enum
{
  OUTCOME_OK,
  OUTCOME_RETRY,
  OUTCOME_FATAL,
} Outcome;

static void
request_free (gpointer data)
{
  Request *request = data;

  g_free (request->endpoint);
  g_free (request->url);
  g_clear_pointer (&request->form, g_bytes_unref);
  g_free (request);
}

static void batch_free (gpointer data);

static Delivery *
delivery_new (GListStore   *into,
              GCancellable *cancellable)
{
  Delivery *delivery = g_new0 (Delivery, 1);

  g_atomic_ref_count_init (&delivery->ref_count);
  g_mutex_init (&delivery->mutex);
  g_cond_init (&delivery->cond);
  g_queue_init (&delivery->queue);
  delivery->into = g_object_ref (into);
  delivery->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;

  return delivery;
}

static Delivery *
delivery_ref (Delivery *delivery)
{
  g_atomic_ref_count_inc (&delivery->ref_count);

  return delivery;
}

static void
delivery_unref (Delivery *delivery)
{
  if (g_atomic_ref_count_dec (&delivery->ref_count))
    {
      g_queue_clear_full (&delivery->queue, batch_free);
      g_mutex_clear (&delivery->mutex);
      g_cond_clear (&delivery->cond);
      g_object_unref (delivery->into);
      g_clear_object (&delivery->cancellable);
      g_free (delivery);
    }
}

/* Keeps our range inside the store even if its owner changed it meanwhile. */
static void
delivery_clamp (Delivery *delivery)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (delivery->into));

  if (!delivery->started)
    {
      delivery->start = n;
      delivery->started = TRUE;
    }
  delivery->start = MIN (delivery->start, n);
  delivery->n_items = MIN (delivery->n_items, n - delivery->start);
}

static void
delivery_close (Delivery *delivery,
                gboolean  remove_rows)
{
  if (delivery->closed)
    return;

  delivery->closed = TRUE;
  if (remove_rows && delivery->started)
    {
      delivery_clamp (delivery);
      if (delivery->n_items > 0)
        g_list_store_splice (delivery->into, delivery->start, delivery->n_items, NULL, 0);
      delivery->n_items = 0;
    }
}

static void
batch_free (gpointer data)
{
  Batch *batch = data;

  g_clear_pointer (&batch->items, g_ptr_array_unref);
  g_free (batch);
}

static void
deliver_batch (Delivery *delivery,
               Batch    *batch)
{
  if (delivery->closed || g_cancellable_is_cancelled (delivery->cancellable))
    return;

  delivery_clamp (delivery);

  if (batch->remove_last > 0)
    {
      guint n = MIN (batch->remove_last, delivery->n_items);

      g_list_store_splice (delivery->into, delivery->start + delivery->n_items - n, n, NULL, 0);
      delivery->n_items -= n;
    }

  if (batch->items != NULL && batch->items->len > 0)
    {
      g_list_store_splice (delivery->into, delivery->start + delivery->n_items, 0,
                           batch->items->pdata, batch->items->len);
      delivery->n_items += batch->items->len;
    }
}

static gboolean
deliver_cb (gpointer data)
{
  Delivery *delivery = data;
  Batch *batch;

  g_mutex_lock (&delivery->mutex);
  batch = g_queue_pop_head (&delivery->queue);
  g_mutex_unlock (&delivery->mutex);

  if (batch != NULL)
    {
      deliver_batch (delivery, batch);
      batch_free (batch);
    }

  g_mutex_lock (&delivery->mutex);
  if (g_queue_is_empty (&delivery->queue))
    {
      delivery->scheduled = FALSE;
      if (delivery->source != NULL)
        g_source_set_ready_time (delivery->source, -1);
      g_cond_broadcast (&delivery->cond);
    }
  else if (delivery->source != NULL)
    {
      g_source_set_ready_time (delivery->source, g_get_monotonic_time () + DELIVERY_YIELD_US);
    }
  g_mutex_unlock (&delivery->mutex);

  return G_SOURCE_CONTINUE;
}

static gboolean
delivery_source_dispatch (GSource     *source,
                          GSourceFunc  callback,
                          gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs delivery_source_funcs = {
  .dispatch = delivery_source_dispatch,
};

/* Ends the source's hold on the delivery; rows not taken yet are dropped. */
static void
delivery_stop (Delivery *delivery)
{
  GSource *source;

  g_mutex_lock (&delivery->mutex);
  source = g_steal_pointer (&delivery->source);
  g_mutex_unlock (&delivery->mutex);

  if (source != NULL)
    {
      g_source_destroy (source);
      g_source_unref (source);
    }
}

/* The task's completion must come after the last row: the worker returns
 * only once the caller's context has taken every batch (or gave up). */
static void
delivery_wait_empty (Delivery     *delivery,
                     GCancellable *cancellable)
{
  g_mutex_lock (&delivery->mutex);
  while (delivery->scheduled && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait_until (&delivery->cond, &delivery->mutex,
                       g_get_monotonic_time () + 50 * G_TIME_SPAN_MILLISECOND);
  g_mutex_unlock (&delivery->mutex);
}

static void
operation_free (gpointer data)
{
  Operation *op = data;

  g_clear_object (&op->session);
  g_clear_object (&op->client);
  g_free (op->host);
  g_ptr_array_unref (op->requests);
  g_clear_pointer (&op->delivery, delivery_unref);
  g_clear_pointer (&op->context, g_main_context_unref);
  g_clear_pointer (&op->builder, tcia_record_builder_free);
  g_clear_pointer (&op->records, g_ptr_array_unref);
  g_clear_pointer (&op->rand, g_rand_free);
  g_clear_pointer (&op->uids, g_ptr_array_unref);
  g_free (op);
}

/* Hands rows on to the caller's main context, through a source of our own
 * attached explicitly (rather than g_main_context_invoke()) so that rows
 * are never spliced from this thread even when it could acquire the
 * caller's context. It runs at the default priority, so a busy window
 * cannot starve it, but takes one batch at a time and then waits
 * DELIVERY_YIELD_US, so a window still draws its frames while 100,000 rows
 * arrive instead of once they are all in. */
static void
post_batch (Operation *op,
            GPtrArray *items,
            guint      remove_last)
{
  Delivery *delivery = op->delivery;
  Batch *batch;

  batch = g_new0 (Batch, 1);
  batch->items = items;
  batch->remove_last = remove_last;

  g_mutex_lock (&delivery->mutex);
  g_queue_push_tail (&delivery->queue, batch);
  if (delivery->source == NULL)
    {
      delivery->source = g_source_new (&delivery_source_funcs, sizeof (GSource));
      g_source_set_callback (delivery->source, deliver_cb, delivery_ref (delivery),
                             (GDestroyNotify) delivery_unref);
      g_source_set_static_name (delivery->source, "[tcia-core] deliver rows");
      g_source_set_ready_time (delivery->source, 0);
      g_source_attach (delivery->source, op->context);
    }
  else if (!delivery->scheduled)
    {
      g_source_set_ready_time (delivery->source, 0);
    }
  delivery->scheduled = TRUE;
  g_mutex_unlock (&delivery->mutex);
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

  if (op->delivery != NULL)
    post_batch (op, g_steal_pointer (&pending), 0);
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

  /* Without `into`, everything is handed over at the end. */
  if (op->builder == NULL || op->delivery == NULL)
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

  if (op->delivery != NULL && op->n_posted > 0)
    post_batch (op, NULL, op->n_posted);
  else if (op->records != NULL)
    g_ptr_array_set_size (op->records, op->records_mark);

  g_ptr_array_set_size (op->uids, op->uids_mark);
  op->total_bytes = 0;
  op->object_count = 0;
  op->n_posted = 0;
}

/* ---- Sinks for the non-record answers ------------------------------------ */

static GHashTable *
size_keys (void)
{
  static GHashTable *keys;

  if (g_once_init_enter (&keys))
    {
      GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);

      g_hash_table_insert (table, (gpointer) "TotalSizeInBytes", GUINT_TO_POINTER (1));
      g_hash_table_insert (table, (gpointer) "ObjectCount", GUINT_TO_POINTER (2));
      g_once_init_leave (&keys, table);
    }

  return keys;
}

static GHashTable *
sop_keys (void)
{
  static GHashTable *keys;

  if (g_once_init_enter (&keys))
    {
      GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);

      g_hash_table_insert (table, (gpointer) "SOPInstanceUID", GUINT_TO_POINTER (1));
      g_once_init_leave (&keys, table);
    }

  return keys;
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

/* ---- Watchdog ---------------------------------------------------------------- */

static gpointer
watchdog_thread (gpointer data)
{
  Watchdog *w = data;

  g_mutex_lock (&w->mutex);
  while (!w->quit)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 wake = w->deadline_us;
      StopReason reason = STOP_NONE;

      if (w->attempt != NULL && w->reason == STOP_NONE)
        {
          if (now >= w->deadline_us)
            reason = STOP_DEADLINE;
          else if (w->in_body && now - w->window_start_us >= w->window_us)
            {
              if (w->bytes - w->window_mark < w->min_bytes)
                reason = STOP_SLOW_BODY;
              w->window_start_us = now;
              w->window_mark = w->bytes;
            }
        }

      if (reason != STOP_NONE)
        {
          g_autoptr(GCancellable) attempt = g_object_ref (w->attempt);

          w->reason = reason;
          /* Its handlers run here: not under our lock. */
          g_mutex_unlock (&w->mutex);
          g_cancellable_cancel (attempt);
          g_mutex_lock (&w->mutex);
          continue;
        }

      if (w->attempt == NULL || w->reason != STOP_NONE)
        g_cond_wait (&w->cond, &w->mutex);
      else
        {
          if (w->in_body)
            wake = MIN (wake, w->window_start_us + w->window_us);
          g_cond_wait_until (&w->cond, &w->mutex, wake);
        }
    }
  g_mutex_unlock (&w->mutex);

  return NULL;
}

static void
watchdog_start (Watchdog  *w,
                Operation *op)
{
  g_mutex_init (&w->mutex);
  g_cond_init (&w->cond);
  w->deadline_us = g_get_monotonic_time () + (gint64) op->deadline_s * G_TIME_SPAN_SECOND;
  w->window_us = (gint64) op->progress_window_ms * G_TIME_SPAN_MILLISECOND;
  w->min_bytes = op->progress_min_bytes;
  w->thread = g_thread_new ("tcia-client-watchdog", watchdog_thread, w);
}

static void
watchdog_stop (Watchdog *w)
{
  g_mutex_lock (&w->mutex);
  w->quit = TRUE;
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->mutex);
  g_thread_join (w->thread);
  g_clear_object (&w->attempt);
  g_mutex_clear (&w->mutex);
  g_cond_clear (&w->cond);
}

static void
watchdog_begin_attempt (Watchdog     *w,
                        GCancellable *attempt)
{
  g_mutex_lock (&w->mutex);
  g_set_object (&w->attempt, attempt);
  w->in_body = FALSE;
  w->bytes = 0;
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->mutex);
}

static void
watchdog_end_attempt (Watchdog *w)
{
  g_mutex_lock (&w->mutex);
  g_clear_object (&w->attempt);
  w->in_body = FALSE;
  g_mutex_unlock (&w->mutex);
}

static void
watchdog_body_bytes (Watchdog *w,
                     gsize     n)
{
  g_mutex_lock (&w->mutex);
  if (!w->in_body)
    {
      w->in_body = TRUE;
      w->window_start_us = g_get_monotonic_time ();
      w->window_mark = 0;
      g_cond_signal (&w->cond);
    }
  w->bytes += n;
  g_mutex_unlock (&w->mutex);
}

static StopReason
watchdog_get_reason (Watchdog *w)
{
  StopReason reason;

  g_mutex_lock (&w->mutex);
  reason = w->reason;
  g_mutex_unlock (&w->mutex);

  return reason;
}

static gint64
watchdog_remaining_ms (Watchdog *w)
{
  return MAX (0, (w->deadline_us - g_get_monotonic_time ()) / 1000);
}

static void
cancel_attempt_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/* ---- Telling the caller about retries ---------------------------------------- */

typedef struct
{
  TciaClient *client;
  guint       attempt;
  guint       max_attempts;
  guint       delay_ms;
  char       *reason;
} Retrying;

static void
retrying_free (gpointer data)
{
  Retrying *retrying = data;

  g_object_unref (retrying->client);
  g_free (retrying->reason);
  g_free (retrying);
}

static gboolean
emit_retrying_cb (gpointer data)
{
  Retrying *retrying = data;

  g_signal_emit (retrying->client, signals[SIGNAL_RETRYING], 0,
                 retrying->attempt, retrying->max_attempts, retrying->delay_ms,
                 retrying->reason);

  return G_SOURCE_REMOVE;
}

/* Through a source attached to the caller's context rather than
 * g_main_context_invoke(), which would emit right here in the worker
 * whenever it could acquire that context. */
static void
post_retrying (Operation  *op,
               guint       attempt,
               guint       delay_ms,
               const char *reason)
{
  g_autoptr(GSource) source = g_idle_source_new ();
  Retrying *retrying = g_new0 (Retrying, 1);

  retrying->client = g_object_ref (op->client);
  retrying->attempt = attempt;
  retrying->max_attempts = op->policy.max_attempts;
  retrying->delay_ms = delay_ms;
  retrying->reason = tcia_text_sanitize (reason, TCIA_TEXT_MESSAGE_MAX);

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_retrying_cb, retrying, retrying_free);
  g_source_set_static_name (source, "[tcia-core] retrying");
  g_source_attach (source, op->context);
}

/* ---- One HTTP exchange ------------------------------------------------------ */

static void
failure_clear (Failure *failure)
{
  g_clear_pointer (&failure->retry_after, g_free);
  g_clear_error (&failure->network);
  failure->status = 0;
  failure->in_body = FALSE;
}

static gboolean
is_transient_error (const GError *error)
{
  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_FAILED:
        case G_IO_ERROR_TIMED_OUT:
        case G_IO_ERROR_CONNECTION_REFUSED:
        case G_IO_ERROR_CONNECTION_CLOSED:   /* also G_IO_ERROR_BROKEN_PIPE */
        case G_IO_ERROR_PARTIAL_INPUT:
        case G_IO_ERROR_HOST_UNREACHABLE:
        case G_IO_ERROR_NETWORK_UNREACHABLE:
        case G_IO_ERROR_NOT_CONNECTED:
        case G_IO_ERROR_CLOSED:
        case G_IO_ERROR_BUSY:
        case G_IO_ERROR_WOULD_BLOCK:
        case G_IO_ERROR_PROXY_FAILED:
          return TRUE;
        default:
          return FALSE;
        }
    }

  if (error->domain == G_RESOLVER_ERROR)
    return error->code == G_RESOLVER_ERROR_TEMPORARY_FAILURE;

  /* A garbled or cut response. */
  if (error->domain == SOUP_SESSION_ERROR)
    return error->code == SOUP_SESSION_ERROR_PARSING || error->code == SOUP_SESSION_ERROR_ENCODING;

  return FALSE;
}

static const char *
describe_transport_error (const GError *error)
{
  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_CONNECTION_REFUSED:
          return _("Connection refused");
        case G_IO_ERROR_TIMED_OUT:
          return _("The server stopped answering");
        case G_IO_ERROR_CONNECTION_CLOSED:
          return _("The connection was closed");
        case G_IO_ERROR_PARTIAL_INPUT:
          return _("The answer ended too early");
        case G_IO_ERROR_HOST_UNREACHABLE:
          return _("The host is unreachable");
        case G_IO_ERROR_NETWORK_UNREACHABLE:
          return _("The network is unreachable");
        default:
          break;
        }
    }

  return error->message;
}

/* The server's words from an error body: at most ERROR_TEXT_MAX_CHARS
 * characters of valid UTF-8 on one line. */
static char *
read_error_text (GInputStream *stream,
                 GCancellable *cancellable)
{
  g_autofree char *buffer = g_malloc (ERROR_BODY_MAX_BYTES);
  g_autofree char *valid = NULL;
  gsize n_read = 0;
  GString *text;
  const char *p;

  g_input_stream_read_all (stream, buffer, ERROR_BODY_MAX_BYTES, &n_read, cancellable, NULL);

  valid = g_utf8_make_valid (buffer, (gssize) n_read);
  text = g_string_new (NULL);
  for (p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        {
          if (text->len > 0 && text->str[text->len - 1] != ' ')
            g_string_append_c (text, ' ');
        }
      else
        g_string_append_unichar (text, c);
    }
  g_strchomp (text->str);
  text->len = strlen (text->str);

  if (g_utf8_strlen (text->str, -1) > ERROR_TEXT_MAX_CHARS)
    {
      const char *end = g_utf8_offset_to_pointer (text->str, ERROR_TEXT_MAX_CHARS);

      g_string_truncate (text, (gsize) (end - text->str));
      g_string_append (text, "…");
    }

  return g_string_free (text, FALSE);
}

static void
drain_and_close (GInputStream *stream,
                 GCancellable *cancellable)
{
  char buffer[4096];
  gsize total = 0;
  gssize n;

  /* Short error bodies are read so the connection can be reused. */
  while (total < 64 * 1024 &&
         (n = g_input_stream_read (stream, buffer, sizeof buffer, cancellable, NULL)) > 0)
    total += (gsize) n;
  g_input_stream_close (stream, cancellable, NULL);
}

static void
set_web_page_error (GError     **error,
                    const char  *endpoint)
{
  g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE,
               _("The server sent a web page instead of data for %s; "
                 "it may be down for maintenance"),
               endpoint);
}

static Outcome
read_body (Operation    *op,
           Request      *request,
           SoupMessage  *message,
           GInputStream *stream,
           GCancellable *cancellable,
           Failure      *failure,
           GError      **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(TciaJsonRows) rows = NULL;
  g_autofree char *buffer = NULL;
  g_autoptr(GError) local_error = NULL;
  guint64 body_bytes = 0;
  gboolean parsed;

  if (content_type != NULL && g_ascii_strcasecmp (content_type, "text/html") == 0)
    {
      set_web_page_error (error, request->endpoint);
      g_input_stream_close (stream, NULL, NULL);
      return OUTCOME_FATAL;
    }

  switch (op->result_kind)
    {
    case RESULT_RECORDS:
      rows = tcia_json_rows_new (tcia_record_builder_get_keys (op->builder),
                                 tcia_record_builder_get_sink (), op->builder);
      break;
    case RESULT_SERIES_SIZE:
      rows = tcia_json_rows_new (size_keys (), &size_sink, op);
      break;
    case RESULT_SOP_UIDS:
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
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
              !is_transient_error (local_error))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return OUTCOME_FATAL;
            }
          failure->network = g_steal_pointer (&local_error);
          failure->in_body = TRUE;
          return OUTCOME_RETRY;
        }
      if (n == 0)
        break;

      body_bytes += (guint64) n;
      watchdog_body_bytes (op->watchdog, (gsize) n);
      if (body_bytes > op->max_body_bytes)
        {
          g_autofree char *size = g_format_size_full (op->max_body_bytes,
                                                      G_FORMAT_SIZE_IEC_UNITS);

          g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE,
                       _("The server sent more than %s in answer to %s; "
                         "no listing is that large"),
                       size, request->endpoint);
          g_input_stream_close (stream, NULL, NULL);
          return OUTCOME_FATAL;
        }

      if (!tcia_json_rows_feed (rows, buffer, (gsize) n, &local_error))
        break;

      operation_maybe_flush (op);
    }

  parsed = local_error == NULL && tcia_json_rows_finish (rows, &local_error);
  if (!parsed)
    {
      /* A body delimited by the end of the connection that stops in the
       * middle of the JSON was cut, not malformed. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) &&
          soup_message_headers_get_encoding (headers) == SOUP_ENCODING_EOF)
        {
          failure->network = g_steal_pointer (&local_error);
          failure->in_body = TRUE;
          g_input_stream_close (stream, NULL, NULL);
          return OUTCOME_RETRY;
        }

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
        {
          g_autofree char *size = g_format_size_full (op->max_value_bytes,
                                                      G_FORMAT_SIZE_IEC_UNITS);

          g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE,
                       _("The server sent a value larger than %s in %s"),
                       size, request->endpoint);
        }
      else if (tcia_json_rows_get_first_char (rows) == '<')
        set_web_page_error (error, request->endpoint);
      else
        g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE,
                     _("The server sent malformed data for %s (%s)"),
                     request->endpoint, local_error->message);
      g_input_stream_close (stream, NULL, NULL);
      return OUTCOME_FATAL;
    }

  g_input_stream_close (stream, cancellable, NULL);

  return OUTCOME_OK;
}

static Outcome
attempt_request (Operation    *op,
                 Request      *request,
                 GCancellable *cancellable,
                 Failure      *failure,
                 GError      **error)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  SoupMessageHeaders *headers;
  guint status;

  message = soup_message_new (request->form != NULL ? SOUP_METHOD_POST : SOUP_METHOD_GET,
                              request->url);
  if (message == NULL)
    {
      g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_URL,
                   _("Could not make a request to %s from “%s”"),
                   request->endpoint, request->url);
      return OUTCOME_FATAL;
    }

  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "*/*");
  if (request->form != NULL)
    soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded",
                                              request->form);

  stream = soup_session_send (op->session, message, cancellable, &local_error);
  if (stream == NULL)
    {
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          is_transient_error (local_error))
        {
          failure->network = g_steal_pointer (&local_error);
          return OUTCOME_RETRY;
        }

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_NETWORK,
                     _("Could not reach %s: %s"), op->host, describe_transport_error (local_error));
      return OUTCOME_FATAL;
    }

  status = soup_message_get_status (message);

  if (status == SOUP_STATUS_NO_CONTENT)
    {
      drain_and_close (stream, cancellable);
      return OUTCOME_OK;
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    return read_body (op, request, message, stream, cancellable, failure, error);

  if (status == SOUP_STATUS_BAD_REQUEST)
    {
      const char *content_type =
        soup_message_headers_get_content_type (soup_message_get_response_headers (message), NULL);
      g_autofree char *text = NULL;

      if (content_type == NULL || g_ascii_strcasecmp (content_type, "text/html") != 0)
        text = read_error_text (stream, cancellable);
      g_input_stream_close (stream, NULL, NULL);

      if (text != NULL && text[0] != '\0')
        g_set_error_literal (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_BAD_REQUEST, text);
      else
        g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_BAD_REQUEST,
                     _("The server refused the request %s (400 Bad Request)"), request->endpoint);
      return OUTCOME_FATAL;
    }

  if (status == STATUS_TOO_MANY_REQUESTS || SOUP_STATUS_IS_SERVER_ERROR (status))
    {
      SoupMessageHeaders *response_headers = soup_message_get_response_headers (message);

      failure->status = status;
      failure->retry_after = g_strdup (soup_message_headers_get_one (response_headers,
                                                                     "Retry-After"));
      drain_and_close (stream, cancellable);
      return OUTCOME_RETRY;
    }

  drain_and_close (stream, cancellable);
  if (status == SOUP_STATUS_NOT_FOUND)
    g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_SERVER,
                 _("The server answered %u %s to %s: check that %s is an NBIA API address"),
                 status, soup_status_get_phrase (status), request->endpoint, op->host);
  else
    g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_SERVER,
                 _("The server answered %u %s to %s"),
                 status, soup_status_get_phrase (status), request->endpoint);

  return OUTCOME_FATAL;
}

/* What the caller is told while waiting to try again. */
static char *
describe_failure (const Failure *failure)
{
  if (failure->status == SOUP_STATUS_SERVICE_UNAVAILABLE ||
      failure->status == STATUS_TOO_MANY_REQUESTS)
    return g_strdup_printf (_("Server busy (HTTP %u)"), failure->status);
  if (failure->status != 0)
    return g_strdup_printf (_("Server error (HTTP %u)"), failure->status);

  return g_strdup (describe_transport_error (failure->network));
}

/* "60 s", or "0.2 s" for the short windows of tests. */
static char *
format_duration_ms (guint ms)
{
  if (ms % 1000 == 0)
    return g_strdup_printf (_("%u s"), ms / 1000);

  return g_strdup_printf (_("%.1f s"), ms / 1000.0);
}

static void
set_stopped_error (Operation   *op,
                   Request     *request,
                   StopReason   reason,
                   GError     **error)
{
  g_autofree char *deadline = format_duration_ms (op->deadline_s * 1000);

  if (reason == STOP_SLOW_BODY)
    {
      g_autofree char *size = g_format_size_full (op->progress_min_bytes, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *window = format_duration_ms (op->progress_window_ms);

      g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_TIMED_OUT,
                   _("The server did not answer in time: the answer to %s slowed to less "
                     "than %s in %s"),
                   request->endpoint, size, window);
    }
  else
    g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_TIMED_OUT,
                 _("The server did not answer in time: %s got no complete answer within %s"),
                 request->endpoint, deadline);
}

static gboolean
run_attempts (Operation    *op,
              Request      *request,
              Watchdog     *watchdog,
              GCancellable *cancellable,
              GError      **error)
{
  guint attempt;

  for (attempt = 1; ; attempt++)
    {
      g_autoptr(GCancellable) attempt_cancellable = g_cancellable_new ();
      g_autoptr(GError) local_error = NULL;
      g_autofree char *reason = NULL;
      Failure failure = { 0, };
      Outcome outcome;
      gulong handler = 0;
      gint64 server_ms;
      guint delay_ms;

      /* The caller's cancellable ends the attempt as before; the watchdog
       * cancels only the attempt's own. */
      if (cancellable != NULL)
        handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_attempt_cb),
                                         attempt_cancellable, NULL);
      watchdog_begin_attempt (watchdog, attempt_cancellable);
      operation_begin_attempt (op);
      outcome = attempt_request (op, request, attempt_cancellable, &failure, &local_error);
      watchdog_end_attempt (watchdog);
      if (handler != 0)
        g_cancellable_disconnect (cancellable, handler);

      if (outcome != OUTCOME_OK && !g_cancellable_is_cancelled (cancellable) &&
          watchdog_get_reason (watchdog) != STOP_NONE)
        {
          g_clear_error (&local_error);
          set_stopped_error (op, request, watchdog_get_reason (watchdog), &local_error);
          outcome = OUTCOME_FATAL;
        }

      if (outcome == OUTCOME_OK)
        {
          operation_flush (op);
          return TRUE;
        }

      operation_discard_attempt (op);

      if (outcome == OUTCOME_FATAL)
        {
          failure_clear (&failure);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      if (attempt >= op->policy.max_attempts)
        {
          if (failure.status != 0)
            g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_SERVER,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "The server answered %u %s to %s after %u attempt",
                                      "The server answered %u %s to %s after %u attempts",
                                      attempt),
                         failure.status, soup_status_get_phrase (failure.status),
                         request->endpoint, attempt);
          else if (failure.in_body)
            g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_NETWORK,
                         _("The connection to %s broke while receiving %s: %s"),
                         op->host, request->endpoint, describe_transport_error (failure.network));
          else
            g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_NETWORK,
                         _("Could not reach %s: %s"),
                         op->host, describe_transport_error (failure.network));
          failure_clear (&failure);
          return FALSE;
        }

      reason = describe_failure (&failure);
      server_ms = tcia_retry_parse_retry_after (failure.retry_after, NULL);
      delay_ms = tcia_retry_next_delay_ms (&op->policy, attempt, failure.retry_after, op->rand);
      failure_clear (&failure);

      /* Waiting past the deadline only to fail then helps nobody. */
      if ((gint64) delay_ms >= watchdog_remaining_ms (watchdog))
        {
          g_autofree char *deadline = format_duration_ms (op->deadline_s * 1000);
          g_autofree char *wait = format_duration_ms ((delay_ms + 999) / 1000 * 1000);

          if (server_ms >= 0)
            g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_TIMED_OUT,
                         _("The server did not answer in time: it asked to wait %s before "
                           "%s is tried again, and the look-up gives up after %s (%s)"),
                         wait, request->endpoint, deadline, reason);
          else
            g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_TIMED_OUT,
                         _("The server did not answer in time: %s still failed after %s (%s)"),
                         request->endpoint, deadline, reason);
          return FALSE;
        }

      g_debug ("%s failed (attempt %u of %u: %s); trying again in %u ms",
               request->endpoint, attempt, op->policy.max_attempts, reason, delay_ms);
      post_retrying (op, attempt + 1, delay_ms, reason);

      if (!tcia_retry_sleep (delay_ms, cancellable, error))
        return FALSE;
    }
}

/* One request, its retries and the waits between them, under one deadline. */
static gboolean
run_request (Operation    *op,
             Request      *request,
             GCancellable *cancellable,
             GError      **error)
{
  Watchdog watchdog = { 0, };
  gboolean ok;

  watchdog_start (&watchdog, op);
  op->watchdog = &watchdog;
  ok = run_attempts (op, request, &watchdog, cancellable, error);
  op->watchdog = NULL;
  watchdog_stop (&watchdog);

  return ok;
}

static void
operation_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Operation *op = task_data;
  GMainContext *context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  guint i;

  /* libsoup attaches its per-connection sources to the thread-default
   * context of the thread that uses the connection; a context of our own
   * keeps them off the caller's. */
  g_main_context_push_thread_default (context);

  op->rand = g_rand_new ();
  op->uids = g_ptr_array_new_with_free_func (g_free);
  if (op->result_kind == RESULT_RECORDS)
    {
      op->builder = tcia_record_builder_new (op->record_type, POOL_BLOCK_SIZE);
      if (op->value_kind >= 0)
        tcia_record_builder_set_preset (op->builder, tcia_value_get_kind_field (), op->value_kind);
    }

  for (i = 0; i < op->requests->len && error == NULL; i++)
    run_request (op, g_ptr_array_index (op->requests, i), cancellable, &error);

  g_main_context_pop_thread_default (context);
  /* Gone before the caller can start another request on the same
   * connections. */
  g_main_context_unref (context);

  if (op->delivery != NULL)
    {
      delivery_wait_empty (op->delivery, cancellable);
      delivery_stop (op->delivery);
    }

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (op->result_kind)
    {
    case RESULT_RECORDS:
      if (op->records == NULL)
        op->records = g_ptr_array_new_with_free_func (g_object_unref);
      g_task_return_pointer (task, g_steal_pointer (&op->records),
                             (GDestroyNotify) g_ptr_array_unref);
      break;

    case RESULT_SERIES_SIZE:
      g_task_return_boolean (task, TRUE);
      break;

    case RESULT_SOP_UIDS:
      g_ptr_array_add (op->uids, NULL);
      g_task_return_pointer (task, g_ptr_array_free (g_steal_pointer (&op->uids), FALSE),
                             (GDestroyNotify) g_strfreev);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* ---- Client --------------------------------------------------------------- */

static void
tcia_client_finalize (GObject *object)
{
  TciaClient *self = TCIA_CLIENT (object);

  g_clear_pointer (&self->api_url, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (tcia_client_parent_class)->finalize (object);
}

static void
tcia_client_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TciaClient *self = TCIA_CLIENT (object);

  switch (prop_id)
    {
    case PROP_API_URL:
      g_value_set_string (value, self->api_url);
      break;

    case PROP_API_VERSION:
      g_value_set_int (value, self->version);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_client_class_init (TciaClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tcia_client_finalize;
  object_class->get_property = tcia_client_get_property;

  properties[PROP_API_URL] =
    g_param_spec_string ("api-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  properties[PROP_API_VERSION] =
    g_param_spec_int ("api-version", NULL, NULL,
                      TCIA_API_V1, TCIA_API_V4, TCIA_API_V4,
                      (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TciaClient::retrying:
   * @attempt: the attempt about to be made, 2 for the first retry
   * @max_attempts: the attempts allowed in all
   * @delay_ms: how long the client waits before it
   * @reason: why the last attempt failed, for a person ("Server busy (HTTP 503)")
   *
   * A request failed and will be tried again after @delay_ms. Emitted in
   * the thread-default main context of the caller that started the request.
   */
  signals[SIGNAL_RETRYING] =
    g_signal_new ("retrying", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING);
}

static void
tcia_client_init (TciaClient *self)
{
  tcia_retry_policy_init (&self->policy);
  self->max_value_bytes = TCIA_JSON_ROWS_MAX_VALUE_BYTES;
  self->max_body_bytes = MAX_BODY_BYTES;
  self->deadline_s = DEFAULT_DEADLINE_S;
  self->progress_window_ms = PROGRESS_WINDOW_MS;
  self->progress_min_bytes = PROGRESS_MIN_BYTES;
}

static gboolean
invalid_url (GError     **error,
             const char  *url,
             const char  *why)
{
  g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_URL,
               _("“%s” is not an NBIA API address: %s"), url, why);
  return FALSE;
}

static gboolean
parse_api_url (const char      *api_url,
               char           **out_url,
               char           **out_host,
               TciaApiVersion  *out_version,
               GError         **error)
{
  g_autofree char *url = g_strstrip (g_strdup (api_url));
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;
  const char *host;
  const char *path;
  gsize len;
  int port;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &local_error);
  if (uri == NULL)
    return invalid_url (error, url, local_error->message);

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return invalid_url (error, url, _("only http and https addresses are supported"));

  host = g_uri_get_host (uri);
  if (host == NULL || host[0] == '\0')
    return invalid_url (error, url, _("it names no host"));

  if (g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL)
    return invalid_url (error, url, _("it must not hold a user name, a query or a fragment"));

  path = g_uri_get_path (uri);
  len = strlen (path);
  if (len > 0 && path[len - 1] == '/')
    len--;
  if (len >= 3 && strncmp (path + len - 3, "/v4", 3) == 0)
    *out_version = TCIA_API_V4;
  else if (len >= 3 && strncmp (path + len - 3, "/v1", 3) == 0)
    *out_version = TCIA_API_V1;
  else
    return invalid_url (error, url,
                        _("its path must end in /v4/ or /v1/, as in "
                          "https://nbia.cancerimagingarchive.net/nbia-api/services/v4/"));

  port = g_uri_get_port (uri);
  if (port < 0)
    port = g_ascii_strcasecmp (scheme, "https") == 0 ? 443 : 80;
  *out_host = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%d", host, port)
                                         : g_strdup_printf ("%s:%d", host, port);
  *out_url = g_str_has_suffix (url, "/") ? g_steal_pointer (&url) : g_strconcat (url, "/", NULL);

  return TRUE;
}

TciaClient *
tcia_client_new (const char  *api_url,
                 GError     **error)
{
  g_autoptr(TciaClient) self = NULL;
  g_autofree char *url = NULL;
  g_autofree char *host = NULL;
  TciaApiVersion version = TCIA_API_V4;

  g_return_val_if_fail (api_url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!parse_api_url (api_url, &url, &host, &version, error))
    return NULL;

  self = g_object_new (TCIA_TYPE_CLIENT, NULL);
  self->api_url = g_steal_pointer (&url);
  self->host = g_steal_pointer (&host);
  self->version = version;
  /* TLS verification stays on (the default); no Authorization header is
   * ever set: v4 and v1 are anonymous and a stale token makes v4 answer 401. */
  self->session = soup_session_new_with_options ("user-agent", "tcia-basket/" PACKAGE_VERSION,
                                                 "timeout", IO_TIMEOUT_S,
                                                 "idle-timeout", IDLE_TIMEOUT_S,
                                                 "max-conns-per-host", MAX_CONNS_PER_HOST,
                                                 NULL);

  return g_steal_pointer (&self);
}

const char *
tcia_client_get_api_url (TciaClient *self)
{
  g_return_val_if_fail (TCIA_IS_CLIENT (self), NULL);

  return self->api_url;
}

TciaApiVersion
tcia_client_get_api_version (TciaClient *self)
{
  g_return_val_if_fail (TCIA_IS_CLIENT (self), TCIA_API_V4);

  return self->version;
}

void
tcia_client_set_retry_policy (TciaClient *self,
                              guint       max_attempts,
                              guint       base_delay_ms,
                              guint       max_delay_ms)
{
  g_return_if_fail (TCIA_IS_CLIENT (self));

  self->policy.max_attempts = MAX (max_attempts, 1);
  self->policy.base_delay_ms = base_delay_ms;
  self->policy.max_delay_ms = max_delay_ms;
}

void
tcia_client_set_timeout (TciaClient *self,
                         guint       timeout_s)
{
  g_return_if_fail (TCIA_IS_CLIENT (self));

  g_object_set (self->session, "timeout", timeout_s, NULL);
}

void
tcia_client_set_deadline (TciaClient *self,
                          guint       seconds)
{
  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (seconds > 0);

  self->deadline_s = seconds;
}

void
tcia_client_set_min_progress (TciaClient *self,
                              guint       window_ms,
                              gsize       min_bytes)
{
  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (window_ms > 0);

  self->progress_window_ms = window_ms;
  self->progress_min_bytes = min_bytes;
}

void
tcia_client_set_size_limits (TciaClient *self,
                             gsize       max_value_bytes,
                             guint64     max_body_bytes)
{
  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (max_value_bytes > 0 && max_body_bytes > 0);

  self->max_value_bytes = max_value_bytes;
  self->max_body_bytes = max_body_bytes;
}

char *
tcia_client_resolve_api_url (const char *cmdline_url,
                             const char *settings_url)
{
  const char *env = g_getenv ("TCIA_API_URL");

  if (cmdline_url != NULL && cmdline_url[0] != '\0')
    return g_strdup (cmdline_url);
  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if (settings_url != NULL && settings_url[0] != '\0')
    return g_strdup (settings_url);

  return g_strdup (TCIA_DEFAULT_API_URL);
}

/* ---- Building requests ---------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *value;
} Param;

/* @base ends in '/'. Empty values are left out; values are percent-encoded
 * (a space is %20; '/', '&', '+' and non-ASCII are escaped too). */
static char *
build_url (const char  *base,
           const char  *endpoint,
           const Param *params,
           guint        n_params)
{
  GString *url = g_string_new (base);
  char separator = '?';
  guint i;

  g_string_append (url, endpoint);
  for (i = 0; i < n_params; i++)
    {
      if (params[i].value == NULL || params[i].value[0] == '\0')
        continue;
      g_string_append_c (url, separator);
      g_string_append (url, params[i].name);
      g_string_append_c (url, '=');
      g_string_append_uri_escaped (url, params[i].value, NULL, FALSE);
      separator = '&';
    }

  return g_string_free (url, FALSE);
}

static void
add_request (GPtrArray   *requests,
             const char  *endpoint,
             char        *url,
             GBytes      *form)
{
  Request *request = g_new0 (Request, 1);

  request->endpoint = g_strdup (endpoint);
  request->url = url;
  request->form = form;
  g_ptr_array_add (requests, request);
}

static Operation *
operation_new (TciaClient   *self,
               ResultKind    result_kind,
               GType         record_type,
               GListStore   *into,
               GCancellable *cancellable)
{
  Operation *op = g_new0 (Operation, 1);

  op->session = g_object_ref (self->session);
  op->host = g_strdup (self->host);
  op->policy = self->policy;
  op->max_value_bytes = self->max_value_bytes;
  op->max_body_bytes = self->max_body_bytes;
  op->deadline_s = self->deadline_s;
  op->progress_window_ms = self->progress_window_ms;
  op->progress_min_bytes = self->progress_min_bytes;
  op->client = g_object_ref (self);
  op->requests = g_ptr_array_new_with_free_func (request_free);
  op->result_kind = result_kind;
  op->record_type = record_type;
  op->value_kind = -1;
  if (into != NULL)
    op->delivery = delivery_new (into, cancellable);

  return op;
}

static void
operation_start (TciaClient          *self,
                 Operation           *op,
                 gpointer             source_tag,
                 const char          *name,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, name);
  op->context = g_main_context_ref (g_task_get_context (task));
  g_task_set_task_data (task, op, operation_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, operation_thread);
}

/* The common case: one GET of one endpoint. */
static void
start_get (TciaClient          *self,
           ResultKind           result_kind,
           GType                record_type,
           GListStore          *into,
           char                *url,
           const char          *endpoint,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  Operation *op = operation_new (self, result_kind, record_type, into, cancellable);

  add_request (op->requests, endpoint, url, NULL);
  operation_start (self, op, source_tag, endpoint, cancellable, callback, user_data);
}

static GListModel *
listing_finish (TciaClient    *self,
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
        delivery_close (op->delivery, TRUE);
      return NULL;
    }

  if (op->delivery != NULL)
    {
      delivery_close (op->delivery, FALSE);
      return G_LIST_MODEL (g_object_ref (op->delivery->into));
    }

  store = g_list_store_new (op->record_type);
  g_list_store_splice (store, 0, 0, records->pdata, records->len);

  return G_LIST_MODEL (store);
}

#define CHECK_INTO(into, type)                                                          \
  g_return_if_fail ((into) == NULL ||                                                   \
                    (G_IS_LIST_STORE (into) &&                                          \
                     g_type_is_a ((type), g_list_model_get_item_type (G_LIST_MODEL (into)))))

/* ---- Listings ------------------------------------------------------------- */

void
tcia_client_list_collections_async (TciaClient          *self,
                                    gboolean             with_counts,
                                    GListStore          *into,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  const char *endpoint;

  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  CHECK_INTO (into, TCIA_TYPE_COLLECTION);

  /* v1 has no *AndCounts: the plain list, with counts left at -1. */
  endpoint = (with_counts && self->version == TCIA_API_V4)
             ? "getCollectionValuesAndCounts" : "getCollectionValues";

  start_get (self, RESULT_RECORDS, TCIA_TYPE_COLLECTION, into,
             build_url (self->api_url, endpoint, NULL, 0),
             endpoint, tcia_client_list_collections_async, cancellable, callback, user_data);
}

GListModel *
tcia_client_list_collections_finish (TciaClient    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return listing_finish (self, result, tcia_client_list_collections_async, error);
}

void
tcia_client_list_values_async (TciaClient          *self,
                               TciaValueKind        kind,
                               const TciaQuery     *query,
                               gboolean             with_counts,
                               GListStore          *into,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  static const char * const plain[] = {
    [TCIA_VALUE_MODALITY] = "getModalityValues",
    [TCIA_VALUE_BODY_PART] = "getBodyPartValues",
    [TCIA_VALUE_MANUFACTURER] = "getManufacturerValues",
  };
  static const char * const counted[] = {
    [TCIA_VALUE_MODALITY] = "getModalityValuesAndCounts",
    [TCIA_VALUE_BODY_PART] = "getBodyPartValuesAndCounts",
    [TCIA_VALUE_MANUFACTURER] = "getManufacturerValuesAndCounts",
  };
  g_autoptr(TciaQuery) empty = NULL;
  const char *endpoint;
  Param params[3];
  guint n_params = 0;
  Operation *op;

  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (kind <= TCIA_VALUE_MANUFACTURER);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  CHECK_INTO (into, TCIA_TYPE_VALUE);

  if (query == NULL)
    query = empty = tcia_query_new ();

  endpoint = (with_counts && self->version == TCIA_API_V4) ? counted[kind] : plain[kind];

  /* Only the parameters each endpoint accepts (v4 answers 400 to others). */
  params[n_params++] = (Param) { "Collection", query->collection };
  if (kind != TCIA_VALUE_MODALITY)
    params[n_params++] = (Param) { "Modality", query->modality };
  if (kind != TCIA_VALUE_BODY_PART)
    params[n_params++] = (Param) { "BodyPartExamined", query->body_part };

  op = operation_new (self, RESULT_RECORDS, TCIA_TYPE_VALUE, into, cancellable);
  op->value_kind = kind;
  add_request (op->requests, endpoint, build_url (self->api_url, endpoint, params, n_params), NULL);
  operation_start (self, op, tcia_client_list_values_async, endpoint,
                   cancellable, callback, user_data);
}

GListModel *
tcia_client_list_values_finish (TciaClient    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return listing_finish (self, result, tcia_client_list_values_async, error);
}

void
tcia_client_list_descriptions_async (TciaClient          *self,
                                     const char          *collection,
                                     GListStore          *into,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  const char *endpoint = "getCollectionDescriptions";
  Param params[] = { { "collectionName", collection } };

  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  CHECK_INTO (into, TCIA_TYPE_COLLECTION);

  if (self->version != TCIA_API_V4)
    {
      g_task_report_new_error (self, callback, user_data, tcia_client_list_descriptions_async,
                               TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_UNSUPPORTED,
                               _("Collection descriptions are only available from the v4 API; "
                                 "%s is a v1 address"), self->api_url);
      return;
    }

  start_get (self, RESULT_RECORDS, TCIA_TYPE_COLLECTION, into,
             build_url (self->api_url, endpoint, params, G_N_ELEMENTS (params)),
             endpoint, tcia_client_list_descriptions_async, cancellable, callback, user_data);
}

GListModel *
tcia_client_list_descriptions_finish (TciaClient    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return listing_finish (self, result, tcia_client_list_descriptions_async, error);
}

void
tcia_client_list_patients_async (TciaClient          *self,
                                 const TciaQuery     *query,
                                 GListStore          *into,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  const char *endpoint = "getPatient";
  g_autoptr(TciaQuery) empty = NULL;

  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  CHECK_INTO (into, TCIA_TYPE_PATIENT);

  if (query == NULL)
    query = empty = tcia_query_new ();

  {
    /* Note "PatientId" here, "PatientID" everywhere else. */
    Param params[] = {
      { "Collection", query->collection },
      { "PatientId", query->patient_id },
    };

    start_get (self, RESULT_RECORDS, TCIA_TYPE_PATIENT, into,
               build_url (self->api_url, endpoint, params, G_N_ELEMENTS (params)),
               endpoint, tcia_client_list_patients_async, cancellable, callback, user_data);
  }
}

GListModel *
tcia_client_list_patients_finish (TciaClient    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return listing_finish (self, result, tcia_client_list_patients_async, error);
}

void
tcia_client_list_studies_async (TciaClient          *self,
                                const TciaQuery     *query,
                                GListStore          *into,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  const char *endpoint = "getPatientStudy";
  g_autoptr(TciaQuery) empty = NULL;

  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  CHECK_INTO (into, TCIA_TYPE_STUDY);

  if (query == NULL)
    query = empty = tcia_query_new ();

  {
    Param params[] = {
      { "Collection", query->collection },
      { "PatientID", query->patient_id },
      { "StudyInstanceUID", query->study_uid },
    };

    start_get (self, RESULT_RECORDS, TCIA_TYPE_STUDY, into,
               build_url (self->api_url, endpoint, params, G_N_ELEMENTS (params)),
               endpoint, tcia_client_list_studies_async, cancellable, callback, user_data);
  }
}

GListModel *
tcia_client_list_studies_finish (TciaClient    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return listing_finish (self, result, tcia_client_list_studies_async, error);
}

void
tcia_client_list_series_async (TciaClient          *self,
                               const TciaQuery     *query,
                               GListStore          *into,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  const char *endpoint = "getSeries";
  g_autoptr(TciaQuery) empty = NULL;

  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  CHECK_INTO (into, TCIA_TYPE_SERIES);

  if (query == NULL)
    query = empty = tcia_query_new ();

  {
    Param params[] = {
      { "Collection", query->collection },
      { "PatientID", query->patient_id },
      { "StudyInstanceUID", query->study_uid },
      { "Modality", query->modality },
      { "BodyPartExamined", query->body_part },
      { "ManufacturerModelName", query->manufacturer_model },
      { "Manufacturer", query->manufacturer },
      { "SeriesInstanceUID", query->series_uid },
    };

    start_get (self, RESULT_RECORDS, TCIA_TYPE_SERIES, into,
               build_url (self->api_url, endpoint, params, G_N_ELEMENTS (params)),
               endpoint, tcia_client_list_series_async, cancellable, callback, user_data);
  }
}

GListModel *
tcia_client_list_series_finish (TciaClient    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return listing_finish (self, result, tcia_client_list_series_async, error);
}

void
tcia_client_list_updated_series_async (TciaClient          *self,
                                       GDateTime           *from_date,
                                       GListStore          *into,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  const char *endpoint = "getUpdatedSeries";
  g_autofree char *date = NULL;
  Param params[1];

  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  CHECK_INTO (into, TCIA_TYPE_SERIES);

  /* v4 takes MM-DD-YYYY, v1 DD/MM/YYYY (tcia-api.md §3.16). v4 without a
   * date lists everything; v1 requires one, so "everything" is 1900. */
  if (from_date != NULL)
    date = g_date_time_format (from_date, self->version == TCIA_API_V4 ? "%m-%d-%Y" : "%d/%m/%Y");
  else if (self->version == TCIA_API_V1)
    date = g_strdup ("01/01/1900");
  params[0] = (Param) { "fromDate", date };

  start_get (self, RESULT_RECORDS, TCIA_TYPE_SERIES, into,
             build_url (self->api_url, endpoint, params, 1),
             endpoint, tcia_client_list_updated_series_async, cancellable, callback, user_data);
}

GListModel *
tcia_client_list_updated_series_finish (TciaClient    *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return listing_finish (self, result, tcia_client_list_updated_series_async, error);
}

void
tcia_client_get_series_metadata_async (TciaClient          *self,
                                       const char * const  *series_uids,
                                       guint                chunk_size,
                                       GListStore          *into,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GPtrArray) uids = NULL;
  Operation *op;
  guint i;

  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (series_uids != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  CHECK_INTO (into, TCIA_TYPE_SERIES);

  if (chunk_size == 0)
    chunk_size = DEFAULT_METADATA_CHUNK;

  uids = g_ptr_array_new ();
  for (i = 0; series_uids[i] != NULL; i++)
    if (series_uids[i][0] != '\0')
      g_ptr_array_add (uids, (gpointer) series_uids[i]);

  op = operation_new (self, RESULT_RECORDS, TCIA_TYPE_SERIES, into, cancellable);

  if (self->version == TCIA_API_V4)
    {
      const char *endpoint = "getSeriesMetadata";

      /* POST list=<uid>,<uid>,...&format=json (the default is CSV). */
      for (i = 0; i < uids->len; i += chunk_size)
        {
          GString *form = g_string_new ("list=");
          guint j;

          for (j = i; j < uids->len && j < i + chunk_size; j++)
            {
              if (j > i)
                g_string_append_c (form, ',');
              g_string_append_uri_escaped (form, g_ptr_array_index (uids, j), NULL, FALSE);
            }
          g_string_append (form, "&format=json");

          add_request (op->requests, endpoint, build_url (self->api_url, endpoint, NULL, 0),
                       g_string_free_to_bytes (form));
        }
    }
  else
    {
      const char *endpoint = "getSeriesMetaData";

      /* One GET per series; 204 for a UID the server does not know. */
      for (i = 0; i < uids->len; i++)
        {
          Param params[] = { { "SeriesInstanceUID", g_ptr_array_index (uids, i) } };

          add_request (op->requests, endpoint,
                       build_url (self->api_url, endpoint, params, 1), NULL);
        }
    }

  operation_start (self, op, tcia_client_get_series_metadata_async, "getSeriesMetadata",
                   cancellable, callback, user_data);
}

GListModel *
tcia_client_get_series_metadata_finish (TciaClient    *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return listing_finish (self, result, tcia_client_get_series_metadata_async, error);
}

static gboolean
is_cart_name (const char *name)
{
  const char *p;

  if (name == NULL || name[0] == '\0' || strlen (name) > 200)
    return FALSE;

  for (p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;

  return TRUE;
}

/* "nbia-49121659384603347", or a portal link
 * "https://nbia.cancerimagingarchive.net/nbia-search/?saved-cart=nbia-49121659384603347". */
static char *
parse_cart_name (const char  *name_or_url,
                 GError     **error)
{
  g_autofree char *text = g_strstrip (g_strdup (name_or_url));
  g_autofree char *name = NULL;

  if (g_uri_peek_scheme (text) != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
      const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
      const char *query = uri != NULL ? g_uri_get_query (uri) : NULL;

      if (scheme != NULL && query != NULL &&
          (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0))
        {
          g_autoptr(GHashTable) params = NULL;

          params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);

          if (params != NULL)
            name = g_strdup (g_hash_table_lookup (params, "saved-cart"));
        }
    }
  else
    name = g_strdup (text);

  if (!is_cart_name (name))
    {
      g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_URL,
                   _("“%s” is not a shared cart: give its name (such as nbia-49121659384603347) "
                     "or its link, which ends in ?saved-cart= and the name"), text);
      return NULL;
    }

  return g_steal_pointer (&name);
}

void
tcia_client_get_shared_cart_async (TciaClient          *self,
                                   const char          *name_or_url,
                                   GListStore          *into,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  const char *endpoint = "getContentsByName";
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *v1_url = NULL;
  Param params[1];

  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (name_or_url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  CHECK_INTO (into, TCIA_TYPE_SERIES);

  name = parse_cart_name (name_or_url, &error);
  if (name == NULL)
    {
      g_task_report_error (self, callback, user_data, tcia_client_get_shared_cart_async,
                           g_steal_pointer (&error));
      return;
    }

  /* Never ported to v4: ".../services/v4/" -> ".../services/v1/". */
  if (self->version == TCIA_API_V4)
    {
      gsize len = strlen (self->api_url);

      g_assert (len >= 4 && g_str_has_suffix (self->api_url, "v4/"));
      v1_url = g_strdup (self->api_url);
      v1_url[len - 2] = '1';
    }
  else
    v1_url = g_strdup (self->api_url);

  params[0] = (Param) { "name", name };
  start_get (self, RESULT_RECORDS, TCIA_TYPE_SERIES, into,
             build_url (v1_url, endpoint, params, 1),
             endpoint, tcia_client_get_shared_cart_async, cancellable, callback, user_data);
}

GListModel *
tcia_client_get_shared_cart_finish (TciaClient    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return listing_finish (self, result, tcia_client_get_shared_cart_async, error);
}

void
tcia_client_get_series_size_async (TciaClient          *self,
                                   const char          *series_uid,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  const char *endpoint = "getSeriesSize";
  Param params[] = { { "SeriesInstanceUID", series_uid } };

  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (series_uid != NULL && series_uid[0] != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_get (self, RESULT_SERIES_SIZE, G_TYPE_NONE, NULL,
             build_url (self->api_url, endpoint, params, 1),
             endpoint, tcia_client_get_series_size_async, cancellable, callback, user_data);
}

gboolean
tcia_client_get_series_size_finish (TciaClient    *self,
                                    GAsyncResult  *result,
                                    guint64       *total_bytes,
                                    guint         *object_count,
                                    GError       **error)
{
  Operation *op;

  g_return_val_if_fail (TCIA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        tcia_client_get_series_size_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  op = g_task_get_task_data (G_TASK (result));
  if (total_bytes != NULL)
    *total_bytes = op->total_bytes;
  if (object_count != NULL)
    *object_count = op->object_count;

  return TRUE;
}

void
tcia_client_list_sop_instance_uids_async (TciaClient          *self,
                                          const char          *series_uid,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  const char *endpoint = "getSOPInstanceUIDs";
  Param params[] = { { "SeriesInstanceUID", series_uid } };

  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (series_uid != NULL && series_uid[0] != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_get (self, RESULT_SOP_UIDS, G_TYPE_NONE, NULL,
             build_url (self->api_url, endpoint, params, 1),
             endpoint, tcia_client_list_sop_instance_uids_async, cancellable, callback, user_data);
}

char **
tcia_client_list_sop_instance_uids_finish (TciaClient    *self,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  g_return_val_if_fail (TCIA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        tcia_client_list_sop_instance_uids_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
tcia_client_build_image_url (TciaClient *self,
                             const char *series_uid,
                             gboolean    include_md5)
{
  Param params[] = {
    { "SeriesInstanceUID", series_uid },
    { "NewFileNames", "Yes" },
    { "IncludeMD5", include_md5 ? "Yes" : "No" },
  };

  g_return_val_if_fail (TCIA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (series_uid != NULL && series_uid[0] != '\0', NULL);

  /* IncludeMD5 is v4 only (and v4 trips over its absence, tcia-api.md §3.13). */
  return build_url (self->api_url, "getImage", params,
                    self->version == TCIA_API_V4 ? 3 : 2);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include "tcia-catalogue-pipe.h"

/* The fetching side of a sync's collection listing: a thread of its own
 * fetches the collections one after the other (one request at a time) and
 * hands their batches over a bounded queue, so that the server's answer to
 * the next batch arrives while this one is stored. */

#define QUEUE_MAX_BATCHES 8

void
tcia_catalogue_msg_free (gpointer data)
{
  Msg *msg = data;

  g_clear_pointer (&msg->records, g_ptr_array_unref);
  g_clear_error (&msg->error);
  g_free (msg);
}

/* Returns FALSE when the writer stopped listening. */
static gboolean
pipe_push (Pipe      *pipe,
           MsgKind    kind,
           GPtrArray *records,
           GError    *error)
{
  Msg *msg = g_new0 (Msg, 1);
  GQueue spent = G_QUEUE_INIT;
  gboolean stopped;

  msg->kind = kind;
  msg->records = records != NULL ? g_ptr_array_ref (records) : NULL;
  msg->error = error;

  g_mutex_lock (&pipe->lock);
  spent = pipe->spent;
  g_queue_init (&pipe->spent);
  g_mutex_unlock (&pipe->lock);
  g_queue_clear_full (&spent, tcia_catalogue_msg_free);

  g_mutex_lock (&pipe->lock);
  while (kind == MSG_BATCH && !pipe->stopped && pipe->queue.length >= QUEUE_MAX_BATCHES)
    g_cond_wait (&pipe->cond, &pipe->lock);
  stopped = pipe->stopped;
  if (!stopped)
    g_queue_push_tail (&pipe->queue, msg);
  g_cond_broadcast (&pipe->cond);
  g_mutex_unlock (&pipe->lock);

  if (stopped)
    tcia_catalogue_msg_free (msg);
  return !stopped;
}

Msg *
tcia_catalogue_pipe_pop (Pipe *pipe)
{
  Msg *msg;

  g_mutex_lock (&pipe->lock);
  while (g_queue_is_empty (&pipe->queue))
    g_cond_wait (&pipe->cond, &pipe->lock);
  msg = g_queue_pop_head (&pipe->queue);
  g_cond_broadcast (&pipe->cond);
  g_mutex_unlock (&pipe->lock);

  return msg;
}

void
tcia_catalogue_pipe_done (Pipe *pipe,
                          Msg  *msg)
{
  g_mutex_lock (&pipe->lock);
  if (pipe->stopped)
    {
      g_mutex_unlock (&pipe->lock);
      tcia_catalogue_msg_free (msg);
      return;
    }
  g_queue_push_tail (&pipe->spent, msg);
  g_mutex_unlock (&pipe->lock);
}

gboolean
tcia_catalogue_pipe_is_idle (Pipe *pipe)
{
  gboolean idle;

  g_mutex_lock (&pipe->lock);
  /* A collection's MSG_BEGIN goes before its request. */
  idle = g_queue_is_empty (&pipe->queue) ||
         (pipe->queue.length == 1 && ((Msg *) g_queue_peek_head (&pipe->queue))->kind == MSG_BEGIN);
  g_mutex_unlock (&pipe->lock);

  return idle;
}

static void
pipe_stop (Pipe *pipe)
{
  g_mutex_lock (&pipe->lock);
  pipe->stopped = TRUE;
  g_queue_clear_full (&pipe->queue, tcia_catalogue_msg_free);
  g_cond_broadcast (&pipe->cond);
  g_mutex_unlock (&pipe->lock);
  g_cancellable_cancel (pipe->cancellable);
}

static gboolean
push_batch_cb (GPtrArray  *records,
               gboolean    restart,
               gpointer    user_data,
               GError    **error)
{
  Pipe *pipe = user_data;

  if (!pipe_push (pipe, restart ? MSG_RESTART : MSG_BATCH, records, NULL))
    return !g_cancellable_set_error_if_cancelled (pipe->cancellable, error);
  return TRUE;
}

static gpointer
fetch_thread (gpointer data)
{
  Pipe *pipe = data;

  for (guint i = 0; i < pipe->todo->len; i++)
    {
      TciaCatalogueCollectionState *state = pipe->todo->pdata[i];
      g_autoptr(TciaQuery) query = tcia_query_new ();
      GError *error = NULL;

      tcia_query_set (query, &query->collection, state->name);
      if (!pipe_push (pipe, MSG_BEGIN, NULL, NULL))
        break;
      tcia_client_stream_series (pipe->client, query, push_batch_cb, pipe,
                                 pipe->cancellable, &error);
      if (!pipe_push (pipe, MSG_END, NULL, error) || error != NULL)
        break;
    }

  return NULL;
}


static void
pipe_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

void
tcia_catalogue_pipe_start (Pipe         *pipe,
                           TciaClient   *client,
                           GPtrArray    *todo,
                           GCancellable *cancellable)
{
  pipe->client = client;
  pipe->todo = todo;
  pipe->cancellable = g_cancellable_new ();
  pipe->run_cancellable = cancellable;
  pipe->stopped = FALSE;
  g_mutex_init (&pipe->lock);
  g_cond_init (&pipe->cond);
  g_queue_init (&pipe->queue);
  g_queue_init (&pipe->spent);
  pipe->handler = 0;
  if (cancellable != NULL)
    pipe->handler = g_cancellable_connect (cancellable, G_CALLBACK (pipe_cancelled_cb),
                                           g_object_ref (pipe->cancellable), g_object_unref);
  pipe->thread = g_thread_new ("tcia-catalogue-fetch", fetch_thread, pipe);
}

void
tcia_catalogue_pipe_finish (Pipe *pipe)
{
  pipe_stop (pipe);
  g_thread_join (pipe->thread);

  g_cancellable_disconnect (pipe->run_cancellable, pipe->handler);
  g_queue_clear_full (&pipe->queue, tcia_catalogue_msg_free);
  g_queue_clear_full (&pipe->spent, tcia_catalogue_msg_free);
  g_mutex_clear (&pipe->lock);
  g_cond_clear (&pipe->cond);
  g_object_unref (pipe->cancellable);
}

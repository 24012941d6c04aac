/* SPDX-License-Identifier: GPL-3.0-or-later */

/* How a listing's rows reach the caller: batches queued by the worker
 * thread, taken one per main-loop iteration on the caller's context. */

#define G_LOG_DOMAIN "tcia-core"
#include "config.h"
#include <string.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include "tcia-client-delivery.h"
#include "tcia-client-operation.h"
#include "tcia-collection.h"
#include "tcia-json-rows.h"
#include "tcia-records-private.h"
#include "tcia-text.h"
#include "tcia-value.h"

/* After a batch, the source waits this long before the next one. */
#define DELIVERY_YIELD_US      (2 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  GPtrArray *items;        /* NULL for a pure removal */
  guint      remove_last;  /* rows of ours to remove from the end first */
} Batch;

static void batch_free (gpointer data);

Delivery *
tcia_client_delivery_new (GListStore   *into,
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

Delivery *
tcia_client_delivery_ref (Delivery *delivery)
{
  g_atomic_ref_count_inc (&delivery->ref_count);

  return delivery;
}

void
tcia_client_delivery_unref (Delivery *delivery)
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

void
tcia_client_delivery_close (Delivery *delivery,
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
void
tcia_client_delivery_stop (Delivery *delivery)
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
void
tcia_client_delivery_wait_empty (Delivery     *delivery,
                     GCancellable *cancellable)
{
  g_mutex_lock (&delivery->mutex);
  while (delivery->scheduled && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait_until (&delivery->cond, &delivery->mutex,
                       g_get_monotonic_time () + 50 * G_TIME_SPAN_MILLISECOND);
  g_mutex_unlock (&delivery->mutex);
}

/* Hands rows on to the caller's main context, through a source of our own
 * attached explicitly (rather than g_main_context_invoke()) so that rows
 * are never spliced from this thread even when it could acquire the
 * caller's context. It runs at the default priority, so a busy window
 * cannot starve it, but takes one batch at a time and then waits
 * DELIVERY_YIELD_US, so a window still draws its frames while 100,000 rows
 * arrive instead of once they are all in. */
void
tcia_client_delivery_post (Delivery     *delivery,
                           GMainContext *context,
                           GPtrArray    *items,
                           guint         remove_last)
{
  Batch *batch;

  batch = g_new0 (Batch, 1);
  batch->items = items;
  batch->remove_last = remove_last;

  g_mutex_lock (&delivery->mutex);
  g_queue_push_tail (&delivery->queue, batch);
  if (delivery->source == NULL)
    {
      delivery->source = g_source_new (&delivery_source_funcs, sizeof (GSource));
      g_source_set_callback (delivery->source, deliver_cb, tcia_client_delivery_ref (delivery),
                             (GDestroyNotify) tcia_client_delivery_unref);
      g_source_set_static_name (delivery->source, "[tcia-core] deliver rows");
      g_source_set_ready_time (delivery->source, 0);
      g_source_attach (delivery->source, context);
    }
  else if (!delivery->scheduled)
    {
      g_source_set_ready_time (delivery->source, 0);
    }
  delivery->scheduled = TRUE;
  g_mutex_unlock (&delivery->mutex);
}


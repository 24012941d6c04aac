/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

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

Delivery *tcia_client_delivery_new        (GListStore   *into,
                                           GCancellable *cancellable);
Delivery *tcia_client_delivery_ref        (Delivery     *delivery);
void      tcia_client_delivery_unref      (Delivery     *delivery);
/* The last batch was posted: @failed takes the listing's rows out. */
void      tcia_client_delivery_close      (Delivery     *delivery,
                                           gboolean      failed);
/* No batch is taken any more. */
void      tcia_client_delivery_stop       (Delivery     *delivery);
/* Blocks the worker until the caller has taken every batch (or @cancellable). */
void      tcia_client_delivery_wait_empty (Delivery     *delivery,
                                           GCancellable *cancellable);
/* From the worker: @items (taken; NULL for none) appended after removing
 * @remove_last rows of ours from the end, on @context. */
void      tcia_client_delivery_post       (Delivery     *delivery,
                                           GMainContext *context,
                                           GPtrArray    *items,
                                           guint         remove_last);

G_END_DECLS

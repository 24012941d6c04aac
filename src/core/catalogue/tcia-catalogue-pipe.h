/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-catalogue-db.h"
#include "tcia-client.h"

G_BEGIN_DECLS

/* A sync's listing of collections, fetched in a thread of its own and
 * handed over, batch by batch, to the thread that stores them: for each
 * collection of @todo in order, MSG_BEGIN, MSG_BATCH (or MSG_RESTART when
 * a retried body starts again), then MSG_END (with the error when the
 * collection failed, after which nothing more comes). */

typedef enum
{
  MSG_BEGIN,
  MSG_BATCH,
  MSG_RESTART,
  MSG_END,
} MsgKind;

typedef struct
{
  MsgKind    kind;
  GPtrArray *records;  /* MSG_BATCH */
  GError    *error;    /* MSG_END of a failed collection */
} Msg;

typedef struct
{
  TciaClient        *client;
  GPtrArray         *todo;         /* of TciaCatalogueCollectionState */
  GCancellable      *cancellable;  /* the fetcher's: the run's, or stopped by the writer */
  GCancellable      *run_cancellable;
  gulong             handler;
  GThread           *thread;
  GMutex             lock;
  GCond              cond;
  GQueue             queue;        /* of Msg */
  GQueue             spent;        /* of Msg the writer is done with, for the fetcher to free */
  gboolean           stopped;      /* the writer gave up: the fetcher stops */
} Pipe;

void  tcia_catalogue_pipe_start  (Pipe         *pipe,
                                  TciaClient   *client,
                                  GPtrArray    *todo,
                                  GCancellable *cancellable);
/* Waits for the next message. */
Msg  *tcia_catalogue_pipe_pop    (Pipe         *pipe);
/* Hands @msg back to be freed in the fetcher's thread: freeing a batch's
 * records is work the writer, the busier thread, need not do. */
void      tcia_catalogue_pipe_done    (Pipe *pipe,
                                       Msg  *msg);
/* Whether no message waits: the next pop would wait for the server. */
gboolean tcia_catalogue_pipe_is_idle (Pipe *pipe);
/* Stops the fetcher (when it has not finished) and waits for it. */
void  tcia_catalogue_pipe_finish (Pipe         *pipe);
void  tcia_catalogue_msg_free    (gpointer      msg);

G_END_DECLS

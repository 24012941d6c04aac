/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Running a fake server: listening on 127.0.0.1, in the caller's main context
 * or on a thread of its own so the caller may block. */

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A SoupServer (Server: @name) on 127.0.0.1:@port (0: a free one, put in
 * @bound_port) with @callback for every path, on the thread-default context. */
SoupServer  *fake_server_listen     (const char        *name,
                                     guint              port,
                                     SoupServerCallback callback,
                                     gpointer           data,
                                     guint             *bound_port,
                                     GError           **error);

typedef gboolean (*FakeStartFunc) (gpointer   data,
                                   GError   **error);
typedef void     (*FakeStopFunc)  (gpointer   data);

typedef struct
{
  GThread      *thread;
  GMainLoop    *loop;
  GMainContext *context;
  FakeStartFunc start;
  FakeStopFunc  stop;
  gpointer      data;
  GMutex        lock;
  GCond         cond;
  gboolean      done;
  GError       *error;
} FakeRunner;

/* Starts a thread @name that runs @start (@data) with @context its
 * thread-default, then @context until fake_runner_stop(), then @stop. Returns
 * once @start has, with what it returned. @runner is zeroed by the caller. */
gboolean     fake_runner_start      (FakeRunner        *runner,
                                     const char        *name,
                                     GMainContext      *context,
                                     FakeStartFunc      start,
                                     FakeStopFunc       stop,
                                     gpointer           data,
                                     GError           **error);
/* Stops and joins the thread; FALSE when none runs. */
gboolean     fake_runner_stop       (FakeRunner        *runner);

/* Quits the GMainLoop @data. */
gboolean     fake_quit_loop_cb      (gpointer           data);

G_END_DECLS

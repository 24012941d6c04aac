/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-common"

#include "fake-server.h"

SoupServer *
fake_server_listen (const char         *name,
                    guint               port,
                    SoupServerCallback  callback,
                    gpointer            data,
                    guint              *bound_port,
                    GError            **error)
{
  g_autofree char *header = g_strconcat (name, " ", NULL);
  g_autoptr(SoupServer) server = soup_server_new ("server-header", header, NULL);
  g_autoptr(GSList) uris = NULL;

  soup_server_add_handler (server, NULL, callback, data, NULL);
  if (!soup_server_listen_local (server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return NULL;
  uris = soup_server_get_uris (server);
  if (uris == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The server has no address");
      return NULL;
    }
  *bound_port = g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  return g_steal_pointer (&server);
}

static gpointer
runner_thread (gpointer data)
{
  FakeRunner *runner = data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_main_context_push_thread_default (runner->context);
  ok = runner->start (runner->data, &error);

  g_mutex_lock (&runner->lock);
  runner->error = g_steal_pointer (&error);
  runner->done = TRUE;
  g_cond_signal (&runner->cond);
  g_mutex_unlock (&runner->lock);

  if (ok)
    g_main_loop_run (runner->loop);
  runner->stop (runner->data);
  /* Let the connections wind down. */
  while (g_main_context_iteration (runner->context, FALSE))
    ;
  g_main_context_pop_thread_default (runner->context);
  return NULL;
}

static void
runner_join (FakeRunner *runner)
{
  g_thread_join (g_steal_pointer (&runner->thread));
  g_clear_pointer (&runner->loop, g_main_loop_unref);
  g_clear_pointer (&runner->context, g_main_context_unref);
  g_mutex_clear (&runner->lock);
  g_cond_clear (&runner->cond);
}

gboolean
fake_runner_start (FakeRunner    *runner,
                   const char    *name,
                   GMainContext  *context,
                   FakeStartFunc  start,
                   FakeStopFunc   stop,
                   gpointer       data,
                   GError       **error)
{
  g_return_val_if_fail (runner->thread == NULL, FALSE);

  runner->context = g_main_context_ref (context);
  runner->loop = g_main_loop_new (context, FALSE);
  runner->start = start;
  runner->stop = stop;
  runner->data = data;
  runner->done = FALSE;
  g_mutex_init (&runner->lock);
  g_cond_init (&runner->cond);
  runner->thread = g_thread_new (name, runner_thread, runner);

  g_mutex_lock (&runner->lock);
  while (!runner->done)
    g_cond_wait (&runner->cond, &runner->lock);
  g_mutex_unlock (&runner->lock);

  if (runner->error != NULL)
    {
      /* The thread ends by itself. */
      g_propagate_error (error, g_steal_pointer (&runner->error));
      runner_join (runner);
      return FALSE;
    }
  return TRUE;
}

gboolean
fake_quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

gboolean
fake_runner_stop (FakeRunner *runner)
{
  if (runner->thread == NULL)
    return FALSE;
  g_main_context_invoke (runner->context, fake_quit_loop_cb, runner->loop);
  runner_join (runner);
  return TRUE;
}

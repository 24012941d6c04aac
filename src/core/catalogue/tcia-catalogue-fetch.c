/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include "tcia-catalogue-fetch.h"

static void
collections_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  TciaCatalogueWait *wait = user_data;

  wait->rows = tcia_client_list_collections_finish (TCIA_CLIENT (source), result, &wait->error);
  wait->done = TRUE;
}

static void
descriptions_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TciaCatalogueWait *wait = user_data;

  wait->rows = tcia_client_list_descriptions_finish (TCIA_CLIENT (source), result, &wait->error);
  wait->done = TRUE;
}

static void
cancel_fetch_cb (GCancellable *cancellable,
                 gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

void
tcia_catalogue_fetch_start (TciaCatalogueFetch *fetch,
                            TciaClient         *client,
                            GCancellable       *cancellable)
{
  fetch->context = g_main_context_new ();
  fetch->cancellable = g_cancellable_new ();
  fetch->run_cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  fetch->handler = cancellable != NULL
    ? g_cancellable_connect (cancellable, G_CALLBACK (cancel_fetch_cb), fetch->cancellable, NULL)
    : 0;
  fetch->collections = (TciaCatalogueWait) { FALSE, NULL, NULL };
  fetch->described = (TciaCatalogueWait) { TRUE, NULL, NULL };
  g_main_context_push_thread_default (fetch->context);
  tcia_client_list_collections_async (client, TRUE, NULL, fetch->cancellable,
                                      collections_cb, &fetch->collections);
  if (tcia_client_get_api_version (client) == TCIA_API_V4)
    {
      fetch->described.done = FALSE;
      tcia_client_list_descriptions_async (client, NULL, NULL, fetch->cancellable,
                                           descriptions_cb, &fetch->described);
    }
  g_main_context_pop_thread_default (fetch->context);
}

GListModel *
tcia_catalogue_fetch_finish (TciaCatalogueFetch  *fetch,
                             GListModel         **descriptions,
                             GError             **descriptions_error,
                             GError             **error)
{
  g_main_context_push_thread_default (fetch->context);
  while (!fetch->collections.done || !fetch->described.done)
    g_main_context_iteration (fetch->context, TRUE);
  g_main_context_pop_thread_default (fetch->context);
  g_clear_pointer (&fetch->context, g_main_context_unref);
  if (fetch->run_cancellable != NULL)
    g_cancellable_disconnect (fetch->run_cancellable, fetch->handler);
  g_clear_object (&fetch->run_cancellable);
  g_clear_object (&fetch->cancellable);

  *descriptions = fetch->described.rows;
  if (fetch->described.error != NULL)
    g_propagate_error (descriptions_error, fetch->described.error);
  if (fetch->collections.rows == NULL)
    g_propagate_error (error, fetch->collections.error);
  else
    g_clear_error (&fetch->collections.error);

  return fetch->collections.rows;
}

void
tcia_catalogue_fetch_drop (TciaCatalogueFetch *fetch)
{
  g_autoptr(GListModel) collections = NULL;
  g_autoptr(GListModel) descriptions = NULL;
  g_autoptr(GError) described = NULL;
  g_autoptr(GError) error = NULL;

  if (fetch->context == NULL)
    return;
  g_cancellable_cancel (fetch->cancellable);
  collections = tcia_catalogue_fetch_finish (fetch, &descriptions, &described, &error);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The local catalogue in tests: one whole sync from a server. */

#include "test-util.h"
#include "tcia-catalogue-sync.h"

static inline void
count_changed_cb (TciaLocalCatalogue *catalogue,
                  guint              *n)
{
  (*n)++;
}

/* Runs one sync of @catalogue from @client to its end, which must succeed,
 * then lets the catalogue's state ("synced-at", "is-empty", the
 * collections listed) follow through the main context: the sync's last
 * ::changed, attached before its result, has been emitted by then. */
static inline void
sync_catalogue_from (TciaLocalCatalogue *catalogue,
                     TciaClient         *client)
{
  g_autoptr(TciaCatalogueSync) sync = tcia_catalogue_sync_new (catalogue, client);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint n_changed = 0;
  gulong id = g_signal_connect (catalogue, "changed", G_CALLBACK (count_changed_cb), &n_changed);

  tcia_catalogue_sync_run_async (sync, NULL, store_result_cb, &result);
  wait_for (&result);
  g_assert_true (tcia_catalogue_sync_run_finish (sync, result, &error));
  g_assert_no_error (error);
  while (n_changed == 0 || tcia_local_catalogue_get_synced_at (catalogue) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (catalogue, id);
}

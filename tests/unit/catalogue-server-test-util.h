/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the tests of the catalogue router and of imports through it share:
 * a fake NBIA server, a client of it that gives up quickly, and an empty
 * local catalogue in a folder of its own. */

#include "catalogue-test-util.h"
#include "fake-nbia.h"

#include "tcia-core.h"
#include "tcia-import.h"

#define CATALOGUE_SERVER_TIMEOUT_S 60

static inline void
catalogue_server_start (guint                n_series,
                        const char          *dir_template,
                        FakeNbia           **fake,
                        TciaClient         **client,
                        char               **dir,
                        TciaLocalCatalogue **local)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *path = NULL;
  FakeNbiaOptions options;

  fake_nbia_options_init (&options);
  options.n_series = n_series;
  *fake = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (*fake, 0, &error));
  g_assert_no_error (error);
  url = fake_nbia_get_url (*fake, 4);
  *client = tcia_client_new (url, &error);
  g_assert_no_error (error);
  tcia_client_set_retry_policy (*client, 2, 10, 20);
  *dir = g_dir_make_tmp (dir_template, &error);
  g_assert_no_error (error);
  path = g_build_filename (*dir, "catalogue.db", NULL);
  *local = tcia_local_catalogue_new (path, &error);
  g_assert_no_error (error);
}

/* Once every other holder of @local is gone. */
static inline void
catalogue_server_stop (FakeNbia           **fake,
                       TciaClient         **client,
                       char               **dir,
                       TciaLocalCatalogue **local)
{
  /* Worker threads hold the catalogue a moment after their answers. */
  for (guint i = 0; i < CATALOGUE_SERVER_TIMEOUT_S * 100 && G_OBJECT (*local)->ref_count > 1; i++)
    spin (10);
  g_assert_finalize_object (*local);
  *local = NULL;
  g_clear_object (client);
  g_clear_pointer (fake, fake_nbia_free);
  remove_tree (*dir);
  g_clear_pointer (dir, g_free);
}

/* @uids (or the shared cart @cart when not NULL) imported through
 * @catalogue into @basket (NULL: none), in chunks of @chunk_size (0: the
 * default). */
static inline TciaImportResult *
catalogue_server_import (TciaBasket          *basket,
                         gpointer             catalogue,
                         const char * const  *uids,
                         const char          *cart,
                         guint                chunk_size,
                         GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (cart != NULL)
    tcia_import_shared_cart_async (basket, catalogue, cart, chunk_size, NULL, NULL, NULL, NULL,
                                   store_result_cb, &result);
  else
    tcia_import_resolve_async (basket, catalogue, uids, chunk_size, NULL, NULL, NULL, NULL,
                               store_result_cb, &result);
  wait_for (&result);

  return cart != NULL ? tcia_import_shared_cart_finish (result, error)
                      : tcia_import_resolve_finish (result, error);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the ui tests share; the helpers without GTK are in tests/test-util.h. */

#include <stdio.h>

#include <adwaita.h>

#include "fake-nbia.h"
#include "tcia-basket.h"
#include "tcia-client.h"
#include "tcia-import.h"
#include "test-util.h"

/* GTK, GTest and libadwaita; without a display, FALSE after the TAP plan of
 * a skip (the test then returns 0). */
static inline gboolean
ui_test_init (int    *argc,
              char ***argv)
{
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display\n");
      return FALSE;
    }
  g_test_init (argc, argv, NULL);
  adw_init ();
  return TRUE;
}

/* Shows @window at @width × @height and waits until it is on screen. */
static inline void
ui_present_window (GtkWindow *window,
                   int        width,
                   int        height)
{
  gtk_window_set_default_size (window, width, height);
  gtk_window_present (window);
  WAIT_FOR_SECONDS (gtk_widget_get_mapped (GTK_WIDGET (window)), 60);
}

/* Starts @server (@options; NULL: the defaults) in a thread of its own, and
 * returns a client of it that retries quickly: the tests wait for every
 * attempt. */
static inline TciaClient *
ui_start_fake_nbia (const FakeNbiaOptions  *options,
                    FakeNbia              **server)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  TciaClient *client;

  *server = fake_nbia_new (options);
  g_assert_true (fake_nbia_start_in_thread (*server, 0, &error));
  g_assert_no_error (error);
  url = fake_nbia_get_url (*server, 4);
  client = tcia_client_new (url, &error);
  g_assert_no_error (error);
  tcia_client_set_retry_policy (client, 2, 10, 20);
  return client;
}

/* The SeriesInstanceUID of the fake's series @index. */
static inline char *
ui_fake_uid (FakeNbia *server,
             guint     index)
{
  FakeNbiaSeriesInfo info;

  fake_nbia_get_series (server, index, &info);
  return g_strdup (info.series_uid);
}

static inline void
ui_resolved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  TciaImportResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = tcia_import_resolve_finish (result, &error);
  g_assert_no_error (error);
}

/* Puts the first @n series of @server in @basket, as the Browse page would. */
static inline void
ui_fill_basket (TciaBasket *basket,
                TciaClient *client,
                FakeNbia   *server,
                guint       n)
{
  g_autoptr(GPtrArray) uids = g_ptr_array_new_with_free_func (g_free);
  TciaImportResult *result = NULL;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (uids, ui_fake_uid (server, i));
  g_ptr_array_add (uids, NULL);

  tcia_import_resolve_async (basket, client, (const char * const *) uids->pdata, 0,
                             NULL, NULL, NULL, NULL, ui_resolved_cb, &result);
  WAIT_FOR_SECONDS (result != NULL, 60);
  g_assert_cmpuint (tcia_import_result_get_n_unknown (result), ==, 0);
  tcia_import_result_unref (result);
  g_assert_cmpuint (tcia_basket_get_n_series (basket), ==, n);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the Downloads page tests share: a window on a fake server, its
 * checkout, and the order the page shows the jobs in. */

#include <stdio.h>
#include <string.h>
#include <adwaita.h>
#include <glib/gstdio.h>
#include "fake-nbia.h"
#include "tcia-download-state.h"
#include "tcia-download-progress.h"
#include "tcia-download-row.h"
#include "tcia-downloads-page-private.h"
#include "tcia-extract.h"
#include "tcia-import.h"
#include "tcia-records-private.h"
#include "tcia-window-private.h"
#include "queue-test-util.h"
#include "ui-test-util.h"

#define TIMEOUT_S 60

typedef struct
{
  FakeNbia          *server;
  TciaClient        *client;
  char              *dir;
  char              *dest;
  GSettings         *settings;
  TciaBasket        *basket;
  TciaWindow        *window;
  TciaDownloadsPage *page;
} Fixture;

static inline void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  FakeNbiaOptions options;
  g_autoptr(GError) error = NULL;

  fake_nbia_options_init (&options);
  /* @data: a larger archive, for the tests that need many series. */
  options.n_series = data != NULL ? GPOINTER_TO_UINT (data) : 12;
  options.images_per_series_max = 3;
  options.retry_after_s = 0;
  f->client = ui_start_fake_nbia (&options, &f->server);

  f->dir = g_dir_make_tmp ("tcia-downloads-page-XXXXXX", &error);
  g_assert_no_error (error);
  /* The folder does not exist yet: checkout creates it. */
  f->dest = g_build_filename (f->dir, "Downloads", "TCIA", NULL);

  /* The memory backend: never the person's settings. */
  f->settings = g_settings_new (APP_ID);
  g_settings_set_string (f->settings, "download-folder", f->dest);
  g_settings_set_uint (f->settings, "parallel-downloads", 2);
  g_settings_set_string (f->settings, "layout", "descriptive");
  f->basket = tcia_basket_new (NULL);

  f->window = tcia_window_new_full (NULL, f->settings, f->client, f->basket);
  f->page = tcia_window_get_downloads_view (f->window);
  ui_present_window (GTK_WINDOW (f->window), 1280, 1000);
}

static inline void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  TciaDownloadQueue *queue = tcia_window_get_download_queue (f->window);
  AdwMessageDialog *dialog = tcia_window_get_dialog (f->window);

  /* Nothing left running behind the test. */
  if (queue != NULL)
    {
      tcia_download_queue_cancel_all (queue);
      WAIT_FOR (tcia_download_queue_get_n_running (queue) == 0);
    }
  if (dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->basket);
  g_clear_object (&f->settings);
  g_clear_object (&f->client);
  g_clear_pointer (&f->server, fake_nbia_free);
  tcia_extract_remove_tree (f->dir, NULL);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->dest, g_free);
}

static inline TciaDownloadQueue *
checkout (Fixture *f)
{
  TciaBasketPage *basket_page = tcia_window_get_basket_view (f->window);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (basket_page), "basket.checkout", NULL));
  WAIT_FOR (tcia_window_get_download_queue (f->window) != NULL);
  return tcia_window_get_download_queue (f->window);
}

static inline gboolean
row_says (Fixture    *f,
          guint       position,
          const char *prefix)
{
  const char *status = tcia_downloads_page_get_row_status (f->page, position);

  return status != NULL && g_str_has_prefix (status, prefix);
}

static inline guint
queue_index (TciaDownloadQueue *queue,
             TciaDownloadJob   *job)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queue)); i++)
    if (job_at (queue, i) == job)
      return i;
  g_assert_not_reached ();
}

/* The jobs shown, as queue positions: "1,0,2,3". */
static inline char *
shown_order (Fixture           *f,
             TciaDownloadQueue *queue)
{
  GListModel *shown = tcia_downloads_page_get_shown (f->page);
  GString *order = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (shown, i);

      g_string_append_printf (order, "%s%u", i > 0 ? "," : "", queue_index (queue, job));
    }
  return g_string_free (order, FALSE);
}

/* Points XDG_DATA_HOME at a new folder (returned): never the person's files,
 * whatever reads the data dir. */
static inline char *
downloads_test_data_home (void)
{
  char *data_home = g_dir_make_tmp ("tcia-downloads-data-XXXXXX", NULL);

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  return data_home;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the Browse page's tests share: a window against a fake NBIA, and
 * the waits and look-ups on its series list and filters. */
#pragma once

#include <string.h>

#include <adwaita.h>

#include "fake-nbia.h"
#include "tcia-browse-page-private.h"
#include "tcia-window-private.h"
#include "ui-test-util.h"

typedef struct
{
  FakeNbia       *server;
  TciaClient     *client;
  TciaBasket     *basket;
  TciaWindow     *window;
  TciaBrowsePage *page;
} Fixture;

static inline void
fixture_set_up_with_url (Fixture    *f,
                         const char *url)
{
  g_autoptr(GError) error = NULL;

  f->client = tcia_client_new (url, &error);
  g_assert_no_error (error);
  /* Quick retries: the tests wait for every attempt. */
  tcia_client_set_retry_policy (f->client, 2, 10, 20);
  f->basket = tcia_basket_new (NULL);
  f->window = tcia_window_new_full (NULL, NULL, f->client, f->basket);
  f->page = tcia_window_get_browse_page (f->window);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (f->window));
}

static inline void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  FakeNbiaOptions options;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  fake_nbia_options_init (&options);
  options.n_series = GPOINTER_TO_UINT (data) != 0 ? GPOINTER_TO_UINT (data) : 400;
  f->server = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (f->server, 0, &error));
  g_assert_no_error (error);
  url = fake_nbia_get_url (f->server, 4);
  fixture_set_up_with_url (f, url);
  WAIT_FOR (g_strcmp0 (tcia_browse_page_get_state (f->page), "choose") == 0);
}

static inline void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  TciaBasket *basket = g_steal_pointer (&f->basket);

  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->client);
  /* Every reference goes, once the cancelled look-ups still under way
   * (a slow server's) have come back: then nothing holds the basket. */
  g_object_add_weak_pointer (G_OBJECT (basket), (gpointer *) &basket);
  g_object_unref (basket);
  WAIT_FOR (basket == NULL);
  g_clear_pointer (&f->server, fake_nbia_free);
}

static inline GListModel *
rows (Fixture *f)
{
  return G_LIST_MODEL (tcia_browse_page_get_selection (f->page));
}

static inline void
choose_and_wait (Fixture    *f,
                 const char *collection)
{
  tcia_browse_page_choose_collection (f->page, collection);
  WAIT_FOR (!tcia_browse_page_get_loading (f->page));
  WAIT_FOR (g_strcmp0 (tcia_browse_page_get_state (f->page), "series") == 0 ||
            g_strcmp0 (tcia_browse_page_get_state (f->page), "empty") == 0);
}

static inline guint
count_fake (Fixture    *f,
            const char *collection,
            const char *modality,
            const char *body_part)
{
  guint n = 0;

  for (guint i = 0; i < fake_nbia_get_n_series (f->server); i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (f->server, i, &info);
      if (g_strcmp0 (info.collection, collection) == 0 &&
          (modality == NULL || g_strcmp0 (info.modality, modality) == 0) &&
          (body_part == NULL || g_strcmp0 (info.body_part, body_part) == 0))
        n++;
    }

  return n;
}

static inline gboolean
values_loaded (GtkDropDown *dropdown)
{
  return g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)) > 1;
}

/* The index of @value among the dropdown's choices; fails when absent. */
static inline guint
find_choice (GtkDropDown *dropdown,
             const char  *value)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 1; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TciaValue) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (tcia_value_get_value (item), value) == 0)
        return i;
    }

  g_error ("no choice %s", value);
  return 0;
}


/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <adwaita.h>

#include "fake-nbia.h"
#include "tcia-citation-list.h"
#include "tcia-citations.h"
#include "tcia-client.h"
#include "tcia-series.h"
#include "ui-test-util.h"

#define TIMEOUT_S 60

static FakeNbia *server;
static TciaClient *client;

static void
metadata_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GListModel **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = tcia_client_get_series_metadata_finish (TCIA_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

/* The first series of the fake's collection @k, with its metadata. */
static TciaSeries *
first_of_collection (guint k)
{
  const char *collection = fake_nbia_get_collections (server)[k];

  for (guint i = 0; i < fake_nbia_get_n_series (server); i++)
    {
      FakeNbiaSeriesInfo info;
      const char *uids[2] = { NULL, NULL };
      g_autoptr(GListModel) model = NULL;

      fake_nbia_get_series (server, i, &info);
      if (!g_str_equal (info.collection, collection))
        continue;
      uids[0] = info.series_uid;
      tcia_client_get_series_metadata_async (client, uids, 0, NULL, NULL, metadata_cb, &model);
      WAIT_FOR (model != NULL);
      return g_list_model_get_item (model, 0);
    }
  g_assert_not_reached ();
}

static void
test_citation_list_follows_basket (void)
{
  g_autoptr(GListStore) basket = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(TciaSeries) a = first_of_collection (0);
  g_autoptr(TciaSeries) b = first_of_collection (1);
  g_autofree char *doi_a = tcia_citation_doi_from_uri (tcia_series_get_data_description_uri (a));
  g_autofree char *doi_b = tcia_citation_doi_from_uri (tcia_series_get_data_description_uri (b));
  g_autoptr(GSettings) settings = g_settings_new ("io.github.tciabasket.TciaBasket");
  GtkWidget *window = gtk_window_new ();
  GtkWidget *list = tcia_citation_list_new ();

  g_settings_set_string (settings, "source-policy", "nbia");
  gtk_window_set_child (GTK_WINDOW (window), list);
  tcia_citation_list_setup (TCIA_CITATION_LIST (list), G_LIST_MODEL (basket), settings);
  gtk_window_present (GTK_WINDOW (window));
  /* Nothing to cite in an empty basket. */
  g_assert_false (gtk_widget_get_visible (list));

  g_list_store_append (basket, a);
  WAIT_FOR (gtk_widget_get_visible (list));
  g_assert_nonnull (strstr (tcia_citation_list_get_bibtex (TCIA_CITATION_LIST (list)), doi_a));
  g_assert_nonnull (strstr (tcia_citation_list_get_bibtex (TCIA_CITATION_LIST (list)),
                            TCIA_CITATION_TCIA_KEY));
  g_assert_nonnull (strstr (tcia_citation_list_get_text (TCIA_CITATION_LIST (list)), doi_a));
  g_assert_null (strstr (tcia_citation_list_get_bibtex (TCIA_CITATION_LIST (list)), doi_b));
  g_assert_null (strstr (tcia_citation_list_get_text (TCIA_CITATION_LIST (list)), "Fedorov"));

  g_list_store_append (basket, b);
  WAIT_FOR (strstr (tcia_citation_list_get_bibtex (TCIA_CITATION_LIST (list)), doi_b) != NULL);

  /* IDC may serve: its paper is listed too. */
  g_settings_set_string (settings, "source-policy", "auto");
  WAIT_FOR (strstr (tcia_citation_list_get_text (TCIA_CITATION_LIST (list)), "Fedorov") != NULL);

  g_list_store_remove_all (basket);
  WAIT_FOR (!gtk_widget_get_visible (list));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  int status;

  if (!ui_test_init (&argc, &argv))
    return 0;

  server = fake_nbia_new (NULL);
  g_assert_true (fake_nbia_start_in_thread (server, 0, &error));
  g_assert_no_error (error);
  url = fake_nbia_get_url (server, 4);
  client = tcia_client_new (url, &error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/citation-list/follows-basket", test_citation_list_follows_basket);

  status = g_test_run ();
  g_clear_object (&client);
  fake_nbia_free (server);
  return status;
}

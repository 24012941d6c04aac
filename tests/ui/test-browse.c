/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Browse page, what it does: filters that narrow one another, sorting,
 * the search, queries overtaken, server errors, adding to the basket,
 * connecting and an unreachable server. */
#include "config.h"

#include <stdio.h>

#define TIMEOUT_S 60
#include "browse-test-util.h"

static void
test_browse_filters_cascade (Fixture       *f,
                             gconstpointer  data)
{
  const char *collection = "RIDER Lung CT";
  GtkDropDown *modality = tcia_browse_page_get_dropdown (f->page, TCIA_VALUE_MODALITY);
  GtkDropDown *body_part = tcia_browse_page_get_dropdown (f->page, TCIA_VALUE_BODY_PART);
  GListModel *choices;
  const char *chosen_body_part = NULL;
  guint n_cr = count_fake (f, collection, "CR", NULL);

  choose_and_wait (f, collection);
  g_assert_cmpuint (g_list_model_get_n_items (rows (f)), ==, count_fake (f, collection, NULL, NULL));

  /* The modality filter offers the collection's modalities with patient counts, "All" first. */
  WAIT_FOR (values_loaded (modality));
  choices = gtk_drop_down_get_model (modality);
  g_assert_cmpuint (gtk_drop_down_get_selected (modality), ==, 0);
  for (guint i = 1; i < g_list_model_get_n_items (choices); i++)
    {
      g_autoptr(TciaValue) value = g_list_model_get_item (choices, i);

      g_assert_true (g_strcmp0 (tcia_value_get_value (value), "CT") == 0 ||
                     g_strcmp0 (tcia_value_get_value (value), "CR") == 0);
      g_assert_cmpint (tcia_value_get_count (value), >, 0);
    }
  g_assert_cmpuint (n_cr, >, 0);

  /* Choosing CR narrows the list to CR series. */
  gtk_drop_down_set_selected (modality, find_choice (modality, "CR"));
  WAIT_FOR (!tcia_browse_page_get_loading (f->page));
  g_assert_cmpuint (g_list_model_get_n_items (rows (f)), ==, n_cr);
  for (guint i = 0; i < g_list_model_get_n_items (rows (f)); i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (rows (f), i);

      g_assert_cmpstr (tcia_series_get_modality (series), ==, "CR");
      g_assert_cmpstr (tcia_series_get_collection (series), ==, collection);
    }

  /* The body parts are now those of CR series; choosing one narrows again. */
  WAIT_FOR (values_loaded (body_part));
  choices = gtk_drop_down_get_model (body_part);
  for (guint i = 1; i < g_list_model_get_n_items (choices); i++)
    {
      g_autoptr(TciaValue) value = g_list_model_get_item (choices, i);

      g_assert_cmpuint (count_fake (f, collection, "CR", tcia_value_get_value (value)), >, 0);
      if (chosen_body_part == NULL)
        chosen_body_part = g_intern_string (tcia_value_get_value (value));
    }
  g_assert_nonnull (chosen_body_part);
  gtk_drop_down_set_selected (body_part, find_choice (body_part, chosen_body_part));
  WAIT_FOR (!tcia_browse_page_get_loading (f->page));
  g_assert_cmpuint (g_list_model_get_n_items (rows (f)), ==,
                    count_fake (f, collection, "CR", chosen_body_part));
  g_assert_cmpuint (g_list_model_get_n_items (rows (f)), <=, n_cr);
  for (guint i = 0; i < g_list_model_get_n_items (rows (f)); i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (rows (f), i);

      g_assert_cmpstr (tcia_series_get_body_part (series), ==, chosen_body_part);
    }
  /* The modality choice stayed. */
  g_assert_cmpuint (gtk_drop_down_get_selected (modality), ==, find_choice (modality, "CR"));

  /* Back to all modalities: every body part's series of the collection. */
  gtk_drop_down_set_selected (modality, 0);
  WAIT_FOR (!tcia_browse_page_get_loading (f->page));
  g_assert_cmpuint (g_list_model_get_n_items (rows (f)), ==,
                    count_fake (f, collection, NULL, chosen_body_part));
}

static GtkColumnViewColumn *
column_titled (Fixture    *f,
               const char *title)
{
  GListModel *columns = gtk_column_view_get_columns (tcia_browse_page_get_series_view (f->page));

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return column;
    }

  g_error ("no column %s", title);
  return NULL;
}

static void
test_browse_sort_size_numeric (Fixture       *f,
                               gconstpointer  data)
{
  GtkColumnView *view = tcia_browse_page_get_series_view (f->page);
  guint n;
  gboolean text_order_differs = FALSE;

  choose_and_wait (f, "Soft-tissue-Sarcoma");
  n = g_list_model_get_n_items (rows (f));
  g_assert_cmpuint (n, >, 10);

  gtk_column_view_sort_by_column (view, column_titled (f, "Size"), GTK_SORT_ASCENDING);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(TciaSeries) a = g_list_model_get_item (rows (f), i - 1);
      g_autoptr(TciaSeries) b = g_list_model_get_item (rows (f), i);
      g_autofree char *text_a = g_format_size (tcia_series_get_file_size (a));
      g_autofree char *text_b = g_format_size (tcia_series_get_file_size (b));

      g_assert_cmpuint (tcia_series_get_file_size (a), <=, tcia_series_get_file_size (b));
      /* Sorting the shown text would put "10.2 kB" before "9.8 kB". */
      if (strcmp (text_a, text_b) > 0)
        text_order_differs = TRUE;
    }
  /* When the sizes span several digits the shown text is out of order. */
  if (text_order_differs)
    g_test_message ("the shown sizes are not in text order, as expected");

  gtk_column_view_sort_by_column (view, column_titled (f, "Size"), GTK_SORT_DESCENDING);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(TciaSeries) a = g_list_model_get_item (rows (f), i - 1);
      g_autoptr(TciaSeries) b = g_list_model_get_item (rows (f), i);

      g_assert_cmpuint (tcia_series_get_file_size (a), >=, tcia_series_get_file_size (b));
    }

  /* Series numbers sort as numbers too. */
  gtk_column_view_sort_by_column (view, column_titled (f, "No."), GTK_SORT_ASCENDING);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(TciaSeries) a = g_list_model_get_item (rows (f), i - 1);
      g_autoptr(TciaSeries) b = g_list_model_get_item (rows (f), i);

      if (tcia_series_get_series_number (a) != NULL && tcia_series_get_series_number (b) != NULL)
        g_assert_cmpint (atoi (tcia_series_get_series_number (a)), <=,
                         atoi (tcia_series_get_series_number (b)));
    }
}

static gboolean
contains_ci (const char *haystack,
             const char *needle)
{
  g_autofree char *h = haystack != NULL ? g_utf8_strdown (haystack, -1) : NULL;
  g_autofree char *n = g_utf8_strdown (needle, -1);

  return h != NULL && strstr (h, n) != NULL;
}

static void
test_browse_search (Fixture       *f,
                    gconstpointer  data)
{
  GtkEditable *entry = tcia_browse_page_get_search_entry (f->page);
  g_autoptr(TciaSeries) first = NULL;
  g_autofree char *uid = NULL;
  g_autofree char *patient = NULL;
  guint n_all, expected = 0;

  choose_and_wait (f, "Soft-tissue-Sarcoma");
  n_all = g_list_model_get_n_items (rows (f));
  first = g_list_model_get_item (rows (f), 0);
  uid = g_strdup (tcia_series_get_series_uid (first));
  patient = g_utf8_strdown (tcia_series_get_patient_id (first), -1);

  /* A patient ID typed in lower case finds that patient's series. */
  for (guint i = 0; i < fake_nbia_get_n_series (f->server); i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (f->server, i, &info);
      if (g_strcmp0 (info.collection, "Soft-tissue-Sarcoma") == 0 &&
          (contains_ci (info.patient_id, patient) || contains_ci (info.series_description, patient) ||
           contains_ci (info.series_uid, patient) || contains_ci (info.study_uid, patient)))
        expected++;
    }
  gtk_editable_set_text (entry, patient);
  WAIT_FOR (g_list_model_get_n_items (rows (f)) == expected);
  g_assert_cmpuint (expected, <, n_all);
  for (guint i = 0; i < g_list_model_get_n_items (rows (f)); i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (rows (f), i);

      g_assert_true (contains_ci (tcia_series_get_patient_id (series), patient) ||
                     contains_ci (tcia_series_get_series_uid (series), patient) ||
                     contains_ci (tcia_series_get_study_uid (series), patient) ||
                     contains_ci (tcia_series_get_study_description (series), patient) ||
                     contains_ci (tcia_series_get_series_description (series), patient));
    }
  g_assert_nonnull (strstr (tcia_browse_page_get_status_text (f->page), " of "));

  /* A whole series UID finds that one series. */
  gtk_editable_set_text (entry, uid);
  WAIT_FOR (g_list_model_get_n_items (rows (f)) == 1);
  {
    g_autoptr(TciaSeries) only = g_list_model_get_item (rows (f), 0);

    g_assert_cmpstr (tcia_series_get_series_uid (only), ==, uid);
  }

  /* A description word, in any case. */
  gtk_editable_set_text (entry, "LOCATOR");
  WAIT_FOR (g_list_model_get_n_items (rows (f)) < n_all);
  for (guint i = 0; i < g_list_model_get_n_items (rows (f)); i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (rows (f), i);

      g_assert_true (contains_ci (tcia_series_get_series_description (series), "locator") ||
                     contains_ci (tcia_series_get_study_description (series), "locator"));
    }

  /* Nothing matches: no rows; cleared: every row. */
  gtk_editable_set_text (entry, "no such thing at all");
  WAIT_FOR (g_list_model_get_n_items (rows (f)) == 0);
  gtk_editable_set_text (entry, "");
  WAIT_FOR (g_list_model_get_n_items (rows (f)) == n_all);
}

static void
stale_row_cb (GListModel *model,
              guint       position,
              guint       removed,
              guint       added,
              gpointer    user_data)
{
  guint *stale = user_data;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (model, i);

      if (g_strcmp0 (tcia_series_get_collection (series), "NSCLC Radiogenomics") != 0)
        (*stale)++;
    }
}

static void
test_browse_stale_query_cancelled (Fixture       *f,
                                   gconstpointer  data)
{
  guint stale = 0;
  gulong id;

  /* Far longer than the two changes of mind take, even on a loaded
   * machine: the first answers cannot arrive before they are made stale. */
  fake_nbia_set_latency (f->server, 3000);
  id = g_signal_connect (rows (f), "items-changed", G_CALLBACK (stale_row_cb), &stale);

  /* Two quick changes of mind: only the last collection's rows may ever show. */
  tcia_browse_page_choose_collection (f->page, "RIDER Lung CT");
  spin (50);
  tcia_browse_page_choose_collection (f->page, "Soft-tissue-Sarcoma");
  spin (50);
  tcia_browse_page_choose_collection (f->page, "NSCLC Radiogenomics");
  WAIT_FOR (!tcia_browse_page_get_loading (f->page));
  /* Long enough for the stale answers to have arrived, were they not cancelled. */
  spin (3500);

  g_assert_cmpuint (stale, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (rows (f)), ==,
                    count_fake (f, "NSCLC Radiogenomics", NULL, NULL));
  g_signal_handler_disconnect (rows (f), id);
}

static void
test_browse_server_error_retry (Fixture       *f,
                                gconstpointer  data)
{
  guint n;

  choose_and_wait (f, "RIDER Lung CT");
  n = g_list_model_get_n_items (rows (f));

  /* More failures than the client's attempts for every request of a reload. */
  fake_nbia_set_fault (f->server, FAKE_NBIA_FAULT_HTTP_500, 0, NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->page), "browse.reload", NULL);
  WAIT_FOR (g_strcmp0 (tcia_browse_page_get_state (f->page), "error") == 0);
  g_assert_nonnull (strstr (tcia_browse_page_get_error_text (f->page), "500"));
  g_assert_false (tcia_browse_page_get_loading (f->page));

  /* Retry, once the server is well again, brings the rows back. */
  fake_nbia_clear_faults (f->server);
  gtk_widget_activate_action (GTK_WIDGET (f->page), "browse.reload", NULL);
  WAIT_FOR (!tcia_browse_page_get_loading (f->page));
  WAIT_FOR (g_strcmp0 (tcia_browse_page_get_state (f->page), "series") == 0);
  g_assert_cmpuint (g_list_model_get_n_items (rows (f)), ==, n);
  g_assert_null (tcia_browse_page_get_error_text (f->page));

  /* A 400 shows the server's own words. */
  fake_nbia_set_fault (f->server, FAKE_NBIA_FAULT_HTTP_400, 0, NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->page), "browse.reload", NULL);
  WAIT_FOR (g_strcmp0 (tcia_browse_page_get_state (f->page), "error") == 0);
  g_assert_nonnull (strstr (tcia_browse_page_get_error_text (f->page), "Simulated bad request"));
  fake_nbia_clear_faults (f->server);
}

static void
test_browse_add_to_basket (Fixture       *f,
                           gconstpointer  data)
{
  GtkSelectionModel *selection;
  AdwViewStackPage *basket_page = tcia_window_get_basket_page (f->window);
  g_autoptr(TciaSeries) fifth = NULL;
  const char *uids[2] = { NULL, NULL };

  choose_and_wait (f, "RIDER Lung CT");
  selection = tcia_browse_page_get_selection (f->page);
  /* The rows are bound (and could show a mark) once laid out. */
  ui_wait_for_layout (GTK_WIDGET (f->window));
  g_assert_false (tcia_browse_page_row_is_marked (f->page, 0));
  g_assert_cmpuint (adw_view_stack_page_get_badge_number (basket_page), ==, 0);

  gtk_selection_model_select_range (selection, 0, 3, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (f->page), "browse.add-to-basket", NULL);
  g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (G_LIST_MODEL (selection), i);

      g_assert_true (tcia_basket_contains (f->basket, tcia_series_get_series_uid (series)));
    }
  WAIT_FOR (tcia_browse_page_row_is_marked (f->page, 0) &&
            tcia_browse_page_row_is_marked (f->page, 2));
  g_assert_false (tcia_browse_page_row_is_marked (f->page, 3));
  WAIT_FOR (adw_view_stack_page_get_badge_number (basket_page) == 3);

  /* Adding again adds nothing. */
  gtk_widget_activate_action (GTK_WIDGET (f->page), "browse.add-to-basket", NULL);
  g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, 3);

  /* What a drop of rows on the Basket page does. */
  fifth = g_list_model_get_item (G_LIST_MODEL (selection), 4);
  uids[0] = tcia_series_get_series_uid (fifth);
  g_assert_cmpuint (tcia_browse_page_add_uids (f->page, uids), ==, 1);
  WAIT_FOR (tcia_browse_page_row_is_marked (f->page, 4));
  WAIT_FOR (adw_view_stack_page_get_badge_number (basket_page) == 4);

  /* Undo takes the last addition out, and the mark goes. */
  gtk_widget_activate_action (GTK_WIDGET (f->page), "browse.undo-add", NULL);
  /* Row 4 stays bound: it was marked a moment ago and nothing scrolled. */
  WAIT_FOR (!tcia_browse_page_row_is_marked (f->page, 4));
  WAIT_FOR (adw_view_stack_page_get_badge_number (basket_page) == 3);
}


static void
test_browse_connecting_retried (void)
{
  Fixture f = { 0 };
  FakeNbiaOptions options;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  fake_nbia_options_init (&options);
  f.server = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (f.server, 0, &error));
  fake_nbia_set_fault (f.server, FAKE_NBIA_FAULT_HTTP_503, 1, NULL);
  url = fake_nbia_get_url (f.server, 4);
  fixture_set_up_with_url (&f, url);
  WAIT_FOR (g_strcmp0 (tcia_browse_page_get_state (f.page), "choose") == 0);
  g_assert_cmpstr (adw_status_page_get_description (f.page->connecting_page), ==,
                   "Server busy (HTTP 503), trying again (2 of 2)…");

  fixture_tear_down (&f, NULL);
}

static void
test_browse_unreachable (void)
{
  Fixture f = { 0 };
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *url = NULL;
  guint port;

  /* A port nobody listens on: bind one, note it, close it. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  url = g_strdup_printf ("http://127.0.0.1:%u/nbia-api/services/v4/", port);
  fixture_set_up_with_url (&f, url);
  WAIT_FOR (g_strcmp0 (tcia_browse_page_get_state (f.page), "unreachable") == 0);
  g_assert_nonnull (tcia_browse_page_get_error_text (f.page));

  gtk_window_destroy (GTK_WINDOW (f.window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f.client);
  g_clear_object (&f.basket);
}

int
main (int   argc,
      char *argv[])
{
  if (!ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/ui/browse/filters-cascade", Fixture, NULL,
              fixture_set_up, test_browse_filters_cascade, fixture_tear_down);
  g_test_add ("/ui/browse/sort-size-numeric", Fixture, NULL,
              fixture_set_up, test_browse_sort_size_numeric, fixture_tear_down);
  g_test_add ("/ui/browse/search", Fixture, NULL,
              fixture_set_up, test_browse_search, fixture_tear_down);
  g_test_add ("/ui/browse/stale-query-cancelled", Fixture, NULL,
              fixture_set_up, test_browse_stale_query_cancelled, fixture_tear_down);
  g_test_add ("/ui/browse/server-error-retry", Fixture, NULL,
              fixture_set_up, test_browse_server_error_retry, fixture_tear_down);
  g_test_add ("/ui/browse/add-to-basket", Fixture, NULL,
              fixture_set_up, test_browse_add_to_basket, fixture_tear_down);
  g_test_add_func ("/ui/browse/connecting-retried", test_browse_connecting_retried);
  g_test_add_func ("/ui/browse/unreachable", test_browse_unreachable);

  return g_test_run ();
}

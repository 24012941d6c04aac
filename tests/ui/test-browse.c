/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <adwaita.h>

#include "fake-nbia.h"
#include "tcia-browse-page-private.h"
#include "tcia-window-private.h"
#include "ui-test-util.h"

#define TIMEOUT_S 60

typedef struct
{
  FakeNbia       *server;
  TciaClient     *client;
  TciaBasket     *basket;
  TciaWindow     *window;
  TciaBrowsePage *page;
} Fixture;

static void
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

static void
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

static void
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

static GListModel *
rows (Fixture *f)
{
  return G_LIST_MODEL (tcia_browse_page_get_selection (f->page));
}

static void
choose_and_wait (Fixture    *f,
                 const char *collection)
{
  tcia_browse_page_choose_collection (f->page, collection);
  WAIT_FOR (!tcia_browse_page_get_loading (f->page));
  WAIT_FOR (g_strcmp0 (tcia_browse_page_get_state (f->page), "series") == 0 ||
            g_strcmp0 (tcia_browse_page_get_state (f->page), "empty") == 0);
}

static guint
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

static gboolean
values_loaded (GtkDropDown *dropdown)
{
  return g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)) > 1;
}

/* The index of @value among the dropdown's choices; fails when absent. */
static guint
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


typedef gboolean (*WidgetMatch) (GtkWidget  *widget,
                                  const char *text);

/* The first widget under @widget, itself included, that @match finds to
 * show @text. */
static GtkWidget *
find_descendant (GtkWidget   *widget,
                 WidgetMatch  match,
                 const char  *text)
{
  if (match (widget, text))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, match, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
label_reads (GtkWidget  *widget,
             const char *text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  return find_descendant (widget, label_reads, text) != NULL;
}

/* A row of the patients tree shown, titled @text. */
static gboolean
tree_row_titled (GtkWidget  *widget,
                 const char *text)
{
  return GTK_IS_TREE_EXPANDER (widget) && gtk_widget_get_mapped (widget) &&
         label_reads (gtk_widget_get_first_child (gtk_tree_expander_get_child (
                        GTK_TREE_EXPANDER (widget))), text);
}

/* A menu item (a GtkModelButton, private to GTK) that reads @text. */
static gboolean
menu_item_reads (GtkWidget  *widget,
                 const char *text)
{
  g_autofree char *button_text = NULL;

  if (!g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkModelButton"))
    return FALSE;
  g_object_get (widget, "text", &button_text, NULL);
  return g_strcmp0 (button_text, text) == 0;
}

/* Whether the item of @popover for @action shows @accel as its shortcut. */
static gboolean
menu_item_accel_is (GtkWidget  *popover,
                    const char *action,
                    const char *accel)
{
  GtkWidget *button = find_descendant (popover, menu_item_reads, action);
  g_autofree char *shown = NULL;

  if (button == NULL)
    return FALSE;
  g_object_get (button, "accel", &shown, NULL);
  return g_strcmp0 (shown, accel) == 0;
}

/* The choices of a filter say that they count patients; the button shows
 * the value chosen alone. */
static void
test_browse_filter_counts_patients (Fixture       *f,
                                    gconstpointer  data)
{
  GtkDropDown *modality = tcia_browse_page_get_dropdown (f->page, TCIA_VALUE_MODALITY);
  GtkWidget *button = gtk_widget_get_first_child (GTK_WIDGET (modality));
  GtkWidget *popover = gtk_widget_get_next_sibling (button);
  g_autoptr(TciaValue) value = NULL;
  g_autofree char *patients = NULL;
  guint ct;

  choose_and_wait (f, "RIDER Lung CT");
  WAIT_FOR (values_loaded (modality));
  ct = find_choice (modality, "CT");
  value = g_list_model_get_item (gtk_drop_down_get_model (modality), ct);
  patients = g_strdup_printf (tcia_value_get_count (value) == 1 ? "%d patient" : "%d patients",
                              tcia_value_get_count (value));

  g_assert_true (GTK_IS_POPOVER (popover));
  gtk_popover_popup (GTK_POPOVER (popover));
  /* The list's rows are made when the popover is first laid out. */
  WAIT_FOR (has_label (popover, "CT") && has_label (popover, patients));
  gtk_popover_popdown (GTK_POPOVER (popover));

  gtk_drop_down_set_selected (modality, ct);
  WAIT_FOR (has_label (button, "CT"));
  g_assert_false (has_label (button, patients));
}


/* A patient's row says how many studies and series it has and their size,
 * and marks what of it is in the basket. */
static void
test_browse_patients_tree (Fixture       *f,
                           gconstpointer  data)
{
  GListModel *shown;
  g_autoptr(TciaSeries) first = NULL;
  g_autoptr(GPtrArray) own = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) studies = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *patient = NULL;
  g_autofree char *size = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *partly = NULL;
  GtkWidget *tree, *row, *box, *detail, *mark;
  guint64 bytes = 0;

  choose_and_wait (f, "Soft-tissue-Sarcoma");
  shown = rows (f);
  first = g_list_model_get_item (shown, 0);
  patient = g_strdup (tcia_series_get_patient_id (first));
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      TciaSeries *series = g_list_model_get_item (shown, i);

      if (g_strcmp0 (tcia_series_get_patient_id (series), patient) != 0)
        {
          g_object_unref (series);
          continue;
        }
      bytes += tcia_series_get_file_size (series);
      g_hash_table_add (studies, (char *) g_intern_string (tcia_series_get_study_uid (series)));
      g_ptr_array_add (own, series);
    }
  g_assert_cmpuint (own->len, >, 1);
  size = g_format_size (bytes);
  expected = g_strdup_printf ("%u %s · %u series · %s", g_hash_table_size (studies),
                              g_hash_table_size (studies) == 1 ? "study" : "studies",
                              own->len, size);

  gtk_widget_activate_action (GTK_WIDGET (f->page), "browse.show-patients", NULL);
  tree = GTK_WIDGET (f->page->patients_view);
  WAIT_FOR ((row = find_descendant (tree, tree_row_titled, patient)) != NULL);
  box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (row));
  detail = gtk_widget_get_next_sibling (gtk_widget_get_first_child (box));
  mark = gtk_widget_get_last_child (box);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (detail)), ==, expected);
  g_assert_cmpint (gtk_image_get_storage_type (GTK_IMAGE (mark)), ==, GTK_IMAGE_EMPTY);

  /* One of its series in the basket: marked as partly in. */
  g_assert_true (tcia_basket_add (f->basket, g_ptr_array_index (own, 0)));
  partly = g_strdup_printf ("1 of %u series in the basket", own->len);
  g_assert_cmpint (gtk_image_get_storage_type (GTK_IMAGE (mark)), ==, GTK_IMAGE_ICON_NAME);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (mark), ==, partly);

  /* All of them: in the basket. */
  _tcia_browse_page_add_series (f->page, own);
  g_assert_cmpint (gtk_image_get_storage_type (GTK_IMAGE (mark)), ==, GTK_IMAGE_ICON_NAME);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (mark), ==, "In the basket");

  /* Emptied: no mark. */
  tcia_basket_removal_unref (tcia_basket_clear (f->basket));
  g_assert_cmpint (gtk_image_get_storage_type (GTK_IMAGE (mark)), ==, GTK_IMAGE_EMPTY);
}

/* The footer counts the selection and its size. */
static void
test_browse_selection_status (Fixture       *f,
                              gconstpointer  data)
{
  GtkSelectionModel *selection;
  guint64 bytes = 0;
  g_autofree char *size = NULL;
  g_autofree char *expected = NULL;
  guint n;

  choose_and_wait (f, "RIDER Lung CT");
  selection = tcia_browse_page_get_selection (f->page);
  n = g_list_model_get_n_items (G_LIST_MODEL (selection));
  g_assert_cmpuint (n, >, 3);
  g_assert_null (strstr (tcia_browse_page_get_status_text (f->page), "selected"));

  gtk_selection_model_select_range (selection, 0, 3, TRUE);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (G_LIST_MODEL (selection), i);

      bytes += tcia_series_get_file_size (series);
    }
  size = g_format_size (bytes);
  expected = g_strdup_printf ("3 of %u series selected · %s", n, size);
  g_assert_cmpstr (tcia_browse_page_get_status_text (f->page), ==, expected);

  /* The patients tree, where nothing is selected, counts its own selection. */
  gtk_widget_activate_action (GTK_WIDGET (f->page), "browse.show-patients", NULL);
  g_assert_null (strstr (tcia_browse_page_get_status_text (f->page), "selected"));
  gtk_widget_activate_action (GTK_WIDGET (f->page), "browse.show-patients", NULL);
  g_assert_cmpstr (tcia_browse_page_get_status_text (f->page), ==, expected);

  /* Nothing selected: the count of the list again. */
  gtk_selection_model_unselect_all (selection);
  g_assert_null (strstr (tcia_browse_page_get_status_text (f->page), "selected"));
}

static void
start_series_query (Fixture    *f,
                    const char *collection)
{
  g_autoptr(TciaQuery) query = tcia_query_new ();

  tcia_query_set (query, &query->collection, collection);
  tcia_browse_page_load_query (f->page, query);
}

/* What the page showed when the client announced its second attempt. */
typedef struct
{
  TciaBrowsePage *page;
  char           *status;
  char           *state;
  gboolean        loading;
} SecondAttempt;

/* After the page's own handler: the page has said it by then. Looked at
 * here rather than by polling the status: on a busy machine the next
 * announcement can come in the same main loop iteration and replace it. */
static void
second_attempt_cb (TciaClient    *client,
                   guint          attempt,
                   guint          max_attempts,
                   guint          delay_ms,
                   const char    *reason,
                   SecondAttempt *seen)
{
  if (attempt != 2 || seen->status != NULL)
    return;
  seen->status = g_strdup (tcia_browse_page_get_status_text (seen->page));
  seen->state = g_strdup (tcia_browse_page_get_state (seen->page));
  seen->loading = tcia_browse_page_get_loading (seen->page);
}

/* While the server is retried the page says so, with the attempt, and can
 * be cancelled; no API word reaches the person. */
static void
test_browse_retrying (Fixture       *f,
                      gconstpointer  data)
{
  SecondAttempt seen = { f->page, NULL, NULL, FALSE };
  gulong id;

  choose_and_wait (f, "RIDER Lung CT");
  /* The fake's Retry-After (1 s) is the wait: long enough to be seen. */
  tcia_client_set_retry_policy (f->client, 5, 10, 5000);
  fake_nbia_set_fault (f->server, FAKE_NBIA_FAULT_HTTP_503, 0, NULL);
  id = g_signal_connect_after (f->client, "retrying::TciaSeries",
                               G_CALLBACK (second_attempt_cb), &seen);
  start_series_query (f, "RIDER Lung CT");

  WAIT_FOR (seen.status != NULL);
  g_signal_handler_disconnect (f->client, id);
  g_test_message ("%s", seen.status);
  g_assert_cmpstr (seen.status, ==, "Server busy (HTTP 503), trying again (2 of 5)…");
  g_assert_cmpstr (seen.state, ==, "loading");
  g_assert_true (seen.loading);
  g_free (seen.status);
  g_free (seen.state);

  /* Cancel stops it for good: no rows, no error, a way to try again. */
  gtk_widget_activate_action (GTK_WIDGET (f->page), "browse.cancel-loading", NULL);
  g_assert_false (tcia_browse_page_get_loading (f->page));
  g_assert_cmpstr (tcia_browse_page_get_state (f->page), ==, "stopped");
  g_assert_null (tcia_browse_page_get_error_text (f->page));
  /* Long enough for another attempt and its announcement, were it not cancelled. */
  spin (1500);
  g_assert_cmpstr (tcia_browse_page_get_state (f->page), ==, "stopped");
  g_assert_cmpstr (tcia_browse_page_get_status_text (f->page), ==, "Loading stopped");
  g_assert_cmpuint (g_list_model_get_n_items (rows (f)), ==, 0);

  /* When every attempt fails, the error is a sentence without API words. */
  tcia_client_set_retry_policy (f->client, 2, 10, 20);
  start_series_query (f, "RIDER Lung CT");
  WAIT_FOR (g_strcmp0 (tcia_browse_page_get_state (f->page), "error") == 0);
  g_test_message ("%s", tcia_browse_page_get_error_text (f->page));
  g_assert_null (strstr (tcia_browse_page_get_error_text (f->page), "getSeries"));
  g_assert_true (g_str_has_suffix (tcia_browse_page_get_error_text (f->page), "."));

  /* Server well again: Retry brings the rows. */
  fake_nbia_clear_faults (f->server);
  gtk_widget_activate_action (GTK_WIDGET (f->page), "browse.reload", NULL);
  /* "series" comes with the first batch; the count is whole once loading ends. */
  WAIT_FOR (g_strcmp0 (tcia_browse_page_get_state (f->page), "series") == 0 &&
            !tcia_browse_page_get_loading (f->page));
  g_assert_cmpuint (g_list_model_get_n_items (rows (f)), ==,
                    count_fake (f, "RIDER Lung CT", NULL, NULL));
}


/* A menu shows the main shortcut of an action, not one of its alternatives. */
static void
test_browse_menu_accels (Fixture       *f,
                         gconstpointer  data)
{
  static const struct
  {
    const char *action;
    const char *accel;
  } expected[] = {
    { "browse.add-to-basket", "<Control>d" },
    { "browse.reload", "<Control>r" },
    { "browse.context-menu", "<Shift>F10" },
  };
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkWidget *view = GTK_WIDGET (tcia_browse_page_get_series_view (f->page));
  GtkWidget *popover;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_menu_append (menu, expected[i].action, expected[i].action);
  popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  /* Parented, the menu's items know their actions' accelerators; shown,
   * it would only race with pointer events of the test's own making. */
  gtk_widget_set_parent (popover, view);

  /* The items learn their accelerators once the popover has a root. */
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    WAIT_FOR (menu_item_accel_is (popover, expected[i].action, expected[i].accel));

  gtk_widget_unparent (popover);
}

/* Presses @keyval (with @state) where @widget's own key controllers of the
 * capture phase see it first: GTK 4.8 offers no way to send a real key. */
static void
press_key (GtkWidget       *widget,
           guint            keyval,
           GdkModifierType  state)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
    }
  g_assert_true (handled);
}

/* The series table is one Tab stop: Tab from a row goes to the control
 * after the table, Shift+Tab to the one before, not row by row. */
static void
test_browse_table_one_tab_stop (Fixture       *f,
                                gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (tcia_browse_page_get_series_view (f->page));
  GtkRoot *root = gtk_widget_get_root (view);

  choose_and_wait (f, "RIDER Lung CT");
  /* Rows to take the focus, laid out. */
  ui_wait_for_layout (GTK_WIDGET (f->window));
  g_assert_true (gtk_widget_grab_focus (view));
  WAIT_FOR (gtk_root_get_focus (root) != NULL &&
            gtk_widget_is_ancestor (gtk_root_get_focus (root), view));

  press_key (view, GDK_KEY_Tab, 0);
  g_assert_nonnull (gtk_root_get_focus (root));
  g_assert_false (gtk_widget_is_ancestor (gtk_root_get_focus (root), view));
  g_assert_true (gtk_widget_get_can_focus (view));

  g_assert_true (gtk_widget_grab_focus (view));
  press_key (view, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK);
  g_assert_nonnull (gtk_root_get_focus (root));
  g_assert_false (gtk_widget_is_ancestor (gtk_root_get_focus (root), view));
}

/* The first listing retried says so too, on the "Connecting…" page. */
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
  g_test_add ("/ui/browse/filter-counts-patients", Fixture, NULL,
              fixture_set_up, test_browse_filter_counts_patients, fixture_tear_down);
  g_test_add ("/ui/browse/patients-tree", Fixture, NULL,
              fixture_set_up, test_browse_patients_tree, fixture_tear_down);
  g_test_add ("/ui/browse/table-one-tab-stop", Fixture, NULL,
              fixture_set_up, test_browse_table_one_tab_stop, fixture_tear_down);
  g_test_add ("/ui/browse/selection-status", Fixture, NULL,
              fixture_set_up, test_browse_selection_status, fixture_tear_down);
  g_test_add ("/ui/browse/retrying", Fixture, NULL,
              fixture_set_up, test_browse_retrying, fixture_tear_down);
  g_test_add ("/ui/browse/menu-accels", Fixture, NULL,
              fixture_set_up, test_browse_menu_accels, fixture_tear_down);
  g_test_add_func ("/ui/browse/connecting-retried", test_browse_connecting_retried);
  g_test_add_func ("/ui/browse/unreachable", test_browse_unreachable);

  return g_test_run ();
}

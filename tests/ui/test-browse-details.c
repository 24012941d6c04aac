/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Browse page, what it tells: the filters' patient counts, the
 * patients tree, the selection in the footer, a server being retried, the
 * menus' shortcuts, one Tab stop per table. */
#include "config.h"

#include <stdio.h>

#define TIMEOUT_S 60
#include "browse-test-util.h"

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
int
main (int   argc,
      char *argv[])
{
  if (!ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/ui/browse/filter-counts-patients", Fixture, NULL,
              fixture_set_up, test_browse_filter_counts_patients, fixture_tear_down);
  g_test_add ("/ui/browse/patients-tree", Fixture, NULL,
              fixture_set_up, test_browse_patients_tree, fixture_tear_down);
  g_test_add ("/ui/browse/selection-status", Fixture, NULL,
              fixture_set_up, test_browse_selection_status, fixture_tear_down);
  g_test_add ("/ui/browse/retrying", Fixture, NULL,
              fixture_set_up, test_browse_retrying, fixture_tear_down);
  g_test_add ("/ui/browse/menu-accels", Fixture, NULL,
              fixture_set_up, test_browse_menu_accels, fixture_tear_down);
  g_test_add ("/ui/browse/table-one-tab-stop", Fixture, NULL,
              fixture_set_up, test_browse_table_one_tab_stop, fixture_tear_down);

  return g_test_run ();
}

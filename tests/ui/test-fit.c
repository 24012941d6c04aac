/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gi18n.h>

#include "fake-nbia.h"
#include "tcia-column-sizing.h"
#include "tcia-download-progress.h"
#include "tcia-download-queue.h"
#include "tcia-downloads-page.h"
#include "tcia-extract.h"
#include "tcia-basket-page-private.h"
#include "tcia-browse-page-private.h"
#include "tcia-preferences-window.h"
#include "tcia-window-private.h"
#include "ui-test-util.h"

/* Every page (Browse with rows, Basket with series, Downloads with a
 * checkout under way, Preferences), in German, at the default size and at
 * the narrowest the window allows (360 px), is checked for text a person
 * cannot read:
 *
 * - a GtkLabel that ellipsizes its text (pango_layout_is_ellipsized), or a
 *   GtkInscription whose text is wider than its allocation, must offer the
 *   whole text as a tooltip (a static tooltip holding the text, or a
 *   query-tooltip handler that answers with it);
 * - no mapped widget is allocated less width than its minimum. A widget
 *   that can shrink (an ellipsizing label, a scrolled window) has a small
 *   minimum and passes; one that cannot (a label that neither wraps nor
 *   ellipsizes, a row of buttons) has its natural width as its minimum,
 *   and GTK draws it cut off, or over its neighbour, when given less;
 * - the window itself is no wider than asked: a page whose minimum width
 *   is larger would force the window wider than the screen.
 *
 * Hidden and unmapped widgets (other pages, closed popovers) are skipped:
 * they are checked when shown. So is the title of a toast (see in_toast()). */

#define TIMEOUT_S 60
#define HEIGHT    720

typedef struct
{
  FakeNbia   *server;
  TciaClient *client;
  char       *dir;
  GSettings  *settings;
  TciaBasket *basket;
  TciaWindow *window;
  int         width;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  FakeNbiaOptions options;
  g_autoptr(GError) error = NULL;
  g_autofree char *dest = NULL;

  f->width = GPOINTER_TO_INT (data);
  fake_nbia_options_init (&options);
  options.n_series = 80;
  options.images_per_series_max = 2;
  options.retry_after_s = 0;
  /* A series under the trickle fault keeps downloading, a few hundred
   * bytes a second, while its row is measured. */
  options.trickle_ms = 4;
  f->client = ui_start_fake_nbia (&options, &f->server);

  f->dir = g_dir_make_tmp ("tcia-fit-XXXXXX", &error);
  g_assert_no_error (error);
  dest = g_build_filename (f->dir, "Downloads", NULL);
  f->settings = g_settings_new (APP_ID);
  g_settings_set_string (f->settings, "download-folder", dest);
  g_settings_set_uint (f->settings, "parallel-downloads", 1);
  g_settings_set_int (f->settings, "window-width", f->width);
  g_settings_set_int (f->settings, "window-height", HEIGHT);
  f->basket = tcia_basket_new (NULL);

  f->window = tcia_window_new_full (NULL, f->settings, f->client, f->basket);
  /* Wide first: what the pages build there must not keep the window wide
   * once it is made narrow. */
  ui_present_window (GTK_WINDOW (f->window), 1100, HEIGHT);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  TciaDownloadQueue *queue = tcia_window_get_download_queue (f->window);

  if (queue != NULL)
    {
      tcia_download_queue_cancel_all (queue);
      WAIT_FOR (tcia_download_queue_get_n_running (queue) == 0);
    }
  gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->basket);
  g_clear_object (&f->settings);
  g_clear_object (&f->client);
  g_clear_pointer (&f->server, fake_nbia_free);
  tcia_extract_remove_tree (f->dir, NULL);
  g_clear_pointer (&f->dir, g_free);
}

static char *
describe (GtkWidget *widget)
{
  const char *text = NULL;

  if (GTK_IS_LABEL (widget))
    text = gtk_label_get_text (GTK_LABEL (widget));
  else if (GTK_IS_INSCRIPTION (widget))
    text = gtk_inscription_get_text (GTK_INSCRIPTION (widget));
  else if (GTK_IS_BUTTON (widget))
    text = gtk_button_get_label (GTK_BUTTON (widget));

  return g_strdup_printf ("%s%s%s%s", G_OBJECT_TYPE_NAME (widget),
                          text != NULL ? " \"" : "", text != NULL ? text : "",
                          text != NULL ? "\"" : "");
}

static gboolean
is_cut (GtkWidget   *widget,
        const char **text)
{
  if (GTK_IS_LABEL (widget))
    {
      *text = gtk_label_get_text (GTK_LABEL (widget));
      return gtk_label_get_ellipsize (GTK_LABEL (widget)) != PANGO_ELLIPSIZE_NONE &&
             pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget)));
    }
  if (GTK_IS_INSCRIPTION (widget))
    {
      g_autoptr(PangoLayout) layout = NULL;
      int width;

      *text = gtk_inscription_get_text (GTK_INSCRIPTION (widget));
      if (*text == NULL || **text == '\0')
        return FALSE;
      layout = gtk_widget_create_pango_layout (widget, *text);
      pango_layout_get_pixel_size (layout, &width, NULL);
      return width > gtk_widget_get_width (widget);
    }

  return FALSE;
}

/* Whether hovering @widget shows @text in full. */
static gboolean
tooltip_shows (GtkWidget  *widget,
               const char *text)
{
  const char *tooltip = gtk_widget_get_tooltip_text (widget);
  g_autoptr(GtkTooltip) query = NULL;
  gboolean answered = FALSE;

  if (tooltip != NULL)
    return strstr (tooltip, text) != NULL;
  if (!gtk_widget_get_has_tooltip (widget))
    return FALSE;

  /* A query-tooltip handler: it must answer, and with the whole text. */
  query = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  g_signal_emit_by_name (widget, "query-tooltip", 1, 1, FALSE, query, &answered);

  return answered && g_strcmp0 (tcia_cut_text (widget), text) == 0;
}

/* The width the parent gave @widget, as gtk_widget_measure() counts it:
 * the content box with padding, border and margins (CSS and widget). */
static int
allocated_width (GtkWidget *widget)
{
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  GtkBorder padding, border, margin;

  gtk_style_context_get_padding (style, &padding);
  gtk_style_context_get_border (style, &border);
  gtk_style_context_get_margin (style, &margin);

  return gtk_widget_get_width (widget) + padding.left + padding.right + border.left +
         border.right + margin.left + margin.right + gtk_widget_get_margin_start (widget) +
         gtk_widget_get_margin_end (widget);
}

/* What a scrolled window shows with a scrollbar is narrower than its
 * minimum, and can be scrolled to; without a scrollbar (the "external"
 * policy) the rest is out of reach. */
static gboolean
scrolls_sideways (GtkWidget *widget)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);
  GtkPolicyType policy;

  if (!GTK_IS_SCROLLED_WINDOW (parent))
    return FALSE;

  gtk_scrolled_window_get_policy (GTK_SCROLLED_WINDOW (parent), &policy, NULL);
  return policy == GTK_POLICY_AUTOMATIC || policy == GTK_POLICY_ALWAYS;
}

/* libadwaita 1.2 draws a toast's title on one line, and offers no way to
 * wrap it or give it a tooltip; what a toast says is also on the page it
 * leads to. */
static gboolean
in_toast (GtkWidget *widget)
{
  GType toast_widget = g_type_from_name ("AdwToastWidget");

  return toast_widget != 0 && gtk_widget_get_ancestor (widget, toast_widget) != NULL;
}

static void
check_tree (GtkWidget *widget,
            GString   *problems)
{
  const char *text = NULL;
  int minimum = 0;

  if (!gtk_widget_get_mapped (widget))
    return;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  if (allocated_width (widget) < minimum && !scrolls_sideways (widget))
    {
      g_autofree char *what = describe (widget);

      g_string_append_printf (problems, "  %s: %d px wide, needs %d\n",
                              what, allocated_width (widget), minimum);
    }

  if (is_cut (widget, &text) && !tooltip_shows (widget, text) && !in_toast (widget))
    {
      g_autofree char *what = describe (widget);

      g_string_append_printf (problems, "  %s: cut, without a tooltip\n", what);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_tree (child, problems);
}

/* The innermost widgets that ask for more than @width: the ones that
 * keep the window from narrowing. */
static void
report_too_wide (GtkWidget *widget,
                 int        width,
                 GString   *problems)
{
  gboolean child_too_wide = FALSE;
  int minimum = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_visible (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
      if (minimum > width)
        {
          child_too_wide = TRUE;
          report_too_wide (child, width, problems);
        }
    }

  if (!child_too_wide)
    {
      g_autofree char *what = describe (widget);

      gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
      g_string_append_printf (problems, "    %s in %s needs %d px\n", what,
                              G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)), minimum);
    }
}

/* A window cannot be made narrower than its minimum, which counts its
 * frame too (in Xvfb, the solid frame of client-side decorations): a
 * 360 px screen holds a window whose minimum is 360 at most. With
 * @content_only, only what is inside the frame must fit in @width:
 * libadwaita 1.2's preferences window asks 360 px for its own content. */
static void
check_window (GtkWindow  *window,
              int         width,
              gboolean    content_only,
              const char *what,
              GString    *problems)
{
  g_autoptr(GString) found = g_string_new (NULL);
  GtkWidget *content = gtk_widget_get_first_child (GTK_WIDGET (window));
  int minimum = 0;
  int content_minimum = 0;

  ui_wait_for_layout (GTK_WIDGET (window));
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL,
                      NULL, NULL);
  gtk_widget_measure (content, GTK_ORIENTATION_HORIZONTAL, -1, &content_minimum, NULL, NULL,
                      NULL);
  if (content_only)
    minimum = content_minimum;
  if (minimum > width || gtk_widget_get_width (GTK_WIDGET (window)) > width)
    {
      g_string_append_printf (found, "  the window needs %d px, not %d, because of:\n",
                              minimum, width);
      report_too_wide (content, width - (minimum - content_minimum), found);
    }
  check_tree (GTK_WIDGET (window), found);
  if (found->len > 0)
    g_string_append_printf (problems, "%s at %d px:\n%s", what, width, found->str);
}

static void
show_page (Fixture    *f,
           const char *name)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", name));
}

/* Shows page @name and waits until it has settled: a page mapped after the
 * window was narrowed folds its sidebar or summary only then, with an
 * animation, and what it shows meanwhile is not its layout. */
static void
show_page_settled (Fixture    *f,
                   const char *name)
{
  show_page (f, name);
  ui_wait_for_layout (GTK_WIDGET (f->window));
}

/* The series of the first collection, in Browse's table. */
static GListModel *
list_first_collection (Fixture *f,
                       guint    at_least)
{
  TciaBrowsePage *browse = tcia_window_get_browse_page (f->window);
  g_autoptr(TciaCollection) collection = NULL;
  GListModel *rows;

  WAIT_FOR (g_list_model_get_n_items (tcia_browse_page_get_collections (browse)) > 0);
  collection = g_list_model_get_item (tcia_browse_page_get_collections (browse), 0);
  tcia_browse_page_choose_collection (browse, tcia_collection_get_name (collection));
  WAIT_FOR (g_strcmp0 (tcia_browse_page_get_state (browse), "series") == 0);
  rows = G_LIST_MODEL (tcia_browse_page_get_selection (browse));
  WAIT_FOR (g_list_model_get_n_items (rows) >= at_least);
  return rows;
}

static void
test_fit_pages (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  GListModel *rows;
  TciaPreferencesWindow *preferences;
  g_autoptr(GPtrArray) series = g_ptr_array_new_with_free_func (g_object_unref);

  /* Browse: a collection's series in the table. */
  rows = list_first_collection (f, 1);

  /* Basket: those series. */
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    g_ptr_array_add (series, g_list_model_get_item (rows, i));
  tcia_basket_add_many (f->basket, (TciaSeries * const *) series->pdata, series->len);
  show_page (f, "basket");
  ui_wait_for_layout (GTK_WIDGET (f->window));

  /* Downloads: a checkout, paused, so that no row changes while it is
   * measured. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (tcia_window_get_basket_view (f->window)),
                                             "basket.checkout", NULL));
  WAIT_FOR (tcia_window_get_download_queue (f->window) != NULL);
  show_page (f, "downloads");
  WAIT_FOR (tcia_download_queue_get_n_running (tcia_window_get_download_queue (f->window)) > 0);
  ui_wait_for_layout (GTK_WIDGET (f->window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (tcia_window_get_downloads_view (f->window)),
                                             "downloads.pause-all", NULL));
  WAIT_FOR (tcia_download_queue_get_n_running (tcia_window_get_download_queue (f->window)) == 0);

  /* Now at the size under test, each page; the sidebar folds away with an
   * animation, which the resize waits out. */
  ui_resize_window (GTK_WINDOW (f->window), f->width, HEIGHT);
  show_page_settled (f, "browse");
  check_window (GTK_WINDOW (f->window), f->width, FALSE, "Browse", problems);
  /* At the default size every column is on screen, Images and Size (the
   * last) too, without scrolling sideways: German's longer titles and
   * wider sidebar must not push them out. */
  if (f->width >= 1100)
    {
      TciaBrowsePage *browse = tcia_window_get_browse_page (f->window);
      GtkColumnView *table = tcia_browse_page_get_series_view (browse);
      GtkAdjustment *across = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (table));

      /* With a local catalogue the sidebar also has the search of all
       * collections, whose German placeholder widens it. */
      gtk_widget_set_visible (GTK_WIDGET (tcia_browse_page_get_archive_entry (browse)), TRUE);
      WAIT_FOR (gtk_adjustment_get_page_size (across) > 0 &&
                gtk_adjustment_get_upper (across) <= gtk_adjustment_get_page_size (across));
    }
  /* The footer counts a selection, a longer line in German. */
  g_assert_true (gtk_selection_model_select_range (
    tcia_browse_page_get_selection (tcia_window_get_browse_page (f->window)), 0, 2, TRUE));
  WAIT_FOR (g_str_has_suffix (tcia_browse_page_get_status_text (
    tcia_window_get_browse_page (f->window)), "B") &&
            strstr (tcia_browse_page_get_status_text (
    tcia_window_get_browse_page (f->window)), "ausgewählt") != NULL);
  check_window (GTK_WINDOW (f->window), f->width, FALSE, "Browse, series selected", problems);
  show_page_settled (f, "basket");
  check_window (GTK_WINDOW (f->window), f->width, FALSE, "Basket", problems);
  show_page_settled (f, "downloads");
  check_window (GTK_WINDOW (f->window), f->width, FALSE, "Downloads", problems);

  /* Preferences, at the same size. */
  preferences = tcia_preferences_window_new (GTK_WINDOW (f->window), f->settings,
                                             tcia_client_get_api_url (f->client));
  ui_present_window (GTK_WINDOW (preferences), f->width, HEIGHT);
  check_window (GTK_WINDOW (preferences), f->width, TRUE, "Preferences", problems);
  gtk_window_destroy (GTK_WINDOW (preferences));

  if (problems->len > 0)
    g_printerr ("Text cut off or squeezed, in German:\n%s", problems->str);
  g_assert_cmpstr (problems->str, ==, "");
}

/* The running series of the test below: a trickle, so that each has bytes
 * to show. */
static gboolean
running_rows_have_bytes (TciaDownloadQueue *queue)
{
  guint n_fast = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queue)); i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);

      if (tcia_download_job_get_state (job) == TCIA_DOWNLOAD_JOB_RUNNING &&
          tcia_download_job_get_bytes_received (job) > TCIA_SPEED_MIN_SHOWN)
        n_fast++;
    }
  return n_fast == 2;
}

/* The Downloads page while series are on their way, with rows of every
 * look at once: running (with sizes and speed), failed (with its error),
 * waiting, and done (compact). The test above measures a paused queue;
 * what a running row shows is wider. */
static void
test_fit_downloads_running (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GPtrArray) series = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *rows = list_first_collection (f, 6);
  TciaDownloadQueue *queue;
  GtkWidget *basket_page = GTK_WIDGET (tcia_window_get_basket_view (f->window));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    g_ptr_array_add (series, g_list_model_get_item (rows, i));

  /* First three series: two done, one failed for good. */
  fake_nbia_set_fault (f->server, FAKE_NBIA_FAULT_WRONG_MD5, 0,
                       tcia_series_get_series_uid (series->pdata[2]));
  g_settings_set_uint (f->settings, "parallel-downloads", 2);
  tcia_basket_add_many (f->basket, (TciaSeries * const *) series->pdata, 3);
  g_assert_true (gtk_widget_activate_action (basket_page, "basket.checkout", NULL));
  WAIT_FOR (tcia_window_get_download_queue (f->window) != NULL);
  queue = tcia_window_get_download_queue (f->window);
  WAIT_FOR (tcia_download_queue_is_finished (queue));
  g_assert_cmpuint (tcia_download_queue_get_n_done (queue), ==, 2);
  g_assert_cmpuint (tcia_download_queue_get_n_failed (queue), ==, 1);

  /* Then the rest: two that keep running, the others waiting behind them. */
  for (guint i = 3; i < series->len; i++)
    fake_nbia_set_fault (f->server, FAKE_NBIA_FAULT_TRICKLE, 0,
                         tcia_series_get_series_uid (series->pdata[i]));
  tcia_basket_clear (f->basket);
  tcia_basket_add_many (f->basket, (TciaSeries * const *) series->pdata + 3, series->len - 3);
  g_assert_true (gtk_widget_activate_action (basket_page, "basket.checkout", NULL));
  show_page (f, "downloads");
  WAIT_FOR (running_rows_have_bytes (queue));

  ui_resize_window (GTK_WINDOW (f->window), f->width, HEIGHT);
  check_window (GTK_WINDOW (f->window), f->width, FALSE, "Downloads, running", problems);
  g_assert_cmpuint (tcia_download_queue_get_n_running (queue), ==, 2);

  if (problems->len > 0)
    g_printerr ("Text cut off or squeezed, in German:\n%s", problems->str);
  g_assert_cmpstr (problems->str, ==, "");
}

static void
run_xdotool (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
}

/* Types @keys into @window as a person would: a real key press through the
 * X server (GTK 4.8 has no way to send one), with the focus where it is.
 * The X server sends a key to the window that has the focus when it comes:
 * the window is given the focus first, and the key follows once GTK has
 * seen the focus arrive (not merely once it was asked for). Meson runs
 * these tests alone (tests/ui/meson.build): another test's window shown
 * meanwhile would take the focus, and the key with it. */
static void
press_keys (GtkWidget  *window,
            const char *keys)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autofree char *xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  const char *focus[] = { "xdotool", "windowfocus", "--sync", xid, NULL };
  const char *key[] = { "xdotool", "key", "--clearmodifiers", keys, NULL };

  run_xdotool (focus);
  WAIT_FOR (gtk_window_is_active (GTK_WINDOW (window)));
  run_xdotool (key);
}

static void
count_cb (guint *count)
{
  (*count)++;
}

/* The Download button's mnemonic (Alt+D in English, Alt+H in German)
 * downloads the basket in every layout: in a narrow window, with the
 * summary (and the button) folded away and shown. */
static void
test_fit_checkout_key (Fixture       *f,
                       gconstpointer  data)
{
  GListModel *rows = list_first_collection (f, 3);
  TciaBasketPage *page = tcia_window_get_basket_view (f->window);
  GtkWidget *button = tcia_basket_page_get_download_button (page);
  AdwFlap *flap = ADW_FLAP (gtk_widget_get_ancestor (button, ADW_TYPE_FLAP));
  g_autoptr(GPtrArray) series = g_ptr_array_new_with_free_func (g_object_unref);
  guint checkouts = 0;
  GtkLabel *label = GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button)));
  guint keyval = gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (label));
  g_autofree char *keys = g_strdup_printf ("alt+%s", gdk_keyval_name (keyval));
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");

  if (xdotool == NULL)
    {
      g_test_skip ("xdotool is needed to press keys");
      return;
    }

  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (series, g_list_model_get_item (rows, i));
  tcia_basket_add_many (f->basket, (TciaSeries * const *) series->pdata, series->len);
  g_signal_connect_swapped (page, "checkout", G_CALLBACK (count_cb), &checkouts);
  show_page (f, "basket");
  /* Until the summary has finished folding away (or not). */
  ui_resize_window (GTK_WINDOW (f->window), f->width, HEIGHT);

  /* The summary folded away (in a narrow window): no button on screen.
   * Waited for, not assumed after the second above: on a loaded machine
   * the window took longer to be laid out at its new width. */
  if (f->width < 600)
    WAIT_FOR (adw_flap_get_folded (flap) && !adw_flap_get_reveal_flap (flap) &&
              !gtk_widget_get_mapped (button));
  press_keys (GTK_WIDGET (f->window), keys);
  WAIT_FOR (checkouts == 1);
  /* The window goes on to Downloads once it has checked the free space:
   * only then may the test go back to the basket, or the window would
   * leave it again under the second key press. */
  WAIT_FOR (g_strcmp0 (adw_view_stack_get_visible_child_name (f->window->stack),
                       "downloads") == 0);
  g_assert_nonnull (tcia_window_get_download_queue (f->window));

  /* The summary shown over the list: the button's own mnemonic is there
   * too, and the key still downloads rather than only moving the focus.
   * The key waits for the summary to have slid all the way in. */
  show_page (f, "basket");
  adw_flap_set_reveal_flap (flap, TRUE);
  ui_wait_for_layout (GTK_WIDGET (f->window));
  g_assert_cmpfloat (adw_flap_get_reveal_progress (flap), ==, 1.0);
  g_assert_true (gtk_widget_get_mapped (button));
  press_keys (GTK_WIDGET (f->window), keys);
  WAIT_FOR (checkouts == 2);
}

static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
}

/* The choices of each filter of Browse, its list open: a long one
 * ("Varian Imaging Laboratories, Switzerland") is read whole, and the
 * list fits the screen. */
static void
test_fit_filter_choices (Fixture       *f,
                         gconstpointer  data)
{
  TciaBrowsePage *browse = tcia_window_get_browse_page (f->window);
  g_autoptr(GString) problems = g_string_new (NULL);
  static const char * const names[] = { "Modality", "Body part", "Manufacturer" };
  gboolean long_seen = FALSE;

  list_first_collection (f, 1);
  ui_resize_window (GTK_WINDOW (f->window), f->width, HEIGHT);

  for (TciaValueKind kind = TCIA_VALUE_MODALITY; kind <= TCIA_VALUE_MANUFACTURER; kind++)
    {
      GtkDropDown *dropdown = tcia_browse_page_get_dropdown (browse, kind);
      GtkWidget *popover = NULL;
      g_autofree char *what = g_strdup_printf ("The choices of the %s filter", names[kind]);
      g_autoptr(GString) found = g_string_new (NULL);

      WAIT_FOR (g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)) > 1);
      g_signal_emit_by_name (dropdown, "activate");
      for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (dropdown));
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        if (GTK_IS_POPOVER (child))
          popover = child;
      g_assert_nonnull (popover);
      ui_wait_for_layout (popover);

      check_tree (popover, found);
      if (gtk_widget_get_width (popover) > f->width)
        g_string_append_printf (found, "  the list is %d px wide\n", gtk_widget_get_width (popover));
      if (found->len > 0)
        g_string_append_printf (problems, "%s at %d px:\n%s", what, f->width, found->str);
      long_seen |= shows_text (popover, "Varian Imaging Laboratories, Switzerland");
      gtk_popover_popdown (GTK_POPOVER (popover));
      WAIT_FOR (!gtk_widget_get_mapped (popover));
    }

  if (problems->len > 0)
    g_printerr ("Text cut off or squeezed, in German:\n%s", problems->str);
  g_assert_cmpstr (problems->str, ==, "");
  g_assert_true (long_seen);
}

/* The program's own style sheet, which AdwApplication loads from the
 * resources: without it a window measured here is not the one people see
 * (its narrower header progress and page switcher). */
static void
load_app_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, "/io/github/tciabasket/TciaBasket/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("TCIA_TEST_LOCALEDIR");

  /* German, from the catalogue the build compiled. GNU gettext ignores
   * LANGUAGE in the C locale, hence C.UTF-8. */
  g_setenv ("LANGUAGE", "de", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  setlocale (LC_ALL, "");
  g_assert_nonnull (localedir);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!ui_test_init (&argc, &argv))
    return 0;
  load_app_style ();

  /* Without the German catalogue the test would check English. */
  g_assert_cmpstr (_("Browse"), !=, "Browse");

  g_test_add ("/ui/fit/default-size", Fixture, GINT_TO_POINTER (1100),
              fixture_set_up, test_fit_pages, fixture_tear_down);
  g_test_add ("/ui/fit/narrow", Fixture, GINT_TO_POINTER (360),
              fixture_set_up, test_fit_pages, fixture_tear_down);
  g_test_add ("/ui/fit/checkout-key/default-size", Fixture, GINT_TO_POINTER (1100),
              fixture_set_up, test_fit_checkout_key, fixture_tear_down);
  g_test_add ("/ui/fit/checkout-key/narrow", Fixture, GINT_TO_POINTER (360),
              fixture_set_up, test_fit_checkout_key, fixture_tear_down);
  g_test_add ("/ui/fit/filter-choices/default-size", Fixture, GINT_TO_POINTER (1100),
              fixture_set_up, test_fit_filter_choices, fixture_tear_down);
  g_test_add ("/ui/fit/filter-choices/narrow", Fixture, GINT_TO_POINTER (360),
              fixture_set_up, test_fit_filter_choices, fixture_tear_down);
  g_test_add ("/ui/fit/downloads-running/default-size", Fixture, GINT_TO_POINTER (1100),
              fixture_set_up, test_fit_downloads_running, fixture_tear_down);
  g_test_add ("/ui/fit/downloads-running/narrow", Fixture, GINT_TO_POINTER (360),
              fixture_set_up, test_fit_downloads_running, fixture_tear_down);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "fake-nbia.h"
#include "tcia-basket-page-private.h"
#include "tcia-import.h"
#include "tcia-window-private.h"
#include "ui-test-util.h"

#define TIMEOUT_S 60

typedef struct
{
  FakeNbia       *server;
  TciaClient     *client;
  char           *dir;
  GFile          *basket_file;
  TciaBasket     *basket;
  TciaWindow     *window;
  TciaBasketPage *page;
} Fixture;

static void
open_window (Fixture *f)
{
  f->window = tcia_window_new_full (NULL, NULL, f->client, f->basket);
  f->page = tcia_window_get_basket_view (f->window);
  ui_present_window (GTK_WINDOW (f->window), 1280, 800);
}

static void
close_window (Fixture *f)
{
  AdwMessageDialog *dialog = tcia_basket_page_get_dialog (f->page);

  if (dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
  f->page = NULL;
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  FakeNbiaOptions options;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fake_nbia_options_init (&options);
  options.n_series = GPOINTER_TO_UINT (data) != 0 ? GPOINTER_TO_UINT (data) : 60;
  f->client = ui_start_fake_nbia (&options, &f->server);

  /* Never the person's basket. */
  f->dir = g_dir_make_tmp ("tcia-basket-page-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "basket.json", NULL);
  f->basket_file = g_file_new_for_path (path);
  f->basket = tcia_basket_new (f->basket_file);
  g_assert_true (tcia_basket_load (f->basket, &error));
  g_assert_no_error (error);

  open_window (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window != NULL)
    close_window (f);
  tcia_basket_flush (f->basket, NULL);
  g_clear_object (&f->basket);
  g_clear_object (&f->client);
  g_clear_object (&f->basket_file);
  g_clear_pointer (&f->server, fake_nbia_free);
  remove_tree (f->dir);
  g_clear_pointer (&f->dir, g_free);
}

static char **
shown_uids (Fixture *f)
{
  GListModel *rows = G_LIST_MODEL (tcia_basket_page_get_selection (f->page));
  GPtrArray *uids = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (rows, i);

      g_ptr_array_add (uids, g_strdup (tcia_series_get_series_uid (series)));
    }
  g_ptr_array_add (uids, NULL);

  return (char **) g_ptr_array_free (uids, FALSE);
}

static GFile *
write_file (Fixture    *f,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);

  return g_file_new_for_path (path);
}

static GString *
manifest_header (void)
{
  GString *s = g_string_new ("downloadServerUrl=https://public.cancerimagingarchive.net/"
                             "nbia-download/servlet/DownloadServlet\n"
                             "includeAnnotation=true\n"
                             "noOfrRetry=4\n"
                             "databasketId=manifest-1561766528292.tcia\n"
                             "manifestVersion=3.0\n"
                             "ListOfSeriesToDownload=\n");
  return s;
}

static void
activate (Fixture    *f,
          const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), action, NULL));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_rows_and_totals (Fixture       *f,
                      gconstpointer  data)
{
  GListModel *rows = G_LIST_MODEL (tcia_basket_page_get_selection (f->page));
  g_autofree char *expected = NULL;

  g_assert_cmpstr (tcia_basket_page_get_state (f->page), ==, "empty");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 0);

  ui_fill_basket (f->basket, f->client, f->server, 10);

  g_assert_cmpstr (tcia_basket_page_get_state (f->page), ==, "series");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 10);
  g_assert_true (g_str_has_prefix (tcia_basket_page_get_totals_text (f->page), "10 series · "));
  expected = g_strdup_printf ("%" G_GUINT64_FORMAT " images",
                              tcia_basket_get_n_images (f->basket));
  g_assert_nonnull (strstr (tcia_basket_page_get_totals_text (f->page), expected));
  g_assert_true (g_str_has_prefix (tcia_basket_page_get_estimate_text (f->page), "about "));
  g_assert_true (g_str_has_suffix (tcia_basket_page_get_estimate_text (f->page),
                                   "to download (estimate)"));

  /* The window wires the Download button to the download queue
   * (tests/ui/test-downloads-page.c); without it, the button says why not. */
  g_assert_true (gtk_widget_is_sensitive (tcia_basket_page_get_download_button (f->page)));
  tcia_basket_page_set_checkout_available (f->page, FALSE);
  g_assert_false (gtk_widget_is_sensitive (tcia_basket_page_get_download_button (f->page)));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (tcia_basket_page_get_download_button (f->page)),
                   ==, "Downloads are not available yet");
  tcia_basket_page_set_checkout_available (f->page, TRUE);
  g_assert_true (gtk_widget_is_sensitive (tcia_basket_page_get_download_button (f->page)));
  tcia_basket_page_set_checkout_available (f->page, FALSE);

  /* The switcher's badge counts the series. */
  g_assert_cmpuint (adw_view_stack_page_get_badge_number (tcia_window_get_basket_page (f->window)),
                    ==, 10);

  /* Free space of the download folder is looked up and shown. */
  WAIT_FOR (g_strcmp0 (tcia_basket_page_get_free_space_text (f->page), "Unknown") != 0);
  g_assert_false (tcia_basket_page_get_space_short (f->page));
}

static void
test_remove_undo (Fixture       *f,
                  gconstpointer  data)
{
  GtkSelectionModel *selection = tcia_basket_page_get_selection (f->page);
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;

  ui_fill_basket (f->basket, f->client, f->server, 6);
  before = shown_uids (f);

  gtk_selection_model_select_item (selection, 1, TRUE);
  gtk_selection_model_select_item (selection, 3, FALSE);
  activate (f, "basket.remove-selected");

  g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, 4);
  g_assert_false (tcia_basket_contains (f->basket, before[1]));
  g_assert_false (tcia_basket_contains (f->basket, before[3]));
  g_assert_cmpstr (tcia_basket_page_get_toast_text (f->page), ==, "2 series removed");
  g_assert_true (g_str_has_prefix (tcia_basket_page_get_totals_text (f->page), "4 series · "));

  activate (f, "basket.undo");
  after = shown_uids (f);
  g_assert_cmpstrv (after, before);
}

static void
test_clear_undo (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;

  ui_fill_basket (f->basket, f->client, f->server, 5);
  before = shown_uids (f);

  activate (f, "basket.clear");
  g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, 0);
  g_assert_cmpstr (tcia_basket_page_get_state (f->page), ==, "empty");
  g_assert_cmpstr (tcia_basket_page_get_toast_text (f->page), ==, "5 series removed");

  activate (f, "basket.undo");
  g_assert_cmpstr (tcia_basket_page_get_state (f->page), ==, "series");
  after = shown_uids (f);
  g_assert_cmpstrv (after, before);
}

static void
test_licences (Fixture       *f,
               gconstpointer  data)
{
  GListModel *licences;
  gboolean any_nc = FALSE;

  ui_fill_basket (f->basket, f->client, f->server, fake_nbia_get_n_series (f->server));
  licences = tcia_basket_get_licences (f->basket);

  g_assert_cmpuint (tcia_basket_page_get_n_licence_rows (f->page), ==,
                    g_list_model_get_n_items (licences));
  g_assert_cmpuint (g_list_model_get_n_items (licences), >, 1);
  for (guint i = 0; i < g_list_model_get_n_items (licences); i++)
    {
      g_autoptr(TciaBasketLicence) licence = g_list_model_get_item (licences, i);
      gboolean nc = tcia_basket_licence_get_non_commercial (licence);

      g_assert_cmpstr (tcia_basket_page_get_licence_title (f->page, i), ==,
                       tcia_basket_licence_get_name (licence));
      g_assert_cmpint (tcia_basket_page_get_licence_is_nc (f->page, i), ==, nc);
      if (nc)
        {
          any_nc = TRUE;
          g_test_message ("non-commercial: %s", tcia_basket_licence_get_name (licence));
        }
    }
  /* The fake archive has a CC BY-NC collection. */
  g_assert_true (any_nc);
  g_assert_true (tcia_basket_get_has_non_commercial (f->basket));
}

static void
test_import_unknown (Fixture       *f,
                     gconstpointer  data)
{
  static const char *unknown[] = { "1.3.6.1.4.1.14519.5.2.1.9999.1.111",
                                   "1.3.6.1.4.1.14519.5.2.1.9999.1.222" };
  g_autoptr(GString) manifest = manifest_header ();
  g_autoptr(GFile) file = NULL;
  g_auto(GStrv) lines = NULL;
  const char *text;
  guint n_uid_lines = 0;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *uid = ui_fake_uid (f->server, i * 3);

      g_string_append_printf (manifest, "%s\n", uid);
      if (i == 2)
        g_string_append_printf (manifest, "%s\n", unknown[0]);
    }
  g_string_append_printf (manifest, "%s\n", unknown[1]);
  file = write_file (f, "series.tcia", manifest->str);

  tcia_window_import_files (f->window, &file, 1);
  g_assert_true (tcia_basket_page_get_importing (f->page));
  WAIT_FOR (!tcia_basket_page_get_importing (f->page));

  g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, 5);
  g_assert_cmpstr (tcia_basket_page_get_toast_text (f->page), ==, "Added 5 series");

  /* The unknown UIDs are listed, exactly those, never dropped silently. */
  g_assert_nonnull (tcia_basket_page_get_dialog (f->page));
  text = tcia_basket_page_get_dialog_text (f->page);
  g_assert_true (g_str_has_prefix (text, "2 Series Not Found\n"));
  g_assert_nonnull (strstr (text, "series.tcia"));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (!g_ascii_isdigit (lines[i][0]) || strchr (lines[i], ' ') != NULL)
        continue;
      g_assert_cmpstr (lines[i], ==, unknown[n_uid_lines]);
      n_uid_lines++;
    }
  g_assert_cmpuint (n_uid_lines, ==, 2);

  /* Importing it again adds nothing and says so. */
  gtk_window_destroy (GTK_WINDOW (tcia_basket_page_get_dialog (f->page)));
  tcia_window_import_files (f->window, &file, 1);
  WAIT_FOR (!tcia_basket_page_get_importing (f->page));
  g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, 5);
  g_assert_cmpstr (tcia_basket_page_get_toast_text (f->page), ==,
                   "Added 0 series; 5 were already in the basket");
}

static void
test_import_bad_file (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GString) manifest = manifest_header ();
  g_autoptr(GFile) file = NULL;
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;
  const char *text;

  ui_fill_basket (f->basket, f->client, f->server, 3);
  before = shown_uids (f);

  for (guint i = 5; i < 8; i++)
    {
      g_autofree char *uid = ui_fake_uid (f->server, i);

      g_string_append_printf (manifest, "%s\n", uid);
    }
  g_string_append (manifest, "hello world\nthis is not a UID\n");
  file = write_file (f, "junk.tcia", manifest->str);

  tcia_window_import_files (f->window, &file, 1);
  WAIT_FOR (!tcia_basket_page_get_importing (f->page));

  g_assert_nonnull (tcia_basket_page_get_dialog (f->page));
  text = tcia_basket_page_get_dialog_text (f->page);
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "Could Not Import\n"));
  g_assert_nonnull (strstr (text, "junk.tcia"));
  g_assert_nonnull (strstr (text, "line 10"));

  after = shown_uids (f);
  g_assert_cmpstrv (after, before);
}

typedef struct
{
  guint ticks;
} Ticker;

static gboolean
tick_cb (gpointer user_data)
{
  ((Ticker *) user_data)->ticks++;
  return G_SOURCE_CONTINUE;
}

static void
test_import_large (Fixture       *f,
                   gconstpointer  data)
{
  guint n = fake_nbia_get_n_series (f->server);
  g_autoptr(GString) manifest = manifest_header ();
  g_autoptr(GFile) file = NULL;
  Ticker ticker = { 0 };
  guint updates_before, updates_during, tick_id;
  guint iterations = 0;

  g_assert_cmpuint (n, >=, 100000);
  for (guint i = 0; i < 100000; i++)
    {
      g_autofree char *uid = ui_fake_uid (f->server, i);

      g_string_append_printf (manifest, "%s\n", uid);
    }
  file = write_file (f, "large.tcia", manifest->str);

  updates_before = tcia_basket_page_get_n_progress_updates (f->page);
  tick_id = g_timeout_add (5, tick_cb, &ticker);
  tcia_window_import_files (f->window, &file, 1);
  /* The window's main loop keeps turning while the series are looked up:
   * count its iterations and the progress shown, never the time taken. */
  while (tcia_basket_page_get_importing (f->page))
    {
      g_main_context_iteration (NULL, TRUE);
      iterations++;
      if (g_str_has_prefix (tcia_basket_page_get_progress_text (f->page), "Looking up 50,000 "))
        g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, 0);
    }
  g_source_remove (tick_id);
  updates_during = tcia_basket_page_get_n_progress_updates (f->page) - updates_before;

  g_test_message ("%u progress updates, %u main loop iterations, %u ticks",
                  updates_during, iterations, ticker.ticks);
  /* One update at the start and one per chunk of 1000. */
  g_assert_cmpuint (updates_during, >=, 100);
  g_assert_cmpuint (iterations, >, updates_during);
  g_assert_cmpuint (ticker.ticks, >, 0);
  g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, 100000);
  g_assert_cmpstr (tcia_basket_page_get_toast_text (f->page), ==, "Added 100000 series");
  g_assert_null (tcia_basket_page_get_dialog (f->page));
}

static void
test_survives_restart (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;
  g_autofree char *totals = NULL;

  ui_fill_basket (f->basket, f->client, f->server, 7);
  before = shown_uids (f);
  totals = g_strdup (tcia_basket_page_get_totals_text (f->page));

  /* Quit: the window goes, the basket is written. */
  close_window (f);
  g_assert_true (tcia_basket_flush (f->basket, &error));
  g_assert_no_error (error);
  g_clear_object (&f->basket);

  /* Start again on the same file. */
  f->basket = tcia_basket_new (f->basket_file);
  g_assert_true (tcia_basket_load (f->basket, &error));
  g_assert_no_error (error);
  open_window (f);

  after = shown_uids (f);
  g_assert_cmpstrv (after, before);
  g_assert_cmpstr (tcia_basket_page_get_totals_text (f->page), ==, totals);
}

static void
test_open_files (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GString) list = g_string_new (NULL);
  g_autoptr(GString) manifest = manifest_header ();
  GFile *files[2];

  /* What `tcia-basket a.tcia b.txt` and the file manager's Open do. */
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *uid = ui_fake_uid (f->server, i);

      g_string_append_printf (manifest, "%s\n", uid);
    }
  for (guint i = 2; i < 9; i++)
    {
      g_autofree char *uid = ui_fake_uid (f->server, i);

      g_string_append_printf (list, "%s\n", uid);
    }
  files[0] = write_file (f, "a.tcia", manifest->str);
  files[1] = write_file (f, "b.txt", list->str);

  tcia_window_import_files (f->window, files, 2);
  WAIT_FOR (!tcia_basket_page_get_importing (f->page));

  g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, 9);
  g_assert_cmpstr (tcia_basket_page_get_toast_text (f->page), ==,
                   "Added 5 series; 2 were already in the basket");
  g_assert_null (tcia_basket_page_get_dialog (f->page));
  g_object_unref (files[0]);
  g_object_unref (files[1]);
}

static void
test_save_failed (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = g_error_new_literal (TCIA_BASKET_ERROR, TCIA_BASKET_ERROR_IO,
                                                 "Could not write “/x/basket.json”: No space");

  g_assert_null (tcia_basket_page_get_save_error_text (f->page));
  g_signal_emit_by_name (f->basket, "save-failed", error);
  g_assert_nonnull (strstr (tcia_basket_page_get_save_error_text (f->page), "No space"));
}

/* Adds the series at @indices of the fake archive, as an import does. */
static void
add_series (Fixture     *f,
            GPtrArray   *indices)
{
  g_autoptr(GPtrArray) uids = g_ptr_array_new_with_free_func (g_free);
  TciaImportResult *result = NULL;

  for (guint i = 0; i < indices->len; i++)
    g_ptr_array_add (uids, ui_fake_uid (f->server, GPOINTER_TO_UINT (indices->pdata[i])));
  g_ptr_array_add (uids, NULL);
  tcia_import_resolve_async (f->basket, f->client, (const char * const *) uids->pdata, 0,
                             NULL, NULL, NULL, NULL, ui_resolved_cb, &result);
  WAIT_FOR (result != NULL);
  tcia_import_result_unref (result);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* More series of a licence already listed: its row counts them (the list
 * of licences itself does not change, so only the count can say so). */
static void
test_licence_count_refresh (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) first = g_ptr_array_new ();
  g_autoptr(GPtrArray) more = g_ptr_array_new ();
  g_autofree char *expected = NULL;
  FakeNbiaSeriesInfo info0;

  fake_nbia_get_series (f->server, 0, &info0);
  g_ptr_array_add (first, GUINT_TO_POINTER (0));
  for (guint i = 1; i < fake_nbia_get_n_series (f->server); i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (f->server, i, &info);
      if (g_str_equal (info.collection, info0.collection))
        g_ptr_array_add (more, GUINT_TO_POINTER (i));
    }
  g_assert_cmpuint (more->len, >, 0);

  add_series (f, first);
  g_assert_cmpuint (tcia_basket_page_get_n_licence_rows (f->page), ==, 1);
  g_assert_true (g_str_has_prefix (tcia_basket_page_get_licence_subtitle (f->page, 0),
                                   "1 series"));

  add_series (f, more);
  g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, more->len + 1);
  g_assert_cmpuint (tcia_basket_page_get_n_licence_rows (f->page), ==, 1);
  expected = g_strdup_printf ("%u series", more->len + 1);
  g_assert_true (g_str_has_prefix (tcia_basket_page_get_licence_subtitle (f->page, 0),
                                   expected));
}

/* The estimate claims no tenths it does not know; the free space is not
 * "83.5 GB free" under a "Free Space" title. */
static void
test_sizes_wording (Fixture       *f,
                    gconstpointer  data)
{
  const char *estimate;
  const char *space;

  ui_fill_basket (f->basket, f->client, f->server, 3);
  estimate = tcia_basket_page_get_estimate_text (f->page);
  g_assert_true (g_str_has_prefix (estimate, "about "));
  /* "about 360 kB to download" or "about 4.2 MB …": a tenth only below 10. */
  g_assert_null (strstr (estimate, ".0 "));
  g_assert_true (g_ascii_isdigit (estimate[6]));
  if (g_ascii_isdigit (estimate[7]))
    g_assert_true (estimate[7] != '.' && estimate[8] != '.');

  WAIT_FOR (g_strcmp0 (tcia_basket_page_get_free_space_text (f->page), "Unknown") != 0);
  space = tcia_basket_page_get_free_space_text (f->page);
  g_assert_null (strstr (space, "free"));
  g_assert_true (g_ascii_isdigit (space[0]));
}

static GtkWidget *
focus_widget (Fixture *f)
{
  return gtk_window_get_focus (GTK_WINDOW (f->window));
}

static gboolean
press_tab (GtkWidget *view,
           gboolean   backward)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (view);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_EVENT_CONTROLLER_KEY (controller))
        continue;
      g_signal_emit_by_name (controller, "key-pressed",
                             backward ? GDK_KEY_ISO_Left_Tab : GDK_KEY_Tab, 0,
                             backward ? GDK_SHIFT_MASK : 0, &handled);
      if (handled)
        return TRUE;
    }
  return FALSE;
}

/* Alt+2 puts the focus in the table of series, not on the toolbar's first
 * icon button; the table is one Tab stop, however many rows it has. */
static void
test_focus_and_tab (Fixture       *f,
                    gconstpointer  data)
{
  GtkWidget *table = GTK_WIDGET (f->page->table);
  GtkWidget *view = tcia_basket_table_get_view (f->page->table);

  ui_fill_basket (f->basket, f->client, f->server, 6);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "browse");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "basket");
  WAIT_FOR (focus_widget (f) != NULL && gtk_widget_is_ancestor (focus_widget (f), table));

  /* Tab leaves the table at once, forward and backward. */
  g_assert_true (press_tab (view, FALSE));
  g_assert_nonnull (focus_widget (f));
  g_assert_false (gtk_widget_is_ancestor (focus_widget (f), table));
  gtk_widget_grab_focus (table);
  g_assert_true (gtk_widget_is_ancestor (focus_widget (f), table));
  g_assert_true (press_tab (view, TRUE));
  g_assert_nonnull (focus_widget (f));
  g_assert_false (gtk_widget_is_ancestor (focus_widget (f), table));
}

int
main (int   argc,
      char *argv[])
{
  if (!ui_test_init (&argc, &argv))
    return 0;

#define ADD(path, func, n) \
  g_test_add ("/ui/basket-page/" path, Fixture, GUINT_TO_POINTER (n), \
              fixture_set_up, func, fixture_tear_down)

  ADD ("rows-and-totals", test_rows_and_totals, 0);
  ADD ("remove-undo", test_remove_undo, 0);
  ADD ("clear-undo", test_clear_undo, 0);
  ADD ("licences", test_licences, 0);
  ADD ("licence-count-refresh", test_licence_count_refresh, 0);
  ADD ("sizes-wording", test_sizes_wording, 0);
  ADD ("focus-and-tab", test_focus_and_tab, 0);
  ADD ("import-unknown", test_import_unknown, 0);
  ADD ("import-bad-file", test_import_bad_file, 0);
  ADD ("survives-restart", test_survives_restart, 0);
  ADD ("open-files", test_open_files, 0);
  ADD ("save-failed", test_save_failed, 0);
  ADD ("import-large", test_import_large, 100000);

  return g_test_run ();
}

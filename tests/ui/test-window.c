/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <adwaita.h>

#include "tcia-window.h"
#include "ui-test-util.h"

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
destroy_window (TciaWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GSettings *
fresh_settings (void)
{
  GSettings *settings = g_settings_new (APP_ID);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);

  return settings;
}

static gboolean
menu_has_action (GMenuModel *model,
                 const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuModel) section = NULL;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_strcmp0 (name, action) == 0)
        return TRUE;

      section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      if (section != NULL && menu_has_action (section, action))
        return TRUE;
    }

  return FALSE;
}

static void
test_window_pages (void)
{
  static const struct
  {
    const char *name;
    const char *title;
    const char *icon_name;
  } expected[] = {
    { "browse", "Browse", "system-search-symbolic" },
    { "basket", "Basket", "tcia-basket-symbolic" },
    { "downloads", "Downloads", "folder-download-symbolic" },
  };
  TciaWindow *window = tcia_window_new (NULL, NULL);
  AdwViewStack *stack;
  g_autoptr(GtkSelectionModel) pages = NULL;

  gtk_window_present (GTK_WINDOW (window));
  ui_wait_for_layout (GTK_WIDGET (window));

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "TCIA Basket");

  stack = ADW_VIEW_STACK (find_widget (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK));
  g_assert_nonnull (stack);
  pages = adw_view_stack_get_pages (stack);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (pages)), ==, G_N_ELEMENTS (expected));

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);
      GtkWidget *child = adw_view_stack_page_get_child (page);

      g_assert_cmpstr (adw_view_stack_page_get_name (page), ==, expected[i].name);
      g_assert_cmpstr (adw_view_stack_page_get_title (page), ==, expected[i].title);
      g_assert_cmpstr (adw_view_stack_page_get_icon_name (page), ==, expected[i].icon_name);

      g_assert_true (gtk_widget_is_visible (child));
      /* The pages are real: tests/ui/test-browse.c, test-basket-page.c,
       * test-downloads-page.c. */
    }
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "browse");

  /* Switching pages is what the switcher does. */
  adw_view_stack_set_visible_child_name (stack, "downloads");
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "downloads");

  destroy_window (window);
}

static void
test_window_header (void)
{
  TciaWindow *window = tcia_window_new (NULL, NULL);
  AdwHeaderBar *header_bar;
  AdwViewStack *stack;
  GtkWidget *title;
  AdwViewSwitcherBar *switcher_bar;
  GtkMenuButton *menu_button;
  GMenuModel *menu;

  gtk_window_present (GTK_WINDOW (window));
  ui_wait_for_layout (GTK_WIDGET (window));

  stack = ADW_VIEW_STACK (find_widget (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK));
  header_bar = ADW_HEADER_BAR (find_widget (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR));
  g_assert_nonnull (header_bar);

  title = adw_header_bar_get_title_widget (header_bar);
  g_assert_true (ADW_IS_VIEW_SWITCHER_TITLE (title));
  g_assert_true (adw_view_switcher_title_get_stack (ADW_VIEW_SWITCHER_TITLE (title)) == stack);

  /* A wide window shows the switcher in the header, a narrow one at the bottom. */
  switcher_bar = ADW_VIEW_SWITCHER_BAR (find_widget (GTK_WIDGET (window),
                                                     ADW_TYPE_VIEW_SWITCHER_BAR));
  g_assert_nonnull (switcher_bar);
  g_assert_true (adw_view_switcher_bar_get_stack (switcher_bar) == stack);
  g_assert_cmpint (adw_view_switcher_bar_get_reveal (switcher_bar), ==,
                   adw_view_switcher_title_get_title_visible (ADW_VIEW_SWITCHER_TITLE (title)));

  menu_button = GTK_MENU_BUTTON (find_widget (GTK_WIDGET (header_bar), GTK_TYPE_MENU_BUTTON));
  g_assert_nonnull (menu_button);
  g_assert_cmpstr (gtk_menu_button_get_icon_name (menu_button), ==, "open-menu-symbolic");
  g_assert_true (gtk_menu_button_get_primary (menu_button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (menu_button)), ==, "Main Menu");

  menu = gtk_menu_button_get_menu_model (menu_button);
  g_assert_nonnull (menu);
  g_assert_true (menu_has_action (menu, "app.about"));
  g_assert_true (menu_has_action (menu, "app.quit"));
  g_assert_true (menu_has_action (menu, "app.preferences"));

  destroy_window (window);
}

static void
test_window_size_restored (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  TciaWindow *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 812);
  g_settings_set_int (settings, "window-height", 603);

  window = tcia_window_new (NULL, settings);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 812);
  g_assert_cmpint (height, ==, 603);
  g_assert_false (gtk_window_is_maximized (GTK_WINDOW (window)));

  gtk_window_present (GTK_WINDOW (window));
  ui_wait_for_layout (GTK_WIDGET (window));
  /* Showing the window must not shift the size kept: a window that shrinks
   * a little at every start is a known failure of size saving. */
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 812);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 603);

  /* A new size is kept for the next start. */
  gtk_window_set_default_size (GTK_WINDOW (window), 700, 500);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 700);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 500);

  destroy_window (window);

  window = tcia_window_new (NULL, settings);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 700);
  g_assert_cmpint (height, ==, 500);
  destroy_window (window);
}

static void
test_window_maximized_restored (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  TciaWindow *window;

  g_settings_set_boolean (settings, "window-maximized", TRUE);
  window = tcia_window_new (NULL, settings);
  g_assert_true (gtk_window_is_maximized (GTK_WINDOW (window)));
  destroy_window (window);

  g_settings_set_boolean (settings, "window-maximized", FALSE);
  window = tcia_window_new (NULL, settings);
  g_assert_false (gtk_window_is_maximized (GTK_WINDOW (window)));
  destroy_window (window);
}

static void
test_window_without_settings (void)
{
  TciaWindow *window = tcia_window_new (NULL, NULL);

  /* Without the schema (a build tree, a broken install) the window still
   * opens; it only forgets its size. */
  g_assert_null (tcia_window_get_settings (window));
  gtk_window_present (GTK_WINDOW (window));
  ui_wait_for_layout (GTK_WIDGET (window));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), >, 0);
  destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  if (!ui_test_init (&argc, &argv))
    return 0;

  g_test_add_func ("/ui/window/pages", test_window_pages);
  g_test_add_func ("/ui/window/header", test_window_header);
  g_test_add_func ("/ui/window/size-restored", test_window_size_restored);
  g_test_add_func ("/ui/window/maximized-restored", test_window_maximized_restored);
  g_test_add_func ("/ui/window/without-settings", test_window_without_settings);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <adwaita.h>

#include "fake-nbia.h"
#include "tcia-preferences-window-private.h"
#include "ui-test-util.h"

#define TIMEOUT_S 60

typedef struct
{
  GSettings             *settings;
  TciaPreferencesWindow *window;
} Fixture;

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  f->settings = g_settings_new (APP_ID);
  g_object_get (f->settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (f->settings, keys[i]);

  f->window = tcia_preferences_window_new (NULL, f->settings, TCIA_DEFAULT_API_URL);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->settings);
}

static void
apply_url (Fixture    *f,
           const char *url)
{
  AdwEntryRow *row = tcia_preferences_window_get_api_url_row (f->window);

  gtk_editable_set_text (GTK_EDITABLE (row), url);
  g_signal_emit_by_name (row, "apply");
}

static void
test_valid_url_stored (Fixture       *f,
                       gconstpointer  data)
{
  AdwEntryRow *row = tcia_preferences_window_get_api_url_row (f->window);
  g_autofree char *stored = NULL;

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, TCIA_DEFAULT_API_URL);

  /* A missing trailing slash is added, as the client does. */
  apply_url (f, "http://127.0.0.1:9/nbia-api/services/v1");
  stored = g_settings_get_string (f->settings, "api-url");
  g_assert_cmpstr (stored, ==, "http://127.0.0.1:9/nbia-api/services/v1/");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
}

static void
test_invalid_url_kept_out (Fixture       *f,
                           gconstpointer  data)
{
  AdwEntryRow *row = tcia_preferences_window_get_api_url_row (f->window);
  AdwActionRow *status = tcia_preferences_window_get_connection_row (f->window);
  g_autofree char *stored = NULL;
  GtkWidget *check;

  apply_url (f, "http://127.0.0.1:9/nbia-api/services/v4/");
  apply_url (f, "https://example.org/nbia-api/services/v3/");

  stored = g_settings_get_string (f->settings, "api-url");
  g_assert_cmpstr (stored, ==, "http://127.0.0.1:9/nbia-api/services/v4/");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
  g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (row)));
  g_assert_cmpstr (adw_action_row_get_subtitle (status), ==,
                   gtk_widget_get_tooltip_text (GTK_WIDGET (row)));
  check = GTK_WIDGET (tcia_preferences_window_get_check_button (f->window));
  g_assert_false (gtk_widget_get_sensitive (check));

  /* Words of ours, never GLib's "URI is not absolute…". */
  apply_url (f, "not a url");
  g_assert_null (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (row)), "URI"));
  g_assert_true (g_str_has_suffix (gtk_widget_get_tooltip_text (GTK_WIDGET (row)), "."));

  /* Typing a good URL again clears the mark. */
  gtk_editable_set_text (GTK_EDITABLE (row), "http://127.0.0.1:9/nbia-api/services/v4/");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
}

static void
test_reset (Fixture       *f,
            gconstpointer  data)
{
  AdwEntryRow *row = tcia_preferences_window_get_api_url_row (f->window);
  g_autofree char *stored = NULL;

  apply_url (f, "http://127.0.0.1:9/nbia-api/services/v4/");
  g_assert_true (g_settings_get_user_value (f->settings, "api-url") != NULL);

  g_signal_emit_by_name (tcia_preferences_window_get_reset_button (f->window), "clicked");

  stored = g_settings_get_string (f->settings, "api-url");
  g_assert_cmpstr (stored, ==, TCIA_DEFAULT_API_URL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, TCIA_DEFAULT_API_URL);
}

static void
test_layout (Fixture       *f,
             gconstpointer  data)
{
  AdwComboRow *row = tcia_preferences_window_get_layout_row (f->window);
  g_autofree char *nick = NULL;

  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);

  adw_combo_row_set_selected (row, 2);
  nick = g_settings_get_string (f->settings, "layout");
  g_assert_cmpstr (nick, ==, "flat");

  adw_combo_row_set_selected (row, 1);
  g_assert_cmpint (g_settings_get_enum (f->settings, "layout"), ==, 1);

  g_settings_set_string (f->settings, "layout", "descriptive");
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);
}

static void
test_downloads (Fixture       *f,
                gconstpointer  data)
{
  GtkSpinButton *spin = tcia_preferences_window_get_parallel_spin (f->window);
  GtkSwitch *verify = tcia_preferences_window_get_checksum_switch (f->window);

  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 4);
  gtk_spin_button_set_value (spin, 9);
  g_assert_cmpuint (g_settings_get_uint (f->settings, "parallel-downloads"), ==, 9);
  /* The key allows 1 to 16, and so does the button. */
  gtk_spin_button_set_value (spin, 40);
  g_assert_cmpuint (g_settings_get_uint (f->settings, "parallel-downloads"), ==, 16);

  g_assert_true (gtk_switch_get_active (verify));
  gtk_switch_set_active (verify, FALSE);
  g_assert_false (g_settings_get_boolean (f->settings, "verify-checksums"));
}

static void
test_check_connection (Fixture       *f,
                       gconstpointer  data)
{
  FakeNbiaOptions options;
  FakeNbia *server;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expected = NULL;
  AdwActionRow *status = tcia_preferences_window_get_connection_row (f->window);
  guint n_collections;
  guint tick;

  fake_nbia_options_init (&options);
  server = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (server, 0, &error));
  g_assert_no_error (error);
  url = fake_nbia_get_url (server, 4);
  n_collections = g_strv_length ((GStrv) fake_nbia_get_collections (server));
  g_assert_cmpuint (n_collections, >, 1);

  apply_url (f, url);
  g_signal_emit_by_name (tcia_preferences_window_get_check_button (f->window), "clicked");
  g_assert_true (tcia_preferences_window_is_checking (f->window));

  /* The answer arrives on this main context; keep it awake. */
  tick = g_timeout_add (50, tick_cb, NULL);
  WAIT_FOR (!tcia_preferences_window_is_checking (f->window));
  g_source_remove (tick);

  expected = g_strdup_printf ("Connected: %u collections", n_collections);
  g_assert_cmpstr (adw_action_row_get_subtitle (status), ==, expected);

  /* A server that does not answer gives its error, not a count. */
  apply_url (f, "http://127.0.0.1:9/nbia-api/services/v4/");
  g_signal_emit_by_name (tcia_preferences_window_get_check_button (f->window), "clicked");
  tick = g_timeout_add (50, tick_cb, NULL);
  WAIT_FOR (!tcia_preferences_window_is_checking (f->window));
  g_source_remove (tick);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (status), "Could not connect: "));

  fake_nbia_free (server);
}

static void
test_check_cancelled_on_close (Fixture       *f,
                               gconstpointer  data)
{
  FakeNbiaOptions options;
  FakeNbia *server;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  fake_nbia_options_init (&options);
  options.latency_ms = 2000;
  server = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (server, 0, &error));
  url = fake_nbia_get_url (server, 4);

  apply_url (f, url);
  g_signal_emit_by_name (tcia_preferences_window_get_check_button (f->window), "clicked");
  g_assert_true (tcia_preferences_window_is_checking (f->window));

  /* Closing stops the check; the window goes away without waiting. */
  g_object_add_weak_pointer (G_OBJECT (f->window), (gpointer *) &f->window);
  gtk_window_destroy (GTK_WINDOW (f->window));
  WAIT_FOR (f->window == NULL);

  fake_nbia_free (server);
}

/* The window opens in the address, not on "Reset to TCIA" where a stray
 * Enter would throw the address away, and without selecting it. */
static void
test_initial_focus (Fixture       *f,
                    gconstpointer  data)
{
  AdwEntryRow *row = tcia_preferences_window_get_api_url_row (f->window);
  GtkWidget *focus;

  /* The window gives the focus once it is shown. */
  WAIT_FOR ((focus = gtk_root_get_focus (GTK_ROOT (f->window))) != NULL &&
            gtk_widget_is_ancestor (focus, GTK_WIDGET (row)));
  g_assert_false (focus == GTK_WIDGET (tcia_preferences_window_get_reset_button (f->window)));
  g_assert_false (gtk_editable_get_selection_bounds (GTK_EDITABLE (row), NULL, NULL));
}

/* Without a Downloads folder of the person's own, the folder row never
 * calls the home folder "the Downloads folder": downloads go to ~/TCIA.
 * In a child process, since GLib reads the user's folders once. */
static void
test_default_folder (Fixture       *f,
                     gconstpointer  data)
{
  static const struct
  {
    const char *user_dirs;   /* user-dirs.dirs, NULL for none */
    const char *expected;    /* the subtitle, after HOME and "/" */
  } cases[] = {
    { NULL, "TCIA (the default folder)" },
    { "XDG_DOWNLOAD_DIR=\"$HOME/\"\n", "TCIA (the default folder)" },
    { "XDG_DOWNLOAD_DIR=\"$HOME/Dl\"\n", "Dl (the Downloads folder)" },
  };

  if (g_test_subprocess ())
    {
      AdwActionRow *row = tcia_preferences_window_get_folder_row (f->window);
      g_autofree char *expected = g_build_filename (g_getenv ("HOME"),
                                                    g_getenv ("TCIA_TEST_EXPECTED"), NULL);

      g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, expected);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    run_in_fake_home (cases[i].user_dirs, cases[i].expected);
}

static void
no_tear_down (Fixture       *f,
              gconstpointer  data)
{
  g_clear_object (&f->settings);
}

int
main (int   argc,
      char *argv[])
{
  if (!ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/ui/preferences/valid-url-stored", Fixture, NULL,
              fixture_set_up, test_valid_url_stored, fixture_tear_down);
  g_test_add ("/ui/preferences/invalid-url-kept-out", Fixture, NULL,
              fixture_set_up, test_invalid_url_kept_out, fixture_tear_down);
  g_test_add ("/ui/preferences/reset", Fixture, NULL,
              fixture_set_up, test_reset, fixture_tear_down);
  g_test_add ("/ui/preferences/layout", Fixture, NULL,
              fixture_set_up, test_layout, fixture_tear_down);
  g_test_add ("/ui/preferences/downloads", Fixture, NULL,
              fixture_set_up, test_downloads, fixture_tear_down);
  g_test_add ("/ui/preferences/check-connection", Fixture, NULL,
              fixture_set_up, test_check_connection, fixture_tear_down);
  g_test_add ("/ui/preferences/initial-focus", Fixture, NULL,
              fixture_set_up, test_initial_focus, fixture_tear_down);
  g_test_add ("/ui/preferences/default-folder", Fixture, NULL,
              fixture_set_up, test_default_folder, fixture_tear_down);
  g_test_add ("/ui/preferences/check-cancelled-on-close", Fixture, NULL,
              fixture_set_up, test_check_cancelled_on_close, no_tear_down);

  return g_test_run ();
}

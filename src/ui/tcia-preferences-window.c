/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-folder-chooser.h"
#include "tcia-ui-util.h"
#include "tcia-core.h"
#include "tcia-session.h"

#include "tcia-preferences-window-private.h"
#include "tcia-sources-group.h"

struct _TciaPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* template widgets */
  AdwPreferencesGroup  *server_group;
  AdwEntryRow          *api_url_row;
  GtkButton            *reset_button;
  AdwActionRow         *connection_row;
  GtkSpinner           *spinner;
  GtkButton            *check_button;
  AdwActionRow         *folder_row;
  GtkButton            *folder_reset_button;
  GtkButton            *choose_button;
  GtkSpinButton        *parallel_spin;
  GtkAdjustment        *parallel_adjustment;
  AdwComboRow          *layout_row;
  TciaSourcesGroup     *sources_group;
  GtkSwitch            *checksum_switch;

  /* owned */
  GSettings            *settings;
  char                 *active_api_url;
  TciaClient           *check_client;     /* the server being checked; NULL when idle */
  GCancellable         *check_cancellable;
  GtkNativeDialog      *chooser;

  gboolean              syncing_entry;
};

G_DEFINE_FINAL_TYPE (TciaPreferencesWindow, tcia_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_ACTIVE_API_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The nicks of the io.github.tciabasket.TciaBasket.Layout enum, in the order
 * of the rows of the combo. */
static const char * const layout_nicks[] = { "descriptive", "classic", "flat", NULL };

static void
tcia_preferences_window_stop_check (TciaPreferencesWindow *self)
{
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  g_clear_object (&self->check_client);

  gtk_spinner_stop (self->spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
}

/* Whether the text of the URL row is a URL the program can use; marks the
 * row and says why when it is not. */
static gboolean
tcia_preferences_window_validate_entry (TciaPreferencesWindow  *self,
                                        TciaClient            **client_out)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->api_url_row));
  g_autoptr(TciaClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = tcia_client_new (text, &error);
  if (client == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->api_url_row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->api_url_row), error->message);
      adw_action_row_set_subtitle (self->connection_row, error->message);
      gtk_widget_set_sensitive (GTK_WIDGET (self->check_button), FALSE);
      return FALSE;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->api_url_row), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->api_url_row), NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->check_button), TRUE);
  if (client_out != NULL)
    *client_out = g_steal_pointer (&client);

  return TRUE;
}

static void
api_url_changed_cb (TciaPreferencesWindow *self)
{
  if (self->syncing_entry)
    return;

  /* A result would describe another server than the one typed. */
  tcia_preferences_window_stop_check (self);
  if (tcia_preferences_window_validate_entry (self, NULL))
    adw_action_row_set_subtitle (self->connection_row, _("Not checked"));
}

static void
api_url_apply_cb (TciaPreferencesWindow *self)
{
  g_autoptr(TciaClient) client = NULL;

  /* The setting keeps the last good URL. */
  if (!tcia_preferences_window_validate_entry (self, &client))
    return;

  g_settings_set_string (self->settings, "api-url", tcia_client_get_api_url (client));
}

static void
reset_clicked_cb (TciaPreferencesWindow *self)
{
  g_settings_reset (self->settings, "api-url");
}

static void
tcia_preferences_window_sync_api_url (TciaPreferencesWindow *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "api-url");

  if (*url == '\0')
    {
      g_free (url);
      url = g_strdup (TCIA_DEFAULT_API_URL);
    }

  self->syncing_entry = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->api_url_row), url);
  self->syncing_entry = FALSE;

  tcia_preferences_window_stop_check (self);
  if (tcia_preferences_window_validate_entry (self, NULL))
    adw_action_row_set_subtitle (self->connection_row, _("Not checked"));
}

static void
api_url_setting_changed_cb (TciaPreferencesWindow *self)
{
  g_autofree char *url = NULL;

  tcia_preferences_window_sync_api_url (self);

  /* The window and its pages hold the client they were made with; the new
   * server is used from the next start. */
  url = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->api_url_row)));
  if (self->active_api_url != NULL && g_strcmp0 (url, self->active_api_url) != 0)
    {
      AdwToast *toast = adw_toast_new (_("Restart TCIA Basket to use the new server"));

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
    }
}

static void
check_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TciaPreferencesWindow) self = user_data;
  g_autoptr(GListModel) collections = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  collections = tcia_client_list_collections_finish (TCIA_CLIENT (source), result, &error);

  /* Stopped: the URL changed or the window closed. */
  if ((gpointer) source != (gpointer) self->check_client)
    return;

  tcia_preferences_window_stop_check (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->check_button), TRUE);

  if (collections == NULL)
    {
      text = g_strdup_printf (_("Could not connect: %s"), error->message);
    }
  else
    {
      guint n = g_list_model_get_n_items (collections);

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Connected: %u collection",
                                           "Connected: %u collections", n), n);
    }
  adw_action_row_set_subtitle (self->connection_row, text);
}

static void
check_clicked_cb (TciaPreferencesWindow *self)
{
  g_autoptr(TciaClient) client = NULL;

  tcia_preferences_window_stop_check (self);
  if (!tcia_preferences_window_validate_entry (self, &client))
    return;

  /* A person waits for the answer: give up sooner than a browse would. */
  tcia_client_set_retry_policy (client, 2, 250, 1000);
  self->check_client = g_object_ref (client);
  self->check_cancellable = g_cancellable_new ();

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  gtk_spinner_start (self->spinner);
  gtk_widget_set_sensitive (GTK_WIDGET (self->check_button), FALSE);
  adw_action_row_set_subtitle (self->connection_row, _("Checking…"));

  tcia_client_list_collections_async (client, FALSE, NULL, self->check_cancellable,
                                      check_done_cb, g_object_ref (self));
}

static void
tcia_preferences_window_sync_folder (TciaPreferencesWindow *self)
{
  g_autofree char *folder = g_settings_get_string (self->settings, "download-folder");
  g_autofree char *subtitle = NULL;

  if (*folder == '\0')
    {
      g_autoptr(GFile) fallback = tcia_session_dup_default_destination ();
      g_autofree char *path = g_file_get_path (fallback);

      if (tcia_session_has_downloads_folder ())
        /* Translators: %s is the path of the Downloads folder. */
        subtitle = g_strdup_printf (_("%s (the Downloads folder)"), path);
      else
        /* Translators: %s is the path of the folder used when none is chosen. */
        subtitle = g_strdup_printf (_("%s (the default folder)"), path);
    }

  adw_action_row_set_subtitle (self->folder_row, subtitle != NULL ? subtitle : folder);
  gtk_widget_set_visible (GTK_WIDGET (self->folder_reset_button), *folder != '\0');
}

static void
folder_chosen_cb (GtkNativeDialog *chooser,
                  const char      *path,
                  gpointer         user_data)
{
  TciaPreferencesWindow *self = user_data;

  if (path != NULL)
    g_settings_set_string (self->settings, "download-folder", path);

  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
}

static void
choose_clicked_cb (TciaPreferencesWindow *self)
{
  g_autofree char *folder = g_settings_get_string (self->settings, "download-folder");
  g_autoptr(GFile) current = *folder != '\0' ? g_file_new_for_path (folder) : NULL;

  if (self->chooser != NULL)
    return;

  self->chooser = tcia_folder_chooser_show (GTK_WINDOW (self), current, folder_chosen_cb, self);
}

static void
folder_reset_clicked_cb (TciaPreferencesWindow *self)
{
  g_settings_reset (self->settings, "download-folder");
}

static void
tcia_preferences_window_constructed (GObject *object)
{
  TciaPreferencesWindow *self = TCIA_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (tcia_preferences_window_parent_class)->constructed (object);

  g_assert (G_IS_SETTINGS (self->settings));

  g_signal_connect_object (self->settings, "changed::api-url",
                           G_CALLBACK (api_url_setting_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::download-folder",
                           G_CALLBACK (tcia_preferences_window_sync_folder), self,
                           G_CONNECT_SWAPPED);
  g_settings_bind (self->settings, "parallel-downloads",
                   self->parallel_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "verify-checksums",
                   self->checksum_switch, "active", G_SETTINGS_BIND_DEFAULT);
  tcia_settings_bind_combo_row (self->settings, "layout", self->layout_row, layout_nicks);
  tcia_sources_group_set_settings (self->sources_group, self->settings);

  tcia_preferences_window_sync_api_url (self);
  tcia_preferences_window_sync_folder (self);

  /* --api-url, TCIA_API_URL or an earlier change: the row alone would
   * suggest the program talks to another server than it does. */
  if (self->active_api_url != NULL &&
      g_strcmp0 (self->active_api_url,
                 gtk_editable_get_text (GTK_EDITABLE (self->api_url_row))) != 0)
    {
      g_autofree char *in_use = NULL;
      g_autofree char *description = NULL;

      /* Translators: %s is the URL of the server the program uses now. */
      in_use = g_strdup_printf (_("In use now: %s"), self->active_api_url);
      description = g_strdup_printf ("%s\n\n%s",
                                     adw_preferences_group_get_description (self->server_group),
                                     in_use);
      adw_preferences_group_set_description (self->server_group, description);
    }
}

static void
tcia_preferences_window_dispose (GObject *object)
{
  TciaPreferencesWindow *self = TCIA_PREFERENCES_WINDOW (object);

  tcia_preferences_window_stop_check (self);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  G_OBJECT_CLASS (tcia_preferences_window_parent_class)->dispose (object);
}

static void
tcia_preferences_window_finalize (GObject *object)
{
  TciaPreferencesWindow *self = TCIA_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->active_api_url, g_free);

  G_OBJECT_CLASS (tcia_preferences_window_parent_class)->finalize (object);
}

static void
tcia_preferences_window_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  TciaPreferencesWindow *self = TCIA_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_ACTIVE_API_URL:
      g_value_set_string (value, self->active_api_url);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_preferences_window_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  TciaPreferencesWindow *self = TCIA_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_ACTIVE_API_URL:
      self->active_api_url = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* GTK would focus the first control, "Reset to TCIA", where a stray Enter
 * or Space throws away the server typed in. Start in the address instead,
 * without selecting it, so that typing does not replace it either. */
static void
tcia_preferences_window_map (GtkWidget *widget)
{
  TciaPreferencesWindow *self = TCIA_PREFERENCES_WINDOW (widget);
  GtkEditable *text = gtk_editable_get_delegate (GTK_EDITABLE (self->api_url_row));

  GTK_WIDGET_CLASS (tcia_preferences_window_parent_class)->map (widget);

  if (GTK_IS_TEXT (text))
    gtk_text_grab_focus_without_selecting (GTK_TEXT (text));
}

static void
tcia_preferences_window_class_init (TciaPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = tcia_preferences_window_constructed;
  object_class->dispose = tcia_preferences_window_dispose;
  object_class->finalize = tcia_preferences_window_finalize;
  object_class->get_property = tcia_preferences_window_get_property;
  object_class->set_property = tcia_preferences_window_set_property;
  widget_class->map = tcia_preferences_window_map;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIVE_API_URL] =
    g_param_spec_string ("active-api-url", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TCIA_TYPE_SOURCES_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tciabasket/TciaBasket/"
                                               "tcia-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaPreferencesWindow, server_group);
  gtk_widget_class_bind_template_child (widget_class, TciaPreferencesWindow, api_url_row);
  gtk_widget_class_bind_template_child (widget_class, TciaPreferencesWindow, reset_button);
  gtk_widget_class_bind_template_child (widget_class, TciaPreferencesWindow, connection_row);
  gtk_widget_class_bind_template_child (widget_class, TciaPreferencesWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, TciaPreferencesWindow, check_button);
  gtk_widget_class_bind_template_child (widget_class, TciaPreferencesWindow, folder_row);
  gtk_widget_class_bind_template_child (widget_class, TciaPreferencesWindow, folder_reset_button);
  gtk_widget_class_bind_template_child (widget_class, TciaPreferencesWindow, choose_button);
  gtk_widget_class_bind_template_child (widget_class, TciaPreferencesWindow, parallel_spin);
  gtk_widget_class_bind_template_child (widget_class, TciaPreferencesWindow, parallel_adjustment);
  gtk_widget_class_bind_template_child (widget_class, TciaPreferencesWindow, layout_row);
  gtk_widget_class_bind_template_child (widget_class, TciaPreferencesWindow, sources_group);
  gtk_widget_class_bind_template_child (widget_class, TciaPreferencesWindow, checksum_switch);
  gtk_widget_class_bind_template_callback (widget_class, api_url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, api_url_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, reset_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, check_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, folder_reset_clicked_cb);
}

static void
tcia_preferences_window_init (TciaPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  tcia_widget_name_mnemonic_buttons (GTK_WIDGET (self));
}

TciaPreferencesWindow *
tcia_preferences_window_new (GtkWindow  *parent,
                             GSettings  *settings,
                             const char *active_api_url)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (TCIA_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "settings", settings,
                       "active-api-url", active_api_url,
                       NULL);
}

AdwEntryRow *
tcia_preferences_window_get_api_url_row (TciaPreferencesWindow *self)
{
  g_return_val_if_fail (TCIA_IS_PREFERENCES_WINDOW (self), NULL);
  return self->api_url_row;
}

GtkButton *
tcia_preferences_window_get_reset_button (TciaPreferencesWindow *self)
{
  g_return_val_if_fail (TCIA_IS_PREFERENCES_WINDOW (self), NULL);
  return self->reset_button;
}

GtkButton *
tcia_preferences_window_get_check_button (TciaPreferencesWindow *self)
{
  g_return_val_if_fail (TCIA_IS_PREFERENCES_WINDOW (self), NULL);
  return self->check_button;
}

AdwActionRow *
tcia_preferences_window_get_connection_row (TciaPreferencesWindow *self)
{
  g_return_val_if_fail (TCIA_IS_PREFERENCES_WINDOW (self), NULL);
  return self->connection_row;
}

AdwComboRow *
tcia_preferences_window_get_layout_row (TciaPreferencesWindow *self)
{
  g_return_val_if_fail (TCIA_IS_PREFERENCES_WINDOW (self), NULL);
  return self->layout_row;
}

GtkSpinButton *
tcia_preferences_window_get_parallel_spin (TciaPreferencesWindow *self)
{
  g_return_val_if_fail (TCIA_IS_PREFERENCES_WINDOW (self), NULL);
  return self->parallel_spin;
}

GtkSwitch *
tcia_preferences_window_get_checksum_switch (TciaPreferencesWindow *self)
{
  g_return_val_if_fail (TCIA_IS_PREFERENCES_WINDOW (self), NULL);
  return self->checksum_switch;
}

AdwActionRow *
tcia_preferences_window_get_folder_row (TciaPreferencesWindow *self)
{
  g_return_val_if_fail (TCIA_IS_PREFERENCES_WINDOW (self), NULL);
  return self->folder_row;
}

gboolean
tcia_preferences_window_is_checking (TciaPreferencesWindow *self)
{
  g_return_val_if_fail (TCIA_IS_PREFERENCES_WINDOW (self), FALSE);
  return self->check_client != NULL;
}

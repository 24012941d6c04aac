/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-window"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-column-sizing.h"
#include "tcia-ui-util.h"
#include "tcia-basket-page.h"
#include "tcia-browse-page.h"
#include "tcia-downloads-page.h"
#include "tcia-whats-new-dialog.h"
#include "tcia-window-private.h"

G_DEFINE_FINAL_TYPE (TciaWindow, tcia_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_CLIENT,
  PROP_BASKET,
  PROP_SESSION,
  PROP_DOWNLOAD_QUEUE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The Basket page's switcher shows how many series are in. */
static void
basket_changed_cb (TciaWindow *self)
{
  adw_view_stack_page_set_badge_number (self->basket_page,
                                        tcia_basket_get_n_series (self->basket));
}

/* Files dropped anywhere on the window are imported, as a file manager's
 * "Open With" does. */
static gboolean
files_drop_cb (GtkDropTarget *target,
               const GValue  *value,
               double         x,
               double         y,
               TciaWindow    *self)
{
  GSList *files;
  g_autoptr(GPtrArray) array = g_ptr_array_new ();

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  files = g_value_get_boxed (value);
  for (GSList *l = files; l != NULL; l = l->next)
    g_ptr_array_add (array, l->data);
  if (array->len == 0)
    return FALSE;

  tcia_window_import_files (self, (GFile **) array->pdata, array->len);
  return TRUE;
}

static void
import_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  TciaWindow *self = TCIA_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->stack, "basket");
  tcia_basket_page_choose_import (self->basket_view);
}

static void
import_cart_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TciaWindow *self = TCIA_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->stack, "basket");
  tcia_basket_page_choose_shared_cart (self->basket_view);
}

static gboolean
basket_drop_cb (GtkDropTarget *target,
                const GValue  *value,
                double         x,
                double         y,
                TciaWindow    *self)
{
  g_auto(GStrv) uids = NULL;

  if (!G_VALUE_HOLDS_STRING (value) || g_value_get_string (value) == NULL)
    return FALSE;

  uids = g_strsplit (g_value_get_string (value), "\n", -1);
  for (guint i = 0; uids[i] != NULL; i++)
    g_strstrip (uids[i]);

  return tcia_browse_page_add_uids (self->browse_page, (const char * const *) uids) > 0;
}

static void
show_page_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  TciaWindow *self = TCIA_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->stack, g_variant_get_string (parameter, NULL));
  /* Each page puts the focus where its work is (not its first button). */
  gtk_widget_grab_focus (adw_view_stack_get_visible_child (self->stack));
}

void
_tcia_window_show_toast (TciaWindow *self,
                         const char *text)
{
  g_free (self->toast_text);
  self->toast_text = g_strdup (text);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

void
_tcia_window_set_dialog (TciaWindow       *self,
                         AdwMessageDialog *dialog)
{
  if (self->dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->dialog), (gpointer *) &self->dialog);
  self->dialog = dialog;
  if (dialog != NULL)
    g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->dialog);
}

/* The Downloads page's switcher and the header bar show downloads going on
 * while another page is open. */
static void
update_downloads_indicator (TciaWindow *self)
{
  guint n_active = tcia_downloads_page_get_n_active (self->downloads_view);
  guint n_failed = tcia_downloads_page_get_n_failed (self->downloads_view);
  const char *visible = adw_view_stack_get_visible_child_name (self->stack);
  gboolean elsewhere = g_strcmp0 (visible, "downloads") != 0;
  const char *summary = tcia_downloads_page_get_summary (self->downloads_view);

  adw_view_stack_page_set_badge_number (self->downloads_page, n_active);
  adw_view_stack_page_set_needs_attention (self->downloads_page, n_failed > 0 && elsewhere);
  gtk_widget_set_visible (self->downloads_button, n_active > 0 && elsewhere);
  gtk_label_set_label (self->downloads_label, summary != NULL ? summary : "");
  gtk_progress_bar_set_fraction (self->downloads_progress,
                                 tcia_downloads_page_get_fraction (self->downloads_view));
}

/* The control with the keyboard focus can go away under it: disabled once
 * its work is done (Pause All when the last download ends), hidden by a page
 * the program switched to. GTK 4.8 then leaves the focus nowhere, and a
 * keyboard or screen reader user loses their place: the next Tab starts over
 * at the header bar. Put the focus back on the page shown instead. */
static gboolean
refocus_cb (gpointer user_data)
{
  TciaWindow *self = user_data;
  GtkWidget *page;

  self->refocus_id = 0;
  if (gtk_window_get_focus (GTK_WINDOW (self)) != NULL)
    return G_SOURCE_REMOVE;

  page = adw_view_stack_get_visible_child (self->stack);
  if (page != NULL)
    gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD);
  return G_SOURCE_REMOVE;
}

/* Once the main loop is idle: the focus is often unset on the way to the
 * next control. */
static void
focus_widget_changed_cb (TciaWindow *self)
{
  if (gtk_window_get_focus (GTK_WINDOW (self)) == NULL && self->refocus_id == 0 &&
      !gtk_widget_in_destruction (GTK_WIDGET (self)))
    self->refocus_id = g_idle_add (refocus_cb, self);
}


static void
session_queue_cb (TciaWindow *self)
{
  tcia_downloads_page_set_queue (self->downloads_view, tcia_session_get_queue (self->session));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOWNLOAD_QUEUE]);
}


static gboolean
close_request_cb (GtkWindow *window)
{
  TciaWindow *self = TCIA_WINDOW (window);

  /* Closing the only window quits: with series downloading, ask first. */
  if (tcia_window_confirm_quit (self))
    return TRUE;
  if (GTK_WINDOW_CLASS (tcia_window_parent_class)->close_request != NULL)
    return GTK_WINDOW_CLASS (tcia_window_parent_class)->close_request (window);
  return FALSE;
}

/* "What’s New in a Download Folder…": the folder asked for, or given (a
 * notification's). */
static void
whats_new_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  TciaWindow *self = TCIA_WINDOW (widget);

  if (parameter != NULL)
    gtk_window_present (GTK_WINDOW (tcia_whats_new_dialog_new (GTK_WINDOW (self), self->session,
                                                               g_variant_get_string (parameter,
                                                                                     NULL))));
  else
    tcia_whats_new_dialog_choose (GTK_WINDOW (self), self->session);
}

static void
tcia_window_constructed (GObject *object)
{
  TciaWindow *self = TCIA_WINDOW (object);
  GtkDropTarget *drop;

  G_OBJECT_CLASS (tcia_window_parent_class)->constructed (object);
  tcia_widget_name_mnemonic_buttons (GTK_WIDGET (self));

  /* Without a session of the application's (tests), one of its own, in
   * memory unless given a basket, following the settings given. */
  if (self->session == NULL)
    {
      self->session = tcia_session_new (self->client, self->basket);
      if (self->settings != NULL)
        tcia_session_bind_settings (self->session, self->settings);
    }
  g_set_object (&self->client, tcia_session_get_client (self->session));
  g_set_object (&self->basket, tcia_session_get_basket (self->session));
  g_signal_connect_object (self->session, "notify::queue", G_CALLBACK (session_queue_cb), self,
                           G_CONNECT_SWAPPED);
  session_queue_cb (self);
  g_signal_connect_object (self->basket, "items-changed", G_CALLBACK (basket_changed_cb), self,
                           G_CONNECT_SWAPPED);
  basket_changed_cb (self);

  /* Rows dragged from the list: the switcher opens the Basket page on hover,
   * the page takes the drop. */
  drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (basket_drop_cb), self);
  gtk_widget_add_controller (adw_view_stack_page_get_child (self->basket_page),
                             GTK_EVENT_CONTROLLER (drop));

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (files_drop_cb), self);
  gtk_widget_add_controller (self->content_box, GTK_EVENT_CONTROLLER (drop));

  tcia_basket_page_setup (self->basket_view, self->client, self->basket, self->settings);
  /* Imports too ask the local catalogue first, and say what nobody could look up. */
  if (self->client != NULL)
    {
      g_autoptr(TciaCatalogue) catalogue = tcia_session_dup_import_catalogue (self->session,
                                                                              FALSE);

      tcia_basket_page_set_import_catalogue (self->basket_view, catalogue);
    }
  if (self->client != NULL)
    {
      tcia_basket_page_set_checkout_available (self->basket_view, TRUE);
      g_signal_connect_object (self->basket_view, "checkout", G_CALLBACK (_tcia_window_checkout_cb), self, 0);
    }
  g_signal_connect_object (self->downloads_view, "notify::n-active",
                           G_CALLBACK (update_downloads_indicator), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->downloads_view, "notify::n-failed",
                           G_CALLBACK (update_downloads_indicator), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->downloads_view, "notify::fraction",
                           G_CALLBACK (update_downloads_indicator), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stack, "notify::visible-child-name",
                           G_CALLBACK (update_downloads_indicator), self, G_CONNECT_SWAPPED);
  update_downloads_indicator (self);
  g_signal_connect_swapped (self, "notify::focus-widget", G_CALLBACK (focus_widget_changed_cb),
                            self);

  /* Browse asks the local catalogue first (the session's, when it has one). */
  if (self->client != NULL)
    {
      g_autoptr(TciaCatalogue) catalogue = tcia_session_dup_browse_catalogue (self->session);

      tcia_browse_page_set_catalogue (self->browse_page, catalogue);
      tcia_browse_page_setup (self->browse_page, self->client, self->basket, self->settings);
    }
  tcia_catalogue_banner_set_session (self->catalogue_banner, self->session);

  /* GTK keeps default-width/-height at the unmaximized size, so binding
   * them restores what the user last saw. */
  if (self->settings != NULL)
    {
      g_settings_bind (self->settings, "window-width", self, "default-width",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-height", self, "default-height",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-maximized", self, "maximized",
                       G_SETTINGS_BIND_DEFAULT);
    }
}

static void
tcia_window_dispose (GObject *object)
{
  TciaWindow *self = TCIA_WINDOW (object);

  g_cancellable_cancel (self->space_cancellable);
  g_clear_object (&self->space_cancellable);
  g_clear_handle_id (&self->refocus_id, g_source_remove);
  _tcia_window_set_dialog (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), TCIA_TYPE_WINDOW);

  G_OBJECT_CLASS (tcia_window_parent_class)->dispose (object);
}

static void
tcia_window_finalize (GObject *object)
{
  TciaWindow *self = TCIA_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->client);
  g_clear_object (&self->basket);
  g_clear_object (&self->session);
  g_clear_pointer (&self->toast_text, g_free);

  G_OBJECT_CLASS (tcia_window_parent_class)->finalize (object);
}

static void
tcia_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TciaWindow *self = TCIA_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_BASKET:
      g_value_set_object (value, self->basket);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_DOWNLOAD_QUEUE:
      g_value_set_object (value, tcia_window_get_download_queue (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  TciaWindow *self = TCIA_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_BASKET:
      self->basket = g_value_dup_object (value);
      break;
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_window_class_init (TciaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = tcia_window_constructed;
  object_class->dispose = tcia_window_dispose;
  object_class->finalize = tcia_window_finalize;
  object_class->get_property = tcia_window_get_property;
  object_class->set_property = tcia_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         TCIA_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_BASKET] =
    g_param_spec_object ("basket", NULL, NULL,
                         TCIA_TYPE_BASKET,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         TCIA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_DOWNLOAD_QUEUE] =
    g_param_spec_object ("download-queue", NULL, NULL,
                         TCIA_TYPE_DOWNLOAD_QUEUE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  window_class->close_request = close_request_cb;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tciabasket/TciaBasket/tcia-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TciaWindow, browse_page);
  gtk_widget_class_bind_template_child (widget_class, TciaWindow, basket_page);
  gtk_widget_class_bind_template_child (widget_class, TciaWindow, basket_view);
  gtk_widget_class_bind_template_child (widget_class, TciaWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, TciaWindow, downloads_page);
  gtk_widget_class_bind_template_child (widget_class, TciaWindow, downloads_view);
  gtk_widget_class_bind_template_child (widget_class, TciaWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TciaWindow, downloads_button);
  gtk_widget_class_bind_template_child (widget_class, TciaWindow, downloads_label);
  gtk_widget_class_bind_template_child (widget_class, TciaWindow, downloads_progress);
  gtk_widget_class_bind_template_child (widget_class, TciaWindow, catalogue_banner);

  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_cb);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_cb);
  gtk_widget_class_install_action (widget_class, "win.import-cart", NULL, import_cart_cb);
  gtk_widget_class_install_action (widget_class, "win.whats-new", NULL, whats_new_cb);
  gtk_widget_class_install_action (widget_class, "win.whats-new-in", "s", whats_new_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "win.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK,
                                       "win.show-page", "s", "browse");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK,
                                       "win.show-page", "s", "basket");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK,
                                       "win.show-page", "s", "downloads");
}

static void
tcia_window_init (TciaWindow *self)
{
  g_type_ensure (TCIA_TYPE_BROWSE_PAGE);
  g_type_ensure (TCIA_TYPE_BASKET_PAGE);
  g_type_ensure (TCIA_TYPE_DOWNLOADS_PAGE);
  g_type_ensure (TCIA_TYPE_CATALOGUE_BANNER);
  gtk_widget_init_template (GTK_WIDGET (self));
  tcia_tooltip_when_cut (GTK_WIDGET (self->downloads_label));
}

TciaWindow *
tcia_window_new (GtkApplication *application,
                 GSettings      *settings)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (TCIA_TYPE_WINDOW,
                       "application", application,
                       "settings", settings,
                       NULL);
}

TciaWindow *
tcia_window_new_full (GtkApplication *application,
                      GSettings      *settings,
                      TciaClient     *client,
                      TciaBasket     *basket)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (client == NULL || TCIA_IS_CLIENT (client), NULL);
  g_return_val_if_fail (basket == NULL || TCIA_IS_BASKET (basket), NULL);

  return g_object_new (TCIA_TYPE_WINDOW,
                       "application", application,
                       "settings", settings,
                       "client", client,
                       "basket", basket,
                       NULL);
}

TciaWindow *
tcia_window_new_for_session (GtkApplication *application,
                             GSettings      *settings,
                             TciaSession    *session)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (TCIA_IS_SESSION (session), NULL);

  return g_object_new (TCIA_TYPE_WINDOW,
                       "application", application,
                       "settings", settings,
                       "session", session,
                       NULL);
}

TciaSession *
tcia_window_get_session (TciaWindow *self)
{
  g_return_val_if_fail (TCIA_IS_WINDOW (self), NULL);

  return self->session;
}

TciaBasket *
tcia_window_get_basket (TciaWindow *self)
{
  g_return_val_if_fail (TCIA_IS_WINDOW (self), NULL);

  return self->basket;
}

TciaBrowsePage *
tcia_window_get_browse_page (TciaWindow *self)
{
  return self->browse_page;
}

AdwViewStackPage *
tcia_window_get_basket_page (TciaWindow *self)
{
  return self->basket_page;
}

TciaBasketPage *
tcia_window_get_basket_view (TciaWindow *self)
{
  return self->basket_view;
}

void
tcia_window_import_files (TciaWindow  *self,
                          GFile      **files,
                          guint        n_files)
{
  g_return_if_fail (TCIA_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->stack, "basket");
  tcia_basket_page_import_files (self->basket_view, files, n_files);
}

void
tcia_window_show_basket_load_error (TciaWindow   *self,
                                    const GError *error)
{
  g_return_if_fail (TCIA_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  adw_view_stack_set_visible_child_name (self->stack, "basket");
  tcia_basket_page_show_load_error (self->basket_view, error);
}

GSettings *
tcia_window_get_settings (TciaWindow *self)
{
  g_return_val_if_fail (TCIA_IS_WINDOW (self), NULL);

  return self->settings;
}

TciaDownloadQueue *
tcia_window_get_download_queue (TciaWindow *self)
{
  g_return_val_if_fail (TCIA_IS_WINDOW (self), NULL);

  return self->session != NULL ? tcia_session_get_queue (self->session) : NULL;
}

TciaDownloadsPage *
tcia_window_get_downloads_view (TciaWindow *self)
{
  return self->downloads_view;
}

AdwViewStackPage *
tcia_window_get_downloads_page (TciaWindow *self)
{
  return self->downloads_page;
}

AdwMessageDialog *
tcia_window_get_dialog (TciaWindow *self)
{
  return self->dialog;
}

const char *
tcia_window_get_toast_text (TciaWindow *self)
{
  return self->toast_text;
}

gboolean
tcia_window_get_downloads_button_visible (TciaWindow *self)
{
  return gtk_widget_get_visible (self->downloads_button);
}

TciaCatalogueBanner *
tcia_window_get_catalogue_banner (TciaWindow *self)
{
  return self->catalogue_banner;
}

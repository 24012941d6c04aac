/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-window"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-basket-page.h"
#include "tcia-browse-page.h"
#include "tcia-window-private.h"

struct _TciaWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwViewStack         *stack;
  TciaBrowsePage       *browse_page;
  AdwViewStackPage     *basket_page;
  TciaBasketPage       *basket_view;
  GtkWidget            *content_box;

  /* owned */
  GSettings            *settings;
  TciaClient           *client;
  TciaBasket           *basket;
};

G_DEFINE_FINAL_TYPE (TciaWindow, tcia_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_CLIENT,
  PROP_BASKET,
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
}

static void
tcia_window_constructed (GObject *object)
{
  TciaWindow *self = TCIA_WINDOW (object);
  GtkDropTarget *drop;

  G_OBJECT_CLASS (tcia_window_parent_class)->constructed (object);

  /* Without a basket of the application's (tests), one in memory. */
  if (self->basket == NULL)
    self->basket = tcia_basket_new (NULL);
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

  if (self->client != NULL)
    tcia_browse_page_setup (self->browse_page, self->client, self->basket, self->settings);

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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_window_class_init (TciaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

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

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tciabasket/TciaBasket/tcia-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TciaWindow, browse_page);
  gtk_widget_class_bind_template_child (widget_class, TciaWindow, basket_page);
  gtk_widget_class_bind_template_child (widget_class, TciaWindow, basket_view);
  gtk_widget_class_bind_template_child (widget_class, TciaWindow, content_box);

  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_cb);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_cb);
  gtk_widget_class_install_action (widget_class, "win.import-cart", NULL, import_cart_cb);
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
  gtk_widget_init_template (GTK_WIDGET (self));
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

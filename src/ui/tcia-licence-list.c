/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-licence-list"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-basket-licence.h"

#include "tcia-licence-list.h"

struct _TciaLicenceList
{
  AdwPreferencesGroup  parent_instance;

  /* owned */
  GListModel          *model;
  GPtrArray           *rows;      /* AdwActionRow, in the group */
};

G_DEFINE_FINAL_TYPE (TciaLicenceList, tcia_licence_list, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_MODEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The count changes while the licence stays listed (more series of it
 * added): the row follows it. */
static void
update_subtitle (TciaBasketLicence *licence,
                 GParamSpec        *pspec,
                 AdwActionRow      *row)
{
  guint n_series = tcia_basket_licence_get_n_series (licence);
  g_autofree char *subtitle = NULL;

  if (tcia_basket_licence_get_non_commercial (licence))
    /* TRANSLATORS: a licence row's subtitle: "9 series · Non-commercial use only" */
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%u series · Non-commercial use only",
                                             "%u series · Non-commercial use only",
                                             n_series), n_series);
  else
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u series", "%u series",
                                             n_series), n_series);
  adw_action_row_set_subtitle (row, subtitle);
}

static GtkWidget *
licence_row_new (TciaBasketLicence *licence)
{
  const char *name = tcia_basket_licence_get_name (licence);
  const char *uri = tcia_basket_licence_get_uri (licence);
  GtkWidget *row = adw_action_row_new ();

  if (name == NULL || *name == '\0')
    name = _("No licence given");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (tcia_basket_licence_get_non_commercial (licence))
    {
      GtkWidget *tag = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      gtk_widget_add_css_class (tag, "warning");
      gtk_widget_set_tooltip_text (tag, _("Non-commercial: this licence does not allow "
                                          "commercial use"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (tag), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Non-commercial"), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), tag);
      g_object_set_data (G_OBJECT (row), "tcia-nc", GINT_TO_POINTER (TRUE));
    }
  update_subtitle (licence, NULL, ADW_ACTION_ROW (row));
  g_signal_connect_object (licence, "notify::n-series", G_CALLBACK (update_subtitle), row, 0);

  if (uri != NULL && *uri != '\0')
    {
      GtkWidget *link = gtk_link_button_new_with_label (uri, _("Read"));
      g_autofree char *accessible = g_strdup_printf (_("Read the licence “%s”"), name);

      gtk_widget_set_valign (link, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (link, uri);
      gtk_accessible_update_property (GTK_ACCESSIBLE (link),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), link);
    }

  return row;
}

static void
rebuild (TciaLicenceList *self)
{
  guint n = self->model != NULL ? g_list_model_get_n_items (self->model) : 0;

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaBasketLicence) licence = g_list_model_get_item (self->model, i);
      GtkWidget *row = licence_row_new (licence);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }
}

static void
tcia_licence_list_dispose (GObject *object)
{
  TciaLicenceList *self = TCIA_LICENCE_LIST (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (tcia_licence_list_parent_class)->dispose (object);
}

static void
tcia_licence_list_finalize (GObject *object)
{
  TciaLicenceList *self = TCIA_LICENCE_LIST (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (tcia_licence_list_parent_class)->finalize (object);
}

static void
tcia_licence_list_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TciaLicenceList *self = TCIA_LICENCE_LIST (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_licence_list_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TciaLicenceList *self = TCIA_LICENCE_LIST (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      tcia_licence_list_set_model (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_licence_list_class_init (TciaLicenceListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tcia_licence_list_dispose;
  object_class->finalize = tcia_licence_list_finalize;
  object_class->get_property = tcia_licence_list_get_property;
  object_class->set_property = tcia_licence_list_set_property;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tcia_licence_list_init (TciaLicenceList *self)
{
  self->rows = g_ptr_array_new ();
}

GListModel *
tcia_licence_list_get_model (TciaLicenceList *self)
{
  g_return_val_if_fail (TCIA_IS_LICENCE_LIST (self), NULL);

  return self->model;
}

void
tcia_licence_list_set_model (TciaLicenceList *self,
                             GListModel      *model)
{
  g_return_if_fail (TCIA_IS_LICENCE_LIST (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_set_object (&self->model, model);
  if (model != NULL)
    g_signal_connect_swapped (model, "items-changed", G_CALLBACK (rebuild), self);
  rebuild (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

guint
tcia_licence_list_get_n_rows (TciaLicenceList *self)
{
  g_return_val_if_fail (TCIA_IS_LICENCE_LIST (self), 0);

  return self->rows->len;
}

const char *
tcia_licence_list_get_row_title (TciaLicenceList *self,
                                 guint            index)
{
  g_return_val_if_fail (TCIA_IS_LICENCE_LIST (self), NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);

  return adw_preferences_row_get_title (g_ptr_array_index (self->rows, index));
}

const char *
tcia_licence_list_get_row_subtitle (TciaLicenceList *self,
                                    guint            index)
{
  g_return_val_if_fail (TCIA_IS_LICENCE_LIST (self), NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);

  return adw_action_row_get_subtitle (g_ptr_array_index (self->rows, index));
}

gboolean
tcia_licence_list_get_row_is_nc (TciaLicenceList *self,
                                 guint            index)
{
  g_return_val_if_fail (TCIA_IS_LICENCE_LIST (self), FALSE);
  g_return_val_if_fail (index < self->rows->len, FALSE);

  return g_object_get_data (g_ptr_array_index (self->rows, index), "tcia-nc") != NULL;
}

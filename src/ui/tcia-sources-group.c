/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-idc-bucket.h"
#include "tcia-idc-client.h"
#include "tcia-sources-group.h"
#include "tcia-ui-util.h"

struct _TciaSourcesGroup
{
  AdwPreferencesGroup  parent_instance;

  GSettings           *settings;

  AdwComboRow         *policy_row;
  AdwExpanderRow      *endpoints_row;
  AdwEntryRow         *api_row;
  AdwEntryRow         *bucket_row;
};

G_DEFINE_FINAL_TYPE (TciaSourcesGroup, tcia_sources_group, ADW_TYPE_PREFERENCES_GROUP)

/* The source-policy values, in the order of the combo's rows. */
static const char * const policy_nicks[] = { "auto", "nbia", "idc", NULL };

static void
mark_entry (AdwEntryRow  *row,
            const GError *error)
{
  if (error != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (row), error->message);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (row), NULL);
    }
}

static void
entry_changed_cb (AdwEntryRow *row)
{
  mark_entry (row, NULL);
}

/* Only an address the program can use is kept; empty means IDC's own. */
static void
apply (TciaSourcesGroup *self,
       AdwEntryRow      *row,
       const char       *key)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autoptr(GError) error = NULL;

  if (*text != '\0')
    {
      GObject *probe = row == self->api_row
                       ? G_OBJECT (tcia_idc_client_new (text, &error))
                       : G_OBJECT (tcia_idc_bucket_new (text, &error));

      g_clear_object (&probe);
    }
  mark_entry (row, error);
  if (error == NULL)
    g_settings_set_string (self->settings, key, text);
}

static void
api_apply_cb (TciaSourcesGroup *self)
{
  apply (self, self->api_row, "idc-api-url");
}

static void
bucket_apply_cb (TciaSourcesGroup *self)
{
  apply (self, self->bucket_row, "idc-bucket-url");
}

static void
sync_entries (TciaSourcesGroup *self)
{
  g_autofree char *api = g_settings_get_string (self->settings, "idc-api-url");
  g_autofree char *bucket = g_settings_get_string (self->settings, "idc-bucket-url");

  gtk_editable_set_text (GTK_EDITABLE (self->api_row), api);
  gtk_editable_set_text (GTK_EDITABLE (self->bucket_row), bucket);
  mark_entry (self->api_row, NULL);
  mark_entry (self->bucket_row, NULL);
}

void
tcia_sources_group_set_settings (TciaSourcesGroup *self,
                                 GSettings        *settings)
{
  g_return_if_fail (TCIA_IS_SOURCES_GROUP (self));
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (self->settings == NULL);

  self->settings = g_object_ref (settings);
  tcia_settings_bind_combo_row (settings, "source-policy", self->policy_row, policy_nicks);
  g_signal_connect_object (settings, "changed::idc-api-url", G_CALLBACK (sync_entries), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::idc-bucket-url", G_CALLBACK (sync_entries), self,
                           G_CONNECT_SWAPPED);
  sync_entries (self);
}

static void
tcia_sources_group_dispose (GObject *object)
{
  TciaSourcesGroup *self = TCIA_SOURCES_GROUP (object);

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), TCIA_TYPE_SOURCES_GROUP);

  G_OBJECT_CLASS (tcia_sources_group_parent_class)->dispose (object);
}

static void
tcia_sources_group_class_init (TciaSourcesGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tcia_sources_group_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tciabasket/TciaBasket/"
                                               "tcia-sources-group.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaSourcesGroup, policy_row);
  gtk_widget_class_bind_template_child (widget_class, TciaSourcesGroup, endpoints_row);
  gtk_widget_class_bind_template_child (widget_class, TciaSourcesGroup, api_row);
  gtk_widget_class_bind_template_child (widget_class, TciaSourcesGroup, bucket_row);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, api_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, bucket_apply_cb);
}

static void
tcia_sources_group_init (TciaSourcesGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

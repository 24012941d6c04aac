/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-collection-pane"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-basket-licence.h"
#include "tcia-html.h"
#include "tcia-licence-list.h"
#include "tcia-ui-util.h"

#include "tcia-collection-pane.h"

struct _TciaCollectionPane
{
  AdwBin           parent_instance;

  /* template widgets */
  GtkLabel        *collection_title;
  GtkLabel        *collection_summary;
  GtkLabel        *collection_description;
  GtkButton       *data_description_button;
  TciaLicenceList *licences_group;

  /* owned */
  TciaCatalogue   *catalogue;
  char            *collection;
  GCancellable    *cancellable;
  char            *data_description_uri;
};

G_DEFINE_FINAL_TYPE (TciaCollectionPane, tcia_collection_pane, ADW_TYPE_BIN)

static void
descriptions_listed_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(TciaTicket) query = user_data;
  TciaCollectionPane *self = query->owner;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaCollection) collection = NULL;
  g_autofree char *markup = NULL;

  model = tcia_catalogue_describe_collections_finish (TCIA_CATALOGUE (object), result, &error);
  if (tcia_ticket_is_stale (query, self->cancellable, error))
    return;

  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The description could not be loaded: %s"),
                                               error->message);

      gtk_label_set_text (self->collection_description, text);
      return;
    }

  if (g_list_model_get_n_items (model) > 0)
    collection = g_list_model_get_item (model, 0);

  if (collection != NULL && tcia_collection_get_description (collection) != NULL)
    markup = tcia_html_to_pango_markup (tcia_collection_get_description (collection));
  if (markup == NULL || *markup == '\0')
    {
      g_autofree char *none = g_markup_printf_escaped ("<i>%s</i>",
                                                       _("The archive has no description of this collection."));

      g_free (markup);
      markup = g_steal_pointer (&none);
    }
  gtk_label_set_markup (self->collection_description, markup);

  g_clear_pointer (&self->data_description_uri, g_free);
  if (collection != NULL && tcia_collection_get_description_uri (collection) != NULL)
    self->data_description_uri = g_strdup (tcia_collection_get_description_uri (collection));
  gtk_widget_set_visible (GTK_WIDGET (self->data_description_button),
                          self->data_description_uri != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->data_description_button),
                               self->data_description_uri);
}

static void
reload_description (TciaCollectionPane *self)
{
  GCancellable *cancellable;

  if (self->catalogue == NULL || self->collection == NULL)
    return;

  cancellable = tcia_cancellable_restart (&self->cancellable);
  gtk_label_set_text (self->collection_description, _("Loading the description…"));
  gtk_widget_set_visible (GTK_WIDGET (self->data_description_button), FALSE);
  tcia_catalogue_describe_collections_async (self->catalogue, self->collection, NULL, cancellable,
                                             descriptions_listed_cb,
                                             tcia_ticket_new (self, cancellable, 0));
}

static gboolean
description_activate_link_cb (TciaCollectionPane *self,
                              const char     *uri,
                              GtkLabel       *label)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
  return TRUE;
}

static void
open_data_description_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  TciaCollectionPane *self = TCIA_COLLECTION_PANE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->data_description_uri != NULL)
    gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                  self->data_description_uri, GDK_CURRENT_TIME);
}

static void
tcia_collection_pane_dispose (GObject *object)
{
  TciaCollectionPane *self = TCIA_COLLECTION_PANE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->catalogue);

  G_OBJECT_CLASS (tcia_collection_pane_parent_class)->dispose (object);
}

static void
tcia_collection_pane_finalize (GObject *object)
{
  TciaCollectionPane *self = TCIA_COLLECTION_PANE (object);

  g_clear_pointer (&self->collection, g_free);
  g_clear_pointer (&self->data_description_uri, g_free);

  G_OBJECT_CLASS (tcia_collection_pane_parent_class)->finalize (object);
}

static void
tcia_collection_pane_class_init (TciaCollectionPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tcia_collection_pane_dispose;
  object_class->finalize = tcia_collection_pane_finalize;

  g_type_ensure (TCIA_TYPE_LICENCE_LIST);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tciabasket/TciaBasket/tcia-collection-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaCollectionPane, collection_title);
  gtk_widget_class_bind_template_child (widget_class, TciaCollectionPane, collection_summary);
  gtk_widget_class_bind_template_child (widget_class, TciaCollectionPane, collection_description);
  gtk_widget_class_bind_template_child (widget_class, TciaCollectionPane, data_description_button);
  gtk_widget_class_bind_template_child (widget_class, TciaCollectionPane, licences_group);
  gtk_widget_class_bind_template_callback (widget_class, description_activate_link_cb);

  gtk_widget_class_install_action (widget_class, "pane.open-data-description", NULL,
                                   open_data_description_cb);
}

static void
tcia_collection_pane_init (TciaCollectionPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
tcia_collection_pane_set_catalogue (TciaCollectionPane *self,
                                    TciaCatalogue      *catalogue)
{
  g_return_if_fail (TCIA_IS_COLLECTION_PANE (self));
  g_return_if_fail (catalogue == NULL || TCIA_IS_CATALOGUE (catalogue));

  g_set_object (&self->catalogue, catalogue);
}

void
tcia_collection_pane_set_collection (TciaCollectionPane *self,
                                     TciaCollection     *collection)
{
  const char *name;
  int count;
  g_autofree char *summary = NULL;

  g_return_if_fail (TCIA_IS_COLLECTION_PANE (self));
  g_return_if_fail (TCIA_IS_COLLECTION (collection));

  name = tcia_collection_get_name (collection);
  count = tcia_collection_get_patient_count (collection);
  g_free (self->collection);
  self->collection = g_strdup (name);

  gtk_label_set_text (self->collection_title, name);
  if (count >= 0)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d patient", "%d patients", count),
                               count);
  gtk_label_set_text (self->collection_summary, summary != NULL ? summary : "");
  gtk_widget_set_visible (GTK_WIDGET (self->collection_summary), summary != NULL);
  tcia_collection_pane_set_series (self, NULL);
  reload_description (self);
}

void
tcia_collection_pane_reload (TciaCollectionPane *self)
{
  g_return_if_fail (TCIA_IS_COLLECTION_PANE (self));

  reload_description (self);
}

void
tcia_collection_pane_set_series (TciaCollectionPane *self,
                                 GListModel         *series)
{
  g_autoptr(GListModel) licences = NULL;

  g_return_if_fail (TCIA_IS_COLLECTION_PANE (self));

  licences = tcia_licence_tally_new (series);
  tcia_collection_pane_set_licences (self, licences);
}

void
tcia_collection_pane_set_licences (TciaCollectionPane *self,
                                   GListModel         *licences)
{
  g_return_if_fail (TCIA_IS_COLLECTION_PANE (self));
  g_return_if_fail (G_IS_LIST_MODEL (licences));

  tcia_licence_list_set_model (self->licences_group, licences);
  gtk_widget_set_visible (GTK_WIDGET (self->licences_group),
                          g_list_model_get_n_items (licences) > 0);
}

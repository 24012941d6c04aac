/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-collection-sidebar"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-table-a11y.h"
#include "tcia-ui-util.h"

#include "tcia-collection-sidebar.h"

struct _TciaCollectionSidebar
{
  AdwBin              parent_instance;

  /* template widgets */
  GtkSearchEntry     *collection_search;
  GtkListView        *collections_view;

  /* owned */
  GtkFilterListModel *collections_filter;
  GtkSingleSelection *collections_selection;
};

G_DEFINE_FINAL_TYPE (TciaCollectionSidebar, tcia_collection_sidebar, ADW_TYPE_BIN)

enum {
  SIGNAL_COLLECTION_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
collections_view_activate_cb (TciaCollectionSidebar *self,
                              guint                  position)
{
  g_autoptr(TciaCollection) collection =
    g_list_model_get_item (G_LIST_MODEL (self->collections_selection), position);

  if (collection != NULL)
    g_signal_emit (self, signals[SIGNAL_COLLECTION_ACTIVATED], 0, collection);
}

static void
collection_search_changed_cb (TciaCollectionSidebar *self)
{
  GtkFilter *filter = gtk_filter_list_model_get_filter (self->collections_filter);

  gtk_string_filter_set_search (GTK_STRING_FILTER (filter),
                                gtk_editable_get_text (GTK_EDITABLE (self->collection_search)));
}

static void
collection_search_activate_cb (TciaCollectionSidebar *self)
{
  /* The entry's own search-changed comes a moment after typing: Enter
   * right away must pick from the list as typed. */
  collection_search_changed_cb (self);
  /* Enter picks the first match, as in a file chooser. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->collections_selection)) > 0)
    {
      gtk_single_selection_set_selected (self->collections_selection, 0);
      collections_view_activate_cb (self, 0);
    }
}

static void
collection_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  user_data)
{
  gtk_list_item_set_child (item, tcia_title_and_count_new (6));
}

static void
collection_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  TciaCollection *collection = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *name = gtk_widget_get_first_child (box);
  GtkWidget *count = gtk_widget_get_last_child (box);
  int n = tcia_collection_get_patient_count (collection);
  g_autofree char *text = n >= 0 ? tcia_format_count ((guint) n) : g_strdup ("");
  g_autofree char *tooltip = n >= 0
    ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s: %d patient", "%s: %d patients", n),
                       tcia_collection_get_name (collection), n)
    : g_strdup (tcia_collection_get_name (collection));

  gtk_label_set_text (GTK_LABEL (name), tcia_collection_get_name (collection));
  gtk_label_set_text (GTK_LABEL (count), text);
  tcia_widget_set_tooltip_lazily (box, tooltip);
  /* Read as "19 patients", not a bare number. */
  if (n >= 0)
    {
      g_autofree char *patients = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s patient",
                                                                "%s patients", n),
                                                   text);

      gtk_accessible_update_property (GTK_ACCESSIBLE (count), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      patients, -1);
    }
}

static void
tcia_collection_sidebar_dispose (GObject *object)
{
  TciaCollectionSidebar *self = TCIA_COLLECTION_SIDEBAR (object);

  g_clear_object (&self->collections_filter);
  g_clear_object (&self->collections_selection);

  G_OBJECT_CLASS (tcia_collection_sidebar_parent_class)->dispose (object);
}

static void
tcia_collection_sidebar_class_init (TciaCollectionSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tcia_collection_sidebar_dispose;

  /* A click on a collection, or Enter in the search. */
  signals[SIGNAL_COLLECTION_ACTIVATED] =
    g_signal_new ("collection-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TCIA_TYPE_COLLECTION);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tciabasket/TciaBasket/tcia-collection-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaCollectionSidebar, collection_search);
  gtk_widget_class_bind_template_child (widget_class, TciaCollectionSidebar, collections_view);
  gtk_widget_class_bind_template_callback (widget_class, collection_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, collection_search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, collections_view_activate_cb);
}

static void
tcia_collection_sidebar_init (TciaCollectionSidebar *self)
{
  GtkListItemFactory *factory;
  GtkExpression *expression;

  gtk_widget_init_template (GTK_WIDGET (self));
  tcia_list_make_one_tab_stop (GTK_WIDGET (self->collections_view));

  /* Collections narrowed by name as you type. */
  expression = gtk_property_expression_new (TCIA_TYPE_COLLECTION, NULL, "name");
  self->collections_filter = gtk_filter_list_model_new (NULL,
                                                        GTK_FILTER (gtk_string_filter_new (expression)));
  self->collections_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->collections_filter)));
  gtk_single_selection_set_autoselect (self->collections_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->collections_selection, TRUE);
  gtk_list_view_set_model (self->collections_view, GTK_SELECTION_MODEL (self->collections_selection));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (collection_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (collection_bind_cb), self);
  gtk_list_view_set_factory (self->collections_view, factory);
  g_object_unref (factory);
}

void
tcia_collection_sidebar_set_model (TciaCollectionSidebar *self,
                                   GListModel            *collections)
{
  g_return_if_fail (TCIA_IS_COLLECTION_SIDEBAR (self));

  gtk_filter_list_model_set_model (self->collections_filter, collections);
}

GListModel *
tcia_collection_sidebar_get_selection (TciaCollectionSidebar *self)
{
  g_return_val_if_fail (TCIA_IS_COLLECTION_SIDEBAR (self), NULL);

  return G_LIST_MODEL (self->collections_selection);
}

void
tcia_collection_sidebar_focus_search (TciaCollectionSidebar *self)
{
  g_return_if_fail (TCIA_IS_COLLECTION_SIDEBAR (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->collection_search));
}

void
tcia_collection_sidebar_select (TciaCollectionSidebar *self,
                                const char            *name)
{
  GListModel *model;
  guint n;

  g_return_if_fail (TCIA_IS_COLLECTION_SIDEBAR (self));

  model = G_LIST_MODEL (self->collections_selection);
  n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaCollection) collection = g_list_model_get_item (model, i);

      if (g_strcmp0 (tcia_collection_get_name (collection), name) == 0)
        {
          gtk_single_selection_set_selected (self->collections_selection, i);
          return;
        }
    }
}

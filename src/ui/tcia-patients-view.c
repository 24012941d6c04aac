/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-patients-view"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-basket.h"
#include "tcia-series.h"
#include "tcia-table-a11y.h"
#include "tcia-ui-util.h"

#include "tcia-patients-view.h"

struct _TciaPatientsView
{
  AdwBin              parent_instance;

  /* template widgets */
  GtkListView        *list_view;

  /* owned */
  GtkSingleSelection *selection;
  TciaBasket         *basket;
  GHashTable         *bound;          /* GtkListItem bound → its GtkTreeListRow */
};

G_DEFINE_FINAL_TYPE (TciaPatientsView, tcia_patients_view, ADW_TYPE_BIN)

enum {
  SIGNAL_SELECTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Patients → studies → series: built from the rows shown. Patients and
 * studies are GListStores (labelled with object data, and with the totals
 * of the series under them); series are leaves. */

typedef struct
{
  guint   n_series;
  guint64 bytes;
} Totals;

static const char *
node_label (GObject *node)
{
  return g_object_get_data (node, "tcia-label");
}

static Totals *
node_totals (GObject *node)
{
  Totals *totals = g_object_get_data (node, "tcia-totals");

  if (totals == NULL)
    {
      totals = g_new0 (Totals, 1);
      g_object_set_data_full (node, "tcia-totals", totals, g_free);
    }

  return totals;
}

static void
add_to_totals (GObject    *node,
               TciaSeries *series)
{
  Totals *totals = node_totals (node);

  totals->n_series++;
  totals->bytes += tcia_series_get_file_size (series);
}

/* How many of the series under @node (itself one, or a patient or a
 * study) are in the basket. */
static guint
count_in_basket (TciaPatientsView *self,
                 GObject          *node)
{
  guint n = 0;

  if (self->basket == NULL)
    return 0;
  if (TCIA_IS_SERIES (node))
    return tcia_basket_contains (self->basket, tcia_series_get_series_uid (TCIA_SERIES (node)));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (node)); i++)
    {
      g_autoptr(GObject) child = g_list_model_get_item (G_LIST_MODEL (node), i);

      n += count_in_basket (self, child);
    }

  return n;
}

static GListModel *
patients_create_model_cb (gpointer item,
                          gpointer user_data)
{
  return G_IS_LIST_STORE (item) ? g_object_ref (G_LIST_MODEL (item)) : NULL;
}

static void
rebuild (TciaPatientsView *self,
         GListModel       *shown)
{
  g_autoptr(GListStore) roots = g_list_store_new (G_TYPE_LIST_STORE);
  g_autoptr(GHashTable) patients = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) studies = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = g_list_model_get_n_items (shown);
  GtkTreeListModel *tree;
  guint n_roots;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (shown, i);
      const char *patient_id = tcia_series_get_patient_id (series);
      const char *study_uid = tcia_series_get_study_uid (series);
      GListStore *patient, *study;

      patient_id = patient_id != NULL ? patient_id : "";
      study_uid = study_uid != NULL ? study_uid : "";

      patient = g_hash_table_lookup (patients, patient_id);
      if (patient == NULL)
        {
          patient = g_list_store_new (G_TYPE_LIST_STORE);
          g_object_set_data_full (G_OBJECT (patient), "tcia-label", g_strdup (patient_id), g_free);
          g_hash_table_insert (patients, (char *) patient_id, patient);
          g_list_store_append (roots, patient);
          g_object_unref (patient);
        }
      add_to_totals (G_OBJECT (patient), series);
      study = g_hash_table_lookup (studies, study_uid);
      if (study == NULL)
        {
          const char *date = tcia_series_get_study_date (series);
          const char *description = tcia_series_get_study_description (series);

          study = g_list_store_new (TCIA_TYPE_SERIES);
          g_object_set_data_full (G_OBJECT (study), "tcia-label",
                                  g_strdup_printf ("%s  %s", date != NULL ? date : "",
                                                   description != NULL ? description : _("Study")),
                                  g_free);
          g_hash_table_insert (studies, (char *) study_uid, study);
          g_list_store_append (patient, study);
          g_object_unref (study);
        }
      add_to_totals (G_OBJECT (study), series);
      g_list_store_append (study, series);
    }

  n_roots = g_list_model_get_n_items (G_LIST_MODEL (roots));
  tree = gtk_tree_list_model_new (G_LIST_MODEL (g_steal_pointer (&roots)), FALSE, n_roots == 1,
                                  patients_create_model_cb, NULL, NULL);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (tree));
  g_object_unref (tree);
}

static void
patient_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = tcia_title_and_count_new (12);
  GtkWidget *mark = gtk_image_new_from_icon_name ("emblem-ok-symbolic");

  gtk_widget_add_css_class (mark, "accent");
  /* The same room with or without the mark, so that the counts line up. */
  gtk_widget_set_size_request (mark, 16, -1);
  gtk_box_append (GTK_BOX (box), mark);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (item, expander);
}

/* The in-basket mark of a row: all of its series, some (dimmed), or none. */
static void
update_mark (TciaPatientsView *self,
             GtkListItem      *item)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  GtkWidget *mark = gtk_widget_get_last_child (box);
  g_autoptr(GObject) node = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
  guint n_in = node != NULL ? count_in_basket (self, node) : 0;
  guint n_all = node == NULL ? 0 : TCIA_IS_SERIES (node) ? 1 : node_totals (node)->n_series;
  g_autofree char *text = NULL;

  gtk_accessible_update_state (GTK_ACCESSIBLE (mark), GTK_ACCESSIBLE_STATE_HIDDEN, n_in == 0, -1);
  if (n_in == 0)
    {
      gtk_image_clear (GTK_IMAGE (mark));
      gtk_widget_set_tooltip_text (mark, NULL);
      return;
    }

  if (n_in == n_all)
    text = g_strdup (_("In the basket"));
  else
    /* Translators: "2 of 5 series in the basket" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u series in the basket",
                                         "%u of %u series in the basket", n_all),
                            n_in, n_all);
  gtk_image_set_from_icon_name (GTK_IMAGE (mark), "emblem-ok-symbolic");
  gtk_widget_set_opacity (mark, n_in == n_all ? 1.0 : 0.5);
  gtk_widget_set_tooltip_text (mark, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (mark), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
patient_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   TciaPatientsView         *self)
{
  g_hash_table_remove (self->bound, item);
}

static void
basket_items_changed_cb (TciaPatientsView *self)
{
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    update_mark (self, item);
}

static void
patient_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 TciaPatientsView         *self)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  GtkLabel *title = GTK_LABEL (gtk_widget_get_first_child (box));
  GtkLabel *detail = GTK_LABEL (gtk_widget_get_next_sibling (GTK_WIDGET (title)));
  g_autoptr(GObject) node = gtk_tree_list_row_get_item (row);
  g_autofree char *text = NULL;

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);

  if (TCIA_IS_SERIES (node))
    {
      TciaSeries *series = TCIA_SERIES (node);
      g_autofree char *size = g_format_size (tcia_series_get_file_size (series));
      const char *description = tcia_series_get_series_description (series);

      text = g_strdup_printf ("%s  %s", tcia_series_get_modality (series) != NULL
                                        ? tcia_series_get_modality (series) : "",
                              description != NULL ? description : _("Series"));
      gtk_label_set_text (title, text);
      g_free (text);
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u image · %s", "%u images · %s",
                                           tcia_series_get_image_count (series)),
                              tcia_series_get_image_count (series), size);
      gtk_label_set_text (detail, text);
    }
  else
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (node));
      gboolean is_study = g_list_model_get_item_type (G_LIST_MODEL (node)) == TCIA_TYPE_SERIES;
      Totals *totals = node_totals (node);
      g_autofree char *size = g_format_size (totals->bytes);
      g_autofree char *series = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u series",
                                                              "%u series", totals->n_series),
                                                 totals->n_series);

      gtk_label_set_text (title, node_label (node));
      if (is_study)
        /* Translators: a study's series and their size, "3 series · 1.2 MB" */
        text = g_strdup_printf (_("%s · %s"), series, size);
      else
        /* Translators: a patient's studies, series and size, "2 studies · 5 series · 1.2 MB" */
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u study · %s · %s",
                                             "%u studies · %s · %s", n),
                                n, series, size);
      gtk_label_set_text (detail, text);
    }

  g_hash_table_insert (self->bound, item, row);
  update_mark (self, item);
}

static void
selection_changed_cb (TciaPatientsView *self)
{
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

static void
tcia_patients_view_dispose (GObject *object)
{
  TciaPatientsView *self = TCIA_PATIENTS_VIEW (object);

  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);
  if (self->basket != NULL)
    g_signal_handlers_disconnect_by_data (self->basket, self);
  g_clear_object (&self->basket);
  g_clear_pointer (&self->bound, g_hash_table_unref);

  G_OBJECT_CLASS (tcia_patients_view_parent_class)->dispose (object);
}

static void
tcia_patients_view_class_init (TciaPatientsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tcia_patients_view_dispose;

  signals[SIGNAL_SELECTION_CHANGED] =
    g_signal_new ("selection-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tciabasket/TciaBasket/tcia-patients-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaPatientsView, list_view);
}

static void
tcia_patients_view_init (TciaPatientsView *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->bound = g_hash_table_new (NULL, NULL);
  tcia_list_make_one_tab_stop (GTK_WIDGET (self->list_view));
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "selection-changed",
                            G_CALLBACK (selection_changed_cb), self);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (patient_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (patient_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (patient_unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
}

void
tcia_patients_view_rebuild (TciaPatientsView *self,
                            GListModel       *shown)
{
  g_return_if_fail (TCIA_IS_PATIENTS_VIEW (self));
  g_return_if_fail (G_IS_LIST_MODEL (shown));

  rebuild (self, shown);
}

void
tcia_patients_view_set_basket (TciaPatientsView *self,
                               TciaBasket       *basket)
{
  g_return_if_fail (TCIA_IS_PATIENTS_VIEW (self));
  g_return_if_fail (basket == NULL || TCIA_IS_BASKET (basket));

  if (self->basket != NULL)
    g_signal_handlers_disconnect_by_data (self->basket, self);
  g_set_object (&self->basket, basket);
  if (basket != NULL)
    g_signal_connect_swapped (basket, "items-changed", G_CALLBACK (basket_items_changed_cb), self);
  basket_items_changed_cb (self);
}

GPtrArray *
tcia_patients_view_dup_selected (TciaPatientsView *self)
{
  GPtrArray *array = g_ptr_array_new_with_free_func (g_object_unref);
  GtkTreeListRow *row;
  g_autoptr(GObject) item = NULL;

  g_return_val_if_fail (TCIA_IS_PATIENTS_VIEW (self), array);

  row = gtk_single_selection_get_selected_item (self->selection);
  item = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;

  if (TCIA_IS_SERIES (item))
    {
      g_ptr_array_add (array, g_object_ref (item));
    }
  else if (G_IS_LIST_MODEL (item))
    {
      /* A patient or a study: every series under it. */
      g_autoptr(GPtrArray) stack = g_ptr_array_new ();

      g_ptr_array_add (stack, item);
      while (stack->len > 0)
        {
          GListModel *model = g_ptr_array_steal_index (stack, stack->len - 1);
          guint n = g_list_model_get_n_items (model);

          for (guint i = 0; i < n; i++)
            {
              GObject *child = g_list_model_get_item (model, i);

              if (TCIA_IS_SERIES (child))
                g_ptr_array_add (array, child);
              else
                {
                  g_ptr_array_add (stack, child);
                  g_object_unref (child);
                }
            }
        }
    }

  return array;
}

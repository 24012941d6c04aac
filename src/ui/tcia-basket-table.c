/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-basket-table"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-column-sizing.h"
#include "tcia-series-cell.h"
#include "tcia-ui-util.h"

#include "tcia-basket-table.h"

struct _TciaBasketTable
{
  AdwBin             parent_instance;

  /* template widgets */
  GtkColumnView     *view;

  /* owned */
  TciaBasket        *basket;
  GtkMultiSelection *selection;
  TciaColumnSizing  *sizing;
};

G_DEFINE_FINAL_TYPE (TciaBasketTable, tcia_basket_table, ADW_TYPE_BIN)

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  TciaSeriesField column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "tcia-column"));
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  tcia_tooltip_when_cut (label);
  if (tcia_series_field_is_number (column))
    {
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_add_css_class (label, "numeric");
    }
  else
    {
      gtk_label_set_xalign (GTK_LABEL (label), 0);
    }
  gtk_list_item_set_child (item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  TciaSeriesField column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "tcia-column"));
  TciaSeries *series = gtk_list_item_get_item (item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  g_autofree char *owned = NULL;
  const char *text = tcia_series_cell_text (series, column, TCIA_COUNT_PLAIN, &owned);

  gtk_label_set_text (label, text != NULL ? text : "");
}

/* What each column of the .ui shows, by the property its sorter looks up. */
static const struct
{
  const char      *property;
  TciaSeriesField  field;
} basket_columns[] = {
  { "collection", TCIA_SERIES_FIELD_COLLECTION },
  { "patient-id", TCIA_SERIES_FIELD_PATIENT },
  { "study-date", TCIA_SERIES_FIELD_STUDY_DATE },
  { "series-description", TCIA_SERIES_FIELD_SERIES_DESCRIPTION },
  { "modality", TCIA_SERIES_FIELD_MODALITY },
  { "image-count", TCIA_SERIES_FIELD_IMAGES },
  { "file-size", TCIA_SERIES_FIELD_SIZE },
};

static TciaSeriesField
column_field (GtkColumnViewColumn *column)
{
  GtkSorter *sorter = gtk_column_view_column_get_sorter (column);
  GtkExpression *expression = NULL;
  const char *property;

  g_object_get (sorter, "expression", &expression, NULL);
  g_assert (G_TYPE_CHECK_INSTANCE_TYPE (expression, GTK_TYPE_PROPERTY_EXPRESSION));
  property = gtk_property_expression_get_pspec (expression)->name;
  gtk_expression_unref (expression);

  for (guint k = 0; k < G_N_ELEMENTS (basket_columns); k++)
    if (g_str_equal (basket_columns[k].property, property))
      return basket_columns[k].field;

  g_assert_not_reached ();
}

static void
setup_columns (TciaBasketTable *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->view);

  self->sizing = tcia_column_sizing_new (self->view);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      TciaSeriesField field = column_field (column);

      g_object_set_data (G_OBJECT (factory), "tcia-column", GUINT_TO_POINTER (field));
      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), self);
      g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), self);
      gtk_column_view_column_set_factory (column, factory);
      tcia_column_sizing_add (self->sizing, column, field);
    }
}

/* Series arriving, or sizes learnt, may be wider than those seen so far. */
static void
basket_changed_cb (TciaBasketTable *self)
{
  tcia_column_sizing_fit (self->sizing, G_LIST_MODEL (self->basket));
}

/* Tab leaves the table instead of walking its rows (GTK 4.8 lists give
 * each row a Tab stop): the arrows move within it, as in any table. The
 * view refuses the focus for the one move, so the window's focus chain
 * goes on past it. */
static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                TciaBasketTable       *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean backward;

  if ((keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab && keyval != GDK_KEY_ISO_Left_Tab) ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || !GTK_IS_WINDOW (root))
    return FALSE;

  backward = keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK) != 0;
  gtk_widget_set_can_focus (GTK_WIDGET (self->view), FALSE);
  g_signal_emit_by_name (root, "move-focus",
                         backward ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD);
  gtk_widget_set_can_focus (GTK_WIDGET (self->view), TRUE);
  return TRUE;
}

static gboolean
tcia_basket_table_grab_focus (GtkWidget *widget)
{
  TciaBasketTable *self = TCIA_BASKET_TABLE (widget);

  return gtk_widget_child_focus (GTK_WIDGET (self->view), GTK_DIR_TAB_FORWARD);
}

static void
tcia_basket_table_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TCIA_TYPE_BASKET_TABLE);

  G_OBJECT_CLASS (tcia_basket_table_parent_class)->dispose (object);
}

static void
tcia_basket_table_finalize (GObject *object)
{
  TciaBasketTable *self = TCIA_BASKET_TABLE (object);

  g_clear_object (&self->selection);
  g_clear_object (&self->sizing);
  g_clear_object (&self->basket);

  G_OBJECT_CLASS (tcia_basket_table_parent_class)->finalize (object);
}

static void
tcia_basket_table_class_init (TciaBasketTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tcia_basket_table_dispose;
  object_class->finalize = tcia_basket_table_finalize;
  widget_class->grab_focus = tcia_basket_table_grab_focus;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tciabasket/TciaBasket/"
                                               "tcia-basket-table.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaBasketTable, view);
}

static void
tcia_basket_table_init (TciaBasketTable *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  setup_columns (self);

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->view), keys);
}

void
tcia_basket_table_set_basket (TciaBasketTable *self,
                              TciaBasket      *basket)
{
  GtkSortListModel *sorted;

  g_return_if_fail (TCIA_IS_BASKET_TABLE (self));
  g_return_if_fail (TCIA_IS_BASKET (basket));
  g_return_if_fail (self->selection == NULL);

  sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (basket)),
                                    g_object_ref (gtk_column_view_get_sorter (self->view)));
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (sorted));
  gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (self->selection));

  self->basket = g_object_ref (basket);
  g_signal_connect_object (basket, "items-changed", G_CALLBACK (basket_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (basket, "notify::total-bytes", G_CALLBACK (basket_changed_cb), self,
                           G_CONNECT_SWAPPED);
  basket_changed_cb (self);
}

void
tcia_basket_table_remember_widths (TciaBasketTable *self,
                                   GSettings       *settings)
{
  g_return_if_fail (TCIA_IS_BASKET_TABLE (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  tcia_column_sizing_bind (self->sizing, settings, "basket-column-widths");
}

GtkSelectionModel *
tcia_basket_table_get_selection (TciaBasketTable *self)
{
  g_return_val_if_fail (TCIA_IS_BASKET_TABLE (self), NULL);
  return GTK_SELECTION_MODEL (self->selection);
}

GtkWidget *
tcia_basket_table_get_view (TciaBasketTable *self)
{
  g_return_val_if_fail (TCIA_IS_BASKET_TABLE (self), NULL);
  return GTK_WIDGET (self->view);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-row-model"

#include "config.h"

#include "tcia-row-model.h"

/* GTK 4.8's list and column views build fresh widgets for each item that is
 * new to them (about 200 rows of cells at a time) and never hand a row
 * widget over to another item. When a search or a sort replaces the items
 * in view, that costs hundreds of milliseconds of one frame.
 *
 * TciaRowModel stands between the model of items and the view. It hands the
 * view one TciaRow per position, the same object for as long as that
 * position exists. When the model below changes, the rows are pointed at
 * their new items and say so with notify::item, so cells set new text into
 * the widgets they have; only a change of length reaches the view as
 * items-changed. The selection is the one of the model below, by item, so
 * it follows a series wherever a search or a sort moves it.
 *
 * While it shows fewer than ramp-limit rows, rows the model adds are held
 * back until tcia_row_model_catch_up() lets some in, so that the caller can
 * let the first screenful in a few rows per frame instead of building every
 * widget in one long frame. */

struct _TciaRow
{
  GObject  parent_instance;

  gpointer item;
};

G_DEFINE_FINAL_TYPE (TciaRow, tcia_row, G_TYPE_OBJECT)

enum {
  ROW_PROP_0,
  ROW_PROP_ITEM,
  ROW_N_PROPS
};

static GParamSpec *row_properties[ROW_N_PROPS];

struct _TciaRowModel
{
  GObject     parent_instance;

  GtkSelectionModel *model;
  GPtrArray  *rows;         /* TciaRow or NULL until asked for; one per position shown */
  guint       ramp_limit;
  guint       pending;
  gboolean    had_selection;  /* some row may show itself selected */
};

static void tcia_row_model_list_model_init      (GListModelInterface        *iface);
static void tcia_row_model_selection_model_init (GtkSelectionModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TciaRowModel, tcia_row_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      tcia_row_model_list_model_init)
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SELECTION_MODEL,
                                                      tcia_row_model_selection_model_init))

enum {
  PROP_0,
  PROP_PENDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* TciaRow */

static void
tcia_row_set_item (TciaRow  *self,
                   gpointer  item)
{
  if (!g_set_object (&self->item, item))
    return;

  g_object_notify_by_pspec (G_OBJECT (self), row_properties[ROW_PROP_ITEM]);
}

static void
tcia_row_finalize (GObject *object)
{
  TciaRow *self = TCIA_ROW (object);

  g_clear_object (&self->item);

  G_OBJECT_CLASS (tcia_row_parent_class)->finalize (object);
}

static void
tcia_row_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  TciaRow *self = TCIA_ROW (object);

  switch (prop_id)
    {
    case ROW_PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_row_class_init (TciaRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tcia_row_finalize;
  object_class->get_property = tcia_row_get_property;

  row_properties[ROW_PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL,
                         G_TYPE_OBJECT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, ROW_N_PROPS, row_properties);
}

static void
tcia_row_init (TciaRow *self)
{
}

/**
 * tcia_row_get_item:
 *
 * Returns: (transfer none) (type GObject): the item this row shows now
 */
gpointer
tcia_row_get_item (TciaRow *self)
{
  g_return_val_if_fail (TCIA_IS_ROW (self), NULL);

  return self->item;
}

/* TciaRowModel */

static void
row_free (gpointer row)
{
  if (row != NULL)
    g_object_unref (row);
}

static guint
model_n_items (TciaRowModel *self)
{
  return self->model != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
}

static void
update_pending (TciaRowModel *self)
{
  guint n = model_n_items (self);
  guint pending = n > self->rows->len ? n - self->rows->len : 0;

  if (pending == self->pending)
    return;

  self->pending = pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

static void
resize (TciaRowModel *self,
        guint         n)
{
  guint old = self->rows->len;

  if (n == old)
    return;

  g_ptr_array_set_size (self->rows, n);
  if (n < old)
    g_list_model_items_changed (G_LIST_MODEL (self), n, old - n, 0);
  else
    g_list_model_items_changed (G_LIST_MODEL (self), old, 0, n - old);
}

static gboolean
has_selection (TciaRowModel *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (self->model);

  return !gtk_bitset_is_empty (selected);
}

static void
model_items_changed_cb (GListModel   *model,
                        guint         position,
                        guint         removed,
                        guint         added,
                        TciaRowModel *self)
{
  guint n = g_list_model_get_n_items (model);
  guint old = self->rows->len;
  /* When the length changed, every position from here on shows another item. */
  guint end = MIN (removed == added ? position + added : old, MIN (old, n));

  for (guint i = position; i < end; i++)
    {
      TciaRow *row = g_ptr_array_index (self->rows, i);
      g_autoptr(GObject) item = NULL;

      if (row == NULL)
        continue;
      item = g_list_model_get_item (model, i);
      tcia_row_set_item (row, item);
    }

  if (n < old || old >= self->ramp_limit)
    resize (self, n);
  /* Rows that stayed may show items selected differently; with nothing
   * selected before or now, none does, and the view needn't look. */
  if (position < end && (self->had_selection || has_selection (self)))
    gtk_selection_model_selection_changed (GTK_SELECTION_MODEL (self), position, end - position);
  self->had_selection = has_selection (self);
  update_pending (self);
}

static void
model_selection_changed_cb (GtkSelectionModel *model,
                            guint              position,
                            guint              n_items,
                            TciaRowModel      *self)
{
  guint len = self->rows->len;

  self->had_selection = TRUE;
  if (position < len)
    gtk_selection_model_selection_changed (GTK_SELECTION_MODEL (self), position,
                                           MIN (n_items, len - position));
}

static GType
tcia_row_model_get_item_type (GListModel *list)
{
  return TCIA_TYPE_ROW;
}

static guint
tcia_row_model_get_n_items (GListModel *list)
{
  return TCIA_ROW_MODEL (list)->rows->len;
}

static gpointer
tcia_row_model_get_item (GListModel *list,
                         guint       position)
{
  TciaRowModel *self = TCIA_ROW_MODEL (list);
  TciaRow *row;

  if (position >= self->rows->len)
    return NULL;

  row = g_ptr_array_index (self->rows, position);
  if (row == NULL)
    {
      row = g_object_new (TCIA_TYPE_ROW, NULL);
      row->item = g_list_model_get_item (G_LIST_MODEL (self->model), position);
      g_ptr_array_index (self->rows, position) = row;
    }

  return g_object_ref (row);
}

static void
tcia_row_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tcia_row_model_get_item_type;
  iface->get_n_items = tcia_row_model_get_n_items;
  iface->get_item = tcia_row_model_get_item;
}

/* The selection is the model's own: positions are the same. */

static gboolean
tcia_row_model_is_selected (GtkSelectionModel *model,
                            guint              position)
{
  return gtk_selection_model_is_selected (TCIA_ROW_MODEL (model)->model, position);
}

static GtkBitset *
tcia_row_model_get_selection_in_range (GtkSelectionModel *model,
                                       guint              position,
                                       guint              n_items)
{
  return gtk_selection_model_get_selection_in_range (TCIA_ROW_MODEL (model)->model,
                                                     position, n_items);
}

static gboolean
tcia_row_model_select_item (GtkSelectionModel *model,
                            guint              position,
                            gboolean           unselect_rest)
{
  return gtk_selection_model_select_item (TCIA_ROW_MODEL (model)->model, position, unselect_rest);
}

static gboolean
tcia_row_model_unselect_item (GtkSelectionModel *model,
                              guint              position)
{
  return gtk_selection_model_unselect_item (TCIA_ROW_MODEL (model)->model, position);
}

static gboolean
tcia_row_model_select_range (GtkSelectionModel *model,
                             guint              position,
                             guint              n_items,
                             gboolean           unselect_rest)
{
  return gtk_selection_model_select_range (TCIA_ROW_MODEL (model)->model,
                                           position, n_items, unselect_rest);
}

static gboolean
tcia_row_model_unselect_range (GtkSelectionModel *model,
                               guint              position,
                               guint              n_items)
{
  return gtk_selection_model_unselect_range (TCIA_ROW_MODEL (model)->model, position, n_items);
}

static gboolean
tcia_row_model_select_all (GtkSelectionModel *model)
{
  return gtk_selection_model_select_all (TCIA_ROW_MODEL (model)->model);
}

static gboolean
tcia_row_model_unselect_all (GtkSelectionModel *model)
{
  return gtk_selection_model_unselect_all (TCIA_ROW_MODEL (model)->model);
}

static gboolean
tcia_row_model_set_selection (GtkSelectionModel *model,
                              GtkBitset         *selected,
                              GtkBitset         *mask)
{
  return gtk_selection_model_set_selection (TCIA_ROW_MODEL (model)->model, selected, mask);
}

static void
tcia_row_model_selection_model_init (GtkSelectionModelInterface *iface)
{
  iface->is_selected = tcia_row_model_is_selected;
  iface->get_selection_in_range = tcia_row_model_get_selection_in_range;
  iface->select_item = tcia_row_model_select_item;
  iface->unselect_item = tcia_row_model_unselect_item;
  iface->select_range = tcia_row_model_select_range;
  iface->unselect_range = tcia_row_model_unselect_range;
  iface->select_all = tcia_row_model_select_all;
  iface->unselect_all = tcia_row_model_unselect_all;
  iface->set_selection = tcia_row_model_set_selection;
}

static void
tcia_row_model_dispose (GObject *object)
{
  TciaRowModel *self = TCIA_ROW_MODEL (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (tcia_row_model_parent_class)->dispose (object);
}

static void
tcia_row_model_finalize (GObject *object)
{
  TciaRowModel *self = TCIA_ROW_MODEL (object);

  g_ptr_array_unref (self->rows);

  G_OBJECT_CLASS (tcia_row_model_parent_class)->finalize (object);
}

static void
tcia_row_model_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TciaRowModel *self = TCIA_ROW_MODEL (object);

  switch (prop_id)
    {
    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_row_model_class_init (TciaRowModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tcia_row_model_dispose;
  object_class->finalize = tcia_row_model_finalize;
  object_class->get_property = tcia_row_model_get_property;

  /* Items of the model below not shown yet, waiting for catch_up(). */
  properties[PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tcia_row_model_init (TciaRowModel *self)
{
  self->rows = g_ptr_array_new_with_free_func (row_free);
}

/**
 * tcia_row_model_new:
 * @selection: (transfer none): the items to show, and their selection
 * @ramp_limit: below this many rows, new rows wait for catch_up(); 0 never waits
 *
 * Returns: (transfer full): a selection model of TciaRow, one per item of @selection
 */
TciaRowModel *
tcia_row_model_new (GtkSelectionModel *selection,
                    guint              ramp_limit)
{
  TciaRowModel *self;

  g_return_val_if_fail (GTK_IS_SELECTION_MODEL (selection), NULL);

  self = g_object_new (TCIA_TYPE_ROW_MODEL, NULL);
  self->model = g_object_ref (selection);
  self->ramp_limit = ramp_limit;
  g_signal_connect (selection, "items-changed", G_CALLBACK (model_items_changed_cb), self);
  g_signal_connect (selection, "selection-changed", G_CALLBACK (model_selection_changed_cb), self);
  model_items_changed_cb (G_LIST_MODEL (selection), 0, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (selection)), self);

  return self;
}

/* The selection model below, whose items are the rows' items. */
GtkSelectionModel *
tcia_row_model_get_selection (TciaRowModel *self)
{
  g_return_val_if_fail (TCIA_IS_ROW_MODEL (self), NULL);

  return self->model;
}

/* How many items of the model are held back. */
guint
tcia_row_model_get_pending (TciaRowModel *self)
{
  g_return_val_if_fail (TCIA_IS_ROW_MODEL (self), 0);

  return self->pending;
}

/* Shows up to @max_rows of the items held back; once that reaches the ramp
 * limit, all of them. */
void
tcia_row_model_catch_up (TciaRowModel *self,
                         guint         max_rows)
{
  guint n, old, len;

  g_return_if_fail (TCIA_IS_ROW_MODEL (self));

  n = model_n_items (self);
  old = self->rows->len;
  if (n > old)
    {
      len = old + MIN (n - old, max_rows);
      resize (self, len >= self->ramp_limit ? n : len);
    }
  update_pending (self);
}

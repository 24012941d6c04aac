/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-series-view"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-column-sizing.h"
#include "tcia-row-model.h"
#include "tcia-search-model.h"
#include "tcia-series.h"
#include "tcia-series-cell.h"
#include "tcia-table-a11y.h"
#include "tcia-ui-util.h"

#include "tcia-series-view.h"

/* GTK 4.8 keeps about 200 rows of widgets around what is in view, and
 * builds a row's widgets as soon as the row appears. Until that many rows
 * are shown, new rows come in a few per frame, RAMP_STEP at a time for at
 * most RAMP_BUDGET_US, so that building them never holds up a frame. */
#define RAMP_LIMIT     256
#define RAMP_STEP      4
#define RAMP_BUDGET_US (5 * G_TIME_SPAN_MILLISECOND)
/* Cells out of sight given their new text per idle callback, ~1 ms. */
#define STALE_CELLS_STEP 100

struct _TciaSeriesView
{
  AdwBin               parent_instance;

  /* template widgets */
  GtkColumnView       *column_view;
  GtkColumnViewColumn *basket_column;
  GtkColumnViewColumn *collection_column;
  GtkColumnViewColumn *patient_column;
  GtkColumnViewColumn *study_date_column;
  GtkColumnViewColumn *study_description_column;
  GtkColumnViewColumn *series_number_column;
  GtkColumnViewColumn *series_description_column;
  GtkColumnViewColumn *modality_column;
  GtkColumnViewColumn *body_part_column;
  GtkColumnViewColumn *manufacturer_column;
  GtkColumnViewColumn *images_column;
  GtkColumnViewColumn *size_column;
  GMenuModel          *row_menu;

  /* owned */
  TciaBasket          *basket;
  TciaSearchModel     *search_model;
  GtkSortListModel    *sort;
  GtkMultiSelection   *selection;         /* of TciaSeries */
  TciaRowModel        *rows;              /* what the column view shows: TciaRow over selection */
  guint                ramp_tick_id;
  GHashTable          *stale_cells;       /* cells out of sight whose row shows another item */
  guint                stale_idle_id;
  GHashTable          *bound_marks;       /* GtkListItem of the basket column → its GtkImage */
  GtkWidget           *row_popover;
  TciaColumnSizing    *sizing;
  GListModel          *series;            /* the listing, for the column widths */
};

G_DEFINE_FINAL_TYPE (TciaSeriesView, tcia_series_view, ADW_TYPE_BIN)

/* Series cells */

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  TciaSeriesField column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "tcia-column"));
  /* GtkInscription, unlike GtkLabel, sizes itself without laying out its
   * text: 2,000 cells of new text cost one frame's layout, not several. */
  GtkWidget *label = gtk_inscription_new ("");

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (label), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  tcia_tooltip_when_cut (label);
  if (tcia_series_field_is_number (column))
    {
      gtk_inscription_set_xalign (GTK_INSCRIPTION (label), 1);
      gtk_widget_add_css_class (label, "numeric");
    }
  /* The context menu and drags find their row through this; a list item
   * keeps its child for life, so once is enough. */
  g_object_set_data (G_OBJECT (label), "tcia-list-item", item);
  g_object_set_data (G_OBJECT (label), "tcia-column", GUINT_TO_POINTER (column));
  g_object_set_data (G_OBJECT (label), "tcia-view", user_data);
  gtk_list_item_set_child (item, label);
}

/* A row's item changes under its widgets when a search or a sort moves
 * the rows (TciaRowModel): the cells follow it. */
static void
cell_update (GtkInscription *label,
             TciaRow        *row)
{
  TciaSeriesField column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (label), "tcia-column"));
  TciaSeries *series = tcia_row_get_item (row);
  g_autofree char *owned = NULL;
  const char *text = NULL;

  /* A cell without a value shows "", never no text: GTK 4.8 answers a
   * screen reader's question about an inscription's text with
   * g_utf8_strlen (NULL), a critical warning for each cell it reads. */
  text = tcia_series_cell_text (series, column, TCIA_COUNT_GROUPED, &owned);
  if (text == NULL)
    text = "";
  /* When a search moves the rows, many cells keep their text (the same
   * modality, body part or date): nothing to lay out or tell again. */
  if (g_strcmp0 (gtk_inscription_get_text (label), text) == 0)
    return;

  /* GTK 4.8 reads an inscription's text to no screen reader, but its name,
   * which gtk_inscription_set_text() sets to the text: naming the cell
   * again here told the accessibility layer everything twice. */
  gtk_inscription_set_text (label, text);
}

/* GTK keeps about 200 rows of cells, but only some 25 are in sight. When a
 * search moves the rows, cells out of sight take their new text a moment
 * later, from an idle, so that a keystroke pays for what is seen. */
static gboolean
cell_in_sight (TciaSeriesView *self,
               GtkWidget      *cell)
{
  GtkWidget *view = GTK_WIDGET (self->column_view);
  graphene_rect_t bounds;

  /* GTK unmaps the rows it keeps out of sight. */
  if (!gtk_widget_get_mapped (cell))
    return FALSE;
  if (!gtk_widget_compute_bounds (cell, view, &bounds))
    return TRUE;

  return bounds.origin.y + bounds.size.height >= 0 &&
         bounds.origin.y <= gtk_widget_get_height (view);
}

static void
update_stale_cells (TciaSeriesView *self,
                    guint           max_cells)
{
  GHashTableIter iter;
  gpointer cell;

  g_hash_table_iter_init (&iter, self->stale_cells);
  while (max_cells-- > 0 && g_hash_table_iter_next (&iter, &cell, NULL))
    {
      GtkListItem *item = g_object_get_data (cell, "tcia-list-item");

      if (gtk_list_item_get_item (item) != NULL)
        cell_update (cell, gtk_list_item_get_item (item));
      g_hash_table_iter_remove (&iter);
    }
}

static gboolean
stale_cells_idle_cb (gpointer user_data)
{
  TciaSeriesView *self = user_data;

  /* The frame that shows a keystroke's result waits for whatever the main
   * loop is doing when it falls due: a few cells at a time keep that short. */
  update_stale_cells (self, STALE_CELLS_STEP);
  if (g_hash_table_size (self->stale_cells) > 0)
    return G_SOURCE_CONTINUE;

  self->stale_idle_id = 0;
  return G_SOURCE_REMOVE;
}

/* A scroll brings cells into sight: they must be right at once. */
static void
series_scrolled_cb (TciaSeriesView *self)
{
  update_stale_cells (self, G_MAXUINT);
}

static void
cell_row_changed_cb (TciaRow        *row,
                     GParamSpec     *pspec,
                     GtkInscription *label)
{
  TciaSeriesView *self = g_object_get_data (G_OBJECT (label), "tcia-view");

  if (cell_in_sight (self, GTK_WIDGET (label)))
    {
      g_hash_table_remove (self->stale_cells, label);
      cell_update (label, row);
      return;
    }

  g_hash_table_add (self->stale_cells, label);
  if (self->stale_idle_id == 0)
    self->stale_idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, stale_cells_idle_cb, self, NULL);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  TciaRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  gulong id;

  g_hash_table_remove (TCIA_SERIES_VIEW (user_data)->stale_cells, label);
  cell_update (GTK_INSCRIPTION (label), row);
  id = g_signal_connect_object (row, "notify::item", G_CALLBACK (cell_row_changed_cb), label, 0);
  g_object_set_data (G_OBJECT (label), "tcia-handler", GSIZE_TO_POINTER (id));
}

static void
cell_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  TciaRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (label), "tcia-handler"));

  if (id != 0)
    g_signal_handler_disconnect (row, id);
  g_object_set_data (G_OBJECT (label), "tcia-handler", NULL);
  g_hash_table_remove (TCIA_SERIES_VIEW (user_data)->stale_cells, label);
}

static GtkListItemFactory *
cell_factory_new (TciaSeriesView *self,
                  TciaSeriesField column)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_object_set_data (G_OBJECT (factory), "tcia-column", GUINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind_cb), self);

  return factory;
}

static void
update_mark (TciaSeriesView *self,
             GtkListItem    *item,
             GtkWidget      *image)
{
  TciaRow *row = gtk_list_item_get_item (item);
  TciaSeries *series = row != NULL ? tcia_row_get_item (row) : NULL;

  gtk_widget_set_visible (image, series != NULL && self->basket != NULL &&
                          tcia_basket_contains (self->basket, tcia_series_get_series_uid (series)));
}

static void
mark_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               TciaSeriesView           *self)
{
  GtkWidget *image = gtk_image_new_from_icon_name ("emblem-ok-symbolic");

  tcia_widget_set_tooltip_lazily (image, _("In the basket"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("In the basket"),
                                  -1);
  gtk_widget_add_css_class (image, "accent");
  gtk_list_item_set_child (item, image);
}

static void
mark_row_changed_cb (TciaRow    *row,
                     GParamSpec *pspec,
                     GtkWidget  *image)
{
  GtkWidget *page = gtk_widget_get_ancestor (image, TCIA_TYPE_SERIES_VIEW);

  if (page != NULL)
    update_mark (TCIA_SERIES_VIEW (page), g_object_get_data (G_OBJECT (image), "tcia-list-item"),
                 image);
}

static void
mark_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              TciaSeriesView           *self)
{
  GtkWidget *image = gtk_list_item_get_child (item);
  gulong id;

  g_object_set_data (G_OBJECT (image), "tcia-list-item", item);
  g_hash_table_insert (self->bound_marks, item, image);
  update_mark (self, item, image);
  id = g_signal_connect_object (gtk_list_item_get_item (item), "notify::item",
                                G_CALLBACK (mark_row_changed_cb), image, 0);
  g_object_set_data (G_OBJECT (image), "tcia-handler", GSIZE_TO_POINTER (id));
}

static void
mark_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                TciaSeriesView           *self)
{
  GtkWidget *image = gtk_list_item_get_child (item);
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (image), "tcia-handler"));

  if (id != 0)
    g_signal_handler_disconnect (gtk_list_item_get_item (item), id);
  g_object_set_data (G_OBJECT (image), "tcia-handler", NULL);
  g_hash_table_remove (self->bound_marks, item);
}

static void
basket_items_changed_cb (TciaSeriesView *self)
{
  GHashTableIter iter;
  gpointer item, image;

  g_hash_table_iter_init (&iter, self->bound_marks);
  while (g_hash_table_iter_next (&iter, &item, &image))
    update_mark (self, item, image);
}

static gint64
series_number_value (TciaSeries *series,
                     const char *number)
{
  return number != NULL ? g_ascii_strtoll (number, NULL, 10) : G_MININT64;
}

/* Unsorted, the sort model has no sorter at all: with one that keeps the
 * order, every batch of rows arriving would re-sort the whole list. */
static void
column_sorter_changed_cb (TciaSeriesView *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  gboolean sorted = gtk_sorter_get_order (sorter) != GTK_SORTER_ORDER_NONE;

  gtk_sort_list_model_set_sorter (self->sort, sorted ? sorter : NULL);
}

/* The short columns take the width of the first rows' values. */
static void
series_items_changed_cb (TciaSeriesView *self,
                         guint           position,
                         guint           removed,
                         guint           added)
{
  if (added > 0)
    tcia_column_sizing_fit (self->sizing, self->series);
}

/* The first rows, a few per frame */

static gboolean
ramp_tick_cb (GtkWidget     *widget,
              GdkFrameClock *frame_clock,
              gpointer       user_data)
{
  TciaSeriesView *self = user_data;
  gint64 start = g_get_monotonic_time ();

  do
    tcia_row_model_catch_up (self->rows, RAMP_STEP);
  while (tcia_row_model_get_pending (self->rows) > 0 &&
         g_get_monotonic_time () - start < RAMP_BUDGET_US);
  if (tcia_row_model_get_pending (self->rows) > 0)
    return G_SOURCE_CONTINUE;

  self->ramp_tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
rows_pending_cb (TciaSeriesView *self)
{
  if (tcia_row_model_get_pending (self->rows) == 0 || self->ramp_tick_id != 0)
    return;

  /* Even out of sight, GTK builds a row's widgets as soon as it appears. */
  self->ramp_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->column_view),
                                                     ramp_tick_cb, self, NULL);
}

/* Finding the row under the pointer */

static guint
position_at (TciaSeriesView *self,
             double          x,
             double          y)
{
  GtkWidget *widget = gtk_widget_pick (GTK_WIDGET (self->column_view), x, y, GTK_PICK_DEFAULT);

  for (; widget != NULL && widget != GTK_WIDGET (self->column_view);
       widget = gtk_widget_get_parent (widget))
    {
      GtkListItem *item = g_object_get_data (G_OBJECT (widget), "tcia-list-item");

      if (item != NULL)
        return gtk_list_item_get_position (item);
      /* A cell: its only child carries the item. */
      if (gtk_widget_get_first_child (widget) != NULL &&
          (item = g_object_get_data (G_OBJECT (gtk_widget_get_first_child (widget)),
                                     "tcia-list-item")) != NULL)
        return gtk_list_item_get_position (item);
    }

  return GTK_INVALID_LIST_POSITION;
}

/* A click on a row that is not selected acts on that row alone, as in Files. */
static void
select_for_pointer (TciaSeriesView *self,
                    guint           position)
{
  if (position == GTK_INVALID_LIST_POSITION)
    return;
  if (!gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), position))
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
}

static void
popup_menu_at (TciaSeriesView *self,
               double          x,
               double          y)
{
  GdkRectangle rect = { (int) x, (int) y, 1, 1 };

  if (self->row_popover == NULL)
    {
      self->row_popover = gtk_popover_menu_new_from_model (self->row_menu);
      gtk_widget_set_parent (self->row_popover, GTK_WIDGET (self->column_view));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->row_popover), FALSE);
      gtk_widget_set_halign (self->row_popover, GTK_ALIGN_START);
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->row_popover), &rect);
  gtk_popover_popup (GTK_POPOVER (self->row_popover));
}

static void
row_pressed_cb (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                TciaSeriesView  *self)
{
  guint position = position_at (self, x, y);

  if (position == GTK_INVALID_LIST_POSITION)
    return;

  select_for_pointer (self, position);
  popup_menu_at (self, x, y);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static GdkContentProvider *
drag_prepare_cb (GtkDragSource  *source,
                 double          x,
                 double          y,
                 TciaSeriesView *self)
{
  g_autoptr(GPtrArray) series = NULL;
  g_autofree char *text = NULL;
  guint position = position_at (self, x, y);

  if (position == GTK_INVALID_LIST_POSITION)
    return NULL;

  select_for_pointer (self, position);
  series = tcia_series_view_dup_selected (self);
  text = tcia_series_uids_text (series);

  return gdk_content_provider_new_typed (G_TYPE_STRING, text);
}

static void
drag_begin_cb (GtkDragSource  *source,
               GdkDrag        *drag,
               TciaSeriesView *self)
{
  g_autoptr(GtkIconPaintable) icon = NULL;

  icon = gtk_icon_theme_lookup_icon (gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (self))),
                                     "tcia-basket-symbolic", NULL, 32, 1, GTK_TEXT_DIR_NONE, 0);
  gtk_drag_source_set_icon (source, GDK_PAINTABLE (icon), 16, 16);
}

/* GObject */

static void
tcia_series_view_dispose (GObject *object)
{
  TciaSeriesView *self = TCIA_SERIES_VIEW (object);

  if (self->basket != NULL)
    g_signal_handlers_disconnect_by_data (self->basket, self);
  if (self->rows != NULL)
    g_signal_handlers_disconnect_by_data (self->rows, self);
  if (self->ramp_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->column_view), self->ramp_tick_id);
  self->ramp_tick_id = 0;
  g_clear_handle_id (&self->stale_idle_id, g_source_remove);
  if (self->column_view != NULL)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
  g_clear_pointer (&self->row_popover, gtk_widget_unparent);
  if (self->series != NULL)
    g_signal_handlers_disconnect_by_data (self->series, self);
  g_clear_object (&self->series);
  g_clear_object (&self->sizing);

  g_clear_object (&self->basket);
  g_clear_object (&self->search_model);
  g_clear_object (&self->sort);
  g_clear_object (&self->rows);
  g_clear_object (&self->selection);

  G_OBJECT_CLASS (tcia_series_view_parent_class)->dispose (object);
}

static void
tcia_series_view_finalize (GObject *object)
{
  TciaSeriesView *self = TCIA_SERIES_VIEW (object);

  g_clear_pointer (&self->bound_marks, g_hash_table_unref);
  g_clear_pointer (&self->stale_cells, g_hash_table_unref);

  G_OBJECT_CLASS (tcia_series_view_parent_class)->finalize (object);
}

static void
tcia_series_view_class_init (TciaSeriesViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tcia_series_view_dispose;
  object_class->finalize = tcia_series_view_finalize;

  g_type_ensure (TCIA_TYPE_SERIES);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tciabasket/TciaBasket/tcia-series-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesView, column_view);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesView, basket_column);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesView, collection_column);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesView, patient_column);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesView, study_date_column);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesView, study_description_column);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesView, series_number_column);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesView, series_description_column);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesView, modality_column);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesView, body_part_column);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesView, manufacturer_column);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesView, images_column);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesView, size_column);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesView, row_menu);
  gtk_widget_class_bind_template_callback (widget_class, series_number_value);
}

static void
tcia_series_view_init (TciaSeriesView *self)
{
  GtkListItemFactory *factory;
  GtkGesture *click;
  GtkDragSource *drag;


  gtk_widget_init_template (GTK_WIDGET (self));
  tcia_column_view_name_headers (self->column_view, _("In the basket"));
  tcia_list_make_one_tab_stop (GTK_WIDGET (self->column_view));

  self->bound_marks = g_hash_table_new (NULL, NULL);
  self->stale_cells = g_hash_table_new (NULL, NULL);

  /* store → search → column sorter → selection → stable rows. */
  self->search_model = tcia_search_model_new ();
  self->sort = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->search_model)), NULL);
  g_signal_connect_swapped (gtk_column_view_get_sorter (self->column_view), "changed",
                            G_CALLBACK (column_sorter_changed_cb), self);
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->sort)));
  self->rows = tcia_row_model_new (GTK_SELECTION_MODEL (self->selection), RAMP_LIMIT);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->rows));
  g_signal_connect_object (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view)),
                           "value-changed", G_CALLBACK (series_scrolled_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self->rows, "notify::pending", G_CALLBACK (rows_pending_cb), self);

  {
    struct {
      GtkColumnViewColumn *column;
      TciaSeriesField kind;
    } columns[] = {
      { self->collection_column, TCIA_SERIES_FIELD_COLLECTION },
      { self->patient_column, TCIA_SERIES_FIELD_PATIENT },
      { self->study_date_column, TCIA_SERIES_FIELD_STUDY_DATE },
      { self->study_description_column, TCIA_SERIES_FIELD_STUDY_DESCRIPTION },
      { self->series_number_column, TCIA_SERIES_FIELD_SERIES_NUMBER },
      { self->series_description_column, TCIA_SERIES_FIELD_SERIES_DESCRIPTION },
      { self->modality_column, TCIA_SERIES_FIELD_MODALITY },
      { self->body_part_column, TCIA_SERIES_FIELD_BODY_PART },
      { self->manufacturer_column, TCIA_SERIES_FIELD_MANUFACTURER },
      { self->images_column, TCIA_SERIES_FIELD_IMAGES },
      { self->size_column, TCIA_SERIES_FIELD_SIZE },
    };

    self->sizing = tcia_column_sizing_new (self->column_view);
    for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
      {
        gtk_column_view_column_set_factory (columns[i].column,
                                            cell_factory_new (self, columns[i].kind));
        tcia_column_sizing_add (self->sizing, columns[i].column, columns[i].kind);
      }
  }

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (mark_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (mark_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (mark_unbind_cb), self);
  gtk_column_view_column_set_factory (self->basket_column, factory);
  g_object_unref (factory);

  /* Right click and long press: the row menu; drags carry the selected UIDs. */
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (row_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (click));

  drag = gtk_drag_source_new ();
  gtk_drag_source_set_actions (drag, GDK_ACTION_COPY);
  g_signal_connect (drag, "prepare", G_CALLBACK (drag_prepare_cb), self);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (drag));
}

void
tcia_series_view_set_model (TciaSeriesView *self,
                            GListModel     *series)
{
  g_return_if_fail (TCIA_IS_SERIES_VIEW (self));
  g_return_if_fail (series == NULL || G_IS_LIST_MODEL (series));

  tcia_search_model_set_model (self->search_model, series);

  if (self->series != NULL)
    g_signal_handlers_disconnect_by_data (self->series, self);
  g_set_object (&self->series, series);
  tcia_column_sizing_reset (self->sizing);
  if (series != NULL)
    {
      g_signal_connect_object (series, "items-changed", G_CALLBACK (series_items_changed_cb),
                               self, G_CONNECT_SWAPPED);
      tcia_column_sizing_fit (self->sizing, series);
    }
}

void
tcia_series_view_set_settings (TciaSeriesView *self,
                               GSettings      *settings)
{
  g_return_if_fail (TCIA_IS_SERIES_VIEW (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  tcia_column_sizing_bind (self->sizing, settings, "browse-column-widths");
}

void
tcia_series_view_set_basket (TciaSeriesView *self,
                             TciaBasket     *basket)
{
  g_return_if_fail (TCIA_IS_SERIES_VIEW (self));

  if (self->basket != NULL)
    g_signal_handlers_disconnect_by_data (self->basket, self);
  if (g_set_object (&self->basket, basket) && basket != NULL)
    g_signal_connect_swapped (basket, "items-changed", G_CALLBACK (basket_items_changed_cb), self);
  basket_items_changed_cb (self);
}

void
tcia_series_view_set_search_text (TciaSeriesView *self,
                                  const char     *text)
{
  g_return_if_fail (TCIA_IS_SERIES_VIEW (self));

  tcia_search_model_set_text (self->search_model, text);
}

const char *
tcia_series_view_get_search_text (TciaSeriesView *self)
{
  g_return_val_if_fail (TCIA_IS_SERIES_VIEW (self), NULL);

  return tcia_search_model_get_text (self->search_model);
}

guint64
tcia_series_view_get_shown_bytes (TciaSeriesView *self)
{
  g_return_val_if_fail (TCIA_IS_SERIES_VIEW (self), 0);

  return tcia_search_model_get_shown_bytes (self->search_model);
}

GListModel *
tcia_series_view_get_shown (TciaSeriesView *self)
{
  g_return_val_if_fail (TCIA_IS_SERIES_VIEW (self), NULL);

  return G_LIST_MODEL (self->sort);
}

GtkSelectionModel *
tcia_series_view_get_selection (TciaSeriesView *self)
{
  g_return_val_if_fail (TCIA_IS_SERIES_VIEW (self), NULL);

  return GTK_SELECTION_MODEL (self->selection);
}

GPtrArray *
tcia_series_view_dup_selected (TciaSeriesView *self)
{
  GPtrArray *array = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GtkBitset) set = NULL;
  GtkBitsetIter iter;
  guint position;

  g_return_val_if_fail (TCIA_IS_SERIES_VIEW (self), array);

  set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, set, &position);
       ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    g_ptr_array_add (array, g_list_model_get_item (G_LIST_MODEL (self->selection), position));

  return array;
}

GtkColumnView *
tcia_series_view_get_column_view (TciaSeriesView *self)
{
  g_return_val_if_fail (TCIA_IS_SERIES_VIEW (self), NULL);

  return self->column_view;
}

/* Rows of several collections (a search of the whole archive) say which
 * collection each is from; one collection's rows need not. */
void
tcia_series_view_set_show_collection (TciaSeriesView *self,
                                      gboolean        shown)
{
  g_return_if_fail (TCIA_IS_SERIES_VIEW (self));

  tcia_column_sizing_set_visible (self->sizing, self->collection_column, shown);
}

gboolean
tcia_series_view_get_show_collection (TciaSeriesView *self)
{
  g_return_val_if_fail (TCIA_IS_SERIES_VIEW (self), FALSE);

  return gtk_column_view_column_get_visible (self->collection_column);
}

void
tcia_series_view_popup_menu (TciaSeriesView *self)
{
  GtkRoot *root;
  GtkWidget *focus;
  graphene_rect_t bounds;

  g_return_if_fail (TCIA_IS_SERIES_VIEW (self));

  root = gtk_widget_get_root (GTK_WIDGET (self));
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->column_view)) ||
      !gtk_widget_compute_bounds (focus, GTK_WIDGET (self->column_view), &bounds))
    return;

  popup_menu_at (self, bounds.origin.x + 24, bounds.origin.y + bounds.size.height);
}

gboolean
tcia_series_view_row_is_marked (TciaSeriesView *self,
                                guint           position)
{
  GHashTableIter iter;
  gpointer item, image;

  g_return_val_if_fail (TCIA_IS_SERIES_VIEW (self), FALSE);

  g_hash_table_iter_init (&iter, self->bound_marks);
  while (g_hash_table_iter_next (&iter, &item, &image))
    if (gtk_list_item_get_position (item) == position)
      return gtk_widget_get_visible (image);

  return FALSE;
}

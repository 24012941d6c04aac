/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-column-sizing"

#include "config.h"

#include <string.h>

#include "tcia-column-sizing.h"

/* Room beside a value for the cell's padding, with a little to spare for
 * tabular figures. */
#define CELL_EXTRA_PX  20
/* A column of free text never gets narrower than this many characters. */
#define FREE_TEXT_CHARS 7
/* A short column never grows past this for one odd value: that value is
 * cut, with a tooltip. */
#define MAX_SHORT_PX   260
/* How many rows of a listing are measured: the first ones are enough to
 * know the shape of a collection's IDs, dates and sizes, and measuring
 * them costs a few milliseconds at most. */
#define SAMPLE_ROWS    300
/* A drag on a column's edge sets its width many times a second. */
#define SAVE_DELAY_MS  500
/* The sort arrow beside a title, and the space before it. */
#define SORT_ARROW_PX  22
/* A short column whose title is cut to fit the table keeps this much. */
#define MIN_SQUEEZED_PX 48

typedef struct
{
  GtkColumnViewColumn *column;
  TciaSeriesField      field;
  GtkWidget           *sort_arrow;  /* in the column's title */
  int                  title_width; /* without the arrow; 0 for free text */
  int                  fitted;      /* widest value seen so far */
  gsize                fitted_len;  /* the length of the longest value measured */
  gboolean             user_set;    /* dragged by the user: left alone */
  int                  squeeze;     /* taken off its title while the table is too wide */
  int                  hidden_width; /* its width while hidden, given back when shown */
} Entry;

struct _TciaColumnSizing
{
  GObject        parent_instance;

  /* borrowed (weak) */
  GtkColumnView *view;

  /* owned */
  GArray        *entries;           /* of Entry */
  GSettings     *settings;
  char          *key;
  guint          save_id;
  GtkAdjustment *across;            /* the view's horizontal adjustment */
  guint          fit_id;            /* fit_to_view() pending */
  guint          n_seen;            /* rows of the listing measured */
  gboolean       applying;          /* our own width change, not the user's */
};

G_DEFINE_FINAL_TYPE (TciaColumnSizing, tcia_column_sizing, G_TYPE_OBJECT)

static void schedule_fit (TciaColumnSizing *self);
static Entry *find_entry (TciaColumnSizing    *self,
                          GtkColumnViewColumn *column);

/* The names of the columns in the settings: the same in every table and
 * language. */
static const char *
field_key (TciaSeriesField field)
{
  static const char *const keys[] = {
    [TCIA_SERIES_FIELD_COLLECTION] = "collection",
    [TCIA_SERIES_FIELD_PATIENT] = "patient-id",
    [TCIA_SERIES_FIELD_STUDY_DATE] = "study-date",
    [TCIA_SERIES_FIELD_STUDY_DESCRIPTION] = "study-description",
    [TCIA_SERIES_FIELD_SERIES_NUMBER] = "series-number",
    [TCIA_SERIES_FIELD_SERIES_DESCRIPTION] = "series-description",
    [TCIA_SERIES_FIELD_MODALITY] = "modality",
    [TCIA_SERIES_FIELD_BODY_PART] = "body-part",
    [TCIA_SERIES_FIELD_MANUFACTURER] = "manufacturer",
    [TCIA_SERIES_FIELD_IMAGES] = "images",
    [TCIA_SERIES_FIELD_SIZE] = "size",
  };

  g_assert (field < G_N_ELEMENTS (keys) && keys[field] != NULL);

  return keys[field];
}

static int
text_width (PangoLayout *layout,
            const char  *text)
{
  int width = 0;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &width, NULL);

  return width;
}

static void
set_width (TciaColumnSizing    *self,
           GtkColumnViewColumn *column,
           int                  width)
{
  Entry *entry = find_entry (self, column);

  /* GTK 4.8 counts a hidden column's fixed width in the table's minimum
   * width: a hidden column keeps its width aside instead. */
  if (entry != NULL && !gtk_column_view_column_get_visible (column))
    {
      entry->hidden_width = width;
      width = -1;
    }
  self->applying = TRUE;
  gtk_column_view_column_set_fixed_width (column, width);
  self->applying = FALSE;
}

static void
save_widths (TciaColumnSizing *self)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{si}"));

  g_clear_handle_id (&self->save_id, g_source_remove);
  if (self->settings == NULL)
    return;

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);
      int width = gtk_column_view_column_get_visible (entry->column) ?
                  gtk_column_view_column_get_fixed_width (entry->column) : entry->hidden_width;

      if (entry->user_set && width > 0)
        g_variant_builder_add (&builder, "{si}", field_key (entry->field), width);
    }
  g_settings_set_value (self->settings, self->key, g_variant_builder_end (&builder));
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  TciaColumnSizing *self = user_data;

  self->save_id = 0;
  save_widths (self);

  return G_SOURCE_REMOVE;
}

static void
fixed_width_changed_cb (GtkColumnViewColumn *column,
                        GParamSpec          *pspec,
                        TciaColumnSizing    *self)
{
  if (self->applying)
    return;

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);

      if (entry->column == column)
        entry->user_set = TRUE;
    }
  schedule_fit (self);
  if (self->settings != NULL && self->save_id == 0)
    self->save_id = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
}

/* Cells */

const char *
tcia_cut_text (GtkWidget *cell)
{
  const char *text;

  if (GTK_IS_LABEL (cell))
    {
      GtkLabel *label = GTK_LABEL (cell);

      if (gtk_label_get_ellipsize (label) == PANGO_ELLIPSIZE_NONE ||
          !pango_layout_is_ellipsized (gtk_label_get_layout (label)))
        return NULL;

      return gtk_label_get_text (label);
    }

  if (GTK_IS_INSCRIPTION (cell))
    {
      g_autoptr(PangoLayout) layout = NULL;

      text = gtk_inscription_get_text (GTK_INSCRIPTION (cell));
      if (text == NULL || *text == '\0')
        return NULL;
      /* An inscription keeps its layout to itself: measure the text the
       * way it draws it, and compare with the room it has. */
      layout = gtk_widget_create_pango_layout (cell, NULL);
      if (text_width (layout, text) <= gtk_widget_get_width (cell))
        return NULL;

      return text;
    }

  return NULL;
}

static gboolean
query_tooltip_cb (GtkWidget  *cell,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  const char *text = tcia_cut_text (cell);

  if (text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

void
tcia_tooltip_when_cut (GtkWidget *cell)
{
  g_return_if_fail (GTK_IS_LABEL (cell) || GTK_IS_INSCRIPTION (cell));

  /* Whether a cell is cut is known only once it has its width, and
   * asked only when the pointer rests on it: nothing is measured while
   * rows stream in. */
  gtk_widget_set_has_tooltip (cell, TRUE);
  g_signal_connect (cell, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

/* GObject */

static void
tcia_column_sizing_dispose (GObject *object)
{
  TciaColumnSizing *self = TCIA_COLUMN_SIZING (object);

  if (self->save_id != 0)
    save_widths (self);
  for (guint i = 0; self->entries != NULL && i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);

      g_signal_handlers_disconnect_by_data (entry->column, self);
      g_clear_object (&entry->column);
    }
  g_array_set_size (self->entries, 0);
  g_clear_handle_id (&self->fit_id, g_source_remove);
  if (self->across != NULL)
    g_signal_handlers_disconnect_by_data (self->across, self);
  g_clear_object (&self->across);
  if (self->view != NULL)
    g_signal_handlers_disconnect_by_data (self->view, self);
  if (self->view != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->view), (gpointer *) &self->view);
  self->view = NULL;
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tcia_column_sizing_parent_class)->dispose (object);
}

static void
tcia_column_sizing_finalize (GObject *object)
{
  TciaColumnSizing *self = TCIA_COLUMN_SIZING (object);

  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_pointer (&self->key, g_free);

  G_OBJECT_CLASS (tcia_column_sizing_parent_class)->finalize (object);
}

static void
tcia_column_sizing_class_init (TciaColumnSizingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tcia_column_sizing_dispose;
  object_class->finalize = tcia_column_sizing_finalize;
}

static void
tcia_column_sizing_init (TciaColumnSizing *self)
{
  self->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
}

/* The title widget of @column: the view's header holds one per column,
 * in the order of the columns. */
static GtkWidget *
find_title (TciaColumnSizing    *self,
            GtkColumnViewColumn *column)
{
  GListModel *columns = gtk_column_view_get_columns (self->view);
  GtkWidget *header = gtk_widget_get_first_child (GTK_WIDGET (self->view));
  GtkWidget *title = header != NULL ? gtk_widget_get_first_child (header) : NULL;

  for (guint i = 0; title != NULL && i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) other = g_list_model_get_item (columns, i);

      if (other == column)
        return title;
      title = gtk_widget_get_next_sibling (title);
    }

  return NULL;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = G_TYPE_CHECK_INSTANCE_TYPE (child, type) ? child : find_descendant (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* GTK 4.8 marks the arrow of the sorted column with the direction. */
static gboolean
arrow_shown (GtkWidget *arrow)
{
  return gtk_widget_has_css_class (arrow, "ascending") ||
         gtk_widget_has_css_class (arrow, "descending");
}

static gboolean
is_sorted (Entry *entry)
{
  return entry->sort_arrow != NULL && arrow_shown (entry->sort_arrow);
}

static int
title_part (Entry *entry)
{
  return entry->title_width + (is_sorted (entry) ? SORT_ARROW_PX : 0);
}

static int
value_part (Entry *entry)
{
  return MIN (entry->fitted, MAX_SHORT_PX);
}

/* How much of a short column's title can go while the table is too wide:
 * down to its values, never below MIN_SQUEEZED_PX. */
static int
squeezable (Entry *entry)
{
  if (entry->title_width == 0 || entry->user_set)
    return 0;
  return MAX (0, title_part (entry) - MAX (value_part (entry), MIN_SQUEEZED_PX));
}

/* A short column: its title, the arrow when it is sorted, and the widest
 * value seen (up to a bound), less what the table's width squeezes off
 * its title. */
static void
apply_width (TciaColumnSizing *self,
             Entry            *entry)
{
  int width;

  if (entry->title_width == 0 || entry->user_set)
    return;

  width = MAX (title_part (entry) - MIN (entry->squeeze, squeezable (entry)), value_part (entry));
  if (width != gtk_column_view_column_get_fixed_width (entry->column))
    set_width (self, entry->column, width);
}

static Entry *
find_entry (TciaColumnSizing    *self,
            GtkColumnViewColumn *column)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);

      if (entry->column == column)
        return entry;
    }
  return NULL;
}

/* German titles ("Körperregion", "Studiendatum") are wider than the
 * values below them; beside a wider sidebar they pushed the last columns
 * (Images, Size) out of the window at its default size. When the columns
 * need more than the table's width and that is enough to fit it, the
 * titles wider than their values give up the difference (their whole text
 * is in a tooltip). What the columns need is taken from their unsqueezed
 * widths, so the result depends on the table's width alone and settles at
 * once. */
static gboolean
fit_to_view (gpointer user_data)
{
  TciaColumnSizing *self = user_data;
  GListModel *columns;
  int page, need = 0, slack = 0, overflow;
  int *shares;

  self->fit_id = 0;
  if (self->view == NULL || self->across == NULL)
    return G_SOURCE_REMOVE;
  page = (int) gtk_adjustment_get_page_size (self->across);
  if (page <= 0)
    return G_SOURCE_REMOVE;

  columns = gtk_column_view_get_columns (self->view);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      Entry *entry = find_entry (self, column);

      if (!gtk_column_view_column_get_visible (column))
        continue;
      if (entry != NULL && entry->title_width > 0 && !entry->user_set)
        {
          need += MAX (title_part (entry), value_part (entry));
          slack += squeezable (entry);
        }
      else
        {
          need += MAX (0, gtk_column_view_column_get_fixed_width (column));
        }
    }

  /* Cut titles only when that brings every column into view: a table
   * scrolled sideways anyway (a narrow window) keeps them whole. */
  overflow = need - page <= slack ? MAX (0, need - page) : 0;
  shares = g_newa (int, MAX (self->entries->len, 1));
  memset (shares, 0, sizeof (int) * self->entries->len);
  /* From the title with the most to spare first: one title cut a little
   * more reads better than every title cut by a few pixels. */
  while (overflow > 0)
    {
      guint best = G_MAXUINT;
      int best_left = 0;

      for (guint i = 0; i < self->entries->len; i++)
        {
          Entry *entry = &g_array_index (self->entries, Entry, i);
          int left;

          /* A hidden column (Browse's Collection) has nothing to give. */
          if (!gtk_column_view_column_get_visible (entry->column))
            continue;
          left = squeezable (entry) - shares[i];

          if (left > best_left)
            {
              best = i;
              best_left = left;
            }
        }
      if (best == G_MAXUINT)
        break;
      shares[best] += MIN (overflow, best_left);
      overflow -= MIN (overflow, best_left);
    }
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);

      if (shares[i] != entry->squeeze)
        {
          entry->squeeze = shares[i];
          apply_width (self, entry);
        }
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_fit (TciaColumnSizing *self)
{
  if (self->fit_id == 0)
    self->fit_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, fit_to_view, self, NULL);
}

static void
hadjustment_changed_cb (TciaColumnSizing *self)
{
  GtkAdjustment *across = self->view != NULL
                          ? gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (self->view)) : NULL;

  if (across == self->across)
    return;
  if (self->across != NULL)
    g_signal_handlers_disconnect_by_data (self->across, self);
  g_set_object (&self->across, across);
  if (across != NULL)
    g_signal_connect_swapped (across, "changed", G_CALLBACK (schedule_fit), self);
  schedule_fit (self);
}

/* GTK 4.8 keeps room for the sort arrow in every title, sorted or not: on
 * a table of short columns that is a column's worth of blank. Show the
 * arrow only when there is one, and widen the sorted column for it. */
static void
sort_arrow_changed_cb (GtkWidget        *arrow,
                       GParamSpec       *pspec,
                       TciaColumnSizing *self)
{
  gtk_widget_set_visible (arrow, arrow_shown (arrow));

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);

      if (entry->sort_arrow == arrow)
        apply_width (self, entry);
    }
  schedule_fit (self);
}

/* GTK 4.8 gives a column's title a label that never shrinks: in a column
 * narrower than its title (a column the user dragged narrow, free text)
 * the text ran over the next title. Cut it instead, with the whole title
 * as a tooltip. */
static void
setup_title (TciaColumnSizing *self,
             Entry            *entry)
{
  GtkWidget *title = find_title (self, entry->column);
  GtkWidget *label = title != NULL ? find_descendant (title, GTK_TYPE_LABEL) : NULL;

  if (title == NULL)
    return;

  if (label != NULL)
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      tcia_tooltip_when_cut (label);
    }

  /* The arrow follows the title's label. */
  entry->sort_arrow = label != NULL ? gtk_widget_get_next_sibling (label) : NULL;
  if (entry->sort_arrow != NULL)
    {
      g_signal_connect_object (entry->sort_arrow, "notify::css-classes",
                               G_CALLBACK (sort_arrow_changed_cb), self, 0);
      g_signal_connect_object (entry->sort_arrow, "notify::visible",
                               G_CALLBACK (sort_arrow_changed_cb), self, 0);
      sort_arrow_changed_cb (entry->sort_arrow, NULL, self);
    }

  if (!gtk_column_view_column_get_expand (entry->column))
    gtk_widget_measure (title, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &entry->title_width, NULL, NULL);}

static int
free_text_width (TciaColumnSizing *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self->view));
  PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);
  int width = FREE_TEXT_CHARS * pango_font_metrics_get_approximate_char_width (metrics) / PANGO_SCALE;

  pango_font_metrics_unref (metrics);

  return width + CELL_EXTRA_PX;
}

/* Public */

TciaColumnSizing *
tcia_column_sizing_new (GtkColumnView *view)
{
  TciaColumnSizing *self;

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), NULL);

  self = g_object_new (TCIA_TYPE_COLUMN_SIZING, NULL);
  self->view = view;
  g_object_add_weak_pointer (G_OBJECT (view), (gpointer *) &self->view);
  g_signal_connect_swapped (view, "notify::hadjustment", G_CALLBACK (hadjustment_changed_cb),
                            self);
  hadjustment_changed_cb (self);

  return self;
}

void
tcia_column_sizing_add (TciaColumnSizing    *self,
                        GtkColumnViewColumn *column,
                        TciaSeriesField      field)
{
  Entry entry = { NULL, field, 0, 0, FALSE };

  g_return_if_fail (TCIA_IS_COLUMN_SIZING (self));
  g_return_if_fail (GTK_IS_COLUMN_VIEW_COLUMN (column));
  g_return_if_fail (self->view != NULL);

  entry.column = g_object_ref (column);
  setup_title (self, &entry);
  if (entry.title_width > 0)
    {
      set_width (self, column, entry.title_width);
    }
  else
    {
      /* Free text: a few words at least, and a share of what is left. */
      set_width (self, column, free_text_width (self));
    }
  g_signal_connect (column, "notify::fixed-width", G_CALLBACK (fixed_width_changed_cb), self);
  g_array_append_val (self->entries, entry);
  if (!gtk_column_view_column_get_visible (column))
    set_width (self, column, gtk_column_view_column_get_fixed_width (column));
}

void
tcia_column_sizing_bind (TciaColumnSizing *self,
                         GSettings        *settings,
                         const char       *key)
{
  g_autoptr(GVariant) widths = NULL;

  g_return_if_fail (TCIA_IS_COLUMN_SIZING (self));
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (key != NULL);
  g_return_if_fail (self->settings == NULL);

  self->settings = g_object_ref (settings);
  self->key = g_strdup (key);

  widths = g_settings_get_value (settings, key);
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);
      int width;

      /* A width below a few pixels would hide the column for good. */
      if (g_variant_lookup (widths, field_key (entry->field), "i", &width) && width >= 16)
        {
          set_width (self, entry->column, width);
          entry->user_set = TRUE;
        }
    }
}

void
tcia_column_sizing_fit (TciaColumnSizing *self,
                        GListModel       *series)
{
  g_autoptr(PangoLayout) layout = NULL;
  guint n, end;

  g_return_if_fail (TCIA_IS_COLUMN_SIZING (self));
  g_return_if_fail (G_IS_LIST_MODEL (series));

  n = g_list_model_get_n_items (series);
  end = MIN (n, SAMPLE_ROWS);
  if (self->view == NULL || self->n_seen >= end)
    return;

  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self->view), NULL);
  for (guint row = self->n_seen; row < end; row++)
    {
      g_autoptr(TciaSeries) item = g_list_model_get_item (series, row);

      for (guint i = 0; i < self->entries->len; i++)
        {
          Entry *entry = &g_array_index (self->entries, Entry, i);
          g_autofree char *owned = NULL;
          const char *text;

          if (entry->title_width == 0)
            continue;
          text = tcia_series_cell_text (item, entry->field, TCIA_COUNT_GROUPED, &owned);
          /* Only a longer text can be much wider: measuring every value
           * of the first rows would cost a frame while they stream in. */
          if (text == NULL || strlen (text) <= entry->fitted_len)
            continue;
          entry->fitted_len = strlen (text);
          entry->fitted = MAX (entry->fitted, text_width (layout, text) + CELL_EXTRA_PX);
        }
    }
  self->n_seen = end;

  for (guint i = 0; i < self->entries->len; i++)
    apply_width (self, &g_array_index (self->entries, Entry, i));
  schedule_fit (self);
}

void
tcia_column_sizing_reset (TciaColumnSizing *self)
{
  g_return_if_fail (TCIA_IS_COLUMN_SIZING (self));

  self->n_seen = 0;
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);

      entry->fitted = 0;
      entry->fitted_len = 0;
      apply_width (self, entry);
    }
  schedule_fit (self);
}

/* Shows or hides @column, which keeps its width for when it is shown. */
void
tcia_column_sizing_set_visible (TciaColumnSizing    *self,
                                GtkColumnViewColumn *column,
                                gboolean             visible)
{
  Entry *entry;
  int width;

  g_return_if_fail (TCIA_IS_COLUMN_SIZING (self));
  g_return_if_fail (GTK_IS_COLUMN_VIEW_COLUMN (column));

  entry = find_entry (self, column);
  if (entry == NULL || gtk_column_view_column_get_visible (column) == visible)
    {
      gtk_column_view_column_set_visible (column, visible);
      return;
    }

  width = visible ? entry->hidden_width : gtk_column_view_column_get_fixed_width (column);
  gtk_column_view_column_set_visible (column, visible);
  set_width (self, column, width);
  if (visible)
    apply_width (self, entry);
  schedule_fit (self);
}

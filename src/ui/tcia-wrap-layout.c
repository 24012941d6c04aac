/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "tcia-wrap-layout.h"

struct _TciaWrapLayout
{
  GtkLayoutManager parent_instance;

  int              spacing;
  gboolean         wrapped;
};

G_DEFINE_FINAL_TYPE (TciaWrapLayout, tcia_wrap_layout, GTK_TYPE_LAYOUT_MANAGER)

enum { PROP_0, PROP_SPACING, N_PROPS };

static GParamSpec *properties[N_PROPS];

/* The widths of a row's children, the wide child apart. */
typedef struct
{
  GtkWidget *wide;
  int        wide_min, wide_nat;
  int        others_min, others_nat;   /* their sum, spacing included */
  int        wide_flat;                /* its height at its widest */
  guint      n_others;
  int        need;                     /* what the wide child needs of the line
                                        * (see wide_need); -1: a line of its own */
} RowWidths;

static void
measure_row (TciaWrapLayout *self,
             GtkWidget      *widget,
             RowWidths      *row)
{
  *row = (RowWidths) { NULL, 0, 0, 0, 0, 0, 0, -1 };
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int min, nat;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
      if (row->wide == NULL && gtk_widget_get_hexpand (child))
        {
          row->wide = child;
          row->wide_min = min;
          row->wide_nat = nat;
          /* Wider than any screen: its height when nothing wraps in it. */
          gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, 32767, &row->wide_flat, NULL, NULL, NULL);
          continue;
        }
      if (row->n_others++ > 0)
        {
          row->others_min += self->spacing;
          row->others_nat += self->spacing;
        }
      row->others_min += min;
      row->others_nat += nat;
    }
}

/* The least width, from @lo to @hi, at which the wide child is no taller
 * than at its widest (a flow box of filters on one line), or -1 when even @hi
 * is not enough. Its height falls as its width grows: a binary search,
 * about ten measures, which GTK caches. */
static int
least_width_in_line (const RowWidths *row,
                     int              lo,
                     int              hi)
{
  int height;

  if (hi < lo)
    return -1;
  gtk_widget_measure (row->wide, GTK_ORIENTATION_VERTICAL, hi, &height, NULL, NULL, NULL);
  if (height > row->wide_flat)
    return -1;
  while (lo < hi)
    {
      int mid = lo + (hi - lo) / 2;

      gtk_widget_measure (row->wide, GTK_ORIENTATION_VERTICAL, mid, &height, NULL, NULL, NULL);
      if (height > row->wide_flat)
        lo = mid + 1;
      else
        hi = mid;
    }

  return hi;
}

/* What the wide child needs of a line of @width, the others beside it at
 * their minimum; -1 when it goes down to a line of its own. The others then
 * grow towards their natural width into what it does not need. */
static int
wide_need (TciaWrapLayout  *self,
           const RowWidths *row,
           int              width)
{
  if (row->wide == NULL || width < 0)
    return -1;
  if (row->n_others == 0)
    return width;

  return least_width_in_line (row, row->wide_min, width - self->spacing - row->others_min);
}

/* Measures the row for a width of @width (-1: none given), and what the
 * wide child needs of it: one search, shared by the measure and the
 * allocation that follow. */
static void
measure_row_for (TciaWrapLayout *self,
                 GtkWidget      *widget,
                 int             width,
                 RowWidths      *row)
{
  measure_row (self, widget, row);
  row->need = wide_need (self, row, width);
}

static gboolean
row_wraps (const RowWidths *row,
           int              width)
{
  return row->wide != NULL && width >= 0 && row->need < 0;
}

/* The width the wide child has in a line of @width it keeps. */
static int
wide_width_in_line (TciaWrapLayout  *self,
                    const RowWidths *row,
                    int              width)
{
  int spacing = row->n_others > 0 ? self->spacing : 0;
  int others_more = CLAMP (width - spacing - row->others_min - row->need, 0,
                           row->others_nat - row->others_min);

  return width - spacing - row->others_min - others_more;
}

static GtkSizeRequestMode
tcia_wrap_layout_get_request_mode (GtkLayoutManager *manager,
                                   GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
tcia_wrap_layout_measure (GtkLayoutManager *manager,
                          GtkWidget        *widget,
                          GtkOrientation    orientation,
                          int               for_size,
                          int              *minimum,
                          int              *natural,
                          int              *minimum_baseline,
                          int              *natural_baseline)
{
  TciaWrapLayout *self = TCIA_WRAP_LAYOUT (manager);
  gboolean wraps;
  int line_min = 0, line_nat = 0, wide_min = 0, wide_nat = 0;
  RowWidths row;

  *minimum_baseline = *natural_baseline = -1;
  measure_row_for (self, widget, orientation == GTK_ORIENTATION_VERTICAL ? for_size : -1, &row);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int spacing = row.wide != NULL && row.n_others > 0 ? self->spacing : 0;

      *minimum = MAX (row.others_min, row.wide_min);
      *natural = row.wide_nat + spacing + row.others_nat;
      return;
    }

  wraps = row_wraps (&row, for_size);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int min, nat;

      if (!gtk_widget_should_layout (child))
        continue;
      if (child == row.wide)
        {
          int width = for_size < 0 ? -1 : wraps ? for_size : wide_width_in_line (self, &row, for_size);

          gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, &wide_min, &wide_nat, NULL, NULL);
          continue;
        }
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, -1, &min, &nat, NULL, NULL);
      line_min = MAX (line_min, min);
      line_nat = MAX (line_nat, nat);
    }
  if (wraps)
    {
      *minimum = line_min + self->spacing + wide_min;
      *natural = line_nat + self->spacing + wide_nat;
    }
  else
    {
      *minimum = MAX (line_min, wide_min);
      *natural = MAX (line_nat, wide_nat);
    }
}

typedef struct
{
  GtkWidget *widget;
  int        min, nat, width;
} Slot;

static void
place (GtkWidget *child,
       int        x,
       int        y,
       int        width,
       int        height)
{
  gtk_widget_size_allocate (child, &(GtkAllocation) { x, y, MAX (width, 0), MAX (height, 0) }, -1);
}

static void
tcia_wrap_layout_allocate (GtkLayoutManager *manager,
                           GtkWidget        *widget,
                           int               width,
                           int               height,
                           int               baseline)
{
  TciaWrapLayout *self = TCIA_WRAP_LAYOUT (manager);
  g_autoptr(GArray) slots = g_array_new (FALSE, FALSE, sizeof (Slot));
  gboolean seen_wide = FALSE;
  guint n_before = 0;
  int line_height = height, spare, x = 0, end = width;
  RowWidths row;

  measure_row_for (self, widget, width, &row);
  self->wrapped = row_wraps (&row, width);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      Slot slot = { child, 0, 0, 0 };

      if (child == row.wide)
        seen_wide = TRUE;
      if (child == row.wide || !gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &slot.min, &slot.nat, NULL, NULL);
      slot.width = slot.min;
      n_before += seen_wide ? 0 : 1;
      g_array_append_val (slots, slot);
    }

  /* The others have their minimum, then their natural width as far as
   * there is room, from the end of the line back (the search at its end
   * first); wrapped, the last of them takes what is left. */
  spare = width - row.others_min;
  if (!self->wrapped && row.wide != NULL)
    spare -= row.need + (slots->len > 0 ? self->spacing : 0);
  for (guint i = slots->len; i-- > 0 && spare > 0;)
    {
      Slot *slot = &g_array_index (slots, Slot, i);
      int more = MIN (spare, slot->nat - slot->min);

      slot->width += more;
      spare -= more;
    }
  if (self->wrapped && slots->len > 0 && spare > 0)
    g_array_index (slots, Slot, slots->len - 1).width += spare;

  if (self->wrapped)
    {
      int wide_min;

      gtk_widget_measure (row.wide, GTK_ORIENTATION_VERTICAL, width, &wide_min, NULL, NULL, NULL);
      line_height = MAX (0, height - self->spacing - wide_min);
      place (row.wide, 0, line_height + self->spacing, width, height - line_height - self->spacing);
    }

  for (guint i = 0; i < n_before; i++)
    {
      Slot *slot = &g_array_index (slots, Slot, i);

      place (slot->widget, x, 0, slot->width, line_height);
      x += slot->width + self->spacing;
    }
  for (guint i = slots->len; i-- > n_before;)
    {
      Slot *slot = &g_array_index (slots, Slot, i);

      end -= slot->width;
      place (slot->widget, end, 0, slot->width, line_height);
      end -= self->spacing;
    }
  if (!self->wrapped && row.wide != NULL)
    place (row.wide, x, 0, end - x, height);
}

static void
tcia_wrap_layout_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TciaWrapLayout *self = TCIA_WRAP_LAYOUT (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_wrap_layout_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TciaWrapLayout *self = TCIA_WRAP_LAYOUT (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      tcia_wrap_layout_set_spacing (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_wrap_layout_class_init (TciaWrapLayoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkLayoutManagerClass *layout_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  object_class->get_property = tcia_wrap_layout_get_property;
  object_class->set_property = tcia_wrap_layout_set_property;
  layout_class->get_request_mode = tcia_wrap_layout_get_request_mode;
  layout_class->measure = tcia_wrap_layout_measure;
  layout_class->allocate = tcia_wrap_layout_allocate;

  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tcia_wrap_layout_init (TciaWrapLayout *self)
{
}

GtkLayoutManager *
tcia_wrap_layout_new (void)
{
  return g_object_new (TCIA_TYPE_WRAP_LAYOUT, NULL);
}

void
tcia_wrap_layout_set_spacing (TciaWrapLayout *self,
                              int             spacing)
{
  g_return_if_fail (TCIA_IS_WRAP_LAYOUT (self));
  g_return_if_fail (spacing >= 0);

  if (self->spacing == spacing)
    return;
  self->spacing = spacing;
  gtk_layout_manager_layout_changed (GTK_LAYOUT_MANAGER (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPACING]);
}

gboolean
tcia_wrap_layout_get_wrapped (TciaWrapLayout *self)
{
  g_return_val_if_fail (TCIA_IS_WRAP_LAYOUT (self), FALSE);

  return self->wrapped;
}

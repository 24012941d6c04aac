/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TciaWrapLayout: a row whose wide child (filters in a flow box) goes down
 * to a line of its own when, beside the others, it would wrap. */
#include "config.h"

#include <stdio.h>

#include <adwaita.h>

#define TIMEOUT_S 20
#include "test-util.h"
#include "ui-test-util.h"
#include "tcia-wrap-layout.h"

#define SPACING 6
#define FILTER_WIDTH 150

typedef struct
{
  GtkWindow *window;
  GtkWidget *row;
  GtkWidget *back;      /* before the wide child */
  GtkWidget *filters;   /* the wide child: a flow box of three */
  GtkWidget *toggle;    /* after it */
  GtkWidget *search;    /* last: takes what is left when wrapped */
} Row;

static GtkWidget *
sized_button (int width)
{
  GtkWidget *button = gtk_button_new ();

  gtk_widget_set_size_request (button, width, 30);
  return button;
}

static void
row_init (Row *r)
{
  GtkLayoutManager *layout = tcia_wrap_layout_new ();

  tcia_wrap_layout_set_spacing (TCIA_WRAP_LAYOUT (layout), SPACING);
  r->row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_layout_manager (r->row, layout);
  r->back = sized_button (34);
  r->filters = gtk_flow_box_new ();
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (r->filters), 1);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (r->filters), 3);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (r->filters), SPACING);
  gtk_widget_set_hexpand (r->filters, TRUE);
  for (int i = 0; i < 3; i++)
    gtk_flow_box_append (GTK_FLOW_BOX (r->filters), sized_button (FILTER_WIDTH));
  r->toggle = sized_button (34);
  r->search = gtk_search_entry_new ();
  gtk_editable_set_width_chars (GTK_EDITABLE (r->search), 14);
  gtk_box_append (GTK_BOX (r->row), r->back);
  gtk_box_append (GTK_BOX (r->row), r->filters);
  gtk_box_append (GTK_BOX (r->row), r->toggle);
  gtk_box_append (GTK_BOX (r->row), r->search);

  r->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_decorated (r->window, FALSE);
  gtk_window_set_child (r->window, r->row);
}

static graphene_rect_t
bounds (Row       *r,
        GtkWidget *child)
{
  graphene_rect_t rect;

  g_assert_true (gtk_widget_compute_bounds (child, r->row, &rect));
  return rect;
}

static int
right (graphene_rect_t rect)
{
  return (int) (rect.origin.x + rect.size.width);
}

/* No two children of the first line overlap, and each has its minimum. */
static void
assert_line_sane (Row *r)
{
  GtkWidget *line[] = { r->back, r->toggle, r->search };
  int x = 0;

  for (guint i = 0; i < G_N_ELEMENTS (line); i++)
    {
      graphene_rect_t rect = bounds (r, line[i]);
      int min;

      gtk_widget_measure (line[i], GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
      g_assert_cmpint ((int) rect.origin.x, >=, x);
      g_assert_cmpint ((int) rect.size.width, >=, min);
      x = right (rect);
    }
  g_assert_cmpint (x, <=, gtk_widget_get_width (r->row));
}

/* Wide enough for the three filters on one line beside the others: one
 * line, the buttons after the filters at its end. */
static void
test_wrap_layout_one_line (void)
{
  Row r;
  graphene_rect_t filters, back, search;

  row_init (&r);
  ui_present_window (r.window, 900, 100);
  filters = bounds (&r, r.filters);
  back = bounds (&r, r.back);
  search = bounds (&r, r.search);

  g_assert_false (tcia_wrap_layout_get_wrapped (TCIA_WRAP_LAYOUT (gtk_widget_get_layout_manager (r.row))));
  g_assert_cmpfloat (filters.origin.y, ==, back.origin.y);
  g_assert_cmpint ((int) filters.origin.x, ==, right (back) + SPACING);
  g_assert_cmpint ((int) filters.size.width, >=, 3 * FILTER_WIDTH + 2 * SPACING);
  g_assert_cmpint (right (search), ==, gtk_widget_get_width (r.row));
  g_assert_cmpint (right (filters) + SPACING, <=, (int) bounds (&r, r.toggle).origin.x);
  assert_line_sane (&r);
  gtk_window_destroy (r.window);
}

/* Too narrow for the filters on one line beside the others: they take a
 * line of their own, as wide as the row, and the search takes what the
 * first line has left, up to the toggle. */
static void
test_wrap_layout_wraps (void)
{
  Row r;
  graphene_rect_t filters, back, toggle, search;
  int search_natural;

  row_init (&r);
  ui_present_window (r.window, 600, 200);
  filters = bounds (&r, r.filters);
  back = bounds (&r, r.back);
  toggle = bounds (&r, r.toggle);
  search = bounds (&r, r.search);

  g_assert_true (tcia_wrap_layout_get_wrapped (TCIA_WRAP_LAYOUT (gtk_widget_get_layout_manager (r.row))));
  g_assert_cmpfloat (back.origin.x, ==, 0);
  g_assert_cmpfloat (filters.origin.x, ==, 0);
  g_assert_cmpint ((int) filters.size.width, ==, gtk_widget_get_width (r.row));
  g_assert_cmpfloat (filters.origin.y, >=, back.origin.y + back.size.height + SPACING);
  g_assert_cmpint (right (search), ==, gtk_widget_get_width (r.row));
  g_assert_cmpint ((int) search.origin.x, ==, right (toggle) + SPACING);
  g_assert_cmpint ((int) toggle.origin.x, >=, right (back) + SPACING);
  gtk_widget_measure (r.search, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &search_natural, NULL, NULL);
  g_assert_cmpint ((int) search.size.width, >, search_natural);
  assert_line_sane (&r);

  /* Back to a wide window: one line again. */
  ui_resize_window (r.window, 900, 100);
  g_assert_false (tcia_wrap_layout_get_wrapped (TCIA_WRAP_LAYOUT (gtk_widget_get_layout_manager (r.row))));
  g_assert_cmpfloat (bounds (&r, r.filters).origin.y, ==, bounds (&r, r.back).origin.y);
  gtk_window_destroy (r.window);
}

/* The row asks for the height of both lines when wrapped, so that the
 * filters are not cut off below it. */
static void
test_wrap_layout_height (void)
{
  Row r;
  GtkWidget *line[3];
  int one_line, wrapped, filters_height, line_height = 0;

  row_init (&r);
  line[0] = r.back, line[1] = r.toggle, line[2] = r.search;
  for (guint i = 0; i < G_N_ELEMENTS (line); i++)
    {
      int min;

      gtk_widget_measure (line[i], GTK_ORIENTATION_VERTICAL, -1, &min, NULL, NULL, NULL);
      line_height = MAX (line_height, min);
    }
  gtk_widget_measure (r.row, GTK_ORIENTATION_VERTICAL, 900, &one_line, NULL, NULL, NULL);
  gtk_widget_measure (r.row, GTK_ORIENTATION_VERTICAL, 600, &wrapped, NULL, NULL, NULL);
  gtk_widget_measure (r.filters, GTK_ORIENTATION_VERTICAL, 600, &filters_height, NULL, NULL, NULL);

  g_assert_cmpint (wrapped, ==, line_height + SPACING + filters_height);
  g_assert_cmpint (one_line, <, wrapped);
  g_object_ref_sink (r.window);
  gtk_window_destroy (r.window);
  g_object_unref (r.window);
}

int
main (int   argc,
      char *argv[])
{
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display\n");
      return 0;
    }
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/wrap-layout/one-line", test_wrap_layout_one_line);
  g_test_add_func ("/ui/wrap-layout/wraps", test_wrap_layout_wraps);
  g_test_add_func ("/ui/wrap-layout/height", test_wrap_layout_height);

  return g_test_run ();
}

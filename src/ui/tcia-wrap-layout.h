/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TCIA_TYPE_WRAP_LAYOUT (tcia_wrap_layout_get_type ())

G_DECLARE_FINAL_TYPE (TciaWrapLayout, tcia_wrap_layout, TCIA, WRAP_LAYOUT, GtkLayoutManager)

/* A row of widgets, one of which (the first that expands horizontally,
 * "the wide child") takes the row's spare width. When the wide child
 * would be taller there than at its widest (a flow box of filters wrapping
 * onto three lines beside a few buttons), it goes down to a line of its
 * own, as wide as the row, and the others stay on the first line: the
 * ones before it at the start, the ones after it at the end, the last of
 * them taking what is left (a squeezer there can then show its widest
 * child). libadwaita 1.2 has no breakpoints; this decides from the
 * widgets' own sizes, at any width and in any language. */
GtkLayoutManager *tcia_wrap_layout_new         (void);
void              tcia_wrap_layout_set_spacing (TciaWrapLayout *self,
                                                int             spacing);
/* Whether the last allocation put the wide child on a line of its own. */
gboolean          tcia_wrap_layout_get_wrapped (TciaWrapLayout *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tcia-series-cell.h"

G_BEGIN_DECLS

#define TCIA_TYPE_COLUMN_SIZING (tcia_column_sizing_get_type ())

G_DECLARE_FINAL_TYPE (TciaColumnSizing, tcia_column_sizing, TCIA, COLUMN_SIZING, GObject)

/* The widths of a table of series. A column that does not expand holds a
 * short value (an ID, a date, a count, a size): it is as wide as its title
 * and the widest of a sample of its values. A column that expands holds
 * free text: it takes what is left, and gives it back when the window
 * narrows. A width the user drags is kept, in @key of the settings. */
TciaColumnSizing *tcia_column_sizing_new          (GtkColumnView       *view);
/* @column (of the view) shows @field. */
void              tcia_column_sizing_add          (TciaColumnSizing    *self,
                                                   GtkColumnViewColumn *column,
                                                   TciaSeriesField      field);
/* Restores the widths the user chose, and saves those chosen from now on,
 * in @key (type a{si}: column ID → width in pixels). */
void              tcia_column_sizing_bind         (TciaColumnSizing    *self,
                                                   GSettings           *settings,
                                                   const char          *key);
/* Widens the short columns to the widest of a sample of @series (a list
 * of TciaSeries); never narrows them, so rows arriving never shake the
 * table. */
void              tcia_column_sizing_fit          (TciaColumnSizing    *self,
                                                   GListModel          *series);
/* Forgets what tcia_column_sizing_fit() saw: the next fit starts again
 * from the titles (a new collection). */
void              tcia_column_sizing_reset        (TciaColumnSizing    *self);
void              tcia_column_sizing_set_visible  (TciaColumnSizing    *self,
                                                   GtkColumnViewColumn *column,
                                                   gboolean             visible);

/* A cell (GtkLabel or GtkInscription) of the table: shows its whole text
 * as a tooltip when the cell cuts it. */
void              tcia_tooltip_when_cut   (GtkWidget           *cell);
/* The whole text of @cell (a GtkLabel or GtkInscription) when the cell
 * shows only part of it, else NULL. */
const char       *tcia_cut_text     (GtkWidget           *cell);

G_END_DECLS

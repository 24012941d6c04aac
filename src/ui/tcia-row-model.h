/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TCIA_TYPE_ROW (tcia_row_get_type ())

G_DECLARE_FINAL_TYPE (TciaRow, tcia_row, TCIA, ROW, GObject)

gpointer       tcia_row_get_item                (TciaRow      *self);

#define TCIA_TYPE_ROW_MODEL (tcia_row_model_get_type ())

G_DECLARE_FINAL_TYPE (TciaRowModel, tcia_row_model, TCIA, ROW_MODEL, GObject)

TciaRowModel  *tcia_row_model_new               (GtkSelectionModel *selection,
                                                 guint              ramp_limit);
GtkSelectionModel *tcia_row_model_get_selection (TciaRowModel *self);
guint          tcia_row_model_get_pending       (TciaRowModel *self);
void           tcia_row_model_catch_up          (TciaRowModel *self,
                                                 guint         max_rows);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void tcia_column_view_fit_titles (GtkColumnView *view);

G_END_DECLS

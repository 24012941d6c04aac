/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void       tcia_widget_name_mnemonic_buttons  (GtkWidget     *root);
/* A row of a list: a title that takes the room and ellipsizes, then a dim
 * number (the box's first and last child). */
GtkWidget *tcia_title_and_count_new           (int            spacing);
/* "1,234": a count with the locale's digit grouping. */
char      *tcia_format_count                  (guint          n);
/* Binds the string (or enum) @key of @settings to the "selected" row of
 * @combo, whose rows stand for @nicks in order (NULL-terminated, static). */
void       tcia_settings_bind_combo_row       (GSettings            *settings,
                                               const char           *key,
                                               AdwComboRow          *combo,
                                               const char * const   *nicks);
/* Sets @widget's tooltip (NULL: none) and accessible description, as
 * gtk_widget_set_tooltip_text() does, but answers with it only when asked
 * (a query-tooltip handler): GTK 4.8's setter asks the display server where
 * the pointer is, a round trip for every row a list binds. */
void       tcia_widget_set_tooltip_lazily     (GtkWidget     *widget,
                                               const char    *text);
/* The series UIDs of @series (TciaSeries), one a line. */
char      *tcia_series_uids_text              (GPtrArray     *series);

/* What an async call's callback needs to know whether its answer is still
 * wanted: its owner (a reference) and the cancellable it was started with. */
typedef struct
{
  gpointer      owner;
  GCancellable *cancellable;
  guint         kind;
} TciaTicket;

TciaTicket   *tcia_ticket_new          (gpointer       owner,
                                        GCancellable  *cancellable,
                                        guint          kind);
void          tcia_ticket_free         (TciaTicket    *ticket);
/* Whether the answer to @ticket is to be dropped: it was cancelled, or a
 * newer call (with @current) has replaced it. */
gboolean      tcia_ticket_is_stale     (TciaTicket    *ticket,
                                        GCancellable  *current,
                                        const GError  *error);
/* A fresh cancellable in *@cancellable, cancelling the one in flight: its
 * answer is stale from now on. */
GCancellable *tcia_cancellable_restart (GCancellable **cancellable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaTicket, tcia_ticket_free)

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tcia-session.h"

G_BEGIN_DECLS

#define TCIA_TYPE_WHATS_NEW_DIALOG (tcia_whats_new_dialog_get_type ())

G_DECLARE_FINAL_TYPE (TciaWhatsNewDialog, tcia_whats_new_dialog, TCIA, WHATS_NEW_DIALOG, AdwWindow)

/* "What is new" for a folder the user downloaded into: from its
 * metadata.csv and the session's local catalogue
 * (tcia_local_catalogue_list_new_async()), two groups, each in the series
 * list of Browse with its in-basket marks and a button that puts it in
 * the basket: the series released in its collections since their first
 * download, and those in it whose data changed since; one more button puts
 * both in the session's basket. */
TciaWhatsNewDialog *tcia_whats_new_dialog_new    (GtkWindow   *parent,
                                                  TciaSession *session,
                                                  const char  *folder);
/* Asks for the folder first (starting in the session's destination), then
 * shows the dialog for it. */
void                tcia_whats_new_dialog_choose (GtkWindow   *parent,
                                                  TciaSession *session);

/* For tests: "loading", "error", "empty" or "list"; the series of each
 * group; the line under a group's title (NULL while the group is hidden);
 * the summary line (or the error). */
const char         *tcia_whats_new_dialog_get_state      (TciaWhatsNewDialog *self);
GListModel         *tcia_whats_new_dialog_get_added      (TciaWhatsNewDialog *self);
GListModel         *tcia_whats_new_dialog_get_changed    (TciaWhatsNewDialog *self);
const char         *tcia_whats_new_dialog_get_group_text (TciaWhatsNewDialog *self,
                                                          gboolean            changed);
const char         *tcia_whats_new_dialog_get_summary    (TciaWhatsNewDialog *self);
/* Adds every series listed (both groups) to the basket, as the button at
 * the bottom does; returns how many were not in it. */
guint               tcia_whats_new_dialog_add_all        (TciaWhatsNewDialog *self);

G_END_DECLS

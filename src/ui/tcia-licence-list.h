/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TCIA_TYPE_LICENCE_LIST (tcia_licence_list_get_type ())

G_DECLARE_FINAL_TYPE (TciaLicenceList, tcia_licence_list, TCIA, LICENCE_LIST, AdwPreferencesGroup)

/* A group of rows, one per TciaBasketLicence of its "model": the name, how
 * many series have it, a warning tag when it forbids commercial use, and a
 * link to its text. Used by the Basket page and the Browse page alike. */
GListModel *tcia_licence_list_get_model      (TciaLicenceList *self);
void        tcia_licence_list_set_model      (TciaLicenceList *self,
                                              GListModel      *model);
guint       tcia_licence_list_get_n_rows     (TciaLicenceList *self);
const char *tcia_licence_list_get_row_title  (TciaLicenceList *self,
                                              guint            index);
/* "9 series", "9 series · Non-commercial use only" */
const char *tcia_licence_list_get_row_subtitle (TciaLicenceList *self,
                                              guint            index);
gboolean    tcia_licence_list_get_row_is_nc  (TciaLicenceList *self,
                                              guint            index);

G_END_DECLS

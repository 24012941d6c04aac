/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TCIA_TYPE_SEARCH_MODEL (tcia_search_model_get_type ())

G_DECLARE_FINAL_TYPE (TciaSearchModel, tcia_search_model, TCIA, SEARCH_MODEL, GObject)

TciaSearchModel *tcia_search_model_new              (void);
void             tcia_search_model_set_model        (TciaSearchModel *self,
                                                     GListModel      *model);
void             tcia_search_model_set_text         (TciaSearchModel *self,
                                                     const char      *text);
const char      *tcia_search_model_get_text         (TciaSearchModel *self);
guint64          tcia_search_model_get_total_bytes  (TciaSearchModel *self);
guint64          tcia_search_model_get_shown_bytes  (TciaSearchModel *self);

G_END_DECLS

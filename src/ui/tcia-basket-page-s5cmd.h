/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-basket-page-private.h"
#include "tcia-import.h"

G_BEGIN_DECLS

/* The Basket page's part for IDC's s5cmd manifests: importing one (its
 * folders looked up in IDC, the locations handed to the session's
 * download) and exporting the basket as one. Both reach the session
 * through the page's window. */

/* Resolves @file (TCIA_IMPORT_FORMAT_S5CMD) into the basket as the page's
 * other imports do, with the same progress; @callback finishes with
 * _tcia_basket_page_s5cmd_import_finish(). */
void              _tcia_basket_page_s5cmd_import        (TciaBasketPage         *self,
                                                         TciaImportFile         *file,
                                                         guint                   chunk_size,
                                                         TciaImportProgressFunc  progress,
                                                         GAsyncReadyCallback     callback);
/* Whether @result is of _tcia_basket_page_s5cmd_import(). */
gboolean          _tcia_basket_page_s5cmd_is_import     (GAsyncResult           *result);
/* Also gives the session the locations, and lists the folders IDC does
 * not know in a dialog. */
TciaImportResult *_tcia_basket_page_s5cmd_import_finish (TciaBasketPage         *self,
                                                         GAsyncResult           *result,
                                                         GError                **error);

/* The "basket.export-s5cmd" action: asks where, resolves the basket's
 * series through IDC and writes the manifest. */
void              _tcia_basket_page_s5cmd_export_cb     (GtkWidget              *widget,
                                                         const char             *action_name,
                                                         GVariant               *parameter);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tcia-import.h"

G_BEGIN_DECLS

/* The Basket page's part for IDC's s5cmd manifests: importing one (its
 * folders looked up in IDC, where they are handed to the session's
 * download) and exporting the basket as one. Both reach the session
 * through the page's window. */

/* Like tcia_import_resolve_idc_async() with the window's IDC client;
 * finish with _finish, which also gives the session the locations and
 * tells the person about folders IDC does not know. */
void              tcia_basket_page_s5cmd_import        (GtkWidget              *page,
                                                        TciaBasket             *basket,
                                                        TciaClient             *client,
                                                        TciaImportFile         *file,
                                                        guint                   chunk_size,
                                                        TciaImportProgressFunc  progress,
                                                        gpointer                progress_data,
                                                        GCancellable           *cancellable,
                                                        GAsyncReadyCallback     callback,
                                                        gpointer                user_data);
/* Whether @result is of tcia_basket_page_s5cmd_import(). */
gboolean          tcia_basket_page_s5cmd_is_import     (GAsyncResult           *result);
TciaImportResult *tcia_basket_page_s5cmd_import_finish (GtkWidget              *page,
                                                        GAsyncResult           *result,
                                                        GError                **error);

/* The "basket.export-s5cmd" action: asks where, resolves the basket's
 * series through IDC and writes the manifest. */
void              tcia_basket_page_s5cmd_export_cb     (GtkWidget              *page,
                                                        const char             *action_name,
                                                        GVariant               *parameter);

G_END_DECLS

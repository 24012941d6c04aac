/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tcia-basket.h"
#include "tcia-client.h"
#include "tcia-download-queue.h"
#include "tcia-session.h"

G_BEGIN_DECLS

#define TCIA_TYPE_WINDOW (tcia_window_get_type ())

G_DECLARE_FINAL_TYPE (TciaWindow, tcia_window, TCIA, WINDOW, AdwApplicationWindow)

/* @settings holds the application's schema (window-width, window-height,
 * window-maximized), where the window keeps its size; NULL to keep nothing. */
TciaWindow *tcia_window_new          (GtkApplication *application,
                                      GSettings      *settings);
/* @client: the server browsed (NULL: the Browse page stays empty);
 * @basket: where picked series go (NULL: a basket in memory). */
TciaWindow *tcia_window_new_full     (GtkApplication *application,
                                      GSettings      *settings,
                                      TciaClient     *client,
                                      TciaBasket     *basket);
/* The application's window: checkouts go through @session, whose settings
 * the application has bound. */
TciaWindow *tcia_window_new_for_session (GtkApplication *application,
                                         GSettings      *settings,
                                         TciaSession    *session);
TciaSession *tcia_window_get_session (TciaWindow    *self);
GSettings  *tcia_window_get_settings (TciaWindow     *self);
TciaBasket *tcia_window_get_basket   (TciaWindow     *self);
/* Shows the Basket page and imports @files (manifests, lists of UIDs,
 * spreadsheets) into the basket, reporting what was not found. */
void        tcia_window_import_files (TciaWindow     *self,
                                      GFile         **files,
                                      guint           n_files);
/* Says why the basket file could not be read at start (and where the copy
 * of it was put). */
void        tcia_window_show_basket_load_error (TciaWindow   *self,
                                                const GError *error);

/* The session's queue, which the Downloads page shows; NULL until the
 * first checkout or a restore ("download-queue" says when it changes). */
TciaDownloadQueue *tcia_window_get_download_queue (TciaWindow        *self);
/* Before quitting: with series still downloading, asks whether to stop
 * them (and quits if so) and returns TRUE; FALSE when quitting can go on. */
gboolean           tcia_window_confirm_quit       (TciaWindow        *self);

G_END_DECLS

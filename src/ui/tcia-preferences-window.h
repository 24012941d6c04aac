/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TCIA_TYPE_PREFERENCES_WINDOW (tcia_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (TciaPreferencesWindow, tcia_preferences_window, TCIA, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* @settings: the application's settings. @active_api_url: the server the
 * running program talks to (NULL if none); when the stored URL stops matching
 * it, the window says a restart is needed. */
TciaPreferencesWindow *tcia_preferences_window_new (GtkWindow  *parent,
                                                    GSettings  *settings,
                                                    const char *active_api_url);

G_END_DECLS

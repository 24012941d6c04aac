/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-preferences-window.h"

G_BEGIN_DECLS

/* For tests: the controls of the window. */
AdwEntryRow  *tcia_preferences_window_get_api_url_row     (TciaPreferencesWindow *self);
GtkButton    *tcia_preferences_window_get_reset_button    (TciaPreferencesWindow *self);
GtkButton    *tcia_preferences_window_get_check_button    (TciaPreferencesWindow *self);
AdwActionRow *tcia_preferences_window_get_connection_row  (TciaPreferencesWindow *self);
AdwComboRow  *tcia_preferences_window_get_layout_row      (TciaPreferencesWindow *self);
GtkSpinButton *tcia_preferences_window_get_parallel_spin  (TciaPreferencesWindow *self);
GtkSwitch    *tcia_preferences_window_get_checksum_switch (TciaPreferencesWindow *self);
AdwActionRow *tcia_preferences_window_get_folder_row      (TciaPreferencesWindow *self);
gboolean      tcia_preferences_window_is_checking         (TciaPreferencesWindow *self);

G_END_DECLS

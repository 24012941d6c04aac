/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tcia-session.h"

G_BEGIN_DECLS

#define TCIA_TYPE_CATALOGUE_BANNER (tcia_catalogue_banner_get_type ())

G_DECLARE_FINAL_TYPE (TciaCatalogueBanner, tcia_catalogue_banner, TCIA, CATALOGUE_BANNER, AdwBin)

/* The window's view of the local catalogue's sync: it runs the session's
 * sync in the background (the first fills the catalogue, later ones
 * refresh it; one quit half-way resumes at the next start), shows a thin
 * bar while collections are listed ("Updating the catalogue: 12 of 180
 * collections"), and when the server cannot be reached says what Browse
 * shows instead ("Showing the catalogue from <date>; …") with a Retry.
 * After a refresh that found series new to the catalogue, it looks for
 * what is new in the session's download folder and notifies when there is
 * some. Nothing shows, and nothing runs, without a catalogue. */
void        tcia_catalogue_banner_set_session   (TciaCatalogueBanner *self,
                                                 TciaSession         *session);
/* Runs the sync now (unless one is running). */
void        tcia_catalogue_banner_sync          (TciaCatalogueBanner *self);

/* For tests: the text shown, and whether the bar shows. */
const char *tcia_catalogue_banner_get_text      (TciaCatalogueBanner *self);
gboolean    tcia_catalogue_banner_get_revealed  (TciaCatalogueBanner *self);
/* The body of the last "what is new" notification, or NULL. */
const char *tcia_catalogue_banner_get_notification (TciaCatalogueBanner *self);
/* "", "progress", "offline" or "failed". */
const char *tcia_catalogue_banner_get_state     (TciaCatalogueBanner *self);

G_END_DECLS

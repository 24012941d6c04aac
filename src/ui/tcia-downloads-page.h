/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tcia-download-queue.h"

G_BEGIN_DECLS

#define TCIA_TYPE_DOWNLOADS_PAGE (tcia_downloads_page_get_type ())

G_DECLARE_FINAL_TYPE (TciaDownloadsPage, tcia_downloads_page, TCIA, DOWNLOADS_PAGE, AdwBin)

/* The Downloads page: a row per series of the queue with its progress and
 * errors, the overall progress, and Pause All, Resume All, Retry Failed,
 * Clear Finished (takes the completed series out of the list, never their
 * files) and Cancel All, which asks first ("downloads.*" actions).
 *
 * Properties for a progress shown elsewhere: "fraction" (0..1, of the whole
 * queue), "summary" ("Downloading 3 of 10 series"), "n-active" (series queued
 * or running) and "n-failed". */

void               tcia_downloads_page_set_queue (TciaDownloadsPage *self,
                                                  TciaDownloadQueue *queue);
TciaDownloadQueue *tcia_downloads_page_get_queue (TciaDownloadsPage *self);
double             tcia_downloads_page_get_fraction (TciaDownloadsPage *self);
const char        *tcia_downloads_page_get_summary  (TciaDownloadsPage *self);
guint              tcia_downloads_page_get_n_active (TciaDownloadsPage *self);
guint              tcia_downloads_page_get_n_failed (TciaDownloadsPage *self);

G_END_DECLS

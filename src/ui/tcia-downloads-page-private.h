/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-downloads-page.h"

G_BEGIN_DECLS

/* For tests: what the page shows, and ways to drive it. */

/* "empty" or "jobs". */
const char *tcia_downloads_page_get_state          (TciaDownloadsPage *self);
/* The "Cancel All Downloads?" dialog while it is open, else NULL. */
AdwMessageDialog *tcia_downloads_page_get_dialog   (TciaDownloadsPage *self);
/* The button of "downloads.@which": "pause-all", "resume-all", "retry-failed",
 * "clear-finished", "check-files" or "cancel-all" (insensitive while its
 * action is disabled); or "failed", the toggle that shows failures alone. */
GtkWidget  *tcia_downloads_page_get_button         (TciaDownloadsPage *self,
                                                    const char        *which);
/* "3 of 10 series downloaded" and
 * "4.2 of 15.6 MB · 27 % · 1.2 MB/s · about 2 minutes left". */
const char *tcia_downloads_page_get_overall_title  (TciaDownloadsPage *self);
const char *tcia_downloads_page_get_overall_detail (TciaDownloadsPage *self);
/* The jobs in the order the list shows them (failed ones alone while the
 * "failed" toggle, tcia_downloads_page_get_button (self, "failed"), is on). */
GListModel *tcia_downloads_page_get_shown          (TciaDownloadsPage *self);
/* The row of the job at @position of the queue, when it is on screen (else
 * NULL/FALSE): its status line, its error, the section it opens, whether
 * it is compact, whether its title is bold, and whether its button @which ("pause", "resume",
 * "retry", "cancel", "remove", "open") is shown; clicking it. */
const char *tcia_downloads_page_get_row_status     (TciaDownloadsPage *self,
                                                    guint              position);
const char *tcia_downloads_page_get_row_error      (TciaDownloadsPage *self,
                                                    guint              position);
const char *tcia_downloads_page_get_row_section    (TciaDownloadsPage *self,
                                                    guint              position);
gboolean    tcia_downloads_page_get_row_compact    (TciaDownloadsPage *self,
                                                    guint              position);
gboolean    tcia_downloads_page_get_row_title_bold (TciaDownloadsPage *self,
                                                    guint              position);
gboolean    tcia_downloads_page_get_row_button     (TciaDownloadsPage *self,
                                                    guint              position,
                                                    const char        *which);
gboolean    tcia_downloads_page_click_row_button   (TciaDownloadsPage *self,
                                                    guint              position,
                                                    const char        *which);

G_END_DECLS

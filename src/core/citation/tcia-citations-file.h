/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-citations.h"
#include "tcia-download-queue.h"

G_BEGIN_DECLS

/* CITATION.bib and CITATION.txt in the destination folder open as
 * @dest_fd, each merged with the file there (tcia_citations_merge_*()) and
 * replaced atomically, never through a link: a link, a folder or anything
 * else that is not a plain file in the place of one is left alone, and
 * @error says so (TCIA_DOWNLOAD_ERROR_IN_THE_WAY) after the other file is
 * written. Errors name @display_path. */
gboolean       tcia_citations_write_at     (TciaCitations      *self,
                                            int                 dest_fd,
                                            const char         *display_path,
                                            GError            **error);

/* Keeps the citation files of @queue's destination up to date: each job
 * that finishes done or skipped adds its data set (and IDC's paper when
 * IDC served it), and the files are written at once when that added
 * anything. A failure to write is logged, never a failed download. */
void           tcia_citations_track_queue  (TciaDownloadQueue  *queue);
/* What the tracker of @queue has gathered so far, or NULL when there is none. */
TciaCitations *tcia_citations_for_queue    (TciaDownloadQueue  *queue);

G_END_DECLS

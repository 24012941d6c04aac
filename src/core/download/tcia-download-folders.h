/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tcia-download-job.h"
#include "tcia-layout.h"

G_BEGIN_DECLS

/* The destination as a TciaDownloadQueue works in it: the handle it is
 * opened by, its lock, the rows of its metadata.csv and which folder is
 * whose, so that two series never share one. For the queue only. */
typedef struct _TciaDownloadFolders TciaDownloadFolders;

TciaDownloadFolders *tcia_download_folders_new        (const char           *dest_path);
void                 tcia_download_folders_free       (TciaDownloadFolders  *self);

/* Opens and locks the destination, reads its metadata.csv and gives every
 * queued job of @jobs its folder, in the order of their UIDs so that the
 * same series win on every run. TRUE at once when already prepared. */
gboolean             tcia_download_folders_prepare    (TciaDownloadFolders  *self,
                                                       GPtrArray            *jobs,
                                                       TciaLayout            layout,
                                                       GError              **error);
gboolean             tcia_download_folders_is_ready   (TciaDownloadFolders  *self);
/* Closes the handle and lets the lock go, until the next prepare. */
void                 tcia_download_folders_release    (TciaDownloadFolders  *self);
int                  tcia_download_folders_get_root_fd (TciaDownloadFolders *self);

/* Gives @job its folder: the one metadata.csv already has for it, else the
 * layout's, else, when that is another series', the layout's with a
 * tie-breaker from its UID. */
void                 tcia_download_folders_assign     (TciaDownloadFolders  *self,
                                                       TciaDownloadJob      *job,
                                                       TciaLayout            layout);
/* The place of @job is held by a folder the program did not write: the
 * tie-broken name instead, once. FALSE when there is no other. */
gboolean             tcia_download_folders_take_other (TciaDownloadFolders  *self,
                                                       TciaDownloadJob      *job,
                                                       TciaLayout            layout);

/* The File Location of @series_uid's row, NULL when it has none. */
const char          *tcia_download_folders_get_row    (TciaDownloadFolders  *self,
                                                       const char           *series_uid);
/* Appends @row (for @series_uid, at @location) to metadata.csv. */
gboolean             tcia_download_folders_append_row (TciaDownloadFolders  *self,
                                                       const char           *series_uid,
                                                       const char           *location,
                                                       const char           *row,
                                                       GError              **error);

G_END_DECLS

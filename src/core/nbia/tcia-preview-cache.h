/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-client.h"

G_BEGIN_DECLS

#define TCIA_TYPE_PREVIEW_CACHE (tcia_preview_cache_get_type ())

G_DECLARE_FINAL_TYPE (TciaPreviewCache, tcia_preview_cache, TCIA, PREVIEW_CACHE, GObject)

/* The preview of a series: the server's thumbnail of a middle image
 * (getSOPInstanceUIDs, then getThumbnail for the middle one), kept in a
 * folder of files named <SeriesInstanceUID>.<jpg|png|gif>, the least
 * recently used going first past a size bound. Nothing read back is
 * trusted: a file that does not start as an image is removed, and one the
 * caller cannot decode is dropped with tcia_preview_cache_discard(). */

/* The default bound of the folder. */
#define TCIA_PREVIEW_CACHE_DEFAULT_MAX_BYTES (32 * 1024 * 1024)

/* @dir NULL: g_get_user_cache_dir()/tcia-basket/thumbnails. */
TciaPreviewCache *tcia_preview_cache_new           (TciaClient        *client,
                                                    const char        *dir);
const char       *tcia_preview_cache_get_dir       (TciaPreviewCache  *self);
/* Takes effect at the next file stored. */
void              tcia_preview_cache_set_max_bytes (TciaPreviewCache  *self,
                                                    guint64            max_bytes);

/* The encoded image (JPEG, PNG or GIF) of @series_uid: from the folder when
 * it holds one, else from the server (then stored). Errors:
 * G_IO_ERROR_CANCELLED, TCIA_CLIENT_ERROR (the server failed or sent no
 * image; a series without images is G_IO_ERROR_NOT_FOUND). */
void              tcia_preview_cache_load_async    (TciaPreviewCache  *self,
                                                    const char        *series_uid,
                                                    GCancellable      *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer           user_data);
/* @from_cache: whether the folder had it. */
GBytes           *tcia_preview_cache_load_finish   (TciaPreviewCache  *self,
                                                    GAsyncResult      *result,
                                                    gboolean          *from_cache,
                                                    GError           **error);
/* The stored image of @series_uid could not be decoded: removes it, so
 * that the next load asks the server again. */
void              tcia_preview_cache_discard       (TciaPreviewCache  *self,
                                                    const char        *series_uid);

/* "jpg", "png" or "gif" after the signature @data starts with; NULL for
 * anything else. */
const char       *tcia_preview_cache_sniff         (const guint8      *data,
                                                    gsize              len);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The free space where @folder is, or would be: a folder not made yet
 * counts as the nearest folder above it that exists. */
void    tcia_free_space_query_async  (GFile               *folder,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/* The free bytes, or G_MAXUINT64 when the file system does not say; an
 * error only when cancelled. */
guint64 tcia_free_space_query_finish (GAsyncResult        *result,
                                      GError             **error);

G_END_DECLS

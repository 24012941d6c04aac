/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-series-writer.h"

G_BEGIN_DECLS

/* Reads the ZIP from @stream (blocking; call it in the thread that owns the
 * stream) into @writer, whose attempt has begun: each entry becomes a file
 * of the series. Entries with absolute names, "..", backslashes, links or
 * devices, or names too long or too deep, fail the whole archive with
 * TCIA_DOWNLOAD_ERROR_UNSAFE_ENTRY before anything is written for them.
 * md5hashes.csv is kept and promised to the writer, which checks every
 * image against it (with TCIA_EXTRACT_VERIFY_MD5); LICENSE goes to the
 * writer as text. The writer's limits bound the time and the pace; it is
 * told the compressed bytes read so far. The ".part" folder is left as it
 * is on failure; the caller aborts the writer. */
gboolean tcia_nbia_zip_extract (GInputStream      *stream,
                                TciaSeriesWriter  *writer,
                                GCancellable      *cancellable,
                                GError           **error);

G_END_DECLS

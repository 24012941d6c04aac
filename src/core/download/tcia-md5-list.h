/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The most lines md5hashes.csv may have: one a file, and no series has a
 * million images. */
#define TCIA_MD5_LIST_MAX_LINES 1000000

/* md5hashes.csv as NBIA puts it in each series' ZIP: an optional
 * "Filename,MD5Hash" header, then "name,hash" lines (LF or CRLF, in any
 * order; a name may hold commas, the hash is after the last one). Gives
 * name → hash in lower case. A hash that is not 32 hex digits, an empty
 * name or one with control characters, a name given two different hashes
 * or too many lines: NULL with a
 * TCIA_DOWNLOAD_ERROR_CHECKSUM error. */
GHashTable *tcia_md5_list_parse (const char  *text,
                                 gsize        len,
                                 GError     **error);

G_END_DECLS

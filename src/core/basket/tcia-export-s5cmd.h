/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-idc-client.h"

G_BEGIN_DECLS

/* Series as an s5cmd manifest (idc-api.md §5.1 form 1, AWS buckets), so a
 * selection can be handed to s5cmd on machines in the cloud: the header of
 * IDC's portal saying how to run it, one `cp` line per series IDC has, and
 * the series IDC lacks listed in a comment block at the end
 * ("# Not in IDC (download these from TCIA): <UID>"), never left out. */

/* The manifest of every UID @resolution was asked for, in its order;
 * @file_name is what the header's s5cmd command runs. @n_not_in_idc (may
 * be NULL) is how many the comment block lists. */
char     *tcia_export_s5cmd_to_string (TciaIdcResolution    *resolution,
                                       const char           *file_name,
                                       guint                *n_not_in_idc);

/* Resolves @uids through @client, then writes the manifest to @file
 * (replacing it whole, or leaving it as it was on failure). */
void      tcia_export_s5cmd_async     (TciaIdcClient        *client,
                                       const char * const   *uids,
                                       GFile                *file,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
/* @n_series: series written as cp lines; @n_not_in_idc: those listed as
 * not in IDC. */
gboolean  tcia_export_s5cmd_finish    (GAsyncResult         *result,
                                       guint                *n_series,
                                       guint                *n_not_in_idc,
                                       GError              **error);

G_END_DECLS

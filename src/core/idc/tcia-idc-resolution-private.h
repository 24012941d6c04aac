/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "tcia-idc-client.h"

G_BEGIN_DECLS

/* Every valid UID starts as NOT_IN_IDC until a row places it. */
TciaIdcResolution *tcia_idc_resolution_new         (const char * const *series_uids);
/* Resolving series folders (crdc_series_uuid): every valid UUID starts as
 * NOT_IN_IDC; the UIDs are those the rows name. */
TciaIdcResolution *tcia_idc_resolution_new_for_uuids (const char * const *series_uuids);
/* After the rows: the UIDs in the order of the folders asked for. */
void               tcia_idc_resolution_sort_by_uuids (TciaIdcResolution  *self);
/* The valid UIDs (or, by folder, UUIDs) no row has placed yet (borrowed strings). */
GPtrArray         *tcia_idc_resolution_get_missing (TciaIdcResolution  *self);
/* A row of the "index" query, or of prior_versions_index with
 * @prior_version; FALSE when it places nothing (not asked for, already
 * placed, no bucket or UUID). */
gboolean           tcia_idc_resolution_add_row     (TciaIdcResolution  *self,
                                                    JsonObject         *row,
                                                    gboolean            prior_version);

G_END_DECLS

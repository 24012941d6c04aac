/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-records-private.h"

G_BEGIN_DECLS

/* How NBIA spells the fields of each record and writes its dates: the
 * JSON keys of v4 and v1 (tcia-api.md §3), and its display names, onto the
 * records' fields (model/tcia-records-private.h), and its date forms into
 * ISO. Only nbia/ reads NBIA's bodies, so only nbia/ knows these. */

/* NBIA's keys of a record type's fields (key -> field + 1), for
 * tcia_json_rows_new(). Built once, kept for good; thread-safe. */
GHashTable        *tcia_nbia_fields_get_keys    (GType        record_type);
/* A builder of @record_type that reads NBIA's spellings and dates. */
TciaRecordBuilder *tcia_nbia_record_builder_new (GType        record_type,
                                                 gsize        pool_block_size);
/* NBIA's date forms into ISO YYYY-MM-DD (a TciaDateReader):
 *   v4              "03-08-2019" (MM-DD-YYYY)
 *   v1 Timestamp    "2015-05-27 17:12:21.0", already ISO "2015-05-27", "2015-05-27T..."
 *   v1 Date         "Mon Nov 04 11:45:52 UTC 2013" (the date as printed in its zone)
 * Anything else, and impossible dates, are not converted. */
gboolean           tcia_nbia_read_date          (const char  *value,
                                                 gsize        len,
                                                 char         iso[11]);

G_END_DECLS

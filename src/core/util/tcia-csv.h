/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* CSV (RFC 4180) and TSV as every file and listing of the program writes
 * them. Values come from the contributing sites, so a value a spreadsheet
 * would run as a formula (one starting with "=", "+", "-", "@", TAB or CR)
 * gets a leading "'", as OWASP recommends; a plain number ("-1.5") stays a
 * number. A value that already starts with "'" and then one of those gets
 * one more "'", so that the reader, which takes one "'" away, gives back
 * exactly what was written. */

/* @value (NULL is "") as one CSV field, quoted when it holds ",", '"', CR
 * or LF or has a space at either end. */
void  tcia_csv_append_field  (GString    *out,
                              const char *value);
/* @value (NULL is "") as one TSV field: TAB, CR and LF become spaces. */
void  tcia_tsv_append_field  (GString    *out,
                              const char *value);
/* Takes back, in place, the "'" the writers put before a formula. */
void  tcia_csv_unneutralize  (char       *value);

typedef struct _TciaCsvReader TciaCsvReader;

/* Reads records from @text (@len bytes, not copied: it must outlive the
 * reader) separated by @separator; quoted fields may hold separators,
 * quotes and line breaks. Lines end in LF or CRLF. Fields are given back
 * unneutralized. Malformed input (an unclosed quote, a stray quote) never
 * fails: it gives the fields a lenient reader would. */
TciaCsvReader *tcia_csv_reader_new  (const char     *text,
                                     gsize           len,
                                     char            separator);
/* The next record, as a new array of strings, or FALSE at the end of the
 * text. @terminated says whether a line break ended it: a row a crash cut
 * short has none. */
gboolean       tcia_csv_reader_next (TciaCsvReader  *self,
                                     GPtrArray     **fields,
                                     gboolean       *terminated);
void           tcia_csv_reader_free (TciaCsvReader  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaCsvReader, tcia_csv_reader_free)

G_END_DECLS
